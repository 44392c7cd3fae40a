/**
 * What the fast paths of src/cli.ts print without commander, read from the commander program
 * itself: each command's help as commander lays it out (its usage, description, lists of terms and
 * descriptions, and the text added after it), and the completion scripts. scripts/build.mjs runs
 * describeCli() at build time and bakes its result into the build (src/cli-data.ts), so the
 * commands' definitions stay the one source; test/unit/help.test.ts holds the result to commander's
 * output for every command, at every width. So a command's definition (flags, descriptions,
 * defaults) must not depend on the environment or the state file: the build would freeze it.
 */
import type { Command, Option } from 'commander';
import { buildProgram, loadCommands } from './program.js';
import { completionScript, completionTree, SHELLS } from './commands/completion.js';

/** One command's help, width-free: src/help.ts lays it out at the terminal's width. */
export interface CommandHelpModel {
  usage: string;
  description: string;
  /** The lists (Arguments:, Options:, Global Options:, Commands:), each [term, description] items. */
  sections: [title: string, items: [term: string, description: string][]][];
  /** What addHelpText('after') writes after the help (with its final newline), or ''. */
  after: string;
}

/** An option as commander's parser sees it. */
export interface OptionModel {
  flags: string;
  short?: string;
  long?: string;
  /** Whether it takes a value: none, a required one (`<x>`), an optional one (`[x]`). */
  value: 'none' | 'required' | 'optional';
  variadic: boolean;
  /** Handled before parsing ends (the version options): only commander answers it. */
  stop: boolean;
}

/** What src/usage.ts needs to find the usage error commander would report for a command. */
export interface CommandParseModel {
  options: OptionModel[];
  /** The long flags commander suggests from after an unknown option (the command's, then the program's). */
  suggestions: string[];
  args: { name: string; required: boolean; variadic: boolean }[];
}

export interface CliModel {
  /** By command path: 'doctor', 'facade serve'. */
  help: Record<string, CommandHelpModel>;
  /** By shell: the script `completion <shell>` prints. */
  completion: Record<string, string>;
  /** The program's options, and the commands whose usage errors src/usage.ts can tell (no subcommands, no argument choices). */
  parse: { globals: OptionModel[]; commands: Record<string, CommandParseModel> };
}

function commandHelp(cmd: Command): CommandHelpModel {
  const helper = cmd.createHelp();
  helper.prepareContext({ helpWidth: 80 });
  const item = (term: string, description: string): [string, string] => [term, description];
  const sections: CommandHelpModel['sections'] = [];
  const add = (title: string, items: [string, string][]) => {
    if (items.length) sections.push([title, items]);
  };
  add('Arguments:', helper.visibleArguments(cmd).map((a) => item(helper.argumentTerm(a), helper.argumentDescription(a))));
  const options = helper.visibleOptions(cmd);
  if (options.some((o) => o.helpGroupHeading !== undefined)) throw new Error(`${cmd.name()}: option groups are not supported by src/help.ts`);
  add('Options:', options.map((o) => item(helper.optionTerm(o), helper.optionDescription(o))));
  if (helper.showGlobalOptions) add('Global Options:', helper.visibleGlobalOptions(cmd).map((o) => item(helper.optionTerm(o), helper.optionDescription(o))));
  const subs = helper.visibleCommands(cmd);
  if (subs.some((s) => s.helpGroup())) throw new Error(`${cmd.name()}: command groups are not supported by src/help.ts`);
  add('Commands:', subs.map((s) => item(helper.subcommandTerm(s), helper.subcommandDescription(s))));
  // The text after the help: what outputHelp writes beyond helpInformation.
  // Both at one width without colour: the build may run on a terminal (its width and colours must not reach the model).
  let all = '';
  const saved = cmd.configureOutput();
  cmd.configureOutput({ ...saved, writeOut: (s: string) => (all += s), getOutHelpWidth: () => 80, getOutHasColors: () => false });
  const info = cmd.helpInformation({ error: false });
  cmd.outputHelp();
  cmd.configureOutput(saved);
  if (!all.startsWith(info)) throw new Error(`${cmd.name()}: help text before the help is not supported by src/help.ts`);
  return { usage: helper.commandUsage(cmd), description: helper.commandDescription(cmd), sections, after: all.slice(info.length) };
}

function optionModel(o: Option): OptionModel {
  return {
    flags: o.flags,
    ...(o.short ? { short: o.short } : {}),
    ...(o.long ? { long: o.long } : {}),
    value: o.required ? 'required' : o.optional ? 'optional' : 'none',
    variadic: o.variadic,
    stop: o.long === '--version' || o.short === '-V',
  };
}

/** A leaf command's parse model, or undefined when it has what src/usage.ts does not model. */
function parseModel(cmd: Command): CommandParseModel | undefined {
  if (cmd.commands.length || cmd.registeredArguments.some((a) => a.argChoices || a.parseArg || a.defaultValue !== undefined)) return undefined;
  // commander's unknownOption: the visible long flags of the command, then of each parent.
  const suggestions: string[] = [];
  for (let c: Command | null = cmd; c; c = c.parent) suggestions.push(...c.createHelp().visibleOptions(c).flatMap((o) => (o.long ? [o.long] : [])));
  return {
    options: cmd.options.map(optionModel),
    suggestions,
    args: cmd.registeredArguments.map((a) => ({ name: a.name(), required: a.required, variadic: a.variadic })),
  };
}

/** The model of the whole program (every command loaded). */
export async function describeCli(): Promise<CliModel> {
  const program = buildProgram({}, await loadCommands());
  const help: CliModel['help'] = {};
  const walk = (cmd: Command, path: string[]) => {
    for (const sub of cmd.commands) {
      const p = [...path, sub.name()];
      help[p.join(' ')] = commandHelp(sub);
      walk(sub, p);
    }
  };
  walk(program, []);
  const tree = completionTree(program);
  const completion = Object.fromEntries(SHELLS.map((s) => [s, completionScript(s, tree)]));
  const commands: CliModel['parse']['commands'] = {};
  for (const cmd of program.commands) {
    const m = parseModel(cmd);
    if (m) commands[cmd.name()] = m;
  }
  return { help, completion, parse: { globals: program.options.map(optionModel), commands } };
}
