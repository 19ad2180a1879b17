import dayjs from 'dayjs';
import { describe, expect, it } from 'vitest';
import { dayRange, formatAt } from './display-time.ts';
import { formatDuration, formatKm, formatNumber, formatOffset } from './format.ts';

describe('figures', () => {
  it('formats durations as m:ss and h:mm:ss', () => {
    expect(formatDuration(0)).toBe('0:00');
    expect(formatDuration(75.4)).toBe('1:15');
    expect(formatDuration(3723)).toBe('1:02:03');
    expect(formatDuration(null)).toBe('—');
    expect(formatDuration(-1)).toBe('—');
  });

  it('formats distances in km', () => {
    expect(formatKm(1234)).toBe('1.23');
    expect(formatKm(12_345)).toBe('12.3');
    expect(formatKm(null)).toBe('—');
    expect(formatNumber(12.345, 1)).toBe('12.3');
    expect(formatNumber(null, 1)).toBe('—');
  });

  it('formats replay offsets', () => {
    expect(formatOffset(65_000)).toBe('T+1:05');
    expect(formatOffset(-3000)).toBe('T-0:03');
  });
});

describe('display time', () => {
  it('shows instants in Shanghai time whatever the zone of the machine', () => {
    expect(formatAt('2026-06-01T16:30:00.000Z')).toBe('2026-06-02 00:30:00');
    expect(formatAt(null)).toBe('—');
  });

  it('turns picked calendar days into a [from, to) of Shanghai midnights', () => {
    expect(dayRange(dayjs('2026-06-01'), dayjs('2026-06-03'))).toEqual({
      from: '2026-05-31T16:00:00.000Z',
      to: '2026-06-03T16:00:00.000Z',
    });
  });
});
