/**
 * Pixel plumbing shared by the image-analysis rules: a coarse grid of block-averaged colours,
 * colour spaces (HSV, YCbCr), connected components on a boolean mask, and boxes back in the
 * original image's pixels.
 *
 * The rules work on the grid, not on single pixels: averaging blocks of about 1/240 of the long
 * side removes JPEG noise and makes sizes resolution independent (a blob's area is a share of
 * the image), at the cost of missing things smaller than a cell.
 */
import type { PixelBox } from '@aerie/contracts';
import type { RgbImage } from '../detector.ts';

export interface ColourGrid {
  /** Cells across and down. */
  cols: number;
  rows: number;
  /** Image pixels per cell side. */
  cell: number;
  imageWidth: number;
  imageHeight: number;
  /** Mean R, G, B per cell, row-major, 0..255. */
  rgb: Float32Array;
}

/** Block-averages `img` into cells so that the long side has at most `maxCells` cells. */
export function colourGrid(img: RgbImage, maxCells = 240): ColourGrid {
  const cell = Math.max(1, Math.ceil(Math.max(img.width, img.height) / maxCells));
  const cols = Math.ceil(img.width / cell);
  const rows = Math.ceil(img.height / cell);
  const sum = new Float64Array(cols * rows * 3);
  const count = new Uint32Array(cols * rows);
  const { data, width, height } = img;
  for (let y = 0; y < height; y++) {
    const row = Math.floor(y / cell) * cols;
    for (let x = 0; x < width; x++) {
      const c = row + Math.floor(x / cell);
      const p = (y * width + x) * 3;
      sum[c * 3] = sum[c * 3]! + data[p]!;
      sum[c * 3 + 1] = sum[c * 3 + 1]! + data[p + 1]!;
      sum[c * 3 + 2] = sum[c * 3 + 2]! + data[p + 2]!;
      count[c]! += 1;
    }
  }
  const rgb = new Float32Array(cols * rows * 3);
  for (let c = 0; c < cols * rows; c++) {
    const n = count[c]! || 1;
    rgb[c * 3] = sum[c * 3]! / n;
    rgb[c * 3 + 1] = sum[c * 3 + 1]! / n;
    rgb[c * 3 + 2] = sum[c * 3 + 2]! / n;
  }
  return { cols, rows, cell, imageWidth: img.width, imageHeight: img.height, rgb };
}

/** Hue in degrees [0, 360), saturation and value in [0, 1] (HSV). */
export function hsv(r: number, g: number, b: number): [number, number, number] {
  const max = Math.max(r, g, b);
  const min = Math.min(r, g, b);
  const d = max - min;
  let h = 0;
  if (d > 0) {
    if (max === r) h = 60 * (((g - b) / d + 6) % 6);
    else if (max === g) h = 60 * ((b - r) / d + 2);
    else h = 60 * ((r - g) / d + 4);
  }
  return [h, max === 0 ? 0 : d / max, max / 255];
}

/** ITU-R BT.601 full-range YCbCr, each 0..255 (as JPEG stores it). */
export function ycbcr(r: number, g: number, b: number): [number, number, number] {
  return [
    0.299 * r + 0.587 * g + 0.114 * b,
    128 - 0.168736 * r - 0.331264 * g + 0.5 * b,
    128 + 0.5 * r - 0.418688 * g - 0.081312 * b,
  ];
}

/** A mask over the grid: one byte per cell, non-zero where the rule holds. */
export function maskOf(
  grid: ColourGrid,
  rule: (r: number, g: number, b: number, i: number) => boolean,
): Uint8Array {
  const m = new Uint8Array(grid.cols * grid.rows);
  for (let i = 0; i < m.length; i++)
    m[i] = rule(grid.rgb[i * 3]!, grid.rgb[i * 3 + 1]!, grid.rgb[i * 3 + 2]!, i) ? 1 : 0;
  return m;
}

export interface Blob {
  /** Cell indices in the blob. */
  cells: number[];
  /** Bounding box in cells, inclusive. */
  minCol: number;
  minRow: number;
  maxCol: number;
  maxRow: number;
  /** Share of the grid the blob covers, 0..1. */
  areaFraction: number;
  /** Share of its bounding box the blob fills, 0..1 (1 for a rectangle). */
  fill: number;
}

/** 8-connected components of a mask, largest first. */
export function blobs(mask: Uint8Array, cols: number, rows: number): Blob[] {
  const label = new Int32Array(mask.length).fill(-1);
  const out: Blob[] = [];
  const stack: number[] = [];
  for (let start = 0; start < mask.length; start++) {
    if (!mask[start] || label[start] !== -1) continue;
    const id = out.length;
    const cells: number[] = [];
    let [minCol, minRow, maxCol, maxRow] = [cols, rows, -1, -1];
    label[start] = id;
    stack.push(start);
    while (stack.length > 0) {
      const c = stack.pop()!;
      cells.push(c);
      const x = c % cols;
      const y = (c - x) / cols;
      if (x < minCol) minCol = x;
      if (x > maxCol) maxCol = x;
      if (y < minRow) minRow = y;
      if (y > maxRow) maxRow = y;
      for (let dy = -1; dy <= 1; dy++) {
        for (let dx = -1; dx <= 1; dx++) {
          const nx = x + dx;
          const ny = y + dy;
          if (nx < 0 || ny < 0 || nx >= cols || ny >= rows) continue;
          const n = ny * cols + nx;
          if (mask[n] && label[n] === -1) {
            label[n] = id;
            stack.push(n);
          }
        }
      }
    }
    const boxCells = (maxCol - minCol + 1) * (maxRow - minRow + 1);
    out.push({
      cells,
      minCol,
      minRow,
      maxCol,
      maxRow,
      areaFraction: cells.length / mask.length,
      fill: cells.length / boxCells,
    });
  }
  return out.sort((a, b) => b.cells.length - a.cells.length);
}

/** A blob's bounding box in the original image's pixels. */
export function blobBox(b: Blob, grid: ColourGrid): PixelBox {
  const x = b.minCol * grid.cell;
  const y = b.minRow * grid.cell;
  const w = Math.min(grid.imageWidth, (b.maxCol + 1) * grid.cell) - x;
  const h = Math.min(grid.imageHeight, (b.maxRow + 1) * grid.cell) - y;
  return [x, y, w, h];
}

/** Intersection over union of two [x, y, w, h] boxes. */
export function iou(a: PixelBox, b: PixelBox): number {
  const ix = Math.min(a[0] + a[2], b[0] + b[2]) - Math.max(a[0], b[0]);
  const iy = Math.min(a[1] + a[3], b[1] + b[3]) - Math.max(a[1], b[1]);
  if (ix <= 0 || iy <= 0) return 0;
  return (ix * iy) / (a[2] * a[3] + b[2] * b[3] - ix * iy);
}

/** Whether two [x, y, w, h] boxes overlap or lie within `gap` pixels of each other. */
export function boxesNear(a: PixelBox, b: PixelBox, gap: number): boolean {
  return (
    a[0] - gap <= b[0] + b[2] &&
    b[0] - gap <= a[0] + a[2] &&
    a[1] - gap <= b[1] + b[3] &&
    b[1] - gap <= a[1] + a[3]
  );
}

/** Mean of a per-cell value over the cells of a blob. */
export function meanOver(cells: readonly number[], value: (i: number) => number): number {
  let s = 0;
  for (const c of cells) s += value(c);
  return cells.length === 0 ? 0 : s / cells.length;
}
