/**
 * /mcp: proxied to the gateway's MCP URL. The response body is streamed as it arrives (SSE for
 * Streamable HTTP), headers pass both ways except hop-by-hop ones, cookies and forwarding headers.
 * A request without a bearer token never reaches the gateway: the façade answers 401 with a
 * WWW-Authenticate that points at its own protected-resource metadata, and it rewrites the
 * gateway's own challenges the same way (otherwise discovery would lead to Cognito again).
 * MCP 2026-07-28 is stateless: its requests carry MCP-Protocol-Version, Mcp-Method and Mcp-Name (SEP-2243) and no
 * Mcp-Session-Id; the proxy keeps no session and passes those headers (and any Mcp-Param-*) as they are, and the
 * gateway's answer (a result with resultType, or 400 -32022 naming the versions it supports) goes back unchanged.
 */
import { CORS, json } from './http.js';
import type { Resolved } from './config.js';

const HOP_BY_HOP = new Set([
  'connection', 'keep-alive', 'proxy-authenticate', 'proxy-authorization', 'proxy-connection', 'te', 'trailer',
  'transfer-encoding', 'upgrade', 'host', 'content-length',
]);
/** Not passed to the gateway: the façade's cookies, forwarding claims, and encodings the fetch layer would decode. */
const REQUEST_DROP = new Set(['cookie', 'forwarded', 'accept-encoding']);
/** Not passed back: the body is re-encoded by the fetch layer, and the gateway sets no cookies for the façade's origin. */
const RESPONSE_DROP = new Set(['content-encoding', 'set-cookie', 'www-authenticate']);

export function challenge(r: Resolved, upstream?: string | null): string {
  const base = `Bearer resource_metadata="${r.resourceMetadataUrl}"`;
  // MCP 2025-11-25: the challenge SHOULD name the scopes needed (the gateway's, as advertised).
  const scope = r.scopes.length ? `scope="${r.scopes.join(' ')}"` : undefined;
  // Keep error, error_description and scope from the gateway's challenge; replace its resource_metadata.
  const kept: string[] = [];
  for (const m of (upstream ?? '').matchAll(/(error|error_description|scope)="([^"\\]*)"/g)) kept.push(`${m[1]}="${m[2]}"`);
  if (scope && !kept.some((k) => k.startsWith('scope='))) kept.push(scope);
  return kept.length ? `${base}, ${kept.join(', ')}` : base;
}

function bearer(req: Request): boolean {
  const auth = req.headers.get('authorization');
  return !!auth && /^Bearer\s+[A-Za-z0-9\-._~+/]+=*$/i.test(auth.trim());
}

export async function proxy(r: Resolved, req: Request): Promise<Response> {
  if (!bearer(req)) {
    return json(
      401,
      { error: 'invalid_token', error_description: 'A bearer token is required; sign in through the authorization server in the resource metadata.' },
      { 'www-authenticate': challenge(r), ...CORS },
    );
  }
  const headers = new Headers();
  for (const [k, v] of req.headers) {
    if (HOP_BY_HOP.has(k) || REQUEST_DROP.has(k) || k.startsWith('x-forwarded-') || k.startsWith('x-amzn-')) continue;
    headers.set(k, v);
  }
  const url = new URL(r.gatewayUrl);
  url.search = new URL(req.url).search;
  const hasBody = req.method !== 'GET' && req.method !== 'HEAD';
  let upstream: Response;
  try {
    upstream = await r.fetch(url.href, {
      method: req.method,
      headers,
      // MCP requests are small JSON-RPC messages: buffering the request keeps the upstream request a plain
      // Content-Length one; the response, which may be a long SSE stream, is never buffered.
      body: hasBody ? await req.arrayBuffer() : undefined,
      redirect: 'manual',
      signal: req.signal,
    });
  } catch {
    if (req.signal.aborted) return new Response(null, { status: 499 });
    return json(502, { error: 'bad_gateway', error_description: 'The AgentCore Gateway could not be reached.' }, CORS);
  }
  const out = new Headers(CORS);
  for (const [k, v] of upstream.headers) {
    if (HOP_BY_HOP.has(k) || RESPONSE_DROP.has(k)) continue;
    out.set(k, v);
  }
  const upstreamChallenge = upstream.headers.get('www-authenticate');
  if (upstreamChallenge || upstream.status === 401) out.set('www-authenticate', challenge(r, upstreamChallenge));
  return new Response(upstream.body, { status: upstream.status, statusText: upstream.statusText, headers: out });
}
