import { afterEach, describe, expect, it } from 'vitest';
import { createServer, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { createFacade } from '../../../src/facade/index.js';
import { toNodeListener } from '../../../src/facade/node.js';
import { bufferedHandler, eventToRequest, streamingHandler, type AwsLambdaGlobal, type FunctionUrlEvent, type ResponseStreamLike } from '../../../src/facade/lambda.js';
import { CLIENT_ID, HOSTED_UI, SIGNING_KEY, authorizeQuery, harness } from './helpers.js';

const servers: Server[] = [];
afterEach(async () => {
  await Promise.all(servers.splice(0).map((s) => new Promise((r) => {
    s.close(r);
    s.closeAllConnections();
  })));
});

async function listen(server: Server): Promise<string> {
  servers.push(server);
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  return `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
}

describe('node:http adapter', () => {
  it('streams the gateway SSE response through a real server, chunk by chunk, and aborts upstream when the client leaves', async () => {
    let gatewayRes!: ServerResponse;
    let upstreamClosed!: Promise<void>;
    let gotRequest!: (headers: Record<string, unknown>) => void;
    const requested = new Promise<Record<string, unknown>>((r) => (gotRequest = r));
    const gw = await listen(createServer((req, res) => {
      gatewayRes = res;
      upstreamClosed = new Promise((r) => res.on('close', () => r()));
      res.writeHead(200, { 'content-type': 'text/event-stream', 'mcp-session-id': 's-1' });
      res.write('data: {"n":1}\n\n');
      gotRequest(req.headers);
    }));
    // The façade learns its own loopback origin once it listens.
    const facade = createServer();
    const facadeUrl = await listen(facade);
    facade.on('request', toNodeListener(createFacade({
      publicUrl: facadeUrl,
      cognito: { region: 'us-east-1', userPoolId: 'us-east-1_AbC123xyz', domainUrl: HOSTED_UI, clientId: CLIENT_ID },
      gatewayUrl: `${gw}/mcp`,
      signingKey: SIGNING_KEY,
    })));

    const abort = new AbortController();
    const res = await fetch(`${facadeUrl}/mcp`, { headers: { authorization: 'Bearer t', accept: 'text/event-stream', 'mcp-protocol-version': '2025-11-25' }, signal: abort.signal });
    const headers = await requested;
    expect(headers['mcp-protocol-version']).toBe('2025-11-25');
    expect(res.headers.get('mcp-session-id')).toBe('s-1');
    const reader = res.body!.getReader();
    const decoder = new TextDecoder();
    expect(decoder.decode((await reader.read()).value)).toBe('data: {"n":1}\n\n');
    gatewayRes.write('data: {"n":2}\n\n');
    expect(decoder.decode((await reader.read()).value)).toBe('data: {"n":2}\n\n');
    abort.abort();
    await upstreamClosed;
  });

  it('passes Set-Cookie, status and Location through', async () => {
    // The harness's URL is https://facade.example.com, not this server's: the Host check is the edges test's.
    const h = harness({ checkHost: false });
    const url = await listen(createServer(toNodeListener(h.handler)));
    const res = await fetch(`${url}${authorizeQuery()}`, { redirect: 'manual' });
    expect(res.status).toBe(302);
    expect(res.headers.get('location')).toMatch(/^https:\/\/pfx\.auth\.us-east-1\.amazoncognito\.com\/oauth2\/authorize\?/);
    expect(res.headers.getSetCookie()).toHaveLength(1);
  });
});

describe('Lambda function URL adapter', () => {
  function fakeRuntime() {
    const preludes: unknown[] = [];
    const writes: string[] = [];
    let ended = false;
    const awslambda: AwsLambdaGlobal = {
      streamifyResponse: (h) => h,
      HttpResponseStream: {
        from(_raw, prelude) {
          preludes.push(prelude);
          return { write: (c) => void writes.push(typeof c === 'string' ? c : Buffer.from(c).toString()), end: () => void (ended = true) };
        },
      },
    };
    const raw: ResponseStreamLike = { write: () => true, end: () => {} };
    return { awslambda, raw, preludes, writes, ended: () => ended };
  }

  const event = (over: Partial<FunctionUrlEvent> = {}): FunctionUrlEvent => ({
    rawPath: '/authorize',
    rawQueryString: authorizeQuery().split('?')[1],
    headers: { host: 'facade.example.com', 'user-agent': 'test' },
    requestContext: { domainName: 'facade.example.com', http: { method: 'GET' } },
    ...over,
  });

  it('sends a redirect as the prelude with its cookie in `cookies`, and writes once before ending', async () => {
    const h = harness();
    const rt = fakeRuntime();
    const handle = streamingHandler(rt.awslambda, async () => h.handler);
    await handle(event(), rt.raw);
    expect(rt.preludes).toHaveLength(1);
    const prelude = rt.preludes[0] as { statusCode: number; headers: Record<string, string>; cookies: string[] };
    expect(prelude.statusCode).toBe(302);
    expect(prelude.headers.location).toMatch(/^https:\/\/pfx\.auth/);
    expect(prelude.headers['set-cookie']).toBeUndefined();
    expect(prelude.cookies).toEqual([expect.stringMatching(/^__Host-mcp-facade-/)]);
    expect(rt.writes).toEqual(['']);
    expect(rt.ended()).toBe(true);
  });

  it('decodes a base64 body and joins cookies into one Cookie header', async () => {
    const req = eventToRequest(event({
      rawPath: '/token',
      rawQueryString: '',
      cookies: ['a=1', 'b=2'],
      body: Buffer.from('grant_type=refresh_token').toString('base64'),
      isBase64Encoded: true,
      requestContext: { http: { method: 'POST' } },
    }));
    expect(req.method).toBe('POST');
    expect(new URL(req.url).pathname).toBe('/token');
    expect(req.headers.get('cookie')).toBe('a=1; b=2');
    expect(await req.text()).toBe('grant_type=refresh_token');
  });

  it('streams the body in chunks', async () => {
    const rt = fakeRuntime();
    const body = new ReadableStream<Uint8Array>({
      start(c) {
        c.enqueue(new TextEncoder().encode('data: 1\n\n'));
        c.enqueue(new TextEncoder().encode('data: 2\n\n'));
        c.close();
      },
    });
    const handle = streamingHandler(rt.awslambda, async () => async () => new Response(body, { headers: { 'content-type': 'text/event-stream' } }));
    await handle(event({ rawPath: '/mcp' }), rt.raw);
    expect(rt.writes).toEqual(['data: 1\n\n', 'data: 2\n\n']);
  });

  it('has a buffered form for BUFFERED invoke mode', async () => {
    const h = harness();
    const out = await bufferedHandler(async () => h.handler)(event({ rawPath: '/.well-known/oauth-authorization-server', rawQueryString: '' }));
    expect(out.statusCode).toBe(200);
    expect(JSON.parse(Buffer.from(out.body, 'base64').toString()).code_challenge_methods_supported).toEqual(['S256']);
  });
});
