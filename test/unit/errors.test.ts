import { beforeEach, describe, expect, it } from 'vitest';
import { memoryIntents } from '../../src/lib/intents.js';
import { mockClient } from 'aws-sdk-client-mock';
import { CognitoIdentityProviderClient, CreateUserPoolCommand, CreateUserPoolDomainCommand, DescribeUserPoolCommand, ListUserPoolsCommand } from '@aws-sdk/client-cognito-identity-provider';
import { toCliError, type CallInfo } from '../../src/aws/errors.js';
import { redact } from '../../src/aws/clients.js';
import { cognitoApi } from '../../src/aws/cognito.js';
import { CliError } from '../../src/lib/errors.js';

const call: CallInfo = { service: 'cognito-idp', operation: 'CreateUserPool', region: 'us-east-1' };
const sdkError = (name: string, message = 'AWS said no', extra: object = {}) => Object.assign(new Error(message), { name, $metadata: { httpStatusCode: 400, requestId: 'req-1' }, ...extra });

describe('toCliError: the SDK error → CLI error table', () => {
  it('AccessDeniedException → ACCESS_DENIED naming the IAM action (cognito-idp:CreateUserPool)', () => {
    const e = toCliError(sdkError('AccessDeniedException', 'User: arn:aws:iam::1:user/x is not authorized'), call);
    expect(e).toBeInstanceOf(CliError);
    expect(e).toMatchObject({ code: 'ACCESS_DENIED', exit: 1 });
    expect(e.message).toContain('cognito-idp:CreateUserPool');
    expect(e.hint).toContain('cognito-idp:CreateUserPool');
    expect(e.hint).toContain('is not authorized');
  });

  it('AccessDenied on UpdateGateway also names iam:PassRole', () => {
    const e = toCliError(sdkError('AccessDeniedException'), { service: 'bedrock-agentcore', operation: 'UpdateGateway', region: 'us-east-1' });
    expect(e.message).toContain('bedrock-agentcore:UpdateGateway');
    expect(e.message).toContain('iam:PassRole');
  });

  it('an HTTP 403 of another name is ACCESS_DENIED too', () => {
    const e = toCliError(Object.assign(new Error('Forbidden'), { name: 'SomethingForbidden', $metadata: { httpStatusCode: 403 } }), call);
    expect(e.code).toBe('ACCESS_DENIED');
    expect(e.message).toContain('cognito-idp:CreateUserPool');
  });

  it.each(['CredentialsProviderError', 'ExpiredTokenException', 'UnrecognizedClientException', 'InvalidSignatureException'])('%s → CREDENTIALS with a hint to log in', (name) => {
    const e = toCliError(sdkError(name, 'Could not load credentials from any providers\nmore detail'), call);
    expect(e).toMatchObject({ code: 'CREDENTIALS', exit: 1 });
    expect(e.message).not.toContain('more detail');
    expect(e.hint).toContain('aws sso login');
    expect(e.hint).toContain('AWS_PROFILE');
  });

  it('ResourceNotFoundException → NOT_FOUND naming the operation and Region', () => {
    const e = toCliError(sdkError('ResourceNotFoundException', 'User pool us-east-1_x does not exist.'), { ...call, operation: 'DescribeUserPool' });
    expect(e).toMatchObject({ code: 'NOT_FOUND', exit: 1 });
    expect(e.message).toBe('User pool us-east-1_x does not exist (DescribeUserPool in us-east-1).');
    expect(e.hint).toContain('--region');
  });

  it.each([
    ['on the error', { code: 'ECONNREFUSED' }],
    ['on its cause', { cause: { code: 'ECONNREFUSED' } }],
  ])('a network error (ECONNREFUSED %s) says what could not be reached', (_w, extra) => {
    const err = Object.assign(new Error('connect ECONNREFUSED 127.0.0.1:4566'), extra);
    const e = toCliError(err, { ...call, endpoint: 'http://127.0.0.1:4566' });
    expect(e.code).toBe('AWS_ERROR');
    expect(e.message).toContain('http://127.0.0.1:4566');
    expect(e.message).toContain('ECONNREFUSED');
    expect(e.hint).toContain('--endpoint-url');
    const real = toCliError(err, call);
    expect(real.message).toContain('cognito-idp endpoint in us-east-1');
  });

  it('ConflictException → CONFLICT; throttling and quotas → AWS_ERROR with a hint', () => {
    expect(toCliError(sdkError('ConcurrentModificationException'), call).code).toBe('CONFLICT');
    const thr = toCliError(sdkError('TooManyRequestsException'), call);
    expect(thr.code).toBe('AWS_ERROR');
    expect(thr.hint).toMatch(/again/);
    expect(toCliError(sdkError('LimitExceededException'), call).hint).toContain('quota');
  });

  it('anything else → AWS_ERROR with the operation, the error name and AWS\'s message', () => {
    const e = toCliError(sdkError('InvalidParameterException', 'Domain already exists.'), { ...call, operation: 'CreateUserPoolDomain' });
    expect(e).toMatchObject({ code: 'AWS_ERROR', exit: 1, message: 'CreateUserPoolDomain failed: InvalidParameterException: Domain already exists.' });
    expect(e.cause).toBeInstanceOf(Error);
  });

  it('a CliError passes through unchanged', () => {
    const original = new CliError('x', { code: 'TIMEOUT' });
    expect(toCliError(original, call)).toBe(original);
  });
});

describe('Sender (through cognitoApi): mapping, read memoisation', () => {
  const cognito = mockClient(CognitoIdentityProviderClient);
  beforeEach(() => cognito.reset());
  const api = () => cognitoApi({ region: 'us-east-1', log: () => undefined, intents: memoryIntents() });

  it('maps a rejected call to a CliError naming the IAM action', async () => {
    cognito.on(CreateUserPoolCommand).rejects(sdkError('AccessDeniedException'));
    const err = await (await api()).createPool('p').catch((e: unknown) => e);
    expect(err).toBeInstanceOf(CliError);
    expect(err).toMatchObject({ code: 'ACCESS_DENIED', message: expect.stringContaining('cognito-idp:CreateUserPool') });
  });

  it('reads a resource once per run; a write forgets the reads it can change; fresh forces a re-read', async () => {
    cognito.on(DescribeUserPoolCommand).resolves({ UserPool: { Id: 'us-east-1_A', Name: 'p' } });
    cognito.on(CreateUserPoolCommand).resolves({ UserPool: { Id: 'us-east-1_B' } });
    cognito.on(ListUserPoolsCommand).resolves({ UserPools: [] });
    cognito.on(CreateUserPoolDomainCommand).resolves({});
    const a = await api();
    await a.describePool('us-east-1_A');
    await a.describePool('us-east-1_A');
    expect(cognito.commandCalls(DescribeUserPoolCommand)).toHaveLength(1);
    await a.describePool('us-east-1_Other');
    expect(cognito.commandCalls(DescribeUserPoolCommand)).toHaveLength(2);
    await a.listPools();
    // Creating a pool changes the pool list, not an existing pool's description.
    await a.createPool('x');
    await a.describePool('us-east-1_A');
    expect(cognito.commandCalls(DescribeUserPoolCommand)).toHaveLength(2);
    await a.listPools();
    expect(cognito.commandCalls(ListUserPoolsCommand)).toHaveLength(2);
    // A new domain shows in DescribeUserPool.
    await a.createDomain('us-east-1_A', 'd');
    await a.describePool('us-east-1_A');
    expect(cognito.commandCalls(DescribeUserPoolCommand)).toHaveLength(3);
    await a.sender.send(new DescribeUserPoolCommand({ UserPoolId: 'us-east-1_A' }), { fresh: true });
    expect(cognito.commandCalls(DescribeUserPoolCommand)).toHaveLength(4);
  });

  it('a failed read is not remembered', async () => {
    cognito.on(ListUserPoolsCommand).rejectsOnce(sdkError('InternalErrorException')).resolves({ UserPools: [] });
    const a = await api();
    await expect(a.listPools()).rejects.toBeInstanceOf(CliError);
    await expect(a.listPools()).resolves.toEqual([]);
    expect(cognito.commandCalls(ListUserPoolsCommand)).toHaveLength(2);
  });

  it('ListUserPools pagination: every page, MaxResults 60 (required by the API)', async () => {
    const pages: Record<string, { UserPools: { Id: string; Name: string }[]; NextToken?: string }> = {
      first: { UserPools: Array.from({ length: 60 }, (_, i) => ({ Id: `us-east-1_P${i}`, Name: `p${i}` })), NextToken: 't2' },
      t2: { UserPools: Array.from({ length: 60 }, (_, i) => ({ Id: `us-east-1_Q${i}`, Name: `q${i}` })), NextToken: 't3' },
      t3: { UserPools: [{ Id: 'us-east-1_Last', Name: 'last' }] },
    };
    cognito.on(ListUserPoolsCommand).callsFake(async (i: { NextToken?: string }) => pages[i.NextToken ?? 'first']);
    const pools = await (await api()).listPools();
    expect(pools).toHaveLength(121);
    expect(pools.at(-1)?.Id).toBe('us-east-1_Last');
    expect(cognito.commandCalls(ListUserPoolsCommand).map((c) => c.args[0].input)).toEqual([
      { MaxResults: 60, NextToken: undefined },
      { MaxResults: 60, NextToken: 't2' },
      { MaxResults: 60, NextToken: 't3' },
    ]);
  });
});

describe('redact (logs, --debug, the request recorder)', () => {
  it('hides secret-looking values at any depth, keeps pagination tokens', () => {
    expect(
      redact({ ClientId: 'c', ClientSecret: 's1', nested: [{ Password: 'p', AccessToken: 't', refresh_token: 'r' }], NextToken: 'n', nextToken: 'n2', SecretHash: 'h' }),
    ).toEqual({ ClientId: 'c', ClientSecret: '<redacted>', nested: [{ Password: '<redacted>', AccessToken: '<redacted>', refresh_token: '<redacted>' }], NextToken: 'n', nextToken: 'n2', SecretHash: '<redacted>' });
  });
});
