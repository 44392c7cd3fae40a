import { Command, Option } from 'commander';
import { CliError, InputError, UsageError } from '../lib/errors.js';
import { runAction, type Holder } from '../lib/context.js';
import { doctor, validateDoctorInput, type DoctorInput } from '../doctor/doctor.js';
import { renderDoctor } from '../doctor/report.js';
import { readStdin } from '../doctor/token.js';
import type { DoctorResult } from '../doctor/types.js';
import type { Output } from '../lib/output.js';

export { doctor, type DoctorInput } from '../doctor/doctor.js';
export type { DoctorResult } from '../doctor/types.js';

interface DoctorFlags {
  poolId?: string;
  clientId?: string[];
  gatewayId?: string;
  error?: string;
  token?: string;
  redirectUri?: string;
  offline?: boolean;
  probes?: boolean;
  refreshToken?: string;
  verbose?: boolean;
}

/** Where `--refresh-token -` comes from: a prompt that does not echo (a terminal), else stdin. */
export interface SecretSource {
  stdin?: NodeJS.ReadableStream;
  /** Ask on the terminal without echoing; undefined when there is no terminal to ask on. */
  ask?: (message: string) => Promise<string>;
}

/** Flags → input; `--token -` and `--refresh-token -` read stdin. Everything here runs before any AWS call. */
export async function parseDoctorFlags(f: DoctorFlags, source: NodeJS.ReadableStream | SecretSource = process.stdin): Promise<DoctorInput> {
  const src: SecretSource = 'ask' in source || 'stdin' in source ? (source as SecretSource) : { stdin: source as NodeJS.ReadableStream };
  const stdin = src.stdin ?? process.stdin;
  if (f.refreshToken !== undefined && f.refreshToken !== '-') {
    throw new InputError('--refresh-token takes - and reads the token from stdin (or asks for it without showing it), so it never lands in your shell history.', 'Example: pbpaste | mcp-cognito doctor --refresh-token -');
  }
  if (f.refreshToken === '-' && f.token === '-') throw new UsageError('--token - and --refresh-token - cannot both read stdin: pass the access token as --token <jwt>.');
  let token = f.token;
  if (token === '-') {
    token = await readStdin(stdin);
    if (!token) throw new InputError('--token - read nothing from stdin.', 'Pipe the access token in, e.g. pbpaste | mcp-cognito doctor --token -');
  }
  let refreshToken: string | undefined;
  if (f.refreshToken === '-') {
    refreshToken = (src.ask ? await src.ask('Paste the refresh token (it is not shown)') : await readStdin(stdin)).trim();
    if (!refreshToken) throw new InputError('--refresh-token - read nothing.', 'Pipe the refresh token in, e.g. pbpaste | mcp-cognito doctor --refresh-token -');
  }
  return validateDoctorInput({
    poolId: f.poolId,
    clientIds: f.clientId,
    gatewayId: f.gatewayId,
    error: f.error,
    token,
    redirectUri: f.redirectUri,
    offline: f.offline,
    probes: f.probes,
    ...(refreshToken !== undefined ? { refreshToken } : {}),
  });
}

export function doctorCommand(holder: Holder): Command {
  const collect = (v: string, p: string[] = []) => [...p, v];
  return new Command('doctor')
    .description(
      'Check the user pool, domain, resource servers, app clients, users, the gateway and its targets against each other, probe the live endpoints, and explain an error you saw (--error) or a token (--token). Exit 1 when a check fails.',
    )
    .option('--pool-id <id>', "user pool (default: the state file's, or the one the gateway trusts)")
    .option('--client-id <id>', "app client to examine (repeatable; default: the state file's clients)", collect)
    .option('--gateway-id <id>', "gateway to examine (default: the state file's)")
    .option('--error <text>', 'the error you saw: insufficient_scope, redirect_mismatch, a pasted error page URL or JSON…')
    .option('--token <jwt>', 'an access token to decode and compare with the gateway (- reads it from stdin); never printed')
    .option('--redirect-uri <url>', 'the redirect URL the client uses: checked for an exact match')
    .option('--offline', 'explain --error without calling AWS (alone: list the symptoms doctor knows)')
    .option('--refresh-token <->', "exchange a refresh token at the token URL and say whether the session can continue (- reads it from stdin, or asks without showing it); never printed")
    .option('--no-probes', 'do not send live HTTP requests to the issuer, the sign-in page or the gateway')
    .option('--verbose', 'list every check (and the equivalent AWS CLI commands), not only the problems')
    .addOption(new Option('--probe-timeout <ms>').hideHelp())
    .addHelpText(
      'after',
      '\nExit codes: 0 nothing failed (warnings may remain), 1 a check failed or AWS could not be read (no credentials, access denied), 2 bad usage.\n\nExamples:\n  $ mcp-cognito doctor                                        # check everything the state file knows\n  $ mcp-cognito doctor --error insufficient_scope            # symptom first: ranked causes and fixes\n  $ mcp-cognito doctor --error "https://x.auth.eu-west-1.amazoncognito.com/error?error=redirect_mismatch&client_id=…"\n  $ mcp-cognito doctor --redirect-uri https://global.consent.azure-apim.net/redirect/abc\n  $ pbpaste | mcp-cognito doctor --token -                     # decode an access token, compare with the gateway\n  $ pbpaste | mcp-cognito doctor --refresh-token -             # does the session survive the access token\'s expiry?\n  $ mcp-cognito doctor --error unsupported_grant_type --offline   # explain without AWS',
    )
    .action(
      runAction<DoctorFlags & { probeTimeout?: string }, DoctorResult>('doctor', holder, async (flags, ctx) => {
        if (flags.probeTimeout) process.env.MCP_COGNITO_PROBE_TIMEOUT_MS = flags.probeTimeout;
        const input = await parseDoctorFlags(flags, { stdin: process.stdin, ...(flags.refreshToken === '-' && ctx.canPrompt ? { ask: (message: string) => ctx.prompt.password({ message }) } : {}) });
        const render = (r: DoctorResult, out: Output) => renderDoctor(r, out, { verbose: flags.verbose });
        // The spinner lives here, not in doctor(): callers such as init show their own.
        const spinner = input.offline ? undefined : ctx.out.spinner('Checking the user pool, clients and gateway');
        let result: DoctorResult;
        try {
          result = await doctor(input, ctx);
        } finally {
          spinner?.stop();
        }
        if (result.summary.fail > 0) {
          // Print the report first (stdout), then fail: exit 1, and --json carries the checks.
          if (!ctx.out.json) ctx.out.result(result, render);
          const failing = result.checks.filter((c) => c.status === 'fail');
          const named = failing.slice(0, 3).map((c) => c.title).join('; ') + (failing.length > 3 ? `; and ${failing.length - 3} more` : '');
          throw new CliError(`${failing.length} check${failing.length > 1 ? 's' : ''} failed: ${named}.`, {
            code: 'CHECKS_FAILED',
            exit: 1,
            hint: ctx.out.json ? 'Each failing check says what to do (fix, todo).' : 'What to do is listed with each failing check above.',
            result: result as unknown as Record<string, unknown>,
          });
        }
        return { result, render };
      }),
    );
}
