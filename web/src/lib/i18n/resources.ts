/**
 * Every feature's strings, merged under their namespaces. A new feature adds one line here.
 */
import { commonStrings } from './common.ts';
import type { Strings } from './define.ts';

const FEATURES = [commonStrings];

function merge(lang: 'zh-CN' | 'en'): Strings {
  const out: Strings = {};
  for (const f of FEATURES) out[f.namespace] = f[lang] as Strings;
  return out;
}

export const RESOURCES = { 'zh-CN': merge('zh-CN'), en: merge('en') };
export const FEATURE_STRINGS = FEATURES;
