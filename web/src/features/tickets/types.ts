/** The ticket desk's HTTP shapes as the console reads them (server/src/tickets/views.ts). */

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

/** Statuses in which a ticket still waits for work (lifecycle.ts OPEN_STATUSES). */
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

export const TICKET_CATEGORIES = ['fire_smoke', 'construction', 'river_pollution', 'other'] as const;

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
] as const;
export type TicketAction = (typeof TICKET_ACTIONS)[number];

/** Actions the server refuses without a reason (lifecycle.ts REASON_REQUIRED). */
export const REASON_REQUIRED: ReadonlySet<TicketAction> = new Set([
  'return',
  'request_extension',
  'refuse_extension',
  'handle',
  'send_back',
  'void',
  'reopen',
]);

export interface Ticket {
  id: string;
  number: string;
  category: string;
  status: TicketStatus;
  version: number;
  source: string;
  description: string;
  lat: number;
  lon: number;
  errorM: number;
  gridId: string | null;
  departmentId: string | null;
  score: number | null;
  urgent: boolean;
  occurrenceCount: number;
  reopenCount: number;
  extension: string;
  extensionMinutes: number;
  createdAt: string;
  updatedAt: string;
  dispatchedAt: string | null;
  signedAt: string | null;
  handledAt: string | null;
  closedAt: string | null;
  dueAt: string | null;
  overdue: boolean;
  escalationLevel: number;
}

export interface Sla {
  phase: 'sign' | 'handle';
  startedAt: string;
  deadlineAt: string;
  usedFraction: number;
  remainingWorkingMs: number;
  level: 'ok' | 'warning' | 'overdue';
  overdueWorkingDays: number;
  escalationLevel: number;
}

export interface Transition {
  id: number;
  action: TicketAction;
  fromStatus: TicketStatus;
  toStatus: TicketStatus;
  version: number;
  actorId: string | null;
  actorRole: string;
  at: string;
  reason: string | null;
}

export interface Evidence {
  seq: number;
  kind: string;
  fileSha256: string;
  mime: string;
  bytes: number;
  at: string;
}

export interface TicketDetail {
  ticket: Ticket;
  sla: Sla | null;
  allowedActions: TicketAction[];
  transitions: Transition[];
  evidence: Evidence[];
}

export interface TriageItem {
  id: string;
  status: 'pending' | 'confirmed' | 'rejected';
  source: string;
  category: string;
  score: number | null;
  lat: number;
  lon: number;
  errorM: number;
  description: string;
  createdAt: string;
  reason: string | null;
  ticketId: string | null;
}

export interface Department {
  id: string;
  name: string;
}
