/**
 * Rules the emulator front added for issue 9's "right on real AWS" work (evidence beside each rule in
 * test/emulator/cognito-clients.ts and agentcore.ts, listed in test/emulator/README.md): Cognito's CallbackURLs rules
 * and UpdateGateway while a gateway is CREATING/UPDATING. Each test shows moto's own answer too.
 */
import { describe, expect, it } from 'vitest';
import { CreateUserPoolClientCommand, CreateUserPoolCommand, UpdateUserPoolClientCommand } from '@aws-sdk/client-cognito-identity-provider';
import { CreateGatewayCommand, GetGatewayCommand, UpdateGatewayCommand, type CreateGatewayRequest } from '@aws-sdk/client-bedrock-agentcore-control';
import { sdk, useEmulator } from './moto';

const emu = useEmulator({ gatewayDelayMs: 300 });

async function rejection(p: Promise<unknown>): Promise<{ name: string; message: string }> {
  try {
    await p;
  } catch (e) {
    return { name: (e as Error).name, message: (e as Error).message };
  }
  throw new Error('expected the request to be rejected');
}

const client = (poolId: string, CallbackURLs: string[]) =>
  new CreateUserPoolClientCommand({ UserPoolId: poolId, ClientName: 'web', AllowedOAuthFlows: ['code'], AllowedOAuthFlowsUserPoolClient: true, AllowedOAuthScopes: ['openid'], SupportedIdentityProviders: ['COGNITO'], CallbackURLs });

describe('CallbackURLs (SDK CallbackURLs doc: absolute URI, no fragment, HTTPS except loopback http, app schemes)', () => {
  it('refuses plain http to a non-loopback host, a fragment and a relative URI, on Create and Update; moto accepts them', async () => {
    const { cognito } = sdk(emu.endpoint());
    const poolId = (await cognito.send(new CreateUserPoolCommand({ PoolName: 'p' }))).UserPool!.Id!;
    for (const bad of ['http://app.example.com/cb', 'https://app.example.com/cb#x', '/relative/cb']) {
      expect(await rejection(cognito.send(client(poolId, [bad])))).toMatchObject({ name: 'InvalidParameterException', message: expect.stringContaining(`Invalid CallbackURL ${bad}`) });
      await expect(sdk(emu.motoEndpoint()).cognito.send(client(poolId, [bad]))).resolves.toBeDefined();
    }
    const ok = (await cognito.send(client(poolId, ['https://app.example.com/cb', 'http://localhost:6274/cb', 'http://127.0.0.1:9000/cb', 'http://[::1]:3000/cb', 'myapp://callback', 'com.example.app:/oauth2redirect']))).UserPoolClient!;
    expect(ok.CallbackURLs).toHaveLength(6);
    const u = await rejection(cognito.send(new UpdateUserPoolClientCommand({ UserPoolId: poolId, ClientId: ok.ClientId, ClientName: 'web', AllowedOAuthFlows: ['code'], AllowedOAuthFlowsUserPoolClient: true, AllowedOAuthScopes: ['openid'], SupportedIdentityProviders: ['COGNITO'], CallbackURLs: ['http://10.0.0.5/cb'] })));
    expect(u.name).toBe('InvalidParameterException');
  });
});

describe('UpdateGateway while the gateway is CREATING or UPDATING', () => {
  it('answers ConflictException until it is READY (moto accepts the update)', async () => {
    const { agentcore } = sdk(emu.endpoint());
    // The test moves the gateway between states itself: no timed transition to READY under it (300 ms passed
    // between CreateGateway and the first UpdateGateway on a loaded CI machine, and the update was accepted).
    emu.front().settings.gatewayDelayMs = 600_000;
    const input: CreateGatewayRequest = {
      name: 'busy-gw',
      roleArn: 'arn:aws:iam::123456789012:role/r',
      protocolType: 'MCP',
      authorizerType: 'CUSTOM_JWT',
      authorizerConfiguration: { customJWTAuthorizer: { discoveryUrl: 'https://cognito-idp.us-east-1.amazonaws.com/us-east-1_abc/.well-known/openid-configuration', allowedClients: ['a'] } },
    };
    const id = (await agentcore.send(new CreateGatewayCommand(input))).gatewayId!;
    const update = new UpdateGatewayCommand({ ...input, gatewayIdentifier: id });
    expect(await rejection(agentcore.send(update))).toMatchObject({ name: 'ConflictException', message: expect.stringContaining('CREATING') });
    await expect(sdk(emu.motoEndpoint()).agentcore.send(update)).resolves.toBeDefined();
    emu.front().gateways.setStatus(id, 'READY');
    expect((await agentcore.send(update)).status).toBe('UPDATING');
    expect(await rejection(agentcore.send(update))).toMatchObject({ name: 'ConflictException', message: expect.stringContaining('UPDATING') });
    // An UPDATE_UNSUCCESSFUL gateway can be updated (that is how it is repaired).
    emu.front().gateways.setStatus(id, 'UPDATE_UNSUCCESSFUL', ['bad role']);
    expect((await agentcore.send(update)).status).toBe('UPDATING');
    emu.front().settings.conflictWhileTransitional = false;
    expect((await agentcore.send(update)).status).toBe('UPDATING');
    expect((await agentcore.send(new GetGatewayCommand({ gatewayIdentifier: id }))).status).toBe('UPDATING');
  });
});
