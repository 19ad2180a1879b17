/**
 * Turns TypeBox validation errors into the short `path: message` text importers return.
 *
 * Schemas may carry an `errorMessage` option: a string, or a function of the offending value
 * (undefined when the field is missing) that returns the message. A union may carry a
 * `discriminator` option (the name of the tag field): errors then come only from the member
 * whose tag matches, or, when none matches, one error at the tag field with the union's message.
 * Other unions report the errors of the one member that got past its type check, or else one
 * error at the union's place.
 */
import type { TSchema } from 'typebox';
import { Settings } from 'typebox/system';
import { Value } from 'typebox/value';
import { formatPath } from './parse-result.ts';

export type ErrorMessage = string | ((value: unknown) => string);

interface Issue {
  keyword: string;
  schemaPath: string;
  instancePath: string;
  params: Record<string, unknown>;
}

interface Out {
  path: PropertyKey[];
  message: string;
}

const got = (v: unknown): string => JSON.stringify(v) ?? 'nothing';

function decode(seg: string): string {
  return seg.replace(/~1/g, '/').replace(/~0/g, '~');
}

/** JSON pointer (`/items/3/lat`, or `#/properties/x`) to its segments. */
function segments(pointer: string): string[] {
  const p = pointer.startsWith('#') ? pointer.slice(1) : pointer;
  return p === '' ? [] : p.slice(1).split('/').map(decode);
}

function at(root: unknown, pointer: string): unknown {
  let cur = root;
  for (const s of segments(pointer)) {
    if (cur === null || typeof cur !== 'object') return undefined;
    cur = (cur as Record<string, unknown>)[s];
  }
  return cur;
}

/** Instance path segments, numbers for array indices. */
function pathOf(root: unknown, pointer: string): PropertyKey[] {
  const out: PropertyKey[] = [];
  let cur = root;
  for (const s of segments(pointer)) {
    out.push(Array.isArray(cur) ? Number(s) : s);
    cur = cur !== null && typeof cur === 'object' ? (cur as Record<string, unknown>)[s] : undefined;
  }
  return out;
}

const under = (path: string, prefix: string): boolean =>
  prefix === '' || path === prefix || path.startsWith(`${prefix}/`);

function custom(schema: unknown, value: unknown): string | undefined {
  const m = (schema as { errorMessage?: ErrorMessage } | undefined)?.errorMessage;
  if (m === undefined) return undefined;
  return typeof m === 'function' ? m(value) : m;
}

function defaultMessage(issue: Issue, value: unknown): string {
  const p = issue.params;
  switch (issue.keyword) {
    case 'type':
      return `must be ${p.type === 'integer' || p.type === 'array' || p.type === 'object' ? 'an' : 'a'} ${String(p.type)}, got ${got(value)}`;
    case 'const':
      return `must be ${got(p.allowedValue)}, got ${got(value)}`;
    case 'minimum':
    case 'maximum':
    case 'exclusiveMinimum':
    case 'exclusiveMaximum':
      return `must be ${String(p.comparison)} ${String(p.limit)}, got ${got(value)}`;
    case 'minItems':
      return `needs ${String(p.limit)} or more entries`;
    case 'maxItems':
      return `must have ${String(p.limit)} or fewer entries`;
    case 'minLength':
      return 'must not be empty';
    default:
      return `is not valid (${issue.keyword}), got ${got(value)}`;
  }
}

/** Drops the errors of union members that do not apply (see the module comment). */
function resolveUnions(schema: TSchema, value: unknown, all: Issue[]): Issue[] {
  let issues = all;
  const unions = all
    .filter((i) => i.keyword === 'anyOf')
    .sort((a, b) => a.schemaPath.length - b.schemaPath.length);
  for (const u of unions) {
    if (!issues.includes(u)) continue;
    const base = `${u.schemaPath}/anyOf/`;
    const inside = (i: Issue) => i.schemaPath.startsWith(base) && under(i.instancePath, u.instancePath);
    const members = (at(schema, u.schemaPath) as { anyOf: unknown[] }).anyOf;
    const unionSchema = at(schema, u.schemaPath) as { discriminator?: string };
    const v = at(value, u.instancePath);
    let keep: number | undefined;
    if (unionSchema.discriminator) {
      const key = unionSchema.discriminator;
      const tag = (v as Record<string, unknown> | null)?.[key];
      const k = members.findIndex(
        (m) => (m as { properties?: Record<string, { const?: unknown }> }).properties?.[key]?.const === tag,
      );
      if (k >= 0) keep = k;
      else {
        issues = issues.filter((i) => i !== u && !inside(i));
        issues.push({ ...u, keyword: 'discriminator', instancePath: `${u.instancePath}/${key}` });
        continue;
      }
    } else {
      // A member fails at the root when the value is not even of its type (null for an object...).
      const rootFail = (k: number) =>
        issues.some(
          (i) =>
            i.schemaPath === `${base}${k}` &&
            i.instancePath === u.instancePath &&
            (i.keyword === 'type' || i.keyword === 'const'),
        );
      const candidates = members.map((_, k) => k).filter((k) => !rootFail(k));
      if (candidates.length === 1) keep = candidates[0];
    }
    if (keep === undefined) {
      issues = issues.filter((i) => !inside(i));
      continue;
    }
    const mine = `${base}${keep}`;
    issues = issues.filter(
      (i) => i !== u && (!inside(i) || i.schemaPath === mine || i.schemaPath.startsWith(`${mine}/`)),
    );
  }
  return issues;
}

function describe(schema: TSchema, value: unknown, issue: Issue): Out {
  const v = at(value, issue.instancePath);
  const path = pathOf(value, issue.instancePath);
  const s = at(schema, issue.schemaPath);
  switch (issue.keyword) {
    case 'required': {
      const key = String((issue.params.requiredProperties as string[])[0]);
      const prop = (s as { properties?: Record<string, unknown> }).properties?.[key];
      return { path: [...path, key], message: custom(prop, undefined) ?? 'is required' };
    }
    case 'additionalProperties': {
      const keys = (issue.params.additionalProperties as string[]).map((k) => got(k));
      return { path, message: `unknown field${keys.length > 1 ? 's' : ''} ${keys.join(', ')}` };
    }
    case 'discriminator': {
      const parent = at(value, issue.instancePath.slice(0, issue.instancePath.lastIndexOf('/')));
      return { path, message: custom(s, parent) ?? `must be one of the known types, got ${got(v)}` };
    }
    default:
      return { path, message: custom(s, v) ?? defaultMessage(issue, v) };
  }
}

/** Null when `value` fits `schema`; else the first few errors as `path: message`, joined by `; `. */
export function schemaMessage(
  schema: TSchema,
  value: unknown,
  prefix: readonly PropertyKey[] = [],
): string | null {
  if (Value.Check(schema, value)) return null;
  // Union members are told apart from all their errors, so lift TypeBox's cap (8) for this call.
  const cap = Settings.Get().maxErrors;
  let all: Issue[];
  try {
    Settings.Set({ maxErrors: 10_000 });
    all = Value.Errors(schema, value) as unknown as Issue[];
  } finally {
    Settings.Set({ maxErrors: cap });
  }
  const raw = all.filter((i) => i.keyword !== 'boolean');
  const issues = resolveUnions(schema, value, raw).map((i) => describe(schema, value, i));
  const shown = issues.slice(0, 5).map((i) => {
    const path = formatPath([...prefix, ...i.path]);
    return path ? `${path}: ${i.message}` : i.message;
  });
  const more = issues.length > 5 ? ` (and ${issues.length - 5} more)` : '';
  return shown.join('; ') + more;
}
