/** `aerie up`'s local site binds each simulated dock to the bridge as the simulator speaks it. */
import { mkdtemp, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { DOCK_COMPID } from '@aerie/hardware';
import { openDatabase, schema } from '@aerie/server';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { ensureLocalSite } from '../../bin/local-site.ts';

let dir: string;
beforeEach(async () => {
  dir = await mkdtemp(path.join(os.tmpdir(), 'aerie-dock-site-'));
});
afterEach(async () => {
  await rm(dir, { recursive: true, force: true });
});

async function docks() {
  const database = await openDatabase({ dataDir: dir });
  try {
    return (await database.db.select().from(schema.docks)).sort((a, b) => a.serial.localeCompare(b.serial));
  } finally {
    await database.close();
  }
}

describe('ensureLocalSite: docks', () => {
  it('binds dock n to the local bridge as system n + 100, component 25, and re-binds an unbound one', async () => {
    const site = await ensureLocalSite({ dataDir: dir, vehicles: 3 });
    const rows = await docks();
    expect(rows.map((d) => [d.serial, d.bridgeId, d.sysid, d.compid])).toEqual([
      ['SIM-DOCK-001', site.bridgeId, 101, DOCK_COMPID],
      ['SIM-DOCK-002', site.bridgeId, 102, DOCK_COMPID],
      ['SIM-DOCK-003', site.bridgeId, 103, DOCK_COMPID],
    ]);

    // A data folder from before docks were bound (or an administrator's unbind) is bound again.
    const database = await openDatabase({ dataDir: dir });
    try {
      await database.db.update(schema.docks).set({ bridgeId: null, sysid: null, compid: null });
    } finally {
      await database.close();
    }
    await ensureLocalSite({ dataDir: dir, vehicles: 3 });
    expect((await docks()).map((d) => d.sysid)).toEqual([101, 102, 103]);
  });
});
