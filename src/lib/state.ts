import { randomBytes } from 'node:crypto';
import {
  accessSync,
  closeSync,
  constants as fsConstants,
  existsSync,
  fchmodSync,
  fsyncSync,
  linkSync,
  lstatSync,
  openSync,
  readFileSync,
  readdirSync,
  readlinkSync,
  renameSync,
  statSync,
  unlinkSync,
  writeSync,
} from 'node:fs';
import { hostname } from 'node:os';
import { basename, dirname, resolve } from 'node:path';
import * as z from 'zod/mini';
import { CliError } from './errors.js';
import { PRESETS, type Preset } from '../domain/presets.js';

export { PRESETS, type Preset };

const StateClient = z.object({
  clientId: z.string(),
  name: z.string(),
  preset: z.enum(PRESETS),
});
export type StateClient = z.infer<typeof StateClient>;

/** A façade deployed by `facade deploy` (names only: the secrets live in SSM SecureString parameters). */
const StateFacade = z.object({
  functionName: z.string(),
  roleName: z.string(),
  parameterNames: z.array(z.string()),
  region: z.string(),
  clientId: z.string(),
  url: z.optional(z.string()),
  /** deploy made these resources (remove deletes them). */
  created: z.literal(true),
  /** deploy added <url>/callback to the client (remove takes it away only then). */
  callbackAdded: z.boolean(),
  /** The ClientSecretId whose value the façade's parameter holds (rotate-secret sets it; an ID, never a value). */
  secretId: z.optional(z.string()),
  /** The KMS key of its parameters (--kms-key-arn; none: the AWS managed key), for rotate-secret's update of the secret. */
  kmsKeyArn: z.optional(z.string()),
  /** The façade allows Copilot Studio's Dynamic discovery (facade deploy --copilot-studio), as last deployed. */
  copilotStudio: z.optional(z.boolean()),
});
export type StateFacade = z.infer<typeof StateFacade>;

/**
 * A secret rotation of one app client (rotate-secret), recorded before AddUserPoolClientSecret is
 * sent and updated as it goes: secret IDs and times only, never a value.
 */
const StateRotation = z.object({
  userPoolId: z.string(),
  clientId: z.string(),
  /** The client's secret IDs before the Add. */
  before: z.array(z.string()),
  /** ISO time right before the Add was sent; and when this process stopped waiting for its answer (lost or failed). */
  sentAt: z.string(),
  gaveUpAt: z.optional(z.string()),
  /** The secret the Add made (from its answer): ours. */
  addedId: z.optional(z.string()),
  /** Where its value went: `stdout`, `file:<path>`, `facade:<function>`. Empty: never delivered. */
  deliveredTo: z.array(z.string()),
});
export type StateRotation = z.infer<typeof StateRotation>;

/**
 * Resources by kind: the pool ID, the domain prefix, the resource server identifier, client IDs,
 * user names, group names. A resource in neither record (a state file older than the records)
 * counts as adopted: never deleted.
 */
const Owned = z.object({
  userPool: z.optional(z.string()),
  domain: z.optional(z.string()),
  resourceServer: z.optional(z.string()),
  clients: z.optional(z.array(z.string())),
  users: z.optional(z.array(z.string())),
  groups: z.optional(z.array(z.string())),
});
export type Owned = z.infer<typeof Owned>;
/**
 * Besides: the client IDs this tool added to each gateway's allowedClients (the gateway itself is
 * never ours), and the allowed scopes and MCP versions it added there (teardown keeps those and says
 * so: clients added later may rely on them).
 */
const GatewayAdditions = z.object({ gatewayId: z.string(), clientIds: z.array(z.string()), allowedScopes: z.optional(z.array(z.string())), supportedVersions: z.optional(z.array(z.string())) });
export type GatewayAdditions = z.infer<typeof GatewayAdditions>;
const Created = z.extend(Owned, { gatewayClients: z.optional(z.array(GatewayAdditions)) });
export type Created = z.infer<typeof Created>;

/**
 * A Create about to be sent (src/aws/create-once.ts): written before the request goes out, gone once
 * what it made is recorded as created (src/lib/ownership.ts) or it is known that nothing was made. A
 * re-run that finds a resource of that kind and name records it as created; while it is recent, a
 * Create that may still land is looked for before another is sent.
 */
const Intent = z.object({ kind: z.string(), name: z.string(), in: z.optional(z.string()), status: z.literal('creating'), since: z.string() });
export type Intent = z.infer<typeof Intent>;

export const StateSchema = z.object({
  version: z.literal(1),
  region: z.optional(z.string()),
  userPoolId: z.optional(z.string()),
  domain: z.optional(z.string()),
  resourceServer: z.optional(z.object({ identifier: z.string(), scopes: z.array(z.string()) })),
  clients: z.optional(z.array(StateClient)),
  gatewayId: z.optional(z.string()),
  /** What this tool created (teardown removes only these) and what it found and adopted (never removed). */
  created: z.optional(Created),
  adopted: z.optional(Owned),
  /** The OAuth façade `facade deploy` made (`facade remove` removes it). */
  facade: z.optional(StateFacade),
  /** Creates sent (or about to be) whose resource is not recorded yet. */
  creating: z.optional(z.array(Intent)),
  /** What `facade serve` registered: one loopback callback per host and port, on the façade's client. */
  facadeServe: z.optional(z.object({ clientId: z.string(), callbacks: z.array(z.string()) })),
  /** Secret rotations under way or last done, one per client (rotate-secret). */
  rotations: z.optional(z.array(StateRotation)),
});
export type State = z.infer<typeof StateSchema>;

/** Keys that must never be written (defence in depth: the schema already strips unknown keys). */
const SECRET_KEY = /secret|token|password/i;

export interface StateStoreOptions {
  /** How long to wait for another process's lock before giving up (default 10 s). */
  lockTimeoutMs?: number;
  /** A lock older than this is stale whatever its process (default 30 s; a write holds it for milliseconds). */
  staleLockMs?: number;
}

/**
 * The project state file (`mcp-cognito.json`): what this project set up, so later commands
 * need no IDs. Never holds a secret.
 *
 * Several processes may share it (two terminals, a pipeline): every write takes a lock file beside
 * the file (`<file>.lock`, created exclusively, holding the writer's pid and time), re-reads the
 * file under the lock, applies only this write's change to what is there now (clients merged by
 * clientId; other fields only where this write sets them), and replaces the file atomically
 * (temporary file, fsync, rename). A lock left by a dead process, or older than `staleLockMs`, is
 * broken; a live one is waited for up to `lockTimeoutMs`. A state file that is a symbolic link is
 * written through to its target and stays a link.
 */
export class StateStore {
  private data: State | undefined;
  private loaded = false;
  private readonly lockTimeoutMs: number;
  private readonly staleLockMs: number;

  constructor(
    readonly path: string,
    opts: StateStoreOptions = {},
  ) {
    this.lockTimeoutMs = opts.lockTimeoutMs ?? 10_000;
    this.staleLockMs = opts.staleLockMs ?? 30_000;
  }

  /** The state, or an empty one when the file does not exist. A corrupt or foreign file is an error. */
  get(): State {
    if (!this.loaded) {
      this.data = readState(this.path);
      this.loaded = true;
    }
    return this.data ?? { version: 1 };
  }

  /**
   * The state file, when it exists, is a regular file (through symbolic links): a FIFO, a device, a
   * socket or a directory is refused at once (exit 2) without being opened (reading a FIFO hangs).
   */
  assertRegularFile(): void {
    notARegularFile(this.path);
  }

  /** The state as it is on disk now (another process may have written it since `get`). */
  fresh(): State {
    this.loaded = false;
    return this.get();
  }

  /** A state file that could not be written is found before anything changes in AWS (exit 2). */
  assertWritable(): void {
    const real = resolveTarget(this.path);
    const target = existsSync(real) ? real : dirname(real);
    try {
      accessSync(target, fsConstants.W_OK);
      if (target === real) accessSync(dirname(real), fsConstants.W_OK);
    } catch {
      throw new CliError(`The state file ${this.path} cannot be written (${target === real ? dirname(real) : target} is not writable or does not exist).`, {
        code: 'INVALID_INPUT',
        exit: 2,
        hint: 'Run from a writable directory, or point --state at a writable file.',
      });
    }
  }

  /**
   * Set the fields in `patch` (a field set to undefined is removed) on the state as it is on disk
   * now, under the lock; every other field keeps what another process may have written meanwhile.
   */
  update(patch: Partial<Omit<State, 'version'>>): State {
    return this.modify((current) => {
      const next: Record<string, unknown> = { ...current };
      for (const [k, v] of Object.entries(patch)) {
        if (v === undefined) delete next[k];
        else next[k] = v;
      }
      return { ...(next as State), version: 1 };
    });
  }

  /**
   * Add or replace a client entry, keyed by clientId and by name: names are unique in a pool, so
   * an entry of the same name with another ID is a client that no longer exists. Entries other
   * processes added meanwhile are kept.
   */
  upsertClient(client: StateClient): State {
    return this.modify((current) => {
      const clients = (current.clients ?? []).filter((c) => c.clientId !== client.clientId && c.name !== client.name);
      clients.push(client);
      return { ...current, clients };
    });
  }

  /**
   * Apply a pure change to the state as it is on disk now, under the lock (the records of
   * src/lib/ownership.ts go through here, so that another process's entries are kept).
   */
  change(change: (current: State) => State): State {
    return this.modify(change);
  }

  /** Lock, re-read, apply `change` to the state on disk, write atomically, unlock. */
  private modify(change: (current: State) => State): State {
    const real = resolveTarget(this.path);
    const release = acquireLock(`${real}.lock`, this.path, this.lockTimeoutMs, this.staleLockMs);
    try {
      const current = readState(real, this.path) ?? { version: 1 };
      const next = change(current);
      writeState(real, this.path, next);
      this.data = StateSchema.parse(next);
      this.loaded = true;
      return this.data;
    } finally {
      release();
    }
  }
}

/** The file a path finally names: symbolic links followed (even a dangling one), relative to their directory. */
export function resolveTarget(path: string): string {
  let p = resolve(path);
  for (let hops = 0; hops < 40; hops++) {
    let st;
    try {
      st = lstatSync(p);
    } catch {
      return p;
    }
    if (!st.isSymbolicLink()) return p;
    p = resolve(dirname(p), readlinkSync(p));
  }
  throw new CliError(`The state file ${path} is a loop of symbolic links.`, { code: 'INVALID_INPUT', exit: 2 });
}

interface LockInfo {
  pid: number;
  time: number;
  host: string;
  token: string;
}

const sleepCell = new Int32Array(new SharedArrayBuffer(4));
/** A synchronous pause (the state store's callers are synchronous; a write holds the lock for milliseconds). */
function sleepSync(ms: number): void {
  Atomics.wait(sleepCell, 0, 0, ms);
}

function processIsAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (e) {
    // EPERM: it exists but belongs to someone else.
    return (e as NodeJS.ErrnoException).code === 'EPERM';
  }
}

function readLock(lockPath: string): { text: string; info?: LockInfo; mtimeMs: number } | undefined {
  try {
    const text = readFileSync(lockPath, 'utf8');
    const mtimeMs = statSync(lockPath).mtimeMs;
    let info: LockInfo | undefined;
    try {
      info = JSON.parse(text) as LockInfo;
    } catch {
      /* being written, or garbage: judged by its age */
    }
    return { text, info, mtimeMs };
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
    throw e;
  }
}

/**
 * Take `<file>.lock` (O_CREAT|O_EXCL). Returns the release function. A stale lock (its process is
 * gone on this host, or it is older than `staleMs`) is moved aside atomically and removed; only
 * the process whose rename succeeds breaks it, and a lock that turns out fresh is put back.
 */
export function acquireLock(lockPath: string, statePath: string, timeoutMs: number, staleMs: number): () => void {
  const mine: LockInfo = { pid: process.pid, time: Date.now(), host: hostname(), token: randomBytes(8).toString('hex') };
  const deadline = Date.now() + timeoutMs;
  let delay = 5;
  let holder: LockInfo | undefined;
  for (;;) {
    try {
      const fd = openSync(lockPath, 'wx', 0o600);
      try {
        writeSync(fd, JSON.stringify(mine));
      } finally {
        closeSync(fd);
      }
      break;
    } catch (e) {
      const code = (e as NodeJS.ErrnoException).code;
      if (code !== 'EEXIST') {
        throw new CliError(`Cannot lock the state file ${statePath} (${lockPath}: ${(e as Error).message}).`, { code: 'INTERNAL', exit: 1, hint: 'Check that its directory is writable.', cause: e });
      }
    }
    const seen = readLock(lockPath);
    if (!seen) continue;
    holder = seen.info;
    const age = Date.now() - (seen.info?.time ?? seen.mtimeMs);
    const dead = seen.info?.host === hostname() && typeof seen.info.pid === 'number' && !processIsAlive(seen.info.pid);
    // Unparseable content gets a moment to be written before it counts as stale.
    const stale = dead || age > staleMs || (!seen.info && Date.now() - seen.mtimeMs > 1000);
    if (stale) {
      breakStaleLock(lockPath, seen.text);
      continue;
    }
    if (Date.now() >= deadline) {
      const who = holder ? `process ${holder.pid}${holder.host !== hostname() ? ` on ${holder.host}` : ''} since ${new Date(holder.time).toISOString()}` : 'another process';
      throw new CliError(`The state file ${statePath} is locked by ${who}: another mcp-cognito is writing it, and did not finish within ${Math.round(timeoutMs / 1000)} s.`, {
        code: 'TIMEOUT',
        exit: 1,
        hint: `Run the command again when the other one has finished. If none is running, remove ${lockPath}.`,
      });
    }
    sleepSync(delay + Math.floor(Math.random() * delay));
    delay = Math.min(delay * 2, 100);
  }
  return () => {
    // Remove the lock only while it is still ours (a lock broken as stale may belong to another now).
    const seen = readLock(lockPath);
    if (seen?.info?.token === mine.token) {
      try {
        unlinkSync(lockPath);
      } catch {
        /* already gone */
      }
    }
  };
}

function breakStaleLock(lockPath: string, staleText: string): void {
  const aside = `${lockPath}.${process.pid}.${randomBytes(4).toString('hex')}.stale`;
  try {
    renameSync(lockPath, aside);
  } catch {
    return; // another process broke it first
  }
  let taken = '';
  try {
    taken = readFileSync(aside, 'utf8');
  } catch {
    /* judged below */
  }
  if (taken !== staleText) {
    // Between our look and our rename the lock was replaced by a live one: put it back if the place is free.
    try {
      linkSync(aside, lockPath);
    } catch {
      /* a newer lock exists: that one wins */
    }
  }
  try {
    unlinkSync(aside);
  } catch {
    /* gone */
  }
}

/** Refuse (exit 2) a path that exists and is not a regular file, without opening it. */
function notARegularFile(path: string, shownPath = path): void {
  let st;
  try {
    st = statSync(path);
  } catch {
    return; // does not exist (or a dangling link): a new file
  }
  if (st.isFile()) return;
  const what = st.isFIFO() ? 'a named pipe (FIFO)' : st.isDirectory() ? 'a directory' : st.isCharacterDevice() || st.isBlockDevice() ? 'a device' : st.isSocket() ? 'a socket' : 'not a regular file';
  throw new CliError(`The state file ${shownPath} is ${what}, not a regular file.`, { code: 'INVALID_INPUT', exit: 2, hint: 'Point --state at a JSON file (it is created when missing).' });
}

function readState(path: string, shownPath = path): State | undefined {
  notARegularFile(path, shownPath);
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
    throw new CliError(`Cannot read the state file ${shownPath}: ${(e as Error).message}.`, { code: 'INVALID_INPUT', exit: 2 });
  }
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch (e) {
    throw new CliError(`The state file ${shownPath} is not valid JSON (${(e as Error).message}).`, {
      code: 'INVALID_INPUT',
      exit: 2,
      hint: 'Fix or remove the file, or point --state at another file.',
    });
  }
  const r = StateSchema.safeParse(json);
  if (!r.success) {
    const issue = r.error.issues[0];
    const where = issue?.path.length ? ` at "${issue.path.join('.')}"` : '';
    throw new CliError(`The state file ${shownPath} is not an mcp-cognito state file (version 1): ${issue?.message ?? 'invalid'}${where}.`, {
      code: 'INVALID_INPUT',
      exit: 2,
      hint: 'Fix or remove the file, or point --state at another file.',
    });
  }
  return r.data;
}

/**
 * Replace `real` atomically: a temporary file beside it (the existing file's mode, else 0644),
 * fsync, rename over it, fsync the directory. A reader sees the old file or the new one, never half.
 */
function writeState(real: string, shownPath: string, state: State): void {
  const parsed = StateSchema.parse(state);
  const text = JSON.stringify(parsed, null, 2) + '\n';
  if (Object.keys(parsed).some((k) => SECRET_KEY.test(k))) throw new Error('refusing to write a secret to the state file');
  let mode = 0o644;
  try {
    mode = statSync(real).mode & 0o777;
  } catch {
    /* a new file */
  }
  try {
    writeFileAtomic(real, text, mode);
  } catch (e) {
    throw new CliError(`Cannot write the state file ${shownPath}: ${(e as Error).message}.`, { code: 'INTERNAL', exit: 1, hint: 'What was created is in AWS; fix the file system problem and run the same command again to record it.' });
  }
  fsyncDir(dirname(real));
}

/**
 * Replace `real` with `text` atomically: a new temporary file beside it, created with exactly
 * `mode` (O_EXCL; fchmod against a permissive umask) before anything is written into it, synced,
 * then renamed over `real`. The state file and dotenv files (which hold secrets) are written so.
 */
export function writeFileAtomic(real: string, text: string, mode: number): void {
  removeStaleTemporaries(real);
  const tmp = `${real}.${process.pid}.${randomBytes(4).toString('hex')}.tmp`;
  try {
    const fd = openSync(tmp, 'wx', mode);
    try {
      fchmodSync(fd, mode);
      writeSync(fd, text);
      fsyncSync(fd);
    } finally {
      closeSync(fd);
    }
    renameSync(tmp, real);
  } catch (e) {
    try {
      unlinkSync(tmp);
    } catch {
      /* already gone */
    }
    throw e;
  }
}

/**
 * Temporary files of ours beside `real` (`<name>.<pid>.<8 hex>.tmp`) left by a write that was
 * killed: removed when their process is gone, or when they are older than an hour (a pid reused).
 */
function removeStaleTemporaries(real: string): void {
  const dir = dirname(real);
  const prefix = `${basename(real)}.`;
  let names: string[];
  try {
    names = readdirSync(dir).filter((n) => n.startsWith(prefix) && n.endsWith('.tmp'));
  } catch {
    return;
  }
  for (const n of names) {
    const m = /^\.(\d+)\.[0-9a-f]{8}\.tmp$/.exec(n.slice(prefix.length - 1));
    if (!m) continue;
    const pid = Number(m[1]);
    const path = `${dir}/${n}`;
    try {
      const old = Date.now() - lstatSync(path).mtimeMs > 3_600_000;
      if (pid !== process.pid && (old || !processIsAlive(pid))) unlinkSync(path);
    } catch {
      /* gone already */
    }
  }
}

function fsyncDir(dir: string): void {
  try {
    const fd = openSync(dir, 'r');
    try {
      fsyncSync(fd);
    } finally {
      closeSync(fd);
    }
  } catch {
    /* not supported on every platform: the rename is still atomic */
  }
}
