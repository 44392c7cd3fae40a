/**
 * add-callback through the built binary against moto. moto keeps fields that
 * UpdateUserPoolClient omits (AWS resets them), so the tests assert the recorded request.
 */
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import {
  CreateResourceServerCommand,
  CreateUserPoolClientCommand,
  CreateUserPoolCommand,
  DescribeUserPoolClientCommand,
  type UserPoolClientType,
} from '@aws-sdk/client-cognito-identity-provider';
import { sdk, useMoto } from './moto';
import { runCli, type RecordedCall } from './run-cli';

const PLACEHOLDER = 'https://placeholder.example.com';
const COPILOT = 'https://global.consent.azure-apim.net/redirect/cr123-5fmcp-20server';
const APP = 'https://app.example.com/callback';

const moto = useMoto();

/** A pool with a resource server and a client with every optional field set. */
async function seed(overrides: Record<string, unknown> = {}) {
  const { cognito } = sdk(moto.endpoint());
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
        CallbackURLs: [PLACEHOLDER, APP],
        LogoutURLs: ['https://app.example.com/logout'],
        DefaultRedirectURI: APP,
        AllowedOAuthFlows: ['code'],
        AllowedOAuthScopes: ['openid', 'email', 'mcp/invoke'],
        AllowedOAuthFlowsUserPoolClient: true,
        AnalyticsConfiguration: { ApplicationId: 'pinpoint-app', RoleArn: 'arn:aws:iam::123456789012:role/analytics', ExternalId: 'ext', UserDataShared: true },
        PreventUserExistenceErrors: 'ENABLED',
        EnableTokenRevocation: true,
        EnablePropagateAdditionalUserContextData: true,
        AuthSessionValidity: 7,
        RefreshTokenRotation: { Feature: 'ENABLED', RetryGracePeriodSeconds: 10 },
        ...overrides,
      }),
    )
  ).UserPoolClient!;
  return { poolId: pool.Id!, clientId: client.ClientId!, cognito };
}

async function describeClient(poolId: string, clientId: string): Promise<UserPoolClientType> {
  return (await sdk(moto.endpoint()).cognito.send(new DescribeUserPoolClientCommand({ UserPoolId: poolId, ClientId: clientId }))).UserPoolClient!;
}

const updates = (requests: RecordedCall[]) => requests.filter((r) => r.operation === 'UpdateUserPoolClient');

/** A working directory whose state file names the pool and the client. */
function stateDir(poolId: string, clients: { clientId: string; name: string; preset: string }[]): string {
  const dir = mkdtempSync(join(tmpdir(), 'mcp-cognito-add-callback-'));
  writeFileSync(join(dir, 'mcp-cognito.json'), JSON.stringify({ version: 1, region: 'us-east-1', userPoolId: poolId, clients }));
  return dir;
}

describe('add-callback (moto)', () => {
  it('sends one UpdateUserPoolClient carrying every described field with only CallbackURLs changed, and no secret', async () => {
    const { poolId, clientId } = await seed();
    const before = await describeClient(poolId, clientId);

    const run = await runCli(['add-callback', COPILOT, '--pool-id', poolId, '--client-id', clientId, '--yes', '--json'], { endpoint: moto.endpoint() });
    expect(run.code, run.stderr).toBe(0);

    const sent = updates(run.requests);
    expect(sent).toHaveLength(1);
    const { ClientSecret: _secret, CallbackURLs: _urls, ...rest } = before;
    expect(sent[0]!.input).toEqual({ ...rest, CallbackURLs: [APP, COPILOT] });
    expect(JSON.stringify(run.requests)).not.toContain(before.ClientSecret);
    expect(sent[0]!.input).not.toHaveProperty('ClientSecret');

    const after = await describeClient(poolId, clientId);
    expect(after.CallbackURLs).toEqual([APP, COPILOT]);
    expect({ ...after, CallbackURLs: undefined }).toEqual({ ...before, CallbackURLs: undefined });

    const out = run.json<Record<string, unknown>>();
    expect(out).toMatchObject({ success: true, command: 'add-callback', clientId, added: [COPILOT], removed: [PLACEHOLDER], changed: true, callbackUrls: [APP, COPILOT] });
    expect(run.stdout).not.toContain(before.ClientSecret);
    // Verification re-read the client after the update.
    const ops = run.requests.map((r) => r.operation);
    expect(ops.lastIndexOf('DescribeUserPoolClient')).toBeGreaterThan(ops.indexOf('UpdateUserPoolClient'));
  });

  it("an app's own scheme (myapp://callback) is registered, as Cognito accepts for native apps; javascript:, data:, file: are refused with exit 2 and no AWS request", async () => {
    const { poolId, clientId } = await seed();
    const run = await runCli(['add-callback', 'myapp://callback', '--pool-id', poolId, '--client-id', clientId, '--yes', '--json'], { endpoint: moto.endpoint() });
    expect(run.code, run.stdout + run.stderr).toBe(0);
    expect(updates(run.requests)[0]!.input.CallbackURLs).toEqual([APP, 'myapp://callback']);
    expect((await describeClient(poolId, clientId)).CallbackURLs).toEqual([APP, 'myapp://callback']);
    for (const bad of ['javascript:alert(document.cookie)', 'data:text/html,hi', 'file:///etc/passwd', 'http://app.example.com/cb']) {
      const r = await runCli(['add-callback', bad, '--pool-id', poolId, '--client-id', clientId, '--yes', '--json'], { endpoint: moto.endpoint() });
      expect(r.code, bad).toBe(2);
      expect(r.json<{ error: { code: string } }>().error.code).toBe('INVALID_INPUT');
      expect(r.requests).toEqual([]);
    }
  });

  it('sends nothing when the URL is already registered (re-run), exit 0', async () => {
    const { poolId, clientId } = await seed();
    const first = await runCli(['add-callback', COPILOT, '--pool-id', poolId, '--client-id', clientId, '--yes'], { endpoint: moto.endpoint() });
    expect(first.code, first.stderr).toBe(0);
    const again = await runCli(['add-callback', COPILOT, '--pool-id', poolId, '--client-id', clientId, '--yes', '--json'], { endpoint: moto.endpoint() });
    expect(again.code, again.stderr).toBe(0);
    expect(updates(again.requests)).toHaveLength(0);
    expect(again.json()).toMatchObject({ success: true, changed: false, added: [], removed: [] });
  });

  it('--dry-run prints the plan and the aws command with the full JSON, and changes nothing', async () => {
    const { poolId, clientId } = await seed();
    const before = await describeClient(poolId, clientId);
    const run = await runCli(['add-callback', COPILOT, '--pool-id', poolId, '--client-id', clientId, '--dry-run'], { endpoint: moto.endpoint() });
    expect(run.code, run.stderr).toBe(0);
    expect(updates(run.requests)).toHaveLength(0);
    expect(run.stderr).toContain(`+ ${COPILOT}`);
    expect(run.stderr).toContain(`- ${PLACEHOLDER}`);
    const cli = run.stderr.split('\n').find((l) => l.includes('aws cognito-idp update-user-pool-client'));
    expect(cli).toBeDefined();
    const json = JSON.parse(/--cli-input-json '(.*)'$/.exec(cli!.trim())![1]!);
    const { ClientSecret: _s, CallbackURLs: _c, ...rest } = before;
    expect(json).toEqual({ ...rest, CallbackURLs: [APP, COPILOT] });
    expect(await describeClient(poolId, clientId)).toEqual(before);
  });

  it('--dry-run --json reports the plan in the envelope', async () => {
    const { poolId, clientId } = await seed();
    const run = await runCli(['add-callback', COPILOT, '--pool-id', poolId, '--client-id', clientId, '--dry-run', '--json'], { endpoint: moto.endpoint() });
    expect(run.code, run.stderr).toBe(0);
    const out = run.json<{ dryRun: boolean; changed: boolean; plan: { action: string; awsCli: string }[] }>();
    expect(out.dryRun).toBe(true);
    expect(out.changed).toBe(false);
    expect(out.plan[0]!.action).toBe('update');
    expect(out.plan[0]!.awsCli).toContain('--cli-input-json');
    expect(updates(run.requests)).toHaveLength(0);
  });

  it('without a terminal and without --yes: exit 2, nothing sent', async () => {
    const { poolId, clientId } = await seed();
    const before = await describeClient(poolId, clientId);
    const run = await runCli(['add-callback', COPILOT, '--pool-id', poolId, '--client-id', clientId, '--json'], { endpoint: moto.endpoint() });
    expect(run.code).toBe(2);
    expect(run.json()).toMatchObject({ success: false, error: { code: 'USAGE' } });
    expect(run.json<{ error: { message: string } }>().error.message).toContain('--yes');
    expect(updates(run.requests)).toHaveLength(0);
    expect(await describeClient(poolId, clientId)).toEqual(before);
  });

  it.each([
    ['plain http', 'http://example.com/cb', 'http'],
    ['a fragment', 'https://example.com/cb#frag', 'fragment'],
    ['a wildcard', 'https://*.example.com/cb', 'wildcard'],
    ['a relative URL', 'not-a-url', 'absolute'],
    ['a URL over 1024 characters', `https://example.com/${'a'.repeat(1100)}`, '1024'],
  ])('rejects %s before calling AWS, exit 2', async (_label, url, words) => {
    const run = await runCli(['add-callback', url, '--pool-id', 'us-east-1_Abc123', '--client-id', 'abc123', '--yes', '--json'], { endpoint: moto.endpoint() });
    expect(run.code).toBe(2);
    const out = run.json<{ error: { code: string; message: string } }>();
    expect(out.error.code).toBe('INVALID_INPUT');
    expect(out.error.message).toContain(words);
    expect(run.requests).toEqual([]);
  });

  it('accepts http://localhost and warns about a near-miss (trailing slash)', async () => {
    const { poolId, clientId } = await seed();
    const run = await runCli(['add-callback', `${APP}/`, 'http://localhost:6274/oauth/callback', '--pool-id', poolId, '--client-id', clientId, '--yes'], { endpoint: moto.endpoint() });
    expect(run.code, run.stderr).toBe(0);
    expect(run.stderr).toMatch(/trailing slash/);
    expect(updates(run.requests)[0]!.input.CallbackURLs).toEqual([APP, `${APP}/`, 'http://localhost:6274/oauth/callback']);
  });

  it('replaces a placeholder DefaultRedirectURI with the new URL and says so', async () => {
    const { poolId, clientId } = await seed({ CallbackURLs: [PLACEHOLDER], DefaultRedirectURI: PLACEHOLDER });
    const run = await runCli(['add-callback', COPILOT, '--pool-id', poolId, '--client-id', clientId, '--yes'], { endpoint: moto.endpoint() });
    expect(run.code, run.stderr).toBe(0);
    expect(run.stderr).toContain(`DefaultRedirectURI: ${PLACEHOLDER} → ${COPILOT}`);
    const sent = updates(run.requests)[0]!.input;
    expect(sent.CallbackURLs).toEqual([COPILOT]);
    expect(sent.DefaultRedirectURI).toBe(COPILOT);
    expect((await describeClient(poolId, clientId)).DefaultRedirectURI).toBe(COPILOT);
  });

  it('--keep-placeholder keeps it; --logout adds to LogoutURLs only', async () => {
    const { poolId, clientId } = await seed();
    const keep = await runCli(['add-callback', COPILOT, '--keep-placeholder', '--pool-id', poolId, '--client-id', clientId, '--yes'], { endpoint: moto.endpoint() });
    expect(keep.code, keep.stderr).toBe(0);
    expect(updates(keep.requests)[0]!.input.CallbackURLs).toEqual([PLACEHOLDER, APP, COPILOT]);

    const logout = await runCli(['add-callback', 'https://app.example.com/bye', '--logout', '--pool-id', poolId, '--client-id', clientId, '--yes', '--json'], { endpoint: moto.endpoint() });
    expect(logout.code, logout.stderr).toBe(0);
    const sent = updates(logout.requests)[0]!.input;
    expect(sent.LogoutURLs).toEqual(['https://app.example.com/logout', 'https://app.example.com/bye']);
    expect(sent.CallbackURLs).toEqual([PLACEHOLDER, APP, COPILOT]);
    expect(logout.json()).toMatchObject({ list: 'logoutUrls', added: ['https://app.example.com/bye'], removed: [] });
  });

  it("defaults to the state file's pool and copilot-studio client", async () => {
    const { poolId, clientId, cognito } = await seed();
    const other = (await cognito.send(new CreateUserPoolClientCommand({ UserPoolId: poolId, ClientName: 'mcp-agent-m2m' }))).UserPoolClient!;
    const cwd = stateDir(poolId, [
      { clientId: other.ClientId!, name: 'mcp-agent-m2m', preset: 'm2m' },
      { clientId, name: 'copilot-studio-mcp', preset: 'copilot-studio' },
    ]);
    const run = await runCli(['add-callback', COPILOT, '--yes', '--json'], { endpoint: moto.endpoint(), cwd });
    expect(run.code, run.stderr).toBe(0);
    expect(updates(run.requests)).toHaveLength(1);
    expect(updates(run.requests)[0]!.input.ClientId).toBe(clientId);
  });

  it('an unknown client is NOT_FOUND (exit 1), nothing sent', async () => {
    const { poolId } = await seed();
    const run = await runCli(['add-callback', COPILOT, '--pool-id', poolId, '--client-id', 'doesnotexist1', '--yes', '--json'], { endpoint: moto.endpoint() });
    expect(run.code).toBe(1);
    expect(run.json()).toMatchObject({ success: false, error: { code: 'NOT_FOUND' } });
    expect(updates(run.requests)).toHaveLength(0);
  });
});
