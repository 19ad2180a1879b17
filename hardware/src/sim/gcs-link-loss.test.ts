import { common, minimal } from 'node-mavlink';
import { afterEach, describe, expect, it } from 'vitest';
import { startVehicle } from './fleet.ts';
import { gcsCheck, gcsHeard, initialGcsLink, linkLossBehaviour, MAV_TYPE_GCS } from './gcs-link-loss.ts';
import { command, sleep, TestGroundStation, until } from './testing/ground-station.ts';

describe('the data-link-loss rule', () => {
  it('is lost only after a ground station was heard and then silent for COM_DL_LOSS_T', () => {
    const never = initialGcsLink();
    expect(gcsCheck(never, 60_000, 10)).toEqual([never, null]);
    const [heard] = gcsHeard(never, 1000);
    expect(gcsCheck(heard, 11_000, 10)[1]).toBeNull();
    const [lost, change] = gcsCheck(heard, 11_001, 10);
    expect([lost.lost, change]).toEqual([true, 'lost']);
    expect(gcsCheck(lost, 20_000, 10)[1]).toBeNull();
    expect(gcsHeard(lost, 20_000)).toEqual([{ heardAtMs: 20_000, lost: false }, 'regained']);
  });

  it('takes NAV_DLL_ACT unless disabled, exempt in COM_DLL_EXCEPT, or already doing it', () => {
    expect(linkLossBehaviour(2, 0, 'mission')).toBe('rtl');
    expect(linkLossBehaviour(1, 0, 'mission')).toBe('hold');
    expect(linkLossBehaviour(3, 0, 'hold')).toBe('land');
    expect(linkLossBehaviour(0, 0, 'mission')).toBeNull();
    expect(linkLossBehaviour(2, 1, 'mission')).toBeNull();
    expect(linkLossBehaviour(2, 1, 'hold')).toBe('rtl');
    expect(linkLossBehaviour(2, 2, 'hold')).toBeNull();
    expect(linkLossBehaviour(2, 0, 'rtl')).toBeNull();
    expect(linkLossBehaviour(2, 0, 'land')).toBeNull();
    // Terminate and disarm are not simulated: the vehicle flies on rather than pretending.
    expect(linkLossBehaviour(6, 0, 'mission')).toBeNull();
  });
});

const cleanup: (() => Promise<void>)[] = [];
afterEach(async () => {
  while (cleanup.length) await cleanup.pop()!();
});

/** PARAM_SET of a PX4 INT32 parameter (bytewise in the float field, as PX4 wants it). */
function setIntParam(gcs: TestGroundStation, id: string, value: number): void {
  const bytes = new DataView(new ArrayBuffer(4));
  bytes.setInt32(0, value, true);
  const m = new common.ParamSet();
  m.targetSystem = 1;
  m.targetComponent = 1;
  m.paramId = id;
  m.paramValue = bytes.getFloat32(0, true);
  m.paramType = 6 as common.MavParamType;
  gcs.send(m);
}

function gcsHeartbeat(): minimal.Heartbeat {
  const hb = new minimal.Heartbeat();
  hb.type = MAV_TYPE_GCS;
  hb.autopilot = 8 as minimal.MavAutopilot;
  hb.baseMode = 0 as minimal.MavModeFlag;
  hb.customMode = 0;
  hb.systemStatus = 4 as minimal.MavState;
  hb.mavlinkVersion = 3;
  return hb;
}

/**
 * A simulated PX4 over UDP with a test ground station, its link-loss timeout cut to 1 s so the
 * tests are short, hovering 20 m up. `beatMs` makes the ground station send HEARTBEATs.
 */
async function hovering(speedup: number, beatMs?: number) {
  const gcs = await TestGroundStation.open(0);
  const v = await startVehicle({ port: 0, bindHost: '127.0.0.1', gcsPort: gcs.port, settleS: 0, speedup });
  gcs.vehiclePort = v.port!;
  cleanup.push(
    () => gcs.close(),
    () => v.close(),
  );
  const beat = beatMs === undefined ? undefined : setInterval(() => gcs.send(gcsHeartbeat()), beatMs);
  cleanup.push(async () => clearInterval(beat));
  const since = performance.now();
  setIntParam(gcs, 'COM_DL_LOSS_T', 1);
  await gcs.waitFor(common.ParamValue, (p) => p.paramId === 'COM_DL_LOSS_T', 2000, since);
  // The SIH default is 0 (disabled); these tests fly with the return-to-launch action.
  setIntParam(gcs, 'NAV_DLL_ACT', 2);
  await gcs.waitFor(common.ParamValue, (p) => p.paramId === 'NAV_DLL_ACT', 2000, since);
  expect(await command(gcs, 400, [1])).toBe(0);
  const alt = v.homePosition.altM + 20;
  expect(await command(gcs, 22, [0, 0, 0, Number.NaN, Number.NaN, Number.NaN, alt])).toBe(0);
  await until(() => v.mode.name === 'AUTO.LOITER' && v.position.altRelM > 15, 8000, 'hovering at altitude');
  return { gcs, v, stopBeating: () => clearInterval(beat) };
}

describe('a simulated PX4 whose ground station goes silent in flight (UDP)', () => {
  it('returns to launch COM_DL_LOSS_T real seconds after the last ground-station heartbeat, and says so', async () => {
    const { gcs, v, stopBeating } = await hovering(20, 200);
    // Heard all along: twice the timeout passes without a failsafe.
    await sleep(2000);
    expect(v.mode.name).toBe('AUTO.LOITER');

    stopBeating();
    const silentAt = performance.now();
    const lost = await gcs.waitFor(common.StatusText, (s) => /ground station lost/i.test(s.text), 3000);
    expect(lost.severity).toBeLessThanOrEqual(2);
    await until(() => v.mode.name === 'AUTO.RTL', 2000, 'AUTO.RTL after the link loss');
    // The last beat went out up to 200 ms before the silence began.
    expect(performance.now() - silentAt).toBeGreaterThanOrEqual(750);
    await gcs.waitFor(common.StatusText, (s) => /failsafe activated/i.test(s.text), 2000, 0);

    // Heard again: PX4 stays in Return mode.
    gcs.send(gcsHeartbeat());
    await gcs.waitFor(common.StatusText, (s) => /ground station regained/i.test(s.text), 2000);
    expect(v.mode.name).toBe('AUTO.RTL');
    await until(() => v.landed && !v.armed, 15_000, 'landed at home after the failsafe');
  });

  it('flies on when no ground station was ever heard (commands alone are not a link)', async () => {
    const { v } = await hovering(40);
    await sleep(2500);
    expect(v.mode.name).toBe('AUTO.LOITER');
  });
});
