/**
 * The records `aerie up` needs before it starts anything: a site for the simulated fleet, a
 * bridge with its token, and one dock and one bound vehicle per simulated aircraft. Written
 * straight into the data directory's database (migrating it) rather than through the HTTP
 * API, because the API needs the administrator's password, which after the first start only
 * the user knows. Every step is find-or-create, so later starts reuse what is there.
 */

import { randomUUID } from 'node:crypto';
import { chmodSync, existsSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { DEFAULT_HOME, DOCK_COMPID, dockSysidFor, fleetPosition, type GeoPoint } from '@aerie/hardware';
import { hashToken, newToken, openDatabase, schema } from '@aerie/server';
import { and, eq } from 'drizzle-orm';

/** Name of the token file inside the data directory. */
export const LOCAL_BRIDGE_TOKEN_FILE = 'local-bridge.token';
const SITE_NAME = 'Guicheng (simulated)';
const BRIDGE_NAME = 'local-sim';

export interface LocalSiteOptions {
  dataDir: string;
  vehicles: number;
  home?: GeoPoint;
  /** Metres between simulated vehicles (as `aerie sim --spacing`). */
  spacingM?: number;
  now?: number;
  /** PostgreSQL instead of the SQLite file in `dataDir` (as the server's AERIE_DATABASE_URL). */
  databaseUrl?: string | undefined;
}

export interface LocalSite {
  bridgeId: string;
  /** Where the bridge's token is (mode 0600). */
  tokenFile: string;
  vehicleIds: string[];
}

/** Finds or creates the simulated site, its bridge token file, docks and bound vehicles. */
export async function ensureLocalSite(opts: LocalSiteOptions): Promise<LocalSite> {
  const home = opts.home ?? DEFAULT_HOME;
  const spacingM = opts.spacingM ?? 300;
  const now = new Date(opts.now ?? Date.now());
  const database = await openDatabase({ dataDir: opts.dataDir, url: opts.databaseUrl });
  const { db } = database;
  const { sites, bridges, docks, vehicles } = schema;
  try {
    let [site] = await db.select().from(sites).where(eq(sites.name, SITE_NAME));
    if (!site) {
      [site] = await db
        .insert(sites)
        .values({
          id: randomUUID(),
          name: SITE_NAME,
          description: 'Simulated docks and aircraft started by `aerie up`',
          latDeg: home.lat,
          lonDeg: home.lon,
          createdAt: now,
        })
        .returning();
    }
    const siteId = site!.id;

    const tokenFile = path.join(opts.dataDir, LOCAL_BRIDGE_TOKEN_FILE);
    const stored = existsSync(tokenFile) ? readFileSync(tokenFile, 'utf8').trim() : '';
    let [bridge] = await db.select().from(bridges).where(eq(bridges.name, BRIDGE_NAME));
    if (!bridge || !stored || bridge.tokenHash !== hashToken(stored)) {
      // A lost or mismatched token file gets a fresh token; the old one stops working.
      const token = newToken('brg');
      if (bridge) {
        await db
          .update(bridges)
          .set({ tokenHash: hashToken(token) })
          .where(eq(bridges.id, bridge.id));
      } else {
        [bridge] = await db
          .insert(bridges)
          .values({
            id: randomUUID(),
            name: BRIDGE_NAME,
            siteId,
            tokenHash: hashToken(token),
            createdAt: now,
          })
          .returning();
      }
      writeFileSync(tokenFile, `${token}\n`, { mode: 0o600 });
    }
    chmodSync(tokenFile, 0o600);
    const bridgeId = bridge!.id;

    const vehicleIds: string[] = [];
    for (let i = 0; i < opts.vehicles; i++) {
      const n = i + 1;
      const at = fleetPosition(home, opts.vehicles, i, spacingM);
      const dockSerial = `SIM-DOCK-${String(n).padStart(3, '0')}`;
      // The simulated dock of aircraft n speaks as system dockSysidFor(n) (n + 100 in fleets of
      // up to 100, else n itself), component 25, on its link: every aircraft has its dock.
      const dockAddress = { bridgeId, sysid: dockSysidFor(n, opts.vehicles), compid: DOCK_COMPID };
      let [dock] = await db
        .select({ id: docks.id, bridgeId: docks.bridgeId, sysid: docks.sysid, compid: docks.compid })
        .from(docks)
        .where(eq(docks.serial, dockSerial));
      if (
        dock &&
        (dock.bridgeId !== dockAddress.bridgeId ||
          dock.sysid !== dockAddress.sysid ||
          dock.compid !== dockAddress.compid)
      ) {
        await db.update(docks).set(dockAddress).where(eq(docks.id, dock.id));
      }
      if (!dock) {
        [dock] = await db
          .insert(docks)
          .values({
            id: randomUUID(),
            name: `Guicheng dock ${n}`,
            serial: dockSerial,
            model: 'Aerie simulated dock',
            siteId,
            latDeg: at.lat,
            lonDeg: at.lon,
            altAmslM: at.altM ?? DEFAULT_HOME.altM,
            ...dockAddress,
            createdAt: now,
          })
          .returning({ id: docks.id, bridgeId: docks.bridgeId, sysid: docks.sysid, compid: docks.compid });
      }
      // The bridge channel may have registered the aircraft already (it does so for any
      // system id it hears); then keep that record and only dock it.
      const [bound] = await db
        .select({ id: vehicles.id, dockId: vehicles.dockId })
        .from(vehicles)
        .where(and(eq(vehicles.bridgeId, bridgeId), eq(vehicles.sysid, n)));
      if (bound) {
        if (!bound.dockId)
          await db.update(vehicles).set({ dockId: dock!.id }).where(eq(vehicles.id, bound.id));
        vehicleIds.push(bound.id);
        continue;
      }
      const serial = `SIM-UAV-${String(n).padStart(3, '0')}`;
      const [bySerial] = await db
        .select({ id: vehicles.id })
        .from(vehicles)
        .where(eq(vehicles.serial, serial));
      if (bySerial) {
        await db
          .update(vehicles)
          .set({ bridgeId, sysid: n, dockId: dock!.id })
          .where(eq(vehicles.id, bySerial.id));
        vehicleIds.push(bySerial.id);
        continue;
      }
      const id = randomUUID();
      await db.insert(vehicles).values({
        id,
        name: `UAV-${String(n).padStart(2, '0')}`,
        serial,
        model: 'Aerie simulated quadrotor (PX4)',
        dockId: dock!.id,
        bridgeId,
        sysid: n,
        createdAt: now,
      });
      vehicleIds.push(id);
    }
    return { bridgeId, tokenFile, vehicleIds };
  } finally {
    await database.close();
  }
}
