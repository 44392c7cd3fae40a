/**
 * Issue 17, point 5 (unit): user info in URLs we store or redirect to, invisible and
 * bidirectional-control characters (Unicode Cf) in any input, an empty ID flag, a state file that
 * is not a regular file, the temporary files of a killed state write.
 */
import { execFileSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, readdirSync, utimesSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { ClientName, GatewayId, HttpsRedirectUrl, PoolName, RedirectUrl, check, problem, quote, redirectUrlProblem, textProblem } from '../../src/lib/validate.js';
import { refuseEmptyIds } from '../../src/lib/context.js';
import { StateStore } from '../../src/lib/state.js';

describe('user info in a redirect URL', () => {
  it.each([
    ['https://global.consent.azure-apim.net@evil.example/redirect/x', 'evil.example', 'global.consent.azure-apim.net'],
    ['https://user:pw@evil.example:8443/cb', 'evil.example', 'user'],
    ['http://localhost@evil.example/cb', 'evil.example', 'localhost'],
    ['myapp://trusted@evil/cb', 'evil', 'trusted'],
  ])('%s is refused, naming the host it really leads to', (url, host, looks) => {
    expect(redirectUrlProblem(url)).toBe(`contains user info ("${url.split('://')[1]!.split('@')[0]}@") before the host: it leads to ${host}, not ${looks}; write the URL without "…@"`);
    expect(() => check(RedirectUrl, url, 'Callback URL')).toThrow(/exit|user info/);
    expect(problem(HttpsRedirectUrl, url)).toBeDefined();
  });

  it('an @ in the path or the query is not user info', () => {
    expect(redirectUrlProblem('https://app.example.com/u/@me/cb')).toBeUndefined();
    expect(redirectUrlProblem('https://app.example.com/cb?who=a@b.example')).toBeUndefined();
  });
});

describe('invisible and bidirectional-control characters (Unicode Cf) in any input', () => {
  it.each([
    ['https://a.example/re\u200bdirect', 'zero width space, U+200B', 21],
    ['https://a.example/\u202ecb', 'right-to-left override, U+202E', 19],
    ['\ufeffname', 'byte order mark, U+FEFF', 1],
    ['na\u2066me', 'left-to-right isolate, U+2066', 3],
    ['x\u00ady', 'soft hyphen, U+00AD', 2],
    ['😀\u200dx', 'zero width joiner, U+200D', 2],
  ])('%j: one sentence naming the character and its position', (value, name, at) => {
    expect(textProblem(value)).toBe(`contains an invisible formatting character (${name}) at position ${at}`);
  });

  it('every schema refuses them, and the quoted value shows them escaped (a bidi override cannot reorder the sentence)', () => {
    for (const schema of [PoolName, ClientName, GatewayId, RedirectUrl]) expect(problem(schema, 'ab\u202ecd')).toMatch(/U\+202E/);
    expect(quote('ab\u202ecd\u200b')).toBe('"ab\\u202ecd\\u200b"');
    expect(() => check(PoolName, 'pool\u200b', '--pool-name')).toThrow('--pool-name "pool\\u200b" contains an invisible formatting character (zero width space, U+200B) at position 5.');
  });

  it('letters of every script pass', () => {
    expect(textProblem('Zürich 東京 مرحبا')).toBeUndefined();
  });
});

describe('an empty ID flag is a usage error', () => {
  it.each([
    [{ gatewayId: '' }, '--gateway-id'],
    [{ poolId: '' }, '--pool-id'],
    [{ clientId: ' ' }, '--client-id'],
    [{ clientIds: ['abc', ''] }, '--client-id'],
  ])('%j → %s is empty (exit 2)', (opts, flag) => {
    expect(() => refuseEmptyIds(opts)).toThrow(expect.objectContaining({ exit: 2, message: `${flag} is empty: give it an ID, or leave the flag out to use the state file's.` }));
  });

  it('absent or given IDs pass; other empty flags are not its business', () => {
    expect(() => refuseEmptyIds({ gatewayId: undefined, poolId: 'us-east-1_AbC123xyz', name: '' })).not.toThrow();
  });
});

describe('a state file that is not a regular file', () => {
  const dir = () => mkdtempSync(join(tmpdir(), 'mcp-cognito-notfile-'));

  it('a FIFO is refused at once (no read: it would hang), also through a symbolic link', () => {
    const d = dir();
    execFileSync('mkfifo', [join(d, 'fifo.json')]);
    const started = Date.now();
    expect(() => new StateStore(join(d, 'fifo.json')).assertRegularFile()).toThrow(expect.objectContaining({ exit: 2, message: `The state file ${join(d, 'fifo.json')} is a named pipe (FIFO), not a regular file.` }));
    expect(() => new StateStore(join(d, 'fifo.json')).get()).toThrow(/named pipe/);
    expect(Date.now() - started).toBeLessThan(1000);
  });

  it('a directory and a device are refused; a missing file is a new one', () => {
    const d = dir();
    mkdirSync(join(d, 'sub'));
    expect(() => new StateStore(join(d, 'sub')).assertRegularFile()).toThrow(/is a directory, not a regular file/);
    expect(() => new StateStore('/dev/null').assertRegularFile()).toThrow(/is a device, not a regular file/);
    expect(() => new StateStore(join(d, 'new.json')).assertRegularFile()).not.toThrow();
  });
});

describe('temporary files of a killed state write', () => {
  it("the next write removes ours whose process is gone or that are over an hour old; a live process's, and other files, stay", () => {
    const d = mkdtempSync(join(tmpdir(), 'mcp-cognito-tmp-'));
    const state = join(d, 'mcp-cognito.json');
    writeFileSync(`${state}.2147483646.0a1b2c3d.tmp`, '{');
    writeFileSync(`${state}.${process.ppid}.00000000.tmp`, '{');
    const old = `${state}.${process.ppid}.11111111.tmp`;
    writeFileSync(old, '{');
    utimesSync(old, new Date(Date.now() - 7_200_000), new Date(Date.now() - 7_200_000));
    writeFileSync(join(d, 'other.json.2147483646.0a1b2c3d.tmp'), '{');
    new StateStore(state).update({ region: 'us-east-1' });
    expect(readdirSync(d).sort()).toEqual(['mcp-cognito.json', `mcp-cognito.json.${process.ppid}.00000000.tmp`, 'other.json.2147483646.0a1b2c3d.tmp'].sort());
  });
});
