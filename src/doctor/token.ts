/**
 * Decode a Cognito token (no secret, no signature check) and compare its claims with the gateway
 * and the client. The token itself is never printed, logged or returned: only its claims.
 */
import { InputError } from '../lib/errors.js';
import { issuerUrl, parseCognitoDiscoveryUrl } from '../lib/urls.js';
import type { Check } from './types.js';
import { authorizeFix, kit, type Kit } from './kit.js';
import { describeRule, evaluateRule, type ClaimRule } from './claims.js';

export interface Claims {
  token_use?: string;
  client_id?: string;
  aud?: string | string[];
  scope?: string;
  iss?: string;
  exp?: number;
  iat?: number;
  sub?: string;
  username?: string;
  [k: string]: unknown;
}

export interface DecodedToken {
  header: Record<string, unknown>;
  claims: Claims;
}

function b64json(part: string): Record<string, unknown> | undefined {
  try {
    const json = Buffer.from(part.replace(/-/g, '+').replace(/_/g, '/'), 'base64').toString('utf8');
    const v = JSON.parse(json) as unknown;
    return v && typeof v === 'object' && !Array.isArray(v) ? (v as Record<string, unknown>) : undefined;
  } catch {
    return undefined;
  }
}

/**
 * Strip what people paste around a token: `Bearer `, `Authorization:`, quotes, whitespace, a
 * token response (JSON: its access_token, else its id_token) or a form/fragment
 * (`access_token=…&refresh_token=…`). The one cleaning used both to decode the token and to
 * send it (the probes): nothing else of the paste is ever sent or shown.
 */
export function cleanToken(raw: string): string {
  let t = raw.trim();
  const found = /"access_token"\s*:\s*"([^"]+)"/.exec(t) ?? /(?:^|[?#&\s])access_token=([^&\s"']+)/i.exec(t) ?? /"id_token"\s*:\s*"([^"]+)"/.exec(t);
  if (found) t = found[1]!;
  t = t.replace(/^authorization:\s*/i, '').replace(/^bearer\s+/i, '');
  return t.replace(/^["']|["']$/g, '').trim();
}

/** The token and every token-like value of what was pasted with it (a refresh or ID token). */
export function pastedSecrets(raw: string): string[] {
  const out = [raw.trim(), cleanToken(raw)];
  for (const m of raw.matchAll(/"(?:access_token|refresh_token|id_token)"\s*:\s*"([^"]+)"|(?:access_token|refresh_token|id_token)=([^&\s"']+)/gi)) out.push((m[1] ?? m[2])!);
  return out;
}

/** Decode a JWT's header and payload. Throws an InputError that never quotes the token. */
export function decodeJwt(raw: string): DecodedToken {
  const token = cleanToken(raw);
  const parts = token.split('.');
  if (parts.length !== 3 || parts.some((p) => !/^[A-Za-z0-9_-]*$/.test(p)) || !parts[0] || !parts[1]) {
    throw new InputError(`--token is not a JWT (expected three base64url parts separated by dots; got ${parts.length} part${parts.length === 1 ? '' : 's'}, ${token.length} characters).`, 'Pass the access_token from the token response, or - to read it from stdin.');
  }
  const header = b64json(parts[0]);
  const claims = b64json(parts[1]);
  if (!header || !claims) throw new InputError('--token is not a JWT: its header or payload is not base64url-encoded JSON.');
  return { header, claims: claims as Claims };
}

/** A one-line, secret-free description of the claims. */
export function describeClaims(c: Claims): string {
  const parts = [
    `token_use=${c.token_use ?? '(none)'}`,
    `client_id=${c.client_id ?? '(none)'}`,
    `scope="${c.scope ?? ''}"`,
    `iss=${c.iss ?? '(none)'}`,
    `aud=${c.aud === undefined ? '(none)' : Array.isArray(c.aud) ? c.aud.join(',') : c.aud}`,
    `exp=${typeof c.exp === 'number' ? new Date(c.exp * 1000).toISOString() : '(none)'}`,
  ];
  return parts.join(' ');
}

export interface TokenContext {
  /** `token` for --token, `probe.token` for the token doctor fetched itself. */
  prefix: string;
  now?: number;
  region?: string;
  poolId?: string;
  gatewayId?: string;
  /** The gateway's CUSTOM_JWT authorizer, when it could be read. */
  jwt?: { discoveryUrl?: string; allowedClients?: string[]; allowedAudience?: string[]; allowedScopes?: string[]; customClaims?: ClaimRule[] };
  /** Why gateway comparisons cannot run (offline, no gateway, read failed). */
  gatewayUnavailable?: string;
  /** The client being examined, to notice a token from another client. */
  clientIds?: string[];
}

/** The token checks' ids (after the prefix) and passing titles, bound once. */
export const TOKEN_CHECKS = {
  decode: 'The token decodes',
  use: 'It is an access token',
  expiry: 'The token has not expired',
  issuer: 'The token comes from the pool the gateway trusts',
  client: "The gateway accepts the token's client",
  scope: "The token's scope passes the gateway",
  audience: "The token's audience passes the gateway",
  claims: 'The token has the claims the gateway requires',
} as const;

const ago = (ms: number) => {
  const mins = Math.round(ms / 60_000);
  return mins < 120 ? `${mins} min` : mins < 48 * 60 ? `${Math.round(mins / 60)} h` : `${Math.round(mins / 1440)} days`;
};

/** Compare a decoded token with the gateway (and pool): token_use, exp, iss, client_id, scope, aud, custom claims. */
export function tokenChecks(t: DecodedToken, tc: TokenContext): Check[] {
  const c = t.claims;
  const k = Object.fromEntries(Object.entries(TOKEN_CHECKS).map(([id, title]) => [id, kit(`${tc.prefix}.${id}`, title)])) as Record<keyof typeof TOKEN_CHECKS, Kit>;
  const now = tc.now ?? Date.now();
  const out: Check[] = [];
  out.push(k.decode.pass(`${describeClaims(c)} (alg ${String(t.header.alg ?? '?')}; the signature is not verified here).`));

  if (c.token_use === 'access') out.push(k.use.pass('token_use is access.'));
  else if (c.token_use === 'id') out.push(k.use.fail('This is an ID token, not the access token', `token_use is id (aud=${String(c.aud)}, no client_id and no scope): the gateway checks client_id and scope, so it rejects ID tokens with 401.`, { todo: 'Send the access_token of the token response, not the id_token.' }));
  else out.push(k.use.warn('This is not a Cognito access token', `token_use is ${c.token_use ?? 'missing'}.`));

  if (typeof c.exp !== 'number') out.push(k.expiry.warn('The token has no expiry', 'It has no exp claim; Cognito tokens always have one.'));
  else if (c.exp * 1000 <= now) {
    out.push(
      k.expiry.fail(`The token expired ${ago(now - c.exp * 1000)} ago`, `It expired at ${new Date(c.exp * 1000).toISOString()}: the gateway answers 401. A client keeps working only if it refreshes the token in time.`, {
        todo: 'Get a new token. Copilot Studio refreshes it by itself when its Refresh URL is the token URL and the refresh token is still valid: check that with mcp-cognito doctor --refresh-token - (paste the refresh token).',
      }),
    );
  } else out.push(k.expiry.pass(`Valid until ${new Date(c.exp * 1000).toISOString()} (${Math.round((c.exp * 1000 - now) / 60_000)} min left).`));

  const unavailable = (x: Kit) => out.push(x.skip(tc.gatewayUnavailable ?? 'The gateway could not be read.'));

  // Issuer: the gateway's discovery URL names the pool it trusts; fall back to the examined pool.
  const gwPool = tc.jwt?.discoveryUrl ? parseCognitoDiscoveryUrl(tc.jwt.discoveryUrl) : undefined;
  const expectedIss = gwPool ? issuerUrl(gwPool.region, gwPool.poolId) : tc.poolId && tc.region ? issuerUrl(tc.region, tc.poolId) : undefined;
  if (!expectedIss) unavailable(k.issuer);
  else if (c.iss === expectedIss) out.push(k.issuer.pass(`iss ${c.iss} is the issuer of the ${gwPool ? "gateway's discovery URL" : 'examined pool'}.`));
  else {
    out.push(
      k.issuer.fail(`The token comes from another pool than the ${gwPool ? 'gateway trusts' : 'examined one'}`, `Its iss is ${c.iss ?? '(none)'}, the issuer of ${gwPool ? "the gateway's discovery URL" : 'the examined pool'} is ${expectedIss}: the gateway rejects it, with 401 or with 403 insufficient_scope even when the scope matches.`, {
        todo: `Get the token from pool ${gwPool?.poolId ?? tc.poolId} (its domain's /oauth2/token), or point the gateway at the pool that issued it.`,
      }),
    );
  }

  if (c.token_use === 'id') {
    // An ID token fails the client/scope rules because it is the wrong token, not because of them.
    for (const x of [k.client, k.scope, k.audience, k.claims]) out.push(x.skip(`Not compared: this is an ID token; compare the access token instead.`));
    return out;
  }
  if (!tc.jwt) {
    for (const x of [k.client, k.scope, k.audience, k.claims]) unavailable(x);
    return out;
  }
  const j = tc.jwt;
  const allowedClients = j.allowedClients ?? [];
  if (!allowedClients.length) out.push(k.client.pass(`The gateway checks no client ID (client_id ${c.client_id ?? '(none)'} is not checked).`));
  else if (c.client_id && allowedClients.includes(c.client_id)) {
    const other = tc.clientIds?.length && !tc.clientIds.includes(c.client_id) ? ` Note: it is not the client being examined (${tc.clientIds.join(', ')}).` : '';
    const detail = `client_id ${c.client_id} is in allowedClients.${other}`;
    out.push(other ? k.client.warn(`The token belongs to another client (${c.client_id})`, detail) : k.client.pass(detail));
  } else if (c.client_id) {
    out.push(k.client.fail(`The gateway does not accept the token's client ${c.client_id}`, `allowedClients [${allowedClients.join(', ')}] does not contain ${c.client_id}: the gateway answers 401 "Invalid Bearer token".`, { fix: authorizeFix(tc.gatewayId, c.client_id) }));
  } else {
    out.push(k.client.fail('The token names no client', `It has no client_id (an ID token?), and the gateway checks allowedClients [${allowedClients.join(', ')}].`, { todo: 'Send the access token.' }));
  }

  const allowedScopes = j.allowedScopes ?? [];
  const scopes = (c.scope ?? '').split(/\s+/).filter(Boolean);
  if (!allowedScopes.length) out.push(k.scope.pass(`The gateway checks no scope (scope "${c.scope ?? ''}" is not checked).`));
  else if (scopes.some((s) => allowedScopes.includes(s))) out.push(k.scope.pass(`scope "${c.scope}" includes ${scopes.filter((s) => allowedScopes.includes(s)).join(', ')}, which allowedScopes accepts.`));
  else {
    const want = allowedScopes.find((s) => s.includes('/')) ?? allowedScopes[0]!;
    out.push(
      k.scope.fail("The token's scope does not satisfy the gateway", `scope "${c.scope ?? ''}" shares nothing with allowedScopes [${allowedScopes.join(', ')}]: the gateway answers 401 (or 403 insufficient_scope).${scopes.includes('aws.cognito.signin.user.admin') ? ' A token from InitiateAuth carries only aws.cognito.signin.user.admin.' : ''}`, {
        todo: `Ask for ${want} when getting the token (in Copilot Studio: put ${want} in the Scopes field; the client must allow it), then get a new token.`,
      }),
    );
  }

  const audList = j.allowedAudience ?? [];
  const aud = c.aud === undefined ? [] : Array.isArray(c.aud) ? c.aud : [c.aud];
  if (!audList.length) out.push(k.audience.pass(`The gateway checks no audience${aud.length ? '' : ' (Cognito access tokens carry none)'}.`));
  else if (aud.some((a) => audList.includes(a))) out.push(k.audience.pass(`aud ${aud.join(', ')} is in allowedAudience.`));
  else out.push(k.audience.fail('The token has no audience the gateway accepts', `The gateway requires aud in [${audList.join(', ')}], but the token has ${aud.length ? `aud ${aud.join(', ')}` : 'no aud (Cognito access tokens never do)'}: rejected with 401.`, { todo: "Remove allowedAudience from the gateway and list the client in allowedClients (mcp-cognito doctor shows the gateway's allowedAudience finding with the command)." }));

  const rules = j.customClaims ?? [];
  if (!rules.length) out.push(k.claims.pass('The gateway requires no custom claim.'));
  else {
    const failed = rules.map((r) => ({ r, e: evaluateRule(r, c) })).filter((x) => !x.e.ok);
    if (!failed.length) out.push(k.claims.pass(`${rules.map(describeRule).join('; ')}: the token passes.`));
    else out.push(k.claims.fail('The token lacks a claim the gateway requires', `${failed.map((x) => `the gateway requires ${describeRule(x.r)}; the token has ${x.e.had}`).join('; ')}: rejected with 401.`, { todo: 'Cognito puts custom claims in access tokens only through a pre-token-generation trigger (event version 2, or 3 for M2M tokens): make it add the claim, or change the gateway rule.' }));
  }
  return out;
}

/** Read `--token -` from stdin (the whole input, trimmed). */
export async function readStdin(stream: NodeJS.ReadableStream = process.stdin): Promise<string> {
  const chunks: Buffer[] = [];
  for await (const chunk of stream) chunks.push(typeof chunk === 'string' ? Buffer.from(chunk) : (chunk as Buffer));
  return Buffer.concat(chunks).toString('utf8').trim();
}
