import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['test/**/*.test.ts'],
    globalSetup: ['@goals/database/testing/global-setup'],
    testTimeout: 60_000,
    hookTimeout: 120_000,
    // the crash and restart tests spawn workers and PostgreSQL servers: on 2 cores, one file at a time
    fileParallelism: false,
  },
});
