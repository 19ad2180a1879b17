/**
 * The server's book of frames it put on the queue and has had no answer for, pure.
 *
 * Per vehicle the queue holds at most one active job and one waiting one, and answers come in
 * the order the frames were taken (a vehicle's next job is created only when its active one
 * finishes). So when a frame is answered, every older frame of the same vehicle still in the
 * book will never be answered: it was replaced by a newer frame while it waited. Those are
 * returned as dropped, and the book never holds more than a few frames per vehicle.
 */

export interface OutstandingEntry {
  vehicleId: string;
  /** Order of submission (increasing). */
  seq: number;
  sentAtMs: number;
}

export class Outstanding<E extends OutstandingEntry> {
  private readonly byJob = new Map<string, E>();

  get size(): number {
    return this.byJob.size;
  }

  add(jobId: string, entry: E): void {
    if (this.byJob.has(jobId)) throw new Error(`job ${jobId} is already outstanding`);
    this.byJob.set(jobId, entry);
  }

  /**
   * An answer came for `jobId`: returns its entry (undefined when unknown or already answered,
   * so an answer is handled at most once) and removes the vehicle's older frames as dropped.
   */
  answer(jobId: string): { entry: E | undefined; dropped: E[] } {
    const entry = this.byJob.get(jobId);
    if (!entry) return { entry: undefined, dropped: [] };
    this.byJob.delete(jobId);
    const dropped: E[] = [];
    for (const [id, e] of this.byJob) {
      if (e.vehicleId === entry.vehicleId && e.seq < entry.seq) {
        this.byJob.delete(id);
        dropped.push(e);
      }
    }
    return { entry, dropped };
  }

  /** Removes one frame (its job was replaced on the queue); undefined when not outstanding. */
  remove(jobId: string): E | undefined {
    const entry = this.byJob.get(jobId);
    this.byJob.delete(jobId);
    return entry;
  }

  /** Removes and returns frames sent at or before `beforeMs` (no answer came in time). */
  expire(beforeMs: number): E[] {
    const out: E[] = [];
    for (const [id, e] of this.byJob) {
      if (e.sentAtMs <= beforeMs) {
        this.byJob.delete(id);
        out.push(e);
      }
    }
    return out;
  }

  /** Removes and returns every frame (on close). */
  drain(): E[] {
    const out = [...this.byJob.values()];
    this.byJob.clear();
    return out;
  }
}
