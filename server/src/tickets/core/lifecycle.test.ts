import { describe, expect, it } from 'vitest';
import { ROLES } from '../../db/schema.ts';
import {
  applyTransition,
  newLifecycle,
  TICKET_ACTIONS,
  TICKET_STATUSES,
  type TicketAction,
  type TicketLifecycle,
  type TicketStatus,
  TRANSITIONS,
  type TransitionRequest,
} from './lifecycle.ts';
import { type ActorRole, allowedActions, SYSTEM_ACTOR, type TicketActor } from './permissions.ts';

const DEP = 'dep-water';
const T0 = Date.UTC(2026, 5, 1, 2, 0);

// The permission matrix written out independently of permissions.ts: action -> roles allowed.
const EXPECTED: Record<TicketAction, string> = {
  file: 'command_centre dispatcher system',
  dispatch: 'command_centre dispatcher system',
  return: 'department_officer',
  sign: 'department_officer',
  start: 'department_officer',
  request_extension: 'department_officer',
  grant_extension: 'command_centre dispatcher',
  refuse_extension: 'command_centre dispatcher',
  handle: 'department_officer',
  verify: 'reviewer system',
  send_back: 'reviewer',
  close: 'command_centre reviewer',
  void: 'command_centre dispatcher',
  reopen: 'command_centre system',
  relocate: 'system',
};
const ALL_ROLES: ActorRole[] = [...ROLES, 'system'];

function actor(role: ActorRole, departmentId: string | null = DEP): TicketActor {
  return role === 'system' ? SYSTEM_ACTOR : { id: `u-${role}`, role, departmentId };
}

/** The code of a refused transition, 'ok' when it applies. */
function codeOf(r: ReturnType<typeof applyTransition>): string {
  return r.ok ? 'ok' : r.error.code;
}

/** Applies `req` as `who` (a role of department DEP, or an actor) at `at`. */
function apply(t: TicketLifecycle, req: TransitionRequest, who: ActorRole | TicketActor, at = T0) {
  return applyTransition(t, req, typeof who === 'string' ? actor(who) : who, at);
}

/** A ticket in `status` with whatever the action needs to be otherwise acceptable. */
function ticketIn(status: TicketStatus, action: TicketAction): TicketLifecycle {
  return {
    ...newLifecycle(),
    status,
    version: 7,
    departmentId: DEP,
    dispatchedAt: T0,
    signedAt: status === 'signed' || status === 'in_progress' ? T0 : null,
    extension: action === 'grant_extension' || action === 'refuse_extension' ? 'requested' : 'none',
    extensionMinutes: action === 'grant_extension' || action === 'refuse_extension' ? 60 : 0,
    handleDeadlineAt: T0 + 86_400_000,
  };
}

function fullRequest(action: TicketAction, version = 7): TransitionRequest {
  return {
    action,
    expectedVersion: version,
    reason: 'because',
    departmentId: DEP,
    extensionMinutes: 120,
    hasProof: true,
    relocation: RELOCATION,
  };
}

const RELOCATION = {
  from: { lat: 30, lon: 120, errorM: 12 },
  to: { lat: 30.0001, lon: 120, errorM: 4 },
  movedM: 11.1,
  frames: 9,
};

describe('permission matrix: every action x every role', () => {
  for (const action of TICKET_ACTIONS) {
    for (const role of ALL_ROLES) {
      const allowed = EXPECTED[action].split(' ').includes(role);
      it(`${action} by ${role}: ${allowed ? 'allowed' : 'forbidden'}`, () => {
        const from = TRANSITIONS[action].from[0] as TicketStatus;
        const res = applyTransition(ticketIn(from, action), fullRequest(action), actor(role), T0 + 1000);
        if (allowed) {
          expect(res.ok, JSON.stringify(res)).toBe(true);
          if (res.ok) {
            expect(res.value.record.actorRole).toBe(role);
            expect(res.value.record.version).toBe(8);
            expect(res.value.record.at).toBe(T0 + 1000);
          }
        } else {
          expect(res.ok).toBe(false);
          if (!res.ok) expect(res.error.code).toBe('Forbidden');
        }
      });
    }
  }

  it('a department officer acts only on their own department', () => {
    for (const action of TICKET_ACTIONS.filter((a) => EXPECTED[a] === 'department_officer')) {
      const from = TRANSITIONS[action].from[0] as TicketStatus;
      for (const departmentId of ['dep-roads', null]) {
        const res = apply(
          ticketIn(from, action),
          fullRequest(action),
          actor('department_officer', departmentId),
        );
        expect(codeOf(res), `${action} by an officer of ${departmentId}`).toBe('Forbidden');
      }
    }
  });

  it('allowedActions lists what the console may offer', () => {
    expect(allowedActions(actor('department_officer'), 'dispatched', DEP, TRANSITIONS).sort()).toEqual([
      'return',
      'sign',
    ]);
    expect(allowedActions(actor('department_officer', 'x'), 'dispatched', DEP, TRANSITIONS)).toEqual([]);
    expect(allowedActions(actor('reviewer'), 'handled', DEP, TRANSITIONS).sort()).toEqual([
      'send_back',
      'verify',
    ]);
    expect(allowedActions(actor('administrator'), 'new', null, TRANSITIONS)).toEqual([]);
  });
});

describe('transitions by status', () => {
  const TARGET: Record<TicketAction, string> = {
    file: 'new>filed',
    dispatch: 'filed>dispatched returned>dispatched',
    return: 'dispatched>returned signed>returned',
    sign: 'dispatched>signed',
    start: 'signed>in_progress',
    request_extension: 'signed>signed in_progress>in_progress',
    grant_extension: 'signed>signed in_progress>in_progress',
    refuse_extension: 'signed>signed in_progress>in_progress',
    handle: 'in_progress>handled',
    verify: 'handled>verified',
    send_back: 'handled>in_progress verified>in_progress',
    close: 'verified>closed',
    void: 'new>voided filed>voided dispatched>voided returned>voided',
    reopen: 'closed>filed',
    relocate:
      'new>new filed>filed dispatched>dispatched returned>returned signed>signed in_progress>in_progress handled>handled verified>verified',
  };
  for (const action of TICKET_ACTIONS) {
    it(`${action}: ${TARGET[action]}, refused from every other status`, () => {
      const role = EXPECTED[action].split(' ')[0] as ActorRole;
      const seen: string[] = [];
      for (const status of TICKET_STATUSES) {
        const res = applyTransition(ticketIn(status, action), fullRequest(action), actor(role), T0);
        if (res.ok) seen.push(`${status}>${res.value.ticket.status}`);
        else expect(res.error.code, `${action} from ${status}`).toBe('InvalidTransition');
      }
      expect(seen.join(' ')).toBe(TARGET[action]);
    });
  }
});

describe('relocate', () => {
  it('keeps the status, counts a version and records where from and where to', () => {
    const res = apply(ticketIn('signed', 'relocate'), fullRequest('relocate'), 'system');
    expect(res.ok && res.value.ticket).toMatchObject({ status: 'signed', version: 8 });
    expect(res.ok && res.value.record).toMatchObject({
      action: 'relocate',
      fromStatus: 'signed',
      toStatus: 'signed',
      actorRole: 'system',
      data: RELOCATION,
    });
  });

  it('is refused without the new location, and on a closed ticket', () => {
    const { relocation: _, ...bare } = fullRequest('relocate');
    expect(codeOf(apply(ticketIn('filed', 'relocate'), bare, 'system'))).toBe('InvalidTransition');
    expect(codeOf(apply(ticketIn('closed', 'relocate'), fullRequest('relocate'), 'system'))).toBe(
      'InvalidTransition',
    );
  });
});

describe('lifecycle rules', () => {
  it('walks the whole loop, recording who, when and why at every step', () => {
    let t = newLifecycle();
    const steps: [TicketAction, ActorRole, Partial<TransitionRequest>][] = [
      ['file', 'system', {}],
      ['dispatch', 'system', { departmentId: DEP }],
      ['return', 'department_officer', { reason: 'not our river' }],
      ['dispatch', 'dispatcher', { departmentId: DEP }],
      ['sign', 'department_officer', {}],
      ['start', 'department_officer', {}],
      ['handle', 'department_officer', { reason: 'outfall blocked', hasProof: true }],
      ['send_back', 'reviewer', { reason: 'still leaking' }],
      ['handle', 'department_officer', { reason: 'blocked for good', hasProof: true }],
      ['verify', 'reviewer', {}],
      ['close', 'reviewer', {}],
      ['reopen', 'system', { reason: 'recurred' }],
    ];
    const records = [];
    let at = T0;
    for (const [action, role, extra] of steps) {
      at += 60_000;
      const res = applyTransition(t, { action, expectedVersion: t.version, ...extra }, actor(role), at);
      expect(res.ok, `${action}: ${JSON.stringify(res)}`).toBe(true);
      if (!res.ok) return;
      t = res.value.ticket;
      records.push(res.value.record);
    }
    expect(t.status).toBe('filed');
    expect(t.version).toBe(1 + steps.length);
    expect(records.map((r) => `${r.fromStatus}>${r.toStatus}`)).toEqual([
      'new>filed',
      'filed>dispatched',
      'dispatched>returned',
      'returned>dispatched',
      'dispatched>signed',
      'signed>in_progress',
      'in_progress>handled',
      'handled>in_progress',
      'in_progress>handled',
      'handled>verified',
      'verified>closed',
      'closed>filed',
    ]);
    expect(records[2]).toMatchObject({ actorId: 'u-department_officer', reason: 'not our river' });
    expect(records[0]).toMatchObject({ actorId: null, actorRole: 'system', at: T0 + 60_000 });
    expect(t.closedAt).toBeNull();
  });

  it('a stale version is a conflict and changes nothing', () => {
    const t = { ...ticketIn('dispatched', 'sign') };
    const before = structuredClone(t);
    expect(codeOf(apply(t, { action: 'sign', expectedVersion: 6 }, 'department_officer'))).toBe('Conflict');
    expect(t).toEqual(before);
  });

  it('asks for reasons, a department, proof', () => {
    const code = (t: TicketLifecycle, req: TransitionRequest, role: ActorRole) => codeOf(apply(t, req, role));
    expect(
      code(
        ticketIn('dispatched', 'return'),
        { action: 'return', expectedVersion: 7, reason: '  ' },
        'department_officer',
      ),
    ).toBe('ReasonRequired');
    expect(code(ticketIn('new', 'void'), { action: 'void', expectedVersion: 7 }, 'dispatcher')).toBe(
      'ReasonRequired',
    );
    const returned = { ...ticketIn('returned', 'dispatch'), departmentId: DEP };
    expect(code(returned, { action: 'dispatch', expectedVersion: 7 }, 'dispatcher')).toBe(
      'DepartmentRequired',
    );
    expect(
      code(
        { ...ticketIn('filed', 'dispatch'), departmentId: null },
        { action: 'dispatch', expectedVersion: 7 },
        'dispatcher',
      ),
    ).toBe('DepartmentRequired');
    expect(
      code(
        ticketIn('in_progress', 'handle'),
        { action: 'handle', expectedVersion: 7, reason: 'done' },
        'department_officer',
      ),
    ).toBe('ProofRequired');
  });

  it('one extension, requested before the deadline, answered once', () => {
    const t = ticketIn('in_progress', 'request_extension');
    const ask = { action: 'request_extension', reason: 'parts on order', extensionMinutes: 60 } as const;
    const officer = 'department_officer';
    const late = apply(t, { ...ask, expectedVersion: 7 }, officer, (t.handleDeadlineAt as number) + 1);
    expect(codeOf(late)).toBe('ExtensionNotAllowed');
    const asked = apply(t, { ...ask, expectedVersion: 7 }, officer);
    expect(asked.ok).toBe(true);
    if (!asked.ok) return;
    expect(asked.value.ticket).toMatchObject({
      extension: 'requested',
      extensionMinutes: 60,
      status: 'in_progress',
    });
    expect(codeOf(apply(asked.value.ticket, { ...ask, expectedVersion: 8 }, officer))).toBe(
      'ExtensionNotAllowed',
    );
    const granted = apply(
      asked.value.ticket,
      { action: 'grant_extension', expectedVersion: 8 },
      'dispatcher',
    );
    expect(granted.ok && granted.value.ticket.extension).toBe('granted');
    if (!granted.ok) return;
    const refuse = { action: 'refuse_extension', expectedVersion: 9, reason: 'no' } as const;
    expect(codeOf(apply(granted.value.ticket, refuse, 'dispatcher'))).toBe('ExtensionNotAllowed');
    expect(codeOf(apply(granted.value.ticket, { ...ask, expectedVersion: 9 }, officer))).toBe(
      'ExtensionNotAllowed',
    );
    const noMinutes = { action: 'request_extension', expectedVersion: 7, reason: 'x' } as const;
    expect(codeOf(apply(t, noMinutes, officer))).toBe('ExtensionNotAllowed');
  });
});
