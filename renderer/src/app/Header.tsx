import { useTranslation } from 'react-i18next';
import { LANGUAGES, asLanguage, setLanguage } from '../i18n/index.ts';
import { UserMenu } from '../sync/UserMenu.tsx';

export function Header() {
  const { t, i18n } = useTranslation();
  const lang = asLanguage(i18n.language) ?? 'en';
  return (
    <header className="app-header">
      <div className="brand">
        <span className="brand-mark" aria-hidden="true">
          D
        </span>
        <span className="brand-name">{t('app.name')}</span>
        <span className="brand-sep" aria-hidden="true">
          /
        </span>
        <span className="brand-alt" lang="zh-CN">
          {t('app.altName')}
        </span>
      </div>
      <div className="header-tools">
        <UserMenu />
        <label htmlFor="language-select" className="header-label">
          {t('header.language')}
        </label>
        <select
          id="language-select"
          value={lang}
          onChange={(e) => {
            const next = asLanguage(e.target.value);
            if (next) setLanguage(next);
          }}
        >
          {LANGUAGES.map((l) => (
            <option key={l} value={l} lang={l}>
              {t(`header.languages.${l}`)}
            </option>
          ))}
        </select>
      </div>
    </header>
  );
}
