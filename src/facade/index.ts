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
 */
import { authorize, callback } from './authorize.js';
import { resolveConfig, type FacadeConfig } from './config.js';
import { CORS, json, OAuthFailure, oauthError, preflight } from './http.js';
import { authorizationServerMetadata, protectedResourceMetadata } from './metadata.js';
import { proxy } from './proxy.js';
import { register } from './register.js';
import { revoke, token } from './token.js';

export type { FacadeConfig, FacadeLogEntry } from './config.js';
export { FacadeConfigError } from './config.js';

export type FacadeHandler = (req: Request) => Promise<Response>;

type Route = { methods: string[]; cors: boolean; run: (req: Request) => Response | Promise<Response> };

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
        reason = e.description;
        res = oauthError(e, route?.cors ?? false);
      } else {
        reason = 'internal error';
        res = json(500, { error: 'server_error', error_description: 'The façade failed unexpectedly.' });
      }
    }
    r.log({ method: req.method, path: route ? path : '(unknown)', status: res.status, ms: r.now() - started, ...(reason ? { reason } : {}) });
    return res;
  };
}
