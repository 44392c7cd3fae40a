// Bundles src/cli.ts and every runtime library into ES modules under dist/, split at each dynamic
// import(): dist/cli.js (with the command table's chunk) holds what every start needs, and answers
// `--help` and `--version` alone; commander (src/program.ts), each command, the AWS SDK clients,
// @inquirer/prompts and so on are chunks loaded only when a start needs them. bin/mcp-cognito.js
// imports dist/cli.js (see there).
import { build } from 'esbuild';
import { createHash } from 'node:crypto';
import { mkdirSync, readFileSync, readdirSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { builtinModules } from 'node:module';
import { dirname, join, relative, resolve } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { buildFacade } from './build-facade.mjs';

const pkg = JSON.parse(readFileSync(new URL('../package.json', import.meta.url), 'utf8'));

/**
 * commander requires node:child_process at load time, only for executable subcommands (which this
 * CLI has none of); loading it costs every start a few milliseconds. Give commander a stand-in that
 * requires the real module on first use.
 */
const lazyChildProcess = {
  name: 'lazy-child-process',
  setup(b) {
    b.onResolve({ filter: /^(node:)?child_process$/ }, (args) => (/[\\/]node_modules[\\/]commander[\\/]/.test(args.importer) ? { path: 'child_process', namespace: 'lazy-child-process' } : undefined));
    b.onLoad({ filter: /.*/, namespace: 'lazy-child-process' }, () => ({
      contents: "module.exports = new Proxy({}, { get: (_, key) => require('node:child_process')[key] });",
      loader: 'js',
    }));
  },
};

/**
 * chalk's colour detection (its vendored supports-color) runs when chalk loads: it reads the
 * environment and both descriptors and loads node:os, a few milliseconds of every start that
 * prints. src/lib/output.ts decides the level itself (`new Chalk({ level })`) and uses nothing
 * that detection sets, so the build gives chalk a stand-in that detects nothing.
 */
const noColorDetection = {
  name: 'no-color-detection',
  setup(b) {
    b.onResolve({ filter: /^#supports-color$/ }, (args) => (/[\\/]node_modules[\\/]chalk[\\/]/.test(args.importer) ? { path: 'supports-color', namespace: 'no-color-detection' } : undefined));
    b.onLoad({ filter: /.*/, namespace: 'no-color-detection' }, () => ({
      contents: 'export function createSupportsColor() { return false; }\nexport default { stdout: false, stderr: false };',
      loader: 'js',
    }));
  },
};

/**
 * Node built-ins reach the bundle through require() (the banner's createRequire), never through
 * an ES import: importing a built-in as an ES module builds its ES facade, which reads every export,
 * lazy getters included (node:http's pulls in the whole of undici: ~50 ms for any AWS command).
 */
const builtinsByRequire = {
  name: 'builtins-by-require',
  setup(b) {
    const names = new Set(builtinModules.flatMap((m) => [m, `node:${m}`]));
    b.onResolve({ filter: /^[a-z_:/]+$/ }, (args) =>
      names.has(args.path) && args.kind !== 'require-call' && args.namespace !== 'builtin' ? { path: args.path.replace(/^node:/, ''), namespace: 'builtin' } : undefined,
    );
    b.onLoad({ filter: /.*/, namespace: 'builtin' }, (args) => ({ contents: `module.exports = require(${JSON.stringify(`node:${args.path}`)});`, loader: 'js' }));
  },
};

/** The esbuild options of the shipped build; test/unit/startup.test.ts builds with the same ones. */
export const buildOptions = {
  entryPoints: { cli: 'src/cli.ts' },
  outdir: 'dist',
  bundle: true,
  splitting: true,
  format: 'esm',
  platform: 'node',
  target: 'node20.12',
  // The SDK's ES module builds (dist-es): import() boundaries stay where the source put them.
  mainFields: ['module', 'main'],
  chunkNames: 'chunks/[name]-[hash]',
  // Bundled CommonJS dependencies (commander, …) call require() for Node built-ins.
  banner: { js: "import { createRequire as __cr } from 'node:module';const require = __cr(import.meta.url);" },
  keepNames: true,
  // Whitespace and syntax only: identifiers stay readable in --debug stacks, and V8 parses less.
  minifyWhitespace: true,
  minifySyntax: true,
  legalComments: 'none',
  logLevel: 'warning',
  define: { __VERSION__: JSON.stringify(pkg.version) },
  plugins: [lazyChildProcess, noColorDetection, builtinsByRequire],
};

/**
 * The build's options with what it reads from the commander program baked in (src/cli-data.ts):
 * every command's help and the completion scripts (src/cli-model.ts describeCli), so that
 * `<command> --help`, `help <command>` and `completion <shell>` print them without loading
 * commander or any command. The model is bundled and run from a scratch directory under `dir`.
 */
export async function shippedBuildOptions(dir = fileURLToPath(new URL('../dist/', import.meta.url)), absWorkingDir = process.cwd()) {
  const tmp = join(dir, `.model-${process.pid}-${Date.now()}`);
  try {
    await build({ ...buildOptions, entryPoints: { model: 'src/cli-model.ts' }, outdir: tmp, splitting: false, absWorkingDir, logLevel: 'error' });
    const { describeCli } = await import(pathToFileURL(join(tmp, 'model.js')).href);
    const model = await describeCli();
    return { ...buildOptions, define: { ...buildOptions.define, __CLI_MODEL__: JSON.stringify(JSON.stringify(model)) } };
  } finally {
    rmSync(tmp, { recursive: true, force: true });
  }
}

/**
 * The last build's metafile, its outputs named as moved into dist/ (kept out of dist/, which is
 * published), with when the build started and dist/cli.js's digest: test/unit/startup.test.ts maps
 * what a start loads back to its sources with it instead of building again.
 */
export const metafilePath = fileURLToPath(new URL('../.cache/build/metafile.json', import.meta.url));

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  // Build into a scratch directory, then move it in: chunk names carry a content hash, so new
  // chunks never overwrite old ones, and dist/cli.js is replaced last by an atomic rename, so a
  // CLI started meanwhile (tests, another terminal) never reads half a build.
  const dist = fileURLToPath(new URL('../dist/', import.meta.url));
  const tmp = join(dist, `.build-${process.pid}`);
  const startedMs = Date.now();
  try {
    const { metafile } = await build({ ...(await shippedBuildOptions(dist)), outdir: tmp, metafile: true });
    const files = Object.keys(metafile.outputs).map((f) => relative(tmp, f));
    mkdirSync(join(dist, 'chunks'), { recursive: true });
    for (const f of files.filter((f) => f !== 'cli.js')) renameSync(join(tmp, f), join(dist, f));
    renameSync(join(tmp, 'cli.js'), join(dist, 'cli.js'));
    const keep = new Set(files);
    for (const f of readdirSync(join(dist, 'chunks'))) if (!keep.has(join('chunks', f))) rmSync(join(dist, 'chunks', f), { force: true });
    rmSync(join(dist, 'cli.cjs'), { force: true }); // the single-file build before this one
    const outputs = Object.fromEntries(Object.entries(metafile.outputs).map(([f, o]) => [relative(process.cwd(), join(dist, relative(tmp, resolve(f)))), o]));
    const cliSha256 = createHash('sha256').update(readFileSync(join(dist, 'cli.js'))).digest('hex');
    mkdirSync(dirname(metafilePath), { recursive: true });
    writeFileSync(`${metafilePath}.${process.pid}`, JSON.stringify({ startedMs, cliSha256, metafile: { ...metafile, outputs } }));
    renameSync(`${metafilePath}.${process.pid}`, metafilePath);
  } finally {
    rmSync(tmp, { recursive: true, force: true });
  }
  // The façade's Lambda bundle, which `facade deploy` zips (dist/facade-lambda.mjs beside dist/cli.js).
  await buildFacade();
}
