import { describe, expect, it } from 'vitest';
import { dockSysidFor } from './dock.ts';

describe('simulated dock system ids', () => {
  it('are the aircraft id + 100 in fleets of up to 100 aircraft', () => {
    expect(dockSysidFor(1, 8)).toBe(101);
    expect(dockSysidFor(100, 100)).toBe(200);
  });

  it('never take an aircraft id in a larger fleet, and run out at 254', () => {
    const fleet = 200;
    const ids = Array.from({ length: fleet }, (_, i) => dockSysidFor(i + 1, fleet));
    const docked = ids.filter((id): id is number => id !== null);
    expect(docked.length).toBe(54);
    for (const id of docked) {
      expect(id).toBeGreaterThan(fleet);
      expect(id).toBeLessThanOrEqual(254);
    }
    expect(new Set(docked).size).toBe(docked.length);
    expect(dockSysidFor(55, fleet)).toBeNull();
  });
});
