import { Readable } from 'node:stream';
import { describe, expect, it } from 'vitest';
import { cleanToken, decodeJwt, readStdin, tokenChecks } from '../../src/doctor/token.js';
import { InputError } from '../../src/lib/errors.js';
import { accessToken, makeJwt } from '../fixtures/fake-oauth-server.js';

const POOL = 'us-east-1_AbC123xyz';
const ISS = `https://cognito-idp.us-east-1.amazonaws.com/${POOL}`;
const JWT = { discoveryUrl: `${ISS}/.well-known/openid-configuration`, allowedClients: ['allowed1'], allowedScopes: ['mcp/invoke'] };
const NOW = Date.UTC(2026, 0, 1);
const tok = (o: Partial<{ clientId: string; scope: string; now: number; expiresIn: number; poolId: string }> = {}) =>
  accessToken({ region: 'us-east-1', poolId: o.poolId ?? POOL, clientId: o.clientId ?? 'allowed1', scope: o.scope ?? 'mcp/invoke', now: o.now ?? NOW, expiresIn: o.expiresIn });
const status = (checks: { id: string; status: string }[]) => Object.fromEntries(checks.map((c) => [c.id, c.status]));

describe('decodeJwt / cleanToken', () => {
  it('decodes header and claims without a secret', () => {
    const d = decodeJwt(tok());
    expect(d.header).toMatchObject({ alg: 'RS256' });
    expect(d.claims).toMatchObject({ token_use: 'access', client_id: 'allowed1', scope: 'mcp/invoke', iss: ISS });
  });

  it('accepts what people paste: Bearer, Authorization:, quotes, a token response', () => {
    const t = tok();
    expect(cleanToken(`Bearer ${t}`)).toBe(t);
    expect(cleanToken(`Authorization: Bearer ${t}\n`)).toBe(t);
    expect(cleanToken(`"${t}"`)).toBe(t);
    expect(cleanToken(JSON.stringify({ id_token: 'x.y.z', access_token: t, token_type: 'Bearer' }))).toBe(t);
    expect(cleanToken(JSON.stringify({ id_token: 'x.y.z', access_token: t, refresh_token: 'r.e.f' }, null, 2))).toBe(t);
    expect(cleanToken(`access_token=${t}&refresh_token=REFRESH&token_type=Bearer`)).toBe(t);
    expect(cleanToken(`https://app.example.com/cb#id_token=x.y.z&access_token=${t}&expires_in=3600`)).toBe(t);
    expect(cleanToken(cleanToken(`Bearer ${t}`))).toBe(t);
  });

  it('rejects a non-JWT with exit 2 and never quotes the input', () => {
    const secretish = 'abc.def';
    expect(() => decodeJwt(secretish)).toThrow(InputError);
    try {
      decodeJwt('not-a-token-but-maybe-a-secret');
    } catch (e) {
      expect((e as Error).message).not.toContain('maybe-a-secret');
    }
    expect(() => decodeJwt('eyJub3QganNvbg.eyJub3QganNvbg.sig')).toThrow(/not base64url-encoded JSON/);
  });

  it('reads - from stdin', async () => {
    const t = tok();
    expect(await readStdin(Readable.from([`  ${t}\n`]))).toBe(t);
  });
});

describe('tokenChecks', () => {
  const run = (t: string, extra = {}) => tokenChecks(decodeJwt(t), { prefix: 'token', now: NOW + 60_000, region: 'us-east-1', poolId: POOL, gatewayId: 'gw-abc1234567', jwt: JWT, ...extra });

  it('passes a valid access token of an allowed client', () => {
    expect(status(run(tok()))).toEqual({ 'token.decode': 'pass', 'token.use': 'pass', 'token.expiry': 'pass', 'token.issuer': 'pass', 'token.client': 'pass', 'token.scope': 'pass', 'token.audience': 'pass', 'token.claims': 'pass' });
  });

  it('fails a client the gateway does not allow, with authorize-client', () => {
    const c = run(tok({ clientId: 'other9' })).find((x) => x.id === 'token.client')!;
    expect(c).toMatchObject({ status: 'fail', fix: 'mcp-cognito authorize-client --gateway-id gw-abc1234567 --client-id other9' });
  });

  it('fails an ID token (and does not blame the client/scope rules for it)', () => {
    const id = makeJwt({ token_use: 'id', aud: 'allowed1', iss: ISS, exp: NOW / 1000 + 3600 });
    expect(status(run(id))).toMatchObject({ 'token.use': 'fail', 'token.client': 'skip', 'token.scope': 'skip', 'token.audience': 'skip' });
  });

  it('fails an expired token, saying when', () => {
    const c = run(tok({ now: NOW - 2 * 3600_000 })).find((x) => x.id === 'token.expiry')!;
    expect(c.status).toBe('fail');
    expect(c.title).toBe('The token expired 61 min ago');
    expect(c.detail).toMatch(/expired at 2025-12-31T23:00:00.000Z/);
  });

  it('fails a token of another pool (iss) and a scope outside allowedScopes', () => {
    const r = status(run(tok({ poolId: 'us-east-1_Other1', scope: 'openid email' })));
    expect(r).toMatchObject({ 'token.issuer': 'fail', 'token.scope': 'fail' });
  });

  it('fails allowedAudience: Cognito access tokens have no aud', () => {
    const c = run(tok(), { jwt: { ...JWT, allowedAudience: ['allowed1'] } }).find((x) => x.id === 'token.audience')!;
    expect(c.status).toBe('fail');
    expect(c.detail).toMatch(/no aud/);
  });

  it('offline: decodes and checks expiry; gateway comparisons are skipped with the reason', () => {
    const r = tokenChecks(decodeJwt(tok()), { prefix: 'token', now: NOW, gatewayUnavailable: 'offline' });
    expect(status(r)).toEqual({ 'token.decode': 'pass', 'token.use': 'pass', 'token.expiry': 'pass', 'token.issuer': 'skip', 'token.client': 'skip', 'token.scope': 'skip', 'token.audience': 'skip', 'token.claims': 'skip' });
  });

  it("checks the gateway's custom claims: EQUALS, CONTAINS and CONTAINS_ANY against the token", () => {
    const rule = (name: string, type: string, op: string, value: string | string[]) => ({ inboundTokenClaimName: name, inboundTokenClaimValueType: type, authorizingClaimMatchValue: { claimMatchOperator: op, claimMatchValue: Array.isArray(value) ? { matchValueStringList: value } : { matchValueString: value } } });
    const t = makeJwt({ token_use: 'access', client_id: 'allowed1', scope: 'mcp/invoke', iss: ISS, exp: NOW / 1000 + 3600, 'cognito:groups': ['admins', 'users'], tenant: 'acme' });
    const claims = (rules: object[]) => run(t, { jwt: { ...JWT, customClaims: rules } }).find((x) => x.id === 'token.claims')!;
    expect(claims([rule('tenant', 'STRING', 'EQUALS', 'acme'), rule('cognito:groups', 'STRING_ARRAY', 'CONTAINS', 'admins'), rule('cognito:groups', 'STRING_ARRAY', 'CONTAINS_ANY', ['x', 'users'])]).status).toBe('pass');
    const missing = claims([rule('department', 'STRING', 'EQUALS', 'eng')]);
    expect(missing).toMatchObject({ status: 'fail', title: 'The token lacks a claim the gateway requires', detail: expect.stringMatching(/department equals "eng"; the token has no department claim/) });
    expect(claims([rule('tenant', 'STRING', 'EQUALS', 'other')]).detail).toMatch(/tenant="acme"/);
    expect(claims([rule('cognito:groups', 'STRING_ARRAY', 'CONTAINS_ANY', ['x', 'y'])]).status).toBe('fail');
  });

  it('an issuer that differs from the gateway\'s discovery URL explains the 403 insufficient_scope although the scope matches', () => {
    const c = run(tok({ poolId: 'us-east-1_Other1' })).find((x) => x.id === 'token.issuer')!;
    expect(c).toMatchObject({ status: 'fail', detail: expect.stringMatching(/403 insufficient_scope even when the scope matches/) });
    expect(run(tok({ poolId: 'us-east-1_Other1' })).find((x) => x.id === 'token.scope')!.status).toBe('pass');
  });

  it('never puts the token into any check', () => {
    const t = tok();
    const text = JSON.stringify(run(t));
    expect(text).not.toContain(t.split('.')[1]!);
    expect(text).not.toContain(t.split('.')[2]!);
  });
});
