/**
 * Vehicle commands over HTTP: `POST /api/vehicles/:id/commands` runs one command through the
 * vehicle's bridge and answers with the vehicle's coded result; every attempt is a `commands`
 * row (pending -> ok | failed) and, being a POST, an audit-log entry.
 *
 * HTTP status says whether the vehicle answered: 200 for any answer, a refusal included (it is
 * the vehicle's, coded: `{ ok: false, error: { code: 'Denied', ... } }`); 409 when it cannot be
 * reached (NotBound, BridgeOffline, VehicleOffline); 504 when nobody answered in time (Timeout,
 * the command may or may not have run).
 */
import { randomUUID } from 'node:crypto';
import { type CommandReply, VehicleCommand, VehicleCommandVariants } from '@aerie/contracts';
import type { TypeBoxTypeProvider } from '@fastify/type-provider-typebox';
import { Ajv, type ValidateFunction } from 'ajv';
import { desc, eq, sql } from 'drizzle-orm';
import type { FastifyInstance } from 'fastify';
import { Type } from 'typebox';
import type { AppContext } from '../context.ts';
import { commands, vehicles } from '../db/schema.ts';
import { ApiError, type ErrorCode, errorResponses } from '../http/errors.ts';
import { allOf, IdParams, iso, notFound, scopeCondition } from './common.ts';

type Action = keyof typeof VehicleCommandVariants;
const ACTIONS = Object.keys(VehicleCommandVariants) as Action[];

/** Body of `POST /api/vehicles/:id/commands`: one of the pilot's commands (the contract's schema). */
export const VehicleCommandBody = VehicleCommand;

/**
 * One validator per action, so a bad body gets an error about its own fields ("body.altRelM
 * must be <= 500") instead of the first branch of the union ("body.action must be 'arm'").
 */
const ajv = new Ajv({ allErrors: false, strict: false, coerceTypes: false });
const validators = new Map<string, ValidateFunction>(
  ACTIONS.map((a) => [a, ajv.compile(VehicleCommandVariants[a])]),
);

function checkBody(body: unknown): void {
  if (typeof body !== 'object' || body === null || Array.isArray(body))
    throw new ApiError('ValidationFailed', 'body must be a command object with an action', 'body');
  const action = (body as { action?: unknown }).action;
  if (action === undefined) throw new ApiError('ValidationFailed', 'body.action is required', 'body.action');
  const validate = typeof action === 'string' ? validators.get(action) : undefined;
  if (!validate)
    throw new ApiError('ValidationFailed', `body.action must be one of ${ACTIONS.join(', ')}`, 'body.action');
  if (!validate(body)) {
    // The shape fastify's own validation errors have; the error handler names the field.
    throw Object.assign(new Error('invalid command body'), {
      validation: validate.errors ?? [],
      validationContext: 'body',
    });
  }
}

const CommandAnswer = Type.Union([
  Type.Object({
    commandId: Type.String(),
    ok: Type.Literal(true),
    result: Type.Object({
      command: Type.Integer({ description: 'MAV_CMD sent' }),
      sends: Type.Integer({ description: 'how many times it was sent before the answer' }),
    }),
  }),
  Type.Object({
    commandId: Type.String(),
    ok: Type.Literal(false),
    error: Type.Object({
      code: Type.String({ description: "the vehicle's or bridge's stable result code (Denied, ...)" }),
      message: Type.String(),
      detail: Type.Optional(Type.Object({}, { additionalProperties: true })),
    }),
  }),
]);

const CommandView = Type.Object({
  id: Type.String(),
  vehicleId: Type.String(),
  userId: Type.Union([Type.String(), Type.Null()]),
  command: Type.Object({ action: Type.String() }, { additionalProperties: true }),
  status: Type.Union([Type.Literal('pending'), Type.Literal('ok'), Type.Literal('failed')]),
  resultCode: Type.Union([Type.String(), Type.Null()]),
  resultMessage: Type.Union([Type.String(), Type.Null()]),
  createdAt: Type.String({ format: 'date-time' }),
  completedAt: Type.Union([Type.String({ format: 'date-time' }), Type.Null()]),
});

/** Codes meaning "not delivered or not answered", and the HTTP error each becomes. */
const UNDELIVERED: Record<string, ErrorCode> = {
  NotBound: 'NotBound',
  BridgeOffline: 'BridgeOffline',
  // The bridge has not heard the vehicle (or has lost it).
  UnknownVehicle: 'VehicleOffline',
  VehicleOffline: 'VehicleOffline',
  Timeout: 'Timeout',
};

const failure = (code: string, message: string): CommandReply => ({ ok: false, error: { code, message } });

export interface CommandRouteOptions {
  /** How long to wait for the vehicle's answer; the hub's own default when omitted. */
  timeoutMs?: number;
}

export function registerCommandRoutes(
  app: FastifyInstance,
  ctx: AppContext,
  opts: CommandRouteOptions = {},
): void {
  const r = app.withTypeProvider<TypeBoxTypeProvider>();
  const { db } = ctx.database;
  const tags = ['vehicles'];

  r.post(
    '/vehicles/:id/commands',
    {
      config: { permission: 'vehicles.command' },
      preValidation: async (req) => checkBody(req.body),
      schema: {
        tags,
        summary: "Command a vehicle; 200 carries the vehicle's coded answer, refusals included",
        description:
          '409 NotBound / BridgeOffline / VehicleOffline when the command cannot reach the vehicle; ' +
          '504 Timeout when no answer came in time (the command may or may not have run).',
        params: IdParams,
        body: VehicleCommandBody,
        response: { 200: CommandAnswer, ...errorResponses(400, 401, 403, 404, 409, 504) },
      },
    },
    async (req) => {
      const command = req.body as VehicleCommand;
      const [vehicle] = await db
        .select({ id: vehicles.id, bridgeId: vehicles.bridgeId, sysid: vehicles.sysid })
        .from(vehicles)
        .where(allOf(eq(vehicles.id, req.params.id), scopeCondition(req, vehicles.departmentId)));
      if (!vehicle) throw notFound('vehicle', req.params.id);

      const commandId = randomUUID();
      const { action, ...params } = command;
      await db.insert(commands).values({
        id: commandId,
        vehicleId: vehicle.id,
        userId: req.auth?.id ?? null,
        command: action,
        paramsJson: Object.keys(params).length ? JSON.stringify(params) : null,
        status: 'pending',
        createdAt: new Date(ctx.now()),
        seq: sql`(select coalesce(max(seq), 0) + 1 from commands where vehicle_id = ${vehicle.id})`,
      });

      const hub = ctx.bridgeHub;
      let reply: CommandReply;
      try {
        if (vehicle.bridgeId === null || vehicle.sysid === null) {
          reply = failure('NotBound', `vehicle ${vehicle.id} is not bound to a bridge and system id`);
        } else if (!hub.connectedBridgeIds().includes(vehicle.bridgeId)) {
          reply = failure('BridgeOffline', `the bridge of vehicle ${vehicle.id} is not connected`);
        } else if (!ctx.liveState.get(vehicle.id).online) {
          reply = failure('VehicleOffline', `vehicle ${vehicle.id} is offline (its bridge does not hear it)`);
        } else {
          reply = await hub.request(
            vehicle.bridgeId,
            'vehicle.command',
            { requestId: commandId, sysid: vehicle.sysid, command },
            opts.timeoutMs ? { timeoutMs: opts.timeoutMs } : {},
          );
        }
      } catch (err) {
        reply = failure('Internal', 'the command could not be sent');
        req.log.error({ err, commandId }, 'command send failed');
      }

      await db
        .update(commands)
        .set({
          status: reply.ok ? 'ok' : 'failed',
          resultCode: reply.ok ? 'Accepted' : reply.error.code,
          resultMessage: reply.ok ? null : reply.error.message,
          completedAt: new Date(ctx.now()),
        })
        .where(eq(commands.id, commandId));

      if (reply.ok) return { commandId, ok: true as const, result: reply.value };
      if (reply.error.code === 'Internal') throw new ApiError('Internal', reply.error.message);
      const undelivered = UNDELIVERED[reply.error.code];
      if (undelivered)
        throw new ApiError(undelivered, `${reply.error.message} (command ${commandId})`, undefined, {
          commandId,
        });
      return { commandId, ok: false as const, error: reply.error };
    },
  );

  r.get(
    '/vehicles/:id/commands',
    {
      config: { permission: 'vehicles.read' },
      schema: {
        tags,
        summary: 'Recent commands sent to a vehicle, newest first (at most 100)',
        params: IdParams,
        response: { 200: Type.Object({ items: Type.Array(CommandView) }), ...errorResponses(401, 403, 404) },
      },
    },
    async (req) => {
      const [vehicle] = await db
        .select({ id: vehicles.id })
        .from(vehicles)
        .where(allOf(eq(vehicles.id, req.params.id), scopeCondition(req, vehicles.departmentId)));
      if (!vehicle) throw notFound('vehicle', req.params.id);
      const rows = await db
        .select()
        .from(commands)
        .where(eq(commands.vehicleId, vehicle.id))
        .orderBy(desc(commands.createdAt), desc(commands.seq))
        .limit(100);
      return {
        items: rows.map((c) => ({
          id: c.id,
          vehicleId: c.vehicleId,
          userId: c.userId,
          command: { action: c.command, ...(c.paramsJson ? (JSON.parse(c.paramsJson) as object) : {}) },
          status: c.status as 'pending' | 'ok' | 'failed',
          resultCode: c.resultCode,
          resultMessage: c.resultMessage,
          createdAt: iso(c.createdAt)!,
          completedAt: iso(c.completedAt),
        })),
      };
    },
  );
}
