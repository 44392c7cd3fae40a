/**
 * Read-modify-write field lists, checked against the SDK's own serialisation schemas, and the
 * requests they build, checked on what the SDK really serialises.
 */
import { describe, expect, it } from 'vitest';
import * as cognitoSdk from '@aws-sdk/client-cognito-identity-provider';
import * as agentcoreSdk from '@aws-sdk/client-bedrock-agentcore-control';
import type { UserPoolClientType } from '@aws-sdk/client-cognito-identity-provider';
import type { GetGatewayResponse } from '@aws-sdk/client-bedrock-agentcore-control';
import {
  GATEWAY_FIELDS,
  GATEWAY_KEYS,
  GATEWAY_OUTPUT_ONLY,
  USER_POOL_CLIENT_FIELDS,
  USER_POOL_CLIENT_KEYS,
  USER_POOL_CLIENT_OUTPUT_ONLY,
  changedClientFields,
  changedGatewayFields,
  toUpdateGatewayRequest,
  toUpdateUserPoolClientRequest,
} from '../../src/aws/rmw.js';

/**
 * The member names of an operation's structure schema as the SDK serialises it:
 * `[3, namespace, name, traits, memberNames[], memberSchemas[], ...]` in dist-cjs (3.11xx).
 */
function schemaMembers(mod: Record<string, unknown>, shape: string): string[] {
  const schema = mod[`${shape}$`];
  expect(Array.isArray(schema), `the SDK exports no ${shape}$ schema: its layout changed, update this test`).toBe(true);
  const s = schema as unknown[];
  expect(s[2]).toBe(shape);
  const members = s[4];
  expect(Array.isArray(members) && members.every((m) => typeof m === 'string')).toBe(true);
  return members as string[];
}

describe('field lists against the installed SDK', () => {
  it('carries every UpdateUserPoolClientRequest member (fails when the SDK grows an updatable field)', () => {
    const members = schemaMembers(cognitoSdk, 'UpdateUserPoolClientRequest');
    const known = [...USER_POOL_CLIENT_KEYS, ...USER_POOL_CLIENT_FIELDS] as string[];
    expect(members.filter((m) => !known.includes(m)), 'UpdateUserPoolClient members not carried by rmw.ts').toEqual([]);
    expect(known.filter((m) => !members.includes(m)), 'carried fields the SDK no longer has').toEqual([]);
  });

  it('carries every UpdateGatewayRequest member', () => {
    const members = schemaMembers(agentcoreSdk, 'UpdateGatewayRequest');
    const known = [...GATEWAY_KEYS, ...GATEWAY_FIELDS] as string[];
    expect(members.filter((m) => !known.includes(m)), 'UpdateGateway members not carried by rmw.ts').toEqual([]);
    expect(known.filter((m) => !members.includes(m))).toEqual([]);
  });

  it('knows every DescribeUserPoolClient / GetGateway output member as carried, a key or output-only', () => {
    const clientOut = schemaMembers(cognitoSdk, 'UserPoolClientType');
    const clientKnown = [...USER_POOL_CLIENT_KEYS, ...USER_POOL_CLIENT_FIELDS, ...USER_POOL_CLIENT_OUTPUT_ONLY] as string[];
    expect(clientOut.filter((m) => !clientKnown.includes(m)), 'new DescribeUserPoolClient fields: decide whether Update accepts them').toEqual([]);
    const gwOut = schemaMembers(agentcoreSdk, 'GetGatewayResponse');
    const gwKnown = [...GATEWAY_FIELDS, ...GATEWAY_OUTPUT_ONLY] as string[];
    expect(gwOut.filter((m) => !gwKnown.includes(m)), 'new GetGateway fields: decide whether UpdateGateway accepts them').toEqual([]);
  });
});

/** A described client with every field set (as DescribeUserPoolClient returns it). */
export const RICH_CLIENT: UserPoolClientType = {
  UserPoolId: 'us-east-1_AbC123xyz',
  ClientName: 'copilot-studio-mcp',
  ClientId: 'client1234567890',
  ClientSecret: 'very-secret-value',
  LastModifiedDate: new Date('2026-01-02T00:00:00Z'),
  CreationDate: new Date('2026-01-01T00:00:00Z'),
  RefreshTokenValidity: 10,
  AccessTokenValidity: 30,
  IdTokenValidity: 45,
  TokenValidityUnits: { AccessToken: 'minutes', IdToken: 'minutes', RefreshToken: 'days' },
  ReadAttributes: ['email', 'email_verified', 'name'],
  WriteAttributes: ['name'],
  ExplicitAuthFlows: ['ALLOW_REFRESH_TOKEN_AUTH', 'ALLOW_USER_SRP_AUTH'],
  SupportedIdentityProviders: ['COGNITO', 'Google'],
  CallbackURLs: ['https://placeholder.example.com', 'https://app.example.com/cb'],
  LogoutURLs: ['https://app.example.com/logout'],
  DefaultRedirectURI: 'https://app.example.com/cb',
  AllowedOAuthFlows: ['code'],
  AllowedOAuthScopes: ['openid', 'email', 'mcp/invoke'],
  AllowedOAuthFlowsUserPoolClient: true,
  AnalyticsConfiguration: { ApplicationId: 'app', RoleArn: 'arn:aws:iam::123456789012:role/a', ExternalId: 'x', UserDataShared: true },
  PreventUserExistenceErrors: 'ENABLED',
  EnableTokenRevocation: true,
  EnablePropagateAdditionalUserContextData: true,
  AuthSessionValidity: 7,
  RefreshTokenRotation: { Feature: 'ENABLED', RetryGracePeriodSeconds: 10 },
  ClientType: 'REGULAR' as never,
};

/** A gateway with every field set (as GetGateway returns it). */
export const RICH_GATEWAY: GetGatewayResponse = {
  gatewayArn: 'arn:aws:bedrock-agentcore:us-east-1:123456789012:gateway/mcp-gw-abc1234567',
  gatewayId: 'mcp-gw-abc1234567',
  gatewayUrl: 'https://mcp-gw-abc1234567.gateway.bedrock-agentcore.us-east-1.amazonaws.com',
  createdAt: new Date('2026-01-01T00:00:00Z'),
  updatedAt: new Date('2026-01-02T00:00:00Z'),
  status: 'READY',
  statusReasons: [],
  name: 'mcp-gw',
  description: 'MCP tools',
  roleArn: 'arn:aws:iam::123456789012:role/gw',
  protocolType: 'MCP',
  protocolConfiguration: {
    mcp: {
      supportedVersions: ['2025-03-26', '2025-06-18'],
      instructions: 'Be helpful.',
      searchType: 'SEMANTIC',
      sessionConfiguration: { sessionTimeoutInSeconds: 1800 },
      streamingConfiguration: { enableResponseStreaming: true },
      disableMcpListToolsPagination: true,
    },
  },
  authorizerType: 'CUSTOM_JWT',
  authorizerConfiguration: {
    customJWTAuthorizer: {
      discoveryUrl: 'https://cognito-idp.us-east-1.amazonaws.com/us-east-1_AbC123xyz/.well-known/openid-configuration',
      allowedClients: ['existing1'],
      allowedScopes: ['mcp/invoke'],
      allowedAudience: ['aud1'],
      advertisedScopeMapping: { 'mcp/invoke': 'invoke' },
      customClaims: [
        { inboundTokenClaimName: 'group', inboundTokenClaimValueType: 'STRING', authorizingClaimMatchValue: { claimMatchValue: { matchValueString: 'admins' }, claimMatchOperator: 'EQUALS' } },
      ],
    },
  } as never,
  kmsKeyArn: 'arn:aws:kms:us-east-1:123456789012:key/k',
  customTransformConfiguration: { lambda: { arn: 'arn:aws:lambda:us-east-1:123456789012:function:t' } } as never,
  interceptorConfigurations: [{ interceptor: { lambda: { arn: 'arn:aws:lambda:us-east-1:123456789012:function:i' } }, interceptionPoints: ['REQUEST'] }] as never,
  policyEngineConfiguration: { arn: 'arn:aws:bedrock-agentcore:us-east-1:123456789012:policy-engine/pe', mode: 'ENFORCE' },
  workloadIdentityDetails: { workloadIdentityArn: 'arn:aws:bedrock-agentcore:us-east-1:123456789012:workload-identity-directory/default/workload-identity/x' },
  exceptionLevel: 'DEBUG',
  webAclArn: 'arn:aws:wafv2:us-east-1:123456789012:regional/webacl/w/1',
  wafConfiguration: { failureMode: 'FAIL_CLOSE' } as never,
};

const omit = <T extends object>(o: T, keys: readonly string[]) => Object.fromEntries(Object.entries(o).filter(([k]) => !keys.includes(k)));

describe('toUpdateUserPoolClientRequest', () => {
  it('copies every updatable field, keys included, and nothing output-only', () => {
    const req = toUpdateUserPoolClientRequest(RICH_CLIENT);
    expect(req).toEqual(omit(RICH_CLIENT, USER_POOL_CLIENT_OUTPUT_ONLY));
    expect(req).not.toHaveProperty('ClientSecret');
    for (const f of USER_POOL_CLIENT_FIELDS) expect(req, f).toHaveProperty(f);
  });

  it('applies the patch and leaves everything else (units travel with validities)', () => {
    const req = toUpdateUserPoolClientRequest(RICH_CLIENT, { CallbackURLs: ['https://new.example.com'] });
    expect(req.CallbackURLs).toEqual(['https://new.example.com']);
    expect(omit(req, ['CallbackURLs'])).toEqual(omit(RICH_CLIENT, [...USER_POOL_CLIENT_OUTPUT_ONLY, 'CallbackURLs']));
    expect(RICH_CLIENT.CallbackURLs).toHaveLength(2); // not mutated
  });

  it('leaves absent fields out (rather than sending undefined or null)', () => {
    const req = toUpdateUserPoolClientRequest({ UserPoolId: 'us-east-1_A1', ClientId: 'c1', ClientName: 'n', ReadAttributes: undefined });
    expect(req).toEqual({ UserPoolId: 'us-east-1_A1', ClientId: 'c1', ClientName: 'n' });
  });

  it('is what the SDK serialises: every field on the wire, no secret, no dates', async () => {
    const body = await serialisedBody(new cognitoSdk.CognitoIdentityProviderClient(stubConfig()), new cognitoSdk.UpdateUserPoolClientCommand(toUpdateUserPoolClientRequest(RICH_CLIENT)));
    expect(body).toEqual(JSON.parse(JSON.stringify(omit(RICH_CLIENT, USER_POOL_CLIENT_OUTPUT_ONLY))));
  });
});

describe('toUpdateGatewayRequest', () => {
  it('copies every updatable field, nested ones whole, and nothing output-only', () => {
    const req = toUpdateGatewayRequest(RICH_GATEWAY);
    const expected = { gatewayIdentifier: RICH_GATEWAY.gatewayId, ...omit(RICH_GATEWAY, GATEWAY_OUTPUT_ONLY) };
    expect(req).toEqual(expected);
    for (const f of GATEWAY_FIELDS) expect(req, f).toHaveProperty(f);
  });

  it('never sends an empty list or an empty string (minimum 1), keeps unknown nested members', () => {
    const got = {
      ...RICH_GATEWAY,
      description: '',
      interceptorConfigurations: [],
      authorizerConfiguration: { customJWTAuthorizer: { discoveryUrl: 'https://d/.well-known/openid-configuration', allowedClients: ['a'], allowedAudience: [], allowedScopes: [], futureField: { x: 1 } } },
    } as unknown as GetGatewayResponse;
    const req = toUpdateGatewayRequest(got) as unknown as Record<string, unknown>;
    expect(req).not.toHaveProperty('description');
    expect(req).not.toHaveProperty('interceptorConfigurations');
    expect(req.authorizerConfiguration).toEqual({ customJWTAuthorizer: { discoveryUrl: 'https://d/.well-known/openid-configuration', allowedClients: ['a'], futureField: { x: 1 } } });
  });

  it('is what the SDK serialises: every field in the PUT body, the ID in the path', async () => {
    const client = new agentcoreSdk.BedrockAgentCoreControlClient(stubConfig());
    const { body, path } = await serialised(client, new agentcoreSdk.UpdateGatewayCommand(toUpdateGatewayRequest(RICH_GATEWAY)));
    expect(path).toContain('/gateways/mcp-gw-abc1234567');
    expect(JSON.parse(body)).toEqual(JSON.parse(JSON.stringify(omit(RICH_GATEWAY, GATEWAY_OUTPUT_ONLY))));
  });
});

describe('changed fields (verification)', () => {
  it('finds nothing when the resource reads back as sent, whatever the list order', () => {
    const req = toUpdateUserPoolClientRequest(RICH_CLIENT);
    expect(changedClientFields(req, { ...RICH_CLIENT, ExplicitAuthFlows: ['ALLOW_USER_SRP_AUTH', 'ALLOW_REFRESH_TOKEN_AUTH'], LastModifiedDate: new Date() })).toEqual([]);
    expect(changedGatewayFields(toUpdateGatewayRequest(RICH_GATEWAY), { ...RICH_GATEWAY, status: 'UPDATING', updatedAt: new Date() })).toEqual([]);
  });

  it('names the fields that moved', () => {
    const req = toUpdateUserPoolClientRequest(RICH_CLIENT);
    expect(changedClientFields(req, { ...RICH_CLIENT, AccessTokenValidity: 60, TokenValidityUnits: { AccessToken: 'hours' } })).toEqual(['AccessTokenValidity', 'TokenValidityUnits']);
    expect(changedClientFields(req, { ...RICH_CLIENT, AllowedOAuthFlowsUserPoolClient: undefined })).toEqual(['AllowedOAuthFlowsUserPoolClient']);
    const gw = toUpdateGatewayRequest(RICH_GATEWAY);
    expect(changedGatewayFields(gw, { ...RICH_GATEWAY, kmsKeyArn: undefined, exceptionLevel: undefined })).toEqual(['kmsKeyArn', 'exceptionLevel']);
  });
});

// --- what the SDK puts on the wire (a request handler that answers without any network) ---

function stubConfig() {
  return {
    region: 'us-east-1',
    credentials: { accessKeyId: 'test', secretAccessKey: 'test' },
    maxAttempts: 1,
    requestHandler: {
      handle: async (request: { body?: unknown; path?: string }) => {
        captured = { body: typeof request.body === 'string' ? request.body : String(request.body ?? ''), path: request.path ?? '' };
        throw new Error('captured');
      },
    },
  };
}
let captured: { body: string; path: string } | undefined;

async function serialised(client: { send(c: unknown): Promise<unknown> }, command: unknown): Promise<{ body: string; path: string }> {
  captured = undefined;
  await client.send(command).catch(() => undefined);
  if (!captured) throw new Error('the SDK sent nothing');
  return captured;
}
async function serialisedBody(client: { send(c: unknown): Promise<unknown> }, command: unknown): Promise<unknown> {
  return JSON.parse((await serialised(client, command)).body);
}
