import { describe, expect, it } from 'vitest';
import {
  assertForceRelease,
  availableToPromise,
  chooseCarrier,
  chooseWarehouse,
  convertMinor,
  creditCheck,
  lineAmounts,
  periodBounds,
  planAutoSplit,
  planManualSplit,
  priorityOrder,
  proRata,
  quotaCheck,
  returnable,
  stockCheck,
  type WarehouseRule,
} from './rules.ts';

describe('line money (hand-computed)', () => {
  it('net = qty × price − discount; tax rounded half away from zero once per line', () => {
    // 3 × 19.99 = 59.97 − 0.50 = 59.47; 13 % of 59.47 = 7.7311 → 7.73
    expect(lineAmounts({ quantity: 3, unitPriceMinor: 1999, discountMinor: 50, taxRateBp: 1300 })).toEqual({
      netMinor: 5947,
      taxMinor: 773,
      totalMinor: 6720,
    });
    // 1 × 0.50 at 9 % = 0.045 → 0.05 (half away from zero)
    expect(lineAmounts({ quantity: 1, unitPriceMinor: 50, discountMinor: 0, taxRateBp: 900 }).taxMinor).toBe(5);
    // 1 × 0.49 at 9 % = 0.0441 → 0.04
    expect(lineAmounts({ quantity: 1, unitPriceMinor: 49, discountMinor: 0, taxRateBp: 900 }).taxMinor).toBe(4);
  });

  it('stays exact for large amounts and refuses what a double cannot hold', () => {
    expect(
      lineAmounts({ quantity: 900_000, unitPriceMinor: 9_999_999_999, discountMinor: 0, taxRateBp: 0 }).netMinor,
    ).toBe(8_999_999_999_100_000);
    expect(() =>
      lineAmounts({ quantity: 1_000_000, unitPriceMinor: 10_000_000_000, discountMinor: 0, taxRateBp: 1300 }),
    ).toThrow();
  });

  it('pro rata shares and currency conversion round half away from zero', () => {
    expect(proRata(1000, 1, 3)).toBe(333);
    expect(proRata(1000, 2, 3)).toBe(667);
    expect(proRata(5, 1, 2)).toBe(3);
    // 12.34 USD at 7.123456 CNY/USD = 87.9034… → 87.90 CNY
    expect(convertMinor(1234, 'USD', 'CNY', 7_123_456)).toBe(8790);
    // 1,000 JPY (no minor digits) at 0.048 CNY/JPY = 48.00 CNY
    expect(convertMinor(1000, 'JPY', 'CNY', 48_000)).toBe(4800);
    expect(convertMinor(777, 'CNY', 'CNY', 1)).toBe(777);
  });
});

describe('audit checks', () => {
  it('stock fails per short line and when no warehouse is assigned', () => {
    const f = stockCheck([
      { lineNo: 1, itemId: 'a', warehouseId: 'w', requested: 5, free: 5 },
      { lineNo: 2, itemId: 'b', warehouseId: 'w', requested: 5, free: 2 },
      { lineNo: 3, itemId: 'c', warehouseId: null, requested: 1, free: 0 },
    ]);
    expect(f.map((x) => x.details['lineNo'])).toEqual([2, 3]);
    expect(f[0]!.details).toMatchObject({ requested: 5, available: 2 });
  });

  it('quota fails when used + requested exceeds the allowance', () => {
    const base = { quotaId: 'q', itemId: 'i', productGroup: null, period: 'month' as const, allowance: 10 };
    expect(quotaCheck([{ ...base, used: 4, requested: 6 }])).toEqual([]);
    expect(quotaCheck([{ ...base, used: 4, requested: 7 }])[0]!.details).toMatchObject({ remaining: 6, requested: 7 });
  });

  it('credit exposure = receivables + unbilled + this order − deposits, against the limit', () => {
    const p = {
      limitMinor: 100_000,
      openReceivablesMinor: 60_000,
      unbilledMinor: 30_000,
      thisOrderMinor: 20_000,
      depositsMinor: 10_000,
      currency: 'CNY' as const,
    };
    expect(creditCheck(p)).toEqual([]);
    const f = creditCheck({ ...p, depositsMinor: 9_999 });
    expect(f[0]!.details).toMatchObject({ exposureMinor: 100_001, overMinor: 1 });
  });

  it('period bounds: ISO weeks from Monday, months, quarters, years', () => {
    expect(periodBounds('week', '2026-11-25')).toEqual({ from: '2026-11-23', to: '2026-11-29' });
    expect(periodBounds('month', '2024-02-10')).toEqual({ from: '2024-02-01', to: '2024-02-29' });
    expect(periodBounds('quarter', '2026-11-25')).toEqual({ from: '2026-10-01', to: '2026-12-31' });
    expect(periodBounds('year', '2026-01-01')).toEqual({ from: '2026-01-01', to: '2026-12-31' });
  });

  it('force release needs every failed check to allow it and a role it names', () => {
    const settings = [
      { check: 'credit' as const, enabled: true, forceAllowed: true, forceRoles: ['supervisor'] },
      { check: 'stock' as const, enabled: true, forceAllowed: false, forceRoles: ['supervisor'] },
    ];
    const credit = [{ check: 'credit' as const, details: {} }];
    expect(() => assertForceRelease(credit, settings, ['supervisor'])).not.toThrow();
    expect(() => assertForceRelease(credit, settings, ['warehouse-clerk'])).toThrowError(
      expect.objectContaining({ code: 'order.role-required' }),
    );
    expect(() =>
      assertForceRelease([...credit, { check: 'stock', details: {} }], settings, ['supervisor']),
    ).toThrowError(expect.objectContaining({ code: 'order.force-not-allowed' }));
  });
});

describe('assignment', () => {
  const rule = (over: Partial<WarehouseRule>): WarehouseRule => ({
    id: 'r',
    position: 0,
    channelId: null,
    region: null,
    customerId: null,
    itemId: null,
    productGroup: null,
    warehouseIds: ['w1', 'w2', 'w3'],
    mode: 'availability',
    ...over,
  });
  const order = {
    channelId: 'web',
    region: '华东',
    customerId: 'c',
    lines: [{ itemId: 'i', productGroup: 'g', quantity: 5 }],
  };

  it('the first matching rule by position decides; availability picks the first candidate that serves all', () => {
    const stock = new Map([
      ['i|w2', 5],
      ['i|w3', 9],
    ]);
    const free = (i: string, w: string) => stock.get(`${i}|${w}`) ?? 0;
    expect(
      chooseWarehouse([rule({ id: 'b', position: 2 }), rule({ id: 'a', position: 1, region: '华北' })], order, free),
    ).toEqual({
      warehouseId: 'w2',
      ruleId: 'b',
      servesAll: true,
    });
    expect(chooseWarehouse([rule({ mode: 'priority' })], order, free)).toMatchObject({
      warehouseId: 'w1',
      servesAll: false,
    });
    expect(chooseWarehouse([rule({ channelId: 'store' })], order, free)).toBeNull();
  });

  it('carrier rules: first match on warehouse, region, channel and a weight limit', () => {
    const rules = [
      {
        id: 'heavy',
        position: 2,
        warehouseId: null,
        region: null,
        channelId: null,
        maxWeightGrams: null,
        carrierId: 'truck',
      },
      {
        id: 'light',
        position: 1,
        warehouseId: 'w1',
        region: null,
        channelId: null,
        maxWeightGrams: 20_000,
        carrierId: 'post',
      },
    ];
    expect(
      chooseCarrier(rules, { warehouseId: 'w1', region: null, channelId: null, weightGrams: 5_000 })?.carrierId,
    ).toBe('post');
    expect(
      chooseCarrier(rules, { warehouseId: 'w1', region: null, channelId: null, weightGrams: 50_000 })?.carrierId,
    ).toBe('truck');
  });
});

describe('splitting', () => {
  const lines = [
    { lineNo: 1, itemId: 'a', quantity: 10, productGroup: 'food', weightGrams: 1_000, volumeCm3: 10 },
    { lineNo: 2, itemId: 'b', quantity: 3, productGroup: 'toys', weightGrams: 4_000, volumeCm3: 50 },
  ];
  const sum = (parts: Array<{ lines: Array<{ lineNo: number; quantity: number }> }>, lineNo: number) =>
    parts.flatMap((p) => p.lines).reduce((s, l) => s + (l.lineNo === lineNo ? l.quantity : 0), 0);

  it('manual: the chosen parts plus a remainder, refusing over-takes and one-piece splits', () => {
    const parts = planManualSplit(lines, [{ warehouseId: 'w2', lines: [{ lineNo: 1, quantity: 4 }] }], 'w1');
    expect(parts).toEqual([
      { warehouseId: 'w2', lines: [{ lineNo: 1, quantity: 4 }] },
      {
        warehouseId: 'w1',
        lines: [
          { lineNo: 1, quantity: 6 },
          { lineNo: 2, quantity: 3 },
        ],
      },
    ]);
    expect(() =>
      planManualSplit(lines, [{ warehouseId: null, lines: [{ lineNo: 1, quantity: 11 }] }], null),
    ).toThrowError(expect.objectContaining({ code: 'order.split-invalid' }));
    expect(() =>
      planManualSplit(
        lines,
        [
          {
            warehouseId: null,
            lines: [
              { lineNo: 1, quantity: 10 },
              { lineNo: 2, quantity: 3 },
            ],
          },
        ],
        null,
      ),
    ).toThrowError(expect.objectContaining({ code: 'order.split-invalid' }));
  });

  it('auto by product group, then weight limit: every part within the limit, quantities conserved', () => {
    const parts = planAutoSplit(
      lines,
      [
        { kind: 'product-group', limit: null },
        { kind: 'weight', limit: 6_000 },
      ],
      () => null,
      'w1',
    );
    for (const p of parts) {
      const w = p.lines.reduce((s, l) => s + l.quantity * lines.find((x) => x.lineNo === l.lineNo)!.weightGrams, 0);
      expect(w).toBeLessThanOrEqual(6_000);
      expect(new Set(p.lines.map((l) => lines.find((x) => x.lineNo === l.lineNo)!.productGroup)).size).toBe(1);
    }
    expect(sum(parts, 1)).toBe(10);
    expect(sum(parts, 2)).toBe(3);
    expect(parts.length).toBe(2 + 3);
  });

  it('auto by warehouse availability sends each line where it can be served', () => {
    const parts = planAutoSplit(
      lines,
      [{ kind: 'warehouse', limit: null }],
      (l) => (l.itemId === 'a' ? 'w2' : 'w3'),
      'w1',
    );
    expect(parts.map((p) => p.warehouseId).sort()).toEqual(['w2', 'w3']);
  });
});

describe('priority and promising', () => {
  it('scarce stock goes to the better grade, then the earlier promise, then first come', () => {
    const d = (orderId: string, grade: string, promisedDate: string | null, createdAt: string) => ({
      orderId,
      lineNo: 1,
      grade,
      promisedDate,
      createdAt,
      open: 1,
    });
    const order = priorityOrder([
      d('c-early', 'C', '2026-12-01', '2026-11-01'),
      d('a-late', 'A', '2026-12-09', '2026-11-03'),
      d('a-soon', 'A', '2026-12-02', '2026-11-04'),
      d('a-none', 'A', null, '2026-11-02'),
    ]);
    expect(order.map((x) => x.orderId)).toEqual(['a-soon', 'a-late', 'a-none', 'c-early']);
  });

  it('ATP: on hand first, then dated supply; the promise names the supply it depends on', () => {
    const supply = [
      { date: '2026-12-10', quantity: 30, ref: 'purchase:p2:1' },
      { date: '2026-12-01', quantity: 20, ref: 'purchase:p1:1' },
    ];
    const f = { free: 20, safetyStock: 5, backorders: 5, supply };
    expect(availableToPromise(f, 10, '2026-11-25')).toMatchObject({
      date: '2026-11-25',
      dependsOn: null,
      onHandAtp: 10,
    });
    expect(availableToPromise(f, 25, '2026-11-25')).toMatchObject({ date: '2026-12-01', dependsOn: 'purchase:p1:1' });
    expect(availableToPromise(f, 60, '2026-11-25')).toMatchObject({ date: '2026-12-10', dependsOn: 'purchase:p2:1' });
    expect(availableToPromise(f, 61, '2026-11-25').date).toBeNull();
    // Overdue supply counts from today, not from its past date.
    expect(
      availableToPromise({ ...f, supply: [{ date: '2026-11-01', quantity: 50, ref: 'x' }] }, 30, '2026-11-25').date,
    ).toBe('2026-11-25');
  });

  it('returnable = done − returned − pending on other returns, never negative', () => {
    expect(returnable({ done: 10, returned: 3 }, 2)).toBe(5);
    expect(returnable({ done: 1, returned: 1 }, 2)).toBe(0);
  });
});
