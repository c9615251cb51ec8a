import { describe, expect, it } from 'vitest';
import type { PurchaseLineOut } from '../../../core/api/dock.api.ts';
import {
  checkAsnDraft,
  dayRange,
  dockTabsFor,
  formatSscc,
  formatWhen,
  groupByOrder,
  localDateTimeToIso,
  packedByLine,
  parseCount,
  serverIssues,
  splitIntoCartons,
  splitLine,
  type AsnDraft,
  type FormUnit,
} from './format.ts';

const ORDER = '11111111-1111-4111-8111-111111111111';
const SUPPLIER = '22222222-2222-4222-8222-222222222222';

function poLine(lineNo: number, over: Partial<PurchaseLineOut> = {}): PurchaseLineOut {
  return {
    orderId: ORDER,
    orderNumber: 'PO-0000001',
    orderVersion: 3,
    supplierId: SUPPLIER,
    supplierName: '上海供应',
    warehouseId: 'w',
    warehouseName: '上海仓',
    requestedDate: null,
    lineNo,
    itemId: `i${lineNo}`,
    sku: `SKU-${lineNo}`,
    itemName: `商品 ${lineNo}`,
    itemNameEn: null,
    gtin: null,
    lotTracked: false,
    expiryTracked: false,
    ordered: 100,
    received: 0,
    announced: 0,
    allowed: 110,
    tolerancePct: 10,
    ...over,
  };
}

function draft(over: Partial<AsnDraft> = {}): AsnDraft {
  return {
    orderId: ORDER,
    supplierId: SUPPLIER,
    shipDate: '2026-11-20',
    expectedDate: '',
    carrierRef: '',
    note: '',
    lines: [
      { line: poLine(1), qty: '100', lot: '', expiry: '', per: '' },
      { line: poLine(2, { lotTracked: true, expiryTracked: true }), qty: '', lot: '', expiry: '', per: '' },
    ],
    units: [
      { kind: 'carton', qty: { 1: '60' } },
      { kind: 'carton', qty: { 1: '40' } },
    ],
    appointment: { on: false, dock: '', start: '', end: '' },
    ...over,
  };
}

describe('roles → dock tabs', () => {
  it('warehouse, supplier, supervisor and administrator each get theirs', () => {
    expect(dockTabsFor(['warehouse-clerk'])).toEqual(['receive', 'asns', 'appointments', 'printers']);
    expect(dockTabsFor(['supplier-clerk'])).toEqual(['asns', 'appointments', 'printers']);
    expect(dockTabsFor(['supervisor'])).toEqual(['receive', 'asns', 'appointments', 'labels', 'printers']);
    expect(dockTabsFor(['administrator'])).toEqual(['receive', 'asns', 'appointments', 'labels', 'printers']);
    expect(dockTabsFor(['finance-clerk'])).toEqual(['asns', 'appointments', 'printers']);
  });
});

describe('SSCC and quantities', () => {
  it('groups an SSCC as the label does', () => {
    expect(formatSscc('006141411234567890')).toBe('(00) 0 0614141 123456789 0');
    expect(formatSscc('106141411234567897', 9)).toBe('(00) 1 061414112 3456789 7');
    expect(formatSscc('12345')).toBe('12345');
  });

  it('splits into full cartons and a rest', () => {
    expect(splitIntoCartons(250, 100)).toEqual([100, 100, 50]);
    expect(splitIntoCartons(200, 100)).toEqual([100, 100]);
    expect(splitIntoCartons(5, 10)).toEqual([5]);
    expect(splitIntoCartons(0, 10)).toEqual([]);
    expect(splitIntoCartons(10, 0)).toEqual([]);
  });

  it('reads whole counts as clerks type them', () => {
    expect(parseCount('1,200')).toBe(1200);
    expect(parseCount('１２')).toBe(12);
    expect(parseCount(' 7 ')).toBe(7);
    expect(parseCount('1.5')).toBeNull();
    expect(parseCount('-3')).toBeNull();
    expect(parseCount('')).toBeNull();
  });

  it('split helper: replaces the line’s own cartons, keeps mixed ones and other lines', () => {
    const units: FormUnit[] = [
      { kind: 'carton', qty: { 1: '30' } },
      { kind: 'pallet', qty: { 1: '20', 2: '5' } },
      { kind: 'carton', qty: { 2: '10' } },
    ];
    const out = splitLine(units, 1, 100, 40);
    expect(out).toEqual([
      { kind: 'pallet', qty: { 1: '20', 2: '5' } },
      { kind: 'carton', qty: { 2: '10' } },
      { kind: 'carton', qty: { 1: '40' } },
      { kind: 'carton', qty: { 1: '40' } },
    ]);
    expect(packedByLine(out)).toEqual(
      new Map([
        [1, 100],
        [2, 15],
      ]),
    );
  });
});

describe('the ASN form', () => {
  it('builds the command input: only announced lines, contents by their position', () => {
    const d = draft({
      lines: [
        { line: poLine(1), qty: '', lot: '', expiry: '', per: '' },
        { line: poLine(2), qty: '50', lot: 'L1', expiry: '2027-01-31', per: '' },
      ],
      units: [
        { kind: 'carton', qty: { 2: '50' } },
        { kind: 'carton', qty: {} },
      ],
      appointment: { on: true, dock: ' D1 ', start: '2026-11-26T09:00', end: '2026-11-26T10:00' },
    });
    const { input, issues } = checkAsnDraft(d);
    expect(issues).toEqual({});
    expect(input).toMatchObject({
      orderId: ORDER,
      supplierId: SUPPLIER,
      shipDate: '2026-11-20',
      expectedDate: null,
      lines: [{ orderLineNo: 2, quantity: 50, lot: 'L1', expiry: '2027-01-31' }],
      // The empty carton is left out.
      units: [{ kind: 'carton', contents: [{ line: 1, quantity: 50 }] }],
      appointment: { dock: 'D1' },
    });
    expect(input?.appointment?.slotStart).toMatch(/^2026-11-26T09:00:00[+-]\d{2}:\d{2}$/);
  });

  it('refuses packing that does not add up, per line, before sending', () => {
    const d = draft({ units: [{ kind: 'carton', qty: { 1: '60' } }] });
    expect(checkAsnDraft(d)).toEqual({
      input: null,
      issues: { 'line.1.packed': { path: 'line.1.packed', code: 'packing-mismatch', params: { packed: 60 } } },
    });
    // Packed for a line that is not announced.
    const e = draft({ units: [...draft().units, { kind: 'carton', qty: { 2: '5' } }] });
    expect(checkAsnDraft(e).issues['line.2.packed']?.code).toBe('packing-mismatch');
  });

  it('refuses over the allowance, missing lot and expiry of tracked items, bad numbers', () => {
    const d = draft({
      lines: [
        { line: poLine(1), qty: '111', lot: '', expiry: '', per: '' },
        { line: poLine(2, { lotTracked: true, expiryTracked: true }), qty: '1.5', lot: '', expiry: '', per: '' },
      ],
      units: [{ kind: 'carton', qty: { 1: '111', 2: 'x' } }],
    });
    const { input, issues } = checkAsnDraft(d);
    expect(input).toBeNull();
    expect(issues['line.1.qty']).toEqual({ path: 'line.1.qty', code: 'over-asn', params: { allowed: 110 } });
    expect(issues['line.2.qty']?.code).toBe('whole-number');
    expect(issues['line.2.lot']?.code).toBe('lot-required');
    expect(issues['line.2.expiry']?.code).toBe('expiry-required');
    expect(issues['unit.0']?.code).toBe('whole-number');
  });

  it('needs a line, a carton, a ship date; an appointment needs a dock and an ordered slot', () => {
    const none = draft({ lines: draft().lines.map((l) => ({ ...l, qty: '' })), units: [], shipDate: '' });
    expect(Object.keys(checkAsnDraft(none).issues).sort()).toEqual(['lines', 'shipDate']);
    const noUnits = draft({ units: [] });
    expect(checkAsnDraft(noUnits).issues['units']?.code).toBe('no-units');
    const appt = draft({ appointment: { on: true, dock: '', start: '2026-11-26T10:00', end: '2026-11-26T09:00' } });
    expect(checkAsnDraft(appt).issues).toMatchObject({
      'appointment.dock': { code: 'required' },
      'appointment.end': { code: 'slot-order' },
    });
    const late = draft({ expectedDate: '2026-11-19' });
    expect(checkAsnDraft(late).issues['expectedDate']?.code).toBe('date-order');
  });

  it('maps the server’s field paths back onto the form', () => {
    const d = draft({
      lines: [
        { line: poLine(1), qty: '', lot: '', expiry: '', per: '' },
        { line: poLine(2), qty: '50', lot: '', expiry: '', per: '' },
      ],
      units: [
        { kind: 'carton', qty: {} },
        { kind: 'carton', qty: { 2: '50' } },
      ],
    });
    const out = serverIssues(
      [
        { path: 'lines.0.quantity', code: 'over-asn', params: { allowed: 40 } },
        { path: 'lines.0.lot', code: 'lot-required' },
        { path: 'units.0', code: 'sscc-prefix' },
        { path: 'appointment.slotEnd', code: 'slot-order' },
        { path: 'shipDate', code: 'required' },
      ],
      d,
    );
    expect(out).toEqual({
      'line.2.qty': { path: 'line.2.qty', code: 'over-asn', params: { allowed: 40 } },
      'line.2.lot': { path: 'line.2.lot', code: 'lot-required' },
      'unit.1': { path: 'unit.1', code: 'sscc-prefix' },
      'appointment.end': { path: 'appointment.end', code: 'slot-order' },
      shipDate: { path: 'shipDate', code: 'required' },
    });
  });

  it('groups purchase lines by order', () => {
    const other = '33333333-3333-4333-8333-333333333333';
    const g = groupByOrder([poLine(1), poLine(2), poLine(1, { orderId: other })]);
    expect(g.map((x) => [x.orderId, x.lines.length])).toEqual([
      [ORDER, 2],
      [other, 1],
    ]);
  });
});

describe('times', () => {
  it('datetime-local to ISO with the local offset, same instant', () => {
    const iso = localDateTimeToIso('2026-03-01T08:30')!;
    expect(new Date(iso).getTime()).toBe(new Date(2026, 2, 1, 8, 30).getTime());
    expect(localDateTimeToIso('2026-03-01')).toBeNull();
  });

  it('a time today as HH:mm, another day with its date', () => {
    const now = new Date(2026, 10, 26, 15, 0);
    expect(formatWhen(new Date(2026, 10, 26, 10, 42).toISOString(), 'zh-CN', now)).toBe('10:42');
    expect(formatWhen(new Date(2026, 10, 25, 9, 5).toISOString(), 'en', now)).toBe('25/11 09:05');
    expect(formatWhen('nonsense', 'en', now)).toBe('nonsense');
  });

  it('a local day as an ISO range', () => {
    const r = dayRange('2026-11-26')!;
    expect(new Date(r.from).getTime()).toBe(new Date(2026, 10, 26).getTime());
    expect(new Date(r.to).getTime()).toBe(new Date(2026, 10, 27).getTime());
    expect(dayRange('x')).toBeNull();
  });
});
