import { describe, expect, it } from 'vitest';
import { focusSlotAfterSend, focusWait } from './focus-rate.ts';

/** Offers states at `arrivals` (ms); a state that must wait is sent when its wait is over (newest only). */
function run(arrivals: number[], intervalMs = 100) {
  let slot: number | null = null;
  const sent: number[] = [];
  const delays: number[] = [];
  let pendingSince: number | null = null;
  let dueAt = Number.POSITIVE_INFINITY;
  const send = (t: number, arrivedAt: number) => {
    slot = focusSlotAfterSend(slot, t, intervalMs);
    sent.push(t);
    delays.push(t - arrivedAt);
  };
  for (const t of arrivals) {
    if (pendingSince !== null && dueAt <= t) {
      send(dueAt, pendingSince);
      pendingSince = null;
    }
    const wait = focusWait(slot, t, intervalMs);
    if (wait === 0 && pendingSince === null) send(t, t);
    else {
      // Newest only: a held-back state is replaced, its wait stays.
      if (pendingSince === null) dueAt = t + wait;
      pendingSince = t;
    }
  }
  return { sent, delays };
}

describe('focused vehicle rate limit', () => {
  it('sends every state of a vehicle reporting at 10 Hz with jitter as it arrives', () => {
    let seed = 7;
    const jitter = () => {
      seed = (seed * 1103515245 + 12345) % 2 ** 31;
      return (seed / 2 ** 31) * 60 - 30;
    };
    const arrivals = Array.from({ length: 600 }, (_, i) => i * 100 + jitter());
    arrivals.sort((a, b) => a - b);
    const { sent, delays } = run(arrivals);
    expect(sent).toHaveLength(600);
    expect(Math.max(...delays)).toBe(0);
  });

  it('holds a faster vehicle to 10 Hz over any window', () => {
    const arrivals = Array.from({ length: 3000 }, (_, i) => i * 20); // 50 Hz for 60 s
    const { sent } = run(arrivals);
    expect(sent.length).toBeGreaterThanOrEqual(590);
    for (let i = 0; i < sent.length; i++) {
      // Within any 1000 ms from a send: at most 1000 / 100 + 2 sends.
      const inWindow = sent.filter((t) => t >= sent[i]! && t < sent[i]! + 1000).length;
      expect(inWindow).toBeLessThanOrEqual(12);
    }
    // The average is the limit's, not more.
    expect(sent.length).toBeLessThanOrEqual(60_000 / 100 + 2);
  });

  it('lets the first state go at once and spaces a burst', () => {
    expect(focusWait(null, 5000, 100)).toBe(0);
    let slot = focusSlotAfterSend(null, 5000, 100);
    expect(focusWait(slot, 5001, 100)).toBe(49);
    expect(focusWait(slot, 5050, 100)).toBe(0);
    slot = focusSlotAfterSend(slot, 5050, 100);
    // The slot moved a whole interval: the next may go 50 ms before 5200.
    expect(slot).toBe(5100);
    expect(focusWait(slot, 5120, 100)).toBe(30);
    // After a long quiet spell the schedule restarts from now, with no credit saved up.
    slot = focusSlotAfterSend(slot, 9000, 100);
    expect(slot).toBe(8950);
    expect(focusWait(slot, 9000, 100)).toBe(0);
  });
});
