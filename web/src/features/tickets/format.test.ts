import { describe, expect, it } from 'vitest';
import { rowCountdown, splitDuration, transitionErrorKey } from './format.ts';

const H = 3_600_000;
const T0 = Date.parse('2026-06-01T02:00:00Z');
const iso = (t: number) => new Date(t).toISOString();

describe('rowCountdown', () => {
  const base = { status: 'dispatched' as const, dispatchedAt: iso(T0), signedAt: null, overdue: false };

  it('has no clock without a deadline', () => {
    expect(rowCountdown({ ...base, dueAt: null }, T0)).toEqual({ level: 'none', remainingMs: null });
  });

  it('is ok before 80 % of the time, warning from 80 %, overdue past the deadline', () => {
    const t = { ...base, dueAt: iso(T0 + 10 * H) };
    expect(rowCountdown(t, T0 + 7.9 * H)).toEqual({ level: 'ok', remainingMs: 2.1 * H });
    expect(rowCountdown(t, T0 + 8 * H).level).toBe('warning');
    expect(rowCountdown(t, T0 + 10 * H).level).toBe('overdue');
    expect(rowCountdown(t, T0 + 11 * H)).toEqual({ level: 'overdue', remainingMs: -H });
  });

  it("trusts the server's overdue flag even when the local clock is behind", () => {
    expect(rowCountdown({ ...base, dueAt: iso(T0 + 10 * H), overdue: true }, T0).level).toBe('overdue');
  });

  it('measures the handling clock from signing', () => {
    const t = {
      ...base,
      status: 'in_progress' as const,
      signedAt: iso(T0 + 10 * H),
      dueAt: iso(T0 + 20 * H),
    };
    // 85 % since dispatch, 50 % since signing.
    expect(rowCountdown(t, T0 + 15 * H).level).toBe('ok');
    expect(rowCountdown(t, T0 + 18.5 * H).level).toBe('warning');
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
