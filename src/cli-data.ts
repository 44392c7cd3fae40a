/**
 * The help of every command and the completion scripts, as scripts/build.mjs read them from the
 * commander program at build time (src/cli-model.ts). Undefined when running from the sources
 * (tests): src/cli.ts then leaves everything to commander.
 */
import type { CliModel } from './cli-model.js';

declare const __CLI_MODEL__: string | undefined;

export const CLI_MODEL: CliModel | undefined = typeof __CLI_MODEL__ === 'string' ? (JSON.parse(__CLI_MODEL__) as CliModel) : undefined;
