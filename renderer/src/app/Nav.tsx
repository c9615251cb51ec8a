import { useTranslation } from 'react-i18next';
import { useUi, type View } from '../state/ui.ts';

const GROUPS: { label: string; views: View[] }[] = [
  { label: 'nav.operations', views: ['orders', 'inventory', 'dock', 'settlement'] },
  { label: 'nav.masterData', views: ['items', 'customers', 'suppliers', 'warehouses', 'carriers', 'salesChannels'] },
  { label: 'nav.administration', views: ['reports', 'settings'] },
];

export function Nav() {
  const { t } = useTranslation();
  const view = useUi((s) => s.view);
  const setView = useUi((s) => s.setView);
  return (
    <nav className="app-nav" aria-label={t('nav.label')}>
      {GROUPS.map((group) => (
        <div className="nav-group" key={group.label}>
          <h2 className="nav-group-title" id={`nav-${group.label}`}>
            {t(group.label)}
          </h2>
          <ul aria-labelledby={`nav-${group.label}`}>
            {group.views.map((v) => (
              <li key={v}>
                <button
                  type="button"
                  className={v === view ? 'nav-item active' : 'nav-item'}
                  aria-current={v === view ? 'page' : undefined}
                  onClick={() => setView(v)}
                >
                  {t(`nav.${v}`)}
                </button>
              </li>
            ))}
          </ul>
        </div>
      ))}
    </nav>
  );
}
