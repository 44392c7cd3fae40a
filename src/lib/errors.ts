/** Exit codes of the contract (docs/cli.md). */
export const ExitCode = { Ok: 0, Failure: 1, Usage: 2, Cancelled: 130 } as const;

export type ErrorCode =
  | 'USAGE'
  | 'INVALID_INPUT'
  | 'NOT_FOUND'
  | 'ACCESS_DENIED'
  | 'CREDENTIALS'
  | 'CONFLICT'
  | 'REFUSED'
  | 'TIMEOUT'
  | 'AWS_ERROR'
  | 'CANCELLED'
  | 'CHECKS_FAILED'
  | 'INTERNAL';

export interface CliErrorOptions {
  code: ErrorCode;
  exit?: number;
  hint?: string;
  cause?: unknown;
  /** The command's full report, for the --json failure envelope (doctor's checks): the command ran its whole course (src/program.ts). */
  result?: Record<string, unknown>;
}

export class CliError extends Error {
  readonly code: ErrorCode;
  readonly exit: number;
  readonly hint?: string;
  readonly result?: Record<string, unknown>;
  constructor(message: string, opts: CliErrorOptions) {
    super(message, { cause: opts.cause });
    this.name = new.target.name;
    this.code = opts.code;
    this.exit = opts.exit ?? ExitCode.Failure;
    this.hint = opts.hint;
    this.result = opts.result;
  }
}

/** Invalid usage (a missing flag, a confirmation that cannot be asked). Exit 2, nothing changed. */
export class UsageError extends CliError {
  constructor(message: string, hint?: string) {
    super(message, { code: 'USAGE', exit: ExitCode.Usage, hint });
  }
}

/** commander's usage error (`error: unknown option …`) as this program reports it (src/program.ts, src/usage.ts). */
export function toUsageError(commanderMessage: string): UsageError {
  return new UsageError(commanderMessage.replace(/^error: /, '').replace(/^./, (c) => c.toUpperCase()), 'Run mcp-cognito --help (or mcp-cognito <command> --help) for usage.');
}

/** Invalid input value (URL, prefix, scope, ID, Region). Exit 2, nothing changed. */
export class InputError extends CliError {
  constructor(message: string, hint?: string) {
    super(message, { code: 'INVALID_INPUT', exit: ExitCode.Usage, hint });
  }
}

/** Ctrl-C or a declined confirmation. Exit 130. */
export class CancelledError extends CliError {
  constructor(message = 'Cancelled.', hint?: string) {
    super(message, { code: 'CANCELLED', exit: ExitCode.Cancelled, hint });
  }
}

/** A change the tool will not make (wrong authorizer type, another pool's gateway). Exit 1. */
export class RefusedError extends CliError {
  constructor(message: string, hint?: string) {
    super(message, { code: 'REFUSED', hint });
  }
}
