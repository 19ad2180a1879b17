/**
 * The bridge's outgoing item buffer: gives every item its `seq`, keeps items until the server
 * acknowledges them, and stays bounded while the server is away.
 *
 * Retention policy (see the delivery contract in `events.ts`):
 * - When the buffer holds `maxItems`, a new item pushes out the OLDEST telemetry (`state`)
 *   item. Telemetry is a sampled signal: losing old samples thins the recorded track, while the
 *   newest snapshot of every vehicle is still delivered.
 * - Discrete events are never dropped. If events alone fill the buffer (a very long outage
 *   with a very chatty fleet), the buffer grows beyond `maxItems` and `onWarn` is called when
 *   it first passes the bound and again each time it doubles, so the operator sees it in the
 *   log long before memory runs out. The newest telemetry item is kept even then.
 *
 * States and events live in two FIFOs, each in seq order, so dropping the oldest state and
 * building a batch (a merge of the two heads) are both cheap at any buffer size.
 */
import type { ChannelItem } from './events.ts';

/** An item before the outbox numbers it. */
export type ChannelItemInput =
  | Omit<Extract<ChannelItem, { kind: 'state' }>, 'seq'>
  | Omit<Extract<ChannelItem, { kind: 'event' }>, 'seq'>
  | Omit<Extract<ChannelItem, { kind: 'dock_state' }>, 'seq'>
  | Omit<Extract<ChannelItem, { kind: 'dock_event' }>, 'seq'>
  | Omit<Extract<ChannelItem, { kind: 'camera_streams' }>, 'seq'>
  | Omit<Extract<ChannelItem, { kind: 'camera_image' }>, 'seq'>;

export interface OutboxOptions {
  /** Items kept while unacknowledged before telemetry is dropped (default 50 000). */
  maxItems?: number;
  /** Called when events alone exceed `maxItems` (first time, then at each doubling). */
  onWarn?: (message: string, detail: { events: number; maxItems: number }) => void;
}

/** Counters for logs and tests. */
export interface OutboxStats {
  /** Items waiting for an acknowledgement. */
  size: number;
  states: number;
  events: number;
  /** The last seq handed out (0 before the first item). */
  lastSeq: number;
  /** The highest seq the server acknowledged. */
  ackedSeq: number;
  /** Telemetry items pushed out by the bound since start. */
  droppedStates: number;
}

const sizes = new WeakMap<ChannelItem, number>();

/** JSON size of an item (UTF-16 length, close enough for a bound), measured once. */
function jsonBytes(item: ChannelItem): number {
  let n = sizes.get(item);
  if (n === undefined) {
    n = JSON.stringify(item).length;
    sizes.set(item, n);
  }
  return n;
}

/** A queue on an array with a moving head; compacts when the dead prefix dominates. */
class Fifo<T> {
  private items: T[] = [];
  private head = 0;

  get length(): number {
    return this.items.length - this.head;
  }

  push(item: T): void {
    this.items.push(item);
  }

  at(i: number): T | undefined {
    return this.items[this.head + i];
  }

  shift(): T | undefined {
    if (this.head >= this.items.length) return undefined;
    const item = this.items[this.head];
    this.head++;
    if (this.head > 1024 && this.head * 2 > this.items.length) {
      this.items = this.items.slice(this.head);
      this.head = 0;
    }
    return item;
  }
}

export class ChannelOutbox {
  private readonly states = new Fifo<ChannelItem>();
  private readonly events = new Fifo<ChannelItem>();
  private readonly maxItems: number;
  private readonly onWarn: OutboxOptions['onWarn'];
  private nextSeq = 1;
  private acked = 0;
  private dropped = 0;
  private warnAt: number;

  constructor(options: OutboxOptions = {}) {
    this.maxItems = options.maxItems ?? 50_000;
    if (!Number.isInteger(this.maxItems) || this.maxItems < 1)
      throw new RangeError(`maxItems must be a positive integer, got ${options.maxItems}`);
    this.onWarn = options.onWarn;
    this.warnAt = this.maxItems;
  }

  /** Numbers the item, stores it, and returns it with its seq. */
  push(input: ChannelItemInput): ChannelItem {
    const item = { ...input, seq: this.nextSeq++ } as ChannelItem;
    // A dock's status is telemetry like a vehicle's state; dock events are kept like events.
    if (item.kind === 'state' || item.kind === 'dock_state') this.states.push(item);
    else this.events.push(item);
    // The newest snapshot stays even then: it is what the server shows once it catches up.
    while (this.size > this.maxItems && this.states.length > 1) {
      this.states.shift();
      this.dropped++;
    }
    if (this.events.length > this.warnAt) {
      this.onWarn?.(
        `the bridge holds ${this.events.length} unacknowledged events, more than its buffer of ${this.maxItems}: keeping them all (events are never dropped)`,
        { events: this.events.length, maxItems: this.maxItems },
      );
      this.warnAt *= 2;
    }
    return item;
  }

  /** Forgets every item up to and including `lastSeq`; returns how many went. */
  ack(lastSeq: number): number {
    if (lastSeq > this.acked) this.acked = Math.min(lastSeq, this.nextSeq - 1);
    let n = 0;
    while ((this.states.at(0)?.seq ?? Infinity) <= lastSeq) {
      this.states.shift();
      n++;
    }
    while ((this.events.at(0)?.seq ?? Infinity) <= lastSeq) {
      this.events.shift();
      n++;
    }
    if (this.events.length <= this.maxItems) this.warnAt = this.maxItems;
    return n;
  }

  /**
   * The oldest unacknowledged items, in seq order (nothing is removed): at most `max` items
   * and, past the first, at most `maxBytes` of JSON. The byte bound keeps a batch under the
   * server's message limit (Socket.IO's 1 MB default), which would otherwise close the
   * connection on every resend of the same oversized batch.
   */
  batch(max: number, maxBytes = Number.POSITIVE_INFINITY): ChannelItem[] {
    const out: ChannelItem[] = [];
    let bytes = 0;
    let s = 0;
    let e = 0;
    while (out.length < max) {
      const a = this.states.at(s);
      const b = this.events.at(e);
      if (!a && !b) break;
      const next = a && (!b || a.seq < b.seq) ? a : b!;
      if (maxBytes !== Number.POSITIVE_INFINITY) {
        bytes += jsonBytes(next);
        if (out.length > 0 && bytes > maxBytes) break;
      }
      out.push(next);
      if (next === a) s++;
      else e++;
    }
    return out;
  }

  get size(): number {
    return this.states.length + this.events.length;
  }

  stats(): OutboxStats {
    return {
      size: this.size,
      states: this.states.length,
      events: this.events.length,
      lastSeq: this.nextSeq - 1,
      ackedSeq: this.acked,
      droppedStates: this.dropped,
    };
  }
}
