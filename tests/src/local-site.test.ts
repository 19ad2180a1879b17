/** The records `aerie up` writes before it starts: created once, reused on later starts. */
import { readFileSync, statSync, writeFileSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { findBridgeByToken, openDatabase, schema } from '@aerie/server';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { ensureLocalSite, LOCAL_BRIDGE_TOKEN_FILE } from '../../bin/local-site.ts';

let dir: string;
beforeEach(async () => {
  dir = await mkdtemp(path.join(os.tmpdir(), 'aerie-local-site-'));
});
afterEach(async () => {
  await rm(dir, { recursive: true, force: true });
});

async function rows() {
  const database = await openDatabase({ dataDir: dir });
  try {
    const { db } = database;
    return {
      sites: await db.select().from(schema.sites),
      bridges: await db.select().from(schema.bridges),
      docks: await db.select().from(schema.docks),
      vehicles: await db.select().from(schema.vehicles),
    };
  } finally {
    await database.close();
  }
}

describe('ensureLocalSite', () => {
  it('creates a site, a bridge with a private token file, and a docked, bound vehicle per aircraft', async () => {
    const site = await ensureLocalSite({ dataDir: dir, vehicles: 8 });
    const tokenFile = path.join(dir, LOCAL_BRIDGE_TOKEN_FILE);
    expect(site.tokenFile).toBe(tokenFile);
    expect(statSync(tokenFile).mode & 0o777).toBe(0o600);
    const r = await rows();
    expect(r.sites).toHaveLength(1);
    expect(r.sites[0]).toMatchObject({ latDeg: 23.03, lonDeg: 113.14 });
    expect(r.docks).toHaveLength(8);
    expect(r.vehicles.map((v) => v.sysid).sort((a, b) => a! - b!)).toEqual([1, 2, 3, 4, 5, 6, 7, 8]);
    for (const v of r.vehicles) {
      expect(v.bridgeId).toBe(site.bridgeId);
      expect(r.docks.some((d) => d.id === v.dockId)).toBe(true);
    }
    const database = await openDatabase({ dataDir: dir });
    try {
      const token = readFileSync(tokenFile, 'utf8').trim();
      expect(await findBridgeByToken(database.db, token)).toMatchObject({ id: site.bridgeId });
    } finally {
      await database.close();
    }
  });

  it('reuses everything on a later start, and replaces a lost or foreign token', async () => {
    const first = await ensureLocalSite({ dataDir: dir, vehicles: 8 });
    const token = readFileSync(first.tokenFile, 'utf8');
    const again = await ensureLocalSite({ dataDir: dir, vehicles: 8 });
    expect(again).toEqual(first);
    expect(readFileSync(first.tokenFile, 'utf8')).toBe(token);
    const r = await rows();
    expect([r.sites.length, r.bridges.length, r.docks.length, r.vehicles.length]).toEqual([1, 1, 8, 8]);

    writeFileSync(first.tokenFile, 'brg_not-the-token\n');
    await ensureLocalSite({ dataDir: dir, vehicles: 8 });
    const replaced = readFileSync(first.tokenFile, 'utf8');
    expect(replaced).not.toBe(token);
    const database = await openDatabase({ dataDir: dir });
    try {
      expect(await findBridgeByToken(database.db, replaced.trim())).toMatchObject({ id: first.bridgeId });
      expect(await findBridgeByToken(database.db, token.trim())).toBeNull();
    } finally {
      await database.close();
    }
  });
});
