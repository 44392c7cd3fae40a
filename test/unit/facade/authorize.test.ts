import { describe, expect, it } from 'vitest';
import { createHmac } from 'node:crypto';
import {
  CHALLENGE, CLAUDE_AI, CLIENT_ID, COPILOT, HOSTED_UI, LOOPBACK, PUBLIC, SIGNING_KEY,
  authorizeQuery, callback, cookiePair, expectOAuthError, get, harness, start,
} from './helpers.js';

describe('GET /authorize', () => {
  it('redirects to Cognito with the app client, the façade callback, a signed state and the PKCE challenge', async () => {
    const h = harness();
    const res = await get(h.handler, authorizeQuery({ scope: 'openid email offline_access', resource: `${PUBLIC}/mcp`, nonce: 'n-1' }));
    expect(res.status).toBe(302);
    const to = new URL(res.headers.get('location')!);
    expect(`${to.origin}${to.pathname}`).toBe(`${HOSTED_UI}/oauth2/authorize`);
    expect(Object.fromEntries(to.searchParams)).toEqual({
      response_type: 'code',
      client_id: CLIENT_ID,
      redirect_uri: `${PUBLIC}/callback`,
      state: expect.stringMatching(/^[\w-]+\.[\w-]{43}$/),
      code_challenge: CHALLENGE,
      code_challenge_method: 'S256',
      // offline_access is no Cognito scope; the resource indicator names the façade, not a Cognito resource server.
      scope: 'openid email',
      nonce: 'n-1',
    });
    expect(to.searchParams.get('state')).not.toContain('client-state-123');
    expect(res.headers.get('cache-control')).toBe('no-store');
    expect(res.headers.get('referrer-policy')).toBe('no-referrer');
    const cookie = res.headers.getSetCookie();
    expect(cookie).toHaveLength(1);
    expect(cookie[0]).toMatch(/^__Host-mcp-facade-[\w-]{22}=1; Path=\/; Max-Age=600; HttpOnly; SameSite=Lax; Secure$/);
  });

  it.each([
    ['localhost, any port', 'http://localhost:53682/callback'],
    ['127.0.0.1', 'http://127.0.0.1:1/cb?x=1'],
    ['[::1]', 'http://[::1]:33418/'],
    ["claude.ai's callback (allow-listed)", CLAUDE_AI],
    ["Copilot Studio's consent redirect (allow-listed)", COPILOT],
  ])('accepts a redirect URI on %s', async (_what, uri) => {
    const h = harness();
    expect((await get(h.handler, authorizeQuery({ redirect_uri: uri }))).status).toBe(302);
  });

  it.each([
    ['an https URL not on the allow-list', 'https://evil.example/callback'],
    ['http on a public host', 'http://evil.example:8080/callback'],
    ['a host hidden behind user info', 'http://127.0.0.1@evil.example/callback'],
    ['user info on a loopback URL', 'http://user:pw@127.0.0.1:9000/callback'],
    ['a fragment', 'http://127.0.0.1:9000/callback#frag'],
    ['an allow-listed URL with a trailing slash added', `${CLAUDE_AI}/`],
    ['an allow-listed URL in plain http', CLAUDE_AI.replace('https:', 'http:')],
    ['a private-use scheme', 'cursor://anysphere.cursor-retrieval/oauth/callback'],
    ['javascript:', 'javascript:alert(1)'],
    ['a relative URL', '/callback'],
    ['a lookalike loopback host', 'http://127.0.0.1.evil.example/callback'],
  ])('refuses a redirect URI with %s (400, no redirect)', async (_what, uri) => {
    const h = harness();
    const body = await expectOAuthError(await get(h.handler, authorizeQuery({ redirect_uri: uri })), 400, 'invalid_request');
    expect(body.error_description).toMatch(/redirect_uri/);
  });

  it.each([
    ['a missing challenge', { code_challenge: undefined }],
    ['method plain', { code_challenge_method: 'plain' }],
    ['no method (plain by default, RFC 7636 §4.3)', { code_challenge_method: undefined }],
    ['a challenge too short for S256', { code_challenge: 'abc' }],
    ['a challenge with characters outside base64url', { code_challenge: `${CHALLENGE.slice(0, 42)}=` }],
  ])('refuses PKCE with %s', async (_what, over) => {
    const h = harness();
    const body = await expectOAuthError(await get(h.handler, authorizeQuery(over)), 400, 'invalid_request');
    expect(body.error_description).toMatch(/code_challenge/);
    expect(h.upstream.sent).toEqual([]);
  });

  it('refuses an unknown client_id, a missing one, and response_type token', async () => {
    const h = harness();
    await expectOAuthError(await get(h.handler, authorizeQuery({ client_id: 'someone-else' })), 400, 'invalid_client');
    await expectOAuthError(await get(h.handler, authorizeQuery({ client_id: undefined })), 400, 'invalid_request');
    await expectOAuthError(await get(h.handler, authorizeQuery({ redirect_uri: undefined })), 400, 'invalid_request');
    await expectOAuthError(await get(h.handler, authorizeQuery({ response_type: 'token' })), 400, 'unsupported_response_type');
  });

  it('refuses a resource indicator for another resource, a repeated parameter and an oversized state', async () => {
    const h = harness();
    await expectOAuthError(await get(h.handler, authorizeQuery({ resource: 'https://other.example/mcp' })), 400, 'invalid_target');
    await expectOAuthError(await get(h.handler, `${authorizeQuery()}&redirect_uri=${encodeURIComponent('https://evil.example/cb')}`), 400, 'invalid_request');
    await expectOAuthError(await get(h.handler, authorizeQuery({ state: 'x'.repeat(513) })), 400, 'invalid_request');
  });

  it('uses a cookie without the __Host- prefix or Secure on a loopback http façade', async () => {
    const h = harness({ publicUrl: 'http://127.0.0.1:8080' });
    const s = await start(h);
    expect(s.setCookie).toMatch(/^mcp-facade-[\w-]{22}=1; Path=\/; Max-Age=600; HttpOnly; SameSite=Lax$/);
    expect(s.cognitoUrl.searchParams.get('redirect_uri')).toBe('http://127.0.0.1:8080/callback');
  });
});

describe('GET /callback', () => {
  it("redirects to the client's redirect URI with a wrapped code, the client's state and iss, and clears the cookie", async () => {
    const h = harness();
    const s = await start(h);
    const res = await callback(h, s, 'cognito-code-1');
    expect(res.status).toBe(302);
    const to = new URL(res.headers.get('location')!);
    expect(`${to.origin}${to.pathname}`).toBe(LOOPBACK);
    expect(to.searchParams.get('state')).toBe('client-state-123');
    expect(to.searchParams.get('iss')).toBe(PUBLIC);
    const code = to.searchParams.get('code')!;
    expect(code).not.toBe('cognito-code-1');
    expect(code).toMatch(/^[\w-]+\.[\w-]{43}$/);
    expect(res.headers.getSetCookie()).toEqual([`${s.cookie.split('=')[0]}=; Path=/; Max-Age=0; HttpOnly; SameSite=Lax; Secure`]);
    expect(res.headers.get('referrer-policy')).toBe('no-referrer');
  });

  it("keeps the client's redirect URI query and omits state when the client sent none", async () => {
    const h = harness();
    const s = await start(h, { redirect_uri: 'http://127.0.0.1:7777/cb?session=abc', state: undefined });
    const to = new URL((await callback(h, s)).headers.get('location')!);
    expect(to.searchParams.get('session')).toBe('abc');
    expect(to.searchParams.has('state')).toBe(false);
  });

  it("passes Cognito's error (access_denied) to the client", async () => {
    const h = harness();
    const s = await start(h);
    const res = await get(h.handler, `/callback?${new URLSearchParams({ error: 'access_denied', error_description: 'User cancelled', state: s.state })}`, { cookie: s.cookie });
    const to = new URL(res.headers.get('location')!);
    expect(Object.fromEntries(to.searchParams)).toEqual({ error: 'access_denied', error_description: 'User cancelled', state: 'client-state-123', iss: PUBLIC });
  });

  it('refuses a forged state (signed with another key)', async () => {
    const h = harness();
    const s = await start(h);
    const body = s.state.split('.')[0]!;
    const forged = `${body}.${createHmac('sha256', 'another-key-0123456789-0123456789-abc').update(`mcp-cognito-facade/v1/state.${body}`).digest('base64url')}`;
    await expectOAuthError(await callback(h, { state: forged, cookie: s.cookie }), 400, 'invalid_request');
  });

  it('refuses a tampered state (redirect URI swapped, signature kept)', async () => {
    const h = harness();
    const s = await start(h);
    const [body, mac] = s.state.split('.');
    const payload = JSON.parse(Buffer.from(body!, 'base64url').toString());
    payload.r = 'https://evil.example/steal';
    const tampered = `${Buffer.from(JSON.stringify(payload)).toString('base64url')}.${mac}`;
    await expectOAuthError(await callback(h, { state: tampered, cookie: s.cookie }), 400, 'invalid_request');
  });

  it('refuses an expired state and one from the future beyond the clock skew; accepts skew within 60 s', async () => {
    const h = harness();
    const s = await start(h);
    h.clock.now += 600_001;
    expect((await expectOAuthError(await callback(h, s), 400, 'invalid_request')).error_description).toMatch(/expired/);

    const late = await start(h);
    h.clock.now -= 61_000;
    expect((await expectOAuthError(await callback(h, late), 400, 'invalid_request')).error_description).toMatch(/future/);

    const skewed = await start(h);
    h.clock.now -= 59_000;
    expect((await callback(h, skewed)).status).toBe(302);
  });

  it('refuses a replayed state: the cookie is gone after first use, and another browser never had it', async () => {
    const h = harness();
    const s = await start(h);
    expect((await callback(h, s)).status).toBe(302);
    // The browser applied Max-Age=0: the second visit carries no cookie.
    const replay = await callback(h, { state: s.state, cookie: '' }, 'cognito-code-2');
    expect((await expectOAuthError(replay, 400, 'invalid_request')).error_description).toMatch(/already used|another browser/);
    // A cookie for another flow does not unlock this state.
    const other = await start(h);
    await expectOAuthError(await callback(h, { state: s.state, cookie: other.cookie }), 400, 'invalid_request');
  });

  it('re-checks the redirect URI: a state signed while a URI was allowed is refused once it is not', async () => {
    const before = harness();
    const s = await start(before, { redirect_uri: CLAUDE_AI });
    const after = harness({ allowedRedirectUris: [COPILOT] });
    const body = await expectOAuthError(await callback(after, s), 400, 'invalid_request');
    expect(body.error_description).toMatch(/redirect_uri/);
  });

  it('refuses a code envelope presented as state, a missing state, and a callback with neither code nor error', async () => {
    const h = harness();
    const s = await start(h);
    const code = new URL((await callback(h, s)).headers.get('location')!).searchParams.get('code')!;
    const s2 = await start(h);
    await expectOAuthError(await callback(h, { state: code, cookie: s2.cookie }), 400, 'invalid_request');
    await expectOAuthError(await get(h.handler, '/callback?code=x', { cookie: s2.cookie }), 400, 'invalid_request');
    await expectOAuthError(await get(h.handler, `/callback?state=${encodeURIComponent(s2.state)}`, { cookie: s2.cookie }), 400, 'invalid_request');
  });

  it('accepts a state signed with a previous key during rotation, and signs with the new one', async () => {
    const old = harness();
    const s = await start(old);
    const rotated = harness({ signingKey: 'the-new-signing-key-0123456789-abcdefgh', previousSigningKeys: [SIGNING_KEY] });
    expect((await callback(rotated, s)).status).toBe(302);
    const fresh = await start(rotated);
    expect((await callback(old, fresh)).status).toBe(400);
  });

  it('sends the cookie name in the Set-Cookie that /authorize made', async () => {
    const h = harness();
    const s = await start(h);
    expect(cookiePair(s.setCookie)).toBe(s.cookie);
    expect(s.state.length).toBeLessThan(400);
  });
});
