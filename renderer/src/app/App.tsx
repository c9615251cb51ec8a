import { useTranslation } from 'react-i18next';
import { DockScreen } from '../dock/DockScreen.tsx';
import { InventoryScreen } from '../inventory/InventoryScreen.tsx';
import { LocationsPanel } from '../masterdata/LocationsPanel.tsx';
import { MasterDataScreen } from '../masterdata/MasterDataScreen.tsx';
import { OrdersScreen } from '../orders/OrdersScreen.tsx';
import {
  carriersSpec,
  customersSpec,
  itemsSpec,
  salesChannelsSpec,
  suppliersSpec,
  warehousesSpec,
} from '../masterdata/specs.ts';
import { useUi, type View } from '../state/ui.ts';
import { SettingsScreen } from '../sync/SettingsScreen.tsx';
import { SignInScreen } from '../sync/SignInScreen.tsx';
import { useSync, useSyncPolling } from '../sync/store.ts';
import { SyncIssuesScreen } from '../sync/SyncIssuesScreen.tsx';
import { ComingSoon } from './ComingSoon.tsx';
import { Header } from './Header.tsx';
import { Nav } from './Nav.tsx';
import { StatusBar } from './StatusBar.tsx';
import { ToastHost } from './Toast.tsx';

function Screen({ view }: { view: View }) {
  switch (view) {
    case 'items':
      return <MasterDataScreen key={view} spec={itemsSpec} />;
    case 'customers':
      return <MasterDataScreen key={view} spec={customersSpec} />;
    case 'suppliers':
      return <MasterDataScreen key={view} spec={suppliersSpec} />;
    case 'warehouses':
      return <MasterDataScreen key={view} spec={warehousesSpec} detail={(w) => <LocationsPanel warehouse={w} />} />;
    case 'carriers':
      return <MasterDataScreen key={view} spec={carriersSpec} />;
    case 'salesChannels':
      return <MasterDataScreen key={view} spec={salesChannelsSpec} />;
    case 'inventory':
      return <InventoryScreen key={view} />;
    case 'orders':
      return <OrdersScreen key={view} />;
    case 'dock':
      return <DockScreen key={view} />;
    case 'settings':
      return <SettingsScreen key={view} />;
    default:
      return <ComingSoon key={view} view={view} />;
  }
}

/** What the whole app must know at once: an update is needed, or the clerk signed in offline. */
function SyncBanner() {
  const { t } = useTranslation();
  const state = useSync((s) => s.status?.state);
  const offline = useSync((s) => s.session?.mode === 'signed-in' && s.session.offline);
  if (state === 'update-required')
    return (
      <div className="banner banner-error app-banner" role="alert" data-testid="update-required">
        <p>
          <strong>{t('sync.states.update-required')}</strong>
          {t('common.colon')}
          {t('sync.updateRequired')}
        </p>
      </div>
    );
  if (offline)
    return (
      <div className="banner banner-warn app-banner" role="status" data-testid="offline-sign-in">
        <p>
          <strong>{t('sync.user.signedInOffline')}</strong>
          {t('common.colon')}
          {t('sync.offlineSignIn')}
        </p>
      </div>
    );
  return null;
}

export function App() {
  const { t } = useTranslation();
  useSyncPolling();
  const view = useUi((s) => s.view);
  const session = useSync((s) => s.session);
  const known = useSync((s) => s.session !== null || s.sessionError !== null);
  const reauth = useSync((s) => s.reauth);
  const syncScreen = useSync((s) => s.screen);
  const banner = useSync(
    (s) => s.status?.state === 'update-required' || (s.session?.mode === 'signed-in' && s.session.offline),
  );
  // With a server and nobody signed in (or sync paused for a new sign-in): the sign-in screen.
  // Without a server (mode "local") the local profile works as it always has.
  const signIn = session?.mode === 'signed-out' || (reauth && session?.mode === 'signed-in');
  return (
    <div className="app">
      <a
        className="skip-link"
        href="#main"
        onClick={(e) => {
          e.preventDefault();
          document.getElementById('main')?.focus();
        }}
      >
        {t('app.skipToContent')}
      </a>
      <Header />
      {!known ? (
        <div className="app-body app-waiting" aria-busy="true" />
      ) : signIn ? (
        <main id="main" className="app-signin" tabIndex={-1}>
          <SignInScreen />
        </main>
      ) : (
        <div className="app-body">
          <Nav />
          <main id="main" className={banner ? 'app-main with-banner' : 'app-main'} tabIndex={-1}>
            <SyncBanner />
            {syncScreen === 'issues' ? <SyncIssuesScreen /> : <Screen view={view} />}
          </main>
        </div>
      )}
      <StatusBar />
      <ToastHost />
    </div>
  );
}
