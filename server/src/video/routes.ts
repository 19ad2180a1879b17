/**
 * Video endpoints (permission `video.read`):
 *  - `GET /api/video/streams`: every vehicle's stream that has been opened, with its signal.
 *  - `GET /api/video/:vehicleId/source`: where the vehicle's video comes from (the stream its
 *    camera announced over MAVLink first, then the configuration) and its announced cameras.
 *  - `GET /api/video/:vehicleId/stills` and `/stills/:imageId`: the stills its cameras reported
 *    (see `stills-routes.ts`).
 *  - `POST /api/video/:vehicleId/snapshots`: stores the newest frame (Motion-JPEG) or the newest
 *    key frame (H.264, decoded to one JPEG by ffmpeg: `keyframe-jpeg.ts`) in the media store
 *    with a JSON record of vehicle, capture time and live pose.
 *  - `GET /api/video/ws/:vehicleId` (WebSocket): the vehicle's live video as the camera encoded
 *    it (see `wire.ts`): H.264 as fragmented MP4 for Media Source Extensions, Motion-JPEG as
 *    one JPEG per message; plus JSON state messages
 *    (`{"type":"state","signal":"live"|"starting"|"no-signal","codec":"avc1.42c01f"}`). The
 *    client acknowledges each binary message with a text message once it appended it; the hub
 *    sends no more than one unacknowledged unit (flow control: slow viewers drop frames).
 *    Authentication as for the API: the session cookie, or `?token=` (browsers cannot set
 *    headers on a WebSocket). With `?webrtc=1` the client takes H.264 over WebRTC: the socket
 *    then carries only the state messages for an H.264 stream (Motion-JPEG is still sent on it),
 *    and the state says `"delivery":"webrtc"`. When a new camera announcement replaces the source,
 *    the socket gets a `no-signal` state with `"reason":"source-changed"` and is closed with code
 *    4001; reconnecting gives the new source (its ingest started already).
 *  - `POST /api/video/:vehicleId/whep` (WHEP, RFC 9725): an SDP offer (`application/sdp`,
 *    receive-only video) in, the SDP answer out (201, `Location` of the session); the
 *    vehicle's H.264 as RTP on a send-only track (see `whep.ts`). `DELETE` on that location
 *    ends the session. H.264 streams only: a Motion-JPEG stream is refused with 409.
 *  Both take `?rendition=main|sub` (default `main`): `sub` is the wall-tile rendition of an H.264
 *  stream (640x360 unless the camera has its own sub-stream; see `video-service.ts`); a stream
 *  without one gives `main`. An unknown rendition is refused with 400.
 */

import { randomUUID } from 'node:crypto';
import type { IncomingMessage } from 'node:http';
import path from 'node:path';
import type { Duplex } from 'node:stream';
import { CameraStreamsPayload, parseRendition, type VideoRendition } from '@aerie/contracts';
import type { TypeBoxTypeProvider } from '@fastify/type-provider-typebox';
import { eq } from 'drizzle-orm';
import type { FastifyInstance } from 'fastify';
import { Type } from 'typebox';
import { type WebSocket, WebSocketServer } from 'ws';
import { decide } from '../auth/permissions.ts';
import { SESSION_COOKIE } from '../auth/plugin.ts';
import { findSessionUser } from '../auth/sessions.ts';
import type { AppContext } from '../context.ts';
import { sorties, vehicleCameras, vehicles } from '../db/schema.ts';
import { ApiError, errorResponses } from '../http/errors.ts';
import { pickAnnouncedSource, pickAnnouncedSubStream, withoutPassword } from './camera-announcements.ts';
import { jpegOfKeyFrame } from './keyframe-jpeg.ts';
import { DEFAULT_RECORDING_CONFIG, type RecordingConfig, SortieVideo } from './sortie-video.ts';
import { registerSortieVideoRoutes } from './sortie-video-routes.ts';
import { registerStillsRoutes } from './stills-routes.ts';
import {
  DEFAULT_VIDEO_CONFIG,
  parseSourceUrl,
  type VideoConfig,
  VideoService,
  type VideoStream,
} from './video-service.ts';
import { openWhepSession, type WhepSession } from './whep.ts';
import { encodeUnit } from './wire.ts';

export const VIDEO_WS_PREFIX = '/api/video/ws/';
/** WebSocket close code when the vehicle's video source was replaced: reconnect for the new one. */
export const SOURCE_CHANGED_CLOSE = 4001;

const StreamStatusSchema = Type.Object({
  vehicleId: Type.String(),
  signal: Type.Union([Type.Literal('starting'), Type.Literal('live'), Type.Literal('no-signal')]),
  codec: Type.Union([Type.String(), Type.Null()]),
  viewers: Type.Integer({ description: 'Viewers of every rendition' }),
  subViewers: Type.Integer({ description: 'Of them, viewers of the wall-tile sub-stream' }),
  lastCapturedAtMs: Type.Union([Type.Number(), Type.Null()]),
});

declare module 'fastify' {
  interface FastifyInstance {
    /** Live video streams per vehicle. */
    video: VideoService;
  }
}

function tokenOf(req: IncomingMessage, url: URL): string | null {
  const q = url.searchParams.get('token');
  if (q) return q;
  const cookie = req.headers.cookie ?? '';
  for (const part of cookie.split(';')) {
    const [k, ...v] = part.trim().split('=');
    if (k === SESSION_COOKIE) return decodeURIComponent(v.join('='));
  }
  return null;
}

const STATUS_TEXT: Record<number, string> = {
  400: 'Bad Request',
  401: 'Unauthorized',
  403: 'Forbidden',
  404: 'Not Found',
  500: 'Internal Server Error',
};

function refuse(socket: Duplex, status: number, code: string, message: string): void {
  const body = JSON.stringify({ error: { code, message } });
  socket.end(
    `HTTP/1.1 ${status} ${STATUS_TEXT[status] ?? 'Error'}\r\n` +
      `content-type: application/json\r\ncontent-length: ${Buffer.byteLength(body)}\r\nconnection: close\r\n\r\n${body}`,
  );
}

/**
 * One viewer on a WebSocket: units out, acknowledgements in; or, for a client that takes H.264
 * over WebRTC, only the state messages.
 */
function attachViewer(ws: WebSocket, stream: VideoStream, webrtc: boolean, rendition: VideoRendition): void {
  const hub = stream.hubFor(rendition);
  const delivery = webrtc && stream.source.kind !== 'mjpeg' ? 'webrtc' : 'ws';
  const sendState = () =>
    ws.send(JSON.stringify({ type: 'state', signal: stream.signal, codec: stream.codec ?? null, delivery }));
  sendState();
  const offState = stream.onState(() => sendState());
  // A replaced source: "no signal" now, then the socket closes and the player reconnects to
  // the vehicle's new stream (its ingest already started).
  const offRetired = stream.onRetired(() => {
    if (ws.readyState !== ws.OPEN) return;
    ws.send(
      JSON.stringify({ type: 'state', signal: 'no-signal', codec: null, delivery, reason: 'source-changed' }),
    );
    ws.close(SOURCE_CHANGED_CLOSE, 'video source changed');
  });
  ws.on('close', offRetired);
  if (delivery === 'webrtc') {
    // The socket is still a watcher: it keeps the ingest running (it starts on demand) while
    // the units go over the peer connection.
    const watcher = hub.addViewer({ send: (_unit, written) => written() });
    ws.on('close', () => {
      offState();
      watcher.remove();
    });
    return;
  }
  const acks: (() => void)[] = [];
  ws.on('message', () => acks.shift()?.());
  const viewer = hub.addViewer({
    send(unit, written) {
      if (ws.readyState !== ws.OPEN) return written();
      acks.push(written);
      const kind =
        unit.seq === -1 ? 'init' : stream.source.kind === 'mjpeg' ? 'jpeg' : unit.key ? 'key' : 'delta';
      ws.send(encodeUnit(kind, unit));
    },
  });
  ws.on('close', () => {
    offState();
    viewer.remove();
  });
}

/** Where sorties open and close (the flight log), so each sortie's video is recorded. */
export interface SortieEvents {
  onSortieChange(
    listener: (c: { type: 'open' | 'close'; vehicleId: string; sortieId: string }) => void,
  ): () => void;
}

/** How often the retention sweep runs. */
const SWEEP_EVERY_MS = 3600_000;

export function registerVideoRoutes(
  app: FastifyInstance,
  ctx: AppContext,
  config: Partial<Omit<VideoConfig, 'recording'>> & { recording?: Partial<RecordingConfig> } = {},
  sortieEvents?: SortieEvents,
  /** Camera announcements from the bridges: a new one may change a vehicle's source. */
  announcements?: { on(event: 'camera.streams', l: (vehicleId: string) => void): unknown },
): void {
  const { db } = ctx.database;
  const { recording: recordingConfig, ...liveConfig } = config;
  const videoConfig = { ...DEFAULT_VIDEO_CONFIG, ...liveConfig };
  const announcedCameras = async (vehicleId: string): Promise<CameraStreamsPayload[]> => {
    const rows = await db
      .select({ streamsJson: vehicleCameras.streamsJson })
      .from(vehicleCameras)
      .where(eq(vehicleCameras.vehicleId, vehicleId))
      .orderBy(vehicleCameras.compid);
    return rows.map((r) => JSON.parse(r.streamsJson) as CameraStreamsPayload);
  };
  const service = new VideoService(
    videoConfig,
    async (vehicleId) => {
      const [row] = await db
        .select({ serial: vehicles.serial, sysid: vehicles.sysid })
        .from(vehicles)
        .where(eq(vehicles.id, vehicleId));
      return row ?? null;
    },
    (line) => app.log.info({ module: 'video' }, line),
    async (vehicleId) => {
      const cameras = await announcedCameras(vehicleId);
      const uri = pickAnnouncedSource(cameras);
      return uri ? { uri, subUri: pickAnnouncedSubStream(cameras, uri) } : null;
    },
  );
  app.decorate('video', service);
  announcements?.on('camera.streams', (vehicleId) => {
    service
      .sourceChanged(vehicleId)
      .catch((err: Error) =>
        app.log.warn({ module: 'video', vehicleId, err }, 'announced stream not applied'),
      );
  });

  // Each sortie's video: one recorder per stream while the sortie is open, swept after N days.
  const sortieVideo = new SortieVideo({
    db,
    store: ctx.media.store,
    spoolDir: path.join(ctx.config.dataDir, 'spool', 'video'),
    config: { ...DEFAULT_RECORDING_CONFIG, ...recordingConfig },
    ffmpegPath: videoConfig.ffmpegPath,
    streamOf: (vehicleId) => service.stream(vehicleId),
    log: (line) => app.log.info({ module: 'video' }, line),
  });
  registerSortieVideoRoutes(app, ctx, sortieVideo);
  registerStillsRoutes(app, ctx);
  const unsubscribe = sortieEvents?.onSortieChange((c) => {
    if (c.type === 'open') sortieVideo.start(c.vehicleId, c.sortieId);
    else void sortieVideo.stop(c.sortieId);
  });
  const sweep = () =>
    sortieVideo.sweep(ctx.now()).catch((err: Error) => app.log.warn({ module: 'video' }, err.message));
  const sweepTimer = setInterval(sweep, SWEEP_EVERY_MS);
  sweepTimer.unref();
  app.addHook('onReady', async () => {
    await sweep();
    // Sorties still flying when the server (re)started are recorded from now on.
    if (!sortieEvents) return;
    const running = await db
      .select({ id: sorties.id, vehicleId: sorties.vehicleId })
      .from(sorties)
      .where(eq(sorties.status, 'running'));
    for (const s of running) sortieVideo.start(s.vehicleId, s.id);
  });

  const r = app.withTypeProvider<TypeBoxTypeProvider>();
  r.get(
    '/video/streams',
    {
      config: { permission: 'video.read' },
      schema: {
        tags: ['video'],
        summary: 'Live video streams opened so far, with their signal',
        response: { 200: Type.Array(StreamStatusSchema), ...errorResponses(401, 403) },
      },
    },
    async () => service.list().map((s) => ({ ...s, codec: s.codec ?? null })),
  );

  r.get(
    '/video/:vehicleId/source',
    {
      config: { permission: 'video.read' },
      schema: {
        tags: ['video'],
        summary:
          "Where a vehicle's video comes from: the stream its camera announced over MAVLink, else the configuration",
        params: Type.Object({ vehicleId: Type.String({ minLength: 1 }) }),
        response: {
          200: Type.Object({
            vehicleId: Type.String(),
            source: Type.Union([
              Type.Null(),
              Type.Object({
                kind: Type.Union([Type.Literal('mjpeg'), Type.Literal('ffmpeg')]),
                url: Type.String(),
              }),
            ]),
            announced: Type.Boolean(),
            cameras: Type.Array(CameraStreamsPayload),
          }),
          ...errorResponses(401, 403, 404),
        },
      },
    },
    async (req) => {
      const { vehicleId } = req.params;
      const [vehicle] = await db.select({ id: vehicles.id }).from(vehicles).where(eq(vehicles.id, vehicleId));
      if (!vehicle) throw new ApiError('NotFound', `no vehicle ${vehicleId}`, 'params.vehicleId');
      const cameras = await announcedCameras(vehicleId);
      const source = await service.sourceFor(vehicleId);
      const announcedUri = pickAnnouncedSource(cameras);
      // Passwords in stream URIs stay on the server, which opens the streams.
      return {
        vehicleId,
        source: source ? { kind: source.kind, url: withoutPassword(source.url) } : null,
        announced:
          source !== null && announcedUri !== null && source.url === parseSourceUrl(announcedUri).url,
        cameras: cameras.map((c) => ({
          ...c,
          streams: c.streams.map((st) => ({ ...st, uri: withoutPassword(st.uri) })),
        })),
      };
    },
  );

  // Snapshots go to the media store beside tlogs (content-addressed, in the data folder).
  const { media } = ctx;
  const Pose = Type.Union([
    Type.Null(),
    Type.Object({
      lat: Type.Union([Type.Number(), Type.Null()]),
      lon: Type.Union([Type.Number(), Type.Null()]),
      altMslM: Type.Union([Type.Number(), Type.Null()]),
      altRelM: Type.Union([Type.Number(), Type.Null()]),
      rollDeg: Type.Union([Type.Number(), Type.Null()]),
      pitchDeg: Type.Union([Type.Number(), Type.Null()]),
      yawDeg: Type.Union([Type.Number(), Type.Null()]),
    }),
  ]);
  r.post(
    '/video/:vehicleId/snapshots',
    {
      config: { permission: 'video.read' },
      schema: {
        tags: ['video'],
        summary:
          'Stores the newest frame (Motion-JPEG) or key frame (H.264, decoded to JPEG) as evidence, with the pose at that time',
        params: Type.Object({ vehicleId: Type.String({ minLength: 1 }) }),
        response: {
          201: Type.Object({
            sha256: Type.String(),
            metaSha256: Type.String(),
            vehicleId: Type.String(),
            capturedAtMs: Type.Number(),
            pose: Pose,
          }),
          ...errorResponses(401, 403, 404, 409),
        },
      },
    },
    async (req, reply) => {
      const { vehicleId } = req.params;
      const stream = await service.stream(vehicleId);
      if (!stream)
        throw new ApiError('NotFound', `vehicle ${vehicleId} has no video source`, 'params.vehicleId', {
          detail: 'NoVideoSource',
          vehicleId,
        });
      const unit = stream.hub.lastKeyUnit;
      if (!unit || stream.signal !== 'live')
        throw new ApiError('Conflict', `vehicle ${vehicleId}'s video is not live; open it first`, undefined, {
          detail: 'VideoNotLive',
          vehicleId,
        });
      let jpeg: Uint8Array = unit.bytes;
      if (stream.source.kind !== 'mjpeg') {
        // H.264: the newest key frame, decoded by ffmpeg into one JPEG.
        const init = stream.hub.initSegment;
        if (!init)
          throw new ApiError('Conflict', `vehicle ${vehicleId}'s video has no init segment yet`, undefined, {
            detail: 'VideoNotLive',
            vehicleId,
          });
        try {
          jpeg = await jpegOfKeyFrame({ init, fragment: unit.bytes, ffmpegPath: videoConfig.ffmpegPath });
        } catch (err) {
          req.log.warn({ vehicleId, err }, 'H.264 snapshot not decoded');
          throw new ApiError(
            'Conflict',
            `the key frame could not be decoded: ${(err as Error).message}`,
            undefined,
            {
              detail: 'SnapshotNotDecoded',
              vehicleId,
            },
          );
        }
      }
      const live = ctx.liveState.get(vehicleId).state as Record<string, number | null | undefined> | null;
      const n = (k: string) => (typeof live?.[k] === 'number' ? (live[k] as number) : null);
      const pose = live
        ? {
            lat: n('lat'),
            lon: n('lon'),
            altMslM: n('altMslM'),
            altRelM: n('altRelM'),
            rollDeg: n('rollDeg'),
            pitchDeg: n('pitchDeg'),
            yawDeg: n('headingDeg') ?? n('yawDeg'),
          }
        : null;
      const image = await media.put(db, jpeg, { kind: 'video-snapshot', mime: 'image/jpeg' });
      const record = { sha256: image.sha256, vehicleId, capturedAtMs: unit.capturedAtMs, pose };
      const meta = await media.put(db, Buffer.from(JSON.stringify(record)), {
        kind: 'video-snapshot-meta',
        mime: 'application/json',
      });
      req.auditTargetId = vehicleId;
      reply.code(201);
      return { ...record, metaSha256: meta.sha256 };
    },
  );

  // WHEP: one session per peer connection, ended by DELETE, by the peer, or at shutdown.
  const sessions = new Map<string, WhepSession>();
  app.addContentTypeParser(
    'application/sdp',
    { parseAs: 'string', bodyLimit: 64 * 1024 },
    (_req, body, done) => done(null, body),
  );
  r.post(
    '/video/:vehicleId/whep',
    {
      config: { permission: 'video.read' },
      schema: {
        tags: ['video'],
        summary: "WHEP: answers an SDP offer with the vehicle's H.264 video on a send-only WebRTC track",
        params: Type.Object({ vehicleId: Type.String({ minLength: 1 }) }),
        querystring: Type.Object({
          rendition: Type.Optional(
            Type.String({ description: '`main` (default) or `sub`, the wall-tile rendition' }),
          ),
        }),
        body: Type.String({ minLength: 1, description: 'SDP offer (application/sdp)' }),
        response: {
          201: {
            description: 'The SDP answer; `Location` names the session to DELETE',
            content: { 'application/sdp': { schema: Type.String() } },
          },
          ...errorResponses(400, 401, 403, 404, 409),
        },
      },
    },
    async (req, reply) => {
      const { vehicleId } = req.params;
      const stream = await service.stream(vehicleId);
      if (!stream)
        throw new ApiError('NotFound', `vehicle ${vehicleId} has no video source`, 'params.vehicleId', {
          detail: 'NoVideoSource',
          vehicleId,
        });
      if (stream.source.kind === 'mjpeg')
        throw new ApiError(
          'Conflict',
          `vehicle ${vehicleId}'s camera sends Motion-JPEG, which is delivered over the video WebSocket, not WebRTC`,
        );
      let rendition: VideoRendition;
      try {
        rendition = parseRendition(req.query.rendition);
      } catch (err) {
        throw new ApiError('ValidationFailed', (err as Error).message, 'querystring.rendition');
      }
      const id = randomUUID();
      let session: WhepSession;
      let offRetired = () => {};
      try {
        session = await openWhepSession(stream.hubFor(rendition), req.body, {
          onClosed: () => {
            sessions.delete(id);
            offRetired();
          },
        });
      } catch (err) {
        throw new ApiError('ValidationFailed', (err as Error).message, 'body');
      }
      sessions.set(id, session);
      // A replaced source ends the session; the player opens one on the new stream.
      offRetired = stream.onRetired(() => session.close());
      reply.code(201).header('content-type', 'application/sdp').header('location', `/api/video/whep/${id}`);
      return session.answer;
    },
  );
  r.delete(
    '/video/whep/:sessionId',
    {
      config: { permission: 'video.read' },
      schema: {
        tags: ['video'],
        summary: 'WHEP: ends a WebRTC session',
        params: Type.Object({ sessionId: Type.String({ minLength: 1 }) }),
        response: { 204: Type.Null(), ...errorResponses(401, 403, 404) },
      },
    },
    async (req, reply) => {
      const session = sessions.get(req.params.sessionId);
      if (!session)
        throw new ApiError('NotFound', 'no such WHEP session (ended already?)', 'params.sessionId');
      session.close();
      reply.code(204);
      return null;
    },
  );

  const wss = new WebSocketServer({ noServer: true, maxPayload: 1024 });
  const onUpgrade = (req: IncomingMessage, socket: Duplex, head: Buffer) => {
    const url = new URL(req.url ?? '/', 'http://localhost');
    if (!url.pathname.startsWith(VIDEO_WS_PREFIX)) return; // Socket.IO's, or nobody's
    const vehicleId = decodeURIComponent(url.pathname.slice(VIDEO_WS_PREFIX.length));
    const token = tokenOf(req, url);
    if (!token) return refuse(socket, 401, 'Unauthorized', 'sign in first (session cookie or ?token=)');
    (async () => {
      const user = await findSessionUser(db, token, ctx.now());
      if (!user)
        return refuse(socket, 401, 'Unauthorized', 'the session is unknown or has ended; sign in again');
      if (!decide(user.role, 'video.read'))
        return refuse(socket, 403, 'Forbidden', `role ${user.role} may not watch video (video.read)`);
      let rendition: VideoRendition;
      try {
        rendition = parseRendition(url.searchParams.get('rendition'));
      } catch (err) {
        return refuse(socket, 400, 'ValidationFailed', (err as Error).message);
      }
      const stream = await service.stream(vehicleId);
      if (!stream) return refuse(socket, 404, 'NotFound', `vehicle ${vehicleId} has no video source`);
      const webrtc = url.searchParams.get('webrtc') === '1';
      wss.handleUpgrade(req, socket, head, (ws) => attachViewer(ws, stream, webrtc, rendition));
    })().catch((err: Error) => refuse(socket, 500, 'Internal', err.message));
  };
  app.server.on('upgrade', onUpgrade);
  app.addHook('preClose', (done) => {
    app.server.off('upgrade', onUpgrade);
    for (const c of wss.clients) c.terminate();
    for (const s of [...sessions.values()]) s.close();
    wss.close();
    clearInterval(sweepTimer);
    unsubscribe?.();
    sortieVideo
      .stopAll()
      .catch((err: Error) => app.log.warn({ module: 'video' }, err.message))
      .finally(() => {
        service.close();
        done();
      });
  });
}
