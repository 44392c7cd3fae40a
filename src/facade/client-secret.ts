/**
 * Client secrets the façade mints for a registration that asks for a secret-based token endpoint
 * authentication method (client_secret_post or client_secret_basic). Copilot Studio's connectors
 * act as public PKCE clients (microsoft/PowerPlatformConnectors#4214), but one server that supports
 * Copilot Studio also returns a secret in case one is expected (pantalytics/odoo-mcp-pro PR #57):
 * the façade serves both readings.
 *
 * The secret is never Cognito's: it is a signed envelope (signed.ts, purpose "secret") naming the
 * client_id and the issue time, made with the façade's signing key, so /token verifies it without
 * storing anything. It binds nothing but "issued by this façade for this client_id" (every caller
 * shares the pre-provisioned client); PKCE still protects each code. Rotating the signing key out of
 * the previous keys invalidates the secrets it signed.
 */
import { OAuthFailure } from './http.js';
import { clientHash, sign, verify } from './signed.js';
import type { Resolved } from './config.js';

export const SECRET_METHODS = new Set(['client_secret_post', 'client_secret_basic']);
/** Secrets do not expire (client_secret_expires_at 0): the lifetime given to verify() is a century. */
const FOREVER_MS = 100 * 365 * 86_400_000;

export function mintClientSecret(r: Resolved, clientId: string): string {
  return sign(r.signingKeys[0]!, 'secret', { c: clientHash(clientId), t: r.now() });
}

/** The secret the caller presents: the password of HTTP Basic, or client_secret in the body. */
function presentedSecret(req: Request, form: URLSearchParams): string | undefined {
  const fromBody = form.get('client_secret') ?? undefined;
  const auth = req.headers.get('authorization');
  const m = auth ? /^Basic\s+([A-Za-z0-9+/=]+)$/i.exec(auth) : null;
  let fromBasic: string | undefined;
  if (m) {
    const decoded = Buffer.from(m[1]!, 'base64').toString('utf8');
    const colon = decoded.indexOf(':');
    if (colon >= 0 && colon < decoded.length - 1) {
      try {
        fromBasic = decodeURIComponent(decoded.slice(colon + 1).replace(/\+/g, ' '));
      } catch {
        fromBasic = decoded.slice(colon + 1);
      }
    }
  }
  if (fromBody !== undefined && fromBasic !== undefined) throw new OAuthFailure(401, 'invalid_client', 'Use one client authentication method, not two.');
  return fromBody ?? fromBasic;
}

/**
 * With Copilot Studio allowed, a secret, when presented, must be one this façade minted for this client_id: a wrong one is
 * invalid_client (RFC 6749 §5.2). None presented: a public client, as registered by default.
 */
export function checkClientSecret(r: Resolved, req: Request, form: URLSearchParams, clientId: string): void {
  // Without --copilot-studio no secret is ever issued, and a presented one is ignored as before.
  if (!r.copilotStudio) return;
  const secret = presentedSecret(req, form);
  if (secret === undefined || secret === '') return;
  const checked = verify<{ c: string; t: number }>(r.signingKeys, 'secret', secret, r.now(), FOREVER_MS, r.skewMs);
  if (!checked.ok || checked.payload.c !== clientHash(clientId)) {
    throw new OAuthFailure(401, 'invalid_client', 'The client secret is not one this authorization server issued for this client; register again.');
  }
}
