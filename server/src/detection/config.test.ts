import { describe, expect, it } from 'vitest';
import { configFromEnv, parseServerConfig } from '../config.ts';

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
