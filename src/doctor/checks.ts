/**
 * Configuration checks: read the pool, domain, resource servers, clients, users, the gateway and
 * its targets (each resource once per run), and cross-check them. Every check returns
 * pass/warn/fail/skip with the values it compared and, where one exists, a runnable fix.
 * A check that cannot run (permission, emulator gap) becomes a skip; none can crash doctor.
 *
 * Only SDK *types* come from src/aws here; the SDK loads when ctx.cognito()/agentcore() is called.
 */
import type { Ctx } from '../lib/context.js';
import type { Preset } from '../domain/presets.js';
import { awsCliCommand } from '../lib/plan.js';
import { describeNearMiss, discoveryUrl as cognitoDiscoveryUrl, hostedUiBaseUrl, nearMisses, parseCognitoDiscoveryUrl } from '../lib/urls.js';
import { LOOPBACK_HOSTS } from '../lib/validate.js';
import { toUpdateGatewayRequest, toUpdateUserPoolClientRequest, type GatewayPatch, type UserPoolClientPatch } from '../aws/rmw.js';
import type { CognitoApi, DomainDescriptionType, ResourceServerType, UserPoolClientType, UserPoolType } from '../aws/cognito.js';
import type { AgentCoreApi, GetGatewayResponse, GetGatewayTargetResponse, GetOauth2CredentialProviderResponse } from '../aws/agentcore.js';
import type { Check, CheckStatus } from './types.js';
import { COPILOT_STUDIO_MCP_VERSION as COPILOT_PROTOCOL_VERSION, PLACEHOLDER_CALLBACKS as PLACEHOLDERS, isOidcScope as isOidc } from '../domain/oauth.js';

/** A client to examine; the preset comes from the state file when the project created it. */
export interface ClientRef {
  clientId: string;
  preset?: Preset;
}

export type ClientKind = Preset | 'interactive';

/** Everything the checks look at, read lazily and at most once per run. */
export class Reads {
  private readonly memo = new Map<string, Promise<unknown>>();
  constructor(
    private readonly ctx: Ctx,
    /** Settable once, before any pool read: doctor may learn the pool from the gateway. */
    public poolId: string | undefined,
    readonly gatewayId: string | undefined,
  ) {}

  private once<T>(key: string, fn: () => Promise<T>): Promise<T> {
    let p = this.memo.get(key) as Promise<T> | undefined;
    if (!p) {
      p = fn();
      // Rejections are handled by whoever awaits; keep Node from reporting them as unhandled.
      p.catch(() => undefined);
      this.memo.set(key, p);
    }
    return p;
  }

  cognito(): Promise<CognitoApi> {
    return this.ctx.cognito();
  }
  agentcore(): Promise<AgentCoreApi> {
    return this.ctx.agentcore();
  }
  private needPool(): string {
    if (!this.poolId) throw new Skip('no user pool to examine (pass --pool-id)');
    return this.poolId;
  }
  private needGateway(): string {
    if (!this.gatewayId) throw new Skip('no gateway to examine: pass --gateway-id (or run authorize-client so the state file knows it)');
    return this.gatewayId;
  }

  pool(): Promise<UserPoolType> {
    return this.once('pool', async () => (await this.cognito()).describePool(this.needPool()));
  }
  /** The pool's domains with their descriptions (undefined description: not found). */
  domains(): Promise<{ domain: string; custom: boolean; desc?: DomainDescriptionType }[]> {
    return this.once('domains', async () => {
      const pool = await this.pool();
      const names = [...(pool.CustomDomain ? [{ domain: pool.CustomDomain, custom: true }] : []), ...(pool.Domain ? [{ domain: pool.Domain, custom: false }] : [])];
      const cognito = await this.cognito();
      return Promise.all(names.map(async (d) => ({ ...d, desc: await cognito.describeDomain(d.domain) })));
    });
  }
  resourceServers(): Promise<ResourceServerType[]> {
    return this.once('rs', async () => (await this.cognito()).listResourceServers(this.needPool()));
  }
  client(clientId: string): Promise<UserPoolClientType> {
    return this.once(`client ${clientId}`, async () => (await this.cognito()).describeClient(this.needPool(), clientId));
  }
  clientList(): Promise<{ ClientId?: string; ClientName?: string }[]> {
    return this.once('clients', async () => (await this.cognito()).listClients(this.needPool()));
  }
  forceChangeUsers() {
    return this.once('users', async () => (await this.cognito()).listUsers(this.needPool(), 'cognito:user_status = "FORCE_CHANGE_PASSWORD"'));
  }
  branding(clientId: string): Promise<boolean> {
    return this.once(`branding ${clientId}`, async () => (await this.cognito()).hasManagedLoginBranding(this.needPool(), clientId));
  }
  gateway(): Promise<GetGatewayResponse> {
    return this.once('gateway', async () => (await this.agentcore()).getGateway(this.needGateway()));
  }
  targets(): Promise<GetGatewayTargetResponse[]> {
    return this.once('targets', async () => {
      const gw = this.needGateway();
      const ac = await this.agentcore();
      const list = await ac.listGatewayTargets(gw);
      return Promise.all(list.map((t) => ac.getGatewayTarget(gw, t.targetId!)));
    });
  }
  credentialProvider(name: string): Promise<GetOauth2CredentialProviderResponse> {
    return this.once(`cp ${name}`, async () => (await this.agentcore()).getOauth2CredentialProvider(name));
  }
}

/** Thrown inside a check: it cannot run, for this reason. */
export class Skip extends Error {}

export interface CheckEnv {
  ctx: Ctx;
  reads: Reads;
  region: string;
  poolId?: string;
  clients: ClientRef[];
  gatewayId?: string;
  redirectUri?: string;
  /** Why there is no client to examine (listing the pool's clients), when there is none. */
  noClientReason?: string;
}

export const mk = (id: string, status: CheckStatus, title: string, detail: string, fix?: string): Check => ({ id, status, title, detail, ...(fix ? { fix } : {}) });
const list = (v: readonly string[] | undefined) => (v && v.length ? v.join(', ') : '(none)');
const q = (s: string) => (/^[\w@%+=:,./-]+$/.test(s) ? s : `'${s.replace(/'/g, `'\\''`)}'`);

/** Why a check could not run, from what went wrong. */
export function skipReason(e: unknown): string {
  if (e instanceof Skip) return e.message;
  const err = e as { code?: string; message?: string };
  const msg = (err?.message ?? String(e)).split('\n')[0]!;
  if (/Deserialization error|not valid JSON|not (yet )?implemented|UnknownOperation|NotImplemented/i.test(msg) || /Deserialization error/i.test(err?.message ?? '')) {
    const op = /^(\w+) failed/.exec(msg)?.[1];
    return `${op ?? 'The call'} is not available from this endpoint (an emulator that does not implement it?)`;
  }
  if (err?.code === 'ACCESS_DENIED') return msg;
  return `could not read what it needs: ${msg}`;
}

/** The client's kind: the state file's preset, or inferred from its flows. */
export function kindOf(c: UserPoolClientType, ref: ClientRef): ClientKind {
  if (ref.preset) return ref.preset;
  const flows = c.AllowedOAuthFlows ?? [];
  return flows.includes('client_credentials') && !flows.includes('code') ? 'm2m' : 'interactive';
}
const interactive = (k: ClientKind) => k !== 'm2m';
const clientLabel = (c: UserPoolClientType) => `${c.ClientName ?? '?'} (${c.ClientId})`;

export function updateClientFix(c: UserPoolClientType, patch: UserPoolClientPatch, region: string): string {
  return awsCliCommand('cognito-idp', 'UpdateUserPoolClient', toUpdateUserPoolClientRequest(c, patch) as unknown as Record<string, unknown>, region);
}
export function updateGatewayFix(gw: GetGatewayResponse, patch: GatewayPatch, region: string): string {
  return awsCliCommand('bedrock-agentcore-control', 'UpdateGateway', toUpdateGatewayRequest(gw, patch) as unknown as Record<string, unknown>, region);
}
function jwtOf(gw: GetGatewayResponse) {
  return gw.authorizerConfiguration && 'customJWTAuthorizer' in gw.authorizerConfiguration ? gw.authorizerConfiguration.customJWTAuthorizer : undefined;
}
function withJwt(gw: GetGatewayResponse, change: (j: Record<string, unknown>) => void): GatewayPatch {
  const j = { ...(jwtOf(gw) ?? {}) } as Record<string, unknown>;
  change(j);
  for (const k of Object.keys(j)) if (j[k] === undefined || (Array.isArray(j[k]) && (j[k] as unknown[]).length === 0)) delete j[k];
  return { authorizerConfiguration: { customJWTAuthorizer: j } } as unknown as GatewayPatch;
}
const authorizeFix = (env: CheckEnv, clientId: string) => `mcp-cognito authorize-client --gateway-id ${env.gatewayId} --client-id ${clientId}`;

/**
 * The examined clients `--redirect-uri` belongs to: the ones that register it exactly; else the
 * Copilot Studio ones; else every browser client. The others are not checked against it.
 */
export async function redirectTargets(env: CheckEnv): Promise<string[]> {
  const all = await Promise.all(env.clients.map(async (ref) => ({ ref, c: await env.reads.client(ref.clientId).catch(() => undefined) })));
  const browser = all.filter((x) => x.c && interactive(kindOf(x.c, x.ref)));
  const exact = browser.filter((x) => (x.c!.CallbackURLs ?? []).includes(env.redirectUri ?? ''));
  if (exact.length) return exact.map((x) => x.ref.clientId);
  const copilot = browser.filter((x) => x.ref.preset === 'copilot-studio');
  return (copilot.length ? copilot : browser).map((x) => x.ref.clientId);
}

// ── check definitions ─────────────────────────────────────────────────────────────

type Run = (env: CheckEnv, ref?: ClientRef) => Promise<Check | Check[]>;
interface Def {
  id: string;
  title: string;
  perClient?: boolean;
  run: Run;
}

const POOL_CHECKS: Def[] = [
  {
    id: 'pool.exists',
    title: 'User pool exists',
    async run(env) {
      try {
        const p = await env.reads.pool();
        return mk('pool.exists', 'pass', 'User pool exists', `${p.Name} (${p.Id}) in ${env.region}`);
      } catch (e) {
        if ((e as { code?: string }).code === 'NOT_FOUND') {
          return mk('pool.exists', 'fail', 'User pool exists', `DescribeUserPool found no pool ${env.poolId} in ${env.region}.`, `aws cognito-idp list-user-pools --max-results 60 --region ${env.region}`);
        }
        throw e;
      }
    },
  },
  {
    id: 'pool.domain',
    title: 'Hosted-UI domain configured',
    async run(env) {
      const p = await env.reads.pool();
      const d = p.CustomDomain ?? p.Domain;
      if (!d) {
        return mk('pool.domain', 'fail', 'Hosted-UI domain configured', `User pool ${p.Id} has no domain (UserPool.Domain and CustomDomain are empty), so there is no /oauth2/authorize or /oauth2/token (A4).`, `mcp-cognito init-pool --pool-id ${p.Id}`);
      }
      return mk('pool.domain', 'pass', 'Hosted-UI domain configured', [p.Domain && `prefix domain ${p.Domain} → ${hostedUiBaseUrl(p.Domain, env.region)}`, p.CustomDomain && `custom domain ${p.CustomDomain}`].filter(Boolean).join('; '));
    },
  },
  {
    id: 'domain.status',
    title: 'Domain is ACTIVE and belongs to the pool',
    async run(env) {
      const title = 'Domain is ACTIVE and belongs to the pool';
      const domains = await env.reads.domains();
      if (!domains.length) return mk('domain.status', 'skip', title, 'The pool has no domain (see pool.domain).');
      const problems: { status: CheckStatus; text: string }[] = [];
      const seen: string[] = [];
      for (const { domain, desc } of domains) {
        if (!desc) problems.push({ status: 'fail', text: `DescribeUserPoolDomain finds no domain "${domain}" although the pool names it` });
        else if (desc.UserPoolId && desc.UserPoolId !== env.poolId) problems.push({ status: 'fail', text: `domain ${domain} belongs to pool ${desc.UserPoolId}, not ${env.poolId}` });
        else if (desc.Status === 'FAILED') problems.push({ status: 'fail', text: `domain ${domain} is FAILED (custom domain: check the ACM certificate in us-east-1 and the DNS alias)` });
        else if (desc.Status !== 'ACTIVE') problems.push({ status: 'warn', text: `domain ${domain} is ${desc.Status}; a prefix domain takes about a minute, a custom domain up to an hour` });
        seen.push(`${domain}: ${desc?.Status ?? 'not found'}${desc?.ManagedLoginVersion ? `, ManagedLoginVersion ${desc.ManagedLoginVersion}` : ''}`);
      }
      const worst = problems.some((p) => p.status === 'fail') ? 'fail' : problems.length ? 'warn' : 'pass';
      const detail = problems.length ? `${problems.map((p) => p.text).join('; ')}.` : `${seen.join('; ')}, owned by ${env.poolId}.`;
      return mk('domain.status', worst, title, detail, worst === 'fail' ? `mcp-cognito init-pool --pool-id ${env.poolId}` : undefined);
    },
  },
  {
    id: 'users.status',
    title: 'No user stuck with a temporary password',
    async run(env) {
      const title = 'No user stuck with a temporary password';
      const [users, pool] = await Promise.all([env.reads.forceChangeUsers(), env.reads.pool()]);
      if (!users.length) return mk('users.status', 'pass', title, 'No user is in FORCE_CHANGE_PASSWORD.');
      const days = pool.Policies?.PasswordPolicy?.TemporaryPasswordValidityDays ?? 7;
      const now = Date.now();
      const shown = users.slice(0, 5).map((u) => {
        const created = u.UserCreateDate ? new Date(u.UserCreateDate).getTime() : undefined;
        const expired = created !== undefined && now - created > days * 86_400_000;
        return `${u.Username}${u.Enabled === false ? ' (disabled)' : ''}${created !== undefined ? (expired ? ` (temporary password expired: created ${new Date(created).toISOString().slice(0, 10)}, valid ${days} days)` : ` (temporary password valid until ${new Date(created + days * 86_400_000).toISOString().slice(0, 10)})`) : ''}`;
      });
      const more = users.length > 5 ? ` and ${users.length - 5} more` : '';
      return mk(
        'users.status',
        'warn',
        title,
        `${users.length} user${users.length > 1 ? 's are' : ' is'} in FORCE_CHANGE_PASSWORD: ${shown.join('; ')}${more}. They must change the temporary password at the first sign-in; an expired or undelivered one cannot be used (A7).`,
        `aws cognito-idp admin-set-user-password --user-pool-id ${env.poolId} --username ${q(users[0]!.Username ?? '<user>')} --password '<new password>' --permanent --region ${env.region}`,
      );
    },
  },
];

const CLIENT_CHECKS: Def[] = [
  {
    id: 'client.exists',
    title: 'App client exists',
    perClient: true,
    async run(env, ref) {
      try {
        const c = await env.reads.client(ref!.clientId);
        const kind = kindOf(c, ref!);
        return mk('client.exists', 'pass', 'App client exists', `${clientLabel(c)} in ${env.poolId}; ${kind === 'interactive' ? 'a browser (code flow) client' : `${kind} client`}${ref!.preset ? ' (from the state file)' : ''}.`);
      } catch (e) {
        if ((e as { code?: string }).code === 'NOT_FOUND') {
          const others = await env.reads.clientList().catch(() => []);
          return mk('client.exists', 'fail', 'App client exists', `No app client ${ref!.clientId} in pool ${env.poolId} (a client of another pool, or deleted and recreated with a new ID). Clients in the pool: ${list(others.map((o) => `${o.ClientName} (${o.ClientId})`))}.`, `mcp-cognito create-client --pool-id ${env.poolId}`);
        }
        throw e;
      }
    },
  },
  {
    id: 'client.oauth-enabled',
    title: 'OAuth enabled on the client',
    perClient: true,
    async run(env, ref) {
      const c = await env.reads.client(ref!.clientId);
      const title = 'OAuth enabled on the client';
      if (c.AllowedOAuthFlowsUserPoolClient) return mk('client.oauth-enabled', 'pass', title, `${clientLabel(c)}: AllowedOAuthFlowsUserPoolClient is true.`);
      return mk(
        'client.oauth-enabled',
        'fail',
        title,
        `${clientLabel(c)}: AllowedOAuthFlowsUserPoolClient is false, so /oauth2/authorize and /oauth2/token refuse the client (unauthorized_client / invalid_grant). An UpdateUserPoolClient that did not resend it switches it off (F5).`,
        updateClientFix(c, { AllowedOAuthFlowsUserPoolClient: true }, env.region),
      );
    },
  },
  {
    id: 'client.flows',
    title: 'OAuth flows match the kind of client',
    perClient: true,
    async run(env, ref) {
      const c = await env.reads.client(ref!.clientId);
      const kind = kindOf(c, ref!);
      const flows = c.AllowedOAuthFlows ?? [];
      const title = 'OAuth flows match the kind of client';
      if (kind === 'm2m') {
        if (flows.length === 1 && flows[0] === 'client_credentials') return mk('client.flows', 'pass', title, `${clientLabel(c)}: AllowedOAuthFlows [client_credentials], as an M2M client needs.`);
        return mk('client.flows', 'fail', title, `${clientLabel(c)} is an M2M client but AllowedOAuthFlows is [${flows.join(', ')}]; it needs client_credentials as its only flow (token requests get unauthorized_client).`, updateClientFix(c, { AllowedOAuthFlows: ['client_credentials'] }, env.region));
      }
      if (!flows.includes('code')) {
        const next = [...flows.filter((f) => f !== 'client_credentials'), 'code'] as UserPoolClientPatch['AllowedOAuthFlows'];
        return mk(
          'client.flows',
          'fail',
          title,
          `${clientLabel(c)}: AllowedOAuthFlows is [${flows.join(', ')}], without code. Sign-in redirects to ?error=unauthorized_client and the token endpoint answers unauthorized_client (not unsupported_grant_type, whatever some setup guides say).`,
          updateClientFix(c, { AllowedOAuthFlows: next }, env.region),
        );
      }
      if (flows.includes('client_credentials')) return mk('client.flows', 'fail', title, `${clientLabel(c)} mixes code and client_credentials, which Cognito rejects; use separate clients.`, `mcp-cognito create-client --preset m2m --pool-id ${env.poolId}`);
      if (flows.includes('implicit')) return mk('client.flows', 'warn', title, `${clientLabel(c)}: AllowedOAuthFlows [${flows.join(', ')}]: implicit is not needed (Copilot Studio and Claude Code use code).`);
      return mk('client.flows', 'pass', title, `${clientLabel(c)}: AllowedOAuthFlows [${flows.join(', ')}] (refresh tokens are issued with code).`);
    },
  },
  {
    id: 'client.identity-providers',
    title: 'Identity providers include COGNITO',
    perClient: true,
    async run(env, ref) {
      const c = await env.reads.client(ref!.clientId);
      const title = 'Identity providers include COGNITO';
      if (!interactive(kindOf(c, ref!))) return mk('client.identity-providers', 'skip', title, `${clientLabel(c)} is an M2M client: identity providers are not used by client_credentials.`);
      const idps = c.SupportedIdentityProviders ?? [];
      if (idps.includes('COGNITO')) return mk('client.identity-providers', 'pass', title, `${clientLabel(c)}: SupportedIdentityProviders [${idps.join(', ')}].`);
      if (idps.length) return mk('client.identity-providers', 'warn', title, `${clientLabel(c)}: SupportedIdentityProviders [${idps.join(', ')}] without COGNITO: only federated sign-in is offered (A8 errors come from that IdP).`, updateClientFix(c, { SupportedIdentityProviders: [...idps, 'COGNITO'] }, env.region));
      return mk('client.identity-providers', 'fail', title, `${clientLabel(c)}: SupportedIdentityProviders is empty, so the login page offers no way to sign in (often left behind by an update that did not resend it, F5).`, updateClientFix(c, { SupportedIdentityProviders: ['COGNITO'] }, env.region));
    },
  },
  {
    id: 'client.secret',
    title: 'Client secret as the caller needs',
    perClient: true,
    async run(env, ref) {
      const c = await env.reads.client(ref!.clientId);
      const kind = kindOf(c, ref!);
      const has = Boolean(c.ClientSecret);
      const title = 'Client secret as the caller needs';
      if (kind === 'm2m' && !has) return mk('client.secret', 'fail', title, `${clientLabel(c)} has no secret; client_credentials needs one, and a secret cannot be added to an existing public client.`, `mcp-cognito create-client --preset m2m --pool-id ${env.poolId}`);
      if (kind === 'copilot-studio' && !has) return mk('client.secret', 'fail', title, `${clientLabel(c)} has no secret; Copilot Studio's Manual OAuth form needs one (token requests fail with invalid_client), and a secret cannot be added to an existing public client.`, `mcp-cognito create-client --pool-id ${env.poolId} --name <new name>`);
      const note = has
        ? kind === 'interactive' || kind === 'web'
          ? ' PKCE-only tools without a secret (Claude Code, MCP Inspector) need a separate public client.'
          : ''
        : ' A public client: fine for Claude Code and MCP Inspector (PKCE), not for Copilot Studio.';
      return mk('client.secret', 'pass', title, `${clientLabel(c)} ${has ? 'has a secret (confidential client)' : 'has no secret'}.${note}`);
    },
  },
  {
    id: 'client.scopes',
    title: 'Client scopes are usable',
    perClient: true,
    async run(env, ref) {
      const c = await env.reads.client(ref!.clientId);
      const kind = kindOf(c, ref!);
      const scopes = c.AllowedOAuthScopes ?? [];
      const title = 'Client scopes are usable';
      if (!scopes.length) return mk('client.scopes', 'fail', title, `${clientLabel(c)} has no AllowedOAuthScopes: OAuth needs at least one, and the gateway's allowedScopes need a custom one (T3f, G3).`, updateClientFix(c, { AllowedOAuthScopes: kind === 'm2m' ? ['<identifier>/<scope>'] : ['openid', 'email', 'profile', '<identifier>/<scope>'] }, env.region));
      if (kind === 'm2m') {
        const oidc = scopes.filter(isOidc);
        if (oidc.length) return mk('client.scopes', 'fail', title, `${clientLabel(c)} is an M2M client with OpenID scopes ${oidc.join(', ')}; client_credentials allows custom resource-server scopes only (invalid_scope, T4).`, updateClientFix(c, { AllowedOAuthScopes: scopes.filter((s) => !isOidc(s)) }, env.region));
      } else {
        const needsOpenid = scopes.some((s) => ['email', 'profile', 'phone'].includes(s)) && !scopes.includes('openid');
        if (needsOpenid) return mk('client.scopes', 'fail', title, `${clientLabel(c)}: AllowedOAuthScopes [${scopes.join(', ')}] has email/profile/phone without openid (invalid_scope, A2d).`, updateClientFix(c, { AllowedOAuthScopes: ['openid', ...scopes] }, env.region));
        if (!scopes.some((s) => !isOidc(s))) return mk('client.scopes', 'warn', title, `${clientLabel(c)}: AllowedOAuthScopes [${scopes.join(', ')}] has no custom scope, so its tokens cannot satisfy a gateway that checks allowedScopes (G3).`);
      }
      return mk('client.scopes', 'pass', title, `${clientLabel(c)}: AllowedOAuthScopes [${scopes.join(', ')}]${interactive(kind) ? ` (the scopes to type into Copilot Studio: "${scopes.join(' ')}")` : ''}.`);
    },
  },
  {
    id: 'resource-server.scopes',
    title: "Client's custom scopes exist on a resource server",
    perClient: true,
    async run(env, ref) {
      const [c, servers] = await Promise.all([env.reads.client(ref!.clientId), env.reads.resourceServers()]);
      const available = servers.flatMap((s) => (s.Scopes ?? []).map((sc) => `${s.Identifier}/${sc.ScopeName}`));
      const custom = (c.AllowedOAuthScopes ?? []).filter((s) => !isOidc(s));
      const missing = custom.filter((s) => !available.includes(s));
      const title = "Client's custom scopes exist on a resource server";
      if (!custom.length) return mk('resource-server.scopes', 'pass', title, `${clientLabel(c)} has no custom scopes. Resource-server scopes in the pool: ${list(available)}.`);
      if (!missing.length) return mk('resource-server.scopes', 'pass', title, `${clientLabel(c)}: ${custom.join(', ')} exist (resource servers: ${list(servers.map((s) => s.Identifier!))}).`);
      const first = missing[0]!;
      const slash = first.lastIndexOf('/');
      const fix = slash > 0 ? `mcp-cognito init-pool --pool-id ${env.poolId} --resource-server ${q(first.slice(0, slash))} --scope ${q(first.slice(slash + 1))}` : undefined;
      return mk(
        'resource-server.scopes',
        'fail',
        title,
        `${clientLabel(c)} has scope${missing.length > 1 ? 's' : ''} ${missing.join(', ')}, which no resource server defines (sign-in fails with invalid_scope). Defined: ${list(available)}.`,
        fix,
      );
    },
  },
  {
    id: 'client.callbacks',
    title: 'Callback URLs registered',
    perClient: true,
    async run(env, ref) {
      const c = await env.reads.client(ref!.clientId);
      const title = 'Callback URLs registered';
      if (!interactive(kindOf(c, ref!))) return mk('client.callbacks', 'skip', title, `${clientLabel(c)} is an M2M client: client_credentials has no browser redirect.`);
      const urls = c.CallbackURLs ?? [];
      const addFix = `mcp-cognito add-callback <redirect URL> --client-id ${c.ClientId}`;
      if (!urls.length) return mk('client.callbacks', 'fail', title, `${clientLabel(c)} has no callback URLs; every sign-in ends in redirect_mismatch.`, addFix);
      const bad = urls.filter((u) => {
        try {
          const p = new URL(u);
          return p.protocol === 'http:' && !LOOPBACK_HOSTS.has(p.hostname);
        } catch {
          return false;
        }
      });
      if (bad.length) return mk('client.callbacks', 'fail', title, `${clientLabel(c)}: ${bad.join(', ')} use plain http on a non-loopback host, which Cognito rejects.`, addFix.replace('<redirect URL>', bad[0]!.replace(/^http:/, 'https:')));
      const placeholders = urls.filter((u) => PLACEHOLDERS.includes(u));
      const real = urls.filter((u) => !PLACEHOLDERS.includes(u));
      if (placeholders.length && !real.length) {
        return mk('client.callbacks', 'warn', title, `${clientLabel(c)} still has only the placeholder ${placeholders.join(', ')}: Copilot Studio's redirect URL (https://global.consent.azure-apim.net/redirect/…, shown after you save the tool) is not registered yet, so sign-in ends in redirect_mismatch.`, addFix);
      }
      const dupes: string[] = [];
      for (const u of real) for (const m of nearMisses(u, real)) if (u < m.url) dupes.push(`${u} and ${m.url} (${describeNearMiss(m.kind)})`);
      if (dupes.length) return mk('client.callbacks', 'warn', title, `${clientLabel(c)} has near-duplicate callbacks: ${dupes.join('; ')}. Only the exact one the client sends works.`);
      if (placeholders.length) return mk('client.callbacks', 'warn', title, `${clientLabel(c)}: ${list(real)}, and the placeholder ${placeholders.join(', ')} is still registered (harmless, but remove it).`, updateClientFix(c, { CallbackURLs: real }, env.region));
      return mk('client.callbacks', 'pass', title, `${clientLabel(c)}: ${real.join(', ')}.`);
    },
  },
  {
    id: 'client.redirect-uri',
    title: 'Redirect URL registered exactly',
    perClient: true,
    async run(env, ref) {
      const title = 'Redirect URL registered exactly';
      const c = await env.reads.client(ref!.clientId);
      const uri = env.redirectUri;
      if (!uri) return mk('client.redirect-uri', 'skip', title, 'No --redirect-uri given (pass the redirect URL Copilot Studio shows to check it).');
      if (!interactive(kindOf(c, ref!))) return mk('client.redirect-uri', 'skip', title, `${clientLabel(c)} is an M2M client (no redirect).`);
      const owners = await redirectTargets(env);
      if (!owners.includes(c.ClientId!)) return mk('client.redirect-uri', 'skip', title, `${uri} is checked on ${owners.join(', ')}, the client it belongs to.`);
      const urls = c.CallbackURLs ?? [];
      const fix = `mcp-cognito add-callback ${q(uri)} --client-id ${c.ClientId}`;
      if (urls.includes(uri)) return mk('client.redirect-uri', 'pass', title, `${uri} is in ${clientLabel(c)}'s CallbackURLs (exact match).`);
      const near = nearMisses(uri, urls);
      const placeholder = urls.some((u) => PLACEHOLDERS.includes(u)) ? ' The placeholder is still registered.' : '';
      if (near.length) {
        return mk('client.redirect-uri', 'fail', title, `${uri} is not registered; ${clientLabel(c)} has ${near.map((n) => `${n.url}, which ${describeNearMiss(n.kind)}`).join('; ')}. Cognito matches exactly: sign-in ends in redirect_mismatch.${placeholder}`, fix);
      }
      return mk('client.redirect-uri', 'fail', title, `${uri} is not in ${clientLabel(c)}'s CallbackURLs (${list(urls)}): sign-in ends in /error?error=redirect_mismatch.${placeholder}`, fix);
    },
  },
  {
    id: 'client.logout-urls',
    title: 'Logout URLs',
    perClient: true,
    async run(env, ref) {
      const c = await env.reads.client(ref!.clientId);
      if (!interactive(kindOf(c, ref!))) return mk('client.logout-urls', 'skip', 'Logout URLs', `${clientLabel(c)} is an M2M client.`);
      const urls = c.LogoutURLs ?? [];
      return mk('client.logout-urls', 'pass', 'Logout URLs', urls.length ? `${clientLabel(c)}: ${urls.join(', ')}; /logout must be called with client_id and one of these as logout_uri.` : `${clientLabel(c)} has none; needed only if an app signs out through /logout (then: mcp-cognito add-callback --logout <url> --client-id ${c.ClientId}).`);
    },
  },
  {
    id: 'client.token-validity',
    title: 'Token lifetimes',
    perClient: true,
    async run(env, ref) {
      const c = await env.reads.client(ref!.clientId);
      const u = c.TokenValidityUnits ?? {};
      const access = c.AccessTokenValidity !== undefined ? `${c.AccessTokenValidity} ${u.AccessToken ?? 'hours'}` : '1 hour (default)';
      const refresh = c.RefreshTokenValidity !== undefined ? `${c.RefreshTokenValidity} ${u.RefreshToken ?? 'days'}` : '30 days (default)';
      const kind = kindOf(c, ref!);
      const note = interactive(kind) ? " Copilot Studio refreshes only if its Refresh URL is the token URL; otherwise it asks to reconnect when the access token expires (C8)." : ' An M2M client gets no refresh token: it requests a new access token.';
      return mk('client.token-validity', 'pass', 'Token lifetimes', `${clientLabel(c)}: access token ${access}, refresh token ${refresh}.${note}`);
    },
  },
  {
    id: 'client.branding',
    title: 'Managed login branding assigned',
    perClient: true,
    async run(env, ref) {
      const title = 'Managed login branding assigned';
      const c = await env.reads.client(ref!.clientId);
      if (!interactive(kindOf(c, ref!))) return mk('client.branding', 'skip', title, `${clientLabel(c)} is an M2M client: /oauth2/token needs no login page.`);
      const domains = await env.reads.domains();
      const v2 = domains.find((d) => d.desc?.ManagedLoginVersion === 2);
      if (!domains.length) return mk('client.branding', 'skip', title, 'The pool has no domain (see pool.domain).');
      if (!v2) return mk('client.branding', 'pass', title, `The domain uses the classic hosted UI (ManagedLoginVersion ${domains[0]!.desc?.ManagedLoginVersion ?? 'not reported'}): no branding style needed.`);
      const has = await env.reads.branding(c.ClientId!);
      if (has) return mk('client.branding', 'pass', title, `Managed login (v2) on ${v2.domain}; ${clientLabel(c)} has a branding style.`);
      return mk('client.branding', 'fail', title, `Managed login (v2) on ${v2.domain}, but ${clientLabel(c)} has no branding style, so its login page shows "Login pages unavailable" (A5).`, `aws cognito-idp create-managed-login-branding --user-pool-id ${env.poolId} --client-id ${c.ClientId} --use-cognito-provided-values --region ${env.region}`);
    },
  },
];

const GATEWAY_CHECKS: Def[] = [
  {
    id: 'gateway.exists',
    title: 'Gateway exists',
    async run(env) {
      try {
        const g = await env.reads.gateway();
        return mk('gateway.exists', 'pass', 'Gateway exists', `${g.name} (${g.gatewayId}) in ${env.region}; URL ${g.gatewayUrl ?? '(none)'}.`);
      } catch (e) {
        if ((e as { code?: string }).code === 'NOT_FOUND') return mk('gateway.exists', 'fail', 'Gateway exists', `GetGateway found no gateway ${env.gatewayId} in ${env.region}.`, `aws bedrock-agentcore-control list-gateways --region ${env.region}`);
        throw e;
      }
    },
  },
  {
    id: 'gateway.status',
    title: 'Gateway is READY',
    async run(env) {
      const g = await env.reads.gateway();
      const reasons = g.statusReasons?.length ? ` Reasons: ${g.statusReasons.join('; ')}.` : '';
      if (g.status === 'READY') return mk('gateway.status', 'pass', 'Gateway is READY', `${g.name}: READY.`);
      if (g.status === 'FAILED' || g.status === 'UPDATE_UNSUCCESSFUL') return mk('gateway.status', 'fail', 'Gateway is READY', `${g.name} is ${g.status}.${reasons}`, `aws bedrock-agentcore-control get-gateway --gateway-identifier ${g.gatewayId} --region ${env.region} --query statusReasons`);
      return mk('gateway.status', 'warn', 'Gateway is READY', `${g.name} is ${g.status}; changes take effect once it is READY.${reasons}`);
    },
  },
  {
    id: 'gateway.authorizer',
    title: 'Gateway uses a CUSTOM_JWT authorizer',
    async run(env) {
      const g = await env.reads.gateway();
      if (g.authorizerType === 'CUSTOM_JWT' && jwtOf(g)) return mk('gateway.authorizer', 'pass', 'Gateway uses a CUSTOM_JWT authorizer', `${g.name}: authorizerType CUSTOM_JWT.`);
      return mk('gateway.authorizer', 'fail', 'Gateway uses a CUSTOM_JWT authorizer', `${g.name}: authorizerType is ${g.authorizerType}; Cognito bearer tokens need CUSTOM_JWT (G7), and the authorizer type cannot be changed on an existing gateway.`, `Create a new gateway with --authorizer-type CUSTOM_JWT and the discovery URL ${env.poolId ? cognitoDiscoveryUrl(env.region, env.poolId) : '<cognito discovery URL>'}`);
    },
  },
  {
    id: 'gateway.discovery-url',
    title: 'Gateway trusts this user pool',
    async run(env) {
      const g = await env.reads.gateway();
      const j = jwtOf(g);
      const title = 'Gateway trusts this user pool';
      if (!j) throw new Skip('the gateway has no CUSTOM_JWT authorizer (see gateway.authorizer)');
      const url = j.discoveryUrl ?? '';
      const expected = env.poolId ? cognitoDiscoveryUrl(env.region, env.poolId) : undefined;
      const parsed = parseCognitoDiscoveryUrl(url);
      const fix = expected ? updateGatewayFix(g, withJwt(g, (x) => (x.discoveryUrl = expected)), env.region) : undefined;
      if (!parsed) {
        const domainStyle = /amazoncognito\.com/.test(url);
        return mk('gateway.discovery-url', 'fail', title, domainStyle ? `discoveryUrl ${url} is on the hosted-UI domain; discovery is served only on the issuer host${expected ? ` (${expected})` : ''} (A4d, G4).` : `discoveryUrl ${url} is not a Cognito user pool's; this gateway trusts another identity provider (G4).`, fix);
      }
      if (expected && url !== expected) {
        return mk('gateway.discovery-url', 'fail', title, `discoveryUrl names pool ${parsed.poolId} in ${parsed.region}, not ${env.poolId} in ${env.region}: tokens of this pool are rejected (G4). Changing it cuts off that pool's callers.`, fix);
      }
      return mk('gateway.discovery-url', 'pass', title, `discoveryUrl ${url} (pool ${parsed.poolId}, ${parsed.region}).`);
    },
  },
  {
    id: 'gateway.allowed-clients',
    title: 'Client is in allowedClients',
    perClient: true,
    async run(env, ref) {
      const g = await env.reads.gateway();
      const j = jwtOf(g);
      const title = 'Client is in allowedClients';
      if (!j) throw new Skip('the gateway has no CUSTOM_JWT authorizer (see gateway.authorizer)');
      const allowed = j.allowedClients ?? [];
      const malformed = allowed.filter((a) => !/^[\w+]+$/.test(a));
      const id = ref!.clientId;
      if (malformed.length) return mk('gateway.allowed-clients', 'fail', title, `allowedClients has malformed entries ${malformed.map((m) => JSON.stringify(m)).join(', ')} (comma-joined or with spaces); each must be one client ID.`, updateGatewayFix(g, withJwt(g, (x) => (x.allowedClients = [...new Set(allowed.flatMap((a) => a.split(/[\s,]+/)).filter(Boolean))])), env.region));
      if (allowed.includes(id)) return mk('gateway.allowed-clients', 'pass', title, `${id} is in allowedClients [${allowed.join(', ')}].`);
      if (!allowed.length && !j.allowedAudience?.length) return mk('gateway.allowed-clients', 'warn', title, 'The gateway sets neither allowedClients nor allowedAudience: it accepts a token from any client of the pool.', authorizeFix(env, id));
      return mk(
        'gateway.allowed-clients',
        'fail',
        title,
        `${id} is not in allowedClients [${allowed.join(', ')}]: the gateway answers 401 "Invalid Bearer token" to its tokens (G1; the original table calls this insufficient_scope).`,
        authorizeFix(env, id),
      );
    },
  },
  {
    id: 'gateway.allowed-audience',
    title: 'No allowedAudience for Cognito access tokens',
    async run(env) {
      const g = await env.reads.gateway();
      const j = jwtOf(g);
      const title = 'No allowedAudience for Cognito access tokens';
      if (!j) throw new Skip('the gateway has no CUSTOM_JWT authorizer (see gateway.authorizer)');
      const aud = j.allowedAudience ?? [];
      if (!aud.length) return mk('gateway.allowed-audience', 'pass', title, 'allowedAudience is not set (Cognito access tokens carry client_id, not aud).');
      const cognito = Boolean(parseCognitoDiscoveryUrl(j.discoveryUrl ?? ''));
      if (!cognito) return mk('gateway.allowed-audience', 'pass', title, `allowedAudience [${aud.join(', ')}] (the gateway does not trust a Cognito pool).`);
      const clients = [...new Set([...(j.allowedClients ?? []), ...env.clients.map((c) => c.clientId), ...aud.filter((a) => /^[a-z0-9]+$/.test(a))])];
      const fix = updateGatewayFix(g, withJwt(g, (x) => ((x.allowedClients = clients.length ? clients : undefined), (x.allowedAudience = undefined))), env.region);
      if (!j.allowedClients?.length) {
        return mk('gateway.allowed-audience', 'fail', title, `allowedAudience [${aud.join(', ')}] is the gateway's only client check, but Cognito access tokens have no aud claim: every access token is rejected with 401 (G2). Use allowedClients.`, fix);
      }
      return mk('gateway.allowed-audience', 'warn', title, `allowedAudience [${aud.join(', ')}] is set next to allowedClients; Cognito access tokens have no aud, and whether the gateway requires both is unconfirmed. Remove allowedAudience.`, fix);
    },
  },
  {
    id: 'gateway.allowed-scopes',
    title: "Client's scopes satisfy allowedScopes",
    perClient: true,
    async run(env, ref) {
      const [g, c] = await Promise.all([env.reads.gateway(), env.reads.client(ref!.clientId)]);
      const j = jwtOf(g);
      const title = "Client's scopes satisfy allowedScopes";
      if (!j) throw new Skip('the gateway has no CUSTOM_JWT authorizer (see gateway.authorizer)');
      const allowed = j.allowedScopes ?? [];
      const scopes = c.AllowedOAuthScopes ?? [];
      if (!allowed.length) {
        // authorize-client only extends an existing allowedScopes list, so the fix sets it directly.
        const custom = scopes.filter((s) => !isOidc(s));
        return mk(
          'gateway.allowed-scopes',
          'warn',
          title,
          `The gateway sets no allowedScopes: it accepts any scope, but its protected-resource metadata then advertises none, and Claude Code requests no scope (invalid_grant, T3e/C4).`,
          custom.length ? updateGatewayFix(g, withJwt(g, (x) => (x.allowedScopes = custom)), env.region) : undefined,
        );
      }
      const common = scopes.filter((s) => allowed.includes(s));
      if (common.length) {
        const oidcOnly = common.every(isOidc);
        return mk('gateway.allowed-scopes', oidcOnly ? 'warn' : 'pass', title, `${clientLabel(c)}: ${common.join(', ')} in allowedScopes [${allowed.join(', ')}]; the scope the caller requests must include ${common.find((s) => !isOidc(s)) ?? common[0]}${oidcOnly ? ' (only OpenID scopes match: M2M tokens never carry them)' : ''}.`);
      }
      const custom = scopes.filter((s) => !isOidc(s));
      const fix = custom.length ? authorizeFix(env, c.ClientId!) : updateClientFix(c, { AllowedOAuthScopes: [...scopes, ...allowed.filter((s) => !isOidc(s) && !scopes.includes(s))] }, env.region);
      return mk('gateway.allowed-scopes', 'fail', title, `${clientLabel(c)}'s scopes [${scopes.join(', ')}] share nothing with allowedScopes [${allowed.join(', ')}]: its tokens are rejected with 401 (G3).`, fix);
    },
  },
  {
    id: 'gateway.protocol-version',
    title: `MCP protocol version ${COPILOT_PROTOCOL_VERSION} supported (Copilot Studio)`,
    async run(env) {
      const g = await env.reads.gateway();
      const title = `MCP protocol version ${COPILOT_PROTOCOL_VERSION} supported (Copilot Studio)`;
      const mcp = g.protocolConfiguration && 'mcp' in g.protocolConfiguration ? g.protocolConfiguration.mcp : undefined;
      if (g.protocolType && g.protocolType !== 'MCP') return mk('gateway.protocol-version', 'fail', title, `protocolType is ${g.protocolType}, not MCP.`);
      const versions = mcp?.supportedVersions ?? [];
      if (versions.includes(COPILOT_PROTOCOL_VERSION)) return mk('gateway.protocol-version', 'pass', title, `supportedVersions [${versions.join(', ')}].`);
      // authorize-client adds 2025-03-26 to a listed supportedVersions for a Copilot Studio client
      // (the state's copilot-studio preset, or a code-flow client it does not know).
      let copilot = env.clients.find((c) => c.preset === 'copilot-studio');
      for (const ref of env.clients) {
        if (copilot) break;
        if (!ref.preset) {
          const c = await env.reads.client(ref.clientId).catch(() => undefined);
          if (c && (c.AllowedOAuthFlows ?? []).includes('code')) copilot = ref;
        }
      }
      const fix =
        versions.length && copilot
          ? authorizeFix(env, copilot.clientId)
          : updateGatewayFix(g, { protocolConfiguration: { mcp: { ...(mcp ?? {}), supportedVersions: [...versions, COPILOT_PROTOCOL_VERSION] } } } as GatewayPatch, env.region);
      if (!versions.length) return mk('gateway.protocol-version', 'warn', title, `supportedVersions is not set and the service default is unconfirmed; Copilot Studio needs ${COPILOT_PROTOCOL_VERSION} and otherwise lists no tools, silently (C6, [?]).`, fix);
      return mk('gateway.protocol-version', 'warn', title, `supportedVersions [${versions.join(', ')}] lacks ${COPILOT_PROTOCOL_VERSION}: Copilot Studio (and any request without MCP-Protocol-Version) gets no tools, silently (C6, [?]).`, fix);
    },
  },
  {
    id: 'gateway.url',
    title: 'Gateway URL',
    async run(env) {
      const g = await env.reads.gateway();
      if (!g.gatewayUrl) return mk('gateway.url', 'warn', 'Gateway URL', `${g.name} reports no gatewayUrl yet.`);
      const mcp = /\/mcp\/?$/.test(g.gatewayUrl) ? g.gatewayUrl : `${g.gatewayUrl.replace(/\/$/, '')}/mcp`;
      return mk('gateway.url', 'pass', 'Gateway URL', `MCP clients connect to ${mcp} with Authorization: Bearer <access token> (not SigV4, G7).`);
    },
  },
];

function oauthOf(t: GetGatewayTargetResponse) {
  return (t.credentialProviderConfigurations ?? []).flatMap((c) => {
    const o = c.credentialProviderType === 'OAUTH' && c.credentialProvider && 'oauthCredentialProvider' in c.credentialProvider ? c.credentialProvider.oauthCredentialProvider : undefined;
    return o ? [o] : [];
  });
}
export const providerName = (arn: string) => arn.split('/').pop() ?? arn;

function updateTargetFix(t: GetGatewayTargetResponse, gatewayId: string, region: string, scopesFilter: (s: string) => boolean): string {
  const creds = (t.credentialProviderConfigurations ?? []).map((c) => {
    if (c.credentialProviderType !== 'OAUTH' || !c.credentialProvider || !('oauthCredentialProvider' in c.credentialProvider)) return c;
    const o = c.credentialProvider.oauthCredentialProvider!;
    return { ...c, credentialProvider: { oauthCredentialProvider: { ...o, scopes: (o.scopes ?? []).filter(scopesFilter) } } };
  });
  const input: Record<string, unknown> = { gatewayIdentifier: gatewayId, targetId: t.targetId, name: t.name, targetConfiguration: t.targetConfiguration, credentialProviderConfigurations: creds };
  if (t.description) input.description = t.description;
  if (t.metadataConfiguration) input.metadataConfiguration = t.metadataConfiguration;
  return awsCliCommand('bedrock-agentcore-control', 'UpdateGatewayTarget', input, region);
}

const TARGET_CHECKS: Def[] = [
  {
    id: 'targets.status',
    title: 'Gateway targets are READY',
    async run(env) {
      const targets = await env.reads.targets();
      const title = 'Gateway targets are READY';
      if (!targets.length) return mk('targets.status', 'warn', title, 'The gateway has no targets: tools/list returns nothing.');
      const bad = targets.filter((t) => /FAILED|UNSUCCESSFUL/.test(t.status ?? ''));
      const pending = targets.filter((t) => t.status !== 'READY' && !bad.includes(t));
      const line = (t: GetGatewayTargetResponse) => `${t.name} (${t.targetId}) ${t.status}${t.statusReasons?.length ? `: ${t.statusReasons.join('; ')}` : ''}`;
      if (bad.length) return mk('targets.status', 'fail', title, bad.map(line).join('; '), `aws bedrock-agentcore-control get-gateway-target --gateway-identifier ${env.gatewayId} --target-id ${bad[0]!.targetId} --region ${env.region}`);
      if (pending.length) return mk('targets.status', 'warn', title, pending.map(line).join('; '));
      return mk('targets.status', 'pass', title, `${targets.map((t) => `${t.name} READY`).join(', ')}. READY does not prove the outbound auth works (O1).`);
    },
  },
  {
    id: 'targets.oauth-scopes',
    title: 'Target OAuth credentials request custom scopes only',
    async run(env) {
      const [targets, servers] = await Promise.all([env.reads.targets(), env.reads.resourceServers().catch(() => undefined)]);
      const title = 'Target OAuth credentials request custom scopes only';
      const withOauth = targets.filter((t) => oauthOf(t).length);
      if (!withOauth.length) return mk('targets.oauth-scopes', 'pass', title, targets.length ? 'No target uses an OAuth credential provider.' : 'The gateway has no targets.');
      const problems: string[] = [];
      let fix: string | undefined;
      const unknown: string[] = [];
      const available = servers?.flatMap((s) => (s.Scopes ?? []).map((sc) => `${s.Identifier}/${sc.ScopeName}`));
      for (const t of withOauth) {
        for (const o of oauthOf(t)) {
          const scopes = o.scopes ?? [];
          const oidc = scopes.filter(isOidc);
          if (oidc.length && (o.grantType ?? 'CLIENT_CREDENTIALS') === 'CLIENT_CREDENTIALS') {
            problems.push(`target ${t.name} (${t.targetId}) asks ${providerName(o.providerArn ?? '?')} for ${scopes.join(', ')}; ${oidc.join(', ')} ${oidc.length > 1 ? 'are' : 'is'} not allowed with client_credentials`);
            fix ??= updateTargetFix(t, env.gatewayId!, env.region, (s) => !isOidc(s));
          }
          if (available) unknown.push(...scopes.filter((s) => !isOidc(s) && !available.includes(s)).map((s) => `${t.name}: ${s}`));
        }
      }
      if (problems.length) return mk('targets.oauth-scopes', 'fail', title, `${problems.join('; ')}: Cognito answers invalid_scope and tools/call fails with "Failed to fetch outbound oauth token" (O1).`, fix);
      if (unknown.length) return mk('targets.oauth-scopes', 'warn', title, `Scopes not defined in pool ${env.poolId}: ${unknown.join(', ')} (fine if the provider uses another pool).`);
      return mk('targets.oauth-scopes', 'pass', title, withOauth.map((t) => `${t.name}: ${oauthOf(t).map((o) => (o.scopes ?? []).join(' ')).join('; ')}`).join(', '));
    },
  },
  {
    id: 'targets.credential-provider',
    title: 'Target OAuth credential providers',
    async run(env) {
      const targets = await env.reads.targets();
      const title = 'Target OAuth credential providers';
      const arns = [...new Set(targets.flatMap((t) => oauthOf(t).map((o) => o.providerArn ?? '')).filter(Boolean))];
      if (!arns.length) return mk('targets.credential-provider', 'pass', title, 'No target uses an OAuth credential provider.');
      const lines: string[] = [];
      let status: CheckStatus = 'pass';
      for (const arn of arns) {
        const cp = await env.reads.credentialProvider(providerName(arn));
        const custom = cp.oauth2ProviderConfigOutput && 'customOauth2ProviderConfig' in cp.oauth2ProviderConfigOutput ? cp.oauth2ProviderConfigOutput.customOauth2ProviderConfig : undefined;
        const disc = custom?.oauthDiscovery && 'discoveryUrl' in custom.oauthDiscovery ? custom.oauthDiscovery.discoveryUrl : undefined;
        const parsed = disc ? parseCognitoDiscoveryUrl(disc) : undefined;
        let line = `${cp.name}: ${cp.credentialProviderVendor}${custom?.clientId ? `, client ${custom.clientId}` : ''}${disc ? `, discovery ${disc}` : ''}`;
        if (parsed && parsed.poolId === env.poolId && custom?.clientId) {
          try {
            const c = await env.reads.client(custom.clientId);
            const flows = c.AllowedOAuthFlows ?? [];
            if (!flows.includes('client_credentials') || !c.ClientSecret) {
              status = 'fail';
              line += ` — client ${clientLabel(c)} ${!c.ClientSecret ? 'has no secret' : `has flows [${flows.join(', ')}] without client_credentials`}`;
            }
          } catch {
            status = 'fail';
            line += ` — client ${custom.clientId} does not exist in ${env.poolId}`;
          }
        }
        if (cp.status && cp.status !== 'READY') status = status === 'fail' ? status : 'warn';
        lines.push(line);
      }
      return mk('targets.credential-provider', status, title, `${lines.join('; ')}.`, status === 'fail' ? `mcp-cognito create-client --preset m2m --pool-id ${env.poolId}` : undefined);
    },
  },
  {
    id: 'targets.iam',
    title: 'Gateway role may fetch outbound tokens',
    async run(env) {
      const [g, targets] = await Promise.all([env.reads.gateway(), env.reads.targets()]);
      const title = 'Gateway role may fetch outbound tokens';
      if (!targets.some((t) => oauthOf(t).length)) return mk('targets.iam', 'pass', title, 'No target uses an OAuth credential provider.');
      return mk(
        'targets.iam',
        'skip',
        title,
        `doctor does not call IAM; check the gateway role ${g.roleArn ?? ''} with iam simulate-principal-policy (O1b, O1c). While diagnosing, exceptionLevel=DEBUG on the gateway shows the real outbound error (now: ${g.exceptionLevel ?? 'not set'}).`,
        `aws iam simulate-principal-policy --policy-source-arn ${g.roleArn ?? '<gateway role ARN>'} --action-names bedrock-agentcore:GetWorkloadAccessToken bedrock-agentcore:GetResourceOauth2Token secretsmanager:GetSecretValue --query 'EvaluationResults[].[EvalActionName,EvalDecision]'`,
      );
    },
  },
];

export const ALL_DEFS: readonly Def[] = [...POOL_CHECKS, ...CLIENT_CHECKS, ...GATEWAY_CHECKS, ...TARGET_CHECKS];
/** Every configuration check id (tests check the catalogue refers only to existing ones). */
export const CONFIG_CHECK_IDS = ALL_DEFS.map((d) => d.id);

/** One check, isolated: whatever it throws becomes a skip with the reason. */
async function guarded(def: Def, env: CheckEnv, ref: ClientRef | undefined, suffix: string): Promise<Check[]> {
  const id = def.id + suffix;
  try {
    const r = await def.run(env, ref);
    return (Array.isArray(r) ? r : [r]).map((c) => ({ ...c, id: c.id + suffix }));
  } catch (e) {
    return [mk(id, 'skip', def.title, `Not checked: ${skipReason(e)}.`)];
  }
}

/** A check that is skipped before it runs (nothing to examine). */
function skipped(def: Def, suffix: string, reason: string): Check[] {
  return [mk(def.id + suffix, 'skip', def.title, reason)];
}

/**
 * Run the configuration checks: those named in `first` (the symptom's) before the rest; within
 * each phase everything runs concurrently. Results come back in that order.
 */
export async function runConfigChecks(env: CheckEnv, first: readonly string[] = []): Promise<Check[]> {
  const multi = env.clients.length > 1;
  const jobs: { def: Def; go: () => Promise<Check[]> }[] = [];
  for (const def of ALL_DEFS) {
    const isGateway = def.id.startsWith('gateway.') || def.id.startsWith('targets.');
    if (isGateway && !env.gatewayId) {
      jobs.push({ def, go: async () => skipped(def, '', 'No gateway to examine: pass --gateway-id (or let authorize-client record it in the state file).') });
      continue;
    }
    if (!isGateway && !env.poolId) {
      jobs.push({ def, go: async () => skipped(def, '', 'No user pool to examine: pass --pool-id.') });
      continue;
    }
    if (def.perClient) {
      if (!env.clients.length) {
        jobs.push({ def, go: async () => skipped(def, '', env.noClientReason ?? 'No app client to examine: pass --client-id.') });
        continue;
      }
      for (const ref of env.clients) {
        const suffix = multi ? `@${ref.clientId}` : '';
        jobs.push({ def, go: () => guarded(def, env, ref, suffix) });
      }
    } else {
      jobs.push({ def, go: () => guarded(def, env, undefined, '') });
    }
  }
  const firstSet = new Set(first);
  const phase1 = jobs.filter((j) => firstSet.has(j.def.id));
  const phase2 = jobs.filter((j) => !phase1.includes(j));
  const r1 = await Promise.all(phase1.map((j) => j.go()));
  const r2 = await Promise.all(phase2.map((j) => j.go()));
  return [...r1.flat(), ...r2.flat()];
}
