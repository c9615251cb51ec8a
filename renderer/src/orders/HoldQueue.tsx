import { useCallback, useEffect, useMemo, useState } from 'react';
import { useTranslation } from 'react-i18next';
import type { AppErrorData } from '../../../core/errors.ts';
import { oms } from '../api/client.ts';
import type { Catalog } from '../inventory/catalog.ts';
import { formatQty } from '../inventory/format.ts';
import { useUi } from '../state/ui.ts';
import { ReasonDialog } from './ActionDialogs.tsx';
import { formatMoney, orderErrorText, type Failure, type OrderSummary } from './format.ts';
import { namesOf } from './lookups.ts';
import { FailureList, HoldChips } from './parts.tsx';
import { useOrdersUi } from './store.ts';

type Held = OrderSummary & { failures: Failure[] };

/**
 * Hold queue (待审核): every held sales order with each failed check and its figures; recheck,
 * or force-release with a mandatory reason (refused with a translated reason when the role or
 * the rule does not allow it).
 */
export function HoldQueue({ catalog }: { catalog: Catalog }) {
  const { t, i18n } = useTranslation();
  const lang = i18n.language;
  const showToast = useUi((s) => s.showToast);
  const open = useOrdersUi((s) => s.open);
  const changed = useOrdersUi((s) => s.changed);
  const changes = useOrdersUi((s) => s.changes);
  const [rows, setRows] = useState<Held[] | null>(null);
  const [error, setError] = useState<AppErrorData | null>(null);
  const [rowError, setRowError] = useState<{ id: string; error: AppErrorData } | null>(null);
  const [busy, setBusy] = useState<string | null>(null);
  const [releasing, setReleasing] = useState<Held | null>(null);
  const names = useMemo(() => namesOf(catalog, lang), [catalog, lang]);

  const load = useCallback(async () => {
    const r = await oms['orders.holds']({ limit: 500 });
    if (r.ok) {
      setRows(r.data.rows);
      setError(null);
    } else {
      setRows((prev) => prev ?? []);
      setError(r.error);
    }
  }, []);

  useEffect(() => {
    void load();
  }, [load, changes]);

  const recheck = async (o: Held) => {
    setBusy(o.id);
    setRowError(null);
    const r = await oms['orders.recheck']({ orderId: o.id, expectedVersion: o.version });
    setBusy(null);
    if (!r.ok) {
      setRowError({ id: o.id, error: r.error });
      return;
    }
    showToast(
      t(r.data.status === 'held' ? 'orders.detail.stillHeld' : 'orders.detail.nowStatus', {
        number: o.number,
        status: t(`orders.statuses.${r.data.status}`),
        count: r.data.failures.length,
      }),
    );
    changed();
  };

  return (
    <div className="inv-tab">
      <div className="inv-toolbar">
        <p className="muted queue-intro">{t('orders.holds.intro')}</p>
        <span className="inv-spacer" />
        <span className="count" aria-live="polite">
          {rows === null
            ? t('common.loading')
            : t('orders.holds.count', { count: rows.length, formatted: formatQty(rows.length) })}
        </span>
        <button type="button" className="btn" onClick={() => void load()}>
          {t('common.refresh')}
        </button>
      </div>
      {error ? (
        <div className="banner banner-error" role="alert">
          <p>{orderErrorText(t, error)}</p>
        </div>
      ) : null}
      <div className="panel queue-panel">
        <div className="panel-scroll">
          {rows !== null && rows.length === 0 ? (
            <p className="panel-empty muted">{t('orders.holds.empty')}</p>
          ) : (
            <table className="data-table sticky queue-table" aria-label={t('orders.holds.label')}>
              <thead>
                <tr>
                  <th scope="col">{t('orders.columns.number')}</th>
                  <th scope="col">{t('orders.columns.customer')}</th>
                  <th scope="col">{t('orders.columns.orderedAt')}</th>
                  <th scope="col" className="num">
                    {t('orders.columns.total')}
                  </th>
                  <th scope="col">{t('orders.holds.why')}</th>
                  <th scope="col" className="row-actions">
                    <span className="visually-hidden">{t('orders.detail.actions')}</span>
                  </th>
                </tr>
              </thead>
              <tbody>
                {(rows ?? []).map((o) => (
                  <tr key={o.id} data-order={o.number}>
                    <th scope="row">
                      <button type="button" className="link mono" onClick={() => open(o.id)}>
                        {o.number}
                      </button>
                      <div>
                        <HoldChips checks={o.holdChecks} />
                      </div>
                    </th>
                    <td className="wrap">{o.customer ? `${o.customer.code} · ${o.customer.name}` : ''}</td>
                    <td className="tabular nowrap">{o.orderedAt}</td>
                    <td className="num">{formatMoney(o.totalMinor, o.currency)}</td>
                    <td className="queue-why">
                      <FailureList failures={o.failures} names={names} />
                      {rowError?.id === o.id ? (
                        <p className="field-error" role="alert">
                          {orderErrorText(t, rowError.error)}
                        </p>
                      ) : null}
                    </td>
                    <td className="row-actions">
                      <button
                        type="button"
                        className="btn btn-small"
                        disabled={busy === o.id}
                        onClick={() => void recheck(o)}
                      >
                        {t('orders.actions.recheck')}
                      </button>
                      <button
                        type="button"
                        className="btn btn-small btn-primary"
                        disabled={busy === o.id}
                        onClick={() => {
                          setRowError(null);
                          setReleasing(o);
                        }}
                      >
                        {t('orders.actions.release')}
                      </button>
                    </td>
                  </tr>
                ))}
              </tbody>
            </table>
          )}
        </div>
      </div>
      {releasing ? (
        <ReasonDialog
          kind="release"
          order={releasing}
          failures={releasing.failures}
          names={names}
          onCancel={() => setReleasing(null)}
          onDone={(status) => {
            const number = releasing.number;
            setReleasing(null);
            showToast(t('orders.release.done', { number, status: t(`orders.statuses.${status}`) }));
            changed();
          }}
        />
      ) : null}
    </div>
  );
}
