import { createHash, timingSafeEqual } from 'node:crypto';
import { inspect } from 'node:util';
import { IFLAG_SIGNED, SIGNATURE_LEN, STX_V2 } from './frame.ts';

/** 2015-01-01T00:00:00Z, the MAVLink signing epoch. */
export const SIGNING_EPOCH_MS = Date.UTC(2015, 0, 1);
/** A new stream's first timestamp may be at most this old (spec: one minute, 10 µs units). */
export const NEW_STREAM_MAX_AGE = 60 * 100_000;

/**
 * A 32-byte signing secret that never prints itself: JSON, util.inspect, template strings
 * and pino all see `[redacted]`.
 */
export class SigningKey {
  readonly #bytes: Buffer;

  constructor(bytes: Uint8Array) {
    if (bytes.length !== 32) throw new RangeError(`signing key must be 32 bytes, got ${bytes.length}`);
    this.#bytes = Buffer.from(bytes);
  }

  /** The raw secret; only the signing code should call this. */
  reveal(): Buffer {
    return this.#bytes;
  }

  toJSON(): string {
    return '[redacted]';
  }

  toString(): string {
    return '[redacted]';
  }

  [inspect.custom](): string {
    return 'SigningKey [redacted]';
  }
}

/** Per-connection signing settings as configured by a user. */
export interface SigningConfig {
  /** 32-byte secret (Buffer or SigningKey). */
  key: Buffer | SigningKey;
  /** Link id carried in every outgoing signature (0-255). */
  linkId: number;
  /** Drop unsigned and badly signed packets instead of accepting unsigned ones. */
  requireSigned: boolean;
  /**
   * Message ids accepted unsigned even with requireSigned. Default [109] (RADIO_STATUS),
   * because SiK radios inject it unsigned; ArduPilot makes the same exception.
   */
  acceptUnsigned?: readonly number[];
}

/** Signing settings with the key wrapped so they are safe to log. */
export interface NormalizedSigning {
  readonly key: SigningKey;
  readonly linkId: number;
  readonly requireSigned: boolean;
  readonly acceptUnsigned: ReadonlySet<number>;
}

/** Key as Mission Planner and QGroundControl derive it: SHA-256 of the passphrase. */
export function signingKeyFromPassphrase(passphrase: string): SigningKey {
  return new SigningKey(createHash('sha256').update(passphrase, 'utf8').digest());
}

/** Key from 64 hex characters; a Result-free helper because a bad key is a config bug. */
export function signingKeyFromHex(hex: string): SigningKey {
  if (!/^[0-9a-fA-F]{64}$/.test(hex)) {
    throw new RangeError(`signing key must be 64 hex characters (got ${hex.length} characters)`);
  }
  return new SigningKey(Buffer.from(hex, 'hex'));
}

/** Validates and wraps a signing config; throws RangeError naming the bad field. */
export function normalizeSigning(config: SigningConfig): NormalizedSigning {
  const key = config.key instanceof SigningKey ? config.key : new SigningKey(config.key);
  if (!Number.isInteger(config.linkId) || config.linkId < 0 || config.linkId > 255) {
    throw new RangeError(`signing linkId must be an integer 0-255, got ${config.linkId}`);
  }
  return Object.freeze({
    key,
    linkId: config.linkId,
    requireSigned: config.requireSigned,
    acceptUnsigned: new Set(config.acceptUnsigned ?? [109]),
  });
}

/** Current time in signing units (10 µs since 2015-01-01). */
export function signingNow(nowMs: number = Date.now()): number {
  return Math.floor((nowMs - SIGNING_EPOCH_MS) * 100);
}

function signatureOf(key: Buffer, frame: Uint8Array, offset: number, signedLength: number): Buffer {
  // sha256(key + header + payload + crc + linkId + timestamp), first 6 bytes.
  return createHash('sha256')
    .update(key)
    .update(frame.subarray(offset, offset + signedLength))
    .digest()
    .subarray(0, 6);
}

/**
 * Fills in the signature of a frame built by encodeFrame(..., signed=true). node-mavlink's
 * `MavLinkProtocolV2.sign` is not used: it stamps Date.now() in whole milliseconds, so two
 * packets in the same millisecond share a timestamp and the receiver rejects the second as
 * a replay, and used on its own it appends a signature without setting IFLAG_SIGNED (the flag
 * only appears if the serializer was built with it, before the CRC).
 */
export class Signer {
  private last = 0;

  constructor(
    private readonly signing: NormalizedSigning,
    private readonly clock: () => number = Date.now,
  ) {}

  /** Next timestamp: the clock, but strictly after the previous one on this link. */
  nextTimestamp(): number {
    const now = signingNow(this.clock());
    this.last = now > this.last ? now : this.last + 1;
    return this.last;
  }

  /** Writes link id, timestamp and signature into the last 13 bytes of `frame`. */
  sign(frame: Buffer): Buffer {
    if (frame[0] !== STX_V2 || !((frame[2] as number) & IFLAG_SIGNED)) {
      throw new Error('sign() needs a MAVLink 2 frame built with the signed flag');
    }
    const at = frame.length - SIGNATURE_LEN;
    frame[at] = this.signing.linkId;
    frame.writeUIntLE(this.nextTimestamp(), at + 1, 6);
    signatureOf(this.signing.key.reveal(), frame, 0, at + 7).copy(frame, at + 7);
    return frame;
  }
}

/** Outcome of checking one incoming frame. */
export type VerifyResult = 'accepted' | 'unsigned' | 'unsignedDropped' | 'badSignature' | 'replayed';

/**
 * Incoming signature check with replay protection per (sysid, compid, linkId) stream, as in
 * the MAVLink signing spec: the timestamp must exceed the last one accepted on that stream,
 * and a stream not seen before must not be more than a minute older than the local clock
 * (the later of our clock and the newest accepted timestamp).
 */
export class Verifier {
  private readonly streams = new Map<number, number>();
  private newest = 0;

  constructor(
    private readonly signing: NormalizedSigning,
    private readonly clock: () => number = Date.now,
  ) {}

  verify(d: Buffer, i: number, len: number, msgid: number): VerifyResult {
    const signed = d[i] === STX_V2 && ((d[i + 2] as number) & IFLAG_SIGNED) !== 0;
    if (!signed) {
      if (!this.signing.requireSigned || this.signing.acceptUnsigned.has(msgid)) return 'unsigned';
      return 'unsignedDropped';
    }
    const at = i + len - SIGNATURE_LEN;
    const expected = signatureOf(this.signing.key.reveal(), d, i, len - 6);
    if (!timingSafeEqual(expected, d.subarray(at + 7, at + 13))) return 'badSignature';
    const linkId = d[at] as number;
    const ts = d.readUIntLE(at + 1, 6);
    const key = (d[i + 5] as number) * 65536 + (d[i + 6] as number) * 256 + linkId;
    const last = this.streams.get(key);
    if (last === undefined) {
      const local = Math.max(signingNow(this.clock()), this.newest);
      if (ts + NEW_STREAM_MAX_AGE < local) return 'replayed';
    } else if (ts <= last) {
      return 'replayed';
    }
    this.streams.set(key, ts);
    if (ts > this.newest) this.newest = ts;
    return 'accepted';
  }
}
