import i18n from 'i18next';
import { initReactI18next } from 'react-i18next';
import { messagesEn, messagesZhCN } from './resources.ts';

export const LANGUAGES = ['en', 'zh-CN'] as const;
export type Language = (typeof LANGUAGES)[number];

const STORAGE_KEY = 'oms.lang';

export function asLanguage(value: string | null | undefined): Language | null {
  if (!value) return null;
  if (value === 'en' || value.toLowerCase().startsWith('en')) return 'en';
  if (value.toLowerCase().startsWith('zh')) return 'zh-CN';
  return null;
}

/** `?lang=` or `#…&lang=` in the URL wins (and is remembered), then the stored choice, then the browser. */
function initialLanguage(): Language {
  const hash = new URLSearchParams(window.location.hash.replace(/^#/, ''));
  const fromUrl = asLanguage(new URLSearchParams(window.location.search).get('lang') ?? hash.get('lang'));
  if (hash.has('lang')) {
    // Applied and remembered below; keep the address bar clean.
    hash.delete('lang');
    const rest = hash.toString();
    window.history.replaceState(
      window.history.state,
      '',
      `${window.location.pathname}${window.location.search}${rest ? `#${rest}` : ''}`,
    );
  }
  if (fromUrl) {
    remember(fromUrl);
    return fromUrl;
  }
  let stored: string | null;
  try {
    stored = localStorage.getItem(STORAGE_KEY);
  } catch {
    stored = null;
  }
  return asLanguage(stored) ?? (navigator.language.toLowerCase().startsWith('zh') ? 'zh-CN' : 'en');
}

function remember(lang: Language): void {
  try {
    localStorage.setItem(STORAGE_KEY, lang);
  } catch {
    // Private mode: the choice lasts for this page only.
  }
}

export function setLanguage(lang: Language): void {
  remember(lang);
  void i18n.changeLanguage(lang);
}

export function currentLanguage(): Language {
  return asLanguage(i18n.language) ?? 'en';
}

i18n.on('languageChanged', (lng) => {
  document.documentElement.lang = asLanguage(lng) ?? 'en';
});

void i18n.use(initReactI18next).init({
  resources: { en: { translation: messagesEn }, 'zh-CN': { translation: messagesZhCN } },
  lng: initialLanguage(),
  fallbackLng: 'en',
  supportedLngs: [...LANGUAGES],
  interpolation: { escapeValue: false },
  returnNull: false,
  initAsync: false,
});
document.documentElement.lang = currentLanguage();

export default i18n;
