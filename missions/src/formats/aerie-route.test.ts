import { describe, expect, it } from 'vitest';
import { parseAerieRoute, writeAerieRoute } from './aerie-route.ts';
import { parseRouteFile } from './parse.ts';

const base = {
  format: 'aerie.route',
  version: 1,
  name: 'river patrol',
  home: { lat: 30.2741, lon: 120.1551 },
  defaults: { altM: 35, speedMps: 7 },
  items: [
    { type: 'takeoff' },
    { type: 'waypoint', lat: 30.2755, lon: 120.1551 },
    { type: 'waypoint', lat: 30.2755, lon: 120.1567, altM: 50, holdS: 3 },
    { type: 'photo', distanceM: 20 },
    { type: 'rtl' },
  ],
};

function errorOf(json: unknown): string {
  const r = parseAerieRoute(json);
  if (r.ok) throw new Error('expected an error');
  return r.error.message;
}

describe('Aerie route JSON', () => {
  it('fills item altitudes from the defaults', () => {
    const r = parseAerieRoute(base);
    expect(r.ok).toBe(true);
    if (!r.ok) return;
    expect(r.route.items).toEqual([
      { type: 'takeoff', altM: 35 },
      { type: 'waypoint', lat: 30.2755, lon: 120.1551, altM: 35 },
      { type: 'waypoint', lat: 30.2755, lon: 120.1567, altM: 50, holdS: 3 },
      { type: 'photo', distanceM: 20 },
      { type: 'rtl' },
    ]);
    expect(r.route.defaults).toEqual({ altM: 35, speedMps: 7 });
  });

  it('uses 30 m and 8 m/s when the file has no defaults', () => {
    const { defaults: _d, ...rest } = base;
    const r = parseAerieRoute(rest);
    expect(r.ok && r.route.defaults).toEqual({ altM: 30, speedMps: 8 });
  });

  it('names the item index and field in errors', () => {
    const bad = structuredClone(base);
    (bad.items[2] as { lat: number }).lat = 123;
    expect(errorOf(bad)).toBe('items[2].lat: must be between -90 and 90, got 123');
    const badLon = structuredClone(base);
    (badLon.items[1] as { lon: unknown }).lon = 'east';
    expect(errorOf(badLon)).toBe('items[1].lon: must be a number, got "east"');
    const badType = structuredClone(base);
    (badType.items[3] as { type: string }).type = 'teleport';
    expect(errorOf(badType)).toMatch(/^items\[3\]\.type: type must be one of takeoff, waypoint/);
    expect(errorOf({ ...base, version: 2 })).toBe('version: must be 1 (the only version), got 2');
    const unknownField = structuredClone(base);
    (unknownField.items[1] as Record<string, unknown>).alt = 30;
    expect(errorOf(unknownField)).toMatch(/^items\[1\]: .*alt/);
    const badJump = structuredClone(base);
    badJump.items.push({ type: 'jump', toItem: 12, repeat: 1 } as never);
    expect(errorOf(badJump)).toBe('items[5].toItem: must name an item of this route (0-5), got 12');
  });

  it('writes and reads back the same route (NaN params as null)', () => {
    const r = parseAerieRoute({
      ...base,
      items: [
        ...base.items,
        { type: 'mavlink', command: 183, frame: 2, params: [9, 1500, null, 0, 0, 0, 0] },
      ],
    });
    if (!r.ok) throw new Error(r.error.message);
    const text = writeAerieRoute(r.route);
    expect(text).toContain('null');
    const again = parseRouteFile(text, 'x.json');
    expect(again.ok && again.format).toBe('aerie');
    expect(again.ok && again.route).toEqual(r.route);
  });

  it('parseRouteFile reports bad JSON and unknown formats with codes', () => {
    const a = parseRouteFile('{ "format": ', 'a.json');
    expect(!a.ok && a.error.code).toBe('InvalidJson');
    const b = parseRouteFile('{ "hello": 1 }', 'a.json');
    expect(!b.ok && b.error.code).toBe('UnknownFormat');
  });
});
