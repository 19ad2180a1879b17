/**
 * Recorded sortie video (permission `video.read`):
 *  - `GET /api/sorties/:id/video`: the sortie's segments (start, end, bytes, URL), oldest first,
 *    and whether it is being recorded now.
 *  - `GET /api/sorties/:id/video/:segmentId`: one segment file (video/mp4), with Range requests
 *    (206) so the browser can seek.
 */
import type { TypeBoxTypeProvider } from '@fastify/type-provider-typebox';
import type { FastifyInstance } from 'fastify';
import { Type } from 'typebox';
import type { AppContext } from '../context.ts';
import { sorties } from '../db/schema.ts';
import { ApiError, errorResponses } from '../http/errors.ts';
import { sendMedia } from '../media/http.ts';
import { findOr404, IdParams } from '../routes/common.ts';
import type { SortieVideo } from './sortie-video.ts';

const SegmentView = Type.Object({
  id: Type.Integer(),
  startAt: Type.String({ format: 'date-time' }),
  endAt: Type.String({ format: 'date-time' }),
  bytes: Type.Integer(),
  mime: Type.String(),
  /** Where the file is served (Range requests accepted). */
  url: Type.String(),
});

export function registerSortieVideoRoutes(app: FastifyInstance, ctx: AppContext, video: SortieVideo): void {
  const { db } = ctx.database;
  app.register(async (scope) => {
    const r = scope.withTypeProvider<TypeBoxTypeProvider>();
    r.get(
      '/sorties/:id/video',
      {
        config: { permission: 'video.read' },
        schema: {
          tags: ['sorties', 'video'],
          summary: "The sortie's recorded video segments, oldest first",
          params: IdParams,
          response: {
            200: Type.Object({
              sortieId: Type.String(),
              /** The sortie is being recorded now (more segments will come). */
              recording: Type.Boolean(),
              segments: Type.Array(SegmentView),
            }),
            ...errorResponses(401, 403, 404),
          },
        },
      },
      async (req) => {
        const s = await findOr404(db, sorties, req.params.id, 'sortie');
        const rows = await video.segments(s.id);
        return {
          sortieId: s.id,
          recording: video.recording.includes(s.id),
          segments: rows.map((row) => ({
            id: row.id,
            startAt: new Date(row.startMs).toISOString(),
            endAt: new Date(row.endMs).toISOString(),
            bytes: row.bytes,
            mime: row.mime,
            url: `/api/sorties/${encodeURIComponent(s.id)}/video/${row.id}`,
          })),
        };
      },
    );

    r.get(
      '/sorties/:id/video/:segmentId',
      {
        config: { permission: 'video.read' },
        schema: {
          tags: ['sorties', 'video'],
          summary: 'One recorded segment (video/mp4); Range requests answer 206',
          params: Type.Object({ ...IdParams.properties, segmentId: Type.Integer({ minimum: 1 }) }),
          response: {
            200: {
              description: 'The MP4 file',
              content: { 'video/mp4': { schema: { type: 'string', format: 'binary' } } },
            },
            206: {
              description: 'The requested byte range of the MP4 file',
              content: { 'video/mp4': { schema: { type: 'string', format: 'binary' } } },
            },
            ...errorResponses(400, 401, 403, 404),
          },
        },
      },
      async (req, reply) => {
        const s = await findOr404(db, sorties, req.params.id, 'sortie');
        const row = (await video.segments(s.id)).find((g) => g.id === req.params.segmentId);
        const gone = () =>
          new ApiError('NotFound', `sortie ${s.id} has no video segment ${req.params.segmentId}`);
        if (!row) throw gone();
        if (!(await sendMedia(req, reply, ctx.media.store, row.file, row.mime, { ranges: true })))
          throw gone();
        return reply;
      },
    );
  });
}
