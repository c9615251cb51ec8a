import type { TFunction } from 'i18next';
import type { z } from 'zod';
import type { importIssue } from '../../../core/api/orderImport.api.ts';
import type { exceptionRecord, orderDetail, orderSummary } from '../../../core/api/orders.api.ts';
import type { AppErrorData } from '../../../core/errors.ts';
import { CURRENCIES, formatMinor, minorDigits, type Currency } from '../../../core/money.ts';
import { ROLES } from '../../../core/masterdata/schemas.ts';
import { CHECKS, type CheckCode, type OrderStatus, type OrderType } from '../../../core/orders/schemas.ts';
import { errorText } from '../i18n/messages.ts';
import { groupDigits } from '../masterdata/columns.ts';

export type OrderSummary = z.output<typeof orderSummary>;
export type OrderDetail = z.output<typeof orderDetail>;
export type OrderLine = OrderDetail['lines'][number];
export type ExceptionRecord = z.output<typeof exceptionRecord>;
export type ImportIssue = z.output<typeof importIssue>;
/** One failed check with its figures, as `orders.holds` and the submit commands return it. */
export interface Failure {
  check: CheckCode;
  details: Record<string, string | number | null>;
}

export const isCurrency = (value: string): value is Currency => (CURRENCIES as readonly string[]).includes(value);
const asCurrency = (value: string): Currency => (isCurrency(value) ? value : 'CNY');

const SYMBOL: Record<Currency, string> = { CNY: '¥', USD: 'US$', EUR: '€', HKD: 'HK$', JPY: 'JP¥', GBP: '£' };

/** Exact money for display: "¥1,234.50" (integer minor units in, no float maths). */
export function formatMoney(amountMinor: number | null | undefined, currency: string): string {
  if (amountMinor === null || amountMinor === undefined || !Number.isSafeInteger(amountMinor)) return '';
  const c = asCurrency(currency);
  const text = groupDigits(formatMinor(Math.abs(amountMinor), c));
  return `${amountMinor < 0 ? '−' : ''}${SYMBOL[c]}${text}`;
}

/** Money without a symbol, for a column whose header names the currency: "1,234.50". */
export const formatAmount = (amountMinor: number, currency: string): string =>
  groupDigits(formatMinor(amountMinor, asCurrency(currency)));

/** The decimal digits a clerk may type for this currency (0 for JPY). */
export const digitsOf = (currency: string): number => minorDigits(asCurrency(currency));

/**
 * A tax rate typed as a percentage ("13", "6.5", "0") into basis points (1300, 650, 0), exactly;
 * null when it is not a number with at most two decimals or above 100 %.
 */
export function parsePercentBp(text: string): number | null {
  const m = /^(\d{1,3})(?:\.(\d{0,2}))?$/.exec(text.trim().replace(/%$/, '').trim());
  if (!m) return null;
  const bp = Number(m[1]) * 100 + Number((m[2] ?? '').padEnd(2, '0'));
  return bp <= 10_000 ? bp : null;
}

/** Basis points back to the percentage a clerk reads: 1300 → "13", 650 → "6.5". */
export function formatPercentBp(bp: number): string {
  const whole = Math.trunc(bp / 100);
  const frac = String(bp % 100)
    .padStart(2, '0')
    .replace(/0+$/, '');
  return frac ? `${whole}.${frac}` : String(whole);
}

/** A YYYY-MM-DD date (or ISO timestamp) as the clerk reads it; '' when absent. */
export function formatDate(value: string | null | undefined): string {
  if (!value) return '';
  return value.slice(0, 10);
}

/** The party an order is with: the customer (sales, sales returns) or the supplier. */
export function partyOf(o: Pick<OrderSummary, 'customer' | 'supplier'>): { code: string; name: string } | null {
  return o.customer ?? o.supplier ?? null;
}

export const USES_CUSTOMER: ReadonlySet<OrderType> = new Set(['sales', 'sales-return']);
export const USES_SUPPLIER: ReadonlySet<OrderType> = new Set(['purchase', 'purchase-return']);

/** The line quantity a document type's progress counts (shipped or received). */
export function doneField(type: OrderType): 'qtyShipped' | 'qtyReceived' {
  return type === 'purchase' || type === 'sales-return' || type === 'transfer' ? 'qtyReceived' : 'qtyShipped';
}

/**
 * Whether an order waits for stock it was promised. The backend's flag is also set on orders
 * that were never allocated (draft, held) or no longer allocate (split, cancelled, closed):
 * those are not backorders to a clerk.
 */
export function isBackordered(o: Pick<OrderSummary, 'backordered' | 'status'>): boolean {
  return o.backordered && (o.status === 'approved' || o.status === 'partially-shipped');
}

/** Status chip colours: one class per status family. */
export function statusTone(status: OrderStatus | string): string {
  switch (status) {
    case 'held':
      return 'tone-bad';
    case 'draft':
      return 'tone-muted';
    case 'approved':
      return 'tone-info';
    case 'partially-shipped':
    case 'partially-received':
      return 'tone-progress';
    case 'shipped':
    case 'received':
    case 'completed':
      return 'tone-good';
    case 'split':
      return 'tone-split';
    default:
      return 'tone-muted';
  }
}

export const isCheck = (value: unknown): value is CheckCode =>
  typeof value === 'string' && (CHECKS as readonly string[]).includes(value);

/** Names for the ids inside check figures (items, warehouses), from what the screen has loaded. */
export interface Names {
  item: (id: string) => string | undefined;
  warehouse: (id: string) => string | undefined;
}

export interface Figure {
  label: string;
  value: string;
  /** The figure that says why (e.g. "over by"). */
  strong?: boolean;
}

const num = (v: unknown): number | null => (typeof v === 'number' && Number.isFinite(v) ? v : null);
const qty = (v: unknown): string => {
  const n = num(v);
  return n === null ? '' : groupDigits(String(n));
};

/**
 * The figures of one failed check, labelled in the clerk's language: credit (limit, exposure,
 * over by and what the exposure is made of), stock (line, item, warehouse, requested,
 * available), quota (target, period, allowance, used, requested, remaining).
 */
export function failureFigures(t: TFunction, f: Failure, names: Names): Figure[] {
  const d = f.details;
  const out: Figure[] = [];
  const push = (label: string, value: string, strong = false) => {
    if (value !== '') out.push(strong ? { label: t(label), value, strong } : { label: t(label), value });
  };
  if (f.check === 'credit') {
    const currency = typeof d['currency'] === 'string' ? d['currency'] : 'CNY';
    const m = (key: string) => {
      const v = num(d[key]);
      return v === null ? '' : formatMoney(v, currency);
    };
    push('orders.figures.limit', m('limitMinor'));
    push('orders.figures.exposure', m('exposureMinor'));
    push('orders.figures.over', m('overMinor'), true);
    push('orders.figures.openReceivables', m('openReceivablesMinor'));
    push('orders.figures.unbilled', m('unbilledMinor'));
    push('orders.figures.thisOrder', m('thisOrderMinor'));
    push('orders.figures.deposits', m('depositsMinor'));
  } else if (f.check === 'stock') {
    push('orders.figures.line', qty(d['lineNo']));
    const itemId = typeof d['itemId'] === 'string' ? d['itemId'] : '';
    push('orders.figures.item', itemId ? (names.item(itemId) ?? '') : '');
    const wh = typeof d['warehouseId'] === 'string' ? d['warehouseId'] : null;
    push('orders.figures.warehouse', wh ? (names.warehouse(wh) ?? '') : t('orders.figures.noWarehouse'), !wh);
    push('orders.figures.requested', qty(d['requested']));
    push('orders.figures.available', qty(d['available']), true);
  } else {
    const itemId = typeof d['itemId'] === 'string' ? d['itemId'] : '';
    const group = typeof d['productGroup'] === 'string' ? d['productGroup'] : '';
    if (itemId) push('orders.figures.item', names.item(itemId) ?? '');
    if (group) push('orders.figures.productGroup', group);
    const period = typeof d['period'] === 'string' ? d['period'] : '';
    if (period) push('orders.figures.period', t(`orders.periods.${period}`, { defaultValue: period }));
    push('orders.figures.allowance', qty(d['allowance']));
    push('orders.figures.used', qty(d['used']));
    push('orders.figures.requested', qty(d['requested']));
    push('orders.figures.remaining', qty(d['remaining']), true);
  }
  return out;
}

/** Checks of the last run flattened to failures (one per failed line, quota or credit position). */
export function failuresOf(checks: OrderDetail['checks']): Failure[] {
  return checks.filter((c) => !c.passed).flatMap((c) => c.failures.map((details) => ({ check: c.check, details })));
}

/** What an exception is about, in words with its figures. */
export function exceptionText(t: TFunction, e: Pick<ExceptionRecord, 'kind' | 'details'>): string {
  const d = (typeof e.details === 'object' && e.details !== null ? e.details : {}) as Record<string, unknown>;
  switch (e.kind) {
    case 'no-warehouse':
      return t('orders.exceptions.about.no-warehouse');
    case 'backorder':
      return t('orders.exceptions.about.backorder', { short: qty(d['short']) || '—' });
    case 'auto-cancelled':
      return t('orders.exceptions.about.auto-cancelled', { date: String(d['autoCancelDate'] ?? '—') });
    case 'jeopardy': {
      const lines = Array.isArray(d['lines']) ? (d['lines'] as Array<Record<string, unknown>>) : [];
      const parts = lines.map((l) =>
        t('orders.exceptions.about.jeopardyLine', {
          line: qty(l['lineNo']),
          promised: String(l['promisedDate'] ?? ''),
          supply: String(l['supplyDate'] ?? ''),
        }),
      );
      return t('orders.exceptions.about.jeopardy', {
        supply: String(d['supply'] ?? '—'),
        lines: parts.join(t('orders.listSeparator')),
      });
    }
    case 'return-refused':
      return t('orders.exceptions.about.return-refused');
    default:
      return t('orders.exceptions.about.other');
  }
}

/**
 * Order-centre errors: the shared translation, with the order codes' details made readable
 * (check and role names translated, the split refusal told apart by its details).
 */
export function orderErrorText(t: TFunction, error: AppErrorData): string {
  const details = { ...(error.details ?? {}) } as Record<string, unknown>;
  if (isCheck(details['check'])) details['check'] = t(`orders.checks.${details['check']}`);
  if (typeof details['roles'] === 'string')
    details['roles'] = details['roles']
      .split(',')
      .map((r) => r.trim())
      .map((r) => ((ROLES as readonly string[]).includes(r) ? t(`orders.roles.${r}`) : r))
      .join(t('orders.listSeparator'));
  if (error.code === 'order.split-invalid') {
    if (details['rules'] === 0) return t('orders.split.errors.noRules');
    if (details['parts'] === 1) return t('orders.split.errors.onePiece');
    if (typeof details['left'] === 'number')
      return t('orders.split.errors.tooMuch', {
        line: details['lineNo'],
        left: qty(details['left']),
        requested: qty(details['requested']),
      });
    if (typeof details['id'] === 'string') return t('orders.split.errors.shipped');
  }
  if (error.code === 'order.import-invalid' && typeof details['reason'] === 'string')
    return t(`orders.import.fileErrors.${details['reason']}`, {
      ...Object.fromEntries(Object.entries(details).filter(([, v]) => typeof v === 'string' || typeof v === 'number')),
      defaultValue: errorText(t, { code: error.code }),
    });
  return errorText(t, { code: error.code, details: details as AppErrorData['details'] });
}

/**
 * One problem of an import report in words: the import's own codes (`unknown-customer`,
 * `duplicate-in-file`…) under `orders.import.issues`, else the shared field codes under
 * `validation` (`money-format`, `date-format`…); never the raw code.
 */
export function importIssueText(t: TFunction, issue: ImportIssue): string {
  const params = Object.fromEntries(
    Object.entries(issue.params).map(([k, v]) => [k, typeof v === 'number' ? groupDigits(String(v)) : v]),
  );
  const own = t(`orders.import.issues.${issue.code}`, { ...params, defaultValue: '' });
  if (own) return own;
  return t(`validation.${issue.code}`, { ...params, defaultValue: t('orders.import.issues.other') });
}

/** The short label of a document: "SO-1AF4-000001". */
export const orderLabel = (o: Pick<OrderSummary, 'number'>): string => o.number;

/** Today as YYYY-MM-DD in the clerk's time zone. */
export function todayLocal(now = new Date()): string {
  const pad = (n: number) => String(n).padStart(2, '0');
  return `${now.getFullYear()}-${pad(now.getMonth() + 1)}-${pad(now.getDate())}`;
}
