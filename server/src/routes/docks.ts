/** Docks (机巢): where aircraft park and charge; a MAVLink component on a bridge. */
import { DOCK_ACTIONS, DockRecord } from '@aerie/contracts';
import { eq } from 'drizzle-orm';
import type { FastifyInstance } from 'fastify';
import { Type } from 'typebox';
import { decide, dockActionPermission } from '../auth/permissions.ts';
import type { AppContext } from '../context.ts';
import { bridges, departments, docks, sites } from '../db/schema.ts';
import { ApiError, type ErrorCode, errorResponses } from '../http/errors.ts';
import type { DockCommander } from '../live/dock-commands.ts';
import type { DockStatusSource } from '../live/dock-store.ts';
import {
  Body,
  bindingAfter,
  created,
  IdParams,
  iso,
  Latitude,
  Longitude,
  Name,
  NullableId,
  requireRef,
  resourceRoutes,
} from './common.ts';

/** What the dock routes answer (the contract's `DockRecord`, which the web reads). */
const DockView = DockRecord;

const Fields = {
  name: Name,
  serial: Type.String({ minLength: 1, maxLength: 64 }),
  model: Type.String({ minLength: 1, maxLength: 64 }),
  siteId: Type.String({ minLength: 1, maxLength: 64 }),
  departmentId: NullableId,
  latDeg: Latitude,
  lonDeg: Longitude,
  altAmslM: Type.Number({ minimum: -500, maximum: 9000 }),
  bridgeId: NullableId,
  sysid: Type.Union([Type.Integer({ minimum: 1, maximum: 254 }), Type.Null()]),
  compid: Type.Union([Type.Integer({ minimum: 0, maximum: 255 }), Type.Null()]),
};

const view = (d: typeof docks.$inferSelect) => ({ ...d, createdAt: iso(d.createdAt)! });

/** Docks as a resource; a department officer reaches only their department's. */
const DOCKS = {
  path: '/docks',
  table: docks,
  what: 'dock',
  tags: ['docks'],
  scopeColumn: docks.departmentId,
};

export function registerDockRoutes(app: FastifyInstance, ctx: AppContext): void {
  const dock = resourceRoutes(app, ctx.database.db, DOCKS);
  const { r, db, tags } = dock;

  async function checkRefs(b: { siteId?: string; departmentId?: string | null; bridgeId?: string | null }) {
    await requireRef(db, sites, b.siteId, 'body.siteId', 'site');
    await requireRef(db, departments, b.departmentId, 'body.departmentId', 'department');
    await requireRef(db, bridges, b.bridgeId, 'body.bridgeId', 'bridge');
  }

  /** A MAVLink address means something only on a bridge. */
  function checkBinding(bridgeId: string | null, sysid: number | null, compid: number | null) {
    if (bridgeId === null && (sysid !== null || compid !== null)) {
      const path = sysid !== null ? 'body.sysid' : 'body.compid';
      throw new ApiError(
        'ValidationFailed',
        `${path} needs body.bridgeId: a MAVLink address is per bridge`,
        path,
      );
    }
  }

  dock.registerRead({
    permission: 'docks.read',
    listSummary: 'List docks',
    getSummary: 'One dock',
    view: DockView,
    toView: view,
    orderBy: docks.name,
    filters: {
      query: { siteId: Type.Optional(Type.String()) },
      where: (q) => (q.siteId ? eq(docks.siteId, q.siteId as string) : undefined),
    },
  });

  r.post(
    '/docks',
    {
      config: { permission: 'docks.write' },
      schema: {
        tags,
        summary: 'Register a dock',
        body: Body({
          name: Fields.name,
          serial: Fields.serial,
          model: Fields.model,
          siteId: Fields.siteId,
          departmentId: Type.Optional(Fields.departmentId),
          latDeg: Fields.latDeg,
          lonDeg: Fields.lonDeg,
          altAmslM: Fields.altAmslM,
          bridgeId: Type.Optional(Fields.bridgeId),
          sysid: Type.Optional(Fields.sysid),
          compid: Type.Optional(Fields.compid),
        }),
        response: { 201: DockView, ...errorResponses(400, 401, 403, 409) },
      },
    },
    async (req, reply) => {
      const b = req.body;
      await checkRefs(b);
      checkBinding(b.bridgeId ?? null, b.sysid ?? null, b.compid ?? null);
      const row = await dock.insert({
        name: b.name,
        serial: b.serial,
        model: b.model,
        siteId: b.siteId,
        departmentId: b.departmentId ?? null,
        latDeg: b.latDeg,
        lonDeg: b.lonDeg,
        altAmslM: b.altAmslM,
        bridgeId: b.bridgeId ?? null,
        sysid: b.sysid ?? null,
        compid: b.compid ?? null,
        createdAt: new Date(ctx.now()),
      });
      return created(req, reply, row.id, view(row));
    },
  );

  r.patch(
    '/docks/:id',
    dock.change({
      permission: 'docks.write',
      summary: 'Change a dock',
      fields: Fields,
      view: DockView,
    }),
    async (req) => {
      const b = req.body;
      const cur = await dock.find(req.params.id);
      await checkRefs(b);
      const binding = bindingAfter(cur, b, ['sysid', 'compid']);
      checkBinding(binding.bridgeId, binding.sysid, binding.compid);
      return view(await dock.update(cur.id, { ...b, ...binding }));
    },
  );

  dock.registerDelete({ permission: 'docks.write', summary: 'Delete a dock' });
}

const Nullable = <T extends ReturnType<typeof Type.Number>>(t: T) => Type.Union([t, Type.Null()]);

/** A dock's live status (the bridge's DockStatusPayload). */
const DockStatusBody = Type.Object({
  sysid: Type.Integer(),
  compid: Type.Integer(),
  state: Type.String({
    description:
      'idle, preparing, ready, aircraft_out, awaiting_landing, landed, closing, charging, fault, unknown',
  }),
  lid: Type.String({ description: 'closed, opening, open, closing, jammed, unknown' }),
  charger: Type.String({ description: 'idle, charging, full, fault, unknown' }),
  aircraftParked: Type.Boolean(),
  aircraftBatteryPct: Nullable(Type.Number()),
  temperatureC: Type.Number(),
  humidityPct: Type.Number(),
  windSpeedMps: Type.Number(),
  windGustMps: Type.Number(),
  rainMmPerH: Type.Number(),
  mainsPower: Type.Boolean(),
  faults: Type.Array(Type.String()),
  lat: Type.Number(),
  lon: Type.Number(),
  altAmslM: Type.Number(),
  lastHeardMs: Type.Number({ description: 'when the bridge last heard the dock (epoch ms)' }),
});

const DockLiveView = Type.Object({
  dockId: Type.String(),
  online: Type.Boolean({ description: 'its bridge hears it now' }),
  status: Type.Union([DockStatusBody, Type.Null()], {
    description: 'null until the dock reported since start',
  }),
  updatedAtMs: Nullable(Type.Number()),
});

/** Body of `POST /api/docks/:id/commands`. */
export const DockCommandBody = Type.Object(
  { action: Type.Union(DOCK_ACTIONS.map((a) => Type.Literal(a))) },
  { additionalProperties: false, description: 'A command for the dock, chosen by `action`' },
);

const DockCommandAnswer = Type.Union([
  Type.Object({
    commandId: Type.String(),
    ok: Type.Literal(true),
    result: Type.Object({
      command: Type.Integer({ description: 'MAV_CMD sent (dock dialect, 31500-31503)' }),
      sends: Type.Integer({ description: 'how many times it was sent before the answer' }),
    }),
  }),
  Type.Object({
    commandId: Type.String(),
    ok: Type.Literal(false),
    error: Type.Object({
      code: Type.String({ description: "the dock's or bridge's stable result code (Denied, Failed, ...)" }),
      message: Type.String(),
      detail: Type.Optional(Type.Object({}, { additionalProperties: true })),
    }),
  }),
]);

/** Codes meaning "not delivered or not answered", and the HTTP error each becomes. */
const UNDELIVERED: Record<string, ErrorCode> = {
  NotBound: 'NotBound',
  BridgeOffline: 'BridgeOffline',
  DockOffline: 'Conflict',
  // The bridge has not heard the dock (or has lost it).
  UnknownDock: 'Conflict',
  Timeout: 'Timeout',
};

/** What the live dock routes need besides the context. */
export interface DockLive {
  docks: DockStatusSource;
  commands: DockCommander;
}

/**
 * `GET /api/docks/:id/status` (live status) and `POST /api/docks/:id/commands` (dispatchers
 * and administrators; pilots the commands of a flight's cycle, `DOCK_FLIGHT_ACTIONS`). A command answers 200 with the dock's coded answer, refusals included;
 * 409 NotBound / BridgeOffline / Conflict (dock offline) when it cannot reach the dock; 504
 * Timeout. Every command is a `dock_events` row (kind 'command') and, being a POST, audited.
 */
export function registerDockLiveRoutes(app: FastifyInstance, ctx: AppContext, live: DockLive): void {
  const dockRoutes = resourceRoutes(app, ctx.database.db, DOCKS);
  const { r, tags } = dockRoutes;

  r.get(
    '/docks/:id/status',
    {
      config: { permission: 'docks.read' },
      schema: {
        tags,
        summary: "A dock's live status: lid, charger, parked aircraft, weather, faults, cycle state",
        params: IdParams,
        response: { 200: DockLiveView, ...errorResponses(401, 403, 404) },
      },
    },
    async (req) => {
      const dock = await dockRoutes.find(req.params.id, req);
      return live.docks.getDock(dock.id);
    },
  );

  r.post(
    '/docks/:id/commands',
    {
      config: { permission: 'docks.prepare' },
      schema: {
        tags,
        summary: "Command a dock; 200 carries the dock's coded answer, refusals included",
        description:
          'Pilots may send the commands of a flight cycle (open_lid, close_lid, start_charging, prepare_takeoff, ' +
          'prepare_landing); stop_charging needs docks.command (dispatchers), else 403. ' +
          '409 NotBound / BridgeOffline / Conflict (the dock is offline) when the command cannot reach the dock; ' +
          '504 Timeout when no answer came in time (the command may or may not have run).',
        params: IdParams,
        body: DockCommandBody,
        response: { 200: DockCommandAnswer, ...errorResponses(400, 401, 403, 404, 409, 504) },
      },
    },
    async (req) => {
      const needs = dockActionPermission(req.body.action);
      const role = req.auth!.role;
      if (!decide(role, needs))
        throw new ApiError('Forbidden', `role ${role} may not ${needs} (${req.body.action})`, 'body.action', {
          detail: 'RoleMayNot',
          role,
          permission: needs,
          action: req.body.action,
        });
      const dock = await dockRoutes.find(req.params.id, req);
      req.auditTargetId = dock.id;
      const { commandId, reply } = await live.commands(
        dock.id,
        { action: req.body.action },
        {
          userId: req.auth?.id ?? null,
        },
      );
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
}
