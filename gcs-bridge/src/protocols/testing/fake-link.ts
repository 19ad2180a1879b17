/**
 * A fake radio link for protocol tests: the ground-station end is a real {@link MessagePort};
 * the far end is whatever test vehicle attaches to it. Messages travel after `latencyMs` on
 * the (possibly fake) timers, or synchronously with latency 0, and can be dropped by
 * predicates in either direction, as a lossy link would.
 */
import type { MavLinkData } from 'node-mavlink';
import type { Inbound, MessagePort } from '../../codec/types.ts';

export type DropRule = (message: MavLinkData) => boolean;

export interface SentRecord {
  message: MavLinkData;
  /** Date.now() when the ground station sent it (fake-timer time in tests). */
  at: number;
}

export class FakeLink {
  /** Everything the ground station sent, dropped or not, in order. */
  readonly sent: SentRecord[] = [];
  /** Everything the vehicle sent, dropped or not, in order. */
  readonly received: Inbound[] = [];
  private readonly handlers = new Set<(inbound: Inbound) => void>();
  private vehicleHandler: ((message: MavLinkData) => void) | undefined;
  private readonly upDrops: DropRule[] = [];
  private readonly downDrops: DropRule[] = [];

  constructor(readonly latencyMs = 2) {}

  /** The ground-station end, as the bridge would hand it to a protocol. */
  readonly port: MessagePort = {
    send: (message) => {
      this.sent.push({ message, at: Date.now() });
      if (this.upDrops.some((rule) => rule(message))) return;
      this.deliver(() => this.vehicleHandler?.(message));
    },
    subscribe: (handler) => {
      this.handlers.add(handler);
      return () => this.handlers.delete(handler);
    },
  };

  /** Attaches the far end; returns the function it uses to transmit. */
  attachVehicle(
    handler: (message: MavLinkData) => void,
  ): (sysid: number, compid: number, message: MavLinkData) => void {
    this.vehicleHandler = handler;
    return (sysid, compid, message) => {
      const msgid = (message.constructor as unknown as { MSG_ID: number }).MSG_ID;
      const inbound: Inbound = { sysid, compid, msgid, message, linkId: 'fake', receivedAt: Date.now() };
      this.received.push(inbound);
      if (this.downDrops.some((rule) => rule(message))) return;
      this.deliver(() => {
        for (const h of [...this.handlers]) h({ ...inbound, receivedAt: Date.now() });
      });
    };
  }

  /** Injects a message as if another system sent it (sysid/compid of your choosing). */
  inject(sysid: number, compid: number, message: MavLinkData): void {
    const msgid = (message.constructor as unknown as { MSG_ID: number }).MSG_ID;
    const inbound: Inbound = { sysid, compid, msgid, message, linkId: 'fake', receivedAt: Date.now() };
    this.deliver(() => {
      for (const h of [...this.handlers]) h(inbound);
    });
  }

  /** Drops ground-station -> vehicle messages matching the rule. */
  dropUp(rule: DropRule): void {
    this.upDrops.push(rule);
  }

  /** Drops vehicle -> ground-station messages matching the rule. */
  dropDown(rule: DropRule): void {
    this.downDrops.push(rule);
  }

  /** Messages of one class the ground station sent. */
  sentOf<M extends MavLinkData>(cls: { MSG_ID: number; new (): M }): M[] {
    return this.sent
      .map((r) => r.message)
      .filter((m) => (m.constructor as unknown as { MSG_ID: number }).MSG_ID === cls.MSG_ID) as M[];
  }

  private deliver(fn: () => void): void {
    if (this.latencyMs === 0) fn();
    else setTimeout(fn, this.latencyMs);
  }
}

/** A rule that drops the first `n` messages of a class (then lets them through). */
export function firstN<M extends MavLinkData>(
  cls: { MSG_ID: number; new (): M },
  n: number,
  where: (m: M) => boolean = () => true,
): DropRule {
  let dropped = 0;
  return (message) => {
    if ((message.constructor as unknown as { MSG_ID: number }).MSG_ID !== cls.MSG_ID) return false;
    if (!where(message as M)) return false;
    if (dropped >= n) return false;
    dropped++;
    return true;
  };
}

/** A rule that drops every message of a class. */
export function all<M extends MavLinkData>(
  cls: { MSG_ID: number; new (): M },
  where: (m: M) => boolean = () => true,
): DropRule {
  return (message) =>
    (message.constructor as unknown as { MSG_ID: number }).MSG_ID === cls.MSG_ID && where(message as M);
}
