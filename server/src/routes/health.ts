/** Health report for load balancers and the field engineer. */
import type { TypeBoxTypeProvider } from '@fastify/type-provider-typebox';
import { count } from 'drizzle-orm';
import type { FastifyInstance } from 'fastify';
import { Type } from 'typebox';
import type { Cluster, LoadWindow } from '../cluster/index.ts';
import type { AppContext } from '../context.ts';
import { bridges, vehicles } from '../db/schema.ts';

const LoadWindowSchema = Type.Object({
  seconds: Type.Integer({ description: 'The seconds this window covers' }),
  delayP50Ms: Type.Number({ description: 'How late a 10 ms timer fired: median' }),
  delayP99Ms: Type.Number({ description: 'How late a 10 ms timer fired: 99th percentile' }),
  delayMaxMs: Type.Number({ description: 'How late a 10 ms timer fired: the worst' }),
  utilization: Type.Number({ description: 'Share of the time the loop was running code, 0..1' }),
  gcPauses: Type.Integer({ description: 'Garbage-collection pauses' }),
  gcPauseMs: Type.Number({ description: 'Their sum' }),
  gcPauseMaxMs: Type.Number({ description: 'The longest' }),
});

const Health = Type.Object({
  status: Type.Union([Type.Literal('ok'), Type.Literal('degraded')]),
  database: Type.Object({
    ok: Type.Boolean(),
    dialect: Type.Union([Type.Literal('sqlite'), Type.Literal('postgres')]),
  }),
  bridges: Type.Object({ total: Type.Integer(), connected: Type.Integer() }),
  vehicles: Type.Object({ total: Type.Integer(), online: Type.Integer() }),
  detection: Type.Optional(
    Type.Object(
      {
        mode: Type.Union([Type.Literal('in-process'), Type.Literal('queue')]),
        frames: Type.Object({
          submitted: Type.Integer(),
          processed: Type.Integer(),
          /** Replaced by a newer frame of the same vehicle before analysis. */
          dropped: Type.Integer(),
          failed: Type.Integer(),
        }),
        queue: Type.Optional(
          Type.Object({
            ok: Type.Boolean(),
            waiting: Type.Integer(),
            active: Type.Integer(),
            workers: Type.Integer(),
            error: Type.Optional(Type.String()),
          }),
        ),
      },
      { description: 'Present when detection is on; `queue` in queue mode (AERIE_REDIS_URL)' },
    ),
  ),
  /** Things an operator should fix that do not stop the service (a year with no working calendar). */
  warnings: Type.Array(Type.Object({ code: Type.String(), message: Type.String() })),
  node: Type.Object(
    {
      id: Type.String(),
      bridges: Type.Integer({ description: 'Bridges connected to this node' }),
      load: Type.Array(LoadWindowSchema, {
        description:
          "This node's event loop over the last 10 s and the last 60 s (fewer seconds just after start; empty in the first second). Every bridge batch, live state, console frame and request of the node waits behind the same loop: a delay p99 that stays high means consoles see states late and the deployment wants another node",
      }),
    },
    { description: 'The node that answered (several nodes: `bridges` counts all of them)' },
  ),
});

const Ready = Type.Object({
  ready: Type.Boolean(),
  node: Type.String({ description: "This node's id (the lease holder name)" }),
  database: Type.Boolean(),
  redis: Type.Union([Type.Boolean(), Type.Null()], { description: 'null: no Redis configured (one node)' }),
});

export function registerHealthRoutes(
  app: FastifyInstance,
  ctx: AppContext,
  node: Pick<Cluster, 'nodeId' | 'ping'> & { localBridgeIds(): string[]; load(): LoadWindow[] },
): void {
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
      const detection = app.detection;
      const loop = detection?.stats().loop;
      const warnings = dbOk ? await calendarWarnings(app) : [];
      return reply.status(dbOk ? 200 : 503).send({
        status: dbOk ? 'ok' : 'degraded',
        database: { ok: dbOk, dialect: database.dialect },
        bridges: { total: bridgeCount, connected: ctx.bridgeHub.connectedBridgeIds().length },
        vehicles: { total: vehicleCount, online: ctx.liveState.onlineCount() },
        ...(detection && loop
          ? {
              detection: {
                mode: detection.mode,
                frames: {
                  submitted: loop.submitted,
                  processed: loop.processed,
                  dropped: loop.skipped,
                  failed: loop.failed,
                },
                ...(detection.queue ? { queue: await detection.queue() } : {}),
              },
            }
          : {}),
        warnings,
        node: { id: node.nodeId, bridges: node.localBridgeIds().length, load: node.load() },
      });
    },
  );

  r.get(
    '/ready',
    {
      config: { permission: 'public' },
      schema: {
        tags: ['health'],
        security: [],
        summary:
          'Readiness for a load balancer: 200 when the database and Redis (when configured) answer, 503 otherwise',
        response: { 200: Ready, 503: Ready },
      },
    },
    async (_req, reply) => {
      const [database, redis] = await Promise.all([ctx.database.ping(), node.ping()]);
      const ready = database && redis !== false;
      return reply.status(ready ? 200 : 503).send({ ready, node: node.nodeId, database, redis });
    },
  );
}

/** A warning per year in use that the ticket clock has no official calendar for. */
async function calendarWarnings(app: FastifyInstance): Promise<{ code: string; message: string }[]> {
  // The ticket desk is decorated by the app; a bare server in a unit test may have none.
  const desk = (app as Partial<Pick<FastifyInstance, 'tickets'>>).tickets;
  if (!desk) return [];
  return (await desk.calendarStatus()).missingYears.map((year) => ({
    code: 'CalendarYearMissing',
    message: `no working calendar for ${year}: ticket time limits count every Monday-Friday as a working day; load the official holiday notice with PUT /api/tickets/calendar/${year}`,
  }));
}
