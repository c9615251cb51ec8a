import { describe, expect, it } from 'vitest';
import { buildOrder, lineMoney, newLine, serverIssues, totalsOf, type EntryHeader, type ItemHit } from './entry.ts';

const CUSTOMER = '11111111-1111-4111-8111-111111111111';
const WAREHOUSE = '22222222-2222-4222-8222-222222222222';
const item: ItemHit = {
  id: '33333333-3333-4333-8333-333333333333',
  sku: 'SKU-1',
  gtin: null,
  name: '牛奶',
  nameEn: 'Milk',
  baseUom: 'EA',
  productGroup: null,
  lotTracked: false,
  expiryTracked: false,
  free: 10,
  matchedBy: 'sku',
};

const header = (over: Partial<EntryHeader> = {}): EntryHeader => ({
  type: 'sales',
  party: { id: CUSTOMER, label: 'C1' },
  partyText: 'C1',
  warehouseId: '',
  toWarehouseId: '',
  channelId: '',
  externalRef: '',
  requestedDate: '',
  currency: 'CNY',
  note: '',
  ...over,
});

const line = (over: Partial<ReturnType<typeof newLine>> = {}) => ({
  ...newLine('k'),
  itemText: 'SKU-1',
  item,
  qty: '3',
  price: '19.99',
  ...over,
});

describe('keyboard order entry', () => {
  it('computes line money exactly in minor units (no floats)', () => {
    // 3 × 19.99 = 59.97; − 0.97 discount = 59.00; 13 % tax = 7.67
    expect(lineMoney(line({ discount: '0.97', tax: '13' }), 'CNY')).toEqual({
      netMinor: 5900,
      taxMinor: 767,
      totalMinor: 6667,
    });
    // 0.1 + 0.2 style traps: 3 × 0.10 at 6.5 % → tax 1.95 rounds half away from zero to 0.02
    expect(lineMoney(line({ qty: '3', price: '0.10', tax: '6.5' }), 'CNY')).toEqual({
      netMinor: 30,
      taxMinor: 2,
      totalMinor: 32,
    });
    expect(lineMoney(line({ price: '1.234' }), 'CNY')).toBeNull();
    expect(lineMoney(line({ price: '1234', qty: '2' }), 'JPY')).toEqual({
      netMinor: 2468,
      taxMinor: 0,
      totalMinor: 2468,
    });
  });

  it('totals only the lines that parse', () => {
    const t = totalsOf([line({ tax: '13' }), line({ qty: 'x' }), newLine('blank')], 'CNY');
    expect(t).toEqual({ netMinor: 5997, taxMinor: 780, totalMinor: 6777, lines: 1 });
  });

  it('builds orders.create input and leaves the trailing blank line out', () => {
    const built = buildOrder(header({ warehouseId: WAREHOUSE, requestedDate: '20270105' }), [
      line({ discount: '1', tax: '13' }),
      newLine('blank'),
    ]);
    expect(built.issues).toEqual({});
    expect(built.order).toMatchObject({
      type: 'sales',
      customerId: CUSTOMER,
      warehouseId: WAREHOUSE,
      requestedDate: '2027-01-05',
      lines: [{ itemId: item.id, quantity: 3, unitPriceMinor: 1999, discountMinor: 100, taxRateBp: 1300 }],
    });
  });

  it('puts parse and schema problems on the fields the clerk typed in', () => {
    const built = buildOrder(header({ party: null, partyText: 'nobody' }), [
      newLine('blank-in-the-middle'),
      line({ itemText: 'zzz', item: null, qty: '0', price: '1.234', tax: '200' }),
      line({ qty: '2', price: '1', discount: '5' }),
    ]);
    expect(built.order).toBeNull();
    expect(built.issues['party']?.code).toBe('unknown-party');
    expect(built.issues['lines.1.item']?.code).toBe('unknown-item');
    expect(built.issues['lines.1.qty']?.code).toBe('too-small');
    expect(built.issues['lines.1.price']).toMatchObject({ code: 'money-format', params: { digits: 2 } });
    expect(built.issues['lines.1.tax']?.code).toBe('percent-format');
    // The discount check comes from core/orders/schemas.ts, mapped back to form line 2.
    expect(built.issues['lines.2.discount']?.code).toBe('discount-too-big');
  });

  it('asks for a customer, and for at least one line', () => {
    const built = buildOrder(header({ party: null, partyText: '' }), [newLine('a')]);
    expect(built.issues['party']?.code).toBe('required');
    expect(built.issues['lines']?.code).toBe('lines-required');
  });

  it('checks transfers: both warehouses, and different ones', () => {
    const built = buildOrder(
      header({ type: 'transfer', party: null, warehouseId: WAREHOUSE, toWarehouseId: WAREHOUSE }),
      [line()],
    );
    expect(built.issues['toWarehouseId']?.code).toBe('same-warehouse');
  });

  it('maps the server’s field issues onto the form', () => {
    const lines = [newLine('blank'), line()];
    expect(
      serverIssues(
        [
          { path: 'order.lines.0.itemId', code: 'unknown-reference' },
          { path: 'externalRef', code: 'duplicate-external-ref' },
        ],
        'sales',
        lines,
      ),
    ).toEqual({
      'lines.1.item': { path: 'lines.1.item', code: 'unknown-reference' },
      externalRef: { path: 'externalRef', code: 'duplicate-external-ref' },
    });
  });
});
