/**
 * Writing credentials into a dotenv file without destroying it.
 *
 * Into an existing file only the keys this tool owns are set (in place, where they are; new ones
 * are appended); every other line, comment and blank line is kept byte for byte. An owned key
 * that this write has no value for is removed (it would belong to another client). The new
 * content goes to a temporary file created 0600 beside the target and is renamed over it, so the
 * secret never sits in a file anyone else can read, and a reader sees the old file or the new
 * one. A file that does not look like a dotenv file is refused unless the caller confirmed it.
 */
import { accessSync, constants as fsConstants, existsSync, readFileSync, statSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import { CancelledError, CliError, InputError } from './errors.js';
import { acquireLock, resolveTarget, writeFileAtomic } from './state.js';
import { FilePath, check, quote } from './validate.js';

/** Larger than this, a file is not someone's dotenv file. */
const MAX_DOTENV_BYTES = 1024 * 1024;
const KEY_RE = /^[A-Za-z_][A-Za-z0-9_.-]*$/;
const ENTRY_RE = /^(\s*(?:export\s+)?)([A-Za-z_][A-Za-z0-9_.-]*)(\s*=\s*)(.*)$/;

/** One logical line of a dotenv file: an entry (maybe spanning lines: a quoted multi-line value) or anything else. */
type Segment = { kind: 'entry'; key: string; prefix: string; value: string; lines: string[] } | { kind: 'other'; lines: string[] };

interface Parsed {
  segments: Segment[];
  eol: '\n' | '\r\n';
  bom: boolean;
  finalNewline: boolean;
  /** Why this is not a dotenv file (line number and what is wrong), or undefined. */
  problem?: string;
}

/** The closing quote of a value opened by `q` at index 0, or -1 (backslash escapes only in double quotes). */
function closingQuote(s: string, q: string, from: number): number {
  for (let i = from; i < s.length; i++) {
    if (q === '"' && s[i] === '\\') {
      i++;
      continue;
    }
    if (s[i] === q) return i;
  }
  return -1;
}

function parse(text: string): Parsed {
  const bom = text.startsWith('\uFEFF');
  const body = bom ? text.slice(1) : text;
  const eol = body.includes('\r\n') ? '\r\n' : '\n';
  const finalNewline = body.length === 0 || body.endsWith('\n');
  const lines = body.split(/\r?\n/);
  if (finalNewline) lines.pop();
  const segments: Segment[] = [];
  let problem: string | undefined;
  if (body.includes('\u0000')) problem = 'it contains NUL bytes (a binary file)';
  for (let i = 0; i < lines.length; i++) {
    const line = lines[i]!;
    const m = ENTRY_RE.exec(line);
    if (!m) {
      if (!problem && line.trim() !== '' && !line.trimStart().startsWith('#')) problem = `line ${i + 1} (${quote(line.length > 40 ? line.slice(0, 40) + '…' : line)}) is neither KEY=value nor a comment`;
      segments.push({ kind: 'other', lines: [line] });
      continue;
    }
    const [, prefix, key, , rest] = m as unknown as [string, string, string, string, string];
    const q = rest[0];
    if (q === '"' || q === "'" || q === '`') {
      // A quoted value may continue on the following lines until its closing quote.
      let joined = rest;
      let j = i;
      while (closingQuote(joined, q, 1) < 0 && j + 1 < lines.length) joined += '\n' + lines[++j];
      if (closingQuote(joined, q, 1) < 0) {
        problem ??= `the quoted value of ${key} on line ${i + 1} is never closed`;
        segments.push({ kind: 'other', lines: lines.slice(i, j + 1) });
        i = j;
        continue;
      }
      segments.push({ kind: 'entry', key, prefix, value: joined, lines: lines.slice(i, j + 1) });
      i = j;
      continue;
    }
    segments.push({ kind: 'entry', key, prefix, value: rest, lines: [line] });
  }
  return { segments, eol, bom, finalNewline, problem };
}

/** The value a dotenv loader would see for the raw text after `=`. */
function valueOf(raw: string): string {
  const q = raw[0];
  if (q === '"' || q === "'" || q === '`') {
    const end = closingQuote(raw, q, 1);
    const inner = raw.slice(1, end < 0 ? undefined : end);
    return q === '"' ? inner.replace(/\\n/g, '\n').replace(/\\r/g, '\r').replace(/\\(["\\])/g, '$1') : inner;
  }
  return raw.replace(/\s+#.*$/, '').trim();
}

/** The value of `key` in the dotenv file at `path` (the first definition), or undefined (no such key, no file). */
export function readDotenvValue(path: string, key: string): string | undefined {
  let text: string;
  try {
    text = readFileSync(resolveTarget(resolve(path)), 'utf8');
  } catch {
    return undefined;
  }
  const seg = parse(text).segments.find((s) => s.kind === 'entry' && s.key === key);
  return seg?.kind === 'entry' ? valueOf(seg.value) : undefined;
}

/** A value written so that dotenv loaders and `set -a; . file` read it back unchanged. */
export function dotenvValue(v: string): string {
  return /^[\w@%+=:,./-]*$/.test(v) ? v : JSON.stringify(v);
}

/** Why `text` is not a dotenv file, or undefined when it is one (blank lines, comments, KEY=value, `export KEY=value`). */
export function dotenvProblem(text: string): string | undefined {
  return parse(text).problem;
}

export interface DotenvMerge {
  text: string;
  added: string[];
  updated: string[];
  removed: string[];
  unchanged: string[];
}

/**
 * Set `values` in `text`: each key with a value is replaced where it is (later duplicates, which
 * would shadow it, are dropped) or appended; a key whose value is undefined is removed. Every other
 * line is kept as it is, in order, with the file's line ending.
 */
export function mergeDotenv(text: string, values: Record<string, string | undefined>, header?: string): DotenvMerge {
  for (const k of Object.keys(values)) if (!KEY_RE.test(k)) throw new Error(`not a dotenv key: ${k}`);
  const p = parse(text);
  const added: string[] = [];
  const updated: string[] = [];
  const removed: string[] = [];
  const unchanged: string[] = [];
  const done = new Set<string>();
  const out: string[] = [];
  for (const seg of p.segments) {
    if (seg.kind !== 'entry' || !(seg.key in values)) {
      out.push(...seg.lines);
      continue;
    }
    const want = values[seg.key];
    if (want === undefined) {
      if (!removed.includes(seg.key)) removed.push(seg.key);
      continue;
    }
    if (done.has(seg.key)) {
      // A second definition would override (or be overridden by) ours: drop it.
      const u = unchanged.indexOf(seg.key);
      if (u >= 0) unchanged.splice(u, 1);
      if (!updated.includes(seg.key)) updated.push(seg.key);
      continue;
    }
    done.add(seg.key);
    if (valueOf(seg.value) === want) {
      unchanged.push(seg.key);
      out.push(...seg.lines);
    } else {
      updated.push(seg.key);
      out.push(`${seg.prefix}${seg.key}=${dotenvValue(want)}`);
    }
  }
  const appended: string[] = [];
  for (const [k, v] of Object.entries(values)) {
    if (v === undefined || done.has(k)) continue;
    added.push(k);
    appended.push(`${k}=${dotenvValue(v)}`);
  }
  if (appended.length && header && text.trim() === '') appended.unshift(header);
  out.push(...appended);
  const body = out.join(p.eol);
  const final = body === '' ? '' : body + (p.finalNewline || appended.length ? p.eol : '');
  return { text: (p.bom ? '\uFEFF' : '') + final, added, updated, removed, unchanged };
}

/**
 * Check a dotenv target named by `flag` before anything else happens (exit 2): a clean path, a
 * writable directory, a regular file if it exists.
 */
export function checkDotenvPath(path: string, flag: string): string {
  check(FilePath, path, flag);
  const real = resolveTarget(path);
  const dir = dirname(real);
  try {
    if (!statSync(dir).isDirectory()) throw new Error('not a directory');
    accessSync(dir, fsConstants.W_OK);
  } catch {
    throw new InputError(`${flag} ${quote(path)}: the directory ${dir} does not exist or is not writable.`);
  }
  if (existsSync(real) && !statSync(real).isFile()) throw new InputError(`${flag} ${quote(path)} exists and is not a regular file.`);
  return path;
}

/** Why the existing file at `path` is not a dotenv file, or undefined (also when it does not exist). */
export function foreignDotenvReason(path: string): string | undefined {
  const real = resolveTarget(path);
  let size: number;
  try {
    size = statSync(real).size;
  } catch {
    return undefined;
  }
  if (size > MAX_DOTENV_BYTES) return `it is larger than ${MAX_DOTENV_BYTES / 1024 / 1024} MiB`;
  return dotenvProblem(readFileSync(real, 'utf8'));
}

/** The flag that confirms writing into a file that does not look like a dotenv file. */
export const FORCE_ENV_FILE_FLAG = '--force-env-file';

/**
 * Refuse (exit 2) a target that exists and is not a dotenv file, unless `confirmed` (the flag) or,
 * on a terminal, the person says so. Call before any AWS request. Returns whether the write may go
 * into a foreign file.
 */
export async function confirmDotenvTarget(
  path: string,
  flag: string,
  ui: { canPrompt: boolean; prompt: { confirm(o: { message: string; default?: boolean }): Promise<boolean> } },
  confirmed: boolean,
): Promise<boolean> {
  const why = foreignDotenvReason(path);
  if (!why || confirmed) return Boolean(why);
  const sentence = `${flag} ${quote(path)} does not look like a dotenv file: ${why}.`;
  if (!ui.canPrompt) {
    throw new InputError(sentence, `Check the path. To add the COGNITO_* keys to it anyway (every existing line is kept), pass ${FORCE_ENV_FILE_FLAG}.`);
  }
  const ok = await ui.prompt.confirm({ message: `${sentence} Add the COGNITO_* keys to it anyway (every existing line is kept)?`, default: false });
  if (!ok) throw new CancelledError(`Nothing was changed; ${path} was not written.`);
  return true;
}

export interface DotenvWriteResult extends Omit<DotenvMerge, 'text'> {
  path: string;
  created: boolean;
  /** Number of lines kept that are not ours. */
  keptLines: number;
  /** The previous mode when it was looser than 0600. */
  tightenedFrom?: number;
}

/**
 * Set `values` in the dotenv file at `path` (see mergeDotenv), atomically, mode 0600, under a lock
 * beside it. A symbolic link is written through to its target. A file that is not a dotenv file
 * is refused unless `allowForeign`.
 */
export function writeDotenv(path: string, values: Record<string, string | undefined>, opts: { allowForeign?: boolean; header?: string } = {}): DotenvWriteResult {
  const real = resolveTarget(resolve(path));
  const release = acquireLock(`${real}.lock`, path, 10_000, 30_000);
  try {
    let before = '';
    let mode: number | undefined;
    try {
      const st = statSync(real);
      if (!st.isFile()) throw new CliError(`${path} is not a regular file.`, { code: 'INVALID_INPUT', exit: 2 });
      mode = st.mode & 0o777;
      if (st.size > MAX_DOTENV_BYTES && !opts.allowForeign) throw new CliError(`${path} is larger than 1 MiB: not a dotenv file.`, { code: 'INVALID_INPUT', exit: 2 });
      before = readFileSync(real, 'utf8');
    } catch (e) {
      if ((e as NodeJS.ErrnoException).code !== 'ENOENT') throw e;
    }
    const created = mode === undefined;
    const problem = created ? undefined : dotenvProblem(before);
    if (problem && !opts.allowForeign) throw new CliError(`${path} does not look like a dotenv file: ${problem}.`, { code: 'INVALID_INPUT', exit: 2, hint: `Pass ${FORCE_ENV_FILE_FLAG} to add the keys anyway.` });
    const merged = mergeDotenv(before, values, created ? opts.header : undefined);
    // Created 0600 before the secret is written into it, then renamed over the file.
    writeFileAtomic(real, merged.text, 0o600);
    const ours = new Set(Object.keys(values));
    const keptLines = parse(merged.text).segments.filter((s) => !(s.kind === 'entry' && ours.has(s.key))).reduce((n, s) => n + s.lines.length, 0);
    const { text: _text, ...changes } = merged;
    return { path, created, ...changes, keptLines: created ? 0 : keptLines, ...(mode !== undefined && (mode & 0o077) !== 0 ? { tightenedFrom: mode } : {}) };
  } finally {
    release();
  }
}

/** One line saying what a write did: which keys changed, what was kept, the mode. */
export function describeDotenvWrite(r: DotenvWriteResult): string {
  if (r.created) return `Wrote ${r.added.join(', ')} to ${r.path} (new file, mode 0600)`;
  const parts = [
    r.added.length ? `added ${r.added.join(', ')}` : '',
    r.updated.length ? `changed ${r.updated.join(', ')}` : '',
    r.removed.length ? `removed ${r.removed.join(', ')}` : '',
  ].filter(Boolean);
  const what = parts.length ? parts.join('; ') : `no change (${r.unchanged.join(', ')} already set)`;
  const kept = r.keptLines ? `; kept the other ${r.keptLines} line${r.keptLines === 1 ? '' : 's'}` : '';
  const mode = r.tightenedFrom !== undefined ? `; mode tightened from 0${r.tightenedFrom.toString(8)} to 0600` : '; mode 0600';
  return `Updated ${r.path}: ${what}${kept}${mode}`;
}
