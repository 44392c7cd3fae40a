import { statSync, readFileSync, existsSync, writeFileSync, linkSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { tmpdir } from 'node:os';
import { beforeEach, describe, expect, it } from 'vitest';
import { mockClient } from 'aws-sdk-client-mock';
import {
  CognitoIdentityProviderClient,
  CreateManagedLoginBrandingCommand,
  DescribeManagedLoginBrandingByClientCommand,
  CreateUserPoolClientCommand,
  DescribeUserPoolClientCommand,
  DescribeUserPoolCommand,
  DescribeUserPoolDomainCommand,
  ListResourceServersCommand,
  ListUserPoolClientsCommand,
  type CreateUserPoolClientRequest,
  type ResourceServerType,
} from '@aws-sdk/client-cognito-identity-provider';
import { createClient, parseCreateClientFlags } from '../../src/commands/create-client.js';
import { resolveScopes } from '../../src/steps/client/create.js';
import { CliError, InputError, UsageError } from '../../src/lib/errors.js';
import { PLACEHOLDER_CALLBACK } from '../../src/domain/oauth.js';
import { stripAnsi, testCtx } from './helpers.js';

const cognito = mockClient(CognitoIdentityProviderClient);
const POOL = 'us-east-1_AbC123xyz';
const SECRET = 'super-secret-value-1234567890';
const STATE = { version: 1, region: 'us-east-1', userPoolId: POOL, domain: 'p-x1', resourceServer: { identifier: 'mcp', scopes: ['invoke'] } };
const MCP: ResourceServerType = { UserPoolId: POOL, Identifier: 'mcp', Name: 'MCP', Scopes: [{ ScopeName: 'invoke', ScopeDescription: 'Invoke' }] };

function writes(): string[] {
  return cognito
    .calls()
    .map((c) => (c.args[0] as { constructor: { name: string } }).constructor.name.replace(/Command$/, ''))
    .filter((n) => /^(Create|Update|Delete)/.test(n));
}

/** A pool with domain p-x1 (managed login version `v`), resource server mcp/invoke, no clients; creates echo the request. */
function pool(opts: { managedLoginVersion?: number; servers?: ResourceServerType[]; domain?: string | null } = {}): void {
  const domain = opts.domain === null ? undefined : (opts.domain ?? 'p-x1');
  cognito.on(DescribeUserPoolCommand).resolves({ UserPool: { Id: POOL, Name: 'p', ...(domain ? { Domain: domain } : {}) } });
  cognito.on(ListResourceServersCommand).resolves({ ResourceServers: opts.servers ?? [MCP] });
  cognito.on(ListUserPoolClientsCommand).resolves({ UserPoolClients: [] });
  cognito
    .on(DescribeUserPoolDomainCommand)
    .resolves({ DomainDescription: { Domain: domain, UserPoolId: POOL, Status: 'ACTIVE', ...(opts.managedLoginVersion ? { ManagedLoginVersion: opts.managedLoginVersion } : {}) } });
  cognito.on(CreateUserPoolClientCommand).callsFake(async (i: CreateUserPoolClientRequest) => ({ UserPoolClient: { ...i, ClientId: 'newclient123', ClientSecret: SECRET } }));
  cognito.on(CreateManagedLoginBrandingCommand).resolves({});
}

const created = (): CreateUserPoolClientRequest => cognito.commandCalls(CreateUserPoolClientCommand)[0]!.args[0].input;

beforeEach(() => {
  cognito.reset();
});

describe('createClient: presets', () => {
  it('copilot-studio: code flow, secret, COGNITO, openid email profile + mcp/invoke, placeholder callback, Copilot Studio form', async () => {
    pool();
    const t = testCtx({}, { state: STATE });
    const r = await createClient(parseCreateClientFlags({}), t.ctx);

    expect(created()).toMatchObject({
      UserPoolId: POOL,
      ClientName: 'copilot-studio-mcp',
      GenerateSecret: true,
      AllowedOAuthFlowsUserPoolClient: true,
      AllowedOAuthFlows: ['code'],
      AllowedOAuthScopes: ['openid', 'email', 'profile', 'mcp/invoke'],
      CallbackURLs: [PLACEHOLDER_CALLBACK],
      SupportedIdentityProviders: ['COGNITO'],
    });
    expect(writes()).toEqual(['CreateUserPoolClient']);
    expect(r).toMatchObject({ clientId: 'newclient123', clientSecret: SECRET, created: true, allowedOAuthFlows: ['code'] });
    expect(r.copilotStudio).toEqual({
      clientId: 'newclient123',
      clientSecret: SECRET,
      authorizationUrl: 'https://p-x1.auth.us-east-1.amazoncognito.com/oauth2/authorize',
      tokenUrl: 'https://p-x1.auth.us-east-1.amazoncognito.com/oauth2/token',
      refreshUrl: 'https://p-x1.auth.us-east-1.amazoncognito.com/oauth2/token',
      scopes: 'openid email profile mcp/invoke',
    });
    // The state file records the client, never its secret.
    expect(t.state().clients).toEqual([{ clientId: 'newclient123', name: 'copilot-studio-mcp', preset: 'copilot-studio' }]);
    expect(t.stateText()).not.toContain(SECRET);
    expect(t.stateText()).not.toMatch(/secret/i);
    // Nor is it in the progress output.
    expect(t.stderr()).not.toContain(SECRET);
  });

  it('m2m: client_credentials only, secret, custom scopes only, no callback URLs', async () => {
    pool();
    const r = await createClient(parseCreateClientFlags({ preset: 'm2m' }), testCtx({}, { state: STATE }).ctx);
    const req = created();
    expect(req).toMatchObject({ ClientName: 'mcp-agent-m2m', GenerateSecret: true, AllowedOAuthFlowsUserPoolClient: true, AllowedOAuthFlows: ['client_credentials'], AllowedOAuthScopes: ['mcp/invoke'] });
    expect(req.CallbackURLs).toBeUndefined();
    expect(r.copilotStudio).toBeUndefined();
    expect(r.callbackUrls).toEqual([]);
  });

  it('web: code flow with the given callback and logout URLs', async () => {
    pool();
    await createClient(
      parseCreateClientFlags({ preset: 'web', callbackUrl: ['https://app.example.com/cb', 'http://localhost:3000/cb'], logoutUrl: ['https://app.example.com/'] }),
      testCtx({}, { state: STATE }).ctx,
    );
    expect(created()).toMatchObject({
      ClientName: 'mcp-web',
      AllowedOAuthFlows: ['code'],
      CallbackURLs: ['https://app.example.com/cb', 'http://localhost:3000/cb'],
      LogoutURLs: ['https://app.example.com/'],
    });
  });

  it('uses the state\'s resource server scopes when the pool has several servers', async () => {
    pool({ servers: [{ ...MCP, Identifier: 'other', Scopes: [{ ScopeName: 'x', ScopeDescription: 'x' }] }, MCP] });
    await createClient(parseCreateClientFlags({ preset: 'm2m' }), testCtx({}, { state: STATE }).ctx);
    expect(created().AllowedOAuthScopes).toEqual(['mcp/invoke']);
  });

  it('accepts explicit scopes that exist in the pool', async () => {
    pool();
    await createClient(parseCreateClientFlags({ scope: ['openid', 'mcp/invoke'] }), testCtx({}, { state: STATE }).ctx);
    expect(created().AllowedOAuthScopes).toEqual(['openid', 'mcp/invoke']);
  });
});

describe('createClient: managed login branding', () => {
  it('a new code-flow client on a managed login v2 domain gets CreateManagedLoginBranding with Cognito\'s style', async () => {
    pool({ managedLoginVersion: 2 });
    await createClient(parseCreateClientFlags({}), testCtx({}, { state: STATE }).ctx);
    expect(cognito.commandCalls(CreateManagedLoginBrandingCommand).map((c) => c.args[0].input)).toEqual([{ UserPoolId: POOL, ClientId: 'newclient123', UseCognitoProvidedValues: true }]);
  });

  it('no branding for a classic (v1 or unknown version) domain', async () => {
    pool({ managedLoginVersion: 1 });
    await createClient(parseCreateClientFlags({}), testCtx({}, { state: STATE }).ctx);
    expect(cognito.commandCalls(CreateUserPoolClientCommand)).toHaveLength(1);
    expect(cognito.commandCalls(CreateManagedLoginBrandingCommand)).toHaveLength(0);
    cognito.reset();
    pool({});
    await createClient(parseCreateClientFlags({}), testCtx({}, { state: STATE }).ctx);
    expect(cognito.commandCalls(CreateManagedLoginBrandingCommand)).toHaveLength(0);
  });

  it('no branding for an m2m client (no login page), even on a v2 domain', async () => {
    pool({ managedLoginVersion: 2 });
    await createClient(parseCreateClientFlags({ preset: 'm2m' }), testCtx({}, { state: STATE }).ctx);
    expect(cognito.commandCalls(CreateManagedLoginBrandingCommand)).toHaveLength(0);
  });
});

describe('createClient: adoption', () => {
  it('adopts the client of the same name instead of creating a duplicate, and reports its differences', async () => {
    pool();
    cognito.on(ListUserPoolClientsCommand).resolves({ UserPoolClients: [{ ClientId: 'existing1', ClientName: 'copilot-studio-mcp', UserPoolId: POOL }] });
    cognito.on(DescribeUserPoolClientCommand).resolves({
      UserPoolClient: { ClientId: 'existing1', ClientName: 'copilot-studio-mcp', UserPoolId: POOL, AllowedOAuthFlowsUserPoolClient: true, AllowedOAuthFlows: ['implicit'], AllowedOAuthScopes: ['openid'], CallbackURLs: ['https://x.example.com/cb'] },
    });
    const t = testCtx({}, { state: STATE });
    const r = await createClient(parseCreateClientFlags({}), t.ctx);

    expect(writes()).toEqual([]);
    expect(cognito.commandCalls(DescribeUserPoolClientCommand)[0]!.args[0].input).toEqual({ UserPoolId: POOL, ClientId: 'existing1' });
    expect(r).toMatchObject({ clientId: 'existing1', created: false, callbackUrls: ['https://x.example.com/cb'], scopes: ['openid'] });
    expect(r.differences).toEqual(expect.arrayContaining([expect.stringContaining('code'), expect.stringContaining('no secret'), expect.stringContaining('email, profile, mcp/invoke'), expect.stringContaining('COGNITO')]));
    expect(stripAnsi(t.stderr())).toContain('differs from the copilot-studio preset');
    expect(t.state().clients).toEqual([{ clientId: 'existing1', name: 'copilot-studio-mcp', preset: 'copilot-studio' }]);
  });

  it('reports --callback-url and --logout-url values the adopted client lacks (and changes nothing)', async () => {
    pool();
    cognito.on(ListUserPoolClientsCommand).resolves({ UserPoolClients: [{ ClientId: 'w1', ClientName: 'mcp-web' }] });
    cognito.on(DescribeUserPoolClientCommand).resolves({
      UserPoolClient: { ClientId: 'w1', ClientName: 'mcp-web', ClientSecret: SECRET, AllowedOAuthFlowsUserPoolClient: true, AllowedOAuthFlows: ['code'], AllowedOAuthScopes: ['openid', 'email', 'profile', 'mcp/invoke'], SupportedIdentityProviders: ['COGNITO'], CallbackURLs: ['https://app.example.com/cb'] },
    });
    const t = testCtx({}, { state: STATE });
    const r = await createClient(parseCreateClientFlags({ preset: 'web', callbackUrl: ['https://app.example.com/cb', 'https://app.example.com/new'], logoutUrl: ['https://app.example.com/'] }), t.ctx);
    expect(writes()).toEqual([]);
    expect(r.differences).toEqual([
      'callback URLs missing: https://app.example.com/new (add them with mcp-cognito add-callback)',
      'logout URLs missing: https://app.example.com/ (add them with mcp-cognito add-callback --logout)',
    ]);
    expect(stripAnsi(t.stderr())).toContain('https://app.example.com/new');
  });

  it('finds the same-named client on a later page of ListUserPoolClients', async () => {
    pool();
    cognito.on(ListUserPoolClientsCommand).callsFake(async (i: { NextToken?: string }) =>
      i.NextToken === 'p2' ? { UserPoolClients: [{ ClientId: 'existing2', ClientName: 'mcp-agent-m2m' }] } : { UserPoolClients: [], NextToken: 'p2' },
    );
    cognito.on(DescribeUserPoolClientCommand).resolves({
      UserPoolClient: { ClientId: 'existing2', ClientName: 'mcp-agent-m2m', ClientSecret: SECRET, AllowedOAuthFlowsUserPoolClient: true, AllowedOAuthFlows: ['client_credentials'], AllowedOAuthScopes: ['mcp/invoke'] },
    });
    const r = await createClient(parseCreateClientFlags({ preset: 'm2m' }), testCtx({}, { state: STATE }).ctx);
    expect(cognito.commandCalls(ListUserPoolClientsCommand)).toHaveLength(2);
    expect(writes()).toEqual([]);
    expect(r).toMatchObject({ clientId: 'existing2', created: false, clientSecret: SECRET });
    expect(r.differences).toBeUndefined();
  });

  it('two clients with the name → CONFLICT (exit 1), nothing created', async () => {
    pool();
    cognito.on(ListUserPoolClientsCommand).resolves({
      UserPoolClients: [
        { ClientId: 'a1', ClientName: 'copilot-studio-mcp' },
        { ClientId: 'a2', ClientName: 'copilot-studio-mcp' },
      ],
    });
    const err = await createClient(parseCreateClientFlags({}), testCtx({}, { state: STATE }).ctx).catch((e: unknown) => e);
    expect(err).toMatchObject({ code: 'CONFLICT', exit: 1 });
    expect(writes()).toEqual([]);
  });
});

describe('createClient: invalid input creates nothing (exit 2)', () => {
  it('an unknown custom scope is rejected after reading the pool, before any create', async () => {
    pool();
    const err = await createClient(parseCreateClientFlags({ scope: ['openid', 'mcp/nope'] }), testCtx({}, { state: STATE }).ctx).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(InputError);
    expect((err as CliError).exit).toBe(2);
    expect((err as Error).message).toContain('mcp/nope');
    expect((err as Error).message).toContain('mcp/invoke');
    expect(writes()).toEqual([]);
  });

  it('an m2m client on a pool with no custom scope', async () => {
    pool({ servers: [] });
    const err = await createClient(parseCreateClientFlags({ preset: 'm2m' }), testCtx({}, { state: STATE }).ctx).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(InputError);
    expect(writes()).toEqual([]);
  });

  it('no pool (no --pool-id, no state file): usage error naming --pool-id, no AWS call', async () => {
    const err = await createClient(parseCreateClientFlags({}), testCtx().ctx).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(UsageError);
    expect((err as Error).message).toContain('--pool-id');
    expect(cognito.calls()).toHaveLength(0);
  });

  it.each([
    ['m2m with an OIDC scope', { preset: 'm2m', scope: ['openid'] }, '--scope openid'],
    ['m2m with a callback URL', { preset: 'm2m', callbackUrl: ['https://a.example.com'] }, '--callback-url'],
    ['an unknown preset', { preset: 'mobile' }, '--preset'],
    ['an http:// non-loopback callback', { callbackUrl: ['http://app.example.com/cb'] }, '--callback-url'],
    ['a callback with a fragment', { callbackUrl: ['https://app.example.com/cb#x'] }, '--callback-url'],
    ['a wildcard callback', { callbackUrl: ['https://*.example.com/cb'] }, '--callback-url'],
    ['a relative logout URL', { logoutUrl: ['/logout'] }, '--logout-url'],
    ['a scope with a space', { scope: ['a b'] }, '--scope'],
    ['a bad name', { name: 'bad/name' }, '--name'],
  ])('%s → InputError naming the flag', (_what, flags, text) => {
    let err: unknown;
    try {
      parseCreateClientFlags(flags);
    } catch (e) {
      err = e;
    }
    expect(err).toBeInstanceOf(InputError);
    expect((err as CliError).exit).toBe(2);
    expect((err as Error).message).toContain(text);
  });

  it('web without a callback URL → usage error', () => {
    expect(() => parseCreateClientFlags({ preset: 'web' })).toThrow(UsageError);
  });

  it('allows http:// for localhost, 127.0.0.1 and [::1]', () => {
    const urls = ['http://localhost:6274/callback', 'http://127.0.0.1/cb', 'http://[::1]:8080/cb'];
    expect(parseCreateClientFlags({ callbackUrl: urls }).callbackUrls).toEqual(urls);
  });

  it('an --env-file target that cannot be written is refused before anything is created (exit 2)', () => {
    const bad = (f: Parameters<typeof parseCreateClientFlags>[0]) => expect(() => parseCreateClientFlags(f)).toThrow(InputError);
    bad({ dotenv: '/nonexistent-dir-for-test/y.env' });
    bad({ envFile: '/dev/null/y.env' });
    bad({ envFile: tmpdir() }); // a directory, not a file
    bad({ envFile: ' ' });
    expect(parseCreateClientFlags({ envFile: join(tmpdir(), 'ok.env') }).envFile).toBe(join(tmpdir(), 'ok.env'));
  });

  it('--dotenv is the same as --env-file', () => {
    expect(parseCreateClientFlags({ dotenv: '.env' }).envFile).toBe('.env');
    expect(parseCreateClientFlags({ envFile: 'a.env' }).envFile).toBe('a.env');
  });
});

describe('createClient: --dry-run and --env-file', () => {
  it('--dry-run plans the create with its aws command, sends no Create*, writes neither state nor env file', async () => {
    pool();
    const t = testCtx({ dryRun: true }, { state: STATE });
    const before = t.stateText();
    const env = join(t.dir, 'x.env');
    const r = await createClient(parseCreateClientFlags({ envFile: env }), t.ctx);
    expect(writes()).toEqual([]);
    expect(t.ctx.planned).toEqual([expect.objectContaining({ action: 'create', awsCli: expect.stringContaining('aws cognito-idp create-user-pool-client --region us-east-1 --cli-input-json') })]);
    expect(t.ctx.planned[0]!.awsCli).toContain('"AllowedOAuthFlows":["code"]');
    expect(r.created).toBe(false);
    expect(t.stateText()).toBe(before);
    expect(existsSync(env)).toBe(false);
  });

  it('--env-file writes the credentials, secret included, with mode 0600', async () => {
    pool();
    const t = testCtx({}, { state: STATE });
    const env = join(t.dir, 'creds.env');
    const r = await createClient(parseCreateClientFlags({ preset: 'm2m', envFile: env }), t.ctx);
    expect(r.envFile).toBe(env);
    expect(statSync(env).mode & 0o777).toBe(0o600);
    const text = readFileSync(env, 'utf8');
    expect(text).toContain(`COGNITO_CLIENT_ID=newclient123`);
    expect(text).toContain(`COGNITO_CLIENT_SECRET=${SECRET}`);
    expect(text).toContain('COGNITO_TOKEN_URL=https://p-x1.auth.us-east-1.amazoncognito.com/oauth2/token');
    expect(text).toContain('COGNITO_SCOPES=mcp/invoke');
    expect(t.stateText()).not.toContain(SECRET);
  });

  it('--env-file over an existing world-readable file: the secret never lands in the old (0644) file', async () => {
    pool();
    const t = testCtx({}, { state: STATE });
    const env = join(t.dir, '.env');
    writeFileSync(env, 'OLD=1\n', { mode: 0o644 });
    linkSync(env, join(t.dir, 'old-inode'));
    await createClient(parseCreateClientFlags({ preset: 'm2m', envFile: env }), t.ctx);
    expect(readFileSync(join(t.dir, 'old-inode'), 'utf8')).toBe('OLD=1\n');
    expect(statSync(env).mode & 0o777).toBe(0o600);
    expect(readFileSync(env, 'utf8')).toContain(SECRET);
    expect(readdirSync(t.dir).filter((f) => f.endsWith('.tmp'))).toEqual([]);
  });

  it('warns when the pool has no domain, and gives no OAuth URLs', async () => {
    pool({ domain: null });
    const t = testCtx({}, { state: STATE });
    const r = await createClient(parseCreateClientFlags({}), t.ctx);
    expect(stripAnsi(t.stderr())).toContain('no hosted-UI domain');
    expect(r.authorizationUrl).toBeUndefined();
    expect(r.copilotStudio?.tokenUrl).toBeUndefined();
  });
});

describe('resolveScopes', () => {
  it('copilot-studio defaults to OIDC + every custom scope, m2m to custom only', () => {
    const servers: ResourceServerType[] = [{ Identifier: 'mcp', Name: 'x', Scopes: [{ ScopeName: 'invoke', ScopeDescription: 'x' }, { ScopeName: 'admin', ScopeDescription: 'y' }] }];
    expect(resolveScopes(parseCreateClientFlags({}), servers)).toEqual(['openid', 'email', 'profile', 'mcp/invoke', 'mcp/admin']);
    expect(resolveScopes(parseCreateClientFlags({ preset: 'm2m' }), servers)).toEqual(['mcp/invoke', 'mcp/admin']);
  });
});

describe('createClient: state file and resumability', () => {
  it('records the pool with the client when the state file has none (create-client --pool-id in a fresh directory)', async () => {
    pool();
    const t = testCtx({}, { env: { AWS_REGION: 'us-east-1' } });
    await createClient(parseCreateClientFlags({ poolId: POOL }), t.ctx);
    expect(t.state()).toEqual({ version: 1, region: 'us-east-1', userPoolId: POOL, clients: [{ clientId: 'newclient123', name: 'copilot-studio-mcp', preset: 'copilot-studio' }], created: { clients: ['newclient123'] } });
  });

  it('does not add a client of another pool to the state file\'s client list (it would be used with the wrong pool)', async () => {
    pool();
    const other = { ...STATE, userPoolId: 'us-east-1_OtherPool', clients: [{ clientId: 'old1', name: 'copilot-studio-mcp', preset: 'copilot-studio' }] };
    const t = testCtx({}, { state: other });
    const r = await createClient(parseCreateClientFlags({ poolId: POOL }), t.ctx);
    expect(r.clientId).toBe('newclient123');
    expect(t.state()).toEqual(other);
    expect(stripAnsi(t.stderr())).toContain('us-east-1_OtherPool');
  });

  it('records the new client before branding it, so a failed branding call is resumed by a re-run', async () => {
    pool({ managedLoginVersion: 2 });
    cognito.on(CreateManagedLoginBrandingCommand).rejects(Object.assign(new Error('throttled'), { name: 'InternalErrorException' }));
    // After each 500 the branding is looked up (it may have been made) and is not there.
    cognito.on(DescribeManagedLoginBrandingByClientCommand).rejects(Object.assign(new Error('No branding'), { name: 'ResourceNotFoundException' }));
    const t = testCtx({}, { state: STATE });
    await expect(createClient(parseCreateClientFlags({}), t.ctx)).rejects.toBeInstanceOf(CliError);
    expect(cognito.commandCalls(CreateManagedLoginBrandingCommand)).toHaveLength(3);
    expect(t.state().clients).toEqual([{ clientId: 'newclient123', name: 'copilot-studio-mcp', preset: 'copilot-studio' }]);
  });

  it('brands an adopted code-flow client on a v2 domain that has no branding style yet; leaves a branded one alone', async () => {
    pool({ managedLoginVersion: 2 });
    cognito.on(ListUserPoolClientsCommand).resolves({ UserPoolClients: [{ ClientId: 'existing1', ClientName: 'copilot-studio-mcp' }] });
    cognito.on(DescribeUserPoolClientCommand).resolves({
      UserPoolClient: { ClientId: 'existing1', ClientName: 'copilot-studio-mcp', ClientSecret: SECRET, AllowedOAuthFlowsUserPoolClient: true, AllowedOAuthFlows: ['code'], AllowedOAuthScopes: ['openid', 'email', 'profile', 'mcp/invoke'], SupportedIdentityProviders: ['COGNITO'] },
    });
    cognito.on(DescribeManagedLoginBrandingByClientCommand).rejects(Object.assign(new Error('No branding'), { name: 'ResourceNotFoundException' }));
    await createClient(parseCreateClientFlags({}), testCtx({}, { state: STATE }).ctx);
    expect(cognito.commandCalls(CreateManagedLoginBrandingCommand).map((c) => c.args[0].input)).toEqual([{ UserPoolId: POOL, ClientId: 'existing1', UseCognitoProvidedValues: true }]);

    cognito.resetHistory();
    cognito.on(DescribeManagedLoginBrandingByClientCommand).resolves({ ManagedLoginBranding: { ManagedLoginBrandingId: 'b1' } });
    await createClient(parseCreateClientFlags({}), testCtx({}, { state: STATE }).ctx);
    expect(cognito.commandCalls(CreateManagedLoginBrandingCommand)).toHaveLength(0);
    expect(writes()).toEqual([]);
  });
});
