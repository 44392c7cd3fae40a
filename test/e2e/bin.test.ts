/**
 * The built binary as users and scripts meet it: help, version, usage errors, the --json
 * failure envelope, colours, and a clean stderr. Only the AWS-calling checks need moto.
 */
import { spawn, spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { buildProgram } from '../../src/program';
import { freePort, repoRoot, useMoto } from './moto';
import { runCli } from './run-cli';

// eslint-disable-next-line no-control-regex
const ANSI = /\x1b\[/;
const STACK = /\n\s+at .+[:(]/;
const pkg = JSON.parse(readFileSync(join(repoRoot, 'package.json'), 'utf8')) as { version: string };

describe('mcp-cognito binary', () => {
  it('--help lists every registered command and the exit-code footer', async () => {
    const r = await runCli(['--help']);
    expect(r.code).toBe(0);
    expect(r.stderr).toBe('');
    const names = buildProgram({}).commands.map((c) => c.name());
    expect(names).toEqual(expect.arrayContaining(['init-pool', 'create-client']));
    for (const name of names) expect(r.stdout).toMatch(new RegExp(`^\\s+${name}\\b`, 'm'));
    expect(r.stdout).toContain('Exit codes:');
    expect(r.stdout).toMatch(/\b0 success/);
    expect(r.stdout).toMatch(/\b1 failure/);
    expect(r.stdout).toMatch(/\b2 invalid usage/);
    expect(r.stdout).toMatch(/\b130 cancelled/);
    for (const flag of ['--region', '--profile', '--endpoint-url', '--state', '--json', '--yes', '--dry-run', '--no-input', '--debug', '--no-color']) expect(r.stdout).toContain(flag);
  });

  it('no arguments prints the help, exit 0', async () => {
    const r = await runCli([]);
    expect(r.code).toBe(0);
    expect(r.stdout).toContain('Exit codes:');
  });

  it('<command> --help shows the command\'s options and examples', async () => {
    const r = await runCli(['create-client', '--help']);
    expect(r.code).toBe(0);
    expect(r.stdout).toContain('--preset');
    expect(r.stdout).toContain('Examples:');
  });

  it('--version prints the package.json version', async () => {
    for (const flag of ['--version', '-V']) {
      const r = await runCli([flag]);
      expect(r.code).toBe(0);
      expect(r.stdout.trim()).toBe(pkg.version);
      expect(r.stderr).toBe('');
    }
  });

  it.each([
    ['an unknown command', ['bogus'], /^Error: Unknown command 'bogus'/],
    ['an unknown flag', ['init-pool', '--bogus'], /^Error: Unknown option '--bogus'/],
    ['a missing option value', ['init-pool', '--domain'], /^Error: Option '--domain <prefix>' argument missing/],
  ])('%s → exit 2, one clear error line on stderr (plus a hint), no stack, empty stdout', async (_what, args, first) => {
    const r = await runCli(args);
    expect(r.code).toBe(2);
    expect(r.stdout).toBe('');
    const lines = r.stderr.trimEnd().split('\n');
    expect(lines[0]).toMatch(first);
    expect(lines.length).toBeLessThanOrEqual(2);
    expect(lines[1] ?? '').toMatch(/^(Run mcp-cognito --help|$)/);
    expect(r.stderr).not.toMatch(STACK);
  });

  it('--json failure: stdout is exactly one envelope {success:false, command, error:{code,message,hint?}}', async () => {
    const r = await runCli(['init-pool', '--domain', 'my-aws-login', '--json']);
    expect(r.code).toBe(2);
    const doc = r.json<Record<string, unknown>>();
    expect(Object.keys(doc).sort()).toEqual(['command', 'error', 'success']);
    expect(doc.success).toBe(false);
    expect(doc.command).toBe('init-pool');
    const error = doc.error as Record<string, unknown>;
    expect(Object.keys(error).every((k) => ['code', 'message', 'hint'].includes(k))).toBe(true);
    expect(error.code).toBe('INVALID_INPUT');
    expect(error.message).toMatch(/^--domain "my-aws-login" cannot contain the reserved words/);
    expect(r.requests).toEqual([]);

    const usage = await runCli(['init-pool', '--bogus', '--json']);
    expect(usage.code).toBe(2);
    expect(usage.json()).toEqual({ success: false, command: 'init-pool', error: { code: 'USAGE', message: "Unknown option '--bogus'", hint: expect.any(String) } });
  });

  it('keeps no cache of its own: a start writes nothing under HOME or XDG_CACHE_HOME', async () => {
    const home = mkdtempSync(join(tmpdir(), 'mcp-cognito-home-test-'));
    try {
      for (const args of [['--version'], ['--help'], ['doctor', '--offline']]) {
        const r = await runCli(args, { env: { HOME: home, XDG_CACHE_HOME: join(home, '.cache') } });
        expect(r.code, r.stderr).toBe(0);
        expect(r.stderr).toBe('');
      }
      expect(readdirSync(home)).toEqual([]);
    } finally {
      rmSync(home, { recursive: true, force: true });
    }
  });

  it('Ctrl-C (SIGINT) exits 130; under --json stdout is still one CANCELLED envelope', async () => {
    // doctor --token - waits for stdin before any AWS call: a safe place to interrupt.
    const child = spawn(process.execPath, [join(repoRoot, 'bin', 'mcp-cognito.js'), 'doctor', '--token', '-', '--json'], {
      env: { PATH: process.env.PATH, HOME: tmpdir(), AWS_REGION: 'us-east-1', NO_COLOR: '1' },
      stdio: ['pipe', 'pipe', 'pipe'],
    });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d: Buffer) => (stdout += d.toString()));
    child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
    await new Promise((r) => setTimeout(r, 1500));
    child.kill('SIGINT');
    const code = await new Promise<number | null>((r) => child.once('exit', (c) => r(c)));
    child.stdin.destroy();
    expect(code).toBe(130);
    expect(JSON.parse(stdout)).toMatchObject({ success: false, command: 'doctor', error: { code: 'CANCELLED', hint: expect.stringMatching(/run the same command again/) } });
    expect(stderr).not.toMatch(STACK);
  });

  it('options but no command: usage error (exit 2); the envelope names the command even after global options', async () => {
    const none = await runCli(['--json', '--region', 'us-east-1']);
    expect(none.code).toBe(2);
    expect(none.json()).toMatchObject({ success: false, error: { code: 'USAGE', message: expect.stringMatching(/^Name a command: init, /) } });
    const after = await runCli(['--region', 'us-east-1', 'create-client', '--preset', 'nope', '--json']);
    expect(after.code).toBe(2);
    expect(after.json()).toMatchObject({ success: false, command: 'create-client', error: { code: 'INVALID_INPUT' } });
  });

  it('a reader that is gone before the CLI writes (| true) does not crash it', () => {
    // `true` exits before Node has started, so every write to stdout meets a closed pipe (EPIPE).
    const cli = `"${process.execPath}" "${join(repoRoot, 'bin', 'mcp-cognito.js')}"`;
    const r = spawnSync('bash', ['-c', `${cli} --help | true; echo "cli exit \${PIPESTATUS[0]}"`], { encoding: 'utf8' });
    expect(r.stdout.trim()).toBe('cli exit 0');
    expect(r.stderr).not.toMatch(/EPIPE|Unhandled|\n\s+at /);
  });

  it('an unreachable endpoint (ECONNREFUSED) → exit 1, AWS_ERROR naming the endpoint, no stack', async () => {
    const port = await freePort();
    const r = await runCli(['init-pool', '--domain', 'p-x1', '--json'], { endpoint: `http://127.0.0.1:${port}` });
    expect(r.code).toBe(1);
    expect(r.json()).toMatchObject({ success: false, error: { code: 'AWS_ERROR', message: expect.stringContaining(`http://127.0.0.1:${port} (ECONNREFUSED)`) } });
    expect(r.stderr).not.toMatch(STACK);
  });

  it('no AWS credentials → exit 1, CREDENTIALS with a hint to log in, no stack', async () => {
    const port = await freePort();
    const r = await runCli(['init-pool', '--json'], {
      endpoint: `http://127.0.0.1:${port}`,
      // No keys, and no instance-metadata lookup (which would leave the loopback interface).
      env: { AWS_ACCESS_KEY_ID: undefined, AWS_SECRET_ACCESS_KEY: undefined, AWS_EC2_METADATA_DISABLED: 'true' },
    });
    expect(r.code).toBe(1);
    const doc = r.json<{ error: { code: string; message: string; hint: string } }>();
    expect(doc.error.code).toBe('CREDENTIALS');
    expect(doc.error.message).toContain('ListUserPools');
    expect(doc.error.hint).toContain('aws sso login');
    expect(r.stderr).not.toMatch(STACK);
  });

  const hasScript = spawnSync('script', ['--version'], { stdio: 'ignore' }).status === 0;
  it.skipIf(!hasScript)('colours on a terminal, none with NO_COLOR=1 or --no-color', () => {
    // `script` gives the CLI a pseudo-terminal, the only case where it colours anything.
    const run = (args: string, env: Record<string, string> = {}) => {
      const r = spawnSync('script', ['-qec', `${process.execPath} ${join(repoRoot, 'bin', 'mcp-cognito.js')} ${args}`, '/dev/null'], {
        encoding: 'utf8',
        env: { PATH: process.env.PATH ?? '', HOME: '/nonexistent', TERM: 'xterm-256color', AWS_REGION: 'us-east-1', ...env },
        timeout: 30_000,
      });
      return r.stdout;
    };
    const coloured = run('init-pool --domain my-aws-x');
    expect(coloured).toContain('reserved words');
    expect(coloured).toMatch(ANSI);
    const noColor = run('init-pool --domain my-aws-x', { NO_COLOR: '1' });
    expect(noColor).toContain('reserved words');
    expect(noColor).not.toMatch(ANSI);
    const flag = run('init-pool --domain my-aws-x --no-color');
    expect(flag).toContain('reserved words');
    expect(flag).not.toMatch(ANSI);
  });

  describe('calling AWS (moto)', () => {
    const moto = useMoto();

    it('NO_COLOR=1 and no stderr warning from the AWS SDK (NodeVersionSupportWarning) on a command that calls AWS', async () => {
      const r = await runCli(['init-pool', '--pool-name', 'p', '--domain', 'p-x1', '--dry-run'], { endpoint: moto.endpoint(), env: { NO_COLOR: '1' } });
      expect(r.code, r.stderr).toBe(0);
      expect(r.requests.length).toBeGreaterThan(0);
      expect(r.stderr).toContain('+ create user pool');
      expect(r.stderr).not.toMatch(/NodeVersionSupportWarning|Warning:|node >=22/);
      expect(r.stdout + r.stderr).not.toMatch(ANSI);
    });

    it('an AWS error: one message, no stack trace without --debug; --debug shows the calls and the stack', async () => {
      const r = await runCli(['create-client', '--pool-id', 'us-east-1_Missing123'], { endpoint: moto.endpoint() });
      expect(r.code).toBe(1);
      expect(r.stdout).toBe('');
      expect(r.stderr).toMatch(/^Error: .*us-east-1_Missing123/m);
      expect(r.stderr).not.toMatch(STACK);
      expect(r.stderr).not.toContain('[debug]');

      const d = await runCli(['create-client', '--pool-id', 'us-east-1_Missing123', '--debug'], { endpoint: moto.endpoint() });
      expect(d.code).toBe(1);
      expect(d.stderr).toMatch(/\[debug\] cognito-idp DescribeUserPool \d+ms failed ResourceNotFoundException/);
      expect(d.stderr).toMatch(STACK);
    });

    it('--json on an AWS error: NOT_FOUND envelope, nothing else on stdout', async () => {
      const r = await runCli(['create-client', '--pool-id', 'us-east-1_Missing123', '--json'], { endpoint: moto.endpoint() });
      expect(r.code).toBe(1);
      const doc = r.json<{ success: boolean; command: string; error: { code: string; message: string; hint?: string } }>();
      expect(doc).toMatchObject({ success: false, command: 'create-client', error: { code: 'NOT_FOUND' } });
      expect(doc.error.message).toContain('us-east-1_Missing123');
    });
  });
});
