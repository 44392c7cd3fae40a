/** The dotenv files the tool writes (client credentials): checked before anything is created, written 0600. */
import { accessSync, chmodSync, constants as fsConstants, existsSync, renameSync, statSync, writeFileSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import { InputError } from './errors.js';

/** The dotenv target must be writable before a client (and its secret) is created. Exit 2 otherwise. */
export function checkEnvFilePath(path: string | undefined, flag = '--env-file'): string | undefined {
  if (path === undefined) return undefined;
  if (!path.trim()) throw new InputError(`${flag} needs a file path.`);
  const dir = dirname(resolve(path));
  try {
    if (!statSync(dir).isDirectory()) throw new Error('not a directory');
    accessSync(dir, fsConstants.W_OK);
  } catch {
    throw new InputError(`${flag} "${path}": the directory ${dir} does not exist or is not writable.`);
  }
  if (existsSync(path) && !statSync(path).isFile()) throw new InputError(`${flag} "${path}" exists and is not a regular file.`);
  return path;
}

/** Write `KEY=value` lines (after a comment) to a file readable by its owner only (0600). */
export function writeEnvFile(path: string, comment: string, entries: [string, string][]): void {
  const q = (v: string) => (/^[\w@%+=:,./-]*$/.test(v) ? v : JSON.stringify(v));
  const lines = [`# ${comment}`, ...entries.map(([k, v]) => `${k}=${q(v)}`)];
  // A new 0600 file renamed over the target: an existing, more readable file never holds the secret.
  const tmp = `${path}.${process.pid}.tmp`;
  writeFileSync(tmp, lines.join('\n') + '\n', { mode: 0o600 });
  chmodSync(tmp, 0o600);
  renameSync(tmp, path);
}
