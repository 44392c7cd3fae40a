/**
 * The entry point (dist/cli.cjs, which bin/mcp-cognito.js requires). `mcp-cognito` alone, `--help`,
 * `-h`, `--version`, `-v` and `-V` are answered here, from src/spec.ts, without loading commander;
 * so are `<command> --help`, `help <command>` and `completion <shell>` in the built CLI, from what
 * the build read from the commander program (src/cli-store.ts), a command's quick path
 * (src/spec.ts QuickRun: `doctor --offline`) when its arguments are plain, and the usage errors
 * src/usage.ts can tell. Every other start (a command, an unknown option, …) goes to
 * src/program.ts, which parses it with commander and prints what commander prints. The build
 * (scripts/build.mjs) makes this file and what it imports statically one file (dist/cli.cjs), and
 * each quick path another one: a start loads two or three modules, not a dozen.
 */
import type { Deps } from './lib/context.js';
import { directStream, watchStdout } from './lib/stdout.js';
import { completionScript, helpModel, parseModel } from './cli-store.js';
import { usageError } from './usage.js';
import { toUsageError } from './lib/errors.js';
import { course } from './lib/whole-course.js';
import { failureText } from './lib/failure.js';
import { HELP_OPTION, commandHelp, flagsOf, rootHelp } from './help.js';
import { COMMANDS, VERSION, VERSION_ALIAS, VERSION_OPTION } from './spec.js';

export type { Holder } from './lib/context.js';
export { COMMANDS, VERSION, type CommandFactory } from './spec.js';

/** What the arguments alone print, when they are exactly the top-level help or the version. */
export function quickAnswer(args: readonly string[]): 'help' | 'version' | undefined {
  if (args.length === 0) return 'help';
  if (args.length > 1) return undefined;
  const arg = args[0]!;
  // `help` alone: commander's help command prints the top-level help too.
  if (flagsOf(HELP_OPTION).includes(arg) || arg === 'help') return 'help';
  if (arg === VERSION_ALIAS || flagsOf(VERSION_OPTION).includes(arg)) return 'version';
  return undefined;
}

/**
 * What the build's model answers (src/cli-data.ts): the help of a command (`<command> [<sub>]
 * --help|-h`, `help <command>`: its path) or a completion script (`completion <shell>`). Only
 * these exact shapes; anything else (other options, an unknown command) goes to commander.
 */
export function modelQuestion(args: readonly string[]): { help: string } | { completion: string } | undefined {
  const known = (name: string | undefined) => COMMANDS.some((c) => c.name === name);
  if (args.length === 2 && args[0] === 'completion' && /^[a-z]+$/.test(args[1]!)) return { completion: args[1]! };
  if (args.length === 2 && args[0] === 'help' && known(args[1])) return { help: args[1]! };
  const words = args.slice(0, -1);
  if ((words.length === 1 || words.length === 2) && flagsOf(HELP_OPTION).includes(args.at(-1)!) && known(words[0]) && words.every((w) => /^[a-z][a-z-]*$/.test(w))) return { help: words.join(' ') };
  return undefined;
}

/**
 * Writes to stdout what commander would write with process.stdout.write: straight to file
 * descriptor 1 on a pipe, a socket or a file when no test swapped in streams (src/lib/stdout.ts
 * directStream: building process.stdout costs as much as a sixth of a bare Node start), else
 * through process.stdout (on a terminal the help needs its width).
 */
function writeOut(deps: Deps, text: (width: number | undefined) => string): void {
  const direct = deps.stdout === undefined && deps.stderr === undefined ? directStream(1) : undefined;
  if (direct) {
    direct.write(text(undefined));
    return;
  }
  watchStdout();
  const { stdout } = process;
  // commander's width: the terminal's columns on a terminal, else 80.
  stdout.write(text(stdout.isTTY ? stdout.columns : undefined));
}

/** Parse argv, run the command, print the result or the error. Returns the exit code. */
export async function main(argv: string[], deps: Deps = {}): Promise<number> {
  const quick = quickAnswer(argv.slice(2));
  if (quick) {
    writeOut(deps, (width) => (quick === 'version' ? `${VERSION}\n` : rootHelp(width ?? 80)));
    return 0;
  }
  const question = modelQuestion(argv.slice(2));
  if (question) {
    const help = 'help' in question ? helpModel(question.help) : undefined;
    // commander's completion writes through the command's output streams (deps in tests): only the process's own here.
    const script = 'completion' in question && !deps.stdout && !deps.stderr ? completionScript(question.completion) : undefined;
    if (help || script !== undefined) {
      writeOut(deps, (width) => (help ? commandHelp(help, width ?? 80) : script!));
      return 0;
    }
  }
  // A command's own path that needs no AWS (doctor --offline), run without commander when the arguments are plain.
  const quickRun = COMMANDS.find((c) => c.name === argv[2])?.quick;
  if (quickRun) {
    const code = await (await quickRun())(argv.slice(3), deps);
    if (code !== undefined) return code;
  }
  // A usage error commander would report (unknown option, missing argument…), told from the build's model.
  const parse = COMMANDS.some((c) => c.name === argv[2]) ? parseModel(argv[2]!) : undefined;
  const message = parse && usageError(parse, argv.slice(2));
  if (message !== undefined) {
    // On a pipe or a file there is no colour (src/lib/output.ts): printed here, without chalk or Output. Else src/usage-report.ts.
    const err = toUsageError(message);
    const json = argv.includes('--json');
    const direct = deps.stdout === undefined && deps.stderr === undefined ? directStream(json ? 1 : 2) : undefined;
    if (!direct) return (await import('./usage-report.js')).reportUsageError(message, argv, deps);
    const text = failureText(err, argv[2]!, json);
    direct.write('stdout' in text ? text.stdout : text.stderr.map((line) => `${line}\n`).join(''));
    return err.exit;
  }
  return (await import('./program.js')).run(argv, { fullReport: () => void (course.whole = true), ...deps });
}
