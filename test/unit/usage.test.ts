/**
 * Usage errors (an unknown option, an option without its value, a missing or an extra argument)
 * are told by src/usage.ts from the build's parse model, without commander. Here its answer is
 * held to commander's own parse of the same program, over many argument lists for every command
 * it models: the same message, or no answer at all (commander decides). And main() reports them
 * exactly as the commander program does.
 */
import { CommanderError, type Command } from 'commander';
import { describe, expect, it, vi } from 'vitest';
import { describeCli, type CliModel } from '../../src/cli-model.js';
import { usageError } from '../../src/usage.js';

vi.mock('../../src/cli-data.js', async () => ({ CLI_MODEL: await (await import('../../src/cli-model.js')).describeCli() }));

const { main } = await import('../../src/cli.js');
const { buildProgram, loadCommands, run } = await import('../../src/program.js');
const { CaptureStream } = await import('./helpers.js');

const model: CliModel = await describeCli();
const loaded = await loadCommands();

/** The program with every command loaded, its actions replaced by no-ops and its output silenced. */
function silentProgram(): Command {
  const program = buildProgram({}, loaded);
  const noop = (c: Command) => {
    c.action(() => undefined);
    c.commands.forEach(noop);
  };
  program.commands.forEach(noop);
  program.configureOutput({ writeOut: () => undefined, writeErr: () => undefined, outputError: () => undefined });
  for (const c of program.commands) c.configureOutput({ writeOut: () => undefined, writeErr: () => undefined, outputError: () => undefined });
  return program;
}

/**
 * One program parses every list: commander (13+) restores each command's options, operands and
 * name before it parses again, and the repeatable options' collectors copy instead of pushing into
 * their default. Building a program per list cost most of this file's time; a sample of the lists
 * below is held to a fresh program's verdict, so a parse that leaks into the next one is caught.
 */
const shared = silentProgram();

/** commander's verdict on `args`: its usage error message, '' when it would run the command, or 'other' (help, version…). */
async function commander(args: string[], program: Command = shared): Promise<string> {
  try {
    await program.parseAsync(['node', 'mcp-cognito', ...args]);
    return '';
  } catch (e) {
    if (e instanceof CommanderError && ['commander.unknownOption', 'commander.optionMissingArgument', 'commander.missingArgument', 'commander.excessArguments'].includes(e.code)) return e.message;
    return 'other';
  }
}

/** Argument lists for a command: its own options with and without values, global ones, unknown ones, operands. */
function argLists(name: string): string[][] {
  const m = model.parse.commands[name]!;
  const own = m.options.flatMap((o) => {
    const flag = o.long ?? o.short!;
    return o.value === 'required' ? [[flag, 'v1'], [`${flag}=v2`], [flag]] : [[flag]];
  });
  const pieces: string[][] = [...own, ['--bogus'], ['--nme'], ['--jsn'], ['-x'], ['--bogus=1'], ['--json'], ['--no-color'], ['-r', 'eu-west-1'], ['--region'], ['--state=x.json'], ['-y'], ['a'], ['a', 'b'], ['--', 'z'], ['-h'], ['-v'], ['-1'], ['-yv']];
  const lists: string[][] = [[name]];
  for (const a of pieces) {
    lists.push([name, ...a]);
    for (const b of pieces) lists.push([name, ...a, ...b]);
  }
  return lists;
}

describe('usage errors without commander', () => {
  const names = Object.keys(model.parse.commands);

  it('models the plain commands (not facade, whose subcommands commander parses, nor completion, whose argument has choices)', () => {
    expect(names).toEqual(expect.arrayContaining(['init', 'create-client', 'add-callback', 'doctor', 'teardown']));
    expect(names).not.toContain('facade');
    expect(names).not.toContain('completion');
  });

  it.each(names)('%s: over many argument lists, the message commander reports, or no answer', async (name) => {
    let answered = 0;
    let listed = 0;
    /** Every list where the port and commander differ (all of them, not just the first). */
    const wrong: string[] = [];
    // commander throws an error for every usage error, and the stacks of ~20,000 of them were a
    // good part of this file's time; nothing reads them (messages and codes are unchanged).
    const stackTraceLimit = Error.stackTraceLimit;
    Error.stackTraceLimit = 0;
    try {
      for (const args of argLists(name)) {
        const ours = usageError(model.parse, args);
        const theirs = await commander(args);
        // Every 97th list (a prime: it walks across the pieces), the shared program against a fresh one.
        if (++listed % 97 === 0) {
          const fresh = await commander(args, silentProgram());
          if (theirs !== fresh) wrong.push(`${args.join(' ')}: the shared program answers ${JSON.stringify(theirs)}, a fresh one ${JSON.stringify(fresh)}`);
        }
        if (ours === undefined) {
          // No answer: commander decides. It must not be a case the port claims to model and gets wrong:
          // a plain unknown option right after the command is always answered.
          if (args.length === 2 && args[1] === '--bogus') wrong.push(`${args.join(' ')}: not answered`);
          continue;
        }
        answered++;
        if (ours !== theirs) wrong.push(`${args.join(' ')}: ours ${JSON.stringify(ours)}, commander's ${JSON.stringify(theirs)}`);
      }
    } finally {
      Error.stackTraceLimit = stackTraceLimit;
    }
    expect(wrong).toEqual([]);
    expect(answered).toBeGreaterThan(10);
  });

  it.each([
    [['create-client', '--bogus']],
    [['create-client', '--nme', 'x']],
    [['create-client', '--bogus', '--json']],
    [['doctor', '--offlin']],
    [['add-callback']],
    [['add-callback', '--logout']],
    [['create-client', 'extra']],
    [['create-client', '--name']],
    [['init-pool', '--region']],
    [['status', '-x', '--no-color']],
  ])('main() %j: what the commander program prints, and exit 2', async (args) => {
    expect(usageError(model.parse, args)).toBeDefined();
    for (const tty of [false, true]) {
      const streams = () => ({ stdout: new CaptureStream(tty), stderr: new CaptureStream(tty), env: {}, aws: {} });
      const a = streams();
      const b = streams();
      const ours = await main(['node', 'mcp-cognito', ...args], a);
      const theirs = await run(['node', 'mcp-cognito', ...args], b);
      expect([ours, a.stdout.text(), a.stderr.text()]).toEqual([theirs, b.stdout.text(), b.stderr.text()]);
      expect(ours).toBe(2);
    }
  });
});
