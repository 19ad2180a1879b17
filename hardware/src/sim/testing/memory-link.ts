/**
 * An in-memory radio between a ground station and a simulated vehicle, with fault injection
 * per message type (QGroundControl's MockLink idea): no sockets, no ports, deterministic
 * under fake timers.
 *
 * Two byte ends (`ground`, `vehicle`) carry MAVLink frames. Every frame is looked at on its
 * way: its message id and decoded message are matched against the fault rules of its
 * direction (`up`: ground -> vehicle, `down`: vehicle -> ground), and it is dropped,
 * duplicated, delayed, held back behind the next frame (reordered) or rewritten as a rule
 * says. Delivery is asynchronous (next microtask, or after `latencyMs` on the timers), as a
 * socket would deliver it, so a reply is never handled inside the send that caused it.
 *
 *   ground.write(frame) --up rules--> vehicle's onData
 *   vehicle.write(frame) --down rules--> ground's onData
 *
 * Everything that crossed (or was dropped) is kept in `traffic`, in order, for assertions.
 */
import {
  type MavLinkData,
  type MavLinkDataConstructor,
  MavLinkProtocolV1,
  MavLinkProtocolV2,
} from 'node-mavlink';
import { MAVLINK_REGISTRY } from '../codec.ts';
import type { ByteLink } from '../link.ts';

/** `up`: ground station -> vehicle; `down`: vehicle -> ground station. */
export type Direction = 'up' | 'down';

/** One frame on the link, decoded for rules and assertions. */
export interface Frame {
  dir: Direction;
  sysid: number;
  compid: number;
  msgid: number;
  seq: number;
  version: 1 | 2;
  /** Undefined for a message id the simulator does not know. */
  message: MavLinkData | undefined;
  /** The frame's bytes. */
  bytes: Buffer;
}

/** A frame with what the link did to it. */
export interface TrafficRecord extends Frame {
  /** Local time when written (Date.now(); fake-timer time in tests). */
  at: number;
  /** `rewritten`: replaced by the `replacement` records that follow it. */
  fate: 'delivered' | 'dropped' | 'duplicated' | 'delayed' | 'held' | 'rewritten' | 'replacement';
}

/** A message class (or its id) a rule applies to. */
export type MessageKind = number | { MSG_ID: number };

/** Which matching frames a rule acts on. */
export interface Selection<M extends MavLinkData = MavLinkData> {
  /** Only frames whose message satisfies this. */
  where?: (message: M, frame: Frame) => boolean;
  /** Only the Nth matching frame(s), counting from 1 (matches that `where` refused are not counted). */
  nth?: number | number[];
  /** Only the first N matching frames. */
  first?: number;
}

export type FaultAction =
  | { kind: 'drop' }
  | { kind: 'duplicate'; copies: number }
  | { kind: 'delay'; ms: number }
  | { kind: 'hold' }
  | { kind: 'rewrite'; to: (message: MavLinkData) => MavLinkData[] };

interface Rule {
  dir: Direction;
  msgid: number | undefined;
  select: Selection;
  action: FaultAction;
  matched: number;
}

function msgidOf(kind: MessageKind): number {
  return typeof kind === 'number' ? kind : kind.MSG_ID;
}

/** Splits a buffer into MAVLink frames; a tail that is not a whole frame is returned as one piece. */
export function splitFrames(buf: Buffer): Buffer[] {
  const frames: Buffer[] = [];
  let i = 0;
  while (i < buf.length) {
    const stx = buf[i];
    let len: number | undefined;
    if (stx === 0xfd && i + 3 <= buf.length) {
      const payload = buf[i + 1]!;
      const signed = (buf[i + 2]! & 1) !== 0;
      len = 10 + payload + 2 + (signed ? 13 : 0);
    } else if (stx === 0xfe && i + 2 <= buf.length) {
      len = 6 + buf[i + 1]! + 2;
    }
    if (len === undefined || i + len > buf.length) {
      frames.push(buf.subarray(i));
      break;
    }
    frames.push(buf.subarray(i, i + len));
    i += len;
  }
  return frames;
}

/** Reads a frame's header and decodes its message (undefined for unknown ids or garbage). */
export function parseFrame(dir: Direction, bytes: Buffer): Frame | undefined {
  const stx = bytes[0];
  let header: { sysid: number; compid: number; msgid: number; seq: number; version: 1 | 2; hdr: number };
  if (stx === 0xfd && bytes.length >= 12) {
    header = {
      seq: bytes[4]!,
      sysid: bytes[5]!,
      compid: bytes[6]!,
      msgid: bytes[7]! | (bytes[8]! << 8) | (bytes[9]! << 16),
      version: 2,
      hdr: 10,
    };
  } else if (stx === 0xfe && bytes.length >= 8) {
    header = { seq: bytes[2]!, sysid: bytes[3]!, compid: bytes[4]!, msgid: bytes[5]!, version: 1, hdr: 6 };
  } else {
    return undefined;
  }
  const clazz = MAVLINK_REGISTRY[header.msgid];
  let message: MavLinkData | undefined;
  if (clazz) {
    const payload = Buffer.from(bytes.subarray(header.hdr, header.hdr + bytes[1]!));
    try {
      const protocol = header.version === 2 ? new MavLinkProtocolV2() : new MavLinkProtocolV1();
      message = protocol.data(payload, clazz);
    } catch {
      message = undefined;
    }
  }
  const { hdr: _h, ...rest } = header;
  return { dir, ...rest, message, bytes };
}

function encode(frame: Frame, message: MavLinkData): Buffer {
  const protocol =
    frame.version === 2
      ? new MavLinkProtocolV2(frame.sysid, frame.compid)
      : new MavLinkProtocolV1(frame.sysid, frame.compid);
  return protocol.serialize(message, frame.seq);
}

/** The fault rules of one link; add them at any time, `clear` removes them all. */
export class LinkFaults {
  private rules: Rule[] = [];

  /** Drops matching frames (all of them unless `nth` / `first` say otherwise). */
  drop<M extends MavLinkData>(dir: Direction, kind: MessageKind, select: Selection<M> = {}): this {
    return this.add(dir, kind, select, { kind: 'drop' });
  }

  /** Delivers matching frames `copies` extra times. */
  duplicate<M extends MavLinkData>(
    dir: Direction,
    kind: MessageKind,
    select: Selection<M> = {},
    copies = 1,
  ): this {
    return this.add(dir, kind, select, { kind: 'duplicate', copies });
  }

  /** Delivers matching frames `ms` later than the rest (so later frames overtake them). */
  delay<M extends MavLinkData>(
    dir: Direction,
    kind: MessageKind,
    ms: number,
    select: Selection<M> = {},
  ): this {
    return this.add(dir, kind, select, { kind: 'delay', ms });
  }

  /** Holds matching frames back until the next frame in the same direction has gone (a swap). */
  reorder<M extends MavLinkData>(dir: Direction, kind: MessageKind, select: Selection<M> = {}): this {
    return this.add(dir, kind, select, { kind: 'hold' });
  }

  /** Replaces matching messages with what `to` returns (none: dropped), same sender and sequence. */
  rewrite<M extends MavLinkData>(
    dir: Direction,
    kind: MessageKind,
    to: (message: M) => MavLinkData[],
    select: Selection<M> = {},
  ): this {
    return this.add(dir, kind, select, { kind: 'rewrite', to: to as (m: MavLinkData) => MavLinkData[] });
  }

  /** Drops each frame (of any type unless `kind` is given) with probability `chance`, drawn from `random`. */
  lossy(
    dir: Direction,
    chance: number,
    random: () => number,
    kind?: MessageKind,
    spare?: (f: Frame) => boolean,
  ): this {
    this.rules.push({
      dir,
      msgid: kind === undefined ? undefined : msgidOf(kind),
      select: { where: (_m, f) => !spare?.(f) && random() < chance },
      action: { kind: 'drop' },
      matched: 0,
    });
    return this;
  }

  /** Removes every rule. */
  clear(): void {
    this.rules = [];
  }

  /** The first rule that takes this frame, counting it against every rule that matches its type. */
  apply(frame: Frame): FaultAction | undefined {
    for (const rule of this.rules) {
      if (rule.dir !== frame.dir) continue;
      if (rule.msgid !== undefined && rule.msgid !== frame.msgid) continue;
      const { where, nth, first } = rule.select;
      if (where) {
        if (!frame.message) continue;
        if (!where(frame.message, frame)) continue;
      }
      rule.matched += 1;
      if (first !== undefined && rule.matched > first) continue;
      if (nth !== undefined && !(Array.isArray(nth) ? nth : [nth]).includes(rule.matched)) continue;
      return rule.action;
    }
    return undefined;
  }

  private add(dir: Direction, kind: MessageKind, select: Selection<never>, action: FaultAction): this {
    this.rules.push({ dir, msgid: msgidOf(kind), select: select as Selection, action, matched: 0 });
    return this;
  }
}

/** One end of the link: what a simulated vehicle (or a ground station adapter) reads and writes. */
export class MemoryEnd implements ByteLink {
  private handler: ((buf: Buffer) => void) | undefined;
  closed = false;

  constructor(
    readonly description: string,
    private readonly out: (buf: Buffer) => void,
  ) {}

  write(buf: Buffer): void {
    if (this.closed) return;
    this.out(Buffer.from(buf));
  }

  onData(handler: (buf: Buffer) => void): void {
    this.handler = handler;
  }

  /** Bytes arriving at this end. */
  deliver(buf: Buffer): void {
    if (!this.closed) this.handler?.(buf);
  }

  async close(): Promise<void> {
    this.closed = true;
  }
}

export interface MemoryLinkOptions {
  /** One-way delay on the timers; 0 (default) delivers on the next microtask. */
  latencyMs?: number;
  /** Name in the ends' descriptions; default 'memory'. */
  name?: string;
}

/** A ground end and a vehicle end joined by fault rules. */
export class MemoryLink {
  readonly faults = new LinkFaults();
  /** Every frame written on either end, with its fate, in order. */
  readonly traffic: TrafficRecord[] = [];
  readonly ground: MemoryEnd;
  readonly vehicle: MemoryEnd;
  private readonly held: Record<Direction, Buffer[]> = { up: [], down: [] };
  private readonly timers = new Set<ReturnType<typeof setTimeout>>();

  constructor(private readonly options: MemoryLinkOptions = {}) {
    const name = options.name ?? 'memory';
    this.ground = new MemoryEnd(`${name}:ground`, (buf) => this.carry('up', buf));
    this.vehicle = new MemoryEnd(`${name}:vehicle`, (buf) => this.carry('down', buf));
  }

  /**
   * Messages of one class written in a direction, in order, whatever became of them; with
   * `arrived`, those that reached the other end instead (rewrites replaced, drops left out).
   */
  messages<M extends MavLinkData>(dir: Direction, cls: MavLinkDataConstructor<M>, arrived = false): M[] {
    const msgid = (cls as unknown as { MSG_ID: number }).MSG_ID;
    return this.traffic
      .filter((r) => {
        if (r.dir !== dir || r.msgid !== msgid) return false;
        if (!arrived) return r.fate !== 'replacement';
        return r.fate !== 'dropped' && r.fate !== 'rewritten';
      })
      .map((r) => r.message as M);
  }

  /**
   * Puts a message on the link as if another system had sent it (MAVLink 2, sequence 0),
   * through the fault rules of its direction.
   */
  inject(dir: Direction, message: MavLinkData, from: { sysid: number; compid: number }): void {
    const protocol = new MavLinkProtocolV2(from.sysid, from.compid);
    this.carry(dir, protocol.serialize(message, 0));
  }

  /** Stops pending deliveries; the ends stop delivering. */
  close(): void {
    for (const t of this.timers) clearTimeout(t);
    this.timers.clear();
    void this.ground.close();
    void this.vehicle.close();
  }

  private carry(dir: Direction, buf: Buffer): void {
    for (const bytes of splitFrames(buf)) this.carryFrame(dir, bytes);
  }

  private carryFrame(dir: Direction, bytes: Buffer): void {
    const frame = parseFrame(dir, bytes);
    const at = Date.now();
    if (!frame) {
      this.send(dir, bytes, 0);
      return;
    }
    const action = this.faults.apply(frame);
    const record = (fate: TrafficRecord['fate'], f: Frame = frame) => this.traffic.push({ ...f, at, fate });
    const latency = this.options.latencyMs ?? 0;
    if (!action) {
      record('delivered');
      this.send(dir, bytes, latency);
      this.releaseHeld(dir, latency);
      return;
    }
    switch (action.kind) {
      case 'drop':
        record('dropped');
        return;
      case 'duplicate':
        record('duplicated');
        for (let i = 0; i <= action.copies; i++) this.send(dir, bytes, latency);
        this.releaseHeld(dir, latency);
        return;
      case 'delay':
        record('delayed');
        this.send(dir, bytes, latency + action.ms);
        return;
      case 'hold':
        record('held');
        this.held[dir].push(bytes);
        return;
      case 'rewrite': {
        record('rewritten');
        // The rule gets its own copy, so the record of what was written stays as written.
        const copy = parseFrame(dir, bytes)?.message;
        for (const m of copy ? action.to(copy) : []) {
          const out = encode(frame, m);
          this.traffic.push({
            ...frame,
            msgid: msgidOf(m.constructor as unknown as MessageKind),
            message: m,
            bytes: out,
            at,
            fate: 'replacement',
          });
          this.send(dir, out, latency);
        }
        this.releaseHeld(dir, latency);
        return;
      }
    }
  }

  private releaseHeld(dir: Direction, latency: number): void {
    const held = this.held[dir];
    if (held.length === 0) return;
    this.held[dir] = [];
    for (const bytes of held) this.send(dir, bytes, latency);
  }

  private send(dir: Direction, bytes: Buffer, delayMs: number): void {
    const to = dir === 'up' ? this.vehicle : this.ground;
    if (delayMs <= 0) {
      queueMicrotask(() => to.deliver(bytes));
      return;
    }
    const t = setTimeout(() => {
      this.timers.delete(t);
      to.deliver(bytes);
    }, delayMs);
    this.timers.add(t);
  }
}
