/**
 * The check kit: what every check (configuration, token, probe) is made of. A check's id and
 * title are bound once (`kit(id, title)` or `defineCheck`); its outcomes are built from that
 * binding. The helpers the checks by resource, the token checks and the probes share live here,
 * so none of them imports another.
 *
 * Only SDK *types* come from src/aws here; the SDK loads when ctx.cognito()/agentcore() is called.
 */
import type { Ctx } from '../lib/context.js';
import type { Preset } from '../lib/state.js';
import { GENERIC_BROWSER_PRESET, isBrowserPreset, presetForFlows, presetSpec } from '../domain/presets.js';
import { awsCliCommand } from '../lib/plan.js';
import { mcpEndpointUrl } from '../lib/urls.js';
import { toUpdateGatewayRequest, toUpdateUserPoolClientRequest, type GatewayPatch, type UserPoolClientPatch } from '../aws/rmw.js';
import type { UserPoolClientType } from '../aws/cognito.js';
import type { GetGatewayResponse, GetGatewayTargetResponse } from '../aws/agentcore.js';
import { Skip, type Reads } from './reads.js';

export { Skip };
import type { Check, CheckStatus } from './types.js';

export { OIDC_SCOPES, COPILOT_STUDIO_MCP_VERSION as COPILOT_PROTOCOL_VERSION, isOidcScope as isOidc } from '../domain/oauth.js';

/** A client to examine; the preset comes from the state file when the project created it. */
export interface ClientRef {
  clientId: string;
  preset?: Preset;
}

/** A client's preset, or undefined: a browser client of no particular preset (not recorded, flows shared by several). */
export type ClientKind = Preset | undefined;

/** What the checks examine, and the reads they share. */
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

/** Thrown inside a check: it cannot run, for this reason. */

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

// ── outcomes ─────────────────────────────────────────────────────────────────────

/** What a check may add to its outcome besides the detail. */
export interface More {
  /** An `mcp-cognito …` command that fixes it (anything else is a programming error). */
  fix?: string;
  /** What to do when no mcp-cognito command does it. */
  todo?: string;
  /** The equivalent AWS CLI call. */
  aws?: string;
  /** A step only a person can take (not a problem yet). */
  next?: string;
}

/**
 * A check's outcomes, with its id and its passing title bound once. A warning or a failure
 * states its own finding: it never carries the title of the passing state.
 */
export interface Kit {
  readonly id: string;
  readonly title: string;
  pass(detail: string, more?: More): Check;
  warn(finding: string, detail: string, more?: More): Check;
  fail(finding: string, detail: string, more?: More): Check;
  skip(detail: string, more?: Pick<More, 'aws' | 'todo'>): Check;
}

export const CLI = 'mcp-cognito ';

function outcome(id: string, title: string, status: CheckStatus, detail: string, more: More = {}): Check {
  if (more.fix !== undefined && !more.fix.startsWith(CLI)) throw new Error(`doctor: the fix of ${id} is not an mcp-cognito command: ${more.fix}`);
  return {
    id,
    status,
    title,
    detail,
    ...(more.fix ? { fix: more.fix } : {}),
    ...(more.todo ? { todo: more.todo } : {}),
    ...(more.aws ? { aws: more.aws } : {}),
    ...(more.next ? { next: more.next } : {}),
  };
}

export function kit(id: string, title: string): Kit {
  return {
    id,
    title,
    pass: (detail, more) => outcome(id, title, 'pass', detail, more),
    warn: (finding, detail, more) => outcome(id, finding, 'warn', detail, more),
    fail: (finding, detail, more) => outcome(id, finding, 'fail', detail, more),
    skip: (detail, more) => outcome(id, title, 'skip', detail, more),
  };
}

/** A configuration check: its id and title, once, and what it does with them. */
export interface CheckDef {
  id: string;
  title: string;
  perClient: boolean;
  run(k: Kit, env: CheckEnv, ref: ClientRef): Promise<Check | Check[]>;
}

/** A check on the pool, the gateway…; run once per run. */
export function defineCheck(id: string, title: string, run: (k: Kit, env: CheckEnv) => Promise<Check | Check[]>): CheckDef {
  return { id, title, perClient: false, run: (k, env) => run(k, env) };
}
/** A check run once per examined client. */
export function defineClientCheck(id: string, title: string, run: (k: Kit, env: CheckEnv, ref: ClientRef) => Promise<Check | Check[]>): CheckDef {
  return { id, title, perClient: true, run };
}

// ── shared helpers ───────────────────────────────────────────────────────────────

export const list = (v: readonly string[] | undefined) => (v && v.length ? v.join(', ') : '(none)');
/** Quote for a POSIX shell when needed. */
export const q = (s: string) => (/^[\w@%+=:,./-]+$/.test(s) ? s : `'${s.replace(/'/g, `'\\''`)}'`);

/** The client's kind: the state file's preset, else the one its OAuth flows point to (src/domain/presets.ts#presetForFlows). */
export function kindOf(c: UserPoolClientType, ref: ClientRef): ClientKind {
  return ref.preset ?? presetForFlows(c.AllowedOAuthFlows ?? []);
}
/** A client that signs people in through a browser (callbacks, sign-in page), not a machine one. */
export const interactive = (k: ClientKind) => k === undefined || isBrowserPreset(k);
/** Whether the client may carry OpenID scopes (a client_credentials one may not). */
export const allowsOidc = (k: ClientKind) => k === undefined || presetSpec(k).allowsOidcScopes;
/** What the preset says about the client, when it has one. */
export const specOf = (k: ClientKind) => (k === undefined ? undefined : presetSpec(k));
export const clientLabel = (c: UserPoolClientType) => `${c.ClientName ?? '?'} (${c.ClientId})`;

export function updateClientAws(c: UserPoolClientType, patch: UserPoolClientPatch, region: string): string {
  return awsCliCommand('cognito-idp', 'UpdateUserPoolClient', toUpdateUserPoolClientRequest(c, patch) as unknown as Record<string, unknown>, region);
}
export function updateGatewayAws(gw: GetGatewayResponse, patch: GatewayPatch, region: string): string {
  return awsCliCommand('bedrock-agentcore-control', 'UpdateGateway', toUpdateGatewayRequest(gw, patch) as unknown as Record<string, unknown>, region);
}
/** The gateway's CUSTOM_JWT authorizer, if it has one. */
export function jwtOf(gw: GetGatewayResponse | undefined) {
  return gw?.authorizerConfiguration && 'customJWTAuthorizer' in gw.authorizerConfiguration ? gw.authorizerConfiguration.customJWTAuthorizer : undefined;
}
/** A gateway patch that changes the authorizer's fields (empty lists removed). */
export function withJwt(gw: GetGatewayResponse, change: (j: Record<string, unknown>) => void): GatewayPatch {
  const j = { ...(jwtOf(gw) ?? {}) } as Record<string, unknown>;
  change(j);
  for (const k of Object.keys(j)) if (j[k] === undefined || (Array.isArray(j[k]) && (j[k] as unknown[]).length === 0)) delete j[k];
  return { authorizerConfiguration: { customJWTAuthorizer: j } } as unknown as GatewayPatch;
}
/** The façade (another command group): what Claude Code, claude.ai and MCP Inspector need in front of Cognito. */
export const FACADE_FIX = { serve: 'mcp-cognito facade serve', deploy: 'mcp-cognito facade deploy' } as const;

/** Re-running create-client on the client (by name) adopts it and assigns the missing branding style. */
export function brandingFix(env: CheckEnv, c: UserPoolClientType, ref: ClientRef): string {
  const preset = ref.preset && presetSpec(ref.preset).branding ? ref.preset : GENERIC_BROWSER_PRESET;
  return `mcp-cognito create-client --pool-id ${env.poolId} --preset ${preset} --name ${q(c.ClientName ?? '<client name>')}`;
}

/**
 * The MCP client a browser client is set up for, from its redirect URLs: those that need the
 * OAuth metadata Cognito lacks (registration, PKCE methods). `remote`: it runs on the vendor's
 * servers, so a local façade cannot serve it.
 */
export function mcpClientOf(c: UserPoolClientType): { name: string; url: string; remote: boolean } | undefined {
  for (const url of c.CallbackURLs ?? []) {
    if (/^https:\/\/claude\.(ai|com)\/api\/mcp\/auth_callback$/.test(url)) return { name: 'claude.ai', url, remote: true };
    if (/^http:\/\/(localhost|127\.0\.0\.1):6274\/oauth\/callback(\/debug)?$/.test(url)) return { name: 'MCP Inspector', url, remote: false };
    if (/^http:\/\/(localhost|127\.0\.0\.1)(:\d+)?\/callback$/.test(url)) return { name: 'Claude Code', url, remote: false };
  }
  return undefined;
}

export const authorizeFix = (gatewayId: string | undefined, clientId: string) => `mcp-cognito authorize-client --gateway-id ${gatewayId ?? '<gateway-id>'} --client-id ${clientId}`;

/** The MCP endpoint of a gateway (src/lib/urls.ts#mcpEndpointUrl: its URL ends in /mcp on AWS). */
export function mcpUrl(gw: GetGatewayResponse): string | undefined {
  return gw.gatewayUrl ? mcpEndpointUrl(gw.gatewayUrl) : undefined;
}

/** The OAuth credential providers a target uses. */
export function oauthOf(t: GetGatewayTargetResponse) {
  return (t.credentialProviderConfigurations ?? []).flatMap((c) => {
    const o = c.credentialProviderType === 'OAUTH' && c.credentialProvider && 'oauthCredentialProvider' in c.credentialProvider ? c.credentialProvider.oauthCredentialProvider : undefined;
    return o ? [o] : [];
  });
}
export const providerName = (arn: string) => arn.split('/').pop() ?? arn;

/**
 * The examined clients `--redirect-uri` belongs to: the ones that register it exactly; else the
 * Copilot Studio ones; else every browser client. The others are not checked against it.
 */
export async function redirectTargets(env: CheckEnv): Promise<string[]> {
  const all = await Promise.all(env.clients.map(async (ref) => ({ ref, c: await env.reads.client(ref.clientId).catch(() => undefined) })));
  const browser = all.filter((x) => x.c && interactive(kindOf(x.c, x.ref)));
  const exact = browser.filter((x) => (x.c!.CallbackURLs ?? []).includes(env.redirectUri ?? ''));
  if (exact.length) return exact.map((x) => x.ref.clientId);
  const copilot = browser.filter((x) => x.ref.preset && presetSpec(x.ref.preset).addCallbackDefault);
  return (copilot.length ? copilot : browser).map((x) => x.ref.clientId);
}
