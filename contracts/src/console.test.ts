import { describe, expect, it } from 'vitest';
import { sampleVehicleState } from './channel-samples.ts';
import { type ConsoleFleetItem, decodeFleetRow, encodeFleetRow, FLEET_FIELDS } from './console.ts';

const ID = '3f2c9a4e-6b1d-4c2a-9e7f-0a1b2c3d4e5f';

describe('fleet rows on the wire', () => {
  it('carries every fleet field of a state, rounded to what a map shows', () => {
    const state = {
      ...sampleVehicleState({ sysid: 42 }),
      lat: 23.031234567891,
      lon: 113.141234567891,
      altRelM: 49.87654,
      headingDeg: 123.456,
      groundSpeedMps: 8.04,
      batteryPct: 87.25,
      armed: true,
      landed: false,
      link: { id: 'udp:0.0.0.0:14550', lossPct: 1.234 },
    };
    const item = decodeFleetRow(encodeFleetRow(ID, true, state, 1_765_000_000_123));
    expect(item).toEqual({
      vehicleId: ID,
      online: true,
      updatedAtMs: 1_765_000_000_123,
      state: {
        sysid: 42,
        lat: 23.0312346,
        lon: 113.1412346,
        altRelM: 49.9,
        headingDeg: 123.5,
        groundSpeedMps: 8,
        mode: state.mode,
        modeKind: state.modeKind,
        armed: true,
        landed: false,
        batteryPct: 87.3,
        gpsFixType: state.gpsFixType,
        systemStatus: state.systemStatus,
        link: { id: 'udp:0.0.0.0:14550', lossPct: 1.2 },
      },
    } satisfies ConsoleFleetItem);
    // Exactly the fleet fields come back, no more, no fewer.
    expect(Object.keys(item.state!).sort()).toEqual([...FLEET_FIELDS].sort());
  });

  it('keeps unknowns unknown: no position, no battery, landed state unknown, never reported', () => {
    const state = {
      ...sampleVehicleState(),
      lat: null,
      lon: null,
      altRelM: null,
      headingDeg: null,
      groundSpeedMps: null,
      batteryPct: null,
      landed: null,
    };
    const back = decodeFleetRow(encodeFleetRow(ID, false, state, 5)).state!;
    expect(back).toMatchObject({
      lat: null,
      lon: null,
      altRelM: null,
      headingDeg: null,
      groundSpeedMps: null,
      batteryPct: null,
      landed: null,
      armed: false,
    });
    expect(decodeFleetRow(encodeFleetRow(ID, false, null, null))).toEqual({
      vehicleId: ID,
      online: false,
      state: null,
      updatedAtMs: null,
    });
  });

  it('is about a third of the object form for a fleet of 500', () => {
    const rows = [];
    const objects = [];
    for (let i = 0; i < 500; i++) {
      const s = {
        ...sampleVehicleState({ sysid: (i % 250) + 1 }),
        lat: 23 + i * 1.234567e-5,
        lon: 113 + i * 2.345678e-5,
        altRelM: 50 + i / 7,
        headingDeg: (i * 7.3) % 360,
        groundSpeedMps: 8 + i / 13,
      };
      const id = `${ID.slice(0, -3)}${String(i).padStart(3, '0')}`;
      rows.push(encodeFleetRow(id, true, s, 1_765_000_000_000 + i));
      const summary = Object.fromEntries(FLEET_FIELDS.map((f) => [f, s[f]]));
      objects.push({ vehicleId: id, online: true, state: summary, updatedAtMs: 1_765_000_000_000 + i });
    }
    const ratio = JSON.stringify(rows).length / JSON.stringify(objects).length;
    expect(ratio).toBeLessThan(0.45);
  });
});
