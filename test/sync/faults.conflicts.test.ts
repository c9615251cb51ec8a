import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openTestDesktop, startTestServer, type TestDesktop, type TestServer } from '../../sync/testing/harness.ts';
import {
  balanceOn,
  countRows,
  expectEqualToServer,
  idOf,
  issuesOf,
  must,
  outboxSeqs,
  queryOf,
  reservationsByDemand,
  reserveInput,
  runAt,
  stockOnServer,
} from './faults.helpers.ts';

/**
 * Concurrent offline work on several real desktops: two clerks acting on the same order, three
 * reserving the last units in different quantities, and desktops whose clocks are wrong by an
 * hour, two days and a year. Each ends with every desktop equal to the server.
 */
describe.each(['pglite', 'postgres'] as const)('conflicts on %s', (backend) => {
  let server: TestServer;
  const desktops: TestDesktop[] = [];

  const desktop = async (user: string, engine: NonNullable<Parameters<typeof openTestDesktop>[1]>['engine'] = {}) => {
    const d = await openTestDesktop(server.url, { engine });
    desktops.push(d);
    await d.signIn(user);
    await d.engine.syncOnce();
    return d;
  };
  const status = async (d: { db: TestDesktop['db'] }, orderId: string) =>
    (await d.db.selectFrom('orders').select('status').where('id', '=', orderId).executeTakeFirstOrThrow()).status;

  beforeAll(async () => {
    server = await startTestServer(backend);
    for (const u of ['ann', 'ben', 'cai', 'dan']) await server.createUser(u, ['administrator']);
  });
  afterAll(async () => {
    for (const d of desktops) await d.close();
    await server?.close();
  });

  it('two clerks act on the same order offline (cancel vs submit): the first to arrive wins, the other gets a visible sync issue, both end as the server', async () => {
    const s = await stockOnServer(server, 'ORD', 100);
    const customer = await idOf(
      server.run('createCustomer', { code: 'C-SAME', name: '同一客户', grade: 'A', creditLimitMinor: 100_000_000 }),
    );
    const order = await must<{ id: string; status: string }>(
      server.run('createOrder', {
        order: {
          type: 'sales',
          customerId: customer,
          warehouseId: s.warehouse,
          lines: [{ itemId: s.item, quantity: 5, unitPriceMinor: 1000, taxRateBp: 1300 }],
        },
      }),
    );
    expect(order.status).toBe('draft');
    const a = await desktop('ann');
    const b = await desktop('ben');
    expect(await status(a, order.id)).toBe('draft');

    await must(a.run('cancelOrder', { orderId: order.id, reason: 'customer changed mind' }));
    await must(b.run('submitOrder', { orderId: order.id }));
    expect(await status(a, order.id)).toBe('cancelled');
    expect(await status(b, order.id)).not.toBe('draft');

    await a.engine.syncOnce();
    await b.engine.syncOnce();
    await a.engine.syncOnce();

    expect(await status(server.conn, order.id)).toBe('cancelled');
    expect(await issuesOf(a)).toEqual([]);
    const issues = await issuesOf(b);
    expect(issues).toHaveLength(1);
    expect(issues[0]).toMatchObject({ command: 'submitOrder', status: 'rejected', code: 'order.invalid-transition' });
    // The refused command is kept with its arguments for the clerk to act on.
    const kept = await b.db.selectFrom('sync_issues').select('args_json').executeTakeFirstOrThrow();
    expect(JSON.parse(kept.args_json)).toMatchObject({ orderId: order.id });
    expect(await status(b, order.id)).toBe('cancelled');
    // Submitting reserves stock locally; nothing of that may stay behind on the losing desktop.
    expect(await balanceOn(b.db, s)).toEqual({ available: 100, reserved: 0 });
    await expectEqualToServer(a, server);
    await expectEqualToServer(b, server);
  });

  it('the same two clerks push at the same moment: the server serialises them, a refusal is a visible issue, both converge', async () => {
    const s = await stockOnServer(server, 'ORD2', 100);
    const customer = await idOf(
      server.run('createCustomer', { code: 'C-RACE', name: '并发客户', grade: 'A', creditLimitMinor: 100_000_000 }),
    );
    const order = await must<{ id: string }>(
      server.run('createOrder', {
        order: {
          type: 'sales',
          customerId: customer,
          warehouseId: s.warehouse,
          lines: [{ itemId: s.item, quantity: 5, unitPriceMinor: 1000, taxRateBp: 1300 }],
        },
      }),
    );
    const a = await desktop('ann');
    const b = await desktop('ben');
    await must(a.run('cancelOrder', { orderId: order.id, reason: 'race' }));
    await must(b.run('submitOrder', { orderId: order.id }));
    await Promise.all([a.engine.syncOnce(), b.engine.syncOnce()]);
    for (const d of [a, b, a]) await d.engine.syncOnce();

    // Whichever arrived first, each command has exactly one verdict, and every refusal is listed.
    const verdicts = await queryOf(server.conn.db)(
      `select client_id, status, command from sync_mutations where client_id in ('${a.clientId}', '${b.clientId}')`,
    );
    expect(verdicts.map((v) => v.command).sort()).toEqual(['cancelOrder', 'submitOrder']);
    expect(verdicts.some((v) => v.status === 'applied')).toBe(true);
    for (const [d, v] of [
      [a, verdicts.find((x) => x.client_id === a.clientId)!],
      [b, verdicts.find((x) => x.client_id === b.clientId)!],
    ] as const)
      expect((await issuesOf(d)).map((i) => i.command)).toEqual(v.status === 'applied' ? [] : [v.command]);
    // A cancel that won leaves nothing to submit; a submit that won may still be cancelled.
    expect(await status(server.conn, order.id)).toBe('cancelled');
    await expectEqualToServer(a, server);
    await expectEqualToServer(b, server);
  });

  it('three desktops reserve the last units offline in different quantities: arrival order decides, refusals carry what was available, nothing oversold', async () => {
    const s = await stockOnServer(server, 'LAST', 10);
    const a = await desktop('ann');
    const b = await desktop('ben');
    const c = await desktop('cai');
    await must(a.run('reserveStock', reserveInput(s, 'SO-A1', 4)));
    await must(a.run('reserveStock', reserveInput(s, 'SO-A2', 3)));
    await must(b.run('reserveStock', reserveInput(s, 'SO-B1', 5)));
    await must(b.run('reserveStock', reserveInput(s, 'SO-B2', 1)));
    await must(c.run('reserveStock', reserveInput(s, 'SO-C1', 2)));
    await must(c.run('reserveStock', reserveInput(s, 'SO-C2', 1)));
    // Offline, each desktop believes its own reservations fit.
    expect(await balanceOn(a.db, s)).toEqual({ available: 10, reserved: 7 });
    expect(await balanceOn(b.db, s)).toEqual({ available: 10, reserved: 6 });
    expect(await balanceOn(c.db, s)).toEqual({ available: 10, reserved: 3 });

    await a.engine.syncOnce();
    await b.engine.syncOnce();
    await c.engine.syncOnce();
    for (const d of [a, b]) await d.engine.syncOnce();

    expect(await reservationsByDemand(server.conn.db, s)).toEqual({ 'SO-A1': 4, 'SO-A2': 3, 'SO-B2': 1, 'SO-C1': 2 });
    expect(await balanceOn(server.conn.db, s)).toEqual({ available: 10, reserved: 10 });
    expect(await issuesOf(a)).toEqual([]);
    expect(await issuesOf(b)).toEqual([
      {
        command: 'reserveStock',
        status: 'rejected',
        code: 'inventory.insufficient-stock',
        details: expect.objectContaining({ requested: 5, available: 3 }),
      },
    ]);
    expect(await issuesOf(c)).toEqual([
      {
        command: 'reserveStock',
        status: 'rejected',
        code: 'inventory.insufficient-stock',
        details: expect.objectContaining({ requested: 1, available: 0 }),
      },
    ]);
    for (const d of [a, b, c]) await expectEqualToServer(d, server);
  });

  it('clocks off by an hour, two days and a year: accepted all the same, ordered by arrival at the server, stamped with server time', async () => {
    const HOUR = 3600_000;
    const DAY = 24 * HOUR;
    const skewed = (offset: number) => () => new Date(Date.now() + offset).toISOString();
    const clocks = { ann: skewed(HOUR), ben: skewed(-2 * DAY), cai: skewed(366 * DAY), dan: skewed(-365 * DAY) };
    const s = await stockOnServer(server, 'CLOCK', 10);
    const a = await desktop('ann', { now: clocks.ann });
    const b = await desktop('ben', { now: clocks.ben });
    const c = await desktop('cai', { now: clocks.cai });
    const d = await desktop('dan', { now: clocks.dan });

    // The clerk a year ahead acts last by its own clock but reaches the server first; the one two
    // days behind acts "first" by its clock and arrives last.
    await must(runAt(b, clocks.ben(), 'reserveStock', reserveInput(s, 'SO-BEN', 6)));
    await must(runAt(a, clocks.ann(), 'reserveStock', reserveInput(s, 'SO-ANN', 3)));
    await must(runAt(c, clocks.cai(), 'reserveStock', reserveInput(s, 'SO-CAI', 6)));
    await must(runAt(d, clocks.dan(), 'createCarrier', { code: 'CR-DAN', name: '去年承运' }));
    const started = new Date(Date.now() - 1000).toISOString();
    for (const x of [c, a, d, b]) await x.engine.syncOnce();
    const ended = new Date(Date.now() + 1000).toISOString();
    for (const x of [a, b, c, d]) await x.engine.syncOnce();

    expect(await reservationsByDemand(server.conn.db, s)).toEqual({ 'SO-CAI': 6, 'SO-ANN': 3 });
    expect(await issuesOf(b)).toMatchObject([{ code: 'inventory.insufficient-stock', details: { available: 1 } }]);
    for (const x of [a, c, d]) expect(await issuesOf(x)).toEqual([]);
    expect(await countRows(server.conn.db, `select count(*) as n from carriers where code = 'CR-DAN'`)).toBe(1);

    // Feed order is arrival order: cai's command, then ann's, then dan's.
    const order = await queryOf(server.conn.db)(
      `select client_id from sync_mutations
       where client_id in ('${a.clientId}', '${c.clientId}', '${d.clientId}') order by feed_seq`,
    );
    expect(order.map((r) => r.client_id)).toEqual([c.clientId, a.clientId, d.clientId]);

    // What the server wrote carries the server's time, and that is what every desktop now holds.
    const stamps = await server.conn.db
      .selectFrom('stock_reservations')
      .select('created_at')
      .where('item_id', '=', s.item)
      .execute();
    const carrier = await server.conn.db
      .selectFrom('carriers')
      .select('created_at')
      .where('code', '=', 'CR-DAN')
      .executeTakeFirstOrThrow();
    for (const t of [...stamps.map((r) => r.created_at), carrier.created_at]) {
      expect(t >= started && t <= ended, `${t} within [${started}, ${ended}]`).toBe(true);
    }
    // The desktop clock is kept for display only: the engine's own "last sync" uses it.
    const lastSync = await c.db
      .selectFrom('sync_state')
      .select('value')
      .where('key', '=', 'last_sync_at')
      .executeTakeFirst();
    expect(lastSync?.value.slice(0, 4)).toBe(String(new Date().getUTCFullYear() + 1));
    for (const x of [a, b, c, d]) await expectEqualToServer(x, server);
  });

  it("expiry is judged by the server's clock: a lot still good by a desktop two days behind is expired at the server, and the reservation is refused", async () => {
    const HOUR = 3600_000;
    const behind = () => new Date(Date.now() - 48 * HOUR).toISOString();
    const today = new Date().toISOString().slice(0, 10);
    const yesterday = new Date(Date.now() - 24 * HOUR).toISOString().slice(0, 10);
    const nextYear = new Date(Date.now() + 365 * 24 * HOUR).toISOString().slice(0, 10);
    expect(yesterday < today).toBe(true);
    const warehouse = await idOf(server.run('createWarehouse', { code: 'W-FEFO', name: '效期仓' }));
    const item = await idOf(
      server.run('createItem', {
        sku: 'MILK-FEFO',
        name: '牛奶',
        baseUom: 'EA',
        lotTracked: true,
        expiryTracked: true,
      }),
    );
    for (const [lot, expiry] of [
      ['OLD', yesterday],
      ['NEW', nextYear],
    ] as const)
      await must(server.run('receiveStock', { itemId: item, warehouseId: warehouse, lot, expiry, quantity: 5 }));
    const d = await desktop('dan', { now: behind });
    await must(runAt(d, behind(), 'reserveStock', reserveInput({ item, warehouse }, 'SO-MILK', 8)));
    await d.engine.syncOnce();
    expect(await outboxSeqs(d)).toEqual([]);
    expect(await issuesOf(d)).toMatchObject([
      { command: 'reserveStock', code: 'inventory.insufficient-stock', details: { requested: 8, available: 5 } },
    ]);
    expect(await balanceOn(server.conn.db, { item, warehouse })).toEqual({ available: 10, reserved: 0 });
    await expectEqualToServer(d, server);
  });
});
