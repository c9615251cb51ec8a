import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { findCommand } from '../../commands/registry.ts';
import { argsFromInput, runCommand } from '../../commands/runner.ts';
import type { OrderDetail, OrderSummary } from '../../core/api/orders.api.ts';
import { orderGrid, SORTABLE, type SortKey } from '../../db/orders.queries.ts';
import { BACKENDS, openTestDb } from '../../db/testing/backends.ts';
import { createAppHost, type AppHost } from '../../main/app/host.ts';

/**
 * The order list against a brute-force sort of the same rows: following the keyset cursor page by
 * page yields every order exactly once, in (sort value, id) order, for every sort key, both
 * directions, with filters — on all three backends.
 */
describe.each(BACKENDS)('order grid keyset paging on %s', (backend) => {
  let t: Awaited<ReturnType<typeof openTestDb>>;
  const ctx = () => ({
    actor: { userId: null, name: 't', roles: ['administrator'] },
    now: new Date().toISOString(),
    origin: 'desktop' as const,
  });
  async function run(name: string, input: unknown) {
    const def = findCommand(name)!;
    const r = (
      await runCommand(t.db, def, await argsFromInput(t.db, def, input, { device: 'GRID' }), ctx(), { outbox: true })
    ).result;
    if (!r.ok) throw new Error(JSON.stringify(r.error));
    return r.data as { id: string };
  }

  beforeAll(async () => {
    t = await openTestDb(backend, 'desktop');
    const wh = (await run('createWarehouse', { code: 'W1', name: '一号仓' })).id;
    const item = (await run('createItem', { sku: 'I-1', name: '商品', baseUom: 'EA' })).id;
    await run('receiveStock', { itemId: item, warehouseId: wh, quantity: 100_000 });
    const customers = [];
    for (const c of ['ALPHA', 'BETA', 'GAMMA'])
      customers.push(
        (await run('createCustomer', { code: c, name: `${c} 公司`, creditLimitMinor: 1e12, currency: 'CNY' })).id,
      );
    for (let i = 0; i < 41; i += 1) {
      const o = await run('createOrder', {
        submit: i % 3 !== 0,
        order: {
          type: 'sales',
          customerId: customers[i % 3],
          warehouseId: wh,
          externalRef: i % 4 === 0 ? null : `EXT-${String(i % 17).padStart(3, '0')}-${i}`,
          requestedDate: i % 5 === 0 ? null : `2026-12-${String(1 + (i % 9)).padStart(2, '0')}`,
          lines: [{ itemId: item, quantity: 1 + (i % 6), unitPriceMinor: 100 * (i % 7) }],
        },
      });
      if (i % 5 === 1 && i % 3 !== 0) await run('shipOrder', { orderId: o.id, lines: [{ lineNo: 1, quantity: 1 }] });
    }
  });
  afterAll(async () => {
    await t?.close();
  });

  const keys = Object.keys(SORTABLE) as SortKey[];
  it.each(keys.flatMap((k) => [[k, 'asc'] as const, [k, 'desc'] as const]))('sort %s %s', async (sort, dir) => {
    const all = await t.db.selectFrom('orders').selectAll().where('type', '=', 'sales').execute();
    const col = SORTABLE[sort];
    const value = (r: (typeof all)[number]) => {
      const v = r[col];
      return v === null ? '' : v;
    };
    const cmp = (a: (typeof all)[number], b: (typeof all)[number]) => {
      const va = value(a);
      const vb = value(b);
      const c = typeof va === 'number' && typeof vb === 'number' ? va - vb : va < vb ? -1 : va > vb ? 1 : 0;
      return (c !== 0 ? c : a.id < b.id ? -1 : a.id > b.id ? 1 : 0) * (dir === 'asc' ? 1 : -1);
    };
    for (const filter of [{}, { statuses: ['approved', 'partially-shipped'] }, { search: 'ext-00' }] as const) {
      const expected = all
        .filter((r) => !('statuses' in filter) || (filter.statuses as readonly string[]).includes(r.status))
        .filter((r) => !('search' in filter) || (r.external_ref ?? '').startsWith('EXT-00'))
        .sort(cmp)
        .map((r) => r.id);
      const seen: string[] = [];
      let after: string | undefined;
      for (let pages = 0; pages < 50; pages += 1) {
        const page = await orderGrid(t.db, { type: 'sales', sort, dir, limit: 7, after, ...filter });
        seen.push(...page.rows.map((r) => r.id));
        if (!page.next) break;
        after = page.next;
      }
      expect(seen, JSON.stringify(filter)).toEqual(expected);
    }
  });
});

describe('order queries through the app host (real SQLite file)', () => {
  let dir: string;
  let host: AppHost;
  const ids: Record<string, string> = {};
  const ok = async <T>(channel: string, input: unknown): Promise<T> => {
    const r = await host.handle(channel, input);
    if (!r.ok) throw new Error(`${channel}: ${JSON.stringify(r.error)}`);
    return r.data as T;
  };

  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), 'oms-orders-'));
    host = await createAppHost({ dataDir: dir, serverUrl: null, shell: 'web', roles: ['supervisor'] });
    ids['wh'] = (await ok<{ id: string }>('warehouses.create', { code: 'SH', name: '上海仓' })).id;
    ids['wh2'] = (await ok<{ id: string }>('warehouses.create', { code: 'BJ', name: '北京仓' })).id;
    ids['item'] = (
      await ok<{ id: string }>('items.create', {
        sku: 'TEA-100',
        gtin: '6901234567892',
        name: '绿茶礼盒',
        baseUom: 'EA',
      })
    ).id;
    ids['customer'] = (
      await ok<{ id: string }>('customers.create', {
        code: 'SMALL',
        name: '小店',
        creditLimitMinor: 1_000,
        currency: 'CNY',
      })
    ).id;
    await ok('inventory.receive', { itemId: ids['item'], warehouseId: ids['wh'], quantity: 20 });
  });
  afterAll(async () => {
    await host.close();
    rmSync(dir, { recursive: true, force: true });
  });

  it('finds items by GTIN scan, SKU prefix and name, with free stock', async () => {
    for (const text of ['6901234567892', '(01)06901234567892', 'tea', '礼盒']) {
      const { rows } = await ok<{ rows: Array<{ id: string; free: number; matchedBy: string }> }>('orders.itemLookup', {
        text,
      });
      expect(rows[0], text).toMatchObject({ id: ids['item'], free: 20 });
    }
    expect((await ok<{ rows: unknown[] }>('orders.itemLookup', { text: 'nothing-like-this' })).rows).toEqual([]);
  });

  it('holds an order for credit, lists it in the hold queue, force-releases, splits, and shows the family', async () => {
    const created = await ok<{ id: string; number: string; status: string }>('orders.create', {
      submit: true,
      order: {
        type: 'sales',
        customerId: ids['customer'],
        warehouseId: ids['wh'],
        lines: [{ itemId: ids['item'], quantity: 6, unitPriceMinor: 5000, taxRateBp: 1300 }],
      },
    });
    expect(created.status).toBe('held');
    const holds = await ok<{
      rows: Array<{ id: string; failures: Array<{ check: string; details: Record<string, unknown> }> }>;
    }>('orders.holds', {});
    expect(holds.rows.find((r) => r.id === created.id)?.failures).toEqual([
      { check: 'credit', details: expect.objectContaining({ limitMinor: 1_000, exposureMinor: 33_900 }) },
    ]);
    await ok('orders.release', { orderId: created.id, reason: '老客户' });
    await ok('orders.split', { orderId: created.id, mode: 'manual', parts: [{ lines: [{ lineNo: 1, quantity: 2 }] }] });
    const detail = await ok<OrderDetail>('orders.get', { id: created.id });
    expect(detail.order.status).toBe('split');
    expect(detail.children.map((c) => c.number)).toEqual([`${created.number}-1`, `${created.number}-2`]);
    expect(detail.childProgress).toEqual({ qtyOrdered: 6, qtyDone: 0, progress: 0 });
    expect(detail.events.map((e) => e.action)).toEqual(['create', 'submit', 'release', 'split']);
    expect(detail.events[2]).toMatchObject({ reason: '老客户', actor: 'local' });
    const child = await ok<OrderDetail>('orders.get', { id: detail.children[0]!.id });
    expect(child.parent?.id).toBe(created.id);
    expect(child.reservations.reduce((s, r) => s + r.quantity, 0)).toBe(2);
    expect(child.actions).toEqual(expect.arrayContaining(['ship', 'cancel']));
    await ok('orders.ship', { orderId: child.order.id, lines: [{ lineNo: 1, quantity: 2 }] });
    expect((await ok<OrderDetail>('orders.get', { id: created.id })).childProgress).toEqual({
      qtyOrdered: 6,
      qtyDone: 2,
      progress: 33,
    });
    const list = await ok<{ rows: OrderSummary[] }>('orders.list', {
      type: 'sales',
      parentId: created.id,
      sort: 'number',
      dir: 'asc',
    });
    expect(list.rows.map((r) => r.status)).toEqual(['shipped', 'approved']);
    expect(await ok('orders.statusCounts', { type: 'sales' })).toEqual({ split: 1, shipped: 1, approved: 1 });
  });

  it('answers ATP per warehouse with the supply a promise depends on', async () => {
    const supplier = (await ok<{ id: string }>('suppliers.create', { code: 'SUP', name: '茶厂' })).id;
    const po = await ok<{ id: string }>('orders.create', {
      submit: true,
      order: {
        type: 'purchase',
        supplierId: supplier,
        warehouseId: ids['wh2'],
        requestedDate: '2027-01-15',
        lines: [{ itemId: ids['item'], quantity: 40 }],
      },
    });
    const atp = await ok<{
      warehouses: Array<{ warehouseCode: string; date: string | null; dependsOn: string | null }>;
    }>('orders.atp', {
      itemId: ids['item'],
      quantity: 30,
      from: '2026-12-01',
    });
    expect(atp.warehouses).toEqual([
      expect.objectContaining({ warehouseCode: 'BJ', date: '2027-01-15', dependsOn: `purchase:${po.id}:1` }),
      expect.objectContaining({ warehouseCode: 'SH', date: null }),
    ]);
  });

  it('refuses bad input at the boundary with field codes', async () => {
    expect(await host.handle('orders.list', { sort: 'customerName' })).toMatchObject({
      ok: false,
      error: { code: 'validation.invalid-input' },
    });
    expect(await host.handle('orders.get', { id: 'nope' })).toMatchObject({
      ok: false,
      error: { code: 'validation.invalid-input' },
    });
    expect(await host.handle('orders.get', { id: '00000000-0000-4000-8000-000000000000' })).toMatchObject({
      ok: false,
      error: { code: 'order.not-found' },
    });
    const r = await host.handle('orders.create', { order: { type: 'sales', lines: [] } });
    expect(r).toMatchObject({ ok: false, error: { code: 'validation.invalid-input' } });
    const paths = !r.ok ? (r.error.details?.fields ?? []).map((f) => f.path) : [];
    expect(paths).toEqual(expect.arrayContaining(['lines', 'customerId'].map((p) => `order.${p}`)));
  });
});
