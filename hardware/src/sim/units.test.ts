import { itemAt, MavCmd, MavFrame } from '@aerie/missions';
import { describe, expect, it } from 'vitest';
import { behaviourForSetMode, customModeFor, modeName } from './flavour.ts';
import { planChecksum, type StoredItem, validateItem } from './mission-store.ts';
import { decodeParamValue, encodeParamValue, ParamTable, ParamType } from './params.ts';
import { SimTimers } from './ticker.ts';

function item(over: Partial<StoredItem> = {}): StoredItem {
  return {
    ...itemAt(MavFrame.GlobalRelativeAltInt, MavCmd.NavWaypoint, { lat: 23.03, lon: 113.14 }, 30),
    ...over,
  };
}

describe('flight modes per flavour', () => {
  it('PX4 puts the main mode in bits 16-23 and the AUTO sub mode in 24-31', () => {
    expect(customModeFor('px4', 'hold')).toBe(0x03040000);
    expect(customModeFor('px4', 'mission')).toBe(0x04040000);
    expect(customModeFor('px4', 'rtl')).toBe(0x05040000);
    expect(customModeFor('px4', 'land')).toBe(0x06040000);
    expect(customModeFor('px4', 'takeoff')).toBe(0x02040000);
    expect(behaviourForSetMode('px4', 4, 4)).toEqual({ behaviour: 'mission', customMode: 0x04040000 });
    expect(behaviourForSetMode('px4', 3, 0)?.behaviour).toBe('manual');
    expect(behaviourForSetMode('px4', 4, 42)).toBeUndefined();
    expect(modeName('px4', 0x05040000)).toBe('AUTO.RTL');
    expect(modeName('px4', 0x00030000)).toBe('POSCTL');
  });

  it('ArduCopter uses plain numbers', () => {
    expect(customModeFor('ardupilot', 'mission')).toBe(3);
    expect(customModeFor('ardupilot', 'guided')).toBe(4);
    expect(customModeFor('ardupilot', 'hold')).toBe(5);
    expect(customModeFor('ardupilot', 'rtl')).toBe(6);
    expect(customModeFor('ardupilot', 'land')).toBe(9);
    expect(behaviourForSetMode('ardupilot', 0, 0)?.behaviour).toBe('manual');
    expect(behaviourForSetMode('ardupilot', 8, 0)).toBeUndefined();
    expect(modeName('ardupilot', 4)).toBe('GUIDED');
  });
});

describe('parameter encoding', () => {
  it('PX4 integers travel bytewise in the float, floats as they are', () => {
    const t = new ParamTable('px4', 7);
    const def = t.list[t.indexOf('MAV_SYS_ID')]!;
    const wire = encodeParamValue('px4', def);
    const bytes = Buffer.alloc(4);
    bytes.writeFloatLE(wire, 0);
    expect(bytes.readInt32LE(0)).toBe(7);
    expect(decodeParamValue('px4', ParamType.Int32, wire)).toBe(7);
    expect(decodeParamValue('px4', ParamType.Float, 5.5)).toBe(5.5);
  });

  it('ArduPilot casts', () => {
    const t = new ParamTable('ardupilot', 2);
    const def = t.list[t.indexOf('SYSID_THISMAV')]!;
    expect(encodeParamValue('ardupilot', def)).toBe(2);
    expect(decodeParamValue('ardupilot', ParamType.Int8, 3.0)).toBe(3);
  });

  it('tables are sorted by id and settable by id', () => {
    const t = new ParamTable('px4', 1);
    const ids = t.list.map((p) => p.id);
    expect(ids).toEqual([...ids].sort());
    expect(t.set('MPC_XY_CRUISE', 7)?.value).toBe(7);
    expect(t.set('NO_SUCH_PARAM', 1)).toBeUndefined();
  });
});

describe('mission item checks', () => {
  it('names unsupported commands and frames as PX4 does', () => {
    expect(validateItem('px4', 0, item())).toBe(0);
    expect(validateItem('px4', 0, item({ command: 31999 }))).toBe(3);
    expect(validateItem('px4', 0, item({ frame: 1 }))).toBe(2);
    expect(validateItem('px4', 0, item({ frame: 11 }))).toBe(2);
    expect(validateItem('ardupilot', 0, item({ frame: 11 }))).toBe(0);
    expect(validateItem('px4', 0, item({ command: 16, frame: 2 }))).toBe(2);
    expect(validateItem('px4', 0, item({ command: 20, frame: 2 }))).toBe(0);
    expect(validateItem('px4', 1, item({ command: 16 }))).toBe(3);
    expect(validateItem('px4', 1, item({ command: 5001 }))).toBe(0);
    expect(validateItem('px4', 2, item({ command: 5100 }))).toBe(0);
  });

  it('the plan checksum is 0 when empty and changes with any field', () => {
    expect(planChecksum([])).toBe(0);
    const a = planChecksum([item(), item({ z: 40 })]);
    expect(a).not.toBe(0);
    expect(planChecksum([item(), item({ z: 40 })])).toBe(a);
    expect(planChecksum([item(), item({ z: 41 })])).not.toBe(a);
    expect(planChecksum([item(), item({ z: 40, param1: 1 })])).not.toBe(a);
  });
});

describe('simulated-time timers', () => {
  it('fire in due order once the clock reaches them, and can be cancelled', () => {
    const timers = new SimTimers();
    const fired: string[] = [];
    timers.after(0, 300, () => fired.push('b'));
    timers.after(0, 100, () => fired.push('a'));
    const c = timers.after(0, 200, () => fired.push('c'));
    timers.cancel(c);
    timers.run(50);
    expect(fired).toEqual([]);
    timers.run(1000);
    expect(fired).toEqual(['a', 'b']);
  });
});
