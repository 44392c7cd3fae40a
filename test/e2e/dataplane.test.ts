/**
 * The emulator's data planes end to end, through the emulator front (test/emulator/server.ts) as every other e2e
 * test: the front keeps what moto lacks (client secrets added by AddUserPoolClientSecret, managed-login versions and
 * branding styles, resource-server updates and deletions) and its data planes read pools, clients and gateways
 * through it, as AWS would answer. The official MCP TypeScript SDK client signs a user in through the hosted UI
 * (authorize → login → code → token, PKCE S256) and lists the gateway's tools.
 */
import { createHash, randomBytes } from 'node:crypto';
import { beforeAll, describe, expect, it } from 'vitest';
import {
  AddUserPoolClientSecretCommand,
  AdminCreateUserCommand,
  AdminSetUserPasswordCommand,
  CreateManagedLoginBrandingCommand,
  CreateResourceServerCommand,
  CreateUserPoolClientCommand,
  CreateUserPoolCommand,
  CreateUserPoolDomainCommand,
  DeleteManagedLoginBrandingCommand,
  DeleteResourceServerCommand,
  DeleteUserPoolClientSecretCommand,
  DescribeUserPoolClientCommand,
  UpdateResourceServerCommand,
  UpdateUserPoolClientCommand,
  UpdateUserPoolDomainCommand,
  type CreateUserPoolClientCommandInput,
} from '@aws-sdk/client-cognito-identity-provider';
import { CreateGatewayCommand, type CreateGatewayCommandInput } from '@aws-sdk/client-bedrock-agentcore-control';
import { Client } from '@modelcontextprotocol/sdk/client/index.js';
import { StreamableHTTPClientTransport } from '@modelcontextprotocol/sdk/client/streamableHttp.js';
import { UnauthorizedError, type OAuthClientProvider } from '@modelcontextprotocol/sdk/client/auth.js';
import type { OAuthTokens } from '@modelcontextprotocol/sdk/shared/auth.js';
import { Client as Client2, StreamableHTTPClientTransport as Transport2 } from '@modelcontextprotocol/client';
import { sdk, useEmulator } from './moto';
import { awsFetch, type FetchLike } from '../emulator/fetch';

const REGION = 'us-east-1';
const CALLBACK = 'http://localhost:8976/callback';
const PASSWORD = 'Corr3ct-Horse!';
const SCOPE = 'gw/invoke';

// One setup for the whole file (seeded once): the tests read it and undo what they change.
const emu = useEmulator({ resetEachTest: false, gatewayDelayMs: 0, tools: [{ name: 'tools___echo', description: 'Echo' }, { name: 'tools___time' }] });
let f: FetchLike;
const aws = () => sdk(emu.endpoint());
const env = {} as { poolId: string; otherPool: string; prefix: string; web: string; other: string; noflow: string; m2m: string; m2mSecret: string; gw: string; gwUrl: string; gwOtherIssuer: string; gw2026Url: string; gwOnly2026Url: string };

const b64 = (s: string) => Buffer.from(s).toString('base64');
const claims = (jwt: string) => JSON.parse(Buffer.from(jwt.split('.')[1]!, 'base64url').toString('utf8')) as Record<string, unknown>;
const domainUrl = () => `https://${env.prefix}.auth.${REGION}.amazoncognito.com`;
const pkce = () => {
  const verifier = randomBytes(32).toString('base64url');
  return { verifier, challenge: createHash('sha256').update(verifier).digest('base64url') };
};

beforeAll(async () => {
  const { cognito, agentcore } = aws();
  f = awsFetch(emu.endpoint());

  // Seed AWS (through the front) as a user of this tool would have it.
  const pool = await cognito.send(new CreateUserPoolCommand({ PoolName: 'mcp' }));
  env.poolId = pool.UserPool!.Id!;
  env.prefix = `mcp-${randomBytes(4).toString('hex')}`;
  await cognito.send(new CreateUserPoolDomainCommand({ UserPoolId: env.poolId, Domain: env.prefix }));
  await cognito.send(new CreateResourceServerCommand({ UserPoolId: env.poolId, Identifier: 'gw', Name: 'gateway', Scopes: [{ ScopeName: 'invoke', ScopeDescription: 'Invoke' }] }));
  const mk = async (o: Partial<CreateUserPoolClientCommandInput>) =>
    (await cognito.send(new CreateUserPoolClientCommand({ UserPoolId: env.poolId, ClientName: 'c', SupportedIdentityProviders: ['COGNITO'], ...o }))).UserPoolClient!;
  const code: Partial<CreateUserPoolClientCommandInput> = { AllowedOAuthFlowsUserPoolClient: true, AllowedOAuthFlows: ['code'], AllowedOAuthScopes: ['openid', 'email', SCOPE], CallbackURLs: [CALLBACK], LogoutURLs: ['http://localhost:8976/bye'] };
  env.web = (await mk(code)).ClientId!;
  env.other = (await mk(code)).ClientId!;
  env.noflow = (await mk({ ...code, AllowedOAuthFlowsUserPoolClient: false })).ClientId!;
  const m2m = await mk({ GenerateSecret: true, AllowedOAuthFlowsUserPoolClient: true, AllowedOAuthFlows: ['client_credentials'], AllowedOAuthScopes: [SCOPE] });
  env.m2m = m2m.ClientId!;
  env.m2mSecret = m2m.ClientSecret!;
  for (const [user, permanent] of [['alice', true], ['bob', false]] as const) {
    await cognito.send(new AdminCreateUserCommand({ UserPoolId: env.poolId, Username: user, MessageAction: 'SUPPRESS', UserAttributes: [{ Name: 'email', Value: `${user}@example.com` }, { Name: 'email_verified', Value: 'true' }] }));
    await cognito.send(new AdminSetUserPasswordCommand({ UserPoolId: env.poolId, Username: user, Password: PASSWORD, Permanent: permanent }));
  }
  env.otherPool = (await cognito.send(new CreateUserPoolCommand({ PoolName: 'other' }))).UserPool!.Id!;
  const gateway = async (name: string, poolId: string, supportedVersions = ['2025-03-26', '2025-06-18']) =>
    agentcore.send(
      new CreateGatewayCommand({
        name,
        roleArn: 'arn:aws:iam::123456789012:role/gateway-role',
        protocolType: 'MCP',
        protocolConfiguration: { mcp: { supportedVersions, instructions: 'Use the tools.' } },
        authorizerType: 'CUSTOM_JWT',
        authorizerConfiguration: {
          customJWTAuthorizer: { discoveryUrl: `https://cognito-idp.${REGION}.amazonaws.com/${poolId}/.well-known/openid-configuration`, allowedClients: [env.web, env.m2m], allowedScopes: [SCOPE] },
        } as CreateGatewayCommandInput['authorizerConfiguration'],
      }),
    );
  const gw = await gateway('mcp-gw', env.poolId);
  env.gw = gw.gatewayId!;
  env.gwUrl = gw.gatewayUrl!;
  env.gwOtherIssuer = (await gateway('other-gw', env.otherPool)).gatewayId!;
  env.gw2026Url = (await gateway('gw-2026', env.poolId, ['2025-03-26', '2025-06-18', '2025-11-25', '2026-07-28'])).gatewayUrl!;
  env.gwOnly2026Url = (await gateway('gw-only-2026', env.poolId, ['2026-07-28'])).gatewayUrl!;
});

/** The user's browser on the hosted UI: authorize → /login → POST credentials → the redirect to the callback. */
async function browserSignIn(authorizeUrl: string | URL, username = 'alice', password = PASSWORD): Promise<{ location?: string; page?: string }> {
  const a = await f(authorizeUrl, { redirect: 'manual' });
  const login = a.headers.get('location')!;
  if (!new URL(login).pathname.startsWith('/login')) return { location: login };
  const form = await f(login);
  const html = await form.text();
  if (!html.includes('name="username"')) return { page: html };
  const post = await f(login, { method: 'POST', redirect: 'manual', headers: { 'content-type': 'application/x-www-form-urlencoded' }, body: new URLSearchParams({ username, password }).toString() });
  return post.status === 302 ? { location: post.headers.get('location')! } : { page: await post.text() };
}

function authorizeUrl(o: { clientId?: string; redirectUri?: string; scope?: string; challenge?: string; state?: string } = {}): string {
  const q = new URLSearchParams({ response_type: 'code', client_id: o.clientId ?? env.web, redirect_uri: o.redirectUri ?? CALLBACK, state: o.state ?? 'st4te', scope: o.scope ?? `openid email ${SCOPE}` });
  if (o.challenge) {
    q.set('code_challenge', o.challenge);
    q.set('code_challenge_method', 'S256');
  }
  return `${domainUrl()}/oauth2/authorize?${q}`;
}

async function token(form: Record<string, string>, basic?: [string, string]): Promise<{ status: number; body: Record<string, string> }> {
  const headers: Record<string, string> = { 'content-type': 'application/x-www-form-urlencoded' };
  if (basic) headers.authorization = `Basic ${b64(`${basic[0]}:${basic[1]}`)}`;
  const r = await f(`${domainUrl()}/oauth2/token`, { method: 'POST', headers, body: new URLSearchParams(form).toString() });
  return { status: r.status, body: (await r.json()) as Record<string, string> };
}

async function codeFor(clientId = env.web, scope = `openid email ${SCOPE}`) {
  const { verifier, challenge } = pkce();
  const { location } = await browserSignIn(authorizeUrl({ clientId, scope, challenge }));
  return { code: new URL(location!).searchParams.get('code')!, verifier };
}

const mcpPost = (accessToken: string | undefined, body: unknown, headers: Record<string, string> = {}, url = env.gwUrl) =>
  f(url, { method: 'POST', headers: { 'content-type': 'application/json', accept: 'application/json, text/event-stream', ...(accessToken ? { authorization: `Bearer ${accessToken}` } : {}), ...headers }, body: JSON.stringify(body) });
const initialize = { jsonrpc: '2.0', id: 1, method: 'initialize', params: { protocolVersion: '2025-06-18', capabilities: {}, clientInfo: { name: 't', version: '1' } } };

describe('full sign-in with the MCP SDK client', () => {
  it('401 → protected-resource metadata → Cognito discovery → hosted UI (PKCE S256) → token → initialize + tools/list + tools/call', async () => {
    let code: string | undefined;
    let saved: OAuthTokens | undefined;
    let verifier = '';
    const seen: string[] = [];
    const provider: OAuthClientProvider = {
      redirectUrl: CALLBACK,
      clientMetadata: { redirect_uris: [CALLBACK], client_name: 'test', token_endpoint_auth_method: 'none', grant_types: ['authorization_code', 'refresh_token'], response_types: ['code'] },
      clientInformation: () => ({ client_id: env.web }),
      tokens: () => saved,
      saveTokens: (t) => void (saved = t),
      saveCodeVerifier: (v) => void (verifier = v),
      codeVerifier: () => verifier,
      redirectToAuthorization: async (url) => {
        seen.push(url.toString());
        const { location } = await browserSignIn(url);
        code = new URL(location!).searchParams.get('code') ?? undefined;
      },
    };
    const transport = () => new StreamableHTTPClientTransport(new URL(env.gwUrl), { authProvider: provider, fetch: f });
    const first = transport();
    await expect(new Client({ name: 't', version: '1' }).connect(first)).rejects.toBeInstanceOf(UnauthorizedError);
    // The SDK went to the hosted UI's authorize endpoint with PKCE S256 and the gateway's advertised scope.
    const authz = new URL(seen[0]!);
    expect(authz.origin + authz.pathname).toBe(`${domainUrl()}/oauth2/authorize`);
    expect(authz.searchParams.get('code_challenge_method')).toBe('S256');
    expect(authz.searchParams.get('scope')).toBe(SCOPE);
    expect(code).toMatch(/^[0-9a-f-]{36}$/);
    await first.finishAuth(code!);
    expect(saved?.access_token).toBeTruthy();
    expect(saved?.refresh_token).toBeTruthy();
    const c = claims(saved!.access_token);
    expect(c).toMatchObject({ iss: `https://cognito-idp.${REGION}.amazonaws.com/${env.poolId}`, client_id: env.web, token_use: 'access', scope: SCOPE, username: 'alice', version: 2 });
    expect(c).not.toHaveProperty('aud');
    for (const k of ['sub', 'auth_time', 'exp', 'iat', 'jti', 'origin_jti', 'event_id']) expect(c).toHaveProperty(k);

    const client = new Client({ name: 't', version: '1' });
    await client.connect(transport());
    // The SDK offers 2025-11-25; the gateway supports 2025-03-26 and 2025-06-18 and answers the newest of those.
    expect(client.getServerVersion()?.name).toBe('mcp-gw');
    const tools = await client.listTools();
    expect(tools.tools.map((t) => t.name)).toEqual(['tools___echo', 'tools___time']);
    const called = await client.callTool({ name: 'tools___echo', arguments: { message: 'hi' } });
    expect(called.content).toEqual([{ type: 'text', text: '{"message":"hi"}' }]);
    await client.close();
  });
});

describe('Cognito issuer host', () => {
  it('serves the discovery document Cognito serves (no PKCE methods, no registration endpoint) and its own JWKS', async () => {
    const r = await f(`https://cognito-idp.${REGION}.amazonaws.com/${env.poolId}/.well-known/openid-configuration`);
    const doc = (await r.json()) as Record<string, unknown>;
    expect(doc).toMatchObject({ issuer: `https://cognito-idp.${REGION}.amazonaws.com/${env.poolId}`, token_endpoint: `${domainUrl()}/oauth2/token`, authorization_endpoint: `${domainUrl()}/oauth2/authorize` });
    expect(doc).not.toHaveProperty('code_challenge_methods_supported');
    expect(doc).not.toHaveProperty('registration_endpoint');
    const jwks = (await (await f(String(doc.jwks_uri))).json()) as { keys: { kid: string; alg: string; kty: string }[] };
    expect(jwks.keys).toHaveLength(2);
    expect(jwks.keys.every((k) => k.alg === 'RS256' && k.kty === 'RSA')).toBe(true);
    expect((await f(`https://cognito-idp.${REGION}.amazonaws.com/${REGION}_nope/.well-known/jwks.json`)).status).toBe(400);
  });
});

describe('hosted UI', () => {
  it('redirects a good request to /login with the same parameters', async () => {
    const r = await f(authorizeUrl(), { redirect: 'manual' });
    expect(r.status).toBe(302);
    const loc = new URL(r.headers.get('location')!);
    expect(loc.origin + loc.pathname).toBe(`${domainUrl()}/login`);
    expect(loc.searchParams.get('client_id')).toBe(env.web);
  });

  it('sends an unregistered redirect_uri (even a trailing slash) to /error?error=redirect_mismatch, never to the URI', async () => {
    const r = await f(authorizeUrl({ redirectUri: `${CALLBACK}/` }), { redirect: 'manual' });
    expect(r.headers.get('location')).toBe(`${domainUrl()}/error?error=redirect_mismatch&client_id=${env.web}`);
  });

  it('answers unauthorized_client when the client has no OAuth code flow, invalid_scope for an unknown scope', async () => {
    const a = new URL((await f(authorizeUrl({ clientId: env.noflow }), { redirect: 'manual' })).headers.get('location')!);
    expect(a.origin + a.pathname).toBe(CALLBACK);
    expect(Object.fromEntries(a.searchParams)).toEqual({ error: 'unauthorized_client', state: 'st4te' });
    for (const scope of ['openid offline_access', 'email', 'gw/other']) {
      const b = new URL((await f(authorizeUrl({ scope }), { redirect: 'manual' })).headers.get('location')!);
      expect(b.searchParams.get('error')).toBe('invalid_scope');
    }
  });

  it('checks the password against moto and keeps a FORCE_CHANGE_PASSWORD user from completing', async () => {
    expect((await browserSignIn(authorizeUrl(), 'alice', 'wrong')).page).toContain('Incorrect username or password.');
    expect((await browserSignIn(authorizeUrl(), 'nobody')).page).toContain('User does not exist.');
    const bob = await browserSignIn(authorizeUrl(), 'bob');
    expect(bob.location).toBeUndefined();
    expect(bob.page).toContain('Change Password');
    const ok = new URL((await browserSignIn(authorizeUrl())).location!);
    expect(ok.searchParams.get('state')).toBe('st4te');
  });

  it('shows "Login pages unavailable" on a managed login (v2) domain until the client has a branding style; classic (v1) needs none', async () => {
    const { cognito } = aws();
    const login = (await f(authorizeUrl(), { redirect: 'manual' })).headers.get('location')!;
    await cognito.send(new UpdateUserPoolDomainCommand({ UserPoolId: env.poolId, Domain: env.prefix, ManagedLoginVersion: 2 }));
    try {
      expect(await (await f(login)).text()).toContain('Login pages unavailable');
      const style = (await cognito.send(new CreateManagedLoginBrandingCommand({ UserPoolId: env.poolId, ClientId: env.web, UseCognitoProvidedValues: true }))).ManagedLoginBranding!;
      expect(await (await f(login)).text()).toContain('name="username"');
      await cognito.send(new DeleteManagedLoginBrandingCommand({ UserPoolId: env.poolId, ManagedLoginBrandingId: style.ManagedLoginBrandingId }));
      expect(await (await f(login)).text()).toContain('Login pages unavailable');
    } finally {
      await cognito.send(new UpdateUserPoolDomainCommand({ UserPoolId: env.poolId, Domain: env.prefix, ManagedLoginVersion: 1 }));
    }
    expect(await (await f(login)).text()).toContain('name="username"');
  });
});

describe('token endpoint', () => {
  it('authorization_code with PKCE: codes are single use and bound to the verifier, the client and the redirect_uri', async () => {
    const a = await codeFor();
    const ok = await token({ grant_type: 'authorization_code', client_id: env.web, code: a.code, redirect_uri: CALLBACK, code_verifier: a.verifier });
    expect(ok.status).toBe(200);
    expect(ok.body).toMatchObject({ token_type: 'Bearer', expires_in: 3600 });
    expect(claims(ok.body.id_token!)).toMatchObject({ aud: env.web, token_use: 'id', email: 'alice@example.com', email_verified: true, 'cognito:username': 'alice' });
    expect(ok.body.refresh_token!.split('.')).toHaveLength(5);
    // Replayed code.
    expect(await token({ grant_type: 'authorization_code', client_id: env.web, code: a.code, redirect_uri: CALLBACK, code_verifier: a.verifier })).toEqual({ status: 400, body: { error: 'invalid_grant' } });
    // Bad verifier (and the code is gone afterwards).
    const b = await codeFor();
    expect((await token({ grant_type: 'authorization_code', client_id: env.web, code: b.code, redirect_uri: CALLBACK, code_verifier: pkce().verifier })).body).toEqual({ error: 'invalid_grant' });
    // Another client, another redirect_uri.
    const c = await codeFor();
    expect((await token({ grant_type: 'authorization_code', client_id: env.other, code: c.code, redirect_uri: CALLBACK, code_verifier: c.verifier })).body).toEqual({ error: 'invalid_grant' });
    const d = await codeFor();
    expect((await token({ grant_type: 'authorization_code', client_id: env.web, code: d.code, redirect_uri: `${CALLBACK}/`, code_verifier: d.verifier })).body).toEqual({ error: 'unauthorized_client' });
  });

  it('refresh_token gives new tokens; revoke ends it', async () => {
    const a = await codeFor();
    const t = (await token({ grant_type: 'authorization_code', client_id: env.web, code: a.code, redirect_uri: CALLBACK, code_verifier: a.verifier })).body;
    const r = await token({ grant_type: 'refresh_token', client_id: env.web, refresh_token: t.refresh_token! });
    expect(r.status).toBe(200);
    expect(r.body).not.toHaveProperty('refresh_token');
    expect(claims(r.body.access_token!)).toMatchObject({ client_id: env.web, scope: `openid email ${SCOPE}` });
    expect((await mcpPost(r.body.access_token, initialize)).status).toBe(200);
    expect((await token({ grant_type: 'refresh_token', client_id: env.other, refresh_token: t.refresh_token! })).body).toEqual({ error: 'invalid_grant' });
    const info = await f(`${domainUrl()}/oauth2/userInfo`, { headers: { authorization: `Bearer ${r.body.access_token}` } });
    expect(await info.json()).toMatchObject({ username: 'alice', email: 'alice@example.com' });
    const rv = await f(`${domainUrl()}/oauth2/revoke`, { method: 'POST', headers: { 'content-type': 'application/x-www-form-urlencoded' }, body: new URLSearchParams({ token: t.refresh_token!, client_id: env.web }).toString() });
    expect(rv.status).toBe(200);
    expect((await token({ grant_type: 'refresh_token', client_id: env.web, refresh_token: t.refresh_token! })).body).toEqual({ error: 'invalid_grant' });
    expect((await f(`${domainUrl()}/oauth2/userInfo`, { headers: { authorization: `Bearer ${r.body.access_token}` } })).status).toBe(401);
  });

  it('client_credentials: Basic or body auth, custom scopes only, Cognito JSON errors', async () => {
    const basic = await token({ grant_type: 'client_credentials', scope: SCOPE }, [env.m2m, env.m2mSecret]);
    expect(basic.status).toBe(200);
    expect(claims(basic.body.access_token!)).toMatchObject({ sub: env.m2m, client_id: env.m2m, scope: SCOPE, token_use: 'access' });
    expect((await token({ grant_type: 'client_credentials', client_id: env.m2m, client_secret: env.m2mSecret })).status).toBe(200);
    // A secret added by AddUserPoolClientSecret works too, until it is deleted.
    const { cognito } = aws();
    const added = (await cognito.send(new AddUserPoolClientSecretCommand({ UserPoolId: env.poolId, ClientId: env.m2m, ClientSecret: 'second_secret_0123456789abcdef' }))).ClientSecretDescriptor!;
    expect((await token({ grant_type: 'client_credentials' }, [env.m2m, 'second_secret_0123456789abcdef'])).status).toBe(200);
    await cognito.send(new DeleteUserPoolClientSecretCommand({ UserPoolId: env.poolId, ClientId: env.m2m, ClientSecretId: added.ClientSecretId }));
    expect((await token({ grant_type: 'client_credentials' }, [env.m2m, 'second_secret_0123456789abcdef'])).body).toEqual({ error: 'invalid_client' });
    expect(await token({ grant_type: 'client_credentials' }, [env.m2m, 'wrong'])).toEqual({ status: 400, body: { error: 'invalid_client' } });
    expect((await token({ grant_type: 'client_credentials', client_id: env.m2m })).body).toEqual({ error: 'invalid_client' });
    expect((await token({ grant_type: 'client_credentials', scope: 'openid' }, [env.m2m, env.m2mSecret])).body).toEqual({ error: 'invalid_scope' });
    expect((await token({ grant_type: 'client_credentials', client_id: env.web })).body).toEqual({ error: 'unauthorized_client' });
    expect((await token({ grant_type: 'password', client_id: env.web })).body).toEqual({ error: 'unsupported_grant_type' });
  });
});

describe("the front's view, not moto's records", () => {
  it('scopes of a resource server changed by UpdateResourceServer, or gone with DeleteResourceServer (moto implements neither)', async () => {
    const { cognito } = aws();
    await cognito.send(new CreateResourceServerCommand({ UserPoolId: env.poolId, Identifier: 'extra', Name: 'extra', Scopes: [{ ScopeName: 'read', ScopeDescription: 'Read' }] }));
    const c = (await cognito.send(new CreateUserPoolClientCommand({ UserPoolId: env.poolId, ClientName: 'extra-m2m', GenerateSecret: true, AllowedOAuthFlowsUserPoolClient: true, AllowedOAuthFlows: ['client_credentials'], AllowedOAuthScopes: ['extra/read'] }))).UserPoolClient!;
    await cognito.send(new UpdateResourceServerCommand({ UserPoolId: env.poolId, Identifier: 'extra', Name: 'extra', Scopes: [{ ScopeName: 'read', ScopeDescription: 'Read' }, { ScopeName: 'write', ScopeDescription: 'Write' }] }));
    await cognito.send(new UpdateUserPoolClientCommand({ UserPoolId: env.poolId, ClientId: c.ClientId, ClientName: 'extra-m2m', AllowedOAuthFlowsUserPoolClient: true, AllowedOAuthFlows: ['client_credentials'], AllowedOAuthScopes: ['extra/read', 'extra/write'] }));
    const write = await token({ grant_type: 'client_credentials', scope: 'extra/write' }, [c.ClientId!, c.ClientSecret!]);
    expect(write.status, JSON.stringify(write.body)).toBe(200);
    expect(claims(write.body.access_token!).scope).toBe('extra/write');
    await cognito.send(new DeleteResourceServerCommand({ UserPoolId: env.poolId, Identifier: 'extra' }));
    expect((await token({ grant_type: 'client_credentials', scope: 'extra/read' }, [c.ClientId!, c.ClientSecret!])).body).toEqual({ error: 'invalid_scope' });
  });

  it('a client after a full-replacement update: the validities it omitted are back to one hour in the tokens (moto holds null or [] for omitted fields)', async () => {
    const { cognito } = aws();
    const c = (await cognito.send(new CreateUserPoolClientCommand({ UserPoolId: env.poolId, ClientName: 'short', SupportedIdentityProviders: ['COGNITO'], AllowedOAuthFlowsUserPoolClient: true, AllowedOAuthFlows: ['code'], AllowedOAuthScopes: ['openid', SCOPE], CallbackURLs: [CALLBACK], AccessTokenValidity: 5, IdTokenValidity: 5, TokenValidityUnits: { AccessToken: 'minutes', IdToken: 'minutes' } }))).UserPoolClient!;
    const first = await codeFor(c.ClientId!, `openid ${SCOPE}`);
    expect((await token({ grant_type: 'authorization_code', client_id: c.ClientId!, code: first.code, redirect_uri: CALLBACK, code_verifier: first.verifier })).body).toMatchObject({ expires_in: 300 });
    // Update without the validity fields: AWS resets them to one hour.
    await cognito.send(new UpdateUserPoolClientCommand({ UserPoolId: env.poolId, ClientId: c.ClientId, ClientName: 'short', SupportedIdentityProviders: ['COGNITO'], AllowedOAuthFlowsUserPoolClient: true, AllowedOAuthFlows: ['code'], AllowedOAuthScopes: ['openid', SCOPE], CallbackURLs: [CALLBACK] }));
    const raw = (await sdk(emu.motoEndpoint()).cognito.send(new DescribeUserPoolClientCommand({ UserPoolId: env.poolId, ClientId: c.ClientId }))).UserPoolClient!;
    expect(raw.LogoutURLs).toEqual([]);
    const again = await codeFor(c.ClientId!, `openid ${SCOPE}`);
    const t = await token({ grant_type: 'authorization_code', client_id: c.ClientId!, code: again.code, redirect_uri: CALLBACK, code_verifier: again.verifier });
    expect(t.body).toMatchObject({ expires_in: 3600 });
    expect((claims(t.body.id_token!).exp as number) - (claims(t.body.id_token!).iat as number)).toBe(3600);
  });
});

describe('gateway', () => {
  const m2mToken = async () => (await token({ grant_type: 'client_credentials', scope: SCOPE }, [env.m2m, env.m2mSecret])).body.access_token!;

  it('serves its protected-resource metadata and answers 401 with resource_metadata without a token', async () => {
    const prm = await (await f(`https://${env.gw}.gateway.bedrock-agentcore.${REGION}.amazonaws.com/.well-known/oauth-protected-resource`)).json();
    expect(prm).toEqual({ authorization_servers: [`https://cognito-idp.${REGION}.amazonaws.com/${env.poolId}`], resource: env.gwUrl, scopes_supported: [SCOPE] });
    const r = await mcpPost(undefined, initialize);
    expect(r.status).toBe(401);
    expect(r.headers.get('www-authenticate')).toBe(`Bearer error="invalid_token", scope="${SCOPE}", resource_metadata="https://${env.gw}.gateway.bedrock-agentcore.${REGION}.amazonaws.com/.well-known/oauth-protected-resource"`);
    expect(await r.json()).toMatchObject({ error: { code: -32001 } });
  });

  it('accepts an M2M token and enforces the negotiated MCP protocol version', async () => {
    const t = await m2mToken();
    const init = await mcpPost(t, { ...initialize, params: { ...initialize.params, protocolVersion: '2024-11-05' } });
    expect(((await init.json()) as { result: { protocolVersion: string } }).result.protocolVersion).toBe('2025-06-18');
    const sid = init.headers.get('mcp-session-id')!;
    expect((await mcpPost(t, { jsonrpc: '2.0', method: 'notifications/initialized' }, { 'mcp-session-id': sid, 'mcp-protocol-version': '2025-06-18' })).status).toBe(202);
    expect((await mcpPost(t, { jsonrpc: '2.0', id: 2, method: 'tools/list' }, { 'mcp-session-id': sid, 'mcp-protocol-version': '2025-06-18' })).status).toBe(200);
    const bad = await mcpPost(t, { jsonrpc: '2.0', id: 3, method: 'tools/list' }, { 'mcp-session-id': sid, 'mcp-protocol-version': '2025-11-25' });
    expect(bad.status).toBe(400);
    expect(((await bad.json()) as { error: unknown }).error).toMatchObject({ code: -32600, message: 'Unsupported protocol version' });
  });

  it('rejects a client not in allowedClients (401), a token without an allowed scope (403 insufficient_scope), a bad signature (401) and an iss other than the discoveryUrl issuer (403)', async () => {
    const other = await codeFor(env.other);
    const otherTok = (await token({ grant_type: 'authorization_code', client_id: env.other, code: other.code, redirect_uri: CALLBACK, code_verifier: other.verifier })).body.access_token!;
    const r1 = await mcpPost(otherTok, initialize);
    expect(r1.status).toBe(401);
    expect(await r1.json()).toEqual({ jsonrpc: '2.0', id: 0, error: { code: -32001, message: 'Invalid Bearer token' } });

    const noScope = await codeFor(env.web, 'openid email');
    const noScopeTok = (await token({ grant_type: 'authorization_code', client_id: env.web, code: noScope.code, redirect_uri: CALLBACK, code_verifier: noScope.verifier })).body.access_token!;
    const r2 = await mcpPost(noScopeTok, initialize);
    expect(r2.status).toBe(403);
    expect(r2.headers.get('www-authenticate')).toMatch(/^Bearer error="insufficient_scope", scope="gw\/invoke", resource_metadata=/);

    const good = await m2mToken();
    const [h, p] = good.split('.');
    expect((await mcpPost(`${h}.${p}.${Buffer.from('forged').toString('base64url')}`, initialize)).status).toBe(401);
    const expired = `${h}.${Buffer.from(JSON.stringify({ ...claims(good), exp: 1 })).toString('base64url')}.${good.split('.')[2]}`;
    expect((await mcpPost(expired, initialize)).status).toBe(401);

    // The gateway trusting the other pool: the token's scope matches, its iss does not.
    const r3 = await mcpPost(good, initialize, {}, `https://${env.gwOtherIssuer}.gateway.bedrock-agentcore.${REGION}.amazonaws.com/mcp`);
    expect(r3.status).toBe(403);
    expect(r3.headers.get('www-authenticate')).toContain('error="insufficient_scope"');
  });
});

describe('gateway on MCP 2026-07-28 (stateless; test/emulator/dataplane/mcp-2026.ts)', () => {
  const m2mToken = async () => (await token({ grant_type: 'client_credentials', scope: SCOPE }, [env.m2m, env.m2mSecret])).body.access_token!;
  const META = { 'io.modelcontextprotocol/protocolVersion': '2026-07-28', 'io.modelcontextprotocol/clientCapabilities': {}, 'io.modelcontextprotocol/clientInfo': { name: 'claude-code', version: '2.1.332' } };
  const modern = (id: number, method: string, params: Record<string, unknown> = {}) => ({ jsonrpc: '2.0', id, method, params: { ...params, _meta: META } });
  const h2026 = (method: string, extra: Record<string, string> = {}) => ({ 'mcp-protocol-version': '2026-07-28', 'mcp-method': method, ...extra });
  const client2 = (url: string, accessToken: string) => {
    const client = new Client2({ name: 'e2e-2x', version: '1' }, { versionNegotiation: { mode: 'auto' } });
    return { client, connect: () => client.connect(new Transport2(new URL(url), { fetch: f, requestInit: { headers: { authorization: `Bearer ${accessToken}` } } })) };
  };

  it('the 2.x SDK client: server/discover negotiates 2026-07-28, then tools/list and tools/call with no session', async () => {
    const t = await m2mToken();
    const { client, connect } = client2(env.gw2026Url, t);
    await connect();
    expect(client.getNegotiatedProtocolVersion()).toBe('2026-07-28');
    expect(client.getServerVersion()?.name).toBe('gw-2026');
    expect(client.getInstructions()).toBe('Use the tools.');
    expect((await client.listTools()).tools.map((x) => x.name)).toEqual(['tools___echo', 'tools___time']);
    const called = await client.callTool({ name: 'tools___echo', arguments: { message: 'hi' } });
    expect(called.content).toEqual([{ type: 'text', text: '{"message":"hi"}' }]);
    await client.close();
  });

  it('the 2.x SDK client against a gateway without 2026-07-28: discovery is answered 400 -32022 with the supported list, and it falls back to initialize', async () => {
    const t = await m2mToken();
    const discover = await mcpPost(t, modern(1, 'server/discover'), h2026('server/discover'));
    expect(discover.status).toBe(400);
    expect(await discover.json()).toEqual({ jsonrpc: '2.0', id: 1, error: { code: -32022, message: 'Unsupported protocol version', data: { supported: ['2025-03-26', '2025-06-18'], requested: '2026-07-28' } } });
    const { client, connect } = client2(env.gwUrl, t);
    await connect();
    expect(client.getNegotiatedProtocolVersion()).toBe('2025-06-18');
    expect((await client.listTools()).tools).toHaveLength(2);
    await client.close();
  });

  it("Claude Code's raw first request, server/discover with 2026-07-28, is answered: resultType, the gateway's versions, no Mcp-Session-Id", async () => {
    const t = await m2mToken();
    const r = await mcpPost(t, modern(0, 'server/discover'), h2026('server/discover'), env.gw2026Url);
    expect(r.status).toBe(200);
    expect(r.headers.get('mcp-session-id')).toBeNull();
    expect(await r.json()).toEqual({
      jsonrpc: '2.0',
      id: 0,
      result: { resultType: 'complete', supportedVersions: ['2025-03-26', '2025-06-18', '2025-11-25', '2026-07-28'], capabilities: { tools: { listChanged: false } }, instructions: 'Use the tools.', _meta: { 'io.modelcontextprotocol/serverInfo': { name: 'gw-2026', version: '1.0.0' } } },
    });
    const list = await mcpPost(t, modern(1, 'tools/list'), h2026('tools/list'), env.gw2026Url);
    expect(await list.json()).toMatchObject({ result: { resultType: 'complete', ttlMs: 0, cacheScope: 'private', tools: [{ name: 'tools___echo' }, { name: 'tools___time' }] } });
  });

  it('header and envelope rules: Mcp-Method, Mcp-Name and MCP-Protocol-Version must match the body (400 -32020), the _meta envelope is required (400 -32602); initialize still negotiates a 2025 version', async () => {
    const t = await m2mToken();
    const post = (body: unknown, headers: Record<string, string>) => mcpPost(t, body, headers, env.gw2026Url);
    const code = async (r: Response) => [r.status, ((await r.json()) as { error?: { code: number } }).error?.code];
    const call = modern(2, 'tools/call', { name: 'tools___echo', arguments: {} });
    expect(await code(await post(call, h2026('tools/call')))).toEqual([400, -32020]);
    expect(await code(await post(call, h2026('tools/call', { 'mcp-name': 'tools___time' })))).toEqual([400, -32020]);
    expect(await code(await post(call, h2026('tools/list', { 'mcp-name': 'tools___echo' })))).toEqual([400, -32020]);
    expect(await code(await post(call, { 'mcp-method': 'tools/call', 'mcp-name': 'tools___echo' }))).toEqual([400, -32020]);
    expect(await code(await post(call, h2026('tools/call', { 'mcp-name': 'tools___echo', 'mcp-protocol-version': '2025-11-25' })))).toEqual([400, -32020]);
    expect(await code(await post(call, h2026('tools/call', { 'mcp-name': `=?base64?${Buffer.from('tools___echo').toString('base64')}?=` })))).toEqual([200, undefined]);
    const noCaps = { ...call, params: { ...call.params, _meta: { 'io.modelcontextprotocol/protocolVersion': '2026-07-28' } } };
    expect(await code(await post(noCaps, h2026('tools/call', { 'mcp-name': 'tools___echo' })))).toEqual([400, -32602]);
    const init = await post({ ...initialize, params: { ...initialize.params, protocolVersion: '2026-07-28' } }, {});
    expect(((await init.json()) as { result: { protocolVersion: string } }).result.protocolVersion).toBe('2025-11-25');
    // A gateway that lists only 2026-07-28 has no initialize: 400 -32022 naming what it supports.
    const only = await mcpPost(t, initialize, {}, env.gwOnly2026Url);
    expect(only.status).toBe(400);
    expect(await only.json()).toMatchObject({ error: { code: -32022, data: { supported: ['2026-07-28'], requested: '2025-06-18' } } });
  });
});

describe('awsFetch', () => {
  it('refuses non-AWS, non-loopback hosts', async () => {
    await expect(f('https://example.com/')).rejects.toThrow(/refusing/);
  });
});
