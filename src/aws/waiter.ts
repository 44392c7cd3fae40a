/**
 * Polling until a resource settles, on the SDK's own waiter (@smithy/util-waiter: exponential
 * backoff with jitter between minDelay and maxDelay). The deadline is ours: a poll whose answer is
 * not final and leaves less than one minimum delay before the deadline ends the wait (TIMEOUT),
 * so the last seconds are never spent polling in a tight loop.
 * The waiter module is loaded on first use (never at start-up).
 */

export type PollVerdict = 'done' | 'failed' | 'pending';

export interface WaitOptions<T> {
  /** The bound, in seconds (0: one look, no waiting). */
  timeoutSeconds: number;
  /** Backoff bounds, in seconds. */
  minDelaySeconds: number;
  maxDelaySeconds: number;
  /** One read (fresh: never from a cache). */
  poll: () => Promise<T>;
  verdict: (answer: T) => PollVerdict;
  /** Called after each answer that is not final, with the seconds waited so far (progress). */
  onPending?: (answer: T, elapsedSeconds: number) => void;
}

export interface WaitOutcome<T> {
  state: 'done' | 'failed' | 'timeout';
  /** The last answer read. */
  last: T;
}

export async function waitUntil<T>(o: WaitOptions<T>): Promise<WaitOutcome<T>> {
  const { createWaiter, WaiterState } = await import('@smithy/util-waiter');
  const started = Date.now();
  const deadline = started + o.timeoutSeconds * 1000;
  const minDelayMs = o.minDelaySeconds * 1000;
  let last: T | undefined;
  let error: unknown;
  let outcome: WaitOutcome<T>['state'] = 'timeout';
  await createWaiter(
    // The waiter shortens its last delay to its bound; our check below ends the wait before it.
    { client: {}, minDelay: o.minDelaySeconds, maxDelay: o.maxDelaySeconds, maxWaitTime: Math.max(o.timeoutSeconds, o.minDelaySeconds + 1) },
    undefined,
    async () => {
      try {
        last = await o.poll();
      } catch (e) {
        // A failed read ends the wait with that error (the SDK client has already retried it).
        error = e;
        return { state: WaiterState.FAILURE };
      }
      const v = o.verdict(last);
      if (v === 'done' || v === 'failed') {
        outcome = v;
        return { state: v === 'done' ? WaiterState.SUCCESS : WaiterState.FAILURE };
      }
      if (deadline - Date.now() < minDelayMs) {
        outcome = 'timeout';
        return { state: WaiterState.TIMEOUT };
      }
      o.onPending?.(last, Math.round((Date.now() - started) / 1000));
      return { state: WaiterState.RETRY };
    },
  );
  if (error !== undefined) throw error;
  return { state: outcome, last: last as T };
}
