/**
 * The registers an administrator keeps — users, departments, sites, docks, vehicles, bridges —
 * described once: their REST path, the permissions the server checks, and their fields. The
 * pages are built from these; what may be read and written is what the server enforces
 * (server/src/auth/permissions.ts), so a role sees a register read-only when it may only read.
 * Pure: `formBody` turns what the form holds into the body the server expects.
 */
import { ROLES } from '@aerie/contracts';

export type EntityKind = 'users' | 'departments' | 'sites' | 'docks' | 'vehicles' | 'bridges';

export const ENTITY_KINDS: readonly EntityKind[] = [
  'users',
  'departments',
  'sites',
  'docks',
  'vehicles',
  'bridges',
];

export { ROLES };

export type FieldKind = 'text' | 'number' | 'int' | 'ref' | 'role' | 'password' | 'boolean';

export interface FieldSpec {
  key: string;
  kind: FieldKind;
  /** Needed to create; an edit may leave it out. */
  required?: boolean;
  /** Only when creating (a username), never changed after. */
  createOnly?: boolean;
  /** Only when editing (disabling a user). */
  editOnly?: boolean;
  /** `ref`: the register the id points into. */
  ref?: EntityKind;
  /** `ref`, `int`, `number`: null is a value (unbind, no department). */
  nullable?: boolean;
  min?: number;
  max?: number;
  /** Shown in the table. */
  column?: boolean;
}

export interface EntitySpec {
  kind: EntityKind;
  path: string;
  read: string;
  write: string;
  fields: readonly FieldSpec[];
}

const name: FieldSpec = { key: 'name', kind: 'text', required: true, column: true };
const department: FieldSpec = {
  key: 'departmentId',
  kind: 'ref',
  ref: 'departments',
  nullable: true,
  column: true,
};
const lat: FieldSpec = { key: 'latDeg', kind: 'number', required: true, min: -90, max: 90 };
const lon: FieldSpec = { key: 'lonDeg', kind: 'number', required: true, min: -180, max: 180 };
const bridge: FieldSpec = { key: 'bridgeId', kind: 'ref', ref: 'bridges', nullable: true, column: true };
const sysid: FieldSpec = { key: 'sysid', kind: 'int', nullable: true, min: 1, max: 254, column: true };

export const ENTITIES: Record<EntityKind, EntitySpec> = {
  users: {
    kind: 'users',
    path: '/api/users',
    read: 'users.read',
    write: 'users.write',
    fields: [
      { key: 'username', kind: 'text', required: true, createOnly: true, column: true },
      { key: 'displayName', kind: 'text', required: true, column: true },
      { key: 'role', kind: 'role', required: true, column: true },
      department,
      // Required to create; on an edit an empty password leaves it as it was.
      { key: 'password', kind: 'password', required: true },
      { key: 'disabled', kind: 'boolean', editOnly: true, column: true },
    ],
  },
  departments: {
    kind: 'departments',
    path: '/api/departments',
    read: 'departments.read',
    write: 'departments.write',
    fields: [name, { key: 'code', kind: 'text', nullable: true, column: true }],
  },
  sites: {
    kind: 'sites',
    path: '/api/sites',
    read: 'sites.read',
    write: 'sites.write',
    fields: [
      name,
      { key: 'description', kind: 'text' },
      department,
      { ...lat, column: true },
      { ...lon, column: true },
    ],
  },
  docks: {
    kind: 'docks',
    path: '/api/docks',
    read: 'docks.read',
    write: 'docks.write',
    fields: [
      name,
      { key: 'serial', kind: 'text', required: true, column: true },
      { key: 'model', kind: 'text', required: true },
      { key: 'siteId', kind: 'ref', ref: 'sites', required: true, column: true },
      department,
      lat,
      lon,
      { key: 'altAmslM', kind: 'number', required: true, min: -500, max: 9000 },
      bridge,
      sysid,
      { key: 'compid', kind: 'int', nullable: true, min: 0, max: 255 },
    ],
  },
  vehicles: {
    kind: 'vehicles',
    path: '/api/vehicles',
    read: 'vehicles.read',
    write: 'vehicles.write',
    fields: [
      name,
      { key: 'serial', kind: 'text', required: true, column: true },
      { key: 'model', kind: 'text', required: true, column: true },
      department,
      { key: 'dockId', kind: 'ref', ref: 'docks', nullable: true, column: true },
      bridge,
      sysid,
    ],
  },
  bridges: {
    kind: 'bridges',
    path: '/api/bridges',
    read: 'bridges.read',
    write: 'bridges.write',
    fields: [name, { key: 'siteId', kind: 'ref', ref: 'sites', nullable: true, column: true }],
  },
};

/** A value as the form holds it: text, a number, a boolean, or nothing. */
export type FormValue = string | number | boolean | null | undefined;

/** Form values from a record being edited (null becomes empty; passwords start empty). */
export function formValues(
  spec: EntitySpec,
  record: Record<string, unknown> | null,
): Record<string, FormValue> {
  const out: Record<string, FormValue> = {};
  for (const f of spec.fields) {
    if (f.kind === 'password') continue;
    const v = record?.[f.key];
    if (typeof v === 'string' || typeof v === 'number' || typeof v === 'boolean') out[f.key] = v;
    else if (f.kind === 'boolean') out[f.key] = false;
  }
  return out;
}

function normalise(f: FieldSpec, v: FormValue): FormValue {
  if (typeof v === 'string') {
    const s = f.kind === 'password' ? v : v.trim();
    if (s === '') return f.nullable ? null : undefined;
    if (f.kind === 'number' || f.kind === 'int') return Number(s);
    return s;
  }
  if (v === null || v === undefined) return f.nullable ? null : undefined;
  return v;
}

/**
 * The body for `POST` (`record` null) or `PATCH` (only what changed) from the form's values.
 * Empty optional fields are left out on create and become null when the field may be null.
 */
export function formBody(
  spec: EntitySpec,
  values: Record<string, FormValue>,
  record: Record<string, unknown> | null,
): Record<string, FormValue> {
  const body: Record<string, FormValue> = {};
  for (const f of spec.fields) {
    if (record && f.createOnly) continue;
    if (!record && f.editOnly) continue;
    const v = normalise(f, values[f.key]);
    if (record) {
      if (v === undefined) continue;
      const before = record[f.key] ?? null;
      if (v === before) continue;
      body[f.key] = v;
    } else if (v !== undefined && v !== null) body[f.key] = v;
  }
  return body;
}

/** The fields a create form must have filled in, still empty. */
export function missingRequired(
  spec: EntitySpec,
  values: Record<string, FormValue>,
  editing: boolean,
): string[] {
  return spec.fields
    .filter((f) => f.required && !(editing && (f.createOnly || f.kind === 'password')))
    .filter((f) => normalise(f, values[f.key]) === undefined || normalise(f, values[f.key]) === null)
    .map((f) => f.key);
}
