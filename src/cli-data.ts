/**
 * The whole model (src/cli-model.ts) in one object, for the tests that run src/cli.ts from the
 * sources (they mock this module with describeCli()'s result). The built CLI has none: it reads
 * the one command's part from the files scripts/build.mjs wrote (src/cli-store.ts).
 */
import type { CliModel } from './cli-model.js';

export const CLI_MODEL: CliModel | undefined = undefined;
