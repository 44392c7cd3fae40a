import { Command, CommanderError, Option } from 'commander';
import { CancelledError, CliError, ExitCode, UsageError } from './lib/errors.js';
import type { Output } from './lib/output.js';
import type { Deps, Holder } from './lib/context.js';

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

/** A command's definition (flags, help, action), built for one run. */
export type CommandFactory = (holder: Holder) => Command;

/**
 * Every command: its name and one-line summary (what `--help` lists), and how to load it. A start
 * loads only the command it runs (`--help` and `--version` load none), so the code, zod, chalk
 * and the rest of each command stay unparsed until needed. Order = the order in `--help`.
 */
export const COMMANDS: readonly { name: string; summary: string; load: () => Promise<CommandFactory> }[] = [
  { name: 'init', summary: 'Guided setup: pool, domain, scope, Copilot Studio client, gateway authorization, test user', load: async () => (await import('./commands/init/index.js')).initCommand },
  { name: 'init-pool', summary: 'Create or adopt a user pool, its hosted-UI domain, and the resource server and scopes', load: async () => (await import('./commands/init-pool.js')).initPoolCommand },
  { name: 'create-client', summary: 'Create (or adopt) an app client: copilot-studio, m2m or web', load: async () => (await import('./commands/create-client.js')).createClientCommand },
  { name: 'add-callback', summary: 'Register redirect (or logout) URLs on an app client without losing any setting', load: async () => (await import('./commands/add-callback.js')).addCallbackCommand },
  { name: 'remove-callback', summary: 'Remove redirect (or logout) URLs from an app client without losing any other setting', load: async () => (await import('./commands/remove-callback.js')).removeCallbackCommand },
  { name: 'authorize-client', summary: "Let app clients through an AgentCore gateway's JWT authorizer", load: async () => (await import('./commands/authorize-client.js')).authorizeClientCommand },
  { name: 'deauthorize-client', summary: "Take app clients off an AgentCore gateway's JWT authorizer", load: async () => (await import('./commands/deauthorize-client.js')).deauthorizeClientCommand },
  { name: 'delete-client', summary: 'Delete an app client, taking it off the gateway first', load: async () => (await import('./commands/delete-client.js')).deleteClientCommand },
  { name: 'teardown', summary: 'Remove what this tool created (per the state file), never what it adopted', load: async () => (await import('./commands/teardown.js')).teardownCommand },
  { name: 'rotate-secret', summary: "Rotate an app client's secret without an outage (add a second one, then --finish)", load: async () => (await import('./commands/rotate-secret.js')).rotateSecretCommand },
  { name: 'create-user', summary: 'Create a sign-in user for testing (no invitation e-mail, permanent password)', load: async () => (await import('./commands/create-user.js')).createUserCommand },
  { name: 'doctor', summary: 'Find out why Copilot Studio, Claude Code or an agent cannot get through, and how to fix it', load: async () => (await import('./commands/doctor.js')).doctorCommand },
  { name: 'status', summary: 'Show what the state file records, as AWS has it now, and flag what is gone', load: async () => (await import('./commands/status.js')).statusCommand },
  { name: 'facade', summary: 'The OAuth façade for Claude Code, claude.ai and MCP Inspector: serve it here, or deploy it to AWS Lambda', load: async () => (await import('./commands/facade/index.js')).facadeCommand },
  { name: 'completion', summary: 'Print a shell completion script (bash, zsh or fish)', load: async () => (await import('./commands/completion.js')).completionCommand },
];

/** Loads the named commands (all of them without names), for buildProgram. */
export async function loadCommands(names: Iterable<string> = COMMANDS.map((c) => c.name)): Promise<Map<string, CommandFactory>> {
  const wanted = new Set(names);
  const entries = await Promise.all(COMMANDS.filter((c) => wanted.has(c.name)).map(async (c) => [c.name, await c.load()] as const));
  return new Map(entries);
}

/**
 * The program: global options and one subcommand per COMMANDS entry. A command in `loaded` is the
 * real one; any other is a placeholder with its name and summary (enough for `--help`, the
 * "unknown command" suggestions and the usage errors).
 */
export function buildProgram(holder: Holder, loaded: ReadonlyMap<string, CommandFactory> = new Map()): Command {
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
  program.on('option:V', () => {
    program.configureOutput().writeOut?.(`${VERSION}\n`);
    throw new CommanderError(0, 'commander.version', VERSION);
  });

  for (const { name, summary } of COMMANDS) {
    const cmd = (loaded.get(name)?.(holder) ?? new Command(name)).summary(summary);
    // Subcommand help lists the global options too (addCommand copies no settings).
    cmd.exitOverride().configureOutput({ outputError: () => undefined }).configureHelp({ showGlobalOptions: true });
    program.addCommand(cmd);
  }
  return program;
}

function onStdoutError(e: NodeJS.ErrnoException): void {
  if (e.code === 'EPIPE') process.exit(process.exitCode ?? 0);
  throw e;
}

/** Parse argv, run the command, print the result or the error. Returns the exit code. */
export async function main(argv: string[], deps: Deps = {}): Promise<number> {
  const holder: Holder = { deps };
  let program = buildProgram(holder);
  const name = invokedCommand(program, argv.slice(2));
  if (name) {
    // The command's module and the output module (already in the command's chunks) load together.
    // completion describes every command's options: it loads them all (none loads the AWS SDK).
    const [loaded] = await Promise.all([loadCommands(name === 'completion' ? undefined : [name]), loadOutput()]);
    program = buildProgram(holder, loaded);
  }
  const onSigint = () => {
    if (holder.ctx?.ownsInterrupt) return;
    (deps.stderr ?? process.stderr).write('\n');
    // Under --json this is the CANCELLED envelope on stdout: scripts still get one document.
    const exit = () => process.exit(ExitCode.Cancelled);
    const done = report(new CancelledError('Interrupted.', 'The state file is consistent: run the same command again to resume.'), holder, program, argv, deps);
    if (done) void done.then(exit, exit);
    else exit();
  };
  process.once('SIGINT', onSigint);
  // `mcp-cognito … | head`: a reader that goes away is not an error.
  // Once per process (tests call main() many times); it stays for writes still in flight at exit.
  if (!process.stdout.listeners('error').includes(onStdoutError)) process.stdout.on('error', onStdoutError);
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
        await report(err, holder, program, argv, deps);
        return err.exit;
      }
      if (e.code === 'commander.helpDisplayed' || e.code === 'commander.version' || e.code === 'commander.help') return ExitCode.Ok;
      if (e.exitCode === 0) return ExitCode.Ok;
      const err = new UsageError(e.message.replace(/^error: /, '').replace(/^./, (c) => c.toUpperCase()), 'Run mcp-cognito --help (or mcp-cognito <command> --help) for usage.');
      await report(err, holder, program, argv, deps);
      return err.exit;
    }
    const err = e instanceof CliError ? e : new CliError(`Unexpected error: ${(e as Error)?.message ?? String(e)}`, { code: 'INTERNAL', cause: e, hint: 'This is a bug in mcp-cognito; run again with --debug and report it with the output.' });
    await report(err, holder, program, argv, deps);
    return err.exit;
  } finally {
    process.removeListener('SIGINT', onSigint);
  }
}

/**
 * The subcommand that argv runs, if any: the first operand once the global options and their
 * values are skipped, as commander reads it (`help <command>` names <command>).
 */
function invokedCommand(program: Command, args: string[]): string | undefined {
  const names = new Set(program.commands.map((c) => c.name()));
  const operands: string[] = [];
  for (let i = 0; i < args.length && operands.length < 2; i++) {
    const arg = args[i]!;
    if (arg === '--') {
      operands.push(...args.slice(i + 1, i + 3));
      break;
    }
    if (arg.startsWith('-') && arg !== '-') {
      const flag = arg.includes('=') ? arg.slice(0, arg.indexOf('=')) : arg;
      const option = program.options.find((o) => o.long === flag || o.short === flag);
      if (option && (option.required || option.optional) && !arg.includes('=')) i++;
      continue;
    }
    operands.push(arg);
  }
  const [first, second] = operands;
  if (first === 'help' && !names.has('help')) return second !== undefined && names.has(second) ? second : undefined;
  return first !== undefined && names.has(first) ? first : undefined;
}

let OutputClass: typeof Output | undefined;
async function loadOutput(): Promise<typeof Output> {
  return (OutputClass ??= (await import('./lib/output.js')).Output);
}

/** Prints the error (the --json envelope, or a message on stderr); synchronous once the output module is loaded. */
function report(err: CliError, holder: Holder, program: Command, argv: string[], deps: Deps): Promise<void> | undefined {
  if (!holder.ctx?.out && !OutputClass) return loadOutput().then(() => report(err, holder, program, argv, deps));
  const debug = argv.includes('--debug');
  const out =
    holder.ctx?.out ??
    new OutputClass!({
      command: invokedCommand(program, argv.slice(2)) ?? 'mcp-cognito',
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
  return undefined;
}
