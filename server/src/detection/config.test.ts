import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { configFromEnv, parseServerConfig } from '../config.ts';
import { loadDem } from './index.ts';

describe('detection configuration', () => {
  it('is off by default, with 2 frames/s of flying vehicles through the simulated lens', () => {
    const c = parseServerConfig({});
    expect(c.ok && c.value.detection).toMatchObject({
      enabled: false,
      fps: 2,
      vehicles: 'flying',
      minFrames: 2,
      camera: { hfovDeg: 70, width: 1280, height: 720 },
      gimbal: { pitchDeg: -90 },
    });
  });

  it('reads AERIE_DETECTION, AERIE_DETECTION_FPS and AERIE_MODELS_DIR, and names a bad value', () => {
    const c = parseServerConfig(
      configFromEnv({ AERIE_DETECTION: 'true', AERIE_DETECTION_FPS: '0.5', AERIE_MODELS_DIR: '/m' }),
    );
    expect(c.ok && c.value.detection).toMatchObject({ enabled: true, fps: 0.5, modelsDir: '/m' });
    const bad = parseServerConfig(configFromEnv({ AERIE_DETECTION_FPS: 'fast' }));
    expect(bad.ok).toBe(false);
    if (!bad.ok) expect(bad.error.message).toContain('/detection/fps');
  });
});

describe('detection job queue', () => {
  it('runs in process by default; AERIE_REDIS_URL sends frames to the queue; a URL that is not redis:// is named', () => {
    const d = parseServerConfig({});
    expect(d.ok && d.value.detection.redisUrl).toBeNull();
    const c = parseServerConfig(
      configFromEnv({ AERIE_DETECTION: '1', AERIE_REDIS_URL: 'redis://10.0.0.5:6379/2' }),
    );
    expect(c.ok && c.value.detection).toMatchObject({ enabled: true, redisUrl: 'redis://10.0.0.5:6379/2' });
    const bad = parseServerConfig(configFromEnv({ AERIE_REDIS_URL: 'http://10.0.0.5' }));
    expect(bad.ok).toBe(false);
    if (!bad.ok) expect(bad.error.message).toContain('/detection/redisUrl');
  });
});

describe('terrain model for placing findings', () => {
  it('reads AERIE_DEM_FILE, loads an ESRI ASCII grid, and names a file it cannot use', async () => {
    const c = parseServerConfig(configFromEnv({ AERIE_DEM_FILE: '/data/district.asc' }));
    expect(c.ok && c.value.detection.demFile).toBe('/data/district.asc');
    const d = parseServerConfig({});
    expect(d.ok && d.value.detection.demFile).toBeNull();

    const dir = await mkdtemp(join(tmpdir(), 'aerie-dem-'));
    try {
      const good = join(dir, 'good.asc');
      await writeFile(
        good,
        'ncols 2\nnrows 2\nxllcenter 113.1\nyllcenter 23.0\ncellsize 0.001\n30 34\n10 14\n',
      );
      const ground = await loadDem(good);
      expect(ground.kind).toBe('dem');
      if (ground.kind === 'dem')
        expect(ground.elevationMslM({ lat: 23.0005, lon: 113.1005 })).toBeCloseTo(22, 6);

      const bad = join(dir, 'bad.asc');
      await writeFile(bad, 'ncols 2\nnrows 2\nxllcenter 113.1\nyllcenter 23.0\ncellsize 0.001\n30 34\n10\n');
      await expect(loadDem(bad)).rejects.toThrow(`detection.demFile ${bad}: not an ESRI ASCII grid: data:`);
      await expect(loadDem(join(dir, 'missing.asc'))).rejects.toThrow(
        /missing\.asc: cannot be read \(ENOENT\)/,
      );
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });
});
