/**
 * Test harness shared by the cross-package tests: a bridge listening on a free loopback UDP
 * port (as a ground station does on 14550) and a simulated fleet that sends to it, exactly as
 * PX4 SITL instances would.
 */
import { rm } from 'node:fs/promises';
import { type OpenBridgeOptions, openBridge, type RunningBridge } from '@aerie/gcs-bridge';
import { type Fleet, type FleetOptions, startFleet } from '@aerie/hardware';
import { destination } from '@aerie/missions';

export interface SimAndBridge {
  fleet: Fleet;
  running: RunningBridge;
  close(): Promise<void>;
}

/** Opens a bridge on udpin://127.0.0.1:<free port>, then starts the fleet pointed at it. */
export async function startSimAndBridge(
  fleetOptions: Omit<FleetOptions, 'gcsPort' | 'gcsHost' | 'basePort'>,
  bridgeOptions: Partial<OpenBridgeOptions> = {},
): Promise<SimAndBridge> {
  const opened = await openBridge({ links: ['udpin://127.0.0.1:0'], ...bridgeOptions });
  if (!opened.ok) throw new Error(opened.error.message);
  const running = opened.value;
  const gcsPort = running.connections[0]!.link.localPort();
  if (!gcsPort) throw new Error('the bridge did not report its UDP port');
  const fleet = await startFleet({ ...fleetOptions, basePort: 0, gcsHost: '127.0.0.1', gcsPort });
  return {
    fleet,
    running,
    async close() {
      await running.close();
      await fleet.close();
    },
  };
}

/** Polls `check` until it returns a truthy value or the time runs out (tests only). */
export async function waitFor<T>(
  check: () => T | undefined | null | false,
  timeoutMs: number,
  what: string,
): Promise<T> {
  const until = Date.now() + timeoutMs;
  for (;;) {
    const v = check();
    if (v) return v;
    if (Date.now() > until) throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 20));
  }
}

/** Removes a temporary folder and everything in it. */
export const rmDir = (dir: string) => rm(dir, { recursive: true, force: true });

/**
 * What a test file opened, closed by its `afterAll` in the reverse order of opening (a socket
 * before the server it talks to, the server before its data folder).
 */
export class Teardown {
  readonly #steps: (() => unknown)[] = [];

  /** Closes `thing` with `close` at teardown and returns it. */
  add<T>(thing: T, close: (thing: T) => unknown): T {
    this.#steps.push(() => close(thing));
    return thing;
  }

  /** Runs `step` at teardown (for what changes during the test, such as a restarted server). */
  defer(step: () => unknown): void {
    this.#steps.push(step);
  }

  /** Runs every step, last added first, each once; one that throws does not stop the rest. */
  async run(): Promise<void> {
    const errors: unknown[] = [];
    for (const step of this.#steps.splice(0).reverse()) {
      try {
        await step();
      } catch (err) {
        errors.push(err);
      }
    }
    if (errors.length === 1) throw errors[0];
    if (errors.length > 1) throw new AggregateError(errors, `${errors.length} teardown steps failed`);
  }
}

/**
 * An `aerie.route` patrol at `altM` (25 m) and 8 m/s: take off at `from`, fly `northM` north, then
 * `eastM` east, and return to launch.
 */
export function patrolRoute(
  name: string,
  from: { lat: number; lon: number },
  northM: number,
  eastM: number,
  altM = 25,
) {
  const p1 = destination(from, 0, northM);
  const p2 = destination(p1, 90, eastM);
  return {
    format: 'aerie.route',
    version: 1,
    name,
    defaults: { altM, speedMps: 8 },
    items: [
      { type: 'takeoff', altM },
      { type: 'waypoint', lat: p1.lat, lon: p1.lon, altM },
      { type: 'waypoint', lat: p2.lat, lon: p2.lon, altM },
      { type: 'rtl' },
    ],
  };
}
