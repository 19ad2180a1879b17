import { describe, expect, it } from 'vitest';
import { ardupilotFlavour, flavourFor, genericFlavour, px4Flavour } from './flavour.ts';

describe('PX4 flavour', () => {
  it('decodes the custom modes seen on the wire from PX4 SITL', () => {
    // FIELD-NOTES: AUTO.LOITER 0x03040000, AUTO.MISSION 0x04040000, AUTO.RTL 0x05040000.
    expect(px4Flavour.decodeMode(0x9d, 0x03040000)).toEqual({ name: 'AUTO.LOITER', kind: 'hold' });
    expect(px4Flavour.decodeMode(0x9d, 0x04040000)).toEqual({ name: 'AUTO.MISSION', kind: 'mission' });
    expect(px4Flavour.decodeMode(0x9d, 0x05040000)).toEqual({ name: 'AUTO.RTL', kind: 'return' });
    expect(px4Flavour.decodeMode(0x1d, 0x00030000)).toEqual({ name: 'POSCTL', kind: 'assisted' });
  });

  it('encodes DO_SET_MODE with main mode in param2 and sub mode in param3', () => {
    expect(px4Flavour.encodeMode('auto.rtl')).toEqual({ baseMode: 1, customMode: 4, customSubMode: 5 });
    expect(px4Flavour.encodeMode('OFFBOARD')).toEqual({ baseMode: 1, customMode: 6, customSubMode: 0 });
  });

  it('refuses modes the vehicle enters only by itself, and unknown names', () => {
    expect(px4Flavour.encodeMode('AUTO.READY')).toBeNull();
    expect(px4Flavour.encodeMode('GUIDED')).toBeNull();
  });

  it('names an unknown custom mode instead of guessing', () => {
    expect(px4Flavour.decodeMode(0, 0x0b040000).name).toBe('UNKNOWN(0xb040000)');
  });
});

describe('ArduPilot Copter flavour', () => {
  it('uses plain mode numbers', () => {
    expect(ardupilotFlavour.decodeMode(0x59, 3)).toEqual({ name: 'AUTO', kind: 'mission' });
    expect(ardupilotFlavour.decodeMode(0x59, 9)).toEqual({ name: 'LAND', kind: 'land' });
    expect(ardupilotFlavour.encodeMode('guided')).toEqual({ baseMode: 1, customMode: 4, customSubMode: 0 });
    expect(ardupilotFlavour.missionHasHomeItem).toBe(true);
  });
});

describe('flavourFor', () => {
  it('picks the flavour from HEARTBEAT.autopilot', () => {
    expect(flavourFor(12)).toBe(px4Flavour);
    expect(flavourFor(3)).toBe(ardupilotFlavour);
    expect(flavourFor(0)).toBe(genericFlavour);
    expect(genericFlavour.encodeMode('AUTO')).toBeNull();
  });
});
