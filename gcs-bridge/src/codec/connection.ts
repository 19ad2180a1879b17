import type { MavLinkData } from 'node-mavlink';
import type { Link, LinkStatus } from '../link/link.ts';
import {
  encodeFrame,
  type FrameHandler,
  MavlinkDecoder,
  STX_V2,
  V1_HEADER_LEN,
  V2_HEADER_LEN,
} from './frame.ts';
import { messageEntry } from './registry.ts';
import { type NormalizedSigning, normalizeSigning, Signer, type SigningConfig, Verifier } from './signing.ts';
import { GCS_COMPID, GCS_SYSID, type Inbound } from './types.ts';

/** Every CRC-valid packet a connection receives, known message id or not. */
export interface PacketInfo {
  sysid: number;
  compid: number;
  msgid: number;
  seq: number;
  /** The whole frame as received (a view; copy it to keep it past a mutation of the source). */
  raw: Buffer;
  /** Present when the message type has target fields (and this is a known message id). */
  targetSystem?: number;
  targetComponent?: number;
  signed: boolean;
  /** Which connection it arrived on (the link id). */
  linkId: string;
  receivedAt: number;
}

/** Snapshot of one connection's counters. */
export interface ConnectionStats {
  bytesIn: number;
  bytesOut: number;
  packetsIn: number;
  packetsOut: number;
  crcErrors: number;
  /** Packets whose id we cannot decode (no class) or not even CRC-check (no dialect knows it). */
  unknownMessages: number;
  /** MAVLink 2 frames with unknown incompatibility flags (dropped, as the spec requires). */
  badFlags: number;
  /** Packets inferred lost from sequence gaps, per (sysid, compid) stream, mod 256. */
  seqGapLoss: number;
  /** seqGapLoss / (seqGapLoss + packets accepted) * 100; 0 before anything arrived. */
  lossPct: number;
  unsignedDropped: number;
  badSignature: number;
  replayed: number;
  /** Local time (ms since epoch) of the last accepted packet, or null. */
  lastHeardAt: number | null;
  /** Writes the link dropped (no peer yet, disconnected, read-only); not in packetsOut. */
  droppedWrites: number;
}

/** Options of one connection. */
export interface ConnectionOptions {
  /** Source ids for send(); default GCS_SYSID / GCS_COMPID. */
  sysid?: number;
  compid?: number;
  /** MAVLink 2 signing for this connection; absent means no signing and no verification. */
  signing?: SigningConfig;
  /** Clock for signing timestamps and receivedAt (tests). Default Date.now. */
  clock?: () => number;
}

type Handler<T> = (value: T) => void;

function removeFrom<T>(list: T[], item: T): () => void {
  return () => {
    const i = list.indexOf(item);
    if (i >= 0) list.splice(i, 1);
  };
}

/**
 * One MAVLink conversation over one Link: framing and decoding in, MAVLink 2 framing (and
 * signing) out with one sequence counter, and link health counters. The link only moves
 * bytes; everything MAVLink-shaped happens here.
 */
export class MavlinkConnection {
  readonly id: string;
  readonly sysid: number;
  readonly compid: number;
  /** Signing settings with the key redacted from JSON and inspect output. */
  readonly signing: NormalizedSigning | undefined;

  private readonly decoder: MavlinkDecoder;
  /** One decoder per client of a multi-client link (tcpin), sharing the counters. */
  private readonly sourceDecoders = new Map<number, MavlinkDecoder>();
  private readonly frameHandler: FrameHandler;
  private readonly signer: Signer | undefined;
  private readonly verifier: Verifier | undefined;
  private readonly clock: () => number;
  private readonly messageHandlers: Handler<Inbound>[] = [];
  private readonly packetHandlers: Handler<PacketInfo>[] = [];
  private readonly outboundHandlers: Handler<Buffer>[] = [];
  private readonly lastSeq = new Int16Array(1 << 16).fill(-1);
  private seq = 0;
  private now = 0;
  private unsubscribeLink: (() => void) | null = null;

  private bytesIn = 0;
  private bytesOut = 0;
  private packetsIn = 0;
  private packetsOut = 0;
  private undecodable = 0;
  private seqGapLoss = 0;
  private unsignedDropped = 0;
  private badSignature = 0;
  private replayed = 0;
  private lastHeardAt: number | null = null;

  constructor(
    readonly link: Link,
    options: ConnectionOptions = {},
  ) {
    this.id = link.id;
    this.sysid = options.sysid ?? GCS_SYSID;
    this.compid = options.compid ?? GCS_COMPID;
    this.clock = options.clock ?? Date.now;
    this.signing = options.signing ? normalizeSigning(options.signing) : undefined;
    this.signer = this.signing ? new Signer(this.signing, this.clock) : undefined;
    this.verifier = this.signing ? new Verifier(this.signing, this.clock) : undefined;
    this.frameHandler = (d, i, len, msgid) => this.onFrame(d, i, len, msgid);
    this.decoder = new MavlinkDecoder(this.frameHandler);
  }

  /** Opens the link and starts decoding what it delivers. */
  async open(): Promise<void> {
    if (!this.unsubscribeLink) {
      const offData = this.link.onData((bytes, source) => this.receive(bytes, source));
      const offStatus = this.link.onStatus((s: LinkStatus) => {
        // A half frame from before a reconnect must not be glued to the new byte stream.
        if (s.state !== 'connected') {
          this.decoder.reset();
          this.sourceDecoders.clear();
        }
      });
      this.unsubscribeLink = () => {
        offData();
        offStatus();
      };
    }
    await this.link.open();
  }

  /** Closes the link; idempotent. */
  async close(): Promise<void> {
    this.unsubscribeLink?.();
    this.unsubscribeLink = null;
    await this.link.close();
  }

  /**
   * Feeds bytes as if the link had delivered them. Synchronous: handlers have run when it
   * returns (benchmarks and tests drive the decoder through this).
   */
  receive(bytes: Buffer, source?: number): void {
    this.bytesIn += bytes.length;
    this.now = this.clock();
    if (source === undefined) {
      this.decoder.push(bytes);
      return;
    }
    let decoder = this.sourceDecoders.get(source);
    if (!decoder) {
      // Bounded: clients come and go on a long-running tcpin link; forget the oldest.
      if (this.sourceDecoders.size >= 64) {
        const oldest = this.sourceDecoders.keys().next().value as number;
        this.sourceDecoders.delete(oldest);
      }
      decoder = new MavlinkDecoder(this.frameHandler, this.decoder.counters);
      this.sourceDecoders.set(source, decoder);
    }
    decoder.push(bytes);
  }

  /** Frames `message` as MAVLink 2 from this connection's ids (signed if configured) and writes it. */
  send(message: MavLinkData): void {
    const frame = encodeFrame(
      message,
      { sysid: this.sysid, compid: this.compid, seq: this.seq },
      this.signer !== undefined,
    );
    this.seq = (this.seq + 1) & 0xff;
    if (this.signer) this.signer.sign(frame);
    this.writeFrame(frame);
  }

  /** Writes an already framed packet unchanged (routing); it does not use this connection's sequence. */
  sendRaw(packet: Buffer): void {
    this.writeFrame(packet);
  }

  /** Decoded messages with a known id that passed signing checks. */
  onMessage(handler: Handler<Inbound>): () => void {
    this.messageHandlers.push(handler);
    return removeFrom(this.messageHandlers, handler);
  }

  /** Every accepted CRC-valid packet, including unknown ids (routing, recording). */
  onPacket(handler: Handler<PacketInfo>): () => void {
    this.packetHandlers.push(handler);
    return removeFrom(this.packetHandlers, handler);
  }

  /** Every frame written to the link, as written (recording). */
  onOutbound(handler: Handler<Buffer>): () => void {
    this.outboundHandlers.push(handler);
    return removeFrom(this.outboundHandlers, handler);
  }

  stats(): ConnectionStats {
    const c = this.decoder.counters;
    const seen = this.packetsIn + this.seqGapLoss;
    return {
      bytesIn: this.bytesIn,
      bytesOut: this.bytesOut,
      packetsIn: this.packetsIn,
      packetsOut: this.packetsOut,
      crcErrors: c.crcErrors,
      unknownMessages: this.undecodable + c.unknownIds,
      badFlags: c.badFlags,
      seqGapLoss: this.seqGapLoss,
      lossPct: seen === 0 ? 0 : (this.seqGapLoss / seen) * 100,
      unsignedDropped: this.unsignedDropped,
      badSignature: this.badSignature,
      replayed: this.replayed,
      lastHeardAt: this.lastHeardAt,
      droppedWrites: this.link.droppedWrites(),
    };
  }

  private writeFrame(frame: Buffer): void {
    const link = this.link;
    const dropped = link.droppedWrites();
    link.write(frame);
    if (link.droppedWrites() !== dropped) return; // nowhere to send yet; the link counted it
    this.bytesOut += frame.length;
    this.packetsOut++;
    const hs = this.outboundHandlers;
    for (let k = 0; k < hs.length; k++) (hs[k] as Handler<Buffer>)(frame);
  }

  private onFrame(d: Buffer, i: number, len: number, msgid: number): void {
    const v2 = d[i] === STX_V2;
    let signed = false;
    if (this.verifier) {
      const r = this.verifier.verify(d, i, len, msgid);
      if (r !== 'accepted' && r !== 'unsigned') {
        if (r === 'unsignedDropped') this.unsignedDropped++;
        else if (r === 'badSignature') this.badSignature++;
        else this.replayed++;
        return;
      }
      signed = r === 'accepted';
    } else if (v2) {
      signed = ((d[i + 2] as number) & 1) !== 0;
    }
    const seq = d[i + (v2 ? 4 : 2)] as number;
    const sysid = d[i + (v2 ? 5 : 3)] as number;
    const compid = d[i + (v2 ? 6 : 4)] as number;
    this.packetsIn++;
    this.lastHeardAt = this.now;
    const stream = (sysid << 8) | compid;
    const prev = this.lastSeq[stream] as number;
    if (prev >= 0) this.seqGapLoss += (seq - prev - 1) & 0xff;
    this.lastSeq[stream] = seq;

    const entry = messageEntry(msgid);
    const plen = d[i + 1] as number;
    const pOff = i + (v2 ? V2_HEADER_LEN : V1_HEADER_LEN);

    const ph = this.packetHandlers;
    if (ph.length > 0) {
      const info: PacketInfo = {
        sysid,
        compid,
        msgid,
        seq,
        raw: d.subarray(i, i + len),
        signed,
        linkId: this.id,
        receivedAt: this.now,
      };
      if (entry && entry.targetSystemOffset >= 0) {
        info.targetSystem =
          entry.targetSystemOffset < plen ? (d[pOff + entry.targetSystemOffset] as number) : 0;
        if (entry.targetComponentOffset >= 0) {
          info.targetComponent =
            entry.targetComponentOffset < plen ? (d[pOff + entry.targetComponentOffset] as number) : 0;
        }
      }
      for (let k = 0; k < ph.length; k++) (ph[k] as Handler<PacketInfo>)(info);
    }

    if (!entry) {
      this.undecodable++;
      return;
    }
    const mh = this.messageHandlers;
    if (mh.length === 0) return;
    let message: MavLinkData;
    if (plen >= entry.payloadLength) {
      message = entry.decode(d, pOff);
    } else {
      // MAVLink 2 trims trailing zero bytes (and v1 senders of older message versions omit
      // extensions): pad to the full length in a reused scratch buffer.
      scratch.fill(0, 0, entry.payloadLength);
      d.copy(scratch, 0, pOff, pOff + plen);
      message = entry.decode(scratch, 0);
    }
    const inbound: Inbound = { sysid, compid, msgid, message, linkId: this.id, receivedAt: this.now };
    for (let k = 0; k < mh.length; k++) (mh[k] as Handler<Inbound>)(inbound);
  }
}

const scratch = Buffer.alloc(256);
