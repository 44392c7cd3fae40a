import { defineConfig } from 'vitest/config';

// Some machines (this project's among them) set NODE_EXTRA_CA_CERTS to the system's CA bundle: every
// Node process started with it reads and parses the bundle first (~40 ms of CPU on the 2-core machine,
// more than a bare start). The suite talks to 127.0.0.1 only (its TLS fixtures bring their own CA), so
// the workers, and every process they start with the inherited environment, go without it.
delete process.env.NODE_EXTRA_CA_CERTS;

export default defineConfig({
  test: {
    include: ['test/**/*.test.ts'],
    // The README's quick start runs npm ci and npm test in a fresh clone: its own suite (vitest.readme.config.ts).
    exclude: ['test/readme/**', '**/node_modules/**'],
    testTimeout: 60_000,
    hookTimeout: 60_000,
    setupFiles: ['test/setup.ts'],
    // One moto per worker slot, shared by the files that run in it (reset before each file and test).
    // Temporary directories under one directory of the run, removed at its end (test/temp-setup.ts);
    // listed first, so that it is torn down last.
    globalSetup: ['test/temp-setup.ts', 'test/emulator/global-setup.ts'],
    reporters: ['default', './test/summary-reporter.ts', './test/faults-reporter.ts'],
    // Test files share their worker's modules (the AWS SDK, the MCP SDK, src/) instead of loading
    // them again for each file: test/setup.ts undoes the SDK mocks a file leaves behind.
    isolate: false,
    // The end-to-end files mostly wait on child processes (the CLI, moto): more files at once than
    // cores keeps both cores busy. vitest's default here would be one worker (cores - 1). Measured on
    // the 2-core machine, vitest run, pairs back to back (its speed drifts by ±15% within minutes):
    // 4 workers 88.9 s and 95.8 s, 6 workers 81.9 s and 90.5 s (both cores busy 1.70–1.78 of 2 with
    // 4, 1.87 with 6, for the same CPU time); 5 workers 94.1 s, 8 workers 104.7 s (more CPU: one more
    // moto and worker each), 3 workers 96.8 s.
    maxWorkers: 6,
    // Transformed test and src modules are kept on disk (node_modules/.experimental-vitest-cache) and
    // reused by the next run when their source is unchanged: measured on the 2-core machine, transform
    // 12 → 5 s and import 10.5 → 4.8 s of worker time on the second run.
    experimental: { fsModuleCache: true },
  },
});
