/**
 * The deploy pieces without AWS: CreateFunction retried (bounded) while a new role is not yet
 * assumable, never resent after a lost answer; a deterministic package (same bytes, same
 * CodeSha256); the execution role's policy is least privilege; drift is found field by field.
 */
import { execFileSync } from 'node:child_process';
import { memoryIntents } from '../../src/lib/intents.js';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { mockClient } from 'aws-sdk-client-mock';
import { CreateFunctionCommand, GetFunctionCommand, InvalidParameterValueException, LambdaClient, ResourceNotFoundException } from '@aws-sdk/client-lambda';
import { lambdaApi } from '../../src/aws/lambda.js';
import { codeSha256, crc32, zip } from '../../src/lib/zip.js';
import { desiredSettings, facadeNames, runtimePolicy, settingsDrift } from '../../src/steps/facade/resources.js';
import type { FacadeTarget } from '../../src/steps/facade/target.js';
import { parseDeployFlags, renderDeploy } from '../../src/commands/facade/deploy.js';
import { renderServe } from '../../src/commands/facade/serve.js';
import { Output } from '../../src/lib/output.js';
import { clientCommands } from '../../src/domain/oauth.js';

const settings = { region: 'us-east-1', log: () => undefined, intents: memoryIntents() };
const lambdaMock = mockClient(LambdaClient);
afterEach(() => lambdaMock.reset());

const notAssumable = () => new InvalidParameterValueException({ message: 'The role defined for the function cannot be assumed by Lambda.', $metadata: { httpStatusCode: 400 } });
const input = { FunctionName: 'f', Role: 'arn:aws:iam::123456789012:role/f-role', Runtime: 'nodejs22.x' as const, Handler: 'index.handler', Code: { ZipFile: new Uint8Array([1]) } };

describe('CreateFunction while IAM propagates a new role', () => {
  it('retries the "cannot be assumed" refusal, bounded, then succeeds', async () => {
    lambdaMock.on(CreateFunctionCommand).rejectsOnce(notAssumable()).rejectsOnce(notAssumable()).resolves({ FunctionName: 'f', State: 'Pending' });
    const slept: number[] = [];
    const api = await lambdaApi(settings, { sleep: async (n) => void slept.push(n) });
    expect(await api.createFunction(input)).toMatchObject({ FunctionName: 'f' });
    expect(lambdaMock.commandCalls(CreateFunctionCommand)).toHaveLength(3);
    expect(slept).toEqual([1, 2]);
  });

  it('gives up after the bound with a message that says to run again', async () => {
    lambdaMock.on(CreateFunctionCommand).rejects(notAssumable());
    const api = await lambdaApi(settings, { sleep: async () => undefined, roleAttempts: 3 });
    await expect(api.createFunction(input)).rejects.toThrow(/still cannot assume the role .* after 3 attempts/);
    expect(lambdaMock.commandCalls(CreateFunctionCommand)).toHaveLength(3);
  });

  it('a lost answer is looked up, not resent', async () => {
    lambdaMock.on(CreateFunctionCommand).rejects(Object.assign(new Error('socket hang up'), { code: 'ECONNRESET' }));
    lambdaMock.on(GetFunctionCommand).resolves({ Configuration: { FunctionName: 'f' } });
    const api = await lambdaApi(settings, { sleep: async () => undefined });
    expect(await api.createFunction(input)).toMatchObject({ FunctionName: 'f' });
    expect(lambdaMock.commandCalls(CreateFunctionCommand)).toHaveLength(1);
  });

  it('getFunction: a missing function is undefined', async () => {
    lambdaMock.on(GetFunctionCommand).rejects(new ResourceNotFoundException({ message: 'Function not found', $metadata: { httpStatusCode: 404 } }));
    expect(await (await lambdaApi(settings)).getFunction('nope')).toBeUndefined();
  });
});

describe('the deployment package', () => {
  it('is deterministic and a valid zip with index.mjs', () => {
    const code = Buffer.from('export const handler = async () => ({ statusCode: 200 });\n'.repeat(50));
    const a = zip([{ name: 'index.mjs', data: code }]);
    const b = zip([{ name: 'index.mjs', data: code }]);
    expect(codeSha256(a)).toBe(codeSha256(b));
    expect(codeSha256(zip([{ name: 'index.mjs', data: Buffer.concat([code, Buffer.from(' ')]) }]))).not.toBe(codeSha256(a));
    expect(crc32(Buffer.from('123456789'))).toBe(0xcbf43926);
    const dir = mkdtempSync(join(tmpdir(), 'zip-'));
    writeFileSync(join(dir, 'f.zip'), a);
    // python3's zipfile checks the CRC and sizes.
    const out = execFileSync('python3', ['-c', `import zipfile,sys;z=zipfile.ZipFile(sys.argv[1]);assert z.testzip() is None;print(z.namelist()[0], len(z.read('index.mjs')))`, join(dir, 'f.zip')]).toString();
    expect(out.trim()).toBe(`index.mjs ${code.length}`);
  });
});

describe('the execution role and the function settings', () => {
  const n = facadeNames('mcp-cognito-facade');
  it('the policy names its log group and its parameters only; kms:Decrypt only with a customer managed key, through SSM', () => {
    const p = JSON.parse(runtimePolicy(n, { region: 'eu-west-1', account: '123456789012', partition: 'aws', withSecret: true })) as { Statement: { Action: string | string[]; Resource: string | string[] }[] };
    expect(p.Statement.map((s) => s.Action)).toEqual([['logs:CreateLogGroup', 'logs:CreateLogStream', 'logs:PutLogEvents'], 'ssm:GetParameters']);
    expect(p.Statement[1]!.Resource).toEqual(['arn:aws:ssm:eu-west-1:123456789012:parameter/mcp-cognito/mcp-cognito-facade/signing-key', 'arn:aws:ssm:eu-west-1:123456789012:parameter/mcp-cognito/mcp-cognito-facade/client-secret']);
    expect(JSON.stringify(p)).not.toMatch(/"\*"|kms/);
    const withKey = JSON.parse(runtimePolicy(n, { region: 'eu-west-1', account: '123456789012', partition: 'aws', withSecret: false, kmsKeyArn: 'arn:aws:kms:eu-west-1:123456789012:key/abc' })) as { Statement: Record<string, unknown>[] };
    expect(withKey.Statement[2]).toMatchObject({ Action: 'kms:Decrypt', Resource: 'arn:aws:kms:eu-west-1:123456789012:key/abc', Condition: { StringEquals: { 'kms:ViaService': 'ssm.eu-west-1.amazonaws.com' } } });
  });

  it('the environment holds parameter names and public settings; drift is listed by field', () => {
    const t = { region: 'us-east-1', poolId: 'us-east-1_A', domainUrl: 'https://x.auth.us-east-1.amazoncognito.com', clientId: 'c1', client: { ClientSecret: 's3cr3t-value' }, gatewayId: 'gw', gatewayUrl: 'https://gw.gateway.bedrock-agentcore.us-east-1.amazonaws.com/mcp', scopes: ['openid', 'mcp/invoke'] } as FacadeTarget;
    const want = desiredSettings(t, n, 'arn:aws:iam::1:role/r', ['https://claude.ai/api/mcp/auth_callback']);
    expect(JSON.stringify(want)).not.toContain('s3cr3t-value');
    expect(want.Environment.Variables).toMatchObject({ FACADE_CLIENT_SECRET_PARAMETER: n.clientSecretParameter, FACADE_SIGNING_KEY_PARAMETER: n.signingKeyParameter, FACADE_SCOPES: 'openid mcp/invoke' });
    expect(settingsDrift({ ...want, Environment: { Variables: { ...want.Environment.Variables } } }, want)).toEqual([]);
    expect(settingsDrift({ ...want, Timeout: 3, Environment: { Variables: { ...want.Environment.Variables, FACADE_GATEWAY_URL: 'https://old/mcp', EXTRA: '1' } } }, want)).toEqual(['Timeout', 'Environment.FACADE_GATEWAY_URL', 'Environment.EXTRA']);
  });

  it('--client-metadata off is FACADE_CLIENT_METADATA=off in the environment (absent when on, so existing deploys do not drift); the flag takes on or off only', () => {
    const t = { region: 'us-east-1', poolId: 'us-east-1_A', domainUrl: 'https://x.auth.us-east-1.amazoncognito.com', clientId: 'c1', client: {}, gatewayId: 'gw', gatewayUrl: 'https://gw.gateway.bedrock-agentcore.us-east-1.amazonaws.com/mcp', scopes: [] } as unknown as FacadeTarget;
    const on = desiredSettings(t, n, 'arn:aws:iam::1:role/r', []);
    expect(on.Environment.Variables).not.toHaveProperty('FACADE_CLIENT_METADATA');
    expect(desiredSettings(t, n, 'arn:aws:iam::1:role/r', [], { clientMetadata: true }).Environment.Variables).toEqual(on.Environment.Variables);
    const off = desiredSettings(t, n, 'arn:aws:iam::1:role/r', [], { clientMetadata: false });
    expect(off.Environment.Variables.FACADE_CLIENT_METADATA).toBe('off');
    expect(settingsDrift(on, off)).toEqual(['Environment.FACADE_CLIENT_METADATA']);
    expect(parseDeployFlags({ clientMetadata: 'off' }).clientMetadata).toBe(false);
    expect(parseDeployFlags({}).clientMetadata).toBe(true);
    expect(() => parseDeployFlags({ clientMetadata: 'no' })).toThrow(/--client-metadata must be on or off/);
  });

  it('prints the codex mcp add line beside the claude one (deploy and serve)', () => {
    const mcpUrl = 'https://abc.lambda-url.us-east-1.on.aws/mcp';
    const lines = clientCommands('my-gateway', mcpUrl);
    expect(lines).toEqual({ claudeCommand: `claude mcp add --transport http my-gateway ${mcpUrl}`, codexCommand: `codex mcp add my-gateway --url ${mcpUrl}` });
    const out = new Output({ command: 'facade deploy', json: false, color: false, debug: false });
    const deployed = renderDeploy({ functionName: 'f', roleName: 'f-role', parameterNames: ['/p'], url: mcpUrl.slice(0, -4), mcpUrl, ...lines, clientId: 'c', gatewayId: 'g', codeSha256: 'x', changes: [], changed: false }, out);
    expect(deployed).toContain(`  ${lines.claudeCommand}\n`);
    expect(deployed).toContain(`  ${lines.codexCommand}`);
    const served = renderServe({ mcpUrl, ...lines, callbackUrl: 'http://127.0.0.1:8790/callback', userPoolId: 'p', clientId: 'c', gatewayId: 'g', callbackAdded: false, serving: true }, out);
    expect(served).toContain(`  ${lines.claudeCommand}\n`);
    expect(served).toContain(`  ${lines.codexCommand}`);
  });
});
