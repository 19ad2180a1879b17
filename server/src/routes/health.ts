/** Health report for load balancers and the field engineer. */
import type { TypeBoxTypeProvider } from '@fastify/type-provider-typebox';
import { count } from 'drizzle-orm';
import type { FastifyInstance } from 'fastify';
import { Type } from 'typebox';
import type { AppContext } from '../context.ts';
import { bridges, vehicles } from '../db/schema.ts';

const Health = Type.Object({
  status: Type.Union([Type.Literal('ok'), Type.Literal('degraded')]),
  database: Type.Object({
    ok: Type.Boolean(),
    dialect: Type.Union([Type.Literal('sqlite'), Type.Literal('postgres')]),
    /** The SQLite file, or the PostgreSQL URL without its password. */
    location: Type.String(),
  }),
  bridges: Type.Object({ total: Type.Integer(), connected: Type.Integer() }),
  vehicles: Type.Object({ total: Type.Integer(), online: Type.Integer() }),
});

export function registerHealthRoutes(app: FastifyInstance, ctx: AppContext): void {
  const r = app.withTypeProvider<TypeBoxTypeProvider>();
  const { database } = ctx;

  r.get(
    '/health',
    {
      config: { permission: 'public' },
      schema: {
        tags: ['health'],
        security: [],
        summary: 'Database status and fleet counts; 503 when the database does not answer',
        response: { 200: Health, 503: Health },
      },
    },
    async (_req, reply) => {
      const dbOk = await database.ping();
      let bridgeCount = 0;
      let vehicleCount = 0;
      if (dbOk) {
        const [b] = await database.db.select({ n: count() }).from(bridges);
        const [v] = await database.db.select({ n: count() }).from(vehicles);
        bridgeCount = b?.n ?? 0;
        vehicleCount = v?.n ?? 0;
      }
      return reply.status(dbOk ? 200 : 503).send({
        status: dbOk ? 'ok' : 'degraded',
        database: { ok: dbOk, dialect: database.dialect, location: database.location },
        bridges: { total: bridgeCount, connected: ctx.bridgeHub.connectedBridgeIds().length },
        vehicles: { total: vehicleCount, online: ctx.liveState.onlineCount() },
      });
    },
  );
}
