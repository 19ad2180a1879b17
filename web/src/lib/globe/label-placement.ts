/**
 * Which labels on the globe to show: a greedy collision pass in screen space, as map
 * renderers place labels (MapLibre's symbol placement, much simplified). Labels are taken in
 * priority order and a label is shown only where it overlaps no label already placed and no
 * symbol on the map (an aircraft's arrow, a dock's ring), so a
 * district overview of 200 aircraft shows the names that fit rather than an unreadable heap,
 * and the ones left out cost the renderer nothing (the caller removes them from the scene).
 *
 * Pure: screen boxes in, keys out. Ties in priority go to labels already showing (so labels
 * do not trade places while aircraft move), then to the key, so the result is stable.
 */

/** A label's box on screen, in CSS pixels from the top left of the globe's canvas. */
export interface LabelBox {
  key: string;
  left: number;
  top: number;
  right: number;
  bottom: number;
  /** Higher is placed first (the focused vehicle, then warnings, flying aircraft, docks). */
  priority: number;
  /** Shown now: wins ties, which keeps the placement steady from one pass to the next. */
  shown: boolean;
}

export interface PlacementOptions {
  /** The canvas size; boxes entirely outside it are not shown. */
  width: number;
  height: number;
  /** Empty space kept around every placed label (and between labels and obstacles), in pixels. */
  padding?: number;
  /** Size of the grid cells that index placed boxes; larger than a typical label is fine. */
  cellPx?: number;
}

/** A symbol drawn whatever happens (an aircraft's arrow, a dock's ring) that no label may cover. */
export interface Obstacle {
  left: number;
  top: number;
  right: number;
  bottom: number;
}

/** The keys of the labels to show: none covers another label or an obstacle. */
export function placeLabels(
  boxes: readonly LabelBox[],
  opts: PlacementOptions,
  obstacles: readonly Obstacle[] = [],
): Set<string> {
  const padding = opts.padding ?? 2;
  const cell = opts.cellPx ?? 64;
  const order = boxes
    .filter((b) => b.right > 0 && b.bottom > 0 && b.left < opts.width && b.top < opts.height)
    .sort(
      (a, b) =>
        b.priority - a.priority ||
        Number(b.shown) - Number(a.shown) ||
        (a.key < b.key ? -1 : a.key > b.key ? 1 : 0),
    );
  const grid = new Map<number, Obstacle[]>();
  const cols = Math.ceil(opts.width / cell) + 2;
  const cellsOf = (b: Obstacle): number[] => {
    const out: number[] = [];
    const x0 = Math.floor((b.left - padding) / cell);
    const x1 = Math.floor((b.right + padding) / cell);
    const y0 = Math.floor((b.top - padding) / cell);
    const y1 = Math.floor((b.bottom + padding) / cell);
    for (let y = y0; y <= y1; y++) for (let x = x0; x <= x1; x++) out.push((y + 1) * cols + (x + 1));
    return out;
  };
  const overlaps = (a: Obstacle, b: Obstacle) =>
    a.left - padding < b.right &&
    b.left < a.right + padding &&
    a.top - padding < b.bottom &&
    b.top < a.bottom + padding;
  const insert = (box: Obstacle) => {
    for (const c of cellsOf(box)) {
      const there = grid.get(c);
      if (there) there.push(box);
      else grid.set(c, [box]);
    }
  };
  for (const o of obstacles) insert(o);
  const placed = new Set<string>();
  for (const box of order) {
    const cells = cellsOf(box);
    let free = true;
    for (const c of cells) {
      const there = grid.get(c);
      if (there?.some((other) => overlaps(box, other))) {
        free = false;
        break;
      }
    }
    if (!free) continue;
    placed.add(box.key);
    insert(box);
  }
  return placed;
}
