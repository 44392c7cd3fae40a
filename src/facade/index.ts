/**
 * The OAuth façade in front of an AgentCore Gateway behind Cognito: one stateless handler from a
 * web-standard Request to a Response, with no AWS SDK inside. It runs under node:http (node.ts), a
 * Lambda function URL (lambda.ts) and tests alike.
 *
 *   GET  /.well-known/oauth-protected-resource/mcp   RFC 9728 metadata for /mcp (also at the root URL)
 *   GET  /.well-known/oauth-authorization-server     RFC 8414 metadata (also …/mcp, and both under /mcp/.well-known/)
 *   POST /register                                   RFC 7591 registration → the pre-provisioned client
 *   GET  /authorize                                  PKCE S256, redirect policy, signed state → Cognito
 *   GET  /callback                                   the one callback registered on the app client
 *   POST /token, /revoke                             to Cognito, with the app client's secret added
 *   *    /mcp                                        to the gateway, streamed
 *
 * On every route: the Host must be the façade URL's (421 naming it otherwise); on /mcp, a browser
 * Origin must be loopback, the façade's own or a configured one (403 otherwise: DNS rebinding).
 * Refresh tokens handed out are sealed and bound to the client (refresh.ts).
 */
import { authorize, callback } from './authorize.js';
import { resolveConfig, type FacadeConfig, type Resolved } from './config.js';
import { CORS, json, OAuthFailure, oauthError, preflight } from './http.js';
import { authorizationServerMetadata, protectedResourceMetadata } from './metadata.js';
import { proxy } from './proxy.js';
import { register } from './register.js';
import { revoke, token } from './token.js';

export type { FacadeConfig, FacadeLogEntry } from './config.js';
export { FacadeConfigError } from './config.js';

export type FacadeHandler = (req: Request) => Promise<Response>;

type Route = { methods: string[]; cors: boolean; run: (req: Request) => Response | Promise<Response> };

const LOOPBACK_HOSTS = new Set(['127.0.0.1', 'localhost', '[::1]']);
const DEFAULT_PORT: Record<string, string> = { 'http:': '80', 'https:': '443' };

/**
 * The Host a request names must be the façade URL's: tokens and metadata are bound to that URL, so
 * a client that reached it as localhost instead of 127.0.0.1 fails later, obscurely (and a name
 * that only resolves here by DNS rebinding is refused outright). A request without Host (tests,
 * in-process callers) is let through.
 */
function hostRefusal(r: Resolved, req: Request): OAuthFailure | undefined {
  const given = req.headers.get('host')?.toLowerCase();
  if (!r.expectedHost || !given) return undefined;
  const origin = new URL(r.publicUrl);
  const want = r.expectedHost.toLowerCase();
  if (given === want || given === `${want}:${DEFAULT_PORT[origin.protocol]}`) return undefined;
  const shown = /^[a-z0-9.\-:[\]]{1,255}$/.test(given) ? ` (this request named ${given})` : '';
  return new OAuthFailure(421, 'invalid_request', `This façade is served at ${r.publicUrl}${shown}: use ${r.resource} exactly as printed; tokens are bound to it.`, {}, "Host is not the façade URL's");
}

/** MCP Streamable HTTP: a browser Origin that is not allowed is refused (DNS rebinding); no Origin is not a browser. */
function originAllowed(r: Resolved, origin: string | null): boolean {
  if (origin === null || r.allowedOrigins.has(origin)) return true;
  if (!URL.canParse(origin)) return false;
  const u = new URL(origin);
  return (u.protocol === 'http:' || u.protocol === 'https:') && LOOPBACK_HOSTS.has(u.hostname) && u.origin === origin;
}

export function createFacade(config: FacadeConfig): FacadeHandler {
  const r = resolveConfig(config);
  const metadataHeaders = { ...CORS, 'cache-control': 'public, max-age=300' };
  const prm = JSON.stringify(protectedResourceMetadata(r));
  const asm = JSON.stringify(authorizationServerMetadata(r));
  const document = (body: string) => () => new Response(body, { status: 200, headers: { 'content-type': 'application/json', ...metadataHeaders } });

  const routes = new Map<string, Route>([
    ['/.well-known/oauth-protected-resource/mcp', { methods: ['GET'], cors: true, run: document(prm) }],
    ['/.well-known/oauth-protected-resource', { methods: ['GET'], cors: true, run: document(prm) }],
    ['/.well-known/oauth-authorization-server', { methods: ['GET'], cors: true, run: document(asm) }],
    // Path-inserted and path-appended forms of both documents: a Copilot Studio Dynamic discovery
    // connector used …/oauth-protected-resource/mcp (microsoft/PowerPlatformConnectors#4214), and
    // Copilot Studio has been reported adding the resource path (HelpCode-ai/anythingmcp v0.2.4
    // notes, as cited by issue 20, not re-verified). The issuer stays the origin.
    ['/.well-known/oauth-authorization-server/mcp', { methods: ['GET'], cors: true, run: document(asm) }],
    ['/mcp/.well-known/oauth-protected-resource', { methods: ['GET'], cors: true, run: document(prm) }],
    ['/mcp/.well-known/oauth-authorization-server', { methods: ['GET'], cors: true, run: document(asm) }],
    ['/register', { methods: ['POST'], cors: true, run: (req) => register(r, req) }],
    ['/authorize', { methods: ['GET'], cors: false, run: (req) => authorize(r, req) }],
    ['/callback', { methods: ['GET'], cors: false, run: (req) => callback(r, req) }],
    ['/token', { methods: ['POST'], cors: true, run: (req) => token(r, req) }],
    ['/revoke', { methods: ['POST'], cors: true, run: (req) => revoke(r, req) }],
    ['/mcp', { methods: ['GET', 'POST', 'DELETE'], cors: true, run: (req) => proxy(r, req) }],
  ]);

  return async (req) => {
    const started = r.now();
    const path = new URL(req.url).pathname;
    const route = routes.get(path);
    let res: Response;
    let reason: string | undefined;
    try {
      const misdirected = hostRefusal(r, req);
      if (misdirected) throw misdirected;
      if (path === '/mcp' && !originAllowed(r, req.headers.get('origin'))) {
        throw new OAuthFailure(403, 'forbidden', 'Requests to /mcp from a web page at this origin are not allowed.', {}, 'browser Origin not allowed');
      }
      if (!route) {
        res = json(404, { error: 'not_found', error_description: 'No such route on this authorization server.' });
      } else if (req.method === 'OPTIONS' && route.cors) {
        res = preflight(`${route.methods.join(', ')}, OPTIONS`);
      } else if (!route.methods.includes(req.method)) {
        res = json(405, { error: 'invalid_request', error_description: `Use ${route.methods.join(' or ')}.` }, { allow: route.methods.join(', ') });
      } else {
        res = await route.run(req);
      }
    } catch (e) {
      if (e instanceof OAuthFailure) {
        reason = e.reason ?? e.description;
        res = oauthError(e, route?.cors ?? false);
      } else {
        reason = 'internal error';
        res = json(500, { error: 'server_error', error_description: 'The façade failed unexpectedly.' });
      }
    }
    // The path only (never the query string); an unknown one is cut short.
    r.log({ method: req.method, path: route ? path : path.slice(0, 200), status: res.status, ms: r.now() - started, ...(reason ? { reason } : {}) });
    return res;
  };
}
