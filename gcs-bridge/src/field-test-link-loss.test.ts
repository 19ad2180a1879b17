/**
 * An interrupted field test says what the vehicle will do, and the vehicle does it: the bridge
 * reads the data-link-loss parameters of a simulated PX4 in flight over UDP, then goes silent,
 * and the vehicle takes that action once COM_DL_LOSS_T has passed.
 */
import { type Fleet, startFleet } from '@aerie/hardware';
import { afterEach, describe, expect, it } from 'vitest';
import { linkLossOutcome } from './field-test.ts';
import { openBridge, type RunningBridge } from './open-bridge.ts';
import { waitFor } from './testing/wait.ts';

let fleet: Fleet | undefined;
let running: RunningBridge | undefined;
afterEach(async () => {
  await running?.close();
  await fleet?.close();
  running = undefined;
  fleet = undefined;
});

describe('an interrupted field test against the simulator (UDP)', () => {
  it('announces Return after COM_DL_LOSS_T, and the vehicle returns once the bridge is gone', async () => {
    const opened = await openBridge({ links: ['udpin://127.0.0.1:0'] });
    if (!opened.ok) throw new Error(opened.error.message);
    running = opened.value;
    fleet = await startFleet({
      vehicles: 1,
      basePort: 0,
      bindHost: '127.0.0.1',
      gcsHost: '127.0.0.1',
      gcsPort: running.connections[0]!.link.localPort()!,
      speedup: 20,
      settleS: 0,
    });
    const sim = fleet.vehicles[0]!;
    const vehicle = (await running.bridge.waitForVehicle(1, 5000))!;
    // A shorter loss timeout keeps the test short; the announcement reads it from the vehicle.
    expect((await vehicle.setParam('COM_DL_LOSS_T', 2)).ok).toBe(true);
    // PX4 SIH's default is 0 (fly on); a return-to-launch configuration, as many airframes set.
    expect((await vehicle.setParam('NAV_DLL_ACT', 2)).ok).toBe(true);
    expect((await vehicle.arm()).ok).toBe(true);
    expect((await vehicle.takeoff(20)).ok).toBe(true);
    await waitFor(
      () => (vehicle.state.altRelM ?? 0) > 10 && vehicle.state.landed === false,
      10_000,
      'airborne',
    );

    const outcome = await linkLossOutcome(running.bridge, 1);
    expect(outcome).toMatchObject({ action: 'return', fromVehicle: true });
    expect(outcome.text).toBe(
      '2 s after the ground station goes silent the vehicle returns to launch (Return mode) and lands there (NAV_DLL_ACT=2)',
    );

    // The bridge beats once a second: make sure the vehicle has heard it before it goes.
    await new Promise((r) => setTimeout(r, 1200));
    expect(sim.mode.name).not.toBe('AUTO.RTL');
    await running.close();
    running = undefined;
    const silentAt = performance.now();
    await waitFor(() => sim.mode.name === 'AUTO.RTL', 5000, 'Return mode after the bridge went silent');
    expect(performance.now() - silentAt).toBeGreaterThanOrEqual(900);
  }, 30_000);
});
