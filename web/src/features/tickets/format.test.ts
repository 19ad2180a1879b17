import { describe, expect, it } from 'vitest';
import { splitDuration, ticketCountdown, transitionErrorKey } from './format.ts';

const H = 3_600_000;

describe('ticketCountdown', () => {
  it('has no clock without a running time limit', () => {
    expect(ticketCountdown(null)).toEqual({ level: 'none', remainingMs: null });
  });

  it("shows the server's working time left and its level, not the wall-clock distance", () => {
    // Friday 17:00 with 2 working hours left: the deadline is Monday 10:00, 65 wall-clock hours on.
    expect(ticketCountdown({ level: 'ok', remainingWorkingMs: 2 * H })).toEqual({
      level: 'ok',
      remainingMs: 2 * H,
    });
    expect(ticketCountdown({ level: 'warning', remainingWorkingMs: 0.5 * H }).level).toBe('warning');
    expect(ticketCountdown({ level: 'overdue', remainingWorkingMs: -H })).toEqual({
      level: 'overdue',
      remainingMs: -H,
    });
  });
});

describe('splitDuration', () => {
  it('splits the absolute value into days, hours and minutes', () => {
    expect(splitDuration(26 * H + 5 * 60_000 + 59_000)).toEqual({ d: 1, h: 2, m: 5 });
    expect(splitDuration(-90 * 60_000)).toEqual({ d: 0, h: 1, m: 30 });
  });
});

describe('transitionErrorKey', () => {
  it('names known codes and falls back for others', () => {
    expect(transitionErrorKey('Conflict')).toBe('tickets.errors.Conflict');
    expect(transitionErrorKey('ProofRequired')).toBe('tickets.errors.ProofRequired');
    expect(transitionErrorKey('Teapot')).toBe('tickets.errors.other');
  });
});
