/**
 * A WebRTC viewer without a browser, for the WHEP test and the video bench: a node-datachannel
 * peer that offers to receive H.264 and reads the RTP packets it gets.
 *
 * The peer runs in a child process (`rtp-viewer-peer.ts`), as a browser would be, never beside the
 * server's peer. Its offer carries no ICE candidates: the server's peer must not reach it before
 * it has stored the answer (libdatachannel's race, explained there).
 */
import { type ChildProcess, spawn } from 'node:child_process';
import path from 'node:path';
import { createInterface } from 'node:readline';
import { fileURLToPath } from 'node:url';
import type { RtpPacket } from './rtp-packet.ts';

export { type RtpPacket, readRtp } from './rtp-packet.ts';

const HERE = path.dirname(fileURLToPath(import.meta.url));

export interface RtpViewer {
  /** The SDP offer, with every ICE candidate in it. */
  offer: string;
  /** Every RTP packet received so far. */
  packets: RtpPacket[];
  /** Called on each RTP packet as it arrives. */
  onPacket: (p: RtpPacket) => void;
  /** Sets the answer; rejects with libdatachannel's reason when the peer refuses it. */
  answer(sdp: string): Promise<void>;
  close(): void;
}

/** A receive-only viewer, its offer ready. */
export async function rtpViewer(payloadType = 102): Promise<RtpViewer> {
  const child: ChildProcess = spawn(
    process.execPath,
    ['--import', 'tsx', path.join(HERE, 'rtp-viewer-peer.ts'), String(payloadType)],
    { cwd: path.resolve(HERE, '../..'), stdio: ['pipe', 'pipe', 'inherit'] },
  );
  const replies: Array<(m: { answered?: boolean; error?: string }) => void> = [];
  let offered: (sdp: string) => void = () => {};
  let failed: (err: Error) => void = () => {};
  const offer = new Promise<string>((resolve, reject) => {
    offered = resolve;
    failed = reject;
  });
  child.once('exit', (code) => failed(new Error(`the viewer process ended (exit ${code}) before its offer`)));
  const viewer: RtpViewer = {
    offer: '',
    packets: [],
    onPacket: () => {},
    answer: (sdp) =>
      new Promise<void>((resolve, reject) => {
        replies.push((m) => (m.error ? reject(new Error(m.error)) : resolve()));
        child.stdin!.write(`${JSON.stringify({ answer: sdp })}\n`);
      }),
    close() {
      child.stdin!.end();
      setTimeout(() => child.kill(), 2000).unref();
    },
  };
  createInterface({ input: child.stdout! }).on('line', (line) => {
    const m = JSON.parse(line) as { offer?: string; rtp?: RtpPacket; answered?: boolean; error?: string };
    if (m.rtp) {
      viewer.packets.push(m.rtp);
      viewer.onPacket(m.rtp);
    } else if (m.offer !== undefined) offered(m.offer);
    else replies.shift()?.(m);
  });
  viewer.offer = await offer;
  return viewer;
}
