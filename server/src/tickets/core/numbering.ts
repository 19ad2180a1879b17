/**
 * Human-readable ticket numbers: GC-YYYYMMDD-NNNN, the date in Asia/Shanghai (UTC+8, no
 * daylight saving), NNNN the ticket's place in that day's sequence (wider past 9999).
 */

const SHANGHAI_OFFSET_MS = 8 * 3_600_000;

/** YYYYMMDD of the instant in Asia/Shanghai. */
export function shanghaiDay(at: number): string {
  return new Date(at + SHANGHAI_OFFSET_MS).toISOString().slice(0, 10).replace(/-/g, '');
}

export function ticketNumber(at: number, seq: number): string {
  if (!Number.isInteger(seq) || seq < 1)
    throw new Error(`ticket sequence must be a positive integer: ${seq}`);
  return `GC-${shanghaiDay(at)}-${String(seq).padStart(4, '0')}`;
}

export const TICKET_NUMBER_PATTERN = /^GC-\d{8}-\d{4,}$/;
