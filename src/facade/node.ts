/**
 * node:http → the façade handler. The request body is handed over as a stream, the response is
 * written chunk by chunk as the handler produces it (an SSE stream from the gateway reaches the
 * client as it arrives), and a client that goes away aborts the upstream request.
 */
import { Readable } from 'node:stream';
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { FacadeHandler } from './index.js';

export function toNodeListener(handler: FacadeHandler): (req: IncomingMessage, res: ServerResponse) => void {
  return (req, res) => {
    void serve(handler, req, res).catch(() => {
      if (!res.headersSent) res.writeHead(500, { 'content-type': 'application/json' });
      res.end(res.headersSent ? undefined : '{"error":"server_error"}');
    });
  };
}

async function serve(handler: FacadeHandler, req: IncomingMessage, res: ServerResponse): Promise<void> {
  const abort = new AbortController();
  res.on('close', () => {
    if (!res.writableFinished) abort.abort();
  });
  const headers = new Headers();
  for (let i = 0; i < req.rawHeaders.length; i += 2) {
    const name = req.rawHeaders[i]!;
    // HTTP/2 pseudo-headers are not headers.
    if (!name.startsWith(':')) headers.append(name, req.rawHeaders[i + 1]!);
  }
  const method = req.method ?? 'GET';
  const hasBody = method !== 'GET' && method !== 'HEAD';
  // Only the path and query of the request are used; the handler builds every URL it emits from its configured origin.
  const target = req.url?.startsWith('/') ? req.url : '/';
  const request = new Request(`http://facade.invalid${target}`, {
    method,
    headers,
    body: hasBody ? (Readable.toWeb(req) as ReadableStream<Uint8Array>) : undefined,
    signal: abort.signal,
    ...(hasBody ? { duplex: 'half' } : {}),
  } as RequestInit);

  const response = await handler(request);
  const out: Record<string, string | string[]> = {};
  response.headers.forEach((value, name) => {
    if (name !== 'set-cookie') out[name] = value;
  });
  const cookies = response.headers.getSetCookie();
  if (cookies.length) out['set-cookie'] = cookies;
  res.writeHead(response.status, out);
  if (!response.body || method === 'HEAD') {
    await response.body?.cancel();
    res.end();
    return;
  }
  res.flushHeaders();
  const reader = response.body.getReader();
  try {
    for (;;) {
      const { done, value } = await reader.read();
      if (done) break;
      if (!res.write(value)) await new Promise<void>((resolve) => res.once('drain', resolve).once('close', resolve));
      if (res.destroyed) break;
    }
  } finally {
    if (res.destroyed) await reader.cancel().catch(() => {});
    res.end();
  }
}

/**
 * A listener to attach before the server listens: until `ready(handler)` it answers every request
 * 503 with Retry-After (never leaving one unanswered while the façade is still being set up), then
 * it hands requests to the façade.
 */
export function startingListener(): { listener: (req: IncomingMessage, res: ServerResponse) => void; ready: (handler: FacadeHandler) => void } {
  let serveReady: ((req: IncomingMessage, res: ServerResponse) => void) | undefined;
  return {
    listener: (req, res) => {
      if (serveReady) return serveReady(req, res);
      req.resume();
      res.writeHead(503, { 'content-type': 'application/json', 'retry-after': '1', 'cache-control': 'no-store', connection: 'close' });
      res.end(JSON.stringify({ error: 'temporarily_unavailable', error_description: 'The façade is starting; try again in a moment.' }));
    },
    ready: (handler) => {
      serveReady = toNodeListener(handler);
    },
  };
}
