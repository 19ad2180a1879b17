/**
 * Every feature's strings, merged under their namespaces. A new feature adds one line here.
 */

import { adminStrings } from '../../features/admin/i18n.ts';
import { dispatchStrings } from '../../features/dispatch/i18n.ts';
import { fleetStrings } from '../../features/fleet/i18n.ts';
import { flightlogStrings } from '../../features/flightlogs/i18n.ts';
import { plannerStrings } from '../../features/planner/i18n.ts';
import { statsStrings } from '../../features/stats/i18n.ts';
import { ticketStrings } from '../../features/tickets/i18n.ts';
import { videoStrings } from '../../features/video/i18n.ts';
import { commonStrings } from './common.ts';
import type { Strings } from './define.ts';

const FEATURES = [
  commonStrings,
  plannerStrings,
  dispatchStrings,
  fleetStrings,
  flightlogStrings,
  statsStrings,
  adminStrings,
  videoStrings,
  ticketStrings,
];

function merge(lang: 'zh-CN' | 'en'): Strings {
  const out: Strings = {};
  for (const f of FEATURES) out[f.namespace] = f[lang] as Strings;
  return out;
}

export const RESOURCES = { 'zh-CN': merge('zh-CN'), en: merge('en') };
export const FEATURE_STRINGS = FEATURES;
