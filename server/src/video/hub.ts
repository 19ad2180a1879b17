/**
 * One stream, many viewers: the fan-out of a single ingest (one camera, one encoder) to every
 * viewer of a vehicle's video. No viewer ever gets an encoder of its own.
 *
 * Slow viewers drop frames, they never lag: each viewer has at most `maxInFlight` units handed
 * to its transport and not yet written (default one: a unit is "written" once the viewer
 * acknowledged it, so a second one in flight would only wait in the socket or the page's
 * message queue and arrive a frame period late), plus ONE waiting slot. A new unit replaces whatever
 * waits in the slot (drop-oldest), so a viewer that falls behind sees the newest frame next,
 * never a queue of stale ones.
 *
 * For inter-coded streams (fMP4/H.264) a viewer that lost a unit waits for the next key unit;
 * for JPEG every unit is a key unit. A transport that writes at once and queues below the hub
 * (WebRTC: RTP over UDP has no back-pressure) says when its queue grows (`lagging`): the viewer
 * then skips to the next key unit instead of adding the newest delta to a queue that lags. A new viewer starts at once with the cached init segment
 * and the last key unit (and what followed it), so the first frame arrives within one frame
 * period instead of a keyframe interval.
 *
 *   viewer:  Idle --unit--> Sending(n<max) --unit--> Full --unit--> Full(slot replaced)
 *                 <--written--              <--written (slot sent)--
 */

/** One encoded unit: a JPEG image or an fMP4 fragment. */
export interface StreamUnit {
  bytes: Uint8Array;
  /** A unit a decoder can start from. */
  key: boolean;
  /** Capture time of the frame, epoch ms (carried to the viewer for latency and overlays). */
  capturedAtMs: number;
  /** Sequence number given by the hub. */
  seq?: number;
}

/** Where a viewer's units go: a thin adapter over a WebSocket (or a test double). */
export interface ViewerSink {
  /** Hands a unit to the transport; `written` is called once it left (or failed). */
  send(unit: StreamUnit, written: () => void): void;
  /**
   * True while the transport holds more than it should (its send queue grew): the viewer skips
   * the inter-coded units up to the next key unit, which it gets once the queue drained.
   */
  lagging?(): boolean;
}

export interface StreamHubOptions {
  /** Units per viewer handed to the transport and not yet written; default 1. */
  maxInFlight?: number;
  /** Called with true when the first viewer joins and false when the last leaves. */
  onDemand?: (watching: boolean) => void;
}

/** Per-viewer counters, for tests and the status endpoint. */
export interface ViewerStats {
  sent: number;
  dropped: number;
}

interface Viewer {
  sink: ViewerSink;
  inFlight: number;
  slot: StreamUnit | null;
  /** Lost a unit of an inter-coded stream: skip until the next key unit. */
  needKey: boolean;
  stats: ViewerStats;
}

export class StreamHub {
  private readonly viewers = new Set<Viewer>();
  private readonly maxInFlight: number;
  private readonly onDemand: (watching: boolean) => void;
  private init: Uint8Array | null = null;
  /** The last key unit and every unit after it (for JPEG: just the last image). */
  private gop: StreamUnit[] = [];
  private seq = 0;
  private lastUnitAtMs: number | null = null;

  constructor(opts: StreamHubOptions = {}) {
    this.maxInFlight = opts.maxInFlight ?? 1;
    this.onDemand = opts.onDemand ?? (() => {});
  }

  get viewerCount(): number {
    return this.viewers.size;
  }

  /** Capture time of the newest unit, or null before the first one. */
  get lastCapturedAtMs(): number | null {
    return this.lastUnitAtMs;
  }

  /** The current init segment (fMP4 streams), or null (Motion-JPEG, or none yet). */
  get initSegment(): Uint8Array | null {
    return this.init;
  }

  /** The unit a snapshot or a new viewer would start from (the newest key unit). */
  get lastKeyUnit(): StreamUnit | null {
    return this.gop[0] ?? null;
  }

  /**
   * A new init segment (fMP4), e.g. after the encoder restarted: every viewer gets it now and
   * then waits for the next key unit; later viewers get it first. Forgets the old GOP.
   */
  setInit(bytes: Uint8Array): void {
    this.init = bytes;
    this.gop = [];
    for (const v of this.viewers) {
      v.slot = null;
      v.needKey = true;
      this.write(v, { bytes, key: true, capturedAtMs: 0, seq: -1 });
    }
  }

  /** The ingest lost its source: new viewers must not start from a stale frame. */
  reset(): void {
    this.init = null;
    this.gop = [];
    this.lastUnitAtMs = null;
  }

  push(input: StreamUnit): void {
    const unit: StreamUnit = { ...input, seq: this.seq++ };
    this.lastUnitAtMs = unit.capturedAtMs;
    if (unit.key) this.gop = [unit];
    else if (this.gop.length > 0) this.gop.push(unit);
    for (const v of this.viewers) this.offer(v, unit);
  }

  /** Adds a viewer; it gets the init segment and the cached GOP at once. Returns its removal. */
  addViewer(sink: ViewerSink): { remove: () => void; stats: ViewerStats } {
    const v: Viewer = { sink, inFlight: 0, slot: null, needKey: false, stats: { sent: 0, dropped: 0 } };
    this.viewers.add(v);
    if (this.viewers.size === 1) this.onDemand(true);
    if (this.init) this.write(v, { bytes: this.init, key: true, capturedAtMs: 0, seq: -1 });
    for (const u of this.gop) this.write(v, u);
    let removed = false;
    return {
      stats: v.stats,
      remove: () => {
        if (removed) return;
        removed = true;
        this.viewers.delete(v);
        if (this.viewers.size === 0) this.onDemand(false);
      },
    };
  }

  private offer(v: Viewer, unit: StreamUnit): void {
    if (!unit.key && v.sink.lagging?.()) {
      v.needKey = true;
      v.slot = null;
    }
    if (v.needKey) {
      if (!unit.key) {
        v.stats.dropped++;
        return;
      }
      v.needKey = false;
    }
    if (v.inFlight < this.maxInFlight) {
      this.write(v, unit);
      return;
    }
    if (v.slot) {
      v.stats.dropped++;
      // An inter-coded unit cannot be skipped: drop the whole run until the next key unit.
      if (!unit.key) {
        v.slot = null;
        v.needKey = true;
        v.stats.dropped++;
        return;
      }
    }
    v.slot = unit;
  }

  private write(v: Viewer, unit: StreamUnit): void {
    v.inFlight++;
    v.stats.sent++;
    let done = false;
    v.sink.send(unit, () => {
      if (done) return;
      done = true;
      v.inFlight--;
      this.drain(v);
    });
  }

  private drain(v: Viewer): void {
    if (v.slot && v.inFlight < this.maxInFlight && this.viewers.has(v)) {
      const next = v.slot;
      v.slot = null;
      this.write(v, next);
    }
  }
}
