/**
 * Who may take which ticket action. Users act with their role (auth's ROLES); automated steps
 * (auto-filing, routing, reopening on recurrence, a verification flight's verdict) act as
 * 'system'. A department officer acts only on tickets of their own department.
 *
 * | action            | who                                             |
 * | ----------------- | ----------------------------------------------- |
 * | file              | command centre, dispatcher, system               |
 * | dispatch          | dispatcher, command centre, system (routing)     |
 * | return, sign, start, request_extension, handle | department officer (own) |
 * | grant/refuse_extension | dispatcher, command centre                  |
 * | verify            | reviewer, system (verification flight)           |
 * | send_back         | reviewer                                         |
 * | close             | reviewer, command centre                         |
 * | void              | command centre, dispatcher                       |
 * | reopen            | system (recurrence), command centre              |
 * | relocate          | system (a better location from later frames)     |
 *
 * Administrators run users and configuration, not tickets; pilots fly.
 */

import { fail, ok, type Result } from '@aerie/contracts';
import type { Role } from '../../db/schema.ts';
import type { TicketAction } from './lifecycle.ts';

export type ActorRole = Role | 'system';

export interface TicketActor {
  /** User id; null for the system. */
  id: string | null;
  role: ActorRole;
  departmentId: string | null;
}

export const SYSTEM_ACTOR: TicketActor = { id: null, role: 'system', departmentId: null };

const OFFICER: readonly ActorRole[] = ['department_officer'];

export const ACTION_ROLES: Record<TicketAction, readonly ActorRole[]> = {
  file: ['command_centre', 'dispatcher', 'system'],
  dispatch: ['dispatcher', 'command_centre', 'system'],
  return: OFFICER,
  sign: OFFICER,
  start: OFFICER,
  request_extension: OFFICER,
  grant_extension: ['dispatcher', 'command_centre'],
  refuse_extension: ['dispatcher', 'command_centre'],
  handle: OFFICER,
  verify: ['reviewer', 'system'],
  send_back: ['reviewer'],
  close: ['reviewer', 'command_centre'],
  void: ['command_centre', 'dispatcher'],
  reopen: ['system', 'command_centre'],
  relocate: ['system'],
};

/** Whether `actor` may take `action` on a ticket of `ticketDepartmentId`. */
export function mayAct(
  actor: TicketActor,
  action: TicketAction,
  ticketDepartmentId: string | null,
): Result<true, 'Forbidden'> {
  if (!ACTION_ROLES[action].includes(actor.role))
    return fail('Forbidden', `role ${actor.role} may not ${action} a ticket`);
  if (
    actor.role === 'department_officer' &&
    (!actor.departmentId || actor.departmentId !== ticketDepartmentId)
  )
    return fail('Forbidden', `a department officer may ${action} only tickets of their own department`);
  return ok(true);
}

/** The actions `actor` could take on a ticket in `status` of `departmentId` (for the console's buttons). */
export function allowedActions(
  actor: TicketActor,
  status: string,
  departmentId: string | null,
  transitions: Record<TicketAction, { from: readonly string[] }>,
): TicketAction[] {
  return (Object.keys(transitions) as TicketAction[]).filter(
    (a) => transitions[a].from.includes(status) && mayAct(actor, a, departmentId).ok,
  );
}
