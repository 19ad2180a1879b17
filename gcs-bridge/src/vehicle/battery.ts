/**
 * Pack voltage from BATTERY_STATUS, the one figure every view shows (PX4 and the simulator send
 * per-cell voltages there, SYS_STATUS carries the pack voltage; showing voltages[0] made the
 * console flip between a pack and one cell).
 *
 * MAVLink: `voltages[10]` in mV, UINT16_MAX for a cell not present; a battery that does not
 * measure cells puts the whole pack in cell 0 (and, above 65534 mV, the rest in cell 1), so the
 * sum of the valid entries is the pack voltage either way. `voltages_ext[4]` (cells 11-14) uses
 * 0 for "not present" instead (so the field can be truncated on the wire).
 */

const UNUSED_CELL = 0xffff;

/** The pack voltage in volts, or null when the message carries no valid cell. */
export function packVoltageV(
  voltages: ArrayLike<number> | undefined,
  voltagesExt?: ArrayLike<number>,
): number | null {
  let mv = 0;
  let cells = 0;
  for (const v of Array.from(voltages ?? [])) {
    if (!Number.isFinite(v) || v === UNUSED_CELL) continue;
    mv += v;
    cells++;
  }
  for (const v of Array.from(voltagesExt ?? [])) {
    if (!Number.isFinite(v) || v === 0 || v === UNUSED_CELL) continue;
    mv += v;
    cells++;
  }
  return cells === 0 ? null : mv / 1000;
}

/** SYS_STATUS.voltage_battery in volts; UINT16_MAX means "not sent". */
export function sysStatusVoltageV(voltageBatteryMv: number): number | null {
  return Number.isFinite(voltageBatteryMv) && voltageBatteryMv !== UNUSED_CELL
    ? voltageBatteryMv / 1000
    : null;
}

/**
 * BATTERY_STATUS is preferred when it has come recently: PX4 sends it at 0.5 Hz, so it counts as
 * current for this long and SYS_STATUS (1 Hz) fills in only without it.
 */
export const BATTERY_STATUS_FRESH_MS = 10_000;
