/**
 * The stills a vehicle's cameras reported, as the console reads them: the newest of the latest
 * sortie by default (or of a named one), each with its pose, and the JPEG itself.
 */
import sharp from 'sharp';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { cameraImages } from '../db/schema.ts';
import { create, type Harness, startHarness } from '../test/harness.ts';

let h: Harness;
let vehicleId = '';
let jpeg: Buffer;

beforeAll(async () => {
  h = await startHarness();
  vehicleId = String((await create(h, '/api/vehicles', { name: 'S1', serial: 'V-STILL', model: 'M30' })).id);
  jpeg = await sharp({ create: { width: 16, height: 9, channels: 3, background: '#336699' } })
    .jpeg()
    .toBuffer();
  const { database, media } = h.app.aerie;
  const stored = await media.put(database.db, jpeg, { kind: 'camera-image', mime: 'image/jpeg' });
  const row = (i: number, sortieId: string | null, fetched: boolean) => ({
    id: `img-${i}`,
    vehicleId,
    compid: 100,
    imageIndex: i,
    capturedAt: new Date(Date.UTC(2026, 5, 1, 8, 0, i)),
    ok: true,
    fileUrl: `http://127.0.0.1:8554/camera/1/stills/${i}.jpg`,
    frameJson: JSON.stringify({
      vehicleId,
      ...(sortieId ? { sortieId } : {}),
      capturedAtMs: Date.UTC(2026, 5, 1, 8, 0, i),
      pose: {
        lat: 23.03 + i / 1e4,
        lon: 113.14,
        altMslM: 40,
        altRelM: 30,
        rollDeg: 0,
        pitchDeg: 0,
        yawDeg: 90,
      },
    }),
    mediaSha256: fetched ? stored.sha256 : null,
    fetchError: fetched ? null : 'file URL …: HTTP 404',
  });
  await database.db
    .insert(cameraImages)
    .values([
      row(0, 'sortie-1', true),
      row(1, 'sortie-1', true),
      row(2, 'sortie-2', true),
      row(3, 'sortie-2', false),
    ]);
});

afterAll(() => h?.close());

describe('GET /api/video/:vehicleId/stills', () => {
  it("lists the latest sortie's stills newest first, with pose and where the image is", async () => {
    const res = await h.req('GET', `/api/video/${vehicleId}/stills`, { token: h.adminToken });
    expect(res.statusCode, res.body).toBe(200);
    const body = res.json();
    expect(body.sortieId).toBe('sortie-2');
    expect(body.items.map((s: { id: string }) => s.id)).toEqual(['img-3', 'img-2']);
    expect(body.items[0]).toMatchObject({ url: null, fetchError: 'file URL …: HTTP 404', altRelM: 30 });
    expect(body.items[1]).toMatchObject({
      url: `/api/video/${vehicleId}/stills/img-2`,
      lat: 23.0302,
      yawDeg: 90,
      sortieId: 'sortie-2',
    });
    const older = (
      await h.req('GET', `/api/video/${vehicleId}/stills?sortieId=sortie-1&limit=1`, { token: h.adminToken })
    ).json();
    expect(older.items.map((s: { id: string }) => s.id)).toEqual(['img-1']);
  });

  it('serves a stored still as JPEG; unknown ones and vehicles are 404', async () => {
    const img = await h.req('GET', `/api/video/${vehicleId}/stills/img-2`, { token: h.adminToken });
    expect(img.statusCode).toBe(200);
    expect(img.headers['content-type']).toBe('image/jpeg');
    expect(Buffer.from(img.rawPayload).equals(jpeg)).toBe(true);
    expect(
      (await h.req('GET', `/api/video/${vehicleId}/stills/img-3`, { token: h.adminToken })).statusCode,
    ).toBe(404);
    expect((await h.req('GET', '/api/video/nope/stills', { token: h.adminToken })).statusCode).toBe(404);
  });

  it('needs video.read', async () => {
    expect((await h.req('GET', `/api/video/${vehicleId}/stills`)).statusCode).toBe(401);
  });
});
