import { useEffect, useMemo, useRef, useState, type ReactNode } from 'react';
import { useTranslation } from 'react-i18next';
import type { z } from 'zod';
import type { freezePreview } from '../../../core/api/inventory.api.ts';
import type { AppErrorData, FieldIssue } from '../../../core/errors.ts';
import { oms } from '../api/client.ts';
import { errorText, issueText } from '../i18n/messages.ts';
import { useUi } from '../state/ui.ts';
import type { Catalog } from './catalog.ts';
import { Dialog } from './Dialog.tsx';
import {
  checkFreeze,
  normaliseDate,
  toggleId,
  type FreezeField,
  type FreezeMode,
  type FreezeValues,
} from './freeze.ts';
import { formatQty, itemName, type GridRow } from './format.ts';
import { useDebounced } from './useDebounced.ts';

type Preview = z.output<typeof freezePreview>;

interface Props {
  catalog: Catalog;
  /** The grid row selected when the dialog opened: its item and lot are the starting point. */
  initial: GridRow | null;
  onCancel: () => void;
  onDone: () => void;
}

const MODES = ['freeze', 'unfreeze'] as const satisfies readonly FreezeMode[];

/**
 * Freeze or unfreeze a lot and/or an expiry range, in some or all warehouses. The preview is the
 * same query the command runs, re-run as the clerk types; Confirm runs the command.
 */
export function FreezeDialog({ catalog, initial, onCancel, onDone }: Props) {
  const { t, i18n } = useTranslation();
  const lang = i18n.language;
  const showToast = useUi((s) => s.showToast);
  const allIds = useMemo(() => catalog.warehouses.map((w) => w.id), [catalog.warehouses]);
  const [values, setValues] = useState<FreezeValues>(() => ({
    mode: 'freeze',
    sku: initial?.sku ?? '',
    lot: initial?.lot ?? '',
    expiryFrom: '',
    expiryTo: '',
    warehouseIds: allIds,
    reason: '',
  }));
  const [tried, setTried] = useState(false);
  const [failure, setFailure] = useState<AppErrorData | null>(null);
  const [saving, setSaving] = useState(false);
  const [preview, setPreview] = useState<Preview | null>(null);
  const [previewError, setPreviewError] = useState<AppErrorData | null>(null);
  const [previewing, setPreviewing] = useState(false);
  const bodyRef = useRef<HTMLDivElement>(null);
  const requestSeq = useRef(0);

  const resolveSku = (sku: string) => catalog.itemBySku(sku)?.id ?? null;
  const check = checkFreeze(values, resolveSku, allIds.length);
  const selectorKey = check.selector ? JSON.stringify({ s: check.selector, m: values.mode }) : '';
  const settledKey = useDebounced(selectorKey, 300);

  // The preview follows the selector (debounced); an older answer never overwrites a newer one.
  useEffect(() => {
    const seq = ++requestSeq.current;
    if (!settledKey) {
      setPreview(null);
      setPreviewError(null);
      setPreviewing(false);
      return;
    }
    const { s, m } = JSON.parse(settledKey) as { s: NonNullable<typeof check.selector>; m: FreezeMode };
    setPreviewing(true);
    void oms['inventory.freezePreview']({ selector: s, mode: m }).then((result) => {
      if (seq !== requestSeq.current) return;
      setPreviewing(false);
      if (result.ok) {
        setPreview(result.data);
        setPreviewError(null);
      } else {
        setPreview(null);
        setPreviewError(result.error);
      }
    });
  }, [settledKey]);

  const set = <K extends keyof FreezeValues>(key: K, value: FreezeValues[K]) => {
    setValues((prev) => ({ ...prev, [key]: value }));
    setFailure(null);
  };

  const issueOf = (field: FreezeField): FieldIssue | undefined => {
    const issue = check.issues[field];
    if (!issue) return undefined;
    // An unknown SKU is worth saying at once; the rest once the clerk tries to confirm.
    return tried || field === 'sku' ? issue : undefined;
  };

  const submit = async () => {
    if (saving) return;
    setTried(true);
    setFailure(null);
    if (!check.selector || Object.keys(check.issues).length > 0) {
      requestAnimationFrame(() => bodyRef.current?.querySelector<HTMLElement>('[aria-invalid="true"]')?.focus());
      return;
    }
    setSaving(true);
    const args = { selector: check.selector, reason: values.reason.trim() };
    const result =
      values.mode === 'freeze' ? await oms['inventory.freeze'](args) : await oms['inventory.unfreeze'](args);
    setSaving(false);
    if (!result.ok) {
      setFailure(result.error);
      return;
    }
    const list = result.data.warehouses
      .filter((w) => w.quantity > 0)
      .map((w) => `${w.warehouseCode} ${formatQty(w.quantity)}`)
      .join(' · ');
    const released = result.data.warehouses.reduce((s, w) => s + w.releasedReservations, 0);
    const text = t(values.mode === 'freeze' ? 'inventory.freeze.doneFreeze' : 'inventory.freeze.doneUnfreeze', {
      total: formatQty(result.data.total),
      list,
    });
    showToast(
      released > 0
        ? `${text} ${t('inventory.freeze.doneReleased', { count: released, qty: formatQty(released) })}`
        : text,
    );
    onDone();
  };

  const item = values.sku.trim() ? catalog.itemBySku(values.sku) : undefined;
  const skuIssue = issueOf('sku');
  const field = (
    key: FreezeField,
    label: string,
    input: (common: { id: string; 'aria-invalid'?: true; 'aria-describedby'?: string }) => ReactNode,
    options: { hint?: string; required?: boolean; span2?: boolean } = {},
  ) => {
    const id = `freeze-${key}`;
    const issue = issueOf(key);
    const describedBy = issue ? `${id}-error` : options.hint ? `${id}-hint` : undefined;
    return (
      <div className={options.span2 ? 'field span-2' : 'field'}>
        <div className="label-row">
          <label htmlFor={id}>{label}</label>
          {options.required ? (
            <span className="req" aria-hidden="true">
              *
            </span>
          ) : null}
        </div>
        {input({
          id,
          ...(issue ? { 'aria-invalid': true as const } : {}),
          ...(describedBy ? { 'aria-describedby': describedBy } : {}),
        })}
        {issue ? (
          <p id={`${id}-error`} className="field-error">
            {issueText(t, issue)}
          </p>
        ) : options.hint ? (
          <p id={`${id}-hint`} className="field-hint">
            {options.hint}
          </p>
        ) : null}
      </div>
    );
  };

  const warehousesIssue = issueOf('warehouses');
  const allTicked = values.warehouseIds.length === allIds.length;
  const showReleased = values.mode === 'freeze';
  const shownRows = preview?.warehouses.filter((w) => w.quantity > 0 || w.releasedReservations > 0) ?? [];

  return (
    <Dialog
      title={t('inventory.freeze.title')}
      onCancel={onCancel}
      onSubmit={() => void submit()}
      initialFocus={initial?.lot ? '#freeze-reason' : initial ? '#freeze-lot' : '#freeze-sku'}
      footer={
        <>
          <span className="muted">{t('inventory.freeze.keys')}</span>
          <div className="actions">
            <button type="button" className="btn" onClick={onCancel}>
              {t('common.cancel')}
            </button>
            <button type="submit" className="btn btn-primary" disabled={saving}>
              {saving
                ? t('common.saving')
                : t(values.mode === 'freeze' ? 'inventory.freeze.confirmFreeze' : 'inventory.freeze.confirmUnfreeze')}
            </button>
          </div>
        </>
      }
    >
      {failure ? (
        <div className="banner banner-error" role="alert" tabIndex={-1}>
          <p>{errorText(t, failure)}</p>
        </div>
      ) : null}
      <div className="form-body" ref={bodyRef}>
        <div className="form-grid">
          <fieldset className="radio-row span-2">
            <legend>{t('inventory.freeze.action')}</legend>
            {MODES.map((m) => (
              <label key={m} className="inv-check">
                <input
                  type="radio"
                  name="freeze-mode"
                  value={m}
                  checked={values.mode === m}
                  onChange={() => set('mode', m)}
                />
                {t(`inventory.freeze.modes.${m}`)}
              </label>
            ))}
          </fieldset>
          {field(
            'sku',
            t('inventory.freeze.item'),
            (common) => (
              <input
                {...common}
                type="text"
                list="freeze-sku-list"
                autoComplete="off"
                spellCheck={false}
                value={values.sku}
                onChange={(e) => set('sku', e.target.value.toUpperCase())}
              />
            ),
            {
              hint: skuIssue
                ? undefined
                : item
                  ? itemName(item.name, item.nameEn, lang)
                  : t('inventory.freeze.allItems'),
            },
          )}
          <datalist id="freeze-sku-list">
            {catalog.items.map((i) => (
              <option key={i.id} value={i.sku}>
                {itemName(i.name, i.nameEn, lang)}
              </option>
            ))}
          </datalist>
          {field('lot', t('inventory.columns.lot'), (common) => (
            <input
              {...common}
              type="text"
              autoComplete="off"
              spellCheck={false}
              value={values.lot}
              onChange={(e) => set('lot', e.target.value)}
            />
          ))}
          {field('expiryFrom', t('inventory.freeze.expiryFrom'), (common) => (
            <input
              {...common}
              type="text"
              inputMode="numeric"
              autoComplete="off"
              placeholder={t('inventory.freeze.datePlaceholder')}
              value={values.expiryFrom}
              onChange={(e) => set('expiryFrom', e.target.value)}
              onBlur={(e) => set('expiryFrom', normaliseDate(e.target.value))}
            />
          ))}
          {field('expiryTo', t('inventory.freeze.expiryTo'), (common) => (
            <input
              {...common}
              type="text"
              inputMode="numeric"
              autoComplete="off"
              placeholder={t('inventory.freeze.datePlaceholder')}
              value={values.expiryTo}
              onChange={(e) => set('expiryTo', e.target.value)}
              onBlur={(e) => set('expiryTo', normaliseDate(e.target.value))}
            />
          ))}
          {field(
            'reason',
            t('inventory.freeze.reason'),
            (common) => (
              <input
                {...common}
                type="text"
                autoComplete="off"
                maxLength={320}
                value={values.reason}
                onChange={(e) => set('reason', e.target.value)}
              />
            ),
            { required: true, span2: true, hint: t('inventory.freeze.reasonHint') },
          )}
          <fieldset
            className="wh-picks span-2"
            aria-invalid={warehousesIssue ? true : undefined}
            aria-describedby={warehousesIssue ? 'freeze-warehouses-error' : undefined}
          >
            <legend>{t('inventory.freeze.warehouses')}</legend>
            <label className="inv-check wh-all">
              <input
                type="checkbox"
                checked={allTicked}
                onChange={(e) => set('warehouseIds', e.target.checked ? allIds : [])}
              />
              {t('inventory.allWarehouses')}
            </label>
            <div className="wh-list">
              {catalog.warehouses.map((w) => (
                <label key={w.id} className="inv-check" title={w.name}>
                  <input
                    type="checkbox"
                    checked={values.warehouseIds.includes(w.id)}
                    onChange={(e) => set('warehouseIds', toggleId(allIds, values.warehouseIds, w.id, e.target.checked))}
                  />
                  <span className="mono">{w.code}</span>
                  <span className="wh-name">{w.name}</span>
                </label>
              ))}
            </div>
            {warehousesIssue ? (
              <p id="freeze-warehouses-error" className="field-error">
                {issueText(t, warehousesIssue)}
              </p>
            ) : null}
          </fieldset>
          <section className="preview span-2" aria-labelledby="freeze-preview-title" aria-busy={previewing}>
            <h3 id="freeze-preview-title">
              {t(values.mode === 'freeze' ? 'inventory.freeze.previewFreeze' : 'inventory.freeze.previewUnfreeze')}
              {previewing ? <span className="muted preview-busy">{t('common.loading')}</span> : null}
            </h3>
            {previewError ? (
              <p className="field-error">{errorText(t, previewError)}</p>
            ) : !check.selector ? (
              <p className="muted">{t('inventory.freeze.previewNeeds')}</p>
            ) : preview === null ? (
              <p className="muted">{t('common.loading')}</p>
            ) : preview.total === 0 ? (
              <p className="muted" role="status">
                {t(values.mode === 'freeze' ? 'inventory.freeze.nothingAvailable' : 'inventory.freeze.nothingFrozen')}
              </p>
            ) : (
              <table className="data-table" aria-label={t('inventory.freeze.previewTable')}>
                <thead>
                  <tr>
                    <th scope="col">{t('inventory.columns.warehouse')}</th>
                    <th scope="col" className="num">
                      {t('inventory.freeze.stockLines')}
                    </th>
                    <th scope="col" className="num">
                      {t(values.mode === 'freeze' ? 'inventory.freeze.qtyFreeze' : 'inventory.freeze.qtyUnfreeze')}
                    </th>
                    {showReleased ? (
                      <th scope="col" className="num">
                        {t('inventory.freeze.released')}
                      </th>
                    ) : null}
                  </tr>
                </thead>
                <tbody>
                  {shownRows.map((w) => (
                    <tr key={w.warehouseId}>
                      <th scope="row">
                        <span className="mono">{w.warehouseCode}</span>{' '}
                        <span className="muted">{catalog.warehouseById.get(w.warehouseId)?.name ?? ''}</span>
                      </th>
                      <td className="num">{formatQty(w.buckets)}</td>
                      <td className="num">{formatQty(w.quantity)}</td>
                      {showReleased ? (
                        <td className={w.releasedReservations > 0 ? 'num qty-out' : 'num'}>
                          {formatQty(w.releasedReservations)}
                        </td>
                      ) : null}
                    </tr>
                  ))}
                </tbody>
                <tfoot>
                  <tr>
                    <th scope="row">{t('inventory.freeze.totalIn', { count: shownRows.length })}</th>
                    <td className="num">{formatQty(shownRows.reduce((s, w) => s + w.buckets, 0))}</td>
                    <td className="num">{formatQty(preview.total)}</td>
                    {showReleased ? (
                      <td className="num">{formatQty(shownRows.reduce((s, w) => s + w.releasedReservations, 0))}</td>
                    ) : null}
                  </tr>
                </tfoot>
              </table>
            )}
          </section>
        </div>
      </div>
    </Dialog>
  );
}
