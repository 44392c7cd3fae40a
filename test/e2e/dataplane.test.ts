/**
 * The emulator's data planes end to end, without the control-plane front: moto holds the pools, clients, users and
 * gateways; createDataPlane serves the hosts they have on AWS behind a local server routed by X-Forwarded-Host; the
 * official MCP TypeScript SDK client signs a user in through the hosted UI (authorize → login → code → token, PKCE
 * S256) and lists the gateway's tools.
 */
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { createHash, randomBytes } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  AdminCreateUserCommand,
  AdminSetUserPasswordCommand,
  CreateResourceServerCommand,
  CreateUserPoolClientCommand,
  CreateUserPoolCommand,
  CreateUserPoolDomainCommand,
  type CreateUserPoolClientCommandInput,
} from '@aws-sdk/client-cognito-identity-provider';
import { CreateGatewayCommand, type CreateGatewayCommandInput } from '@aws-sdk/client-bedrock-agentcore-control';
import { Client } from '@modelcontextprotocol/sdk/client/index.js';
import { StreamableHTTPClientTransport } from '@modelcontextprotocol/sdk/client/streamableHttp.js';
import { UnauthorizedError, type OAuthClientProvider } from '@modelcontextprotocol/sdk/client/auth.js';
import type { OAuthTokens } from '@modelcontextprotocol/sdk/shared/auth.js';
import { sdk, startMoto, type Moto } from './moto';
import { createDataPlane } from '../emulator/dataplane/index';
import { awsFetch, type FetchLike } from '../emulator/fetch';
import type { Overlay } from '../emulator/types';

const REGION = 'us-east-1';
const CALLBACK = 'http://localhost:8976/callback';
const PASSWORD = 'Corr3ct-Horse!';
const SCOPE = 'gw/invoke';

let moto: Moto;
let server: Server;
let f: FetchLike;
const overlay = { versions: new Map<string, number>(), branded: new Set<string>(), secrets: new Map<string, string[]>() };
const env = {} as { poolId: string; otherPool: string; prefix: string; web: string; other: string; noflow: string; m2m: string; m2mSecret: string; gw: string; gwUrl: string; gwOtherIssuer: string };

const b64 = (s: string) => Buffer.from(s).toString('base64');
const claims = (jwt: string) => JSON.parse(Buffer.from(jwt.split('.')[1]!, 'base64url').toString('utf8')) as Record<string, unknown>;
const domainUrl = () => `https://${env.prefix}.auth.${REGION}.amazoncognito.com`;
const pkce = () => {
  const verifier = randomBytes(32).toString('base64url');
  return { verifier, challenge: createHash('sha256').update(verifier).digest('base64url') };
};

beforeAll(async () => {
  moto = await startMoto();
  const { cognito, agentcore } = sdk(moto.endpoint);
  const stub: Overlay = {
    clientSecrets: async (pool, client) => overlay.secrets.get(`${pool}/${client}`) ?? [],
    managedLoginVersion: (d) => overlay.versions.get(d),
    hasBranding: (pool, client) => overlay.branded.has(`${pool}/${client}`),
  };
  const plane = createDataPlane({ region: REGION, moto: { cognito, agentcore }, overlay: stub, tools: [{ name: 'tools___echo', description: 'Echo' }, { name: 'tools___time' }] });
  server = createServer((req, res) => {
    const host = req.headers['x-forwarded-host'];
    void (typeof host === 'string' ? plane.handle(req, res, host) : Promise.resolve(false)).then((handled) => {
      if (!handled) {
        res.writeHead(404, { 'content-type': 'text/xml' });
        res.end('<UnknownOperationException/>');
      }
    });
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  f = awsFetch(`http://127.0.0.1:${(server.address() as AddressInfo).port}`);

  // Seed moto as a user of this tool would have it.
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
  const gateway = async (name: string, poolId: string) =>
    agentcore.send(
      new CreateGatewayCommand({
        name,
        roleArn: 'arn:aws:iam::123456789012:role/gateway-role',
        protocolType: 'MCP',
        protocolConfiguration: { mcp: { supportedVersions: ['2025-03-26', '2025-06-18'] } },
        authorizerType: 'CUSTOM_JWT',
        authorizerConfiguration: {
          customJWTAuthorizer: { discoveryUrl: `https://cognito-idp.${REGION}.amazonaws.com/${poolId}/.well-known/openid-configuration`, allowedClients: [env.web, env.m2m], allowedScopes: [SCOPE] },
        } as CreateGatewayCommandInput['authorizerConfiguration'],
      }),
    );
  const gw = await gateway('mcp-gw', env.poolId);
  env.gw = gw.gatewayId!;
  env.gwUrl = `https://${env.gw}.gateway.bedrock-agentcore.${REGION}.amazonaws.com/mcp`;
  env.gwOtherIssuer = (await gateway('other-gw', env.otherPool)).gatewayId!;
});

afterAll(async () => {
  await new Promise<void>((r) => (server ? server.close(() => r()) : r()));
  await moto?.stop();
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
    const login = (await f(authorizeUrl(), { redirect: 'manual' })).headers.get('location')!;
    try {
      overlay.versions.set(env.prefix, 2);
      expect(await (await f(login)).text()).toContain('Login pages unavailable');
      overlay.branded.add(`${env.poolId}/${env.web}`);
      expect(await (await f(login)).text()).toContain('name="username"');
      overlay.branded.clear();
      overlay.versions.set(env.prefix, 1);
      expect(await (await f(login)).text()).toContain('name="username"');
    } finally {
      overlay.versions.clear();
      overlay.branded.clear();
    }
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
    // A secret the overlay added (AddUserPoolClientSecret) works too.
    overlay.secrets.set(`${env.poolId}/${env.m2m}`, ['second-secret-0123456789abcdef']);
    expect((await token({ grant_type: 'client_credentials' }, [env.m2m, 'second-secret-0123456789abcdef'])).status).toBe(200);
    overlay.secrets.clear();
    expect(await token({ grant_type: 'client_credentials' }, [env.m2m, 'wrong'])).toEqual({ status: 400, body: { error: 'invalid_client' } });
    expect((await token({ grant_type: 'client_credentials', client_id: env.m2m })).body).toEqual({ error: 'invalid_client' });
    expect((await token({ grant_type: 'client_credentials', scope: 'openid' }, [env.m2m, env.m2mSecret])).body).toEqual({ error: 'invalid_scope' });
    expect((await token({ grant_type: 'client_credentials', client_id: env.web })).body).toEqual({ error: 'unauthorized_client' });
    expect((await token({ grant_type: 'password', client_id: env.web })).body).toEqual({ error: 'unsupported_grant_type' });
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

describe('awsFetch', () => {
  it('refuses non-AWS, non-loopback hosts', async () => {
    await expect(f('https://example.com/')).rejects.toThrow(/refusing/);
  });
});
