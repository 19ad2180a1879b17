import { describe, expect, it } from 'vitest';
import { chunks } from './batch.ts';

describe('chunks', () => {
  it('slices in order, the last slice holding the rest', () => {
    expect(chunks([1, 2, 3, 4, 5], 2)).toEqual([[1, 2], [3, 4], [5]]);
    expect(chunks([1, 2], 2)).toEqual([[1, 2]]);
    expect(chunks([], 3)).toEqual([]);
    expect(chunks(Array.from({ length: 1001 }, (_, i) => i)).map((c) => c.length)).toEqual([500, 500, 1]);
  });

  it('refuses a size that is not a positive integer', () => {
    expect(() => chunks([1], 0)).toThrow(/positive integer, not 0/);
    expect(() => chunks([1], 1.5)).toThrow(/positive integer/);
  });
});
