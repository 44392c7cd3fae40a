/**
 * The gateway's authorization through the built binary, on the emulator front (AWS's gatewayUrl ends
 * in /mcp; UpdateGateway resets what it omits; gateways go UPDATING → READY or UPDATE_UNSUCCESSFUL):
 * the MCP endpoint printed once (issue 9, defect 1), a gateway that checks no client ID stays open
 * unless --restrict-clients (defect 2), an UPDATE_UNSUCCESSFUL gateway repaired (defect 4),
 * --allowed-scope and --mcp-version (issue 11, item 4), init then doctor with no warning, and the
 * hand-off notes of issue 11, item 7.
 */
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { CreateResourceServerCommand, CreateUserPoolClientCommand, CreateUserPoolCommand } from '@aws-sdk/client-cognito-identity-provider';
import { CreateGatewayCommand, CreateGatewayTargetCommand, GetGatewayCommand, type CreateGatewayRequest, type GetGatewayResponse } from '@aws-sdk/client-bedrock-agentcore-control';
import { sdk, useEmulator } from './moto';
import { runCli, type RecordedCall } from './run-cli';

const emu = useEmulator({ gatewayDelayMs: 0 });
const discovery = (poolId: string) => `https://cognito-idp.us-east-1.amazonaws.com/${poolId}/.well-known/openid-configuration`;
const updates = (requests: RecordedCall[]) => requests.filter((r) => r.operation === 'UpdateGateway');

async function seedPool() {
  const { cognito } = sdk(emu.endpoint());
  const pool = (await cognito.send(new CreateUserPoolCommand({ PoolName: 'mcp-gateway' }))).UserPool!;
  await cognito.send(new CreateResourceServerCommand({ UserPoolId: pool.Id, Identifier: 'mcp', Name: 'MCP', Scopes: [{ ScopeName: 'invoke', ScopeDescription: 'Invoke' }, { ScopeName: 'admin', ScopeDescription: 'Admin' }] }));
  const client = async (name: string, scopes: string[] = ['openid', 'mcp/invoke']) =>
    (
      await cognito.send(
        new CreateUserPoolClientCommand({ UserPoolId: pool.Id, ClientName: name, GenerateSecret: true, AllowedOAuthFlows: ['code'], AllowedOAuthScopes: scopes, AllowedOAuthFlowsUserPoolClient: true, CallbackURLs: ['https://app.example.com/callback'] }),
      )
    ).UserPoolClient!.ClientId!;
  return { poolId: pool.Id!, client };
}

/** A READY gateway that trusts the pool (the front makes it CREATING, then READY). */
async function seedGateway(poolId: string, jwt: Record<string, unknown> = {}, more: Partial<CreateGatewayRequest> = {}): Promise<GetGatewayResponse> {
  const { agentcore } = sdk(emu.endpoint());
  const created = await agentcore.send(
    new CreateGatewayCommand({
      name: 'mcp-gw',
      roleArn: 'arn:aws:iam::123456789012:role/gateway-role',
      protocolType: 'MCP',
      protocolConfiguration: { mcp: { supportedVersions: ['2025-06-18'] } },
      authorizerType: 'CUSTOM_JWT',
      authorizerConfiguration: { customJWTAuthorizer: { discoveryUrl: discovery(poolId), ...jwt } },
      ...more,
    }),
  );
  for (let i = 0; i < 100; i++) {
    const g = await getGateway(created.gatewayId!);
    if (g.status === 'READY') return g;
    await new Promise((r) => setTimeout(r, 20));
  }
  throw new Error('the seeded gateway never became READY');
}

async function getGateway(id: string): Promise<GetGatewayResponse> {
  const { $metadata: _m, ...g } = await sdk(emu.endpoint()).agentcore.send(new GetGatewayCommand({ gatewayIdentifier: id }));
  return g;
}
const jwtOf = (g: GetGatewayResponse) => g.authorizerConfiguration?.customJWTAuthorizer;

function stateDir(state: Record<string, unknown>): string {
  const dir = mkdtempSync(join(tmpdir(), 'mcp-cognito-gw-'));
  writeFileSync(join(dir, 'mcp-cognito.json'), JSON.stringify({ version: 1, region: 'us-east-1', ...state }));
  return dir;
}

describe('the MCP endpoint (issue 9, defect 1)', () => {
  it('authorize-client prints the gateway URL AWS gives (it already ends in /mcp), never …/mcp/mcp', async () => {
    const { poolId, client } = await seedPool();
    const clientId = await client('copilot');
    const gw = await seedGateway(poolId, { allowedClients: ['existing1'] });
    expect(gw.gatewayUrl).toMatch(/\/mcp$/);
    const cwd = stateDir({ userPoolId: poolId, gatewayId: gw.gatewayId });
    const run = await runCli(['authorize-client', '--client-id', clientId, '--yes'], { endpoint: emu.endpoint(), cwd });
    expect(run.code, run.stderr).toBe(0);
    expect(run.stdout).not.toContain('/mcp/mcp');
    expect(run.stdout).toMatch(new RegExp(`MCP endpoint\\s+${gw.gatewayUrl!.replace(/[.]/g, '\\.')}\\n`));
    const json = await runCli(['authorize-client', '--client-id', clientId, '--json'], { endpoint: emu.endpoint(), cwd });
    expect(json.json()).toMatchObject({ mcpUrl: gw.gatewayUrl });
  });
});

describe('a gateway that checks no client ID (issue 9, defect 2)', () => {
  it('already accepts the client: nothing is sent, exit 0, and it says why', async () => {
    const { poolId, client } = await seedPool();
    const clientId = await client('copilot');
    const gw = await seedGateway(poolId, { allowedScopes: ['mcp/invoke'] }, { protocolConfiguration: { mcp: { supportedVersions: ['2025-03-26'] } } });
    const cwd = stateDir({ userPoolId: poolId, gatewayId: gw.gatewayId });
    const run = await runCli(['authorize-client', '--client-id', clientId, '--yes'], { endpoint: emu.endpoint(), cwd });
    expect(run.code, run.stderr).toBe(0);
    expect(updates(run.requests)).toHaveLength(0);
    expect(run.stdout + run.stderr).toMatch(/checks no client ID/);
    expect(run.stdout + run.stderr).toMatch(/--restrict-clients/);
    expect(jwtOf(await getGateway(gw.gatewayId!))?.allowedClients).toBeUndefined();
  });

  it('--restrict-clients starts an allow-list; its plan names who loses access', async () => {
    const { poolId, client } = await seedPool();
    const other = await client('existing-app');
    const clientId = await client('copilot');
    const gw = await seedGateway(poolId, { allowedScopes: ['mcp/invoke'] });
    const cwd = stateDir({ userPoolId: poolId, gatewayId: gw.gatewayId });
    const dry = await runCli(['authorize-client', '--client-id', clientId, '--restrict-clients', '--dry-run'], { endpoint: emu.endpoint(), cwd });
    expect(dry.code, dry.stderr).toBe(0);
    expect(dry.stderr).toContain(`existing-app (${other})`);
    expect(dry.stderr).toMatch(/lose access/);
    expect(updates(dry.requests)).toHaveLength(0);

    const run = await runCli(['authorize-client', '--client-id', clientId, '--restrict-clients', '--yes', '--json'], { endpoint: emu.endpoint(), cwd });
    expect(run.code, run.stderr).toBe(0);
    expect((updates(run.requests)[0]!.input as any).authorizerConfiguration.customJWTAuthorizer.allowedClients).toEqual([clientId]);
    expect(jwtOf(await getGateway(gw.gatewayId!))?.allowedClients).toEqual([clientId]);
  });
});

describe('a gateway in UPDATE_UNSUCCESSFUL (issue 9, defect 4)', () => {
  it('is repaired by the update, showing AWS\'s statusReasons; ends READY', async () => {
    const { poolId, client } = await seedPool();
    const clientId = await client('copilot');
    const gw = await seedGateway(poolId, { allowedClients: ['existing1'] });
    emu.front().gateways.setStatus(gw.gatewayId!, 'UPDATE_UNSUCCESSFUL', ['The role cannot be assumed by bedrock-agentcore.amazonaws.com']);
    const cwd = stateDir({ userPoolId: poolId, gatewayId: gw.gatewayId });
    const run = await runCli(['authorize-client', '--client-id', clientId, '--yes', '--json'], { endpoint: emu.endpoint(), cwd });
    expect(run.code, run.stderr).toBe(0);
    expect(run.stderr).toContain('The role cannot be assumed by bedrock-agentcore.amazonaws.com');
    expect(updates(run.requests)).toHaveLength(1);
    expect(run.json()).toMatchObject({ changed: true, status: 'READY', added: [clientId] });
    expect((await getGateway(gw.gatewayId!)).status).toBe('READY');
  });

  it('with nothing to add, resends the gateway\'s settings once (approved), then nothing', async () => {
    const { poolId, client } = await seedPool();
    const clientId = await client('copilot');
    const gw = await seedGateway(poolId, { allowedClients: [clientId] });
    emu.front().gateways.setStatus(gw.gatewayId!, 'UPDATE_UNSUCCESSFUL', ['Throttled while updating the gateway']);
    const cwd = stateDir({ userPoolId: poolId, gatewayId: gw.gatewayId });
    const refused = await runCli(['authorize-client', '--client-id', clientId], { endpoint: emu.endpoint(), cwd });
    expect(refused.code).toBe(2);
    expect(updates(refused.requests)).toHaveLength(0);
    const run = await runCli(['authorize-client', '--client-id', clientId, '--yes', '--json'], { endpoint: emu.endpoint(), cwd });
    expect(run.code, run.stderr).toBe(0);
    expect(run.stderr).toContain('Throttled while updating the gateway');
    expect(updates(run.requests)).toHaveLength(1);
    expect(run.json()).toMatchObject({ changed: true, status: 'READY', added: [] });
    const again = await runCli(['authorize-client', '--client-id', clientId, '--yes', '--json'], { endpoint: emu.endpoint(), cwd });
    expect(updates(again.requests)).toHaveLength(0);
  });

  it.each([
    ['FAILED', /could not be created/],
    ['CREATING', /still being created/],
  ] as const)('a %s gateway is refused with a sentence, nothing sent', async (status, message) => {
    const { poolId, client } = await seedPool();
    const clientId = await client('copilot');
    const gw = await seedGateway(poolId, { allowedClients: ['existing1'] });
    emu.front().gateways.setStatus(gw.gatewayId!, status, status === 'FAILED' ? ['Invalid role'] : undefined);
    const cwd = stateDir({ userPoolId: poolId, gatewayId: gw.gatewayId });
    const run = await runCli(['authorize-client', '--client-id', clientId, '--yes', '--json'], { endpoint: emu.endpoint(), cwd });
    expect(run.code).toBe(1);
    expect(run.json()).toMatchObject({ success: false, error: { code: 'REFUSED', message: expect.stringMatching(message) } });
    expect(updates(run.requests)).toHaveLength(0);
  });
});

describe('--allowed-scope and --mcp-version (issue 11, item 4)', () => {
  it('--mcp-version adds to supportedVersions, keeping the others; the plan says why', async () => {
    const { poolId } = await seedPool();
    const gw = await seedGateway(poolId, { allowedClients: ['existing1'] }, { protocolConfiguration: { mcp: { supportedVersions: ['2025-06-18'], instructions: 'Be kind.' } } });
    const cwd = stateDir({ userPoolId: poolId, gatewayId: gw.gatewayId });
    const dry = await runCli(['authorize-client', '--mcp-version', '2025-03-26', '--dry-run'], { endpoint: emu.endpoint(), cwd });
    expect(dry.code, dry.stderr).toBe(0);
    expect(dry.stderr).toMatch(/\+ 2025-03-26.*Copilot Studio speaks MCP 2025-03-26/);
    const run = await runCli(['authorize-client', '--mcp-version', '2025-03-26', '--yes', '--json'], { endpoint: emu.endpoint(), cwd });
    expect(run.code, run.stderr).toBe(0);
    expect((updates(run.requests)[0]!.input as any).protocolConfiguration).toEqual({ mcp: { supportedVersions: ['2025-06-18', '2025-03-26'], instructions: 'Be kind.' } });
    expect(run.json()).toMatchObject({ addedVersions: ['2025-03-26'], supportedVersions: ['2025-06-18', '2025-03-26'] });
  });

  it('--allowed-scope adds to allowedScopes; on a gateway that checks no scope, nothing changes without --restrict-scopes', async () => {
    const { poolId } = await seedPool();
    const gw = await seedGateway(poolId, { allowedClients: ['existing1'], allowedScopes: ['mcp/invoke'] });
    const cwd = stateDir({ userPoolId: poolId, gatewayId: gw.gatewayId });
    const run = await runCli(['authorize-client', '--allowed-scope', 'mcp/admin', '--yes', '--json'], { endpoint: emu.endpoint(), cwd });
    expect(run.code, run.stderr).toBe(0);
    expect(jwtOf(await getGateway(gw.gatewayId!))?.allowedScopes).toEqual(['mcp/invoke', 'mcp/admin']);

    const open = await seedGateway(poolId, { allowedClients: ['existing1'] }, { name: 'open-gw' });
    const cwd2 = stateDir({ userPoolId: poolId, gatewayId: open.gatewayId });
    const none = await runCli(['authorize-client', '--allowed-scope', 'mcp/admin', '--yes'], { endpoint: emu.endpoint(), cwd: cwd2 });
    expect(none.code, none.stderr).toBe(0);
    expect(updates(none.requests)).toHaveLength(0);
    expect(none.stdout + none.stderr).toMatch(/checks no scope/);
    const restrict = await runCli(['authorize-client', '--allowed-scope', 'mcp/admin', '--restrict-scopes', '--yes'], { endpoint: emu.endpoint(), cwd: cwd2 });
    expect(restrict.code, restrict.stderr).toBe(0);
    expect(restrict.stderr).toMatch(/lose access|rejected/);
    expect(jwtOf(await getGateway(open.gatewayId!))?.allowedScopes).toEqual(['mcp/admin']);
  });

  it.each([
    [['--mcp-version', '2024-11-05'], /--mcp-version.*2025-03-26/],
    [['--mcp-version', 'latest'], /--mcp-version/],
    [['--allowed-scope', 'mcp/in\u0007voke'], /--allowed-scope/],
    [['--allowed-scope', 'has space'], /--allowed-scope/],
  ])('%j is refused before AWS: exit 2, no request', async (args, message) => {
    const cwd = stateDir({ userPoolId: 'us-east-1_Abc123', gatewayId: 'mcp-gw-abc1234567' });
    const run = await runCli(['authorize-client', ...args, '--yes', '--json'], { endpoint: emu.endpoint(), cwd });
    expect(run.code).toBe(2);
    expect(run.json<{ error: { message: string } }>().error.message).toMatch(message);
    expect(run.requests).toEqual([]);
  });
});

describe('hand-off (issue 11, items 4 and 7)', () => {
  it('init against a gateway like the runbook\'s, then doctor: no warning, no failure; init shows doctor\'s next step', async () => {
    const { poolId, client } = await seedPool();
    const existing = await client('existing-app');
    // The runbook's gateway: CUSTOM_JWT with an allow-list and allowedScopes, supportedVersions without 2025-03-26.
    const gw = await seedGateway(poolId, { allowedClients: [existing], allowedScopes: ['mcp/invoke', 'profile', 'openid', 'email'] });
    await sdk(emu.endpoint()).agentcore.send(new CreateGatewayTargetCommand({ gatewayIdentifier: gw.gatewayId!, name: 'mcp-runtime', targetConfiguration: { mcp: { mcpServer: { endpoint: 'https://runtime.example.com/mcp' } } } }));
    const init = await runCli(['init', '--no-input', '--yes', '--gateway-id', gw.gatewayId!, '--domain', 'runbook-x1'], { endpoint: emu.endpoint() });
    expect(init.code, init.stderr).toBe(0);
    expect(init.stdout).toContain('mcp-cognito add-callback');
    expect(init.stdout).not.toContain('These findings inform');
    expect(init.stdout).not.toContain('/mcp/mcp');
    expect(init.stdout).toMatch(new RegExp(`Server URL\\s+${gw.gatewayUrl!.replace(/[.]/g, '\\.')}\\n`));
    const after = await getGateway(gw.gatewayId!);
    expect(after.protocolConfiguration?.mcp?.supportedVersions).toEqual(['2025-06-18', '2025-03-26']);

    const doctor = await runCli(['doctor', '--json'], { endpoint: emu.endpoint(), cwd: init.cwd });
    const report = doctor.json<{ checks: { id: string; status: string; title: string }[]; nextSteps?: string[] }>();
    const bad = report.checks.filter((c) => c.status === 'warn' || c.status === 'fail');
    expect(bad, JSON.stringify(bad, null, 1)).toEqual([]);
    expect(report.nextSteps?.join('\n')).toMatch(/mcp-cognito add-callback/);
  });

  it('create-client names both next steps: add-callback and authorize-client', async () => {
    const pool = await runCli(['init-pool', '--pool-name', 'p', '--domain', 'p-next1', '--json'], { endpoint: emu.endpoint() });
    expect(pool.code, pool.stderr).toBe(0);
    const run = await runCli(['create-client', '--preset', 'copilot-studio'], { endpoint: emu.endpoint(), cwd: pool.cwd });
    expect(run.code, run.stderr).toBe(0);
    expect(run.stdout).toContain('mcp-cognito add-callback');
    expect(run.stdout).toContain('mcp-cognito authorize-client');
  });

  it('authorize-client --gateway-id other than the state file\'s says the state file now names it', async () => {
    const { poolId, client } = await seedPool();
    const clientId = await client('copilot');
    const first = await seedGateway(poolId, { allowedClients: [clientId] });
    const second = await seedGateway(poolId, { allowedClients: [clientId] }, { name: 'second-gw' });
    const cwd = stateDir({ userPoolId: poolId, gatewayId: first.gatewayId, clients: [{ clientId, name: 'copilot', preset: 'copilot-studio' }] });
    const run = await runCli(['authorize-client', '--gateway-id', second.gatewayId!, '--yes'], { endpoint: emu.endpoint(), cwd });
    expect(run.code, run.stderr).toBe(0);
    expect(run.stderr).toMatch(new RegExp(`now names gateway second-gw \\(${second.gatewayId}\\).*${first.gatewayId}`));
    expect(JSON.parse(readFileSync(join(cwd, 'mcp-cognito.json'), 'utf8')).gatewayId).toBe(second.gatewayId);
  });
});
