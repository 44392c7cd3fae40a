/**
 * The live probes against the local fake Cognito/gateway server (static backend): each Cognito
 * answer the catalogue documents is told apart; unreachable hosts and timeouts become skips.
 */
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import { Reads } from '../../src/doctor/reads.js';
import type { CheckEnv, ClientRef } from '../../src/doctor/kit.js';
import { fetchFailure, probeSettings, type ProbeSettings } from '../../src/doctor/probe-http.js';
import { runProbes } from '../../src/doctor/probes.js';
import { redactChecks } from '../../src/doctor/redact.js';
import type { Ctx } from '../../src/lib/context.js';
import { accessToken, makeJwt, startFakeOAuthServer, type FakeBackend, type FakeClient, type FakeGateway, type FakeServer } from '../fixtures/fake-oauth-server.js';

const POOL = 'us-east-1_AbC123xyz';
const REDIRECT = 'https://global.consent.azure-apim.net/redirect/abc';
const copilot = (o: Partial<FakeClient> = {}): FakeClient => ({ ClientId: 'copilot1', ClientSecret: 'copilot-secret', AllowedOAuthFlows: ['code'], AllowedOAuthFlowsUserPoolClient: true, AllowedOAuthScopes: ['openid', 'mcp/invoke'], CallbackURLs: [REDIRECT], ...o });
const m2m = (o: Partial<FakeClient> = {}): FakeClient => ({ ClientId: 'm2m1', ClientSecret: 'm2m-secret-value', AllowedOAuthFlows: ['client_credentials'], AllowedOAuthFlowsUserPoolClient: true, AllowedOAuthScopes: ['mcp/invoke'], ...o });
const gateway = (o: Partial<FakeGateway> = {}): FakeGateway => ({ discoveryUrl: `https://cognito-idp.us-east-1.amazonaws.com/${POOL}/.well-known/openid-configuration`, allowedClients: ['copilot1', 'm2m1'], allowedScopes: ['mcp/invoke'], supportedVersions: ['2025-03-26'], ...o });

interface World {
  clients: FakeClient[];
  gw?: FakeGateway;
  loginPagesUnavailable?: boolean;
  tools?: string[];
  domain?: string | undefined;
}

function backend(w: World): FakeBackend {
  return {
    region: 'us-east-1',
    poolId: POOL,
    loginPagesUnavailable: w.loginPagesUnavailable,
    tools: w.tools,
    domain: async () => ('domain' in w ? w.domain : 'mcp-test'),
    client: async (id) => w.clients.find((c) => c.ClientId === id),
    resourceScopes: async () => ['mcp/invoke'],
    gateway: async () => w.gw,
  };
}

/** A Ctx stand-in: the probes only read through Reads → ctx.cognito()/agentcore(). */
function fakeCtx(w: World): Ctx {
  const cognito = {
    describePool: async () => ({ Id: POOL, Domain: 'domain' in w ? w.domain : 'mcp-test' }),
    describeClient: async (_p: string, id: string) => {
      const c = w.clients.find((x) => x.ClientId === id);
      if (!c) throw Object.assign(new Error('not found'), { code: 'NOT_FOUND' });
      return { ...c, ClientName: `name-${id}`, UserPoolId: POOL };
    },
  };
  const agentcore = {
    getGateway: async () => ({ gatewayId: 'gw-abc1234567', name: 'gw', gatewayUrl: 'https://gw-abc1234567.gateway.bedrock-agentcore.us-east-1.amazonaws.com/mcp', authorizerType: 'CUSTOM_JWT', authorizerConfiguration: { customJWTAuthorizer: w.gw }, protocolConfiguration: { mcp: { supportedVersions: w.gw?.supportedVersions } } }),
  };
  return { cognito: async () => cognito, agentcore: async () => agentcore } as unknown as Ctx;
}

function env(w: World, refs: ClientRef[], redirectUri?: string): CheckEnv {
  const ctx = fakeCtx(w);
  return { ctx, reads: new Reads(ctx, POOL, w.gw ? 'gw-abc1234567' : undefined), region: 'us-east-1', poolId: POOL, clients: refs, gatewayId: w.gw ? 'gw-abc1234567' : undefined, redirectUri };
}

const byId = (checks: { id: string }[], id: string) => checks.find((c) => c.id === id) as { id: string; status: string; detail: string; fix?: string } | undefined;

describe('probeSettings', () => {
  it('skips against an emulator unless a loopback probe base is given; --no-probes and --offline win', () => {
    expect(probeSettings({ endpoint: 'http://127.0.0.1:5000', env: {} })).toMatchObject({ enabled: false, reason: expect.stringMatching(/emulator/) });
    expect(probeSettings({ endpoint: 'http://127.0.0.1:5000', env: { MCP_COGNITO_PROBE_BASE: 'http://127.0.0.1:8080' } })).toMatchObject({ enabled: true, base: 'http://127.0.0.1:8080' });
    expect(probeSettings({ env: { MCP_COGNITO_PROBE_BASE: 'http://localhost:1/x' } })).toMatchObject({ enabled: true, base: 'http://localhost:1' });
    expect(probeSettings({ endpoint: 'http://127.0.0.1:5000', env: { MCP_COGNITO_PROBE_BASE: 'https://evil.example.com' } })).toMatchObject({ enabled: false, warning: expect.stringMatching(/only a loopback/) });
    expect(probeSettings({ env: {} })).toEqual({ enabled: true, timeoutMs: 4000 });
    expect(probeSettings({ noProbes: true, env: { MCP_COGNITO_PROBE_BASE: 'http://127.0.0.1:1' } })).toMatchObject({ enabled: false, reason: expect.stringMatching(/--no-probes/) });
    expect(probeSettings({ offline: true, env: {} })).toMatchObject({ enabled: false });
  });
});

describe('runProbes against the fake server', () => {
  let fake: FakeServer | undefined;
  let hang: Server | undefined;
  afterEach(async () => {
    await fake?.close();
    fake = undefined;
    if (hang) {
      hang.closeAllConnections();
      await new Promise((r) => hang!.close(r));
      hang = undefined;
    }
  });
  async function probe(w: World, refs: ClientRef[], redirectUri?: string, userToken?: string) {
    fake = await startFakeOAuthServer(backend(w));
    const s: ProbeSettings = { enabled: true, base: fake.url, timeoutMs: 2000 };
    return runProbes(env(w, refs, redirectUri), s, { userToken });
  }

  it('a healthy setup: every probe passes; authorize is followed one hop on its host; the secret goes only to /oauth2/token; each request names its real host', async () => {
    const w: World = { clients: [copilot(), m2m()], gw: gateway(), tools: ['a___one', 'b___two'] };
    const checks = await probe(w, [{ clientId: 'copilot1', preset: 'copilot-studio' }, { clientId: 'm2m1', preset: 'm2m' }]);
    expect(checks.filter((c) => c.status !== 'pass').map((c) => `${c.id}: ${c.detail}`)).toEqual([]);
    expect(byId(checks, 'probe.mcp-tools-list')!.detail).toMatch(/2 tools: a___one, b___two/);
    expect(byId(checks, 'probe.discovery')!.detail).toMatch(/no registration_endpoint and no code_challenge_methods_supported/);
    expect(byId(checks, 'probe.gateway-401')!.detail).toMatch(/401 with WWW-Authenticate: Bearer error="invalid_token", scope="mcp\/invoke"/);
    // One hop, to the login page on the sign-in host (where "Login pages unavailable" would show), no further.
    expect(fake!.requests.filter((r) => r.path.startsWith('/login')).map((r) => r.headers['x-forwarded-host'])).toEqual(['mcp-test.auth.us-east-1.amazoncognito.com']);
    // The emulator front routes by X-Forwarded-Host: every probe request carries the host it has on AWS.
    const host = (p: string) => fake!.requests.find((r) => r.path.startsWith(p))?.headers['x-forwarded-host'];
    expect(host(`/${POOL}/.well-known/openid-configuration`)).toBe('cognito-idp.us-east-1.amazonaws.com');
    expect(host('/oauth2/authorize')).toBe('mcp-test.auth.us-east-1.amazoncognito.com');
    expect(host('/oauth2/token')).toBe('mcp-test.auth.us-east-1.amazoncognito.com');
    expect(host('/.well-known/oauth-protected-resource')).toBe('gw-abc1234567.gateway.bedrock-agentcore.us-east-1.amazonaws.com');
    expect(host('/mcp')).toBe('gw-abc1234567.gateway.bedrock-agentcore.us-east-1.amazonaws.com');
    expect(fake!.requests.every((r) => r.headers['x-forwarded-host'])).toBe(true);
    const withSecret = fake!.requests.filter((r) => r.auth === 'Basic');
    expect(withSecret.map((r) => r.path)).toEqual(['/oauth2/token']);
    expect(JSON.stringify(checks)).not.toContain('m2m-secret-value');
  });

  it.each([
    ['redirect_mismatch (trailing slash registered)', { clients: [copilot({ CallbackURLs: [`${REDIRECT}/`] })] }, REDIRECT, /redirect_mismatch/, `mcp-cognito add-callback ${REDIRECT} --client-id copilot1`],
    ['invalid_scope', { clients: [copilot({ AllowedOAuthScopes: ['openid', 'mcp/invoke', 'mcp/nope'] })] }, undefined, /invalid_scope/, undefined],
    ['unauthorized_client (no code flow)', { clients: [copilot({ AllowedOAuthFlows: ['implicit'] })] }, undefined, /unauthorized_client/, undefined],
    ['unauthorized_client (OAuth off)', { clients: [copilot({ AllowedOAuthFlowsUserPoolClient: false })] }, undefined, /unauthorized_client/, undefined],
    ['Login pages unavailable (on the login page authorize redirects to)', { clients: [copilot()], loginPagesUnavailable: true }, undefined, /\/login says "Login pages unavailable"/, `mcp-cognito create-client --pool-id ${POOL} --preset copilot-studio --name name-copilot1`],
  ] as const)('authorize tells %s apart', async (_name, w, redirect, detail, fix) => {
    const checks = await probe(w as unknown as World, [{ clientId: 'copilot1', preset: 'copilot-studio' }], redirect);
    const c = byId(checks, 'probe.authorize')!;
    expect(c.status).toBe('fail');
    expect(c.detail).toMatch(detail);
    if (fix) expect(c.fix).toEqual(fix);
  });

  it.each([
    ['a wrong secret', m2m({ ClientSecret: 'x' }), /invalid_client/, 'x'],
    ['OIDC scopes on an M2M client', m2m({ AllowedOAuthScopes: ['openid', 'mcp/invoke'] }), /ok/, ''],
    ['no client_credentials flow', m2m({ AllowedOAuthFlows: ['code'] }), /unauthorized_client/, ''],
  ] as const)('the M2M token probe reports %s', async (name, client, detail, servedSecret) => {
    // The server knows the real secret; doctor sends what DescribeUserPoolClient returns.
    const w: World = { clients: [client], gw: gateway() };
    fake = await startFakeOAuthServer(backend({ ...w, clients: servedSecret ? [{ ...client, ClientSecret: 'the-real-one' }] : w.clients }));
    const checks = await runProbes(env(w, [{ clientId: 'm2m1', preset: 'm2m' }]), { enabled: true, base: fake.url, timeoutMs: 2000 });
    const c = byId(checks, 'probe.m2m-token')!;
    if (name === 'OIDC scopes on an M2M client') {
      // doctor requests the custom scopes only, so the token works; the client.scopes check flags the OIDC scope.
      expect(c.status).toBe('pass');
      expect(fake.requests.find((r) => r.path === '/oauth2/token')!.body).toBe('grant_type=client_credentials&scope=mcp%2Finvoke');
      return;
    }
    expect(c.status).toBe('fail');
    expect(c.detail).toMatch(detail);
    expect(byId(checks, 'probe.mcp-initialize')!.status).toBe('skip');
  });

  it('initialize fails with the gateway 401 when the M2M client is not in allowedClients; token checks say why', async () => {
    const checks = await probe({ clients: [m2m()], gw: gateway({ allowedClients: ['copilot1'] }) }, [{ clientId: 'm2m1', preset: 'm2m' }]);
    expect(byId(checks, 'probe.mcp-initialize')).toMatchObject({ status: 'fail', detail: expect.stringMatching(/401 -32001 "Invalid Bearer token"/) });
    expect(byId(checks, 'probe.token.client')).toMatchObject({ status: 'fail', fix: 'mcp-cognito authorize-client --gateway-id gw-abc1234567 --client-id m2m1' });
  });

  it('--redirect-uri is checked on the client it belongs to; other browser clients probe their own callback', async () => {
    const web: FakeClient = { ...copilot(), ClientId: 'web1', CallbackURLs: ['https://app.example.com/cb'] };
    const checks = await probe({ clients: [copilot(), web] }, [{ clientId: 'copilot1', preset: 'copilot-studio' }, { clientId: 'web1', preset: 'web' }], REDIRECT);
    expect(byId(checks, 'probe.authorize@copilot1')!.status).toBe('pass');
    expect(byId(checks, 'probe.authorize@web1')).toMatchObject({ status: 'pass', detail: expect.stringContaining('redirect_uri https://app.example.com/cb') });
  });

  it('protected-resource metadata without scopes_supported warns when a Claude Code client is examined (it then requests no scope)', async () => {
    const claude: FakeClient = { ...copilot(), ClientId: 'claude1', ClientSecret: undefined, CallbackURLs: ['http://localhost:8765/callback'] };
    let checks = await probe({ clients: [m2m(), claude], gw: gateway({ allowedScopes: undefined }) }, [{ clientId: 'm2m1', preset: 'm2m' }, { clientId: 'claude1' }]);
    expect(byId(checks, 'probe.resource-metadata')).toMatchObject({ status: 'warn', detail: expect.stringMatching(/no scopes_supported.*invalid_grant/), fix: expect.stringMatching(/^mcp-cognito authorize-client --gateway-id gw-abc1234567 --allowed-scope /) });
    await fake?.close();
    // Copilot Studio and M2M agents are not affected: a note, not a warning.
    checks = await probe({ clients: [m2m()], gw: gateway({ allowedScopes: undefined }) }, [{ clientId: 'm2m1', preset: 'm2m' }]);
    expect(byId(checks, 'probe.resource-metadata')).toMatchObject({ status: 'pass', detail: expect.stringMatching(/no scopes_supported.*invalid_grant.*Copilot Studio is not affected/) });
  });

  it('--refresh-token: a working refresh token, an expired or revoked one (invalid_grant); the token is never in a check', async () => {
    const good = 'GOODREFRESH-eyJjdHkiOiJKV1QiLCJlbmMiOiJBMjU2R0NNIn0.abcdefghijklmnop';
    const w: World = { clients: [copilot({ AllowedOAuthScopes: ['openid', 'mcp/invoke'] })], gw: gateway() };
    fake = await startFakeOAuthServer({ ...backend(w), refreshTokens: [good] });
    const s: ProbeSettings = { enabled: true, base: fake.url, timeoutMs: 2000 };
    const e = env(w, [{ clientId: 'copilot1', preset: 'copilot-studio' }]);
    let checks = await runProbes(e, s, { refresh: { token: good, clientId: 'copilot1' } });
    expect(byId(checks, 'probe.refresh-token')).toMatchObject({ status: 'pass', detail: expect.stringMatching(/a new access token valid 3600 s with scope "openid mcp\/invoke".*refresh tokens of this client last 30 days/) });
    const sent = fake.requests.find((r) => r.path === '/oauth2/token' && r.body.includes('grant_type=refresh_token'))!;
    expect(sent.auth).toBe('Basic');
    checks = await runProbes(e, s, { refresh: { token: 'REVOKEDREFRESH-0123456789abcdef', clientId: 'copilot1' } });
    expect(byId(checks, 'probe.refresh-token')).toMatchObject({ status: 'fail', title: 'The refresh token no longer works (invalid_grant)', detail: expect.stringMatching(/expired .*revoked/) });
    for (const c of checks) expect(JSON.stringify(c)).not.toMatch(/GOODREFRESH|REVOKEDREFRESH/);
    // Without probes the exchange is not attempted, and says why.
    checks = await runProbes(e, { enabled: false, reason: 'the AWS endpoint is an emulator', timeoutMs: 1 }, { refresh: { token: good, clientId: 'copilot1' } });
    expect(byId(checks, 'probe.refresh-token')).toMatchObject({ status: 'skip', detail: expect.stringMatching(/emulator/) });
  });

  it('a gateway without 2025-03-26 answers initialize with another version', async () => {
    const checks = await probe({ clients: [m2m()], gw: gateway({ supportedVersions: ['2025-06-18'] }) }, [{ clientId: 'm2m1', preset: 'm2m' }]);
    expect(byId(checks, 'probe.mcp-initialize')).toMatchObject({ status: 'warn', detail: expect.stringMatching(/answered with 2025-06-18/) });
    expect(byId(checks, 'probe.mcp-tools-list')!.status).toBe('pass');
  });

  it('a gateway whose configuration lists MCP 2026-07-28 but that does not answer server/discover: the probe fails, saying who starts there', async () => {
    const checks = await probe({ clients: [m2m()], gw: gateway({ supportedVersions: ['2025-03-26', '2026-07-28'] }) }, [{ clientId: 'm2m1', preset: 'm2m' }]);
    expect(byId(checks, 'probe.mcp-initialize')).toMatchObject({ status: 'fail', title: expect.stringMatching(/does not answer server\/discover \(MCP 2026-07-28\)/), detail: expect.stringMatching(/server\/discover → HTTP 200 -32601 "Method not found".*Claude Code, the 2.x MCP SDKs/) });
    expect(byId(checks, 'probe.mcp-tools-list')!.status).toBe('skip');
    const sent = fake!.requests.filter((r) => r.path === '/mcp' && r.auth === 'Bearer');
    expect(sent.map((r) => JSON.parse(r.body).method)).toEqual(['server/discover']);
    expect(JSON.parse(sent[0]!.body).params._meta).toMatchObject({ 'io.modelcontextprotocol/protocolVersion': '2026-07-28', 'io.modelcontextprotocol/clientCapabilities': {} });
  });

  it('uses the --token for the MCP probes when there is no M2M client', async () => {
    const { accessToken } = await import('../fixtures/fake-oauth-server.js');
    const t = accessToken({ region: 'us-east-1', poolId: POOL, clientId: 'copilot1', scope: 'openid mcp/invoke' });
    const checks = await probe({ clients: [copilot()], gw: gateway() }, [{ clientId: 'copilot1', preset: 'copilot-studio' }], undefined, t);
    expect(byId(checks, 'probe.m2m-token')!.status).toBe('skip');
    expect(byId(checks, 'probe.mcp-initialize')).toMatchObject({ status: 'pass', detail: expect.stringMatching(/--token client copilot1/) });
  });

  it.each([
    ['a pretty-printed token response', (t: string) => JSON.stringify({ id_token: makeJwt({ token_use: 'id', aud: 'copilot1' }), access_token: t, refresh_token: 'REFRESHSECRET123', expires_in: 3600 }, null, 2)],
    ['Bearer <jwt>', (t: string) => `Bearer ${t}`],
    ['an implicit-flow fragment', (t: string) => `https://app.example.com/cb#access_token=${t}&refresh_token=REFRESHSECRET123&token_type=Bearer`],
  ])('--token pasted as %s: the gateway gets exactly the cleaned token; no check carries the paste', async (_name, paste) => {
    const t = accessToken({ region: 'us-east-1', poolId: POOL, clientId: 'copilot1', scope: 'openid mcp/invoke' });
    const checks = await probe({ clients: [copilot()], gw: gateway() }, [{ clientId: 'copilot1', preset: 'copilot-studio' }], undefined, paste(t));
    expect(byId(checks, 'probe.mcp-initialize')).toMatchObject({ status: 'pass', detail: expect.stringMatching(/--token client copilot1/) });
    const sent = fake!.requests.filter((r) => r.path === '/mcp' && r.auth === 'Bearer').map((r) => r.bearer);
    expect(sent.length).toBeGreaterThanOrEqual(2);
    expect(sent).toEqual(sent.map(() => t));
    const text = JSON.stringify(checks);
    for (const secret of [t, t.split('.')[1]!, 'REFRESHSECRET123', 'copilot-secret']) expect(text).not.toContain(secret);
  });

  it('a request fetch refuses to send (a bad header value) is reported without the error message, which quotes the header', async () => {
    const paste = '{\n  "access_token": "eyJhbGciOiJSUzI1NiJ9.eyJzdWIiOiJ4In0.c2ln",\n  "refresh_token": "REFRESHSECRET123"\n}';
    let err: unknown;
    try {
      await fetch('http://127.0.0.1:9/mcp', { method: 'POST', headers: { authorization: `Bearer ${paste}` } });
    } catch (e) {
      err = e;
    }
    expect(String((err as Error).message)).toContain('REFRESHSECRET123'); // what leaked before
    const why = fetchFailure(err, 'gw.example.com', { timeoutMs: 1000 });
    expect(why).toBe('the request to gw.example.com was not sent (invalid request)');
    // Network failures keep their code, never the message.
    expect(fetchFailure(Object.assign(new TypeError('fetch failed'), { cause: { code: 'ECONNREFUSED', message: 'connect ECONNREFUSED with REFRESHSECRET123' } }), 'h', { timeoutMs: 1000 })).toBe('h is not reachable (ECONNREFUSED)');
    expect(fetchFailure(Object.assign(new TypeError('fetch failed'), { cause: new Error('REFRESHSECRET123') }), 'h', { timeoutMs: 1000 })).toBe('h is not reachable (network error)');
  });

  it('redactChecks removes the token, its parts, JWT-looking text and client secrets from details and fixes', () => {
    const t = makeJwt({ sub: 'someone', token_use: 'access', client_id: 'c1' });
    const checks = redactChecks(
      [
        { id: 'a', status: 'fail', title: 'A', detail: `echoed ${t} and ${t.split('.')[1]!.slice(0, 30)}`, fix: 'use super-secret-value' },
        { id: 'b', status: 'pass', title: 'B', detail: 'nothing secret: client c1, pool us-east-1_AbC123xyz' },
      ],
      [t, 'super-secret-value', undefined],
    );
    expect(JSON.stringify(checks)).not.toContain(t.split('.')[1]!.slice(0, 20));
    expect(checks[0]!.fix).toBe('use <redacted>');
    expect(checks[1]!.detail).toBe('nothing secret: client c1, pool us-east-1_AbC123xyz');
  });

  it('an unreachable host and a host that never answers are skips with the reason, within the timeout', async () => {
    const w: World = { clients: [copilot(), m2m()], gw: gateway() };
    // A port that was free a moment ago: nothing listens there.
    const closed = createServer();
    await new Promise<void>((r) => closed.listen(0, '127.0.0.1', r));
    const port = (closed.address() as AddressInfo).port;
    await new Promise((r) => closed.close(r));
    let checks = await runProbes(env(w, [{ clientId: 'copilot1' }, { clientId: 'm2m1', preset: 'm2m' }]), { enabled: true, base: `http://127.0.0.1:${port}`, timeoutMs: 1000 });
    expect(checks.filter((c) => c.status !== 'skip')).toEqual([]);
    expect(byId(checks, 'probe.discovery')!.detail).toMatch(/cognito-idp\.us-east-1\.amazonaws\.com \(via http:\/\/127\.0\.0\.1:\d+\) is not reachable \(ECONNREFUSED\)/);

    hang = createServer(() => undefined);
    await new Promise<void>((r) => hang!.listen(0, '127.0.0.1', r));
    const started = Date.now();
    checks = await runProbes(env(w, [{ clientId: 'm2m1', preset: 'm2m' }]), { enabled: true, base: `http://127.0.0.1:${(hang.address() as AddressInfo).port}`, timeoutMs: 300 });
    expect(Date.now() - started).toBeLessThan(3000);
    expect(byId(checks, 'probe.discovery')!.detail).toMatch(/no answer within 0.3 s/);
    expect(checks.every((c) => c.status === 'skip')).toBe(true);
  });

  it('disabled probes: every probe is a skip with the reason', async () => {
    const checks = await runProbes(env({ clients: [] }, []), { enabled: false, reason: 'turned off with --no-probes', timeoutMs: 1 });
    expect(checks.map((c) => c.status)).toEqual(['skip', 'skip', 'skip', 'skip', 'skip', 'skip', 'skip']);
    expect(checks.map((c) => c.id)).not.toContain('probe.refresh-token');
    expect(checks[0]!.detail).toMatch(/--no-probes/);
  });
});
