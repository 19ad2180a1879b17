/**
 * Flying the stored mission: which item is current, what each item asks of the physics,
 * MISSION_ITEM_REACHED (repeated ~10 times at 1 Hz, as PX4 does), jumps, waits, and the
 * MISSION_CURRENT figures (seq, total, mission_state).
 *
 * Indexes are into the stored list, which excludes ArduPilot's home item 0; `wireSeq` turns
 * one into the sequence number the flavour reports.
 */
import { common } from 'node-mavlink';
import { type Behaviour, CopterMode } from './flavour.ts';
import { northEastM } from './geo.ts';
import { isGlobalFrame, type MissionStore, MissionTypeId, type StoredItem } from './mission-store.ts';
import {
  MissionState,
  type NavStep,
  type NavTarget,
  Sev,
  type VehicleConfig,
  type VehicleIo,
  type VehicleState,
} from './state.ts';

type CameraParams = [number, number, number, number, number, number, number];

type ItemPhase = { kind: 'go' } | { kind: 'wait'; untilMs: number } | { kind: 'forever' };

export class MissionExecutor {
  index = 0;
  started = false;
  complete = false;
  private itemPhase: ItemPhase = { kind: 'go' };
  private readonly jumpCounts = new Map<number, number>();
  private reachedSeq = -1;
  private reachedPending = false;
  private reachedRepeatsLeft = 0;
  private reachedNextMs = 0;

  constructor(
    private readonly config: VehicleConfig,
    private readonly state: VehicleState,
    private readonly store: MissionStore,
    private readonly io: VehicleIo,
    /** Switches the vehicle's behaviour (a mission RTL item hands over to RTL). */
    private readonly setBehaviour: (behaviour: Behaviour, customMode?: number) => void,
    /** Sends one message of the telemetry set now (MISSION_CURRENT after a set-current). */
    private readonly sendOnce: (msgid: number) => void,
    /** Carries out a camera item (camera-trigger.ts); false when the command is not one. */
    private readonly cameraItem: (command: number, params: CameraParams) => boolean = () => false,
  ) {}

  get items(): readonly StoredItem[] {
    return this.store.items(MissionTypeId.Mission);
  }

  wireSeq(index: number): number {
    return this.config.flavour === 'ardupilot' ? index + 1 : index;
  }

  total(): number {
    const n = this.items.length;
    if (this.config.flavour === 'px4') return n === 0 ? 65535 : n;
    return n;
  }

  missionState(): number {
    if (this.items.length === 0) return MissionState.NoMission;
    if (this.complete) return MissionState.Complete;
    if (this.state.behaviour === 'mission' && this.state.armed) return MissionState.Active;
    if (this.started) return MissionState.Paused;
    return MissionState.NotStarted;
  }

  currentItem(): StoredItem | undefined {
    return this.items[this.index];
  }

  /** A list was replaced or cleared: the mission starts over, not started. */
  onListChanged(type: number): void {
    if (type !== MissionTypeId.Mission) return;
    this.restart(0);
    this.started = false;
    if (this.state.behaviour === 'mission' && this.items.length === 0) this.setBehaviour('hold');
  }

  restart(index: number): void {
    this.index = index;
    this.complete = false;
    this.itemPhase = { kind: 'go' };
    this.jumpCounts.clear();
  }

  /** Entering mission mode: a finished mission starts over; a waiting item goes on. */
  resume(): void {
    if (this.complete) this.restart(0);
    this.itemPhase = { kind: 'go' };
  }

  /** Leaving mission mode ends any wait on the current item. */
  leave(): void {
    this.itemPhase = { kind: 'go' };
  }

  onSetCurrent(seq: number): void {
    const index = seq - (this.config.flavour === 'ardupilot' ? 1 : 0);
    if (index < 0 || index >= this.items.length) {
      this.io.statusText(Sev.Error, `WPM: MISSION_SET_CURRENT seq ${seq} out of bounds`);
      return;
    }
    this.restart(index);
    this.sendOnce(42);
  }

  /** Sends a pending MISSION_ITEM_REACHED, or its next repeat when due (once per tick). */
  flushReached(): void {
    const now = this.state.simMs;
    if (this.reachedPending) {
      this.reachedPending = false;
      this.reachedRepeatsLeft = 9;
      this.reachedNextMs = now + 1000;
      this.sendReached();
    } else if (this.reachedRepeatsLeft > 0 && now >= this.reachedNextMs) {
      this.reachedRepeatsLeft -= 1;
      this.reachedNextMs += 1000;
      this.sendReached();
    }
  }

  /** The current item is done: reached, and the next one (or the end) is current. */
  advanceItem(): void {
    this.markReached(this.index);
    this.itemPhase = { kind: 'go' };
    if (this.index + 1 >= this.items.length) {
      this.complete = true;
      this.announceFinished(this.items[this.index]);
      return;
    }
    this.index += 1;
  }

  /**
   * PX4 says how a mission ended: "Mission finished, landed" after a land item touched down,
   * "Mission finished, loitering" when it ends in the air; a final RTL item hands over to RTL
   * without a word (its RTL announces itself).
   */
  private announceFinished(last: StoredItem | undefined): void {
    if (this.config.flavour !== 'px4' || !last || last.command === 20) return;
    if (this.state.onGround) this.io.statusText(Sev.Info, 'Mission finished, landed\t');
    else this.io.statusText(Sev.Info, 'Mission finished, loitering\t');
  }

  /** One physics step in mission mode; returns the navigation target for this step. */
  step(): NavStep {
    const s = this.state;
    const here = s.here();
    if (this.complete) return { target: s.target, vertFirst: false, landing: false };
    const items = this.items;
    // Resolve instantaneous items (DO_*, jumps) in one go, as a flight controller would.
    for (let guard = 0; guard < items.length + 4; guard++) {
      const it = items[this.index];
      if (!it) {
        this.complete = true;
        return { target: here, vertFirst: false, landing: false };
      }
      this.started = true;
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
          const done = this.jumpCounts.get(this.index) ?? 0;
          this.markReached(this.index);
          if (done < Math.round(it.param2) && targetIdx >= 0 && targetIdx < items.length) {
            this.jumpCounts.set(this.index, done + 1);
            this.index = targetIdx;
          } else {
            this.advanceItem();
          }
          break;
        }
        case 178:
          if (it.param2 > 0) s.cruiseOverride = it.param2;
          this.advanceItem();
          break;
        default:
          // Camera items go to the camera as the item is passed; other DO_* items are skipped.
          this.cameraItem(it.command, [it.param1, it.param2, it.param3, it.param4, it.x, it.y, it.z]);
          this.advanceItem();
          break;
      }
      if (this.complete) {
        s.target = here;
        return { target: here, vertFirst: false, landing: false };
      }
    }
    return { target: here, vertFirst: false, landing: false };
  }

  private markReached(index: number): void {
    this.reachedSeq = this.wireSeq(index);
    this.reachedPending = true;
  }

  private sendReached(): void {
    const m = new common.MissionItemReached();
    m.seq = this.reachedSeq;
    this.io.send(m);
  }

  /** Altitude of an item in metres above home. */
  private itemAlt(it: StoredItem): number {
    return it.frame === 0 || it.frame === 5 ? it.z - this.state.home.altM : it.z;
  }

  private itemTarget(it: StoredItem): NavTarget {
    const hasPos = isGlobalFrame(it.frame) && (it.x !== 0 || it.y !== 0);
    return {
      lat: hasPos ? it.x / 1e7 : this.state.lat,
      lon: hasPos ? it.y / 1e7 : this.state.lon,
      alt: this.itemAlt(it),
    };
  }

  private navItemStep(it: StoredItem): NavStep {
    const s = this.state;
    const here = s.here();
    const phase = this.itemPhase;
    if (phase.kind === 'wait') {
      if (s.simMs >= phase.untilMs) this.advanceItem();
      return { target: s.target, vertFirst: false, landing: false };
    }
    if (phase.kind === 'forever') return { target: s.target, vertFirst: false, landing: false };
    switch (it.command) {
      case 22: {
        const alt = Math.max(s.tuning.takeoffAlt, this.itemAlt(it));
        s.target = { lat: s.target.lat, lon: s.target.lon, alt };
        if (s.onGround) s.target = { lat: s.lat, lon: s.lon, alt };
        // Reached once at (or above) the take-off altitude; a vehicle already higher goes on.
        if (here.alt >= alt - 0.8) this.advanceItem();
        return { target: s.target, vertFirst: true, landing: false };
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
        this.itemPhase = { kind: 'wait', untilMs: s.simMs + Math.max(0, it.param1) * 1000 };
        s.target = here;
        return { target: here, vertFirst: false, landing: false };
      case 21: {
        const t = this.itemTarget(it);
        const [n, e] = northEastM(s.lat, s.lon, t.lat, t.lon);
        if (Math.hypot(n, e) > 1) {
          s.target = { lat: t.lat, lon: t.lon, alt: Math.max(here.alt, 2) };
          return { target: s.target, vertFirst: false, landing: false };
        }
        s.target = { lat: t.lat, lon: t.lon, alt: 0 };
        return { target: s.target, vertFirst: false, landing: true };
      }
      default: {
        const t = this.itemTarget(it);
        s.target = t;
        const radius = it.command === 16 && it.param2 > 0 ? it.param2 : s.tuning.accRad;
        const [n, e] = northEastM(s.lat, s.lon, t.lat, t.lon);
        const vertFirst = s.onGround || here.alt < 1;
        if (Math.hypot(n, e) <= radius && Math.abs(here.alt - t.alt) <= 1) {
          if (it.command === 17) {
            this.markReached(this.index);
            this.itemPhase = { kind: 'forever' };
          } else {
            let waitS = 0;
            if (it.command === 16) waitS = Math.max(0, it.param1);
            if (it.command === 19) waitS = Math.max(0, it.param1);
            if (it.command === 18) {
              const r = Math.abs(it.param3) || 10;
              waitS = (Math.max(0, it.param1) * 2 * Math.PI * r) / s.cruise();
            }
            if (waitS > 0) this.itemPhase = { kind: 'wait', untilMs: s.simMs + waitS * 1000 };
            else this.advanceItem();
          }
        }
        return { target: t, vertFirst, landing: false };
      }
    }
  }
}
