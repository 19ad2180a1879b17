/** Docks (机巢): where aircraft park and charge; a MAVLink component on a bridge. */
import { randomUUID } from 'node:crypto';
import type { TypeBoxTypeProvider } from '@fastify/type-provider-typebox';
import { eq } from 'drizzle-orm';
import type { FastifyInstance } from 'fastify';
import { Type } from 'typebox';
import type { AppContext } from '../context.ts';
import { bridges, departments, docks, sites } from '../db/schema.ts';
import { ApiError, errorResponses } from '../http/errors.ts';
import {
  Body,
  IdParams,
  iso,
  Latitude,
  Longitude,
  Name,
  NullableId,
  notFound,
  PatchBody,
  registerReadRoutes,
  requireRef,
} from './common.ts';

const NullableInt = Type.Union([Type.Integer(), Type.Null()]);

const DockView = Type.Object({
  id: Type.String(),
  name: Type.String(),
  serial: Type.String(),
  model: Type.String(),
  siteId: Type.String(),
  departmentId: Type.Union([Type.String(), Type.Null()]),
  latDeg: Type.Number(),
  lonDeg: Type.Number(),
  altAmslM: Type.Number(),
  bridgeId: Type.Union([Type.String(), Type.Null()]),
  sysid: NullableInt,
  compid: NullableInt,
  createdAt: Type.String({ format: 'date-time' }),
});

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

export function registerDockRoutes(app: FastifyInstance, ctx: AppContext): void {
  const r = app.withTypeProvider<TypeBoxTypeProvider>();
  const { db } = ctx.database;
  const tags = ['docks'];

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

  registerReadRoutes(app, db, {
    path: '/docks',
    table: docks,
    what: 'dock',
    permission: 'docks.read',
    tags,
    listSummary: 'List docks',
    getSummary: 'One dock',
    view: DockView,
    toView: view,
    orderBy: docks.name,
    scopeColumn: docks.departmentId,
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
      const [row] = await db
        .insert(docks)
        .values({
          id: randomUUID(),
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
        })
        .returning();
      req.auditTargetId = row!.id;
      return reply.status(201).send(view(row!));
    },
  );

  r.patch(
    '/docks/:id',
    {
      config: { permission: 'docks.write' },
      schema: {
        tags,
        summary: 'Change a dock',
        params: IdParams,
        body: PatchBody(Fields),
        response: { 200: DockView, ...errorResponses(400, 401, 403, 404, 409) },
      },
    },
    async (req) => {
      const b = req.body;
      const [cur] = await db.select().from(docks).where(eq(docks.id, req.params.id));
      if (!cur) throw notFound('dock', req.params.id);
      await checkRefs(b);
      const bridgeId = b.bridgeId === undefined ? cur.bridgeId : b.bridgeId;
      // Unbinding from a bridge drops the MAVLink address with it unless a new one is given.
      const sysid = b.sysid === undefined ? (bridgeId === null ? null : cur.sysid) : b.sysid;
      const compid = b.compid === undefined ? (bridgeId === null ? null : cur.compid) : b.compid;
      checkBinding(bridgeId, sysid, compid);
      const [row] = await db
        .update(docks)
        .set({ ...b, bridgeId, sysid, compid })
        .where(eq(docks.id, cur.id))
        .returning();
      return view(row!);
    },
  );

  r.delete(
    '/docks/:id',
    {
      config: { permission: 'docks.write' },
      schema: {
        tags,
        summary: 'Delete a dock',
        params: IdParams,
        response: { 204: Type.Null(), ...errorResponses(401, 403, 404, 409) },
      },
    },
    async (req, reply) => {
      const [row] = await db.delete(docks).where(eq(docks.id, req.params.id)).returning({ id: docks.id });
      if (!row) throw notFound('dock', req.params.id);
      return reply.status(204).send(null);
    },
  );
}
