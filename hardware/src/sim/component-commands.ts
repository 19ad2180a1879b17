/**
 * Commands the autopilot sends to a component of its own system (IMAGE_START_CAPTURE to the
 * camera), resent as PX4's MavlinkCommandSender resends them (mavlink_command_sender.cpp):
 *
 *   sent (confirmation 0) --TIMEOUT, no ack--> resent (confirmation 1) --> 2 --> 3 --TIMEOUT--> dropped
 *        \------------------- COMMAND_ACK from the target for this command --------> done
 *
 * - TIMEOUT is 500 ms and RETRIES 3 (PX4's TIMEOUT_US and RETRIES): four sends at most, each
 *   resend with `confirmation` counting up, so a receiver can tell a resend from a new command.
 * - Any COMMAND_ACK for the command from the target component ends it, whatever its result
 *   (IN_PROGRESS too: PX4 trusts the command arrived).
 * - PX4 keeps at most 3 commands in flight (a TimestampedList of 3); a fourth replaces the
 *   oldest, which is then never resent.
 *
 * The timeout runs on real time, not the vehicle's simulated clock: the command and its ack
 * travel over real transports to a camera that runs in real time, and at a speedup of 40 a
 * simulated 500 ms is 12.5 real ms, less than one scheduler tick, so every command would be
 * resent before its ack could arrive. Pure: the clock comes in as arguments.
 */
import type { ComponentCommand } from './camera-trigger.ts';

export const COMMAND_TIMEOUT_MS = 500;
export const COMMAND_RETRIES = 3;
const MAX_IN_FLIGHT = 3;

interface InFlight {
  command: ComponentCommand;
  /** Sends so far minus one: the `confirmation` of the last send. */
  confirmation: number;
  lastSentMs: number;
}

export class ComponentCommandSender {
  private readonly inFlight: InFlight[] = [];

  /** `transmit` puts one COMMAND_LONG on the wire with the given confirmation. */
  constructor(private readonly transmit: (c: ComponentCommand, confirmation: number) => void) {}

  /** Commands waiting for their ack. */
  get pending(): number {
    return this.inFlight.length;
  }

  send(command: ComponentCommand, nowMs: number): void {
    if (this.inFlight.length >= MAX_IN_FLIGHT) this.inFlight.shift();
    this.inFlight.push({ command, confirmation: 0, lastSentMs: nowMs });
    this.transmit(command, 0);
  }

  /** A COMMAND_ACK from component `fromCompid` of this system; true when it ended a command. */
  acked(command: number, fromCompid: number): boolean {
    const i = this.inFlight.findIndex(
      (f) => f.command.command === command && f.command.targetComponent === fromCompid,
    );
    if (i < 0) return false;
    this.inFlight.splice(i, 1);
    return true;
  }

  /** Resends what timed out, drops what ran out of retries (call often: once per tick). */
  check(nowMs: number): void {
    for (let i = 0; i < this.inFlight.length; ) {
      const f = this.inFlight[i]!;
      if (nowMs - f.lastSentMs <= COMMAND_TIMEOUT_MS) {
        i++;
        continue;
      }
      if (f.confirmation + 1 > COMMAND_RETRIES) {
        this.inFlight.splice(i, 1);
        continue;
      }
      f.confirmation += 1;
      f.lastSentMs = nowMs;
      this.transmit(f.command, f.confirmation);
      i++;
    }
  }
}
