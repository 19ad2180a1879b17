/**
 * The console's translations are complete: Chinese and English have the same keys with the same
 * {{placeholders}}, every key the code asks for by name exists in both, and the Chinese console
 * calls a dock 机场 everywhere.
 */
import { readdirSync, readFileSync, statSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { DOCK_REJECTION_CODES, SORTIE_FAILURE_CODES, WEATHER_REASON_CODES } from '@aerie/missions';
import { describe, expect, it } from 'vitest';
import type { Strings } from './define.ts';
import { FEATURE_STRINGS, RESOURCES } from './resources.ts';

const WEB_SRC = fileURLToPath(new URL('../../', import.meta.url));

/** Every leaf as 'a.b.c' -> text. */
function leaves(s: Strings, prefix = ''): Map<string, string> {
  const out = new Map<string, string>();
  for (const [k, v] of Object.entries(s)) {
    const key = prefix ? `${prefix}.${k}` : k;
    if (typeof v === 'string') out.set(key, v);
    else for (const [kk, vv] of leaves(v, key)) out.set(kk, vv);
  }
  return out;
}

const placeholders = (text: string) => [...text.matchAll(/{{\s*(\w+)\s*}}/g)].map((m) => m[1]).sort();

function sourceFiles(dir: string): string[] {
  return readdirSync(dir).flatMap((name) => {
    const p = path.join(dir, name);
    if (statSync(p).isDirectory()) return sourceFiles(p);
    return /\.tsx?$/.test(name) && !/\.test\.tsx?$/.test(name) ? [p] : [];
  });
}

describe('translations', () => {
  const zh = leaves(RESOURCES['zh-CN']);
  const en = leaves(RESOURCES.en);

  it('has every English key in Chinese and every Chinese key in English', () => {
    const missingZh = [...en.keys()].filter((k) => !zh.has(k));
    const missingEn = [...zh.keys()].filter((k) => !en.has(k));
    expect(missingZh, 'English keys without a zh-CN string').toEqual([]);
    expect(missingEn, 'zh-CN keys without an English string').toEqual([]);
  });

  it('has Chinese for every string and the same placeholders in both languages', () => {
    const problems: string[] = [];
    for (const [k, z] of zh) {
      const e = en.get(k) ?? '';
      // English may leave a unit out ("12" sorties); Chinese needs its measure word ("12 架次").
      if (!z.trim()) problems.push(`${k}: empty in zh-CN`);
      if (placeholders(z).join() !== placeholders(e).join())
        problems.push(`${k}: zh {{${placeholders(z)}}} vs en {{${placeholders(e)}}}`);
    }
    expect(problems).toEqual([]);
  });

  it('has a string for every key the console asks for by name', () => {
    const missing: string[] = [];
    const namespaces = new Set<string>(FEATURE_STRINGS.map((f) => f.namespace));
    for (const file of sourceFiles(WEB_SRC)) {
      const text = readFileSync(file, 'utf8');
      for (const m of text.matchAll(/\bt\(\s*'([a-zA-Z]+(?:\.[A-Za-z0-9_]+)+)'/g)) {
        const key = m[1]!;
        if (!namespaces.has(key.split('.')[0]!)) continue;
        if (!zh.has(key) || !en.has(key)) missing.push(`${path.relative(WEB_SRC, file)}: ${key}`);
      }
    }
    expect(missing).toEqual([]);
  });

  it('has words for every code the server words by code: sortie failures, weather, dock rejections', () => {
    const wanted = [
      ...SORTIE_FAILURE_CODES.map((c) => `dispatch.failures.${c}`),
      'dispatch.failures.OrchestratorRestarted',
      ...WEATHER_REASON_CODES.map((c) => `dispatch.weatherReasons.${c}`),
      ...DOCK_REJECTION_CODES.map((c) => `dispatch.rejections.${c}`),
    ];
    const missing = wanted.filter((k) => !zh.has(k) || !en.has(k));
    expect(missing).toEqual([]);
  });

  it('calls a dock 机场 everywhere in Chinese', () => {
    const other = [...zh].filter(([, text]) => /机巢|机库/.test(text)).map(([k, text]) => `${k}: ${text}`);
    expect(other).toEqual([]);
  });
});
