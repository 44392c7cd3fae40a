/**
 * chalk as the quick paths' files (dist/chunks/quick-*.cjs, scripts/build.mjs) have it: loading chalk builds
 * every style it knows, about a millisecond, which a start within 1.3× bare Node cannot spare. Most
 * quick starts print without colour (a pipe, a file, NO_COLOR, --no-color: src/lib/output.ts asks
 * for level 0), and at level 0 a chalk style only joins its arguments: that is answered here. Any
 * other level, and any style or method not listed here, is the real chalk, loaded on first use
 * (esbuild bundles the require() below and runs chalk only when it is called). Everywhere else
 * (the commands, the tests) src/lib/output.ts imports chalk itself; test/unit/quick-chalk.test.ts
 * holds this to chalk at level 0.
 */
import type { ChalkInstance, Options } from 'chalk';

// eslint-disable-next-line @typescript-eslint/no-require-imports
const realChalk = (): typeof import('chalk') => require('chalk') as typeof import('chalk');

/** ansi-styles' modifiers and foreground colours: at level 0, each is its text. */
const STYLES = new Set(
  'reset bold dim italic underline overline inverse hidden strikethrough black red green yellow blue magenta cyan white blackBright gray grey redBright greenBright yellowBright blueBright magentaBright cyanBright whiteBright'.split(' '),
);

/** chalk at level 0: a style joins its arguments with spaces (nothing at all under `visible`). */
function plain(empty: boolean): ChalkInstance {
  // As chalk's builder: one argument is concatenated to '' (not String()), several joined.
  const paint = (...args: unknown[]) => (empty ? '' : args.length === 1 ? '' + (args[0] as string) : args.join(' '));
  let real: ChalkInstance | undefined;
  return new Proxy(paint, {
    get(target, key) {
      if (key === 'level') return 0;
      if (key === 'visible') return plain(true);
      if (typeof key === 'string' && STYLES.has(key)) return empty ? plain(true) : PLAIN;
      if (key in target) return (target as unknown as Record<string | symbol, unknown>)[key];
      real ??= new (realChalk().Chalk)({ level: 0 });
      return (real as unknown as Record<string | symbol, unknown>)[key];
    },
  }) as unknown as ChalkInstance;
}
const PLAIN = plain(false);

/** `new Chalk({ level: 0 })` is the stand-in above; any other options, the real chalk. */
export const Chalk = function Chalk(options?: Options): ChalkInstance {
  return options?.level === 0 ? PLAIN : new (realChalk().Chalk)(options);
} as unknown as typeof import('chalk').Chalk;
