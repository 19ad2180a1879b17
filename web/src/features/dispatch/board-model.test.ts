import { describe, expect, it } from 'vitest';
import {
  applyProgress,
  type BoardSortie,
  columnOf,
  type DockLiveStatus,
  dockReadiness,
  type SortieProgressEvent,
  todays,
} from './board-model.ts';

const base: BoardSortie = {
  id: 's1',
  vehicleId: 'v1',
  dockId: 'd1',
  routeId: 'r1',
  scheduleId: null,
  sortieClass: 'scheduled',
  phase: 'queued',
  status: 'planned',
  failureCode: null,
  failureMessage: null,
  failureParams: null,
  message: null,
  atMs: Date.UTC(2026, 10, 23, 2),
};

const progress = (p: Partial<SortieProgressEvent>): SortieProgressEvent => ({
  sortieId: 's1',
  vehicleId: 'v1',
  dockId: 'd1',
  routeId: 'r1',
  scheduleId: null,
  sortieClass: 'scheduled',
  phase: 'in_progress',
  message: 'flying',
  failure: null,
  atMs: Date.UTC(2026, 10, 23, 3),
  ...p,
});

describe('dispatch board model', () => {
  it('puts every orchestrator phase in a column', () => {
    expect(columnOf('queued')).toBe('planned');
    expect(columnOf('uploading')).toBe('planned');
    expect(columnOf('in_progress')).toBe('flying');
    expect(columnOf('returning')).toBe('flying');
    expect(columnOf('charging')).toBe('done');
    expect(columnOf('closed')).toBe('done');
    expect(columnOf('failed')).toBe('failed');
    expect(columnOf('aborted')).toBe('failed');
    expect(columnOf(null, 'running')).toBe('flying');
    expect(columnOf(null, 'completed')).toBe('done');
  });

  it('moves a sortie along with its progress and keeps the failure reason', () => {
    let list = applyProgress([base], progress({ phase: 'in_progress' }));
    expect(list).toHaveLength(1);
    expect(list[0]?.phase).toBe('in_progress');
    list = applyProgress(
      list,
      progress({
        phase: 'failed',
        failure: { code: 'LinkLost', message: 'link lost for 10 s', params: { seconds: 10 } },
      }),
    );
    expect(list[0]).toMatchObject({
      phase: 'failed',
      failureCode: 'LinkLost',
      failureMessage: 'link lost for 10 s',
      failureParams: { seconds: 10 },
    });
    expect(columnOf(list[0]?.phase)).toBe('failed');
  });

  it('adds a sortie first heard on the socket', () => {
    const list = applyProgress(
      [base],
      progress({ sortieId: 's2', phase: 'queued', sortieClass: 'emergency' }),
    );
    expect(list.map((s) => s.id)).toEqual(['s2', 's1']);
  });

  it("today's board keeps yesterday's sortie only while it is still under way", () => {
    const now = new Date(2026, 10, 23, 12).getTime();
    const yesterday = new Date(2026, 10, 22, 12).getTime();
    const list: BoardSortie[] = [
      { ...base, id: 'old-done', phase: 'closed', atMs: yesterday },
      { ...base, id: 'old-flying', phase: 'in_progress', atMs: yesterday },
      { ...base, id: 'today', phase: 'closed', atMs: now - 1000 },
    ];
    expect(todays(list, now).map((s) => s.id)).toEqual(['today', 'old-flying']);
  });

  it('tells docks that are ready, charging, faulty or grounded by weather', () => {
    const s: DockLiveStatus = {
      state: 'idle',
      lid: 'closed',
      charger: 'full',
      aircraftParked: true,
      aircraftBatteryPct: 96,
      windSpeedMps: 3,
      windGustMps: 5,
      rainMmPerH: 0,
      temperatureC: 20,
      faults: [],
    };
    expect(dockReadiness(false, s)).toBe('offline');
    expect(dockReadiness(true, null)).toBe('unknown');
    expect(dockReadiness(true, s)).toBe('ready');
    expect(dockReadiness(true, { ...s, state: 'charging' })).toBe('charging');
    expect(dockReadiness(true, { ...s, state: 'aircraft_out' })).toBe('busy');
    expect(dockReadiness(true, { ...s, lid: 'jammed' })).toBe('fault');
    expect(dockReadiness(true, { ...s, rainMmPerH: 8 })).toBe('grounded');
  });
});
