/**
 * Cognito user pools, domains, users and list paging as AWS behaves where moto does not. The app
 * client rules are in cognito-clients.ts, resource servers in cognito-resource-servers.ts.
 * "SDK-C" is node_modules/@aws-sdk/client-cognito-identity-provider/dist-types (v3.1169).
 */
import { AwsError } from './protocol';
import { answer, relay, type Ctx, type Rule } from './context';
import { page } from './paging';
import { clientRules } from './cognito-clients';
import { resourceServerRules } from './cognito-resource-servers';

const svc = 'cognito-idp' as const;
const err = (code: string, message: string) => AwsError.of(svc, code, message);
type Json = Record<string, unknown>;

async function describePool(ctx: Ctx, poolId: string): Promise<Json | undefined> {
  const { DescribeUserPoolCommand } = await import('@aws-sdk/client-cognito-identity-provider');
  try {
    return (await ctx.moto.cognito.send(new DescribeUserPoolCommand({ UserPoolId: poolId }))).UserPool as Json | undefined;
  } catch {
    return undefined;
  }
}

/** Reads every page of a moto list call (moto pages with its own tokens, 60 by default). */
async function readAll(ctx: Ctx, itemsKey: string, limitKey: string, tokenKey: string, base: Json): Promise<{ items: unknown[]; failed?: Awaited<ReturnType<Ctx['forward']>> }> {
  const items: unknown[] = [];
  let token: unknown;
  for (let i = 0; i < 1000; i++) {
    const a = await ctx.forward({ ...base, [limitKey]: 60, ...(token ? { [tokenKey]: token } : {}) });
    if (!a.ok) return { items, failed: a };
    items.push(...((a.json[itemsKey] as unknown[] | undefined) ?? []));
    token = a.json[tokenKey];
    if (!token) break;
  }
  return { items };
}

/**
 * A paged list: AWS returns at most the requested maximum and a token for the rest; the front
 * also caps pages at its small page size. Limits from botocore cognito-idp service-2.json:
 * ListUserPools MaxResults 1–60 and required (SDK-C models_0.d.ts ListUserPoolsRequest.MaxResults
 * is not optional); ListUserPoolClients 1–60; ListUsers Limit 0–60; ListGroups and
 * AdminListGroupsForUser Limit 0–60.
 */
function listRule(opts: { itemsKey: string; limitKey: string; tokenKey: string; max: number; required?: boolean; scope: (i: Json) => string; map?: (x: unknown) => unknown }): Rule {
  return async (ctx) => {
    const limit = ctx.input[opts.limitKey] as number | undefined;
    const field = opts.limitKey.charAt(0).toLowerCase() + opts.limitKey.slice(1);
    if (limit === undefined && opts.required) throw err('InvalidParameterException', `1 validation error detected: Value null at '${field}' failed to satisfy constraint: Member must not be null`);
    if (limit !== undefined && limit > opts.max) throw err('InvalidParameterException', `1 validation error detected: Value '${limit}' at '${field}' failed to satisfy constraint: Member must have value less than or equal to ${opts.max}`);
    const { [opts.limitKey]: _l, [opts.tokenKey]: token, ...base } = ctx.input;
    const all = await readAll(ctx, opts.itemsKey, opts.limitKey, opts.tokenKey, base);
    if (all.failed) return relay(ctx, all.failed);
    const items = opts.map ? all.items.map(opts.map) : all.items;
    const p = page(svc, `${ctx.op.name}/${opts.scope(ctx.input)}`, items, limit === 0 ? undefined : limit, token as string | undefined, ctx.settings.pageSize);
    return answer(ctx, 200, { [opts.itemsKey]: p.items, ...(p.next ? { [opts.tokenKey]: p.next } : {}) });
  };
}

// ── Domains ───────────────────────────────────────────────────────────────────────────────
/** Prefix domains may not contain these (AWS devguide cognito-user-pools-assign-domain-prefix.html). */
const RESERVED = ['aws', 'amazon', 'cognito'];
const PREFIX = /^[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?$/;

/**
 * CreateUserPoolDomain as AWS checks it (moto accepts any string, overwrites another pool's domain
 * and gives a pool a second domain):
 * - InvalidParameterException "Domain cannot contain reserved word: aws" (aws, amazon, cognito)
 *   [github.com/aws-solutions/content-analysis-on-aws/issues/8, CloudTrail errorMessage; devguide
 *   cognito-user-pools-assign-domain-prefix.html].
 * - InvalidParameterException for a prefix outside `^[a-z0-9](?:[a-z0-9\-]{0,61}[a-z0-9])?$`
 *   [docs.aws.amazon.com/cognito-user-identity-pools/latest/APIReference/API_CreateUserPoolDomain.html;
 *   message from github.com/mineiros-io/terraform-aws-cognito-user-pool/issues/69].
 * - InvalidParameterException "Domain already associated with another user pool." for a taken prefix
 *   [github.com/aws-samples/aws-cdk-examples/issues/402] and "User pool already has a domain
 *   configured." for a pool that has one [aws-semantics.md §3.1 ERRSTR-DOMAIN].
 * - ManagedLoginVersion (1 classic hosted UI, 2 managed login; SDK-C models_0.d.ts
 *   CreateUserPoolDomainRequest) is kept and returned by Create/Describe (moto drops it); 2 needs a
 *   feature plan other than Lite (same doc): FeatureUnavailableInTierException. An omitted version is
 *   recorded as 1 (UNCONFIRMED default).
 */
const createDomain: Rule = async (ctx) => {
  const domain = String(ctx.input.Domain ?? '');
  const poolId = String(ctx.input.UserPoolId ?? '');
  const custom = ctx.input.CustomDomainConfig !== undefined;
  if (!custom) {
    const word = RESERVED.find((w) => domain.includes(w));
    if (word) throw err('InvalidParameterException', `Domain cannot contain reserved word: ${word}`);
    if (!PREFIX.test(domain)) {
      throw err('InvalidParameterException', 'The domain name contains an invalid character. Domain names can only contain lower-case letters, numbers, and hyphens. Please enter a different name that follows this format: ^[a-z0-9](?:[a-z0-9\\-]{0,61}[a-z0-9])?$');
    }
  }
  const pool = await describePool(ctx, poolId);
  if (!pool) return relay(ctx, await ctx.forward()); // moto's ResourceNotFoundException
  const { DescribeUserPoolDomainCommand } = await import('@aws-sdk/client-cognito-identity-provider');
  const taken = (await ctx.moto.cognito.send(new DescribeUserPoolDomainCommand({ Domain: domain }))).DomainDescription;
  if (taken?.UserPoolId) throw err('InvalidParameterException', taken.UserPoolId === poolId ? 'Domain already exists.' : 'Domain already associated with another user pool.');
  if (!custom && pool.Domain) throw err('InvalidParameterException', 'User pool already has a domain configured.');
  const version = typeof ctx.input.ManagedLoginVersion === 'number' ? ctx.input.ManagedLoginVersion : 1;
  if (version === 2 && pool.UserPoolTier === 'LITE') throw err('FeatureUnavailableInTierException', 'Managed login is not available in the Lite feature plan.');
  const { ManagedLoginVersion: _v, ...rest } = ctx.input;
  const a = await ctx.forward(rest);
  if (!a.ok) return relay(ctx, a);
  ctx.state.domainVersions.set(domain, version);
  const cloudFront = custom ? { CloudFrontDomain: a.json.CloudFrontDomain } : {};
  return relay(ctx, a, { ManagedLoginVersion: version, ...cloudFront });
};

const describeDomain: Rule = async (ctx) => {
  const a = await ctx.forward();
  if (!a.ok) return relay(ctx, a);
  const d = (a.json.DomainDescription ?? {}) as Json;
  const version = ctx.state.domainVersions.get(String(ctx.input.Domain ?? ''));
  if (!d.UserPoolId) return relay(ctx, a, { DomainDescription: {} });
  // moto invents an AWSAccountId UUID and a CloudFrontDistribution for prefix domains; AWS returns
  // CloudFrontDistribution for custom domains only (SDK-C models_0.d.ts DomainDescriptionType).
  return relay(ctx, a, { DomainDescription: { ...d, ...(version !== undefined ? { ManagedLoginVersion: version } : {}) } });
};

/** UpdateUserPoolDomain: sets ManagedLoginVersion (moto only knows CustomDomainConfig). */
const updateDomain: Rule = async (ctx) => {
  const domain = String(ctx.input.Domain ?? '');
  const { DescribeUserPoolDomainCommand } = await import('@aws-sdk/client-cognito-identity-provider');
  const d = (await ctx.moto.cognito.send(new DescribeUserPoolDomainCommand({ Domain: domain }))).DomainDescription;
  if (!d?.UserPoolId || d.UserPoolId !== ctx.input.UserPoolId) throw err('ResourceNotFoundException', `Domain ${domain} does not exist in user pool ${String(ctx.input.UserPoolId)}.`);
  const version = typeof ctx.input.ManagedLoginVersion === 'number' ? ctx.input.ManagedLoginVersion : (ctx.state.domainVersions.get(domain) ?? 1);
  if (ctx.input.CustomDomainConfig !== undefined) {
    const a = await ctx.forward({ Domain: domain, UserPoolId: ctx.input.UserPoolId, CustomDomainConfig: ctx.input.CustomDomainConfig });
    if (!a.ok) return relay(ctx, a);
  }
  ctx.state.domainVersions.set(domain, version);
  return answer(ctx, 200, { ManagedLoginVersion: version });
};

const deleteDomain: Rule = async (ctx) => {
  const a = await ctx.forward();
  if (a.ok) ctx.state.domainVersions.delete(String(ctx.input.Domain ?? ''));
  return relay(ctx, a);
};

// ── Users ─────────────────────────────────────────────────────────────────────────────────
const EMAIL = /^[^\s@]+@[^\s@]+$/;

/**
 * AdminCreateUser on a pool with AliasAttributes containing `email`: an e-mail-shaped Username is
 * rejected, InvalidParameterException "Username cannot be of email format, since user pool is
 * configured for email alias." [github.com/aws-amplify/amplify-js/issues/8800,
 * github.com/aws-amplify/amplify-cli/issues/8159]. moto accepts it. (UsernameAttributes pools:
 * moto already generates the username as AWS does.)
 */
const adminCreateUser: Rule = async (ctx) => {
  const username = String(ctx.input.Username ?? '');
  if (EMAIL.test(username)) {
    const pool = await describePool(ctx, String(ctx.input.UserPoolId ?? ''));
    const aliases = (pool?.AliasAttributes as string[] | undefined) ?? [];
    if (aliases.includes('email')) throw err('InvalidParameterException', 'Username cannot be of email format, since user pool is configured for email alias.');
  }
  return relay(ctx, await ctx.forward());
};

/**
 * DeleteUserPool of a pool that still has a domain: InvalidParameterException "User pool cannot be
 * deleted. It has a domain configured that should be deleted first."
 * [github.com/hashicorp/terraform-provider-aws/issues/16479, github.com/rebuy-de/aws-nuke/issues/330];
 * moto deletes it. Deleted, the front forgets what it kept for the pool.
 */
const deletePool: Rule = async (ctx) => {
  const existing = await describePool(ctx, String(ctx.input.UserPoolId ?? ''));
  // Rule 29: deletion protection (moto neither keeps nor honours DeletionProtection). "When you
  // configure a user pool with deletion protection, the pool cannot be deleted by any user …
  // Deletion protection prevents you from requesting the deletion of a user pool unless you first
  // modify the pool and deactivate deletion protection." — AWS What's New 2022-10 (quoted in
  // github.com/hashicorp/terraform-provider-aws/issues/27435); devguide user-pool-settings-deletion-protection.html.
  // Message: github.com/localstack/localstack/issues/11947.
  if (existing && ctx.state.deletionProtection.get(String(ctx.input.UserPoolId)) === 'ACTIVE') {
    throw err('InvalidParameterException', 'The user pool cannot be deleted because deletion protection is activated. Deletion protection must be inactivated first.');
  }
  if (existing?.Domain || existing?.CustomDomain) throw err('InvalidParameterException', 'User pool cannot be deleted. It has a domain configured that should be deleted first.');
  const a = await ctx.forward();
  if (a.ok) {
    const poolId = String(ctx.input.UserPoolId ?? '');
    for (const m of [ctx.state.secrets, ctx.state.clientCreated, ctx.state.resourceServers]) for (const k of [...m.keys()]) if (k.startsWith(`${poolId}/`)) m.delete(k);
    for (const [id, b] of ctx.state.brandings) if (b.UserPoolId === poolId) ctx.state.brandings.delete(id);
  }
  return relay(ctx, a);
};

const pool = (i: Json) => String(i.UserPoolId ?? '');

/**
 * Rule 29 (kept by the front): DeletionProtection ACTIVE/INACTIVE, set by CreateUserPool and
 * UpdateUserPool (an omitted value is INACTIVE, the API default: SDK-C models_0.d.ts
 * CreateUserPoolRequest.DeletionProtection "When active, DeletionProtection prevents accidental
 * deletion of your user pool"; UpdateUserPool sets omitted attributes to their defaults), returned by
 * DescribeUserPool.
 */
const createPool: Rule = async (ctx) => {
  const a = await ctx.forward();
  const id = (a.json.UserPool as Json | undefined)?.Id;
  if (!a.ok || typeof id !== 'string') return relay(ctx, a);
  const dp = ctx.input.DeletionProtection === 'ACTIVE' ? 'ACTIVE' : 'INACTIVE';
  ctx.state.deletionProtection.set(id, dp);
  return relay(ctx, a, { ...a.json, UserPool: { ...(a.json.UserPool as Json), DeletionProtection: dp } });
};

const updatePool: Rule = async (ctx) => {
  const a = await ctx.forward();
  if (a.ok) ctx.state.deletionProtection.set(pool(ctx.input), ctx.input.DeletionProtection === 'ACTIVE' ? 'ACTIVE' : 'INACTIVE');
  return relay(ctx, a);
};

const describePoolRule: Rule = async (ctx) => {
  const a = await ctx.forward();
  if (!a.ok || !a.json.UserPool) return relay(ctx, a);
  return relay(ctx, a, { ...a.json, UserPool: { ...(a.json.UserPool as Json), DeletionProtection: ctx.state.deletionProtection.get(pool(ctx.input)) ?? 'INACTIVE' } });
};

export const cognitoRules: Record<string, Rule> = {
  ...clientRules,
  ...resourceServerRules,
  CreateUserPoolDomain: createDomain,
  DescribeUserPoolDomain: describeDomain,
  UpdateUserPoolDomain: updateDomain,
  DeleteUserPoolDomain: deleteDomain,
  AdminCreateUser: adminCreateUser,
  DeleteUserPool: deletePool,
  CreateUserPool: createPool,
  UpdateUserPool: updatePool,
  DescribeUserPool: describePoolRule,
  ListUserPools: listRule({ itemsKey: 'UserPools', limitKey: 'MaxResults', tokenKey: 'NextToken', max: 60, required: true, scope: () => '' }),
  ListUserPoolClients: listRule({ itemsKey: 'UserPoolClients', limitKey: 'MaxResults', tokenKey: 'NextToken', max: 60, scope: pool }),
  ListUsers: listRule({ itemsKey: 'Users', limitKey: 'Limit', tokenKey: 'PaginationToken', max: 60, scope: (i) => `${pool(i)}/${String(i.Filter ?? '')}` }),
  ListGroups: listRule({ itemsKey: 'Groups', limitKey: 'Limit', tokenKey: 'NextToken', max: 60, scope: pool }),
  AdminListGroupsForUser: listRule({ itemsKey: 'Groups', limitKey: 'Limit', tokenKey: 'NextToken', max: 60, scope: (i) => `${pool(i)}/${String(i.Username ?? '')}` }),
};
