/**
 * Stills the vehicle's cameras reported (CAMERA_IMAGE_CAPTURED), permission `video.read`:
 *  - `GET /api/video/:vehicleId/stills?sortieId=&limit=`: the newest stills of one sortie (by
 *    default the sortie of the vehicle's newest still), newest first, each with its pose and
 *    whether the server holds its image (`url`) or why not (`fetchError`).
 *  - `GET /api/video/:vehicleId/stills/:imageId`: that still's JPEG from the media store.
 */
import type { TypeBoxTypeProvider } from '@fastify/type-provider-typebox';
import { and, desc, eq } from 'drizzle-orm';
import type { FastifyInstance } from 'fastify';
import { Type } from 'typebox';
import type { AppContext } from '../context.ts';
import { cameraImages, vehicles } from '../db/schema.ts';
import { ApiError, errorResponses } from '../http/errors.ts';
import { sendMedia } from '../media/http.ts';

/** Rows looked at to find a sortie's newest stills (a long patrol takes a few hundred). */
const SCAN_ROWS = 500;

const StillView = Type.Object({
  id: Type.String(),
  compid: Type.Integer(),
  imageIndex: Type.Integer(),
  capturedAtMs: Type.Number(),
  sortieId: Type.Union([Type.String(), Type.Null()]),
  lat: Type.Number(),
  lon: Type.Number(),
  altRelM: Type.Number(),
  yawDeg: Type.Number(),
  /** Where the image is served; null while it is being fetched, or when it could not be. */
  url: Type.Union([Type.String(), Type.Null()]),
  fetchError: Type.Union([Type.String(), Type.Null()]),
});

interface StoredFrame {
  sortieId?: string;
  pose: { lat: number; lon: number; altRelM: number; yawDeg: number };
}

export function registerStillsRoutes(app: FastifyInstance, ctx: AppContext): void {
  const { db } = ctx.database;
  const r = app.withTypeProvider<TypeBoxTypeProvider>();
  const vehicleOr404 = async (vehicleId: string) => {
    const [row] = await db.select({ id: vehicles.id }).from(vehicles).where(eq(vehicles.id, vehicleId));
    if (!row) throw new ApiError('NotFound', `no vehicle ${vehicleId}`, 'params.vehicleId');
  };

  r.get(
    '/video/:vehicleId/stills',
    {
      config: { permission: 'video.read' },
      schema: {
        tags: ['video'],
        summary:
          "A sortie's newest stills from the vehicle's cameras (default: its latest sortie), with their poses",
        params: Type.Object({ vehicleId: Type.String({ minLength: 1 }) }),
        querystring: Type.Object({
          sortieId: Type.Optional(Type.String({ minLength: 1, maxLength: 64 })),
          limit: Type.Integer({ minimum: 1, maximum: 100, default: 12 }),
        }),
        response: {
          200: Type.Object({
            sortieId: Type.Union([Type.String(), Type.Null()]),
            items: Type.Array(StillView),
          }),
          ...errorResponses(400, 401, 403, 404),
        },
      },
    },
    async (req) => {
      const { vehicleId } = req.params;
      await vehicleOr404(vehicleId);
      const rows = await db
        .select()
        .from(cameraImages)
        .where(eq(cameraImages.vehicleId, vehicleId))
        .orderBy(desc(cameraImages.capturedAt))
        .limit(SCAN_ROWS);
      const views = rows.map((row) => {
        const frame = JSON.parse(row.frameJson) as StoredFrame;
        return {
          id: row.id,
          compid: row.compid,
          imageIndex: row.imageIndex,
          capturedAtMs: row.capturedAt.getTime(),
          sortieId: frame.sortieId ?? null,
          lat: frame.pose.lat,
          lon: frame.pose.lon,
          altRelM: frame.pose.altRelM,
          yawDeg: frame.pose.yawDeg,
          url: row.mediaSha256
            ? `/api/video/${encodeURIComponent(vehicleId)}/stills/${encodeURIComponent(row.id)}`
            : null,
          fetchError: row.fetchError,
        };
      });
      const sortieId = req.query.sortieId ?? views.find((v) => v.sortieId !== null)?.sortieId ?? null;
      const items = views.filter((v) => v.sortieId === sortieId).slice(0, req.query.limit);
      return { sortieId, items };
    },
  );

  r.get(
    '/video/:vehicleId/stills/:imageId',
    {
      config: { permission: 'video.read' },
      schema: {
        tags: ['video'],
        summary: 'One still (image/jpeg) a camera of the vehicle reported',
        params: Type.Object({
          vehicleId: Type.String({ minLength: 1 }),
          imageId: Type.String({ minLength: 1, maxLength: 64 }),
        }),
        response: {
          200: {
            description: 'The JPEG',
            content: { 'image/jpeg': { schema: { type: 'string', format: 'binary' } } },
          },
          ...errorResponses(401, 403, 404),
        },
      },
    },
    async (req, reply) => {
      const { vehicleId, imageId } = req.params;
      const [row] = await db
        .select({ sha: cameraImages.mediaSha256 })
        .from(cameraImages)
        .where(and(eq(cameraImages.id, imageId), eq(cameraImages.vehicleId, vehicleId)));
      const gone = () => new ApiError('NotFound', `vehicle ${vehicleId} has no stored still ${imageId}`);
      if (!row?.sha) throw gone();
      if (!(await sendMedia(req, reply, ctx.media.store, row.sha, 'image/jpeg'))) throw gone();
      return reply;
    },
  );
}
