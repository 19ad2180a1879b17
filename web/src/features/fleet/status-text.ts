/**
 * What vehicles say (STATUSTEXT) in the user's language, for the texts the console knows: PX4's
 * and the simulator's everyday messages and "Arming denied: <reason>" with its known reasons.
 * Anything else is the vehicle's own words, shown as sent and labelled as such. Pure; the caller
 * keeps the original (as a tooltip) for engineers.
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
  'connection to ground station lost': 'gcsLost',
  'connection to ground station regained': 'gcsRegained',
  'low battery level! return advised': 'batteryLowReturn',
  'battery 1 is low': 'batteryLow',
  'critical battery level! executing rtl': 'batteryCriticalRtl',
  'battery failsafe: rtl': 'batteryCriticalRtl',
  'wpm: rej. cmd: busy': 'missionBusy',
  'wpm: operation timeout': 'missionTimeout',
};

/** Texts with figures: the pattern and the names of its captured values. */
const PATTERNS: readonly { re: RegExp; key: string; names: readonly string[] }[] = [
  {
    re: /^rtl: start return at (-?\d+(?:\.\d+)?) m \((-?\d+(?:\.\d+)?) m above destination\)$/i,
    key: 'rtlStart',
    names: ['altM', 'aboveM'],
  },
  { re: /^failsafe activated:\s*(.+)$/i, key: 'failsafe', names: ['mode'] },
];

const REASONS: Record<string, string> = {
  'dock lid is not open': 'dockLidNotOpen',
};

/** The status text's key and values under `fleet.statusTexts`, or null when the console has no words for it. */
export function statusTextKey(text: string): { key: string; values?: Record<string, string> } | null {
  const s = text.trim();
  const exact = EXACT[s.toLowerCase()];
  if (exact) return { key: exact };
  for (const p of PATTERNS) {
    const m = p.re.exec(s);
    if (m) return { key: p.key, values: Object.fromEntries(p.names.map((n, i) => [n, m[i + 1]!])) };
  }
  const denied = /^arming denied:\s*(.+)$/i.exec(s);
  if (denied) {
    const reason = denied[1]!.trim();
    const known = REASONS[reason.toLowerCase()];
    return known
      ? { key: 'armingDenied', values: { reason: `\u0000${known}` } }
      : { key: 'armingDeniedAsSent', values: { reason } };
  }
  return null;
}

/** The text in the user's language when known, else as the vehicle sent it, labelled as its words. */
export function statusTextLabel(t: TFunction, text: string): string {
  const k = statusTextKey(text);
  if (!k) return t('fleet.statusTexts.asSent', { text: text.trim() });
  const values = Object.fromEntries(
    Object.entries(k.values ?? {}).map(([name, v]) => [
      name,
      v.startsWith('\u0000') ? t(`fleet.statusTexts.reasons.${v.slice(1)}`) : v,
    ]),
  );
  return t(`fleet.statusTexts.${k.key}`, values);
}
