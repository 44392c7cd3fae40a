import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['test/**/*.test.ts'],
    // The README's quick start runs npm ci and npm test in a fresh clone: its own suite (vitest.readme.config.ts).
    exclude: ['test/readme/**', '**/node_modules/**'],
    testTimeout: 60_000,
    hookTimeout: 60_000,
    setupFiles: ['test/setup.ts'],
    // One moto per worker slot, shared by the files that run in it (reset before each file and test).
    globalSetup: ['test/emulator/global-setup.ts'],
    reporters: ['default', './test/summary-reporter.ts', './test/faults-reporter.ts'],
    // Test files share their worker's modules (the AWS SDK, the MCP SDK, src/) instead of loading
    // them again for each file: test/setup.ts undoes the SDK mocks a file leaves behind.
    isolate: false,
    // The end-to-end files mostly wait on child processes (the CLI, moto): more files at once than
    // cores keeps both cores busy. vitest's default here would be one worker (cores - 1). Measured on
    // the 2-core machine, npm test: 3 workers 83.7 s and 90.4 s, 4 workers 82.9 s and 81.7 s.
    maxWorkers: 4,
    // Transformed test and src modules are kept on disk (node_modules/.experimental-vitest-cache) and
    // reused by the next run when their source is unchanged: measured on the 2-core machine, transform
    // 12 → 5 s and import 10.5 → 4.8 s of worker time on the second run.
    experimental: { fsModuleCache: true },
  },
});
