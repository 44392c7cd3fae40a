/**
 * The façade with Copilot Studio allowed (facade deploy|serve --copilot-studio): its consent
 * redirects https://global.consent.azure-apim.net/redirect/<tool id> (SmartBear/smartbear-mcp#463)
 * are accepted at /register and /authorize alike (tableau/tableau-mcp#866: accepted at one and
 * refused at the other), exactly spelled, and carried through the signed state to the redirect
 * back; look-alikes are refused at both; without the setting they stay refused ("redirect URI host
 * … is not whitelisted": Teamwork/mcp#67). A registration asking for a secret-based method gets a
 * secret the façade mints (pantalytics/odoo-mcp-pro PR #57) and /token verifies; never Cognito's.
 */
import { describe, expect, it } from 'vitest';
import { CLIENT_ID, CLIENT_SECRET, VERIFIER, authorizeQuery, callback, expectOAuthError, get, harness, postForm, postJson, start } from './helpers.js';

const TOOL = 'https://global.consent.azure-apim.net/redirect/cr938-5fsmartbear-20zephyr-20mcp-5f43bcb8573bc3e84';
const copilot = () => harness({ allowedRedirectUris: [], copilotStudio: true });

const LOOK_ALIKES: [string, string][] = [
  ['another host ending like it', 'https://global.consent.azure-apim.net.evil.example/redirect/cr1-5fx'],
  ['user info before another host', 'https://global.consent.azure-apim.net@evil.example/redirect/x'],
  ['user info on the host', 'https://user@global.consent.azure-apim.net/redirect/x'],
  ['another path', 'https://global.consent.azure-apim.net/other/cr1-5fx'],
  ['http', 'http://global.consent.azure-apim.net/redirect/cr1-5fx'],
  ['a port', 'https://global.consent.azure-apim.net:8443/redirect/cr1-5fx'],
  ['an encoded dot segment', 'https://global.consent.azure-apim.net/redirect/%2e%2e/evil'],
  ['a dot segment', 'https://global.consent.azure-apim.net/redirect/../evil'],
  ['an empty tool id', 'https://global.consent.azure-apim.net/redirect/'],
  ['a query', 'https://global.consent.azure-apim.net/redirect/cr1-5fx?next=https://evil.example'],
  ['a fragment', 'https://global.consent.azure-apim.net/redirect/cr1-5fx#frag'],
  ['upper-case host', 'https://GLOBAL.consent.azure-apim.net/redirect/cr1-5fx'],
  ['a sub-host', 'https://evil.global.consent.azure-apim.net/redirect/cr1-5fx'],
];

describe('Copilot Studio consent redirects (--copilot-studio)', () => {
  it('registers a tool-specific consent redirect as a public client, and /authorize accepts that very URI and returns to it with its path', async () => {
    const h = copilot();
    const reg = await postJson(h.handler, '/register', { client_name: 'Copilot Studio', redirect_uris: [TOOL], grant_types: ['authorization_code', 'refresh_token'], response_types: ['code'] });
    expect(reg.status).toBe(201);
    const client = (await reg.json()) as Record<string, unknown>;
    expect(client).toMatchObject({ client_id: CLIENT_ID, token_endpoint_auth_method: 'none', redirect_uris: [TOOL] });
    expect(client).not.toHaveProperty('client_secret');
    const s = await start(h, { redirect_uri: TOOL, resource: 'https://facade.example.com/mcp' });
    expect(s.cognitoUrl.searchParams.get('redirect_uri')).toBe('https://facade.example.com/callback');
    const back = await callback(h, s);
    expect(back.status).toBe(302);
    const location = new URL(back.headers.get('location')!);
    expect(`${location.origin}${location.pathname}`).toBe(TOOL);
    expect(location.searchParams.get('state')).toBe('client-state-123');
  });

  it.each(LOOK_ALIKES)('refuses %s at /register and at /authorize', async (_what, uri) => {
    const h = copilot();
    await expectOAuthError(await postJson(h.handler, '/register', { redirect_uris: [uri] }), 400, 'invalid_redirect_uri');
    await expectOAuthError(await get(h.handler, authorizeQuery({ redirect_uri: uri })), 400, 'invalid_request');
  });

  it('without --copilot-studio the consent host stays refused at both, saying what allows it', async () => {
    const h = harness({ allowedRedirectUris: [] });
    const reg = await expectOAuthError(await postJson(h.handler, '/register', { redirect_uris: [TOOL] }), 400, 'invalid_redirect_uri');
    expect(reg.error_description).toMatch(/--copilot-studio/);
    await expectOAuthError(await get(h.handler, authorizeQuery({ redirect_uri: TOOL })), 400, 'invalid_request');
    const meta = (await (await get(h.handler, '/.well-known/oauth-authorization-server')).json()) as { token_endpoint_auth_methods_supported: string[] };
    expect(meta.token_endpoint_auth_methods_supported).toEqual(['none']);
  });

  it.each(['client_secret_post', 'client_secret_basic'])('asked for %s, mints a secret (not Cognito\'s) that /token verifies; a wrong one is invalid_client', async (method) => {
    const h = copilot();
    const reg = await postJson(h.handler, '/register', { redirect_uris: [TOOL], token_endpoint_auth_method: method });
    const client = (await reg.json()) as { client_id: string; client_secret: string; client_secret_expires_at: number; token_endpoint_auth_method: string };
    expect(client).toMatchObject({ client_id: CLIENT_ID, token_endpoint_auth_method: method, client_secret_expires_at: 0 });
    expect(client.client_secret).toBeTruthy();
    expect(client.client_secret).not.toContain(CLIENT_SECRET);
    const meta = (await (await get(h.handler, '/.well-known/oauth-authorization-server')).json()) as { token_endpoint_auth_methods_supported: string[] };
    expect(meta.token_endpoint_auth_methods_supported).toEqual(['none', 'client_secret_post', 'client_secret_basic']);

    const exchange = async (secret: string) => {
      const s = await start(h, { redirect_uri: TOOL });
      const code = new URL((await callback(h, s)).headers.get('location')!).searchParams.get('code')!;
      const form = { grant_type: 'authorization_code', code, redirect_uri: TOOL, code_verifier: VERIFIER };
      return method === 'client_secret_post'
        ? postForm(h.handler, '/token', { ...form, client_id: client.client_id, client_secret: secret })
        : postForm(h.handler, '/token', form, { authorization: `Basic ${Buffer.from(`${client.client_id}:${encodeURIComponent(secret)}`).toString('base64')}` });
    };
    expect((await exchange(client.client_secret)).status).toBe(200);
    // What reached Cognito carries the app client's own secret, never the minted one.
    const toCognito = h.upstream.sent.at(-1)!;
    expect(toCognito.headers.authorization).toBe(`Basic ${Buffer.from(`${CLIENT_ID}:${CLIENT_SECRET}`).toString('base64')}`);
    expect(toCognito.body).not.toContain(encodeURIComponent(client.client_secret));
    const sentBefore = h.upstream.sent.length;
    await expectOAuthError(await exchange(`${client.client_secret.slice(0, -2)}xx`), 401, 'invalid_client');
    await expectOAuthError(await exchange(CLIENT_SECRET), 401, 'invalid_client');
    expect(h.upstream.sent.length).toBe(sentBefore);
  });

  it('a secret from a façade with another signing key is refused', async () => {
    const other = harness({ allowedRedirectUris: [], copilotStudio: true, signingKey: 'another-signing-key-0123456789-abcdefghijkl' });
    const foreign = ((await (await postJson(other.handler, '/register', { redirect_uris: [TOOL], token_endpoint_auth_method: 'client_secret_post' })).json()) as { client_secret: string }).client_secret;
    const h = copilot();
    const s = await start(h, { redirect_uri: TOOL });
    const code = new URL((await callback(h, s)).headers.get('location')!).searchParams.get('code')!;
    const res = await postForm(h.handler, '/token', { grant_type: 'authorization_code', code, redirect_uri: TOOL, code_verifier: VERIFIER, client_id: CLIENT_ID, client_secret: foreign });
    await expectOAuthError(res, 401, 'invalid_client');
  });

  it('serves both documents path-inserted and path-appended', async () => {
    const h = copilot();
    const prm = await (await get(h.handler, '/.well-known/oauth-protected-resource')).text();
    const asm = await (await get(h.handler, '/.well-known/oauth-authorization-server')).text();
    for (const path of ['/.well-known/oauth-protected-resource/mcp', '/mcp/.well-known/oauth-protected-resource']) expect(await (await get(h.handler, path)).text()).toBe(prm);
    for (const path of ['/.well-known/oauth-authorization-server/mcp', '/mcp/.well-known/oauth-authorization-server']) expect(await (await get(h.handler, path)).text()).toBe(asm);
  });
});
