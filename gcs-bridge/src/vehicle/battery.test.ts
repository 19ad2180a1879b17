import { common } from 'node-mavlink';
import { describe, expect, it } from 'vitest';
import { packVoltageV, sysStatusVoltageV } from './battery.ts';
import { applyMessage, createVehicleState } from './state.ts';

const UNUSED = 65535;
const cells = (...mv: number[]) => [...mv, ...Array(10 - mv.length).fill(UNUSED)];

describe('pack voltage', () => {
  it('sums the valid cells of BATTERY_STATUS.voltages', () => {
    expect(packVoltageV(cells(3950, 3950, 3940, 3960))).toBeCloseTo(15.8, 6);
  });

  it('takes a whole-pack reading in cell 0, and the overflow in cell 1', () => {
    expect(packVoltageV(cells(15_800))).toBeCloseTo(15.8, 6);
    expect(packVoltageV(cells(65_534, 4_466))).toBeCloseTo(70, 6);
  });

  it('adds cells 11-14 from voltages_ext, where 0 means absent', () => {
    const twelve = Array(10).fill(4000);
    expect(packVoltageV(twelve, [4000, 4000, 0, 0])).toBeCloseTo(48, 6);
    expect(packVoltageV(twelve, [])).toBeCloseTo(40, 6);
  });

  it('is null when no cell is valid', () => {
    expect(packVoltageV(cells())).toBeNull();
    expect(packVoltageV(undefined)).toBeNull();
    expect(sysStatusVoltageV(UNUSED)).toBeNull();
    expect(sysStatusVoltageV(16_200)).toBeCloseTo(16.2, 6);
  });
});

describe('battery voltage in the vehicle state', () => {
  function sysStatus(mv: number) {
    const m = new common.SysStatus();
    Object.assign(m, { voltageBattery: mv, currentBattery: 500, batteryRemaining: 80 });
    return m;
  }
  function batteryStatus(voltages: number[], id = 0) {
    const m = new common.BatteryStatus();
    Object.assign(m, { id, voltages, voltagesExt: [0, 0, 0, 0], batteryRemaining: 79, currentBattery: 500 });
    return m;
  }

  it('shows the pack from either message and never one cell', () => {
    const s = createVehicleState(1, 1);
    applyMessage(s, 1, sysStatus(15_840), 0);
    expect(s.batteryV).toBeCloseTo(15.84, 6);
    applyMessage(s, 147, batteryStatus(cells(3960, 3960, 3960, 3960)), 500);
    expect(s.batteryV).toBeCloseTo(15.84, 6);
    // SYS_STATUS with a slightly different reading does not make the figure flip while
    // BATTERY_STATUS keeps coming (0.5 Hz on PX4).
    applyMessage(s, 1, sysStatus(15_900), 1000);
    applyMessage(s, 147, batteryStatus(cells(3950, 3950, 3950, 3950)), 2500);
    applyMessage(s, 1, sysStatus(15_900), 3000);
    expect(s.batteryV).toBeCloseTo(15.8, 6);
  });

  it('falls back to SYS_STATUS when BATTERY_STATUS stops, and ignores a second battery', () => {
    const s = createVehicleState(1, 1);
    applyMessage(s, 147, batteryStatus(cells(3950, 3950, 3950, 3950)), 0);
    applyMessage(s, 147, batteryStatus(cells(4100, 4100), 1), 100);
    expect(s.batteryV).toBeCloseTo(15.8, 6);
    applyMessage(s, 1, sysStatus(15_500), 20_000);
    expect(s.batteryV).toBeCloseTo(15.5, 6);
  });
});
