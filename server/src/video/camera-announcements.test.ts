/** Camera announcements: the stream a vehicle's video opens, and stills stored as frames with a pose. */
import { mkdtemp } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import type {
  CameraImagePayload,
  CameraStreamsPayload,
  CameraStreamWire,
  ChannelItem,
} from '@aerie/contracts';
import { checkChannelItem } from '@aerie/contracts';
import { cameraFor } from '@aerie/missions';
import { eq } from 'drizzle-orm';
import sharp from 'sharp';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { BridgeIngest, noopIngestSink } from '../channel/ingest.ts';
import type { Database } from '../db/client.ts';
import { bridges, cameraImages, vehicleCameras } from '../db/schema.ts';
import { MediaLibrary } from '../media/library.ts';
import { LocalMediaStore } from '../media/local-store.ts';
import { openTestDatabase, removeTestData } from '../test/database.ts';
import {
  CapturedImages,
  frameMetaOfImage,
  intrinsicsOf,
  pickAnnouncedSource,
  pickAnnouncedSubStream,
  withoutPassword,
} from './camera-announcements.ts';
import { DEFAULT_VIDEO_CONFIG, VideoService } from './video-service.ts';

const stream = (over: Partial<CameraStreamWire> = {}): CameraStreamWire => ({
  streamId: 1,
  name: 'live',
  uri: 'rtsp://10.0.0.9:8554/main',
  type: 'rtsp',
  encoding: 'h264',
  widthPx: 1920,
  heightPx: 1080,
  fps: 30,
  hfovDeg: 82,
  bitrateKbps: 4000,
  ...over,
});
const camera = (over: Partial<CameraStreamsPayload> = {}): CameraStreamsPayload => ({
  compid: 100,
  vendor: 'Acme',
  model: 'Z1',
  widthPx: 4000,
  heightPx: 3000,
  streams: [stream()],
  ...over,
});
const image = (over: Partial<CameraImagePayload> = {}): CameraImagePayload => ({
  compid: 100,
  capturedAtMs: 1_700_000_000_000,
  imageIndex: 3,
  ok: true,
  lat: 23.03,
  lon: 113.14,
  altMslM: 130,
  altRelM: 120,
  rollDeg: 1,
  pitchDeg: -2,
  yawDeg: 45,
  fileUrl: 'http://10.0.0.9/stills/3.jpg',
  ...over,
});
const LENS = { hfovDeg: 70, width: 1280, height: 720 };
const DOWN = { pitchDeg: -90, yawDeg: 0, rollDeg: 0 };

describe('stream URIs shown to users', () => {
  it('hide the password and keep the rest', () => {
    expect(withoutPassword('rtsp://admin:s3cret@10.0.0.9:554/Streaming/101')).toBe(
      'rtsp://admin:***@10.0.0.9:554/Streaming/101',
    );
    expect(withoutPassword('rtsp://10.0.0.9:8554/main')).toBe('rtsp://10.0.0.9:8554/main');
    expect(withoutPassword('not a uri')).toBe('not a uri');
  });
});

describe('the announced source', () => {
  it('is the lowest camera and stream the ingest can open', () => {
    expect(pickAnnouncedSource([])).toBeNull();
    expect(
      pickAnnouncedSource([
        camera({ compid: 101, streams: [stream({ uri: 'rtsp://b/1' })] }),
        camera({
          compid: 100,
          streams: [
            stream({ streamId: 2, uri: 'http://a/2.mjpeg' }),
            stream({ streamId: 1, uri: 'udp://0.0.0.0:5600' }),
          ],
        }),
      ]),
    ).toBe('http://a/2.mjpeg');
    expect(pickAnnouncedSource([camera({ streams: [stream({ uri: 'not a uri' })] })])).toBeNull();
  });

  it("takes the camera's own narrower stream as the wall's sub-stream, if it announced one", async () => {
    const dock = camera({
      streams: [
        stream({ streamId: 1, uri: 'rtsp://dock/main', widthPx: 1920 }),
        stream({ streamId: 2, uri: 'rtsp://dock/sub', widthPx: 640 }),
        stream({ streamId: 3, uri: 'rtsp://dock/mid', widthPx: 1280 }),
        stream({ streamId: 4, uri: 'http://dock/preview.mjpeg', widthPx: 320 }),
      ],
    });
    expect(pickAnnouncedSubStream([dock], 'rtsp://dock/main')).toBe('rtsp://dock/sub');
    expect(pickAnnouncedSubStream([dock], 'rtsp://dock/sub')).toBeNull();
    expect(
      pickAnnouncedSubStream([camera({ streams: [stream({ uri: 'rtsp://one/1' })] })], 'rtsp://one/1'),
    ).toBeNull();
    const service = new VideoService(
      DEFAULT_VIDEO_CONFIG,
      async () => ({ serial: 'S1', sysid: 7 }),
      undefined,
      async () => ({ uri: 'rtsp://dock/main', subUri: pickAnnouncedSubStream([dock], 'rtsp://dock/main') }),
    );
    expect(await service.sourceFor('v1')).toEqual({
      kind: 'ffmpeg',
      url: 'rtsp://dock/main',
      subUrl: 'rtsp://dock/sub',
    });
  });

  it('comes before the configured sources, which remain the fallback', async () => {
    let announced: string | null = 'http://127.0.0.1:9/camera/7.mjpeg';
    const service = new VideoService(
      { ...DEFAULT_VIDEO_CONFIG, sources: { v1: 'rtsp://configured/1' } },
      async () => ({ serial: 'S1', sysid: 7 }),
      undefined,
      async () => announced,
    );
    expect(await service.sourceFor('v1')).toEqual({
      kind: 'mjpeg',
      url: 'http://127.0.0.1:9/camera/7.mjpeg',
    });
    announced = null;
    expect(await service.sourceFor('v1')).toEqual({ kind: 'ffmpeg', url: 'rtsp://configured/1' });
  });
});

describe('stills as frames', () => {
  it('take the lens from the camera where it says and the configuration where it does not', () => {
    expect(intrinsicsOf(camera(), LENS)).toEqual({ hfovDeg: 82, width: 4000, height: 3000 });
    expect(intrinsicsOf(camera({ widthPx: 0, streams: [stream({ hfovDeg: 0 })] }), LENS)).toEqual(LENS);
    expect(intrinsicsOf(null, LENS)).toEqual(LENS);
  });

  it("carry the camera component's own orientation: a level body at its heading with its pitch and roll", () => {
    // A camera component (100) reports the camera's orientation in NED (MAVLink q).
    const meta = frameMetaOfImage('v1', image({ pitchDeg: -40 }), LENS, DOWN, 's-9');
    expect(meta).toEqual({
      vehicleId: 'v1',
      sortieId: 's-9',
      capturedAtMs: 1_700_000_000_000,
      pose: { lat: 23.03, lon: 113.14, altMslM: 130, altRelM: 120, rollDeg: 0, pitchDeg: 0, yawDeg: 45 },
      gimbal: { pitchDeg: -40, yawDeg: 0, rollDeg: 1 },
      camera: LENS,
    });
    // Composed, they are the reported orientation: the optical axis points along yaw 45, 40 deg down.
    const axis = cameraFor(meta).rayNed(LENS.width / 2, LENS.height / 2);
    const c = Math.cos((40 * Math.PI) / 180);
    expect(axis[0]).toBeCloseTo(c * Math.SQRT1_2, 9);
    expect(axis[1]).toBeCloseTo(c * Math.SQRT1_2, 9);
    expect(axis[2]).toBeCloseTo(Math.sin((40 * Math.PI) / 180), 9);
  });

  it("carry the vehicle's attitude and the configured gimbal when the autopilot reports the still", () => {
    // PX4's camera_feedback (component 1) sends the vehicle's attitude.
    const meta = frameMetaOfImage('v1', image({ compid: 1 }), LENS, DOWN);
    expect(meta.pose).toMatchObject({ rollDeg: 1, pitchDeg: -2, yawDeg: 45 });
    expect(meta.gimbal).toEqual(DOWN);
  });

  it('refuses malformed camera items at the edge, naming the field', () => {
    const item = { seq: 1, sysid: 1, atMs: 1, kind: 'camera_image', image: { ...image(), lat: 'north' } };
    const r = checkChannelItem(item);
    expect(r.ok ? undefined : r.error).toMatchObject({ code: 'MalformedCameraImage', message: /image\/lat/ });
    const s = checkChannelItem({
      seq: 2,
      sysid: 1,
      atMs: 1,
      kind: 'camera_streams',
      camera: { compid: 100 },
    });
    expect(s.ok ? undefined : s.error.code).toBe('MalformedCameraStreams');
  });
});

describe('camera items through the ingest', () => {
  let dir: string;
  let database: Database;
  beforeEach(async () => {
    dir = await mkdtemp(path.join(os.tmpdir(), 'aerie-camera-'));
    database = await openTestDatabase(dir);
    await database.db
      .insert(bridges)
      .values({ id: 'b-1', name: 'nanhai', tokenHash: 'x', createdAt: new Date(0) });
  });
  afterEach(async () => {
    await database.close();
    await removeTestData(dir);
  });

  it('stores the announcement (newest wins) and each still as a frame record, then fetches the still', async () => {
    const db = database.db;
    const ingest = new BridgeIngest({ db, sink: noopIngestSink, now: () => 5000 });
    const items: ChannelItem[] = [
      {
        seq: 1,
        sysid: 4,
        atMs: 1000,
        kind: 'camera_streams',
        camera: camera({ streams: [stream({ uri: 'rtsp://old' })] }),
      },
      { seq: 2, sysid: 4, atMs: 2000, kind: 'camera_streams', camera: camera() },
      { seq: 3, sysid: 4, atMs: 3000, kind: 'camera_image', image: image() },
    ];
    const r = await ingest.ingest({ id: 'b-1', name: 'nanhai' }, 'e', items);
    expect(r.lastSeq).toBe(3);
    expect(r.registered.map((v) => v.sysid)).toEqual([4]);
    const vehicleId = r.registered[0]!.vehicleId;
    const rows = await db.select().from(vehicleCameras).where(eq(vehicleCameras.vehicleId, vehicleId));
    expect(rows.map((x) => JSON.parse(x.streamsJson).streams[0].uri)).toEqual(['rtsp://10.0.0.9:8554/main']);
    const still = r.cameras.find((c) => c.kind === 'camera_image');
    if (still?.kind !== 'camera_image') throw new Error('no still stored');
    // The lens is the announced camera's, the attitude the camera's own (it is component 100).
    expect(still.meta.camera).toEqual({ hfovDeg: 82, width: 4000, height: 3000 });
    expect(still.meta.gimbal).toEqual({ pitchDeg: -2, yawDeg: 0, rollDeg: 1 });

    const jpeg = await sharp({ create: { width: 8, height: 8, channels: 3, background: '#808080' } })
      .jpeg()
      .toBuffer();
    const fetched: string[] = [];
    const images = new CapturedImages({
      db,
      media: new MediaLibrary(new LocalMediaStore(path.join(dir, 'media'))),
      sortieOf: () => 'sortie-1',
      fetch: (async (url: URL) => {
        fetched.push(String(url));
        return url.pathname.endsWith('3.jpg') ? new Response(jpeg) : new Response('gone', { status: 404 });
      }) as unknown as typeof fetch,
    });
    const frames: { sortieId?: string; bytes: number; lat: number }[] = [];
    images.on('frame', (f) =>
      frames.push({ sortieId: f.sortieId, bytes: f.image.bytes.length, lat: f.pose.lat }),
    );
    await images.add({ id: still.imageId, fileUrl: still.image.fileUrl, ok: true, meta: still.meta });
    expect(frames).toEqual([{ sortieId: 'sortie-1', bytes: jpeg.length, lat: 23.03 }]);
    const [row] = await db.select().from(cameraImages).where(eq(cameraImages.id, still.imageId));
    expect(row?.mediaSha256).toMatch(/^[0-9a-f]{64}$/);
    // The stored frame names the sortie it was taken in.
    expect(JSON.parse(row!.frameJson).sortieId).toBe('sortie-1');

    // A still that cannot be fetched is recorded with why; a failed capture is not fetched at all.
    const failures: string[] = [];
    images.on('failed', (_id, why) => failures.push(why));
    await images.add({
      id: still.imageId,
      fileUrl: 'http://10.0.0.9/stills/4.jpg',
      ok: true,
      meta: still.meta,
    });
    await images.add({ id: still.imageId, fileUrl: '', ok: false, meta: still.meta });
    // A still on a host the vehicle never announced (here the cloud metadata address) is not fetched.
    await images.add({
      id: still.imageId,
      fileUrl: 'http://169.254.169.254/latest/meta-data/',
      ok: true,
      meta: still.meta,
    });
    expect(failures).toEqual([
      'file URL http://10.0.0.9/stills/4.jpg: HTTP 404',
      'the camera reported the capture as failed',
      "file URL http://169.254.169.254/latest/meta-data/: host 169.254.169.254 is neither one of the vehicle's announced stream hosts nor in video.stillHosts",
    ]);
    expect(fetched).toEqual(['http://10.0.0.9/stills/3.jpg', 'http://10.0.0.9/stills/4.jpg']);
  });
});
