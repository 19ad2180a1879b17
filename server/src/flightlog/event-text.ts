/** How a vehicle event reads in the log: a severity and one English sentence. */
import type { VehicleEventPayload } from '@aerie/gcs-bridge';

export const EVENT_SEVERITIES = ['info', 'warning', 'error', 'critical'] as const;
export type EventSeverity = (typeof EVENT_SEVERITIES)[number];

/**
 * MAV_SEVERITY (0 emergency ... 7 debug) -> log severity. Emergency, alert and critical all
 * read as critical: PX4 and ArduPilot send failsafes and pre-arm failures at those levels, and
 * they must stand out in the log rather than be folded into errors.
 */
export function severityOfMav(severity: number): EventSeverity {
  if (severity <= 2) return 'critical';
  if (severity === 3) return 'error';
  if (severity === 4) return 'warning';
  return 'info';
}

const fmt = (x: number, digits: number) => x.toFixed(digits);

/** The severity and the sentence stored for `event`. */
export function describeEvent(event: VehicleEventPayload): { severity: EventSeverity; message: string } {
  switch (event.type) {
    case 'mode_changed':
      return { severity: 'info', message: `Mode ${event.to}` };
    case 'armed':
      return { severity: 'info', message: 'Armed' };
    case 'disarmed':
      return { severity: 'info', message: 'Disarmed' };
    case 'takeoff':
      return { severity: 'info', message: 'Took off' };
    case 'landing':
      return { severity: 'info', message: 'Landed' };
    case 'landed_state_changed':
      return {
        severity: 'info',
        message: `Landed state ${event.to.replace('_', ' ')} (was ${event.from.replace('_', ' ')})`,
      };
    case 'mission_item_reached':
      return { severity: 'info', message: `Reached mission item ${event.seq}` };
    case 'mission_current_changed':
      return {
        severity: 'info',
        message:
          event.total > 0
            ? `Mission item ${event.seq} of ${event.total} (${event.state.replace('_', ' ')})`
            : `Mission item ${event.seq} (${event.state.replace('_', ' ')})`,
      };
    case 'home_changed':
      return {
        severity: 'info',
        message: `Home set to ${fmt(event.lat, 6)}, ${fmt(event.lon, 6)} at ${fmt(event.altMslM, 1)} m AMSL`,
      };
    case 'status_text':
      return {
        severity: severityOfMav(event.severity),
        message: event.text || `(empty ${event.severityName} message)`,
      };
    case 'discovered':
      return { severity: 'info', message: 'Vehicle discovered' };
    case 'lost':
      return { severity: 'warning', message: 'Link lost' };
    case 'found':
      return { severity: 'info', message: 'Link restored' };
    default: {
      const unknown = event as { type?: unknown };
      return { severity: 'info', message: `Event ${String(unknown.type)}` };
    }
  }
}
