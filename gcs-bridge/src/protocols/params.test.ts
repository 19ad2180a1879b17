import { common, MavLinkProtocolV2 } from 'node-mavlink';
import { describe, expect, it } from 'vitest';
import type { Inbound } from '../codec/types.ts';
import type { ProtocolEvent } from './machine.ts';
import {
  checkParamValue,
  decodeParamValue,
  encodeParamValue,
  MavParamType,
  sameParamValue,
} from './param-encoding.ts';
import type { ReadAllState } from './params.ts';
import {
  initialReadAllState,
  initialReadParamState,
  initialSetParamState,
  readAllParams,
  readAllStep,
  readParam,
  readParamStep,
  setParam,
  setParamStep,
} from './params.ts';
import { simPerTest } from './testing/sim-per-test.ts';

const target = { sysid: 1, compid: 1 };
const { Int32, Real32, Uint8, Int8, Uint16, Int16, Uint32 } = MavParamType;

const bytesOf = (f: number): number[] => {
  const dv = new DataView(new ArrayBuffer(4));
  dv.setFloat32(0, f, true);
  return [0, 1, 2, 3].map((i) => dv.getUint8(i));
};

describe('parameter value encoding', () => {
  it('bytewise puts the integer bytes in the float (PX4)', () => {
    expect(encodeParamValue(1, Int32, 'bytewise')).toBe(Math.fround(1.401298464324817e-45));
    expect(bytesOf(encodeParamValue(1, Int32, 'bytewise'))).toEqual([1, 0, 0, 0]);
    expect(bytesOf(encodeParamValue(-2, Int32, 'bytewise'))).toEqual([0xfe, 0xff, 0xff, 0xff]);
    expect(bytesOf(encodeParamValue(255, Uint8, 'bytewise'))).toEqual([0xff, 0, 0, 0]);
    expect(bytesOf(encodeParamValue(-1, Int8, 'bytewise'))).toEqual([0xff, 0, 0, 0]);
    expect(bytesOf(encodeParamValue(0x1234, Uint16, 'bytewise'))).toEqual([0x34, 0x12, 0, 0]);
    expect(bytesOf(encodeParamValue(-300, Int16, 'bytewise'))).toEqual([0xd4, 0xfe, 0, 0]);
    expect(bytesOf(encodeParamValue(0xdeadbeef, Uint32, 'bytewise'))).toEqual([0xef, 0xbe, 0xad, 0xde]);
  });

  it('cast converts the integer to float (ArduPilot)', () => {
    expect(encodeParamValue(1, Int32, 'cast')).toBe(1);
    expect(encodeParamValue(-2, Int32, 'cast')).toBe(-2);
    expect(decodeParamValue(-2, Int32, 'cast')).toBe(-2);
    // The same INT32 1 read with the wrong encoding is garbage, which is why the option matters.
    expect(decodeParamValue(1, Int32, 'bytewise')).toBe(0x3f800000);
    expect(decodeParamValue(encodeParamValue(1, Int32, 'bytewise'), Int32, 'cast')).toBeCloseTo(0, 40);
  });

  it('round-trips every integer type both ways, REAL32 unchanged', () => {
    const cases: [number, number][] = [
      [Uint8, 200],
      [Int8, -100],
      [Uint16, 60000],
      [Int16, -32768],
      [Uint32, 4000000000],
      [Int32, -2147483648],
      [Int32, 2147483647],
      [Int32, -1],
      [Int32, 0],
    ];
    for (const [type, value] of cases) {
      expect(decodeParamValue(encodeParamValue(value, type, 'bytewise'), type, 'bytewise')).toBe(value);
    }
    expect(decodeParamValue(encodeParamValue(123456, Int32, 'cast'), Int32, 'cast')).toBe(123456);
    expect(encodeParamValue(0.1, Real32, 'bytewise')).toBe(Math.fround(0.1));
    expect(encodeParamValue(0.1, Real32, 'cast')).toBe(Math.fround(0.1));
  });

  it('INT32 -1 (a NaN bit pattern when bytewise) survives MAVLink serialisation', () => {
    const m = new common.ParamValue();
    m.paramId = 'COM_RC_IN_MODE';
    m.paramType = Int32;
    m.paramValue = encodeParamValue(-1, Int32, 'bytewise');
    m.paramCount = 1;
    m.paramIndex = 0;
    const protocol = new MavLinkProtocolV2(1, 1);
    const back = protocol.data(protocol.payload(protocol.serialize(m, 0)), common.ParamValue);
    expect(Number.isNaN(back.paramValue)).toBe(true);
    expect(decodeParamValue(back.paramValue, Int32, 'bytewise')).toBe(-1);
  });

  it('rejects values that do not fit their type, naming the type', () => {
    expect(checkParamValue(256, Uint8)).toMatch(/UINT8/);
    expect(checkParamValue(1.5, Int32)).toMatch(/INT32/);
    expect(checkParamValue(1, MavParamType.Int64)).toMatch(/INT64/);
    expect(checkParamValue(1.5, Real32)).toBeUndefined();
    expect(() => encodeParamValue(70000, Uint16, 'bytewise')).toThrow(RangeError);
  });

  it('compares echoes at the precision the field carries', () => {
    expect(sameParamValue(0.1, Math.fround(0.1), Real32, 'bytewise')).toBe(true);
    expect(sameParamValue(16777217, 16777216, Int32, 'cast')).toBe(true);
    expect(sameParamValue(16777217, 16777216, Int32, 'bytewise')).toBe(false);
  });
});

function pv(id: string, index: number, count: number, value: number, type = Real32): ProtocolEvent {
  const m = new common.ParamValue();
  m.paramId = id;
  m.paramIndex = index;
  m.paramCount = count;
  m.paramType = type;
  m.paramValue = encodeParamValue(value, type, 'bytewise');
  const inbound: Inbound = {
    sysid: 1,
    compid: 1,
    msgid: common.ParamValue.MSG_ID,
    message: m,
    linkId: 't',
    receivedAt: 0,
  };
  return { kind: 'message', inbound, now: 0 };
}

describe('readAllStep (pure)', () => {
  it('collects the stream, then asks for the gaps by index when it goes quiet', () => {
    let s: ReadAllState = readAllStep(initialReadAllState({ target, encoding: 'bytewise', batchSize: 2 }), {
      kind: 'started',
      now: 0,
    }).state;
    for (const i of [0, 2, 4]) s = readAllStep(s, pv(`P${i}`, i, 6, i)).state;
    expect(s.phase).toBe('listing');
    const quiet = readAllStep(s, { kind: 'timeout', now: 0 });
    expect(quiet.state.phase).toBe('fetching');
    const reads = quiet.effects.flatMap((e) =>
      e.kind === 'send' ? [e.message as common.ParamRequestRead] : [],
    );
    expect(reads.map((r) => [r.paramIndex, r.paramId])).toEqual([
      [1, ''],
      [3, ''],
    ]);
    // Answering the batch asks for the next one at once.
    let t = readAllStep(quiet.state, pv('P1', 1, 6, 1)).state;
    const next = readAllStep(t, pv('P3', 3, 6, 3));
    expect(
      next.effects.flatMap((e) =>
        e.kind === 'send' ? [(e.message as common.ParamRequestRead).paramIndex] : [],
      ),
    ).toEqual([5]);
    t = next.state;
    const last = readAllStep(t, pv('P5', 5, 6, 5));
    const done = last.effects.at(-1);
    expect(done?.kind === 'done' && done.result.ok && done.result.value.params.map((p) => p.id)).toEqual([
      'P0',
      'P1',
      'P2',
      'P3',
      'P4',
      'P5',
    ]);
  });

  it('ignores PARAM_VALUEs outside the indexed list and from other components', () => {
    const s = readAllStep(initialReadAllState({ target, encoding: 'bytewise' }), {
      kind: 'started',
      now: 0,
    }).state;
    expect(readAllStep(s, pv('HIDDEN', 65535, 5, 1)).state).toBe(s);
    const other = pv('CAM', 0, 3, 1);
    if (other.kind === 'message') other.inbound.compid = 100;
    expect(readAllStep(s, other).state).toBe(s);
  });
});

describe('setParamStep (pure)', () => {
  it('a stale echo triggers an immediate resend; the matching echo completes', () => {
    const cfg = { target, encoding: 'bytewise' as const, id: 'MPC_XY_VEL_MAX', value: 8, type: Real32 };
    const s = setParamStep(initialSetParamState(cfg), { kind: 'started', now: 0 }).state;
    const stale = setParamStep(s, pv('MPC_XY_VEL_MAX', 7, 900, 12));
    expect(stale.effects.map((e) => e.kind)).toEqual(['send', 'setTimer']);
    const good = setParamStep(stale.state, pv('MPC_XY_VEL_MAX', 7, 900, 8));
    expect(good.effects.at(-1)).toMatchObject({
      kind: 'done',
      result: { ok: true, value: { value: 8, index: 7 } },
    });
  });
});

describe.each([
  ['px4', 'bytewise'],
  ['ardupilot', 'cast'],
] as const)('parameters against the simulator, %s (%s)', (flavour, encoding) => {
  const sim = simPerTest(60_000);
  const { settle } = sim;
  const setup = () => sim.open({ flavour });

  const px4 = flavour === 'px4';
  /** The simulator's table: 26 PX4 parameters, 19 ArduCopter ones, sorted by id. */
  const count = px4 ? 26 : 19;
  /** An INT32 parameter, its index in the sorted table and default. */
  const int32 = px4
    ? { id: 'COM_DL_LOSS_T', index: 6, value: 10 }
    : { id: 'RTL_ALT', index: 10, value: 1500 };

  it('full read with dropped messages re-requested by index', async () => {
    const p = await setup();
    const dropped = new Set([0, 3, 17, 18]);
    // Each dropped index is lost in the stream and its first re-request answer is lost too.
    for (const i of dropped)
      p.link.faults.drop('down', common.ParamValue, {
        first: 2,
        where: (m: common.ParamValue) => m.paramIndex === i,
      });
    const progress: number[] = [];
    const r = await settle(
      readAllParams(p.port, { target, encoding, onProgress: (x) => progress.push(x.received) }),
    );
    expect(r.ok).toBe(true);
    if (!r.ok) return;
    expect(r.value.count).toBe(count);
    const ids = r.value.params.map((x) => x.id);
    expect(ids).toEqual([...ids].sort());
    expect(r.value.params.map((x) => x.index)).toEqual([...Array(count).keys()]);
    const byId = new Map(r.value.params.map((x) => [x.id, x]));
    expect(byId.get(int32.id)).toMatchObject({ index: int32.index, type: Int32, value: int32.value });
    if (px4) {
      expect(byId.get('MAV_SYS_ID')).toMatchObject({ type: Int32, value: 1 });
      expect(byId.get('MPC_XY_CRUISE')).toMatchObject({ type: Real32, value: 5 });
    } else {
      expect(byId.get('SYSID_THISMAV')).toMatchObject({ type: Int32, value: 1 });
      expect(byId.get('DISARM_DELAY')).toMatchObject({ type: Int8, value: 10 });
    }
    const reads = p.sent(common.ParamRequestRead).map((m) => m.paramIndex);
    expect(new Set(reads)).toEqual(dropped);
    expect(p.sent(common.ParamRequestList)).toHaveLength(1);
    expect(progress.at(-1)).toBe(count);
  });

  it('reports the indices that never arrive', async () => {
    const p = await setup();
    p.link.faults.drop('down', common.ParamValue, { where: (m: common.ParamValue) => m.paramIndex === 4 });
    const r = await settle(readAllParams(p.port, { target, encoding, retries: 2 }));
    expect(r.ok ? undefined : r.error).toMatchObject({
      code: 'Timeout',
      detail: { received: count - 1, count, missing: [4], missingCount: 1 },
    });
    expect(p.sent(common.ParamRequestRead)).toHaveLength(3);
  });

  it('times out when nobody answers the list request', async () => {
    const p = await setup();
    p.link.faults.drop('up', common.ParamRequestList);
    const r = await settle(readAllParams(p.port, { target, encoding }));
    expect(r.ok ? undefined : r.error).toMatchObject({ code: 'Timeout', detail: { sends: 6 } });
  });

  it('reads one parameter by id and by index; an unknown id gets no answer', async () => {
    const p = await setup();
    const byId = await settle(readParam(p.port, { target, encoding, id: int32.id }));
    expect(byId).toEqual({
      ok: true,
      value: expect.objectContaining({ id: int32.id, index: int32.index, value: int32.value }),
    });
    const byIndex = await settle(readParam(p.port, { target, encoding, index: 0 }));
    expect(byIndex.ok && byIndex.value).toMatchObject(
      px4 ? { id: 'BAT_CRIT_THR', value: Math.fround(0.07) } : { id: 'ARMING_CHECK', value: 1 },
    );
    const missing = await settle(readParam(p.port, { target, encoding, id: 'NOPE' }));
    expect(missing.ok ? undefined : missing.error.code).toBe('Timeout');
  });

  it('set with read-back of an INT32', async () => {
    const p = await setup();
    const r = await settle(setParam(p.port, { target, encoding, id: int32.id, value: -42, type: Int32 }));
    expect(r.ok && r.value).toMatchObject({ id: int32.id, value: -42, type: Int32 });
    const back = await settle(readParam(p.port, { target, encoding, id: int32.id }));
    expect(back.ok && back.value.value).toBe(-42);
    const [sent] = p.sent(common.ParamSet);
    expect(sent?.paramValue).toBe(encoding === 'cast' ? -42 : encodeParamValue(-42, Int32, 'bytewise'));
  });

  it('a lost PARAM_SET is resent; a lost echo too', async () => {
    const p = await setup();
    p.link.faults.drop('up', common.ParamSet, { first: 1 });
    p.link.faults.drop('down', common.ParamValue, { first: 1 });
    const id = px4 ? 'MPC_XY_CRUISE' : 'WPNAV_SPEED';
    const r = await settle(setParam(p.port, { target, encoding, id, value: 2.5, type: Real32 }));
    expect(r.ok).toBe(true);
    expect(p.sent(common.ParamSet)).toHaveLength(3);
  });

  it(
    px4
      ? 'a set of the wrong type is ignored without an answer (PX4): Timeout, value unchanged'
      : 'a read-only parameter is refused with the old value echoed (ArduPilot): ValueRejected',
    async () => {
      const p = await setup();
      if (px4) {
        const r = await settle(
          setParam(p.port, { target, encoding, id: 'MPC_XY_CRUISE', value: 9, type: Int32 }),
        );
        expect(r.ok ? undefined : r.error).toMatchObject({ code: 'Timeout', detail: { sends: 6 } });
        const back = await settle(readParam(p.port, { target, encoding, id: 'MPC_XY_CRUISE' }));
        expect(back.ok && back.value).toMatchObject({ type: Real32, value: 5 });
      } else {
        const r = await settle(
          setParam(p.port, { target, encoding, id: 'FORMAT_VERSION', value: 7, type: Int16 }),
        );
        expect(r.ok ? undefined : r.error).toMatchObject({
          code: 'ValueRejected',
          detail: { id: 'FORMAT_VERSION', requested: 7, echoed: 120, sends: 6 },
        });
        const texts = p.link.messages('down', common.StatusText).map((t) => t.text);
        expect(texts).toContain('Param write denied (FORMAT_VERSION)');
      }
    },
  );
});

describe('parameter requests with bad input', () => {
  it('are refused before anything is sent', async () => {
    const sent: unknown[] = [];
    const port = { send: (m: unknown) => sent.push(m), subscribe: () => () => {} };
    const broadcast = await readAllParams(port, {
      target: { sysid: 1, compid: 0 },
      encoding: 'bytewise',
    });
    expect(broadcast.ok ? '' : broadcast.error.message).toMatch(/one component id/);
    const tooLong = await setParam(port, {
      target,
      encoding: 'bytewise',
      id: 'A_VERY_LONG_PARAM_ID',
      value: 1,
      type: Int32,
    });
    expect(tooLong.ok ? '' : tooLong.error.message).toMatch(/1\.\.16 characters/);
    const notInt = await setParam(port, {
      target,
      encoding: 'bytewise',
      id: 'X',
      value: 1.5,
      type: Int32,
    });
    expect(notInt.ok ? '' : notInt.error.message).toMatch(/INT32/);
    expect(sent).toHaveLength(0);
  });
});

describe('readParamStep (pure)', () => {
  it('matches the answer by id, ignores others, resends on timeout', () => {
    const s = readParamStep(initialReadParamState({ target, encoding: 'cast', id: 'WPNAV_SPEED' }), {
      kind: 'started',
      now: 0,
    });
    const req = s.effects.find((e) => e.kind === 'send');
    expect(
      req?.kind === 'send' && [
        (req.message as common.ParamRequestRead).paramId,
        (req.message as common.ParamRequestRead).paramIndex,
      ],
    ).toEqual(['WPNAV_SPEED', -1]);
    expect(readParamStep(s.state, pv('OTHER', 1, 5, 3)).state).toBe(s.state);
    const again = readParamStep(s.state, { kind: 'timeout', now: 0 });
    expect(again.effects.map((e) => e.kind)).toEqual(['send', 'setTimer']);
    const got = readParamStep(again.state, pv('WPNAV_SPEED', 4, 5, 1000));
    expect(got.effects.at(-1)).toMatchObject({
      kind: 'done',
      result: { ok: true, value: { id: 'WPNAV_SPEED', index: 4 } },
    });
  });
});
