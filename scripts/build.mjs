// Bundles src/cli.ts and every runtime library into one file, dist/cli.cjs, which
// bin/mcp-cognito.js runs with a V8 code cache (see there).
import { build } from 'esbuild';
import { mkdirSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import { buildFacade } from './build-facade.mjs';

const pkg = JSON.parse(readFileSync(new URL('../package.json', import.meta.url), 'utf8'));
const result = await build({
  entryPoints: ['src/cli.ts'],
  outfile: 'dist/cli.cjs',
  write: false,
  bundle: true,
  platform: 'node',
  // CommonJS so that the launcher can compile it with vm.Script and a code cache (Node 20 has no
  // compile cache for ES modules). Dynamic imports of bundled modules stay lazy: the AWS SDK's
  // module initialisers run only when a command first calls AWS.
  format: 'cjs',
  target: 'node20.12',
  keepNames: true,
  // Whitespace and syntax only: identifiers stay readable in --debug stacks, and V8 parses less.
  minifyWhitespace: true,
  minifySyntax: true,
  legalComments: 'none',
  logLevel: 'warning',
  define: { __VERSION__: JSON.stringify(pkg.version) },
});
// Node built-ins that dependencies import() lazily: a require() needs no dynamic-import hook in vm.Script.
const code = result.outputFiles[0].text.replace(/\bimport\("(node:[a-z_/]+)"\)/g, 'Promise.resolve().then(()=>require("$1"))');
if (/\bimport\("/.test(code)) throw new Error('dist/cli.cjs would contain an import() of an unbundled module');
// Replace the file atomically, so a CLI started meanwhile (tests, another terminal) never reads half of it.
mkdirSync(new URL('../dist/', import.meta.url), { recursive: true });
const tmp = new URL(`../dist/.cli.cjs.${process.pid}.tmp`, import.meta.url);
writeFileSync(tmp, code);
renameSync(tmp, new URL('../dist/cli.cjs', import.meta.url));
// The façade's Lambda bundle, which `facade deploy` zips (dist/facade-lambda.mjs beside dist/cli.cjs).
await buildFacade();
