import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import { TabList } from '../app/TabList.tsx';
import { errorText } from '../i18n/messages.ts';
import { useCatalog } from './catalog.ts';
import { ReplenishmentTab } from './ReplenishmentTab.tsx';
import { StockTab } from './StockTab.tsx';
import { TransfersTab } from './TransfersTab.tsx';

export const INVENTORY_TABS = ['stock', 'transfers', 'replenishment'] as const;
export type InventoryTab = (typeof INVENTORY_TABS)[number];

/** The Inventory centre: network stock (with drill-down and freezing), transfers, replenishment. */
export function InventoryScreen() {
  const { t } = useTranslation();
  const catalog = useCatalog();
  const [tab, setTab] = useState<InventoryTab>('stock');

  return (
    <section className="screen" aria-labelledby="screen-title">
      <div className="screen-head inv-head">
        <div className="screen-title">
          <h1 id="screen-title">{t('nav.inventory')}</h1>
        </div>
        <TabList
          tabs={INVENTORY_TABS}
          current={tab}
          onChange={setTab}
          idPrefix="inv"
          label={t('inventory.tabsLabel')}
          labelOf={(id) => t(`inventory.tabs.${id}`)}
        />
      </div>
      {catalog.error ? (
        <div className="banner banner-error" role="alert">
          <p>{errorText(t, catalog.error)}</p>
        </div>
      ) : null}
      <div className="screen-body" role="tabpanel" id={`inv-panel-${tab}`} aria-labelledby={`inv-tab-${tab}`}>
        {tab === 'stock' ? <StockTab catalog={catalog} /> : null}
        {tab === 'transfers' ? <TransfersTab catalog={catalog} /> : null}
        {tab === 'replenishment' ? <ReplenishmentTab catalog={catalog} /> : null}
      </div>
    </section>
  );
}
