/**
 * Image-analysis detectors: readable colour and change rules beside the ONNX models, each a
 * `Detector` (thresholds and their sources in thresholds.ts).
 *  - fire-colour: flame and smoke colour, confirmed over consecutive frames of one place;
 *  - construction-colour: blue colour-steel roofs, bare earth, COCO trucks on bare earth;
 *  - water-debris: non-water blobs floating on open water in one image;
 *  - change: new structures and discoloured or littered water against a baseline of the same
 *    ground from an earlier patrol, registered by pose (needs `frame` in the detect context).
 */
import type { Detector } from '../detector.ts';
import { type BaselineStore, ChangeDetector } from './change.ts';
import { ConstructionDetector } from './construction.ts';
import { FireColourDetector } from './fire-colour.ts';
import { WaterDebrisDetector } from './water.ts';

export * from './change.ts';
export * from './construction.ts';
export * from './fire-colour.ts';
export { RULES_VERSION } from './thresholds.ts';
export * from './water.ts';

export interface AnalysisOptions {
  /** A COCO detector whose truck boxes on bare earth count as construction machinery. */
  machinery?: Detector;
  /** Baseline store for change detection (default: in memory, from the first frame). */
  baselines?: BaselineStore;
  /** Leave out change detection (still images have no pose to register). */
  withoutChange?: boolean;
}

/** One instance of each image-analysis detector. Stateful ones (persistence, baselines) keep their state per instance. */
export function analysisDetectors(options: AnalysisOptions = {}): Detector[] {
  const out: Detector[] = [
    new FireColourDetector(),
    new ConstructionDetector(options.machinery ? { machinery: options.machinery } : {}),
    new WaterDebrisDetector(),
  ];
  if (!options.withoutChange)
    out.push(new ChangeDetector(options.baselines ? { store: options.baselines } : {}));
  return out;
}
