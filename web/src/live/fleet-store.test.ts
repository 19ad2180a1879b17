import type { ConsoleFleetItem, ConsoleVehicleAlert } from '@aerie/contracts';
import { describe, expect, it } from 'vitest';
import { drawHeightM, FleetStore, MAX_ALERTS, Trail } from './fleet-store.ts';

const item = (vehicleId: string, updatedAtMs: number, state: Record<string, unknown>, online = true) =>
  ({ vehicleId, online, updatedAtMs, state }) as unknown as ConsoleFleetItem;

describe('FleetStore', () => {
  it('tells listeners which vehicles changed, and names them from the register', () => {
    const s = new FleetStore();
    const seen: string[][] = [];
    s.subscribe((ids) => seen.push([...ids]));
    s.applyFleet(
      [item('v1', 1, { lat: 23, lon: 113, altRelM: 0 }), item('v2', 1, { lat: 23.1, lon: 113 })],
      10,
    );
    expect(seen).toEqual([['v1', 'v2']]);
    expect(s.takeUnknown().sort()).toEqual(['v1', 'v2']);
    s.setDirectory([{ id: 'v1', name: 'Nest-1 drone', online: true, state: null }], 11);
    expect(s.vehicles.get('v1')?.name).toBe('Nest-1 drone');
    expect(s.takeUnknown()).toEqual([]);
  });

  it('never lets an older fleet batch overwrite a newer focused state, and keeps focused fields', () => {
    const s = new FleetStore();
    s.applyVehicle(
      { vehicleId: 'v', online: true, updatedAtMs: 200, state: { altRelM: 30, satellites: 12 } as never },
      0,
    );
    s.applyFleet([item('v', 150, { altRelM: 10 })], 0);
    expect(s.vehicles.get('v')?.state?.altRelM).toBe(30);
    s.applyFleet([item('v', 250, { altRelM: 31 })], 0);
    expect(s.vehicles.get('v')?.state).toMatchObject({ altRelM: 31, satellites: 12 });
  });

  it('records when the link was lost and clears it when it comes back', () => {
    const s = new FleetStore();
    s.applyFleet([item('v', 1, { lat: 1, lon: 1 })], 0);
    s.setOnline('v', false, 5000);
    expect(s.vehicles.get('v')).toMatchObject({ online: false, offlineSinceMs: 5000 });
    s.applyFleet([item('v', 6000, { lat: 1, lon: 1 })], 6001);
    expect(s.vehicles.get('v')).toMatchObject({ online: true, offlineSinceMs: null });
  });

  it('de-duplicates alerts by id, newest first, bounded', () => {
    const s = new FleetStore();
    const a = (id: number): ConsoleVehicleAlert => ({
      id: `a${id}`,
      vehicleId: 'v',
      atMs: id,
      kind: 'battery_low',
      level: 'warning',
      text: null,
    });
    s.addAlerts([a(1), a(2)]);
    s.addAlerts([a(2), a(3)]);
    expect(s.alerts.map((x) => x.id)).toEqual(['a3', 'a2', 'a1']);
    s.addAlerts(Array.from({ length: MAX_ALERTS + 10 }, (_, i) => a(100 + i)));
    expect(s.alerts).toHaveLength(MAX_ALERTS);
    expect(s.alerts[0]?.id).toBe(`a${100 + MAX_ALERTS + 9}`);
  });

  it('keeps a trail of moves, skipping hover jitter', () => {
    const s = new FleetStore();
    for (let i = 0; i < 5; i++)
      s.applyFleet([item('v', i, { lat: 23, lon: 113 + i * 1e-4, altRelM: 20 })], 0);
    s.applyFleet([item('v', 10, { lat: 23, lon: 113 + 4e-4 + 1e-6, altRelM: 20 })], 0);
    expect(s.vehicles.get('v')?.trail.count).toBe(5);
  });
});

describe('Trail', () => {
  it('is a ring that keeps the newest points in order', () => {
    const t = new Trail(3);
    for (let i = 0; i < 5; i++) t.push(i * 0.001, 0, 0);
    const p = { lon: 0, lat: 0, heightM: 0 };
    const lons = [0, 1, 2].map((i) => {
      t.at(i, p);
      return Math.round(p.lon * 1000);
    });
    expect(lons).toEqual([2, 3, 4]);
  });

  it('draws negative or missing altitude on the ground', () => {
    expect(drawHeightM({ altRelM: -3 })).toBe(0);
    expect(drawHeightM(null)).toBe(0);
    expect(drawHeightM({ altRelM: 42.5 })).toBe(42.5);
  });
});
