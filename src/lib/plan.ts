import type { Output } from './output.js';

/** One thing a command will do (or would do, under --dry-run). */
export interface PlanStep {
  action: 'create' | 'update' | 'delete';
  /** What is created or changed, e.g. `user pool "mcp-gateway"`. */
  resource: string;
  /** Diff lines: `+ added`, `- removed`, `~ field: old → new`, `! what this means for someone` (who loses access). */
  diff?: string[];
  /** The equivalent AWS CLI command. */
  awsCli?: string;
}

/**
 * A command's work, read and planned but not applied: the steps to approve, what the result is
 * when nothing is applied (--dry-run), and how to apply it. Commands approve it once (Ctx.run);
 * init collects several, approves its whole plan once, and applies them in turn.
 */
export interface Prepared<R> {
  steps: PlanStep[];
  /** The confirmation question when the steps change an existing resource. */
  question?: string;
  preview(): R;
  apply(): Promise<R>;
}

const kebab = (op: string) => op.replace(/([a-z0-9])([A-Z])/g, '$1-$2').toLowerCase();
const shq = (s: string) => `'${s.replace(/'/g, `'\\''`)}'`;

/**
 * The `aws` CLI command equivalent to one API call. Flat inputs become flags; anything
 * nested is passed whole as --cli-input-json so the command is exactly what would be sent.
 */
export function awsCliCommand(service: 'cognito-idp' | 'bedrock-agentcore-control' | 'lambda' | 'iam' | 'ssm', operation: string, input: Record<string, unknown>, region: string): string {
  const defined = Object.fromEntries(Object.entries(input).filter(([, v]) => v !== undefined));
  const flat = Object.values(defined).every((v) => typeof v === 'string' || typeof v === 'number' || typeof v === 'boolean');
  const head = `aws ${service} ${kebab(operation)} --region ${region}`;
  if (!flat) return `${head} --cli-input-json ${shq(JSON.stringify(defined))}`;
  const flags = Object.entries(defined).map(([k, v]) => {
    const flag = `--${kebab(k)}`;
    if (typeof v === 'boolean') return v ? flag : `--no-${flag.slice(2)}`;
    return `${flag} ${shq(String(v))}`;
  });
  return [head, ...flags].join(' ');
}

/** Render a list change as `+`/`-` lines, keeping the unchanged entries for context. */
export function listDiff(before: readonly string[], after: readonly string[]): string[] {
  const lines: string[] = [];
  for (const v of after) lines.push(before.includes(v) ? `  ${v}` : `+ ${v}`);
  for (const v of before) if (!after.includes(v)) lines.push(`- ${v}`);
  return lines;
}

export function renderPlan(steps: readonly PlanStep[], out: Output, opts: { showCli?: boolean } = {}): string {
  const c = out.c;
  const lines: string[] = [];
  for (const s of steps) {
    const tag = s.action === 'create' ? c.green('+ create') : s.action === 'delete' ? c.red('- delete') : c.yellow('~ update');
    lines.push(`${tag} ${s.resource}`);
    for (const d of s.diff ?? []) {
      const colour = d.startsWith('+') ? c.green : d.startsWith('-') || d.startsWith('!') ? c.red : d.startsWith('~') ? c.yellow : c.dim;
      lines.push(`    ${colour(d)}`);
    }
    if (opts.showCli && s.awsCli) lines.push(c.dim(`    $ ${s.awsCli}`));
  }
  return lines.join('\n');
}
