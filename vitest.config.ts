import { defineConfig } from 'vitest/config';

const common = {
  exclude: ['**/node_modules/**', '**/dist/**'],
  testTimeout: 30_000,
  hookTimeout: 60_000,
  pool: 'forks' as const,
};

/**
 * The server's tests once more on PostgreSQL 15, only when AERIE_TEST_PG is set (`npm run
 * test:pg`, and .ci/run): every test app gets a fresh database on the private test cluster
 * (tests/scripts/pg-up.sh; AERIE_TEST_DATABASE_URL, default the cluster's URL). With them the
 * multi-node system test, the one test outside server/ that a real deployment runs on
 * PostgreSQL (several nodes share one database); the other tests/ files run on SQLite only.
 */
const pgUrl = process.env.AERIE_TEST_DATABASE_URL || 'postgres://aerie@127.0.0.1:55432/postgres';
const serverOnPostgres = {
  test: {
    ...common,
    name: 'server-pg',
    include: ['server/**/*.test.ts', 'tests/src/multi-node.test.ts'],
    env: { AERIE_TEST_DATABASE_URL: pgUrl },
    globalSetup: ['tests/src/pg-setup.ts'],
  },
};

export default defineConfig({
  test: {
    projects: [
      {
        test: {
          ...common,
          name: 'default',
          include: ['{contracts,missions,hardware,gcs-bridge,server,inference,web,tests}/**/*.test.ts'],
          // Builds the web console once when it is stale, so test files never build it at once.
          globalSetup: ['tests/src/global-setup.ts'],
        },
      },
      ...(process.env.AERIE_TEST_PG ? [serverOnPostgres] : []),
    ],
  },
});
