/**
 * The user pool domain's browser pages, <prefix>.auth.<region>.amazoncognito.com:
 * /oauth2/authorize, /login (GET form, POST sign-in), /error, /logout.
 */
import type { IncomingMessage, ServerResponse } from 'node:http';
import { randomUUID } from 'node:crypto';
import { AdminGetUserCommand, AdminInitiateAuthCommand, ListUsersCommand, type UserPoolClientType } from '@aws-sdk/client-cognito-identity-provider';
import { CODE_TTL_MS, OIDC_SCOPES, splitScopes, type CognitoState } from './cognito-common.js';
import { escapeHtml, readBody, redirect, sendHtml, withQuery } from './http.js';

interface Ctx {
  state: CognitoState;
  poolId: string;
  domain: string;
  origin: string;
}

type Checked = { ok: true; client: UserPoolClientType; scopes: string[]; q: URLSearchParams } | { ok: false };

/**
 * The checks /oauth2/authorize makes, in Cognito's order; /login repeats them (it takes the same parameters).
 * Evidence: docs.aws.amazon.com/cognito/latest/developerguide/authorization-endpoint.html ("Negative responses")
 * and error-catalogue.md A1–A3.
 */
async function check(ctx: Ctx, q: URLSearchParams, res: ServerResponse): Promise<Checked> {
  const clientId = q.get('client_id') ?? '';
  const client = await ctx.state.client(ctx.poolId, clientId);
  // Unknown client: Cognito's error page. The exact error value is UNCONFIRMED (invalid_request as in the fake).
  if (!client) {
    redirect(res, `${ctx.origin}/error?error=invalid_request&client_id=${encodeURIComponent(clientId)}`);
    return { ok: false };
  }
  // redirect_uri must be registered, compared byte for byte (no normalising, no loopback any-port rule):
  // the /error page with error=redirect_mismatch, never a redirect to the unregistered URI [A1, C3].
  const redirectUri = q.get('redirect_uri') ?? '';
  if (!(client.CallbackURLs ?? []).includes(redirectUri)) {
    redirect(res, `${ctx.origin}/error?error=redirect_mismatch&client_id=${encodeURIComponent(clientId)}`);
    return { ok: false };
  }
  const state = q.get('state') ?? undefined;
  const back = (error: string, description?: string) => {
    redirect(res, withQuery(redirectUri, { error_description: description, error, state }));
    return { ok: false } as const;
  };
  const responseType = q.get('response_type');
  // response_type must be code or token (authorization-endpoint.html: "Must be code or token").
  if (responseType !== 'code' && responseType !== 'token') return back('unsupported_response_type');
  // The flow must be enabled on the client and OAuth allowed at all [A3]. A client with no identity provider
  // cannot sign anyone in ("Your app client must support sign-in by Amazon Cognito local users or by at least one
  // third-party IdP"); its answer is assumed to be unauthorized_client as well (UNCONFIRMED, catalogue A3 [?]).
  const flow = responseType === 'code' ? 'code' : 'implicit';
  if (!client.AllowedOAuthFlowsUserPoolClient || !(client.AllowedOAuthFlows ?? []).includes(flow) || !(client.SupportedIdentityProviders ?? []).length) {
    return back('unauthorized_client');
  }
  // Scopes: each must be allowed on the client and exist (custom scopes on a resource server); email/phone/profile
  // need openid ("The phone, email, and profile scopes can only be requested if openid is also requested").
  // No scope requested: every scope of the client (authorization-endpoint.html, scope parameter).
  const requested = splitScopes(q.get('scope'));
  const allowed = client.AllowedOAuthScopes ?? [];
  const defined = await ctx.state.customScopes(ctx.poolId);
  const scopes = requested.length ? [...new Set(requested)] : allowed.filter((s) => OIDC_SCOPES.includes(s) || defined.has(s));
  const bad = scopes.some((s) => !allowed.includes(s) || (!OIDC_SCOPES.includes(s) && !defined.has(s)));
  const needsOpenid = scopes.some((s) => ['email', 'phone', 'profile'].includes(s)) && !scopes.includes('openid');
  if (bad || needsOpenid) return back('invalid_scope');
  // PKCE: Cognito supports only S256 ("the Amazon Cognito authentication server supports only S256");
  // a challenge without its method, or plain, is refused (error value UNCONFIRMED: invalid_request).
  const challenge = q.get('code_challenge');
  const method = q.get('code_challenge_method');
  if ((challenge || method) && (method !== 'S256' || !challenge)) return back('invalid_request', 'Invalid code_challenge_method');
  return { ok: true, client, scopes, q };
}

const page = (title: string, body: string) =>
  `<!DOCTYPE html><html lang="en"><head><meta charset="utf-8"><title>${escapeHtml(title)}</title></head><body>${body}</body></html>`;

function loginForm(q: URLSearchParams, error?: string): string {
  const action = `/login?${q.toString()}`;
  return page(
    'Signin',
    `<h1>Sign in with your username and password</h1>${error ? `<p id="loginErrorMessage" class="errorMessage-customizable">${escapeHtml(error)}</p>` : ''}` +
      `<form name="cognitoSignInForm" method="post" action="${escapeHtml(action)}">` +
      `<label for="signInFormUsername">Username</label><input id="signInFormUsername" name="username" type="text" autocomplete="username">` +
      `<label for="signInFormPassword">Password</label><input id="signInFormPassword" name="password" type="password" autocomplete="current-password">` +
      `<input name="signInSubmitButton" type="submit" value="Sign in"></form>`,
  );
}

/** "Login pages unavailable": a managed login (version 2) domain serves no page to a client without a branding style. */
function unavailable(ctx: Ctx, clientId: string): boolean {
  // ManagedLoginVersion doc (SDK DomainDescriptionType): "A ManagedLoginVersion value of 2 does not activate managed login
  // pages for your app client ... When you use the API or an SDK, you must create a branding style yourself";
  // field report minorun365/html-share#3 (v2 without CreateManagedLoginBranding shows "Login pages unavailable").
  // Classic hosted UI (version 1) needs none: its branding (SetUICustomization) only customises, and "Amazon Cognito
  // applies the default configuration to every app client that doesn't have client-level settings"
  // (docs.aws.amazon.com/cognito/latest/developerguide/hosted-ui-classic-branding.html). The generic sentence in
  // CreateUserPoolClient's doc ("Managed login and classic hosted UI pages aren't available ... until after you apply a
  // branding style") is read as the managed-login case: settled for issue 9 item 6 as "only version 2".
  return ctx.state.opts.overlay.managedLoginVersion(ctx.domain) === 2 && !ctx.state.opts.overlay.hasBranding(ctx.poolId, clientId);
}

const UNAVAILABLE_PAGE = page('Login pages unavailable', '<h1>Login pages unavailable</h1><p>Please contact an administrator.</p>');

export async function handleHosted(ctx: Ctx, req: IncomingMessage, res: ServerResponse, url: URL): Promise<boolean> {
  const path = url.pathname;
  if (path === '/oauth2/authorize' && req.method === 'GET') {
    const c = await check(ctx, url.searchParams, res);
    // Success: "it redirects to the Login endpoint with the same URL parameters that you included in your request".
    if (c.ok) redirect(res, `${ctx.origin}/login?${url.searchParams.toString()}`);
    return true;
  }
  if (path === '/login' && (req.method === 'GET' || req.method === 'POST')) {
    const form = req.method === 'POST' ? new URLSearchParams(await readBody(req)) : undefined;
    const c = await check(ctx, url.searchParams, res);
    if (!c.ok) return true;
    // Status of the unavailable page is UNCONFIRMED (200 with the page text, as the fake did).
    if (unavailable(ctx, c.client.ClientId!)) return sendHtml(res, 200, UNAVAILABLE_PAGE), true;
    if (!form) return sendHtml(res, 200, loginForm(c.q)), true;
    await signIn(ctx, c, form, res);
    return true;
  }
  if (path === '/error' && req.method === 'GET') {
    // The page text users see [A1]: "An error was encountered with the requested page."
    sendHtml(res, 400, page('Error', `<h1>An error was encountered with the requested page.</h1><p>${escapeHtml(url.searchParams.get('error') ?? '')}</p>`));
    return true;
  }
  if (path === '/logout' && req.method === 'GET') {
    await logout(ctx, url.searchParams, res);
    return true;
  }
  return false;
}

/**
 * POST /login: the username and password are checked against moto's user store with AdminInitiateAuth
 * (ADMIN_USER_PASSWORD_AUTH — moto's implementation of a password check; managed login needs no ExplicitAuthFlows
 * on the client, so none is required here). Success: 302 to redirect_uri with code and state.
 */
async function signIn(ctx: Ctx, c: Extract<Checked, { ok: true }>, form: URLSearchParams, res: ServerResponse): Promise<void> {
  const username = (form.get('username') ?? '').trim();
  const password = form.get('password') ?? '';
  const again = (msg: string) => sendHtml(res, 200, loginForm(c.q, msg));
  if (!username || !password) return again('Please enter your username and password.');
  const cognito = ctx.state.aws.cognito;
  const hide = c.client.PreventUserExistenceErrors === 'ENABLED';
  let user;
  let name = username;
  try {
    user = await cognito.send(new AdminGetUserCommand({ UserPoolId: ctx.poolId, Username: username }));
  } catch (e) {
    if ((e as Error).name !== 'UserNotFoundException') throw e;
    // A verified e-mail alias signs the user in on a pool with AliasAttributes [email] ("users can sign in with
    // their … email address … once verified": devguide user-pool-settings-attributes.html#user-pool-settings-aliases).
    // moto resolves UsernameAttributes but not aliases.
    const alias = await aliasOwner(ctx, username);
    if (alias) {
      name = alias;
      user = await cognito.send(new AdminGetUserCommand({ UserPoolId: ctx.poolId, Username: alias }));
    } else {
      // LEGACY (the API default) says the user does not exist; ENABLED hides it.
      return again(hide ? 'Incorrect username or password.' : 'User does not exist.');
    }
  }
  if (user.Enabled === false) return again('User is disabled.');
  if (user.UserStatus === 'UNCONFIRMED') return again('User is not confirmed.');
  let auth;
  try {
    auth = await cognito.send(new AdminInitiateAuthCommand({ UserPoolId: ctx.poolId, ClientId: c.client.ClientId!, AuthFlow: 'ADMIN_USER_PASSWORD_AUTH', AuthParameters: { USERNAME: name, PASSWORD: password } }));
  } catch (e) {
    if ((e as Error).name === 'NotAuthorizedException') return again('Incorrect username or password.');
    throw e;
  }
  if (auth.ChallengeName) {
    // FORCE_CHANGE_PASSWORD / RESET_REQUIRED: the hosted UI asks for a new password; no code is issued here
    // (the emulator does not implement the change-password page) [A7].
    sendHtml(res, 200, page('Change Password', '<h1>Change Password</h1><p>Please enter a new password.</p>'));
    return;
  }
  const attributes: Record<string, string> = {};
  for (const a of user.UserAttributes ?? []) if (a.Name && a.Value !== undefined) attributes[a.Name] = a.Value;
  const q = c.q;
  if (q.get('response_type') === 'token') {
    // The implicit grant is not emulated: say so instead of pretending.
    redirect(res, withQuery(q.get('redirect_uri')!, { error: 'unsupported_response_type', error_description: 'implicit grant not emulated', state: q.get('state') ?? undefined }));
    return;
  }
  const code = ctx.state.newCode();
  ctx.state.codes.set(code, {
    poolId: ctx.poolId,
    clientId: c.client.ClientId!,
    redirectUri: q.get('redirect_uri')!,
    scopes: c.scopes,
    username: user.Username!,
    attributes,
    authTime: Math.floor(Date.now() / 1000),
    nonce: q.get('nonce') ?? undefined,
    challenge: q.get('code_challenge') ?? undefined,
    expires: Date.now() + CODE_TTL_MS,
  });
  redirect(res, withQuery(q.get('redirect_uri')!, { code, state: q.get('state') ?? undefined }));
}

/** The user whose verified e-mail address `typed` is, on a pool with the e-mail alias; undefined otherwise. */
async function aliasOwner(ctx: Ctx, typed: string): Promise<string | undefined> {
  if (!/^[^\s@"]+@[^\s@"]+$/.test(typed)) return undefined;
  const pool = await ctx.state.pool(ctx.poolId);
  if (!(pool?.AliasAttributes ?? []).includes('email')) return undefined;
  const r = await ctx.state.aws.cognito.send(new ListUsersCommand({ UserPoolId: ctx.poolId, Filter: `email = "${typed}"`, Limit: 60 }));
  const verified = (r.Users ?? []).find((u) => u.Attributes?.some((a) => a.Name === 'email_verified' && a.Value === 'true'));
  return verified?.Username;
}

/**
 * GET /logout (docs.aws.amazon.com/cognito/latest/developerguide/logout-endpoint.html): client_id + logout_uri
 * (registered in LogoutURLs) → 302 to logout_uri; or client_id + redirect_uri + response_type → back to /login.
 * Without either: the page "Required String parameter 'redirect_uri' is not present" [A6, R].
 */
async function logout(ctx: Ctx, q: URLSearchParams, res: ServerResponse): Promise<void> {
  const clientId = q.get('client_id') ?? '';
  const client = await ctx.state.client(ctx.poolId, clientId);
  const logoutUri = q.get('logout_uri');
  if (client && logoutUri) {
    if (!(client.LogoutURLs ?? []).includes(logoutUri)) return redirect(res, `${ctx.origin}/error?error=redirect_mismatch&client_id=${encodeURIComponent(clientId)}`);
    return redirect(res, logoutUri, { 'set-cookie': 'cognito=; Max-Age=0; Path=/; Secure; HttpOnly' });
  }
  if (client && q.get('redirect_uri') && q.get('response_type')) return redirect(res, `${ctx.origin}/login?${q.toString()}`);
  sendHtml(res, 400, page('Error', `<h1>Required String parameter 'redirect_uri' is not present</h1><p>${randomUUID()}</p>`));
}
