/** The bench's results merge (`--only GROUP`) and README table: groups stay in their run order. */
import { describe, expect, it } from 'vitest';
import type { BenchEntry } from '../../bench/lib.ts';
import { benchTable, groupOf, mergeResults } from '../../bench/results-table.ts';

const entry = (name: string, value = 1): BenchEntry => ({
  name,
  value,
  unit: 'ms',
  target: '< 5',
  met: true,
});
const ORDER = ['ingest', 'queries', 'inference', 'inference-queue', 'video'];
const previous = [
  entry('ingest: decode'),
  entry('queries: sortie list'),
  entry('queries: replay'),
  entry('inference: frames/s'),
  entry('inference-queue: frames/s'),
  entry('video: p50'),
];

describe('bench results of one group (--only)', () => {
  it('replace that group where it stands in the run order, not at the end', () => {
    const merged = mergeResults(
      previous,
      [entry('queries: sortie list', 2), entry('queries: replay', 3)],
      'queries',
      ORDER,
    );
    expect(merged.map((e) => `${e.name}=${e.value}`)).toEqual([
      'ingest: decode=1',
      'queries: sortie list=2',
      'queries: replay=3',
      'inference: frames/s=1',
      'inference-queue: frames/s=1',
      'video: p50=1',
    ]);
  });

  it('drop the figures the group no longer makes and keep a group that is a prefix of another apart', () => {
    const merged = mergeResults(previous, [entry('inference: frames/s per core', 9)], 'inference', ORDER);
    expect(merged.map((e) => e.name)).toEqual([
      'ingest: decode',
      'queries: sortie list',
      'queries: replay',
      'inference: frames/s per core',
      'inference-queue: frames/s',
      'video: p50',
    ]);
  });

  it('put a group missing from the last run in its place, and one no longer run after the rest', () => {
    const merged = mergeResults(
      [entry('retired: old figure'), ...previous.filter((e) => groupOf(e) !== 'queries')],
      [entry('queries: replay', 4)],
      'queries',
      ORDER,
    );
    expect(merged.map((e) => e.name)).toEqual([
      'ingest: decode',
      'queries: replay',
      'inference: frames/s',
      'inference-queue: frames/s',
      'video: p50',
      'retired: old figure',
    ]);
  });
});

describe('the bench table', () => {
  it('writes one row per figure in the given order, an unmet target in bold', () => {
    expect(benchTable([entry('queries: replay', 25.9), { ...entry('video: p50', 80), met: false }])).toBe(
      [
        '| benchmark | value | target | met |',
        '| --- | --- | --- | --- |',
        '| queries: replay | 25.9 ms | < 5 | yes |',
        '| video: p50 | 80 ms | < 5 | **no** |',
      ].join('\n'),
    );
  });
});
