/**
 * Plays one vehicle's live video. H.264 cameras: over WebRTC by default (WHEP,
 * `POST /api/video/<vehicleId>/whep`, a receive-only peer connection with
 * `jitterBufferTarget = 0`: the lowest latency the bench measured, see the README's Video
 * section), or, where WebRTC is missing or fails, fragmented MP4 over the video WebSocket into
 * Media Source Extensions in a `<video>`. Motion-JPEG cameras: JPEG frames over the WebSocket
 * drawn on a `<canvas>`. The WebSocket (`/api/video/ws/<vehicleId>`, session cookie) always
 * carries the stream's state. Kept outside React: frames arrive far faster than React should
 * render.
 *
 * Every binary message is acknowledged once appended or drawn (the server's flow control: a
 * viewer that cannot keep up gets fewer frames, never older ones); only the newest JPEG is
 * drawn. The MSE playhead is kept at the live edge. A closed socket reconnects by itself with
 * backoff. The host element carries `data-decoded` (frames presented so far), `data-signal`
 * and `data-mode` (`webrtc`, `mse` or `jpeg`) for tests and the tile's overlay, and
 * `data-rendition`: the rendition asked for (`main`, or `sub`, the wall-tile sub-stream a wall of
 * 4 or more tiles takes: `wallRendition` in @aerie/contracts).
 */
import { capturedAtOfRtp, type VideoRendition } from '@aerie/contracts';
import {
  codecOfInit,
  liveEdgeSeek,
  readUnitHeader,
  reconnectDelayMs,
  trimBefore,
  UNIT_HEADER_BYTES,
} from './live-edge.ts';

export type PlayerSignal = 'connecting' | 'starting' | 'live' | 'no-signal' | 'unavailable';

export interface PlayerStatus {
  signal: PlayerSignal;
  /** Capture time of the newest frame appended (epoch ms). */
  lastCapturedAtMs: number | null;
}

export class LivePlayer {
  private ws: WebSocket | null = null;
  private ms: MediaSource | null = null;
  private sb: SourceBuffer | null = null;
  private queue: ArrayBuffer[] = [];
  private pendingAcks = 0;
  private codec: string | null = null;
  private attempt = 0;
  private reconnectTimer: number | null = null;
  private closed = false;
  private objectUrl: string | null = null;
  private frameCb = 0;
  decoded = 0;
  status: PlayerStatus = { signal: 'connecting', lastCapturedAtMs: null };

  private drawing = false;
  /** The newest JPEG that arrived while one was being drawn (drawn next, others skipped). */
  private waitingJpeg: ArrayBuffer | null = null;
  /** H.264 over WebRTC: off where the browser has no RTCPeerConnection or WHEP failed. */
  private webrtc = typeof RTCPeerConnection !== 'undefined';
  private pc: RTCPeerConnection | null = null;
  private whepLocation: string | null = null;

  constructor(
    private readonly host: HTMLElement,
    private readonly video: HTMLVideoElement,
    private readonly canvas: HTMLCanvasElement,
    private readonly vehicleId: string,
    private readonly onStatus: (s: PlayerStatus) => void = () => {},
    private readonly rendition: VideoRendition = 'main',
  ) {
    host.dataset.rendition = rendition;
    video.muted = true;
    video.playsInline = true;
    video.autoplay = true;
    this.countFrames();
    this.connect();
  }

  close(): void {
    this.closed = true;
    if (this.reconnectTimer !== null) clearTimeout(this.reconnectTimer);
    this.ws?.close();
    this.resetMedia();
    this.closeWebrtc();
    const v = this.video as HTMLVideoElement & { cancelVideoFrameCallback?: (h: number) => void };
    v.cancelVideoFrameCallback?.(this.frameCb);
  }

  private setStatus(patch: Partial<PlayerStatus>): void {
    this.status = { ...this.status, ...patch };
    this.host.dataset.signal = this.status.signal;
    this.onStatus(this.status);
  }

  private presented(): void {
    this.decoded++;
    this.host.dataset.decoded = String(this.decoded);
  }

  /** Whether the picture is on the canvas (JPEG) rather than in the video element. */
  get onCanvas(): boolean {
    return this.codec === 'jpeg';
  }

  private drawJpeg(bytes: ArrayBuffer): void {
    // Still drawing the previous frame: this one waits in place of any older one, which is
    // skipped (acknowledged at once, never drawn).
    if (this.drawing) {
      if (this.waitingJpeg) this.ack();
      this.waitingJpeg = bytes;
      return;
    }
    this.drawing = true;
    createImageBitmap(new Blob([bytes], { type: 'image/jpeg' }))
      .then((bmp) => {
        const c = this.canvas;
        if (c.width !== bmp.width || c.height !== bmp.height) {
          c.width = bmp.width;
          c.height = bmp.height;
        }
        c.getContext('2d')?.drawImage(bmp, 0, 0);
        bmp.close();
        this.presented();
      })
      .catch(() => {})
      .finally(() => {
        this.drawing = false;
        this.ack();
        const next = this.waitingJpeg;
        this.waitingJpeg = null;
        if (next) this.drawJpeg(next);
      });
  }

  private countFrames(): void {
    const v = this.video as HTMLVideoElement & {
      requestVideoFrameCallback?: (cb: (now: number, meta?: { rtpTimestamp?: number }) => void) => number;
    };
    if (!v.requestVideoFrameCallback) return;
    const tick = (_now: number, meta?: { rtpTimestamp?: number }) => {
      if (meta?.rtpTimestamp !== undefined)
        this.setStatus({ lastCapturedAtMs: capturedAtOfRtp(meta.rtpTimestamp, Date.now()) });
      this.presented();
      if (!this.closed) this.frameCb = v.requestVideoFrameCallback!(tick);
    };
    this.frameCb = v.requestVideoFrameCallback(tick);
  }

  private connect(): void {
    if (this.closed) return;
    const proto = location.protocol === 'https:' ? 'wss:' : 'ws:';
    const query = `?rendition=${this.rendition}${this.webrtc ? '&webrtc=1' : ''}`;
    const ws = new WebSocket(
      `${proto}//${location.host}/api/video/ws/${encodeURIComponent(this.vehicleId)}${query}`,
    );
    ws.binaryType = 'arraybuffer';
    this.ws = ws;
    this.setStatus({ signal: 'connecting' });
    let opened = false;
    ws.onopen = () => {
      opened = true;
      this.attempt = 0;
    };
    ws.onmessage = (e) => {
      if (typeof e.data === 'string') this.onState(e.data);
      else this.onUnit(e.data as ArrayBuffer);
    };
    ws.onclose = () => {
      if (this.ws !== ws) return;
      this.ws = null;
      this.resetMedia();
      this.closeWebrtc();
      if (this.closed) return;
      // Refused at the upgrade (no source, no permission): try again much later.
      if (!opened) this.setStatus({ signal: this.attempt > 2 ? 'unavailable' : 'connecting' });
      else this.setStatus({ signal: 'no-signal' });
      this.reconnectTimer = window.setTimeout(() => this.connect(), reconnectDelayMs(this.attempt++));
    };
  }

  private onState(text: string): void {
    let msg: { type?: string; signal?: PlayerSignal; codec?: string | null; delivery?: string };
    try {
      msg = JSON.parse(text);
    } catch {
      return;
    }
    if (msg.type !== 'state' || !msg.signal) return;
    if (msg.codec) this.codec = msg.codec;
    if (msg.signal === 'no-signal') this.resetMedia();
    this.setStatus({ signal: msg.signal });
    if (msg.delivery === 'webrtc' && msg.signal === 'live' && !this.pc) void this.openWebrtc();
  }

  /**
   * WHEP: a receive-only offer with every ICE candidate in it, the server's answer back. If the
   * exchange or the connection fails, the player falls back to MSE over the WebSocket.
   */
  private async openWebrtc(): Promise<void> {
    const pc = new RTCPeerConnection();
    this.pc = pc;
    this.host.dataset.mode = 'webrtc';
    const fallBack = (why: string) => {
      if (this.pc !== pc || this.closed) return;
      console.warn(`video ${this.vehicleId}: WebRTC failed (${why}); falling back to MSE`);
      this.closeWebrtc();
      this.webrtc = false;
      const ws = this.ws;
      this.ws = null;
      if (ws) {
        ws.onclose = null;
        ws.close();
      }
      this.connect();
    };
    try {
      const transceiver = pc.addTransceiver('video', { direction: 'recvonly' });
      // Operator video is live, not smooth: hold no frames for jitter.
      (transceiver.receiver as RTCRtpReceiver & { jitterBufferTarget?: number }).jitterBufferTarget = 0;
      pc.ontrack = (e) => {
        if (this.pc !== pc) return;
        this.video.srcObject = new MediaStream([e.track]);
        void this.video.play().catch(() => {});
      };
      pc.onconnectionstatechange = () => {
        if (pc.connectionState === 'failed') fallBack('connection failed');
      };
      await pc.setLocalDescription(await pc.createOffer());
      await gatheringDone(pc, 2000);
      const res = await fetch(
        `/api/video/${encodeURIComponent(this.vehicleId)}/whep?rendition=${this.rendition}`,
        {
          method: 'POST',
          credentials: 'same-origin',
          headers: { 'content-type': 'application/sdp' },
          body: pc.localDescription?.sdp ?? '',
        },
      );
      if (res.status !== 201) return fallBack(`WHEP answered ${res.status}`);
      this.whepLocation = res.headers.get('location');
      if (this.pc !== pc) return this.endWhep();
      await pc.setRemoteDescription({ type: 'answer', sdp: await res.text() });
    } catch (err) {
      fallBack((err as Error).message);
    }
  }

  private closeWebrtc(): void {
    if (!this.pc) return;
    this.pc.close();
    this.pc = null;
    this.video.srcObject = null;
    this.endWhep();
  }

  /** Ends the server's WHEP session (it would otherwise end when ICE times out). */
  private endWhep(): void {
    const at = this.whepLocation;
    this.whepLocation = null;
    if (at) void fetch(at, { method: 'DELETE', credentials: 'same-origin', keepalive: true }).catch(() => {});
  }

  private onUnit(buf: ArrayBuffer): void {
    const h = readUnitHeader(buf);
    if (!h) {
      this.ack();
      return;
    }
    if (h.kind === 'jpeg') {
      this.codec = 'jpeg';
      this.host.dataset.mode = 'jpeg';
      this.setStatus({ lastCapturedAtMs: h.capturedAtMs, signal: 'live' });
      this.drawJpeg(buf.slice(UNIT_HEADER_BYTES));
      return;
    }
    if (h.kind === 'init') {
      this.host.dataset.mode = 'mse';
      this.codec = codecOfInit(new Uint8Array(buf, UNIT_HEADER_BYTES)) ?? this.codec;
      this.resetMedia();
      this.openMedia();
    } else {
      this.setStatus({ lastCapturedAtMs: h.capturedAtMs, signal: 'live' });
    }
    this.queue.push(buf.slice(UNIT_HEADER_BYTES));
    this.pendingAcks++;
    this.pump();
  }

  private ack(): void {
    if (this.ws?.readyState === WebSocket.OPEN) this.ws.send('a');
  }

  private openMedia(): void {
    const ms = new MediaSource();
    this.ms = ms;
    this.video.srcObject = null;
    this.objectUrl = URL.createObjectURL(ms);
    this.video.src = this.objectUrl;
    ms.addEventListener('sourceopen', () => {
      if (this.ms !== ms) return;
      const type = `video/mp4; codecs="${this.codec ?? 'avc1.42c01f'}"`;
      try {
        const sb = ms.addSourceBuffer(type);
        sb.mode = 'segments';
        sb.addEventListener('updateend', () => this.afterAppend());
        this.sb = sb;
      } catch {
        this.setStatus({ signal: 'unavailable' });
        return;
      }
      this.pump();
    });
  }

  private resetMedia(): void {
    // Frames appended but not acknowledged are acknowledged now, or the server would wait.
    while (this.pendingAcks > 0) {
      this.pendingAcks--;
      this.ack();
    }
    this.queue = [];
    this.sb = null;
    this.ms = null;
    if (this.objectUrl) URL.revokeObjectURL(this.objectUrl);
    this.objectUrl = null;
  }

  private pump(): void {
    const sb = this.sb;
    if (!sb || sb.updating || this.queue.length === 0) return;
    const next = this.queue.shift()!;
    try {
      sb.appendBuffer(next);
    } catch {
      // QuotaExceeded or a detached buffer: drop this unit; the next key frame recovers.
      this.afterAppend();
    }
  }

  private afterAppend(): void {
    if (this.pendingAcks > 0) {
      this.pendingAcks--;
      this.ack();
    }
    const v = this.video;
    const b = v.buffered;
    const end = b.length ? b.end(b.length - 1) : null;
    const seek = liveEdgeSeek(v.currentTime, end);
    if (seek !== null) v.currentTime = seek;
    const trim = trimBefore(b.length ? b.start(0) : null, end);
    if (trim !== null && this.sb && !this.sb.updating) {
      this.sb.remove(0, trim);
      return;
    }
    if (v.paused) void v.play().catch(() => {});
    this.pump();
  }
}

/** Resolves once the peer connection gathered its ICE candidates, or after `timeoutMs`. */
function gatheringDone(pc: RTCPeerConnection, timeoutMs: number): Promise<void> {
  return new Promise((resolve) => {
    if (pc.iceGatheringState === 'complete') return resolve();
    const timer = setTimeout(resolve, timeoutMs);
    pc.addEventListener('icegatheringstatechange', () => {
      if (pc.iceGatheringState === 'complete') {
        clearTimeout(timer);
        resolve();
      }
    });
  });
}
