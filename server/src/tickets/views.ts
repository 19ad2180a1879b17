/** HTTP views of the ticket desk: TypeBox schemas and converters (times as ISO 8601 text). */
import {
  EvidenceSchema,
  SlaSchema,
  TicketView,
  TimelineStepSchema,
  TransitionSchema,
  TriageSchema,
} from '@aerie/contracts';
import type { SlaState } from './core/index.ts';
import type { EvidenceView, TicketSummary, TransitionView, TriageView } from './desk.ts';

const iso = (t: number) => new Date(t).toISOString();
const niso = (t: number | null) => (t === null ? null : iso(t));

export function ticketView(t: TicketSummary, now: number) {
  return {
    ...t,
    createdAt: iso(t.createdAt),
    updatedAt: iso(t.updatedAt),
    lastOccurrenceAt: iso(t.lastOccurrenceAt),
    dispatchedAt: niso(t.dispatchedAt),
    signedAt: niso(t.signedAt),
    handledAt: niso(t.handledAt),
    closedAt: niso(t.closedAt),
    signDeadlineAt: niso(t.signDeadlineAt),
    handleDeadlineAt: niso(t.handleDeadlineAt),
    dueAt: niso(t.dueAt),
    overdue: t.dueAt !== null && t.dueAt <= now,
    sla: slaView(t.sla),
  };
}

/** The running clock with its instants as ISO 8601 text (the countdown stays working ms). */
export function slaView(s: SlaState | null) {
  return s ? { ...s, startedAt: iso(s.startedAt), deadlineAt: iso(s.deadlineAt) } : null;
}

export const transitionView = <T extends TransitionView>(t: T) => ({ ...t, at: iso(t.at) });

export const evidenceView = (e: EvidenceView) => ({ ...e, at: iso(e.at) });

export const triageView = (t: TriageView) => ({
  ...t,
  createdAt: iso(t.createdAt),
  decidedAt: niso(t.decidedAt),
});

export { EvidenceSchema, SlaSchema, TicketView, TimelineStepSchema, TransitionSchema, TriageSchema };
