import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['test/**/*.test.ts'],
    // the end-to-end test runs the real worker against PostgreSQL (embedded when DATABASE_URL is unset)
    globalSetup: ['@goals/database/testing/global-setup'],
    testTimeout: 60_000,
    hookTimeout: 120_000,
    // each file starts its own nats-server (and the e2e a worker and PostgreSQL): on 2 cores, one file at a time
    fileParallelism: false,
  },
});
