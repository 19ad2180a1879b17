/**
 * Flight: the vehicle's behaviours (hold, take-off, mission, RTL, land, guided) and the
 * physics that carries them out, with speed limits, a turn-rate limit, wind, touch-down and
 * the auto-disarm timers. Behaviours are flavour-neutral; only custom_mode names them.
 */
import type { Battery } from './battery.ts';
import { type Behaviour, customModeFor } from './flavour.ts';
import { northEastM, offsetLatLon, wrap2Pi, wrapPi } from './geo.ts';
import type { MissionExecutor } from './mission-exec.ts';
import {
  LandedState,
  MavResult,
  type NavStep,
  type NavTarget,
  Sev,
  type VehicleConfig,
  type VehicleIo,
  type VehicleState,
} from './state.ts';

const GRAVITY = 9.81;

export class Flight {
  constructor(
    private readonly config: VehicleConfig,
    private readonly state: VehicleState,
    private readonly io: VehicleIo,
    private readonly mission: MissionExecutor,
    private readonly battery: Battery,
  ) {}

  get landedState(): number {
    const s = this.state;
    if (s.onGround) return LandedState.OnGround;
    if (
      s.behaviour === 'takeoff' ||
      (s.behaviour === 'mission' && this.mission.currentItem()?.command === 22)
    ) {
      return LandedState.Takeoff;
    }
    if (this.isDescendingToLand()) return LandedState.Landing;
    return LandedState.InAir;
  }

  /** Switches behaviour as a ground station asked; returns the command result. */
  enter(behaviour: Behaviour, customMode?: number): number {
    const ap = this.config.flavour === 'ardupilot';
    if (behaviour === 'mission' && this.mission.items.length === 0)
      return ap ? MavResult.Failed : MavResult.Denied;
    // PX4 refuses OFFBOARD without a setpoint stream, which the simulator does not follow.
    if (behaviour === 'guided' && !ap) return MavResult.Denied;
    this.state.failsafe = false;
    if (behaviour === 'mission') this.mission.resume();
    this.setBehaviour(behaviour, customMode);
    return MavResult.Accepted;
  }

  setBehaviour(behaviour: Behaviour, customMode?: number): void {
    const s = this.state;
    const previous = s.behaviour;
    s.behaviour = behaviour;
    s.customMode = customMode ?? customModeFor(this.config.flavour, behaviour);
    if (behaviour !== 'mission' && previous === 'mission') this.mission.leave();
    switch (behaviour) {
      case 'hold':
      case 'manual':
      case 'guided':
        s.target = { lat: s.lat, lon: s.lon, alt: s.altRel() };
        break;
      case 'takeoff':
        s.takeoffAlt = s.tuning.takeoffAlt;
        if (s.armed) this.startTakeoff(Math.max(s.tuning.takeoffAlt, s.onGround ? 0 : s.altRel()));
        break;
      case 'rtl':
        s.rtlPhase = 'climb';
        break;
      case 'land':
        s.target = { lat: s.lat, lon: s.lon, alt: 0 };
        break;
      case 'mission':
        break;
    }
  }

  startTakeoff(alt: number): void {
    const s = this.state;
    s.takeoffAlt = alt;
    s.target = { lat: s.lat, lon: s.lon, alt };
  }

  disarm(text: string): void {
    const s = this.state;
    s.armed = false;
    this.io.timers.cancel(s.disarmTimer);
    s.disarmTimer = undefined;
    s.groundSpeed = 0;
    s.climbRate = 0;
    this.io.statusText(Sev.Info, text);
  }

  wantsToClimb(): boolean {
    const s = this.state;
    if (s.behaviour === 'takeoff') return true;
    if (s.behaviour === 'mission') return !this.mission.complete;
    if (s.behaviour === 'guided' || s.behaviour === 'hold') return s.target.alt > s.altRel() + 0.5;
    return false;
  }

  /** Motors stop in the air (a forced disarm): it falls to the ground. */
  fall(): void {
    this.state.altAmsl = this.state.groundAmsl;
    this.touchDown();
  }

  /** One physics step of `dt` simulated seconds. */
  step(dt: number): void {
    const s = this.state;
    const t = s.tuning;
    this.battery.drain(dt);
    if (!s.armed) {
      s.groundSpeed = 0;
      s.climbRate = 0;
      s.airspeed = Math.hypot(this.config.wind.northMps, this.config.wind.eastMps);
      return;
    }
    let target: NavTarget = s.target;
    let vertFirst = false;
    let landing = false;
    let climbLimit = t.up;
    switch (s.behaviour) {
      case 'takeoff': {
        vertFirst = true;
        climbLimit = t.takeoffSpeed;
        if (!s.onGround && Math.abs(s.altRel() - s.takeoffAlt) < 0.3) {
          // PX4 goes to AUTO.LOITER once at altitude; ArduCopter stays in GUIDED.
          this.setBehaviour(this.config.flavour === 'px4' ? 'hold' : 'guided');
          target = s.target;
        }
        break;
      }
      case 'mission': {
        const m = this.mission.step();
        target = m.target;
        vertFirst = m.vertFirst;
        landing = m.landing;
        const it = this.mission.currentItem();
        if (it?.command === 22 && !this.mission.complete) climbLimit = t.takeoffSpeed;
        if (s.behaviour !== 'mission') return;
        if (this.mission.complete && !s.onGround) target = s.target;
        break;
      }
      case 'rtl': {
        const r = this.rtlStep();
        target = r.target;
        vertFirst = r.vertFirst;
        landing = r.landing;
        break;
      }
      case 'land':
        target = { lat: s.target.lat, lon: s.target.lon, alt: 0 };
        landing = true;
        break;
      default:
        break;
    }
    if (s.onGround && !(target.alt > 0.2 && (this.wantsToClimb() || s.behaviour === 'mission'))) {
      s.groundSpeed = 0;
      s.climbRate = 0;
      return;
    }
    if (s.onGround && s.behaviour === 'mission' && this.mission.complete) return;
    this.fly(target, dt, vertFirst, landing, climbLimit);
  }

  private isDescendingToLand(): boolean {
    const s = this.state;
    if (s.onGround) return false;
    if (s.behaviour === 'land') return true;
    if (s.behaviour === 'rtl') return s.rtlPhase === 'descend';
    if (s.behaviour === 'mission') {
      const it = this.mission.currentItem();
      return it?.command === 21 && s.target.alt === 0;
    }
    return false;
  }

  private rtlStep(): NavStep {
    const s = this.state;
    const t = s.tuning;
    const [n, e] = northEastM(s.lat, s.lon, s.home.lat, s.home.lon);
    const dist = Math.hypot(n, e);
    const cruiseAlt = Math.max(s.altRel(), t.rtlAlt);
    if (s.rtlPhase === 'climb') {
      if (dist < 2) s.rtlPhase = 'descend';
      else if (s.altRel() >= t.rtlAlt - 0.5) s.rtlPhase = 'return';
      else {
        s.target = { lat: s.lat, lon: s.lon, alt: t.rtlAlt };
        return { target: s.target, vertFirst: true, landing: false };
      }
    }
    if (s.rtlPhase === 'return') {
      if (dist < 1) s.rtlPhase = 'descend';
      else {
        s.target = { lat: s.home.lat, lon: s.home.lon, alt: Math.max(s.target.alt, cruiseAlt) };
        return { target: s.target, vertFirst: false, landing: false };
      }
    }
    s.target = { lat: s.home.lat, lon: s.home.lon, alt: 0 };
    return { target: s.target, vertFirst: false, landing: true };
  }

  /** Moves toward a target with speed limits, a turn-rate limit and the wind. */
  private fly(target: NavTarget, dt: number, vertFirst: boolean, landing: boolean, climbLimit: number): void {
    const s = this.state;
    const t = s.tuning;
    // Vertical: proportional to the altitude error, within climb/descent limits.
    const altErr = target.alt - s.altRel();
    let vz: number;
    if (landing) {
      const agl = s.aglM();
      vz = -(agl > 10 ? t.down : t.landSpeed);
    } else {
      vz = Math.max(-t.down, Math.min(climbLimit, altErr * 1.0));
    }
    let newAlt = s.altAmsl + vz * dt;
    if (
      !landing &&
      ((vz > 0 && newAlt > s.home.altM + target.alt) || (vz < 0 && newAlt < s.home.altM + target.alt))
    ) {
      newAlt = s.home.altM + target.alt;
    }
    if (newAlt <= s.groundAmsl) {
      newAlt = s.groundAmsl;
    }
    // Horizontal: cruise toward the target, slowing on approach, course limited by turn rate.
    const [n, e] = northEastM(s.lat, s.lon, target.lat, target.lon);
    const dist = Math.hypot(n, e);
    const holdVertical = vertFirst && Math.abs(altErr) > 1;
    let speed = 0;
    if (dist > 0.05 && !holdVertical) {
      const desired = Math.atan2(e, n);
      const diff = wrapPi(desired - s.course);
      const maxTurn = t.turnRate * dt;
      const oldCourse = s.course;
      if (s.groundSpeed < 1) s.course = desired;
      else s.course = wrap2Pi(s.course + Math.max(-maxTurn, Math.min(maxTurn, diff)));
      s.yawRate = wrapPi(s.course - oldCourse) / dt;
      const w = this.config.wind;
      const tailwind = w.northMps * Math.cos(s.course) + w.eastMps * Math.sin(s.course);
      const cruiseGround = Math.max(0.5, s.cruise() + tailwind);
      speed = Math.min(cruiseGround, Math.max(0.3, dist * 0.8), dist / dt);
      // Slow down while still turning toward the target, as a real controller would.
      speed *= Math.max(0.2, Math.cos(Math.min(Math.abs(wrapPi(desired - s.course)), Math.PI / 2)));
    } else {
      s.yawRate = 0;
    }
    const dn = speed * Math.cos(s.course) * dt;
    const de = speed * Math.sin(s.course) * dt;
    if (dist > 0.05 && speed >= dist / dt - 1e-9) {
      s.lat = target.lat;
      s.lon = target.lon;
    } else if (speed > 0) {
      [s.lat, s.lon] = offsetLatLon(s.lat, s.lon, dn, de);
    }
    s.climbRate = (newAlt - s.altAmsl) / dt;
    s.altAmsl = newAlt;
    s.groundSpeed = speed;
    // Air-relative velocity: the ground track minus the wind; the nose points into it.
    const vn = speed * Math.cos(s.course) - this.config.wind.northMps;
    const ve = speed * Math.sin(s.course) - this.config.wind.eastMps;
    s.airspeed = Math.hypot(vn, ve);
    if (s.airspeed > 0.5) s.yaw = Math.atan2(ve, vn);
    s.pitch = -Math.min(0.35, s.airspeed * 0.03);
    s.roll = Math.max(-0.5, Math.min(0.5, Math.atan2(speed * s.yawRate, GRAVITY)));
    if (s.onGround && s.aglM() > 0.05) s.onGround = false;
    else if (!s.onGround && s.aglM() <= 0.01 && vz <= 0) this.touchDown();
  }

  private touchDown(): void {
    const s = this.state;
    s.onGround = true;
    s.groundSpeed = 0;
    s.climbRate = 0;
    s.roll = 0;
    s.pitch = 0;
    if (s.behaviour === 'mission' && this.mission.currentItem()?.command === 21 && !this.mission.complete)
      this.mission.advanceItem();
    if (!s.armed) return;
    this.io.statusText(Sev.Info, 'Landing detected');
    this.io.timers.cancel(s.disarmTimer);
    s.disarmTimer = this.io.timers.after(s.simMs, s.tuning.disarmLandS * 1000, () => {
      if (s.armed && s.onGround) this.disarm('Disarmed by landing');
    });
  }
}
