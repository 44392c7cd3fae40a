/** Small response builders shared by the routes. */

export const NO_STORE = { 'cache-control': 'no-store', pragma: 'no-cache' } as const;

/** Headers for endpoints a browser-based client (MCP Inspector) calls with fetch. */
export const CORS = {
  'access-control-allow-origin': '*',
  'access-control-expose-headers': 'mcp-session-id, mcp-protocol-version, www-authenticate',
} as const;

export function json(status: number, body: unknown, headers: Record<string, string> = {}): Response {
  return new Response(JSON.stringify(body), {
    status,
    headers: { 'content-type': 'application/json', 'x-content-type-options': 'nosniff', ...headers },
  });
}

/** An OAuth error (RFC 6749 §5.2) the façade answers itself; `reason` goes to the log, never to the body. */
export class OAuthFailure extends Error {
  constructor(
    readonly status: number,
    readonly error: string,
    readonly description: string,
    readonly headers: Record<string, string> = {},
    /** What the log says, when it differs from the description (never a value from the request). */
    readonly reason?: string,
    /** An HTML page for a person in a browser, answered instead of the JSON error. */
    readonly page?: string,
  ) {
    super(description);
  }
}

export function oauthError(f: OAuthFailure, cors: boolean): Response {
  if (f.page) {
    return new Response(f.page, {
      status: f.status,
      headers: { 'content-type': 'text/html; charset=utf-8', 'x-content-type-options': 'nosniff', 'content-security-policy': "default-src 'none'; style-src 'unsafe-inline'", ...NO_STORE },
    });
  }
  return json(
    f.status,
    { error: f.error, error_description: f.description },
    { ...NO_STORE, ...(cors ? CORS : {}), ...f.headers },
  );
}

const HTML_ESCAPES: Record<string, string> = { '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' };

export function escapeHtml(text: string): string {
  return text.replace(/[&<>"']/g, (c) => HTML_ESCAPES[c]!);
}

/** A small page for a person in a browser: a title, what happened, what to do (all text, escaped here). */
export function htmlPage(title: string, paragraphs: readonly string[]): string {
  return [
    '<!doctype html><html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width">',
    `<title>${escapeHtml(title)}</title><style>body{font:16px/1.5 system-ui,sans-serif;max-width:40rem;margin:3rem auto;padding:0 1rem}</style></head><body>`,
    `<h1>${escapeHtml(title)}</h1>`,
    ...paragraphs.map((p) => `<p>${escapeHtml(p)}</p>`),
    '</body></html>',
  ].join('\n');
}

export function redirect(location: string, cookies: string[] = []): Response {
  const headers = new Headers({ location, ...NO_STORE, 'referrer-policy': 'no-referrer' });
  for (const c of cookies) headers.append('set-cookie', c);
  return new Response(null, { status: 302, headers });
}

export function preflight(methods: string): Response {
  return new Response(null, {
    status: 204,
    headers: {
      'access-control-allow-origin': '*',
      'access-control-allow-methods': methods,
      // mcp-method and mcp-name: the standard request headers of MCP 2026-07-28 (SEP-2243), sent by browser clients too.
      'access-control-allow-headers': 'authorization, content-type, accept, mcp-protocol-version, mcp-session-id, mcp-method, mcp-name, last-event-id',
      'access-control-max-age': '86400',
    },
  });
}

/** Reads a request body up to `max` bytes; larger bodies are refused without being read further. */
export function readText(req: Request, max: number): Promise<string> {
  return readBounded(req, max, () => new OAuthFailure(413, 'invalid_request', 'The request body is too large.'));
}

/**
 * Reads a request's or a response's body as text, up to `max` bytes: a larger declared
 * Content-Length, or more bytes as they arrive, stop the read (the stream is cancelled) with `tooLarge()`.
 */
export async function readBounded(from: Request | Response, max: number, tooLarge: () => Error): Promise<string> {
  const declared = Number(from.headers.get('content-length') ?? '0');
  if (declared > max) {
    await from.body?.cancel();
    throw tooLarge();
  }
  if (!from.body) return '';
  const reader = from.body.getReader();
  const chunks: Uint8Array[] = [];
  let size = 0;
  for (;;) {
    const { done, value } = await reader.read();
    if (done) break;
    size += value.byteLength;
    if (size > max) {
      await reader.cancel();
      throw tooLarge();
    }
    chunks.push(value);
  }
  return Buffer.concat(chunks).toString('utf8');
}

/** Parses an application/x-www-form-urlencoded body; a repeated parameter is refused (RFC 6749 §3.1). */
export async function readForm(req: Request, max = 16_384): Promise<URLSearchParams> {
  const type = (req.headers.get('content-type') ?? '').split(';')[0]!.trim().toLowerCase();
  if (type !== 'application/x-www-form-urlencoded') {
    throw new OAuthFailure(400, 'invalid_request', 'The body must be application/x-www-form-urlencoded.');
  }
  const form = new URLSearchParams(await readText(req, max));
  rejectRepeated(form);
  return form;
}

export function rejectRepeated(params: URLSearchParams): void {
  const seen = new Set<string>();
  for (const key of params.keys()) {
    if (seen.has(key)) throw new OAuthFailure(400, 'invalid_request', 'A parameter is repeated.');
    seen.add(key);
  }
}

export function cookieValue(req: Request, name: string): string | undefined {
  const header = req.headers.get('cookie');
  if (!header) return undefined;
  for (const part of header.split(';')) {
    const eq = part.indexOf('=');
    if (eq > 0 && part.slice(0, eq).trim() === name) return part.slice(eq + 1).trim();
  }
  return undefined;
}
