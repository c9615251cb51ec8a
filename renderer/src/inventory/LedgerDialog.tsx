import { useCallback, useEffect, useState } from 'react';
import { useTranslation } from 'react-i18next';
import type { AppErrorData } from '../../../core/errors.ts';
import type { LedgerRow } from '../../../core/inventory/schemas.ts';
import { oms } from '../api/client.ts';
import { errorText } from '../i18n/messages.ts';
import { formatDateTime } from '../masterdata/columns.ts';
import { Dialog } from './Dialog.tsx';
import {
  formatQty,
  formatSigned,
  itemName,
  ledgerCursor,
  ledgerQueryOf,
  ownerOf,
  shortDocId,
  type Figure,
  type GridRow,
} from './format.ts';

const PAGE = 200;

/** The drill-down: the ledger rows (movements, reservations) behind one figure of one grid row. */
export function LedgerDialog({ row, figure, onClose }: { row: GridRow; figure: Figure; onClose: () => void }) {
  const { t, i18n } = useTranslation();
  const lang = i18n.language;
  const [rows, setRows] = useState<LedgerRow[] | null>(null);
  const [error, setError] = useState<AppErrorData | null>(null);
  const [more, setMore] = useState(false);
  const [loading, setLoading] = useState(false);

  const load = useCallback(
    async (after: string | undefined) => {
      setLoading(true);
      const result = await oms['inventory.ledger']({ ...ledgerQueryOf(row, figure), after, limit: PAGE });
      setLoading(false);
      if (!result.ok) {
        setError(result.error);
        setRows((prev) => prev ?? []);
        return;
      }
      setError(null);
      setRows((prev) => (after && prev ? [...prev, ...result.data.rows] : result.data.rows));
      setMore(result.data.rows.length === PAGE);
    },
    [row, figure],
  );

  useEffect(() => {
    void load(undefined);
  }, [load]);

  const figureName = t(`inventory.figures.${figure}`);
  const context = [
    itemName(row.itemName, row.itemNameEn, lang),
    row.warehouseCode,
    row.lot !== null ? `${t('inventory.columns.lot')} ${row.lot || '—'}` : null,
    row.expiry ? `${t('inventory.columns.expiry')} ${row.expiry}` : null,
    row.ownerId !== null
      ? (() => {
          const o = ownerOf(row.ownerId, row.ownerName);
          return o.kind === 'own' ? t('inventory.owner.own') : t('inventory.owner.consignment', { name: o.name });
        })()
      : null,
  ].filter((p): p is string => !!p);

  const docText = (r: LedgerRow) => {
    if (!r.docType && !r.docId) return '';
    const type = r.docType ? t(`inventory.docTypes.${r.docType}`, { defaultValue: r.docType }) : '';
    const line = r.docLine !== null && r.docLine > 0 ? ` #${r.docLine}` : '';
    return `${type} ${shortDocId(r.docId ?? '')}${line}`.trim();
  };
  const reasonText = (r: LedgerRow) =>
    [r.reasonCode ? t(`inventory.reasons.${r.reasonCode}`, { defaultValue: r.reasonCode }) : '', r.note ?? '']
      .filter(Boolean)
      .join(' · ');

  return (
    <Dialog
      title={t('inventory.ledger.title', { figure: figureName, sku: row.sku })}
      subtitle={context.join(' · ')}
      onCancel={onClose}
      size="wide"
      footer={
        <>
          <span className="muted">
            {t('inventory.ledger.figureValue', { figure: figureName, value: formatQty(row[figure]) })}
            {rows !== null ? ` · ${t('inventory.ledger.shown', { count: rows.length })}` : ''}
          </span>
          <div className="actions">
            {more ? (
              <button
                type="button"
                className="btn"
                disabled={loading}
                onClick={() => {
                  const last = rows?.[rows.length - 1];
                  if (last) void load(ledgerCursor(last));
                }}
              >
                {t('inventory.ledger.more')}
              </button>
            ) : null}
            <button type="button" className="btn btn-primary" onClick={onClose}>
              {t('common.close')}
            </button>
          </div>
        </>
      }
    >
      <div className="dialog-scroll">
        {error ? (
          <div className="banner banner-error" role="alert">
            <p>{errorText(t, error)}</p>
          </div>
        ) : null}
        {rows === null ? (
          <p className="muted">{t('common.loading')}</p>
        ) : rows.length === 0 ? (
          <p className="muted">{t('inventory.ledger.empty')}</p>
        ) : (
          <table className="data-table" aria-label={t('inventory.ledger.tableLabel', { figure: figureName })}>
            <thead>
              <tr>
                <th scope="col">{t('inventory.ledger.time')}</th>
                <th scope="col">{t('inventory.ledger.kind')}</th>
                <th scope="col">{t('inventory.columns.warehouse')}</th>
                <th scope="col">{t('inventory.columns.lot')}</th>
                <th scope="col">{t('inventory.columns.expiry')}</th>
                <th scope="col">{t('inventory.ledger.status')}</th>
                <th scope="col" className="num">
                  {t('inventory.ledger.quantity')}
                </th>
                <th scope="col">{t('inventory.ledger.reason')}</th>
                <th scope="col">{t('inventory.ledger.document')}</th>
                <th scope="col">{t('inventory.ledger.actor')}</th>
              </tr>
            </thead>
            <tbody>
              {rows.map((r) => (
                <tr key={`${r.source}-${r.id}`}>
                  <td className="nowrap">{formatDateTime(r.createdAt, lang)}</td>
                  <td className="nowrap">{t(`inventory.kinds.${r.kind}`, { defaultValue: r.kind })}</td>
                  <td className="mono">{r.warehouseCode}</td>
                  <td className="mono">{r.lot || '—'}</td>
                  <td className="mono nowrap">{r.expiry || '—'}</td>
                  <td className="nowrap">{t(`inventory.statuses.${r.status}`, { defaultValue: r.status })}</td>
                  <td className={r.quantity < 0 ? 'num qty-out' : 'num qty-in'}>{formatSigned(r.quantity)}</td>
                  <td className="wrap">{reasonText(r)}</td>
                  <td className="mono nowrap" title={r.docId ?? undefined}>
                    {docText(r)}
                  </td>
                  <td>{r.actor}</td>
                </tr>
              ))}
            </tbody>
          </table>
        )}
      </div>
    </Dialog>
  );
}
