/**
 * construction: signs of building work by colour, plus construction machinery from a COCO model.
 *
 * Rules (thresholds.ts: CONSTRUCTION):
 *  - blue colour-steel roof: compact blobs of strongly saturated mid-bright blue (hue 195..235,
 *    S >= 0.5, V 0.35..0.85) filling at least half their bounding box and not touching the top
 *    edge of the frame (where sky is in an oblique view) -> `blue-steel-roof`, 0.45;
 *  - bare earth: large blobs (>= 8% of the image) of brown to tan, moderately saturated ground
 *    (hue 15..45, S 0.15..0.65) -> `bare-earth`, 0.35;
 *  - machinery: when a COCO detector is given, its `truck` boxes (the COCO models have no
 *    excavator class; excavators and dump trucks are mostly reported as trucks) that touch bare
 *    earth -> `machinery-on-bare-earth`, 0.55.
 * All are below the ticket desk's auto-file level for construction (0.8): on a still image they
 * only put a frame in front of a person. A new structure against an earlier patrol of the same
 * place is the change detector's job (change.ts).
 *
 * Limits, honestly. Blue roofs are also on legal factories, bus shelters and swimming pools are
 * blue too; bare earth is also farmland, sports grounds and dry riverbeds; COCO's truck class
 * misses excavators seen from above and fires on ordinary lorries. Colour steel in red, white or
 * grey is not looked for.
 */
import type { DetectorRef, ImageFinding } from '@aerie/contracts';
import type { DetectContext, Detector, RgbImage } from '../detector.ts';
import { blobBox, blobs, boxesNear, colourGrid, hsv, maskOf } from './raster.ts';
import { CONSTRUCTION as C, GRID_MAX_CELLS, RULES_VERSION } from './thresholds.ts';

export function isRoofBlue(r: number, g: number, b: number): boolean {
  const [h, s, v] = hsv(r, g, b);
  return (
    h >= C.roofHueMin && h <= C.roofHueMax && s >= C.roofSatMin && v >= C.roofValMin && v <= C.roofValMax
  );
}

export function isBareEarth(r: number, g: number, b: number): boolean {
  const [h, s, v] = hsv(r, g, b);
  return (
    h >= C.earthHueMin &&
    h <= C.earthHueMax &&
    s >= C.earthSatMin &&
    s <= C.earthSatMax &&
    v >= C.earthValMin &&
    v <= C.earthValMax
  );
}

export interface ConstructionOptions {
  /** A COCO detector whose `truck` boxes stand for machinery (optional). */
  machinery?: Detector;
}

export class ConstructionDetector implements Detector {
  readonly ref: DetectorRef;
  constructor(private readonly options: ConstructionOptions = {}) {
    const m = options.machinery?.ref;
    this.ref = {
      name: 'construction-colour',
      version: m ? `${RULES_VERSION}+${m.name}@${m.version}` : RULES_VERSION,
      kind: 'image-analysis',
    };
  }

  async detect(img: RgbImage, ctx: DetectContext = {}): Promise<ImageFinding[]> {
    const grid = colourGrid(img, GRID_MAX_CELLS);
    const out: ImageFinding[] = [];
    const finding = (label: string, score: number, box: ImageFinding['box']): ImageFinding => ({
      category: 'construction',
      label,
      score,
      box,
      detector: this.ref,
    });
    for (const b of blobs(maskOf(grid, isRoofBlue), grid.cols, grid.rows)) {
      if (b.areaFraction < C.roofMinArea) break;
      if (b.minRow === 0 || b.fill < C.roofMinFill) continue;
      out.push(finding('blue-steel-roof', C.score.roofStill, blobBox(b, grid)));
    }
    const earth = blobs(maskOf(grid, isBareEarth), grid.cols, grid.rows)
      .filter((b) => b.areaFraction >= C.earthMinArea)
      .map((b) => blobBox(b, grid));
    for (const box of earth) out.push(finding('bare-earth', C.score.bareEarthStill, box));
    if (this.options.machinery && earth.length > 0) {
      const found = await this.options.machinery.detect(img, ctx);
      for (const f of found) {
        if (!C.machineryLabels.includes(f.label) || f.score < C.machineryMinScore) continue;
        if (earth.some((e) => boxesNear(e, f.box, 0))) {
          out.push(finding('machinery-on-bare-earth', C.score.machineryOnBareEarth, f.box));
        }
      }
    }
    return out;
  }
}
