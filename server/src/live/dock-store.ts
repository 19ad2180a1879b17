/**
 * The latest known status of each registered dock, in memory, keyed by dock id (the `docks`
 * row). The bridge channel writes it as `dock_state` items arrive and marks a dock offline
 * when its bridge loses it or disconnects; HTTP (`GET /api/docks/:id/status`), the console's
 * `dock.status` events and the sortie orchestrator read it. Nothing is persisted: after a
 * restart every dock is offline until its bridge reports again.
 */
import type { DockStatusPayload } from '@aerie/gcs-bridge';

/** One dock's live entry. */
export interface LiveDock {
  dockId: string;
  /** Its bridge hears it now. */
  online: boolean;
  /** The last status its bridge reported; null when none since the server started. */
  status: DockStatusPayload | null;
  /** When the server received that status (epoch ms), null if never. */
  updatedAtMs: number | null;
}

export type DockChangeListener = (dock: LiveDock) => void;

/** What the orchestrator (and anything else that follows docks) reads. */
export interface DockStatusSource {
  /** The dock's entry; offline with a null status when it never reported since start. */
  getDock(dockId: string): LiveDock;
  /** Calls `listener` on every change of any dock; returns the function that unsubscribes. */
  onDockChange(listener: DockChangeListener): () => void;
}

export class LiveDockStore implements DockStatusSource {
  private readonly entries = new Map<string, LiveDock>();
  private readonly listeners = new Set<DockChangeListener>();

  constructor(private readonly now: () => number = Date.now) {}

  /** Records a fresh status for `dockId` and marks it online. */
  update(dockId: string, status: DockStatusPayload): void {
    this.set({ dockId, online: true, status, updatedAtMs: this.now() });
  }

  /** Marks `dockId` offline, keeping its last status for display. */
  setOffline(dockId: string): void {
    const prev = this.entries.get(dockId);
    if (!prev?.online) return;
    this.set({ ...prev, online: false });
  }

  /** Takes an entry another server node reported, unless this store holds a newer one (see LiveStateStore.apply). */
  apply(entry: LiveDock): boolean {
    const prev = this.entries.get(entry.dockId);
    if ((prev?.updatedAtMs ?? Number.NEGATIVE_INFINITY) > (entry.updatedAtMs ?? Number.NEGATIVE_INFINITY))
      return false;
    if (prev && prev.online === entry.online && prev.updatedAtMs === entry.updatedAtMs) return false;
    this.set(entry);
    return true;
  }

  /** Forgets a dock (deleted by an administrator). */
  remove(dockId: string): void {
    this.entries.delete(dockId);
  }

  getDock(dockId: string): LiveDock {
    return this.entries.get(dockId) ?? { dockId, online: false, status: null, updatedAtMs: null };
  }

  /** Every dock that reported since start. */
  all(): LiveDock[] {
    return [...this.entries.values()];
  }

  onDockChange(listener: DockChangeListener): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  private set(entry: LiveDock): void {
    this.entries.set(entry.dockId, entry);
    for (const l of this.listeners) {
      try {
        l(entry);
      } catch {
        // A listener's bug must not stop the others (or the channel that called update).
      }
    }
  }
}
