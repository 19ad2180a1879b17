import { describe, expect, it } from 'vitest';
import { nextStatusTextId, statusTextChunks } from './status-text.ts';

describe('STATUSTEXT chunks', () => {
  it('PX4: a 51-character text goes out as 50 + 1 characters under one id', () => {
    const text = 'RTL: start return at 520 m (30 m above destination)';
    expect(text).toHaveLength(51);
    expect(statusTextChunks('px4', text, 7)).toEqual([
      { text: 'RTL: start return at 520 m (30 m above destination', id: 7, chunkSeq: 0 },
      { text: ')', id: 7, chunkSeq: 1 },
    ]);
  });

  it('PX4 numbers short texts too; exactly 50 characters is one chunk with no empty terminator', () => {
    expect(statusTextChunks('px4', 'Armed by external command', 3)).toEqual([
      { text: 'Armed by external command', id: 3, chunkSeq: 0 },
    ]);
    expect(statusTextChunks('px4', 'x'.repeat(100), 4).map((c) => [c.text.length, c.chunkSeq])).toEqual([
      [50, 0],
      [50, 1],
    ]);
  });

  it('ArduPilot: id 0 on a text that fits, a non-zero id on chunks', () => {
    expect(statusTextChunks('ardupilot', 'Battery 1 is low', 9)).toEqual([
      { text: 'Battery 1 is low', id: 0, chunkSeq: 0 },
    ]);
    expect(statusTextChunks('ardupilot', 'y'.repeat(120), 9).map((c) => [c.id, c.chunkSeq])).toEqual([
      [9, 0],
      [9, 1],
      [9, 2],
    ]);
    expect(nextStatusTextId('ardupilot', 0xffff)).toBe(1);
    expect(nextStatusTextId('px4', 0xffff)).toBe(0);
  });
});
