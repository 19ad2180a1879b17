/**
 * The vehicle side of the parameter protocol: PARAM_REQUEST_LIST streams every value,
 * PARAM_REQUEST_READ answers one by id or index, PARAM_SET stores and echoes (an unknown id
 * gets no answer; PX4 ignores a set whose type does not match, ArduPilot echoes the old value
 * of a read-only parameter). Values go out in the flavour's encoding (PX4 bytewise, ArduPilot cast).
 */
import { common, type MavLinkData } from 'node-mavlink';
import { decodeParamValue, encodeParamValue, type ParamTable, ParamType } from './params.ts';
import { Sev, type VehicleConfig, type VehicleIo } from './state.ts';

/** MAV_PARAM_TYPE_REAL32 / INT32 on the wire. */
const MAV_PARAM_TYPE_INT32 = 6;
const MAV_PARAM_TYPE_REAL32 = 9;

function px4TypeMatches(stored: ParamType, wire: number): boolean {
  return stored === ParamType.Float ? wire === MAV_PARAM_TYPE_REAL32 : wire === MAV_PARAM_TYPE_INT32;
}

export class ParamServer {
  constructor(
    private readonly config: VehicleConfig,
    private readonly params: ParamTable,
    private readonly io: VehicleIo,
    /** A value changed (the vehicle re-reads its tuning). */
    private readonly onChange: () => void,
  ) {}

  /** Handles a parameter message; false when it is not one. */
  handle(msg: MavLinkData): boolean {
    if (msg instanceof common.ParamRequestList) {
      for (let i = 0; i < this.params.list.length; i++) this.send(i);
    } else if (msg instanceof common.ParamRequestRead) {
      const idx = msg.paramIndex >= 0 ? msg.paramIndex : this.params.indexOf(msg.paramId);
      if (idx >= 0 && idx < this.params.list.length) this.send(idx);
    } else if (msg instanceof common.ParamSet) {
      const idx = this.params.indexOf(msg.paramId);
      if (idx < 0) return true;
      const def = this.params.list[idx]!;
      if (this.config.flavour === 'px4' && !px4TypeMatches(def.type, msg.paramType)) {
        // PX4 takes (INT32, INT32) or (FLOAT, REAL32) only; otherwise it logs "param types
        // mismatch" on its console, writes nothing and sends no PARAM_VALUE.
        return true;
      }
      if (def.readOnly) {
        // ArduPilot refuses internal-use parameters and echoes the value it kept.
        this.io.statusText(Sev.Warning, `Param write denied (${def.id})`);
        this.send(idx);
        return true;
      }
      this.params.set(def.id, decodeParamValue(this.config.flavour, def.type, msg.paramValue));
      this.onChange();
      this.send(idx);
    } else {
      return false;
    }
    return true;
  }

  private send(idx: number): void {
    const def = this.params.list[idx]!;
    const m = new common.ParamValue();
    m.paramId = def.id;
    m.paramValue = encodeParamValue(this.config.flavour, def);
    m.paramType = def.type;
    m.paramCount = this.params.list.length;
    m.paramIndex = idx;
    this.io.send(m);
  }
}
