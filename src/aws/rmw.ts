/**
 * Read-modify-write for the two AWS updates that replace the whole resource:
 * UpdateUserPoolClient (AWS: "If you don't provide a value for an attribute, Amazon Cognito sets it
 * to its default value") and UpdateGateway (an HTTP PUT, treated as a full replacement, as AWS's own
 * tools do: they read the gateway and send every field back).
 *
 * The copied fields are explicit lists typed against the SDK's request types, with a
 * compile-time check that no request member is forgotten, and a unit test that reads the
 * SDK's own serialisation schema so that a newer SDK with a new updatable field fails the build.
 * This module only imports SDK *types*: commands may use it without loading the SDK.
 */
import type { UpdateUserPoolClientRequest, UserPoolClientType } from '@aws-sdk/client-cognito-identity-provider';
import type { AuthorizerConfiguration, GatewayProtocolConfiguration, GetGatewayResponse, UpdateGatewayRequest } from '@aws-sdk/client-bedrock-agentcore-control';

export type { UpdateUserPoolClientRequest, UserPoolClientType, UpdateGatewayRequest, GetGatewayResponse, AuthorizerConfiguration, GatewayProtocolConfiguration };

/** Keys of UpdateUserPoolClient that identify the client (not copied, set from the described client). */
export const USER_POOL_CLIENT_KEYS = ['UserPoolId', 'ClientId'] as const;

/** Every updatable UpdateUserPoolClient field; each is also a DescribeUserPoolClient output field. */
export const USER_POOL_CLIENT_FIELDS = [
  'ClientName',
  'RefreshTokenValidity',
  'AccessTokenValidity',
  'IdTokenValidity',
  // The validities are numbers in these units: they always travel together.
  'TokenValidityUnits',
  'ReadAttributes',
  'WriteAttributes',
  'ExplicitAuthFlows',
  'SupportedIdentityProviders',
  'CallbackURLs',
  'LogoutURLs',
  'DefaultRedirectURI',
  'AllowedOAuthFlows',
  'AllowedOAuthScopes',
  // Omitted, it falls back to false, which switches OAuth off for the client.
  'AllowedOAuthFlowsUserPoolClient',
  'AnalyticsConfiguration',
  'PreventUserExistenceErrors',
  'EnableTokenRevocation',
  'EnablePropagateAdditionalUserContextData',
  'AuthSessionValidity',
  'RefreshTokenRotation',
] as const satisfies readonly (keyof UpdateUserPoolClientRequest & keyof UserPoolClientType)[];

/** Output-only fields of DescribeUserPoolClient, never sent back (ClientSecret above all). */
export const USER_POOL_CLIENT_OUTPUT_ONLY = ['ClientSecret', 'CreationDate', 'LastModifiedDate', 'ClientType'] as const satisfies readonly (keyof UserPoolClientType)[];

/** The identifying key of UpdateGateway (a URI label, from GetGateway's gatewayId). */
export const GATEWAY_KEYS = ['gatewayIdentifier'] as const;

/** Every updatable UpdateGateway field; each is also a GetGateway output field. */
export const GATEWAY_FIELDS = [
  'name',
  'roleArn',
  'authorizerType',
  'description',
  'protocolType',
  'protocolConfiguration',
  'authorizerConfiguration',
  'kmsKeyArn',
  'customTransformConfiguration',
  'interceptorConfigurations',
  'policyEngineConfiguration',
  'exceptionLevel',
  'wafConfiguration',
] as const satisfies readonly (keyof UpdateGatewayRequest & keyof GetGatewayResponse)[];

/** Output-only fields of GetGateway (not accepted by UpdateGateway). */
export const GATEWAY_OUTPUT_ONLY = [
  'gatewayArn',
  'gatewayId',
  'gatewayUrl',
  'createdAt',
  'updatedAt',
  'status',
  'statusReasons',
  'workloadIdentityDetails',
  'webAclArn',
] as const satisfies readonly (keyof GetGatewayResponse)[];

// Compile-time exhaustiveness: a request member that is neither a key nor carried is a type error here.
type MissingClientFields = Exclude<keyof UpdateUserPoolClientRequest, (typeof USER_POOL_CLIENT_FIELDS)[number] | (typeof USER_POOL_CLIENT_KEYS)[number]>;
type MissingGatewayFields = Exclude<keyof UpdateGatewayRequest, (typeof GATEWAY_FIELDS)[number] | (typeof GATEWAY_KEYS)[number]>;
const clientFieldsComplete: [MissingClientFields] extends [never] ? true : { missing: MissingClientFields } = true;
const gatewayFieldsComplete: [MissingGatewayFields] extends [never] ? true : { missing: MissingGatewayFields } = true;
void clientFieldsComplete;
void gatewayFieldsComplete;

export type UserPoolClientField = (typeof USER_POOL_CLIENT_FIELDS)[number];
export type GatewayField = (typeof GATEWAY_FIELDS)[number];
export type UserPoolClientPatch = Partial<Pick<UpdateUserPoolClientRequest, UserPoolClientField>>;
export type GatewayPatch = Partial<Pick<UpdateGatewayRequest, GatewayField>>;

const clone = <T>(v: T): T => (v === undefined ? v : structuredClone(v));

/**
 * Remove what must not be sent: undefined/null members and, for the gateway, empty lists
 * (allowedClients, allowedScopes… have a minimum length of 1 in the API model). Nested unknown
 * members (a field newer than our code but known to the SDK) are kept as they are.
 */
function pruneEmpty(v: unknown): unknown {
  if (Array.isArray(v)) return v.map(pruneEmpty);
  if (v && typeof v === 'object' && !(v instanceof Date)) {
    const out: Record<string, unknown> = {};
    for (const [k, x] of Object.entries(v)) {
      if (x === undefined || x === null) continue;
      if (Array.isArray(x) && x.length === 0) continue;
      out[k] = pruneEmpty(x);
    }
    return out;
  }
  return v;
}

/**
 * The UpdateUserPoolClient request that leaves the described client exactly as it is, with
 * `patch` applied: every updatable field copied, output-only fields (the secret) left out.
 */
export function toUpdateUserPoolClientRequest(described: UserPoolClientType, patch: UserPoolClientPatch = {}): UpdateUserPoolClientRequest {
  if (!described.UserPoolId || !described.ClientId) throw new Error('toUpdateUserPoolClientRequest: the described client has no UserPoolId/ClientId');
  const req: Record<string, unknown> = { UserPoolId: described.UserPoolId, ClientId: described.ClientId };
  for (const f of USER_POOL_CLIENT_FIELDS) {
    const v = f in patch ? patch[f] : described[f];
    if (v !== undefined && v !== null) req[f] = clone(v);
  }
  return req as unknown as UpdateUserPoolClientRequest;
}

/**
 * The UpdateGateway request that leaves the gateway exactly as GetGateway returned it, with
 * `patch` applied. Empty strings and lists are left out (their minimum is 1; AWS never returns
 * them, but an emulator may).
 */
export function toUpdateGatewayRequest(got: GetGatewayResponse, patch: GatewayPatch = {}): UpdateGatewayRequest {
  if (!got.gatewayId) throw new Error('toUpdateGatewayRequest: GetGateway returned no gatewayId');
  const req: Record<string, unknown> = { gatewayIdentifier: got.gatewayId };
  for (const f of GATEWAY_FIELDS) {
    const v = f in patch ? patch[f] : got[f];
    if (v === undefined || v === null || v === '') continue;
    if (Array.isArray(v) && v.length === 0) continue;
    req[f] = pruneEmpty(clone(v));
  }
  return req as unknown as UpdateGatewayRequest;
}

/** A canonical form for comparison: sorted keys, lists of plain values compared as sets. */
function canonical(v: unknown): unknown {
  if (v instanceof Date) return v.toISOString();
  if (Array.isArray(v)) {
    const items = v.map(canonical);
    return items.every((x) => typeof x !== 'object' || x === null) ? [...items].sort() : items;
  }
  if (v && typeof v === 'object') {
    return Object.fromEntries(
      Object.entries(v)
        .filter(([, x]) => x !== undefined && x !== null)
        .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))
        .map(([k, x]) => [k, canonical(x)]),
    );
  }
  return v;
}

export function sameValue(a: unknown, b: unknown): boolean {
  return JSON.stringify(canonical(a ?? null)) === JSON.stringify(canonical(b ?? null));
}

/** The fields (of `fields`) whose values differ between two requests (or described resources). */
export function differingFields<K extends string>(expected: Partial<Record<K, unknown>>, actual: Partial<Record<K, unknown>>, fields: readonly K[]): K[] {
  return fields.filter((f) => !sameValue(expected[f], actual[f]));
}

/** Fields of two described clients that differ, as UpdateUserPoolClient would carry them. */
export function changedClientFields(expected: UpdateUserPoolClientRequest, actual: UserPoolClientType): UserPoolClientField[] {
  const a = toUpdateUserPoolClientRequest(actual);
  return differingFields<UserPoolClientField>(expected, a, USER_POOL_CLIENT_FIELDS);
}

/** Fields of a gateway that differ from an UpdateGateway request, as UpdateGateway would carry them. */
export function changedGatewayFields(expected: UpdateGatewayRequest, actual: GetGatewayResponse): GatewayField[] {
  const a = toUpdateGatewayRequest(actual);
  return differingFields<GatewayField>(expected, a, GATEWAY_FIELDS);
}
