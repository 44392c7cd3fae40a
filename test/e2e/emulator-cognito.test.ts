/**
 * The emulator front's Cognito rules, asserted through the AWS SDK as AWS behaves (each rule's
 * evidence is in test/emulator/cognito*.ts). Where moto alone would answer differently, the test
 * says so by asking moto directly too.
 */
import { describe, expect, it } from 'vitest';
import {
  AddUserPoolClientSecretCommand,
  AdminCreateUserCommand,
  CreateManagedLoginBrandingCommand,
  CreateResourceServerCommand,
  CreateUserPoolClientCommand,
  CreateUserPoolCommand,
  CreateUserPoolDomainCommand,
  DeleteManagedLoginBrandingCommand,
  DeleteResourceServerCommand,
  DeleteUserPoolClientSecretCommand,
  DescribeManagedLoginBrandingByClientCommand,
  DescribeResourceServerCommand,
  DescribeUserPoolClientCommand,
  DescribeUserPoolDomainCommand,
  ListResourceServersCommand,
  ListUserPoolClientSecretsCommand,
  ListUserPoolClientsCommand,
  ListUserPoolsCommand,
  ListUsersCommand,
  UpdateManagedLoginBrandingCommand,
  UpdateResourceServerCommand,
  UpdateUserPoolClientCommand,
  UpdateUserPoolDomainCommand,
  paginateListUserPoolClients,
  type CognitoIdentityProviderClient,
} from '@aws-sdk/client-cognito-identity-provider';
import { sdk, useEmulator } from './moto';

const emu = useEmulator();
const cognito = (): CognitoIdentityProviderClient => sdk(emu.endpoint()).cognito;
const moto = (): CognitoIdentityProviderClient => sdk(emu.motoEndpoint()).cognito;

async function rejection(p: Promise<unknown>): Promise<{ name: string; message: string; status?: number }> {
  try {
    await p;
  } catch (e) {
    const err = e as { name: string; message: string; $metadata?: { httpStatusCode?: number } };
    return { name: err.name, message: err.message, status: err.$metadata?.httpStatusCode };
  }
  throw new Error('expected the request to be rejected');
}

async function pool(extra: Record<string, unknown> = {}) {
  const p = (await cognito().send(new CreateUserPoolCommand({ PoolName: 'p', ...extra }))).UserPool!;
  await cognito().send(new CreateResourceServerCommand({ UserPoolId: p.Id, Identifier: 'mcp', Name: 'MCP', Scopes: [{ ScopeName: 'invoke', ScopeDescription: 'Invoke' }] }));
  return p.Id!;
}

const codeClient = (poolId: string, extra: Record<string, unknown> = {}) =>
  new CreateUserPoolClientCommand({
    UserPoolId: poolId,
    ClientName: 'web',
    GenerateSecret: true,
    AllowedOAuthFlows: ['code'],
    AllowedOAuthFlowsUserPoolClient: true,
    AllowedOAuthScopes: ['openid', 'mcp/invoke'],
    CallbackURLs: ['https://app.example.com/cb', 'myapp://callback'],
    LogoutURLs: ['https://app.example.com/bye'],
    SupportedIdentityProviders: ['COGNITO'],
    AccessTokenValidity: 30,
    TokenValidityUnits: { AccessToken: 'minutes' },
    ...extra,
  });

describe('UpdateUserPoolClient replaces the whole client', () => {
  it('resets every field the request omits to its default (moto would keep them)', async () => {
    const poolId = await pool();
    const c = (await cognito().send(codeClient(poolId, { ExplicitAuthFlows: ['ALLOW_USER_PASSWORD_AUTH', 'ALLOW_REFRESH_TOKEN_AUTH'], PreventUserExistenceErrors: 'ENABLED' }))).UserPoolClient!;
    const updated = (await cognito().send(new UpdateUserPoolClientCommand({ UserPoolId: poolId, ClientId: c.ClientId, ClientName: 'web' }))).UserPoolClient!;
    const described = (await cognito().send(new DescribeUserPoolClientCommand({ UserPoolId: poolId, ClientId: c.ClientId }))).UserPoolClient!;
    for (const got of [updated, described]) {
      expect(got.CallbackURLs).toBeUndefined();
      expect(got.LogoutURLs).toBeUndefined();
      expect(got.AllowedOAuthFlows).toBeUndefined();
      expect(got.AllowedOAuthScopes).toBeUndefined();
      expect(got.SupportedIdentityProviders).toBeUndefined();
      expect(got.AccessTokenValidity).toBeUndefined();
      expect(got.TokenValidityUnits).toBeUndefined();
      expect(got.AllowedOAuthFlowsUserPoolClient).toBe(false);
      expect(got.ExplicitAuthFlows).toEqual(['ALLOW_REFRESH_TOKEN_AUTH', 'ALLOW_USER_SRP_AUTH', 'ALLOW_CUSTOM_AUTH']);
      expect(got.PreventUserExistenceErrors).toBe('LEGACY');
      expect(got.RefreshTokenValidity).toBe(30);
      expect(got.ClientName).toBe('web');
      expect(got.ClientSecret).toBe(c.ClientSecret);
    }
  });

  it('keeps what the request sends', async () => {
    const poolId = await pool();
    const c = (await cognito().send(codeClient(poolId))).UserPoolClient!;
    const { ClientSecret: _s, CreationDate: _c, LastModifiedDate: _l, ...rest } = c;
    await cognito().send(new UpdateUserPoolClientCommand({ ...rest, UserPoolId: poolId, ClientId: c.ClientId!, CallbackURLs: [...c.CallbackURLs!, 'http://localhost:3000/cb'] }));
    const got = (await cognito().send(new DescribeUserPoolClientCommand({ UserPoolId: poolId, ClientId: c.ClientId }))).UserPoolClient!;
    expect(got.CallbackURLs).toEqual(['https://app.example.com/cb', 'myapp://callback', 'http://localhost:3000/cb']);
    expect(got.AllowedOAuthScopes).toEqual(['openid', 'mcp/invoke']);
    expect(got.AccessTokenValidity).toBe(30);
    expect(got.TokenValidityUnits).toEqual({ AccessToken: 'minutes' });
  });

  it('rejects, like AWS, an update whose omissions leave OAuth on without flows or scopes', async () => {
    const poolId = await pool();
    const c = (await cognito().send(codeClient(poolId))).UserPoolClient!;
    const e = await rejection(cognito().send(new UpdateUserPoolClientCommand({ UserPoolId: poolId, ClientId: c.ClientId, AllowedOAuthFlowsUserPoolClient: true })));
    expect(e).toMatchObject({ name: 'InvalidParameterException', message: 'AllowedOAuthFlows and AllowedOAuthScopes are required if user pool client is allowed to use OAuth flows.' });
  });
});

describe('OAuth rules on Create/UpdateUserPoolClient', () => {
  it('rejects a scope no resource server defines: ScopeDoesNotExistException (moto accepts it)', async () => {
    const poolId = await pool();
    const e = await rejection(cognito().send(codeClient(poolId, { AllowedOAuthScopes: ['openid', 'mcp/admin'] })));
    expect(e).toMatchObject({ name: 'ScopeDoesNotExistException', message: 'Invalid scope requested: mcp/admin', status: 400 });
    await expect(moto().send(codeClient(poolId, { AllowedOAuthScopes: ['openid', 'mcp/admin'] }))).resolves.toBeDefined();
  });

  it('rejects client_credentials mixed with code', async () => {
    const poolId = await pool();
    const e = await rejection(cognito().send(codeClient(poolId, { AllowedOAuthFlows: ['code', 'client_credentials'], AllowedOAuthScopes: ['mcp/invoke'] })));
    expect(e).toMatchObject({ name: 'InvalidOAuthFlowException', message: 'client_credentials flow can not be selected along with code flow or implicit flow.' });
  });

  it('rejects client_credentials without a secret', async () => {
    const poolId = await pool();
    const e = await rejection(cognito().send(codeClient(poolId, { GenerateSecret: false, AllowedOAuthFlows: ['client_credentials'], AllowedOAuthScopes: ['mcp/invoke'] })));
    expect(e).toMatchObject({ name: 'InvalidOAuthFlowException', message: 'client_credentials flow can not be selected if client does not have a client secret.' });
  });

  it('rejects OIDC scopes on client_credentials', async () => {
    const poolId = await pool();
    const e = await rejection(cognito().send(codeClient(poolId, { AllowedOAuthFlows: ['client_credentials'], AllowedOAuthScopes: ['mcp/invoke', 'openid'] })));
    expect(e).toMatchObject({ name: 'InvalidOAuthFlowException', message: 'openid is not supported with client_credentials flow' });
  });

  it('rejects the code flow without callback URLs, on update too', async () => {
    const poolId = await pool();
    const e = await rejection(cognito().send(codeClient(poolId, { CallbackURLs: [] })));
    expect(e).toMatchObject({ name: 'InvalidOAuthFlowException', message: 'CallbackUrls can not be empty when code flow or implicit flow is selected' });
    const c = (await cognito().send(codeClient(poolId))).UserPoolClient!;
    const u = await rejection(cognito().send(new UpdateUserPoolClientCommand({ UserPoolId: poolId, ClientId: c.ClientId, AllowedOAuthFlowsUserPoolClient: true, AllowedOAuthFlows: ['code'], AllowedOAuthScopes: ['openid'] })));
    expect(u.name).toBe('InvalidOAuthFlowException');
  });

  it('accepts an M2M client with a secret, client_credentials only and custom scopes', async () => {
    const poolId = await pool();
    const c = (await cognito().send(codeClient(poolId, { AllowedOAuthFlows: ['client_credentials'], AllowedOAuthScopes: ['mcp/invoke'], CallbackURLs: undefined, LogoutURLs: undefined }))).UserPoolClient!;
    expect(c.AllowedOAuthFlows).toEqual(['client_credentials']);
    expect(c.CallbackURLs).toBeUndefined();
  });
});

describe('domains', () => {
  it('rejects reserved words in a prefix: InvalidParameterException (moto accepts them)', async () => {
    const poolId = await pool();
    for (const [prefix, word] of [['my-aws-login', 'aws'], ['amazonish', 'amazon'], ['cognito-x', 'cognito']] as const) {
      const e = await rejection(cognito().send(new CreateUserPoolDomainCommand({ UserPoolId: poolId, Domain: prefix })));
      expect(e).toMatchObject({ name: 'InvalidParameterException', message: `Domain cannot contain reserved word: ${word}` });
    }
    const bad = await rejection(cognito().send(new CreateUserPoolDomainCommand({ UserPoolId: poolId, Domain: 'Upper_Case' })));
    expect(bad.name).toBe('InvalidParameterException');
  });

  it('keeps ManagedLoginVersion, refuses a taken prefix and a second domain', async () => {
    const poolId = await pool();
    const other = await pool();
    const created = await cognito().send(new CreateUserPoolDomainCommand({ UserPoolId: poolId, Domain: 'my-login', ManagedLoginVersion: 2 }));
    expect(created.ManagedLoginVersion).toBe(2);
    const d = (await cognito().send(new DescribeUserPoolDomainCommand({ Domain: 'my-login' }))).DomainDescription!;
    expect(d).toMatchObject({ UserPoolId: poolId, Domain: 'my-login', Status: 'ACTIVE', ManagedLoginVersion: 2 });
    expect((await rejection(cognito().send(new CreateUserPoolDomainCommand({ UserPoolId: other, Domain: 'my-login' })))).message).toBe('Domain already associated with another user pool.');
    expect((await rejection(cognito().send(new CreateUserPoolDomainCommand({ UserPoolId: poolId, Domain: 'my-login-2' })))).message).toBe('User pool already has a domain configured.');
    expect((await cognito().send(new UpdateUserPoolDomainCommand({ UserPoolId: poolId, Domain: 'my-login', ManagedLoginVersion: 1 }))).ManagedLoginVersion).toBe(1);
    expect(emu.front().state.managedLoginVersion('my-login.auth.us-east-1.amazoncognito.com')).toBe(1);
    expect((await cognito().send(new DescribeUserPoolDomainCommand({ Domain: 'nothing-here' }))).DomainDescription).toEqual({});
  });
});

describe('users', () => {
  it('rejects an e-mail username on an email-alias pool (moto accepts it)', async () => {
    const poolId = (await cognito().send(new CreateUserPoolCommand({ PoolName: 'alias', AliasAttributes: ['email'] }))).UserPool!.Id!;
    const e = await rejection(cognito().send(new AdminCreateUserCommand({ UserPoolId: poolId, Username: 'ana@example.com' })));
    expect(e).toMatchObject({ name: 'InvalidParameterException', message: 'Username cannot be of email format, since user pool is configured for email alias.' });
    await expect(cognito().send(new AdminCreateUserCommand({ UserPoolId: poolId, Username: 'ana', UserAttributes: [{ Name: 'email', Value: 'ana@example.com' }] }))).resolves.toBeDefined();
  });

  it('gives a UsernameAttributes=[email] pool a generated username', async () => {
    const poolId = (await cognito().send(new CreateUserPoolCommand({ PoolName: 'by-email', UsernameAttributes: ['email'] }))).UserPool!.Id!;
    const u = (await cognito().send(new AdminCreateUserCommand({ UserPoolId: poolId, Username: 'bo@example.com' }))).User!;
    expect(u.Username).not.toBe('bo@example.com');
    expect(u.Attributes).toContainEqual({ Name: 'email', Value: 'bo@example.com' });
  });
});

describe('resource servers (moto implements neither Update nor Delete)', () => {
  it('UpdateResourceServer replaces name and scopes; omitted Scopes means none', async () => {
    const poolId = await pool();
    const r = await cognito().send(new UpdateResourceServerCommand({ UserPoolId: poolId, Identifier: 'mcp', Name: 'MCP tools', Scopes: [{ ScopeName: 'invoke', ScopeDescription: 'Invoke' }, { ScopeName: 'admin', ScopeDescription: 'Admin' }] }));
    expect(r.ResourceServer?.Scopes?.map((s) => s.ScopeName)).toEqual(['invoke', 'admin']);
    const d = (await cognito().send(new DescribeResourceServerCommand({ UserPoolId: poolId, Identifier: 'mcp' }))).ResourceServer!;
    expect(d).toMatchObject({ Name: 'MCP tools', Scopes: [{ ScopeName: 'invoke' }, { ScopeName: 'admin' }] });
    await expect(cognito().send(codeClient(poolId, { AllowedOAuthScopes: ['mcp/admin'] }))).resolves.toBeDefined();
    await cognito().send(new UpdateResourceServerCommand({ UserPoolId: poolId, Identifier: 'mcp', Name: 'MCP tools' }));
    const l = (await cognito().send(new ListResourceServersCommand({ UserPoolId: poolId, MaxResults: 50 }))).ResourceServers!;
    expect(l).toEqual([{ UserPoolId: poolId, Identifier: 'mcp', Name: 'MCP tools', Scopes: [] }]);
  });

  it('DeleteResourceServer removes it; its scopes no longer exist; it can be created again', async () => {
    const poolId = await pool();
    await cognito().send(new DeleteResourceServerCommand({ UserPoolId: poolId, Identifier: 'mcp' }));
    expect((await rejection(cognito().send(new DescribeResourceServerCommand({ UserPoolId: poolId, Identifier: 'mcp' })))).name).toBe('ResourceNotFoundException');
    expect((await rejection(cognito().send(codeClient(poolId)))).name).toBe('ScopeDoesNotExistException');
    expect((await rejection(cognito().send(new UpdateResourceServerCommand({ UserPoolId: poolId, Identifier: 'mcp', Name: 'x' })))).name).toBe('ResourceNotFoundException');
    await cognito().send(new CreateResourceServerCommand({ UserPoolId: poolId, Identifier: 'mcp', Name: 'again', Scopes: [{ ScopeName: 'invoke', ScopeDescription: 'i' }] }));
    expect((await cognito().send(new DescribeResourceServerCommand({ UserPoolId: poolId, Identifier: 'mcp' }))).ResourceServer!.Name).toBe('again');
  });
});

describe('client secrets (moto: not implemented)', () => {
  it('adds up to two secrets, lists them without values, deletes all but the last', async () => {
    const poolId = await pool();
    const c = (await cognito().send(codeClient(poolId))).UserPoolClient!;
    const added = (await cognito().send(new AddUserPoolClientSecretCommand({ UserPoolId: poolId, ClientId: c.ClientId }))).ClientSecretDescriptor!;
    expect(added.ClientSecretId).toMatch(new RegExp(`^${c.ClientId}--\\d+$`));
    expect(added.ClientSecretValue).toMatch(/^\w{24,}$/);
    expect(added.ClientSecretCreateDate).toBeInstanceOf(Date);
    expect(await emu.front().state.clientSecrets(poolId, c.ClientId!)).toEqual([c.ClientSecret, added.ClientSecretValue]);
    const third = await rejection(cognito().send(new AddUserPoolClientSecretCommand({ UserPoolId: poolId, ClientId: c.ClientId })));
    expect(third.name).toBe('LimitExceededException');
    const listed = (await cognito().send(new ListUserPoolClientSecretsCommand({ UserPoolId: poolId, ClientId: c.ClientId }))).ClientSecrets!;
    expect(listed).toHaveLength(2);
    expect(listed.every((s) => s.ClientSecretValue === undefined)).toBe(true);
    const original = listed.find((s) => s.ClientSecretId !== added.ClientSecretId)!;
    await cognito().send(new DeleteUserPoolClientSecretCommand({ UserPoolId: poolId, ClientId: c.ClientId, ClientSecretId: original.ClientSecretId }));
    // Once the original secret is deleted, Describe shows none (emulator-aws.test.ts; the conservative reading).
    expect((await cognito().send(new DescribeUserPoolClientCommand({ UserPoolId: poolId, ClientId: c.ClientId }))).UserPoolClient!.ClientSecret).toBeUndefined();
    const last = await rejection(cognito().send(new DeleteUserPoolClientSecretCommand({ UserPoolId: poolId, ClientId: c.ClientId, ClientSecretId: added.ClientSecretId })));
    expect(last.name).toBe('InvalidParameterException');
    const custom = (await cognito().send(new AddUserPoolClientSecretCommand({ UserPoolId: poolId, ClientId: c.ClientId, ClientSecret: 'a'.repeat(30) }))).ClientSecretDescriptor!;
    expect(custom.ClientSecretValue).toBeUndefined();
  });

  it('refuses a secret for a public client', async () => {
    const poolId = await pool();
    const c = (await cognito().send(codeClient(poolId, { GenerateSecret: false }))).UserPoolClient!;
    expect((await rejection(cognito().send(new AddUserPoolClientSecretCommand({ UserPoolId: poolId, ClientId: c.ClientId })))).name).toBe('InvalidParameterException');
  });
});

describe('managed login branding (moto: not implemented)', () => {
  it('creates one style per client, describes, updates and deletes it', async () => {
    const poolId = await pool();
    const c = (await cognito().send(codeClient(poolId))).UserPoolClient!;
    expect((await rejection(cognito().send(new DescribeManagedLoginBrandingByClientCommand({ UserPoolId: poolId, ClientId: c.ClientId })))).name).toBe('ResourceNotFoundException');
    expect(emu.front().state.hasBranding(poolId, c.ClientId!)).toBe(false);
    const b = (await cognito().send(new CreateManagedLoginBrandingCommand({ UserPoolId: poolId, ClientId: c.ClientId, UseCognitoProvidedValues: true }))).ManagedLoginBranding!;
    expect(b).toMatchObject({ UserPoolId: poolId, UseCognitoProvidedValues: true });
    expect(emu.front().state.hasBranding(poolId, c.ClientId!)).toBe(true);
    expect((await rejection(cognito().send(new CreateManagedLoginBrandingCommand({ UserPoolId: poolId, ClientId: c.ClientId, UseCognitoProvidedValues: true })))).name).toBe('ManagedLoginBrandingExistsException');
    const byClient = (await cognito().send(new DescribeManagedLoginBrandingByClientCommand({ UserPoolId: poolId, ClientId: c.ClientId }))).ManagedLoginBranding!;
    expect(byClient.ManagedLoginBrandingId).toBe(b.ManagedLoginBrandingId);
    const u = (await cognito().send(new UpdateManagedLoginBrandingCommand({ UserPoolId: poolId, ManagedLoginBrandingId: b.ManagedLoginBrandingId, UseCognitoProvidedValues: false, Settings: { components: {} } }))).ManagedLoginBranding!;
    expect(u.UseCognitoProvidedValues).toBe(false);
    await cognito().send(new DeleteManagedLoginBrandingCommand({ UserPoolId: poolId, ManagedLoginBrandingId: b.ManagedLoginBrandingId }));
    expect(emu.front().state.hasBranding(poolId, c.ClientId!)).toBe(false);
  });
});

describe('list calls page', () => {
  it('answers small pages with a NextToken that SDK paginators follow', async () => {
    const poolId = await pool();
    for (const n of ['a', 'b', 'c', 'd', 'e']) await cognito().send(new CreateUserPoolClientCommand({ UserPoolId: poolId, ClientName: n }));
    const first = await cognito().send(new ListUserPoolClientsCommand({ UserPoolId: poolId, MaxResults: 60 }));
    expect(first.UserPoolClients).toHaveLength(2);
    expect(first.NextToken).toBeDefined();
    const names: string[] = [];
    for await (const p of paginateListUserPoolClients({ client: cognito() }, { UserPoolId: poolId, MaxResults: 60 })) names.push(...(p.UserPoolClients ?? []).map((c) => c.ClientName!));
    expect(names).toEqual(['a', 'b', 'c', 'd', 'e']);
    const one = await cognito().send(new ListUserPoolClientsCommand({ UserPoolId: poolId, MaxResults: 1 }));
    expect(one.UserPoolClients).toHaveLength(1);
    expect((await rejection(cognito().send(new ListUserPoolClientsCommand({ UserPoolId: poolId, NextToken: 'garbage' })))).name).toBe('InvalidParameterException');
  });

  it('ListUserPools requires MaxResults; ListUsers pages with PaginationToken', async () => {
    expect((await rejection(cognito().send(new ListUserPoolsCommand({} as never)))).name).toBe('InvalidParameterException');
    const poolId = await pool();
    for (const n of ['u1', 'u2', 'u3']) await cognito().send(new AdminCreateUserCommand({ UserPoolId: poolId, Username: n }));
    const p1 = await cognito().send(new ListUsersCommand({ UserPoolId: poolId }));
    expect(p1.Users).toHaveLength(2);
    const p2 = await cognito().send(new ListUsersCommand({ UserPoolId: poolId, PaginationToken: p1.PaginationToken }));
    expect(p2.Users?.map((u) => u.Username)).toEqual(['u3']);
    expect(p2.PaginationToken).toBeUndefined();
  });
});
