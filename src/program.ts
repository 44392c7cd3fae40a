/**
 * The commander program: every start that is not exactly `mcp-cognito`, `--help` or `--version`
 * (src/cli.ts answers those without loading commander) parses its arguments here.
 */
import { Command, CommanderError, Option } from 'commander';
import { CancelledError, CliError, ExitCode, UsageError, toUsageError } from './lib/errors.js';
import type { Output } from './lib/output.js';
import type { Deps, Holder } from './lib/context.js';
import { watchStdout } from './lib/stdout.js';
import { COMMANDS, DESCRIPTION, FOOTER, GLOBAL_OPTIONS, NAME, VERSION, VERSION_ALIAS, VERSION_OPTION, type CommandFactory } from './spec.js';
import { COMMAND_MODULES } from './command-modules.js';

/** Loads the named commands (all of them without names), for buildProgram. */
export async function loadCommands(names: Iterable<string> = COMMANDS.map((c) => c.name)): Promise<Map<string, CommandFactory>> {
  const wanted = new Set(names);
  const entries = await Promise.all(COMMANDS.filter((c) => wanted.has(c.name)).map(async (c) => [c.name, await COMMAND_MODULES[c.name]()] as const));
  return new Map(entries);
}

/**
 * The program: global options and one subcommand per COMMANDS entry. A command in `loaded` is the
 * real one; any other is a placeholder with its name and summary (enough for `--help`, the
 * "unknown command" suggestions and the usage errors).
 */
export function buildProgram(holder: Holder, loaded: ReadonlyMap<string, CommandFactory> = new Map()): Command {
  const program = new Command(NAME)
    .description(DESCRIPTION)
    .version(VERSION, VERSION_OPTION.flags, VERSION_OPTION.description)
    .addOption(new Option(VERSION_ALIAS).hideHelp());
  for (const o of GLOBAL_OPTIONS) program.option(o.flags, o.description, o.default);
  program
    .showSuggestionAfterError(true)
    .addHelpText('after', FOOTER)
    .exitOverride()
    .configureOutput({ outputError: () => undefined })
    .configureHelp({ showGlobalOptions: true });
  program.on(`option:${VERSION_ALIAS.slice(1)}`, () => {
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

/** Parse argv, run the command, print the result or the error. Returns the exit code. */
export async function run(argv: string[], deps: Deps = {}): Promise<number> {
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
    // A write under way (and its state record) finishes first; a second Ctrl-C stops at once.
    if (holder.ctx?.deferInterrupt(interrupted)) return;
    interrupted();
  };
  const interrupted = () => {
    (deps.stderr ?? process.stderr).write('\n');
    // Under --json this is the CANCELLED envelope on stdout: scripts still get one document.
    const exit = () => process.exit(ExitCode.Cancelled);
    const note = holder.ctx?.interruptNote ?? { message: 'Interrupted.', hint: 'The state file is consistent: run the same command again to resume.' };
    if (holder.ctx?.out.resultPrinted) {
      // The result is out already (a write that finished first): one line, no second document.
      (deps.stderr ?? process.stderr).write(`${note.message} ${note.hint}\n`);
      return exit();
    }
    const done = report(new CancelledError(note.message, note.hint), holder, program, argv, deps);
    if (done) void done.then(exit, exit);
    else exit();
  };
  process.once('SIGINT', onSigint);
  watchStdout();
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
      const err = toUsageError(e.message);
      await report(err, holder, program, argv, deps);
      return err.exit;
    }
    const err = e instanceof CliError ? e : new CliError(`Unexpected error: ${(e as Error)?.message ?? String(e)}`, { code: 'INTERNAL', cause: e, hint: 'This is a bug in mcp-cognito; run again with --debug and report it with the output.' });
    // A failure that carries the command's result is its full report (doctor's failing checks): the command ran its whole course.
    if (err.result) deps.fullReport?.();
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
