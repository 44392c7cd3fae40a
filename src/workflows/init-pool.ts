/** init-pool's work (also the first part of init): the pool, its domain, the resource server and scopes. */
import { InputError } from '../lib/errors.js';
import type { Ctx } from '../lib/context.js';
import type { PlanStep, Prepared } from '../lib/plan.js';
import { parseSeconds } from '../lib/seconds.js';
import { applyPool, planPool, readPool, type PoolRead } from '../steps/pool/create.js';
import { applyDomain, planDomain, readDomain, suggestDomainPrefix, type DomainRead } from '../steps/pool/domain.js';
import { applyScopes, planScopes, type ScopesPlan } from '../steps/resource-server/scopes.js';
import { DomainPrefix, PoolName, ResourceServerId, ResourceServerName, check, parseScopeSpec, type ScopeSpec } from '../lib/validate.js';
import { discoveryUrl, issuerUrl, jwksUrl, oauthEndpoints } from '../lib/urls.js';
import { withOrigin } from '../lib/ownership.js';

import { DEFAULT_POOL_NAME, DEFAULT_RESOURCE_SERVER, DEFAULT_RESOURCE_SERVER_NAME, DEFAULT_SCOPE } from '../domain/oauth.js';

export { DEFAULT_POOL_NAME, DEFAULT_RESOURCE_SERVER, DEFAULT_RESOURCE_SERVER_NAME, DEFAULT_SCOPE, suggestDomainPrefix };

export interface InitPoolInput {
  poolName?: string;
  poolId?: string;
  domain?: string;
  resourceServer: string;
  resourceServerName: string;
  scopes: ScopeSpec[];
  waitTimeoutSeconds: number;
  managedLogin: boolean;
}

export interface InitPoolResult {
  region: string;
  userPoolId?: string;
  userPoolName: string;
  domain: string;
  hostedUiBaseUrl: string;
  issuer?: string;
  discoveryUrl?: string;
  jwksUrl?: string;
  authorizationUrl: string;
  tokenUrl: string;
  managedLoginVersion?: number;
  resourceServer: { identifier: string; name: string; scopes: string[] };
  created: string[];
  updated: string[];
  /** Set by runAction under --dry-run. */
  dryRun?: boolean;
  plan?: unknown[];
}

export interface InitPoolFlags {
  poolName?: string;
  poolId?: string;
  domain?: string;
  resourceServer?: string;
  resourceServerName?: string;
  scope?: string[];
  waitTimeout?: string;
  managedLogin?: boolean;
}

/** Validate every flag before anything reaches AWS (exit 2 on the first bad value). */
export function parseInitPoolFlags(f: InitPoolFlags): InitPoolInput {
  const scopes = (f.scope?.length ? f.scope : [DEFAULT_SCOPE]).map((s) => parseScopeSpec(s));
  const names = scopes.map((s) => s.name);
  const dup = names.find((n, i) => names.indexOf(n) !== i);
  if (dup) throw new InputError(`--scope "${dup}" is given twice.`);
  return {
    poolName: f.poolName === undefined ? undefined : check(PoolName, f.poolName, '--pool-name'),
    poolId: f.poolId,
    domain: f.domain === undefined ? undefined : check(DomainPrefix, f.domain, '--domain'),
    resourceServer: check(ResourceServerId, f.resourceServer ?? DEFAULT_RESOURCE_SERVER, '--resource-server'),
    resourceServerName: check(ResourceServerName, f.resourceServerName ?? DEFAULT_RESOURCE_SERVER_NAME, '--resource-server-name'),
    scopes,
    waitTimeoutSeconds: parseSeconds(f.waitTimeout, 120, '--wait-timeout'),
    managedLogin: Boolean(f.managedLogin),
  };
}

/**
 * User pool + hosted-UI domain + resource server and scopes: read, and plan to create what is
 * missing and adopt what exists (init-pool, and init's first part).
 */
export async function prepareInitPool(input: InitPoolInput, ctx: Ctx): Promise<Prepared<InitPoolResult>> {
  // --pool-id, else the state file's pool unless --pool-name asks for another one.
  const poolId0 = input.poolId !== undefined || input.poolName === undefined ? (await ctx.poolId(input.poolId, { required: false })) || undefined : undefined;
  const region = await ctx.region();
  const cognito = await ctx.cognito();

  // Read: the pool (by ID, or the one with the name), its domain (or who holds the prefix), its resource servers.
  const pool = await readPool(cognito, { poolId: poolId0, poolName: input.poolName ?? DEFAULT_POOL_NAME }, region);
  const existingDomain = pool.pool?.CustomDomain ?? pool.pool?.Domain;
  const domain = await readDomain(cognito, { existing: existingDomain, wanted: existingDomain ?? input.domain ?? suggestDomainPrefix(pool.name), poolId: pool.poolId });
  const servers = pool.poolId ? await cognito.listResourceServers(pool.poolId) : [];

  // Plan, then one approval: a run stopped for want of --yes (exit 2) or a declined confirmation changes nothing.
  const scopes = planScopes(servers, { poolId: pool.poolId, identifier: input.resourceServer, name: input.resourceServerName, scopes: input.scopes }, region);
  const steps = [planPool(pool, region), planDomain(domain, { poolId: pool.poolId, managedLogin: input.managedLogin }, region), scopes.step].filter((x): x is PlanStep => Boolean(x));
  const endpoints = oauthEndpoints(domain.domain, region);
  const result = (poolId: string | undefined, o: { scopeNames: string[]; managedLoginVersion?: number; created: string[]; updated: string[] }): InitPoolResult => ({
    region,
    userPoolId: poolId,
    userPoolName: pool.name,
    domain: domain.domain,
    hostedUiBaseUrl: endpoints.hostedUiBaseUrl,
    ...(poolId ? { issuer: issuerUrl(region, poolId), discoveryUrl: discoveryUrl(region, poolId), jwksUrl: jwksUrl(region, poolId) } : {}),
    authorizationUrl: endpoints.authorizationUrl,
    tokenUrl: endpoints.tokenUrl,
    ...(o.managedLoginVersion ? { managedLoginVersion: o.managedLoginVersion } : {}),
    resourceServer: { identifier: scopes.identifier, name: scopes.name, scopes: o.scopeNames.map((s) => `${scopes.identifier}/${s}`) },
    created: o.created,
    updated: o.updated,
  });
  const have = scopes.existing ? (scopes.existing.Scopes ?? []).map((s) => s.ScopeName!) : scopes.scopeNames;
  return {
    steps,
    question: 'Add these scopes to the resource server?',
    preview: () => result(pool.poolId, { scopeNames: have, managedLoginVersion: domain.description?.ManagedLoginVersion, created: [], updated: [] }),
    apply: () => applyInitPool(ctx, { pool, domain, scopes, input, region }, result),
  };
}

async function applyInitPool(
  ctx: Ctx,
  p: { pool: PoolRead; domain: DomainRead; scopes: ScopesPlan; input: InitPoolInput; region: string },
  result: (poolId: string, o: { scopeNames: string[]; managedLoginVersion?: number; created: string[]; updated: string[] }) => InitPoolResult,
): Promise<InitPoolResult> {
  const cognito = await ctx.cognito();
  const created: string[] = [];
  const updated: string[] = [];
  // 1. The pool.
  const { poolId, created: poolCreated } = await applyPool(cognito, p.pool, ctx.out);
  if (poolCreated) created.push('userPool');
  // Another pool than the state file's: its clients (and domain, resource server) belong to
  // the old pool, and later commands would pair them with the new one.
  const previous = ctx.state.get().userPoolId;
  const switched = previous !== undefined && previous !== poolId;
  if (switched) ctx.out.warn(`The state file pointed at user pool ${previous}; it now records ${poolId} (the old pool's client entries, and what it recorded as created there, were dropped from it).`);
  ctx.state.update({ region: p.region, userPoolId: poolId, ...(switched ? { clients: [], domain: undefined, resourceServer: undefined, created: undefined, adopted: undefined } : {}) });
  ctx.state.change((s) => withOrigin(s, poolCreated ? 'created' : 'adopted', 'userPool', poolId, p.pool.name));

  // 2. The hosted-UI domain: a pool that has one keeps it.
  if (p.domain.existing && p.input.domain && p.input.domain !== p.domain.domain) ctx.out.warn(`The pool already has the domain "${p.domain.domain}"; keeping it (--domain ${p.input.domain} ignored).`);
  const d = await applyDomain(cognito, poolId, p.domain, { managedLogin: p.input.managedLogin, waitTimeoutSeconds: p.input.waitTimeoutSeconds }, ctx.out);
  if (d.created) created.push('domain');
  ctx.state.update({ domain: p.domain.domain });
  ctx.state.change((s) => withOrigin(s, d.created ? 'created' : 'adopted', 'domain', p.domain.domain));

  // 3. The resource server and its scopes: create, or add the missing scopes (never remove one).
  const rs = await applyScopes(cognito, poolId, p.scopes, ctx.out);
  if (rs.created) created.push('resourceServer');
  if (rs.updated) updated.push('resourceServer');
  ctx.state.update({ resourceServer: { identifier: p.scopes.identifier, scopes: rs.scopeNames } });
  ctx.state.change((s) => withOrigin(s, rs.created ? 'created' : 'adopted', 'resourceServer', p.scopes.identifier));
  return result(poolId, { scopeNames: rs.scopeNames, managedLoginVersion: d.managedLoginVersion, created, updated });
}

