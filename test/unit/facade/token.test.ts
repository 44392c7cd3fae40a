import { describe, expect, it } from 'vitest';
import {
  CLIENT_ID, CLIENT_SECRET, HOSTED_UI, LOOPBACK, PUBLIC, SIGNING_KEY, VERIFIER,
  codeFor, expectOAuthError, harness, jsonResponse, postForm, start, tokens, type Harness,
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
    const { refresh_token: sealed, ...rest } = (await res.json()) as typeof tokens;
    const { refresh_token: cognitoRefresh, ...expected } = tokens;
    expect(rest).toEqual(expected);
    // The refresh token is the façade's sealed one: Cognito's is not readable in it.
    expect(sealed).toMatch(/^mcfr1\.[A-Za-z0-9_-]+$/);
    expect(Buffer.from(sealed.slice(6), 'base64url').toString('latin1')).not.toContain(cognitoRefresh);
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

  it('sends no Authorization header when the app client has no secret', async () => {
    const h = harness({ cognito: { region: 'us-east-1', userPoolId: 'us-east-1_AbC123xyz', domainUrl: HOSTED_UI, clientId: CLIENT_ID } });
    const code = await codeFor(h);
    expect((await postForm(h.handler, '/token', exchange(code))).status).toBe(200);
    expect(h.upstream.sent[0]!.headers.authorization).toBeUndefined();
  });

  it('accepts the client_id as HTTP Basic user (any password is ignored, and never forwarded)', async () => {
    const h = harness();
    const code = await codeFor(h);
    const res = await postForm(h.handler, '/token', exchange(code, { client_id: undefined }), { authorization: `Basic ${Buffer.from(`${CLIENT_ID}:whatever`).toString('base64')}` });
    expect(res.status).toBe(200);
    expect(h.upstream.sent[0]!.headers.authorization).toBe(BASIC);
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

/** Signs in through the façade (authorize → callback → token) and returns the sealed refresh token it answered. */
async function sealedRefresh(h: Harness, clientId = CLIENT_ID): Promise<string> {
  const code = await codeFor(h, { client_id: clientId });
  const res = await postForm(h.handler, '/token', exchange(code, { client_id: clientId }));
  expect(res.status).toBe(200);
  return ((await res.json()) as { refresh_token: string }).refresh_token;
}

const refreshForm = (refresh: string, clientId = CLIENT_ID) => ({ grant_type: 'refresh_token', refresh_token: refresh, client_id: clientId });

describe('refresh tokens: only those obtained through the façade (RFC 9700 §4.14.2), rotated', () => {
  it("refuses a refresh token obtained directly from Cognito (Copilot Studio's, with the client's secret), without calling Cognito", async () => {
    const h = harness();
    const body = await expectOAuthError(await postForm(h.handler, '/token', refreshForm(tokens.refresh_token)), 400, 'invalid_grant');
    expect(body.error_description).toMatch(/sign in again/);
    expect(h.upstream.sent).toEqual([]);
    expect(h.logs.at(-1)).toMatchObject({ path: '/token', status: 400, reason: 'not a refresh token this façade issued' });
  });

  it("refreshes a sealed token: sends Cognito the token inside with the secret, answers a new sealed token", async () => {
    const h = harness();
    const sealed = await sealedRefresh(h);
    h.upstream.sent = [];
    const res = await postForm(h.handler, '/token', { ...refreshForm(sealed), scope: 'openid' });
    expect(res.status).toBe(200);
    const sent = h.upstream.sent[0]!;
    expect(sent.headers.authorization).toBe(BASIC);
    expect(sent.body).toBe(new URLSearchParams({ grant_type: 'refresh_token', refresh_token: tokens.refresh_token, client_id: CLIENT_ID }).toString());
    const next = ((await res.json()) as { refresh_token: string }).refresh_token;
    expect(next).toMatch(/^mcfr1\./);
    expect(next).not.toBe(sealed);
  });

  it('refuses a sealed token used once already (rotation), without calling Cognito; the new one works', async () => {
    const h = harness();
    const sealed = await sealedRefresh(h);
    const first = await postForm(h.handler, '/token', refreshForm(sealed));
    const next = ((await first.json()) as { refresh_token: string }).refresh_token;
    h.upstream.sent = [];
    const again = await expectOAuthError(await postForm(h.handler, '/token', refreshForm(sealed)), 400, 'invalid_grant');
    expect(again.error_description).toMatch(/sign in again/);
    expect(h.upstream.sent).toEqual([]);
    expect(h.logs.at(-1)?.reason).toMatch(/already used/);
    expect((await postForm(h.handler, '/token', refreshForm(next))).status).toBe(200);
  });

  it("wraps Cognito's new refresh token when Cognito rotates it", async () => {
    const h = harness();
    const sealed = await sealedRefresh(h);
    h.upstream.on(`${HOSTED_UI}/oauth2/token`, () => jsonResponse(200, { ...tokens, refresh_token: 'ROTATED-by-cognito' }));
    const next = ((await (await postForm(h.handler, '/token', refreshForm(sealed))).json()) as { refresh_token: string }).refresh_token;
    h.upstream.on(`${HOSTED_UI}/oauth2/token`, () => jsonResponse(200, { access_token: 'a', token_type: 'Bearer', expires_in: 3600 }));
    h.upstream.sent = [];
    const res = await postForm(h.handler, '/token', refreshForm(next));
    expect(new URLSearchParams(h.upstream.sent[0]!.body).get('refresh_token')).toBe('ROTATED-by-cognito');
    // Cognito without rotation answers no refresh token: the façade still answers a new sealed one.
    expect(((await res.json()) as { refresh_token: string }).refresh_token).toMatch(/^mcfr1\./);
  });

  it('refuses a sealed token presented by another client, from another façade, or altered', async () => {
    const h = harness();
    const sealed = await sealedRefresh(h);
    h.upstream.sent = [];
    const docClient = 'https://client.example/meta.json';
    await expectOAuthError(await postForm(h.handler, '/token', refreshForm(sealed, docClient)), 400, 'invalid_grant');
    const other = harness({ signingKey: 'another-facade-signing-key-0123456789abcdef' });
    await expectOAuthError(await postForm(other.handler, '/token', refreshForm(sealed)), 400, 'invalid_grant');
    const altered = sealed.slice(0, 20) + (sealed[20] === 'A' ? 'B' : 'A') + sealed.slice(21);
    await expectOAuthError(await postForm(h.handler, '/token', refreshForm(altered)), 400, 'invalid_grant');
    expect(h.upstream.sent).toEqual([]);
    expect(other.upstream.sent).toEqual([]);
  });

  it('a signing key moved to the previous keys still opens the tokens it sealed', async () => {
    const h = harness();
    const sealed = await sealedRefresh(h);
    const rotated = harness({ signingKey: 'the-next-signing-key-0123456789-abcdefghij', previousSigningKeys: [SIGNING_KEY] });
    expect((await postForm(rotated.handler, '/token', refreshForm(sealed))).status).toBe(200);
  });

  it('a refresh that never reached Cognito does not spend the sealed token', async () => {
    const h = harness();
    const sealed = await sealedRefresh(h);
    const route = h.upstream.routes.get(`${HOSTED_UI}/oauth2/token`)!;
    h.upstream.routes.clear();
    await expectOAuthError(await postForm(h.handler, '/token', refreshForm(sealed)), 502, 'temporarily_unavailable');
    h.upstream.on(`${HOSTED_UI}/oauth2/token`, route);
    expect((await postForm(h.handler, '/token', refreshForm(sealed))).status).toBe(200);
  });

  it('answers no refresh token when Cognito gave none', async () => {
    const h = harness();
    h.upstream.on(`${HOSTED_UI}/oauth2/token`, () => jsonResponse(200, { access_token: 'a', id_token: 'i', token_type: 'Bearer', expires_in: 3600 }));
    const code = await codeFor(h);
    expect(await (await postForm(h.handler, '/token', exchange(code))).json()).not.toHaveProperty('refresh_token');
  });
});

describe('POST /revoke with sealed refresh tokens', () => {
  it("revokes the Cognito token inside a sealed one; a raw token is answered 200 without lending the secret (RFC 7009 §2.2)", async () => {
    const h = harness();
    h.upstream.on(`${HOSTED_UI}/oauth2/revoke`, () => new Response(null, { status: 200 }));
    const sealed = await sealedRefresh(h);
    h.upstream.sent = [];
    expect((await postForm(h.handler, '/revoke', { token: tokens.refresh_token, client_id: CLIENT_ID })).status).toBe(200);
    expect(h.upstream.sent).toEqual([]);
    expect((await postForm(h.handler, '/revoke', { token: sealed, token_type_hint: 'refresh_token', client_id: CLIENT_ID })).status).toBe(200);
    expect(h.upstream.sent.map((s) => [s.url, s.body])).toEqual([[`${HOSTED_UI}/oauth2/revoke`, `token=${tokens.refresh_token}&client_id=${CLIENT_ID}&token_type_hint=refresh_token`]]);
    // Revoked: refreshing with it is refused here too.
    await expectOAuthError(await postForm(h.handler, '/token', refreshForm(sealed)), 400, 'invalid_grant');
  });
});
