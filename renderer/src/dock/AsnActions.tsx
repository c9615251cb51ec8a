import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import type { AsnDetail } from '../../../core/api/dock.api.ts';
import type { AppErrorData } from '../../../core/errors.ts';
import { oms } from '../api/client.ts';
import { errorText } from '../i18n/messages.ts';
import { Dialog, DialogFooter } from '../inventory/Dialog.tsx';
import { formatQty } from '../inventory/format.ts';
import { useUi } from '../state/ui.ts';

/**
 * Close an ASN with what arrived: every line short of its announced quantity becomes a
 * shortage, every unscanned handling unit a missing unit (the command records them).
 */
export function CloseAsnDialog({
  asn,
  onCancel,
  onDone,
}: {
  asn: AsnDetail;
  onCancel: () => void;
  onDone: () => void;
}) {
  const { t } = useTranslation();
  const showToast = useUi((s) => s.showToast);
  const [note, setNote] = useState('');
  const [saving, setSaving] = useState(false);
  const [failure, setFailure] = useState<AppErrorData | null>(null);
  const short = asn.lines.filter((l) => l.qtyReceived < l.quantity);
  const missing = asn.units.filter((u) => u.status === 'expected');
  const submit = async () => {
    if (saving) return;
    setSaving(true);
    const r = await oms['asns.close']({ asnId: asn.id, expectedVersion: asn.version, note });
    setSaving(false);
    if (!r.ok) return setFailure(r.error);
    showToast(t('dock.actions.closed', { asn: asn.number, shortages: r.data.shortages, missing: r.data.missingUnits }));
    onDone();
  };
  return (
    <Dialog
      title={t('dock.actions.closeTitle', { asn: asn.number })}
      onCancel={onCancel}
      onSubmit={() => void submit()}
      size="wide"
      footer={
        <DialogFooter
          keys={t('dock.keys.form')}
          confirm={t('dock.actions.closeConfirm')}
          saving={saving}
          onCancel={onCancel}
          danger={short.length > 0 || missing.length > 0}
        />
      }
    >
      {failure ? (
        <div className="banner banner-error" role="alert">
          <p>{errorText(t, failure)}</p>
        </div>
      ) : null}
      <div className="form-body">
        {short.length === 0 && missing.length === 0 ? (
          <p>{t('dock.actions.closeComplete')}</p>
        ) : (
          <>
            <p>{t('dock.actions.closeExplain')}</p>
            <table className="data-table">
              <thead>
                <tr>
                  <th scope="col">{t('dock.fields.sku')}</th>
                  <th scope="col">{t('dock.fields.item')}</th>
                  <th scope="col" className="num">
                    {t('dock.fields.announced')}
                  </th>
                  <th scope="col" className="num">
                    {t('dock.fields.received')}
                  </th>
                  <th scope="col" className="num">
                    {t('dock.fields.short')}
                  </th>
                </tr>
              </thead>
              <tbody>
                {short.map((l) => (
                  <tr key={l.lineNo}>
                    <td className="mono">{l.sku}</td>
                    <td>{l.itemName}</td>
                    <td className="num">{formatQty(l.quantity)}</td>
                    <td className="num">{formatQty(l.qtyReceived)}</td>
                    <td className="num">{formatQty(l.quantity - l.qtyReceived)}</td>
                  </tr>
                ))}
              </tbody>
            </table>
            {missing.length > 0 ? <p>{t('dock.actions.missingUnits', { count: missing.length })}</p> : null}
          </>
        )}
        <div className="field">
          <label htmlFor="dock-close-note">{t('dock.fields.note')}</label>
          <input
            id="dock-close-note"
            type="text"
            value={note}
            maxLength={300}
            onChange={(e) => setNote(e.target.value)}
          />
        </div>
      </div>
    </Dialog>
  );
}

/** A supplier withdraws an ASN that has not arrived (its appointments are cancelled with it). */
export function CancelAsnDialog({
  asn,
  onCancel,
  onDone,
}: {
  asn: AsnDetail;
  onCancel: () => void;
  onDone: () => void;
}) {
  const { t } = useTranslation();
  const showToast = useUi((s) => s.showToast);
  const [reason, setReason] = useState('');
  const [saving, setSaving] = useState(false);
  const [failure, setFailure] = useState<AppErrorData | null>(null);
  const [missing, setMissing] = useState(false);
  const submit = async () => {
    if (saving) return;
    if (reason.trim() === '') return setMissing(true);
    setSaving(true);
    const r = await oms['asns.cancel']({ asnId: asn.id, expectedVersion: asn.version, reason });
    setSaving(false);
    if (!r.ok) return setFailure(r.error);
    showToast(t('dock.actions.cancelled', { asn: asn.number }));
    onDone();
  };
  return (
    <Dialog
      title={t('dock.actions.cancelTitle', { asn: asn.number })}
      onCancel={onCancel}
      onSubmit={() => void submit()}
      footer={
        <DialogFooter
          keys={t('dock.keys.form')}
          confirm={t('dock.actions.cancelConfirm')}
          saving={saving}
          onCancel={onCancel}
          danger
        />
      }
    >
      {failure ? (
        <div className="banner banner-error" role="alert">
          <p>{errorText(t, failure)}</p>
        </div>
      ) : null}
      <div className="form-body">
        <div className="field">
          <label htmlFor="dock-cancel-reason">{t('dock.fields.reason')}</label>
          <input
            id="dock-cancel-reason"
            type="text"
            value={reason}
            maxLength={300}
            aria-invalid={missing ? true : undefined}
            onChange={(e) => {
              setReason(e.target.value);
              setMissing(false);
            }}
          />
          {missing ? <p className="field-error">{t('validation.required')}</p> : null}
        </div>
      </div>
    </Dialog>
  );
}
