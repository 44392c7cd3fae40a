import { accessSync, chmodSync, constants as fsConstants, existsSync, renameSync, statSync, writeFileSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import { Command } from 'commander';
import { CliError, InputError, UsageError } from '../lib/errors.js';
import { runAction, type Ctx } from '../lib/context.js';
import type { Output } from '../lib/output.js';
import { awsCliCommand } from '../lib/plan.js';
import { PRESETS, type Preset } from '../lib/state.js';
import { ClientName, MAX_SCOPES_PER_CLIENT, MAX_URLS_PER_LIST, OAuthScope, RedirectUrl, check } from '../lib/validate.js';
import { PLACEHOLDER_CALLBACK, issuerUrl, oauthEndpoints } from '../lib/urls.js';
import type { Holder } from '../cli.js';
import type { CreateUserPoolClientRequest, ResourceServerType, UserPoolClientType } from '../aws/cognito.js';

export const OIDC_SCOPES = ['openid', 'email', 'profile', 'phone', 'aws.cognito.signin.user.admin'] as const;
export const DEFAULT_CLIENT_NAMES: Record<Preset, string> = { 'copilot-studio': 'copilot-studio-mcp', m2m: 'mcp-agent-m2m', web: 'mcp-web' };

export interface CreateClientInput {
  poolId?: string;
  preset: Preset;
  name: string;
  scopes?: string[];
  callbackUrls?: string[];
  logoutUrls: string[];
  envFile?: string;
}

export interface CopilotStudioForm {
  clientId: string;
  clientSecret?: string;
  authorizationUrl?: string;
  tokenUrl?: string;
  refreshUrl?: string;
  scopes: string;
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
  copilotStudio?: CopilotStudioForm;
}

interface CreateClientFlags {
  poolId?: string;
  preset?: string;
  name?: string;
  scope?: string[];
  callbackUrl?: string[];
  logoutUrl?: string[];
  envFile?: string;
  dotenv?: string;
}

const isOidc = (s: string) => (OIDC_SCOPES as readonly string[]).includes(s);
const flowOf = (preset: Preset) => (preset === 'm2m' ? 'client_credentials' : 'code');

/** Checks that need no AWS call: preset, name, scope syntax, OIDC scopes for m2m, URL rules. */
export function parseCreateClientFlags(f: CreateClientFlags): CreateClientInput {
  const preset = (f.preset ?? 'copilot-studio') as Preset;
  if (!PRESETS.includes(preset)) throw new InputError(`--preset "${f.preset}" must be one of ${PRESETS.join(', ')}.`);
  const scopes = f.scope?.map((s) => check(OAuthScope, s, '--scope'));
  if (scopes && scopes.length > MAX_SCOPES_PER_CLIENT) throw new InputError(`At most ${MAX_SCOPES_PER_CLIENT} --scope values are allowed per client.`);
  if (preset === 'm2m') {
    const oidc = scopes?.filter(isOidc) ?? [];
    if (oidc.length) {
      throw new InputError(`--scope ${oidc.join(', ')}: an m2m (client_credentials) client can only have custom resource-server scopes such as mcp/invoke, not OpenID Connect scopes.`);
    }
    if (f.callbackUrl?.length) throw new InputError('--callback-url does not apply to an m2m (client_credentials) client, which has no browser redirect.');
  }
  const urls = (list: string[] | undefined, flag: string) => {
    const out = (list ?? []).map((u) => check(RedirectUrl, u, flag));
    if (out.length > MAX_URLS_PER_LIST) throw new InputError(`At most ${MAX_URLS_PER_LIST} ${flag} values are allowed.`);
    return [...new Set(out)];
  };
  const callbackUrls = urls(f.callbackUrl, '--callback-url');
  if (preset === 'web' && callbackUrls.length === 0) throw new UsageError('The web preset needs at least one --callback-url (your application\'s redirect URL).');
  return {
    poolId: f.poolId,
    preset,
    name: check(ClientName, f.name ?? DEFAULT_CLIENT_NAMES[preset], '--name'),
    scopes: scopes ? [...new Set(scopes)] : undefined,
    callbackUrls: callbackUrls.length ? callbackUrls : undefined,
    logoutUrls: urls(f.logoutUrl, '--logout-url'),
    envFile: checkEnvFilePath(f.envFile ?? f.dotenv),
  };
}

/** The dotenv target must be writable before a client (and its secret) is created. Exit 2 otherwise. */
export function checkEnvFilePath(path: string | undefined, flag = '--env-file'): string | undefined {
  if (path === undefined) return undefined;
  if (!path.trim()) throw new InputError(`${flag} needs a file path.`);
  const dir = dirname(resolve(path));
  try {
    if (!statSync(dir).isDirectory()) throw new Error('not a directory');
    accessSync(dir, fsConstants.W_OK);
  } catch {
    throw new InputError(`${flag} "${path}": the directory ${dir} does not exist or is not writable.`);
  }
  if (existsSync(path) && !statSync(path).isFile()) throw new InputError(`${flag} "${path}" exists and is not a regular file.`);
  return path;
}

/** Every custom scope of the pool's resource servers, as `<identifier>/<scope>`. */
export function customScopesOf(servers: ResourceServerType[]): string[] {
  return servers.flatMap((s) => (s.Scopes ?? []).map((sc) => `${s.Identifier}/${sc.ScopeName}`));
}

/** The scopes to request: the flags, validated against the pool, or the preset's defaults. */
export function resolveScopes(input: CreateClientInput, servers: ResourceServerType[], preferredServer?: string): string[] {
  const available = customScopesOf(servers);
  if (input.scopes) {
    const unknown = input.scopes.filter((s) => !isOidc(s) && !available.includes(s));
    if (unknown.length) {
      const known = available.length ? ` The pool's custom scopes are: ${available.join(', ')}.` : ' The pool has no resource-server scopes yet (run `mcp-cognito init-pool`).';
      throw new InputError(`--scope ${unknown.join(', ')} ${unknown.length > 1 ? 'do' : 'does'} not exist in the user pool.${known}`);
    }
    return input.scopes;
  }
  const preferred = preferredServer ? servers.filter((s) => s.Identifier === preferredServer) : [];
  const custom = customScopesOf(preferred.length ? preferred : servers);
  if (input.preset === 'm2m' && custom.length === 0) {
    throw new InputError('An m2m client needs a custom scope, and the user pool has no resource-server scopes: run `mcp-cognito init-pool` first, or pass --scope.');
  }
  return input.preset === 'm2m' ? custom : ['openid', 'email', 'profile', ...custom];
}

/** The CreateUserPoolClient request for a preset. */
export function clientRequest(poolId: string, input: CreateClientInput, scopes: string[]): CreateUserPoolClientRequest {
  const codeFlow = input.preset !== 'm2m';
  return {
    UserPoolId: poolId,
    ClientName: input.name,
    GenerateSecret: true,
    AllowedOAuthFlowsUserPoolClient: true,
    AllowedOAuthFlows: [flowOf(input.preset)],
    AllowedOAuthScopes: scopes,
    ...(codeFlow
      ? {
          CallbackURLs: input.callbackUrls ?? [PLACEHOLDER_CALLBACK],
          ...(input.logoutUrls.length ? { LogoutURLs: input.logoutUrls } : {}),
          SupportedIdentityProviders: ['COGNITO'],
          ExplicitAuthFlows: ['ALLOW_REFRESH_TOKEN_AUTH', 'ALLOW_USER_SRP_AUTH'],
        }
      : { ExplicitAuthFlows: ['ALLOW_REFRESH_TOKEN_AUTH'] }),
    AccessTokenValidity: 60,
    IdTokenValidity: 60,
    RefreshTokenValidity: 30,
    TokenValidityUnits: { AccessToken: 'minutes', IdToken: 'minutes', RefreshToken: 'days' },
    PreventUserExistenceErrors: 'ENABLED',
    EnableTokenRevocation: true,
  };
}

/** How an adopted client differs from what the preset would create. */
export function presetDifferences(c: UserPoolClientType, preset: Preset, scopes: string[]): string[] {
  const d: string[] = [];
  const flow = flowOf(preset);
  const flows = c.AllowedOAuthFlows ?? [];
  if (!c.AllowedOAuthFlowsUserPoolClient) d.push('OAuth is not enabled on the client (AllowedOAuthFlowsUserPoolClient is false)');
  if (!flows.includes(flow as never)) d.push(`allowed OAuth flows are [${flows.join(', ')}], the ${preset} preset uses ${flow}`);
  if (preset === 'm2m' && flows.length > 1) d.push('client_credentials must be the only allowed flow');
  if (!c.ClientSecret) d.push('the client has no secret');
  const have = c.AllowedOAuthScopes ?? [];
  const missing = scopes.filter((s) => !have.includes(s));
  if (missing.length) d.push(`scopes missing: ${missing.join(', ')}`);
  if (preset !== 'm2m' && !(c.SupportedIdentityProviders ?? []).includes('COGNITO')) d.push('COGNITO is not among the identity providers');
  return d;
}

/** Create (or adopt, by name) an app client for one kind of caller. */
export async function createClient(input: CreateClientInput, ctx: Ctx): Promise<CreateClientResult> {
  const poolId = await ctx.poolId(input.poolId);
  const region = await ctx.region();
  const cognito = await ctx.cognito();
  const [pool, servers] = await Promise.all([cognito.describePool(poolId), cognito.listResourceServers(poolId)]);
  const scopes = resolveScopes(input, servers, ctx.state.get().resourceServer?.identifier);
  const domain = pool.CustomDomain ?? pool.Domain;
  const endpoints = domain ? oauthEndpoints(domain, region) : undefined;
  if (!domain) ctx.out.warn('The user pool has no hosted-UI domain, so there is no authorization or token URL yet: run `mcp-cognito init-pool`.');

  const sameName = (await cognito.listClients(poolId)).filter((c) => c.ClientName === input.name);
  if (sameName.length > 1) {
    throw new CliError(`${sameName.length} app clients are named "${input.name}" in pool ${poolId}: ${sameName.map((c) => c.ClientId).join(', ')}.`, {
      code: 'CONFLICT',
      hint: 'Pass --name with another name, or work on one of them by --client-id with add-callback.',
    });
  }

  let client: UserPoolClientType | undefined;
  let created = false;
  let differences: string[] | undefined;
  if (sameName[0]?.ClientId) {
    client = await cognito.describeClient(poolId, sameName[0].ClientId);
    differences = presetDifferences(client, input.preset, scopes);
    // URLs asked for by flags but absent from the adopted client: it is not changed here.
    for (const [label, asked, have] of [
      ['callback URLs', input.callbackUrls ?? [], client.CallbackURLs ?? []],
      ['logout URLs', input.logoutUrls, client.LogoutURLs ?? []],
    ] as const) {
      const absent = asked.filter((u) => !have.includes(u));
      if (absent.length) differences.push(`${label} missing: ${absent.join(', ')} (add them with mcp-cognito add-callback${label === 'logout URLs' ? ' --logout' : ''})`);
    }
    ctx.out.step(`Found app client ${input.name} (${client.ClientId}); adopting it instead of creating a duplicate`);
    for (const d of differences) ctx.out.warn(`${input.name} differs from the ${input.preset} preset: ${d}.`);
    recordClient(ctx, poolId, region, client.ClientId!, input);
    // A run that created the client may have stopped before branding it: finish that here.
    if (input.preset !== 'm2m' && domain) await ensureBranding(ctx, poolId, domain, client.ClientId!, false);
  } else {
    const request = clientRequest(poolId, input, scopes);
    if (ctx.willCreate({ resource: `${input.preset} app client "${input.name}" (${request.AllowedOAuthFlows?.join(', ')}; ${scopes.join(' ')})`, awsCli: awsCliCommand('cognito-idp', 'CreateUserPoolClient', { ...request }, region) })) {
      client = await cognito.createClient(request);
      created = true;
      ctx.out.step(`Created app client ${input.name} (${client.ClientId})`);
      // Recorded before branding, so that a failure there is resumed by a re-run (which adopts the client).
      recordClient(ctx, poolId, region, client.ClientId!, input);
      if (input.preset !== 'm2m' && domain) await ensureBranding(ctx, poolId, domain, client.ClientId!, true);
    }
  }

  const clientSecret = client?.ClientSecret;
  const result: CreateClientResult = {
    userPoolId: poolId,
    clientId: client?.ClientId,
    clientName: input.name,
    preset: input.preset,
    ...(clientSecret ? { clientSecret } : {}),
    allowedOAuthFlows: client?.AllowedOAuthFlows ?? [flowOf(input.preset)],
    scopes: client?.AllowedOAuthScopes ?? scopes,
    callbackUrls: client ? (client.CallbackURLs ?? []) : input.preset === 'm2m' ? [] : (input.callbackUrls ?? [PLACEHOLDER_CALLBACK]),
    logoutUrls: client ? (client.LogoutURLs ?? []) : input.logoutUrls,
    ...(endpoints ? { authorizationUrl: endpoints.authorizationUrl, tokenUrl: endpoints.tokenUrl } : {}),
    created,
    ...(differences?.length ? { differences } : {}),
  };
  if (input.preset === 'copilot-studio' && result.clientId) {
    result.copilotStudio = {
      clientId: result.clientId,
      ...(clientSecret ? { clientSecret } : {}),
      ...(endpoints ? { authorizationUrl: endpoints.authorizationUrl, tokenUrl: endpoints.tokenUrl, refreshUrl: endpoints.tokenUrl } : {}),
      scopes: result.scopes.join(' '),
    };
  }
  if (input.envFile && result.clientId && !ctx.dryRun) {
    try {
      writeEnvFile(input.envFile, result, issuerUrl(region, poolId));
      result.envFile = input.envFile;
      ctx.out.step(`Wrote the client credentials to ${input.envFile} (mode 0600)`);
    } catch (e) {
      // The client exists now: keep the result (and its secret) rather than fail without showing it.
      ctx.out.warn(`Could not write ${input.envFile} (${(e as Error).message}); the credentials are in this output only.`);
    }
  }
  return result;
}

/**
 * Record the client in the state file. The state's clients belong to the state's pool: a client
 * of another pool is not added (later commands would pair it with the wrong pool).
 */
function recordClient(ctx: Ctx, poolId: string, region: string, clientId: string, input: CreateClientInput): void {
  if (ctx.dryRun) return;
  const statePool = ctx.state.get().userPoolId;
  if (statePool && statePool !== poolId) {
    ctx.out.warn(`Not recording client ${clientId} in the state file ${ctx.state.path}: it belongs to pool ${poolId}, the state file to pool ${statePool}.`);
    return;
  }
  if (!statePool) ctx.state.update({ region, userPoolId: poolId });
  ctx.state.upsertClient({ clientId, name: input.name, preset: input.preset });
}

/** Managed login (v2) pages do not exist for a client until it has a branding style. */
async function ensureBranding(ctx: Ctx, poolId: string, domain: string, clientId: string, isNew: boolean): Promise<void> {
  const cognito = await ctx.cognito();
  const desc = await cognito.describeDomain(domain);
  if (desc?.ManagedLoginVersion !== 2) return;
  if (!isNew && (await cognito.hasManagedLoginBranding(poolId, clientId))) return;
  const region = await ctx.region();
  const cli = awsCliCommand('cognito-idp', 'CreateManagedLoginBranding', { UserPoolId: poolId, ClientId: clientId, UseCognitoProvidedValues: true }, region);
  if (!ctx.willCreate({ resource: `managed login branding (Cognito's default style) for client ${clientId}`, awsCli: cli })) return;
  await cognito.createDefaultBranding(poolId, clientId);
  ctx.out.step('Assigned the Cognito-provided managed login branding style (without one the login page does not exist)');
}

/** Write the credentials as a dotenv file readable by its owner only (0600). */
export function writeEnvFile(path: string, r: CreateClientResult, issuer: string): void {
  const q = (v: string) => (/^[\w@%+=:,./-]*$/.test(v) ? v : JSON.stringify(v));
  const lines = [
    `# ${r.clientName} (${r.preset}) — written by mcp-cognito. Keep this file secret.`,
    `COGNITO_USER_POOL_ID=${q(r.userPoolId)}`,
    `COGNITO_CLIENT_ID=${q(r.clientId!)}`,
    ...(r.clientSecret ? [`COGNITO_CLIENT_SECRET=${q(r.clientSecret)}`] : []),
    `COGNITO_ISSUER=${q(issuer)}`,
    ...(r.tokenUrl ? [`COGNITO_TOKEN_URL=${q(r.tokenUrl)}`] : []),
    ...(r.authorizationUrl && r.preset !== 'm2m' ? [`COGNITO_AUTHORIZATION_URL=${q(r.authorizationUrl)}`] : []),
    `COGNITO_SCOPES=${q(r.scopes.join(' '))}`,
  ];
  // A new 0600 file renamed over the target: an existing, more readable file never holds the secret.
  const tmp = `${path}.${process.pid}.tmp`;
  writeFileSync(tmp, lines.join('\n') + '\n', { mode: 0o600 });
  chmodSync(tmp, 0o600);
  renameSync(tmp, path);
}

export function renderCopilotStudioForm(form: CopilotStudioForm, out: Output): string {
  return [
    out.c.bold('Copilot Studio → Tools → Add a tool → Model Context Protocol → OAuth 2.0 → Manual:'),
    out.table([
      ['Client ID', form.clientId],
      ['Client secret', form.clientSecret ?? '(not available)'],
      ['Authorization URL', form.authorizationUrl ?? '(no domain yet: run mcp-cognito init-pool)'],
      ['Token URL', form.tokenUrl ?? '(no domain yet)'],
      ['Refresh URL', form.refreshUrl ?? '(no domain yet)'],
      ['Scopes', form.scopes],
    ]),
  ].join('\n');
}

export function renderCreateClient(r: CreateClientResult, out: Output): string {
  const head = `${r.created ? 'Created' : r.clientId ? 'Using existing' : 'Would create'} ${r.preset} client ${r.clientName}${r.clientId ? ` (${r.clientId})` : ''}`;
  if (r.copilotStudio) {
    return [
      head,
      '',
      renderCopilotStudioForm(r.copilotStudio, out),
      '',
      `Next: after you click Create, Copilot Studio shows a Redirect URL. Register it with:`,
      `  ${out.c.cyan('mcp-cognito add-callback <redirect URL>')}`,
    ].join('\n');
  }
  const rows: [string, string][] = [
    ['Client ID', r.clientId ?? '(new)'],
    ['Client secret', r.clientSecret ?? '(none)'],
    ['OAuth flows', r.allowedOAuthFlows.join(', ')],
    ['Scopes', r.scopes.join(' ')],
    ...(r.preset !== 'm2m' ? ([['Callback URLs', r.callbackUrls.join(' ')]] as [string, string][]) : []),
    ...(r.authorizationUrl && r.preset !== 'm2m' ? ([['Authorization URL', r.authorizationUrl]] as [string, string][]) : []),
    ...(r.tokenUrl ? ([['Token URL', r.tokenUrl]] as [string, string][]) : []),
  ];
  return `${head}\n\n${out.table(rows)}`;
}

export function createClientCommand(holder: Holder): Command {
  const collect = (v: string, p: string[] = []) => [...p, v];
  return new Command('create-client')
    .description('Create an app client for one kind of caller, or adopt the client of the same name. Presets: copilot-studio (code flow, secret), m2m (client_credentials only, custom scopes only), web (code flow, secret). Scopes are checked against the pool before any change.')
    .option('--pool-id <id>', 'user pool (default: the state file\'s)')
    .option('--preset <preset>', 'copilot-studio | m2m | web', 'copilot-studio')
    .option('--name <name>', 'client name (default copilot-studio-mcp, mcp-agent-m2m or mcp-web)')
    .option('--scope <scope>', 'OAuth scope (repeatable; default: openid email profile + the resource server\'s scopes; m2m: custom scopes only)', collect)
    .option('--callback-url <url>', `callback URL (repeatable; copilot-studio default ${PLACEHOLDER_CALLBACK} until add-callback; web: required)`, collect)
    .option('--logout-url <url>', 'sign-out URL (repeatable)', collect)
    .option('--env-file <path>', 'also write the credentials to this dotenv file (mode 0600)')
    .option('--dotenv <path>', 'the same as --env-file (Node 20 itself intercepts --env-file anywhere on the command line)')
    .addHelpText('after', '\nExamples:\n  $ mcp-cognito create-client                                # Copilot Studio client, prints the Manual OAuth form\n  $ mcp-cognito create-client --preset m2m --dotenv .env   # machine-to-machine agent\n  $ mcp-cognito create-client --preset web --callback-url https://app.example.com/callback')
    .action(
      runAction<CreateClientFlags, CreateClientResult>('create-client', holder, async (flags, ctx) => {
        const input = parseCreateClientFlags(flags);
        return { result: await createClient(input, ctx), render: renderCreateClient };
      }),
    );
}
