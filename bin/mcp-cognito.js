#!/usr/bin/env node
// Starts the CLI from its build (dist/cli.js; `npm run build`). Node 22.1+ keeps the compiled code of
// dist/cli.js in its own compile cache (in the system's temporary directory), so later starts skip
// compiling it; older Nodes just compile. dist/cli.js (one file) answers `--help`, `--version`,
// `help`, `<command> --help`, `completion` and usage errors itself; everything else is one script,
// dist/chunks/program-*.cjs, run with a V8 code cache of its own on every Node (src/lib/code-cache.ts).
import module from 'node:module';

module.enableCompileCache?.();
const { main } = await import('../dist/cli.js');
process.exitCode = await main(process.argv);
