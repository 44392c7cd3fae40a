/** create-client's work (also init's clients): read, plan, create or adopt an app client, write its credentials. */
import { InputError, UsageError } from '../lib/errors.js';
import type { Ctx } from '../lib/context.js';
import type { Prepared } from '../lib/plan.js';
import { ClientName, MAX_SCOPES_PER_CLIENT, MAX_URLS_PER_LIST, OAuthScope, RedirectUrl, check } from '../lib/validate.js';
import { issuerUrl, oauthEndpoints } from '../lib/urls.js';
import { checkDotenvPath, describeDotenvWrite, writeDotenv, type DotenvWriteResult } from '../lib/dotenv.js';
import type { CopilotStudioForm } from '../lib/copilot-form.js';
import { PLACEHOLDER_CALLBACK, isOidcScope } from '../domain/oauth.js';
import { DEFAULT_PRESET, PRESETS, PRESET_TABLE, isBrowserPreset, isPreset, type Preset } from '../domain/presets.js';
import { applyClient, planClient, readClient, resolveScopes, type ClientSpec } from '../steps/client/create.js';
import type { UserPoolClientType } from '../aws/cognito.js';
import { withOrigin } from '../lib/ownership.js';
import { parseAccessTokenValidity } from '../lib/seconds.js';

export interface CreateClientInput extends ClientSpec {
  poolId?: string;
  envFile?: string;
  /** The flag that named envFile (for messages). */
  envFileFlag?: string;
  /** Write into envFile even if it does not look like a dotenv file (--force-env-file, or confirmed on a terminal). */
  forceEnvFile?: boolean;
}

export interface CreateClientResult {
  userPoolId: string;
  clientId?: string;
  clientName: string;
  preset: Preset;
  clientSecret?: string;
  allowedOAuthFlows: string[];
  scopes: string[];
  callbackUrls: string[];
  logoutUrls: string[];
  authorizationUrl?: string;
  tokenUrl?: string;
  created: boolean;
  differences?: string[];
  envFile?: string;
  /** What writing envFile changed: keys added, changed, removed, unchanged; lines kept; the mode before when it was looser. */
  envFileChanges?: Omit<DotenvWriteResult, 'path' | 'tightenedFrom'> & { modeBefore?: string };
  copilotStudio?: CopilotStudioForm;
}

export interface CreateClientFlags {
  poolId?: string;
  preset?: string;
  name?: string;
  scope?: string[];
  callbackUrl?: string[];
  logoutUrl?: string[];
  envFile?: string;
  dotenv?: string;
  forceEnvFile?: boolean;
  accessTokenValidity?: string;
}


/** Checks that need no AWS call: preset, name, scope syntax, OIDC scopes for m2m, URL rules. */
export function parseCreateClientFlags(f: CreateClientFlags): CreateClientInput {
  const raw = f.preset ?? DEFAULT_PRESET;
  if (!isPreset(raw)) throw new InputError(`--preset "${f.preset}" must be one of ${PRESETS.join(', ')}.`);
  const preset: Preset = raw;
  const spec = PRESET_TABLE[preset];
  const scopes = f.scope?.map((s) => check(OAuthScope, s, '--scope'));
  if (scopes && scopes.length > MAX_SCOPES_PER_CLIENT) throw new InputError(`At most ${MAX_SCOPES_PER_CLIENT} --scope values are allowed per client.`);
  if (!spec.allowsOidcScopes) {
    const oidc = scopes?.filter(isOidcScope) ?? [];
    if (oidc.length) {
      throw new InputError(`--scope ${oidc.join(', ')}: an ${preset} (${spec.oauthFlows.join(', ')}) client can only have custom resource-server scopes such as mcp/invoke, not OpenID Connect scopes.`);
    }
  }
  if (spec.callback === 'none' && f.callbackUrl?.length) throw new InputError(`--callback-url does not apply to an ${preset} (${spec.oauthFlows.join(', ')}) client, which has no browser redirect.`);
  const urls = (list: string[] | undefined, flag: string) => {
    const out = (list ?? []).map((u) => check(RedirectUrl, u, flag));
    if (out.length > MAX_URLS_PER_LIST) throw new InputError(`At most ${MAX_URLS_PER_LIST} ${flag} values are allowed.`);
    return [...new Set(out)];
  };
  const callbackUrls = urls(f.callbackUrl, '--callback-url');
  if (spec.callback === 'required' && callbackUrls.length === 0) throw new UsageError(`The ${preset} preset needs at least one --callback-url (your application's redirect URL).`);
  return {
    poolId: f.poolId,
    preset,
    name: check(ClientName, f.name ?? PRESET_TABLE[preset].defaultName, '--name'),
    scopes: scopes ? [...new Set(scopes)] : undefined,
    callbackUrls: callbackUrls.length ? callbackUrls : undefined,
    logoutUrls: urls(f.logoutUrl, '--logout-url'),
    ...(f.accessTokenValidity === undefined ? {} : { accessTokenMinutes: parseAccessTokenValidity(f.accessTokenValidity) }),
    ...envFileInput(f),
  };
}

/** The dotenv target named by --env-file or --dotenv, checked (exit 2) before anything is sent. */
function envFileInput(f: CreateClientFlags): Pick<CreateClientInput, 'envFile' | 'envFileFlag' | 'forceEnvFile'> {
  const path = f.envFile ?? f.dotenv;
  if (path === undefined) return {};
  const flag = f.envFile !== undefined ? '--env-file' : '--dotenv';
  return { envFile: checkDotenvPath(path, flag), envFileFlag: flag, forceEnvFile: Boolean(f.forceEnvFile) };
}

/** Read and plan creating (or adopting, by name) an app client for one kind of caller. */
export async function prepareCreateClient(input: CreateClientInput, ctx: Ctx): Promise<Prepared<CreateClientResult>> {
  const poolId = await ctx.poolId(input.poolId);
  const region = await ctx.region();
  const cognito = await ctx.cognito();
  const [pool, servers] = await Promise.all([cognito.describePool(poolId), cognito.listResourceServers(poolId)]);
  const scopes = resolveScopes(input, servers, ctx.state.get().resourceServer?.identifier);
  const domain = pool.CustomDomain ?? pool.Domain;
  const endpoints = domain ? oauthEndpoints(domain, region) : undefined;
  if (!domain) ctx.out.warn('The user pool has no hosted-UI domain, so there is no authorization or token URL yet: run `mcp-cognito init-pool`.');

  const plan = planClient(poolId, input, scopes, await readClient(cognito, poolId, input, domain), region);
  const finish = (client: UserPoolClientType | undefined, created: boolean, applied: boolean): CreateClientResult => {
    const differences = plan.differences;

    const clientSecret = client?.ClientSecret;
    const browser = isBrowserPreset(input.preset);
    const result: CreateClientResult = {
      userPoolId: poolId,
      clientId: client?.ClientId,
      clientName: input.name,
      preset: input.preset,
      ...(clientSecret ? { clientSecret } : {}),
      allowedOAuthFlows: client?.AllowedOAuthFlows ?? [...PRESET_TABLE[input.preset].oauthFlows],
      scopes: client?.AllowedOAuthScopes ?? scopes,
      callbackUrls: client ? (client.CallbackURLs ?? []) : !browser ? [] : (input.callbackUrls ?? [PLACEHOLDER_CALLBACK]),
      logoutUrls: client ? (client.LogoutURLs ?? []) : input.logoutUrls,
      ...(endpoints ? { authorizationUrl: endpoints.authorizationUrl, tokenUrl: endpoints.tokenUrl } : {}),
      created,
      ...(differences?.length ? { differences } : {}),
    };
    if (PRESET_TABLE[input.preset].copilotStudioForm && result.clientId) {
      result.copilotStudio = {
        clientId: result.clientId,
        ...(clientSecret ? { clientSecret } : {}),
        ...(endpoints ? { authorizationUrl: endpoints.authorizationUrl, tokenUrl: endpoints.tokenUrl, refreshUrl: endpoints.tokenUrl } : {}),
        scopes: result.scopes.join(' '),
      };
    }
    if (input.envFile && result.clientId && applied) {
      try {
        const written = writeClientEnvFile(input.envFile, result, issuerUrl(region, poolId), { allowForeign: input.forceEnvFile });
        result.envFile = input.envFile;
        const { path: _path, tightenedFrom, ...changes } = written;
        result.envFileChanges = { ...changes, ...(tightenedFrom !== undefined ? { modeBefore: `0${tightenedFrom.toString(8)}` } : {}) };
        ctx.out.step(describeDotenvWrite(written));
      } catch (e) {
        // The client exists now: keep the result (and its secret) rather than fail without showing it.
        ctx.out.warn(`Could not write ${input.envFile} (${(e as Error).message}); the credentials are in this output only.`);
      }
    }
    return result;
  };
  return {
    steps: plan.steps,
    preview: () => finish(plan.existing, false, false),
    apply: async () => {
      // Recorded as soon as the client exists, so that a failure later (branding) is resumed by a re-run (which adopts it).
      const { client, created } = await applyClient(cognito, poolId, plan, ctx.out, (clientId, created) => recordClient(ctx, poolId, region, clientId, input, created));
      return finish(client, created, true);
    },
  };
}

/**
 * Record the client in the state file. The state's clients belong to the state's pool: a client
 * of another pool is not added (later commands would pair it with the wrong pool).
 */
export function recordClient(ctx: Ctx, poolId: string, region: string, clientId: string, input: Pick<CreateClientInput, 'name' | 'preset'>, created: boolean): void {
  if (ctx.dryRun) return;
  const statePool = ctx.state.get().userPoolId;
  if (statePool && statePool !== poolId) {
    ctx.out.warn(`Not recording client ${clientId} in the state file ${ctx.state.path}: it belongs to pool ${poolId}, the state file to pool ${statePool}.`);
    return;
  }
  if (!statePool) ctx.state.update({ region, userPoolId: poolId });
  ctx.state.upsertClient({ clientId, name: input.name, preset: input.preset });
  ctx.state.change((s) => withOrigin(s, created ? 'created' : 'adopted', 'clients', clientId, input.name));
}

/** The dotenv keys this tool owns; a key without a value for this client is removed from the file. */
export const ENV_FILE_KEYS = ['COGNITO_USER_POOL_ID', 'COGNITO_CLIENT_ID', 'COGNITO_CLIENT_SECRET', 'COGNITO_ISSUER', 'COGNITO_TOKEN_URL', 'COGNITO_AUTHORIZATION_URL', 'COGNITO_SCOPES'] as const;

/**
 * Set the client's credentials in a dotenv file (src/lib/dotenv.ts): only the COGNITO_* keys
 * change, every other line is kept, the file ends up 0600 and the secret is never in a more
 * readable file.
 */
export function writeClientEnvFile(path: string, r: CreateClientResult, issuer: string, opts: { allowForeign?: boolean } = {}): DotenvWriteResult {
  const values: Record<(typeof ENV_FILE_KEYS)[number], string | undefined> = {
    COGNITO_USER_POOL_ID: r.userPoolId,
    COGNITO_CLIENT_ID: r.clientId!,
    COGNITO_CLIENT_SECRET: r.clientSecret,
    COGNITO_ISSUER: issuer,
    COGNITO_TOKEN_URL: r.tokenUrl,
    COGNITO_AUTHORIZATION_URL: r.authorizationUrl && isBrowserPreset(r.preset) ? r.authorizationUrl : undefined,
    COGNITO_SCOPES: r.scopes.join(' '),
  };
  return writeDotenv(path, values, { allowForeign: opts.allowForeign, header: `# ${r.clientName} (${r.preset}) — written by mcp-cognito. Keep this file secret.` });
}
