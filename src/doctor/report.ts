/**
 * The human report, short by default: what was examined; the symptom and its causes; failures
 * and warnings with their fixes; the passing checks collapsed into one line per area; the steps
 * only a person can take; one summary line. `verbose` lists every check (and the equivalent AWS
 * CLI commands).
 */
import { plural, wrapIndent } from '../lib/text.js';
import type { Output } from '../lib/output.js';
import type { Check, DoctorResult, SymptomResult } from './types.js';

const AREAS: [string, RegExp][] = [
  ['User pool and domain', /^(pool|domain|users)\./],
  ['App clients', /^(client|resource-server)\./],
  ['Gateway', /^gateway\./],
  ['Gateway targets', /^targets\./],
  ['Token', /^token\./],
  ['Live probes', /^probe\./],
  ['OAuth façade', /^facade\./],
];
const areaOf = (id: string) => AREAS.find(([, re]) => re.test(id))?.[0] ?? 'Other';

function icon(status: Check['status'], out: Output): string {
  const c = out.c;
  return status === 'pass' ? c.green('✓') : status === 'warn' ? c.yellow('!') : status === 'fail' ? c.red('✗') : c.dim('-');
}

export interface RenderOptions {
  /** Every check, and the AWS CLI equivalents. */
  verbose?: boolean;
}

/** A failing or warning check: the finding, why, and what to do. */
function findingLines(ch: Check, out: Output, o: RenderOptions): string[] {
  const c = out.c;
  const lines = [wrapIndent(`${icon(ch.status, out)} ${c.bold(ch.title)}`, '  ', out.width, '    '), wrapIndent(ch.detail, '      ', out.width)];
  // A command is never wrapped: it must paste as one line.
  if (ch.fix) lines.push(`      ${c.cyan('Fix:')} ${ch.fix}`);
  if (ch.todo) lines.push(wrapIndent(`${c.cyan(ch.fix ? 'Also:' : 'Fix:')} ${ch.todo}`, '      ', out.width, '        '));
  if (ch.aws && o.verbose) lines.push(`      ${c.dim('aws:')} ${c.dim(ch.aws)}`);
  if (o.verbose) lines.push(`      ${c.dim(`(${ch.id})`)}`);
  return lines;
}

const VERDICT: Record<string, string> = { confirmed: 'confirmed', possible: 'possible', 'not-checked': 'not checked', 'ruled-out': 'ruled out' };

export function renderSymptom(s: SymptomResult, out: Output, offline: boolean, o: RenderOptions = {}): string[] {
  const c = out.c;
  const lines = [`${c.bold('Symptom:')} ${c.bold(s.title)}`];
  if (s.matched.trim().toLowerCase() !== s.id) lines.push(wrapIndent(`You saw: ${s.matched.slice(0, 200)}`, '  ', out.width, '    '));
  lines.push(wrapIndent(`Usually seen as: ${s.strings.join(' | ')} — ${s.where}.`, '  ', out.width, '    '));
  if (s.correction) lines.push(wrapIndent(`${c.yellow('Note:')} ${s.correction}`, '  ', out.width, '    '));
  if (s.note) lines.push(wrapIndent(s.note, '  ', out.width));
  lines.push('', offline ? `  ${c.bold('Causes, most likely first')} (not checked: --offline; run without it to check them):` : `  ${c.bold('Causes, most likely first')} (by what the checks found):`);
  // Offline, what AWS documents comes before what users report, before the rest ("likely", then "possible").
  const rank = (x: (typeof s.causes)[number]) => (x.certainty === 'unconfirmed' ? 2 : x.certainty === 'reported' ? 1 : 0);
  const causes = offline ? s.causes.map((x, i) => [x, i] as const).sort((a, b) => rank(a[0]) - rank(b[0]) || a[1] - b[1]).map(([x]) => x) : s.causes;
  const shown = offline || o.verbose ? causes : causes.filter((x) => x.verdict !== 'ruled-out');
  const said = new Map<string, number>();
  shown.forEach((cause, i) => {
    const v = cause.verdict;
    const word = offline ? (rank(cause) < 2 ? 'likely' : 'possible') : VERDICT[v]!;
    const tag = offline ? c.dim(word) : v === 'confirmed' ? c.red(word) : v === 'possible' ? c.yellow(word) : v === 'ruled-out' ? c.green(word) : c.dim(word);
    lines.push(wrapIndent(`${i + 1}. [${tag}] ${cause.cause}`, '  ', out.width, '     '));
    // The same finding behind two causes is said once.
    const first = said.get(cause.evidence);
    lines.push(wrapIndent(first !== undefined && !offline ? `Found: the same as for cause ${first + 1}.` : cause.evidence, '     ', out.width, '       '));
    if (first === undefined) said.set(cause.evidence, i);
    if (cause.fix) lines.push(`     ${c.cyan('Fix:')} ${cause.fix}`);
    if (cause.todo) lines.push(wrapIndent(`${c.cyan(cause.fix ? 'Also:' : 'Fix:')} ${cause.todo}`, '     ', out.width, '       '));
  });
  const hidden = s.causes.length - shown.length;
  if (hidden) lines.push(`  ${c.dim(`Ruled out by the checks: ${hidden} more cause${hidden > 1 ? 's' : ''} (--verbose lists them).`)}`);
  if (s.alternatives.length) lines.push('', wrapIndent(`The text also matches: ${s.alternatives.map((a) => `${a.title} (--error ${a.id})`).join('; ')}.`, '  ', out.width, '    '));
  return lines;
}


/** One line for an area whose checks are not listed one by one. */
function areaLine(name: string, items: Check[], out: Output): string {
  const c = out.c;
  const n = (st: Check['status']) => items.filter((x) => x.status === st).length;
  const skips = items.filter((x) => x.status === 'skip');
  if (skips.length === items.length) {
    const reasons = [...new Set(skips.map((x) => x.detail.replace(/^Not (probed|checked|compared|exchanged): /, '')))];
    return wrapIndent(`${c.dim('-')} ${name}: not checked${reasons.length === 1 ? ` (${reasons[0]!.replace(/\.$/, '')})` : ''}`, '', out.width, '    ');
  }
  const worst = n('fail') ? 'fail' : n('warn') ? 'warn' : 'pass';
  const parts = [n('fail') && `${n('fail')} failed`, n('warn') && plural(n('warn'), 'warning'), n('pass') && `${n('pass')} passed`, n('skip') && `${n('skip')} not checked`].filter(Boolean);
  return `${icon(worst, out)} ${name}: ${parts.join(', ')}`;
}

export function renderDoctor(r: DoctorResult, out: Output, o: RenderOptions = {}): string {
  const c = out.c;
  const lines: string[] = [];
  if (r.catalogue) {
    lines.push(c.bold('Symptoms doctor knows (mcp-cognito doctor --error "<the text you saw, or a name below>" --offline explains one):'));
    for (const e of r.catalogue) lines.push(wrapIndent(`${c.bold(e.id)}: ${e.title} — ${e.strings.slice(0, 2).join(' | ')}`, '  ', out.width, '      '));
    return lines.join('\n');
  }
  const t = r.target;
  if (t && (t.userPoolId || t.gatewayId)) {
    lines.push(c.dim(`Examined: ${[t.userPoolId && `user pool ${t.userPoolId}`, t.clientIds.length ? `client${t.clientIds.length > 1 ? 's' : ''} ${t.clientIds.join(', ')}` : 'no app client', t.gatewayId && `gateway ${t.gatewayId}`].filter(Boolean).join(', ')}${t.region ? `, in ${t.region}` : ''}`), '');
  }
  const offline = r.checks.length === 0 || r.checks.every((x) => x.id.startsWith('token.'));
  if (r.unmatched !== undefined) {
    const s = r.summary;
    const ran = r.checks.length
      ? offline
        ? `Only the pasted token was checked (--offline): ${s.fail} failed.`
        : `${plural(r.checks.length, 'check')} ran (${s.fail} failed, ${plural(s.warn, 'warning')}, ${s.skip} not checked): they are below, and doctor exits ${s.fail ? 1 : 0} by them.`
      : 'Nothing was checked (--offline), so doctor exits 0.';
    lines.push(`${c.yellow('!')} ${wrapIndent(`No known symptom matches "${r.unmatched.slice(0, 120)}". ${ran} mcp-cognito doctor --offline lists the symptoms doctor knows.`, '', out.width, '  ')}`, '');
  }
  if (r.symptom) lines.push(...renderSymptom(r.symptom, out, offline, o), '');

  const fails = r.checks.filter((x) => x.status === 'fail');
  const warns = r.checks.filter((x) => x.status === 'warn');
  if (fails.length) {
    lines.push(c.red(c.bold(`Failing (${fails.length})`)));
    for (const f of fails) lines.push(...findingLines(f, out, o));
    lines.push('');
  }
  if (warns.length) {
    lines.push(c.yellow(c.bold(`Warnings (${warns.length})`)));
    for (const w of warns) lines.push(...findingLines(w, out, o));
    lines.push('');
  }
  const byArea = new Map<string, Check[]>();
  for (const ch of r.checks) byArea.set(areaOf(ch.id), [...(byArea.get(areaOf(ch.id)) ?? []), ch]);
  const areas = AREAS.map(([name]) => name).concat('Other').filter((name) => byArea.get(name)?.length);
  if (o.verbose) {
    for (const name of areas) {
      lines.push(c.bold(name));
      for (const ch of byArea.get(name)!) {
        lines.push(wrapIndent(`${icon(ch.status, out)} ${ch.title}: ${ch.detail} ${c.dim(`(${ch.id})`)}`, '  ', out.width, '    '));
        if (ch.status !== 'fail' && ch.status !== 'warn' && ch.aws) lines.push(`    ${c.dim('aws:')} ${c.dim(ch.aws)}`);
      }
      lines.push('');
    }
  } else if (!offline) {
    for (const name of areas) lines.push(areaLine(name, byArea.get(name)!, out));
    if (areas.length) lines.push('');
  } else if (r.checks.length) {
    // --offline --token: the few token checks, one line each.
    for (const ch of r.checks.filter((x) => x.status === 'pass' || x.status === 'skip')) lines.push(wrapIndent(`${icon(ch.status, out)} ${ch.title}: ${ch.detail}`, '  ', out.width, '    '));
    lines.push('');
  }
  if (r.nextSteps?.length) {
    lines.push(c.bold('Next steps'));
    for (const n of r.nextSteps) lines.push(wrapIndent(`• ${n}`, '  ', out.width, '    '));
    lines.push('');
  }
  if (r.checks.length) {
    const s = r.summary;
    const text = `${s.pass} passed, ${plural(s.warn, 'warning')}, ${s.fail} failed, ${s.skip} not checked`;
    lines.push(`${s.fail ? c.red(c.bold(text)) : s.warn ? c.yellow(text) : c.green(text)}${o.verbose ? '' : c.dim('. --verbose lists every check.')}`);
  }
  return lines.join('\n').replace(/\n{3,}/g, '\n\n').trimEnd();
}
