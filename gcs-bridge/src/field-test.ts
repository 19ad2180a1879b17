/**
 * The field engineer's end-to-end check of one aircraft: wait for the vehicle, validate and
 * upload the plan, arm (waiting out PX4's post-boot refusal), start the mission, follow it to
 * landing and disarm, and summarise. Everything observable is reported through `onLine`
 * (the live timeline), and the outcome is a value with a stable code.
 */
import {
  distanceM,
  type Issue,
  isFlyable,
  parseRouteFile,
  type Route,
  summarizeRoute,
  toMissionItems,
  validateRoute,
} from '@aerie/missions';
import { type LinkLossOutcome, px4LinkLossOutcome } from './autopilot/link-loss.ts';
import type { Bridge, VehicleSnapshot } from './bridge.ts';
import {
  type CompletionEvidence,
  createMissionCompletion,
  stepMissionCompletion,
  summarizeCompletion,
} from './vehicle/mission-completion.ts';
import type { VehicleEvent } from './vehicle/state.ts';
import type { Vehicle } from './vehicle/vehicle.ts';

export type FieldTestErrorCode =
  | 'BadPlan'
  | 'PlanRejected'
  | 'NoVehicle'
  | 'UnsupportedAutopilot'
  | 'UploadFailed'
  | 'ArmFailed'
  | 'StartFailed'
  | 'VehicleLost'
  | 'Timeout';

export interface FieldTestSummary {
  ok: boolean;
  sysid: number | null;
  autopilot: string | null;
  plan: string;
  itemsTotal: number;
  /** Items reached: reported by the vehicle, passed by its current index, or all once complete. */
  itemsReached: number;
  /** Items the vehicle reported with MISSION_ITEM_REACHED (PX4 does not report every one). */
  itemsReported: number;
  missionComplete: boolean;
  /** What showed the mission complete (see vehicle/mission-completion.ts). */
  completionEvidence: CompletionEvidence[];
  durationS: number;
  distanceM: number;
  maxAltRelM: number;
  missionId: string | null;
  error?: { code: FieldTestErrorCode; message: string; issues?: Issue[] };
}

export interface FieldTestOptions {
  bridge: Bridge;
  planText: string;
  planName: string;
  sysid?: number;
  /** How long to wait for the vehicle's heartbeat. */
  connectTimeoutMs?: number;
  /** How long to keep retrying an arm that the vehicle temporarily refuses. */
  armRetryMs?: number;
  /** Give up on a flight that has not landed and disarmed after this long. */
  flightTimeoutMs?: number;
  /** A vehicle silent this long in flight fails the test. */
  lostTimeoutMs?: number;
  /** Validation limits (ceiling, distance from home, ...), passed to the missions library. */
  ceilingM?: number;
  maxDistanceFromHomeM?: number;
  onLine?: (line: string) => void;
}

export async function runFieldTest(opts: FieldTestOptions): Promise<FieldTestSummary> {
  const started = Date.now();
  const say = (line: string) =>
    opts.onLine?.(`[${((Date.now() - started) / 1000).toFixed(1).padStart(6)}s] ${line}`);
  const summary: FieldTestSummary = {
    ok: false,
    sysid: null,
    autopilot: null,
    plan: opts.planName,
    itemsTotal: 0,
    itemsReached: 0,
    itemsReported: 0,
    missionComplete: false,
    completionEvidence: [],
    durationS: 0,
    distanceM: 0,
    maxAltRelM: 0,
    missionId: null,
  };
  const failWith = (code: FieldTestErrorCode, message: string, issues?: Issue[]): FieldTestSummary => {
    summary.error = issues ? { code, message, issues } : { code, message };
    summary.durationS = round1((Date.now() - started) / 1000);
    say(`FAILED (${code}): ${message}`);
    return summary;
  };

  const parsed = parseRouteFile(opts.planText, opts.planName);
  if (!parsed.ok) return failWith('BadPlan', `${opts.planName}: ${parsed.error.message}`);
  const route: Route = parsed.route;

  say(`waiting for ${opts.sysid === undefined ? 'a vehicle' : `vehicle ${opts.sysid}`}...`);
  const vehicle = await opts.bridge.waitForVehicle(opts.sysid, opts.connectTimeoutMs ?? 15_000);
  if (!vehicle)
    return failWith(
      'NoVehicle',
      `no heartbeat heard within ${((opts.connectTimeoutMs ?? 15_000) / 1000).toFixed(0)} s`,
    );
  const state = vehicle.state;
  summary.sysid = state.sysid;
  summary.autopilot = state.autopilot;
  say(
    `vehicle ${state.sysid}: ${state.autopilot}, mode ${state.mode}, ${state.armed ? 'armed' : 'disarmed'}`,
  );
  if (state.autopilot === 'generic') {
    return failWith(
      'UnsupportedAutopilot',
      'the vehicle is neither PX4 nor ArduPilot; its mission conventions are unknown',
    );
  }
  const flavour = state.autopilot;

  // The home position anchors distance checks and ArduPilot's item 0; PX4 sends it at boot and
  // on request.
  const home = await waitForHome(vehicle, 5000);
  const homeOpt = home ? { home: { lat: home.lat, lon: home.lon, altM: home.altMslM } } : {};
  const issues = validateRoute(route, {
    flavour,
    ...homeOpt,
    ...(opts.ceilingM !== undefined ? { ceilingM: opts.ceilingM } : {}),
    ...(opts.maxDistanceFromHomeM !== undefined ? { maxDistanceFromHomeM: opts.maxDistanceFromHomeM } : {}),
  });
  for (const i of issues)
    say(`${i.severity}: ${i.code}${i.item === null ? '' : ` (item ${i.item})`}: ${i.message}`);
  if (!isFlyable(issues)) {
    return failWith(
      'PlanRejected',
      `the plan may not fly: ${issues.filter((i) => i.severity === 'error').length} error(s)`,
      issues,
    );
  }
  const estimate = summarizeRoute(route, { flavour, ...homeOpt });
  const items = toMissionItems(route, { flavour, ...homeOpt });
  summary.itemsTotal = items.length;
  say(
    `plan ${route.name}: ${items.length} mission items, ${Math.round(estimate.distanceM)} m, about ${formatDuration(estimate.durationS)}`,
  );

  let lastPct = -1;
  const upload = await vehicle.uploadMission(items, {
    onProgress: (p) => {
      const pct = Math.floor((p.sent / p.total) * 10) * 10;
      if (pct !== lastPct) {
        lastPct = pct;
        say(`upload ${p.sent}/${p.total}`);
      }
    },
  });
  if (!upload.ok) return failWith('UploadFailed', upload.error.message);
  summary.missionId = upload.value.opaqueId
    ? `0x${upload.value.opaqueId.toString(16).padStart(8, '0')}`
    : null;
  say(`upload complete${summary.missionId ? `, mission id ${summary.missionId}` : ''}`);

  // Follow the flight from here on: every event goes on the timeline.
  const completion = createMissionCompletion(items.length, items.at(-1)?.command ?? null);
  const settle = () => {
    const c = summarizeCompletion(completion);
    summary.itemsReached = c.itemsReached;
    summary.itemsReported = c.itemsReported;
    summary.missionComplete = c.complete;
    summary.completionEvidence = c.evidence;
  };
  let inAir = false;
  let lastPos: { lat: number; lon: number } | null = null;
  const onEvent = (sysid: number, e: VehicleEvent) => {
    if (sysid !== state.sysid) return;
    const line = describeEvent(e);
    if (line) say(line);
    stepMissionCompletion(completion, e);
  };
  const onState = (s: VehicleSnapshot) => {
    if (s.sysid !== state.sysid) return;
    if (s.altRelM !== null) summary.maxAltRelM = Math.max(summary.maxAltRelM, s.altRelM);
    if (s.landed === false || (s.altRelM ?? 0) > 2) inAir = true;
    if (s.lat !== null && s.lon !== null) {
      const pos = { lat: s.lat, lon: s.lon };
      // GPS noise on the ground must not add up to distance.
      if (lastPos) {
        const d = distanceM(lastPos, pos);
        if (d >= 0.5) {
          summary.distanceM += d;
          lastPos = pos;
        }
      } else lastPos = pos;
    }
  };
  opts.bridge.on('vehicle.event', onEvent);
  opts.bridge.on('vehicle.state', onState);
  try {
    say('arming...');
    const armed = await vehicle.arm({ retryTemporarilyRejectedForMs: opts.armRetryMs ?? 30_000 });
    if (!armed.ok) return failWith('ArmFailed', armed.error.message);
    const flightStart = Date.now();
    const start = await vehicle.startMission();
    if (!start.ok) {
      await vehicle.disarm();
      return failWith('StartFailed', start.error.message);
    }
    say('mission started');

    const outcome = await followUntilLanded(vehicle, () => inAir, {
      timeoutMs: opts.flightTimeoutMs ?? 30 * 60_000,
      lostTimeoutMs: opts.lostTimeoutMs ?? 10_000,
    });
    settle();
    if (outcome !== 'landed') {
      return failWith(
        outcome === 'lost' ? 'VehicleLost' : 'Timeout',
        outcome === 'lost'
          ? `no heartbeat for ${((opts.lostTimeoutMs ?? 10_000) / 1000).toFixed(0)} s during the flight`
          : `the vehicle had not landed and disarmed after ${formatDuration((opts.flightTimeoutMs ?? 1_800_000) / 1000)}`,
      );
    }
    summary.ok = true;
    summary.durationS = round1((Date.now() - flightStart) / 1000);
    summary.distanceM = round1(summary.distanceM);
    summary.maxAltRelM = round1(summary.maxAltRelM);
    say(
      `done: ${summary.itemsReached} of ${summary.itemsTotal} items reached (${summary.itemsReported} reported)` +
        `${summary.missionComplete ? `, mission complete (${summary.completionEvidence.join(', ')})` : ', mission NOT complete'}, ` +
        `${formatDuration(summary.durationS)}, ${Math.round(summary.distanceM)} m flown, max altitude ${summary.maxAltRelM.toFixed(1)} m`,
    );
    return summary;
  } finally {
    opts.bridge.off('vehicle.event', onEvent);
    opts.bridge.off('vehicle.state', onState);
  }
}

/**
 * What the vehicle will do now that the field test stops talking to it. For PX4 the
 * data-link-loss parameters are read while the link is still up (each read bounded by
 * `timeoutMs`); a vehicle not heard, or not PX4, gets the documented default.
 */
export async function linkLossOutcome(
  bridge: Bridge,
  sysid: number | undefined,
  timeoutMs = 3000,
): Promise<LinkLossOutcome> {
  const target = sysid ?? bridge.vehicles()[0]?.sysid;
  const vehicle = target === undefined ? undefined : bridge.vehicle(target);
  if (!vehicle)
    return { action: 'none', fromVehicle: false, text: 'no vehicle was heard, so none is flying this test' };
  const s = vehicle.state;
  const inAir = s.armed && s.landed !== true;
  if (s.autopilot === 'ardupilot') {
    return {
      action: 'unknown',
      fromVehicle: false,
      text: 'the vehicle takes its ground-station failsafe action (FS_GCS_ENABLE) once it stops hearing this ground station',
    };
  }
  const read = async (id: string): Promise<number | null> => {
    if (!s.online) return null;
    const timeout = new Promise<null>((r) => setTimeout(() => r(null), timeoutMs).unref());
    const r = await Promise.race([vehicle.readParam(id), timeout]);
    return r?.ok ? r.value.value : null;
  };
  const navDllAct = await read('NAV_DLL_ACT');
  const lossTimeoutS = navDllAct === null ? null : await read('COM_DL_LOSS_T');
  const exceptMask = navDllAct === null ? null : await read('COM_DLL_EXCEPT');
  return px4LinkLossOutcome({ navDllAct, lossTimeoutS, exceptMask }, s.modeKind, inAir);
}

/** Waits until the vehicle has been in the air and is back on the ground, disarmed. */
function followUntilLanded(
  vehicle: Vehicle,
  wasInAir: () => boolean,
  limits: { timeoutMs: number; lostTimeoutMs: number },
): Promise<'landed' | 'lost' | 'timeout'> {
  const startedAt = Date.now();
  return new Promise((resolve) => {
    const timer = setInterval(() => {
      const s = vehicle.state;
      const now = Date.now();
      if (wasInAir() && !s.armed && s.landed !== false) return finish('landed');
      if (now - s.lastHeartbeatAtMs > limits.lostTimeoutMs) return finish('lost');
      if (now - startedAt > limits.timeoutMs) return finish('timeout');
    }, 100);
    function finish(r: 'landed' | 'lost' | 'timeout') {
      clearInterval(timer);
      resolve(r);
    }
  });
}

/** The home position, asking for it once if the vehicle has not sent it yet (null if it never does). */
function waitForHome(vehicle: Vehicle, timeoutMs: number): Promise<Vehicle['state']['home']> {
  if (vehicle.state.home) return Promise.resolve(vehicle.state.home);
  return new Promise((resolve) => {
    // The bridge applies HOME_POSITION to the state before it reaches subscribers.
    const unsubscribe = vehicle.port.subscribe((m) => {
      if (m.msgid === 242) finish();
    });
    const timer = setTimeout(finish, timeoutMs);
    function finish() {
      clearTimeout(timer);
      unsubscribe();
      resolve(vehicle.state.home);
    }
    // MAV_CMD_REQUEST_MESSAGE(HOME_POSITION): PX4 sends it at boot, but we may have missed it.
    void vehicle.command({ command: 512, param1: 242 }, { retries: 2 });
  });
}

function describeEvent(e: VehicleEvent): string | null {
  switch (e.type) {
    case 'mode_changed':
      return `mode ${e.to}`;
    case 'armed':
      return 'armed';
    case 'disarmed':
      return 'disarmed';
    case 'takeoff':
      return 'took off';
    case 'landing':
      return 'landed';
    case 'mission_item_reached':
      return `item ${e.seq} reached`;
    case 'mission_current_changed':
      return e.state === 'complete' ? 'mission complete' : `current item ${e.seq}/${e.total}`;
    case 'status_text':
      return `${e.severityName}: ${e.text}`;
    default:
      return null;
  }
}

const round1 = (x: number) => Math.round(x * 10) / 10;

export function formatDuration(s: number): string {
  const m = Math.floor(s / 60);
  const r = Math.round(s - m * 60);
  return m > 0 ? `${m}m${String(r).padStart(2, '0')}s` : `${r}s`;
}
