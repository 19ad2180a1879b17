/**
 * Test harness shared by the cross-package tests: a bridge listening on a free loopback UDP
 * port (as a ground station does on 14550) and a simulated fleet that sends to it, exactly as
 * PX4 SITL instances would.
 */
import { type OpenBridgeOptions, openBridge, type RunningBridge } from '@aerie/gcs-bridge';
import { type Fleet, type FleetOptions, startFleet } from '@aerie/hardware';

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
