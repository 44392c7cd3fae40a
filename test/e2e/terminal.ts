/**
 * A real pseudo-terminal for tests: a private tmux server (-L) running one command, the keys a
 * person presses and the screen they see. Used by the wizard's tests and the README's quick start.
 */
import { execFileSync, spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

export const hasTmux = spawnSync('tmux', ['-V'], { stdio: 'ignore' }).status === 0;
const base = mkdtempSync(join(tmpdir(), 'mcp-cognito-tty-'));
process.once('exit', () => rmSync(base, { recursive: true, force: true }));

export const shq = (s: string) => `'${s.replace(/'/g, `'\\''`)}'`;

/** One terminal: a private tmux server (-L) running one command in a 160x50 window. */
export class Terminal {
  private static n = 0;
  readonly socket = `mcp-cognito-pty-${process.pid}-${Terminal.n++}`;
  constructor(command: string, env: Record<string, string>, cwd: string) {
    const exports = Object.entries(env)
      .map(([k, v]) => `${k}=${shq(v)}`)
      .join(' ');
    // env -i: nothing from the test process leaks in (CI=true would turn the prompts off).
    const script = `cd ${shq(cwd)} && env -i ${exports} ${command}; echo "[exit $?]"; sleep 120`;
    // bash, not sh: after a Ctrl-C that the program handles (exiting normally), bash goes on to print the exit code; dash exits too.
    this.tmux('new-session', '-d', '-x', '160', '-y', '50', 'bash', '-c', script);
    // A copy of what the pane receives: the screen can only have changed when this file grew.
    this.tmux('pipe-pane', '-O', `cat >> ${shq(this.log)}`);
  }
  /** Where pipe-pane appends the pane's output (the change signal for screen()). */
  private readonly log = join(base, `${this.socket}.out`);
  private last?: { size: number; at: number; screen: string };
  tmux(...args: string[]): string {
    return execFileSync('tmux', ['-L', this.socket, '-f', '/dev/null', ...args], { encoding: 'utf8', timeout: 10_000 });
  }
  /**
   * The whole screen and scroll-back, plain text. Captured again only when the pane has received
   * output since the last capture (or a second has passed): each capture is a tmux process, and
   * forking this process for every poll cost the suite seconds of CPU.
   */
  screen(): string {
    let size = -1;
    try {
      size = statSync(this.log).size;
    } catch {
      /* not written yet */
    }
    const now = Date.now();
    if (this.last && size >= 0 && size === this.last.size && now - this.last.at < 1000) return this.last.screen;
    const screen = this.tmux('capture-pane', '-p', '-J', '-S', '-5000');
    this.last = { size, at: now, screen };
    return screen;
  }
  /** Wait until the screen matches (text or pattern); fails with the screen after `ms`. */
  async waitFor(what: string | RegExp, ms = 15_000): Promise<string> {
    const deadline = Date.now() + ms;
    for (;;) {
      const s = this.screen();
      if (typeof what === 'string' ? s.includes(what) : what.test(s)) return s;
      if (Date.now() > deadline) throw new Error(`timed out after ${ms} ms waiting for ${String(what)}; the screen:\n${s}`);
      await new Promise((r) => setTimeout(r, 100));
    }
  }
  /** Keys as tmux names them (Enter, Down, Space, C-c) or literal text (-l). */
  keys(...keys: string[]): void {
    this.tmux('send-keys', ...keys);
  }
  type(text: string): void {
    this.tmux('send-keys', '-l', text);
  }
  /** Answer a prompt: wait for its text, then type (optional) and press Enter. */
  async answer(prompt: string | RegExp, text?: string): Promise<void> {
    await this.waitFor(prompt);
    const before = this.screen();
    if (text) this.type(text);
    this.keys('Enter');
    // The answered prompt is redrawn as "✔ …": wait for the screen to change before the next one.
    const deadline = Date.now() + 5_000;
    while (this.screen() === before && Date.now() < deadline) await new Promise((r) => setTimeout(r, 50));
  }
  async exitCode(ms = 30_000): Promise<number> {
    const s = await this.waitFor(/\[exit (\d+)\]/, ms);
    return Number(/\[exit (\d+)\]/.exec(s)![1]);
  }
  kill(): void {
    try {
      this.tmux('kill-server');
    } catch {
      /* already gone */
    }
    // tmux leaves its socket file behind.
    rmSync(join(process.env.TMUX_TMPDIR ?? '/tmp', `tmux-${process.getuid?.() ?? 0}`, this.socket), { force: true });
  }
}

