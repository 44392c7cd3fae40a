// npm run bench: start-up time against bare Node, and the AWS commands against a local moto server.
// Figures are medians of several runs on this machine; this is a measurement, not a test.
import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { repoRoot, startMoto } from './moto.mjs';

const bin = join(repoRoot, 'bin', 'mcp-cognito.js');
const RUNS = Number(process.env.BENCH_RUNS ?? 15);

function time(args, opts = {}) {
  const t = process.hrtime.bigint();
  const r = spawnSync(process.execPath, args, { encoding: 'utf8', ...opts });
  const ms = Number(process.hrtime.bigint() - t) / 1e6;
  if (r.status !== (opts.expect ?? 0)) throw new Error(`${args.join(' ')} exited ${r.status}: ${r.stderr}`);
  return ms;
}
const median = (xs) => {
  const s = [...xs].sort((a, b) => a - b);
  return s.length % 2 ? s[(s.length - 1) / 2] : (s[s.length / 2 - 1] + s[s.length / 2]) / 2;
};
function measure(label, args, opts) {
  time(args, opts); // warm the file cache
  const xs = Array.from({ length: RUNS }, () => time(args, opts));
  return { label, median: median(xs), min: Math.min(...xs) };
}
const fmt = (ms) => `${ms.toFixed(0).padStart(5)} ms`;

const rows = [];
const bare = measure('node -e 0', ['-e', '0']);
rows.push(bare);
rows.push(measure('mcp-cognito --help', [bin, '--help']));
// The first start of a new build has no V8 code cache yet (bin/mcp-cognito.js writes one).
{
  const xs = Array.from({ length: RUNS }, () => {
    const dir = mkdtempSync(join(tmpdir(), 'mcp-cognito-cold-'));
    const ms = time([bin, '--help'], { env: { ...process.env, MCP_COGNITO_CACHE_DIR: dir } });
    rmSync(dir, { recursive: true, force: true });
    return ms;
  });
  rows.push({ label: 'mcp-cognito --help, first start (no code cache yet)', median: median(xs), min: Math.min(...xs) });
}
rows.push(measure('mcp-cognito --version', [bin, '--version']));
const help = spawnSync(process.execPath, [bin, '--help'], { encoding: 'utf8' }).stdout;
if (/\bdoctor\b/.test(help)) {
  rows.push(measure('mcp-cognito doctor --error insufficient_scope --offline', [bin, 'doctor', '--error', 'insufficient_scope', '--offline'], { env: { ...process.env, NO_COLOR: '1' } }));
}
console.log(`Start-up (median of ${RUNS} runs; Node ${process.version})`);
for (const r of rows) console.log(`  ${r.label.padEnd(58)} ${fmt(r.median)}   ${(r.median / bare.median).toFixed(2)}x node`);

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
    initPool.push(time([bin, 'init-pool', '--pool-name', 'bench', '--domain', `bench-x${i}`, '--json'], { cwd, env }));
    createClient.push(time([bin, 'create-client', '--preset', 'copilot-studio', '--json'], { cwd, env }));
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
