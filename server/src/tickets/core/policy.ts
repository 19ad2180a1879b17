/**
 * The ticket policy per category, from configuration: when a finding becomes a ticket by
 * itself, how near a recurrence must be to count as the same incident, and the time limits.
 * The schema has defaults for every field, so an empty configuration gives a working desk.
 */

import { fail, ok, type Result, TICKET_CATEGORIES, type TicketCategory } from '@aerie/contracts';
import { type Static, Type } from 'typebox';
import { Value } from 'typebox/value';

/** Finding categories that become tickets (person and vehicle boxes feed other rules). */
export { TICKET_CATEGORIES, type TicketCategory };

export const CATEGORY_LABELS_ZH: Record<TicketCategory, string> = {
  fire_smoke: '烟火',
  construction: '违章建筑',
  river_pollution: '河道污染',
  other: '其他',
};

const CategoryPolicy = Type.Object(
  {
    /** Findings scoring at least this are filed at once; below it they wait in triage. */
    autoFileScore: Type.Number({ minimum: 0, maximum: 1 }),
    /** Findings scoring below this are dropped (not even triage). */
    triageMinScore: Type.Number({ minimum: 0, maximum: 1 }),
    /** A finding this close (metres) to a recent ticket of the category is the same incident. */
    dedupRadiusM: Type.Number({ minimum: 0 }),
    /** Working minutes from dispatch to signing (签收时限). */
    signMinutes: Type.Integer({ minimum: 1 }),
    /** Working minutes from signing to handled (处置时限). */
    handleMinutes: Type.Integer({ minimum: 1 }),
    /** Urgent categories alert the command centre at once. */
    urgent: Type.Boolean(),
  },
  { additionalProperties: false },
);
export type CategoryPolicy = Static<typeof CategoryPolicy>;

const DAY = 8 * 60 - 90; // one working day of the default hours: 7.5 h

export const DEFAULT_CATEGORY_POLICY: Record<TicketCategory, CategoryPolicy> = {
  fire_smoke: {
    autoFileScore: 0.6,
    triageMinScore: 0.25,
    dedupRadiusM: 200,
    signMinutes: 30,
    handleMinutes: 4 * 60,
    urgent: true,
  },
  construction: {
    autoFileScore: 0.8,
    triageMinScore: 0.3,
    dedupRadiusM: 30,
    signMinutes: 4 * 60,
    handleMinutes: 5 * DAY,
    urgent: false,
  },
  river_pollution: {
    autoFileScore: 0.75,
    triageMinScore: 0.3,
    dedupRadiusM: 100,
    signMinutes: 2 * 60,
    handleMinutes: 3 * DAY,
    urgent: false,
  },
  other: {
    autoFileScore: 0.9,
    triageMinScore: 0.4,
    dedupRadiusM: 50,
    signMinutes: 4 * 60,
    handleMinutes: 5 * DAY,
    urgent: false,
  },
};

/** Configuration of the ticket desk (server configuration key `tickets`). */
export const TicketPolicySchema = Type.Object(
  {
    categories: Type.Partial(
      Type.Object({
        fire_smoke: Type.Partial(CategoryPolicy),
        construction: Type.Partial(CategoryPolicy),
        river_pollution: Type.Partial(CategoryPolicy),
        other: Type.Partial(CategoryPolicy),
      }),
      { default: {}, additionalProperties: false },
    ),
    /** Days a closed ticket still attracts recurrences (and is reopened by them). */
    dedupWindowDays: Type.Integer({ minimum: 0, default: 30 }),
    /** Share of a time limit after which a warning is raised. */
    warnAt: Type.Number({ exclusiveMinimum: 0, exclusiveMaximum: 1, default: 0.8 }),
    /** Escalate (督办) again every this many overdue working days. */
    reEscalateEveryWorkingDays: Type.Integer({ minimum: 1, default: 1 }),
    calendar: Type.Object(
      {
        utcOffsetMinutes: Type.Integer({ minimum: -720, maximum: 840, default: 480 }),
        hours: Type.Array(
          Type.Object(
            {
              start: Type.String({ pattern: '^\\d{2}:\\d{2}$' }),
              end: Type.String({ pattern: '^\\d{2}:\\d{2}$' }),
            },
            { additionalProperties: false },
          ),
          {
            minItems: 1,
            default: [
              { start: '09:00', end: '12:00' },
              { start: '13:30', end: '18:00' },
            ],
          },
        ),
        /** Extra holidays beyond the shipped official calendar (YYYY-MM-DD). */
        holidays: Type.Array(Type.String({ pattern: '^\\d{4}-\\d{2}-\\d{2}$' }), { default: [] }),
        /** Extra make-up working days (YYYY-MM-DD). */
        makeUpWorkdays: Type.Array(Type.String({ pattern: '^\\d{4}-\\d{2}-\\d{2}$' }), { default: [] }),
      },
      { default: {}, additionalProperties: false },
    ),
  },
  { additionalProperties: false, default: {} },
);
export type TicketPolicyConfig = Static<typeof TicketPolicySchema>;

/** A policy with every category filled in. */
export interface TicketPolicy extends Omit<TicketPolicyConfig, 'categories'> {
  categories: Record<TicketCategory, CategoryPolicy>;
}

/** Fills defaults and checks a policy configuration; the message names the bad fields. */
export function parseTicketPolicy(input: unknown): Result<TicketPolicy, 'InvalidConfig'> {
  const withDefaults = Value.Default(TicketPolicySchema, Value.Clone(input ?? {}));
  if (!Value.Check(TicketPolicySchema, withDefaults)) {
    const problems = Value.Errors(TicketPolicySchema, withDefaults).map(
      (e) => `${e.instancePath || '/'}: ${e.message}`,
    );
    return fail('InvalidConfig', `invalid ticket policy: ${problems.join('; ')}`);
  }
  const cfg = withDefaults as TicketPolicyConfig;
  const categories = {} as Record<TicketCategory, CategoryPolicy>;
  for (const c of TICKET_CATEGORIES) {
    const merged = { ...DEFAULT_CATEGORY_POLICY[c], ...(cfg.categories[c] ?? {}) };
    if (merged.triageMinScore > merged.autoFileScore)
      return fail(
        'InvalidConfig',
        `invalid ticket policy: /categories/${c}: triageMinScore above autoFileScore`,
      );
    categories[c] = merged;
  }
  return ok({ ...cfg, categories });
}

export function isTicketCategory(c: string): c is TicketCategory {
  return (TICKET_CATEGORIES as readonly string[]).includes(c);
}
