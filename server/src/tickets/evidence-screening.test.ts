/**
 * Persons in evidence blurred (issue 15): the person model on a real sample with a person in
 * it, and the download route giving a department officer the blurred file, an administrator
 * the original, and an officer a notice (never the original) when nothing could screen it.
 */
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { resolveModelsDir } from '@aerie/inference';
import sharp from 'sharp';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { constructionFinding, create, type Harness, startHarness } from '../test/harness.ts';
import type { Region } from './core/redaction.ts';
import { verifyEvidenceChain } from './desk.ts';
import { type EvidenceScreener, loadEvidenceScreener } from './screening.ts';

const MODELS = resolveModelsDir(undefined);
const SAMPLE = readFileSync(
  path.join(MODELS ?? '', '..', 'samples', 'construction', 'excavator_site_elevated_01.jpg'),
);
/** A sample without persons (the person model finds none in it). */
const NOBODY = readFileSync(path.join(MODELS ?? '', '..', 'samples', 'fire_smoke', 'fire_flare_05.jpg'));

async function rgb(bytes: Uint8Array) {
  const { data, info } = await sharp(bytes).removeAlpha().raw().toBuffer({ resolveWithObject: true });
  return { data, width: info.width, height: info.height };
}

/** Mean absolute difference per channel between two decoded images inside `r`. */
function meanDiff(a: Awaited<ReturnType<typeof rgb>>, b: Awaited<ReturnType<typeof rgb>>, r: Region): number {
  let sum = 0;
  let n = 0;
  for (let y = r.top; y < r.top + r.height; y++)
    for (let x = r.left; x < r.left + r.width; x++)
      for (let c = 0; c < 3; c++) {
        const i = (y * a.width + x) * 3 + c;
        sum += Math.abs(a.data[i]! - b.data[i]!);
        n++;
      }
  return sum / n;
}

describe('the person screener on a real frame', () => {
  let screener: EvidenceScreener;
  beforeAll(async () => {
    expect(MODELS, 'the models folder ../shared/models').toBeDefined();
    const loaded = await loadEvidenceScreener(MODELS!, 'nanodet_m_coco');
    if (!loaded.ok) throw new Error(loaded.error);
    screener = loaded.screener;
  });
  afterAll(async () => screener?.close());

  it('blurs the person box (padded) and leaves pixels far from it as they were', async () => {
    const out = await screener.screen(SAMPLE, 'image/jpeg');
    expect(out.kind).toBe('blurred');
    if (out.kind !== 'blurred') return;
    expect(out.detector.name).toBe('nanodet_m_coco');
    expect(out.persons.length).toBeGreaterThanOrEqual(1);
    const [x, y, w, h] = out.persons[0]!;
    // The worker on the elevated site photo stands around (721, 505), 72 x 95 px.
    expect(Math.abs(x + w / 2 - 757)).toBeLessThan(40);
    expect(Math.abs(y + h / 2 - 552)).toBeLessThan(40);
    const a = await rgb(SAMPLE);
    const b = await rgb(out.bytes);
    expect([b.width, b.height]).toEqual([a.width, a.height]);
    const inside: Region = {
      left: Math.round(x),
      top: Math.round(y),
      width: Math.round(w),
      height: Math.round(h),
    };
    const far: Region = { left: 0, top: 0, width: 400, height: 300 };
    const diffInside = meanDiff(a, b, inside);
    const diffFar = meanDiff(a, b, far);
    expect(diffInside).toBeGreaterThan(8);
    // Only the JPEG re-encoding touches pixels far from the person.
    expect(diffFar).toBeLessThan(1.5);
    expect(diffInside).toBeGreaterThan(6 * diffFar);
  });

  it('answers clear for a frame without persons, and refuses bytes that are not an image', async () => {
    expect((await screener.screen(NOBODY, 'image/jpeg')).kind).toBe('clear');
    await expect(screener.screen(Buffer.from('not an image'), 'image/jpeg')).rejects.toThrow(/decodable/);
  });
});

/** A ticket routed to the department of `officer`, with `frame` as its evidence. */
async function setup(h: Harness) {
  const dep = String((await create(h, '/api/departments', { name: 'Urban management', code: 'UM' })).id);
  await create(h, '/api/grids/import', {
    type: 'FeatureCollection',
    features: [
      {
        type: 'Feature',
        properties: { name: 'Town', department: 'UM' },
        geometry: {
          type: 'Polygon',
          coordinates: [
            [
              [119.9, 29.9],
              [120.1, 29.9],
              [120.1, 30.1],
              [119.9, 30.1],
              [119.9, 29.9],
            ],
          ],
        },
      },
    ],
  });
  const tok = {
    admin: h.adminToken,
    centre: await h.userToken('command_centre'),
    officer: await h.userToken('department_officer', { departmentId: dep }),
    reviewer: await h.userToken('reviewer'),
  };
  const fileTicket = async (frame: Uint8Array, lat: number) => {
    const res = await h.req('POST', '/api/findings', {
      token: tok.centre,
      body: {
        finding: constructionFinding(h, { lat, lon: 120 }),
        frame: { mime: 'image/jpeg', dataBase64: Buffer.from(frame).toString('base64') },
      },
    });
    expect(res.statusCode, res.body).toBe(201);
    expect(res.json().ticket.departmentId).toBe(dep);
    return res.json().ticket.id as string;
  };
  return { tok, fileTicket };
}

const download = (h: Harness, id: string, seq: number, token: string) =>
  h.req('GET', `/api/tickets/${id}/evidence/${seq}`, { token });
async function evidenceOf(h: Harness, id: string, token: string) {
  const res = await h.req('GET', `/api/tickets/${id}`, { token });
  expect(res.statusCode, res.body).toBe(200);
  return res.json().evidence as {
    seq: number;
    kind: string;
    screening: string;
    redactedSeq: number | null;
    access: string;
  }[];
}

describe('evidence served by role, with the person model', () => {
  let h: Harness;
  let ctx: Awaited<ReturnType<typeof setup>>;
  beforeAll(async () => {
    h = await startHarness({ tickets: { sweepEveryMs: 0 }, config: { evidence: { modelsDir: MODELS! } } });
    ctx = await setup(h);
  });
  afterAll(async () => h?.close());

  it('gives a department officer the blurred frame and an administrator the original, both chained', async () => {
    const id = await ctx.fileTicket(SAMPLE, 30);
    await h.app.tickets.whenScreened();
    const [frame] = await evidenceOf(h, id, ctx.tok.officer);
    expect(frame).toMatchObject({ kind: 'frame', screening: 'blurred', access: 'redacted' });
    expect(frame!.redactedSeq).toBeGreaterThan(frame!.seq);
    // The derivative is reached through its original, not listed beside it.
    expect((await evidenceOf(h, id, ctx.tok.officer)).map((e) => e.kind)).toEqual(['frame']);
    expect((await evidenceOf(h, id, ctx.tok.admin))[0]!.access).toBe('original');

    const asOfficer = await download(h, id, frame!.seq, ctx.tok.officer);
    expect(asOfficer.statusCode, asOfficer.body).toBe(200);
    expect(asOfficer.headers['x-aerie-evidence']).toBe('redacted');
    expect(asOfficer.rawPayload.equals(SAMPLE)).toBe(false);
    const asReviewer = await download(h, id, frame!.seq, ctx.tok.reviewer);
    expect(asReviewer.rawPayload.equals(asOfficer.rawPayload)).toBe(true);
    for (const token of [ctx.tok.admin, ctx.tok.centre]) {
      const original = await download(h, id, frame!.seq, token);
      expect(original.statusCode).toBe(200);
      expect(original.headers['x-aerie-evidence']).toBe('original');
      expect(original.rawPayload.equals(SAMPLE)).toBe(true);
    }
    const explicit = await h.req('GET', `/api/tickets/${id}/evidence/${frame!.seq}/original`, {
      token: ctx.tok.centre,
    });
    expect(explicit.rawPayload.equals(SAMPLE)).toBe(true);
    const forbidden = await h.req('GET', `/api/tickets/${id}/evidence/${frame!.seq}/original`, {
      token: ctx.tok.officer,
    });
    expect(forbidden.statusCode).toBe(403);
    const derived = await download(h, id, frame!.redactedSeq!, ctx.tok.admin);
    expect(derived.rawPayload.equals(asOfficer.rawPayload)).toBe(true);
    expect(await verifyEvidenceChain(h.app.aerie.database.db, h.app.tickets.media)).toMatchObject({
      ok: true,
      records: 2,
    });
  });

  it('gives an officer the original of a frame in which nobody was found', async () => {
    const id = await ctx.fileTicket(NOBODY, 30.02);
    await h.app.tickets.whenScreened();
    const [frame] = await evidenceOf(h, id, ctx.tok.officer);
    expect(frame).toMatchObject({ screening: 'clear', access: 'original', redactedSeq: null });
    const res = await download(h, id, frame!.seq, ctx.tok.officer);
    expect(res.statusCode).toBe(200);
    expect(res.rawPayload.equals(NOBODY)).toBe(true);
  });

  it('keeps a file the model cannot read from officers, with a coded notice', async () => {
    const id = await ctx.fileTicket(Buffer.from('not really a jpeg'), 30.04);
    await h.app.tickets.whenScreened();
    const [frame] = await evidenceOf(h, id, ctx.tok.officer);
    expect(frame).toMatchObject({ screening: 'not_screened', access: 'notice' });
    const res = await download(h, id, frame!.seq, ctx.tok.officer);
    expect(res.statusCode).toBe(409);
    expect(res.json().error.code).toBe('EvidenceNotScreened');
    expect((await download(h, id, frame!.seq, ctx.tok.admin)).statusCode).toBe(200);
  });
});

describe('evidence without a person model', () => {
  let h: Harness;
  let ctx: Awaited<ReturnType<typeof setup>>;
  beforeAll(async () => {
    h = await startHarness({ tickets: { sweepEveryMs: 0 } });
    ctx = await setup(h);
  });
  afterAll(async () => h?.close());

  it('stores the frame as not screened: a notice for the officer, the original for the administrator', async () => {
    const id = await ctx.fileTicket(SAMPLE, 30);
    const [frame] = await evidenceOf(h, id, ctx.tok.officer);
    expect(frame).toMatchObject({ screening: 'not_screened', access: 'notice', redactedSeq: null });
    const refused = await download(h, id, frame!.seq, ctx.tok.officer);
    expect(refused.statusCode).toBe(409);
    expect(refused.json().error).toMatchObject({ code: 'EvidenceNotScreened' });
    expect(refused.json().error.message).toContain('not screened');
    const original = await download(h, id, frame!.seq, ctx.tok.admin);
    expect(original.rawPayload.equals(SAMPLE)).toBe(true);
  });

  it('screens what waited once the model is there (a restart with it)', async () => {
    const dir = h.dir;
    const [ticketPage] = (await h.req('GET', '/api/tickets', { token: ctx.tok.admin })).json().items;
    await h.close({ keepDir: true });
    h = await startHarness({
      dir,
      tickets: { sweepEveryMs: 0 },
      config: { evidence: { modelsDir: MODELS! } },
    });
    await h.app.tickets.whenScreened();
    const officer = await h.login(
      (await h.req('GET', '/api/users', { token: h.adminToken }))
        .json()
        .items.find((u: { role: string }) => u.role === 'department_officer').username,
      'password-of-user',
    );
    const [frame] = await evidenceOf(h, ticketPage.id, officer.json().token);
    expect(frame).toMatchObject({ screening: 'blurred', access: 'redacted' });
  });
});
