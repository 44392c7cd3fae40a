#!/usr/bin/env node
// Runs the one bundled file, dist/cli.cjs. V8's code cache for it is kept in the user's cache
// directory, so later starts skip parsing the ~2 MB bundle (what Node 22's module compile cache
// does; Node 20 has none for this). The cache is an optimisation only: any failure is ignored.
import { mkdirSync, readFileSync, readdirSync, renameSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { homedir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import vm from 'node:vm';

const file = fileURLToPath(new URL('../dist/cli.cjs', import.meta.url));
const source = readFileSync(file, 'utf8');
const { size, mtimeMs } = statSync(file);
const cacheDir = process.env.MCP_COGNITO_CACHE_DIR || join(process.env.XDG_CACHE_HOME || join(homedir(), '.cache'), 'mcp-cognito');
const cacheName = `v8-${process.version}-${process.arch}-${size}-${Math.floor(mtimeMs)}.bin`;
let cachedData;
try {
  cachedData = readFileSync(join(cacheDir, cacheName));
} catch {
  // first run of this build
}
const script = new vm.Script(`(function (exports, require, module, __filename, __dirname) {${source}\n})`, {
  filename: file,
  cachedData,
  importModuleDynamically: vm.constants?.USE_MAIN_CONTEXT_DEFAULT_LOADER,
});
const mod = { exports: {} };
script.runInThisContext()(mod.exports, createRequire(file), mod, file, dirname(file));
process.exitCode = await mod.exports.main(process.argv);

if (!cachedData || script.cachedDataRejected) {
  try {
    mkdirSync(cacheDir, { recursive: true, mode: 0o700 });
    const tmp = join(cacheDir, `${cacheName}.${process.pid}.tmp`);
    writeFileSync(tmp, script.createCachedData(), { mode: 0o600 });
    renameSync(tmp, join(cacheDir, cacheName));
    for (const old of readdirSync(cacheDir)) if (old.startsWith('v8-') && old !== cacheName) rmSync(join(cacheDir, old), { force: true });
  } catch {
    // no writable cache directory: start-up is just slower
  }
}
