import { common, minimal, standard } from 'node-mavlink';
import { describe, expect, it } from 'vitest';
import { decodeParamValue } from './params.ts';
import { command, readParam, sleep, until } from './testing/ground-station.ts';
import { vehicleWithGcs } from './testing/vehicle-gcs.ts';

const ARM = 400;
const TAKEOFF = 22;

describe('arming', () => {
  it('refuses with TEMPORARILY_REJECTED while estimators settle, then arms and sets home', async () => {
    const { gcs, v } = await vehicleWithGcs({ speedup: 20, settleS: 10 });
    expect(await command(gcs, ARM, [1])).toBe(1);
    expect(v.armed).toBe(false);
    await until(() => v.simTimeS > 10.5, 3000, 'settle time');
    expect(await command(gcs, ARM, [1])).toBe(0);
    expect(v.armed).toBe(true);
    const hb = await gcs.next(minimal.Heartbeat, (h) => (h.baseMode & 0x80) !== 0);
    expect(hb.customMode).toBe(0x03040000);
  });

  it('auto-disarms when armed on the ground without taking off (COM_DISARM_PRFLT)', async () => {
    const { gcs, v } = await vehicleWithGcs({ speedup: 50, settleS: 0, preflightDisarmS: 5 });
    expect(await command(gcs, ARM, [1])).toBe(0);
    await until(() => !v.armed, 3000, 'preflight auto-disarm');
    expect(v.simTimeS).toBeGreaterThan(4.5);
  });
});

describe('take-off and flight commands (PX4)', () => {
  it('NAV_TAKEOFF climbs in AUTO.TAKEOFF to param7 (AMSL) and holds in AUTO.LOITER', async () => {
    const { gcs, v } = await vehicleWithGcs({ speedup: 50, settleS: 0 });
    expect(await command(gcs, ARM, [1])).toBe(0);
    const homeAlt = v.homePosition.altM;
    expect(await command(gcs, TAKEOFF, [0, 0, 0, Number.NaN, Number.NaN, Number.NaN, homeAlt + 30])).toBe(0);
    expect(v.mode.name).toBe('AUTO.TAKEOFF');
    const takingOff = await gcs.next(common.ExtendedSysState, (s) => s.landedState === 3);
    expect(takingOff.landedState).toBe(3);
    await until(() => v.mode.name === 'AUTO.LOITER', 5000, 'AUTO.LOITER at altitude');
    expect(v.position.altRelM).toBeGreaterThan(29);
    expect(v.position.altRelM).toBeLessThan(31);
    const pos = await gcs.next(common.GlobalPositionInt);
    expect(pos.relativeAlt / 1000).toBeGreaterThan(29);
    const ess = await gcs.next(common.ExtendedSysState);
    expect(ess.landedState).toBe(2);
    // Disarming in the air is refused without force.
    expect(await command(gcs, ARM, [0])).toBe(2);
    expect(v.armed).toBe(true);

    // Go-to, then land and auto-disarm.
    const [lat, lon] = [v.position.lat + 0.0005, v.position.lon];
    expect(await command(gcs, 192, [-1, 1, 0, Number.NaN, lat, lon, homeAlt + 20])).toBe(0);
    await until(
      () => Math.abs(v.position.lat - lat) < 2e-6 && Math.abs(v.position.altRelM - 20) < 0.5,
      8000,
      'reposition',
    );
    expect(await command(gcs, 21)).toBe(0);
    expect(v.mode.name).toBe('AUTO.LAND');
    await gcs.next(common.ExtendedSysState, (s) => s.landedState === 4, 5000);
    await until(() => v.landed && !v.armed, 8000, 'landed and disarmed');
  });

  it('DO_SET_MODE sets PX4 main/sub modes; MISSION_START without a mission is DENIED; unknown is UNSUPPORTED', async () => {
    const { gcs, v } = await vehicleWithGcs({ speedup: 10 });
    expect(await command(gcs, 176, [1, 3, 0])).toBe(0);
    expect(v.mode.customMode).toBe(0x00030000);
    expect(v.mode.name).toBe('POSCTL');
    expect(await command(gcs, 176, [1, 4, 5])).toBe(0);
    expect(v.mode.customMode).toBe(0x05040000);
    expect(await command(gcs, 176, [1, 4, 99])).toBe(3);
    expect(await command(gcs, 300)).toBe(2);
    expect(await command(gcs, 31337)).toBe(3);
  });

  it('answers the legacy SET_MODE message like DO_SET_MODE', async () => {
    const { gcs, v } = await vehicleWithGcs({ speedup: 10 });
    const m = new common.SetMode();
    m.targetSystem = 1;
    m.baseMode = 1 as common.SetMode['baseMode'];
    m.customMode = 0x06040000; // AUTO.LAND
    const t0 = performance.now();
    gcs.send(m);
    expect((await gcs.waitFor(common.CommandAck, (a) => a.command === 176, 2000, t0)).result).toBe(0);
    expect(v.mode.name).toBe('AUTO.LAND');
  });

  it('sends the ACK twice when asked to, as PX4 sometimes does', async () => {
    const { gcs } = await vehicleWithGcs({ speedup: 10, duplicateAckChance: 1 });
    const t0 = performance.now();
    expect(await command(gcs, 31337)).toBe(3);
    await sleep(100);
    expect(gcs.received.filter((r) => r.message instanceof common.CommandAck && r.at >= t0).length).toBe(2);
  });
});

describe('ArduPilot commands', () => {
  it('takes off only in GUIDED, to param7 metres above home, and stays GUIDED', async () => {
    const { gcs, v } = await vehicleWithGcs({ speedup: 50, settleS: 0, flavour: 'ardupilot' });
    expect(await command(gcs, ARM, [1])).toBe(0);
    expect(await command(gcs, TAKEOFF, [0, 0, 0, 0, 0, 0, 15])).toBe(4);
    expect(await command(gcs, 176, [1, 4])).toBe(0);
    expect(v.mode.name).toBe('GUIDED');
    expect(await command(gcs, TAKEOFF, [0, 0, 0, 0, 0, 0, 15])).toBe(0);
    await until(() => v.position.altRelM > 14.5, 5000, 'climb to 15 m');
    expect(v.mode.customMode).toBe(4);
    expect(await command(gcs, 176, [1, 6])).toBe(0);
    expect(v.mode.name).toBe('RTL');
    await until(() => !v.armed, 10_000, 'RTL, land and disarm');
  });
});

describe('ArduPilot GUIDED position targets', () => {
  it('flies to SET_POSITION_TARGET_GLOBAL_INT in GUIDED', async () => {
    const { gcs, v } = await vehicleWithGcs({ speedup: 50, settleS: 0, flavour: 'ardupilot' });
    expect(await command(gcs, 176, [1, 4])).toBe(0);
    expect(await command(gcs, ARM, [1])).toBe(0);
    expect(await command(gcs, TAKEOFF, [0, 0, 0, 0, 0, 0, 10])).toBe(0);
    await until(() => v.position.altRelM > 9.5, 5000, 'climb to 10 m');
    const target = new common.SetPositionTargetGlobalInt();
    target.targetSystem = 1;
    target.targetComponent = 1;
    target.coordinateFrame = 6;
    target.typeMask = 0b110111111000 as common.SetPositionTargetGlobalInt['typeMask']; // position only
    target.latInt = Math.round((v.position.lat + 0.0004) * 1e7);
    target.lonInt = Math.round(v.position.lon * 1e7);
    target.alt = 20;
    gcs.send(target);
    await until(
      () => Math.abs(v.position.lat * 1e7 - target.latInt) < 20 && Math.abs(v.position.altRelM - 20) < 0.5,
      8000,
      'position target reached',
    );
    expect(v.mode.name).toBe('GUIDED');
  });
});

describe('messages on request and stream rates', () => {
  it('REQUEST_MESSAGE and REQUEST_AUTOPILOT_CAPABILITIES send AUTOPILOT_VERSION (from the standard registry)', async () => {
    const { gcs } = await vehicleWithGcs({ speedup: 5 });
    const t0 = performance.now();
    expect(await command(gcs, 512, [148])).toBe(0);
    const av = await gcs.waitFor(standard.AutopilotVersion, () => true, 2000, t0);
    expect(av.flightSwVersion).toBe(0);
    expect(Number(av.capabilities) & 4).toBe(4); // MISSION_INT
    expect(await command(gcs, 512, [242])).toBe(0);
    const home = await gcs.waitFor(common.HomePosition, () => true, 2000, t0);
    expect(home.latitude).toBe(230300000);
    expect(await command(gcs, 520, [1])).toBe(0);
    expect(await command(gcs, 512, [9999])).toBe(2);
  });

  it('SET_MESSAGE_INTERVAL changes, disables and restores a stream; MISSION_CURRENT answers FAILED', async () => {
    const speedup = 10;
    const { gcs } = await vehicleWithGcs({ speedup });
    await gcs.waitFor(common.GpsRawInt);
    // GPS_RAW_INT at 5 Hz simulated: ~50 per real second here.
    const w0 = performance.now();
    await sleep(600);
    const defaultCount = gcs.count(common.GpsRawInt, w0, w0 + 600);
    expect(defaultCount).toBeGreaterThan(15);

    expect(await command(gcs, 511, [24, 1_000_000])).toBe(0);
    const w1 = performance.now() + 50;
    await sleep(650);
    const slowCount = gcs.count(common.GpsRawInt, w1, w1 + 600);
    expect(slowCount).toBeLessThan(defaultCount / 2);
    expect(slowCount).toBeGreaterThan(0);

    expect(await command(gcs, 511, [24, -1])).toBe(0);
    const w2 = performance.now() + 50;
    await sleep(400);
    expect(gcs.count(common.GpsRawInt, w2)).toBe(0);

    expect(await command(gcs, 511, [24, 0])).toBe(0);
    await gcs.next(common.GpsRawInt, () => true, 2000);

    expect(await command(gcs, 511, [42, 1_000_000])).toBe(4);
  });

  it('streams can be configured at start (rates option)', async () => {
    const { gcs } = await vehicleWithGcs({ speedup: 10, rates: { attitude: 0, vfrHud: 0 } });
    await gcs.waitFor(common.GlobalPositionInt);
    await sleep(300);
    expect(gcs.count(common.Attitude, 0)).toBe(0);
    expect(gcs.count(common.VfrHud, 0)).toBe(0);
    expect(gcs.count(common.GlobalPositionInt, 0)).toBeGreaterThan(5);
  });
});

describe('parameters', () => {
  it('PX4: lists all, encodes integers bytewise, PARAM_SET echoes and takes effect', async () => {
    const { gcs } = await vehicleWithGcs({ speedup: 5, sysid: 3 });
    const t0 = performance.now();
    const list = new common.ParamRequestList();
    list.targetSystem = 3;
    list.targetComponent = 1;
    gcs.send(list);
    const first = await gcs.waitFor(common.ParamValue, () => true, 2000, t0);
    await until(() => gcs.count(common.ParamValue, t0) >= first.paramCount, 2000, 'all params');
    const values = gcs.received
      .filter((r) => r.at >= t0 && r.message instanceof common.ParamValue)
      .map((r) => r.message as common.ParamValue);
    expect(new Set(values.map((p) => p.paramIndex)).size).toBe(first.paramCount);
    const sysid = values.find((p) => p.paramId === 'MAV_SYS_ID')!;
    expect(sysid.paramType).toBe(6);
    expect(decodeParamValue('px4', 6, sysid.paramValue)).toBe(3);
    expect(sysid.paramValue).not.toBe(3);

    const set = new common.ParamSet();
    set.targetSystem = 3;
    set.targetComponent = 1;
    set.paramId = 'MPC_XY_CRUISE';
    set.paramValue = 8;
    set.paramType = 9;
    const t1 = performance.now();
    gcs.send(set);
    const echo = await gcs.waitFor(common.ParamValue, (p) => p.paramId === 'MPC_XY_CRUISE', 2000, t1);
    expect(echo.paramValue).toBe(8);

    expect((await readParam(gcs, 'RTL_RETURN_ALT', -1, 3)).paramValue).toBe(60);
    expect((await readParam(gcs, '', 0, 3)).paramId).toBe(values.find((p) => p.paramIndex === 0)!.paramId);
  });

  it('ArduPilot: integer parameters are plain numbers in the float', async () => {
    const { gcs } = await vehicleWithGcs({ speedup: 5, flavour: 'ardupilot' });
    const p = await readParam(gcs, 'RTL_ALT');
    expect(p.paramValue).toBe(1500);
    expect(p.paramType).toBe(6);
  });
});
