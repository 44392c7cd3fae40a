import { randomBytes } from 'node:crypto';
import { Command } from 'commander';
import { CliError, InputError } from '../lib/errors.js';
import { runAction, type Ctx } from '../lib/context.js';
import type { Output } from '../lib/output.js';
import { awsCliCommand, listDiff } from '../lib/plan.js';
import { DomainPrefix, PoolName, ResourceServerId, ResourceServerName, check, parseScopeSpec, type ScopeSpec } from '../lib/validate.js';
import { discoveryUrl, issuerUrl, jwksUrl, oauthEndpoints } from '../lib/urls.js';
import type { Holder } from '../cli.js';
import type { DomainDescriptionType } from '../aws/cognito.js';

export const DEFAULT_POOL_NAME = 'mcp-gateway';
export const DEFAULT_RESOURCE_SERVER = 'mcp';
export const DEFAULT_RESOURCE_SERVER_NAME = 'MCP Server Access';
export const DEFAULT_SCOPE = 'invoke=Invoke MCP server tools';

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

export function parseSeconds(raw: string | undefined, def: number, flag: string): number {
  if (raw === undefined) return def;
  const n = Number(raw);
  if (!Number.isInteger(n) || n < 0 || n > 86400) throw new InputError(`${flag} "${raw}" must be a whole number of seconds (0 to 86400).`);
  return n;
}

/** A valid prefix from a pool name: lowercase, reserved words removed, plus a short random suffix. */
export function suggestDomainPrefix(poolName: string, random = randomBytes(3).toString('hex')): string {
  let base = poolName
    .toLowerCase()
    .replace(/aws|amazon|cognito/g, '')
    .replace(/[^a-z0-9]+/g, '-')
    .replace(/^-+|-+$/g, '');
  base = base.slice(0, 63 - random.length - 1).replace(/-+$/, '') || 'mcp';
  const prefix = `${base}-${random}`;
  return DomainPrefix.safeParse(prefix).success ? prefix : `mcp-${random}`;
}

/** User pool + hosted-UI domain + resource server and scopes: create what is missing, adopt what exists. */
export async function initPool(input: InitPoolInput, ctx: Ctx): Promise<InitPoolResult> {
  // --pool-id, else the state file's pool unless --pool-name asks for another one.
  const poolId0 = input.poolId !== undefined || input.poolName === undefined ? (await ctx.poolId(input.poolId, { required: false })) || undefined : undefined;
  const region = await ctx.region();
  const cognito = await ctx.cognito();
  const created: string[] = [];
  const updated: string[] = [];

  // 1. The pool: adopt by ID, or the one pool with the name (every page), or create it.
  let poolId = poolId0;
  let poolName = input.poolName ?? DEFAULT_POOL_NAME;
  let existingDomain: string | undefined;
  if (poolId) {
    const pool = await cognito.describePool(poolId);
    poolName = pool.Name ?? poolName;
    existingDomain = pool.CustomDomain ?? pool.Domain;
    ctx.out.step(`Using user pool ${poolName} (${poolId})`);
  } else {
    const matches = (await cognito.listPools()).filter((p) => p.Name === poolName);
    if (matches.length > 1) {
      throw new CliError(`${matches.length} user pools are named "${poolName}" in ${region}: ${matches.map((p) => p.Id).join(', ')}.`, {
        code: 'CONFLICT',
        hint: 'Choose one with --pool-id.',
      });
    }
    if (matches[0]?.Id) {
      poolId = matches[0].Id;
      const pool = await cognito.describePool(poolId);
      existingDomain = pool.CustomDomain ?? pool.Domain;
      ctx.out.step(`Found user pool ${poolName} (${poolId})`);
    } else if (ctx.willCreate({ resource: `user pool "${poolName}"`, awsCli: awsCliCommand('cognito-idp', 'CreateUserPool', { PoolName: poolName, UsernameAttributes: ['email'] }, region) })) {
      // A prefix someone else holds would stop the run after the pool exists: find out first.
      if (input.domain) await assertDomainFree(ctx, input.domain);
      const pool = await cognito.createPool(poolName);
      poolId = pool.Id!;
      created.push('userPool');
      ctx.out.step(`Created user pool ${poolName} (${poolId})`);
    }
  }
  // The resource server is planned (and a scope update approved) before anything is created,
  // so that a run stopped for want of --yes (exit 2) or a declined confirmation changes nothing.
  const rsId = input.resourceServer;
  const servers = poolId ? await cognito.listResourceServers(poolId) : [];
  const existing = servers.find((s) => s.Identifier === rsId);
  const rsName = existing?.Name ?? input.resourceServerName;
  let scopeNames: string[];
  const wanted = input.scopes.map((s) => ({ ScopeName: s.name, ScopeDescription: s.description }));
  const have = existing?.Scopes ?? [];
  const missing = existing ? wanted.filter((w) => !have.some((h) => h.ScopeName === w.ScopeName)) : [];
  const full = [...have, ...missing];
  let approvedUpdate = false;
  if (missing.length) {
    const cli = awsCliCommand('cognito-idp', 'UpdateResourceServer', { UserPoolId: poolId, Identifier: rsId, Name: rsName, Scopes: full }, region);
    const diff = listDiff(have.map((s) => `${rsId}/${s.ScopeName}`), full.map((s) => `${rsId}/${s.ScopeName}`));
    approvedUpdate = await ctx.approve([{ action: 'update', resource: `resource server "${rsId}" scopes`, diff, awsCli: cli }], 'Add these scopes to the resource server?');
  }

  if (poolId && !ctx.dryRun) {
    // Another pool than the state file's: its clients (and domain, resource server) belong to
    // the old pool, and later commands would pair them with the new one.
    const previous = ctx.state.get().userPoolId;
    const switched = previous !== undefined && previous !== poolId;
    if (switched) ctx.out.warn(`The state file pointed at user pool ${previous}; it now records ${poolId} (the old pool's client entries were dropped from it).`);
    ctx.state.update({ region, userPoolId: poolId, ...(switched ? { clients: [], domain: undefined, resourceServer: undefined } : {}) });
  }

  // 2. The hosted-UI domain: a pool that has one keeps it.
  let domain = existingDomain;
  let managedLoginVersion: number | undefined;
  if (domain) {
    if (input.domain && input.domain !== domain) ctx.out.warn(`The pool already has the domain "${domain}"; keeping it (--domain ${input.domain} ignored).`);
    const desc = await cognito.describeDomain(domain);
    managedLoginVersion = desc?.ManagedLoginVersion;
    if (desc && desc.Status !== 'ACTIVE') await waitForDomain(ctx, domain, input.waitTimeoutSeconds);
  } else {
    domain = input.domain ?? suggestDomainPrefix(poolName);
    const version = input.managedLogin ? 2 : 1;
    const cli = awsCliCommand('cognito-idp', 'CreateUserPoolDomain', { UserPoolId: poolId ?? '<new pool id>', Domain: domain, ManagedLoginVersion: version }, region);
    if (ctx.willCreate({ resource: `hosted-UI domain "${domain}"`, awsCli: cli }) && poolId) {
      const mine = await assertDomainFree(ctx, domain, poolId);
      if (mine) {
        // Created by an earlier, interrupted run (DescribeUserPool may not show it yet): adopt it.
        managedLoginVersion = mine.ManagedLoginVersion;
        if (mine.Status !== 'ACTIVE') await waitForDomain(ctx, domain, input.waitTimeoutSeconds);
      } else {
        await cognito.createDomain(poolId, domain, version);
        created.push('domain');
        managedLoginVersion = version;
        await waitForDomain(ctx, domain, input.waitTimeoutSeconds);
      }
    }
  }
  if (poolId && !ctx.dryRun) ctx.state.update({ domain });

  // 3. The resource server and its scopes: create, or add the missing scopes (never remove one).
  if (!existing) {
    const cli = awsCliCommand('cognito-idp', 'CreateResourceServer', { UserPoolId: poolId ?? '<new pool id>', Identifier: rsId, Name: rsName, Scopes: wanted }, region);
    if (ctx.willCreate({ resource: `resource server "${rsId}" with scopes ${wanted.map((s) => `${rsId}/${s.ScopeName}`).join(', ')}`, awsCli: cli }) && poolId) {
      await cognito.createResourceServer(poolId, rsId, rsName, wanted);
      created.push('resourceServer');
      ctx.out.step(`Created resource server ${rsId} (${wanted.map((s) => `${rsId}/${s.ScopeName}`).join(', ')})`);
    }
    scopeNames = wanted.map((s) => s.ScopeName);
  } else {
    scopeNames = full.map((s) => s.ScopeName!);
    if (missing.length) {
      if (approvedUpdate) {
        // A person took time to confirm: plan against the scopes as they are now (never drop one added meanwhile).
        const now = ctx.approvalWasAsked ? ((await cognito.listResourceServers(poolId!, { fresh: true })).find((x) => x.Identifier === rsId)?.Scopes ?? have) : have;
        const send = [...now, ...wanted.filter((w) => !now.some((h) => h.ScopeName === w.ScopeName))];
        // UpdateResourceServer replaces the server: the full scope list and the name are sent.
        await cognito.updateResourceServer(poolId!, rsId, rsName, send);
        const after = (await cognito.listResourceServers(poolId!, { fresh: true })).find((x) => x.Identifier === rsId)?.Scopes ?? [];
        const lost = send.filter((w) => !after.some((h) => h.ScopeName === w.ScopeName));
        if (lost.length) {
          throw new CliError(`UpdateResourceServer was accepted, but resource server ${rsId} does not read back with ${lost.map((x) => `${rsId}/${x.ScopeName}`).join(', ')}.`, {
            code: 'CONFLICT',
            hint: 'Another change may have happened at the same time: check the resource server and run the command again.',
          });
        }
        scopeNames = after.map((x) => x.ScopeName!);
        updated.push('resourceServer');
        ctx.out.step(`Added ${missing.map((s) => `${rsId}/${s.ScopeName}`).join(', ')} to resource server ${rsId}`);
      } else {
        scopeNames = have.map((s) => s.ScopeName!);
      }
    } else {
      ctx.out.step(`Resource server ${rsId} has ${scopeNames.map((s) => `${rsId}/${s}`).join(', ')}`);
    }
  }
  if (poolId && !ctx.dryRun) ctx.state.update({ resourceServer: { identifier: rsId, scopes: scopeNames } });

  const endpoints = oauthEndpoints(domain, region);
  return {
    region,
    userPoolId: poolId,
    userPoolName: poolName,
    domain,
    hostedUiBaseUrl: endpoints.hostedUiBaseUrl,
    ...(poolId ? { issuer: issuerUrl(region, poolId), discoveryUrl: discoveryUrl(region, poolId), jwksUrl: jwksUrl(region, poolId) } : {}),
    authorizationUrl: endpoints.authorizationUrl,
    tokenUrl: endpoints.tokenUrl,
    ...(managedLoginVersion ? { managedLoginVersion } : {}),
    resourceServer: { identifier: rsId, name: rsName, scopes: scopeNames.map((s) => `${rsId}/${s}`) },
    created,
    updated,
  };
}

/**
 * A prefix that another pool holds is a CONFLICT (exit 1) before anything is created for it.
 * Returns the domain when `poolId` already holds it.
 */
async function assertDomainFree(ctx: Ctx, domain: string, poolId?: string): Promise<DomainDescriptionType | undefined> {
  const owner = await (await ctx.cognito()).describeDomain(domain);
  if (!owner) return undefined;
  if (poolId && owner.UserPoolId === poolId) return owner;
  throw new CliError(`The domain prefix "${domain}" is already taken${owner.UserPoolId ? ` by pool ${owner.UserPoolId}` : ''}.`, { code: 'CONFLICT', hint: 'Choose another prefix with --domain.' });
}

/** Poll DescribeUserPoolDomain until ACTIVE, bounded by the timeout, with a progress indicator. */
async function waitForDomain(ctx: Ctx, domain: string, timeoutSeconds: number): Promise<void> {
  const cognito = await ctx.cognito();
  const deadline = Date.now() + timeoutSeconds * 1000;
  const spin = ctx.out.spinner(`Waiting for domain ${domain} to become ACTIVE`);
  let delay = 1000;
  try {
    for (;;) {
      const d = await cognito.describeDomain(domain, { fresh: true });
      const status = d?.Status ?? 'CREATING';
      if (status === 'ACTIVE') {
        spin.stop(`Domain ${domain} is ACTIVE`);
        return;
      }
      if (status === 'FAILED') {
        spin.stop();
        throw new CliError(`The domain ${domain} failed to create (status FAILED).`, { code: 'AWS_ERROR', hint: 'Check the domain in the Cognito console, or delete it and run init-pool again with another --domain.' });
      }
      if (Date.now() + delay > deadline) {
        spin.stop();
        throw new CliError(`The domain ${domain} is still ${status} after ${timeoutSeconds}s.`, { code: 'TIMEOUT', hint: 'Run the same command again later; it resumes where it stopped. Or raise --wait-timeout.' });
      }
      spin.update(`Waiting for domain ${domain} to become ACTIVE (now ${status})`);
      await new Promise((r) => setTimeout(r, delay));
      delay = Math.min(delay * 2, 5000);
    }
  } catch (e) {
    spin.stop();
    throw e;
  }
}

export function renderInitPool(r: InitPoolResult, out: Output): string {
  const rows: [string, string][] = [
    ['Region', r.region],
    ['User pool', `${r.userPoolName}${r.userPoolId ? ` (${r.userPoolId})` : ''}`],
    ['Domain', r.domain],
    ['Issuer', r.issuer ?? '(after creation)'],
    ['Discovery URL', r.discoveryUrl ?? '(after creation)'],
    ['Authorization URL', r.authorizationUrl],
    ['Token URL', r.tokenUrl],
    ['Scopes', r.resourceServer.scopes.join(' ')],
  ];
  const planned = r.plan?.length ?? 0;
  const what = r.dryRun
    ? `dry run: ${planned ? `${planned} change${planned > 1 ? 's' : ''} planned (shown above)` : 'nothing to change'}; nothing was changed`
    : r.created.length || r.updated.length
      ? `created: ${r.created.join(', ') || 'nothing'}; updated: ${r.updated.join(', ') || 'nothing'}`
      : 'nothing to change';
  return `${out.table(rows)}\n\n${out.c.dim(what)}\nNext: ${out.c.cyan('mcp-cognito create-client --preset copilot-studio')}`;
}

export function initPoolCommand(holder: Holder): Command {
  return new Command('init-pool')
    .description('Create or adopt a Cognito user pool, its hosted-UI domain and a resource server with scopes. Idempotent: a second run creates nothing; missing scopes are added, none removed.')
    .option('--pool-name <name>', `user pool name to adopt or create (default "${DEFAULT_POOL_NAME}")`)
    .option('--pool-id <id>', 'adopt this existing user pool')
    .option('--domain <prefix>', 'hosted-UI domain prefix (default: from the pool name plus a random suffix)')
    .option('--resource-server <id>', 'resource server identifier', DEFAULT_RESOURCE_SERVER)
    .option('--resource-server-name <name>', 'resource server name', DEFAULT_RESOURCE_SERVER_NAME)
    .option('--scope <name[=description]>', 'scope (repeatable; default "invoke=Invoke MCP server tools")', (v: string, p: string[] = []) => [...p, v])
    .option('--managed-login', 'use managed login (version 2) for a new domain instead of the classic hosted UI')
    .option('--wait-timeout <seconds>', 'how long to wait for the domain to become ACTIVE', '120')
    .addHelpText('after', '\nExamples:\n  $ mcp-cognito init-pool\n  $ mcp-cognito init-pool --pool-name my-mcp --domain my-mcp-auth --scope invoke --scope admin="Admin tools"\n  $ mcp-cognito init-pool --pool-id us-east-1_AbC123xyz --dry-run')
    .action(
      runAction<InitPoolFlags, InitPoolResult>('init-pool', holder, async (flags, ctx) => {
        const input = parseInitPoolFlags(flags);
        return { result: await initPool(input, ctx), render: renderInitPool };
      }),
    );
}
