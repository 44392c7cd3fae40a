/**
 * The user pool domain's API endpoints: /oauth2/token, /oauth2/revoke, /oauth2/userInfo.
 * Errors are Cognito's JSON bodies `{"error":"…"}` with HTTP 400
 * (docs.aws.amazon.com/cognito/latest/developerguide/token-endpoint.html, "Negative responses"; error-catalogue.md T1–T6).
 */
import type { IncomingMessage, ServerResponse } from 'node:http';
import { createHash, randomUUID } from 'node:crypto';
import type { UserPoolClientType } from '@aws-sdk/client-cognito-identity-provider';
import { OIDC_SCOPES, splitScopes, type CognitoState } from './cognito-common.js';
import { clientAuth, empty, readBody, sendJson } from './http.js';
import { decodeJwt, verifySignature } from './jwt.js';

interface Ctx {
  state: CognitoState;
  poolId: string;
}

const fail = (res: ServerResponse, error: string, status = 400) => sendJson(res, status, { error });

/** Authenticates the calling client: Basic (client_secret_basic) or the form (client_secret_post); public clients send only client_id. */
async function authenticate(ctx: Ctx, req: IncomingMessage, form: URLSearchParams, res: ServerResponse): Promise<UserPoolClientType | undefined> {
  const a = clientAuth(req, form);
  const client = a.clientId ? await ctx.state.client(ctx.poolId, a.clientId) : undefined;
  // T1: unknown client, a confidential client without (or with a wrong) secret, a secret for a public client.
  if (!client) return void fail(res, 'invalid_client');
  const confidential = await ctx.state.hasSecret(ctx.poolId, client);
  if (confidential ? !(await ctx.state.secretMatches(ctx.poolId, client, a.secret)) : a.secret !== undefined && a.secret !== '') return void fail(res, 'invalid_client');
  return client;
}

export async function handleToken(ctx: Ctx, req: IncomingMessage, res: ServerResponse, path: string): Promise<boolean> {
  if (path === '/oauth2/token' && req.method === 'POST') return token(ctx, req, res).then(() => true);
  if (path === '/oauth2/revoke' && req.method === 'POST') return revoke(ctx, req, res).then(() => true);
  if (path.toLowerCase() === '/oauth2/userinfo' && (req.method === 'GET' || req.method === 'POST')) return userInfo(ctx, req, res).then(() => true);
  return false;
}

async function token(ctx: Ctx, req: IncomingMessage, res: ServerResponse): Promise<void> {
  const body = await readBody(req);
  // The body must be form-encoded (T6: a JSON body is invalid_request).
  if (!/^application\/x-www-form-urlencoded\b/i.test(req.headers['content-type'] ?? '')) return fail(res, 'invalid_request');
  const form = new URLSearchParams(body);
  const grant = form.get('grant_type');
  if (!grant) return fail(res, 'invalid_request');
  // T5: anything but these three is unsupported_grant_type (a client lacking a flow gets unauthorized_client instead).
  if (!['authorization_code', 'refresh_token', 'client_credentials'].includes(grant)) return fail(res, 'unsupported_grant_type');
  const client = await authenticate(ctx, req, form, res);
  if (!client) return;
  const life = ctx.state.lifetimes(client);
  const oauth = Boolean(client.AllowedOAuthFlowsUserPoolClient);

  if (grant === 'client_credentials') {
    // T2/T3d: the client must allow OAuth and the client_credentials flow.
    if (!oauth || !(client.AllowedOAuthFlows ?? []).includes('client_credentials')) return fail(res, 'unauthorized_client');
    // T4: custom resource-server scopes only (docs: cognito-user-pools-define-resource-servers.html, M2M section);
    // each requested one must be enabled on the client and defined; none requested → all the client's custom scopes.
    const defined = await ctx.state.customScopes(ctx.poolId);
    const allowed = (client.AllowedOAuthScopes ?? []).filter((s) => !OIDC_SCOPES.includes(s) && defined.has(s));
    const requested = splitScopes(form.get('scope'));
    if (requested.some((s) => OIDC_SCOPES.includes(s) || !allowed.includes(s))) return fail(res, 'invalid_scope');
    const scopes = requested.length ? [...new Set(requested)] : allowed;
    if (!scopes.length) return fail(res, 'invalid_scope');
    const access = await ctx.state.accessToken({ poolId: ctx.poolId, clientId: client.ClientId!, scopes, ttl: life.access });
    return sendJson(res, 200, { access_token: access, expires_in: life.access, token_type: 'Bearer' });
  }

  if (grant === 'authorization_code') {
    const code = form.get('code');
    const redirectUri = form.get('redirect_uri');
    if (!code || !redirectUri) return fail(res, 'invalid_request');
    const g = ctx.state.codes.get(code);
    // Codes are single use: any exchange attempt consumes it (repost.aws QUribd4ytZTnmoxKt_B7DXFg: a retried code is invalid_grant).
    ctx.state.codes.delete(code);
    if (!g || g.expires < Date.now() || g.poolId !== ctx.poolId || g.clientId !== client.ClientId) return fail(res, 'invalid_grant');
    if (!oauth || !(client.AllowedOAuthFlows ?? []).includes('code')) return fail(res, 'unauthorized_client');
    // T2b: a redirect_uri that differs from the authorize request's (trailing slash, encoding) is unauthorized_client
    // (stackoverflow.com/questions/50264679; repost.aws QUribd4ytZTnmoxKt_B7DXFg).
    if (redirectUri !== g.redirectUri) return fail(res, 'unauthorized_client');
    if (g.challenge) {
      const verifier = form.get('code_verifier');
      if (!verifier) return fail(res, 'invalid_request');
      // S256: BASE64URL(SHA256(verifier)) == challenge (RFC 7636 §4.6); a mismatch is invalid_grant (T3c).
      if (createHash('sha256').update(verifier).digest('base64url') !== g.challenge) return fail(res, 'invalid_grant');
    }
    const originJti = randomUUID();
    const user = { username: g.username, sub: g.attributes.sub ?? g.username, authTime: g.authTime, originJti };
    const out: Record<string, unknown> = {};
    if (g.scopes.includes('openid')) out.id_token = await ctx.state.idToken({ poolId: ctx.poolId, clientId: client.ClientId!, ttl: life.id, username: g.username, attributes: g.attributes, authTime: g.authTime, originJti, nonce: g.nonce });
    out.access_token = await ctx.state.accessToken({ poolId: ctx.poolId, clientId: client.ClientId!, scopes: g.scopes, ttl: life.access, user });
    const refresh = ctx.state.newRefreshToken();
    ctx.state.refresh.set(refresh, { poolId: ctx.poolId, clientId: client.ClientId!, scopes: g.scopes, username: g.username, attributes: g.attributes, authTime: g.authTime, originJti, expires: Date.now() + life.refresh * 1000 });
    Object.assign(out, { refresh_token: refresh, expires_in: life.access, token_type: 'Bearer' });
    return sendJson(res, 200, out);
  }

  // refresh_token: new access (and ID) tokens; the same refresh token is kept, unless the client has
  // RefreshTokenRotation ENABLED (SDK-C models_0.d.ts RefreshTokenRotationType: "your app client issues new ID,
  // access, and refresh tokens when users renew their sessions with refresh tokens"; RetryGracePeriodSeconds 0:
  // "a successful request immediately invalidates the submitted refresh token"). A grace period above 0 keeps
  // the old one usable that long.
  const rt = form.get('refresh_token');
  if (!rt) return fail(res, 'invalid_request');
  const g = ctx.state.refresh.get(rt);
  // T3b: unknown, revoked, expired or another client's refresh token.
  if (!g || g.expires < Date.now() || g.poolId !== ctx.poolId || g.clientId !== client.ClientId) return fail(res, 'invalid_grant');
  if (!oauth || !(client.AllowedOAuthFlows ?? []).includes('code')) return fail(res, 'unauthorized_client');
  const user = { username: g.username, sub: g.attributes.sub ?? g.username, authTime: g.authTime, originJti: g.originJti };
  const out: Record<string, unknown> = {};
  if (g.scopes.includes('openid')) out.id_token = await ctx.state.idToken({ poolId: ctx.poolId, clientId: client.ClientId!, ttl: life.id, username: g.username, attributes: g.attributes, authTime: g.authTime, originJti: g.originJti });
  out.access_token = await ctx.state.accessToken({ poolId: ctx.poolId, clientId: client.ClientId!, scopes: g.scopes, ttl: life.access, user });
  Object.assign(out, { expires_in: life.access, token_type: 'Bearer' });
  const rotation = (client as { RefreshTokenRotation?: { Feature?: string; RetryGracePeriodSeconds?: number } }).RefreshTokenRotation;
  if (rotation?.Feature === 'ENABLED') {
    const next = ctx.state.newRefreshToken();
    ctx.state.refresh.set(next, { ...g });
    const grace = rotation.RetryGracePeriodSeconds ?? 0;
    if (grace > 0) ctx.state.refresh.set(rt, { ...g, expires: Math.min(g.expires, Date.now() + grace * 1000) });
    else ctx.state.refresh.delete(rt);
    out.refresh_token = next;
  }
  return sendJson(res, 200, out);
}

/**
 * POST /oauth2/revoke (docs.aws.amazon.com/cognito/latest/developerguide/revocation-endpoint.html): revokes a refresh
 * token and the access tokens issued with it; 200 with an empty body. Access tokens are not accepted here
 * (unsupported_token_type); an unknown token is 200 (RFC 7009 §2.2).
 */
async function revoke(ctx: Ctx, req: IncomingMessage, res: ServerResponse): Promise<void> {
  if (!/^application\/x-www-form-urlencoded\b/i.test(req.headers['content-type'] ?? '')) return fail(res, 'invalid_request');
  const form = new URLSearchParams(await readBody(req));
  const client = await authenticate(ctx, req, form, res);
  if (!client) return;
  const t = form.get('token');
  if (!t) return fail(res, 'invalid_request');
  if (client.EnableTokenRevocation === false) return fail(res, 'unsupported_operation');
  if (decodeJwt(t)) return fail(res, 'unsupported_token_type');
  const g = ctx.state.refresh.get(t);
  if (g && g.clientId === client.ClientId) {
    ctx.state.refresh.delete(t);
    ctx.state.revokedOrigins.add(g.originJti);
  }
  empty(res, 200);
}

/**
 * GET/POST /oauth2/userInfo (docs.aws.amazon.com/cognito/latest/developerguide/userinfo-endpoint.html): the user's
 * attributes for a valid access token with the openid scope; otherwise 401 with
 * `WWW-Authenticate: Bearer error="invalid_token"` (scope failure status UNCONFIRMED).
 */
async function userInfo(ctx: Ctx, req: IncomingMessage, res: ServerResponse): Promise<void> {
  const h = req.headers.authorization ?? '';
  const jwt = /^bearer /i.test(h) ? decodeJwt(h.slice(7).trim()) : undefined;
  const invalid = (desc: string) => sendJson(res, 401, { error: 'invalid_token', error_description: desc }, { 'www-authenticate': `Bearer error="invalid_token", error_description="${desc}"` });
  if (!jwt) return invalid('Access token is missing or malformed');
  const c = jwt.claims;
  const ok = c.iss === ctx.state.issuer(ctx.poolId) && c.token_use === 'access' && verifySignature(jwt, await ctx.state.keys.jwks(ctx.poolId));
  if (!ok) return invalid('Invalid access token');
  if (typeof c.exp !== 'number' || c.exp * 1000 < Date.now()) return invalid('Access token has expired');
  if (typeof c.origin_jti === 'string' && ctx.state.revokedOrigins.has(c.origin_jti)) return invalid('Access token has been revoked');
  if (!splitScopes(String(c.scope ?? '')).includes('openid') || typeof c.username !== 'string') return void sendJson(res, 403, { error: 'insufficient_scope' }, { 'www-authenticate': 'Bearer error="insufficient_scope"' });
  const refresh = [...ctx.state.refresh.values()].find((g) => g.originJti === c.origin_jti);
  const attrs = refresh?.attributes ?? {};
  sendJson(res, 200, { ...attrs, sub: c.sub, username: c.username });
}
