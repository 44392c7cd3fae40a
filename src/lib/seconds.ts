import { InputError } from './errors.js';

/** A --wait-timeout style value: whole seconds, 0 to 86400 (exit 2 otherwise). */
export function parseSeconds(raw: string | undefined, def: number, flag: string): number {
  if (raw === undefined) return def;
  const n = Number(raw);
  if (!Number.isInteger(n) || n < 0 || n > 86400) throw new InputError(`${flag} "${raw}" must be a whole number of seconds (0 to 86400).`);
  return n;
}
