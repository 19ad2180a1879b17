import type { ImageFinding } from '@aerie/contracts';
import { describe, expect, it } from 'vitest';
import { markdown, type Sample, score } from './evaluate.ts';

const f = (category: ImageFinding['category'], s: number): ImageFinding => ({
  category,
  label: 'x',
  score: s,
  box: [0, 0, 1, 1],
  detector: { name: 'd', version: '1', kind: 'image-analysis' },
});

describe('image-level precision and recall', () => {
  const samples: Sample[] = [
    { file: 'a', truth: 'fire_smoke' },
    { file: 'b', truth: 'fire_smoke' },
    { file: 'c', truth: 'negative' },
    { file: 'd', truth: 'construction' },
  ];
  // a: found at 0.7; b: only at 0.3 (triage, not auto); c: a false alarm at 0.4; d: a construction image.
  const findings = [
    [f('fire_smoke', 0.7)],
    [f('fire_smoke', 0.3), f('vehicle', 0.9)],
    [f('fire_smoke', 0.4)],
    [],
  ];

  it('counts an image once, at each operating point', () => {
    const rows = score('d', samples, findings, ['fire_smoke']);
    expect(rows.find((r) => r.point === 'triage')).toMatchObject({ tp: 2, fp: 1, fn: 0, recall: 1 });
    expect(rows.find((r) => r.point === 'triage')!.precision).toBeCloseTo(2 / 3, 9);
    expect(rows.find((r) => r.point === 'auto')).toMatchObject({
      tp: 1,
      fp: 0,
      fn: 1,
      precision: 1,
      recall: 0.5,
    });
  });

  it('says n/a for precision when nothing was reported', () => {
    const rows = score('d', samples, findings, ['construction']);
    expect(rows.find((r) => r.point === 'triage')).toMatchObject({ tp: 0, fp: 0, fn: 1, precision: null });
    expect(markdown(rows, samples)).toContain(
      '| d | construction | n/a (0/0) | 0% (0/1) | n/a (0/0) | 0% (0/1) |',
    );
  });
});
