/**
 * A simulated vehicle on a UDP port of 127.0.0.1 with a test ground station talking to it,
 * both closed when the test that opened them finishes. For the simulator's own tests.
 */
import { onTestFinished } from 'vitest';
import { startVehicle, type VehicleOptions } from '../fleet.ts';
import { TestGroundStation } from './ground-station.ts';

export async function vehicleWithGcs(opts: VehicleOptions = {}) {
  const gcs = await TestGroundStation.open(0);
  const v = await startVehicle({ port: 0, bindHost: '127.0.0.1', gcsPort: gcs.port, ...opts });
  gcs.vehiclePort = v.port!;
  onTestFinished(() => gcs.close());
  onTestFinished(() => v.close());
  return { gcs, v };
}
