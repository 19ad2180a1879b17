/** Which part of an object a Range header asks for (the segment route's 206 / 416 / 200). */
import { describe, expect, it } from 'vitest';
import { rangeOf } from './http.ts';

describe('rangeOf', () => {
  it.each([
    ['bytes=4-7', { start: 4, end: 7 }],
    ['bytes=0-', { start: 0, end: 99 }],
    ['bytes=-10', { start: 90, end: 99 }],
    ['bytes=90-500', { start: 90, end: 99 }],
    ['bytes=0-4,5-9', { start: 0, end: 9 }],
  ])('%s of 100 bytes -> %j', (header, range) => {
    expect(rangeOf(header, 100)).toEqual(range);
  });

  it('answers unsatisfiable for a range past the end', () => {
    expect(rangeOf('bytes=100-200', 100)).toBe('unsatisfiable');
  });

  it('answers the whole object without a header, for a malformed one, other units or several ranges', () => {
    expect(rangeOf(undefined, 100)).toBeNull();
    expect(rangeOf('bytes=abc', 100)).toBeNull();
    expect(rangeOf('items=0-4', 100)).toBeNull();
    expect(rangeOf('bytes=0-4,50-60', 100)).toBeNull();
  });
});
