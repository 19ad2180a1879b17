/**
 * How a parameter's value travels in the 4-byte float field of PARAM_VALUE / PARAM_SET.
 *
 * - 'bytewise' (PX4; MAV_PROTOCOL_CAPABILITY_PARAM_ENCODE_BYTEWISE): the integer's own bytes
 *   sit in the float's bytes, as in MAVLink's `mavlink_param_union_t` (little-endian, the
 *   integer at offset 0, the other bytes zero). INT32 1 thus travels as the denormal float
 *   1.4e-45, and INT32 -1 as a NaN whose payload carries the value: do not do arithmetic on
 *   the raw float, and let it pass through untouched (V8 keeps NaN payloads through
 *   Buffer.readFloatLE/writeFloatLE, which node-mavlink uses).
 * - 'cast' (ArduPilot; MAV_PROTOCOL_CAPABILITY_PARAM_ENCODE_C_CAST): the integer converted to
 *   float, exact up to 2^24.
 *
 * REAL32 is the same either way. 64-bit types cannot travel in this field at all.
 */

export type ParamEncoding = 'bytewise' | 'cast';

/** MAV_PARAM_TYPE values. */
export const MavParamType = {
  Uint8: 1,
  Int8: 2,
  Uint16: 3,
  Int16: 4,
  Uint32: 5,
  Int32: 6,
  Uint64: 7,
  Int64: 8,
  Real32: 9,
  Real64: 10,
} as const;

const TYPE_NAMES: Record<number, string> = {
  1: 'UINT8',
  2: 'INT8',
  3: 'UINT16',
  4: 'INT16',
  5: 'UINT32',
  6: 'INT32',
  7: 'UINT64',
  8: 'INT64',
  9: 'REAL32',
  10: 'REAL64',
};

export const paramTypeName = (type: number): string => TYPE_NAMES[type] ?? `UNKNOWN_${type}`;

const RANGES: Record<number, [number, number]> = {
  1: [0, 0xff],
  2: [-0x80, 0x7f],
  3: [0, 0xffff],
  4: [-0x8000, 0x7fff],
  5: [0, 0xffffffff],
  6: [-0x80000000, 0x7fffffff],
};

/** Checks that `value` fits `type`; returns a message naming the problem, or undefined. */
export function checkParamValue(value: number, type: number): string | undefined {
  if (typeof value !== 'number' || (Number.isNaN(value) && type !== MavParamType.Real32)) {
    return `value must be a number, got ${String(value)}`;
  }
  if (type === MavParamType.Real32) return undefined;
  const range = RANGES[type];
  if (!range) return `parameter type ${paramTypeName(type)} cannot be carried in PARAM_SET's 4-byte value`;
  if (!Number.isInteger(value) || value < range[0] || value > range[1]) {
    return `value ${value} does not fit ${paramTypeName(type)} (${range[0]}..${range[1]})`;
  }
  return undefined;
}

const view = (): DataView => new DataView(new ArrayBuffer(4));

/**
 * The number to put in PARAM_SET.param_value for `value` of `type`. Throws RangeError if the
 * value does not fit the type (check with {@link checkParamValue} first for user input).
 */
export function encodeParamValue(value: number, type: number, encoding: ParamEncoding): number {
  const problem = checkParamValue(value, type);
  if (problem) throw new RangeError(problem);
  if (type === MavParamType.Real32 || encoding === 'cast') return Math.fround(value);
  const dv = view();
  switch (type) {
    case MavParamType.Uint8:
      dv.setUint8(0, value);
      break;
    case MavParamType.Int8:
      dv.setInt8(0, value);
      break;
    case MavParamType.Uint16:
      dv.setUint16(0, value, true);
      break;
    case MavParamType.Int16:
      dv.setInt16(0, value, true);
      break;
    case MavParamType.Uint32:
      dv.setUint32(0, value, true);
      break;
    case MavParamType.Int32:
      dv.setInt32(0, value, true);
      break;
  }
  return dv.getFloat32(0, true);
}

/**
 * The parameter's value from PARAM_VALUE.param_value. Types that cannot travel in the field
 * (64-bit) come back as the raw float.
 */
export function decodeParamValue(raw: number, type: number, encoding: ParamEncoding): number {
  if (type === MavParamType.Real32 || !RANGES[type]) return raw;
  if (encoding === 'cast') return raw;
  const dv = view();
  dv.setFloat32(0, raw, true);
  switch (type) {
    case MavParamType.Uint8:
      return dv.getUint8(0);
    case MavParamType.Int8:
      return dv.getInt8(0);
    case MavParamType.Uint16:
      return dv.getUint16(0, true);
    case MavParamType.Int16:
      return dv.getInt16(0, true);
    case MavParamType.Uint32:
      return dv.getUint32(0, true);
    default:
      return dv.getInt32(0, true);
  }
}

/**
 * True when a decoded echo equals what was set. REAL32, and integers under 'cast' encoding,
 * are compared at float32 precision, since that is all the field can carry.
 */
export function sameParamValue(
  expected: number,
  actual: number,
  type: number,
  encoding: ParamEncoding,
): boolean {
  if (type === MavParamType.Real32 || encoding === 'cast' || !RANGES[type]) {
    const e = Math.fround(expected);
    return e === actual || (Number.isNaN(e) && Number.isNaN(actual));
  }
  return expected === actual;
}
