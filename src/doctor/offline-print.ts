/**
 * What `doctor --offline [--error <text>]` prints when src/commands/doctor-offline.ts takes it:
 * the catalogue, its matcher and the report only. The build makes this and all it imports one file
 * (dist/chunks/quick-doctor-offline-*.js, scripts/build.mjs).
 */
import type { Deps } from '../lib/context.js';
import { Output } from '../lib/output.js';
import { directStream, watchStdout } from '../lib/stdout.js';
import { offlineResult } from './offline.js';
import { renderDoctor } from './report.js';

export function printOffline(error: string | undefined, flags: { json: boolean; color: boolean; verbose: boolean }, deps: Deps): void {
  // No test's streams: file descriptors 1 and 2 where they are pipes or files (src/lib/stdout.ts directStream).
  const direct = deps.stdout === undefined && deps.stderr === undefined;
  const stdout = deps.stdout ?? (direct ? directStream(1) : undefined);
  const stderr = deps.stderr ?? (direct ? directStream(2) : undefined);
  if (!stdout) watchStdout();
  const out = new Output({ command: 'doctor', json: flags.json, color: flags.color, debug: false, stdout, stderr });
  out.result(offlineResult(error), (r, o) => renderDoctor(r, o, { verbose: flags.verbose }));
}
