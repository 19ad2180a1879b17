/**
 * A minimal ground station for the simulator's tests: plain node-mavlink over a UDP socket
 * on 127.0.0.1 (port chosen by the OS), recording everything it receives.
 */
import dgram from 'node:dgram';
import { type MavLinkData, MavLinkProtocolV1 } from 'node-mavlink';
import { type DecodedMessage, FrameDecoder, FrameEncoder } from '../codec.ts';

export interface Received extends DecodedMessage {
  at: number;
}

export class TestGroundStation {
  readonly received: Received[] = [];
  private readonly encoder = new FrameEncoder(255, 190);
  private readonly v1 = new MavLinkProtocolV1(255, 190);
  private v1Seq = 0;
  private readonly decoder: FrameDecoder;
  private waiters: { pred: (m: Received) => boolean; resolve: (m: Received) => void }[] = [];

  private constructor(
    private readonly socket: dgram.Socket,
    /** Vehicle port to talk to. */
    public vehiclePort: number,
  ) {
    this.decoder = new FrameDecoder((m) => {
      const r = { ...m, at: performance.now() };
      this.received.push(r);
      this.waiters = this.waiters.filter((w) => {
        if (!w.pred(r)) return true;
        w.resolve(r);
        return false;
      });
    });
    socket.on('message', (buf) => this.decoder.push(buf));
  }

  static async open(vehiclePort: number): Promise<TestGroundStation> {
    const socket = dgram.createSocket('udp4');
    await new Promise<void>((resolve) => socket.bind(0, '127.0.0.1', () => resolve()));
    return new TestGroundStation(socket, vehiclePort);
  }

  get port(): number {
    return this.socket.address().port;
  }

  send(message: MavLinkData, opts: { v1?: boolean } = {}): void {
    const buf = opts.v1 ? this.v1.serialize(message, this.v1Seq++ & 0xff) : this.encoder.encode(message);
    this.socket.send(buf, this.vehiclePort, '127.0.0.1');
  }

  /** Resolves with the first message (already received after `since`, or future) that matches. */
  waitFor<T extends MavLinkData>(
    clazz: abstract new (...args: never[]) => T,
    pred: (m: T) => boolean = () => true,
    timeoutMs = 5000,
    since = 0,
  ): Promise<T> {
    const match = (r: Received) => r.message instanceof clazz && r.at >= since && pred(r.message as T);
    const already = this.received.find(match);
    if (already) return Promise.resolve(already.message as T);
    return new Promise<T>((resolve, reject) => {
      const timer = setTimeout(() => {
        this.waiters = this.waiters.filter((w) => w !== waiter);
        reject(new Error(`timed out after ${timeoutMs} ms waiting for ${clazz.name}`));
      }, timeoutMs);
      const waiter = {
        pred: match,
        resolve: (r: Received) => {
          clearTimeout(timer);
          resolve(r.message as T);
        },
      };
      this.waiters.push(waiter);
    });
  }

  /** Waits for the next matching message from now on. */
  next<T extends MavLinkData>(
    clazz: abstract new (...args: never[]) => T,
    pred: (m: T) => boolean = () => true,
    timeoutMs = 5000,
  ): Promise<T> {
    return this.waitFor(clazz, pred, timeoutMs, performance.now());
  }

  count(
    clazz: abstract new (...args: never[]) => MavLinkData,
    from: number,
    to = Number.POSITIVE_INFINITY,
  ): number {
    return this.received.filter((r) => r.message instanceof clazz && r.at >= from && r.at < to).length;
  }

  async close(): Promise<void> {
    this.decoder.close();
    await new Promise<void>((resolve) => this.socket.close(() => resolve()));
  }
}
