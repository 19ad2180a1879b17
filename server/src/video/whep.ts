/**
 * WebRTC delivery of a vehicle's H.264 stream through WHEP (WebRTC-HTTP Egress Protocol, RFC
 * 9725): the browser POSTs an SDP offer (receive-only video), the server answers with a
 * send-only H.264 track on a node-datachannel (libdatachannel) peer connection and joins that
 * track to the stream's hub as one more viewer. The H.264 the camera encoded is not re-encoded:
 * each fMP4 fragment's NAL units are packetised into RTP (RFC 6184, packetization-mode 1), with
 * the SPS and PPS in front of every key frame.
 *
 * The RTP timestamp is the frame's capture time on the 90 kHz clock (`rtpTimestampOfMs` in
 * @aerie/contracts), so a page can tell a frame's capture time from
 * `requestVideoFrameCallback`'s `rtpTimestamp` alone (`capturedAtOfRtp`), without a side channel.
 *
 * Slow viewers drop frames instead of lagging: the hub hands units on without waiting (RTP over
 * UDP has no back-pressure to wait for); the receiver's jitter buffer decides what to show, and
 * the page asks it to hold nothing (`jitterBufferTarget = 0`). A receiver that fell behind or
 * lost its picture asks for a key frame (RTCP PLI or FIR); the viewer then counts as lagging
 * and skips to the next key frame (the hub's `lagging`) instead of being sent more deltas it
 * cannot use. The answer carries the
 * playout-delay extension (min 0, max 0) when the offer proposed it.
 *
 *   Offered --answer (ICE gathered)--> Connecting --track open--> Sending --close/failed--> Closed
 */
import { RTP_VIDEO_CLOCK_HZ, rtpTimestampOfMs } from '@aerie/contracts';
import nodeDataChannel from 'node-datachannel';
import { accessUnitOf, parameterSetsOfInit } from './h264.ts';
import type { StreamHub } from './hub.ts';

const PLAYOUT_DELAY_URI = 'http://www.webrtc.org/experiments/rtp-hdrext/playout-delay';

export interface OfferedVideo {
  mid: string;
  /** The RTP payload type of H.264, packetization-mode 1, constrained baseline if offered. */
  payloadType: number;
  /** The `a=fmtp` parameters of that payload type. */
  fmtp: string;
  /** The extension id of playout-delay, when offered. */
  playoutDelayId: number | null;
}

/**
 * The video section of a WHEP offer that the server can answer. Throws naming what is wrong:
 * no video section, a video section that does not receive, or no H.264 in packetization-mode 1.
 */
export function offeredVideo(offerSdp: string): OfferedVideo {
  if (!/^v=0/.test(offerSdp.trimStart())) throw new Error('whep: the body is not an SDP offer (no v=0 line)');
  const sections = offerSdp.split(/\r?\n(?=m=)/);
  const video = sections.find((s) => s.startsWith('m=video'));
  if (!video) throw new Error('whep: the offer has no video section (m=video)');
  const lines = video.split(/\r?\n/);
  if (lines.some((l) => l === 'a=sendonly' || l === 'a=inactive'))
    throw new Error('whep: the offer does not receive video (its video section is sendonly or inactive)');
  const mid = lines
    .find((l) => l.startsWith('a=mid:'))
    ?.slice(6)
    .trim();
  if (!mid) throw new Error('whep: the offer has no a=mid in its video section');
  const fmtps = new Map<number, string>();
  for (const l of lines) {
    const m = /^a=fmtp:(\d+) (.*)$/.exec(l);
    if (m) fmtps.set(Number(m[1]), m[2]!);
  }
  const h264 = lines
    .map((l) => /^a=rtpmap:(\d+) H264\/90000/i.exec(l))
    .filter((m): m is RegExpExecArray => m !== null)
    .map((m) => ({ payloadType: Number(m[1]), fmtp: fmtps.get(Number(m[1])) ?? '' }))
    .filter((c) => /packetization-mode=1/.test(c.fmtp));
  // Constrained baseline (42e0..) decodes everywhere; any packetization-mode 1 H.264 will do.
  const pick = h264.find((c) => /profile-level-id=42e0/i.test(c.fmtp)) ?? h264[0];
  if (!pick) throw new Error('whep: the offer has no H.264 in packetization-mode 1');
  const ext = lines
    .map((l) => /^a=extmap:(\d+)(?:\/\w+)? (\S+)/.exec(l))
    .find((m) => m?.[2] === PLAYOUT_DELAY_URI);
  return { mid, ...pick, playoutDelayId: ext ? Number(ext[1]) : null };
}

export interface WhepSession {
  /** The SDP answer, with every ICE candidate in it (no trickle). */
  answer: string;
  /** Ends the session: leaves the hub, closes the peer connection. Idempotent. */
  close(): void;
}

export interface WhepOptions {
  /** Called once when the peer connection closes or fails (after `close()` too). */
  onClosed?: () => void;
  /** How long ICE gathering may take before the answer is refused; default 5000 ms. */
  gatherTimeoutMs?: number;
}

/**
 * Whether an RTCP compound packet asks for a key frame: a Picture Loss Indication (payload-specific
 * feedback, PT 206, FMT 1) or a Full Intra Request (PT 206, FMT 4). Anything that is not RTCP
 * (too short, not version 2, a length that runs past the end) is not a request.
 */
export function asksForKeyFrame(packet: Uint8Array): boolean {
  let at = 0;
  while (at + 4 <= packet.length) {
    const first = packet[at]!;
    if (first >> 6 !== 2) return false;
    const pt = packet[at + 1]!;
    const words = (packet[at + 2]! << 8) | packet[at + 3]!;
    if (pt === 206 && ((first & 0x1f) === 1 || (first & 0x1f) === 4)) return true;
    at += 4 * (words + 1);
  }
  return false;
}

let nextSsrc = 0x4ae10000;
const rtcpIn = { packets: 0, keyRequests: 0 };

/** RTCP packets, and of them key frame requests (PLI, FIR), from WebRTC viewers since the process started. */
export function whepRtcpReceived(): { packets: number; keyRequests: number } {
  return { ...rtcpIn };
}
let preloaded = false;

/** Answers a WHEP offer for one hub; resolves once the answer holds its ICE candidates. */
export async function openWhepSession(
  hub: StreamHub,
  offerSdp: string,
  opts: WhepOptions = {},
): Promise<WhepSession> {
  const offer = offeredVideo(offerSdp);
  // libdatachannel sets up its global resources (threads, ICE) lazily; done synchronously
  // before the first peer connection, no peer in this process starts without them.
  if (!preloaded) {
    nodeDataChannel.preload();
    preloaded = true;
  }
  const ssrc = nextSsrc++ >>> 0;
  const pc = new nodeDataChannel.PeerConnection(`whep-${ssrc}`, { iceServers: [] });
  const media = new nodeDataChannel.Video(offer.mid, 'SendOnly');
  media.addH264Codec(offer.payloadType, offer.fmtp);
  media.addSSRC(ssrc, 'aerie', 'aerie', 'video');
  if (offer.playoutDelayId !== null)
    media.parseSdpLine(`a=extmap:${offer.playoutDelayId} ${PLAYOUT_DELAY_URI}`);
  const track = pc.addTrack(media);
  const rtp = new nodeDataChannel.RtpPacketizationConfig(
    ssrc,
    'aerie',
    offer.payloadType,
    RTP_VIDEO_CLOCK_HZ,
  );
  if (offer.playoutDelayId !== null) {
    rtp.playoutDelayId = offer.playoutDelayId;
    rtp.playoutDelayMin = 0;
    rtp.playoutDelayMax = 0;
  }
  const packetizer = new nodeDataChannel.H264RtpPacketizer('Length', rtp);
  packetizer.addToChain(new nodeDataChannel.RtcpSrReporter(rtp));
  packetizer.addToChain(new nodeDataChannel.RtcpNackResponder());
  track.setMediaHandler(packetizer);

  let closed = false;
  let viewer: { remove: () => void } | null = null;
  const close = () => {
    if (closed) return;
    closed = true;
    viewer?.remove();
    try {
      track.close();
      pc.close();
    } catch {}
    opts.onClosed?.();
  };

  track.onOpen(() => {
    if (closed) return;
    let parameterSets: Uint8Array | null = null;
    let waitingForKey = true;
    // Set by the receiver's PLI/FIR, cleared when a key frame goes out.
    let keyRequested = false;
    track.onMessage((msg) => {
      rtcpIn.packets++;
      if (asksForKeyFrame(msg)) {
        keyRequested = true;
        rtcpIn.keyRequests++;
      }
    });
    viewer = hub.addViewer({
      send(unit, written) {
        written(); // UDP: nothing to wait for; the receiver drops what it cannot show.
        if (closed || !track.isOpen()) return;
        if (unit.seq === -1) {
          parameterSets = parameterSetsOfInit(unit.bytes);
          waitingForKey = true;
          return;
        }
        if (waitingForKey && !unit.key) return;
        waitingForKey = false;
        if (unit.key) keyRequested = false;
        rtp.timestamp = rtpTimestampOfMs(unit.capturedAtMs);
        try {
          track.sendMessageBinary(Buffer.from(accessUnitOf(unit.bytes, parameterSets)));
        } catch {
          // The track closed on libdatachannel's thread since isOpen(): the session is over.
          close();
        }
      },
      lagging: () => keyRequested,
    });
  });
  track.onClosed(close);
  pc.onStateChange((state) => {
    if (state === 'failed' || state === 'closed') close();
  });

  const gathered = new Promise<void>((resolve, reject) => {
    const timer = setTimeout(
      () => reject(new Error('whep: ICE gathering did not finish in time')),
      opts.gatherTimeoutMs ?? 5000,
    );
    pc.onGatheringStateChange((state) => {
      if (state === 'complete') {
        clearTimeout(timer);
        resolve();
      }
    });
  });
  try {
    pc.setRemoteDescription(offerSdp, 'offer');
    if (pc.gatheringState() !== 'complete') await gathered;
  } catch (err) {
    close();
    throw err;
  }
  const answer = pc.localDescription();
  if (!answer) {
    close();
    throw new Error('whep: the peer connection made no answer');
  }
  return { answer: answer.sdp, close };
}
