/**
 * `facade deploy | status | remove` against the emulator front (Lambda, IAM and SSM pass through to
 * moto, which stores functions but cannot invoke them without Docker): one function, one role, two
 * SecureString parameters, a RESPONSE_STREAM function URL with both permissions, the callback on the
 * client and the client on the gateway; a second deploy changes nothing; nothing secret in the
 * function's configuration; remove takes away exactly that.
 */
import { describe, expect, it } from 'vitest';
import { DescribeUserPoolClientCommand } from '@aws-sdk/client-cognito-identity-provider';
import { GetGatewayCommand } from '@aws-sdk/client-bedrock-agentcore-control';
import { GetFunctionConfigurationCommand, GetFunctionUrlConfigCommand, GetPolicyCommand, LambdaClient, ListFunctionsCommand } from '@aws-sdk/client-lambda';
import { GetRolePolicyCommand, IAMClient, ListRolesCommand } from '@aws-sdk/client-iam';
import { GetParametersCommand, SSMClient } from '@aws-sdk/client-ssm';
import { sdk, useEmulator } from './moto';
import { runCli } from './run-cli';
// @ts-expect-error plain .mjs script without types
import { seedSample } from '../../scripts/sandbox.mjs';

const config = (endpoint: string) => ({ region: 'us-east-1', endpoint, credentials: { accessKeyId: 'test', secretAccessKey: 'test' } });

describe('facade deploy against the emulator (moto: Lambda, IAM, SSM)', () => {
  const emu = useEmulator();

  it('deploys once, a second deploy changes nothing, nothing secret in the configuration; status; remove takes it all away', async () => {
    const seed = (await seedSample(emu.endpoint())) as { poolId: string; gatewayId: string };
    const init = await runCli(['init', '--no-input', '--yes', '--gateway-id', seed.gatewayId, '--json'], { endpoint: emu.endpoint() });
    expect(init.code, init.stderr).toBe(0);
    const cwd = init.cwd;
    const clientId = (init.state() as { clients: { clientId: string }[] }).clients[0]!.clientId;

    const dry = await runCli(['facade', 'deploy', '--dry-run'], { endpoint: emu.endpoint(), cwd });
    expect(dry.code, dry.stderr).toBe(0);
    expect(dry.stderr).toMatch(/\+ create IAM role mcp-cognito-facade-role/);
    expect(dry.stderr).toMatch(/\+ create Lambda function mcp-cognito-facade/);
    expect(dry.stderr).toMatch(/create-function-url-config/);
    expect(dry.requests.map((r) => r.operation).filter((o) => /^(Create|Put|Update|Add)/.test(o))).toEqual([]);

    // Lambda cannot assume the role deploy creates for a moment (IAM propagation): deploy tries again.
    emu.front().settings.roleAssumableAfterMs = 1_000;
    const first = await runCli(['facade', 'deploy', '--yes', '--json'], { endpoint: emu.endpoint(), cwd, timeoutMs: 60_000 });
    expect(first.code, first.stderr).toBe(0);
    expect(emu.front().calls('CreateFunction').map((r) => r.error ?? r.status)).toEqual(['InvalidParameterValueException', 201]);
    const out = first.json<{ url: string; mcpUrl: string; changed: boolean; claudeCommand: string }>();
    expect(out.changed).toBe(true);
    expect(out.url).toMatch(/^https:\/\/[0-9a-f]+\.lambda-url\.us-east-1\.on\.aws$/);
    expect(out.claudeCommand).toBe(`claude mcp add --transport http sample-gateway ${out.url}/mcp`);

    const lambda = new LambdaClient(config(emu.endpoint()));
    const iam = new IAMClient(config(emu.endpoint()));
    const ssm = new SSMClient(config(emu.endpoint()));
    const { cognito, agentcore } = sdk(emu.endpoint());
    const fn = await lambda.send(new GetFunctionConfigurationCommand({ FunctionName: 'mcp-cognito-facade' }));
    expect(fn).toMatchObject({ Runtime: 'nodejs22.x', Handler: 'index.handler', Role: expect.stringMatching(/:role\/mcp-cognito-facade-role$/) });
    const secret = (await cognito.send(new DescribeUserPoolClientCommand({ UserPoolId: seed.poolId, ClientId: clientId }))).UserPoolClient!.ClientSecret!;
    const params = await ssm.send(new GetParametersCommand({ Names: ['/mcp-cognito/mcp-cognito-facade/client-secret', '/mcp-cognito/mcp-cognito-facade/signing-key'], WithDecryption: true }));
    expect(params.Parameters?.map((p) => [p.Name, p.Type]).sort()).toEqual([
      ['/mcp-cognito/mcp-cognito-facade/client-secret', 'SecureString'],
      ['/mcp-cognito/mcp-cognito-facade/signing-key', 'SecureString'],
    ]);
    const key = params.Parameters!.find((p) => p.Name!.endsWith('signing-key'))!.Value!;
    expect(params.Parameters!.find((p) => p.Name!.endsWith('client-secret'))!.Value).toBe(secret);
    // The configuration holds parameter names and public settings, never the secret or the key.
    const configText = JSON.stringify(fn);
    expect(configText).not.toContain(secret);
    expect(configText).not.toContain(key);
    expect(fn.Environment?.Variables).toMatchObject({ FACADE_CLIENT_ID: clientId, FACADE_CLIENT_SECRET_PARAMETER: '/mcp-cognito/mcp-cognito-facade/client-secret', FACADE_SIGNING_KEY_PARAMETER: '/mcp-cognito/mcp-cognito-facade/signing-key' });
    // Neither reached the CLI's output nor its request record.
    expect(first.stdout + first.stderr + JSON.stringify(first.requests)).not.toContain(secret);
    expect(JSON.stringify(first.requests)).not.toContain(key);
    const url = await lambda.send(new GetFunctionUrlConfigCommand({ FunctionName: 'mcp-cognito-facade' }));
    expect(url).toMatchObject({ AuthType: 'NONE', InvokeMode: 'RESPONSE_STREAM' });
    const policy = JSON.parse((await lambda.send(new GetPolicyCommand({ FunctionName: 'mcp-cognito-facade' }))).Policy!) as { Statement: { Sid: string; Action: string }[] };
    expect(policy.Statement.map((s) => [s.Sid, s.Action])).toEqual([
      ['FacadeFunctionUrlPublic', 'lambda:InvokeFunctionUrl'],
      ['FacadeFunctionUrlInvoke', 'lambda:InvokeFunction'],
    ]);
    const rolePolicy = JSON.parse(decodeURIComponent((await iam.send(new GetRolePolicyCommand({ RoleName: 'mcp-cognito-facade-role', PolicyName: 'facade-runtime' }))).PolicyDocument!)) as { Statement: { Action: string | string[]; Resource: string | string[] }[] };
    expect(rolePolicy.Statement.flatMap((s) => [s.Action].flat()).sort()).toEqual(['logs:CreateLogGroup', 'logs:CreateLogStream', 'logs:PutLogEvents', 'ssm:GetParameters']);
    expect(JSON.stringify(rolePolicy)).not.toContain('"*"');
    const client = (await cognito.send(new DescribeUserPoolClientCommand({ UserPoolId: seed.poolId, ClientId: clientId }))).UserPoolClient!;
    expect(client.CallbackURLs).toContain(`${out.url}/callback`);
    expect(client.CallbackURLs).toContain('https://placeholder.example.com');
    const gw = await agentcore.send(new GetGatewayCommand({ gatewayIdentifier: seed.gatewayId }));
    expect(gw.authorizerConfiguration?.customJWTAuthorizer?.allowedClients).toContain(clientId);
    expect(first.state()).toMatchObject({ facade: { functionName: 'mcp-cognito-facade', roleName: 'mcp-cognito-facade-role', url: out.url, created: true, callbackAdded: true, clientId } });

    // Idempotent: nothing is created, updated or put the second time.
    const second = await runCli(['facade', 'deploy', '--yes', '--json'], { endpoint: emu.endpoint(), cwd });
    expect(second.code, second.stderr).toBe(0);
    expect(second.json()).toMatchObject({ changed: false, url: out.url });
    expect(second.requests.map((r) => r.operation).filter((o) => /^(Create|Put|Update|Add|Delete)/.test(o))).toEqual([]);
    expect((await lambda.send(new ListFunctionsCommand({}))).Functions?.map((f) => f.FunctionName)).toEqual(['mcp-cognito-facade']);

    // A configuration change right after another: Lambda takes one update at a time (the second deploy finds the
    // function still InProgress and waits for it instead of meeting a ResourceConflictException).
    emu.front().settings.lambdaDelayMs = 1_200;
    const third = await runCli(['facade', 'deploy', '--yes', '--json', '--allow-redirect', 'https://one.example.com/cb'], { endpoint: emu.endpoint(), cwd });
    expect(third.code, third.stdout + third.stderr).toBe(0);
    emu.front().state.functions.set('mcp-cognito-facade', { ...emu.front().state.functions.get('mcp-cognito-facade')!, updatedAt: Date.now() + 1_200 });
    const fourth = await runCli(['facade', 'deploy', '--yes', '--json', '--allow-redirect', 'https://two.example.com/cb'], { endpoint: emu.endpoint(), cwd });
    expect(fourth.code, fourth.stdout + fourth.stderr).toBe(0);
    expect(emu.front().calls('UpdateFunctionConfiguration').map((r) => r.error ?? r.status)).toEqual([200, 200]);
    emu.front().settings.lambdaDelayMs = 300;
    expect((await iam.send(new ListRolesCommand({}))).Roles?.filter((r) => r.RoleName?.startsWith('mcp-cognito-facade')).map((r) => r.RoleName)).toEqual(['mcp-cognito-facade-role']);

    const status = await runCli(['facade', 'status', '--json'], { endpoint: emu.endpoint(), cwd });
    expect(status.code, status.stderr).toBe(0);
    expect(status.json()).toMatchObject({ healthy: true, invokeMode: 'RESPONSE_STREAM', drift: [], codeOutdated: false, permissionsMissing: [], parametersMissing: [] });

    // doctor knows the façade: callback, gateway authorization, function health (the metadata probe needs a reachable URL).
    const doctor = await runCli(['doctor', '--json', '--verbose'], { endpoint: emu.endpoint(), cwd });
    const checks = (doctor.json<{ checks: { id: string; status: string; title: string }[] }>().checks ?? []).filter((c) => c.id.startsWith('facade.') || c.id.startsWith('client.oauth-metadata'));
    expect(Object.fromEntries(checks.map((c) => [c.id, c.status]))).toMatchObject({ 'facade.callback': 'pass', 'facade.authorized': 'pass', 'facade.function': 'pass', 'facade.metadata': 'skip' });

    const removed = await runCli(['facade', 'remove', '--yes', '--json'], { endpoint: emu.endpoint(), cwd });
    expect(removed.code, removed.stderr).toBe(0);
    expect(removed.json()).toMatchObject({ changed: true, callbackRemoved: true });
    expect((await lambda.send(new ListFunctionsCommand({}))).Functions ?? []).toEqual([]);
    expect(((await iam.send(new ListRolesCommand({}))).Roles ?? []).filter((r) => r.RoleName?.startsWith('mcp-cognito-facade'))).toEqual([]);
    expect((await ssm.send(new GetParametersCommand({ Names: ['/mcp-cognito/mcp-cognito-facade/client-secret', '/mcp-cognito/mcp-cognito-facade/signing-key'] }))).Parameters ?? []).toEqual([]);
    const after = (await cognito.send(new DescribeUserPoolClientCommand({ UserPoolId: seed.poolId, ClientId: clientId }))).UserPoolClient!;
    expect(after.CallbackURLs).toEqual(client.CallbackURLs!.filter((u) => u !== `${out.url}/callback`));
    expect(removed.state()).not.toHaveProperty('facade');
    // Nothing left to remove.
    const again = await runCli(['facade', 'remove', '--yes', '--json'], { endpoint: emu.endpoint(), cwd });
    expect(again.code, again.stderr).toBe(0);
    expect(again.json()).toMatchObject({ changed: false });
  });

  it('teardown removes the deployed façade first, then the client init made; the adopted pool and the gateway stay', async () => {
    const seed = (await seedSample(emu.endpoint())) as { poolId: string; gatewayId: string };
    const init = await runCli(['init', '--no-input', '--yes', '--gateway-id', seed.gatewayId, '--json'], { endpoint: emu.endpoint() });
    expect(init.code, init.stderr).toBe(0);
    const cwd = init.cwd;
    const deploy = await runCli(['facade', 'deploy', '--yes', '--json'], { endpoint: emu.endpoint(), cwd, timeoutMs: 60_000 });
    expect(deploy.code, deploy.stderr).toBe(0);
    const lambda = new LambdaClient(config(emu.endpoint()));
    expect(((await lambda.send(new ListFunctionsCommand({}))).Functions ?? []).length).toBe(1);

    const down = await runCli(['teardown', '--yes', '--json'], { endpoint: emu.endpoint(), cwd, timeoutMs: 60_000 });
    expect(down.code, down.stderr).toBe(0);
    expect((await lambda.send(new ListFunctionsCommand({}))).Functions ?? []).toEqual([]);
    const iam = new IAMClient(config(emu.endpoint()));
    expect(((await iam.send(new ListRolesCommand({}))).Roles ?? []).filter((r) => r.RoleName?.startsWith('mcp-cognito-facade'))).toEqual([]);
    expect(down.state()).not.toHaveProperty('facade');
    // The gateway keeps its earlier client only; the pool (adopted) stays.
    const { cognito, agentcore } = sdk(emu.endpoint());
    const g = await agentcore.send(new GetGatewayCommand({ gatewayIdentifier: seed.gatewayId }));
    const earlier = (init.state() as { clients: { clientId: string }[] }).clients.map((c) => c.clientId);
    for (const id of earlier) expect(g.authorizerConfiguration?.customJWTAuthorizer?.allowedClients ?? []).not.toContain(id);
    const { DescribeUserPoolCommand } = await import('@aws-sdk/client-cognito-identity-provider');
    expect((await cognito.send(new DescribeUserPoolCommand({ UserPoolId: seed.poolId }))).UserPool?.Id).toBe(seed.poolId);

    const again = await runCli(['teardown', '--yes', '--json'], { endpoint: emu.endpoint(), cwd });
    expect(again.code, again.stderr).toBe(0);
    expect(again.requests.filter((r) => /^(Delete|Update|Remove)/.test(r.operation))).toEqual([]);
  });
});
