/**
 * The ticket lifecycle (工单流转), as Chinese city-management platforms name it:
 *
 *   new(待立案) -file-> filed(立案) -dispatch-> dispatched(派遣) -sign-> signed(签收)
 *     -start-> in_progress(处置中) -handle-> handled(处置完成) -verify-> verified(核查)
 *     -close-> closed(结案)
 *
 * Side paths: a department returns a dispatched or signed ticket with a reason (退回) and the
 * dispatcher dispatches it again; a reviewer sends a handled ticket back to in_progress; one
 * extension (延期) may be requested before the handling deadline and is granted or refused;
 * a ticket before signing may be voided (作废) as a false alarm or duplicate; a closed ticket
 * is reopened (filed again) when its finding recurs.
 *
 * `applyTransition` is pure: it takes the ticket's current lifecycle fields, the action with
 * the version the caller saw, the actor and the time, and answers the new fields and the
 * transition record, or a coded refusal. Who may do what is `permissions.ts`.
 */
import {
  fail,
  OPEN_STATUSES,
  ok,
  REASON_REQUIRED,
  type Result,
  TICKET_ACTIONS,
  TICKET_STATUSES,
  type TicketAction,
  type TicketStatus,
} from '@aerie/contracts';
import { mayAct, type TicketActor } from './permissions.ts';
import type { RelocationData } from './relocation.ts';

export {
  OPEN_STATUSES,
  REASON_REQUIRED,
  TICKET_ACTIONS,
  TICKET_STATUSES,
  type TicketAction,
  type TicketStatus,
};

/** zh-CN names of the statuses, as the console and the platforms show them. */
export const STATUS_LABELS_ZH: Record<TicketStatus, string> = {
  new: '待立案',
  filed: '立案',
  dispatched: '派遣',
  returned: '退回',
  signed: '签收',
  in_progress: '处置中',
  handled: '处置完成',
  verified: '核查',
  closed: '结案',
  voided: '作废',
};

/** From which statuses each action may be taken, and where it leads (null: status unchanged). */
export const TRANSITIONS: Record<TicketAction, { from: readonly TicketStatus[]; to: TicketStatus | null }> = {
  file: { from: ['new'], to: 'filed' },
  dispatch: { from: ['filed', 'returned'], to: 'dispatched' },
  return: { from: ['dispatched', 'signed'], to: 'returned' },
  sign: { from: ['dispatched'], to: 'signed' },
  start: { from: ['signed'], to: 'in_progress' },
  request_extension: { from: ['signed', 'in_progress'], to: null },
  grant_extension: { from: ['signed', 'in_progress'], to: null },
  refuse_extension: { from: ['signed', 'in_progress'], to: null },
  handle: { from: ['in_progress'], to: 'handled' },
  verify: { from: ['handled'], to: 'verified' },
  send_back: { from: ['handled', 'verified'], to: 'in_progress' },
  close: { from: ['verified'], to: 'closed' },
  void: { from: ['new', 'filed', 'dispatched', 'returned'], to: 'voided' },
  reopen: { from: ['closed'], to: 'filed' },
  relocate: { from: OPEN_STATUSES, to: null },
};

export type ExtensionState = 'none' | 'requested' | 'granted' | 'refused';

/** The lifecycle fields of a ticket, as stored. Times are epoch ms. */
export interface TicketLifecycle {
  status: TicketStatus;
  /** Increases by one with every transition; a caller must name the version it saw. */
  version: number;
  departmentId: string | null;
  extension: ExtensionState;
  /** Working minutes the granted extension adds to the handling limit. */
  extensionMinutes: number;
  dispatchedAt: number | null;
  signedAt: number | null;
  handledAt: number | null;
  closedAt: number | null;
  /** The handling deadline in force (epoch ms), null before signing. */
  handleDeadlineAt: number | null;
}

/** One requested change. */
export interface TransitionRequest {
  action: TicketAction;
  /** The version the caller saw; a different current version is a conflict. */
  expectedVersion: number;
  reason?: string;
  /** dispatch: the department it goes to. */
  departmentId?: string;
  /** request_extension: how many working minutes more are asked for. */
  extensionMinutes?: number;
  /** handle: whether proof (photos) has been attached; handling without proof is refused. */
  hasProof?: boolean;
  /** relocate: where the ticket was and where it goes (relocation.ts decides whether it should). */
  relocation?: RelocationData;
}

/** What is recorded for every transition: who, when, why. */
export interface TransitionRecord {
  action: TicketAction;
  fromStatus: TicketStatus;
  toStatus: TicketStatus;
  /** The version the ticket has after this transition. */
  version: number;
  actorId: string | null;
  actorRole: TicketActor['role'];
  at: number;
  reason: string | null;
  /** Action details (department dispatched to, extension asked), as a small object. */
  data: Record<string, unknown> | null;
}

export type TransitionError =
  | 'Conflict'
  | 'InvalidTransition'
  | 'Forbidden'
  | 'ReasonRequired'
  | 'DepartmentRequired'
  | 'ProofRequired'
  | 'ExtensionNotAllowed';

/**
 * Applies `req` to `t` by `actor` at `now`. Checks, in order: the version (stale: Conflict),
 * the action's source status, the actor's permission (department officers only on their
 * department's tickets), the action's own requirements.
 */
export function applyTransition(
  t: TicketLifecycle,
  req: TransitionRequest,
  actor: TicketActor,
  now: number,
): Result<{ ticket: TicketLifecycle; record: TransitionRecord }, TransitionError> {
  if (req.expectedVersion !== t.version)
    return fail(
      'Conflict',
      `the ticket has changed (version ${t.version}, request based on ${req.expectedVersion}); reload and retry`,
    );
  const rule = TRANSITIONS[req.action];
  if (!rule.from.includes(t.status))
    return fail('InvalidTransition', `a ${t.status} ticket cannot ${req.action}`);
  const allowed = mayAct(actor, req.action, t.departmentId);
  if (!allowed.ok) return allowed;
  const reason = req.reason?.trim() || null;
  if (REASON_REQUIRED.has(req.action) && !reason)
    return fail('ReasonRequired', `${req.action} needs a reason`);

  const next: TicketLifecycle = { ...t, version: t.version + 1 };
  let data: Record<string, unknown> | null = null;
  switch (req.action) {
    case 'dispatch': {
      const dep = req.departmentId ?? (t.status === 'returned' ? null : t.departmentId);
      if (!dep) return fail('DepartmentRequired', 'dispatch needs the department it goes to');
      next.departmentId = dep;
      next.dispatchedAt = now;
      data = { departmentId: dep };
      break;
    }
    case 'sign':
      next.signedAt = now;
      break;
    case 'request_extension': {
      if (t.extension !== 'none')
        return fail('ExtensionNotAllowed', 'only one extension may be requested per ticket');
      if (t.handleDeadlineAt !== null && now >= t.handleDeadlineAt)
        return fail('ExtensionNotAllowed', 'an extension must be requested before the deadline');
      const minutes = req.extensionMinutes;
      if (!minutes || minutes <= 0 || !Number.isInteger(minutes))
        return fail('ExtensionNotAllowed', 'request_extension needs extensionMinutes, a positive integer');
      next.extension = 'requested';
      next.extensionMinutes = minutes;
      data = { extensionMinutes: minutes };
      break;
    }
    case 'grant_extension':
    case 'refuse_extension':
      if (t.extension !== 'requested')
        return fail('ExtensionNotAllowed', 'no extension request is waiting for an answer');
      next.extension = req.action === 'grant_extension' ? 'granted' : 'refused';
      if (req.action === 'refuse_extension') next.extensionMinutes = 0;
      data = { extensionMinutes: t.extensionMinutes };
      break;
    case 'handle':
      if (!req.hasProof) return fail('ProofRequired', 'handle needs at least one proof photo attached first');
      next.handledAt = now;
      break;
    case 'close':
      next.closedAt = now;
      break;
    case 'reopen':
      next.closedAt = null;
      next.handledAt = null;
      next.signedAt = null;
      next.dispatchedAt = null;
      next.handleDeadlineAt = null;
      next.extension = 'none';
      next.extensionMinutes = 0;
      break;
    case 'return':
      next.signedAt = null;
      next.dispatchedAt = null;
      next.handleDeadlineAt = null;
      data = { departmentId: t.departmentId };
      break;
    case 'send_back':
      next.handledAt = null;
      break;
    case 'relocate':
      if (!req.relocation) return fail('InvalidTransition', 'relocate needs the new location');
      data = { ...req.relocation };
      break;
    default:
      break;
  }
  const toStatus = rule.to ?? t.status;
  next.status = toStatus;
  return ok({
    ticket: next,
    record: {
      action: req.action,
      fromStatus: t.status,
      toStatus,
      version: next.version,
      actorId: actor.id,
      actorRole: actor.role,
      at: now,
      reason,
      data,
    },
  });
}

/** A freshly made ticket's lifecycle fields. */
export function newLifecycle(): TicketLifecycle {
  return {
    status: 'new',
    version: 1,
    departmentId: null,
    extension: 'none',
    extensionMinutes: 0,
    dispatchedAt: null,
    signedAt: null,
    handledAt: null,
    closedAt: null,
    handleDeadlineAt: null,
  };
}
