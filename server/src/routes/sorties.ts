/**
 * Sorties (架次) and their flight log: the list, one sortie's figures, its track and events in
 * a time window (for replay), and its raw .tlog. The flight log (`flightlog/`) writes them.
 */
import { SortieRecord } from '@aerie/contracts';
import type { TypeBoxTypeProvider } from '@fastify/type-provider-typebox';
import { and, asc, count, desc, eq, gt, gte, inArray, lt, min } from 'drizzle-orm';
import type { FastifyInstance, FastifyRequest } from 'fastify';
import { type TSchema, Type } from 'typebox';
import type { AppContext } from '../context.ts';
import { dialectOf, rawRows } from '../db/client.ts';
import {
  departments,
  patrolRoutes,
  sorties,
  ticketOccurrences,
  tickets,
  trackPoints,
  vehicleEvents,
  vehicles,
} from '../db/schema.ts';
import { plannedAreaOf } from '../flightlog/coverage.ts';
import { EVENT_SEVERITIES } from '../flightlog/event-text.ts';
import { ApiError, errorResponses } from '../http/errors.ts';
import { allOf, findOr404, IdParams, iso, Page, PagingQuery, scopeCondition, Timestamp } from './common.ts';
import { trackPageJsonQuery, trackWindow } from './track-json.ts';

const NullableTime = Type.Union([Type.String({ format: 'date-time' }), Type.Null()]);

const SortieDetail = Type.Object({
  ...SortieRecord.properties,
  trackPointCount: Type.Integer(),
  eventCount: Type.Integer(),
});

/**
 * `type: ['number', 'null']` rather than a union: the response serialiser handles a type list
 * directly but tries each branch of an anyOf, which halves the speed of a track replay.
 */
const NullableNumber = Type.Unsafe<number | null>({ type: ['number', 'null'] });

const TrackPoint = Type.Object({
  at: Type.String({ format: 'date-time' }),
  latDeg: Type.Number(),
  lonDeg: Type.Number(),
  altAmslM: NullableNumber,
  altRelM: NullableNumber,
  headingDeg: NullableNumber,
  groundSpeedMps: NullableNumber,
  batteryPct: NullableNumber,
});

const EventView = Type.Object({
  id: Type.String(),
  at: Type.String({ format: 'date-time' }),
  kind: Type.String(),
  severity: Type.Enum(EVENT_SEVERITIES),
  message: Type.String(),
  /** The event as the bridge reported it. */
  data: Type.Union([Type.Record(Type.String(), Type.Unknown()), Type.Null()]),
});

/** `?from=&to=` time window [from, to) of a replay request, with its page size. */
const WindowQuery = (max: number, dflt: number) =>
  Type.Object({
    from: Type.Optional(Timestamp),
    to: Type.Optional(Timestamp),
    limit: Type.Integer({ minimum: 1, maximum: max, default: dflt }),
  });

/**
 * Options of a replay route on one sortie: a window query, and an answer of `{ sortieId,
 * ...items, nextFrom }` where a `nextFrom` means there are more.
 */
function windowRoute<P extends Record<string, TSchema>>(
  what: string,
  querystring: ReturnType<typeof WindowQuery>,
  items: P,
) {
  return {
    config: { permission: 'sorties.read' as const },
    schema: {
      tags: ['sorties'],
      summary: `${what} of a sortie in [from, to), oldest first; when \`nextFrom\` is set there are more: ask again from there`,
      params: IdParams,
      querystring,
      response: {
        200: Type.Object({ sortieId: Type.String(), ...items, nextFrom: NullableTime }),
        ...errorResponses(400, 401, 403, 404),
      },
    },
  };
}

/** Rows fetched with `limit + 1`: the first `limit`, and where the next page starts when there are more. */
function pageOf<R extends { at: Date }>(rows: R[], limit: number): { page: R[]; nextFrom: string | null } {
  const more = rows.length > limit;
  return { page: more ? rows.slice(0, limit) : rows, nextFrom: more ? rows[limit]!.at.toISOString() : null };
}

type SortieRow = typeof sorties.$inferSelect;

/** How long before its sortie's take-off an event may be linked to it (see sortie-tracker). */
const EVENT_LEAD_MS = 5000;

function sortieView(s: SortieRow) {
  const { tlogSha256, planJson: _plan, ...rest } = s;
  return {
    ...rest,
    dueAt: iso(s.dueAt),
    windowEndAt: iso(s.windowEndAt),
    hasTlog: tlogSha256 !== null,
    startedAt: iso(s.startedAt),
    endedAt: iso(s.endedAt),
    createdAt: iso(s.createdAt)!,
  };
}

function windowOf(query: { from?: string; to?: string }): { from: Date | null; to: Date | null } {
  const from = query.from ? new Date(query.from) : null;
  const to = query.to ? new Date(query.to) : null;
  if (from && to && from.getTime() >= to.getTime()) {
    throw new ApiError(
      'ValidationFailed',
      'querystring.to must be later than querystring.from',
      'querystring.to',
    );
  }
  return { from, to };
}

export function registerSortieRoutes(app: FastifyInstance, ctx: AppContext): void {
  const r = app.withTypeProvider<TypeBoxTypeProvider>();
  const { db } = ctx.database;
  const dialect = dialectOf(db);

  r.get(
    '/sorties',
    {
      config: { permission: 'sorties.read' },
      schema: {
        tags: ['sorties'],
        summary: 'List sorties, newest first; `from`/`to` filter on the take-off time [from, to)',
        querystring: Type.Object({
          ...PagingQuery,
          vehicleId: Type.Optional(Type.String()),
          dockId: Type.Optional(Type.String()),
          from: Type.Optional(Timestamp),
          to: Type.Optional(Timestamp),
        }),
        response: { 200: Page(SortieRecord), ...errorResponses(400, 401, 403) },
      },
    },
    async (req) => {
      const { limit, offset, vehicleId, dockId, from, to } = req.query;
      const where = allOf(
        scopeCondition(req, sorties.departmentId),
        vehicleId ? eq(sorties.vehicleId, vehicleId) : undefined,
        dockId ? eq(sorties.dockId, dockId) : undefined,
        from ? gte(sorties.startedAt, new Date(from)) : undefined,
        to ? lt(sorties.startedAt, new Date(to)) : undefined,
      );
      const rows = await db
        .select()
        .from(sorties)
        .where(where)
        .orderBy(desc(sorties.startedAt), desc(sorties.createdAt))
        .limit(limit)
        .offset(offset);
      const [total] = await db.select({ n: count() }).from(sorties).where(where);
      return { items: rows.map(sortieView), total: total?.n ?? 0, limit, offset };
    },
  );

  /** The sortie if the request may see it (other departments' sorties read as missing). */
  const visibleSortie = (req: FastifyRequest, id: string): Promise<SortieRow> =>
    findOr404(db, sorties, id, 'sortie', scopeCondition(req, sorties.departmentId));

  /**
   * The events of sortie `s` within [from, to). Events carry no index by sortie, so the
   * (vehicle_id, at) index is given a range: from the take-off (less the moment an arm event
   * may precede an armed snapshot) to the vehicle's next take-off, after which events belong
   * to the next sortie.
   */
  async function sortieEventsCondition(s: SortieRow, from: Date | null, to: Date | null) {
    const start = (s.startedAt ?? s.createdAt).getTime() - EVENT_LEAD_MS;
    let end = to?.getTime() ?? null;
    if (end === null && s.startedAt) {
      const [next] = await db
        .select({ at: min(sorties.startedAt) })
        .from(sorties)
        .where(and(eq(sorties.vehicleId, s.vehicleId), gt(sorties.startedAt, s.startedAt)));
      if (next?.at) end = next.at.getTime() + EVENT_LEAD_MS;
    }
    return allOf(
      eq(vehicleEvents.vehicleId, s.vehicleId),
      eq(vehicleEvents.sortieId, s.id),
      gte(vehicleEvents.at, new Date(Math.max(start, from?.getTime() ?? start))),
      end !== null ? lt(vehicleEvents.at, new Date(end)) : undefined,
    );
  }

  /** A sortie with how many track points and events it has. */
  async function detailOf(s: SortieRow) {
    const [points] = await db.select({ n: count() }).from(trackPoints).where(eq(trackPoints.sortieId, s.id));
    const [events] = await db
      .select({ n: count() })
      .from(vehicleEvents)
      .where(await sortieEventsCondition(s, null, null));
    return { ...sortieView(s), trackPointCount: points?.n ?? 0, eventCount: events?.n ?? 0 };
  }

  r.get(
    '/sorties/:id',
    {
      config: { permission: 'sorties.read' },
      schema: {
        tags: ['sorties'],
        summary: 'One sortie with its figures (duration, distance, highest altitude, mission flag)',
        params: IdParams,
        response: { 200: SortieDetail, ...errorResponses(401, 403, 404) },
      },
    },
    async (req) => detailOf(await visibleSortie(req, req.params.id)),
  );

  const LatLonList = Type.Array(Type.Object({ lat: Type.Number(), lon: Type.Number() }));
  r.get(
    '/sorties/:id/report',
    {
      config: { permission: 'sorties.read' },
      schema: {
        tags: ['sorties'],
        summary:
          'What a printed sortie report shows: the sortie, its route (planned path and area), the flown track ' +
          '(at most 2000 points), its coverage, the findings filed during it and their tickets (a department ' +
          "officer: their department's tickets only)",
        params: IdParams,
        response: {
          200: Type.Object({
            sortie: SortieDetail,
            vehicleName: Type.Union([Type.String(), Type.Null()]),
            routeName: Type.Union([Type.String(), Type.Null()]),
            plannedPath: LatLonList,
            plannedArea: LatLonList,
            track: LatLonList,
            findings: Type.Array(
              Type.Object({
                ticketId: Type.String(),
                score: Type.Union([Type.Number(), Type.Null()]),
                lat: Type.Number(),
                lon: Type.Number(),
                capturedAt: Type.String({ format: 'date-time' }),
              }),
            ),
            tickets: Type.Array(
              Type.Object({
                id: Type.String(),
                number: Type.String(),
                category: Type.String(),
                status: Type.String(),
                urgent: Type.Boolean(),
                lat: Type.Number(),
                lon: Type.Number(),
                departmentName: Type.Union([Type.String(), Type.Null()]),
              }),
            ),
          }),
          ...errorResponses(401, 403, 404),
        },
      },
    },
    async (req) => {
      const s = await visibleSortie(req, req.params.id);
      const [vehicle] = await db
        .select({ name: vehicles.name })
        .from(vehicles)
        .where(eq(vehicles.id, s.vehicleId));
      const [route] = s.routeId
        ? await db
            .select({ name: patrolRoutes.name, routeJson: patrolRoutes.routeJson })
            .from(patrolRoutes)
            .where(eq(patrolRoutes.id, s.routeId))
        : [];
      const planned = plannedAreaOf(s.planJson, route?.routeJson ?? null);
      const track = await db
        .select({ lat: trackPoints.latDeg, lon: trackPoints.lonDeg })
        .from(trackPoints)
        .where(eq(trackPoints.sortieId, s.id))
        .orderBy(asc(trackPoints.at));
      const step = Math.max(1, Math.ceil(track.length / 2000));
      const occurrences = await db
        .select({
          ticketId: ticketOccurrences.ticketId,
          score: ticketOccurrences.score,
          lat: ticketOccurrences.latDeg,
          lon: ticketOccurrences.lonDeg,
          capturedAt: ticketOccurrences.capturedAt,
        })
        .from(ticketOccurrences)
        .where(eq(ticketOccurrences.sortieId, s.id))
        .orderBy(asc(ticketOccurrences.capturedAt));
      const ticketIds = [...new Set(occurrences.map((o) => o.ticketId))];
      const ticketRows = ticketIds.length
        ? await db
            .select({
              id: tickets.id,
              number: tickets.number,
              category: tickets.category,
              status: tickets.status,
              urgent: tickets.urgent,
              lat: tickets.latDeg,
              lon: tickets.lonDeg,
              departmentName: departments.name,
            })
            .from(tickets)
            .leftJoin(departments, eq(departments.id, tickets.departmentId))
            // A department officer sees their department's tickets only, as in the ticket centre.
            .where(allOf(inArray(tickets.id, ticketIds), scopeCondition(req, tickets.departmentId)))
            .orderBy(asc(tickets.number))
        : [];
      const shown = new Set(ticketRows.map((tk) => tk.id));
      return {
        sortie: await detailOf(s),
        vehicleName: vehicle?.name ?? null,
        routeName: route?.name ?? null,
        plannedPath: planned.path,
        plannedArea: planned.area,
        track: track.filter((_, i) => i % step === 0 || i === track.length - 1),
        findings: occurrences
          .filter((o) => shown.has(o.ticketId))
          .map((o) => ({ ...o, capturedAt: o.capturedAt.toISOString() })),
        tickets: ticketRows,
      };
    },
  );

  r.get(
    '/sorties/:id/track',
    windowRoute('Track points', WindowQuery(20_000, 5000), { points: Type.Array(TrackPoint) }),
    async (req, reply) => {
      const s = await visibleSortie(req, req.params.id);
      const { from, to } = windowOf(req.query);
      const { limit } = req.query;
      const where = trackWindow(s.id, from, to);
      if (dialect === 'postgres') {
        // PostgreSQL writes the page's JSON itself (track-json.ts): a third of the CPU.
        const [row] = await rawRows<{ body: string }>(db, trackPageJsonQuery(s.id, where, limit));
        // JSON text of the schema's shape: a string with a JSON content type is sent as it is.
        return reply.type('application/json; charset=utf-8').send(row!.body as never);
      }
      const rows = await db
        .select({
          at: trackPoints.at,
          latDeg: trackPoints.latDeg,
          lonDeg: trackPoints.lonDeg,
          altAmslM: trackPoints.altAmslM,
          altRelM: trackPoints.altRelM,
          headingDeg: trackPoints.headingDeg,
          groundSpeedMps: trackPoints.groundSpeedMps,
          batteryPct: trackPoints.batteryPct,
        })
        .from(trackPoints)
        .where(where)
        .orderBy(asc(trackPoints.at), asc(trackPoints.id))
        .limit(limit + 1);
      const { page, nextFrom } = pageOf(rows, limit);
      return {
        sortieId: s.id,
        points: page.map((p) => ({
          at: p.at.toISOString(),
          latDeg: p.latDeg,
          lonDeg: p.lonDeg,
          altAmslM: p.altAmslM,
          altRelM: p.altRelM,
          headingDeg: p.headingDeg,
          groundSpeedMps: p.groundSpeedMps,
          batteryPct: p.batteryPct,
        })),
        nextFrom,
      };
    },
  );

  r.get(
    '/sorties/:id/events',
    windowRoute('Vehicle events', WindowQuery(5000, 1000), { events: Type.Array(EventView) }),
    async (req) => {
      const s = await visibleSortie(req, req.params.id);
      const { from, to } = windowOf(req.query);
      const { limit } = req.query;
      // Filtering on the vehicle too lets the (vehicle_id, at) index do the work.
      const rows = await db
        .select()
        .from(vehicleEvents)
        .where(await sortieEventsCondition(s, from, to))
        .orderBy(asc(vehicleEvents.at))
        .limit(limit + 1);
      const { page, nextFrom } = pageOf(rows, limit);
      return {
        sortieId: s.id,
        events: page.map((e) => ({
          id: e.id,
          at: e.at.toISOString(),
          kind: e.kind,
          severity: (EVENT_SEVERITIES as readonly string[]).includes(e.severity)
            ? (e.severity as (typeof EVENT_SEVERITIES)[number])
            : 'info',
          message: e.message,
          data: e.dataJson ? (JSON.parse(e.dataJson) as Record<string, unknown>) : null,
        })),
        nextFrom,
      };
    },
  );

  const { media } = ctx;
  r.get(
    '/sorties/:id/tlog',
    {
      config: { permission: 'sorties.tlog' },
      schema: {
        tags: ['sorties'],
        summary: "The sortie's raw MAVLink recording (.tlog); 404 NoTlog when the bridge sent none",
        params: IdParams,
        response: {
          200: {
            description: 'The .tlog bytes',
            content: { 'application/octet-stream': { schema: { type: 'string', format: 'binary' } } },
          },
          ...errorResponses(401, 403, 404),
        },
      },
    },
    async (req, reply) => {
      const s = await visibleSortie(req, req.params.id);
      const read = s.tlogSha256 ? await media.open(s.tlogSha256) : null;
      if (!s.tlogSha256 || !read)
        throw new ApiError('NoTlog', `sortie ${s.id} has no tlog`, undefined, { sortieId: s.id });
      const stamp = (s.startedAt ?? s.createdAt)
        .toISOString()
        .replace(/[-:]/g, '')
        .replace(/\.\d+Z$/, 'Z');
      reply
        .header('content-type', 'application/octet-stream')
        .header('content-disposition', `attachment; filename="sortie-${stamp}-${s.id.slice(0, 8)}.tlog"`)
        .header('content-length', String(read.info.bytes));
      // The schema calls the body a binary string for OpenAPI; fastify sends a stream as is.
      return reply.send(read.body as unknown as string);
    },
  );
}
