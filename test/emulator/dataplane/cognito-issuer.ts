/**
 * The issuer host, cognito-idp.<region>.amazonaws.com: `/<poolId>/.well-known/openid-configuration` and
 * `/<poolId>/.well-known/jwks.json`. These two are served on the issuer host, not on the user pool
 * domain (docs.aws.amazon.com/cognito/latest/developerguide/federation-endpoints.html; aws-semantics.md §3.4).
 */
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { CognitoState } from './cognito-common.js';
import { sendJson } from './http.js';

const POOL_PATH = /^\/([\w-]+_[0-9a-zA-Z]+)\/\.well-known\/(openid-configuration|jwks\.json)$/;

/** The discovery document of a pool, or undefined when the pool does not exist. */
export async function discoveryDocument(state: CognitoState, poolId: string): Promise<Record<string, unknown> | undefined> {
  const pool = await state.pool(poolId);
  if (!pool) return undefined;
  const issuer = state.issuer(poolId);
  const base = {
    id_token_signing_alg_values_supported: ['RS256'],
    issuer,
    jwks_uri: `${issuer}/.well-known/jwks.json`,
    subject_types_supported: ['public'],
  };
  if (!pool.Domain) {
    // A pool without a domain has no hosted endpoints; a captured document of such a pool lists only the
    // issuer fields (github.com/tatums/markdown-auth README: authorization_endpoint = issuer, no token_endpoint).
    return { authorization_endpoint: issuer, ...base, response_types_supported: ['code', 'id_token', 'token id_token', 'none'] };
  }
  const hosted = `https://${pool.Domain}.auth.${state.region}.amazoncognito.com`;
  // The fields Cognito serves for a pool with a domain (error-catalogue.md P-DISC; public captures such as
  // NextAuth/oidc-client configs quoting authorization/token/userInfo/logout on the domain, jwks on the issuer).
  // Cognito serves NO code_challenge_methods_supported although PKCE S256 works (anthropics/claude-code#13275,
  // empires-security/mcp-oauth2-aws-cognito#9) and NO registration_endpoint (no RFC 7591; anthropics/claude-code#3273).
  return {
    authorization_endpoint: `${hosted}/oauth2/authorize`,
    end_session_endpoint: `${hosted}/logout`,
    ...base,
    response_types_supported: ['code', 'token'],
    revocation_endpoint: `${hosted}/oauth2/revoke`,
    scopes_supported: ['openid', 'email', 'phone', 'profile'],
    token_endpoint: `${hosted}/oauth2/token`,
    // Both methods are accepted (docs.aws.amazon.com/cognito/latest/developerguide/token-endpoint.html).
    token_endpoint_auth_methods_supported: ['client_secret_basic', 'client_secret_post'],
    userinfo_endpoint: `${hosted}/oauth2/userInfo`,
  };
}

export async function handleIssuer(state: CognitoState, req: IncomingMessage, res: ServerResponse, path: string): Promise<boolean> {
  const m = POOL_PATH.exec(path);
  if (!m || (req.method !== 'GET' && req.method !== 'HEAD')) return false;
  const poolId = m[1]!;
  // A pool of another Region is not served by this Region's issuer host.
  if (!poolId.startsWith(`${state.region}_`) || !(await state.pool(poolId))) {
    // Body shape as Cognito's JSON error for an unknown pool (UNCONFIRMED beyond the fake's notes).
    sendJson(res, 400, { message: `User pool ${poolId} does not exist.` });
    return true;
  }
  if (m[2] === 'jwks.json') sendJson(res, 200, await state.keys.jwks(poolId));
  else sendJson(res, 200, await discoveryDocument(state, poolId));
  return true;
}
