/**
 * src/doctor/required-text.ts: `doctor --error "<text>"` skips a catalogue pattern (never compiles
 * it) when the text lacks the literal runs every match of it contains. Skipping must never lose a
 * match: here, for every catalogue pattern the substring search does not answer, the skip is held
 * to the regular expression itself over texts made to match it (a random walk through the
 * pattern), the catalogue's own strings, and their case and character mutations.
 */
import { describe, expect, it } from 'vitest';
import { CATALOGUE } from '../../src/doctor/catalogue.js';
import { asciiUpper, matchSymptom, plainTextOf } from '../../src/doctor/match.js';
import { mayMatch, requiredRuns } from '../../src/doctor/required-text.js';

const others = [...new Set(CATALOGUE.flatMap((e) => e.patterns.map((p) => p.re)).filter((re) => !plainTextOf(re)))];
const runsOf = (re: RegExp) => requiredRuns(re.source, re.flags);
const ODD = ['ı', 'İ', 'ſ', '\u212A', 'ß', 'Å', 'ς'];

/** A deterministic random source (the texts are the same at every run). */
function rng(seed: number): () => number {
  let s = seed >>> 0;
  return () => ((s = (Math.imul(s, 1664525) + 1013904223) >>> 0) / 2 ** 32);
}

/**
 * One text the pattern is likely to match: a random walk through the syntax the catalogue uses
 * (alternatives, groups, classes, escapes, quantifiers; lookarounds produce nothing).
 */
function sample(source: string, rand: () => number): string {
  let i = 0;
  const pick = <T,>(xs: readonly T[]): T => xs[Math.floor(rand() * xs.length)]!;
  const escapeChar = (e: string): string => ({ d: pick([...'0123456789']), w: pick([...'ab_9Z']), s: ' ', b: '', D: 'x', W: ' ', S: 'x', B: '' } as Record<string, string>)[e] ?? e;
  function alternation(): string {
    const alts: string[] = [];
    let cur = '';
    while (i < source.length && source[i] !== ')') {
      if (source[i] === '|') {
        alts.push(cur);
        cur = '';
        i++;
      } else cur += quantified();
    }
    alts.push(cur);
    return pick(alts);
  }
  function atom(): string {
    const c = source[i++]!;
    if (c === '\\') return escapeChar(source[i++]!);
    if (c === '.') return pick(['x', ' ', '-', 'é']);
    if (c === '[') {
      const chars: string[] = [];
      const negated = source[i] === '^';
      if (negated) i++;
      while (source[i] !== ']') {
        let ch = source[i++]!;
        if (ch === '\\') ch = escapeChar(source[i++]!);
        if (source[i] === '-' && source[i + 1] !== ']') {
          const to = source[i + 1]!;
          i += 2;
          for (let k = ch.charCodeAt(0); k <= to.charCodeAt(0); k++) chars.push(String.fromCharCode(k));
        } else chars.push(ch);
      }
      i++;
      return negated ? '#' : pick(chars);
    }
    if (c === '(') {
      let look = false;
      if (source[i] === '?') {
        look = source[i + 1] !== ':';
        i += source[i + 1] === '<' ? 3 : 2;
      }
      const inner = alternation();
      i++; // ')'
      return look ? '' : inner;
    }
    if (c === '^' || c === '$') return '';
    return c;
  }
  function quantified(): string {
    const start = i;
    let text = atom();
    const end = i;
    const q = /^(?:([?*+])|\{(\d+)(?:,(\d*))?\})\??/.exec(source.slice(i));
    if (!q) return text;
    i += q[0].length;
    const min = q[1] === '+' ? 1 : q[1] ? 0 : Number(q[2]);
    const max = q[1] === '?' ? 1 : q[1] ? min + 2 : q[3] === undefined ? min : q[3] === '' ? min + 2 : Math.min(Number(q[3]), min + 3);
    const n = min + Math.floor(rand() * (max - min + 1));
    text = '';
    for (let k = 0; k < n; k++) {
      i = start;
      text += atom();
    }
    i = end + q[0].length;
    return text;
  }
  return alternation();
}

const pick = <T,>(xs: readonly T[], rand: () => number): T => xs[Math.floor(rand() * xs.length)]!;

function mutations(text: string, rand: () => number): string[] {
  const out = [text, text.toUpperCase(), text.toLowerCase(), `The service said: ${text} (request 1234)`, encodeURIComponent(text)];
  out.push([...text].map((c) => (rand() < 0.5 ? c.toUpperCase() : c.toLowerCase())).join(''));
  if (text.length) {
    const at = Math.floor(rand() * text.length);
    out.push(text.slice(0, at) + pick(ODD, rand) + text.slice(at + 1), text.slice(0, at) + text.slice(at + 1));
  }
  return out;
}

describe('required text', () => {
  it('reads the runs every match contains, and nothing optional', () => {
    expect(runsOf(/login pages? unavailable/i)).toEqual([['LOGIN PAGE', ' UNAVAILABLE']]);
    expect(runsOf(/\b401\b|unauthori[sz]ed(?!_client)/i)).toEqual([['401'], ['UNAUTHORI', 'ED']]);
    expect(runsOf(/"error"\s*:\s*"invalid_client"/i)).toEqual([['"ERROR"', ':', '"INVALID_CLIENT"']]);
    expect(runsOf(/localhost:\d+\/callback/i)).toEqual([['LOCALHOST:', '/CALLBACK']]);
    expect(runsOf(/gateway time-?out|504|timed? ?out/i)).toEqual([['GATEWAY TIME', 'OUT'], ['504'], ['TIME', 'OUT']]);
    expect(runsOf(/ab{2}c+d{0,3}e/)).toEqual([['ab', 'c', 'e']]);
    expect(runsOf(/-32001/)).toEqual([['-32001']]);
    expect(runsOf(/(a|b)|x.y/)).toEqual([[], ['x', 'y']]);
    // What it does not read: no filter (the pattern always runs).
    expect(runsOf(/\x41/)).toBeNull();
    expect(runsOf(/a/g)).toBeNull();
    expect(runsOf(/é/i)).toBeNull();
    expect(runsOf(/a{/)).toBeNull();
  });

  it('reads every catalogue pattern the substring search does not answer', () => {
    expect(others.length).toBeGreaterThan(30);
    expect(others.filter((re) => !runsOf(re)).map(String)).toEqual([]);
  });

  it('never skips a pattern that matches: texts made to match each pattern, the catalogue strings, mutated', () => {
    const rand = rng(7);
    let matched = 0;
    const strings = CATALOGUE.flatMap((e) => [...e.strings, e.title]);
    for (const re of others) {
      const runs = runsOf(re);
      let own = 0;
      const texts = [...strings];
      for (let k = 0; k < 40; k++) texts.push(...mutations(sample(re.source, rand), rand));
      for (const text of texts) {
        const hit = re.test(text);
        if (hit) {
          matched++;
          own++;
          expect(mayMatch(runs, [re.flags ? asciiUpper(text) : text]), `${re} on ${JSON.stringify(text)}`).toBe(true);
        }
      }
      // The texts reach the pattern: the check above is not vacuous.
      expect(own, String(re)).toBeGreaterThan(0);
    }
    expect(matched).toBeGreaterThan(others.length * 20);
  });

  it('skips the patterns a message cannot match: insufficient_scope alone needs none of them compiled', () => {
    const runFor = (text: string) => others.filter((re) => mayMatch(runsOf(re), [asciiUpper(text)])).map(String);
    expect(runFor('insufficient_scope')).toEqual([]);
    // The 403 patterns, and one whose first alternative needs only a space (`(every|each) (hour|time)`).
    const for403 = runFor('HTTP 403: insufficient_scope');
    expect(for403).toEqual(expect.arrayContaining([String(/\b403\b.{0,80}insufficient[_ ]scope|insufficient[_ ]scope.{0,80}\b403\b/i), String(/\b403\b|forbidden/i)]));
    expect(for403.length).toBeLessThanOrEqual(3);
    expect(matchSymptom('HTTP 403 insufficient_scope').map((m) => m.entry.key)[0]).toBeDefined();
  });
});
