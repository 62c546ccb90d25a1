import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['test/**/*.test.ts'],
    globalSetup: ['@goals/database/testing/global-setup'],
    testTimeout: 60_000,
    hookTimeout: 120_000,
  },
});
