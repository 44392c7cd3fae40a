/**
 * Live probes that need no sign-in (P-DISC, P-401, P-PRM, P-AUTHZ, P-M2M of the failure
 * catalogue): the issuer's discovery document, the gateway without a token and its
 * protected-resource metadata, /oauth2/authorize (following one redirect on the same host, to
 * the page the browser would show), a client_credentials token, MCP initialize + tools/list on
 * the gateway with it, and, when the user pastes one, a refresh-token exchange.
 *
 * Each request is bounded by a short timeout; an unreachable host makes the probe a skip.
 * Against an emulator the real hosts are never contacted: probes are skipped unless
 * MCP_COGNITO_PROBE_BASE (loopback only) redirects them to a local test server.
 * Secrets (the client secret, tokens) are sent only to the token endpoint / gateway and never
 * printed or logged.
 */
import { hostedUiBaseUrl, issuerUrl } from '../lib/urls.js';
import { MCP_STATELESS_VERSION, isPlaceholderCallback } from '../domain/oauth.js';
import { Unreachable, json, probeFetch, rpcBody, snippet, type ProbeResponse, type ProbeSettings } from './probe-http.js';
import { COPILOT_PROTOCOL_VERSION, FACADE_FIX, brandingFix, clientLabel, interactive, jwtOf, kindOf, kit, mcpClientOf, mcpUrl, q, redirectTargets, skipReason, type CheckEnv, type ClientRef, type Kit } from './kit.js';
import { cleanToken, decodeJwt, pastedSecrets, tokenChecks, type DecodedToken } from './token.js';
import type { UserPoolClientType } from '../aws/cognito.js';
import type { Check } from './types.js';
import { redactChecks } from './redact.js';

/** The MCP start-up probe: initialize, or server/discover on a gateway that lists MCP 2026-07-28 (one check either way). */
const MCP_START = 'probe.mcp-initialize';
/** Each probe's id and passing title, bound once. */
const PROBES = {
  discovery: ['probe.discovery', 'Cognito publishes the pool\'s OpenID configuration'],
  gateway401: ['probe.gateway-401', 'The gateway asks for a bearer token'],
  resourceMetadata: ['probe.resource-metadata', "The gateway's OAuth metadata points at the pool"],
  authorize: ['probe.authorize', 'The sign-in page opens'],
  m2mToken: ['probe.m2m-token', 'The M2M client gets an access token'],
  initialize: [MCP_START, 'MCP initialize succeeds with the token'],
  // The same probe on a gateway that lists MCP 2026-07-28: clients of that revision start with server/discover.
  discover: [MCP_START, `MCP server/discover (${MCP_STATELESS_VERSION}) succeeds with the token`],
  toolsList: ['probe.mcp-tools-list', 'MCP tools/list lists the tools'],
  refresh: ['probe.refresh-token', 'The refresh token still works'],
} as const;
type ProbeName = keyof typeof PROBES;
/** The probes every run has (the refresh-token probe runs only when a refresh token is pasted). */
export const PROBE_IDS: string[] = [...new Set(Object.values(PROBES).map(([id]) => id))];
const pk = (name: ProbeName, suffix = ''): Kit => kit(PROBES[name][0] + suffix, PROBES[name][1]);
const CLIENT_VERSION = COPILOT_PROTOCOL_VERSION;

/** One probe, isolated: an unreachable host or a failed read becomes a skip with the reason. */
async function probe(name: ProbeName, fn: () => Promise<Check | Check[]>, suffix = ''): Promise<Check[]> {
  const id = PROBES[name][0];
  try {
    const r = await fn();
    return (Array.isArray(r) ? r : [r]).map((c) => ({ ...c, id: c.id.startsWith(id) ? c.id + suffix : c.id }));
  } catch (e) {
    const reason = e instanceof Unreachable ? e.message : skipReason(e);
    return [pk(name, suffix).skip(`Not probed: ${reason}.`)];
  }
}

function skipAll(reason: string): Check[] {
  return (Object.keys(PROBES) as ProbeName[]).filter((n) => n !== 'refresh' && n !== 'discover').map((name) => pk(name).skip(`Not probed: ${reason}.`));
}

/** The hosted-UI base URL of the pool (custom domain first). */
async function hostedUi(env: CheckEnv): Promise<string> {
  const pool = await env.reads.pool();
  const d = pool.CustomDomain ?? pool.Domain;
  if (!d) throw new Unreachable('the pool has no domain');
  return hostedUiBaseUrl(d, env.region);
}

async function discovery(env: CheckEnv, s: ProbeSettings): Promise<Check> {
  const k = pk('discovery');
  if (!env.poolId) throw new Unreachable('no user pool');
  const iss = issuerUrl(env.region, env.poolId);
  const url = `${iss}/.well-known/openid-configuration`;
  const r = await probeFetch(url, { headers: { accept: 'application/json' } }, s);
  const doc = json(r.text);
  if (r.status !== 200 || !doc) return k.fail(`The pool's discovery document is not served`, `GET ${url} answered HTTP ${r.status} ${snippet(r.text)}: the pool does not exist there (wrong pool or Region?). A gateway pointing at it accepts no token.`);
  if (doc.issuer !== iss) return k.fail('The discovery document names another issuer', `Its issuer is ${String(doc.issuer)}, not ${iss}: tokens will not match what the gateway expects.`);
  const missing = ['registration_endpoint', 'code_challenge_methods_supported'].filter((x) => !(x in doc));
  const auth = Array.isArray(doc.token_endpoint_auth_methods_supported) ? (doc.token_endpoint_auth_methods_supported as string[]).join(', ') : '?';
  const note = missing.length ? ` It has no ${missing.join(' and no ')}, as always with Cognito: Claude Code, claude.ai and MCP Inspector need the OAuth façade (${FACADE_FIX.serve} or ${FACADE_FIX.deploy}); Copilot Studio does not.` : '';
  return k.pass(`issuer ${iss}; client secrets accepted as ${auth}.${note}`);
}

async function gateway401(env: CheckEnv, s: ProbeSettings): Promise<Check> {
  const k = pk('gateway401');
  const gw = await env.reads.gateway();
  const url = mcpUrl(gw);
  if (!url) throw new Unreachable('the gateway has no URL yet');
  const r = await probeFetch(url, { method: 'POST', headers: { 'content-type': 'application/json', accept: 'application/json, text/event-stream' }, body: JSON.stringify(initialize(0)) }, s);
  const www = r.headers.get('www-authenticate');
  if (r.status === 401) return k.pass(`Without a token it answers 401${www ? ` with WWW-Authenticate: ${www}` : ''}.`);
  if (r.status >= 200 && r.status < 300) return k.warn('The gateway answers without a token', `HTTP ${r.status} to a request without Authorization: anyone who knows the URL can call it.`);
  return k.warn(`The gateway answers HTTP ${r.status} without a token`, `Expected 401 with WWW-Authenticate; got ${snippet(r.text)}.`);
}

async function resourceMetadata(env: CheckEnv, s: ProbeSettings, claudeFamily: boolean): Promise<Check> {
  const k = pk('resourceMetadata');
  const gw = await env.reads.gateway();
  if (!gw.gatewayUrl) throw new Unreachable('the gateway has no URL yet');
  const url = `${new URL(gw.gatewayUrl).origin}/.well-known/oauth-protected-resource`;
  const r = await probeFetch(url, { headers: { accept: 'application/json' } }, s);
  const doc = json(r.text);
  if (r.status !== 200 || !doc) return k.warn('The gateway serves no OAuth metadata', `GET ${url} → HTTP ${r.status}: MCP clients that discover OAuth (Claude Code) cannot find the sign-in server. Copilot Studio's Manual OAuth does not need it.`);
  const servers = Array.isArray(doc.authorization_servers) ? (doc.authorization_servers as string[]) : [];
  const scopes = Array.isArray(doc.scopes_supported) ? (doc.scopes_supported as string[]) : [];
  const iss = env.poolId ? issuerUrl(env.region, env.poolId) : undefined;
  if (iss && !servers.some((x) => x.replace(/\/$/, '') === iss)) return k.fail("The gateway's OAuth metadata points at another sign-in server", `authorization_servers [${servers.join(', ')}] does not include ${iss}: clients that discover OAuth sign in elsewhere and their tokens are rejected.`, { todo: 'Point the gateway at this pool (see the check of its discovery URL).' });
  if (!scopes.length) {
    const why = 'it lists no scopes_supported (the gateway has no allowedScopes): Claude Code then requests no scope, and the code exchange fails with invalid_grant.';
    if (claudeFamily) return k.warn('The gateway advertises no scope', `authorization_servers [${servers.join(', ')}], but ${why}`, { fix: `mcp-cognito authorize-client --gateway-id ${env.gatewayId} --allowed-scope <scope, e.g. mcp/invoke>` });
    return k.pass(`authorization_servers [${servers.join(', ')}]. Note: ${why} Copilot Studio is not affected.`);
  }
  return k.pass(`authorization_servers [${servers.join(', ')}], scopes_supported [${scopes.join(', ')}].`);
}

const isPlaceholder = isPlaceholderCallback;
const LOGIN_PAGES_UNAVAILABLE = /login pages? unavailable/i;

async function authorize(env: CheckEnv, s: ProbeSettings, c: UserPoolClientType, ref: ClientRef, useGiven: boolean): Promise<Check> {
  const k = pk('authorize');
  const redirect = (useGiven ? env.redirectUri : undefined) ?? (c.CallbackURLs ?? []).find((u) => !isPlaceholder(u));
  if (!redirect) return k.skip(`Not probed: ${clientLabel(c)} has no real redirect URL to try (pass --redirect-uri).`);
  const base = await hostedUi(env);
  const scope = (c.AllowedOAuthScopes ?? []).join(' ');
  const url = `${base}/oauth2/authorize?${new URLSearchParams({ response_type: 'code', client_id: c.ClientId!, redirect_uri: redirect, ...(scope ? { scope } : {}), state: 'mcp-cognito-doctor' })}`;
  const r = await probeFetch(url, { headers: { accept: 'text/html' } }, s);
  const tried = `GET /oauth2/authorize (client ${c.ClientId}, redirect_uri ${redirect}, scope "${scope}")`;
  const unavailable = (where: string) => k.fail(`${clientLabel(c)} has no login page ("Login pages unavailable")`, `${tried} → ${where} says "Login pages unavailable": managed login shows a client's pages only once a branding style is assigned to it.`, { fix: brandingFix(env, c, ref), aws: `aws cognito-idp create-managed-login-branding --user-pool-id ${env.poolId} --client-id ${c.ClientId} --use-cognito-provided-values --region ${env.region}` });
  if (r.status >= 300 && r.status < 400) {
    const loc = r.headers.get('location') ?? '';
    let u: URL | undefined;
    try {
      u = new URL(loc, base);
    } catch {
      /* reported below */
    }
    const err = u?.searchParams.get('error');
    const desc = u?.searchParams.get('error_description');
    const why = desc ? ` (${desc})` : '';
    if (err === 'redirect_mismatch' || /\/error\b/.test(u?.pathname ?? '')) {
      return k.fail(`Cognito refuses the redirect URL of ${clientLabel(c)}`, `${tried} → ${u?.pathname ?? loc}?error=${err ?? '?'}: ${redirect} is not registered on the client (Cognito matches exactly).`, { fix: `mcp-cognito add-callback ${q(redirect)} --client-id ${c.ClientId}` });
    }
    if (err === 'invalid_scope') return k.fail(`Cognito refuses a scope of ${clientLabel(c)} at sign-in`, `${tried} → redirected back with error=invalid_scope: a scope is not enabled on the client or does not exist in the pool.${why}`, { todo: 'See the checks of the client\'s scopes for which one.' });
    if (err === 'unauthorized_client') return k.fail(`Cognito refuses ${clientLabel(c)} at sign-in (unauthorized_client)`, `${tried} → redirected back with error=unauthorized_client: the code flow or OAuth is off for the client.${why}`, { todo: 'See the checks of the client\'s OAuth settings for which one.' });
    if (err) return k.fail(`Cognito answers ${err} at sign-in`, `${tried} → redirected back with error=${err}${why}.`);
    if (!u) return k.warn('The sign-in page redirects somewhere unexpected', `${tried} → Location ${loc}.`);
    // One hop, on the same host only: the page the browser would show next.
    if (u.host === new URL(base).host) {
      const next = await probeFetch(u.href, { headers: { accept: 'text/html' } }, s);
      if (LOGIN_PAGES_UNAVAILABLE.test(next.text)) return unavailable(u.pathname);
      if (next.status === 200) return k.pass(`${tried} → ${u.pathname}: the login page (HTTP 200).`);
      if (next.status >= 300 && next.status < 400) return k.pass(`${tried} → ${u.pathname} → a further redirect (not followed).`);
      return k.warn(`The login page of ${clientLabel(c)} answers HTTP ${next.status}`, `${tried} → ${u.pathname} → HTTP ${next.status} ${snippet(next.text)}.`);
    }
    return k.warn('The sign-in page redirects to another host', `${tried} → ${u.origin}${u.pathname} (not followed; a federated identity provider?).`);
  }
  if (r.status === 200) {
    if (LOGIN_PAGES_UNAVAILABLE.test(r.text)) return unavailable('/oauth2/authorize');
    return k.pass(`${tried} → HTTP 200: a login page.`);
  }
  return k.fail(`The sign-in URL answers HTTP ${r.status}`, `${tried} → HTTP ${r.status} ${snippet(r.text)}.`);
}

function initialize(id: number) {
  return { jsonrpc: '2.0', id, method: 'initialize', params: { protocolVersion: CLIENT_VERSION, capabilities: {}, clientInfo: { name: 'mcp-cognito-doctor', version: '1' } } };
}

/**
 * A request of the stateless MCP revision 2026-07-28: the `_meta` envelope (protocol version, client capabilities and
 * info) in the body and the MCP-Protocol-Version / Mcp-Method headers, no session (as @modelcontextprotocol/client
 * 2.4.0 sends it: StreamableHTTPClientTransport._applyBodyDerivedHeaders, buildProbeRequest).
 */
function stateless(id: number, method: string, headers: Record<string, string>): { body: string; headers: Record<string, string> } {
  const _meta = { 'io.modelcontextprotocol/protocolVersion': MCP_STATELESS_VERSION, 'io.modelcontextprotocol/clientCapabilities': {}, 'io.modelcontextprotocol/clientInfo': { name: 'mcp-cognito-doctor', version: '1' } };
  return { body: JSON.stringify({ jsonrpc: '2.0', id, method, params: { _meta } }), headers: { ...headers, 'mcp-protocol-version': MCP_STATELESS_VERSION, 'mcp-method': method } };
}

interface TokenSource {
  token: string;
  from: string;
}

/** Cognito's token-endpoint errors, in words. */
const TOKEN_ERRORS: Record<string, string> = {
  invalid_client: 'the client ID and secret were refused',
  invalid_scope: 'a requested scope is not enabled on the client, does not exist, or is an OpenID scope (client_credentials grants custom scopes only)',
  unauthorized_client: 'the client may not use this grant (its flow is off, or OAuth is off)',
  unsupported_grant_type: 'the grant type was not understood',
  invalid_request: 'the request was malformed',
  invalid_grant: 'the grant is not valid (expired, revoked, or issued to another client)',
};

async function tokenRequest(env: CheckEnv, s: ProbeSettings, c: UserPoolClientType, form: Record<string, string>) {
  const base = await hostedUi(env);
  const headers: Record<string, string> = { 'content-type': 'application/x-www-form-urlencoded', accept: 'application/json' };
  const body = new URLSearchParams(form);
  if (c.ClientSecret) headers.authorization = `Basic ${Buffer.from(`${c.ClientId}:${c.ClientSecret}`).toString('base64')}`;
  else body.set('client_id', c.ClientId!);
  const r = await probeFetch(`${base}/oauth2/token`, { method: 'POST', headers, body: body.toString() }, s);
  return { r, doc: json(r.text) };
}

async function m2mToken(env: CheckEnv, s: ProbeSettings, c: UserPoolClientType): Promise<{ checks: Check[]; token?: TokenSource }> {
  const k = pk('m2mToken');
  if (!c.ClientSecret) return { checks: [k.skip(`Not probed: ${clientLabel(c)} has no secret.`)] };
  const scopes = (c.AllowedOAuthScopes ?? []).filter((x) => x.includes('/'));
  const { r, doc } = await tokenRequest(env, s, c, { grant_type: 'client_credentials', ...(scopes.length ? { scope: scopes.join(' ') } : {}) });
  const tried = `POST /oauth2/token grant_type=client_credentials for ${clientLabel(c)}, scope "${scopes.join(' ')}"`;
  if (r.status !== 200 || typeof doc?.access_token !== 'string') {
    const err = typeof doc?.error === 'string' ? doc.error : undefined;
    return { checks: [k.fail(`${clientLabel(c)} gets no access token${err ? ` (${err})` : ''}`, `${tried} → HTTP ${r.status}${err ? ` error=${err}: ${TOKEN_ERRORS[err] ?? 'an error Cognito does not document'}` : ` ${snippet(r.text)}`}.`)] };
  }
  let decoded: DecodedToken | undefined;
  try {
    decoded = decodeJwt(doc.access_token);
  } catch {
    /* reported below */
  }
  const detail = `${tried} → an access token${typeof doc.expires_in === 'number' ? ` valid ${doc.expires_in} s` : ''}`;
  const checks = [decoded ? k.pass(`${detail}.`) : k.warn(`${clientLabel(c)}'s access token is not a JWT`, `${detail}, but it does not decode as a JWT.`)];
  if (decoded) {
    const gw = env.gatewayId ? await env.reads.gateway().catch(() => undefined) : undefined;
    checks.push(...tokenChecks(decoded, { prefix: 'probe.token', region: env.region, poolId: env.poolId, gatewayId: env.gatewayId, jwt: jwtOf(gw), gatewayUnavailable: env.gatewayId ? 'The gateway could not be read.' : 'No gateway to compare with.', clientIds: [c.ClientId!] }).filter((x) => !x.id.endsWith('.decode')));
  }
  return { checks, token: { token: doc.access_token, from: clientLabel(c) } };
}

/**
 * Exchange a refresh token the user pasted (never printed): what Copilot Studio does when its
 * access token expires. Says whether the session can continue, and if not, why.
 */
export async function refreshProbe(env: CheckEnv, s: ProbeSettings, refreshToken: string, c: UserPoolClientType): Promise<Check> {
  const k = pk('refresh');
  const { r, doc } = await tokenRequest(env, s, c, { grant_type: 'refresh_token', refresh_token: refreshToken });
  const tried = `POST /oauth2/token grant_type=refresh_token for ${clientLabel(c)}`;
  const units = c.TokenValidityUnits ?? {};
  const validity = c.RefreshTokenValidity !== undefined ? `${c.RefreshTokenValidity} ${units.RefreshToken ?? 'days'}` : '30 days';
  if (r.status === 200 && typeof doc?.access_token === 'string') {
    let scope = '';
    try {
      scope = decodeJwt(doc.access_token).claims.scope ?? '';
    } catch {
      /* not a JWT: said below */
    }
    return k.pass(`${tried} → a new access token${typeof doc.expires_in === 'number' ? ` valid ${doc.expires_in} s` : ''}${scope ? ` with scope "${scope}"` : ''}${typeof doc.refresh_token === 'string' ? ', and a new refresh token (rotation is on)' : ''}. A client holding this refresh token stays connected until it expires (refresh tokens of this client last ${validity}) or is revoked. If Copilot Studio still asks to reconnect, its Refresh URL is not this token URL.`);
  }
  const err = typeof doc?.error === 'string' ? doc.error : undefined;
  if (err === 'invalid_grant') {
    return k.fail('The refresh token no longer works (invalid_grant)', `${tried} → invalid_grant: it expired (refresh tokens of this client last ${validity}), it was revoked (a sign-out everywhere, an admin, or RevokeToken${c.EnableTokenRevocation === false ? '' : '; revocation is on for this client'}), or it was issued to another client. Copilot Studio then asks to reconnect ("Let's get you connected first") and calls fail with 401.`, { todo: 'Reconnect in Copilot Studio (Open connection manager). If sessions end too soon, give refresh tokens a longer validity.' });
  }
  if (err === 'invalid_client' && !c.ClientSecret) return k.fail('The refresh was refused for a client without a secret (invalid_client)', `${tried} → invalid_client.`, { todo: 'Pass --client-id of the client the refresh token was issued to.' });
  return k.fail(`The refresh was refused${err ? ` (${err})` : ''}`, `${tried} → HTTP ${r.status}${err ? ` error=${err}: ${TOKEN_ERRORS[err] ?? 'an error Cognito does not document'}` : ` ${snippet(r.text)}`}.`, err === 'unauthorized_client' ? { todo: 'Turn the code flow (and OAuth) on for the client: refresh tokens come with it.' } : {});
}

async function mcp(env: CheckEnv, s: ProbeSettings, tok: TokenSource | undefined, noTokenReason: string): Promise<Check[]> {
  const ini = pk('initialize');
  const list = pk('toolsList');
  if (!tok) return [ini.skip(`Not probed: ${noTokenReason}.`), list.skip(`Not probed: ${noTokenReason}.`)];
  const gw = await env.reads.gateway();
  const url = mcpUrl(gw);
  if (!url) throw new Unreachable('the gateway has no URL yet');
  const headers: Record<string, string> = { 'content-type': 'application/json', accept: 'application/json, text/event-stream', authorization: `Bearer ${tok.token}` };
  const listed = (gw.protocolConfiguration && 'mcp' in gw.protocolConfiguration ? gw.protocolConfiguration.mcp?.supportedVersions : undefined) ?? [];
  if (listed.includes(MCP_STATELESS_VERSION)) return mcpStateless(env, s, tok, url, headers);
  const r = await probeFetch(url, { method: 'POST', headers, body: JSON.stringify(initialize(1)) }, s);
  const msg = rpcBody(r);
  if (r.status !== 200 || !msg || 'error' in msg) {
    return [ini.fail(`The gateway rejects the token of ${tok.from} (HTTP ${r.status})`, `POST ${url} initialize → ${answered(r, msg)}${why(r)}.`), list.skip('Not probed: initialize failed.')];
  }
  const result = (msg.result ?? {}) as { protocolVersion?: string; serverInfo?: { name?: string } };
  const version = result.protocolVersion ?? CLIENT_VERSION;
  const session = r.headers.get('mcp-session-id');
  const out: Check[] = [];
  // What a client of the stateless revision gets here: the gateway does not list it, so its server/discover is refused
  // and it falls back to initialize with a 2025 version (Claude Code does; so does @modelcontextprotocol/client 2.x).
  const modern = `Clients of MCP ${MCP_STATELESS_VERSION} (Claude Code, the 2.x MCP SDKs) get a 2025 version${listed.length ? ` the gateway lists (${listed.join(', ')})` : ''} through initialize: the gateway does not list ${MCP_STATELESS_VERSION} (mcp-cognito authorize-client --gateway-id ${env.gatewayId} --mcp-version ${MCP_STATELESS_VERSION} adds it, keeping every version listed).`;
  if (version !== CLIENT_VERSION) out.push(ini.warn(`The gateway answers MCP ${CLIENT_VERSION} with ${version}`, `initialize with protocolVersion ${CLIENT_VERSION} (Copilot Studio's) was answered with ${version}: Copilot Studio may list no tools. ${modern}`, { fix: `mcp-cognito authorize-client --gateway-id ${env.gatewayId} --mcp-version ${CLIENT_VERSION}` }));
  else out.push(ini.pass(`initialize with a token of ${tok.from} → protocolVersion ${version}${result.serverInfo?.name ? `, server ${result.serverInfo.name}` : ''}. ${modern}`));
  const h2: Record<string, string> = { ...headers, 'mcp-protocol-version': version, ...(session ? { 'mcp-session-id': session } : {}) };
  await probeFetch(url, { method: 'POST', headers: h2, body: JSON.stringify({ jsonrpc: '2.0', method: 'notifications/initialized' }) }, s).catch(() => undefined);
  const r2 = await probeFetch(url, { method: 'POST', headers: h2, body: JSON.stringify({ jsonrpc: '2.0', id: 2, method: 'tools/list', params: {} }) }, s);
  out.push(toolsListCheck(list, r2, `tools/list (MCP-Protocol-Version ${version})`));
  return out;
}

/** The HTTP status and the JSON-RPC error (or the body) of an MCP answer. */
function answered(r: ProbeResponse, msg: Record<string, unknown> | undefined): string {
  const e = msg?.error as { code?: number; message?: string } | undefined;
  const www = r.headers.get('www-authenticate');
  return `HTTP ${r.status}${e ? ` ${e.code} "${e.message}"` : ` ${snippet(r.text)}`}${www ? `; WWW-Authenticate: ${www}` : ''}`;
}
const why = (r: ProbeResponse) => (r.status === 401 ? ': the gateway rejected the token (the token checks say which rule)' : r.status === 403 ? ': the token was refused (a scope, issuer or policy decision; the token checks say more)' : '');

function toolsListCheck(list: Kit, r2: ProbeResponse, what: string): Check {
  const m2 = rpcBody(r2);
  if (r2.status !== 200 || !m2 || 'error' in m2) {
    const e = m2?.error as { code?: number; message?: string } | undefined;
    return list.fail(`tools/list fails (HTTP ${r2.status})`, `${what} → HTTP ${r2.status}${e ? ` ${e.code} "${e.message}"` : ` ${snippet(r2.text)}`}.`);
  }
  const tools = ((m2.result as { tools?: { name?: string }[] } | undefined)?.tools ?? []).map((t) => t.name ?? '?');
  return tools.length ? list.pass(`${tools.length} tool${tools.length > 1 ? 's' : ''}: ${tools.slice(0, 10).join(', ')}${tools.length > 10 ? ', …' : ''}.`) : list.warn('tools/list returns no tools', 'The gateway has no READY target with tools (see the targets check).');
}

/**
 * The gateway lists MCP 2026-07-28: probe it as a client of that revision does, server/discover then tools/list, each
 * a stateless request (no initialize, no session).
 */
async function mcpStateless(env: CheckEnv, s: ProbeSettings, tok: TokenSource, url: string, headers: Record<string, string>): Promise<Check[]> {
  const disc = pk('discover');
  const list = pk('toolsList');
  const d = stateless(1, 'server/discover', headers);
  const r = await probeFetch(url, { method: 'POST', headers: d.headers, body: d.body }, s);
  const msg = rpcBody(r);
  const result = msg?.result as { resultType?: string; supportedVersions?: unknown; _meta?: Record<string, { name?: string } | undefined> } | undefined;
  const versions = Array.isArray(result?.supportedVersions) ? (result.supportedVersions as string[]) : undefined;
  if (r.status !== 200 || !msg || 'error' in msg || !versions) {
    return [disc.fail(`The gateway does not answer server/discover (MCP ${MCP_STATELESS_VERSION}) for ${tok.from} (HTTP ${r.status})`, `POST ${url} server/discover → ${answered(r, msg)}${why(r)}. The gateway lists ${MCP_STATELESS_VERSION}, so clients of that revision (Claude Code, the 2.x MCP SDKs) start here.`), list.skip('Not probed: server/discover failed.')];
  }
  const server = result?._meta?.['io.modelcontextprotocol/serverInfo']?.name;
  const clients = `clients of MCP ${MCP_STATELESS_VERSION} (Claude Code, the 2.x MCP SDKs) get ${MCP_STATELESS_VERSION}: no initialize, no session`;
  const out: Check[] = [];
  if (!versions.includes(MCP_STATELESS_VERSION)) {
    out.push(disc.warn(`server/discover does not offer MCP ${MCP_STATELESS_VERSION}`, `server/discover with a token of ${tok.from} → supportedVersions ${versions.join(', ') || '(none)'}, though the gateway's configuration lists ${MCP_STATELESS_VERSION}: clients of that revision fall back to initialize.`));
  } else if (!versions.includes(CLIENT_VERSION)) {
    out.push(disc.warn(`The gateway does not speak MCP ${CLIENT_VERSION}`, `server/discover with a token of ${tok.from} → supportedVersions ${versions.join(', ')}: ${clients}, but Copilot Studio (${CLIENT_VERSION}) may list no tools.`, { fix: `mcp-cognito authorize-client --gateway-id ${env.gatewayId} --mcp-version ${CLIENT_VERSION}` }));
  } else {
    out.push(disc.pass(`server/discover with a token of ${tok.from} → supportedVersions ${versions.join(', ')}${server ? `, server ${server}` : ''}${result?.resultType ? `, resultType ${result.resultType}` : ''}: ${clients}; clients of 2025 versions (Copilot Studio: ${CLIENT_VERSION}) still initialize.`));
  }
  const l = stateless(2, 'tools/list', headers);
  const r2 = await probeFetch(url, { method: 'POST', headers: l.headers, body: l.body }, s);
  out.push(toolsListCheck(list, r2, `tools/list (MCP ${MCP_STATELESS_VERSION}, no session)`));
  return out;
}

export interface ProbeInput {
  /** An access token the user pasted (--token): used for the MCP probes when no M2M client yields one. */
  userToken?: string;
  /** A refresh token the user pasted (--refresh-token), with the client it belongs to. */
  refresh?: { token: string; clientId: string };
}

/** Run the probes. Never throws. */
export async function runProbes(env: CheckEnv, s: ProbeSettings, input: ProbeInput = {}): Promise<Check[]> {
  const { userToken, refresh } = input;
  if (!s.enabled) return [...skipAll(s.reason ?? 'turned off'), ...(refresh ? [pk('refresh').skip(`Not exchanged: ${s.reason ?? 'probes are off'}.`)] : [])];
  const clients = await Promise.all(
    env.clients.map(async (ref: ClientRef) => {
      try {
        const c = await env.reads.client(ref.clientId);
        return { ref, c, kind: kindOf(c, ref) };
      } catch {
        return undefined;
      }
    }),
  );
  const known = clients.filter((x): x is NonNullable<typeof x> => Boolean(x));
  const multi = env.clients.length > 1;
  const suffix = (c: UserPoolClientType) => (multi ? `@${c.ClientId}` : '');
  const browser = known.filter((k) => interactive(k.kind));
  const m2m = known.filter((k) => !interactive(k.kind));
  const claudeFamily = browser.some((b) => mcpClientOf(b.c));
  const refreshClient = refresh ? known.find((x) => x.c.ClientId === refresh.clientId) : undefined;

  const noGateway = (name: ProbeName) => Promise.resolve([pk(name).skip('Not probed: no gateway to examine.')]);
  const [disc, g401, prm, authz, tokens, refreshed] = await Promise.all([
    probe('discovery', () => discovery(env, s)),
    env.gatewayId ? probe('gateway401', () => gateway401(env, s)) : noGateway('gateway401'),
    env.gatewayId ? probe('resourceMetadata', () => resourceMetadata(env, s, claudeFamily)) : noGateway('resourceMetadata'),
    browser.length
      ? redirectTargets(env).then((owners) => Promise.all(browser.map((b) => probe('authorize', () => authorize(env, s, b.c, b.ref, owners.includes(b.c.ClientId!)), suffix(b.c)))).then((r) => r.flat()))
      : Promise.resolve([pk('authorize').skip('Not probed: no browser (code flow) client among the examined clients.')]),
    Promise.all(
      m2m.map(async (m) => {
        try {
          const r = await m2mToken(env, s, m.c);
          return { checks: r.checks.map((c) => ({ ...c, id: c.id + suffix(m.c) })), token: r.token };
        } catch (e) {
          const reason = e instanceof Unreachable ? e.message : skipReason(e);
          return { checks: [pk('m2mToken', suffix(m.c)).skip(`Not probed: ${reason}.`)], token: undefined };
        }
      }),
    ),
    refresh ? (refreshClient ? probe('refresh', () => refreshProbe(env, s, refresh.token, refreshClient.c)) : Promise.resolve([pk('refresh').skip(`Not exchanged: client ${refresh.clientId} could not be read.`)])) : Promise.resolve([]),
  ]);
  const m2mChecks = m2m.length ? tokens.flatMap((t) => t.checks) : [pk('m2mToken').skip('Not probed: no M2M (client_credentials) client among the examined clients (create one with mcp-cognito create-client --preset m2m, then pass its --client-id).')];
  let tok = tokens.find((t) => t.token)?.token;
  if (!tok && userToken) {
    // Only the cleaned access token is sent, never what was pasted around it (Bearer, a token response).
    const token = cleanToken(userToken);
    try {
      const d = decodeJwt(token);
      if (typeof d.claims.exp !== 'number' || d.claims.exp * 1000 > Date.now()) tok = { token, from: `the --token client ${d.claims.client_id ?? '?'}` };
    } catch {
      /* reported by the token checks */
    }
  }
  const noToken = !env.gatewayId ? 'no gateway to examine' : m2m.length ? 'no access token could be obtained (see the M2M token probe)' : 'no access token: examine an M2M client (--client-id) or pass --token';
  const mcpChecks = env.gatewayId ? await probe('initialize', () => mcp(env, s, tok, noToken)) : await mcp(env, s, undefined, noToken);
  // Defence in depth: no check may carry a token or a client secret.
  const secrets = [...(userToken ? pastedSecrets(userToken) : []), ...(refresh ? [refresh.token] : []), ...tokens.map((t) => t.token?.token), ...known.map((k) => k.c.ClientSecret)];
  return redactChecks([...disc, ...g401, ...prm, ...authz, ...m2mChecks, ...mcpChecks, ...refreshed], secrets);
}
