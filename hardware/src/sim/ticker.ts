/**
 * One scheduler for every simulated vehicle in the process. Hundreds of vehicles each owning
 * a dozen setInterval timers would cost more in timer bookkeeping than in simulation, so a
 * single interval drives them all and each vehicle keeps its own simulated clock (real time
 * times its speedup) and its own list of simulated-time timers.
 */

/** Anything the shared ticker drives. */
export interface Tickable {
  /** Called every tick with the real time (performance.now(), ms). */
  tick(realNowMs: number): void;
}

/** Real milliseconds between ticks: bounds the highest observable message rate at ~100 Hz. */
export const TICK_MS = 10;

const members = new Set<Tickable>();
let interval: NodeJS.Timeout | undefined;

function runTick(): void {
  const now = performance.now();
  for (const member of members) {
    try {
      member.tick(now);
    } catch (err) {
      // A bug in one vehicle must not stop the others; surface it without killing the loop.
      process.emitWarning(`simulated vehicle tick failed: ${err instanceof Error ? err.stack : String(err)}`);
    }
  }
}

/** Adds a member to the shared tick; the interval starts with the first member. */
export function joinTicker(member: Tickable): void {
  members.add(member);
  if (interval === undefined) {
    interval = setInterval(runTick, TICK_MS);
    // Sockets keep a simulator process alive; the ticker alone must not.
    interval.unref();
  }
}

/** Removes a member; the interval stops with the last one. */
export function leaveTicker(member: Tickable): void {
  members.delete(member);
  if (members.size === 0 && interval !== undefined) {
    clearInterval(interval);
    interval = undefined;
  }
}

/** Timers in a vehicle's simulated time, run from its tick. */
export class SimTimers {
  private entries: { id: number; at: number; fn: () => void }[] = [];
  private nextId = 1;

  /** Runs `fn` once the simulated clock reaches `nowMs + delayMs`; returns a handle for cancel. */
  after(nowMs: number, delayMs: number, fn: () => void): number {
    const id = this.nextId++;
    this.entries.push({ id, at: nowMs + delayMs, fn });
    return id;
  }

  cancel(id: number | undefined): void {
    if (id === undefined) return;
    this.entries = this.entries.filter((e) => e.id !== id);
  }

  clear(): void {
    this.entries = [];
  }

  /** Fires every timer that is due, in due order (timers added while firing wait a tick). */
  run(nowMs: number): void {
    if (this.entries.length === 0) return;
    const due = this.entries.filter((e) => e.at <= nowMs);
    if (due.length === 0) return;
    this.entries = this.entries.filter((e) => e.at > nowMs);
    due.sort((a, b) => a.at - b.at);
    for (const e of due) e.fn();
  }
}
