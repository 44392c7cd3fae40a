/**
 * Defence in depth for doctor's output: whatever a check says, the token the user passed, what
 * was pasted with it, a token the probes obtained and client secrets never reach stdout or the
 * JSON. Each known secret (and each long part of a JWT) is replaced, and so is anything that
 * looks like a JWT/JWE (base64url JSON starting with `eyJ`).
 */
import type { Check } from './types.js';

export const REDACTED = '<redacted>';
const JWT_LIKE = /\beyJ[A-Za-z0-9_-]{10,}(?:\.[A-Za-z0-9_-]*){0,4}/g;
/** Shorter values are not replaced (they would mangle ordinary text). */
const MIN = 8;

function expand(secrets: readonly (string | undefined)[]): string[] {
  const all = new Set<string>();
  for (const s of secrets) {
    if (!s) continue;
    all.add(s);
    all.add(s.trim());
    // A truncated echo (a response snippet) may hold only part of a token.
    if (s.includes('.')) for (const part of s.split('.')) if (part.length >= 16) all.add(part);
  }
  return [...all].filter((s) => s.length >= MIN).sort((a, b) => b.length - a.length);
}

export function redactText(text: string, secrets: readonly (string | undefined)[]): string {
  let t = text;
  for (const s of expand(secrets)) t = t.split(s).join(REDACTED);
  return t.replace(JWT_LIKE, REDACTED);
}

/** The checks with every secret removed from their detail and fix. */
export function redactChecks(checks: readonly Check[], secrets: readonly (string | undefined)[]): Check[] {
  const list = expand(secrets);
  return checks.map((c) => ({ ...c, detail: redactText(c.detail, list), ...(c.fix !== undefined ? { fix: redactText(c.fix, list) } : {}) }));
}
