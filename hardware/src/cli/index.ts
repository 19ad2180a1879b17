/**
 * `aerie sim`: runs a simulated fleet until interrupted.
 */

import { isIPv4 } from 'node:net';
import { type Command, InvalidArgumentError } from 'commander';
import type { Flavour } from '../sim/flavour.ts';
import { DEFAULT_BASE_PORT, DEFAULT_BIND_HOST, DEFAULT_GCS, DEFAULT_HOME, startFleet } from '../sim/fleet.ts';

/** Options of `aerie sim` after parsing. */
export interface SimCommandOptions {
  vehicles: number;
  home: { lat: number; lon: number };
  speedup: number;
  flavour: Flavour;
  basePort: number;
  /** Address the vehicles listen on (loopback unless told otherwise). */
  bind: string;
  gcs: { host: string; port: number };
  loss: number;
  latency: number;
  spacing: number;
  settle: number;
  /** A dock paired with every vehicle, on its link. */
  docks: boolean;
  /** Wind and rain the docks' sensors read at start. */
  dockWind: number;
  dockRain: number;
}

function intIn(name: string, min: number, max: number, what: string) {
  return (raw: string): number => {
    const n = Number(raw);
    if (raw.trim() === '' || !Number.isInteger(n) || n < min || n > max) {
      throw new InvalidArgumentError(`${name} must be ${what}, got '${raw}'`);
    }
    return n;
  };
}

function numberIn(name: string, min: number, max: number, what: string, exclusiveMin = false) {
  return (raw: string): number => {
    const n = Number(raw);
    if (raw.trim() === '' || !Number.isFinite(n) || n < min || n > max || (exclusiveMin && n === min)) {
      throw new InvalidArgumentError(`${name} must be ${what}, got '${raw}'`);
    }
    return n;
  };
}

/** Parses `--home LAT,LON`. */
export function parseHome(raw: string): { lat: number; lon: number } {
  const parts = raw.split(',').map((s) => s.trim());
  const [lat, lon] = parts.map(Number);
  if (
    parts.length !== 2 ||
    parts.some((p) => p === '') ||
    lat === undefined ||
    lon === undefined ||
    !Number.isFinite(lat) ||
    !Number.isFinite(lon)
  ) {
    throw new InvalidArgumentError(`--home must be LAT,LON in degrees, got '${raw}'`);
  }
  if (Math.abs(lat) > 90)
    throw new InvalidArgumentError(`--home latitude must be within [-90, 90], got '${raw}'`);
  if (Math.abs(lon) > 180)
    throw new InvalidArgumentError(`--home longitude must be within [-180, 180], got '${raw}'`);
  return { lat, lon };
}

/** Parses `--gcs HOST:PORT`. */
export function parseGcs(raw: string): { host: string; port: number } {
  const idx = raw.lastIndexOf(':');
  const host = idx > 0 ? raw.slice(0, idx) : '';
  const portText = idx > 0 ? raw.slice(idx + 1) : '';
  const port = Number(portText);
  if (!host || portText === '' || !Number.isInteger(port) || port < 1 || port > 65535) {
    throw new InvalidArgumentError(`--gcs must be HOST:PORT (port 1-65535), got '${raw}'`);
  }
  return { host, port };
}

/** `--bind` (or AERIE_SIM_BIND): an IPv4 address to listen on. */
export function parseBind(raw: string): string {
  if (!isIPv4(raw.trim())) {
    throw new InvalidArgumentError(
      `--bind must be an IPv4 address such as 127.0.0.1 or 0.0.0.0, got '${raw}'`,
    );
  }
  return raw.trim();
}

function parseFlavour(raw: string): Flavour {
  if (raw !== 'px4' && raw !== 'ardupilot') {
    throw new InvalidArgumentError(`--flavour must be px4 or ardupilot, got '${raw}'`);
  }
  return raw;
}

/** Waits for SIGINT or SIGTERM (what Ctrl-C and service managers send). */
function untilInterrupted(): { signal: Promise<string>; dispose: () => void } {
  let onSignal: (signal: NodeJS.Signals) => void = () => {};
  const dispose = () => {
    process.off('SIGINT', onSignal);
    process.off('SIGTERM', onSignal);
  };
  const signal = new Promise<string>((resolve) => {
    onSignal = (sig) => {
      dispose();
      resolve(sig);
    };
    process.on('SIGINT', onSignal);
    process.on('SIGTERM', onSignal);
  });
  return { signal, dispose };
}

function parseEnvBind(raw: string | undefined): string {
  if (raw === undefined || raw.trim() === '') return DEFAULT_BIND_HOST;
  try {
    return parseBind(raw);
  } catch (err) {
    throw new Error(`AERIE_SIM_BIND: ${(err as Error).message.replace('--bind ', '')}`);
  }
}

/** Adds `sim` to the `aerie` command line. */
export function registerCommands(program: Command): void {
  program
    .command('sim')
    .description(
      'run a simulated fleet of multicopters that answer like PX4 SITL (or ArduCopter) over MAVLink/UDP: ' +
        `vehicle i has system id i+1, listens on UDP base-port+i and sends to the ground station ` +
        `(then to whoever last sent it a packet); runs until Ctrl-C`,
    )
    .option(
      '--vehicles <N>',
      'number of vehicles (1-254)',
      intIn('--vehicles', 1, 254, 'an integer 1-254'),
      1,
    )
    .option(
      '--home <LAT,LON>',
      `where vehicle 1 stands, degrees (default ${DEFAULT_HOME.lat},${DEFAULT_HOME.lon}, Guicheng, Nanhai)`,
      parseHome,
    )
    .option(
      '--speedup <K>',
      'simulated seconds per real second (physics and vehicle timers)',
      numberIn('--speedup', 0, 1000, 'a number > 0 and <= 1000', true),
      1,
    )
    .option('--flavour <px4|ardupilot>', 'autopilot to imitate', parseFlavour, 'px4' as Flavour)
    .option(
      '--base-port <P>',
      `UDP port of vehicle 1 (0: let the OS choose each port)`,
      intIn('--base-port', 0, 65535, 'a port 0-65535'),
      DEFAULT_BASE_PORT,
    )
    .option(
      '--bind <HOST>',
      `address the vehicles listen on (default ${DEFAULT_BIND_HOST}, or AERIE_SIM_BIND; 0.0.0.0 lets other machines command them)`,
      parseBind,
    )
    .option(
      '--gcs <HOST:PORT>',
      `ground station address until one speaks (default ${DEFAULT_GCS.host}:${DEFAULT_GCS.port})`,
      parseGcs,
    )
    .option(
      '--loss <PCT>',
      'random packet loss each direction, %',
      numberIn('--loss', 0, 100, 'a percentage 0-100'),
      0,
    )
    .option(
      '--latency <MS>',
      'added one-way latency, real ms',
      numberIn('--latency', 0, 60_000, 'milliseconds 0-60000'),
      0,
    )
    .option(
      '--spacing <M>',
      'metres between vehicles',
      numberIn('--spacing', 0, 100_000, 'metres 0-100000'),
      300,
    )
    .option(
      '--settle <S>',
      'simulated seconds after boot during which arming is refused',
      numberIn('--settle', 0, 3600, 'seconds 0-3600'),
      10,
    )
    .option(
      '--docks',
      'pair a dock with every vehicle at its home, on its link (dock system id = vehicle + 100, or its own above 100 vehicles; component 25)',
    )
    .option(
      '--dock-wind <M/S>',
      'wind the docks report at start, m/s',
      numberIn('--dock-wind', 0, 100, 'metres per second 0-100'),
      0,
    )
    .option(
      '--dock-rain <MM/H>',
      'rain rate the docks report at start, mm/h',
      numberIn('--dock-rain', 0, 500, 'millimetres per hour 0-500'),
      0,
    )
    .option(
      '--camera-port <P>',
      'serve a simulated camera per vehicle (Motion-JPEG over HTTP at /camera/<sysid>.mjpeg) on this port (0: any)',
      intIn('--camera-port', 0, 65535, 'a port 0-65535'),
    )
    .option('--samples <DIR>', 'sample photos for the camera scene (default <repo>/../shared/samples)')
    .option(
      '--camera-rtsp-url <URI>',
      'announce this RTSP URI (with {sysid}) in VIDEO_STREAM_INFORMATION instead of the Motion-JPEG URL, ' +
        'when an RTSP server re-publishes the cameras',
    )
    .action(
      async (
        raw: Partial<SimCommandOptions> & { cameraPort?: number; samples?: string; cameraRtspUrl?: string },
      ) => {
        const opts: SimCommandOptions = {
          vehicles: raw.vehicles ?? 1,
          home: raw.home ?? { lat: DEFAULT_HOME.lat, lon: DEFAULT_HOME.lon },
          speedup: raw.speedup ?? 1,
          flavour: raw.flavour ?? 'px4',
          basePort: raw.basePort ?? DEFAULT_BASE_PORT,
          // The environment is read here, in the entry point, and checked like the flag.
          bind: raw.bind ?? parseEnvBind(process.env.AERIE_SIM_BIND),
          gcs: raw.gcs ?? { host: DEFAULT_GCS.host, port: DEFAULT_GCS.port },
          loss: raw.loss ?? 0,
          latency: raw.latency ?? 0,
          spacing: raw.spacing ?? 300,
          settle: raw.settle ?? 10,
          docks: raw.docks ?? false,
          dockWind: raw.dockWind ?? 0,
          dockRain: raw.dockRain ?? 0,
        };
        if (opts.basePort !== 0 && opts.basePort + opts.vehicles - 1 > 65535) {
          throw new Error(
            `--base-port ${opts.basePort} leaves no room for ${opts.vehicles} ports below 65536`,
          );
        }
        const interrupted = untilInterrupted();
        let fleet: Awaited<ReturnType<typeof startFleet>>;
        try {
          fleet = await startFleet({
            vehicles: opts.vehicles,
            home: { ...opts.home, altM: DEFAULT_HOME.altM },
            spacingM: opts.spacing,
            speedup: opts.speedup,
            flavour: opts.flavour,
            basePort: opts.basePort,
            bindHost: opts.bind,
            gcsHost: opts.gcs.host,
            gcsPort: opts.gcs.port,
            settleS: opts.settle,
            faults: { lossPct: opts.loss, latencyMs: opts.latency },
            docks: opts.docks && { weather: { windSpeedMps: opts.dockWind, rainMmPerH: opts.dockRain } },
          });
        } catch (err) {
          interrupted.dispose();
          throw err;
        }
        for (const v of fleet.vehicles) {
          const h = v.homePosition;
          process.stdout.write(
            `sysid ${v.sysid}  ${v.flavour}  ${v.endpoint} on ${opts.bind} -> ${opts.gcs.host}:${opts.gcs.port}  ` +
              `home ${h.lat.toFixed(6)},${h.lon.toFixed(6)}\n`,
          );
        }
        for (const d of fleet.docks) {
          process.stdout.write(
            `dock ${d.sysid}/${d.compid}  with sysid ${d.aircraft.sysid} on ${d.aircraft.endpoint}  ` +
              `at ${d.position.lat.toFixed(6)},${d.position.lon.toFixed(6)}\n`,
          );
        }
        const cameras =
          raw.cameraPort === undefined
            ? undefined
            : // Loaded only when asked for: sharp (native) would slow every other start.
              await (await import('../camera/fleet-cameras.ts'))
                .startFleetCameras(fleet.vehicles, {
                  port: raw.cameraPort,
                  fps: 10,
                  ...(raw.samples ? { samplesDir: raw.samples } : {}),
                  ...(raw.cameraRtspUrl ? { rtspUrl: raw.cameraRtspUrl } : {}),
                })
                .catch(async (err) => {
                  interrupted.dispose();
                  await fleet.close();
                  throw err;
                });
        if (cameras)
          process.stdout.write(`cameras on ${cameras.server.url(0).replace('/0.mjpeg', '/<sysid>.mjpeg')}\n`);
        process.stdout.write(
          `simulating ${fleet.vehicles.length} vehicle(s)${fleet.docks.length ? ` with docks` : ''} at speedup ${opts.speedup}; Ctrl-C to stop\n`,
        );
        const signal = await interrupted.signal;
        await cameras?.close();
        await fleet.close();
        process.stdout.write(`${signal}: closed ${fleet.vehicles.length} vehicle(s)\n`);
        process.exitCode = 0;
      },
    );
}
