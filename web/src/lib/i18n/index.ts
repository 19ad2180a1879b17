/**
 * Languages: zh-CN first, English second. Each feature keeps its strings in its own
 * `i18n.ts` (both languages side by side, English typed against Chinese so no key can be
 * missing) and registers them in `resources.ts`. The choice is remembered in localStorage.
 */
import i18next from 'i18next';
import { initReactI18next } from 'react-i18next';
import { RESOURCES } from './resources.ts';

export const LANGUAGES = ['zh-CN', 'en'] as const;
export type Language = (typeof LANGUAGES)[number];
const STORAGE_KEY = 'aerie.language';

export function storedLanguage(): Language {
  try {
    const v = localStorage.getItem(STORAGE_KEY);
    return (LANGUAGES as readonly string[]).includes(v ?? '') ? (v as Language) : 'zh-CN';
  } catch {
    return 'zh-CN';
  }
}

export function setLanguage(lang: Language): void {
  try {
    localStorage.setItem(STORAGE_KEY, lang);
  } catch {
    // Private mode: the choice lasts for this page only.
  }
  document.documentElement.lang = lang;
  void i18next.changeLanguage(lang);
}

export function initI18n(): typeof i18next {
  const lng = storedLanguage();
  document.documentElement.lang = lng;
  void i18next.use(initReactI18next).init({
    resources: { 'zh-CN': { translation: RESOURCES['zh-CN'] }, en: { translation: RESOURCES.en } },
    lng,
    fallbackLng: false,
    interpolation: { escapeValue: false },
    returnNull: false,
  });
  return i18next;
}

export { i18next };
