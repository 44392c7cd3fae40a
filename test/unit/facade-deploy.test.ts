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
import { CreateFunctionCommand, GetFunctionCommand, InvalidParameterValueException, LambdaClient, ListTagsCommand, ResourceConflictException, ResourceNotFoundException, UpdateFunctionCodeCommand } from '@aws-sdk/client-lambda';
import { GetParametersCommand, ParameterAlreadyExists, PutParameterCommand, SSMClient } from '@aws-sdk/client-ssm';
import { CliError } from '../../src/lib/errors.js';
import { assertOurFunction, assertOurRole } from '../../src/steps/facade/ownership.js';
import { lambdaApi, readyForUpdate } from '../../src/aws/lambda.js';
import { ssmApi } from '../../src/aws/ssm.js';
import { codeSha256, crc32, zip } from '../../src/lib/zip.js';
import { desiredSettings, facadeNames, runtimePolicy, settingsDrift } from '../../src/steps/facade/resources.js';
import type { FacadeTarget } from '../../src/steps/facade/target.js';
import { parseDeployFlags, renderDeploy } from '../../src/commands/facade/deploy.js';
import { renderServe } from '../../src/commands/facade/serve.js';
import { Output } from '../../src/lib/output.js';
import { clientCommands } from '../../src/domain/oauth.js';

const settings = { region: 'us-east-1', log: () => undefined, intents: memoryIntents() };
const lambdaMock = mockClient(LambdaClient);
const ssmMock = mockClient(SSMClient);
afterEach(() => {
  lambdaMock.reset();
  ssmMock.reset();
});

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

describe('one update at a time (Lambda: ResourceConflictException while Pending or InProgress)', () => {
  const busy = () => new ResourceConflictException({ message: 'The operation cannot be performed at this time. An update is in progress for resource: arn:aws:lambda:us-east-1:123456789012:function:f', $metadata: { httpStatusCode: 409 } });
  it('waits until the function is ready and sends the update again', async () => {
    lambdaMock.on(UpdateFunctionCodeCommand).rejectsOnce(busy()).resolves({ FunctionName: 'f', LastUpdateStatus: 'InProgress' });
    lambdaMock.on(GetFunctionCommand).resolves({ Configuration: { FunctionName: 'f', State: 'Active', LastUpdateStatus: 'Successful' } });
    const api = await lambdaApi(settings);
    expect(await api.updateFunctionCode('f', new Uint8Array([1]))).toMatchObject({ LastUpdateStatus: 'InProgress' });
    expect(lambdaMock.commandCalls(UpdateFunctionCodeCommand)).toHaveLength(2);
    expect(lambdaMock.commandCalls(GetFunctionCommand).length).toBeGreaterThanOrEqual(2); // FunctionActiveV2 then FunctionUpdatedV2
  });

  it('gives up after 3 attempts with the service error', async () => {
    lambdaMock.on(UpdateFunctionCodeCommand).rejects(busy());
    lambdaMock.on(GetFunctionCommand).resolves({ Configuration: { FunctionName: 'f', State: 'Active', LastUpdateStatus: 'Successful' } });
    await expect((await lambdaApi(settings)).updateFunctionCode('f', new Uint8Array([1]))).rejects.toThrow(/update is in progress/);
    expect(lambdaMock.commandCalls(UpdateFunctionCodeCommand)).toHaveLength(3);
  });

  it('readyForUpdate: Active and not InProgress', () => {
    expect(readyForUpdate({ State: 'Active', LastUpdateStatus: 'Successful' })).toBe(true);
    expect(readyForUpdate({ State: 'Pending' })).toBe(false);
    expect(readyForUpdate({ State: 'Active', LastUpdateStatus: 'InProgress' })).toBe(false);
  });
});

describe('SSM: a parameter name deleted moments ago', () => {
  const exists = () => new ParameterAlreadyExists({ message: 'The parameter already exists.', $metadata: { httpStatusCode: 400 } });
  it('is created again after a pause, bounded, when the name reads as absent', async () => {
    ssmMock.on(PutParameterCommand).rejectsOnce(exists()).resolves({ Version: 1 });
    ssmMock.on(GetParametersCommand).resolves({ Parameters: [], InvalidParameters: ['/p'] });
    const slept: number[] = [];
    await (await ssmApi(settings, { sleep: async (n) => void slept.push(n) })).putSecureString('/p', 'v', { overwrite: false, description: 'd' });
    expect(ssmMock.commandCalls(PutParameterCommand)).toHaveLength(2);
    expect(slept).toEqual([1]);
  });

  it('a parameter that does exist is not overwritten by a create', async () => {
    ssmMock.on(PutParameterCommand).rejects(exists());
    ssmMock.on(GetParametersCommand).resolves({ Parameters: [{ Name: '/p', Type: 'SecureString', Version: 1 }] });
    await expect((await ssmApi(settings, { sleep: async () => undefined })).putSecureString('/p', 'v', { overwrite: false, description: 'd' })).rejects.toThrow();
    expect(ssmMock.commandCalls(PutParameterCommand)).toHaveLength(1);
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
    const t = { region: 'us-east-1', poolId: 'us-east-1_A', confidential: true, domainUrl: 'https://x.auth.us-east-1.amazoncognito.com', clientId: 'c1', client: { ClientSecret: 's3cr3t-value' }, gatewayId: 'gw', gatewayUrl: 'https://gw.gateway.bedrock-agentcore.us-east-1.amazonaws.com/mcp', scopes: ['openid', 'mcp/invoke'] } as FacadeTarget;
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

describe('ownership under the documented IAM policy (GetFunction shows Tags only with lambda:ListTags)', () => {
  const denied = () => Object.assign(new Error('User: arn:aws:iam::123456789012:user/dev is not authorized to perform: lambda:ListTags on resource: arn:aws:lambda:us-east-1:123456789012:function:mcp-cognito-facade'), { name: 'AccessDeniedException', $metadata: { httpStatusCode: 403 } });
  const fnWithoutTags = { Configuration: { FunctionName: 'mcp-cognito-facade', FunctionArn: 'arn:aws:lambda:us-east-1:123456789012:function:mcp-cognito-facade' } };

  it('no state record, no Tags, ListTags denied: ACCESS_DENIED naming lambda:ListTags, never "not made by mcp-cognito"', async () => {
    lambdaMock.on(GetFunctionCommand).resolves(fnWithoutTags);
    lambdaMock.on(ListTagsCommand).rejects(denied());
    const api = await lambdaApi(settings);
    const fn = (await api.getFunction('mcp-cognito-facade'))!;
    const e = await assertOurFunction(api, fn, 'mcp-cognito-facade', false, 'deploy will not take it over').catch((x: unknown) => x as CliError);
    expect(e).toBeInstanceOf(CliError);
    expect(e).toMatchObject({ code: 'ACCESS_DENIED', message: expect.stringContaining('lambda:ListTags') });
    expect((e as Error).message).not.toMatch(/not made by/);
    expect(lambdaMock.commandCalls(ListTagsCommand)[0]!.args[0].input).toEqual({ Resource: fnWithoutTags.Configuration.FunctionArn });
  });

  it('the state record is the evidence: no ListTags call, it proceeds', async () => {
    lambdaMock.on(GetFunctionCommand).resolves(fnWithoutTags);
    lambdaMock.on(ListTagsCommand).rejects(denied());
    const api = await lambdaApi(settings);
    await expect(assertOurFunction(api, (await api.getFunction('mcp-cognito-facade'))!, 'mcp-cognito-facade', true, 'x')).resolves.toBeUndefined();
    expect(lambdaMock.commandCalls(ListTagsCommand)).toHaveLength(0);
  });

  it('no record: the tags decide (ours proceeds; someone else\'s is refused); tags shown that say otherwise refuse even with a record', async () => {
    lambdaMock.on(GetFunctionCommand).resolves(fnWithoutTags);
    lambdaMock.on(ListTagsCommand).resolvesOnce({ Tags: { 'managed-by': 'mcp-cognito' } }).resolvesOnce({ Tags: { team: 'x' } });
    const api = await lambdaApi(settings);
    const fn = (await api.getFunction('mcp-cognito-facade'))!;
    await expect(assertOurFunction(api, fn, 'mcp-cognito-facade', false, 'x')).resolves.toBeUndefined();
    // (a new API: reads are answered once per run)
    await expect(assertOurFunction(await lambdaApi(settings), fn, 'mcp-cognito-facade', false, 'deploy will not take it over')).rejects.toThrow(/was not made by mcp-cognito .*deploy will not take it over/);
    await expect(assertOurFunction(api, { ...fn, Tags: { team: 'x' } }, 'mcp-cognito-facade', true, 'x')).rejects.toMatchObject({ code: 'REFUSED' });
    expect(() => assertOurRole(undefined, 'r', true, 'x')).not.toThrow();
    expect(() => assertOurRole(undefined, 'r', false, 'x')).toThrow(/IAM role named r/);
  });
});
