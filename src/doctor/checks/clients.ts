/** Checks of each examined app client (and the resource-server scopes it uses). */
import { PLACEHOLDER_CALLBACK, describeNearMiss, nearMisses } from '../../lib/urls.js';
import { LOOPBACK_HOSTS } from '../../lib/validate.js';
import type { UserPoolClientPatch } from '../../aws/rmw.js';
import { clientLabel, defineClientCheck, interactive, isOidc, kindOf, list, q, redirectTargets, updateClientFix, type CheckDef } from '../kit.js';

const PLACEHOLDERS = [PLACEHOLDER_CALLBACK, 'https://example.com', 'https://example.com/'];

export const CLIENT_CHECKS: CheckDef[] = [
  defineClientCheck('client.exists', 'App client exists', async (k, env, ref) => {
    try {
      const c = await env.reads.client(ref.clientId);
      const kind = kindOf(c, ref);
      return k.pass(`${clientLabel(c)} in ${env.poolId}; ${kind === 'interactive' ? 'a browser (code flow) client' : `${kind} client`}${ref.preset ? ' (from the state file)' : ''}.`);
    } catch (e) {
      if ((e as { code?: string }).code === 'NOT_FOUND') {
        const others = await env.reads.clientList().catch(() => []);
        return k.fail(`No app client ${ref.clientId} in pool ${env.poolId} (a client of another pool, or deleted and recreated with a new ID). Clients in the pool: ${list(others.map((o) => `${o.ClientName} (${o.ClientId})`))}.`, { fix: `mcp-cognito create-client --pool-id ${env.poolId}` });
      }
      throw e;
    }
  }),

  defineClientCheck('client.oauth-enabled', 'OAuth enabled on the client', async (k, env, ref) => {
    const c = await env.reads.client(ref.clientId);
    if (c.AllowedOAuthFlowsUserPoolClient) return k.pass(`${clientLabel(c)}: AllowedOAuthFlowsUserPoolClient is true.`);
    return k.fail(
      `${clientLabel(c)}: AllowedOAuthFlowsUserPoolClient is false, so /oauth2/authorize and /oauth2/token refuse the client (unauthorized_client / invalid_grant). An UpdateUserPoolClient that did not resend it switches it off (F5).`,
      { fix: updateClientFix(c, { AllowedOAuthFlowsUserPoolClient: true }, env.region) },
    );
  }),

  defineClientCheck('client.flows', 'OAuth flows match the kind of client', async (k, env, ref) => {
    const c = await env.reads.client(ref.clientId);
    const kind = kindOf(c, ref);
    const flows = c.AllowedOAuthFlows ?? [];
    if (kind === 'm2m') {
      if (flows.length === 1 && flows[0] === 'client_credentials') return k.pass(`${clientLabel(c)}: AllowedOAuthFlows [client_credentials], as an M2M client needs.`);
      return k.fail(`${clientLabel(c)} is an M2M client but AllowedOAuthFlows is [${flows.join(', ')}]; it needs client_credentials as its only flow (token requests get unauthorized_client).`, { fix: updateClientFix(c, { AllowedOAuthFlows: ['client_credentials'] }, env.region) });
    }
    if (!flows.includes('code')) {
      const next = [...flows.filter((f) => f !== 'client_credentials'), 'code'] as UserPoolClientPatch['AllowedOAuthFlows'];
      return k.fail(`${clientLabel(c)}: AllowedOAuthFlows is [${flows.join(', ')}], without code. Sign-in redirects to ?error=unauthorized_client and the token endpoint answers unauthorized_client (not unsupported_grant_type, whatever the guide says).`, { fix: updateClientFix(c, { AllowedOAuthFlows: next }, env.region) });
    }
    if (flows.includes('client_credentials')) return k.fail(`${clientLabel(c)} mixes code and client_credentials, which Cognito rejects; use separate clients.`, { fix: `mcp-cognito create-client --preset m2m --pool-id ${env.poolId}` });
    if (flows.includes('implicit')) return k.warn(`${clientLabel(c)}: AllowedOAuthFlows [${flows.join(', ')}]: implicit is not needed (Copilot Studio and Claude Code use code).`);
    return k.pass(`${clientLabel(c)}: AllowedOAuthFlows [${flows.join(', ')}] (refresh tokens are issued with code).`);
  }),

  defineClientCheck('client.identity-providers', 'Identity providers include COGNITO', async (k, env, ref) => {
    const c = await env.reads.client(ref.clientId);
    if (!interactive(kindOf(c, ref))) return k.skip(`${clientLabel(c)} is an M2M client: identity providers are not used by client_credentials.`);
    const idps = c.SupportedIdentityProviders ?? [];
    if (idps.includes('COGNITO')) return k.pass(`${clientLabel(c)}: SupportedIdentityProviders [${idps.join(', ')}].`);
    if (idps.length) return k.warn(`${clientLabel(c)}: SupportedIdentityProviders [${idps.join(', ')}] without COGNITO: only federated sign-in is offered (A8 errors come from that IdP).`, { fix: updateClientFix(c, { SupportedIdentityProviders: [...idps, 'COGNITO'] }, env.region) });
    return k.fail(`${clientLabel(c)}: SupportedIdentityProviders is empty, so the login page offers no way to sign in (often left behind by an update that did not resend it, F5).`, { fix: updateClientFix(c, { SupportedIdentityProviders: ['COGNITO'] }, env.region) });
  }),

  defineClientCheck('client.secret', 'Client secret as the caller needs', async (k, env, ref) => {
    const c = await env.reads.client(ref.clientId);
    const kind = kindOf(c, ref);
    const has = Boolean(c.ClientSecret);
    if (kind === 'm2m' && !has) return k.fail(`${clientLabel(c)} has no secret; client_credentials needs one, and a secret cannot be added to an existing public client.`, { fix: `mcp-cognito create-client --preset m2m --pool-id ${env.poolId}` });
    if (kind === 'copilot-studio' && !has) return k.fail(`${clientLabel(c)} has no secret; Copilot Studio's Manual OAuth form needs one (token requests fail with invalid_client), and a secret cannot be added to an existing public client.`, { fix: `mcp-cognito create-client --pool-id ${env.poolId} --name <new name>` });
    const note = has ? (kind === 'interactive' || kind === 'web' ? ' PKCE-only tools without a secret (Claude Code, MCP Inspector) need a separate public client.' : '') : ' A public client: fine for Claude Code and MCP Inspector (PKCE), not for Copilot Studio.';
    return k.pass(`${clientLabel(c)} ${has ? 'has a secret (confidential client)' : 'has no secret'}.${note}`);
  }),

  defineClientCheck('client.scopes', 'Client scopes are usable', async (k, env, ref) => {
    const c = await env.reads.client(ref.clientId);
    const kind = kindOf(c, ref);
    const scopes = c.AllowedOAuthScopes ?? [];
    if (!scopes.length) return k.fail(`${clientLabel(c)} has no AllowedOAuthScopes: OAuth needs at least one, and the gateway's allowedScopes need a custom one (T3f, G3).`, { fix: updateClientFix(c, { AllowedOAuthScopes: kind === 'm2m' ? ['<identifier>/<scope>'] : ['openid', 'email', 'profile', '<identifier>/<scope>'] }, env.region) });
    if (kind === 'm2m') {
      const oidc = scopes.filter(isOidc);
      if (oidc.length) return k.fail(`${clientLabel(c)} is an M2M client with OpenID scopes ${oidc.join(', ')}; client_credentials allows custom resource-server scopes only (invalid_scope, T4).`, { fix: updateClientFix(c, { AllowedOAuthScopes: scopes.filter((s) => !isOidc(s)) }, env.region) });
    } else {
      const needsOpenid = scopes.some((s) => ['email', 'profile', 'phone'].includes(s)) && !scopes.includes('openid');
      if (needsOpenid) return k.fail(`${clientLabel(c)}: AllowedOAuthScopes [${scopes.join(', ')}] has email/profile/phone without openid (invalid_scope, A2d).`, { fix: updateClientFix(c, { AllowedOAuthScopes: ['openid', ...scopes] }, env.region) });
      if (!scopes.some((s) => !isOidc(s))) return k.warn(`${clientLabel(c)}: AllowedOAuthScopes [${scopes.join(', ')}] has no custom scope, so its tokens cannot satisfy a gateway that checks allowedScopes (G3).`);
    }
    return k.pass(`${clientLabel(c)}: AllowedOAuthScopes [${scopes.join(', ')}]${interactive(kind) ? ` (the scopes to type into Copilot Studio: "${scopes.join(' ')}")` : ''}.`);
  }),

  defineClientCheck('resource-server.scopes', "Client's custom scopes exist on a resource server", async (k, env, ref) => {
    const [c, servers] = await Promise.all([env.reads.client(ref.clientId), env.reads.resourceServers()]);
    const available = servers.flatMap((s) => (s.Scopes ?? []).map((sc) => `${s.Identifier}/${sc.ScopeName}`));
    const custom = (c.AllowedOAuthScopes ?? []).filter((s) => !isOidc(s));
    const missing = custom.filter((s) => !available.includes(s));
    if (!custom.length) return k.pass(`${clientLabel(c)} has no custom scopes. Resource-server scopes in the pool: ${list(available)}.`);
    if (!missing.length) return k.pass(`${clientLabel(c)}: ${custom.join(', ')} exist (resource servers: ${list(servers.map((s) => s.Identifier!))}).`);
    const first = missing[0]!;
    const slash = first.lastIndexOf('/');
    const fix = slash > 0 ? `mcp-cognito init-pool --pool-id ${env.poolId} --resource-server ${q(first.slice(0, slash))} --scope ${q(first.slice(slash + 1))}` : undefined;
    return k.fail(`${clientLabel(c)} has scope${missing.length > 1 ? 's' : ''} ${missing.join(', ')}, which no resource server defines (sign-in fails with invalid_scope). Defined: ${list(available)}.`, { fix });
  }),

  defineClientCheck('client.callbacks', 'Callback URLs registered', async (k, env, ref) => {
    const c = await env.reads.client(ref.clientId);
    if (!interactive(kindOf(c, ref))) return k.skip(`${clientLabel(c)} is an M2M client: client_credentials has no browser redirect.`);
    const urls = c.CallbackURLs ?? [];
    const addFix = `mcp-cognito add-callback <redirect URL> --client-id ${c.ClientId}`;
    if (!urls.length) return k.fail(`${clientLabel(c)} has no callback URLs; every sign-in ends in redirect_mismatch.`, { fix: addFix });
    const bad = urls.filter((u) => {
      try {
        const p = new URL(u);
        return p.protocol === 'http:' && !LOOPBACK_HOSTS.has(p.hostname);
      } catch {
        return false;
      }
    });
    if (bad.length) return k.fail(`${clientLabel(c)}: ${bad.join(', ')} use plain http on a non-loopback host, which Cognito rejects.`, { fix: addFix.replace('<redirect URL>', bad[0]!.replace(/^http:/, 'https:')) });
    const placeholders = urls.filter((u) => PLACEHOLDERS.includes(u));
    const real = urls.filter((u) => !PLACEHOLDERS.includes(u));
    if (placeholders.length && !real.length) {
      return k.warn(`${clientLabel(c)} still has only the placeholder ${placeholders.join(', ')}: Copilot Studio's redirect URL (https://global.consent.azure-apim.net/redirect/…, shown after you save the tool) is not registered yet, so sign-in ends in redirect_mismatch.`, { fix: addFix });
    }
    const dupes: string[] = [];
    for (const u of real) for (const m of nearMisses(u, real)) if (u < m.url) dupes.push(`${u} and ${m.url} (${describeNearMiss(m.kind)})`);
    if (dupes.length) return k.warn(`${clientLabel(c)} has near-duplicate callbacks: ${dupes.join('; ')}. Only the exact one the client sends works.`);
    if (placeholders.length) return k.warn(`${clientLabel(c)}: ${list(real)}, and the placeholder ${placeholders.join(', ')} is still registered (harmless, but remove it).`, { fix: updateClientFix(c, { CallbackURLs: real }, env.region) });
    return k.pass(`${clientLabel(c)}: ${real.join(', ')}.`);
  }),

  defineClientCheck('client.redirect-uri', 'Redirect URL registered exactly', async (k, env, ref) => {
    const c = await env.reads.client(ref.clientId);
    const uri = env.redirectUri;
    if (!uri) return k.skip('No --redirect-uri given (pass the redirect URL Copilot Studio shows to check it).');
    if (!interactive(kindOf(c, ref))) return k.skip(`${clientLabel(c)} is an M2M client (no redirect).`);
    const owners = await redirectTargets(env);
    if (!owners.includes(c.ClientId!)) return k.skip(`${uri} is checked on ${owners.join(', ')}, the client it belongs to.`);
    const urls = c.CallbackURLs ?? [];
    const fix = `mcp-cognito add-callback ${q(uri)} --client-id ${c.ClientId}`;
    if (urls.includes(uri)) return k.pass(`${uri} is in ${clientLabel(c)}'s CallbackURLs (exact match).`);
    const near = nearMisses(uri, urls);
    const placeholder = urls.some((u) => PLACEHOLDERS.includes(u)) ? ' The placeholder is still registered.' : '';
    if (near.length) return k.fail(`${uri} is not registered; ${clientLabel(c)} has ${near.map((n) => `${n.url}, which ${describeNearMiss(n.kind)}`).join('; ')}. Cognito matches exactly: sign-in ends in redirect_mismatch.${placeholder}`, { fix });
    return k.fail(`${uri} is not in ${clientLabel(c)}'s CallbackURLs (${list(urls)}): sign-in ends in /error?error=redirect_mismatch.${placeholder}`, { fix });
  }),

  defineClientCheck('client.logout-urls', 'Logout URLs', async (k, env, ref) => {
    const c = await env.reads.client(ref.clientId);
    if (!interactive(kindOf(c, ref))) return k.skip(`${clientLabel(c)} is an M2M client.`);
    const urls = c.LogoutURLs ?? [];
    return k.pass(urls.length ? `${clientLabel(c)}: ${urls.join(', ')}; /logout must be called with client_id and one of these as logout_uri.` : `${clientLabel(c)} has none; needed only if an app signs out through /logout (then: mcp-cognito add-callback --logout <url> --client-id ${c.ClientId}).`);
  }),

  defineClientCheck('client.token-validity', 'Token lifetimes', async (k, env, ref) => {
    const c = await env.reads.client(ref.clientId);
    const u = c.TokenValidityUnits ?? {};
    const access = c.AccessTokenValidity !== undefined ? `${c.AccessTokenValidity} ${u.AccessToken ?? 'hours'}` : '1 hour (default)';
    const refresh = c.RefreshTokenValidity !== undefined ? `${c.RefreshTokenValidity} ${u.RefreshToken ?? 'days'}` : '30 days (default)';
    const note = interactive(kindOf(c, ref)) ? ' Copilot Studio refreshes only if its Refresh URL is the token URL; otherwise it asks to reconnect when the access token expires (C8).' : ' An M2M client gets no refresh token: it requests a new access token.';
    return k.pass(`${clientLabel(c)}: access token ${access}, refresh token ${refresh}.${note}`);
  }),

  defineClientCheck('client.branding', 'Managed login branding assigned', async (k, env, ref) => {
    const c = await env.reads.client(ref.clientId);
    if (!interactive(kindOf(c, ref))) return k.skip(`${clientLabel(c)} is an M2M client: /oauth2/token needs no login page.`);
    const domains = await env.reads.domains();
    const v2 = domains.find((d) => d.desc?.ManagedLoginVersion === 2);
    if (!domains.length) return k.skip('The pool has no domain (see pool.domain).');
    if (!v2) return k.pass(`The domain uses the classic hosted UI (ManagedLoginVersion ${domains[0]!.desc?.ManagedLoginVersion ?? 'not reported'}): no branding style needed.`);
    const has = await env.reads.branding(c.ClientId!);
    if (has) return k.pass(`Managed login (v2) on ${v2.domain}; ${clientLabel(c)} has a branding style.`);
    return k.fail(`Managed login (v2) on ${v2.domain}, but ${clientLabel(c)} has no branding style, so its login page shows "Login pages unavailable" (A5).`, { fix: `aws cognito-idp create-managed-login-branding --user-pool-id ${env.poolId} --client-id ${c.ClientId} --use-cognito-provided-values --region ${env.region}` });
  }),
];
