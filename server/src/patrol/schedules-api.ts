/**
 * Patrol schedules over HTTP: CRUD and a preview of the next runs. A schedule is checked with
 * the planning library when saved (rule, time zone, window), so a bad RRULE is refused naming
 * the field. Editing the rule moves `effectiveFrom` to now: occurrences before the edit never
 * run late because of it.
 */
import { randomUUID } from 'node:crypto';
import {
  compileSchedule,
  DEFAULT_SCHEDULE_TIME_ZONE,
  isTimeZone,
  nextRuns,
  type PatrolSchedule,
} from '@aerie/missions';
import type { FastifyInstance, FastifyRequest } from 'fastify';
import { Type } from 'typebox';
import type { AppContext } from '../context.ts';
import { departments, docks, patrolRoutes, patrolSchedules, SCHEDULE_KINDS } from '../db/schema.ts';
import { ApiError, errorResponses } from '../http/errors.ts';
import {
  Body,
  created,
  IdParams,
  iso,
  Name,
  NullableId,
  requireRef,
  resourceRoutes,
} from '../routes/common.ts';
import { dockIdsOf, type ScheduleRow, scheduleOf } from './store.ts';

const NullableTime = Type.Union([Type.String({ format: 'date-time' }), Type.Null()]);

const ScheduleView = Type.Object({
  id: Type.String(),
  name: Type.String(),
  routeId: Type.String(),
  kind: Type.Enum(SCHEDULE_KINDS),
  rrule: Type.Union([Type.String(), Type.Null()]),
  dtstart: Type.Union([Type.String(), Type.Null()]),
  runAt: NullableTime,
  tz: Type.String(),
  windowS: Type.Integer(),
  priority: Type.Integer(),
  dockIds: Type.Union([Type.Array(Type.String()), Type.Null()]),
  departmentId: Type.Union([Type.String(), Type.Null()]),
  enabled: Type.Boolean(),
  effectiveFrom: Type.String({ format: 'date-time' }),
  lastDueAt: NullableTime,
  lastSortieId: Type.Union([Type.String(), Type.Null()]),
  /** 'started', 'closed', or why the last run did not fly (NoDock, WeatherGrounded, WindowMissed, ...). */
  lastOutcome: Type.Union([Type.String(), Type.Null()]),
  lastOutcomeMessage: Type.Union([Type.String(), Type.Null()]),
  nextRunAt: NullableTime,
  createdAt: Type.String({ format: 'date-time' }),
  updatedAt: NullableTime,
});

const Fields = {
  name: Name,
  routeId: Type.String({ minLength: 1, maxLength: 64 }),
  kind: Type.Enum(SCHEDULE_KINDS),
  rrule: Type.Union([
    Type.String({
      minLength: 1,
      maxLength: 500,
      description: 'RFC 5545 RRULE, e.g. FREQ=WEEKLY;BYDAY=MO,TU,WE,TH,FR;BYHOUR=9,15;BYMINUTE=0;BYSECOND=0',
    }),
    Type.Null(),
  ]),
  dtstart: Type.Union([
    Type.String({
      maxLength: 19,
      description: 'local date-time in tz the rule starts from, e.g. 2026-01-05T00:00',
    }),
    Type.Null(),
  ]),
  runAt: NullableTime,
  tz: Type.String({
    minLength: 1,
    maxLength: 64,
    description: `IANA time zone (default ${DEFAULT_SCHEDULE_TIME_ZONE})`,
  }),
  windowS: Type.Integer({
    minimum: 0,
    maximum: 86_400,
    description: 'a run may start within [due, due + windowS]',
  }),
  priority: Type.Integer({ minimum: 0, maximum: 100 }),
  dockIds: Type.Union([
    Type.Array(Type.String({ minLength: 1, maxLength: 64 }), { maxItems: 50 }),
    Type.Null(),
  ]),
  departmentId: NullableId,
  enabled: Type.Boolean(),
};

function view(row: ScheduleRow, now: number) {
  const next = nextRuns(scheduleOf(row), Math.max(now, row.lastDueAt?.getTime() ?? now), 1);
  return {
    id: row.id,
    name: row.name,
    routeId: row.routeId,
    kind: row.kind,
    rrule: row.rrule,
    dtstart: row.dtstart,
    runAt: iso(row.runAt),
    tz: row.tz,
    windowS: row.windowS,
    priority: row.priority,
    dockIds: dockIdsOf(row),
    departmentId: row.departmentId,
    enabled: row.enabled,
    effectiveFrom: iso(row.effectiveFrom)!,
    lastDueAt: iso(row.lastDueAt),
    lastSortieId: row.lastSortieId,
    lastOutcome: row.lastOutcome,
    lastOutcomeMessage: row.lastOutcomeMessage,
    nextRunAt: next.ok && next.value[0] && row.enabled ? new Date(next.value[0].dueMs).toISOString() : null,
    createdAt: iso(row.createdAt)!,
    updatedAt: iso(row.updatedAt),
  };
}

/** Checks the schedule with the planning library; 400 naming the field. */
function check(s: PatrolSchedule): void {
  const c = compileSchedule(s);
  if (!c.ok)
    throw new ApiError(
      'ValidationFailed',
      `body.${c.error.field}: ${c.error.message}`,
      `body.${c.error.field}`,
    );
}

/** Today at 00:00 in `tz`, as a local date-time (the default dtstart). */
function localMidnight(now: number, tz: string): string {
  if (!isTimeZone(tz)) return localMidnight(now, DEFAULT_SCHEDULE_TIME_ZONE);
  const parts = new Intl.DateTimeFormat('en-CA', {
    timeZone: tz,
    year: 'numeric',
    month: '2-digit',
    day: '2-digit',
  }).format(new Date(now));
  return `${parts}T00:00`;
}

export function registerScheduleRoutes(app: FastifyInstance, ctx: AppContext): void {
  const schedule = resourceRoutes(app, ctx.database.db, {
    path: '/schedules',
    table: patrolSchedules,
    what: 'schedule',
    tags: ['schedules'],
    scopeColumn: patrolSchedules.departmentId,
  });
  const { r, db, tags } = schedule;

  schedule.registerRead({
    permission: 'schedules.read',
    listSummary: 'List patrol schedules with their next run and the outcome of the last one',
    getSummary: 'One patrol schedule',
    view: ScheduleView,
    toView: (row) => view(row, ctx.now()),
    orderBy: patrolSchedules.name,
  });

  const visible = (req: FastifyRequest, id: string): Promise<ScheduleRow> => schedule.find(id, req);

  async function checkDocks(ids: string[] | null | undefined): Promise<void> {
    for (const [i, id] of (ids ?? []).entries())
      await requireRef(db, docks, id, `body.dockIds[${i}]`, 'dock');
  }

  r.post(
    '/schedules',
    {
      config: { permission: 'schedules.write' },
      schema: {
        tags,
        summary: 'Create a schedule (recurring by RRULE, one-off at runAt, or on-demand only)',
        body: Body({
          name: Fields.name,
          routeId: Fields.routeId,
          kind: Fields.kind,
          rrule: Type.Optional(Fields.rrule),
          dtstart: Type.Optional(Fields.dtstart),
          runAt: Type.Optional(Fields.runAt),
          tz: Type.Optional(Fields.tz),
          windowS: Type.Optional(Fields.windowS),
          priority: Type.Optional(Fields.priority),
          dockIds: Type.Optional(Fields.dockIds),
          departmentId: Type.Optional(Fields.departmentId),
          enabled: Type.Optional(Fields.enabled),
        }),
        response: { 201: ScheduleView, ...errorResponses(400, 401, 403) },
      },
    },
    async (req, reply) => {
      const b = req.body;
      const now = ctx.now();
      await requireRef(db, patrolRoutes, b.routeId, 'body.routeId', 'route');
      await requireRef(db, departments, b.departmentId, 'body.departmentId', 'department');
      await checkDocks(b.dockIds);
      const tz = b.tz ?? DEFAULT_SCHEDULE_TIME_ZONE;
      const values = {
        id: randomUUID(),
        name: b.name,
        routeId: b.routeId,
        kind: b.kind,
        rrule: b.rrule ?? null,
        dtstart: b.kind === 'recurring' ? (b.dtstart ?? localMidnight(now, tz)) : null,
        runAt: b.runAt ? new Date(b.runAt) : null,
        tz,
        windowS: b.windowS ?? 1800,
        priority: b.priority ?? 50,
        dockIdsJson: b.dockIds ? JSON.stringify(b.dockIds) : null,
        departmentId: b.departmentId ?? req.auth?.departmentId ?? null,
        enabled: b.enabled ?? true,
        effectiveFrom: new Date(now),
        createdBy: req.auth?.id ?? null,
        createdAt: new Date(now),
      };
      check(
        scheduleOf({
          ...values,
          lastDueAt: null,
          lastSortieId: null,
          lastOutcome: null,
          lastOutcomeMessage: null,
          updatedAt: null,
        }),
      );
      const [row] = await db.insert(patrolSchedules).values(values).returning();
      return created(req, reply, row!.id, view(row!, now));
    },
  );

  r.patch(
    '/schedules/:id',
    schedule.change({
      permission: 'schedules.write',
      summary: 'Change a schedule (a changed rule counts from now)',
      fields: Fields,
      view: ScheduleView,
      errors: [400, 401, 403, 404],
    }),
    async (req) => {
      const current = await visible(req, req.params.id);
      const b = req.body;
      const now = ctx.now();
      if (b.routeId) await requireRef(db, patrolRoutes, b.routeId, 'body.routeId', 'route');
      await requireRef(db, departments, b.departmentId, 'body.departmentId', 'department');
      await checkDocks(b.dockIds);
      const ruleChanged = ['kind', 'rrule', 'dtstart', 'runAt', 'tz'].some((k) => k in b);
      const { dockIds, runAt, ...rest } = b;
      const next: ScheduleRow = {
        ...current,
        ...rest,
        ...(runAt !== undefined ? { runAt: runAt ? new Date(runAt) : null } : {}),
        ...(dockIds !== undefined ? { dockIdsJson: dockIds ? JSON.stringify(dockIds) : null } : {}),
        ...(ruleChanged ? { effectiveFrom: new Date(now) } : {}),
        updatedAt: new Date(now),
      };
      if (next.kind === 'recurring' && !next.dtstart) next.dtstart = localMidnight(now, next.tz);
      check(scheduleOf(next));
      const { id: _id, createdAt: _c, createdBy: _b, ...set } = next;
      return view(await schedule.update(current.id, set), now);
    },
  );

  schedule.registerDelete({
    permission: 'schedules.write',
    summary: 'Delete a schedule (refused with 409 while sorties refer to it: disable it instead)',
  });

  r.get(
    '/schedules/:id/preview',
    {
      config: { permission: 'schedules.read' },
      schema: {
        tags,
        summary: 'The next runs of a schedule, each with the end of its window',
        params: IdParams,
        querystring: Type.Object({
          count: Type.Integer({ minimum: 1, maximum: 100, default: 10 }),
          from: Type.Optional(Type.String({ format: 'date-time' })),
        }),
        response: {
          200: Type.Object({
            tz: Type.String(),
            runs: Type.Array(
              Type.Object({
                dueAt: Type.String({ format: 'date-time' }),
                windowEndAt: Type.String({ format: 'date-time' }),
              }),
            ),
          }),
          ...errorResponses(400, 401, 403, 404),
        },
      },
    },
    async (req) => {
      const row = await visible(req, req.params.id);
      const from = req.query.from ? Date.parse(req.query.from) : ctx.now();
      const runs = nextRuns(
        scheduleOf(row),
        Math.max(from, row.lastDueAt?.getTime() ?? from),
        req.query.count,
      );
      if (!runs.ok)
        throw new ApiError('ValidationFailed', `schedule ${row.id}: ${runs.error.message}`, runs.error.field);
      return {
        tz: row.tz,
        runs: runs.value.map((v) => ({
          dueAt: new Date(v.dueMs).toISOString(),
          windowEndAt: new Date(v.windowEndMs).toISOString(),
        })),
      };
    },
  );
}
