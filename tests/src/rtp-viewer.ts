/**
 * A WebRTC viewer without a browser, for the WHEP test and the video bench: a node-datachannel
 * peer that offers to receive H.264 and reads the RTP packets it gets.
 */
import nodeDataChannel from 'node-datachannel';

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

export interface RtpViewer {
  /** The SDP offer, with every ICE candidate in it. */
  offer: string;
  /** Every RTP packet received so far. */
  packets: RtpPacket[];
  /** Called on each RTP packet as it arrives. */
  onPacket: (p: RtpPacket) => void;
  answer(sdp: string): void;
  close(): void;
}

/** A receive-only viewer, its offer ready. */
export async function rtpViewer(payloadType = 102): Promise<RtpViewer> {
  nodeDataChannel.preload();
  const pc = new nodeDataChannel.PeerConnection('viewer', { iceServers: [] });
  const media = new nodeDataChannel.Video('0', 'RecvOnly');
  media.addH264Codec(payloadType);
  // Kept referenced by the viewer: a collected Track closes its native track.
  const track = pc.addTrack(media);
  const gathered = new Promise<void>((resolve) =>
    pc.onGatheringStateChange((s) => s === 'complete' && resolve()),
  );
  pc.setLocalDescription();
  await gathered;
  const viewer: RtpViewer = {
    offer: pc.localDescription()!.sdp,
    packets: [],
    onPacket: () => {},
    answer: (sdp) => pc.setRemoteDescription(sdp, 'answer'),
    close() {
      track.close();
      pc.close();
    },
  };
  track.onMessage((m) => {
    const rtp = readRtp(Buffer.from(m));
    if (!rtp) return;
    viewer.packets.push(rtp);
    viewer.onPacket(rtp);
  });
  return viewer;
}
