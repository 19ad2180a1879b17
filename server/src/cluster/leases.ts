/**
 * Leases: which server node does the work only one node may do at a time (issue 17). A lease is
 * a row (name, holder, expires_at). A node takes or renews it with one conditional upsert:
 *
 *   INSERT (name, me, now + ttl) ON CONFLICT (name) DO UPDATE SET holder = me, expires_at = now + ttl
 *     WHERE leases.holder = me OR leases.expires_at <= now
 *   RETURNING holder
 *
 * A row comes back only when this node holds the lease afterwards. The statement is atomic on
 * SQLite (one writer at a time, shared by every process on the file) and on PostgreSQL (the
 * conflicting row is locked), so two nodes racing for a free or expired lease cannot both win.
 * A holder that stops renewing (killed, hung) loses it `ttl` after its last renewal.
 *
 * `hold(name)` renews at most every third of the ttl, so a loop may call it on every tick
 * without a write each time; it trusts its own last renewal only for that third, long before the
 * row could expire under it.
 */
import { and, eq, lte, or, sql } from 'drizzle-orm';
import type { Db } from '../db/client.ts';
import { leases } from '../db/schema.ts';

/** Who does single-node work: leases in a cluster, always this process when alone. */
export interface Ownership {
  /** This node's id (the lease holder name). */
  readonly nodeId: string;
  /** False for the embedded single-process default: every `hold` is true, nothing is written. */
  readonly clustered: boolean;
  /** Takes or renews `name`; true while this node holds it. */
  hold(name: string): Promise<boolean>;
  /** Gives `name` up now (when held), so another node need not wait for it to expire. */
  release(name: string): Promise<void>;
  /**
   * Gives up every lease this node holds, for good (a graceful stop): later `hold` calls answer
   * false without writing, and a renewal under way when it is called is waited for first, so it
   * cannot take a lease back after the release.
   */
  releaseAll(): Promise<void>;
}

/** The single-process default: this process owns everything. */
export function soleOwnership(nodeId = 'embedded'): Ownership {
  return {
    nodeId,
    clustered: false,
    hold: async () => true,
    release: async () => {},
    releaseAll: async () => {},
  };
}

export interface LeasesOptions {
  db: Db;
  /** This node's id, unique among the nodes sharing the database. */
  nodeId: string;
  /** Lease lifetime after each renewal (ms). */
  ttlMs: number;
  now: () => number;
}

/** A lease row as stored. */
export interface LeaseRow {
  name: string;
  holder: string;
  expiresAtMs: number;
}

export class Leases implements Ownership {
  readonly clustered = true;
  readonly nodeId: string;
  /** name -> when this node last renewed it. */
  private readonly renewedAt = new Map<string, number>();
  /** Writes under way (`acquire`), waited for by `releaseAll`. */
  private readonly writing = new Set<Promise<boolean>>();
  /** Set by `releaseAll`: this node holds nothing any more. */
  private closed = false;

  constructor(private readonly o: LeasesOptions) {
    if (!(o.ttlMs > 0)) throw new Error(`lease ttl must be positive, got ${o.ttlMs}`);
    if (!o.nodeId) throw new Error('a lease holder needs a node id');
    this.nodeId = o.nodeId;
  }

  async hold(name: string): Promise<boolean> {
    if (this.closed) return false;
    const now = this.o.now();
    const last = this.renewedAt.get(name);
    if (last !== undefined && now - last < this.o.ttlMs / 3) return true;
    const held = await this.acquire(name);
    if (held) this.renewedAt.set(name, now);
    else this.renewedAt.delete(name);
    return held;
  }

  /** Takes or renews `name` now (always writes); true when this node holds it afterwards. */
  async acquire(name: string): Promise<boolean> {
    if (this.closed) return false;
    const write = this.upsert(name);
    this.writing.add(write);
    try {
      return await write;
    } finally {
      this.writing.delete(write);
    }
  }

  private async upsert(name: string): Promise<boolean> {
    const now = this.o.now();
    const holder = this.o.nodeId;
    const expiresAt = new Date(now + this.o.ttlMs);
    const rows = await this.o.db
      .insert(leases)
      .values({ name, holder, expiresAt, acquiredAt: new Date(now) })
      .onConflictDoUpdate({
        target: leases.name,
        set: {
          holder,
          expiresAt,
          acquiredAt: sql`case when ${leases.holder} = ${holder} then ${leases.acquiredAt} else ${now} end`,
        },
        setWhere: or(eq(leases.holder, holder), lte(leases.expiresAt, new Date(now))),
      })
      .returning({ holder: leases.holder });
    return rows.length === 1 && rows[0]!.holder === holder;
  }

  async release(name: string): Promise<void> {
    this.renewedAt.delete(name);
    await this.o.db.delete(leases).where(and(eq(leases.name, name), eq(leases.holder, this.o.nodeId)));
  }

  async releaseAll(): Promise<void> {
    this.closed = true;
    this.renewedAt.clear();
    await Promise.allSettled([...this.writing]);
    await this.o.db.delete(leases).where(eq(leases.holder, this.o.nodeId));
  }

  /** The stored lease `name`, or null (status pages, tests). */
  async get(name: string): Promise<LeaseRow | null> {
    const [row] = await this.o.db.select().from(leases).where(eq(leases.name, name));
    return row ? { name: row.name, holder: row.holder, expiresAtMs: row.expiresAt.getTime() } : null;
  }
}
