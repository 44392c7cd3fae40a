/**
 * `awsFetch(frontUrl)`: a fetch for tests and the MCP SDK client that sends every https request for an AWS or Cognito
 * host (…amazonaws.com, …amazoncognito.com) to the local emulator front at `frontUrl`, with the host it has on AWS in
 * `X-Forwarded-Host`, and leaves loopback URLs alone. Anything else is refused: tests never reach a non-loopback
 * address. Redirects are followed here (hop by hop, each hop rewritten the same way) unless `redirect` is 'manual'
 * or 'error', so a 302 to https://<prefix>.auth.<region>.amazoncognito.com/login stays on the emulator.
 */
const AWS_HOST = /(^|\.)(amazonaws\.com|amazoncognito\.com)$/i;
const LOOPBACK = new Set(['127.0.0.1', 'localhost', '[::1]', '::1']);

export type FetchLike = (input: string | URL | Request, init?: RequestInit) => Promise<Response>;

export function awsFetch(frontUrl: string, base: FetchLike = fetch): FetchLike {
  const front = new URL(frontUrl);

  const route = (u: URL): { target: string; host?: string } => {
    if (LOOPBACK.has(u.hostname)) return { target: u.toString() };
    if (u.protocol === 'https:' && AWS_HOST.test(u.hostname)) {
      return { target: new URL(u.pathname + u.search, front).toString(), host: u.port ? `${u.hostname}:${u.port}` : u.hostname };
    }
    throw new TypeError(`awsFetch: refusing to contact ${u.origin} (only AWS hosts, through the emulator, and loopback)`);
  };

  const once = (url: URL, init: RequestInit) => {
    const { target, host } = route(url);
    const headers = new Headers(init.headers);
    if (host) headers.set('x-forwarded-host', host);
    else headers.delete('x-forwarded-host');
    return base(target, { ...init, headers, redirect: 'manual' });
  };

  return async (input, init = {}) => {
    let url: URL;
    let req: RequestInit = { ...init };
    if (input instanceof Request) {
      url = new URL(input.url);
      req = { method: input.method, headers: input.headers, body: input.body ? await input.arrayBuffer() : undefined, signal: input.signal, ...init };
    } else url = new URL(String(input));
    const mode = req.redirect ?? 'follow';
    for (let hop = 0; hop <= 20; hop++) {
      const res = await once(url, req);
      const location = res.headers.get('location');
      if (![301, 302, 303, 307, 308].includes(res.status) || !location || mode === 'manual') return res;
      if (mode === 'error') throw new TypeError(`awsFetch: redirect to ${location} with redirect: 'error'`);
      url = new URL(location, url);
      // Fetch spec: 303, and 301/302 after POST, become GET without a body.
      if (res.status === 303 || ((res.status === 301 || res.status === 302) && (req.method ?? 'GET').toUpperCase() === 'POST')) {
        const headers = new Headers(req.headers);
        headers.delete('content-type');
        req = { ...req, method: 'GET', body: undefined, headers };
      }
    }
    throw new TypeError('awsFetch: too many redirects');
  };
}
