/**
 * `facade deploy | status | remove` against the emulator front (Lambda, IAM and SSM pass through to
 * moto, which stores functions but cannot invoke them without Docker): one function, one role, two
 * SecureString parameters, a RESPONSE_STREAM function URL with both permissions, the callback on the
 * client and the client on the gateway; a second deploy changes nothing; nothing secret in the
 * function's configuration; remove takes away exactly that.
 */
import { describe, expect, it } from 'vitest';
import { AddUserPoolClientSecretCommand, DeleteUserPoolClientSecretCommand, DescribeUserPoolClientCommand } from '@aws-sdk/client-cognito-identity-provider';
import { GetGatewayCommand } from '@aws-sdk/client-bedrock-agentcore-control';
import { GetFunctionConfigurationCommand, GetFunctionUrlConfigCommand, GetPolicyCommand, LambdaClient, ListFunctionsCommand } from '@aws-sdk/client-lambda';
import { GetRolePolicyCommand, IAMClient, ListRolesCommand } from '@aws-sdk/client-iam';
import { GetParametersCommand, SSMClient } from '@aws-sdk/client-ssm';
import { clientConfig, sdk, useEmulator } from './moto';
import { runCli } from './run-cli';
// @ts-expect-error plain .mjs script without types
import { seedSample } from '../../scripts/sandbox.mjs';

describe('facade deploy against the emulator (moto: Lambda, IAM, SSM)', () => {
  const emu = useEmulator();

  it('deploys once, a second deploy changes nothing, nothing secret in the configuration; status; remove takes it all away', async () => {
    const seed = (await seedSample(emu.endpoint())) as { poolId: string; gatewayId: string };
    const init = await runCli(['init', '--no-input', '--yes', '--gateway-id', seed.gatewayId, '--json'], { endpoint: emu.endpoint() });
    expect(init.code, init.stderr).toBe(0);
    const cwd = init.cwd;
    const copilotId = (init.state() as { clients: { clientId: string }[] }).clients[0]!.clientId;
    const { cognito, agentcore } = sdk(emu.endpoint());
    const describeCopilot = async () => JSON.stringify((await cognito.send(new DescribeUserPoolClientCommand({ UserPoolId: seed.poolId, ClientId: copilotId }))).UserPoolClient);
    const copilotBefore = await describeCopilot();

    const dry = await runCli(['facade', 'deploy', '--dry-run'], { endpoint: emu.endpoint(), cwd });
    expect(dry.code, dry.stderr).toBe(0);
    expect(dry.stderr).toMatch(/\+ create IAM role mcp-cognito-facade-role/);
    expect(dry.stderr).toMatch(/\+ create Lambda function mcp-cognito-facade/);
    expect(dry.stderr).toMatch(/create-function-url-config/);
    expect(dry.stderr).toMatch(/\+ create oauth-facade app client "mcp-cognito-facade"/);
    expect(dry.requests.map((r) => r.operation).filter((o) => /^(Create|Put|Update|Add)/.test(o))).toEqual([]);

    // Lambda cannot assume the role deploy creates for a moment (IAM propagation): deploy tries again. The role
    // becomes assumable once the first CreateFunction was refused (a timed window could pass before it on a loaded machine).
    emu.front().settings.roleAssumableAfterMs = 600_000;
    emu.front().faults.hook({ operation: 'CreateFunction', when: 'after', run: () => void (emu.front().settings.roleAssumableAfterMs = 0) });
    const first = await runCli(['facade', 'deploy', '--yes', '--json'], { endpoint: emu.endpoint(), cwd, timeoutMs: 60_000 });
    expect(first.code, first.stderr).toBe(0);
    expect(emu.front().calls('CreateFunction').map((r) => r.error ?? r.status)).toEqual(['InvalidParameterValueException', 201]);
    const out = first.json<{ url: string; mcpUrl: string; changed: boolean; claudeCommand: string }>();
    expect(out.changed).toBe(true);
    expect(out.url).toMatch(/^https:\/\/[0-9a-f]+\.lambda-url\.us-east-1\.on\.aws$/);
    expect(out.claudeCommand).toBe(`claude mcp add --transport http sample-gateway ${out.url}/mcp`);

    const lambda = new LambdaClient(clientConfig(emu.endpoint()));
    const iam = new IAMClient(clientConfig(emu.endpoint()));
    const ssm = new SSMClient(clientConfig(emu.endpoint()));
    // The façade has its own client (the façade preset, in the state file); the Copilot Studio client is exactly as it was.
    const recorded = first.state() as { clients: { clientId: string; preset: string }[] };
    const clientId = recorded.clients.find((c) => c.preset === 'oauth-facade')!.clientId;
    expect(clientId).not.toBe(copilotId);
    expect(await describeCopilot()).toBe(copilotBefore);
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
    expect(client.CallbackURLs).toEqual([`${out.url}/callback`]);
    expect(client.RefreshTokenRotation).toMatchObject({ Feature: 'ENABLED' });
    const gw = await agentcore.send(new GetGatewayCommand({ gatewayIdentifier: seed.gatewayId }));
    expect(gw.authorizerConfiguration?.customJWTAuthorizer?.allowedClients).toContain(clientId);
    expect(first.state()).toMatchObject({ facade: { functionName: 'mcp-cognito-facade', roleName: 'mcp-cognito-facade-role', url: out.url, created: true, callbackAdded: true, clientId, secretId: expect.any(String) } });

    // Idempotent: nothing is created, updated or put the second time, under the documented IAM policy
    // before lambda:ListTags was added (GetFunction without Tags, ListTags denied): the state's record is the evidence.
    emu.front().settings.withoutLambdaListTags = true;
    const second = await runCli(['facade', 'deploy', '--yes', '--json'], { endpoint: emu.endpoint(), cwd });
    expect(second.requests.map((r) => r.operation)).not.toContain('ListTags');
    expect(second.code, second.stderr).toBe(0);
    expect(second.json()).toMatchObject({ changed: false, url: out.url });
    expect(second.requests.map((r) => r.operation).filter((o) => /^(Create|Put|Update|Add|Delete)/.test(o))).toEqual([]);
    expect((await lambda.send(new ListFunctionsCommand({}))).Functions?.map((f) => f.FunctionName)).toEqual(['mcp-cognito-facade']);

    // A configuration change right after another: Lambda takes one update at a time (the second deploy finds the
    // function still InProgress and waits for it instead of meeting a ResourceConflictException).
    emu.front().settings.lambdaDelayMs = 1_200;
    const updatesBefore = emu.front().calls('UpdateFunctionConfiguration').length;
    const third = await runCli(['facade', 'deploy', '--yes', '--json', '--allow-redirect', 'https://one.example.com/cb'], { endpoint: emu.endpoint(), cwd });
    expect(third.code, third.stdout + third.stderr).toBe(0);
    emu.front().state.functions.set('mcp-cognito-facade', { ...emu.front().state.functions.get('mcp-cognito-facade')!, updatedAt: Date.now() + 1_200 });
    const fourth = await runCli(['facade', 'deploy', '--yes', '--json', '--allow-redirect', 'https://two.example.com/cb'], { endpoint: emu.endpoint(), cwd });
    expect(fourth.code, fourth.stdout + fourth.stderr).toBe(0);
    expect(emu.front().calls('UpdateFunctionConfiguration').slice(updatesBefore).map((r) => r.error ?? r.status), JSON.stringify(emu.front().calls('UpdateFunctionConfiguration').slice(updatesBefore).map((r) => [r.error ?? r.status]))).toEqual([200, 200]);
    emu.front().settings.lambdaDelayMs = 300;
    expect((await iam.send(new ListRolesCommand({}))).Roles?.filter((r) => r.RoleName?.startsWith('mcp-cognito-facade')).map((r) => r.RoleName)).toEqual(['mcp-cognito-facade-role']);

    const status = await runCli(['facade', 'status', '--json'], { endpoint: emu.endpoint(), cwd });
    expect(status.code, status.stderr).toBe(0);
    expect(status.json()).toMatchObject({ healthy: true, invokeMode: 'RESPONSE_STREAM', drift: [], codeOutdated: false, permissionsMissing: [], parametersMissing: [], secret: { status: 'current' } });
    // status shows the façade: its own client, where it is deployed, its callback.
    const overall = await runCli(['status', '--json'], { endpoint: emu.endpoint(), cwd });
    expect(overall.code, overall.stderr).toBe(0);
    expect(overall.json()).toMatchObject({ facade: { clientId, clientName: 'mcp-cognito-facade', ownClient: true, deployed: true, functionName: 'mcp-cognito-facade', mcpUrl: out.mcpUrl, callbacks: [`${out.url}/callback`] } });

    // Without lambda:ListTags and without a state record, a function of that name is never called foreign: ACCESS_DENIED names the action.
    const other = await runCli(['facade', 'deploy', '--yes', '--state', 'other.json', '--pool-id', seed.poolId, '--gateway-id', seed.gatewayId], { endpoint: emu.endpoint(), cwd });
    expect(other.code, other.stdout + other.stderr).toBe(1);
    expect(other.stderr).toMatch(/lambda:ListTags/);
    expect(other.stderr).not.toMatch(/not made by mcp-cognito/);
    emu.front().settings.withoutLambdaListTags = false;

    // doctor knows the façade: callback, gateway authorization, function health (the metadata probe needs a reachable URL).
    const doctor = await runCli(['doctor', '--json', '--verbose'], { endpoint: emu.endpoint(), cwd });
    const checks = (doctor.json<{ checks: { id: string; status: string; title: string }[] }>().checks ?? []).filter((c) => c.id.startsWith('facade.') || c.id.startsWith('client.oauth-metadata'));
    expect(Object.fromEntries(checks.map((c) => [c.id, c.status]))).toMatchObject({ 'facade.callback': 'pass', 'facade.authorized': 'pass', 'facade.function': 'pass', 'facade.metadata': 'skip' });

    // The secret the façade holds is deleted behind its back (a rotation that did not reach it): facade status and doctor
    // say so and name the fix, rotate-secret on the façade's client, which adds a secret and gives it to the façade
    // (Cognito shows no secret value once the original is deleted, so deploy cannot re-deliver one).
    const heldId = (first.state() as { facade: { secretId: string } }).facade.secretId;
    await cognito.send(new AddUserPoolClientSecretCommand({ UserPoolId: seed.poolId, ClientId: clientId }));
    await cognito.send(new DeleteUserPoolClientSecretCommand({ UserPoolId: seed.poolId, ClientId: clientId, ClientSecretId: heldId }));
    const stale = await runCli(['facade', 'status', '--json'], { endpoint: emu.endpoint(), cwd });
    expect(stale.code, stale.stdout).toBe(1);
    expect(stale.json()).toMatchObject({ success: false, healthy: false, secret: { status: 'gone' }, problems: [expect.stringMatching(/no longer has .*mcp-cognito rotate-secret --client-id/)] });
    const staleDoctor = await runCli(['doctor', '--json'], { endpoint: emu.endpoint(), cwd });
    expect(staleDoctor.code).toBe(1);
    const fix = `mcp-cognito rotate-secret --client-id ${clientId}`;
    expect(staleDoctor.json<{ checks: { id: string; status: string; fix?: string }[] }>().checks.find((c) => c.id === 'facade.function')).toMatchObject({ status: 'fail', fix });
    const redeliver = await runCli([...fix.split(' ').slice(1), '--yes', '--json'], { endpoint: emu.endpoint(), cwd, timeoutMs: 60_000 });
    expect(redeliver.code, redeliver.stderr).toBe(0);
    const rotated = redeliver.json<{ secretId: string; clientSecret: string }>();
    expect((redeliver.state() as { facade: { secretId: string } }).facade.secretId).toBe(rotated.secretId);
    const delivered = await ssm.send(new GetParametersCommand({ Names: ['/mcp-cognito/mcp-cognito-facade/client-secret'], WithDecryption: true }));
    expect(delivered.Parameters![0]!.Value).toBe(rotated.clientSecret);
    expect((await runCli(['facade', 'status', '--json'], { endpoint: emu.endpoint(), cwd })).json()).toMatchObject({ healthy: true, secret: { status: 'current' } });

    const removed = await runCli(['facade', 'remove', '--yes', '--json'], { endpoint: emu.endpoint(), cwd });
    expect(removed.code, removed.stderr).toBe(0);
    // The façade's own client keeps its one callback (Cognito refuses a code-flow client without one).
    expect(removed.json()).toMatchObject({ changed: true, callbackRemoved: false });
    expect((await lambda.send(new ListFunctionsCommand({}))).Functions ?? []).toEqual([]);
    expect(((await iam.send(new ListRolesCommand({}))).Roles ?? []).filter((r) => r.RoleName?.startsWith('mcp-cognito-facade'))).toEqual([]);
    expect((await ssm.send(new GetParametersCommand({ Names: ['/mcp-cognito/mcp-cognito-facade/client-secret', '/mcp-cognito/mcp-cognito-facade/signing-key'] }))).Parameters ?? []).toEqual([]);
    const after = (await cognito.send(new DescribeUserPoolClientCommand({ UserPoolId: seed.poolId, ClientId: clientId }))).UserPoolClient!;
    expect(after.CallbackURLs).toEqual(client.CallbackURLs);
    expect(await describeCopilot()).toBe(copilotBefore);
    expect(removed.state()).not.toHaveProperty('facade');
    // Nothing left to remove.
    const again = await runCli(['facade', 'remove', '--yes', '--json'], { endpoint: emu.endpoint(), cwd });
    expect(again.code, again.stderr).toBe(0);
    expect(again.json()).toMatchObject({ changed: false });
  }, 150_000);
});
