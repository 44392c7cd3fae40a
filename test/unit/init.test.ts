import { afterEach, describe, expect, it } from 'vitest';
import { askInitQuestions, gatewayProblem, planInit, init, type GatewayFact, type InitFacts, type PoolFact } from '../../src/commands/init/index.js';
import { CancelledError, InputError, RefusedError, UsageError } from '../../src/lib/errors.js';
import { scriptedPrompter, stripAnsi, testCtx, type Answer, type TestCtx } from './helpers.js';

const REGION = 'us-east-1';
const POOL_ID = 'us-east-1_Pool12345';
const discovery = (poolId: string, region = REGION) => `https://cognito-idp.${region}.amazonaws.com/${poolId}/.well-known/openid-configuration`;

const IAM_GW: GatewayFact = { gatewayId: 'iam-gateway-aaaaaaaaaa', name: 'iam-gateway', status: 'READY', authorizerType: 'AWS_IAM' };
const OKTA_GW: GatewayFact = { gatewayId: 'okta-gateway-bbbbbbbbbb', name: 'okta-gateway', status: 'READY', authorizerType: 'CUSTOM_JWT', discoveryUrl: 'https://example.okta.com/.well-known/openid-configuration' };
const GW: GatewayFact = { gatewayId: 'tools-gateway-cccccccccc', name: 'tools-gateway', status: 'READY', authorizerType: 'CUSTOM_JWT', discoveryUrl: discovery(POOL_ID), allowedClients: ['existingclient1'] };
const GW2: GatewayFact = { ...GW, gatewayId: 'second-gateway-dddddddddd', name: 'second-gateway' };
const POOL: PoolFact = { poolId: POOL_ID, name: 'tools-pool', resourceServers: [], clients: [{ clientId: 'existingclient1', name: 'existing-agent' }] };

/** Facts from fixed data; records every lookup so a test can assert that none happened. */
function fakeFacts(t: TestCtx, o: { gateways?: GatewayFact[]; pools?: PoolFact[]; defaultRegion?: string; taken?: Record<string, string>; users?: Record<string, string>; files?: string[] } = {}) {
  const calls: string[] = [];
  const gateways = o.gateways ?? [];
  const pools = o.pools ?? [];
  const facts: InitFacts = {
    defaultRegion: async () => (calls.push('defaultRegion'), o.defaultRegion),
    useRegion: (r) => {
      calls.push(`useRegion ${r}`);
      t.ctx.flags.region = r;
    },
    listGateways: async () => (calls.push('listGateways'), gateways),
    getGateway: async (id) => {
      calls.push(`getGateway ${id}`);
      const g = gateways.find((x) => x.gatewayId === id);
      if (!g) throw new Error(`no gateway ${id}`);
      return g;
    },
    listPools: async () => (calls.push('listPools'), pools.map((p) => ({ poolId: p.poolId, name: p.name }))),
    describePool: async (id) => {
      calls.push(`describePool ${id}`);
      const p = pools.find((x) => x.poolId === id);
      if (!p) throw new Error(`no pool ${id}`);
      return p;
    },
    domainOwner: async (prefix) => (calls.push(`domainOwner ${prefix}`), o.taken?.[prefix]),
    userStatus: async (_pool, user) => (calls.push(`userStatus ${user}`), o.users?.[user]),
    fileExists: (p) => (o.files ?? []).includes(p),
  };
  return { facts, calls };
}

/** Accept the default of whatever is asked (Enter); a checkbox keeps its pre-checked choices. */
const enter: Answer = (o: any) => (o.choices && o.default === undefined && o.choices.some((c: any) => 'checked' in c) ? o.choices.filter((c: any) => c.checked).map((c: any) => c.value) : o.default);

/** What commander passes when no flag is given (the --no-* options default to true). */
const NO_FLAGS = { copilotStudio: true, gateway: true, wait: true, doctor: true };

const ctxs: TestCtx[] = [];
function tty(answers: Answer[], state?: object, flags = {}) {
  const prompter = scriptedPrompter(answers);
  const t = testCtx(flags, { command: 'init', tty: true, prompter, state });
  ctxs.push(t);
  return { t, prompter };
}
afterEach(() => {
  while (ctxs.length) ctxs.pop()!.cleanup();
});

describe('init question flow (injected prompter)', () => {
  it('all defaults: connects the first usable CUSTOM_JWT gateway and adopts the pool it trusts', async () => {
    const { t, prompter } = tty(Array(8).fill(enter));
    const { facts } = fakeFacts(t, { gateways: [IAM_GW, OKTA_GW, GW, GW2], pools: [POOL], defaultRegion: 'us-east-1' });
    const a = await askInitQuestions(t.ctx, NO_FLAGS, facts);

    expect(prompter.asked.map((q) => [q.kind, q.message.split(' (')[0]])).toEqual([
      ['input', 'AWS Region'],
      ['select', 'Gateway to connect'],
      ['checkbox', 'MCP versions the gateway should also speak'],
      ['input', 'Hosted-UI domain prefix'],
      ['input', 'Resource server identifier'],
      ['input', 'Scope on mcp'],
      ['checkbox', 'Clients to create'],
      ['confirm', 'Create a sign-in user to test the Copilot Studio connection?'],
    ]);
    const gwPrompt = prompter.asked[1]!;
    expect(gwPrompt.default).toBe(GW.gatewayId);
    expect(prompter.asked[7]!.default).toBe(false);
    // Offered, none ticked: the gateway keeps what it speaks unless asked.
    expect(prompter.asked[2]!.choices).toEqual(['2025-03-26', '2025-06-18', '2025-11-25', '2026-07-28']);
    expect(a.mcpVersions).toBeUndefined();

    expect(a.region).toBe('us-east-1');
    expect(a.gateway?.gatewayId).toBe(GW.gatewayId);
    expect(a.pool?.poolId).toBe(POOL_ID);
    expect(a.initPool.poolId).toBe(POOL_ID);
    expect(a.initPool.domain).toMatch(/^tools-pool-[0-9a-f]{6}$/);
    expect(a.initPool.resourceServer).toBe('mcp');
    expect(a.initPool.scopes).toEqual([{ name: 'invoke', description: 'Invoke MCP server tools' }]);
    expect(a.copilot).toMatchObject({ preset: 'copilot-studio', name: 'copilot-studio-mcp' });
    expect(a.m2m).toBeUndefined();
    expect(a.user).toBeUndefined();
    expect(a.wait).toBe(true);
    expect(stripAnsi(t.stderr())).toContain('Gateway tools-gateway trusts user pool tools-pool');
  });

  it('lists unusable gateways as disabled, with the reason', async () => {
    const { t, prompter } = tty([enter, enter, new CancelledError()]);
    const { facts } = fakeFacts(t, { gateways: [IAM_GW, OKTA_GW, GW], pools: [POOL] });
    await expect(askInitQuestions(t.ctx, {}, facts)).rejects.toBeInstanceOf(CancelledError);
    const choices = (prompter.asked[1] as any).choices as string[];
    expect(choices).toEqual([IAM_GW.gatewayId, OKTA_GW.gatewayId, GW.gatewayId, '\0none']);
  });

  it('custom answers: no gateway, a new pool, a taken domain re-asked, own scope, both clients, a test user', async () => {
    const answers: Answer[] = [
      'eu-west-1', // Region
      '\0none', // gateway
      '\0new', // pool
      'team-pool', // pool name
      'taken-prefix', // domain (taken)
      'team-auth', // domain
      'api', // resource server
      'tools', // scope
      ['copilot-studio', 'm2m'], // clients
      'agent.env', // .env file
      true, // create a user
      'tester@example.com',
      'Passw0rdX',
      'Passw0rdX',
      'testers',
    ];
    const { t, prompter } = tty(answers);
    const { facts } = fakeFacts(t, { gateways: [GW], pools: [POOL], taken: { 'taken-prefix': 'eu-west-1_Other' } });
    const a = await askInitQuestions(t.ctx, {}, facts);
    expect(prompter.remaining()).toBe(0);
    expect(a.region).toBe('eu-west-1');
    expect(a.gateway).toBeUndefined();
    expect(a.pool).toBeUndefined();
    expect(a.initPool).toMatchObject({ poolName: 'team-pool', poolId: undefined, domain: 'team-auth', resourceServer: 'api', scopes: [{ name: 'tools', description: 'Access tools' }] });
    expect(a.m2m).toMatchObject({ preset: 'm2m', name: 'mcp-agent-m2m', envFile: 'agent.env' });
    expect(a.user).toEqual({ email: 'tester@example.com', group: 'testers', password: 'Passw0rdX', updatePassword: false });
    expect(stripAnsi(t.stderr())).toContain('The domain prefix "taken-prefix" is already taken by pool eu-west-1_Other');
    // The password prompt validates against the policy as typed.
    expect(prompter.asked.filter((q) => q.kind === 'password')).toHaveLength(2);
  });

  it('validates a new pool name against the existing pools (no silent adoption)', async () => {
    let validate: ((v: string) => true | string) | undefined;
    const { t } = tty([enter, '\0new', (o: any) => ((validate = o.validate), 'x-pool'), new CancelledError()]);
    const { facts } = fakeFacts(t, { pools: [{ ...POOL, name: 'mcp-gateway' }] });
    await expect(askInitQuestions(t.ctx, {}, facts)).rejects.toBeInstanceOf(CancelledError);
    expect(validate!('mcp-gateway')).toMatch(/exists/);
    expect(validate!('ok-name')).toBe(true);
  });

  it('Ctrl-C at the first prompt: CancelledError, no lookup beyond the default Region, no state file', async () => {
    const { t } = tty([new CancelledError()]);
    const { facts, calls } = fakeFacts(t, { gateways: [GW], pools: [POOL] });
    await expect(init(t.ctx, {}, facts)).rejects.toBeInstanceOf(CancelledError);
    expect(calls).toEqual(['defaultRegion']);
    expect(t.state()).toBeUndefined();
  });

  it('resume: the state file decides Region, pool, resource server and gateway; only the clients and user are asked', async () => {
    const state = { version: 1, region: REGION, userPoolId: POOL_ID, domain: 'tools-auth', resourceServer: { identifier: 'api', scopes: ['tools'] }, gatewayId: GW.gatewayId, clients: [] };
    const { t, prompter } = tty([enter, enter], state);
    const listsAll = { ...GW, raw: { name: GW.name, gatewayId: GW.gatewayId, authorizerType: 'CUSTOM_JWT', protocolConfiguration: { mcp: { supportedVersions: ['2025-03-26', '2025-06-18', '2025-11-25', '2026-07-28'] } }, authorizerConfiguration: { customJWTAuthorizer: { discoveryUrl: GW.discoveryUrl, allowedClients: ['existingclient1'] } } } } as GatewayFact;
    const { facts, calls } = fakeFacts(t, { gateways: [listsAll], pools: [{ ...POOL, domain: 'tools-auth', resourceServers: [{ identifier: 'api', scopes: ['tools'] }] }] });
    const a = await askInitQuestions(t.ctx, {}, facts);
    // A gateway that lists every version AgentCore supports is not asked about versions.
    expect(prompter.asked.map((q) => q.kind)).toEqual(['checkbox', 'confirm']);
    expect(calls).not.toContain('listGateways');
    expect(a.gateway?.gatewayId).toBe(GW.gatewayId);
    expect(a.initPool).toMatchObject({ poolId: POOL_ID, domain: undefined, resourceServer: 'api', scopes: [{ name: 'tools', description: 'Access tools' }] });
    expect(planInit(a).map((s) => s.action + ' ' + s.resource.split(' (')[0])).toEqual(['create copilot-studio app client "copilot-studio-mcp"', 'update gateway tools-gateway']);
  });

  it('MCP 2026-07-28 offered for a gateway without it: ticking it adds it to the plan, every listed version kept', async () => {
    const gw = { ...GW, raw: { name: GW.name, gatewayId: GW.gatewayId, authorizerType: 'CUSTOM_JWT', protocolConfiguration: { mcp: { supportedVersions: ['2025-03-26', '2025-06-18'] } }, authorizerConfiguration: { customJWTAuthorizer: { discoveryUrl: GW.discoveryUrl, allowedClients: ['existingclient1'] } } } } as GatewayFact;
    const state = { version: 1, region: REGION, userPoolId: POOL_ID, domain: 'tools-auth', resourceServer: { identifier: 'api', scopes: ['tools'] }, gatewayId: GW.gatewayId, clients: [] };
    const { t, prompter } = tty([['2026-07-28'], enter, enter], state);
    const { facts } = fakeFacts(t, { gateways: [gw], pools: [{ ...POOL, domain: 'tools-auth', resourceServers: [{ identifier: 'api', scopes: ['tools'] }] }] });
    const a = await askInitQuestions(t.ctx, {}, facts);
    expect(prompter.asked[0]!.message).toContain('it lists 2025-03-26, 2025-06-18; every listed version is kept');
    expect(prompter.asked[0]!.choices).toEqual(['2025-11-25', '2026-07-28']);
    expect(a.mcpVersions).toEqual(['2026-07-28']);
    const gwStep = planInit(a).find((s) => s.resource.startsWith('gateway tools-gateway'))!;
    expect(gwStep.diff!.slice(gwStep.diff!.indexOf('protocolConfiguration.mcp.supportedVersions:'))).toEqual(['protocolConfiguration.mcp.supportedVersions:', '  2025-03-26', '  2025-06-18', '+ 2026-07-28   (asked for)']);
  });

  it('no gateways in the account: says so and goes on without one', async () => {
    const { t, prompter } = tty([...Array(7).fill(enter), false]);
    const { facts } = fakeFacts(t, { gateways: [], pools: [] });
    const a = await askInitQuestions(t.ctx, {}, facts);
    expect(a.gateway).toBeUndefined();
    expect(a.initPool.poolName).toBe('mcp-gateway');
    expect(prompter.remaining()).toBe(0);
    expect(stripAnsi(t.stderr())).toContain('No AgentCore gateways in us-east-1');
  });
});

describe('init flags (no prompts)', () => {
  function quiet(flags: object = {}, state?: object) {
    const t = testCtx({ yes: true, ...flags }, { command: 'init', state });
    ctxs.push(t);
    return t;
  }

  it('without --gateway-id or --no-gateway: usage error naming both, before any lookup', async () => {
    const t = quiet();
    const { facts, calls } = fakeFacts(t, { gateways: [GW], pools: [POOL] });
    const e = await askInitQuestions(t.ctx, {}, facts).catch((x) => x);
    expect(e).toBeInstanceOf(UsageError);
    expect(e.message).toMatch(/--gateway-id.*--no-gateway/);
    expect(calls).toEqual([]);
  });

  it('bad values are refused before any lookup (exit 2)', async () => {
    for (const flags of [{ domain: 'AWS-bad' }, { gatewayId: 'Not An Id' }, { userEmail: 'nope' }, { noGatewayAndId: true }]) {
      const t = quiet();
      const { facts, calls } = fakeFacts(t, { gateways: [GW], pools: [POOL] });
      const f = 'noGatewayAndId' in flags ? { gatewayId: GW.gatewayId, gateway: false } : { gateway: false, ...flags };
      const e = await askInitQuestions(t.ctx, f, facts).catch((x) => x);
      expect([InputError, UsageError].some((C) => e instanceof C), JSON.stringify(flags)).toBe(true);
      expect(e.exit).toBe(2);
      expect(calls).toEqual([]);
    }
  });

  it('--mcp-version: checked before any lookup, contradicts --no-gateway, and reaches the answers without a question', async () => {
    for (const f of [{ gatewayId: GW.gatewayId, mcpVersion: ['2027-01-01'] }, { gateway: false, mcpVersion: ['2026-07-28'] }]) {
      const t = quiet();
      const { facts, calls } = fakeFacts(t, { gateways: [GW], pools: [POOL] });
      const e = await askInitQuestions(t.ctx, f, facts).catch((x) => x);
      expect(e.exit, JSON.stringify(f)).toBe(2);
      expect(calls).toEqual([]);
    }
    const t = quiet();
    const { facts } = fakeFacts(t, { gateways: [GW], pools: [POOL] });
    const a = await askInitQuestions(t.ctx, { gatewayId: GW.gatewayId, mcpVersion: ['2026-07-28', '2026-07-28'] }, facts);
    expect(a.mcpVersions).toEqual(['2026-07-28']);
  });

  it('--gateway-id: adopts the pool the gateway trusts; --pool-name is ignored with a warning', async () => {
    const t = quiet();
    const { facts, calls } = fakeFacts(t, { gateways: [GW], pools: [POOL] });
    const a = await askInitQuestions(t.ctx, { gatewayId: GW.gatewayId, poolName: 'other', wait: false }, facts);
    expect(a.pool?.poolId).toBe(POOL_ID);
    expect(a.initPool.poolId).toBe(POOL_ID);
    expect(a.initPool.poolName).toBeUndefined();
    expect(a.wait).toBe(false);
    expect(calls).not.toContain('listPools');
    expect(stripAnsi(t.stderr())).toContain('--pool-name other ignored');
  });

  it('refuses an AWS_IAM gateway and a gateway that trusts another identity provider', async () => {
    for (const g of [IAM_GW, OKTA_GW]) {
      const t = quiet();
      const { facts } = fakeFacts(t, { gateways: [g], pools: [POOL] });
      const e = await askInitQuestions(t.ctx, { gatewayId: g.gatewayId }, facts).catch((x) => x);
      expect(e).toBeInstanceOf(RefusedError);
      expect(e.message).toMatch(g === IAM_GW ? /AWS_IAM.*cannot be changed/ : /another identity provider/);
    }
  });

  it('refuses a gateway whose pool differs from the state file\'s pool', async () => {
    const t = quiet({}, { version: 1, region: REGION, userPoolId: 'us-east-1_Other999' });
    const { facts } = fakeFacts(t, { gateways: [GW], pools: [POOL] });
    await expect(askInitQuestions(t.ctx, { gatewayId: GW.gatewayId }, facts)).rejects.toThrow(/belongs to user pool us-east-1_Other999/);
  });

  it('a sign-in user needs its password on stdin; a weak one is refused', async () => {
    const t = quiet();
    const { facts } = fakeFacts(t, { gateways: [GW], pools: [POOL] });
    await expect(askInitQuestions(t.ctx, { gatewayId: GW.gatewayId, userEmail: 'a@example.com' }, facts)).rejects.toThrow(/--user-password-stdin/);
    await expect(askInitQuestions(t.ctx, { gatewayId: GW.gatewayId, userEmail: 'a@example.com' }, facts, { userPassword: 'short' })).rejects.toThrow(/at least 8 characters/);
    const a = await askInitQuestions(t.ctx, { gatewayId: GW.gatewayId, userEmail: 'a@example.com', userGroup: 'testers' }, facts, { userPassword: 'Passw0rdX' });
    expect(a.user).toMatchObject({ email: 'a@example.com', group: 'testers', password: 'Passw0rdX' });
  });

  it('an existing confirmed user needs no password', async () => {
    const t = quiet();
    const { facts } = fakeFacts(t, { gateways: [GW], pools: [POOL], users: { 'a@example.com': 'CONFIRMED' } });
    const a = await askInitQuestions(t.ctx, { gatewayId: GW.gatewayId, userEmail: 'a@example.com' }, facts);
    expect(a.user).toMatchObject({ email: 'a@example.com', exists: 'CONFIRMED', password: undefined });
  });

  it('an existing user in FORCE_CHANGE_PASSWORD or RESET_REQUIRED: the plan has its password update, so without --yes and a TTY init stops with exit 2 before any AWS write', async () => {
    for (const status of ['FORCE_CHANGE_PASSWORD', 'RESET_REQUIRED']) {
      const noAws = () => Promise.reject(new Error('no AWS call expected'));
      const t = testCtx({}, { command: 'init', aws: { cognito: noAws, agentcore: noAws } });
      ctxs.push(t);
      // Everything else is in place: the password is the only change.
      const ready: PoolFact = { ...POOL, domain: 'tools-auth', resourceServers: [{ identifier: 'mcp', scopes: ['invoke'] }], clients: [{ clientId: 'existingclient1', name: 'copilot-studio-mcp' }] };
      const { facts } = fakeFacts(t, { pools: [ready], users: { 'a@example.com': status } });
      const flags = { gateway: false, poolId: POOL_ID, userEmail: 'a@example.com' };
      const a = await askInitQuestions(t.ctx, flags, facts, { userPassword: 'Passw0rdX' });
      expect(planInit(a), status).toEqual([
        { action: 'update', resource: 'password of a@example.com (permanent)', diff: [`~ status: ${status} → CONFIRMED`], awsCli: expect.stringContaining("admin-set-user-password --region us-east-1 --user-pool-id 'us-east-1_Pool12345' --username 'a@example.com' --password '<password>' --permanent") },
      ]);
      const e = await init(t.ctx, flags, facts, { userPassword: 'Passw0rdX' }).catch((x) => x);
      expect(e, status).toBeInstanceOf(UsageError);
      expect(e.exit).toBe(2);
      expect(stripAnsi(t.stderr())).toContain('~ update password of a@example.com (permanent)');
      expect(t.stderr()).not.toContain('Passw0rdX');
      expect(t.state()).toBeUndefined();
    }
  });

  it('--dry-run with a new sign-in user needs no password (no terminal, no stdin): plan only', async () => {
    const t = quiet({ dryRun: true, yes: false });
    const { facts } = fakeFacts(t, { gateways: [GW], pools: [POOL] });
    const r = await init(t.ctx, { gatewayId: GW.gatewayId, userEmail: 'a@example.com' }, facts);
    expect(r.user).toBeUndefined();
    expect(t.ctx.planned.map((s) => s.resource)).toContain('sign-in user a@example.com (permanent password, no invitation e-mail)');
    expect(t.state()).toBeUndefined();
  });

  it('the plan names every creation and the gateway change; without --yes and a TTY it stops with exit 2 before creating', async () => {
    const t = testCtx({}, { command: 'init' });
    ctxs.push(t);
    const { facts } = fakeFacts(t, { gateways: [GW], pools: [POOL] });
    const e = await init(t.ctx, { gatewayId: GW.gatewayId, m2m: true, dotenv: 'agent.env' }, facts).catch((x) => x);
    expect(e).toBeInstanceOf(UsageError);
    expect(e.message).toMatch(/--yes/);
    const plan = stripAnsi(t.stderr());
    expect(plan).toContain('+ create hosted-UI domain');
    expect(plan).toContain('+ create resource server "mcp" with scopes mcp/invoke');
    expect(plan).toContain('+ create copilot-studio app client "copilot-studio-mcp"');
    expect(plan).toContain('+ create m2m app client "mcp-agent-m2m"');
    expect(plan).toContain('+ create agent.env');
    expect(plan).toContain('~ update gateway tools-gateway (tools-gateway-cccccccccc) JWT authorizer');
    expect(plan).toMatch(/allowedClients:\n\s+existingclient1\n\s+\+ <new copilot-studio-mcp> {3}\(app client copilot-studio-mcp\)\n\s+\+ <new mcp-agent-m2m> {3}\(app client mcp-agent-m2m\)/);
    expect(t.state()).toBeUndefined();
  });

  it('the gateway preview uses authorize-client\'s merge: scopes and the Copilot Studio MCP version; an adopted, allowed client is no change', async () => {
    const raw = {
      gatewayId: GW.gatewayId,
      name: GW.name,
      authorizerType: 'CUSTOM_JWT',
      protocolConfiguration: { mcp: { supportedVersions: ['2025-06-18'] } },
      authorizerConfiguration: { customJWTAuthorizer: { discoveryUrl: GW.discoveryUrl, allowedClients: ['existingclient1'], allowedScopes: ['other/read'] } },
    };
    const t = quiet();
    const { facts } = fakeFacts(t, { gateways: [{ ...GW, raw: raw as never }], pools: [POOL] });
    const a = await askInitQuestions(t.ctx, { gatewayId: GW.gatewayId }, facts);
    const step = planInit(a).find((s) => s.action === 'update')!;
    expect(step.diff).toEqual([
      'allowedClients:',
      '  existingclient1',
      '+ <new copilot-studio-mcp>   (app client copilot-studio-mcp)',
      'allowedScopes:',
      '  other/read',
      '+ mcp/invoke   (a scope copilot-studio-mcp can be granted)',
      'protocolConfiguration.mcp.supportedVersions:',
      '  2025-06-18',
      '+ 2025-03-26   (Copilot Studio speaks MCP 2025-03-26)',
    ]);

    const adopted = { ...POOL, clients: [{ clientId: 'existingclient1', name: 'copilot-studio-mcp' }] };
    const raw2 = { ...raw, protocolConfiguration: { mcp: { supportedVersions: ['2025-03-26'] } }, authorizerConfiguration: { customJWTAuthorizer: { discoveryUrl: GW.discoveryUrl, allowedClients: ['existingclient1'] } } };
    const t2 = quiet();
    const f2 = fakeFacts(t2, { gateways: [{ ...GW, raw: raw2 as never }], pools: [adopted] });
    const a2 = await askInitQuestions(t2.ctx, { gatewayId: GW.gatewayId }, f2.facts);
    expect(planInit(a2).filter((s) => s.resource.startsWith('gateway'))).toEqual([]);
  });

  it('--dry-run shows the plan and changes nothing', async () => {
    const t = quiet({ dryRun: true, yes: false });
    const { facts } = fakeFacts(t, { gateways: [GW], pools: [POOL] });
    const r = await init(t.ctx, { gatewayId: GW.gatewayId }, facts);
    expect(r.clients).toEqual([]);
    expect(t.ctx.planned.length).toBeGreaterThan(0);
    expect(t.state()).toBeUndefined();
  });
});

describe('gatewayProblem', () => {
  it('accepts a CUSTOM_JWT gateway that trusts a Cognito pool in the same Region only', () => {
    expect(gatewayProblem(GW, REGION)).toBeUndefined();
    expect(gatewayProblem(GW, 'eu-west-1')).toMatch(/one Region per run/);
    expect(gatewayProblem(IAM_GW, REGION)).toMatch(/AWS_IAM/);
    expect(gatewayProblem(OKTA_GW, REGION)).toMatch(/another identity provider/);
  });
});

describe('renderInit (the hand-off)', () => {
  it('prints the Copilot Studio form, the add-callback step, the M2M token URL and .env, the gateway, the user and doctor\'s findings', async () => {
    const { renderInit } = await import('../../src/commands/init/index.js');
    const t = testCtx({}, { command: 'init' });
    ctxs.push(t);
    const tokenUrl = 'https://p-x1.auth.us-east-1.amazoncognito.com/oauth2/token';
    const text = renderInit(
      {
        region: REGION,
        userPoolId: POOL_ID,
        userPoolName: 'tools-pool',
        domain: 'p-x1',
        hostedUiBaseUrl: 'https://p-x1.auth.us-east-1.amazoncognito.com',
        authorizationUrl: 'https://p-x1.auth.us-east-1.amazoncognito.com/oauth2/authorize',
        tokenUrl,
        resourceServer: { identifier: 'mcp', name: 'MCP Server Access', scopes: ['mcp/invoke'] },
        clients: [
          { userPoolId: POOL_ID, clientId: 'm2mclient', clientName: 'mcp-agent-m2m', preset: 'm2m', allowedOAuthFlows: ['client_credentials'], scopes: ['mcp/invoke'], callbackUrls: [], logoutUrls: [], tokenUrl, created: true, envFile: '.env' },
        ],
        copilotStudio: { clientId: 'cs1', clientSecret: 's3cr3t', authorizationUrl: 'https://p-x1.auth.us-east-1.amazoncognito.com/oauth2/authorize', tokenUrl, refreshUrl: tokenUrl, scopes: 'openid email profile mcp/invoke' },
        gateway: { gatewayId: GW.gatewayId, gatewayName: GW.name, gatewayUrl: 'https://gw.example', updated: true, message: 'updated (allowed clients + cs1).' },
        user: { userPoolId: POOL_ID, username: 'a@example.com', signInName: 'a@example.com', email: 'a@example.com', status: 'CONFIRMED', created: true, passwordSet: true },
        doctor: { summary: { pass: 20, warn: 1, fail: 0, skip: 3 }, findings: [{ id: 'client.callbacks', status: 'warn', title: 'Callback URLs registered', fix: 'mcp-cognito add-callback <redirect URL>' }] },
        created: ['domain', 'client:copilot-studio-mcp'],
        updated: ['gateway'],
      },
      t.ctx.out,
    );
    // Copilot Studio's wizard order: server name, description, Server URL, then the OAuth fields.
    const rows = ['Server name         tools-gateway', 'Server description  ', 'Server URL          https://gw.example/mcp', 'Authentication      OAuth 2.0, type Manual', 'Client ID           cs1', 'Client secret       s3cr3t', 'Authorization URL   https://p-x1.auth', `Token URL template  ${tokenUrl}`, `Refresh URL         ${tokenUrl}`, 'Scopes              openid email profile mcp/invoke'];
    const at = rows.map((row) => text.indexOf(row));
    expect(at.every((i) => i >= 0), `rows missing: ${rows.filter((_, i) => at[i]! < 0).join(' | ')}`).toBe(true);
    expect([...at].sort((a, b) => a - b)).toEqual(at);
    expect(text).toContain('mcp-cognito add-callback <the redirect URL Copilot Studio shows>');
    expect(text).toMatch(/M2M agent client mcp-agent-m2m \(m2mclient\)\n\s+Token URL\s+https:\/\/p-x1\.auth\.us-east-1\.amazoncognito\.com\/oauth2\/token/);
    expect(text).toContain('.env (mode 0600)');
    expect(text).toContain('Gateway tools-gateway: updated (allowed clients + cs1).');
    expect(text).not.toContain('MCP endpoint:'); // said once, as the form's Server URL
    expect(text).toContain('Sign-in user for testing: a@example.com (CONFIRMED)');
    expect(text).toContain('20 passed, 1 warning, 0 failed, 3 not checked');
    expect(text).toContain('! Callback URLs registered — mcp-cognito add-callback <redirect URL>');
    expect(text).toContain('These findings inform; they do not change init');
    expect(text).not.toContain('Next steps:');
  });

  it('shows doctor\'s next steps (the add-callback step) in place of its own', async () => {
    const { renderInit } = await import('../../src/commands/init/index.js');
    const t = testCtx({}, { command: 'init' });
    ctxs.push(t);
    const next = 'After you create the tool in Copilot Studio, it shows a redirect URL (https://global.consent.azure-apim.net/redirect/…). Register it: mcp-cognito add-callback <the redirect URL> --client-id cs1';
    const text = renderInit(
      {
        region: REGION,
        userPoolId: POOL_ID,
        userPoolName: 'p',
        domain: 'p-x1',
        hostedUiBaseUrl: 'https://p-x1.auth.us-east-1.amazoncognito.com',
        authorizationUrl: 'https://p-x1.auth.us-east-1.amazoncognito.com/oauth2/authorize',
        tokenUrl: 'https://p-x1.auth.us-east-1.amazoncognito.com/oauth2/token',
        resourceServer: { identifier: 'mcp', name: 'MCP', scopes: ['mcp/invoke'] },
        clients: [],
        copilotStudio: { clientId: 'cs1', clientSecret: 's', authorizationUrl: 'a', tokenUrl: 't', refreshUrl: 't', scopes: 'openid' },
        gateway: { gatewayId: 'gw-abc1234567', gatewayName: 'gw', gatewayUrl: 'https://gw-abc1234567.gateway.bedrock-agentcore.us-east-1.amazonaws.com/mcp', updated: false, message: 'nothing to change.' },
        doctor: { summary: { pass: 30, warn: 0, fail: 0, skip: 3 }, findings: [], nextSteps: [next] },
        created: [],
        updated: [],
      },
      t.ctx.out,
    );
    expect(text).toContain(`Next steps:\n  • ${next}`);
    expect(text).not.toContain('mcp-cognito add-callback <the redirect URL Copilot Studio shows>');
    expect(text).not.toContain('These findings inform');
    expect(text).toContain('Server URL          https://gw-abc1234567.gateway.bedrock-agentcore.us-east-1.amazonaws.com/mcp\n');
  });
});

describe('init: Copilot Studio through Dynamic discovery (beside Manual)', () => {
  it('the "Clients to create" question offers Dynamic discovery through the façade, unchecked; choosing it alone means no Manual form', async () => {
    let shown: { name: string; checked?: boolean }[] = [];
    const pick: Answer = (o: any) => (o.message?.startsWith('Clients to create') ? ((shown = o.choices), ['\0copilot-dynamic']) : (enter as (o: unknown) => unknown)(o));
    const { t } = tty(Array(8).fill(pick));
    const { facts } = fakeFacts(t, { gateways: [GW], pools: [POOL], defaultRegion: 'us-east-1' });
    const a = await askInitQuestions(t.ctx, NO_FLAGS, facts);
    expect(shown.map((c) => [c.name.split(' (')[0], c.checked])).toEqual([
      ['Copilot Studio: Manual OAuth', true],
      ['M2M agent', false],
      ['Copilot Studio: Dynamic discovery through the façade', false],
    ]);
    expect(a.copilot).toMatchObject({ preset: 'copilot-studio', name: 'copilot-studio-mcp' });
    expect(a).toMatchObject({ copilotDynamic: true, copilotManual: false });
  });

  it('--copilot-studio-oauth dynamic|both|manual without a terminal; anything else is exit 2', async () => {
    for (const [how, manual] of [['dynamic', false], ['both', true]] as const) {
      const t = testCtx({}, { command: 'init' });
      ctxs.push(t);
      const { facts } = fakeFacts(t, { gateways: [GW], pools: [POOL], defaultRegion: 'us-east-1' });
      const a = await askInitQuestions(t.ctx, { ...NO_FLAGS, gatewayId: GW.gatewayId, region: REGION, copilotStudioOauth: how }, facts);
      expect(a).toMatchObject({ copilotDynamic: true, copilotManual: manual });
    }
    const t = testCtx({}, { command: 'init' });
    ctxs.push(t);
    const { facts } = fakeFacts(t, { gateways: [GW], pools: [POOL] });
    const a = await askInitQuestions(t.ctx, { ...NO_FLAGS, gatewayId: GW.gatewayId, region: REGION, copilotStudioOauth: 'manual' }, facts);
    expect(a.copilotDynamic).toBeUndefined();
    await expect(askInitQuestions(t.ctx, { ...NO_FLAGS, gatewayId: GW.gatewayId, copilotStudioOauth: 'auto' }, facts)).rejects.toMatchObject({ exit: 2, message: expect.stringMatching(/^--copilot-studio-oauth/) });
  });
});
