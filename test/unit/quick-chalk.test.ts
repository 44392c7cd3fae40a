/**
 * The quick paths' files (dist/chunks/quick-*.js) print through src/lib/quick-chalk.ts in place of chalk
 * (scripts/build.mjs): at level 0 it must give exactly what chalk gives, for every style, chain and
 * argument shape; test/unit/startup.test.ts runs the built files.
 */
import { Chalk as RealChalk } from 'chalk';
import { describe, expect, it } from 'vitest';
import { Chalk } from '../../src/lib/quick-chalk.js';

const STYLES = 'reset bold dim italic underline overline inverse hidden strikethrough black red green yellow blue magenta cyan white blackBright gray grey redBright greenBright yellowBright blueBright magentaBright cyanBright whiteBright visible'.split(' ');
const ARGS: unknown[][] = [['text'], [''], ['a', 'b'], ['a', 1, true], [42], [undefined], [null], [], ['✓ ünïcode\nline two'], [{ toString: () => 'object' }]];

describe('quick-chalk at level 0', () => {
  const ours = new Chalk({ level: 0 }) as unknown as Record<string, any>;
  const theirs = new RealChalk({ level: 0 }) as unknown as Record<string, any>;

  it.each(STYLES)('%s and chains through it print what chalk prints', (style) => {
    for (const args of ARGS) {
      expect(ours[style](...args), `${style}(${args.map(String).join(', ')})`).toBe(theirs[style](...args));
      for (const next of ['red', 'bold', 'visible', 'dim']) expect(ours[style][next](...args)).toBe(theirs[style][next](...args));
    }
  });

  it('the instance itself, its level, and what it leaves to chalk', () => {
    for (const args of ARGS.filter((a) => a.length !== 1 || typeof a[0] === 'string')) expect((ours as any)(...args)).toBe((theirs as any)(...args));
    expect(ours.level).toBe(0);
    expect(ours.bgRed('x')).toBe(theirs.bgRed('x'));
    expect(ours.hex('#ff0000')('x')).toBe(theirs.hex('#ff0000')('x'));
  });
});
