/**
 * Rotation reaches the deployed façade (issue 18 §2), through the Lambda handler (src/facade/lambda-main.ts,
 * as the function runs it: configuration from the environment, the secret from SSM at cold start):
 * rotate-secret writes the new secret to the façade's parameter and changes the function's
 * configuration (new instances), --finish deletes the old secret, and /token keeps working on the
 * instance that configuration change started. An instance left running with the old secret would
 * fail: that is why the configuration changes.
 */
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { mockClient } from 'aws-sdk-client-mock';
import {
  AddUserPoolClientSecretCommand,
  CognitoIdentityProviderClient,
  DeleteUserPoolClientSecretCommand,
  DescribeUserPoolClientCommand,
  ListUserPoolClientSecretsCommand,
} from '@aws-sdk/client-cognito-identity-provider';
import { GetFunctionCommand, LambdaClient, UpdateFunctionConfigurationCommand } from '@aws-sdk/client-lambda';
import { GetParametersCommand, PutParameterCommand, SSMClient } from '@aws-sdk/client-ssm';
import { ENV } from '../../../src/facade/env.js';
import type { AwsLambdaGlobal, FunctionUrlEvent, ResponseStreamLike } from '../../../src/facade/lambda.js';
import { rotateSecret } from '../../../src/workflows/rotate-secret.js';
import { RICH_CLIENT } from '../rmw-fixtures.js';
import { testCtx } from '../helpers.js';
import { RefreshSeal } from '../../../src/facade/refresh.js';

const POOL = RICH_CLIENT.UserPoolId!;
const CLIENT = RICH_CLIENT.ClientId!;
const FN = 'mcp-cognito-facade';
const SECRET_PARAM = `/mcp-cognito/${FN}/client-secret`;
const KEY_PARAM = `/mcp-cognito/${FN}/signing-key`;
const HOSTED_UI = 'https://pfx.auth.us-east-1.amazoncognito.com';

const cognito = mockClient(CognitoIdentityProviderClient);
const lambda = mockClient(LambdaClient);
const ssm = mockClient(SSMClient);

/** What AWS holds: the client's secrets (id → value), the parameters, the function's environment. */
let secrets: Map<string, string>;
let params: Map<string, string>;
let env: Record<string, string>;
let configChanges = 0;

beforeEach(() => {
  secrets = new Map([[`${CLIENT}--1`, 'old-secret-value-0123456789abcdef']]);
  params = new Map([
    [SECRET_PARAM, 'old-secret-value-0123456789abcdef'],
    [KEY_PARAM, 'signing-key-0123456789-abcdefghijklmnop-XYZ'],
  ]);
  env = {
    [ENV.region]: 'us-east-1',
    [ENV.userPoolId]: POOL,
    [ENV.domainUrl]: HOSTED_UI,
    [ENV.clientId]: CLIENT,
    [ENV.gatewayUrl]: 'https://gw-abc123.gateway.bedrock-agentcore.us-east-1.amazonaws.com/mcp',
    [ENV.clientSecretParameter]: SECRET_PARAM,
    [ENV.signingKeyParameter]: KEY_PARAM,
  };
  cognito.on(DescribeUserPoolClientCommand).resolves({ UserPoolClient: RICH_CLIENT });
  cognito.on(ListUserPoolClientSecretsCommand).callsFake(async () => ({ ClientSecrets: [...secrets.keys()].map((id) => ({ ClientSecretId: id, ClientSecretCreateDate: new Date(Number(id.split('--')[1]) || 1) })) }));
  cognito.on(AddUserPoolClientSecretCommand).callsFake(async () => {
    const id = `${CLIENT}--${Date.now()}`;
    secrets.set(id, 'new-secret-value-0123456789abcdef');
    return { ClientSecretDescriptor: { ClientSecretId: id, ClientSecretValue: 'new-secret-value-0123456789abcdef', ClientSecretCreateDate: new Date() } };
  });
  cognito.on(DeleteUserPoolClientSecretCommand).callsFake(async (i: { ClientSecretId: string }) => {
    secrets.delete(i.ClientSecretId);
    return {};
  });
  // The function logs one JSON line per request.
  vi.spyOn(console, 'log').mockImplementation(() => undefined);
  ssm.on(GetParametersCommand).callsFake(async (i: { Names: string[] }) => ({ Parameters: i.Names.filter((n) => params.has(n)).map((n) => ({ Name: n, Value: params.get(n), Type: 'SecureString' })) }));
  ssm.on(PutParameterCommand).callsFake(async (i: { Name: string; Value: string }) => {
    params.set(i.Name, i.Value);
    return { Version: 2 };
  });
  lambda.on(GetFunctionCommand).callsFake(async () => ({ Configuration: { FunctionName: FN, State: 'Active', LastUpdateStatus: 'Successful', Environment: { Variables: env } } }));
  lambda.on(UpdateFunctionConfigurationCommand).callsFake(async (i: { Environment: { Variables: Record<string, string> } }) => {
    env = i.Environment.Variables;
    configChanges++;
    return { FunctionName: FN };
  });
  // Cognito's token endpoint: HTTP Basic with one of the client's secrets, or invalid_client.
  vi.stubGlobal('fetch', async (url: string, init: RequestInit) => {
    if (url !== `${HOSTED_UI}/oauth2/token`) return new Response('not found', { status: 404 });
    const basic = Buffer.from(String((init.headers as Record<string, string>).authorization).replace(/^Basic /, ''), 'base64').toString();
    const secret = decodeURIComponent(basic.slice(basic.indexOf(':') + 1));
    if (![...secrets.values()].includes(secret)) return new Response(JSON.stringify({ error: 'invalid_client' }), { status: 400 });
    return new Response(JSON.stringify({ access_token: 'eyJ.access', token_type: 'Bearer', expires_in: 3600 }), { status: 200, headers: { 'content-type': 'application/json' } });
  });
});

afterEach(() => {
  vi.unstubAllGlobals();
  vi.unstubAllEnvs();
  vi.restoreAllMocks();
  cognito.reset();
  lambda.reset();
  ssm.reset();
});

/** A fresh instance of the function (a new module: its cold start reads the parameters). */
async function instance() {
  for (const [k, v] of Object.entries(env)) vi.stubEnv(k, v);
  const awslambda: AwsLambdaGlobal = {
    streamifyResponse: (h) => h,
    HttpResponseStream: {
      from(_raw, prelude) {
        out.status = (prelude as { statusCode: number }).statusCode;
        return { write: (c) => void (out.body += typeof c === 'string' ? c : Buffer.from(c).toString()), end: () => undefined };
      },
    },
  };
  const out = { status: 0, body: '' };
  vi.stubGlobal('awslambda', awslambda);
  vi.resetModules();
  const { handler } = (await import('../../../src/facade/lambda-main.js')) as { handler: (e: FunctionUrlEvent, s: ResponseStreamLike) => Promise<void> };
  return async function token(): Promise<number> {
    out.status = 0;
    out.body = '';
    // A refresh token the façade issued (sealed with its signing key: raw Cognito tokens are refused), a new one each time.
    const sealed = new RefreshSeal([new TextEncoder().encode(params.get(KEY_PARAM)!)]).seal('REFRESH-token-value', CLIENT, Date.now());
    const body = new URLSearchParams({ grant_type: 'refresh_token', refresh_token: sealed, client_id: CLIENT }).toString();
    await handler(
      {
        rawPath: '/token',
        rawQueryString: '',
        body,
        isBase64Encoded: false,
        headers: { host: 'abc.lambda-url.us-east-1.on.aws', 'content-type': 'application/x-www-form-urlencoded' },
        requestContext: { domainName: 'abc.lambda-url.us-east-1.on.aws', http: { method: 'POST' } },
      } as FunctionUrlEvent,
      { write: () => true, end: () => undefined },
    );
    return out.status;
  };
}

describe('rotate-secret + --finish on the deployed façade\'s client, through the Lambda handler', () => {
  it('keeps /token working: the parameter holds the new secret and new instances read it; an instance left with the old one reads the parameter again when Cognito refuses it', async () => {
    const before = await instance();
    expect(await before()).toBe(200);

    const state = { version: 1, region: 'us-east-1', userPoolId: POOL, clients: [{ clientId: CLIENT, name: 'copilot-studio-mcp', preset: 'copilot-studio' }], facade: { functionName: FN, roleName: `${FN}-role`, parameterNames: [KEY_PARAM, SECRET_PARAM], region: 'us-east-1', clientId: CLIENT, created: true, callbackAdded: true, secretId: `${CLIENT}--1` } };
    const t = testCtx({ yes: true }, { state });
    const added = await rotateSecret({ finish: false }, t.ctx, () => undefined);
    expect(configChanges).toBe(1);
    // The function's configuration carries the secret's ID, never its value.
    expect(env[ENV.clientSecretId]).toBe(added.secretId);
    expect(JSON.stringify(env)).not.toContain(added.clientSecret);
    const after = await instance();
    expect(await after()).toBe(200);

    const finish = await rotateSecret({ finish: true }, t.ctx, () => undefined);
    expect(finish.deleted?.map((s) => s.secretId)).toEqual([`${CLIENT}--1`]);
    expect(await after()).toBe(200);
    // The instance started before the rotation held the deleted secret: Cognito refuses it, the instance reads the parameter again (once) and carries on.
    expect(await before()).toBe(200);
  });
});
