/**
 * An app client for one kind of caller (a preset of src/domain/presets.ts): create it, or adopt the
 * client of the same name (never a duplicate), and give a login page a branding style on a managed
 * login (v2) domain.
 */
import { CliError, InputError } from '../../lib/errors.js';
import { awsCliCommand, type PlanStep } from '../../lib/plan.js';
import { CLIENT_TOKEN_VALIDITY, PLACEHOLDER_CALLBACK, isOidcScope } from '../../domain/oauth.js';
import { PRESET_TABLE, flowOf, isBrowserPreset, type Preset, type PresetSpec } from '../../domain/presets.js';
import { formatMinutes } from '../../lib/seconds.js';
import type { CognitoApi, CreateUserPoolClientRequest, ResourceServerType, UserPoolClientType } from '../../aws/cognito.js';
import type { Progress } from '../progress.js';

export interface ClientSpec {
  preset: Preset;
  name: string;
  /** Explicit scopes (checked against the pool); default: the preset's. */
  scopes?: string[];
  callbackUrls?: string[];
  logoutUrls: string[];
  /** AccessTokenValidity in minutes (--access-token-validity); default: the preset's, else Cognito's hour. */
  accessTokenMinutes?: number;
}

/** The access token validity a new client of this spec gets, in minutes. */
export function accessTokenMinutesOf(spec: Pick<ClientSpec, 'preset' | 'accessTokenMinutes'>): number {
  return spec.accessTokenMinutes ?? (PRESET_TABLE[spec.preset] as PresetSpec).accessTokenMinutes ?? CLIENT_TOKEN_VALIDITY.AccessTokenValidity;
}

/** A NOT_FOUND from DescribeUserPoolClient, said in the user's terms. */
export function clientNotFound(e: unknown, clientId: string, poolId: string, region: string): unknown {
  if (!(e instanceof CliError) || e.code !== 'NOT_FOUND') return e;
  return new CliError(`App client ${clientId} does not exist in user pool ${poolId} (${region}).`, {
    code: 'NOT_FOUND',
    hint: 'Check --client-id and --pool-id (list the clients with `aws cognito-idp list-user-pool-clients --user-pool-id ' + poolId + '`).',
    cause: e,
  });
}

/** Every custom scope of the pool's resource servers, as `<identifier>/<scope>`. */
export function customScopesOf(servers: ResourceServerType[]): string[] {
  return servers.flatMap((s) => (s.Scopes ?? []).map((sc) => `${s.Identifier}/${sc.ScopeName}`));
}

/** The scopes a preset asks for by default, given the custom scopes it gets. */
export function presetScopes(preset: Preset, custom: string[]): string[] {
  return [...PRESET_TABLE[preset].oidcScopes, ...custom];
}

/** The scopes to request: the flags, validated against the pool, or the preset's defaults. */
export function resolveScopes(input: Pick<ClientSpec, 'preset' | 'scopes'>, servers: ResourceServerType[], preferredServer?: string): string[] {
  const available = customScopesOf(servers);
  if (input.scopes) {
    const unknown = input.scopes.filter((s) => !isOidcScope(s) && !available.includes(s));
    if (unknown.length) {
      const known = available.length ? ` The pool's custom scopes are: ${available.join(', ')}.` : ' The pool has no resource-server scopes yet (run `mcp-cognito init-pool`).';
      throw new InputError(`--scope ${unknown.join(', ')} ${unknown.length > 1 ? 'do' : 'does'} not exist in the user pool.${known}`);
    }
    return input.scopes;
  }
  const preferred = preferredServer ? servers.filter((s) => s.Identifier === preferredServer) : [];
  const custom = customScopesOf(preferred.length ? preferred : servers);
  if (!PRESET_TABLE[input.preset].allowsOidcScopes && custom.length === 0) {
    throw new InputError(`An ${input.preset} client needs a custom scope, and the user pool has no resource-server scopes: run \`mcp-cognito init-pool\` first, or pass --scope.`);
  }
  return presetScopes(input.preset, custom);
}

/** The CreateUserPoolClient request for a preset. */
export function clientRequest(poolId: string, input: ClientSpec, scopes: string[]): CreateUserPoolClientRequest {
  const spec: PresetSpec = PRESET_TABLE[input.preset];
  const browser = isBrowserPreset(input.preset);
  return {
    UserPoolId: poolId,
    ClientName: input.name,
    GenerateSecret: spec.secret,
    AllowedOAuthFlowsUserPoolClient: true,
    AllowedOAuthFlows: [...spec.oauthFlows],
    AllowedOAuthScopes: scopes,
    ...(browser
      ? {
          CallbackURLs: input.callbackUrls ?? [PLACEHOLDER_CALLBACK],
          ...(input.logoutUrls.length ? { LogoutURLs: input.logoutUrls } : {}),
          SupportedIdentityProviders: ['COGNITO'],
          ExplicitAuthFlows: [...spec.authFlows],
        }
      : { ExplicitAuthFlows: [...spec.authFlows] }),
    ...structuredClone(CLIENT_TOKEN_VALIDITY),
    AccessTokenValidity: accessTokenMinutesOf(input),
    PreventUserExistenceErrors: 'ENABLED',
    EnableTokenRevocation: true,
    ...(spec.refreshTokenRotation ? { RefreshTokenRotation: { Feature: 'ENABLED', RetryGracePeriodSeconds: spec.refreshTokenRotation.retryGracePeriodSeconds } } : {}),
  } as CreateUserPoolClientRequest;
}

/** How an adopted client differs from what the preset would create. */
export function presetDifferences(c: UserPoolClientType, preset: Preset, scopes: string[]): string[] {
  const d: string[] = [];
  const flow = flowOf(preset);
  const flows = c.AllowedOAuthFlows ?? [];
  if (!c.AllowedOAuthFlowsUserPoolClient) d.push('OAuth is not enabled on the client (AllowedOAuthFlowsUserPoolClient is false)');
  if (!flows.includes(flow as never)) d.push(`allowed OAuth flows are [${flows.join(', ')}], the ${preset} preset uses ${flow}`);
  if (flow === 'client_credentials' && flows.length > 1) d.push('client_credentials must be the only allowed flow');
  if (PRESET_TABLE[preset].secret && !c.ClientSecret) d.push('the client has no secret');
  const have = c.AllowedOAuthScopes ?? [];
  const missing = scopes.filter((s) => !have.includes(s));
  if (missing.length) d.push(`scopes missing: ${missing.join(', ')}`);
  if (isBrowserPreset(preset) && !(c.SupportedIdentityProviders ?? []).includes('COGNITO')) d.push('COGNITO is not among the identity providers');
  if ((PRESET_TABLE[preset] as PresetSpec).refreshTokenRotation && c.RefreshTokenRotation?.Feature !== 'ENABLED') d.push('refresh-token rotation is off');
  return d;
}

export interface ClientRead {
  /** The client of the same name, described (adopted instead of creating a duplicate). */
  existing?: UserPoolClientType;
  /** Whether the pool's domain is a managed login (v2) one (a login page needs a branding style). */
  managedLogin: boolean;
  /** For an existing client on a v2 domain: whether it has a branding style. */
  hasBranding?: boolean;
}

/** Read what the plan needs: the client of the same name (several: CONFLICT), the domain's login version, branding. */
export async function readClient(cognito: CognitoApi, poolId: string, spec: ClientSpec, domain: string | undefined): Promise<ClientRead> {
  const sameName = (await cognito.listClients(poolId)).filter((c) => c.ClientName === spec.name);
  if (sameName.length > 1) {
    throw new CliError(`${sameName.length} app clients are named "${spec.name}" in pool ${poolId}: ${sameName.map((c) => c.ClientId).join(', ')}.`, {
      code: 'CONFLICT',
      hint: 'Pass --name with another name, or work on one of them by --client-id with add-callback.',
    });
  }
  const existing = sameName[0]?.ClientId ? await cognito.describeClient(poolId, sameName[0].ClientId) : undefined;
  const branded = PRESET_TABLE[spec.preset].branding && domain !== undefined;
  const managedLogin = branded ? (await cognito.describeDomain(domain))?.ManagedLoginVersion === 2 : false;
  const hasBranding = existing && managedLogin ? await cognito.hasManagedLoginBranding(poolId, existing.ClientId!) : undefined;
  return { existing, managedLogin, hasBranding };
}

export interface ClientPlan {
  spec: ClientSpec;
  scopes: string[];
  existing?: UserPoolClientType;
  /** For an adopted client: how it differs from the preset (nothing is changed). */
  differences?: string[];
  request?: CreateUserPoolClientRequest;
  /** The branding style to create (a new or adopted client on a v2 domain without one). */
  branding: boolean;
  steps: PlanStep[];
}

export function planClient(poolId: string, spec: ClientSpec, scopes: string[], read: ClientRead, region: string): ClientPlan {
  const brandingStep = (clientId: string): PlanStep => ({
    action: 'create',
    resource: `managed login branding (Cognito's default style) for client ${clientId}`,
    awsCli: awsCliCommand('cognito-idp', 'CreateManagedLoginBranding', { UserPoolId: poolId, ClientId: clientId, UseCognitoProvidedValues: true }, region),
  });
  if (read.existing) {
    const c = read.existing;
    const differences = presetDifferences(c, spec.preset, scopes);
    // URLs asked for by flags but absent from the adopted client: it is not changed here.
    for (const [label, asked, have] of [
      ['callback URLs', spec.callbackUrls ?? [], c.CallbackURLs ?? []],
      ['logout URLs', spec.logoutUrls, c.LogoutURLs ?? []],
    ] as const) {
      const absent = asked.filter((u) => !have.includes(u));
      if (absent.length) differences.push(`${label} missing: ${absent.join(', ')} (add them with mcp-cognito add-callback${label === 'logout URLs' ? ' --logout' : ''})`);
    }
    // --access-token-validity on an adopted client: said, not changed (the client is adopted as it is).
    if (spec.accessTokenMinutes !== undefined) {
      const unit = c.TokenValidityUnits?.AccessToken ?? 'hours';
      const have = (c.AccessTokenValidity ?? 1) * ({ seconds: 1 / 60, minutes: 1, hours: 60, days: 1440 } as Record<string, number>)[unit]!;
      if (have !== spec.accessTokenMinutes) differences.push(`access tokens last ${formatMinutes(have)}, not the ${formatMinutes(spec.accessTokenMinutes)} asked for (the adopted client is not changed; set it in the Cognito console or with aws cognito-idp update-user-pool-client)`);
    }
    // A run that created the client may have stopped before branding it: finish that here.
    const branding = read.managedLogin && read.hasBranding === false;
    return { spec, scopes, existing: c, differences, branding, steps: branding ? [brandingStep(c.ClientId!)] : [] };
  }
  const request = clientRequest(poolId, spec, scopes);
  const steps: PlanStep[] = [
    { action: 'create', resource: `${spec.preset} app client "${spec.name}" (${request.AllowedOAuthFlows?.join(', ')}; ${scopes.join(' ')})`, awsCli: awsCliCommand('cognito-idp', 'CreateUserPoolClient', { ...request }, region) },
  ];
  if (read.managedLogin) steps.push(brandingStep('<new client id>'));
  return { spec, scopes, request, branding: read.managedLogin, steps };
}

/**
 * Create the planned client (or report the adopted one), then its branding. `onClient` runs as soon
 * as the client exists (record it in the state file), so that a failure later is resumed by a re-run.
 */
export async function applyClient(cognito: CognitoApi, poolId: string, plan: ClientPlan, progress: Progress, onClient: (clientId: string, created: boolean) => void): Promise<{ client: UserPoolClientType; created: boolean }> {
  let client: UserPoolClientType;
  let created = false;
  if (plan.existing) {
    client = plan.existing;
    progress.step(`Found app client ${plan.spec.name} (${client.ClientId}); adopting it instead of creating a duplicate`);
    for (const d of plan.differences ?? []) progress.warn(`${plan.spec.name} differs from the ${plan.spec.preset} preset: ${d}.`);
  } else {
    client = await cognito.createClient(plan.request!);
    created = true;
    progress.step(`Created app client ${plan.spec.name} (${client.ClientId})`);
  }
  onClient(client.ClientId!, created);
  if (plan.branding) {
    await cognito.createDefaultBranding(poolId, client.ClientId!);
    progress.step('Assigned the Cognito-provided managed login branding style (without one the login page does not exist)');
  }
  return { client, created };
}
