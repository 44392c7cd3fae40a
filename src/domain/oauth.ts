/**
 * OAuth, Cognito and MCP constants: each defined here once, used by the steps, the commands and doctor.
 * Plain data, no imports: loading it costs nothing at start-up.
 */

/** The OpenID Connect scopes Cognito knows (never valid for client_credentials). */
export const OIDC_SCOPES = ['openid', 'email', 'profile', 'phone', 'aws.cognito.signin.user.admin'] as const;
export type OidcScope = (typeof OIDC_SCOPES)[number];

export function isOidcScope(scope: string): boolean {
  return (OIDC_SCOPES as readonly string[]).includes(scope);
}

/** The OIDC scopes a browser (code flow) client is given by default. */
export const DEFAULT_OIDC_SCOPES = ['openid', 'email', 'profile'] as const;

/** The scopes that need `openid` beside them (invalid_scope otherwise). */
export const SCOPES_NEEDING_OPENID = ['email', 'profile', 'phone'] as const;

/**
 * The MCP protocol version Copilot Studio speaks. A gateway that lists supportedVersions without it
 * fails silently for Copilot Studio (no tools listed).
 */
export const COPILOT_STUDIO_MCP_VERSION = '2025-03-26';

/** Why a gateway lists COPILOT_STUDIO_MCP_VERSION: shown in plans beside the change. */
export const COPILOT_STUDIO_MCP_REASON = `Copilot Studio speaks MCP ${COPILOT_STUDIO_MCP_VERSION}`;

/**
 * The MCP protocol versions AgentCore Gateway supports (protocolConfiguration.mcp.supportedVersions;
 * the SDK model has no enum: "The supported versions of the Model Context Protocol"). Evidence:
 * docs.aws.amazon.com/bedrock-agentcore/latest/devguide/gateway-using.html ("AgentCore Gateway
 * supports the following MCP versions: 2026-07-28, 2025-11-25, 2025-06-18, and 2025-03-26"; earlier
 * snapshots list the first three).
 */
export const AGENTCORE_MCP_VERSIONS = ['2025-03-26', '2025-06-18', '2025-11-25', '2026-07-28'] as const;

/** The stateless MCP revision (no initialize, no session; server/discover): clients of the 2.x SDKs and Claude Code try it first. */
export const MCP_STATELESS_VERSION = '2026-07-28';

/** What each AgentCore MCP version means to a user choosing (init's question). */
export const MCP_VERSION_NOTES: Readonly<Record<string, string>> = {
  '2025-03-26': "Copilot Studio's version",
  '2025-06-18': 'initialize handshake, MCP-Protocol-Version header',
  '2025-11-25': 'the last version with the initialize handshake (MCP SDKs 1.x)',
  '2026-07-28': 'stateless: no initialize, no session; Claude Code and the 2.x MCP SDKs ask for it first and fall back without it',
};

/**
 * What a gateway that lists no supportedVersions is given when a version must be added: the service's
 * default for an empty list is not documented, so every version documented in every snapshot of the
 * AgentCore guide is listed, and no client loses a version it may be using today (the stateless
 * 2026-07-28 only when asked for).
 */
export const GATEWAY_BASELINE_MCP_VERSIONS: readonly string[] = ['2025-03-26', '2025-06-18', '2025-11-25'];

/** The callback URL a Copilot Studio client gets until its real redirect URL is known (add-callback). */
export const PLACEHOLDER_CALLBACK = 'https://placeholder.example.com';

/** Callback URLs that are placeholders, not real redirect targets (ours, and the CDK's default). */
export const PLACEHOLDER_CALLBACKS: readonly string[] = [PLACEHOLDER_CALLBACK, 'https://example.com', 'https://example.com/'];

export function isPlaceholderCallback(url: string): boolean {
  return PLACEHOLDER_CALLBACKS.includes(url);
}

/** What `init-pool` creates by default. */
export const DEFAULT_POOL_NAME = 'mcp-gateway';
export const DEFAULT_RESOURCE_SERVER = 'mcp';
export const DEFAULT_RESOURCE_SERVER_NAME = 'MCP Server Access';
export const DEFAULT_SCOPE = 'invoke=Invoke MCP server tools';

/** Token lifetimes of a new app client (minutes, minutes, days). */
export const CLIENT_TOKEN_VALIDITY = {
  AccessTokenValidity: 60,
  IdTokenValidity: 60,
  RefreshTokenValidity: 30,
  TokenValidityUnits: { AccessToken: 'minutes', IdToken: 'minutes', RefreshToken: 'days' },
} as const;

/** The password policy `init-pool` gives a new pool; also Cognito's default. */
export interface PasswordPolicy {
  MinimumLength?: number;
  RequireUppercase?: boolean;
  RequireLowercase?: boolean;
  RequireNumbers?: boolean;
  RequireSymbols?: boolean;
}
export const DEFAULT_PASSWORD_POLICY: PasswordPolicy = { MinimumLength: 8, RequireUppercase: true, RequireLowercase: true, RequireNumbers: true, RequireSymbols: false };

/** How long to wait by default (seconds): a new hosted-UI domain to become ACTIVE, a gateway READY. */
export const DEFAULT_DOMAIN_WAIT_SECONDS = 120;
export const DEFAULT_GATEWAY_WAIT_SECONDS = 300;

/** The port `facade serve` listens on by default (its callback, <origin>/callback, is registered on the app client). */
export const FACADE_DEFAULT_PORT = 8790;

/** claude.ai's OAuth callbacks: allowed by default as redirect URIs of a deployed façade (exact https URLs). */
export const CLAUDE_AI_CALLBACKS: readonly string[] = ['https://claude.ai/api/mcp/auth_callback', 'https://claude.com/api/mcp/auth_callback'];

/** The lines that add an MCP URL to Claude Code and to Codex CLI (`codex mcp add <name> --url <url>`: streamable HTTP). */
export function clientCommands(name: string, mcpUrl: string): { claudeCommand: string; codexCommand: string } {
  return { claudeCommand: `claude mcp add --transport http ${name} ${mcpUrl}`, codexCommand: `codex mcp add ${name} --url ${mcpUrl}` };
}
