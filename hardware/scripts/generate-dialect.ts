/**
 * Generates node-mavlink message classes from a MAVLink dialect XML (the dock dialect in
 * `hardware/dialects/aerie_dock.xml`), in the shape of node-mavlink's own generated `common`
 * classes: a class per message extending `MavLinkData` with MSG_ID, MSG_NAME, PAYLOAD_LENGTH,
 * MAGIC_NUMBER (CRC_EXTRA) and FIELDS in wire order; an enum per enum; a `REGISTRY`.
 *
 * Wire rules as pymavlink's generator applies them (mavlink devguide en/guide/serialization.md):
 * - base fields are sorted by the size of their element type, largest first, keeping XML order
 *   among equal sizes; extension fields (after `<extensions/>`) follow in XML order;
 * - CRC_EXTRA is the X.25 CRC of "NAME " and, for each base field in wire order, "type name "
 *   (uint8_t_mavlink_version counts as uint8_t) plus one byte of the array length for arrays,
 *   folded to 8 bits as (crc & 0xff) ^ (crc >> 8).
 *
 * Run: `npm run generate:dialect -w @aerie/hardware` (writes src/dialect/aerie-dock.ts).
 * Only this dialect's own messages and enums are generated; `<include>`d ones come from
 * node-mavlink.
 */
import { readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { XMLParser } from 'fast-xml-parser';

const TYPE_SIZES: Record<string, number> = {
  char: 1,
  int8_t: 1,
  uint8_t: 1,
  uint8_t_mavlink_version: 1,
  int16_t: 2,
  uint16_t: 2,
  int32_t: 4,
  uint32_t: 4,
  float: 4,
  int64_t: 8,
  uint64_t: 8,
  double: 8,
};

/** One field of a message, resolved. */
export interface DialectField {
  /** Name as in the XML (snake_case). */
  source: string;
  /** camelCase property name, as node-mavlink names it. */
  name: string;
  /** Element type, e.g. 'uint16_t' ('char' for strings). */
  baseType: string;
  /** Array length, 0 for a scalar. */
  arrayLength: number;
  extension: boolean;
  units: string;
  enumName: string | undefined;
  description: string;
  /** Byte offset in the payload (wire order). */
  offset: number;
}

export interface DialectMessage {
  id: number;
  name: string;
  description: string;
  /** Fields in wire order. */
  fields: DialectField[];
  payloadLength: number;
  crcExtra: number;
}

export interface DialectEnumEntry {
  name: string;
  value: number;
  description: string;
  params: { index: number; label: string; text: string }[];
}

export interface DialectEnum {
  name: string;
  description: string;
  bitmask: boolean;
  entries: DialectEnumEntry[];
}

export interface Dialect {
  messages: DialectMessage[];
  enums: DialectEnum[];
}

/** X.25 CRC-16/MCRF4XX as MAVLink uses it. */
export function x25(bytes: Iterable<number>, crc = 0xffff): number {
  let c = crc;
  for (const b of bytes) {
    let tmp = (b ^ (c & 0xff)) & 0xff;
    tmp = (tmp ^ (tmp << 4)) & 0xff;
    c = ((c >> 8) ^ (tmp << 8) ^ (tmp << 3) ^ (tmp >> 4)) & 0xffff;
  }
  return c;
}

/** CRC_EXTRA of a message from its name and its fields in wire order. */
export function crcExtra(name: string, wireFields: readonly DialectField[]): number {
  const bytes: number[] = [];
  const add = (s: string) => {
    for (const ch of s) bytes.push(ch.charCodeAt(0) & 0xff);
  };
  add(`${name} `);
  for (const f of wireFields) {
    if (f.extension) continue;
    add(`${f.baseType === 'uint8_t_mavlink_version' ? 'uint8_t' : f.baseType} ${f.source} `);
    if (f.arrayLength > 0) bytes.push(f.arrayLength & 0xff);
  }
  const crc = x25(bytes);
  return (crc & 0xff) ^ (crc >> 8);
}

const camel = (snake: string): string =>
  snake.toLowerCase().replace(/_([a-z0-9])/g, (_m, c: string) => c.toUpperCase());

const pascal = (snake: string): string => {
  const c = camel(snake);
  return c.charAt(0).toUpperCase() + c.slice(1);
};

const text = (node: unknown): string => {
  if (node === undefined || node === null) return '';
  if (typeof node === 'string' || typeof node === 'number') return String(node).replace(/\s+/g, ' ').trim();
  if (typeof node === 'object' && '#text' in (node as Record<string, unknown>))
    return text((node as Record<string, unknown>)['#text']);
  return '';
};

function parseType(raw: string, where: string): { baseType: string; arrayLength: number } {
  const m = /^([a-z0-9_]+)(?:\[(\d+)\])?$/.exec(raw.trim());
  if (!m || TYPE_SIZES[m[1]!] === undefined) throw new Error(`${where}: unknown field type '${raw}'`);
  return { baseType: m[1]!, arrayLength: m[2] ? Number(m[2]) : 0 };
}

/** Parses a dialect XML into messages (wire order, offsets, CRC_EXTRA) and enums. */
export function parseDialect(xml: string): Dialect {
  const parser = new XMLParser({
    ignoreAttributes: false,
    attributeNamePrefix: '@',
    preserveOrder: true,
    trimValues: true,
  });
  // preserveOrder keeps <extensions/> in place among the fields, which decides extension fields.
  type Node = Record<string, unknown> & { ':@'?: Record<string, string> };
  const doc = parser.parse(xml) as Node[];
  const child = (nodes: Node[], tag: string): Node[] => nodes.filter((n) => tag in n).map((n) => n as Node);
  const kids = (n: Node, tag: string): Node[] => n[tag] as Node[];
  const attrs = (n: Node): Record<string, string> => n[':@'] ?? {};
  const nodeText = (n: Node, tag: string): string => {
    const items = kids(n, tag) ?? [];
    return items
      .map((i) => text(i))
      .join(' ')
      .trim();
  };
  const descriptionOf = (n: Node, tag: string): string => {
    const d = child(kids(n, tag) ?? [], 'description')[0];
    return d ? nodeText(d, 'description') : '';
  };

  const root = child(doc, 'mavlink')[0];
  if (!root) throw new Error('dialect XML: no <mavlink> root element');
  const rootKids = kids(root, 'mavlink');

  const enums: DialectEnum[] = [];
  for (const block of child(rootKids, 'enums')) {
    for (const e of child(kids(block, 'enums'), 'enum')) {
      const a = attrs(e);
      const name = a['@name'];
      if (!name) throw new Error('dialect XML: an <enum> has no name');
      const entries: DialectEnumEntry[] = [];
      for (const entry of child(kids(e, 'enum'), 'entry')) {
        const ea = attrs(entry);
        const value = Number(ea['@value']);
        if (!ea['@name'] || !Number.isInteger(value))
          throw new Error(`enum ${name}: an entry needs a name and an integer value`);
        const params = child(kids(entry, 'entry'), 'param')
          .filter((p) => attrs(p)['@reserved'] !== 'true')
          .map((p) => ({
            index: Number(attrs(p)['@index']),
            label: attrs(p)['@label'] ?? '',
            text: nodeText(p, 'param'),
          }));
        entries.push({ name: ea['@name'], value, description: descriptionOf(entry, 'entry'), params });
      }
      enums.push({ name, description: descriptionOf(e, 'enum'), bitmask: a['@bitmask'] === 'true', entries });
    }
  }

  const messages: DialectMessage[] = [];
  for (const block of child(rootKids, 'messages')) {
    for (const m of child(kids(block, 'messages'), 'message')) {
      const a = attrs(m);
      const name = a['@name'];
      const id = Number(a['@id']);
      if (!name || !Number.isInteger(id) || id < 0 || id > 0xffffff)
        throw new Error(`dialect XML: message ${name ?? '?'} needs a name and an id 0..16777215`);
      let extension = false;
      const xmlFields: DialectField[] = [];
      for (const n of kids(m, 'message')) {
        if ('extensions' in n) extension = true;
        if (!('field' in n)) continue;
        const fa = attrs(n);
        const source = fa['@name'];
        if (!source || !fa['@type']) throw new Error(`message ${name}: a field needs a name and a type`);
        const { baseType, arrayLength } = parseType(fa['@type'], `message ${name} field ${source}`);
        xmlFields.push({
          source,
          name: camel(source),
          baseType,
          arrayLength,
          extension,
          units: fa['@units'] ?? '',
          enumName: fa['@enum'],
          description: nodeText(n, 'field'),
          offset: 0,
        });
      }
      const base = xmlFields
        .map((f, i) => ({ f, i }))
        .filter((x) => !x.f.extension)
        .sort((x, y) => TYPE_SIZES[y.f.baseType]! - TYPE_SIZES[x.f.baseType]! || x.i - y.i)
        .map((x) => x.f);
      const wire = [...base, ...xmlFields.filter((f) => f.extension)];
      let offset = 0;
      for (const f of wire) {
        f.offset = offset;
        offset += TYPE_SIZES[f.baseType]! * Math.max(1, f.arrayLength);
      }
      if (offset > 255) throw new Error(`message ${name}: payload of ${offset} bytes exceeds 255`);
      messages.push({
        id,
        name,
        description: descriptionOf(m, 'message'),
        fields: wire,
        payloadLength: offset,
        crcExtra: crcExtra(name, wire),
      });
    }
  }
  return { messages, enums };
}

function doc(textIn: string, indent: string): string[] {
  if (!textIn) return [];
  const words = textIn.split(' ');
  const lines: string[] = [];
  let line = '';
  const width = 100 - indent.length - 3;
  for (const w of words) {
    if (line && line.length + 1 + w.length > width) {
      lines.push(line);
      line = w;
    } else line = line ? `${line} ${w}` : w;
  }
  if (line) lines.push(line);
  if (lines.length === 1) return [`${indent}/** ${lines[0]} */`];
  return [`${indent}/**`, ...lines.map((l) => `${indent} * ${l}`), `${indent} */`];
}

/** The enum member name node-mavlink uses: the entry name without the enum's prefix. */
function memberName(enumName: string, entryName: string): string {
  const prefix = `${enumName}_`;
  return entryName.startsWith(prefix) ? entryName.slice(prefix.length) : entryName;
}

function fieldTsType(f: DialectField, enumNames: Set<string>): string {
  const scalar =
    f.enumName && enumNames.has(f.enumName)
      ? pascal(f.enumName)
      : f.baseType === 'char'
        ? 'string'
        : f.baseType === 'int64_t' || f.baseType === 'uint64_t'
          ? 'bigint'
          : 'number';
  if (f.arrayLength > 0 && f.baseType === 'char') return 'string';
  return f.arrayLength > 0 ? `${scalar}[]` : scalar;
}

function fieldInit(f: DialectField): string {
  if (f.baseType === 'char') return "''";
  const zero = f.baseType === 'int64_t' || f.baseType === 'uint64_t' ? '0n' : '0';
  return f.arrayLength > 0 ? `[]` : zero;
}

/** Renders a parsed dialect as a TypeScript module (formatted as biome formats it). */
export function renderDialect(d: Dialect, source: string): string {
  const enumNames = new Set(d.enums.map((e) => e.name));
  const out: string[] = [
    '/**',
    ` * MAVLink dialect ${source} as node-mavlink message classes.`,
    ' *',
    ' * Generated by hardware/scripts/generate-dialect.ts from the XML; do not edit by hand: change',
    ' * the XML and run `npm run generate:dialect -w @aerie/hardware`.',
    ' */',
    "import { MavLinkData, MavLinkPacketField, type MavLinkPacketRegistry } from 'node-mavlink';",
    '',
  ];
  for (const e of d.enums) {
    out.push(...doc(e.description || `${e.name}${e.bitmask ? ' (bitmask)' : ''}.`, ''));
    out.push(`export enum ${pascal(e.name)} {`);
    for (const entry of e.entries) {
      const params = entry.params.map((p) => `param${p.index} (${p.label}): ${p.text}`);
      out.push(...doc([entry.description, ...params].filter(Boolean).join(' '), '  '));
      out.push(`  ${memberName(e.name, entry.name)} = ${entry.value},`);
    }
    out.push('}', '');
  }
  for (const m of d.messages) {
    const cls = pascal(m.name);
    out.push(...doc(m.description, ''));
    out.push(`export class ${cls} extends MavLinkData {`);
    out.push(`  static override MSG_ID = ${m.id};`);
    out.push(`  static override MSG_NAME = '${m.name}';`);
    out.push(`  static override PAYLOAD_LENGTH = ${m.payloadLength};`);
    out.push(`  static override MAGIC_NUMBER = ${m.crcExtra};`);
    out.push('  static override FIELDS = [');
    for (const f of m.fields) {
      const size = TYPE_SIZES[f.baseType]!;
      const type = f.arrayLength > 0 ? `${f.baseType}[]` : f.baseType;
      const args = [
        `'${f.source}'`,
        `'${f.name}'`,
        String(f.offset),
        String(f.extension),
        String(size),
        `'${type}'`,
        `'${f.units}'`,
        ...(f.arrayLength > 0 ? [String(f.arrayLength)] : []),
      ];
      out.push(`    new MavLinkPacketField(${args.join(', ')}),`);
    }
    out.push('  ];', '');
    m.fields.forEach((f, i) => {
      const units = f.units ? ` Units: ${f.units}.` : '';
      out.push(...doc(`${f.description}${units}`, '  '));
      const type = fieldTsType(f, enumNames);
      const init = f.enumName && enumNames.has(f.enumName) ? `0 as ${type}` : fieldInit(f);
      out.push(`  ${f.name}: ${type} = ${init};`);
      if (i < m.fields.length - 1) out.push('');
    });
    out.push('}', '');
  }
  out.push('/** Message classes of this dialect by message id. */');
  out.push('export const REGISTRY: MavLinkPacketRegistry = {');
  for (const m of d.messages) out.push(`  ${m.id}: ${pascal(m.name)},`);
  out.push('};', '');
  out.push('/** CRC_EXTRA by message id (the form node-mavlink exports as MSG_ID_MAGIC_NUMBER). */');
  out.push('export const MSG_ID_MAGIC_NUMBER: Record<number, number> = {');
  for (const m of d.messages) out.push(`  ${m.id}: ${m.crcExtra},`);
  out.push('};', '');
  return out.join('\n');
}

export const DIALECT_XML = fileURLToPath(new URL('../dialects/aerie_dock.xml', import.meta.url));
export const DIALECT_TS = fileURLToPath(new URL('../src/dialect/aerie-dock.ts', import.meta.url));

/** The TypeScript module for the dock dialect, as it should be committed. */
export function generateDockDialect(): string {
  return renderDialect(parseDialect(readFileSync(DIALECT_XML, 'utf8')), path.basename(DIALECT_XML));
}

if (process.argv[1] && import.meta.url === pathToFileURL(process.argv[1]).href) {
  writeFileSync(DIALECT_TS, generateDockDialect());
  process.stdout.write(`wrote ${path.relative(process.cwd(), DIALECT_TS)}\n`);
}
