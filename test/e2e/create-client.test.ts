/**
 * create-client against a moto server, through the built binary: the clients it makes (read
 * back through the SDK), the requests it sends, the state file and the dotenv file.
 */
import { readFileSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { CreateUserPoolClientCommand, DescribeUserPoolClientCommand, ListUserPoolClientsCommand } from '@aws-sdk/client-cognito-identity-provider';
import { initPoolSeed, sdk, useMoto } from './moto';
import { runCli, type CliRun } from './run-cli';

const moto = useMoto();
const writes = (r: CliRun) => r.requests.filter((q) => /^(Create|Update|Delete|Admin)/.test(q.operation)).map((q) => q.operation);
const cognito = () => sdk(moto.endpoint()).cognito;

interface ClientJson {
  success: boolean;
  clientId: string;
  clientSecret?: string;
  created: boolean;
  scopes: string[];
  allowedOAuthFlows: string[];
  callbackUrls: string[];
  differences?: string[];
  copilotStudio?: Record<string, string>;
  [k: string]: unknown;
}

/** A pool with domain p-x1 and mcp/invoke, as init-pool makes it (run for real once in the file); returns its directory (state file) and pool ID. */
const setup = initPoolSeed(moto, ['--pool-name', 'p', '--domain', 'p-x1']);
const clientsIn = async (poolId: string) => (await cognito().send(new ListUserPoolClientsCommand({ UserPoolId: poolId, MaxResults: 60 }))).UserPoolClients ?? [];
const describeClient = async (poolId: string, clientId: string) => (await cognito().send(new DescribeUserPoolClientCommand({ UserPoolId: poolId, ClientId: clientId }))).UserPoolClient!;

describe('create-client (moto)', () => {
  it('--preset copilot-studio: a code-flow client with a secret and openid email profile mcp/invoke; the state file has no secret', async () => {
    const { cwd, poolId } = await setup();
    const r = await runCli(['create-client', '--preset', 'copilot-studio', '--json'], { endpoint: moto.endpoint(), cwd });
    expect(r.code, r.stderr).toBe(0);
    const doc = r.json<ClientJson>();
    const c = await describeClient(poolId, doc.clientId);
    expect(c.ClientName).toBe('copilot-studio-mcp');
    expect(c.AllowedOAuthFlows).toEqual(['code']);
    expect(c.AllowedOAuthFlowsUserPoolClient).toBe(true);
    expect(c.ClientSecret).toBeTruthy();
    expect([...(c.AllowedOAuthScopes ?? [])].sort()).toEqual(['email', 'mcp/invoke', 'openid', 'profile']);
    expect(c.CallbackURLs).toEqual(['https://placeholder.example.com']);
    expect(c.SupportedIdentityProviders).toEqual(['COGNITO']);
    expect(writes(r)).toEqual(['CreateUserPoolClient']);

    expect(doc).toMatchObject({ success: true, command: 'create-client', created: true, preset: 'copilot-studio', clientSecret: c.ClientSecret, allowedOAuthFlows: ['code'] });
    expect(doc.copilotStudio).toEqual({
      clientId: doc.clientId,
      clientSecret: c.ClientSecret,
      authorizationUrl: 'https://p-x1.auth.us-east-1.amazoncognito.com/oauth2/authorize',
      tokenUrl: 'https://p-x1.auth.us-east-1.amazoncognito.com/oauth2/token',
      refreshUrl: 'https://p-x1.auth.us-east-1.amazoncognito.com/oauth2/token',
      scopes: 'openid email profile mcp/invoke',
    });

    const stateText = readFileSync(r.statePath, 'utf8');
    expect(stateText).not.toContain(c.ClientSecret!);
    expect(stateText).not.toMatch(/secret/i);
    expect(r.state()).toMatchObject({ userPoolId: poolId, clients: [{ clientId: doc.clientId, name: 'copilot-studio-mcp', preset: 'copilot-studio' }] });
  });

  it('prints the Copilot Studio form and the next step (human output), secret only on stdout', async () => {
    const { cwd, poolId } = await setup();
    const r = await runCli(['create-client', '--debug'], { endpoint: moto.endpoint(), cwd });
    expect(r.code, r.stderr).toBe(0);
    const [summary] = await clientsIn(poolId);
    const c = await describeClient(poolId, summary!.ClientId!);
    expect(r.stdout).toContain('Manual');
    expect(r.stdout).toMatch(new RegExp(`Client ID\\s+${c.ClientId}`));
    expect(r.stdout).toMatch(new RegExp(`Client secret\\s+${c.ClientSecret}`));
    expect(r.stdout).toMatch(/Authorization URL\s+https:\/\/p-x1\.auth\.us-east-1\.amazoncognito\.com\/oauth2\/authorize/);
    expect(r.stdout).toMatch(/Token URL template\s+https:\/\/p-x1\.auth\.us-east-1\.amazoncognito\.com\/oauth2\/token/);
    expect(r.stdout).toMatch(/Refresh URL\s+https:\/\/p-x1\.auth\.us-east-1\.amazoncognito\.com\/oauth2\/token/);
    expect(r.stdout).toMatch(/Scopes\s+openid email profile mcp\/invoke/);
    expect(r.stdout).toContain('mcp-cognito add-callback <redirect URL>');
    // --debug logs the calls, never the secret.
    expect(r.stderr).toContain('CreateUserPoolClient');
    expect(r.stderr).not.toContain(c.ClientSecret!);
    expect(readFileSync(r.statePath, 'utf8')).not.toContain(c.ClientSecret!);
  });

  it('--preset m2m: client_credentials only, a secret, custom scopes only', async () => {
    const { cwd, poolId } = await setup();
    const r = await runCli(['create-client', '--preset', 'm2m', '--json'], { endpoint: moto.endpoint(), cwd });
    expect(r.code, r.stderr).toBe(0);
    const doc = r.json<ClientJson>();
    const c = await describeClient(poolId, doc.clientId);
    expect(c.ClientName).toBe('mcp-agent-m2m');
    expect(c.AllowedOAuthFlows).toEqual(['client_credentials']);
    expect(c.AllowedOAuthScopes).toEqual(['mcp/invoke']);
    expect(c.ClientSecret).toBeTruthy();
    expect(c.CallbackURLs ?? []).toEqual([]);
    expect(doc).toMatchObject({ created: true, scopes: ['mcp/invoke'], allowedOAuthFlows: ['client_credentials'] });
    expect(doc.copilotStudio).toBeUndefined();
    expect(readFileSync(r.statePath, 'utf8')).not.toContain(c.ClientSecret!);
  });

  it('--preset web with an http://localhost callback is accepted', async () => {
    const { cwd, poolId } = await setup();
    const r = await runCli(['create-client', '--preset', 'web', '--callback-url', 'http://localhost:3000/callback', '--logout-url', 'https://app.example.com/', '--json'], { endpoint: moto.endpoint(), cwd });
    expect(r.code, r.stderr).toBe(0);
    const c = await describeClient(poolId, r.json<ClientJson>().clientId);
    expect(c.CallbackURLs).toEqual(['http://localhost:3000/callback']);
    expect(c.LogoutURLs).toEqual(['https://app.example.com/']);
    expect(c.AllowedOAuthFlows).toEqual(['code']);
  });

  it.each([
    ['m2m with --scope openid', ['--preset', 'm2m', '--scope', 'openid'], '--scope openid', true],
    ['an unknown scope', ['--scope', 'openid', '--scope', 'mcp/nope'], 'mcp/nope', false],
    ['an http:// non-loopback callback', ['--callback-url', 'http://app.example.com/cb'], '--callback-url', true],
    ['a callback with a fragment', ['--callback-url', 'https://app.example.com/cb#x'], 'fragment', true],
    ['a malformed --pool-id', ['--pool-id', 'x'], '--pool-id', true],
  ])('%s → exit 2, nothing created', async (_what, args, text, noCallAtAll) => {
    const { cwd, poolId } = await setup();
    const r = await runCli(['create-client', ...args], { endpoint: moto.endpoint(), cwd });
    expect(r.code).toBe(2);
    expect(r.stdout).toBe('');
    expect(r.stderr).toContain(text);
    expect(r.stderr).not.toMatch(/\n\s+at /);
    expect(writes(r)).toEqual([]);
    if (noCallAtAll) expect(r.requests).toEqual([]);
    expect(await clientsIn(poolId)).toEqual([]);
    expect((r.state() as { clients?: unknown }).clients).toBeUndefined();
  });

  it('adopts the client of the same name instead of creating a duplicate', async () => {
    const { cwd, poolId } = await setup();
    const first = await runCli(['create-client', '--json'], { endpoint: moto.endpoint(), cwd });
    expect(first.code, first.stderr).toBe(0);
    const second = await runCli(['create-client', '--json'], { endpoint: moto.endpoint(), cwd });
    expect(second.code, second.stderr).toBe(0);
    expect(writes(second)).toEqual([]);
    const a = first.json<ClientJson>();
    const b = second.json<ClientJson>();
    expect(b).toMatchObject({ clientId: a.clientId, created: false, clientSecret: a.clientSecret });
    expect(b.differences).toBeUndefined();
    expect(await clientsIn(poolId)).toHaveLength(1);
    expect((second.state() as { clients: unknown[] }).clients).toHaveLength(1);
  });

  it('reports how an adopted same-named client differs from the preset', async () => {
    const { cwd, poolId } = await setup();
    const seeded = await cognito().send(
      new CreateUserPoolClientCommand({ UserPoolId: poolId, ClientName: 'copilot-studio-mcp', AllowedOAuthFlowsUserPoolClient: true, AllowedOAuthFlows: ['implicit'], AllowedOAuthScopes: ['openid'], CallbackURLs: ['https://x.example.com/cb'] }),
    );
    const r = await runCli(['create-client', '--json'], { endpoint: moto.endpoint(), cwd });
    expect(r.code, r.stderr).toBe(0);
    expect(writes(r)).toEqual([]);
    const doc = r.json<ClientJson>();
    expect(doc).toMatchObject({ clientId: seeded.UserPoolClient!.ClientId, created: false, callbackUrls: ['https://x.example.com/cb'] });
    expect(doc.differences).toEqual(expect.arrayContaining([expect.stringMatching(/flows.*code/), expect.stringContaining('no secret'), expect.stringContaining('scopes missing')]));
    expect(r.stderr).toContain('differs from the copilot-studio preset');
    expect(await clientsIn(poolId)).toHaveLength(1);
  });

  it('--dry-run: no Create* request, the plan and the aws command, exit 0', async () => {
    const { cwd, poolId } = await setup();
    const before = readFileSync(join(cwd, 'mcp-cognito.json'), 'utf8');
    const r = await runCli(['create-client', '--preset', 'm2m', '--dry-run'], { endpoint: moto.endpoint(), cwd });
    expect(r.code, r.stderr).toBe(0);
    expect(writes(r)).toEqual([]);
    expect(r.stderr).toContain('+ create m2m app client "mcp-agent-m2m"');
    expect(r.stderr).toContain('$ aws cognito-idp create-user-pool-client --region us-east-1 --cli-input-json');
    expect(await clientsIn(poolId)).toEqual([]);
    expect(readFileSync(join(cwd, 'mcp-cognito.json'), 'utf8')).toBe(before);
  });

  it('--dotenv writes the credentials to a 0600 file; the state file stays secret-free', async () => {
    const { cwd, poolId } = await setup();
    const env = join(cwd, 'agent.env');
    const r = await runCli(['create-client', '--preset', 'm2m', '--dotenv', env, '--json'], { endpoint: moto.endpoint(), cwd });
    expect(r.code, r.stderr).toBe(0);
    const doc = r.json<ClientJson>();
    expect(doc.envFile).toBe(env);
    expect(statSync(env).mode & 0o777).toBe(0o600);
    const text = readFileSync(env, 'utf8');
    expect(text).toContain(`COGNITO_USER_POOL_ID=${poolId}`);
    expect(text).toContain(`COGNITO_CLIENT_ID=${doc.clientId}`);
    expect(text).toContain(`COGNITO_CLIENT_SECRET=${doc.clientSecret}`);
    expect(text).toContain('COGNITO_TOKEN_URL=https://p-x1.auth.us-east-1.amazoncognito.com/oauth2/token');
    expect(readFileSync(r.statePath, 'utf8')).not.toContain(doc.clientSecret!);
  });

  it('--env-file (to an existing file: Node 20 itself rejects a missing --env-file path) sets the keys in it, keeps its other lines, tightens it to 0600', async () => {
    const { cwd } = await setup();
    const env = join(cwd, '.env');
    writeFileSync(env, 'OLD=1\n', { mode: 0o644 });
    const r = await runCli(['create-client', '--preset', 'm2m', '--env-file', env, '--json'], { endpoint: moto.endpoint(), cwd });
    expect(r.code, r.stderr).toBe(0);
    const doc = r.json<ClientJson>();
    expect(statSync(env).mode & 0o777).toBe(0o600);
    expect(readFileSync(env, 'utf8')).toContain(`COGNITO_CLIENT_SECRET=${doc.clientSecret}`);
    expect(readFileSync(env, 'utf8')).toMatch(/^OLD=1\n/);
  });
});
