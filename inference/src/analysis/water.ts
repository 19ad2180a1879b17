/**
 * water-debris: things floating on open water in a single image (litter, nets, foam buoys).
 *
 * Rule (thresholds.ts: WATER). Cells coloured like open water seen from above (blue-green, hue
 * 150..210, S >= 0.15, darker than sky: V 0.08..0.65) are water. When water covers at least 20%
 * of the frame, every blob of non-water cells of 0.3%..60% of the frame whose neighbouring cells
 * are at least 60% water (it floats on water rather than lining the bank) is a
 * `floating-object`, river_pollution, score 0.5 (triage: a person decides whether it is litter
 * or a boat, a buoy, a reflection).
 *
 * Limits, honestly. Brown, grey or algae-green rivers are not "water" to this rule; glare and
 * wave crests make floating objects; boats and moored pontoons are floating objects; thin nets
 * the colour of the water are missed. Discoloured water needs a baseline of the same place:
 * see change.ts.
 */
import type { DetectorRef, ImageFinding } from '@aerie/contracts';
import type { DetectContext, Detector, RgbImage } from '../detector.ts';
import { blobBox, blobs, colourGrid, hsv, maskOf } from './raster.ts';
import { GRID_MAX_CELLS, RULES_VERSION, WATER as W } from './thresholds.ts';

export function isWaterColour(r: number, g: number, b: number): boolean {
  const [h, s, v] = hsv(r, g, b);
  return h >= W.hueMin && h <= W.hueMax && s >= W.satMin && v >= W.valMin && v <= W.valMax;
}

export class WaterDebrisDetector implements Detector {
  readonly ref: DetectorRef = { name: 'water-debris', version: RULES_VERSION, kind: 'image-analysis' };

  async detect(img: RgbImage, _ctx: DetectContext = {}): Promise<ImageFinding[]> {
    const grid = colourGrid(img, GRID_MAX_CELLS);
    const water = maskOf(grid, isWaterColour);
    let waterCells = 0;
    for (const w of water) waterCells += w;
    if (waterCells / water.length < W.minWaterArea) return [];
    const dry = water.map((w) => (w ? 0 : 1));
    const out: ImageFinding[] = [];
    const { cols, rows } = grid;
    for (const b of blobs(dry, cols, rows)) {
      if (b.areaFraction > W.maxObjectArea) continue;
      if (b.areaFraction < W.minObjectArea) break;
      // Neighbours: cells 8-adjacent to the blob and outside it; the image border counts as not water.
      const inBlob = new Set(b.cells);
      let around = 0;
      let wet = 0;
      const seen = new Set<number>();
      for (const c of b.cells) {
        const x = c % cols;
        const y = (c - x) / cols;
        for (let dy = -1; dy <= 1; dy++) {
          for (let dx = -1; dx <= 1; dx++) {
            const nx = x + dx;
            const ny = y + dy;
            if (nx < 0 || ny < 0 || nx >= cols || ny >= rows) {
              around++;
              continue;
            }
            const n = ny * cols + nx;
            if (inBlob.has(n) || seen.has(n)) continue;
            seen.add(n);
            around++;
            wet += water[n]!;
          }
        }
      }
      if (around > 0 && wet / around >= W.minWaterAround) {
        out.push({
          category: 'river_pollution',
          label: 'floating-object',
          score: W.score.floatingObjectStill,
          box: blobBox(b, grid),
          detector: this.ref,
        });
      }
    }
    return out;
  }
}
