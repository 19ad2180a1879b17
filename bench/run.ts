/**
 * `npm run bench`: runs every benchmark, writes bench/results.json (one entry per figure:
 * name, value, unit, target, met) and prints a table. `--update-readme` also rewrites the
 * table between the bench markers in README.md. `--only NAME` runs one group and replaces its
 * figures among the last ones, the groups kept in their run order (bench/results-table.ts). `pg-replay` needs
 * PostgreSQL 15 (tests/scripts/pg-up.sh starts it) and takes `--points N`.
 */
import { readFileSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import { fileURLToPath } from 'node:url';
import { benchConsole } from './console.ts';
import { benchFanout } from './fanout.ts';
import { benchFanoutNodes } from './fanout-nodes.ts';
import { benchFleet } from './fleet.ts';
import { benchGeoref } from './georef.ts';
import { benchInference } from './inference.ts';
import { benchInferenceQueue } from './inference-queue.ts';
import { benchIngest } from './ingest.ts';
import type { BenchEntry } from './lib.ts';
import { benchMissionUpload } from './mission-upload.ts';
import { benchPgReplay } from './pg-replay.ts';
import { benchPlanning } from './planning.ts';
import { benchQueries } from './queries.ts';
import { benchTable, mergeResults } from './results-table.ts';
import { benchTickets } from './tickets.ts';
import { benchVideo } from './video.ts';

const groups: Record<string, () => Promise<BenchEntry[]>> = {
  ingest: benchIngest,
  fleet: benchFleet,
  'mission-upload': benchMissionUpload,
  queries: benchQueries,
  fanout: benchFanout,
  'fanout-nodes': benchFanoutNodes,
  console: benchConsole,
  planning: benchPlanning,
  inference: benchInference,
  'inference-queue': benchInferenceQueue,
  video: benchVideo,
  georef: benchGeoref,
  tickets: benchTickets,
  'pg-replay': benchPgReplay,
};

const args = process.argv.slice(2);
const only = args.includes('--only') ? args[args.indexOf('--only') + 1] : undefined;
if (only && !groups[only]) {
  process.stderr.write(`bench: unknown group '${only}' (known: ${Object.keys(groups).join(', ')})\n`);
  process.exit(2);
}

const results: BenchEntry[] = [];
for (const [name, run] of Object.entries(groups)) {
  if (only && name !== only) continue;
  process.stderr.write(`bench: ${name}...\n`);
  const entries = await run();
  for (const e of entries)
    process.stderr.write(
      `  ${e.name}: ${e.value} ${e.unit} (target ${e.target}) ${e.met ? 'met' : 'NOT MET'}\n`,
    );
  results.push(...entries);
}

const resultsPath = fileURLToPath(new URL('./results.json', import.meta.url));
let merged = results;
if (only) {
  // Keep the other groups' last figures.
  try {
    const previous = JSON.parse(readFileSync(resultsPath, 'utf8')).results as BenchEntry[];
    merged = mergeResults(previous, results, only, Object.keys(groups));
  } catch {}
}
writeFileSync(
  resultsPath,
  `${JSON.stringify({ date: new Date().toISOString(), machine: machine(), results: merged }, null, 2)}\n`,
);

const table = benchTable(merged);
process.stdout.write(`${table}\n`);

if (args.includes('--update-readme')) {
  const readmePath = fileURLToPath(new URL('../README.md', import.meta.url));
  const readme = readFileSync(readmePath, 'utf8');
  const start = '<!-- bench:start -->';
  const end = '<!-- bench:end -->';
  const i = readme.indexOf(start);
  const j = readme.indexOf(end);
  if (i < 0 || j < 0) throw new Error('README.md has no bench markers');
  writeFileSync(readmePath, `${readme.slice(0, i + start.length)}\n${table}\n${readme.slice(j)}`);
}

function machine(): string {
  const cpus = os.cpus();
  return `${cpus.length} x ${cpus[0]?.model ?? 'cpu'}, node ${process.version}`;
}
