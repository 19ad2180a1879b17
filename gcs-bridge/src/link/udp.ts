import dgram from 'node:dgram';
import { isIPv6 } from 'node:net';
import { BaseLink } from './link.ts';
import type { LinkSpec } from './uri.ts';

type UdpSpec = Extract<LinkSpec, { kind: 'udpin' | 'udpout' }>;

/**
 * UDP link. `udpin` listens and replies to whoever sent last, as PX4's ground link does
 * (a GCS that moves to a new port takes over); writes before anyone has sent are dropped
 * and counted. `udpout` sends to a fixed peer from an ephemeral socket and receives replies
 * on it.
 */
export class UdpLink extends BaseLink {
  private socket: dgram.Socket | null = null;
  private peer: { address: string; port: number } | null = null;

  constructor(
    override readonly spec: UdpSpec,
    uri: string,
    id?: string,
  ) {
    super(spec, uri, id);
    if (spec.kind === 'udpout') this.peer = { address: spec.host, port: spec.port };
  }

  async open(): Promise<void> {
    if (this.socket) return;
    this.closed = false;
    const { spec } = this;
    const v6 = isIPv6(spec.host);
    const socket = dgram.createSocket({ type: v6 ? 'udp6' : 'udp4' });
    this.socket = socket;
    socket.on('message', (msg, rinfo) => {
      if (spec.kind === 'udpin') {
        const p = this.peer;
        if (!p || p.port !== rinfo.port || p.address !== rinfo.address) {
          this.peer = { address: rinfo.address, port: rinfo.port };
          this.setStatus('connected', `peer ${rinfo.address}:${rinfo.port}`);
        }
      }
      this.emitData(msg);
    });
    socket.on('error', (err) => {
      // A send to a closed port on loopback can surface as ECONNREFUSED; the socket stays usable.
      this.setStatus('error', `${err.message}`);
    });
    await new Promise<void>((resolve, reject) => {
      const onError = (err: Error) => {
        this.socket = null;
        socket.close();
        reject(new Error(`${this.uri}: cannot bind: ${err.message}`));
      };
      socket.once('error', onError);
      const bindHost = spec.kind === 'udpin' ? spec.host : v6 ? '::' : '0.0.0.0';
      socket.bind(spec.kind === 'udpin' ? spec.port : 0, bindHost, () => {
        socket.off('error', onError);
        resolve();
      });
    });
    if (spec.kind === 'udpin') {
      this.setStatus('disconnected', `listening on ${spec.host}:${this.localPort()}, no peer yet`);
    } else {
      this.setStatus('connected', `sending to ${spec.host}:${spec.port} from port ${this.localPort()}`);
    }
  }

  async close(): Promise<void> {
    const s = this.socket;
    this.socket = null;
    if (this.spec.kind === 'udpin') this.peer = null;
    if (!s) return;
    this.closed = true;
    await new Promise<void>((resolve) => s.close(() => resolve()));
    this.setStatus('disconnected', 'closed');
  }

  write(bytes: Uint8Array): void {
    const s = this.socket;
    const p = this.peer;
    if (!s || !p) {
      this.dropped++;
      return;
    }
    s.send(bytes, p.port, p.address);
  }

  override localPort(): number | undefined {
    try {
      return this.socket?.address().port;
    } catch {
      return undefined;
    }
  }

  /** Where writes go now (udpin: the last sender), or null. */
  peerAddress(): { address: string; port: number } | null {
    return this.peer;
  }
}
