/**
 * A site for tests: a bridge listening on a free UDP port and a simulated fleet sending to it
 * (real MAVLink over loopback). `close()` stops both.
 */
import { type Fleet, type FleetOptions, startFleet } from '@aerie/hardware';
import { type OpenBridgeOptions, openBridge, type RunningBridge } from '../open-bridge.ts';

export interface SimSite {
  running: RunningBridge;
  fleet: Fleet;
  close(): Promise<void>;
}

export async function openSimSite(
  opts: Partial<Omit<FleetOptions, 'gcsPort' | 'gcsHost' | 'bindHost' | 'basePort'>> = {},
  bridgeOptions: Omit<OpenBridgeOptions, 'links'> = {},
): Promise<SimSite> {
  const opened = await openBridge({ ...bridgeOptions, links: ['udpin://127.0.0.1:0'] });
  if (!opened.ok) throw new Error(opened.error.message);
  const running = opened.value;
  const gcsPort = running.connections[0]!.link.localPort()!;
  const fleet = await startFleet({
    vehicles: 1,
    speedup: 10,
    settleS: 0,
    ...opts,
    basePort: 0,
    bindHost: '127.0.0.1',
    gcsHost: '127.0.0.1',
    gcsPort,
  }).catch(async (err: unknown) => {
    await running.close();
    throw err;
  });
  return {
    running,
    fleet,
    async close() {
      await running.close();
      await fleet.close();
    },
  };
}
