import { mkdtemp } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import type { Database } from '../db/client.ts';
import { openTestDatabase, removeTestData } from '../test/database.ts';
import { Leases, soleOwnership } from './leases.ts';

const open: Database[] = [];
let dir = '';
afterEach(async () => {
  for (const d of open.splice(0)) await d.close();
  if (dir) await removeTestData(dir);
});

/**
 * Two nodes on two connections to one database (the folder's SQLite file, or its PostgreSQL
 * database), as two processes would be, on one clock.
 */
async function twoNodes(ttlMs = 10_000) {
  dir = await mkdtemp(path.join(os.tmpdir(), 'aerie-leases-'));
  const clock = { t: 1_000_000 };
  const now = () => clock.t;
  const dbA = await openTestDatabase(dir);
  const dbB = await openTestDatabase(dir);
  open.push(dbA, dbB);
  const a = new Leases({ db: dbA.db, nodeId: 'node-a', ttlMs, now });
  const b = new Leases({ db: dbB.db, nodeId: 'node-b', ttlMs, now });
  return { a, b, clock };
}

describe('leases', () => {
  it('lets exactly one of two racing nodes take a free lease', async () => {
    const { a, b } = await twoNodes();
    const results = await Promise.all([a.acquire('scheduler'), b.acquire('scheduler')]);
    expect(results.filter(Boolean)).toHaveLength(1);
    const winner = results[0] ? 'node-a' : 'node-b';
    expect((await a.get('scheduler'))?.holder).toBe(winner);
    // The loser keeps losing while the winner renews.
    expect(await (results[0] ? b : a).acquire('scheduler')).toBe(false);
  });

  it('hands an expired lease to another node, and not before', async () => {
    const { a, b, clock } = await twoNodes(10_000);
    expect(await a.acquire('sortie:1')).toBe(true);
    clock.t += 9_999;
    expect(await b.acquire('sortie:1')).toBe(false);
    clock.t += 1;
    expect(await b.acquire('sortie:1')).toBe(true);
    // The old holder learns it lost the lease.
    expect(await a.acquire('sortie:1')).toBe(false);
    expect(await a.get('sortie:1')).toMatchObject({ holder: 'node-b', expiresAtMs: clock.t + 10_000 });
  });

  it('keeps a renewed lease from expiring', async () => {
    const { a, b, clock } = await twoNodes(10_000);
    expect(await a.acquire('webhooks')).toBe(true);
    for (let i = 0; i < 5; i++) {
      clock.t += 6_000;
      expect(await a.acquire('webhooks')).toBe(true);
      expect(await b.acquire('webhooks')).toBe(false);
    }
  });

  it('renews through hold() only every third of the ttl, and frees a released lease at once', async () => {
    const { a, b, clock } = await twoNodes(9_000);
    expect(await a.hold('scheduler')).toBe(true);
    const first = (await a.get('scheduler'))!.expiresAtMs;
    clock.t += 2_000;
    expect(await a.hold('scheduler')).toBe(true);
    expect((await a.get('scheduler'))!.expiresAtMs).toBe(first);
    clock.t += 1_500;
    expect(await a.hold('scheduler')).toBe(true);
    expect((await a.get('scheduler'))!.expiresAtMs).toBe(clock.t + 9_000);
    expect(await b.hold('scheduler')).toBe(false);
    await a.release('scheduler');
    expect(await b.hold('scheduler')).toBe(true);
    // A release by a node that does not hold it changes nothing.
    await a.release('scheduler');
    expect((await b.get('scheduler'))?.holder).toBe('node-b');
  });

  it('gives every lease up on a graceful stop, even one being renewed then, and takes none after', async () => {
    const { a, b } = await twoNodes(60_000);
    for (const name of ['scheduler', 'webhooks', 'sortie:7']) expect(await a.acquire(name)).toBe(true);
    expect(await b.acquire('ticket-sweep')).toBe(true);
    // A renewal under way when the stop begins does not take its lease back afterwards.
    const renewing = a.acquire('scheduler');
    await a.releaseAll();
    await renewing;
    for (const name of ['scheduler', 'webhooks', 'sortie:7']) {
      expect(await a.get(name), name).toBeNull();
      expect(await b.hold(name), name).toBe(true);
    }
    // Another node's lease stays its own; the stopped node holds nothing any more.
    expect((await b.get('ticket-sweep'))?.holder).toBe('node-b');
    await b.release('scheduler');
    expect(await a.hold('scheduler')).toBe(false);
    expect(await a.acquire('scheduler')).toBe(false);
    expect(await a.get('scheduler')).toBeNull();
  });

  it('refuses a bad ttl or an empty node id, and the embedded default owns everything', async () => {
    const { clock } = await twoNodes();
    const db = open[0]!.db;
    expect(() => new Leases({ db, nodeId: 'x', ttlMs: 0, now: () => clock.t })).toThrow(/ttl/);
    expect(() => new Leases({ db, nodeId: '', ttlMs: 1000, now: () => clock.t })).toThrow(/node id/);
    const sole = soleOwnership();
    expect(sole.clustered).toBe(false);
    expect(await sole.hold('anything')).toBe(true);
    await sole.releaseAll();
    expect(await sole.hold('anything')).toBe(true);
  });
});
