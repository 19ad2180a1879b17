/**
 * De-duplication: a finding of the same category within the category's radius of a ticket
 * that is open, or was closed within the window (30 days), is a new occurrence of that
 * ticket, not a new ticket; a closed one is reopened. Voided tickets (false alarms) never
 * attract recurrences. Of several candidates the nearest wins.
 */
import { distanceM } from './geo.ts';
import type { TicketStatus } from './lifecycle.ts';

export interface DedupCandidate {
  id: string;
  category: string;
  lat: number;
  lon: number;
  status: TicketStatus;
  closedAt: number | null;
}

export type DedupDecision =
  | { kind: 'new' }
  | { kind: 'occurrence'; ticketId: string; distanceM: number; reopen: boolean };

export function dedupDecision(
  finding: { category: string; lat: number; lon: number; at: number },
  candidates: readonly DedupCandidate[],
  opts: { radiusM: number; windowDays: number },
): DedupDecision {
  const windowStart = finding.at - opts.windowDays * 86_400_000;
  let best: { c: DedupCandidate; d: number } | null = null;
  for (const c of candidates) {
    if (c.category !== finding.category || c.status === 'voided') continue;
    if (c.status === 'closed' && (c.closedAt === null || c.closedAt < windowStart)) continue;
    const d = distanceM(finding, c);
    if (d > opts.radiusM) continue;
    if (!best || d < best.d) best = { c, d };
  }
  if (!best) return { kind: 'new' };
  return { kind: 'occurrence', ticketId: best.c.id, distanceM: best.d, reopen: best.c.status === 'closed' };
}
