/** teardown's work: read what the state file names, plan (src/workflows/teardown-plan.ts), and apply in reverse order of creation. */
import { prepareFacadeRemoval } from '../steps/facade/remove.js';
import type { Ctx } from '../lib/context.js';
import { CliError } from '../lib/errors.js';
import type { Prepared } from '../lib/plan.js';
import { plural } from '../lib/text.js';
import { withGatewayClients, withOrigin, withoutOwned } from '../lib/ownership.js';
import type { State } from '../lib/state.js';
import { waitUntil } from '../aws/waiter.js';
import { jwtOf } from '../steps/gateway/authorize.js';
import { applyGatewayDeauthorization } from '../steps/gateway/deauthorize.js';
import { forgetClient, readGatewayIfAny } from './delete-client.js';
import { planTeardown, type TeardownItem, type TeardownPlan, type TeardownRead } from './teardown-plan.js';

export interface TeardownOptions {
  allowAnyClient: boolean;
  wait: boolean;
  waitTimeoutSeconds: number;
}

export interface TeardownResult {
  userPoolId?: string;
  /** Deleted (or, under --dry-run, to delete), in order; `withPool`: went with the pool. */
  deleted: (TeardownItem & { withPool?: boolean })[];
  gateways: { gatewayId: string; gatewayName?: string; removed: string[]; allowedClients: string[] }[];
  kept: TeardownItem[];
  /** Recorded as created but already gone (forgotten in the state file). */
  alreadyGone: TeardownItem[];
  changed: boolean;
}

/** The façade command that removes what the state records (issue 12). */
export const FACADE_REMOVE_COMMAND = 'mcp-cognito facade remove';

async function readTeardown(ctx: Ctx, state: State): Promise<TeardownRead> {
  const region = await ctx.region();
  const read: TeardownRead = { state, region, gateways: [] };
  const gatewayIds = [...new Set([state.gatewayId, ...(state.created?.gatewayClients ?? []).map((g) => g.gatewayId)].filter((x): x is string => Boolean(x)))];
  const gateways = gatewayIds.length
    ? ctx.agentcore().then((a) => Promise.all(gatewayIds.map(async (gatewayId) => ({ gatewayId, got: await readGatewayIfAny(a, gatewayId) }))))
    : Promise.resolve([]);
  if (state.userPoolId) {
    const poolId = await ctx.poolId(undefined);
    const cognito = await ctx.cognito();
    const pool = await cognito.describePool(poolId).catch((e: unknown) => {
      if (e instanceof CliError && e.code === 'NOT_FOUND') return undefined;
      throw e;
    });
    if (pool) {
      read.pool = { id: poolId, ...(pool.Name ? { name: pool.Name } : {}), ...(pool.CustomDomain || pool.Domain ? { domain: pool.CustomDomain ?? pool.Domain } : {}), deletionProtection: pool.DeletionProtection === 'ACTIVE' };
      const [clients, users, groups, servers] = await Promise.all([cognito.listClients(poolId), cognito.listUsers(poolId), cognito.listGroups(poolId), cognito.listResourceServers(poolId)]);
      read.contents = {
        clients: clients.map((c) => ({ id: c.ClientId!, ...(c.ClientName ? { name: c.ClientName } : {}) })),
        users: users.map((u) => ({ username: u.Username!, ...(u.Attributes?.find((a) => a.Name === 'email')?.Value ? { email: u.Attributes.find((a) => a.Name === 'email')!.Value } : {}) })),
        groups,
        resourceServers: servers.map((s) => s.Identifier!),
      };
    }
  }
  read.gateways = await gateways;
  return read;
}

const label = (x: TeardownItem) => (x.kind === 'userPool' ? `user pool ${x.id}` : x.kind === 'resourceServer' ? `resource server ${x.id}` : x.kind === 'gateway-authorization' ? `gateway authorization ${x.id}` : `${x.kind === 'client' ? 'app client' : x.kind} ${x.id}`);

/** Read, plan (refusals before anything changes), say what is kept; apply deletes in reverse order of creation. */
export async function prepareTeardown(o: TeardownOptions, ctx: Ctx): Promise<Prepared<TeardownResult>> {
  const state = ctx.state.get();
  // The façade goes first (it uses the client, the callback and the gateway authorization below).
  const facade = state.facade?.created ? await prepareFacadeRemoval(ctx) : undefined;
  if (state.facade && !state.facade.created) ctx.out.info(`Kept (never deleted by teardown):\n  = OAuth façade ${state.facade.functionName}: not created by this tool (remove it with \`${FACADE_REMOVE_COMMAND}\`)`);
  const read = await readTeardown(ctx, state);
  // A Create of ours that landed but was never recorded (a run killed in between): its resource is ours.
  const resolved = withLandedCreates(read);
  if (resolved !== read.state) {
    read.state = resolved;
    if (!ctx.dryRun) ctx.state.change((s) => withLandedCreates({ ...read, state: s }));
  }
  const plan = planTeardown(read, { allowAnyClient: o.allowAnyClient });
  if (plan.kept.length) ctx.out.info(`Kept (never deleted by teardown):\n${plan.kept.map((k) => `  = ${label(k)}: ${k.reason}`).join('\n')}`);
  if (plan.gone.length) ctx.out.info(ctx.out.c.dim(`Already gone (forgotten in the state file): ${plan.gone.map(label).join(', ')}`));

  const deleted = (): TeardownResult['deleted'] => [
    ...plan.clients.map((id) => ({ kind: 'client' as const, id })),
    ...plan.users.map((id) => ({ kind: 'user' as const, id })),
    ...plan.groups.map((id) => ({ kind: 'group' as const, id })),
    ...(plan.resourceServer ? [{ kind: 'resourceServer' as const, id: plan.resourceServer }] : []),
    ...(plan.domain ? [{ kind: 'domain' as const, id: plan.domain }] : []),
    ...(plan.deletePool && plan.poolId ? [{ kind: 'userPool' as const, id: plan.poolId }, ...plan.withPool.map((x) => ({ ...x, withPool: true }))] : []),
  ];
  const result = (changed: boolean, gateways: TeardownResult['gateways']): TeardownResult => ({
    ...(plan.poolId ? { userPoolId: plan.poolId } : {}),
    deleted: changed || ctx.dryRun ? deleted() : [],
    gateways,
    kept: plan.kept,
    alreadyGone: plan.gone,
    changed,
  });
  const plannedGateways = plan.gateways.map((g) => ({ gatewayId: g.gatewayId, ...(g.planned.name ? { gatewayName: g.planned.name } : {}), removed: g.removed, allowedClients: g.remaining }));
  const facadeSteps = facade?.steps ?? [];
  if (plan.steps.length === 0 && facadeSteps.length === 0) {
    ctx.out.step('Nothing to remove: nothing this tool created is left');
    return { steps: [], preview: () => result(false, []), apply: async () => (forgetGone(ctx, plan), result(false, [])) };
  }
  return {
    steps: [...facadeSteps, ...plan.steps],
    question: `${facadeSteps.length ? 'Remove the OAuth façade, then d' : 'D'}elete ${plural(plan.steps.filter((s) => s.action === 'delete').length, 'resource')}${plan.gateways.length ? ` and update ${plural(plan.gateways.length, 'gateway')}` : ''}?`,
    preview: () => result(false, plannedGateways),
    apply: async () => {
      if (facade && facadeSteps.length) await facade.apply();
      const gateways = await applyTeardown(ctx, plan, o);
      forgetGone(ctx, plan);
      return result(true, gateways);
    },
  };
}

/** Forget, in the state file, what was recorded as created and is already gone. */
function forgetGone(ctx: Ctx, plan: TeardownPlan): void {
  if (ctx.dryRun || plan.gone.length === 0) return;
  ctx.state.change((s) => {
    let next = s;
    for (const g of plan.gone) {
      if (g.kind === 'client') next = forgetClient(next, g.id);
      else if (g.kind === 'user') next = withoutOwned(next, 'users', [g.id]);
      else if (g.kind === 'group') next = withoutOwned(next, 'groups', [g.id]);
      else if (g.kind === 'resourceServer') next = { ...withoutOwned(next, 'resourceServer', [g.id]), resourceServer: undefined };
      else if (g.kind === 'domain') next = { ...withoutOwned(next, 'domain', [g.id]), domain: undefined };
      else if (g.kind === 'userPool') next = forgetPool(next);
      else if (g.kind === 'gateway-authorization') {
        const [clientId, gatewayId] = g.id.split(' on ');
        next = withGatewayClients(next, gatewayId!, [clientId!], 'remove');
      }
    }
    return next;
  });
}

/**
 * The state with every pending Create intent (src/lib/intents.ts) in the pool whose resource is
 * there now recorded as created (what a killed run made and did not record).
 */
export function withLandedCreates(r: TeardownRead): State {
  let s = r.state;
  const c = r.contents;
  if (!c || !s.creating?.length || !r.pool) return s;
  for (const i of s.creating) {
    if (i.in !== r.pool.id) continue;
    const clients = i.kind === 'clients' ? c.clients.filter((x) => x.name === i.name) : [];
    const user = i.kind === 'users' ? c.users.find((u) => u.username === i.name || u.email === i.name) : undefined;
    if (clients.length === 1) s = withOrigin(s, 'adopted', 'clients', clients[0]!.id, i.name);
    else if (user) s = withOrigin(s, 'adopted', 'users', user.username, i.name);
    else if (i.kind === 'groups' && c.groups.includes(i.name)) s = withOrigin(s, 'adopted', 'groups', i.name);
    else if (i.kind === 'resourceServer' && c.resourceServers.includes(i.name)) s = withOrigin(s, 'adopted', 'resourceServer', i.name);
    else if (i.kind === 'domain' && r.pool.domain === i.name) s = withOrigin(s, 'adopted', 'domain', i.name);
  }
  return s;
}

/** The state once its pool is gone: the Region (and what belongs to other commands) only. */
function forgetPool(s: State): State {
  const { userPoolId: _p, domain: _d, resourceServer: _r, clients: _c, gatewayId: _g, created, adopted: _a, creating, ...rest } = s;
  // Intents of Creates in the deleted pool are moot with it.
  const others = (creating ?? []).filter((i) => i.in !== s.userPoolId);
  if (others.length) (rest as State).creating = others;
  return { ...rest, ...(created?.gatewayClients?.length ? { created: { gatewayClients: created.gatewayClients } } : {}) };
}

async function applyTeardown(ctx: Ctx, plan: TeardownPlan, o: TeardownOptions): Promise<TeardownResult['gateways']> {
  const record = (change: (s: State) => State) => ctx.state.change(change);
  // 1. Gateway authorizations (never the gateway).
  const gateways: TeardownResult['gateways'] = [];
  for (const g of plan.gateways) {
    const agentcore = await ctx.agentcore();
    const after = await applyGatewayDeauthorization(agentcore, g, { wait: o.wait, waitTimeoutSeconds: o.waitTimeoutSeconds, onAccepted: () => record((s) => withGatewayClients(s, g.gatewayId, g.removed, 'remove')) }, ctx.out);
    gateways.push({ gatewayId: g.gatewayId, ...(after.name ? { gatewayName: after.name } : {}), removed: g.removed, allowedClients: jwtOf(after)?.allowedClients ?? [] });
  }
  const poolId = plan.poolId;
  if (!poolId) return gateways;
  const cognito = await ctx.cognito();
  const done = (deleted: boolean, what: string) => ctx.out.step(deleted ? `Deleted ${what}` : `${what[0]!.toUpperCase()}${what.slice(1)} was already gone`);
  // 2. Clients, 3. users and groups, 4. the resource server.
  for (const id of plan.clients) {
    done(await cognito.deleteClient(poolId, id), `app client ${id}`);
    record((s) => forgetClient(s, id));
  }
  for (const name of plan.users) {
    done(await cognito.adminDeleteUser(poolId, name), `user ${name}`);
    record((s) => withoutOwned(s, 'users', [name]));
  }
  for (const g of plan.groups) {
    done(await cognito.deleteGroup(poolId, g), `group ${g}`);
    record((s) => withoutOwned(s, 'groups', [g]));
  }
  if (plan.resourceServer) {
    const rs = plan.resourceServer;
    done(await cognito.deleteResourceServer(poolId, rs), `resource server ${rs}`);
    record((s) => ({ ...withoutOwned(s, 'resourceServer', [rs]), resourceServer: undefined }));
  }
  // 5. The domain (before the pool: Cognito refuses to delete a pool that has one).
  if (plan.domain) {
    const domain = plan.domain;
    done(await cognito.deleteDomain(poolId, domain), `hosted-UI domain ${domain}`);
    if (plan.deletePool) await waitForDomainGone(ctx, domain, o.waitTimeoutSeconds);
    record((s) => ({ ...withoutOwned(s, 'domain', [domain]), domain: undefined }));
  }
  // 6. The pool.
  if (plan.deletePool) {
    done(await cognito.deletePool(poolId), `user pool ${poolId}`);
    record(forgetPool);
  }
  return gateways;
}

/** DescribeUserPoolDomain until the domain is gone (DeleteUserPool fails while the pool still has it). */
async function waitForDomainGone(ctx: Ctx, domain: string, timeoutSeconds: number): Promise<void> {
  const cognito = await ctx.cognito();
  const { state } = await waitUntil({
    timeoutSeconds,
    minDelaySeconds: 1,
    maxDelaySeconds: 5,
    poll: () => cognito.describeDomain(domain, { fresh: true }),
    verdict: (d) => (d === undefined ? 'done' : 'pending'),
  });
  if (state !== 'done') {
    throw new CliError(`The domain ${domain} is still being deleted after ${timeoutSeconds} s, so the user pool cannot be deleted yet.`, { code: 'TIMEOUT', hint: 'Run `mcp-cognito teardown` again in a minute; it resumes where it stopped.' });
  }
}
