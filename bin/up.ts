/**
 * `aerie up`: the whole system on one machine, as one process tree on the embedded default:
 * the command server (SQLite in the data folder), a bridge for the local simulated site, and
 * a simulated fleet of docked aircraft around Guicheng, Nanhai that speak MAVLink to the
 * bridge over UDP, as PX4 SITL would. Ctrl-C stops every process it started; if one of them
 * dies, the rest are stopped too, with a message saying which.
 *
 * The bridge reaches each aircraft on its own link (`udpout://127.0.0.1:<base-port + i>`), as a
 * site with one link per dock would; one `udpin` on the GCS port works too (it writes to every
 * aircraft it hears). Each simulated aircraft sends to the GCS port until the bridge speaks to
 * it, then to the bridge.
 *
 * Before anything starts, the site, the bridge (token file in the data folder, mode 0600),
 * docks and vehicle bindings are written into the database (see `local-site.ts`), so later
 * starts reuse them.
 */
import { type ChildProcess, spawn } from 'node:child_process';
import { mkdirSync } from 'node:fs';
import { createServer } from 'node:net';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { buildConsole, isConsoleBuildStale } from '@aerie/web/node';
import { type Command, InvalidArgumentError, Option } from 'commander';
import { ensureLocalSite } from './local-site.ts';

const AERIE = fileURLToPath(new URL('./aerie.mjs', import.meta.url));
/** How long children get to stop after SIGTERM before they are killed. */
const STOP_GRACE_MS = 8000;

function intArg(name: string, min: number, max: number) {
  return (value: string): number => {
    const n = Number(value);
    if (!Number.isInteger(n) || n < min || n > max)
      throw new InvalidArgumentError(`${name} must be an integer ${min}..${max}, got '${value}'`);
    return n;
  };
}

function speedupArg(value: string): string {
  const k = Number(value);
  if (!Number.isFinite(k) || k <= 0 || k > 100)
    throw new InvalidArgumentError(`--speedup must be a number in (0, 100], got '${value}'`);
  return value;
}

interface UpOptions {
  vehicles: number;
  port: number;
  dataDir: string;
  gcsPort: number;
  basePort: number;
  speedup: string;
}

export function registerUp(program: Command): void {
  program
    .command('up')
    .description(
      'start the server, a bridge and a simulated fleet of docked aircraft on this machine (Ctrl-C stops all). ' +
        'Env: PORT, AERIE_DATA_DIR, AERIE_ADMIN_PASSWORD, AERIE_GCS_PORT, AERIE_SIM_BASE_PORT',
    )
    .addOption(
      new Option('--vehicles <n>', 'simulated aircraft (each with a dock)')
        .default(8)
        .argParser(intArg('--vehicles', 1, 200)),
    )
    .addOption(
      new Option('--port <port>', 'HTTP port of the server (0: let the OS choose)')
        .env('PORT')
        .default(8080)
        .argParser(intArg('--port', 0, 65535)),
    )
    .addOption(
      new Option('--data-dir <dir>', 'database, media and the bridge token')
        .env('AERIE_DATA_DIR')
        .default('./data'),
    )
    .addOption(
      new Option('--gcs-port <port>', 'UDP port the aircraft send to until the bridge speaks to them')
        .env('AERIE_GCS_PORT')
        .default(14550)
        .argParser(intArg('--gcs-port', 1, 65535)),
    )
    .addOption(
      new Option(
        '--base-port <port>',
        "first simulated aircraft's UDP port (aircraft i listens on base-port + i)",
      )
        .env('AERIE_SIM_BASE_PORT')
        .default(18570)
        .argParser(intArg('--base-port', 1, 65535)),
    )
    .addOption(new Option('--speedup <k>', 'simulation speed-up').default('1').argParser(speedupArg))
    .action(async (opts: UpOptions) => {
      await up(opts);
    });
}

async function up(opts: UpOptions): Promise<void> {
  if (opts.basePort + opts.vehicles - 1 > 65535) {
    throw new Error(
      `--base-port ${opts.basePort} leaves no room for ${opts.vehicles} aircraft (ports up to 65535)`,
    );
  }
  const dataDir = path.resolve(opts.dataDir);
  mkdirSync(dataDir, { recursive: true });
  const site = await ensureLocalSite({
    dataDir,
    vehicles: opts.vehicles,
    databaseUrl: process.env.AERIE_DATABASE_URL || undefined,
  });
  if (isConsoleBuildStale()) {
    process.stdout.write(
      'aerie up: building the web console (first start or changed sources; ~10-60 s)...\n',
    );
    await buildConsole({ log: (line) => process.stdout.write(`aerie up: ${line}\n`) });
  }

  const children: { name: string; child: ChildProcess }[] = [];
  let stopping = false;
  const logLevel = process.env.AERIE_LOG_LEVEL ?? 'warn';

  const stop = async (code: number): Promise<never> => {
    stopping = true;
    const running = children.filter((c) => c.child.exitCode === null && c.child.signalCode === null);
    const exited = running.map((c) => new Promise((r) => c.child.once('exit', r)));
    for (const c of running) c.child.kill('SIGTERM');
    const grace = setTimeout(() => {
      for (const c of running) {
        if (c.child.exitCode === null && c.child.signalCode === null) {
          process.stderr.write(`aerie up: ${c.name} did not stop in time; killing it\n`);
          c.child.kill('SIGKILL');
        }
      }
    }, STOP_GRACE_MS);
    await Promise.all(exited);
    clearTimeout(grace);
    process.exit(code);
  };

  const start = (
    name: string,
    args: string[],
    stdout: 'inherit' | 'ignore' | 'pipe',
    env?: NodeJS.ProcessEnv,
  ) => {
    const child = spawn(process.execPath, [AERIE, ...args], {
      stdio: ['ignore', stdout, 'inherit'],
      env: { ...process.env, ...env },
    });
    children.push({ name, child });
    child.on('exit', (code, signal) => {
      if (stopping) return;
      // Ctrl-C in a terminal reaches the children too; a clean exit then is not a failure.
      const clean = code === 0 || signal === 'SIGINT' || signal === 'SIGTERM';
      process.stderr.write(`aerie up: the ${name} exited (${signal ?? `code ${code}`}); stopping the rest\n`);
      void stop(clean ? 0 : 1);
    });
    return child;
  };

  process.on('SIGINT', () => void stop(0));
  process.on('SIGTERM', () => void stop(0));

  // The simulator serves a camera per aircraft on this port; the server pulls from it.
  const cameraPort = await freeTcpPort();
  const server = start(
    'server',
    ['server', '--port', String(opts.port), '--data-dir', dataDir, '--skip-console-build'],
    'pipe',
    {
      AERIE_LOG_LEVEL: logLevel,
      AERIE_VIDEO_SIM_URL: `http://127.0.0.1:${cameraPort}/camera/{sysid}.mjpeg`,
      // Frames of flying aircraft to detection to tickets, 1 frame/s per aircraft; the pipeline
      // keeps only the newest frame per aircraft, so a busy machine drops frames, never queues them.
      AERIE_DETECTION: process.env.AERIE_DETECTION ?? 'true',
      AERIE_DETECTION_FPS: process.env.AERIE_DETECTION_FPS ?? '1',
    },
  );
  const { url, firstAdminShown } = await serverReady(server);
  if (stopping) return;

  start(
    'bridge',
    [
      'bridge',
      '--server',
      url,
      '--token-file',
      site.tokenFile,
      ...Array.from({ length: opts.vehicles }, (_, i) => [
        '--link',
        `udpout://127.0.0.1:${opts.basePort + i}`,
      ]).flat(),
      '--log-level',
      logLevel,
    ],
    'inherit',
  );
  start(
    'simulator',
    [
      'sim',
      '--docks',
      '--vehicles',
      String(opts.vehicles),
      '--base-port',
      String(opts.basePort),
      '--gcs',
      `127.0.0.1:${opts.gcsPort}`,
      '--speedup',
      opts.speedup,
      '--camera-port',
      String(cameraPort),
    ],
    'ignore',
  );

  const admin = firstAdminShown
    ? 'sign in as admin with the password printed above (shown only this once: keep it)'
    : process.env.AERIE_ADMIN_PASSWORD
      ? 'sign in as admin with AERIE_ADMIN_PASSWORD (the password set when this data folder was created)'
      : 'sign in as admin with the password printed when this data folder was first started';
  process.stdout.write(
    [
      '',
      `Aerie is up: ${opts.vehicles} simulated docked aircraft at Guicheng, Nanhai (23.03 N, 113.14 E)`,
      `  Console          ${url}/`,
      `  API              ${url}/api`,
      `  API docs         ${url}/api/docs`,
      `  Sim cameras      http://127.0.0.1:${cameraPort}/camera/<sysid>.mjpeg (planted incidents: /scene/incidents)`,
      `  data folder      ${dataDir}`,
      `  ${admin}`,
      '  Ctrl-C stops everything.',
      '',
    ].join('\n'),
  );
  await new Promise(() => undefined);
}

/**
 * Passes the server's output through to the terminal (the one-time admin password line
 * included) and resolves with its URL once it listens.
 */
function serverReady(server: ChildProcess): Promise<{ url: string; firstAdminShown: boolean }> {
  return new Promise((resolve) => {
    let firstAdminShown = false;
    let pending = '';
    let ready = false;
    server.stdout!.on('data', (chunk: Buffer) => {
      process.stdout.write(chunk);
      if (ready) return;
      pending += chunk.toString('utf8');
      const lines = pending.split('\n');
      pending = lines.pop() ?? '';
      for (const line of lines) {
        if (line.includes('created the first administrator')) firstAdminShown = true;
        const m = /aerie server listening on (http:\/\/\S+)/.exec(line);
        if (m?.[1]) {
          ready = true;
          resolve({ url: m[1].replace(/\/$/, ''), firstAdminShown });
        }
      }
    });
  });
}

/** A TCP port free on 127.0.0.1 right now. */
function freeTcpPort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const srv = createServer();
    srv.once('error', reject);
    srv.listen(0, '127.0.0.1', () => {
      const addr = srv.address();
      srv.close(() => resolve(typeof addr === 'object' && addr ? addr.port : 0));
    });
  });
}
