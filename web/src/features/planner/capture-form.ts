/**
 * The planner's "photo capture" (拍照) route setting: off, a still every N metres or every N
 * seconds over the whole patrol. The form keeps both numbers so switching the mode back and forth
 * does not lose what was typed; the route carries only the one chosen (`Route.capture`, which
 * missions/src/capture.ts turns into camera items when the sortie is planned). Pure.
 */
import type { CaptureSetting } from '@aerie/missions';

export type CaptureMode = 'off' | 'distance' | 'interval';
export const CAPTURE_MODES: readonly CaptureMode[] = ['off', 'distance', 'interval'];

export interface CaptureForm {
  mode: CaptureMode;
  /** Metres flown between stills (mode "distance"). */
  distanceM: number;
  /** Seconds between stills (mode "interval"). */
  intervalS: number;
}

/**
 * What the inputs accept. The missions library refuses anything not more than 0
 * (`captureProblem`); the lower bounds keep above that, the upper ones are what a patrol can use
 * (a still every kilometre, or every ten minutes, already leaves gaps on any patrol).
 */
export const CAPTURE_BOUNDS = {
  distanceM: { min: 1, max: 1000, step: 1 },
  intervalS: { min: 0.5, max: 600, step: 0.5 },
} as const;

/** Off; when turned on, a still every 40 m (about 5 s at the default cruise) or every 2 s. */
export const DEFAULT_CAPTURE_FORM: CaptureForm = { mode: 'off', distanceM: 40, intervalS: 2 };

/** The route's capture setting for a form, or undefined when capture is off. */
export function captureOfForm(form: CaptureForm): CaptureSetting | undefined {
  switch (form.mode) {
    case 'distance':
      return { distanceM: form.distanceM };
    case 'interval':
      return { intervalS: form.intervalS };
    default:
      return undefined;
  }
}

/** The form showing a route's capture setting (the other number keeps its default). */
export function formOfCapture(capture: CaptureSetting | undefined): CaptureForm {
  if (!capture) return DEFAULT_CAPTURE_FORM;
  if ('distanceM' in capture)
    return { ...DEFAULT_CAPTURE_FORM, mode: 'distance', distanceM: capture.distanceM };
  return { ...DEFAULT_CAPTURE_FORM, mode: 'interval', intervalS: capture.intervalS };
}

const positive = (v: unknown): v is number => typeof v === 'number' && Number.isFinite(v) && v > 0;

/**
 * The capture setting of a route record's Aerie route JSON as the server lists it, read
 * leniently for display (the server parsed it when it was saved); undefined when it has none.
 */
export function captureOfRouteJson(json: unknown): CaptureSetting | undefined {
  if (typeof json !== 'object' || json === null) return undefined;
  const c = (json as { capture?: unknown }).capture;
  if (typeof c !== 'object' || c === null) return undefined;
  const { distanceM, intervalS } = c as { distanceM?: unknown; intervalS?: unknown };
  if (positive(distanceM)) return { distanceM };
  if (positive(intervalS)) return { intervalS };
  return undefined;
}

/** How often a capture setting takes a still, for words: 'distance' or 'interval' and the number. */
export function captureEvery(capture: CaptureSetting): { kind: 'distance' | 'interval'; n: number } {
  return 'distanceM' in capture
    ? { kind: 'distance', n: capture.distanceM }
    : { kind: 'interval', n: capture.intervalS };
}
