/**
 * One colour per ticket category, shared by the statistics charts and the globe's ticket
 * markers so a category reads the same everywhere. Urgent fire and smoke has its own colour
 * (bright red) on the globe.
 */
import type { TicketCategory } from '@aerie/contracts';

export const CATEGORY_COLOURS: Record<TicketCategory, string> = {
  fire_smoke: '#ff7a45',
  construction: '#faad14',
  river_pollution: '#36cfc9',
  other: '#b37feb',
};

export const URGENT_FIRE_COLOUR = '#ff1f3d';

/** The colour of a category; an unknown one (a newer server) is grey. */
export function categoryColour(category: string): string {
  return (CATEGORY_COLOURS as Record<string, string>)[category] ?? '#8aa1b8';
}
