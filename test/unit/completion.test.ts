/**
 * Shell completion (`mcp-cognito completion bash|zsh|fish`), `-v` for the version, and global
 * options in subcommand help. The scripts are generated from commander's tree, so the tests
 * compare each shell's real answers with that tree: every command, every visible option.
 * A shell that is not installed is skipped with the reason (bash is always there on Linux).
 */
import { spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { build } from 'esbuild';
import { afterAll, describe, expect, it, vi } from 'vitest';
import { VERSION, main } from '../../src/cli.js';
import { buildProgram, loadCommands } from '../../src/program.js';
import { SHELLS, completionScript, completionTree, type CompletionTree, type Shell } from '../../src/commands/completion.js';
import { CaptureStream } from './helpers.js';

// Every command loaded (the launcher loads only the one it runs; completion loads them all).
const loaded = await loadCommands();
const tree: CompletionTree = completionTree(buildProgram({}, loaded));
const dir = mkdtempSync(join(tmpdir(), 'mcp-cognito-completion-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const has = (shell: string) => spawnSync(shell, ['-c', 'exit 0'], { stdio: 'ignore' }).status === 0;
const script = (shell: Shell) => {
  const file = join(dir, `mcp-cognito.${shell}`);
  writeFileSync(file, completionScript(shell, tree));
  return file;
};
/** A HOME with AWS profiles, so that --profile has something to complete. */
const home = join(dir, 'home');
mkdirSync(join(home, '.aws'), { recursive: true });
writeFileSync(join(home, '.aws', 'config'), '[default]\nregion = us-east-1\n[profile staging]\n[sso-session corp]\nsso_region = us-east-1\n');
writeFileSync(join(home, '.aws', 'credentials'), '[production]\naws_access_key_id = x\n');
const env = { ...process.env, HOME: home, AWS_CONFIG_FILE: '', AWS_SHARED_CREDENTIALS_FILE: '' };
delete (env as Record<string, string | undefined>).AWS_CONFIG_FILE;
delete (env as Record<string, string | undefined>).AWS_SHARED_CREDENTIALS_FILE;

const longs = (c: { options: { long?: string }[] }) => c.options.map((o) => o.long).filter((l): l is string => Boolean(l));
const commandNames = tree.commands.map((c) => c.name);

describe('the completion tree is commander\'s', () => {
  it('every registered command (and help), with its visible options', () => {
    const program = buildProgram({}, loaded);
    expect(commandNames).toEqual([...program.commands.map((c) => c.name()), 'help']);
    for (const cmd of program.commands) {
      const spec = tree.commands.find((c) => c.name === cmd.name())!;
      expect(longs(spec).sort()).toEqual([...cmd.options.filter((o) => !o.hidden).map((o) => o.long!), '--help'].sort());
    }
    expect(longs({ options: tree.globals })).toEqual(expect.arrayContaining(['--region', '--profile', '--endpoint-url', '--state', '--json', '--yes', '--dry-run', '--no-input', '--debug', '--no-color']));
    expect(longs({ options: tree.rootOnly })).toEqual(['--version', '--help']);
  });

  it('knows what values take: files, profiles, choices', () => {
    expect(tree.globals.find((o) => o.long === '--state')).toMatchObject({ takesValue: true, files: true });
    expect(tree.globals.find((o) => o.long === '--profile')).toMatchObject({ takesValue: true, profile: true });
    expect(tree.globals.find((o) => o.long === '--json')).toMatchObject({ takesValue: false });
    expect(tree.commands.find((c) => c.name === 'create-client')!.options.find((o) => o.long === '--dotenv')).toMatchObject({ files: true });
    expect(tree.commands.find((c) => c.name === 'completion')!.args).toEqual([{ name: 'shell', variadic: false, choices: ['bash', 'zsh', 'fish'] }]);
    expect(tree.commands.find((c) => c.name === 'help')!.args[0]!.choices).toEqual(commandNames.filter((n) => n !== 'help'));
  });
});

describe('the command', () => {
  it.each(SHELLS)('completion %s prints the script on stdout, exit 0, nothing on stderr', async (shell) => {
    const stdout = new CaptureStream();
    const stderr = new CaptureStream();
    const code = await main(['node', 'mcp-cognito', 'completion', shell], { stdout, stderr });
    expect(code).toBe(0);
    expect(stderr.text()).toBe('');
    expect(stdout.text()).toBe(completionScript(shell, tree));
  });

  it('an unknown shell is a usage error (exit 2) naming the choices', async () => {
    const stderr = new CaptureStream();
    const code = await main(['node', 'mcp-cognito', 'completion', 'tcsh'], { stdout: new CaptureStream(), stderr });
    expect(code).toBe(2);
    expect(stderr.text()).toMatch(/bash, zsh, fish/);
  });

  it('needs no state file and no writable directory (it is sourced from shell start-up files anywhere)', async () => {
    const stdout = new CaptureStream();
    const code = await main(['node', 'mcp-cognito', '--state', '/nonexistent/dir/mcp-cognito.json', 'completion', 'bash'], { stdout, stderr: new CaptureStream() });
    expect(code).toBe(0);
    expect(stdout.text()).toContain('complete -F _mcp_cognito mcp-cognito');
  });

  it('loads no AWS SDK: completion.ts and every command module reach the SDK only through dynamic import()', async () => {
    // Completion reads every command's definition; with commands loaded lazily, each module must stay SDK-free.
    const entries = readdirSync('src/commands').filter((f) => f.endsWith('.ts')).map((f) => `src/commands/${f}`);
    expect(entries).toContain('src/commands/completion.ts');
    // Packages stay external: a static import of the SDK shows up as an external import-statement.
    const r = await build({ entryPoints: entries, bundle: true, packages: 'external', write: false, metafile: true, platform: 'node', format: 'esm', outdir: join(dir, 'out'), logLevel: 'silent' });
    for (const entry of entries) {
      const reachable = new Set([entry]);
      const queue = [entry];
      const sdk: string[] = [];
      while (queue.length) {
        for (const imp of r.metafile.inputs[queue.pop()!]?.imports ?? []) {
          if (imp.kind === 'dynamic-import') continue;
          if (imp.external) {
            if (/^(@aws-sdk|@smithy)\//.test(imp.path)) sdk.push(imp.path);
            continue;
          }
          if (reachable.has(imp.path)) continue;
          reachable.add(imp.path);
          queue.push(imp.path);
        }
      }
      expect(sdk, entry).toEqual([]);
    }
    // Not vacuous: the SDK is imported dynamically somewhere in what was built (src/aws/sdk/*.ts name
    // the parts of each SDK package that src/aws uses; src/aws imports those modules dynamically).
    const inputs = r.metafile.inputs;
    const loadsSdk = (path: string) => path.startsWith('@aws-sdk/') || (inputs[path]?.imports.some((imp) => imp.external && imp.path.startsWith('@aws-sdk/')) ?? false);
    expect(Object.values(inputs).some((i) => i.imports.some((imp) => imp.kind === 'dynamic-import' && loadsSdk(imp.path)))).toBe(true);
  }, 60_000);
});

describe('bash', () => {
  const file = script('bash');
  /** COMPREPLY for the words typed so far (the last one is being completed). */
  const complete = (...words: string[]) => {
    const r = spawnSync('bash', ['-c', `source "$1"; shift; COMP_WORDS=("$@"); COMP_CWORD=$(( $# - 1 )); _mcp_cognito; printf '%s\\n' "\${COMPREPLY[@]}"`, 'x', file, 'mcp-cognito', ...words], { encoding: 'utf8', env, cwd: dir });
    expect(r.stderr).toBe('');
    return r.stdout.split('\n').filter(Boolean);
  };

  it('bash -n accepts the script', () => {
    const r = spawnSync('bash', ['-n', file], { encoding: 'utf8' });
    expect(r.stderr).toBe('');
    expect(r.status).toBe(0);
  });

  it('completes the commands', () => {
    expect(complete('')).toEqual(commandNames);
    expect(complete('in')).toEqual(['init', 'init-pool']);
    expect(complete('--region', 'us-east-1', 'do')).toEqual(['doctor']);
  });

  it.each(tree.commands.map((c) => [c.name]))('completes every option of %s (and the global ones)', (name) => {
    const spec = tree.commands.find((c) => c.name === name)!;
    expect(complete(name, '--').sort()).toEqual([...new Set([...longs(spec), ...longs({ options: tree.globals })])].sort());
  });

  it('completes values: choices, files, profiles; nothing for free text', () => {
    expect(complete('completion', '')).toEqual(['bash', 'zsh', 'fish']);
    expect(complete('help', 'authorize')).toEqual(['authorize-client']);
    expect(complete('--state', 'mcp-cognito.')).toEqual(['mcp-cognito.bash']);
    expect(complete('create-client', '--dotenv', 'mcp-cognito.b')).toEqual(['mcp-cognito.bash']);
    expect(complete('--profile', '')).toEqual(['default', 'production', 'staging']);
    expect(complete('doctor', '--gateway-id', '')).toEqual([]);
    expect(complete('-')).toEqual(expect.arrayContaining(['-v', '--version', '-h', '--help', '--json']));
  });
});

describe('zsh', () => {
  it('zsh -n accepts the script', (ctx) => {
    if (!has('zsh')) ctx.skip('zsh is not installed (apt-get install zsh)');
    const n = spawnSync('zsh', ['-n', script('zsh')], { encoding: 'utf8' });
    expect(n.stderr).toBe('');
    expect(n.status).toBe(0);
  });

  it('completes in an interactive zsh (commands, options, values)', (ctx) => {
    if (!has('zsh')) ctx.skip('zsh is not installed (apt-get install zsh)');
    const file = script('zsh');
    // Types each line into an interactive zsh on a pseudo-terminal, presses Tab, then a key bound to
    // a widget that writes the edited line to a file.
    const driver = join(dir, 'drive.zsh');
    writeFileSync(
      driver,
      `zmodload zsh/zpty
out=$1; completion=$2; dump=$3; shift 3
zpty z 'zsh -f -i'
zpty -w z "PS1='%% '; autoload -U compinit; compinit -u -d $dump; source $completion; dump() { print -r -- \\"\\$BUFFER\\" > $out; BUFFER= }; zle -N dump; bindkey '^X' dump"
for line in "$@"; do
  rm -f $out
  zpty -n -w z "$line"$'\\t\\C-x'
  for i in {1..200}; do [[ -s $out ]] && break; sleep 0.05; done
  print -r -- "$(<$out)"
done
zpty -d z
`,
    );
    const cases: [string, string][] = [
      ['mcp-cognito init-p', 'mcp-cognito init-pool '],
      ['mcp-cognito --json create-client --pre', 'mcp-cognito --json create-client --preset='],
      ['mcp-cognito doctor --no-pr', 'mcp-cognito doctor --no-probes '],
      ['mcp-cognito help authorize-c', 'mcp-cognito help authorize-client '],
      ['mcp-cognito --profile prod', 'mcp-cognito --profile production '],
      [`mcp-cognito --state ${dir}/mcp-cognito.z`, `mcp-cognito --state ${dir}/mcp-cognito.zsh `],
    ];
    const r = spawnSync('timeout', ['30', 'zsh', '-f', driver, join(dir, 'buffer'), file, join(dir, 'zcompdump2'), ...cases.map(([typed]) => typed)], { encoding: 'utf8', env });
    expect(r.stdout.split('\n').slice(0, cases.length)).toEqual(cases.map(([, want]) => want));
  }, 40_000);
});

describe('fish', () => {
  const complete = (file: string, line: string) => {
    const r = spawnSync('fish', ['--no-config', '-c', `source $argv[1]; complete -C $argv[2]`, file, line], { encoding: 'utf8', env, cwd: dir });
    expect(r.stderr).toBe('');
    return r.stdout.split('\n').filter(Boolean).map((l) => l.split('\t')[0]!);
  };

  it('fish -n accepts the script', (ctx) => {
    if (!has('fish')) ctx.skip('fish is not installed (apt-get install fish)');
    const r = spawnSync('fish', ['-n', script('fish')], { encoding: 'utf8' });
    expect(r.stderr).toBe('');
    expect(r.status).toBe(0);
  });

  it('completes commands, every option of every command, and values', (ctx) => {
    if (!has('fish')) ctx.skip('fish is not installed (apt-get install fish)');
    const file = script('fish');
    expect(complete(file, 'mcp-cognito ').sort()).toEqual([...commandNames].sort());
    for (const c of tree.commands) {
      const want = [...new Set([...longs(c), ...longs({ options: tree.globals })])].sort();
      expect(complete(file, `mcp-cognito ${c.name} --`).sort(), c.name).toEqual(want);
    }
    expect(complete(file, 'mcp-cognito completion ').sort()).toEqual(['bash', 'fish', 'zsh']);
    expect(complete(file, 'mcp-cognito --profile ').sort()).toEqual(['default', 'production', 'staging']);
    expect(complete(file, 'mcp-cognito --state mcp-cognito.f')).toEqual(['mcp-cognito.fish']);
  }, 30_000);
});

describe('conventions', () => {
  it.each(['-v', '-V', '--version'])('%s prints the version, exit 0', async (flag) => {
    const write = vi.spyOn(process.stdout, 'write').mockImplementation(() => true);
    try {
      const code = await main(['node', 'mcp-cognito', flag], { stdout: new CaptureStream(), stderr: new CaptureStream() });
      expect(code).toBe(0);
      expect(write.mock.calls.map((c) => String(c[0])).join('')).toBe(`${VERSION}\n`);
    } finally {
      write.mockRestore();
    }
  });

  it('the root help shows -v, --version', () => {
    expect(buildProgram({}).helpInformation()).toMatch(/^\s+-v, --version\b/m);
  });

  it('every subcommand\'s help lists the global options', () => {
    for (const cmd of buildProgram({}, loaded).commands) {
      const help = cmd.helpInformation();
      expect(help, cmd.name()).toContain('Global Options:');
      for (const flag of ['--region', '--profile', '--endpoint-url', '--state', '--json', '--yes', '--dry-run', '--no-input', '--debug', '--no-color']) expect(help, `${cmd.name()} ${flag}`).toContain(flag);
    }
  });
});
