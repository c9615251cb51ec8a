import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openTestDesktop, startTestServer, type TestDesktop, type TestServer } from '../../sync/testing/harness.ts';

const must = async <T = Record<string, unknown>>(p: Promise<{ ok: boolean; data?: unknown; error?: unknown }>) => {
  const r = await p;
  if (!r.ok) throw new Error(`expected ok, got ${JSON.stringify(r)}`);
  return r.data as T;
};

const balances = (d: { db: TestDesktop['db'] }) =>
  d.db
    .selectFrom('stock_balances')
    .select(['item_id', 'warehouse_id', 'lot', 'qty_available', 'qty_reserved'])
    .orderBy('item_id')
    .orderBy('warehouse_id')
    .orderBy('lot')
    .execute();

describe.each(['pglite', 'postgres'] as const)('sync on %s', (backend) => {
  let server: TestServer;
  let a: TestDesktop;
  let b: TestDesktop;
  let warehouse = '';
  let item = '';

  beforeAll(async () => {
    server = await startTestServer(backend);
    await server.createUser('alice', ['administrator']);
    await server.createUser('bob', ['administrator']);
    warehouse = (await must<{ id: string }>(server.run('createWarehouse', { code: 'WH-SH', name: '上海仓' }))).id;
    item = (await must<{ id: string }>(server.run('createItem', { sku: 'CABLE', name: '数据线', baseUom: 'EA' }))).id;
    await must(server.run('receiveStock', { itemId: item, warehouseId: warehouse, quantity: 10 }));
    a = await openTestDesktop(server.url);
    b = await openTestDesktop(server.url);
    await a.signIn('alice');
    await b.signIn('bob');
  }, 60_000);
  afterAll(async () => {
    await a?.close();
    await b?.close();
    await server?.close();
  });

  it('downloads the server state on first sync', async () => {
    await a.engine.syncOnce();
    await b.engine.syncOnce();
    expect(await balances(a)).toMatchObject([{ qty_available: 10, qty_reserved: 0 }]);
    expect(await balances(b)).toEqual(await balances(a));
  });

  it('two desktops reserve the last units offline: one is refused with the available quantity, nothing oversold', async () => {
    const reserve = (d: TestDesktop, demand: string) =>
      d.run('reserveStock', {
        demand: { type: 'sales-order', id: demand },
        lines: [{ demandLine: 1, itemId: item, warehouseId: warehouse, quantity: 7 }],
      });
    await must(reserve(a, 'SO-A'));
    await must(reserve(b, 'SO-B'));
    // Locally each sees its own provisional reservation.
    expect(await balances(a)).toMatchObject([{ qty_reserved: 7 }]);
    expect(await balances(b)).toMatchObject([{ qty_reserved: 7 }]);

    await a.engine.syncOnce();
    await b.engine.syncOnce();
    await a.engine.syncOnce();

    const issues = await b.db.selectFrom('sync_issues').selectAll().execute();
    expect(issues).toHaveLength(1);
    expect(issues[0]).toMatchObject({ command: 'reserveStock', status: 'rejected' });
    const error = JSON.parse(issues[0]!.error_json) as { code: string; details: Record<string, unknown> };
    expect(error.code).toBe('inventory.insufficient-stock');
    expect(JSON.stringify(error.details)).toContain('3');

    const onServer = await server.conn.db
      .selectFrom('stock_balances')
      .select(['item_id', 'warehouse_id', 'lot', 'qty_available', 'qty_reserved'])
      .orderBy('item_id')
      .orderBy('warehouse_id')
      .orderBy('lot')
      .execute();
    expect(onServer).toMatchObject([{ qty_available: 10, qty_reserved: 7 }]);
    expect(await balances(a)).toEqual(onServer);
    expect(await balances(b)).toEqual(onServer);
    expect(await a.db.selectFrom('outbox').selectAll().execute()).toEqual([]);
    expect(await b.db.selectFrom('outbox').selectAll().execute()).toEqual([]);
  });
});
