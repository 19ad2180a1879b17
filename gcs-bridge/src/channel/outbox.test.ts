import { describe, expect, it } from 'vitest';
import type { ChannelItem } from './events.ts';
import { ChannelOutbox } from './outbox.ts';

const state = (sysid: number, atMs: number) =>
  ({ kind: 'state', sysid, atMs, state: { sysid } as never }) as const;
const event = (sysid: number, atMs: number, text = `e${atMs}`) =>
  ({
    kind: 'event',
    sysid,
    atMs,
    event: { type: 'status_text', atMs, severity: 6, severityName: 'info', text },
  }) as const;

const seqs = (items: ChannelItem[]) => items.map((i) => i.seq);

describe('ChannelOutbox', () => {
  it('numbers items 1, 2, 3, ... across kinds and returns batches in seq order', () => {
    const box = new ChannelOutbox();
    box.push(state(1, 1));
    box.push(event(1, 2));
    box.push(state(2, 3));
    box.push(event(2, 4));
    box.push(event(2, 5));
    expect(seqs(box.batch(10))).toEqual([1, 2, 3, 4, 5]);
    expect(seqs(box.batch(3))).toEqual([1, 2, 3]);
    expect(box.batch(10).map((i) => i.kind)).toEqual(['state', 'event', 'state', 'event', 'event']);
  });

  it('forgets acknowledged items and replays the rest; seq keeps counting after an ack', () => {
    const box = new ChannelOutbox();
    for (let i = 0; i < 6; i++) box.push(i % 2 ? event(1, i) : state(1, i));
    expect(box.ack(4)).toBe(4);
    expect(seqs(box.batch(10))).toEqual([5, 6]);
    // A stale or repeated ack changes nothing.
    expect(box.ack(2)).toBe(0);
    expect(box.push(state(1, 7)).seq).toBe(7);
    expect(seqs(box.batch(10))).toEqual([5, 6, 7]);
    expect(box.stats()).toMatchObject({ size: 3, lastSeq: 7, ackedSeq: 4 });
  });

  it('when full, drops the oldest telemetry first and keeps every event', () => {
    const box = new ChannelOutbox({ maxItems: 5 });
    box.push(state(1, 1)); // seq 1
    box.push(event(1, 2)); // seq 2
    box.push(state(1, 3)); // seq 3
    box.push(event(1, 4)); // seq 4
    box.push(state(1, 5)); // seq 5
    box.push(event(1, 6)); // seq 6 -> drops state 1
    expect(seqs(box.batch(10))).toEqual([2, 3, 4, 5, 6]);
    box.push(state(1, 7)); // seq 7 -> drops state 3
    expect(seqs(box.batch(10))).toEqual([2, 4, 5, 6, 7]);
    expect(box.stats().droppedStates).toBe(2);
    // The newest state is always among what is kept.
    expect(box.batch(10).at(-1)).toMatchObject({ kind: 'state', atMs: 7 });
  });

  it('grows beyond the bound when events alone fill it, and warns at the bound and at each doubling', () => {
    const warnings: number[] = [];
    const box = new ChannelOutbox({ maxItems: 4, onWarn: (_m, d) => warnings.push(d.events) });
    box.push(state(1, 0));
    box.push(state(1, 0));
    for (let i = 1; i <= 20; i++) box.push(event(1, i));
    const kept = box.batch(100);
    // Every event, plus the newest state (seq 2); the older state went first.
    expect(kept).toHaveLength(21);
    expect(seqs(kept)).toEqual(Array.from({ length: 21 }, (_, i) => i + 2));
    expect(kept.filter((i) => i.kind === 'state').map((i) => i.seq)).toEqual([2]);
    expect(warnings).toEqual([5, 9, 17]);
    // Once drained below the bound, the next overflow warns again.
    box.ack(21);
    for (let i = 0; i < 5; i++) box.push(event(1, 100 + i));
    expect(warnings).toEqual([5, 9, 17, 5]);
  });

  it('keeps a long stream intact: every event once, in order; telemetry thinned to the newest', () => {
    for (const maxItems of [1500, 100]) {
      const box = new ChannelOutbox({ maxItems });
      const events: number[] = [];
      let lastState = 0;
      for (let i = 0; i < 10_000; i++) {
        const item = box.push(i % 10 === 0 ? event(1, i) : state(1, i));
        if (item.kind === 'event') events.push(item.seq);
        else lastState = item.seq;
      }
      const all = box.batch(100_000);
      expect(all.filter((i) => i.kind === 'event').map((i) => i.seq)).toEqual(events);
      const states = all.filter((i) => i.kind === 'state').map((i) => i.seq);
      // Room left by the 1000 events holds the newest states; with no room, the newest one.
      expect(states.length).toBe(Math.max(1, maxItems - events.length));
      expect(states.at(-1)).toBe(lastState);
      const s = seqs(all);
      expect([...s].sort((a, b) => a - b)).toEqual(s);
    }
  });

  it('cuts a batch at the byte bound, but always sends at least one item', () => {
    const box = new ChannelOutbox();
    for (let i = 1; i <= 10; i++) box.push(event(1, i, 'x'.repeat(1000)));
    const one = JSON.stringify(box.batch(1)[0]).length;
    expect(box.batch(100, one * 3 + 10)).toHaveLength(3);
    expect(box.batch(100, 5)).toHaveLength(1);
    expect(box.batch(2, one * 100)).toHaveLength(2);
  });

  it('refuses a bound that is not a positive integer', () => {
    expect(() => new ChannelOutbox({ maxItems: 0 })).toThrow(/maxItems/);
  });
});
