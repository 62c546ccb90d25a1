import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['test/**/*.test.ts'],
    // One PostgreSQL per run (DATABASE_URL's server, else an embedded one);
    // each test file makes its own database from the migrated template.
    globalSetup: ['@goals/database/testing/global-setup'],
    testTimeout: 60_000,
    hookTimeout: 60_000,
  },
});
