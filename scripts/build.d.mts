import type { BuildOptions } from 'esbuild';
/** The esbuild options of the shipped build (entry src/cli.ts → dist/cli.js plus dist/chunks/). */
export declare const buildOptions: BuildOptions & { outdir: string };
