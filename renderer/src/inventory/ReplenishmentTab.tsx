import { useCallback, useEffect, useState } from 'react';
import { useTranslation } from 'react-i18next';
import type { z } from 'zod';
import type { lowStockRow, proposalRecord } from '../../../core/api/inventory.api.ts';
import type { AppErrorData } from '../../../core/errors.ts';
import { oms } from '../api/client.ts';
import { errorText } from '../i18n/messages.ts';
import { formatDateTime } from '../masterdata/columns.ts';
import { useUi } from '../state/ui.ts';
import type { Catalog } from './catalog.ts';
import { formatQty, formatShortDateTime, itemName } from './format.ts';
import { RuleForm } from './RuleForm.tsx';
import { TransferForm, type TransferDraft } from './TransferForm.tsx';
import { WarehouseFilter } from './WarehouseFilter.tsx';

type LowStockRow = z.output<typeof lowStockRow>;
type Proposal = z.output<typeof proposalRecord>;

const PROPOSAL_FILTERS = ['open', 'all'] as const;

/** Replenishment: what is below its minimum, the proposals that fix it, and the min/max rules. */
export function ReplenishmentTab({ catalog }: { catalog: Catalog }) {
  const { t, i18n } = useTranslation();
  const lang = i18n.language;
  const showToast = useUi((s) => s.showToast);
  const [low, setLow] = useState<LowStockRow[] | null>(null);
  const [proposals, setProposals] = useState<Proposal[] | null>(null);
  const [filter, setFilter] = useState<(typeof PROPOSAL_FILTERS)[number]>('open');
  const [error, setError] = useState<AppErrorData | null>(null);
  const [busy, setBusy] = useState<string | null>(null);
  const [warehouseId, setWarehouseId] = useState('');
  const [shipping, setShipping] = useState<TransferDraft | null>(null);

  const load = useCallback(async () => {
    const [l, p] = await Promise.all([
      oms['inventory.lowStock']({ warehouseId: warehouseId || undefined, limit: 500 }),
      oms['inventory.proposals']({ status: filter === 'open' ? 'open' : undefined, limit: 500 }),
    ]);
    if (l.ok) setLow(l.data.rows);
    else setLow((prev) => prev ?? []);
    // The proposals query has no warehouse filter: the list follows the toolbar's warehouse here.
    if (p.ok) setProposals(warehouseId ? p.data.rows.filter((r) => r.warehouseId === warehouseId) : p.data.rows);
    else setProposals((prev) => prev ?? []);
    setError(!l.ok ? l.error : !p.ok ? p.error : null);
  }, [filter, warehouseId]);

  useEffect(() => {
    void load();
  }, [load]);

  const run = async () => {
    setBusy('run');
    const result = await oms['inventory.propose']({
      ...(warehouseId ? { warehouseIds: [warehouseId] } : {}),
    });
    setBusy(null);
    if (!result.ok) {
      setError(result.error);
      return;
    }
    showToast(t('inventory.replenishment.proposed', { count: result.data.proposals.length }));
    void load();
  };

  const decide = async (p: Proposal, decision: 'confirm' | 'dismiss') => {
    setBusy(p.id);
    const result = await oms['inventory.decideProposal']({ proposalId: p.id, decision });
    setBusy(null);
    if (!result.ok) {
      setError(result.error);
      return;
    }
    showToast(
      t(decision === 'confirm' ? 'inventory.replenishment.confirmed' : 'inventory.replenishment.dismissed', {
        sku: p.sku,
        warehouse: p.warehouseCode,
      }),
    );
    void load();
    // A confirmed transfer proposal is shipped as a transfer linked to it: straight on to the form.
    if (decision === 'confirm') openShip(p);
  };

  const openShip = (p: Proposal) => {
    if (p.kind !== 'transfer' || !p.fromWarehouseId || p.transferId) return;
    setShipping({
      fromWarehouseId: p.fromWarehouseId,
      toWarehouseId: p.warehouseId,
      lines: [{ sku: p.sku, quantity: p.quantity }],
      proposalId: p.id,
      origin: t('inventory.replenishment.fromProposal', { sku: p.sku, warehouse: p.warehouseCode }),
    });
  };

  return (
    <div className="inv-tab">
      <div className="inv-toolbar" role="group" aria-label={t('inventory.replenishment.filters')}>
        <WarehouseFilter id="rep-warehouse" catalog={catalog} value={warehouseId} onChange={setWarehouseId} />
        <span className="inv-spacer" />
        <button type="button" className="btn" onClick={() => void load()}>
          {t('common.refresh')}
        </button>
        <button type="button" className="btn btn-primary" disabled={busy === 'run'} onClick={() => void run()}>
          {busy === 'run' ? t('inventory.replenishment.running') : t('inventory.replenishment.run')}
        </button>
      </div>
      {error ? (
        <div className="banner banner-error" role="alert">
          <p>{errorText(t, error)}</p>
        </div>
      ) : null}
      <div className="rep-layout">
        <RuleForm catalog={catalog} onSaved={() => void load()} />
        <div className="rep-lists">
          <section className="panel" aria-labelledby="low-title">
            <header className="panel-head">
              <h2 id="low-title">{t('inventory.replenishment.lowTitle')}</h2>
              <span className="count">
                {low === null ? t('common.loading') : t('inventory.replenishment.lowCount', { count: low.length })}
              </span>
            </header>
            <div className="panel-scroll">
              {low !== null && low.length === 0 ? (
                <p className="muted panel-empty">{t('inventory.replenishment.lowEmpty')}</p>
              ) : (
                <table className="data-table sticky">
                  <thead>
                    <tr>
                      <th scope="col">{t('inventory.columns.sku')}</th>
                      <th scope="col">{t('inventory.columns.item')}</th>
                      <th scope="col">{t('inventory.columns.warehouse')}</th>
                      <th scope="col" className="num">
                        {t('inventory.replenishment.free')}
                      </th>
                      <th scope="col" className="num">
                        {t('inventory.figures.inTransit')}
                      </th>
                      <th scope="col" className="num">
                        {t('inventory.replenishment.min')}
                      </th>
                      <th scope="col" className="num">
                        {t('inventory.replenishment.max')}
                      </th>
                      <th scope="col" className="num">
                        {t('inventory.replenishment.safety')}
                      </th>
                      <th scope="col" className="num">
                        {t('inventory.replenishment.short')}
                      </th>
                    </tr>
                  </thead>
                  <tbody>
                    {(low ?? []).map((r) => {
                      const position = r.free + r.inTransit;
                      return (
                        <tr key={`${r.itemId}-${r.warehouseId}`}>
                          <td className="mono">{r.sku}</td>
                          <td className="ellipsis" title={r.itemName}>
                            {itemName(r.itemName, r.itemNameEn, lang)}
                          </td>
                          <td className="mono">{r.warehouseCode}</td>
                          <td className={r.free < r.safetyStock ? 'num qty-out' : 'num'}>{formatQty(r.free)}</td>
                          <td className="num">{formatQty(r.inTransit)}</td>
                          <td className="num">{formatQty(r.minQty)}</td>
                          <td className="num">{formatQty(r.maxQty)}</td>
                          <td className="num">{formatQty(r.safetyStock)}</td>
                          <td className="num qty-out">{formatQty(Math.max(r.minQty - position, 0))}</td>
                        </tr>
                      );
                    })}
                  </tbody>
                </table>
              )}
            </div>
          </section>
          <section className="panel" aria-labelledby="proposals-title">
            <header className="panel-head">
              <h2 id="proposals-title">{t('inventory.replenishment.proposalsTitle')}</h2>
              <span className="count">
                {proposals === null
                  ? t('common.loading')
                  : t('inventory.replenishment.proposalCount', { count: proposals.length })}
              </span>
              <span className="inv-spacer" />
              <div className="inv-select">
                <label htmlFor="proposal-filter">{t('inventory.replenishment.show')}</label>
                <select
                  id="proposal-filter"
                  value={filter}
                  onChange={(e) => setFilter(e.target.value === 'all' ? 'all' : 'open')}
                >
                  {PROPOSAL_FILTERS.map((f) => (
                    <option key={f} value={f}>
                      {t(`inventory.replenishment.filter.${f}`)}
                    </option>
                  ))}
                </select>
              </div>
            </header>
            <div className="panel-scroll">
              {proposals !== null && proposals.length === 0 ? (
                <p className="muted panel-empty">{t('inventory.replenishment.proposalsEmpty')}</p>
              ) : (
                <table className="data-table sticky">
                  <thead>
                    <tr>
                      <th scope="col">{t('inventory.replenishment.created')}</th>
                      <th scope="col">{t('inventory.columns.sku')}</th>
                      <th scope="col">{t('inventory.columns.item')}</th>
                      <th scope="col">{t('inventory.replenishment.route')}</th>
                      <th scope="col" className="num">
                        {t('inventory.transfers.quantity')}
                      </th>
                      <th scope="col">{t('inventory.replenishment.why')}</th>
                      {filter === 'all' ? <th scope="col">{t('inventory.transfers.status')}</th> : null}
                      <th scope="col">
                        <span className="visually-hidden">{t('inventory.replenishment.actions')}</span>
                      </th>
                    </tr>
                  </thead>
                  <tbody>
                    {(proposals ?? []).map((p) => (
                      <tr key={p.id}>
                        <td className="nowrap" title={formatDateTime(p.createdAt, lang)}>
                          {formatShortDateTime(p.createdAt, lang)}
                        </td>
                        <td className="mono">{p.sku}</td>
                        <td className="ellipsis" title={p.itemName}>
                          {itemName(p.itemName, p.itemNameEn, lang)}
                        </td>
                        <td className="nowrap">
                          {p.kind === 'transfer' ? (
                            <span className="mono">{p.fromCode}</span>
                          ) : (
                            <span className="route-purchase">{t('inventory.replenishment.purchase')}</span>
                          )}
                          {' → '}
                          <span className="mono">{p.warehouseCode}</span>
                        </td>
                        <td className="num">{formatQty(p.quantity)}</td>
                        <td className="nowrap">{t(`inventory.replenishment.reasons.${p.reason}`)}</td>
                        {filter === 'all' ? (
                          <td className={`nowrap status-${p.status}`}>{t(`inventory.proposalStatus.${p.status}`)}</td>
                        ) : null}
                        <td className="row-actions">
                          {p.status === 'confirmed' && p.kind === 'transfer' && !p.transferId ? (
                            <button
                              type="button"
                              className="btn btn-small"
                              aria-label={t('inventory.replenishment.shipOf', {
                                sku: p.sku,
                                warehouse: p.warehouseCode,
                              })}
                              onClick={() => openShip(p)}
                            >
                              {t('inventory.replenishment.ship')}
                            </button>
                          ) : null}
                          {p.status === 'open' ? (
                            <>
                              <button
                                type="button"
                                className="btn btn-small"
                                disabled={busy !== null}
                                aria-label={t('inventory.replenishment.confirmOf', {
                                  sku: p.sku,
                                  warehouse: p.warehouseCode,
                                })}
                                onClick={() => void decide(p, 'confirm')}
                              >
                                {t('inventory.replenishment.confirm')}
                              </button>
                              <button
                                type="button"
                                className="btn btn-small btn-quiet"
                                disabled={busy !== null}
                                aria-label={t('inventory.replenishment.dismissOf', {
                                  sku: p.sku,
                                  warehouse: p.warehouseCode,
                                })}
                                onClick={() => void decide(p, 'dismiss')}
                              >
                                {t('inventory.replenishment.dismiss')}
                              </button>
                            </>
                          ) : null}
                        </td>
                      </tr>
                    ))}
                  </tbody>
                </table>
              )}
            </div>
          </section>
        </div>
      </div>
      {shipping ? (
        <TransferForm
          catalog={catalog}
          draft={shipping}
          onCancel={() => setShipping(null)}
          onShipped={() => {
            setShipping(null);
            void load();
          }}
        />
      ) : null}
    </div>
  );
}
