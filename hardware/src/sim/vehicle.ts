/**
 * One simulated multicopter: a MAVLink peer that answers like PX4 SITL (or ArduCopter) on
 * the wire, with simple but honest flight physics in its own simulated clock.
 *
 * A thin composition of its parts, each in its own module: flight behaviours and physics
 * (flight.ts), mission execution (mission-exec.ts), battery (battery.ts), the protocol
 * servers for commands (command-dispatch.ts), missions (mission-server.ts) and parameters
 * (param-server.ts), telemetry encoders and streams (telemetry-encoders.ts), and fault
 * injection (faults.ts). Everything timed on the vehicle (telemetry, settle time, item
 * re-requests, auto-disarm) runs in simulated time, `speedup` times faster than real time.
 */
import { itemAt, MavCmd, MavFrame } from '@aerie/missions';
import { common, type MavLinkData, minimal } from 'node-mavlink';
import { Battery } from './battery.ts';
import { CameraTrigger, type ComponentCommand } from './camera-trigger.ts';
import { type DecodedMessage, FrameDecoder, FrameEncoder } from './codec.ts';
import { CommandDispatcher } from './command-dispatch.ts';
import { ComponentCommandSender } from './component-commands.ts';
import { type ActiveFaults, activeFaults, applyFaults, type SimFaults } from './faults.ts';
import { type Flavour, modeName } from './flavour.ts';
import { Flight } from './flight.ts';
import {
  type GcsLink,
  gcsCheck,
  gcsHeard,
  initialGcsLink,
  linkLossBehaviour,
  MAV_TYPE_GCS,
} from './gcs-link-loss.ts';
import { type AttitudeDeg, SimGimbal } from './gimbal.ts';
import { type FaultyLink, UdpLink } from './link.ts';
import { MissionExecutor } from './mission-exec.ts';
import { MissionServer } from './mission-server.ts';
import { MissionStore, type StoredItem } from './mission-store.ts';
import { ParamServer } from './param-server.ts';
import { ParamTable } from './params.ts';
import { type Partner, tuningFrom, type VehicleConfig, type VehicleIo, VehicleState } from './state.ts';
import { nextStatusTextId, statusTextChunks } from './status-text.ts';
import { Telemetry } from './telemetry-encoders.ts';
import { joinTicker, leaveTicker, SimTimers, TICK_MS, type Tickable } from './ticker.ts';

export type { ActiveFaults, SimFaults } from './faults.ts';
export { LandedState, MavResult, MissionState, type VehicleConfig } from './state.ts';

const MAX_SUBSTEP_S = 0.1;
/** Real time a tick may cover at most; beyond this the simulated clock slows rather than jumps. */
const MAX_TICK_REAL_MS = 250;

const MSG_COMMAND_ACK = 77;

/** Whether one framed message (as a sharer writes it) is a COMMAND_ACK from system `sysid`. */
function isCommandAckFrom(buf: Buffer, sysid: number): boolean {
  if (buf[0] === 0xfd) return buf.length > 9 && buf[5] === sysid && buf.readUIntLE(7, 3) === MSG_COMMAND_ACK;
  if (buf[0] === 0xfe) return buf.length > 5 && buf[3] === sysid && buf[5] === MSG_COMMAND_ACK;
  return false;
}

/**
 * A running simulated vehicle. Start it with `startVehicle` / `startFleet`; read its state
 * through the getters; change its faults with `injectFault` / `clearFaults`.
 */
export class SimVehicle implements Tickable {
  /** Its simulated-time timers (internal; exposed for diagnostics). */
  readonly timers = new SimTimers();
  private readonly params: ParamTable;
  private readonly store = new MissionStore();
  private readonly state: VehicleState;
  private readonly io: VehicleIo;
  private readonly pack: Battery;
  private readonly mission: MissionExecutor;
  private readonly flight: Flight;
  private readonly telemetry: Telemetry;
  private readonly commands: CommandDispatcher;
  private readonly missions: MissionServer;
  private readonly paramServer: ParamServer;
  /** PX4's camera trigger and its hand-on of mission camera items to the camera component. */
  private readonly trigger = new CameraTrigger({
    command: (c) => this.componentCommands.send(c, performance.now()),
    triggered: (seq) => {
      const m = new common.CameraTrigger();
      m.timeUsec = BigInt(Math.round(this.state.simMs * 1000));
      m.seq = seq;
      this.send(m);
    },
  });
  /** Commands to the camera, resent until it acknowledges them (component-commands.ts). */
  private readonly componentCommands = new ComponentCommandSender((c, confirmation) =>
    this.commandComponent(c, confirmation),
  );
  /** What the components sharing this transport say to the autopilot (the camera's COMMAND_ACK). */
  private readonly componentDecoder = new FrameDecoder((m) => this.fromComponent(m));
  /** The camera's gimbal, steered by mission gimbal items and gimbal commands (gimbal.ts). */
  readonly gimbal = new SimGimbal();
  private readonly encoder: FrameEncoder;
  private readonly decoder: FrameDecoder;
  private closed = false;
  private lastRealMs: number;
  /** The ground station's heartbeats, for PX4's data-link-loss failsafe (gcs-link-loss.ts). */
  private gcsLink: GcsLink = initialGcsLink();
  /** Id of the next STATUSTEXT (PX4 numbers every text; ArduPilot only chunked ones). */
  private statusTextId: number;

  /** Other systems on this vehicle's transport (its dock): they see every inbound packet. */
  private readonly linkPeers = new Set<(buf: Buffer) => void>();

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
    this.state = new VehicleState(config);
    this.statusTextId = config.flavour === 'px4' ? 0 : 1;
    this.retune();
    this.encoder = new FrameEncoder(config.sysid, 1);
    this.io = {
      send: (m) => this.send(m),
      statusText: (sev, text) => this.statusText(sev, text),
      timers: this.timers,
    };
    const state = this.state;
    this.pack = new Battery(config, state, this.io, () => {
      this.flight.setBehaviour('rtl');
      state.failsafe = true;
    });
    this.mission = new MissionExecutor(
      config,
      state,
      this.store,
      this.io,
      (b, cm) => this.flight.setBehaviour(b, cm),
      (msgid) => this.telemetry.sendOnce(msgid),
      (command, params) => this.gimbal.command(command, params) || this.trigger.missionItem(command, params),
    );
    this.flight = new Flight(config, state, this.io, this.mission, this.pack);
    this.telemetry = new Telemetry(
      {
        config,
        state,
        battery: this.pack,
        mission: this.mission,
        flight: this.flight,
        store: this.store,
        gimbal: this.gimbal,
      },
      this.io,
    );
    this.commands = new CommandDispatcher(
      config,
      state,
      this.io,
      this.flight,
      this.mission,
      this.pack,
      this.telemetry,
    );
    this.commands.cameraTrigger = this.trigger;
    this.commands.gimbal = this.gimbal;
    this.paramServer = new ParamServer(config, this.params, this.io, () => this.retune());
    this.missions = new MissionServer(
      {
        flavour: config.flavour,
        timers: this.timers,
        now: () => state.simMs,
        send: (m) => this.send(m),
        statusText: (sev, text) => this.statusText(sev, text),
        maxItems: config.maxItems,
        homeItem: () => this.homeItem(),
        currentSeq: () => this.mission.wireSeq(this.mission.index),
        onListChanged: (type) => this.mission.onListChanged(type),
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
    this.telemetry.sendOnce(0);
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
    return this.state.simMs / 1000;
  }

  get position(): { lat: number; lon: number; altAmslM: number; altRelM: number } {
    const s = this.state;
    return { lat: s.lat, lon: s.lon, altAmslM: s.altAmsl, altRelM: s.altRel() };
  }

  /** Attitude in degrees (yaw clockwise from north), for the simulated camera. */
  get attitudeDeg(): { rollDeg: number; pitchDeg: number; yawDeg: number } {
    const deg = 180 / Math.PI;
    return { rollDeg: this.state.roll * deg, pitchDeg: this.state.pitch * deg, yawDeg: this.state.yaw * deg };
  }

  /** The camera's attitude in NED (degrees; zero: level, looking north), from the gimbal and the vehicle's attitude. */
  get cameraAttitudeDeg(): AttitudeDeg {
    return this.gimbal.cameraAttitude(this.attitudeDeg);
  }

  /** The camera's attitude relative to the body (degrees), as the renderer's gimbal angles take it. */
  get gimbalBodyDeg(): AttitudeDeg {
    return this.gimbal.bodyRelative(this.attitudeDeg);
  }

  get mode(): { name: string; customMode: number } {
    return { name: modeName(this.config.flavour, this.state.customMode), customMode: this.state.customMode };
  }

  get armed(): boolean {
    return this.state.armed;
  }

  get landed(): boolean {
    return this.state.onGround;
  }

  get landedState(): number {
    return this.flight.landedState;
  }

  get battery(): { percent: number; voltageV: number } {
    return { percent: Math.round(this.pack.charge * 100), voltageV: this.pack.voltage() };
  }

  get homePosition(): { lat: number; lon: number; altM: number } {
    return { ...this.state.home };
  }

  /** Shots the camera trigger has commanded so far (distance triggering, one-shot items). */
  get cameraTriggerCount(): number {
    return this.trigger.count;
  }

  get missionProgress(): { seq: number; total: number; state: number } {
    const m = this.mission;
    return { seq: m.wireSeq(m.index), total: m.total(), state: m.missionState() };
  }

  /** The stored list of a mission type (0 mission, 1 fence, 2 rally), as uploaded (ArduPilot's home excluded). */
  missionItems(type = 0): readonly StoredItem[] {
    return this.store.items(type);
  }

  /** The CRC32 opaque id of a stored list (0 when empty), as MISSION_ACK and MISSION_COUNT carry it. */
  missionOpaqueId(type = 0): number {
    return this.store.opaqueId(type);
  }

  /** Whether a mission upload is open on the vehicle (PX4 "busy" until finished, timed out or cancelled). */
  get missionTransferOpen(): boolean {
    return this.missions.receiving;
  }

  /** Stores a list as if it had been uploaded (a vehicle that boots holding a plan). */
  storeMission(type: number, items: readonly StoredItem[]): void {
    this.store.replace(type, [...items]);
    this.mission.onListChanged(type);
  }

  /** Faults in force now. */
  get faults(): ActiveFaults {
    return activeFaults(this.link, this.state);
  }

  /** Applies faults now; fields left out keep their current setting. */
  injectFault(f: SimFaults): void {
    applyFaults(f, { link: this.link, state: this.state, battery: this.pack, io: this.io });
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
        if (this.closed) return;
        this.link.write(buf);
        // Routed to the autopilot too, as PX4's MAVLink router hands a component's messages on;
        // only its own components' COMMAND_ACKs concern it (a dock's traffic is not decoded).
        if (isCommandAckFrom(buf, this.config.sysid)) this.componentDecoder.push(buf);
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
    this.commands.armInterlock = check;
  }

  /**
   * Adds charge from a charger (a fraction of a full battery, e.g. 0.01 for 1 %); only while
   * disarmed. Returns the new state of charge 0..1. Low and critical warnings re-arm once the
   * battery is back above their thresholds.
   */
  chargeBattery(fraction: number): number {
    return this.pack.chargeBy(fraction);
  }

  /** State of charge 0..1, unrounded (`battery.percent` is what telemetry reports). */
  get stateOfCharge(): number {
    return this.pack.charge;
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
    this.componentDecoder.close();
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
      this.state.simMs += h * 1000;
      this.flight.step(h);
      this.trigger.update(this.state.lat, this.state.lon);
      this.timers.run(this.state.simMs);
      dt -= h;
    }
    this.mission.flushReached();
    this.componentCommands.check(realNowMs);
    this.checkGcsLink(realNowMs);
    this.telemetry.runStreams();
  }

  /**
   * PX4's data-link-loss failsafe: NAV_DLL_ACT after COM_DL_LOSS_T s without a ground station.
   * The silence is timed in real seconds: a ground station beats at 1 Hz of real time, so at a
   * speedup of 10 or more simulated seconds would call every gap between two beats a loss.
   */
  private checkGcsLink(realNowMs: number): void {
    if (this.config.flavour !== 'px4') return;
    const [link, change] = gcsCheck(this.gcsLink, realNowMs, this.params.get('COM_DL_LOSS_T'));
    this.gcsLink = link;
    if (change !== 'lost') return;
    this.statusText(2, 'Connection to ground station lost');
    if (!this.state.armed || this.state.onGround) return;
    const next = linkLossBehaviour(
      this.params.get('NAV_DLL_ACT'),
      this.params.get('COM_DLL_EXCEPT'),
      this.state.behaviour,
    );
    if (!next) return;
    this.state.failsafe = true;
    this.flight.setBehaviour(next);
    this.statusText(2, `Failsafe activated: ${modeName(this.config.flavour, this.state.customMode)}`);
  }

  // ---- wire ---------------------------------------------------------------------------

  private send(message: MavLinkData): void {
    if (this.closed) return;
    this.link.write(this.encoder.encode(message));
  }

  /**
   * A COMMAND_LONG from the autopilot (component 1) to a component of this vehicle: out on the
   * link, as PX4 sends it on every MAVLink channel, and straight to the components that share
   * this transport (its camera), as PX4's routing hands it to the channel the camera is on.
   */
  private commandComponent(c: ComponentCommand, confirmation: number): void {
    if (this.closed) return;
    const m = new common.CommandLong();
    m.targetSystem = this.config.sysid;
    m.targetComponent = c.targetComponent;
    m.command = c.command as common.MavCmd;
    m.confirmation = confirmation;
    [m._param1, m._param2, m._param3, m._param4, m._param5, m._param6, m._param7] = c.params;
    const buf = this.encoder.encode(m);
    this.link.write(buf);
    for (const peer of this.linkPeers) peer(buf);
  }

  /** A message from a component of this system (its camera) that shares the transport. */
  private fromComponent(d: DecodedMessage): void {
    if (this.closed || d.sysid !== this.config.sysid) return;
    const m = d.message;
    if (!(m instanceof common.CommandAck)) return;
    if (m.targetSystem !== this.config.sysid || m.targetComponent !== 1) return;
    this.componentCommands.acked(m.command, d.compid);
  }

  /** Sends a status text, in 50-character chunks under one id when longer (as PX4 v1.16). */
  private statusText(severity: number, text: string): void {
    const flavour = this.config.flavour;
    for (const chunk of statusTextChunks(flavour, text, this.statusTextId)) {
      const m = new common.StatusText();
      m.severity = severity;
      m.text = chunk.text;
      m.id = chunk.id;
      m.chunkSeq = chunk.chunkSeq;
      this.send(m);
    }
    this.statusTextId = nextStatusTextId(flavour, this.statusTextId);
  }

  private receive(d: DecodedMessage): void {
    if (this.closed || d.sysid === this.config.sysid) return;
    const msg = d.message as MavLinkData & { targetSystem?: number; targetComponent?: number };
    if (msg.targetSystem !== undefined && msg.targetSystem !== 0 && msg.targetSystem !== this.config.sysid)
      return;
    if (msg.targetComponent !== undefined && msg.targetComponent !== 0 && msg.targetComponent !== 1) return;
    if (msg instanceof minimal.Heartbeat && msg.type === MAV_TYPE_GCS) {
      const [link, change] = gcsHeard(this.gcsLink, performance.now());
      this.gcsLink = link;
      if (change === 'regained') this.statusText(6, 'Connection to ground station regained');
      return;
    }
    const from: Partner = { sysid: d.sysid, compid: d.compid };
    if (this.missions.handle(from, msg)) return;
    if (this.commands.handle(from, msg)) return;
    if (msg instanceof common.MissionSetCurrent) {
      this.mission.onSetCurrent(msg.seq);
      return;
    }
    this.paramServer.handle(msg);
  }

  private retune(): void {
    this.state.tuning = tuningFrom(this.config.flavour, this.params);
  }

  private homeItem(): StoredItem {
    const home = this.state.home;
    return itemAt(MavFrame.Global, MavCmd.NavWaypoint, home, home.altM);
  }
}
