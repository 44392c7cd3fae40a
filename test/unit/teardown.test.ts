/** The planners of the day-after commands: created/adopted records, removing clients from a gateway, teardown. */
import { describe, expect, it } from 'vitest';
import type { GetGatewayResponse } from '@aws-sdk/client-bedrock-agentcore-control';
import { CliError } from '../../src/lib/errors.js';
import { isCreated, withGatewayClients, withOrigin, withoutOwned } from '../../src/lib/ownership.js';
import { StateSchema, type State } from '../../src/lib/state.js';
import { applyGatewayDeauthorization, planGatewayDeauthorization } from '../../src/steps/gateway/deauthorize.js';
import { planTeardown, type TeardownRead } from '../../src/workflows/teardown-plan.js';
import type { AgentCoreApi } from '../../src/aws/agentcore.js';
import type { Progress } from '../../src/steps/progress.js';

const POOL = 'us-east-1_AbC123xyz';
const discovery = `https://cognito-idp.us-east-1.amazonaws.com/${POOL}/.well-known/openid-configuration`;
const gateway = (allowedClients: string[] | undefined, extra: Partial<GetGatewayResponse> = {}): GetGatewayResponse =>
  ({
  gatewayArn: 'arn:aws:bedrock-agentcore:us-east-1:123456789012:gateway/gw-abc1234567',
  gatewayId: 'gw-abc1234567',
  name: 'gw',
  status: 'READY',
  roleArn: 'arn:aws:iam::123456789012:role/r',
  protocolType: 'MCP',
  authorizerType: 'CUSTOM_JWT',
  protocolConfiguration: { mcp: { supportedVersions: ['2025-06-18'] } },
  authorizerConfiguration: { customJWTAuthorizer: { discoveryUrl: discovery, ...(allowedClients ? { allowedClients } : {}), allowedScopes: ['mcp/invoke'] } },
  ...extra,
}) as GetGatewayResponse;
const clientsOf = (g: GetGatewayResponse) => (g.authorizerConfiguration as { customJWTAuthorizer: { allowedClients?: string[] } }).customJWTAuthorizer.allowedClients ?? [];
const quiet: Progress = { step: () => undefined, info: () => undefined, warn: () => undefined, spinner: () => ({ update: () => undefined, stop: () => undefined }) as never };

describe('created vs adopted records', () => {
  it('an old state file (no records) loads, and nothing in it counts as created', () => {
    const old = StateSchema.parse({ version: 1, userPoolId: POOL, domain: 'd', clients: [{ clientId: 'c1', name: 'n', preset: 'm2m' }] });
    expect(isCreated(old, 'userPool', POOL)).toBe(false);
    expect(isCreated(old, 'clients', 'c1')).toBe(false);
  });

  it('adopting never overrides created; creating replaces adopted; forgetting removes both; empty records are left out', () => {
    let s: State = { version: 1 };
    s = withOrigin(s, 'created', 'clients', 'c1');
    s = withOrigin(s, 'adopted', 'clients', 'c1');
    expect(s.created).toEqual({ clients: ['c1'] });
    expect(s.adopted).toBeUndefined();
    s = withOrigin(s, 'adopted', 'domain', 'd');
    s = withOrigin(s, 'created', 'domain', 'd');
    expect(s).toEqual({ version: 1, created: { clients: ['c1'], domain: 'd' } });
    s = withoutOwned(s, 'clients', ['c1']);
    s = withoutOwned(s, 'domain', ['d']);
    expect(s).toEqual({ version: 1 });
  });

  it('records clients added to a gateway with the scopes and versions added; the entry goes with its last client', () => {
    let s: State = { version: 1 };
    s = withGatewayClients(s, 'gw1', ['a', 'b'], 'add', { supportedVersions: ['2025-03-26'] });
    s = withGatewayClients(s, 'gw1', ['b', 'c'], 'add');
    expect(s.created?.gatewayClients).toEqual([{ gatewayId: 'gw1', clientIds: ['a', 'b', 'c'], supportedVersions: ['2025-03-26'] }]);
    s = withGatewayClients(s, 'gw1', ['a', 'b', 'c'], 'remove');
    expect(s).toEqual({ version: 1 });
    expect(StateSchema.parse(withGatewayClients(s, 'gw1', ['a'], 'add'))).toBeTruthy();
  });
});

describe('planGatewayDeauthorization', () => {
  it('removes only the named clients; the request carries every other field; clients not on the list are reported', () => {
    const p = planGatewayDeauthorization(gateway(['a', 'b', 'c']), ['b', 'zz'], 'us-east-1', { allowAnyClient: false });
    expect(p.removed).toEqual(['b']);
    expect(p.absent).toEqual(['zz']);
    expect(p.remaining).toEqual(['a', 'c']);
    expect(p.step?.diff).toEqual(['allowedClients:', '  a', '  c', '- b']);
    expect(p.step?.awsCli).toContain('"allowedClients":["a","c"]');
    expect(p.step?.awsCli).toContain('"allowedScopes":["mcp/invoke"]');
    expect(p.step?.awsCli).toContain('"supportedVersions":["2025-06-18"]');
  });

  it('nothing on the list: no step (nothing to do), even when the gateway is not READY', () => {
    expect(planGatewayDeauthorization(gateway(['a'], { status: 'UPDATING' }), ['x'], 'us-east-1', { allowAnyClient: false }).step).toBeUndefined();
    expect(planGatewayDeauthorization(gateway(undefined), ['x'], 'us-east-1', { allowAnyClient: false }).step).toBeUndefined();
  });

  it('refuses to empty the list, saying what an empty list means; --allow-any-client says it in the plan', () => {
    expect(() => planGatewayDeauthorization(gateway(['a']), ['a'], 'us-east-1', { allowAnyClient: false })).toThrow(/ANY app client of user pool us-east-1_AbC123xyz/);
    const p = planGatewayDeauthorization(gateway(['a']), ['a'], 'us-east-1', { allowAnyClient: true });
    expect(p.opensToAnyClient).toBe(true);
    expect(p.step?.diff?.at(-1)).toMatch(/^! allowedClients becomes empty: .*ANY app client.*--allow-any-client/);
    expect(p.step?.awsCli).not.toContain('allowedClients');
  });

  it('refuses a gateway that is not READY when there is something to remove', () => {
    expect(() => planGatewayDeauthorization(gateway(['a', 'b'], { status: 'UPDATING' }), ['a'], 'us-east-1', { allowAnyClient: false })).toThrow(/not READY/);
  });

  it('apply: another writer added a client between plan and write: it is kept; one UpdateGateway', async () => {
    const planned = gateway(['a', 'b']);
    let current = gateway(['a', 'b', 'late']);
    const sent: unknown[] = [];
    const api = {
      getGateway: async () => structuredClone(current),
      updateGateway: async (req: { authorizerConfiguration: { customJWTAuthorizer: { allowedClients: string[] } } }) => {
        sent.push(req);
        current = { ...current, authorizerConfiguration: req.authorizerConfiguration as GetGatewayResponse['authorizerConfiguration'] };
        return { status: 'UPDATING' };
      },
    } as unknown as AgentCoreApi;
    const plan = planGatewayDeauthorization(planned, ['a'], 'us-east-1', { allowAnyClient: false });
    const after = await applyGatewayDeauthorization(api, plan, { wait: false, waitTimeoutSeconds: 1 }, quiet);
    expect(sent).toHaveLength(1);
    expect(clientsOf(after)).toEqual(['b', 'late']);
  });

  it('apply: another writer removed the other clients meanwhile: refused, nothing sent', async () => {
    const api = { getGateway: async () => gateway(['a']), updateGateway: async () => expect.unreachable() } as unknown as AgentCoreApi;
    const plan = planGatewayDeauthorization(gateway(['a', 'b']), ['a'], 'us-east-1', { allowAnyClient: false });
    await expect(applyGatewayDeauthorization(api, plan, { wait: false, waitTimeoutSeconds: 1 }, quiet)).rejects.toMatchObject({ code: 'REFUSED' });
  });
});

describe('planTeardown', () => {
  const read = (state: State, over: Partial<TeardownRead> = {}): TeardownRead => ({
    state,
    region: 'us-east-1',
    pool: { id: POOL, name: 'p', domain: 'dom', deletionProtection: false },
    contents: { clients: [{ id: 'c1', name: 'copilot' }, { id: 'old', name: 'existing-app' }], users: [{ username: 'uuid-1', email: 'u@example.com' }], groups: ['testers'], resourceServers: ['mcp'] },
    gateways: [{ gatewayId: 'gw-abc1234567', got: gateway(['old', 'c1']) }],
    ...over,
  });
  const base: State = { version: 1, userPoolId: POOL, domain: 'dom', gatewayId: 'gw-abc1234567', clients: [{ clientId: 'c1', name: 'copilot', preset: 'copilot-studio' }] };

  it('adopted pool: the gateway authorization, then the created client, user, group, resource server, domain — in that order; the pool and the adopted client are kept', () => {
    const state: State = { ...base, adopted: { userPool: POOL }, created: { clients: ['c1'], users: ['u@example.com'], groups: ['testers'], resourceServer: 'mcp', domain: 'dom', gatewayClients: [{ gatewayId: 'gw-abc1234567', clientIds: ['c1'] }] } };
    const p = planTeardown(read(state), { allowAnyClient: false });
    expect(p.deletePool).toBe(false);
    expect(p.steps.map((s) => `${s.action} ${s.resource.split(' (')[0]}`)).toEqual([
      'update gateway gw',
      'delete app client copilot',
      'delete user u@example.com',
      'delete group testers',
      'delete resource server mcp and its scopes',
      'delete hosted-UI domain dom',
    ]);
    expect(p.gateways[0]!.remaining).toEqual(['old']);
    expect(p.kept).toEqual(expect.arrayContaining([{ kind: 'userPool', id: POOL, reason: expect.stringMatching(/^adopted/) }, { kind: 'client', id: 'existing-app (old)', reason: 'not created by this tool' }, expect.objectContaining({ kind: 'gateway' })]));
  });

  it('created pool holding only what the tool created: the domain, then the pool; the rest goes with it', () => {
    const state: State = { ...base, created: { userPool: POOL, clients: ['c1', 'old'], users: ['u@example.com'], groups: ['testers'], resourceServer: 'mcp', domain: 'dom' } };
    const p = planTeardown(read(state, { gateways: [] }), { allowAnyClient: false });
    expect(p.deletePool).toBe(true);
    expect(p.steps.map((s) => s.resource.split(' (')[0])).toEqual(['hosted-UI domain dom', 'user pool p']);
    expect(p.withPool.map((x) => x.kind).sort()).toEqual(['client', 'client', 'group', 'resourceServer', 'user']);
    expect(p.steps[1]!.awsCli).toContain('delete-user-pool');
  });

  it('created pool holding a client the tool did not create, or with deletion protection: kept; only what it created goes', () => {
    const state: State = { ...base, created: { userPool: POOL, clients: ['c1'], domain: 'dom' } };
    const foreign = planTeardown(read(state, { gateways: [] }), { allowAnyClient: false });
    expect(foreign.deletePool).toBe(false);
    expect(foreign.kept[0]).toMatchObject({ kind: 'userPool', reason: expect.stringMatching(/app client existing-app and user u@example.com that this tool did not create/) });
    expect(foreign.clients).toEqual(['c1']);
    const guarded = planTeardown(read({ ...state, created: { ...state.created, clients: ['c1', 'old'], users: ['u@example.com'] } }, { pool: { id: POOL, domain: 'dom', deletionProtection: true }, gateways: [] }), { allowAnyClient: false });
    expect(guarded.deletePool).toBe(false);
    expect(guarded.kept[0]!.reason).toMatch(/deletion protection/);
  });

  it('a created client a gateway lists (not recorded as added) comes off it too; emptying the list is refused before anything', () => {
    const state: State = { ...base, created: { clients: ['c1'] } };
    const p = planTeardown(read(state), { allowAnyClient: false });
    expect(p.gateways[0]!.removed).toEqual(['c1']);
    const alone = read(state, { gateways: [{ gatewayId: 'gw-abc1234567', got: gateway(['c1']) }] });
    expect(() => planTeardown(alone, { allowAnyClient: false })).toThrow(CliError);
    expect(planTeardown(alone, { allowAnyClient: true }).gateways[0]!.opensToAnyClient).toBe(true);
  });

  it('an old state file plans nothing; what is recorded as created but gone is only forgotten', () => {
    expect(planTeardown(read(base), { allowAnyClient: false }).steps).toEqual([]);
    const gone = planTeardown(read({ ...base, created: { userPool: POOL, clients: ['c9'], gatewayClients: [{ gatewayId: 'gw-abc1234567', clientIds: ['c9'] }] } }, { pool: undefined, contents: undefined }), { allowAnyClient: false });
    expect(gone.steps).toEqual([]);
    expect(gone.gone.map((g) => g.kind).sort()).toEqual(['client', 'gateway-authorization', 'userPool']);
  });
});
