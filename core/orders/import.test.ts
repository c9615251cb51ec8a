import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { formatMinor } from '../money.ts';
import { orderFields } from './schemas.ts';
import {
  collectReferences,
  isOrderHeader,
  normalizeHeader,
  parseDate,
  parseMoney,
  parseQuantity,
  parseTaxRate,
  readHeader,
  runToEnd,
  validateImport,
  type CustomerRef,
  type GtinRef,
  type ImportLookups,
  type ImportSheet,
  type RefRecord,
} from './import.ts';

// ---------- a small world of master data, as plain maps ----------
const uuid = (n: number) => `00000000-0000-4000-8000-${String(n).padStart(12, '0')}`;
const CUSTOMERS = new Map<string, CustomerRef>([
  ['C001', { id: uuid(1), active: true, currency: 'CNY' }],
  ['C002', { id: uuid(2), active: true, currency: 'USD' }],
  ['C-OLD', { id: uuid(3), active: false, currency: 'CNY' }],
]);
const WAREHOUSES = new Map<string, RefRecord>([
  ['WH-SHA01', { id: uuid(11), active: true }],
  ['WH-OLD', { id: uuid(12), active: false }],
]);
const CHANNELS = new Map<string, RefRecord>([
  ['TMALL', { id: uuid(21), active: true }],
  ['JDSHOP', { id: uuid(22), active: true }],
]);
const ITEMS = new Map<string, RefRecord>([
  ['SKU-1', { id: uuid(31), active: true }],
  ['SKU-2', { id: uuid(32), active: true }],
  ['SKU-OLD', { id: uuid(33), active: false }],
]);
// SKU-1's own GTIN-13 and its case of 12 (GTIN-14); SKU-2's GTIN-13.
const GTIN_1 = '6901234000016';
const CASE_1 = '16901234000013';
const GTIN_2 = '6901234000023';
const GTINS = new Map<string, GtinRef>([
  [`0${GTIN_1}`, { id: uuid(31), active: true, factor: 1 }],
  [CASE_1, { id: uuid(31), active: true, factor: 12 }],
  [`0${GTIN_2}`, { id: uuid(32), active: true, factor: 1 }],
]);
const EXISTING = new Map<string, string>([[`${uuid(21)}|T-OLD`, 'SO-AB12-000007']]);

const lookups: ImportLookups = {
  customer: (c) => CUSTOMERS.get(c),
  warehouse: (c) => WAREHOUSES.get(c),
  channel: (c) => CHANNELS.get(c),
  itemBySku: (s) => ITEMS.get(s),
  itemByGtin: (g) => GTINS.get(g),
  existingOrder: (channelId, ref) => EXISTING.get(`${channelId ?? ''}|${ref}`),
};

const HEADER = ['external_ref', 'channel_code', 'customer_code', 'sku', 'gtin', 'quantity', 'unit_price', 'tax_rate'];
/** Rows from compact arrays; row numbers as a spreadsheet shows them (header = 1). */
const sheetOf = (rows: string[][], header: string[] = HEADER): ImportSheet => ({
  header,
  rows: rows.map((cells, i) => ({ row: i + 2, cells })),
});
const validate = (sheet: ImportSheet, opts?: { maxIssues?: number }) => runToEnd(validateImport(sheet, lookups, opts));
const codes = (v: ReturnType<typeof validate>) => v.report.issues.map((i) => [i.row, i.column, i.code]);

describe('header recognition', () => {
  it('reads English and Chinese headers, aliases, units in brackets, a BOM and any case', () => {
    expect(normalizeHeader('\uFEFF Unit Price ')).toBe('unit_price');
    expect(normalizeHeader('单价（元）')).toBe('单价');
    expect(normalizeHeader('Tax-Rate (%)')).toBe('tax_rate');
    const h = readHeader([
      '\uFEFF外部单号',
      '客户编码',
      '商品编码',
      '数量',
      '单价（元）',
      'Tax Rate (%)',
      'GTIN',
      '渠道编码',
    ]);
    expect(h.issues).toEqual([]);
    expect(h.columns.externalRef).toEqual({ index: 0, header: '外部单号' });
    expect(h.columns.unitPrice?.index).toBe(4);
    expect(h.columns.taxRate?.index).toBe(5);
    expect(h.columns.gtin?.index).toBe(6);
    expect(h.columns.channelCode?.index).toBe(7);
  });

  it('refuses unknown and repeated columns and names the missing ones', () => {
    const h = readHeader(['external_ref', 'quantiy', '数量', 'Quantity', '', 'unit_price']);
    expect(h.ignored).toEqual([4]);
    expect(h.issues).toEqual([
      { row: 1, column: 'quantiy', code: 'unknown-column', params: {} },
      { row: 1, column: 'Quantity', code: 'duplicate-column', params: { first: '数量' } },
      { row: 1, column: null, code: 'missing-column', params: { column: 'customer_code' } },
      { row: 1, column: null, code: 'missing-column', params: { column: 'sku / gtin' } },
    ]);
  });

  it('tells an order sheet from another sheet by its first row', () => {
    expect(isOrderHeader(['说明', '内容'])).toBe(false);
    expect(isOrderHeader(['外部单号'])).toBe(true);
  });
});

describe('cell parsers', () => {
  it('quantity: whole positive numbers only', () => {
    expect(parseQuantity('12')).toEqual({ ok: true, value: 12 });
    expect(parseQuantity('1,200')).toEqual({ ok: true, value: 1200 });
    expect(parseQuantity('12.0')).toEqual({ ok: true, value: 12 });
    expect(parseQuantity('')).toMatchObject({ ok: false, code: 'required' });
    expect(parseQuantity('2.5')).toMatchObject({ ok: false, code: 'invalid-number' });
    expect(parseQuantity('abc')).toMatchObject({ ok: false, code: 'invalid-number' });
    expect(parseQuantity('1e3')).toMatchObject({ ok: false, code: 'invalid-number' });
    expect(parseQuantity('0')).toMatchObject({ ok: false, code: 'too-small', params: { min: 1 } });
    expect(parseQuantity('-3')).toMatchObject({ ok: false, code: 'too-small' });
    expect(parseQuantity('1000000001')).toMatchObject({ ok: false, code: 'too-big' });
  });

  it('money: exact decimal in major units, no more decimals than the currency has', () => {
    expect(parseMoney('12.34', 'CNY', true)).toEqual({ ok: true, value: 1234 });
    expect(parseMoney('1,234.5', 'CNY', true)).toEqual({ ok: true, value: 123450 });
    expect(parseMoney('0.29', 'CNY', true)).toEqual({ ok: true, value: 29 }); // 0.29 * 100 = 28.999… in floats
    expect(parseMoney('1200', 'JPY', true)).toEqual({ ok: true, value: 1200 });
    expect(parseMoney('12.345', 'CNY', true)).toMatchObject({ ok: false, code: 'money-format', params: { digits: 2 } });
    expect(parseMoney('12.5', 'JPY', true)).toMatchObject({ ok: false, code: 'money-format', params: { digits: 0 } });
    expect(parseMoney('¥12', 'CNY', true)).toMatchObject({ ok: false, code: 'money-format' });
    expect(parseMoney('-1', 'CNY', true)).toMatchObject({ ok: false, code: 'too-small' });
    expect(parseMoney('', 'CNY', true)).toMatchObject({ ok: false, code: 'required' });
    expect(parseMoney('', 'CNY', false)).toEqual({ ok: true, value: 0 });
    expect(parseMoney('100000001', 'CNY', true)).toMatchObject({ ok: false, code: 'too-big' });
  });

  it('tax rate: percent with up to two decimals, into basis points', () => {
    expect(parseTaxRate('13')).toEqual({ ok: true, value: 1300 });
    expect(parseTaxRate('13%')).toEqual({ ok: true, value: 1300 });
    expect(parseTaxRate('9.5')).toEqual({ ok: true, value: 950 });
    expect(parseTaxRate('6.25 %')).toEqual({ ok: true, value: 625 });
    expect(parseTaxRate('13.000')).toEqual({ ok: true, value: 1300 });
    expect(parseTaxRate('')).toEqual({ ok: true, value: 0 });
    expect(parseTaxRate('0')).toEqual({ ok: true, value: 0 });
    expect(parseTaxRate('0.13')).toMatchObject({ ok: false, code: 'tax-rate-fraction' });
    expect(parseTaxRate('13.125')).toMatchObject({ ok: false, code: 'percent-format' });
    expect(parseTaxRate('abc')).toMatchObject({ ok: false, code: 'percent-format' });
    expect(parseTaxRate('-1')).toMatchObject({ ok: false, code: 'percent-format' });
    expect(parseTaxRate('101')).toMatchObject({ ok: false, code: 'too-big', params: { max: 100 } });
  });

  it('dates: real calendar days written YYYY-MM-DD', () => {
    expect(parseDate('2026-12-03')).toEqual({ ok: true, value: '2026-12-03' });
    expect(parseDate('')).toEqual({ ok: true, value: null });
    expect(parseDate('2026-02-30')).toMatchObject({ ok: false, code: 'date-format' });
    expect(parseDate('2026/12/03')).toMatchObject({ ok: false, code: 'date-format' });
    expect(parseDate('03.12.2026')).toMatchObject({ ok: false, code: 'date-format' });
  });
});

describe('validateImport', () => {
  it('groups consecutive rows of one key into an order and builds exact fields', () => {
    const v = validate(
      sheetOf([
        ['T-1', 'TMALL', 'C001', 'SKU-1', '', '3', '12.50', '13'],
        ['T-1', 'TMALL', '', '', GTIN_2, '1', '0.29', '13%'],
        ['T-2', 'TMALL', 'C002', 'SKU-2', '', '2', '7', ''],
        ['T-2', 'JDSHOP', 'C001', 'SKU-2', '', '2', '7', ''],
      ]),
    );
    expect(v.report).toMatchObject({ rows: 4, orders: 3, validOrders: 3, invalidOrders: 0, invalidRows: 0 });
    expect(v.report.issues).toEqual([]);
    expect(v.orders.map((o) => o.rows)).toEqual([[2, 3], [4], [5]]);
    const [first, second] = v.orders;
    expect(first?.fields).toMatchObject({
      type: 'sales',
      customerId: uuid(1),
      channelId: uuid(21),
      externalRef: 'T-1',
      currency: 'CNY',
      lines: [
        { itemId: uuid(31), quantity: 3, unitPriceMinor: 1250, taxRateBp: 1300, discountMinor: 0 },
        { itemId: uuid(32), quantity: 1, unitPriceMinor: 29, taxRateBp: 1300 },
      ],
    });
    // No currency column: the customer's currency.
    expect(second?.fields.currency).toBe('USD');
  });

  it('skips blank rows and keeps spreadsheet row numbers', () => {
    const v = validate(
      sheetOf([
        ['T-1', 'TMALL', 'C001', 'SKU-1', '', '1', '1', ''],
        ['', '', '', '', '', '', '', ''],
        ['T-2', 'TMALL', 'C001', 'NOPE', '', '1', '1', ''],
      ]),
    );
    expect(v.report.rows).toBe(2);
    expect(codes(v)).toEqual([[4, 'sku', 'unknown-item']]);
  });

  it('reports each bad cell with a stable code; the order of a bad row is invalid', () => {
    const v = validate(
      sheetOf([
        ['T-1', 'TMALL', 'C404', 'SKU-1', '', '1', '1', ''],
        ['T-2', 'TMALL', 'C001', 'SKU-404', '', '1', '1', ''],
        ['T-3', 'TMALL', 'C001', 'SKU-1', '', '2.5', '1', ''],
        ['T-4', 'TMALL', 'C001', 'SKU-1', '', '1', '12.345', ''],
        ['T-5', 'TMALL', 'C001', 'SKU-1', '', '1', '1', '0.13'],
        ['T-6', 'NOSUCH', 'C001', 'SKU-1', '', '1', '1', ''],
        ['T-7', 'TMALL', 'C-OLD', 'SKU-OLD', '', '1', '1', ''],
        ['T-8', 'TMALL', 'C001', '', '6901234000017', '1', '1', ''],
        ['T-9', 'TMALL', 'C001', '', '', '', '', ''],
        ['', 'TMALL', 'C001', 'SKU-1', '', '1', '1', ''],
        ['T-OK', 'TMALL', 'C001', 'SKU-1', '', '1', '1', ''],
      ]),
    );
    expect(codes(v)).toEqual([
      [2, 'customer_code', 'unknown-customer'],
      [3, 'sku', 'unknown-item'],
      [4, 'quantity', 'invalid-number'],
      [5, 'unit_price', 'money-format'],
      [6, 'tax_rate', 'tax-rate-fraction'],
      [7, 'channel_code', 'unknown-channel'],
      [8, 'customer_code', 'inactive-customer'],
      [8, 'sku', 'inactive-item'],
      [9, 'gtin', 'gtin-invalid'],
      [10, 'sku', 'required'],
      [10, 'quantity', 'required'],
      [10, 'unit_price', 'required'],
      [11, 'external_ref', 'required'],
    ]);
    expect(v.report.issues[0]?.params).toEqual({ code: 'C404' });
    expect(v.report).toMatchObject({ rows: 11, orders: 11, validOrders: 1, invalidOrders: 10, invalidRows: 10 });
    expect(v.orders.map((o) => o.fields.externalRef)).toEqual(['T-OK']);
  });

  it('an order with one bad row is invalid as a whole; its other rows stay valid rows', () => {
    const v = validate(
      sheetOf([
        ['T-1', 'TMALL', 'C001', 'SKU-1', '', '1', '1', ''],
        ['T-1', 'TMALL', 'C001', 'SKU-2', '', 'x', '1', ''],
        ['T-2', 'TMALL', 'C001', 'SKU-2', '', '1', '1', ''],
      ]),
    );
    expect(v.report).toMatchObject({
      rows: 3,
      orders: 2,
      validOrders: 1,
      invalidOrders: 1,
      validRows: 2,
      invalidRows: 1,
    });
    expect(v.orders.map((o) => o.rows)).toEqual([[4]]);
  });

  it('duplicate external ref in the file (same key after another order): both blocks invalid', () => {
    const v = validate(
      sheetOf([
        ['T-1', 'TMALL', 'C001', 'SKU-1', '', '1', '1', ''],
        ['T-2', 'TMALL', 'C001', 'SKU-1', '', '1', '1', ''],
        ['T-1', 'TMALL', 'C001', 'SKU-2', '', '1', '1', ''],
        ['T-1', 'JDSHOP', 'C001', 'SKU-2', '', '1', '1', ''],
      ]),
    );
    expect(v.report.issues).toEqual([
      { row: 2, column: 'external_ref', code: 'duplicate-in-file', params: { row: 4 } },
      { row: 4, column: 'external_ref', code: 'duplicate-in-file', params: { row: 2 } },
    ]);
    expect(v.orders.map((o) => o.rows)).toEqual([[3], [5]]);
  });

  it('duplicate external ref against the database (per channel)', () => {
    const v = validate(
      sheetOf([
        ['T-OLD', 'TMALL', 'C001', 'SKU-1', '', '1', '1', ''],
        ['T-OLD', 'JDSHOP', 'C001', 'SKU-1', '', '1', '1', ''],
      ]),
    );
    expect(v.report.issues).toEqual([
      { row: 2, column: 'external_ref', code: 'duplicate-external-ref', params: { number: 'SO-AB12-000007' } },
    ]);
    expect(v.orders).toHaveLength(1);
  });

  it('order-level cells: blank inherits the first row, a different value is mixed-header-values', () => {
    const header = [...HEADER, 'warehouse_code', 'requested_date', 'currency', 'note'];
    const v = validate(
      sheetOf(
        [
          ['T-1', 'TMALL', 'C001', 'SKU-1', '', '1', '1', '', 'WH-SHA01', '2026-12-01', 'cny', '加急'],
          ['T-1', 'TMALL', '', 'SKU-2', '', '1', '1', '', '', '', 'CNY', ''],
          ['T-2', 'TMALL', 'C001', 'SKU-1', '', '1', '1', '', 'WH-SHA01', '2026-12-01', '', ''],
          ['T-2', 'TMALL', 'C002', 'SKU-2', '', '1', '1', '', 'WH-SHA01', '2026-12-02', '', ''],
        ],
        header,
      ),
    );
    expect(v.report.issues).toEqual([
      {
        row: 5,
        column: 'customer_code',
        code: 'mixed-header-values',
        params: { row: 4, first: 'C001', value: 'C002' },
      },
      {
        row: 5,
        column: 'requested_date',
        code: 'mixed-header-values',
        params: { row: 4, first: '2026-12-01', value: '2026-12-02' },
      },
    ]);
    expect(v.orders).toHaveLength(1);
    expect(v.orders[0]?.fields).toMatchObject({
      warehouseId: uuid(11),
      requestedDate: '2026-12-01',
      currency: 'CNY',
      note: '加急',
      lines: [{ itemId: uuid(31) }, { itemId: uuid(32) }],
    });
    expect(orderFields.parse(v.orders[0]?.fields)).toEqual(v.orders[0]?.fields);
  });

  it('a packaging GTIN counts and prices its unit; SKU and GTIN on one row must agree', () => {
    const v = validate(
      sheetOf([
        ['T-1', 'TMALL', 'C001', '', CASE_1, '2', '120', ''],
        ['T-2', 'TMALL', 'C001', '', CASE_1, '1', '100', ''],
        ['T-3', 'TMALL', 'C001', 'SKU-2', GTIN_1, '1', '1', ''],
        ['T-4', 'TMALL', 'C001', 'SKU-1', `0${GTIN_1}`, '1', '1', ''],
      ]),
    );
    expect(codes(v)).toEqual([
      [3, 'unit_price', 'price-not-divisible'],
      [4, 'gtin', 'item-mismatch'],
    ]);
    expect(v.orders.map((o) => o.fields.lines[0])).toMatchObject([
      { itemId: uuid(31), quantity: 24, unitPriceMinor: 1000 }, // 2 cases of 12 at 120.00 a case
      { itemId: uuid(31), quantity: 1 },
    ]);
  });

  it('discount beyond the line value, text too long, extra cells', () => {
    const header = [...HEADER, 'discount', 'line_note'];
    const v = validate(
      sheetOf(
        [
          ['T-1', 'TMALL', 'C001', 'SKU-1', '', '2', '5', '', '10.01', ''],
          ['T-2', 'TMALL', 'C001', 'SKU-1', '', '2', '5', '', '10', 'x'.repeat(301)],
          ['T-3', 'TMALL', 'C001', 'SKU-1', '', '2', '5', '', '10', '', 'stray'],
          ['T-4', 'TMALL', 'C001', 'SKU-1', '', '2', '5', '', '10', '', ''],
        ],
        header,
      ),
    );
    expect(codes(v)).toEqual([
      [2, 'discount', 'discount-too-big'],
      [3, 'line_note', 'too-long'],
      [4, null, 'too-many-cells'],
    ]);
    expect(v.orders[0]?.fields.lines[0]).toMatchObject({ quantity: 2, unitPriceMinor: 500, discountMinor: 1000 });
  });

  it('an order of more than 500 lines is refused at the 501st row', () => {
    const rows = Array.from({ length: 501 }, () => ['T-BIG', 'TMALL', 'C001', 'SKU-1', '', '1', '1', '']);
    const v = validate(sheetOf(rows));
    expect(codes(v)).toEqual([[502, null, 'too-many-lines']]);
    expect(v.report).toMatchObject({ orders: 1, validOrders: 0 });
  });

  it('a bad header makes the whole file invalid; a header without rows is no-rows', () => {
    const broken = validate(sheetOf([['T-1', 'C001', '1']], ['external_ref', 'customer', 'qty']));
    expect(broken.headerInvalid).toBe(true);
    expect(codes(broken)).toEqual([
      [1, null, 'missing-column'],
      [1, null, 'missing-column'],
    ]);
    expect(broken.report).toMatchObject({ rows: 1, orders: 0, validRows: 0, invalidRows: 1 });
    const empty = validate(sheetOf([['', '', '']]));
    expect(empty.headerInvalid).toBe(true);
    expect(codes(empty)).toEqual([[1, null, 'no-rows']]);
  });

  it('keeps the first issues and says the list is truncated', () => {
    const rows = Array.from({ length: 30 }, (_, i) => [`T-${i}`, 'TMALL', 'C404', 'SKU-1', '', '1', '1', '']);
    const v = validate(sheetOf(rows), { maxIssues: 10 });
    expect(v.report.issues).toHaveLength(10);
    expect(v.report.issues.at(-1)?.row).toBe(11);
    expect(v.report).toMatchObject({ truncated: true, invalidRows: 30, invalidOrders: 30 });
  });

  it('yields progress so a caller can pause between steps', () => {
    const rows = Array.from({ length: 1200 }, (_, i) => [`T-${i}`, 'TMALL', 'C001', 'SKU-1', '', '1', '1', '']);
    const steps = validateImport(sheetOf(rows), lookups, { yieldEvery: 500 });
    const seen: number[] = [];
    for (let next = steps.next(); ; next = steps.next()) {
      if (next.done) {
        expect(next.value.orders).toHaveLength(1200);
        break;
      }
      seen.push(next.value);
    }
    expect(seen.slice(0, 2)).toEqual([500, 1000]);
    expect(seen.every((n, i) => n <= 1200 && n >= (seen[i - 1] ?? 0))).toBe(true);
  });

  it('collects every reference once, GTINs in their 14-digit form', () => {
    const sheet = sheetOf([
      ['T-1', 'TMALL', 'C001', 'SKU-1', GTIN_1, '1', '1', ''],
      ['T-1', 'TMALL', '', 'SKU-2', 'bad', '1', '1', ''],
      ['T-2', '', 'C002', '', CASE_1, '1', '1', ''],
    ]);
    const refs = collectReferences(sheet.rows, readHeader(HEADER).columns);
    expect(refs).toEqual({
      customers: new Set(['C001', 'C002']),
      warehouses: new Set(),
      channels: new Set(['TMALL']),
      skus: new Set(['SKU-1', 'SKU-2']),
      gtins: new Set([`0${GTIN_1}`, CASE_1]),
      externalRefs: new Set(['T-1', 'T-2']),
    });
  });

  it('property: any valid prices and quantities come through exactly, in file order', () => {
    const line = fc.record({
      sku: fc.constantFrom('SKU-1', 'SKU-2'),
      quantity: fc.integer({ min: 1, max: 1_000_000 }),
      priceMinor: fc.integer({ min: 0, max: 10_000_000_000 }),
      taxBp: fc.constantFrom(0, 100, 300, 600, 900, 950, 1300),
    });
    fc.assert(
      fc.property(
        fc.array(fc.array(line, { minLength: 1, maxLength: 5 }), { minLength: 1, maxLength: 20 }),
        (orders) => {
          const rows = orders.flatMap((lines, o) =>
            lines.map((l) => [
              `R-${o}`,
              'TMALL',
              'C001',
              l.sku,
              '',
              String(l.quantity),
              formatMinor(l.priceMinor, 'CNY'),
              String(l.taxBp / 100),
            ]),
          );
          const v = validate(sheetOf(rows));
          expect(v.report.issues).toEqual([]);
          // What the import builds is what the order schema (so the importOrders command) accepts as is.
          for (const o of v.orders) expect(orderFields.parse(o.fields)).toEqual(o.fields);
          expect(v.orders.map((o) => o.fields.lines.map((l) => [l.quantity, l.unitPriceMinor, l.taxRateBp]))).toEqual(
            orders.map((lines) => lines.map((l) => [l.quantity, l.priceMinor, l.taxBp])),
          );
        },
      ),
      { numRuns: 60 },
    );
  });
});
