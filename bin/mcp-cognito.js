#!/usr/bin/env node
// Starts the CLI from its ES module build (dist/cli.js; `npm run build`). Node 22.1+ keeps the
// compiled code of our modules in its own compile cache (in the system's temporary directory), so
// later starts skip compiling them; older Nodes just compile. dist/cli.js (one file) answers `--help`,
// `--version`, `<command> --help`, `completion` and usage errors itself; commander and each command's
// code load only when needed (scripts/build.mjs).
import module from 'node:module';

module.enableCompileCache?.();
const { main } = await import('../dist/cli.js');
process.exitCode = await main(process.argv);
