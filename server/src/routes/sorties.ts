/** Sorties (架次): read-only for now; the sortie orchestrator will write them. */
import type { TypeBoxTypeProvider } from '@fastify/type-provider-typebox';
import { count, desc, eq, gte, lt } from 'drizzle-orm';
import type { FastifyInstance } from 'fastify';
import { Type } from 'typebox';
import type { AppContext } from '../context.ts';
import { SORTIE_KINDS, SORTIE_STATUSES, sorties } from '../db/schema.ts';
import { errorResponses } from '../http/errors.ts';
import { allOf, iso, Page, PagingQuery, scopeCondition, Timestamp } from './common.ts';

const NullableTime = Type.Union([Type.String({ format: 'date-time' }), Type.Null()]);

const SortieView = Type.Object({
  id: Type.String(),
  vehicleId: Type.String(),
  dockId: Type.Union([Type.String(), Type.Null()]),
  departmentId: Type.Union([Type.String(), Type.Null()]),
  kind: Type.Enum(SORTIE_KINDS),
  status: Type.Enum(SORTIE_STATUSES),
  startedAt: NullableTime,
  endedAt: NullableTime,
  distanceM: Type.Union([Type.Number(), Type.Null()]),
  createdAt: Type.String({ format: 'date-time' }),
});

export function registerSortieRoutes(app: FastifyInstance, ctx: AppContext): void {
  const r = app.withTypeProvider<TypeBoxTypeProvider>();
  const { db } = ctx.database;

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
        response: { 200: Page(SortieView), ...errorResponses(400, 401, 403) },
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
      return {
        items: rows.map((s) => ({
          ...s,
          startedAt: iso(s.startedAt),
          endedAt: iso(s.endedAt),
          createdAt: iso(s.createdAt)!,
        })),
        total: total?.n ?? 0,
        limit,
        offset,
      };
    },
  );
}
