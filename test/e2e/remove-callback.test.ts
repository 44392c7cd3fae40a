/**
 * remove-callback through the built binary on the emulator front (which, like AWS, resets fields
 * an UpdateUserPoolClient omits): the request carries every described field with only the URL gone.
 */
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { CreateResourceServerCommand, CreateUserPoolClientCommand, CreateUserPoolCommand, DescribeUserPoolClientCommand, type UserPoolClientType } from '@aws-sdk/client-cognito-identity-provider';
import { sdk, useEmulator } from './moto';
import { runCli, type RecordedCall } from './run-cli';

const OLD = 'https://global.consent.azure-apim.net/redirect/cr123-old';
const APP = 'https://app.example.com/callback';
const LOGOUT = 'https://app.example.com/logout';

const emu = useEmulator();

async function seed(overrides: Record<string, unknown> = {}) {
  const { cognito } = sdk(emu.endpoint());
  const pool = (await cognito.send(new CreateUserPoolCommand({ PoolName: 'mcp-gateway' }))).UserPool!;
  await cognito.send(new CreateResourceServerCommand({ UserPoolId: pool.Id, Identifier: 'mcp', Name: 'MCP', Scopes: [{ ScopeName: 'invoke', ScopeDescription: 'Invoke' }] }));
  const client = (
    await cognito.send(
      new CreateUserPoolClientCommand({
        UserPoolId: pool.Id,
        ClientName: 'copilot-studio-mcp',
        GenerateSecret: true,
        RefreshTokenValidity: 10,
        AccessTokenValidity: 30,
        IdTokenValidity: 45,
        TokenValidityUnits: { AccessToken: 'minutes', IdToken: 'minutes', RefreshToken: 'days' },
        ReadAttributes: ['email', 'name'],
        WriteAttributes: ['name'],
        ExplicitAuthFlows: ['ALLOW_REFRESH_TOKEN_AUTH', 'ALLOW_USER_SRP_AUTH'],
        SupportedIdentityProviders: ['COGNITO'],
        CallbackURLs: [OLD, APP],
        LogoutURLs: [LOGOUT, 'https://app.example.com/bye'],
        DefaultRedirectURI: OLD,
        AllowedOAuthFlows: ['code'],
        AllowedOAuthScopes: ['openid', 'email', 'mcp/invoke'],
        AllowedOAuthFlowsUserPoolClient: true,
        PreventUserExistenceErrors: 'ENABLED',
        EnableTokenRevocation: true,
        EnablePropagateAdditionalUserContextData: true,
        AuthSessionValidity: 7,
        RefreshTokenRotation: { Feature: 'ENABLED', RetryGracePeriodSeconds: 10 },
        ...overrides,
      }),
    )
  ).UserPoolClient!;
  const dir = mkdtempSync(join(tmpdir(), 'mcp-cognito-remove-callback-'));
  writeFileSync(join(dir, 'mcp-cognito.json'), JSON.stringify({ version: 1, region: 'us-east-1', userPoolId: pool.Id, clients: [{ clientId: client.ClientId, name: 'copilot-studio-mcp', preset: 'copilot-studio' }] }));
  return { poolId: pool.Id!, clientId: client.ClientId!, cognito, dir };
}

const describeClient = async (poolId: string, clientId: string): Promise<UserPoolClientType> =>
  (await sdk(emu.endpoint()).cognito.send(new DescribeUserPoolClientCommand({ UserPoolId: poolId, ClientId: clientId }))).UserPoolClient!;
const updates = (requests: RecordedCall[]) => requests.filter((r) => r.operation === 'UpdateUserPoolClient');

describe('remove-callback (emulator front)', () => {
  it('sends one UpdateUserPoolClient equal to the described client minus the URL, DefaultRedirectURI moved to the URL left', async () => {
    const { poolId, clientId, dir } = await seed();
    const before = await describeClient(poolId, clientId);
    const run = await runCli(['remove-callback', OLD, '--yes', '--json'], { endpoint: emu.endpoint(), cwd: dir });
    expect(run.code, run.stderr).toBe(0);
    const sent = updates(run.requests);
    expect(sent).toHaveLength(1);
    const { ClientSecret: _s, CreationDate: _c, LastModifiedDate: _l, CallbackURLs: _u, DefaultRedirectURI: _d, ...rest } = before as Record<string, unknown>;
    expect(sent[0]!.input).toEqual({ ...rest, CallbackURLs: [APP], DefaultRedirectURI: APP });
    const after = await describeClient(poolId, clientId);
    expect(after.CallbackURLs).toEqual([APP]);
    expect(after.DefaultRedirectURI).toBe(APP);
    expect({ ...after, CallbackURLs: 0, DefaultRedirectURI: 0, LastModifiedDate: 0 }).toEqual({ ...before, CallbackURLs: 0, DefaultRedirectURI: 0, LastModifiedDate: 0 });
    expect(run.json()).toMatchObject({ success: true, command: 'remove-callback', clientId, removed: [OLD], changed: true, callbackUrls: [APP], defaultRedirectUri: APP });
    expect(JSON.stringify(run.requests)).not.toContain(before.ClientSecret);

    // Again: not registered any more, nothing sent, exit 0.
    const again = await runCli(['remove-callback', OLD, '--yes', '--json'], { endpoint: emu.endpoint(), cwd: dir });
    expect(again.code, again.stderr).toBe(0);
    expect(updates(again.requests)).toHaveLength(0);
    expect(again.json()).toMatchObject({ changed: false, removed: [], notRegistered: [OLD] });
  });

  it('--logout removes a logout URL and keeps the callback URLs and DefaultRedirectURI', async () => {
    const { poolId, clientId, dir } = await seed();
    const before = await describeClient(poolId, clientId);
    const run = await runCli(['remove-callback', LOGOUT, '--logout', '--yes', '--json'], { endpoint: emu.endpoint(), cwd: dir });
    expect(run.code, run.stderr).toBe(0);
    const sent = updates(run.requests);
    expect(sent).toHaveLength(1);
    const { ClientSecret: _s, CreationDate: _c, LastModifiedDate: _l, LogoutURLs: _u, ...rest } = before as Record<string, unknown>;
    expect(sent[0]!.input).toEqual({ ...rest, LogoutURLs: ['https://app.example.com/bye'] });
  });

  it('refuses to remove the last callback URL of a code-flow client, sending nothing (exit 1)', async () => {
    const { poolId, clientId, dir } = await seed({ CallbackURLs: [APP], DefaultRedirectURI: APP });
    const run = await runCli(['remove-callback', APP, '--yes', '--json'], { endpoint: emu.endpoint(), cwd: dir });
    expect(run.code).toBe(1);
    expect(run.json()).toMatchObject({ success: false, error: { code: 'REFUSED', message: expect.stringContaining('needs a callback URL') } });
    expect(run.requests.filter((r) => !/^(Describe|List|Get)/.test(r.operation))).toHaveLength(0);
    expect((await describeClient(poolId, clientId)).CallbackURLs).toEqual([APP]);
  });

  it('--dry-run shows the plan and sends nothing; a malformed URL is exit 2 with no request', async () => {
    const { dir } = await seed();
    const dry = await runCli(['remove-callback', OLD, '--dry-run'], { endpoint: emu.endpoint(), cwd: dir });
    expect(dry.code, dry.stderr).toBe(0);
    expect(dry.stderr).toContain(`- ${OLD}`);
    expect(dry.stderr).toContain('~ DefaultRedirectURI');
    expect(updates(dry.requests)).toHaveLength(0);
    const bad = await runCli(['remove-callback', 'not a url'], { endpoint: emu.endpoint(), cwd: dir });
    expect(bad.code).toBe(2);
    expect(bad.requests).toHaveLength(0);
  });
});
