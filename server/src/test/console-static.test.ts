import { mkdir, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type Harness, startHarness, tempDataDir } from './harness.ts';

let h: Harness;
let consoleDir: string;

beforeAll(async () => {
  consoleDir = await tempDataDir();
  await mkdir(path.join(consoleDir, 'assets'));
  await writeFile(path.join(consoleDir, 'index.html'), '<!doctype html><title>Aerie console</title>');
  await writeFile(path.join(consoleDir, 'assets', 'main-abc123.js'), 'console.log(1)');
  h = await startHarness({ config: { consoleDir } });
});
afterAll(async () => {
  await h.close();
});

describe('the web console at /', () => {
  it('serves the console at / and at any page path, so a reload of /sorties/42 works', async () => {
    for (const url of ['/', '/sorties/42', '/stats?from=2026-01-01']) {
      const res = await h.app.inject({ method: 'GET', url });
      expect(res.statusCode, url).toBe(200);
      expect(res.headers['content-type']).toContain('text/html');
      expect(res.body).toContain('Aerie console');
      expect(res.headers['cache-control'], url).toContain('no-cache');
    }
  });

  it('serves built assets with a long cache, and 404 for a file that is not there', async () => {
    const js = await h.app.inject({ method: 'GET', url: '/assets/main-abc123.js' });
    expect(js.statusCode).toBe(200);
    expect(js.headers['cache-control']).toContain('immutable');
    expect((await h.app.inject({ method: 'GET', url: '/assets/missing.js' })).statusCode).toBe(404);
    expect((await h.app.inject({ method: 'GET', url: '/../../etc/passwd' })).body).not.toContain('root:');
  });

  it('never answers an API path with the console: unknown API routes stay JSON 404s', async () => {
    const res = await h.app.inject({ method: 'GET', url: '/api/no-such-thing' });
    expect(res.statusCode).toBe(404);
    expect(res.json().error.code).toBe('NotFound');
    const health = await h.app.inject({ method: 'GET', url: '/api/health' });
    expect(health.statusCode).toBe(200);
  });
});

describe('without a console', () => {
  it('answers / with a JSON 404 when no console folder is configured', async () => {
    const bare = await startHarness();
    try {
      const res = await bare.app.inject({ method: 'GET', url: '/' });
      expect(res.statusCode).toBe(404);
      expect(res.json().error.code).toBe('NotFound');
    } finally {
      await bare.close();
    }
  });
});
