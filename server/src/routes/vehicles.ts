/**
 * Vehicles: the fleet register (serial, model, camera) joined with live state from the
 * `LiveStateStore`. A vehicle is bound to a bridge by (bridgeId, sysid): that pair is how the
 * bridge channel will map MAVLink traffic to a vehicle id.
 */
import { CameraParams, VehicleRecord } from '@aerie/contracts';
import { and, eq, ne } from 'drizzle-orm';
import type { FastifyInstance } from 'fastify';
import { Type } from 'typebox';
import type { AppContext } from '../context.ts';
import { bridges, departments, docks, vehicles } from '../db/schema.ts';
import { ApiError, errorResponses } from '../http/errors.ts';
import { Body, bindingAfter, created, iso, Name, NullableId, requireRef, resourceRoutes } from './common.ts';

/** What the vehicle routes answer (the contract's `VehicleRecord`, which the web reads). */
const VehicleView = VehicleRecord;

const Fields = {
  name: Name,
  serial: Type.String({ minLength: 1, maxLength: 64 }),
  model: Type.String({ minLength: 1, maxLength: 64 }),
  camera: Type.Union([CameraParams, Type.Null()]),
  departmentId: NullableId,
  dockId: NullableId,
  bridgeId: NullableId,
  sysid: Type.Union([Type.Integer({ minimum: 1, maximum: 254 }), Type.Null()]),
};

type VehicleRow = typeof vehicles.$inferSelect;

export function registerVehicleRoutes(app: FastifyInstance, ctx: AppContext): void {
  const vehicle = resourceRoutes(app, ctx.database.db, {
    path: '/vehicles',
    table: vehicles,
    what: 'vehicle',
    tags: ['vehicles'],
    scopeColumn: vehicles.departmentId,
  });
  const { r, db, tags } = vehicle;

  const view = (v: VehicleRow) => {
    const live = ctx.liveState.get(v.id);
    return {
      id: v.id,
      name: v.name,
      sysid: v.sysid,
      online: live.online,
      state: live.state,
      serial: v.serial,
      model: v.model,
      camera: v.cameraJson ? (JSON.parse(v.cameraJson) as CameraParams) : null,
      departmentId: v.departmentId,
      dockId: v.dockId,
      bridgeId: v.bridgeId,
      createdAt: iso(v.createdAt)!,
    };
  };

  /** A sysid means something only on a bridge, and only one vehicle may hold it there. */
  async function checkBinding(bridgeId: string | null, sysid: number | null, selfId: string | null) {
    if (sysid !== null && bridgeId === null) {
      throw new ApiError(
        'ValidationFailed',
        'body.sysid needs body.bridgeId: a system id is per bridge',
        'body.sysid',
      );
    }
    if (bridgeId === null || sysid === null) return;
    const [taken] = await db
      .select({ id: vehicles.id })
      .from(vehicles)
      .where(
        and(
          eq(vehicles.bridgeId, bridgeId),
          eq(vehicles.sysid, sysid),
          selfId ? ne(vehicles.id, selfId) : undefined,
        ),
      );
    if (taken)
      throw new ApiError(
        'Conflict',
        `bridge ${bridgeId} already has a vehicle with sysid ${sysid}`,
        'body.sysid',
      );
  }

  async function checkRefs(b: {
    departmentId?: string | null;
    dockId?: string | null;
    bridgeId?: string | null;
  }) {
    await requireRef(db, departments, b.departmentId, 'body.departmentId', 'department');
    await requireRef(db, docks, b.dockId, 'body.dockId', 'dock');
    await requireRef(db, bridges, b.bridgeId, 'body.bridgeId', 'bridge');
  }

  vehicle.registerRead({
    permission: 'vehicles.read',
    listSummary: 'List vehicles with their live state (online=false, state=null until a bridge reports)',
    getSummary: 'One vehicle with its live state',
    view: VehicleView,
    toView: view,
    orderBy: vehicles.name,
  });

  r.post(
    '/vehicles',
    {
      config: { permission: 'vehicles.write' },
      schema: {
        tags,
        summary: 'Register a vehicle',
        body: Body({
          name: Fields.name,
          serial: Fields.serial,
          model: Fields.model,
          camera: Type.Optional(Fields.camera),
          departmentId: Type.Optional(Fields.departmentId),
          dockId: Type.Optional(Fields.dockId),
          bridgeId: Type.Optional(Fields.bridgeId),
          sysid: Type.Optional(Fields.sysid),
        }),
        response: { 201: VehicleView, ...errorResponses(400, 401, 403, 409) },
      },
    },
    async (req, reply) => {
      const b = req.body;
      await checkRefs(b);
      await checkBinding(b.bridgeId ?? null, b.sysid ?? null, null);
      const row = await vehicle.insert({
        name: b.name,
        serial: b.serial,
        model: b.model,
        cameraJson: b.camera ? JSON.stringify(b.camera) : null,
        departmentId: b.departmentId ?? null,
        dockId: b.dockId ?? null,
        bridgeId: b.bridgeId ?? null,
        sysid: b.sysid ?? null,
        createdAt: new Date(ctx.now()),
      });
      return created(req, reply, row.id, view(row));
    },
  );

  r.patch(
    '/vehicles/:id',
    vehicle.change({
      permission: 'vehicles.write',
      summary: 'Change a vehicle (binding: bridgeId + sysid)',
      fields: Fields,
      view: VehicleView,
    }),
    async (req) => {
      const b = req.body;
      const cur = await vehicle.find(req.params.id);
      await checkRefs(b);
      const binding = bindingAfter(cur, b, ['sysid']);
      await checkBinding(binding.bridgeId, binding.sysid, cur.id);
      const { camera, ...rest } = b;
      const cameraJson = camera === undefined ? {} : { cameraJson: camera ? JSON.stringify(camera) : null };
      return view(await vehicle.update(cur.id, { ...rest, ...binding, ...cameraJson }));
    },
  );

  vehicle.registerDelete({
    permission: 'vehicles.write',
    summary: 'Remove a vehicle (refused once it has flown sorties)',
    after: (id) => ctx.liveState.remove(id),
  });
}
