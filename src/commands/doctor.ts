import { Command, Option } from 'commander';
import { CliError, InputError } from '../lib/errors.js';
import { runAction } from '../lib/context.js';
import type { Holder } from '../cli.js';
import { doctor, validateDoctorInput, type DoctorInput } from '../doctor/doctor.js';
import { renderDoctor } from '../doctor/report.js';
import { readStdin } from '../doctor/token.js';
import type { DoctorResult } from '../doctor/types.js';

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
}

/** Flags → input; `--token -` reads stdin. Everything here runs before any AWS call. */
export async function parseDoctorFlags(f: DoctorFlags, stdin: NodeJS.ReadableStream = process.stdin): Promise<DoctorInput> {
  let token = f.token;
  if (token === '-') {
    token = await readStdin(stdin);
    if (!token) throw new InputError('--token - read nothing from stdin.', 'Pipe the access token in, e.g. pbpaste | mcp-cognito doctor --token -');
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
    .option('--offline', 'explain --error from the catalogue without calling AWS (alone: list the known symptoms)')
    .option('--no-probes', 'do not send live HTTP requests to the issuer, the hosted UI or the gateway')
    .addOption(new Option('--probe-timeout <ms>').hideHelp())
    .addHelpText(
      'after',
      '\nExamples:\n  $ mcp-cognito doctor                                        # check everything the state file knows\n  $ mcp-cognito doctor --error insufficient_scope            # symptom first: ranked causes and fixes\n  $ mcp-cognito doctor --error "https://x.auth.eu-west-1.amazoncognito.com/error?error=redirect_mismatch&client_id=…"\n  $ mcp-cognito doctor --redirect-uri https://global.consent.azure-apim.net/redirect/abc\n  $ pbpaste | mcp-cognito doctor --token -                     # decode an access token, compare with the gateway\n  $ mcp-cognito doctor --error unsupported_grant_type --offline   # explain without AWS',
    )
    .action(
      runAction<DoctorFlags & { probeTimeout?: string }, DoctorResult>('doctor', holder, async (flags, ctx) => {
        if (flags.probeTimeout) process.env.MCP_COGNITO_PROBE_TIMEOUT_MS = flags.probeTimeout;
        const input = await parseDoctorFlags(flags);
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
          if (!ctx.out.json) ctx.out.result(result, renderDoctor);
          const failing = result.checks.filter((c) => c.status === 'fail');
          throw new CliError(`${failing.length} check${failing.length > 1 ? 's' : ''} failed: ${failing.map((c) => c.id).join(', ')}.`, {
            code: 'CHECKS_FAILED',
            exit: 1,
            hint: ctx.out.json ? 'Each failing check has a fix.' : 'The fixes are listed with the failing checks above.',
            result: result as unknown as Record<string, unknown>,
          });
        }
        return { result, render: renderDoctor };
      }),
    );
}
