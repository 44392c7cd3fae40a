import { describe, expect, it } from 'vitest';
import { discoverOAuthServerInfo } from '@modelcontextprotocol/sdk/client/auth.js';
import { OAuthMetadataSchema, OAuthProtectedResourceMetadataSchema } from '@modelcontextprotocol/sdk/shared/auth.js';
import { GATEWAY, HOSTED_UI, PUBLIC, get, harness, jsonResponse } from './helpers.js';
import type { FacadeHandler } from '../../../src/facade/index.js';

const fetchVia = (h: FacadeHandler): typeof fetch => async (input, init) => h(new Request(input, init));

describe('discovery metadata', () => {
  it('serves RFC 9728 metadata for /mcp at the path-aware and the root URL, naming the façade as authorization server', async () => {
    const h = harness({ scopes: ['openid', 'gw/invoke'] });
    const pathAware = await get(h.handler, '/.well-known/oauth-protected-resource/mcp');
    const root = await get(h.handler, '/.well-known/oauth-protected-resource');
    const expected = {
      resource: `${PUBLIC}/mcp`,
      authorization_servers: [PUBLIC],
      bearer_methods_supported: ['header'],
      scopes_supported: ['openid', 'gw/invoke'],
      resource_name: 'Amazon Bedrock AgentCore Gateway',
    };
    expect(await pathAware.json()).toEqual(expected);
    expect(await root.json()).toEqual(expected);
    expect(pathAware.headers.get('access-control-allow-origin')).toBe('*');
    OAuthProtectedResourceMetadataSchema.parse(expected);
  });

  it("serves RFC 8414 metadata: the façade's issuer and endpoints, S256, registration, CIMD, Cognito's JWKS and userinfo", async () => {
    const h = harness();
    const body = (await (await get(h.handler, '/.well-known/oauth-authorization-server')).json()) as Record<string, unknown>;
    expect(body).toEqual({
      issuer: PUBLIC,
      authorization_endpoint: `${PUBLIC}/authorize`,
      token_endpoint: `${PUBLIC}/token`,
      registration_endpoint: `${PUBLIC}/register`,
      revocation_endpoint: `${PUBLIC}/revoke`,
      jwks_uri: 'https://cognito-idp.us-east-1.amazonaws.com/us-east-1_AbC123xyz/.well-known/jwks.json',
      userinfo_endpoint: `${HOSTED_UI}/oauth2/userInfo`,
      response_types_supported: ['code'],
      response_modes_supported: ['query'],
      grant_types_supported: ['authorization_code', 'refresh_token'],
      token_endpoint_auth_methods_supported: ['none'],
      revocation_endpoint_auth_methods_supported: ['none'],
      code_challenge_methods_supported: ['S256'],
      client_id_metadata_document_supported: true,
      authorization_response_iss_parameter_supported: true,
    });
    OAuthMetadataSchema.parse(body);
  });

  it("is what the MCP TypeScript SDK's discovery finds from the MCP URL", async () => {
    const h = harness();
    const info = await discoverOAuthServerInfo(`${PUBLIC}/mcp`, { fetchFn: fetchVia(h.handler) });
    expect(String(info.authorizationServerUrl)).toBe(PUBLIC);
    expect(info.resourceMetadata?.resource).toBe(`${PUBLIC}/mcp`);
    expect(info.authorizationServerMetadata?.issuer).toBe(String(info.authorizationServerUrl));
    expect(info.authorizationServerMetadata?.code_challenge_methods_supported).toEqual(['S256']);
  });

  it('answers 404 for other paths (no OpenID configuration), 405 for other methods, and CORS preflights', async () => {
    const h = harness();
    expect((await get(h.handler, '/.well-known/openid-configuration')).status).toBe(404);
    const post = await h.handler(new Request(`${PUBLIC}/.well-known/oauth-authorization-server`, { method: 'POST' }));
    expect(post.status).toBe(405);
    expect(post.headers.get('allow')).toBe('GET');
    const pre = await h.handler(new Request(`${PUBLIC}/mcp`, { method: 'OPTIONS', headers: { origin: 'http://localhost:6274', 'access-control-request-method': 'POST' } }));
    expect(pre.status).toBe(204);
    expect(pre.headers.get('access-control-allow-headers')).toContain('mcp-protocol-version');
    for (const h2026 of ['mcp-method', 'mcp-name']) expect(pre.headers.get('access-control-allow-headers')).toContain(h2026);
    expect(h.upstream.sent).toEqual([]);
  });
});

describe('/mcp proxy', () => {
  const CHALLENGE = `Bearer resource_metadata="${PUBLIC}/.well-known/oauth-protected-resource/mcp"`;

  it('answers a request without a bearer token itself: 401 with the façade metadata URL', async () => {
    const h = harness();
    for (const headers of [{}, { authorization: 'Basic dXNlcjpwdw==' }, { authorization: 'Bearer' }] as Record<string, string>[]) {
      const res = await h.handler(new Request(`${PUBLIC}/mcp`, { method: 'POST', headers: { 'content-type': 'application/json', ...headers }, body: '{}' }));
      expect(res.status).toBe(401);
      expect(res.headers.get('www-authenticate')).toBe(CHALLENGE);
    }
    expect(h.upstream.sent).toEqual([]);
  });

  it('passes method, body, query, Authorization, MCP-Protocol-Version and Mcp-Session-Id to the gateway, and not cookies', async () => {
    const h = harness();
    h.upstream.on(GATEWAY, () => new Response('{"jsonrpc":"2.0","id":1,"result":{}}', { status: 200, headers: { 'content-type': 'application/json', 'mcp-session-id': 'sess-2', 'mcp-protocol-version': '2025-11-25' } }));
    const body = '{"jsonrpc":"2.0","id":1,"method":"tools/list"}';
    const res = await h.handler(new Request(`${PUBLIC}/mcp?x=1`, {
      method: 'POST',
      headers: { authorization: 'Bearer eyJ.a.b', 'content-type': 'application/json', accept: 'application/json, text/event-stream', 'mcp-protocol-version': '2025-11-25', 'mcp-session-id': 'sess-1', cookie: '__Host-mcp-facade-x=1', 'x-forwarded-for': '1.2.3.4' },
      body,
    }));
    expect(res.status).toBe(200);
    expect(res.headers.get('mcp-session-id')).toBe('sess-2');
    expect(res.headers.get('mcp-protocol-version')).toBe('2025-11-25');
    expect(res.headers.get('access-control-expose-headers')).toContain('mcp-session-id');
    const sent = h.upstream.sent[0]!;
    expect(sent).toMatchObject({ url: `${GATEWAY}?x=1`, method: 'POST', body });
    expect(sent.headers).toMatchObject({ authorization: 'Bearer eyJ.a.b', 'mcp-protocol-version': '2025-11-25', 'mcp-session-id': 'sess-1', accept: 'application/json, text/event-stream' });
    expect(sent.headers.cookie).toBeUndefined();
    expect(sent.headers['x-forwarded-for']).toBeUndefined();
  });

  it('MCP 2026-07-28: a stateless request (no Mcp-Session-Id) passes with MCP-Protocol-Version, Mcp-Method and Mcp-Name; the gateway\'s 400 -32022 comes back as it is', async () => {
    const h = harness();
    let answer = new Response('{"jsonrpc":"2.0","id":3,"result":{"resultType":"complete","content":[]}}', { status: 200, headers: { 'content-type': 'application/json' } });
    h.upstream.on(GATEWAY, () => answer);
    const body = JSON.stringify({ jsonrpc: '2.0', id: 3, method: 'tools/call', params: { name: 't___echo', arguments: {}, _meta: { 'io.modelcontextprotocol/protocolVersion': '2026-07-28', 'io.modelcontextprotocol/clientCapabilities': {} } } });
    const headers = { authorization: 'Bearer eyJ.a.b', 'content-type': 'application/json', 'mcp-protocol-version': '2026-07-28', 'mcp-method': 'tools/call', 'mcp-name': 't___echo', 'mcp-param-region': 'eu' };
    const res = await h.handler(new Request(`${PUBLIC}/mcp`, { method: 'POST', headers, body }));
    expect(res.status).toBe(200);
    expect(await res.json()).toMatchObject({ result: { resultType: 'complete' } });
    const sent = h.upstream.sent[0]!;
    expect(sent.body).toBe(body);
    expect(sent.headers).toMatchObject({ 'mcp-protocol-version': '2026-07-28', 'mcp-method': 'tools/call', 'mcp-name': 't___echo', 'mcp-param-region': 'eu' });
    expect(sent.headers['mcp-session-id']).toBeUndefined();
    answer = new Response('{"jsonrpc":"2.0","id":0,"error":{"code":-32022,"message":"Unsupported protocol version","data":{"supported":["2025-06-18"],"requested":"2026-07-28"}}}', { status: 400, headers: { 'content-type': 'application/json' } });
    const refused = await h.handler(new Request(`${PUBLIC}/mcp`, { method: 'POST', headers: { ...headers, 'mcp-method': 'server/discover' }, body: '{}' }));
    expect(refused.status).toBe(400);
    expect(await refused.json()).toMatchObject({ error: { code: -32022, data: { supported: ['2025-06-18'] } } });
  });

  it('streams the response: the first event reaches the client before the gateway has finished', async () => {
    const h = harness();
    let push!: ReadableStreamDefaultController<Uint8Array>;
    const upstreamBody = new ReadableStream<Uint8Array>({ start: (c) => void (push = c) });
    h.upstream.on(GATEWAY, () => new Response(upstreamBody, { status: 200, headers: { 'content-type': 'text/event-stream' } }));
    const res = await h.handler(new Request(`${PUBLIC}/mcp`, { headers: { authorization: 'Bearer t', accept: 'text/event-stream' } }));
    expect(res.headers.get('content-type')).toBe('text/event-stream');
    const reader = res.body!.getReader();
    const enc = new TextEncoder();
    push.enqueue(enc.encode('event: message\ndata: {"n":1}\n\n'));
    expect(new TextDecoder().decode((await reader.read()).value)).toBe('event: message\ndata: {"n":1}\n\n');
    push.enqueue(enc.encode('data: {"n":2}\n\n'));
    expect(new TextDecoder().decode((await reader.read()).value)).toBe('data: {"n":2}\n\n');
    push.close();
    expect((await reader.read()).done).toBe(true);
  });

  it("rewrites the gateway's challenge to point at the façade, keeping error and scope", async () => {
    const h = harness();
    h.upstream.on(GATEWAY, () => new Response('{}', { status: 401, headers: { 'www-authenticate': 'Bearer resource_metadata="https://gw-abc123.gateway.bedrock-agentcore.us-east-1.amazonaws.com/.well-known/oauth-protected-resource", error="invalid_token", error_description="expired"' } }));
    const res = await h.handler(new Request(`${PUBLIC}/mcp`, { method: 'POST', headers: { authorization: 'Bearer expired' }, body: '{}' }));
    expect(res.status).toBe(401);
    expect(res.headers.get('www-authenticate')).toBe(`${CHALLENGE}, error="invalid_token", error_description="expired"`);
  });

  it('answers 502 when the gateway cannot be reached', async () => {
    const h = harness();
    const res = await h.handler(new Request(`${PUBLIC}/mcp`, { method: 'POST', headers: { authorization: 'Bearer t' }, body: '{}' }));
    expect(res.status).toBe(502);
  });

  it('never forwards to the gateway on other paths', async () => {
    const h = harness();
    h.upstream.on(GATEWAY, () => jsonResponse(200, {}));
    expect((await get(h.handler, '/mcp/../token', { authorization: 'Bearer t' })).status).not.toBe(200);
    expect((await get(h.handler, '/mcpx', { authorization: 'Bearer t' })).status).toBe(404);
    expect(h.upstream.sent).toEqual([]);
  });
});
