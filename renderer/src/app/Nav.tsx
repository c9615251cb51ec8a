import { useTranslation } from 'react-i18next';
import { useUi, type View } from '../state/ui.ts';
import { useSync } from '../sync/store.ts';

const GROUPS: { label: string; views: View[] }[] = [
  { label: 'nav.operations', views: ['orders', 'inventory', 'dock', 'settlement'] },
  { label: 'nav.masterData', views: ['items', 'customers', 'suppliers', 'warehouses', 'carriers', 'salesChannels'] },
  { label: 'nav.administration', views: ['reports', 'settings'] },
];

export function Nav() {
  const { t } = useTranslation();
  const view = useUi((s) => s.view);
  const setView = useUi((s) => s.setView);
  const syncScreen = useSync((s) => s.screen);
  const openIssues = useSync((s) => s.openIssues);
  const closeScreen = useSync((s) => s.closeScreen);
  // Sync issues exist only with a server; the local profile's navigation stays as it was.
  const withServer = useSync((s) => s.status?.serverConfigured ?? false);
  const issues = useSync((s) => s.status?.rejectedCommands ?? 0);
  const current = syncScreen === null ? view : null;
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
                  className={v === current ? 'nav-item active' : 'nav-item'}
                  aria-current={v === current ? 'page' : undefined}
                  onClick={() => {
                    closeScreen();
                    setView(v);
                  }}
                >
                  {t(`nav.${v}`)}
                </button>
              </li>
            ))}
            {group.label === 'nav.administration' && withServer ? (
              <li>
                <button
                  type="button"
                  className={syncScreen === 'issues' ? 'nav-item nav-sync active' : 'nav-item nav-sync'}
                  aria-current={syncScreen === 'issues' ? 'page' : undefined}
                  onClick={openIssues}
                >
                  {t('sync.issues.title')}
                  {issues > 0 ? (
                    <>
                      {' '}
                      <span className="nav-count">{issues}</span>
                    </>
                  ) : null}
                </button>
              </li>
            ) : null}
          </ul>
        </div>
      ))}
    </nav>
  );
}
