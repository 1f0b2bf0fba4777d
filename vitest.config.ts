import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['test/**/*.test.ts'],
    globalSetup: ['test/global-setup.ts'],
    // Real model inference, real index files and real child processes: generous timeouts.
    testTimeout: 60_000,
    hookTimeout: 120_000,
    pool: 'forks',
  },
});
