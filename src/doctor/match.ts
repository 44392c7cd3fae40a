/**
 * From the text a user saw to catalogue entries, and from check results to ranked causes.
 * Pure functions over catalogue.ts: no AWS, no I/O.
 */
import { CATALOGUE, entryById, type CatalogueCause, type CatalogueEntry } from './catalogue.js';
import type { Check, CheckStatus } from './types.js';

export interface SymptomMatch {
  entry: CatalogueEntry;
  score: number;
  /** Causes the text itself points at (e.g. "expired" → G5). */
  boosted: string[];
}

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

/**
 * Every catalogue entry the text matches, best first. An exact entry id (`A1`, `G4`, `T5`) also
 * matches. Ties keep catalogue order.
 */
export function matchSymptom(text: string): SymptomMatch[] {
  const trimmed = text.trim();
  if (!trimmed) return [];
  const byId = /^[A-Z]\d+[a-z]?$|^G1-G7$/i.test(trimmed) ? entryById(trimmed.replace(/^([A-Z]\d+)[a-z]$/i, '$1')) : undefined;
  const forms = variants(trimmed);
  const matches: SymptomMatch[] = [];
  CATALOGUE.forEach((entry) => {
    let score = 0;
    const boosted = new Set<string>();
    for (const p of entry.patterns) {
      if (forms.some((f) => p.re.test(f))) {
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

export type CauseVerdict = 'confirmed' | 'possible' | 'not-checked' | 'ruled-out';

export interface RankedCause {
  /** Catalogue cause id (G1, A1b…). */
  id: string;
  cause: string;
  verdict: CauseVerdict;
  /** What the checks found, in one or two sentences. */
  evidence: string;
  fix: string;
  /** The checks that bore on it. */
  checks: string[];
  confidence?: string;
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
 * ran and passed (a passing side check, e.g. the callback list, cannot rule out that the one URL
 * Copilot Studio uses is missing, and nothing rules out an expired token without a token).
 */
function verdictOf(cause: CatalogueCause, related: Check[]): CauseVerdict {
  const statuses = new Set<CheckStatus>(related.map((c) => c.status));
  if (statuses.has('fail')) return 'confirmed';
  if (statuses.has('warn')) return 'possible';
  const decisive = related.filter((c) => checkBase(c.id) === cause.checks[0]);
  if (decisive.length && decisive.every((c) => c.status === 'pass')) return 'ruled-out';
  return 'not-checked';
}

function oneLine(s: string, max = 240): string {
  const flat = s.replace(/\s+/g, ' ').trim();
  return flat.length > max ? flat.slice(0, max - 1) + '…' : flat;
}

/**
 * The entry's causes ranked by what the checks found: confirmed (a related check failed) before
 * possible (a warning) before not checked before ruled out (all related checks passed). Among
 * confirmed causes, those with evidence specific to them (`match`) come first, then those a
 * decoded token or a live probe showed; then causes the user's text points at; then catalogue
 * order.
 */
export function rankCauses(entry: CatalogueEntry, checks: readonly Check[] | undefined, boosted: readonly string[] = []): RankedCause[] {
  const ranked = entry.causes.map((cause, order) => {
    const related = checks ? relatedChecks(cause, checks) : [];
    let verdict: CauseVerdict = checks ? verdictOf(cause, related) : 'not-checked';
    let failing = related.filter((c) => c.status === 'fail');
    let specific = 0;
    if (cause.match && failing.length) {
      const matching = failing.filter((c) => cause.match!.test(c.detail));
      if (matching.length) {
        failing = matching;
        specific = 1;
      } else verdict = 'possible';
    }
    const warning = verdict === 'possible' && !related.some((c) => c.status === 'warn') ? related.filter((c) => c.status === 'fail') : related.filter((c) => c.status === 'warn');
    let evidence: string;
    if (!checks) evidence = `Not checked (offline). Confirm with: ${cause.confirm}.`;
    else if (verdict === 'confirmed') evidence = failing.map((c) => `${c.id} failed: ${oneLine(c.detail)}`).join(' ');
    else if (warning.length) evidence = warning.map((c) => `${c.id} ${c.status === 'fail' ? 'failed, for another reason' : 'warns'}: ${oneLine(c.detail)}`).join(' ');
    else if (verdict === 'ruled-out') evidence = `Ruled out: ${related.filter((c) => c.status === 'pass').map((c) => c.id).join(', ')} passed.`;
    else if (related.length) {
      const open = related.filter((c) => c.status === 'skip');
      const passed = related.filter((c) => c.status === 'pass').map((c) => c.id);
      evidence = `${open.length ? `Not checked (${open.map((c) => `${c.id}: ${oneLine(c.detail, 120)}`).join('; ')})` : `Not checked (needs ${cause.checks[0]})`}${passed.length ? `; ${passed.join(', ')} passed but cannot rule it out` : ''}. Confirm with: ${cause.confirm}.`;
    }
    else evidence = `Not visible to AWS. Confirm with: ${cause.confirm}.`;
    const fix = (verdict === 'confirmed' ? failing : warning).find((c) => c.fix)?.fix ?? cause.fix;
    return {
      order,
      specific,
      observed: verdict === 'confirmed' && failing.some((c) => isObserved(c.id)) ? 1 : 0,
      boost: boosted.includes(cause.id) ? 1 : 0,
      value: { id: cause.id, cause: cause.text, verdict, evidence, fix, checks: related.map((c) => c.id), ...(cause.confidence ? { confidence: cause.confidence } : {}) } satisfies RankedCause,
    };
  });
  ranked.sort((a, b) => VERDICT_SCORE[b.value.verdict] - VERDICT_SCORE[a.value.verdict] || b.specific - a.specific || b.observed - a.observed || b.boost - a.boost || a.order - b.order);
  return ranked.map((r) => r.value);
}

/** The check ids (catalogue form) a symptom names, in cause order: these run and print first. */
export function symptomChecks(entry: CatalogueEntry): string[] {
  return [...new Set(entry.causes.flatMap((c) => c.checks))];
}
