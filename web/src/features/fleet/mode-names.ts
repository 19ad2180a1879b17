/**
 * Flight mode names as the bridge reports them (PX4 'AUTO.LOITER', 'POSCTL'; ArduPilot
 * 'LOITER', 'RTL') in the user's language. i18next reads dots in keys as nesting, so a mode
 * becomes its key with '.' as '_'; a mode the console has no words for shows as reported.
 */
import type { TFunction } from 'i18next';

/** The translation key of a mode under `fleet.modes`. */
export function modeKey(mode: string): string {
  return mode.trim().toUpperCase().replace(/\./g, '_');
}

/** The mode in words ('自动悬停 (AUTO.LOITER)' is left to the caller); the raw name when unknown. */
export function modeLabel(t: TFunction, mode: string | null | undefined): string {
  if (!mode) return '—';
  return t(`fleet.modes.${modeKey(mode)}`, { defaultValue: mode });
}
