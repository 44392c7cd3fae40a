import { readFileSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { CATALOGUE, referencedChecks } from '../../src/doctor/catalogue.js';
import { matchSymptom, rankCauses, symptomChecks } from '../../src/doctor/match.js';
import { CONFIG_CHECK_IDS } from '../../src/doctor/checks/index.js';
import { PROBE_IDS } from '../../src/doctor/probes.js';
import type { Check } from '../../src/doctor/types.js';

const TOKEN_IDS = ['decode', 'use', 'expiry', 'issuer', 'client', 'scope', 'audience', 'claims'];
const ALL_CHECK_IDS = new Set([...CONFIG_CHECK_IDS, ...PROBE_IDS, ...TOKEN_IDS.flatMap((t) => [`token.${t}`, `probe.token.${t}`])]);
const best = (text: string) => matchSymptom(text)[0]?.entry.id;

describe('the catalogue (data)', () => {
  it('covers every known symptom row (A1-A8, T1-T6, G1-G8, O1-O3, C1-C8, F1-F5)', () => {
    const rows = [...'12345678'.split('').map((n) => `A${n}`), ...'123456'.split('').map((n) => `T${n}`), ...'12345678'.split('').map((n) => `G${n}`), 'O1', 'O2', 'O3', ...'12345678'.split('').map((n) => `C${n}`), ...'12345'.split('').map((n) => `F${n}`)];
    const covered = new Set(CATALOGUE.flatMap((e) => e.rows));
    expect(rows.filter((r) => !covered.has(r))).toEqual([]);
  });

  it('has unique ids and public names, patterns, causes with a way to confirm and something to do', () => {
    expect(new Set(CATALOGUE.map((e) => e.id)).size).toBe(CATALOGUE.length);
    expect(new Set(CATALOGUE.map((e) => e.key)).size).toBe(CATALOGUE.length);
    const causeIds = CATALOGUE.flatMap((e) => e.causes.map((c) => c.id));
    expect(new Set(causeIds).size).toBe(causeIds.length);
    const causeKeys = CATALOGUE.flatMap((e) => e.causes.map((c) => c.key));
    expect(new Set(causeKeys).size).toBe(causeKeys.length);
    for (const k of [...CATALOGUE.map((e) => e.key), ...causeKeys]) expect(k).toMatch(/^[a-z0-9]+(-[a-z0-9]+)+$/);
    for (const e of CATALOGUE) {
      expect(e.patterns.length, e.id).toBeGreaterThan(0);
      expect(e.causes.length, e.id).toBeGreaterThan(0);
      expect(e.strings.length, e.id).toBeGreaterThan(0);
      for (const c of e.causes) {
        expect(c.fix || c.todo, c.id).toBeTruthy();
        if (c.fix) expect(c.fix, c.id).toMatch(/^mcp-cognito /);
        expect(c.confirm, c.id).toBeTruthy();
      }
      // A pattern that points at a cause names one of this entry's causes.
      for (const p of e.patterns) for (const c of p.causes ?? []) expect(e.causes.map((x) => x.id), `${e.id} ${p.re}`).toContain(c);
    }
  });

  it('shows users no internal code: no row ids, no trust tags, no references to a table or guide', () => {
    const shown = CATALOGUE.flatMap((e) => [e.title, e.where, e.correction ?? '', e.note ?? '', ...e.strings, ...e.causes.flatMap((c) => [c.text, c.confirm, c.fix ?? '', c.todo ?? ''])]);
    const internal = /\b[ATGOCFP]\d+[a-z]?\b|\[[CR?]\]|G1-G7|original (troubleshooting )?table|the guide|\bStep \d/;
    expect(shown.filter((t) => internal.test(t))).toEqual([]);
  });

  it('refers only to checks that exist', () => {
    expect(referencedChecks().filter((id) => !ALL_CHECK_IDS.has(id))).toEqual([]);
  });

  it('is plain data: catalogue.ts imports nothing', () => {
    const src = readFileSync(new URL('../../src/doctor/catalogue.ts', import.meta.url), 'utf8');
    expect(src).not.toMatch(/^\s*import\s/m);
  });

  it('doctor modules never load src/aws at run time (only SDK-free rmw.js and types), so --offline needs no SDK', () => {
    const files = [
      ...(readdirSync(new URL('../../src/doctor/', import.meta.url), { recursive: true }) as string[]).filter((f) => f.endsWith('.ts')).map((f) => join('src/doctor', f)),
      'src/commands/doctor.ts',
    ];
    expect(files).toContain(join('src/doctor', 'checks', 'gateway.ts'));
    for (const f of files) {
      const src = readFileSync(new URL(`../../${f}`, import.meta.url), 'utf8');
      const runtime = [...src.matchAll(/^import\s+(?!type\b)[^;]*from\s+'([^']+)'/gm)].map((m) => m[1]!);
      expect(runtime.filter((m) => /\/aws\/(?!rmw\.js)/.test(m) || m.startsWith('@aws-sdk')), f).toEqual([]);
    }
    const rmw = readFileSync(new URL('../../src/aws/rmw.ts', import.meta.url), 'utf8');
    expect([...rmw.matchAll(/^import\s+(?!type\b).*$/gm)]).toEqual([]);
  });

  it('the checks, the token checks and the probes import no helper from one another (shared ones live in the kit)', () => {
    const dir = new URL('../../src/doctor/', import.meta.url);
    for (const f of ['token.ts', 'probes.ts', 'checks/pool.ts', 'checks/clients.ts', 'checks/gateway.ts', 'checks/targets.ts']) {
      const src = readFileSync(new URL(f, dir), 'utf8');
      const from = [...src.matchAll(/from\s+'([^']+)'/g)].map((m) => m[1]!);
      expect(from.filter((m) => /\/checks(\/(?!\.\.)|\.js)|^\.\/(pool|clients|gateway|targets)\.js/.test(m)), f).toEqual([]);
    }
  });

  it('binds each check id and title once: no check id is written twice in the source', () => {
    const dir = new URL('../../src/doctor/', import.meta.url);
    for (const f of ['checks/pool.ts', 'checks/clients.ts', 'checks/gateway.ts', 'checks/targets.ts', 'probes.ts', 'token.ts']) {
      const src = readFileSync(new URL(f, dir), 'utf8');
      const ids = [...src.matchAll(/'((?:pool|domain|users|client|resource-server|gateway|targets|probe)\.[a-z0-9.-]+)'/g)].map((m) => m[1]!);
      const twice = ids.filter((id, i) => ids.indexOf(id) !== i);
      expect(twice, f).toEqual([]);
    }
  });

  it("matches each entry's own strings to that entry", () => {
    for (const e of CATALOGUE) {
      for (const s of e.strings) {
        if (/^[<(]|no explicit error|gateway timeout|no error at update/i.test(s)) continue; // descriptions, not literal strings
        expect(matchSymptom(s).map((m) => m.entry.id), `${e.id}: ${s}`).toContain(e.id);
      }
    }
  });
});

describe('matchSymptom', () => {
  it.each([
    // The original troubleshooting table
    ['insufficient_scope', 'G1-G7'],
    ['invalid_scope', 'A2'],
    ['redirect_uri mismatch', 'A1'],
    ['unsupported_grant_type', 'T5'],
    ['Failed to fetch outbound oauth token', 'O1'],
    ['MCP protocol version', 'C6'],
    // The rest of cli.md's list
    ['unauthorized_client', 'A3'],
    ['{"error":"unauthorized_client"}', 'T2'],
    ['invalid_client', 'T1'],
    ['{"error": "invalid_grant"}', 'T3'],
    ['HTTP 401 {"jsonrpc":"2.0","id":0,"error":{"code":-32001,"message":"Invalid Bearer token"}}', 'G1-G7'],
    ['401 Unauthorized', 'G1-G7'],
    ["This site can't be reached", 'A4'],
    ['Login pages unavailable', 'A5'],
    ["Required String parameter 'redirect_uri' is not present", 'A6'],
    ['FORCE_CHANGE_PASSWORD', 'A7'],
    ['InvalidIssuer', 'G1-G7'],
    // Pasted forms
    ['https://mcp-x.auth.eu-west-1.amazoncognito.com/error?error=redirect_mismatch&client_id=abc', 'A1'],
    ['https://global.consent.azure-apim.net/redirect/x?error=invalid_scope&state=1', 'A2'],
    ['{\\"error\\":\\"invalid_scope\\"}', 'T4'],
    ['error%3Dredirect_mismatch', 'A1'],
    ['Incompatible auth server: does not support dynamic client registration', 'C1'],
    ['Unable to verify secret hash for client 1234', 'F2'],
    ['Authorizer type cannot be updated for an existing gateway', 'F3'],
    ["Let's get you connected first", 'C8'],
    ['A7', 'A7'],
    ['G5', 'G1-G7'],
    // A symptom's public name, and the new entries
    ['redirect-mismatch', 'A1'],
    ['gateway-rejects-token', 'G1-G7'],
    ['invalid_scope: offline_access is not a valid scope', 'T7'],
    ['Copilot Studio calls fail with 401 after an hour', 'C8'],
    // Copilot Studio Dynamic discovery, as reported (tableau/tableau-mcp#772, Teamwork/mcp#67, tableau/tableau-mcp#866)
    ['Failed to login. GetDynamicClientRegistrationResultAsync failed. Status Code: NotFound, Response: {"error":"not_found","error_description":"Cannot POST /register"}', 'C9'],
    ['GetDynamicClientRegistrationResultAsync failed. Status Code: BadRequest, Response: {"error":"invalid_redirect_uri","error_description":"redirect URI host \\"global.consent.azure-apim.net\\" is not whitelisted"}', 'C9'],
    ['redirect URI accepted at registration but rejected at /authorize: Invalid redirect URI', 'C9'],
    ['HTTP 403 insufficient_scope', 'G1-G7'],
    ['tools/call denied by policy', 'P1'],
  ])('%s → %s', (text, id) => {
    expect(best(text)).toBe(id);
  });

  it('points at causes from the text', () => {
    expect(matchSymptom('401 token expired')[0]!.boosted).toContain('G5');
    expect(matchSymptom('InvalidIssuer')[0]!.boosted).toContain('G4');
    expect(matchSymptom('insufficient_scope')[0]!.boosted).toEqual(['G1', 'G3']);
    expect(matchSymptom('HTTP 403 insufficient_scope although the scope matches')[0]!.boosted).toContain('G4');
  });

  it('matches nothing for unrelated text', () => {
    expect(matchSymptom('the weather is nice')).toEqual([]);
    expect(matchSymptom('   ')).toEqual([]);
  });
});

describe('rankCauses', () => {
  const g = CATALOGUE.find((e) => e.id === 'G1-G7')!;
  const ck = (id: string, status: Check['status'], detail = 'x'): Check => ({ id, status, title: id, detail, ...(status === 'fail' ? { fix: `fix ${id}` } : {}) });

  it('offline: every cause not checked, in catalogue order, text boosts first', () => {
    const r = rankCauses(g, undefined, ['G5']);
    expect(r.map((c) => c.id)).toEqual(['token-expired', 'client-not-allowed', 'audience-required', 'scope-rejected', 'issuer-differs', 'id-token-sent', 'wrong-auth-or-url', 'custom-claim-missing']);
    expect(r.every((c) => c.verdict === 'not-checked' && /^To confirm: /.test(c.evidence))).toBe(true);
  });

  it('confirmed before possible before not checked before ruled out; the failing check gives the fix', () => {
    const checks = [
      ck('gateway.allowed-clients@abc', 'pass'),
      ck('gateway.allowed-scopes@abc', 'warn', 'no allowedScopes'),
      ck('gateway.discovery-url', 'fail', 'names pool X'),
      ck('gateway.allowed-audience', 'pass'),
      ck('gateway.authorizer', 'pass'),
      ck('gateway.url', 'pass'),
    ];
    const r = rankCauses(g, checks);
    expect(r[0]).toMatchObject({ id: 'issuer-differs', verdict: 'confirmed', fix: 'fix gateway.discovery-url', checks: ['gateway.discovery-url'] });
    expect(r[0]!.evidence).toMatch(/gateway\.discovery-url: names pool X/);
    expect(r[1]).toMatchObject({ id: 'scope-rejected', verdict: 'possible' });
    expect(r.at(-1)!.verdict).toBe('ruled-out');
    expect(r.find((c) => c.id === 'client-not-allowed')!.verdict).toBe('ruled-out');
    // No token: an expired token or an ID token cannot be ruled out by configuration.
    expect(r.find((c) => c.id === 'token-expired')!.verdict).toBe('not-checked');
    expect(r.find((c) => c.id === 'id-token-sent')!.verdict).toBe('not-checked');
    // Nothing the user sees names a row of the catalogue.
    expect(JSON.stringify(r)).not.toMatch(/"G\d"/);
  });

  it('a cause that cannot apply is never ranked first: a gateway that checks no scope cannot reject one', () => {
    const checks = [
      ck('gateway.allowed-clients', 'pass'),
      ck('gateway.allowed-scopes', 'pass', 'The gateway checks no scope (allowedScopes is empty), so any token passes this rule.'),
      ck('gateway.discovery-url', 'pass'),
      ck('gateway.allowed-audience', 'pass'),
      ck('gateway.authorizer', 'pass'),
      ck('gateway.url', 'pass'),
    ];
    const r = rankCauses(g, checks, ['G1', 'G3']);
    expect(r.find((c) => c.id === 'scope-rejected')!.verdict).toBe('ruled-out');
    expect(r[0]!.id).not.toBe('scope-rejected');
    expect(r[0]!.verdict).not.toBe('ruled-out');
  });

  it('a skipped decisive check leaves the cause not checked, whatever side checks passed', () => {
    const a1 = CATALOGUE.find((e) => e.id === 'A1')!;
    const r = rankCauses(a1, [ck('client.redirect-uri', 'skip', 'No --redirect-uri given'), ck('probe.authorize', 'pass'), ck('client.callbacks', 'pass')]);
    const a1a = r.find((c) => c.id === 'redirect-url-missing')!;
    expect(a1a.verdict).toBe('not-checked');
    expect(a1a.evidence).toMatch(/Not checked: client.redirect-uri \(No --redirect-uri given\)\. Checked and fine, which does not settle it: probe.authorize; client.callbacks\./);
    expect(r[0]!.id).toBe('redirect-url-missing');
  });

  it('a cause a decoded token shows outranks one the configuration predicts', () => {
    const r = rankCauses(g, [ck('gateway.allowed-clients', 'fail'), ck('token.use', 'fail')]);
    expect(r.map((c) => c.id).slice(0, 2)).toEqual(['id-token-sent', 'client-not-allowed']);
  });

  it("lists a symptom's checks for the first phase", () => {
    expect(symptomChecks(CATALOGUE.find((e) => e.id === 'A1')!)).toEqual(['client.redirect-uri', 'probe.authorize', 'client.callbacks']);
  });
});

describe('rankCauses with specific evidence', () => {
  const a1 = CATALOGUE.find((e) => e.id === 'A1')!;
  const ck = (id: string, status: Check['status'], detail: string): Check => ({ id, status, title: id, detail, fix: `fix ${id}` });

  it('a trailing-slash near miss ranks A1b (exact-match difference) first', () => {
    const r = rankCauses(a1, [ck('client.redirect-uri', 'fail', 'X is not registered; the client has X/, which differs only by a trailing slash.'), ck('probe.authorize', 'fail', '→ /error?error=redirect_mismatch'), ck('client.callbacks', 'pass', 'ok')]);
    expect(r.slice(0, 2).map((c) => [c.id, c.verdict])).toEqual([
      ['redirect-url-near-miss', 'confirmed'],
      ['redirect-url-missing', 'confirmed'],
    ]);
  });

  it('a URL that is simply missing confirms A1a; A1b stays possible', () => {
    const r = rankCauses(a1, [ck('client.redirect-uri', 'fail', 'X is not in the CallbackURLs (Y).'), ck('client.callbacks', 'pass', 'ok')]);
    expect(r[0]).toMatchObject({ id: 'redirect-url-missing', verdict: 'confirmed' });
    expect(r.find((c) => c.id === 'redirect-url-near-miss')).toMatchObject({ verdict: 'possible', evidence: expect.stringMatching(/\(another problem\)/) });
  });
});
