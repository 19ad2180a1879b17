/**
 * A simulated dock ("nest"): its own MAVLink system that speaks the Aerie dock dialect on the
 * transport of the aircraft it is paired with (one link per dock site), so a bridge on that
 * link hears both. It answers the dialect's commands with COMMAND_ACK, reports
 * AERIE_DOCK_STATUS at 1 Hz (and at once on every change of lid, charger, cycle or faults),
 * and acts on its aircraft: it charges the aircraft's battery while it is parked and the
 * charger is on, and refuses the aircraft's arming while the lid is closed over it.
 *
 * Commands are acknowledged when accepted (the lid starts moving), not when done: the lid
 * takes `lidTravelS` simulated seconds, and the status says when it is open. Refusals:
 * DENIED for what cannot be done in the present situation (prepare for take-off with no
 * aircraft parked, start charging with none, close the lid while the aircraft is in its path),
 * FAILED for a fault (a jammed lid, a charger fault). Everything timed runs in the aircraft's
 * simulated clock (its `speedup`).
 *
 * Identity: system id = the aircraft's + 100 by default, or the aircraft's own (the dock is then
 * a component of the aircraft's system, as in fleets above 100: see {@link dockSysidFor});
 * component id {@link DOCK_COMPID}; HEARTBEAT with MAV_AUTOPILOT_INVALID and
 * MAV_TYPE_ONBOARD_CONTROLLER, so no ground station takes it for an aircraft.
 */
import { common, type MavLinkData, minimal } from 'node-mavlink';
import {
  AerieDockStatus,
  AerieDockChargerState as Charger,
  AerieDockCycleState as Cycle,
  MavCmd as DockCmd,
  AerieDockFault as Fault,
  AerieDockLidState as Lid,
} from '../dialect/aerie-dock.ts';
import {
  DOCK_CHARGER_NAMES,
  DOCK_CYCLE_NAMES,
  DOCK_LID_NAMES,
  type DockChargerName,
  type DockCycleName,
  type DockLidName,
} from '../dialect/state-names.ts';
import { type DecodedMessage, FrameDecoder, FrameEncoder } from '../sim/codec.ts';
import { distanceM } from '../sim/geo.ts';
import { joinTicker, leaveTicker, type Tickable } from '../sim/ticker.ts';
import { MavResult, type SimVehicle } from '../sim/vehicle.ts';

/**
 * Component id of a dock controller. MAVLink assigns none to docks; 25 is MAV_COMP_ID_USER1,
 * the first id the standard leaves to components it does not name.
 */
export const DOCK_COMPID = 25;
/** A dock's default system id is its aircraft's plus this. */
export const DOCK_SYSID_OFFSET = 100;

/**
 * The system id of aircraft `sysid`'s dock in a simulated fleet of `fleetSize` aircraft with
 * system ids 1..fleetSize. Up to 100 aircraft: a system of its own, the aircraft's plus 100.
 * Above that the 1-254 system ids of one bridge cannot hold an aircraft and a dock each, so the
 * dock is component {@link DOCK_COMPID} of its aircraft's own system: every aircraft up to 254
 * has its dock, told apart from the autopilot (component 1) by its component id.
 */
export function dockSysidFor(sysid: number, fleetSize: number): number {
  return fleetSize <= DOCK_SYSID_OFFSET ? sysid + DOCK_SYSID_OFFSET : sysid;
}

const MAV_TYPE_ONBOARD_CONTROLLER = 18;
const MAV_AUTOPILOT_INVALID = 8;
const MAV_STATE_ACTIVE = 4;
const MAV_STATE_CRITICAL = 5;
const MAV_CMD_REQUEST_MESSAGE = 512;
/** Real time between two periodic reports at least, so a high speedup cannot flood the link. */
const MIN_REPORT_REAL_MS = 200;
const MAX_TICK_REAL_MS = 250;

/** Weather at a dock as its sensors read it. */
export interface DockWeather {
  windSpeedMps: number;
  windGustMps: number;
  rainMmPerH: number;
  temperatureC: number;
  humidityPct: number;
}

/** Faults of a dock; each may be set and cleared at run time. */
export interface DockFaults {
  /** The lid stops where it is and refuses to move (FAILED) until cleared. */
  lidJam?: boolean;
  /** The charger stops and refuses to start (FAILED) until cleared. */
  chargerFault?: boolean;
  /** Mains power lost: the charger stops; the dock runs on its backup battery. */
  powerLoss?: boolean;
}

/** Options of one dock (besides its aircraft). */
export interface DockOptions {
  /** MAVLink system id 1-254; default the aircraft's + 100; the aircraft's own makes the dock its component. */
  sysid?: number;
  /** Where the dock stands; default the aircraft's home. */
  position?: { lat: number; lon: number; altM?: number };
  /** Simulated seconds for the lid to open or close fully; default 15. */
  lidTravelS?: number;
  /** How close (metres, horizontal) a landed aircraft must be to count as parked; default 3. */
  parkRadiusM?: number;
  /** Simulated minutes a charge from empty to 80 % takes (constant current); default 30. */
  chargeTo80Min?: number;
  /** Weather at start; default calm, dry, 25 °C, 60 %. */
  weather?: Partial<DockWeather>;
  /** Faults active from the start. */
  faults?: DockFaults;
  /** Lid open at start; default closed. */
  lidOpen?: boolean;
}

/** What `SimDock.status` reports (the last AERIE_DOCK_STATUS, in plain units). */
export interface SimDockStatus {
  lid: DockLidName;
  /** Lid travel 0 (closed) to 1 (open). */
  lidPosition: number;
  charger: DockChargerName;
  cycle: DockCycleName;
  aircraftParked: boolean;
  aircraftBatteryPct: number | null;
  mainsPower: boolean;
  faults: { lidJam: boolean; chargerFault: boolean; powerLoss: boolean };
  weather: DockWeather;
}

function check(cond: boolean, message: string): void {
  if (!cond) throw new RangeError(message);
}

function checkWeather(w: Partial<DockWeather>, what: string): void {
  for (const key of ['windSpeedMps', 'windGustMps', 'rainMmPerH', 'humidityPct'] as const) {
    const v = w[key];
    if (v !== undefined)
      check(Number.isFinite(v) && v >= 0, `${what}.${key} must be a number >= 0, got ${v}`);
  }
  if (w.humidityPct !== undefined)
    check(w.humidityPct <= 100, `${what}.humidityPct must be 0-100, got ${w.humidityPct}`);
  if (w.temperatureC !== undefined)
    check(
      Number.isFinite(w.temperatureC) && Math.abs(w.temperatureC) < 100,
      `${what}.temperatureC must be degrees Celsius, got ${w.temperatureC}`,
    );
}

/**
 * A running simulated dock. Start it with {@link startDock} (or `startFleet({ docks: true })`);
 * read it through `status`; change weather and faults with `setWeather`, `injectFault`,
 * `clearFaults`; the dialect's commands are also methods (`openLid`, ...), returning the
 * MAV_RESULT the dock would acknowledge.
 */
export class SimDock implements Tickable {
  readonly sysid: number;
  readonly compid = DOCK_COMPID;
  /** The dock is a component of its aircraft's system (same system id), not a system of its own. */
  private readonly sharesSystem: boolean;
  readonly position: { lat: number; lon: number; altM: number };
  private readonly encoder: FrameEncoder;
  private readonly decoder: FrameDecoder;
  private readonly shared: { write(buf: Buffer): void; detach(): void };
  private readonly lidTravelS: number;
  private readonly parkRadiusM: number;
  private readonly ccRatePerS: number;
  private closed = false;

  private simMs = 0;
  private lastRealMs: number;
  private nextReportSimMs = 0;
  private lastReportRealMs = Number.NEGATIVE_INFINITY;

  private lidPos: number;
  /** Where the lid is going: 1 open, 0 closed, undefined at rest. */
  private lidTarget: 0 | 1 | undefined;
  private charging = false;
  private cycle: Cycle = Cycle.IDLE;
  private readonly faultState = { lidJam: false, chargerFault: false, powerLoss: false };
  private weatherNow: DockWeather;
  private lastReported = '';

  constructor(
    readonly aircraft: SimVehicle,
    opts: DockOptions = {},
  ) {
    const sysid = opts.sysid ?? aircraft.sysid + DOCK_SYSID_OFFSET;
    check(
      Number.isInteger(sysid) && sysid >= 1 && sysid <= 254,
      `dock sysid must be an integer 1-254, got ${sysid} (the aircraft's sysid + ${DOCK_SYSID_OFFSET} by default)`,
    );
    this.sysid = sysid;
    this.sharesSystem = sysid === aircraft.sysid;
    const home = aircraft.homePosition;
    const pos = opts.position ?? home;
    check(
      Number.isFinite(pos.lat) && Math.abs(pos.lat) <= 90,
      `position.lat must be degrees, got ${pos.lat}`,
    );
    check(
      Number.isFinite(pos.lon) && Math.abs(pos.lon) <= 180,
      `position.lon must be degrees, got ${pos.lon}`,
    );
    this.position = { lat: pos.lat, lon: pos.lon, altM: pos.altM ?? home.altM };
    this.lidTravelS = opts.lidTravelS ?? 15;
    check(this.lidTravelS > 0, `lidTravelS must be > 0, got ${this.lidTravelS}`);
    this.parkRadiusM = opts.parkRadiusM ?? 3;
    check(this.parkRadiusM > 0, `parkRadiusM must be > 0, got ${this.parkRadiusM}`);
    const to80 = opts.chargeTo80Min ?? 30;
    check(to80 > 0, `chargeTo80Min must be > 0, got ${to80}`);
    this.ccRatePerS = 0.8 / (to80 * 60);
    const w = opts.weather ?? {};
    checkWeather(w, 'weather');
    this.weatherNow = {
      windSpeedMps: w.windSpeedMps ?? 0,
      windGustMps: w.windGustMps ?? w.windSpeedMps ?? 0,
      rainMmPerH: w.rainMmPerH ?? 0,
      temperatureC: w.temperatureC ?? 25,
      humidityPct: w.humidityPct ?? 60,
    };
    this.lidPos = opts.lidOpen ? 1 : 0;
    this.lidTarget = undefined;

    this.encoder = new FrameEncoder(sysid, DOCK_COMPID);
    this.decoder = new FrameDecoder((m) => this.receive(m));
    this.shared = aircraft.shareLink((buf) => this.decoder.push(buf));
    aircraft.setArmInterlock(() =>
      this.parked() && this.lidState() !== Lid.OPEN ? 'dock lid is not open' : undefined,
    );
    if (opts.faults) this.injectFault(opts.faults);
    this.lastRealMs = performance.now();
    joinTicker(this);
  }

  // ---- public state -------------------------------------------------------------------

  get status(): SimDockStatus {
    const parked = this.parked();
    return {
      lid: DOCK_LID_NAMES[this.lidState()]!,
      lidPosition: this.lidPos,
      charger: DOCK_CHARGER_NAMES[this.chargerState()]!,
      cycle: DOCK_CYCLE_NAMES[this.cycleState()]!,
      aircraftParked: parked,
      aircraftBatteryPct: parked ? this.aircraft.battery.percent : null,
      mainsPower: !this.faultState.powerLoss,
      faults: { ...this.faultState },
      weather: { ...this.weatherNow },
    };
  }

  /** Changes the weather the dock's sensors read (fields left out keep their value). */
  setWeather(w: Partial<DockWeather>): void {
    checkWeather(w, 'weather');
    this.weatherNow = { ...this.weatherNow, ...w };
    if (w.windSpeedMps !== undefined && w.windGustMps === undefined)
      this.weatherNow.windGustMps = Math.max(this.weatherNow.windGustMps, w.windSpeedMps);
    this.report();
  }

  /** Applies faults now; fields left out keep their current setting. */
  injectFault(f: DockFaults): void {
    if (f.lidJam !== undefined) this.faultState.lidJam = f.lidJam;
    if (f.chargerFault !== undefined) this.faultState.chargerFault = f.chargerFault;
    if (f.powerLoss !== undefined) this.faultState.powerLoss = f.powerLoss;
    if (this.faultState.chargerFault || this.faultState.powerLoss) this.charging = false;
    this.report();
  }

  /** Clears every fault; a lid that jammed mid-travel carries on toward where it was going. */
  clearFaults(): void {
    this.injectFault({ lidJam: false, chargerFault: false, powerLoss: false });
  }

  openLid(): number {
    return this.moveLid(1);
  }

  closeLid(): number {
    if (this.inLidPath()) return MavResult.Denied;
    const r = this.moveLid(0);
    if (r === MavResult.Accepted) this.cycle = Cycle.IDLE;
    this.report();
    return r;
  }

  startCharging(): number {
    if (this.faultState.chargerFault || this.faultState.powerLoss) return MavResult.Failed;
    if (!this.parked()) return MavResult.Denied;
    this.charging = true;
    this.report();
    return MavResult.Accepted;
  }

  stopCharging(): number {
    this.charging = false;
    this.report();
    return MavResult.Accepted;
  }

  prepareTakeoff(): number {
    if (this.faultState.lidJam) return MavResult.Failed;
    if (!this.parked()) return MavResult.Denied;
    this.charging = false;
    const r = this.moveLid(1);
    if (r !== MavResult.Accepted) return r;
    this.cycle = Cycle.PREPARING_TAKEOFF;
    this.report();
    return MavResult.Accepted;
  }

  prepareLanding(): number {
    if (this.faultState.lidJam) return MavResult.Failed;
    const r = this.moveLid(1);
    if (r !== MavResult.Accepted) return r;
    this.cycle = Cycle.PREPARING_LANDING;
    this.report();
    return MavResult.Accepted;
  }

  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    leaveTicker(this);
    this.shared.detach();
    this.aircraft.setArmInterlock(undefined);
    this.decoder.close();
  }

  // ---- clock --------------------------------------------------------------------------

  tick(realNowMs: number): void {
    if (this.closed) return;
    const dtReal = Math.min(MAX_TICK_REAL_MS, Math.max(0, realNowMs - this.lastRealMs));
    this.lastRealMs = realNowMs;
    const dt = (dtReal * this.aircraft.config.speedup) / 1000;
    this.simMs += dt * 1000;
    this.step(dt);
    this.report();
  }

  private step(dt: number): void {
    if (this.lidTarget !== undefined && !this.faultState.lidJam) {
      const d = dt / this.lidTravelS;
      this.lidPos = this.lidTarget === 1 ? Math.min(1, this.lidPos + d) : Math.max(0, this.lidPos - d);
      if (this.lidPos === this.lidTarget) this.lidTarget = undefined;
    }
    if (this.cycle === Cycle.PREPARING_TAKEOFF && this.lidState() === Lid.OPEN)
      this.cycle = Cycle.READY_FOR_TAKEOFF;
    if (this.cycle === Cycle.PREPARING_LANDING && this.lidState() === Lid.OPEN)
      this.cycle = Cycle.READY_FOR_LANDING;
    // Ready for take-off lasts until the aircraft has gone.
    if (this.cycle === Cycle.READY_FOR_TAKEOFF && !this.parked() && !this.aircraft.landed)
      this.cycle = Cycle.IDLE;
    if (this.charging) {
      if (!this.parked()) this.charging = false;
      else {
        const soc = this.aircraft.stateOfCharge;
        // CC-CV: constant current to 80 %, then the current tapers with the remaining charge.
        const rate = soc < 0.8 ? this.ccRatePerS : this.ccRatePerS * Math.max(0.1, (1 - soc) / 0.2) * 0.5;
        this.aircraft.chargeBattery(rate * dt);
      }
    }
  }

  // ---- model ----------------------------------------------------------------------------

  private parked(): boolean {
    const a = this.aircraft;
    if (!a.landed || a.armed) return false;
    const p = a.position;
    return distanceM(p.lat, p.lon, this.position.lat, this.position.lon) <= this.parkRadiusM;
  }

  /** The aircraft is over the pad, low and not parked (landing, or armed on the pad). */
  private inLidPath(): boolean {
    const p = this.aircraft.position;
    const near = distanceM(p.lat, p.lon, this.position.lat, this.position.lon) <= this.parkRadiusM * 3;
    return near && p.altRelM < 10 && (this.aircraft.armed || !this.aircraft.landed);
  }

  private moveLid(target: 0 | 1): number {
    if (this.faultState.lidJam) return MavResult.Failed;
    if (this.lidPos !== target) this.lidTarget = target;
    this.report();
    return MavResult.Accepted;
  }

  private lidState(): Lid {
    if (this.faultState.lidJam) return Lid.JAMMED;
    if (this.lidTarget === 1) return Lid.OPENING;
    if (this.lidTarget === 0) return Lid.CLOSING;
    if (this.lidPos >= 1) return Lid.OPEN;
    if (this.lidPos <= 0) return Lid.CLOSED;
    return Lid.UNKNOWN;
  }

  private chargerState(): Charger {
    if (this.faultState.chargerFault) return Charger.FAULT;
    if (this.charging) return this.aircraft.stateOfCharge >= 0.995 ? Charger.FULL : Charger.CHARGING;
    return Charger.IDLE;
  }

  private faultFlags(): number {
    return (
      (this.faultState.lidJam ? Fault.LID_JAM : 0) |
      (this.faultState.chargerFault ? Fault.CHARGER : 0) |
      (this.faultState.powerLoss ? Fault.POWER_LOSS : 0)
    );
  }

  private cycleState(): Cycle {
    return this.faultFlags() !== 0 ? Cycle.FAULT : this.cycle;
  }

  // ---- wire -----------------------------------------------------------------------------

  private send(message: MavLinkData): void {
    if (this.closed) return;
    this.shared.write(this.encoder.encode(message));
  }

  private heartbeat(): minimal.Heartbeat {
    const hb = new minimal.Heartbeat();
    hb.type = MAV_TYPE_ONBOARD_CONTROLLER;
    hb.autopilot = MAV_AUTOPILOT_INVALID;
    hb.baseMode = 0 as minimal.MavModeFlag;
    hb.customMode = 0;
    hb.systemStatus = this.faultFlags() !== 0 ? MAV_STATE_CRITICAL : MAV_STATE_ACTIVE;
    hb.mavlinkVersion = 3;
    return hb;
  }

  private statusMessage(): AerieDockStatus {
    const m = new AerieDockStatus();
    const parked = this.parked();
    m.timeBootMs = Math.floor(this.simMs) >>> 0;
    m.lidState = this.lidState();
    m.chargerState = this.chargerState();
    m.cycleState = this.cycleState();
    m.aircraftParked = parked ? 1 : 0;
    m.aircraftBattery = parked ? this.aircraft.battery.percent : -1;
    m.mainsPower = this.faultState.powerLoss ? 0 : 1;
    m.faultFlags = this.faultFlags();
    m.temperature = this.weatherNow.temperatureC;
    m.humidity = this.weatherNow.humidityPct;
    m.windSpeed = this.weatherNow.windSpeedMps;
    m.windGust = this.weatherNow.windGustMps;
    m.rainRate = this.weatherNow.rainMmPerH;
    m.lat = Math.round(this.position.lat * 1e7);
    m.lon = Math.round(this.position.lon * 1e7);
    m.alt = Math.round(this.position.altM * 1000);
    return m;
  }

  /**
   * Periodic HEARTBEAT and status (1 Hz simulated, at most every 200 ms real), and an extra
   * status whenever what it reports changed, so a watcher sees the lid start moving at once.
   */
  private report(): void {
    if (this.closed) return;
    const now = performance.now();
    const w = this.weatherNow;
    const key = `${this.lidState()},${this.chargerState()},${this.cycleState()},${this.parked()},${this.faultFlags()},${w.windSpeedMps},${w.windGustMps},${w.rainMmPerH},${w.temperatureC},${w.humidityPct}`;
    const changed = key !== this.lastReported;
    const due = this.simMs >= this.nextReportSimMs && now - this.lastReportRealMs >= MIN_REPORT_REAL_MS;
    if (!due && !changed) return;
    this.lastReported = key;
    if (due) {
      this.nextReportSimMs = this.simMs + 1000;
      this.lastReportRealMs = now;
      this.send(this.heartbeat());
    }
    this.send(this.statusMessage());
  }

  private ack(to: { sysid: number; compid: number }, command: number, result: number): void {
    const m = new common.CommandAck();
    m.command = command;
    m.result = result;
    m.targetSystem = to.sysid;
    m.targetComponent = to.compid;
    this.send(m);
  }

  private receive(d: DecodedMessage): void {
    if (this.closed || (d.sysid === this.sysid && d.compid === DOCK_COMPID)) return;
    const msg = d.message;
    if (!(msg instanceof common.CommandLong)) return;
    if (msg.targetSystem !== this.sysid) return;
    // In the aircraft's system a broadcast to component 0 is the autopilot's to answer.
    if (msg.targetComponent !== DOCK_COMPID && (this.sharesSystem || msg.targetComponent !== 0)) return;
    this.ack({ sysid: d.sysid, compid: d.compid }, msg.command, this.runCommand(msg));
  }

  private runCommand(m: common.CommandLong): number {
    switch (m.command as number) {
      case DockCmd.AERIE_DOCK_LID:
        return m._param1 >= 0.5 ? this.openLid() : this.closeLid();
      case DockCmd.AERIE_DOCK_CHARGER:
        return m._param1 >= 0.5 ? this.startCharging() : this.stopCharging();
      case DockCmd.AERIE_DOCK_PREPARE_TAKEOFF:
        return this.prepareTakeoff();
      case DockCmd.AERIE_DOCK_PREPARE_LANDING:
        return this.prepareLanding();
      case MAV_CMD_REQUEST_MESSAGE:
        if (Math.round(m._param1) !== AerieDockStatus.MSG_ID) return MavResult.Denied;
        this.send(this.statusMessage());
        return MavResult.Accepted;
      default:
        return MavResult.Unsupported;
    }
  }
}

/** Starts a dock paired with `aircraft`, on the aircraft's transport. */
export function startDock(aircraft: SimVehicle, opts: DockOptions = {}): SimDock {
  return new SimDock(aircraft, opts);
}
