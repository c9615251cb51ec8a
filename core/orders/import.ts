import type { ImportIssue, ImportReport } from '../api/orderImport.api.ts';
import { isValidGtin, toGtin14 } from '../gs1.ts';
import { CURRENCIES, minorDigits, parseMinor, type Currency } from '../money.ts';
import type { OrderFields, OrderLineInput } from './schemas.ts';

/*
 * Batch order import, the pure half: which columns a file may have (English or Chinese headers),
 * how rows group into orders, and every check a row and an order must pass. Parsing the file and
 * looking master data up are the caller's (main/app/orderImport.ts); the lookups come in as plain
 * functions, so this module decides from data alone. Spec: docs/specs/order-import.md.
 *
 * Rules in one place:
 *  - One row is one order line. Consecutive rows with the same (channel_code, external_ref) form
 *    one order; the same key again after another order is `duplicate-in-file` (both blocks invalid).
 *  - Order-level cells (customer, warehouse, currency, dates, region, note) may be left blank on
 *    an order's later rows (they inherit the first row's); a different value is `mixed-header-values`.
 *  - Money is a decimal in major units, converted exactly (`parseMinor`); tax is a percentage (13 →
 *    1300 bp). A line identified by a packaging GTIN (a case of 12) counts and prices that packaging
 *    unit: quantity × 12 base units, price ÷ 12 per base unit (which must come out exact).
 *  - An order is invalid when any of its rows has an issue; `valid-rows` imports the valid orders.
 */

export type ColumnKey =
  | 'externalRef'
  | 'channelCode'
  | 'customerCode'
  | 'customerName'
  | 'warehouseCode'
  | 'currency'
  | 'requestedDate'
  | 'shipToRegion'
  | 'note'
  | 'sku'
  | 'gtin'
  | 'itemName'
  | 'quantity'
  | 'unitPrice'
  | 'discount'
  | 'taxRate'
  | 'lineRequestedDate'
  | 'lineNote';

export interface ColumnSpec {
  key: ColumnKey;
  /** The template's English header (also the name used when a column is missing). */
  en: string;
  /** The template's Chinese header. */
  zh: string;
  /** Other spellings clerks use; compared after normalisation (see `normalizeHeader`). */
  aliases?: readonly string[];
  /** `key`: part of the grouping key; `order`: one value per order; `line`: per row; `info`: read by people only. */
  level: 'key' | 'order' | 'line' | 'info';
  required?: boolean;
}

export const IMPORT_COLUMNS: readonly ColumnSpec[] = [
  {
    key: 'externalRef',
    en: 'external_ref',
    zh: '外部单号',
    aliases: ['外部订单号', '平台单号'],
    level: 'key',
    required: true,
  },
  { key: 'channelCode', en: 'channel_code', zh: '渠道编码', aliases: ['channel'], level: 'key' },
  { key: 'customerCode', en: 'customer_code', zh: '客户编码', aliases: ['customer'], level: 'order', required: true },
  { key: 'customerName', en: 'customer_name', zh: '客户名称', level: 'info' },
  { key: 'warehouseCode', en: 'warehouse_code', zh: '仓库编码', aliases: ['warehouse'], level: 'order' },
  { key: 'currency', en: 'currency', zh: '币种', level: 'order' },
  { key: 'requestedDate', en: 'requested_date', zh: '要求交期', aliases: ['要求日期'], level: 'order' },
  { key: 'shipToRegion', en: 'ship_to_region', zh: '收货地区', level: 'order' },
  { key: 'note', en: 'note', zh: '备注', aliases: ['订单备注'], level: 'order' },
  { key: 'sku', en: 'sku', zh: '商品编码', aliases: ['item_code'], level: 'line' },
  { key: 'gtin', en: 'gtin', zh: '商品条码', aliases: ['条码', 'barcode', 'ean'], level: 'line' },
  { key: 'itemName', en: 'item_name', zh: '商品名称', level: 'info' },
  { key: 'quantity', en: 'quantity', zh: '数量', aliases: ['qty'], level: 'line', required: true },
  { key: 'unitPrice', en: 'unit_price', zh: '单价', aliases: ['price'], level: 'line', required: true },
  { key: 'discount', en: 'discount', zh: '折扣金额', aliases: ['折扣'], level: 'line' },
  { key: 'taxRate', en: 'tax_rate', zh: '税率', level: 'line' },
  { key: 'lineRequestedDate', en: 'line_requested_date', zh: '行要求交期', aliases: ['行要求日期'], level: 'line' },
  { key: 'lineNote', en: 'line_note', zh: '行备注', level: 'line' },
];

/** Order-level columns: blank on an order's later rows means "as on its first row". */
const ORDER_LEVEL: readonly ColumnKey[] = [
  'customerCode',
  'warehouseCode',
  'currency',
  'requestedDate',
  'shipToRegion',
  'note',
];

/** Data rows one file may hold (the header row not counted). */
export const MAX_IMPORT_ROWS = 500_000;
/** The report keeps this many issues (the first ones by row); `truncated` says when there were more. */
export const MAX_REPORTED_ISSUES = 1_000;
/** Lines per order (the order schema's own limit). */
export const MAX_LINES_PER_ORDER = 500;

const LIMITS = { externalRef: 80, shipToRegion: 60, note: 500, lineNote: 300, quantity: 1_000_000_000 } as const;
const PRICE_MAX = 10_000_000_000;

/**
 * Lower-case, trimmed, without a BOM or a trailing unit in brackets (`单价（元）`, `tax_rate (%)`),
 * spaces and hyphens as underscores: `Unit Price` and `unit-price` are `unit_price`.
 */
export function normalizeHeader(text: string): string {
  return text
    .replace(/^\uFEFF/, '')
    .trim()
    .replace(/\s*[(（][^()（）]*[)）]$/, '')
    .trim()
    .toLowerCase()
    .replace(/[\s-]+/g, '_');
}

const BY_NAME: ReadonlyMap<string, ColumnSpec> = new Map(
  IMPORT_COLUMNS.flatMap((c) => [c.en, c.zh, ...(c.aliases ?? [])].map((n) => [normalizeHeader(n), c] as const)),
);

export type ColumnMap = Partial<Record<ColumnKey, { index: number; header: string }>>;

export interface HeaderResult {
  columns: ColumnMap;
  /** Problems with the header row (row 1): with any of them, no row of the file can be imported. */
  issues: ImportIssue[];
  /** Columns with an empty header cell, ignored. */
  ignored: number[];
}

const issue = (
  row: number,
  column: string | null,
  code: string,
  params: Record<string, string | number> = {},
): ImportIssue => ({
  row,
  column,
  code,
  params,
});

/** Recognises the header row: every non-empty header must name a known column, once. */
export function readHeader(cells: readonly string[]): HeaderResult {
  const columns: ColumnMap = {};
  const issues: ImportIssue[] = [];
  const ignored: number[] = [];
  cells.forEach((raw, index) => {
    const header = raw.replace(/^\uFEFF/, '').trim();
    if (header === '') {
      ignored.push(index);
      return;
    }
    const spec = BY_NAME.get(normalizeHeader(header));
    if (!spec) {
      issues.push(issue(1, header, 'unknown-column'));
      return;
    }
    const first = columns[spec.key];
    if (first) {
      issues.push(issue(1, header, 'duplicate-column', { first: first.header }));
      return;
    }
    columns[spec.key] = { index, header };
  });
  for (const spec of IMPORT_COLUMNS)
    if (spec.required && !columns[spec.key]) issues.push(issue(1, null, 'missing-column', { column: spec.en }));
  if (!columns.sku && !columns.gtin) issues.push(issue(1, null, 'missing-column', { column: 'sku / gtin' }));
  return { columns, issues, ignored };
}

/** A sheet looks like an order sheet when its first row names at least one known column. */
export function isOrderHeader(cells: readonly string[]): boolean {
  return cells.some((c) => BY_NAME.has(normalizeHeader(c)));
}

// ---------- lookups ----------
export interface RefRecord {
  id: string;
  active: boolean;
}
export interface CustomerRef extends RefRecord {
  /** Used when the file gives no currency. */
  currency: Currency;
}
export interface GtinRef extends RefRecord {
  /** Base units in the packaging unit this GTIN names (1 for the item's own GTIN). */
  factor: number;
}

/** Master data and existing orders, as the caller loaded them (set-based, once per file). */
export interface ImportLookups {
  customer(code: string): CustomerRef | undefined;
  warehouse(code: string): RefRecord | undefined;
  channel(code: string): RefRecord | undefined;
  itemBySku(sku: string): RefRecord | undefined;
  /** By the GTIN-14 form (`toGtin14`) of an item's or a packaging unit's GTIN. */
  itemByGtin(gtin14: string): GtinRef | undefined;
  /** The number of an existing order with this external reference in this channel, if any. */
  existingOrder(channelId: string | null, externalRef: string): string | undefined;
}

/** The values a file refers to, so the caller can load them with a few `in (...)` queries. */
export interface ImportReferences {
  customers: Set<string>;
  warehouses: Set<string>;
  channels: Set<string>;
  skus: Set<string>;
  /** GTIN-14 forms of the well-formed GTINs. */
  gtins: Set<string>;
  externalRefs: Set<string>;
}

// ---------- the sheet ----------
export interface SheetRow {
  /** The row number as the clerk sees it in a spreadsheet (the header row is 1). */
  row: number;
  cells: readonly string[];
}
export interface ImportSheet {
  header: readonly string[];
  rows: readonly SheetRow[];
}

const cellOf = (cells: readonly string[], columns: ColumnMap, key: ColumnKey): string => {
  const c = columns[key];
  return c === undefined ? '' : (cells[c.index] ?? '').trim();
};

const isBlank = (cells: readonly string[]) => cells.every((c) => c.trim() === '');

export const emptyReferences = (): ImportReferences => ({
  customers: new Set(),
  warehouses: new Set(),
  channels: new Set(),
  skus: new Set(),
  gtins: new Set(),
  externalRefs: new Set(),
});

/**
 * Every code, SKU, GTIN and reference that `rows` mention, added to `into` (so a caller can go
 * through a large sheet a slice at a time).
 */
export function collectReferences(
  rows: readonly SheetRow[],
  columns: ColumnMap,
  into: ImportReferences = emptyReferences(),
): ImportReferences {
  const add = (set: Set<string>, value: string) => {
    if (value !== '') set.add(value);
  };
  for (const { cells } of rows) {
    add(into.customers, cellOf(cells, columns, 'customerCode'));
    add(into.warehouses, cellOf(cells, columns, 'warehouseCode'));
    add(into.channels, cellOf(cells, columns, 'channelCode'));
    add(into.skus, cellOf(cells, columns, 'sku'));
    add(into.externalRefs, cellOf(cells, columns, 'externalRef'));
    const gtin = cellOf(cells, columns, 'gtin');
    if (isValidGtin(gtin)) into.gtins.add(toGtin14(gtin));
  }
  return into;
}

// ---------- cell parsers ----------
type Parsed<T> = { ok: true; value: T } | { ok: false; code: string; params?: Record<string, string | number> };
const good = <T>(value: T): Parsed<T> => ({ ok: true, value });
const bad = (code: string, params?: Record<string, string | number>): Parsed<never> => ({ ok: false, code, params });

const DECIMAL = /^-?\d+(?:\.\d*)?$/;

/** A whole number of units, 1 … 1,000,000,000 (`12` or `12.0`, never `12.5`). */
export function parseQuantity(text: string): Parsed<number> {
  const t = text.replaceAll(',', '');
  if (t === '') return bad('required');
  if (!DECIMAL.test(t)) return bad('invalid-number');
  const [whole = '', frac = ''] = t.split('.');
  if (/[1-9]/.test(frac)) return bad('invalid-number');
  const n = Number(whole);
  if (n < 1) return bad('too-small', { min: 1 });
  if (n > LIMITS.quantity) return bad('too-big', { max: LIMITS.quantity });
  return good(n);
}

/** A money amount in major units (`12.5`, `1,234.56`), exactly into minor units of `currency`. */
export function parseMoney(text: string, currency: Currency, required: boolean): Parsed<number> {
  const t = text.trim();
  if (t === '') return required ? bad('required') : good(0);
  const digits = minorDigits(currency);
  if (!DECIMAL.test(t.replaceAll(',', ''))) return bad('money-format', { digits });
  const minor = parseMinor(t, currency);
  if (minor === null) return bad('money-format', { digits });
  if (minor < 0) return bad('too-small', { min: 0 });
  if (minor > PRICE_MAX) return bad('too-big', { max: PRICE_MAX / 10 ** digits });
  return good(minor);
}

/** A tax rate in percent (`13`, `13%`, `9.5`), at most two decimals, into basis points. */
export function parseTaxRate(text: string): Parsed<number> {
  const t = text.trim().replace(/\s*%$/, '');
  if (t === '') return good(0);
  const m = /^(\d+)(?:\.(\d*))?$/.exec(t);
  if (!m) return bad('percent-format');
  const frac = m[2] ?? '';
  if (frac.replace(/0+$/, '').length > 2) return bad('percent-format');
  const bp = Number(m[1]) * 100 + Number(frac.padEnd(2, '0').slice(0, 2));
  if (bp > 10_000) return bad('too-big', { max: 100 });
  // 0.13 is almost surely 13 % typed as a fraction (or Excel's percent format): refuse, don't guess.
  if (bp > 0 && bp < 100) return bad('tax-rate-fraction');
  return good(bp);
}

/** A calendar date written YYYY-MM-DD. */
export function parseDate(text: string): Parsed<string | null> {
  const t = text.trim();
  if (t === '') return good(null);
  const m = /^(\d{4})-(\d{2})-(\d{2})$/.exec(t);
  if (!m) return bad('date-format');
  const [y, mo, d] = [Number(m[1]), Number(m[2]), Number(m[3])];
  const date = new Date(Date.UTC(y, mo - 1, d));
  if (date.getUTCFullYear() !== y || date.getUTCMonth() !== mo - 1 || date.getUTCDate() !== d)
    return bad('date-format');
  return good(t);
}

function parseCurrency(text: string): Parsed<Currency | null> {
  const t = text.trim().toUpperCase();
  if (t === '') return good(null);
  return (CURRENCIES as readonly string[]).includes(t) ? good(t as Currency) : bad('invalid-option');
}

// ---------- validation ----------
/** One valid order, ready to become `CreateOrderArgs` (the caller adds id and number). */
export interface PlannedOrder {
  /** The rows it came from, in file order (line i is rows[i]). */
  rows: number[];
  fields: OrderFields;
}

export interface ImportValidation {
  report: ImportReport;
  /** The valid orders in file order. */
  orders: PlannedOrder[];
  /** Header problems (or no rows): nothing in the file can be imported. */
  headerInvalid: boolean;
}

interface Group {
  key: string;
  firstRow: number;
  rows: number[];
  invalid: boolean;
  /** Order-level cell text of the first row, for the mixed-values check. */
  header: Partial<Record<ColumnKey, string>>;
  customerId: string | null;
  warehouseId: string | null;
  channelId: string | null;
  currency: Currency;
  requestedDate: string | null;
  externalRef: string;
  shipToRegion: string | null;
  note: string | null;
  lines: OrderLineInput[];
}

type Params = Record<string, string | number>;

/** The state of one validation run: the columns, the lookups and the issues found so far. */
class Checker {
  readonly issues: ImportIssue[] = [];
  readonly rowsWithIssues = new Set<number>();

  constructor(
    private readonly columns: ColumnMap,
    private readonly lookups: ImportLookups,
  ) {}

  cell(cells: readonly string[], key: ColumnKey): string {
    return cellOf(cells, this.columns, key);
  }

  colName(key: ColumnKey): string {
    return this.columns[key]?.header ?? IMPORT_COLUMNS.find((c) => c.key === key)?.en ?? key;
  }

  add(row: number, key: ColumnKey | null, code: string, params: Params = {}): void {
    this.issues.push(issue(row, key === null ? null : this.colName(key), code, params));
    this.rowsWithIssues.add(row);
  }

  resolve<T extends RefRecord>(
    value: string,
    find: (value: string) => T | undefined,
    row: number,
    key: ColumnKey,
    what: string,
  ): T | undefined {
    const found = find(value);
    if (!found) this.add(row, key, `unknown-${what}`, { code: value });
    else if (!found.active) this.add(row, key, `inactive-${what}`, { code: value });
    return found?.active ? found : undefined;
  }

  /** Reads the order-level cells of an order's first row. */
  startOrder(g: Group, row: number, cells: readonly string[], channelCode: string): void {
    for (const key of ORDER_LEVEL) g.header[key] = this.cell(cells, key);
    if (channelCode !== '')
      g.channelId = this.resolve(channelCode, this.lookups.channel, row, 'channelCode', 'channel')?.id ?? null;

    const customerCode = this.cell(cells, 'customerCode');
    let customerCurrency: Currency | null = null;
    if (customerCode === '') this.add(row, 'customerCode', 'required');
    else {
      const c = this.resolve(customerCode, this.lookups.customer, row, 'customerCode', 'customer');
      g.customerId = c?.id ?? null;
      customerCurrency = c?.currency ?? null;
    }
    const warehouseCode = this.cell(cells, 'warehouseCode');
    if (warehouseCode !== '')
      g.warehouseId =
        this.resolve(warehouseCode, this.lookups.warehouse, row, 'warehouseCode', 'warehouse')?.id ?? null;

    const currencyText = this.cell(cells, 'currency');
    const currency = parseCurrency(currencyText);
    if (!currency.ok) this.add(row, 'currency', currency.code, { value: currencyText });
    else g.currency = currency.value ?? customerCurrency ?? 'CNY';

    const date = parseDate(this.cell(cells, 'requestedDate'));
    if (!date.ok) this.add(row, 'requestedDate', date.code);
    else g.requestedDate = date.value;

    const region = this.cell(cells, 'shipToRegion');
    if (region.length > LIMITS.shipToRegion) this.add(row, 'shipToRegion', 'too-long', { max: LIMITS.shipToRegion });
    g.shipToRegion = region === '' ? null : region;
    const note = this.cell(cells, 'note');
    if (note.length > LIMITS.note) this.add(row, 'note', 'too-long', { max: LIMITS.note });
    g.note = note === '' ? null : note;

    // Against the database (a channel that is not known cannot have orders).
    if (g.externalRef !== '' && (channelCode === '' || g.channelId !== null)) {
      const existing = this.lookups.existingOrder(g.channelId, g.externalRef);
      if (existing !== undefined) this.add(row, 'externalRef', 'duplicate-external-ref', { number: existing });
    }
  }

  /** A later row of an order: its order-level cells are blank or equal to the first row's. */
  checkSameHeader(g: Group, row: number, cells: readonly string[]): void {
    for (const key of ORDER_LEVEL) {
      const value = this.cell(cells, key);
      if (value === '') continue;
      const first = g.header[key] ?? '';
      const same = key === 'currency' ? value.toUpperCase() === first.toUpperCase() : value === first;
      if (!same) this.add(row, key, 'mixed-header-values', { row: g.firstRow, first, value });
    }
  }

  /** Reads one row's line cells; undefined when the row has any issue. */
  readLine(g: Group, row: number, cells: readonly string[]): OrderLineInput | undefined {
    // The item: by SKU, by GTIN, or both (then they must agree).
    const sku = this.cell(cells, 'sku');
    const gtin = this.cell(cells, 'gtin');
    let itemId: string | null = null;
    let factor = 1;
    if (sku === '' && gtin === '') this.add(row, 'sku', 'required');
    if (sku !== '') itemId = this.resolve(sku, this.lookups.itemBySku, row, 'sku', 'item')?.id ?? null;
    if (gtin !== '') {
      if (!isValidGtin(gtin)) this.add(row, 'gtin', 'gtin-invalid');
      else {
        const unit = this.resolve(toGtin14(gtin), this.lookups.itemByGtin, row, 'gtin', 'item');
        if (unit && itemId !== null && unit.id !== itemId) this.add(row, 'gtin', 'item-mismatch', { sku });
        else if (unit) {
          itemId = unit.id;
          factor = unit.factor;
        }
      }
    }

    const qty = parseQuantity(this.cell(cells, 'quantity'));
    const quantity = qty.ok ? qty.value * factor : 0;
    if (!qty.ok) this.add(row, 'quantity', qty.code, qty.params);
    else if (quantity > LIMITS.quantity)
      this.add(row, 'quantity', 'too-big', { max: Math.floor(LIMITS.quantity / factor) });

    const price = parseMoney(this.cell(cells, 'unitPrice'), g.currency, true);
    const unitPriceMinor = price.ok ? price.value / factor : 0;
    if (!price.ok) this.add(row, 'unitPrice', price.code, price.params);
    else if (!Number.isInteger(unitPriceMinor)) this.add(row, 'unitPrice', 'price-not-divisible', { factor });

    const disc = parseMoney(this.cell(cells, 'discount'), g.currency, false);
    const discountMinor = disc.ok ? disc.value : 0;
    if (!disc.ok) this.add(row, 'discount', disc.code, disc.params);
    else if (qty.ok && price.ok && discountMinor > unitPriceMinor * quantity)
      this.add(row, 'discount', 'discount-too-big');

    const tax = parseTaxRate(this.cell(cells, 'taxRate'));
    if (!tax.ok) this.add(row, 'taxRate', tax.code, tax.params);

    const date = parseDate(this.cell(cells, 'lineRequestedDate'));
    if (!date.ok) this.add(row, 'lineRequestedDate', date.code);
    const note = this.cell(cells, 'lineNote');
    if (note.length > LIMITS.lineNote) this.add(row, 'lineNote', 'too-long', { max: LIMITS.lineNote });

    if (this.rowsWithIssues.has(row) || itemId === null || !tax.ok || !date.ok) return undefined;
    return {
      itemId,
      quantity,
      unitPriceMinor,
      discountMinor,
      taxRateBp: tax.value,
      requestedDate: date.value,
      originalLineNo: null,
      lot: '',
      note: note === '' ? null : note,
    };
  }
}

const newGroup = (key: string, firstRow: number, externalRef: string): Group => ({
  key,
  firstRow,
  rows: [],
  invalid: false,
  header: {},
  customerId: null,
  warehouseId: null,
  channelId: null,
  currency: 'CNY',
  requestedDate: null,
  externalRef,
  shipToRegion: null,
  note: null,
  lines: [],
});

/**
 * Validates a whole sheet against the lookups. A generator, so that the caller can pause between
 * steps (it yields the number of rows done so far every `yieldEvery` rows) and keep its event loop
 * free; `runToEnd` drives it in one go. Returns the report and the valid orders, whose fields are
 * exactly what `orderFields` parses them to (a property test holds the two together).
 */
export function* validateImport(
  sheet: ImportSheet,
  lookups: ImportLookups,
  options: { maxIssues?: number; yieldEvery?: number } = {},
): Generator<number, ImportValidation, void> {
  const maxIssues = options.maxIssues ?? MAX_REPORTED_ISSUES;
  const yieldEvery = options.yieldEvery ?? 500;
  const header = readHeader(sheet.header);
  const check = new Checker(header.columns, lookups);
  /** Non-blank data rows. */
  let rowCount = 0;
  const report = (orders: number, validOrders: number): ImportReport => {
    const issues = check.issues;
    // Issues come in row order except the few that point back (duplicate-in-file): sort only then.
    if (issues.some((x, i) => i > 0 && x.row < (issues[i - 1]?.row ?? 0))) issues.sort((a, b) => a.row - b.row);
    return {
      rows: rowCount,
      orders,
      validOrders,
      invalidOrders: orders - validOrders,
      validRows: rowCount - check.rowsWithIssues.size,
      invalidRows: check.rowsWithIssues.size,
      issues: issues.slice(0, maxIssues),
      truncated: issues.length > maxIssues,
    };
  };
  const nothing = (): ImportValidation => {
    if (rowCount === 0) check.issues.push(issue(1, null, 'no-rows'));
    return { report: report(0, 0), orders: [], headerInvalid: true };
  };
  if (header.issues.length > 0) {
    check.issues.push(...header.issues);
    for (const { row, cells } of sheet.rows) {
      if (isBlank(cells)) continue;
      rowCount += 1;
      check.rowsWithIssues.add(row);
      if (rowCount % yieldEvery === 0) yield rowCount;
    }
    return nothing();
  }

  const width = sheet.header.length;
  const groups: Group[] = [];
  /** Each key's first block (to spot a key that comes back after another order). */
  const seen = new Map<string, Group>();
  let current: Group | null = null;

  for (const { row, cells } of sheet.rows) {
    if (isBlank(cells)) continue;
    rowCount += 1;
    for (let i = width; i < cells.length; i += 1)
      if ((cells[i] ?? '').trim() !== '') {
        check.add(row, null, 'too-many-cells', { columns: width });
        break;
      }

    // The key: channel + external reference; a new key (or a blank reference) starts an order.
    const channelCode = check.cell(cells, 'channelCode');
    const externalRef = check.cell(cells, 'externalRef');
    const key = `${channelCode}\u0000${externalRef}`;
    let group: Group;
    if (current !== null && current.key === key && externalRef !== '') {
      group = current;
      if (group.rows.length >= MAX_LINES_PER_ORDER)
        check.add(row, null, 'too-many-lines', { max: MAX_LINES_PER_ORDER });
      check.checkSameHeader(group, row, cells);
    } else {
      group = newGroup(key, row, externalRef);
      groups.push(group);
      current = group;
      if (externalRef === '') check.add(row, 'externalRef', 'required');
      else if (externalRef.length > LIMITS.externalRef)
        check.add(row, 'externalRef', 'too-long', { max: LIMITS.externalRef });
      const earlier = externalRef === '' ? undefined : seen.get(key);
      if (earlier) {
        check.add(row, 'externalRef', 'duplicate-in-file', { row: earlier.firstRow });
        check.add(earlier.firstRow, 'externalRef', 'duplicate-in-file', { row });
        earlier.invalid = true;
      } else if (externalRef !== '') seen.set(key, group);
      check.startOrder(group, row, cells, channelCode);
    }
    group.rows.push(row);
    const line = check.readLine(group, row, cells);
    if (line) group.lines.push(line);
    else group.invalid = true;

    if (rowCount % yieldEvery === 0) yield rowCount;
  }
  if (rowCount === 0) return nothing();

  const orders: PlannedOrder[] = [];
  for (const [k, g] of groups.entries()) {
    if (k % yieldEvery === yieldEvery - 1) yield rowCount;
    if (g.invalid) continue;
    orders.push({
      rows: g.rows,
      fields: {
        type: 'sales',
        customerId: g.customerId,
        supplierId: null,
        warehouseId: g.warehouseId,
        toWarehouseId: null,
        carrierId: null,
        channelId: g.channelId,
        externalRef: g.externalRef,
        currency: g.currency,
        requestedDate: g.requestedDate,
        autoCancelDate: null,
        shipToRegion: g.shipToRegion,
        originalOrderId: null,
        exchange: false,
        note: g.note,
        lines: g.lines,
      },
    });
  }
  return { report: report(groups.length, orders.length), orders, headerInvalid: false };
}

/** Runs a step generator to its end (tests, small files). */
export function runToEnd<T>(steps: Generator<unknown, T, void>): T {
  for (;;) {
    const next = steps.next();
    if (next.done) return next.value;
  }
}
