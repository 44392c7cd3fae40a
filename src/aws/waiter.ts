/**
 * Polling until a resource settles, on the SDK's own waiter (@smithy/util-waiter: exponential
 * backoff with jitter between minDelay and maxDelay). The deadline is ours: when less than one
 * maximum delay is left, one last look is taken at the deadline itself and its verdict stands
 * (TIMEOUT if still pending), so the last seconds are never spent polling in a tight loop.
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
  const maxDelayMs = o.maxDelaySeconds * 1000;
  let last: T | undefined;
  let error: unknown;
  let outcome: WaitOutcome<T>['state'] = 'timeout';
  await createWaiter(
    // The waiter gives up on its own when its next (jittered) delay would pass its bound, without a
    // last look: its bound is set past ours, and our check below ends the wait at our deadline.
    { client: {}, minDelay: o.minDelaySeconds, maxDelay: o.maxDelaySeconds, maxWaitTime: o.timeoutSeconds + o.maxDelaySeconds + 1 },
    undefined,
    async () => {
      try {
        last = await o.poll();
      } catch (e) {
        // A failed read ends the wait with that error (the SDK client has already retried it).
        error = e;
        return { state: WaiterState.FAILURE };
      }
      let v = o.verdict(last);
      const left = deadline - Date.now();
      if (v === 'pending' && left < maxDelayMs) {
        // Less than the longest delay left (the waiter's next one could pass the deadline): one last look at the deadline itself, then the verdict stands.
        o.onPending?.(last, Math.round((Date.now() - started) / 1000));
        if (left > 0) {
          await new Promise((r) => setTimeout(r, left));
          try {
            last = await o.poll();
          } catch (e) {
            error = e;
            return { state: WaiterState.FAILURE };
          }
          v = o.verdict(last);
        }
        if (v === 'pending') {
          outcome = 'timeout';
          return { state: WaiterState.TIMEOUT };
        }
      }
      if (v === 'done' || v === 'failed') {
        outcome = v;
        return { state: v === 'done' ? WaiterState.SUCCESS : WaiterState.FAILURE };
      }
      o.onPending?.(last, Math.round((Date.now() - started) / 1000));
      return { state: WaiterState.RETRY };
    },
  );
  if (error !== undefined) throw error;
  return { state: outcome, last: last as T };
}
