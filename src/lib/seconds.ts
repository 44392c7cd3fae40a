import { InputError } from './errors.js';
import { textProblem } from './validate.js';

/** A --wait-timeout style value: whole seconds, 0 to 86400 (exit 2 otherwise). */
export function parseSeconds(raw: string | undefined, def: number, flag: string): number {
  if (raw === undefined) return def;
  const n = Number(raw);
  if (!Number.isInteger(n) || n < 0 || n > 86400) throw new InputError(`${flag} "${raw}" must be a whole number of seconds (0 to 86400).`);
  return n;
}

/** Cognito's bounds for an access token's validity: 5 minutes to 1 day (UpdateUserPoolClient, AccessTokenValidity). */
export const ACCESS_TOKEN_MINUTES = { min: 5, max: 1440 } as const;

/**
 * --access-token-validity: a duration with its unit (90m, 8h, 1d; also "minutes", "hours", "day"),
 * in minutes, within Cognito's 5 minutes to 1 day (exit 2 otherwise, before any AWS call).
 */
export function parseAccessTokenValidity(raw: string, flag = '--access-token-validity'): number {
  const problem = textProblem(raw);
  if (problem) throw new InputError(`${flag} ${JSON.stringify(raw)} ${problem}.`);
  const m = /^(\d{1,5}) ?(m|min|mins|minutes?|h|hours?|d|days?)$/i.exec(raw);
  const minutes = m ? Number(m[1]) * ({ m: 1, h: 60, d: 1440 } as const)[m[2]![0]!.toLowerCase() as 'm' | 'h' | 'd'] : NaN;
  if (!m || raw.length > 20) throw new InputError(`${flag} "${raw.slice(0, 40)}" must be a duration with its unit, such as 30m, 8h or 1d.`);
  if (minutes < ACCESS_TOKEN_MINUTES.min || minutes > ACCESS_TOKEN_MINUTES.max) throw new InputError(`${flag} "${raw}" is outside what Cognito allows for access tokens: 5 minutes to 1 day.`);
  return minutes;
}

/** Minutes as a person reads them: 1 day, 8 hours, 90 minutes. */
export function formatMinutes(minutes: number): string {
  if (minutes % 1440 === 0) return `${minutes / 1440} day${minutes === 1440 ? '' : 's'}`;
  if (minutes % 60 === 0) return `${minutes / 60} hour${minutes === 60 ? '' : 's'}`;
  return `${minutes} minutes`;
}
