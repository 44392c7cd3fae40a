/**
 * `mcp-cognito completion bash|zsh|fish`: a shell completion script generated from commander's own
 * command tree (commands, their options, option and argument choices), so it never falls behind
 * the CLI. It reads the program it is registered in (the parent command), loads no AWS SDK and
 * touches neither AWS nor the state file: `source <(mcp-cognito completion bash)` works anywhere.
 */
import { Argument, Command, type Option } from 'commander';
import { Output } from '../lib/output.js';

export const SHELLS = ['bash', 'zsh', 'fish'] as const;
export type Shell = (typeof SHELLS)[number];

const BIN = 'mcp-cognito';

/** One option as a shell sees it. */
export interface OptionSpec {
  short?: string;
  long?: string;
  description: string;
  /** The option takes a value (`--state <file>`). */
  takesValue: boolean;
  /** The value is a path (placeholder `<file>` or `<path>`): complete file names. */
  files: boolean;
  /** The value is an AWS profile name (`--profile`): complete from the shared config files. */
  profile: boolean;
  choices?: string[];
  repeatable: boolean;
  /** Ends option parsing for the run (--help, --version). */
  terminal: boolean;
}

export interface CommandSpec {
  name: string;
  summary: string;
  options: OptionSpec[];
  /** Positional arguments, in order. */
  args: { name: string; variadic: boolean; choices?: string[] }[];
}

export interface CompletionTree {
  /** Options of the program, valid before or after a command. */
  globals: OptionSpec[];
  /** Options of the program only (--version). */
  rootOnly: OptionSpec[];
  commands: CommandSpec[];
}

const oneLine = (s: string) => s.replace(/\s+/g, ' ').trim();

function optionSpec(o: Option): OptionSpec {
  const placeholder = /<([^>]+)>|\[([^\]]+)\]/.exec(o.flags);
  const name = placeholder?.[1] ?? placeholder?.[2] ?? '';
  const description = oneLine(o.description);
  return {
    ...(o.short ? { short: o.short } : {}),
    ...(o.long ? { long: o.long } : {}),
    description,
    takesValue: o.required || o.optional,
    files: /^(file|path)$/.test(name),
    profile: o.long === '--profile',
    ...(o.argChoices?.length ? { choices: [...o.argChoices] } : {}),
    repeatable: o.variadic || /\brepeatable\b/.test(description),
    terminal: false,
  };
}

const HELP: OptionSpec = { short: '-h', long: '--help', description: 'display help for command', takesValue: false, files: false, profile: false, repeatable: false, terminal: true };

/** The tree of `program` as completion needs it: visible commands and options, plus help. */
export function completionTree(program: Command): CompletionTree {
  const globals: OptionSpec[] = [];
  const rootOnly: OptionSpec[] = [];
  for (const o of program.options) {
    if (o.hidden) continue;
    const spec = optionSpec(o);
    if (o.long === '--version') rootOnly.push({ ...spec, terminal: true });
    else globals.push(spec);
  }
  rootOnly.push(HELP);
  const commands: CommandSpec[] = program.commands
    .filter((c) => !(c as Command & { _hidden?: boolean })._hidden)
    .map((c) => ({
      name: c.name(),
      summary: oneLine(c.summary() || c.description().split(/(?<=\.)\s/)[0] || ''),
      options: [...c.options.filter((o) => !o.hidden).map(optionSpec), HELP],
      args: c.registeredArguments.map((a) => ({ name: a.name(), variadic: a.variadic, ...(a.argChoices?.length ? { choices: [...a.argChoices] } : {}) })),
    }));
  // commander's implicit `help [command]`.
  commands.push({ name: 'help', summary: 'display help for command', options: [HELP], args: [{ name: 'command', variadic: false, choices: commands.map((c) => c.name) }] });
  return { globals, rootOnly, commands };
}

const flagsOf = (o: OptionSpec) => [o.short, o.long].filter((f): f is string => Boolean(f));

/** Profile names from the AWS shared config and credentials files (no AWS CLI needed). */
const PROFILES_SH = `sed -n -e '/^\\[sso-session /d' -e 's/^\\[\\(profile \\)\\{0,1\\}\\([^]]*\\)\\].*/\\2/p' "\${AWS_CONFIG_FILE:-$HOME/.aws/config}" "\${AWS_SHARED_CREDENTIALS_FILE:-$HOME/.aws/credentials}" 2>/dev/null | sort -u`;

// ── bash ──────────────────────────────────────────────────────────────────────────────────────

function bash(t: CompletionTree): string {
  const names = t.commands.map((c) => c.name);
  const withValue = (opts: OptionSpec[]) => opts.filter((o) => o.takesValue).flatMap(flagsOf);
  const words = (opts: OptionSpec[]) => opts.flatMap(flagsOf).join(' ');
  const valueCases: string[] = [];
  const add = (scope: string, o: OptionSpec) => {
    const pats = flagsOf(o).map((f) => `${scope}:${f}`).join('|');
    if (o.choices) valueCases.push(`    ${pats}) COMPREPLY=( $(compgen -W '${o.choices.join(' ')}' -- "$cur") ); return 0 ;;`);
    else if (o.files) valueCases.push(`    ${pats}) compopt -o filenames 2>/dev/null; COMPREPLY=( $(compgen -f -- "$cur") ); return 0 ;;`);
    else if (o.profile) valueCases.push(`    ${pats}) COMPREPLY=( $(compgen -W "$(${PROFILES_SH})" -- "$cur") ); return 0 ;;`);
    else valueCases.push(`    ${pats}) return 0 ;;`);
  };
  for (const o of t.globals.filter((x) => x.takesValue)) add('*', o);
  for (const c of t.commands) for (const o of c.options.filter((x) => x.takesValue)) add(c.name, o);
  const optCases = t.commands.map((c) => `    ${c.name}) opts='${words([...c.options, ...t.globals])}' ;;`);
  const argCases = t.commands
    .filter((c) => c.args.some((a) => a.choices))
    .map((c) => `    ${c.name}) COMPREPLY=( $(compgen -W '${c.args.find((a) => a.choices)!.choices!.join(' ')}' -- "$cur") ) ;;`);
  return `# bash completion for ${BIN} (generated by \`${BIN} completion bash\`).
# Load it now:     source <(${BIN} completion bash)
# Load it always:  ${BIN} completion bash > ~/.local/share/bash-completion/completions/${BIN}
_mcp_cognito() {
  local cur="\${COMP_WORDS[COMP_CWORD]}" prev="" cmd="" opts="" i
  (( COMP_CWORD > 0 )) && prev="\${COMP_WORDS[COMP_CWORD-1]}"
  # The command is the first word that is neither an option nor an option's value.
  for (( i = 1; i < COMP_CWORD; i++ )); do
    case "\${COMP_WORDS[i]}" in
      ${withValue(t.globals).join('|')}) (( i++ )) ;;
      -*) ;;
      *) cmd="\${COMP_WORDS[i]}"; break ;;
    esac
  done
  case "$cmd:$prev" in
${valueCases.join('\n')}
  esac
  case "$cmd" in
    '') opts='${words([...t.rootOnly, ...t.globals])}' ;;
${optCases.join('\n')}
  esac
  if [[ "$cur" == -* ]]; then
    COMPREPLY=( $(compgen -W "$opts" -- "$cur") )
  elif [[ -z "$cmd" ]]; then
    COMPREPLY=( $(compgen -W '${names.join(' ')}' -- "$cur") )
  else
    case "$cmd" in
${argCases.join('\n')}
    esac
  fi
  return 0
}
complete -F _mcp_cognito ${BIN}
`;
}

// ── zsh ───────────────────────────────────────────────────────────────────────────────────────

/** A word inside single quotes. */
const sq = (s: string) => s.replace(/'/g, `'\\''`);
/** An _arguments description: brackets and colons escaped. */
const zdesc = (s: string) => sq(s.replace(/\\/g, '\\\\').replace(/([[\]:])/g, '\\$1'));

function zshOption(o: OptionSpec): string {
  const flags = flagsOf(o);
  // `--state=` takes its value as `--state=x` or `--state x`.
  const names = flags.map((f) => (o.takesValue && f.startsWith('--') ? `${f}=` : f));
  const exclusive = o.terminal ? '(- *)' : flags.length > 1 && !o.repeatable ? `(${flags.join(' ')})` : '';
  const star = o.repeatable ? '*' : '';
  const action = !o.takesValue ? '' : o.choices ? `:value:(${o.choices.join(' ')})` : o.files ? ':file:_files' : o.profile ? ':profile:_mcp_cognito_profiles' : ':value: ';
  const rest = `[${zdesc(o.description)}]${action}`;
  if (names.length > 1) return `'${exclusive}${star}'{${names.join(',')}}'${rest}'`;
  return `'${exclusive}${star}${names[0]}${rest}'`;
}

function zsh(t: CompletionTree): string {
  const args = (c: CommandSpec) =>
    c.args.map((a, i) => {
      const action = a.choices ? `(${a.choices.join(' ')})` : ' ';
      return a.variadic ? `'*:${a.name}:${action}'` : `'${i + 1}:${a.name}:${action}'`;
    });
  const cases = t.commands.map((c) => `        ${c.name})\n          _arguments -s -S $globals ${[...c.options.map(zshOption), ...args(c)].join(' ')} && ret=0 ;;`);
  return `#compdef ${BIN}
# zsh completion for ${BIN} (generated by \`${BIN} completion zsh\`).
# Load it now:     source <(${BIN} completion zsh)      (after compinit)
# Load it always:  ${BIN} completion zsh > "\${fpath[1]}/_${BIN}"   and start a new shell

_mcp_cognito_profiles() {
  local -a profiles
  profiles=( \${(f)"$(${PROFILES_SH})"} )
  compadd -a profiles
}

_mcp_cognito() {
  local curcontext="$curcontext" state line ret=1
  typeset -A opt_args
  local -a globals commands
  globals=(
${t.globals.map((o) => `    ${zshOption(o)}`).join('\n')}
  )
  commands=(
${t.commands.map((c) => `    '${sq(c.name)}:${sq(c.summary)}'`).join('\n')}
  )
  _arguments -C -s -S $globals ${t.rootOnly.map(zshOption).join(' ')} '1:command:->command' '*::argument:->argument' && ret=0
  case $state in
    command)
      _describe -t commands '${BIN} command' commands && ret=0 ;;
    argument)
      curcontext="\${curcontext%:*:*}:${BIN}-$line[1]:"
      case $line[1] in
${cases.join('\n')}
      esac ;;
  esac
  return ret
}

if [[ \${zsh_eval_context[-1]} == loadautofunc ]]; then
  _mcp_cognito "$@"
else
  compdef _mcp_cognito ${BIN}
fi
`;
}

// ── fish ──────────────────────────────────────────────────────────────────────────────────────

const fq = (s: string) => `'${s.replace(/\\/g, '\\\\').replace(/'/g, "\\'")}'`;

function fishOption(o: OptionSpec, condition?: string): string {
  const parts = [`complete -c ${BIN}`];
  if (condition) parts.push(`-n ${fq(condition)}`);
  if (o.short) parts.push(`-s ${o.short.slice(1)}`);
  if (o.long) parts.push(`-l ${o.long.slice(2)}`);
  if (o.takesValue) {
    if (o.choices) parts.push(`-x -a ${fq(o.choices.join(' '))}`);
    else if (o.files) parts.push('-r -F');
    else if (o.profile) parts.push(`-x -a ${fq('(__mcp_cognito_profiles)')}`);
    else parts.push('-x');
  }
  parts.push(`-d ${fq(o.description)}`);
  return parts.join(' ');
}

function fish(t: CompletionTree): string {
  const names = t.commands.map((c) => c.name).join(' ');
  const lines: string[] = [
    `# fish completion for ${BIN} (generated by \`${BIN} completion fish\`).`,
    `# Load it now:     ${BIN} completion fish | source`,
    `# Load it always:  ${BIN} completion fish > ~/.config/fish/completions/${BIN}.fish`,
    `function __mcp_cognito_profiles`,
    `    set -l config ~/.aws/config; set -q AWS_CONFIG_FILE; and set config $AWS_CONFIG_FILE`,
    `    set -l credentials ~/.aws/credentials; set -q AWS_SHARED_CREDENTIALS_FILE; and set credentials $AWS_SHARED_CREDENTIALS_FILE`,
    `    sed -n -e '/^\\[sso-session /d' -e 's/^\\[\\(profile \\)\\{0,1\\}\\([^]]*\\)\\].*/\\2/p' $config $credentials 2>/dev/null | sort -u`,
    `end`,
    `complete -c ${BIN} -e`,
    `complete -c ${BIN} -f`,
    ...t.commands.map((c) => `complete -c ${BIN} -n ${fq(`not __fish_seen_subcommand_from ${names}`)} -a ${c.name} -d ${fq(c.summary)}`),
    ...t.globals.map((o) => fishOption(o)),
    ...t.rootOnly.filter((o) => o.long !== '--help').map((o) => fishOption(o, '__fish_use_subcommand')),
    fishOption(HELP),
  ];
  for (const c of t.commands) {
    const cond = `__fish_seen_subcommand_from ${c.name}`;
    for (const o of c.options) if (o !== HELP) lines.push(fishOption(o, cond));
    const choices = c.args.find((a) => a.choices)?.choices;
    if (choices) lines.push(`complete -c ${BIN} -n ${fq(cond)} -a ${fq(choices.join(' '))}`);
  }
  return lines.join('\n') + '\n';
}

export function completionScript(shell: Shell, tree: CompletionTree): string {
  return shell === 'bash' ? bash(tree) : shell === 'zsh' ? zsh(tree) : fish(tree);
}

/** Streams for tests; the same shape as the other commands' holder. */
export interface CompletionHolder {
  deps?: { stdout?: NodeJS.WritableStream & { isTTY?: boolean }; stderr?: NodeJS.WritableStream & { isTTY?: boolean } };
}

export function completionCommand(holder: CompletionHolder = {}): Command {
  return new Command('completion')
    .description('Print the completion script for your shell on stdout: commands, options and their values. It needs no AWS access and no state file.')
    .addArgument(new Argument('<shell>', 'bash, zsh or fish').choices(SHELLS))
    .addHelpText(
      'after',
      `\nExamples:\n  $ source <(${BIN} completion bash)                                     # this shell only\n  $ ${BIN} completion bash > ~/.local/share/bash-completion/completions/${BIN}\n  $ ${BIN} completion zsh > "\${fpath[1]}/_${BIN}"\n  $ ${BIN} completion fish > ~/.config/fish/completions/${BIN}.fish`,
    )
    .action((shell: Shell, _opts: unknown, cmd: Command) => {
      const program = cmd.parent ?? cmd;
      const g = cmd.optsWithGlobals() as { json?: boolean; color?: boolean; debug?: boolean };
      const out = new Output({ command: 'completion', json: Boolean(g.json), color: g.color !== false, debug: Boolean(g.debug), stdout: holder.deps?.stdout, stderr: holder.deps?.stderr });
      out.result({ shell, script: completionScript(shell, completionTree(program)) }, (r) => r.script);
    });
}
