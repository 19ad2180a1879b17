/**
 * MAVLink framing for the simulator, on node-mavlink directly (the simulator is a peer on the
 * wire, independent of the bridge). Out: MAVLink 2 with the vehicle's own sequence counter.
 * In: MAVLink 1 and 2 (signed frames are accepted and not checked, as PX4 does without a key).
 */
import {
  ardupilotmega,
  common,
  type MavLinkData,
  type MavLinkDataConstructor,
  type MavLinkPacket,
  MavLinkPacketParser,
  MavLinkPacketSplitter,
  MavLinkProtocolV2,
  MSG_ID_MAGIC_NUMBER,
  minimal,
  standard,
} from 'node-mavlink';
import * as aerieDock from '../dialect/aerie-dock.ts';

/**
 * Every message class the simulator knows, the dock dialect included. AUTOPILOT_VERSION lives
 * in `standard`, not `common`, so the four registries are merged or it would be dropped.
 */
export const MAVLINK_REGISTRY: Record<number, MavLinkDataConstructor<MavLinkData>> = {
  ...minimal.REGISTRY,
  ...common.REGISTRY,
  ...standard.REGISTRY,
  ...ardupilotmega.REGISTRY,
  ...aerieDock.REGISTRY,
};

/** CRC_EXTRA of every message id the simulator frames or checks (the dock dialect's included). */
const MAGIC_NUMBERS: Record<number, number> = { ...MSG_ID_MAGIC_NUMBER, ...aerieDock.MSG_ID_MAGIC_NUMBER };

/** A decoded inbound message with the sender's ids. */
export interface DecodedMessage {
  sysid: number;
  compid: number;
  msgid: number;
  /** The sender's packet sequence number (0-255). */
  seq: number;
  /** 1 or 2: which framing it arrived in. */
  version: 1 | 2;
  message: MavLinkData;
}

/** Frames outbound messages as MAVLink 2 from one system/component with its own sequence. */
export class FrameEncoder {
  private readonly protocol: MavLinkProtocolV2;
  private seq = 0;

  constructor(sysid: number, compid: number) {
    this.protocol = new MavLinkProtocolV2(sysid, compid);
  }

  encode(message: MavLinkData): Buffer {
    const buf = this.protocol.serialize(message, this.seq);
    this.seq = (this.seq + 1) & 0xff;
    return buf;
  }
}

/**
 * Turns a byte stream (datagrams or serial chunks, split anywhere) into decoded messages.
 * Unknown message ids and bad CRCs are dropped, as an autopilot would.
 */
export class FrameDecoder {
  private readonly splitter = new MavLinkPacketSplitter({}, { magicNumbers: MAGIC_NUMBERS });
  private readonly parser = new MavLinkPacketParser();

  constructor(onMessage: (m: DecodedMessage) => void) {
    this.splitter.pipe(this.parser);
    this.parser.on('data', (packet: MavLinkPacket) => {
      const clazz = MAVLINK_REGISTRY[packet.header.msgid];
      if (!clazz) return;
      let message: MavLinkData;
      try {
        message = packet.protocol.data(packet.payload, clazz);
      } catch {
        return;
      }
      onMessage({
        sysid: packet.header.sysid,
        compid: packet.header.compid,
        msgid: packet.header.msgid,
        seq: packet.header.seq,
        version: packet.header.magic === 0xfd ? 2 : 1,
        message,
      });
    });
  }

  push(chunk: Buffer): void {
    this.splitter.write(chunk);
  }

  close(): void {
    this.splitter.unpipe(this.parser);
    this.splitter.destroy();
    this.parser.destroy();
  }
}
