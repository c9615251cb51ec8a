import { useTranslation } from 'react-i18next';
import type { AsnDetail } from '../../../core/api/dock.api.ts';
import { oms } from '../api/client.ts';
import { ConfirmDialog } from '../app/ConfirmDialog.tsx';
import { formatQty, itemName } from '../inventory/format.ts';
import { formatSscc } from './format.ts';
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
  const { t, i18n } = useTranslation();
  const showToast = useUi((s) => s.showToast);
  const short = asn.lines.filter((l) => l.qtyReceived < l.quantity);
  const missing = asn.units.filter((u) => u.status === 'expected');
  return (
    <ConfirmDialog
      title={t('dock.actions.closeTitle', { asn: asn.number })}
      size="wide"
      keys={t('dock.keys.form')}
      confirm={t('dock.actions.closeConfirm')}
      danger={short.length > 0 || missing.length > 0}
      reason={{ id: 'dock-close-note', label: t('dock.fields.note'), required: false, maxLength: 300 }}
      run={(note) => oms['asns.close']({ asnId: asn.id, expectedVersion: asn.version, note })}
      onCancel={onCancel}
      onDone={(r) => {
        showToast(t('dock.actions.closed', { asn: asn.number, shortages: r.shortages, missing: r.missingUnits }));
        onDone();
      }}
    >
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
                  <td>{itemName(l.itemName, l.itemNameEn, i18n.language)}</td>
                  <td className="num">{formatQty(l.quantity)}</td>
                  <td className="num">{formatQty(l.qtyReceived)}</td>
                  <td className="num">{formatQty(l.quantity - l.qtyReceived)}</td>
                </tr>
              ))}
            </tbody>
          </table>
          {missing.length > 0 ? (
            <>
              <p>{t('dock.actions.missingUnits', { count: missing.length })}</p>
              <ul className="unit-list">
                {missing.map((u) => (
                  <li key={u.id} className="unit">
                    <span className="unit-pos">
                      {t(`dock.kinds.${u.kind}`)} {u.position}
                    </span>
                    <span className="mono">{formatSscc(u.sscc, asn.companyPrefix?.length)}</span>
                  </li>
                ))}
              </ul>
            </>
          ) : null}
        </>
      )}
    </ConfirmDialog>
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
  return (
    <ConfirmDialog
      title={t('dock.actions.cancelTitle', { asn: asn.number })}
      keys={t('dock.keys.form')}
      confirm={t('dock.actions.cancelConfirm')}
      danger
      reason={{ id: 'dock-cancel-reason', label: t('dock.fields.reason'), required: true, maxLength: 300 }}
      run={(reason) => oms['asns.cancel']({ asnId: asn.id, expectedVersion: asn.version, reason })}
      onCancel={onCancel}
      onDone={() => {
        showToast(t('dock.actions.cancelled', { asn: asn.number }));
        onDone();
      }}
    />
  );
}
