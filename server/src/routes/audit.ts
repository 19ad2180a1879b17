/** Reading the audit log (administrators). */
import type { TypeBoxTypeProvider } from '@fastify/type-provider-typebox';
import { count, desc, eq, gte, lt } from 'drizzle-orm';
import type { FastifyInstance } from 'fastify';
import { Type } from 'typebox';
import type { AppContext } from '../context.ts';
import { auditLog } from '../db/schema.ts';
import { errorResponses } from '../http/errors.ts';
import { allOf, iso, Page, PagingQuery, Timestamp } from './common.ts';

const AuditView = Type.Object({
  id: Type.Integer(),
  at: Type.String({ format: 'date-time' }),
  userId: Type.Union([Type.String(), Type.Null()]),
  username: Type.Union([Type.String(), Type.Null()]),
  role: Type.Union([Type.String(), Type.Null()]),
  method: Type.String(),
  route: Type.String(),
  targetId: Type.Union([Type.String(), Type.Null()]),
  statusCode: Type.Integer(),
  ip: Type.Union([Type.String(), Type.Null()]),
});

export function registerAuditRoutes(app: FastifyInstance, ctx: AppContext): void {
  const r = app.withTypeProvider<TypeBoxTypeProvider>();
  const { db } = ctx.database;

  r.get(
    '/audit',
    {
      config: { permission: 'audit.read' },
      schema: {
        tags: ['audit'],
        summary: 'Audit log, newest first',
        querystring: Type.Object({
          ...PagingQuery,
          userId: Type.Optional(Type.String()),
          targetId: Type.Optional(Type.String()),
          from: Type.Optional(Timestamp),
          to: Type.Optional(Timestamp),
        }),
        response: { 200: Page(AuditView), ...errorResponses(400, 401, 403) },
      },
    },
    async (req) => {
      const { limit, offset, userId, targetId, from, to } = req.query;
      const where = allOf(
        userId ? eq(auditLog.userId, userId) : undefined,
        targetId ? eq(auditLog.targetId, targetId) : undefined,
        from ? gte(auditLog.at, new Date(from)) : undefined,
        to ? lt(auditLog.at, new Date(to)) : undefined,
      );
      const rows = await db
        .select()
        .from(auditLog)
        .where(where)
        .orderBy(desc(auditLog.id))
        .limit(limit)
        .offset(offset);
      const [total] = await db.select({ n: count() }).from(auditLog).where(where);
      return {
        items: rows.map((a) => ({ ...a, at: iso(a.at)! })),
        total: total?.n ?? 0,
        limit,
        offset,
      };
    },
  );
}
