/** The pg-replay bench's pure parts: its --points option and the fill marker a kept database carries. */
import { describe, expect, it } from 'vitest';
import { fillMarker, parseFillMarker, pointsOption } from '../../bench/pg-replay.ts';

describe('pg-replay fill marker', () => {
  it('reads back the points and fill time it records', () => {
    expect(parseFillMarker(fillMarker(100_000_000, 2299.6))).toEqual({ points: 100_000_000, fillS: 2300 });
  });

  it('answers null for no comment, another layout or another text, so the database is filled anew', () => {
    expect(parseFillMarker(null)).toBeNull();
    expect(parseFillMarker('pg-replay-fill-v0 points=100 fill_s=3')).toBeNull();
    expect(parseFillMarker(`${fillMarker(100, 3)} extra`)).toBeNull();
    expect(parseFillMarker('a database comment')).toBeNull();
  });
});

describe('pg-replay --points', () => {
  it('defaults to 10 million and reads underscores', () => {
    expect(pointsOption([])).toBe(10_000_000);
    expect(pointsOption(['--only', 'pg-replay', '--points', '100_000_000'])).toBe(100_000_000);
  });

  it('refuses fewer than one sortie of points or a non-integer, naming the option', () => {
    expect(() => pointsOption(['--points', '100'])).toThrow(
      /--points must be an integer of at least 7200, not '100'/,
    );
    expect(() => pointsOption(['--points', 'many'])).toThrow(/not 'many'/);
    expect(() => pointsOption(['--points'])).toThrow(/not ''/);
  });
});
