import { beforeEach, describe, expect, it } from 'vitest';
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

/** A fake clock: sleeping advances it, nothing really waits. */
function clock() {
  let t = 0;
  const sleeps: number[] = [];
  return { sleeps, hooks: { now: () => t, sleep: async (ms: number) => void (sleeps.push(ms), (t += ms)) } };
}

const input = (o: Partial<AuthorizeClientInput> = {}): AuthorizeClientInput => ({ wait: true, waitTimeoutSeconds: 300, ...o });
const sent = () => agentcore.commandCalls(UpdateGatewayCommand).map((c) => c.args[0].input);

beforeEach(() => {
  cognito.reset();
  agentcore.reset();
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

  it('never adds allowedScopes or supportedVersions the gateway does not have, never removes anything', () => {
    const g = {
      ...RICH_GATEWAY,
      protocolConfiguration: { mcp: { instructions: 'i' } },
      authorizerConfiguration: { customJWTAuthorizer: { discoveryUrl: jwt(RICH_GATEWAY).discoveryUrl, allowedAudience: ['aud'] } },
    } as GetGatewayResponse;
    const m = mergeGatewayAuthorization(g, [grant]);
    expect(jwt(m.patch as GetGatewayResponse)).toEqual({ discoveryUrl: jwt(RICH_GATEWAY).discoveryUrl, allowedAudience: ['aud'], allowedClients: [CLIENT] });
    expect(m.patch.protocolConfiguration).toBeUndefined();
    expect(m.addedScopes).toEqual([]);
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
    const { hooks, sleeps } = clock();
    const r = await authorizeClient(input({ gatewayId: GW }), t.ctx, hooks);

    expect(sent()).toHaveLength(1);
    const expected = { gatewayIdentifier: GW, ...updatable(RICH_GATEWAY) } as any;
    expected.authorizerConfiguration = { customJWTAuthorizer: { ...jwt(RICH_GATEWAY), allowedClients: ['existing1', CLIENT], allowedScopes: ['mcp/invoke', 'mcp/admin'] } };
    expect(sent()[0]).toEqual(expected);
    expect(sleeps).toEqual([2000, 3000]);
    expect(r).toMatchObject({ gatewayId: GW, added: [CLIENT], addedScopes: ['mcp/admin'], addedVersions: [], status: 'READY', changed: true });
    expect(t.state().gatewayId).toBe(GW);
    expect(stripAnsi(renderAuthorizeClient(r, t.ctx.out))).toContain(`Updated gateway mcp-gw: allowed clients + ${CLIENT}`);
  });

  it('already authorized: no update and exit 0 even while the gateway is UPDATING', async () => {
    emulate({ ...RICH_GATEWAY, status: 'UPDATING', authorizerConfiguration: { customJWTAuthorizer: { ...jwt(RICH_GATEWAY), allowedClients: ['existing1', CLIENT], allowedScopes: ['mcp/invoke', 'mcp/admin'] } } } as GetGatewayResponse);
    const r = await authorizeClient(input(), testCtx({ yes: true }, { state: STATE }).ctx, clock().hooks);
    expect(sent()).toHaveLength(0);
    expect(r).toMatchObject({ changed: false, added: [], status: 'UPDATING' });
  });

  it('a Copilot Studio client adds 2025-03-26 to a version list that lacks it; a client outside the state counts by its code flow', async () => {
    const g = { ...RICH_GATEWAY, protocolConfiguration: { mcp: { supportedVersions: ['2025-06-18'], searchType: 'SEMANTIC' } } } as GetGatewayResponse;
    emulate(g);
    await authorizeClient(input({ clientIds: ['outside1'] }), testCtx({ yes: true }, { state: STATE }).ctx, clock().hooks);
    expect(sent()[0]!.protocolConfiguration).toEqual({ mcp: { supportedVersions: ['2025-06-18', '2025-03-26'], searchType: 'SEMANTIC' } });

    cognito.reset();
    agentcore.reset();
    emulate(g, [{ status: 'READY' }], client({ AllowedOAuthFlows: ['client_credentials'] }));
    await authorizeClient(input({ clientIds: ['m2m1'] }), testCtx({ yes: true }, { state: STATE }).ctx, clock().hooks);
    expect(sent()[0]!.protocolConfiguration).toEqual(g.protocolConfiguration);
  });

  it('UPDATE_UNSUCCESSFUL: fails with the gateway\'s status reasons', async () => {
    emulate(RICH_GATEWAY, [{ status: 'UPDATING' }, { status: 'UPDATE_UNSUCCESSFUL', statusReasons: ['KMS key is disabled', 'try again'] }]);
    const err = await authorizeClient(input(), testCtx({ yes: true }, { state: STATE }).ctx, clock().hooks).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(CliError);
    expect(err).toMatchObject({ code: 'AWS_ERROR', exit: 1 });
    expect((err as Error).message).toContain('UPDATE_UNSUCCESSFUL: KMS key is disabled; try again');
    expect(sent()).toHaveLength(1);
  });

  it('FAILED with no reasons says so', async () => {
    emulate(RICH_GATEWAY, [{ status: 'FAILED' }]);
    await expect(authorizeClient(input(), testCtx({ yes: true }, { state: STATE }).ctx, clock().hooks)).rejects.toThrow(/FAILED \(AWS gave no reason\)/);
  });

  it('still UPDATING past --wait-timeout: TIMEOUT (exit 1), with backoff 2 s → 10 s', async () => {
    emulate(RICH_GATEWAY, [{ status: 'UPDATING' }]);
    const { hooks, sleeps } = clock();
    const err = await authorizeClient(input({ waitTimeoutSeconds: 60 }), testCtx({ yes: true }, { state: STATE }).ctx, hooks).catch((e: unknown) => e);
    expect(err).toMatchObject({ code: 'TIMEOUT', exit: 1, result: { gatewayId: GW, status: 'UPDATING' } });
    expect(sleeps.slice(0, 6)).toEqual([2000, 3000, 4500, 6750, 10000, 10000]);
    expect(sleeps.reduce((a, b) => a + b, 0)).toBe(60_000);
  });

  it('--no-wait: one read-back, no polling', async () => {
    emulate(RICH_GATEWAY, [{ status: 'UPDATING' }]);
    const { hooks, sleeps } = clock();
    const t = testCtx({ yes: true }, { state: STATE });
    const r = await authorizeClient(input({ wait: false }), t.ctx, hooks);
    expect(r).toMatchObject({ status: 'UPDATING', changed: true });
    expect(sleeps).toEqual([]);
    expect(stripAnsi(t.stderr())).toContain('--no-wait');
  });

  it('--dry-run: plan and aws command with the full JSON, nothing sent, state untouched', async () => {
    emulate();
    const t = testCtx({ dryRun: true }, { state: STATE });
    const r = await authorizeClient(input(), t.ctx, clock().hooks);
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
    await expect(authorizeClient(input(), testCtx({}, { state: STATE }).ctx, clock().hooks)).rejects.toBeInstanceOf(UsageError);
    await expect(authorizeClient(input(), testCtx({}, { state: STATE, tty: true, env: {}, prompter: scriptedPrompter([false]) }).ctx, clock().hooks)).rejects.toBeInstanceOf(CancelledError);
    expect(sent()).toHaveLength(0);
  });

  it.each([
    ['an AWS_IAM gateway', { ...RICH_GATEWAY, authorizerType: 'AWS_IAM', authorizerConfiguration: undefined }, /AWS_IAM.*cannot|in place/],
    ['a gateway of another pool', { ...RICH_GATEWAY, authorizerConfiguration: { customJWTAuthorizer: { discoveryUrl: 'https://cognito-idp.us-east-1.amazonaws.com/us-east-1_Other1/.well-known/openid-configuration', allowedClients: ['x'] } } }, /us-east-1_Other1/],
    ['a gateway of another Region', { ...RICH_GATEWAY, authorizerConfiguration: { customJWTAuthorizer: { discoveryUrl: `https://cognito-idp.eu-west-1.amazonaws.com/${POOL}/.well-known/openid-configuration`, allowedClients: ['x'] } } }, /eu-west-1/],
    ['a gateway of another identity provider', { ...RICH_GATEWAY, authorizerConfiguration: { customJWTAuthorizer: { discoveryUrl: 'https://idp.example.com/.well-known/openid-configuration', allowedClients: ['x'] } } }, /another identity provider/],
    ['a gateway that is not READY', { ...RICH_GATEWAY, status: 'UPDATING' }, /UPDATING, not READY/],
  ])('refuses %s: RefusedError (exit 1), nothing sent', async (_label, g, message) => {
    emulate(g as GetGatewayResponse);
    const err = await authorizeClient(input(), testCtx({ yes: true }, { state: STATE }).ctx, clock().hooks).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(RefusedError);
    expect(err).toMatchObject({ code: 'REFUSED', exit: 1 });
    expect((err as Error).message).toMatch(message);
    expect(sent()).toHaveLength(0);
  });

  it('a change while the person was confirming: CONFLICT, nothing sent', async () => {
    emulate();
    let n = 0;
    agentcore.on(GetGatewayCommand).callsFake(async () => (n++ === 0 ? RICH_GATEWAY : { ...RICH_GATEWAY, description: 'someone else' }));
    const err = await authorizeClient(input(), testCtx({}, { state: STATE, tty: true, env: {}, prompter: scriptedPrompter([true]) }).ctx, clock().hooks).catch((e: unknown) => e);
    expect(err).toMatchObject({ code: 'CONFLICT', exit: 1 });
    expect((err as Error).message).toContain('description');
    expect(sent()).toHaveLength(0);
  });

  it('the gateway does not read back as sent: CONFLICT naming the fields, not success', async () => {
    emulate();
    let n = 0;
    agentcore.on(GetGatewayCommand).callsFake(async () => (n++ < 1 ? RICH_GATEWAY : { ...RICH_GATEWAY, status: 'READY' }));
    const err = await authorizeClient(input(), testCtx({ yes: true }, { state: STATE }).ctx, clock().hooks).catch((e: unknown) => e);
    expect(err).toMatchObject({ code: 'CONFLICT', exit: 1 });
    expect((err as Error).message).toMatch(/authorizerConfiguration/);
    expect(sent()).toHaveLength(1);
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
    const r = await authorizeClient(input(), t.ctx, clock().hooks);
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
      const e = await authorizeClient(input(), t.ctx, clock().hooks).catch((x) => x);
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
    const r = await authorizeClient(input({ poolId: POOL, gatewayId: GW }), changed.ctx, clock().hooks);
    expect(r.changed).toBe(true);
    expect(changed.state()).toEqual(state);
    expect(stripAnsi(changed.stderr())).toContain(`Not recording gateway ${GW}`);

    // Already authorized (no update): the same.
    agentcore.reset();
    emulate({ ...RICH_GATEWAY, authorizerConfiguration: { customJWTAuthorizer: { ...jwt(RICH_GATEWAY), allowedClients: ['existing1', CLIENT], allowedScopes: ['mcp/invoke', 'mcp/admin'] } } } as GetGatewayResponse);
    const same = testCtx({ yes: true }, { state });
    expect((await authorizeClient(input({ poolId: POOL, gatewayId: GW }), same.ctx, clock().hooks)).changed).toBe(false);
    expect(same.state()).toEqual(state);
  });

  it('a state file without a pool records the pool and the gateway together; the state\'s own pool records the gateway', async () => {
    emulate();
    const none = testCtx({ yes: true }, { state: { version: 1, clients: STATE.clients } });
    await authorizeClient(input({ poolId: POOL, gatewayId: GW }), none.ctx, clock().hooks);
    expect(none.state()).toMatchObject({ region: 'us-east-1', userPoolId: POOL, gatewayId: GW });

    agentcore.reset();
    emulate();
    const own = testCtx({ yes: true }, { state: { ...STATE, gatewayId: undefined } });
    await authorizeClient(input({ poolId: POOL, gatewayId: GW }), own.ctx, clock().hooks);
    expect(own.state()).toMatchObject({ userPoolId: POOL, gatewayId: GW });
  });

  it('defaults to every client in the state file; describes each client once', async () => {
    emulate();
    const state = { ...STATE, clients: [...STATE.clients, { clientId: 'm2mclient1', name: 'm2m', preset: 'm2m' }] };
    const r = await authorizeClient(input(), testCtx({ yes: true }, { state }).ctx, clock().hooks);
    expect(r.added).toEqual([CLIENT, 'm2mclient1']);
    expect(cognito.commandCalls(DescribeUserPoolClientCommand).map((c) => c.args[0].input.ClientId)).toEqual([CLIENT, 'm2mclient1']);
  });
});

describe('waitForGatewayReady', () => {
  it('returns at once when READY, without sleeping', async () => {
    agentcore.on(GetGatewayCommand).resolves({ ...RICH_GATEWAY, status: 'READY' });
    const { hooks, sleeps } = clock();
    const g = await waitForGatewayReady(testCtx({}, { state: STATE }).ctx, GW, 10, hooks);
    expect(g.status).toBe('READY');
    expect(sleeps).toEqual([]);
  });

  it('shows progress on a terminal (spinner) and clears it', async () => {
    agentcore.on(GetGatewayCommand).resolvesOnce({ ...RICH_GATEWAY, status: 'UPDATING' }).resolves({ ...RICH_GATEWAY, status: 'READY' });
    const t = testCtx({}, { state: STATE, tty: true });
    await waitForGatewayReady(t.ctx, GW, 10, clock().hooks);
    expect(t.stderr()).toContain('\r\x1b[2K');
    expect(stripAnsi(t.stderr())).toContain('Gateway mcp-gw is READY');
  });
});
