/**
 * The façade's edges: 503 until ready, the Host a request names, the browser Origin /mcp accepts
 * (MCP Streamable HTTP, DNS rebinding), the scopes in the 401 challenge, unknown routes in the log.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { createServer, request, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { createFacade } from '../../../src/facade/index.js';
import { startingListener, toNodeListener } from '../../../src/facade/node.js';
import { CLAUDE_AI, CLIENT_ID, GATEWAY, HOSTED_UI, PUBLIC, SIGNING_KEY, get, harness } from './helpers.js';

const servers: Server[] = [];
afterEach(async () => {
  await Promise.all(servers.splice(0).map((s) => new Promise((r) => {
    s.close(r);
    s.closeAllConnections();
  })));
});

async function listen(server: Server): Promise<number> {
  servers.push(server);
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  return (server.address() as AddressInfo).port;
}

/** GET on 127.0.0.1:port naming `host` in the Host header (no name is resolved). */
function getWithHost(port: number, path: string, host: string): Promise<{ status: number; headers: Record<string, unknown>; body: string }> {
  return new Promise((resolve, reject) => {
    const req = request({ host: '127.0.0.1', port, path, headers: { host } }, (res) => {
      let body = '';
      res.setEncoding('utf8').on('data', (d: string) => (body += d)).on('end', () => resolve({ status: res.statusCode!, headers: res.headers, body }));
    });
    req.on('error', reject).end();
  });
}

const config = (publicUrl: string) => ({
  publicUrl,
  cognito: { region: 'us-east-1', userPoolId: 'us-east-1_AbC123xyz', domainUrl: HOSTED_UI, clientId: CLIENT_ID },
  gatewayUrl: GATEWAY,
  signingKey: SIGNING_KEY,
});

describe('answers 503 until ready', () => {
  it('a request before the handler is attached is answered 503 with Retry-After, then the façade answers', async () => {
    const starting = startingListener();
    const port = await listen(createServer(starting.listener));
    const early = await getWithHost(port, '/.well-known/oauth-authorization-server', `127.0.0.1:${port}`);
    expect(early.status).toBe(503);
    expect(early.headers['retry-after']).toBe('1');
    expect(JSON.parse(early.body)).toMatchObject({ error: 'temporarily_unavailable' });
    starting.ready(createFacade(config(`http://127.0.0.1:${port}`)));
    const later = await getWithHost(port, '/.well-known/oauth-authorization-server', `127.0.0.1:${port}`);
    expect(later.status).toBe(200);
    expect(JSON.parse(later.body)).toMatchObject({ issuer: `http://127.0.0.1:${port}` });
  });
});

describe('the Host a request names', () => {
  it('must be the printed URL: localhost for 127.0.0.1 gets a clear error naming the URL to use', async () => {
    const server = createServer();
    const port = await listen(server);
    const logs: { path: string; reason?: string }[] = [];
    server.on('request', toNodeListener(createFacade({ ...config(`http://127.0.0.1:${port}`), log: (e) => logs.push(e) })));
    expect((await getWithHost(port, '/.well-known/oauth-protected-resource/mcp', `127.0.0.1:${port}`)).status).toBe(200);
    for (const host of [`localhost:${port}`, 'attacker.example', `127.0.0.1:${port + 1}`]) {
      const res = await getWithHost(port, '/.well-known/oauth-protected-resource/mcp', host);
      expect(res.status).toBe(421);
      const body = JSON.parse(res.body) as { error: string; error_description: string };
      expect(body.error).toBe('invalid_request');
      expect(body.error_description).toContain(`use http://127.0.0.1:${port}/mcp exactly as printed`);
    }
    expect(logs.at(-1)).toMatchObject({ reason: "Host is not the façade URL's" });
  });

  it("accepts an https URL's default port spelled out, and can be turned off (a custom domain in front)", async () => {
    const h = harness();
    expect((await get(h.handler, '/.well-known/oauth-authorization-server', { host: 'facade.example.com:443' })).status).toBe(200);
    expect((await get(h.handler, '/.well-known/oauth-authorization-server', { host: 'FACADE.example.com' })).status).toBe(200);
    expect((await get(h.handler, '/.well-known/oauth-authorization-server', { host: 'abc.lambda-url.us-east-1.on.aws' })).status).toBe(421);
    const off = harness({ checkHost: false });
    expect((await get(off.handler, '/.well-known/oauth-authorization-server', { host: 'abc.lambda-url.us-east-1.on.aws' })).status).toBe(200);
  });
});

describe('/mcp and the browser Origin (DNS rebinding)', () => {
  it.each([
    ['another site', 'https://attacker.example'],
    ['a rebinding name on the same port', 'http://attacker.example:8790'],
    ['an opaque origin', 'null'],
  ])('refuses %s with 403, never reaching the gateway (preflight too)', async (_what, origin) => {
    const h = harness();
    h.upstream.on(GATEWAY, () => new Response('{}', { status: 200 }));
    for (const method of ['POST', 'GET', 'OPTIONS']) {
      const res = await h.handler(new Request(`${PUBLIC}/mcp`, { method, headers: { origin, authorization: 'Bearer t', 'content-type': 'application/json' }, body: method === 'POST' ? '{}' : undefined }));
      expect(res.status).toBe(403);
    }
    expect(h.upstream.sent).toEqual([]);
    expect(h.logs.at(-1)).toMatchObject({ path: '/mcp', status: 403, reason: 'browser Origin not allowed' });
  });

  it.each([
    ['no Origin (not a browser)', undefined],
    ['a loopback page (MCP Inspector)', 'http://localhost:6274'],
    ['127.0.0.1', 'http://127.0.0.1:6274'],
    ['[::1]', 'http://[::1]:6274'],
    ["the façade's own origin", PUBLIC],
    ["an allowed redirect URI's origin (claude.ai)", new URL(CLAUDE_AI).origin],
    ['a configured origin', 'https://portal.example.org'],
  ])('accepts %s', async (_what, origin) => {
    const h = harness({ allowedOrigins: ['https://portal.example.org'] });
    h.upstream.on(GATEWAY, () => new Response('{}', { status: 200, headers: { 'content-type': 'application/json' } }));
    const res = await h.handler(new Request(`${PUBLIC}/mcp`, { method: 'POST', headers: { ...(origin ? { origin } : {}), authorization: 'Bearer t', 'content-type': 'application/json' }, body: '{}' }));
    expect(res.status).toBe(200);
    expect(h.upstream.sent).toHaveLength(1);
  });
});

describe('the 401 challenge names the scopes', () => {
  it("without a token: resource_metadata and the gateway's scopes", async () => {
    const h = harness({ scopes: ['openid', 'gw/invoke'] });
    const res = await get(h.handler, '/mcp');
    expect(res.status).toBe(401);
    expect(res.headers.get('www-authenticate')).toBe(`Bearer resource_metadata="${PUBLIC}/.well-known/oauth-protected-resource/mcp", scope="openid gw/invoke"`);
  });

  it("on the gateway's 401: its error kept, its scope kept when it names one, the façade's otherwise", async () => {
    const h = harness({ scopes: ['openid', 'gw/invoke'] });
    h.upstream.on(GATEWAY, () => new Response('{}', { status: 401, headers: { 'www-authenticate': 'Bearer error="invalid_token", resource_metadata="https://gw/.well-known/x"' } }));
    const res = await get(h.handler, '/mcp', { authorization: 'Bearer t' });
    expect(res.headers.get('www-authenticate')).toBe(`Bearer resource_metadata="${PUBLIC}/.well-known/oauth-protected-resource/mcp", error="invalid_token", scope="openid gw/invoke"`);
    h.upstream.on(GATEWAY, () => new Response('{}', { status: 403, headers: { 'www-authenticate': 'Bearer error="insufficient_scope", scope="gw/admin"' } }));
    const res2 = await get(h.handler, '/mcp', { authorization: 'Bearer t' });
    expect(res2.headers.get('www-authenticate')).toBe(`Bearer resource_metadata="${PUBLIC}/.well-known/oauth-protected-resource/mcp", error="insufficient_scope", scope="gw/admin"`);
  });
});

describe('the request log', () => {
  it('names an unknown route by its path, never its query string', async () => {
    const h = harness();
    const res = await get(h.handler, '/oauth/authorize?code=SECRET-code&access_token=SECRET-token');
    expect(res.status).toBe(404);
    expect(h.logs).toEqual([expect.objectContaining({ method: 'GET', path: '/oauth/authorize', status: 404 })]);
    expect(JSON.stringify(h.logs)).not.toContain('SECRET');
  });
});
