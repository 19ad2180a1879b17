import net from 'node:net';
import { BaseLink, RetryingLink } from './link.ts';
import type { LinkSpec } from './uri.ts';

type TcpSpec = Extract<LinkSpec, { kind: 'tcp' }>;
type TcpServerSpec = Extract<LinkSpec, { kind: 'tcpin' }>;

/** Reconnect delays for the TCP client: 0.5 s doubling to 5 s, reset after a connection. */
export const TCP_BACKOFF_MIN_MS = 500;
export const TCP_BACKOFF_MAX_MS = 5000;

/**
 * TCP client that keeps trying: SITL and companion computers restart, and a bridge that
 * gives up after one refusal needs a human to notice.
 */
export class TcpLink extends RetryingLink {
  private socket: net.Socket | null = null;
  private delay = TCP_BACKOFF_MIN_MS;

  constructor(
    override readonly spec: TcpSpec,
    uri: string,
    id?: string,
  ) {
    super(spec, uri, id);
  }

  protected start(): void {
    this.connect();
  }

  private connect(): void {
    this.timer = null;
    if (this.closed) return;
    const socket = net.connect({ host: this.spec.host, port: this.spec.port });
    socket.setNoDelay(true);
    this.socket = socket;
    let live = false;
    socket.on('connect', () => {
      live = true;
      this.delay = TCP_BACKOFF_MIN_MS;
      this.setStatus('connected', `connected to ${this.spec.host}:${this.spec.port}`);
    });
    socket.on('data', (b) => this.emitData(b));
    let lastError = '';
    socket.on('error', (err) => {
      lastError = (err as NodeJS.ErrnoException).code ?? err.message;
    });
    socket.on('close', () => {
      if (this.socket === socket) this.socket = null;
      if (this.closed) return;
      const wait = this.delay;
      this.delay = Math.min(this.delay * 2, TCP_BACKOFF_MAX_MS);
      const why = live
        ? `connection lost${lastError ? ` (${lastError})` : ''}`
        : lastError || 'connection failed';
      this.setStatus('disconnected', `${why}, retry in ${wait} ms`);
      this.timer = setTimeout(() => this.connect(), wait);
    });
  }

  protected async release(): Promise<void> {
    const s = this.socket;
    this.socket = null;
    if (s) {
      await new Promise<void>((resolve) => {
        s.once('close', () => resolve());
        s.destroy();
      });
    }
  }

  write(bytes: Uint8Array): void {
    const s = this.socket;
    if (!s || s.connecting || s.destroyed) {
      this.dropped++;
      return;
    }
    s.write(bytes);
  }
}

/** TCP server: several clients (ground stations, tools) share the link; writes go to all. */
export class TcpServerLink extends BaseLink {
  private server: net.Server | null = null;
  private readonly clients = new Set<net.Socket>();
  private nextClient = 1;

  constructor(
    override readonly spec: TcpServerSpec,
    uri: string,
    id?: string,
  ) {
    super(spec, uri, id);
  }

  async open(): Promise<void> {
    if (this.server) return;
    this.closed = false;
    const server = net.createServer((socket) => {
      socket.setNoDelay(true);
      this.clients.add(socket);
      const who = `${socket.remoteAddress}:${socket.remotePort}`;
      this.setStatus('connected', `client ${who} connected (${this.clients.size} total)`);
      const source = this.nextClient++;
      socket.on('data', (b) => this.emitData(b, source));
      socket.on('error', () => {
        // 'close' follows and does the bookkeeping.
      });
      socket.on('close', () => {
        this.clients.delete(socket);
        if (this.closed) return;
        if (this.clients.size === 0) this.setStatus('disconnected', `client ${who} left, no clients`);
        else this.setStatus('connected', `client ${who} left (${this.clients.size} remain)`);
      });
    });
    this.server = server;
    await new Promise<void>((resolve, reject) => {
      server.once('error', (err) => {
        this.server = null;
        reject(new Error(`${this.uri}: cannot listen: ${err.message}`));
      });
      server.listen(this.spec.port, this.spec.host, () => resolve());
    });
    this.setStatus('disconnected', `listening on ${this.spec.host}:${this.localPort()}, no clients`);
  }

  async close(): Promise<void> {
    const server = this.server;
    if (!server) return;
    this.server = null;
    this.closed = true;
    for (const c of this.clients) c.destroy();
    this.clients.clear();
    await new Promise<void>((resolve) => server.close(() => resolve()));
    this.setStatus('disconnected', 'closed');
  }

  write(bytes: Uint8Array): void {
    if (this.clients.size === 0) {
      this.dropped++;
      return;
    }
    for (const c of this.clients) if (!c.destroyed) c.write(bytes);
  }

  override localPort(): number | undefined {
    const a = this.server?.address();
    return a && typeof a === 'object' ? a.port : undefined;
  }

  /** Number of connected clients. */
  clientCount(): number {
    return this.clients.size;
  }
}
