/** The emulator front's fault injection, hooks and request record (test/emulator/faults.ts). */
import { describe, expect, it } from 'vitest';
import {
  CognitoIdentityProviderClient,
  CreateUserPoolClientCommand,
  CreateUserPoolCommand,
  DescribeUserPoolClientCommand,
  ListUserPoolsCommand,
  UpdateUserPoolClientCommand,
} from '@aws-sdk/client-cognito-identity-provider';
import { CreateGatewayCommand, GetGatewayCommand } from '@aws-sdk/client-bedrock-agentcore-control';
import { sdk, useEmulator } from './moto';

const emu = useEmulator();
const oneShot = () => new CognitoIdentityProviderClient({ region: 'us-east-1', endpoint: emu.endpoint(), credentials: { accessKeyId: 'test', secretAccessKey: 'test' }, maxAttempts: 1 });
const pools = async () => (await sdk(emu.motoEndpoint()).cognito.send(new ListUserPoolsCommand({ MaxResults: 60 }))).UserPools ?? [];

describe('faults', () => {
  it('throttle and server-error are answered without forwarding; the SDK retries them', async () => {
    const t = emu.front().faults.inject({ operation: 'CreateUserPool', kind: 'throttle' });
    const s = emu.front().faults.inject({ operation: 'CreateUserPool', kind: 'server-error', skip: 1 });
    await sdk(emu.endpoint()).cognito.send(new CreateUserPoolCommand({ PoolName: 'p' }));
    expect([t.fired, s.fired]).toEqual([1, 1]);
    const calls = emu.front().calls('CreateUserPool');
    expect(calls.map((c) => [c.fault, c.status, c.error])).toEqual([
      ['throttle', 400, 'TooManyRequestsException'],
      ['server-error', 500, 'InternalErrorException'],
      [undefined, 200, undefined],
    ]);
    expect(calls[0]!.input).toEqual({ PoolName: 'p' });
    expect(await pools()).toHaveLength(1);
    expect(emu.front().faults.fired.map((f) => f.kind)).toEqual(['throttle', 'server-error']);
  });

  it('AgentCore throttling is ThrottlingException, HTTP 429', async () => {
    emu.front().faults.inject({ operation: 'GetGateway', kind: 'throttle', times: 2 });
    const { agentcore } = sdk(emu.endpoint());
    const { gatewayId } = await agentcore.send(
      new CreateGatewayCommand({ name: 'gw', roleArn: 'arn:aws:iam::123456789012:role/r', protocolType: 'MCP', authorizerType: 'CUSTOM_JWT', authorizerConfiguration: { customJWTAuthorizer: { discoveryUrl: 'https://x.example.com/.well-known/openid-configuration', allowedClients: ['c'] } } }),
    );
    await agentcore.send(new GetGatewayCommand({ gatewayIdentifier: gatewayId }));
    expect(emu.front().calls('GetGateway').map((c) => [c.status, c.error])).toEqual([
      [429, 'ThrottlingException'],
      [429, 'ThrottlingException'],
      [200, undefined],
    ]);
  });

  it('reset-before: the connection drops and nothing is created', async () => {
    emu.front().faults.inject({ operation: 'CreateUserPool', kind: 'reset-before' });
    await expect(oneShot().send(new CreateUserPoolCommand({ PoolName: 'p' }))).rejects.toThrow();
    expect(await pools()).toHaveLength(0);
    const rec = emu.front().calls('CreateUserPool')[0]!;
    expect(rec.fault).toBe('reset-before');
    expect(rec.status).toBeUndefined();
  });

  it('reset-after and server-error-after: the write happened, the answer is lost or an error', async () => {
    emu.front().faults.inject({ operation: 'CreateUserPool', kind: 'reset-after' });
    await expect(oneShot().send(new CreateUserPoolCommand({ PoolName: 'lost-answer' }))).rejects.toThrow();
    emu.front().faults.inject({ operation: 'CreateUserPool', kind: 'server-error-after' });
    await expect(oneShot().send(new CreateUserPoolCommand({ PoolName: 'error-answer' }))).rejects.toMatchObject({ name: 'InternalErrorException' });
    expect((await pools()).map((p) => p.Name).sort()).toEqual(['error-answer', 'lost-answer']);
    // A retrying SDK therefore makes a duplicate: what issue 10 item 1 is about.
    emu.front().faults.inject({ operation: 'CreateUserPool', kind: 'reset-after' });
    await sdk(emu.endpoint()).cognito.send(new CreateUserPoolCommand({ PoolName: 'dup' }));
    expect((await pools()).filter((p) => p.Name === 'dup')).toHaveLength(2);
  });

  it('delay holds the request', async () => {
    emu.front().faults.inject({ operation: /^List/, kind: 'delay', delayMs: 300 });
    const t0 = Date.now();
    await sdk(emu.endpoint()).cognito.send(new ListUserPoolsCommand({ MaxResults: 10 }));
    expect(Date.now() - t0).toBeGreaterThanOrEqual(290);
  });
});

describe('hooks', () => {
  it('an after-hook on DescribeUserPoolClient changes the client before the caller writes (another writer between read and write)', async () => {
    const { cognito } = sdk(emu.endpoint());
    const poolId = (await cognito.send(new CreateUserPoolCommand({ PoolName: 'p' }))).UserPool!.Id!;
    const c = (await cognito.send(new CreateUserPoolClientCommand({ UserPoolId: poolId, ClientName: 'web', AllowedOAuthFlows: ['code'], AllowedOAuthFlowsUserPoolClient: true, AllowedOAuthScopes: ['openid'], CallbackURLs: ['https://a.example.com/cb'] }))).UserPoolClient!;
    const hook = emu.front().faults.hook({
      operation: 'DescribeUserPoolClient',
      when: 'after',
      async run(ctx) {
        expect(ctx.output?.UserPoolClient).toMatchObject({ CallbackURLs: ['https://a.example.com/cb'] });
        const cur = (await ctx.aws.cognito.send(new DescribeUserPoolClientCommand({ UserPoolId: poolId, ClientId: c.ClientId }))).UserPoolClient!;
        const { ClientSecret: _s, CreationDate: _c, LastModifiedDate: _l, ...rest } = cur;
        await ctx.aws.cognito.send(new UpdateUserPoolClientCommand({ ...rest, UserPoolId: poolId, ClientId: c.ClientId!, CallbackURLs: [...(cur.CallbackURLs ?? []), 'https://other-writer.example.com/cb'] }));
      },
    });
    // The caller reads (the hook fires after moto answered), then writes what it read plus its change.
    const read = (await cognito.send(new DescribeUserPoolClientCommand({ UserPoolId: poolId, ClientId: c.ClientId }))).UserPoolClient!;
    expect(hook.fired).toBe(1);
    const { ClientSecret: _s, CreationDate: _c, LastModifiedDate: _l, ...mine } = read;
    await cognito.send(new UpdateUserPoolClientCommand({ ...mine, UserPoolId: poolId, ClientId: c.ClientId!, CallbackURLs: [...(read.CallbackURLs ?? []), 'https://mine.example.com/cb'] }));
    const now = (await cognito.send(new DescribeUserPoolClientCommand({ UserPoolId: poolId, ClientId: c.ClientId }))).UserPoolClient!;
    // A blind read-modify-write loses the other writer's URL: what issue 10 item 2 is about.
    expect(now.CallbackURLs).toEqual(['https://a.example.com/cb', 'https://mine.example.com/cb']);
    // The hook's own requests are recorded as internal and were not hooked again.
    expect(emu.front().requests.filter((r) => r.internal).map((r) => r.operation)).toEqual(['DescribeUserPoolClient', 'UpdateUserPoolClient']);
    expect(emu.front().calls('DescribeUserPoolClient')).toHaveLength(2);
  });

  it('a before-hook runs before the request is applied; internal requests are never faulted', async () => {
    emu.front().faults.inject({ operation: 'CreateUserPool', kind: 'server-error', times: Infinity });
    const seen: string[] = [];
    emu.front().faults.hook({ operation: 'ListUserPools', when: 'before', run: async (ctx) => void seen.push(String((await ctx.aws.cognito.send(new CreateUserPoolCommand({ PoolName: 'from-hook' }))).UserPool?.Name)) });
    const listed = await sdk(emu.endpoint()).cognito.send(new ListUserPoolsCommand({ MaxResults: 10 }));
    expect(seen).toEqual(['from-hook']);
    expect(listed.UserPools?.map((p) => p.Name)).toEqual(['from-hook']);
  });
});
