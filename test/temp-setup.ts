/**
 * vitest globalSetup: every temporary directory the test processes make (os.tmpdir(): test
 * fixtures, state files, lanes, lock directories) lives under one directory of this run, removed
 * when the run ends. Test workers are killed at the end, so their own `exit` handlers never run,
 * and each run used to leave ~700 directories in the system's temporary directory. Set before the
 * workers start, TMPDIR is theirs and their children's; the CLI runs of the end-to-end tests get a
 * clean environment (test/e2e/run-cli.ts) and keep the system's, where their code caches live.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

export default function setup(): () => void {
  const before = process.env.TMPDIR;
  const system = tmpdir();
  const base = mkdtempSync(join(system, 'mcp-cognito-test-run-'));
  process.env.TMPDIR = base;
  // What outlives the run (test/faults-reporter.ts's figures) goes there.
  process.env.MCP_COGNITO_SYSTEM_TMPDIR = system;
  return () => {
    if (before === undefined) delete process.env.TMPDIR;
    else process.env.TMPDIR = before;
    delete process.env.MCP_COGNITO_SYSTEM_TMPDIR;
    rmSync(base, { recursive: true, force: true });
  };
}
