// Bundles src/cli.ts and every runtime library under dist/ (buildAll below), as CommonJS
// (shippedOptions). dist/cli.cjs, one file, holds what every start needs and answers `--help`,
// `--version`, `help`, `<command> --help`, `completion` and usage errors itself (with dist/model/,
// what the build read from the commander program); a quick path (`doctor --offline`) is one more
// file (dist/chunks/quick-*.cjs); everything else (commander and src/program.ts, each command, the
// AWS SDK clients, @inquirer/prompts) is one script, dist/chunks/program-*.cjs, which
// src/lib/code-cache.ts runs with a V8 code cache (Node 20 has no compile cache) and whose modules
// esbuild initialises only when first imported. Every file in dist/chunks/ carries a content hash.
// bin/mcp-cognito.js requires dist/cli.cjs (see there).
import { build } from 'esbuild';
import { createHash } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync, readdirSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { builtinModules } from 'node:module';
import { dirname, join, relative, resolve, sep } from 'node:path';
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
 * In the quick paths' files, src/lib/output.ts gets src/lib/quick-chalk.ts for chalk: level 0
 * without loading chalk (which quick-chalk.ts still bundles, and runs for any other level).
 */
const quickChalk = {
  name: 'quick-chalk',
  setup(b) {
    b.onResolve({ filter: /^chalk$/ }, (args) => (/[\\/]src[\\/]lib[\\/]output\.ts$/.test(args.importer) ? { path: fileURLToPath(new URL('../src/lib/quick-chalk.ts', import.meta.url)) } : undefined));
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

/**
 * src/aws/sdk/*.ts name the parts of each AWS SDK client that src/aws uses (`export { … } from
 * '@aws-sdk/client-…'`). Through the package's index those names would bring every operation of
 * the service: src/aws loads these files with import(), so esbuild wraps them and the index, and
 * the index's initialiser runs every module it re-exports (every command class, the aggregated
 * client, every paginator, waiter and error: 120 commands for Cognito alone). This plugin sends
 * each name to the one module of the package's dist-es/ that defines it, so the build holds, and a
 * start runs, only those.
 */
const sdkByModule = {
  name: 'sdk-by-module',
  setup(b) {
    /** package → (exported name → its file under dist-es/), read once per build. */
    const packages = new Map();
    const definitions = (pkgDir) => {
      let names = packages.get(pkgDir);
      if (names) return names;
      names = new Map();
      const walk = (dir) => {
        for (const entry of readdirSync(dir, { withFileTypes: true })) {
          const file = join(dir, entry.name);
          if (entry.isDirectory()) walk(file);
          else if (entry.name.endsWith('.js') && entry.name !== 'index.js') {
            for (const m of readFileSync(file, 'utf8').matchAll(/^export (?:const|let|var|class|function|async function) ([A-Za-z_$][\w$]*)/gm)) if (!names.has(m[1])) names.set(m[1], file);
          }
        }
      };
      walk(join(pkgDir, 'dist-es'));
      packages.set(pkgDir, names);
      return names;
    };
    b.onLoad({ filter: /[\\/]src[\\/]aws[\\/]sdk[\\/][^\\/]+\.ts$/ }, async (args) => {
      const source = readFileSync(args.path, 'utf8');
      const statements = [...source.matchAll(/^export \{([^}]*)\} from '(@aws-sdk\/client-[a-z0-9-]+)';$/gm)];
      if (!statements.length) return undefined;
      let contents = source;
      for (const [statement, list, pkg] of statements) {
        const r = await b.resolve(`${pkg}/package.json`, { kind: 'import-statement', resolveDir: dirname(args.path) });
        if (r.errors.length) return { errors: r.errors };
        const names = definitions(dirname(r.path));
        const lines = list
          .split(',')
          .map((n) => n.trim())
          .filter(Boolean)
          .map((name) => {
            const file = names.get(name);
            if (!file) throw new Error(`${relative(process.cwd(), args.path)}: ${pkg} defines no ${name} in any module of dist-es/ (sdk-by-module, scripts/build.mjs)`);
            return `export { ${name} } from ${JSON.stringify(file)};`;
          });
        contents = contents.replace(statement, lines.join('\n'));
      }
      return { contents, loader: 'ts', resolveDir: dirname(args.path) };
    });
  },
};

/** The base esbuild options: ES modules, as the build's scratch builds of the model (which it imports) are; the shipped files add shippedOptions. */
export const buildOptions = {
  entryPoints: { cli: 'src/cli.ts' },
  outdir: 'dist',
  bundle: true,
  format: 'esm',
  platform: 'node',
  target: 'node20.12',
  // The SDK's ES module builds (dist-es): esbuild tree-shakes them.
  mainFields: ['module', 'main'],
  // Bundled CommonJS dependencies (commander, …) call require() for Node built-ins (and the SDK for
  // optional packages). process.getBuiltinModule (Node 20.16+, 22.3+) answers a built-in at no
  // cost; createRequire costs each ES module that calls it about half a millisecond, so it is made
  // only for what getBuiltinModule does not answer (a package, or a Node before 20.16).
  banner: { js: "import { createRequire as __cr } from 'node:module';let __rq;const require = (id) => process.getBuiltinModule?.(id) ?? (__rq ??= __cr(import.meta.url))(id);" },
  keepNames: true,
  // Whitespace and syntax only: identifiers stay readable in --debug stacks, and V8 parses less.
  minifyWhitespace: true,
  minifySyntax: true,
  legalComments: 'none',
  logLevel: 'warning',
  define: { __VERSION__: JSON.stringify(pkg.version) },
  plugins: [lazyChildProcess, noColorDetection, sdkByModule, builtinsByRequire],
};

/** The quick paths: each one file with all it loads, which dist/cli.cjs runs (with its code cache) where src/cli.ts imports its source. */
const QUICK = { 'src/doctor/offline-print.ts': 'chunks/quick-doctor-offline', 'src/usage-report.ts': 'chunks/quick-usage-report' };
/** Loaded dynamically (src/spec.ts QuickRun) but a few lines: part of dist/cli.cjs. */
const INLINE = new Set(['src/commands/doctor-offline.ts']);
/** Everything else: one CommonJS script (see entryImports). */
const FULL = 'src/program.ts';

/**
 * Every shipped file is CommonJS: Node 20 starts an ES module entry ~5 ms (a fifth of a bare start)
 * later than a CommonJS one, and has no compile cache for ES modules. The full program is one
 * script that src/lib/code-cache.ts compiles with V8's code cache and calls as Node calls a
 * CommonJS module. Dynamic imports become require() (esbuild makes a bundled one lazy), so nothing
 * imports at run time; Node built-ins are plain require() calls (no ES facade to build);
 * import.meta.url is the file's own URL.
 */
const shippedOptions = {
  format: 'cjs',
  outExtension: { '.js': '.cjs' },
  banner: { js: "var __import_meta_url = require('node:url').pathToFileURL(__filename).href;" },
  define: { ...buildOptions.define, 'import.meta.url': '__import_meta_url' },
  supported: { 'dynamic-import': false },
  // code-cache.ts reads the full program as latin1: ASCII only.
  charset: 'ascii',
  plugins: buildOptions.plugins.filter((p) => p !== builtinsByRequire),
};

/**
 * dist/cli.cjs is one file: src/cli.ts and what it imports statically. Each of its dynamic imports
 * points to another output instead of being bundled into it: a quick path's own file (QUICK), or
 * the full program (src/program.ts: commander, every command, the AWS SDK; FULL), each a script that
 * src/lib/code-cache.ts runs with a V8 code cache. The full program's source is collected in
 * `lazy`; `outputs` maps a source to its output file (relative to outdir), once those are built.
 */
function entryImports(lazy, outputs, absWorkingDir) {
  return {
    name: 'entry-imports',
    setup(b) {
      b.onResolve({ filter: /.*/ }, async (args) => {
        if (args.kind !== 'dynamic-import' || args.pluginData === 'entry-imports') return undefined;
        const r = await b.resolve(args.path, { kind: args.kind, importer: args.importer, resolveDir: args.resolveDir, pluginData: 'entry-imports' });
        if (r.errors.length) return { errors: r.errors };
        const source = relative(absWorkingDir, r.path).split(sep).join('/');
        if (!/^src\/.*\.ts$/.test(source)) throw new Error(`dist/cli.cjs imports ${args.path} (${source}) dynamically: only sources under src/ can be built apart`);
        if (INLINE.has(source)) return r;
        if (!QUICK[source] && source !== FULL) throw new Error(`dist/cli.cjs imports ${source} dynamically: make it a quick path (QUICK), part of dist/cli.cjs (INLINE), or load it through ${FULL}`);
        if (!QUICK[source]) lazy.add(source);
        return { path: source, namespace: 'cached-script', pluginData: outputs.get(source) ?? 'pending.cjs' };
      });
      // The stand-in in dist/cli.cjs of a file built apart: its exports, from the script run with its code cache.
      b.onLoad({ filter: /.*/, namespace: 'cached-script' }, (args) => ({
        contents: [
          `const { requireBundle } = require(${JSON.stringify(join(absWorkingDir, 'src/lib/code-cache.ts'))});`,
          `const { COMMANDS } = require(${JSON.stringify(join(absWorkingDir, 'src/spec.ts'))});`,
          `module.exports = requireBundle(${JSON.stringify(`./${args.pluginData}`)}, COMMANDS.map((c) => c.name)${args.path in QUICK ? ', true' : ''});`,
        ].join('\n'),
        loader: 'js',
        resolveDir: absWorkingDir,
      }));
    },
  };
}

/** Output file (relative to outdir) → the source of its entry point, from an esbuild metafile. */
function entryOutputs(metafile, outdir, absWorkingDir) {
  const map = new Map();
  for (const [file, out] of Object.entries(metafile.outputs)) if (out.entryPoint) map.set(out.entryPoint, relative(outdir, join(absWorkingDir, file)).split(sep).join('/'));
  return map;
}

/**
 * What the build reads from the commander program (src/cli-model.ts describeCli): every command's
 * help, the completion scripts and the parse model, which `<command> --help`, `help <command>`,
 * `completion <shell>` and the usage errors answer from without loading commander or any command.
 * The model is bundled and run from a scratch directory under `dir`.
 */
async function readModel(dir, absWorkingDir) {
  const tmp = join(dir, `.model-${process.pid}-${Date.now()}`);
  try {
    await build({ ...buildOptions, entryPoints: { model: 'src/cli-model.ts' }, outdir: tmp, absWorkingDir, logLevel: 'error' });
    const { describeCli } = await import(pathToFileURL(join(tmp, 'model.js')).href);
    return await describeCli();
  } finally {
    rmSync(tmp, { recursive: true, force: true });
  }
}

/**
 * The last build's metafile, its outputs named as moved into dist/ (kept out of dist/, which is
 * published), with when the build started and dist/cli.cjs's digest: test/unit/startup.test.ts maps
 * what a start loads back to its sources with it instead of building again.
 */
export const metafilePath = fileURLToPath(new URL('../.cache/build/metafile.json', import.meta.url));

/** Writes the model as src/cli-store.ts reads it: one small file per answer, under `outdir`/model/. */
async function writeModel(model, outdir, absWorkingDir) {
  const tmp = join(outdir, `.store-${process.pid}-${Date.now()}`);
  try {
    await build({ ...buildOptions, entryPoints: { store: 'src/cli-store.ts' }, outdir: tmp, absWorkingDir, logLevel: 'error' });
    const { modelFiles } = await import(pathToFileURL(join(tmp, 'store.js')).href);
    const files = [
      ...Object.entries(model.help).map(([path, help]) => [modelFiles.help(path), JSON.stringify(help)]),
      ...Object.entries(model.completion).map(([shell, script]) => [modelFiles.completion(shell), script]),
      ...Object.entries(model.parse.commands).map(([name, cmd]) => [modelFiles.parse(name), JSON.stringify({ globals: model.parse.globals, commands: { [name]: cmd } })]),
    ];
    for (const [file, text] of files) {
      mkdirSync(dirname(join(outdir, 'model', file)), { recursive: true });
      writeFileSync(join(outdir, 'model', file), text);
    }
  } finally {
    rmSync(tmp, { recursive: true, force: true });
  }
}

/**
 * The shipped build, into `outdir`: dist/cli.cjs (one file), dist/chunks/quick-*.cjs (one file per
 * quick path), dist/chunks/program-*.cjs (everything else, one script), and dist/model/
 * (src/cli-store.ts). `dir` holds scratch files. Returns the metafile of all outputs.
 */
export async function buildAll(outdir, { dir = outdir, absWorkingDir = process.cwd() } = {}) {
  const model = await readModel(dir, absWorkingDir);
  const common = { ...buildOptions, ...shippedOptions, outdir, absWorkingDir, metafile: true };
  // Which sources dist/cli.cjs loads apart (a first pass, nothing written).
  const lazy = new Set();
  await build({ ...common, entryPoints: { cli: 'src/cli.ts' }, write: false, plugins: [...common.plugins, entryImports(lazy, new Map(), absWorkingDir)] });
  // Their files carry a content hash, as the chunks do: a dist/cli.cjs started during a rebuild finds its own.
  // All in dist/chunks/, as the chunks: code that finds files beside the CLI (facade deploy's Lambda bundle) runs from dist/ or dist/chunks/.
  const named = { entryNames: '[dir]/[name]-[hash]' };
  const quick = await build({ ...common, ...named, entryPoints: Object.fromEntries(Object.entries(QUICK).map(([source, name]) => [name, source])), plugins: [quickChalk, ...common.plugins] });
  // The full program (FULL), one CommonJS script.
  const rest = await build({ ...common, ...named, entryPoints: Object.fromEntries([...lazy].map((source) => [`chunks/${source.slice('src/'.length, -'.ts'.length).replaceAll('/', '-')}`, source])) });
  for (const [file, out] of Object.entries(rest.metafile.outputs)) {
    const left = out.imports.filter((i) => i.kind === 'dynamic-import' || (i.kind !== 'require-call' && i.external));
    if (left.length) throw new Error(`${file} would import ${left.map((i) => i.path).join(', ')} at run time: code-cache.ts runs it as a script, without import()`);
  }
  const [quickFiles, restFiles] = [quick, rest].map((r) => entryOutputs(r.metafile, outdir, absWorkingDir));
  const outputs = new Map([...Object.keys(QUICK).map((s) => [s, quickFiles.get(s)]), ...[...lazy].map((s) => [s, restFiles.get(s)])]);
  for (const [source, file] of outputs) if (!file) throw new Error(`no output for ${source}`);
  const cli = await build({ ...common, entryPoints: { cli: 'src/cli.ts' }, plugins: [...common.plugins, entryImports(new Set(), outputs, absWorkingDir)] });
  await writeModel(model, outdir, absWorkingDir);
  const results = [cli, quick, rest];
  return { inputs: Object.assign({}, ...results.map((r) => r.metafile.inputs)), outputs: Object.assign({}, ...results.map((r) => r.metafile.outputs)) };
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  // Build into a scratch directory, then move it in: chunk names carry a content hash, so new
  // chunks never overwrite old ones; every other file is replaced by an atomic rename, dist/cli.cjs
  // last, so a CLI started meanwhile (tests, another terminal) reads a whole build (or, for the
  // length of this loop, an old dist/cli.cjs with new files beside it).
  const dist = fileURLToPath(new URL('../dist/', import.meta.url));
  const tmp = join(dist, `.build-${process.pid}`);
  const startedMs = Date.now();
  try {
    const metafile = await buildAll(tmp, { dir: dist });
    const files = [...Object.keys(metafile.outputs).map((f) => relative(tmp, f)), ...listFiles(join(tmp, 'model')).map((f) => relative(tmp, f))];
    for (const f of files.filter((f) => f !== 'cli.cjs')) {
      mkdirSync(dirname(join(dist, f)), { recursive: true });
      renameSync(join(tmp, f), join(dist, f));
    }
    renameSync(join(tmp, 'cli.cjs'), join(dist, 'cli.cjs'));
    const keep = new Set(files);
    for (const sub of ['chunks', 'model']) for (const f of listFiles(join(dist, sub))) if (!keep.has(relative(dist, f))) rmSync(f, { force: true });
    for (const sub of ['lazy', 'quick']) rmSync(join(dist, sub), { recursive: true, force: true }); // earlier layouts of this build
    rmSync(join(dist, 'cli.js'), { force: true }); // the ES module entry of earlier builds
    const outputs = Object.fromEntries(Object.entries(metafile.outputs).map(([f, o]) => [relative(process.cwd(), join(dist, relative(tmp, resolve(f)))), o]));
    const cliSha256 = createHash('sha256').update(readFileSync(join(dist, 'cli.cjs'))).digest('hex');
    mkdirSync(dirname(metafilePath), { recursive: true });
    writeFileSync(`${metafilePath}.${process.pid}`, JSON.stringify({ startedMs, cliSha256, metafile: { ...metafile, outputs } }));
    renameSync(`${metafilePath}.${process.pid}`, metafilePath);
  } finally {
    rmSync(tmp, { recursive: true, force: true });
  }
  // The façade's Lambda bundle, which `facade deploy` zips (dist/facade-lambda.mjs beside dist/cli.cjs).
  await buildFacade();
}

/** Every file under `dir` (none when it does not exist). */
function listFiles(dir) {
  if (!existsSync(dir)) return [];
  return readdirSync(dir, { withFileTypes: true }).flatMap((e) => (e.isDirectory() ? listFiles(join(dir, e.name)) : [join(dir, e.name)]));
}
