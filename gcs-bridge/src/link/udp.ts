import dgram from 'node:dgram';
import { isIPv6 } from 'node:net';
import { BaseLink } from './link.ts';
import type { LinkSpec } from './uri.ts';

type UdpSpec = Extract<LinkSpec, { kind: 'udpin' | 'udpout' }>;

/** A udpin peer that has been silent this long gets no more writes (while others are heard). */
export const UDP_PEER_TIMEOUT_MS = 10_000;

/**
 * Receive buffer asked of the kernel (Linux caps it at net.core.rmem_max). One udpin port hears
 * a whole site: 250 aircraft at their default rates are ~9,000 datagrams a second, and the
 * default ~208 KiB buffer overflows during a busy moment of the event loop, dropping the same
 * senders' packets each time (measured: only 123 of 250 docks ever heard).
 */
export const UDP_RECV_BUFFER_BYTES = 4 * 1024 * 1024;

interface Peer {
  address: string;
  port: number;
  lastHeardAt: number;
}

/**
 * UDP link. `udpin` listens and writes to every peer heard from in the last
 * `UDP_PEER_TIMEOUT_MS`, as QGroundControl's UDP link does: a fleet of PX4 instances all
 * sending to one ground port each get what the bridge sends (MAVLink addressing makes the
 * others ignore what is not theirs). With one peer this is PX4's "reply to the last sender",
 * and a ground station that moves to a new port takes over once the old one goes quiet.
 * Writes before anyone has sent are dropped and counted. `udpout` sends to a fixed peer from
 * an ephemeral socket and receives replies on it.
 */
export class UdpLink extends BaseLink {
  private socket: dgram.Socket | null = null;
  private readonly peers = new Map<string, Peer>();
  private peer: Peer | null = null;

  constructor(
    override readonly spec: UdpSpec,
    uri: string,
    id?: string,
    private readonly peerTimeoutMs = UDP_PEER_TIMEOUT_MS,
  ) {
    super(spec, uri, id);
    if (spec.kind === 'udpout') this.peer = { address: spec.host, port: spec.port, lastHeardAt: 0 };
  }

  async open(): Promise<void> {
    if (this.socket) return;
    this.closed = false;
    const { spec } = this;
    const v6 = isIPv6(spec.host);
    const socket = dgram.createSocket({ type: v6 ? 'udp6' : 'udp4', recvBufferSize: UDP_RECV_BUFFER_BYTES });
    this.socket = socket;
    socket.on('message', (msg, rinfo) => {
      if (spec.kind === 'udpin') {
        const key = `${rinfo.address}:${rinfo.port}`;
        const known = this.peers.get(key);
        const now = Date.now();
        if (known) known.lastHeardAt = now;
        else {
          const p = { address: rinfo.address, port: rinfo.port, lastHeardAt: now };
          this.peers.set(key, p);
          this.setStatus('connected', `peer ${key}`);
        }
        this.peer = this.peers.get(key)!;
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
    if (this.spec.kind === 'udpin') {
      this.peer = null;
      this.peers.clear();
    }
    if (!s) return;
    this.closed = true;
    await new Promise<void>((resolve) => s.close(() => resolve()));
    this.setStatus('disconnected', 'closed');
  }

  write(bytes: Uint8Array): void {
    const s = this.socket;
    const last = this.peer;
    if (!s || !last) {
      this.dropped++;
      return;
    }
    if (this.peers.size <= 1) {
      s.send(bytes, last.port, last.address);
      return;
    }
    const cutoff = Date.now() - this.peerTimeoutMs;
    for (const [key, p] of this.peers) {
      // The most recent sender always gets it, even after a long silence.
      if (p.lastHeardAt < cutoff && p !== last) {
        this.peers.delete(key);
        continue;
      }
      s.send(bytes, p.port, p.address);
    }
  }

  override localPort(): number | undefined {
    try {
      return this.socket?.address().port;
    } catch {
      return undefined;
    }
  }

  /** The last sender (udpin) or the fixed peer (udpout), or null. */
  peerAddress(): { address: string; port: number } | null {
    return this.peer ? { address: this.peer.address, port: this.peer.port } : null;
  }

  /** udpin: how many peers currently get writes. */
  peerCount(): number {
    return this.spec.kind === 'udpin' ? this.peers.size : 1;
  }
}
