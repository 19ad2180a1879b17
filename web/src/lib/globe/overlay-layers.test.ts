/**
 * The overlay's vehicle and label layers against a recording 2D context and a camera built as
 * Cesium builds one: what is drawn where, what a click there picks, and the draw log.
 */
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { LabelLayer } from './globe-labels.ts';
import type { GlobeOverlay } from './overlay.ts';
import { PlacesLayer } from './places-layer.ts';
import { HEIGHT, HOME, lookingDown, WIDTH } from './test-camera.ts';
import { TicketLayer, withAlpha } from './ticket-layer.ts';
import { type VehicleDrawState, VehicleLayer } from './vehicle-layer.ts';

interface Call {
  op: string;
  args: unknown[];
  fillStyle?: unknown;
  strokeStyle?: unknown;
}

/** A 2D context that records every call (with the fill style at the time) and accepts any setting. */
function recordingContext(): { ctx: CanvasRenderingContext2D; calls: Call[] } {
  const calls: Call[] = [];
  const props: Record<string | symbol, unknown> = {};
  const ctx = new Proxy(
    {},
    {
      get(_t, key) {
        if (key in props) return props[key];
        return (...args: unknown[]) => {
          calls.push({ op: String(key), args, fillStyle: props.fillStyle, strokeStyle: props.strokeStyle });
          return key === 'measureText' ? { width: 50 } : undefined;
        };
      },
      set(_t, key, value) {
        props[key] = value;
        return true;
      },
    },
  ) as CanvasRenderingContext2D;
  return { ctx, calls };
}

function state(extra: Partial<VehicleDrawState> = {}): VehicleDrawState {
  return {
    name: 'UAV',
    lon: HOME.lon,
    lat: HOME.lat,
    heightM: 50,
    headingDeg: 90,
    online: true,
    armed: true,
    warning: false,
    stateAtMs: 1000,
    ...extra,
  };
}

function trailOf(points: Array<[number, number, number]>) {
  return {
    count: points.length,
    rev: points.length,
    at(i: number, out: { lon: number; lat: number; heightM: number }) {
      [out.lon, out.lat, out.heightM] = points[i]!;
    },
  };
}

let frames: Array<() => void> = [];
beforeEach(() => {
  frames = [];
  vi.stubGlobal('window', { devicePixelRatio: 1 });
  vi.stubGlobal('requestAnimationFrame', (f: () => void) => frames.push(f));
});
afterEach(() => {
  vi.unstubAllGlobals();
  vi.useRealTimers();
});

function setup() {
  const overlay = { requestDraw: vi.fn() };
  const vehicles = new VehicleLayer(overlay as unknown as GlobeOverlay);
  return { overlay, vehicles };
}

describe('VehicleLayer', () => {
  const view = lookingDown(5_000);

  it('draws each vehicle in view where the camera sees it, and a click there picks it', () => {
    const { overlay, vehicles } = setup();
    vehicles.update('east', state({ lon: HOME.lon + 0.01 }), null);
    vehicles.update('under', state(), null);
    vehicles.update('far-side', state({ lon: HOME.lon + 180, lat: -HOME.lat }), null);
    expect(overlay.requestDraw).toHaveBeenCalled();
    const { ctx, calls } = recordingContext();
    vehicles.draw(ctx, view);

    // One arrow per vehicle this side of the earth, each placed by a transform at its point.
    const placed = calls.filter((c) => c.op === 'setTransform' && c.args[0] !== 1);
    expect(placed).toHaveLength(2);
    const under = vehicles.screenPositionOf('under')!;
    expect(under.x).toBeCloseTo(WIDTH / 2, 0);
    expect(under.y).toBeCloseTo(HEIGHT / 2, 0);
    const east = vehicles.screenPositionOf('east')!;
    expect(east.x).toBeGreaterThan(under.x + 50);
    expect(vehicles.screenPositionOf('far-side')).toBeNull();

    expect(vehicles.pick(under.x + 2, under.y - 2)).toBe('under');
    expect(vehicles.pick(east.x, east.y)).toBe('east');
    expect(vehicles.pick(under.x + 40, under.y + 40)).toBeUndefined();
  });

  it('turns the arrow to the heading (east on a north-up view is a quarter turn clockwise)', () => {
    const { vehicles } = setup();
    vehicles.update('v', state({ headingDeg: 90 }), null);
    const { ctx, calls } = recordingContext();
    vehicles.draw(ctx, view);
    const [a, b] = calls.find((c) => c.op === 'setTransform' && c.args[0] !== 1)!.args as number[];
    // setTransform(cos*k, sin*k, ...): a quarter turn has cos 0 and sin > 0.
    expect(Math.abs(a!)).toBeLessThan(1e-3);
    expect(b!).toBeGreaterThan(0);
  });

  it('draws the focused vehicle last, in its own colour, and picks it where arrows overlap', () => {
    const { vehicles } = setup();
    vehicles.update('a', state(), null);
    vehicles.update('b', state({ lon: HOME.lon + 0.00001 }), null);
    vehicles.setFocused('a');
    const { ctx, calls } = recordingContext();
    vehicles.draw(ctx, view);
    const fills = calls.filter((c) => c.op === 'fill');
    expect(fills.at(-1)!.fillStyle).toBe('#ffd54a');
    const p = vehicles.screenPositionOf('b')!;
    expect(vehicles.pick(p.x, p.y)).toBe('a');
  });

  it('draws the last 40 trail points of a vehicle, and the whole trail of the focused one', () => {
    const { vehicles } = setup();
    const points = Array.from({ length: 60 }, (_, i): [number, number, number] => [
      HOME.lon + i * 0.0001,
      HOME.lat,
      50,
    ]);
    vehicles.update('v', state(), trailOf(points));
    let rec = recordingContext();
    vehicles.draw(rec.ctx, view);
    // 40 points: a moveTo and 39 lineTo in the trail path (the stalk adds one of each).
    expect(rec.calls.filter((c) => c.op === 'lineTo').length).toBe(39 + 1 + 3);
    vehicles.setFocused('v');
    vehicles.update('v', state(), trailOf(points));
    rec = recordingContext();
    vehicles.draw(rec.ctx, view);
    expect(rec.calls.filter((c) => c.op === 'lineTo').length).toBe(59 + 1 + 3);
  });

  it('logs a state change when the frame that drew it is on screen, and a redraw without one not at all', () => {
    const { vehicles } = setup();
    vehicles.update('v', state({ stateAtMs: 1000 }), null);
    const { ctx } = recordingContext();
    vehicles.draw(ctx, view);
    expect(vehicles.drawLog).toEqual([]);
    for (const f of frames.splice(0)) f();
    expect(vehicles.drawLog).toEqual([{ vehicleId: 'v', stateAtMs: 1000, drawnAtMs: expect.any(Number) }]);
    vehicles.setFocused('v');
    vehicles.update('v', state({ stateAtMs: 1000 }), null);
    vehicles.draw(ctx, view);
    for (const f of frames.splice(0)) f();
    expect(vehicles.drawLog).toHaveLength(1);
  });
});

describe('LabelLayer', () => {
  const view = lookingDown(5_000);

  it('shows the names that fit, draws them beside their aircraft, and a click on a name picks it', () => {
    const { overlay, vehicles } = setup();
    const labels = new LabelLayer(overlay as unknown as GlobeOverlay, [vehicles.labels], 0);
    vehicles.update('alone', state({ name: 'alone', lon: HOME.lon + 0.01 }), null);
    // A tight cluster: their names cannot all fit.
    for (let i = 0; i < 10; i++)
      vehicles.update(`c${i}`, state({ name: `c${i}`, lat: HOME.lat + i * 0.00002 }), null);
    const { ctx, calls } = recordingContext();
    vehicles.draw(ctx, view);
    labels.draw(ctx, view);
    const shown = vehicles.labels.shownKeys();
    expect(shown).toContain('alone');
    expect(shown.filter((k) => k.startsWith('c')).length).toBeGreaterThan(0);
    expect(shown.filter((k) => k.startsWith('c')).length).toBeLessThan(10);
    const texts = calls.filter((c) => c.op === 'fillText').map((c) => c.args[0]);
    expect(texts.sort()).toEqual([...shown].sort());
    const drawn = calls.find((c) => c.op === 'fillText' && c.args[0] === 'alone')!;
    const [x, y] = drawn.args.slice(1) as number[];
    const arrow = vehicles.screenPositionOf('alone')!;
    expect(x!).toBeGreaterThan(arrow.x);
    expect(labels.pick(x! + 5, y!)).toBe('alone');
  });

  it('leaves out names beyond their distance and keeps the focused name whatever the distance', () => {
    const { overlay, vehicles } = setup();
    const labels = new LabelLayer(overlay as unknown as GlobeOverlay, [vehicles.labels], 0);
    const high = lookingDown(100_000);
    vehicles.update('a', state({ name: 'a' }), null);
    vehicles.update('b', state({ name: 'b', lon: HOME.lon + 0.3 }), null);
    labels.draw(recordingContext().ctx, high);
    expect(vehicles.labels.shownKeys()).toEqual([]);
    vehicles.setFocused('b');
    labels.draw(recordingContext().ctx, high);
    expect(vehicles.labels.shownKeys()).toEqual(['b']);
  });

  it('places no name where a panel of the page covers the globe', () => {
    const { overlay, vehicles } = setup();
    const labels = new LabelLayer(overlay as unknown as GlobeOverlay, [vehicles.labels], 0);
    vehicles.update('left', state({ name: 'left', lon: HOME.lon - 0.01 }), null);
    vehicles.update('right', state({ name: 'right', lon: HOME.lon + 0.01 }), null);
    labels.draw(recordingContext().ctx, view);
    expect(vehicles.labels.shownKeys().sort()).toEqual(['left', 'right']);
    labels.setCovers(() => [{ left: WIDTH / 2 + 20, top: 0, right: WIDTH, bottom: HEIGHT }]);
    expect(overlay.requestDraw).toHaveBeenCalled();
    labels.draw(recordingContext().ctx, view);
    expect(vehicles.labels.shownKeys()).toEqual(['left']);
  });

  it('puts off a pass that comes too soon and asks the overlay for a frame when it is due', () => {
    vi.useFakeTimers({ toFake: ['setTimeout', 'performance'] });
    const { overlay, vehicles } = setup();
    const labels = new LabelLayer(overlay as unknown as GlobeOverlay, [vehicles.labels], 200);
    vehicles.update('a', state({ name: 'a' }), null);
    labels.draw(recordingContext().ctx, view);
    expect(labels.passes).toBe(1);
    vehicles.update('a', state({ name: 'a', lon: HOME.lon + 0.001 }), null);
    overlay.requestDraw.mockClear();
    labels.draw(recordingContext().ctx, view);
    expect(labels.passes).toBe(1);
    vi.advanceTimersByTime(250);
    expect(overlay.requestDraw).toHaveBeenCalled();
    labels.draw(recordingContext().ctx, view);
    expect(labels.passes).toBe(2);
    labels.destroy();
  });
});

describe('PlacesLayer', () => {
  const view = lookingDown(5_000);

  it('draws a dock as a ring in its status colour, and a click on the ring picks the dock', () => {
    const overlay = { requestDraw: vi.fn() };
    const places = new PlacesLayer(overlay as unknown as GlobeOverlay);
    places.set([
      { id: 'd1', kind: 'dock', name: 'Dock 1', lon: HOME.lon, lat: HOME.lat, tone: 'fault' },
      { id: 's1', kind: 'site', name: 'Site', lon: HOME.lon + 0.01, lat: HOME.lat },
    ]);
    expect(overlay.requestDraw).toHaveBeenCalled();
    const { ctx, calls } = recordingContext();
    places.draw(ctx, view);
    const arcs = calls.filter((c) => c.op === 'arc');
    expect(arcs).toHaveLength(2);
    expect(arcs[0]!.args[0]).toBeCloseTo(WIDTH / 2, 0);
    expect(calls.find((c) => c.op === 'stroke')!.strokeStyle).toBe('#ff4d4f');
    expect(places.pick(WIDTH / 2 + 3, HEIGHT / 2)).toEqual({ kind: 'dock', id: 'd1' });
    expect(places.pick(WIDTH / 2, HEIGHT / 2 + 60)).toBeUndefined();
    expect(places.labels.shownKeys()).toEqual([]);
    const wanted: string[] = [];
    places.labels.forEach((key) => {
      wanted.push(key);
    });
    expect(wanted).toEqual(['dock:d1', 'site:s1']);
  });
});

describe('TicketLayer', () => {
  const view = lookingDown(5_000);
  const marker = (id: string, lon: number, urgent = false) => ({
    id,
    lon,
    lat: HOME.lat,
    colour: urgent ? '#ff1f3d' : '#faad14',
    urgent,
  });

  it('draws a pin above each ticket in view, picks it there, urgent ones larger and on top with a halo', () => {
    const overlay = { requestDraw: vi.fn() };
    const layer = new TicketLayer(overlay as unknown as GlobeOverlay);
    layer.set([marker('fire', HOME.lon, true), marker('site', HOME.lon), marker('east', HOME.lon + 0.01)]);
    expect(overlay.requestDraw).toHaveBeenCalled();
    const { ctx, calls } = recordingContext();
    layer.draw(ctx, view);
    expect(layer.drawnIds()).toEqual(['site', 'east', 'fire']);
    const fire = layer.screenPositionOf('fire')!;
    // The head sits above (smaller y) the ground point in the middle of the screen.
    expect(fire.x).toBeCloseTo(WIDTH / 2, 0);
    expect(fire.y).toBeLessThan(HEIGHT / 2 - 5);
    // Two pins at one spot: the urgent one is drawn last and picked.
    expect(layer.pick(fire.x, fire.y)).toEqual({ kind: 'ticket', id: 'fire' });
    const east = layer.screenPositionOf('east')!;
    expect(layer.pick(east.x, east.y)).toEqual({ kind: 'ticket', id: 'east' });
    expect(layer.pick(east.x, east.y + 60)).toBeUndefined();
    expect(calls.some((c) => c.op === 'fill' && c.fillStyle === withAlpha('#ff1f3d', 0.28))).toBe(true);
    const radii = calls.filter((c) => c.op === 'arc').map((c) => c.args[2] as number);
    expect(Math.max(...radii)).toBeGreaterThan(1.5 * Math.min(...radii.filter((r) => r > 3)));
  });

  it('draws nothing and picks nothing when hidden', () => {
    const layer = new TicketLayer({ requestDraw: vi.fn() } as unknown as GlobeOverlay);
    layer.set([marker('a', HOME.lon)]);
    layer.setVisible(false);
    const { ctx, calls } = recordingContext();
    layer.draw(ctx, view);
    expect(calls.filter((c) => c.op === 'fill')).toHaveLength(0);
    expect(layer.drawnIds()).toEqual([]);
    expect(layer.pick(WIDTH / 2, HEIGHT / 2 - 10)).toBeUndefined();
  });
});
