/**
 * HTTP for the live probes: where they go (the real host, or a loopback test server named by
 * MCP_COGNITO_PROBE_BASE), a short timeout, no redirect followed, and failures described from
 * fixed texts only (never an error message that could quote a token).
 */
import { DATA_PLANE_BASE_ENV, dataPlaneBase, routeToBase } from '../lib/data-plane.js';

export const PROBE_BASE_ENV = DATA_PLANE_BASE_ENV;

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
  const { base, warning } = dataPlaneBase(opts.env);
  if (base) return { enabled: true, base, timeoutMs };
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
  const { target: to, host } = routeToBase(url, s.base);
  let res: Response;
  try {
    // Inside the try: a header value fetch refuses (a pasted token with a newline) throws here.
    const headers = new Headers(init.headers);
    if (host) headers.set('x-forwarded-host', host);
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

