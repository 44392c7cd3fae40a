/** Shapes of doctor's result (the contract: docs/cli.md, `doctor`). */

export type CheckStatus = 'pass' | 'warn' | 'fail' | 'skip';

export interface Check {
  /** Stable id (`gateway.allowed-clients`); `@<clientId>` is appended when several clients are examined. */
  id: string;
  status: CheckStatus;
  /** The finding, in words: what a pass confirms, or what is wrong ("Gateway is UPDATING"). */
  title: string;
  /** Why, with the values compared. A skip says why it could not run. */
  detail: string;
  /** An `mcp-cognito …` command that fixes it. */
  fix?: string;
  /** What to do when no mcp-cognito command does it. */
  todo?: string;
  /** The equivalent AWS CLI call, for those who do it by hand (every field resent where AWS replaces the whole resource). */
  aws?: string;
  /** A step only a person can take, that is not a problem yet (register the redirect URL Copilot Studio shows). */
  next?: string;
}

export interface Summary {
  pass: number;
  warn: number;
  fail: number;
  skip: number;
}

/** How sure the catalogue is of a symptom or a cause. */
export type Certainty = 'documented' | 'reported' | 'unconfirmed';

export type CauseVerdict = 'confirmed' | 'possible' | 'not-checked' | 'ruled-out';

export interface RankedCause {
  /** Stable name of the cause (`client-not-in-allowed-clients`). */
  id: string;
  cause: string;
  verdict: CauseVerdict;
  /** What the checks found, in one or two sentences. */
  evidence: string;
  /** An `mcp-cognito …` command, when one fixes it. */
  fix?: string;
  /** What to do otherwise. */
  todo?: string;
  /** The checks that bore on it. */
  checks: string[];
  certainty?: Certainty;
}

export interface SymptomResult {
  /** Stable name of the symptom (`gateway-rejects-token`); `--error <name>` explains it again. */
  id: string;
  title: string;
  certainty: Certainty;
  /** The text it was matched from. */
  matched: string;
  /** How the symptom usually shows itself. */
  strings: string[];
  where: string;
  causes: RankedCause[];
  /** What people often get wrong about it. */
  correction?: string;
  note?: string;
  /** Other symptoms the text also matches, best first. */
  alternatives: { id: string; title: string }[];
}

export interface DoctorResult {
  checks: Check[];
  summary: Summary;
  symptom?: SymptomResult;
  /** What was examined. */
  target?: { region?: string; userPoolId?: string; clientIds: string[]; gatewayId?: string };
  /** `--error` text that matched no known symptom. */
  unmatched?: string;
  /** `--offline` without `--error`: every known symptom, one line each. */
  catalogue?: { id: string; title: string; certainty: Certainty; strings: string[] }[];
  /** Steps only a person can take (from the checks' `next`), in order. */
  nextSteps?: string[];
}

export function summarize(checks: readonly Check[]): Summary {
  const s: Summary = { pass: 0, warn: 0, fail: 0, skip: 0 };
  for (const c of checks) s[c.status]++;
  return s;
}
