import { DEFAULT_ROUTE_DEFAULTS } from '@aerie/missions';
import { describe, expect, it } from 'vitest';
import { routeFile } from './route-files.ts';

describe('export of a route with a capture setting', () => {
  const route = {
    name: 'patrol',
    defaults: DEFAULT_ROUTE_DEFAULTS,
    items: [
      { type: 'takeoff' as const, altM: 30 },
      { type: 'waypoint' as const, lat: 30.251, lon: 120.151, altM: 30 },
      { type: 'rtl' as const },
    ],
    capture: { distanceM: 40 },
  };

  it('a .plan carries it as camera items: start after take-off, stop before the return', () => {
    const f = routeFile(route, 'plan');
    expect(f.name).toBe('patrol.plan');
    const commands = (
      JSON.parse(f.text) as { mission: { items: { command: number; params: (number | null)[] }[] } }
    ).mission.items.map((i) => [i.command, i.params[0]]);
    // 22 take-off, 206 DO_SET_CAM_TRIGG_DIST 40, 16 waypoint, 206 with 0 (stop), 20 return.
    expect(commands).toEqual([
      [22, expect.anything()],
      [206, 40],
      [16, expect.anything()],
      [206, 0],
      [20, expect.anything()],
    ]);
  });
});
