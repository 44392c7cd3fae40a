/**
 * Signed envelopes: the state the façade sends to Cognito and the code it hands the client.
 *
 *   <base64url(JSON payload)>.<base64url(HMAC-SHA256(key, purpose "." payload))>
 *
 * The purpose is part of what is signed, so a state can never be presented as a code or the
 * reverse. Verification tries the current key and then the previous ones (rotation), compares in
 * constant time, and checks the issue time against the clock: not older than the lifetime, not
 * later than now plus the allowed skew.
 */
import { createHash, createHmac, randomBytes, timingSafeEqual } from 'node:crypto';

export type Purpose = 'state' | 'code' | 'secret';
const PREFIX = 'mcp-cognito-facade/v1/';

/** What /authorize signs into the state it sends to Cognito. */
export interface StatePayload {
  /** The client's redirect_uri. */
  r: string;
  /** The client's own state, when it sent one. */
  s?: string;
  /** Hash of the client_id (the Cognito client id or a metadata document URL). */
  c: string;
  /** Random nonce; also the name of the browser-binding cookie. */
  n: string;
  /** Issued at, milliseconds since the epoch. */
  t: number;
}

/** What /callback wraps Cognito's code in. */
export interface CodePayload {
  /** Cognito's authorization code. */
  k: string;
  r: string;
  c: string;
  t: number;
}

function mac(key: Uint8Array, purpose: Purpose, body: string): Buffer {
  return createHmac('sha256', key).update(`${PREFIX}${purpose}.${body}`).digest();
}

export function sign(key: Uint8Array, purpose: Purpose, payload: StatePayload | CodePayload | { c: string; t: number }): string {
  const body = Buffer.from(JSON.stringify(payload)).toString('base64url');
  return `${body}.${mac(key, purpose, body).toString('base64url')}`;
}

export type VerifyFailure = 'malformed' | 'signature' | 'expired' | 'future';

export function verify<T extends { t: number }>(
  keys: readonly Uint8Array[],
  purpose: Purpose,
  token: string,
  now: number,
  ttlMs: number,
  skewMs: number,
): { ok: true; payload: T } | { ok: false; why: VerifyFailure } {
  const dot = token.indexOf('.');
  if (dot <= 0 || dot !== token.lastIndexOf('.') || token.length > 4096) return { ok: false, why: 'malformed' };
  const body = token.slice(0, dot);
  const given = Buffer.from(token.slice(dot + 1), 'base64url');
  if (given.length !== 32) return { ok: false, why: 'signature' };
  let good = false;
  for (const key of keys) {
    if (timingSafeEqual(mac(key, purpose, body), given)) good = true;
  }
  if (!good) return { ok: false, why: 'signature' };
  let payload: unknown;
  try {
    payload = JSON.parse(Buffer.from(body, 'base64url').toString('utf8'));
  } catch {
    return { ok: false, why: 'malformed' };
  }
  if (typeof payload !== 'object' || payload === null || typeof (payload as { t?: unknown }).t !== 'number') {
    return { ok: false, why: 'malformed' };
  }
  const t = (payload as { t: number }).t;
  if (t > now + skewMs) return { ok: false, why: 'future' };
  if (now > t + ttlMs) return { ok: false, why: 'expired' };
  return { ok: true, payload: payload as T };
}

/** A short, stable digest of a client_id (a metadata document URL can be long). */
export function clientHash(clientId: string): string {
  return createHash('sha256').update(clientId).digest('base64url').slice(0, 22);
}

export function nonce(): string {
  return randomBytes(16).toString('base64url');
}
