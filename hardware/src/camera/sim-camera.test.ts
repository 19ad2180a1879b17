import { request } from 'node:http';
import sharp from 'sharp';
import { afterEach, describe, expect, it } from 'vitest';
import { offsetLatLon } from '../sim/geo.ts';
import type { Scene } from './render.ts';
import { buildDemoScene, DEFAULT_SAMPLES_DIR } from './scene.ts';
import { type CameraServer, SimCamera, startCameraServer } from './sim-camera.ts';

const HOME = { lat: 23.03, lon: 113.14, altM: 10 };

/** A camera 40 m above a point, looking straight down. */
const cameraAbove = (scene: Scene, at: { lat: number; lon: number }) =>
  new SimCamera({
    scene,
    pose: () => ({ lat: at.lat, lon: at.lon, altMslM: HOME.altM + 40, rollDeg: 0, pitchDeg: 0, yawDeg: 0 }),
  });

/** Reads `parts` Motion-JPEG parts from a URL, then hangs up. */
function readParts(url: string, parts: number): Promise<{ at: number; jpeg: Buffer }[]> {
  return new Promise((resolve, reject) => {
    const req = request(url, (res) => {
      expect(res.headers['content-type']).toMatch(/^multipart\/x-mixed-replace; boundary=aerieframe$/);
      let buf = Buffer.alloc(0);
      const out: { at: number; jpeg: Buffer }[] = [];
      res.on('data', (chunk: Buffer) => {
        buf = Buffer.concat([buf, chunk]);
        for (;;) {
          const end = buf.indexOf('\r\n\r\n');
          if (end < 0) return;
          const head = buf.subarray(0, end).toString();
          const len = Number(/Content-Length: (\d+)/.exec(head)?.[1]);
          const at = Number(/X-Captured-At-Ms: (\d+)/.exec(head)?.[1]);
          if (buf.length < end + 4 + len + 2) return;
          out.push({ at, jpeg: buf.subarray(end + 4, end + 4 + len) });
          buf = buf.subarray(end + 4 + len + 2);
          if (out.length === parts) {
            req.destroy();
            resolve(out);
            return;
          }
        }
      });
    });
    req.on('error', reject);
    req.end();
  });
}

describe('simulated camera', () => {
  let server: CameraServer | undefined;
  afterEach(async () => {
    await server?.close();
    server = undefined;
  });

  it('pastes the incident photos at the places it reports: a nadir view over one shows that photo', async () => {
    const { scene, incidents } = await buildDemoScene({ sites: [HOME], elevationMslM: HOME.altM });
    const fire = incidents[0]!;
    expect(fire.category).toBe('fire_smoke');
    const cam = cameraAbove(scene, fire);
    const frame = await cam.capture();
    // 40 m up with a 70 degree lens sees ~56 m across: the 40 m x 30 m photo fills the middle.
    // Compare the centre of the frame with the centre of the photo, both shrunk to 8x8.
    const meta = await sharp(frame.jpeg).metadata();
    expect([meta.width, meta.height]).toEqual([1280, 720]);
    const wPx = Math.round((40 / 56) * 1280);
    const hPx = Math.round((30 / 56) * 1280);
    /** The middle half of where the photo lands in a frame, shrunk to 8x8. */
    const centre = (jpeg: Buffer) =>
      sharp(jpeg)
        .extract({
          left: Math.round(640 - wPx / 4),
          top: Math.round(360 - hPx / 4),
          width: Math.round(wPx / 2),
          height: Math.round(hPx / 2),
        })
        .resize(8, 8, { fit: 'fill' })
        .raw()
        .toBuffer();
    const seen = await centre(frame.jpeg);
    const photo = sharp(fire.file);
    const pm = await photo.metadata();
    const truth = await sharp(await sharp(fire.file).resize(400, 300, { fit: 'fill' }).toBuffer())
      .extract({ left: 100, top: 75, width: 200, height: 150 })
      .resize(8, 8, { fit: 'fill' })
      .removeAlpha()
      .raw()
      .toBuffer();
    expect(pm.width).toBeGreaterThan(0);
    let diff = 0;
    for (let i = 0; i < truth.length; i++) diff += Math.abs(truth[i]! - seen[i]!);
    expect(diff / truth.length).toBeLessThan(25);
    // and 200 m away it is not there
    const [farLat, farLon] = offsetLatLon(HOME.lat, HOME.lon, -200, -200);
    const away = new SimCamera({
      scene,
      pose: () => ({ lat: farLat, lon: farLon, altMslM: HOME.altM + 40, rollDeg: 0, pitchDeg: 0, yawDeg: 0 }),
    });
    const other = await centre((await away.capture()).jpeg);
    let diffAway = 0;
    for (let i = 0; i < truth.length; i++) diffAway += Math.abs(truth[i]! - other[i]!);
    expect(diffAway / truth.length).toBeGreaterThan(diff / truth.length);
  }, 60_000);

  it('streams Motion-JPEG with capture times while watched, and renders nothing when nobody watches', async () => {
    const { scene } = await buildDemoScene({
      sites: [HOME],
      elevationMslM: HOME.altM,
      samplesDir: DEFAULT_SAMPLES_DIR,
    });
    let t = 0;
    const cam = new SimCamera({
      scene,
      fps: 15,
      pose: () => ({
        lat: HOME.lat,
        lon: HOME.lon + ++t * 1e-6,
        altMslM: 60,
        rollDeg: 0,
        pitchDeg: 0,
        yawDeg: 0,
      }),
    });
    server = await startCameraServer({ camera: (sysid) => (sysid === 1 ? cam : undefined) });
    const parts = await readParts(server.url(1), 3);
    expect(parts.map((p) => p.jpeg.subarray(0, 2).toString('hex'))).toEqual(['ffd8', 'ffd8', 'ffd8']);
    expect(parts[1]!.at).toBeGreaterThan(parts[0]!.at);
    await new Promise((r) => setTimeout(r, 300));
    const idle = cam.rendered;
    await new Promise((r) => setTimeout(r, 500));
    expect(cam.rendered).toBe(idle);
    expect(cam.watched).toBe(false);
    const missing = await fetch(server.url(2));
    expect(missing.status).toBe(404);
  }, 60_000);

  it('removes a planted incident and restores it over HTTP: the next still shows the ground, then the photo again', async () => {
    const demo = await buildDemoScene({ sites: [HOME], elevationMslM: HOME.altM });
    const fire = demo.incidents[0]!;
    const cam = cameraAbove(demo.scene, fire);
    server = await startCameraServer({
      camera: (sysid) => (sysid === 1 ? cam : undefined),
      incidents: { list: () => demo.incidents, isPresent: demo.isPresent, setPresent: demo.setPresent },
    });
    const base = `http://127.0.0.1:${server.port}`;
    const still = async () =>
      sharp(Buffer.from(await (await fetch(`${base}/camera/1.jpg`)).arrayBuffer()))
        .resize(16, 9, { fit: 'fill' })
        .raw()
        .toBuffer();
    const meanDiff = (a: Buffer, b: Buffer) => {
      let d = 0;
      for (let i = 0; i < a.length; i++) d += Math.abs(a[i]! - b[i]!);
      return d / a.length;
    };
    const listed = await (await fetch(`${base}/scene/incidents`)).json();
    expect(listed.items).toEqual([
      expect.objectContaining({ index: 0, category: 'fire_smoke', present: true }),
    ]);
    const before = await still();

    const removed = await fetch(`${base}/scene/incidents/0/remove`, { method: 'POST' });
    expect(removed.status).toBe(200);
    expect(await removed.json()).toMatchObject({ index: 0, present: false });
    expect(demo.isPresent(0)).toBe(false);
    const gone = await still();
    expect(meanDiff(before, gone)).toBeGreaterThan(15);

    const restored = await fetch(`${base}/scene/incidents/0/restore`, { method: 'POST' });
    expect(await restored.json()).toMatchObject({ index: 0, present: true });
    expect(meanDiff(before, await still())).toBeLessThan(1);

    const unknown = await fetch(`${base}/scene/incidents/3/remove`, { method: 'POST' });
    expect(unknown.status).toBe(404);
    expect((await unknown.json()).error).toMatch(/no incident 3: the scene has 1/);
    expect((await fetch(`${base}/scene/incidents/0/remove`)).status).toBe(405);
    expect(() => demo.setPresent(-1, false)).toThrow(/no incident -1/);
  }, 60_000);
});
