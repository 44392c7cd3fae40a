/**
 * Whether this run went its whole course though it exits 1 (a command's full report of failures,
 * src/program.ts through Deps.fullReport): src/cli.ts sets it, src/lib/code-cache.ts reads it at exit
 * and keeps the run's code cache. A module of its own, without imports: dist/cli.cjs loads
 * code-cache.ts (and node:vm, node:os) only when it runs a script, not for --version or --help.
 */
export const course = { whole: false };
