/**
 * From the text a user saw to catalogue entries, and from check results to ranked causes.
 * Pure functions over catalogue.ts: no AWS, no I/O. What they return is in plain words: the
 * catalogue's row ids stay inside.
 */
import { CATALOGUE, entryById, type CatalogueCause, type CatalogueEntry, type Confidence } from './catalogue.js';
import type { CauseVerdict, Certainty, Check, CheckStatus, RankedCause } from './types.js';
import { mayMatch, requiredRuns } from './required-text.js';

export type { CauseVerdict, RankedCause } from './types.js';

export interface SymptomMatch {
  entry: CatalogueEntry;
  score: number;
  /** Causes the text itself points at (e.g. "expired" → the expired-token cause). */
  boosted: string[];
}

export const CERTAINTY: Record<Confidence, Certainty> = { C: 'documented', R: 'reported', '?': 'unconfirmed' };

/** The text as typed plus its URL-decoded and JSON-unescaped forms (pasted URLs, JSON bodies). */
function variants(text: string): string[] {
  const out = [text];
  try {
    const decoded = decodeURIComponent(text.replace(/\+/g, ' '));
    if (decoded !== text) out.push(decoded);
  } catch {
    /* not URL-encoded */
  }
  const unescaped = text.replace(/\\"/g, '"');
  if (unescaped !== text) out.push(unescaped);
  return out;
}

/** A pattern source that is plain text: letters, digits, `_ =&:'"#,-`, `\/` and `\.`, in alternatives. */
const PLAIN_SOURCE = /^(?:[\w =&:'"#,-]|\\[/.])+(?:\|(?:[\w =&:'"#,-]|\\[/.])+)*$/;
const plainAlternatives = new WeakMap<RegExp, string[] | null>();

/** A-Z for a-z only: how a case-insensitive pattern of ASCII text compares (other characters never equal ASCII ones). */
export const asciiUpper = (s: string): string => s.replace(/[a-z]+/g, (w) => w.toUpperCase());

/**
 * The alternatives of a case-insensitive pattern that is plain text (`redirect_mismatch`,
 * `invalid_client|unauthorized_client`), upper-cased; null for any other pattern. Such a pattern
 * matches exactly when the text, its ASCII letters upper-cased, contains one of them: without /u,
 * no character outside ASCII compares equal to an ASCII one. A regular expression is compiled the
 * first time it runs (about 20 µs each), and `doctor --error … --offline` runs every pattern of
 * the catalogue once: most of them need not be compiled at all.
 */
export function plainTextOf(re: RegExp): string[] | null {
  let known = plainAlternatives.get(re);
  if (known === undefined) {
    known = re.flags === 'i' && PLAIN_SOURCE.test(re.source) ? re.source.replaceAll('\\/', '/').replaceAll('\\.', '.').toUpperCase().split('|') : null;
    plainAlternatives.set(re, known);
  }
  return known;
}

const runsOf = new WeakMap<RegExp, string[][] | null>();

/**
 * Whether `re` matches one of `forms` (`upper`: the same, ASCII letters upper-cased). Any other
 * pattern than plain text runs only when the text holds the literal text every match of it needs
 * (src/doctor/required-text.ts): of the catalogue's 44 such patterns, a message typically needs
 * none to three compiled, where compiling all of them was a tenth of `doctor --error … --offline`.
 */
function matchesAny(re: RegExp, forms: readonly string[], upper: readonly string[]): boolean {
  const plain = plainTextOf(re);
  if (plain) return upper.some((u) => plain.some((p) => u.includes(p)));
  let runs = runsOf.get(re);
  if (runs === undefined) runsOf.set(re, (runs = requiredRuns(re.source, re.flags)));
  return mayMatch(runs, re.flags === 'i' ? upper : forms) && forms.some((f) => re.test(f));
}

/**
 * Every catalogue entry the text matches, best first. A symptom's name (`redirect-mismatch`) or
 * a catalogue row (`A1`, `G4`, `T5`) also matches. Ties keep catalogue order.
 */
export function matchSymptom(text: string): SymptomMatch[] {
  const trimmed = text.trim();
  if (!trimmed) return [];
  const byId = /^[A-Z]\d+[a-z]?$|^G1-G7$|^[a-z0-9]+(-[a-z0-9]+)+$/i.test(trimmed) ? entryById(trimmed.replace(/^([A-Z]\d+)[a-z]$/i, '$1')) : undefined;
  const forms = variants(trimmed);
  const upper = forms.map(asciiUpper);
  const matches: SymptomMatch[] = [];
  CATALOGUE.forEach((entry) => {
    let score = 0;
    const boosted = new Set<string>();
    for (const p of entry.patterns) {
      if (matchesAny(p.re, forms, upper)) {
        score += p.weight;
        for (const c of p.causes ?? []) boosted.add(c);
      }
    }
    if (byId === entry) {
      score += 100;
      for (const c of entry.causes) if (c.id.toUpperCase().startsWith(trimmed.toUpperCase())) boosted.add(c.id);
    }
    if (score > 0) matches.push({ entry, score, boosted: [...boosted] });
  });
  return matches.sort((a, b) => b.score - a.score);
}

const VERDICT_SCORE: Record<CauseVerdict, number> = { confirmed: 3, possible: 2, 'not-checked': 1, 'ruled-out': 0 };
/** Evidence observed directly (a decoded token, a live probe) outweighs configuration that predicts it. */
const isObserved = (id: string) => /^(token|probe)\./.test(id);

/** A check id `client.flows@abc` belongs to the catalogue id `client.flows`. */
export function checkBase(id: string): string {
  const at = id.indexOf('@');
  return at < 0 ? id : id.slice(0, at);
}

function relatedChecks(cause: CatalogueCause, checks: readonly Check[]): Check[] {
  return checks.filter((c) => cause.checks.includes(checkBase(c.id)));
}

/**
 * A cause's first listed check is the decisive one: the cause is ruled out only when that check
 * ran and passed (a passing side check, e.g. the redirect URL list, cannot rule out that the one
 * URL Copilot Studio uses is missing, and nothing rules out an expired token without a token).
 * A passing check that leaves a pending step or matches the cause's `passMatch` keeps it possible.
 */
function verdictOf(cause: CatalogueCause, related: Check[]): CauseVerdict {
  const statuses = new Set<CheckStatus>(related.map((c) => c.status));
  if (statuses.has('fail')) return 'confirmed';
  if (statuses.has('warn')) return 'possible';
  if (related.some((c) => c.status === 'pass' && (c.next || (cause.passMatch && cause.passMatch.test(c.detail))))) return 'possible';
  const decisive = related.filter((c) => checkBase(c.id) === cause.checks[0]);
  if (decisive.length && decisive.every((c) => c.status === 'pass')) return 'ruled-out';
  return 'not-checked';
}

function oneLine(s: string, max = 240): string {
  const flat = s.replace(/\s+/g, ' ').trim();
  return flat.length > max ? flat.slice(0, max - 1) + '…' : flat;
}
const names = (cs: Check[]) => [...new Set(cs.map((c) => c.title))].join('; ');

/**
 * The entry's causes ranked by what the checks found: confirmed (a related check failed) before
 * possible (a warning, a pending step) before not checked before ruled out (the decisive check
 * passed). Among confirmed causes, those with evidence specific to them (`match`) come first,
 * then those a decoded token or a live probe showed; then causes the user's text points at;
 * then catalogue order.
 */
export function rankCauses(entry: CatalogueEntry, checks: readonly Check[] | undefined, boosted: readonly string[] = []): RankedCause[] {
  const ranked = entry.causes.map((cause, order) => {
    const related = checks ? relatedChecks(cause, checks) : [];
    let verdict: CauseVerdict = checks ? verdictOf(cause, related) : 'not-checked';
    let failing = related.filter((c) => c.status === 'fail');
    let specific = 0;
    if (cause.match && failing.length) {
      const matching = failing.filter((c) => cause.match!.test(c.detail) || cause.match!.test(c.title));
      if (matching.length) {
        failing = matching;
        specific = 1;
      } else verdict = 'possible';
    }
    const noted = related.filter((c) => c.status === 'warn' || (c.status === 'pass' && (c.next || (cause.passMatch && cause.passMatch.test(c.detail)))));
    const warning = verdict === 'possible' && !noted.length ? related.filter((c) => c.status === 'fail') : noted;
    let evidence: string;
    // What was checked, in plain words: what was found, what passed, what could not be checked, and how to confirm.
    if (!checks) evidence = `To confirm: ${cause.confirm}.`;
    else if (verdict === 'confirmed') evidence = `Found: ${failing.map((c) => `${c.title}: ${oneLine(c.detail)}`).join(' ')}`;
    else if (warning.length) evidence = `Found: ${warning.map((c) => `${c.status === 'fail' ? `${c.title} (another problem)` : c.title}: ${oneLine(c.detail)}`).join(' ')}`;
    else if (verdict === 'ruled-out') evidence = `Checked and fine: ${names(related.filter((c) => c.status === 'pass'))}.`;
    else if (related.length) {
      const open = related.filter((c) => c.status === 'skip');
      const passed = related.filter((c) => c.status === 'pass');
      evidence = [open.length && `Not checked: ${open.map((c) => `${c.title} (${oneLine(c.detail, 120).replace(/\.$/, '')})`).join('; ')}.`, passed.length && `Checked and fine, which does not settle it: ${names(passed)}.`, `To confirm: ${cause.confirm}.`].filter(Boolean).join(' ');
    } else evidence = `AWS does not show this. To confirm: ${cause.confirm}.`;
    const source = (verdict === 'confirmed' ? failing : warning).find((c) => c.fix || c.todo);
    const fix = source ? source.fix : cause.fix;
    const todo = source ? source.todo ?? (source.fix ? undefined : cause.todo) : cause.todo;
    return {
      order,
      specific,
      observed: verdict === 'confirmed' && failing.some((c) => isObserved(c.id)) ? 1 : 0,
      boost: boosted.includes(cause.id) ? 1 : 0,
      value: {
        id: cause.key,
        cause: cause.text,
        verdict,
        evidence,
        ...(fix ? { fix } : {}),
        ...(todo ? { todo } : {}),
        checks: related.map((c) => c.id),
        ...(cause.confidence ? { certainty: CERTAINTY[cause.confidence] } : {}),
      } satisfies RankedCause,
    };
  });
  ranked.sort((a, b) => VERDICT_SCORE[b.value.verdict] - VERDICT_SCORE[a.value.verdict] || b.specific - a.specific || b.observed - a.observed || b.boost - a.boost || a.order - b.order);
  return ranked.map((r) => r.value);
}

/** The check ids (catalogue form) a symptom names, in cause order: these run and print first. */
export function symptomChecks(entry: CatalogueEntry): string[] {
  return [...new Set(entry.causes.flatMap((c) => c.checks))];
}
