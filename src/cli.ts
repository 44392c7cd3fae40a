/**
 * The entry point (dist/cli.js, which bin/mcp-cognito.js imports). `mcp-cognito` alone, `--help`,
 * `-h`, `--version`, `-v` and `-V` are answered here, from src/spec.ts, without loading commander;
 * every other start (a command, `help <command>`, an unknown option, …) goes to src/program.ts,
 * which parses it with commander and prints what commander prints.
 */
import type { Deps } from './lib/context.js';
import { watchStdout } from './lib/stdout.js';
import { HELP_OPTION, flagsOf, rootHelp } from './help.js';
import { VERSION, VERSION_ALIAS, VERSION_OPTION } from './spec.js';

export type { Holder } from './lib/context.js';
export { COMMANDS, VERSION, type CommandFactory } from './spec.js';

/** What the arguments alone print, when they are exactly the top-level help or the version. */
export function quickAnswer(args: readonly string[]): 'help' | 'version' | undefined {
  if (args.length === 0) return 'help';
  if (args.length > 1) return undefined;
  const arg = args[0]!;
  if (flagsOf(HELP_OPTION).includes(arg)) return 'help';
  if (arg === VERSION_ALIAS || flagsOf(VERSION_OPTION).includes(arg)) return 'version';
  return undefined;
}

/** Parse argv, run the command, print the result or the error. Returns the exit code. */
export async function main(argv: string[], deps: Deps = {}): Promise<number> {
  const quick = quickAnswer(argv.slice(2));
  if (quick) {
    watchStdout();
    const { stdout } = process;
    // commander's width: the terminal's columns on a terminal, else 80.
    stdout.write(quick === 'version' ? `${VERSION}\n` : rootHelp((stdout.isTTY ? stdout.columns : undefined) ?? 80));
    return 0;
  }
  return (await import('./program.js')).run(argv, deps);
}
