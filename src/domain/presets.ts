/**
 * The app client presets: one table. Adding a preset is one entry here (and its tests); the state
 * file's schema, `create-client --preset`, the wizard, authorize-client and add-callback read it.
 */
import { COPILOT_STUDIO_MCP_VERSION, DEFAULT_OIDC_SCOPES } from './oauth.js';

export type OAuthFlow = 'code' | 'client_credentials' | 'implicit';

export interface PresetSpec {
  /** The client name when --name is not given. */
  defaultName: string;
  /** AllowedOAuthFlows (the first one is the flow the preset is about). */
  oauthFlows: readonly [OAuthFlow, ...OAuthFlow[]];
  /** GenerateSecret. */
  secret: boolean;
  /** OIDC scopes requested by default (none for client_credentials, where they are invalid). */
  oidcScopes: readonly string[];
  /** Custom (resource-server) scopes by default: every scope of the preferred resource server. */
  customScopes: 'all';
  /** Whether OIDC scopes may be asked for at all. */
  allowsOidcScopes: boolean;
  /** ExplicitAuthFlows. */
  authFlows: readonly string[];
  /**
   * Callback URLs: 'placeholder' (a placeholder until add-callback), 'required' (--callback-url is
   * needed), 'none' (no browser redirect: callback URLs are refused).
   */
  callback: 'placeholder' | 'required' | 'none';
  /** A managed login (v2) domain needs a branding style for this client's login page. */
  branding: boolean;
  /** MCP protocol versions the gateway must list for this kind of client (when it lists any). */
  gatewayMcpVersions: readonly string[];
  /** add-callback's default client is one of these presets' clients. */
  addCallbackDefault: boolean;
  /**
   * The access token validity a new client gets, in minutes (Cognito: 5 to 1440; default 60).
   * Copilot Studio has been reported to ask people to reconnect when its access token expires
   * instead of refreshing it (Microsoft Q&A 12832005): a longer lifetime means fewer reconnects.
   */
  accessTokenMinutes?: number;
  /** In init's "Clients to create" question: the label, and whether it is checked by default. */
  wizard?: { label: string; checked: boolean };
  /**
   * The OAuth façade's own client: `facade serve`/`deploy` create or adopt it (callback URLs: only
   * the façade's), and delete-client, deauthorize-client and remove-callback leave it to `facade remove`.
   */
  facade?: true;
  /** RefreshTokenRotation on the client: each refresh returns a new refresh token and invalidates the one sent. */
  refreshTokenRotation?: { retryGracePeriodSeconds: number };
  /** One line for --help. */
  help: string;
}

export const PRESET_TABLE = {
  'copilot-studio': {
    defaultName: 'copilot-studio-mcp',
    oauthFlows: ['code'],
    secret: true,
    oidcScopes: DEFAULT_OIDC_SCOPES,
    customScopes: 'all',
    allowsOidcScopes: true,
    authFlows: ['ALLOW_REFRESH_TOKEN_AUTH', 'ALLOW_USER_SRP_AUTH'],
    callback: 'placeholder',
    branding: true,
    gatewayMcpVersions: [COPILOT_STUDIO_MCP_VERSION],
    addCallbackDefault: true,
    accessTokenMinutes: 1440,
    wizard: { label: 'Copilot Studio: Manual OAuth (authorization code flow, client secret)', checked: true },
    help: 'copilot-studio (code flow, secret)',
  },
  m2m: {
    defaultName: 'mcp-agent-m2m',
    oauthFlows: ['client_credentials'],
    secret: true,
    oidcScopes: [],
    customScopes: 'all',
    allowsOidcScopes: false,
    authFlows: ['ALLOW_REFRESH_TOKEN_AUTH'],
    callback: 'none',
    branding: false,
    gatewayMcpVersions: [],
    addCallbackDefault: false,
    wizard: { label: 'M2M agent (client_credentials, custom scopes only)', checked: false },
    help: 'm2m (client_credentials only, custom scopes only)',
  },
  web: {
    defaultName: 'mcp-web',
    oauthFlows: ['code'],
    secret: true,
    oidcScopes: DEFAULT_OIDC_SCOPES,
    customScopes: 'all',
    allowsOidcScopes: true,
    authFlows: ['ALLOW_REFRESH_TOKEN_AUTH', 'ALLOW_USER_SRP_AUTH'],
    callback: 'required',
    branding: true,
    gatewayMcpVersions: [],
    addCallbackDefault: false,
    help: 'web (code flow, secret)',
  },
  facade: {
    defaultName: 'mcp-cognito-facade',
    oauthFlows: ['code'],
    // The façade is a confidential client to Cognito: it holds the secret, its callers need none.
    secret: true,
    oidcScopes: DEFAULT_OIDC_SCOPES,
    customScopes: 'all',
    allowsOidcScopes: true,
    authFlows: ['ALLOW_REFRESH_TOKEN_AUTH', 'ALLOW_USER_SRP_AUTH'],
    callback: 'required',
    branding: true,
    gatewayMcpVersions: [],
    addCallbackDefault: false,
    facade: true,
    refreshTokenRotation: { retryGracePeriodSeconds: 0 },
    help: 'facade (the OAuth façade\'s own client: code flow, secret, refresh-token rotation; made by facade serve/deploy)',
  },
} as const satisfies Record<string, PresetSpec>;

export type Preset = keyof typeof PRESET_TABLE;

/** Every preset ID, in table order (a non-empty tuple, as z.enum wants it). */
export const PRESETS = Object.keys(PRESET_TABLE) as [Preset, ...Preset[]];

export const DEFAULT_PRESET: Preset = 'copilot-studio';

export function presetSpec(preset: Preset): PresetSpec {
  return PRESET_TABLE[preset];
}

export function isPreset(v: string): v is Preset {
  return Object.hasOwn(PRESET_TABLE, v);
}

/** The flow a preset is about (code or client_credentials). */
export function flowOf(preset: Preset): OAuthFlow {
  return PRESET_TABLE[preset].oauthFlows[0];
}

/** A preset whose clients sign people in through a browser (code flow): callbacks, OIDC scopes, login page. */
export function isBrowserPreset(preset: Preset): boolean {
  return PRESET_TABLE[preset].callback !== 'none';
}

/** The preset of the OAuth façade's own client. */
export function facadePreset(): Preset {
  return PRESETS.find((p) => (PRESET_TABLE[p] as PresetSpec).facade)!;
}

/** Whether a preset's clients belong to the OAuth façade. */
export function isFacadePreset(preset: Preset): boolean {
  return Boolean((PRESET_TABLE[preset] as PresetSpec).facade);
}

/** The presets offered by init's wizard, in table order. */
export function wizardPresets(): { preset: Preset; label: string; checked: boolean }[] {
  return PRESETS.flatMap((p) => {
    const w = (PRESET_TABLE[p] as PresetSpec).wizard;
    return w ? [{ preset: p, ...w }] : [];
  });
}
