/**
 * `aerie detect` run as a user runs it (node bin/aerie.mjs), on real sample pictures, a text
 * file and a missing file.
 */
import { spawn } from 'node:child_process';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { FileResult } from './cli.ts';
import { REPO_ROOT } from './registry.ts';
import { boxIou, MODELS_DIR, sample } from './test/paths.ts';

function aerie(args: string[]): Promise<{ code: number | null; stdout: string; stderr: string }> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [join(REPO_ROOT, 'bin', 'aerie.mjs'), ...args], {
      stdio: ['ignore', 'pipe', 'pipe'],
      env: { ...process.env, AERIE_MODELS_DIR: MODELS_DIR },
    });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d) => (stdout += d));
    child.stderr.on('data', (d) => (stderr += d));
    child.on('error', reject);
    child.on('exit', (code) => resolve({ code, stdout, stderr }));
  });
}

let dir: string;
beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'aerie-detect-cli-'));
});
afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

describe('aerie detect', { timeout: 120_000 }, () => {
  it('reports findings per image, an error naming the text file and the missing file, and exits 1', async () => {
    const text = join(dir, 'notes.txt');
    await writeFile(text, 'not a picture\n');
    const street = sample('negative', 'street_ground_04.jpg');
    const flare = sample('fire_smoke', 'fire_flare_smoke_02.jpg');
    const missing = join(dir, 'missing.jpg');
    const r = await aerie(['detect', '--json', street, text, flare, missing]);
    expect(r.code).toBe(1);
    const out = JSON.parse(r.stdout) as FileResult[];
    expect(out.map((o) => o.file)).toEqual([street, text, flare, missing]);
    expect(out[1]).toEqual({
      file: text,
      error: `${text}: not a decodable image: Input buffer contains unsupported image format`,
    });
    expect(out[3]).toEqual({ file: missing, error: `${missing}: no such file` });
    const streetOut = out[0] as Extract<FileResult, { findings: unknown }>;
    const silverCar = [240, 185, 194, 140]; // drawn by hand on the picture
    expect(streetOut.findings.some((f) => f.label === 'car' && boxIou(f.box, silverCar) >= 0.5)).toBe(true);
    for (const f of streetOut.findings) {
      expect(Object.keys(f).sort()).toEqual(['box', 'category', 'detector', 'label', 'score']);
      expect(f.detector.name.length).toBeGreaterThan(0);
    }
    const flareOut = out[2] as Extract<FileResult, { findings: unknown }>;
    expect(flareOut.findings.some((f) => f.category === 'fire_smoke')).toBe(true);
    expect(r.stderr).toContain(`aerie detect: ${text}: not a decodable image`);
  });

  it('--pose places each finding on the ground: nadir at 100 m, hand-computed pinhole geometry', async () => {
    const street = sample('negative', 'street_ground_04.jpg'); // 434x325
    const pose = {
      pose: { lat: 30.5, lon: 114.3, altMslM: 130, altRelM: 100, rollDeg: 0, pitchDeg: 0, yawDeg: 0 },
      gimbal: { pitchDeg: -90, yawDeg: 0, rollDeg: 0 },
      camera: { hfovDeg: 80 },
    };
    const r = await aerie([
      'detect',
      '--json',
      '--model',
      'yolox_nano_coco',
      '--pose',
      JSON.stringify(pose),
      street,
    ]);
    expect(r.code).toBe(0);
    const [res] = JSON.parse(r.stdout) as Extract<FileResult, { findings: unknown }>[];
    expect(res!.findings.length).toBeGreaterThan(0);
    // Looking straight down, top of the image to the north: east = (u - W/2) h / f,
    // north = -(v - H/2) h / f, with f = (W/2) / tan(hfov/2).
    const f = 434 / 2 / Math.tan((40 * Math.PI) / 180);
    const mPerDegLat = 110_574; // near 30.5 N (WGS-84 meridian arc, to 0.1 %)
    const mPerDegLon = 111_320 * Math.cos((30.5 * Math.PI) / 180);
    for (const fd of res!.findings) {
      const u = fd.box[0] + fd.box[2] / 2;
      const v = fd.box[1] + fd.box[3] / 2;
      const east = ((u - 217) * 100) / f;
      const north = (-(v - 162.5) * 100) / f;
      expect(
        ((fd.lat! - 30.5) * mPerDegLat - north) ** 2 + ((fd.lon! - 114.3) * mPerDegLon - east) ** 2,
      ).toBeLessThan(1);
      expect(fd.errorM).toBeGreaterThan(0);
    }
  });

  it('--dem places findings on the terrain: a 50 m plateau under a camera 130 m above sea level', async () => {
    const street = sample('negative', 'street_ground_04.jpg'); // 434x325
    const dem = join(dir, 'plateau.asc');
    const row = Array.from({ length: 9 }, () => '50').join(' ');
    await writeFile(
      dem,
      ['ncols 9', 'nrows 9', 'xllcenter 114.298', 'yllcenter 30.498', 'cellsize 0.0005']
        .concat(Array.from({ length: 9 }, () => row))
        .join('\n'),
    );
    const pose = {
      pose: { lat: 30.5, lon: 114.3, altMslM: 130, altRelM: 100, rollDeg: 0, pitchDeg: 0, yawDeg: 0 },
      gimbal: { pitchDeg: -90, yawDeg: 0, rollDeg: 0 },
      camera: { hfovDeg: 80 },
    };
    const args = ['detect', '--json', '--model', 'yolox_nano_coco', '--pose', JSON.stringify(pose)];
    const r = await aerie([...args, '--dem', dem, street]);
    expect(r.code).toBe(0);
    const [res] = JSON.parse(r.stdout) as Extract<FileResult, { findings: unknown }>[];
    expect(res!.findings.length).toBeGreaterThan(0);
    // 80 m above the plateau instead of 100 m above the take-off point: offsets scale by 0.8.
    const f = 434 / 2 / Math.tan((40 * Math.PI) / 180);
    const mPerDegLat = 110_574;
    const mPerDegLon = 111_320 * Math.cos((30.5 * Math.PI) / 180);
    for (const fd of res!.findings) {
      const east = ((fd.box[0] + fd.box[2] / 2 - 217) * 80) / f;
      const north = (-(fd.box[1] + fd.box[3] / 2 - 162.5) * 80) / f;
      expect(
        ((fd.lat! - 30.5) * mPerDegLat - north) ** 2 + ((fd.lon! - 114.3) * mPerDegLon - east) ** 2,
      ).toBeLessThan(1);
    }

    const broken = join(dir, 'broken.asc');
    await writeFile(broken, 'ncols 9\nnrows 9\n');
    const bad = await aerie([...args, '--dem', broken, street]);
    expect(bad.code).toBe(2);
    expect(bad.stderr).toContain(`aerie detect: --dem: ${broken}: not an ESRI ASCII grid: cellsize`);
  });

  it('a --pose that is not a pose is a usage error naming the field (exit 2)', async () => {
    const bad = JSON.stringify({ pose: { lat: 91 }, gimbal: {}, camera: { hfovDeg: 80 } });
    const r = await aerie(['detect', '--json', '--pose', bad, sample('negative', 'street_ground_04.jpg')]);
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/^aerie detect: --pose: \/pose/);
    expect(r.stdout).toBe('');
  });
});
