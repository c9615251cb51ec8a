import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ssccOf } from '../core/dock/rules.ts';
import { hasValidGs1CheckDigit } from '../core/gs1.ts';
import { DEFAULT_TEMPLATES } from '../core/labels/defaults.ts';
import { getAsn, labelDataFor, listAsns, purchaseLines } from '../db/dock.queries.ts';
import { balanceDifferences } from '../db/inventory.queries.ts';
import { addNumberBlocks, drawSsccs } from '../db/numbering.queries.ts';
import { getLines, getOrder } from '../db/orders.queries.ts';
import { BACKENDS, openTestDb } from '../db/testing/backends.ts';
import type { CommandContext } from './define.ts';
import { findCommand } from './registry.ts';
import { argsFromInput, runCommand } from './runner.ts';

type Db = Awaited<ReturnType<typeof openTestDb>>['db'];
type Res =
  | { ok: true; data: Record<string, unknown> }
  | { ok: false; error: { code: string; details?: Record<string, unknown> } };

const ADMIN = ['administrator'];
const CLERK = ['warehouse-clerk'];
const SUPPLIER = ['supplier-clerk'];
let clock = Date.parse('2026-11-25T08:00:00.000Z');
const ctx = (roles: readonly string[], name: string): CommandContext => ({
  actor: { userId: null, name, roles },
  now: new Date((clock += 1000)).toISOString(),
  origin: 'desktop',
});

async function run(
  db: Db,
  name: string,
  input: unknown,
  roles: readonly string[] = ADMIN,
  who = 'tester',
): Promise<Res> {
  const def = findCommand(name);
  if (!def) throw new Error(`no command ${name}`);
  try {
    const args = await argsFromInput(db, def, input, { device: 'TEST' });
    return (await runCommand(db, def, args, ctx(roles, who), { outbox: true })).result as Res;
  } catch (err) {
    const e = err as { code?: string; details?: Record<string, unknown> };
    return { ok: false, error: { code: e.code ?? 'thrown', details: e.details } };
  }
}
/** Runs with args exactly as given (what a desktop would push), skipping the origin step. */
async function runArgs(db: Db, name: string, args: unknown, roles: readonly string[] = ADMIN): Promise<Res> {
  return (await runCommand(db, findCommand(name)!, args, ctx(roles, 'pusher'), { outbox: true })).result as Res;
}
async function must<T = Record<string, unknown>>(p: Promise<Res>): Promise<T> {
  const r = await p;
  if (!r.ok) throw new Error(`expected ok, got ${JSON.stringify(r)}`);
  return r.data as T;
}
const codeOf = (r: Res) => (r.ok ? 'ok' : r.error.code);
const fieldCodes = (r: Res) =>
  r.ok ? [] : ((r.error.details?.fields ?? []) as { path: string; code: string }[]).map((f) => `${f.path}:${f.code}`);

const PREFIX = '6901234';

describe.each(BACKENDS)('dock commands on %s', (backend) => {
  let t: Awaited<ReturnType<typeof openTestDb>>;
  let wh = '';
  let supplier = '';
  let other = '';
  let noPrefix = '';
  let bolt = '';
  let milk = '';
  let po = '';
  const id = async (p: Promise<Res>) => (await must<{ id: string }>(p)).id;

  const purchase = async (supplierId: string, lines: Array<[string, number]>, submit = true) =>
    (
      await must<{ id: string }>(
        run(t.db, 'createOrder', {
          submit,
          order: {
            type: 'purchase',
            supplierId,
            warehouseId: wh,
            lines: lines.map(([itemId, quantity]) => ({ itemId, quantity, unitPriceMinor: 500 })),
          },
        }),
      )
    ).id;

  /** An ASN of two cartons: 60 bolts + 40 bolts, and one carton of 10 milk in lot L1. */
  const asnInput = (orderId = po, extra: object = {}) => ({
    orderId,
    supplierId: supplier,
    shipDate: '2026-11-25',
    lines: [
      { orderLineNo: 1, quantity: 100 },
      { orderLineNo: 2, quantity: 10, lot: 'L1', expiry: '2027-06-30' },
    ],
    units: [
      { contents: [{ line: 1, quantity: 60 }] },
      { contents: [{ line: 1, quantity: 40 }] },
      { kind: 'pallet', grossWeightGrams: 12_500, contents: [{ line: 2, quantity: 10 }] },
    ],
    ...extra,
  });
  const bucket = async (itemId: string, lot = '') =>
    t.db
      .selectFrom('stock_balances')
      .select(['qty_available', 'qty_in_transit'])
      .where('item_id', '=', itemId)
      .where('warehouse_id', '=', wh)
      .where('lot', '=', lot)
      .executeTakeFirst();

  beforeAll(async () => {
    t = await openTestDb(backend, 'desktop');
    wh = await id(run(t.db, 'createWarehouse', { code: 'W-DOCK', name: '码头仓', address: '上海市浦东新区' }));
    supplier = await id(run(t.db, 'createSupplier', { code: 'S-ACME', name: '艾克米', gs1CompanyPrefix: PREFIX }));
    other = await id(run(t.db, 'createSupplier', { code: 'S-OTHER', name: '别家', gs1CompanyPrefix: '6907777' }));
    noPrefix = await id(run(t.db, 'createSupplier', { code: 'S-NONE', name: '无前缀' }));
    bolt = await id(
      run(t.db, 'createItem', {
        sku: 'BOLT',
        name: '螺栓',
        baseUom: 'EA',
        gtin: '6901234000016',
        uoms: [{ uom: 'BOX', factor: 20, gtin: '16901234000013' }],
      }),
    );
    milk = await id(
      run(t.db, 'createItem', {
        sku: 'MILK',
        name: '牛奶',
        baseUom: 'EA',
        gtin: '6901234000023',
        lotTracked: true,
        expiryTracked: true,
      }),
    );
    po = await purchase(supplier, [
      [bolt, 100],
      [milk, 10],
    ]);
  }, 60_000);
  afterAll(async () => t?.close());

  it('announces a delivery with one SSCC per handling unit, from the supplier prefix', async () => {
    const r = await must<{ id: string; number: string; ssccs: string[] }>(run(t.db, 'createAsn', asnInput(), SUPPLIER));
    expect(r.number).toMatch(/^ASN-TEST-\d{6}$/);
    expect(r.ssccs).toHaveLength(3);
    for (const s of r.ssccs) {
      expect(s).toMatch(/^\d{18}$/);
      expect(s.slice(1, 8)).toBe(PREFIX);
      expect(hasValidGs1CheckDigit(s)).toBe(true);
    }
    expect(new Set(r.ssccs).size).toBe(3);
    const asn = await getAsn(t.db, r.id);
    expect(asn).toMatchObject({
      status: 'open',
      unitCount: 3,
      qtyAnnounced: 110,
      qtyReceived: 0,
      supplierName: '艾克米',
    });
    expect(asn.units.map((u) => [u.kind, u.contents])).toEqual([
      ['carton', [{ lineNo: 1, quantity: 60 }]],
      ['carton', [{ lineNo: 1, quantity: 40 }]],
      ['pallet', [{ lineNo: 2, quantity: 10 }]],
    ]);
    // Labels: a single-item unit carries GTIN, count, batch and expiry; the ship-to is the warehouse.
    const labels = await labelDataFor(t.db, r.id);
    expect(labels.map((l) => l.sscc)).toEqual(r.ssccs);
    expect(labels[2]).toMatchObject({
      unit: { kind: 'pallet', index: 3, count: 3 },
      content: { gtin: '06901234000023', count: 10, batch: 'L1', expiry: '2027-06-30', itemName: '牛奶' },
      to: { name: '码头仓', address: ['上海市浦东新区'] },
      grossWeightGrams: 12_500,
    });
    // The announced quantity counts against what the purchase lines may still carry.
    const lines = await purchaseLines(t.db, { orderId: po });
    expect(lines.map((l) => [l.lineNo, l.announced, l.allowed])).toEqual([
      [1, 100, 10],
      [2, 10, 1],
    ]);
  });

  it('refuses what the purchase order does not allow, with the reason in the fields', async () => {
    // Tolerance 10 %: 10 more bolts may still be announced, 11 may not.
    const over = await run(
      t.db,
      'createAsn',
      asnInput(po, { lines: [{ orderLineNo: 1, quantity: 11 }], units: [{ contents: [{ line: 1, quantity: 11 }] }] }),
      SUPPLIER,
    );
    expect(codeOf(over)).toBe('dock.over-asn');
    expect(over.ok ? null : over.error.details).toMatchObject({ allowed: 10, requested: 11 });
    const mismatch = await run(
      t.db,
      'createAsn',
      asnInput(po, { units: [{ contents: [{ line: 1, quantity: 99 }] }, { contents: [{ line: 2, quantity: 10 }] }] }),
      SUPPLIER,
    );
    expect(codeOf(mismatch)).toBe('validation.invalid-input');
    expect(fieldCodes(mismatch)).toContain('lines.0.quantity:packing-mismatch');
    const noLot = await run(
      t.db,
      'createAsn',
      asnInput(po, { lines: [{ orderLineNo: 2, quantity: 1 }], units: [{ contents: [{ line: 1, quantity: 1 }] }] }),
      SUPPLIER,
    );
    expect(codeOf(noLot)).toBe('inventory.lot-required');
    expect(codeOf(await run(t.db, 'createAsn', { ...asnInput(), supplierId: other }, SUPPLIER))).toBe(
      'dock.wrong-supplier',
    );
    const draft = await purchase(supplier, [[bolt, 5]], false);
    expect(
      codeOf(
        await run(
          t.db,
          'createAsn',
          asnInput(draft, {
            lines: [{ orderLineNo: 1, quantity: 5 }],
            units: [{ contents: [{ line: 1, quantity: 5 }] }],
          }),
          SUPPLIER,
        ),
      ),
    ).toBe('dock.po-not-open');
    const bare = await purchase(noPrefix, [[bolt, 5]]);
    expect(
      codeOf(
        await run(
          t.db,
          'createAsn',
          {
            ...asnInput(bare, {
              lines: [{ orderLineNo: 1, quantity: 5 }],
              units: [{ contents: [{ line: 1, quantity: 5 }] }],
            }),
            supplierId: noPrefix,
          },
          SUPPLIER,
        ),
      ),
    ).toBe('dock.no-company-prefix');
  });

  it('re-checks pushed SSCCs: the prefix, the check digit, and never twice', async () => {
    const first = (await listAsns(t.db, { limit: 10 })).at(-1)!;
    const used = (await getAsn(t.db, first.id)).units[0]!.sscc;
    const small = {
      ...asnInput(po, { lines: [{ orderLineNo: 1, quantity: 1 }], units: [{ contents: [{ line: 1, quantity: 1 }] }] }),
      number: 'ASN-X-1',
      appointment: null,
      expectedDate: null,
      carrierRef: null,
      note: null,
      appointmentId: null,
    };
    const pushed = (sscc: string, n: number) =>
      runArgs(t.db, 'createAsn', {
        ...small,
        id: `00000000-0000-4000-8000-00000000000${n}`,
        number: `ASN-X-${n}`,
        unitIds: [`00000000-0000-4000-8000-00000000010${n}`],
        ssccs: [sscc],
        lines: [{ orderLineNo: 1, quantity: 1, lot: '', expiry: '' }],
        units: [{ kind: 'carton', grossWeightGrams: null, contents: [{ line: 1, quantity: 1 }] }],
      });
    expect(codeOf(await pushed(used, 1))).toBe('dock.duplicate-sscc');
    expect(codeOf(await pushed(ssccOf('6907777', 5), 2))).toBe('dock.no-sscc-range');
    const bad = `${ssccOf(PREFIX, 999).slice(0, 17)}${(Number(ssccOf(PREFIX, 999).at(-1)) + 1) % 10}`;
    expect(codeOf(await pushed(bad, 3))).toBe('dock.no-sscc-range');
    expect(codeOf(await pushed(ssccOf(PREFIX, 999_001), 4))).toBe('ok');
  });

  it('receives a whole carton per SSCC scan: in transit → on hand, the purchase order advances', async () => {
    const asn = (await listAsns(t.db, { limit: 10 })).find((a) => a.qtyAnnounced === 110)!;
    const detail = await getAsn(t.db, asn.id);
    const [c1, c2, p3] = detail.units;
    expect(codeOf(await run(t.db, 'receiveUnit', { sscc: c1!.sscc, scan: `]C100${c1!.sscc}` }, SUPPLIER))).toBe('ok');
    // (Permissions are the server's job; the command itself runs for any caller.)
    const afterOne = await getAsn(t.db, asn.id);
    expect(afterOne).toMatchObject({ status: 'receiving', unitsReceived: 1, qtyReceived: 60 });
    expect(afterOne.arrivedAt).not.toBeNull();
    expect(await bucket(bolt)).toEqual({ qty_available: 60, qty_in_transit: 40 });
    expect(await bucket(milk, 'L1')).toEqual({ qty_available: 0, qty_in_transit: 10 });
    expect((await getOrder(t.db, po))!.status).toBe('partially-received');

    const again = await run(t.db, 'receiveUnit', { sscc: c1!.sscc, scan: c1!.sscc }, CLERK, '王仓管');
    expect(codeOf(again)).toBe('dock.already-received');
    expect(again.ok ? null : again.error.details).toMatchObject({ sscc: c1!.sscc, by: 'tester' });
    expect(codeOf(await run(t.db, 'receiveUnit', { sscc: ssccOf(PREFIX, 424_242), scan: 'x' }, CLERK))).toBe(
      'dock.unknown-sscc',
    );

    await must(run(t.db, 'receiveUnit', { sscc: c2!.sscc, scan: c2!.sscc }, CLERK, '王仓管'));
    const r3 = await must<{ status: string; unitsReceived: number }>(
      run(t.db, 'receiveUnit', { sscc: p3!.sscc, scan: p3!.sscc }, CLERK, '王仓管'),
    );
    expect(r3).toMatchObject({ status: 'received', unitsReceived: 3 });
    expect(await bucket(bolt)).toEqual({ qty_available: 100, qty_in_transit: 0 });
    expect(await bucket(milk, 'L1')).toEqual({ qty_available: 10, qty_in_transit: 0 });
    expect((await getLines(t.db, po)).map((l) => l.qty_received)).toEqual([100, 10]);
    expect((await getOrder(t.db, po))!.status).toBe('received');
    const done = await getAsn(t.db, asn.id);
    expect(done.receipts.map((r) => [r.kind, r.quantity, r.actor])).toEqual([
      ['unit', 60, 'tester'],
      ['unit', 40, '王仓管'],
      ['unit', 10, '王仓管'],
    ]);
    expect(await balanceDifferences(t.db)).toEqual([]);
  });

  it('receives by GTIN + batch + count; an excess needs a supervisor and is recorded', async () => {
    const order = await purchase(supplier, [
      [bolt, 200],
      [milk, 30],
    ]);
    const { id: asnId } = await must<{ id: string }>(
      run(
        t.db,
        'createAsn',
        asnInput(order, {
          lines: [
            { orderLineNo: 1, quantity: 200 },
            { orderLineNo: 2, quantity: 30, lot: 'L2', expiry: '2027-01-31' },
          ],
          units: [{ contents: [{ line: 1, quantity: 200 }] }, { contents: [{ line: 2, quantity: 30 }] }],
        }),
        SUPPLIER,
      ),
    );
    // A BOX GTIN counts boxes of 20.
    const boxes = await must<{ quantity: number; status: string }>(
      run(t.db, 'receiveQuantity', { asnId, gtin: '16901234000013', count: 5, scan: '(02)16901234000013(37)5' }, CLERK),
    );
    expect(boxes).toMatchObject({ quantity: 100, status: 'receiving' });
    const milk25 = { asnId, gtin: '06901234000023', batch: 'L2', expiry: '2027-01-31', count: 25, scan: 'm' };
    await must(run(t.db, 'receiveQuantity', milk25, CLERK));
    const over = await run(t.db, 'receiveQuantity', { ...milk25, count: 8 }, CLERK);
    expect(codeOf(over)).toBe('dock.supervisor-required');
    expect(over.ok ? null : over.error.details).toMatchObject({ open: 5, requested: 8 });
    const approved = await must<{ overReceived: number }>(
      run(t.db, 'receiveQuantity', { ...milk25, count: 8 }, ['supervisor'], '陈主管'),
    );
    expect(approved.overReceived).toBe(3);
    expect(codeOf(await run(t.db, 'receiveQuantity', { ...milk25, batch: 'NOPE' }, CLERK))).toBe(
      'dock.no-matching-line',
    );
    expect(codeOf(await run(t.db, 'receiveQuantity', { ...milk25, gtin: '00000000000017' }, CLERK))).toBe(
      'dock.unknown-gtin',
    );
    const detail = await getAsn(t.db, asnId);
    expect(detail.lines.map((l) => l.qtyReceived)).toEqual([100, 33]);
    expect(detail.discrepancies.filter((x) => x.approvedBy === '陈主管')).toHaveLength(1);
    // The purchase order takes what it ordered; the 3 above it are the recorded overage.
    expect((await getLines(t.db, order)).map((l) => l.qty_received)).toEqual([100, 30]);
    expect(await bucket(milk, 'L2')).toEqual({ qty_available: 33, qty_in_transit: 0 });

    // Closing short: the 100 bolts never scanned leave in-transit, and both units are missing.
    const closed = await must<{ shortages: number; missingUnits: number }>(
      run(t.db, 'closeAsn', { asnId, note: '少送' }, CLERK),
    );
    expect(closed).toMatchObject({ status: 'closed', shortages: 1, missingUnits: 2 });
    expect((await bucket(bolt))!.qty_in_transit).toBe(0);
    expect(codeOf(await run(t.db, 'receiveQuantity', milk25, CLERK))).toBe('dock.asn-closed');
    const unit = (await getAsn(t.db, asnId)).units[0]!;
    expect(codeOf(await run(t.db, 'receiveUnit', { sscc: unit.sscc, scan: 'x' }, CLERK))).toBe('dock.asn-closed');
    expect(await balanceDifferences(t.db)).toEqual([]);
  });

  it('a carton received by GTIN scans is not counted again by its SSCC without a supervisor', async () => {
    const order = await purchase(supplier, [[bolt, 10]]);
    const one = { lines: [{ orderLineNo: 1, quantity: 10 }], units: [{ contents: [{ line: 1, quantity: 10 }] }] };
    const a = await must<{ id: string; ssccs: string[] }>(run(t.db, 'createAsn', asnInput(order, one), SUPPLIER));
    const gtin = { asnId: a.id, gtin: '06901234000016', count: 10, scan: 'q' };
    expect(await must(run(t.db, 'receiveQuantity', gtin, CLERK))).toMatchObject({ status: 'received' });
    const twice = await run(t.db, 'receiveUnit', { sscc: a.ssccs[0]!, scan: a.ssccs[0]! }, CLERK);
    expect(codeOf(twice)).toBe('dock.supervisor-required');
    expect(twice.ok ? null : twice.error.details).toMatchObject({ open: 0, requested: 10 });
    const onHand = (await bucket(bolt))!.qty_available;
    await must(run(t.db, 'receiveUnit', { sscc: a.ssccs[0]!, scan: a.ssccs[0]! }, ['supervisor'], '陈主管'));
    expect((await bucket(bolt))!.qty_available).toBe(onHand + 10);
    const detail = await getAsn(t.db, a.id);
    expect(detail).toMatchObject({ status: 'received', qtyReceived: 20 });
    expect(detail.discrepancies.filter((x) => x.kind === 'overage' && x.approvedBy === '陈主管')).toHaveLength(1);
    // Nothing is short, so nothing is "missing" when it closes.
    expect(await must(run(t.db, 'closeAsn', { asnId: a.id, note: null }, CLERK))).toMatchObject({
      shortages: 0,
      missingUnits: 0,
    });
    expect(await balanceDifferences(t.db)).toEqual([]);
  });

  it('cancels only what has not arrived; appointments follow their roles', async () => {
    const order = await purchase(supplier, [[bolt, 10]]);
    const one = { lines: [{ orderLineNo: 1, quantity: 10 }], units: [{ contents: [{ line: 1, quantity: 10 }] }] };
    const slot = { dock: 'D1', slotStart: '2026-11-26T09:00:00+08:00', slotEnd: '2026-11-26T10:00:00+08:00' };
    const a = await must<{ id: string }>(
      run(t.db, 'createAsn', asnInput(order, { ...one, appointment: slot }), SUPPLIER),
    );
    const [ap] = (await getAsn(t.db, a.id)).appointments;
    expect(ap).toMatchObject({ status: 'requested', dock: 'D1' });
    // The supplier may not confirm its own slot; the warehouse confirms and the truck arrives.
    expect(
      codeOf(await run(t.db, 'setAppointmentStatus', { appointmentId: ap!.id, status: 'confirmed' }, SUPPLIER)),
    ).toBe('dock.invalid-transition');
    await must(run(t.db, 'setAppointmentStatus', { appointmentId: ap!.id, status: 'confirmed' }, CLERK));
    expect(codeOf(await run(t.db, 'setAppointmentStatus', { appointmentId: ap!.id, status: 'completed' }, CLERK))).toBe(
      'dock.invalid-transition',
    );
    await must(run(t.db, 'setAppointmentStatus', { appointmentId: ap!.id, status: 'arrived' }, CLERK));
    expect((await getAsn(t.db, a.id)).status).toBe('arrived');
    expect((await bucket(bolt))!.qty_in_transit).toBe(10);
    expect(codeOf(await run(t.db, 'cancelAsn', { asnId: a.id, reason: '取消' }, SUPPLIER))).toBe(
      'dock.invalid-transition',
    );

    const b = await must<{ id: string }>(
      run(
        t.db,
        'createAsn',
        asnInput(order, {
          lines: [{ orderLineNo: 1, quantity: 1 }],
          units: [{ contents: [{ line: 1, quantity: 1 }] }],
        }),
        SUPPLIER,
      ),
    );
    expect(codeOf(await run(t.db, 'cancelAsn', { asnId: b.id, reason: '取消', expectedVersion: 9 }, SUPPLIER))).toBe(
      'dock.version-conflict',
    );
    await must(run(t.db, 'cancelAsn', { asnId: b.id, reason: '取消' }, SUPPLIER));
    expect(codeOf(await run(t.db, 'cancelAsn', { asnId: b.id, reason: '再取消' }, SUPPLIER))).toBe('dock.asn-closed');
    const bad = await run(t.db, 'bookAppointment', {
      supplierId: supplier,
      warehouseId: wh,
      appointment: { ...slot, slotEnd: '2026-11-26T08:00:00+08:00' },
    });
    expect(fieldCodes(bad)).toContain('appointment.slotEnd:slot-order');
    expect(codeOf(await run(t.db, 'setAppointmentStatus', { appointmentId: a.id, status: 'arrived' }, CLERK))).toBe(
      'dock.appointment-not-found',
    );
  });

  it('draws SSCCs only from server-issued ranges when a server numbers this desktop', async () => {
    const source = { blocks: true };
    const none = await drawSsccs(t.db, { supplierId: other, count: 2 }, source).catch((e: { code: string }) => e.code);
    expect(none).toBe('dock.no-sscc-range');
    let asked = 0;
    const topUp = async (series: string, count: number) => {
      asked += count;
      await addNumberBlocks(t.db, [{ series, first: 5001, last: 5002 }]);
    };
    const got = await drawSsccs(t.db, { supplierId: other, count: 2 }, { blocks: true, topUp });
    expect(asked).toBe(2);
    expect(got).toEqual([ssccOf('6907777', 5001), ssccOf('6907777', 5002)]);
    expect(await drawSsccs(t.db, { supplierId: other, count: 1 }, source).catch((e: { code: string }) => e.code)).toBe(
      'dock.no-sscc-range',
    );
  });

  it('saves label templates and refuses invalid ones', async () => {
    const base = DEFAULT_TEMPLATES[0]!;
    const bad = await run(t.db, 'saveLabelTemplate', { name: '坏模板', body: { ...base, widthMm: 5 } });
    expect(codeOf(bad)).toBe('label.invalid-template');
    const saved = await must<{ id: string; version: number }>(
      run(t.db, 'saveLabelTemplate', { name: '我的标签', body: base }),
    );
    const updated = await must<{ version: number }>(
      run(t.db, 'saveLabelTemplate', { id: saved.id, expectedVersion: 1, name: '我的标签 2', body: base }),
    );
    expect(updated.version).toBe(2);
    expect(
      codeOf(await run(t.db, 'saveLabelTemplate', { id: saved.id, expectedVersion: 1, name: 'x', body: base })),
    ).toBe('dock.version-conflict');
  });
});

describe('SSCC serials', () => {
  it('spread the counter over the extension digit and the serial reference', () => {
    // The example of the GS1 General Specifications (extension digit 1).
    expect(ssccOf('0614141', 1_123_456_789)).toBe('106141411234567897');
    expect(ssccOf('0614141', 123456789)).toBe('006141411234567890');
    expect(() => ssccOf('0614141', 10_000_000_000)).toThrow();
    expect(() => ssccOf('12', 1)).toThrow();
  });
});
