/**
 * teardown's plan: from the state file's created/adopted records and what AWS has now, what to
 * delete, in reverse order of creation (gateway authorizations this tool added — never the gateway —,
 * clients, users, groups, resource server, domain, pool), what is kept and why (adopted, or not known
 * to be created: never deleted), and what is already gone. Pure: the reads are done by the caller.
 *
 * A pool this tool created is deleted whole (what is in it goes with it; its domain first, as
 * Cognito requires) unless it holds app clients or users this tool did not create, or has
 * deletion protection: then it is kept, and only what this tool created in it is deleted.
 */
import { awsCliCommand, type PlanStep } from '../lib/plan.js';
import { gatewayClientsAdded, gatewayExtrasAdded, isCreated } from '../lib/ownership.js';
import type { State } from '../lib/state.js';
import type { GetGatewayResponse } from '../aws/rmw.js';
import { jwtOf } from '../steps/gateway/authorize.js';
import { planGatewayDeauthorization, type DeauthPlan } from '../steps/gateway/deauthorize.js';

export interface TeardownRead {
  state: State;
  region: string;
  /** The state's pool as it is now (undefined: none recorded, or it no longer exists). */
  pool?: { id: string; name?: string; domain?: string; deletionProtection: boolean };
  /** Everything in the pool, when it was listed: client IDs, users (name and e-mail), groups, resource server identifiers. */
  contents?: { clients: { id: string; name?: string }[]; users: { username: string; email?: string }[]; groups: string[]; resourceServers: string[] };
  /** The gateways the state names (its own and those recorded with added clients); `got` undefined: gone. */
  gateways: { gatewayId: string; got?: GetGatewayResponse }[];
}

export interface TeardownItem {
  kind: 'gateway' | 'gateway-authorization' | 'client' | 'user' | 'group' | 'resourceServer' | 'domain' | 'userPool';
  id: string;
  /** For a kept item: why. */
  reason?: string;
}

export interface TeardownPlan {
  poolId?: string;
  gateways: DeauthPlan[];
  /** Deleted one by one (the pool is kept, or they are outside it). */
  clients: string[];
  users: string[];
  groups: string[];
  resourceServer?: string;
  domain?: string;
  /** The pool is deleted (and with it everything in it). */
  deletePool: boolean;
  /** Deleted with the pool (listed in the plan, not deleted one by one). */
  withPool: TeardownItem[];
  kept: TeardownItem[];
  /** Recorded as created, already gone: forgotten. */
  gone: TeardownItem[];
  steps: PlanStep[];
}

const whyKept = (adopted: boolean) => (adopted ? 'adopted: it existed before this tool used it' : 'not recorded as created by this tool');
const GATEWAY_KEPT = 'the gateway itself is never deleted; only the clients this tool added come off it';
/** Why a gateway is kept, with the scopes and versions this tool added that stay (another client may rely on them). */
function gatewayKept(state: State, gatewayId: string): string {
  const { allowedScopes, supportedVersions } = gatewayExtrasAdded(state, gatewayId);
  const extras = [allowedScopes.length ? `allowed scope${allowedScopes.length > 1 ? 's' : ''} ${allowedScopes.join(', ')}` : '', supportedVersions.length ? `MCP version${supportedVersions.length > 1 ? 's' : ''} ${supportedVersions.join(', ')}` : ''].filter(Boolean);
  return extras.length ? `${GATEWAY_KEPT}; the ${extras.join(' and ')} this tool added stay${extras.length > 1 ? '' : 's'}, as other clients may rely on ${extras.length > 1 ? 'them' : 'it'} (remove by hand in the AgentCore console if none does)` : GATEWAY_KEPT;
}
const describeUser = (u: { username: string; email?: string }) => u.email ?? u.username;

export function planTeardown(r: TeardownRead, o: { allowAnyClient: boolean }): TeardownPlan {
  const { state, region } = r;
  const created = state.created ?? {};
  const poolId = r.pool?.id;
  const plan: TeardownPlan = { ...(poolId ? { poolId } : {}), gateways: [], clients: [], users: [], groups: [], deletePool: false, withPool: [], kept: [], gone: [], steps: [] };
  const cli = (op: string, input: Record<string, unknown>) => awsCliCommand('cognito-idp', op, input, region);

  // The pool: deleted whole only when ours, and it holds nothing of anyone else's.
  const poolCreated = poolId !== undefined && isCreated(state, 'userPool', poolId);
  const c = r.contents;
  const foreignClients = c ? c.clients.filter((x) => !isCreated(state, 'clients', x.id)) : [];
  const foreignUsers = c ? c.users.filter((u) => !isCreated(state, 'users', u.username) && !(u.email && isCreated(state, 'users', u.email))) : [];
  if (poolId && r.pool) {
    if (!poolCreated) plan.kept.push({ kind: 'userPool', id: poolId, reason: whyKept(state.adopted?.userPool === poolId) });
    else if (r.pool.deletionProtection) plan.kept.push({ kind: 'userPool', id: poolId, reason: 'deletion protection is on (turn it off in the Cognito console to delete the pool)' });
    else if (foreignClients.length || foreignUsers.length) {
      const what = [
        foreignClients.length ? `app client${foreignClients.length > 1 ? 's' : ''} ${foreignClients.map((x) => x.name ?? x.id).join(', ')}` : '',
        foreignUsers.length ? `user${foreignUsers.length > 1 ? 's' : ''} ${foreignUsers.map(describeUser).join(', ')}` : '',
      ].filter(Boolean);
      plan.kept.push({ kind: 'userPool', id: poolId, reason: `it holds ${what.join(' and ')} that this tool did not create` });
    } else plan.deletePool = true;
  } else if (created.userPool) {
    plan.gone.push({ kind: 'userPool', id: created.userPool });
  }

  // Which created clients are (still) there, and which are deleted (one by one or with the pool).
  const existingClients = new Set(c?.clients.map((x) => x.id) ?? []);
  const createdClients = created.clients ?? [];
  for (const id of createdClients) {
    if (!existingClients.has(id)) plan.gone.push({ kind: 'client', id });
    else if (plan.deletePool) plan.withPool.push({ kind: 'client', id });
    else plan.clients.push(id);
  }
  const going = new Set([...plan.clients, ...plan.withPool.filter((x) => x.kind === 'client').map((x) => x.id)]);

  // 1. Gateway authorizations: what this tool added, and any client being deleted that a gateway still lists.
  for (const { gatewayId, got } of r.gateways) {
    const added = gatewayClientsAdded(state, gatewayId);
    if (!got) {
      for (const id of added) plan.gone.push({ kind: 'gateway-authorization', id: `${id} on ${gatewayId}` });
      continue;
    }
    const listed = jwtOf(got)?.allowedClients ?? [];
    const remove = [...new Set([...added.filter((id) => listed.includes(id)), ...listed.filter((id) => going.has(id))])];
    for (const id of added.filter((x) => !listed.includes(x))) plan.gone.push({ kind: 'gateway-authorization', id: `${id} on ${gatewayId}` });
    if (!remove.length) continue;
    const p = planGatewayDeauthorization(got, remove, region, { allowAnyClient: o.allowAnyClient, gatewayId });
    if (p.step) {
      plan.gateways.push(p);
      plan.steps.push(p.step);
    }
  }
  const kept = listedKept(state, r, plan, foreignClients);
  plan.kept.push(...kept);

  // 2. Clients, 3. users and groups, 4. the resource server, 5. the domain — one by one when the pool stays.
  for (const id of plan.clients) plan.steps.push({ action: 'delete', resource: `app client ${nameOf(r, id)}`, awsCli: cli('DeleteUserPoolClient', { UserPoolId: poolId, ClientId: id }) });
  const userThere = (name: string) => c?.users.find((u) => u.username === name || u.email === name);
  for (const name of created.users ?? []) {
    if (!userThere(name)) plan.gone.push({ kind: 'user', id: name });
    else if (plan.deletePool) plan.withPool.push({ kind: 'user', id: name });
    else {
      plan.users.push(name);
      const email = userThere(name)!.email;
      plan.steps.push({ action: 'delete', resource: `user ${email && email !== name ? `${email} (${name})` : name}`, awsCli: cli('AdminDeleteUser', { UserPoolId: poolId, Username: name }) });
    }
  }
  for (const g of created.groups ?? []) {
    if (!c?.groups.includes(g)) plan.gone.push({ kind: 'group', id: g });
    else if (plan.deletePool) plan.withPool.push({ kind: 'group', id: g });
    else {
      plan.groups.push(g);
      plan.steps.push({ action: 'delete', resource: `group ${g} (its members stay in the pool)`, awsCli: cli('DeleteGroup', { UserPoolId: poolId, GroupName: g }) });
    }
  }
  if (created.resourceServer) {
    const rs = created.resourceServer;
    if (!c?.resourceServers.includes(rs)) plan.gone.push({ kind: 'resourceServer', id: rs });
    else if (plan.deletePool) plan.withPool.push({ kind: 'resourceServer', id: rs });
    else {
      plan.resourceServer = rs;
      plan.steps.push({ action: 'delete', resource: `resource server ${rs} and its scopes (tokens for them can no longer be issued)`, awsCli: cli('DeleteResourceServer', { UserPoolId: poolId, Identifier: rs }) });
    }
  }
  // The domain: ours, or — when the pool goes — whatever domain the pool has (Cognito will not delete a pool that has one).
  const poolDomain = r.pool?.domain;
  if (plan.deletePool && poolDomain) plan.domain = poolDomain;
  else if (created.domain) {
    if (poolDomain === created.domain) plan.domain = created.domain;
    else plan.gone.push({ kind: 'domain', id: created.domain });
  }
  if (plan.domain) plan.steps.push({ action: 'delete', resource: `hosted-UI domain ${plan.domain} (its sign-in pages stop working)`, awsCli: cli('DeleteUserPoolDomain', { UserPoolId: poolId, Domain: plan.domain }) });

  // 6. The pool, last.
  if (plan.deletePool && poolId) {
    const diff = plan.withPool.map((x) => `- ${x.kind === 'client' ? `app client ${nameOf(r, x.id)}` : x.kind === 'resourceServer' ? `resource server ${x.id}` : `${x.kind} ${x.id}`} (goes with the pool)`);
    plan.steps.push({ action: 'delete', resource: `user pool ${r.pool?.name ? `${r.pool.name} (${poolId})` : poolId} and everything in it`, diff, awsCli: cli('DeleteUserPool', { UserPoolId: poolId }) });
  }
  return plan;
}

function nameOf(r: TeardownRead, id: string): string {
  const name = r.contents?.clients.find((x) => x.id === id)?.name ?? r.state.clients?.find((x) => x.clientId === id)?.name;
  return name ? `${name} (${id})` : id;
}

/** What the state knows and teardown keeps: adopted (or unknown) clients, domain, resource server, users, groups; every gateway itself. */
function listedKept(state: State, r: TeardownRead, plan: TeardownPlan, foreignClients: { id: string; name?: string }[]): TeardownItem[] {
  if (plan.deletePool) return r.gateways.filter((g) => g.got).map((g) => ({ kind: 'gateway', id: g.gatewayId, reason: gatewayKept(state, g.gatewayId) }));
  const kept: TeardownItem[] = [];
  const why = whyKept;
  const adoptedList = (k: 'clients' | 'users' | 'groups') => state.adopted?.[k] ?? [];
  const existing = new Set(r.contents?.clients.map((x) => x.id) ?? []);
  for (const cl of state.clients ?? []) {
    if (!isCreated(state, 'clients', cl.clientId) && (existing.has(cl.clientId) || !r.contents)) kept.push({ kind: 'client', id: `${cl.name} (${cl.clientId})`, reason: why(adoptedList('clients').includes(cl.clientId)) });
  }
  for (const fc of foreignClients) if (!(state.clients ?? []).some((x) => x.clientId === fc.id)) kept.push({ kind: 'client', id: fc.name ? `${fc.name} (${fc.id})` : fc.id, reason: 'not created by this tool' });
  for (const u of adoptedList('users')) kept.push({ kind: 'user', id: u, reason: why(true) });
  for (const g of adoptedList('groups')) kept.push({ kind: 'group', id: g, reason: why(true) });
  if (state.resourceServer && !isCreated(state, 'resourceServer', state.resourceServer.identifier)) kept.push({ kind: 'resourceServer', id: state.resourceServer.identifier, reason: why(state.adopted?.resourceServer === state.resourceServer.identifier) });
  if (state.domain && !isCreated(state, 'domain', state.domain) && r.pool?.domain === state.domain) kept.push({ kind: 'domain', id: state.domain, reason: why(state.adopted?.domain === state.domain) });
  for (const g of r.gateways) if (g.got) kept.push({ kind: 'gateway', id: g.gatewayId, reason: gatewayKept(state, g.gatewayId) });
  return kept;
}
