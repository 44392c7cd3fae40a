import type { BuildOptions, Metafile } from 'esbuild';
/** The esbuild options every part of the shipped build shares. */
export declare const buildOptions: BuildOptions & { outdir: string };
/** The shipped build into `outdir` (dist/cli.js, dist/chunks/, dist/model/); scratch files go under `dir`. Returns the metafile of every output. */
export declare function buildAll(outdir: string, opts?: { dir?: string; absWorkingDir?: string }): Promise<Metafile>;
