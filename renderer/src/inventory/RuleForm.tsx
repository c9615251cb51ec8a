import { useEffect, useState, type FormEvent } from 'react';
import { useTranslation } from 'react-i18next';
import type { AppErrorData, FieldIssue } from '../../../core/errors.ts';
import { replenishmentRuleFields } from '../../../core/inventory/schemas.ts';
import { toFieldIssues } from '../../../core/validation.ts';
import { oms } from '../api/client.ts';
import { errorText, issueText } from '../i18n/messages.ts';
import { formatDateTime } from '../masterdata/columns.ts';
import { useUi } from '../state/ui.ts';
import type { Catalog } from './catalog.ts';
import { itemName, parseQty } from './format.ts';

type Field = 'sku' | 'warehouseId' | 'minQty' | 'maxQty' | 'safetyStock';
const NUMBERS = ['minQty', 'maxQty', 'safetyStock'] as const;

/** Min / max / safety stock for one item in one warehouse; the current rule is loaded when there is one. */
export function RuleForm({ catalog, onSaved }: { catalog: Catalog; onSaved: () => void }) {
  const { t, i18n } = useTranslation();
  const lang = i18n.language;
  const showToast = useUi((s) => s.showToast);
  const [sku, setSku] = useState('');
  const [warehouseId, setWarehouseId] = useState('');
  const [nums, setNums] = useState<Record<(typeof NUMBERS)[number], string>>({
    minQty: '',
    maxQty: '',
    safetyStock: '',
  });
  const [issues, setIssues] = useState<Partial<Record<Field, FieldIssue>>>({});
  const [failure, setFailure] = useState<AppErrorData | null>(null);
  const [existing, setExisting] = useState<{ updatedAt: string } | null | undefined>(undefined);
  const [saving, setSaving] = useState(false);

  const item = sku.trim() ? catalog.itemBySku(sku) : undefined;
  const itemId = item?.id;

  // The rule already set for this item × warehouse, if any, fills the numbers.
  useEffect(() => {
    setExisting(undefined);
    if (!itemId || !warehouseId) return;
    let alive = true;
    void oms['inventory.rules']({ itemId, warehouseId }).then((result) => {
      if (!alive || !result.ok) return;
      const rule = result.data.rows[0];
      setExisting(rule ? { updatedAt: rule.updatedAt } : null);
      if (rule)
        setNums({
          minQty: String(rule.minQty),
          maxQty: String(rule.maxQty),
          safetyStock: String(rule.safetyStock),
        });
    });
    return () => {
      alive = false;
    };
  }, [itemId, warehouseId]);

  const clear = (f: Field) => {
    setFailure(null);
    setIssues((prev) => {
      if (!(f in prev)) return prev;
      const next = { ...prev };
      delete next[f];
      return next;
    });
  };

  const submit = async (event: FormEvent) => {
    event.preventDefault();
    if (saving) return;
    setFailure(null);
    const found: Partial<Record<Field, FieldIssue>> = {};
    if (sku.trim() && !item) found.sku = { path: 'sku', code: 'unknown-sku', params: { sku: sku.trim() } };
    const values: Partial<Record<(typeof NUMBERS)[number], number>> = {};
    for (const key of NUMBERS) {
      const text = nums[key];
      if (!text.trim()) continue;
      const n = parseQty(text);
      if (n === null) found[key] = { path: key, code: 'invalid-number' };
      else values[key] = n;
    }
    const parsed = replenishmentRuleFields.safeParse({
      itemId: item?.id,
      warehouseId: warehouseId || undefined,
      minQty: values.minQty,
      maxQty: values.maxQty,
      safetyStock: values.safetyStock ?? (nums.safetyStock.trim() ? undefined : 0),
    });
    if (!parsed.success)
      for (const issue of toFieldIssues(parsed.error)) {
        const f: Field = issue.path === 'itemId' ? 'sku' : (issue.path as Field);
        found[f] ??= { ...issue, path: f };
      }
    setIssues(found);
    if (!parsed.success || Object.keys(found).length > 0) {
      const first = (['sku', 'warehouseId', ...NUMBERS] as const).find((f) => found[f]);
      if (first) requestAnimationFrame(() => document.getElementById(`rule-${first}`)?.focus());
      return;
    }
    setSaving(true);
    const result = await oms['inventory.setRule'](parsed.data);
    setSaving(false);
    if (!result.ok) {
      setFailure(result.error);
      const fields = result.error.details?.fields ?? [];
      const mapped: Partial<Record<Field, FieldIssue>> = {};
      for (const f of fields) mapped[f.path === 'itemId' ? 'sku' : (f.path as Field)] ??= f;
      setIssues(mapped);
      return;
    }
    setExisting({ updatedAt: result.data.updatedAt });
    const wh = catalog.warehouseById.get(parsed.data.warehouseId)?.code ?? '';
    showToast(t('inventory.rules.saved', { sku: item?.sku ?? '', warehouse: wh }));
    onSaved();
  };

  const control = (f: Field) => ({
    id: `rule-${f}`,
    'aria-invalid': issues[f] ? true : undefined,
    'aria-describedby': issues[f] ? `rule-${f}-error` : undefined,
  });
  const message = (f: Field) => {
    const issue = issues[f];
    return issue ? (
      <p id={`rule-${f}-error`} className="field-error">
        {issueText(t, issue)}
      </p>
    ) : null;
  };

  return (
    <form className="panel rule-form" aria-labelledby="rule-title" onSubmit={(e) => void submit(e)} noValidate>
      <header className="panel-head">
        <h2 id="rule-title">{t('inventory.rules.title')}</h2>
      </header>
      <div className="rule-body">
        <p className="muted rule-help">{t('inventory.rules.help')}</p>
        {failure ? (
          <div className="banner banner-error" role="alert">
            <p>{errorText(t, failure)}</p>
          </div>
        ) : null}
        <div className="field">
          <label htmlFor="rule-sku">{t('inventory.freeze.item')}</label>
          <input
            {...control('sku')}
            type="text"
            list="rule-sku-list"
            autoComplete="off"
            spellCheck={false}
            value={sku}
            onChange={(e) => {
              setSku(e.target.value.toUpperCase());
              clear('sku');
            }}
          />
          {message('sku') ?? (item ? <p className="field-hint">{itemName(item.name, item.nameEn, lang)}</p> : null)}
          <datalist id="rule-sku-list">
            {catalog.items.map((i) => (
              <option key={i.id} value={i.sku}>
                {itemName(i.name, i.nameEn, lang)}
              </option>
            ))}
          </datalist>
        </div>
        <div className="field">
          <label htmlFor="rule-warehouseId">{t('inventory.columns.warehouse')}</label>
          <select
            {...control('warehouseId')}
            value={warehouseId}
            onChange={(e) => {
              setWarehouseId(e.target.value);
              clear('warehouseId');
            }}
          >
            <option value="">{t('inventory.choose')}</option>
            {catalog.warehouses.map((w) => (
              <option key={w.id} value={w.id}>
                {w.code} · {w.name}
              </option>
            ))}
          </select>
          {message('warehouseId')}
        </div>
        <div className="rule-nums">
          {NUMBERS.map((key) => (
            <div className="field" key={key}>
              <label htmlFor={`rule-${key}`}>{t(`inventory.rules.${key}`)}</label>
              <input
                {...control(key)}
                type="text"
                inputMode="numeric"
                className="num"
                autoComplete="off"
                value={nums[key]}
                onChange={(e) => {
                  const value = e.target.value;
                  setNums((prev) => ({ ...prev, [key]: value }));
                  clear(key);
                }}
              />
              {message(key)}
            </div>
          ))}
        </div>
        <div className="rule-foot">
          <span className="muted">
            {existing === undefined
              ? ''
              : existing === null
                ? t('inventory.rules.none')
                : t('inventory.rules.current', { at: formatDateTime(existing.updatedAt, lang) })}
          </span>
          <button type="submit" className="btn btn-primary" disabled={saving}>
            {saving ? t('common.saving') : t('inventory.rules.save')}
          </button>
        </div>
      </div>
    </form>
  );
}
