/**
 * Camera discovery (MAVLink camera protocol v2, mavlink-devguide `services/camera.md`), as
 * QGroundControl's camera manager and MAVSDK's camera plugin do it: a component that sent a
 * camera HEARTBEAT is asked for CAMERA_INFORMATION, and when its capability flags say it has
 * a video stream, for VIDEO_STREAM_INFORMATION of all its streams (param2 = 0: one message per
 * stream, each carrying the stream count).
 *
 *   info ──CAMERA_INFORMATION──▶ no HAS_VIDEO_STREAM flag ──▶ done(ok, no streams)
 *    │                          └─ has it ─▶ streams
 *    │ ──UNSUPPORTED (no REQUEST_MESSAGE)──▶ info, legacy MAV_CMD_REQUEST_CAMERA_INFORMATION (521)
 *    │ ──Timeout / DENIED / FAILED──▶ done(that failure)
 *   streams ──first VIDEO_STREAM_INFORMATION──▶ all `count` streams in? ─▶ done(ok)
 *    │                                         └─ not yet ─▶ collecting
 *    │ ──UNSUPPORTED──▶ streams, legacy MAV_CMD_REQUEST_VIDEO_STREAM_INFORMATION (2504)
 *    │ ──failure──▶ done(ok, the streams it has) when it has any, else done(that failure)
 *   collecting ──VIDEO_STREAM_INFORMATION──▶ all in? ─▶ done(ok)
 *              ──timeout──▶ streams, asking for the first missing stream by id (up to
 *                           `streamRetries` times; then done(ok) with the streams it has)
 *
 * Who resends what: each request runs the request-message transaction (`intervals.ts`), which
 * resends the command (confirmation +1) after `timeoutMs` and asks again when the command was
 * accepted but the message never came. A stream message that arrives at any time during
 * discovery counts (a late answer to an earlier request is as good as a fresh one).
 *
 * Quirks (the table below): cameras written before the generic requester answer
 * MAV_CMD_REQUEST_MESSAGE with UNSUPPORTED; the devguide's migration notes ask ground stations
 * to fall back to the specific request commands then.
 */

import type {
  CameraImagePayload,
  CameraStreamEncoding,
  CameraStreamsPayload,
  CameraStreamType,
  CameraStreamWire,
} from '@aerie/contracts';
import { CAMERA_COMPIDS } from '@aerie/contracts';
import { common } from 'node-mavlink';
import type { MessagePort } from '../codec/types.ts';
import type { Result } from '../result.ts';
import { fail, ok } from '../result.ts';
import type { CommandErrorCode } from './command.ts';
import { initialCommandState } from './command.ts';
import {
  initialRequestMessageState,
  type RequestMessageResult,
  type RequestMessageState,
  requestMessageStep,
} from './intervals.ts';
import type { Effect, ProtocolEvent, Step, Target } from './machine.ts';
import { DEFAULT_TIMEOUT_MS, drive, fromTarget, sendErrorMessage } from './machine.ts';

export { CAMERA_COMPIDS };
/** MAV_TYPE_CAMERA in HEARTBEAT.type. */
export const MAV_TYPE_CAMERA = 30;
export const MAV_CMD_REQUEST_CAMERA_INFORMATION = 521;
export const MAV_CMD_REQUEST_VIDEO_STREAM_INFORMATION = 2504;
/** CAMERA_CAP_FLAGS_HAS_VIDEO_STREAM. */
export const CAMERA_CAP_HAS_VIDEO_STREAM = 256;

/** Camera quirks the discovery handles, and how. */
export const CAMERA_QUIRKS: readonly { who: string; what: string; handling: string }[] = [
  {
    who: 'cameras and camera managers older than the generic requester (camera protocol v2 migration)',
    what: 'answer MAV_CMD_REQUEST_MESSAGE with MAV_RESULT_UNSUPPORTED',
    handling:
      'ask again with MAV_CMD_REQUEST_CAMERA_INFORMATION (521) / MAV_CMD_REQUEST_VIDEO_STREAM_INFORMATION (2504)',
  },
  {
    who: 'cameras without a streaming server (photo-only payloads)',
    what: 'leave CAMERA_CAP_FLAGS_HAS_VIDEO_STREAM unset and may not answer VIDEO_STREAM_INFORMATION',
    handling: 'streams are not requested (QGroundControl does the same); the camera is reported with none',
  },
];

/** Whether a HEARTBEAT comes from a camera component: MAV_TYPE_CAMERA, or a camera component id. */
export function isCameraHeartbeat(compid: number, type: number): boolean {
  return type === MAV_TYPE_CAMERA || (compid >= CAMERA_COMPIDS.first && compid <= CAMERA_COMPIDS.last);
}

export interface CameraDiscoveryConfig {
  target: Target;
  /** Wait for each COMMAND_ACK before resending (default 1500 ms). */
  timeoutMs?: number;
  /** Command resends per request (default 3: a camera is not worth a 9 s wait per request). */
  retries?: number;
  /** Wait for the message after an accepted request, and for the rest of the streams (default 1500 ms). */
  messageTimeoutMs?: number;
  /** Fresh requests for streams that did not come with the first answer (default 2). */
  streamRetries?: number;
}

export type CameraDiscoveryResult = Result<CameraStreamsPayload, CommandErrorCode>;

interface Cfg {
  target: Target;
  timeoutMs: number;
  retries: number;
  messageTimeoutMs: number;
  streamRetries: number;
}

type Inner = RequestMessageState;

export type CameraDiscoveryState =
  | { phase: 'info'; cfg: Cfg; inner: Inner; legacy: boolean }
  | {
      phase: 'streams';
      cfg: Cfg;
      info: common.CameraInformation;
      inner: Inner;
      legacy: boolean;
      streams: Map<number, CameraStreamWire>;
      count: number;
      rerequests: number;
    }
  | {
      phase: 'collecting';
      cfg: Cfg;
      info: common.CameraInformation;
      streams: Map<number, CameraStreamWire>;
      count: number;
      rerequests: number;
    }
  | { phase: 'done' };

type DStep = Step<CameraDiscoveryState, never, CameraDiscoveryResult>;
type DEffect = Effect<never, CameraDiscoveryResult>;

/** A request for one message: generic (REQUEST_MESSAGE) or a legacy command with its own id. */
function request(cfg: Cfg, messageId: number, legacyCommand: number | null, param: number): Inner {
  const base = initialRequestMessageState({
    target: cfg.target,
    message: messageId,
    timeoutMs: cfg.timeoutMs,
    retries: cfg.retries,
    messageTimeoutMs: cfg.messageTimeoutMs,
    messageRetries: 1,
    param2: param,
  });
  if (legacyCommand === null || base.phase !== 'commanding') return base;
  // 521: param1 1 = send CAMERA_INFORMATION; 2504: param1 = stream id (0 all).
  const command = { ...base.cfg.command, command: legacyCommand, param1: legacyCommand === 521 ? 1 : param };
  delete command.param2;
  return { ...base, cfg: { ...base.cfg, command }, inner: initialCommandState(command) };
}

export function initialCameraDiscoveryState(config: CameraDiscoveryConfig): CameraDiscoveryState {
  const cfg: Cfg = {
    target: config.target,
    timeoutMs: config.timeoutMs ?? DEFAULT_TIMEOUT_MS,
    retries: config.retries ?? 3,
    messageTimeoutMs: config.messageTimeoutMs ?? DEFAULT_TIMEOUT_MS,
    streamRetries: config.streamRetries ?? 2,
  };
  return { phase: 'info', cfg, inner: request(cfg, common.CameraInformation.MSG_ID, null, 0), legacy: false };
}

const STREAM_TYPES: readonly CameraStreamType[] = ['rtsp', 'rtp_udp', 'tcp_mpeg', 'mpeg_ts'];
const ENCODINGS: readonly CameraStreamEncoding[] = ['unknown', 'h264', 'h265'];

/** A MAVLink char[] field as text (node-mavlink gives strings; vendor/model names are uint8[]). */
function text(v: string | number[] | undefined): string {
  if (typeof v === 'string') return v.replace(/\0+$/, '');
  if (!Array.isArray(v)) return '';
  const end = v.indexOf(0);
  return Buffer.from(end < 0 ? v : v.slice(0, end)).toString('utf8');
}

/** One VIDEO_STREAM_INFORMATION in plain units. */
export function streamFromMessage(m: common.VideoStreamInformation): CameraStreamWire {
  const round = (v: number) => (Number.isFinite(v) ? Math.round(v * 100) / 100 : 0);
  return {
    streamId: m.streamId,
    name: text(m.name),
    uri: text(m.uri),
    type: STREAM_TYPES[m.type] ?? 'rtsp',
    encoding: ENCODINGS[m.encoding] ?? 'unknown',
    widthPx: m.resolutionH,
    heightPx: m.resolutionV,
    fps: round(m.framerate),
    hfovDeg: m.hfov,
    bitrateKbps: m.bitrate,
  };
}

function payload(
  target: Target,
  info: common.CameraInformation,
  streams: Map<number, CameraStreamWire>,
): CameraStreamsPayload {
  return {
    compid: target.compid,
    vendor: text(info.vendorName),
    model: text(info.modelName),
    widthPx: info.resolutionH,
    heightPx: info.resolutionV,
    // A stream without a URI cannot be opened; the camera announced it all the same.
    streams: [...streams.values()].filter((s) => s.uri !== '').sort((a, b) => a.streamId - b.streamId),
  };
}

function finish(result: CameraDiscoveryResult, effects: DEffect[] = []): DStep {
  return {
    state: { phase: 'done' },
    effects: [...effects, { kind: 'clearTimer' }, { kind: 'done', result }],
  };
}

/** Runs the inner request step; returns its passthrough effects and its result if it finished. */
function runInner(
  inner: Inner,
  event: ProtocolEvent,
): { inner: Inner; effects: DEffect[]; result?: RequestMessageResult } {
  const out = requestMessageStep(inner, event);
  const effects: DEffect[] = [];
  let result: RequestMessageResult | undefined;
  for (const e of out.effects) {
    if (e.kind === 'done') result = e.result;
    else if (e.kind !== 'progress') effects.push(e);
  }
  return { inner: out.state, effects, ...(result ? { result } : {}) };
}

function startStreams(
  cfg: Cfg,
  info: common.CameraInformation,
  streams: Map<number, CameraStreamWire>,
  count: number,
  rerequests: number,
  legacy: boolean,
  now: number,
): DStep {
  const missing = count > 0 ? firstMissing(streams, count) : 0;
  const inner = request(
    cfg,
    common.VideoStreamInformation.MSG_ID,
    legacy ? MAV_CMD_REQUEST_VIDEO_STREAM_INFORMATION : null,
    missing,
  );
  const out = runInner(inner, { kind: 'started', now });
  return {
    state: { phase: 'streams', cfg, info, inner: out.inner, legacy, streams, count, rerequests },
    effects: out.effects,
  };
}

function firstMissing(streams: Map<number, CameraStreamWire>, count: number): number {
  for (let id = 1; id <= count; id++) if (!streams.has(id)) return id;
  return 0;
}

/** The pure transition function of camera discovery. */
export function cameraDiscoveryStep(state: CameraDiscoveryState, event: ProtocolEvent): DStep {
  if (state.phase === 'done') return { state, effects: [] };
  if (event.kind === 'cancel') return finish(fail('Cancelled', 'camera discovery cancelled'));
  const cfg = state.cfg;

  if (state.phase === 'info') {
    const out = runInner(state.inner, event);
    if (!out.result) return { state: { ...state, inner: out.inner }, effects: out.effects };
    if (!out.result.ok) {
      if (out.result.error.code === 'Unsupported' && !state.legacy) {
        const legacy = request(cfg, common.CameraInformation.MSG_ID, MAV_CMD_REQUEST_CAMERA_INFORMATION, 0);
        const started = runInner(legacy, { kind: 'started', now: event.now });
        return {
          state: { phase: 'info', cfg, inner: started.inner, legacy: true },
          effects: [...out.effects, ...started.effects],
        };
      }
      return finish(out.result, out.effects);
    }
    const info = out.result.value as common.CameraInformation;
    if ((info.flags & CAMERA_CAP_HAS_VIDEO_STREAM) === 0)
      return finish(ok(payload(cfg.target, info, new Map())), out.effects);
    const next = startStreams(cfg, info, new Map(), 0, 0, state.legacy, event.now);
    return { state: next.state, effects: [...out.effects, ...next.effects] };
  }

  // streams or collecting: every stream message from the camera counts, whenever it comes.
  let streams = state.streams;
  let count = state.count;
  if (
    event.kind === 'message' &&
    event.inbound.msgid === common.VideoStreamInformation.MSG_ID &&
    fromTarget(event.inbound, cfg.target)
  ) {
    const m = event.inbound.message as common.VideoStreamInformation;
    streams = new Map(streams).set(m.streamId, streamFromMessage(m));
    count = Math.max(count, m.count);
    if (count > 0 && firstMissing(streams, count) === 0)
      return finish(ok(payload(cfg.target, state.info, streams)));
  }

  if (state.phase === 'collecting') {
    if (event.kind !== 'timeout') return { state: { ...state, streams, count }, effects: [] };
    if (state.rerequests >= cfg.streamRetries) return finish(ok(payload(cfg.target, state.info, streams)));
    return startStreams(cfg, state.info, streams, count, state.rerequests + 1, false, event.now);
  }

  const out = runInner(state.inner, event);
  if (!out.result) return { state: { ...state, inner: out.inner, streams, count }, effects: out.effects };
  if (out.result.ok) {
    // The first stream arrived (the inner request ends on it); wait for the others.
    return {
      state: { phase: 'collecting', cfg, info: state.info, streams, count, rerequests: state.rerequests },
      effects: [...out.effects, { kind: 'setTimer', ms: cfg.messageTimeoutMs }],
    };
  }
  if (out.result.error.code === 'Unsupported' && !state.legacy)
    return startStreams(cfg, state.info, streams, count, state.rerequests, true, event.now);
  if (streams.size > 0) return finish(ok(payload(cfg.target, state.info, streams)), out.effects);
  return finish(out.result, out.effects);
}

/** Discovers one camera component: its CAMERA_INFORMATION and its video streams. */
export function discoverCamera(
  port: MessagePort,
  config: CameraDiscoveryConfig & { signal?: AbortSignal },
): Promise<CameraDiscoveryResult> {
  return drive(port, cameraDiscoveryStep, initialCameraDiscoveryState(config), {
    ...(config.signal ? { signal: config.signal } : {}),
    onSendError: (error) => fail('SendFailed', `could not ask the camera: ${sendErrorMessage(error)}`),
  });
}

/** |sin(pitch)| beyond which yaw and roll are one axis (pitch within 0.08 deg of +-90). */
const GIMBAL_LOCK_SIN = 0.999999;

/**
 * A quaternion [w, x, y, z] as aerospace Euler angles in degrees (ZYX: yaw clockwise from north).
 * Looking straight down or up (a nadir camera's orientation) yaw and roll turn about the same
 * axis and the usual formulas give 0/0: roll is then 0 and yaw carries the whole rotation, so
 * the image's heading survives.
 */
export function eulerDegFromQuaternion(q: readonly number[]): {
  rollDeg: number;
  pitchDeg: number;
  yawDeg: number;
} {
  const [w = 1, x = 0, y = 0, z = 0] = q;
  const deg = 180 / Math.PI;
  const sinPitch = Math.max(-1, Math.min(1, 2 * (w * y - z * x)));
  const pitch = Math.asin(sinPitch);
  const locked = Math.abs(sinPitch) > GIMBAL_LOCK_SIN;
  const roll = locked ? 0 : Math.atan2(2 * (w * x + y * z), 1 - 2 * (x * x + y * y));
  const yaw = locked
    ? Math.atan2(2 * (w * z - x * y), 1 - 2 * (x * x + z * z))
    : Math.atan2(2 * (w * z + x * y), 1 - 2 * (y * y + z * z));
  // `|| 0`: no -0 in reports.
  const r = (v: number) => Math.round(v * deg * 100) / 100 || 0;
  return { rollDeg: r(roll), pitchDeg: r(pitch), yawDeg: (r(yaw) + 360) % 360 };
}

/**
 * One CAMERA_IMAGE_CAPTURED in plain units. The capture time is time_utc when the camera set it
 * (non-zero), else when the bridge heard the message.
 */
export function imageFromMessage(
  compid: number,
  m: common.CameraImageCaptured,
  receivedAtMs: number,
): CameraImagePayload {
  const utcUs = Number(m.timeUtc);
  const q = Array.isArray(m.q) && m.q.every(Number.isFinite) ? m.q : [1, 0, 0, 0];
  return {
    compid,
    capturedAtMs: utcUs > 0 ? Math.round(utcUs / 1000) : receivedAtMs,
    imageIndex: m.imageIndex,
    ok: Number(m.captureResult) === 1,
    lat: m.lat / 1e7,
    lon: m.lon / 1e7,
    altMslM: m.alt / 1000,
    altRelM: m.relativeAlt / 1000,
    ...eulerDegFromQuaternion(q),
    fileUrl: text(m.fileUrl),
  };
}
