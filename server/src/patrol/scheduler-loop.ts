/**
 * The scheduler loop: a timer that calls the planning library's pure `tick` with the enabled
 * schedules and the clock, persists the bookkeeping of each occurrence handled *before*
 * launching it (so a crash in between can skip a run but never fly it twice), and hands the
 * runs to the orchestrator, highest priority first. Missed occurrences and runs that could not
 * launch are written on the schedule (`lastOutcome`, `lastOutcomeMessage`) for the dispatcher.
 *
 * With several server nodes only the holder of the 'scheduler' lease ticks (`lease`); a node
 * that does not hold it forgets its bookkeeping, so when it takes the lease over it starts from
 * what the previous holder stored (`lastDueAt`) rather than from what it knew before.
 */
import { newSchedulerState, type SchedulerState, tick } from '@aerie/missions';
import { eq, inArray } from 'drizzle-orm';
import type { Db } from '../db/client.ts';
import { patrolRoutes, patrolSchedules } from '../db/schema.ts';
import type { Orchestrator } from './orchestrator.ts';
import { dockIdsOf, routeOf, scheduleOf } from './store.ts';

export interface SchedulerLoopOptions {
  db: Db;
  now: () => number;
  orchestrator: Pick<Orchestrator, 'launch'>;
  /** True while this node may tick (the 'scheduler' lease in a cluster; always when omitted). */
  lease?: () => Promise<boolean>;
  /** How often to tick (default 5000 ms). */
  intervalMs?: number;
  log?: {
    info(o: object, m: string): void;
    warn(o: object, m: string): void;
    error(o: object, m: string): void;
  };
}

export class SchedulerLoop {
  private state: SchedulerState | null = null;
  private timer: NodeJS.Timeout | null = null;
  private running: Promise<void> | null = null;

  constructor(private readonly o: SchedulerLoopOptions) {}

  start(): void {
    if (this.timer) return;
    this.timer = setInterval(() => void this.tickOnce(), this.o.intervalMs ?? 5000);
  }

  async stop(): Promise<void> {
    if (this.timer) clearInterval(this.timer);
    this.timer = null;
    await this.running;
  }

  /** Runs one tick now (the timer's, or a test's); ticks never overlap. */
  tickOnce(): Promise<void> {
    if (this.running) return this.running;
    this.running = this.run().finally(() => {
      this.running = null;
    });
    return this.running;
  }

  private async run(): Promise<void> {
    const { db } = this.o;
    try {
      if (this.o.lease && !(await this.o.lease())) {
        this.state = null;
        return;
      }
      const rows = await db.select().from(patrolSchedules).where(eq(patrolSchedules.enabled, true));
      if (!this.state)
        this.state = newSchedulerState(rows.map((r) => [r.id, r.lastDueAt?.getTime() ?? null] as const));
      const now = this.o.now();
      const result = tick(rows.map(scheduleOf), this.state, now);
      for (const a of result.advanced) {
        await db
          .update(patrolSchedules)
          .set({ lastDueAt: new Date(a.lastDueMs) })
          .where(eq(patrolSchedules.id, a.scheduleId));
      }
      for (const m of result.missed) {
        await db
          .update(patrolSchedules)
          .set({
            lastOutcome: 'WindowMissed',
            lastOutcomeMessage: `the run due ${new Date(m.dueMs).toISOString()} was missed: its window closed before the scheduler saw it`,
          })
          .where(eq(patrolSchedules.id, m.scheduleId));
      }
      for (const inv of result.invalid) {
        this.o.log?.warn({ scheduleId: inv.scheduleId, error: inv.error }, 'schedule cannot be expanded');
      }
      if (result.runs.length === 0) return;
      const byId = new Map(rows.map((r) => [r.id, r]));
      const routeIds = [...new Set(result.runs.map((r) => byId.get(r.scheduleId)!.routeId))];
      const routes = new Map(
        (await db.select().from(patrolRoutes).where(inArray(patrolRoutes.id, routeIds))).map((r) => [
          r.id,
          r,
        ]),
      );
      for (const run of result.runs) {
        const s = byId.get(run.scheduleId)!;
        const routeRow = routes.get(s.routeId);
        if (!routeRow) continue;
        const launched = await this.o.orchestrator.launch({
          route: routeOf(routeRow),
          routeId: routeRow.id,
          scheduleId: s.id,
          sortieClass: 'scheduled',
          priority: s.priority,
          dueMs: run.dueMs,
          windowEndMs: run.windowEndMs,
          dockIds: dockIdsOf(s),
          departmentId: s.departmentId ?? routeRow.departmentId,
        });
        await db
          .update(patrolSchedules)
          .set(
            launched.ok
              ? {
                  lastOutcome: 'started',
                  lastOutcomeMessage: launched.decision,
                  lastSortieId: launched.sortieId,
                }
              : {
                  lastOutcome: launched.failure.code,
                  lastOutcomeMessage: launched.failure.message,
                  lastSortieId: launched.sortieId,
                },
          )
          .where(eq(patrolSchedules.id, s.id));
        this.o.log?.info(
          {
            scheduleId: s.id,
            ...(launched.ok ? { sortieId: launched.sortieId } : { failure: launched.failure }),
          },
          'scheduled run',
        );
      }
    } catch (err) {
      this.o.log?.error({ err: String(err) }, 'scheduler tick failed');
    }
  }
}
