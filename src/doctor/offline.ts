/**
 * What doctor says without AWS: the symptom an error text matches (ranked causes, fixes), or the
 * list of symptoms it knows. Only the catalogue and its matcher: `doctor --offline` loads no check,
 * probe, SDK or state (src/commands/doctor-offline.ts answers it before commander loads).
 */
import { CATALOGUE } from './catalogue.js';
import { CERTAINTY, matchSymptom, rankCauses, type SymptomMatch } from './match.js';
import { summarize, type Check, type DoctorResult, type SymptomResult } from './types.js';

/** The symptom the best match names, its causes ranked against the checks (if any ran). */
export function symptomResult(text: string, matches: SymptomMatch[], checks: Check[] | undefined): SymptomResult | undefined {
  const best = matches[0];
  if (!best) return undefined;
  const e = best.entry;
  return {
    id: e.key,
    title: e.title,
    certainty: CERTAINTY[e.confidence],
    matched: text,
    strings: e.strings,
    where: e.where,
    causes: rankCauses(e, checks, best.boosted),
    ...(e.correction ? { correction: e.correction } : {}),
    ...(e.note ? { note: e.note } : {}),
    // Only alternatives the text points at nearly as clearly (not a stray word such as "401").
    alternatives: matches
      .slice(1)
      .filter((m) => m.score >= 5 && m.score * 2 >= best.score)
      .slice(0, 3)
      .map((m) => ({ id: m.entry.key, title: m.entry.title })),
  };
}

export function finish(checks: Check[], extra: Omit<DoctorResult, 'checks' | 'summary'>): DoctorResult {
  return { checks, summary: summarize(checks), ...extra };
}

/**
 * `doctor --offline`: with an error text, the symptom it matches (or `unmatched`); with neither an
 * error nor token checks, the catalogue of symptoms. `checks`: the --token checks, when one was given.
 */
export function offlineResult(error: string | undefined, checks: Check[] = [], hasToken = false): DoctorResult {
  if (!error && !hasToken) {
    return finish([], { catalogue: CATALOGUE.map((e) => ({ id: e.key, title: e.title, certainty: CERTAINTY[e.confidence], strings: e.strings })) });
  }
  const matches = error ? matchSymptom(error) : [];
  const symptom = error ? symptomResult(error, matches, undefined) : undefined;
  return finish(checks, { ...(symptom ? { symptom } : {}), ...(error && !matches.length ? { unmatched: error } : {}) });
}
