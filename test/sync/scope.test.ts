import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { findCommand } from '../../commands/registry.ts';
import { PROTOCOL_VERSION, type PushResponse, type Session } from '../../sync/protocol/index.ts';
import { createApiKey } from '../../sync/server/apiKeys.ts';
import { channelApi } from '../../sync/server/channel.ts';
import {
  openTestDesktop,
  PASSWORD,
  startTestServer,
  type TestDesktop,
  type TestServer,
} from '../../sync/testing/harness.ts';

/*
 * Scoping on every path (issue 5): a supplier clerk's pull, push and API calls never touch another
 * supplier's rows; a warehouse clerk sees its warehouse only. Real server (PGlite and PostgreSQL),
 * real desktops, real HTTP. Pushes that a desktop could never produce (its replica does not have
 * the other supplier's order) are sent as a modified client would: straight to /sync/push.
 */

type Res = { ok: boolean; data?: unknown; error?: unknown };
const must = async <T = { id: string }>(p: Promise<Res>) => {
  const r = await p;
  if (!r.ok) throw new Error(`expected ok, got ${JSON.stringify(r)}`);
  return r.data as T;
};

describe.each(['pglite', 'postgres'] as const)('scoping on %s', (backend) => {
  let server: TestServer;
  const desktops: TestDesktop[] = [];
  const ids = {
    whA: '',
    whB: '',
    sup1: '',
    sup2: '',
    item: '',
    customer: '',
    po1: '',
    po1b: '',
    po2: '',
    po2intoA: '',
    soA: '',
    soB: '',
    sup1User: '',
    whUser: '',
  };

  /** A purchase order of a supplier into a warehouse, submitted (approved). */
  const purchase = async (supplierId: string, warehouseId: string, quantity: number) =>
    (
      await must(
        server.run('createOrder', {
          submit: true,
          order: {
            type: 'purchase',
            supplierId,
            warehouseId,
            lines: [{ itemId: ids.item, quantity, unitPriceMinor: 500 }],
          },
        }),
      )
    ).id;
  const sales = async (warehouseId: string) =>
    (
      await must(
        server.run('createOrder', {
          submit: false,
          order: {
            type: 'sales',
            customerId: ids.customer,
            warehouseId,
            lines: [{ itemId: ids.item, quantity: 1, unitPriceMinor: 1000 }],
          },
        }),
      )
    ).id;

  const desktopFor = async (username: string) => {
    const d = await openTestDesktop(server.url);
    desktops.push(d);
    await d.signIn(username);
    await d.engine.syncOnce();
    return d;
  };

  const login = async (username: string, clientId = randomUUID()) => {
    const res = await fetch(`${server.url}/auth/login`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ username, password: PASSWORD, clientId }),
    });
    const body = (await res.json()) as { ok: boolean; data: Session };
    expect(body.ok).toBe(true);
    return { token: body.data.accessToken, clientId };
  };

  /** Sends one command as a (modified) desktop would, bypassing the desktop's own replica. */
  const pushAs = async (username: string, command: string, input: unknown) => {
    const { token, clientId } = await login(username);
    const def = findCommand(command)!;
    const args = def.fromInput ? def.fromInput(input, randomUUID) : input;
    const res = await fetch(`${server.url}/sync/push`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', authorization: `Bearer ${token}` },
      body: JSON.stringify({
        protocol: PROTOCOL_VERSION,
        clientId,
        mutations: [
          {
            seq: 1,
            mutationId: randomUUID(),
            command,
            version: def.version,
            args,
            clientTime: new Date().toISOString(),
          },
        ],
      }),
    });
    const body = (await res.json()) as { ok: boolean; data: PushResponse };
    expect(body.ok).toBe(true);
    expect(body.data.results).toHaveLength(1);
    return body.data.results[0]!;
  };

  /** Everything the server holds, to prove a refused push changed nothing. */
  const serverState = async () => {
    const db = server.conn.db;
    return {
      orders: await db.selectFrom('orders').select(['id', 'status', 'version']).orderBy('id').execute(),
      lines: await db
        .selectFrom('order_lines')
        .select(['order_id', 'line_no', 'qty_cancelled', 'qty_allocated'])
        .orderBy('order_id')
        .orderBy('line_no')
        .execute(),
      events: (await db.selectFrom('order_events').select('id').execute()).length,
      reservations: (await db.selectFrom('stock_reservations').select('id').execute()).length,
      balances: await db
        .selectFrom('stock_balances')
        .select(['warehouse_id', 'qty_available', 'qty_reserved'])
        .orderBy('warehouse_id')
        .execute(),
    };
  };

  const localOrders = (d: TestDesktop) =>
    d.db.selectFrom('orders').select(['id', 'type', 'supplier_id', 'warehouse_id']).orderBy('id').execute();

  beforeAll(async () => {
    server = await startTestServer(backend, { plugins: [channelApi] });
    await server.createUser('admin', ['administrator']);
    ids.whA = (await must(server.run('createWarehouse', { code: 'WH-A', name: 'A 仓' }))).id;
    ids.whB = (await must(server.run('createWarehouse', { code: 'WH-B', name: 'B 仓' }))).id;
    ids.sup1 = (await must(server.run('createSupplier', { code: 'S-1', name: '恒通食品' }))).id;
    ids.sup2 = (await must(server.run('createSupplier', { code: 'S-2', name: '华南乳业' }))).id;
    ids.item = (await must(server.run('createItem', { sku: 'MILK', name: '纯牛奶', baseUom: 'EA' }))).id;
    ids.customer = (
      await must(server.run('createCustomer', { code: 'C-1', name: '联华超市', creditLimitMinor: 10_000_000 }))
    ).id;
    await must(server.run('receiveStock', { itemId: ids.item, warehouseId: ids.whA, quantity: 40 }));
    await must(server.run('receiveStock', { itemId: ids.item, warehouseId: ids.whB, quantity: 60 }));
    ids.po1 = await purchase(ids.sup1, ids.whA, 100);
    ids.po1b = await purchase(ids.sup1, ids.whB, 10);
    ids.po2 = await purchase(ids.sup2, ids.whB, 200);
    ids.po2intoA = await purchase(ids.sup2, ids.whA, 300);
    ids.soA = await sales(ids.whA);
    ids.soB = await sales(ids.whB);

    ids.sup1User = await server.createUser('sup1', ['supplier-clerk'], [{ kind: 'supplier', id: ids.sup1 }]);
    // A supplier clerk who also holds an order-desk role: the role check lets cancelOrder through,
    // so only the scope rule stands between it and the other supplier's order.
    await server.createUser('sup1lead', ['supplier-clerk', 'supervisor'], [{ kind: 'supplier', id: ids.sup1 }]);
    ids.whUser = await server.createUser('clerkA', ['warehouse-clerk'], [{ kind: 'warehouse', id: ids.whA }]);
  }, 120_000);
  afterAll(async () => {
    for (const d of desktops) await d.close();
    await server?.close();
  });

  it('a supplier clerk’s desktop holds its supplier’s purchase orders and nothing of anyone else', async () => {
    const d = await desktopFor('sup1');
    const orders = await localOrders(d);
    expect(orders.map((o) => o.id).sort()).toEqual([ids.po1, ids.po1b].sort());
    expect(orders.every((o) => o.type === 'purchase' && o.supplier_id === ids.sup1)).toBe(true);
    const lineOwners = await d.db.selectFrom('order_lines').select('order_id').distinct().execute();
    expect(lineOwners.map((r) => r.order_id).sort()).toEqual([ids.po1, ids.po1b].sort());
    const eventOwners = await d.db.selectFrom('order_events').select('order_id').distinct().execute();
    expect(eventOwners.map((r) => r.order_id).sort()).toEqual([ids.po1, ids.po1b].sort());
    expect((await d.db.selectFrom('suppliers').select('id').execute()).map((s) => s.id)).toEqual([ids.sup1]);
    for (const table of [
      'customers',
      'customer_addresses',
      'customer_credit',
      'sales_channels',
      'order_quotas',
      'stock_balances',
      'stock_movements',
      'stock_reservations',
      'replenishment_rules',
      'stock_transfers',
    ] as const)
      expect({ table, rows: await d.db.selectFrom(table).selectAll().execute() }).toEqual({ table, rows: [] });
    expect((await d.db.selectFrom('users').select('id').execute()).map((u) => u.id)).toEqual([ids.sup1User]);
    const scopes = await d.db.selectFrom('user_scopes').selectAll().execute();
    expect(scopes).toEqual([{ user_id: ids.sup1User, scope_kind: 'supplier', scope_id: ids.sup1 }]);
    // The master data a supplier needs to read its orders is there.
    expect((await d.db.selectFrom('items').select('id').execute()).map((i) => i.id)).toEqual([ids.item]);
  });

  it('keeps the supplier clerk’s incremental pulls to its supplier too', async () => {
    const d = desktops[0]!;
    const newPo2 = await purchase(ids.sup2, ids.whA, 5);
    const newPo1 = await purchase(ids.sup1, ids.whA, 7);
    await must(server.run('createCustomer', { code: 'C-2', name: '新客户' }));
    await must(server.run('receiveStock', { itemId: ids.item, warehouseId: ids.whA, quantity: 1 }));
    await d.engine.syncOnce();
    const orders = (await localOrders(d)).map((o) => o.id);
    expect(orders).toContain(newPo1);
    expect(orders).not.toContain(newPo2);
    expect(orders.sort()).toEqual([ids.po1, ids.po1b, newPo1].sort());
    expect(await d.db.selectFrom('customers').select('id').execute()).toEqual([]);
    expect(await d.db.selectFrom('stock_movements').select('id').execute()).toEqual([]);
    expect(await d.db.selectFrom('stock_balances').select('item_id').execute()).toEqual([]);
  });

  it('refuses a supplier clerk’s push against another supplier’s order and changes nothing', async () => {
    const before = await serverState();
    // A supplier clerk has no order-desk role: refused by the role table.
    const plain = await pushAs('sup1', 'cancelOrder', { orderId: ids.po2, reason: 'not mine' });
    expect(plain).toMatchObject({ status: 'rejected', feedSeq: null });
    expect(['auth.forbidden', 'auth.out-of-scope']).toContain(plain.error?.code);
    // With a role that may cancel, the scope rule refuses the other supplier's order…
    const lead = await pushAs('sup1lead', 'cancelOrder', { orderId: ids.po2, reason: 'not mine' });
    expect(lead).toMatchObject({ status: 'rejected', feedSeq: null, error: { code: 'auth.out-of-scope' } });
    const intoA = await pushAs('sup1lead', 'cancelOrder', { orderId: ids.po2intoA, reason: 'not mine' });
    expect(intoA).toMatchObject({ status: 'rejected', error: { code: 'auth.out-of-scope' } });
    // …and any stock, even where its own orders are received.
    const reserve = await pushAs('sup1lead', 'reserveStock', {
      demand: { type: 'sales-order', id: 'SO-SNEAK' },
      lines: [{ demandLine: 1, itemId: ids.item, warehouseId: ids.whA, quantity: 1 }],
    });
    expect(reserve).toMatchObject({ status: 'rejected', error: { code: 'auth.out-of-scope' } });
    expect(await serverState()).toEqual(before);

    // The same user may cancel its own supplier's order (the refusals above are about scope).
    const own = await pushAs('sup1lead', 'cancelOrder', { orderId: ids.po1b, reason: 'supplier cannot deliver' });
    expect(own).toMatchObject({ status: 'applied', data: { status: 'cancelled' } });
  });

  it('shows a warehouse clerk its warehouse’s stock and orders only, and refuses writes elsewhere', async () => {
    const d = await desktopFor('clerkA');
    const balances = await d.db.selectFrom('stock_balances').select(['warehouse_id', 'qty_available']).execute();
    expect(balances.length).toBeGreaterThan(0);
    expect(balances.every((b) => b.warehouse_id === ids.whA)).toBe(true);
    const movements = await d.db.selectFrom('stock_movements').select('warehouse_id').distinct().execute();
    expect(movements.map((m) => m.warehouse_id)).toEqual([ids.whA]);
    const orders = await localOrders(d);
    expect(orders.length).toBeGreaterThan(0);
    expect(orders.every((o) => o.warehouse_id === ids.whA)).toBe(true);
    const seen = orders.map((o) => o.id);
    for (const id of [ids.po1, ids.po2intoA, ids.soA]) expect(seen).toContain(id);
    for (const id of [ids.po2, ids.po1b, ids.soB]) expect(seen).not.toContain(id);
    const lineWarehouses = await d.db
      .selectFrom('order_lines as l')
      .innerJoin('orders as o', 'o.id', 'l.order_id')
      .select('o.warehouse_id')
      .distinct()
      .execute();
    expect(lineWarehouses.map((r) => r.warehouse_id)).toEqual([ids.whA]);

    const before = await serverState();
    const elsewhere = await pushAs('clerkA', 'reserveStock', {
      demand: { type: 'sales-order', id: ids.soB },
      lines: [{ demandLine: 1, itemId: ids.item, warehouseId: ids.whB, quantity: 1 }],
    });
    expect(elsewhere).toMatchObject({ status: 'rejected', error: { code: 'auth.out-of-scope' } });
    const cancelB = await pushAs('clerkA', 'cancelOrder', { orderId: ids.soB, reason: 'not my warehouse' });
    expect(cancelB).toMatchObject({ status: 'rejected', error: { code: 'auth.out-of-scope' } });
    expect(await serverState()).toEqual(before);
    // Its own warehouse is fine.
    const here = await pushAs('clerkA', 'reserveStock', {
      demand: { type: 'sales-order', id: ids.soA },
      lines: [{ demandLine: 1, itemId: ids.item, warehouseId: ids.whA, quantity: 1 }],
    });
    expect(here).toMatchObject({ status: 'applied' });
  });

  it('answers /auth/me with the user’s roles and scopes', async () => {
    const me = async (username: string) => {
      const { token } = await login(username);
      const res = await fetch(`${server.url}/auth/me`, { headers: { authorization: `Bearer ${token}` } });
      expect(res.status).toBe(200);
      return ((await res.json()) as { data: Session['user'] }).data;
    };
    expect(await me('sup1')).toMatchObject({
      username: 'sup1',
      roles: ['supplier-clerk'],
      scopes: [{ kind: 'supplier', id: ids.sup1 }],
    });
    expect(await me('clerkA')).toMatchObject({
      roles: ['warehouse-clerk'],
      scopes: [{ kind: 'warehouse', id: ids.whA }],
    });
    expect(await me('admin')).toMatchObject({ roles: ['administrator'], scopes: [] });
    const anonymous = await fetch(`${server.url}/auth/me`);
    expect(anonymous.status).toBe(401);
  });

  it('keeps the Open API per channel: a key reads its channel’s orders only, a user token reads none', async () => {
    const shop = (await must(server.run('createSalesChannel', { code: 'SHOP', name: '官网', kind: 'online-shop' }))).id;
    const store = (await must(server.run('createSalesChannel', { code: 'STORE', name: '门店', kind: 'retail-store' })))
      .id;
    const shopKey = (await createApiKey(server.conn.db, { channelId: shop, name: 'shop' })).key;
    const storeKey = (await createApiKey(server.conn.db, { channelId: store, name: 'store' })).key;
    const created = await fetch(`${server.url}/api/v1/orders`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', 'x-api-key': shopKey },
      body: JSON.stringify({
        externalOrderNumber: 'WEB-1',
        customerCode: 'C-1',
        lines: [{ sku: 'MILK', quantity: 1, unitPrice: '9.90' }],
      }),
    });
    expect(created.status).toBe(201);
    const read = (key: string | null, token?: string) =>
      fetch(`${server.url}/api/v1/orders/WEB-1`, {
        headers: {
          ...(key === null ? {} : { 'x-api-key': key }),
          ...(token ? { authorization: `Bearer ${token}` } : {}),
        },
      });
    expect((await read(shopKey)).status).toBe(200);
    const other = await read(storeKey);
    expect(other.status).toBe(404);
    expect(await other.json()).toMatchObject({ ok: false, error: { code: 'order.not-found' } });
    // A signed-in user (even the supplier clerk) has no API key: nothing to read.
    const { token } = await login('sup1');
    const byUser = await read(null, token);
    expect(byUser.status).toBe(401);
    expect(await byUser.json()).toMatchObject({ ok: false, error: { code: 'channel.invalid-key' } });
    // And the channel's order never reaches the supplier clerk's desktop.
    const d = desktops[0]!;
    await d.engine.syncOnce();
    expect(await d.db.selectFrom('orders').select('id').where('external_ref', '=', 'WEB-1').execute()).toEqual([]);
    expect(await d.db.selectFrom('sales_channels').select('id').execute()).toEqual([]);
  });
});
