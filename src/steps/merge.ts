/**
 * The merge-and-verify loop every update goes through (engineering rule 1; issue 10 §2).
 *
 * A planned update carries its intent as a pure change function (current resource → next), plus
 * the diff shown to the person. Applying it: re-read right before writing (always, --yes too),
 * apply the change to what is there now, write every updatable field, read back, and check that
 * our change is present and nothing we sent was dropped. Another writer that got in between is
 * merged in: the lists our change touches are unions (theirs kept, ours added), and the loop runs
 * again, a bounded number of times, before a CONFLICT naming what differs. Fields our change does
 * not touch cannot be merged: if they moved since the plan (or do not read back as sent), CONFLICT.
 *
 * A write that fails without a real answer (throttled, a reset connection, a timeout, a 5xx) is
 * never sent again as it was: the resource may have changed since (another writer, or our own write
 * that landed with its answer lost), and a full-replace update sent again would take away what
 * changed. The loop reads again, merges again and writes what it merged (the writers send their
 * update once, without the SDK's automatic retry), a bounded number of times with a pause.
 */
import { CliError } from '../lib/errors.js';
import { sameValue } from '../aws/rmw.js';
import { classifyCreateFailure } from '../aws/create-once.js';
import { withResourceLock, type ResourceKey } from '../lib/resource-lock.js';

/** How a resource is seen by the loop. */
export interface MergeShape<R> {
  /** The lists our change may touch, by name (each item a string), e.g. { CallbackURLs: […] }. */
  lists(r: R): Record<string, readonly string[]>;
  /** `r` with these lists (the others as they are). */
  withLists(r: R, lists: Record<string, string[]>): R;
  /** Every other updatable field, by name; compared as sent. */
  others(r: R): Record<string, unknown>;
}

export interface MergeUpdate<R> {
  /** For messages: `app client x (id)`. */
  what: string;
  /** The operation, for messages: `UpdateUserPoolClient`. */
  operation: string;
  /** What the plan (and the person's approval) was based on. */
  planned: R;
  /** Our intent: pure, and idempotent (change(change(x)) equals change(x)). */
  change: (current: R) => R;
  shape: MergeShape<R>;
  /** A fresh read (never from a cache). */
  read: () => Promise<R>;
  /** Write `next` with every updatable field. */
  write: (next: R, current: R) => Promise<void>;
  /** The read after a write (default: `read`); e.g. waiting for the gateway to be READY. */
  readBack?: () => Promise<R>;
  /**
   * Write once even when `current` already carries the change (e.g. a gateway whose last update did
   * not go through is repaired by sending every setting again). Default: never.
   */
  force?: (current: R) => boolean;
  /** Checked on every fresh read before writing (e.g. the gateway's status); throws to stop. */
  check?: (current: R) => void;
  /** What to tell the person on a CONFLICT. */
  hint: string;
  /** Bound on write attempts (default 3). */
  attempts?: number;
  /**
   * After a write that failed without a real answer (`TRANSIENT_WRITE_FAILURES` at most): the pause
   * before reading and merging again, by failure number (default: 0.5 s, 1 s, 2 s, 4 s).
   */
  pause?: (failure: number) => Promise<void>;
  /**
   * The resource's identity for the lock the mcp-cognito processes of this machine share
   * (lib/resource-lock.ts `resourceKey`): their loops on one resource run one after the other.
   * Required: every update runs under its resource's lock, which the loop takes itself.
   */
  lockKey: ResourceKey;
}

export interface MergeResult<R> {
  /** The resource as read back last (or as read, when nothing had to be written). */
  after: R;
  /** How many writes were sent. */
  writes: number;
}

export const MERGE_ATTEMPTS = 3;
/** Writes that failed without a real answer (throttled, reset, timed out, 5xx) the loop reads, merges and writes again after. */
export const TRANSIENT_WRITE_FAILURES = 4;

const defaultPause = (n: number) => new Promise<void>((r) => setTimeout(r, Math.min(500 * 2 ** (n - 1), 4000)));

const differing = (a: Record<string, unknown>, b: Record<string, unknown>) => [...new Set([...Object.keys(a), ...Object.keys(b)])].filter((k) => !sameValue(a[k], b[k]));

/** Items of `want`'s lists that `have` lacks, as `name: item, item`. */
function missingItems(want: Record<string, readonly string[]>, have: Record<string, readonly string[]>): string[] {
  return Object.entries(want).flatMap(([k, items]) => {
    const lacking = items.filter((x) => !(have[k] ?? []).includes(x));
    return lacking.length ? [`${k} lacks ${lacking.join(', ')}`] : [];
  });
}

export async function mergeAndVerify<R>(u: MergeUpdate<R>): Promise<MergeResult<R>> {
  return withResourceLock(u.lockKey, u.what, () => loop(u));
}

async function loop<R>(u: MergeUpdate<R>): Promise<MergeResult<R>> {
  const attempts = u.attempts ?? MERGE_ATTEMPTS;
  const same = (a: R, b: R) => differing(u.shape.others(a), u.shape.others(b)).length === 0 && differing(u.shape.lists(a), u.shape.lists(b)).length === 0;
  // Items that must be present: what we wrote (ours and what was there), kept across attempts.
  const keep: Record<string, string[]> = {};
  let base = u.planned;
  let writes = 0;
  let lastMissing: string[] = [];
  // What a failed write sent: it may have landed (its answer lost), so its own values are not another writer's.
  let unanswered: R | undefined;
  let failures = 0;
  let failedJustNow = false;
  for (let attempt = 1; attempt <= attempts; attempt++) {
    // After a write that may have landed, the read after a write (a gateway's wait for READY).
    const current = await (failedJustNow ? (u.readBack ?? u.read) : u.read)();
    failedJustNow = false;
    u.check?.(current);
    const ownOthers = unanswered === undefined ? undefined : u.shape.others(unanswered);
    const moved = differing(u.shape.others(base), u.shape.others(current)).filter((k) => !ownOthers || !sameValue(ownOthers[k], u.shape.others(current)[k]));
    if (moved.length) {
      throw new CliError(`${capital(u.what)} changed while this command was running (${moved.join(', ')}).${writes ? '' : ' Nothing was changed.'}`, { code: 'CONFLICT', hint: u.hint });
    }
    // Merge: what is there now, plus what an earlier attempt wrote and another writer dropped, plus our change.
    const lists = u.shape.lists(current);
    const merged = Object.fromEntries(Object.entries(lists).map(([k, items]) => [k, [...items, ...(keep[k] ?? []).filter((x) => !items.includes(x))]]));
    const next = u.change(u.shape.withLists(current, merged));
    // Our change already there: after a write whose answer was lost, that write is what made it.
    if (same(next, current) && !(writes === 0 && u.force?.(current))) return { after: current, writes: writes || (unanswered === undefined ? 0 : 1) };
    for (const [k, items] of Object.entries(u.shape.lists(next))) keep[k] = [...items];

    try {
      await u.write(next, current);
    } catch (e) {
      // Not sent again as it was: read, merge and write again (a failure with a real answer ends here).
      const failure = classifyCreateFailure(e);
      if (failure === 'final' || ++failures > TRANSIENT_WRITE_FAILURES) throw e;
      unanswered = next;
      // It may have landed: read as after a write (a gateway: once READY). Refused before it was processed: read.
      failedJustNow = failure === 'maybe-applied';
      attempt--;
      await (u.pause ?? defaultPause)(failures);
      continue;
    }
    writes++;
    const after = await (u.readBack ?? u.read)();
    const drift = differing(u.shape.others(next), u.shape.others(after));
    if (drift.length) {
      throw new CliError(`${u.operation} was accepted, but ${u.what} does not read back as sent: ${drift.join(', ')} ${drift.length > 1 ? 'differ' : 'differs'}. Another change may have happened at the same time.`, {
        code: 'CONFLICT',
        hint: u.hint,
      });
    }
    lastMissing = missingItems(u.shape.lists(next), u.shape.lists(after));
    if (lastMissing.length === 0 && same(u.change(after), after)) return { after, writes };
    // Another writer got in between (or the write did not take): merge again.
    base = next;
  }
  throw new CliError(`${u.operation} was accepted ${writes} time${writes > 1 ? 's' : ''}, but ${u.what} still does not read back with our change: ${lastMissing.join('; ') || 'the change is missing'}. Another writer keeps changing it.`, {
    code: 'CONFLICT',
    hint: u.hint,
  });
}

const capital = (s: string) => s.charAt(0).toUpperCase() + s.slice(1);
