/**
 * /token and /revoke: the client is public (it holds no secret); the façade checks what it can,
 * rewrites the request for Cognito and authenticates as the app client (HTTP Basic, RFC 6749
 * §2.3.1) when the client has a secret.
 *
 * authorization_code: the code is the façade's signed envelope from /callback; the client_id and
 * redirect_uri sent here must be those of the authorization request (RFC 6749 §4.1.3), since
 * Cognito only ever sees the façade's callback. The redirect_uri sent to Cognito is that callback;
 * code_verifier passes through and Cognito checks it against the challenge.
 * refresh_token: only a sealed refresh token this façade issued to this client (refresh.ts); Cognito's
 * token inside is sent, and the answer carries a new sealed token (rotation).
 */
import { OAuthFailure, NO_STORE, CORS, readForm, json } from './http.js';
import { isUrlClientId } from './cimd.js';
import { checkResource } from './authorize.js';
import { checkClientSecret } from './client-secret.js';
import { clientHash, verify, type CodePayload } from './signed.js';
import type { Unsealed } from './refresh.js';
import type { Resolved } from './config.js';

const PKCE_VERIFIER = /^[A-Za-z0-9\-._~]{43,128}$/;

function bad(description: string, error = 'invalid_request', status = 400): OAuthFailure {
  return new OAuthFailure(status, error, description);
}

/** The caller's client_id: from the body, or the user part of HTTP Basic (any password is ignored: none was issued). */
function callerClientId(req: Request, form: URLSearchParams): string {
  let fromBasic: string | undefined;
  const auth = req.headers.get('authorization');
  if (auth) {
    const m = /^Basic\s+([A-Za-z0-9+/=]+)$/i.exec(auth);
    if (!m) throw bad('Only HTTP Basic client authentication, or none, is accepted.', 'invalid_client', 401);
    const decoded = Buffer.from(m[1]!, 'base64').toString('utf8');
    const colon = decoded.indexOf(':');
    try {
      fromBasic = decodeURIComponent((colon < 0 ? decoded : decoded.slice(0, colon)).replace(/\+/g, ' '));
    } catch {
      throw bad('The Authorization header is not valid HTTP Basic.', 'invalid_client', 401);
    }
  }
  const fromBody = form.get('client_id') ?? undefined;
  if (fromBasic !== undefined && fromBody !== undefined && fromBasic !== fromBody) {
    throw bad('client_id differs between the Authorization header and the body.', 'invalid_client', 401);
  }
  const clientId = fromBody ?? fromBasic;
  if (!clientId) throw bad('client_id is required.', 'invalid_client', 401);
  return clientId;
}

function knownClient(r: Resolved, clientId: string): void {
  if (clientId !== r.cognito.clientId && !(r.clientMetadata && isUrlClientId(clientId))) {
    throw bad('client_id is not registered here.', 'invalid_client', 401);
  }
}

function cognitoHeaders(r: Resolved): Record<string, string> {
  const headers: Record<string, string> = { 'content-type': 'application/x-www-form-urlencoded', accept: 'application/json' };
  if (r.cognito.clientSecret) {
    const enc = (s: string) => encodeURIComponent(s).replace(/%20/g, '+');
    headers.authorization = `Basic ${Buffer.from(`${enc(r.cognito.clientId)}:${enc(r.cognito.clientSecret)}`).toString('base64')}`;
  }
  return headers;
}

/**
 * `sealRefresh` rewrites a successful token answer's refresh_token (Cognito's → the façade's sealed one);
 * `refreshed`: the client secret was read again already (once per call).
 */
async function callCognito(r: Resolved, url: string, body: URLSearchParams, sealRefresh?: (given: unknown) => string, refreshed = false): Promise<Response> {
  let res: Response;
  try {
    res = await r.fetch(url, { method: 'POST', headers: cognitoHeaders(r), body: body.toString(), redirect: 'manual', signal: AbortSignal.timeout(10_000) });
  } catch {
    throw bad('The sign-in service could not be reached.', 'temporarily_unavailable', 502);
  }
  const text = await res.text();
  if (res.status === 400 || res.status === 401) {
    // The secret in hand refused (rotated and deleted since it was read): read it again once, and retry if it changed.
    const refusedClient = /"error"\s*:\s*"invalid_client"/.test(text);
    if (refusedClient && !refreshed && r.cognito.clientSecret && r.cognito.refreshClientSecret) {
      const fresh = await r.cognito.refreshClientSecret().catch(() => undefined);
      if (fresh && fresh !== r.cognito.clientSecret) {
        r.cognito.clientSecret = fresh;
        return callCognito(r, url, body, sealRefresh, true);
      }
    }
  }
  // RFC 7009 §2.2: a successful revocation answers 200 with no body, as Cognito does.
  if (res.ok && text === '') return new Response(null, { status: 200, headers: { ...NO_STORE, ...CORS } });
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch {
    throw bad(`The sign-in service answered HTTP ${res.status} without JSON.`, 'server_error', 502);
  }
  const err = (parsed as { error?: unknown }).error;
  if (!res.ok && err === 'invalid_client') {
    // The façade's own credentials were refused: the caller cannot fix this by registering again.
    throw bad("The sign-in service refused the façade's app client credentials; check the façade's configuration.", 'server_error', 502);
  }
  if (res.ok && sealRefresh && typeof parsed === 'object' && parsed !== null) {
    const answer = parsed as Record<string, unknown>;
    const sealed = sealRefresh(answer.refresh_token);
    if (sealed) answer.refresh_token = sealed;
    else delete answer.refresh_token;
  }
  return json(res.status, parsed, { ...NO_STORE, ...CORS });
}

export async function token(r: Resolved, req: Request): Promise<Response> {
  const form = await readForm(req);
  const clientId = callerClientId(req, form);
  knownClient(r, clientId);
  checkClientSecret(r, req, form, clientId);
  checkResource(r, form.get('resource'));
  const grant = form.get('grant_type');
  const out = new URLSearchParams();
  let opened: Extract<Unsealed, { ok: true }> | undefined;

  if (grant === 'authorization_code') {
    const code = form.get('code');
    const verifier = form.get('code_verifier');
    const redirectUri = form.get('redirect_uri');
    if (!code) throw bad('code is required.');
    if (!verifier) throw bad('code_verifier is required (PKCE).');
    if (!PKCE_VERIFIER.test(verifier)) throw bad('code_verifier is not a valid PKCE verifier.', 'invalid_grant');
    if (!redirectUri) throw bad('redirect_uri is required.');
    const checked = verify<CodePayload>(r.signingKeys, 'code', code, r.now(), r.codeTtlMs, r.skewMs);
    if (!checked.ok) throw bad('The authorization code is invalid or expired.', 'invalid_grant');
    const c = checked.payload;
    if (typeof c.k !== 'string' || c.r !== redirectUri) throw bad('redirect_uri differs from the one of the authorization request.', 'invalid_grant');
    if (c.c !== clientHash(clientId)) throw bad('The authorization code was issued to another client.', 'invalid_grant');
    out.set('grant_type', 'authorization_code');
    out.set('code', c.k);
    out.set('redirect_uri', r.callbackUrl);
    out.set('code_verifier', verifier);
  } else if (grant === 'refresh_token') {
    const refresh = form.get('refresh_token');
    if (!refresh) throw bad('refresh_token is required.');
    // RFC 9700 §4.14.2: the façade lends its secret only to refresh tokens it issued, to this client, once.
    const unsealed = r.refreshSeal.unseal(refresh, clientId);
    if (!unsealed.ok) throw new OAuthFailure(400, 'invalid_grant', 'The refresh token is not valid here; sign in again.', {}, unsealed.why);
    opened = unsealed;
    r.refreshSeal.markUsed(opened.id);
    out.set('grant_type', 'refresh_token');
    out.set('refresh_token', opened.cognitoToken);
  } else {
    throw bad('grant_type must be authorization_code or refresh_token.', 'unsupported_grant_type');
  }
  out.set('client_id', r.cognito.clientId);
  // A new sealed token every time: Cognito's new refresh token when it rotates, else the same one inside.
  const seal = (given: unknown) => {
    const inner = typeof given === 'string' && given ? given : opened?.cognitoToken;
    return inner ? r.refreshSeal.seal(inner, clientId, r.now()) : '';
  };
  try {
    const res = await callCognito(r, r.cognito.tokenUrl, out, seal);
    if (opened && res.status >= 500) r.refreshSeal.forget(opened.id);
    return res;
  } catch (e) {
    // Cognito could not be reached or failed: the sealed token was not spent.
    if (opened) r.refreshSeal.forget(opened.id);
    throw e;
  }
}

export async function revoke(r: Resolved, req: Request): Promise<Response> {
  const form = await readForm(req);
  const clientId = callerClientId(req, form);
  knownClient(r, clientId);
  checkClientSecret(r, req, form, clientId);
  const tokenValue = form.get('token');
  if (!tokenValue) throw bad('token is required.');
  // Only refresh tokens the façade sealed for this client are revoked with its secret. Anything else
  // (a raw Cognito token, an access token, another client's) is an invalid token: RFC 7009 §2.2 answers 200.
  const unsealed = r.refreshSeal.unseal(tokenValue, clientId);
  if (!unsealed.ok) {
    return new Response(null, { status: 200, headers: { ...NO_STORE, ...CORS } });
  }
  r.refreshSeal.markUsed(unsealed.id);
  const out = new URLSearchParams({ token: unsealed.cognitoToken, client_id: r.cognito.clientId, token_type_hint: 'refresh_token' });
  return callCognito(r, r.cognito.revokeUrl, out);
}
