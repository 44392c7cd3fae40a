import type { BuildOptions, Metafile } from 'esbuild';
/** The esbuild options every part of the shipped build shares. */
export declare const buildOptions: BuildOptions & { outdir: string };
/** The shipped build into `outdir` (dist/cli.cjs, dist/chunks/, dist/model/); scratch files go under `dir`. Returns the metafile of every output. */
export declare function buildAll(outdir: string, opts?: { dir?: string; absWorkingDir?: string }): Promise<Metafile>;
/** The last build's metafile (.cache/build/metafile.json): `{ startedMs, cliSha256, metafile }`, outputs named as in dist/. */
export declare const metafilePath: string;
