/**
 * The vehicle side of the parameter protocol: PARAM_REQUEST_LIST streams every value,
 * PARAM_REQUEST_READ answers one by id or index, PARAM_SET stores and echoes (an unknown id
 * gets no answer). Values go out in the flavour's encoding (PX4 bytewise, ArduPilot cast).
 */
import { common, type MavLinkData } from 'node-mavlink';
import { decodeParamValue, encodeParamValue, type ParamTable } from './params.ts';
import type { VehicleConfig, VehicleIo } from './state.ts';

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
