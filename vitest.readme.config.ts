import { defineConfig } from 'vitest/config';

// The README's quick start in a fresh clone (test/readme/): its own suite, run by .ci/run after `npm test`.
export default defineConfig({
  test: {
    include: ['test/readme/**/*.test.ts'],
    testTimeout: 900_000,
    hookTimeout: 60_000,
    setupFiles: ['test/setup.ts'],
    globalSetup: ['test/emulator/global-setup.ts'],
    reporters: ['default', './test/summary-reporter.ts'],
  },
});
