/**
 * One simulated multicopter: a MAVLink peer that answers like PX4 SITL (or ArduCopter) on
 * the wire, with simple but honest flight physics in its own simulated clock.
 *
 * Flight behaviours (what the vehicle does) are flavour-neutral; HEARTBEAT.custom_mode is
 * what the flavour calls it. Everything timed on the vehicle (telemetry, settle time, item
 * re-requests, auto-disarm) runs in simulated time, `speedup` times faster than real time.
 */
import { common, type MavLinkData, minimal, standard } from 'node-mavlink';
import { type DecodedMessage, FrameDecoder, FrameEncoder } from './codec.ts';
import {
  type Behaviour,
  behaviourForSetMode,
  CopterMode,
  customModeFor,
  type Flavour,
  MAV_AUTOPILOT_ARDUPILOTMEGA,
  MAV_AUTOPILOT_PX4,
  MAV_TYPE_QUADROTOR,
  modeName,
} from './flavour.ts';
import { northEastM, offsetLatLon, wrap2Pi, wrapPi } from './geo.ts';
import { type FaultyLink, UdpLink } from './link.ts';
import { MissionServer } from './mission-server.ts';
import { isGlobalFrame, MissionStore, MissionTypeId, type StoredItem } from './mission-store.ts';
import { decodeParamValue, encodeParamValue, ParamTable } from './params.ts';
import { buildStreams, type Stream, type StreamRates } from './telemetry.ts';
import { joinTicker, leaveTicker, SimTimers, TICK_MS, type Tickable } from './ticker.ts';

/** MAV_RESULT. */
export const MavResult = {
  Accepted: 0,
  TemporarilyRejected: 1,
  Denied: 2,
  Unsupported: 3,
  Failed: 4,
} as const;
/** MAV_LANDED_STATE. */
export const LandedState = { Undefined: 0, OnGround: 1, InAir: 2, Takeoff: 3, Landing: 4 } as const;
/** MISSION_STATE as MISSION_CURRENT reports it. */
export const MissionState = { NoMission: 1, NotStarted: 2, Active: 3, Paused: 4, Complete: 5 } as const;

const Sev = { Emergency: 0, Alert: 1, Critical: 2, Error: 3, Warning: 4, Notice: 5, Info: 6 } as const;
const FORCE_MAGIC = 21196;
const GRAVITY = 9.81;
const MAX_SUBSTEP_S = 0.1;
/** Real time a tick may cover at most; beyond this the simulated clock slows rather than jumps. */
const MAX_TICK_REAL_MS = 250;

/** A vehicle's faults; link faults are in real time, the rest act on the vehicle. */
export interface SimFaults {
  /** Random packet drop, both directions, 0-100 %. */
  lossPct?: number;
  /** Added one-way latency, real milliseconds. */
  latencyMs?: number;
  /** Nothing in or out for this many real seconds from now (0 ends a drop). */
  linkDropS?: number;
  /** GPS lost: fix type 0, no satellites, STATUSTEXT warning; arming refused. */
  gpsLoss?: boolean;
  /**
   * Drops the battery to this percentage (true: 6 %, below PX4's critical 7 %); a flying
   * vehicle warns and returns home.
   */
  lowBattery?: boolean | number;
}

/** What `SimVehicle.faults` reports. */
export interface ActiveFaults {
  lossPct: number;
  latencyMs: number;
  /** A link drop is in progress. */
  linkDown: boolean;
  gpsLoss: boolean;
}

/** Everything a vehicle is built from (already resolved and checked by the caller). */
export interface VehicleConfig {
  sysid: number;
  flavour: Flavour;
  home: { lat: number; lon: number; altM: number };
  speedup: number;
  settleS: number;
  preflightDisarmS: number | undefined;
  rates: Partial<StreamRates> | undefined;
  maxItems: number;
  duplicateAckChance: number;
  wind: { northMps: number; eastMps: number };
  batteryFlightMin: number;
  random: () => number;
}

interface Partner {
  sysid: number;
  compid: number;
}

interface Tuning {
  cruise: number;
  up: number;
  down: number;
  takeoffSpeed: number;
  landSpeed: number;
  accRad: number;
  rtlAlt: number;
  disarmLandS: number;
  preflightDisarmS: number;
  takeoffAlt: number;
  turnRate: number;
  batLow: number;
  batCrit: number;
}

/** Where the vehicle is heading in its current behaviour. */
interface NavTarget {
  lat: number;
  lon: number;
  /** Metres above home. */
  alt: number;
}

type RtlPhase = 'climb' | 'return' | 'descend';

type ItemPhase = { kind: 'go' } | { kind: 'wait'; untilMs: number } | { kind: 'forever' };

/**
 * A running simulated vehicle. Start it with `startVehicle` / `startFleet`; read its state
 * through the getters; change its faults with `injectFault` / `clearFaults`.
 */
export class SimVehicle implements Tickable {
  /** Its simulated-time timers (internal; exposed for diagnostics). */
  readonly timers = new SimTimers();
  private readonly params: ParamTable;
  private readonly store = new MissionStore();
  private readonly missions: MissionServer;
  private readonly encoder: FrameEncoder;
  private readonly decoder: FrameDecoder;
  private readonly streams: Map<number, Stream>;
  private tuning!: Tuning;
  private closed = false;

  private simMs = 0;
  private lastRealMs: number;

  // Kinematics: position, altitude AMSL, ground velocity (course + speed), vertical speed.
  private lat: number;
  private lon: number;
  private altAmsl: number;
  private readonly groundAmsl: number;
  private course = 0;
  private groundSpeed = 0;
  private climbRate = 0;
  private yaw = 0;
  private roll = 0;
  private pitch = 0;
  private yawRate = 0;
  private airspeed = 0;

  private isArmedNow = false;
  private onGround = true;
  private behaviour: Behaviour;
  private customMode: number;
  private failsafe = false;
  private home: { lat: number; lon: number; altM: number };
  private target: NavTarget;
  private takeoffAlt = 0;
  private rtlPhase: RtlPhase = 'climb';
  private cruiseOverride: number | undefined;
  private disarmTimer: number | undefined;

  // Mission execution (index into the stored list, which excludes ArduPilot's home).
  private missionIndex = 0;
  private missionStarted = false;
  private missionComplete = false;
  private itemPhase: ItemPhase = { kind: 'go' };
  private jumpCounts = new Map<number, number>();
  private reachedSeq = -1;
  private reachedPending = false;
  private reachedRepeatsLeft = 0;
  private reachedNextMs = 0;

  /** Other systems on this vehicle's transport (its dock): they see every inbound packet. */
  private readonly linkPeers = new Set<(buf: Buffer) => void>();
  /** Says why arming must be refused now (a closed dock lid over the aircraft), or undefined. */
  private armInterlock: (() => string | undefined) | undefined;

  private charge = 1;
  private batteryWarned = false;
  private batteryCritical = false;
  private consumedMah = 0;
  private gpsLost = false;

  /** Use `startVehicle`, which checks options and opens the transport. */
  constructor(
    readonly config: VehicleConfig,
    readonly link: FaultyLink,
  ) {
    this.params = new ParamTable(config.flavour, config.sysid);
    if (config.preflightDisarmS !== undefined) {
      this.params.set(
        config.flavour === 'px4' ? 'COM_DISARM_PRFLT' : 'DISARM_DELAY',
        config.preflightDisarmS,
      );
    }
    this.retune();
    this.encoder = new FrameEncoder(config.sysid, 1);
    this.streams = buildStreams(config.rates, (config.sysid * 0.618034) % 1);
    this.lat = config.home.lat;
    this.lon = config.home.lon;
    this.altAmsl = config.home.altM;
    this.groundAmsl = config.home.altM;
    this.home = { ...config.home };
    this.target = { lat: this.lat, lon: this.lon, alt: 0 };
    this.behaviour = config.flavour === 'px4' ? 'hold' : 'manual';
    this.customMode = customModeFor(config.flavour, this.behaviour);
    this.missions = new MissionServer(
      {
        flavour: config.flavour,
        timers: this.timers,
        now: () => this.simMs,
        send: (m) => this.send(m),
        statusText: (sev, text) => this.statusText(sev, text),
        maxItems: config.maxItems,
        homeItem: () => this.homeItem(),
        currentSeq: () => this.wireSeq(this.missionIndex),
        onListChanged: (type) => this.onListChanged(type),
      },
      this.store,
    );
    this.decoder = new FrameDecoder((m) => this.receive(m));
    link.onData((buf) => {
      this.decoder.push(buf);
      for (const peer of this.linkPeers) peer(buf);
    });
    this.lastRealMs = performance.now();
    joinTicker(this);
    this.sendStream(0);
  }

  // ---- public state -------------------------------------------------------------------

  get sysid(): number {
    return this.config.sysid;
  }

  get flavour(): Flavour {
    return this.config.flavour;
  }

  /** The UDP port it listens on (undefined on a serial link). */
  get port(): number | undefined {
    return this.link.inner instanceof UdpLink ? this.link.inner.port : undefined;
  }

  /** Its transport, e.g. `udp:18570` or `serial:/dev/pts/4`. */
  get endpoint(): string {
    return this.link.inner.description;
  }

  /** Simulated seconds since boot. */
  get simTimeS(): number {
    return this.simMs / 1000;
  }

  get position(): { lat: number; lon: number; altAmslM: number; altRelM: number } {
    return { lat: this.lat, lon: this.lon, altAmslM: this.altAmsl, altRelM: this.altAmsl - this.home.altM };
  }

  /** Attitude in degrees (yaw clockwise from north), for the simulated camera. */
  get attitudeDeg(): { rollDeg: number; pitchDeg: number; yawDeg: number } {
    const deg = 180 / Math.PI;
    return { rollDeg: this.roll * deg, pitchDeg: this.pitch * deg, yawDeg: this.yaw * deg };
  }

  get mode(): { name: string; customMode: number } {
    return { name: modeName(this.config.flavour, this.customMode), customMode: this.customMode };
  }

  get armed(): boolean {
    return this.isArmedNow;
  }

  get landed(): boolean {
    return this.onGround;
  }

  get landedState(): number {
    if (this.onGround) return LandedState.OnGround;
    if (
      this.behaviour === 'takeoff' ||
      (this.behaviour === 'mission' && this.currentItem()?.command === 22)
    ) {
      return LandedState.Takeoff;
    }
    if (this.isDescendingToLand()) return LandedState.Landing;
    return LandedState.InAir;
  }

  get battery(): { percent: number; voltageV: number } {
    return { percent: Math.round(this.charge * 100), voltageV: this.voltage() };
  }

  get homePosition(): { lat: number; lon: number; altM: number } {
    return { ...this.home };
  }

  get missionProgress(): { seq: number; total: number; state: number } {
    return { seq: this.wireSeq(this.missionIndex), total: this.missionTotal(), state: this.missionState() };
  }

  /** Faults in force now. */
  get faults(): ActiveFaults {
    return {
      lossPct: this.link.faults.lossPct,
      latencyMs: this.link.faults.latencyMs,
      linkDown: this.link.isDown,
      gpsLoss: this.gpsLost,
    };
  }

  /** Applies faults now; fields left out keep their current setting. */
  injectFault(f: SimFaults): void {
    if (f.lossPct !== undefined) this.link.faults.lossPct = f.lossPct;
    if (f.latencyMs !== undefined) this.link.faults.latencyMs = f.latencyMs;
    if (f.linkDropS !== undefined) {
      if (f.linkDropS > 0) this.link.dropFor(f.linkDropS);
      else this.link.restore();
    }
    if (f.gpsLoss !== undefined && f.gpsLoss !== this.gpsLost) {
      this.gpsLost = f.gpsLoss;
      if (f.gpsLoss) this.statusText(Sev.Critical, 'GPS signal lost\t');
      else this.statusText(Sev.Info, 'GPS signal regained');
    }
    if (f.lowBattery !== undefined && f.lowBattery !== false) {
      const pct = f.lowBattery === true ? 6 : f.lowBattery;
      this.charge = Math.min(this.charge, Math.max(0, pct) / 100);
      this.checkBattery();
    }
  }

  /**
   * Lets another MAVLink system share this vehicle's transport, as a dock controller on the
   * aircraft's link does: `onData` sees every inbound packet (the caller decodes and filters by
   * target), and `write` sends framed bytes the same way as the vehicle's own, link faults
   * included. `detach` ends the sharing.
   */
  shareLink(onData: (buf: Buffer) => void): { write(buf: Buffer): void; detach(): void } {
    this.linkPeers.add(onData);
    return {
      write: (buf) => {
        if (!this.closed) this.link.write(buf);
      },
      detach: () => {
        this.linkPeers.delete(onData);
      },
    };
  }

  /**
   * Installs a check run on every arm request (forced ones too: a closed lid is a physical
   * obstacle, not a preflight check); a returned reason refuses arming with DENIED and a
   * STATUSTEXT "Arming denied: <reason>". Undefined removes the check.
   */
  setArmInterlock(check: (() => string | undefined) | undefined): void {
    this.armInterlock = check;
  }

  /**
   * Adds charge from a charger (a fraction of a full battery, e.g. 0.01 for 1 %); only while
   * disarmed. Returns the new state of charge 0..1. Low and critical warnings re-arm once the
   * battery is back above their thresholds.
   */
  chargeBattery(fraction: number): number {
    if (this.isArmedNow || !(fraction > 0)) return this.charge;
    this.charge = Math.min(1, this.charge + fraction);
    if (this.charge > this.tuning.batLow) this.batteryWarned = false;
    if (this.charge > this.tuning.batCrit) this.batteryCritical = false;
    return this.charge;
  }

  /** State of charge 0..1, unrounded (`battery.percent` is what telemetry reports). */
  get stateOfCharge(): number {
    return this.charge;
  }

  /** Ends link faults and GPS loss (a drained battery stays drained). */
  clearFaults(): void {
    this.injectFault({ lossPct: 0, latencyMs: 0, linkDropS: 0, gpsLoss: false });
  }

  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    leaveTicker(this);
    this.timers.clear();
    this.missions.close();
    this.decoder.close();
    await this.link.close();
  }

  // ---- clock --------------------------------------------------------------------------

  tick(realNowMs: number): void {
    if (this.closed) return;
    const dtReal = Math.min(MAX_TICK_REAL_MS, Math.max(0, realNowMs - this.lastRealMs));
    this.lastRealMs = realNowMs;
    // After a stall (GC, a loaded machine) the clock slows rather than jumps, so replies that
    // waited in the socket meanwhile are read before any protocol timer can fire.
    const maxDt = Math.max(1, (TICK_MS * 2.5 * this.config.speedup) / 1000);
    let dt = Math.min(maxDt, (dtReal * this.config.speedup) / 1000);
    const steps = Math.min(50, Math.max(1, Math.ceil(dt / MAX_SUBSTEP_S)));
    const h = dt / steps;
    for (let i = 0; i < steps && dt > 0; i++) {
      this.simMs += h * 1000;
      this.step(h);
      this.timers.run(this.simMs);
      dt -= h;
    }
    this.flushReached();
    this.runStreams();
  }

  // ---- wire ---------------------------------------------------------------------------

  private send(message: MavLinkData): void {
    if (this.closed) return;
    this.link.write(this.encoder.encode(message));
  }

  private statusText(severity: number, text: string): void {
    const m = new common.StatusText();
    m.severity = severity;
    m.text = text.slice(0, 50);
    this.send(m);
  }

  private receive(d: DecodedMessage): void {
    if (this.closed || d.sysid === this.config.sysid) return;
    const msg = d.message as MavLinkData & { targetSystem?: number; targetComponent?: number };
    if (msg.targetSystem !== undefined && msg.targetSystem !== 0 && msg.targetSystem !== this.config.sysid)
      return;
    if (msg.targetComponent !== undefined && msg.targetComponent !== 0 && msg.targetComponent !== 1) return;
    const from: Partner = { sysid: d.sysid, compid: d.compid };
    if (this.missions.handle(from, msg)) return;
    if (msg instanceof common.CommandLong) {
      this.onCommand(from, msg.command, [
        msg._param1,
        msg._param2,
        msg._param3,
        msg._param4,
        msg._param5,
        msg._param6,
        msg._param7,
      ]);
    } else if (msg instanceof common.CommandInt) {
      this.onCommand(
        from,
        msg.command,
        [msg._param1, msg._param2, msg._param3, msg._param4, msg._param5, msg._param6, msg._param7],
        msg.frame,
      );
    } else if (msg instanceof common.MissionSetCurrent) {
      this.onSetCurrent(msg.seq);
    } else if (msg instanceof common.ParamRequestList) {
      for (let i = 0; i < this.params.list.length; i++) this.sendParam(i);
    } else if (msg instanceof common.ParamRequestRead) {
      const idx = msg.paramIndex >= 0 ? msg.paramIndex : this.params.indexOf(msg.paramId);
      if (idx >= 0 && idx < this.params.list.length) this.sendParam(idx);
    } else if (msg instanceof common.ParamSet) {
      const idx = this.params.indexOf(msg.paramId);
      if (idx < 0) return;
      const def = this.params.list[idx]!;
      this.params.set(def.id, decodeParamValue(this.config.flavour, def.type, msg.paramValue));
      this.retune();
      this.sendParam(idx);
    } else if (msg instanceof common.SetMode) {
      // The legacy SET_MODE message: answered as DO_SET_MODE, as PX4 and ArduPilot do.
      const cm = msg.customMode >>> 0;
      const ap = this.config.flavour === 'ardupilot';
      this.onCommand(from, 176, [msg.baseMode, ap ? cm : (cm >> 16) & 0xff, ap ? 0 : cm >>> 24]);
    } else if (msg instanceof common.SetPositionTargetGlobalInt) {
      this.onPositionTarget(msg);
    }
  }

  private sendParam(idx: number): void {
    const def = this.params.list[idx]!;
    const m = new common.ParamValue();
    m.paramId = def.id;
    m.paramValue = encodeParamValue(this.config.flavour, def);
    m.paramType = def.type;
    m.paramCount = this.params.list.length;
    m.paramIndex = idx;
    this.send(m);
  }

  private retune(): void {
    const p = this.params;
    if (this.config.flavour === 'px4') {
      this.tuning = {
        cruise: p.get('MPC_XY_CRUISE'),
        up: p.get('MPC_Z_VEL_MAX_UP'),
        down: p.get('MPC_Z_VEL_MAX_DN'),
        takeoffSpeed: p.get('MPC_TKO_SPEED'),
        landSpeed: p.get('MPC_LAND_SPEED'),
        accRad: p.get('NAV_ACC_RAD'),
        rtlAlt: p.get('RTL_RETURN_ALT'),
        disarmLandS: p.get('COM_DISARM_LAND'),
        preflightDisarmS: p.get('COM_DISARM_PRFLT'),
        takeoffAlt: p.get('MIS_TAKEOFF_ALT'),
        turnRate: (p.get('MPC_YAWRAUTO_MAX') * Math.PI) / 180,
        batLow: p.get('BAT_LOW_THR'),
        batCrit: p.get('BAT_CRIT_THR'),
      };
    } else {
      this.tuning = {
        cruise: p.get('WPNAV_SPEED') / 100,
        up: p.get('WPNAV_SPEED_UP') / 100,
        down: p.get('WPNAV_SPEED_DN') / 100,
        takeoffSpeed: p.get('WPNAV_SPEED_UP') / 100,
        landSpeed: p.get('LAND_SPEED') / 100,
        accRad: p.get('WPNAV_RADIUS') / 100,
        rtlAlt: p.get('RTL_ALT') / 100,
        disarmLandS: 2,
        preflightDisarmS: p.get('DISARM_DELAY'),
        takeoffAlt: 2.5,
        turnRate: Math.PI / 2,
        batLow: 0.15,
        batCrit: 0.07,
      };
    }
  }

  // ---- commands -----------------------------------------------------------------------

  private ack(to: Partner, command: number, result: number): void {
    const m = new common.CommandAck();
    m.command = command;
    m.result = result;
    m.targetSystem = to.sysid;
    m.targetComponent = to.compid;
    this.send(m);
    // PX4 sometimes answers one command twice; ground stations must not count acks.
    if (this.config.duplicateAckChance > 0 && this.config.random() < this.config.duplicateAckChance)
      this.send(m);
  }

  private onCommand(from: Partner, command: number, p: number[], frame?: number): void {
    this.ack(from, command, this.runCommand(command, p, frame));
  }

  /** Carries out a command; returns the MAV_RESULT to acknowledge. */
  private runCommand(command: number, p: number[], frame?: number): number {
    const [p1 = 0, p2 = 0, p3 = 0, , p5 = 0, p6 = 0, p7 = 0] = p;
    switch (command) {
      case 400:
        return p1 >= 0.5
          ? this.cmdArm(Math.round(p2) === FORCE_MAGIC)
          : this.cmdDisarm(Math.round(p2) === FORCE_MAGIC);
      case 22:
        return this.cmdTakeoff(p7);
      case 176:
        return this.cmdSetMode(p1, p2, p3);
      case 300:
        return this.cmdMissionStart(p1);
      case 20:
        return this.enter('rtl');
      case 21:
        return this.enter('land');
      case 192:
        return this.cmdReposition(p5, p6, p7, frame);
      case 193:
        return this.cmdPauseContinue(p1);
      case 179:
        return this.cmdSetHome(p1, p5, p6, p7, frame);
      case 178:
        // DO_CHANGE_SPEED: param2 m/s; -1 (or 0) back to the cruise parameter.
        this.cruiseOverride = p2 > 0 ? p2 : undefined;
        return MavResult.Accepted;
      case 511:
        return this.cmdSetMessageInterval(p1, p2);
      case 510:
        return this.cmdGetMessageInterval(p1);
      case 512: {
        const sent = this.sendOnce(Math.round(p1));
        return sent ? MavResult.Accepted : MavResult.Denied;
      }
      case 520:
        if (p1 < 0.5) return MavResult.Accepted;
        this.sendOnce(148);
        return MavResult.Accepted;
      default:
        return MavResult.Unsupported;
    }
  }

  private cmdArm(force: boolean): number {
    if (this.isArmedNow) return MavResult.Accepted;
    const blocked = this.armInterlock?.();
    if (blocked) {
      this.statusText(Sev.Critical, `Arming denied: ${blocked}`);
      return MavResult.Denied;
    }
    if (!force) {
      // Estimators settle for a while after boot; PX4 explains why in EVENT messages only.
      if (this.simMs < this.config.settleS * 1000) return MavResult.TemporarilyRejected;
      if (this.gpsLost) return MavResult.TemporarilyRejected;
      if (this.charge <= this.tuning.batCrit) return MavResult.TemporarilyRejected;
    }
    if (this.behaviour === 'mission' && this.store.items(0).length === 0)
      return MavResult.TemporarilyRejected;
    this.isArmedNow = true;
    this.home = { lat: this.lat, lon: this.lon, altM: this.altAmsl };
    this.sendOnce(242);
    this.statusText(Sev.Info, 'Armed by external command');
    this.timers.cancel(this.disarmTimer);
    if (this.tuning.preflightDisarmS > 0) {
      this.disarmTimer = this.timers.after(this.simMs, this.tuning.preflightDisarmS * 1000, () => {
        if (this.isArmedNow && this.onGround && !this.wantsToClimb())
          this.disarm('Disarmed by auto preflight disarming');
      });
    }
    if (this.behaviour === 'takeoff') this.startTakeoff(this.takeoffAlt || this.tuning.takeoffAlt);
    return MavResult.Accepted;
  }

  private cmdDisarm(force: boolean): number {
    if (!this.isArmedNow) return MavResult.Accepted;
    if (!this.onGround && !force) return MavResult.Denied;
    this.disarm('Disarmed by external command');
    if (!this.onGround) {
      // Forced disarm in the air: motors stop and it falls.
      this.altAmsl = this.groundAmsl;
      this.touchDown();
    }
    return MavResult.Accepted;
  }

  private disarm(text: string): void {
    this.isArmedNow = false;
    this.timers.cancel(this.disarmTimer);
    this.disarmTimer = undefined;
    this.groundSpeed = 0;
    this.climbRate = 0;
    this.statusText(Sev.Info, text);
  }

  private cmdTakeoff(p7: number): number {
    if (this.config.flavour === 'ardupilot') {
      // ArduCopter: user takeoff only in GUIDED, armed; param7 is metres above home.
      if (this.customMode !== CopterMode.Guided || !this.isArmedNow || !this.onGround)
        return MavResult.Failed;
      const alt = Number.isFinite(p7) && p7 > 0 ? p7 : this.tuning.takeoffAlt;
      this.behaviour = 'takeoff';
      this.startTakeoff(alt);
      return MavResult.Accepted;
    }
    // PX4: param7 is altitude AMSL; NaN means MIS_TAKEOFF_ALT above home.
    let alt = Number.isFinite(p7) ? p7 - this.home.altM : this.tuning.takeoffAlt;
    if (alt < this.tuning.takeoffAlt) alt = this.tuning.takeoffAlt;
    this.setBehaviour('takeoff');
    this.takeoffAlt = alt;
    if (this.isArmedNow) this.startTakeoff(alt);
    return MavResult.Accepted;
  }

  private startTakeoff(alt: number): void {
    this.takeoffAlt = alt;
    this.target = { lat: this.lat, lon: this.lon, alt };
  }

  private cmdSetMode(p1: number, p2: number, p3: number): number {
    const ap = this.config.flavour === 'ardupilot';
    if ((Math.round(p1) & 1) === 0) return ap ? MavResult.Failed : MavResult.Unsupported;
    const wanted = behaviourForSetMode(this.config.flavour, p2, p3);
    if (!wanted) return ap ? MavResult.Failed : MavResult.Unsupported;
    return this.enter(wanted.behaviour, wanted.customMode);
  }

  /** Switches behaviour as a ground station asked; returns the command result. */
  private enter(behaviour: Behaviour, customMode?: number): number {
    const ap = this.config.flavour === 'ardupilot';
    if (behaviour === 'mission' && this.store.items(0).length === 0)
      return ap ? MavResult.Failed : MavResult.Denied;
    // PX4 refuses OFFBOARD without a setpoint stream, which the simulator does not follow.
    if (behaviour === 'guided' && !ap) return MavResult.Denied;
    this.failsafe = false;
    if (behaviour === 'mission') this.resumeMission();
    this.setBehaviour(behaviour, customMode);
    return MavResult.Accepted;
  }

  private setBehaviour(behaviour: Behaviour, customMode?: number): void {
    const previous = this.behaviour;
    this.behaviour = behaviour;
    this.customMode = customMode ?? customModeFor(this.config.flavour, behaviour);
    if (behaviour !== 'mission' && previous === 'mission') this.itemPhase = { kind: 'go' };
    switch (behaviour) {
      case 'hold':
      case 'manual':
      case 'guided':
        this.target = { lat: this.lat, lon: this.lon, alt: this.altRel() };
        break;
      case 'takeoff':
        this.takeoffAlt = this.tuning.takeoffAlt;
        if (this.isArmedNow)
          this.startTakeoff(Math.max(this.tuning.takeoffAlt, this.onGround ? 0 : this.altRel()));
        break;
      case 'rtl':
        this.rtlPhase = 'climb';
        break;
      case 'land':
        this.target = { lat: this.lat, lon: this.lon, alt: 0 };
        break;
      case 'mission':
        break;
    }
  }

  private cmdMissionStart(first: number): number {
    if (this.store.items(0).length === 0)
      return this.config.flavour === 'ardupilot' ? MavResult.Failed : MavResult.Denied;
    const ap = this.config.flavour === 'ardupilot';
    const start = Number.isFinite(first) ? Math.max(0, Math.round(first) - (ap ? 1 : 0)) : 0;
    // PX4 starts over at param1 (0: the beginning); ArduCopter resumes unless given an item.
    if (!ap || this.missionComplete || start > 0)
      this.restartMission(Math.min(start, this.store.items(0).length - 1));
    return this.enter('mission');
  }

  private cmdReposition(p5: number, p6: number, p7: number, frame?: number): number {
    if (!this.isArmedNow || this.onGround) return MavResult.Denied;
    const isInt = frame !== undefined;
    const lat = Number.isFinite(p5) && p5 !== 0 ? (isInt ? p5 / 1e7 : p5) : this.lat;
    const lon = Number.isFinite(p6) && p6 !== 0 ? (isInt ? p6 / 1e7 : p6) : this.lon;
    let alt = this.altRel();
    if (Number.isFinite(p7)) alt = frame === 3 || frame === 6 ? p7 : p7 - this.home.altM;
    if (this.config.flavour === 'ardupilot') this.setBehaviour('guided');
    else this.setBehaviour('hold');
    this.target = { lat, lon, alt: Math.max(1, alt) };
    return MavResult.Accepted;
  }

  private cmdPauseContinue(p1: number): number {
    if (Math.round(p1) === 0) {
      this.setBehaviour('hold');
      return MavResult.Accepted;
    }
    if (this.store.items(0).length === 0) return MavResult.Denied;
    return this.enter('mission');
  }

  private cmdSetHome(p1: number, p5: number, p6: number, p7: number, frame?: number): number {
    if (Math.round(p1) === 1) {
      this.home = { lat: this.lat, lon: this.lon, altM: this.altAmsl };
    } else {
      const isInt = frame !== undefined;
      if (!Number.isFinite(p5) || !Number.isFinite(p6)) return MavResult.Denied;
      this.home = {
        lat: isInt ? p5 / 1e7 : p5,
        lon: isInt ? p6 / 1e7 : p6,
        altM: Number.isFinite(p7) ? p7 : this.home.altM,
      };
    }
    this.sendOnce(242);
    return MavResult.Accepted;
  }

  private cmdSetMessageInterval(p1: number, p2: number): number {
    const msgid = Math.round(p1);
    // PX4 refuses to re-rate MISSION_CURRENT (observed on SITL).
    if (msgid === 42 && this.config.flavour === 'px4') return MavResult.Failed;
    const stream = this.streams.get(msgid);
    if (!stream) return MavResult.Failed;
    if (p2 < 0) stream.intervalMs = 0;
    else if (p2 === 0) stream.intervalMs = stream.defaultIntervalMs;
    else stream.intervalMs = p2 / 1000;
    stream.nextDueMs = this.simMs;
    return MavResult.Accepted;
  }

  private cmdGetMessageInterval(p1: number): number {
    const msgid = Math.round(p1);
    const stream = this.streams.get(msgid);
    const m = new common.MessageInterval();
    m.messageId = msgid;
    m.intervalUs = stream ? (stream.intervalMs > 0 ? Math.round(stream.intervalMs * 1000) : -1) : 0;
    this.send(m);
    return MavResult.Accepted;
  }

  private onPositionTarget(m: common.SetPositionTargetGlobalInt): void {
    // ArduCopter in GUIDED flies to position targets; position bits 0-2 of the mask ignore it.
    if (this.config.flavour !== 'ardupilot' || this.customMode !== CopterMode.Guided || this.onGround) return;
    if ((m.typeMask & 0b111) !== 0) return;
    // A target during a GUIDED take-off replaces the take-off, as in ArduCopter.
    if (this.behaviour !== 'guided') this.setBehaviour('guided');
    const relative = m.coordinateFrame === 6 || m.coordinateFrame === 3 || m.coordinateFrame === 11;
    this.target = {
      lat: m.latInt / 1e7,
      lon: m.lonInt / 1e7,
      alt: Math.max(1, relative ? m.alt : m.alt - this.home.altM),
    };
  }

  // ---- mission execution --------------------------------------------------------------

  private wireSeq(index: number): number {
    return this.config.flavour === 'ardupilot' ? index + 1 : index;
  }

  private missionTotal(): number {
    const n = this.store.items(0).length;
    if (this.config.flavour === 'px4') return n === 0 ? 65535 : n;
    return n;
  }

  private missionState(): number {
    if (this.store.items(0).length === 0) return MissionState.NoMission;
    if (this.missionComplete) return MissionState.Complete;
    if (this.behaviour === 'mission' && this.isArmedNow) return MissionState.Active;
    if (this.missionStarted) return MissionState.Paused;
    return MissionState.NotStarted;
  }

  private currentItem(): StoredItem | undefined {
    return this.store.items(0)[this.missionIndex];
  }

  private onListChanged(type: number): void {
    if (type !== MissionTypeId.Mission) return;
    this.restartMission(0);
    this.missionStarted = false;
    if (this.behaviour === 'mission' && this.store.items(0).length === 0) this.setBehaviour('hold');
  }

  private restartMission(index: number): void {
    this.missionIndex = index;
    this.missionComplete = false;
    this.itemPhase = { kind: 'go' };
    this.jumpCounts.clear();
  }

  private resumeMission(): void {
    if (this.missionComplete) this.restartMission(0);
    this.itemPhase = { kind: 'go' };
  }

  private onSetCurrent(seq: number): void {
    const index = seq - (this.config.flavour === 'ardupilot' ? 1 : 0);
    if (index < 0 || index >= this.store.items(0).length) {
      this.statusText(Sev.Error, `WPM: MISSION_SET_CURRENT seq ${seq} out of bounds`);
      return;
    }
    this.restartMission(index);
    this.sendOnce(42);
  }

  private markReached(index: number): void {
    this.reachedSeq = this.wireSeq(index);
    this.reachedPending = true;
  }

  private flushReached(): void {
    if (this.reachedPending) {
      this.reachedPending = false;
      this.reachedRepeatsLeft = 9;
      this.reachedNextMs = this.simMs + 1000;
      this.sendReached();
    } else if (this.reachedRepeatsLeft > 0 && this.simMs >= this.reachedNextMs) {
      this.reachedRepeatsLeft -= 1;
      this.reachedNextMs += 1000;
      this.sendReached();
    }
  }

  private sendReached(): void {
    const m = new common.MissionItemReached();
    m.seq = this.reachedSeq;
    this.send(m);
  }

  private advanceItem(): void {
    this.markReached(this.missionIndex);
    this.itemPhase = { kind: 'go' };
    if (this.missionIndex + 1 >= this.store.items(0).length) {
      this.missionComplete = true;
      return;
    }
    this.missionIndex += 1;
  }

  /** Altitude of an item in metres above home. */
  private itemAlt(it: StoredItem): number {
    return it.frame === 0 || it.frame === 5 ? it.z - this.home.altM : it.z;
  }

  private itemTarget(it: StoredItem): NavTarget {
    const hasPos = isGlobalFrame(it.frame) && (it.x !== 0 || it.y !== 0);
    return {
      lat: hasPos ? it.x / 1e7 : this.lat,
      lon: hasPos ? it.y / 1e7 : this.lon,
      alt: this.itemAlt(it),
    };
  }

  /** One physics step in mission mode; returns the navigation target for this step. */
  private missionStep(): { target: NavTarget; vertFirst: boolean; landing: boolean } {
    const here = { lat: this.lat, lon: this.lon, alt: this.altRel() };
    if (this.missionComplete) return { target: this.target, vertFirst: false, landing: false };
    const items = this.store.items(0);
    // Resolve instantaneous items (DO_*, jumps) in one go, as a flight controller would.
    for (let guard = 0; guard < items.length + 4; guard++) {
      const it = items[this.missionIndex];
      if (!it) {
        this.missionComplete = true;
        return { target: here, vertFirst: false, landing: false };
      }
      this.missionStarted = true;
      switch (it.command) {
        case 16:
        case 17:
        case 18:
        case 19:
        case 21:
        case 22:
        case 20:
        case 93:
        case 112:
          return this.navItemStep(it);
        case 177: {
          const targetIdx = Math.round(it.param1) - (this.config.flavour === 'ardupilot' ? 1 : 0);
          const done = this.jumpCounts.get(this.missionIndex) ?? 0;
          this.markReached(this.missionIndex);
          if (done < Math.round(it.param2) && targetIdx >= 0 && targetIdx < items.length) {
            this.jumpCounts.set(this.missionIndex, done + 1);
            this.missionIndex = targetIdx;
          } else {
            this.advanceItem();
          }
          break;
        }
        case 178:
          if (it.param2 > 0) this.cruiseOverride = it.param2;
          this.advanceItem();
          break;
        default:
          this.advanceItem();
          break;
      }
      if (this.missionComplete) {
        this.target = here;
        return { target: here, vertFirst: false, landing: false };
      }
    }
    return { target: here, vertFirst: false, landing: false };
  }

  private navItemStep(it: StoredItem): { target: NavTarget; vertFirst: boolean; landing: boolean } {
    const here = { lat: this.lat, lon: this.lon, alt: this.altRel() };
    const phase = this.itemPhase;
    if (phase.kind === 'wait') {
      if (this.simMs >= phase.untilMs) this.advanceItem();
      return { target: this.target, vertFirst: false, landing: false };
    }
    if (phase.kind === 'forever') return { target: this.target, vertFirst: false, landing: false };
    switch (it.command) {
      case 22: {
        const alt = Math.max(this.tuning.takeoffAlt, this.itemAlt(it));
        this.target = { lat: this.target.lat, lon: this.target.lon, alt };
        if (this.onGround) this.target = { lat: this.lat, lon: this.lon, alt };
        // Reached once at (or above) the take-off altitude; a vehicle already higher goes on.
        if (here.alt >= alt - 0.8) this.advanceItem();
        return { target: this.target, vertFirst: true, landing: false };
      }
      case 20: {
        // PX4 carries out a mission RTL item by switching to AUTO.RTL; ArduCopter stays in AUTO.
        this.advanceItem();
        const ap = this.config.flavour === 'ardupilot';
        this.setBehaviour('rtl', ap ? CopterMode.Auto : undefined);
        return { target: here, vertFirst: false, landing: false };
      }
      case 93:
      case 112:
        this.itemPhase = { kind: 'wait', untilMs: this.simMs + Math.max(0, it.param1) * 1000 };
        this.target = here;
        return { target: here, vertFirst: false, landing: false };
      case 21: {
        const t = this.itemTarget(it);
        const [n, e] = northEastM(this.lat, this.lon, t.lat, t.lon);
        if (Math.hypot(n, e) > 1) {
          this.target = { lat: t.lat, lon: t.lon, alt: Math.max(here.alt, 2) };
          return { target: this.target, vertFirst: false, landing: false };
        }
        this.target = { lat: t.lat, lon: t.lon, alt: 0 };
        return { target: this.target, vertFirst: false, landing: true };
      }
      default: {
        const t = this.itemTarget(it);
        this.target = t;
        const radius = it.command === 16 && it.param2 > 0 ? it.param2 : this.tuning.accRad;
        const [n, e] = northEastM(this.lat, this.lon, t.lat, t.lon);
        const vertFirst = this.onGround || here.alt < 1;
        if (Math.hypot(n, e) <= radius && Math.abs(here.alt - t.alt) <= 1) {
          if (it.command === 17) {
            this.markReached(this.missionIndex);
            this.itemPhase = { kind: 'forever' };
          } else {
            let waitS = 0;
            if (it.command === 16) waitS = Math.max(0, it.param1);
            if (it.command === 19) waitS = Math.max(0, it.param1);
            if (it.command === 18) {
              const r = Math.abs(it.param3) || 10;
              waitS = (Math.max(0, it.param1) * 2 * Math.PI * r) / this.cruise();
            }
            if (waitS > 0) this.itemPhase = { kind: 'wait', untilMs: this.simMs + waitS * 1000 };
            else this.advanceItem();
          }
        }
        return { target: t, vertFirst, landing: false };
      }
    }
  }

  // ---- physics ------------------------------------------------------------------------

  private altRel(): number {
    return this.altAmsl - this.home.altM;
  }

  private aglM(): number {
    return this.altAmsl - this.groundAmsl;
  }

  private cruise(): number {
    return this.cruiseOverride ?? this.tuning.cruise;
  }

  private wantsToClimb(): boolean {
    if (this.behaviour === 'takeoff') return true;
    if (this.behaviour === 'mission') return !this.missionComplete;
    if (this.behaviour === 'guided' || this.behaviour === 'hold')
      return this.target.alt > this.altRel() + 0.5;
    return false;
  }

  private isDescendingToLand(): boolean {
    if (this.onGround) return false;
    if (this.behaviour === 'land') return true;
    if (this.behaviour === 'rtl') return this.rtlPhase === 'descend';
    if (this.behaviour === 'mission') {
      const it = this.currentItem();
      return it?.command === 21 && this.target.alt === 0;
    }
    return false;
  }

  private step(dt: number): void {
    this.drainBattery(dt);
    if (!this.isArmedNow) {
      this.groundSpeed = 0;
      this.climbRate = 0;
      this.airspeed = Math.hypot(this.config.wind.northMps, this.config.wind.eastMps);
      return;
    }
    let target: NavTarget = this.target;
    let vertFirst = false;
    let landing = false;
    let climbLimit = this.tuning.up;
    switch (this.behaviour) {
      case 'takeoff': {
        vertFirst = true;
        climbLimit = this.tuning.takeoffSpeed;
        if (!this.onGround && Math.abs(this.altRel() - this.takeoffAlt) < 0.3) {
          // PX4 goes to AUTO.LOITER once at altitude; ArduCopter stays in GUIDED.
          this.setBehaviour(this.config.flavour === 'px4' ? 'hold' : 'guided');
          target = this.target;
        }
        break;
      }
      case 'mission': {
        const s = this.missionStep();
        target = s.target;
        vertFirst = s.vertFirst;
        landing = s.landing;
        const it = this.currentItem();
        if (it?.command === 22 && !this.missionComplete) climbLimit = this.tuning.takeoffSpeed;
        if (this.behaviour !== 'mission') return;
        if (this.missionComplete && !this.onGround) target = this.target;
        break;
      }
      case 'rtl': {
        const s = this.rtlStep();
        target = s.target;
        vertFirst = s.vertFirst;
        landing = s.landing;
        break;
      }
      case 'land':
        target = { lat: this.target.lat, lon: this.target.lon, alt: 0 };
        landing = true;
        break;
      default:
        break;
    }
    if (this.onGround && !(target.alt > 0.2 && (this.wantsToClimb() || this.behaviour === 'mission'))) {
      this.groundSpeed = 0;
      this.climbRate = 0;
      return;
    }
    if (this.onGround && this.behaviour === 'mission' && this.missionComplete) return;
    this.fly(target, dt, vertFirst, landing, climbLimit);
  }

  private rtlStep(): { target: NavTarget; vertFirst: boolean; landing: boolean } {
    const [n, e] = northEastM(this.lat, this.lon, this.home.lat, this.home.lon);
    const dist = Math.hypot(n, e);
    const cruiseAlt = Math.max(this.altRel(), this.tuning.rtlAlt);
    if (this.rtlPhase === 'climb') {
      if (dist < 2) this.rtlPhase = 'descend';
      else if (this.altRel() >= this.tuning.rtlAlt - 0.5) this.rtlPhase = 'return';
      else {
        this.target = { lat: this.lat, lon: this.lon, alt: this.tuning.rtlAlt };
        return { target: this.target, vertFirst: true, landing: false };
      }
    }
    if (this.rtlPhase === 'return') {
      if (dist < 1) this.rtlPhase = 'descend';
      else {
        this.target = { lat: this.home.lat, lon: this.home.lon, alt: Math.max(this.target.alt, cruiseAlt) };
        return { target: this.target, vertFirst: false, landing: false };
      }
    }
    this.target = { lat: this.home.lat, lon: this.home.lon, alt: 0 };
    return { target: this.target, vertFirst: false, landing: true };
  }

  /** Moves toward a target with speed limits, a turn-rate limit and the wind. */
  private fly(target: NavTarget, dt: number, vertFirst: boolean, landing: boolean, climbLimit: number): void {
    const t = this.tuning;
    // Vertical: proportional to the altitude error, within climb/descent limits.
    const altErr = target.alt - this.altRel();
    let vz: number;
    if (landing) {
      const agl = this.aglM();
      vz = -(agl > 10 ? t.down : t.landSpeed);
    } else {
      vz = Math.max(-t.down, Math.min(climbLimit, altErr * 1.0));
    }
    let newAlt = this.altAmsl + vz * dt;
    if (
      !landing &&
      ((vz > 0 && newAlt > this.home.altM + target.alt) || (vz < 0 && newAlt < this.home.altM + target.alt))
    ) {
      newAlt = this.home.altM + target.alt;
    }
    if (newAlt <= this.groundAmsl) {
      newAlt = this.groundAmsl;
    }
    // Horizontal: cruise toward the target, slowing on approach, course limited by turn rate.
    const [n, e] = northEastM(this.lat, this.lon, target.lat, target.lon);
    const dist = Math.hypot(n, e);
    const holdVertical = vertFirst && Math.abs(altErr) > 1;
    let speed = 0;
    if (dist > 0.05 && !holdVertical) {
      const desired = Math.atan2(e, n);
      const diff = wrapPi(desired - this.course);
      const maxTurn = t.turnRate * dt;
      const oldCourse = this.course;
      if (this.groundSpeed < 1) this.course = desired;
      else this.course = wrap2Pi(this.course + Math.max(-maxTurn, Math.min(maxTurn, diff)));
      this.yawRate = wrapPi(this.course - oldCourse) / dt;
      const w = this.config.wind;
      const tailwind = w.northMps * Math.cos(this.course) + w.eastMps * Math.sin(this.course);
      const cruiseGround = Math.max(0.5, this.cruise() + tailwind);
      speed = Math.min(cruiseGround, Math.max(0.3, dist * 0.8), dist / dt);
      // Slow down while still turning toward the target, as a real controller would.
      speed *= Math.max(0.2, Math.cos(Math.min(Math.abs(wrapPi(desired - this.course)), Math.PI / 2)));
    } else {
      this.yawRate = 0;
    }
    const dn = speed * Math.cos(this.course) * dt;
    const de = speed * Math.sin(this.course) * dt;
    if (dist > 0.05 && speed >= dist / dt - 1e-9) {
      this.lat = target.lat;
      this.lon = target.lon;
    } else if (speed > 0) {
      [this.lat, this.lon] = offsetLatLon(this.lat, this.lon, dn, de);
    }
    this.climbRate = (newAlt - this.altAmsl) / dt;
    this.altAmsl = newAlt;
    this.groundSpeed = speed;
    // Air-relative velocity: the ground track minus the wind; the nose points into it.
    const vn = speed * Math.cos(this.course) - this.config.wind.northMps;
    const ve = speed * Math.sin(this.course) - this.config.wind.eastMps;
    this.airspeed = Math.hypot(vn, ve);
    if (this.airspeed > 0.5) this.yaw = Math.atan2(ve, vn);
    this.pitch = -Math.min(0.35, this.airspeed * 0.03);
    this.roll = Math.max(-0.5, Math.min(0.5, Math.atan2(speed * this.yawRate, GRAVITY)));
    if (this.onGround && this.aglM() > 0.05) this.onGround = false;
    else if (!this.onGround && this.aglM() <= 0.01 && vz <= 0) this.touchDown();
  }

  private touchDown(): void {
    this.onGround = true;
    this.groundSpeed = 0;
    this.climbRate = 0;
    this.roll = 0;
    this.pitch = 0;
    if (this.behaviour === 'mission' && this.currentItem()?.command === 21 && !this.missionComplete)
      this.advanceItem();
    if (!this.isArmedNow) return;
    this.statusText(Sev.Info, 'Landing detected');
    this.timers.cancel(this.disarmTimer);
    this.disarmTimer = this.timers.after(this.simMs, this.tuning.disarmLandS * 1000, () => {
      if (this.isArmedNow && this.onGround) this.disarm('Disarmed by landing');
    });
  }

  private voltage(): number {
    const cell = 3.5 + 0.7 * this.charge - (this.isArmedNow && !this.onGround ? 0.1 : 0);
    return Math.round(cell * 4 * 1000) / 1000;
  }

  private drainBattery(dt: number): void {
    if (!this.isArmedNow) return;
    const flying = !this.onGround;
    const perS = 1 / (this.config.batteryFlightMin * 60);
    this.charge = Math.max(0, this.charge - (flying ? perS : perS * 0.05) * dt);
    this.consumedMah += ((flying ? 15000 : 500) / 3600) * dt;
    this.checkBattery();
  }

  private checkBattery(): void {
    const t = this.tuning;
    if (!this.batteryWarned && this.charge <= t.batLow) {
      this.batteryWarned = true;
      this.statusText(
        Sev.Warning,
        this.config.flavour === 'px4' ? 'Low battery level! Return advised\t' : 'Battery 1 is low',
      );
    }
    if (!this.batteryCritical && this.charge <= t.batCrit) {
      this.batteryCritical = true;
      if (this.isArmedNow && !this.onGround && this.behaviour !== 'rtl' && this.behaviour !== 'land') {
        this.statusText(
          Sev.Critical,
          this.config.flavour === 'px4' ? 'Critical battery level! Executing RTL\t' : 'Battery failsafe: RTL',
        );
        this.setBehaviour('rtl');
        this.failsafe = true;
      } else {
        this.statusText(Sev.Critical, 'Critical battery level!\t');
      }
    }
  }

  // ---- telemetry ----------------------------------------------------------------------

  private runStreams(): void {
    for (const s of this.streams.values()) {
      if (s.intervalMs <= 0 || this.simMs < s.nextDueMs) continue;
      this.sendStream(s.msgid);
      // Catch up by skipping, not bursting: at high speedup the tick bounds the real rate.
      s.nextDueMs = Math.max(s.nextDueMs + s.intervalMs, this.simMs);
    }
  }

  private sendStream(msgid: number): void {
    const m = this.build(msgid);
    if (m) this.send(m);
  }

  /** Sends one message on request; false when the vehicle does not provide it. */
  private sendOnce(msgid: number): boolean {
    const m = this.build(msgid);
    if (!m) return false;
    this.send(m);
    return true;
  }

  private build(msgid: number): MavLinkData | undefined {
    switch (msgid) {
      case 0:
        return this.heartbeat();
      case 1:
        return this.sysStatus();
      case 24:
        return this.gpsRaw();
      case 30:
        return this.attitude();
      case 33:
        return this.globalPosition();
      case 42:
        return this.missionCurrent();
      case 74:
        return this.vfrHud();
      case 147:
        return this.batteryStatus();
      case 148:
        return this.autopilotVersion();
      case 242:
        return this.homePositionMsg();
      case 245:
        return this.extendedSysState();
      default:
        return undefined;
    }
  }

  private heartbeat(): minimal.Heartbeat {
    const m = new minimal.Heartbeat();
    m.type = MAV_TYPE_QUADROTOR;
    m.autopilot = this.config.flavour === 'px4' ? MAV_AUTOPILOT_PX4 : MAV_AUTOPILOT_ARDUPILOTMEGA;
    let base = 1; // MAV_MODE_FLAG_CUSTOM_MODE_ENABLED
    if (this.behaviour === 'manual') base |= 16 | 64;
    else base |= 4 | 8 | 16;
    if (this.isArmedNow) base |= 128;
    m.baseMode = base;
    m.customMode = this.customMode >>> 0;
    m.systemStatus = this.failsafe ? 5 : this.isArmedNow ? 4 : 3;
    m.mavlinkVersion = 3;
    return m;
  }

  private sysStatus(): common.SysStatus {
    const m = new common.SysStatus();
    const sensors = 1 | 2 | 4 | 8 | 32 | 1024 | 2048 | 4096 | 8192 | 16384 | 32768 | 0x200000 | 0x2000000;
    let health = sensors;
    if (this.gpsLost) health &= ~32;
    if (this.charge <= this.tuning.batCrit) health &= ~0x2000000;
    m.onboardControlSensorsPresent = sensors;
    m.onboardControlSensorsEnabled = sensors;
    m.onboardControlSensorsHealth = health;
    m.load = 250;
    m.voltageBattery = Math.round(this.voltage() * 1000);
    m.currentBattery = this.isArmedNow ? (this.onGround ? 50 : 1500) : 20;
    m.batteryRemaining = Math.round(this.charge * 100);
    m.dropRateComm = 0;
    return m;
  }

  private gpsRaw(): common.GpsRawInt {
    const m = new common.GpsRawInt();
    m.timeUsec = BigInt(Math.round(this.simMs * 1000));
    if (this.gpsLost) {
      m.fixType = 0;
      m.satellitesVisible = 0;
      m.eph = 65535;
      m.epv = 65535;
      m.cog = 65535;
      return m;
    }
    m.fixType = 3;
    m.satellitesVisible = 16;
    m.lat = Math.round(this.lat * 1e7);
    m.lon = Math.round(this.lon * 1e7);
    m.alt = Math.round(this.altAmsl * 1000);
    m.eph = 70;
    m.epv = 110;
    m.vel = Math.round(this.groundSpeed * 100);
    m.cog = Math.round((wrap2Pi(this.course) * 18000) / Math.PI) % 36000;
    m.altEllipsoid = m.alt;
    m.hAcc = 400;
    m.vAcc = 600;
    m.velAcc = 200;
    return m;
  }

  private attitude(): common.Attitude {
    const m = new common.Attitude();
    m.timeBootMs = Math.round(this.simMs) >>> 0;
    m.roll = this.roll;
    m.pitch = this.pitch;
    m.yaw = wrapPi(this.yaw);
    m.yawspeed = this.yawRate;
    return m;
  }

  private globalPosition(): common.GlobalPositionInt {
    const m = new common.GlobalPositionInt();
    m.timeBootMs = Math.round(this.simMs) >>> 0;
    m.lat = Math.round(this.lat * 1e7);
    m.lon = Math.round(this.lon * 1e7);
    m.alt = Math.round(this.altAmsl * 1000);
    m.relativeAlt = Math.round(this.altRel() * 1000);
    m.vx = Math.round(this.groundSpeed * Math.cos(this.course) * 100);
    m.vy = Math.round(this.groundSpeed * Math.sin(this.course) * 100);
    m.vz = Math.round(-this.climbRate * 100);
    m.hdg = Math.round((wrap2Pi(this.yaw) * 18000) / Math.PI) % 36000;
    return m;
  }

  private missionCurrent(): common.MissionCurrent {
    const m = new common.MissionCurrent();
    m.seq = this.store.items(0).length === 0 ? 0 : this.wireSeq(this.missionIndex);
    m.total = this.missionTotal();
    m.missionState = this.missionState();
    m.missionMode = this.behaviour === 'mission' ? 1 : 2;
    m.missionId = this.store.opaqueId(0);
    m.fenceId = this.store.opaqueId(1);
    m.rallyPointsId = this.store.opaqueId(2);
    return m;
  }

  private vfrHud(): common.VfrHud {
    const m = new common.VfrHud();
    m.airspeed = this.airspeed;
    m.groundspeed = this.groundSpeed;
    m.heading = Math.round((wrap2Pi(this.yaw) * 180) / Math.PI) % 360;
    m.throttle = this.isArmedNow ? (this.onGround ? 0 : 50) : 0;
    m.alt = this.altAmsl;
    m.climb = this.climbRate;
    return m;
  }

  private batteryStatus(): common.BatteryStatus {
    const m = new common.BatteryStatus();
    const cellMv = Math.round((this.voltage() / 4) * 1000);
    m.id = 0;
    m.batteryFunction = 1;
    m.type = 1;
    m.temperature = 32767;
    m.voltages = [cellMv, cellMv, cellMv, cellMv, 65535, 65535, 65535, 65535, 65535, 65535];
    m.currentBattery = this.isArmedNow ? (this.onGround ? 50 : 1500) : 20;
    m.currentConsumed = Math.round(this.consumedMah);
    m.energyConsumed = -1;
    m.batteryRemaining = Math.round(this.charge * 100);
    m.timeRemaining = Math.round(this.charge * this.config.batteryFlightMin * 60);
    m.chargeState = this.charge <= this.tuning.batCrit ? 3 : this.charge <= this.tuning.batLow ? 2 : 1;
    m.voltagesExt = [0, 0, 0, 0];
    return m;
  }

  private autopilotVersion(): standard.AutopilotVersion {
    const m = new standard.AutopilotVersion();
    const px4 = this.config.flavour === 'px4';
    // MISSION_FLOAT|PARAM_FLOAT|MISSION_INT|COMMAND_INT|SET_POSITION_TARGET_GLOBAL_INT|MAVLINK2|
    // MISSION_FENCE|MISSION_RALLY, plus how parameters are encoded (bytewise PX4, C cast AP).
    const caps = 1 | 2 | 4 | 8 | 256 | 8192 | 16384 | 32768 | (px4 ? 4096 : 131072);
    m.capabilities = BigInt(caps) as unknown as typeof m.capabilities;
    // An untagged PX4 build reports 0.0.0 (FIELD-NOTES); ArduCopter 4.5.7 official.
    m.flightSwVersion = px4 ? 0 : ((4 << 24) | (5 << 16) | (7 << 8) | 255) >>> 0;
    m.middlewareSwVersion = 0;
    m.osSwVersion = 0;
    m.boardVersion = 0;
    m.flightCustomVersion = [0x61, 0x65, 0x72, 0x69, 0x65, 0x73, 0x69, 0x6d];
    m.middlewareCustomVersion = [0, 0, 0, 0, 0, 0, 0, 0];
    m.osCustomVersion = [0, 0, 0, 0, 0, 0, 0, 0];
    m.vendorId = 0;
    m.productId = 0;
    m.uid = BigInt(0x5349_4d00_0000 + this.config.sysid);
    m.uid2 = new Array(18).fill(0);
    return m;
  }

  private homePositionMsg(): common.HomePosition {
    const m = new common.HomePosition();
    m.latitude = Math.round(this.home.lat * 1e7);
    m.longitude = Math.round(this.home.lon * 1e7);
    m.altitude = Math.round(this.home.altM * 1000);
    m.q = [1, 0, 0, 0];
    m.timeUsec = BigInt(Math.round(this.simMs * 1000));
    return m;
  }

  private extendedSysState(): common.ExtendedSysState {
    const m = new common.ExtendedSysState();
    m.vtolState = 0;
    m.landedState = this.landedState;
    return m;
  }

  private homeItem(): StoredItem {
    return {
      frame: 0,
      command: 16,
      current: 0,
      autocontinue: 1,
      param1: 0,
      param2: 0,
      param3: 0,
      param4: 0,
      x: Math.round(this.home.lat * 1e7),
      y: Math.round(this.home.lon * 1e7),
      z: this.home.altM,
    };
  }
}
