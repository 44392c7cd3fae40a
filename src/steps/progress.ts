import type { Spinner } from '../lib/output.js';

/**
 * How a step reports progress while it applies a plan: the command passes its output (ctx.out);
 * steps never print, prompt or exit themselves.
 */
export interface Progress {
  /** A finished step. */
  step(text: string): void;
  info(text: string): void;
  warn(text: string): void;
  /** A progress indicator for a wait (stopped by the step). */
  spinner(text: string): Spinner;
}
