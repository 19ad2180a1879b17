import { captureProblem } from '@aerie/missions';
import { describe, expect, it } from 'vitest';
import {
  CAPTURE_BOUNDS,
  captureEvery,
  captureOfForm,
  captureOfRouteJson,
  DEFAULT_CAPTURE_FORM,
  formOfCapture,
} from './capture-form.ts';

describe('photo capture form', () => {
  it('is off by default and gives the route no capture setting', () => {
    expect(DEFAULT_CAPTURE_FORM.mode).toBe('off');
    expect(captureOfForm(DEFAULT_CAPTURE_FORM)).toBeUndefined();
    expect(formOfCapture(undefined)).toEqual(DEFAULT_CAPTURE_FORM);
  });

  it('gives the route only the number of the chosen mode', () => {
    const form = { mode: 'distance' as const, distanceM: 40, intervalS: 3 };
    expect(captureOfForm(form)).toEqual({ distanceM: 40 });
    expect(captureOfForm({ ...form, mode: 'interval' })).toEqual({ intervalS: 3 });
    expect(captureOfForm({ ...form, mode: 'off' })).toBeUndefined();
  });

  it('shows a saved setting again, the other number at its default', () => {
    expect(formOfCapture({ distanceM: 40 })).toEqual({ mode: 'distance', distanceM: 40, intervalS: 2 });
    expect(formOfCapture({ intervalS: 1.5 })).toEqual({ mode: 'interval', distanceM: 40, intervalS: 1.5 });
    for (const c of [{ distanceM: 12 }, { intervalS: 7 }]) expect(captureOfForm(formOfCapture(c))).toEqual(c);
  });

  it('accepts nothing the missions library refuses, down to its lowest bound', () => {
    const route = { items: [] };
    expect(CAPTURE_BOUNDS.distanceM.min).toBeGreaterThan(0);
    expect(CAPTURE_BOUNDS.intervalS.min).toBeGreaterThan(0);
    expect(captureProblem(route, { distanceM: CAPTURE_BOUNDS.distanceM.min })).toBeNull();
    expect(captureProblem(route, { intervalS: CAPTURE_BOUNDS.intervalS.min })).toBeNull();
    expect(captureProblem(route, { distanceM: 0 })).toMatch(/capture.distanceM: must be more than 0/);
  });

  it('reads the setting of a listed route record, and none from anything else', () => {
    expect(captureOfRouteJson({ format: 'aerie.route', items: [], capture: { distanceM: 40 } })).toEqual({
      distanceM: 40,
    });
    expect(captureOfRouteJson({ items: [], capture: { intervalS: 2 } })).toEqual({ intervalS: 2 });
    for (const json of [
      undefined,
      null,
      'route',
      { items: [] },
      { capture: null },
      { capture: { distanceM: 0 } },
      { capture: { intervalS: '2' } },
      { capture: { distanceM: Number.NaN } },
    ])
      expect(captureOfRouteJson(json), JSON.stringify(json)).toBeUndefined();
  });

  it('says how often in words', () => {
    expect(captureEvery({ distanceM: 40 })).toEqual({ kind: 'distance', n: 40 });
    expect(captureEvery({ intervalS: 2 })).toEqual({ kind: 'interval', n: 2 });
  });
});
