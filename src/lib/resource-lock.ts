/**
 * A lock per AWS resource shared by the mcp-cognito processes of this machine, held around the
 * merge-and-verify loop of an update (steps/merge.ts). AWS has no conditional update for app
 * clients, resource servers or gateways: two processes that read, merge and write the same client
 * at once each verify their own write, and the later write drops the earlier one's item (five
 * add-callback at once kept three URLs). Under the lock the loops run one after the other, each
 * re-reading what the previous one wrote. Writers elsewhere (the console, another machine) are
 * still handled by the loop's re-read and read-back.
 *
 * The lock is a file in the temporary directory (`mcp-cognito-locks/<hash of the key>.lock`, or
 * MCP_COGNITO_LOCK_DIR;
 * created exclusively, holding pid, host and time). A lock whose process is gone on this host, or
 * older than `staleMs`, is broken.
 *
 * By construction (issue 17 §1): a resource's key is a `ResourceKey`, which only `resourceKey`
 * below makes, and the shared merge loop (steps/merge.ts) requires one and takes its lock itself: a
 * writer without a lock does not type-check. A lock this async context already holds is re-entered
 * (delete-client holds the client's lock while the gateway loops run under the gateway's).
 */
import { AsyncLocalStorage } from 'node:async_hooks';
import { createHash, randomBytes } from 'node:crypto';
import { mkdirSync, readFileSync, renameSync, unlinkSync, writeFileSync } from 'node:fs';
import { hostname, tmpdir } from 'node:os';
import { join } from 'node:path';
import { CliError } from './errors.js';

export interface ResourceLockOptions {
  /** Where the lock files live (default MCP_COGNITO_LOCK_DIR, else `<tmpdir>/mcp-cognito-locks`). */
  dir?: string;
  /** How long to wait for another process (default 10 minutes: a gateway update may wait for READY). */
  timeoutMs?: number;
  /** A lock older than this is broken whatever its process (default 15 minutes). */
  staleMs?: number;
  /** Told once when another process holds the lock (e.g. a progress line). */
  onWait?: () => void;
}

interface Holder {
  pid: number;
  host: string;
  time: number;
  token: string;
}

function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (e) {
    return (e as NodeJS.ErrnoException).code === 'EPERM';
  }
}

function read(path: string): Holder | undefined | 'garbage' {
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch {
    return undefined;
  }
  try {
    return JSON.parse(text) as Holder;
  } catch {
    return 'garbage';
  }
}

declare const keyBrand: unique symbol;
/** A resource's identity for its lock; made only by `resourceKey`. */
export type ResourceKey = string & { readonly [keyBrand]: 'ResourceKey' };

/** The lock keys of the resources mcp-cognito updates (one per resource, whatever the command). */
export const resourceKey = {
  client: (poolId: string, clientId: string) => `cognito-idp app client ${poolId}/${clientId}` as ResourceKey,
  gateway: (gatewayId: string) => `bedrock-agentcore gateway ${gatewayId}` as ResourceKey,
  resourceServer: (poolId: string, identifier: string) => `cognito-idp resource server ${poolId}/${identifier}` as ResourceKey,
  facade: (region: string, functionName: string) => `mcp-cognito facade ${region}/${functionName}` as ResourceKey,
};

/** The keys the current async context holds (re-entered, not taken again). */
const held = new AsyncLocalStorage<ReadonlySet<string>>();

/** Whether this async context holds the lock of `key`. */
export const holdsResourceLock = (key: ResourceKey): boolean => held.getStore()?.has(key) ?? false;

/** Runs `fn` holding the lock of `key` (e.g. `resourceKey.client(pool, client)`). */
export async function withResourceLock<T>(key: ResourceKey, what: string, fn: () => Promise<T>, o: ResourceLockOptions = {}): Promise<T> {
  const outer = held.getStore();
  if (outer?.has(key)) return fn();
  return takeLock(key, what, () => held.run(new Set([...(outer ?? []), key]), fn), o);
}

async function takeLock<T>(key: string, what: string, fn: () => Promise<T>, o: ResourceLockOptions): Promise<T> {
  const dir = o.dir ?? (process.env.MCP_COGNITO_LOCK_DIR || join(tmpdir(), 'mcp-cognito-locks'));
  const path = join(dir, `${createHash('sha256').update(key).digest('hex').slice(0, 32)}.lock`);
  const timeoutMs = o.timeoutMs ?? 10 * 60_000;
  const staleMs = o.staleMs ?? 15 * 60_000;
  const mine: Holder = { pid: process.pid, host: hostname(), time: Date.now(), token: randomBytes(8).toString('hex') };
  const deadline = Date.now() + timeoutMs;
  let told = false;
  let pause = 20;
  for (;;) {
    try {
      mkdirSync(dir, { recursive: true, mode: 0o700 });
      writeFileSync(path, JSON.stringify(mine), { flag: 'wx', mode: 0o600 });
      break;
    } catch (e) {
      if ((e as NodeJS.ErrnoException).code !== 'EEXIST') throw new CliError(`Cannot take the lock for ${what} (${path}: ${(e as Error).message}).`, { code: 'INTERNAL', hint: 'Check that the temporary directory is writable.', cause: e });
    }
    const h = read(path);
    if (h === undefined) continue;
    const stale = h === 'garbage' ? false : (h.host === hostname() && !alive(h.pid)) || Date.now() - h.time > staleMs;
    if (stale) {
      // Moved aside first: only one waiter breaks it.
      const aside = `${path}.${mine.token}.stale`;
      try {
        renameSync(path, aside);
        unlinkSync(aside);
      } catch {
        /* another waiter broke it */
      }
      continue;
    }
    if (Date.now() >= deadline) {
      const who = h === 'garbage' ? 'another process' : `process ${h.pid}${h.host !== hostname() ? ` on ${h.host}` : ''}`;
      throw new CliError(`Another mcp-cognito (${who}) is still changing ${what}; waited ${Math.round(timeoutMs / 1000)} s.`, { code: 'TIMEOUT', hint: `Run the command again when it has finished. If none is running, remove ${path}.` });
    }
    if (!told) o.onWait?.();
    told = true;
    await new Promise((r) => setTimeout(r, pause + Math.floor(Math.random() * pause)));
    pause = Math.min(pause * 2, 250);
  }
  try {
    return await fn();
  } finally {
    const h = read(path);
    if (h !== undefined && h !== 'garbage' && h.token === mine.token) {
      try {
        unlinkSync(path);
      } catch {
        /* gone */
      }
    }
  }
}
