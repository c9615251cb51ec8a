import { describe, expect, it } from 'vitest';
import {
  formatQty,
  formatShortDateTime,
  formatSigned,
  isExpired,
  itemName,
  ledgerCursor,
  ledgerQueryOf,
  localToday,
  ownerOf,
  parseQty,
  shortDocId,
  type GridRow,
} from './format.ts';

const row: GridRow = {
  itemId: '11111111-1111-4111-8111-111111111111',
  sku: 'SKU-000001',
  itemName: '牛奶（1L）',
  itemNameEn: 'Milk (1L)',
  baseUom: 'EA',
  warehouseId: null,
  warehouseCode: null,
  warehouseName: null,
  lot: null,
  expiry: null,
  ownerId: null,
  ownerName: null,
  onHand: 10,
  available: 8,
  reserved: 2,
  inTransit: 0,
  frozen: 0,
  quality: 0,
  cursor: '["SKU-000001"]',
};

describe('inventory formatting', () => {
  it('groups thousands and keeps the sign', () => {
    expect(formatQty(0)).toBe('0');
    expect(formatQty(1234567)).toBe('1,234,567');
    expect(formatQty(-1200)).toBe('-1,200');
    expect(formatQty(null)).toBe('');
    expect(formatSigned(1200)).toBe('+1,200');
    expect(formatSigned(-35)).toBe('−35');
    expect(formatSigned(0)).toBe('0');
  });

  it('parses typed quantities', () => {
    expect(parseQty(' 1,200 ')).toBe(1200);
    expect(parseQty('-5')).toBe(-5);
    expect(parseQty('1.5')).toBeNull();
    expect(parseQty('')).toBeNull();
    expect(parseQty('abc')).toBeNull();
  });

  it('names the item in the clerk language', () => {
    expect(itemName('牛奶', 'Milk', 'en')).toBe('Milk');
    expect(itemName('牛奶', null, 'en')).toBe('牛奶');
    expect(itemName('牛奶', 'Milk', 'zh-CN')).toBe('牛奶');
  });

  it('tells own stock from consignment', () => {
    expect(ownerOf('own', null)).toEqual({ kind: 'own' });
    expect(ownerOf('22222222-2222-4222-8222-222222222222', 'Acme')).toEqual({ kind: 'consignment', name: 'Acme' });
  });

  it('drills down with the dimensions the row has, and only those', () => {
    expect(ledgerQueryOf(row, 'onHand')).toEqual({ itemId: row.itemId, figure: 'onHand', limit: 200 });
    const full = {
      ...row,
      warehouseId: '33333333-3333-4333-8333-333333333333',
      lot: '',
      expiry: '',
      ownerId: 'own',
    };
    expect(ledgerQueryOf(full, 'frozen')).toEqual({
      itemId: row.itemId,
      figure: 'frozen',
      limit: 200,
      warehouseId: full.warehouseId,
      lot: '',
      expiry: '',
      ownerId: 'own',
    });
  });

  it('continues the ledger after its last row', () => {
    expect(ledgerCursor({ createdAt: '2025-01-01T00:00:00.000Z', id: 'a' })).toBe('["2025-01-01T00:00:00.000Z","a"]');
  });
});

describe('expiry', () => {
  it('knows today and what has expired', () => {
    expect(localToday(new Date(2026, 0, 5, 23, 59))).toBe('2026-01-05');
    expect(isExpired('2026-01-04', '2026-01-05')).toBe(true);
    expect(isExpired('2026-01-05', '2026-01-05')).toBe(false);
    expect(isExpired('', '2026-01-05')).toBe(false);
    expect(isExpired(null, '2026-01-05')).toBe(false);
  });
});

describe('document ids', () => {
  it('shortens UUIDs, keeps readable numbers', () => {
    expect(shortDocId('01a1aeb8-fbc6-79d9-a6df-4938845b01d2')).toBe('01a1aeb8…');
    expect(shortDocId('PO-2026-000123')).toBe('PO-2026-000123');
  });
});

describe('short date-times', () => {
  it('leaves out the year', () => {
    const iso = new Date(2026, 10, 25, 2, 19).toISOString();
    expect(formatShortDateTime(iso, 'en')).toBe('25/11, 02:19');
    expect(formatShortDateTime(iso, 'zh-CN')).toBe('11/25 02:19');
    expect(formatShortDateTime('nope', 'en')).toBe('nope');
  });
});
