/**
 * The simulated camera as a MAVLink camera (camera protocol v2): component MAV_COMP_ID_CAMERA
 * (100) of its aircraft's system, on the aircraft's transport, with a HEARTBEAT of its own
 * (MAV_TYPE_CAMERA, MAV_AUTOPILOT_INVALID, 1 Hz real time). It answers, as a camera manager
 * (mavlink-camera-manager, MAVSDK's camera server) does:
 *
 * - MAV_CMD_REQUEST_MESSAGE (512) for CAMERA_INFORMATION (259) and VIDEO_STREAM_INFORMATION
 *   (269), and the legacy MAV_CMD_REQUEST_CAMERA_INFORMATION (521) and
 *   MAV_CMD_REQUEST_VIDEO_STREAM_INFORMATION (2504): COMMAND_ACK ACCEPTED, then the message;
 *   any other requested message: UNSUPPORTED.
 * - MAV_CMD_IMAGE_START_CAPTURE (2000), from the ground station or from its autopilot (PX4 sends
 *   one per shot of its camera trigger, and hands on mission capture items): param3 = 1 takes one
 *   image; param3 = 0 (until stopped) or > 1 (that many) takes a series every param2 seconds of
 *   the aircraft's simulated clock, the first at once (param2 must then be > 0, else DENIED).
 *   ACCEPTED, then for each image CAMERA_IMAGE_CAPTURED with the time, the aircraft's position,
 *   relative altitude and the camera's orientation at the shot (the quaternion MAVLink defines
 *   as the camera's, in NED: the aircraft's gimbal, see sim/gimbal.ts), the image index, the
 *   capture result and the URL of the still.
 *   A single shot that repeats the last one's capture sequence number (param4 > 0) from the same
 *   sender is a resend: ACCEPTED again, no second image.
 * - MAV_CMD_IMAGE_STOP_CAPTURE (2001): ends a series; ACCEPTED (also when none runs).
 *
 * The stream it announces: the simulated camera serves Motion-JPEG over HTTP, for which
 * VIDEO_STREAM_TYPE has no value. It announces VIDEO_STREAM_TYPE_TCP_MPEG (a stream over TCP
 * that is not RTSP) with VIDEO_STREAM_ENCODING_UNKNOWN (not H.264/H.265) and the `http://` URI;
 * the URI's scheme is what tells a reader it is Motion-JPEG. When an RTSP server re-publishes
 * the stream, `stream` announces that URI with type RTSP instead.
 */
import { common, type MavLinkData, minimal } from 'node-mavlink';
import { type DecodedMessage, FrameDecoder, FrameEncoder } from '../sim/codec.ts';
import { AUTOPILOT_GIMBAL_ID, quaternionFromDeg } from '../sim/gimbal.ts';
import { joinTicker, leaveTicker, type Tickable } from '../sim/ticker.ts';
import { MavResult, type SimVehicle } from '../sim/vehicle.ts';

export { quaternionFromEuler } from '../sim/gimbal.ts';

/** MAV_COMP_ID_CAMERA. */
export const CAMERA_COMPID = 100;
const MAV_TYPE_CAMERA = 30;
const MAV_AUTOPILOT_INVALID = 8;
const MAV_STATE_ACTIVE = 4;
const MAV_CMD_REQUEST_MESSAGE = 512;
const MAV_CMD_REQUEST_CAMERA_INFORMATION = 521;
const MAV_CMD_REQUEST_VIDEO_STREAM_INFORMATION = 2504;
const MAV_CMD_IMAGE_START_CAPTURE = 2000;
const MAV_CMD_IMAGE_STOP_CAPTURE = 2001;
const CAP_CAPTURE_IMAGE = 2;
const CAP_HAS_VIDEO_STREAM = 256;
const VIDEO_STREAM_STATUS_FLAGS_RUNNING = 1;
/** A 1/2.3" sensor's width, mm: with the lens's field of view it gives a consistent focal length. */
const SENSOR_WIDTH_MM = 6.17;

/** VIDEO_STREAM_TYPE. */
export const VideoStreamType = { RTSP: 0, RTPUDP: 1, TCP_MPEG: 2, MPEG_TS: 3 } as const;
/** VIDEO_STREAM_ENCODING. */
export const VideoStreamEncoding = { UNKNOWN: 0, H264: 1, H265: 2 } as const;

export interface AnnouncedStream {
  uri: string;
  /** VIDEO_STREAM_TYPE value. */
  type: number;
  /** VIDEO_STREAM_ENCODING value. */
  encoding: number;
  name?: string;
}

export interface MavlinkCameraOptions {
  /** The stream to announce; null: a photo-only camera (no HAS_VIDEO_STREAM flag). */
  stream: AnnouncedStream | null;
  lens: { hfovDeg: number; width: number; height: number };
  fps: number;
  /** Takes and stores one still; resolves with its URL. A rejection is a failed capture. */
  captureStill?: (imageIndex: number) => Promise<string>;
  compid?: number;
  /** Wall clock for time_utc (epoch ms). */
  now?: () => number;
}

const chars = (s: string, n: number): number[] => {
  const out = new Array<number>(n).fill(0);
  Buffer.from(s, 'utf8')
    .subarray(0, n)
    .forEach((b, i) => {
      out[i] = b;
    });
  return out;
};

export class MavlinkCamera implements Tickable {
  readonly compid: number;
  private readonly encoder: FrameEncoder;
  private readonly decoder: FrameDecoder;
  private readonly shared: { write(buf: Buffer): void; detach(): void };
  private lastBeatMs = Number.NEGATIVE_INFINITY;
  private imageCount = 0;
  private closed = false;
  /** Captures in flight, so close() can wait for them. */
  private readonly pending = new Set<Promise<void>>();
  /** The capture sequence number (param4) of the last single shot, per sender. */
  private readonly lastSequence = new Map<string, number>();
  /** A timed series (IMAGE_START_CAPTURE with param3 != 1): next shot due (simulated ms), images left. */
  private series: { everyMs: number; nextMs: number; left: number } | null = null;

  constructor(
    readonly aircraft: SimVehicle,
    private readonly opts: MavlinkCameraOptions,
  ) {
    this.compid = opts.compid ?? CAMERA_COMPID;
    this.encoder = new FrameEncoder(aircraft.sysid, this.compid);
    this.decoder = new FrameDecoder((m) => this.receive(m));
    this.shared = aircraft.shareLink((buf) => this.decoder.push(buf));
    joinTicker(this);
  }

  /** Images taken so far. */
  get images(): number {
    return this.imageCount;
  }

  /** Whether a timed series is running. */
  get capturing(): boolean {
    return this.series !== null;
  }

  tick(realNowMs: number): void {
    if (this.closed) return;
    const series = this.series;
    // The series runs on the aircraft's simulated clock, as the rest of the flight does: at a
    // speedup of 10 an interval of 2 s is 0.2 real seconds, and the shots fall as far apart
    // along the route as they would in real flight.
    const simNowMs = this.aircraft.simTimeS * 1000;
    if (series && simNowMs >= series.nextMs) {
      series.nextMs = Math.max(series.nextMs + series.everyMs, simNowMs);
      series.left -= 1;
      if (series.left <= 0) this.series = null;
      this.takeStill();
    }
    if (realNowMs - this.lastBeatMs < 1000) return;
    this.lastBeatMs = realNowMs;
    const hb = new minimal.Heartbeat();
    hb.type = MAV_TYPE_CAMERA;
    hb.autopilot = MAV_AUTOPILOT_INVALID;
    hb.baseMode = 0 as minimal.MavModeFlag;
    hb.customMode = 0;
    hb.systemStatus = MAV_STATE_ACTIVE;
    hb.mavlinkVersion = 3;
    this.send(hb);
  }

  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    leaveTicker(this);
    await Promise.allSettled([...this.pending]);
    this.shared.detach();
    this.decoder.close();
  }

  private send(m: MavLinkData): void {
    if (!this.closed) this.shared.write(this.encoder.encode(m));
  }

  private receive(d: DecodedMessage): void {
    if (this.closed || !(d.message instanceof common.CommandLong)) return;
    const c = d.message;
    if (c.targetSystem !== this.aircraft.sysid || c.targetComponent !== this.compid) return;
    const from = { sysid: d.sysid, compid: d.compid };
    switch (c.command as number) {
      case MAV_CMD_REQUEST_MESSAGE:
        this.requested(from, c.command, c._param1, c._param2);
        break;
      case MAV_CMD_REQUEST_CAMERA_INFORMATION:
        this.requested(from, c.command, common.CameraInformation.MSG_ID, 0);
        break;
      case MAV_CMD_REQUEST_VIDEO_STREAM_INFORMATION:
        this.requested(from, c.command, common.VideoStreamInformation.MSG_ID, c._param1);
        break;
      case MAV_CMD_IMAGE_START_CAPTURE:
        this.startCapture(from, c);
        break;
      case MAV_CMD_IMAGE_STOP_CAPTURE:
        this.series = null;
        this.ack(from, c.command, MavResult.Accepted);
        break;
      default:
        this.ack(from, c.command, MavResult.Unsupported);
    }
  }

  private requested(to: Partner, command: number, msgid: number, param2: number): void {
    if (msgid === common.CameraInformation.MSG_ID) {
      this.ack(to, command, MavResult.Accepted);
      this.send(this.information());
      return;
    }
    if (msgid === common.VideoStreamInformation.MSG_ID) {
      // One stream, id 1; 0 asks for all of them.
      if (!this.opts.stream || (param2 !== 0 && param2 !== 1)) {
        this.ack(to, command, MavResult.Denied);
        return;
      }
      this.ack(to, command, MavResult.Accepted);
      this.send(this.streamInformation(this.opts.stream));
      return;
    }
    this.ack(to, command, MavResult.Unsupported);
  }

  private startCapture(to: Partner, c: common.CommandLong): void {
    const total = Math.round(c._param3);
    if (!this.opts.captureStill || total < 0) {
      this.ack(to, c.command, MavResult.Unsupported);
      return;
    }
    if (total === 1) {
      this.ack(to, c.command, MavResult.Accepted);
      // param4, the capture sequence number, is there "to prevent double captures when a command
      // is re-transmitted" (MAVLink): a resend whose ack was lost is acknowledged, not shot again.
      const seq = Math.round(c._param4);
      const key = `${to.sysid}/${to.compid}`;
      if (seq > 0 && this.lastSequence.get(key) === seq) return;
      if (seq > 0) this.lastSequence.set(key, seq);
      this.takeStill();
      return;
    }
    const intervalS = c._param2;
    if (!(intervalS > 0)) {
      this.ack(to, c.command, MavResult.Denied);
      return;
    }
    this.ack(to, c.command, MavResult.Accepted);
    // The first image at the next tick, then one every interval of simulated time.
    this.series = {
      everyMs: intervalS * 1000,
      nextMs: this.aircraft.simTimeS * 1000,
      left: total === 0 ? Number.POSITIVE_INFINITY : total,
    };
  }

  /** Takes one still and reports it with the pose at the shot. */
  private takeStill(): void {
    const capture = this.opts.captureStill;
    if (!capture) return;
    const index = this.imageCount++;
    const shot = this.shot(index);
    const done = capture(index)
      .then(
        (url) => {
          shot.captureResult = 1 as common.CameraImageCaptured['captureResult'];
          shot.fileUrl = url;
        },
        () => {
          shot.captureResult = 0 as common.CameraImageCaptured['captureResult'];
          shot.fileUrl = '';
        },
      )
      .then(() => this.send(shot));
    this.pending.add(done);
    void done.finally(() => this.pending.delete(done));
  }

  /** CAMERA_IMAGE_CAPTURED with the pose at the moment of the shot. */
  private shot(index: number): common.CameraImageCaptured {
    const a = this.aircraft;
    const p = a.position;
    const m = new common.CameraImageCaptured();
    m.timeBootMs = Math.floor(a.simTimeS * 1000) >>> 0;
    m.timeUtc = BigInt(Math.round((this.opts.now ?? Date.now)() * 1000));
    m.cameraId = 0;
    m.lat = Math.round(p.lat * 1e7);
    m.lon = Math.round(p.lon * 1e7);
    m.alt = Math.round(p.altAmslM * 1000);
    m.relativeAlt = Math.round(p.altRelM * 1000);
    // The camera's own orientation in NED (the MAVLink field: "quaternion of camera orientation"),
    // zero looking north and level: the gimbal's pitch and roll against the horizon, its yaw.
    m.q = quaternionFromDeg(a.cameraAttitudeDeg);
    m.imageIndex = index;
    m.captureResult = 0 as common.CameraImageCaptured['captureResult'];
    m.fileUrl = '';
    return m;
  }

  private information(): common.CameraInformation {
    const { lens } = this.opts;
    const m = new common.CameraInformation();
    m.timeBootMs = Math.floor(this.aircraft.simTimeS * 1000) >>> 0;
    m.vendorName = chars('Aerie', 32);
    m.modelName = chars('Simulated nadir camera', 32);
    m.firmwareVersion = 0;
    m.focalLength = SENSOR_WIDTH_MM / 2 / Math.tan(((lens.hfovDeg / 2) * Math.PI) / 180);
    m.sensorSizeH = SENSOR_WIDTH_MM;
    m.sensorSizeV = (SENSOR_WIDTH_MM * lens.height) / lens.width;
    m.resolutionH = lens.width;
    m.resolutionV = lens.height;
    m.lensId = 0;
    m.flags = ((this.opts.captureStill ? CAP_CAPTURE_IMAGE : 0) |
      (this.opts.stream ? CAP_HAS_VIDEO_STREAM : 0)) as common.CameraCapFlags;
    m.camDefinitionVersion = 0;
    m.camDefinitionUri = '';
    // The gimbal the autopilot drives (sim/gimbal.ts): the camera's attitude is that gimbal's.
    m.gimbalDeviceId = AUTOPILOT_GIMBAL_ID;
    m.cameraDeviceId = 0;
    return m;
  }

  private streamInformation(s: AnnouncedStream): common.VideoStreamInformation {
    const { lens } = this.opts;
    const m = new common.VideoStreamInformation();
    m.streamId = 1;
    m.count = 1;
    m.type = s.type as common.VideoStreamType;
    m.flags = VIDEO_STREAM_STATUS_FLAGS_RUNNING as common.VideoStreamStatusFlags;
    m.framerate = this.opts.fps;
    m.resolutionH = lens.width;
    m.resolutionV = lens.height;
    m.bitrate = 0;
    m.rotation = 0;
    m.hfov = Math.round(lens.hfovDeg);
    m.name = s.name ?? 'live';
    m.uri = s.uri;
    m.encoding = s.encoding as common.VideoStreamEncoding;
    m.cameraDeviceId = 0;
    return m;
  }

  private ack(to: Partner, command: number, result: number): void {
    const m = new common.CommandAck();
    m.command = command as common.MavCmd;
    m.result = result as common.MavResult;
    m.progress = 0;
    m.resultParam2 = 0;
    m.targetSystem = to.sysid;
    m.targetComponent = to.compid;
    this.send(m);
  }
}

interface Partner {
  sysid: number;
  compid: number;
}
