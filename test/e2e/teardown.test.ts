/**
 * The day after, through the built binary against the emulator front: deauthorize-client,
 * delete-client and teardown. Asserts the recorded requests and what exists afterwards.
 * moto's gateway IDs have no `<name>-<10 chars>` form, so the gateway is named in the state file or by flag.
 */
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { CreateResourceServerCommand, CreateUserPoolClientCommand, CreateUserPoolCommand, DescribeUserPoolCommand, ListUserPoolClientsCommand, ListUserPoolsCommand } from '@aws-sdk/client-cognito-identity-provider';
import { CreateGatewayCommand, GetGatewayCommand, type CreateGatewayRequest, type GetGatewayResponse } from '@aws-sdk/client-bedrock-agentcore-control';
import { sdk, useEmulator } from './moto';
import { runCli, type RecordedCall } from './run-cli';
// @ts-expect-error plain .mjs script without types
import { seedSample } from '../../scripts/sandbox.mjs';

const emu = useEmulator({ gatewayDelayMs: 0 });
const discovery = (poolId: string) => `https://cognito-idp.us-east-1.amazonaws.com/${poolId}/.well-known/openid-configuration`;
const writes = (calls: RecordedCall[]) => calls.filter((c) => /^(Create|Update|Delete|Admin(Create|Set|Add|Delete))/.test(c.operation)).map((c) => c.operation);

async function seedPool() {
  const { cognito } = sdk(emu.endpoint());
  const pool = (await cognito.send(new CreateUserPoolCommand({ PoolName: 'mcp-gateway' }))).UserPool!;
  await cognito.send(new CreateResourceServerCommand({ UserPoolId: pool.Id, Identifier: 'mcp', Name: 'MCP', Scopes: [{ ScopeName: 'invoke', ScopeDescription: 'Invoke' }] }));
  const client = async (name: string) =>
    (await cognito.send(new CreateUserPoolClientCommand({ UserPoolId: pool.Id, ClientName: name, GenerateSecret: true, AllowedOAuthFlows: ['client_credentials'], AllowedOAuthScopes: ['mcp/invoke'], AllowedOAuthFlowsUserPoolClient: true }))).UserPoolClient!.ClientId!;
  return { poolId: pool.Id!, client };
}

/** A gateway with every field the front keeps set. */
async function seedGateway(poolId: string, allowedClients: string[], overrides: Partial<CreateGatewayRequest> = {}): Promise<GetGatewayResponse> {
  const { agentcore } = sdk(emu.endpoint());
  const created = await agentcore.send(
    new CreateGatewayCommand({
      name: 'mcp-gw',
      description: 'MCP tools',
      roleArn: 'arn:aws:iam::123456789012:role/gateway-role',
      protocolType: 'MCP',
      protocolConfiguration: { mcp: { supportedVersions: ['2025-03-26', '2025-06-18'], instructions: 'Use the tools politely.', searchType: 'SEMANTIC' } },
      authorizerType: 'CUSTOM_JWT',
      authorizerConfiguration: { customJWTAuthorizer: { discoveryUrl: discovery(poolId), allowedClients, allowedScopes: ['mcp/invoke'] } },
      kmsKeyArn: 'arn:aws:kms:us-east-1:123456789012:key/1234abcd-12ab-34cd-56ef-1234567890ab',
      exceptionLevel: 'DEBUG',
      ...overrides,
    }),
  );
  return getGateway(created.gatewayId!);
}

async function getGateway(id: string): Promise<GetGatewayResponse> {
  const { $metadata: _m, ...g } = await sdk(emu.endpoint()).agentcore.send(new GetGatewayCommand({ gatewayIdentifier: id }));
  return g;
}

/** The UpdateGateway body that leaves the gateway as it is. */
const updatableOf = (g: GetGatewayResponse) => {
  const { gatewayArn: _a, gatewayId: _i, gatewayUrl: _u, createdAt: _c, updatedAt: _d, status: _s, statusReasons: _r, workloadIdentityDetails: _w, ...rest } = g;
  return JSON.parse(JSON.stringify(rest)) as Record<string, any>;
};
/** Every setting of a gateway but its allowed clients, status and dates. */
const settingsOf = (g: GetGatewayResponse) => {
  const u = updatableOf(g);
  delete u.authorizerConfiguration.customJWTAuthorizer.allowedClients;
  return u;
};
const allowed = (g: GetGatewayResponse) => g.authorizerConfiguration?.customJWTAuthorizer?.allowedClients ?? [];

function stateDir(state: Record<string, unknown>): string {
  const dir = mkdtempSync(join(tmpdir(), 'mcp-cognito-teardown-'));
  writeFileSync(join(dir, 'mcp-cognito.json'), JSON.stringify({ version: 1, region: 'us-east-1', ...state }));
  return dir;
}

async function poolIds(): Promise<string[]> {
  return ((await sdk(emu.endpoint()).cognito.send(new ListUserPoolsCommand({ MaxResults: 60 }))).UserPools ?? []).map((p) => p.Id!);
}

describe('deauthorize-client (emulator)', () => {
  it('sends one UpdateGateway equal to the read gateway minus that client; a re-run has nothing to do', async () => {
    const { poolId, client } = await seedPool();
    const [a, b] = [await client('a'), await client('b')];
    const before = await seedGateway(poolId, ['earlier1', a, b]);
    const cwd = stateDir({ userPoolId: poolId, gatewayId: before.gatewayId });

    const run = await runCli(['deauthorize-client', '--client-id', a, '--yes', '--json'], { endpoint: emu.endpoint(), cwd });
    expect(run.code, run.stderr).toBe(0);
    const sent = run.requests.filter((r) => r.operation === 'UpdateGateway');
    expect(sent).toHaveLength(1);
    const expected = updatableOf(before);
    expected.authorizerConfiguration.customJWTAuthorizer.allowedClients = ['earlier1', b];
    expect(sent[0]!.input).toEqual(expected);
    const after = await getGateway(before.gatewayId!);
    expect(after.status).toBe('READY');
    expect(allowed(after)).toEqual(['earlier1', b]);
    expect(settingsOf(after)).toEqual(settingsOf(before));
    expect(run.json()).toMatchObject({ success: true, command: 'deauthorize-client', removed: [a], allowedClients: ['earlier1', b], changed: true });

    const again = await runCli(['deauthorize-client', '--client-id', a, '--yes', '--json'], { endpoint: emu.endpoint(), cwd });
    expect(again.code, again.stderr).toBe(0);
    expect(writes(again.requests)).toEqual([]);
    expect(again.json()).toMatchObject({ removed: [], notAllowed: [a], changed: false });
  });

  it('refuses to remove the last client (an empty list lets any client of the pool in) with nothing sent; --allow-any-client does it', async () => {
    const { poolId, client } = await seedPool();
    const only = await client('only');
    const before = await seedGateway(poolId, [only]);
    const cwd = stateDir({ userPoolId: poolId, gatewayId: before.gatewayId });

    const refused = await runCli(['deauthorize-client', '--client-id', only, '--yes', '--json'], { endpoint: emu.endpoint(), cwd });
    expect(refused.code).toBe(1);
    expect(refused.json()).toMatchObject({ success: false, error: { code: 'REFUSED', message: expect.stringMatching(/ANY app client of user pool/) } });
    expect(writes(refused.requests)).toEqual([]);
    expect(allowed(await getGateway(before.gatewayId!))).toEqual([only]);

    const dry = await runCli(['deauthorize-client', '--client-id', only, '--allow-any-client', '--dry-run'], { endpoint: emu.endpoint(), cwd });
    expect(dry.code, dry.stderr).toBe(0);
    expect(dry.stderr).toMatch(/allowedClients becomes empty: an empty allowedClients list lets a token of ANY app client/);
    expect(writes(dry.requests)).toEqual([]);

    const opened = await runCli(['deauthorize-client', '--client-id', only, '--allow-any-client', '--yes', '--json'], { endpoint: emu.endpoint(), cwd });
    expect(opened.code, opened.stderr).toBe(0);
    const sent = opened.requests.find((r) => r.operation === 'UpdateGateway')!;
    expect(sent.input.authorizerConfiguration).toEqual({ customJWTAuthorizer: { discoveryUrl: discovery(poolId), allowedScopes: ['mcp/invoke'] } });
    expect(opened.json()).toMatchObject({ anyClient: true, allowedClients: [] });
  });

  it('bad input: exit 2 and no request', async () => {
    const r = await runCli(['deauthorize-client', '--client-id', 'bad id', '--gateway-id', 'gw1'], { endpoint: emu.endpoint() });
    expect(r.code).toBe(2);
    expect(r.requests).toEqual([]);
    const none = await runCli(['deauthorize-client', '--gateway-id', 'gw1'], { endpoint: emu.endpoint() });
    expect(none.code).toBe(2);
    expect(none.requests).toEqual([]);
  });
});

describe('delete-client (emulator)', () => {
  it('takes the client off the gateway first, then deletes it, then the state; a second run says it is gone', async () => {
    const { poolId, client } = await seedPool();
    const [doomed, other] = [await client('doomed'), await client('other')];
    const before = await seedGateway(poolId, [doomed, other]);
    const cwd = stateDir({ userPoolId: poolId, gatewayId: before.gatewayId, clients: [{ clientId: doomed, name: 'doomed', preset: 'm2m' }], created: { clients: [doomed], gatewayClients: [{ gatewayId: before.gatewayId, clientIds: [doomed] }] } });

    const refused = await runCli(['delete-client', '--client-id', doomed], { endpoint: emu.endpoint(), cwd });
    expect(refused.code).toBe(2);
    expect(refused.stderr).toMatch(/- delete app client doomed/);
    expect(writes(refused.requests)).toEqual([]);

    const run = await runCli(['delete-client', '--client-id', doomed, '--yes', '--json'], { endpoint: emu.endpoint(), cwd });
    expect(run.code, run.stderr).toBe(0);
    expect(writes(run.requests)).toEqual(['UpdateGateway', 'DeleteUserPoolClient']);
    const after = await getGateway(before.gatewayId!);
    expect(allowed(after)).toEqual([other]);
    expect(settingsOf(after)).toEqual(settingsOf(before));
    const left = (await sdk(emu.endpoint()).cognito.send(new ListUserPoolClientsCommand({ UserPoolId: poolId, MaxResults: 60 }))).UserPoolClients!.map((c) => c.ClientId);
    expect(left).not.toContain(doomed);
    expect(run.state()).toEqual({ version: 1, region: 'us-east-1', userPoolId: poolId, gatewayId: before.gatewayId, clients: [] });
    expect(run.json()).toMatchObject({ deleted: true, alreadyGone: false, gateways: [{ gatewayId: before.gatewayId, allowedClients: [other] }] });

    const again = await runCli(['delete-client', '--client-id', doomed, '--yes', '--json'], { endpoint: emu.endpoint(), cwd });
    expect(again.code, again.stderr).toBe(0);
    expect(writes(again.requests)).toEqual([]);
    expect(again.json()).toMatchObject({ alreadyGone: true, changed: false });
  });
});

describe('teardown (emulator)', () => {
  it('after init on an existing gateway (pool adopted): the gateway keeps only its earlier clients and every other setting, the pool stays; a second teardown does nothing', async () => {
    const seed = await seedSample(emu.endpoint());
    const before = await getGateway(seed.gatewayId);
    const init = await runCli(['init', '--no-input', '--yes', '--gateway-id', seed.gatewayId, '--m2m', '--no-doctor', '--json'], { endpoint: emu.endpoint() });
    expect(init.code, init.stderr).toBe(0);
    const state = init.state() as any;
    expect(state.adopted).toEqual({ userPool: seed.poolId });
    expect(state.created.domain).toBe(init.json<any>().domain);
    expect(state.created.resourceServer).toBe('mcp');
    expect(state.created.clients).toHaveLength(2);
    // init added Copilot Studio's MCP version to the gateway's list: recorded, and kept by teardown (said in the plan).
    expect(state.created.gatewayClients).toEqual([{ gatewayId: seed.gatewayId, clientIds: state.created.clients, supportedVersions: ['2025-03-26'] }]);
    expect(allowed(await getGateway(seed.gatewayId))).toHaveLength(3);

    const dry = await runCli(['teardown', '--dry-run'], { endpoint: emu.endpoint(), cwd: init.cwd });
    expect(dry.code, dry.stderr).toBe(0);
    expect(writes(dry.requests)).toEqual([]);
    expect(dry.stderr).toMatch(/= user pool .*adopted/);
    expect(dry.stderr).toMatch(/- delete hosted-UI domain/);
    expect(dry.stderr).toMatch(/the MCP version 2025-03-26 this tool added stays, as other clients may rely on it/);

    const run = await runCli(['teardown', '--yes', '--json'], { endpoint: emu.endpoint(), cwd: init.cwd });
    expect(run.code, run.stderr).toBe(0);
    expect(writes(run.requests)).toEqual(['UpdateGateway', 'DeleteUserPoolClient', 'DeleteUserPoolClient', 'DeleteResourceServer', 'DeleteUserPoolDomain']);
    const after = await getGateway(seed.gatewayId);
    expect(allowed(after)).toEqual([seed.existingClientId]);
    // Every other setting as before init, but the MCP version init added (kept on purpose, see above).
    const { protocolConfiguration: afterMcp, ...afterRest } = settingsOf(after);
    const { protocolConfiguration: beforeMcp, ...beforeRest } = settingsOf(before);
    expect(afterRest).toEqual(beforeRest);
    expect(afterMcp.mcp.supportedVersions).toEqual([...beforeMcp.mcp.supportedVersions, '2025-03-26']);
    expect(await poolIds()).toEqual([seed.poolId]);
    const pool = (await sdk(emu.endpoint()).cognito.send(new DescribeUserPoolCommand({ UserPoolId: seed.poolId }))).UserPool!;
    expect(pool.Domain).toBeUndefined();
    const clients = (await sdk(emu.endpoint()).cognito.send(new ListUserPoolClientsCommand({ UserPoolId: seed.poolId, MaxResults: 60 }))).UserPoolClients!;
    expect(clients.map((c) => c.ClientId)).toEqual([seed.existingClientId]);
    expect(run.state()).toEqual({ version: 1, region: 'us-east-1', userPoolId: seed.poolId, gatewayId: seed.gatewayId, clients: [], adopted: { userPool: seed.poolId } });

    const again = await runCli(['teardown', '--yes', '--json'], { endpoint: emu.endpoint(), cwd: init.cwd });
    expect(again.code, again.stderr).toBe(0);
    expect(writes(again.requests)).toEqual([]);
    expect(again.json()).toMatchObject({ changed: false, deleted: [] });
  });

  it('after init created the pool (and a user) and authorize-client on a gateway with earlier clients: the pool goes (domain first), the gateway keeps its earlier clients; a second teardown does nothing', async () => {
    const init = await runCli(['init', '--no-input', '--yes', '--no-gateway', '--no-doctor', '--pool-name', 'trial-pool', '--m2m', '--user-email', 'tester@example.com', '--user-group', 'testers', '--user-password-stdin', '--json'], {
      endpoint: emu.endpoint(),
      input: 'Passw0rd!Xy\n',
    });
    expect(init.code, init.stderr).toBe(0);
    const poolId = init.json<any>().userPoolId as string;
    // init's pool signs in with e-mail addresses: Cognito generated the user's name, which the state records.
    const username = init.json<any>().user.username as string;
    expect(username).toMatch(/^[0-9a-f-]{36}$/);
    expect((init.state() as any).created).toMatchObject({ userPool: poolId, users: [username], groups: ['testers'] });
    const before = await seedGateway(poolId, ['earlier1', 'earlier2']);
    const auth = await runCli(['authorize-client', '--gateway-id', before.gatewayId!, '--yes', '--json'], { endpoint: emu.endpoint(), cwd: init.cwd });
    expect(auth.code, auth.stderr).toBe(0);
    const afterAuth = await getGateway(before.gatewayId!);
    expect(allowed(afterAuth)).toHaveLength(4);

    const run = await runCli(['teardown', '--yes', '--json'], { endpoint: emu.endpoint(), cwd: init.cwd });
    expect(run.code, run.stderr).toBe(0);
    // The gateway first; then the domain before the pool (Cognito refuses a pool that has one); the rest goes with the pool.
    expect(writes(run.requests)).toEqual(['UpdateGateway', 'DeleteUserPoolDomain', 'DeleteUserPool']);
    const after = await getGateway(before.gatewayId!);
    expect(allowed(after)).toEqual(['earlier1', 'earlier2']);
    expect(settingsOf(after)).toEqual(settingsOf(afterAuth));
    expect(await poolIds()).toEqual([]);
    expect(run.state()).toEqual({ version: 1, region: 'us-east-1' });
    expect(run.json<any>().deleted.map((d: any) => d.kind)).toEqual(expect.arrayContaining(['domain', 'userPool', 'client', 'user', 'group', 'resourceServer']));

    const again = await runCli(['teardown', '--yes', '--json'], { endpoint: emu.endpoint(), cwd: init.cwd });
    expect(again.code, again.stderr).toBe(0);
    expect(again.requests).toEqual([]);
    expect(again.json()).toMatchObject({ changed: false });
  });

  it('a pool init created whose deletion protection was turned on since: kept, with the reason; what is in it that init made still goes', async () => {
    const init = await runCli(['init', '--no-input', '--yes', '--no-gateway', '--no-doctor', '--pool-name', 'guarded-pool', '--m2m', '--json'], { endpoint: emu.endpoint() });
    expect(init.code, init.stderr).toBe(0);
    const poolId = init.json<any>().userPoolId as string;
    const { UpdateUserPoolCommand } = await import('@aws-sdk/client-cognito-identity-provider');
    await sdk(emu.endpoint()).cognito.send(new UpdateUserPoolCommand({ UserPoolId: poolId, DeletionProtection: 'ACTIVE' }));
    const run = await runCli(['teardown', '--yes', '--json'], { endpoint: emu.endpoint(), cwd: init.cwd });
    expect(run.code, run.stdout + run.stderr).toBe(0);
    // DeleteUserPool is never sent (the emulator would refuse it, as AWS does); the pool stays.
    expect(writes(run.requests)).toEqual(['DeleteUserPoolClient', 'DeleteUserPoolClient', 'DeleteResourceServer', 'DeleteUserPoolDomain']);
    expect(await poolIds()).toEqual([poolId]);
    expect(run.json<any>().kept).toEqual([{ kind: 'userPool', id: poolId, reason: expect.stringMatching(/deletion protection is on/) }]);
  });

  it('an old state file (no created record) deletes nothing: everything counts as adopted', async () => {
    const { poolId, client } = await seedPool();
    const id = await client('old');
    const cwd = stateDir({ userPoolId: poolId, clients: [{ clientId: id, name: 'old', preset: 'm2m' }], resourceServer: { identifier: 'mcp', scopes: ['invoke'] } });
    const run = await runCli(['teardown', '--yes', '--json'], { endpoint: emu.endpoint(), cwd });
    expect(run.code, run.stderr).toBe(0);
    expect(writes(run.requests)).toEqual([]);
    expect(run.json<any>().kept.map((k: any) => k.kind).sort()).toEqual(['client', 'resourceServer', 'userPool']);
    expect(await poolIds()).toEqual([poolId]);
  });
});
