import { Command, CommanderError, Option } from 'commander';
import { CancelledError, CliError, ExitCode, UsageError } from './lib/errors.js';
import { Output } from './lib/output.js';
import type { Deps, Holder } from './lib/context.js';
import { initPoolCommand } from './commands/init-pool.js';
import { createClientCommand } from './commands/create-client.js';
import { addCallbackCommand } from './commands/add-callback.js';
import { authorizeClientCommand } from './commands/authorize-client.js';
import { createUserCommand } from './commands/create-user.js';
import { doctorCommand } from './commands/doctor.js';
import { initCommand } from './commands/init/index.js';
import { completionCommand } from './commands/completion.js';
import { facadeCommand } from './commands/facade/index.js';

declare const __VERSION__: string | undefined;
export const VERSION = typeof __VERSION__ === 'string' ? __VERSION__ : '0.0.0-dev';

export type { Holder };

const FOOTER = `
Non-interactive use:
  Prompts appear only on a terminal. --json, --no-input, CI=true, or a stdin/stderr that is not a
  terminal turn them off: a missing value is then a usage error naming its flag, and changes to
  existing resources need --yes.

Exit codes:
  0 success (also "nothing to change")   1 failure (AWS error, refused change, timeout, failing check)
  2 invalid usage or input (nothing was changed)   130 cancelled (Ctrl-C or a declined confirmation)

Environment: AWS_REGION, AWS_PROFILE, AWS_ENDPOINT_URL, NO_COLOR, CI.`;

export function buildProgram(holder: Holder): Command {
  const program = new Command('mcp-cognito')
    .description('Set up Amazon Cognito OAuth for MCP clients (Copilot Studio, Claude Code, agents) behind an Amazon Bedrock AgentCore Gateway, and explain why a connection fails.')
    .version(VERSION, '-v, --version', 'output the version number (-V also works)')
    .addOption(new Option('-V').hideHelp())
    .option('-r, --region <region>', 'AWS Region (default: state file, AWS_REGION, AWS_DEFAULT_REGION, profile)')
    .option('--profile <name>', 'AWS shared config profile (AWS_PROFILE also works)')
    .option('--endpoint-url <url>', 'send every AWS API call to this endpoint, e.g. a local emulator (AWS_ENDPOINT_URL also works)')
    .option('--state <file>', 'project state file', './mcp-cognito.json')
    .option('--json', 'print one JSON result document on stdout (implies --no-input)')
    .option('-y, --yes', 'apply changes to existing resources without asking')
    .option('--dry-run', 'show the plan and the equivalent aws CLI commands; change nothing')
    .option('--no-input', 'never prompt; a missing value is a usage error')
    .option('--debug', 'log every AWS call to stderr (secrets redacted) and show stack traces')
    .option('--no-color', 'plain output (NO_COLOR also works)')
    .showSuggestionAfterError(true)
    .addHelpText('after', FOOTER)
    .exitOverride()
    .configureOutput({ outputError: () => undefined })
    .configureHelp({ showGlobalOptions: true });
  // -V, the older spelling of -v: the same answer.
  program.on('option:V', () => {
    program.configureOutput().writeOut?.(`${VERSION}\n`);
    throw new CommanderError(0, 'commander.version', VERSION);
  });

  for (const cmd of [initCommand(holder), initPoolCommand(holder), createClientCommand(holder), addCallbackCommand(holder), authorizeClientCommand(holder), createUserCommand(holder), doctorCommand(holder), facadeCommand(holder), completionCommand(holder)]) {
    // Subcommand help lists the global options too (addCommand copies no settings).
    cmd.exitOverride().configureOutput({ outputError: () => undefined }).configureHelp({ showGlobalOptions: true });
    program.addCommand(cmd);
  }
  return program;
}

/** Parse argv, run the command, print the result or the error. Returns the exit code. */
export async function main(argv: string[], deps: Deps = {}): Promise<number> {
  const holder: Holder = { deps };
  const program = buildProgram(holder);
  const onSigint = () => {
    if (holder.ctx?.ownsInterrupt) return;
    (deps.stderr ?? process.stderr).write('\n');
    // Under --json this is the CANCELLED envelope on stdout: scripts still get one document.
    report(new CancelledError('Interrupted.', 'The state file is consistent: run the same command again to resume.'), holder, program, argv, deps);
    process.exit(ExitCode.Cancelled);
  };
  process.once('SIGINT', onSigint);
  // `mcp-cognito … | head`: a reader that goes away is not an error.
  process.stdout.on('error', (e: NodeJS.ErrnoException) => {
    if (e.code === 'EPIPE') process.exit(process.exitCode ?? 0);
    throw e;
  });
  try {
    if (argv.length <= 2) {
      program.outputHelp();
      return ExitCode.Ok;
    }
    await program.parseAsync(argv);
    return ExitCode.Ok;
  } catch (e) {
    if (e instanceof CommanderError) {
      if (e.code === 'commander.help' && e.exitCode !== 0) {
        // Options but no command: commander showed the help on stderr.
        const err = new UsageError(`Name a command: ${program.commands.map((c) => c.name()).join(', ')}.`, 'Run mcp-cognito --help for usage.');
        report(err, holder, program, argv, deps);
        return err.exit;
      }
      if (e.code === 'commander.helpDisplayed' || e.code === 'commander.version' || e.code === 'commander.help') return ExitCode.Ok;
      if (e.exitCode === 0) return ExitCode.Ok;
      const err = new UsageError(e.message.replace(/^error: /, '').replace(/^./, (c) => c.toUpperCase()), 'Run mcp-cognito --help (or mcp-cognito <command> --help) for usage.');
      report(err, holder, program, argv, deps);
      return err.exit;
    }
    const err = e instanceof CliError ? e : new CliError(`Unexpected error: ${(e as Error)?.message ?? String(e)}`, { code: 'INTERNAL', cause: e, hint: 'This is a bug in mcp-cognito; run again with --debug and report it with the output.' });
    report(err, holder, program, argv, deps);
    return err.exit;
  } finally {
    process.removeListener('SIGINT', onSigint);
  }
}

/** The subcommand named in argv, if any (options and their values are skipped by name match). */
function commandName(program: Command, args: string[]): string | undefined {
  const names = new Set(program.commands.map((c) => c.name()));
  return args.find((a) => names.has(a));
}

function report(err: CliError, holder: Holder, program: Command, argv: string[], deps: Deps): void {
  const debug = argv.includes('--debug');
  const out =
    holder.ctx?.out ??
    new Output({
      command: commandName(program, argv.slice(2)) ?? 'mcp-cognito',
      json: argv.includes('--json'),
      color: !argv.includes('--no-color'),
      debug,
      stdout: deps.stdout,
      stderr: deps.stderr,
    });
  out.failure(err);
  if (debug) {
    const stack = err.cause instanceof Error ? err.cause.stack : err.stack;
    if (stack) out.err(out.c.dim(stack));
  }
}
