// npm run bench: start-up time against bare Node, and the AWS commands against a local moto server.
// Figures are medians of several runs on this machine; this is a measurement, not a test.
import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { repoRoot, startMoto } from './moto.mjs';
import { NODE_VERSIONS, ensureNode } from './nodes.mjs';

const bin = join(repoRoot, 'bin', 'mcp-cognito.js');
const RUNS = Number(process.env.BENCH_RUNS ?? 15);
/** Every command that does not call AWS starts within this many times bare Node (the guide's rule 6). */
const TARGET = 1.3;

function time(node, args, opts = {}) {
  const t = process.hrtime.bigint();
  const r = spawnSync(node, args, { encoding: 'utf8', ...opts });
  const ms = Number(process.hrtime.bigint() - t) / 1e6;
  if (r.status !== (opts.expect ?? 0)) throw new Error(`${args.join(' ')} exited ${r.status}: ${r.stderr}`);
  return ms;
}
const median = (xs) => {
  const s = [...xs].sort((a, b) => a - b);
  return s.length % 2 ? s[(s.length - 1) / 2] : (s[s.length / 2 - 1] + s[s.length / 2]) / 2;
};
const fmt = (ms) => `${ms.toFixed(0).padStart(5)} ms`;

/** The local commands (no AWS call): label, arguments, exit code. */
const LOCAL = [
  ['mcp-cognito --help', ['--help'], 0],
  ['mcp-cognito --version', ['--version'], 0],
  ['mcp-cognito init --help', ['init', '--help'], 0],
  ['mcp-cognito help doctor', ['help', 'doctor'], 0],
  ['mcp-cognito facade serve --help', ['facade', 'serve', '--help'], 0],
  ['mcp-cognito doctor --error insufficient_scope --offline', ['doctor', '--error', 'insufficient_scope', '--offline'], 0],
  ['mcp-cognito doctor --offline', ['doctor', '--offline'], 0],
  ['mcp-cognito completion bash', ['completion', 'bash'], 0],
  ['mcp-cognito completion zsh', ['completion', 'zsh'], 0],
  ['mcp-cognito create-client --bogus (usage error)', ['create-client', '--bogus'], 2],
  ['mcp-cognito add-callback (missing argument)', ['add-callback'], 2],
];

/**
 * Start-up of one Node: bare `node -e 0` and each local command, run in turns (bare, case 1, bare,
 * case 2, …) so that a change in the machine's load touches a case and its bare run alike; the
 * ratio is the median of the per-pair ratios. The first round warms the file cache (and Node
 * 22+'s compile cache) and is not counted. Returns whether every case met the target.
 */
function startup(node) {
  // Without NODE_EXTRA_CA_CERTS (set on some machines, this project's among them): Node 20 reads
  // those certificates at every start (~40 ms, Node 22+ only when TLS first needs them), which would
  // hide the CLI's own start-up in a bare Node that slow.
  const { NODE_EXTRA_CA_CERTS: _, ...rest } = process.env;
  const env = { ...rest, NO_COLOR: '1' };
  const bare = [];
  const xs = LOCAL.map(() => []);
  const ratios = LOCAL.map(() => []);
  for (let i = 0; i <= RUNS; i++) {
    LOCAL.forEach(([, args, expect], j) => {
      const b = time(node, ['-e', '0'], { env });
      const ms = time(node, [bin, ...args], { env, expect });
      if (i === 0) return;
      bare.push(b);
      xs[j].push(ms);
      ratios[j].push(ms / b);
    });
  }
  const version = spawnSync(node, ['--version'], { encoding: 'utf8' }).stdout.trim();
  console.log(`Start-up on Node ${version} (medians of ${RUNS} interleaved pairs with node -e 0; ${node === process.execPath ? 'this Node' : node})`);
  console.log(`  ${'node -e 0'.padEnd(58)} ${fmt(median(bare))}`);
  let met = true;
  LOCAL.forEach(([label], j) => {
    const r = median(ratios[j]);
    met &&= r <= TARGET;
    console.log(`  ${label.padEnd(58)} ${fmt(median(xs[j]))}   ${r.toFixed(2)}x node   ${r <= TARGET ? 'met' : 'NOT met'}`);
  });
  console.log(`  target: every local command within ${TARGET}x node -e 0 → ${met ? 'met' : 'NOT met'}\n`);
  return met;
}

startup(process.execPath);
// Node 22 and 24 as users run them (installed into .cache/node on first use); BENCH_NODES=0 skips them.
if (process.env.BENCH_NODES !== '0') for (const v of NODE_VERSIONS) startup(ensureNode(v));
// BENCH_AWS=0: start-up only.
if (process.env.BENCH_AWS === '0') process.exit(0);

// AWS commands against moto: init-pool then create-client, each run on a fresh emulator state.
const moto = await startMoto();
try {
  const env = {
    ...process.env,
    AWS_ACCESS_KEY_ID: 'test',
    AWS_SECRET_ACCESS_KEY: 'test',
    AWS_REGION: 'us-east-1',
    AWS_ENDPOINT_URL: moto.endpoint,
    CI: 'true',
    NO_COLOR: '1',
  };
  const n = Math.max(3, Math.round(RUNS / 3));
  const initPool = [];
  const createClient = [];
  for (let i = 0; i < n; i++) {
    await moto.reset();
    const cwd = mkdtempSync(join(tmpdir(), 'mcp-cognito-bench-'));
    initPool.push(time(process.execPath, [bin, 'init-pool', '--pool-name', 'bench', '--domain', `bench-x${i}`, '--json'], { cwd, env }));
    createClient.push(time(process.execPath, [bin, 'create-client', '--preset', 'copilot-studio', '--json'], { cwd, env }));
    rmSync(cwd, { recursive: true, force: true });
  }
  console.log(`\nAgainst moto on 127.0.0.1 (median of ${n} runs, fresh state each)`);
  console.log(`  ${'init-pool (pool + domain + resource server)'.padEnd(58)} ${fmt(median(initPool))}`);
  console.log(`  ${'create-client --preset copilot-studio'.padEnd(58)} ${fmt(median(createClient))}`);
} finally {
  await moto.stop();
}

const initBench = join(repoRoot, 'scripts', 'bench-init.mjs');
if (existsSync(initBench)) {
  console.log('');
  const r = spawnSync(process.execPath, [initBench], { stdio: 'inherit' });
  if (r.status !== 0) process.exitCode = r.status ?? 1;
}
