import * as aerieDock from '@aerie/hardware/dialect';
import {
  ardupilotmega,
  common,
  type MavLinkData,
  type MavLinkDataConstructor,
  type MavLinkPacketField,
  type MavLinkPacketRegistry,
  MSG_ID_MAGIC_NUMBER,
  minimal,
  standard,
} from 'node-mavlink';

/**
 * Decodes one message payload starting at `offset` of `bytes`. The bytes must hold the full,
 * untruncated payload (MAVLink 2 trims trailing zeros; the decoder pads before calling).
 */
export type PayloadDecoder = (bytes: Buffer, offset: number) => MavLinkData;

/** What the framing layer knows about one message id. */
export interface MessageEntry {
  msgid: number;
  name: string;
  crcExtra: number;
  payloadLength: number;
  /** Offsets of target_system / target_component in the payload, or -1 when absent. */
  targetSystemOffset: number;
  targetComponentOffset: number;
  clazz: MavLinkDataConstructor<MavLinkData>;
  decode: PayloadDecoder;
}

/**
 * The message set a connection decodes: minimal + common + standard + ardupilotmega, merged
 * (AUTOPILOT_VERSION lives in `standard`, not `common`, so a common-only registry drops it),
 * plus any dialect registered later (the dock dialect).
 */
export const REGISTRY: MavLinkPacketRegistry = {
  ...minimal.REGISTRY,
  ...common.REGISTRY,
  ...standard.REGISTRY,
  ...ardupilotmega.REGISTRY,
};

/**
 * CRC_EXTRA by message id for every id any known dialect defines. Packets whose id is here
 * but not in {@link REGISTRY} are CRC-checked and routed but not decoded ("unknown").
 */
const crcExtraLow = new Int16Array(1 << 16).fill(-1);
const crcExtraHigh = new Map<number, number>();
const entries = new Map<number, MessageEntry>();
/** Dense lookup for the common case (ids below 65536); the rest go through `entries`. */
const entriesLow: (MessageEntry | undefined)[] = new Array(1 << 16);

function setCrcExtra(msgid: number, extra: number): void {
  if (msgid < 1 << 16) crcExtraLow[msgid] = extra;
  else crcExtraHigh.set(msgid, extra);
}

/** CRC_EXTRA for `msgid`, or -1 when no known dialect defines the id. */
export function crcExtraOf(msgid: number): number {
  if (msgid < 1 << 16) return crcExtraLow[msgid] as number;
  return crcExtraHigh.get(msgid) ?? -1;
}

/** Decoder entry for `msgid`, or undefined when the id is not in the decode registry. */
export function messageEntry(msgid: number): MessageEntry | undefined {
  return msgid < 1 << 16 ? entriesLow[msgid] : entries.get(msgid);
}

function readerExpr(field: MavLinkPacketField, at: string): string {
  const n = field.length;
  switch (field.type) {
    case 'char':
      return `String.fromCharCode(b[${at}])`;
    case 'int8_t':
      return `((b[${at}] << 24) >> 24)`;
    case 'uint8_t':
    case 'uint8_t_mavlink_version':
      return `b[${at}]`;
    case 'int16_t':
      return `b.readInt16LE(${at})`;
    case 'uint16_t':
      return `b.readUInt16LE(${at})`;
    case 'int32_t':
      return `b.readInt32LE(${at})`;
    case 'uint32_t':
      return `b.readUInt32LE(${at})`;
    case 'int64_t':
      return `b.readBigInt64LE(${at})`;
    case 'uint64_t':
      return `b.readBigUInt64LE(${at})`;
    case 'float':
      return `b.readFloatLE(${at})`;
    case 'double':
      return `b.readDoubleLE(${at})`;
    case 'char[]':
      return `str(b, ${at}, ${n})`;
    default: {
      const base = field.type.slice(0, -2);
      const size = field.size;
      const one = readerExpr(
        { ...field, type: base, length: 0 } as MavLinkPacketField,
        `${at} + i * ${size}`,
      );
      return `arr(${n}, (i) => ${one})`;
    }
  }
}

function str(b: Buffer, at: number, n: number): string {
  let s = '';
  for (let i = 0; i < n; i++) {
    const c = b[at + i] as number;
    if (c === 0) break;
    s += String.fromCharCode(c);
  }
  return s;
}

function arr<T>(n: number, read: (i: number) => T): T[] {
  const out = new Array<T>(n);
  for (let i = 0; i < n; i++) out[i] = read(i);
  return out;
}

const KNOWN_TYPES = new Set([
  'char',
  'int8_t',
  'uint8_t',
  'uint8_t_mavlink_version',
  'int16_t',
  'uint16_t',
  'int32_t',
  'uint32_t',
  'int64_t',
  'uint64_t',
  'float',
  'double',
]);

/**
 * Builds a straight-line decoder for one message class. Generated code (as protobufjs does)
 * gives every class its own monomorphic field stores; the generic field loop in node-mavlink
 * costs about a third of the decode rate. Values match node-mavlink's deserializers
 * (bigint for 64-bit, string for char[], number[] for arrays). The constructor is bypassed
 * (some run Object.keys over a large enum per instance) but the prototype is the class's,
 * so `instanceof common.CommandLong` still holds.
 */
function compileDecoder(clazz: MavLinkDataConstructor<MavLinkData>): PayloadDecoder {
  for (const f of clazz.FIELDS) {
    const scalar = f.type.endsWith('[]') ? f.type.slice(0, -2) : f.type;
    if (!KNOWN_TYPES.has(scalar))
      throw new Error(`${clazz.MSG_NAME}.${f.name}: unsupported field type ${f.type}`);
  }
  const lines = clazz.FIELDS.map(
    (f) => `m[${JSON.stringify(f.name)}] = ${readerExpr(f, `o + ${f.offset}`)};`,
  );
  const body = `return function decode(b, o) { const m = new Shell(); ${lines.join(' ')} return m; };`;
  function Shell(): void {}
  Shell.prototype = clazz.prototype;
  return new Function('Shell', 'str', 'arr', body)(Shell, str, arr) as PayloadDecoder;
}

function fieldOffset(clazz: MavLinkDataConstructor<MavLinkData>, name: string): number {
  const f = clazz.FIELDS.find(
    (x) => x.name === name && (x.type === 'uint8_t' || x.type === 'uint8_t_mavlink_version'),
  );
  return f ? f.offset : -1;
}

function addClass(clazz: MavLinkDataConstructor<MavLinkData>): void {
  const entry: MessageEntry = {
    msgid: clazz.MSG_ID,
    name: clazz.MSG_NAME,
    crcExtra: clazz.MAGIC_NUMBER,
    payloadLength: clazz.PAYLOAD_LENGTH,
    targetSystemOffset: fieldOffset(clazz, 'targetSystem'),
    targetComponentOffset: fieldOffset(clazz, 'targetComponent'),
    clazz,
    decode: compileDecoder(clazz),
  };
  if (clazz.MSG_ID < 1 << 16) entriesLow[clazz.MSG_ID] = entry;
  entries.set(clazz.MSG_ID, entry);
  setCrcExtra(clazz.MSG_ID, clazz.MAGIC_NUMBER);
}

for (const [id, extra] of Object.entries(MSG_ID_MAGIC_NUMBER)) setCrcExtra(Number(id), extra);
for (const clazz of Object.values(REGISTRY)) addClass(clazz);

/**
 * Adds a dialect (e.g. the dock dialect from hardware/) to every connection's decode set.
 * `magicNumbers` maps message id to CRC_EXTRA, as node-mavlink's generated dialects export
 * it; ids already known keep working, ids in both are replaced by the dialect's class.
 */
export function registerDialect(
  registry: MavLinkPacketRegistry,
  magicNumbers: Record<string | number, number> = {},
): void {
  for (const [id, extra] of Object.entries(magicNumbers)) setCrcExtra(Number(id), extra);
  for (const clazz of Object.values(registry)) {
    REGISTRY[clazz.MSG_ID] = clazz;
    addClass(clazz);
  }
}

// The dock dialect (hardware/dialects/aerie_dock.xml): every connection decodes dock status.
registerDialect(aerieDock.REGISTRY, aerieDock.MSG_ID_MAGIC_NUMBER);
