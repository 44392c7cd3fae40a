/**
 * Where requests to AWS data planes (Cognito's issuer and hosted UI, an AgentCore gateway's MCP
 * endpoint) go: to the real host, or, for tests, to one loopback server named by
 * MCP_COGNITO_PROBE_BASE, which routes by `X-Forwarded-Host: <the real host>` (the project's
 * emulator front, test/emulator/types.ts). One mechanism for doctor's probes and the façade's
 * outbound calls under `facade serve`. Only a loopback base is ever accepted; loopback URLs are
 * never rewritten.
 */
import { LOOPBACK_HOSTS } from './validate.js';

export const DATA_PLANE_BASE_ENV = 'MCP_COGNITO_PROBE_BASE';

/** The loopback origin data-plane requests are sent to, or a warning when the variable is set but ignored. */
export function dataPlaneBase(env: NodeJS.ProcessEnv): { base?: string; warning?: string } {
  const raw = env[DATA_PLANE_BASE_ENV];
  if (!raw) return {};
  try {
    const u = new URL(raw);
    if (/^https?:$/.test(u.protocol) && LOOPBACK_HOSTS.has(u.hostname)) return { base: u.origin };
    return { warning: `${DATA_PLANE_BASE_ENV}=${raw} is ignored: only a loopback address (localhost, 127.0.0.1, [::1]) is allowed.` };
  } catch {
    return { warning: `${DATA_PLANE_BASE_ENV} is not a URL and is ignored.` };
  }
}

/** Where `url` is sent: unchanged without a base or for a loopback URL; else the base, with the real host to name. */
export function routeToBase(url: string, base: string | undefined): { target: string; host?: string } {
  if (!base) return { target: url };
  const u = new URL(url);
  if (LOOPBACK_HOSTS.has(u.hostname)) return { target: url };
  return { target: base + u.pathname + u.search, host: u.host };
}

/** A fetch that sends every non-loopback request to `base` with X-Forwarded-Host (redirects are not followed through it). */
export function dataPlaneFetch(base: string | undefined, f: typeof fetch = (i, o) => globalThis.fetch(i, o)): typeof fetch {
  if (!base) return f;
  return async (input, init = {}) => {
    const url = input instanceof Request ? input.url : String(input);
    const { target, host } = routeToBase(url, base);
    const headers = new Headers(init.headers ?? (input instanceof Request ? input.headers : undefined));
    if (host) headers.set('x-forwarded-host', host);
    if (input instanceof Request && !init.body && input.body) {
      return f(target, { method: input.method, headers, body: await input.arrayBuffer(), signal: init.signal ?? input.signal, redirect: init.redirect ?? input.redirect });
    }
    return f(target, { ...init, headers });
  };
}
