/**
 * docs/iam.md, read as data: the policy each command's section documents, and "Everything".
 *
 * Every CLI run of the end-to-end tests (run-cli.ts) checks the AWS actions it sent against the
 * policy of its command here, so a new call without its permission in docs/iam.md fails the test
 * that makes it; and iam-policy.test.ts runs commands under exactly these policies (the emulator
 * front evaluates them, test/emulator/iam-policy.ts). The actions sent are also appended, per
 * command, to `<tmpdir>/mcp-cognito-iam/<pid>.jsonl` (`npm run iam-record` merges them).
 *
 * A command's section is the `### ` heading that names it in backticks (one heading may name several:
 * "### `facade deploy`, `facade status`, `facade remove`"); its policy is the union of the JSON blocks
 * in that section, or "Everything" when the section has none (`init`).
 */
import { appendFileSync, mkdirSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

export interface PolicyDocument {
  Version: string;
  Statement: { Sid?: string; Effect: string; Action: string[]; Resource: string | string[]; Condition?: unknown }[];
}

const repoRoot = resolve(fileURLToPath(new URL('../..', import.meta.url)));

interface Parsed {
  sections: Map<string, PolicyDocument[]>;
  everything: PolicyDocument;
}

let parsed: Parsed | undefined;

function parse(): Parsed {
  if (parsed) return parsed;
  const text = readFileSync(join(repoRoot, 'docs', 'iam.md'), 'utf8');
  const sections = new Map<string, PolicyDocument[]>();
  let everything: PolicyDocument | undefined;
  // Split at level-2 and level-3 headings.
  const parts = text.split(/^(?=#{2,3} )/m);
  for (const part of parts) {
    const heading = part.split('\n', 1)[0]!;
    const blocks = [...part.matchAll(/```json\n([\s\S]*?)```/g)].map((m) => JSON.parse(m[1]!) as PolicyDocument);
    if (/^## Everything/.test(heading)) everything = blocks[0];
    if (!heading.startsWith('### ')) continue;
    for (const m of heading.matchAll(/`([a-z][a-z -]*[a-z])`/g)) sections.set(m[1]!, blocks);
  }
  if (!everything) throw new Error('docs/iam.md has no "## Everything" policy');
  parsed = { sections, everything };
  return parsed;
}

/** The command a CLI invocation runs: its first argument, two words for `facade <verb>`. */
export function commandOf(args: readonly string[]): string | undefined {
  const words = args.filter((a) => !a.startsWith('-'));
  if (!args[0] || args[0].startsWith('-')) return undefined;
  return words[0] === 'facade' && words[1] ? `facade ${words[1]}` : words[0];
}

/** The policy docs/iam.md documents for `command` (undefined: no section names it). */
export function documentedPolicy(command: string): PolicyDocument | undefined {
  const p = parse();
  const blocks = p.sections.get(command);
  if (!blocks) return undefined;
  const list = blocks.length ? blocks : [p.everything];
  return { Version: '2012-10-17', Statement: list.flatMap((b) => b.Statement) };
}

export function everythingPolicy(): PolicyDocument {
  return parse().everything;
}

const actionsOf = (p: PolicyDocument) => new Set(p.Statement.filter((s) => s.Effect === 'Allow').flatMap((s) => s.Action));

/** The IAM action of one recorded SDK call (`cognito-idp:DescribeUserPool`, `lambda:GetFunction`…). */
export const actionOf = (r: { service: string; operation: string }) => `${r.service}:${r.operation}`;

/**
 * What docs/iam.md lacks for this run: actions sent that the command's policy, or "Everything",
 * does not list (empty: the documentation covers the run).
 */
export function undocumented(command: string, actions: readonly string[]): string[] {
  if (!actions.length) return [];
  const policy = documentedPolicy(command);
  if (!policy) return [`(docs/iam.md has no section for \`${command}\`) ${[...new Set(actions)].join(', ')}`];
  const own = actionsOf(policy);
  const all = actionsOf(parse().everything);
  const out = new Set<string>();
  for (const a of actions) {
    if (!own.has(a)) out.add(`${a} (not in the \`${command}\` policy)`);
    if (!all.has(a)) out.add(`${a} (not in "Everything")`);
  }
  return [...out];
}

/** Appends one run's actions to this process's record file. */
export function record(command: string, actions: readonly string[]): void {
  if (!actions.length) return;
  const dir = join(tmpdir(), 'mcp-cognito-iam');
  mkdirSync(dir, { recursive: true });
  appendFileSync(join(dir, `${process.pid}.jsonl`), JSON.stringify({ command, actions: [...new Set(actions)].sort() }) + '\n');
}
