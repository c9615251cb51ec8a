import { useEffect, useMemo, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { TabList } from '../app/TabList.tsx';
import { AppointmentsTab } from './AppointmentsTab.tsx';
import { AsnsTab } from './AsnsTab.tsx';
import { dockTabsFor, type DockTab } from './format.ts';
import { ReceiveTab } from './ReceiveTab.tsx';
import { LabelTemplatesTab } from '../labels/LabelTemplatesTab.tsx';
import { PrintersPanel } from '../printing/PrintersPanel.tsx';
import { PrintQueuePanel } from '../printing/PrintQueuePanel.tsx';
import { useDockUser } from './session.ts';
import './dock.css';

/**
 * The dock (收货 / 送货单): receiving by scanner for the warehouse, delivery notes (ASNs) for
 * suppliers and the warehouse, dock appointments, label templates and this desktop's printers.
 * Which tabs show depends on the signed-in clerk's roles.
 */
export function DockScreen() {
  const { t } = useTranslation();
  const user = useDockUser();
  const tabs = useMemo(() => dockTabsFor(user.roles), [user.roles]);
  const [chosen, setChosen] = useState<DockTab | null>(null);
  const tab: DockTab = chosen && tabs.includes(chosen) ? chosen : (tabs[0] ?? 'asns');
  /** An ASN to open in the ASNs tab (from the receive screen). */
  const [openAsn, setOpenAsn] = useState<string | null>(null);

  useEffect(() => {
    if (openAsn) setChosen('asns');
  }, [openAsn]);

  return (
    <section className="screen dock-screen" aria-labelledby="screen-title">
      <div className="screen-head inv-head">
        <div className="screen-title">
          <h1 id="screen-title">{t('nav.dock')}</h1>
        </div>
        <TabList
          tabs={tabs}
          current={tab}
          onChange={setChosen}
          idPrefix="dock"
          label={t('dock.tabsLabel')}
          labelOf={(id) => t(`dock.tabs.${id}`)}
        />
      </div>
      <div className="screen-body" role="tabpanel" id={`dock-panel-${tab}`} aria-labelledby={`dock-tab-${tab}`}>
        {tab === 'receive' ? <ReceiveTab user={user} onOpenAsn={setOpenAsn} /> : null}
        {tab === 'asns' ? <AsnsTab user={user} openId={openAsn} onOpened={() => setOpenAsn(null)} /> : null}
        {tab === 'appointments' ? <AppointmentsTab user={user} /> : null}
        {tab === 'labels' ? <LabelTemplatesTab /> : null}
        {tab === 'printers' ? (
          <div className="dock-printers">
            <PrintersPanel />
            <PrintQueuePanel />
          </div>
        ) : null}
      </div>
    </section>
  );
}
