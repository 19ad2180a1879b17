/**
 * The permission matrix: the one table that says which role may do what, and over which data.
 * Every HTTP route names a permission in its `config.permission` (checked at registration, see
 * `auth/plugin.ts`); socket events are meant to use the same table through `decide`.
 *
 * A scope of 'department' means the role sees only rows whose department is the user's own
 * (department officers); 'all' means no such filter.
 */
import { DOCK_FLIGHT_ACTIONS, type DockCommand } from '@aerie/contracts';
import type { Role } from '../db/schema.ts';

export type { Role } from '../db/schema.ts';
export { ROLES } from '../db/schema.ts';

/** How much data a granted permission covers. */
export type Scope = 'all' | 'department';

type Grants = Partial<Record<Role, Scope>>;

const EVERYONE: Grants = {
  administrator: 'all',
  dispatcher: 'all',
  pilot: 'all',
  command_centre: 'all',
  department_officer: 'department',
  reviewer: 'all',
};
const ADMIN_ONLY: Grants = { administrator: 'all' };

/** Permission -> role -> scope. A role missing from a row is refused (403). */
export const PERMISSION_MATRIX = {
  /** Own session: who am I, log out. */
  'session.self': EVERYONE,
  'users.read': ADMIN_ONLY,
  'users.write': ADMIN_ONLY,
  'departments.read': EVERYONE,
  'departments.write': ADMIN_ONLY,
  'sites.read': EVERYONE,
  'sites.write': ADMIN_ONLY,
  'docks.read': EVERYONE,
  'docks.write': ADMIN_ONLY,
  /**
   * Every dock command, stopping a charge included: dispatchers run the docks. (The route is
   * `docks.prepare`; a command outside `DOCK_FLIGHT_ACTIONS` also needs this, see
   * `dockActionPermission`.)
   */
  'docks.command': { administrator: 'all', dispatcher: 'all' },
  /**
   * A dock's commands of one flight's cycle (`DOCK_FLIGHT_ACTIONS`: lid, prepare take-off and
   * landing, start charging): pilots too, so "Take off" from a closed dock is not a dead end.
   */
  'docks.prepare': { administrator: 'all', dispatcher: 'all', pilot: 'all' },
  'vehicles.read': EVERYONE,
  'vehicles.write': ADMIN_ONLY,
  /** Fly a vehicle (take off, hold, return, go to, ...): pilots, and administrators in an emergency. */
  'vehicles.command': { administrator: 'all', pilot: 'all' },
  'bridges.read': { administrator: 'all', dispatcher: 'all', pilot: 'all', command_centre: 'all' },
  'bridges.write': ADMIN_ONLY,
  'sorties.read': EVERYONE,
  /** Raw MAVLink recordings: for the people who fly and investigate flights, not departments. */
  'sorties.tlog': { administrator: 'all', dispatcher: 'all', pilot: 'all', command_centre: 'all' },
  /** Fleet statistics (missions, sorties, flight hours, kilometres); officers see their department's. */
  'stats.read': EVERYONE,
  'audit.read': ADMIN_ONLY,
  /** Patrol routes: everyone reads (officers their department's); dispatchers draw them. */
  'routes.read': EVERYONE,
  'routes.write': { administrator: 'all', dispatcher: 'all' },
  /** No-fly zones and controlled airspace: everyone sees them, administrators draw them. */
  'zones.read': { ...EVERYONE, department_officer: 'all' },
  'zones.write': ADMIN_ONLY,
  'schedules.read': EVERYONE,
  'schedules.write': { administrator: 'all', dispatcher: 'all' },
  /** Launch an on-demand or emergency sortie on the best dock. */
  'sorties.launch': { administrator: 'all', dispatcher: 'all' },
  /** Abort an orchestrated sortie (in the air: the aircraft is sent home). */
  'sorties.abort': { administrator: 'all', dispatcher: 'all', pilot: 'all' },
  /** Tickets (工单): everyone reads (officers their department's); which action a role may take is tickets/core/permissions.ts. */
  'tickets.read': EVERYONE,
  'tickets.act': {
    dispatcher: 'all',
    command_centre: 'all',
    department_officer: 'department',
    reviewer: 'all',
  },
  /** Evidence files: officers upload proof for their department's tickets. */
  'tickets.evidence': {
    command_centre: 'all',
    dispatcher: 'all',
    reviewer: 'all',
    department_officer: 'department',
  },
  /**
   * Evidence originals: persons unblurred (tickets/core/redaction.ts). Everyone else who reads
   * a ticket sees the blurred derivative, or a notice while screening is pending.
   */
  'evidence.original': { administrator: 'all', command_centre: 'all' },
  /** Send a verification flight over a handled ticket: reviewers check the work, dispatchers fly. */
  'tickets.verification_flight': { dispatcher: 'all', reviewer: 'all' },
  /** Findings intake (until detection runs in-process): the command centre and dispatchers, and administrators. */
  'findings.intake': { administrator: 'all', command_centre: 'all', dispatcher: 'all' },
  /** The triage queue (研判): the command centre confirms or rejects. */
  'triage.read': { administrator: 'all', command_centre: 'all', dispatcher: 'all' },
  'triage.decide': { command_centre: 'all', dispatcher: 'all' },
  /** Grids (网格) and the routing rules: everyone sees them, administrators draw them. */
  'grids.read': { ...EVERYONE, department_officer: 'all' },
  'grids.write': ADMIN_ONLY,
  /** API keys of Open311 clients (a city hotline posting citizen reports). */
  'open311.keys': ADMIN_ONLY,
  /** Live flight video: the people who watch and fly the fleet, not departments. */
  'video.read': { administrator: 'all', dispatcher: 'all', pilot: 'all', command_centre: 'all' },
  /** Load a year's official working calendar (holidays, make-up working days) for ticket time limits. */
  'calendar.write': ADMIN_ONLY,
  /** Outbound webhook subscriptions and their delivery logs. */
  'webhooks.manage': ADMIN_ONLY,
} as const satisfies Record<string, Grants>;

/** A name in the permission matrix. */
export type Permission = keyof typeof PERMISSION_MATRIX;

/** What a route declares: a permission, 'authenticated' is not offered on purpose. */
export type RouteAccess = Permission | 'public';

export const PERMISSIONS = Object.keys(PERMISSION_MATRIX) as Permission[];

/** The scope `role` holds for `permission`, or null when refused. */
export function decide(role: Role, permission: Permission): Scope | null {
  const grants: Grants = PERMISSION_MATRIX[permission];
  return grants[role] ?? null;
}

/** The permission a dock command needs: `docks.prepare` for a flight's own cycle, else `docks.command`. */
export function dockActionPermission(action: DockCommand['action']): Permission {
  return (DOCK_FLIGHT_ACTIONS as readonly string[]).includes(action) ? 'docks.prepare' : 'docks.command';
}
