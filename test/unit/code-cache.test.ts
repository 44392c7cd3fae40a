/**
 * src/lib/code-cache.ts, in child processes as the CLI uses it: a script runs with a V8 code cache
 * kept per key in $TMPDIR/mcp-cognito-<uid>/, written only by a run that exits 0 (or went its whole course to a
 * report of failures), taken by the next
 * run, never read from or written to a directory another user could write, and off with
 * NODE_DISABLE_COMPILE_CACHE.
 */
import { spawnSync } from 'node:child_process';
import { chmodSync, existsSync, mkdirSync, mkdtempSync, readdirSync, rmSync, statSync, symlinkSync, utimesSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { basename, dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { build } from 'esbuild';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';

const repoRoot = resolve(fileURLToPath(new URL('../..', import.meta.url)));
const uid = process.getuid?.();
let dir: string;
let runner: string;
let script: string;
let tmp: string;

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'mcp-cognito-code-cache-'));
  runner = join(dir, 'runner.mjs');
  // The module as the build bundles it, and a driver: runs the script under a key, prints what the cache did, exits with argv[4]
  // (having told the cache the run went its whole course when WHOLE_COURSE is set, as src/program.ts does for a report of failures).
  await build({
    stdin: { contents: `import { runScript } from ${JSON.stringify(join(repoRoot, 'src/lib/code-cache.ts'))};\nimport { course } from ${JSON.stringify(join(repoRoot, 'src/lib/whole-course.ts'))};\nconst r = runScript(process.argv[2], process.argv[3]);\nif (process.env.WHOLE_COURSE) course.whole = true;\nconsole.log(JSON.stringify({ cache: r.cache, answer: r.exports.answer() }));\nprocess.exitCode = Number(process.argv[4] ?? 0);\n`, resolveDir: repoRoot, loader: 'ts' },
    bundle: true,
    platform: 'node',
    format: 'esm',
    outfile: runner,
    logLevel: 'error',
  });
  script = join(dir, 'program-ABCD1234.cjs');
  writeFileSync(script, `'use strict';\nconst { join } = require('node:path');\nfunction answer() { return join('a', String(6 * 7)); }\nmodule.exports = { answer, file: __filename };\n`);
});
afterAll(() => rmSync(dir, { recursive: true, force: true }));
beforeEach(() => {
  tmp = mkdtempSync(join(dir, 'tmp-'));
});

const cacheDir = () => join(tmp, uid === undefined ? 'mcp-cognito-cache' : `mcp-cognito-${uid}`);
function run(key: string, exit = 0, env: Record<string, string> = {}, file = script): { cache: string; answer: string } {
  const r = spawnSync(process.execPath, [runner, file, key, String(exit)], { encoding: 'utf8', env: { PATH: process.env.PATH ?? '', TMPDIR: tmp, ...env } });
  expect(r.stderr).toBe('');
  expect(r.status).toBe(exit);
  return JSON.parse(r.stdout) as { cache: string; answer: string };
}
const cacheFiles = () => (existsSync(cacheDir()) ? readdirSync(cacheDir()).sort() : []);
/** The installation part of a cache's name: FNV-1a of the bundle's directory (code-cache.ts). */
function installTag(file: string): string {
  const d = dirname(file);
  let h = 0x811c9dc5;
  for (let i = 0; i < d.length; i++) h = Math.imul(h ^ d.charCodeAt(i), 0x01000193);
  return (h >>> 0).toString(16).padStart(8, '0');
}
const cacheName = (key: string, file = script) => `${installTag(file)}-${basename(file)}.${key}.${process.version}-${process.arch}.v8`;

describe.skipIf(process.platform === 'win32')('code cache', () => {
  it('the first run that succeeds writes the cache (0600 in a 0700 directory); the next run takes it', () => {
    expect(run('status')).toEqual({ cache: 'missing', answer: join('a', '42') });
    expect(cacheFiles()).toEqual([cacheName('status')]);
    expect(statSync(cacheDir()).mode & 0o777).toBe(0o700);
    expect(statSync(join(cacheDir(), cacheFiles()[0]!)).mode & 0o777).toBe(0o600);
    expect(run('status').cache).toBe('used');
    // Another key: its own cache.
    expect(run('doctor').cache).toBe('missing');
    expect(cacheFiles()).toHaveLength(2);
  });

  it('a run that fails writes nothing (it compiled only a part)', () => {
    expect(run('status', 1).cache).toBe('missing');
    expect(cacheFiles()).toEqual([]);
    expect(run('status', 0).cache).toBe('missing');
    expect(run('status', 1).cache).toBe('used');
  });

  it('a run that fails after going its whole course (a report of failing checks) writes the cache: doctor is mostly run when something fails', () => {
    expect(run('doctor', 1, { WHOLE_COURSE: '1' }).cache).toBe('missing');
    expect(cacheFiles()).toEqual([cacheName('doctor')]);
    expect(run('doctor', 1, { WHOLE_COURSE: '1' }).cache).toBe('used');
  });

  it('a cache V8 refuses is written again; caches of this installation\'s other builds are removed then', () => {
    mkdirSync(cacheDir(), { mode: 0o700 });
    const name = cacheName('status');
    writeFileSync(join(cacheDir(), name), 'not a code cache', { mode: 0o600 });
    writeFileSync(join(cacheDir(), `${installTag(script)}-program-OLDBUILD.cjs.status.${process.version}-${process.arch}.v8`), 'old', { mode: 0o600 });
    // Named before installations were.
    writeFileSync(join(cacheDir(), `program-OLDBUILD.cjs.status.${process.version}-${process.arch}.v8`), 'old', { mode: 0o600 });
    writeFileSync(join(cacheDir(), 'unrelated.txt'), 'kept', { mode: 0o600 });
    expect(run('status').cache).toBe('rejected');
    expect(cacheFiles()).toEqual([name, 'unrelated.txt']);
    expect(run('status').cache).toBe('used');
  });

  it('another installation (another directory, another build) keeps its caches: running both does not make each remove the other\'s', () => {
    const elsewhere = join(tmp, 'other-install');
    mkdirSync(elsewhere);
    const other = join(elsewhere, 'program-EFGH5678.cjs');
    writeFileSync(other, `'use strict';\nmodule.exports = { answer: () => 'other' };\n`);
    expect(run('status').cache).toBe('missing');
    expect(run('status', 0, {}, other)).toEqual({ cache: 'missing', answer: 'other' });
    expect(run('status').cache).toBe('used');
    expect(run('status', 0, {}, other).cache).toBe('used');
    expect(cacheFiles()).toEqual([cacheName('status'), cacheName('status', other)].sort());
    // Unless unused for 30 days: removed when this installation next writes a cache.
    const month = (Date.now() - 31 * 24 * 3600 * 1000) / 1000;
    utimesSync(join(cacheDir(), cacheName('status', other)), month, month);
    expect(run('doctor').cache).toBe('missing');
    expect(cacheFiles()).toEqual([cacheName('doctor'), cacheName('status')].sort());
  });

  it('a directory others can write is neither read nor written', () => {
    mkdirSync(cacheDir(), { mode: 0o700 });
    chmodSync(cacheDir(), 0o777);
    expect(run('status')).toEqual({ cache: 'off', answer: join('a', '42') });
    expect(cacheFiles()).toEqual([]);
  });

  it('a file where the directory should be: no cache, the script still runs', () => {
    writeFileSync(cacheDir(), '');
    expect(run('status').cache).toBe('off');
  });

  it('a link where the directory should be, even to a directory of ours: neither read nor written', () => {
    const target = join(tmp, 'elsewhere');
    mkdirSync(target, { mode: 0o700 });
    symlinkSync(target, cacheDir());
    expect(run('status').cache).toBe('off');
    expect(readdirSync(target)).toEqual([]);
  });

  it('Node options that change V8 flags keep a cache of their own (no cache rewritten at each switch)', () => {
    expect(run('status').cache).toBe('missing');
    expect(run('status', 0, { NODE_OPTIONS: '--max-semi-space-size=32' }).cache).toBe('missing');
    expect(run('status', 0, { NODE_OPTIONS: '--max-semi-space-size=32' }).cache).toBe('used');
    expect(run('status').cache).toBe('used');
    expect(cacheFiles()).toHaveLength(2);
  });

  it('the built CLI: a quick path keeps a cache per set of options (doctor --offline and doctor --error … --offline run different code)', () => {
    const bin = join(repoRoot, 'bin', 'mcp-cognito.js');
    const cli = (...args: string[]) => spawnSync(process.execPath, [bin, ...args], { encoding: 'utf8', env: { PATH: process.env.PATH ?? '', TMPDIR: tmp, NO_COLOR: '1' } });
    expect(cli('doctor', '--offline').status).toBe(0);
    expect(cli('doctor', '--error', 'insufficient_scope', '--offline').status).toBe(0);
    expect(cli('doctor', '--offline', '--error=invalid_scope').status).toBe(0);
    const quick = cacheFiles().filter((f) => f.includes('quick-doctor-offline-'));
    expect(quick.map((f) => f.split('.cjs.')[1]!.split('.')[0])).toEqual(['doctor_error_offline', 'doctor_offline']);
  });

  it('NODE_DISABLE_COMPILE_CACHE turns it off', () => {
    expect(run('status', 0, { NODE_DISABLE_COMPILE_CACHE: '1' }).cache).toBe('off');
    expect(existsSync(cacheDir())).toBe(false);
  });
});
