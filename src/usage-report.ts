/**
 * Reports a usage error told by src/usage.ts, as src/program.ts reports commander's: built into
 * its own file (dist/chunks/quick-usage-report-*.js, scripts/build.mjs), loaded only when there is one.
 */
import type { Deps } from './lib/context.js';
import { toUsageError } from './lib/errors.js';
import { Output } from './lib/output.js';
import { directStream } from './lib/stdout.js';

/** Prints commander's usage error `message` for `argv` as the commander program does; returns the exit code. */
export function reportUsageError(message: string, argv: readonly string[], deps: Deps): number {
  const err = toUsageError(message);
  const direct = deps.stdout === undefined && deps.stderr === undefined;
  new Output({
    command: argv[2]!,
    json: argv.includes('--json'),
    color: !argv.includes('--no-color'),
    debug: false,
    stdout: deps.stdout ?? (direct ? directStream(1) : undefined),
    stderr: deps.stderr ?? (direct ? directStream(2) : undefined),
  }).failure(err);
  return err.exit;
}
