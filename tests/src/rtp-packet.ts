/** RTP packets of H.264 as the Node WebRTC viewer reads them. */

export interface RtpPacket {
  payloadType: number;
  timestamp: number;
  /** The last packet of a frame (RTP marker bit). */
  marker: boolean;
  /** Type of the NAL unit the packet carries (FU-A: of the fragmented unit). */
  nalType: number;
}

/** Reads an RTP packet (RFC 3550) carrying H.264 (RFC 6184); null for RTCP. */
export function readRtp(p: Buffer): RtpPacket | null {
  if (p.length < 13 || p[0]! >> 6 !== 2) return null;
  if (p[1]! >= 200 && p[1]! <= 204) return null;
  let at = 12 + 4 * (p[0]! & 0x0f);
  if (p[0]! & 0x10) at += 4 + 4 * p.readUInt16BE(at + 2);
  const nal = p[at]! & 0x1f;
  return {
    payloadType: p[1]! & 0x7f,
    timestamp: p.readUInt32BE(4),
    marker: (p[1]! & 0x80) !== 0,
    nalType: nal === 28 ? p[at + 1]! & 0x1f : nal,
  };
}
