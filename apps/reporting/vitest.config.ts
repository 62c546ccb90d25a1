import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    // e2e/ is the browser test: it reports itself skipped where Chromium is missing
    include: ['test/**/*.test.ts', 'e2e/**/*.test.ts'],
    globalSetup: ['@goals/database/testing/global-setup'],
    testTimeout: 60_000,
    hookTimeout: 120_000,
  },
});
