import type { MavLinkData } from 'node-mavlink';

/** A decoded message as the rest of the bridge sees it. */
export interface Inbound<M extends MavLinkData = MavLinkData> {
  /** Sender's MAVLink system and component ids. */
  sysid: number;
  compid: number;
  msgid: number;
  message: M;
  /** Which link it arrived on. */
  linkId: string;
  /** Local receive time, ms since epoch (Date.now()). */
  receivedAt: number;
}

/**
 * What a protocol transaction needs from the outside world: a way to send a message to
 * the vehicle and a way to see what the vehicle sends back. The bridge gives each vehicle
 * one of these, already filtered to that vehicle's system id; tests give a fake one.
 */
export interface MessagePort {
  /** Sends one message (the bridge frames it as MAVLink 2 from the ground station ids). */
  send(message: MavLinkData): void;
  /** Subscribes to messages from the vehicle; returns the unsubscribe function. */
  subscribe(handler: (inbound: Inbound) => void): () => void;
}

/**
 * The ground station identity the bridge uses on every link: 245/190, MAVSDK's ground-station
 * default. QGroundControl uses 255, so a QGroundControl sharing the aircraft through the
 * bridge's routing keeps an identity of its own (packets for 255 are forwarded to it, not
 * swallowed by the bridge).
 */
export const GCS_SYSID = 245;
export const GCS_COMPID = 190;
