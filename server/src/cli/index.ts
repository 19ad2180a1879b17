/**
 * The server's command for the `aerie` CLI: `aerie server` starts the command server and runs
 * until SIGINT/SIGTERM. An entry point, so it may read the environment: flags override the
 * environment, which overrides the defaults. The admin password is taken only from
 * AERIE_ADMIN_PASSWORD, never from a flag, because command lines are visible to every user
 * of the machine.
 */

import { extname } from 'node:path';
import { resolveModelsDir } from '@aerie/inference';
import { type Command, InvalidArgumentError } from 'commander';
import { configFromEnv, mapsDirOf, parseServerConfig, type ServerConfigInput } from '../config.ts';
import { describeMap, importMap, importOverlay } from '../maps/import.ts';
import { openMediaStore } from '../media/open.ts';
import { startServer } from '../server.ts';
import { calendarLoadedText, loadCalendarFile } from '../tickets/calendar-cli.ts';
import { verdictText, verifyEvidenceDir } from '../tickets/verify-cli.ts';

function portArg(value: string): number {
  const n = Number(value);
  if (!Number.isInteger(n) || n < 0 || n > 65535)
    throw new InvalidArgumentError(`--port must be 0..65535, got '${value}'`);
  return n;
}

/**
 * The web console as the `server` command sees it. The server does not depend on the web
 * package (the web depends on the contracts only); whoever assembles the CLI (`bin/main.ts`)
 * says where the built console is and how to bring it up to date.
 */
export interface ConsoleBuild {
  /** The built console (index.html and assets), served at `/` by default. */
  distDir: string;
  /** True when the build is missing or older than its sources. */
  isStale(): boolean;
  /** Builds the console; `log` gets one line of progress at a time. */
  build(log: (line: string) => void): Promise<void>;
}

export interface ServerCommandOptions {
  /** Without it, the console is served only from `--console-dir` / AERIE_CONSOLE_DIR. */
  console?: ConsoleBuild;
}

export function registerCommands(program: Command, options: ServerCommandOptions = {}): void {
  const build = options.console;
  program
    .command('server')
    .description(
      'Run the command server (HTTP API, docs at /api/docs). Env: PORT, AERIE_DATA_DIR, AERIE_ADMIN_PASSWORD',
    )
    .option('--host <address>', 'address to listen on (AERIE_HOST, default 127.0.0.1)')
    .option('--port <n>', 'port; 0 lets the OS choose (PORT, default 8080)', portArg)
    .option('--data-dir <dir>', 'database and media folder (AERIE_DATA_DIR, default ./data)')
    .option('--console-dir <dir>', 'built web console served at / (AERIE_CONSOLE_DIR, default web/dist)')
    .option('--no-console', 'serve the API only')
    .option('--skip-console-build', 'serve the console as built, even when its sources are newer')
    .action(
      async (opts: {
        host?: string;
        port?: number;
        dataDir?: string;
        consoleDir?: string;
        console: boolean;
        skipConsoleBuild?: boolean;
      }) => {
        const fromEnv = configFromEnv(process.env);
        const consoleDir = !opts.console
          ? null
          : (opts.consoleDir ?? (fromEnv.consoleDir as string | undefined) ?? build?.distDir ?? null);
        if (build && consoleDir === build.distDir && !opts.skipConsoleBuild && build.isStale()) {
          process.stdout.write('aerie server: building the web console (~10-60 s)...\n');
          await build.build((line) => process.stdout.write(`aerie server: ${line}\n`));
        }
        // Persons in evidence are blurred with the models beside the repository when none are named.
        const modelsDir = resolveModelsDir(process.env.AERIE_MODELS_DIR);
        const config = {
          ...fromEnv,
          ...(modelsDir && !fromEnv.evidence ? { evidence: { modelsDir } } : {}),
          consoleDir,
          ...(opts.host ? { host: opts.host } : {}),
          ...(opts.port !== undefined ? { port: opts.port } : {}),
          ...(opts.dataDir ? { dataDir: opts.dataDir } : {}),
        } as ServerConfigInput;
        const running = await startServer(config);
        process.stdout.write(
          `aerie server listening on ${running.url} (console: ${consoleDir ? `${running.url}/` : 'off'}, API docs: ${running.url}/api/docs)\n`,
        );
        await new Promise<void>((resolve) => {
          const stop = () => resolve();
          process.once('SIGINT', stop);
          process.once('SIGTERM', stop);
        });
        await running.close();
      },
    );

  program
    .command('evidence')
    .description('Ticket evidence (the append-only hash chain of evidence files)')
    .command('verify')
    .description(
      'Check every evidence record and file against the hash chain; exit 0 when intact, 1 at the first tampered record (PostgreSQL: AERIE_DATABASE_URL)',
    )
    .option('--data-dir <dir>', 'database and media folder (AERIE_DATA_DIR, default ./data)')
    .addHelpText(
      'after',
      '\nThe evidence files are read from the configured media store: AERIE_MEDIA_URL (s3://bucket/prefix),\nAERIE_S3_ENDPOINT, AERIE_S3_REGION, AERIE_S3_PATH_STYLE, credentials from AWS_ACCESS_KEY_ID/AWS_SECRET_ACCESS_KEY.',
    )
    .action(async (opts: { dataDir?: string }) => {
      const parsed = parseServerConfig({
        ...configFromEnv(process.env),
        ...(opts.dataDir ? { dataDir: opts.dataDir } : {}),
      });
      if (!parsed.ok) throw new Error(parsed.error.message);
      const { dataDir, media, databaseUrl } = parsed.value;
      const verdict = await verifyEvidenceDir(
        dataDir,
        await openMediaStore(dataDir, media),
        databaseUrl ?? undefined,
      );
      process.stdout.write(`${verdictText(verdict)}\n`);
      process.exitCode = verdict.ok ? 0 : 1;
    });

  program
    .command('tickets')
    .description('The ticket desk')
    .command('calendar')
    .description('The working calendar of ticket time limits (official holidays, make-up working days)')
    .command('load')
    .description(
      "Check a year's calendar file (JSON: year, holidays, makeUpWorkdays, source) as PUT /api/tickets/calendar/<year> does and load it; deadlines already set for open tickets in that year are computed again (PostgreSQL: AERIE_DATABASE_URL)",
    )
    .argument('<year>', 'the year the file is for')
    .argument('<file>', 'the calendar file (.json)')
    .option('--data-dir <dir>', 'database and media folder (AERIE_DATA_DIR, default ./data)')
    .action(async (year: string, file: string, opts: { dataDir?: string }) => {
      const parsed = parseServerConfig({
        ...configFromEnv(process.env),
        ...(opts.dataDir ? { dataDir: opts.dataDir } : {}),
      });
      if (!parsed.ok) throw new Error(parsed.error.message);
      const loaded = await loadCalendarFile(year, file, parsed.value);
      if (!loaded.ok) {
        process.stderr.write(`aerie tickets calendar load: ${loaded.error.message}\n`);
        process.exitCode = 1;
        return;
      }
      process.stdout.write(`${calendarLoadedText(loaded.value)}\n`);
    });

  program
    .command('map')
    .description('Offline basemaps in the maps folder (map.tilesDir, AERIE_MAP_DIR, default <data-dir>/maps)')
    .command('import')
    .description(
      'Check a .pmtiles or .mbtiles file (a basemap) or a .geojson file (a boundary overlay) and copy it into the maps folder',
    )
    .argument('<file>', 'the tile archive, or the GeoJSON of polygons or lines')
    .option('--name <name>', 'map name in tile URLs (default: the file name)')
    .option('--crs <crs>', 'datum of the tiles: wgs84, or gcj02 for Chinese-shifted maps', crsArg)
    .option('--force', 'replace a map of the same name')
    .option('--data-dir <dir>', 'database and media folder (AERIE_DATA_DIR, default ./data)')
    .action(
      async (
        file: string,
        opts: { name?: string; crs?: 'wgs84' | 'gcj02'; force?: boolean; dataDir?: string },
      ) => {
        const parsed = parseServerConfig({
          ...configFromEnv(process.env),
          ...(opts.dataDir ? { dataDir: opts.dataDir } : {}),
        });
        if (!parsed.ok) throw new Error(parsed.error.message);
        const mapsDir = mapsDirOf(parsed.value);
        if (extname(file).toLowerCase() === '.geojson') {
          const o = importOverlay(file, mapsDir, opts);
          if (!o.ok) {
            process.stderr.write(`aerie map import: ${o.error.message}\n`);
            process.exitCode = 1;
            return;
          }
          const { info } = o.value;
          process.stdout.write(
            `imported ${file} as boundary overlay '${info.name}' -> ${o.value.target}\n` +
              `features: ${info.features} (polygons and lines)\n` +
              `bounds: ${info.bounds.map((v) => v.toFixed(4)).join(', ')} (west, south, east, north)\n`,
          );
          return;
        }
        const res = await importMap(file, mapsDir, opts);
        if (!res.ok) {
          process.stderr.write(`aerie map import: ${res.error.message}\n`);
          process.exitCode = 1;
          return;
        }
        const lines = [
          `imported ${file} as '${res.value.info.name}' -> ${res.value.target}`,
          ...describeMap(res.value.info),
        ];
        process.stdout.write(`${lines.join('\n')}\n`);
      },
    );
}

function crsArg(value: string): 'wgs84' | 'gcj02' {
  if (value !== 'wgs84' && value !== 'gcj02')
    throw new InvalidArgumentError(`--crs must be wgs84 or gcj02, got '${value}'`);
  return value;
}
