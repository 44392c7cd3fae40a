/**
 * `mcp-cognito`, `--help`, `-h`, `--version`, `-v` and `-V` are answered by src/cli.ts without
 * commander (src/help.ts lays the help out as commander does). These tests hold them to what
 * commander prints for the same program: at every width it may wrap to, with colours on and off,
 * and through main() exactly as through the commander program. Anything else goes to commander.
 * (test/unit/startup.test.ts checks the built CLI's output on a pipe, which src/cli.ts writes to
 * file descriptor 1 directly.)
 */
import { afterEach, describe, expect, it, vi } from 'vitest';
import { main, quickAnswer } from '../../src/cli.js';
import { rootHelp } from '../../src/help.js';
import { run } from '../../src/program.js';
import { COMMANDS, DESCRIPTION, FOOTER, GLOBAL_OPTIONS, VERSION, VERSION_OPTION } from '../../src/spec.js';
import { CaptureStream, commanderHelp } from './helpers.js';

/** Widths commander may wrap to: narrower than it wraps at all (40), the default (80), wide terminals. */
const WIDTHS = [0, 20, 39, 40, 41, 44, 50, 60, 72, 79, 80, 81, 100, 120, 160, 200, 1000];

describe('the top-level help without commander', () => {
  it.each(WIDTHS)('is commander\'s at %i columns, with colours on and off', (width) => {
    expect(rootHelp(width)).toBe(commanderHelp(width, false));
    expect(rootHelp(width)).toBe(commanderHelp(width, true));
  });

  it("is commander's at its default width (80, when stdout is not a terminal)", () => {
    expect(rootHelp(80)).toBe(commanderHelp(undefined, false));
    expect(commanderHelp(undefined, false)).not.toBe(commanderHelp(60, false));
  });

  it('wraps: the check above would see a wrapping difference', () => {
    // The footer is preformatted; the rest wraps (items wrap only when 40 columns are left for them).
    const lines = rootHelp(80).split('\n');
    expect(Math.max(...lines.slice(0, lines.indexOf('Non-interactive use:')).map((l) => l.length))).toBe(80);
    expect(rootHelp(60)).not.toBe(rootHelp(80));
  });

  it('shows every command and global option (they come from the same table as commander\'s)', () => {
    const help = rootHelp(80);
    for (const c of COMMANDS) expect(help).toMatch(new RegExp(`^  ${c.name} `, 'm'));
    for (const o of [VERSION_OPTION, ...GLOBAL_OPTIONS]) expect(help).toContain(`  ${o.flags} `);
    expect(help).toContain(FOOTER);
    expect(help).toContain(DESCRIPTION.slice(0, 30));
  });
});

describe('main() answers the quick cases as commander does', () => {
  const saved = new Map<string, PropertyDescriptor | undefined>();
  /** Makes process.stdout look like a terminal `columns` wide (or like a pipe: undefined). */
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
    vi.unstubAllEnvs();
  });

  /** What `entry` writes to process.stdout for `args`, and its exit code. */
  async function printed(entry: typeof main, args: string[]): Promise<[number, string]> {
    const write = vi.spyOn(process.stdout, 'write').mockImplementation(() => true);
    try {
      // Streams swapped in: main() writes through process.stdout, as commander does, where the spy sees it.
      const code = await entry(['node', 'mcp-cognito', ...args], { stdout: new CaptureStream(), stderr: new CaptureStream() });
      return [code, write.mock.calls.map((c) => String(c[0])).join('')];
    } finally {
      write.mockRestore();
    }
  }

  const QUICK = [[], ['--help'], ['-h'], ['help'], ['--version'], ['-v'], ['-V']];

  it.each(QUICK)('%j: the same text and exit code as commander, on a pipe and on terminals of any width', async (...args: string[]) => {
    expect(quickAnswer(args)).toBeDefined();
    for (const columns of [undefined, 30, 40, 60, 80, 100, 120, 200]) {
      // commander's colour switches: none, NO_COLOR, FORCE_COLOR.
      for (const [noColor, forceColor] of [['', ''], ['1', ''], ['', '1']] as const) {
        stdoutAs(columns);
        vi.stubEnv('NO_COLOR', noColor);
        vi.stubEnv('FORCE_COLOR', forceColor);
        const ours = await printed(main, args);
        expect(ours, `${columns} columns, NO_COLOR=${noColor} FORCE_COLOR=${forceColor}`).toEqual(await printed(run, args));
        expect(ours[1]).toBe(args[0]?.match(/^-(v|V|-version)$/) ? `${VERSION}\n` : rootHelp(columns ?? 80));
      }
    }
  });

  it.each([
    [['help', 'init']],
    [['init', '--help']],
    [['--help', '--json']],
    [['--json', '--help']],
    [['-h', '-v']],
    [['-hv']],
    [['--help=1']],
    [['--version=1']],
    [['--HELP']],
    [['--']],
    [['-']],
    [['']],
    [['bogus']],
  ])('%j goes to commander', (args) => {
    expect(quickAnswer(args)).toBeUndefined();
  });
});
