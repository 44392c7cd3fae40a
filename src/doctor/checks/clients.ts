/** Checks of each examined app client (and the resource-server scopes it uses). */
import { describeNearMiss, hostedUiBaseUrl, nearMisses } from '../../lib/urls.js';
import { PLACEHOLDER_CALLBACKS } from '../../domain/oauth.js';
import { presetFlag } from '../../domain/presets.js';
import { LOOPBACK_HOSTS } from '../../lib/validate.js';
import type { UserPoolClientType } from '../../aws/cognito.js';
import { isFacadePreset } from '../../domain/presets.js';
import { facadeCallbacksOn, ownFacadeClient } from '../../steps/facade/owned.js';
import type { UserPoolClientPatch } from '../../aws/rmw.js';
import { FACADE_FIX, allowsOidc, brandingFix, clientLabel, defineClientCheck, interactive, isOidc, kindOf, list, specOf, mcpClientOf, q, redirectTargets, updateClientAws, type CheckEnv } from '../kit.js';

const PLACEHOLDERS = PLACEHOLDER_CALLBACKS;
const consoleHint = 'In the Cognito console: App clients → the client → Login pages → Edit.';

/** What to do about a client setting no mcp-cognito command changes in place. */
function editClient(env: CheckEnv, c: UserPoolClientType, what: string, patch: UserPoolClientPatch) {
  return { todo: `${what} ${consoleHint} By API, an update must resend every other setting (Cognito resets what it leaves out): the AWS CLI command doctor gives (--verbose, --json) does.`, aws: updateClientAws(c, patch, env.region) };
}

function units(n: number | undefined, unit: string | undefined, dflt: string): string {
  return n === undefined ? dflt : `${n} ${unit ?? ''}`.trim();
}
const inHours = (n: number | undefined, unit: string | undefined, dfltHours: number) => (n === undefined ? dfltHours : unit === 'days' ? n * 24 : unit === 'minutes' ? n / 60 : unit === 'seconds' ? n / 3600 : n);

export const CLIENT_CHECKS = [
  defineClientCheck('client.exists', 'App client exists', async (k, env, ref) => {
    try {
      const c = await env.reads.client(ref.clientId);
      const kind = kindOf(c, ref);
      return k.pass(`${clientLabel(c)}: ${kind === undefined ? 'a browser sign-in (code flow) client' : `a ${kind} client`}${ref.preset ? ' (from the state file)' : ''}.`);
    } catch (e) {
      if ((e as { code?: string }).code === 'NOT_FOUND') {
        const others = await env.reads.clientList().catch(() => []);
        return k.fail(`App client ${ref.clientId} does not exist in pool ${env.poolId}`, `It belongs to another pool, or it was deleted (a client created again gets a new ID). Clients in the pool: ${list(others.map((o) => `${o.ClientName} (${o.ClientId})`))}.`, { fix: `mcp-cognito create-client --pool-id ${env.poolId}${ref.preset ? ` --preset ${ref.preset}` : ''}` });
      }
      throw e;
    }
  }),

  defineClientCheck('client.oauth-enabled', 'OAuth is switched on for the client', async (k, env, ref) => {
    const c = await env.reads.client(ref.clientId);
    if (c.AllowedOAuthFlowsUserPoolClient) return k.pass(`${clientLabel(c)}.`);
    return k.fail(`OAuth is switched off for ${clientLabel(c)}`, 'The sign-in page answers unauthorized_client and the token URL refuses the client (AllowedOAuthFlowsUserPoolClient is false). An update that did not resend every setting switches it off.', editClient(env, c, 'Switch OAuth back on for the client.', { AllowedOAuthFlowsUserPoolClient: true }));
  }),

  defineClientCheck('client.flows', 'The client uses the right OAuth flow', async (k, env, ref) => {
    const c = await env.reads.client(ref.clientId);
    const kind = kindOf(c, ref);
    const flows = c.AllowedOAuthFlows ?? [];
    if (!interactive(kind)) {
      if (flows.length === 1 && flows[0] === 'client_credentials') return k.pass(`${clientLabel(c)}: client_credentials, as an M2M agent needs.`);
      return k.fail(`M2M client ${clientLabel(c)} cannot get tokens with client_credentials`, `Its flows are [${flows.join(', ')}]; an M2M agent needs client_credentials as the only flow, otherwise the token URL answers unauthorized_client.`, editClient(env, c, 'Make client_credentials its only OAuth flow.', { AllowedOAuthFlows: ['client_credentials'] }));
    }
    if (!flows.includes('code')) {
      const next = [...flows.filter((f) => f !== 'client_credentials'), 'code'] as UserPoolClientPatch['AllowedOAuthFlows'];
      return k.fail(`${clientLabel(c)} cannot sign people in: the code flow is off`, `Its flows are [${flows.join(', ')}]. The sign-in page redirects back with error=unauthorized_client, and the token URL answers unauthorized_client (never unsupported_grant_type, which means a malformed request).`, editClient(env, c, 'Turn on the authorization code grant.', { AllowedOAuthFlows: next }));
    }
    if (flows.includes('client_credentials')) return k.fail(`${clientLabel(c)} mixes sign-in and M2M flows`, 'Cognito does not allow code and client_credentials on one client: use a separate M2M client.', { fix: `mcp-cognito create-client --preset m2m --pool-id ${env.poolId}` });
    return k.pass(`${clientLabel(c)}: ${flows.join(', ')}${flows.includes('implicit') ? ' (implicit is not needed: Copilot Studio and Claude Code use code)' : ''}.`);
  }),

  defineClientCheck('client.identity-providers', 'The sign-in page offers Cognito sign-in', async (k, env, ref) => {
    const c = await env.reads.client(ref.clientId);
    if (!interactive(kindOf(c, ref))) return k.skip(`${clientLabel(c)} is an M2M client: it has no sign-in page.`);
    const idps = c.SupportedIdentityProviders ?? [];
    if (idps.includes('COGNITO')) return k.pass(`${clientLabel(c)}: ${idps.join(', ')}.`);
    if (idps.length) return k.warn(`${clientLabel(c)} offers only federated sign-in`, `Its identity providers are [${idps.join(', ')}], without COGNITO: users of the pool itself cannot sign in; errors then come from that provider.`, editClient(env, c, 'Add COGNITO to the identity providers.', { SupportedIdentityProviders: [...idps, 'COGNITO'] }));
    return k.fail(`${clientLabel(c)}'s sign-in page offers no way to sign in`, 'Its list of identity providers is empty (often left behind by an update that did not resend it).', editClient(env, c, 'Add COGNITO to the identity providers.', { SupportedIdentityProviders: ['COGNITO'] }));
  }),

  defineClientCheck('client.secret', 'The client has a secret if its caller needs one', async (k, env, ref) => {
    const c = await env.reads.client(ref.clientId);
    const kind = kindOf(c, ref);
    const has = Boolean(c.ClientSecret);
    const needs = specOf(kind)?.secretRequired;
    if (needs && kind && !has) return k.fail(`${needs.client} ${clientLabel(c)} has no secret`, needs.because, { fix: `mcp-cognito create-client${presetFlag(kind)} --pool-id ${env.poolId} --name <new name>` });
    return k.pass(`${clientLabel(c)} ${has ? 'has a secret' : 'has no secret (a public client: fine for Claude Code and MCP Inspector, not for Copilot Studio)'}.`);
  }),

  defineClientCheck('client.scopes', 'The client has usable scopes', async (k, env, ref) => {
    const c = await env.reads.client(ref.clientId);
    const kind = kindOf(c, ref);
    const scopes = c.AllowedOAuthScopes ?? [];
    if (!scopes.length) return k.fail(`${clientLabel(c)} has no scopes`, 'OAuth needs at least one, and a gateway that checks scopes needs a custom one such as mcp/invoke: sign-in and token requests fail (invalid_grant, invalid_scope).', editClient(env, c, 'Give the client its scopes.', { AllowedOAuthScopes: allowsOidc(kind) ? ['openid', 'email', 'profile', '<identifier>/<scope>'] : ['<identifier>/<scope>'] }));
    if (!allowsOidc(kind)) {
      const oidc = scopes.filter(isOidc);
      if (oidc.length) return k.fail(`M2M client ${clientLabel(c)} has OpenID scopes`, `${oidc.join(', ')} cannot be used with client_credentials (only custom scopes such as mcp/invoke can): a token request that asks for them gets invalid_scope.`, editClient(env, c, `Remove ${oidc.join(', ')} from its scopes.`, { AllowedOAuthScopes: scopes.filter((s) => !isOidc(s)) }));
    } else if (scopes.some((s) => ['email', 'profile', 'phone'].includes(s)) && !scopes.includes('openid')) {
      return k.fail(`${clientLabel(c)} has email/profile/phone without openid`, `Its scopes are [${scopes.join(', ')}]; Cognito answers invalid_scope to a sign-in that asks for email, profile or phone without openid.`, editClient(env, c, 'Add openid to its scopes.', { AllowedOAuthScopes: ['openid', ...scopes] }));
    }
    return k.pass(`${clientLabel(c)}: ${scopes.join(' ')}${interactive(kind) ? ` (what to put in Copilot Studio's Scopes field)` : ''}.`);
  }),

  defineClientCheck('resource-server.scopes', "The client's custom scopes exist", async (k, env, ref) => {
    const [c, servers] = await Promise.all([env.reads.client(ref.clientId), env.reads.resourceServers()]);
    const available = servers.flatMap((s) => (s.Scopes ?? []).map((sc) => `${s.Identifier}/${sc.ScopeName}`));
    const custom = (c.AllowedOAuthScopes ?? []).filter((s) => !isOidc(s));
    const missing = custom.filter((s) => !available.includes(s));
    if (!custom.length) return k.pass(`${clientLabel(c)} has no custom scopes; the pool defines ${list(available)}.`);
    if (!missing.length) return k.pass(`${custom.join(', ')} ${custom.length > 1 ? 'are' : 'is'} defined in the pool.`);
    const first = missing[0]!;
    const slash = first.lastIndexOf('/');
    return k.fail(`Scope ${missing.join(', ')} of ${clientLabel(c)} is not defined in the pool`, `No resource server defines ${missing.join(', ')} (the pool defines ${list(available)}): sign-in fails with invalid_scope.`, slash > 0 ? { fix: `mcp-cognito init-pool --pool-id ${env.poolId} --resource-server ${q(first.slice(0, slash))} --scope ${q(first.slice(slash + 1))}` } : { todo: 'A custom scope has the form <resource server>/<scope>: fix the client\'s scope list.' });
  }),

  defineClientCheck('client.callbacks', 'Redirect URLs are registered', async (k, env, ref) => {
    const c = await env.reads.client(ref.clientId);
    const kind = kindOf(c, ref);
    if (!interactive(kind)) return k.skip(`${clientLabel(c)} is an M2M client: there is no browser redirect.`);
    const urls = c.CallbackURLs ?? [];
    const addFix = `mcp-cognito add-callback <redirect URL> --client-id ${c.ClientId}`;
    if (!urls.length) return k.fail(`${clientLabel(c)} has no redirect URL`, 'Every sign-in ends on Cognito\'s error page (redirect_mismatch).', { fix: addFix });
    const bad = urls.filter((u) => {
      try {
        const p = new URL(u);
        return p.protocol === 'http:' && !LOOPBACK_HOSTS.has(p.hostname);
      } catch {
        return false;
      }
    });
    if (bad.length) return k.fail(`${clientLabel(c)} has a plain-http redirect URL`, `${bad.join(', ')}: Cognito allows http only for localhost, 127.0.0.1 and [::1].`, { fix: addFix.replace('<redirect URL>', q(bad[0]!.replace(/^http:/, 'https:'))) });
    const placeholders = urls.filter((u) => PLACEHOLDERS.includes(u));
    const real = urls.filter((u) => !PLACEHOLDERS.includes(u));
    if (placeholders.length && !real.length) {
      const add = `mcp-cognito add-callback <the redirect URL> --client-id ${c.ClientId}`;
      const from = specOf(kind)?.redirectUrlFrom;
      if (from) {
        return k.pass(`${clientLabel(c)} waits for ${from.consumer}'s redirect URL (only the placeholder ${placeholders.join(', ')} is registered).`, { next: `${from.doctorNext} Register it: ${add}` });
      }
      return k.warn(`${clientLabel(c)} has only a placeholder redirect URL`, `${placeholders.join(', ')} is registered and nothing else: every sign-in ends on Cognito's error page (redirect_mismatch).`, { fix: addFix });
    }
    const dupes: string[] = [];
    for (const u of real) for (const m of nearMisses(u, real)) if (u < m.url) dupes.push(`${u} and ${m.url} (${describeNearMiss(m.kind)})`);
    if (dupes.length) return k.warn(`${clientLabel(c)} has near-duplicate redirect URLs`, `${dupes.join('; ')}. Cognito matches exactly: only the one the client really sends works.`);
    return k.pass(`${clientLabel(c)}: ${real.join(', ')}${placeholders.length ? ` (the placeholder ${placeholders.join(', ')} is still there: harmless)` : ''}.`);
  }),

  defineClientCheck('client.redirect-uri', 'The redirect URL is registered exactly', async (k, env, ref) => {
    const c = await env.reads.client(ref.clientId);
    const uri = env.redirectUri;
    if (!uri) return k.skip('No --redirect-uri given (pass the redirect URL Copilot Studio shows to check it).');
    if (!interactive(kindOf(c, ref))) return k.skip(`${clientLabel(c)} is an M2M client (no redirect).`);
    const owners = await redirectTargets(env);
    if (!owners.includes(c.ClientId!)) return k.skip(`${uri} is checked on ${owners.join(', ')}, the client it belongs to.`);
    const urls = c.CallbackURLs ?? [];
    const fix = `mcp-cognito add-callback ${q(uri)} --client-id ${c.ClientId}`;
    if (urls.includes(uri)) return k.pass(`${uri} is registered on ${clientLabel(c)} (exact match).`);
    const near = nearMisses(uri, urls);
    const placeholder = urls.some((u) => PLACEHOLDERS.includes(u)) ? ' Only the placeholder is registered besides.' : '';
    if (near.length) return k.fail(`${uri} is not registered on ${clientLabel(c)}`, `It has ${near.map((n) => `${n.url}, which ${describeNearMiss(n.kind)}`).join('; ')}. Cognito matches exactly: sign-in ends on its error page (redirect_mismatch).${placeholder}`, { fix });
    return k.fail(`${uri} is not registered on ${clientLabel(c)}`, `Its redirect URLs are ${list(urls)}: sign-in ends on Cognito's error page (/error?error=redirect_mismatch).${placeholder}`, { fix });
  }),

  defineClientCheck('client.logout-urls', 'Sign-out URLs', async (k, env, ref) => {
    const c = await env.reads.client(ref.clientId);
    if (!interactive(kindOf(c, ref))) return k.skip(`${clientLabel(c)} is an M2M client.`);
    const urls = c.LogoutURLs ?? [];
    return k.pass(urls.length ? `${clientLabel(c)}: ${urls.join(', ')} (/logout needs client_id and one of these as logout_uri).` : `${clientLabel(c)} has none; needed only when an app signs out through /logout (mcp-cognito add-callback --logout <url> --client-id ${c.ClientId}).`);
  }),

  defineClientCheck('client.token-validity', 'Sessions last until the refresh token expires', async (k, env, ref) => {
    const c = await env.reads.client(ref.clientId);
    const kind = kindOf(c, ref);
    const u = c.TokenValidityUnits ?? {};
    const access = units(c.AccessTokenValidity, u.AccessToken ?? 'hours', '1 hour');
    const refresh = units(c.RefreshTokenValidity, u.RefreshToken ?? 'days', '30 days');
    if (!interactive(kind)) return k.pass(`${clientLabel(c)}: access tokens last ${access}; an M2M agent gets no refresh token and simply asks for a new access token.`);
    const pool = await env.reads.pool().catch(() => undefined);
    const domain = pool?.CustomDomain ?? pool?.Domain;
    const tokenUrl = domain ? `${hostedUiBaseUrl(domain, env.region)}/oauth2/token` : 'https://<domain>/oauth2/token';
    const revocation = c.EnableTokenRevocation === false ? 'Token revocation is off.' : 'A revoked refresh token (revocation is on) ends the session too.';
    const accessH = inHours(c.AccessTokenValidity, u.AccessToken ?? 'hours', 1);
    const refreshH = inHours(c.RefreshTokenValidity, u.RefreshToken ?? 'days', 720);
    const story = `Access tokens last ${access}; Copilot Studio should then get a new one with the refresh token at its Refresh URL, which must be ${tokenUrl} (with Manual OAuth it has been reported to ask people to reconnect instead: a longer access-token validity, up to 1 day, means fewer reconnects). Refresh tokens last ${refresh}: after that people sign in again. ${revocation}`;
    if (refreshH <= accessH) return k.warn(`${clientLabel(c)}'s refresh tokens expire no later than its access tokens`, `${story} With refresh tokens of ${refresh}, Copilot Studio asks to reconnect every ${access}.`, editClient(env, c, 'Give refresh tokens a longer validity than access tokens.', { RefreshTokenValidity: 30, TokenValidityUnits: { ...u, RefreshToken: 'days' } }));
    return k.pass(`${clientLabel(c)}: ${story}`);
  }),

  defineClientCheck('client.branding', 'The login page is available', async (k, env, ref) => {
    const c = await env.reads.client(ref.clientId);
    if (!interactive(kindOf(c, ref))) return k.skip(`${clientLabel(c)} is an M2M client: it needs no login page.`);
    const domains = await env.reads.domains();
    if (!domains.length) return k.skip('The pool has no domain.');
    const v2 = domains.find((d) => d.desc?.ManagedLoginVersion === 2);
    // Only managed login (version 2) needs a branding style per client. Evidence: CreateUserPoolDomain's
    // ManagedLoginVersion doc (SDK): "A ManagedLoginVersion value of 2 does not activate managed login
    // pages for your app client … create a branding style using CreateManagedLoginBranding"; branding
    // styles are the managed-login mechanism, while the classic hosted UI is styled by
    // SetUICustomization, which "has no effect on managed login pages" and whose pool-wide default
    // "applies to every app client that doesn't have client-level settings"
    // (docs.aws.amazon.com/cognito/latest/developerguide/hosted-ui-classic-branding.html,
    // …/cognito-user-identity-pools/latest/APIReference/API_SetUICustomization.html). The broader
    // sentence of CreateUserPoolClient's doc ("Managed login and classic hosted UI pages aren't
    // available … until after you apply a branding style") is not borne out by those pages or by any
    // report (all "Login pages unavailable" reports are version 2); the authorize probe looks at the
    // page itself, on either version, so a classic page that says so is still caught.
    if (!v2) return k.pass(`${domains[0]!.domain} uses the classic hosted UI, which needs no branding style.`);
    const has = await env.reads.branding(c.ClientId!);
    if (has) return k.pass(`${v2.domain} uses managed login, and ${clientLabel(c)} has a branding style.`);
    return k.fail(`${clientLabel(c)} has no login page ("Login pages unavailable")`, `${v2.domain} uses managed login, which shows a client's login page only once a branding style is assigned to it; clients created with the API or the CLI get none.`, {
      fix: brandingFix(env, c, ref),
      aws: `aws cognito-idp create-managed-login-branding --user-pool-id ${env.poolId} --client-id ${c.ClientId} --use-cognito-provided-values --region ${env.region}`,
    });
  }),

  defineClientCheck('client.oauth-metadata', 'Its MCP client needs no OAuth metadata Cognito lacks', async (k, env, ref) => {
    const c = await env.reads.client(ref.clientId);
    if (!interactive(kindOf(c, ref))) return k.skip(`${clientLabel(c)} is an M2M client: it signs in with client_credentials, no discovery needed.`);
    const state = env.ctx.state.get();
    // The façade's own client, and the callbacks the façade recorded on a client: the façade's, not an MCP client's.
    if (ref.preset && isFacadePreset(ref.preset)) return k.pass(`${clientLabel(c)} is the OAuth façade's own client: the façade serves the registration endpoint and PKCE metadata Cognito lacks, and its callbacks (${list(c.CallbackURLs)}) are the façade's.`);
    const facadeUrls = facadeCallbacksOn(state, c.ClientId!);
    const who = mcpClientOf({ ...c, CallbackURLs: (c.CallbackURLs ?? []).filter((u) => !facadeUrls.includes(u)) });
    const facade = state.facade;
    if (!who && facadeUrls.length) return k.pass(`${clientLabel(c)}: ${facadeUrls.join(', ')} ${facadeUrls.length > 1 ? 'are' : 'is'} the OAuth façade's callback (mcp-cognito facade serve or deploy moves the façade to its own client).`);
    // The façade has its own client: a loopback callback left on another client (an older facade serve put it
    // there unrecorded, or it was added by hand) is not how Claude Code signs in any more.
    const own = ownFacadeClient(state);
    if (who && own && own.clientId !== c.ClientId) {
      return k.warn(`${clientLabel(c)} still has ${who.name}'s redirect URL`, `${who.url} is registered on it, but ${who.name} signs in through the OAuth façade, which has its own client ${own.name} (${own.clientId}); the façade does not use this URL (an older facade serve left it, or it was added by hand).`, { fix: `mcp-cognito remove-callback ${q(who.url)} --client-id ${c.ClientId}` });
    }
    if (facade?.url && (facade.clientId === c.ClientId || who)) return k.pass(`${clientLabel(c)}: the OAuth façade at ${facade.url} serves the registration endpoint and PKCE metadata Cognito lacks; MCP clients connect to ${facade.url}/mcp.`);
    if (!who) return k.pass(`${clientLabel(c)}: Copilot Studio's Manual OAuth (and other clients given the URLs by hand) needs no registration endpoint or PKCE metadata.`);
    return k.fail(`${who.name} cannot sign in through Cognito directly`, `${clientLabel(c)} has ${who.url}, the redirect URL of ${who.name}. ${who.name} follows the MCP authorization spec of 2025-11-25: it refuses an authorization server whose metadata lacks code_challenge_methods_supported, and it wants a registration endpoint; Cognito publishes neither. The OAuth façade serves both in front of Cognito.`, { fix: who.remote ? FACADE_FIX.deploy : FACADE_FIX.serve, todo: who.remote ? undefined : `For a shared or remote setup: ${FACADE_FIX.deploy}` });
  }),
];
