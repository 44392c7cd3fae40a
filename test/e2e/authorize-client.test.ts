/**
 * authorize-client through the built binary against the emulator (moto behind the front). The
 * front resets what UpdateGateway omits and moves a gateway UPDATING → READY after
 * `gatewayDelayMs`: 0 here (seeded gateways are READY at once); tests that need a gateway to stay
 * UPDATING raise it. The tests assert the recorded request too. moto's gateway IDs (10 hex
 * characters) do not have the `<name>-<10 chars>` form of real ones, so the gateway is named in
 * the state file.
 */
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { CreateResourceServerCommand, CreateUserPoolClientCommand, CreateUserPoolCommand } from '@aws-sdk/client-cognito-identity-provider';
import { CreateGatewayCommand, GetGatewayCommand, type CreateGatewayRequest, type GetGatewayResponse } from '@aws-sdk/client-bedrock-agentcore-control';
import { sdk, useMoto } from './moto';
import { runCli, type RecordedCall } from './run-cli';

const moto = useMoto({ gatewayDelayMs: 0 });
/** The gateway stays UPDATING (CREATING) for the rest of the test after its next Create/Update. */
const stayUpdating = () => void (moto.front().settings.gatewayDelayMs = 10 * 60_000);
const discovery = (poolId: string, region = 'us-east-1') => `https://cognito-idp.${region}.amazonaws.com/${poolId}/.well-known/openid-configuration`;

async function seedPool() {
  const { cognito } = sdk(moto.endpoint());
  const pool = (await cognito.send(new CreateUserPoolCommand({ PoolName: 'mcp-gateway' }))).UserPool!;
  await cognito.send(new CreateResourceServerCommand({ UserPoolId: pool.Id, Identifier: 'mcp', Name: 'MCP', Scopes: [{ ScopeName: 'invoke', ScopeDescription: 'Invoke' }, { ScopeName: 'admin', ScopeDescription: 'Admin' }] }));
  const client = async (name: string, scopes: string[], flows: ('code' | 'client_credentials')[] = ['code']) =>
    (
      await cognito.send(
        new CreateUserPoolClientCommand({
          UserPoolId: pool.Id,
          ClientName: name,
          GenerateSecret: true,
          AllowedOAuthFlows: flows,
          AllowedOAuthScopes: scopes,
          AllowedOAuthFlowsUserPoolClient: true,
          ...(flows.includes('code') ? { CallbackURLs: ['https://placeholder.example.com'] } : {}),
        }),
      )
    ).UserPoolClient!.ClientId!;
  return { poolId: pool.Id!, client };
}

/** A gateway with every field moto keeps set: description, KMS key, exception level, policy engine, protocol configuration, allowed scopes. */
async function seedGateway(poolId: string, overrides: Partial<CreateGatewayRequest> = {}): Promise<GetGatewayResponse> {
  const { agentcore } = sdk(moto.endpoint());
  const created = await agentcore.send(
    new CreateGatewayCommand({
      name: 'mcp-gw',
      description: 'MCP tools for Copilot Studio',
      roleArn: 'arn:aws:iam::123456789012:role/gateway-role',
      protocolType: 'MCP',
      protocolConfiguration: { mcp: { supportedVersions: ['2025-03-26', '2025-06-18'], instructions: 'Use the tools politely.', searchType: 'SEMANTIC' } },
      authorizerType: 'CUSTOM_JWT',
      authorizerConfiguration: { customJWTAuthorizer: { discoveryUrl: discovery(poolId), allowedClients: ['existingclient1'], allowedScopes: ['mcp/invoke'] } },
      kmsKeyArn: 'arn:aws:kms:us-east-1:123456789012:key/1234abcd-12ab-34cd-56ef-1234567890ab',
      exceptionLevel: 'DEBUG',
      policyEngineConfiguration: { arn: 'arn:aws:bedrock-agentcore:us-east-1:123456789012:policy-engine/pe-1', mode: 'ENFORCE' },
      interceptorConfigurations: [{ interceptor: { lambda: { arn: 'arn:aws:lambda:us-east-1:123456789012:function:interceptor' } }, interceptionPoints: ['REQUEST'] }],
      ...overrides,
    }),
  );
  return getGateway(created.gatewayId!);
}

async function getGateway(id: string): Promise<GetGatewayResponse> {
  const { $metadata: _m, ...g } = await sdk(moto.endpoint()).agentcore.send(new GetGatewayCommand({ gatewayIdentifier: id }));
  return g;
}

function stateDir(state: Record<string, unknown>): string {
  const dir = mkdtempSync(join(tmpdir(), 'mcp-cognito-authorize-'));
  writeFileSync(join(dir, 'mcp-cognito.json'), JSON.stringify({ version: 1, region: 'us-east-1', ...state }));
  return dir;
}

const updates = (requests: RecordedCall[]) => requests.filter((r) => r.operation === 'UpdateGateway');
/** The UpdateGateway body moto would need to leave the gateway as it is. */
const updatableOf = (g: GetGatewayResponse) => {
  const { gatewayArn: _a, gatewayId: _i, gatewayUrl: _u, createdAt: _c, updatedAt: _d, status: _s, statusReasons: _r, workloadIdentityDetails: _w, ...rest } = g;
  return JSON.parse(JSON.stringify(rest)) as Record<string, unknown>;
};

describe('authorize-client (moto)', () => {
  it('sends one UpdateGateway that appends the client and equals GetGateway in every other field; a re-run sends nothing', async () => {
    const { poolId, client } = await seedPool();
    const clientId = await client('copilot-studio-mcp', ['openid', 'mcp/invoke']);
    const before = await seedGateway(poolId);
    const cwd = stateDir({ userPoolId: poolId, gatewayId: before.gatewayId, clients: [{ clientId, name: 'copilot-studio-mcp', preset: 'copilot-studio' }] });

    stayUpdating();
    const run = await runCli(['authorize-client', '--yes', '--no-wait', '--json'], { endpoint: moto.endpoint(), cwd });
    expect(run.code, run.stderr).toBe(0);
    const sent = updates(run.requests);
    expect(sent).toHaveLength(1);
    expect(sent[0]!.path).toContain(`/gateways/${before.gatewayId}`);
    const expected = updatableOf(before);
    (expected.authorizerConfiguration as any).customJWTAuthorizer.allowedClients = ['existingclient1', clientId];
    expect(sent[0]!.input).toEqual(expected);

    const after = await getGateway(before.gatewayId!);
    expect(after.status).toBe('UPDATING');
    expect((after.authorizerConfiguration as any).customJWTAuthorizer.allowedClients).toEqual(['existingclient1', clientId]);
    expect(run.json()).toMatchObject({ success: true, command: 'authorize-client', gatewayId: before.gatewayId, added: [clientId], allowedClients: ['existingclient1', clientId], status: 'UPDATING', changed: true });
    expect(JSON.parse(readFileSync(join(cwd, 'mcp-cognito.json'), 'utf8')).gatewayId).toBe(before.gatewayId);

    // The gateway is still UPDATING: already authorized still means exit 0, nothing sent.
    const again = await runCli(['authorize-client', '--yes', '--no-wait', '--json'], { endpoint: moto.endpoint(), cwd });
    expect(again.code, again.stderr).toBe(0);
    expect(updates(again.requests)).toHaveLength(0);
    expect(again.json()).toMatchObject({ success: true, changed: false, added: [], status: 'UPDATING' });
  });

  it('adds the client\'s custom scopes to allowedScopes and 2025-03-26 to supportedVersions for a Copilot Studio client', async () => {
    const { poolId, client } = await seedPool();
    const clientId = await client('copilot', ['openid', 'mcp/invoke', 'mcp/admin']);
    const before = await seedGateway(poolId, { protocolConfiguration: { mcp: { supportedVersions: ['2025-06-18'], instructions: 'x', searchType: 'SEMANTIC' } } });
    const cwd = stateDir({ userPoolId: poolId, gatewayId: before.gatewayId });
    const run = await runCli(['authorize-client', '--client-id', clientId, '--yes', '--json'], { endpoint: moto.endpoint(), cwd });
    expect(run.code, run.stderr).toBe(0);
    const body = updates(run.requests)[0]!.input as any;
    expect(body.authorizerConfiguration.customJWTAuthorizer).toEqual({ discoveryUrl: discovery(poolId), allowedClients: ['existingclient1', clientId], allowedScopes: ['mcp/invoke', 'mcp/admin'] });
    expect(body.protocolConfiguration).toEqual({ mcp: { supportedVersions: ['2025-06-18', '2025-03-26'], instructions: 'x', searchType: 'SEMANTIC' } });
    expect(run.json()).toMatchObject({ addedScopes: ['mcp/admin'], addedVersions: ['2025-03-26'] });
  });

  it('--mcp-version 2026-07-28 adds the stateless revision and keeps every version already there (request and readback); a re-run sends nothing', async () => {
    const { poolId } = await seedPool();
    const before = await seedGateway(poolId, { protocolConfiguration: { mcp: { supportedVersions: ['2025-03-26', '2025-06-18', '2025-11-25'], instructions: 'Use the tools politely.', searchType: 'SEMANTIC' } } });
    const cwd = stateDir({ userPoolId: poolId, gatewayId: before.gatewayId });
    const run = await runCli(['authorize-client', '--mcp-version', '2026-07-28', '--yes', '--json'], { endpoint: moto.endpoint(), cwd });
    expect(run.code, run.stderr).toBe(0);
    const sent = updates(run.requests);
    expect(sent).toHaveLength(1);
    const expected = updatableOf(before);
    (expected.protocolConfiguration as any).mcp.supportedVersions = ['2025-03-26', '2025-06-18', '2025-11-25', '2026-07-28'];
    expect(sent[0]!.input).toEqual(expected);
    const after = await getGateway(before.gatewayId!);
    expect(after.protocolConfiguration).toEqual({ mcp: { supportedVersions: ['2025-03-26', '2025-06-18', '2025-11-25', '2026-07-28'], instructions: 'Use the tools politely.', searchType: 'SEMANTIC' } });
    expect(updatableOf(after)).toEqual(expected);
    expect(run.json()).toMatchObject({ success: true, addedVersions: ['2026-07-28'], changed: true });
    const again = await runCli(['authorize-client', '--mcp-version', '2026-07-28', '--yes', '--json'], { endpoint: moto.endpoint(), cwd });
    expect(again.code, again.stderr).toBe(0);
    expect(updates(again.requests)).toHaveLength(0);
  });

  it('--dry-run prints the plan and the aws command with the full JSON, and changes nothing', async () => {
    const { poolId, client } = await seedPool();
    const clientId = await client('copilot', ['mcp/invoke']);
    const before = await seedGateway(poolId);
    const cwd = stateDir({ userPoolId: poolId, gatewayId: before.gatewayId });
    const run = await runCli(['authorize-client', '--client-id', clientId, '--dry-run'], { endpoint: moto.endpoint(), cwd });
    expect(run.code, run.stderr).toBe(0);
    expect(updates(run.requests)).toHaveLength(0);
    expect(run.stderr).toContain(`+ ${clientId}`);
    const cli = run.stderr.split('\n').find((l) => l.includes('aws bedrock-agentcore-control update-gateway'));
    const json = JSON.parse(/--cli-input-json '(.*)'$/.exec(cli!.trim())![1]!);
    const expected: Record<string, unknown> = { gatewayIdentifier: before.gatewayId, ...updatableOf(before) };
    (expected.authorizerConfiguration as any).customJWTAuthorizer.allowedClients = ['existingclient1', clientId];
    expect(json).toEqual(expected);
    expect(await getGateway(before.gatewayId!)).toEqual(before);
  });

  it('without a terminal and without --yes: exit 2, nothing sent', async () => {
    const { poolId, client } = await seedPool();
    const clientId = await client('copilot', ['mcp/invoke']);
    const before = await seedGateway(poolId);
    const cwd = stateDir({ userPoolId: poolId, gatewayId: before.gatewayId });
    const run = await runCli(['authorize-client', '--client-id', clientId, '--json'], { endpoint: moto.endpoint(), cwd });
    expect(run.code).toBe(2);
    expect(run.json()).toMatchObject({ success: false, error: { code: 'USAGE' } });
    expect(updates(run.requests)).toHaveLength(0);
    expect(await getGateway(before.gatewayId!)).toEqual(before);
  });

  it('refuses an AWS_IAM gateway: exit 1, REFUSED, nothing sent', async () => {
    const { poolId, client } = await seedPool();
    const clientId = await client('copilot', ['mcp/invoke']);
    const gw = await seedGateway(poolId, { authorizerType: 'AWS_IAM', authorizerConfiguration: undefined });
    const cwd = stateDir({ userPoolId: poolId, gatewayId: gw.gatewayId });
    const run = await runCli(['authorize-client', '--client-id', clientId, '--yes', '--json'], { endpoint: moto.endpoint(), cwd });
    expect(run.code).toBe(1);
    const out = run.json<{ error: { code: string; message: string } }>();
    expect(out.error.code).toBe('REFUSED');
    expect(out.error.message).toMatch(/AWS_IAM.*cannot|in place/);
    expect(updates(run.requests)).toHaveLength(0);
  });

  it.each([
    ['another pool', (poolId: string) => discovery(`us-east-1_Other${poolId.slice(-4)}`), /another|us-east-1_Other/],
    ['another Region', (poolId: string) => discovery(poolId, 'eu-west-1'), /eu-west-1/],
    ['another identity provider', () => 'https://login.microsoftonline.com/tenant/v2.0/.well-known/openid-configuration', /another identity provider/],
  ])('refuses a gateway that trusts %s: exit 1, nothing sent', async (_label, url, message) => {
    const { poolId, client } = await seedPool();
    const clientId = await client('copilot', ['mcp/invoke']);
    const gw = await seedGateway(poolId, { authorizerConfiguration: { customJWTAuthorizer: { discoveryUrl: url(poolId), allowedClients: ['theirs'] } } });
    const cwd = stateDir({ userPoolId: poolId, gatewayId: gw.gatewayId });
    const run = await runCli(['authorize-client', '--client-id', clientId, '--yes', '--json'], { endpoint: moto.endpoint(), cwd });
    expect(run.code).toBe(1);
    const out = run.json<{ error: { code: string; message: string } }>();
    expect(out.error.code).toBe('REFUSED');
    expect(out.error.message).toMatch(message);
    expect(updates(run.requests)).toHaveLength(0);
    expect(await getGateway(gw.gatewayId!)).toEqual(gw);
  });

  it('refuses to change a gateway that is not READY (still UPDATING): exit 1, nothing sent', async () => {
    const { poolId, client } = await seedPool();
    const first = await client('first', ['mcp/invoke']);
    const second = await client('second', ['mcp/invoke']);
    const gw = await seedGateway(poolId);
    const cwd = stateDir({ userPoolId: poolId, gatewayId: gw.gatewayId });
    stayUpdating();
    const one = await runCli(['authorize-client', '--client-id', first, '--yes', '--no-wait'], { endpoint: moto.endpoint(), cwd });
    expect(one.code, one.stderr).toBe(0);
    const two = await runCli(['authorize-client', '--client-id', second, '--yes', '--no-wait', '--json'], { endpoint: moto.endpoint(), cwd });
    expect(two.code).toBe(1);
    expect(two.json()).toMatchObject({ success: false, error: { code: 'REFUSED' } });
    expect(two.json<{ error: { message: string } }>().error.message).toContain('UPDATING');
    expect(updates(two.requests)).toHaveLength(0);
  });

  it('waiting on a gateway that stays UPDATING ends in exit 1, TIMEOUT, after --wait-timeout', async () => {
    const { poolId, client } = await seedPool();
    const clientId = await client('copilot', ['mcp/invoke']);
    const gw = await seedGateway(poolId);
    const cwd = stateDir({ userPoolId: poolId, gatewayId: gw.gatewayId });
    stayUpdating();
    const started = Date.now();
    const run = await runCli(['authorize-client', '--client-id', clientId, '--yes', '--wait-timeout', '1', '--json'], { endpoint: moto.endpoint(), cwd });
    expect(run.code).toBe(1);
    expect(run.json()).toMatchObject({ success: false, gatewayId: gw.gatewayId, status: 'UPDATING', error: { code: 'TIMEOUT' } });
    expect(updates(run.requests)).toHaveLength(1);
    expect(Date.now() - started).toBeLessThan(20_000);
    // Polled at least twice after the update (the first check, then after the backoff sleep).
    const ops = run.requests.map((r) => r.operation);
    expect(ops.slice(ops.indexOf('UpdateGateway')).filter((o) => o === 'GetGateway').length).toBeGreaterThanOrEqual(2);
  });

  it('waits, like a real run, until the gateway is READY after the update (UPDATING → READY)', async () => {
    const { poolId, client } = await seedPool();
    const clientId = await client('copilot', ['mcp/invoke']);
    const gw = await seedGateway(poolId);
    const cwd = stateDir({ userPoolId: poolId, gatewayId: gw.gatewayId });
    moto.front().settings.gatewayDelayMs = 1000;
    const run = await runCli(['authorize-client', '--client-id', clientId, '--yes', '--json'], { endpoint: moto.endpoint(), cwd });
    expect(run.code, run.stderr).toBe(0);
    expect(run.json()).toMatchObject({ success: true, status: 'READY', changed: true });
    const ops = run.requests.map((r) => r.operation);
    const polls = ops.slice(ops.indexOf('UpdateGateway')).filter((o) => o === 'GetGateway');
    expect(polls.length).toBeGreaterThanOrEqual(2);
    // The front saw UPDATING first, then READY.
    expect(moto.front().calls('GetGateway').length).toBeGreaterThanOrEqual(polls.length);
    expect((await getGateway(gw.gatewayId!)).status).toBe('READY');
  });

  it('an update that ends in UPDATE_UNSUCCESSFUL: exit 1 with AWS\'s statusReasons', async () => {
    const { poolId, client } = await seedPool();
    const clientId = await client('copilot', ['mcp/invoke']);
    const gw = await seedGateway(poolId);
    const cwd = stateDir({ userPoolId: poolId, gatewayId: gw.gatewayId });
    moto.front().settings.gatewayDelayMs = 200;
    moto.front().gateways.planOutcome({ gatewayId: gw.gatewayId!, status: 'UPDATE_UNSUCCESSFUL', statusReasons: ['The role cannot be assumed by bedrock-agentcore.amazonaws.com'] });
    const run = await runCli(['authorize-client', '--client-id', clientId, '--yes', '--json'], { endpoint: moto.endpoint(), cwd });
    expect(run.code).toBe(1);
    const out = run.json<{ error: { message: string }; status?: string }>();
    expect(out.error.message).toContain('UPDATE_UNSUCCESSFUL');
    expect(out.error.message).toContain('The role cannot be assumed by bedrock-agentcore.amazonaws.com');
  });

  it('an unknown client ID is NOT_FOUND before anything is sent', async () => {
    const { poolId } = await seedPool();
    const gw = await seedGateway(poolId);
    const cwd = stateDir({ userPoolId: poolId, gatewayId: gw.gatewayId });
    const run = await runCli(['authorize-client', '--client-id', 'nosuchclient1', '--yes', '--json'], { endpoint: moto.endpoint(), cwd });
    expect(run.code).toBe(1);
    expect(run.json()).toMatchObject({ error: { code: 'NOT_FOUND' } });
    expect(updates(run.requests)).toHaveLength(0);
  });

  it('without a gateway (no flag, no state, no terminal): usage error naming --gateway-id, no AWS call', async () => {
    const cwd = stateDir({ userPoolId: 'us-east-1_Abc123', clients: [{ clientId: 'abc123', name: 'x', preset: 'copilot-studio' }] });
    const run = await runCli(['authorize-client', '--yes', '--json'], { endpoint: moto.endpoint(), cwd });
    expect(run.code).toBe(2);
    expect(run.json<{ error: { message: string } }>().error.message).toContain('--gateway-id');
    expect(run.requests).toEqual([]);
  });

  it('a malformed gatewayId in the state file: exit 2 naming the state file, no AWS call', async () => {
    const cwd = stateDir({ userPoolId: 'us-east-1_Abc123', gatewayId: 'Not A Gateway/../x', clients: [{ clientId: 'abc123', name: 'x', preset: 'copilot-studio' }] });
    const run = await runCli(['authorize-client', '--yes', '--json'], { endpoint: moto.endpoint(), cwd });
    expect(run.code).toBe(2);
    expect(run.json()).toMatchObject({ success: false, error: { code: 'INVALID_INPUT', message: expect.stringContaining(`The gatewayId in the state file ${join(cwd, 'mcp-cognito.json')}`) } });
    expect(run.requests).toEqual([]);
  });

  it('--pool-id naming another pool than the state file\'s: the gateway is authorized but not recorded beside the state\'s pool', async () => {
    const mine = await seedPool();
    const theirs = await seedPool();
    const clientId = await theirs.client('copilot', ['mcp/invoke']);
    const gw = await seedGateway(theirs.poolId);
    const state = { version: 1, region: 'us-east-1', userPoolId: mine.poolId };
    const cwd = stateDir(state);
    const run = await runCli(['authorize-client', '--pool-id', theirs.poolId, '--gateway-id', gw.gatewayId!, '--client-id', clientId, '--yes', '--json'], { endpoint: moto.endpoint(), cwd });
    expect(run.code, run.stderr).toBe(0);
    expect(updates(run.requests)).toHaveLength(1);
    expect(JSON.parse(readFileSync(join(cwd, 'mcp-cognito.json'), 'utf8'))).toEqual(state);

    // A state file without a pool records the pool with the gateway.
    const empty = stateDir({});
    const again = await runCli(['authorize-client', '--pool-id', theirs.poolId, '--gateway-id', gw.gatewayId!, '--client-id', clientId, '--yes', '--json'], { endpoint: moto.endpoint(), cwd: empty });
    expect(again.code, again.stderr).toBe(0);
    expect(JSON.parse(readFileSync(join(empty, 'mcp-cognito.json'), 'utf8'))).toMatchObject({ userPoolId: theirs.poolId, gatewayId: gw.gatewayId });
  });
});
