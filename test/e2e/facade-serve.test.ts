/**
 * `facade serve` end to end with a client nobody here wrote: the official MCP TypeScript SDK runs
 * discovery → registration (RFC 7591) or a Client ID Metadata Document → PKCE authorize → sign-in on
 * the emulator's hosted UI → token → initialize → tools/list, through the built CLI's façade (a
 * child process) over an `init`-made setup on the emulator front. The gateway is then given MCP
 * 2026-07-28 with `authorize-client --mcp-version 2026-07-28`, and both client generations run: the
 * 1.x SDK (@modelcontextprotocol/sdk, initialize with a 2025 version) and the 2.x SDK
 * (@modelcontextprotocol/client, server/discover and stateless requests with 2026-07-28).
 * mcp-remote (npm, a stdio bridge many clients use) runs the same through the façade: it opens the
 * browser with `open`, whose bundled xdg-open runs $BROWSER, here test/fixtures/fake-browser.mjs,
 * which reaches only loopback and the emulator front.
 *
 * The façade's outbound calls (Cognito's token endpoint, the gateway, a CIMD document) go through
 * MCP_COGNITO_PROBE_BASE, the loopback-only data-plane override doctor's probes use: the front
 * routes them by X-Forwarded-Host. CIMD's https-only rule stays as it is: the document's URL is
 * https://cimd.example.com/…, and the front's data plane, extended here, serves that host from
 * loopback (as it serves the AWS hosts), so nothing in the product is relaxed for the test.
 */
import { spawn, type ChildProcessWithoutNullStreams } from 'node:child_process';
import { request as httpRequest } from 'node:http';
import { mkdirSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { createHash, randomBytes } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { AdminCreateUserCommand, AdminSetUserPasswordCommand, DescribeUserPoolClientCommand } from '@aws-sdk/client-cognito-identity-provider';
import { GetGatewayCommand } from '@aws-sdk/client-bedrock-agentcore-control';
import { Client } from '@modelcontextprotocol/sdk/client/index.js';
import { StreamableHTTPClientTransport } from '@modelcontextprotocol/sdk/client/streamableHttp.js';
import { UnauthorizedError, type OAuthClientProvider } from '@modelcontextprotocol/sdk/client/auth.js';
import type { OAuthClientInformationMixed, OAuthClientMetadata, OAuthTokens } from '@modelcontextprotocol/sdk/shared/auth.js';
import * as v2 from '@modelcontextprotocol/client';
import { acquireMoto, freePort, sdk } from './moto';
import { runCli } from './run-cli';
import { startFront, type Front } from '../emulator/server';
import { createDataPlane } from '../emulator/dataplane/index';
import { awsFetch, type FetchLike } from '../emulator/fetch';
import { connectLikeCopilotStudio } from '../fixtures/copilot-studio-sim';
// @ts-expect-error plain .mjs script without types
import { seedSample } from '../../scripts/sandbox.mjs';

const repoRoot = resolve(fileURLToPath(new URL('../..', import.meta.url)));
const USER = 'alice@example.com';
const PASSWORD = 'Corr3ct-Horse!';
const CIMD_URL = 'https://cimd.example.com/mcp-client.json';
const APP_REDIRECT = 'http://localhost:53682/callback';

let moto: Awaited<ReturnType<typeof acquireMoto>>;
let front: Front;
let f: FetchLike;
let serve: ChildProcessWithoutNullStreams;
let serveOut = '';
let serveErr = '';
let cwd: string;
let ready: { mcpUrl: string; claudeCommand: string; codexCommand: string; callbackUrl: string; clientId: string; callbackAdded: boolean };
const seed = {} as { poolId: string; gatewayId: string };
/** The Copilot Studio client init made, as DescribeUserPoolClient answered before facade serve. */
let copilot: { clientId: string; before: string };
const describeClient = async (clientId: string) => (await sdk(front.endpoint).cognito.send(new DescribeUserPoolClientCommand({ UserPoolId: seed.poolId, ClientId: clientId }))).UserPoolClient!;
let versions: Awaited<ReturnType<typeof runCli>>;
/** The 2.x client's access token, reused by the raw request test (one sign-in fewer). */
let token2x = '';

/** The CIMD document host, served by the front's data plane beside the AWS hosts. */
const cimdDocument = { client_id: CIMD_URL, client_name: 'CIMD test client', redirect_uris: ['http://localhost/callback'], grant_types: ['authorization_code', 'refresh_token'], response_types: ['code'], token_endpoint_auth_method: 'none' };

function cliEnv(extra: Record<string, string>): Record<string, string> {
  const home = mkdtempSync(join(tmpdir(), 'facade-home-'));
  mkdirSync(join(home, '.aws'));
  return { PATH: process.env.PATH ?? '/usr/bin:/bin', HOME: home, AWS_CONFIG_FILE: join(home, '.aws', 'config'), AWS_SHARED_CREDENTIALS_FILE: join(home, '.aws', 'credentials'), AWS_ACCESS_KEY_ID: 'test', AWS_SECRET_ACCESS_KEY: 'test', AWS_REGION: 'us-east-1', CI: 'true', NO_COLOR: '1', ...extra };
}

/** Resolves with the first JSON document the façade prints (it prints it once it serves). */
function whenReady(child: ChildProcessWithoutNullStreams): Promise<typeof ready> {
  return new Promise((resolvePromise, reject) => {
    const timer = setTimeout(() => reject(new Error(`facade serve did not become ready.\n${serveOut}\n${serveErr}`)), 30_000);
    child.stdout.on('data', () => {
      try {
        const doc = JSON.parse(serveOut) as typeof ready;
        clearTimeout(timer);
        resolvePromise(doc);
      } catch {
        /* not complete yet */
      }
    });
    child.once('exit', (code) => reject(new Error(`facade serve exited (${code}).\n${serveOut}\n${serveErr}`)));
  });
}

beforeAll(async () => {
  // The worker slot's moto, reset: what the slot's last file left is gone before the seed.
  moto = await acquireMoto();
  await moto.reset();
  front = await startFront({
    motoEndpoint: moto.endpoint,
    createDataPlane: (opts) => {
      const plane = createDataPlane(opts);
      return {
        async handle(req, res, host) {
          if (host !== 'cimd.example.com') return plane.handle(req, res, host);
          if (req.url !== '/mcp-client.json') return false;
          res.writeHead(200, { 'content-type': 'application/json' });
          res.end(JSON.stringify(cimdDocument));
          return true;
        },
      };
    },
  });
  f = awsFetch(front.endpoint);
  Object.assign(seed, await seedSample(front.endpoint));
  cwd = mkdtempSync(join(tmpdir(), 'facade-serve-'));
  const init = await runCli(['init', '--no-input', '--yes', '--gateway-id', seed.gatewayId, '--json'], { endpoint: front.endpoint, cwd });
  expect(init.code, init.stderr).toBe(0);
  // The stateless MCP revision for the clients of 2026-07-28, every version the gateway lists kept.
  versions = await runCli(['authorize-client', '--mcp-version', '2026-07-28', '--yes', '--json'], { endpoint: front.endpoint, cwd });
  expect(versions.code, versions.stderr).toBe(0);
  const { cognito } = sdk(front.endpoint);
  await cognito.send(new AdminCreateUserCommand({ UserPoolId: seed.poolId, Username: USER, MessageAction: 'SUPPRESS', UserAttributes: [{ Name: 'email', Value: USER }, { Name: 'email_verified', Value: 'true' }] }));
  await cognito.send(new AdminSetUserPasswordCommand({ UserPoolId: seed.poolId, Username: USER, Password: PASSWORD, Permanent: true }));
  const copilotId = (init.state() as { clients: { clientId: string }[] }).clients[0]!.clientId;
  copilot = { clientId: copilotId, before: JSON.stringify(await describeClient(copilotId)) };

  const port = await freePort();
  serve = spawn(process.execPath, [join(repoRoot, 'bin', 'mcp-cognito.js'), 'facade', 'serve', '--port', String(port), '--yes', '--json'], {
    cwd,
    env: cliEnv({ AWS_ENDPOINT_URL: front.endpoint, MCP_COGNITO_PROBE_BASE: front.endpoint }),
  });
  serve.stdout.setEncoding('utf8').on('data', (d: string) => (serveOut += d));
  serve.stderr.setEncoding('utf8').on('data', (d: string) => (serveErr += d));
  ready = await whenReady(serve);
}, 90_000);

afterAll(async () => {
  if (serve && serve.exitCode === null) serve.kill('SIGKILL');
  await front?.stop();
  await moto?.release();
  if (cwd) rmSync(cwd, { recursive: true, force: true });
});

/** A browser with a cookie jar: follows the façade's and the hosted UI's redirects, signs in, stops at the app's loopback redirect. */
async function browser(authorizeUrl: string, appRedirect: string): Promise<URL> {
  const jar = new Map<string, string[]>();
  let url = new URL(authorizeUrl);
  let post: string | undefined;
  for (let hop = 0; hop < 12; hop++) {
    if (url.href.startsWith(appRedirect.replace(/:\d+\//, '/').replace('localhost/', 'localhost')) || url.href.startsWith(appRedirect)) return url;
    const cookies = jar.get(url.host) ?? [];
    const res = await f(url, {
      method: post ? 'POST' : 'GET',
      redirect: 'manual',
      headers: { ...(cookies.length ? { cookie: cookies.join('; ') } : {}), ...(post ? { 'content-type': 'application/x-www-form-urlencoded' } : {}) },
      ...(post ? { body: post } : {}),
    });
    for (const c of res.headers.getSetCookie()) {
      const pair = c.split(';')[0]!;
      const name = pair.split('=')[0]!;
      jar.set(url.host, [...(jar.get(url.host) ?? []).filter((x) => !x.startsWith(`${name}=`)), pair]);
    }
    post = undefined;
    if (res.status === 302) {
      url = new URL(res.headers.get('location')!, url);
      continue;
    }
    const html = await res.text();
    if (res.status === 200 && html.includes('name="username"')) {
      post = new URLSearchParams({ username: USER, password: PASSWORD }).toString();
      continue;
    }
    throw new Error(`The browser stopped at ${url.origin}${url.pathname} (HTTP ${res.status}): ${html.slice(0, 300)}`);
  }
  throw new Error('Too many redirects');
}

class Provider implements OAuthClientProvider {
  info?: OAuthClientInformationMixed;
  saved?: OAuthTokens;
  verifier = '';
  authUrls: URL[] = [];
  code?: string;
  constructor(readonly clientMetadataUrl?: string) {}
  get redirectUrl() {
    return APP_REDIRECT;
  }
  get clientMetadata(): OAuthClientMetadata {
    return { client_name: 'facade e2e', redirect_uris: [APP_REDIRECT], grant_types: ['authorization_code', 'refresh_token'], response_types: ['code'], token_endpoint_auth_method: 'none' };
  }
  clientInformation() {
    return this.info;
  }
  saveClientInformation(c: OAuthClientInformationMixed) {
    this.info = c;
  }
  tokens() {
    return this.saved;
  }
  saveTokens(t: OAuthTokens) {
    this.saved = t;
  }
  saveCodeVerifier(v: string) {
    this.verifier = v;
  }
  codeVerifier() {
    return this.verifier;
  }
  async redirectToAuthorization(url: URL) {
    this.authUrls.push(url);
    const back = await browser(url.href, APP_REDIRECT);
    this.code = back.searchParams.get('code') ?? undefined;
  }
}

/** The 2.x SDK's OAuth client: the same browser, plus what SEP-2352 asks a provider to keep (the discovery state). */
class Provider2 implements v2.OAuthClientProvider {
  info?: v2.StoredOAuthClientInformation;
  saved?: v2.StoredOAuthTokens;
  verifier = '';
  discovery?: v2.OAuthDiscoveryState;
  authUrls: URL[] = [];
  callback?: URLSearchParams;
  get redirectUrl() {
    return APP_REDIRECT;
  }
  get clientMetadata(): v2.OAuthClientMetadata {
    return { client_name: 'facade e2e 2.x', redirect_uris: [APP_REDIRECT], grant_types: ['authorization_code', 'refresh_token'], response_types: ['code'], token_endpoint_auth_method: 'none' };
  }
  clientInformation() {
    return this.info;
  }
  saveClientInformation(c: v2.StoredOAuthClientInformation) {
    this.info = c;
  }
  tokens() {
    return this.saved;
  }
  saveTokens(t: v2.StoredOAuthTokens) {
    this.saved = t;
  }
  saveCodeVerifier(v: string) {
    this.verifier = v;
  }
  codeVerifier() {
    return this.verifier;
  }
  saveDiscoveryState(s: v2.OAuthDiscoveryState) {
    this.discovery = s;
  }
  discoveryState() {
    return this.discovery;
  }
  async redirectToAuthorization(url: URL) {
    this.authUrls.push(url);
    this.callback = (await browser(url.href, APP_REDIRECT)).searchParams;
  }
}

async function signInAndList(provider: Provider): Promise<string[]> {
  const transport = () => new StreamableHTTPClientTransport(new URL(ready.mcpUrl), { authProvider: provider, fetch: f });
  const first = transport();
  await expect(new Client({ name: 'e2e', version: '1' }).connect(first)).rejects.toBeInstanceOf(UnauthorizedError);
  expect(provider.code, serveErr).toBeTruthy();
  await first.finishAuth(provider.code!);
  const client = new Client({ name: 'e2e', version: '1' });
  await client.connect(transport());
  const tools = await client.listTools();
  await client.close();
  return tools.tools.map((t) => t.name);
}

describe('facade serve with the MCP TypeScript SDK', () => {
  it("prints the MCP URL and the claude mcp add and codex mcp add lines; made the façade's own client with only its callback; the Copilot Studio client is byte-for-byte as it was", async () => {
    expect(ready.mcpUrl, serveOut + serveErr).toBeDefined();
    const origin = new URL(ready.mcpUrl).origin;
    expect(ready.mcpUrl).toBe(`${origin}/mcp`);
    expect(ready.claudeCommand).toBe(`claude mcp add --transport http sample-gateway ${ready.mcpUrl}`);
    expect(ready.codexCommand).toBe(`codex mcp add sample-gateway --url ${ready.mcpUrl}`);
    expect(ready.callbackAdded).toBe(true);
    expect(ready.clientId).not.toBe(copilot.clientId);
    const c = await describeClient(ready.clientId);
    expect(c).toMatchObject({ ClientName: 'mcp-cognito-facade', AllowedOAuthFlows: ['code'], RefreshTokenRotation: { Feature: 'ENABLED' } });
    expect(c.CallbackURLs).toEqual([`${origin}/callback`]);
    expect(c.AllowedOAuthScopes).toEqual(expect.arrayContaining(['openid', 'mcp/invoke']));
    expect(JSON.stringify(await describeClient(copilot.clientId))).toBe(copilot.before);
    // Recorded with its preset, and the one callback serve registered for this host and port.
    const state = JSON.parse(readFileSync(join(cwd, 'mcp-cognito.json'), 'utf8')) as { clients: { clientId: string; preset: string }[]; facadeServe: unknown; created: { clients: string[] } };
    expect(state.clients).toContainEqual(expect.objectContaining({ clientId: ready.clientId, preset: 'oauth-facade' }));
    expect(state.created.clients).toContain(ready.clientId);
    expect(state.facadeServe).toEqual({ clientId: ready.clientId, callbacks: [`${origin}/callback`] });
    const gw = await sdk(front.endpoint).agentcore.send(new GetGatewayCommand({ gatewayIdentifier: seed.gatewayId }));
    expect(gw.authorizerConfiguration?.customJWTAuthorizer?.allowedClients).toEqual(expect.arrayContaining([copilot.clientId, ready.clientId]));
    // The secret was read, never shown.
    expect(serveOut + serveErr).not.toContain(c.ClientSecret!);
  });

  it('doctor knows the façade: a healthy setup after facade serve exits 0; delete-client on its client refuses naming facade remove', async () => {
    const doctor = await runCli(['doctor', '--json'], { endpoint: front.endpoint, cwd });
    const checks = doctor.json<{ checks: { id: string; status: string; title: string; detail: string }[] }>().checks;
    expect(checks.filter((c) => c.status === 'fail'), doctor.stdout).toEqual([]);
    expect(doctor.code, doctor.stderr).toBe(0);
    const del = await runCli(['delete-client', '--client-id', ready.clientId, '--yes'], { endpoint: front.endpoint, cwd });
    expect(del.code).toBe(1);
    expect(del.stderr).toMatch(/the OAuth façade's client.*mcp-cognito facade remove.*--force/);
    expect(del.requests).toEqual([]);
  });

  it('discovery → registration → PKCE S256 on the hosted UI → token → initialize → tools/list; refresh rotates; a Copilot Studio refresh token is refused', async () => {
    const provider = new Provider();
    const names = await signInAndList(provider);
    expect(names.length).toBeGreaterThan(0);
    // Registration answered with the pre-provisioned client, as a public client.
    expect(provider.info).toMatchObject({ client_id: ready.clientId });
    expect(provider.info).not.toHaveProperty('client_secret');
    const authz = provider.authUrls[0]!;
    expect(authz.origin).toBe(new URL(ready.mcpUrl).origin);
    expect(authz.searchParams.get('code_challenge_method')).toBe('S256');
    // The access token is Cognito's, for the init-made client.
    const claims = JSON.parse(Buffer.from(provider.saved!.access_token.split('.')[1]!, 'base64url').toString()) as Record<string, unknown>;
    expect(claims).toMatchObject({ iss: `https://cognito-idp.us-east-1.amazonaws.com/${seed.poolId}`, client_id: ready.clientId, token_use: 'access' });
    // The façade logged the routes, never a code, a token or the query string.
    expect(serveErr).toMatch(/GET \/callback 302/);
    expect(serveErr).not.toContain(provider.saved!.access_token);
    expect(serveErr).not.toMatch(/code=|state=/);

    // Refresh through the façade: its client rotates refresh tokens, so the one used is spent.
    const origin = new URL(ready.mcpUrl).origin;
    const refresh = (token: string) => fetch(`${origin}/token`, { method: 'POST', headers: { 'content-type': 'application/x-www-form-urlencoded' }, body: new URLSearchParams({ grant_type: 'refresh_token', refresh_token: token, client_id: ready.clientId }).toString() });
    const first = provider.saved!.refresh_token!;
    const r1 = await refresh(first);
    expect(r1.status).toBe(200);
    const rotated = ((await r1.json()) as { refresh_token?: string }).refresh_token;
    expect(rotated).toBeTruthy();
    expect(rotated).not.toBe(first);
    expect((await refresh(first)).status).toBe(400);
    expect((await refresh(rotated!)).status).toBe(200);

    // A refresh token Copilot Studio obtained (its own client, with its secret) is refused by the façade's token endpoint.
    const state = JSON.parse(readFileSync(join(cwd, 'mcp-cognito.json'), 'utf8')) as { domain: string };
    const hostedUi = `https://${state.domain}.auth.us-east-1.amazoncognito.com`;
    const placeholder = 'https://placeholder.example.com';
    const back = await browser(`${hostedUi}/oauth2/authorize?${new URLSearchParams({ response_type: 'code', client_id: copilot.clientId, redirect_uri: placeholder, scope: 'openid mcp/invoke' })}`, placeholder);
    const secret = (await describeClient(copilot.clientId)).ClientSecret!;
    const tok = await f(`${hostedUi}/oauth2/token`, {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded', authorization: `Basic ${Buffer.from(`${copilot.clientId}:${secret}`).toString('base64')}` },
      body: new URLSearchParams({ grant_type: 'authorization_code', code: back.searchParams.get('code')!, redirect_uri: placeholder }).toString(),
    });
    expect(tok.status).toBe(200);
    const copilotRefresh = ((await tok.json()) as { refresh_token: string }).refresh_token;
    const refused = await refresh(copilotRefresh);
    expect(refused.status).toBe(400);
    expect(await refused.json()).toMatchObject({ error: 'invalid_grant' });
  });

  it('the same with a Client ID Metadata Document client (https URL client_id, fetched by the façade)', async () => {
    const provider = new Provider(CIMD_URL);
    const names = await signInAndList(provider);
    expect(names.length).toBeGreaterThan(0);
    expect(provider.info?.client_id).toBe(CIMD_URL);
    expect(provider.authUrls[0]!.searchParams.get('client_id')).toBe(CIMD_URL);
  });

  it("refreshes only what it issued: its sealed token rotates, a used one and Cognito's own refresh token (obtained with the secret, as Copilot Studio does) are invalid_grant", async () => {
    const origin = new URL(ready.mcpUrl).origin;
    const provider = new Provider();
    await signInAndList(provider);
    const sealed = provider.saved!.refresh_token!;
    expect(sealed).toMatch(/^mcfr1\./);
    const refresh = (token: string) =>
      fetch(`${origin}/token`, { method: 'POST', headers: { 'content-type': 'application/x-www-form-urlencoded' }, body: new URLSearchParams({ grant_type: 'refresh_token', refresh_token: token, client_id: ready.clientId }) });
    const first = await refresh(sealed);
    expect(first.status).toBe(200);
    const next = ((await first.json()) as { access_token: string; refresh_token: string });
    expect(next.access_token).toBeTruthy();
    expect(next.refresh_token).toMatch(/^mcfr1\./);
    expect(next.refresh_token).not.toBe(sealed);
    const reused = await refresh(sealed);
    expect(reused.status).toBe(400);
    expect(await reused.json()).toMatchObject({ error: 'invalid_grant' });

    // Copilot Studio's way: the hosted UI, then Cognito's token endpoint with the client's secret.
    const verifier = randomBytes(32).toString('base64url');
    const atFacade = await fetch(`${origin}/authorize?${new URLSearchParams({ response_type: 'code', client_id: ready.clientId, redirect_uri: APP_REDIRECT, state: 's', code_challenge: 'x'.repeat(43), code_challenge_method: 'S256' })}`, { redirect: 'manual' });
    const cognitoAuthorize = new URL(atFacade.headers.get('location')!);
    const direct = new URL(`${cognitoAuthorize.origin}${cognitoAuthorize.pathname}`);
    direct.search = new URLSearchParams({ response_type: 'code', client_id: ready.clientId, redirect_uri: ready.callbackUrl, state: 'cs', code_challenge: createHash('sha256').update(verifier).digest('base64url'), code_challenge_method: 'S256' }).toString();
    const landed = await browser(direct.href, ready.callbackUrl);
    const { cognito } = sdk(front.endpoint);
    const secret = (await cognito.send(new DescribeUserPoolClientCommand({ UserPoolId: seed.poolId, ClientId: ready.clientId }))).UserPoolClient!.ClientSecret!;
    const issued = await f(`${cognitoAuthorize.origin}/oauth2/token`, {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded', authorization: `Basic ${Buffer.from(`${ready.clientId}:${secret}`).toString('base64')}` },
      body: new URLSearchParams({ grant_type: 'authorization_code', code: landed.searchParams.get('code')!, redirect_uri: ready.callbackUrl, code_verifier: verifier }).toString(),
    });
    expect(issued.status).toBe(200);
    const cognitoRefresh = ((await issued.json()) as { refresh_token: string }).refresh_token;
    expect(cognitoRefresh).toBeTruthy();
    const lent = await refresh(cognitoRefresh);
    expect(lent.status).toBe(400);
    expect(await lent.json()).toMatchObject({ error: 'invalid_grant' });
  });

  it('names the printed URL to a request that reached it under another host name', async () => {
    const { port } = new URL(ready.mcpUrl);
    const res = await new Promise<{ status: number; body: string }>((resolvePromise, reject) => {
      const req = httpRequest({ host: '127.0.0.1', port, path: '/.well-known/oauth-protected-resource/mcp', headers: { host: `localhost:${port}` } }, (r) => {
        let body = '';
        r.setEncoding('utf8').on('data', (d: string) => (body += d)).on('end', () => resolvePromise({ status: r.statusCode!, body }));
      });
      req.on('error', reject).end();
    });
    expect(res.status).toBe(421);
    expect(JSON.parse(res.body).error_description).toContain(`use ${ready.mcpUrl} exactly as printed`);
  });

  it('never an open redirect: a non-loopback redirect_uri and plain PKCE are answered 400 with an OAuth error, no Location', async () => {
    const origin = new URL(ready.mcpUrl).origin;
    const verifier = randomBytes(32).toString('base64url');
    const challenge = createHash('sha256').update(verifier).digest('base64url');
    const q = (o: Record<string, string>) => `${origin}/authorize?${new URLSearchParams({ response_type: 'code', client_id: ready.clientId, redirect_uri: APP_REDIRECT, state: 's', code_challenge: challenge, code_challenge_method: 'S256', ...o })}`;
    for (const redirect_uri of ['https://evil.example.com/callback', 'http://evil.example.com/callback', 'http://localhost.evil.example.com/callback']) {
      const r = await fetch(q({ redirect_uri }), { redirect: 'manual' });
      expect(r.status).toBe(400);
      expect(r.headers.get('location')).toBeNull();
      expect(await r.json()).toMatchObject({ error: 'invalid_request' });
    }
    const plain = await fetch(q({ code_challenge: verifier, code_challenge_method: 'plain' }), { redirect: 'manual' });
    expect(plain.status).toBe(400);
    expect(plain.headers.get('location')).toBeNull();
    expect(await plain.json()).toMatchObject({ error: 'invalid_request', error_description: expect.stringMatching(/S256/) });
    const none = await fetch(q({ code_challenge: '', code_challenge_method: '' }), { redirect: 'manual' });
    expect(none.status).toBe(400);
    // A forged state at /callback never redirects either.
    const forged = await fetch(`${origin}/callback?code=x&state=${Buffer.from(JSON.stringify({ r: 'https://evil.example.com' })).toString('base64url')}.sig`, { redirect: 'manual' });
    expect(forged.status).toBe(400);
    expect(forged.headers.get('location')).toBeNull();
  });

  it('--copilot-studio --public-url (a tunnel): the Copilot Studio simulator connects through the tunnel origin; without --public-url it is exit 2', async () => {
    const refused = await runCli(['facade', 'serve', '--copilot-studio', '--yes'], { endpoint: front.endpoint, cwd });
    expect(refused.code).toBe(2);
    expect(refused.stderr).toMatch(/--public-url/);
    expect(refused.requests).toEqual([]);

    const TUNNEL = 'https://tunnel.example.test';
    const port = await freePort();
    const child = spawn(process.execPath, [join(repoRoot, 'bin', 'mcp-cognito.js'), 'facade', 'serve', '--port', String(port), '--public-url', TUNNEL, '--copilot-studio', '--yes', '--json'], {
      cwd,
      env: cliEnv({ AWS_ENDPOINT_URL: front.endpoint, MCP_COGNITO_PROBE_BASE: front.endpoint }),
    });
    let out = '';
    let err = '';
    child.stdout.setEncoding('utf8').on('data', (d: string) => (out += d));
    child.stderr.setEncoding('utf8').on('data', (d: string) => (err += d));
    try {
      const doc = await new Promise<{ mcpUrl: string; copilotStudio: boolean }>((resolvePromise, reject) => {
        const timer = setTimeout(() => reject(new Error(`serve did not become ready.\n${out}\n${err}`)), 30_000);
        child.stdout.on('data', () => {
          try {
            resolvePromise(JSON.parse(out));
            clearTimeout(timer);
          } catch {
            /* not complete yet */
          }
        });
        child.once('exit', (code) => reject(new Error(`serve exited (${code}).\n${out}\n${err}`)));
      });
      expect(doc).toMatchObject({ mcpUrl: `${TUNNEL}/mcp`, copilotStudio: true });
      // The tunnel: its https origin reaches this loopback server; everything else goes to the emulator.
      const tunnel: FetchLike = (input, init) => {
        const u = new URL(String(input instanceof Request ? input.url : input));
        // A tunnel forwards the public Host (the façade refuses any other: 421).
        if (u.origin !== TUNNEL) return f(input, init);
        const headers: Record<string, string> = {};
        new Headers(init?.headers).forEach((v, k) => (headers[k] = v));
        headers.host = u.host;
        const body = init?.body === undefined || init.body === null ? undefined : Buffer.from(String(init.body));
        return new Promise<Response>((resolveRes, reject) => {
          const req = httpRequest({ host: '127.0.0.1', port, path: `${u.pathname}${u.search}`, method: init?.method ?? 'GET', headers }, (res) => {
            const chunks: Buffer[] = [];
            res.on('data', (c: Buffer) => chunks.push(c));
            res.on('end', () => {
              const h = new Headers();
              for (const [k, v] of Object.entries(res.headers)) for (const x of [v ?? []].flat()) h.append(k, x);
              const status = res.statusCode ?? 502;
              resolveRes(new Response([204, 304].includes(status) ? null : Buffer.concat(chunks), { status, headers: h }));
            });
          });
          req.on('error', reject);
          req.end(body);
        });
      };
      const report = await connectLikeCopilotStudio({ serverUrl: doc.mcpUrl, fetch: tunnel, toolName: 'Tunnel tool', user: { name: USER, password: PASSWORD } });
      expect(report.tools.length).toBeGreaterThan(0);
      expect(report.negotiatedVersion).toBe('2025-03-26');
    } finally {
      if (child.exitCode === null) {
        const exited = new Promise((r) => child.once('exit', r));
        child.kill('SIGINT');
        await exited;
      }
    }
  });

  it('authorize-client --mcp-version 2026-07-28 kept every version the gateway listed', async () => {
    const sent = versions.requests.filter((r) => r.operation === 'UpdateGateway');
    expect(sent).toHaveLength(1);
    expect((sent[0]!.input as { protocolConfiguration: { mcp: { supportedVersions: string[] } } }).protocolConfiguration.mcp.supportedVersions).toEqual(['2025-06-18', '2025-03-26', '2026-07-28']);
  });

  it('the 2.x SDK client (MCP 2026-07-28): discovery → registration → PKCE S256 on the hosted UI → token (iss checked) → server/discover → tools/list + tools/call, no session', async () => {
    const provider = new Provider2();
    const seen: { method?: string; session?: string | null; name?: string | null; version?: string | null; status?: number }[] = [];
    // The 2.x client's own fetch, observed: what it sends through the façade and what comes back.
    const watch: FetchLike = async (input, init) => {
      const res = await f(input, init);
      if (String(input instanceof Request ? input.url : input) === ready.mcpUrl) {
        const h = new Headers(init?.headers);
        seen.push({ method: h.get('mcp-method') ?? JSON.parse(String(init?.body ?? '{}')).method, session: h.get('mcp-session-id'), name: h.get('mcp-name'), version: h.get('mcp-protocol-version'), status: res.status });
      }
      return res;
    };
    const transport = () => new v2.StreamableHTTPClientTransport(new URL(ready.mcpUrl), { authProvider: provider, fetch: watch });
    const client = () => new v2.Client({ name: 'e2e-2x', version: '1' }, { versionNegotiation: { mode: 'auto' } });
    const first = transport();
    await expect(client().connect(first)).rejects.toBeInstanceOf(v2.UnauthorizedError);
    expect(provider.callback, serveErr).toBeTruthy();
    // RFC 9207: the façade names itself as the issuer on the callback; the 2.x SDK checks it.
    expect(provider.callback!.get('iss')).toBe(new URL(ready.mcpUrl).origin);
    await first.finishAuth(provider.callback!);
    expect(provider.saved?.access_token).toBeTruthy();
    token2x = provider.saved!.access_token;
    const authz = provider.authUrls[0]!;
    expect(authz.origin).toBe(new URL(ready.mcpUrl).origin);
    expect(authz.searchParams.get('code_challenge_method')).toBe('S256');

    const c = client();
    await c.connect(transport());
    expect(c.getNegotiatedProtocolVersion()).toBe('2026-07-28');
    expect(c.getServerVersion()?.name).toBe('sample-gateway');
    const tools = (await c.listTools()).tools.map((t) => t.name);
    expect(tools.length).toBeGreaterThan(0);
    const called = await c.callTool({ name: tools[0]!, arguments: { city: 'Lisbon' } });
    expect(called.content).toEqual([{ type: 'text', text: '{"city":"Lisbon"}' }]);
    await c.close();
    // Stateless through the façade: no initialize, no Mcp-Session-Id; the 2026 headers reached the gateway (the
    // emulator answers 400 -32020 without them).
    const after = seen.filter((x) => x.status === 200);
    expect(after.map((x) => x.method)).toEqual(['server/discover', 'tools/list', 'tools/call']);
    expect(after.every((x) => x.session === null && x.version === '2026-07-28')).toBe(true);
    expect(after[2]!.name).toBe(tools[0]);
  });

  it("Claude Code's first request, a raw server/discover with 2026-07-28, is answered through the façade (not 400)", async () => {
    if (!token2x) {
      const provider = new Provider();
      await signInAndList(provider);
      token2x = provider.saved!.access_token;
    }
    const r = await fetch(ready.mcpUrl, {
      method: 'POST',
      headers: { authorization: `Bearer ${token2x}`, 'content-type': 'application/json', accept: 'application/json, text/event-stream', 'mcp-protocol-version': '2026-07-28', 'mcp-method': 'server/discover' },
      body: JSON.stringify({ jsonrpc: '2.0', id: 0, method: 'server/discover', params: { _meta: { 'io.modelcontextprotocol/protocolVersion': '2026-07-28', 'io.modelcontextprotocol/clientCapabilities': {}, 'io.modelcontextprotocol/clientInfo': { name: 'claude-code', version: '2.1.332' } } } }),
    });
    expect(r.status).toBe(200);
    expect(r.headers.get('mcp-session-id')).toBeNull();
    expect(await r.json()).toMatchObject({ jsonrpc: '2.0', id: 0, result: { resultType: 'complete', supportedVersions: ['2025-06-18', '2025-03-26', '2026-07-28'] } });
  });
  it('mcp-remote (a client nobody here wrote) registers, signs in through a browser it opens, and lists the tools over stdio', async () => {
    const home = mkdtempSync(join(tmpdir(), 'mcp-remote-'));
    const browserLog = join(home, 'browser.log');
    const callbackPort = await freePort();
    // No DISPLAY and no desktop: `open` runs its bundled xdg-open, which runs $BROWSER: the fake browser.
    const env: Record<string, string> = {
      PATH: process.env.PATH ?? '/usr/bin:/bin',
      HOME: home,
      MCP_REMOTE_CONFIG_DIR: join(home, '.mcp-auth'),
      BROWSER: join(repoRoot, 'test', 'fixtures', 'fake-browser.mjs'),
      FAKE_BROWSER_FRONT: front.endpoint,
      FAKE_BROWSER_USER: USER,
      FAKE_BROWSER_PASSWORD: PASSWORD,
      FAKE_BROWSER_LOG: browserLog,
      NO_COLOR: '1',
    };
    const remote = spawn(process.execPath, [join(repoRoot, 'node_modules', 'mcp-remote', 'dist', 'proxy.js'), ready.mcpUrl, String(callbackPort), '--transport', 'http-only'], { env, cwd: home });
    let stdout = '';
    let stderr = '';
    const t0 = Date.now();
    remote.stderr.setEncoding('utf8').on('data', (d: string) => (stderr += d.split('\n').map((l) => (l ? `[${Date.now() - t0}] ${l}` : l)).join('\n')));
    const answers = new Map<number, Record<string, unknown>>();
    const waiters = new Map<number, (m: Record<string, unknown>) => void>();
    remote.stdout.setEncoding('utf8').on('data', (d: string) => {
      stdout += d;
      let nl: number;
      while ((nl = stdout.indexOf('\n')) >= 0) {
        const line = stdout.slice(0, nl);
        stdout = stdout.slice(nl + 1);
        if (!line.trim()) continue;
        const m = JSON.parse(line) as { id?: number } & Record<string, unknown>;
        if (typeof m.id === 'number') {
          answers.set(m.id, m);
          waiters.get(m.id)?.(m);
        }
      }
    });
    const call = (id: number, method: string, params: Record<string, unknown> = {}) =>
      new Promise<Record<string, unknown>>((resolvePromise, reject) => {
        const timer = setTimeout(() => reject(new Error(`no answer to ${method}.\n${stderr.slice(-3000)}`)), 30_000);
        waiters.set(id, (m) => {
          clearTimeout(timer);
          resolvePromise(m);
        });
        remote.stdin.write(`${JSON.stringify({ jsonrpc: '2.0', id, method, params })}\n`);
      });
    try {
      const init = await call(1, 'initialize', { protocolVersion: '2025-06-18', capabilities: {}, clientInfo: { name: 'e2e-stdio', version: '1' } });
      expect(init).toMatchObject({ result: { protocolVersion: expect.any(String) } });
      remote.stdin.write(`${JSON.stringify({ jsonrpc: '2.0', method: 'notifications/initialized' })}\n`);
      const listed = (await call(2, 'tools/list')) as { result: { tools: { name: string }[] } };
      expect(listed.result.tools.length).toBeGreaterThan(0);
      // It went through the façade: registration, then the browser from /authorize to mcp-remote's loopback callback.
      expect(serveErr).toMatch(/POST \/register 201/);
      const hops = readFileSync(browserLog, 'utf8');
      expect(hops).toMatch(new RegExp(`GET ${new URL(ready.mcpUrl).origin}/authorize`));
      expect(hops).toMatch(new RegExp(`GET http://localhost:${callbackPort}/oauth/callback`));
    } finally {
      const exited = new Promise((r) => remote.once('exit', r));
      remote.kill('SIGTERM');
      await exited;
      rmSync(home, { recursive: true, force: true });
    }
  }, 60_000);

  it('a second run finds the callback registered (nothing to change); Ctrl-C stops the server with exit 0', async () => {
    const again = await runCli(['facade', 'serve', '--port', new URL(ready.mcpUrl).port, '--dry-run'], { endpoint: front.endpoint, cwd });
    expect(again.code, again.stderr).toBe(0);
    expect(again.stderr).toMatch(/already a callback URL/);
    expect(again.stdout).toMatch(/Would serve the façade at/);
    expect(again.requests.map((r) => r.operation).filter((o) => /^(Create|Update|Add|Delete)/.test(o))).toEqual([]);
    expect(JSON.stringify(await describeClient(copilot.clientId))).toBe(copilot.before);
    const exited = new Promise<number | null>((r) => serve.once('exit', (code) => r(code)));
    serve.kill('SIGINT');
    expect(await exited).toBe(0);
    expect(serveErr).toMatch(/Stopped\./);
  });

  it('answers 503 (never silence) while it sets up, then serves; --client-metadata off stops advertising documents', async () => {
    const port = await freePort();
    let out = '';
    const second = spawn(process.execPath, [join(repoRoot, 'bin', 'mcp-cognito.js'), 'facade', 'serve', '--port', String(port), '--client-metadata', 'off', '--yes', '--json'], {
      cwd,
      env: cliEnv({ AWS_ENDPOINT_URL: front.endpoint, MCP_COGNITO_PROBE_BASE: front.endpoint }),
    });
    second.stdout.setEncoding('utf8').on('data', (d: string) => (out += d));
    const statuses: number[] = [];
    const once = () =>
      new Promise<number | 'refused'>((resolvePromise, reject) => {
        const req = httpRequest({ host: '127.0.0.1', port, path: '/.well-known/oauth-authorization-server', timeout: 3000 }, (r) => {
          r.resume();
          resolvePromise(r.statusCode!);
        });
        req.on('timeout', () => reject(new Error('a request during set-up was never answered'))).on('error', () => resolvePromise('refused')).end();
      });
    try {
      for (let i = 0; i < 600; i++) {
        const status = await once();
        if (status !== 'refused') statuses.push(status);
        if (status === 200) break;
        await new Promise((r) => setTimeout(r, 10));
      }
      expect(statuses.at(-1)).toBe(200);
      expect(statuses).toContain(503);
      expect(new Set(statuses)).toEqual(new Set([503, 200]));
      const asm = (await (await fetch(`http://127.0.0.1:${port}/.well-known/oauth-authorization-server`)).json()) as Record<string, unknown>;
      expect(asm).not.toHaveProperty('client_id_metadata_document_supported');
      expect(asm.registration_endpoint).toBe(`http://127.0.0.1:${port}/register`);
    } finally {
      const exited = new Promise((r) => second.once('exit', r));
      second.kill('SIGINT');
      await exited;
    }
    expect(out).toContain(`codex mcp add sample-gateway --url http://127.0.0.1:${port}/mcp`);
  });
});
