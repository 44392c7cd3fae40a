/** Shapes of doctor's result (the contract: docs/cli.md, `doctor`). */

export type CheckStatus = 'pass' | 'warn' | 'fail' | 'skip';

export interface Check {
  /** Stable id (`gateway.allowed-clients`); `@<clientId>` is appended when several clients are examined. */
  id: string;
  status: CheckStatus;
  title: string;
  /** What was compared, with the values. A skip says why it could not run. */
  detail: string;
  /** A runnable command where one exists, else what to do. */
  fix?: string;
}

export interface Summary {
  pass: number;
  warn: number;
  fail: number;
  skip: number;
}

export interface SymptomResult {
  id: string;
  title: string;
  /** How far the catalogue trusts this row: C confirmed, R reported, ? unconfirmed. */
  confidence: string;
  /** The text it was matched from. */
  matched: string;
  strings: string[];
  where: string;
  causes: { id: string; cause: string; verdict: string; evidence: string; fix: string; checks: string[]; confidence?: string }[];
  /** The row of the original troubleshooting table and what it gets wrong. */
  table?: { error: string; cause: string; fix: string };
  correction?: string;
  note?: string;
  /** Other entries the text also matches, best first. */
  alternatives: { id: string; title: string }[];
}

export interface DoctorResult {
  checks: Check[];
  summary: Summary;
  symptom?: SymptomResult;
  /** What was examined. */
  target?: { region?: string; userPoolId?: string; clientIds: string[]; gatewayId?: string };
  /** `--error` text that matched no catalogue entry. */
  unmatched?: string;
  /** `--offline` without `--error`: the whole catalogue, one line per symptom. */
  catalogue?: { id: string; title: string; confidence: string; strings: string[] }[];
}

export function summarize(checks: readonly Check[]): Summary {
  const s: Summary = { pass: 0, warn: 0, fail: 0, skip: 0 };
  for (const c of checks) s[c.status]++;
  return s;
}
