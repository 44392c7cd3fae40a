/**
 * src/doctor/match.ts answers the catalogue's plain-text patterns (`redirect_mismatch`,
 * `a|b`) by a substring search instead of compiling each regular expression. Here that answer is
 * held to the regular expression's own, for every such pattern, over texts that contain it in
 * every case, around it, cut short, and with the characters whose case mapping crosses into ASCII
 * (ı, İ, ſ, K, ß, ﬀ…).
 */
import { describe, expect, it } from 'vitest';
import { CATALOGUE } from '../../src/doctor/catalogue.js';
import { asciiUpper, plainTextOf } from '../../src/doctor/match.js';

const patterns = CATALOGUE.flatMap((e) => e.patterns.map((p) => p.re));
const plain = patterns.filter((re) => plainTextOf(re));
const ODD = ['ı', 'İ', 'ſ', 'K', 'ß', 'ﬀ', 'Å', 'ǅ', 'ς', 'ϐ', 'ẞ', '\u0130', '\u212B'];

/** What the substring search answers for `text`. */
function plainMatch(re: RegExp, text: string): boolean {
  const upper = asciiUpper(text);
  return plainTextOf(re)!.some((p) => upper.includes(p));
}

function texts(re: RegExp): string[] {
  const out = ['', 'x', 'nothing to see here', ...CATALOGUE.flatMap((e) => e.strings)];
  for (const alt of re.source.replace(/\\([/.])/g, '$1').split('|')) {
    const variants = [alt, alt.toUpperCase(), alt.toLowerCase(), [...alt].map((c, i) => (i % 2 ? c.toUpperCase() : c.toLowerCase())).join('')];
    for (const v of variants) out.push(v, `before ${v} after`, v.slice(1), v.slice(0, -1), `${v}${v}`);
    // Each letter swapped for a character whose case mapping reaches ASCII, one at a time.
    for (let i = 0; i < alt.length; i++) for (const odd of ODD) out.push(alt.slice(0, i) + odd + alt.slice(i + 1));
    out.push(alt.replace(/i/gi, 'ı'), alt.replace(/s/gi, 'ſ'), alt.replace(/k/gi, '\u212A'), alt.replace(/ss/gi, 'ß'));
  }
  return out;
}

describe('plain-text patterns', () => {
  it('most of the catalogue\'s patterns are plain text (the point of the search)', () => {
    expect(plain.length).toBeGreaterThan(patterns.length / 2);
    expect(plainTextOf(/a.b/i)).toBeNull();
    expect(plainTextOf(/a\.b|c\/d/i)).toEqual(['A.B', 'C/D']);
    expect(plainTextOf(/ab/)).toBeNull();
    expect(plainTextOf(/ab|/i)).toBeNull();
    expect(plainTextOf(/\bab/i)).toBeNull();
  });

  it.each(plain.map((re) => [re.source, re] as const))('%s: the search answers what the regular expression answers', (_source, re) => {
    for (const text of texts(re)) expect(plainMatch(re, text), JSON.stringify(text)).toBe(re.test(text));
  });
});
