/**
 * The working calendar's routes: which years the ticket clock knows (shipped, loaded,
 * configured) and which years in use it lacks; an administrator loads a year's official
 * holidays and make-up working days (the notice's dates, as a JSON file) with PUT.
 */
import type { TypeBoxTypeProvider } from '@fastify/type-provider-typebox';
import type { FastifyInstance } from 'fastify';
import { Type } from 'typebox';
import { ApiError, errorResponses } from '../http/errors.ts';
import { CALENDAR_YEAR_RANGE, calendarYearMismatch, YearCalendarSchema } from './core/index.ts';
import type { TicketDesk } from './desk.ts';

const CalendarStatus = Type.Object({
  years: Type.Array(
    Type.Object({
      year: Type.Integer(),
      origin: Type.Union([Type.Literal('shipped'), Type.Literal('loaded'), Type.Literal('configured')]),
      source: Type.Union([Type.String(), Type.Null()]),
    }),
  ),
  /** Years in use (this one, and the next within a month) with no calendar: every weekday counts as working. */
  missingYears: Type.Array(Type.Integer()),
});

export function registerCalendarRoutes(app: FastifyInstance, desk: TicketDesk): void {
  const r = app.withTypeProvider<TypeBoxTypeProvider>();
  const tags = ['tickets'];

  r.get(
    '/tickets/calendar',
    {
      config: { permission: 'tickets.read' },
      schema: {
        tags,
        summary:
          'The working calendar of ticket time limits: the years it knows and the years in use it lacks (a year it lacks counts every weekday as working)',
        response: { 200: CalendarStatus, ...errorResponses(401, 403) },
      },
    },
    async () => desk.calendarStatus(),
  );

  r.put(
    '/tickets/calendar/:year',
    {
      config: { permission: 'calendar.write' },
      schema: {
        tags,
        summary:
          "Load (or replace) a year's official holidays and make-up working days (调休上班); checked date by date, time limits set from now on use them",
        params: Type.Object({
          year: Type.Integer({ minimum: CALENDAR_YEAR_RANGE.min, maximum: CALENDAR_YEAR_RANGE.max }),
        }),
        body: YearCalendarSchema,
        response: { 200: YearCalendarSchema, ...errorResponses(400, 401, 403) },
      },
    },
    async (req) => {
      const mismatch = calendarYearMismatch(req.params.year, req.body, 'the address');
      if (mismatch) throw new ApiError('ValidationFailed', mismatch, 'body.year');
      const loaded = await desk.loadCalendarYear(req.body, req.auth!.id);
      if (!loaded.ok) throw new ApiError('ValidationFailed', loaded.error.message);
      return loaded.value.calendar;
    },
  );
}
