/**
 * The local AWS emulator (moto server) for end-to-end tests.
 *
 * Every test file that calls `useMoto()` gets its own moto server on 127.0.0.1 and a free
 * port, so test files can run in parallel. State is reset before each test.
 * See /work/shared/spec/emulator.md for what moto does and does not emulate faithfully.
 */
import { spawn, spawnSync } from 'node:child_process';
import type { ChildProcess } from 'node:child_process';
import { accessSync, constants as fsConstants, mkdirSync, rmdirSync, statSync } from 'node:fs';
import { createServer } from 'node:net';
import type { AddressInfo } from 'node:net';
import { delimiter, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, beforeEach } from 'vitest';
import { CognitoIdentityProviderClient } from '@aws-sdk/client-cognito-identity-provider';
import { BedrockAgentCoreControlClient } from '@aws-sdk/client-bedrock-agentcore-control';

// The SDK warns on Node < 22; irrelevant in tests.
process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED = 'true';

const HOST = '127.0.0.1';
const READY_TIMEOUT_MS = 30_000;
const STOP_TIMEOUT_MS = 5_000;
const INSTALL_HINT = 'moto server is not available: install it with `pip install "moto[server]"` (Python 3.9+) so that `moto_server` is on your PATH, then run the tests again.';

/** The repository root (this file is test/e2e/moto.ts). */
export const repoRoot = resolve(fileURLToPath(new URL('../..', import.meta.url)));
const venvDir = join(repoRoot, '.cache', 'moto');
const venvMotoServer = join(venvDir, 'bin', 'moto_server');

function isExecutable(file: string): boolean {
  try {
    if (!statSync(file).isFile()) return false;
    accessSync(file, fsConstants.X_OK);
    return true;
  } catch {
    return false;
  }
}

function onPath(command: string): string | undefined {
  for (const dir of (process.env.PATH ?? '').split(delimiter)) {
    if (!dir) continue;
    const candidate = join(dir, command);
    if (isExecutable(candidate)) return candidate;
  }
  return undefined;
}

/** True when `<file> --help` really runs (a pyenv shim may exist for a version without moto). */
function runs(file: string): boolean {
  const r = spawnSync(file, ['--help'], { stdio: 'ignore', timeout: 30_000 });
  return r.status === 0;
}

function run(command: string, args: string[]): Promise<void> {
  return new Promise((resolvePromise, reject) => {
    const child = spawn(command, args, { cwd: repoRoot, stdio: ['ignore', 'inherit', 'inherit'] });
    child.once('error', reject);
    child.once('exit', (code, signal) => {
      if (code === 0) resolvePromise();
      else reject(new Error(`${command} ${args.join(' ')} failed (${signal ?? `exit ${code}`})`));
    });
  });
}

const sleep = (ms: number) => new Promise<void>((r) => setTimeout(r, ms));

/** Serialises the one-time install across test workers running in parallel. */
async function withInstallLock<T>(fn: () => Promise<T>): Promise<T> {
  const lock = join(repoRoot, '.cache', 'moto.lock');
  mkdirSync(join(repoRoot, '.cache'), { recursive: true });
  const deadline = Date.now() + 10 * 60_000;
  for (;;) {
    try {
      mkdirSync(lock);
      break;
    } catch (e) {
      if ((e as NodeJS.ErrnoException).code !== 'EEXIST') throw e;
      // A lock older than 10 minutes belongs to a crashed run.
      try {
        if (Date.now() - statSync(lock).mtimeMs > 10 * 60_000) rmdirSync(lock);
      } catch {
        /* gone meanwhile */
      }
      if (Date.now() > deadline) throw new Error(`Timed out waiting for another test worker to install moto (lock ${lock}).`);
      await sleep(500);
    }
  }
  try {
    return await fn();
  } finally {
    try {
      rmdirSync(lock);
    } catch {
      /* already removed */
    }
  }
}

async function install(): Promise<string> {
  const python = onPath('python3');
  if (!python || !runs(python)) throw new Error(INSTALL_HINT);
  return withInstallLock(async () => {
    // Another worker may have finished the install while we waited for the lock.
    if (isExecutable(venvMotoServer) && runs(venvMotoServer)) return venvMotoServer;
    try {
      process.stderr.write(`moto_server not found: creating a Python virtual environment in ${venvDir}\n`);
      await run(python, ['-m', 'venv', venvDir]);
      process.stderr.write(`installing moto into it: ${join(venvDir, 'bin', 'pip')} install "moto[server]>=5.1"\n`);
      await run(join(venvDir, 'bin', 'pip'), ['install', 'moto[server]>=5.1']);
    } catch (e) {
      throw new Error(`${INSTALL_HINT} (automatic install into ${venvDir} failed: ${(e as Error).message})`);
    }
    if (!isExecutable(venvMotoServer) || !runs(venvMotoServer)) throw new Error(INSTALL_HINT);
    process.stderr.write(`moto installed: ${venvMotoServer}\n`);
    return venvMotoServer;
  });
}

let found: Promise<string> | undefined;

/**
 * The path of a working `moto_server`: the one on PATH, else the project-local one in
 * `.cache/moto`, else installs moto into `.cache/moto` (needs python3 and a package index).
 */
export function findMotoServer(): Promise<string> {
  found ??= (async () => {
    const fromPath = onPath('moto_server');
    if (fromPath && runs(fromPath)) return fromPath;
    if (isExecutable(venvMotoServer) && runs(venvMotoServer)) return venvMotoServer;
    return install();
  })();
  // Do not cache a failure: a later call may succeed once the user installed moto.
  found.catch(() => {
    found = undefined;
  });
  return found;
}

/** A free TCP port on 127.0.0.1 (listen on port 0, read it, close). */
export function freePort(): Promise<number> {
  return new Promise((resolvePromise, reject) => {
    const server = createServer();
    server.unref();
    server.once('error', reject);
    server.listen({ host: HOST, port: 0, exclusive: true }, () => {
      const { port } = server.address() as AddressInfo;
      server.close((err) => (err ? reject(err) : resolvePromise(port)));
    });
  });
}

export interface Moto {
  /** `http://127.0.0.1:<port>` */
  endpoint: string;
  /** Drops all emulated AWS state (POST /moto-api/reset). */
  reset(): Promise<void>;
  /** Kills the server (and its children) and waits until it has exited. Idempotent. */
  stop(): Promise<void>;
}

/** Servers started by this process, killed synchronously if the process exits without stop(). */
const live = new Set<ChildProcess>();
let exitHookInstalled = false;

function killGroup(child: ChildProcess, signal: NodeJS.Signals): void {
  if (child.pid === undefined) return;
  try {
    // Negative pid: the whole process group (the child was spawned detached, as group leader).
    process.kill(-child.pid, signal);
  } catch {
    try {
      child.kill(signal);
    } catch {
      /* already gone */
    }
  }
}

function installExitHook(): void {
  if (exitHookInstalled) return;
  exitHookInstalled = true;
  process.once('exit', () => {
    for (const child of live) killGroup(child, 'SIGKILL');
  });
}

function tail(text: string, lines = 30): string {
  return text.trimEnd().split('\n').slice(-lines).join('\n');
}

async function startOnce(command: string): Promise<Moto> {
  const port = await freePort();
  const endpoint = `http://${HOST}:${port}`;
  const child = spawn(command, ['-H', HOST, '-p', String(port)], {
    cwd: repoRoot,
    detached: true, // own process group, so stop() can kill children too
    stdio: ['ignore', 'pipe', 'pipe'],
    env: { ...process.env, PYTHONUNBUFFERED: '1' },
  });
  live.add(child);
  installExitHook();

  // Always drain the pipes (moto logs every request); keep only a tail for error messages.
  let output = '';
  const collect = (chunk: Buffer) => {
    output = (output + chunk.toString('utf8')).slice(-16_384);
  };
  child.stdout?.on('data', collect);
  child.stderr?.on('data', collect);

  let exited = false;
  let exitInfo = '';
  let spawnError: Error | undefined;
  const exitPromise = new Promise<void>((r) => {
    child.once('exit', (code, signal) => {
      exited = true;
      exitInfo = signal ? `signal ${signal}` : `exit code ${code}`;
      live.delete(child);
      r();
    });
  });
  child.once('error', (err) => {
    spawnError = err;
    exited = true;
    exitInfo = err.message;
    live.delete(child);
  });

  let stopped: Promise<void> | undefined;
  const stop = (): Promise<void> => {
    stopped ??= (async () => {
      if (exited) return;
      killGroup(child, 'SIGTERM');
      const timer = setTimeout(() => killGroup(child, 'SIGKILL'), STOP_TIMEOUT_MS);
      await exitPromise;
      clearTimeout(timer);
      // Reap anything left in the group (no-op when the group is empty).
      killGroup(child, 'SIGKILL');
    })();
    return stopped;
  };

  const deadline = Date.now() + READY_TIMEOUT_MS;
  for (;;) {
    if (exited) {
      await stop();
      const err = new Error(`moto_server (${command}) exited before it was ready (${exitInfo}). Its output:\n${tail(output)}`);
      (err as Error & { portInUse?: boolean }).portInUse = /address already in use/i.test(output);
      if (spawnError) err.cause = spawnError;
      throw err;
    }
    try {
      const res = await fetch(`${endpoint}/moto-api/`, { signal: AbortSignal.timeout(2_000) });
      await res.arrayBuffer();
      if (res.status === 200) break;
    } catch {
      /* not listening yet */
    }
    if (Date.now() > deadline) {
      await stop();
      throw new Error(`moto_server did not answer 200 on ${endpoint}/moto-api/ within ${READY_TIMEOUT_MS / 1000} s. Its output:\n${tail(output)}`);
    }
    await sleep(100);
  }

  return {
    endpoint,
    async reset() {
      const res = await fetch(`${endpoint}/moto-api/reset`, { method: 'POST', signal: AbortSignal.timeout(10_000) });
      const body = await res.text();
      if (!res.ok) throw new Error(`moto reset failed: HTTP ${res.status} ${body}`);
    },
    stop,
  };
}

/** Starts a moto server on 127.0.0.1 and a free port; resolves once GET /moto-api/ answers 200. */
export async function startMoto(): Promise<Moto> {
  const command = await findMotoServer();
  // The free port may be taken between probing and binding; retry a few times in that case.
  for (let attempt = 1; ; attempt++) {
    try {
      return await startOnce(command);
    } catch (e) {
      if (attempt < 3 && (e as { portInUse?: boolean }).portInUse) continue;
      throw e;
    }
  }
}

/**
 * For test files: one moto server per file (started in beforeAll, stopped in afterAll),
 * reset before each test. Call at the top level of the file (or of a describe block).
 */
export function useMoto(): { endpoint(): string } {
  let moto: Moto | undefined;
  beforeAll(async () => {
    moto = await startMoto();
  });
  afterAll(async () => {
    await moto?.stop();
    moto = undefined;
  });
  beforeEach(async () => {
    await moto?.reset();
  });
  return {
    endpoint() {
      if (!moto) throw new Error('moto is not running: call endpoint() inside a test or hook, after useMoto()’s beforeAll.');
      return moto.endpoint;
    },
  };
}

/** SDK clients pointed at moto, for tests to seed state and to read back what the CLI did. */
export function sdk(endpoint: string): { cognito: CognitoIdentityProviderClient; agentcore: BedrockAgentCoreControlClient } {
  const config = {
    region: 'us-east-1',
    endpoint,
    credentials: { accessKeyId: 'test', secretAccessKey: 'test' },
  };
  return {
    cognito: new CognitoIdentityProviderClient(config),
    agentcore: new BedrockAgentCoreControlClient(config),
  };
}
