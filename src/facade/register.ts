/**
 * /register (RFC 7591): every caller is given the same pre-provisioned Cognito app client, as a
 * public client (token_endpoint_auth_method "none"). The secret, if the app client has one, stays
 * with the façade, which adds it when it calls Cognito. The redirect URIs asked for are checked
 * against the same policy /authorize applies, so a registration never promises what the
 * authorization request would refuse.
 */
import { OAuthFailure, readText, json, NO_STORE, CORS } from './http.js';
import { isConsentRedirect, redirectRefusal } from './redirects.js';
import { SECRET_METHODS, mintClientSecret } from './client-secret.js';
import type { Resolved } from './config.js';

const GRANTS = new Set(['authorization_code', 'refresh_token']);

function bad(description: string, error = 'invalid_client_metadata'): OAuthFailure {
  return new OAuthFailure(400, error, description);
}

export async function register(r: Resolved, req: Request): Promise<Response> {
  const type = (req.headers.get('content-type') ?? '').split(';')[0]!.trim().toLowerCase();
  if (type !== 'application/json') throw bad('The registration request must be application/json.', 'invalid_request');
  let body: unknown;
  try {
    body = JSON.parse(await readText(req, 65_536));
  } catch (e) {
    if (e instanceof OAuthFailure) throw e;
    throw bad('The registration request is not valid JSON.', 'invalid_request');
  }
  if (typeof body !== 'object' || body === null || Array.isArray(body)) throw bad('The registration request is not a JSON object.');
  const m = body as Record<string, unknown>;

  const uris = m.redirect_uris;
  if (!Array.isArray(uris) || uris.length === 0 || uris.length > 20 || !uris.every((u) => typeof u === 'string')) {
    throw bad('redirect_uris must list 1 to 20 URLs.', 'invalid_redirect_uri');
  }
  for (const uri of uris as string[]) {
    const refusal = redirectRefusal(uri, r.allowedRedirectUris, r.copilotStudio);
    if (refusal) throw bad(`${refusal}.`, 'invalid_redirect_uri');
  }
  const grants = m.grant_types ?? ['authorization_code', 'refresh_token'];
  if (!Array.isArray(grants) || !grants.every((g) => typeof g === 'string' && GRANTS.has(g)) || !grants.includes('authorization_code')) {
    throw bad('grant_types may hold authorization_code and refresh_token only.');
  }
  const responseTypes = m.response_types ?? ['code'];
  if (!Array.isArray(responseTypes) || responseTypes.some((t) => t !== 'code')) throw bad('response_types may hold "code" only.');

  const asked = m.token_endpoint_auth_method;
  if (asked !== undefined && typeof asked !== 'string') throw bad('token_endpoint_auth_method must be a string.');
  // A public client by default (RFC 7591 §3.2.1 lets the server replace what was asked). Copilot
  // Studio's consent redirects only: a secret-based method gets a secret the façade mints.
  const minted = r.copilotStudio && typeof asked === 'string' && SECRET_METHODS.has(asked) && (uris as string[]).every(isConsentRedirect);
  const out: Record<string, unknown> = {
    client_id: r.cognito.clientId,
    client_id_issued_at: Math.floor(r.now() / 1000),
    ...(minted ? { client_secret: mintClientSecret(r, r.cognito.clientId), client_secret_expires_at: 0 } : {}),
    token_endpoint_auth_method: minted ? asked : 'none',
    grant_types: grants,
    response_types: ['code'],
    redirect_uris: uris,
  };
  if (typeof m.client_name === 'string' && m.client_name.length <= 200) out.client_name = m.client_name;
  if (typeof m.scope === 'string' && r.scopes.length) {
    const granted = m.scope.split(' ').filter((s) => r.scopes.includes(s));
    if (granted.length) out.scope = granted.join(' ');
  }
  return json(201, out, { ...NO_STORE, ...CORS });
}
