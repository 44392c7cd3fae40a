/**
 * Cognito app clients as AWS behaves where moto does not: full-replacement UpdateUserPoolClient,
 * OAuth-flow and scope rules, client secrets (AddUserPoolClientSecret & co.) and managed-login
 * branding styles. Evidence for each rule is in its comment; "SDK-C" is
 * node_modules/@aws-sdk/client-cognito-identity-provider/dist-types (v3.1169).
 */
import { AwsError } from './protocol';
import { answer, relay, type Ctx, type Rule } from './context';
import { FrontState, type Branding } from './state';
import { effectiveResourceServers } from './cognito-resource-servers';

const svc = 'cognito-idp' as const;
const err = (code: string, message: string) => AwsError.of(svc, code, message);

type Json = Record<string, unknown>;

/** The standard (non-custom) OAuth scopes (SDK-C models_1.d.ts UpdateUserPoolClientRequest.AllowedOAuthScopes). */
const STANDARD_SCOPES = new Set(['phone', 'email', 'openid', 'profile', 'aws.cognito.signin.user.admin']);

/**
 * What an omitted UpdateUserPoolClient field becomes. SDK-C commands/UpdateUserPoolClientCommand.d.ts:
 * "If you don't provide a value for an attribute, Amazon Cognito sets it to its default value."
 * The defaults, per field doc in SDK-C models_1.d.ts UpdateUserPoolClientRequest:
 * RefreshTokenValidity 30 (days); Access/IdTokenValidity one hour (shown as absent); ReadAttributes/
 * WriteAttributes "doesn't return any information" at default; ExplicitAuthFlows "ALLOW_REFRESH_TOKEN_AUTH,
 * ALLOW_USER_SRP_AUTH, and ALLOW_CUSTOM_AUTH"; AllowedOAuthFlowsUserPoolClient "defaults to false";
 * PreventUserExistenceErrors "Defaults to LEGACY"; EnableTokenRevocation on (Create doc, models_0.d.ts);
 * AuthSessionValidity 3 (moto's and the console's default; UNCONFIRMED by AWS text). Lists
 * (callbacks, logout URLs, flows, scopes, IdPs) and the rest are cleared.
 * moto keeps omitted fields (moto/cognitoidp/models.py update_user_pool_client: extended_config.update),
 * so the front sends moto every field: null clears a scalar, [] a list (both hidden in answers).
 * ClientName is not reset: it is required at creation and has no default (UNCONFIRMED what AWS does).
 */
const DEFAULT_EXPLICIT_AUTH_FLOWS = ['ALLOW_REFRESH_TOKEN_AUTH', 'ALLOW_USER_SRP_AUTH', 'ALLOW_CUSTOM_AUTH'];
const UPDATE_DEFAULTS: Json = {
  RefreshTokenValidity: 30,
  AccessTokenValidity: null,
  IdTokenValidity: null,
  TokenValidityUnits: null,
  ReadAttributes: [],
  WriteAttributes: [],
  ExplicitAuthFlows: DEFAULT_EXPLICIT_AUTH_FLOWS,
  SupportedIdentityProviders: [],
  CallbackURLs: [],
  LogoutURLs: [],
  DefaultRedirectURI: null,
  AllowedOAuthFlows: [],
  AllowedOAuthScopes: [],
  AllowedOAuthFlowsUserPoolClient: false,
  AnalyticsConfiguration: null,
  PreventUserExistenceErrors: 'LEGACY',
  EnableTokenRevocation: true,
  EnablePropagateAdditionalUserContextData: false,
  AuthSessionValidity: 3,
  RefreshTokenRotation: null,
};

/** The same defaults apply at creation for the fields moto leaves out (ExplicitAuthFlows, PreventUserExistenceErrors). */
const CREATE_DEFAULTS: Json = { ExplicitAuthFlows: DEFAULT_EXPLICIT_AUTH_FLOWS, PreventUserExistenceErrors: 'LEGACY' };

const strs = (v: unknown): string[] => (Array.isArray(v) ? v.filter((x): x is string => typeof x === 'string') : []);

/** AWS leaves unset fields out of a UserPoolClient: hide moto's nulls and empty lists. */
export function cleanClient(c: unknown, secretOverride?: { value?: string }): unknown {
  if (!c || typeof c !== 'object') return c;
  const out: Json = {};
  for (const [k, v] of Object.entries(c as Json)) {
    if (v === null || v === undefined || (Array.isArray(v) && v.length === 0)) continue;
    out[k] = v;
  }
  if (secretOverride) {
    if (secretOverride.value) out.ClientSecret = secretOverride.value;
    else delete out.ClientSecret;
  }
  return out;
}

/**
 * The secret DescribeUserPoolClient shows after rotation: the original (moto's) while it lives;
 * once it is deleted, none. AWS documents that a secret added by AddUserPoolClientSecret is
 * returned once ("ClientSecretValue … only returned when Amazon Cognito generates the secret",
 * SDK-C models_0.d.ts ClientSecretDescriptorType) and that ListUserPoolClientSecrets "never reveals
 * the actual secret value"; which secret, if any, Describe shows afterwards is not documented:
 * the conservative reading is none, so the product never relies on reading a rotated secret back.
 */
function shownSecret(ctx: Ctx, poolId: string, clientId: string): { value?: string } | undefined {
  const s = ctx.state.secrets.get(`${poolId}/${clientId}`);
  if (!s?.original?.deleted) return undefined;
  return {};
}

/**
 * The OAuth rules AWS enforces on Create/UpdateUserPoolClient (moto accepts all of these):
 * - ScopeDoesNotExistException "Invalid scope requested: <scope>" for a scope that is neither
 *   standard nor `<resource server identifier>/<scope name>` of the pool
 *   [github.com/awsdocs/aws-cloudformation-user-guide/issues/564; SDK-C models_0.d.ts ResourceServerScopeType].
 * - InvalidParameterException "AllowedOAuthFlows and AllowedOAuthScopes are required if user pool client is
 *   allowed to use OAuth flows." [hashicorp/terraform-provider-aws internal/service/cognitoidp/
 *   managed_user_pool_client_test.go, config_emptySets comment quoting the service].
 * - InvalidOAuthFlowException "client_credentials flow can not be selected along with code flow or implicit
 *   flow." [SDK-C models_1.d.ts AllowedOAuthFlows: "add client_credentials as the only allowed OAuth flow"].
 * - InvalidOAuthFlowException "client_credentials flow can not be selected if client does not have a client
 *   secret." [/work/shared/spec/aws-semantics.md §2, public code quoting the service].
 * - InvalidOAuthFlowException "<scope> is not supported with client_credentials flow" for OIDC scopes
 *   [aws-semantics.md §2 ERRSTR-USERDOC; AWS devguide cognito-user-pools-define-resource-servers.html: M2M
 *   clients use custom scopes only].
 * - InvalidOAuthFlowException "CallbackUrls can not be empty when code flow or implicit flow is selected"
 *   [terraform-provider-aws managed_user_pool_client_test.go, same comment].
 * - InvalidParameterException for a DefaultRedirectURI not in CallbackURLs [SDK-C models_1.d.ts
 *   DefaultRedirectURI: "Must be in the CallbackURLs list."] (message UNCONFIRMED).
 */
async function checkOAuth(ctx: Ctx, poolId: string, full: Json, hasSecret: boolean): Promise<void> {
  const scopes = strs(full.AllowedOAuthScopes);
  const flows = strs(full.AllowedOAuthFlows);
  const custom = scopes.filter((s) => !STANDARD_SCOPES.has(s));
  if (custom.length) {
    const known = new Set<string>();
    for (const rs of await effectiveResourceServers(ctx, poolId)) for (const s of rs.Scopes ?? []) known.add(`${rs.Identifier}/${s.ScopeName}`);
    const unknown = custom.find((s) => !known.has(s));
    if (unknown) throw err('ScopeDoesNotExistException', `Invalid scope requested: ${unknown}`);
  }
  if (full.AllowedOAuthFlowsUserPoolClient === true && (!flows.length || !scopes.length)) {
    throw err('InvalidParameterException', 'AllowedOAuthFlows and AllowedOAuthScopes are required if user pool client is allowed to use OAuth flows.');
  }
  if (flows.includes('client_credentials')) {
    if (flows.includes('code') || flows.includes('implicit')) throw err('InvalidOAuthFlowException', 'client_credentials flow can not be selected along with code flow or implicit flow.');
    if (!hasSecret) throw err('InvalidOAuthFlowException', 'client_credentials flow can not be selected if client does not have a client secret.');
    const oidc = scopes.find((s) => STANDARD_SCOPES.has(s));
    if (oidc) throw err('InvalidOAuthFlowException', `${oidc} is not supported with client_credentials flow`);
  }
  if ((flows.includes('code') || flows.includes('implicit')) && strs(full.CallbackURLs).length === 0) {
    throw err('InvalidOAuthFlowException', 'CallbackUrls can not be empty when code flow or implicit flow is selected');
  }
  for (const u of strs(full.CallbackURLs)) {
    const why = callbackUrlProblem(u);
    if (why) throw err('InvalidParameterException', `Invalid CallbackURL ${u}: ${why}`);
  }
  const dflt = full.DefaultRedirectURI;
  if (typeof dflt === 'string' && dflt && !strs(full.CallbackURLs).includes(dflt)) {
    throw err('InvalidParameterException', 'DefaultRedirectURI must be one of the CallbackURLs.');
  }
}

/**
 * CallbackURLs as Cognito documents them (SDK-C models_0.d.ts CreateUserPoolClientRequest.CallbackURLs and
 * models_1.d.ts UpdateUserPoolClientRequest.CallbackURLs): "Be an absolute URI", "Not include a fragment
 * component", "Amazon Cognito requires HTTPS over HTTP except for callback URLs to http://localhost,
 * http://127.0.0.1 and http://[::1] … You can specify custom TCP ports", "App callback URLs such as
 * myapp://example are also supported" (devguide cognito-user-pools-app-idp-settings.html says the same).
 * moto accepts any string. Error type and message UNCONFIRMED (InvalidParameterException assumed, as for
 * the other CallbackURLs checks).
 */
export function callbackUrlProblem(u: string): string | undefined {
  const scheme = /^([A-Za-z][A-Za-z0-9+.-]*):/.exec(u)?.[1]?.toLowerCase();
  if (!scheme) return 'a redirect URI must be an absolute URI.';
  if (u.includes('#')) return 'a redirect URI must not include a fragment component.';
  if (scheme === 'http') {
    let host = '';
    try {
      host = new URL(u).hostname;
    } catch {
      return 'a redirect URI must be an absolute URI.';
    }
    if (!['localhost', '127.0.0.1', '[::1]'].includes(host)) return 'HTTPS is required except for http://localhost, http://127.0.0.1 and http://[::1].';
  }
  return undefined;
}

async function motoClient(ctx: Ctx, poolId: string, clientId: string): Promise<Json | undefined> {
  const { DescribeUserPoolClientCommand } = await import('@aws-sdk/client-cognito-identity-provider');
  try {
    return (await ctx.moto.cognito.send(new DescribeUserPoolClientCommand({ UserPoolId: poolId, ClientId: clientId }))).UserPoolClient as Json | undefined;
  } catch {
    return undefined;
  }
}

function activeSecretCount(ctx: Ctx, poolId: string, clientId: string, motoSecret: unknown): number {
  const s = ctx.state.secrets.get(`${poolId}/${clientId}`);
  return (motoSecret && !s?.original?.deleted ? 1 : 0) + (s?.added.length ?? 0);
}

const createClient: Rule = async (ctx) => {
  const poolId = String(ctx.input.UserPoolId ?? '');
  const hasSecret = ctx.input.GenerateSecret === true || typeof ctx.input.ClientSecret === 'string';
  await checkOAuth(ctx, poolId, ctx.input, hasSecret);
  const a = await ctx.forward({ ...CREATE_DEFAULTS, ...ctx.input });
  if (!a.ok) return relay(ctx, a);
  const c = a.json.UserPoolClient as Json | undefined;
  if (c?.ClientId) ctx.state.clientCreated.set(`${poolId}/${String(c.ClientId)}`, new Date());
  return relay(ctx, a, { ...a.json, UserPoolClient: cleanClient(c) });
};

/** Full replacement (see UPDATE_DEFAULTS), checked like AWS on the client it produces. */
const updateClient: Rule = async (ctx) => {
  const poolId = String(ctx.input.UserPoolId ?? '');
  const clientId = String(ctx.input.ClientId ?? '');
  const current = await motoClient(ctx, poolId, clientId);
  if (!current) return relay(ctx, await ctx.forward()); // moto's ResourceNotFoundException
  const full: Json = { ...UPDATE_DEFAULTS, ...ctx.input };
  await checkOAuth(ctx, poolId, full, activeSecretCount(ctx, poolId, clientId, current.ClientSecret) > 0);
  const a = await ctx.forward(full);
  if (!a.ok) return relay(ctx, a);
  return relay(ctx, a, { ...a.json, UserPoolClient: cleanClient(a.json.UserPoolClient, shownSecret(ctx, poolId, clientId)) });
};

const describeClient: Rule = async (ctx) => {
  const a = await ctx.forward();
  if (!a.ok) return relay(ctx, a);
  return relay(ctx, a, { ...a.json, UserPoolClient: cleanClient(a.json.UserPoolClient, shownSecret(ctx, String(ctx.input.UserPoolId), String(ctx.input.ClientId))) });
};

const deleteClient: Rule = async (ctx) => {
  const a = await ctx.forward();
  if (a.ok) {
    const key = `${String(ctx.input.UserPoolId)}/${String(ctx.input.ClientId)}`;
    ctx.state.secrets.delete(key);
    ctx.state.clientCreated.delete(key);
    for (const [id, b] of ctx.state.brandings) if (`${b.UserPoolId}/${b.ClientId}` === key) ctx.state.brandings.delete(id);
  }
  return relay(ctx, a);
};

// ── Client secrets (moto: not implemented) ─────────────────────────────────────────────────
// SDK-C commands/AddUserPoolClientSecretCommand.d.ts: "Creates a new client secret for an existing
// confidential user pool app client. Supports up to 2 active secrets per app client";
// ListUserPoolClientSecretsCommand.d.ts: metadata only, "the response never reveals the actual secret
// value" (models_0.d.ts ListUserPoolClientSecretsResponse); DeleteUserPoolClientSecretCommand.d.ts: "You
// cannot delete the last remaining secret for an app client." ClientSecretId is `<client-id>--<epoch-create-time>`
// (models_0.d.ts ClientSecretDescriptorType). Error messages are UNCONFIRMED (types are the modelled ones).

async function secretsOf(ctx: Ctx) {
  const poolId = String(ctx.input.UserPoolId ?? '');
  const clientId = String(ctx.input.ClientId ?? '');
  const client = await motoClient(ctx, poolId, clientId);
  if (!client) throw err('ResourceNotFoundException', `Client ${clientId} does not exist in user pool ${poolId}.`);
  const key = `${poolId}/${clientId}`;
  let s = ctx.state.secrets.get(key);
  if (!s) {
    const created = ctx.state.clientCreated.get(key) ?? new Date();
    s = { original: client.ClientSecret ? { id: `${clientId}--${created.getTime()}`, created, deleted: false } : undefined, added: [] };
    ctx.state.secrets.set(key, s);
  }
  return { poolId, clientId, client, s };
}

const epochSeconds = (d: Date) => d.getTime() / 1000;

const addSecret: Rule = async (ctx) => {
  const { clientId, client, s } = await secretsOf(ctx);
  if (!client.ClientSecret) throw err('InvalidParameterException', `Client ${clientId} is not a confidential client: a client secret can only be added to a client that has one.`);
  const active = (s.original && !s.original.deleted ? 1 : 0) + s.added.length;
  if (active >= 2) throw err('LimitExceededException', `Client ${clientId} already has the maximum of 2 client secrets.`);
  const custom = typeof ctx.input.ClientSecret === 'string' ? ctx.input.ClientSecret : undefined;
  if (custom !== undefined && !/^[\w+]{24,64}$/.test(custom)) throw err('InvalidParameterException', "1 validation error detected: Value at 'clientSecret' failed to satisfy constraint: Member must satisfy regular expression pattern: [\\w+]+ and length 24-64");
  let created = new Date();
  // Ids are unique per client (epoch milliseconds; bump on a collision within the same millisecond).
  const taken = new Set([s.original?.id, ...s.added.map((a) => a.id)]);
  while (taken.has(`${clientId}--${created.getTime()}`)) created = new Date(created.getTime() + 1);
  const entry = { id: `${clientId}--${created.getTime()}`, value: custom ?? FrontState.newSecretValue(), created };
  s.added.push(entry);
  return answer(ctx, 200, { ClientSecretDescriptor: { ClientSecretId: entry.id, ...(custom === undefined ? { ClientSecretValue: entry.value } : {}), ClientSecretCreateDate: epochSeconds(created) } });
};

const listSecrets: Rule = async (ctx) => {
  const { s } = await secretsOf(ctx);
  const list = [...(s.original && !s.original.deleted ? [s.original] : []), ...s.added];
  return answer(ctx, 200, { ClientSecrets: list.map((e) => ({ ClientSecretId: e.id, ClientSecretCreateDate: epochSeconds(e.created) })) });
};

const deleteSecret: Rule = async (ctx) => {
  const { s } = await secretsOf(ctx);
  const id = String(ctx.input.ClientSecretId ?? '');
  const active = (s.original && !s.original.deleted ? 1 : 0) + s.added.length;
  const isOriginal = s.original && !s.original.deleted && s.original.id === id;
  const i = s.added.findIndex((a) => a.id === id);
  if (!isOriginal && i < 0) throw err('ResourceNotFoundException', `Client secret ${id} does not exist.`);
  if (active <= 1) throw err('InvalidParameterException', 'Cannot delete the last remaining client secret of an app client.');
  if (isOriginal) s.original!.deleted = true;
  else s.added.splice(i, 1);
  return answer(ctx, 200, {});
};

// ── Managed login branding (moto: not implemented) ─────────────────────────────────────────
// SDK-C commands/CreateManagedLoginBrandingCommand.d.ts: one style per app client
// (ManagedLoginBrandingExistsException); "When you set UseCognitoProvidedValues to true, you must also omit
// values for Settings and Assets" (models_0.d.ts CreateManagedLoginBrandingRequest). Describe*/Update/Delete
// answer ResourceNotFoundException for a missing style. Messages UNCONFIRMED.

function brandingOut(b: Branding): Json {
  const { ClientId: _c, ...rest } = b;
  return { ...rest, CreationDate: epochSeconds(b.CreationDate), LastModifiedDate: epochSeconds(b.LastModifiedDate), ...(b.Assets ? {} : { Assets: [] }) };
}

function checkSettings(input: Json): void {
  if (input.UseCognitoProvidedValues === true && (input.Settings !== undefined || (Array.isArray(input.Assets) && input.Assets.length))) {
    throw err('InvalidParameterException', 'Settings and Assets must be omitted when UseCognitoProvidedValues is true.');
  }
}

const createBranding: Rule = async (ctx) => {
  const poolId = String(ctx.input.UserPoolId ?? '');
  const clientId = String(ctx.input.ClientId ?? '');
  if (!(await motoClient(ctx, poolId, clientId))) throw err('ResourceNotFoundException', `Client ${clientId} does not exist in user pool ${poolId}.`);
  checkSettings(ctx.input);
  if (ctx.state.hasBranding(poolId, clientId)) throw err('ManagedLoginBrandingExistsException', `A managed login branding style already exists for client ${clientId}.`);
  const now = new Date();
  const b: Branding = {
    ManagedLoginBrandingId: FrontState.newBrandingId(),
    UserPoolId: poolId,
    ClientId: clientId,
    UseCognitoProvidedValues: ctx.input.UseCognitoProvidedValues === true,
    ...(ctx.input.Settings !== undefined ? { Settings: ctx.input.Settings } : {}),
    ...(Array.isArray(ctx.input.Assets) ? { Assets: ctx.input.Assets } : {}),
    CreationDate: now,
    LastModifiedDate: now,
  };
  ctx.state.brandings.set(b.ManagedLoginBrandingId, b);
  return answer(ctx, 200, { ManagedLoginBranding: brandingOut(b) });
};

function brandingById(ctx: Ctx): Branding {
  const b = ctx.state.brandings.get(String(ctx.input.ManagedLoginBrandingId ?? ''));
  if (!b || b.UserPoolId !== ctx.input.UserPoolId) throw err('ResourceNotFoundException', `Managed login branding ${String(ctx.input.ManagedLoginBrandingId)} does not exist.`);
  return b;
}

const describeBranding: Rule = async (ctx) => answer(ctx, 200, { ManagedLoginBranding: brandingOut(brandingById(ctx)) });

const describeBrandingByClient: Rule = async (ctx) => {
  for (const b of ctx.state.brandings.values()) if (b.UserPoolId === ctx.input.UserPoolId && b.ClientId === ctx.input.ClientId) return answer(ctx, 200, { ManagedLoginBranding: brandingOut(b) });
  throw err('ResourceNotFoundException', `No managed login branding style is assigned to client ${String(ctx.input.ClientId)}.`);
};

const updateBranding: Rule = async (ctx) => {
  const b = brandingById(ctx);
  checkSettings(ctx.input);
  b.UseCognitoProvidedValues = ctx.input.UseCognitoProvidedValues === true;
  if (b.UseCognitoProvidedValues) {
    delete b.Settings;
    delete b.Assets;
  } else {
    if (ctx.input.Settings !== undefined) b.Settings = ctx.input.Settings;
    if (Array.isArray(ctx.input.Assets)) b.Assets = ctx.input.Assets;
  }
  b.LastModifiedDate = new Date();
  return answer(ctx, 200, { ManagedLoginBranding: brandingOut(b) });
};

const deleteBranding: Rule = async (ctx) => {
  const b = brandingById(ctx);
  ctx.state.brandings.delete(b.ManagedLoginBrandingId);
  return answer(ctx, 200, {});
};

export const clientRules: Record<string, Rule> = {
  CreateUserPoolClient: createClient,
  UpdateUserPoolClient: updateClient,
  DescribeUserPoolClient: describeClient,
  DeleteUserPoolClient: deleteClient,
  AddUserPoolClientSecret: addSecret,
  ListUserPoolClientSecrets: listSecrets,
  DeleteUserPoolClientSecret: deleteSecret,
  CreateManagedLoginBranding: createBranding,
  DescribeManagedLoginBranding: describeBranding,
  DescribeManagedLoginBrandingByClient: describeBrandingByClient,
  UpdateManagedLoginBranding: updateBranding,
  DeleteManagedLoginBranding: deleteBranding,
};
