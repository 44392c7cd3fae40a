/**
 * What a failure prints (src/lib/output.ts Output.failure): with --json, one envelope for stdout;
 * otherwise the message and its hint for stderr, painted by the caller. Without chalk, so that
 * src/cli.ts prints a usage error on a pipe or a file (no colour) without loading src/lib/output.ts.
 */
import type { CliError } from './errors.js';

type Paint = (s: string) => string;
const plain: Paint = (s) => s;

export function failureText(e: CliError, command: string, json: boolean, red: Paint = plain, dim: Paint = plain): { stdout: string } | { stderr: string[] } {
  if (json) {
    const error: Record<string, string> = { code: e.code, message: e.message };
    if (e.hint) error.hint = e.hint;
    return { stdout: JSON.stringify({ success: false, command, ...(e.result ?? {}), error }, null, 2) + '\n' };
  }
  return { stderr: [`${red('Error:')} ${e.message}`, ...(e.hint ? [dim(e.hint)] : [])] };
}
