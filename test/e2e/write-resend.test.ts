/**
 * A full-replace update whose answer is lost is never sent again as it was (src/steps/merge.ts):
 * UpdateUserPoolClient landed, another writer then changed the client (a stale writer: it dropped
 * our URL and added its own), and the answer to our write was lost (the connection reset). Sent
 * again unchanged — what the SDK's automatic retry did — the update would take the other writer's
 * URL away and read back "fine". The CLI reads, merges and writes again instead: the second
 * UpdateUserPoolClient carries the other writer's URL, and nothing is lost.
 */
import { randomBytes } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { CreateUserPoolClientCommand, CreateUserPoolCommand, DescribeUserPoolClientCommand, UpdateUserPoolClientCommand, UpdateResourceServerCommand, CreateResourceServerCommand, DescribeResourceServerCommand } from '@aws-sdk/client-cognito-identity-provider';
import { CreateGatewayCommand, GetGatewayCommand, UpdateGatewayCommand } from '@aws-sdk/client-bedrock-agentcore-control';
import { sdk, useEmulator } from './moto';
import { runCli } from './run-cli';

const emu = useEmulator();

const FIRST = 'https://app.example.com/cb';
const OURS = 'https://ours.example.com/cb';
const THEIRS = 'https://stale-writer.example.com/cb';

describe('a write whose answer was lost is merged again, not resent', () => {
  it('add-callback: UpdateUserPoolClient landed, another writer changed the client, the answer was lost → the second write carries both URLs', async () => {
    const { cognito } = sdk(emu.endpoint());
    const poolId = (await cognito.send(new CreateUserPoolCommand({ PoolName: 'resend' }))).UserPool!.Id!;
    const client = (
      await cognito.send(
        new CreateUserPoolClientCommand({ UserPoolId: poolId, ClientName: 'web', AllowedOAuthFlows: ['code'], AllowedOAuthFlowsUserPoolClient: true, AllowedOAuthScopes: ['openid'], SupportedIdentityProviders: ['COGNITO'], CallbackURLs: [FIRST] }),
      )
    ).UserPoolClient!;
    const clientId = client.ClientId!;
    // Right after our write landed: a stale writer puts back what it read before it, plus its own URL.
    const hook = emu.front().faults.hook({
      operation: 'UpdateUserPoolClient',
      when: 'after',
      async run(ctx) {
        const c = (await ctx.aws.cognito.send(new DescribeUserPoolClientCommand({ UserPoolId: poolId, ClientId: clientId }))).UserPoolClient!;
        const { ClientSecret: _s, CreationDate: _c, LastModifiedDate: _l, ...rest } = c;
        await ctx.aws.cognito.send(new UpdateUserPoolClientCommand({ ...rest, UserPoolId: poolId, ClientId: clientId, CallbackURLs: [FIRST, THEIRS] }));
      },
    });
    // …and the answer to our write never arrives.
    emu.front().faults.inject({ operation: 'UpdateUserPoolClient', kind: 'reset-after', times: 1 });

    const run = await runCli(['add-callback', OURS, '--pool-id', poolId, '--client-id', clientId, '--yes', '--json'], { endpoint: emu.endpoint() });
    expect(run.code, run.stderr).toBe(0);
    expect(hook.fired).toBe(1);
    const updates = run.requests.filter((r) => r.operation === 'UpdateUserPoolClient').map((r) => r.input.CallbackURLs);
    expect(updates).toEqual([
      [FIRST, OURS],
      // Merged from a fresh read, not the first request again.
      expect.arrayContaining([FIRST, OURS, THEIRS]),
    ]);
    const ops = run.requests.map((r) => r.operation);
    const [u1, u2] = [ops.indexOf('UpdateUserPoolClient'), ops.lastIndexOf('UpdateUserPoolClient')];
    expect(ops.slice(u1 + 1, u2)).toContain('DescribeUserPoolClient');
    const after = (await cognito.send(new DescribeUserPoolClientCommand({ UserPoolId: poolId, ClientId: clientId }))).UserPoolClient!;
    expect([...after.CallbackURLs!].sort()).toEqual([FIRST, OURS, THEIRS].sort());
    expect(run.json()).toMatchObject({ changed: true });
  });

  it('init-pool: UpdateResourceServer landed, another writer added a scope, the answer was a 500 → read again, nothing sent again, nothing lost', async () => {
    const { cognito } = sdk(emu.endpoint());
    const poolId = (await cognito.send(new CreateUserPoolCommand({ PoolName: 'resend-rs' }))).UserPool!.Id!;
    await cognito.send(new CreateResourceServerCommand({ UserPoolId: poolId, Identifier: 'mcp', Name: 'MCP', Scopes: [{ ScopeName: 'invoke', ScopeDescription: 'Invoke' }] }));
    // Right after our write landed, another writer adds a scope; then our answer is an error (500).
    const hook = emu.front().faults.hook({
      operation: 'UpdateResourceServer',
      when: 'after',
      async run(ctx) {
        const rs = (await ctx.aws.cognito.send(new DescribeResourceServerCommand({ UserPoolId: poolId, Identifier: 'mcp' }))).ResourceServer!;
        await ctx.aws.cognito.send(new UpdateResourceServerCommand({ UserPoolId: poolId, Identifier: 'mcp', Name: rs.Name!, Scopes: [...(rs.Scopes ?? []), { ScopeName: 'theirs', ScopeDescription: 'Theirs' }] }));
      },
    });
    emu.front().faults.inject({ operation: 'UpdateResourceServer', kind: 'server-error-after', times: 1 });
    const run = await runCli(['init-pool', '--pool-id', poolId, '--domain', `resend-${randomBytes(4).toString('hex')}`, '--scope', 'invoke', '--scope', 'read=Read', '--yes', '--json'], { endpoint: emu.endpoint() });
    expect(run.code, run.stderr).toBe(0);
    expect(hook.fired).toBe(1);
    // One UpdateResourceServer: the fresh read shows our scopes there (and theirs), so nothing is sent again.
    const updates = run.requests.filter((r) => r.operation === 'UpdateResourceServer').map((r) => (r.input.Scopes as { ScopeName: string }[]).map((s) => s.ScopeName).sort());
    expect(updates).toEqual([['invoke', 'read']]);
    const rs = (await cognito.send(new DescribeResourceServerCommand({ UserPoolId: poolId, Identifier: 'mcp' }))).ResourceServer!;
    expect(rs.Scopes!.map((s) => s.ScopeName).sort()).toEqual(['invoke', 'read', 'theirs']);
  });

  it('authorize-client: a throttled UpdateGateway is not resent by the SDK: the gateway is read again, another writer\'s client kept', async () => {
    emu.front().settings.gatewayDelayMs = 0;
    const { cognito, agentcore } = sdk(emu.endpoint());
    const poolId = (await cognito.send(new CreateUserPoolCommand({ PoolName: 'resend-gw' }))).UserPool!.Id!;
    const clientId = (await cognito.send(new CreateUserPoolClientCommand({ UserPoolId: poolId, ClientName: 'agent', GenerateSecret: true }))).UserPoolClient!.ClientId!;
    const gatewayId = (
      await agentcore.send(
        new CreateGatewayCommand({
          name: 'resend-gw',
          roleArn: 'arn:aws:iam::123456789012:role/gateway-role',
          protocolType: 'MCP',
          authorizerType: 'CUSTOM_JWT',
          authorizerConfiguration: { customJWTAuthorizer: { discoveryUrl: `https://cognito-idp.us-east-1.amazonaws.com/${poolId}/.well-known/openid-configuration`, allowedClients: ['existingclient1'] } },
        }),
      )
    ).gatewayId!;
    // Our first UpdateGateway is throttled; right after it, another writer allows its own client (and the gateway is READY again).
    emu.front().faults.inject({ operation: 'UpdateGateway', kind: 'throttle', times: 1 });
    let otherWrote = false;
    emu.front().faults.hook({
      operation: 'GetGateway',
      when: 'before',
      times: 1000,
      async run(ctx) {
        if (emu.front().calls('UpdateGateway').length !== 1 || otherWrote) return;
        otherWrote = true;
        const g = await ctx.aws.agentcore.send(new GetGatewayCommand({ gatewayIdentifier: gatewayId }));
        const jwt = g.authorizerConfiguration!.customJWTAuthorizer!;
        await ctx.aws.agentcore.send(
          new UpdateGatewayCommand({ gatewayIdentifier: gatewayId, name: g.name, roleArn: g.roleArn, protocolType: g.protocolType, authorizerType: g.authorizerType, authorizerConfiguration: { customJWTAuthorizer: { ...jwt, allowedClients: [...(jwt.allowedClients ?? []), 'otherwriter1'] } } }),
        );
      },
    });
    const run = await runCli(['authorize-client', '--gateway-id', gatewayId, '--client-id', clientId, '--pool-id', poolId, '--yes', '--json'], { endpoint: emu.endpoint() });
    expect(run.code, run.stderr).toBe(0);
    expect(otherWrote).toBe(true);
    const updates = run.requests.filter((r) => r.operation === 'UpdateGateway').map((r) => ((r.input.authorizerConfiguration as any).customJWTAuthorizer.allowedClients as string[]).slice().sort());
    expect(updates).toEqual([['existingclient1', clientId].sort(), ['existingclient1', 'otherwriter1', clientId].sort()]);
    const g = await agentcore.send(new GetGatewayCommand({ gatewayIdentifier: gatewayId }));
    expect(g.authorizerConfiguration?.customJWTAuthorizer?.allowedClients?.slice().sort()).toEqual(['existingclient1', 'otherwriter1', clientId].sort());
  });
});
