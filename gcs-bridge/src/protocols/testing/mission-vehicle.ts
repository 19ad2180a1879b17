/**
 * A scripted vehicle mission manager for tests, in the spirit of QGroundControl's
 * MockLinkMissionItemHandler. Two flavours, modelled on how the real ones answer
 * (PX4 mavlink_mission.cpp and FIELD-NOTES; ArduPilot per the mavlink devguide notes):
 *
 * - 'px4': sequence starts at 0 with the first real item; asks with MISSION_REQUEST_INT and
 *   re-requests the expected item every 250 ms; answers a duplicate of the last item after a
 *   finished upload with the final ACK again; after an item it treats as the wrong mission
 *   type it answers ERROR and then stays busy (re-requesting forever, ERROR to every new
 *   MISSION_COUNT) until it gets MISSION_ACK OPERATION_CANCELLED.
 * - 'ardupilot': mission list (type 0) keeps its home position at seq 0 (downloads include
 *   it); asks with legacy MISSION_REQUEST and re-requests every 500 ms; a NACK does not end
 *   its side of the transfer and it ignores cancellation (it times out by itself after 5 s).
 */
import type { MissionItemInt, MissionType } from '@aerie/missions';
import type { MavLinkData } from 'node-mavlink';
import { common } from 'node-mavlink';
import { GCS_SYSID } from '../../codec/types.ts';
import type { FakeLink } from './fake-link.ts';

export type Flavour = 'px4' | 'ardupilot';

export interface MissionFaults {
  /** Stop answering anything after receiving this many items of an upload. */
  silentAfterItems?: number;
  /** Answer the item with this seq with a MISSION_ACK error instead of taking it. */
  nackAtItem?: { seq: number; result: number };
  /** Treat the item with this seq as the wrong mission type (PX4: ERROR, then busy until cancelled). */
  wrongTypeAtItem?: number;
  /** Send every item request twice. */
  duplicateRequests?: boolean;
  /** Request items last-to-first instead of in order. */
  reverseOrder?: boolean;
  /** Send the final upload ACK twice. */
  duplicateAcks?: boolean;
  /** Never send the final upload ACK (items are stored). */
  noFinalAck?: boolean;
  /** After the last item, request seq === count instead of acknowledging. */
  requestBeyondCount?: boolean;
  /** Items per list before MISSION_COUNT gets NO_SPACE. */
  maxItems?: number;
}

type UploadState =
  | { kind: 'idle' }
  | {
      kind: 'receiving';
      missionType: number;
      count: number;
      order: number[];
      pos: number;
      items: MissionItemInt[];
      stuck: boolean;
      silent: boolean;
    }
  | { kind: 'sending'; missionType: number };

export class MissionVehicle {
  readonly sysid: number;
  readonly compid: number;
  /** Stored lists by mission type. */
  readonly lists = new Map<number, MissionItemInt[]>();
  faults: MissionFaults;
  /** Every MISSION_ACK OPERATION_CANCELLED the vehicle received. */
  cancels = 0;
  private state: UploadState = { kind: 'idle' };
  private rerequest: ReturnType<typeof setInterval> | undefined;
  private lastActivity = 0;
  private lastCompleted: { missionType: number; lastSeq: number; opaqueId: number } | undefined;
  private readonly transmit: (sysid: number, compid: number, message: MavLinkData) => void;
  readonly home: MissionItemInt = {
    seq: 0,
    frame: 0,
    command: 16,
    current: 0,
    autocontinue: 1,
    param1: 0,
    param2: 0,
    param3: 0,
    param4: 0,
    x: 300000000,
    y: 1200000000,
    z: 12,
    missionType: 0,
  };

  constructor(
    link: FakeLink,
    readonly flavour: Flavour,
    options: { sysid?: number; compid?: number; faults?: MissionFaults } = {},
  ) {
    this.sysid = options.sysid ?? 1;
    this.compid = options.compid ?? 1;
    this.faults = options.faults ?? {};
    this.transmit = link.attachVehicle((m) => this.handle(m));
    if (flavour === 'ardupilot') this.lists.set(0, [this.home]);
  }

  /** True while an upload transfer is open on the vehicle side (PX4 "busy"). */
  get busy(): boolean {
    return this.state.kind === 'receiving';
  }

  /** Stops background timers; call in afterEach. */
  dispose(): void {
    this.stopRerequest();
  }

  opaqueIdOf(missionType: number): number {
    return opaqueId(this.lists.get(missionType) ?? []);
  }

  private send(message: MavLinkData): void {
    this.transmit(this.sysid, this.compid, message);
  }

  private ack(type: number, missionType: number, opaque = 0): void {
    const m = new common.MissionAck();
    m.targetSystem = GCS_SYSID;
    m.targetComponent = 190;
    m.type = type;
    m.missionType = missionType;
    m.opaqueId = opaque;
    this.send(m);
  }

  private request(seq: number, missionType: number): void {
    const m = this.flavour === 'px4' ? new common.MissionRequestInt() : new common.MissionRequest();
    m.targetSystem = GCS_SYSID;
    m.targetComponent = 190;
    m.seq = seq;
    m.missionType = missionType;
    this.send(m);
    if (this.faults.duplicateRequests) this.send(m);
  }

  private handle(message: MavLinkData): void {
    if (message instanceof common.MissionCount) this.onCount(message);
    else if (message instanceof common.MissionItemInt) this.onItem(message);
    else if (message instanceof common.MissionAck) this.onAck(message);
    else if (message instanceof common.MissionRequestList) this.onRequestList(message);
    else if (message instanceof common.MissionRequestInt) this.onDownloadRequest(message);
    else if (message instanceof common.MissionClearAll) this.onClear(message);
  }

  private onCount(m: common.MissionCount): void {
    const s = this.state;
    if (s.kind === 'receiving') {
      if (s.silent) return;
      // PX4: a repeated count before the first item means our request was lost; otherwise busy.
      if (!s.stuck && s.pos === 0 && s.missionType === m.missionType && s.count === m.count) {
        this.request(s.order[0]!, s.missionType);
        return;
      }
      if (this.flavour === 'px4') this.ack(1, m.missionType);
      return;
    }
    if (m.count > (this.faults.maxItems ?? 500)) {
      this.ack(4, m.missionType);
      return;
    }
    if (m.count === 0) {
      this.lists.set(m.missionType, this.flavour === 'ardupilot' && m.missionType === 0 ? [this.home] : []);
      this.ack(0, m.missionType, this.opaqueIdOf(m.missionType));
      return;
    }
    const order = [...Array(m.count).keys()];
    if (this.faults.reverseOrder) order.reverse();
    this.state = {
      kind: 'receiving',
      missionType: m.missionType,
      count: m.count,
      order,
      pos: 0,
      items: [],
      stuck: false,
      silent: false,
    };
    this.lastActivity = Date.now();
    this.request(order[0]!, m.missionType);
    this.startRerequest();
  }

  private onItem(m: common.MissionItemInt): void {
    const s = this.state;
    if (s.kind !== 'receiving') {
      // PX4: a repeat of the last item after a finished upload means our ACK was lost.
      const done = this.lastCompleted;
      if (this.flavour === 'px4' && done && done.missionType === m.missionType && done.lastSeq === m.seq) {
        if (!this.faults.noFinalAck) this.ack(0, m.missionType, done.opaqueId);
      }
      return;
    }
    if (s.silent || s.stuck) return;
    const expected = s.order[s.pos]!;
    if (m.seq !== expected || m.missionType !== s.missionType) {
      if (this.flavour === 'ardupilot') this.ack(13, s.missionType);
      return;
    }
    this.lastActivity = Date.now();
    if (this.faults.wrongTypeAtItem === m.seq) {
      this.faults = { ...this.faults, wrongTypeAtItem: undefined };
      this.ack(1, s.missionType);
      if (this.flavour === 'px4') s.stuck = true;
      return;
    }
    if (this.faults.nackAtItem?.seq === m.seq) {
      this.ack(this.faults.nackAtItem.result, s.missionType);
      // ArduPilot keeps its transfer open after a NACK; PX4 resets.
      if (this.flavour === 'px4') this.finishReceiving();
      return;
    }
    s.items[m.seq] = fromWire(m);
    s.pos++;
    if (
      this.faults.silentAfterItems !== undefined &&
      s.pos >= this.faults.silentAfterItems &&
      s.pos < s.count
    ) {
      s.silent = true;
      this.stopRerequest();
      return;
    }
    if (s.pos < s.count) {
      this.request(s.order[s.pos]!, s.missionType);
      return;
    }
    if (this.faults.requestBeyondCount) {
      this.request(s.count, s.missionType);
      return;
    }
    const items = s.items.map((it, i) => ({ ...it, seq: i }));
    const stored =
      this.flavour === 'ardupilot' && s.missionType === 0 ? [this.home, ...items.slice(1)] : items;
    this.lists.set(s.missionType, stored);
    const id = this.opaqueIdOf(s.missionType);
    this.lastCompleted = { missionType: s.missionType, lastSeq: s.order[s.count - 1]!, opaqueId: id };
    const missionType = s.missionType;
    this.finishReceiving();
    if (this.faults.noFinalAck) return;
    this.ack(0, missionType, id);
    if (this.faults.duplicateAcks) this.ack(0, missionType, id);
  }

  private onAck(m: common.MissionAck): void {
    if (m.type === 15) this.cancels++;
    const s = this.state;
    if (s.kind === 'sending' && s.missionType === m.missionType) {
      this.state = { kind: 'idle' };
      return;
    }
    if (s.kind === 'receiving' && m.type === 15 && this.flavour === 'px4') this.finishReceiving();
  }

  private onRequestList(m: common.MissionRequestList): void {
    if (this.state.kind === 'receiving') return;
    this.state = { kind: 'sending', missionType: m.missionType };
    const list = this.lists.get(m.missionType) ?? [];
    const c = new common.MissionCount();
    c.targetSystem = GCS_SYSID;
    c.targetComponent = 190;
    c.count = list.length;
    c.missionType = m.missionType;
    c.opaqueId = this.flavour === 'px4' ? this.opaqueIdOf(m.missionType) : 0;
    this.send(c);
  }

  private onDownloadRequest(m: common.MissionRequestInt): void {
    const s = this.state;
    if (s.kind !== 'sending' || s.missionType !== m.missionType) return;
    const item = (this.lists.get(m.missionType) ?? [])[m.seq];
    if (!item) {
      this.ack(1, m.missionType);
      this.state = { kind: 'idle' };
      return;
    }
    const w = new common.MissionItemInt();
    w.targetSystem = GCS_SYSID;
    w.targetComponent = 190;
    Object.assign(w, { ...item, seq: m.seq, missionType: m.missionType });
    this.send(w);
  }

  private onClear(m: common.MissionClearAll): void {
    if (this.state.kind === 'receiving') return;
    const types = m.missionType === 255 ? [0, 1, 2] : [m.missionType];
    for (const t of types) this.lists.set(t, this.flavour === 'ardupilot' && t === 0 ? [this.home] : []);
    this.ack(0, m.missionType);
  }

  private finishReceiving(): void {
    this.state = { kind: 'idle' };
    this.stopRerequest();
  }

  private startRerequest(): void {
    this.stopRerequest();
    const every = this.flavour === 'px4' ? 250 : 500;
    this.rerequest = setInterval(() => {
      const s = this.state;
      if (s.kind !== 'receiving' || s.silent) return;
      // ArduPilot (and PX4 outside the "stuck" case) give up on a silent partner.
      if (!s.stuck && Date.now() - this.lastActivity > 5000) {
        this.finishReceiving();
        return;
      }
      const seq = s.order[s.pos];
      if (seq !== undefined) this.request(seq, s.missionType);
    }, every);
  }

  private stopRerequest(): void {
    if (this.rerequest !== undefined) clearInterval(this.rerequest);
    this.rerequest = undefined;
  }
}

function fromWire(m: common.MissionItemInt): MissionItemInt {
  return {
    seq: m.seq,
    frame: m.frame,
    command: m.command,
    current: m.current,
    autocontinue: m.autocontinue,
    param1: m.param1,
    param2: m.param2,
    param3: m.param3,
    param4: m.param4,
    x: m.x,
    y: m.y,
    z: m.z,
    missionType: m.missionType as MissionType,
  };
}

/** A content hash standing in for PX4's CRC32 opaque id (FNV-1a over the item fields). */
export function opaqueId(items: readonly MissionItemInt[]): number {
  if (items.length === 0) return 0;
  let h = 0x811c9dc5;
  for (const it of items) {
    for (const v of [
      it.seq,
      it.frame,
      it.command,
      it.x,
      it.y,
      Math.round(it.z * 1000),
      it.param1,
      it.param4,
    ]) {
      h ^= v & 0xffffffff;
      h = Math.imul(h, 0x01000193) >>> 0;
    }
  }
  return h >>> 0 || 1;
}

/** n waypoints of one mission type, numbered 0..n-1. */
export function makeItems(n: number, missionType: MissionType = 0): MissionItemInt[] {
  return Array.from({ length: n }, (_, i) => ({
    seq: i,
    frame: 6,
    command: missionType === 1 ? 5001 : missionType === 2 ? 5100 : 16,
    current: i === 0 ? 1 : 0,
    autocontinue: 1,
    param1: missionType === 1 ? 4 : 0,
    param2: 0,
    param3: 0,
    param4: 0,
    x: 300000000 + i * 1000,
    y: 1200000000 + i * 1000,
    z: 30 + i,
    missionType,
  }));
}
