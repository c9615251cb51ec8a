import { useRef, useState, type KeyboardEvent } from 'react';
import { useTranslation } from 'react-i18next';
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
  const tabRefs = useRef<Partial<Record<InventoryTab, HTMLButtonElement | null>>>({});

  // Arrow keys move between tabs (and open them), Home/End jump to the ends.
  const onTabKey = (event: KeyboardEvent<HTMLButtonElement>) => {
    const at = INVENTORY_TABS.indexOf(tab);
    let next: number | null = null;
    if (event.key === 'ArrowRight') next = (at + 1) % INVENTORY_TABS.length;
    else if (event.key === 'ArrowLeft') next = (at - 1 + INVENTORY_TABS.length) % INVENTORY_TABS.length;
    else if (event.key === 'Home') next = 0;
    else if (event.key === 'End') next = INVENTORY_TABS.length - 1;
    const target = next === null ? undefined : INVENTORY_TABS[next];
    if (!target) return;
    event.preventDefault();
    setTab(target);
    tabRefs.current[target]?.focus();
  };

  return (
    <section className="screen" aria-labelledby="screen-title">
      <div className="screen-head inv-head">
        <div className="screen-title">
          <h1 id="screen-title">{t('nav.inventory')}</h1>
        </div>
        <div className="tabs" role="tablist" aria-label={t('inventory.tabsLabel')}>
          {INVENTORY_TABS.map((id) => (
            <button
              key={id}
              ref={(el) => {
                tabRefs.current[id] = el;
              }}
              type="button"
              role="tab"
              id={`inv-tab-${id}`}
              className={id === tab ? 'tab active' : 'tab'}
              aria-selected={id === tab}
              aria-controls={`inv-panel-${id}`}
              tabIndex={id === tab ? 0 : -1}
              onClick={() => setTab(id)}
              onKeyDown={onTabKey}
            >
              {t(`inventory.tabs.${id}`)}
            </button>
          ))}
        </div>
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
