/**
 * The usage errors commander reports (an unknown option, an option without its value, a missing or
 * an extra argument), found without loading commander or the command, from the build's parse
 * model (src/cli-model.ts): a port of commander 14's parseOptions, unknownOption, suggestSimilar
 * and _checkNumberOfArguments for what this program uses. Whenever an argument list holds
 * anything this port does not model (--help, --version, --, short option groups, optional or
 * variadic option values, negative numbers, --debug), it answers undefined and commander decides.
 * test/unit/usage.test.ts holds its answers to commander's over many argument lists. It loads
 * nothing (src/cli.ts runs it on every start of a command); src/usage-report.ts prints the error.
 */
import type { CliModel, CommandParseModel, OptionModel } from './cli-model.js';

const BAIL = Symbol('commander decides');
type Level = { operands: string[]; unknown: string[] } | { error: string } | typeof BAIL;

const maybeOption = (arg: string) => arg.length > 1 && arg[0] === '-';

/** One level of commander's parseOptions (the program's, then the command's). */
function parseLevel(args: readonly string[], options: readonly OptionModel[]): Level {
  const find = (flag: string) => options.find((o) => o.short === flag || o.long === flag);
  const operands: string[] = [];
  const unknown: string[] = [];
  let dest = operands;
  for (let i = 0; i < args.length; ) {
    const arg = args[i++]!;
    if (maybeOption(arg)) {
      const option = find(arg);
      if (option) {
        if (option.stop || option.variadic || option.value === 'optional') return BAIL;
        if (option.value === 'required' && args[i++] === undefined) return { error: `error: option '${option.flags}' argument missing` };
        continue;
      }
    }
    if (arg.length > 2 && arg[0] === '-' && arg[1] !== '-' && find(`-${arg[1]}`)) return BAIL;
    if (/^--[^=]+=/.test(arg)) {
      const option = find(arg.slice(0, arg.indexOf('=')));
      if (option && option.value !== 'none') {
        if (option.stop || option.variadic) return BAIL;
        continue;
      }
    }
    if (dest === operands && maybeOption(arg)) dest = unknown;
    dest.push(arg);
  }
  return { operands, unknown };
}

// commander's suggestSimilar (lib/suggestSimilar.js).
const MAX_DISTANCE = 3;
function editDistance(a: string, b: string): number {
  if (Math.abs(a.length - b.length) > MAX_DISTANCE) return Math.max(a.length, b.length);
  const d: number[][] = [];
  for (let i = 0; i <= a.length; i++) d[i] = [i];
  for (let j = 0; j <= b.length; j++) d[0]![j] = j;
  for (let j = 1; j <= b.length; j++) {
    for (let i = 1; i <= a.length; i++) {
      const cost = a[i - 1] === b[j - 1] ? 0 : 1;
      d[i]![j] = Math.min(d[i - 1]![j]! + 1, d[i]![j - 1]! + 1, d[i - 1]![j - 1]! + cost);
      if (i > 1 && j > 1 && a[i - 1] === b[j - 2] && a[i - 2] === b[j - 1]) d[i]![j] = Math.min(d[i]![j]!, d[i - 2]![j - 2]! + 1);
    }
  }
  return d[a.length]![b.length]!;
}
function suggestSimilar(word: string, candidates: readonly string[]): string {
  if (!candidates.length) return '';
  let list = [...new Set(candidates)];
  const searchingOptions = word.startsWith('--');
  if (searchingOptions) {
    word = word.slice(2);
    list = list.map((c) => c.slice(2));
  }
  let similar: string[] = [];
  let best = MAX_DISTANCE;
  for (const candidate of list) {
    if (candidate.length <= 1) continue;
    const distance = editDistance(word, candidate);
    const length = Math.max(word.length, candidate.length);
    if ((length - distance) / length > 0.4) {
      if (distance < best) {
        best = distance;
        similar = [candidate];
      } else if (distance === best) similar.push(candidate);
    }
  }
  similar.sort((a, b) => a.localeCompare(b));
  if (searchingOptions) similar = similar.map((c) => `--${c}`);
  if (similar.length > 1) return `\n(Did you mean one of ${similar.join(', ')}?)`;
  if (similar.length === 1) return `\n(Did you mean ${similar[0]}?)`;
  return '';
}

/**
 * The message commander's error would carry for `args` (the arguments after the program's
 * name), or undefined: no usage error, or one this port does not model (commander decides).
 */
export function usageError(model: CliModel['parse'], args: readonly string[]): string | undefined {
  const name = args[0];
  const cmd: CommandParseModel | undefined = name === undefined ? undefined : model.commands[name];
  if (!cmd || !Object.hasOwn(model.commands, name!)) return undefined;
  if (args.some((a) => a === '--' || a === '-h' || a === '--help' || a === '--debug' || /^-[\d.]/.test(a))) return undefined;
  const top = parseLevel(args, model.globals);
  if (top === BAIL) return undefined;
  if ('error' in top) return top.error;
  if (top.operands[0] !== name) return undefined;
  const sub = parseLevel(top.unknown, cmd.options);
  if (sub === BAIL) return undefined;
  if ('error' in sub) return sub.error;
  if (sub.unknown.length) {
    const flag = sub.unknown[0]!;
    return `error: unknown option '${flag}'${flag.startsWith('--') ? suggestSimilar(flag, cmd.suggestions) : ''}`;
  }
  const given = [...top.operands.slice(1), ...sub.operands];
  for (const [i, a] of cmd.args.entries()) if (a.required && given[i] == null) return `error: missing required argument '${a.name}'`;
  if (cmd.args.at(-1)?.variadic) return undefined;
  if (given.length > cmd.args.length) {
    const n = cmd.args.length;
    return `error: too many arguments for '${name}'. Expected ${n} argument${n === 1 ? '' : 's'} but got ${given.length}.`;
  }
  return undefined;
}
