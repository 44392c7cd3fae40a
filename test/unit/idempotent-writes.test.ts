/**
 * Issue 17, point 4: idempotent writes are retried (throttling included, by the SDK's retry
 * strategy: src/aws/clients.ts baseConfig), and a write that landed is success, said so:
 * AddPermission with our fixed statement ID, PutParameter (ParameterAlreadyExists holding our
 * value), NotFound on a delete, a client secret already gone. Retries on the wire:
 * idempotent-writes-wire.test.ts (aws-sdk-client-mock replaces `send`, and the SDK's retry with it).
 */
import { afterEach, describe, expect, it } from 'vitest';
import { mockClient } from 'aws-sdk-client-mock';
import { AddPermissionCommand, DeleteFunctionCommand, DeleteFunctionUrlConfigCommand, GetPolicyCommand, LambdaClient, ResourceConflictException, ResourceNotFoundException } from '@aws-sdk/client-lambda';
import { GetParametersCommand, ParameterAlreadyExists, PutParameterCommand, SSMClient } from '@aws-sdk/client-ssm';
import { CognitoIdentityProviderClient, DeleteUserPoolClientSecretCommand, ResourceNotFoundException as CognitoNotFound } from '@aws-sdk/client-cognito-identity-provider';
import { lambdaApi } from '../../src/aws/lambda.js';
import { ssmApi } from '../../src/aws/ssm.js';
import { cognitoApi } from '../../src/aws/cognito.js';
import { memoryIntents } from '../../src/lib/intents.js';

process.env.AWS_ACCESS_KEY_ID ??= 'test';
process.env.AWS_SECRET_ACCESS_KEY ??= 'test';
const lines: string[] = [];
const settings = { region: 'us-east-1', log: (l: string) => void lines.push(l), intents: memoryIntents() };
const meta = (status: number) => ({ $metadata: { httpStatusCode: status } });

const lambda = mockClient(LambdaClient);
const ssm = mockClient(SSMClient);
const cognito = mockClient(CognitoIdentityProviderClient);
afterEach(() => {
  lambda.reset();
  ssm.reset();
  cognito.reset();
  lines.length = 0;
});

const PERMISSION = { FunctionName: 'f', StatementId: 'FacadeFunctionUrlPublic', Action: 'lambda:InvokeFunctionUrl', Principal: '*', FunctionUrlAuthType: 'NONE' as const };
const policyWith = (sid: string, action: string) => JSON.stringify({ Version: '2012-10-17', Statement: [{ Sid: sid, Effect: 'Allow', Principal: '*', Action: action, Resource: 'arn:aws:lambda:us-east-1:123456789012:function:f' }] });

describe('AddPermission with our fixed statement ID', () => {
  it('"statement id already exists" with our statement there: success, said so', async () => {
    lambda.on(AddPermissionCommand).rejects(new ResourceConflictException({ message: 'The statement id (FacadeFunctionUrlPublic) provided already exists. Please provide a new statement id, or remove the existing statement.', ...meta(409) }));
    lambda.on(GetPolicyCommand).resolves({ Policy: policyWith('FacadeFunctionUrlPublic', 'lambda:InvokeFunctionUrl') });
    expect(await (await lambdaApi(settings)).addPermission(PERMISSION)).toBe('already there');
    expect(lines.join('\n')).toMatch(/FacadeFunctionUrlPublic: the statement is there already/);
  });

  it('a statement of that ID for another action is a conflict, not success', async () => {
    lambda.on(AddPermissionCommand).rejects(new ResourceConflictException({ message: 'The statement id (FacadeFunctionUrlPublic) provided already exists.', ...meta(409) }));
    lambda.on(GetPolicyCommand).resolves({ Policy: policyWith('FacadeFunctionUrlPublic', 'lambda:GetFunction') });
    await expect((await lambdaApi(settings)).addPermission(PERMISSION)).rejects.toMatchObject({ code: 'CONFLICT', message: expect.stringContaining('lambda:GetFunction') });
  });

  it('a conflict with an update in progress (no statement yet) is waited out, then added', async () => {
    lambda.on(AddPermissionCommand).rejectsOnce(new ResourceConflictException({ message: 'The operation cannot be performed at this time. An update is in progress for resource: f', ...meta(409) })).resolves({});
    lambda.on(GetPolicyCommand).rejects(new ResourceNotFoundException({ message: 'No policy', ...meta(404) }));
    expect(await (await lambdaApi(settings, { sleep: async () => undefined })).addPermission(PERMISSION)).toBe('added');
    expect(lambda.commandCalls(AddPermissionCommand)).toHaveLength(2);
  });
});

describe('Deletes whose resource is gone already are success', () => {
  it('DeleteFunction and DeleteFunctionUrlConfig: NotFound → false (already gone), said in --debug', async () => {
    lambda.on(DeleteFunctionCommand).rejects(new ResourceNotFoundException({ message: 'Function not found', ...meta(404) }));
    lambda.on(DeleteFunctionUrlConfigCommand).rejects(new ResourceNotFoundException({ message: 'not found', ...meta(404) }));
    const api = await lambdaApi(settings);
    expect(await api.deleteFunction('f')).toBe(false);
    expect(await api.deleteFunctionUrlConfig('f')).toBe(false);
    expect(lines.join('\n')).toMatch(/DeleteFunction f: already gone/);
  });

  it('DeleteUserPoolClientSecret of a secret already gone → false; deleted → true', async () => {
    cognito.on(DeleteUserPoolClientSecretCommand).rejectsOnce(new CognitoNotFound({ message: 'Secret not found', ...meta(400) })).resolves({});
    const api = await cognitoApi(settings);
    expect(await api.deleteClientSecret('us-east-1_AbC123xyz', 'c1', 's1')).toBe(false);
    expect(await api.deleteClientSecret('us-east-1_AbC123xyz', 'c1', 's2')).toBe(true);
  });
});

describe('PutParameter (a new SecureString)', () => {
  it('ParameterAlreadyExists holding our value (the first attempt landed): success', async () => {
    ssm.on(PutParameterCommand).rejects(new ParameterAlreadyExists({ message: 'The parameter already exists.', ...meta(400) }));
    ssm.on(GetParametersCommand).resolves({ Parameters: [{ Name: '/p', Value: 'ours', Type: 'SecureString', Version: 1 }] });
    expect(await (await ssmApi(settings)).putSecureString('/p', 'ours', { overwrite: false, description: 'd' })).toBe('already there');
    expect(lines.join('\n')).not.toContain('ours');
  });

  it('ParameterAlreadyExists with another value: a conflict', async () => {
    ssm.on(PutParameterCommand).rejects(new ParameterAlreadyExists({ message: 'The parameter already exists.', ...meta(400) }));
    ssm.on(GetParametersCommand).resolves({ Parameters: [{ Name: '/p', Value: 'theirs', Type: 'SecureString', Version: 1 }] });
    await expect((await ssmApi(settings)).putSecureString('/p', 'ours', { overwrite: false, description: 'd' })).rejects.toMatchObject({ code: 'CONFLICT' });
  });
});
