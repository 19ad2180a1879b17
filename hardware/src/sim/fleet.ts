/**
 * Starting simulated vehicles and fleets: resolve and check options, open the transports,
 * place the vehicles around a home point.
 */
import { type DockOptions, dockSysidFor, SimDock } from '../dock-sim/dock.ts';
import type { Flavour } from './flavour.ts';
import { offsetLatLon } from './geo.ts';
import { type ByteLink, FaultyLink, SerialLink, UdpLink } from './link.ts';
import type { StreamRates } from './telemetry.ts';
import { type SimFaults, SimVehicle } from './vehicle.ts';

/** Guicheng, Nanhai district (Foshan): the default patrol area. */
export const DEFAULT_HOME = { lat: 23.03, lon: 113.14, altM: 10 } as const;
/** PX4's ground-link ports: listen on 18570 + i, talk to 14550. */
export const DEFAULT_BASE_PORT = 18570;
export const DEFAULT_GCS = { host: '127.0.0.1', port: 14550 } as const;
/** Where a simulated vehicle listens unless told otherwise: loopback only. */
export const DEFAULT_BIND_HOST = '127.0.0.1';

/** A geographic point; altitude in metres above mean sea level (ground level at home). */
export interface GeoPoint {
  lat: number;
  lon: number;
  altM?: number;
}

/** Options of one simulated vehicle. */
export interface VehicleOptions {
  /** MAVLink system id (1-254); default 1. Component id is always 1 (autopilot). */
  sysid?: number;
  /** Autopilot to imitate; default 'px4'. */
  flavour?: Flavour;
  /** Where it stands at boot (and its home); default Guicheng, Nanhai. */
  home?: GeoPoint;
  /** Simulated seconds per real second (physics and every vehicle timer); default 1. */
  speedup?: number;
  /** UDP port to listen on; default 18570 + sysid - 1; 0 lets the OS choose. */
  port?: number;
  /**
   * Address to bind; default '127.0.0.1' (loopback: nothing off this machine can command the
   * simulated fleet). Give '0.0.0.0' to let other machines in, as PX4 SITL does.
   */
  bindHost?: string;
  /** Where to send until a ground station speaks; default 127.0.0.1:14550. */
  gcsHost?: string;
  gcsPort?: number;
  /** Use this serial device instead of UDP. */
  serialPath?: string;
  /** Serial speed; default 57600. */
  baudRate?: number;
  /**
   * Use this already open transport instead of UDP or serial (an in-memory link in tests:
   * `MemoryLink.vehicle` from `@aerie/hardware/testing`).
   */
  link?: ByteLink;
  /** Simulated seconds after boot during which arming is TEMPORARILY_REJECTED; default 10. */
  settleS?: number;
  /**
   * Auto-disarm when armed on the ground without taking off, simulated seconds (PX4
   * COM_DISARM_PRFLT, ArduPilot DISARM_DELAY); default the autopilot's (10). 0 disables.
   */
  preflightDisarmS?: number;
  /** Stream rates in Hz (0 disables), merged over PX4's defaults. */
  rates?: Partial<StreamRates>;
  /** Most items per list before NO_SPACE; default 1000. */
  maxItems?: number;
  /** Chance (0-1) that a COMMAND_ACK is sent twice, as PX4 sometimes does; default 0. */
  duplicateAckChance?: number;
  /** Constant wind, m/s toward north/east; default calm. */
  wind?: { northMps: number; eastMps: number };
  /** Flight time a full battery lasts, simulated minutes; default 25. */
  batteryFlightMin?: number;
  /** Faults active from the start. */
  faults?: SimFaults;
  /** Random source for faults (loss, duplicate acks); default Math.random. */
  random?: () => number;
}

/** Options of a fleet: vehicle i gets sysid i+1 and port basePort+i. */
export interface FleetOptions
  extends Omit<VehicleOptions, 'sysid' | 'home' | 'port' | 'serialPath' | 'link'> {
  vehicles: number;
  /** Centre of the fleet; vehicle 0 stands here. */
  home?: GeoPoint;
  /** Distance between neighbouring vehicles on a square grid; default 300 m. */
  spacingM?: number;
  /** First UDP port; default 18570; 0 lets the OS choose every port. */
  basePort?: number;
  /** Serial devices instead of UDP, one per vehicle. */
  serialPath?: string | string[];
  /**
   * A dock for every vehicle, at its home, on its link (system id = vehicle's + 100; above 100 aircraft the vehicle's own, component 25: see dockSysidFor); `true`
   * for the defaults or the options every dock gets. System ids stop at 254, so vehicles 155
   * and above fly without a dock.
   */
  docks?: boolean | Omit<DockOptions, 'sysid' | 'position'>;
}

/** A running fleet. */
export interface Fleet {
  readonly vehicles: readonly SimVehicle[];
  /** The docks, `docks[i]` paired with `vehicles[i]` (vehicles 155+ have none); empty without `docks`. */
  readonly docks: readonly SimDock[];
  /** Closes every vehicle's socket or serial port. */
  close(): Promise<void>;
}

function check(cond: boolean, message: string): void {
  if (!cond) throw new RangeError(message);
}

function checkHome(home: GeoPoint, what: string): void {
  check(
    Number.isFinite(home.lat) && Math.abs(home.lat) <= 90,
    `${what}.lat must be degrees in [-90, 90], got ${home.lat}`,
  );
  check(
    Number.isFinite(home.lon) && Math.abs(home.lon) <= 180,
    `${what}.lon must be degrees in [-180, 180], got ${home.lon}`,
  );
  if (home.altM !== undefined)
    check(Number.isFinite(home.altM), `${what}.altM must be metres, got ${home.altM}`);
}

function checkFaults(f: SimFaults | undefined): void {
  if (!f) return;
  if (f.lossPct !== undefined)
    check(f.lossPct >= 0 && f.lossPct <= 100, `faults.lossPct must be 0-100, got ${f.lossPct}`);
  if (f.latencyMs !== undefined)
    check(
      f.latencyMs >= 0 && Number.isFinite(f.latencyMs),
      `faults.latencyMs must be >= 0, got ${f.latencyMs}`,
    );
  if (f.linkDropS !== undefined)
    check(
      f.linkDropS >= 0 && Number.isFinite(f.linkDropS),
      `faults.linkDropS must be >= 0, got ${f.linkDropS}`,
    );
}

/** Starts one simulated vehicle on UDP (or a serial device). */
export async function startVehicle(opts: VehicleOptions = {}): Promise<SimVehicle> {
  const sysid = opts.sysid ?? 1;
  check(
    Number.isInteger(sysid) && sysid >= 1 && sysid <= 254,
    `sysid must be an integer 1-254, got ${sysid}`,
  );
  const flavour = opts.flavour ?? 'px4';
  check(
    flavour === 'px4' || flavour === 'ardupilot',
    `flavour must be 'px4' or 'ardupilot', got '${flavour}'`,
  );
  const speedup = opts.speedup ?? 1;
  check(Number.isFinite(speedup) && speedup > 0, `speedup must be a number > 0, got ${speedup}`);
  const home = opts.home ?? DEFAULT_HOME;
  checkHome(home, 'home');
  const port = opts.port ?? DEFAULT_BASE_PORT + sysid - 1;
  check(Number.isInteger(port) && port >= 0 && port <= 65535, `port must be 0-65535, got ${port}`);
  const gcsPort = opts.gcsPort ?? DEFAULT_GCS.port;
  check(
    Number.isInteger(gcsPort) && gcsPort > 0 && gcsPort <= 65535,
    `gcsPort must be 1-65535, got ${gcsPort}`,
  );
  const settleS = opts.settleS ?? 10;
  check(settleS >= 0, `settleS must be >= 0, got ${settleS}`);
  const maxItems = opts.maxItems ?? 1000;
  check(Number.isInteger(maxItems) && maxItems >= 0, `maxItems must be an integer >= 0, got ${maxItems}`);
  const dup = opts.duplicateAckChance ?? 0;
  check(dup >= 0 && dup <= 1, `duplicateAckChance must be 0-1, got ${dup}`);
  const batteryFlightMin = opts.batteryFlightMin ?? 25;
  check(batteryFlightMin > 0, `batteryFlightMin must be > 0, got ${batteryFlightMin}`);
  checkFaults(opts.faults);

  let inner: ByteLink;
  if (opts.link !== undefined) {
    inner = opts.link;
  } else if (opts.serialPath !== undefined) {
    inner = await SerialLink.open({ path: opts.serialPath, baudRate: opts.baudRate ?? 57600 });
  } else {
    inner = await UdpLink.open({
      port,
      bindHost: opts.bindHost ?? DEFAULT_BIND_HOST,
      gcsHost: opts.gcsHost ?? DEFAULT_GCS.host,
      gcsPort,
    });
  }
  const random = opts.random ?? Math.random;
  const link = new FaultyLink(inner, random);
  let vehicle: SimVehicle;
  try {
    vehicle = new SimVehicle(
      {
        sysid,
        flavour,
        home: { lat: home.lat, lon: home.lon, altM: home.altM ?? DEFAULT_HOME.altM },
        speedup,
        settleS,
        preflightDisarmS: opts.preflightDisarmS,
        rates: opts.rates,
        maxItems,
        duplicateAckChance: dup,
        wind: opts.wind ?? { northMps: 0, eastMps: 0 },
        batteryFlightMin,
        random,
      },
      link,
    );
  } catch (err) {
    await link.close();
    throw err;
  }
  if (opts.faults) vehicle.injectFault(opts.faults);
  return vehicle;
}

/** Where vehicle i of a fleet stands: a square grid north-east of the centre. */
export function fleetPosition(home: GeoPoint, count: number, index: number, spacingM: number): GeoPoint {
  const cols = Math.ceil(Math.sqrt(count));
  const row = Math.floor(index / cols);
  const col = index % cols;
  const [lat, lon] = offsetLatLon(home.lat, home.lon, row * spacingM, col * spacingM);
  return { lat, lon, altM: home.altM ?? DEFAULT_HOME.altM };
}

/** Starts `vehicles` simulated vehicles; on any failure the ones already started are closed. */
export async function startFleet(opts: FleetOptions): Promise<Fleet> {
  const n = opts.vehicles;
  check(Number.isInteger(n) && n >= 1 && n <= 254, `vehicles must be an integer 1-254, got ${n}`);
  const home = opts.home ?? DEFAULT_HOME;
  checkHome(home, 'home');
  const spacingM = opts.spacingM ?? 300;
  check(Number.isFinite(spacingM) && spacingM >= 0, `spacingM must be metres >= 0, got ${spacingM}`);
  const basePort = opts.basePort ?? DEFAULT_BASE_PORT;
  check(
    Number.isInteger(basePort) && basePort >= 0 && basePort + (basePort === 0 ? 0 : n - 1) <= 65535,
    `basePort must leave room for ${n} ports below 65536, got ${basePort}`,
  );
  const serialPaths =
    opts.serialPath === undefined
      ? undefined
      : Array.isArray(opts.serialPath)
        ? opts.serialPath
        : [opts.serialPath];
  if (serialPaths) {
    check(
      serialPaths.length === n,
      `serialPath must name one device per vehicle (${n}), got ${serialPaths.length}`,
    );
  }
  const {
    vehicles: _n,
    home: _h,
    spacingM: _s,
    basePort: _b,
    serialPath: _p,
    docks: dockOpts,
    ...shared
  } = opts;
  const started: SimVehicle[] = [];
  const docks: SimDock[] = [];
  try {
    for (let i = 0; i < n; i++) {
      started.push(
        await startVehicle({
          ...shared,
          sysid: i + 1,
          home: fleetPosition(home, n, i, spacingM),
          port: basePort === 0 ? 0 : basePort + i,
          serialPath: serialPaths?.[i],
        }),
      );
      if (dockOpts)
        docks.push(
          new SimDock(started[i]!, { ...(dockOpts === true ? {} : dockOpts), sysid: dockSysidFor(i + 1, n) }),
        );
    }
  } catch (err) {
    await Promise.all(docks.map((d) => d.close()));
    await Promise.all(started.map((v) => v.close()));
    throw err;
  }
  return {
    vehicles: started,
    docks,
    close: async () => {
      await Promise.all(docks.map((d) => d.close()));
      await Promise.all(started.map((v) => v.close()));
    },
  };
}
