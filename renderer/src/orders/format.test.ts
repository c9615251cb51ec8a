import i18next from 'i18next';
import { describe, expect, it } from 'vitest';
import { ERROR_CODES } from '../../../core/errors.ts';
import { messagesEn as en, messagesZhCN as zhCN } from '../i18n/resources.ts';
import {
  exceptionText,
  failureFigures,
  formatMoney,
  formatPercentBp,
  importIssueText,
  orderErrorText,
  parsePercentBp,
  type Names,
} from './format.ts';

const i18n = i18next.createInstance();
await i18n.init({
  lng: 'en',
  resources: { en: { translation: en }, 'zh-CN': { translation: zhCN } },
  interpolation: { escapeValue: false },
  initAsync: false,
});
const tEn = i18n.getFixedT('en');
const tZh = i18n.getFixedT('zh-CN');
const names: Names = { item: () => 'SKU-1 Milk', warehouse: () => 'WH-01' };

describe('order money and rates', () => {
  it('formats minor units exactly, per currency', () => {
    expect(formatMoney(123456789, 'CNY')).toBe('¥1,234,567.89');
    expect(formatMoney(5, 'USD')).toBe('US$0.05');
    expect(formatMoney(-1500, 'EUR')).toBe('−€15.00');
    expect(formatMoney(1234, 'JPY')).toBe('JP¥1,234');
    // Beyond a double's exact decimals a float would round; minor units do not.
    expect(formatMoney(9_007_199_254_740_991, 'CNY')).toBe('¥90,071,992,547,409.91');
  });

  it('reads tax percentages into basis points and back', () => {
    expect(parsePercentBp('13')).toBe(1300);
    expect(parsePercentBp('6.5')).toBe(650);
    expect(parsePercentBp('0.25 %')).toBe(25);
    expect(parsePercentBp('100')).toBe(10_000);
    expect(parsePercentBp('100.01')).toBeNull();
    expect(parsePercentBp('1.234')).toBeNull();
    expect(parsePercentBp('abc')).toBeNull();
    expect(formatPercentBp(1300)).toBe('13');
    expect(formatPercentBp(650)).toBe('6.5');
    expect(formatPercentBp(25)).toBe('0.25');
  });
});

describe('check figures', () => {
  it('labels the credit position in the clerk’s language', () => {
    const failure = {
      check: 'credit' as const,
      details: {
        limitMinor: 50_000,
        exposureMinor: 73_111,
        overMinor: 23_111,
        openReceivablesMinor: 0,
        unbilledMinor: 0,
        thisOrderMinor: 73_111,
        depositsMinor: 0,
        currency: 'CNY',
      },
    };
    const figures = failureFigures(tEn, failure, names);
    expect(figures.slice(0, 3)).toEqual([
      { label: 'Credit limit', value: '¥500.00' },
      { label: 'Exposure', value: '¥731.11' },
      { label: 'Over by', value: '¥231.11', strong: true },
    ]);
    expect(failureFigures(tZh, failure, names)[2]).toEqual({ label: '超出', value: '¥231.11', strong: true });
  });

  it('names the item and warehouse of a stock failure, and says when none is assigned', () => {
    const figures = failureFigures(
      tEn,
      { check: 'stock', details: { lineNo: 2, itemId: 'x', warehouseId: null, requested: 1200, available: 0 } },
      names,
    );
    expect(figures.map((f) => `${f.label}=${f.value}`)).toEqual([
      'Line=2',
      'Item=SKU-1 Milk',
      'Warehouse=none assigned',
      'Requested=1,200',
      'Available=0',
    ]);
  });
});

describe('order errors', () => {
  it('translates every order error code in both languages, with or without details', () => {
    for (const t of [tEn, tZh]) {
      const unexpected = t('errors.system.unexpected');
      for (const code of ERROR_CODES.filter((c) => c.startsWith('order.'))) {
        const text = orderErrorText(t, { code, message: 'x' });
        expect(text, code).not.toBe(unexpected);
        expect(text, code).not.toContain('{{');
        expect(text, code).not.toContain(code);
      }
    }
  });

  it('names the check and the roles of a refused force release', () => {
    expect(
      orderErrorText(tEn, {
        code: 'order.role-required',
        message: 'x',
        details: { check: 'credit', roles: 'supervisor, finance-clerk' },
      }),
    ).toBe('Releasing an order held by the Credit check needs the role of supervisor, finance clerk.');
    expect(orderErrorText(tZh, { code: 'order.force-not-allowed', message: 'x', details: { check: 'credit' } })).toBe(
      '信用额度检查不允许强制发布：请解决问题后重新检查。',
    );
  });

  it('tells split refusals apart by their details', () => {
    expect(
      orderErrorText(tEn, {
        code: 'order.split-invalid',
        message: 'x',
        details: { lineNo: 2, requested: 30, left: 12 },
      }),
    ).toBe('Line 2: only 12 left to split, 30 asked.');
    expect(orderErrorText(tZh, { code: 'order.split-invalid', message: 'x', details: { rules: 0 } })).toContain(
      '拆单规则',
    );
  });

  it('explains an unreadable import file by its reason', () => {
    expect(orderErrorText(tEn, { code: 'order.import-invalid', message: 'x', details: { reason: 'not-xlsx' } })).toBe(
      'This is not an Excel (XLSX) workbook.',
    );
  });
});

describe('import report and exceptions', () => {
  it('words each import problem, never the raw code', () => {
    expect(importIssueText(tEn, { row: 5, column: 'sku', code: 'unknown-item', params: { code: 'NOPE' } })).toBe(
      'No item NOPE',
    );
    expect(importIssueText(tZh, { row: 6, column: 'unit_price', code: 'money-format', params: { digits: 2 } })).toBe(
      '请输入金额，最多 2 位小数',
    );
    expect(importIssueText(tEn, { row: 1, column: null, code: 'missing-column', params: { column: 'sku' } })).toBe(
      'Column sku is missing',
    );
    expect(importIssueText(tEn, { row: 2, column: 'x', code: 'brand-new-code', params: {} })).toBe(
      'This value is not valid',
    );
  });

  it('says what an exception is about with its figures', () => {
    expect(exceptionText(tEn, { kind: 'backorder', details: { short: 1500 } })).toBe(
      '1,500 could not be allocated from stock.',
    );
    expect(
      exceptionText(tZh, {
        kind: 'jeopardy',
        details: { supply: 'PO-1', lines: [{ lineNo: 1, promisedDate: '2026-12-01', supplyDate: '2026-12-09' }] },
      }),
    ).toBe('供应 PO-1 延迟：第 1 行承诺 2026-12-01，供应现为 2026-12-09。');
  });
});
