/**
 * Start-up stays light. The build (scripts/build.mjs buildAll) makes dist/cli.cjs one file, each
 * quick path one more, and the rest one CommonJS script (dist/chunks/program-*.cjs); here the CLI
 * runs from that build (npm test's own, or the same build into a scratch directory) with a module
 * recorder preloaded, and each file it loaded is mapped back to the sources bundled in it. Each module
 * costs a start its resolution, compilation and linking: the quick starts load dist/cli.cjs and at
 * most one more. `--help`, `--version` and `doctor --offline` must load no AWS SDK and no prompt library;
 * `--help`, `help` and `--version` no command code, zod or chalk either, and not even commander (src/cli.ts
 * prints them from src/spec.ts; test/unit/help.test.ts holds the text to commander's); nor do
 * `<command> --help`, `help <command>` and `completion <shell>`, which the build's model answers
 * (src/cli-store.ts; test/unit/help-commands.test.ts), nor usage errors on a pipe.
 */
import { spawnSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { mkdtempSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, relative, resolve } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import type { Metafile } from 'esbuild';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { buildAll, metafilePath } from '../../scripts/build.mjs';
import { run } from '../../src/program.js';
import { CaptureStream, commanderHelp } from './helpers.js';

const repoRoot = resolve(fileURLToPath(new URL('../..', import.meta.url)));
const recorder = join(repoRoot, 'test', 'fixtures', 'record-modules.mjs');
const SDK = /node_modules\/(@aws-sdk|@smithy|@aws-crypto|@inquirer)\//;
/** doctor --offline's argument check (src/commands/doctor-offline.ts, a few lines) is part of dist/cli.cjs; what it prints is not. */
const FRONT = /node_modules\/(zod|chalk)\/|^src\/(commands\/(?!doctor-offline\.ts$)|doctor|aws|lib\/(context|output|state|validate|prompt))\b/;
/** The build's version (src/spec.ts VERSION, which scripts/build.mjs sets from package.json). */
const VERSION = (JSON.parse(readFileSync(join(repoRoot, 'package.json'), 'utf8')) as { version: string }).version;
const COMMANDER = /node_modules\/commander\/|^src\/program\.ts$/;

let dir: string;
let meta: Metafile;

/**
 * dist/ as scripts/build.mjs last built it (npm test builds first), with that build's metafile,
 * when it is the build of the files as they are now: its dist/cli.cjs and every output as the
 * metafile says, and nothing it was built from (every input, src/, bin/, scripts/build.mjs,
 * package.json, tsconfig.json) changed since the build started. Else undefined, and the test builds the sources
 * itself.
 */
function lastBuild(): Metafile | undefined {
  let saved: { startedMs: number; cliSha256: string; metafile: Metafile };
  try {
    saved = JSON.parse(readFileSync(metafilePath, 'utf8')) as typeof saved;
  } catch {
    return undefined;
  }
  const at = (f: string) => join(repoRoot, f);
  if (createHash('sha256').update(readFileSync(at('dist/cli.cjs'))).digest('hex') !== saved.cliSha256) return undefined;
  for (const [o, out] of Object.entries(saved.metafile.outputs)) if (statSync(at(o), { throwIfNoEntry: false })?.size !== out.bytes) return undefined;
  const tree = (d: string) => (readdirSync(at(d), { recursive: true, withFileTypes: true }) as { isFile(): boolean; parentPath: string; name: string }[]).filter((e) => e.isFile()).map((e) => relative(repoRoot, join(e.parentPath, e.name)));
  const from = [...Object.keys(saved.metafile.inputs).filter((i) => !i.includes(':')), ...tree('src'), ...tree('bin'), 'scripts/build.mjs', 'package.json', 'tsconfig.json'];
  for (const f of from) if ((statSync(at(f), { throwIfNoEntry: false })?.mtimeMs ?? Infinity) >= saved.startedMs) return undefined;
  return saved.metafile;
}

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'mcp-cognito-startup-'));
  let cli = join(repoRoot, 'dist', 'cli.cjs');
  const reused = lastBuild();
  if (reused) meta = reused;
  else {
    meta = await buildAll(join(dir, 'dist'), { dir, absWorkingDir: repoRoot });
    cli = join(dir, 'dist', 'cli.cjs');
  }
  // The launcher, pointed at this build.
  const bin = readFileSync(join(repoRoot, 'bin', 'mcp-cognito.js'), 'utf8').replace("'../dist/cli.cjs'", JSON.stringify(cli));
  writeFileSync(join(dir, 'mcp-cognito.cjs'), bin);
}, 60_000);
afterAll(() => rmSync(dir, { recursive: true, force: true }));

/** Runs the CLI; returns its exit code, the build's files it loaded as modules (dist/…) and their sources (repo-relative). */
function loadedSources(args: string[], env: Record<string, string> = {}): { code: number | null; stdout: string; stderr: string; files: string[]; sources: string[] } {
  const log = join(dir, `modules-${Math.random().toString(36).slice(2)}.log`);
  writeFileSync(log, '');
  const r = spawnSync(process.execPath, ['--import', pathToFileURL(recorder).href, join(dir, 'mcp-cognito.cjs'), ...args], {
    encoding: 'utf8',
    env: { PATH: process.env.PATH ?? '', HOME: dir, AWS_REGION: 'us-east-1', AWS_ACCESS_KEY_ID: 'test', AWS_SECRET_ACCESS_KEY: 'test', NO_COLOR: '1', CI: 'true', MCP_COGNITO_MODULE_LOG: log, ...env },
    cwd: dir,
    timeout: 30_000,
  });
  const outputs = readFileSync(log, 'utf8')
    .split('\n')
    .filter((u) => u.includes('/dist/'))
    .map((u) => relative(repoRoot, fileURLToPath(u)));
  expect(outputs.length, r.stderr).toBeGreaterThan(0);
  const sources = outputs.flatMap((o) => {
    const out = meta.outputs[o];
    if (!out) throw new Error(`${o} is not in the build's metafile`);
    return Object.keys(out.inputs);
  });
  return { code: r.status, stdout: r.stdout, stderr: r.stderr, files: outputs.map((o) => o.slice(o.lastIndexOf('/dist/') + 1).replace(/-[A-Z0-9]{8}\.(c?js)$/, '.$1')), sources };
}

describe('start-up stays light', () => {
  it.each([
    [[], 'help'],
    [['--help'], 'help'],
    [['-h'], 'help'],
    [['--version'], 'version'],
    [['-v'], 'version'],
    [['-V'], 'version'],
    [['help'], 'help'],
  ])('mcp-cognito %j loads the command table only, not commander, and prints what commander prints', (args, what) => {
    const { code, stdout, stderr, files, sources } = loadedSources(args);
    expect(code).toBe(0);
    expect(stderr).toBe('');
    // stdout is a pipe here: the text went straight to file descriptor 1.
    expect(stdout).toBe(what === 'help' ? commanderHelp(undefined, false) : `${VERSION}\n`);
    expect(files).toEqual(['dist/cli.cjs']);
    expect(sources).toContain('src/cli.ts');
    expect(sources.filter((s) => SDK.test(s) || FRONT.test(s) || COMMANDER.test(s))).toEqual([]);
  });

  /** What commander prints (from the sources, in this process) for `args` on a pipe: help on process.stdout, results on the streams. */
  async function commanderPrints(args: string[]): Promise<string> {
    const write = vi.spyOn(process.stdout, 'write').mockImplementation(() => true);
    const stdout = new CaptureStream();
    try {
      await run(['node', 'mcp-cognito', ...args], { stdout, stderr: new CaptureStream() });
      return write.mock.calls.map((c) => String(c[0])).join('') + stdout.text();
    } finally {
      write.mockRestore();
    }
  }

  it.each([
    [['doctor', '--help']],
    [['create-client', '-h']],
    [['help', 'add-callback']],
    [['facade', 'serve', '--help']],
    [['completion', 'bash']],
    [['completion', 'zsh']],
    [['completion', 'fish']],
  ])('mcp-cognito %j loads dist/cli.cjs only (and reads its answer from the build\'s model), not commander, and prints what commander prints', async (args) => {
    const { code, stdout, stderr, files, sources } = loadedSources(args);
    expect(code).toBe(0);
    expect(stderr).toBe('');
    expect(stdout).toBe(await commanderPrints(args));
    expect(files).toEqual(['dist/cli.cjs']);
    expect(sources).toContain('src/cli-store.ts');
    expect(sources.filter((s) => SDK.test(s) || FRONT.test(s) || COMMANDER.test(s))).toEqual([]);
  });

  it('a reader that goes away before the help is written: exit 0, nothing on stderr', () => {
    // The reader (true) has exited when the CLI writes: the write fails with EPIPE.
    const bin = join(dir, 'mcp-cognito.cjs');
    const r = spawnSync('bash', ['-c', `(sleep 0.5; "${process.execPath}" "${bin}" --help; echo "exit=$?" >&2) | true`], { encoding: 'utf8', cwd: dir, timeout: 30_000 });
    expect(r.stderr).toBe('exit=0\n');
  });

  it.each([
    [['doctor', '--error', 'insufficient_scope', '--offline']],
    [['doctor', '--offline']],
  ])('mcp-cognito %j loads its quick path (the catalogue and the report, one file) but no commander, no check or probe, no AWS SDK and no prompt library', async (args) => {
    const { code, stdout, stderr, files, sources } = loadedSources(args);
    expect(code).toBe(0);
    expect(stderr).toBe('');
    expect(stdout).toBe(await commanderPrints(args));
    expect(files).toEqual(['dist/cli.cjs', 'dist/chunks/quick-doctor-offline.cjs']);
    expect(sources).toContain('src/commands/doctor-offline.ts');
    expect(sources).toContain('src/doctor/catalogue.ts');
    expect(sources.filter((s) => SDK.test(s) || COMMANDER.test(s) || /^src\/doctor\/(checks|probes|doctor|reads)\b|node_modules\/zod\//.test(s))).toEqual([]);
  });

  it.each([
    [['create-client', '--bogus'], /^Error: Unknown option '--bogus'\n/],
    [['add-callback'], /^Error: Missing required argument 'url'\n/],
    [['doctor', '--offlin'], /^Error: Unknown option '--offlin'\n\(Did you mean --offline\?\)\n/],
    [['create-client', '--bogus', '--json'], /^$/],
    [['init-pool', '--domain'], /^Error: Option '--domain <prefix>' argument missing\n/],
  ])('a usage error (%j) is told from the build\'s model and printed by dist/cli.cjs: no commander, no command code, no AWS SDK', async (args, message) => {
    const { code, stdout, stderr, files, sources } = loadedSources(args);
    expect(code).toBe(2);
    expect(stderr).toMatch(message);
    // Byte for byte what the commander program prints on a pipe (no colour).
    const out = new CaptureStream();
    const err = new CaptureStream();
    expect(await run(['node', 'mcp-cognito', ...args], { stdout: out, stderr: err })).toBe(2);
    expect([stdout, stderr]).toEqual([out.text(), err.text()]);
    expect(files).toEqual(['dist/cli.cjs']);
    expect(sources).toContain('src/usage.ts');
    // doctor's quick path looks at the arguments first (src/commands/doctor-offline.ts, a few lines), then lets them go.
    expect(sources.filter((s) => SDK.test(s) || COMMANDER.test(s) || (/^src\/(commands|workflows|steps|doctor)\//.test(s) && s !== 'src/commands/doctor-offline.ts'))).toEqual([]);
  });

  it('a command that calls AWS does load the SDK (so the checks above can see it)', () => {
    // Nothing listens on port 9 of 127.0.0.1: the first call fails at once, after the SDK has loaded.
    const { code, files, sources } = loadedSources(['init-pool', '--domain', 'p-x1', '--json'], { AWS_ENDPOINT_URL: 'http://127.0.0.1:9' });
    expect(code).toBe(1);
    expect(files).toEqual(['dist/cli.cjs', 'dist/chunks/program.cjs']);
    expect(sources.some((s) => s.includes('node_modules/@aws-sdk/client-cognito-identity-provider/'))).toBe(true);
  });

  it('the build holds the AWS SDK operations src/aws/sdk/ names and no other (the build sends each name to its own module, not through the package index)', () => {
    // The commands src/aws/sdk/*.ts name, per package (`export { … } from '@aws-sdk/client-…'`), and those of the paginators they name.
    const named = new Map<string, string[]>();
    for (const file of readdirSync(join(repoRoot, 'src', 'aws', 'sdk'))) {
      for (const [, list, pkg] of readFileSync(join(repoRoot, 'src', 'aws', 'sdk', file), 'utf8').matchAll(/^export \{([^}]*)\} from '(@aws-sdk\/client-[a-z0-9-]+)';$/gm)) {
        named.set(pkg!, [...(named.get(pkg!) ?? []), ...list!.split(',').map((n) => n.trim()).flatMap((n) => (n.endsWith('Command') ? [n] : n.startsWith('paginate') ? [`${n.slice('paginate'.length)}Command`] : []))]);
      }
    }
    expect([...named.keys()].sort()).toEqual(['@aws-sdk/client-bedrock-agentcore-control', '@aws-sdk/client-cognito-identity-provider', '@aws-sdk/client-iam', '@aws-sdk/client-lambda', '@aws-sdk/client-ssm']);
    const inputs = Object.keys(meta.inputs);
    for (const [pkg, commands] of named) {
      const built = inputs.filter((i) => i.startsWith(`node_modules/${pkg}/dist-es/commands/`)).map((i) => i.slice(i.lastIndexOf('/') + 1, -'.js'.length));
      expect(built.sort(), pkg).toEqual([...new Set(commands)].sort());
      // Neither the package's index nor its aggregated client (<Service>.js: every operation as a method).
      const client = inputs.find((i) => new RegExp(`^node_modules/${pkg}/dist-es/[A-Za-z]+Client\\.js$`).test(i))!;
      expect(client, pkg).toBeDefined();
      expect(inputs.filter((i) => i === `node_modules/${pkg}/dist-es/index.js` || i === client.replace(/Client\.js$/, '.js')), pkg).toEqual([]);
    }
  });

  it('full zod is not used (zod/mini only): it costs ~100 ms of start-up', () => {
    expect(Object.keys(meta.inputs).filter((p) => /node_modules\/zod\/v4\/classic\//.test(p))).toEqual([]);
  });
});
