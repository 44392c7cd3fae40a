/**
 * The text a regular expression cannot match without: for each of its top-level alternatives,
 * the runs of literal characters outside groups and classes that every match of it contains.
 * `doctor --error "<text>"` runs each catalogue pattern whose runs the text holds, and skips the
 * rest without compiling them (V8 compiles a pattern the first time it runs: compiling all 44
 * was a tenth of the quick path's instructions). Conservative by construction: whatever the reader is not sure of (a
 * group's contents, a class, an escape it does not know) only makes the runs shorter or fewer,
 * and a pattern it cannot read at all gets null (always run).
 */

/** Quantifiers: `?` `*` `+` and `{n}`, `{n,}`, `{n,m}`, each maybe lazy (`?`); sticky: read where an atom ends. */
const QUANTIFIER = /(?:[?*+]|\{(\d+)(?:,\d*)?\})\??/y;
/** Characters that stand for themselves, two or more in a row (read as one, sticky). */
const PLAIN_CHUNK = /[^\\()[\]{}|?*+.^$]{2,}/y;
/** Escapes that stand for a class or an assertion, one character each. */
const CLASS_ESCAPES = 'bBdDsSwW';

/** Skips a group or a class starting at `i` (`(` or `[`); returns the index after it, or -1. */
function skipAtom(source: string, i: number): number {
  let depth = 0;
  let inClass = false;
  for (let j = i; j < source.length; j++) {
    const c = source[j];
    if (c === '\\') j++;
    else if (inClass) inClass = c !== ']';
    else if (c === '[') {
      inClass = true;
      if (depth === 0) {
        // A class on its own: ends at its `]` (a `]` right after `[` or `[^` is literal only in Annex B; be strict).
        for (let k = j + 1; k < source.length; k++) {
          if (source[k] === '\\') k++;
          else if (source[k] === ']') return k + 1;
        }
        return -1;
      }
    } else if (c === '(') depth++;
    else if (c === ')') {
      depth--;
      if (depth === 0) return j + 1;
      if (depth < 0) return -1;
    }
  }
  return -1;
}

/**
 * Per top-level alternative of the regular expression `source` (with `flags`), the literal runs
 * every match of it contains (upper-cased when the pattern ignores case); null when the pattern
 * has flags other than `i`, or something this reader does not take apart. An alternative with no
 * run can match anything.
 */
export function requiredRuns(source: string, flags: string): string[][] | null {
  if (flags !== '' && flags !== 'i') return null;
  const ignoreCase = flags === 'i';
  const alternatives: string[][] = [];
  let runs: string[] = [];
  let run = '';
  for (let i = 0; i < source.length; ) {
    PLAIN_CHUNK.lastIndex = i;
    const chunk = PLAIN_CHUNK.exec(source)?.[0];
    if (chunk) {
      if (ignoreCase && /[^\0-\x7f]/.test(chunk)) return null;
      // All but the last character: a quantifier after the chunk applies to that one alone.
      run += chunk.slice(0, -1);
      i += chunk.length - 1;
    }
    const c = source[i]!;
    let literal: string | undefined;
    let next = i + 1;
    if (c === '\\') {
      const e = source[i + 1];
      if (e === undefined) return null;
      if (CLASS_ESCAPES.includes(e)) literal = undefined;
      else if (/[\w]/.test(e)) return null; // \n, \x41, \u0041, \1, \k<…>, \cX…: not read here
      else literal = e;
      next = i + 2;
    } else if (c === '(' || c === '[') {
      next = skipAtom(source, i);
      if (next < 0) return null;
    } else if (c === '|') {
      if (run) runs.push(run);
      run = '';
      alternatives.push(runs);
      runs = [];
      i++;
      continue;
    } else if (c === '.' || c === '^' || c === '$') literal = undefined;
    else if (c === ')' || c === ']' || c === '{' || c === '}' || c === '?' || c === '*' || c === '+') return null;
    else literal = c;
    if (literal !== undefined && ignoreCase && literal.charCodeAt(0) > 0x7f) return null;
    const after = source[next];
    let q: RegExpExecArray | null = null;
    if (after === '?' || after === '*' || after === '+' || after === '{') {
      QUANTIFIER.lastIndex = next;
      q = QUANTIFIER.exec(source);
    }
    if (q) {
      next += q[0].length;
      const min = q[1] !== undefined ? Number(q[1]) : q[0][0] === '+' ? 1 : 0;
      // Optional: not required, and it parts what comes before from what comes after. Repeated: required once.
      if (literal !== undefined && min > 0) run += literal;
      if (run) runs.push(run);
      run = '';
    } else if (literal !== undefined) run += literal;
    else {
      if (run) runs.push(run);
      run = '';
    }
    i = next;
  }
  if (run) runs.push(run);
  alternatives.push(runs);
  // ASCII only (anything else returned null above): toUpperCase changes a-z alone.
  return ignoreCase ? alternatives.map((alt) => alt.map((r) => r.toUpperCase())) : alternatives;
}

/**
 * Whether a pattern whose required runs are `runs` can match one of `texts`: some alternative's
 * runs all occur in one text (for a pattern that ignores case, give the texts with their ASCII
 * letters upper-cased). True when `runs` is null.
 */
export function mayMatch(runs: string[][] | null, texts: readonly string[]): boolean {
  if (!runs) return true;
  // Loops, not callbacks: this runs for every pattern of the catalogue at each `doctor --error`.
  for (const t of texts) {
    for (const alt of runs) {
      let all = true;
      for (const r of alt) {
        if (!t.includes(r)) {
          all = false;
          break;
        }
      }
      if (all) return true;
    }
  }
  return false;
}
