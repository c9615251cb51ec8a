import { useCallback, useEffect, useState } from 'react';
import { useTranslation } from 'react-i18next';
import type { AppErrorData } from '../../../core/errors.ts';
import { EXCEPTION_KINDS, type ExceptionAction, type ExceptionKind } from '../../../core/orders/schemas.ts';
import { oms } from '../api/client.ts';
import type { Catalog } from '../inventory/catalog.ts';
import { formatQty } from '../inventory/format.ts';
import { formatDateTime } from '../masterdata/columns.ts';
import { useUi } from '../state/ui.ts';
import { exceptionText, orderErrorText, type ExceptionRecord } from './format.ts';
import { StatusChip } from './parts.tsx';
import { useOrdersUi } from './store.ts';

/**
 * Exception queue (异常订单): what could not flow on its own, with its reason and figures; the
 * allowed actions of each exception as buttons, with a note; resolved ones on the second view.
 */
export function ExceptionQueue({ catalog }: { catalog: Catalog }) {
  const { t, i18n } = useTranslation();
  const lang = i18n.language;
  const showToast = useUi((s) => s.showToast);
  const open = useOrdersUi((s) => s.open);
  const changed = useOrdersUi((s) => s.changed);
  const changes = useOrdersUi((s) => s.changes);
  const [status, setStatus] = useState<'open' | 'resolved'>('open');
  const [kind, setKind] = useState<ExceptionKind | ''>('');
  const [rows, setRows] = useState<ExceptionRecord[] | null>(null);
  const [error, setError] = useState<AppErrorData | null>(null);
  const [notes, setNotes] = useState<Record<string, string>>({});
  const [warehouses, setWarehouses] = useState<Record<string, string>>({});
  const [busy, setBusy] = useState<string | null>(null);
  const [rowError, setRowError] = useState<{ id: string; error: AppErrorData } | null>(null);

  const load = useCallback(async () => {
    const r = await oms['orders.exceptions']({ status, limit: 500, ...(kind ? { kind } : {}) });
    if (r.ok) {
      setRows(r.data.rows);
      setError(null);
    } else {
      setRows((prev) => prev ?? []);
      setError(r.error);
    }
  }, [status, kind]);

  useEffect(() => {
    void load();
  }, [load, changes]);

  const act = async (e: ExceptionRecord, action: ExceptionAction) => {
    setRowError(null);
    const warehouseId = warehouses[e.id] ?? '';
    if (action === 'assign-warehouse' && !warehouseId) {
      setRowError({
        id: e.id,
        error: { code: 'validation.invalid-input', message: '', details: { fields: [] } },
      });
      document.getElementById(`exc-wh-${e.id}`)?.focus();
      return;
    }
    setBusy(e.id);
    const r = await oms['orders.resolveException']({
      exceptionId: e.id,
      action,
      warehouseId: warehouseId || null,
      note: notes[e.id] ?? '',
    });
    setBusy(null);
    if (!r.ok) {
      setRowError({ id: e.id, error: r.error });
      return;
    }
    showToast(
      t('orders.exceptions.resolvedToast', {
        number: e.number,
        action: t(`orders.exceptions.actions.${action}`),
        status: t(`orders.statuses.${r.data.orderStatus}`, { defaultValue: r.data.orderStatus }),
      }),
    );
    changed();
  };

  return (
    <div className="inv-tab">
      <div className="inv-toolbar">
        <div className="seg" role="radiogroup" aria-label={t('orders.exceptions.show')}>
          {(['open', 'resolved'] as const).map((s) => (
            <label key={s} className={status === s ? 'seg-item active' : 'seg-item'}>
              <input type="radio" name="exc-status" checked={status === s} onChange={() => setStatus(s)} />
              {t(`orders.exceptions.${s}`)}
            </label>
          ))}
        </div>
        <div className="inv-select">
          <label htmlFor="exc-kind">{t('orders.exceptions.kind')}</label>
          <select id="exc-kind" value={kind} onChange={(e) => setKind(e.target.value as ExceptionKind | '')}>
            <option value="">{t('orders.exceptions.allKinds')}</option>
            {EXCEPTION_KINDS.map((k) => (
              <option key={k} value={k}>
                {t(`orders.exceptions.kinds.${k}`)}
              </option>
            ))}
          </select>
        </div>
        <span className="inv-spacer" />
        <span className="count" aria-live="polite">
          {rows === null
            ? t('common.loading')
            : t('orders.exceptions.count', { count: rows.length, formatted: formatQty(rows.length) })}
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
            <p className="panel-empty muted">
              {t(status === 'open' ? 'orders.exceptions.emptyOpen' : 'orders.exceptions.emptyResolved')}
            </p>
          ) : (
            <table className="data-table sticky queue-table" aria-label={t('orders.exceptions.label')}>
              <thead>
                <tr>
                  <th scope="col">{t('orders.exceptions.raised')}</th>
                  <th scope="col">{t('orders.exceptions.kind')}</th>
                  <th scope="col">{t('orders.columns.number')}</th>
                  <th scope="col">{t('orders.columns.customer')}</th>
                  <th scope="col">{t('orders.exceptions.details')}</th>
                  {status === 'open' ? (
                    <>
                      <th scope="col">{t('orders.exceptions.note')}</th>
                      <th scope="col" className="row-actions">
                        {t('orders.detail.actions')}
                      </th>
                    </>
                  ) : (
                    <>
                      <th scope="col">{t('orders.exceptions.resolution')}</th>
                      <th scope="col">{t('orders.exceptions.resolvedBy')}</th>
                    </>
                  )}
                </tr>
              </thead>
              <tbody>
                {(rows ?? []).map((e) => (
                  <tr key={e.id}>
                    <td className="nowrap tabular">{formatDateTime(e.createdAt, lang)}</td>
                    <td>
                      <span className="chip chip-warn">
                        {t(`orders.exceptions.kinds.${e.kind}`, { defaultValue: e.kind })}
                      </span>
                    </td>
                    <th scope="row" className="nowrap">
                      <button type="button" className="link mono" onClick={() => open(e.orderId)}>
                        {e.number}
                      </button>{' '}
                      <StatusChip status={e.orderStatus} />
                    </th>
                    <td className="wrap">{e.customerName ?? ''}</td>
                    <td className="exc-what">
                      {exceptionText(t, e)}
                      {rowError?.id === e.id ? (
                        <p className="field-error" role="alert">
                          {rowError.error.code === 'validation.invalid-input' && e.actions.includes('assign-warehouse')
                            ? t('orders.exceptions.chooseWarehouse')
                            : orderErrorText(t, rowError.error)}
                        </p>
                      ) : null}
                    </td>
                    {status === 'open' ? (
                      <>
                        <td className="cell-input exc-note">
                          <input
                            type="text"
                            maxLength={300}
                            autoComplete="off"
                            aria-label={t('orders.exceptions.noteFor', { number: e.number })}
                            placeholder={t('orders.exceptions.notePlaceholder')}
                            value={notes[e.id] ?? ''}
                            onChange={(ev) => setNotes((n) => ({ ...n, [e.id]: ev.target.value }))}
                          />
                          {e.actions.includes('assign-warehouse') ? (
                            <select
                              id={`exc-wh-${e.id}`}
                              aria-label={t('orders.exceptions.warehouseFor', { number: e.number })}
                              value={warehouses[e.id] ?? ''}
                              onChange={(ev) => setWarehouses((w) => ({ ...w, [e.id]: ev.target.value }))}
                            >
                              <option value="">{t('orders.exceptions.pickWarehouse')}</option>
                              {catalog.warehouses.map((w) => (
                                <option key={w.id} value={w.id}>
                                  {w.code} · {w.name}
                                </option>
                              ))}
                            </select>
                          ) : null}
                        </td>
                        <td className="exc-actions">
                          {e.actions.map((a) => (
                            <button
                              key={a}
                              type="button"
                              className={a === 'cancel' ? 'btn btn-small btn-danger' : 'btn btn-small'}
                              disabled={busy === e.id}
                              onClick={() => void act(e, a)}
                            >
                              {t(`orders.exceptions.actions.${a}`)}
                            </button>
                          ))}
                        </td>
                      </>
                    ) : (
                      <>
                        <td className="wrap">
                          {e.resolution
                            ? t(`orders.exceptions.actions.${e.resolution}`, { defaultValue: e.resolution })
                            : ''}
                          {e.note ? <span className="muted"> · {e.note}</span> : null}
                        </td>
                        <td className="nowrap">
                          {e.resolvedBy ?? ''}{' '}
                          <span className="muted tabular">{formatDateTime(e.resolvedAt, lang)}</span>
                        </td>
                      </>
                    )}
                  </tr>
                ))}
              </tbody>
            </table>
          )}
        </div>
      </div>
    </div>
  );
}
