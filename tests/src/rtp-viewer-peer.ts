/**
 * The viewer's WebRTC peer, run as a child process by `rtp-viewer.ts` so that it never shares
 * libdatachannel with the server's peer (see there). Protocol, one JSON object per line:
 *   stdout: {"offer": sdp}, then {"answered": true} or {"error": message}, then
 *           {"rtp": RtpPacket} for every RTP packet received
 *   stdin:  {"answer": sdp}
 * The process ends when its stdin closes.
 */
import { createInterface } from 'node:readline';
import nodeDataChannel from 'node-datachannel';
import { readRtp } from './rtp-packet.ts';

const payloadType = Number(process.argv[2] ?? 102);
const say = (o: object) => process.stdout.write(`${JSON.stringify(o)}\n`);

// Diagnostics for flaky handshakes: AERIE_RTP_VIEWER_LOG=Debug logs libdatachannel to stderr.
const logLevel = process.env.AERIE_RTP_VIEWER_LOG;
if (logLevel)
  nodeDataChannel.initLogger(logLevel as 'Debug', (level, message) =>
    process.stderr.write(`viewer ${new Date().toISOString()} ${level} ${message}\n`),
  );
nodeDataChannel.preload();
const pc = new nodeDataChannel.PeerConnection('viewer', { iceServers: [] });
const media = new nodeDataChannel.Video('0', 'RecvOnly');
media.addH264Codec(payloadType);
// Kept referenced: a collected Track closes its native track.
const track = pc.addTrack(media);
track.onMessage((m) => {
  const rtp = readRtp(Buffer.from(m));
  if (rtp) say({ rtp });
});
const gathered = new Promise<void>((resolve) =>
  pc.onGatheringStateChange((s) => s === 'complete' && resolve()),
);
pc.setLocalDescription();
await gathered;
// The offer goes without its ICE candidates, so the server's peer cannot reach this one before
// it has the answer. With them, the server ran its ICE checks (answered here at once) and began
// the DTLS handshake while the answer was on its way; libdatachannel's setRemoteDescription
// then connects ICE and starts DTLS before it stores the answer, the server's certificate is
// checked against a fingerprint not yet there ("certificate verify failed"), the peer closes,
// and adding the answer's candidates fails with "Got a remote candidate without ICE transport
// (peer state closed, ICE closed)". Answers that arrived late (a loaded machine) hit that window.
// Without candidates the server learns this peer's address from its checks (peer-reflexive),
// which start only after the answer is stored. Browsers keep their candidates: they store the
// answer before connecting.
say({ offer: withoutCandidates(pc.localDescription()!.sdp) });

function withoutCandidates(sdp: string): string {
  return sdp
    .split(/\r?\n/)
    .filter((l) => !l.startsWith('a=candidate:'))
    .join('\r\n');
}

const lines = createInterface({ input: process.stdin });
lines.on('line', (line) => {
  const msg = JSON.parse(line) as { answer?: string };
  if (msg.answer === undefined) return;
  try {
    pc.setRemoteDescription(msg.answer, 'answer');
    say({ answered: true });
  } catch (err) {
    say({ error: `${(err as Error).message} (peer state ${pc.state()}, ICE ${pc.iceState()})` });
  }
});
lines.on('close', () => {
  track.close();
  pc.close();
  nodeDataChannel.cleanup();
  process.exit(0);
});
