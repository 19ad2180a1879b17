/**
 * Every role Aerie knows, shared by the server (its user table and permission matrix,
 * `server/src/auth/permissions.ts`, say what each may do) and the console (its user register
 * offers them).
 */
export const ROLES = [
  'administrator',
  'dispatcher',
  'pilot',
  'command_centre',
  'department_officer',
  'reviewer',
] as const;
export type Role = (typeof ROLES)[number];
