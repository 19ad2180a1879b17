import { describe, expect, it } from 'vitest';
import type { FleetVehicleSnapshot } from '../../live/fleet-model.ts';
import { agoParts, linkQualityPct, listFleet, num } from './fleet-list.ts';

const v = (name: string, online: boolean, state: Record<string, unknown> | null): FleetVehicleSnapshot => ({
  vehicleId: `id-${name}`,
  name,
  online,
  state,
  updatedAtMs: 1,
  offlineSinceMs: online ? null : 1,
  full: false,
  departmentId: null,
  dockId: null,
});

const fleet = [
  v('UAV-10', true, { mode: 'MISSION', armed: true, landed: false, batteryPct: 80 }),
  v('UAV-2', true, { mode: 'HOLD', armed: false, landed: true, batteryPct: 25 }),
  v('UAV-1', false, { mode: 'RTL', batteryPct: 60 }),
  v('UAV-3', true, { mode: 'HOLD', armed: false, landed: true, batteryPct: 95, systemStatus: 5 }),
];

describe('fleet list', () => {
  it('sorts names naturally (UAV-2 before UAV-10)', () => {
    expect(listFleet(fleet, { text: '', filter: 'all', sort: 'name' }).map((x) => x.name)).toEqual([
      'UAV-1',
      'UAV-2',
      'UAV-3',
      'UAV-10',
    ]);
  });

  it('puts offline, failing and low-battery vehicles first when sorted by status', () => {
    expect(listFleet(fleet, { text: '', filter: 'all', sort: 'status' }).map((x) => x.name)).toEqual([
      'UAV-1',
      'UAV-3',
      'UAV-2',
      'UAV-10',
    ]);
  });

  it('sorts by battery, lowest first', () => {
    expect(listFleet(fleet, { text: '', filter: 'all', sort: 'battery' }).map((x) => x.name)).toEqual([
      'UAV-2',
      'UAV-1',
      'UAV-10',
      'UAV-3',
    ]);
  });

  it('filters by link, flight and text (name or mode)', () => {
    const names = (filter: 'online' | 'offline' | 'flying', text = '') =>
      listFleet(fleet, { text, filter, sort: 'name' }).map((x) => x.name);
    expect(names('offline')).toEqual(['UAV-1']);
    expect(names('flying')).toEqual(['UAV-10']);
    expect(names('online', 'hold')).toEqual(['UAV-2', 'UAV-3']);
    expect(listFleet(fleet, { text: 'uav-1', filter: 'all', sort: 'name' }).map((x) => x.name)).toEqual([
      'UAV-1',
      'UAV-10',
    ]);
  });

  it("finds a mode by its name in the user's words", () => {
    const modeText = (m: string) => ({ RTL: '自动返航', HOLD: '悬停等待' })[m] ?? m;
    expect(
      listFleet(fleet, { text: '返航', filter: 'all', sort: 'name', modeText }).map((x) => x.name),
    ).toEqual(['UAV-1']);
    expect(listFleet(fleet, { text: '返航', filter: 'all', sort: 'name' })).toEqual([]);
  });

  it('formats link quality, numbers and ages', () => {
    expect(linkQualityPct(v('a', true, { link: { id: 'l', lossPct: 3 } }))).toBe(97);
    expect(linkQualityPct(v('a', false, { link: { id: 'l', lossPct: 3 } }))).toBeNull();
    expect(num(12.345, 1)).toBe('12.3');
    expect(num(null)).toBe('—');
    expect(agoParts(0, 45_000)).toEqual({ n: 45, unit: 's' });
    expect(agoParts(0, 10 * 60_000)).toEqual({ n: 10, unit: 'min' });
    expect(agoParts(0, 5 * 3600_000)).toEqual({ n: 5, unit: 'h' });
  });
});
