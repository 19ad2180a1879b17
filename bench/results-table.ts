/**
 * The bench's results file and README table: what `--only GROUP` merges into the last full run,
 * and the table written from it. Pure, so the order is tested (tests/src/bench-table.test.ts).
 */
import type { BenchEntry } from './lib.ts';

/** The group an entry belongs to: the text before its first `:` (`queries: one-hour ...`). */
export function groupOf(entry: Pick<BenchEntry, 'name'>): string {
  const i = entry.name.indexOf(':');
  return i < 0 ? entry.name : entry.name.slice(0, i);
}

/**
 * The previous figures with `only`'s replaced by `fresh`, every group in `order` (the run order);
 * entries of a group not in `order` (one since removed) keep their place after the known ones.
 */
export function mergeResults(
  previous: readonly BenchEntry[],
  fresh: readonly BenchEntry[],
  only: string,
  order: readonly string[],
): BenchEntry[] {
  const names = new Set(fresh.map((r) => r.name));
  const kept = previous.filter((p) => !names.has(p.name) && groupOf(p) !== only);
  const rank = (e: BenchEntry) => {
    const i = order.indexOf(groupOf(e));
    return i < 0 ? order.length : i;
  };
  // Array.prototype.sort is stable: within a group, entries stay in the order they were written.
  return [...kept, ...fresh].sort((a, b) => rank(a) - rank(b));
}

/** The Markdown table of `entries`, one row each, in their order. */
export function benchTable(entries: readonly BenchEntry[]): string {
  return [
    '| benchmark | value | target | met |',
    '| --- | --- | --- | --- |',
    ...entries.map((e) => `| ${e.name} | ${e.value} ${e.unit} | ${e.target} | ${e.met ? 'yes' : '**no**'} |`),
  ].join('\n');
}
