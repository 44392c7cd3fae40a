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
  /**
   * The client a command picks when it needs one and none is named: add-callback, remove-callback,
   * rotate-secret (src/steps/client/choose.ts), doctor's --redirect-uri and pasted refresh token.
   */
  addCallbackDefault: boolean;
  /**
   * The access token validity a new client gets, in minutes (Cognito: 5 to 1440; default 60).
   * Copilot Studio has been reported to ask people to reconnect when its access token expires
   * instead of refreshing it (Microsoft Q&A 12832005): a longer lifetime means fewer reconnects.
   */
  accessTokenMinutes?: number;
  /**
   * Its consumer is set up with Copilot Studio's Manual OAuth form: create-client's result carries the
   * form's fields (`copilotStudio`) and prints them as the form; init hands them over.
   */
  copilotStudioForm: boolean;
  /**
   * With callback 'placeholder': who shows the real redirect URL once the consumer is set up, and how
   * create-client's next step and doctor say where to find it.
   */
  redirectUrlFrom?: { consumer: string; nextStep: string; doctorNext: string };
  /**
   * Its consumer cannot work without a client secret: doctor fails a client of this preset that has
   * none. `client` names such a client; `because` says why.
   */
  secretRequired?: { client: string; because: string };
  /** How a new secret reaches the consumer (rotate-secret's next steps); without it: "give it to every consumer". */
  secretRotationSteps?: (secretAt: string) => string[];
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
    copilotStudioForm: true,
    redirectUrlFrom: {
      consumer: 'Copilot Studio',
      nextStep: 'After you click Create in Copilot Studio, it shows a Redirect URL.',
      doctorNext: 'After you create the tool in Copilot Studio, it shows a redirect URL (https://global.consent.azure-apim.net/redirect/…).',
    },
    secretRequired: {
      client: 'Copilot Studio client',
      because: "Copilot Studio's Manual OAuth form needs a client secret (without one the token request fails with invalid_client), and Cognito cannot add one to an existing client without a secret.",
    },
    secretRotationSteps: (secretAt: string) => [
      `Copilot Studio keeps the secret in the custom connector behind your MCP tool: open Power Apps (make.powerapps.com) in the agent's environment → Custom connectors → the MCP server's connector → Edit → 2. Security, paste the new secret (${secretAt}) into Client secret, and choose Update connector.`,
      'Back in Copilot Studio, open the agent → Tools → the MCP tool, and sign in again on its connection (or test the tool) so that a token is issued with the new secret.',
    ],
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
    copilotStudioForm: false,
    secretRequired: { client: 'M2M client', because: 'client_credentials needs a client secret, and Cognito cannot add one to an existing client without a secret.' },
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
    copilotStudioForm: false,
    help: 'web (code flow, secret)',
  },
  'oauth-facade': {
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
    copilotStudioForm: false,
    facade: true,
    refreshTokenRotation: { retryGracePeriodSeconds: 0 },
    help: 'oauth-facade (the OAuth façade\'s own client: code flow, secret, refresh-token rotation; made by facade serve/deploy)',
  },
} as const satisfies Record<string, PresetSpec>;

export type Preset = keyof typeof PRESET_TABLE;

/** Every preset ID, in table order (a non-empty tuple, as z.enum wants it). */
export const PRESETS = Object.keys(PRESET_TABLE) as [Preset, ...Preset[]];

/** create-client's preset when --preset is not given, and init's main client (--client-name, --callback-url). */
export const DEFAULT_PRESET: Preset = 'copilot-studio';

/** The preset doctor suggests for a browser (code flow) client that the state file does not record. */
export const GENERIC_BROWSER_PRESET: Preset = 'web';

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

/**
 * The preset an app client's OAuth flows point to, for a client the state file does not record: the
 * only preset whose flow is among them (client_credentials alone: the M2M preset). Undefined when none
 * or several are (code: a browser client of no particular preset; code with client_credentials).
 */
export function presetForFlows(flows: readonly string[]): Preset | undefined {
  const fits = PRESETS.filter((p) => flows.includes(flowOf(p)));
  return fits.length === 1 ? fits[0] : undefined;
}

/** ` --preset <id>` for a command line, or nothing for the default preset. */
export function presetFlag(preset: Preset): string {
  return preset === DEFAULT_PRESET ? '' : ` --preset ${preset}`;
}

/** The presets offered by init's wizard, in table order. */
export function wizardPresets(): { preset: Preset; label: string; checked: boolean }[] {
  return PRESETS.flatMap((p) => {
    const w = (PRESET_TABLE[p] as PresetSpec).wizard;
    return w ? [{ preset: p, ...w }] : [];
  });
}
