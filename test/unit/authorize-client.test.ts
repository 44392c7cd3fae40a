import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { mockClient } from 'aws-sdk-client-mock';
import { CognitoIdentityProviderClient, DescribeUserPoolClientCommand, type UserPoolClientType } from '@aws-sdk/client-cognito-identity-provider';
import { BedrockAgentCoreControlClient, GetGatewayCommand, ListGatewaysCommand, UpdateGatewayCommand, type GetGatewayResponse } from '@aws-sdk/client-bedrock-agentcore-control';
import {
  authorizeClient,
  mergeGatewayAuthorization,
  parseAuthorizeClientFlags,
  renderAuthorizeClient,
  waitForGatewayReady,
  type AuthorizeClientInput,
} from '../../src/commands/authorize-client.js';
import { CancelledError, CliError, InputError, RefusedError, UsageError } from '../../src/lib/errors.js';
import { RICH_CLIENT, RICH_GATEWAY } from './rmw-fixtures.js';
import { scriptedPrompter, stripAnsi, testCtx } from './helpers.js';

const cognito = mockClient(CognitoIdentityProviderClient);
const agentcore = mockClient(BedrockAgentCoreControlClient);
const POOL = 'us-east-1_AbC123xyz';
const GW = RICH_GATEWAY.gatewayId!;
const CLIENT = 'newclient123';
const STATE = { version: 1, region: 'us-east-1', userPoolId: POOL, gatewayId: GW, clients: [{ clientId: CLIENT, name: 'copilot-studio-mcp', preset: 'copilot-studio' }] };
const OUTPUT_ONLY = ['gatewayArn', 'gatewayId', 'gatewayUrl', 'createdAt', 'updatedAt', 'status', 'statusReasons', 'workloadIdentityDetails', 'webAclArn'];
const updatable = (g: GetGatewayResponse) => Object.fromEntries(Object.entries(g).filter(([k]) => !OUTPUT_ONLY.includes(k)));
const jwt = (g: GetGatewayResponse) => (g.authorizerConfiguration as any).customJWTAuthorizer;

const client = (o: Partial<UserPoolClientType> = {}): UserPoolClientType => ({ ...RICH_CLIENT, ClientId: CLIENT, AllowedOAuthScopes: ['openid', 'mcp/invoke', 'mcp/admin'], ...o });

/**
 * GetGateway answers `got` until UpdateGateway, then the sent configuration with each status of
 * `after` in turn (the last one repeats).
 */
function emulate(got: GetGatewayResponse = RICH_GATEWAY, after: { status: string; statusReasons?: string[] }[] = [{ status: 'READY' }], c: UserPoolClientType = client()): void {
  let current: GetGatewayResponse = structuredClone(got);
  let updated = false;
  let i = 0;
  cognito.on(DescribeUserPoolClientCommand).callsFake(async (input) => ({ UserPoolClient: { ...c, ClientId: input.ClientId } }));
  agentcore.on(GetGatewayCommand).callsFake(async () => {
    if (!updated) return structuredClone(current);
    polls.push(Date.now());
    const s = after[Math.min(i++, after.length - 1)]!;
    return { ...structuredClone(current), status: s.status, statusReasons: s.statusReasons ?? [] };
  });
  agentcore.on(UpdateGatewayCommand).callsFake(async (input) => {
    const { gatewayIdentifier: _id, ...rest } = input;
    current = { ...current, ...structuredClone(rest), status: 'UPDATING' };
    updated = true;
    return { gatewayId: got.gatewayId, status: 'UPDATING' };
  });
}

/**
 * Fake timers (setTimeout and Date): the SDK waiter's sleeps advance them, nothing really waits.
 * `polls` are the (fake) times of the GetGateway reads after UpdateGateway; `gaps` the waits between them.
 */
let polls: number[] = [];
const gaps = () => polls.slice(1).map((t, i) => t - polls[i]!);

/** Drive a promise that sleeps (on fake timers) to completion. */
async function settle<T>(p: Promise<T>): Promise<T> {
  let done = false;
  const tracked = p.finally(() => {
    done = true;
  });
  tracked.catch(() => undefined);
  // Real I/O (the waiter module loads on first use) gets its turn between the fake-time steps.
  const started = performance.now();
  while (!done && performance.now() - started < 30_000) {
    await vi.advanceTimersByTimeAsync(250);
    await new Promise((r) => setImmediate(r));
  }
  return tracked;
}

const input = (o: Partial<AuthorizeClientInput> = {}): AuthorizeClientInput => ({ wait: true, waitTimeoutSeconds: 300, ...o });
const sent = () => agentcore.commandCalls(UpdateGatewayCommand).map((c) => c.args[0].input);

beforeEach(() => {
  cognito.reset();
  agentcore.reset();
  polls = [];
  vi.useFakeTimers({ toFake: ['setTimeout', 'clearTimeout', 'setInterval', 'clearInterval', 'Date'] });
});
afterEach(() => {
  vi.useRealTimers();
});

describe('parseAuthorizeClientFlags', () => {
  it('defaults and validation', () => {
    expect(parseAuthorizeClientFlags({})).toEqual({ poolId: undefined, gatewayId: undefined, clientIds: undefined, wait: true, waitTimeoutSeconds: 300 });
    expect(parseAuthorizeClientFlags({ clientId: ['a', 'b', 'a'], wait: false, waitTimeout: '30' })).toMatchObject({ clientIds: ['a', 'b'], wait: false, waitTimeoutSeconds: 30 });
    expect(() => parseAuthorizeClientFlags({ waitTimeout: 'soon' })).toThrow(InputError);
  });
});

describe('mergeGatewayAuthorization', () => {
  const grant = { clientId: CLIENT, customScopes: ['mcp/invoke', 'mcp/admin'], copilotStudio: true };

  it('appends clients, custom scopes (when the gateway checks scopes) and 2025-03-26 (when it lists versions)', () => {
    const g = { ...RICH_GATEWAY, protocolConfiguration: { mcp: { supportedVersions: ['2025-06-18'], instructions: 'i' } } } as GetGatewayResponse;
    const m = mergeGatewayAuthorization(g, [grant]);
    expect(m.added).toEqual([CLIENT]);
    expect(m.addedScopes).toEqual(['mcp/admin']);
    expect(m.addedVersions).toEqual(['2025-03-26']);
    expect(jwt(m.patch as GetGatewayResponse)).toEqual({ ...jwt(RICH_GATEWAY), allowedClients: ['existing1', CLIENT], allowedScopes: ['mcp/invoke', 'mcp/admin'] });
    expect(m.patch.protocolConfiguration).toEqual({ mcp: { supportedVersions: ['2025-06-18', '2025-03-26'], instructions: 'i' } });
  });

  it('a gateway that checks no client ID and no scope: no allow-list and no scope rule is started; a gateway that lists no MCP version gets every documented one', () => {
    const g = {
      ...RICH_GATEWAY,
      protocolConfiguration: { mcp: { instructions: 'i' } },
      authorizerConfiguration: { customJWTAuthorizer: { discoveryUrl: jwt(RICH_GATEWAY).discoveryUrl, allowedAudience: ['aud'] } },
    } as GetGatewayResponse;
    const m = mergeGatewayAuthorization(g, [grant], { allowedScopes: ['mcp/invoke'] });
    expect(m.patch.authorizerConfiguration).toBeUndefined();
    expect(m).toMatchObject({ added: [], acceptedWithoutAllowList: [CLIENT], addedScopes: [], scopesNotChecked: ['mcp/invoke'], startsAllowList: false, startsScopeRule: false, listsVersionsFirstTime: true });
    expect(m.patch.protocolConfiguration).toEqual({ mcp: { instructions: 'i', supportedVersions: ['2025-03-26', '2025-06-18', '2025-11-25'] } });
    // Non-Copilot client, nothing asked: nothing at all.
    expect(mergeGatewayAuthorization(g, [{ ...grant, copilotStudio: false }]).patch).toEqual({});
  });

  it('--restrict-clients and --restrict-scopes start the rules, adding only what was asked for', () => {
    const g = { ...RICH_GATEWAY, authorizerConfiguration: { customJWTAuthorizer: { discoveryUrl: jwt(RICH_GATEWAY).discoveryUrl } } } as GetGatewayResponse;
    const m = mergeGatewayAuthorization(g, [grant], { restrictClients: true, restrictScopes: true, allowedScopes: ['mcp/invoke'] });
    expect(m).toMatchObject({ added: [CLIENT], startsAllowList: true, addedScopes: ['mcp/invoke'], startsScopeRule: true, acceptedWithoutAllowList: [] });
    expect(jwt(m.patch as GetGatewayResponse)).toEqual({ discoveryUrl: jwt(RICH_GATEWAY).discoveryUrl, allowedClients: [CLIENT], allowedScopes: ['mcp/invoke'] });
    // On a gateway that keeps an allow-list, the flag changes nothing: the client is appended as always.
    expect(mergeGatewayAuthorization(RICH_GATEWAY, [grant], { restrictClients: true }).startsAllowList).toBe(false);
  });

  it('--mcp-version and --allowed-scope add to the lists (unions), with the reason for each', () => {
    const g = { ...RICH_GATEWAY, protocolConfiguration: { mcp: { supportedVersions: ['2025-06-18'] } } } as GetGatewayResponse;
    const m = mergeGatewayAuthorization(g, [], { mcpVersions: ['2025-03-26', '2025-11-25', '2025-06-18'], allowedScopes: ['mcp/admin', 'mcp/invoke'] });
    expect(m.supportedVersions).toEqual(['2025-06-18', '2025-03-26', '2025-11-25']);
    expect(m.addedScopes).toEqual(['mcp/admin']);
    expect(m.why.versions['2025-03-26']).toBe('Copilot Studio speaks MCP 2025-03-26');
    expect(m.why.scopes['mcp/admin']).toMatch(/--allowed-scope/);
  });

  it('no version for a non-Copilot client; nothing at all when already authorized', () => {
    const g = { ...RICH_GATEWAY, protocolConfiguration: { mcp: { supportedVersions: ['2025-06-18'] } } } as GetGatewayResponse;
    expect(mergeGatewayAuthorization(g, [{ ...grant, copilotStudio: false }]).addedVersions).toEqual([]);
    expect(mergeGatewayAuthorization(RICH_GATEWAY, [{ clientId: 'existing1', customScopes: ['mcp/invoke'], copilotStudio: true }]).patch).toEqual({});
  });
});

describe('authorizeClient', () => {
  it('sends every GetGateway field with only the merge applied, waits for READY, verifies, saves the gateway', async () => {
    emulate(RICH_GATEWAY, [{ status: 'UPDATING' }, { status: 'UPDATING' }, { status: 'READY' }]);
    const t = testCtx({ yes: true }, { state: { ...STATE, gatewayId: undefined } });
    const r = await settle(authorizeClient(input({ gatewayId: GW }), t.ctx));

    expect(sent()).toHaveLength(1);
    const expected = { gatewayIdentifier: GW, ...updatable(RICH_GATEWAY) } as any;
    expected.authorizerConfiguration = { customJWTAuthorizer: { ...jwt(RICH_GATEWAY), allowedClients: ['existing1', CLIENT], allowedScopes: ['mcp/invoke', 'mcp/admin'] } };
    expect(sent()[0]).toEqual(expected);
    // Three polls (UPDATING, UPDATING, READY), the SDK waiter's backoff between 1 s and 10 s.
    expect(polls).toHaveLength(3);
    expect(gaps().every((g) => g >= 1000 && g <= 10_000)).toBe(true);
    expect(r).toMatchObject({ gatewayId: GW, added: [CLIENT], addedScopes: ['mcp/admin'], addedVersions: [], status: 'READY', changed: true });
    expect(t.state().gatewayId).toBe(GW);
    expect(stripAnsi(renderAuthorizeClient(r, t.ctx.out))).toContain(`Updated gateway mcp-gw: allowed clients + ${CLIENT}`);
  });

  it('already authorized: no update and exit 0 even while the gateway is UPDATING', async () => {
    emulate({ ...RICH_GATEWAY, status: 'UPDATING', authorizerConfiguration: { customJWTAuthorizer: { ...jwt(RICH_GATEWAY), allowedClients: ['existing1', CLIENT], allowedScopes: ['mcp/invoke', 'mcp/admin'] } } } as GetGatewayResponse);
    const r = await settle(authorizeClient(input(), testCtx({ yes: true }, { state: STATE }).ctx));
    expect(sent()).toHaveLength(0);
    expect(r).toMatchObject({ changed: false, added: [], status: 'UPDATING' });
  });

  it('a Copilot Studio client adds 2025-03-26 to a version list that lacks it; a client outside the state counts by its code flow', async () => {
    const g = { ...RICH_GATEWAY, protocolConfiguration: { mcp: { supportedVersions: ['2025-06-18'], searchType: 'SEMANTIC' } } } as GetGatewayResponse;
    emulate(g);
    await settle(authorizeClient(input({ clientIds: ['outside1'] }), testCtx({ yes: true }, { state: STATE }).ctx));
    expect(sent()[0]!.protocolConfiguration).toEqual({ mcp: { supportedVersions: ['2025-06-18', '2025-03-26'], searchType: 'SEMANTIC' } });

    cognito.reset();
    agentcore.reset();
    emulate(g, [{ status: 'READY' }], client({ AllowedOAuthFlows: ['client_credentials'] }));
    await settle(authorizeClient(input({ clientIds: ['m2m1'] }), testCtx({ yes: true }, { state: STATE }).ctx));
    expect(sent()[0]!.protocolConfiguration).toEqual(g.protocolConfiguration);
  });

  it('UPDATE_UNSUCCESSFUL: fails with the gateway\'s status reasons', async () => {
    emulate(RICH_GATEWAY, [{ status: 'UPDATING' }, { status: 'UPDATE_UNSUCCESSFUL', statusReasons: ['KMS key is disabled', 'try again'] }]);
    const err = await settle(authorizeClient(input(), testCtx({ yes: true }, { state: STATE }).ctx)).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(CliError);
    expect(err).toMatchObject({ code: 'AWS_ERROR', exit: 1 });
    expect((err as Error).message).toContain('UPDATE_UNSUCCESSFUL: KMS key is disabled; try again');
    expect(sent()).toHaveLength(1);
  });

  it('FAILED with no reasons says so', async () => {
    emulate(RICH_GATEWAY, [{ status: 'FAILED' }]);
    await expect(settle(authorizeClient(input(), testCtx({ yes: true }, { state: STATE }).ctx))).rejects.toThrow(/FAILED \(AWS gave no reason\)/);
  });

  it('still UPDATING past --wait-timeout: TIMEOUT (exit 1), with backoff 1 s → 10 s', async () => {
    emulate(RICH_GATEWAY, [{ status: 'UPDATING' }]);
    const err = await settle(authorizeClient(input({ waitTimeoutSeconds: 60 }), testCtx({ yes: true }, { state: STATE }).ctx)).catch((e: unknown) => e);
    expect(err).toMatchObject({ code: 'TIMEOUT', exit: 1, result: { gatewayId: GW, status: 'UPDATING' } });
    // The SDK waiter's backoff (jittered): every wait between 1 s and 10 s, but the last, a final look at the 60 s deadline.
    expect(gaps().slice(0, -1).every((g) => g >= 1000 && g <= 10_000)).toBe(true);
    expect(gaps().at(-1)!).toBeLessThanOrEqual(10_000);
    expect(polls.length).toBeGreaterThanOrEqual(6);
    expect(polls.at(-1)! - polls[0]!).toBe(60_000);
  });

  it('--no-wait: one read-back, no polling', async () => {
    emulate(RICH_GATEWAY, [{ status: 'UPDATING' }]);
    const t = testCtx({ yes: true }, { state: STATE });
    const started = Date.now();
    const r = await authorizeClient(input({ wait: false }), t.ctx);
    expect(r).toMatchObject({ status: 'UPDATING', changed: true });
    expect(polls).toHaveLength(1);
    expect(Date.now()).toBe(started);
    expect(stripAnsi(t.stderr())).toContain('--no-wait');
  });

  it('--dry-run: plan and aws command with the full JSON, nothing sent, state untouched', async () => {
    emulate();
    const t = testCtx({ dryRun: true }, { state: STATE });
    const r = await settle(authorizeClient(input(), t.ctx));
    expect(sent()).toHaveLength(0);
    expect(r.changed).toBe(false);
    const cli = t.ctx.planned[0]!.awsCli!;
    expect(cli).toMatch(/^aws bedrock-agentcore-control update-gateway --region us-east-1 --cli-input-json '/);
    const json = JSON.parse(/'(.*)'$/.exec(cli)![1]!);
    expect(json.kmsKeyArn).toBe(RICH_GATEWAY.kmsKeyArn);
    expect(json.authorizerConfiguration.customJWTAuthorizer.allowedClients).toEqual(['existing1', CLIENT]);
    expect(Object.keys(json).sort()).toEqual(['gatewayIdentifier', ...Object.keys(updatable(RICH_GATEWAY))].sort());
  });

  it('no terminal and no --yes: UsageError; declined on a terminal: CancelledError; nothing sent', async () => {
    emulate();
    await expect(settle(authorizeClient(input(), testCtx({}, { state: STATE }).ctx))).rejects.toBeInstanceOf(UsageError);
    await expect(settle(authorizeClient(input(), testCtx({}, { state: STATE, tty: true, env: {}, prompter: scriptedPrompter([false]) }).ctx))).rejects.toBeInstanceOf(CancelledError);
    expect(sent()).toHaveLength(0);
  });

  it.each([
    ['an AWS_IAM gateway', { ...RICH_GATEWAY, authorizerType: 'AWS_IAM', authorizerConfiguration: undefined }, /AWS_IAM.*cannot|in place/],
    ['a gateway of another pool', { ...RICH_GATEWAY, authorizerConfiguration: { customJWTAuthorizer: { discoveryUrl: 'https://cognito-idp.us-east-1.amazonaws.com/us-east-1_Other1/.well-known/openid-configuration', allowedClients: ['x'] } } }, /us-east-1_Other1/],
    ['a gateway of another Region', { ...RICH_GATEWAY, authorizerConfiguration: { customJWTAuthorizer: { discoveryUrl: `https://cognito-idp.eu-west-1.amazonaws.com/${POOL}/.well-known/openid-configuration`, allowedClients: ['x'] } } }, /eu-west-1/],
    ['a gateway of another identity provider', { ...RICH_GATEWAY, authorizerConfiguration: { customJWTAuthorizer: { discoveryUrl: 'https://idp.example.com/.well-known/openid-configuration', allowedClients: ['x'] } } }, /another identity provider/],
    ['a gateway that is not READY', { ...RICH_GATEWAY, status: 'UPDATING' }, /UPDATING: another update is under way/],
    ['a gateway that could not be created', { ...RICH_GATEWAY, status: 'FAILED', statusReasons: ['Invalid role'] }, /FAILED: it could not be created.*AWS says: Invalid role/],
    ['a gateway being deleted', { ...RICH_GATEWAY, status: 'DELETING' }, /DELETING: it is being deleted/],
  ])('refuses %s: RefusedError (exit 1), nothing sent', async (_label, g, message) => {
    emulate(g as GetGatewayResponse);
    const err = await settle(authorizeClient(input(), testCtx({ yes: true }, { state: STATE }).ctx)).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(RefusedError);
    expect(err).toMatchObject({ code: 'REFUSED', exit: 1 });
    expect((err as Error).message).toMatch(message);
    expect(sent()).toHaveLength(0);
  });

  it('a change while the person was confirming: CONFLICT, nothing sent', async () => {
    emulate();
    let n = 0;
    agentcore.on(GetGatewayCommand).callsFake(async () => (n++ === 0 ? RICH_GATEWAY : { ...RICH_GATEWAY, description: 'someone else' }));
    const err = await settle(authorizeClient(input(), testCtx({}, { state: STATE, tty: true, env: {}, prompter: scriptedPrompter([true]) }).ctx)).catch((e: unknown) => e);
    expect(err).toMatchObject({ code: 'CONFLICT', exit: 1 });
    expect((err as Error).message).toContain('description');
    expect(sent()).toHaveLength(0);
  });

  it('the gateway does not read back as sent: CONFLICT naming the fields, not success', async () => {
    emulate();
    let n = 0;
    agentcore.on(GetGatewayCommand).callsFake(async () => (n++ < 1 ? RICH_GATEWAY : { ...RICH_GATEWAY, status: 'READY' }));
    const err = await settle(authorizeClient(input(), testCtx({ yes: true }, { state: STATE }).ctx)).catch((e: unknown) => e);
    expect(err).toMatchObject({ code: 'CONFLICT', exit: 1 });
    expect((err as Error).message).toMatch(/authorizerConfiguration/);
    // The read-back lacks our change: merged and written again, up to the bound (3), then CONFLICT.
    expect(sent()).toHaveLength(3);
  });

  it('another writer allows a client between our read and our write (--yes): both clients are kept', async () => {
    emulate();
    let reads = 0;
    const theirs = (g: GetGatewayResponse) => ({ ...g, authorizerConfiguration: { customJWTAuthorizer: { ...jwt(g), allowedClients: [...jwt(g).allowedClients, 'theirs1'] } } }) as GetGatewayResponse;
    let current: GetGatewayResponse = structuredClone(RICH_GATEWAY);
    agentcore.on(GetGatewayCommand).callsFake(async () => {
      // The second read is the one right before our write: by then the other writer has added theirs1.
      if (++reads === 2) current = theirs(current);
      return structuredClone(current);
    });
    agentcore.on(UpdateGatewayCommand).callsFake(async (i) => {
      const { gatewayIdentifier: _id, ...rest } = i;
      current = { ...current, ...structuredClone(rest), status: 'READY' };
      return { gatewayId: GW, status: 'UPDATING' };
    });
    const r = await settle(authorizeClient(input(), testCtx({ yes: true }, { state: STATE }).ctx));
    expect(sent()).toHaveLength(1);
    expect(jwt(sent()[0] as unknown as GetGatewayResponse).allowedClients).toEqual(['existing1', 'theirs1', CLIENT]);
    expect(r.changed).toBe(true);
  });

  it('another writer overwrites our change after our write: merged again (theirs and ours), verified', async () => {
    emulate();
    let current: GetGatewayResponse = structuredClone(RICH_GATEWAY);
    let updates = 0;
    agentcore.on(GetGatewayCommand).callsFake(async () => structuredClone(current));
    agentcore.on(UpdateGatewayCommand).callsFake(async (i) => {
      const { gatewayIdentifier: _id, ...rest } = i;
      current = { ...current, ...structuredClone(rest), status: 'READY' };
      // Right after our first write, another process writes its own list, without our client.
      if (++updates === 1) current = { ...current, authorizerConfiguration: { customJWTAuthorizer: { ...jwt(current), allowedClients: ['existing1', 'theirs1'] } } } as GetGatewayResponse;
      return { gatewayId: GW, status: 'UPDATING' };
    });
    await settle(authorizeClient(input(), testCtx({ yes: true }, { state: STATE }).ctx));
    expect(sent()).toHaveLength(2);
    expect(jwt(current).allowedClients).toEqual(['existing1', 'theirs1', CLIENT]);
  });
});

describe('authorizeClient: which gateway and which clients', () => {
  it('on a terminal without flag or state: picks from every page of ListGateways', async () => {
    emulate();
    agentcore
      .on(ListGatewaysCommand)
      .resolvesOnce({ items: [{ gatewayId: 'iam-gw-abc1234567', name: 'iam-gw', status: 'READY', authorizerType: 'AWS_IAM' } as any], nextToken: 'p2' })
      .resolvesOnce({ items: [{ gatewayId: GW, name: 'mcp-gw', status: 'READY', authorizerType: 'CUSTOM_JWT' } as any] });
    const prompter = scriptedPrompter([(o: { choices?: { value: unknown; disabled?: unknown }[] }) => {
      expect(o.choices!.map((c) => c.value)).toEqual(['iam-gw-abc1234567', GW]);
      expect(o.choices![0]!.disabled).toBeTruthy();
      return GW;
    }, true]);
    const t = testCtx({}, { state: { ...STATE, gatewayId: undefined }, tty: true, env: { AWS_REGION: 'us-east-1' }, prompter });
    const r = await settle(authorizeClient(input(), t.ctx));
    expect(r.gatewayId).toBe(GW);
    expect(agentcore.commandCalls(ListGatewaysCommand).map((c) => c.args[0].input.nextToken)).toEqual([undefined, 'p2']);
    expect(prompter.asked.map((a) => a.kind)).toEqual(['select', 'confirm']);
    expect(t.state().gatewayId).toBe(GW);
  });

  it('without a terminal: usage errors naming --gateway-id / --client-id, before any AWS call', async () => {
    await expect(authorizeClient(input(), testCtx({ yes: true }, { state: { ...STATE, gatewayId: undefined } }).ctx)).rejects.toThrow(/--gateway-id/);
    await expect(authorizeClient(input(), testCtx({ yes: true }, { state: { ...STATE, clients: [] } }).ctx)).rejects.toThrow(/--client-id/);
    await expect(authorizeClient(input({ gatewayId: 'Not_A_Gateway' }), testCtx({ yes: true }, { state: STATE }).ctx)).rejects.toBeInstanceOf(InputError);
    expect(agentcore.calls()).toHaveLength(0);
    expect(cognito.calls()).toHaveLength(0);
  });

  it('a gatewayId from the state file is validated like --gateway-id: exit 2 naming the state file, nothing sent to AWS', async () => {
    for (const bad of ['Not A Gateway!', 'arn:aws:bedrock-agentcore:us-east-1:123456789012:gateway/mcp-gw-abc1234567', '../mcp-gw']) {
      const t = testCtx({ yes: true }, { state: { ...STATE, gatewayId: bad } });
      const e = await settle(authorizeClient(input(), t.ctx)).catch((x) => x);
      expect(e, bad).toBeInstanceOf(InputError);
      expect(e.exit).toBe(2);
      expect(e.message).toContain(`The gatewayId in the state file ${t.statePath}`);
    }
    expect(agentcore.calls()).toHaveLength(0);
  });

  it('--pool-id naming another pool than the state file\'s: the gateway is not recorded beside the state\'s pool', async () => {
    // The state belongs to pool OTHER; the gateway trusts POOL, which --pool-id names.
    const OTHER = 'us-east-1_Other9999';
    const state = { version: 1, region: 'us-east-1', userPoolId: OTHER, clients: STATE.clients };
    emulate();
    const changed = testCtx({ yes: true }, { state });
    const r = await settle(authorizeClient(input({ poolId: POOL, gatewayId: GW }), changed.ctx));
    expect(r.changed).toBe(true);
    expect(changed.state()).toEqual(state);
    expect(stripAnsi(changed.stderr())).toContain(`Not recording gateway ${GW}`);

    // Already authorized (no update): the same.
    agentcore.reset();
    emulate({ ...RICH_GATEWAY, authorizerConfiguration: { customJWTAuthorizer: { ...jwt(RICH_GATEWAY), allowedClients: ['existing1', CLIENT], allowedScopes: ['mcp/invoke', 'mcp/admin'] } } } as GetGatewayResponse);
    const same = testCtx({ yes: true }, { state });
    expect((await settle(authorizeClient(input({ poolId: POOL, gatewayId: GW }), same.ctx))).changed).toBe(false);
    expect(same.state()).toEqual(state);
  });

  it('a state file without a pool records the pool and the gateway together; the state\'s own pool records the gateway', async () => {
    emulate();
    const none = testCtx({ yes: true }, { state: { version: 1, clients: STATE.clients } });
    await settle(authorizeClient(input({ poolId: POOL, gatewayId: GW }), none.ctx));
    expect(none.state()).toMatchObject({ region: 'us-east-1', userPoolId: POOL, gatewayId: GW });

    agentcore.reset();
    emulate();
    const own = testCtx({ yes: true }, { state: { ...STATE, gatewayId: undefined } });
    await settle(authorizeClient(input({ poolId: POOL, gatewayId: GW }), own.ctx));
    expect(own.state()).toMatchObject({ userPoolId: POOL, gatewayId: GW });
  });

  it('defaults to every client in the state file; describes each client once', async () => {
    emulate();
    const state = { ...STATE, clients: [...STATE.clients, { clientId: 'm2mclient1', name: 'm2m', preset: 'm2m' }] };
    const r = await settle(authorizeClient(input(), testCtx({ yes: true }, { state }).ctx));
    expect(r.added).toEqual([CLIENT, 'm2mclient1']);
    expect(cognito.commandCalls(DescribeUserPoolClientCommand).map((c) => c.args[0].input.ClientId)).toEqual([CLIENT, 'm2mclient1']);
  });
});

describe('waitForGatewayReady', () => {
  it('returns at once when READY, without sleeping', async () => {
    agentcore.on(GetGatewayCommand).resolves({ ...RICH_GATEWAY, status: 'READY' });
    const t = testCtx({}, { state: STATE });
    const started = Date.now();
    const g = await waitForGatewayReady(await t.ctx.agentcore(), GW, 10, t.ctx.out);
    expect(g.status).toBe('READY');
    expect(Date.now()).toBe(started);
  });

  it('shows progress on a terminal (spinner) and clears it', async () => {
    agentcore.on(GetGatewayCommand).resolvesOnce({ ...RICH_GATEWAY, status: 'UPDATING' }).resolves({ ...RICH_GATEWAY, status: 'READY' });
    const t = testCtx({}, { state: STATE, tty: true });
    await settle(waitForGatewayReady(await t.ctx.agentcore(), GW, 10, t.ctx.out));
    expect(t.stderr()).toContain('\r\x1b[2K');
    expect(stripAnsi(t.stderr())).toContain('Gateway mcp-gw is READY');
  });
});
