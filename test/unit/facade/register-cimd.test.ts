import { describe, expect, it } from 'vitest';
import { OAuthClientInformationFullSchema } from '@modelcontextprotocol/sdk/shared/auth.js';
import { CLAUDE_AI, CLIENT_ID, LOOPBACK, PUBLIC, authorizeQuery, expectDocumentPage, expectOAuthError, get, harness, postJson } from './helpers.js';

describe('POST /register (RFC 7591)', () => {
  it('answers 201 with the pre-provisioned app client as a public client, and no secret', async () => {
    const h = harness({ scopes: ['openid', 'email', 'gw/invoke'] });
    const res = await postJson(h.handler, '/register', {
      client_name: 'Claude Code (gateway)',
      redirect_uris: [LOOPBACK],
      grant_types: ['authorization_code', 'refresh_token'],
      response_types: ['code'],
      token_endpoint_auth_method: 'client_secret_basic',
      scope: 'openid gw/invoke other',
    });
    expect(res.status).toBe(201);
    const body = (await res.json()) as Record<string, unknown>;
    expect(body).toEqual({
      client_id: CLIENT_ID,
      client_id_issued_at: Math.floor(h.clock.now / 1000),
      token_endpoint_auth_method: 'none',
      grant_types: ['authorization_code', 'refresh_token'],
      response_types: ['code'],
      redirect_uris: [LOOPBACK],
      client_name: 'Claude Code (gateway)',
      scope: 'openid gw/invoke',
    });
    expect(JSON.stringify(body)).not.toContain('secret"');
    expect(OAuthClientInformationFullSchema.parse(body).client_secret).toBeUndefined();
    expect(res.headers.get('cache-control')).toBe('no-store');
    expect(res.headers.get('access-control-allow-origin')).toBe('*');
  });

  it.each([
    ['a non-allowed https redirect URI', { redirect_uris: [LOOPBACK, 'https://evil.example/cb'] }, 'invalid_redirect_uri'],
    ['no redirect URIs', { redirect_uris: [] }, 'invalid_redirect_uri'],
    ['redirect URIs that are not strings', { redirect_uris: [42] }, 'invalid_redirect_uri'],
    ['the client_credentials grant', { redirect_uris: [LOOPBACK], grant_types: ['client_credentials'] }, 'invalid_client_metadata'],
    ['response type token', { redirect_uris: [LOOPBACK], response_types: ['token'] }, 'invalid_client_metadata'],
  ])('refuses %s', async (_what, body, error) => {
    const h = harness();
    await expectOAuthError(await postJson(h.handler, '/register', body), 400, error);
  });

  it('refuses a body that is not JSON, and a JSON array', async () => {
    const h = harness();
    const notJson = await h.handler(new Request(`${PUBLIC}/register`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: '{' }));
    await expectOAuthError(notJson, 400, 'invalid_request');
    await expectOAuthError(await postJson(h.handler, '/register', [LOOPBACK]), 400, 'invalid_client_metadata');
    const form = await h.handler(new Request(`${PUBLIC}/register`, { method: 'POST', headers: { 'content-type': 'text/plain' }, body: '{}' }));
    await expectOAuthError(form, 400, 'invalid_request');
  });

  it('refuses a body over 64 KiB without reading it all', async () => {
    const h = harness();
    await expectOAuthError(await postJson(h.handler, '/register', { redirect_uris: [LOOPBACK], pad: 'x'.repeat(70_000) }), 413, 'invalid_request');
  });
});

describe('Client ID Metadata Documents at /authorize', () => {
  const DOC_URL = 'https://client.example/oauth/metadata.json';
  const doc = { client_id: DOC_URL, client_name: 'Example client', redirect_uris: ['http://127.0.0.1/callback', CLAUDE_AI], token_endpoint_auth_method: 'none', grant_types: ['authorization_code', 'refresh_token'], response_types: ['code'] };

  function withDoc(body: unknown, init: ResponseInit = {}) {
    const h = harness();
    h.upstream.on('https://client.example/', () => new Response(typeof body === 'string' ? body : JSON.stringify(body), { status: 200, headers: { 'content-type': 'application/json' }, ...init }));
    return h;
  }

  it('fetches the document (https, redirects not followed) and accepts a listed redirect URI; loopback ports are free', async () => {
    const h = withDoc(doc);
    const res = await get(h.handler, authorizeQuery({ client_id: DOC_URL, redirect_uri: 'http://127.0.0.1:49152/callback' }));
    expect(res.status).toBe(302);
    expect(new URL(res.headers.get('location')!).searchParams.get('client_id')).toBe(CLIENT_ID);
    expect(h.upstream.sent).toEqual([expect.objectContaining({ url: DOC_URL, method: 'GET', redirect: 'manual' })]);
    expect((await get(h.handler, authorizeQuery({ client_id: DOC_URL, redirect_uri: CLAUDE_AI }))).status).toBe(302);
  });

  it('refuses a redirect URI the document does not list (even an allowed one) and one the policy refuses (even if listed)', async () => {
    const h = withDoc({ ...doc, redirect_uris: ['http://127.0.0.1/callback', 'https://evil.example/cb'] });
    await expectOAuthError(await get(h.handler, authorizeQuery({ client_id: DOC_URL, redirect_uri: 'http://127.0.0.1:5000/other' })), 400, 'invalid_request');
    await expectOAuthError(await get(h.handler, authorizeQuery({ client_id: DOC_URL, redirect_uri: CLAUDE_AI })), 400, 'invalid_request');
    await expectOAuthError(await get(h.handler, authorizeQuery({ client_id: DOC_URL, redirect_uri: 'https://evil.example/cb' })), 400, 'invalid_request');
  });

  it.each([
    ['names another client_id', { ...doc, client_id: 'https://client.example/other.json' }],
    ['carries a client secret', { ...doc, client_secret: 's' }],
    ['asks for client_secret_basic', { ...doc, token_endpoint_auth_method: 'client_secret_basic' }],
    ['lists no redirect URIs', { ...doc, redirect_uris: [] }],
    ['does not allow authorization_code', { ...doc, grant_types: ['client_credentials'] }],
    ['is not an object', [doc]],
    ['is not JSON', '{"client_id":'],
  ])('refuses a document that %s', async (_what, body) => {
    const h = withDoc(body);
    await expectDocumentPage(await get(h.handler, authorizeQuery({ client_id: DOC_URL, redirect_uri: 'http://127.0.0.1:5000/callback' })));
  });

  it('does not follow a redirect from the document URL', async () => {
    const h = harness();
    h.upstream.on('https://client.example/', () => new Response(null, { status: 302, headers: { location: 'http://169.254.169.254/latest/meta-data/' } }));
    const page = await expectDocumentPage(await get(h.handler, authorizeQuery({ client_id: DOC_URL, redirect_uri: 'http://127.0.0.1:5000/callback' })));
    expect(page).toMatch(/HTTP 302; redirects are not followed/);
    expect(h.upstream.sent).toHaveLength(1);
  });

  it('refuses a document over the size bound and one served as text/html', async () => {
    const big = withDoc({ ...doc, client_name: 'x'.repeat(6000) });
    expect(await expectDocumentPage(await get(big.handler, authorizeQuery({ client_id: DOC_URL, redirect_uri: 'http://127.0.0.1:5000/callback' })))).toMatch(/larger than 5120 bytes/);
    const html = withDoc(doc, { headers: { 'content-type': 'text/html' } });
    await expectDocumentPage(await get(html.handler, authorizeQuery({ client_id: DOC_URL, redirect_uri: 'http://127.0.0.1:5000/callback' })));
  });

  it('gives up on a document that does not arrive in time', async () => {
    const h = harness({ cimd: { timeoutMs: 50 } });
    h.upstream.on('https://client.example/', (_sent, init) => new Promise((_resolve, reject) => init?.signal?.addEventListener('abort', () => reject(new DOMException('aborted', 'TimeoutError')))));
    const started = Date.now();
    const page = await expectDocumentPage(await get(h.handler, authorizeQuery({ client_id: DOC_URL, redirect_uri: 'http://127.0.0.1:5000/callback' })));
    expect(page).toMatch(/within 50 ms/);
    expect(Date.now() - started).toBeLessThan(2000);
  });

  it.each([
    ['http', 'http://client.example/meta.json'],
    ['no path', 'https://client.example/'],
    ['an IP address', 'https://10.0.0.1/meta.json'],
    ['an IPv6 address', 'https://[::1]/meta.json'],
    ['localhost', 'https://localhost/meta.json'],
    ['a single-label host', 'https://metadata/meta.json'],
    ['a dot segment', 'https://client.example/a/../meta.json'],
    ['a fragment', 'https://client.example/meta.json#x'],
    ['user info', 'https://u:p@client.example/meta.json'],
  ])('refuses a client_id URL with %s, without fetching it', async (_what, url) => {
    const h = withDoc(doc);
    await expectDocumentPage(await get(h.handler, authorizeQuery({ client_id: url, redirect_uri: 'http://127.0.0.1:5000/callback' })));
    expect(h.upstream.sent).toEqual([]);
  });
});
