/** For unit tests: the console's translations in i18next, and a fixed t() per language. */
import i18next, { type TFunction } from 'i18next';
import { RESOURCES } from './resources.ts';

/** Loads both languages (zh-CN first), as the console does, without React. */
export async function initTestI18n(): Promise<void> {
  await i18next.init({
    resources: { 'zh-CN': { translation: RESOURCES['zh-CN'] }, en: { translation: RESOURCES.en } },
    lng: 'zh-CN',
    interpolation: { escapeValue: false },
  });
}

export const zh = (): TFunction => i18next.getFixedT('zh-CN');
export const en = (): TFunction => i18next.getFixedT('en');
