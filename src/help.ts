/**
 * The top-level help, laid out as commander 14 lays it out (its Help.formatHelp, formatItem and
 * boxWrap, for what this program uses: no arguments, no option groups, no colours), from the same
 * definitions src/program.ts gives commander (src/spec.ts). `mcp-cognito`, `--help` and `-h` print
 * it without loading or building the commander program, which costs more than the rest of such a
 * start. test/unit/help.test.ts checks it against commander's own output at several widths.
 */
import { COMMANDS, DESCRIPTION, FOOTER, GLOBAL_OPTIONS, NAME, VERSION_OPTION, type GlobalOption } from './spec.js';
import type { CommandHelpModel } from './cli-model.js';

/** Commander's own help option and help command (what it adds to a program with subcommands). */
export const HELP_OPTION: GlobalOption = { flags: '-h, --help', description: 'display help for command' };
const HELP_COMMAND = { term: 'help [command]', description: 'display help for command' };

/** Commander's minWidthToWrap: narrower columns are not wrapped at all. */
const MIN_WIDTH_TO_WRAP = 40;

/** Wraps at whitespace to `width`, keeping line breaks (commander's Help.boxWrap). */
function boxWrap(str: string, width: number): string {
  if (width < MIN_WIDTH_TO_WRAP) return str;
  const wrapped: string[] = [];
  for (const line of str.split(/\r\n|\n/)) {
    const chunks = line.match(/[\s]*[^\s]+/g);
    if (chunks === null) {
      wrapped.push('');
      continue;
    }
    let sum = chunks[0]!;
    for (let i = 1; i < chunks.length; i++) {
      const chunk = chunks[i]!;
      if (sum.length + chunk.length <= width) {
        sum += chunk;
        continue;
      }
      wrapped.push(sum);
      sum = chunk.trimStart();
    }
    wrapped.push(sum);
  }
  return wrapped.join('\n');
}

/** A term padded to `termWidth` and its description wrapped beside it (commander's Help.formatItem). */
function formatItem(term: string, termWidth: number, description: string, helpWidth: number): string {
  if (!description) return `  ${term}`;
  const remaining = helpWidth - termWidth - 4;
  const text = remaining < MIN_WIDTH_TO_WRAP || /\n[^\S\r\n]/.test(description) ? description : boxWrap(description, remaining).replace(/\n/g, `\n${' '.repeat(termWidth + 2)}`);
  return `  ${term.padEnd(termWidth)}  ${text.replace(/\n/g, '\n  ')}`;
}

/** An option's help line, with its default as commander shows it for an option that takes a value. */
const optionDescription = (o: GlobalOption) => (o.default === undefined ? o.description : `${o.description} (default: ${JSON.stringify(o.default)})`);

/**
 * What `mcp-cognito --help` prints at `helpWidth` columns (commander's width: the terminal's
 * columns when stdout is a terminal, else 80), footer included.
 */
export function rootHelp(helpWidth: number): string {
  const options = [VERSION_OPTION, ...GLOBAL_OPTIONS, HELP_OPTION].map((o) => [o.flags, optionDescription(o)] as const);
  const commands = [...COMMANDS.map((c) => [c.name, c.summary] as const), [HELP_COMMAND.term, HELP_COMMAND.description] as const];
  const termWidth = Math.max(...options.map(([t]) => t.length), ...commands.map(([t]) => t.length));
  const list = (title: string, items: readonly (readonly [string, string])[]) => [title, ...items.map(([t, d]) => formatItem(t, termWidth, d, helpWidth)), ''];
  const help = [`Usage: ${NAME} [options] [command]`, '', boxWrap(DESCRIPTION, helpWidth), '', ...list('Options:', options), ...list('Commands:', commands)].join('\n');
  return `${help}${FOOTER}\n`;
}

/**
 * What `mcp-cognito <command> --help` prints at `helpWidth` columns (commander's Help.formatHelp
 * and the text added after it), from the command's help model (src/cli-model.ts).
 */
export function commandHelp(m: CommandHelpModel, helpWidth: number): string {
  const termWidth = Math.max(0, ...m.sections.flatMap(([, items]) => items.map(([t]) => t.length)));
  const lines = [`Usage: ${m.usage}`, ''];
  if (m.description) lines.push(boxWrap(m.description, helpWidth), '');
  for (const [title, items] of m.sections) lines.push(title, ...items.map(([t, d]) => formatItem(t, termWidth, d, helpWidth)), '');
  return lines.join('\n') + m.after;
}

/** The flags of a flags string: '-r, --region <region>' → ['-r', '--region']. */
export const flagsOf = (o: GlobalOption) => o.flags.split(/[ ,|]+/).filter((f) => f.startsWith('-'));
