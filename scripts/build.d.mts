import type { BuildOptions } from 'esbuild';
/** The esbuild options of the shipped build (entry src/cli.ts → dist/cli.js plus dist/chunks/). */
export declare const buildOptions: BuildOptions & { outdir: string };
/** buildOptions with the commands' help and the completion scripts read from the commander program (src/cli-model.ts); scratch files go under `dir`. */
export declare function shippedBuildOptions(dir?: string, absWorkingDir?: string): Promise<BuildOptions & { outdir: string }>;
/** The last build's metafile (.cache/build/metafile.json): `{ startedMs, cliSha256, metafile }`, outputs named as in dist/. */
export declare const metafilePath: string;
