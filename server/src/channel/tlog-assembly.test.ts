/** Putting 'bridge.tlog' chunks back together: order, resends, mismatches and bounds. */
import { type TlogChunk, tlogChunks } from '@aerie/gcs-bridge';
import { describe, expect, it } from 'vitest';
import { type ChunkOutcome, TlogAssembler } from './tlog-assembly.ts';

const bytes = (n: number, salt = 0) =>
  Buffer.from(Array.from({ length: n }, (_, i) => (i * 13 + salt) & 0xff));

const chunksOf = (id: string, data: Buffer, size = 100): TlogChunk[] =>
  tlogChunks(
    { uploadId: id, sysid: 2, fromMs: 10, toMs: 20, bytes: data, records: 1, truncated: false, afterSeq: 0 },
    size,
  );

const feed = (a: TlogAssembler, bridge: string, chunks: TlogChunk[]): ChunkOutcome[] =>
  chunks.map((c) => a.accept(bridge, c));

describe('TlogAssembler', () => {
  it('assembles the chunks in order into the original bytes', () => {
    const a = new TlogAssembler();
    const data = bytes(350);
    const out = feed(a, 'b1', chunksOf('u', data));
    expect(out.slice(0, 3)).toEqual([
      { kind: 'partial', received: 1 },
      { kind: 'partial', received: 2 },
      { kind: 'partial', received: 3 },
    ]);
    const last = out[3]!;
    expect(last.kind).toBe('complete');
    if (last.kind !== 'complete') return;
    expect(last.tlog).toMatchObject({ uploadId: 'u', sysid: 2, fromMs: 10, toMs: 20, truncated: false });
    expect(last.tlog.bytes.equals(data)).toBe(true);
    expect(a.stats()).toEqual({ uploads: 0, bytes: 0 });
  });

  it('answers a repeated chunk again, restarts on chunk 0, and refuses a gap', () => {
    const a = new TlogAssembler();
    const data = bytes(300);
    const [c0, c1, c2] = chunksOf('u', data);
    a.accept('b1', c0);
    a.accept('b1', c1);
    expect(a.accept('b1', c1)).toEqual({ kind: 'partial', received: 2 }); // its ack was lost
    expect(a.accept('b1', c0)).toEqual({ kind: 'partial', received: 1 }); // the bridge started over
    expect(a.accept('b1', c2)).toMatchObject({ kind: 'refused', code: 'OutOfOrder' });
    const done = feed(a, 'b1', [c0!, c1!, c2!]).at(-1)!;
    expect(done.kind === 'complete' && done.tlog.bytes.equals(data)).toBe(true);
    // A chunk of an upload the server never saw start (it restarted): start over.
    expect(a.accept('b1', c1)).toMatchObject({ kind: 'refused', code: 'OutOfOrder' });
  });

  it('keeps uploads of different bridges and ids apart', () => {
    const a = new TlogAssembler();
    const x = chunksOf('same', bytes(200, 1));
    const y = chunksOf('same', bytes(200, 2));
    a.accept('b1', x[0]);
    a.accept('b2', y[0]);
    const bx = a.accept('b1', x[1]);
    const by = a.accept('b2', y[1]);
    expect(bx.kind === 'complete' && bx.tlog.bytes.equals(bytes(200, 1))).toBe(true);
    expect(by.kind === 'complete' && by.tlog.bytes.equals(bytes(200, 2))).toBe(true);
  });

  it('refuses malformed or inconsistent chunks with a message naming the field', () => {
    const a = new TlogAssembler();
    const [c0, c1] = chunksOf('u', bytes(200));
    const bad = (patch: Record<string, unknown>) => a.accept('b1', { ...c0, ...patch });
    expect(a.accept('b1', null)).toMatchObject({ kind: 'refused', code: 'BadChunk' });
    expect(bad({ uploadId: '' })).toMatchObject({
      code: 'BadChunk',
      message: expect.stringMatching(/uploadId/),
    });
    expect(bad({ sysid: 0 })).toMatchObject({ message: expect.stringMatching(/sysid/) });
    expect(bad({ fromMs: 30 })).toMatchObject({ message: expect.stringMatching(/fromMs/) });
    expect(bad({ index: 2 })).toMatchObject({ message: expect.stringMatching(/index/) });
    expect(bad({ chunk: 'text' })).toMatchObject({ message: expect.stringMatching(/binary/) });
    expect(bad({ totalBytes: 1e12 })).toMatchObject({ message: expect.stringMatching(/totalBytes/) });
    a.accept('b1', c0);
    expect(a.accept('b1', { ...c1!, toMs: 99 })).toMatchObject({
      code: 'BadChunk',
      message: expect.stringMatching(/does not match/),
    });
    // The inconsistent upload is gone: its next chunk has nothing to join.
    expect(a.accept('b1', c1)).toMatchObject({ code: 'OutOfOrder' });
    // Chunks that add up to more or less than announced.
    a.accept('b1', { ...c0!, totalBytes: 150 });
    expect(a.accept('b1', { ...c1!, totalBytes: 150 })).toMatchObject({ code: 'BadChunk' });
  });

  it('stays bounded: idle assemblies expire, the oldest make room, a chunk that cannot fit is Busy', () => {
    let now = 0;
    const a = new TlogAssembler({ maxPendingBytes: 250, maxIdleMs: 1000, now: () => now });
    a.accept('b1', chunksOf('old', bytes(300))[0]);
    now = 500;
    a.accept('b1', chunksOf('mid', bytes(300))[0]);
    expect(a.stats()).toEqual({ uploads: 2, bytes: 200 });
    now = 600;
    // 100 more bytes do not fit: the oldest other assembly goes.
    a.accept('b1', chunksOf('new', bytes(300))[0]);
    expect(a.stats()).toEqual({ uploads: 2, bytes: 200 });
    expect(a.accept('b1', chunksOf('old', bytes(300))[1])).toMatchObject({ code: 'OutOfOrder' });
    now = 2000; // both idle past maxIdleMs
    a.accept('b1', chunksOf('x', bytes(300))[0]);
    expect(a.stats()).toEqual({ uploads: 1, bytes: 100 });
    const huge = new TlogAssembler({ maxPendingBytes: 50 });
    expect(huge.accept('b1', chunksOf('h', bytes(300))[0])).toMatchObject({ code: 'Busy' });
  });
});
