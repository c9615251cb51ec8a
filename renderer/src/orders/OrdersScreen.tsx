import { useEffect, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { TabList } from '../app/TabList.tsx';
import type { OrderType } from '../../../core/orders/schemas.ts';
import { useCatalog } from '../inventory/catalog.ts';
import { orderErrorText } from './format.ts';
import { ExceptionQueue } from './ExceptionQueue.tsx';
import { HoldQueue } from './HoldQueue.tsx';
import { ImportTab } from './ImportTab.tsx';
import { useLookups } from './lookups.ts';
import { OrderDetail } from './OrderDetail.tsx';
import { OrderEntry } from './OrderEntry.tsx';
import { OrderList } from './OrderList.tsx';
import { ORDER_TABS, typeOfTab, useOrdersUi, type OrderTab } from './store.ts';

/** Document types a clerk enters by hand here (returns start from their original order). */
const ENTERABLE: ReadonlySet<OrderType> = new Set(['sales', 'purchase', 'transfer']);
const LIST_TABS: ReadonlySet<OrderTab> = new Set(['sales', 'purchase', 'returns', 'transfer']);

/**
 * The Order centre (订单中心): sales, purchase, return and transfer lists (one list component per
 * document type), the hold queue, the exception queue and the batch import; a document opens
 * over the tab, and Back (or Esc) returns to the list as it was.
 */
export function OrdersScreen() {
  const { t } = useTranslation();
  const catalog = useCatalog();
  const lookups = useLookups();
  const tab = useOrdersUi((s) => s.tab);
  const setTab = useOrdersUi((s) => s.setTab);
  const returnType = useOrdersUi((s) => s.returnType);
  const setReturnType = useOrdersUi((s) => s.setReturnType);
  const trail = useOrdersUi((s) => s.trail);
  const [entering, setEntering] = useState<OrderType | null>(null);
  const openId = trail[trail.length - 1] ?? null;
  const listType = typeOfTab(tab, returnType);
  const canEnter = listType !== null && ENTERABLE.has(listType) && openId === null;

  // Alt+N: a new document of the list's type, as on the other screens.
  useEffect(() => {
    const onKey = (event: globalThis.KeyboardEvent) => {
      if (entering || !canEnter || !listType) return;
      if (document.querySelector('.backdrop')) return;
      if (event.altKey && !event.ctrlKey && !event.metaKey && event.code === 'KeyN') {
        event.preventDefault();
        setEntering(listType);
      }
    };
    window.addEventListener('keydown', onKey);
    return () => window.removeEventListener('keydown', onKey);
  }, [entering, canEnter, listType]);

  return (
    <section className="screen orders-screen" aria-labelledby="screen-title">
      <div className="screen-head inv-head">
        <div className="screen-title">
          <h1 id="screen-title">{t('nav.orders')}</h1>
        </div>
        <TabList
          tabs={ORDER_TABS}
          current={tab}
          onChange={setTab}
          idPrefix="ord"
          label={t('orders.tabsLabel')}
          labelOf={(id) => t(`orders.tabs.${id}`)}
        />
        {tab === 'returns' && openId === null ? (
          <div className="seg" role="radiogroup" aria-label={t('orders.returnKind')}>
            {(['sales-return', 'purchase-return'] as const).map((rt) => (
              <label key={rt} className={returnType === rt ? 'seg-item active' : 'seg-item'}>
                <input type="radio" name="return-type" checked={returnType === rt} onChange={() => setReturnType(rt)} />
                {t(`orders.types.${rt}`)}
              </label>
            ))}
          </div>
        ) : null}
      </div>
      {catalog.error ? (
        <div className="banner banner-error" role="alert">
          <p>{orderErrorText(t, catalog.error)}</p>
        </div>
      ) : null}
      <div className="screen-body" role="tabpanel" id={`ord-panel-${tab}`} aria-labelledby={`ord-tab-${tab}`}>
        {openId ? <OrderDetail key={openId} orderId={openId} catalog={catalog} lookups={lookups} /> : null}
        {LIST_TABS.has(tab) && listType ? (
          <OrderList
            key={listType}
            type={listType}
            catalog={catalog}
            hidden={openId !== null}
            onNew={ENTERABLE.has(listType) ? () => setEntering(listType) : null}
          />
        ) : null}
        {openId === null && tab === 'holds' ? <HoldQueue catalog={catalog} /> : null}
        {openId === null && tab === 'exceptions' ? <ExceptionQueue catalog={catalog} /> : null}
        {openId === null && tab === 'import' ? <ImportTab /> : null}
      </div>
      {entering ? (
        <OrderEntry type={entering} catalog={catalog} lookups={lookups} onClose={() => setEntering(null)} />
      ) : null}
    </section>
  );
}
