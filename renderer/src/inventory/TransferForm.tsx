import { useRef, useState } from 'react';
import { useTranslation } from 'react-i18next';
import type { AppErrorData, FieldIssue } from '../../../core/errors.ts';
import { shipTransferFields } from '../../../core/inventory/schemas.ts';
import { toFieldIssues } from '../../../core/validation.ts';
import { oms } from '../api/client.ts';
import { errorText, issueText } from '../i18n/messages.ts';
import { useUi } from '../state/ui.ts';
import type { Catalog } from './catalog.ts';
import { Dialog, DialogFooter } from './Dialog.tsx';
import { formatQty, itemName, parseQty } from './format.ts';

interface Line {
  key: number;
  sku: string;
  quantity: string;
  lot: string;
}

/** A transfer to start from, e.g. a confirmed replenishment proposal (linked by its id). */
export interface TransferDraft {
  fromWarehouseId: string;
  toWarehouseId: string;
  lines: { sku: string; quantity: number }[];
  proposalId: string;
  /** Shown under the title: where the draft came from. */
  origin: string;
}

interface Props {
  catalog: Catalog;
  draft?: TransferDraft;
  onCancel: () => void;
  onShipped: (transferId: string) => void;
}

type Issues = Record<string, FieldIssue>;

let lineSeq = 0;
const newLine = (): Line => ({ key: ++lineSeq, sku: '', quantity: '', lot: '' });

/** A new transfer: from, to, lines of SKU + quantity (+ lot). Saving ships it (stock goes in transit). */
export function TransferForm({ catalog, draft, onCancel, onShipped }: Props) {
  const { t, i18n } = useTranslation();
  const lang = i18n.language;
  const showToast = useUi((s) => s.showToast);
  const [from, setFrom] = useState(draft?.fromWarehouseId ?? '');
  const [to, setTo] = useState(draft?.toWarehouseId ?? '');
  const [note, setNote] = useState('');
  const [lines, setLines] = useState<Line[]>(() =>
    draft && draft.lines.length > 0
      ? draft.lines.map((l) => ({ ...newLine(), sku: l.sku, quantity: String(l.quantity) }))
      : [newLine()],
  );
  const [issues, setIssues] = useState<Issues>({});
  const [failure, setFailure] = useState<AppErrorData | null>(null);
  const [saving, setSaving] = useState(false);
  const bodyRef = useRef<HTMLDivElement>(null);

  const clear = (path: string) =>
    setIssues((prev) => {
      if (!(path in prev)) return prev;
      const next = { ...prev };
      delete next[path];
      return next;
    });

  const setLine = (index: number, patch: Partial<Line>) => {
    setLines((prev) => prev.map((l, i) => (i === index ? { ...l, ...patch } : l)));
    for (const k of Object.keys(patch)) clear(`lines.${index}.${k}`);
  };

  const focusFirstIssue = () =>
    requestAnimationFrame(() => bodyRef.current?.querySelector<HTMLElement>('[aria-invalid="true"]')?.focus());

  const submit = async () => {
    if (saving) return;
    setFailure(null);
    const found: FieldIssue[] = [];
    const payloadLines = lines.map((l, i) => {
      const item = catalog.itemBySku(l.sku);
      if (l.sku.trim() && !item)
        found.push({ path: `lines.${i}.sku`, code: 'unknown-sku', params: { sku: l.sku.trim() } });
      const qty = parseQty(l.quantity);
      if (l.quantity.trim() && qty === null) found.push({ path: `lines.${i}.quantity`, code: 'invalid-number' });
      return {
        itemId: item?.id ?? '',
        quantity: qty ?? undefined,
        ...(l.lot.trim() ? { lot: l.lot.trim() } : {}),
      };
    });
    if (from && to && from === to) found.push({ path: 'toWarehouseId', code: 'same-warehouse' });
    const parsed = shipTransferFields.safeParse({
      fromWarehouseId: from || undefined,
      toWarehouseId: to || undefined,
      lines: payloadLines,
      proposalId: draft?.proposalId ?? null,
      note: note.trim() || undefined,
    });
    const all = [...found];
    if (!parsed.success)
      for (const issue of toFieldIssues(parsed.error)) {
        const path = issue.path.replace(/\.itemId$/, '.sku');
        // An empty SKU reads better as "required" than as a malformed id.
        const code = path.endsWith('.sku') ? 'required' : issue.code;
        all.push({ ...issue, path, code });
      }
    const next: Issues = {};
    for (const issue of all) next[issue.path] ??= issue;
    setIssues(next);
    if (!parsed.success || found.length > 0) {
      focusFirstIssue();
      return;
    }
    setSaving(true);
    const result = await oms['inventory.shipTransfer'](parsed.data);
    setSaving(false);
    if (!result.ok) {
      setFailure(result.error);
      const fields = result.error.details?.fields ?? [];
      if (fields.length > 0) {
        const mapped: Issues = {};
        for (const f of fields) mapped[f.path.replace(/\.itemId$/, '.sku')] ??= f;
        setIssues(mapped);
        focusFirstIssue();
      }
      return;
    }
    const total = result.data.lines.reduce((s, l) => s + l.qtyShipped, 0);
    showToast(t('inventory.transfers.shipped', { number: result.data.number, qty: formatQty(total) }));
    onShipped(result.data.id);
  };

  const errorOf = (path: string) => issues[path];
  const control = (path: string) => {
    const issue = errorOf(path);
    return {
      id: `tr-${path.replaceAll('.', '-')}`,
      'aria-invalid': issue ? true : undefined,
      'aria-describedby': issue ? `tr-${path.replaceAll('.', '-')}-error` : undefined,
    } as const;
  };
  const message = (path: string) => {
    const issue = errorOf(path);
    return issue ? (
      <p id={`tr-${path.replaceAll('.', '-')}-error`} className="field-error">
        {issueText(t, issue)}
      </p>
    ) : null;
  };
  const warehouseSelect = (path: 'fromWarehouseId' | 'toWarehouseId', value: string, set: (v: string) => void) => (
    <select
      {...control(path)}
      value={value}
      onChange={(e) => {
        set(e.target.value);
        clear(path);
      }}
    >
      <option value="">{t('inventory.choose')}</option>
      {catalog.warehouses.map((w) => (
        <option key={w.id} value={w.id}>
          {w.code} · {w.name}
        </option>
      ))}
    </select>
  );

  const listIssue = errorOf('lines');
  return (
    <Dialog
      title={t('inventory.transfers.newTitle')}
      subtitle={draft?.origin}
      onCancel={onCancel}
      onSubmit={() => void submit()}
      footer={
        <DialogFooter
          keys={t('inventory.transfers.keys')}
          confirm={t('inventory.transfers.ship')}
          saving={saving}
          onCancel={onCancel}
        />
      }
    >
      {failure ? (
        <div className="banner banner-error" role="alert" tabIndex={-1}>
          <p>{errorText(t, failure)}</p>
        </div>
      ) : Object.keys(issues).length > 0 ? (
        <div className="banner banner-error" role="alert">
          <p>{t('form.fixFields')}</p>
        </div>
      ) : null}
      <div className="form-body" ref={bodyRef}>
        <div className="form-grid">
          <div className="field">
            <div className="label-row">
              <label htmlFor={control('fromWarehouseId').id}>{t('inventory.transfers.from')}</label>
              <span className="req" aria-hidden="true">
                *
              </span>
            </div>
            {warehouseSelect('fromWarehouseId', from, setFrom)}
            {message('fromWarehouseId')}
          </div>
          <div className="field">
            <div className="label-row">
              <label htmlFor={control('toWarehouseId').id}>{t('inventory.transfers.to')}</label>
              <span className="req" aria-hidden="true">
                *
              </span>
            </div>
            {warehouseSelect('toWarehouseId', to, setTo)}
            {message('toWarehouseId')}
          </div>
          <fieldset className="rows span-2" aria-invalid={listIssue ? true : undefined}>
            <legend>{t('inventory.transfers.linesTitle')}</legend>
            {listIssue ? <p className="field-error">{issueText(t, listIssue)}</p> : null}
            {lines.map((line, index) => {
              const item = line.sku.trim() ? catalog.itemBySku(line.sku) : undefined;
              return (
                <div className="row-card" key={line.key} role="group" aria-label={t('form.row', { index: index + 1 })}>
                  <div className="row-fields">
                    <div className="field">
                      <label htmlFor={control(`lines.${index}.sku`).id}>{t('inventory.columns.sku')}</label>
                      <input
                        {...control(`lines.${index}.sku`)}
                        type="text"
                        list="tr-sku-list"
                        autoComplete="off"
                        spellCheck={false}
                        value={line.sku}
                        onChange={(e) => setLine(index, { sku: e.target.value.toUpperCase() })}
                      />
                      {message(`lines.${index}.sku`) ??
                        (item ? <p className="field-hint">{itemName(item.name, item.nameEn, lang)}</p> : null)}
                    </div>
                    <div className="field">
                      <label htmlFor={control(`lines.${index}.quantity`).id}>{t('inventory.transfers.quantity')}</label>
                      <input
                        {...control(`lines.${index}.quantity`)}
                        type="text"
                        inputMode="numeric"
                        className="num"
                        autoComplete="off"
                        value={line.quantity}
                        onChange={(e) => setLine(index, { quantity: e.target.value })}
                      />
                      {message(`lines.${index}.quantity`)}
                    </div>
                    <div className="field">
                      <label htmlFor={control(`lines.${index}.lot`).id}>{t('inventory.transfers.lotOptional')}</label>
                      <input
                        {...control(`lines.${index}.lot`)}
                        type="text"
                        autoComplete="off"
                        spellCheck={false}
                        value={line.lot}
                        onChange={(e) => setLine(index, { lot: e.target.value })}
                      />
                      {message(`lines.${index}.lot`)}
                    </div>
                  </div>
                  <button
                    type="button"
                    className="btn btn-quiet row-remove"
                    disabled={lines.length === 1}
                    onClick={() => {
                      setLines((prev) => prev.filter((_, i) => i !== index));
                      setIssues({});
                    }}
                  >
                    {t('common.remove')}
                  </button>
                </div>
              );
            })}
            <button
              type="button"
              className="btn btn-small"
              onClick={() => {
                const index = lines.length;
                setLines((prev) => [...prev, newLine()]);
                requestAnimationFrame(() => document.getElementById(`tr-lines-${index}-sku`)?.focus());
              }}
            >
              {t('form.addRow')}
            </button>
          </fieldset>
          <datalist id="tr-sku-list">
            {catalog.items.map((i) => (
              <option key={i.id} value={i.sku}>
                {itemName(i.name, i.nameEn, lang)}
              </option>
            ))}
          </datalist>
          <div className="field span-2">
            <label htmlFor="tr-note">{t('inventory.transfers.note')}</label>
            <input id="tr-note" type="text" autoComplete="off" value={note} onChange={(e) => setNote(e.target.value)} />
          </div>
        </div>
      </div>
    </Dialog>
  );
}
