/**
 * Vitest global setup: builds the web console once, before any test file runs, when its
 * sources are newer than the build. Test files that start a server (`aerie up`, `aerie
 * server`) would otherwise each find the build stale and build it at the same time, which on a
 * small machine costs minutes and can push their start-up past its timeout.
 *
 * A run limited to files that never serve the console (`npx vitest run missions`) skips it.
 * Runs that start a server also get the default basemap cut into the machine's cache first.
 */
import { cachedDefaultBasemap, parseServerConfig } from '@aerie/server';
import { buildConsole, isConsoleBuildStale } from '@aerie/web/node';
import type { TestProject } from 'vitest/node';

/** Test files that start a server serving the console. */
const NEEDS_CONSOLE = /(tests\/src\/(e2e-[^/]*|up)\.test\.ts|server\/src\/test\/process\.test\.ts)$/;

/** Test files that start a server (`startServer`, `aerie server`, `aerie up`). */
const STARTS_SERVER =
  /(tests\/src\/(e2e-[^/]*|up|bridge-channel|multi-node)\.test\.ts|server\/src\/test\/(process|startup)\.test\.ts)$/;

async function runSelects(project: TestProject, pattern: RegExp): Promise<boolean> {
  // The command line's file filters; internal to vitest, so when it is not there (a newer
  // vitest, or no filters) every file counts as selected.
  const filters = (project.vitest as unknown as { filenamePattern?: string[] }).filenamePattern;
  if (!Array.isArray(filters) || filters.length === 0) return true;
  const { testFiles } = await project.globTestFiles(filters);
  return testFiles.some((f) => pattern.test(f.split('\\').join('/')));
}

export default async function setup(project: TestProject): Promise<void> {
  if (!(await runSelects(project, STARTS_SERVER))) return;
  // Servers cut the default basemap at first start; once here, into the machine's cache, so no
  // test's start-up waits for it.
  const defaults = parseServerConfig({});
  if (defaults.ok) {
    const { map } = defaults.value;
    cachedDefaultBasemap({ region: map.defaultRegion, maxZoom: map.defaultMaxZoom }, (line) =>
      process.stderr.write(`global setup: ${line}\n`),
    );
  }
  if (!isConsoleBuildStale() || !(await runSelects(project, NEEDS_CONSOLE))) return;
  process.stderr.write('global setup: building the web console (sources changed)...\n');
  await buildConsole({ log: (line) => process.stderr.write(`global setup: ${line}\n`) });
}
