/**
 * Client ID metadata documents, the edges: host names normalised (trailing dot), resolved with the
 * injected resolver (never real DNS) and every address checked before connecting to the checked
 * one; HTTPS_PROXY / NO_PROXY; `--client-metadata off`; the page a person sees when a document
 * cannot be used. The default connector runs for real, on loopback only: a local TLS server with a
 * test certificate for client.example, reached by pinning the address, directly and through a
 * local CONNECT proxy.
 */
import { readFileSync } from 'node:fs';
import { createServer as createHttpServer, type Server } from 'node:http';
import { createServer as createHttpsServer } from 'node:https';
import { connect as netConnect, type AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { blockedAddress, httpsConnector, proxyFor } from '../../../src/facade/egress.js';
import { CLIENT_ID, LOOPBACK, PUBLIC_ADDRESS, authorizeQuery, expectDocumentPage, get, harness, postJson, type Harness } from './helpers.js';

const DOC_URL = 'https://client.example/oauth/metadata.json';
const doc = (clientId = DOC_URL) => ({ client_id: clientId, client_name: 'Example client', redirect_uris: ['http://127.0.0.1/callback'], token_endpoint_auth_method: 'none' });
const REDIRECT = 'http://127.0.0.1:5000/callback';

function serving(h: Harness, clientId = DOC_URL): Harness {
  h.upstream.on(new URL(clientId).origin, () => new Response(JSON.stringify(doc(clientId)), { status: 200, headers: { 'content-type': 'application/json' } }));
  return h;
}

describe('client metadata document hosts', () => {
  it.each([
    ['localhost.', 'https://localhost./meta.json'],
    ['metadata.google.internal.', 'https://metadata.google.internal./computeMetadata/v1/'],
    ['instance-data.', 'https://instance-data./latest/meta-data/'],
    ['an IPv4 literal with a trailing dot', 'https://127.0.0.1./meta.json'],
    ['a .home.arpa name', 'https://router.home.arpa/meta.json'],
  ])('refuses %s without resolving or fetching it', async (_what, url) => {
    const h = serving(harness(), 'https://client.example/x');
    const page = await expectDocumentPage(await get(h.handler, authorizeQuery({ client_id: url, redirect_uri: REDIRECT })));
    expect(page).toMatch(/must name a public host/);
    expect(h.resolved).toEqual([]);
    expect(h.upstream.sent).toEqual([]);
  });

  it('resolves the name without its trailing dot, and fetches from the address it checked (one resolution)', async () => {
    const url = 'https://client.example./oauth/metadata.json';
    const h = harness();
    h.upstream.on('https://client.example/', () => new Response(JSON.stringify(doc(url)), { status: 200, headers: { 'content-type': 'application/json' } }));
    const res = await get(h.handler, authorizeQuery({ client_id: url, redirect_uri: REDIRECT }));
    expect(res.status).toBe(302);
    expect(h.resolved).toEqual(['client.example']);
    expect(h.routed).toEqual([{ address: PUBLIC_ADDRESS }]);
  });

  it.each([
    ['loopback', [{ address: '127.0.0.1', family: 4 }], /loopback/],
    ['IPv6 loopback', [{ address: '::1', family: 6 }], /loopback/],
    ['the cloud metadata address', [{ address: '169.254.169.254', family: 4 }], /link-local/],
    ['a private address after a public one', [PUBLIC_ADDRESS, { address: '10.1.2.3', family: 4 }], /private/],
    ['CGNAT', [{ address: '100.100.100.200', family: 4 }], /CGNAT/],
    ['IPv4-mapped loopback', [{ address: '::ffff:127.0.0.1', family: 6 }], /loopback/],
    ["AWS's IPv6 metadata address", [{ address: 'fd00:ec2::254', family: 6 }], /unique-local/],
  ] as const)('refuses a name that resolves to %s, before connecting', async (_what, answer, why) => {
    const h = serving(harness(), 'https://rebind.example/meta.json');
    h.dns.set('rebind.example', [...answer]);
    const page = await expectDocumentPage(await get(h.handler, authorizeQuery({ client_id: 'https://rebind.example/meta.json', redirect_uri: REDIRECT })));
    expect(page).toMatch(why);
    expect(page).toMatch(/must be a public host/);
    expect(h.routed).toEqual([]);
    expect(h.upstream.sent).toEqual([]);
  });

  it('shows the person a page saying what failed and what to do when the host does not resolve', async () => {
    const h = harness({ cimd: { resolve: async () => Promise.reject(Object.assign(new Error('getaddrinfo ENOTFOUND'), { code: 'ENOTFOUND' })) } });
    const res = await get(h.handler, authorizeQuery({ client_id: DOC_URL, redirect_uri: REDIRECT }));
    expect(res.headers.get('content-type')).toBe('text/html; charset=utf-8');
    expect(res.headers.get('cache-control')).toBe('no-store');
    const page = await expectDocumentPage(res);
    expect(page).toMatch(/client metadata document at client\.example/);
    expect(page).toMatch(/could not be resolved/);
    expect(page).toMatch(/HTTPS_PROXY/);
    expect(page).toMatch(/--client-metadata off/);
    expect(h.logs.at(-1)).toMatchObject({ path: '/authorize', status: 400, reason: expect.stringMatching(/could not be resolved/) });
  });

  it('escapes what the client chose in the page', async () => {
    const h = harness({ cimd: { resolve: async () => [] } });
    const url = 'https://client.example/<script>alert(1)</script>.json';
    const res = await get(h.handler, authorizeQuery({ client_id: url, redirect_uri: REDIRECT }));
    const html = await res.text();
    expect(html).not.toContain('<script>');
  });
});

describe('blockedAddress', () => {
  it.each([
    '0.0.0.0', '10.0.0.1', '100.64.0.1', '127.0.0.1', '127.255.255.254', '169.254.169.254', '172.16.0.1', '172.31.255.255', '192.0.0.192', '192.168.1.1',
    '198.18.0.1', '224.0.0.1', '255.255.255.255', '::', '::1', '::ffff:10.0.0.1', '::ffff:7f00:1', '64:ff9b::a9fe:a9fe', '2002:a9fe:a9fe::1', 'fc00::1', 'fd00:ec2::254',
    'fe80::1%eth0', 'ff02::1', '2001:db8::1', '::127.0.0.1', 'not-an-address',
  ])('refuses %s', (a) => expect(blockedAddress(a)).toBeTruthy());

  it.each(['93.184.215.14', '8.8.8.8', '172.32.0.1', '100.128.0.1', '2606:4700::1111', '2a00:1450:4001::200e', '2001:4860:4860::8888', '64:ff9b::808:808'])('allows %s', (a) =>
    expect(blockedAddress(a)).toBeUndefined(),
  );
});

describe('HTTPS_PROXY and NO_PROXY', () => {
  const url = new URL(DOC_URL);
  it('uses the proxy unless NO_PROXY names the host (or a parent domain, or *)', () => {
    expect(proxyFor(url, {})).toBeUndefined();
    expect(proxyFor(url, { HTTPS_PROXY: 'http://proxy.corp:3128' })?.href).toBe('http://proxy.corp:3128/');
    expect(proxyFor(url, { https_proxy: 'proxy.corp:3128' })?.href).toBe('http://proxy.corp:3128/');
    expect(proxyFor(url, { HTTPS_PROXY: 'http://proxy.corp:3128', NO_PROXY: 'other.example,.example' })).toBeUndefined();
    expect(proxyFor(url, { HTTPS_PROXY: 'http://proxy.corp:3128', NO_PROXY: 'client.example' })).toBeUndefined();
    expect(proxyFor(url, { HTTPS_PROXY: 'http://proxy.corp:3128', NO_PROXY: '*' })).toBeUndefined();
    expect(proxyFor(url, { HTTPS_PROXY: 'http://proxy.corp:3128', NO_PROXY: 'nt.example,client.example:8443' })?.host).toBe('proxy.corp:3128');
    expect(() => proxyFor(url, { HTTPS_PROXY: 'socks5://proxy.corp:1080' })).toThrow(/http/);
  });

  it('through a proxy the façade resolves nothing itself and tunnels to the name (the proxy resolves it)', async () => {
    const h = serving(harness({ cimd: { env: { HTTPS_PROXY: 'http://proxy.corp:3128' } } }));
    expect((await get(h.handler, authorizeQuery({ client_id: DOC_URL, redirect_uri: REDIRECT }))).status).toBe(302);
    expect(h.resolved).toEqual([]);
    expect(h.routed).toEqual([{ proxy: new URL('http://proxy.corp:3128') }]);
  });

  it('a bad HTTPS_PROXY fails at start-up with one sentence', () => {
    expect(() => harness({ cimd: { env: { HTTPS_PROXY: 'ftp://proxy.corp' } } })).toThrow(/HTTPS_PROXY must be an http/);
  });
});

describe('--client-metadata off', () => {
  it('stops advertising documents, refuses a URL client_id with a page, and registration still works', async () => {
    const on = harness();
    const asm = async (h: Harness) => (await (await get(h.handler, '/.well-known/oauth-authorization-server')).json()) as Record<string, unknown>;
    expect((await asm(on)).client_id_metadata_document_supported).toBe(true);

    const h = serving(harness({ clientMetadata: false }));
    expect(await asm(h)).not.toHaveProperty('client_id_metadata_document_supported');
    const page = await expectDocumentPage(await get(h.handler, authorizeQuery({ client_id: DOC_URL, redirect_uri: REDIRECT })));
    expect(page).toMatch(/set up not to use them/);
    expect(h.upstream.sent).toEqual([]);
    expect(h.resolved).toEqual([]);
    const reg = await postJson(h.handler, '/register', { redirect_uris: [LOOPBACK] });
    expect(reg.status).toBe(201);
    expect(((await reg.json()) as { client_id: string }).client_id).toBe(CLIENT_ID);
    expect((await get(h.handler, authorizeQuery())).status).toBe(302);
  });
});

describe('the default connector, on loopback', () => {
  const cert = readFileSync(new URL('../../fixtures/tls/client-example.crt', import.meta.url));
  const key = readFileSync(new URL('../../fixtures/tls/client-example.key', import.meta.url));
  let tlsServer: Server;
  let proxy: Server;
  let tlsPort = 0;
  let proxyPort = 0;
  const hosts: string[] = [];
  const connects: string[] = [];
  const tunnels: { destroy(): void }[] = [];

  beforeAll(async () => {
    tlsServer = createHttpsServer({ cert, key }, (req, res) => {
      hosts.push(req.headers.host ?? '');
      if (req.url === '/redirect') {
        res.writeHead(302, { location: 'http://169.254.169.254/' }).end();
        return;
      }
      res.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify(doc(`https://client.example:${tlsPort}/oauth/metadata.json`)));
    });
    await new Promise<void>((r) => tlsServer.listen(0, '127.0.0.1', r));
    tlsPort = (tlsServer.address() as AddressInfo).port;
    proxy = createHttpServer();
    proxy.on('connect', (req, socket) => {
      connects.push(req.url ?? '');
      tunnels.push(socket);
      // The proxy resolves the name itself; here, client.example is this machine.
      const [, port] = (req.url ?? '').split(':');
      const upstream = netConnect(Number(port), '127.0.0.1', () => {
        socket.write('HTTP/1.1 200 Connection Established\r\n\r\n');
        upstream.pipe(socket);
        socket.pipe(upstream);
      });
      tunnels.push(upstream);
      upstream.on('error', () => socket.destroy());
    });
    await new Promise<void>((r) => proxy.listen(0, '127.0.0.1', r));
    proxyPort = (proxy.address() as AddressInfo).port;
  });

  afterAll(async () => {
    for (const t of tunnels) t.destroy();
    tlsServer.closeAllConnections();
    proxy.closeAllConnections();
    await Promise.all([new Promise((r) => tlsServer.close(r)), new Promise((r) => proxy.close(r))]);
  });

  const init = () => ({ signal: AbortSignal.timeout(5000), headers: { accept: 'application/json' } });

  it('connects to the pinned address and checks the certificate against the host name', async () => {
    const connect = httpsConnector({ ca: cert });
    const url = new URL(`https://client.example:${tlsPort}/oauth/metadata.json`);
    const res = await connect(url, { address: { address: '127.0.0.1', family: 4 } }, init());
    expect(res.status).toBe(200);
    expect(((await res.json()) as { client_id: string }).client_id).toBe(url.href);
    expect(hosts.at(-1)).toBe(`client.example:${tlsPort}`);
    // Another name on the same address: the certificate does not match, the connection is refused.
    await expect(connect(new URL(`https://other.example:${tlsPort}/x`), { address: { address: '127.0.0.1', family: 4 } }, init())).rejects.toThrow();
  });

  it('does not follow redirects', async () => {
    const res = await httpsConnector({ ca: cert })(new URL(`https://client.example:${tlsPort}/redirect`), { address: { address: '127.0.0.1', family: 4 } }, init());
    expect(res.status).toBe(302);
  });

  it('tunnels through an HTTP proxy with CONNECT to the name', async () => {
    const url = new URL(`https://client.example:${tlsPort}/oauth/metadata.json`);
    const res = await httpsConnector({ ca: cert })(url, { proxy: new URL(`http://127.0.0.1:${proxyPort}`) }, init());
    expect(res.status).toBe(200);
    expect(connects.at(-1)).toBe(`client.example:${tlsPort}`);
  });
});
