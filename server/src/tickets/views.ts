/** HTTP views of the ticket desk: TypeBox schemas and converters (times as ISO 8601 text). */
import { Type } from 'typebox';
import { TICKET_ACTIONS, TICKET_STATUSES } from './core/index.ts';
import type { EvidenceView, TicketSummary, TransitionView, TriageView } from './desk.ts';

const Iso = Type.String({ format: 'date-time' });
const NIso = Type.Union([Iso, Type.Null()]);
const NStr = Type.Union([Type.String(), Type.Null()]);
const NNum = Type.Union([Type.Number(), Type.Null()]);
const iso = (t: number) => new Date(t).toISOString();
const niso = (t: number | null) => (t === null ? null : iso(t));

export const TicketView = Type.Object({
  id: Type.String(),
  number: Type.String({ description: 'GC-YYYYMMDD-NNNN' }),
  category: Type.String(),
  status: Type.Enum(TICKET_STATUSES),
  version: Type.Integer({ description: 'Send it back with a transition; a stale one answers 409' }),
  source: Type.String(),
  description: Type.String(),
  lat: Type.Number(),
  lon: Type.Number(),
  errorM: Type.Number(),
  gridId: NStr,
  departmentId: NStr,
  score: NNum,
  urgent: Type.Boolean(),
  occurrenceCount: Type.Integer(),
  reopenCount: Type.Integer(),
  extension: Type.String(),
  extensionMinutes: Type.Integer(),
  createdAt: Iso,
  updatedAt: Iso,
  lastOccurrenceAt: Iso,
  dispatchedAt: NIso,
  signedAt: NIso,
  handledAt: NIso,
  closedAt: NIso,
  signDeadlineAt: NIso,
  handleDeadlineAt: NIso,
  dueAt: Type.Union([Iso, Type.Null()], { description: 'Deadline of the running clock' }),
  overdue: Type.Boolean(),
  escalationLevel: Type.Integer(),
  closedOnTime: Type.Union([Type.Boolean(), Type.Null()]),
});

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
  };
}

export const TransitionSchema = Type.Object({
  id: Type.Integer(),
  action: Type.Enum(TICKET_ACTIONS),
  fromStatus: Type.Enum(TICKET_STATUSES),
  toStatus: Type.Enum(TICKET_STATUSES),
  version: Type.Integer(),
  actorId: NStr,
  actorRole: Type.String(),
  at: Iso,
  reason: NStr,
  data: Type.Union([Type.Record(Type.String(), Type.Unknown()), Type.Null()]),
});

export const transitionView = (t: TransitionView) => ({ ...t, at: iso(t.at) });

export const EvidenceSchema = Type.Object({
  seq: Type.Integer(),
  ticketId: Type.String(),
  kind: Type.String(),
  fileSha256: Type.String(),
  mime: Type.String(),
  bytes: Type.Integer(),
  at: Iso,
  uploadedBy: NStr,
  meta: Type.Union([Type.Record(Type.String(), Type.Unknown()), Type.Null()]),
  chainHash: Type.String(),
});

export const evidenceView = (e: EvidenceView) => ({ ...e, at: iso(e.at) });

export const TriageSchema = Type.Object({
  id: Type.String(),
  status: Type.Union([Type.Literal('pending'), Type.Literal('confirmed'), Type.Literal('rejected')]),
  source: Type.String(),
  category: Type.String(),
  score: NNum,
  lat: Type.Number(),
  lon: Type.Number(),
  errorM: Type.Number(),
  description: Type.String(),
  finding: Type.Unknown(),
  frameSha256: NStr,
  createdAt: Iso,
  decidedAt: NIso,
  decidedBy: NStr,
  reason: NStr,
  ticketId: NStr,
});

export const triageView = (t: TriageView) => ({
  ...t,
  createdAt: iso(t.createdAt),
  decidedAt: niso(t.decidedAt),
});

export const SlaSchema = Type.Union([
  Type.Object({
    phase: Type.Union([Type.Literal('sign'), Type.Literal('handle')]),
    startedAt: Iso,
    deadlineAt: Iso,
    usedFraction: Type.Number(),
    remainingWorkingMs: Type.Number({ description: 'Working time left (negative: overdue); the countdown' }),
    level: Type.Union([Type.Literal('ok'), Type.Literal('warning'), Type.Literal('overdue')]),
    overdueWorkingDays: Type.Integer(),
    escalationLevel: Type.Integer(),
  }),
  Type.Null(),
]);
