/**
 * A minimal ground station for the simulator's tests: plain node-mavlink over a UDP socket
 * on 127.0.0.1 (port chosen by the OS), recording everything it receives.
 */
import dgram from 'node:dgram';
import { common, type MavLinkData, MavLinkProtocolV1 } from 'node-mavlink';
import { type DecodedMessage, FrameDecoder, FrameEncoder } from '../codec.ts';

export interface Received extends DecodedMessage {
  at: number;
}

export class TestGroundStation {
  readonly received: Received[] = [];
  private readonly encoder = new FrameEncoder(255, 190);
  private readonly v1 = new MavLinkProtocolV1(255, 190);
  private v1Seq = 0;
  private readonly decoder: FrameDecoder;
  private listeners = new Set<(m: Received) => void>();
  private waiters: { pred: (m: Received) => boolean; resolve: (m: Received) => void }[] = [];

  private constructor(
    private readonly socket: dgram.Socket,
    /** Vehicle port to talk to. */
    public vehiclePort: number,
  ) {
    this.decoder = new FrameDecoder((m) => {
      const r = { ...m, at: performance.now() };
      this.received.push(r);
      for (const l of this.listeners) l(r);
      this.waiters = this.waiters.filter((w) => {
        if (!w.pred(r)) return true;
        w.resolve(r);
        return false;
      });
    });
    socket.on('message', (buf) => this.decoder.push(buf));
  }

  static async open(vehiclePort: number): Promise<TestGroundStation> {
    const socket = dgram.createSocket('udp4');
    await new Promise<void>((resolve) => socket.bind(0, '127.0.0.1', () => resolve()));
    return new TestGroundStation(socket, vehiclePort);
  }

  /** Calls `fn` for every message from now on; returns the unsubscribe function. */
  onMessage(fn: (m: Received) => void): () => void {
    this.listeners.add(fn);
    return () => this.listeners.delete(fn);
  }

  get port(): number {
    return this.socket.address().port;
  }

  send(message: MavLinkData, opts: { v1?: boolean } = {}): void {
    const buf = opts.v1 ? this.v1.serialize(message, this.v1Seq++ & 0xff) : this.encoder.encode(message);
    this.socket.send(buf, this.vehiclePort, '127.0.0.1');
  }

  /** Resolves with the first message (already received after `since`, or future) that matches. */
  waitFor<T extends MavLinkData>(
    clazz: abstract new (...args: never[]) => T,
    pred: (m: T) => boolean = () => true,
    timeoutMs = 5000,
    since = 0,
  ): Promise<T> {
    const match = (r: Received) => r.message instanceof clazz && r.at >= since && pred(r.message as T);
    const already = this.received.find(match);
    if (already) return Promise.resolve(already.message as T);
    return new Promise<T>((resolve, reject) => {
      const timer = setTimeout(() => {
        this.waiters = this.waiters.filter((w) => w !== waiter);
        reject(new Error(`timed out after ${timeoutMs} ms waiting for ${clazz.name}`));
      }, timeoutMs);
      const waiter = {
        pred: match,
        resolve: (r: Received) => {
          clearTimeout(timer);
          resolve(r.message as T);
        },
      };
      this.waiters.push(waiter);
    });
  }

  /** Waits for the next matching message from now on. */
  next<T extends MavLinkData>(
    clazz: abstract new (...args: never[]) => T,
    pred: (m: T) => boolean = () => true,
    timeoutMs = 5000,
  ): Promise<T> {
    return this.waitFor(clazz, pred, timeoutMs, performance.now());
  }

  count(
    clazz: abstract new (...args: never[]) => MavLinkData,
    from: number,
    to = Number.POSITIVE_INFINITY,
  ): number {
    return this.received.filter((r) => r.message instanceof clazz && r.at >= from && r.at < to).length;
  }

  async close(): Promise<void> {
    this.decoder.close();
    await new Promise<void>((resolve) => this.socket.close(() => resolve()));
  }
}

/** Builds a COMMAND_LONG to system 1 (or `target`), params in order, missing ones 0. */
export function commandLong(command: number, params: number[] = [], target = 1): MavLinkData {
  const m = new common.CommandLong();
  m.targetSystem = target;
  m.targetComponent = 1;
  m.command = command;
  const p = [...params, 0, 0, 0, 0, 0, 0, 0];
  m._param1 = p[0]!;
  m._param2 = p[1]!;
  m._param3 = p[2]!;
  m._param4 = p[3]!;
  m._param5 = p[4]!;
  m._param6 = p[5]!;
  m._param7 = p[6]!;
  return m;
}

/** Sends a COMMAND_LONG and resolves with its COMMAND_ACK result. */
export async function command(
  gcs: TestGroundStation,
  cmd: number,
  params: number[] = [],
  timeoutMs = 3000,
): Promise<number> {
  const since = performance.now();
  gcs.send(commandLong(cmd, params));
  const ack = await gcs.waitFor(common.CommandAck, (a) => a.command === cmd, timeoutMs, since);
  return ack.result;
}

/** Sends PARAM_REQUEST_READ by name (or, with an empty name, by index) and resolves with the PARAM_VALUE answering it. */
export async function readParam(
  gcs: TestGroundStation,
  paramId: string,
  paramIndex = -1,
  target = 1,
): Promise<common.ParamValue> {
  const read = new common.ParamRequestRead();
  read.targetSystem = target;
  read.targetComponent = 1;
  read.paramId = paramId;
  read.paramIndex = paramIndex;
  const since = performance.now();
  gcs.send(read);
  return gcs.waitFor(
    common.ParamValue,
    (p) => (paramId ? p.paramId === paramId : p.paramIndex === paramIndex),
    2000,
    since,
  );
}

/** A mission item for system 1 in MAV_FRAME_GLOBAL_RELATIVE_ALT_INT unless told otherwise. */
export function missionItem(
  seq: number,
  commandId: number,
  lat: number,
  lon: number,
  alt: number,
  extra: Partial<common.MissionItemInt> = {},
): common.MissionItemInt {
  const m = new common.MissionItemInt();
  m.targetSystem = 1;
  m.targetComponent = 1;
  m.seq = seq;
  m.frame = 6;
  m.command = commandId;
  m.current = 0;
  m.autocontinue = 1;
  m.x = Math.round(lat * 1e7);
  m.y = Math.round(lon * 1e7);
  m.z = alt;
  m.missionType = 0;
  Object.assign(m, extra);
  return m;
}

/**
 * Uploads items by answering the vehicle's requests (INT or legacy), returns the final ack.
 * Resolves with the first MISSION_ACK, whichever it is.
 */
export async function uploadMission(
  gcs: TestGroundStation,
  items: common.MissionItemInt[],
  missionType = 0,
  timeoutMs = 5000,
): Promise<common.MissionAck> {
  const since = performance.now();
  const ackPromise = gcs.waitFor(common.MissionAck, (a) => a.missionType === missionType, timeoutMs, since);
  // Answer every request, repeats included, as a ground station does.
  const onRequest = (seq: number) => {
    const item = items[seq];
    if (item) gcs.send(item);
  };
  const stop = gcs.onMessage((r) => {
    if (r.message instanceof common.MissionRequestInt || r.message instanceof common.MissionRequest) {
      onRequest(r.message.seq);
    }
  });
  const count = new common.MissionCount();
  count.targetSystem = 1;
  count.targetComponent = 1;
  count.count = items.length;
  count.missionType = missionType;
  gcs.send(count);
  try {
    return await ackPromise;
  } finally {
    stop();
  }
}

/** Downloads a list with MISSION_REQUEST_LIST / MISSION_REQUEST_INT. */
export async function downloadMission(
  gcs: TestGroundStation,
  missionType = 0,
): Promise<{ count: common.MissionCount; items: common.MissionItemInt[] }> {
  const since = performance.now();
  const list = new common.MissionRequestList();
  list.targetSystem = 1;
  list.targetComponent = 1;
  list.missionType = missionType;
  gcs.send(list);
  const count = await gcs.waitFor(common.MissionCount, (c) => c.missionType === missionType, 3000, since);
  const items: common.MissionItemInt[] = [];
  for (let seq = 0; seq < count.count; seq++) {
    const req = new common.MissionRequestInt();
    req.targetSystem = 1;
    req.targetComponent = 1;
    req.seq = seq;
    req.missionType = missionType;
    const t = performance.now();
    gcs.send(req);
    items.push(
      await gcs.waitFor(
        common.MissionItemInt,
        (i) => i.seq === seq && i.missionType === missionType,
        3000,
        t,
      ),
    );
  }
  const ack = new common.MissionAck();
  ack.targetSystem = 1;
  ack.targetComponent = 1;
  ack.type = 0;
  ack.missionType = missionType;
  gcs.send(ack);
  return { count, items };
}

/** Resolves after `ms` real milliseconds. */
export function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}

/** Polls until `check` is truthy (tests only). */
export async function until(check: () => boolean, timeoutMs: number, what: string): Promise<void> {
  const end = performance.now() + timeoutMs;
  while (!check()) {
    if (performance.now() > end) throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}`);
    await sleep(10);
  }
}
