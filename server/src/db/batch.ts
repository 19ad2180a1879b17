/**
 * Multi-row inserts in slices: one statement per slice instead of one per row, each slice well
 * under SQLite's limit of bound parameters (32,766) for the widest Aerie table.
 */
export const INSERT_CHUNK_ROWS = 500;

/** `items` in consecutive slices of at most `size` (a positive integer). */
export function chunks<T>(items: readonly T[], size = INSERT_CHUNK_ROWS): T[][] {
  if (!Number.isInteger(size) || size < 1)
    throw new Error(`chunks: size must be a positive integer, not ${size}`);
  const out: T[][] = [];
  for (let i = 0; i < items.length; i += size) out.push(items.slice(i, i + size));
  return out;
}
