/** Cutting a sortie tlog into chunks, and the bounded queue of uploads. */
import { describe, expect, it } from 'vitest';
import { type TlogUpload, TlogUploadQueue, tlogChunks } from './tlog-upload.ts';

const upload = (id: string, n: number, afterSeq = 0): TlogUpload => ({
  uploadId: id,
  sysid: 3,
  fromMs: 1000,
  toMs: 2000,
  bytes: Buffer.from(Array.from({ length: n }, (_, i) => (i * 7) & 0xff)),
  records: 1,
  truncated: false,
  afterSeq,
});

describe('tlogChunks', () => {
  it('cuts into ordered chunks of at most chunkBytes that join back to the bytes', () => {
    const u = upload('u1', 1000);
    const chunks = tlogChunks(u, 300);
    expect(chunks.map((c) => [c.index, c.count, c.chunk.length])).toEqual([
      [0, 4, 300],
      [1, 4, 300],
      [2, 4, 300],
      [3, 4, 100],
    ]);
    expect(Buffer.concat(chunks.map((c) => c.chunk)).equals(u.bytes)).toBe(true);
    for (const c of chunks)
      expect(c).toMatchObject({
        uploadId: 'u1',
        sysid: 3,
        fromMs: 1000,
        toMs: 2000,
        totalBytes: 1000,
        truncated: false,
      });
  });

  it('an exact multiple makes no empty tail; an empty recording is one empty chunk', () => {
    expect(tlogChunks(upload('a', 600), 300)).toHaveLength(2);
    const empty = tlogChunks(upload('b', 0), 300);
    expect(empty).toHaveLength(1);
    expect(empty[0]).toMatchObject({ index: 0, count: 1, totalBytes: 0 });
  });

  it('refuses a chunk size that is not a positive integer', () => {
    expect(() => tlogChunks(upload('a', 10), 0)).toThrow(/chunkBytes/);
  });
});

describe('TlogUploadQueue', () => {
  it('hands out an upload only once its disarm event is acknowledged, oldest first', () => {
    const q = new TlogUploadQueue();
    q.add(upload('a', 10, 5));
    q.add(upload('b', 10, 9));
    expect(q.next(4)).toBeUndefined();
    expect(q.next(5)?.uploadId).toBe('a');
    q.remove('a');
    expect(q.next(8)).toBeUndefined();
    expect(q.next(9)?.uploadId).toBe('b');
    expect(q.size).toBe(1);
  });

  it('stays bounded in bytes by dropping the oldest upload, and says so', () => {
    const dropped: string[] = [];
    const q = new TlogUploadQueue({ maxBytes: 250, onDrop: (u) => dropped.push(u.uploadId) });
    q.add(upload('a', 100));
    q.add(upload('b', 100));
    q.add(upload('c', 100));
    expect(dropped).toEqual(['a']);
    expect(q.totalBytes).toBe(200);
    // A single recording larger than the bound is still kept (it is all there is).
    q.add(upload('big', 1000));
    expect(dropped).toEqual(['a', 'b', 'c']);
    expect(q.next(0)?.uploadId).toBe('big');
  });
});
