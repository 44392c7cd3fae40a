/**
 * Non-idempotent Creates (CreateUserPool, CreateUserPoolClient, CreateResourceServer,
 * CreateUserPoolDomain, CreateGroup, AdminCreateUser, the façade's CreateRole, CreateFunction,
 * CreateFunctionUrlConfig…) are sent once, without the SDK's automatic retry: when the answer is
 * lost (connection reset, timeout, 5xx) the write may have happened, and sending it again would make
 * a second pool or client of the same name. Instead we look again and adopt what is there; we send
 * the Create again only when nothing was made, after looking long enough that a Create landing late
 * (up to MCP_COGNITO_LATE_CREATE_MS, default 60 s) is found. A failure that proves nothing was
 * written (throttling, a refused connection) is retried after a pause.
 *
 * Every Create writes its intent to the state file before it is sent (`intent`, src/lib/intents.ts):
 * a run killed after the Create landed leaves the intent, and the re-run that finds the resource by
 * name records it as created (so `teardown` removes it); an intent of an earlier run means a Create
 * may still land, so the resource is looked for before another Create is sent.
 */
import { CliError } from '../lib/errors.js';
import type { CreateIntent, IntentLog } from '../lib/intents.js';

/** What a failed Create tells us about whether it was applied. */
export type CreateFailure =
  /** Rejected before it was processed (throttling, connection refused): safe to send again. */
  | 'not-applied'
  /** The write may have happened (reset, timeout, 5xx, no answer): look before sending again. */
  | 'maybe-applied'
  /** A real answer (validation, access, quota…): not retried. */
  | 'final';

const THROTTLED = new Set(['TooManyRequestsException', 'ThrottlingException', 'Throttling', 'RequestLimitExceeded', 'SlowDown']);
/** The connection never carried the request. */
const NOT_SENT_CODES = new Set(['ECONNREFUSED', 'ENOTFOUND', 'EAI_AGAIN', 'EHOSTUNREACH', 'ENETUNREACH']);
/** The request may have reached the service, the answer did not reach us. */
const LOST_ANSWER_CODES = new Set(['ECONNRESET', 'EPIPE', 'ETIMEDOUT', 'ECONNABORTED', 'ESOCKETTIMEDOUT', 'UND_ERR_SOCKET']);
const LOST_ANSWER_NAMES = new Set(['TimeoutError', 'RequestTimeout', 'RequestTimeoutException', 'InternalErrorException', 'InternalServerException', 'InternalFailure', 'ServiceUnavailable', 'ServiceUnavailableException']);

type RawError = { name?: string; code?: string; message?: string; $metadata?: { httpStatusCode?: number }; cause?: unknown };

/** The SDK's error under the CliError that Sender wraps it in. */
function rawError(e: unknown): RawError {
  let cur: unknown = e;
  while (cur instanceof CliError && cur.cause !== undefined) cur = cur.cause;
  return (cur ?? {}) as RawError;
}

/**
 * The request timed out on our side: it may still be on its way to (or queued in) the service and
 * be applied after a look that found nothing.
 */
export function timedOut(e: unknown): boolean {
  const raw = rawError(e);
  const code = raw.code ?? (raw.cause as { code?: string } | undefined)?.code;
  return raw.name === 'TimeoutError' || code === 'ETIMEDOUT' || code === 'ESOCKETTIMEDOUT';
}

export function classifyCreateFailure(e: unknown): CreateFailure {
  const raw = rawError(e);
  const status = raw.$metadata?.httpStatusCode;
  const code = raw.code ?? (raw.cause as { code?: string } | undefined)?.code;
  if (THROTTLED.has(raw.name ?? '') || status === 429) return 'not-applied';
  if (code && NOT_SENT_CODES.has(code)) return 'not-applied';
  if (code && LOST_ANSWER_CODES.has(code)) return 'maybe-applied';
  if (LOST_ANSWER_NAMES.has(raw.name ?? '')) return 'maybe-applied';
  if (status !== undefined && status >= 500) return 'maybe-applied';
  // A 2xx whose body could not be read (a truncated answer) was applied.
  if (status !== undefined && status < 300) return 'maybe-applied';
  if (/socket hang up|Deserialization error|aborted|timed? ?out/i.test(raw.message ?? '')) return 'maybe-applied';
  return 'final';
}

export interface CreateOnceOptions<T> {
  /** Sends the Create once (no SDK retry: Sender.send(cmd, { once: true })). */
  create: () => Promise<T>;
  /**
   * Finds what a Create may have made (by name or identifier, reading afresh). Undefined: nothing
   * was made. May throw (e.g. CONFLICT when several resources carry the name).
   */
  lookup: () => Promise<T | undefined>;
  /** The "already exists" answer to a repeated Create: adopt through lookup. */
  alreadyExists?: (e: unknown) => boolean;
  /** Attempts in all (default 3, as the SDK's). */
  attempts?: number;
  /** Pause before attempt n (n ≥ 2); default exponential with jitter from 200 ms. */
  sleep?: (attempt: number) => Promise<void>;
  /** Told when a lost answer's resource is adopted (for --debug). */
  onAdopt?: (attempt: number) => void;
  /**
   * After a Create whose request may still be on its way (a timeout, a lost connection; or an
   * earlier run's pending intent), how long to keep looking before sending it again; default
   * lateCreateMs() (MCP_COGNITO_LATE_CREATE_MS, 60 s).
   */
  inFlightMs?: number;
  /** What is created: written to the state file before the Create is sent (there is no Create without it). */
  intent: CreateIntent & { log: IntentLog };
}

/** How long a Create may land late and still be found: MCP_COGNITO_LATE_CREATE_MS when a positive number, else 60 s. */
export const DEFAULT_LATE_CREATE_MS = 60_000;
export function lateCreateMs(env: NodeJS.ProcessEnv = process.env): number {
  const v = Number(env.MCP_COGNITO_LATE_CREATE_MS);
  return Number.isFinite(v) && v > 0 ? v : DEFAULT_LATE_CREATE_MS;
}

/** The request may still reach the service (no answer came back: a timeout or a lost connection), as against an answered 5xx. */
function mayStillLand(e: unknown): boolean {
  const raw = rawError(e);
  const code = raw.code ?? (raw.cause as { code?: string } | undefined)?.code;
  return timedOut(e) || (code !== undefined && LOST_ANSWER_CODES.has(code)) || (raw.$metadata?.httpStatusCode === undefined && /socket hang up|aborted|timed? ?out/i.test(raw.message ?? ''));
}

export interface CreateOnceResult<T> {
  value: T;
  /** The Create's answer was lost and what it made was found by the lookup. */
  adopted: boolean;
  /** Create requests sent. */
  sent: number;
}

const defaultSleep = (attempt: number) => new Promise<void>((r) => setTimeout(r, Math.min(200 * 2 ** (attempt - 2), 2000) * (0.5 + Math.random())));

/** Send a non-idempotent Create so that a lost answer never makes a second resource. */
export async function createOnce<T>(o: CreateOnceOptions<T>): Promise<CreateOnceResult<T>> {
  const attempts = o.attempts ?? 3;
  const sleep = o.sleep ?? defaultSleep;
  const { log, ...intent } = o.intent;
  const window = o.inFlightMs ?? lateCreateMs();
  // An earlier run's Create of this resource may have landed, or may still land: look first.
  const earlier = log.pending(intent);
  let maybeApplied = earlier !== undefined;
  if (earlier !== undefined) {
    const started = Date.now();
    const left = earlier + window - started;
    if (left > 0) log.waiting?.(intent, { agoMs: started - earlier, forMs: left });
    const found = left > 0 ? await lookLonger(o.lookup, left) : await o.lookup();
    if (found !== undefined) {
      log.made(intent, { late: true, earlierRun: true, waitedMs: Date.now() - started });
      o.onAdopt?.(0);
      return { value: found, adopted: true, sent: 0 };
    }
  }
  let last: unknown;
  for (let attempt = 1; attempt <= attempts; attempt++) {
    if (attempt > 1) await sleep(attempt);
    log.begin(intent);
    let value: T;
    try {
      value = await o.create();
    } catch (e) {
      last = e;
      if (maybeApplied && o.alreadyExists?.(e)) {
        // Our earlier, lost Create made it after all.
        const found = await o.lookup();
        if (found !== undefined) {
          log.made(intent, { late: true });
          o.onAdopt?.(attempt);
          return { value: found, adopted: true, sent: attempt };
        }
        throw e;
      }
      const kind = classifyCreateFailure(e);
      if (kind === 'final') break;
      if (kind === 'maybe-applied') {
        maybeApplied = true;
        // A request that got no answer may be applied after we look: keep looking before sending it again.
        const started = Date.now();
        const found = mayStillLand(e) ? await lookLonger(o.lookup, window) : await o.lookup();
        if (found !== undefined) {
          log.made(intent, { late: true, waitedMs: Date.now() - started });
          o.onAdopt?.(attempt);
          return { value: found, adopted: true, sent: attempt };
        }
      }
      continue;
    }
    log.made(intent);
    return { value, adopted: false, sent: attempt };
  }
  // Nothing was made, unless a Create may have been applied unseen: then the intent stays for the re-run.
  if (!maybeApplied) log.forget(intent);
  throw last;
}

/**
 * Looks up now and again (pauses of 250 ms doubling up to 2 s) until a look that began after
 * `forMs` had passed finds nothing: a look that was under way when the resource landed (a list
 * read page by page) does not count as the last one.
 */
async function lookLonger<T>(lookup: () => Promise<T | undefined>, forMs: number): Promise<T | undefined> {
  const until = Date.now() + forMs;
  for (let pause = 250; ; pause = Math.min(pause * 2, 2000)) {
    const began = Date.now();
    const found = await lookup();
    if (found !== undefined) return found;
    if (began >= until) return undefined;
    await new Promise((r) => setTimeout(r, Math.max(0, Math.min(pause, until - Date.now()))));
  }
}
