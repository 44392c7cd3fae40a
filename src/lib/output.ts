import { wrapText } from './text.js';
import { Chalk, type ChalkInstance } from 'chalk';
import type { CliError } from './errors.js';
import { failureText } from './failure.js';

export interface OutputOptions {
  command: string;
  json: boolean;
  color: boolean;
  debug: boolean;
  /** Where results go (stdout) and chatter goes (stderr); injectable for tests. */
  stdout?: NodeJS.WritableStream & { isTTY?: boolean };
  stderr?: NodeJS.WritableStream & { isTTY?: boolean };
}

export interface Spinner {
  update(text: string): void;
  stop(finalText?: string): void;
}

/**
 * The one place that writes to the terminal. stdout carries only the result (one JSON document
 * with --json); progress, plans, warnings and prompts go to stderr.
 */
export class Output {
  readonly c: ChalkInstance;
  readonly json: boolean;
  readonly debugEnabled: boolean;
  readonly command: string;
  private readonly stdout: NodeJS.WritableStream & { isTTY?: boolean };
  private readonly stderr: NodeJS.WritableStream & { isTTY?: boolean };

  constructor(opts: OutputOptions) {
    this.stdout = opts.stdout ?? process.stdout;
    this.stderr = opts.stderr ?? process.stderr;
    this.json = opts.json;
    this.debugEnabled = opts.debug;
    this.command = opts.command;
    // chalk does not honour NO_COLOR itself (chalk#547), so decide here.
    const noColor = !opts.color || (process.env.NO_COLOR ?? '') !== '' || !this.stderr.isTTY || process.env.TERM === 'dumb';
    this.c = new Chalk({ level: noColor ? 0 : 1 });
  }

  /** The terminal's width for results on stdout; undefined on a pipe or file (results are not wrapped there). */
  get width(): number | undefined {
    const out = this.stdout as { isTTY?: boolean; columns?: number };
    return out.isTTY ? out.columns || 80 : undefined;
  }

  get isTTY(): boolean {
    return Boolean(this.stderr.isTTY) && !this.json;
  }

  /** Progress chatter on stderr; silent under --json. */
  info(s: string): void {
    if (!this.json) this.err(s);
  }
  /** A finished step. */
  step(s: string): void {
    if (!this.json) this.err(`${this.c.green('✓')} ${s}`);
  }
  /** Warnings reach stderr even under --json (stdout stays one JSON document). */
  warn(s: string): void {
    this.err(this.c.yellow(`! ${s}`));
  }
  debug(s: string): void {
    if (this.debugEnabled) this.err(this.c.dim(`[debug] ${s}`));
  }
  /** Raw stderr line, for plans and prompts. */
  err(s: string): void {
    this.stderr.write(s + '\n');
  }

  /** A progress indicator on a TTY; plain lines otherwise. */
  spinner(text: string): Spinner {
    if (!this.isTTY) {
      this.info(`${text}…`);
      return { update: () => undefined, stop: (t) => t && this.info(t) };
    }
    const frames = ['⠋', '⠙', '⠹', '⠸', '⠼', '⠴', '⠦', '⠧', '⠇', '⠏'];
    let i = 0;
    let current = text;
    const draw = () => this.stderr.write(`\r\x1b[2K${this.c.cyan(frames[i++ % frames.length])} ${current}`);
    draw();
    const timer = setInterval(draw, 100);
    timer.unref?.();
    return {
      update: (t) => {
        current = t;
      },
      stop: (finalText) => {
        clearInterval(timer);
        this.stderr.write('\r\x1b[2K');
        if (finalText) this.step(finalText);
      },
    };
  }

  private finalPrinted = false;
  /** A result is on stdout (an interrupt after it adds no second document). */
  resultPrinted = false;

  /**
   * Print the command's result: the JSON envelope, or the human rendering. `final`: nothing is
   * printed after it (a long-running command, facade serve, prints its result when it is ready and
   * the one printed when it ends is dropped).
   */
  result<T extends object>(r: T, render: (r: T, out: Output) => string, opts: { final?: boolean } = {}): void {
    if (this.finalPrinted) return;
    this.resultPrinted = true;
    if (opts.final) this.finalPrinted = true;
    if (this.json) {
      this.stdout.write(JSON.stringify({ success: true, command: this.command, ...r }, null, 2) + '\n');
    } else {
      let text = render(r, this);
      // Colour follows stderr (the terminal a person watches); a piped or redirected stdout gets plain text.
      // eslint-disable-next-line no-control-regex
      if (!this.stdout.isTTY) text = text.replace(/\x1b\[[0-9;]*m/g, '');
      // On a terminal, long lines wrap at its width between words (a terminal would cut a word or a command in two).
      else text = wrapText(text, this.width!);
      if (text) this.stdout.write(text.endsWith('\n') ? text : text + '\n');
    }
  }

  failure(e: CliError): void {
    const text = failureText(e, this.command, this.json, (s) => this.c.red(s), (s) => this.c.dim(s));
    if ('stdout' in text) this.stdout.write(text.stdout);
    else for (const line of text.stderr) this.err(line);
  }

  /** A two-column table (label, value) for forms such as Copilot Studio's. */
  table(rows: [string, string][]): string {
    const w = Math.max(...rows.map(([k]) => k.length));
    return rows.map(([k, v]) => `  ${this.c.bold(k.padEnd(w))}  ${v}`).join('\n');
  }
}
