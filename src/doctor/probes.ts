/**
 * Live probes that need no sign-in (error-catalogue §0 P-DISC, P-401, P-AUTHZ, P-M2M): the
 * issuer's discovery document, /oauth2/authorize without following the redirect, a
 * client_credentials token and MCP initialize + tools/list on the gateway with it.
 *
 * Each request is bounded by a short timeout; an unreachable host makes the probe a skip.
 * Against an emulator the real hosts are never contacted: probes are skipped unless
 * MCP_COGNITO_PROBE_BASE (loopback only) redirects them to a local test server.
 * Secrets (the client secret, tokens) are sent only to the token endpoint / gateway and never
 * printed or logged.
 */
import { hostedUiBaseUrl, issuerUrl, PLACEHOLDER_CALLBACK } from '../lib/urls.js';
import { Unreachable, json, probeFetch, rpcBody, snippet, type ProbeSettings } from './probe-http.js';
import { jwtOf, kindOf, kit, mcpUrl, redirectTargets, skipReason, type CheckEnv, type ClientRef, type Kit } from './kit.js';
import { cleanToken, decodeJwt, pastedSecrets, tokenChecks, type DecodedToken } from './token.js';
import type { UserPoolClientType } from '../aws/cognito.js';
import type { Check } from './types.js';
import { redactChecks } from './redact.js';

/** Each probe's id and title, bound once. */
const PROBES = {
  discovery: ['probe.discovery', "Issuer's discovery document"],
  gateway401: ['probe.gateway-401', 'Gateway asks for a bearer token'],
  resourceMetadata: ['probe.resource-metadata', "Gateway's protected-resource metadata points at Cognito"],
  authorize: ['probe.authorize', '/oauth2/authorize reaches the login page'],
  m2mToken: ['probe.m2m-token', 'client_credentials token from /oauth2/token'],
  initialize: ['probe.mcp-initialize', 'MCP initialize on the gateway'],
  toolsList: ['probe.mcp-tools-list', 'MCP tools/list on the gateway'],
} as const;
type ProbeName = keyof typeof PROBES;
export const PROBE_IDS: string[] = Object.values(PROBES).map(([id]) => id);
const pk = (name: ProbeName, suffix = ''): Kit => kit(PROBES[name][0] + suffix, PROBES[name][1]);
const CLIENT_VERSION = '2025-03-26';

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
  return (Object.keys(PROBES) as ProbeName[]).map((name) => pk(name).skip(`Not probed: ${reason}.`));
}

/** The hosted-UI base URL of the pool (custom domain first). */
async function hostedUi(env: CheckEnv): Promise<string> {
  const pool = await env.reads.pool();
  const d = pool.CustomDomain ?? pool.Domain;
  if (!d) throw new Unreachable('the pool has no domain (see pool.domain)');
  return hostedUiBaseUrl(d, env.region);
}

async function discovery(env: CheckEnv, s: ProbeSettings): Promise<Check> {
  const k = pk('discovery');
  if (!env.poolId) throw new Unreachable('no user pool');
  const iss = issuerUrl(env.region, env.poolId);
  const url = `${iss}/.well-known/openid-configuration`;
  const r = await probeFetch(url, { headers: { accept: 'application/json' } }, s);
  const doc = json(r.text);
  if (r.status !== 200 || !doc) return k.fail(`GET ${url} answered HTTP ${r.status} ${snippet(r.text)}: the pool is not served there (wrong pool or Region?, G4).`);
  if (doc.issuer !== iss) return k.fail(`The discovery document's issuer is ${String(doc.issuer)}, not ${iss} (G4).`);
  const missing = ['registration_endpoint', 'code_challenge_methods_supported'].filter((k) => !(k in doc));
  const auth = Array.isArray(doc.token_endpoint_auth_methods_supported) ? (doc.token_endpoint_auth_methods_supported as string[]).join(', ') : '?';
  const note = missing.length ? ` It has no ${missing.join(' and no ')}, as usual for Cognito: Claude Code and MCP Inspector need a pre-registered client (C1/C2).` : '';
  return k.pass(`issuer ${iss}; token endpoint auth methods: ${auth}.${note}`);
}

async function gateway401(env: CheckEnv, s: ProbeSettings): Promise<Check> {
  const k = pk('gateway401');
  const gw = await env.reads.gateway();
  const url = mcpUrl(gw);
  if (!url) throw new Unreachable('the gateway has no URL yet');
  const r = await probeFetch(url, { method: 'POST', headers: { 'content-type': 'application/json', accept: 'application/json, text/event-stream' }, body: JSON.stringify(initialize(0)) }, s);
  const www = r.headers.get('www-authenticate');
  if (r.status === 401) return k.pass(`Without a token the gateway answers 401${www ? ` with WWW-Authenticate: ${www}` : ''}.`);
  if (r.status >= 200 && r.status < 300) return k.warn(`The gateway answered HTTP ${r.status} to a request without a token: it does not require a bearer token.`);
  return k.warn(`Without a token the gateway answered HTTP ${r.status} ${snippet(r.text)}.`);
}

async function resourceMetadata(env: CheckEnv, s: ProbeSettings): Promise<Check> {
  const k = pk('resourceMetadata');
  const gw = await env.reads.gateway();
  if (!gw.gatewayUrl) throw new Unreachable('the gateway has no URL yet');
  const url = `${new URL(gw.gatewayUrl).origin}/.well-known/oauth-protected-resource`;
  const r = await probeFetch(url, { headers: { accept: 'application/json' } }, s);
  const doc = json(r.text);
  if (r.status !== 200 || !doc) return k.warn(`GET ${url} → HTTP ${r.status}: without protected-resource metadata, MCP clients that discover OAuth (Claude Code) cannot find the authorization server.`);
  const servers = Array.isArray(doc.authorization_servers) ? (doc.authorization_servers as string[]) : [];
  const scopes = Array.isArray(doc.scopes_supported) ? (doc.scopes_supported as string[]) : [];
  const iss = env.poolId ? issuerUrl(env.region, env.poolId) : undefined;
  if (iss && !servers.some((x) => x.replace(/\/$/, '') === iss)) return k.fail(`authorization_servers [${servers.join(', ')}] does not include ${iss}: clients are sent to another identity provider (G4).`);
  if (!scopes.length) return k.warn(`authorization_servers [${servers.join(', ')}], but no scopes_supported: Claude Code then requests no scope and the code exchange fails with invalid_grant (T3e/C4). Set allowedScopes on the gateway (see gateway.allowed-scopes for the command).`);
  return k.pass(`authorization_servers [${servers.join(', ')}], scopes_supported [${scopes.join(', ')}].`);
}

const isPlaceholder = (u: string) => u === PLACEHOLDER_CALLBACK || /^https:\/\/example\.com\/?$/.test(u);

async function authorize(env: CheckEnv, s: ProbeSettings, c: UserPoolClientType, useGiven: boolean): Promise<Check> {
  const k = pk('authorize');
  const redirect = (useGiven ? env.redirectUri : undefined) ?? (c.CallbackURLs ?? []).find((u) => !isPlaceholder(u));
  if (!redirect) return k.skip(`Not probed: ${c.ClientName} (${c.ClientId}) has no real callback URL to test with (pass --redirect-uri).`);
  const base = await hostedUi(env);
  const scope = (c.AllowedOAuthScopes ?? []).join(' ');
  const url = `${base}/oauth2/authorize?${new URLSearchParams({ response_type: 'code', client_id: c.ClientId!, redirect_uri: redirect, ...(scope ? { scope } : {}), state: 'mcp-cognito-doctor' })}`;
  const r = await probeFetch(url, { headers: { accept: 'text/html' } }, s);
  const tried = `GET /oauth2/authorize (client ${c.ClientId}, redirect_uri ${redirect}, scope "${scope}")`;
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
    if (err === 'redirect_mismatch' || /\/error\b/.test(u?.pathname ?? '')) {
      return k.fail(`${tried} → ${u?.pathname ?? loc}?error=${err ?? '?'}: Cognito does not have ${redirect} in the callbacks (A1).`, { fix: `mcp-cognito add-callback ${redirect} --client-id ${c.ClientId}` });
    }
    if (err === 'invalid_scope') return k.fail(`${tried} → redirected with error=invalid_scope: a requested scope is not enabled on the client or does not exist (A2).${desc ? ` (${desc})` : ''}`);
    if (err === 'unauthorized_client') return k.fail(`${tried} → redirected with error=unauthorized_client: the code flow or OAuth is not enabled for the client (A3).${desc ? ` (${desc})` : ''}`);
    if (err) return k.fail(`${tried} → redirected with error=${err}${desc ? ` (${desc})` : ''}.`);
    if (u && /login|signin|oauth2\/authorize/i.test(u.pathname)) return k.pass(`${tried} → ${u.pathname}: the login page, as expected.`);
    return k.warn(`${tried} → redirected to ${u ? u.origin + u.pathname : loc}, not the login page.`);
  }
  if (r.status === 200) {
    if (/login pages? unavailable/i.test(r.text)) return k.fail(`${tried} → "Login pages unavailable": managed login without a branding style for this client (A5).`, { fix: `aws cognito-idp create-managed-login-branding --user-pool-id ${env.poolId} --client-id ${c.ClientId} --use-cognito-provided-values --region ${env.region}` });
    return k.pass(`${tried} → HTTP 200: a login page.`);
  }
  return k.fail(`${tried} → HTTP ${r.status} ${snippet(r.text)}.`);
}

function initialize(id: number) {
  return { jsonrpc: '2.0', id, method: 'initialize', params: { protocolVersion: CLIENT_VERSION, capabilities: {}, clientInfo: { name: 'mcp-cognito-doctor', version: '1' } } };
}

interface TokenSource {
  token: string;
  from: string;
}

async function m2mToken(env: CheckEnv, s: ProbeSettings, c: UserPoolClientType): Promise<{ checks: Check[]; token?: TokenSource }> {
  const k = pk('m2mToken');
  if (!c.ClientSecret) return { checks: [k.skip(`Not probed: ${c.ClientName} (${c.ClientId}) has no secret.`)] };
  const base = await hostedUi(env);
  const scopes = (c.AllowedOAuthScopes ?? []).filter((x) => x.includes('/'));
  const body = new URLSearchParams({ grant_type: 'client_credentials', ...(scopes.length ? { scope: scopes.join(' ') } : {}) });
  const basic = Buffer.from(`${c.ClientId}:${c.ClientSecret}`).toString('base64');
  const r = await probeFetch(`${base}/oauth2/token`, { method: 'POST', headers: { 'content-type': 'application/x-www-form-urlencoded', authorization: `Basic ${basic}`, accept: 'application/json' }, body: body.toString() }, s);
  const doc = json(r.text);
  const tried = `POST /oauth2/token grant_type=client_credentials for ${c.ClientName} (${c.ClientId}), scope "${scopes.join(' ')}"`;
  if (r.status !== 200 || typeof doc?.access_token !== 'string') {
    const err = typeof doc?.error === 'string' ? doc.error : undefined;
    const why: Record<string, string> = {
      invalid_client: 'the client ID and secret from DescribeUserPoolClient were refused (T1)',
      invalid_scope: 'a requested scope is not enabled on the client, does not exist, or is an OpenID scope (T4)',
      unauthorized_client: 'the client may not use client_credentials (T2)',
      unsupported_grant_type: 'the grant_type was not understood (T5)',
      invalid_request: 'the request was malformed (T6)',
    };
    return { checks: [k.fail(`${tried} → HTTP ${r.status}${err ? ` error=${err}: ${why[err] ?? 'see the catalogue'}` : ` ${snippet(r.text)}`}.`)] };
  }
  let decoded: DecodedToken | undefined;
  try {
    decoded = decodeJwt(doc.access_token);
  } catch {
    /* reported below */
  }
  const checks = [k[decoded ? 'pass' : 'warn'](`${tried} → an access token${typeof doc.expires_in === 'number' ? ` valid ${doc.expires_in} s` : ''}${decoded ? '' : ', but it is not a JWT'}.`)];
  if (decoded) {
    const gw = env.gatewayId ? await env.reads.gateway().catch(() => undefined) : undefined;
    const jwt = jwtOf(gw);
    checks.push(...tokenChecks(decoded, { prefix: 'probe.token', region: env.region, poolId: env.poolId, gatewayId: env.gatewayId, jwt, gatewayUnavailable: env.gatewayId ? 'The gateway could not be read.' : 'No gateway to compare with.', clientIds: [c.ClientId!] }).filter((x) => !x.id.endsWith('.decode')));
  }
  return { checks, token: { token: doc.access_token, from: `${c.ClientName} (${c.ClientId})` } };
}

async function mcp(env: CheckEnv, s: ProbeSettings, tok: TokenSource | undefined, noTokenReason: string): Promise<Check[]> {
  const ini = pk('initialize');
  const list = pk('toolsList');
  if (!tok) return [ini.skip(`Not probed: ${noTokenReason}.`), list.skip(`Not probed: ${noTokenReason}.`)];
  const gw = await env.reads.gateway();
  const url = mcpUrl(gw);
  if (!url) throw new Unreachable('the gateway has no URL yet');
  const headers: Record<string, string> = { 'content-type': 'application/json', accept: 'application/json, text/event-stream', authorization: `Bearer ${tok.token}` };
  const r = await probeFetch(url, { method: 'POST', headers, body: JSON.stringify(initialize(1)) }, s);
  const msg = rpcBody(r);
  if (r.status !== 200 || !msg || 'error' in msg) {
    const e = msg?.error as { code?: number; message?: string } | undefined;
    const www = r.headers.get('www-authenticate');
    const why = r.status === 401 ? ': the gateway rejected the token (see the token checks for which claim, G1–G6)' : '';
    return [
      ini.fail(`POST ${url} initialize with a token of ${tok.from} → HTTP ${r.status}${e ? ` ${e.code} "${e.message}"` : ` ${snippet(r.text)}`}${www ? `; WWW-Authenticate: ${www}` : ''}${why}.`),
      list.skip('Not probed: initialize failed.'),
    ];
  }
  const result = (msg.result ?? {}) as { protocolVersion?: string; serverInfo?: { name?: string } };
  const version = result.protocolVersion ?? CLIENT_VERSION;
  const session = r.headers.get('mcp-session-id');
  const out: Check[] = [];
  if (version !== CLIENT_VERSION) out.push(ini.warn(`initialize with protocolVersion ${CLIENT_VERSION} (Copilot Studio's) was answered with ${version}: Copilot Studio may list no tools (C6).`));
  else out.push(ini.pass(`initialize with a token of ${tok.from} → protocolVersion ${version}${result.serverInfo?.name ? `, server ${result.serverInfo.name}` : ''}.`));
  const h2: Record<string, string> = { ...headers, 'mcp-protocol-version': version, ...(session ? { 'mcp-session-id': session } : {}) };
  await probeFetch(url, { method: 'POST', headers: h2, body: JSON.stringify({ jsonrpc: '2.0', method: 'notifications/initialized' }) }, s).catch(() => undefined);
  const r2 = await probeFetch(url, { method: 'POST', headers: h2, body: JSON.stringify({ jsonrpc: '2.0', id: 2, method: 'tools/list', params: {} }) }, s);
  const m2 = rpcBody(r2);
  if (r2.status !== 200 || !m2 || 'error' in m2) {
    const e = m2?.error as { code?: number; message?: string } | undefined;
    out.push(list.fail(`tools/list (MCP-Protocol-Version ${version}) → HTTP ${r2.status}${e ? ` ${e.code} "${e.message}"` : ` ${snippet(r2.text)}`}.`));
    return out;
  }
  const tools = ((m2.result as { tools?: { name?: string }[] } | undefined)?.tools ?? []).map((t) => t.name ?? '?');
  out.push(list[tools.length ? 'pass' : 'warn'](tools.length ? `${tools.length} tool${tools.length > 1 ? 's' : ''}: ${tools.slice(0, 10).join(', ')}${tools.length > 10 ? ', …' : ''}.` : 'tools/list returned no tools (no READY target? see targets.status).'));
  return out;
}

/**
 * Run the probes. `userToken` (from --token) is used for the MCP probes when no M2M client
 * yields one. Never throws.
 */
export async function runProbes(env: CheckEnv, s: ProbeSettings, userToken?: string): Promise<Check[]> {
  if (!s.enabled) return skipAll(s.reason ?? 'turned off');
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
  const browser = known.filter((k) => k.kind !== 'm2m');
  const m2m = known.filter((k) => k.kind === 'm2m');

  const noGateway = (name: ProbeName) => Promise.resolve([pk(name).skip('Not probed: no gateway to examine.')]);
  const [disc, g401, prm, authz, tokens] = await Promise.all([
    probe('discovery', () => discovery(env, s)),
    env.gatewayId ? probe('gateway401', () => gateway401(env, s)) : noGateway('gateway401'),
    env.gatewayId ? probe('resourceMetadata', () => resourceMetadata(env, s)) : noGateway('resourceMetadata'),
    browser.length
      ? redirectTargets(env).then((owners) => Promise.all(browser.map((b) => probe('authorize', () => authorize(env, s, b.c, owners.includes(b.c.ClientId!)), suffix(b.c)))).then((r) => r.flat()))
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
  const noToken = !env.gatewayId ? 'no gateway to examine' : m2m.length ? 'no access token could be obtained (see probe.m2m-token)' : 'no access token: examine an M2M client (--client-id) or pass --token';
  const mcpChecks = env.gatewayId ? await probe('initialize', () => mcp(env, s, tok, noToken)) : await mcp(env, s, undefined, noToken);
  // Defence in depth: no check may carry a token or a client secret.
  const secrets = [...(userToken ? pastedSecrets(userToken) : []), ...tokens.map((t) => t.token?.token), ...known.map((k) => k.c.ClientSecret)];
  return redactChecks([...disc, ...g401, ...prm, ...authz, ...m2mChecks, ...mcpChecks], secrets);
}
