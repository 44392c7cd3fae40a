import { spawn, spawnSync } from 'node:child_process';
import { chmodSync, existsSync, linkSync, lstatSync, mkdirSync, mkdtempSync, readFileSync, readdirSync, readlinkSync, statSync, symlinkSync, writeFileSync } from 'node:fs';
import { hostname, tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { CliError } from '../../src/lib/errors.js';
import { StateStore, acquireLock } from '../../src/lib/state.js';
import { testCtx } from './helpers.js';

const tmp = () => mkdtempSync(join(tmpdir(), 'mcp-cognito-state-'));
const POOL = 'us-east-1_AbC123xyz';

function errorOf(fn: () => unknown): CliError {
  try {
    fn();
  } catch (e) {
    return e as CliError;
  }
  throw new Error('expected an error');
}

describe('StateStore', () => {
  it('an absent file reads as an empty version-1 state and is not created by reading', () => {
    const dir = tmp();
    const s = new StateStore(join(dir, 'mcp-cognito.json'));
    expect(s.get()).toEqual({ version: 1 });
    expect(readdirSync(dir)).toEqual([]);
  });

  it('update merges and writes the contract\'s shape; a new store reads it back', () => {
    const path = join(tmp(), 'mcp-cognito.json');
    const s = new StateStore(path);
    s.update({ region: 'us-east-1', userPoolId: POOL });
    s.update({ domain: 'p-x1', resourceServer: { identifier: 'mcp', scopes: ['invoke'] } });
    s.upsertClient({ clientId: 'c1', name: 'copilot-studio-mcp', preset: 'copilot-studio' });
    s.upsertClient({ clientId: 'c2', name: 'mcp-agent-m2m', preset: 'm2m' });
    s.upsertClient({ clientId: 'c1', name: 'renamed', preset: 'copilot-studio' });
    expect(JSON.parse(readFileSync(path, 'utf8'))).toEqual({
      version: 1,
      region: 'us-east-1',
      userPoolId: POOL,
      domain: 'p-x1',
      resourceServer: { identifier: 'mcp', scopes: ['invoke'] },
      clients: [
        { clientId: 'c2', name: 'mcp-agent-m2m', preset: 'm2m' },
        { clientId: 'c1', name: 'renamed', preset: 'copilot-studio' },
      ],
    });
    expect(new StateStore(path).get().clients).toHaveLength(2);
  });

  it('a new client of a name already listed replaces the stale entry (a pool has one client per name)', () => {
    const path = join(tmp(), 'mcp-cognito.json');
    const s = new StateStore(path);
    s.upsertClient({ clientId: 'deleted1', name: 'copilot-studio-mcp', preset: 'copilot-studio' });
    s.upsertClient({ clientId: 'm1', name: 'mcp-agent-m2m', preset: 'm2m' });
    s.upsertClient({ clientId: 'new2', name: 'copilot-studio-mcp', preset: 'copilot-studio' });
    expect(new StateStore(path).get().clients).toEqual([
      { clientId: 'm1', name: 'mcp-agent-m2m', preset: 'm2m' },
      { clientId: 'new2', name: 'copilot-studio-mcp', preset: 'copilot-studio' },
    ]);
  });

  it('writes atomically: a new file is renamed over the old one, no temporary file is left', () => {
    const dir = tmp();
    const path = join(dir, 'mcp-cognito.json');
    const s = new StateStore(path);
    s.update({ region: 'us-east-1' });
    // A hard link keeps pointing at the old inode: an in-place write would change it, a rename does not.
    linkSync(path, join(dir, 'old-inode'));
    s.update({ userPoolId: POOL });
    expect(JSON.parse(readFileSync(join(dir, 'old-inode'), 'utf8'))).toEqual({ version: 1, region: 'us-east-1' });
    expect(JSON.parse(readFileSync(path, 'utf8'))).toEqual({ version: 1, region: 'us-east-1', userPoolId: POOL });
    expect(readdirSync(dir).sort()).toEqual(['mcp-cognito.json', 'old-inode']);
  });

  it('never writes a secret, even when one is passed in', () => {
    const path = join(tmp(), 'mcp-cognito.json');
    const s = new StateStore(path);
    s.update({ userPoolId: POOL, clientSecret: 'sekrit-1', accessToken: 'tok-1' } as never);
    s.upsertClient({ clientId: 'c1', name: 'n', preset: 'm2m', clientSecret: 'sekrit-2', ClientSecret: 'sekrit-3' } as never);
    const text = readFileSync(path, 'utf8');
    expect(text).not.toMatch(/sekrit|tok-1|secret|token/i);
    expect(JSON.parse(text)).toEqual({ version: 1, userPoolId: POOL, clients: [{ clientId: 'c1', name: 'n', preset: 'm2m' }] });
  });

  it('a corrupt file is an INVALID_INPUT error (exit 2) naming the file, not a crash', () => {
    const path = join(tmp(), 'mcp-cognito.json');
    writeFileSync(path, '{"version": 1, "region": ');
    const err = errorOf(() => new StateStore(path).get());
    expect(err).toBeInstanceOf(CliError);
    expect(err).toMatchObject({ code: 'INVALID_INPUT', exit: 2 });
    expect(err.message).toContain(path);
    expect(err.message).toMatch(/not valid JSON/);
    expect(err.hint).toContain('--state');
  });

  it.each([
    ['a package.json', { name: 'my-app', version: '1.0.0' }],
    ['an array', []],
    ['a future version', { version: 2, userPoolId: POOL }],
    ['a wrong type', { version: 1, clients: 'c1' }],
    ['an unknown preset', { version: 1, clients: [{ clientId: 'c', name: 'n', preset: 'mobile' }] }],
  ])('a foreign file (%s) is an error (exit 2) naming the file', (_what, content) => {
    const path = join(tmp(), 'state.json');
    writeFileSync(path, JSON.stringify(content));
    const err = errorOf(() => new StateStore(path).get());
    expect(err).toMatchObject({ code: 'INVALID_INPUT', exit: 2 });
    expect(err.message).toContain(path);
    expect(err.message).toContain('not an mcp-cognito state file');
  });

  it('a corrupt state file stops a command before any AWS call (through the Ctx)', async () => {
    const t = testCtx({}, { state: 'not json', env: {} });
    await expect(t.ctx.region()).rejects.toMatchObject({ exit: 2, message: expect.stringContaining(t.statePath) });
    await expect(t.ctx.poolId(undefined)).rejects.toMatchObject({ exit: 2 });
  });
});

describe('a state file that cannot be written', () => {
  it('is refused before the command calls AWS (exit 2)', async () => {
    const { main } = await import('../../src/cli.js');
    const out: string[] = [];
    const sink = { write: (s: string) => (out.push(s), true), isTTY: false } as unknown as NodeJS.WritableStream;
    const aws = { cognito: () => Promise.reject(new Error('no AWS call expected')) };
    const state = '/nonexistent-dir-mcp-cognito/state.json';
    const code = await main(['node', 'mcp-cognito', 'init-pool', '--state', state, '--region', 'us-east-1', '--json'], { stdout: sink, stderr: sink, env: {}, stdinIsTTY: false, aws: aws as never });
    expect(code).toBe(2);
    expect(JSON.parse(out.join(''))).toMatchObject({ success: false, error: { code: 'INVALID_INPUT', message: expect.stringContaining(state) } });
    expect(() => new StateStore(join(mkdtempSync(join(tmpdir(), 'st-')), 'ok.json')).assertWritable()).not.toThrow();
    expect(() => new StateStore(state).assertWritable()).toThrow(CliError);
  });
});

describe('several writers at once', () => {
  /** state.ts bundled once into a plain module that child processes can import. */
  let bundle: string | undefined;
  async function stateModule(): Promise<string> {
    if (bundle) return bundle;
    const { build } = await import('esbuild');
    const out = join(mkdtempSync(join(tmpdir(), 'mcp-cognito-state-bundle-')), 'state.mjs');
    await build({ entryPoints: [fileURLToPath(new URL('../../src/lib/state.ts', import.meta.url))], bundle: true, platform: 'node', format: 'esm', outfile: out, logLevel: 'error' });
    bundle = out;
    return out;
  }

  /** Run `script` (ES module source, with `StateStore` in scope) in a new Node process. */
  function runNode(script: string, args: string[]): Promise<{ code: number | null; stderr: string }> {
    return new Promise((done, fail) => {
      const child = spawn(process.execPath, ['--input-type=module', '-e', script, '--', ...args], { stdio: ['ignore', 'ignore', 'pipe'] });
      let stderr = '';
      child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
      child.once('error', fail);
      child.once('close', (code) => done({ code, stderr }));
    });
  }

  it('6 processes each adding 15 clients to one file: all 90 entries are there, and every scalar each one set', async () => {
    const mod = await stateModule();
    const path = join(tmp(), 'mcp-cognito.json');
    const script = `
      const { StateStore } = await import(${JSON.stringify(mod)});
      const [path, w] = process.argv.slice(-2);
      for (let i = 0; i < 15; i++) {
        // A new store per write: each one starts from a stale view, as separate commands do.
        new StateStore(path).upsertClient({ clientId: 'c' + w + '_' + i, name: 'client-' + w + '-' + i, preset: 'm2m' });
      }
      new StateStore(path).update(w === '0' ? { userPoolId: 'us-east-1_Pool0' } : w === '1' ? { domain: 'p-x1' } : w === '2' ? { gatewayId: 'gw-1' } : { region: 'us-east-1' });
    `;
    const runs = await Promise.all(Array.from({ length: 6 }, (_, w) => runNode(script, [path, String(w)])));
    for (const r of runs) expect(r.code, r.stderr).toBe(0);
    const state = JSON.parse(readFileSync(path, 'utf8')) as { clients: { clientId: string }[] };
    const ids = state.clients.map((c) => c.clientId).sort();
    expect(ids).toHaveLength(90);
    expect(new Set(ids).size).toBe(90);
    expect(state).toMatchObject({ version: 1, userPoolId: 'us-east-1_Pool0', domain: 'p-x1', gatewayId: 'gw-1', region: 'us-east-1' });
    // No lock and no temporary file is left behind.
    expect(readdirSync(dirname(path))).toEqual(['mcp-cognito.json']);
  });

  it('a write changes only its own keys: a store holding an old view does not undo another store\'s fields or clients', () => {
    const path = join(tmp(), 'mcp-cognito.json');
    const a = new StateStore(path);
    const b = new StateStore(path);
    a.get();
    b.get();
    a.update({ userPoolId: POOL, domain: 'p-x1' });
    a.upsertClient({ clientId: 'c1', name: 'one', preset: 'm2m' });
    b.update({ gatewayId: 'gw-1' });
    b.upsertClient({ clientId: 'c2', name: 'two', preset: 'web' });
    expect(new StateStore(path).get()).toEqual({
      version: 1,
      userPoolId: POOL,
      domain: 'p-x1',
      gatewayId: 'gw-1',
      clients: [
        { clientId: 'c1', name: 'one', preset: 'm2m' },
        { clientId: 'c2', name: 'two', preset: 'web' },
      ],
    });
    // A field set to undefined is removed (init-pool switching pools clears the old pool's fields).
    b.update({ domain: undefined, clients: [] });
    expect(new StateStore(path).get()).toEqual({ version: 1, userPoolId: POOL, gatewayId: 'gw-1', clients: [] });
  });
});

describe('a state file that is a symbolic link', () => {
  it('is written through to its target and stays a link (relative link, chain of links)', () => {
    const dir = tmp();
    mkdirSync(join(dir, 'shared'));
    writeFileSync(join(dir, 'shared', 'state.json'), JSON.stringify({ version: 1, region: 'us-east-1' }));
    symlinkSync('shared/state.json', join(dir, 'middle.json'));
    symlinkSync('middle.json', join(dir, 'mcp-cognito.json'));
    new StateStore(join(dir, 'mcp-cognito.json')).update({ userPoolId: POOL });
    expect(lstatSync(join(dir, 'mcp-cognito.json')).isSymbolicLink()).toBe(true);
    expect(lstatSync(join(dir, 'middle.json')).isSymbolicLink()).toBe(true);
    expect(readlinkSync(join(dir, 'mcp-cognito.json'))).toBe('middle.json');
    expect(JSON.parse(readFileSync(join(dir, 'shared', 'state.json'), 'utf8'))).toEqual({ version: 1, region: 'us-east-1', userPoolId: POOL });
    // The lock and the temporary file live beside the target and are gone.
    expect(readdirSync(join(dir, 'shared'))).toEqual(['state.json']);
    expect(readdirSync(dir).sort()).toEqual(['mcp-cognito.json', 'middle.json', 'shared']);
  });

  it('a dangling link gets its target created', () => {
    const dir = tmp();
    symlinkSync(join(dir, 'elsewhere.json'), join(dir, 'mcp-cognito.json'));
    new StateStore(join(dir, 'mcp-cognito.json')).upsertClient({ clientId: 'c1', name: 'n', preset: 'm2m' });
    expect(lstatSync(join(dir, 'mcp-cognito.json')).isSymbolicLink()).toBe(true);
    expect(JSON.parse(readFileSync(join(dir, 'elsewhere.json'), 'utf8')).clients).toHaveLength(1);
  });

  it('keeps the mode of an existing file', () => {
    const path = join(tmp(), 'mcp-cognito.json');
    writeFileSync(path, JSON.stringify({ version: 1 }), { mode: 0o600 });
    chmodSync(path, 0o600);
    new StateStore(path).update({ region: 'us-east-1' });
    expect(statSync(path).mode & 0o777).toBe(0o600);
  });
});

describe('the lock file', () => {
  const deadPid = (): number => {
    const r = spawnSync(process.execPath, ['-e', 'process.stdout.write(String(process.pid))'], { encoding: 'utf8' });
    return Number(r.stdout);
  };

  it('a lock left by a process that is gone is broken at once', () => {
    const path = join(tmp(), 'mcp-cognito.json');
    writeFileSync(`${path}.lock`, JSON.stringify({ pid: deadPid(), time: Date.now(), host: hostname(), token: 'x' }));
    const started = Date.now();
    new StateStore(path, { lockTimeoutMs: 2000 }).update({ region: 'us-east-1' });
    expect(Date.now() - started).toBeLessThan(1000);
    expect(existsSync(`${path}.lock`)).toBe(false);
    expect(new StateStore(path).get().region).toBe('us-east-1');
  });

  it('a lock older than the stale limit is broken even when its pid is alive (pids are reused)', () => {
    const path = join(tmp(), 'mcp-cognito.json');
    writeFileSync(`${path}.lock`, JSON.stringify({ pid: process.ppid, time: Date.now() - 60_000, host: hostname(), token: 'x' }));
    new StateStore(path, { lockTimeoutMs: 2000, staleLockMs: 30_000 }).update({ region: 'us-east-1' });
    expect(existsSync(`${path}.lock`)).toBe(false);
  });

  it('a live lock is waited for, then a clear error naming the holder; the lock and the file are untouched', () => {
    const path = join(tmp(), 'mcp-cognito.json');
    writeFileSync(path, JSON.stringify({ version: 1, region: 'eu-west-1' }));
    const lock = JSON.stringify({ pid: process.ppid, time: Date.now(), host: hostname(), token: 'other' });
    writeFileSync(`${path}.lock`, lock);
    const started = Date.now();
    const err = errorOf(() => new StateStore(path, { lockTimeoutMs: 300 }).update({ region: 'us-east-1' }));
    expect(Date.now() - started).toBeGreaterThanOrEqual(300);
    expect(err).toMatchObject({ code: 'TIMEOUT', exit: 1 });
    expect(err.message).toContain(`locked by process ${process.ppid}`);
    expect(err.message).toContain(path);
    expect(err.hint).toContain(`${path}.lock`);
    expect(readFileSync(`${path}.lock`, 'utf8')).toBe(lock);
    expect(JSON.parse(readFileSync(path, 'utf8')).region).toBe('eu-west-1');
  });

  it('a lock released while we wait is taken', async () => {
    const path = join(tmp(), 'mcp-cognito.json');
    writeFileSync(`${path}.lock`, JSON.stringify({ pid: process.ppid, time: Date.now(), host: hostname(), token: 'other' }));
    // Another process removes the lock after 150 ms (this one waits synchronously).
    const child = spawn(process.execPath, ['-e', `setTimeout(() => require('fs').unlinkSync(${JSON.stringify(`${path}.lock`)}), 150)`]);
    const exited = new Promise((r) => child.once('close', r));
    await new Promise((r) => setTimeout(r, 20));
    new StateStore(path, { lockTimeoutMs: 5000 }).update({ region: 'us-east-1' });
    await exited;
    expect(new StateStore(path).get().region).toBe('us-east-1');
  });

  it('releasing never removes a lock that is no longer ours', () => {
    const dir = tmp();
    const lockPath = join(dir, 'x.lock');
    const release = acquireLock(lockPath, join(dir, 'x'), 1000, 30_000);
    writeFileSync(lockPath, JSON.stringify({ pid: process.ppid, time: Date.now(), host: hostname(), token: 'someone-else' }));
    release();
    expect(existsSync(lockPath)).toBe(true);
  });
});
