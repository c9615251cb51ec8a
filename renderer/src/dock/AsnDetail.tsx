import { useCallback, useEffect, useState } from 'react';
import { useTranslation } from 'react-i18next';
import type { AsnDetail } from '../../../core/api/dock.api.ts';
import type { AppErrorData } from '../../../core/errors.ts';
import { oms } from '../api/client.ts';
import { errorText } from '../i18n/messages.ts';
import { formatQty, itemName } from '../inventory/format.ts';
import { Progress } from '../orders/parts.tsx';
import { useUi } from '../state/ui.ts';
import { CancelAsnDialog, CloseAsnDialog } from './AsnActions.tsx';
import { AsnStatusChip, ProvisionalChip } from './AsnParts.tsx';
import { AppointmentStatusChip } from './AppointmentsTab.tsx';
import { formatSscc, formatWhen, isSupplierDesk, isWarehouse } from './format.ts';
import { ScanText } from './ScanText.tsx';
import type { DockUser } from './session.ts';
import { PrintLabelsDialog } from '../printing/PrintLabelsDialog.tsx';
import { ErrorBanner } from '../app/ErrorBanner.tsx';

/** The built-in A6 GS1 logistic label: fits office printers and A6 label sheets. */
const PDF_TEMPLATE = 'gs1-logistic-a6';

/**
 * One ASN: header, lines with what was received, handling units with their SSCCs, the
 * receipts log, discrepancies and appointments; the actions the clerk's role allows.
 */
export function AsnDetailView({ asnId, user, onBack }: { asnId: string; user: DockUser; onBack: () => void }) {
  const { t, i18n } = useTranslation();
  const lang = i18n.language;
  const showToast = useUi((s) => s.showToast);
  const [asn, setAsn] = useState<AsnDetail | null>(null);
  const [error, setError] = useState<AppErrorData | null>(null);
  const [dialog, setDialog] = useState<'cancel' | 'close' | 'print' | null>(null);
  const [busy, setBusy] = useState(false);

  const load = useCallback(async () => {
    const r = await oms['asns.get']({ id: asnId });
    if (r.ok) {
      setAsn(r.data);
      setError(null);
    } else setError(r.error);
  }, [asnId]);
  useEffect(() => void load(), [load]);

  // Esc goes back to the list (dialogs take their own Esc first).
  useEffect(() => {
    const onKey = (e: KeyboardEvent) => {
      if (e.key !== 'Escape' || document.querySelector('.backdrop')) return;
      onBack();
    };
    window.addEventListener('keydown', onKey);
    return () => window.removeEventListener('keydown', onKey);
  }, [onBack]);

  // Every label of the ASN as one PDF (office printers, A6 label sheets), saved by the browser.
  const downloadPdf = async () => {
    if (!asn || busy) return;
    setBusy(true);
    const r = await oms['labels.render']({ asnId: asn.id, templateId: PDF_TEMPLATE, format: 'pdf' });
    setBusy(false);
    if (!r.ok) return setError(r.error);
    const bytes = Uint8Array.from(atob(r.data.base64), (c) => c.charCodeAt(0));
    const url = URL.createObjectURL(new Blob([bytes], { type: r.data.mime }));
    const a = document.createElement('a');
    a.href = url;
    a.download = r.data.fileName;
    document.body.append(a);
    a.click();
    a.remove();
    setTimeout(() => URL.revokeObjectURL(url), 10_000);
  };

  const arrive = async () => {
    if (!asn || busy) return;
    setBusy(true);
    const r = await oms['asns.arrive']({ asnId: asn.id, expectedVersion: asn.version });
    setBusy(false);
    if (!r.ok) return setError(r.error);
    showToast(t('dock.actions.arrived', { asn: asn.number }));
    void load();
  };

  if (!asn)
    return (
      <div className="dock-detail">
        <button type="button" className="btn" onClick={onBack}>
          {t('dock.back')}
        </button>
        {error ? (
          <div className="banner banner-error" role="alert">
            <p>{errorText(t, error)}</p>
          </div>
        ) : (
          <p className="muted">{t('common.loading')}</p>
        )}
      </div>
    );

  const supplier = isSupplierDesk(user.roles);
  const warehouse = isWarehouse(user.roles);
  const lineOf = (n: number | null) => asn.lines.find((l) => l.lineNo === n);
  const unitOf = (id: string | null) => asn.units.find((u) => u.id === id);

  return (
    <div className="dock-detail" aria-labelledby="asn-detail-title">
      <div className="dock-detail-bar">
        <button type="button" className="btn" onClick={onBack}>
          {t('dock.back')}
        </button>
        <h2 id="asn-detail-title">
          {t('dock.detail.title')} <span className="mono">{asn.number}</span>
        </h2>
        <AsnStatusChip status={asn.status} />
        {asn.provisional ? <ProvisionalChip /> : null}
        <div className="actions toolbar-end">
          {asn.status !== 'cancelled' ? (
            <button type="button" className="btn btn-primary" onClick={() => setDialog('print')}>
              {t('dock.actions.printLabels')}
            </button>
          ) : null}
          {asn.status !== 'cancelled' ? (
            <button type="button" className="btn" disabled={busy} onClick={() => void downloadPdf()}>
              {t('dock.actions.downloadPdf')}
            </button>
          ) : null}
          {supplier && asn.status === 'open' ? (
            <button type="button" className="btn btn-danger" onClick={() => setDialog('cancel')}>
              {t('dock.actions.cancel')}
            </button>
          ) : null}
          {warehouse && asn.status === 'open' ? (
            <button type="button" className="btn" disabled={busy} onClick={() => void arrive()}>
              {t('dock.actions.arrive')}
            </button>
          ) : null}
          {warehouse && ['open', 'arrived', 'receiving', 'received'].includes(asn.status) ? (
            <button type="button" className="btn" onClick={() => setDialog('close')}>
              {t('dock.actions.closeShort')}
            </button>
          ) : null}
        </div>
      </div>
      <ErrorBanner error={error} />
      <div className="dock-detail-body">
        <dl className="kv-grid dock-kv">
          <div className="kv">
            <dt>{t('dock.fields.supplier')}</dt>
            <dd>{asn.supplierName}</dd>
          </div>
          <div className="kv">
            <dt>{t('dock.fields.warehouse')}</dt>
            <dd>{asn.warehouseName}</dd>
          </div>
          <div className="kv">
            <dt>{t('dock.fields.order')}</dt>
            <dd className="mono">{asn.orderNumber}</dd>
          </div>
          <div className="kv">
            <dt>{t('dock.fields.shipDate')}</dt>
            <dd>{asn.shipDate}</dd>
          </div>
          <div className="kv">
            <dt>{t('dock.fields.expectedDate')}</dt>
            <dd>{asn.expectedDate ?? '—'}</dd>
          </div>
          <div className="kv">
            <dt>{t('dock.fields.carrierRef')}</dt>
            <dd>{asn.carrierRef ?? '—'}</dd>
          </div>
          <div className="kv">
            <dt>{t('dock.fields.createdBy')}</dt>
            <dd>
              {asn.createdBy} · {formatWhen(asn.createdAt, lang)}
            </dd>
          </div>
          <div className="kv">
            <dt>{t('dock.fields.arrivedAt')}</dt>
            <dd>{asn.arrivedAt ? formatWhen(asn.arrivedAt, lang) : '—'}</dd>
          </div>
          <div className="kv">
            <dt>{t('dock.fields.poProgress')}</dt>
            <dd>
              <Progress percent={asn.order.progress} label={t('dock.fields.poProgress')} />
            </dd>
          </div>
          {asn.note ? (
            <div className="kv">
              <dt>{t('dock.fields.note')}</dt>
              <dd>{asn.note}</dd>
            </div>
          ) : null}
        </dl>

        <section aria-labelledby="asn-lines-title">
          <h3 id="asn-lines-title">{t('dock.detail.lines')}</h3>
          <table className="data-table">
            <thead>
              <tr>
                <th scope="col">#</th>
                <th scope="col">{t('dock.fields.poLine')}</th>
                <th scope="col">{t('dock.fields.sku')}</th>
                <th scope="col">{t('dock.fields.item')}</th>
                <th scope="col">{t('dock.fields.lot')}</th>
                <th scope="col">{t('dock.fields.expiry')}</th>
                <th scope="col" className="num">
                  {t('dock.fields.announced')}
                </th>
                <th scope="col" className="num">
                  {t('dock.fields.received')}
                </th>
                <th scope="col">{t('dock.fields.progress')}</th>
              </tr>
            </thead>
            <tbody>
              {asn.lines.map((l) => (
                <tr key={l.lineNo}>
                  <td>{l.lineNo}</td>
                  <td>{l.orderLineNo}</td>
                  <td className="mono">{l.sku}</td>
                  <td>{itemName(l.itemName, l.itemNameEn, i18n.language)}</td>
                  <td className="mono">{l.lot || '—'}</td>
                  <td>{l.expiry || '—'}</td>
                  <td className="num">{formatQty(l.quantity)}</td>
                  <td className="num">{formatQty(l.qtyReceived)}</td>
                  <td>
                    <Progress percent={l.quantity > 0 ? (100 * l.qtyReceived) / l.quantity : 0} />
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
        </section>

        <section aria-labelledby="asn-units-title">
          <h3 id="asn-units-title">{t('dock.detail.units')}</h3>
          <table className="data-table" data-testid="asn-units">
            <thead>
              <tr>
                <th scope="col">#</th>
                <th scope="col">{t('dock.fields.kind')}</th>
                <th scope="col">SSCC</th>
                <th scope="col">{t('dock.fields.contents')}</th>
                <th scope="col">{t('dock.fields.status')}</th>
                <th scope="col">{t('dock.fields.receivedAtBy')}</th>
              </tr>
            </thead>
            <tbody>
              {asn.units.map((u) => (
                <tr key={u.id}>
                  <td>{u.position}</td>
                  <td>{t(`dock.kinds.${u.kind}`)}</td>
                  <td className="mono sscc" data-sscc={u.sscc}>
                    {formatSscc(u.sscc, asn.companyPrefix?.length)}
                  </td>
                  <td>
                    {u.contents
                      .map((c) => `${formatQty(c.quantity)} × ${lineOf(c.lineNo)?.sku ?? `#${c.lineNo}`}`)
                      .join(t('dock.listSeparator'))}
                  </td>
                  <td>
                    <span className={u.status === 'received' ? 'chip tone-good' : 'chip tone-muted'}>
                      {t(`dock.unitStatuses.${u.status}`)}
                    </span>
                  </td>
                  <td>{u.receivedAt ? `${formatWhen(u.receivedAt, lang)} · ${u.receivedBy ?? '—'}` : '—'}</td>
                </tr>
              ))}
            </tbody>
          </table>
        </section>

        <section aria-labelledby="asn-receipts-title">
          <h3 id="asn-receipts-title">{t('dock.detail.receipts')}</h3>
          {asn.receipts.length === 0 ? (
            <p className="muted">{t('dock.detail.noReceipts')}</p>
          ) : (
            <table className="data-table">
              <thead>
                <tr>
                  <th scope="col">{t('dock.fields.when')}</th>
                  <th scope="col">{t('dock.fields.by')}</th>
                  <th scope="col">{t('dock.fields.what')}</th>
                  <th scope="col" className="num">
                    {t('dock.fields.quantity')}
                  </th>
                  <th scope="col">{t('dock.fields.scan')}</th>
                </tr>
              </thead>
              <tbody>
                {asn.receipts.map((r) => {
                  const unit = unitOf(r.unitId);
                  return (
                    <tr key={r.id}>
                      <td>{formatWhen(r.at, lang)}</td>
                      <td>{r.actor}</td>
                      <td>
                        {unit ? `${t(`dock.kinds.${unit.kind}`)} ${unit.position}` : (lineOf(r.lineNo)?.sku ?? '—')}
                      </td>
                      <td className="num">{formatQty(r.quantity)}</td>
                      <td>
                        <ScanText scan={r.scan} className="mono scan-cell" />
                      </td>
                    </tr>
                  );
                })}
              </tbody>
            </table>
          )}
        </section>

        {asn.discrepancies.length > 0 ? (
          <section aria-labelledby="asn-disc-title">
            <h3 id="asn-disc-title">{t('dock.detail.discrepancies')}</h3>
            <table className="data-table">
              <thead>
                <tr>
                  <th scope="col">{t('dock.fields.kind')}</th>
                  <th scope="col">{t('dock.fields.what')}</th>
                  <th scope="col" className="num">
                    {t('dock.fields.expected')}
                  </th>
                  <th scope="col" className="num">
                    {t('dock.fields.received')}
                  </th>
                  <th scope="col">{t('dock.fields.by')}</th>
                  <th scope="col">{t('dock.fields.note')}</th>
                </tr>
              </thead>
              <tbody>
                {asn.discrepancies.map((x) => {
                  const unit = unitOf(x.unitId);
                  return (
                    <tr key={x.id}>
                      <td>
                        <span className={x.kind === 'overage' ? 'chip chip-warn' : 'chip tone-bad'}>
                          {t(`dock.discrepancyKinds.${x.kind}`)}
                        </span>
                      </td>
                      <td>
                        {unit
                          ? `${t(`dock.kinds.${unit.kind}`)} ${unit.position} · ${formatSscc(unit.sscc, asn.companyPrefix?.length)}`
                          : (lineOf(x.lineNo)?.sku ?? '—')}
                      </td>
                      <td className="num">{formatQty(x.expected)}</td>
                      <td className="num">{formatQty(x.received)}</td>
                      <td>
                        {x.actor} · {formatWhen(x.at, lang)}
                        {x.approvedBy ? ` · ${t('dock.detail.approvedBy', { by: x.approvedBy })}` : ''}
                      </td>
                      <td>{x.note ?? '—'}</td>
                    </tr>
                  );
                })}
              </tbody>
            </table>
          </section>
        ) : null}

        {asn.appointments.length > 0 ? (
          <section aria-labelledby="asn-appt-title">
            <h3 id="asn-appt-title">{t('dock.detail.appointments')}</h3>
            <ul className="plain-list">
              {asn.appointments.map((a) => (
                <li key={a.id}>
                  {t('dock.fields.dock')} <strong>{a.dock}</strong> · {formatWhen(a.slotStart, lang)}–
                  {formatWhen(a.slotEnd, lang)} <AppointmentStatusChip status={a.status} />
                </li>
              ))}
            </ul>
          </section>
        ) : null}
      </div>

      {dialog === 'print' ? <PrintLabelsDialog asnId={asn.id} onClose={() => setDialog(null)} /> : null}
      {dialog === 'cancel' ? (
        <CancelAsnDialog
          asn={asn}
          onCancel={() => setDialog(null)}
          onDone={() => {
            setDialog(null);
            void load();
          }}
        />
      ) : null}
      {dialog === 'close' ? (
        <CloseAsnDialog
          asn={asn}
          onCancel={() => setDialog(null)}
          onDone={() => {
            setDialog(null);
            void load();
          }}
        />
      ) : null}
    </div>
  );
}
