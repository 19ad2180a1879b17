import { readFileSync } from 'node:fs';
import {
  common,
  MavLinkPacketParser,
  MavLinkPacketSplitter,
  MavLinkProtocolV2,
  MSG_ID_MAGIC_NUMBER,
  minimal,
} from 'node-mavlink';
import { describe, expect, it } from 'vitest';
import { DIALECT_TS, generateDockDialect, parseDialect } from '../../scripts/generate-dialect.ts';
import * as dock from './aerie-dock.ts';

// Messages of common.xml, copied in the XML form, to check the generator against node-mavlink's
// own generated classes: wire order, offsets, payload length and CRC_EXTRA must all agree.
const COMMON_SNIPPET = `<?xml version="1.0"?>
<mavlink><messages>
  <message id="0" name="HEARTBEAT"><description>hb</description>
    <field type="uint8_t" name="type" enum="MAV_TYPE">t</field>
    <field type="uint8_t" name="autopilot" enum="MAV_AUTOPILOT">a</field>
    <field type="uint8_t" name="base_mode" enum="MAV_MODE_FLAG" display="bitmask">b</field>
    <field type="uint32_t" name="custom_mode">c</field>
    <field type="uint8_t" name="system_status" enum="MAV_STATE">s</field>
    <field type="uint8_t_mavlink_version" name="mavlink_version">v</field>
  </message>
  <message id="77" name="COMMAND_ACK"><description>ack</description>
    <field type="uint16_t" name="command" enum="MAV_CMD">c</field>
    <field type="uint8_t" name="result" enum="MAV_RESULT">r</field>
    <extensions/>
    <field type="uint8_t" name="progress" units="%">p</field>
    <field type="int32_t" name="result_param2">p2</field>
    <field type="uint8_t" name="target_system">ts</field>
    <field type="uint8_t" name="target_component">tc</field>
  </message>
  <message id="253" name="STATUSTEXT"><description>st</description>
    <field type="uint8_t" name="severity" enum="MAV_SEVERITY">s</field>
    <field type="char[50]" name="text">t</field>
    <extensions/>
    <field type="uint16_t" name="id">i</field>
    <field type="uint8_t" name="chunk_seq">c</field>
  </message>
</messages></mavlink>`;

describe('dialect generator', () => {
  it('lays out and checksums messages exactly as node-mavlink does', () => {
    const d = parseDialect(COMMON_SNIPPET);
    const expected = [minimal.Heartbeat, common.CommandAck, common.StatusText];
    for (const [i, clazz] of expected.entries()) {
      const m = d.messages[i]!;
      expect(m.name).toBe(clazz.MSG_NAME);
      expect(m.crcExtra).toBe(clazz.MAGIC_NUMBER);
      expect(m.payloadLength).toBe(clazz.PAYLOAD_LENGTH);
      expect(m.fields.map((f) => [f.name, f.offset, f.extension])).toEqual(
        clazz.FIELDS.map((f) => [f.name, f.offset, f.extension]),
      );
    }
  });

  it('regenerating from the XML gives exactly the committed module', () => {
    expect(generateDockDialect()).toBe(readFileSync(DIALECT_TS, 'utf8'));
  });

  it('uses ids no dialect node-mavlink ships defines', () => {
    for (const id of Object.keys(dock.REGISTRY)) expect(MSG_ID_MAGIC_NUMBER[Number(id)]).toBeUndefined();
    const used = new Set<unknown>(Object.values(common.MavCmd));
    for (const v of Object.values(dock.MavCmd)) if (typeof v === 'number') expect(used.has(v)).toBe(false);
  });

  it('names a field it cannot type', () => {
    expect(() =>
      parseDialect(
        '<mavlink><messages><message id="60000" name="X"><field type="uint9_t" name="bad">b</field></message></messages></mavlink>',
      ),
    ).toThrow(/message X field bad: unknown field type 'uint9_t'/);
  });
});

describe('AERIE_DOCK_STATUS on the wire', () => {
  it('serialises with node-mavlink and parses back with every field intact', async () => {
    const m = new dock.AerieDockStatus();
    m.timeBootMs = 123456;
    m.lidState = dock.AerieDockLidState.OPENING;
    m.chargerState = dock.AerieDockChargerState.CHARGING;
    m.cycleState = dock.AerieDockCycleState.PREPARING_TAKEOFF;
    m.aircraftParked = 1;
    m.aircraftBattery = -1;
    m.mainsPower = 1;
    m.faultFlags = dock.AerieDockFault.LID_JAM | dock.AerieDockFault.CHARGER;
    m.temperature = 21.5;
    m.humidity = 80;
    m.windSpeed = 7.25;
    m.windGust = 11.5;
    m.rainRate = 2.5;
    m.lat = 230300000;
    m.lon = 1131400000;
    m.alt = 10500;
    const bytes = new MavLinkProtocolV2(101, 25).serialize(m, 7);

    const splitter = new MavLinkPacketSplitter(
      {},
      { magicNumbers: { ...MSG_ID_MAGIC_NUMBER, ...dock.MSG_ID_MAGIC_NUMBER } },
    );
    const parser = new MavLinkPacketParser();
    splitter.pipe(parser);
    const got = new Promise<dock.AerieDockStatus>((resolve) =>
      parser.on('data', (p) => resolve(p.protocol.data(p.payload, dock.AerieDockStatus))),
    );
    splitter.write(bytes);
    const back = await got;
    expect({ ...back }).toEqual({ ...m });
  });
});
