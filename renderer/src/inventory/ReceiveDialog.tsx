import { useEffect, useRef, useState } from 'react';
import { useTranslation } from 'react-i18next';
import type { z } from 'zod';
import type { transferRecord } from '../../../core/api/inventory.api.ts';
import type { AppErrorData, FieldIssue } from '../../../core/errors.ts';
import { oms } from '../api/client.ts';
import { errorText, issueText } from '../i18n/messages.ts';
import { useUi } from '../state/ui.ts';
import { Dialog, DialogFooter } from './Dialog.tsx';
import { formatQty, parseQty } from './format.ts';

type TransferRecord = z.output<typeof transferRecord>;

interface Props {
  transferId: string;
  onCancel: () => void;
  onReceived: (transferId: string) => void;
}

/** Receive an in-transit transfer: per line, what arrived (all that is outstanding by default). */
export function ReceiveDialog({ transferId, onCancel, onReceived }: Props) {
  const { t } = useTranslation();
  const showToast = useUi((s) => s.showToast);
  const [transfer, setTransfer] = useState<TransferRecord | null>(null);
  const [qty, setQty] = useState<Record<number, string>>({});
  const [issues, setIssues] = useState<Record<number, FieldIssue>>({});
  const [failure, setFailure] = useState<AppErrorData | null>(null);
  const [saving, setSaving] = useState(false);
  const bodyRef = useRef<HTMLDivElement>(null);

  useEffect(() => {
    let alive = true;
    void oms['inventory.transfer']({ id: transferId }).then((result) => {
      if (!alive) return;
      if (!result.ok) {
        setFailure(result.error);
        return;
      }
      setTransfer(result.data);
      setQty(
        Object.fromEntries(result.data.lines.map((l) => [l.lineNo, String(Math.max(l.qtyShipped - l.qtyReceived, 0))])),
      );
      requestAnimationFrame(() => {
        const first = bodyRef.current?.querySelector<HTMLInputElement>('input:not([disabled])');
        first?.focus();
        first?.select();
      });
    });
    return () => {
      alive = false;
    };
  }, [transferId]);

  const submit = async () => {
    if (saving || !transfer) return;
    setFailure(null);
    const found: Record<number, FieldIssue> = {};
    const lines: { lineNo: number; quantity: number }[] = [];
    for (const l of transfer.lines) {
      const outstanding = l.qtyShipped - l.qtyReceived;
      if (outstanding <= 0) continue;
      const text = qty[l.lineNo] ?? '';
      if (!text.trim()) continue;
      const n = parseQty(text);
      if (n === null || n < 0) found[l.lineNo] = { path: String(l.lineNo), code: 'invalid-number' };
      else if (n > outstanding)
        found[l.lineNo] = { path: String(l.lineNo), code: 'too-big', params: { max: outstanding } };
      else if (n > 0) lines.push({ lineNo: l.lineNo, quantity: n });
    }
    setIssues(found);
    if (Object.keys(found).length > 0) {
      requestAnimationFrame(() => bodyRef.current?.querySelector<HTMLElement>('[aria-invalid="true"]')?.focus());
      return;
    }
    if (lines.length === 0) {
      setFailure({ code: 'validation.invalid-input', message: '' });
      return;
    }
    setSaving(true);
    const result = await oms['inventory.receiveTransfer']({ transferId: transfer.id, lines });
    setSaving(false);
    if (!result.ok) {
      setFailure(result.error);
      return;
    }
    const total = lines.reduce((s, l) => s + l.quantity, 0);
    showToast(
      t(result.data.status === 'received' ? 'inventory.transfers.receivedAll' : 'inventory.transfers.receivedPart', {
        number: result.data.number,
        qty: formatQty(total),
      }),
    );
    onReceived(result.data.id);
  };

  return (
    <Dialog
      title={t('inventory.transfers.receiveTitle', { number: transfer?.number ?? '' })}
      subtitle={transfer ? `${transfer.fromCode} → ${transfer.toCode}` : undefined}
      onCancel={onCancel}
      onSubmit={() => void submit()}
      size="wide"
      footer={
        <DialogFooter
          keys={t('inventory.transfers.receiveKeys')}
          confirm={t('inventory.transfers.confirmReceive')}
          saving={saving}
          onCancel={onCancel}
          disabled={!transfer}
        />
      }
    >
      {failure ? (
        <div className="banner banner-error" role="alert" tabIndex={-1}>
          <p>
            {failure.code === 'validation.invalid-input' && !failure.details
              ? t('inventory.transfers.nothingToReceive')
              : errorText(t, failure)}
          </p>
        </div>
      ) : null}
      <div className="form-body" ref={bodyRef}>
        {!transfer ? (
          <p className="muted">{t('common.loading')}</p>
        ) : (
          <table className="data-table">
            <thead>
              <tr>
                <th scope="col">#</th>
                <th scope="col">{t('inventory.columns.sku')}</th>
                <th scope="col">{t('inventory.columns.item')}</th>
                <th scope="col">{t('inventory.columns.lot')}</th>
                <th scope="col" className="num">
                  {t('inventory.transfers.qtyShipped')}
                </th>
                <th scope="col" className="num">
                  {t('inventory.transfers.qtyReceived')}
                </th>
                <th scope="col" className="num">
                  {t('inventory.transfers.outstanding')}
                </th>
                <th scope="col" className="num">
                  {t('inventory.transfers.receiveNow')}
                </th>
              </tr>
            </thead>
            <tbody>
              {transfer.lines.map((l) => {
                const outstanding = l.qtyShipped - l.qtyReceived;
                const issue = issues[l.lineNo];
                const id = `rcv-${l.lineNo}`;
                return (
                  <tr key={l.lineNo}>
                    <td>{l.lineNo}</td>
                    <td className="mono">{l.sku}</td>
                    <td>{l.itemName}</td>
                    <td className="mono">{l.lot || '—'}</td>
                    <td className="num">{formatQty(l.qtyShipped)}</td>
                    <td className="num">{formatQty(l.qtyReceived)}</td>
                    <td className="num">{formatQty(outstanding)}</td>
                    <td className="num cell-input">
                      <label htmlFor={id} className="visually-hidden">
                        {t('inventory.transfers.receiveLine', { line: l.lineNo, sku: l.sku })}
                      </label>
                      <input
                        id={id}
                        type="text"
                        inputMode="numeric"
                        className="num"
                        autoComplete="off"
                        disabled={outstanding <= 0}
                        value={qty[l.lineNo] ?? ''}
                        aria-invalid={issue ? true : undefined}
                        aria-describedby={issue ? `${id}-error` : undefined}
                        onChange={(e) => {
                          const value = e.target.value;
                          setQty((prev) => ({ ...prev, [l.lineNo]: value }));
                        }}
                      />
                      {issue ? (
                        <p id={`${id}-error`} className="field-error">
                          {issueText(t, issue)}
                        </p>
                      ) : null}
                    </td>
                  </tr>
                );
              })}
            </tbody>
          </table>
        )}
      </div>
    </Dialog>
  );
}
