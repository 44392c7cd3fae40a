/**
 * The failure catalogue as data: one entry per symptom a user sees, the strings that identify
 * it, its causes, and for each cause the checks (by check id) that confirm or rule it out. Adding
 * a symptom is adding an entry here; the matcher, the ranking and the report need no new code.
 *
 * docs/troubleshooting.md and the README's troubleshooting section are generated from it
 * (`npm run docs`; a unit test fails when they are out of date).
 *
 * Entries and causes keep the catalogue's row ids (`A1`, `G4`…) inside; what a user sees — in the
 * report or in --json — is the `key` (`redirect-mismatch`) and plain words. Every `fix` is an
 * `mcp-cognito …` command (placeholders `<…>` are filled by a failing check's own command); what
 * no command does is a `todo`.
 *
 * Plain data only: no imports, so `doctor --offline` never loads anything it does not need.
 */

/** How far to trust a row: C confirmed by AWS or a vendor, R reported by users, ? unconfirmed. */
export type Confidence = 'C' | 'R' | '?';

export interface SymptomPattern {
  /** Tested against the user's text (as given, and URL-decoded). */
  re: RegExp;
  /** How strongly the text points at this symptom; the best total wins. */
  weight: number;
  /** Ids of causes this text points at (they rank higher among equals). */
  causes?: string[];
}

export interface CatalogueCause {
  /** `G1`, `A1b`…: the catalogue row (and letter) it comes from. Internal. */
  id: string;
  /** The public name (--json, `--error <name>`). */
  key: string;
  text: string;
  confidence?: Confidence;
  /** Check ids whose outcome confirms or rules out this cause; the first is the decisive one. */
  checks: string[];
  /** What confirms it, in plain words. */
  confirm: string;
  /**
   * Evidence specific to this cause: a failing related check whose detail matches confirms it
   * (and ranks it above causes confirmed by the same check in general terms); failing checks
   * that do not match only make it possible.
   */
  match?: RegExp;
  /**
   * A passing related check whose detail matches leaves the cause possible instead of ruling it
   * out (a gateway that checks no scope cannot reject a scope, but it advertises none either).
   */
  passMatch?: RegExp;
  /** The fix, an `mcp-cognito …` command; `<...>` placeholders are filled by a failing check's command. */
  fix?: string;
  /** What to do when no mcp-cognito command does it. */
  todo?: string;
}

export interface CatalogueEntry {
  /** Internal row id (`A1`, `G1-G7`). */
  id: string;
  /** The public name (--json, `--error <name>`). */
  key: string;
  title: string;
  confidence: Confidence;
  /** Catalogue rows this entry covers. */
  rows: string[];
  /** The exact (short) strings users see. */
  strings: string[];
  where: string;
  patterns: SymptomPattern[];
  causes: CatalogueCause[];
  /** What people often get wrong about it. */
  correction?: string;
  /** Extra explanation printed with the symptom. */
  note?: string;
}

const ADD_CALLBACK = 'mcp-cognito add-callback <redirect URL> --client-id <client-id>';
const AUTHORIZE = 'mcp-cognito authorize-client --gateway-id <gateway-id> --client-id <client-id>';
const FACADE = 'mcp-cognito facade serve';
const EDIT_CLIENT = "in the Cognito console (App clients → the client → Login pages → Edit), or with the AWS CLI command doctor gives with the failing check (it resends every other setting: an update resets what it leaves out)";
const EDIT_GATEWAY = 'with the AWS CLI command doctor gives with the failing check (UpdateGateway replaces the whole gateway: it resends every other setting)';

export const CATALOGUE: readonly CatalogueEntry[] = [
  // ── 1. Sign-in page (/oauth2/authorize) ─────────────────────────────────────────
  {
    id: 'A1',
    key: 'redirect-mismatch',
    title: 'Redirect URL not registered (redirect_mismatch)',
    confidence: 'C',
    rows: ['A1', 'C3'],
    strings: ['An error was encountered with the requested page.', '/error?error=redirect_mismatch&client_id=<id>'],
    where: 'Browser: the Copilot Studio sign-in pop-up, or the Claude Code / MCP Inspector browser tab',
    patterns: [
      { re: /error=redirect_mismatch/i, weight: 10 },
      { re: /redirect_mismatch/i, weight: 8 },
      { re: /redirect[_ -]?ur[il][_ -]?mismatch|redirect[_ -]?ur[il].{0,30}(not|doesn.t)\s+match|mismatch.{0,20}redirect/i, weight: 8 },
      { re: /an error was encountered with the requested page/i, weight: 6 },
      { re: /localhost:\d+\/callback/i, weight: 2, causes: ['A1c'] },
      { re: /localhost:6274|oauth\/callback/i, weight: 2, causes: ['A1d'] },
      { re: /consent\.azure-apim\.net/i, weight: 2, causes: ['A1a'] },
      { re: /placeholder\.example\.com|https:\/\/example\.com/i, weight: 2, causes: ['A1e'] },
    ],
    causes: [
      {
        id: 'A1a',
        key: 'redirect-url-missing',
        text: "The Copilot Studio redirect URL (one per connector, https://global.consent.azure-apim.net/redirect/<suffix>, shown only after you save the tool) is not registered on the client.",
        checks: ['client.redirect-uri', 'probe.authorize', 'client.callbacks'],
        confirm: 'the exact URL is among the client\'s redirect URLs (compared as strings, no normalising); the sign-in URL with that redirect_uri goes to /error?error=redirect_mismatch',
        fix: ADD_CALLBACK,
      },
      {
        id: 'A1b',
        key: 'redirect-url-near-miss',
        text: 'The URL is registered with a small difference Cognito does not forgive: a trailing slash, http vs https, localhost vs 127.0.0.1, the port, or letter case.',
        checks: ['client.redirect-uri', 'client.callbacks'],
        confirm: 'compare the redirect URL with the registered ones for near misses',
        match: /differs only|another loopback host/,
        fix: ADD_CALLBACK,
      },
      {
        id: 'A1c',
        key: 'claude-code-random-port',
        text: 'Claude Code uses http://localhost:<random port>/callback unless the port is pinned; Cognito has no any-port rule for loopback.',
        checks: ['client.callbacks'],
        confirm: 'a redirect URL http://localhost:<pinned port>/callback is registered',
        fix: 'mcp-cognito add-callback http://localhost:<port>/callback --client-id <client-id>',
        todo: 'Pin the port in Claude Code (claude mcp add … --callback-port <port>, oauth.callbackPort or MCP_OAUTH_CALLBACK_PORT), or use the OAuth façade, which accepts any loopback port.',
      },
      {
        id: 'A1d',
        key: 'inspector-redirect',
        text: 'MCP Inspector uses http://localhost:6274/oauth/callback (and /oauth/callback/debug).',
        checks: ['client.callbacks'],
        confirm: 'the Inspector URLs are registered',
        fix: 'mcp-cognito add-callback http://localhost:6274/oauth/callback http://localhost:6274/oauth/callback/debug --client-id <client-id>',
      },
      {
        id: 'A1e',
        key: 'placeholder-redirect',
        text: 'Only a placeholder redirect URL is registered (https://placeholder.example.com, or https://example.com from CDK templates).',
        checks: ['client.callbacks'],
        confirm: 'the client\'s redirect URLs are placeholders only',
        match: /placeholder/,
        passMatch: /placeholder/,
        fix: ADD_CALLBACK,
      },
    ],
    correction:
      "redirect_mismatch is not a JSON error: it only appears as Cognito's page /error?error=redirect_mismatch. At the token URL a redirect difference shows up as unauthorized_client (a trailing slash) or invalid_grant instead. Adding the URL by hand with update-user-pool-client must resend every other client setting; add-callback does that.",
  },
  {
    id: 'A2',
    key: 'invalid-scope-at-sign-in',
    title: 'Scope rejected at sign-in (invalid_scope)',
    confidence: 'C',
    rows: ['A2', 'C4'],
    strings: ['<redirect_uri>?error=invalid_scope', 'invalid_request: invalid_scope'],
    where: "Browser redirect back to the client, then the client's error page",
    patterns: [
      { re: /[?&]error=invalid_scope/i, weight: 10 },
      { re: /invalid_scope/i, weight: 5 },
      { re: /invalid scope/i, weight: 4 },
      { re: /offline_access/i, weight: 3, causes: ['A2c'] },
    ],
    causes: [
      {
        id: 'A2a',
        key: 'scope-not-on-client',
        text: "A requested scope is not enabled on the client (the Copilot Studio Scopes field, or the gateway's advertised scopes, name a scope the client lacks).",
        checks: ['gateway.allowed-scopes', 'client.scopes', 'probe.authorize'],
        confirm: "the client's scopes include everything typed into Copilot Studio's Scopes field and the gateway's allowedScopes; the sign-in URL with the same scopes",
        todo: `Enable the scope on the client ${EDIT_CLIENT}, or change what the MCP client asks for.`,
      },
      {
        id: 'A2e',
        key: 'advertised-scope-not-on-client',
        text: "The gateway's advertisedScopeMapping advertises a scope other than the one it checks: MCP clients that follow the gateway's metadata or WWW-Authenticate header ask Cognito for the advertised scope, which the client is not given.",
        confidence: 'C',
        checks: ['gateway.advertised-scopes', 'client.scopes'],
        confirm: "the gateway's advertisedScopeMapping against the client's scopes",
        todo: "Give the client the advertised scope, or remove the mapping so the gateway advertises its allowedScopes.",
      },
      {
        id: 'A2b',
        key: 'scope-not-defined',
        text: 'The custom scope is not defined in the pool (it must be <resource server>/<scope>).',
        checks: ['resource-server.scopes'],
        confirm: "every custom scope of the client exists on one of the pool's resource servers",
        fix: 'mcp-cognito init-pool --pool-id <pool-id> --resource-server <identifier> --scope <scope>',
      },
      {
        id: 'A2c',
        key: 'unsupported-scope-requested',
        text: 'The MCP client asks for a scope Cognito does not have: offline_access (Claude Desktop, LiteLLM), or the pool-wide phone scope taken from the discovery document (older Claude Code).',
        checks: [],
        confirm: 'the scope string the MCP client sends (not visible to AWS)',
        todo: "Never ask Cognito for offline_access (refresh tokens come with the code flow anyway); pin Claude Code's oauth.scopes to the client's scopes.",
      },
      {
        id: 'A2d',
        key: 'oidc-scope-without-openid',
        text: 'email, phone or profile is requested without openid.',
        checks: ['client.scopes'],
        confirm: 'openid is among the client\'s scopes and the requested ones whenever email, profile or phone are',
        todo: "Add openid to the client's scopes and to the requested ones.",
      },
    ],
    correction:
      'invalid_scope at sign-in also comes from scopes Cognito never supports (offline_access) and from email or profile without openid; as a JSON error of the token URL it comes from OpenID scopes in a client_credentials request.',
  },
  {
    id: 'A3',
    key: 'unauthorized-client-at-sign-in',
    title: 'OAuth flow not enabled for the client (unauthorized_client at sign-in)',
    confidence: 'C',
    rows: ['A3'],
    strings: ['<redirect_uri>?error=unauthorized_client', 'OAuth - Error handling auth response. Error: unauthorized_client'],
    where: 'Browser redirect',
    patterns: [
      { re: /[?&]error=unauthorized_client/i, weight: 10 },
      { re: /error handling auth response/i, weight: 6 },
      { re: /unauthorized_client/i, weight: 5 },
    ],
    causes: [
      { id: 'A3a', key: 'code-flow-off', text: 'The client does not allow the code flow.', checks: ['client.flows', 'probe.authorize'], confirm: "the client's OAuth flows include code", todo: `Turn on the authorization code grant ${EDIT_CLIENT}.` },
      { id: 'A3b', key: 'oauth-off', text: 'OAuth is switched off for the client, typically after an update that did not resend it.', checks: ['client.oauth-enabled'], confirm: 'AllowedOAuthFlowsUserPoolClient is true', todo: `Switch OAuth back on ${EDIT_CLIENT}.` },
      { id: 'A3c', key: 'cognito-sign-in-off', text: "The client's identity providers do not include COGNITO.", confidence: '?', checks: ['client.identity-providers'], confirm: 'COGNITO is among the identity providers', todo: `Add COGNITO to the identity providers ${EDIT_CLIENT}.` },
    ],
  },
  {
    id: 'A4',
    key: 'no-sign-in-domain',
    title: 'Sign-in domain missing or not ready',
    confidence: 'R',
    rows: ['A4'],
    strings: ["This site can't be reached (DNS failure)", 'Error loading discovery document … Bad Request'],
    where: 'Browser; MCP client discovery',
    patterns: [
      { re: /can.t be reached|could not resolve|ENOTFOUND|DNS_PROBE|NXDOMAIN|name not resolved/i, weight: 6 },
      { re: /error loading discovery document/i, weight: 7, causes: ['A4d'] },
      { re: /amazoncognito\.com/i, weight: 2 },
      { re: /domain (not found|missing|does not exist)|no (hosted[- ]ui |sign-in )?domain/i, weight: 7 },
    ],
    causes: [
      { id: 'A4a', key: 'pool-has-no-domain', text: 'The user pool has no domain.', checks: ['pool.domain'], confirm: 'the pool has a prefix or custom domain', fix: 'mcp-cognito init-pool --pool-id <pool-id>' },
      { id: 'A4b', key: 'domain-not-active', text: 'The domain is still being created, or failed (custom domain: ACM certificate or DNS alias missing).', checks: ['domain.status'], confirm: 'the domain is ACTIVE and belongs to the pool', todo: 'Wait for ACTIVE (about a minute for a prefix domain); for a custom domain fix the certificate (us-east-1) and the DNS alias.' },
      { id: 'A4c', key: 'wrong-urls-in-copilot', text: "Copilot Studio's Authorization URL or Token URL points at cognito-idp.<region>.amazonaws.com instead of the sign-in domain.", confidence: '?', checks: [], confirm: 'compare the Copilot Studio fields with https://<domain>/oauth2/authorize and https://<domain>/oauth2/token', todo: 'Use the domain URLs mcp-cognito create-client prints in Copilot Studio.' },
      { id: 'A4d', key: 'domain-discovery-url', text: 'A discovery URL on the sign-in domain is used where the cognito-idp issuer URL is needed (discovery is served only on the issuer host).', checks: ['gateway.discovery-url', 'probe.discovery'], confirm: "the gateway's discovery URL is https://cognito-idp.<region>.amazonaws.com/<pool>/.well-known/openid-configuration", todo: 'Use the cognito-idp discovery URL in the gateway (and in any OIDC library).' },
    ],
  },
  {
    id: 'A5',
    key: 'login-pages-unavailable',
    title: 'Managed login shows no login page ("Login pages unavailable")',
    confidence: 'R',
    rows: ['A5'],
    strings: ['Login pages unavailable', 'Please contact an administrator'],
    where: 'Browser',
    patterns: [
      { re: /login pages? unavailable/i, weight: 10 },
      { re: /please contact an administrator/i, weight: 4 },
    ],
    causes: [
      {
        id: 'A5a',
        key: 'no-branding-style',
        text: 'The domain uses managed login, and no branding style is assigned to this app client (clients created with the CLI or API get none; the console assigns one).',
        checks: ['client.branding', 'probe.authorize'],
        confirm: 'the domain uses managed login (version 2) and the client has no branding style',
        fix: 'mcp-cognito create-client --pool-id <pool-id> --name <client name>',
      },
    ],
  },
  {
    id: 'A6',
    key: 'logout-url-not-registered',
    title: 'Sign-out URL not registered',
    confidence: 'R',
    rows: ['A6'],
    strings: ["Required String parameter 'redirect_uri' is not present"],
    where: 'Browser (sign-out)',
    patterns: [
      { re: /required string parameter .?redirect_uri.? is not present/i, weight: 10 },
      { re: /logout[_ ]?ur[il]|sign[- ]?out ur[il]|\/logout/i, weight: 5 },
    ],
    causes: [
      {
        id: 'A6a',
        key: 'logout-uri-missing',
        text: '/logout was called without logout_uri, or with a logout_uri that is not registered (Cognito needs a registered logout_uri, or redirect_uri plus the sign-in parameters).',
        checks: ['client.logout-urls'],
        confirm: "the app's sign-out URL is among the client's sign-out URLs",
        fix: 'mcp-cognito add-callback --logout <sign-out URL> --client-id <client-id>',
      },
    ],
  },
  {
    id: 'A7',
    key: 'temporary-password',
    title: 'User cannot finish signing in (temporary password)',
    confidence: 'R',
    rows: ['A7'],
    strings: ['Change password (forced)', 'Temporary password has expired and must be reset by an administrator', 'NotAuthorizedException'],
    where: 'Browser (sign-in page); SDK',
    patterns: [
      { re: /force_change_password/i, weight: 10 },
      { re: /temporary password/i, weight: 8 },
      { re: /must be reset by an administrator|password (has )?expired|change (your )?password/i, weight: 6 },
      { re: /NotAuthorizedException|incorrect username or password/i, weight: 3 },
    ],
    causes: [
      { id: 'A7a', key: 'temporary-password-expired', text: 'The user still has only a temporary password, and it has expired (7 days by default), was used once already, or was never delivered.', checks: ['users.status'], confirm: 'users waiting to change a temporary password, and when it was set', fix: 'mcp-cognito create-user --pool-id <pool-id> --email <user>' },
      { id: 'A7b', key: 'user-not-confirmed', text: 'The user must reset the password, is not confirmed, or is disabled.', checks: ['users.status'], confirm: "the user's status is CONFIRMED and it is enabled", fix: 'mcp-cognito create-user --pool-id <pool-id> --email <user> --update-password' },
    ],
  },
  {
    id: 'A8',
    key: 'federated-sign-in-error',
    title: 'Sign-in error from a federated identity provider',
    confidence: 'C',
    rows: ['A8'],
    strings: ['error=invalid_request&error_description=…'],
    where: 'Browser redirect',
    patterns: [
      { re: /error=invalid_request&error_description/i, weight: 10 },
      { re: /idp|identity provider.{0,40}(timeout|error)/i, weight: 3 },
    ],
    causes: [
      { id: 'A8a', key: 'idp-call-failed', text: 'Only with another identity provider behind Cognito (SAML, OIDC, social): Cognito\'s call to it failed; the description says which.', checks: ['client.identity-providers'], confirm: 'the client offers another identity provider than COGNITO', todo: "Read error_description; fix that provider's settings in the user pool." },
    ],
  },

  // ── 2. Token URL (/oauth2/token) JSON errors ─────────────────────────────────────
  {
    id: 'T1',
    key: 'invalid-client',
    title: 'Client authentication failed (invalid_client)',
    confidence: 'C',
    rows: ['T1'],
    strings: ['{"error":"invalid_client"}'],
    where: 'Token URL JSON; Copilot Studio cannot create the connection after sign-in; LiteLLM "token exchange failure"',
    patterns: [
      { re: /"error"\s*:\s*"invalid_client"/i, weight: 10 },
      { re: /invalid_client/i, weight: 8 },
      { re: /client authentication failed|token exchange failure/i, weight: 4 },
    ],
    causes: [
      { id: 'T1a', key: 'secret-not-sent', text: 'The client has a secret but the caller sent none (a tool that uses PKCE only, such as Claude Code, pointed at a client with a secret).', checks: ['client.secret'], confirm: 'whether the client has a secret, against the kind of caller', fix: 'mcp-cognito facade deploy', todo: 'Point the tool at the OAuth façade instead of Cognito: the façade is the confidential client (it holds the secret) and the tool signs in through it with PKCE alone; `mcp-cognito facade serve` runs it on this machine instead. Every client preset has a secret, and a secret cannot be removed from a client.' },
      { id: 'T1b', key: 'wrong-secret', text: 'A wrong or rotated secret (copied with a stray character, or from another client).', checks: ['probe.m2m-token'], confirm: 'a client_credentials request with the secret Cognito holds succeeds (M2M clients)', todo: 'Copy the secret again (mcp-cognito create-client --name <client name> shows it again for a client it adopts).' },
      { id: 'T1c', key: 'secret-mangled', text: 'The secret is sent in a way the caller mangles (base64 twice, client_id:secret swapped). Cognito accepts the secret in the Authorization header or in the form.', checks: ['probe.discovery'], confirm: 'token_endpoint_auth_methods_supported of the discovery document', todo: 'Send Authorization: Basic base64(client_id:secret), or client_id and client_secret in the form.' },
      { id: 'T1d', key: 'client-of-another-pool', text: 'A wrong client ID, or a client of another pool or Region.', checks: ['client.exists', 'gateway.discovery-url'], confirm: 'the client exists in this pool', todo: 'Use the client ID and the domain of the same pool.' },
      { id: 'T1e', key: 'refresh-without-client-auth', text: 'Refresh requests sent without client authentication.', confidence: '?', checks: [], confirm: 'not visible to AWS', todo: "Set Copilot Studio's Refresh URL to the token URL; reconnect." },
    ],
    correction: 'Often blamed on a secret that was not sent with Basic authentication; Cognito accepts the secret in the form (client_secret_post) as well, so that is only one cause among several.',
  },
  {
    id: 'T2',
    key: 'unauthorized-client-at-token',
    title: 'Grant not allowed for this client (unauthorized_client from the token URL)',
    confidence: 'C',
    rows: ['T2'],
    strings: ['{"error":"unauthorized_client"}'],
    where: 'Token URL JSON',
    patterns: [
      { re: /"error"\s*:\s*"unauthorized_client"/i, weight: 10 },
      { re: /unauthorized_client/i, weight: 5 },
    ],
    causes: [
      { id: 'T2a', key: 'grant-flow-off', text: 'The client lacks the flow for this grant: code for authorization_code and refresh_token, client_credentials for M2M.', checks: ['client.flows', 'probe.m2m-token'], confirm: "the client's OAuth flows match the grant the caller uses", todo: `Turn on the flow ${EDIT_CLIENT}; sign-in and M2M need separate clients.` },
      { id: 'T2b', key: 'redirect-uri-differs-at-token', text: 'Misleading: the redirect_uri of the token request differs from the sign-in request or the registration (a trailing slash).', checks: ['client.redirect-uri', 'client.callbacks'], confirm: 'the registered redirect URLs match the one sent, byte for byte', match: /differs only/, fix: ADD_CALLBACK, todo: 'Send the byte-identical redirect_uri in both requests.' },
    ],
  },
  {
    id: 'T3',
    key: 'invalid-grant',
    title: 'Invalid grant (invalid_grant)',
    confidence: 'C',
    rows: ['T3', 'C4'],
    strings: ['{"error":"invalid_grant"}', 'mcp_token_exchange_failed'],
    where: 'Token URL JSON; Claude Code never stores the tokens; claude.ai mcp_token_exchange_failed',
    patterns: [
      { re: /"error"\s*:\s*"invalid_grant"/i, weight: 10 },
      { re: /invalid_grant/i, weight: 8 },
      { re: /mcp_token_exchange_failed/i, weight: 8 },
      { re: /code_verifier|pkce/i, weight: 2, causes: ['T3c'] },
      { re: /refresh/i, weight: 1, causes: ['T3b'] },
    ],
    causes: [
      { id: 'T3a', key: 'code-reused-or-expired', text: 'The authorization code was used already or has expired (single use, short lifetime).', checks: [], confirm: 'not visible to AWS', todo: 'Sign in again; make sure the client exchanges each code once.' },
      { id: 'T3b', key: 'refresh-token-expired-or-revoked', text: 'The refresh token was revoked or has expired.', checks: ['probe.refresh-token', 'client.token-validity'], confirm: 'exchange the refresh token (mcp-cognito doctor --refresh-token -); the client\'s refresh-token validity', match: /invalid_grant/, todo: 'Reconnect; give refresh tokens a longer validity if policy allows.' },
      { id: 'T3c', key: 'pkce-mismatch', text: 'The PKCE code_verifier does not match the code_challenge.', checks: [], confirm: 'not visible to AWS', todo: 'Send the verifier that matches the code_challenge.' },
      { id: 'T3d', key: 'oauth-off-for-grant', text: 'OAuth is not switched on for the client (common for clients created by API).', checks: ['client.oauth-enabled'], confirm: 'AllowedOAuthFlowsUserPoolClient is true', todo: `Switch OAuth on ${EDIT_CLIENT}.` },
      {
        id: 'T3e',
        key: 'no-scope-advertised',
        text: "Claude Code asks for no scope when the gateway's OAuth metadata advertises none (a gateway without allowedScopes); the code it gets then fails the exchange.",
        confidence: 'R',
        checks: ['gateway.allowed-scopes', 'probe.resource-metadata'],
        confirm: "the gateway has allowedScopes (they become scopes_supported of its OAuth metadata)",
        passMatch: /checks no scope|lists no scopes_supported/,
        fix: 'mcp-cognito authorize-client --gateway-id <gateway-id> --allowed-scope <scope>',
        todo: "Or pin oauth.scopes in Claude Code.",
      },
      { id: 'T3f', key: 'client-without-scopes', text: 'The client has no scopes at all.', confidence: '?', checks: ['client.scopes'], confirm: 'the client has at least one scope', todo: 'Enable at least the custom scope on the client.' },
    ],
  },
  {
    id: 'T4',
    key: 'invalid-scope-client-credentials',
    title: 'Scope rejected in a client_credentials request (invalid_scope from the token URL)',
    confidence: 'C',
    rows: ['T4'],
    strings: ['{"error":"invalid_scope"}'],
    where: "Token URL JSON (an M2M agent; a gateway target's outbound sign-in)",
    patterns: [
      { re: /"error"\s*:\s*"invalid_scope"/i, weight: 10 },
      { re: /invalid_scope/i, weight: 4 },
      { re: /client_credentials/i, weight: 3 },
    ],
    causes: [
      { id: 'T4a', key: 'oidc-scope-with-client-credentials', text: 'openid, email, profile, phone or aws.cognito.signin.user.admin requested: client_credentials grants custom scopes only.', checks: ['client.scopes', 'targets.oauth-scopes'], confirm: 'the M2M client and the targets ask for custom scopes only', todo: 'Ask only for custom scopes such as mcp/invoke.' },
      { id: 'T4b', key: 'scope-not-enabled-or-defined', text: 'The scope is not enabled on the client, or not defined in the pool.', checks: ['resource-server.scopes', 'client.scopes', 'probe.m2m-token'], confirm: "the client's scopes include the requested ones, each defined in the pool", fix: 'mcp-cognito init-pool --pool-id <pool-id> --resource-server <identifier> --scope <scope>' },
      { id: 'T4c', key: 'scope-typo', text: 'A typo in the <resource server>/<scope> form.', checks: ['resource-server.scopes'], confirm: "the pool's scopes", todo: 'Use the exact <resource server>/<scope> string.' },
    ],
  },
  {
    id: 'T5',
    key: 'unsupported-grant-type',
    title: 'Unsupported grant type (unsupported_grant_type)',
    confidence: 'C',
    rows: ['T5'],
    strings: ['{"error":"unsupported_grant_type"}'],
    where: 'Token URL JSON',
    patterns: [
      { re: /unsupported_grant_type/i, weight: 10 },
      { re: /unsupported grant/i, weight: 8 },
    ],
    causes: [
      { id: 'T5a', key: 'bad-grant-type', text: 'grant_type is not authorization_code, refresh_token or client_credentials (a typo, password, or a body that is not form-encoded, so Cognito sees no grant_type at all).', checks: [], confirm: 'the request the tool sends: its grant_type and Content-Type: application/x-www-form-urlencoded', todo: 'Send grant_type=authorization_code|refresh_token|client_credentials as an application/x-www-form-urlencoded body.' },
      { id: 'T5b', key: 'code-flow-off-not-this', text: 'Not this error, but often confused with it: a client without the code flow gets unauthorized_client (token URL) or ?error=unauthorized_client (sign-in), never unsupported_grant_type.', checks: ['client.flows', 'client.oauth-enabled'], confirm: "the client's OAuth flows include code", todo: `Turn on the authorization code grant ${EDIT_CLIENT}.` },
    ],
    correction:
      'Often said to mean "the client lacks the code flow"; it does not. Cognito returns unsupported_grant_type only when grant_type is not authorization_code, refresh_token or client_credentials (or the body is not form-encoded). A client without the code flow gets unauthorized_client instead. doctor still checks the code flow, but look at the request first.',
  },
  {
    id: 'T6',
    key: 'invalid-request',
    title: 'Malformed token request (invalid_request)',
    confidence: 'C',
    rows: ['T6'],
    strings: ['{"error":"invalid_request"}'],
    where: 'Token URL JSON',
    patterns: [
      { re: /"error"\s*:\s*"invalid_request"/i, weight: 10 },
      { re: /invalid_request/i, weight: 5 },
    ],
    causes: [{ id: 'T6a', key: 'missing-parameter', text: 'A required parameter is missing (such as refresh_token with that grant), a JSON body, or a shell quoting problem in curl.', checks: [], confirm: 'the request the tool sends', todo: 'Send form-encoded parameters (curl --data-urlencode).' }],
  },
  {
    id: 'T7',
    key: 'offline-access',
    title: 'offline_access requested from Cognito (invalid_scope)',
    confidence: 'C',
    rows: [],
    strings: ['error=invalid_scope (the request asked for offline_access)'],
    where: 'Browser redirect at sign-in or reconnect (Claude Desktop, LiteLLM, generic OAuth clients)',
    patterns: [{ re: /offline_access/i, weight: 12 }],
    causes: [
      {
        id: 'T7a',
        key: 'offline-access-requested',
        text: 'The client asks for offline_access. Cognito has no such scope and answers invalid_scope; it issues refresh tokens with every code-flow sign-in without being asked.',
        checks: [],
        confirm: 'the Scopes the MCP client sends (in Copilot Studio: the Scopes field)',
        todo: "Remove offline_access from the requested scopes (Copilot Studio: the Scopes field; Claude Code: oauth.scopes). Refresh still works: Cognito's refresh token comes with the code flow.",
      },
    ],
  },

  // ── 3. Gateway inbound (CUSTOM_JWT) ──────────────────────────────────────────────
  {
    id: 'G1-G7',
    key: 'gateway-rejects-token',
    title: 'The gateway rejects the token (HTTP 401 "Invalid Bearer token", or 403)',
    confidence: 'C',
    rows: ['G1', 'G2', 'G3', 'G4', 'G5', 'G6', 'G7'],
    strings: ['HTTP 401 {"jsonrpc":"2.0","id":0,"error":{"code":-32001,"message":"Invalid Bearer token"}}', 'WWW-Authenticate: Bearer error="invalid_token", scope="…", resource_metadata="…"', 'HTTP 403 insufficient_scope'],
    where: 'Gateway HTTP response; Copilot Studio lists no tools or the test fails; Claude Code /mcp shows "failed"',
    patterns: [
      { re: /invalid bearer token/i, weight: 10 },
      { re: /-32001/, weight: 8 },
      { re: /insufficient_scope/i, weight: 10, causes: ['G1', 'G3'] },
      { re: /insufficient scope/i, weight: 8, causes: ['G1', 'G3'] },
      { re: /\b403\b.{0,80}insufficient[_ ]scope|insufficient[_ ]scope.{0,80}\b403\b/i, weight: 2, causes: ['G4'] },
      { re: /error="?invalid_token/i, weight: 8 },
      { re: /www-authenticate/i, weight: 4 },
      { re: /\b401\b|unauthori[sz]ed(?!_client)/i, weight: 4 },
      { re: /\b403\b|forbidden/i, weight: 2, causes: ['G3'] },
      { re: /allowedclients|not in allowed ?clients/i, weight: 3, causes: ['G1'] },
      { re: /allowedaudience|\baud\b|audience/i, weight: 3, causes: ['G2'] },
      { re: /allowedscopes|\bscope=/i, weight: 2, causes: ['G3'] },
      { re: /invalidissuer|\bissuer\b|\biss\b|wrong region|another pool|discoveryurl/i, weight: 5, causes: ['G4'] },
      { re: /expired|\bexp\b|let.s get you connected first|connection manager/i, weight: 5, causes: ['G5'] },
      { re: /id[_ ]token|token_use/i, weight: 4, causes: ['G6'] },
      { re: /sigv4|authorization method mismatch|missing authentication token|bearer undefined|requires oauth bearer/i, weight: 6, causes: ['G7'] },
      { re: /customclaims|custom claim|claim/i, weight: 3, causes: ['G9'] },
    ],
    causes: [
      {
        id: 'G1',
        key: 'client-not-allowed',
        text: "The access token's client_id is not in the gateway's allowedClients (the new Copilot Studio, Claude Code or M2M client was never added; a typo; a client deleted and created again; comma-joined IDs stored as one entry).",
        checks: ['gateway.allowed-clients', 'token.client', 'probe.token.client', 'probe.mcp-initialize'],
        confirm: "the gateway's allowedClients contains the client ID, one ID per entry",
        fix: AUTHORIZE,
      },
      {
        id: 'G2',
        key: 'audience-required',
        text: 'The gateway requires an audience (allowedAudience), but Cognito access tokens have no aud claim (the client ID is in client_id), so every token is rejected.',
        checks: ['gateway.allowed-audience', 'token.audience', 'probe.token.audience'],
        confirm: "the gateway's allowedAudience is set while it trusts a Cognito pool",
        todo: `Remove allowedAudience from the gateway and list the client IDs in allowedClients ${EDIT_GATEWAY}.`,
      },
      {
        id: 'G3',
        key: 'scope-rejected',
        text: "The token's scope shares nothing with the gateway's allowedScopes: Copilot Studio's Scopes field lists only openid email profile, the custom scope is not enabled on the client, or the token came from InitiateAuth (scope aws.cognito.signin.user.admin only).",
        checks: ['gateway.allowed-scopes', 'token.scope', 'probe.token.scope', 'client.scopes'],
        confirm: "the gateway's allowedScopes and the client's scopes share one; the decoded token's scope",
        fix: 'mcp-cognito authorize-client --gateway-id <gateway-id> --allowed-scope <scope>',
        todo: "Enable the custom scope on the client and put it in Copilot Studio's Scopes field.",
      },
      {
        id: 'G4',
        key: 'issuer-differs',
        text: "The token comes from another issuer than the gateway's discovery URL names (another pool or Region, a discovery URL on the sign-in domain, a pool created again). The gateway then answers 401, or 403 insufficient_scope even when the scope matches.",
        confidence: 'R',
        checks: ['gateway.discovery-url', 'token.issuer', 'probe.token.issuer', 'probe.discovery', 'probe.resource-metadata'],
        confirm: "the gateway's discovery URL is this pool's; the discovery document's issuer equals the token's iss",
        todo: `Point the gateway's discovery URL at the pool that issues the tokens ${EDIT_GATEWAY}, or get tokens from the pool it trusts.`,
      },
      {
        id: 'G5',
        key: 'token-expired',
        text: "The access token has expired (1 hour by default) and the client did not refresh it (no refresh token without the code flow; Copilot Studio's Refresh URL empty or wrong; the refresh token expired or was revoked).",
        confidence: 'R',
        checks: ['token.expiry', 'probe.refresh-token', 'client.token-validity', 'client.flows'],
        confirm: "the token's exp against now; exchange the refresh token (mcp-cognito doctor --refresh-token -); the client's token lifetimes",
        todo: "Reconnect; set Copilot Studio's Refresh URL to https://<domain>/oauth2/token.",
      },
      { id: 'G6', key: 'id-token-sent', text: 'An ID token was sent instead of the access token (token_use=id, aud=<client>, no client_id or scope).', confidence: '?', checks: ['token.use', 'probe.token.use'], confirm: "the decoded token's token_use is access", todo: 'Send the access_token of the token response, not the id_token.' },
      {
        id: 'G7',
        key: 'wrong-auth-or-url',
        text: 'Wrong way in: SigV4 sent to a JWT gateway (or the reverse), Authorization: Bearer undefined, no Authorization header, or a URL without /mcp.',
        confidence: 'R',
        checks: ['gateway.authorizer', 'gateway.url', 'probe.gateway-401'],
        confirm: "the gateway's authorizer is CUSTOM_JWT; the URL the client uses is the gateway's MCP endpoint",
        todo: "Send Authorization: Bearer <access token> to the gateway's MCP endpoint (mcp-cognito doctor shows it).",
      },
      {
        id: 'G9',
        key: 'custom-claim-missing',
        text: "The gateway requires a custom claim (customClaims) the token lacks; Cognito puts custom claims in access tokens only through a pre-token-generation trigger (event version 2, or 3 for M2M tokens).",
        checks: ['gateway.custom-claims', 'token.claims', 'probe.token.claims'],
        confirm: "the gateway's customClaims rules, the pool's pre-token-generation trigger, and the claims of a real token (--token)",
        todo: 'Make the trigger add the claim to access tokens, or change the rule on the gateway.',
      },
    ],
    correction:
      'The gateway does not say which claim failed: it answers HTTP 401 with -32001 "Invalid Bearer token" and WWW-Authenticate: Bearer error="invalid_token" whatever the cause, and 403 insufficient_scope when the token\'s issuer differs from the discovery URL\'s. So doctor compares the token\'s claims with the gateway (client_id, scope, iss, exp, aud, custom claims, token_use) instead of going by the error code. Use authorize-client rather than a hand-written update-gateway, which drops every setting it does not resend.',
  },
  {
    id: 'G8',
    key: 'unknown-path-on-gateway',
    title: 'Unknown path on the gateway (OAuth metadata or registration asked there)',
    confidence: 'C',
    rows: ['G8'],
    strings: ['<UnknownOperationException/>', '{"Output":{"__type":"com.amazon.coral.service#UnknownOperationException"}}'],
    where: 'Gateway',
    patterns: [
      { re: /UnknownOperationException/i, weight: 10 },
      { re: /oauth-authorization-server/i, weight: 4 },
    ],
    causes: [
      {
        id: 'G8a',
        key: 'metadata-asked-on-gateway',
        text: 'An MCP client asks the gateway for /.well-known/oauth-authorization-server or /register, which it does not serve: it serves only /.well-known/oauth-protected-resource, pointing at Cognito, which has no registration endpoint either.',
        checks: ['probe.resource-metadata', 'client.oauth-metadata', 'probe.discovery'],
        confirm: "the gateway's /.well-known/oauth-protected-resource names the Cognito issuer",
        fix: FACADE,
        todo: 'The OAuth façade serves that metadata and registration (mcp-cognito facade deploy for a shared or remote setup).',
      },
    ],
  },
  {
    id: 'P1',
    key: 'denied-by-policy',
    title: 'A tool call is denied although the token is valid (policy engine)',
    confidence: 'C',
    rows: [],
    strings: ['tools/call denied by policy', 'AccessDeniedException … policy'],
    where: 'tools/call result (JSON-RPC error); the token works for initialize and tools/list',
    patterns: [
      { re: /polic(y|ies)|cedar/i, weight: 7 },
      { re: /(denied|not allowed|forbidden).{0,40}tools?\/call|tools?\/call.{0,40}(denied|not allowed|forbidden)/i, weight: 6 },
    ],
    causes: [
      {
        id: 'P1a',
        key: 'policy-engine-denies',
        text: "The gateway's policy engine runs in ENFORCE mode and its policies deny this tool for this caller; OAuth only decides who gets in, the policies decide which calls pass.",
        checks: ['gateway.policy-engine'],
        confirm: "the gateway's policy engine and its mode (ENFORCE denies; LOG_ONLY only logs)",
        passMatch: /enforces/,
        todo: "Read the engine's policies for this tool and caller; switch the engine to LOG_ONLY while testing.",
      },
      {
        id: 'P1b',
        key: 'authorization-offloaded',
        text: 'The gateway authenticates only (AUTHENTICATE_ONLY): it makes no authorization decision of its own, and its policy engine, an interceptor Lambda function or the target denied the call (AWS: offloaded inbound authorization).',
        confidence: 'C',
        checks: ['gateway.authorizer', 'gateway.policy-engine'],
        confirm: "the gateway's authorizer type, its policy engine and mode, its interceptors",
        passMatch: /AUTHENTICATE_ONLY/,
        todo: "Look at what decides for that gateway: the policy engine's policies (ENFORCE), the interceptor's logs, or the target's own checks.",
      },
    ],
  },

  // ── 4. Targets / outbound auth ───────────────────────────────────────────────────
  {
    id: 'O1',
    key: 'outbound-token-failure',
    title: 'A target cannot sign in ("Failed to fetch outbound oauth token")',
    confidence: 'C',
    rows: ['O1'],
    strings: ['Failed to fetch outbound oauth token', '… not authorized to perform bedrock-agentcore:GetWorkloadAccessToken', 'Access denied when retrieving the provided secret'],
    where: 'tools/call result (details only with the gateway exception level DEBUG)',
    patterns: [
      { re: /failed to fetch outbound oauth token/i, weight: 12 },
      { re: /outbound (oauth )?token/i, weight: 8 },
      { re: /GetWorkloadAccessToken|GetResourceOauth2Token/i, weight: 8, causes: ['O1b'] },
      { re: /retrieving the provided secret|secretsmanager/i, weight: 8, causes: ['O1c'] },
    ],
    causes: [
      { id: 'O1a', key: 'target-asks-oidc-scopes', text: "The target's OAuth credentials ask for OpenID scopes (openid, email, profile, phone) with client_credentials; Cognito grants only custom scopes there.", checks: ['targets.oauth-scopes'], confirm: "the target's OAuth scopes are custom scopes defined in the pool", todo: "Keep only custom scopes (such as mcp/invoke) in the target's OAuth configuration, with the AWS CLI command doctor gives with the failing check." },
      { id: 'O1b', key: 'gateway-role-lacks-token-actions', text: 'The gateway role lacks bedrock-agentcore:GetWorkloadAccessToken or GetResourceOauth2Token.', checks: ['targets.iam'], confirm: 'simulate the gateway role\'s policies for those actions (the AWS CLI command doctor gives)', todo: 'Add both actions to the gateway role.' },
      { id: 'O1c', key: 'gateway-role-cannot-read-secret', text: "The gateway role cannot read the credential provider's Secrets Manager secret.", checks: ['targets.iam'], confirm: "simulate secretsmanager:GetSecretValue for the gateway role", todo: 'Grant secretsmanager:GetSecretValue on the secret (and kms:Decrypt on its key) to the gateway role.' },
      { id: 'O1d', key: 'provider-client-wrong', text: 'A wrong client ID or secret in the credential provider, or a wrong discovery URL. Creating the target and its READY status do not prove its sign-in works.', checks: ['targets.credential-provider', 'probe.m2m-token'], confirm: "the provider's client and discovery URL; a client_credentials request with that client", fix: 'mcp-cognito create-client --preset m2m --pool-id <pool-id>', todo: "Give the credential provider that client's ID and secret; set the gateway exception level to DEBUG while diagnosing." },
    ],
    correction:
      "One cause of at least three: besides OpenID scopes, the gateway role may lack bedrock-agentcore:GetWorkloadAccessToken / GetResourceOauth2Token, or access to the provider's Secrets Manager secret. The details appear only with the gateway's exception level set to DEBUG.",
  },
  {
    id: 'O2',
    key: 'tools-call-fails',
    title: 'tools/list works, tools/call fails ("An internal error occurred")',
    confidence: 'R',
    rows: ['O2'],
    strings: ['An internal error occurred'],
    where: 'Gateway',
    patterns: [
      { re: /an internal error occurred/i, weight: 10 },
      { re: /tools\/call/i, weight: 3 },
    ],
    causes: [
      { id: 'O2a', key: 'target-call-fails', text: "The target's own outbound sign-in fails; tools/list is served from a cache, so it keeps working.", checks: ['targets.status', 'targets.oauth-scopes', 'targets.credential-provider', 'targets.iam'], confirm: "the target's status and reasons, then its OAuth settings", todo: 'Set the gateway exception level to DEBUG to see the real message; then see "Failed to fetch outbound oauth token".' },
      { id: 'O2b', key: 'policy-denies-call', text: 'A policy engine in ENFORCE mode denies the call.', checks: ['gateway.policy-engine'], confirm: "the gateway's policy engine and its mode", passMatch: /enforces/, todo: "Read the engine's policies for this tool; switch it to LOG_ONLY while testing." },
    ],
  },
  {
    id: 'O3',
    key: 'runtime-timeout',
    title: 'A runtime target never receives requests (gateway timeout)',
    confidence: 'R',
    rows: ['O3'],
    strings: ['Gateway timeout (~20 s); the runtime logs show nothing'],
    where: 'Gateway to AgentCore Runtime',
    patterns: [
      { re: /gateway time-?out|504|timed? ?out/i, weight: 5 },
      { re: /runtime/i, weight: 3 },
    ],
    causes: [
      { id: 'O3a', key: 'runtime-rejects-header', text: "The runtime's own JWT authorizer rejects or drops the header: its allowedClients lacks the provider's client, or Authorization is not in its allow-listed request headers.", checks: ['targets.status'], confirm: "the runtime's authorizer (allowedClients) and its request header allow-list", todo: "Align the runtime's authorizer with the M2M client; allow-list the Authorization header." },
    ],
  },

  // ── 5. Client-specific ───────────────────────────────────────────────────────────
  {
    id: 'C1',
    key: 'no-dynamic-registration',
    title: 'Claude Code cannot register (no dynamic client registration)',
    confidence: 'C',
    rows: ['C1'],
    strings: ['Incompatible auth server: does not support dynamic client registration', "Couldn't register with the sign-in service"],
    where: 'claude mcp list / /mcp; claude.ai',
    patterns: [
      { re: /dynamic client registration/i, weight: 10 },
      { re: /couldn.t register|registration_endpoint|\bDCR\b/i, weight: 7 },
      { re: /incompatible auth server/i, weight: 5 },
    ],
    causes: [
      {
        id: 'C1a',
        key: 'cognito-has-no-registration',
        text: "Expected with Cognito: it has no registration endpoint, and the gateway's metadata points straight at Cognito.",
        checks: ['client.oauth-metadata', 'probe.discovery'],
        confirm: 'the discovery document has no registration_endpoint (it never has, with Cognito)',
        passMatch: /Copilot Studio/,
        fix: FACADE,
        todo: 'For claude.ai or a shared setup: mcp-cognito facade deploy.',
      },
    ],
  },
  {
    id: 'C2',
    key: 'no-pkce-metadata',
    title: 'An MCP client refuses Cognito (no code_challenge_methods_supported)',
    confidence: 'C',
    rows: ['C2'],
    strings: ['does not support S256 code challenge method', 'Incompatible auth server: does not support code challenge method S256', 'Authentication Successful … Auth: ✘ not authenticated'],
    where: 'Claude Code, claude.ai, Cursor, MCP Inspector, other clients of the 2025-11-25 MCP spec',
    patterns: [
      { re: /S256|code challenge method|code_challenge/i, weight: 10 },
      { re: /not authenticated/i, weight: 3 },
    ],
    causes: [
      {
        id: 'C2a',
        key: 'cognito-has-no-pkce-metadata',
        text: "Cognito's discovery document omits code_challenge_methods_supported although PKCE S256 works; clients of the 2025-11-25 MCP spec must refuse such a server.",
        checks: ['client.oauth-metadata', 'probe.discovery'],
        confirm: 'the discovery document has no code_challenge_methods_supported (it never has, with Cognito)',
        passMatch: /Copilot Studio/,
        fix: FACADE,
        todo: 'For claude.ai or a shared setup: mcp-cognito facade deploy.',
      },
    ],
  },
  {
    id: 'C5',
    key: 'inspector-cannot-connect',
    title: 'MCP Inspector cannot connect with OAuth',
    confidence: 'R',
    rows: ['C5'],
    strings: ['Connection Error - Check if your MCP server is running and proxy token is correct'],
    where: 'MCP Inspector',
    patterns: [
      { re: /proxy token is correct|check if your mcp server is running/i, weight: 10 },
      { re: /inspector/i, weight: 4 },
    ],
    causes: [
      { id: 'C5a', key: 'inspector-needs-metadata', text: "Inspector's OAuth flow needs the registration and PKCE metadata Cognito lacks, and http://localhost:6274/oauth/callback registered.", checks: ['client.oauth-metadata', 'client.callbacks', 'probe.discovery'], confirm: 'the Inspector redirect URLs are registered; the OAuth façade is in front of Cognito', passMatch: /Copilot Studio/, fix: FACADE, todo: 'Or paste Authorization: Bearer <access token> into Inspector\'s Custom Headers (AWS docs).' },
    ],
  },
  {
    id: 'C6',
    key: 'copilot-lists-no-tools',
    title: 'Copilot Studio lists no tools (MCP 2025-03-26 not supported)',
    confidence: '?',
    rows: ['C6'],
    strings: ['No tools listed, no explicit error', 'Unsupported protocol version'],
    where: 'Copilot Studio Tools page',
    patterns: [
      { re: /protocol[ _-]?version|supportedversions|2025-03-26|2024-11-05|mcp-protocol-version/i, weight: 10 },
      { re: /no tools|tools? (are |is )?not (listed|shown|showing)|fails? silently|silent(ly)?|empty tool/i, weight: 7 },
    ],
    causes: [
      { id: 'C6a', key: 'mcp-version-missing', text: "The gateway's supported MCP versions lack 2025-03-26. A request without MCP-Protocol-Version counts as 2025-03-26, and Copilot Studio has been seen starting with 2024-11-05.", checks: ['gateway.protocol-version', 'probe.mcp-initialize', 'probe.mcp-tools-list'], confirm: "the gateway's supported versions include 2025-03-26", fix: 'mcp-cognito authorize-client --gateway-id <gateway-id> --mcp-version 2025-03-26' },
      { id: 'C6b', key: 'no-ready-target', text: 'The gateway has no READY target, so there is nothing to list.', checks: ['targets.status', 'probe.mcp-tools-list'], confirm: "the gateway's targets and their status", todo: "Fix the failing target (its status reasons say why)." },
    ],
    correction: 'doctor checks the gateway\'s supported versions rather than diagnosing from the symptom, and flags a missing 2025-03-26 as a warning.',
  },
  {
    id: 'C7',
    key: 'copilot-empty-response',
    title: 'Copilot Studio: empty response or redirect not allowed',
    confidence: 'R',
    rows: ['C7'],
    strings: ['Empty response from connector', 'ExternalAgentTaskActionDoesNotAllowRedirect'],
    where: 'Copilot Studio',
    patterns: [
      { re: /empty response from connector/i, weight: 10 },
      { re: /ExternalAgentTaskActionDoesNotAllowRedirect/i, weight: 10 },
      { re: /\bresource\b.{0,20}parameter/i, weight: 4 },
    ],
    causes: [
      { id: 'C7a', key: 'copilot-side', text: 'Not visible from AWS: the agent language is not en-US or the environment lacks early features (older reports); MCP used from a topic; servers that require the RFC 8707 resource parameter (not Cognito).', checks: [], confirm: 'not checkable from AWS', todo: "Use the agent-level Tools page of an en-US agent." },
    ],
  },
  {
    id: 'C8',
    key: 'copilot-reconnect',
    title: 'Copilot Studio asks to reconnect, or calls fail with 401 some time after connecting',
    confidence: 'R',
    rows: ['C8', 'G5'],
    strings: ["Let's get you connected first… Open connection manager to verify your credentials. Once the connection is ready, retry your request.", 'HTTP 401 after an hour of working calls'],
    where: 'Copilot chat',
    patterns: [
      { re: /let.s get you connected first/i, weight: 12 },
      { re: /connection manager|verify your credentials/i, weight: 8 },
      { re: /(401|unauthori[sz]ed|fails?|stops? working).{0,60}after .{0,30}(hour|expir|while|time|day)|after (an |one )?hour/i, weight: 10 },
      { re: /refresh[ _-]?(url|token)/i, weight: 4 },
      { re: /(every|each) (hour|time)|never refresh|does ?n.t refresh|no refresh request/i, weight: 4, causes: ['C8f'] },
    ],
    causes: [
      { id: 'C8a', key: 'refresh-url-wrong', text: "Copilot Studio's Refresh URL is empty or not the token URL, so it never refreshes the access token.", checks: ['probe.refresh-token'], confirm: "the Refresh URL in Copilot Studio's form is https://<domain>/oauth2/token (not visible to AWS); a refresh-token exchange that works shows the rest is fine", match: /Refresh URL/, passMatch: /Refresh URL is not this token URL/, todo: "Set Copilot Studio's Refresh URL to https://<domain>/oauth2/token (the same as the Token URL), then reconnect." },
      { id: 'C8b', key: 'refresh-token-expired', text: "The refresh token expired (the client's refresh-token validity, 30 days by default): after that, people sign in again.", checks: ['probe.refresh-token', 'client.token-validity'], confirm: "exchange the refresh token: mcp-cognito doctor --refresh-token - ; the client's refresh-token validity", match: /expired|invalid_grant|expire no later/, todo: 'Reconnect; give refresh tokens a longer validity if policy allows.' },
      { id: 'C8c', key: 'refresh-token-revoked', text: 'The refresh token was revoked (a sign-out everywhere, an administrator, a password reset, or RevokeToken with token revocation on).', checks: ['probe.refresh-token'], confirm: 'exchange the refresh token: mcp-cognito doctor --refresh-token -', match: /revoked|invalid_grant/, todo: 'Reconnect in Copilot Studio (Open connection manager).' },
      { id: 'C8d', key: 'no-refresh-without-code-flow', text: 'The client does not use the code flow, so no refresh token is ever issued.', checks: ['client.flows'], confirm: "the client's OAuth flows include code", todo: `Turn on the authorization code grant ${EDIT_CLIENT}.` },
      { id: 'C8e', key: 'offline-access-at-reconnect', text: 'The Scopes field asks for offline_access, which Cognito answers with invalid_scope at every reconnect.', checks: [], confirm: "the Scopes field of Copilot Studio's form", todo: 'Remove offline_access from the Scopes field: Cognito issues refresh tokens without it.' },
      {
        id: 'C8f',
        key: 'copilot-does-not-refresh',
        text: "Copilot Studio does not refresh at all: with Manual OAuth it has been reported to send no request to the token endpoint when the access token expires and to ask people to reconnect instead (Microsoft Q&A 12832005, Azure AD behind API Management; a Salesforce report on the Power Platform forum says the same). Then every expiry (1 hour by default) is a reconnect, whatever the Refresh URL and refresh token.",
        confidence: 'R',
        checks: ['client.token-validity'],
        confirm: "the client's access-token validity against how often people reconnect; a refresh-token exchange that works (mcp-cognito doctor --refresh-token -) while Copilot Studio still asks to reconnect points here",
        fix: 'mcp-cognito create-client --preset copilot-studio --name <new name> --access-token-validity 1d',
        todo: "Longer access tokens mean fewer reconnects: new copilot-studio clients get 1 day (Cognito's maximum; --access-token-validity 5m to 1d); an existing client keeps its setting (change AccessTokenValidity in the Cognito console). A longer token stays valid that long if it leaks.",
      },
    ],
    note: "What decides a 401 after the access token expires: Copilot Studio must refresh it at its Refresh URL (the token URL) with a refresh token that is still valid (the client's refresh-token validity) and not revoked. mcp-cognito doctor --refresh-token - exchanges a refresh token you paste (never shown) and says which of these fails. What the evidence shows and does not: user reports (Microsoft Q&A 12832005) say Copilot Studio with Manual OAuth makes no refresh request at expiry, and Microsoft's answer there finds no documented setting for it; nothing public shows whether Dynamic discovery refreshes, and no Microsoft document confirms either way. A longer access-token lifetime (up to 1 day with Cognito) reduces the reconnects; it does not make Copilot Studio refresh.",
  },
  {
    id: 'C9',
    key: 'copilot-dynamic-discovery',
    title: 'Copilot Studio Dynamic discovery fails (registration or sign-in through the façade)',
    confidence: 'R',
    rows: ['C9'],
    strings: [
      'GetDynamicClientRegistrationResultAsync failed. Status Code: NotFound',
      'GetDynamicClientRegistrationResultAsync failed. Status Code: BadRequest, Response: {"error":"invalid_redirect_uri","error_description":"redirect URI host \\"global.consent.azure-apim.net\\" is not whitelisted"}',
      'Accepted at registration, refused at /authorize: {"error":"invalid_request","error_description":"Invalid redirect URI"}',
    ],
    where: 'Copilot Studio: Add a tool → Model Context Protocol → OAuth 2.0 → Dynamic discovery → Create connection',
    patterns: [
      { re: /GetDynamicClientRegistrationResultAsync/i, weight: 12 },
      { re: /Status Code: ?NotFound|Cannot POST \/register/i, weight: 6, causes: ['C9a'] },
      { re: /global\.consent\.azure-apim\.net|not whitelisted|invalid_redirect_uri|--copilot-studio/i, weight: 8, causes: ['C9b'] },
      { re: /dynamic discovery/i, weight: 6 },
      { re: /(accepted|registered).{0,60}(refused|rejected|invalid).{0,40}authori[sz]e|invalid redirect uri/i, weight: 6, causes: ['C9c'] },
    ],
    causes: [
      {
        id: 'C9a',
        key: 'server-url-without-registration',
        text: "The Server URL has no registration endpoint: it is the gateway's URL (AgentCore gateways and Cognito have none), or no façade is deployed. Copilot Studio then reports NotFound (tableau/tableau-mcp#772).",
        checks: ['facade.function', 'facade.metadata'],
        confirm: "a deployed façade; its metadata names its own /register; the Server URL in Copilot Studio is the façade's MCP URL, not the gateway's",
        fix: 'mcp-cognito facade deploy --copilot-studio',
        todo: "Paste the MCP URL facade deploy prints (https://<id>.lambda-url.<region>.on.aws/mcp) as the Server URL, not the gateway's.",
      },
      {
        id: 'C9b',
        key: 'consent-host-not-allowed',
        text: "The façade does not allow Copilot Studio's consent redirect https://global.consent.azure-apim.net/redirect/<tool id> (deployed without --copilot-studio), so registration answers invalid_redirect_uri (the same refusal as Teamwork/mcp#67 and pantalytics/odoo-mcp-pro PR #57).",
        checks: ['facade.copilot-studio'],
        confirm: 'the deployed façade allows Copilot Studio (its environment has FACADE_COPILOT_STUDIO=1)',
        passMatch: /does not allow/,
        fix: 'mcp-cognito facade deploy --copilot-studio',
      },
      {
        id: 'C9c',
        key: 'consent-redirect-refused-at-authorize',
        text: "Registration accepted the consent redirect and /authorize refused it (tableau/tableau-mcp#866). The façade applies one rule at both, so this means the setting changed between them (a deploy with --no-copilot-studio) or the redirect is not exactly https://global.consent.azure-apim.net/redirect/<one segment>.",
        confidence: '?',
        checks: ['facade.copilot-studio'],
        confirm: 'the deployed façade allows Copilot Studio; the façade log (CloudWatch, /aws/lambda/<function>) names why /authorize refused',
        passMatch: /does not allow/,
        fix: 'mcp-cognito facade deploy --copilot-studio',
        todo: 'Then create the connection again in Copilot Studio (it registers again).',
      },
      {
        id: 'C9d',
        key: 'facade-client-not-on-gateway',
        text: "Sign-in works but tool calls answer 401: the gateway does not allow the façade's app client, or does not speak MCP 2025-03-26.",
        checks: ['facade.copilot-studio', 'facade.authorized', 'gateway.protocol-version'],
        confirm: "the façade's client among the gateway's allowed clients; 2025-03-26 among its MCP versions",
        match: /refuses|does not speak/,
        fix: 'mcp-cognito facade deploy --copilot-studio',
      },
    ],
    note: "Dynamic discovery needs only the façade's MCP URL in Copilot Studio: it reads the two well-known documents, registers itself (RFC 7591) with its tool-specific consent redirect, signs the person in through the façade and Cognito's hosted UI with PKCE, and calls the gateway through the façade with MCP 2025-03-26. Manual OAuth (client ID, secret and URLs from mcp-cognito init) keeps working beside it.",
  },

  // ── 6. Provisioning-time exceptions ──────────────────────────────────────────────
  {
    id: 'F1',
    key: 'client-change-rejected',
    title: 'Cognito rejected a client create or update',
    confidence: 'C',
    rows: ['F1'],
    strings: [
      'InvalidOAuthFlowException: openid is not supported with client_credentials flow',
      'client_credentials flow can not be selected if client does not have a client secret.',
      'AllowedOAuthFlows and AllowedOAuthScopes are required if user pool client is allowed to use OAuth flows.',
      'ScopeDoesNotExistException: Invalid scope requested: <scope>',
      '<url> cannot use the HTTP protocol.',
    ],
    where: 'AWS SDK / CLI',
    patterns: [
      { re: /InvalidOAuthFlowException/i, weight: 10 },
      { re: /ScopeDoesNotExistException|invalid scope requested/i, weight: 10, causes: ['F1d'] },
      { re: /not supported with client_credentials/i, weight: 10, causes: ['F1a'] },
      { re: /does not have a client secret/i, weight: 10, causes: ['F1b'] },
      { re: /AllowedOAuthFlows and AllowedOAuthScopes are required/i, weight: 10, causes: ['F1c'] },
      { re: /cannot use the HTTP protocol/i, weight: 10, causes: ['F1e'] },
      { re: /member must satisfy enum value set/i, weight: 6 },
    ],
    causes: [
      { id: 'F1a', key: 'oidc-scope-on-m2m', text: 'OpenID scopes on an M2M (client_credentials) client.', checks: ['client.scopes'], confirm: 'validate the input first', fix: 'mcp-cognito create-client --preset m2m --pool-id <pool-id>' },
      { id: 'F1b', key: 'm2m-without-secret', text: 'client_credentials on a client without a secret.', checks: ['client.secret'], confirm: 'validate the input first', fix: 'mcp-cognito create-client --preset m2m --pool-id <pool-id>' },
      { id: 'F1c', key: 'oauth-without-flows', text: 'OAuth switched on without flows or scopes.', checks: ['client.flows', 'client.scopes'], confirm: 'validate the input first', todo: 'Send the OAuth flows and scopes with the change (mcp-cognito create-client does).' },
      { id: 'F1d', key: 'scope-not-defined-yet', text: 'A scope no resource server defines (create the resource server first).', checks: ['resource-server.scopes'], confirm: "the pool's resource servers", fix: 'mcp-cognito init-pool --pool-id <pool-id> --resource-server <identifier> --scope <scope>' },
      { id: 'F1e', key: 'http-or-mixed-flows', text: 'An http:// redirect URL other than localhost, 127.0.0.1 or [::1]; token instead of implicit; client_credentials mixed with code.', checks: ['client.callbacks', 'client.flows'], confirm: 'validate the input first', todo: 'Use https; keep M2M and sign-in clients apart.' },
    ],
  },
  {
    id: 'F2',
    key: 'secret-hash',
    title: 'Secret hash errors in SDK sign-in',
    confidence: 'C',
    rows: ['F2'],
    strings: ['NotAuthorizedException: Unable to verify secret hash for client <id>', 'App client <id> is not configured for secret but secret hash was received'],
    where: 'SDK (InitiateAuth, AdminInitiateAuth)',
    patterns: [{ re: /secret hash/i, weight: 12 }],
    causes: [{ id: 'F2a', key: 'secret-hash-mismatch', text: 'A sign-in with a client that has a secret, without SECRET_HASH (or the reverse).', checks: ['client.secret'], confirm: 'whether the client has a secret', todo: 'Send SECRET_HASH = Base64(HMAC_SHA256(secret, username + client_id)).' }],
  },
  {
    id: 'F3',
    key: 'gateway-update-rejected',
    title: 'Gateway update rejected, or settings lost',
    confidence: 'C',
    rows: ['F3'],
    strings: ['Authorizer type cannot be updated for an existing gateway', 'AllowedClients minimum 1, found 0', 'AllowedScopes minimum 1, found 0'],
    where: 'SDK / CloudFormation',
    patterns: [
      { re: /authorizer type cannot be updated/i, weight: 12, causes: ['F3a'] },
      { re: /(AllowedClients|AllowedScopes|AllowedAudience) minimum 1/i, weight: 12, causes: ['F3b'] },
    ],
    causes: [
      { id: 'F3a', key: 'authorizer-type-fixed', text: "A gateway's authorizer type cannot be changed.", checks: ['gateway.authorizer'], confirm: "the gateway's authorizer type", todo: 'Create a new gateway with a CUSTOM_JWT authorizer.' },
      { id: 'F3b', key: 'partial-gateway-update', text: 'UpdateGateway replaces the whole gateway: a request that does not resend every setting (or sends empty lists) loses settings or is rejected.', checks: ['gateway.allowed-clients', 'gateway.protocol-version'], confirm: 'the gateway before and after', fix: AUTHORIZE },
    ],
  },
  {
    id: 'F4',
    key: 'discovery-url-rejected',
    title: 'Gateway discovery URL rejected',
    confidence: 'C',
    rows: ['F4'],
    strings: ['ValidationException … discoveryUrl'],
    where: 'SDK',
    patterns: [{ re: /discoveryurl.{0,80}(validation|pattern|must)|validationexception.{0,80}discoveryurl/i, weight: 12 }],
    causes: [{ id: 'F4a', key: 'discovery-url-form', text: 'The URL does not end in /.well-known/openid-configuration.', checks: ['gateway.discovery-url'], confirm: 'the URL ends in /.well-known/openid-configuration', todo: 'Use https://cognito-idp.<region>.amazonaws.com/<pool-id>/.well-known/openid-configuration.' }],
  },
  {
    id: 'F5',
    key: 'client-settings-wiped',
    title: "An update silently wiped the client's OAuth settings",
    confidence: 'C',
    rows: ['F5'],
    strings: ['No error at update time; afterwards unauthorized_client, redirect_mismatch, or the console shows the sign-in pages as disabled'],
    where: 'SDK/CLI update, then the browser',
    patterns: [{ re: /hosted ui (is )?disabled|oauth (settings )?(wiped|gone|lost|reset)|update-user-pool-client/i, weight: 8 }],
    causes: [
      {
        id: 'F5a',
        key: 'update-reset-settings',
        text: 'UpdateUserPoolClient resets every setting it is not sent: a redirect URL added without resending the OAuth flows, scopes, the OAuth switch and the identity providers drops them.',
        checks: ['client.oauth-enabled', 'client.flows', 'client.scopes', 'client.identity-providers'],
        confirm: 'OAuth is off or the identity providers are empty while redirect URLs are set',
        todo: `Restore them with one update carrying every setting ${EDIT_CLIENT}; for URL changes use mcp-cognito add-callback, which resends everything.`,
      },
    ],
  },
];

/** Every check id the catalogue refers to (tests verify each exists). */
export function referencedChecks(): string[] {
  return [...new Set(CATALOGUE.flatMap((e) => e.causes.flatMap((c) => c.checks)))].sort();
}

/** An entry by its public name, its internal id or one of its rows (`G5` → the gateway entry). */
export function entryById(id: string): CatalogueEntry | undefined {
  const x = id.toLowerCase();
  return CATALOGUE.find((e) => e.key === x || e.id.toLowerCase() === x || e.rows.some((r) => r.toLowerCase() === x));
}
