/**
 * The simulated battery: state of charge drained by flight (and a little on the ground while
 * armed), a 4S pack voltage from the charge, PX4's low and critical warnings, and the
 * critical-battery return home.
 */
import { Sev, type VehicleConfig, type VehicleIo, type VehicleState } from './state.ts';

/** Cells in series of the simulated pack (4S). */
export const CELLS = 4;

export class Battery {
  /** State of charge 0..1. */
  charge = 1;
  consumedMah = 0;
  private warned = false;
  private critical = false;

  constructor(
    private readonly config: VehicleConfig,
    private readonly state: VehicleState,
    private readonly io: VehicleIo,
    /** A flying vehicle's critical-battery failsafe: return home. */
    private readonly returnHome: () => void,
  ) {}

  /** Pack voltage, volts. */
  voltage(): number {
    const s = this.state;
    const cell = 3.5 + 0.7 * this.charge - (s.armed && !s.onGround ? 0.1 : 0);
    return Math.round(cell * CELLS * 1000) / 1000;
  }

  /** Millivolts of one cell (all cells are balanced in the simulation). */
  cellMv(): number {
    return Math.round((this.voltage() / CELLS) * 1000);
  }

  /** Current drawn, centiamperes, as SYS_STATUS and BATTERY_STATUS carry it. */
  currentCa(): number {
    const s = this.state;
    return s.armed ? (s.onGround ? 50 : 1500) : 20;
  }

  /** MAV_BATTERY_CHARGE_STATE: OK 1, LOW 2, CRITICAL 3. */
  chargeState(): number {
    const t = this.state.tuning;
    return this.charge <= t.batCrit ? 3 : this.charge <= t.batLow ? 2 : 1;
  }

  drain(dt: number): void {
    if (!this.state.armed) return;
    const flying = !this.state.onGround;
    const perS = 1 / (this.config.batteryFlightMin * 60);
    this.charge = Math.max(0, this.charge - (flying ? perS : perS * 0.05) * dt);
    this.consumedMah += ((flying ? 15000 : 500) / 3600) * dt;
    this.check();
  }

  /** Drops the charge to at most `pct` percent (a fault), warning as the thresholds are crossed. */
  drainTo(pct: number): void {
    this.charge = Math.min(this.charge, Math.max(0, pct) / 100);
    this.check();
  }

  /** Adds charge while disarmed; warnings re-arm once back above their thresholds. */
  chargeBy(fraction: number): number {
    if (this.state.armed || !(fraction > 0)) return this.charge;
    this.charge = Math.min(1, this.charge + fraction);
    if (this.charge > this.state.tuning.batLow) this.warned = false;
    if (this.charge > this.state.tuning.batCrit) this.critical = false;
    return this.charge;
  }

  private check(): void {
    const t = this.state.tuning;
    const s = this.state;
    const px4 = this.config.flavour === 'px4';
    if (!this.warned && this.charge <= t.batLow) {
      this.warned = true;
      this.io.statusText(Sev.Warning, px4 ? 'Low battery level! Return advised\t' : 'Battery 1 is low');
    }
    if (!this.critical && this.charge <= t.batCrit) {
      this.critical = true;
      if (s.armed && !s.onGround && s.behaviour !== 'rtl' && s.behaviour !== 'land') {
        this.io.statusText(
          Sev.Critical,
          px4 ? 'Critical battery level! Executing RTL\t' : 'Battery failsafe: RTL',
        );
        this.returnHome();
      } else {
        this.io.statusText(Sev.Critical, 'Critical battery level!\t');
      }
    }
  }
}
