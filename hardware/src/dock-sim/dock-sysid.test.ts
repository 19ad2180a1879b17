import { describe, expect, it } from 'vitest';
import { dockSysidFor } from './dock.ts';

describe('simulated dock system ids', () => {
  it('are the aircraft id + 100 in fleets of up to 100 aircraft', () => {
    expect(dockSysidFor(1, 8)).toBe(101);
    expect(dockSysidFor(100, 100)).toBe(200);
  });

  it("are the aircraft's own (the dock a component of its system) above 100, so all 250 have one", () => {
    const fleet = 250;
    const ids = Array.from({ length: fleet }, (_, i) => dockSysidFor(i + 1, fleet));
    expect(ids).toEqual(Array.from({ length: fleet }, (_, i) => i + 1));
    expect(dockSysidFor(101, 101)).toBe(101);
  });
});
