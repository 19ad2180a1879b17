import { describe, expect, it } from 'vitest';
import { currentItemIndex, toTimeline } from './timeline.ts';
import type { SortieEvent } from './types.ts';

const T0 = Date.parse('2026-06-01T02:00:00.000Z');
let n = 0;
function ev(
  sec: number,
  kind: string,
  message: string,
  data: Record<string, unknown> | null = null,
): SortieEvent {
  n += 1;
  return { id: `e${n}`, at: new Date(T0 + sec * 1000).toISOString(), kind, severity: 'info', message, data };
}

describe('toTimeline', () => {
  const span = { startMs: T0, endMs: T0 + 100_000 };

  it('places each shown event on the span with the fields its sentence needs', () => {
    const items = toTimeline(
      [
        ev(0, 'armed', 'Armed'),
        ev(5, 'takeoff', 'Took off'),
        ev(20, 'mode_changed', 'Mode HOLD', { type: 'mode_changed', from: 'TAKEOFF', to: 'HOLD' }),
        ev(50, 'mission_item_reached', 'Reached mission item 3', { type: 'mission_item_reached', seq: 3 }),
        ev(60, 'status_text', 'Low battery', { text: 'Low battery', severity: 4 }),
        ev(90, 'landing', 'Landed'),
        ev(100, 'disarmed', 'Disarmed'),
      ],
      span,
    );
    expect(items.map((i) => i.kind)).toEqual([
      'armed',
      'takeoff',
      'mode',
      'mission',
      'status',
      'landing',
      'disarmed',
    ]);
    expect(items.map((i) => i.fraction)).toEqual([0, 0.05, 0.2, 0.5, 0.6, 0.9, 1]);
    expect(items[2]!.params).toEqual({ mode: 'HOLD' });
    expect(items[3]!.params).toEqual({ seq: 3 });
    expect(items[4]!.params).toEqual({ text: 'Low battery' });
  });

  it('reads the mode and item from the message when the event has no data', () => {
    const items = toTimeline(
      [ev(1, 'mode_changed', 'Mode RTL'), ev(2, 'mission_item_reached', 'Reached mission item 7')],
      span,
    );
    expect(items[0]!.params).toEqual({ mode: 'RTL' });
    expect(items[1]!.params).toEqual({ seq: 7 });
  });

  it('leaves out bookkeeping events and sorts by time', () => {
    const items = toTimeline(
      [
        ev(30, 'landing', 'Landed'),
        ev(10, 'landed_state_changed', 'Landed state in air'),
        ev(11, 'mission_current_changed', 'Mission item 1 of 4'),
        ev(12, 'home_changed', 'Home set'),
        ev(5, 'lost', 'Link lost'),
      ],
      span,
    );
    expect(items.map((i) => i.kind)).toEqual(['link_lost', 'landing']);
  });

  it('clamps events outside the span to its ends', () => {
    const items = toTimeline([ev(-10, 'armed', 'Armed'), ev(200, 'disarmed', 'Disarmed')], span);
    expect(items.map((i) => i.fraction)).toEqual([0, 1]);
  });
});

describe('currentItemIndex', () => {
  it('is the last event the replay has passed', () => {
    const items = toTimeline([ev(0, 'armed', 'Armed'), ev(10, 'takeoff', 'Took off')], {
      startMs: T0,
      endMs: T0 + 20_000,
    });
    expect(currentItemIndex(items, T0 - 1)).toBe(-1);
    expect(currentItemIndex(items, T0 + 5000)).toBe(0);
    expect(currentItemIndex(items, T0 + 10_000)).toBe(1);
  });
});
