import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { balanceDifferences, getBucket, heldByDemand } from '../db/inventory.queries.ts';
import { countOutbox, listOutbox } from '../db/outbox.queries.ts';
import { BACKENDS, openTestDb } from '../db/testing/backends.ts';
import type { CommandContext } from './define.ts';
import { findCommand } from './registry.ts';
import { runCommand } from './runner.ts';

/*
 * Example-based tests of what commands/inventory.commands.test.ts does not cover: adjustments,
 * counts, quality hold, releases, lot corrections, ownership and transfer refusals, stock-out
 * proposals, rebuilding a corrupted projection, and the outbox contract of every command.
 */

type Db = Awaited<ReturnType<typeof openTestDb>>['db'];
type Data = Record<string, unknown>;

const NOW = '2027-01-10T08:00:00.000Z';
const at = (day: number, hour = 8) =>
  `2027-01-${String(day).padStart(2, '0')}T${String(hour).padStart(2, '0')}:00:00.000Z`;
const ctx = (now = NOW): CommandContext => ({ actor: { userId: null, name: 'more' }, now, origin: 'desktop' });

/** Runs a command the way the app host does: the API input, ids assigned at the origin. */
async function exec(db: Db, name: string, input: unknown, now?: string) {
  const def = findCommand(name);
  if (!def) throw new Error(`no command ${name}`);
  const args = def.fromInput ? def.fromInput(input, randomUUID) : input;
  return runCommand(db, def, args, ctx(now), { outbox: true });
}
const run = async (db: Db, name: string, input: unknown, now?: string) => (await exec(db, name, input, now)).result;

async function must<T = Data>(p: Promise<{ ok: boolean; data?: unknown; error?: unknown }>): Promise<T> {
  const r = await p;
  if (!r.ok) throw new Error(`expected ok, got ${JSON.stringify(r)}`);
  return r.data as T;
}

describe.each(BACKENDS)('more inventory commands on %s', (backend) => {
  let t: Awaited<ReturnType<typeof openTestDb>>;
  let db: Db;
  let SH = '';
  let BJ = '';
  let NEG = '';
  let supplier = '';
  let skus = 0;

  beforeAll(async () => {
    t = await openTestDb(backend, 'desktop');
    db = t.db;
    const id = async (name: string, input: unknown) => (await must<{ id: string }>(run(db, name, input))).id;
    SH = await id('createWarehouse', { code: 'M-SH', name: 'Shanghai' });
    BJ = await id('createWarehouse', { code: 'M-BJ', name: 'Beijing' });
    NEG = await id('createWarehouse', { code: 'M-NEG', name: 'Store', allowNegativeStock: true });
    supplier = await id('createSupplier', { code: 'M-SUP', name: 'Consignor' });
  });
  afterAll(async () => {
    await t?.close();
  });

  /** A new item per test, so tests do not see each other's stock. */
  const newItem = async (tracked = false) =>
    (
      await must<{ id: string }>(
        run(db, 'createItem', {
          sku: `M-${++skus}`,
          name: `item ${skus}`,
          baseUom: 'EA',
          lotTracked: tracked,
          expiryTracked: tracked,
        }),
      )
    ).id;
  const bucket = (itemId: string, warehouseId: string, lot = '', expiry = '', ownerId = 'own') =>
    getBucket(db, { itemId, warehouseId, lot, expiry, ownerId });
  const receive = (itemId: string, warehouseId: string, quantity: number, extra: Data = {}, now?: string) =>
    must(run(db, 'receiveStock', { itemId, warehouseId, quantity, ...extra }, now));

  it('adjusts down only within free stock, unless the warehouse allows negative stock', async () => {
    const item = await newItem();
    await receive(item, SH, 10);
    await must(
      run(db, 'reserveStock', {
        demand: { type: 'sales-order', id: 'ADJ-1' },
        lines: [{ demandLine: 1, itemId: item, warehouseId: SH, quantity: 4 }],
      }),
    );
    // 10 on hand, 4 reserved: 6 may go.
    const refused = await run(db, 'adjustStock', { itemId: item, warehouseId: SH, quantity: -7, reasonCode: 'damage' });
    expect(refused).toMatchObject({
      ok: false,
      error: { code: 'inventory.insufficient-stock', details: { requested: 7, available: 6 } },
    });
    await must(run(db, 'adjustStock', { itemId: item, warehouseId: SH, quantity: -6, reasonCode: 'damage' }));
    expect(await bucket(item, SH)).toMatchObject({ qtyAvailable: 4, qtyReserved: 4 });
    // Nothing there at all.
    expect(
      await run(db, 'adjustStock', { itemId: item, warehouseId: BJ, quantity: -1, reasonCode: 'loss' }),
    ).toMatchObject({
      ok: false,
      error: { code: 'inventory.insufficient-stock', details: { requested: 1, available: 0 } },
    });
    // Frozen or quality stock cannot go below zero anywhere.
    expect(
      await run(db, 'adjustStock', {
        itemId: item,
        warehouseId: NEG,
        quantity: -1,
        status: 'frozen',
        reasonCode: 'scrap',
      }),
    ).toMatchObject({ ok: false, error: { code: 'inventory.negative-stock' } });
    // The store allows negative stock: available goes below zero there, and only there.
    await receive(item, NEG, 2);
    const neg = await must<{ buckets: Array<{ qtyAvailable: number }> }>(
      run(db, 'adjustStock', {
        itemId: item,
        warehouseId: NEG,
        quantity: -5,
        reasonCode: 'correction',
        note: 'sold offline',
      }),
    );
    expect(neg.buckets[0]?.qtyAvailable).toBe(-3);
    await must(run(db, 'adjustStock', { itemId: item, warehouseId: NEG, quantity: 3, reasonCode: 'found' }));
    expect(await bucket(item, NEG)).toMatchObject({ qtyAvailable: 0 });
    // The refusal names the bucket's own free stock, not the lot's under every expiry.
    const milk = await newItem(true);
    await receive(milk, SH, 1, { lot: 'L1', expiry: '2027-02-01' });
    await receive(milk, SH, 10, { lot: 'L1', expiry: '2027-03-01' });
    expect(
      await run(db, 'adjustStock', {
        itemId: milk,
        warehouseId: SH,
        lot: 'L1',
        expiry: '2027-02-01',
        quantity: -5,
        reasonCode: 'expired',
      }),
    ).toMatchObject({
      ok: false,
      error: {
        code: 'inventory.insufficient-stock',
        message: '1 available, 5 requested',
        details: { lot: 'L1', requested: 5, available: 1 },
      },
    });
    expect(await balanceDifferences(db)).toEqual([]);
  });

  it('counts stock: a baseline, a confirmed count, a gain, and a shortage taking available, then quality, then frozen', async () => {
    const item = await newItem();
    const count = (countedQuantity: number) =>
      must<{ difference: number; releasedReservations: number; movements: number }>(
        run(db, 'countStock', { itemId: item, warehouseId: SH, countedQuantity }),
      );
    // First count of a bucket nobody booked: the whole count is the gain.
    expect(await count(12)).toMatchObject({ difference: 12, releasedReservations: 0, movements: 1 });
    // A count that confirms the book is recorded too (a zero movement): the next count's baseline.
    expect(await count(12)).toMatchObject({ difference: 0, movements: 1 });
    const rows = await db
      .selectFrom('stock_movements')
      .select(['kind', 'reason_code', 'quantity', 'status'])
      .where('item_id', '=', item)
      .orderBy('id')
      .execute();
    expect(rows.map((r) => [r.kind, r.reason_code, r.quantity, r.status]).sort()).toEqual([
      ['count', 'cycle-count', 0, 'available'],
      ['count', 'cycle-count', 12, 'available'],
    ]);
    await must(run(db, 'setQualityStatus', { itemId: item, warehouseId: SH, quantity: 3, direction: 'hold' }));
    await must(
      run(db, 'adjustStock', { itemId: item, warehouseId: SH, quantity: 2, status: 'frozen', reasonCode: 'found' }),
    );
    // 9 available + 3 quality + 2 frozen = 14; counted 1: 9 from available, 3 from quality, 1 from frozen.
    expect(await count(1)).toMatchObject({ difference: -13, movements: 3 });
    expect(await bucket(item, SH)).toMatchObject({ qtyAvailable: 0, qtyQuality: 0, qtyFrozen: 1 });
    expect(await balanceDifferences(db)).toEqual([]);
  });

  it('a count shortage releases the reservations it uncovers, newest first, and reports them', async () => {
    const item = await newItem();
    await receive(item, SH, 10);
    const reserve = (id: string, quantity: number, now: string) =>
      must(
        run(
          db,
          'reserveStock',
          { demand: { type: 'sales-order', id }, lines: [{ demandLine: 1, itemId: item, warehouseId: SH, quantity }] },
          now,
        ),
      );
    await reserve('CNT-OLD', 4, at(10, 9));
    await reserve('CNT-NEW', 4, at(10, 10));
    // 10 on hand, 8 reserved; counted 5 → 3 of the reservations are no longer covered.
    const r = await must<{ difference: number; releasedReservations: number }>(
      run(db, 'countStock', { itemId: item, warehouseId: SH, countedQuantity: 5 }, at(10, 11)),
    );
    expect(r).toEqual(expect.objectContaining({ difference: -5, releasedReservations: 3 }));
    const held = async (id: string) =>
      (await heldByDemand(db, { type: 'sales-order', id, line: 1 })).reduce((s, h) => s + h.quantity, 0);
    expect([await held('CNT-OLD'), await held('CNT-NEW')]).toEqual([4, 1]);
    expect(await bucket(item, SH)).toMatchObject({ qtyAvailable: 5, qtyReserved: 5 });
    const released = await db
      .selectFrom('stock_reservations')
      .select(['demand_id', 'quantity', 'reason_code'])
      .where('item_id', '=', item)
      .where('quantity', '<', 0)
      .execute();
    expect(released).toEqual([{ demand_id: 'CNT-NEW', quantity: -3, reason_code: 'count-shortage' }]);
    // A shortage that leaves the reservations covered releases nothing.
    expect(
      await must(run(db, 'countStock', { itemId: item, warehouseId: SH, countedQuantity: 5 }, at(10, 12))),
    ).toMatchObject({ difference: 0, releasedReservations: 0 });
    expect(await balanceDifferences(db)).toEqual([]);
  });

  it('holds stock for quality and releases it; held stock cannot be reserved', async () => {
    const item = await newItem();
    await receive(item, SH, 10);
    const hold = await must<{ buckets: Array<Data>; movements: number }>(
      run(db, 'setQualityStatus', { itemId: item, warehouseId: SH, quantity: 4, direction: 'hold', note: 'QC sample' }),
    );
    expect(hold.movements).toBe(2);
    expect(hold.buckets[0]).toMatchObject({ qtyAvailable: 6, qtyQuality: 4 });
    const reserve = (quantity: number) =>
      run(db, 'reserveStock', {
        demand: { type: 'sales-order', id: 'QC-1' },
        lines: [{ demandLine: 1, itemId: item, warehouseId: SH, quantity }],
      });
    expect(await reserve(7)).toMatchObject({
      ok: false,
      error: { code: 'inventory.insufficient-stock', details: { requested: 7, available: 6, quality: 4 } },
    });
    expect(
      await run(db, 'setQualityStatus', { itemId: item, warehouseId: SH, quantity: 7, direction: 'hold' }),
    ).toMatchObject({
      ok: false,
      error: { code: 'inventory.insufficient-stock', details: { requested: 7, available: 6 } },
    });
    expect(
      await run(db, 'setQualityStatus', { itemId: item, warehouseId: SH, quantity: 5, direction: 'release' }),
    ).toMatchObject({ ok: false, error: { code: 'inventory.negative-stock' } });
    await must(run(db, 'setQualityStatus', { itemId: item, warehouseId: SH, quantity: 4, direction: 'release' }));
    expect(await bucket(item, SH)).toMatchObject({ qtyAvailable: 10, qtyQuality: 0 });
    await must(reserve(7));
    // Reserved stock cannot be put on hold either.
    expect(
      await run(db, 'setQualityStatus', { itemId: item, warehouseId: SH, quantity: 4, direction: 'hold' }),
    ).toMatchObject({
      ok: false,
      error: { code: 'inventory.insufficient-stock', details: { available: 3 } },
    });
    // Received straight into quality hold.
    await receive(item, BJ, 5, { status: 'quality' });
    expect(await bucket(item, BJ)).toMatchObject({ qtyAvailable: 0, qtyQuality: 5 });
  });

  it('releases part of a reservation newest first, then all of it, and refuses to over-release', async () => {
    const item = await newItem();
    await receive(item, SH, 5, { lot: 'A' }, at(1));
    await receive(item, SH, 5, { lot: 'B' }, at(2));
    const demand = { type: 'sales-order' as const, id: 'REL-1', line: 1 };
    const reserve = (quantity: number, now: string) =>
      must(
        run(
          db,
          'reserveStock',
          {
            demand: { type: 'sales-order', id: 'REL-1' },
            lines: [{ demandLine: 1, itemId: item, warehouseId: SH, quantity }],
          },
          now,
        ),
      );
    await reserve(5, at(3)); // FIFO: all of lot A
    await reserve(3, at(4)); // then lot B
    const heldPerLot = async () =>
      Object.fromEntries((await heldByDemand(db, demand)).map((h) => [h.bucket.lot, h.quantity]));
    expect(await heldPerLot()).toEqual({ A: 5, B: 3 });
    const part = await must<{ released: number }>(run(db, 'releaseReservation', { demand, quantity: 4 }, at(5)));
    expect(part.released).toBe(4);
    expect(await heldPerLot()).toEqual({ A: 4 });
    expect(await run(db, 'releaseReservation', { demand, quantity: 5 }, at(6))).toMatchObject({
      ok: false,
      error: { code: 'inventory.over-release', details: { reserved: 4, requested: 5 } },
    });
    const all = await must<{ released: number }>(
      run(db, 'releaseReservation', { demand, reason: 'order-cancelled' }, at(6)),
    );
    expect(all.released).toBe(4);
    expect(await heldPerLot()).toEqual({});
    expect([await bucket(item, SH, 'A'), await bucket(item, SH, 'B')]).toMatchObject([
      { qtyReserved: 0 },
      { qtyReserved: 0 },
    ]);
    const reasons = await db
      .selectFrom('stock_reservations')
      .select('reason_code')
      .where('demand_id', '=', 'REL-1')
      .where('quantity', '<', 0)
      .execute();
    expect(reasons.map((r) => r.reason_code).sort()).toEqual(['order-cancelled', 'release', 'release']);
    expect(await run(db, 'releaseReservation', { demand, quantity: 1 })).toMatchObject({
      ok: false,
      error: { code: 'inventory.over-release', details: { reserved: 0, requested: 1 } },
    });
    expect(await balanceDifferences(db)).toEqual([]);
  });

  it('corrects a lot expiry: stock of every status and its reservations move to the new bucket', async () => {
    const milk = await newItem(true);
    const lot = { lot: 'M1', expiry: '2027-03-01' };
    await receive(milk, SH, 10, lot);
    await receive(milk, BJ, 4, lot);
    await must(run(db, 'setQualityStatus', { itemId: milk, warehouseId: SH, ...lot, quantity: 2, direction: 'hold' }));
    await must(
      run(db, 'reserveStock', {
        demand: { type: 'sales-order', id: 'LOT-1' },
        lines: [{ demandLine: 1, itemId: milk, warehouseId: SH, quantity: 6, lot: 'M1' }],
      }),
    );
    const r = await must<{ total: number; warehouses: Data[] }>(
      run(db, 'changeLotAttributes', {
        itemId: milk,
        ...lot,
        newLot: 'M1',
        newExpiry: '2027-04-01',
        reason: 'Printed expiry was wrong',
      }),
    );
    expect(r.total).toBe(14);
    expect(r.warehouses).toEqual([
      { warehouseId: BJ, warehouseCode: 'M-BJ', buckets: 1, quantity: 4, releasedReservations: 0 },
      { warehouseId: SH, warehouseCode: 'M-SH', buckets: 1, quantity: 10, releasedReservations: 6 },
    ]);
    expect(await bucket(milk, SH, 'M1', '2027-03-01')).toMatchObject({
      qtyAvailable: 0,
      qtyQuality: 0,
      qtyReserved: 0,
    });
    expect(await bucket(milk, SH, 'M1', '2027-04-01')).toMatchObject({
      qtyAvailable: 8,
      qtyQuality: 2,
      qtyReserved: 6,
    });
    expect(await bucket(milk, BJ, 'M1', '2027-04-01')).toMatchObject({ qtyAvailable: 4 });
    const held = await heldByDemand(db, { type: 'sales-order', id: 'LOT-1', line: 1 });
    expect(held.map((h) => [h.bucket.expiry, h.quantity])).toEqual([['2027-04-01', 6]]);

    // Nothing left under the old attributes.
    expect(
      await run(db, 'changeLotAttributes', {
        itemId: milk,
        ...lot,
        newLot: 'M2',
        newExpiry: '2027-03-01',
        reason: 'x',
      }),
    ).toMatchObject({ ok: false, error: { code: 'inventory.nothing-matched' } });
    // Nothing to change.
    expect(
      await run(db, 'changeLotAttributes', {
        itemId: milk,
        lot: 'M1',
        expiry: '2027-04-01',
        newLot: 'M1',
        newExpiry: '2027-04-01',
        reason: 'x',
      }),
    ).toMatchObject({
      ok: false,
      error: { code: 'validation.invalid-input', details: { fields: [{ path: 'newExpiry', code: 'unchanged' }] } },
    });
    // The new attributes must still satisfy the item's tracking; the error names the new field.
    expect(
      await run(db, 'changeLotAttributes', {
        itemId: milk,
        lot: 'M1',
        expiry: '2027-04-01',
        newLot: '',
        newExpiry: '2027-04-01',
        reason: 'x',
      }),
    ).toMatchObject({
      ok: false,
      error: { code: 'inventory.lot-required', details: { fields: [{ path: 'newLot', code: 'lot-required' }] } },
    });
    expect(
      await run(db, 'changeLotAttributes', {
        itemId: milk,
        lot: 'M1',
        expiry: '2027-04-01',
        newLot: 'M1',
        reason: 'x',
      }),
    ).toMatchObject({
      ok: false,
      error: {
        code: 'inventory.expiry-required',
        details: { fields: [{ path: 'newExpiry', code: 'expiry-required' }] },
      },
    });
    // One warehouse only.
    const one = await must<{ warehouses: Data[] }>(
      run(db, 'changeLotAttributes', {
        itemId: milk,
        lot: 'M1',
        expiry: '2027-04-01',
        newLot: 'M1B',
        newExpiry: '2027-04-01',
        warehouseId: BJ,
        reason: 'relabelled',
      }),
    );
    expect(one.warehouses.map((x) => x['warehouseCode'])).toEqual(['M-BJ']);
    expect(await bucket(milk, BJ, 'M1B', '2027-04-01')).toMatchObject({ qtyAvailable: 4 });
    expect(await bucket(milk, SH, 'M1', '2027-04-01')).toMatchObject({ qtyAvailable: 8 });
    expect(await balanceDifferences(db)).toEqual([]);
  });

  it('refuses ownership transfers to the same owner or to an unknown supplier, and moves free stock only', async () => {
    const item = await newItem();
    await receive(item, SH, 6);
    const base = { itemId: item, warehouseId: SH, quantity: 2, reason: 'consignment' };
    expect(await run(db, 'transferOwnership', { ...base, toOwnerId: 'own' })).toMatchObject({
      ok: false,
      error: { code: 'inventory.same-owner', details: { fields: [{ path: 'toOwnerId', code: 'same-owner' }] } },
    });
    expect(await run(db, 'transferOwnership', { ...base, toOwnerId: randomUUID() })).toMatchObject({
      ok: false,
      error: { code: 'inventory.unknown-reference', details: { fields: [{ path: 'toOwnerId' }] } },
    });
    expect(await run(db, 'transferOwnership', { ...base, ownerId: randomUUID(), toOwnerId: 'own' })).toMatchObject({
      ok: false,
      error: { code: 'inventory.unknown-reference', details: { fields: [{ path: 'ownerId' }] } },
    });
    await must(
      run(db, 'reserveStock', {
        demand: { type: 'sales-order', id: 'OWN-1' },
        lines: [{ demandLine: 1, itemId: item, warehouseId: SH, quantity: 5 }],
      }),
    );
    expect(await run(db, 'transferOwnership', { ...base, toOwnerId: supplier })).toMatchObject({
      ok: false,
      error: { code: 'inventory.insufficient-stock', details: { requested: 2, available: 1 } },
    });
    await must(run(db, 'transferOwnership', { ...base, quantity: 1, toOwnerId: supplier }));
    await must(run(db, 'transferOwnership', { ...base, quantity: 1, ownerId: supplier, toOwnerId: 'own' }));
    expect(await bucket(item, SH)).toMatchObject({ qtyAvailable: 6, qtyReserved: 5 });
    expect(await bucket(item, SH, '', '', supplier)).toMatchObject({ qtyAvailable: 0 });
  });

  it('refuses a transfer within one warehouse, beyond free stock, of expired stock, and receipts on a closed transfer', async () => {
    const item = await newItem();
    const milk = await newItem(true);
    await receive(item, SH, 10);
    expect(
      await run(db, 'shipTransfer', { fromWarehouseId: SH, toWarehouseId: SH, lines: [{ itemId: item, quantity: 1 }] }),
    ).toMatchObject({
      ok: false,
      error: {
        code: 'inventory.same-warehouse',
        details: { fields: [{ path: 'toWarehouseId', code: 'same-warehouse' }] },
      },
    });
    expect(
      await run(db, 'shipTransfer', {
        fromWarehouseId: SH,
        toWarehouseId: BJ,
        lines: [{ itemId: item, quantity: 11 }],
      }),
    ).toMatchObject({
      ok: false,
      error: { code: 'inventory.insufficient-stock', details: { requested: 11, available: 10 } },
    });
    // Two lines of one item: the second sees what the first took.
    expect(
      await run(db, 'shipTransfer', {
        fromWarehouseId: SH,
        toWarehouseId: BJ,
        lines: [
          { itemId: item, quantity: 7 },
          { itemId: item, quantity: 4 },
        ],
      }),
    ).toMatchObject({
      ok: false,
      error: { code: 'inventory.insufficient-stock', details: { requested: 4, available: 3 } },
    });
    // Expired stock is not shipped (FEFO never takes it), and the refusal does not count it as available.
    await receive(milk, SH, 5, { lot: 'OLD', expiry: '2027-01-05' }, at(1));
    expect(
      await run(
        db,
        'shipTransfer',
        { fromWarehouseId: SH, toWarehouseId: BJ, lines: [{ itemId: milk, quantity: 1 }] },
        at(6),
      ),
    ).toMatchObject({
      ok: false,
      error: { code: 'inventory.insufficient-stock', details: { requested: 1, available: 0 } },
    });
    expect(
      await run(
        db,
        'reserveStock',
        {
          demand: { type: 'sales-order', id: 'EXP-1' },
          lines: [{ demandLine: 1, itemId: milk, warehouseId: SH, quantity: 1 }],
        },
        at(6),
      ),
    ).toMatchObject({
      ok: false,
      error: { code: 'inventory.insufficient-stock', details: { requested: 1, available: 0 } },
    });
    expect(await bucket(milk, SH, 'OLD', '2027-01-05')).toMatchObject({ qtyAvailable: 5, qtyReserved: 0 });

    const tr = await must<{ id: string; number: string }>(
      run(db, 'shipTransfer', { fromWarehouseId: SH, toWarehouseId: BJ, lines: [{ itemId: item, quantity: 3 }] }),
    );
    expect(tr.number).toBe(`TR-${tr.id.replaceAll('-', '').slice(0, 12).toUpperCase()}`);
    expect(await run(db, 'receiveTransfer', { transferId: tr.id, lines: [{ lineNo: 2, quantity: 1 }] })).toMatchObject({
      ok: false,
      error: { code: 'inventory.unknown-reference', details: { fields: [{ path: 'lines.0.lineNo' }] } },
    });
    // Two receipt lines for one transfer line count together.
    expect(
      await run(db, 'receiveTransfer', {
        transferId: tr.id,
        lines: [
          { lineNo: 1, quantity: 2 },
          { lineNo: 1, quantity: 2 },
        ],
      }),
    ).toMatchObject({ ok: false, error: { code: 'inventory.over-receipt', details: { open: 1, requested: 2 } } });
    await must(run(db, 'receiveTransfer', { transferId: tr.id, lines: [{ lineNo: 1, quantity: 3 }] }));
    expect(await run(db, 'receiveTransfer', { transferId: tr.id, lines: [{ lineNo: 1, quantity: 1 }] })).toMatchObject({
      ok: false,
      error: { code: 'inventory.transfer-closed', details: { number: tr.number } },
    });
    expect(
      await run(db, 'receiveTransfer', { transferId: randomUUID(), lines: [{ lineNo: 1, quantity: 1 }] }),
    ).toMatchObject({
      ok: false,
      error: { code: 'inventory.transfer-not-found' },
    });
    expect(await bucket(item, BJ)).toMatchObject({ qtyAvailable: 3, qtyInTransit: 0 });
    expect(await bucket(item, SH)).toMatchObject({ qtyAvailable: 7 });
  });

  it('reserves what there is with allowPartial and opens one stock-out proposal for the whole shortfall', async () => {
    const item = await newItem();
    await receive(item, SH, 4);
    await receive(item, BJ, 3);
    const demand = { type: 'sales-order', id: 'PART-1' };
    // Without allowPartial the whole demand is refused and nothing is reserved.
    expect(
      await run(db, 'reserveStock', {
        demand,
        lines: [{ demandLine: 1, itemId: item, warehouseId: BJ, quantity: 10 }],
      }),
    ).toMatchObject({
      ok: false,
      error: { code: 'inventory.insufficient-stock', details: { requested: 10, available: 3 } },
    });
    expect(await bucket(item, BJ)).toMatchObject({ qtyReserved: 0 });
    // Two lines short of the same item in the same warehouse: 3 reserved, 6 + 4 short.
    const r = await must<{ lines: Data[]; proposals: string[] }>(
      run(db, 'reserveStock', {
        demand,
        allowPartial: true,
        lines: [
          { demandLine: 1, itemId: item, warehouseId: BJ, quantity: 9 },
          { demandLine: 2, itemId: item, warehouseId: BJ, quantity: 4 },
        ],
      }),
    );
    expect(r.lines.map((l) => [l['demandLine'], l['requested'], l['reserved'], l['shortfall']])).toEqual([
      [1, 9, 3, 6],
      [2, 4, 0, 4],
    ]);
    const proposals = await db
      .selectFrom('replenishment_proposals')
      .select(['kind', 'from_warehouse_id', 'quantity', 'reason', 'status', 'position_qty'])
      .where('item_id', '=', item)
      .orderBy('kind', 'desc')
      .execute();
    // The 4 free in Shanghai come over; the other 6 are bought.
    expect(proposals).toEqual([
      { kind: 'transfer', from_warehouse_id: SH, quantity: 4, reason: 'stock-out', status: 'open', position_qty: 0 },
      { kind: 'purchase', from_warehouse_id: null, quantity: 6, reason: 'stock-out', status: 'open', position_qty: 0 },
    ]);
    expect(r.proposals).toHaveLength(2);
    // While that proposal is open, another stock-out adds none.
    const again = await must<{ proposals: string[] }>(
      run(db, 'reserveStock', {
        demand: { type: 'sales-order', id: 'PART-2' },
        allowPartial: true,
        lines: [{ demandLine: 1, itemId: item, warehouseId: BJ, quantity: 1 }],
      }),
    );
    expect(again.proposals).toEqual([]);
    expect(await bucket(item, BJ)).toMatchObject({ qtyAvailable: 3, qtyReserved: 3 });
  });

  it('reports and repairs a corrupted projection; verifying changes nothing', async () => {
    const item = await newItem();
    await receive(item, SH, 8);
    await receive(item, BJ, 5);
    expect(await must(run(db, 'rebuildStockBalances', { verifyOnly: true }))).toMatchObject({ differences: 0 });
    // Three kinds of damage: a wrong figure, a missing row, a row with no ledger behind it.
    await db
      .updateTable('stock_balances')
      .set({ qty_available: 80 })
      .where('item_id', '=', item)
      .where('warehouse_id', '=', SH)
      .execute();
    await db.deleteFrom('stock_balances').where('item_id', '=', item).where('warehouse_id', '=', BJ).execute();
    await db
      .insertInto('stock_balances')
      .values({
        item_id: item,
        warehouse_id: NEG,
        lot: 'GHOST',
        expiry: '',
        owner_id: 'own',
        qty_available: 1,
        qty_frozen: 0,
        qty_quality: 0,
        qty_in_transit: 0,
        qty_reserved: 0,
        received_at: NOW,
      })
      .execute();
    expect(await balanceDifferences(db)).toHaveLength(3);
    const outboxBefore = await countOutbox(db);
    const verify = await exec(db, 'rebuildStockBalances', { verifyOnly: true });
    expect(verify.result).toMatchObject({ ok: true, data: { differences: 3 } });
    expect(await balanceDifferences(db)).toHaveLength(3);
    expect(await bucket(item, SH)).toMatchObject({ qtyAvailable: 80 });
    const rebuilt = await exec(db, 'rebuildStockBalances', {});
    expect(rebuilt.result).toMatchObject({ ok: true, data: { differences: 3 } });
    expect(await balanceDifferences(db)).toEqual([]);
    expect(await must(run(db, 'rebuildStockBalances', { verifyOnly: true }))).toMatchObject({ differences: 0 });
    expect(await bucket(item, SH)).toMatchObject({ qtyAvailable: 8 });
    expect(await bucket(item, BJ)).toMatchObject({ qtyAvailable: 5 });
    expect(await bucket(item, NEG, 'GHOST')).toBeUndefined();
    // Local maintenance: never in the outbox.
    expect(verify.outbox).toBeUndefined();
    expect(rebuilt.outbox).toBeUndefined();
    expect(await countOutbox(db)).toBe(outboxBefore);
  });

  it('writes exactly one outbox row per accepted inventory command, with its validated args, and none per refusal', async () => {
    const item = await newItem();
    const milk = await newItem(true);
    const lot = { lot: 'OB1', expiry: '2027-06-01' };
    await receive(milk, SH, 5, lot);
    let transferId = '';
    let proposalId = '';
    const cases: Array<[string, () => unknown, () => unknown]> = [
      [
        'receiveStock',
        () => ({ itemId: item, warehouseId: SH, quantity: 10 }),
        () => ({ itemId: milk, warehouseId: SH, quantity: 1 }),
      ],
      [
        'adjustStock',
        () => ({ itemId: item, warehouseId: SH, quantity: -1, reasonCode: 'sample' }),
        () => ({ itemId: item, warehouseId: SH, quantity: -100, reasonCode: 'sample' }),
      ],
      [
        'countStock',
        () => ({ itemId: item, warehouseId: SH, countedQuantity: 9 }),
        () => ({ itemId: milk, warehouseId: SH, countedQuantity: 1 }),
      ],
      [
        'setQualityStatus',
        () => ({ itemId: item, warehouseId: SH, quantity: 1, direction: 'hold' }),
        () => ({ itemId: item, warehouseId: SH, quantity: 5, direction: 'release' }),
      ],
      [
        'reserveStock',
        () => ({
          demand: { type: 'sales-order', id: 'OB-1' },
          lines: [{ demandLine: 1, itemId: item, warehouseId: SH, quantity: 2 }],
        }),
        () => ({
          demand: { type: 'sales-order', id: 'OB-1' },
          lines: [{ demandLine: 1, itemId: item, warehouseId: SH, quantity: 99 }],
        }),
      ],
      [
        'releaseReservation',
        () => ({ demand: { type: 'sales-order', id: 'OB-1', line: 1 }, quantity: 1 }),
        () => ({ demand: { type: 'sales-order', id: 'OB-1', line: 1 }, quantity: 2 }),
      ],
      [
        'freezeStock',
        () => ({ selector: { itemId: milk, lot: 'OB1' }, reason: 'recall' }),
        () => ({ selector: { itemId: milk, lot: 'NONE' }, reason: 'recall' }),
      ],
      [
        'unfreezeStock',
        () => ({ selector: { itemId: milk, lot: 'OB1' }, reason: 'cleared' }),
        () => ({ selector: { itemId: milk, lot: 'OB1' }, reason: 'cleared' }),
      ],
      [
        'shipTransfer',
        () => ({ fromWarehouseId: SH, toWarehouseId: BJ, lines: [{ itemId: item, quantity: 2 }] }),
        () => ({ fromWarehouseId: SH, toWarehouseId: BJ, lines: [{ itemId: item, quantity: 50 }] }),
      ],
      [
        'receiveTransfer',
        () => ({ transferId, lines: [{ lineNo: 1, quantity: 2 }] }),
        () => ({ transferId, lines: [{ lineNo: 1, quantity: 1 }] }),
      ],
      [
        'changeLotAttributes',
        () => ({ itemId: milk, ...lot, newLot: 'OB2', newExpiry: '2027-06-01', reason: 'relabel' }),
        () => ({ itemId: milk, ...lot, newLot: 'OB2', newExpiry: '2027-06-01', reason: 'relabel' }),
      ],
      [
        'transferOwnership',
        () => ({ itemId: item, warehouseId: SH, quantity: 1, toOwnerId: supplier, reason: 'c' }),
        () => ({ itemId: item, warehouseId: SH, quantity: 1, toOwnerId: 'own', reason: 'c' }),
      ],
      [
        'setReplenishmentRule',
        () => ({ itemId: item, warehouseId: NEG, minQty: 5, maxQty: 10 }),
        () => ({ itemId: randomUUID(), warehouseId: NEG, minQty: 5, maxQty: 10 }),
      ],
      ['proposeReplenishment', () => ({ warehouseIds: [NEG] }), () => ({ warehouseIds: ['not-a-uuid'] })],
      ['decideProposal', () => ({ proposalId, decision: 'dismiss' }), () => ({ proposalId, decision: 'confirm' })],
    ];
    for (const [name, ok, bad] of cases) {
      const before = await countOutbox(db);
      const out = await exec(db, name, ok());
      if (!out.result.ok) throw new Error(`${name}: ${JSON.stringify(out.result.error)}`);
      expect(await countOutbox(db), name).toBe(before + 1);
      const [row] = await listOutbox(db, { afterSeq: out.outbox!.seq - 1, limit: 1 });
      expect(row, name).toMatchObject({
        seq: out.outbox!.seq,
        command: name,
        commandVersion: 1,
        mutationId: out.outbox!.mutationId,
      });
      const data = out.result.data as Data;
      if (name === 'shipTransfer') transferId = String(data['id']);
      if (name === 'proposeReplenishment') proposalId = (data['proposals'] as string[])[0]!;
      // The outbox carries the validated args: the operation id the ledger rows are named after.
      const args = row!.args as Data;
      if ('opId' in data) expect(args['id'], name).toBe(data['opId']);
      const refused = await exec(db, name, bad());
      expect(refused.result.ok, `${name} refusal`).toBe(false);
      expect(refused.outbox, name).toBeUndefined();
      expect(await countOutbox(db), `${name} refusal`).toBe(before + 1);
    }
    const rebuild = await exec(db, 'rebuildStockBalances', {});
    expect([rebuild.result.ok, rebuild.outbox]).toEqual([true, undefined]);
    expect(await balanceDifferences(db)).toEqual([]);
  });
});
