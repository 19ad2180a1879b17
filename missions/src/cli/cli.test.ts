import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Command } from 'commander';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { parseQgcPlan } from '../formats/qgc-plan.ts';
import { destination } from '../geo.ts';
import { DOCK, QGC_PLAN } from '../testing/fixtures.ts';
import { registerCommands, runPlanConvert, runPlanSurvey, runPlanValidate } from './index.ts';

let dir: string;
const file = (name: string) => join(dir, name);

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'aerie-missions-cli-'));
  await writeFile(file('patrol.plan'), JSON.stringify(QGC_PLAN));
  const far = structuredClone(QGC_PLAN);
  far.mission.items[1]!.params[4] = 30.5; // ~25 km north of the dock
  await writeFile(file('far.plan'), JSON.stringify(far));
  const broken = structuredClone(QGC_PLAN) as { mission: { items: Record<string, unknown>[] } };
  broken.mission.items[3]!.params = [0, 0, 0, null, 123, 120.15, 40];
  await writeFile(file('broken.plan'), JSON.stringify(broken));
  await writeFile(
    file('route.json'),
    JSON.stringify({
      format: 'aerie.route',
      version: 1,
      name: 'r',
      items: [{ type: 'takeoff' }, { type: 'waypoint', lat: 30.2755, lon: 120.1551 }, { type: 'rtl' }],
    }),
  );
  const c = destination(DOCK, 0, 400);
  const ring = [0, 90, 180, 270, 0]
    .map((b) => destination(c, b + 45, 150 * Math.SQRT2))
    .map((p) => [p.lon, p.lat]);
  await writeFile(
    file('area.geojson'),
    JSON.stringify({
      type: 'FeatureCollection',
      features: [
        { type: 'Feature', properties: { name: 'park' }, geometry: { type: 'Polygon', coordinates: [ring] } },
      ],
    }),
  );
  // A no-fly zone right across the first leg of the QGC plan.
  const z = destination(DOCK, 20, 80);
  await writeFile(
    file('zones.geojson'),
    JSON.stringify({
      type: 'FeatureCollection',
      features: [
        {
          type: 'Feature',
          properties: { kind: 'nofly', name: 'school', radiusM: 20 },
          geometry: { type: 'Point', coordinates: [z.lon, z.lat] },
        },
      ],
    }),
  );
});
afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

describe('aerie plan validate', () => {
  it('prints ok and exits 0 for a flyable plan', async () => {
    const o = await runPlanValidate(file('patrol.plan'), {});
    expect(o.code).toBe(0);
    const out = JSON.parse(o.stdout);
    expect(out).toMatchObject({ ok: true, issues: [], format: 'qgc-plan' });
    expect(out.summary.distanceM).toBeGreaterThan(0);
  });

  it('exits 1 with coded issues when the route may not fly', async () => {
    const o = await runPlanValidate(file('far.plan'), {});
    expect(o.code).toBe(1);
    const out = JSON.parse(o.stdout);
    expect(out.ok).toBe(false);
    expect(out.issues).toContainEqual(
      expect.objectContaining({ code: 'TooFarFromHome', severity: 'error', item: 1 }),
    );
    expect(out.issues).toContainEqual(expect.objectContaining({ code: 'FirstWaypointTooFar', item: 1 }));
  });

  it('exits 2 naming the item and field when the file cannot be parsed or read', async () => {
    const o = await runPlanValidate(file('broken.plan'), {});
    expect(o.code).toBe(2);
    expect(JSON.parse(o.stdout).error.message).toBe(
      'mission.items[3].params[4]: latitude must be between -90 and 90, got 123',
    );
    expect(o.stderr).toContain('mission.items[3].params[4]');
    const missing = await runPlanValidate(file('nope.plan'), {});
    expect(missing.code).toBe(2);
    expect(missing.stderr).toContain('ENOENT');
    expect((await runPlanValidate(file('patrol.plan'), { dock: '30.27' })).code).toBe(2);
    expect((await runPlanValidate(file('patrol.plan'), { flavour: 'inav' })).stderr).toContain('--flavour');
  });

  it('uses the dock, the zones file and the flavour', async () => {
    const noHome = await runPlanValidate(file('route.json'), {});
    expect(JSON.parse(noHome.stdout).issues.map((i: { code: string }) => i.code)).toEqual([
      'NoHome',
      'TakeoffPositionUnset',
    ]);
    expect(noHome.code).toBe(1);
    const withDock = await runPlanValidate(file('route.json'), { dock: `${DOCK.lat},${DOCK.lon}` });
    expect(withDock.code).toBe(0);
    const zoned = await runPlanValidate(file('patrol.plan'), { zones: file('zones.geojson') });
    expect(zoned.code).toBe(1);
    expect(JSON.parse(zoned.stdout).issues[0]).toMatchObject({ code: 'EntersNoFlyZone', item: 1 });
  });

  it('is wired into commander: exit code and JSON on stdout', async () => {
    const program = new Command('aerie').exitOverride();
    registerCommands(program);
    const writes: string[] = [];
    const spy = vi.spyOn(process.stdout, 'write').mockImplementation((s) => {
      writes.push(String(s));
      return true;
    });
    const errSpy = vi.spyOn(process.stderr, 'write').mockImplementation(() => true);
    const before = process.exitCode;
    try {
      await program.parseAsync([
        'node',
        'aerie',
        'plan',
        'validate',
        file('far.plan'),
        '--flavour',
        'ardupilot',
      ]);
      expect(process.exitCode).toBe(1);
      expect(JSON.parse(writes.join('')).ok).toBe(false);
    } finally {
      spy.mockRestore();
      errSpy.mockRestore();
      process.exitCode = before;
    }
  });
});

describe('aerie plan survey', () => {
  it('writes a QGroundControl plan that Aerie reads back and that validates', async () => {
    const o = await runPlanSurvey({
      polygon: file('area.geojson'),
      alt: '60',
      sideOverlap: '70',
      frontOverlap: '80',
      dock: `${DOCK.lat},${DOCK.lon}`,
    });
    expect(o.code).toBe(0);
    expect(o.stderr).toMatch(/^survey: \d+ lines/);
    const back = parseQgcPlan(JSON.parse(o.stdout));
    if (!back.ok) throw new Error(back.error.message);
    expect(back.route.name).toBeDefined();
    expect(back.route.home).toMatchObject({ lat: DOCK.lat, lon: DOCK.lon });
    await writeFile(file('survey.plan'), o.stdout);
    const v = await runPlanValidate(file('survey.plan'), {});
    expect(v.code).toBe(0);
  });

  it('prints Aerie JSON or MAVLink items on request, and names bad arguments', async () => {
    const j = await runPlanSurvey({ polygon: file('area.geojson'), alt: '60', format: 'json' });
    expect(JSON.parse(j.stdout).format).toBe('aerie.route');
    const items = await runPlanSurvey({ polygon: file('area.geojson'), alt: '60', format: 'items' });
    expect(JSON.parse(items.stdout)[0]).toMatchObject({ seq: 0, command: 22 });
    const bad = await runPlanSurvey({ polygon: file('area.geojson'), alt: '-5' });
    expect(bad.code).toBe(2);
    expect(bad.stderr).toContain('--alt: must be more than 0 metres, got "-5"');
    // A longer lens narrows the swath: more lines over the same area.
    const std = await runPlanSurvey({ polygon: file('area.geojson'), alt: '60' });
    const tele = await runPlanSurvey({
      polygon: file('area.geojson'),
      alt: '60',
      focalMm: '24',
      sensorMm: '13.2x8.8',
      imagePx: '5472x3648',
    });
    const lines = (o: { stderr: string }) => Number(/survey: (\d+) lines/.exec(o.stderr)?.[1]);
    expect(lines(tele)).toBeGreaterThan(lines(std));
    expect(
      (await runPlanSurvey({ polygon: file('area.geojson'), alt: '60', sensorMm: '13.2' })).stderr,
    ).toContain('--sensor-mm: expected WIDTHxHEIGHT with positive numbers, got "13.2"');
    const notPoly = await runPlanSurvey({ polygon: file('zones.geojson'), alt: '60' });
    expect(notPoly.stderr).toContain('no Polygon found');
  });
});

describe('aerie plan convert', () => {
  it('rewrites a QGC plan as Aerie JSON, GeoJSON, KML and MAVLink items', async () => {
    const j = await runPlanConvert(file('patrol.plan'), { to: 'json' });
    expect(j.code).toBe(0);
    await writeFile(file('patrol.json'), j.stdout);
    // The Aerie JSON validates the same as the plan it came from.
    expect((await runPlanValidate(file('patrol.json'), {})).code).toBe(0);
    const items = JSON.parse(
      (await runPlanConvert(file('patrol.plan'), { to: 'items', flavour: 'ardupilot' })).stdout,
    );
    expect(items.map((i: { command: number }) => i.command)).toEqual([16, 22, 16, 178, 16, 177, 20]);
    expect(items[1].param4).toBeNull();
    const geo = JSON.parse(
      (await runPlanConvert(file('route.json'), { to: 'geojson', dock: `${DOCK.lat},${DOCK.lon}` })).stdout,
    );
    expect(geo.type).toBe('FeatureCollection');
    expect((await runPlanConvert(file('route.json'), { to: 'kml' })).stdout).toContain('<kml');
    const bad = await runPlanConvert(file('route.json'), { to: 'shp' });
    expect(bad.code).toBe(2);
    expect(bad.stderr).toContain('--to: must be plan, json, geojson, kml or items, got "shp"');
  });
});
