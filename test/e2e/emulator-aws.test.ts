/**
 * The emulator front's Lambda, IAM, SSM and Cognito rules of issue 19 (each rule's evidence is in
 * test/emulator/{lambda,iam,ssm,iam-policy,cognito,cognito-clients}.ts), asserted through the AWS SDK;
 * where moto alone answers otherwise, the test shows it by asking moto directly too.
 */
import { describe, expect, it } from 'vitest';
import { CreateFunctionCommand, GetFunctionCommand, LambdaClient, ListTagsCommand, UpdateFunctionCodeCommand, UpdateFunctionConfigurationCommand } from '@aws-sdk/client-lambda';
import { CreateAccessKeyCommand, CreateRoleCommand, CreateUserCommand, IAMClient, PutUserPolicyCommand } from '@aws-sdk/client-iam';
import { DeleteParametersCommand, GetParametersCommand, PutParameterCommand, SSMClient } from '@aws-sdk/client-ssm';
import { AddUserPoolClientSecretCommand, CreateUserPoolClientCommand, CreateUserPoolCommand, DeleteUserPoolClientSecretCommand, DeleteUserPoolCommand, DescribeUserPoolClientCommand, DescribeUserPoolCommand, ListUserPoolClientSecretsCommand, UpdateUserPoolCommand } from '@aws-sdk/client-cognito-identity-provider';
import { sdk, until, useEmulator } from './moto';

/**
 * Timed rules here last WINDOW_MS: long enough that the requests right after the change still fall inside it on a
 * loaded CI machine (a few hundred milliseconds did not always); the end of the window is then polled for.
 */
const WINDOW_MS = 1500;
const emu = useEmulator({ lambdaDelayMs: WINDOW_MS });
const config = (endpoint: string, credentials = { accessKeyId: 'test', secretAccessKey: 'test' }) => ({ region: 'us-east-1', endpoint, credentials, maxAttempts: 1 });
const TRUST = JSON.stringify({ Version: '2012-10-17', Statement: [{ Effect: 'Allow', Principal: { Service: 'lambda.amazonaws.com' }, Action: 'sts:AssumeRole' }] });
const ZIP = new Uint8Array(Buffer.from('UEsFBgAAAAAAAAAAAAAAAAAAAAAAAA==', 'base64')); // an empty zip archive

async function rejection(p: Promise<unknown>): Promise<{ name: string; message: string; status?: number }> {
  try {
    await p;
  } catch (e) {
    const x = e as { name: string; message: string; $metadata?: { httpStatusCode?: number } };
    return { name: x.name, message: x.message, ...(x.$metadata?.httpStatusCode ? { status: x.$metadata.httpStatusCode } : {}) };
  }
  throw new Error('expected a rejection');
}

async function role(name: string): Promise<string> {
  return (await new IAMClient(config(emu.endpoint())).send(new CreateRoleCommand({ RoleName: name, AssumeRolePolicyDocument: TRUST }))).Role!.Arn!;
}

const fn = (name: string, roleArn: string) => new CreateFunctionCommand({ FunctionName: name, Runtime: 'nodejs22.x', Handler: 'index.handler', Role: roleArn, Code: { ZipFile: ZIP }, Tags: { 'managed-by': 'mcp-cognito' } });

describe('Lambda', () => {
  it('a new function is Pending, then Active; an update leaves LastUpdateStatus InProgress and a second update meanwhile is a ResourceConflictException', async () => {
    const lambda = new LambdaClient(config(emu.endpoint()));
    const created = await lambda.send(fn('f1', await role('r1')));
    expect(created).toMatchObject({ State: 'Pending', StateReasonCode: 'Creating' });
    expect((await lambda.send(new GetFunctionCommand({ FunctionName: 'f1' }))).Configuration?.State).toBe('Pending');
    // moto alone: Active at once.
    expect((await new LambdaClient(config(emu.motoEndpoint())).send(new GetFunctionCommand({ FunctionName: 'f1' }))).Configuration?.State).toBe('Active');
    const early = await rejection(lambda.send(new UpdateFunctionConfigurationCommand({ FunctionName: 'f1', Timeout: 10 })));
    expect(early).toMatchObject({ name: 'ResourceConflictException', status: 409 });
    await until('f1 Active', async () => (await lambda.send(new GetFunctionCommand({ FunctionName: 'f1' }))).Configuration?.State === 'Active');
    expect((await lambda.send(new GetFunctionCommand({ FunctionName: 'f1' }))).Configuration).toMatchObject({ State: 'Active', LastUpdateStatus: 'Successful' });

    const updated = await lambda.send(new UpdateFunctionCodeCommand({ FunctionName: 'f1', ZipFile: ZIP }));
    expect(updated).toMatchObject({ State: 'Active', LastUpdateStatus: 'InProgress' });
    const second = await rejection(lambda.send(new UpdateFunctionConfigurationCommand({ FunctionName: 'f1', Timeout: 10 })));
    expect(second).toMatchObject({ name: 'ResourceConflictException', status: 409 });
    expect(second.message).toMatch(/^The operation cannot be performed at this time\. An update is in progress for resource: arn:aws:lambda:us-east-1:\d{12}:function:f1$/);
    await until('f1 update done', async () => (await lambda.send(new GetFunctionCommand({ FunctionName: 'f1' }))).Configuration?.LastUpdateStatus !== 'InProgress');
    expect((await lambda.send(new GetFunctionCommand({ FunctionName: 'f1' }))).Configuration?.LastUpdateStatus).toBe('Successful');
    await lambda.send(new UpdateFunctionConfigurationCommand({ FunctionName: 'f1', Timeout: 10 }));
  });

  it('a role created moments ago cannot be assumed by Lambda yet (InvalidParameterValueException), later it can', async () => {
    emu.front().settings.roleAssumableAfterMs = WINDOW_MS;
    const lambda = new LambdaClient(config(emu.endpoint()));
    const arn = await role('fresh');
    const e = await rejection(lambda.send(fn('f2', arn)));
    expect(e).toEqual({ name: 'InvalidParameterValueException', message: 'The role defined for the function cannot be assumed by Lambda.', status: 400 });
    // Later it can: the same request, tried again until the window has passed.
    let made: string | undefined;
    await until('role assumable', async () => {
      made = await lambda.send(fn('f2', arn)).then((r) => r.FunctionName, (x: Error) => (x.name === 'InvalidParameterValueException' ? undefined : Promise.reject(x)));
      return made !== undefined;
    });
    expect(made).toBe('f2');
  });

  it('under an enforced policy without lambda:ListTags, GetFunction has no Tags and ListTags is AccessDenied; with it, both show them', async () => {
    const iam = new IAMClient(config(emu.endpoint()));
    const arn = await role('r3');
    await new LambdaClient(config(emu.endpoint())).send(fn('f3', arn));
    const keys: Record<string, { accessKeyId: string; secretAccessKey: string }> = {};
    for (const [user, actions] of [
      ['reader', ['lambda:GetFunction']],
      ['tagreader', ['lambda:GetFunction', 'lambda:ListTags']],
    ] as const) {
      await iam.send(new CreateUserCommand({ UserName: user }));
      await iam.send(new PutUserPolicyCommand({ UserName: user, PolicyName: 'p', PolicyDocument: JSON.stringify({ Version: '2012-10-17', Statement: [{ Effect: 'Allow', Action: actions, Resource: '*' }] }) }));
      const k = (await iam.send(new CreateAccessKeyCommand({ UserName: user }))).AccessKey!;
      keys[user] = { accessKeyId: k.AccessKeyId!, secretAccessKey: k.SecretAccessKey! };
    }
    const reader = new LambdaClient(config(emu.endpoint(), keys.reader));
    const got = await reader.send(new GetFunctionCommand({ FunctionName: 'f3' }));
    expect(got.Configuration?.FunctionName).toBe('f3');
    expect(got.Tags).toBeUndefined();
    const denied = await rejection(reader.send(new ListTagsCommand({ Resource: got.Configuration!.FunctionArn! })));
    expect(denied).toMatchObject({ name: 'AccessDeniedException', status: 403 });
    expect(denied.message).toMatch(/is not authorized to perform: lambda:ListTags/);
    const tagReader = new LambdaClient(config(emu.endpoint(), keys.tagreader));
    expect((await tagReader.send(new GetFunctionCommand({ FunctionName: 'f3' }))).Tags).toEqual({ 'managed-by': 'mcp-cognito' });
    expect((await tagReader.send(new ListTagsCommand({ Resource: got.Configuration!.FunctionArn! }))).Tags).toEqual({ 'managed-by': 'mcp-cognito' });
    // The default test key is not under a policy: tags as moto gives them.
    expect((await new LambdaClient(config(emu.endpoint())).send(new GetFunctionCommand({ FunctionName: 'f3' }))).Tags).toEqual({ 'managed-by': 'mcp-cognito' });
    // Dependent actions: CreateFunction needs iam:PassRole too.
    const noPass = await rejection(new LambdaClient(config(emu.endpoint(), keys.tagreader)).send(fn('f4', arn)));
    expect(noPass).toMatchObject({ name: 'AccessDeniedException' });
    expect(emu.front().requests.filter((r) => r.denied).map((r) => r.denied)).toEqual(['lambda:ListTags', 'lambda:CreateFunction']);
  });
});

describe('SSM', () => {
  it('PutParameter with a KMS key that does not exist is InvalidKeyId (moto accepts it); alias/aws/ssm is fine', async () => {
    const ssm = new SSMClient(config(emu.endpoint()));
    const e = await rejection(ssm.send(new PutParameterCommand({ Name: '/p/a', Value: 'v', Type: 'SecureString', KeyId: 'arn:aws:kms:us-east-1:123456789012:key/00000000-0000-0000-0000-000000000000' })));
    expect(e.name).toBe('InvalidKeyId');
    expect(e.message).toMatch(/^Key 'arn:aws:kms:us-east-1:123456789012:key\/0{8}-0{4}-0{4}-0{4}-0{12}' does not exist/);
    await new SSMClient(config(emu.motoEndpoint())).send(new PutParameterCommand({ Name: '/p/moto', Value: 'v', Type: 'SecureString', KeyId: 'arn:aws:kms:us-east-1:123456789012:key/00000000-0000-0000-0000-000000000000' }));
    await ssm.send(new PutParameterCommand({ Name: '/p/a', Value: 'v', Type: 'SecureString', KeyId: 'alias/aws/ssm' }));
  });

  it('a deleted parameter name can be used again only after the window (30 s on AWS; shortened here)', async () => {
    emu.front().settings.parameterReuseAfterMs = WINDOW_MS;
    const ssm = new SSMClient(config(emu.endpoint()));
    await ssm.send(new PutParameterCommand({ Name: '/p/b', Value: 'v', Type: 'SecureString' }));
    await ssm.send(new DeleteParametersCommand({ Names: ['/p/b'] }));
    expect((await ssm.send(new GetParametersCommand({ Names: ['/p/b'] }))).InvalidParameters).toEqual(['/p/b']);
    expect((await rejection(ssm.send(new PutParameterCommand({ Name: '/p/b', Value: 'v', Type: 'SecureString' })))).name).toBe('ParameterAlreadyExists');
    await until('name reusable', async () =>
      ssm.send(new PutParameterCommand({ Name: '/p/b', Value: 'v', Type: 'SecureString' })).then(
        () => true,
        (x: Error) => (x.name === 'ParameterAlreadyExists' ? false : Promise.reject(x)),
      ),
    );
  });
});

describe('Cognito', () => {
  it('DeleteUserPool honours deletion protection (moto deletes the pool)', async () => {
    const { cognito } = sdk(emu.endpoint());
    const id = (await cognito.send(new CreateUserPoolCommand({ PoolName: 'protected', DeletionProtection: 'ACTIVE' }))).UserPool!.Id!;
    expect((await cognito.send(new DescribeUserPoolCommand({ UserPoolId: id }))).UserPool?.DeletionProtection).toBe('ACTIVE');
    const e = await rejection(cognito.send(new DeleteUserPoolCommand({ UserPoolId: id })));
    expect(e).toMatchObject({ name: 'InvalidParameterException', message: 'The user pool cannot be deleted because deletion protection is activated. Deletion protection must be inactivated first.' });
    await cognito.send(new UpdateUserPoolCommand({ UserPoolId: id, DeletionProtection: 'INACTIVE' }));
    await cognito.send(new DeleteUserPoolCommand({ UserPoolId: id }));
  });

  it('DescribeUserPoolClient shows no ClientSecret once the original secret is deleted', async () => {
    const { cognito } = sdk(emu.endpoint());
    const pool = (await cognito.send(new CreateUserPoolCommand({ PoolName: 'rot' }))).UserPool!.Id!;
    const c = (await cognito.send(new CreateUserPoolClientCommand({ UserPoolId: pool, ClientName: 'c', GenerateSecret: true }))).UserPoolClient!;
    expect(c.ClientSecret).toBeTruthy();
    await cognito.send(new AddUserPoolClientSecretCommand({ UserPoolId: pool, ClientId: c.ClientId }));
    expect((await cognito.send(new DescribeUserPoolClientCommand({ UserPoolId: pool, ClientId: c.ClientId }))).UserPoolClient?.ClientSecret).toBe(c.ClientSecret);
    const [original] = (await cognito.send(new ListUserPoolClientSecretsCommand({ UserPoolId: pool, ClientId: c.ClientId }))).ClientSecrets!;
    await cognito.send(new DeleteUserPoolClientSecretCommand({ UserPoolId: pool, ClientId: c.ClientId, ClientSecretId: original!.ClientSecretId }));
    expect((await cognito.send(new DescribeUserPoolClientCommand({ UserPoolId: pool, ClientId: c.ClientId }))).UserPoolClient?.ClientSecret).toBeUndefined();
  });
});
