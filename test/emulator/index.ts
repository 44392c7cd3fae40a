/**
 * The emulator front's entry point for scripts (scripts/sandbox.mjs bundles this file with esbuild
 * into .cache/emulator/front.mjs): moto behind the front, one call.
 */
import { startFront, type Front, type FrontOptions } from './server';

export { startFront };
export type { Front, FrontOptions };
