import { defineConfig } from 'vitest/config';

// One project per test kind so `npm test` runs them all and each can be run alone. Files run one at a time:
// the e2e suites measure timings (retry gaps, cancel within 2 s) and the crash test loads both cores, so running
// them side by side on a 2-core machine makes timings, not code, decide the outcome.
export default defineConfig({
  test: {
    maxWorkers: 1,
    // The runtime's JSON log lines are printed for failing tests only, so a green run stays readable.
    silent: 'passed-only',
    projects: [
      { test: { name: 'unit', include: ['test/unit/**/*.test.ts'] } },
      { test: { name: 'integration', include: ['test/integration/**/*.test.ts'], testTimeout: 30_000 } },
      {
        test: {
          name: 'infra',
          include: ['test/infra/**/*.test.ts'],
          testTimeout: 120_000,
          hookTimeout: 120_000,
        },
      },
      { test: { name: 'e2e', include: ['test/e2e/**/*.test.ts'], testTimeout: 60_000, hookTimeout: 60_000 } },
      // Debian's Chromium driven by playwright-core (no browser download); screenshots go to test-results/.
      {
        test: {
          name: 'browser',
          include: ['test/browser/**/*.test.ts'],
          testTimeout: 60_000,
          hookTimeout: 60_000,
        },
      },
    ],
  },
});
