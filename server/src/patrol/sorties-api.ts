/**
 * Launching and aborting orchestrated sorties over HTTP: `POST /api/sorties` flies a saved
 * route now from the best dock, or from a dock-less aircraft named by `vehicleId` (on-demand, or emergency: both pre-empt scheduled sorties still
 * on the ground); `POST /api/sorties/:id/abort` stops one (before take-off it ends 'aborted';
 * in the air the aircraft is sent home and the sortie follows it down).
 */
import type { TypeBoxTypeProvider } from '@fastify/type-provider-typebox';
import { eq } from 'drizzle-orm';
import type { FastifyInstance } from 'fastify';
import { type Static, Type } from 'typebox';
import type { AppContext } from '../context.ts';
import { patrolRoutes, sorties } from '../db/schema.ts';
import { ApiError, errorResponses } from '../http/errors.ts';
import { allOf, Body, findOr404, IdParams, requireRef, scopeCondition } from '../routes/common.ts';
import type { Patrol } from './index.ts';
import type { LaunchResult } from './orchestrator.ts';
import { routeOf } from './store.ts';

const Rejection = Type.Object({ dockId: Type.String(), code: Type.String(), message: Type.String() });

/** The 201 body of a launched sortie (also for verification flights). */
export const Launched = Type.Object({
  sortieId: Type.String(),
  /** null: a dock-less sortie. */
  dockId: Type.Union([Type.String(), Type.Null()]),
  vehicleId: Type.String(),
  decision: Type.String(),
});

/** The 409 body of a launch nothing could fly (also for verification flights). */
export const NotLaunched = Type.Object({
  error: Type.Object({
    code: Type.String({ description: 'NoDock, WeatherGrounded, ...' }),
    message: Type.String(),
    /** The failure's figures and tokens, for a console to word it (the sortie's `failureParams`). */
    params: Type.Optional(Type.Record(Type.String(), Type.Union([Type.String(), Type.Number()]))),
  }),
  /** The sortie row that records the failure (weather), or null. */
  sortieId: Type.Union([Type.String(), Type.Null()]),
  rejected: Type.Array(Rejection),
});

/** The 201 body of a launched sortie. */
export function launchedBody(r: Extract<LaunchResult, { ok: true }>): Static<typeof Launched> {
  return { sortieId: r.sortieId, dockId: r.dockId, vehicleId: r.vehicleId, decision: r.decision };
}

/** The 409 body of a launch nothing could fly: the failure and every dock turned down. */
export function notLaunchedBody(r: Extract<LaunchResult, { ok: false }>): Static<typeof NotLaunched> {
  return {
    error: {
      code: r.failure.code,
      message: r.failure.message,
      ...(r.failure.params ? { params: r.failure.params } : {}),
    },
    sortieId: r.sortieId,
    rejected: r.rejected ?? [],
  };
}

export function registerLaunchRoutes(
  app: FastifyInstance,
  ctx: AppContext,
  patrol: Pick<Patrol, 'orchestrator'>,
): void {
  const { orchestrator } = patrol;
  const r = app.withTypeProvider<TypeBoxTypeProvider>();
  const { db } = ctx.database;
  const tags = ['sorties'];

  r.post(
    '/sorties',
    {
      config: { permission: 'sorties.launch' },
      schema: {
        tags,
        summary:
          'Launch a saved route now from the best dock, or on a dock-less aircraft (`vehicleId`); 409 with every dock turned down and why',
        body: Body({
          routeId: Type.String({ minLength: 1, maxLength: 64 }),
          sortieClass: Type.Optional(
            Type.Union([Type.Literal('on_demand'), Type.Literal('emergency')], { default: 'on_demand' }),
          ),
          priority: Type.Optional(Type.Integer({ minimum: 0, maximum: 100 })),
          dockIds: Type.Optional(
            Type.Array(Type.String({ minLength: 1, maxLength: 64 }), { minItems: 1, maxItems: 50 }),
          ),
          vehicleId: Type.Optional(
            Type.String({
              minLength: 1,
              maxLength: 64,
              description: 'fly on this dock-less aircraft (no dock steps; home where it reports it)',
            }),
          ),
        }),
        response: {
          201: Launched,
          409: NotLaunched,
          ...errorResponses(400, 401, 403),
        },
      },
    },
    async (req, reply) => {
      await requireRef(db, patrolRoutes, req.body.routeId, 'body.routeId', 'route');
      const [row] = await db
        .select()
        .from(patrolRoutes)
        .where(allOf(eq(patrolRoutes.id, req.body.routeId), scopeCondition(req, patrolRoutes.departmentId)));
      if (!row)
        throw new ApiError(
          'ValidationFailed',
          `body.routeId: no route with id ${req.body.routeId}`,
          'body.routeId',
        );
      if (req.body.vehicleId !== undefined && req.body.dockIds !== undefined)
        throw new ApiError(
          'ValidationFailed',
          'body.vehicleId: a dock-less launch names its aircraft; leave out body.dockIds',
          'body.vehicleId',
        );
      const now = ctx.now();
      const result = await orchestrator.launch({
        route: routeOf(row),
        routeId: row.id,
        scheduleId: null,
        sortieClass: req.body.sortieClass ?? 'on_demand',
        priority: req.body.priority ?? 50,
        dueMs: now,
        windowEndMs: null,
        dockIds: req.body.dockIds ?? null,
        departmentId: row.departmentId,
        ...(req.body.vehicleId !== undefined ? { vehicleId: req.body.vehicleId } : {}),
      });
      if (!result.ok) {
        if (result.sortieId) req.auditTargetId = result.sortieId;
        return reply.status(409).send(notLaunchedBody(result));
      }
      req.auditTargetId = result.sortieId;
      return reply.status(201).send(launchedBody(result));
    },
  );

  r.post(
    '/sorties/:id/abort',
    {
      config: { permission: 'sorties.abort' },
      schema: {
        tags,
        summary: 'Abort an orchestrated sortie (in the air: the aircraft is sent home)',
        params: IdParams,
        body: Body({ reason: Type.Optional(Type.String({ maxLength: 300 })) }),
        response: {
          202: Type.Object({ sortieId: Type.String(), accepted: Type.Boolean() }),
          ...errorResponses(400, 401, 403, 404, 409),
        },
      },
    },
    async (req, reply) => {
      const row = await findOr404(
        db,
        sorties,
        req.params.id,
        'sortie',
        scopeCondition(req, sorties.departmentId),
      );
      const who = req.auth?.username ?? 'an operator';
      const reason = req.body.reason ? `: ${req.body.reason}` : '';
      const said = { who, reason: req.body.reason ?? '' };
      const message = `aborted by ${who}${reason}`;
      // Several nodes: the node driving it may be another one; it stores the same code and params.
      const accepted =
        orchestrator.abort(row.id, 'OperatorAbort', message, said) ||
        ((await orchestrator.abortElsewhere?.(row.id, 'OperatorAbort', message, said)) ?? false);
      if (!accepted)
        throw new ApiError(
          'Conflict',
          `sortie ${row.id} is not being orchestrated now (phase ${row.phase ?? 'none'})`,
        );
      return reply.status(202).send({ sortieId: row.id, accepted: true });
    },
  );
}
