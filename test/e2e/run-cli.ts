/**
 * Runs the built CLI (bin/mcp-cognito.js → dist/cli.cjs) as a child process with a clean,
 * hermetic environment: dummy credentials, a fresh HOME (no real ~/.aws), a fresh cwd (so the
 * default state file ./mcp-cognito.json is per run) and a request recorder file.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { actionOf, commandOf, record, undocumented } from './iam-doc';

const repoRoot = resolve(fileURLToPath(new URL('../..', import.meta.url)));
const binPath = join(repoRoot, 'bin', 'mcp-cognito.js');
const distPath = join(repoRoot, 'dist', 'cli.cjs');

/** One AWS request the CLI sent, as appended by its MCP_COGNITO_RECORD middleware. */
export interface RecordedCall {
  service: 'cognito-idp' | 'bedrock-agentcore' | 'lambda' | 'iam' | 'ssm';
  /** The SDK command name without the `Command` suffix, e.g. `UpdateUserPoolClient`. */
  operation: string;
  /** The HTTP request path (REST APIs such as AgentCore put identifiers there). */
  path?: string;
  /** The serialized request body (parsed JSON; the raw string if it was not JSON). */
  input: Record<string, unknown>;
}

export interface CliOptions {
  /** Sets AWS_ENDPOINT_URL (the moto endpoint). */
  endpoint?: string;
  /** Extra environment; `undefined` removes a variable set by default. */
  env?: Record<string, string | undefined>;
  /** Written to stdin, which is then closed; without it stdin is closed at once. */
  input?: string;
  /** Working directory; defaults to a fresh temporary directory. */
  cwd?: string;
  /** Kills the CLI and rejects after this long (default 30 s). */
  timeoutMs?: number;
  /** Told the CLI's process as soon as it starts (fault tests kill it right after a write landed). */
  onSpawn?: (child: ChildProcess) => void;
}

export interface CliRun {
  code: number | null;
  signal: NodeJS.Signals | null;
  stdout: string;
  stderr: string;
  /** stdout parsed as JSON; throws (with stdout and stderr in the message) when it is not JSON. */
  json<T = unknown>(): T;
  /** Every AWS request the CLI sent, in order (empty when it sent none). */
  requests: RecordedCall[];
  cwd: string;
  /** `<cwd>/mcp-cognito.json`, the default state file. */
  statePath: string;
  /** The parsed state file, or undefined when it does not exist. */
  state(): unknown | undefined;
}

// All temporary directories of this process live under one base, removed on exit.
let base: string | undefined;
export function tempDir(prefix: string): string {
  if (!base) {
    const dir = mkdtempSync(join(tmpdir(), 'mcp-cognito-e2e-'));
    base = dir;
    process.once('exit', () => rmSync(dir, { recursive: true, force: true }));
  }
  return mkdtempSync(join(base, prefix));
}

function readRecord(file: string): RecordedCall[] {
  if (!existsSync(file)) return [];
  const calls: RecordedCall[] = [];
  for (const line of readFileSync(file, 'utf8').split('\n')) {
    if (!line.trim()) continue;
    try {
      calls.push(JSON.parse(line) as RecordedCall);
    } catch (e) {
      throw new Error(`Unparseable line in the CLI's request record ${file}: ${(e as Error).message}: ${line}`);
    }
  }
  return calls;
}

export async function runCli(args: string[], opts: CliOptions = {}): Promise<CliRun> {
  if (!existsSync(distPath)) {
    throw new Error(`${distPath} does not exist: run \`npm run build\` before the end-to-end tests.`);
  }
  const home = tempDir('home-');
  mkdirSync(join(home, '.aws'));
  const cwd = opts.cwd ?? tempDir('cwd-');
  const recordPath = join(tempDir('record-'), 'requests.jsonl');
  const statePath = join(cwd, 'mcp-cognito.json');

  const env: Record<string, string> = {
    PATH: process.env.PATH ?? '/usr/bin:/bin',
    HOME: home,
    AWS_CONFIG_FILE: join(home, '.aws', 'config'),
    AWS_SHARED_CREDENTIALS_FILE: join(home, '.aws', 'credentials'),
    AWS_ACCESS_KEY_ID: 'test',
    AWS_SECRET_ACCESS_KEY: 'test',
    AWS_REGION: 'us-east-1',
    CI: 'true',
    NO_COLOR: '1',
    MCP_COGNITO_RECORD: recordPath,
  };
  if (opts.endpoint) env.AWS_ENDPOINT_URL = opts.endpoint;
  for (const [key, value] of Object.entries(opts.env ?? {})) {
    if (value === undefined) delete env[key];
    else env[key] = value;
  }

  const timeoutMs = opts.timeoutMs ?? 30_000;
  const child = spawn(process.execPath, [binPath, ...args], { cwd, env, stdio: ['pipe', 'pipe', 'pipe'] });
  opts.onSpawn?.(child);
  let stdout = '';
  let stderr = '';
  child.stdout.setEncoding('utf8').on('data', (d: string) => (stdout += d));
  child.stderr.setEncoding('utf8').on('data', (d: string) => (stderr += d));
  child.stdin.on('error', () => {
    /* the CLI may exit without reading stdin (EPIPE) */
  });
  child.stdin.end(opts.input ?? '');

  const { code, signal } = await new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((resolvePromise, reject) => {
    const timer = setTimeout(() => {
      child.kill('SIGKILL');
      reject(new Error(`mcp-cognito ${args.join(' ')} did not finish within ${timeoutMs} ms.\n--- stdout ---\n${stdout}\n--- stderr ---\n${stderr}`));
    }, timeoutMs);
    child.once('error', (err) => {
      clearTimeout(timer);
      reject(err);
    });
    // 'close' (not 'exit'): all output has been read.
    child.once('close', (c, s) => {
      clearTimeout(timer);
      resolvePromise({ code: c, signal: s });
    });
  });

  const requests = readRecord(recordPath);
  // docs/iam.md must grant every AWS action the command sent (iam-doc.ts): a call without its permission fails here.
  const command = commandOf(args);
  if (command) {
    const actions = requests.map(actionOf);
    record(command, actions);
    const missing = undocumented(command, actions);
    if (missing.length) throw new Error(`mcp-cognito ${args.join(' ')} sent AWS actions docs/iam.md does not grant: ${missing.join('; ')}. Add them to docs/iam.md (the command's policy and "Everything").`);
  }

  return {
    code,
    signal,
    stdout,
    stderr,
    json<T = unknown>(): T {
      try {
        return JSON.parse(stdout) as T;
      } catch (e) {
        throw new Error(`stdout of mcp-cognito ${args.join(' ')} (exit ${code}) is not JSON: ${(e as Error).message}\n--- stdout ---\n${stdout}\n--- stderr ---\n${stderr}`);
      }
    },
    requests,
    cwd,
    statePath,
    state(): unknown | undefined {
      if (!existsSync(statePath)) return undefined;
      return JSON.parse(readFileSync(statePath, 'utf8')) as unknown;
    },
  };
}
