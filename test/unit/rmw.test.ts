/**
 * Read-modify-write field lists, checked against the SDK's own serialisation schemas, and the
 * requests they build, checked on what the SDK really serialises.
 */
import { describe, expect, it } from 'vitest';
import * as cognitoSdk from '@aws-sdk/client-cognito-identity-provider';
import * as agentcoreSdk from '@aws-sdk/client-bedrock-agentcore-control';
import type { GetGatewayResponse } from '@aws-sdk/client-bedrock-agentcore-control';
import { RICH_CLIENT, RICH_GATEWAY } from './rmw-fixtures.js';
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
        captured = { body: typeof request.body === 'string' ? request.body : request.body instanceof Uint8Array ? new TextDecoder().decode(request.body) : '', path: request.path ?? '' };
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
