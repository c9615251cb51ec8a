import type { z } from 'zod';
import type { FieldIssue } from '../../../core/errors.ts';
import { freezeStockFields, stockSelector } from '../../../core/inventory/schemas.ts';
import { toFieldIssues } from '../../../core/validation.ts';

export type FreezeMode = 'freeze' | 'unfreeze';
export type SelectorInput = z.input<typeof stockSelector>;

/** What the freeze dialog holds: text as typed, the ticked warehouses. */
export interface FreezeValues {
  mode: FreezeMode;
  sku: string;
  lot: string;
  expiryFrom: string;
  expiryTo: string;
  /** Ticked warehouses; every warehouse when all of them are ticked. */
  warehouseIds: readonly string[];
  reason: string;
}

/**
 * What clerks type for a date → YYYY-MM-DD: "2027/6/30", "2027.06.30", "20270630" all work.
 * Anything else comes back trimmed, for the schema to report as `date-format`.
 */
export function normaliseDate(text: string): string {
  const t = text.trim();
  const compact = /^(\d{4})(\d{2})(\d{2})$/.exec(t);
  const parts = compact ?? /^(\d{4})[-/.年](\d{1,2})[-/.月](\d{1,2})日?$/.exec(t);
  if (!parts) return t;
  const [, y, m, d] = parts;
  return `${y}-${(m ?? '').padStart(2, '0')}-${(d ?? '').padStart(2, '0')}`;
}

/** The dialog's inputs, as issue paths. */
export type FreezeField = 'sku' | 'lot' | 'expiryFrom' | 'expiryTo' | 'warehouses' | 'reason';

export interface FreezeCheck {
  /** The selector to preview, or null while it is not valid yet. */
  selector: SelectorInput | null;
  /** Issues that keep the selector from being valid (shown once the clerk tries to confirm). */
  issues: Partial<Record<FreezeField, FieldIssue>>;
}

const FIELD_OF: Record<string, FreezeField> = {
  lot: 'lot',
  expiryFrom: 'expiryFrom',
  expiryTo: 'expiryTo',
  warehouseIds: 'warehouses',
  itemId: 'sku',
  reason: 'reason',
};

function fieldOfPath(path: string): FreezeField {
  const parts = path.split('.');
  const key = parts[0] === 'selector' ? parts[1] : parts[0];
  return (key !== undefined ? FIELD_OF[key] : undefined) ?? 'lot';
}

/**
 * Turns the dialog's values into the command's selector, with the same schema and codes the
 * command uses. `resolveSku` maps a SKU to its item id (null: no such item).
 */
export function checkFreeze(
  values: FreezeValues,
  resolveSku: (sku: string) => string | null,
  warehouseCount: number,
): FreezeCheck {
  const issues: FreezeCheck['issues'] = {};
  const selector: SelectorInput = {};
  const sku = values.sku.trim();
  if (sku) {
    const itemId = resolveSku(sku);
    if (itemId) selector.itemId = itemId;
    else issues.sku = { path: 'sku', code: 'unknown-sku', params: { sku } };
  }
  const lot = values.lot.trim();
  if (lot) selector.lot = lot;
  const from = normaliseDate(values.expiryFrom);
  const to = normaliseDate(values.expiryTo);
  if (from) selector.expiryFrom = from;
  if (to) selector.expiryTo = to;
  if (values.warehouseIds.length === 0) issues.warehouses = { path: 'warehouses', code: 'warehouses-required' };
  else if (values.warehouseIds.length < warehouseCount) selector.warehouseIds = [...values.warehouseIds];

  const parsed = freezeStockFields.safeParse({ selector, reason: values.reason });
  if (!parsed.success) {
    for (const issue of toFieldIssues(parsed.error)) {
      const field = fieldOfPath(issue.path);
      issues[field] ??= { ...issue, path: field };
    }
  }
  const selectorOk = stockSelector.safeParse(selector).success;
  const blocking = issues.sku ?? issues.warehouses ?? null;
  return { selector: selectorOk && !blocking ? selector : null, issues };
}

/** Ids ticked → the list the dialog keeps, in the warehouses' own order. */
export function toggleId(all: readonly string[], ticked: readonly string[], id: string, on: boolean): string[] {
  const set = new Set(ticked);
  if (on) set.add(id);
  else set.delete(id);
  return all.filter((w) => set.has(w));
}
