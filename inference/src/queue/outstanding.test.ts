import { describe, expect, it } from 'vitest';
import { Outstanding } from './outstanding.ts';

const entry = (vehicleId: string, seq: number, sentAtMs = seq * 100) => ({ vehicleId, seq, sentAtMs });

describe('outstanding frames', () => {
  it("an answer drops the vehicle's older frames only, and is handled once", () => {
    const book = new Outstanding();
    book.add('a1', entry('A', 1));
    book.add('b2', entry('B', 2));
    book.add('a3', entry('A', 3));
    book.add('a4', entry('A', 4));
    const first = book.answer('a3');
    expect(first.entry?.seq).toBe(3);
    expect(first.dropped.map((e) => e.seq)).toEqual([1]);
    expect(book.size).toBe(2);
    expect(book.answer('a3')).toEqual({ entry: undefined, dropped: [] });
    expect(book.answer('b2').dropped).toEqual([]);
    expect(book.answer('a4').entry?.seq).toBe(4);
    expect(book.size).toBe(0);
  });

  it('refuses a job id twice, removes replaced frames, expires old ones and drains', () => {
    const book = new Outstanding();
    book.add('x', entry('A', 1, 1000));
    expect(() => book.add('x', entry('A', 2))).toThrow(/already outstanding/);
    book.add('y', entry('B', 2, 5000));
    book.add('z', entry('C', 3, 9000));
    expect(book.remove('y')?.vehicleId).toBe('B');
    expect(book.remove('y')).toBeUndefined();
    expect(book.expire(1000).map((e) => e.vehicleId)).toEqual(['A']);
    expect(book.drain().map((e) => e.vehicleId)).toEqual(['C']);
    expect(book.size).toBe(0);
  });
});
