/**
 * The vehicle side of the MAVLink mission protocol, answering as PX4 does.
 *
 *   Idle --MISSION_COUNT--> Receiving(seq 0) --item seq n--> Receiving(n+1) --last item--> Idle (ACK ACCEPTED)
 *     |                       |  every 250 ms without the item: re-request it (vehicle resends)
 *     |                       |  5 s without progress: Idle ("WPM: Operation timeout")
 *     |                       |  bad command / frame: ACK error, Idle, stored list unchanged
 *     |                       `- item of another mission_type: ACK ERROR, Busy
 *     |                    Busy: re-request forever; MISSION_COUNT / REQUEST_LIST / CLEAR_ALL get
 *     |                          ACK ERROR + "WPM: REJ. CMD: Busy"; left only on MISSION_ACK
 *     |                          OPERATION_CANCELLED (15) (the PX4 quirk ground stations must handle)
 *     |--MISSION_REQUEST_LIST--> MISSION_COUNT(opaque_id); items answered on request (stateless)
 *     `--repeat of the last uploaded item--> ACK ACCEPTED again (the ground lost the first one)
 *
 * ArduPilot lists the home position as mission item 0: downloads return it, uploads carry
 * it and the vehicle ignores it (it keeps its own home).
 */
import { itemBody } from '@aerie/missions';
import { common, type MavLinkData } from 'node-mavlink';
import type { Flavour } from './flavour.ts';
import {
  isGlobalFrame,
  MissionResult,
  type MissionStore,
  MissionTypeId,
  type StoredItem,
  validateItem,
} from './mission-store.ts';
import type { SimTimers } from './ticker.ts';

/** Re-request interval for a missing item (PX4 MAVLINK_MISSION_RETRY_TIMEOUT_DEFAULT). */
export const ITEM_RETRY_MS = 250;
/** Transfer abandoned after this long without progress (PX4 protocol timeout). */
export const TRANSFER_TIMEOUT_MS = 5000;

/** What the protocol needs from its vehicle. */
export interface MissionHost {
  flavour: Flavour;
  timers: SimTimers;
  now(): number;
  send(message: MavLinkData): void;
  statusText(severity: number, text: string): void;
  /** Most items accepted per list (beyond: NO_SPACE). */
  maxItems: number;
  /** The home position as ArduPilot's item 0. */
  homeItem(): StoredItem;
  /** Seq of the mission item currently active (for the `current` flag in downloads). */
  currentSeq(): number;
  /** A list was replaced or cleared. */
  onListChanged(type: number): void;
}

interface Partner {
  sysid: number;
  compid: number;
}

type State =
  | { kind: 'idle' }
  | {
      kind: 'receiving';
      type: number;
      /** Items on the wire (for ArduPilot missions, including home). */
      count: number;
      next: number;
      items: StoredItem[];
      partner: Partner;
      lastProgressAt: number;
      busy: boolean;
      retry: number | undefined;
    };

const SEVERITY_CRITICAL = 2;
const SEVERITY_INFO = 6;

export class MissionServer {
  private state: State = { kind: 'idle' };
  /** The last completed upload, to answer a repeated last item (its ACK was lost). */
  private lastUpload: { type: number; count: number } | undefined;
  /** PX4 keeps asking with MISSION_REQUEST (float) on a link after a float MISSION_ITEM. */
  private intMode = true;

  constructor(
    private readonly host: MissionHost,
    readonly store: MissionStore,
  ) {}

  /** Whether an upload is in progress (or stuck busy). */
  get receiving(): boolean {
    return this.state.kind === 'receiving';
  }

  handle(from: Partner, message: MavLinkData): boolean {
    if (message instanceof common.MissionCount) this.onCount(from, message);
    else if (message instanceof common.MissionItemInt) this.onItem(from, message, true);
    else if (message instanceof common.MissionItem) this.onItem(from, message, false);
    else if (message instanceof common.MissionRequestList) this.onRequestList(from, message);
    else if (message instanceof common.MissionRequestInt)
      this.onRequest(from, message.seq, message.missionType, true);
    else if (message instanceof common.MissionRequest)
      this.onRequest(from, message.seq, message.missionType, false);
    else if (message instanceof common.MissionAck) this.onAck(message);
    else if (message instanceof common.MissionClearAll) this.onClearAll(from, message);
    else return false;
    return true;
  }

  close(): void {
    this.toIdle();
  }

  private wireCount(type: number): number {
    const n = this.store.items(type).length;
    return this.hasHome(type) ? n + 1 : n;
  }

  private hasHome(type: number): boolean {
    return this.host.flavour === 'ardupilot' && type === MissionTypeId.Mission;
  }

  private ack(to: Partner, type: number, result: number, opaqueId = 0): void {
    const m = new common.MissionAck();
    m.targetSystem = to.sysid;
    m.targetComponent = to.compid;
    m.type = result;
    m.missionType = type;
    m.opaqueId = opaqueId;
    this.host.send(m);
  }

  private rejectBusy(to: Partner, type: number): void {
    this.ack(to, type, MissionResult.Error);
    this.host.statusText(SEVERITY_CRITICAL, 'WPM: REJ. CMD: Busy');
  }

  private onCount(from: Partner, m: common.MissionCount): void {
    const type = m.missionType;
    this.lastUpload = undefined;
    const s = this.state;
    if (s.kind === 'receiving') {
      // A resent MISSION_COUNT before any item arrived restarts the transfer; anything else
      // while a transfer is open (or stuck) is refused.
      if (!s.busy && s.type === type && s.next === 0) {
        this.toIdle();
      } else {
        this.rejectBusy(from, type);
        return;
      }
    }
    if (type !== MissionTypeId.Mission && type !== MissionTypeId.Fence && type !== MissionTypeId.Rally) {
      this.ack(from, type, MissionResult.Unsupported);
      return;
    }
    const real = this.hasHome(type) ? Math.max(0, m.count - 1) : m.count;
    if (real > this.host.maxItems) {
      this.ack(from, type, MissionResult.NoSpace);
      return;
    }
    if (m.count === 0 || (this.hasHome(type) && m.count === 1)) {
      this.store.replace(type, []);
      this.host.onListChanged(type);
      this.ack(from, type, MissionResult.Accepted, this.store.opaqueId(type));
      return;
    }
    this.state = {
      kind: 'receiving',
      type,
      count: m.count,
      next: 0,
      items: [],
      partner: from,
      lastProgressAt: this.host.now(),
      busy: false,
      retry: undefined,
    };
    this.requestNext();
  }

  private requestNext(): void {
    const s = this.state;
    if (s.kind !== 'receiving') return;
    const req = this.intMode ? new common.MissionRequestInt() : new common.MissionRequest();
    req.targetSystem = s.partner.sysid;
    req.targetComponent = s.partner.compid;
    req.seq = s.next;
    req.missionType = s.type;
    this.host.send(req);
    this.host.timers.cancel(s.retry);
    s.retry = this.host.timers.after(this.host.now(), ITEM_RETRY_MS, () => this.onRetry());
  }

  private onRetry(): void {
    const s = this.state;
    if (s.kind !== 'receiving') return;
    s.retry = undefined;
    if (!s.busy && this.host.now() - s.lastProgressAt >= TRANSFER_TIMEOUT_MS) {
      this.toIdle();
      this.host.statusText(SEVERITY_CRITICAL, 'WPM: Operation timeout');
      return;
    }
    this.requestNext();
  }

  private onItem(from: Partner, m: common.MissionItemInt | common.MissionItem, isInt: boolean): void {
    const s = this.state;
    if (s.kind !== 'receiving') {
      // PX4 takes a repeat of the last item after completion as "my ACK was lost" and re-acks.
      const last = this.lastUpload;
      if (last && m.missionType === last.type && m.seq === last.count - 1) {
        this.ack(from, last.type, MissionResult.Accepted, this.store.opaqueId(last.type));
      }
      return;
    }
    this.intMode = isInt;
    if (m.missionType !== s.type) {
      // PX4 answers ERROR (for the transfer's own type) but keeps the transfer open and keeps
      // asking for the same item.
      this.ack(from, s.type, MissionResult.Error);
      s.busy = true;
      return;
    }
    if (m.seq !== s.next) return;
    const item = toStored(m, isInt);
    const isHomeSlot = this.hasHome(s.type) && m.seq === 0;
    if (!isHomeSlot) {
      const result = validateItem(this.host.flavour, s.type, item);
      if (result !== 0) {
        this.toIdle();
        this.ack(from, s.type, result);
        return;
      }
      s.items.push(item);
    }
    s.next += 1;
    s.busy = false;
    s.lastProgressAt = this.host.now();
    if (s.next < s.count) {
      this.requestNext();
      return;
    }
    const { type, items, count } = s;
    this.toIdle();
    this.lastUpload = { type, count };
    this.store.replace(type, items);
    this.host.onListChanged(type);
    this.ack(from, type, MissionResult.Accepted, this.store.opaqueId(type));
    if (type === MissionTypeId.Mission) this.host.statusText(SEVERITY_INFO, 'Mission accepted');
  }

  private onAck(m: common.MissionAck): void {
    const s = this.state;
    if (s.kind === 'receiving' && (m.type as number) === MissionResult.OperationCancelled) this.toIdle();
  }

  private onRequestList(from: Partner, m: common.MissionRequestList): void {
    if (this.state.kind === 'receiving') {
      this.rejectBusy(from, m.missionType);
      return;
    }
    const c = new common.MissionCount();
    c.targetSystem = from.sysid;
    c.targetComponent = from.compid;
    c.count = this.wireCount(m.missionType);
    c.missionType = m.missionType;
    c.opaqueId = this.store.opaqueId(m.missionType);
    this.host.send(c);
  }

  private onRequest(from: Partner, seq: number, type: number, asInt: boolean): void {
    if (this.state.kind === 'receiving') return;
    if (seq >= this.wireCount(type)) {
      this.ack(from, type, MissionResult.InvalidSequence);
      return;
    }
    let item: StoredItem;
    if (this.hasHome(type)) {
      item = seq === 0 ? this.host.homeItem() : this.store.items(type)[seq - 1]!;
    } else {
      item = this.store.items(type)[seq]!;
    }
    const current = type === MissionTypeId.Mission && seq === this.host.currentSeq() ? 1 : 0;
    this.host.send(fromStored(item, seq, type, from, asInt, current));
  }

  private onClearAll(from: Partner, m: common.MissionClearAll): void {
    if (this.state.kind === 'receiving') {
      this.rejectBusy(from, m.missionType);
      return;
    }
    this.store.clear(m.missionType);
    if (m.missionType === MissionTypeId.All) for (const t of [0, 1, 2]) this.host.onListChanged(t);
    else this.host.onListChanged(m.missionType);
    this.ack(from, m.missionType, MissionResult.Accepted);
  }

  private toIdle(): void {
    if (this.state.kind === 'receiving') this.host.timers.cancel(this.state.retry);
    this.state = { kind: 'idle' };
  }
}

function toStored(m: common.MissionItemInt | common.MissionItem, isInt: boolean): StoredItem {
  const global = isGlobalFrame(m.frame);
  const scale = !isInt && global ? 1e7 : 1;
  return { ...itemBody(m), x: Math.round(m.x * scale), y: Math.round(m.y * scale) };
}

function fromStored(
  it: StoredItem,
  seq: number,
  type: number,
  to: Partner,
  asInt: boolean,
  current: number,
): common.MissionItemInt | common.MissionItem {
  const m = asInt ? new common.MissionItemInt() : new common.MissionItem();
  const scale = !asInt && isGlobalFrame(it.frame) ? 1e-7 : 1;
  Object.assign(m, itemBody(it));
  m.targetSystem = to.sysid;
  m.targetComponent = to.compid;
  m.seq = seq;
  m.current = current;
  m.x = it.x * scale;
  m.y = it.y * scale;
  m.missionType = type;
  return m;
}
