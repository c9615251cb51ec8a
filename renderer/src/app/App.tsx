import { useTranslation } from 'react-i18next';
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
    default:
      return <ComingSoon key={view} view={view} />;
  }
}

export function App() {
  const { t } = useTranslation();
  const view = useUi((s) => s.view);
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
      <div className="app-body">
        <Nav />
        <main id="main" className="app-main" tabIndex={-1}>
          <Screen view={view} />
        </main>
      </div>
      <StatusBar />
      <ToastHost />
    </div>
  );
}
