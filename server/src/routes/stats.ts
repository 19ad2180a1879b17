/**
 * Fleet statistics: missions, sorties, flight hours and kilometres per day, week (from Monday)
 * or month, optionally per dock or vehicle. Buckets follow the local calendar of `tz`
 * (IANA name, default Asia/Shanghai); see `flightlog/stats.ts`.
 */
import { isTimeZone } from '@aerie/missions';
import type { TypeBoxTypeProvider } from '@fastify/type-provider-typebox';
import { and, gte, inArray, lt } from 'drizzle-orm';
import type { FastifyInstance } from 'fastify';
import { Type } from 'typebox';
import type { AppContext } from '../context.ts';
import { docks, sorties, vehicles } from '../db/schema.ts';
import {
  bucketStats,
  bucketsBetween,
  DEFAULT_STATS_TIME_ZONE,
  MAX_BUCKETS,
  meanCoverage,
  STATS_BUCKETS,
  type StatsSortie,
} from '../flightlog/stats.ts';
import { ApiError, errorResponses } from '../http/errors.ts';
import { allOf, scopeCondition, Timestamp } from './common.ts';

const GROUP_BYS = ['none', 'dock', 'vehicle'] as const;

const FiguresProps = {
  /** Sorties during which a mission ran. */
  missions: Type.Integer(),
  sorties: Type.Integer(),
  flightHours: Type.Number(),
  kilometres: Type.Number(),
};

const BucketRow = Type.Object({
  /** Local start of the bucket, as an instant. */
  start: Type.String({ format: 'date-time' }),
  /** Local calendar date of the bucket's first day (2026-06-01), or month (2026-06). */
  label: Type.String(),
  /** Dock or vehicle id when grouped; null when not grouped or for sorties without a dock. */
  groupId: Type.Union([Type.String(), Type.Null()]),
  groupName: Type.Union([Type.String(), Type.Null()]),
  ...FiguresProps,
});

export function registerStatsRoutes(app: FastifyInstance, ctx: AppContext): void {
  const r = app.withTypeProvider<TypeBoxTypeProvider>();
  const { db } = ctx.database;

  r.get(
    '/stats',
    {
      config: { permission: 'stats.read' },
      schema: {
        tags: ['statistics'],
        summary:
          'Missions, sorties, flight hours and kilometres of closed sorties that took off in [from, to), per bucket ' +
          '(day, week from Monday, month in time zone `tz`, default Asia/Shanghai) and optionally per dock or vehicle',
        querystring: Type.Object({
          from: Timestamp,
          to: Timestamp,
          bucket: Type.Enum(STATS_BUCKETS, { default: 'day' }),
          groupBy: Type.Enum(GROUP_BYS, { default: 'none' }),
          tz: Type.String({ default: DEFAULT_STATS_TIME_ZONE, minLength: 1, maxLength: 64 }),
        }),
        response: {
          200: Type.Object({
            from: Type.String({ format: 'date-time' }),
            to: Type.String({ format: 'date-time' }),
            bucket: Type.Enum(STATS_BUCKETS),
            groupBy: Type.Enum(GROUP_BYS),
            timeZone: Type.String(),
            totals: Type.Object(FiguresProps),
            /** Coverage of the planned area over the sorties that have one (patrols with a route). */
            coverage: Type.Object({
              sorties: Type.Integer(),
              /** Mean share (0..1) of the planned area covered; null when no sortie has one. */
              meanShare: Type.Union([Type.Number(), Type.Null()]),
            }),
            buckets: Type.Array(BucketRow),
          }),
          ...errorResponses(400, 401, 403),
        },
      },
    },
    async (req) => {
      const { bucket, groupBy, tz } = req.query;
      const from = new Date(req.query.from);
      const to = new Date(req.query.to);
      if (from.getTime() >= to.getTime()) {
        throw new ApiError(
          'ValidationFailed',
          'querystring.to must be later than querystring.from',
          'querystring.to',
        );
      }
      if (!isTimeZone(tz)) {
        throw new ApiError('ValidationFailed', `querystring.tz: unknown time zone ${tz}`, 'querystring.tz');
      }
      const spans = bucketsBetween(from.getTime(), to.getTime(), bucket, tz);
      if (!spans) {
        throw new ApiError(
          'ValidationFailed',
          `querystring.from: the range needs more than ${MAX_BUCKETS} ${bucket} buckets; choose a larger bucket`,
          'querystring.from',
        );
      }
      const rows = await db
        .select({
          startedAt: sorties.startedAt,
          durationS: sorties.durationS,
          distanceM: sorties.distanceM,
          missionRan: sorties.missionRan,
          vehicleId: sorties.vehicleId,
          dockId: sorties.dockId,
          coverageShare: sorties.coverageShare,
        })
        .from(sorties)
        .where(
          allOf(
            and(gte(sorties.startedAt, from), lt(sorties.startedAt, to)),
            inArray(sorties.status, ['completed', 'aborted']),
            scopeCondition(req, sorties.departmentId),
          ),
        );
      const input: StatsSortie[] = rows.map((s) => ({
        startedAtMs: s.startedAt!.getTime(),
        durationS: s.durationS,
        distanceM: s.distanceM,
        missionRan: s.missionRan,
        groupId: groupBy === 'dock' ? s.dockId : groupBy === 'vehicle' ? s.vehicleId : null,
      }));
      const { buckets, totals } = bucketStats(input, spans, groupBy !== 'none');
      const names = new Map<string, string>();
      const ids = [...new Set(buckets.map((b) => b.groupId).filter((g): g is string => g !== null))];
      if (ids.length && groupBy === 'dock') {
        for (const d of await db
          .select({ id: docks.id, name: docks.name })
          .from(docks)
          .where(inArray(docks.id, ids)))
          names.set(d.id, d.name);
      } else if (ids.length && groupBy === 'vehicle') {
        for (const v of await db
          .select({ id: vehicles.id, name: vehicles.name })
          .from(vehicles)
          .where(inArray(vehicles.id, ids)))
          names.set(v.id, v.name);
      }
      return {
        from: from.toISOString(),
        to: to.toISOString(),
        bucket,
        groupBy,
        timeZone: tz,
        totals,
        coverage: meanCoverage(rows.map((r) => r.coverageShare)),
        buckets: buckets.map(({ startMs, ...b }) => ({
          start: new Date(startMs).toISOString(),
          ...b,
          groupName: b.groupId === null ? null : (names.get(b.groupId) ?? null),
        })),
      };
    },
  );
}
