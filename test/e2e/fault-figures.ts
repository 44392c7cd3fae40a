/**
 * The fault-injection suite's figures: counted by the tests (fault-kit.ts, `record`) and summed by
 * test/faults-reporter.ts. A module of its own, with no imports, because the reporter runs in
 * vitest's main process: importing fault-kit there loaded the SDK and the emulator into it (~7 s
 * before the first test).
 */
/** What the suite counts; summed over tests by test/faults-reporter.ts (task.meta.faultFigures). */
export interface Figures {
  /** Faults the front applied (every kind, every attempt). */
  faultsTried: number;
  /** Runs with faults that exited 0 in the intended end state. */
  survived: number;
  /** Runs that failed with one clear error and whose clean re-run reached the end state. */
  failedThenRerun: number;
  /** Failures with no clear error (a stack trace, no message), or a re-run that did not finish. */
  unclear: number;
  /** Resources beyond one per name. */
  duplicates: number;
  /** Another writer's items (or a concurrent process's) missing at the end. */
  itemsLost: number;
  /** Another writer changed the resource between our read and our write (hooks). */
  writersBetween: number;
  /** Processes run at once on one resource or one state file. */
  concurrentProcesses: number;
  badInputs: number;
  badInputsHandled: number;
  /** Runs killed (SIGKILL) right after a write landed, then run again. */
  killsAfterWrite: number;
  /** Resources left after `teardown` that the runs made (issue 17). */
  orphansAfterTeardown: number;
}

export const noFigures = (): Figures => ({ faultsTried: 0, survived: 0, failedThenRerun: 0, unclear: 0, duplicates: 0, itemsLost: 0, writersBetween: 0, concurrentProcesses: 0, badInputs: 0, badInputsHandled: 0, killsAfterWrite: 0, orphansAfterTeardown: 0 });

export function addFigures(into: Figures, more: Partial<Figures>): Figures {
  for (const [k, v] of Object.entries(more)) into[k as keyof Figures] = (into[k as keyof Figures] ?? 0) + (v ?? 0);
  return into;
}

declare module 'vitest' {
  interface TaskMeta {
    faultFigures?: Figures;
  }
}

/** Adds figures to the running test's meta (pass the test context's `task`). */
export function record(task: { meta: { faultFigures?: Figures } }, more: Partial<Figures>): void {
  task.meta.faultFigures = addFigures(task.meta.faultFigures ?? noFigures(), more);
}
