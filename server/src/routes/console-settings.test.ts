import { afterEach, describe, expect, it } from 'vitest';
import { configFromEnv, parseServerConfig } from '../config.ts';
import { type Harness, startHarness } from '../test/harness.ts';

let h: Harness | undefined;
afterEach(async () => {
  await h?.close();
  h = undefined;
});

describe('GET /api/console/settings', () => {
  it("answers Cesium's bundled imagery and no terrain by default", async () => {
    h = await startHarness();
    const res = await h.req('GET', '/api/console/settings', { token: h.adminToken });
    expect(res.statusCode).toBe(200);
    expect(res.json()).toEqual({
      imagery: { type: 'none', url: '', crs: 'wgs84' },
      basemap: null,
      terrainUrl: null,
    });
  });

  it('answers the configured GCJ-02 tile server and terrain to a watch role', async () => {
    const input = configFromEnv({
      AERIE_IMAGERY_URL: 'http://tiles.local/amap/{z}/{x}/{y}.png',
      AERIE_IMAGERY_CRS: 'gcj02',
      AERIE_TERRAIN_URL: 'http://terrain.local/',
    });
    h = await startHarness({ config: input as never });
    const token = await h.userToken('command_centre');
    const res = await h.req('GET', '/api/console/settings', { token });
    expect(res.statusCode).toBe(200);
    expect(res.json()).toEqual({
      imagery: { type: 'xyz', url: 'http://tiles.local/amap/{z}/{x}/{y}.png', crs: 'gcj02' },
      basemap: null,
      terrainUrl: 'http://terrain.local/',
    });
  });

  it('needs a session', async () => {
    h = await startHarness();
    const res = await h.req('GET', '/api/console/settings');
    expect(res.statusCode).toBe(401);
  });
});

describe('console configuration', () => {
  it('takes a WMTS layer from the environment', () => {
    const parsed = parseServerConfig(
      configFromEnv({
        AERIE_IMAGERY_TYPE: 'wmts',
        AERIE_IMAGERY_URL: 'http://t0.tianditu.local/img_w/wmts',
        AERIE_IMAGERY_LAYER: 'img',
        AERIE_IMAGERY_MAX_ZOOM: '18',
      }),
    );
    expect(parsed.ok && parsed.value.console.imagery).toEqual({
      type: 'wmts',
      url: 'http://t0.tianditu.local/img_w/wmts',
      layer: 'img',
      crs: 'wgs84',
      maxZoom: 18,
    });
  });

  it('names the field when tiles have no URL or the datum is unknown', () => {
    const noUrl = parseServerConfig(configFromEnv({ AERIE_IMAGERY_TYPE: 'xyz' }));
    expect(!noUrl.ok && noUrl.error.message).toMatch(/\/console\/imagery\/url/);
    const badCrs = parseServerConfig(
      configFromEnv({ AERIE_IMAGERY_URL: 'http://x/{z}/{x}/{y}', AERIE_IMAGERY_CRS: 'bd09' }),
    );
    expect(!badCrs.ok && badCrs.error.message).toMatch(/\/console\/imagery\/crs/);
  });
});
