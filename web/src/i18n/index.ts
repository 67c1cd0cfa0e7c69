import i18next from 'i18next';
import { initReactI18next } from 'react-i18next';
import { directionOf, isLanguage, type Language } from '../format.ts';
import { readSetting, writeSetting } from '../storage.ts';
import ar from './ar.json' with { type: 'json' };
import en from './en.json' with { type: 'json' };

declare module 'i18next' {
  // Typed keys: t('nav.goalz') is a compile error, so no string can go missing silently.
  interface CustomTypeOptions {
    defaultNS: 'translation';
    resources: { translation: typeof en };
  }
}

/** Unicode first-strong isolate … pop directional isolate, around a value placed in a sentence. */
export function isolate(value: unknown): string {
  return `\u2068${String(value)}\u2069`;
}

/** The stored choice, else Arabic when the browser's preferred language is Arabic, else English. */
function initialLanguage(): Language {
  const stored = readSetting('language');
  if (isLanguage(stored)) return stored;
  return navigator.language.toLowerCase().startsWith('ar') ? 'ar' : 'en';
}

/** The whole page follows the language: lang for fonts and screen readers, dir for the layout. */
function applyToDocument(language: Language) {
  const root = document.documentElement;
  root.lang = language;
  root.dir = directionOf(language);
  document.title = i18next.t('app.name');
}

export function setupI18n() {
  const language = initialLanguage();
  i18next.use(initReactI18next).init({
    resources: { en: { translation: en }, ar: { translation: ar } },
    lng: language,
    fallbackLng: 'en',
    supportedLngs: ['en', 'ar'],
    // Both bundles are inline, so init can finish before the first render.
    initAsync: false,
    interpolation: {
      // React escapes what it renders; what interpolation needs is bidi isolation. Each
      // value (a name, a date, an amount) is wrapped in FSI…PDI so an English name next
      // to a date in an Arabic sentence (or the reverse) keeps its own order.
      escapeValue: true,
      escape: isolate,
    },
  });
  applyToDocument(language);
  i18next.on('languageChanged', (next) => {
    if (!isLanguage(next)) return;
    applyToDocument(next);
    writeSetting('language', next);
  });
}

export function currentLanguage(): Language {
  return isLanguage(i18next.language) ? i18next.language : 'en';
}

export function changeLanguage(language: Language) {
  return i18next.changeLanguage(language);
}
