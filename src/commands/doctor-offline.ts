/**
 * `doctor --offline [--error <text>]` before commander loads: the catalogue, its matcher and the
 * report only (no check, probe, SDK, state or zod), printed exactly as the commander command
 * (src/commands/doctor.ts) prints it. Only the plain shapes: --offline, --error <text>, --verbose,
 * --json, --no-color, each at most once; anything else (another flag, an empty --error, a value
 * that looks like a flag, AWS_PROFILE or AWS_ENDPOINT_URL that are not plainly valid) returns
 * undefined and goes to commander, which checks it and says what is wrong. This part is a few lines
 * of dist/cli.cjs; what prints (src/doctor/offline-print.ts) is one file of its own
 * (dist/chunks/quick-doctor-offline-*.cjs), loaded once the arguments are known to be plain.
 */
import type { Deps } from '../lib/context.js';

/** Values the full checks (src/lib/validate.ts ProfileName, EndpointUrl) plainly accept; anything else goes to them. */
const PLAIN_PROFILE = /^[\w.@+-]{1,64}$/;
const PLAIN_ENDPOINT = /^https?:\/\/[\w.-]+(:\d{1,5})?(\/[\w./-]*)?$/;

/**
 * Runs `doctor <args>` when it is a plain offline explanation; returns its exit code, or undefined
 * for commander. The catalogue and the report load only once the arguments are known to be plain.
 */
export async function doctorOffline(args: readonly string[], deps: Deps = {}): Promise<number | undefined> {
  const seen = new Set<string>();
  let error: string | undefined;
  for (let i = 0; i < args.length; i++) {
    const arg = args[i]!;
    const flag = arg.startsWith('--error=') ? '--error' : arg;
    if (seen.has(flag)) return undefined;
    seen.add(flag);
    if (flag === '--error') {
      error = arg === flag ? args[++i] : arg.slice('--error='.length);
      if (error === undefined || error.startsWith('-') || !error.trim()) return undefined;
    } else if (!['--offline', '--verbose', '--json', '--no-color'].includes(flag)) return undefined;
  }
  if (!seen.has('--offline')) return undefined;
  const env = deps.env ?? process.env;
  if (env.AWS_PROFILE !== undefined && !PLAIN_PROFILE.test(env.AWS_PROFILE)) return undefined;
  if (env.AWS_ENDPOINT_URL && !PLAIN_ENDPOINT.test(env.AWS_ENDPOINT_URL)) return undefined;

  const { printOffline } = await import('../doctor/offline-print.js');
  printOffline(error, { json: seen.has('--json'), color: !seen.has('--no-color'), verbose: seen.has('--verbose') }, deps);
  return 0;
}
