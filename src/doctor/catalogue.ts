/**
 * The failure catalogue as data: one entry per symptom a user sees,
 * the strings that identify it, its causes, and for each cause the checks (by check id, see
 * checks.ts) that confirm or rule it out. Adding a symptom is adding an entry here; the matcher,
 * the ranking and the report need no new code.
 *
 * docs/troubleshooting.md and the README's troubleshooting section are generated from it
 * (`npm run docs`; a unit test fails when they are out of date).
 *
 * Plain data only: no imports, so `doctor --offline` never loads anything it does not need.
 */

/** How far to trust a row: [C] confirmed, [R] reported by users, [?] unconfirmed. */
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
  /** `G1`, `A1b`…: the catalogue row (and letter) it comes from. */
  id: string;
  text: string;
  confidence?: Confidence;
  /** Check ids (checks.ts) whose outcome confirms or rules out this cause; a prefix matches `id@client`. */
  checks: string[];
  /** What confirms it, in the catalogue's words (the "automatic check" column). */
  confirm: string;
  /**
   * Evidence specific to this cause: a failing related check whose detail matches confirms it
   * (and ranks it above causes confirmed by the same check in general terms); failing checks
   * that do not match only make it possible.
   */
  match?: RegExp;
  /** The fix; `<...>` placeholders are filled in by a failing check's concrete command. */
  fix: string;
}

export interface CatalogueEntry {
  id: string;
  title: string;
  confidence: Confidence;
  /** Catalogue rows this entry covers. */
  rows: string[];
  /** The exact (short) strings users see. */
  strings: string[];
  where: string;
  patterns: SymptomPattern[];
  causes: CatalogueCause[];
  /**
   * The row this entry answers in the troubleshooting table of the public walkthrough "Connecting
   * Microsoft Copilot Studio to an AWS Bedrock AgentCore Gateway" (mr70.eu, 2026).
   */
  table?: { error: string; cause: string; fix: string };
  /** Where the original table is wrong or unconfirmed, what is really going on. */
  correction?: string;
  /** Extra explanation printed with the symptom. */
  note?: string;
}

const ADD_CALLBACK = 'mcp-cognito add-callback <redirect URL> --client-id <client-id>';
const AUTHORIZE = 'mcp-cognito authorize-client --gateway-id <gateway-id> --client-id <client-id>';

export const CATALOGUE: readonly CatalogueEntry[] = [
  // ── 1. Hosted UI / /oauth2/authorize ─────────────────────────────────────────────
  {
    id: 'A1',
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
        text: "The Copilot Studio redirect URL (per connector, https://global.consent.azure-apim.net/redirect/<suffix>, shown only after you save the tool) is not in the client's CallbackURLs.",
        checks: ['client.redirect-uri', 'probe.authorize', 'client.callbacks'],
        confirm: 'DescribeUserPoolClient.CallbackURLs contains the exact URL (string compare, no normalising); GET /oauth2/authorize with that redirect_uri redirects to /error?error=redirect_mismatch',
        fix: ADD_CALLBACK,
      },
      {
        id: 'A1b',
        text: 'The URL is registered with an exact-match difference: trailing slash, http vs https, localhost vs 127.0.0.1, port, or letter case.',
        checks: ['client.redirect-uri', 'client.callbacks'],
        confirm: 'Near-miss comparison of the redirect URL with CallbackURLs',
        match: /differs only|another loopback host/,
        fix: ADD_CALLBACK,
      },
      {
        id: 'A1c',
        text: 'Claude Code uses http://localhost:<random port>/callback unless the port is pinned; Cognito has no any-port rule for loopback (C3).',
        checks: ['client.callbacks'],
        confirm: 'CallbackURLs contains http://localhost:<pinned port>/callback',
        fix: 'Pin the port (claude mcp add … --callback-port <port>, oauth.callbackPort or MCP_OAUTH_CALLBACK_PORT), then: mcp-cognito add-callback http://localhost:<port>/callback --client-id <client-id>',
      },
      {
        id: 'A1d',
        text: 'MCP Inspector uses http://localhost:6274/oauth/callback (and /oauth/callback/debug).',
        checks: ['client.callbacks'],
        confirm: 'CallbackURLs contains the Inspector URLs',
        fix: 'mcp-cognito add-callback http://localhost:6274/oauth/callback http://localhost:6274/oauth/callback/debug --client-id <client-id>',
      },
      {
        id: 'A1e',
        text: 'The callback list still holds a placeholder (https://placeholder.example.com, which Copilot Studio setups use until the real redirect URL is known; https://example.com from CDK).',
        checks: ['client.callbacks'],
        confirm: 'CallbackURLs contains a placeholder',
        match: /placeholder/,
        fix: ADD_CALLBACK,
      },
    ],
    table: { error: 'redirect_uri mismatch', cause: "The Copilot redirect URL is not in the client's callbacks", fix: 'Run Step 4' },
    correction:
      'redirect_mismatch is not a JSON error: it only appears as the Cognito page /error?error=redirect_mismatch. At the token endpoint a redirect difference shows up as unauthorized_client (trailing slash) or invalid_grant instead. Step 4 of the guide also resends every other client field by hand; add-callback does that for you.',
  },
  {
    id: 'A2',
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
        text: "A requested scope is not in the client's AllowedOAuthScopes (e.g. the Copilot Studio 'Scopes' field, or the gateway's allowedScopes, names a scope the client lacks).",
        checks: ['gateway.allowed-scopes', 'client.scopes', 'probe.authorize'],
        confirm: 'AllowedOAuthScopes ⊇ the scopes typed into Copilot Studio ∪ the gateway allowedScopes; GET /oauth2/authorize with the same scopes',
        fix: 'Enable the scope on the client (aws cognito-idp update-user-pool-client with the full client configuration), or change what the client asks for',
      },
      {
        id: 'A2b',
        text: 'The custom scope does not exist on a resource server (it must be <identifier>/<scope>).',
        checks: ['resource-server.scopes'],
        confirm: 'ListResourceServers: every custom scope of the client exists',
        fix: 'mcp-cognito init-pool --pool-id <pool-id> --resource-server <identifier> --scope <scope>',
      },
      {
        id: 'A2c',
        text: 'The client adds a scope Cognito does not support: offline_access (Claude Desktop, LiteLLM), or the pool-wide phone scope taken from scopes_supported (older Claude Code, C4).',
        checks: [],
        confirm: 'The scope string the MCP client sends (not visible to AWS)',
        fix: "Never request offline_access from Cognito (refresh tokens come with the code flow anyway); pin Claude Code's oauth.scopes to the scopes the client has",
      },
      {
        id: 'A2d',
        text: 'email, phone or profile requested without openid.',
        checks: ['client.scopes'],
        confirm: 'AllowedOAuthScopes and the requested scopes include openid whenever email/profile/phone are used',
        fix: "Add openid to the scopes (the client's and the requested ones)",
      },
    ],
    table: { error: 'invalid_scope', cause: "The scope doesn't exist on the resource server or isn't enabled on the client", fix: 'Verify resource server and AllowedOAuthScopes' },
    correction:
      'Right, but incomplete: invalid_scope also comes from scopes Cognito never supports (offline_access), from email/profile without openid, and — as a JSON error of /oauth2/token — from OIDC scopes in a client_credentials request (see T4).',
  },
  {
    id: 'A3',
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
      {
        id: 'A3a',
        text: 'AllowedOAuthFlows lacks code.',
        checks: ['client.flows', 'probe.authorize'],
        confirm: 'DescribeUserPoolClient.AllowedOAuthFlows includes code',
        fix: 'aws cognito-idp update-user-pool-client … AllowedOAuthFlows=[code] (with the full client configuration)',
      },
      {
        id: 'A3b',
        text: 'OAuth is switched off for the client (AllowedOAuthFlowsUserPoolClient=false), typically after an UpdateUserPoolClient that did not resend it (F5).',
        checks: ['client.oauth-enabled'],
        confirm: 'DescribeUserPoolClient.AllowedOAuthFlowsUserPoolClient == true',
        fix: 'aws cognito-idp update-user-pool-client … AllowedOAuthFlowsUserPoolClient=true (with the full client configuration)',
      },
      {
        id: 'A3c',
        text: 'SupportedIdentityProviders does not include COGNITO.',
        confidence: '?',
        checks: ['client.identity-providers'],
        confirm: 'DescribeUserPoolClient.SupportedIdentityProviders includes COGNITO',
        fix: 'aws cognito-idp update-user-pool-client … SupportedIdentityProviders=[COGNITO] (with the full client configuration)',
      },
    ],
  },
  {
    id: 'A4',
    title: 'Hosted-UI domain missing or not ready',
    confidence: 'R',
    rows: ['A4'],
    strings: ["This site can't be reached (DNS failure)", 'Error loading discovery document … Bad Request'],
    where: 'Browser; MCP client discovery',
    patterns: [
      { re: /can.t be reached|could not resolve|ENOTFOUND|DNS_PROBE|NXDOMAIN|name not resolved/i, weight: 6 },
      { re: /error loading discovery document/i, weight: 7, causes: ['A4d'] },
      { re: /amazoncognito\.com/i, weight: 2 },
      { re: /domain (not found|missing|does not exist)|no (hosted[- ]ui )?domain/i, weight: 7 },
    ],
    causes: [
      {
        id: 'A4a',
        text: 'The user pool has no domain (UserPool.Domain empty).',
        checks: ['pool.domain'],
        confirm: 'DescribeUserPool.Domain / CustomDomain non-empty',
        fix: 'mcp-cognito init-pool --pool-id <pool-id>',
      },
      {
        id: 'A4b',
        text: 'The domain is still CREATING, or FAILED (custom domain: ACM certificate or DNS alias missing).',
        checks: ['domain.status'],
        confirm: "DescribeUserPoolDomain.Status == 'ACTIVE' and UserPoolId matches",
        fix: 'Wait for ACTIVE (about a minute for a prefix domain); for a custom domain fix the certificate (us-east-1) and the DNS alias',
      },
      {
        id: 'A4c',
        text: "Copilot Studio's Authorization URL / Token URL points at cognito-idp.<region>.amazonaws.com instead of the domain.",
        confidence: '?',
        checks: [],
        confirm: 'Compare the Copilot fields with https://<domain>/oauth2/authorize and https://<domain>/oauth2/token',
        fix: 'Use the domain URLs printed by mcp-cognito create-client in Copilot Studio',
      },
      {
        id: 'A4d',
        text: 'A domain-based discovery URL is used where the cognito-idp issuer URL is needed (discovery is only served on the issuer host).',
        checks: ['gateway.discovery-url', 'probe.discovery'],
        confirm: 'The gateway discoveryUrl is https://cognito-idp.<region>.amazonaws.com/<pool>/.well-known/openid-configuration',
        fix: 'Use the cognito-idp discovery URL in the gateway (and in any OIDC library)',
      },
    ],
  },
  {
    id: 'A5',
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
        text: 'The domain uses managed login v2 but no branding style is assigned to this app client (common for clients created by CLI or API rather than the console).',
        checks: ['client.branding', 'probe.authorize'],
        confirm: 'DescribeUserPoolDomain.ManagedLoginVersion == 2 and DescribeManagedLoginBrandingByClient → ResourceNotFoundException',
        fix: 'aws cognito-idp create-managed-login-branding --user-pool-id <pool-id> --client-id <client-id> --use-cognito-provided-values',
      },
    ],
  },
  {
    id: 'A6',
    title: 'Logout URL not registered',
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
        text: "/logout was called without logout_uri, or with a logout_uri that is not in LogoutURLs (Cognito needs a registered logout_uri, or redirect_uri plus the login parameters).",
        checks: ['client.logout-urls'],
        confirm: "DescribeUserPoolClient.LogoutURLs contains the app's sign-out URL",
        fix: 'mcp-cognito add-callback --logout <sign-out URL> --client-id <client-id>; call /logout with client_id and logout_uri',
      },
    ],
  },
  {
    id: 'A7',
    title: 'User cannot finish sign-in (temporary password, FORCE_CHANGE_PASSWORD)',
    confidence: 'R',
    rows: ['A7'],
    strings: ['Change password (forced)', 'Temporary password has expired and must be reset by an administrator', 'NotAuthorizedException'],
    where: 'Browser (hosted UI); SDK',
    patterns: [
      { re: /force_change_password/i, weight: 10 },
      { re: /temporary password/i, weight: 8 },
      { re: /must be reset by an administrator|password (has )?expired|change (your )?password/i, weight: 6 },
      { re: /NotAuthorizedException|incorrect username or password/i, weight: 3 },
    ],
    causes: [
      {
        id: 'A7a',
        text: 'The user is in FORCE_CHANGE_PASSWORD and the temporary password has expired (TemporaryPasswordValidityDays, default 7), was used once already, or was never delivered (MessageAction=SUPPRESS).',
        checks: ['users.status'],
        confirm: "ListUsers(Filter='cognito:user_status = \"FORCE_CHANGE_PASSWORD\"'); UserCreateDate + TemporaryPasswordValidityDays vs now",
        fix: "aws cognito-idp admin-set-user-password --user-pool-id <pool-id> --username <user> --password '<new password>' --permanent",
      },
      {
        id: 'A7b',
        text: 'The user is RESET_REQUIRED, UNCONFIRMED or disabled.',
        checks: ['users.status'],
        confirm: 'AdminGetUser.UserStatus ∈ {CONFIRMED, EXTERNAL_PROVIDER} and Enabled',
        fix: 'aws cognito-idp admin-set-user-password … --permanent, or admin-enable-user',
      },
    ],
  },
  {
    id: 'A8',
    title: 'Managed login error from a federated identity provider',
    confidence: 'C',
    rows: ['A8'],
    strings: ['error=invalid_request&error_description=…'],
    where: 'Browser redirect',
    patterns: [
      { re: /error=invalid_request&error_description/i, weight: 10 },
      { re: /idp|identity provider.{0,40}(timeout|error)/i, weight: 3 },
    ],
    causes: [
      {
        id: 'A8a',
        text: 'Only with a third-party IdP behind Cognito (SAML/OIDC/social): the call from Cognito to that IdP failed (the description says which).',
        checks: ['client.identity-providers'],
        confirm: 'SupportedIdentityProviders ≠ [COGNITO]',
        fix: "Read error_description; fix the IdP's configuration in the user pool",
      },
    ],
  },

  // ── 2. /oauth2/token JSON errors ─────────────────────────────────────────────────
  {
    id: 'T1',
    title: 'Client authentication failed (invalid_client)',
    confidence: 'C',
    rows: ['T1'],
    strings: ['{"error":"invalid_client"}'],
    where: 'Token endpoint JSON; Copilot Studio fails to create the connection after sign-in; LiteLLM "token exchange failure"',
    patterns: [
      { re: /"error"\s*:\s*"invalid_client"/i, weight: 10 },
      { re: /invalid_client/i, weight: 8 },
      { re: /client authentication failed|token exchange failure/i, weight: 4 },
    ],
    causes: [
      {
        id: 'T1a',
        text: 'The client has a secret but the caller sent none (a public-client flow; PKCE-only tools such as Claude Code pointed at a confidential client).',
        checks: ['client.secret'],
        confirm: 'DescribeUserPoolClient.ClientSecret present, vs the kind of caller',
        fix: 'For public-client tools create a client without a secret (a secret cannot be removed): aws cognito-idp create-user-pool-client --no-generate-secret …',
      },
      {
        id: 'T1b',
        text: 'Wrong or rotated secret (copied with a stray character, or from another client).',
        checks: ['probe.m2m-token'],
        confirm: 'A client_credentials request with the secret from DescribeUserPoolClient succeeds (M2M clients)',
        fix: "Copy the secret again (aws cognito-idp describe-user-pool-client --user-pool-id <pool-id> --client-id <client-id> --query UserPoolClient.ClientSecret)",
      },
      {
        id: 'T1c',
        text: 'The secret is sent by a method the caller mangles (double base64, client_id:secret in the wrong order). Cognito accepts both client_secret_basic and client_secret_post.',
        checks: ['probe.discovery'],
        confirm: 'Discovery token_endpoint_auth_methods_supported',
        fix: 'Send client_secret_basic (Authorization: Basic base64(client_id:secret)) or client_secret_post',
      },
      {
        id: 'T1d',
        text: 'A wrong client_id, or a client of another pool or Region.',
        checks: ['client.exists', 'gateway.discovery-url'],
        confirm: 'DescribeUserPoolClient succeeds in this pool',
        fix: 'Use the client ID and the domain of the same pool',
      },
      {
        id: 'T1e',
        text: 'Refresh requests that omit client authentication (Power Platform refresh analogue).',
        confidence: '?',
        checks: [],
        confirm: 'Not visible to AWS',
        fix: 'Set the Copilot Studio Refresh URL to the token URL; reconnect',
      },
    ],
    correction:
      'The guide blames a secret not forwarded with Basic authentication; Cognito accepts client_secret_post as well as client_secret_basic (current docs), so that is only one cause among several.',
  },
  {
    id: 'T2',
    title: 'Grant not allowed for this client (unauthorized_client at the token endpoint)',
    confidence: 'C',
    rows: ['T2'],
    strings: ['{"error":"unauthorized_client"}'],
    where: 'Token endpoint JSON',
    patterns: [
      { re: /"error"\s*:\s*"unauthorized_client"/i, weight: 10 },
      { re: /unauthorized_client/i, weight: 5 },
    ],
    causes: [
      {
        id: 'T2a',
        text: 'The client lacks the flow for this grant: code for authorization_code/refresh_token, client_credentials for M2M.',
        checks: ['client.flows', 'probe.m2m-token'],
        confirm: 'DescribeUserPoolClient.AllowedOAuthFlows matches the grant the caller uses',
        fix: 'Enable the flow (aws cognito-idp update-user-pool-client with the full client configuration); M2M and code flows need separate clients',
      },
      {
        id: 'T2b',
        text: 'Misleading case: the redirect_uri of the token request differs from the authorize request or the registration (trailing slash).',
        checks: ['client.redirect-uri', 'client.callbacks'],
        confirm: 'CallbackURLs match the redirect URL byte for byte',
        match: /differs only/,
        fix: 'Send the byte-identical redirect_uri; register it exactly: ' + ADD_CALLBACK,
      },
    ],
  },
  {
    id: 'T3',
    title: 'Invalid grant (invalid_grant)',
    confidence: 'C',
    rows: ['T3', 'C4'],
    strings: ['{"error":"invalid_grant"}', 'mcp_token_exchange_failed'],
    where: 'Token endpoint JSON; Claude Code never stores the tokens; claude.ai mcp_token_exchange_failed',
    patterns: [
      { re: /"error"\s*:\s*"invalid_grant"/i, weight: 10 },
      { re: /invalid_grant/i, weight: 8 },
      { re: /mcp_token_exchange_failed/i, weight: 8 },
      { re: /code_verifier|pkce/i, weight: 2, causes: ['T3c'] },
      { re: /refresh/i, weight: 1, causes: ['T3b'] },
    ],
    causes: [
      {
        id: 'T3a',
        text: 'The authorization code was already used or has expired (single use, short lifetime).',
        checks: [],
        confirm: 'Not visible to AWS',
        fix: 'Sign in again; make sure the client exchanges each code once',
      },
      {
        id: 'T3b',
        text: 'The refresh token was revoked or has expired (RefreshTokenValidity).',
        checks: ['client.token-validity'],
        confirm: 'DescribeUserPoolClient.RefreshTokenValidity / TokenValidityUnits',
        fix: 'Reconnect; raise RefreshTokenValidity if policy allows',
      },
      { id: 'T3c', text: 'PKCE code_verifier mismatch.', checks: [], confirm: 'Not visible to AWS', fix: 'Send the verifier that matches the code_challenge' },
      {
        id: 'T3d',
        text: 'OAuth is not switched on for the client (AllowedOAuthFlowsUserPoolClient=false, common for clients created by API).',
        checks: ['client.oauth-enabled'],
        confirm: 'DescribeUserPoolClient.AllowedOAuthFlowsUserPoolClient == true',
        fix: 'aws cognito-idp update-user-pool-client … AllowedOAuthFlowsUserPoolClient=true (with the full client configuration)',
      },
      {
        id: 'T3e',
        text: "Claude Code sends no scope when the gateway's protected-resource metadata advertises none; the code it gets then fails the exchange (C4).",
        confidence: 'R',
        checks: ['gateway.allowed-scopes', 'probe.resource-metadata'],
        confirm: 'GetGateway.customJWTAuthorizer.allowedScopes non-empty (it feeds scopes_supported); GET /.well-known/oauth-protected-resource on the gateway',
        fix: "Set the gateway's allowedScopes (" + AUTHORIZE + ' adds the client\'s custom scopes when the gateway checks scopes), or pin oauth.scopes in Claude Code',
      },
      {
        id: 'T3f',
        text: 'The client has no enabled scopes.',
        confidence: '?',
        checks: ['client.scopes'],
        confirm: 'DescribeUserPoolClient.AllowedOAuthScopes non-empty',
        fix: 'Enable at least the custom scope on the client',
      },
    ],
  },
  {
    id: 'T4',
    title: 'Scope rejected in a client_credentials request (invalid_scope from /oauth2/token)',
    confidence: 'C',
    rows: ['T4'],
    strings: ['{"error":"invalid_scope"}'],
    where: "Token endpoint JSON (an M2M agent; the gateway target's outbound credential provider)",
    patterns: [
      { re: /"error"\s*:\s*"invalid_scope"/i, weight: 10 },
      { re: /invalid_scope/i, weight: 4 },
      { re: /client_credentials/i, weight: 3 },
    ],
    causes: [
      {
        id: 'T4a',
        text: 'openid, email, profile, phone or aws.cognito.signin.user.admin requested: client_credentials allows custom resource-server scopes only.',
        checks: ['client.scopes', 'targets.oauth-scopes'],
        confirm: 'The M2M client and the target credential providers request custom scopes only',
        fix: 'Request only custom scopes such as mcp/invoke',
      },
      {
        id: 'T4b',
        text: 'The scope is not enabled on the client, or does not exist on a resource server.',
        checks: ['resource-server.scopes', 'client.scopes', 'probe.m2m-token'],
        confirm: 'AllowedOAuthScopes ⊇ requested scopes, each present in ListResourceServers',
        fix: 'mcp-cognito init-pool --pool-id <pool-id> --resource-server <identifier> --scope <scope>, then enable it on the client',
      },
      { id: 'T4c', text: 'A typo in the <identifier>/<scope> form.', checks: ['resource-server.scopes'], confirm: 'ListResourceServers', fix: 'Use the exact <identifier>/<scope> string' },
    ],
  },
  {
    id: 'T5',
    title: 'Unsupported grant type (unsupported_grant_type)',
    confidence: 'C',
    rows: ['T5'],
    strings: ['{"error":"unsupported_grant_type"}'],
    where: 'Token endpoint JSON',
    patterns: [
      { re: /unsupported_grant_type/i, weight: 10 },
      { re: /unsupported grant/i, weight: 8 },
    ],
    causes: [
      {
        id: 'T5a',
        text: 'grant_type is not authorization_code, refresh_token or client_credentials (a typo, password, or a body that is not form-encoded, so Cognito sees no grant_type at all).',
        checks: [],
        confirm: 'The request the tool sends: grant_type value and Content-Type: application/x-www-form-urlencoded',
        fix: 'Send grant_type=authorization_code|refresh_token|client_credentials as an application/x-www-form-urlencoded body',
      },
      {
        id: 'T5b',
        text: 'Not this error, but often confused with it: a client without the code flow gets unauthorized_client (token endpoint) or ?error=unauthorized_client (authorize), never unsupported_grant_type.',
        checks: ['client.flows', 'client.oauth-enabled'],
        confirm: 'DescribeUserPoolClient.AllowedOAuthFlows includes code',
        fix: 'aws cognito-idp update-user-pool-client … AllowedOAuthFlows=[code] (with the full client configuration)',
      },
    ],
    table: { error: 'unsupported_grant_type', cause: "The client doesn't have the code flow enabled", fix: 'Add code to AllowedOAuthFlows' },
    correction:
      'The guide is wrong here. Cognito returns unsupported_grant_type only when grant_type is not one of authorization_code, refresh_token, client_credentials (or the body is not form-encoded). A client without the code flow gets unauthorized_client instead (T2 at /oauth2/token, A3 at /oauth2/authorize). Doctor still checks the code flow, but look at the request first.',
  },
  {
    id: 'T6',
    title: 'Malformed token request (invalid_request)',
    confidence: 'C',
    rows: ['T6'],
    strings: ['{"error":"invalid_request"}'],
    where: 'Token endpoint JSON',
    patterns: [
      { re: /"error"\s*:\s*"invalid_request"/i, weight: 10 },
      { re: /invalid_request/i, weight: 5 },
    ],
    causes: [
      {
        id: 'T6a',
        text: 'A required parameter is missing (e.g. refresh_token with that grant), a JSON body, or a shell quoting problem in curl.',
        checks: [],
        confirm: 'The request the tool sends',
        fix: 'Send form-encoded parameters (curl --data-urlencode)',
      },
    ],
  },

  // ── 3. Gateway inbound (CUSTOM_JWT) ──────────────────────────────────────────────
  {
    id: 'G1-G7',
    title: 'The gateway rejects the token (HTTP 401 "Invalid Bearer token")',
    confidence: 'C',
    rows: ['G1', 'G2', 'G3', 'G4', 'G5', 'G6', 'G7'],
    strings: ['HTTP 401 {"jsonrpc":"2.0","id":0,"error":{"code":-32001,"message":"Invalid Bearer token"}}', 'WWW-Authenticate: Bearer error="invalid_token", scope="…", resource_metadata="…"', 'insufficient_scope (as some setup guides describe it)'],
    where: 'Gateway HTTP response; Copilot Studio lists no tools / the test fails; Claude Code /mcp shows "failed"',
    patterns: [
      { re: /invalid bearer token/i, weight: 10 },
      { re: /-32001/, weight: 8 },
      { re: /insufficient_scope/i, weight: 10, causes: ['G1', 'G3'] },
      { re: /insufficient scope/i, weight: 8, causes: ['G1', 'G3'] },
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
    ],
    causes: [
      {
        id: 'G1',
        text: "The access token's client_id is not in the gateway's allowedClients (the new Copilot Studio, Claude Code or M2M client was never added; a typo; a client deleted and recreated; comma-joined values stored as one entry).",
        checks: ['gateway.allowed-clients', 'token.client', 'probe.token.client', 'probe.mcp-initialize'],
        confirm: 'GetGateway.customJWTAuthorizer.allowedClients contains the client ID; every entry matches ^[a-z0-9]+$',
        fix: AUTHORIZE,
      },
      {
        id: 'G2',
        text: 'allowedAudience is set, but Cognito access tokens have no aud claim (the client ID is in client_id), so every token is rejected.',
        checks: ['gateway.allowed-audience', 'token.audience', 'probe.token.audience'],
        confirm: 'GetGateway.customJWTAuthorizer.allowedAudience non-empty while discoveryUrl is a cognito-idp URL',
        fix: 'Use allowedClients for Cognito (' + AUTHORIZE + ') and drop allowedAudience (aws bedrock-agentcore-control update-gateway with the full gateway configuration)',
      },
      {
        id: 'G3',
        text: "The token's scope shares no value with allowedScopes: the Copilot Studio 'Scopes' field lists only openid email profile, the custom scope is not enabled on the client, or the token came from InitiateAuth (scope aws.cognito.signin.user.admin only).",
        checks: ['gateway.allowed-scopes', 'token.scope', 'probe.token.scope', 'client.scopes'],
        confirm: 'GetGateway allowedScopes ∩ DescribeUserPoolClient.AllowedOAuthScopes ≠ ∅; the decoded token scope',
        fix: "Enable the custom scope on the client and put it in Copilot Studio's Scopes field; " + AUTHORIZE + ' adds the client\'s custom scopes to allowedScopes',
      },
      {
        id: 'G4',
        text: 'Wrong issuer: the gateway discoveryUrl names another pool or Region, a domain-style discovery URL is used, the pool was recreated, or the token comes from another pool.',
        confidence: 'R',
        checks: ['gateway.discovery-url', 'token.issuer', 'probe.token.issuer', 'probe.discovery', 'probe.resource-metadata'],
        confirm: 'discoveryUrl = https://cognito-idp.<region>.amazonaws.com/<poolId>/.well-known/openid-configuration of this pool; discovery issuer = token iss',
        fix: 'Point discoveryUrl at the right pool (aws bedrock-agentcore-control update-gateway with the full gateway configuration)',
      },
      {
        id: 'G5',
        text: 'The access token has expired (AccessTokenValidity, default 1 h) and the client does not refresh (no refresh token without the code flow; Copilot Studio Refresh URL empty or wrong).',
        confidence: 'R',
        checks: ['token.expiry', 'client.token-validity', 'client.flows'],
        confirm: 'Token exp vs now; DescribeUserPoolClient.AccessTokenValidity/TokenValidityUnits; AllowedOAuthFlows includes code',
        fix: 'Reconnect; set the Copilot Studio Refresh URL to https://<domain>/oauth2/token; raise AccessTokenValidity if policy allows',
      },
      {
        id: 'G6',
        text: 'An ID token was sent instead of the access token (token_use=id, aud=<client>, no client_id/scope).',
        confidence: '?',
        checks: ['token.use', 'probe.token.use'],
        confirm: "Decoded token_use == 'access'",
        fix: 'Send the access_token from the token response, not the id_token',
      },
      {
        id: 'G7',
        text: 'Auth method or URL mismatch: SigV4 sent to a JWT gateway (or the reverse), Authorization: Bearer undefined, a missing header, or a URL without /mcp.',
        confidence: 'R',
        checks: ['gateway.authorizer', 'gateway.url', 'probe.gateway-401'],
        confirm: "GetGateway.authorizerType == 'CUSTOM_JWT'; the URL the client uses equals GetGateway.gatewayUrl",
        fix: 'Send Authorization: Bearer <access token> to the gatewayUrl (ending in /mcp)',
      },
    ],
    table: { error: 'insufficient_scope', cause: "The client_id is not in the Gateway's allowedClients", fix: 'Add it via update-gateway (Step 2)' },
    correction:
      "The table's error string is unconfirmed: every public AgentCore rejection found is HTTP 401 with -32001 \"Invalid Bearer token\" and WWW-Authenticate: Bearer error=\"invalid_token\", and the gateway never names the failing claim. allowedClients is the most common cause, but doctor compares the token's claims with the gateway (client_id, scope, iss, exp, aud, token_use) rather than trusting the error code. Use authorize-client rather than a hand-written update-gateway, which drops every field it does not resend.",
  },
  {
    id: 'G8',
    title: 'Unknown path on the gateway host (OAuth metadata or registration probed there)',
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
        text: 'A client probes /.well-known/oauth-authorization-server or /register on the gateway host; they do not exist there. Expected: the gateway serves only /.well-known/oauth-protected-resource, pointing at the Cognito issuer (see C1/C2).',
        checks: ['probe.resource-metadata', 'probe.discovery'],
        confirm: 'GET /.well-known/oauth-protected-resource on the gateway returns authorization_servers = [the Cognito issuer]',
        fix: 'Nothing to fix on AWS; use a pre-registered client (see C1)',
      },
    ],
  },

  // ── 4. Targets / outbound auth ───────────────────────────────────────────────────
  {
    id: 'O1',
    title: 'Outbound token failure ("Failed to fetch outbound oauth token")',
    confidence: 'C',
    rows: ['O1'],
    strings: ['Failed to fetch outbound oauth token', '… not authorized to perform bedrock-agentcore:GetWorkloadAccessToken', 'Access denied when retrieving the provided secret'],
    where: 'tools/call result / JSON-RPC error (details only with exceptionLevel=DEBUG)',
    patterns: [
      { re: /failed to fetch outbound oauth token/i, weight: 12 },
      { re: /outbound (oauth )?token/i, weight: 8 },
      { re: /GetWorkloadAccessToken|GetResourceOauth2Token/i, weight: 8, causes: ['O1b'] },
      { re: /retrieving the provided secret|secretsmanager/i, weight: 8, causes: ['O1c'] },
    ],
    causes: [
      {
        id: 'O1a',
        text: "The target's OAuth credential provider requests OIDC scopes (openid, email, profile, phone) for client_credentials; Cognito allows only custom scopes there (T4).",
        checks: ['targets.oauth-scopes'],
        confirm: 'GetGatewayTarget credentialProviderConfigurations[].oauthCredentialProvider.scopes contains no OIDC scope, each in ListResourceServers',
        fix: 'aws bedrock-agentcore-control update-gateway-target … with only custom scopes (e.g. mcp/invoke)',
      },
      {
        id: 'O1b',
        text: 'The gateway role lacks bedrock-agentcore:GetWorkloadAccessToken / GetResourceOauth2Token.',
        checks: ['targets.iam'],
        confirm: 'iam simulate-principal-policy on GetGateway.roleArn',
        fix: 'Add both actions to the gateway role',
      },
      {
        id: 'O1c',
        text: "The gateway role cannot read the credential provider's Secrets Manager secret.",
        checks: ['targets.iam'],
        confirm: 'iam simulate-principal-policy secretsmanager:GetSecretValue on GetGateway.roleArn',
        fix: 'Grant secretsmanager:GetSecretValue on the secret (and kms:Decrypt on its key) to the gateway role',
      },
      {
        id: 'O1d',
        text: "A wrong client ID or secret in the credential provider, or a wrong discovery URL. Target creation and READY status do not prove outbound auth works.",
        checks: ['targets.credential-provider', 'probe.m2m-token'],
        confirm: 'GetOauth2CredentialProvider clientId and oauthDiscovery; a client_credentials request with that client',
        fix: 'aws bedrock-agentcore-control update-oauth2-credential-provider with the right client and discovery URL; set exceptionLevel=DEBUG on the gateway while diagnosing',
      },
    ],
    table: { error: 'Failed to fetch outbound oauth token', cause: "The target's credential provider requests scopes invalid for client_credentials", fix: 'Use only custom scopes (e.g. mcp/invoke), not OIDC scopes' },
    correction:
      'One cause of at least three: besides OIDC scopes, the gateway role may lack bedrock-agentcore:GetWorkloadAccessToken / GetResourceOauth2Token, or access to the provider\'s Secrets Manager secret. The details appear only with exceptionLevel=DEBUG on the gateway.',
  },
  {
    id: 'O2',
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
      {
        id: 'O2a',
        text: "The target's outbound call fails (see O1); tools/list is served from the synchronised cache, so it keeps working.",
        checks: ['targets.status', 'targets.oauth-scopes', 'targets.credential-provider', 'targets.iam'],
        confirm: 'GetGatewayTarget status/statusReasons, then the O1 checks',
        fix: 'As O1; set exceptionLevel=DEBUG on the gateway to see the real message',
      },
    ],
  },
  {
    id: 'O3',
    title: 'Runtime target never receives requests (gateway timeout)',
    confidence: 'R',
    rows: ['O3'],
    strings: ['Gateway timeout (~20 s); the runtime logs show nothing'],
    where: 'Gateway to AgentCore Runtime',
    patterns: [
      { re: /gateway time-?out|504|timed? ?out/i, weight: 5 },
      { re: /runtime/i, weight: 3 },
    ],
    causes: [
      {
        id: 'O3a',
        text: "The runtime's JWT authorizer rejects or strips the header: its allowedClients lacks the provider's client, or Authorization is not in its requestHeaderConfiguration allowlist (JWT passthrough).",
        checks: ['targets.status'],
        confirm: 'bedrock-agentcore-control GetAgentRuntime: authorizerConfiguration.customJWTAuthorizer.allowedClients and requestHeaderConfiguration',
        fix: 'Align the runtime authorizer with the M2M client; allowlist the Authorization header',
      },
    ],
  },

  // ── 5. Client-specific ───────────────────────────────────────────────────────────
  {
    id: 'C1',
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
        text: "Expected: Cognito's discovery document has no registration_endpoint (no RFC 7591), and the gateway serves no RFC 8414 metadata.",
        checks: ['probe.discovery'],
        confirm: 'Discovery document without registration_endpoint',
        fix: 'Use a pre-registered public client: claude mcp add --client-id <client-id> --callback-port <port> … and register http://localhost:<port>/callback; or a DCR façade, or a static Authorization header',
      },
    ],
  },
  {
    id: 'C2',
    title: 'PKCE metadata missing (S256 not advertised)',
    confidence: 'R',
    rows: ['C2'],
    strings: ['does not support S256 code challenge method', 'Authentication Successful … Auth: ✘ not authenticated'],
    where: 'Claude Code, Cursor, MCP Inspector',
    patterns: [
      { re: /S256|code challenge method|code_challenge/i, weight: 10 },
      { re: /not authenticated/i, weight: 3 },
    ],
    causes: [
      {
        id: 'C2a',
        text: 'Cognito discovery omits code_challenge_methods_supported although PKCE S256 works.',
        checks: ['probe.discovery'],
        confirm: 'Discovery document without code_challenge_methods_supported',
        fix: 'A metadata façade that adds ["S256"], or a static bearer token',
      },
    ],
  },
  {
    id: 'C5',
    title: 'MCP Inspector cannot connect with OAuth',
    confidence: 'R',
    rows: ['C5'],
    strings: ['Connection Error - Check if your MCP server is running and proxy token is correct'],
    where: 'MCP Inspector UI',
    patterns: [
      { re: /proxy token is correct|check if your mcp server is running/i, weight: 10 },
      { re: /inspector/i, weight: 4 },
    ],
    causes: [
      {
        id: 'C5a',
        text: "Inspector's OAuth flow needs DCR/PKCE metadata (C1/C2) and http://localhost:6274/oauth/callback[/debug] registered.",
        checks: ['client.callbacks', 'probe.discovery'],
        confirm: 'CallbackURLs include the Inspector URLs',
        fix: 'Paste Authorization: Bearer <access token> into Custom Headers (AWS docs), or: mcp-cognito add-callback http://localhost:6274/oauth/callback --client-id <client-id>',
      },
    ],
  },
  {
    id: 'C6',
    title: 'Copilot Studio lists no tools (MCP protocol version 2025-03-26 not supported)',
    confidence: '?',
    rows: ['C6'],
    strings: ['No tools listed, no explicit error', 'Unsupported protocol version'],
    where: 'Copilot Studio Tools page',
    patterns: [
      { re: /protocol[ _-]?version|supportedversions|2025-03-26|2024-11-05|mcp-protocol-version/i, weight: 10 },
      { re: /no tools|tools? (are |is )?not (listed|shown|showing)|fails? silently|silent(ly)?|empty tool/i, weight: 7 },
    ],
    causes: [
      {
        id: 'C6a',
        text: "The gateway's supportedVersions lacks 2025-03-26. A request without the MCP-Protocol-Version header is treated as 2025-03-26, and Copilot Studio has been seen initialising with 2024-11-05.",
        checks: ['gateway.protocol-version', 'probe.mcp-tools-list'],
        confirm: 'GetGateway.protocolConfiguration.mcp.supportedVersions includes 2025-03-26; protocolType == MCP',
        fix: 'aws bedrock-agentcore-control update-gateway with supportedVersions including 2025-03-26 (and the full gateway configuration)',
      },
      {
        id: 'C6b',
        text: 'The gateway has no target in READY state, so there is nothing to list.',
        checks: ['targets.status', 'probe.mcp-tools-list'],
        confirm: 'ListGatewayTargets / GetGatewayTarget status',
        fix: 'Fix the failing target (its statusReasons say why)',
      },
    ],
    table: { error: 'MCP protocol version (no error: fails silently)', cause: 'Copilot Studio supports MCP 2025-03-26 only', fix: 'Put 2025-03-26 in the gateway supportedVersions' },
    correction: 'Evidence is indirect only ([?]): doctor checks supportedVersions instead of diagnosing from symptoms, and flags a missing 2025-03-26 as a warning.',
  },
  {
    id: 'C7',
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
      {
        id: 'C7a',
        text: 'Not visible from AWS: the agent language is not en-US or the environment lacks early features (older reports); MCP used from a topic; servers that require RFC 8707 resource (irrelevant for Cognito).',
        checks: [],
        confirm: 'Not checkable from AWS',
        fix: 'Use the agent-level Tools page in an en-US agent',
      },
    ],
  },
  {
    id: 'C8',
    title: 'Copilot Studio asks to reconnect when the token expires',
    confidence: 'R',
    rows: ['C8', 'G5'],
    strings: ["Let's get you connected first… Open connection manager to verify your credentials. Once the connection is ready, retry your request."],
    where: 'Copilot chat',
    patterns: [
      { re: /let.s get you connected first/i, weight: 12 },
      { re: /connection manager|verify your credentials/i, weight: 8 },
    ],
    causes: [
      {
        id: 'C8a',
        text: 'The access token expired and was not refreshed: Refresh URL empty or wrong, or no refresh token because the client does not use the code flow.',
        checks: ['client.token-validity', 'client.flows', 'token.expiry'],
        confirm: 'DescribeUserPoolClient AccessTokenValidity/RefreshTokenValidity/TokenValidityUnits; AllowedOAuthFlows includes code',
        fix: 'Set the Copilot Studio Refresh URL to https://<domain>/oauth2/token; raise AccessTokenValidity if policy allows',
      },
    ],
  },

  // ── 6. Provisioning-time exceptions ──────────────────────────────────────────────
  {
    id: 'F1',
    title: 'Cognito rejected a client create/update',
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
      { id: 'F1a', text: 'OIDC scopes on an M2M (client_credentials) client.', checks: ['client.scopes'], confirm: 'Input validation', fix: 'mcp-cognito create-client --preset m2m (custom scopes only)' },
      { id: 'F1b', text: 'client_credentials on a client without a secret.', checks: ['client.secret'], confirm: 'Input validation', fix: 'Create the client with a secret: mcp-cognito create-client --preset m2m' },
      { id: 'F1c', text: 'OAuth switched on without flows or scopes.', checks: ['client.flows', 'client.scopes'], confirm: 'Input validation', fix: 'Send AllowedOAuthFlows and AllowedOAuthScopes' },
      { id: 'F1d', text: 'A scope that no resource server defines (create the resource server first).', checks: ['resource-server.scopes'], confirm: 'ListResourceServers', fix: 'mcp-cognito init-pool --pool-id <pool-id> --resource-server <identifier> --scope <scope>' },
      { id: 'F1e', text: 'An http:// callback other than localhost, 127.0.0.1 or [::1]; token instead of implicit; client_credentials mixed with code.', checks: ['client.callbacks', 'client.flows'], confirm: 'Input validation', fix: 'Use https; separate M2M and interactive clients' },
    ],
  },
  {
    id: 'F2',
    title: 'Secret hash errors in SDK sign-in',
    confidence: 'C',
    rows: ['F2'],
    strings: ['NotAuthorizedException: Unable to verify secret hash for client <id>', 'App client <id> is not configured for secret but secret hash was received'],
    where: 'SDK (InitiateAuth, AdminInitiateAuth)',
    patterns: [{ re: /secret hash/i, weight: 12 }],
    causes: [
      {
        id: 'F2a',
        text: 'A sign-in against a client with a secret without SECRET_HASH (or the reverse).',
        checks: ['client.secret'],
        confirm: 'DescribeUserPoolClient.ClientSecret present → compute SECRET_HASH',
        fix: 'Send SECRET_HASH = Base64(HMAC_SHA256(secret, username + client_id))',
      },
    ],
  },
  {
    id: 'F3',
    title: 'Gateway update rejected or settings lost',
    confidence: 'C',
    rows: ['F3'],
    strings: ['Authorizer type cannot be updated for an existing gateway', 'AllowedClients minimum 1, found 0', 'AllowedScopes minimum 1, found 0'],
    where: 'SDK / CloudFormation',
    patterns: [
      { re: /authorizer type cannot be updated/i, weight: 12, causes: ['F3a'] },
      { re: /(AllowedClients|AllowedScopes|AllowedAudience) minimum 1/i, weight: 12, causes: ['F3b'] },
    ],
    causes: [
      { id: 'F3a', text: 'authorizerType is immutable on an existing gateway.', checks: ['gateway.authorizer'], confirm: 'GetGateway.authorizerType', fix: 'Create a new gateway with CUSTOM_JWT' },
      {
        id: 'F3b',
        text: 'UpdateGateway replaces the whole gateway: a request that does not resend every field (or sends empty lists) loses settings or is rejected.',
        checks: ['gateway.allowed-clients', 'gateway.protocol-version'],
        confirm: 'GetGateway before and after',
        fix: AUTHORIZE + ' (it reads, merges and resends every field)',
      },
    ],
  },
  {
    id: 'F4',
    title: 'Gateway discovery URL rejected',
    confidence: 'C',
    rows: ['F4'],
    strings: ['ValidationException … discoveryUrl'],
    where: 'SDK',
    patterns: [{ re: /discoveryurl.{0,80}(validation|pattern|must)|validationexception.{0,80}discoveryurl/i, weight: 12 }],
    causes: [
      {
        id: 'F4a',
        text: 'The URL does not end in /.well-known/openid-configuration.',
        checks: ['gateway.discovery-url'],
        confirm: 'Pattern .+/\\.well-known/openid-configuration',
        fix: 'Use https://cognito-idp.<region>.amazonaws.com/<pool-id>/.well-known/openid-configuration',
      },
    ],
  },
  {
    id: 'F5',
    title: 'An update silently wiped the client OAuth settings',
    confidence: 'C',
    rows: ['F5'],
    strings: ['No error at update time; afterwards unauthorized_client, redirect_mismatch, or the console shows the hosted UI as disabled'],
    where: 'SDK/CLI update, then the browser',
    patterns: [
      { re: /hosted ui (is )?disabled|oauth (settings )?(wiped|gone|lost|reset)|update-user-pool-client/i, weight: 8 },
    ],
    causes: [
      {
        id: 'F5a',
        text: 'UpdateUserPoolClient resets every attribute it is not sent: a callback added without resending AllowedOAuthFlows, AllowedOAuthScopes, AllowedOAuthFlowsUserPoolClient, SupportedIdentityProviders… drops them.',
        checks: ['client.oauth-enabled', 'client.flows', 'client.scopes', 'client.identity-providers'],
        confirm: 'AllowedOAuthFlowsUserPoolClient false or SupportedIdentityProviders empty while CallbackURLs is set',
        fix: 'Restore the fields with one update carrying the full configuration; use mcp-cognito add-callback for URL changes (it resends everything)',
      },
    ],
  },
];

/** Every check id the catalogue refers to (tests verify each exists in checks.ts). */
export function referencedChecks(): string[] {
  return [...new Set(CATALOGUE.flatMap((e) => e.causes.flatMap((c) => c.checks)))].sort();
}

export function entryById(id: string): CatalogueEntry | undefined {
  return CATALOGUE.find((e) => e.id.toLowerCase() === id.toLowerCase() || e.rows.some((r) => r.toLowerCase() === id.toLowerCase()));
}
