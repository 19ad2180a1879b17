/**
 * A scripted vehicle parameter server for tests: streams its list on PARAM_REQUEST_LIST (one
 * value every `streamIntervalMs`), answers PARAM_REQUEST_READ by id or index, and echoes
 * PARAM_SET with the stored value (unchanged for read-only parameters or a type mismatch,
 * as PX4 does). Values are encoded with the flavour's encoding.
 */
import { common } from 'node-mavlink';
import type { ParamEncoding } from '../param-encoding.ts';
import { decodeParamValue, encodeParamValue } from '../param-encoding.ts';
import type { FakeLink } from './fake-link.ts';

export interface VehicleParam {
  id: string;
  type: number;
  value: number;
  readOnly?: boolean;
}

export class ParamVehicle {
  readonly params: VehicleParam[];
  private readonly tx: ReturnType<FakeLink['attachVehicle']>;
  private streaming: ReturnType<typeof setTimeout> | undefined;

  constructor(
    link: FakeLink,
    readonly encoding: ParamEncoding,
    params: VehicleParam[],
    readonly streamIntervalMs = 5,
  ) {
    this.params = params.map((p) => ({ ...p }));
    this.tx = link.attachVehicle((m) => {
      if (m instanceof common.ParamRequestList) this.stream(0);
      else if (m instanceof common.ParamRequestRead) this.onRead(m);
      else if (m instanceof common.ParamSet) this.onSet(m);
    });
  }

  dispose(): void {
    if (this.streaming !== undefined) clearTimeout(this.streaming);
  }

  valueMessage(index: number): common.ParamValue {
    const p = this.params[index]!;
    const m = new common.ParamValue();
    m.paramId = p.id;
    m.paramType = p.type;
    m.paramValue = encodeParamValue(p.value, p.type, this.encoding);
    m.paramCount = this.params.length;
    m.paramIndex = index;
    return m;
  }

  private send(index: number): void {
    this.tx(1, 1, this.valueMessage(index));
  }

  private stream(from: number): void {
    if (this.streaming !== undefined) clearTimeout(this.streaming);
    if (from >= this.params.length) return;
    this.send(from);
    this.streaming = setTimeout(() => this.stream(from + 1), this.streamIntervalMs);
  }

  private onRead(m: common.ParamRequestRead): void {
    const index = m.paramIndex >= 0 ? m.paramIndex : this.params.findIndex((p) => p.id === m.paramId);
    if (index >= 0 && index < this.params.length) this.send(index);
  }

  private onSet(m: common.ParamSet): void {
    const index = this.params.findIndex((p) => p.id === m.paramId);
    if (index < 0) return;
    const p = this.params[index]!;
    if (!p.readOnly && p.type === m.paramType)
      p.value = decodeParamValue(m.paramValue, m.paramType, this.encoding);
    this.send(index);
  }
}
