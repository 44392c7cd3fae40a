/**
 * Runs, with a V8 code cache on every Node version, the scripts dist/cli.cjs loads
 * (scripts/build.mjs): the full program (dist/chunks/program-<hash>.cjs: commander, every command,
 * the AWS SDK) and the quick paths (dist/chunks/quick-*.cjs).
 *
 * Node 20 compiles every file from scratch at every start (the compile cache, module.enableCompileCache,
 * came in Node 22.1); as ES modules, resolving and linking the thirty-odd an AWS command loaded cost
 * it as much again. One script compiled with `cachedData` skips both: measured on Node 20 (2-core
 * machine, `status` against the emulator, medians of 15 runs), 190–208 → 150–185 ms of CPU a start
 * (bare Node: 24 ms). Each command keeps its own cache (a quick path, one per set of options: requireBundle)
 * (`<install>-<bundle>.<command>.<node version>-<arch>[-<options hash>].v8`), written when the run that lacked
 * it ends: V8 then includes every function that run compiled, not only the top level (only a run
 * that succeeded, or went its whole course to a report of failures such as doctor's failing checks,
 * writes it: one stopped by bad input compiled little).
 *
 * The cache lives in a directory of the system's temporary directory that only this user can write
 * (mcp-cognito-<uid>, mode 0700, checked before each read: compiled code from a file another user
 * could write would run as this user). A bundle's name carries its content hash, so a new build
 * never meets an old cache. When a new cache is written, the caches of the same installation's
 * other builds are removed (an upgrade in place); another installation's (a global one beside
 * `npx`, another version) are kept, so running both does not make each remove the other's at every
 * switch, unless they have not been written for 30 days.
 * NODE_DISABLE_COMPILE_CACHE=1 (Node's own switch) turns it off. Any failure here only costs the
 * compile: the script then runs without a cache, and nothing is printed.
 */
import { closeSync, lstatSync, mkdirSync, openSync, readdirSync, readFileSync, renameSync, rmSync, writeSync } from 'node:fs';
import Module, { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { basename, dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { Script } from 'node:vm';
import { course } from './whole-course.js';

/** The user's cache directory, or undefined when it cannot be trusted (or made). */
function cacheDir(): string | undefined {
  if (process.env.NODE_DISABLE_COMPILE_CACHE) return undefined;
  const uid = process.getuid?.();
  const dir = join(tmpdir(), uid === undefined ? 'mcp-cognito-cache' : `mcp-cognito-${uid}`);
  const trusted = (): boolean => {
    const st = lstatSync(dir);
    // Ours, a real directory, and nobody else can write into it (on Windows the temporary directory is the user's own).
    return st.isDirectory() && (uid === undefined || (st.uid === uid && (st.mode & 0o022) === 0));
  };
  try {
    return trusted() ? dir : undefined;
  } catch {
    // Not there yet (the first start).
  }
  try {
    mkdirSync(dir, { mode: 0o700 });
    return trusted() ? dir : undefined;
  } catch {
    return undefined;
  }
}

/**
 * Node's options (on its command line or in NODE_OPTIONS) can change V8's flags, and V8 refuses a
 * cache made under other flags: each set of options keeps its own cache instead of rewriting one
 * cache at every switch. Empty without options; else a short hash of them (FNV-1a: node:crypto
 * would cost a start a few milliseconds).
 */
function flagsTag(): string {
  const options = [...process.execArgv, process.env.NODE_OPTIONS ?? ''].join('\0');
  return options === '' ? '' : `-${fnv(options)}`;
}

/** FNV-1a, 32 bits, as hexadecimal. */
function fnv(text: string): string {
  let h = 0x811c9dc5;
  for (let i = 0; i < text.length; i++) h = Math.imul(h ^ text.charCodeAt(i), 0x01000193);
  return (h >>> 0).toString(16).padStart(8, '0');
}

/** Caches of another installation not written for this long are removed with the caches of old builds. */
const OTHER_INSTALL_KEPT_MS = 30 * 24 * 3600 * 1000;

/** What a run found: no cache directory it can trust (or NODE_DISABLE_COMPILE_CACHE), no cache yet, one V8 took, one V8 refused. */
export type CacheUse = 'off' | 'missing' | 'used' | 'rejected';

/**
 * Runs the CommonJS script `file` (a path) and returns its exports, and what it did with the cache.
 * `key` names the cache among the script's caches (the command that runs: its code is what the
 * cache holds).
 */
export function runScript(file: string, key: string): { exports: Record<string, unknown>; cache: CacheUse } {
  // The build writes ASCII only (esbuild escapes the rest): latin1 reads it as is, and V8 keeps one byte a character.
  const source = readFileSync(file, 'latin1');
  const dir = cacheDir();
  // The installation (the bundle's directory) names its caches: see save().
  const install = fnv(dirname(file));
  const cacheFile = dir && join(dir, `${install}-${basename(file)}.${key.replace(/[^a-z0-9-]/g, '_')}.${process.version}-${process.arch}${flagsTag()}.v8`);
  let cachedData: Buffer | undefined;
  if (cacheFile) {
    try {
      cachedData = readFileSync(cacheFile);
    } catch {
      // none yet
    }
  }
  const script = new Script(Module.wrap(source), { filename: file, ...(cachedData ? { cachedData } : {}) });
  const cache: CacheUse = !cacheFile ? 'off' : !cachedData ? 'missing' : script.cachedDataRejected ? 'rejected' : 'used';
  // Written by a run that succeeded, or that went its whole course to a report of failures (whole-course.ts): a run
  // stopped early (bad input, a failed call) compiled only a part.
  if (cacheFile && cache !== 'used') process.once('exit', (code) => (code === 0 || course.whole) && save(script, cacheFile, install, basename(file)));
  const module = { exports: {} as Record<string, unknown> };
  const fn = script.runInThisContext() as (exports: unknown, require: NodeJS.Require, module: unknown, filename: string, dirname: string) => void;
  fn.call(module.exports, module.exports, createRequire(file), module, file, dirname(file));
  return { exports: module.exports, cache };
}

/**
 * Writes the cache (whole or not at all: a temporary file renamed), and drops the caches of this
 * installation's other builds of `bundle` (`<name>-<hash>.cjs`), caches named before installations
 * were, and other installations' caches not written for OTHER_INSTALL_KEPT_MS.
 */
function save(script: Script, cacheFile: string, install: string, bundle: string): void {
  const tmp = `${cacheFile}.${process.pid}.tmp`;
  try {
    const data = script.createCachedData();
    const fd = openSync(tmp, 'wx', 0o600);
    try {
      writeSync(fd, data);
    } finally {
      closeSync(fd);
    }
    renameSync(tmp, cacheFile);
    const dir = dirname(cacheFile);
    const name = bundle.replace(/-[A-Z0-9]+\.cjs$/, '-');
    for (const other of readdirSync(dir)) {
      if (!other.endsWith('.v8') || other.startsWith(`${install}-${bundle}.`)) continue;
      const ofInstall = /^([0-9a-f]{8})-(.*)$/.exec(other);
      const old = ofInstall
        ? ofInstall[2]!.startsWith(name) && (ofInstall[1] === install || Date.now() - lstatSync(join(dir, other)).mtimeMs > OTHER_INSTALL_KEPT_MS)
        : other.startsWith(name);
      if (old) rmSync(join(dir, other), { force: true });
    }
  } catch {
    rmSync(tmp, { force: true });
  }
}

/**
 * The build's bundle `relative` to dist/cli.cjs (which bundles this module), run with the cache of the
 * command among `commands` that argv names first ("other" when none: `mcp-cognito bogus`). A quick
 * path's cache (`byOptions`) is also per set of long options given: `doctor --offline` and
 * `doctor --error … --offline` run different code, and a cache holds only what the run that wrote
 * it compiled (it is written once). The full program's caches stay one per command: each is
 * megabytes, and an option mostly changes which AWS calls are made, not which code runs.
 */
export function requireBundle(relative: string, commands: readonly string[], byOptions = false): Record<string, unknown> {
  const args = process.argv.slice(2);
  let key = args.find((arg) => commands.includes(arg)) ?? 'other';
  if (byOptions) key += [...new Set(args.flatMap((a) => /^--([a-z][a-z-]*)/.exec(a)?.[1] ?? []))].sort().map((o) => `+${o}`).join('');
  return runScript(fileURLToPath(new URL(relative, import.meta.url)), key).exports;
}
