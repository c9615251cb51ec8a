import type { z } from 'zod';
import type { itemHit } from '../../../core/api/orders.api.ts';
import type { FieldIssue } from '../../../core/errors.ts';
import { parseMinor, type Currency } from '../../../core/money.ts';
import { lineAmounts, type LineAmounts } from '../../../core/orders/rules.ts';
import { orderFields, type OrderType } from '../../../core/orders/schemas.ts';
import { validate } from '../../../core/validation.ts';
import { normaliseDate } from '../inventory/freeze.ts';
import { parseQty } from '../inventory/format.ts';
import { digitsOf, parsePercentBp } from './format.ts';

/**
 * The keyboard order entry as plain data: what the clerk typed (strings, exactly as typed), and
 * the one function that turns it into `orders.create` input plus field issues. Money is parsed
 * with core/money (exact minor units), tax as basis points, and the whole order then goes
 * through the same zod schema the host and the command use.
 */

export type ItemHit = z.output<typeof itemHit>;

export interface Picked {
  id: string;
  label: string;
  /** The customer's or supplier's currency: the order's default. */
  currency?: string;
}

export interface EntryLine {
  /** Stable React key (lines can be removed in the middle). */
  key: string;
  itemText: string;
  item: ItemHit | null;
  qty: string;
  price: string;
  discount: string;
  tax: string;
}

export interface EntryHeader {
  type: OrderType;
  party: Picked | null;
  partyText: string;
  warehouseId: string;
  toWarehouseId: string;
  channelId: string;
  externalRef: string;
  requestedDate: string;
  currency: Currency;
  note: string;
}

export const newLine = (key: string, tax = ''): EntryLine => ({
  key,
  itemText: '',
  item: null,
  qty: '',
  price: '',
  discount: '',
  tax,
});

/** A line the clerk has not started (the trailing empty row): left out of the order. */
export const isBlank = (l: EntryLine): boolean =>
  l.item === null && !l.itemText.trim() && !l.qty.trim() && !l.price.trim() && !l.discount.trim();

/** The input fields of the form, as issue paths: `party`, `warehouseId`, `lines.0.qty`… */
export type Issues = Record<string, FieldIssue>;

export interface Built {
  /** `orders.create`'s `order`, when every field parsed and the schema accepted it. */
  order: z.input<typeof orderFields> | null;
  issues: Issues;
}

const partyField = (type: OrderType): 'customerId' | 'supplierId' | null =>
  type === 'sales' || type === 'sales-return'
    ? 'customerId'
    : type === 'purchase' || type === 'purchase-return'
      ? 'supplierId'
      : null;

/** Parses one line's numbers; null fields did not parse (their issue is in `issues`). */
export function parseLine(
  l: EntryLine,
  currency: Currency,
): {
  quantity: number | null;
  unitPriceMinor: number | null;
  discountMinor: number | null;
  taxRateBp: number | null;
  issues: Partial<Record<'item' | 'qty' | 'price' | 'discount' | 'tax', FieldIssue>>;
} {
  const issues: Partial<Record<'item' | 'qty' | 'price' | 'discount' | 'tax', FieldIssue>> = {};
  const digits = digitsOf(currency);
  if (!l.item)
    issues.item = l.itemText.trim()
      ? { path: 'item', code: 'unknown-item', params: { text: l.itemText.trim() } }
      : { path: 'item', code: 'required' };
  let quantity: number | null = null;
  if (!l.qty.trim()) issues.qty = { path: 'qty', code: 'required' };
  else {
    quantity = parseQty(l.qty);
    if (quantity === null) issues.qty = { path: 'qty', code: 'invalid-number' };
    else if (quantity < 1) issues.qty = { path: 'qty', code: 'too-small', params: { min: 1 } };
  }
  const money = (text: string, key: 'price' | 'discount'): number | null => {
    if (!text.trim()) return 0;
    const v = parseMinor(text, currency);
    if (v === null || v < 0) {
      issues[key] = { path: key, code: 'money-format', params: { digits } };
      return null;
    }
    return v;
  };
  const unitPriceMinor = money(l.price, 'price');
  const discountMinor = money(l.discount, 'discount');
  let taxRateBp: number | null = 0;
  if (l.tax.trim()) {
    taxRateBp = parsePercentBp(l.tax);
    if (taxRateBp === null) issues.tax = { path: 'tax', code: 'percent-format' };
  }
  return { quantity, unitPriceMinor, discountMinor, taxRateBp, issues };
}

/** A line's money as it will be saved (exact, rounded once per line), or null while it does not parse. */
export function lineMoney(l: EntryLine, currency: Currency): LineAmounts | null {
  const p = parseLine(l, currency);
  if (p.quantity === null || p.quantity < 1 || p.unitPriceMinor === null) return null;
  if (p.discountMinor === null || p.taxRateBp === null) return null;
  try {
    return lineAmounts({
      quantity: p.quantity,
      unitPriceMinor: p.unitPriceMinor,
      discountMinor: p.discountMinor,
      taxRateBp: p.taxRateBp,
    });
  } catch {
    return null;
  }
}

/** The order's totals from the lines that parse. */
export function totalsOf(lines: readonly EntryLine[], currency: Currency): LineAmounts & { lines: number } {
  let net = 0;
  let tax = 0;
  let n = 0;
  for (const l of lines) {
    const m = lineMoney(l, currency);
    if (!m) continue;
    net += m.netMinor;
    tax += m.taxMinor;
    n += 1;
  }
  return { netMinor: net, taxMinor: tax, totalMinor: net + tax, lines: n };
}

const LINE_FIELD: Record<string, keyof ReturnType<typeof parseLine>['issues']> = {
  itemId: 'item',
  quantity: 'qty',
  unitPriceMinor: 'price',
  discountMinor: 'discount',
  taxRateBp: 'tax',
};

/**
 * Maps a schema (or server) issue path onto the form's fields: `customerId` → `party`,
 * `lines.2.discountMinor` → `lines.2.discount`. Line numbers count the lines sent, which are the
 * form's non-blank lines in order: `sent` maps them back to the form's indexes.
 */
export function formPath(path: string, type: OrderType, sent: readonly number[]): string {
  const party = partyField(type);
  if (party && path === party) return 'party';
  const m = /^lines\.(\d+)\.(\w+)/.exec(path);
  if (m) {
    const at = sent[Number(m[1])] ?? Number(m[1]);
    return `lines.${at}.${LINE_FIELD[m[2] ?? ''] ?? 'item'}`;
  }
  if (path === 'lines') return 'lines';
  return path;
}

export function buildOrder(h: EntryHeader, lines: readonly EntryLine[]): Built {
  const issues: Issues = {};
  const sent: number[] = [];
  const outLines: Array<{
    itemId: string;
    quantity: number;
    unitPriceMinor: number;
    discountMinor: number;
    taxRateBp: number;
  }> = [];
  lines.forEach((l, i) => {
    if (isBlank(l)) return;
    const p = parseLine(l, h.currency);
    for (const [k, issue] of Object.entries(p.issues))
      issues[`lines.${i}.${k}`] = { ...issue, path: `lines.${i}.${k}` };
    sent.push(i);
    outLines.push({
      itemId: l.item?.id ?? '',
      quantity: p.quantity ?? 0,
      unitPriceMinor: p.unitPriceMinor ?? 0,
      discountMinor: p.discountMinor ?? 0,
      taxRateBp: p.taxRateBp ?? 0,
    });
  });
  if (h.partyText.trim() && !h.party)
    issues['party'] = { path: 'party', code: 'unknown-party', params: { text: h.partyText.trim() } };
  const requestedDate = normaliseDate(h.requestedDate);
  const party = partyField(h.type);
  const order = {
    type: h.type,
    customerId: party === 'customerId' ? (h.party?.id ?? null) : null,
    supplierId: party === 'supplierId' ? (h.party?.id ?? null) : null,
    warehouseId: h.warehouseId || null,
    toWarehouseId: h.type === 'transfer' ? h.toWarehouseId || null : null,
    channelId: h.channelId || null,
    externalRef: h.externalRef,
    currency: h.currency,
    requestedDate: requestedDate || null,
    note: h.note,
    lines: outLines,
  };
  const checked = validate(orderFields, order);
  if (!checked.ok)
    for (const f of checked.fields) {
      const at = f.path === 'lines' ? 'lines' : formPath(f.path, h.type, sent);
      // The first problem of a field is the one shown; parse problems come first.
      if (!issues[at]) issues[at] = at === 'lines' ? { path: at, code: 'lines-required' } : { ...f, path: at };
    }
  return { order: Object.keys(issues).length === 0 ? order : null, issues };
}

/** Issues the server returned (`details.fields`), on the form's fields. */
export function serverIssues(
  fields: readonly FieldIssue[] | undefined,
  type: OrderType,
  lines: readonly EntryLine[],
): Issues {
  const sent = lines.flatMap((l, i) => (isBlank(l) ? [] : [i]));
  const out: Issues = {};
  for (const f of fields ?? []) {
    const path = f.path.replace(/^order\./, '');
    const at = formPath(path, type, sent);
    out[at] ??= { ...f, path: at };
  }
  return out;
}
