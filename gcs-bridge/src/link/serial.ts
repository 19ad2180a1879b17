import { existsSync } from 'node:fs';
import { SerialPort } from 'serialport';
import { RetryingLink } from './link.ts';
import type { LinkSpec } from './uri.ts';

type SerialSpec = Extract<LinkSpec, { kind: 'serial' }>;

/** How often a missing or failed serial device is looked for again. */
export const SERIAL_POLL_MS = 1000;

/**
 * Serial link (telemetry radio, USB autopilot, RS-485 dock). A USB radio that is unplugged
 * disappears from /dev; the link polls the path and reopens it when it comes back, so a
 * field engineer can re-seat a cable without restarting the bridge.
 */
export class SerialLink extends RetryingLink {
  private port: SerialPort | null = null;

  constructor(
    override readonly spec: SerialSpec,
    uri: string,
    id?: string,
    private readonly pollMs: number = SERIAL_POLL_MS,
  ) {
    super(spec, uri, id);
  }

  protected start(): Promise<void> {
    return this.tryOpen();
  }

  private schedule(): void {
    if (this.closed || this.timer) return;
    this.timer = setTimeout(() => {
      this.timer = null;
      void this.tryOpen();
    }, this.pollMs);
  }

  private async tryOpen(): Promise<void> {
    if (this.closed || this.port) return;
    const { path, baud } = this.spec;
    if (!existsSync(path)) {
      if (this.status().reason !== `${path} not present, waiting for it`) {
        this.setStatus('disconnected', `${path} not present, waiting for it`);
      }
      this.schedule();
      return;
    }
    const port = new SerialPort({ path, baudRate: baud, autoOpen: false });
    const err = await new Promise<Error | null>((resolve) => port.open((e) => resolve(e ?? null)));
    if (this.closed) {
      if (!err) await new Promise<void>((resolve) => port.close(() => resolve()));
      return;
    }
    if (err) {
      // Polled every second: report a failure once, not once per attempt.
      const reason = `cannot open ${path}: ${err.message}`;
      if (this.status().reason !== reason) this.setStatus('error', reason);
      this.schedule();
      return;
    }
    this.port = port;
    port.on('data', (b: Buffer) => this.emitData(b));
    const lost = (why: string) => {
      if (this.port !== port) return;
      this.port = null;
      if (port.isOpen) port.close(() => {});
      if (this.closed) return;
      this.setStatus('disconnected', `${path}: ${why}`);
      this.schedule();
    };
    port.on('error', (e: Error) => lost(e.message));
    port.on('close', (e?: Error | null) => lost(e?.message ?? 'closed'));
    this.setStatus('connected', `${path} open at ${baud} baud`);
  }

  protected async release(): Promise<void> {
    const p = this.port;
    this.port = null;
    if (p?.isOpen) await new Promise<void>((resolve) => p.close(() => resolve()));
  }

  write(bytes: Uint8Array): void {
    const p = this.port;
    if (!p?.isOpen) {
      this.dropped++;
      return;
    }
    p.write(Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength));
  }
}
