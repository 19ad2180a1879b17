import { describe, expect, it } from 'vitest';
import { featureCollection, gridFeature, M_PER_DEG, square } from '../../test/geojson.ts';
import { type DedupCandidate, dedupDecision } from './dedup.ts';
import { type ChainRecord, GENESIS, nextRecord, verifyChain } from './evidence-chain.ts';
import { boundingBox, distanceM } from './geo.ts';
import { shanghaiDay, TICKET_NUMBER_PATTERN, ticketNumber } from './numbering.ts';
import { DEFAULT_CATEGORY_POLICY, parseTicketPolicy } from './policy.ts';
import { gridAt, parseGridCollection, pointInPolygon, type RoutingGrid, route } from './routing.ts';
import { filingDecision } from './triage.ts';

const DAY = 86_400_000;
const NOW = Date.UTC(2026, 5, 30);
/** A point `m` metres north of (30, 120). */
const north = (m: number) => ({ lat: 30 + m / M_PER_DEG, lon: 120 });

describe('geo', () => {
  it('measures metres and boxes them', () => {
    expect(distanceM({ lat: 30, lon: 120 }, north(100))).toBeCloseTo(100, 0);
    expect(distanceM({ lat: 0, lon: 0 }, { lat: 0, lon: 1 })).toBeCloseTo(111_195, -1);
    const b = boundingBox({ lat: 30, lon: 120 }, 200);
    expect(b.maxLat).toBeGreaterThan(north(200).lat - 1e-9);
    const east = { lat: 30, lon: 120 + 200 / (111_195 * Math.cos((30 * Math.PI) / 180)) };
    expect(b.maxLon).toBeGreaterThanOrEqual(east.lon - 1e-9);
  });
});

describe('de-duplication', () => {
  const opts = (radiusM: number) => ({ radiusM, windowDays: 30 });
  const cand = (id: string, m: number, extra: Partial<DedupCandidate> = {}): DedupCandidate => ({
    id,
    category: 'construction',
    ...north(m),
    status: 'dispatched',
    closedAt: null,
    ...extra,
  });
  const finding = { category: 'construction', lat: 30, lon: 120, at: NOW };

  it('attaches to the nearest open ticket of the category within its radius', () => {
    expect(dedupDecision(finding, [cand('far', 29), cand('near', 10)], opts(30))).toMatchObject({
      kind: 'occurrence',
      ticketId: 'near',
      reopen: false,
    });
    expect(dedupDecision(finding, [cand('out', 31)], opts(30))).toEqual({ kind: 'new' });
    expect(dedupDecision(finding, [cand('smoke', 5, { category: 'fire_smoke' })], opts(30))).toEqual({
      kind: 'new',
    });
    // Smoke's 200 m radius takes what construction's 30 m does not.
    const smoke = { ...finding, category: 'fire_smoke' };
    expect(dedupDecision(smoke, [cand('s', 150, { category: 'fire_smoke' })], opts(200)).kind).toBe(
      'occurrence',
    );
  });

  it('reopens a ticket closed within 30 days, not an older one, and never a voided one', () => {
    expect(
      dedupDecision(finding, [cand('c', 5, { status: 'closed', closedAt: NOW - 29 * DAY })], opts(30)),
    ).toMatchObject({ kind: 'occurrence', ticketId: 'c', reopen: true });
    expect(
      dedupDecision(finding, [cand('old', 5, { status: 'closed', closedAt: NOW - 31 * DAY })], opts(30)),
    ).toEqual({
      kind: 'new',
    });
    expect(dedupDecision(finding, [cand('v', 1, { status: 'voided' })], opts(30))).toEqual({ kind: 'new' });
    expect(
      dedupDecision(
        finding,
        [cand('closed', 2, { status: 'closed', closedAt: NOW - DAY }), cand('open', 8)],
        opts(30),
      ),
    ).toMatchObject({ ticketId: 'closed', reopen: true });
  });
});

describe('routing by grid and category', () => {
  const hole = [...square(0, 0, 10, 10), ...square(4, 4, 6, 6)];
  it('finds points in polygons with holes', () => {
    expect(pointInPolygon(1, 1, hole)).toBe(true);
    expect(pointInPolygon(5, 5, hole)).toBe(false);
    expect(pointInPolygon(11, 5, hole)).toBe(false);
    // A concave L shape.
    const l = [
      [
        [0, 0],
        [2, 0],
        [2, 1],
        [1, 1],
        [1, 2],
        [0, 2],
        [0, 0],
      ],
    ];
    expect(pointInPolygon(0.5, 1.5, l)).toBe(true);
    expect(pointInPolygon(1.5, 1.5, l)).toBe(false);
  });

  const grids: RoutingGrid[] = [
    { id: 'g-west', departmentId: 'dep-west', polygons: [square(119, 29, 120, 31)] },
    { id: 'g-east', departmentId: null, polygons: [square(120, 29, 121, 30), square(120, 30, 121, 31)] },
  ];
  const rules = [
    { category: 'river_pollution', gridId: 'g-west', departmentId: 'dep-water-west' },
    { category: null, gridId: 'g-east', departmentId: 'dep-east' },
    { category: 'fire_smoke', gridId: null, departmentId: 'dep-fire' },
  ];
  it('picks the most specific rule', () => {
    expect(gridAt(30.5, 120.5, grids)?.id).toBe('g-east');
    expect(route('river_pollution', 30, 119.5, grids, rules)).toEqual({
      gridId: 'g-west',
      departmentId: 'dep-water-west',
    });
    expect(route('construction', 30, 119.5, grids, rules)).toEqual({
      gridId: 'g-west',
      departmentId: 'dep-west',
    });
    expect(route('construction', 30.5, 120.5, grids, rules)).toEqual({
      gridId: 'g-east',
      departmentId: 'dep-east',
    });
    expect(route('fire_smoke', 40, 100, grids, rules)).toEqual({ gridId: null, departmentId: 'dep-fire' });
    expect(route('construction', 40, 100, grids, rules)).toEqual({ gridId: null, departmentId: null });
  });

  it('imports grids from GeoJSON, refusing the whole file on the first bad feature', () => {
    const fc = featureCollection(
      gridFeature({ name: 'A', department: 'UM' }, square(0, 0, 1, 1)),
      gridFeature({ name: 'B' }, square(1, 0, 2, 1), square(3, 0, 4, 1)),
    );
    const ok = parseGridCollection(fc);
    expect(ok.ok && ok.value.map((g) => [g.name, g.department, g.polygons.length])).toEqual([
      ['A', 'UM', 1],
      ['B', null, 2],
    ]);
    const bad = (f: unknown) => {
      const r = parseGridCollection({ type: 'FeatureCollection', features: [fc.features[0], f] });
      return r.ok ? 'ok' : r.error.message;
    };
    expect(bad({ type: 'Feature', properties: {}, geometry: fc.features[0]?.geometry })).toMatch(
      /features\[1\]\.properties\.name/,
    );
    expect(
      bad({ type: 'Feature', properties: { name: 'P' }, geometry: { type: 'Point', coordinates: [1, 1] } }),
    ).toMatch(/features\[1\]\.geometry: must be a Polygon/);
    expect(
      bad({
        type: 'Feature',
        properties: { name: 'O' },
        geometry: {
          type: 'Polygon',
          coordinates: [
            [
              [0, 0],
              [1, 0],
              [1, 1],
              [0, 1],
            ],
          ],
        },
      }),
    ).toMatch(/must end where it starts/);
    expect(
      bad({
        type: 'Feature',
        properties: { name: 'R' },
        geometry: {
          type: 'Polygon',
          coordinates: [
            [
              [0, 0],
              [1, 0],
              [0, 0],
            ],
          ],
        },
      }),
    ).toMatch(/at least 4/);
    expect(bad(gridFeature({ name: 'L' }, square(0, 0, 200, 1)))).toMatch(/at least 4 \[lon, lat\]/);
    expect(parseGridCollection({ type: 'FeatureCollection', features: [] }).ok).toBe(false);
    expect(parseGridCollection('nope').ok).toBe(false);
  });
});

describe('ticket numbers', () => {
  it('use the Asia/Shanghai date', () => {
    expect(ticketNumber(Date.parse('2026-12-06T03:00:00Z'), 42)).toBe('GC-20261206-0042');
    // 17:00 UTC on the 5th is 01:00 on the 6th in Shanghai.
    expect(ticketNumber(Date.parse('2026-12-05T17:00:00Z'), 1)).toBe('GC-20261206-0001');
    expect(shanghaiDay(Date.parse('2026-12-05T15:59:59Z'))).toBe('20261205');
    expect(ticketNumber(0, 12345)).toBe('GC-19700101-12345');
    expect(TICKET_NUMBER_PATTERN.test('GC-20261206-0042')).toBe(true);
    expect(() => ticketNumber(0, 0)).toThrow(/positive/);
  });
});

describe('filing decision and policy', () => {
  const p = DEFAULT_CATEGORY_POLICY;
  it.each([
    ['fire_smoke', 0.6, { kind: 'file', category: 'fire_smoke' }],
    ['fire_smoke', 0.59, { kind: 'triage', category: 'fire_smoke' }],
    ['construction', 0.79, { kind: 'triage', category: 'construction' }],
    ['construction', 0.1, { kind: 'ignore', reason: 'BelowTriage' }],
    ['person', 0.99, { kind: 'ignore', reason: 'NotTicketable' }],
  ])('files, queues for triage or ignores by category thresholds: %s at %s', (category, score, want) => {
    expect(filingDecision({ category, score }, p)).toEqual(want);
  });

  it('fills defaults and names bad fields', () => {
    const ok = parseTicketPolicy({ categories: { construction: { autoFileScore: 0.9 } } });
    expect(ok.ok && ok.value.categories.construction).toMatchObject({ autoFileScore: 0.9, dedupRadiusM: 30 });
    expect(ok.ok && ok.value.categories.fire_smoke.dedupRadiusM).toBe(200);
    expect(ok.ok && ok.value.dedupWindowDays).toBe(30);
    const bad = parseTicketPolicy({ categories: { construction: { autoFileScore: 2 } } });
    expect(bad.ok ? '' : bad.error.message).toMatch(/categories\/construction\/autoFileScore/);
    const inverted = parseTicketPolicy({
      categories: { other: { autoFileScore: 0.2, triageMinScore: 0.5 } },
    });
    expect(inverted.ok ? '' : inverted.error.message).toMatch(/triageMinScore above autoFileScore/);
    expect(parseTicketPolicy({ warnAt: 1 }).ok).toBe(false);
    expect(parseTicketPolicy({ calendar: { holidays: ['soon'] } }).ok).toBe(false);
  });
});

describe('evidence hash chain', () => {
  const sha = (c: string) => c.repeat(64);
  function chain(): ChainRecord[] {
    const out: ChainRecord[] = [];
    for (const [i, c] of ['a', 'b', 'c', 'd'].entries())
      out.push(
        nextRecord(out.at(-1) ?? null, {
          ticketId: `t${i % 2}`,
          kind: 'frame',
          at: 1000 + i,
          fileSha256: sha(c),
        }),
      );
    return out;
  }
  const files = (r: string) => r;

  it('links every record to the one before it', () => {
    const c = chain();
    expect(c[0]?.prevHash).toBe(GENESIS);
    expect(c[1]?.prevHash).toBe(c[0]?.chainHash);
    expect(c.map((r) => r.seq)).toEqual([1, 2, 3, 4]);
    expect(verifyChain(c, files)).toEqual({ ok: true, records: 4 });
    expect(verifyChain([], files)).toEqual({ ok: true, records: 0 });
  });

  it('finds a changed file, a changed, removed or reordered record, a missing file', () => {
    const c = chain();
    expect(verifyChain(c, (h) => (h === sha('c') ? sha('e') : h))).toMatchObject({
      ok: false,
      seq: 3,
      problem: 'FileChanged',
    });
    expect(verifyChain(c, (h) => (h === sha('b') ? null : h))).toMatchObject({
      seq: 2,
      problem: 'FileMissing',
    });
    const changed = c.map((r) => (r.seq === 2 ? { ...r, at: r.at + 1 } : r));
    expect(verifyChain(changed, files)).toMatchObject({ seq: 2, problem: 'RecordChanged' });
    expect(verifyChain([c[0], c[2], c[3]] as ChainRecord[], files)).toMatchObject({
      seq: 3,
      problem: 'SequenceGap',
    });
    expect(verifyChain([c[1], c[0], c[2]] as ChainRecord[], files)).toMatchObject({
      seq: 2,
      problem: 'SequenceGap',
    });
    // Swapping two records' contents while keeping sequence numbers breaks the links.
    const swapped = [c[0], { ...c[2], seq: 2 }, { ...c[1], seq: 3 }, c[3]] as ChainRecord[];
    expect(verifyChain(swapped, files)).toMatchObject({ ok: false, seq: 2, problem: 'BrokenLink' });
    // A rewritten file hash in the record is caught by its own chain hash.
    const rehashed = c.map((r) => (r.seq === 4 ? { ...r, fileSha256: sha('f') } : r));
    expect(verifyChain(rehashed, files)).toMatchObject({ seq: 4, problem: 'RecordChanged' });
  });
});
