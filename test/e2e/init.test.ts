/**
 * `init --no-input` end to end against moto: the built CLI, a seeded pool and a gateway that
 * trusts it. Asserts what exists in the emulator afterwards and what was sent.
 */
import { statSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { AdminCreateUserCommand, AdminGetUserCommand, AdminResetUserPasswordCommand, AdminSetUserPasswordCommand, DeleteUserPoolClientCommand, DescribeUserPoolCommand, ListResourceServersCommand, ListUserPoolClientsCommand, ListUserPoolsCommand, DescribeUserPoolClientCommand } from '@aws-sdk/client-cognito-identity-provider';
import { CreateGatewayCommand, GetGatewayCommand } from '@aws-sdk/client-bedrock-agentcore-control';
import { sdk, useMoto } from './moto';
import { runCli, type RecordedCall } from './run-cli';
// @ts-expect-error plain .mjs script without types
import { seedSample } from '../../scripts/sandbox.mjs';

interface Seed {
  poolId: string;
  poolName: string;
  existingClientId: string;
  gatewayId: string;
  gatewayName: string;
}

const writes = (calls: RecordedCall[]) => calls.filter((c) => /^(Create|Update|Delete|Admin(Create|Set|Add))/.test(c.operation)).map((c) => c.operation);

describe('init --no-input (moto)', () => {
  const moto = useMoto();

  it('adopts the pool the gateway trusts, adds domain, resource server and a code-flow client, authorizes it on the gateway; a second run creates nothing; status names it all and flags a client deleted behind its back', async () => {
    const seed = (await seedSample(moto.endpoint())) as Seed;
    const { cognito, agentcore } = sdk(moto.endpoint());

    const r = await runCli(['init', '--no-input', '--yes', '--gateway-id', seed.gatewayId, '--json'], { endpoint: moto.endpoint() });
    expect(r.code, r.stderr).toBe(0);
    const out = r.json<any>();
    expect(out).toMatchObject({ success: true, command: 'init', region: 'us-east-1', userPoolId: seed.poolId });

    // No other pool.
    const pools = await cognito.send(new ListUserPoolsCommand({ MaxResults: 60 }));
    expect(pools.UserPools?.map((p) => p.Id)).toEqual([seed.poolId]);
    // A domain, a resource server with mcp/invoke, a code-flow client.
    const pool = (await cognito.send(new DescribeUserPoolCommand({ UserPoolId: seed.poolId }))).UserPool!;
    expect(pool.Domain).toBe(out.domain);
    const servers = (await cognito.send(new ListResourceServersCommand({ UserPoolId: seed.poolId, MaxResults: 50 }))).ResourceServers!;
    expect(servers.map((s) => [s.Identifier, s.Scopes?.map((x) => x.ScopeName)])).toEqual([['mcp', ['invoke']]]);
    const clients = (await cognito.send(new ListUserPoolClientsCommand({ UserPoolId: seed.poolId, MaxResults: 60 }))).UserPoolClients!;
    expect(clients.map((c) => c.ClientName).sort()).toEqual(['copilot-studio-mcp', 'existing-app']);
    const newId = clients.find((c) => c.ClientName === 'copilot-studio-mcp')!.ClientId!;
    const client = (await cognito.send(new DescribeUserPoolClientCommand({ UserPoolId: seed.poolId, ClientId: newId }))).UserPoolClient!;
    expect(client.AllowedOAuthFlows).toEqual(['code']);
    expect(client.AllowedOAuthScopes?.sort()).toEqual(['email', 'mcp/invoke', 'openid', 'profile']);

    // The gateway keeps its client and gains the new one; the update carried every field.
    const gw = await agentcore.send(new GetGatewayCommand({ gatewayIdentifier: seed.gatewayId }));
    expect(gw.authorizerConfiguration?.customJWTAuthorizer?.allowedClients).toEqual([seed.existingClientId, newId]);
    const update = r.requests.find((c) => c.operation === 'UpdateGateway')!;
    expect(update.input).toMatchObject({
      name: seed.gatewayName,
      roleArn: 'arn:aws:iam::123456789012:role/sample-gateway-role',
      authorizerType: 'CUSTOM_JWT',
      protocolType: 'MCP',
      authorizerConfiguration: { customJWTAuthorizer: { discoveryUrl: expect.stringContaining(seed.poolId), allowedClients: [seed.existingClientId, newId] } },
    });
    expect(writes(r.requests).sort()).toEqual(['CreateResourceServer', 'CreateUserPoolClient', 'CreateUserPoolDomain', 'UpdateGateway']);

    // State: pool, gateway, client. Result: the Copilot Studio form.
    expect(r.state()).toMatchObject({ region: 'us-east-1', userPoolId: seed.poolId, gatewayId: seed.gatewayId, clients: [{ clientId: newId, name: 'copilot-studio-mcp', preset: 'copilot-studio' }] });
    expect(readFileSync(r.statePath, 'utf8')).not.toContain(client.ClientSecret!);
    expect(out.copilotStudio).toEqual({
      clientId: newId,
      clientSecret: client.ClientSecret,
      authorizationUrl: `https://${out.domain}.auth.us-east-1.amazoncognito.com/oauth2/authorize`,
      tokenUrl: `https://${out.domain}.auth.us-east-1.amazoncognito.com/oauth2/token`,
      refreshUrl: `https://${out.domain}.auth.us-east-1.amazoncognito.com/oauth2/token`,
      scopes: 'openid email profile mcp/invoke',
    });
    expect(out.gateway).toMatchObject({ gatewayId: seed.gatewayId, updated: true, added: [newId] });
    expect(out.clients).toHaveLength(1);
    expect(out.created.sort()).toEqual(['client:copilot-studio-mcp', 'domain', 'resourceServer']);
    expect(out.updated).toEqual(['gateway']);
    // The short doctor run informs and does not change the exit code. The placeholder redirect URL is a next
    // step for a person (register the URL Copilot Studio shows), not a finding.
    expect(out.doctor.summary).toMatchObject({ pass: expect.any(Number), warn: expect.any(Number), fail: expect.any(Number), skip: expect.any(Number) });
    expect(out.doctor.findings.map((f: { title: string }) => f.title).join('\n')).not.toMatch(/redirect URL|callback/i);

    // Again, in the same directory: nothing is created or changed.
    const again = await runCli(['init', '--no-input', '--yes', '--gateway-id', seed.gatewayId, '--json'], { endpoint: moto.endpoint(), cwd: r.cwd });
    expect(again.code, again.stderr).toBe(0);
    expect(writes(again.requests)).toEqual([]);
    expect(again.json<any>()).toMatchObject({ created: [], updated: [], copilotStudio: { clientId: newId } });
    expect((await cognito.send(new ListUserPoolClientsCommand({ UserPoolId: seed.poolId, MaxResults: 60 }))).UserPoolClients).toHaveLength(2);

    // status on what init made (status.test.ts's scenario: one seed and one init for both files' assertions).
    const clientId = newId;
    const secret = client.ClientSecret!;
    const ok = await runCli(['status', '--json'], { endpoint: moto.endpoint(), cwd: r.cwd });
    expect(ok.code, ok.stderr).toBe(0);
    const st = ok.json<any>();
    expect(st).toMatchObject({ success: true, command: 'status', region: 'us-east-1', pool: { id: seed.poolId, found: true, name: 'sample-pool' }, summary: { missing: 0 } });
    // init adopted the seeded pool and created the domain and the client (the state's records).
    expect(st.pool.origin).toBe('adopted');
    expect(st.domain).toMatchObject({ found: true, status: 'ACTIVE', origin: 'created' });
    expect(st.resourceServer).toMatchObject({ identifier: 'mcp', found: true, scopes: ['invoke'] });
    expect(st.clients).toEqual([
      expect.objectContaining({ clientId, name: 'copilot-studio-mcp', preset: 'copilot-studio', origin: 'created', found: true, oauthFlows: ['code'], onGateway: true, callbackUrls: ['https://placeholder.example.com'], secrets: expect.objectContaining({ count: 1, oldestAgeDays: 0 }) }),
    ]);
    expect(st.gateway).toMatchObject({ gatewayId: seed.gatewayId, found: true, name: seed.gatewayName, status: 'READY', allowedClients: [seed.existingClientId, clientId], trustsPool: seed.poolId });
    // The seeded app is on the gateway but not in the state file: named from the pool.
    expect(st.gateway.unknownClients).toEqual([{ clientId: seed.existingClientId, name: 'existing-app', inPool: true }]);
    expect(ok.stdout).not.toContain(secret);
    // Each resource read once (ListUserPoolClientSecrets is the front's; moto lacks it).
    const ops = ok.requests.map((q) => q.operation);
    expect(ops.filter((o) => o === 'DescribeUserPoolClient')).toHaveLength(1);
    expect(ops.filter((o) => o === 'GetGateway')).toHaveLength(1);
    expect(ops.filter((o) => o === 'DescribeUserPool')).toHaveLength(1);
    expect(ops).toContain('ListUserPoolClientSecrets');
    expect(ops.every((o) => /^(Describe|List|Get)/.test(o))).toBe(true);

    // The human screen.
    const human = await runCli(['status'], { endpoint: moto.endpoint(), cwd: r.cwd });
    expect(human.code, human.stderr).toBe(0);
    expect(human.stdout).toContain(seed.poolId);
    expect(human.stdout).toContain('copilot-studio-mcp');
    expect(human.stdout).toContain('existing-app');
    expect(human.stdout).toContain('Everything the state file records exists in AWS');

    // Deleted behind its back: flagged, exit 1, the report still in the JSON envelope.
    await cognito.send(new DeleteUserPoolClientCommand({ UserPoolId: seed.poolId, ClientId: clientId }));
    const gone = await runCli(['status', '--json'], { endpoint: moto.endpoint(), cwd: r.cwd });
    expect(gone.code, gone.stderr).toBe(1);
    const g = gone.json<any>();
    expect(g).toMatchObject({ success: false, error: { code: 'NOT_FOUND' }, summary: { missing: 1 } });
    expect(g.clients[0]).toMatchObject({ clientId, found: false });
    expect(g.flags).toEqual(
      expect.arrayContaining([
        expect.objectContaining({ resource: `client ${clientId}`, severity: 'missing' }),
        // The gateway still allows the deleted client.
        expect.objectContaining({ resource: 'gateway', severity: 'warning', message: expect.stringContaining(clientId) }),
      ]),
    );
    const humanGone = await runCli(['status'], { endpoint: moto.endpoint(), cwd: r.cwd });
    expect(humanGone.code).toBe(1);
    expect(humanGone.stdout).toContain('gone from AWS');
    expect(humanGone.stderr).toContain('gone from AWS');
  });

  it("human output: the Copilot Studio form, the add-callback next step, a test user, an M2M client with its .env, and the façade's own client when asked", async () => {
    const seed = (await seedSample(moto.endpoint())) as Seed;
    const r = await runCli(
      ['init', '--no-input', '--yes', '--gateway-id', seed.gatewayId, '--m2m', '--dotenv', 'agent.env', '--user-email', 'tester@example.com', '--user-group', 'testers', '--user-password-stdin', '--facade-client'],
      { endpoint: moto.endpoint(), input: 'Passw0rd!Xy\n' },
    );
    expect(r.code, r.stderr).toBe(0);
    for (const label of ['Client ID', 'Client secret', 'Authorization URL', 'Token URL', 'Refresh URL', 'Scopes']) expect(r.stdout).toContain(label);
    // doctor's next step (the redirect URL Copilot Studio shows) is init's hand-off.
    expect(r.stdout).toMatch(/Next steps:\n\s+• After you create the tool in Copilot Studio, it shows a redirect URL .*Register it: mcp-cognito add-callback <the redirect URL> --client-id \w+/);
    expect(r.stdout).toMatch(/M2M agent client mcp-agent-m2m/);
    expect(r.stdout).toContain('agent.env (mode 0600)');
    const env = join(r.cwd, 'agent.env');
    expect(statSync(env).mode & 0o777).toBe(0o600);
    expect(readFileSync(env, 'utf8')).toMatch(/COGNITO_TOKEN_URL=https:\/\/.*\/oauth2\/token/);
    expect(r.stdout + r.stderr).not.toContain('Passw0rd!Xy');
    expect(JSON.stringify(r.requests)).not.toContain('Passw0rd!Xy');

    const { cognito, agentcore } = sdk(moto.endpoint());
    const user = await cognito.send(new AdminGetUserCommand({ UserPoolId: seed.poolId, Username: 'tester@example.com' }));
    expect(user.UserStatus).toBe('CONFIRMED');
    const create = r.requests.find((c) => c.operation === 'AdminCreateUser')!;
    expect(create.input).toMatchObject({ MessageAction: 'SUPPRESS' });
    const gw = await agentcore.send(new GetGatewayCommand({ gatewayIdentifier: seed.gatewayId }));
    expect(gw.authorizerConfiguration?.customJWTAuthorizer?.allowedClients).toHaveLength(4);
    // The façade's client: recorded with its preset, with facade serve's default callback only, allowed on the gateway.
    const facade = (r.state() as { clients: { clientId: string; preset: string }[] }).clients.find((c) => c.preset === 'oauth-facade')!;
    expect(gw.authorizerConfiguration?.customJWTAuthorizer?.allowedClients).toContain(facade.clientId);
    const fc = (await cognito.send(new DescribeUserPoolClientCommand({ UserPoolId: seed.poolId, ClientId: facade.clientId }))).UserPoolClient!;
    expect(fc).toMatchObject({ ClientName: 'mcp-cognito-facade', CallbackURLs: ['http://127.0.0.1:8790/callback'], RefreshTokenRotation: { Feature: 'ENABLED' } });
  });

  it('refuses an AWS_IAM gateway: exit 1, REFUSED, nothing created', async () => {
    const { agentcore } = sdk(moto.endpoint());
    const g = await agentcore.send(new CreateGatewayCommand({ name: 'iam-gateway', roleArn: 'arn:aws:iam::123456789012:role/r', protocolType: 'MCP', authorizerType: 'AWS_IAM' }));
    const r = await runCli(['init', '--no-input', '--yes', '--gateway-id', g.gatewayId!, '--json'], { endpoint: moto.endpoint() });
    expect(r.code).toBe(1);
    expect(r.json<any>().error).toMatchObject({ code: 'REFUSED', message: expect.stringMatching(/AWS_IAM.*cannot be changed/) });
    expect(writes(r.requests)).toEqual([]);
    expect(r.state()).toBeUndefined();
  });

  it('without --gateway-id or --no-gateway: exit 2 before any AWS call', async () => {
    const r = await runCli(['init', '--no-input', '--yes'], { endpoint: moto.endpoint() });
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/--gateway-id.*--no-gateway/);
    expect(r.requests).toEqual([]);
  });

  it('an existing RESET_REQUIRED user is in the plan as an update: without --yes, exit 2 and nothing changed; with --yes its password is set', async () => {
    const seed = (await seedSample(moto.endpoint())) as Seed;
    const { cognito } = sdk(moto.endpoint());
    const user = 'reset@example.com';
    await cognito.send(new AdminCreateUserCommand({ UserPoolId: seed.poolId, Username: user, MessageAction: 'SUPPRESS', UserAttributes: [{ Name: 'email', Value: user }, { Name: 'email_verified', Value: 'true' }] }));
    await cognito.send(new AdminSetUserPasswordCommand({ UserPoolId: seed.poolId, Username: user, Password: 'Old0Passw0rd!', Permanent: true }));
    await cognito.send(new AdminResetUserPasswordCommand({ UserPoolId: seed.poolId, Username: user }));
    const status = async () => (await cognito.send(new AdminGetUserCommand({ UserPoolId: seed.poolId, Username: user }))).UserStatus;
    expect(await status()).toBe('RESET_REQUIRED');
    const args = ['init', '--no-input', '--no-gateway', '--no-doctor', '--pool-id', seed.poolId, '--user-email', user, '--user-password-stdin'];

    const refused = await runCli([...args, '--json'], { endpoint: moto.endpoint(), input: 'Passw0rd!Xy\n' });
    expect(refused.code, refused.stderr).toBe(2);
    expect(refused.json()).toMatchObject({ success: false, error: { code: 'USAGE' } });
    expect(refused.stderr).toContain(`~ update password of ${user} (permanent)`);
    expect(writes(refused.requests)).toEqual([]);
    expect(await status()).toBe('RESET_REQUIRED');

    const applied = await runCli([...args, '--yes', '--json'], { endpoint: moto.endpoint(), input: 'Passw0rd!Xy\n' });
    expect(applied.code, applied.stderr).toBe(0);
    expect(applied.json<any>().user).toMatchObject({ signInName: user, username: expect.stringMatching(/^[0-9a-f-]{36}$/), created: false, passwordSet: true, status: 'CONFIRMED' });
    expect(await status()).toBe('CONFIRMED');
  });
});
