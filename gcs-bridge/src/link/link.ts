import type { LinkSpec } from './uri.ts';

/** Connection state of a link as a user would describe it. */
export interface LinkStatus {
  state: 'connected' | 'disconnected' | 'error';
  /** Why (e.g. "listening on 127.0.0.1:14550", "ECONNREFUSED, retry in 1000 ms", "device removed"). */
  reason: string;
  /** ms since epoch. */
  at: number;
}

/** Receives bytes; `source` distinguishes the streams of a multi-client link. */
export type DataHandler = (bytes: Buffer, source?: number) => void;

/**
 * A byte pipe to an aircraft, dock or another ground station (QGroundControl's
 * LinkInterface idea): it writes and emits bytes and reports its state; it knows nothing of
 * MAVLink.
 */
export interface Link {
  readonly id: string;
  readonly uri: string;
  readonly spec: LinkSpec;
  /** Starts the link. Rejects only when it can never work (port in use, file missing). */
  open(): Promise<void>;
  /** Stops the link and releases sockets and timers; idempotent. */
  close(): Promise<void>;
  /** Sends bytes; dropped and counted when there is nowhere to send them yet. */
  write(bytes: Uint8Array): void;
  /**
   * Received bytes. `source` is set when one link carries several independent byte streams
   * (tcpin clients): a partial frame from one client must not be glued to another's bytes.
   */
  onData(handler: DataHandler): () => void;
  onStatus(handler: (status: LinkStatus) => void): () => void;
  status(): LinkStatus;
  /** Writes dropped because no peer, no connection or a read-only link. */
  droppedWrites(): number;
  /** Bound local port for udp and tcpin links (after open), undefined otherwise. */
  localPort(): number | undefined;
}

/** Shared handler plumbing for the concrete links. */
export abstract class BaseLink implements Link {
  readonly id: string;
  readonly uri: string;
  protected dropped = 0;
  protected closed = false;
  private readonly dataHandlers: DataHandler[] = [];
  private readonly statusHandlers: ((status: LinkStatus) => void)[] = [];
  private current: LinkStatus = { state: 'disconnected', reason: 'not opened', at: Date.now() };

  constructor(
    readonly spec: LinkSpec,
    uri: string,
    id?: string,
  ) {
    this.uri = uri;
    this.id = id ?? uri;
  }

  abstract open(): Promise<void>;
  abstract close(): Promise<void>;
  abstract write(bytes: Uint8Array): void;

  onData(handler: DataHandler): () => void {
    this.dataHandlers.push(handler);
    return () => {
      const i = this.dataHandlers.indexOf(handler);
      if (i >= 0) this.dataHandlers.splice(i, 1);
    };
  }

  onStatus(handler: (status: LinkStatus) => void): () => void {
    this.statusHandlers.push(handler);
    return () => {
      const i = this.statusHandlers.indexOf(handler);
      if (i >= 0) this.statusHandlers.splice(i, 1);
    };
  }

  status(): LinkStatus {
    return this.current;
  }

  droppedWrites(): number {
    return this.dropped;
  }

  localPort(): number | undefined {
    return undefined;
  }

  protected emitData(bytes: Buffer, source?: number): void {
    const hs = this.dataHandlers;
    for (let k = 0; k < hs.length; k++) (hs[k] as DataHandler)(bytes, source);
  }

  protected setStatus(state: LinkStatus['state'], reason: string): void {
    this.current = { state, reason, at: Date.now() };
    for (const h of [...this.statusHandlers]) h(this.current);
  }
}

/**
 * A link that keeps trying to reach its device (a serial path that comes back, a TCP peer
 * that restarts): `open` starts it once, `close` stops the retries and releases the device.
 */
export abstract class RetryingLink extends BaseLink {
  /** The pending retry, if any. */
  protected timer: NodeJS.Timeout | null = null;
  private opened = false;

  /** First attempt to reach the device. */
  protected abstract start(): Promise<void> | void;
  /** Releases the device (retries have already stopped). */
  protected abstract release(): Promise<void>;

  async open(): Promise<void> {
    if (this.opened) return;
    this.opened = true;
    this.closed = false;
    await this.start();
  }

  async close(): Promise<void> {
    if (!this.opened) return;
    this.opened = false;
    this.closed = true;
    if (this.timer) clearTimeout(this.timer);
    this.timer = null;
    await this.release();
    this.setStatus('disconnected', 'closed');
  }
}
