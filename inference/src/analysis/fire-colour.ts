/**
 * fire-colour: flames and smoke by colour, confirmed by persistence over consecutive frames.
 *
 * Rule. A cell is flame-coloured when both published colour models agree:
 *  - Chen et al. 2004 (RGB/HSI): R > R_T, R >= G > B, S >= (255 - R) * S_T / R_T;
 *  - Celik & Demirel 2009 (YCbCr): Y >= Cb, Cr >= Cb, Cr - Cb >= 40, Y >= the image's mean Y.
 * A cell is smoke-coloured by Chen et al. 2006: grey (max - min of R, G, B under 20) with an
 * intensity of 80..220. Flame and smoke cells are grouped into 8-connected blobs; small blobs
 * are dropped (thresholds.ts: FIRE). A grey blob is smoke only when it is also smooth and faintly
 * blue (`isSmokeLike`): roads, cobbles, concrete and cars are grey too, but textured or neutral. At most five blobs of each kind per image, largest first.
 * (Requiring an over-exposed near-white flame core was tried and dropped: on the samples it lost
 * real flares as often as it removed yellow machinery.)
 *
 * Scores. One still image (neither pose nor place key in the context): flames score 0.5, smoke 0.3 (0.5 next
 * to a flame), labelled `flame-unconfirmed` / `smoke-unconfirmed`: enough for a person to look
 * (triage), not for a ticket on its own. When the same place was seen in the previous two frames
 * with a blob of the same label (within 10 m on the ground when frames carry their pose, else an
 * overlapping box under the same place key; persistence.ts), the blob is confirmed: flames 0.8, smoke next to flame 0.7, smoke
 * alone 0.45.
 *
 * Limits, honestly. Colour cannot tell a flame from anything flame-coloured: sunset, orange or
 * yellow paint (construction machinery, taxis, signage), sodium lights and brake lights all pass
 * the flame rule, and persistence does not help against things that do not move. The smoke rule
 * still matches smooth, bluish grey regions (a pale sky, haze) and misses black smoke darker than
 * intensity 80 and smoke over a textured background; smoke alone never reaches the auto-ticket level. Flames smaller than
 * a grid cell (1/240 of the long side) are invisible to it.
 */
import type { DetectorRef, ImageFinding } from '@aerie/contracts';
import type { DetectContext, Detector, RgbImage } from '../detector.ts';
import { PersistenceMemory } from './persistence.ts';
import {
  type Blob,
  blobBox,
  blobs,
  boxesNear,
  type ColourGrid,
  colourGrid,
  maskOf,
  ycbcr,
} from './raster.ts';
import { FIRE, GRID_MAX_CELLS, RULES_VERSION } from './thresholds.ts';

export function isFlameColour(r: number, g: number, b: number, meanY: number): boolean {
  const sum = r + g + b;
  const sHsi = sum === 0 ? 0 : (1 - (3 * Math.min(r, g, b)) / sum) * 100;
  if (!(r > FIRE.chenRT && r >= g && g > b && sHsi >= ((255 - r) * FIRE.chenST) / FIRE.chenRT)) return false;
  const [y, cb, cr] = ycbcr(r, g, b);
  return y >= cb && cr >= cb && cr - cb >= FIRE.celikTau && y >= meanY;
}

export function isSmokeColour(r: number, g: number, b: number): boolean {
  const i = (r + g + b) / 3;
  return (
    Math.max(r, g, b) - Math.min(r, g, b) < FIRE.smokeAlpha && i >= FIRE.smokeMinI && i <= FIRE.smokeMaxI
  );
}

/** The smoothness and tint of a grey blob (thresholds.ts: FIRE.smokeMaxTexture, smokeMinBlueTint). */
export function smokeBlobTexture(blob: Blob, grid: ColourGrid): { texture: number; blueTint: number } {
  const luma = (i: number) => ycbcr(grid.rgb[i * 3]!, grid.rgb[i * 3 + 1]!, grid.rgb[i * 3 + 2]!)[0];
  const inBlob = new Set(blob.cells);
  let steps = 0;
  let stepSum = 0;
  let tint = 0;
  for (const c of blob.cells) {
    tint += grid.rgb[c * 3 + 2]! - grid.rgb[c * 3]!;
    const right = (c % grid.cols) + 1 < grid.cols && inBlob.has(c + 1) ? c + 1 : -1;
    const below = inBlob.has(c + grid.cols) ? c + grid.cols : -1;
    for (const n of [right, below]) {
      if (n < 0) continue;
      stepSum += Math.abs(luma(c) - luma(n));
      steps++;
    }
  }
  return {
    texture: steps === 0 ? 0 : stepSum / steps,
    blueTint: blob.cells.length === 0 ? 0 : tint / blob.cells.length,
  };
}

/** Whether a large grey blob looks like smoke: smooth and faintly blue, not a textured or neutral surface. */
export function isSmokeLike(blob: Blob, grid: ColourGrid): boolean {
  const { texture, blueTint } = smokeBlobTexture(blob, grid);
  return texture <= FIRE.smokeMaxTexture && blueTint >= FIRE.smokeMinBlueTint;
}

export class FireColourDetector implements Detector {
  readonly ref: DetectorRef = { name: 'fire-colour', version: RULES_VERSION, kind: 'image-analysis' };
  private readonly memory = new PersistenceMemory({
    frames: FIRE.persistFrames,
    minIou: FIRE.persistMinIou,
    maxGroundM: FIRE.persistMaxGroundM,
    maxGapMs: FIRE.persistMaxGapMs,
  });

  async detect(img: RgbImage, ctx: DetectContext = {}): Promise<ImageFinding[]> {
    const grid = colourGrid(img, GRID_MAX_CELLS);
    let meanY = 0;
    const n = grid.cols * grid.rows;
    for (let i = 0; i < n; i++)
      meanY += ycbcr(grid.rgb[i * 3]!, grid.rgb[i * 3 + 1]!, grid.rgb[i * 3 + 2]!)[0];
    meanY /= n;
    const flameBlobs = blobs(
      maskOf(grid, (r, g, b) => isFlameColour(r, g, b, meanY)),
      grid.cols,
      grid.rows,
    );
    const flames = flameBlobs.filter((b) => b.areaFraction >= FIRE.minFlameArea).slice(0, FIRE.maxBlobs);
    const smokes = blobs(maskOf(grid, isSmokeColour), grid.cols, grid.rows)
      .filter((b) => b.areaFraction >= FIRE.minSmokeArea && isSmokeLike(b, grid))
      .slice(0, FIRE.maxBlobs);
    const gap = FIRE.smokeNearFlame * Math.hypot(img.width, img.height);
    const flameBoxes = flames.map((b) => blobBox(b, grid));
    const candidates = [
      ...flameBoxes.map((box) => ({ label: 'flame', box, withFlame: true })),
      ...smokes.map((b) => {
        const box = blobBox(b, grid);
        return { label: 'smoke', box, withFlame: flameBoxes.some((f) => boxesNear(f, box, gap)) };
      }),
    ];
    const confirmed = this.memory.observe(
      ctx,
      candidates.map(({ label, box }) => ({ label, box })),
      img,
    );
    return candidates.map((c, i) => {
      const ok = confirmed?.[i] ?? false;
      const s = FIRE.score;
      const score =
        c.label === 'flame'
          ? ok
            ? s.flamePersistent
            : s.flameStill
          : c.withFlame
            ? ok
              ? s.smokeWithFlamePersistent
              : s.smokeWithFlameStill
            : ok
              ? s.smokePersistent
              : s.smokeStill;
      return {
        category: 'fire_smoke',
        label: ok ? c.label : `${c.label}-unconfirmed`,
        score,
        box: c.box,
        detector: this.ref,
      };
    });
  }
}
