import { createContext, type ReactNode, useContext, useMemo, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { createFormatter, type Digits, type Formatter, isDigits, type Language } from './format.ts';
import { changeLanguage, currentLanguage } from './i18n/index.ts';
import { readSetting, writeSetting } from './storage.ts';

export interface Preferences {
  language: Language;
  setLanguage(language: Language): void;
  digits: Digits;
  setDigits(digits: Digits): void;
  /** Formats numbers, money and dates in the current language and digits. */
  format: Formatter;
}

const PreferencesContext = createContext<Preferences | null>(null);

export function PreferencesProvider({ children }: { children: ReactNode }) {
  // useTranslation re-renders this provider when the language changes.
  useTranslation();
  const language = currentLanguage();
  const [digits, setDigitsState] = useState<Digits>(() => {
    const stored = readSetting('digits');
    // Latin digits unless the user picks otherwise: the usual choice in business software in the Gulf.
    return isDigits(stored) ? stored : 'latn';
  });
  const value = useMemo<Preferences>(
    () => ({
      language,
      setLanguage: (next) => void changeLanguage(next),
      digits,
      setDigits(next) {
        writeSetting('digits', next);
        setDigitsState(next);
      },
      format: createFormatter(language, digits),
    }),
    [language, digits],
  );
  return <PreferencesContext.Provider value={value}>{children}</PreferencesContext.Provider>;
}

export function usePreferences(): Preferences {
  const preferences = useContext(PreferencesContext);
  if (!preferences) throw new Error('usePreferences needs a <PreferencesProvider> above it.');
  return preferences;
}
