import { describe, expect, it } from 'vitest';
import {
  CLIENT_ID, CLIENT_SECRET, HOSTED_UI, LOOPBACK, PUBLIC, VERIFIER,
  codeFor, expectOAuthError, harness, jsonResponse, postForm, start, tokens,
} from './helpers.js';

const BASIC = `Basic ${Buffer.from(`${CLIENT_ID}:${CLIENT_SECRET}`).toString('base64')}`;

function exchange(code: string, over: Record<string, string | undefined> = {}): Record<string, string> {
  const form: Record<string, string | undefined> = { grant_type: 'authorization_code', code, code_verifier: VERIFIER, redirect_uri: LOOPBACK, client_id: CLIENT_ID, ...over };
  return Object.fromEntries(Object.entries(form).filter(([, v]) => v !== undefined)) as Record<string, string>;
}

describe('POST /token', () => {
  it("sends Cognito exactly: its code, the façade's callback, the client's verifier, the app client id, and the secret as HTTP Basic", async () => {
    const h = harness();
    const code = await codeFor(h);
    const res = await postForm(h.handler, '/token', exchange(code, { resource: `${PUBLIC}/mcp` }));
    expect(res.status).toBe(200);
    expect(await res.json()).toEqual(tokens);
    expect(res.headers.get('cache-control')).toBe('no-store');
    expect(h.upstream.sent).toHaveLength(1);
    const sent = h.upstream.sent[0]!;
    expect(sent.url).toBe(`${HOSTED_UI}/oauth2/token`);
    expect(sent.method).toBe('POST');
    expect(sent.headers.authorization).toBe(BASIC);
    expect(sent.headers['content-type']).toBe('application/x-www-form-urlencoded');
    expect(sent.redirect).toBe('manual');
    expect(sent.body).toBe(
      new URLSearchParams({ grant_type: 'authorization_code', code: 'cognito-code-1', redirect_uri: `${PUBLIC}/callback`, code_verifier: VERIFIER, client_id: CLIENT_ID }).toString(),
    );
  });

  it('passes a refresh_token grant through with the secret added', async () => {
    const h = harness();
    const res = await postForm(h.handler, '/token', { grant_type: 'refresh_token', refresh_token: 'REFRESH-1', client_id: CLIENT_ID, scope: 'openid' });
    expect(res.status).toBe(200);
    const sent = h.upstream.sent[0]!;
    expect(sent.headers.authorization).toBe(BASIC);
    expect(sent.body).toBe('grant_type=refresh_token&refresh_token=REFRESH-1&client_id=' + CLIENT_ID);
  });

  it('sends no Authorization header when the app client has no secret', async () => {
    const h = harness({ cognito: { region: 'us-east-1', userPoolId: 'us-east-1_AbC123xyz', domainUrl: HOSTED_UI, clientId: CLIENT_ID } });
    await postForm(h.handler, '/token', { grant_type: 'refresh_token', refresh_token: 'R', client_id: CLIENT_ID });
    expect(h.upstream.sent[0]!.headers.authorization).toBeUndefined();
  });

  it('accepts the client_id as HTTP Basic user (any password is ignored, and never forwarded)', async () => {
    const h = harness();
    const code = await codeFor(h);
    const res = await postForm(h.handler, '/token', exchange(code, { client_id: undefined }), { authorization: `Basic ${Buffer.from(`${CLIENT_ID}:whatever`).toString('base64')}` });
    expect(res.status).toBe(200);
    expect(h.upstream.sent[0]!.headers.authorization).toBe(BASIC);
  });

  it('a secret Cognito refuses (rotated since it was read) is read again once, and the request sent again with the new one', async () => {
    const NEW = 'SECRET-new-after-rotate-secret';
    let reads = 0;
    const h = harness({ cognito: { region: 'us-east-1', userPoolId: 'us-east-1_AbC123xyz', domainUrl: HOSTED_UI, clientId: CLIENT_ID, clientSecret: CLIENT_SECRET, refreshClientSecret: async () => (reads++, NEW) } });
    h.upstream.on(`${HOSTED_UI}/oauth2/token`, (req) => (req.headers.authorization?.includes(Buffer.from(`${CLIENT_ID}:${NEW}`).toString('base64')) ? jsonResponse(200, tokens) : jsonResponse(400, { error: 'invalid_client' })));
    const first = await postForm(h.handler, '/token', { grant_type: 'refresh_token', refresh_token: 'R', client_id: CLIENT_ID });
    expect(first.status).toBe(200);
    expect(reads).toBe(1);
    expect(h.upstream.sent.map((x) => x.headers.authorization)).toEqual([BASIC, `Basic ${Buffer.from(`${CLIENT_ID}:${NEW}`).toString('base64')}`]);
    // Kept for the next requests; a secret that did not change is not retried.
    await postForm(h.handler, '/token', { grant_type: 'refresh_token', refresh_token: 'R', client_id: CLIENT_ID });
    expect(reads).toBe(1);
    const same = harness({ cognito: { region: 'us-east-1', userPoolId: 'us-east-1_AbC123xyz', domainUrl: HOSTED_UI, clientId: CLIENT_ID, clientSecret: CLIENT_SECRET, refreshClientSecret: async () => CLIENT_SECRET } });
    same.upstream.on(`${HOSTED_UI}/oauth2/token`, () => jsonResponse(400, { error: 'invalid_client' }));
    await expectOAuthError(await postForm(same.handler, '/token', { grant_type: 'refresh_token', refresh_token: 'R', client_id: CLIENT_ID }), 502, 'server_error');
    expect(same.upstream.sent).toHaveLength(1);
  });

  it("passes Cognito's error answers through, except invalid_client, which is the façade's own fault", async () => {
    const h = harness();
    h.upstream.on(`${HOSTED_UI}/oauth2/token`, () => jsonResponse(400, { error: 'invalid_grant' }));
    const code = await codeFor(h);
    await expectOAuthError(await postForm(h.handler, '/token', exchange(code)), 400, 'invalid_grant');
    h.upstream.on(`${HOSTED_UI}/oauth2/token`, () => jsonResponse(400, { error: 'invalid_client' }));
    const code2 = await codeFor(h);
    const body = await expectOAuthError(await postForm(h.handler, '/token', exchange(code2)), 502, 'server_error');
    expect(body.error_description).toMatch(/façade's app client credentials/);
  });

  it('answers 502 when Cognito cannot be reached', async () => {
    const h = harness();
    h.upstream.routes.clear();
    const code = await codeFor(h);
    await expectOAuthError(await postForm(h.handler, '/token', exchange(code)), 502, 'temporarily_unavailable');
  });

  describe('refuses without calling Cognito', () => {
    async function refused(form: Record<string, string>, status: number, error: string, headers: Record<string, string> = {}) {
      const h = harness();
      const res = await postForm(h.handler, '/token', form, headers);
      await expectOAuthError(res, status, error);
      expect(h.upstream.sent).toEqual([]);
    }

    it("Cognito's raw code (not the façade's envelope)", () => refused(exchange('cognito-code-1'), 400, 'invalid_grant'));
    it('a forged code', () => refused(exchange(`${Buffer.from(JSON.stringify({ k: 'c', r: LOOPBACK, c: 'x', t: Date.now() })).toString('base64url')}.${'A'.repeat(43)}`), 400, 'invalid_grant'));

    it('an expired code', async () => {
      const h = harness();
      const code = await codeFor(h);
      h.clock.now += 300_001;
      await expectOAuthError(await postForm(h.handler, '/token', exchange(code)), 400, 'invalid_grant');
      expect(h.upstream.sent).toEqual([]);
    });

    it('a redirect_uri other than the one of the authorization request', async () => {
      const h = harness();
      const code = await codeFor(h);
      await expectOAuthError(await postForm(h.handler, '/token', exchange(code, { redirect_uri: 'http://localhost:1/other' })), 400, 'invalid_grant');
      await expectOAuthError(await postForm(h.handler, '/token', exchange(code, { redirect_uri: undefined })), 400, 'invalid_request');
      expect(h.upstream.sent).toEqual([]);
    });

    it('a code issued to another client (metadata-document client presenting the pool client id)', async () => {
      const h = harness();
      h.upstream.on('https://client.example/', () => jsonResponse(200, { client_id: 'https://client.example/meta.json', redirect_uris: [LOOPBACK] }));
      const code = await codeFor(h, { client_id: 'https://client.example/meta.json' });
      h.upstream.sent = [];
      await expectOAuthError(await postForm(h.handler, '/token', exchange(code)), 400, 'invalid_grant');
      expect(h.upstream.sent).toEqual([]);
    });

    it('a state envelope presented as a code', async () => {
      const h = harness();
      const s = await start(h);
      await expectOAuthError(await postForm(h.handler, '/token', exchange(s.state)), 400, 'invalid_grant');
      expect(h.upstream.sent).toEqual([]);
    });

    it('a missing code_verifier', async () => {
      const h = harness();
      const code = await codeFor(h);
      await expectOAuthError(await postForm(h.handler, '/token', exchange(code, { code_verifier: undefined })), 400, 'invalid_request');
      expect(h.upstream.sent).toEqual([]);
    });

    it('an unknown client_id', () => refused({ grant_type: 'refresh_token', refresh_token: 'R', client_id: 'nobody' }, 401, 'invalid_client'));
    it('no client_id at all', () => refused({ grant_type: 'refresh_token', refresh_token: 'R' }, 401, 'invalid_client'));
    it('client ids that differ between header and body', () =>
      refused({ grant_type: 'refresh_token', refresh_token: 'R', client_id: CLIENT_ID }, 401, 'invalid_client', { authorization: `Basic ${Buffer.from('other:x').toString('base64')}` }));
    it('the client_credentials grant', () => refused({ grant_type: 'client_credentials', client_id: CLIENT_ID }, 400, 'unsupported_grant_type'));
    it('another resource', () => refused({ grant_type: 'refresh_token', refresh_token: 'R', client_id: CLIENT_ID, resource: 'https://other.example/' }, 400, 'invalid_target'));

    it('a JSON body', async () => {
      const h = harness();
      const res = await h.handler(new Request(`${PUBLIC}/token`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: '{}' }));
      await expectOAuthError(res, 400, 'invalid_request');
    });
  });
});

describe('POST /revoke', () => {
  it('forwards the token to Cognito with the secret, and answers 200 with no body as Cognito does', async () => {
    const h = harness();
    h.upstream.on(`${HOSTED_UI}/oauth2/revoke`, () => new Response(null, { status: 200 }));
    const res = await postForm(h.handler, '/revoke', { token: 'REFRESH-1', token_type_hint: 'refresh_token', client_id: CLIENT_ID });
    expect(res.status).toBe(200);
    expect(h.upstream.sent[0]!.url).toBe(`${HOSTED_UI}/oauth2/revoke`);
    expect(h.upstream.sent[0]!.headers.authorization).toBe(BASIC);
    expect(h.upstream.sent[0]!.body).toBe(`token=REFRESH-1&client_id=${CLIENT_ID}&token_type_hint=refresh_token`);
  });
});
