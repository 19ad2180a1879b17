/**
 * The bridge's protocol code against the simulator, without sockets: a simulated vehicle
 * (@aerie/hardware, PX4 or ArduPilot flavour) on one end of an in-memory link with fault
 * rules, the bridge's own MAVLink connection on the other, and a MessagePort on top as the
 * bridge hands one to its protocols. So the PX4 and ArduPilot quirks the protocols must
 * handle are written once, in the simulator.
 *
 * The port sees every message on the link, not only the vehicle's (a shared radio), so tests
 * can check that a protocol ignores other systems. Run it under fake timers: the simulator's
 * clock follows them.
 */
import { type Flavour, type SimVehicle, startVehicle, type VehicleOptions } from '@aerie/hardware';
import { MemoryLink, type MemoryLinkOptions } from '@aerie/hardware/testing';
import type { MavLinkData } from 'node-mavlink';
import { MavlinkConnection } from '../../codec/connection.ts';
import type { MessagePort } from '../../codec/types.ts';
import { BaseLink } from '../../link/link.ts';

/** The ground end of a memory link as a bridge Link. */
class GroundLink extends BaseLink {
  constructor(private readonly memory: MemoryLink) {
    super({ kind: 'memory', name: 'sim' }, 'memory://sim', 'sim');
    memory.ground.onData((buf) => this.emitData(buf));
  }

  async open(): Promise<void> {
    this.setStatus('connected', 'in-memory link to the simulator');
  }

  async close(): Promise<void> {
    this.memory.close();
    this.setStatus('disconnected', 'closed');
  }

  write(bytes: Uint8Array): void {
    this.memory.ground.write(Buffer.from(bytes));
  }
}

export interface SimPeer {
  /** The simulated vehicle (system 1, component 1). */
  readonly vehicle: SimVehicle;
  /** The link, for fault rules (`link.faults`), injected messages and the recorded traffic. */
  readonly link: MemoryLink;
  /** What the protocols are given. */
  readonly port: MessagePort;
  /** Messages of one class the ground station sent, dropped or not, in order. */
  sent<M extends MavLinkData>(cls: { MSG_ID: number; new (): M }): M[];
  /** Closes the vehicle and the link. */
  close(): Promise<void>;
}

export interface SimPeerOptions {
  flavour: Flavour;
  /** Options of the simulated vehicle; telemetry streams are off unless `rates` turns them on. */
  vehicle?: Omit<VehicleOptions, 'flavour' | 'link' | 'sysid'>;
  link?: MemoryLinkOptions;
}

const QUIET = {
  heartbeat: 0,
  sysStatus: 0,
  extendedSysState: 0,
  globalPositionInt: 0,
  attitude: 0,
  gpsRawInt: 0,
  vfrHud: 0,
  batteryStatus: 0,
  missionCurrent: 0,
  homePosition: 0,
};

/** Starts a simulated vehicle behind an in-memory link and returns the bridge's view of it. */
export async function simPeer(opts: SimPeerOptions): Promise<SimPeer> {
  const link = new MemoryLink(opts.link);
  const vehicle = await startVehicle({
    settleS: 0,
    ...opts.vehicle,
    rates: { ...QUIET, ...opts.vehicle?.rates },
    flavour: opts.flavour,
    sysid: 1,
    link: link.vehicle,
  });
  const connection = new MavlinkConnection(new GroundLink(link));
  await connection.open();
  const port: MessagePort = {
    send: (message) => connection.send(message),
    subscribe: (handler) => connection.onMessage(handler),
  };
  return {
    vehicle,
    link,
    port,
    sent: (cls) => link.messages('up', cls as never),
    close: async () => {
      await vehicle.close();
      await connection.close();
    },
  };
}
