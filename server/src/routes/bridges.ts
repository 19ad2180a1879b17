/**
 * Bridges: one gcs-bridge process per site. Each has a connection token, shown once when the
 * bridge is created (or its token is replaced) and stored only as a hash.
 */
import { eq } from 'drizzle-orm';
import type { FastifyInstance } from 'fastify';
import { Type } from 'typebox';
import { hashToken, newToken } from '../auth/tokens.ts';
import type { AppContext } from '../context.ts';
import type { Db } from '../db/client.ts';
import { bridges, docks, sites, vehicles } from '../db/schema.ts';
import { errorResponses } from '../http/errors.ts';
import { Body, created, IdParams, iso, Name, NullableId, requireRef, resourceRoutes } from './common.ts';

const BridgeView = Type.Object({
  id: Type.String(),
  name: Type.String(),
  siteId: Type.Union([Type.String(), Type.Null()]),
  createdAt: Type.String({ format: 'date-time' }),
  lastSeenAt: Type.Union([Type.String({ format: 'date-time' }), Type.Null()]),
});

const WithToken = Type.Object({
  bridge: BridgeView,
  token: Type.String({ description: 'Shown only now; the server keeps a hash' }),
});

type BridgeRow = typeof bridges.$inferSelect;
const view = (b: BridgeRow) => ({
  id: b.id,
  name: b.name,
  siteId: b.siteId,
  createdAt: iso(b.createdAt)!,
  lastSeenAt: iso(b.lastSeenAt),
});

/** The bridge a connection token belongs to, or null. For the bridge channel's handshake. */
export async function findBridgeByToken(db: Db, token: string): Promise<{ id: string; name: string } | null> {
  const [row] = await db
    .select({ id: bridges.id, name: bridges.name })
    .from(bridges)
    .where(eq(bridges.tokenHash, hashToken(token)));
  return row ?? null;
}

export function registerBridgeRoutes(app: FastifyInstance, ctx: AppContext): void {
  const bridge = resourceRoutes(app, ctx.database.db, {
    path: '/bridges',
    table: bridges,
    what: 'bridge',
    tags: ['bridges'],
  });
  const { r, db, tags } = bridge;

  bridge.registerRead({
    permission: 'bridges.read',
    listSummary: 'List bridges',
    getSummary: 'One bridge',
    view: BridgeView,
    toView: view,
    orderBy: bridges.name,
  });

  r.post(
    '/bridges',
    {
      config: { permission: 'bridges.write' },
      schema: {
        tags,
        summary: 'Create a bridge; the answer carries its token, shown this once',
        body: Body({ name: Name, siteId: Type.Optional(NullableId) }),
        response: { 201: WithToken, ...errorResponses(400, 401, 403, 409) },
      },
    },
    async (req, reply) => {
      await requireRef(db, sites, req.body.siteId, 'body.siteId', 'site');
      const token = newToken('brg');
      const row = await bridge.insert({
        name: req.body.name,
        siteId: req.body.siteId ?? null,
        tokenHash: hashToken(token),
        createdAt: new Date(ctx.now()),
      });
      return created(req, reply, row.id, { bridge: view(row), token });
    },
  );

  r.post(
    '/bridges/:id/token',
    {
      config: { permission: 'bridges.write' },
      schema: {
        tags,
        summary: 'Replace a bridge token (the old one stops working at once)',
        params: IdParams,
        response: { 200: WithToken, ...errorResponses(401, 403, 404) },
      },
    },
    async (req) => {
      const token = newToken('brg');
      const row = await bridge.update(req.params.id, { tokenHash: hashToken(token) });
      return { bridge: view(row), token };
    },
  );

  r.patch(
    '/bridges/:id',
    bridge.change({
      permission: 'bridges.write',
      summary: 'Change a bridge',
      fields: { name: Name, siteId: NullableId },
      view: BridgeView,
    }),
    async (req) => {
      await requireRef(db, sites, req.body.siteId, 'body.siteId', 'site');
      return view(await bridge.update(req.params.id, req.body));
    },
  );

  bridge.registerDelete({
    permission: 'bridges.write',
    summary: 'Delete a bridge (its vehicles and docks become unbound)',
    // A sysid means nothing without its bridge: clear both halves of each binding.
    before: async (id) => {
      await db.update(vehicles).set({ bridgeId: null, sysid: null }).where(eq(vehicles.bridgeId, id));
      await db.update(docks).set({ bridgeId: null, sysid: null, compid: null }).where(eq(docks.bridgeId, id));
    },
  });
}
