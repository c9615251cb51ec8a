import { randomUUID } from 'node:crypto';
import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { findCommand } from '../../commands/registry.ts';
import { runCommand } from '../../commands/runner.ts';
import { gridInput, type GroupBy } from '../../core/inventory/schemas.ts';
import { inventoryGrid } from '../../db/inventory.queries.ts';
import { BACKENDS, openTestDb } from '../../db/testing/backends.ts';

/**
 * The network grid against a brute-force aggregation of the same balances: paging through every
 * page with the keyset cursor (with item chunks small enough to cross their edges) yields each
 * group exactly once, in key order, with the right figures; the count and totals agree.
 */
const ctx = { actor: { userId: null, name: 'test' }, now: '2026-11-22T08:00:00.000Z', origin: 'desktop' as const };

describe.each(BACKENDS)('inventory grid on %s', (backend) => {
  let t: Awaited<ReturnType<typeof openTestDb>>;
  const items: string[] = [];
  const whs: string[] = [];
  let supplier = '';

  async function run(name: string, input: unknown) {
    const def = findCommand(name);
    if (!def) throw new Error(name);
    const r = (
      await runCommand(t.db, def, def.fromInput ? def.fromInput(input, randomUUID) : input, ctx, { outbox: true })
    ).result;
    if (!r.ok) throw new Error(JSON.stringify(r.error));
    return r.data as { id: string };
  }

  beforeAll(async () => {
    t = await openTestDb(backend, 'desktop');
    for (const c of ['B', 'A', 'C']) whs.push((await run('createWarehouse', { code: `W-${c}`, name: c })).id);
    supplier = (await run('createSupplier', { code: 'S1', name: '寄售供应商' })).id;
    // SKUs deliberately not in creation order; one item gets no stock at all.
    for (const sku of ['K-07', 'K-02', 'K-11', 'K-05', 'K-01', 'K-09', 'K-03', 'EMPTY'])
      items.push((await run('createItem', { sku, name: `品 ${sku}`, baseUom: 'EA', lotTracked: true })).id);
    let n = 0;
    for (const [i, item] of items.slice(0, 7).entries())
      for (const [j, wh] of whs.entries()) {
        if ((i + j) % 3 === 2) continue;
        for (const lot of ['L1', 'L2'].slice(0, 1 + ((i + j) % 2))) {
          n += 1;
          await run('receiveStock', { itemId: item, warehouseId: wh, lot, quantity: 10 + n });
        }
      }
    await run('transferOwnership', {
      itemId: items[0],
      warehouseId: whs[0],
      lot: 'L1',
      quantity: 3,
      toOwnerId: supplier,
      reason: 'consignment',
    });
    await run('freezeStock', { selector: { lot: 'L2' }, reason: 'qa' });
  });
  afterAll(async () => {
    await t?.close();
  });

  async function expected(groupBy: readonly GroupBy[], onlyFrozen: boolean) {
    const rows = await t.db
      .selectFrom('stock_balances as b')
      .innerJoin('items as i', 'i.id', 'b.item_id')
      .innerJoin('warehouses as w', 'w.id', 'b.warehouse_id')
      .select(['i.sku', 'b.item_id', 'w.code', 'b.warehouse_id', 'b.lot', 'b.expiry', 'b.owner_id'])
      .select(['b.qty_available', 'b.qty_frozen', 'b.qty_reserved'])
      .execute();
    const groups = new Map<string, { key: string[]; onHand: number; frozen: number }>();
    for (const r of rows) {
      const key = [r.sku, r.item_id];
      if (groupBy.includes('warehouse')) key.push(r.code, r.warehouse_id);
      if (groupBy.includes('lot')) key.push(r.lot, r.expiry);
      if (groupBy.includes('owner')) key.push(r.owner_id);
      const k = JSON.stringify(key);
      const g = groups.get(k) ?? { key, onHand: 0, frozen: 0 };
      g.onHand += r.qty_available + r.qty_frozen;
      g.frozen += r.qty_frozen;
      groups.set(k, g);
    }
    const cmp = (a: string[], b: string[]) => {
      for (let i = 0; i < a.length; i += 1) if (a[i] !== b[i]) return (a[i] ?? '') < (b[i] ?? '') ? -1 : 1;
      return 0;
    };
    return [...groups.values()]
      .filter((g) => (onlyFrozen ? g.frozen > 0 : g.onHand !== 0))
      .sort((a, b) => cmp(a.key, b.key));
  }

  const dims = fc.subarray(['warehouse', 'lot', 'owner'] as const);

  it('pages through every group once, in key order, across item chunks', async () => {
    await fc.assert(
      fc.asyncProperty(
        dims,
        fc.integer({ min: 1, max: 7 }),
        fc.integer({ min: 1, max: 4 }),
        fc.boolean(),
        async (d, limit, chunk, onlyFrozen) => {
          const groupBy: GroupBy[] = ['item', ...d];
          const want = await expected(groupBy, onlyFrozen);
          const got: { cursor: string; onHand: number; frozen: number }[] = [];
          let after: string | undefined;
          let first: Awaited<ReturnType<typeof inventoryGrid>> | null = null;
          for (let page = 0; page < 100; page += 1) {
            const r = await inventoryGrid(
              t.db,
              gridInput.parse({ groupBy, limit, onlyFrozen, ...(after ? { after } : {}) }),
              chunk,
            );
            first ??= r;
            got.push(...r.rows);
            if (r.rows.length < limit) break;
            after = r.rows.at(-1)?.cursor;
          }
          expect(got.map((r) => r.cursor)).toEqual(want.map((w) => JSON.stringify(w.key)));
          expect(got.map((r) => [r.onHand, r.frozen])).toEqual(want.map((w) => [w.onHand, w.frozen]));
          expect(first?.count).toBe(want.length);
          if (!onlyFrozen) expect(first?.totals.onHand).toBe(want.reduce((s, w) => s + w.onHand, 0));
        },
      ),
      { numRuns: backend === 'sqlite' ? 60 : 15 },
    );
  });

  it('filters by search (SKU prefix, name, lot prefix), warehouse and owner', async () => {
    const bySku = await inventoryGrid(t.db, gridInput.parse({ search: 'k-0', groupBy: ['item'] }), 2);
    expect(bySku.rows.map((r) => r.sku)).toEqual(['K-01', 'K-02', 'K-03', 'K-05', 'K-07', 'K-09']);
    const byLot = await inventoryGrid(t.db, gridInput.parse({ search: 'l2', onlyFrozen: true }), 2);
    expect(byLot.rows.length).toBeGreaterThan(0);
    expect(byLot.rows.every((r) => r.lot === 'L2' && r.frozen > 0)).toBe(true);
    expect(byLot.count).toBe(byLot.rows.length);
    const cons = await inventoryGrid(t.db, gridInput.parse({ ownerId: supplier }));
    expect(cons.rows).toMatchObject([{ sku: 'K-07', ownerId: supplier, ownerName: '寄售供应商', onHand: 3 }]);
    const oneWh = await inventoryGrid(
      t.db,
      gridInput.parse({ warehouseId: whs[1], groupBy: ['item', 'warehouse'] }),
      3,
    );
    expect(oneWh.rows.every((r) => r.warehouseCode === 'W-A')).toBe(true);
    expect(oneWh.count).toBe(oneWh.rows.length);
    const escaped = await inventoryGrid(t.db, gridInput.parse({ search: '%' }));
    expect(escaped.rows).toEqual([]);
  });
});
