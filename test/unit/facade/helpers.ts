/**
 * Test doubles for the façade: a configuration, an injected fetch that plays Cognito's token and
 * revocation endpoints, client metadata documents and the gateway, each recording the exact request
 * it was sent; and a tiny browser that follows redirects and keeps cookies.
 */
import { createHash } from 'node:crypto';
import { createFacade, type FacadeConfig, type FacadeHandler, type FacadeLogEntry } from '../../../src/facade/index.js';
import type { HostAddress, Via } from '../../../src/facade/egress.js';

export const PUBLIC = 'https://facade.example.com';
export const HOSTED_UI = 'https://pfx.auth.us-east-1.amazoncognito.com';
export const GATEWAY = 'https://gw-abc123.gateway.bedrock-agentcore.us-east-1.amazonaws.com/mcp';
export const CLIENT_ID = '4example0client0id0abcdefg';
export const CLIENT_SECRET = 'SECRET-7f3a9c2e-the-app-client-secret';
export const SIGNING_KEY = 'signing-key-0123456789-abcdefghijklmnop-XYZ';
export const CLAUDE_AI = 'https://claude.ai/api/mcp/auth_callback';
export const COPILOT = 'https://global.consent.azure-apim.net/redirect/cr2b1-5fmcp-2dgateway-5f0123456789abcdef';
export const LOOPBACK = 'http://localhost:53682/callback';
export const VERIFIER = 'verifier-0123456789-abcdefghijklmnopqrstuvwxyz-ABCDEFG';
export const CHALLENGE = createHash('sha256').update(VERIFIER).digest('base64url');

export interface Sent {
  url: string;
  method: string;
  headers: Record<string, string>;
  body: string;
  redirect?: RequestInit['redirect'];
}

export type Route = (req: Sent, init: RequestInit | undefined) => Response | Promise<Response>;

/** An injected fetch: routes by URL prefix, records every request; an unrouted URL fails like a refused connection. */
export class Upstream {
  sent: Sent[] = [];
  routes = new Map<string, Route>();

  on(prefix: string, route: Route): this {
    this.routes.set(prefix, route);
    return this;
  }

  fetch: typeof fetch = async (input, init) => {
    const req = input instanceof Request ? input : new Request(input, init);
    const headers: Record<string, string> = {};
    req.headers.forEach((v, k) => (headers[k] = v));
    const body = init?.body instanceof ArrayBuffer ? Buffer.from(init.body).toString('utf8') : typeof init?.body === 'string' ? init.body : init?.body ? await new Response(init.body).text() : '';
    const sent: Sent = { url: req.url, method: req.method, headers, body, redirect: init?.redirect };
    this.sent.push(sent);
    for (const [prefix, route] of this.routes) if (req.url.startsWith(prefix)) return route(sent, init);
    throw new TypeError('fetch failed');
  };
}

export const tokens = { access_token: 'eyJ.access.TOKEN', id_token: 'eyJ.id.TOKEN', refresh_token: 'REFRESH-token-value', token_type: 'Bearer', expires_in: 3600 };

export function jsonResponse(status: number, body: unknown): Response {
  return new Response(JSON.stringify(body), { status, headers: { 'content-type': 'application/json' } });
}

export interface Harness {
  handler: FacadeHandler;
  upstream: Upstream;
  clock: { now: number };
  logs: FacadeLogEntry[];
  /** Names the injected resolver was asked, and how each document fetch was routed. */
  resolved: string[];
  routed: Via[];
  /** What the injected resolver answers, by host name (default: one public address, never contacted). */
  dns: Map<string, HostAddress[]>;
}

/** A public address for document hosts: the injected connection never contacts it. */
export const PUBLIC_ADDRESS: HostAddress = { address: '93.184.215.14', family: 4 };

export function harness(over: Partial<FacadeConfig> = {}): Harness {
  const upstream = new Upstream();
  upstream.on(`${HOSTED_UI}/oauth2/token`, () => jsonResponse(200, tokens));
  const clock = { now: Date.UTC(2026, 0, 15, 12, 0, 0) };
  const logs: FacadeLogEntry[] = [];
  const resolved: string[] = [];
  const routed: Via[] = [];
  const dns = new Map<string, HostAddress[]>();
  const handler = createFacade({
    publicUrl: PUBLIC,
    cognito: { region: 'us-east-1', userPoolId: 'us-east-1_AbC123xyz', domainUrl: HOSTED_UI, clientId: CLIENT_ID, clientSecret: CLIENT_SECRET },
    gatewayUrl: GATEWAY,
    allowedRedirectUris: [CLAUDE_AI, COPILOT],
    signingKey: SIGNING_KEY,
    fetch: upstream.fetch,
    now: () => clock.now,
    log: (e) => logs.push(e),
    ...over,
    // No real DNS and no real connection: the resolver is a table, documents come from the upstream double.
    cimd: {
      env: {},
      resolve: async (host) => {
        resolved.push(host);
        return dns.get(host) ?? [PUBLIC_ADDRESS];
      },
      connect: (url, via, init) => {
        routed.push(via);
        return upstream.fetch(url.href, { ...init, redirect: 'manual' });
      },
      ...over.cimd,
    },
  });
  return { handler, upstream, clock, logs, resolved, routed, dns };
}

export function get(h: FacadeHandler, path: string, headers: Record<string, string> = {}): Promise<Response> {
  return h(new Request(`${PUBLIC}${path}`, { headers }));
}

export function postForm(h: FacadeHandler, path: string, form: Record<string, string>, headers: Record<string, string> = {}): Promise<Response> {
  return h(new Request(`${PUBLIC}${path}`, { method: 'POST', headers: { 'content-type': 'application/x-www-form-urlencoded', ...headers }, body: new URLSearchParams(form).toString() }));
}

export function postJson(h: FacadeHandler, path: string, body: unknown, headers: Record<string, string> = {}): Promise<Response> {
  return h(new Request(`${PUBLIC}${path}`, { method: 'POST', headers: { 'content-type': 'application/json', ...headers }, body: JSON.stringify(body) }));
}

export function authorizeQuery(over: Record<string, string | undefined> = {}): string {
  const q = new URLSearchParams();
  const params: Record<string, string | undefined> = {
    response_type: 'code',
    client_id: CLIENT_ID,
    redirect_uri: LOOPBACK,
    code_challenge: CHALLENGE,
    code_challenge_method: 'S256',
    state: 'client-state-123',
    ...over,
  };
  for (const [k, v] of Object.entries(params)) if (v !== undefined) q.set(k, v);
  return `/authorize?${q}`;
}

/** The cookie pair (name=value) a Set-Cookie header sets. */
export function cookiePair(setCookie: string): string {
  return setCookie.split(';')[0]!;
}

export interface Started {
  cognitoUrl: URL;
  state: string;
  cookie: string;
  setCookie: string;
}

/** GET /authorize; expects the redirect to Cognito. */
export async function start(h: Harness, over: Record<string, string | undefined> = {}): Promise<Started> {
  const res = await get(h.handler, authorizeQuery(over));
  if (res.status !== 302) throw new Error(`authorize answered ${res.status}: ${await res.text()}`);
  const cognitoUrl = new URL(res.headers.get('location')!);
  const setCookie = res.headers.getSetCookie()[0]!;
  return { cognitoUrl, state: cognitoUrl.searchParams.get('state')!, cookie: cookiePair(setCookie), setCookie };
}

/** Cognito sends the browser back to the façade's callback. */
export function callback(h: Harness, started: Pick<Started, 'state' | 'cookie'>, code = 'cognito-code-1'): Promise<Response> {
  return get(h.handler, `/callback?${new URLSearchParams({ code, state: started.state })}`, started.cookie ? { cookie: started.cookie } : {});
}

/** Runs authorize → callback and returns the façade's code as the client receives it. */
export async function codeFor(h: Harness, over: Record<string, string | undefined> = {}): Promise<string> {
  const s = await start(h, over);
  const res = await callback(h, s);
  if (res.status !== 302) throw new Error(`callback answered ${res.status}: ${await res.text()}`);
  return new URL(res.headers.get('location')!).searchParams.get('code')!;
}

export async function expectOAuthError(res: Response, status: number, error: string): Promise<{ error: string; error_description: string }> {
  const body = (await res.json()) as { error: string; error_description: string };
  if (res.status !== status || body.error !== error) {
    throw new Error(`expected ${status} ${error}, got ${res.status} ${JSON.stringify(body)}`);
  }
  if (res.headers.get('location')) throw new Error('an error response must not redirect');
  return body;
}

/** The HTML page a person sees at /authorize for a client metadata document that cannot be used; returns its text. */
export async function expectDocumentPage(res: Response, status = 400): Promise<string> {
  const html = await res.text();
  if (res.status !== status || !(res.headers.get('content-type') ?? '').startsWith('text/html')) {
    throw new Error(`expected an HTML page with status ${status}, got ${res.status} ${res.headers.get('content-type')}: ${html.slice(0, 300)}`);
  }
  if (res.headers.get('location')) throw new Error('an error page must not redirect');
  return html
    .replace(/<[^>]+>/g, ' ')
    .replace(/&#39;/g, "'")
    .replace(/&quot;/g, '"')
    .replace(/&lt;/g, '<')
    .replace(/&gt;/g, '>')
    .replace(/&amp;/g, '&')
    .replace(/\s+/g, ' ');
}
