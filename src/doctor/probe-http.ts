/**
 * HTTP for the live probes: where they go (the real host, or a loopback test server named by
 * MCP_COGNITO_PROBE_BASE), a short timeout, no redirect followed, and failures described from
 * fixed texts only (never an error message that could quote a token).
 */
import { LOOPBACK_HOSTS } from '../lib/validate.js';

export const PROBE_BASE_ENV = 'MCP_COGNITO_PROBE_BASE';

export interface ProbeSettings {
  enabled: boolean;
  /** Why probes do not run. */
  reason?: string;
  /** A loopback origin every probe is sent to instead of the real host (tests). */
  base?: string;
  timeoutMs: number;
  /** A warning to print (an ignored probe base). */
  warning?: string;
}

/** Decide whether and where probes run. */
export function probeSettings(opts: { noProbes?: boolean; offline?: boolean; endpoint?: string; env: NodeJS.ProcessEnv }): ProbeSettings {
  const timeoutMs = Number(opts.env.MCP_COGNITO_PROBE_TIMEOUT_MS) > 0 ? Number(opts.env.MCP_COGNITO_PROBE_TIMEOUT_MS) : 4000;
  if (opts.offline) return { enabled: false, reason: 'offline (--offline)', timeoutMs };
  if (opts.noProbes) return { enabled: false, reason: 'turned off with --no-probes', timeoutMs };
  const raw = opts.env[PROBE_BASE_ENV];
  let warning: string | undefined;
  if (raw) {
    try {
      const u = new URL(raw);
      if (/^https?:$/.test(u.protocol) && LOOPBACK_HOSTS.has(u.hostname)) return { enabled: true, base: u.origin, timeoutMs };
      warning = `${PROBE_BASE_ENV}=${raw} is ignored: only a loopback address (localhost, 127.0.0.1, [::1]) is allowed.`;
    } catch {
      warning = `${PROBE_BASE_ENV} is not a URL and is ignored.`;
    }
  }
  if (opts.endpoint) return { enabled: false, reason: `the AWS endpoint is an emulator (${opts.endpoint}); probes would contact the real Cognito and gateway hosts`, timeoutMs, warning };
  return { enabled: true, timeoutMs, warning };
}

/** The probe could not reach its host (a skip, with the reason). */
export class Unreachable extends Error {}

export interface ProbeResponse {
  status: number;
  headers: Headers;
  text: string;
}

function target(url: string, s: ProbeSettings): string {
  if (!s.base) return url;
  const u = new URL(url);
  return s.base + u.pathname + u.search;
}

/**
 * Why a fetch failed, from fixed texts and error codes only: an error's message can quote the
 * request (fetch's TypeError for a bad header value quotes the whole header, token included).
 */
export function fetchFailure(e: unknown, host: string, s: Pick<ProbeSettings, 'base' | 'timeoutMs'>): string {
  const err = e as { name?: string; message?: string; cause?: { code?: unknown } };
  const where = `${host}${s.base ? ` (via ${s.base})` : ''}`;
  if (err?.name === 'TimeoutError' || err?.name === 'AbortError') return `${where} is not reachable (no answer within ${s.timeoutMs / 1000} s)`;
  const code = err?.cause?.code;
  if (typeof code === 'string' && /^[A-Z][A-Z0-9_]{1,40}$/.test(code)) return `${where} is not reachable (${code})`;
  // fetch's own network failure is a TypeError "fetch failed" with a cause; any other error was
  // thrown before sending (an invalid request: header value, URL…).
  if (err?.cause !== undefined && err?.message === 'fetch failed') return `${where} is not reachable (network error)`;
  return `the request to ${where} was not sent (invalid request)`;
}

/**
 * One request, never following a redirect. Sent to a probe base, it carries
 * `X-Forwarded-Host: <the real host>`: the project's emulator front routes data-plane requests
 * by it (test/emulator/types.ts).
 */
export async function probeFetch(url: string, init: RequestInit, s: ProbeSettings): Promise<ProbeResponse> {
  const to = target(url, s);
  let res: Response;
  try {
    // Inside the try: a header value fetch refuses (a pasted token with a newline) throws here.
    const headers = new Headers(init.headers);
    if (s.base) headers.set('x-forwarded-host', new URL(url).host);
    res = await fetch(to, { ...init, headers, redirect: 'manual', signal: AbortSignal.timeout(s.timeoutMs) });
  } catch (e) {
    throw new Unreachable(fetchFailure(e, new URL(url).host, s));
  }
  const text = await res.text();
  return { status: res.status, headers: res.headers, text };
}

export const snippet = (t: string) => t.replace(/\s+/g, ' ').trim().slice(0, 200);
export function json(t: string): Record<string, unknown> | undefined {
  try {
    const v = JSON.parse(t) as unknown;
    return v && typeof v === 'object' ? (v as Record<string, unknown>) : undefined;
  } catch {
    return undefined;
  }
}
/** A JSON-RPC message from a JSON or an SSE (text/event-stream) body. */
export function rpcBody(r: ProbeResponse): Record<string, unknown> | undefined {
  const direct = json(r.text);
  if (direct) return direct;
  const data = r.text
    .split('\n')
    .filter((l) => l.startsWith('data:'))
    .map((l) => l.slice(5).trim());
  for (const d of data) {
    const m = json(d);
    if (m && ('result' in m || 'error' in m)) return m;
  }
  return undefined;
}

