/** Open311 GeoReport v2 against the spec's fields, in JSON and XML, on the real server. */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { testFinding } from '../../test/findings.ts';
import { create, type Harness, startHarness } from '../../test/harness.ts';

let h: Harness;
let centre = '';
let apiKey = '';
let keyId = '';
let ticketNumber = '';
let ticketId = '';

const REQUEST_FIELDS = [
  'service_request_id',
  'status',
  'status_notes',
  'service_name',
  'service_code',
  'description',
  'agency_responsible',
  'service_notice',
  'requested_datetime',
  'updated_datetime',
  'expected_datetime',
  'address',
  'address_id',
  'zipcode',
  'lat',
  'long',
  'media_url',
];
const SERVICE_FIELDS = [
  'service_code',
  'service_name',
  'description',
  'metadata',
  'type',
  'keywords',
  'group',
];

const form = (fields: Record<string, string>) => new URLSearchParams(fields).toString();
const postForm = (url: string, fields: Record<string, string>) =>
  h.app.inject({
    method: 'POST',
    url,
    headers: { 'content-type': 'application/x-www-form-urlencoded' },
    payload: form(fields),
  });
/** Text of `<name>` elements in an XML document. */
const xmlValues = (xml: string, name: string) =>
  [...xml.matchAll(new RegExp(`<${name}>([^<]*)</${name}>`, 'g'))].map((m) => m[1]);
const triageCount = async () => (await h.req('GET', '/api/triage', { token: centre })).json().total as number;

beforeAll(async () => {
  h = await startHarness({ tickets: { sweepEveryMs: 0 } });
  const dep = await create(h, '/api/departments', { name: '城管局', code: 'UM' });
  await create(h, '/api/ticket-routes', { category: 'construction', gridId: null, departmentId: dep.id });
  centre = await h.userToken('command_centre');
  const key = await h.req('POST', '/api/open311-keys', {
    token: h.adminToken,
    body: { name: 'city hotline 12345' },
  });
  expect(key.statusCode, key.body).toBe(201);
  apiKey = key.json().key;
  keyId = key.json().apiKey.id;
  const filed = await h.req('POST', '/api/findings', {
    token: centre,
    body: { finding: testFinding(h.clock.t, { score: 0.9, lat: 30.25, lon: 120.16, errorM: 3 }) },
  });
  ticketNumber = filed.json().ticket.number;
  ticketId = filed.json().ticket.id;
});
afterAll(async () => {
  await h.close();
});

describe('services', () => {
  it('lists the ticket categories with every field, in JSON and XML', async () => {
    const json = await h.app.inject({ method: 'GET', url: '/open311/v2/services.json' });
    expect(json.statusCode).toBe(200);
    expect(json.headers['content-type']).toMatch(/application\/json/);
    const list = json.json() as Record<string, unknown>[];
    expect(list.map((s) => s.service_code)).toEqual([
      'fire_smoke',
      'construction',
      'river_pollution',
      'other',
    ]);
    for (const s of list) expect(Object.keys(s).sort()).toEqual([...SERVICE_FIELDS].sort());
    expect(list[0]).toMatchObject({ metadata: false, type: 'realtime' });
    const xml = await h.app.inject({ method: 'GET', url: '/open311/v2/services.xml' });
    expect(xml.headers['content-type']).toMatch(/text\/xml/);
    expect(xml.body.startsWith('<?xml version="1.0" encoding="utf-8"?><services><service>')).toBe(true);
    expect(xmlValues(xml.body, 'service_code')).toEqual([
      'fire_smoke',
      'construction',
      'river_pollution',
      'other',
    ]);
  });
});

describe('service requests', () => {
  it('reads drone tickets with the spec fields (JSON and XML, list and one)', async () => {
    const res = await h.app.inject({ method: 'GET', url: '/open311/v2/requests.json' });
    expect(res.statusCode, res.body).toBe(200);
    const [r] = res.json() as Record<string, unknown>[];
    expect(Object.keys(r!).sort()).toEqual([...REQUEST_FIELDS].sort());
    expect(r).toMatchObject({
      service_request_id: ticketNumber,
      status: 'open',
      service_code: 'construction',
      agency_responsible: '城管局',
      lat: 30.25,
      long: 120.16,
    });
    expect(r!.requested_datetime).toMatch(/^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\+08:00$/);
    expect(r!.expected_datetime).toMatch(/\+08:00$/);
    const one = await h.app.inject({ method: 'GET', url: `/open311/v2/requests/${ticketNumber}.xml` });
    expect(one.statusCode).toBe(200);
    for (const f of REQUEST_FIELDS) expect(one.body, f).toMatch(new RegExp(`<${f}>[^<]*</${f}>`));
    expect(xmlValues(one.body, 'service_request_id')).toEqual([ticketNumber]);
    const missing = await h.app.inject({ method: 'GET', url: '/open311/v2/requests/GC-00000000-0000.json' });
    expect(missing.statusCode).toBe(404);
    expect(missing.json()[0]).toMatchObject({ code: 404 });
  });

  it('filters by status and service_code, and shows a voided ticket closed with its notes', async () => {
    const dispatcher = await h.userToken('dispatcher');
    const version = (await h.req('GET', `/api/tickets/${ticketId}`, { token: centre })).json().ticket.version;
    const voided = await h.req('POST', `/api/tickets/${ticketId}/transitions`, {
      token: dispatcher,
      body: { action: 'void', version, reason: 'a false alarm: scaffolding' },
    });
    expect(voided.statusCode, voided.body).toBe(200);
    const closed = (
      await h.app.inject({ method: 'GET', url: '/open311/v2/requests.json?status=closed' })
    ).json();
    expect(closed.map((r: { service_request_id: string }) => r.service_request_id)).toEqual([ticketNumber]);
    expect(closed[0].status_notes).toBe('a false alarm: scaffolding');
    expect(
      (await h.app.inject({ method: 'GET', url: '/open311/v2/requests.json?status=open' })).json(),
    ).toEqual([]);
    expect(
      (
        await h.app.inject({ method: 'GET', url: '/open311/v2/requests.json?service_code=fire_smoke' })
      ).json(),
    ).toEqual([]);
    const bad = await h.app.inject({
      method: 'GET',
      url: '/open311/v2/requests.xml?status=maybe&start_date=soon',
    });
    expect(bad.statusCode).toBe(400);
    expect(xmlValues(bad.body, 'code')).toEqual(['400', '400']);
  });

  it('takes a citizen report with an API key into triage (form-encoded, JSON and XML answers)', async () => {
    const before = await triageCount();
    const res = await postForm('/open311/v2/requests.json', {
      api_key: apiKey,
      service_code: 'river_pollution',
      lat: '30.3',
      long: '120.2',
      description: '河面有油污',
    });
    expect(res.statusCode, res.body).toBe(200);
    const [posted] = res.json();
    expect(posted.token).toMatch(/^[0-9a-f-]{36}$/);
    expect(posted.service_notice).toBeTruthy();
    const queue = (await h.req('GET', '/api/triage?status=pending', { token: centre })).json();
    expect(queue.total).toBe(before + 1);
    expect(queue.items[0]).toMatchObject({
      id: posted.token,
      source: 'citizen',
      description: '河面有油污',
      score: null,
    });
    const xml = await postForm('/open311/v2/requests.xml', {
      api_key: apiKey,
      service_code: 'other',
      lat: '30.3',
      long: '120.2',
    });
    expect(xmlValues(xml.body, 'token')).toHaveLength(1);
  });

  it('refuses a missing or revoked key and bad fields with the spec error list, storing nothing', async () => {
    const before = await triageCount();
    const noKey = await postForm('/open311/v2/requests.json', { service_code: 'other', lat: '1', long: '1' });
    expect(noKey.statusCode).toBe(403);
    expect(noKey.json()).toEqual([{ code: 403, description: 'api_key is missing or not valid' }]);
    const bad = await postForm('/open311/v2/requests.json', {
      api_key: apiKey,
      service_code: 'ufo',
      lat: '91',
      long: 'x',
    });
    expect(bad.statusCode).toBe(400);
    expect(bad.json().map((e: { code: number }) => e.code)).toEqual([400, 400, 400]);
    expect(bad.json().map((e: { description: string }) => e.description.split(' ')[0])).toEqual([
      'service_code',
      'lat',
      'long',
    ]);
    expect((await h.req('DELETE', `/api/open311-keys/${keyId}`, { token: h.adminToken })).statusCode).toBe(
      204,
    );
    const revoked = await postForm('/open311/v2/requests.json', {
      api_key: apiKey,
      service_code: 'other',
      lat: '1',
      long: '1',
    });
    expect(revoked.statusCode).toBe(403);
    expect(await triageCount()).toBe(before);
  });
});
