/**
 * Shared helpers for unit tests: a Ctx with captured stdout/stderr and a temporary state file,
 * and a scripted Prompter. Generic on purpose: any command's unit tests can use them.
 *
 *   const t = testCtx({ yes: true }, { prompter: scriptedPrompter([true]) });
 *   await addCallback(input, t.ctx);
 *   expect(t.stderr()).toContain('+ https://…');
 */
import { mkdtempSync, readFileSync, rmSync, existsSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Writable } from 'node:stream';
import { Ctx, type Deps, type GlobalFlags } from '../../src/lib/context.js';
import type { Choice, Prompter } from '../../src/lib/prompt.js';
import { buildProgram } from '../../src/program.js';

// Keep the SDK's credential chain quiet and local, whatever the developer's machine has.
process.env.AWS_ACCESS_KEY_ID ??= 'test';
process.env.AWS_SECRET_ACCESS_KEY ??= 'test';

/** A writable stream that keeps what was written; `isTTY` is settable. */
export class CaptureStream extends Writable {
  chunks: string[] = [];
  isTTY: boolean;
  constructor(isTTY = false) {
    super();
    this.isTTY = isTTY;
  }
  override _write(chunk: Buffer | string, _enc: BufferEncoding, cb: (e?: Error | null) => void): void {
    this.chunks.push(typeof chunk === 'string' ? chunk : chunk.toString('utf8'));
    cb();
  }
  text(): string {
    return this.chunks.join('');
  }
}

/** Commander's own top-level help (and the text after it) at `width` columns, with or without colours. */
export function commanderHelp(width: number | undefined, hasColors: boolean): string {
  let out = '';
  buildProgram({})
    .configureOutput({ writeOut: (s) => (out += s), getOutHelpWidth: () => width as number, getOutHasColors: () => hasColors })
    .outputHelp();
  return out;
}

// eslint-disable-next-line no-control-regex
const ANSI = /\x1b\[[0-9;?]*[A-Za-z]/g;
export const stripAnsi = (s: string): string => s.replace(ANSI, '');

/** One scripted answer: a value, or a function of the prompt's options (to assert on them). */
export type Answer = unknown | ((opts: { message: string; choices?: Choice<unknown>[]; default?: unknown }) => unknown);

export interface AskedPrompt {
  kind: keyof Prompter;
  message: string;
  choices?: unknown[];
  default?: unknown;
}

export type ScriptedPrompter = Prompter & {
  /** Every prompt shown, in order. */
  asked: AskedPrompt[];
  /** Answers not consumed yet. */
  remaining(): number;
};

/**
 * A Prompter that answers from a list, in order, whatever the prompt kind. An unexpected
 * prompt (list exhausted) throws, so a test fails when a command asks more than scripted.
 * An Error as answer is thrown (e.g. a CancelledError for Ctrl-C).
 */
export function scriptedPrompter(answers: Answer[] = []): ScriptedPrompter {
  const queue = [...answers];
  const asked: AskedPrompt[] = [];
  const next = async (kind: keyof Prompter, o: { message: string; choices?: Choice<unknown>[]; default?: unknown }): Promise<any> => {
    asked.push({ kind, message: o.message, ...(o.choices ? { choices: o.choices.map((c) => c.value) } : {}), ...(o.default !== undefined ? { default: o.default } : {}) });
    if (queue.length === 0) throw new Error(`unexpected ${kind} prompt: "${o.message}" (no scripted answer left)`);
    let a = queue.shift();
    if (typeof a === 'function') a = (a as (x: typeof o) => unknown)(o);
    if (a instanceof Error) throw a;
    return a;
  };
  return {
    asked,
    remaining: () => queue.length,
    input: (o) => next('input', o),
    password: (o) => next('password', o),
    confirm: (o) => next('confirm', o),
    select: (o) => next('select', o as never),
    checkbox: (o) => next('checkbox', o as never),
  };
}

export interface TestDeps extends Omit<Deps, 'stdout' | 'stderr'> {
  /** Command name for the Ctx (default `test`). */
  command?: string;
  /** Simulate a terminal on stdin and stderr (so `canPrompt` can be true). Default false. */
  tty?: boolean;
  /** Initial content of the temporary state file (an object is JSON-encoded; a string is written as is). */
  state?: object | string;
}

export interface TestCtx {
  ctx: Ctx;
  /** Everything written to stdout so far. */
  stdout(): string;
  /** Everything written to stderr so far (ANSI codes kept; see stripAnsi). */
  stderr(): string;
  /** The path of this test's state file (in a fresh temporary directory). */
  statePath: string;
  /** A fresh temporary directory for this ctx (holds the state file; put other files here). */
  dir: string;
  /** The state file parsed, or undefined when it was not written. */
  state(): any;
  /** The state file's raw text, or undefined. */
  stateText(): string | undefined;
  prompter: ScriptedPrompter | Prompter;
  cleanup(): void;
}

/**
 * A Ctx for unit tests. Defaults: env `{ AWS_REGION: 'us-east-1' }` (pass `env` to replace it
 * entirely), no TTY, a scripted prompter with no answers, a state file in a fresh temp dir
 * (unless `flags.state` is given).
 */
export function testCtx(flags: GlobalFlags = {}, deps: TestDeps = {}): TestCtx {
  const { command = 'test', tty = false, state, ...rest } = deps;
  const dir = mkdtempSync(join(tmpdir(), 'mcp-cognito-unit-'));
  const statePath = flags.state ?? join(dir, 'mcp-cognito.json');
  if (state !== undefined) writeFileSync(statePath, typeof state === 'string' ? state : JSON.stringify(state));
  const stdout = new CaptureStream(false);
  const stderr = new CaptureStream(tty);
  const prompter = rest.prompter ?? scriptedPrompter([]);
  const ctx = new Ctx(
    command,
    { ...flags, state: statePath },
    {
      env: { AWS_REGION: 'us-east-1' },
      stdinIsTTY: tty,
      ...rest,
      prompter,
      stdout,
      stderr,
    },
  );
  return {
    ctx,
    stdout: () => stdout.text(),
    stderr: () => stderr.text(),
    statePath,
    dir,
    state: () => (existsSync(statePath) ? JSON.parse(readFileSync(statePath, 'utf8')) : undefined),
    stateText: () => (existsSync(statePath) ? readFileSync(statePath, 'utf8') : undefined),
    prompter,
    cleanup: () => rmSync(dir, { recursive: true, force: true }),
  };
}
