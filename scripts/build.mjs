// Bundles src/cli.ts and every runtime library into one file, dist/cli.mjs.
import { build } from 'esbuild';
import { mkdirSync, readFileSync, renameSync, writeFileSync } from 'node:fs';

const pkg = JSON.parse(readFileSync(new URL('../package.json', import.meta.url), 'utf8'));
const out = new URL('../dist/cli.mjs', import.meta.url);
const result = await build({
  entryPoints: ['src/cli.ts'],
  outfile: 'dist/cli.mjs',
  write: false,
  bundle: true,
  platform: 'node',
  format: 'esm',
  target: 'node20.12',
  keepNames: true,
  // Whitespace and syntax only: identifiers stay readable in --debug stacks, and V8 parses less at start-up.
  minifyWhitespace: true,
  minifySyntax: true,
  legalComments: 'none',
  logLevel: 'warning',
  define: { __VERSION__: JSON.stringify(pkg.version) },
  // Some bundled CommonJS dependencies call require() for Node built-ins.
  banner: { js: "import { createRequire as __cr } from 'node:module'; const require = __cr(import.meta.url);" },
});
// Replace the file atomically, so a CLI started meanwhile (tests, another terminal) never reads half of it.
mkdirSync(new URL('../dist/', import.meta.url), { recursive: true });
const tmp = new URL(`../dist/.cli.mjs.${process.pid}.tmp`, import.meta.url);
writeFileSync(tmp, result.outputFiles[0].contents);
renameSync(tmp, out);
