#!/usr/bin/env node
// Starts the CLI from its build (dist/cli.cjs; `npm run build`). CommonJS, as the whole build is
// (bin/package.json): Node 20 starts an ES module entry ~5 ms later. Node 22.1+ keeps the compiled
// code of dist/cli.cjs in its own compile cache (in the system's temporary directory), so later
// starts skip compiling it; older Nodes just compile. dist/cli.cjs (one file) answers `--help`,
// `--version`, `help`, `<command> --help`, `completion` and usage errors itself; everything else is
// one script, dist/chunks/program-*.cjs, run with a V8 code cache of its own on every Node
// (src/lib/code-cache.ts).
'use strict';

// Node 22.1+ only: on Node 20 loading node:module for nothing costs --help and --version ~1.5% of a start.
if (Number(process.versions.node.split('.')[0]) >= 22) require('node:module').enableCompileCache?.();
require('../dist/cli.cjs')
  .main(process.argv)
  .then((code) => {
    process.exitCode = code;
  });
