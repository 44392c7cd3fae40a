/**
 * /authorize and /callback: the authorization-code redirect proxy.
 *
 * Cognito matches redirect URIs exactly and cannot list every loopback port, so the façade's one
 * /callback is what is registered on the app client. /authorize checks the client's request, signs
 * the client's redirect_uri and state into the state it sends to Cognito, and binds the flow to the
 * browser with a cookie named after a nonce in that state. /callback verifies the signature, the
 * age, the cookie (and clears it), re-checks the redirect URI against today's policy, wraps
 * Cognito's code in a signed envelope that names the client and redirect URI, and redirects there.
 *
 * Replay, with no server-side state: a state is accepted once per browser (the cookie is cleared on
 * first use, and a state arriving in a browser that did not start the flow has no cookie), for at
 * most the state lifetime; Cognito's code inside is single-use and bound to the client's PKCE
 * challenge, so a code that leaks is useless without the verifier.
 */
import { DocumentRefusal, fetchClientDocument, isUrlClientId, requireListed, type ClientDocument } from './cimd.js';
import { OAuthFailure, cookieValue, htmlPage, redirect, rejectRepeated } from './http.js';
import { redirectRefusal } from './redirects.js';
import { clientHash, nonce, sign, verify, type StatePayload } from './signed.js';
import type { Resolved } from './config.js';

const PKCE_CHALLENGE = /^[A-Za-z0-9\-._~]{43,128}$/;
const MAX_CLIENT_STATE = 512;
/** Parameters passed on to Cognito's /oauth2/authorize as the client sent them. */
const PASS_THROUGH = ['nonce', 'identity_provider', 'idp_identifier', 'lang', 'login_hint'] as const;

function bad(description: string, error = 'invalid_request'): OAuthFailure {
  return new OAuthFailure(400, error, description);
}

export function cookieName(r: Resolved, n: string): string {
  return r.secureCookies ? `__Host-mcp-facade-${n}` : `mcp-facade-${n}`;
}

function cookie(r: Resolved, n: string, maxAgeSeconds: number): string {
  const value = maxAgeSeconds > 0 ? '1' : '';
  return `${cookieName(r, n)}=${value}; Path=/; Max-Age=${maxAgeSeconds}; HttpOnly; SameSite=Lax${r.secureCookies ? '; Secure' : ''}`;
}

/** The resource indicator (RFC 8707) must name the façade's MCP endpoint; it is not forwarded to Cognito. */
export function checkResource(r: Resolved, resource: string | null): void {
  if (resource === null) return;
  const ok = [r.resource, `${r.resource}/`, r.publicUrl, `${r.publicUrl}/`];
  if (!ok.includes(resource)) throw new OAuthFailure(400, 'invalid_target', `resource must be ${r.resource}.`);
}

/** Requested scopes as Cognito accepts them: offline_access is not a Cognito scope (refresh tokens come anyway). */
function cognitoScope(scope: string | null): string | undefined {
  if (scope === null) return undefined;
  if (scope.length > 2048 || !/^[\x20-\x7e]*$/.test(scope) || scope.includes('"') || scope.includes('\\')) {
    throw bad('scope is not a valid list of scopes.', 'invalid_scope');
  }
  const kept = scope.split(' ').filter((s) => s && s !== 'offline_access');
  return kept.length ? kept.join(' ') : undefined;
}

/**
 * The client's metadata document, or a page for the person in the browser saying what failed and
 * what to do (a browser shows raw JSON as a wall of text; the client never sees this answer).
 */
async function clientDocument(r: Resolved, clientId: string): Promise<ClientDocument> {
  const page = (title: string, what: string, todo: string[]) => htmlPage(title, [what, ...todo]);
  if (!r.clientMetadata) {
    const what = 'Your MCP client identifies itself with a client metadata document (its client ID is a URL), and this sign-in service is set up not to use them.';
    throw new OAuthFailure(400, 'invalid_client', 'Client metadata documents are not accepted here; register at /register.', {}, 'client metadata documents are turned off', page('Sign-in could not start', what, ['What to do: remove this server from your MCP client and add it again; the client then registers itself with this service instead.']));
  }
  try {
    return await fetchClientDocument(r, clientId);
  } catch (e) {
    if (!(e instanceof DocumentRefusal)) throw e;
    const host = new URL(clientId).host;
    const what = `Your MCP client identifies itself with a client metadata document at ${host}, and this sign-in service could not use it: ${e.description}`;
    const todo =
      e.kind === 'invalid'
        ? ["What to do: the document is the MCP client's; tell its maintainers. Meanwhile the service's operator can run the façade with --client-metadata off, so clients register themselves instead."]
        : e.kind === 'address'
          ? ['What to do: nothing on your side; this service refuses to fetch from private or local addresses. The operator can run the façade with --client-metadata off, so clients register themselves instead.']
          : [
              'What to do (for the operator of this service): if it reaches the internet only through a proxy, set HTTPS_PROXY (and NO_PROXY) where it runs; or run it with --client-metadata off, so clients register themselves instead.',
              'Then start the sign-in again from your MCP client.',
            ];
    throw new OAuthFailure(e.status, e.error, e.description, {}, e.description, page('Sign-in could not start', what, todo));
  }
}

export async function authorize(r: Resolved, req: Request): Promise<Response> {
  const q = new URL(req.url).searchParams;
  rejectRepeated(q);
  const clientId = q.get('client_id');
  const redirectUri = q.get('redirect_uri');
  if (!clientId) throw bad('client_id is required.');
  if (!redirectUri) throw bad('redirect_uri is required.');
  const refusal = redirectRefusal(redirectUri, r.allowedRedirectUris, r.copilotStudio);
  if (refusal) throw bad(`${refusal}.`);
  if (q.get('response_type') !== 'code') throw bad('response_type must be "code".', 'unsupported_response_type');
  const challenge = q.get('code_challenge');
  const method = q.get('code_challenge_method');
  if (!challenge) throw bad('code_challenge is required (PKCE with S256).');
  if (method !== 'S256') throw bad('code_challenge_method must be S256.');
  if (!PKCE_CHALLENGE.test(challenge)) throw bad('code_challenge is not a valid S256 challenge.');
  const clientState = q.get('state');
  if (clientState !== null && (clientState.length > MAX_CLIENT_STATE || !/^[\x20-\x7e]*$/.test(clientState))) {
    throw bad(`state must be at most ${MAX_CLIENT_STATE} printable characters.`);
  }
  checkResource(r, q.get('resource'));
  const scope = cognitoScope(q.get('scope'));

  if (isUrlClientId(clientId)) {
    requireListed(await clientDocument(r, clientId), redirectUri);
  } else if (clientId !== r.cognito.clientId) {
    throw bad('client_id is not registered here; register at /register or use a client metadata document URL.', 'invalid_client');
  }

  const n = nonce();
  const payload: StatePayload = { r: redirectUri, c: clientHash(clientId), n, t: r.now() };
  if (clientState !== null) payload.s = clientState;
  const state = sign(r.signingKeys[0]!, 'state', payload);

  const out = new URL(r.cognito.authorizeUrl);
  out.searchParams.set('response_type', 'code');
  out.searchParams.set('client_id', r.cognito.clientId);
  out.searchParams.set('redirect_uri', r.callbackUrl);
  out.searchParams.set('state', state);
  out.searchParams.set('code_challenge', challenge);
  out.searchParams.set('code_challenge_method', 'S256');
  if (scope) out.searchParams.set('scope', scope);
  for (const name of PASS_THROUGH) {
    const v = q.get(name);
    if (v !== null && v.length <= 512) out.searchParams.set(name, v);
  }
  const prompt = q.get('prompt');
  if (prompt === 'login' || prompt === 'none') out.searchParams.set('prompt', prompt);
  return redirect(out.href, [cookie(r, n, Math.ceil(r.stateTtlMs / 1000))]);
}

const ERROR_CODE = /^[\x20-\x21\x23-\x5b\x5d-\x7e]{1,64}$/;

export function callback(r: Resolved, req: Request): Response {
  const q = new URL(req.url).searchParams;
  rejectRepeated(q);
  const state = q.get('state');
  if (!state) throw bad('state is missing.');
  const checked = verify<StatePayload>(r.signingKeys, 'state', state, r.now(), r.stateTtlMs, r.skewMs);
  if (!checked.ok) {
    const why = { malformed: 'malformed', signature: 'not signed by this façade', expired: 'expired', future: 'issued in the future' }[checked.why];
    throw bad(`state is ${why}; start the sign-in again from your MCP client.`);
  }
  const s = checked.payload;
  if (typeof s.r !== 'string' || typeof s.n !== 'string' || typeof s.c !== 'string' || !/^[\w-]{16,64}$/.test(s.n)) {
    throw bad('state is malformed; start the sign-in again from your MCP client.');
  }
  if (cookieValue(req, cookieName(r, s.n)) !== '1') {
    throw bad('state was already used, or the sign-in was started in another browser; start it again from your MCP client.');
  }
  // Defence in depth: the policy of today, not of when the state was signed.
  const refusal = redirectRefusal(s.r, r.allowedRedirectUris, r.copilotStudio);
  if (refusal) throw bad(`${refusal}.`);

  const target = new URL(s.r);
  const code = q.get('code');
  const error = q.get('error');
  if (code) {
    if (code.length > 1024) throw bad('code is too long.');
    target.searchParams.set('code', sign(r.signingKeys[0]!, 'code', { k: code, r: s.r, c: s.c, t: r.now() }));
  } else if (error && ERROR_CODE.test(error)) {
    target.searchParams.set('error', error);
    const description = q.get('error_description');
    if (description && /^[\x20-\x21\x23-\x5b\x5d-\x7e]{1,512}$/.test(description)) target.searchParams.set('error_description', description);
  } else {
    throw bad('The sign-in service returned neither a code nor an error.');
  }
  if (s.s !== undefined) target.searchParams.set('state', s.s);
  target.searchParams.set('iss', r.issuer);
  return redirect(target.href, [cookie(r, s.n, 0)]);
}
