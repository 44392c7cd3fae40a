/**
 * `<command> --help`, `help <command>` and `completion <shell>` are answered by the built CLI
 * without commander, from what the build read from the commander program (src/cli-model.ts,
 * baked into src/cli-data.ts). Here that model is read from the sources the same way, and main()'s
 * answers are held to what commander prints for the same arguments: every command, on a pipe and
 * on terminals of many widths. (test/unit/startup.test.ts checks the built CLI.)
 */
import { afterEach, describe, expect, it, vi } from 'vitest';
import { describeCli, type CliModel } from '../../src/cli-model.js';

vi.mock('../../src/cli-data.js', async () => ({ CLI_MODEL: await (await import('../../src/cli-model.js')).describeCli() }));

const { main, modelQuestion } = await import('../../src/cli.js');
const { run } = await import('../../src/program.js');
const { CaptureStream } = await import('./helpers.js');

const model: CliModel = await describeCli();
const PATHS = Object.keys(model.help);

const saved = new Map<string, PropertyDescriptor | undefined>();
function stdoutAs(columns: number | undefined): void {
  for (const key of ['isTTY', 'columns']) if (!saved.has(key)) saved.set(key, Object.getOwnPropertyDescriptor(process.stdout, key));
  Object.defineProperty(process.stdout, 'isTTY', { value: columns !== undefined, configurable: true, writable: true });
  Object.defineProperty(process.stdout, 'columns', { value: columns, configurable: true, writable: true });
}
afterEach(() => {
  for (const [key, d] of saved) {
    if (d) Object.defineProperty(process.stdout, key, d);
    else delete (process.stdout as unknown as Record<string, unknown>)[key];
  }
  saved.clear();
});

/** What `entry` writes to process.stdout (where commander writes help) and to the streams, and its exit code. */
async function printed(entry: typeof main, args: string[]): Promise<[number, string, string]> {
  const write = vi.spyOn(process.stdout, 'write').mockImplementation(() => true);
  const stdout = new CaptureStream();
  const stderr = new CaptureStream();
  try {
    const code = await entry(['node', 'mcp-cognito', ...args], { stdout, stderr });
    return [code, write.mock.calls.map((c) => String(c[0])).join(''), stdout.text() + stderr.text()];
  } finally {
    write.mockRestore();
  }
}

describe('command help without commander', () => {
  it('the model holds every command and subcommand', () => {
    expect(PATHS).toEqual(expect.arrayContaining(['init', 'create-client', 'doctor', 'completion', 'facade', 'facade serve', 'facade deploy']));
  });

  it.each(PATHS)('%s --help, -h and help <command>: what commander prints, on a pipe and at any width', async (path) => {
    const words = path.split(' ');
    const forms = [[...words, '--help'], [...words, '-h'], ...(words.length === 1 ? [['help', ...words]] : [])];
    for (const args of forms) {
      expect(modelQuestion(args), args.join(' ')).toEqual({ help: path });
      for (const columns of [undefined, 30, 40, 41, 60, 80, 100, 120, 200]) {
        stdoutAs(columns);
        const ours = await printed(main, args);
        expect(ours, `${args.join(' ')} at ${columns} columns`).toEqual(await printed(run, args));
        expect(ours[1].length).toBeGreaterThan(100);
      }
    }
  });

  it('the check above would see a difference: the help wraps to the width', async () => {
    stdoutAs(60);
    const narrow = await printed(main, ['doctor', '--help']);
    stdoutAs(120);
    expect((await printed(main, ['doctor', '--help']))[1]).not.toBe(narrow[1]);
  });

  it.each([
    [['doctor', '--help', '--json']],
    [['--json', 'doctor', '--help']],
    [['doctor', '--offline', '--help']],
    [['help', 'bogus']],
    [['bogus', '--help']],
    [['help', 'facade', 'serve']],
    [['completion']],
    [['completion', 'bash', '--json']],
    [['doctor']],
  ])('%j goes to commander', (args) => {
    expect(modelQuestion(args)).toBeUndefined();
  });
});

describe('completion scripts without commander', () => {
  it.each(['bash', 'zsh', 'fish'])('completion %s: the model holds what the command prints', async (shell) => {
    expect(modelQuestion(['completion', shell])).toEqual({ completion: shell });
    const [code, , text] = await printed(run, ['completion', shell]);
    expect(code).toBe(0);
    expect(model.completion[shell]).toBe(text);
    expect(text).toContain('mcp-cognito');
  });
});
