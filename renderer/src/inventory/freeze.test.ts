import { describe, expect, it } from 'vitest';
import { checkFreeze, normaliseDate, toggleId, type FreezeValues } from './freeze.ts';

const ITEM = '11111111-1111-4111-8111-111111111111';
const W1 = '22222222-2222-4222-8222-222222222222';
const W2 = '33333333-3333-4333-8333-333333333333';
const resolve = (sku: string) => (sku.toUpperCase() === 'SKU-1' ? ITEM : null);
const base: FreezeValues = {
  mode: 'freeze',
  sku: '',
  lot: '',
  expiryFrom: '',
  expiryTo: '',
  warehouseIds: [W1, W2],
  reason: '',
};

describe('freeze dialog → selector', () => {
  it('needs a lot or an expiry range', () => {
    const c = checkFreeze(base, resolve, 2);
    expect(c.selector).toBeNull();
    expect(c.issues.lot?.code).toBe('lot-or-expiry-required');
  });

  it('a lot alone previews across every warehouse; the reason is only needed to confirm', () => {
    const c = checkFreeze({ ...base, lot: ' L1 ' }, resolve, 2);
    expect(c.selector).toEqual({ lot: 'L1' });
    expect(c.issues.reason?.code).toBe('required');
  });

  it('resolves the SKU and limits to the ticked warehouses', () => {
    const c = checkFreeze({ ...base, sku: 'sku-1', lot: 'L1', warehouseIds: [W2], reason: 'QA' }, resolve, 2);
    expect(c.selector).toEqual({ itemId: ITEM, lot: 'L1', warehouseIds: [W2] });
    expect(c.issues).toEqual({});
  });

  it('an unknown SKU or no warehouse blocks the preview', () => {
    expect(checkFreeze({ ...base, sku: 'nope', lot: 'L1' }, resolve, 2).issues.sku?.code).toBe('unknown-sku');
    expect(checkFreeze({ ...base, sku: 'nope', lot: 'L1' }, resolve, 2).selector).toBeNull();
    const none = checkFreeze({ ...base, lot: 'L1', warehouseIds: [] }, resolve, 2);
    expect(none.issues.warehouses?.code).toBe('warehouses-required');
    expect(none.selector).toBeNull();
  });

  it('checks the expiry range with the command schema', () => {
    const bad = checkFreeze({ ...base, expiryFrom: '2025-03-01', expiryTo: '2025-01-01' }, resolve, 2);
    expect(bad.issues.expiryTo?.code).toBe('date-range');
    expect(bad.selector).toBeNull();
    const fmt = checkFreeze({ ...base, expiryFrom: '2025-13-01' }, resolve, 2);
    expect(fmt.issues.expiryFrom?.code).toBe('date-format');
    const ok = checkFreeze({ ...base, expiryFrom: '2025-01-01', expiryTo: '2025-03-01' }, resolve, 2);
    expect(ok.selector).toEqual({ expiryFrom: '2025-01-01', expiryTo: '2025-03-01' });
  });

  it('keeps ticked warehouses in list order', () => {
    expect(toggleId([W1, W2], [W2], W1, true)).toEqual([W1, W2]);
    expect(toggleId([W1, W2], [W1, W2], W1, false)).toEqual([W2]);
  });
});

describe('typed dates', () => {
  it('accepts the usual ways of writing a date', () => {
    expect(normaliseDate('2027-06-30')).toBe('2027-06-30');
    expect(normaliseDate(' 2027/6/3 ')).toBe('2027-06-03');
    expect(normaliseDate('2027.06.30')).toBe('2027-06-30');
    expect(normaliseDate('20270630')).toBe('2027-06-30');
    expect(normaliseDate('2027年6月30日')).toBe('2027-06-30');
    expect(normaliseDate('30/06/2027')).toBe('30/06/2027');
    expect(normaliseDate('')).toBe('');
  });

  it('uses the normalised dates in the selector', () => {
    const c = checkFreeze({ ...base, expiryFrom: '2027/1/1', expiryTo: '20270331' }, resolve, 2);
    expect(c.selector).toEqual({ expiryFrom: '2027-01-01', expiryTo: '2027-03-31' });
  });
});
