import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['{contracts,missions,hardware,gcs-bridge,server,inference,web,tests}/**/*.test.ts'],
    exclude: ['**/node_modules/**', '**/dist/**'],
    testTimeout: 30_000,
    hookTimeout: 60_000,
    pool: 'forks',
    // Builds the web console once when it is stale, so test files never build it at once.
    globalSetup: ['tests/src/global-setup.ts'],
  },
});
