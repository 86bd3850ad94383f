import { defineConfig } from 'vitest/config';

// Tests talk to real services (Redis, Dovecot, Chromium, PGlite), so they get generous time
// limits and run one file per worker process; the two cores of a CI machine set the pool size.
export default defineConfig({
  test: {
    include: ['**/*.test.ts'],
    exclude: ['node_modules/**', 'data/**', 'var/**'],
    testTimeout: 120_000,
    hookTimeout: 120_000,
    pool: 'forks',
    maxWorkers: 2,
  },
});
