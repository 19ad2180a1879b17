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
say({ offer: pc.localDescription()!.sdp });

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
