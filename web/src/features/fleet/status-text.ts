/**
 * What vehicles say (STATUSTEXT) in the user's language, for the texts the console knows: PX4's
 * and the simulator's everyday messages and "Arming denied: <reason>" with its known reasons.
 * Anything else is the vehicle's own words, shown as sent. Pure; the caller keeps the original
 * (as a tooltip) for engineers.
 */
import type { TFunction } from 'i18next';

const EXACT: Record<string, string> = {
  'landing detected': 'landingDetected',
  'takeoff detected': 'takeoffDetected',
  'armed by external command': 'armedExternal',
  'disarmed by landing': 'disarmedLanding',
  'disarmed by external command': 'disarmedExternal',
  'disarmed by auto preflight disarming': 'disarmedPreflight',
  'critical battery level!': 'batteryCritical',
  'low battery level!': 'batteryLow',
  'gps signal lost': 'gpsLost',
  'gps signal regained': 'gpsRegained',
  'mission accepted': 'missionAccepted',
  'mission finished, landed': 'missionFinishedLanded',
  'mission finished, loitering': 'missionFinishedLoitering',
  'ready for takeoff!': 'readyForTakeoff',
  'data link lost': 'dataLinkLost',
  'data link regained': 'dataLinkRegained',
};

const REASONS: Record<string, string> = {
  'dock lid is not open': 'dockLidNotOpen',
};

/** The status text's key and values under `fleet.statusTexts`, or null when the console has no words for it. */
export function statusTextKey(text: string): { key: string; values?: Record<string, string> } | null {
  const s = text.trim();
  const exact = EXACT[s.toLowerCase()];
  if (exact) return { key: exact };
  const denied = /^arming denied:\s*(.+)$/i.exec(s);
  if (denied) {
    const reason = denied[1]!.trim();
    const known = REASONS[reason.toLowerCase()];
    return { key: 'armingDenied', values: { reason: known ? `\u0000${known}` : reason } };
  }
  return null;
}

/** The text in the user's language when known, else as the vehicle sent it. */
export function statusTextLabel(t: TFunction, text: string): string {
  const k = statusTextKey(text);
  if (!k) return text.trim();
  const values = Object.fromEntries(
    Object.entries(k.values ?? {}).map(([name, v]) => [
      name,
      v.startsWith('\u0000') ? t(`fleet.statusTexts.reasons.${v.slice(1)}`) : v,
    ]),
  );
  return t(`fleet.statusTexts.${k.key}`, values);
}
