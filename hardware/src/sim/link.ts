/**
 * Byte transports for a simulated vehicle, and the fault layer in front of them.
 *
 * UDP behaves like PX4's ground link: listen on a port, send to a configured ground address
 * until a packet arrives, then answer whoever sent the last packet.
 */
import dgram from 'node:dgram';
import { lookup } from 'node:dns/promises';
import { SerialPort } from 'serialport';

/** Bytes in and out; the link knows nothing of MAVLink. */
export interface ByteLink {
  write(buf: Buffer): void;
  onData(handler: (buf: Buffer) => void): void;
  close(): Promise<void>;
  /** Human-readable endpoint, e.g. `udp:18570` or `serial:/dev/pts/3`. */
  readonly description: string;
}

export interface UdpLinkOptions {
  /** Port to listen on; 0 lets the OS choose. */
  port: number;
  bindHost: string;
  gcsHost: string;
  gcsPort: number;
}

/** PX4-style UDP ground link. */
export class UdpLink implements ByteLink {
  private handler: ((buf: Buffer) => void) | undefined;
  private remoteHost: string;
  private remotePort: number;
  private closed = false;

  private constructor(
    private readonly socket: dgram.Socket,
    opts: UdpLinkOptions,
  ) {
    this.remoteHost = opts.gcsHost;
    this.remotePort = opts.gcsPort;
    socket.on('message', (msg, rinfo) => {
      // PX4 answers the last sender, so two ground stations on one port take turns.
      this.remoteHost = rinfo.address;
      this.remotePort = rinfo.port;
      this.handler?.(msg);
    });
    // An ICMP port-unreachable from an absent ground station must not kill the vehicle.
    socket.on('error', () => {});
  }

  static async open(opts: UdpLinkOptions): Promise<UdpLink> {
    // Resolve a host name once, not on every datagram.
    let gcsHost: string;
    try {
      gcsHost = (await lookup(opts.gcsHost, { family: 4 })).address;
    } catch (err) {
      throw new Error(`cannot resolve ground station host '${opts.gcsHost}': ${(err as Error).message}`);
    }
    const resolved = { ...opts, gcsHost };
    return new Promise((resolve, reject) => {
      const socket = dgram.createSocket('udp4');
      const onError = (err: Error) =>
        reject(new Error(`cannot listen on UDP ${opts.bindHost}:${opts.port}: ${err.message}`));
      socket.once('error', onError);
      socket.bind(opts.port, opts.bindHost, () => {
        socket.off('error', onError);
        resolve(new UdpLink(socket, resolved));
      });
    });
  }

  /** The bound local port. */
  get port(): number {
    return this.socket.address().port;
  }

  /** The bound local address (127.0.0.1 unless told otherwise). */
  get host(): string {
    return this.socket.address().address;
  }

  /** Where packets currently go (the configured ground address or the last sender). */
  get remote(): { host: string; port: number } {
    return { host: this.remoteHost, port: this.remotePort };
  }

  get description(): string {
    return `udp:${this.port}`;
  }

  write(buf: Buffer): void {
    if (this.closed) return;
    this.socket.send(buf, this.remotePort, this.remoteHost);
  }

  onData(handler: (buf: Buffer) => void): void {
    this.handler = handler;
  }

  close(): Promise<void> {
    if (this.closed) return Promise.resolve();
    this.closed = true;
    return new Promise((resolve) => this.socket.close(() => resolve()));
  }
}

export interface SerialLinkOptions {
  path: string;
  baudRate: number;
}

/** A serial device (a telemetry radio, or a pty in tests). */
export class SerialLink implements ByteLink {
  private handler: ((buf: Buffer) => void) | undefined;
  private closed = false;

  private constructor(
    private readonly port: SerialPort,
    readonly path: string,
  ) {
    port.on('data', (buf: Buffer) => this.handler?.(buf));
    port.on('error', () => {});
  }

  static open(opts: SerialLinkOptions): Promise<SerialLink> {
    return new Promise((resolve, reject) => {
      const port = new SerialPort({ path: opts.path, baudRate: opts.baudRate, autoOpen: false });
      port.open((err) => {
        if (err) reject(new Error(`cannot open serial device ${opts.path}: ${err.message}`));
        else resolve(new SerialLink(port, opts.path));
      });
    });
  }

  get description(): string {
    return `serial:${this.path}`;
  }

  write(buf: Buffer): void {
    if (this.closed) return;
    this.port.write(buf);
  }

  onData(handler: (buf: Buffer) => void): void {
    this.handler = handler;
  }

  close(): Promise<void> {
    if (this.closed) return Promise.resolve();
    this.closed = true;
    return new Promise((resolve) => {
      if (!this.port.isOpen) {
        resolve();
        return;
      }
      this.port.close(() => resolve());
    });
  }
}

/** Link faults, in real time: they model the radio, which does not run faster with speedup. */
export interface LinkFaults {
  /** Share of packets dropped at random, each direction independently, 0-100. */
  lossPct: number;
  /** Added one-way delay in real milliseconds, both directions. */
  latencyMs: number;
}

/**
 * Applies loss, latency and link drops to a byte link. Loss is per write (one MAVLink frame
 * out, one datagram or serial chunk in).
 */
export class FaultyLink {
  faults: LinkFaults = { lossPct: 0, latencyMs: 0 };
  private downUntil = 0;
  private readonly pending = new Set<NodeJS.Timeout>();
  private closed = false;

  constructor(
    readonly inner: ByteLink,
    private readonly random: () => number = Math.random,
  ) {}

  /** Nothing in or out for `seconds` real seconds. */
  dropFor(seconds: number): void {
    this.downUntil = Math.max(this.downUntil, performance.now() + seconds * 1000);
  }

  /** Ends a link drop early. */
  restore(): void {
    this.downUntil = 0;
  }

  get isDown(): boolean {
    return performance.now() < this.downUntil;
  }

  write(buf: Buffer): void {
    if (this.closed || this.isDown) return;
    if (this.faults.lossPct > 0 && this.random() * 100 < this.faults.lossPct) return;
    this.delay(() => this.inner.write(buf));
  }

  onData(handler: (buf: Buffer) => void): void {
    this.inner.onData((buf) => {
      if (this.closed || this.isDown) return;
      if (this.faults.lossPct > 0 && this.random() * 100 < this.faults.lossPct) return;
      this.delay(() => handler(buf));
    });
  }

  private delay(fn: () => void): void {
    if (this.faults.latencyMs <= 0) {
      fn();
      return;
    }
    const t = setTimeout(() => {
      this.pending.delete(t);
      if (!this.closed && !this.isDown) fn();
    }, this.faults.latencyMs);
    this.pending.add(t);
  }

  async close(): Promise<void> {
    this.closed = true;
    for (const t of this.pending) clearTimeout(t);
    this.pending.clear();
    await this.inner.close();
  }
}
