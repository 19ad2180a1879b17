/**
 * The ticket desk's HTTP shapes as the console reads them: the lifecycle lists and the view
 * bodies come from `@aerie/contracts` (the schemas the server answers with).
 */
import type {
  EvidenceBody,
  SlaBody,
  TicketAction,
  TicketBody,
  TimelineStepBody,
  TransitionBody,
  TriageBody,
  VerificationFlightBody,
} from '@aerie/contracts';

export {
  OPEN_STATUSES,
  REASON_REQUIRED,
  TICKET_ACTIONS,
  TICKET_CATEGORIES,
  TICKET_STATUSES,
  type TicketAction,
  type TicketStatus,
} from '@aerie/contracts';

export type Ticket = TicketBody;
export type Sla = SlaBody;
export type Transition = TransitionBody;
/** A timeline step: the transition and who took it, by name. */
export type TimelineStep = TimelineStepBody;
export type Evidence = EvidenceBody;
export type TriageItem = TriageBody;
export type VerificationFlight = VerificationFlightBody;

export interface TicketDetail {
  ticket: Ticket;
  sla: Sla | null;
  allowedActions: TicketAction[];
  transitions: TimelineStep[];
  evidence: Evidence[];
  verificationFlights: VerificationFlight[];
  /** The caller may send a verification flight now (handled ticket, dispatcher or reviewer). */
  mayRequestVerificationFlight: boolean;
}

export interface Department {
  id: string;
  name: string;
}
