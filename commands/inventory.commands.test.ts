import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { balanceDifferences, getBucket } from '../db/inventory.queries.ts';
import { BACKENDS, openTestDb } from '../db/testing/backends.ts';
import type { CommandContext } from './define.ts';
import { findCommand } from './registry.ts';
import { runCommand } from './runner.ts';

const ctx = (now = '2026-11-22T08:00:00.000Z'): CommandContext => ({
  actor: { userId: null, name: 'test' },
  now,
  origin: 'desktop',
});

type Db = Awaited<ReturnType<typeof openTestDb>>['db'];

/** Runs a command the way the app host does: the API input, ids assigned at the origin. */
async function run(db: Db, name: string, input: unknown, now?: string) {
  const def = findCommand(name);
  if (!def) throw new Error(`no command ${name}`);
  const args = def.fromInput ? def.fromInput(input, randomUUID) : input;
  return (await runCommand(db, def, args, ctx(now), { outbox: true })).result;
}

async function must<T = Record<string, unknown>>(p: Promise<{ ok: boolean; data?: unknown; error?: unknown }>) {
  const r = await p;
  if (!r.ok) throw new Error(`expected ok, got ${JSON.stringify(r)}`);
  return r.data as T;
}

describe.each(BACKENDS)('inventory commands on %s', (backend) => {
  let t: Awaited<ReturnType<typeof openTestDb>>;
  const wh: string[] = [];
  let milk = '';
  let cable = '';
  let supplier = '';

  beforeAll(async () => {
    t = await openTestDb(backend, 'desktop');
    for (const code of ['SH', 'BJ', 'GZ']) {
      const w = await must<{ id: string }>(run(t.db, 'createWarehouse', { code: `WH-${code}`, name: `仓库 ${code}` }));
      wh.push(w.id);
    }
    milk = (
      await must<{ id: string }>(
        run(t.db, 'createItem', { sku: 'MILK', name: '纯牛奶', baseUom: 'EA', lotTracked: true, expiryTracked: true }),
      )
    ).id;
    cable = (await must<{ id: string }>(run(t.db, 'createItem', { sku: 'CABLE', name: '数据线', baseUom: 'EA' }))).id;
    supplier = (await must<{ id: string }>(run(t.db, 'createSupplier', { code: 'SUP-1', name: '供应商一' }))).id;
  });
  afterAll(async () => {
    await t?.close();
  });

  const [SH, BJ, GZ] = [0, 1, 2];
  const w = (i: number) => wh[i] as string;

  it('refuses a receipt of a lot-tracked item without a lot, with a field error', async () => {
    const r = await run(t.db, 'receiveStock', { itemId: milk, warehouseId: w(SH), quantity: 5, expiry: '2027-03-01' });
    expect(r).toMatchObject({
      ok: false,
      error: { code: 'inventory.lot-required', details: { fields: [{ path: 'lot' }] } },
    });
  });

  it('freezes a lot across three warehouses, refuses to reserve it naming the frozen quantity, and unfreezes it', async () => {
    for (const [i, q] of [
      [SH, 100],
      [BJ, 40],
      [GZ, 25],
    ] as const)
      await must(
        run(t.db, 'receiveStock', {
          itemId: milk,
          warehouseId: w(i),
          lot: 'L2026A',
          expiry: '2027-03-01',
          quantity: q,
        }),
      );
    await must(
      run(t.db, 'receiveStock', {
        itemId: milk,
        warehouseId: w(SH),
        lot: 'L2026B',
        expiry: '2027-05-01',
        quantity: 10,
      }),
    );
    // A reservation on the lot before the freeze is released by it and reported.
    await must(
      run(t.db, 'reserveStock', {
        demand: { type: 'sales-order', id: 'SO-1' },
        lines: [{ demandLine: 1, itemId: milk, warehouseId: w(BJ), quantity: 15, lot: 'L2026A' }],
      }),
    );

    const frozen = await must<{ total: number; warehouses: Array<Record<string, unknown>> }>(
      run(t.db, 'freezeStock', { selector: { itemId: milk, lot: 'L2026A' }, reason: 'Supplier recall 2026-11' }),
    );
    expect(frozen.total).toBe(165);
    expect(frozen.warehouses.map((x) => [x['warehouseCode'], x['quantity'], x['releasedReservations']])).toEqual([
      ['WH-BJ', 40, 15],
      ['WH-GZ', 25, 0],
      ['WH-SH', 100, 0],
    ]);

    const refused = await run(t.db, 'reserveStock', {
      demand: { type: 'sales-order', id: 'SO-2' },
      lines: [{ demandLine: 1, itemId: milk, warehouseId: w(SH), quantity: 5, lot: 'L2026A' }],
    });
    expect(refused).toMatchObject({
      ok: false,
      error: { code: 'inventory.stock-frozen', details: { lot: 'L2026A', frozen: 100, available: 0, requested: 5 } },
    });
    // Without a lot, FEFO skips the frozen lot and takes the next one.
    const other = await must<{ lines: Array<{ allocations: Array<{ lot: string }> }> }>(
      run(t.db, 'reserveStock', {
        demand: { type: 'sales-order', id: 'SO-3' },
        lines: [{ demandLine: 1, itemId: milk, warehouseId: w(SH), quantity: 5 }],
      }),
    );
    expect(other.lines[0]?.allocations.map((x) => x.lot)).toEqual(['L2026B']);

    const unfrozen = await must<{ total: number }>(
      run(t.db, 'unfreezeStock', { selector: { itemId: milk, lot: 'L2026A' }, reason: 'Recall cleared' }),
    );
    expect(unfrozen.total).toBe(165);
    await must(
      run(t.db, 'reserveStock', {
        demand: { type: 'sales-order', id: 'SO-2' },
        lines: [{ demandLine: 1, itemId: milk, warehouseId: w(SH), quantity: 5, lot: 'L2026A' }],
      }),
    );
    expect(await balanceDifferences(t.db)).toEqual([]);
  });

  it('freezes by expiry range, and refuses a selector that matches nothing', async () => {
    // L2026B (expiry 2027-05-01): 10 in WH-SH, 5 of them reserved for SO-3 — all frozen, SO-3 released.
    const r = await must<{ total: number; warehouses: Array<Record<string, unknown>> }>(
      run(t.db, 'freezeStock', {
        selector: { expiryFrom: '2027-04-01', expiryTo: '2027-06-30' },
        reason: 'Quality check of the May batch',
      }),
    );
    expect(r.total).toBe(10);
    expect(r.warehouses).toEqual([
      { warehouseId: w(SH), warehouseCode: 'WH-SH', buckets: 1, quantity: 10, releasedReservations: 5 },
    ]);
    const none = await run(t.db, 'freezeStock', {
      selector: { expiryFrom: '2030-01-01', expiryTo: '2030-12-31' },
      reason: 'nothing there',
    });
    expect(none).toMatchObject({ ok: false, error: { code: 'inventory.nothing-matched' } });
    const badRange = await run(t.db, 'freezeStock', {
      selector: { expiryFrom: '2027-06-30', expiryTo: '2027-04-01' },
      reason: 'x',
    });
    expect(badRange).toMatchObject({
      ok: false,
      error: {
        code: 'validation.invalid-input',
        details: { fields: [{ path: 'selector.expiryTo', code: 'date-range' }] },
      },
    });
    await must(
      run(t.db, 'unfreezeStock', { selector: { expiryFrom: '2027-04-01', expiryTo: '2027-06-30' }, reason: 'ok' }),
    );
  });

  it('ships a transfer into transit and receives it in two parts', async () => {
    await must(run(t.db, 'receiveStock', { itemId: cable, warehouseId: w(SH), quantity: 50 }));
    const tr = await must<{ id: string; lines: Array<{ lineNo: number; qtyShipped: number }> }>(
      run(t.db, 'shipTransfer', {
        fromWarehouseId: w(SH),
        toWarehouseId: w(GZ),
        lines: [{ itemId: cable, quantity: 30 }],
      }),
    );
    const key = { itemId: cable, lot: '', expiry: '', ownerId: 'own' };
    expect(await getBucket(t.db, { ...key, warehouseId: w(SH) })).toMatchObject({ qtyAvailable: 20 });
    expect(await getBucket(t.db, { ...key, warehouseId: w(GZ) })).toMatchObject({ qtyInTransit: 30, qtyAvailable: 0 });
    const part = await must<{ status: string }>(
      run(t.db, 'receiveTransfer', { transferId: tr.id, lines: [{ lineNo: 1, quantity: 10 }] }),
    );
    expect(part.status).toBe('partially_received');
    const over = await run(t.db, 'receiveTransfer', { transferId: tr.id, lines: [{ lineNo: 1, quantity: 21 }] });
    expect(over).toMatchObject({ ok: false, error: { code: 'inventory.over-receipt' } });
    const done = await must<{ status: string }>(
      run(t.db, 'receiveTransfer', { transferId: tr.id, lines: [{ lineNo: 1, quantity: 20 }] }),
    );
    expect(done.status).toBe('received');
    expect(await getBucket(t.db, { ...key, warehouseId: w(GZ) })).toMatchObject({ qtyInTransit: 0, qtyAvailable: 30 });
  });

  it('transfers ownership to a supplier (consignment) and keeps it apart', async () => {
    await must(
      run(t.db, 'transferOwnership', {
        itemId: cable,
        warehouseId: w(SH),
        quantity: 8,
        toOwnerId: supplier,
        reason: 'Consignment agreement',
      }),
    );
    const own = await getBucket(t.db, { itemId: cable, warehouseId: w(SH), lot: '', expiry: '', ownerId: 'own' });
    const cons = await getBucket(t.db, { itemId: cable, warehouseId: w(SH), lot: '', expiry: '', ownerId: supplier });
    expect([own?.qtyAvailable, cons?.qtyAvailable]).toEqual([12, 8]);
    // Own-stock reservations do not touch consignment stock.
    const r = await run(t.db, 'reserveStock', {
      demand: { type: 'sales-order', id: 'SO-9' },
      lines: [{ demandLine: 1, itemId: cable, warehouseId: w(SH), quantity: 13 }],
    });
    expect(r).toMatchObject({ ok: false, error: { code: 'inventory.insufficient-stock', details: { available: 12 } } });
  });

  it('proposes replenishment from a warehouse with surplus and a purchase for the rest', async () => {
    await must(run(t.db, 'setReplenishmentRule', { itemId: cable, warehouseId: w(BJ), minQty: 20, maxQty: 60 }));
    // WH-BJ has no cable: order up to 60 — 30 from WH-GZ, the 12 own in WH-SH, 18 to purchase.
    const out = await must<{ proposals: string[] }>(run(t.db, 'proposeReplenishment', {}));
    expect(out.proposals.length).toBe(3);
    const rows = await t.db
      .selectFrom('replenishment_proposals')
      .select(['kind', 'from_warehouse_id', 'quantity'])
      .where('warehouse_id', '=', w(BJ))
      .orderBy('quantity', 'desc')
      .execute();
    expect(rows).toEqual([
      { kind: 'transfer', from_warehouse_id: w(GZ), quantity: 30 },
      { kind: 'purchase', from_warehouse_id: null, quantity: 18 },
      { kind: 'transfer', from_warehouse_id: w(SH), quantity: 12 },
    ]);
    const again = await must<{ proposals: string[] }>(run(t.db, 'proposeReplenishment', {}));
    expect(again.proposals).toEqual([]);
    const decided = await must<{ status: string }>(
      run(t.db, 'decideProposal', { proposalId: out.proposals[0], decision: 'confirm' }),
    );
    expect(decided.status).toBe('confirmed');
    const twice = await run(t.db, 'decideProposal', { proposalId: out.proposals[0], decision: 'dismiss' });
    expect(twice).toMatchObject({ ok: false, error: { code: 'inventory.proposal-closed' } });
  });

  it('rebuilds every balance from the ledgers to exactly what the commands projected', async () => {
    const verify = await must<{ buckets: number; differences: number }>(
      run(t.db, 'rebuildStockBalances', { verifyOnly: true }),
    );
    expect(verify.differences).toBe(0);
    expect(verify.buckets).toBeGreaterThan(5);
    const rebuilt = await must<{ buckets: number; differences: number }>(run(t.db, 'rebuildStockBalances', {}));
    expect(rebuilt.buckets).toBe(verify.buckets);
    expect(await balanceDifferences(t.db)).toEqual([]);
  });
});
