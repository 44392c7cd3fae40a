/**
 * The official MCP TypeScript SDK client runs the whole flow against the façade: discovery,
 * registration (RFC 7591) or a Client ID Metadata Document, PKCE authorize, the callback through the
 * façade, the token exchange, then initialize and tools/list through the /mcp proxy. Cognito's
 * endpoints and the gateway are doubles behind the injected fetch; the Cognito double checks the
 * PKCE verifier against the challenge it saw, the secret and the redirect URI, as Cognito does.
 */
import { describe, expect, it } from 'vitest';
import { createHash } from 'node:crypto';
import { Client } from '@modelcontextprotocol/sdk/client/index.js';
import { StreamableHTTPClientTransport } from '@modelcontextprotocol/sdk/client/streamableHttp.js';
import { UnauthorizedError, type OAuthClientProvider } from '@modelcontextprotocol/sdk/client/auth.js';
import { McpServer } from '@modelcontextprotocol/sdk/server/mcp.js';
import { WebStandardStreamableHTTPServerTransport } from '@modelcontextprotocol/sdk/server/webStandardStreamableHttp.js';
import type { OAuthClientInformationMixed, OAuthClientMetadata, OAuthTokens } from '@modelcontextprotocol/sdk/shared/auth.js';
import { CLIENT_ID, CLIENT_SECRET, GATEWAY, HOSTED_UI, PUBLIC, SIGNING_KEY, cookiePair, harness, jsonResponse, tokens, type Harness } from './helpers.js';

class MemoryProvider implements OAuthClientProvider {
  client?: OAuthClientInformationMixed;
  saved?: OAuthTokens;
  verifier?: string;
  authUrl?: URL;
  constructor(readonly clientMetadataUrl?: string) {}
  get redirectUrl() {
    return 'http://localhost:53682/callback';
  }
  get clientMetadata(): OAuthClientMetadata {
    return { client_name: 'sdk test client', redirect_uris: [this.redirectUrl], grant_types: ['authorization_code', 'refresh_token'], response_types: ['code'], token_endpoint_auth_method: 'none' };
  }
  state() {
    return 'sdk-state-1';
  }
  clientInformation() {
    return this.client;
  }
  saveClientInformation(c: OAuthClientInformationMixed) {
    this.client = c;
  }
  tokens() {
    return this.saved;
  }
  saveTokens(t: OAuthTokens) {
    this.saved = t;
  }
  redirectToAuthorization(url: URL) {
    this.authUrl = url;
  }
  saveCodeVerifier(v: string) {
    this.verifier = v;
  }
  codeVerifier() {
    return this.verifier!;
  }
}

/** Cognito's side: the hosted UI signs the user in and issues a code bound to the PKCE challenge; the token endpoint checks it. */
function fakeCognitoAndGateway(h: Harness) {
  const issued = new Map<string, { challenge: string; redirectUri: string }>();
  let n = 0;
  const hostedUi = (authorizeUrl: URL): string => {
    expect(`${authorizeUrl.origin}${authorizeUrl.pathname}`).toBe(`${HOSTED_UI}/oauth2/authorize`);
    expect(authorizeUrl.searchParams.get('client_id')).toBe(CLIENT_ID);
    expect(authorizeUrl.searchParams.get('code_challenge_method')).toBe('S256');
    const code = `cognito-code-${++n}`;
    issued.set(code, { challenge: authorizeUrl.searchParams.get('code_challenge')!, redirectUri: authorizeUrl.searchParams.get('redirect_uri')! });
    return `${authorizeUrl.searchParams.get('redirect_uri')}?${new URLSearchParams({ code, state: authorizeUrl.searchParams.get('state')! })}`;
  };
  h.upstream.on(`${HOSTED_UI}/oauth2/token`, (sent) => {
    const form = new URLSearchParams(sent.body);
    if (sent.headers.authorization !== `Basic ${Buffer.from(`${CLIENT_ID}:${CLIENT_SECRET}`).toString('base64')}`) return jsonResponse(400, { error: 'invalid_client' });
    const grant = issued.get(form.get('code') ?? '');
    if (!grant) return jsonResponse(400, { error: 'invalid_grant' });
    issued.delete(form.get('code')!);
    if (form.get('redirect_uri') !== grant.redirectUri) return jsonResponse(400, { error: 'invalid_grant' });
    if (createHash('sha256').update(form.get('code_verifier') ?? '').digest('base64url') !== grant.challenge) return jsonResponse(400, { error: 'invalid_grant' });
    return jsonResponse(200, tokens);
  });
  h.upstream.on(GATEWAY, async (sent) => {
    if (sent.headers.authorization !== `Bearer ${tokens.access_token}`) {
      return new Response('{}', { status: 401, headers: { 'www-authenticate': 'Bearer resource_metadata="https://gw-abc123.gateway.bedrock-agentcore.us-east-1.amazonaws.com/.well-known/oauth-protected-resource"' } });
    }
    const server = new McpServer({ name: 'gateway', version: '1.0.0' });
    server.registerTool('gw-target___get_weather', { description: 'Weather' }, async () => ({ content: [{ type: 'text', text: 'sunny' }] }));
    const transport = new WebStandardStreamableHTTPServerTransport({ sessionIdGenerator: undefined, enableJsonResponse: true });
    await server.connect(transport);
    return transport.handleRequest(new Request(sent.url, { method: sent.method, headers: sent.headers, body: sent.method === 'POST' ? sent.body : undefined }));
  });
  return { hostedUi };
}

/** The browser: follows the authorization URL through the façade and Cognito's hosted UI back to the client's loopback URL. */
async function browse(h: Harness, authUrl: URL, hostedUi: (u: URL) => string): Promise<URL> {
  const atFacade = await h.handler(new Request(authUrl));
  expect(atFacade.status).toBe(302);
  const cookie = cookiePair(atFacade.headers.getSetCookie()[0]!);
  const callbackUrl = hostedUi(new URL(atFacade.headers.get('location')!));
  const back = await h.handler(new Request(callbackUrl, { headers: { cookie } }));
  expect(back.status).toBe(302);
  return new URL(back.headers.get('location')!);
}

async function runFlow(provider: MemoryProvider) {
  const logs: unknown[] = [];
  const h = harness({ log: (e) => logs.push(e) });
  const { hostedUi } = fakeCognitoAndGateway(h);
  const fetchVia: typeof fetch = async (input, init) => {
    const url = String(input instanceof Request ? input.url : input);
    if (!url.startsWith(PUBLIC)) return h.upstream.fetch(input, init);
    return h.handler(new Request(input, init));
  };
  const mcpUrl = new URL(`${PUBLIC}/mcp`);

  const first = new Client({ name: 'sdk-test', version: '1.0.0' });
  await expect(first.connect(new StreamableHTTPClientTransport(mcpUrl, { authProvider: provider, fetch: fetchVia }))).rejects.toBeInstanceOf(UnauthorizedError);
  expect(provider.authUrl?.origin).toBe(PUBLIC);
  expect(provider.authUrl?.searchParams.get('code_challenge_method')).toBe('S256');

  const landed = await browse(h, provider.authUrl!, hostedUi);
  expect(`${landed.origin}${landed.pathname}`).toBe(provider.redirectUrl);
  expect(landed.searchParams.get('state')).toBe('sdk-state-1');
  expect(landed.searchParams.get('iss')).toBe(PUBLIC);

  const finishing = new StreamableHTTPClientTransport(mcpUrl, { authProvider: provider, fetch: fetchVia });
  await finishing.finishAuth(landed.searchParams.get('code')!);
  expect(provider.saved?.access_token).toBe(tokens.access_token);

  const client = new Client({ name: 'sdk-test', version: '1.0.0' });
  await client.connect(new StreamableHTTPClientTransport(mcpUrl, { authProvider: provider, fetch: fetchVia }));
  const listed = await client.listTools();
  await client.close();
  return { h, logs, listed };
}

describe('the MCP TypeScript SDK through the façade', () => {
  it('registers (RFC 7591), authorizes with PKCE S256, exchanges the code and lists tools', async () => {
    const provider = new MemoryProvider();
    const { h, listed, logs } = await runFlow(provider);
    expect(provider.client).toMatchObject({ client_id: CLIENT_ID, token_endpoint_auth_method: 'none' });
    expect(listed.tools.map((t) => t.name)).toEqual(['gw-target___get_weather']);

    // Nothing secret in the log: no token, code, state, verifier, client secret or signing key.
    const logged = JSON.stringify(logs);
    for (const secret of [CLIENT_SECRET, SIGNING_KEY, tokens.access_token, tokens.refresh_token, tokens.id_token, 'cognito-code-', provider.verifier!, 'sdk-state-1']) {
      expect(logged).not.toContain(secret);
    }
    expect(logs).toContainEqual(expect.objectContaining({ method: 'POST', path: '/register', status: 201 }));
    expect(logs).toContainEqual(expect.objectContaining({ method: 'POST', path: '/mcp', status: 200 }));
    // Cognito saw the secret only at its token endpoint.
    const withSecret = h.upstream.sent.filter((s) => JSON.stringify(s).includes(Buffer.from(`${CLIENT_ID}:${CLIENT_SECRET}`).toString('base64')));
    expect(withSecret.map((s) => s.url)).toEqual([`${HOSTED_UI}/oauth2/token`]);
  });

  it('uses a Client ID Metadata Document when the client has one', async () => {
    const DOC = 'https://sdk-client.example/oauth/client.json';
    const provider = new MemoryProvider(DOC);
    const upstreamDoc = { client_id: DOC, client_name: 'sdk test client', redirect_uris: ['http://localhost/callback'], token_endpoint_auth_method: 'none' };
    // The metadata document is served by the same injected fetch; its loopback URI has no port.
    const { h, listed } = await runFlowWithDoc(provider, DOC, upstreamDoc);
    expect(provider.client).toMatchObject({ client_id: DOC });
    expect(listed.tools).toHaveLength(1);
    expect(h.upstream.sent.filter((s) => s.url === DOC)).toHaveLength(1);
    expect(h.logs.some((l) => l.path === '/register')).toBe(false);
  });
});

async function runFlowWithDoc(provider: MemoryProvider, docUrl: string, doc: unknown) {
  const h = harness();
  const { hostedUi } = fakeCognitoAndGateway(h);
  h.upstream.on(docUrl, () => jsonResponse(200, doc));
  const fetchVia: typeof fetch = async (input, init) => {
    const url = String(input instanceof Request ? input.url : input);
    if (!url.startsWith(PUBLIC)) return h.upstream.fetch(input, init);
    return h.handler(new Request(input, init));
  };
  const mcpUrl = new URL(`${PUBLIC}/mcp`);
  await expect(new Client({ name: 'c', version: '1' }).connect(new StreamableHTTPClientTransport(mcpUrl, { authProvider: provider, fetch: fetchVia }))).rejects.toBeInstanceOf(UnauthorizedError);
  expect(provider.authUrl?.searchParams.get('client_id')).toBe(docUrl);
  const landed = await browse(h, provider.authUrl!, hostedUi);
  await new StreamableHTTPClientTransport(mcpUrl, { authProvider: provider, fetch: fetchVia }).finishAuth(landed.searchParams.get('code')!);
  const client = new Client({ name: 'c', version: '1' });
  await client.connect(new StreamableHTTPClientTransport(mcpUrl, { authProvider: provider, fetch: fetchVia }));
  const listed = await client.listTools();
  await client.close();
  return { h, listed };
}
