/**
 * Plays one vehicle's live video: fragmented MP4 (H.264 cameras) over the video WebSocket
 * (`/api/video/ws/<vehicleId>`, session cookie) into Media Source Extensions in a `<video>`, or
 * JPEG frames (Motion-JPEG cameras) drawn on a `<canvas>`. Kept outside React: frames arrive
 * far faster than React should render.
 *
 * Every binary message is acknowledged once appended (the server's flow control: a viewer that
 * cannot keep up gets fewer frames, never older ones). The playhead is kept at the live edge.
 * A closed socket reconnects by itself with backoff. The host element carries `data-decoded`
 * (frames presented so far) and `data-signal` for tests and the tile's overlay.
 */
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

  constructor(
    private readonly host: HTMLElement,
    private readonly video: HTMLVideoElement,
    private readonly canvas: HTMLCanvasElement,
    private readonly vehicleId: string,
    private readonly onStatus: (s: PlayerStatus) => void = () => {},
  ) {
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
    // Still drawing the previous frame: this one is dropped (the newest wins next time).
    if (this.drawing) {
      this.ack();
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
      });
  }

  private countFrames(): void {
    const v = this.video as HTMLVideoElement & {
      requestVideoFrameCallback?: (cb: () => void) => number;
    };
    if (!v.requestVideoFrameCallback) return;
    const tick = () => {
      this.presented();
      if (!this.closed) this.frameCb = v.requestVideoFrameCallback!(tick);
    };
    this.frameCb = v.requestVideoFrameCallback(tick);
  }

  private connect(): void {
    if (this.closed) return;
    const proto = location.protocol === 'https:' ? 'wss:' : 'ws:';
    const ws = new WebSocket(`${proto}//${location.host}/api/video/ws/${encodeURIComponent(this.vehicleId)}`);
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
      if (this.closed) return;
      // Refused at the upgrade (no source, no permission): try again much later.
      if (!opened) this.setStatus({ signal: this.attempt > 2 ? 'unavailable' : 'connecting' });
      else this.setStatus({ signal: 'no-signal' });
      this.reconnectTimer = window.setTimeout(() => this.connect(), reconnectDelayMs(this.attempt++));
    };
  }

  private onState(text: string): void {
    let msg: { type?: string; signal?: PlayerSignal; codec?: string | null };
    try {
      msg = JSON.parse(text);
    } catch {
      return;
    }
    if (msg.type !== 'state' || !msg.signal) return;
    if (msg.codec) this.codec = msg.codec;
    if (msg.signal === 'no-signal') this.resetMedia();
    this.setStatus({ signal: msg.signal });
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
