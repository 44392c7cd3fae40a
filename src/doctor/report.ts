/** The human report: symptom and ranked causes, then failing checks with their fixes, then the rest. */
import type { Output } from '../lib/output.js';
import type { Check, DoctorResult, SymptomResult } from './types.js';

const GROUPS: [string, RegExp][] = [
  ['User pool and domain', /^(pool|domain|users)\./],
  ['App clients', /^(client|resource-server)\./],
  ['Gateway', /^gateway\./],
  ['Gateway targets', /^targets\./],
  ['Token', /^token\./],
  ['Live probes', /^probe\./],
];
const groupOf = (id: string) => GROUPS.find(([, re]) => re.test(id))?.[0] ?? 'Other';

// eslint-disable-next-line no-control-regex
const ANSI = /\x1b\[[0-9;]*m/g;
const visible = (s: string) => s.replace(ANSI, '').length;

/** Word-wrap to `width` visible columns; the first line starts with `indent`, the others with `hanging`. */
function wrapIndent(text: string, indent: string, width = 100, hanging = indent): string {
  const words = text.split(/\s+/).filter(Boolean);
  const lines: string[] = [];
  let line = '';
  const pad = () => (lines.length ? hanging : indent);
  for (const w of words) {
    if (line && visible(pad() + line + ' ' + w) > width) {
      lines.push(pad() + line);
      line = w;
    } else line = line ? `${line} ${w}` : w;
  }
  if (line) lines.push(pad() + line);
  return lines.join('\n');
}

function icon(status: Check['status'], out: Output): string {
  const c = out.c;
  return status === 'pass' ? c.green('✓') : status === 'warn' ? c.yellow('!') : status === 'fail' ? c.red('✗') : c.dim('-');
}

function checkLines(ch: Check, out: Output, withFix: boolean): string[] {
  const lines = [`  ${icon(ch.status, out)} ${out.c.bold(ch.title)} ${out.c.dim(`[${ch.id}]`)}`, wrapIndent(ch.detail, '      ')];
  if (withFix && ch.fix) lines.push(`      ${out.c.cyan('fix:')} ${ch.fix}`);
  return lines;
}

const VERDICT: Record<string, string> = { confirmed: 'confirmed', possible: 'possible', 'not-checked': 'not checked', 'ruled-out': 'ruled out' };

export function renderSymptom(s: SymptomResult, out: Output, offline: boolean): string[] {
  const c = out.c;
  const lines = [`${c.bold('Symptom')} ${s.id}: ${c.bold(s.title)} ${c.dim(`[${s.confidence}]`)}`, wrapIndent(`Seen as: ${s.strings.join(' | ')} — ${s.where}.`, '  ')];
  if (s.table) {
    lines.push(wrapIndent(`The original troubleshooting table says: "${s.table.error}" → ${s.table.cause}; fix: ${s.table.fix}.`, '  '));
  }
  if (s.correction) lines.push(wrapIndent(`${c.yellow('Correction:')} ${s.correction}`, '  '));
  lines.push('', offline ? `  ${c.bold('Causes')} (not checked: --offline; run without it to check them):` : `  ${c.bold('Causes, most likely first')} (by what the checks found):`);
  s.causes.forEach((cause, i) => {
    const v = cause.verdict;
    const tag = v === 'confirmed' ? c.red(VERDICT[v]!) : v === 'possible' ? c.yellow(VERDICT[v]!) : v === 'ruled-out' ? c.green(VERDICT[v]!) : c.dim(VERDICT[v]!);
    lines.push(wrapIndent(`${i + 1}. ${offline ? '' : `[${tag}] `}${cause.cause}${cause.confidence ? ` [${cause.confidence}]` : ''} (${cause.id})`, '   ', 100, '      '));
    lines.push(wrapIndent(`${offline ? 'How to confirm' : 'Evidence'}: ${offline ? cause.evidence.replace(/^Not checked \(offline\)\. Confirm with: /, '') : cause.evidence}`, '      '));
    lines.push(wrapIndent(`${c.cyan('Fix:')} ${cause.fix}`, '      '));
  });
  if (s.alternatives.length) lines.push('', wrapIndent(`The text also matches: ${s.alternatives.map((a) => `${a.id} ${a.title}`).join('; ')} (doctor --error <id> --offline explains each).`, '  '));
  return lines;
}

export function renderDoctor(r: DoctorResult, out: Output): string {
  const c = out.c;
  const lines: string[] = [];
  if (r.catalogue) {
    lines.push(c.bold('Known symptoms (mcp-cognito doctor --error "<text or id>" --offline explains one):'));
    for (const e of r.catalogue) lines.push(wrapIndent(`${c.bold(e.id + ":")} ${e.title} [${e.confidence}] — ${e.strings.slice(0, 2).join(' | ')}`, '  ', 100, '         '));
    return lines.join('\n');
  }
  const t = r.target;
  if (t && (t.userPoolId || t.gatewayId)) {
    lines.push(c.dim(`Examined: ${[t.userPoolId && `pool ${t.userPoolId}`, t.clientIds.length ? `client${t.clientIds.length > 1 ? 's' : ''} ${t.clientIds.join(', ')}` : 'no client', t.gatewayId && `gateway ${t.gatewayId}`, t.region].filter(Boolean).join(', ')}`));
    lines.push('');
  }
  if (r.unmatched !== undefined) {
    lines.push(`${c.yellow('!')} No catalogue entry matches "${r.unmatched.slice(0, 120)}"; all checks ran. (mcp-cognito doctor --offline lists the known symptoms.)`, '');
  }
  if (r.symptom) lines.push(...renderSymptom(r.symptom, out, r.checks.length === 0 || r.checks.every((x) => x.id.startsWith('token.'))), '');

  const fails = r.checks.filter((x) => x.status === 'fail');
  const warns = r.checks.filter((x) => x.status === 'warn');
  if (fails.length) {
    lines.push(c.red(c.bold(`Failing (${fails.length})`)));
    for (const f of fails) lines.push(...checkLines(f, out, true));
    lines.push('');
  }
  if (warns.length) {
    lines.push(c.yellow(c.bold(`Warnings (${warns.length})`)));
    for (const w of warns) lines.push(...checkLines(w, out, true));
    lines.push('');
  }
  const rest = r.checks.filter((x) => x.status === 'pass' || x.status === 'skip');
  const groups = new Map<string, Check[]>();
  for (const ch of rest) {
    const g = groupOf(ch.id);
    groups.set(g, [...(groups.get(g) ?? []), ch]);
  }
  for (const [name] of GROUPS.concat([['Other', /./]])) {
    const items = groups.get(name);
    if (!items?.length) continue;
    lines.push(c.bold(name));
    for (const ch of items) lines.push(wrapIndent(`${icon(ch.status, out)} ${ch.title}: ${ch.detail}`, '  ', 100, '    '));
    lines.push('');
  }
  if (r.checks.length) {
    const s = r.summary;
    const text = `${s.pass} passed, ${s.warn} warning${s.warn === 1 ? '' : 's'}, ${s.fail} failed, ${s.skip} skipped`;
    lines.push(s.fail ? c.red(c.bold(text)) : s.warn ? c.yellow(text) : c.green(text));
  }
  return lines.join('\n').replace(/\n{3,}/g, '\n\n').trimEnd();
}
