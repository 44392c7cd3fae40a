/**
 * The README's quick start, as a newcomer runs it: each fenced command of the section "Quick start
 * (from a clone)", typed as written into a shell in a real terminal (tmux), in a fresh clone of this
 * repository's committed HEAD. `<this repository>` is the only word replaced (by this clone's path).
 * Where a command asks questions (the sandbox's wizard, init), Enter is pressed at each, as the
 * README says ("Pressing Enter at every prompt gives a working setup"). The sandbox's printed lines
 * are pasted into a second fresh shell with `mcp-cognito doctor`, which must show 0 warnings.
 * `npm link` writes into a prefix of the test's own (npm_config_prefix), never the machine's.
 *
 * Its own suite (vitest.readme.config.ts, run by .ci/run), not part of `npm test`: it runs
 * `npm ci` and `npm test` in the clone, minutes of work.
 */
import { execFileSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { repoRoot, useEmulator } from '../e2e/moto';
import { Terminal, hasTmux } from '../e2e/terminal';
// @ts-expect-error plain .mjs script without types
import { seedSample } from '../../scripts/sandbox.mjs';

/** The fenced blocks of a README section, as lists of commands (comments and blank lines dropped). */
export function quickStartBlocks(readme: string, heading = '## Quick start (from a clone)'): string[][] {
  const start = readme.indexOf(heading);
  if (start < 0) throw new Error(`README has no section "${heading}"`);
  const next = readme.indexOf('\n## ', start + heading.length);
  const section = readme.slice(start, next < 0 ? undefined : next);
  return [...section.matchAll(/```[^\n]*\n([\s\S]*?)```/g)].map((m) =>
    m[1]!
      .split('\n')
      .map((l) => l.replace(/\s+#\s.*$/, '').trim())
      .filter(Boolean),
  );
}

const work = mkdtempSync(join(tmpdir(), 'mcp-cognito-readme-'));
const terminals: Terminal[] = [];
afterAll(() => {
  for (const t of terminals) t.kill();
  rmSync(work, { recursive: true, force: true });
});

/** A bash in a terminal with only PATH, HOME (npm's cache, the moto shim) and TERM set. */
function shell(cwd: string, extra: Record<string, string> = {}): Terminal {
  const env = { PATH: `${join(work, 'prefix', 'bin')}:${process.env.PATH ?? '/usr/bin:/bin'}`, HOME: process.env.HOME ?? work, TERM: 'xterm-256color', NO_COLOR: '1', npm_config_prefix: join(work, 'prefix'), npm_config_update_notifier: 'false', ...(process.env.PYENV_ROOT ? { PYENV_ROOT: process.env.PYENV_ROOT } : {}), ...extra };
  const t = new Terminal('bash --norc --noprofile -i', env, cwd);
  terminals.push(t);
  return t;
}

let n = 0;
/** Type a command as written, wait for it to finish; its exit code and what it printed. */
async function run(t: Terminal, command: string, ms: number, onScreen?: (t: Terminal) => Promise<void>): Promise<{ code: number; output: string }> {
  const mark = `[done-${n++}`;
  const before = t.screen().length;
  t.type(`${command}; echo "${mark} $?]"`);
  t.keys('Enter');
  if (onScreen) await onScreen(t);
  const screen = await t.waitFor(new RegExp(`\\${mark} (\\d+)\\]\\n`), ms);
  return { code: Number(new RegExp(`\\${mark} (\\d+)\\]\\n`).exec(screen)![1]), output: screen.slice(before) };
}

/** Press Enter at each prompt (the latest `? ` line, once the screen has settled) until `until` shows. */
async function enterUntil(t: Terminal, until: RegExp, ms: number): Promise<string> {
  const deadline = Date.now() + ms;
  let last = '';
  let since = Date.now();
  for (;;) {
    const s = t.screen();
    if (until.test(s)) return s;
    if (s !== last) [last, since] = [s, Date.now()];
    const prompt = s.split('\n').filter((l) => /^[?✔] /.test(l)).pop();
    if (prompt?.startsWith('? ') && Date.now() - since > 400) {
      t.keys('Enter');
      since = Date.now() + 1000; // give the answer time to redraw the prompt as "✔ …"
    }
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${String(until)}; the screen:\n${s}`);
    await new Promise((r) => setTimeout(r, 150));
  }
}

describe.skipIf(!hasTmux)("the README's quick start, typed as written into a fresh clone", () => {
  const emu = useEmulator({ resetEachTest: false });
  const blocks = quickStartBlocks(readFileSync(join(repoRoot, 'README.md'), 'utf8'));

  it('has the commands the README promises: one to set up, one for the sandbox, one for the tests; then npm link and init', () => {
    expect(blocks[0]).toEqual(['git clone <this repository> mcp-cognito && cd mcp-cognito', 'npm ci', 'npm run sandbox', 'npm test']);
    expect(blocks[1]).toEqual(['npm link', 'mcp-cognito init']);
  });

  it('each command works as written', async () => {
    const t = shell(work);
    const [clone, ci, sandbox, test] = blocks[0]!;
    expect((await run(t, clone!.replace('<this repository>', repoRoot), 60_000)).code).toBe(0);
    const install = await run(t, ci!, 240_000);
    expect(install.code, install.output).toBe(0);
    expect(install.output, 'npm ci prints no warning').not.toMatch(/npm warn/i);

    // The sandbox: Enter at every prompt, then its printed lines pasted with doctor into a fresh shell, then Ctrl-C.
    t.type(sandbox!);
    t.keys('Enter');
    const screen = await enterUntil(t, /for example:/, 150_000);
    const lines = screen.slice(screen.lastIndexOf('paste these lines'), screen.lastIndexOf('for example:')).split('\n').slice(1).map((l) => l.trim()).filter(Boolean);
    expect(lines[0]).toMatch(/^cd /);
    const pasted = await run(shell(work), [...lines, 'mcp-cognito doctor'].join('; '), 60_000);
    expect(pasted.code, pasted.output).toBe(0);
    expect(pasted.output).toMatch(/\d+ passed, 0 warnings, 0 failed/);
    t.keys('C-c');
    // Ctrl-C reaches npm too (the terminal's foreground group): the shell's prompt comes back after the sandbox's last line.
    expect(await t.waitFor(/Emulator stopped:[\s\S]*nothing was sent to AWS[\s\S]*\n[^\n]*# \s*$/, 30_000)).toContain('With your AWS account: mcp-cognito init');

    const tests = await run(t, test!, 600_000);
    expect(tests.code, tests.output.slice(-3000)).toBe(0);
    expect(tests.output).toMatch(/\d+ passed, 0 failed/);

    // With "your AWS account" (here: an emulator with a gateway that trusts a pool, as an account would have).
    const seeded = await seedSample(emu.endpoint(), { target: true });
    const account = join(work, 'account');
    mkdirSync(account);
    const [link, init] = blocks[1]!;
    expect((await run(t, link!, 60_000)).code).toBe(0);
    expect(execFileSync(join(work, 'prefix', 'bin', 'mcp-cognito'), ['--version'], { encoding: 'utf8' }).trim()).toMatch(/^\d+\.\d+\.\d+/);
    const mine = shell(account, { AWS_ENDPOINT_URL: emu.endpoint(), AWS_REGION: 'us-east-1', AWS_ACCESS_KEY_ID: 'test', AWS_SECRET_ACCESS_KEY: 'test' });
    const setup = await run(mine, init!, 120_000, async (term) => void (await enterUntil(term, /\[done-\d+ \d+\]/, 110_000)));
    expect(setup.code, setup.output).toBe(0);
    expect(setup.output).toContain(`Gateway ${seeded.gatewayName}: updated`);
  }, 900_000);
});
