/**
 * The ticket desk's contract: the lifecycle's statuses and actions and the HTTP views of
 * tickets, transitions, evidence, triage items and time limits, shared by the server (which
 * answers with them and documents them in OpenAPI) and the console (which reads them).
 * Times are ISO 8601 text on the wire. The rules themselves (who may do what, deadlines) are
 * the server's `tickets/core`.
 */
import { type Static, Type } from 'typebox';

export const TICKET_STATUSES = [
  'new',
  'filed',
  'dispatched',
  'returned',
  'signed',
  'in_progress',
  'handled',
  'verified',
  'closed',
  'voided',
] as const;
export type TicketStatus = (typeof TICKET_STATUSES)[number];

/** Statuses in which a ticket still waits for work (the overdue sweep and de-duplication). */
export const OPEN_STATUSES: readonly TicketStatus[] = [
  'new',
  'filed',
  'dispatched',
  'returned',
  'signed',
  'in_progress',
  'handled',
  'verified',
];

export const TICKET_ACTIONS = [
  'file',
  'dispatch',
  'return',
  'sign',
  'start',
  'request_extension',
  'grant_extension',
  'refuse_extension',
  'handle',
  'verify',
  'send_back',
  'close',
  'void',
  'reopen',
  /** The system moved the ticket to a better location (later frames of the same track). */
  'relocate',
] as const;
export type TicketAction = (typeof TICKET_ACTIONS)[number];

/** Actions that must say why (退回, 作废, 审核不通过, 延期, the handling reply). */
export const REASON_REQUIRED: ReadonlySet<TicketAction> = new Set([
  'return',
  'request_extension',
  'refuse_extension',
  'handle',
  'send_back',
  'void',
  'reopen',
]);

/** What a ticket is about (the finding categories that become tickets). */
export const TICKET_CATEGORIES = ['fire_smoke', 'construction', 'river_pollution', 'other'] as const;
export type TicketCategory = (typeof TICKET_CATEGORIES)[number];

const Iso = Type.String({ format: 'date-time' });
const NIso = Type.Union([Iso, Type.Null()]);
const NStr = Type.Union([Type.String(), Type.Null()]);
const NNum = Type.Union([Type.Number(), Type.Null()]);

/** The running time limit of a ticket, in working time (null when no clock runs). */
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
  sla: SlaSchema,
});

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

/**
 * One step of a ticket's timeline as its page shows it: the transition with the name of the
 * person who took it (null for the system, or a user since removed).
 */
export const TimelineStepSchema = Type.Object({
  ...TransitionSchema.properties,
  actorName: NStr,
});

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
  /** Persons looked for: pending, clear (none), blurred, not_screened (no detector, failed, video), not_applicable. */
  screening: Type.Union([
    Type.Literal('pending'),
    Type.Literal('clear'),
    Type.Literal('blurred'),
    Type.Literal('not_screened'),
    Type.Literal('not_applicable'),
  ]),
  /** The blurred derivative's record (kind 'redacted') when screening is 'blurred'. */
  redactedSeq: Type.Union([Type.Integer(), Type.Null()]),
  /** What this caller gets from the download: the original, the blurred derivative, or a notice (409). */
  access: Type.Union([Type.Literal('original'), Type.Literal('redacted'), Type.Literal('notice')]),
});

/** A verification flight (核查飞行) over a handled ticket and what the detector saw there. */
export const VerificationFlightSchema = Type.Object({
  sortieId: Type.String(),
  createdAt: Iso,
  /** When its sortie ended (null: still flying). */
  finishedAt: Type.Union([Iso, Type.Null()]),
  requestedBy: NStr,
  radiusM: Type.Number(),
  /** The verification evidence carrying the verdict, once attached. */
  evidenceSeq: Type.Union([Type.Integer(), Type.Null()]),
  /**
   * present: sighted in `confirmFrames` consecutive frames; not_seen: not confirmed in any of
   * `frames` frames (`hits` of them had a lone sighting); no_frames: nothing analysed yet.
   */
  verdict: Type.Union([Type.Literal('present'), Type.Literal('not_seen'), Type.Literal('no_frames')]),
  frames: Type.Integer(),
  /** Frames with a sighting near the location (present, not_seen). */
  hits: Type.Optional(Type.Integer()),
  /** Consecutive sighting frames that confirm the finding (the detector's `minFrames` at launch). */
  confirmFrames: Type.Integer(),
  bestScore: Type.Optional(Type.Number()),
  nearestM: Type.Optional(Type.Number()),
  text: Type.String(),
});

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

export type TicketBody = Static<typeof TicketView>;
export type TransitionBody = Static<typeof TransitionSchema>;
export type TimelineStepBody = Static<typeof TimelineStepSchema>;
export type EvidenceBody = Static<typeof EvidenceSchema>;
export type VerificationFlightBody = Static<typeof VerificationFlightSchema>;
export type TriageBody = Static<typeof TriageSchema>;
/** The running time limit of a ticket (null in the schema when no clock runs). */
export type SlaBody = NonNullable<Static<typeof SlaSchema>>;
