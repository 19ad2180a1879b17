/** The generated OpenAPI document and the offline API browser. */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type Harness, startHarness } from './harness.ts';

let h: Harness;
beforeAll(async () => {
  h = await startHarness();
});
afterAll(async () => {
  await h.close();
});

interface Op {
  parameters?: { in: string; name: string }[];
  requestBody?: unknown;
  responses?: Record<string, unknown>;
}

describe('OpenAPI', () => {
  it('documents params, bodies and responses of every route, including the error body', async () => {
    const res = await h.req('GET', '/api/openapi.json');
    expect(res.statusCode).toBe(200);
    const doc = res.json() as {
      openapi: string;
      paths: Record<string, Record<string, Op>>;
      components: { schemas: object };
    };
    expect(doc.openapi).toBe('3.1.0');
    expect(Object.keys(doc.components.schemas)).toContain('ErrorBody');
    const paths = Object.entries(doc.paths);
    expect(paths.length).toBeGreaterThan(15);
    for (const [p, ops] of paths) {
      for (const [method, op] of Object.entries(ops)) {
        const where = `${method.toUpperCase()} ${p}`;
        const codes = Object.keys(op.responses ?? {});
        expect(
          codes.some((c) => c.startsWith('2')),
          where,
        ).toBe(true);
        if (p.includes('{id}'))
          expect(
            op.parameters?.some((x) => x.in === 'path' && x.name === 'id'),
            where,
          ).toBe(true);
        if (method === 'post' || method === 'patch') {
          // Actions that take no body: rotate a token, sign out, take a snapshot of the live stream,
          // send a verification flight over a ticket.
          const bodiless =
            p.endsWith('/token') ||
            p.endsWith('/snapshots') ||
            p.endsWith('/verification-flight') ||
            p === '/api/auth/logout';
          if (!bodiless) expect(op.requestBody, where).toBeDefined();
        }
        if (p !== '/api/health' && p !== '/api/ready' && p !== '/api/auth/login')
          expect(codes, where).toContain('401');
      }
    }
    const listVehicles = doc.paths['/api/vehicles']?.get;
    expect(listVehicles?.parameters?.map((x) => x.name)).toEqual(expect.arrayContaining(['limit', 'offset']));
  });

  it('serves the API browser and its assets from the server itself', async () => {
    const page = await h.app.inject({ method: 'GET', url: '/api/docs/' });
    expect(page.statusCode).toBe(200);
    expect(page.body).toContain('swagger-ui');
    const assets = [...page.body.matchAll(/(?:src|href)="([^"]+)"/g)].map((m) => m[1]!);
    expect(assets.length).toBeGreaterThan(0);
    for (const a of assets) {
      expect(a, 'asset must be local').not.toMatch(/^(https?:)?\/\//);
      const url = new URL(a, 'http://x/api/docs/').pathname;
      const r = await h.app.inject({ method: 'GET', url });
      expect(r.statusCode, url).toBe(200);
    }
    const init = await h.app.inject({ method: 'GET', url: '/api/docs/static/swagger-initializer.js' });
    expect(init.statusCode).toBe(200);
    expect(init.body).not.toMatch(/(?:src|href|url|validatorUrl)\s*[:=(]\s*['"]https?:/i);
    expect(init.body).toContain('"validatorUrl":null');
    const spec = await h.app.inject({ method: 'GET', url: '/api/docs/json' });
    expect(spec.json().paths['/api/vehicles']).toBeDefined();
  });
});
