import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ssccSeries } from '../../core/dock/rules.ts';
import { openTestDesktop, startTestServer, type TestDesktop, type TestServer } from '../../sync/testing/harness.ts';

/*
 * The dock across sync (issue 6), real server (PGlite and PostgreSQL) and real desktops:
 *  - a supplier clerk's desktop announces a delivery with SSCCs from the range the server issued
 *    to that desktop for its supplier's prefix (never another supplier's range);
 *  - another supplier and another warehouse see none of it;
 *  - two warehouse desktops scan the same carton while both are offline: the server keeps exactly
 *    one receipt per carton, the second desktop gets a visible "already received" issue, and both
 *    replicas converge on the server's stock and purchase-order progress.
 */

type Res = { ok: boolean; data?: unknown; error?: { code: string; details?: Record<string, unknown> } };
const must = async <T = { id: string }>(p: Promise<Res>) => {
  const r = await p;
  if (!r.ok) throw new Error(`expected ok, got ${JSON.stringify(r)}`);
  return r.data as T;
};

describe.each(['pglite', 'postgres'] as const)('the dock through sync on %s', (backend) => {
  let server: TestServer;
  const desktops: TestDesktop[] = [];
  const ids = { whA: '', whB: '', sup1: '', sup2: '', item: '', po: '' };
  let asn = { id: '', number: '', ssccs: [] as string[] };

  const desktopFor = async (username: string) => {
    const d = await openTestDesktop(server.url, { blocks: true });
    desktops.push(d);
    await d.signIn(username);
    await d.engine.syncOnce();
    return d;
  };
  const count = async (table: 'dock_receipts' | 'asns' | 'handling_units', db = server.conn.db) =>
    Number(
      (
        await db
          .selectFrom(table)
          .select((eb) => eb.fn.countAll().as('n'))
          .executeTakeFirstOrThrow()
      ).n,
    );

  beforeAll(async () => {
    server = await startTestServer(backend);
    ids.whA = (await must(server.run('createWarehouse', { code: 'WA', name: '甲仓' }))).id;
    ids.whB = (await must(server.run('createWarehouse', { code: 'WB', name: '乙仓' }))).id;
    ids.sup1 = (
      await must(server.run('createSupplier', { code: 'S1', name: '供应商一', gs1CompanyPrefix: '6901234' }))
    ).id;
    ids.sup2 = (
      await must(server.run('createSupplier', { code: 'S2', name: '供应商二', gs1CompanyPrefix: '6905555' }))
    ).id;
    ids.item = (
      await must(server.run('createItem', { sku: 'BOX', name: '纸箱', baseUom: 'EA', gtin: '6901234000016' }))
    ).id;
    ids.po = (
      await must(
        server.run('createOrder', {
          submit: true,
          order: {
            type: 'purchase',
            supplierId: ids.sup1,
            warehouseId: ids.whA,
            lines: [{ itemId: ids.item, quantity: 100, unitPriceMinor: 500 }],
          },
        }),
      )
    ).id;
    await server.createUser('li', ['supplier-clerk'], [{ kind: 'supplier', id: ids.sup1 }]);
    await server.createUser('sun', ['supplier-clerk'], [{ kind: 'supplier', id: ids.sup2 }]);
    await server.createUser('wang', ['warehouse-clerk'], [{ kind: 'warehouse', id: ids.whA }]);
    await server.createUser('zhou', ['warehouse-clerk'], [{ kind: 'warehouse', id: ids.whA }]);
    await server.createUser('qian', ['warehouse-clerk'], [{ kind: 'warehouse', id: ids.whB }]);
  }, 120_000);

  afterAll(async () => {
    for (const d of desktops) await d.close();
    await server?.close();
  });

  it('a supplier announces a delivery with SSCCs from its own server-issued range', async () => {
    const li = await desktopFor('li');
    asn = await must<typeof asn>(
      li.run('createAsn', {
        orderId: ids.po,
        supplierId: ids.sup1,
        shipDate: '2026-11-25',
        lines: [{ orderLineNo: 1, quantity: 100 }],
        units: [{ contents: [{ line: 1, quantity: 60 }] }, { contents: [{ line: 1, quantity: 40 }] }],
      }),
    );
    // Numbered from blocks the server handed this desktop, not from a device series.
    expect(asn.number).toMatch(/^ASN-\d{7}$/);
    // A server-only table (not in the shared DB type): read it as the server writes it.
    const { rows: issued } = await sql<{ first_no: number; last_no: number }>`
      select first_no, last_no from number_blocks_issued
       where client_id = ${li.clientId} and series = ${ssccSeries('6901234')}`.execute(server.conn.db);
    expect(issued).toHaveLength(1);
    const serials = asn.ssccs.map((s) => Number(s.slice(0, 1) + s.slice(8, 17)));
    for (const n of serials) expect(n >= Number(issued[0]!.first_no) && n <= Number(issued[0]!.last_no)).toBe(true);

    await li.engine.syncOnce();
    const units = await server.conn.db.selectFrom('handling_units').select('sscc').orderBy('position').execute();
    expect(units.map((u) => u.sscc)).toEqual(asn.ssccs);
    expect(await li.db.selectFrom('sync_issues').selectAll().execute()).toEqual([]);
  });

  it('no one else sees it, and no one gets another supplier’s serials', async () => {
    const sun = await desktopFor('sun');
    expect(await count('asns', sun.db)).toBe(0);
    expect(await count('handling_units', sun.db)).toBe(0);
    await expect(sun.engine.requestNumberBlocks([ssccSeries('6901234')], 100)).rejects.toMatchObject({
      code: 'auth.out-of-scope',
    });
    expect(await sun.engine.requestNumberBlocks([ssccSeries('6905555')], 100)).toHaveLength(1);
    const qian = await desktopFor('qian');
    expect(await count('asns', qian.db)).toBe(0);
    const wang = await desktopFor('wang');
    expect(await count('asns', wang.db)).toBe(1);
    expect(await count('handling_units', wang.db)).toBe(2);
  });

  it('two offline desktops scan the same carton: one receipt per carton on the server', async () => {
    const wang = desktops.find((d) => d.actor.name === 'wang')!;
    const zhou = await desktopFor('zhou');
    // Both offline from here: only local commands, no sync.
    const [c1, c2] = asn.ssccs as [string, string];
    await must(wang.run('receiveUnit', { sscc: c1, scan: `]C100${c1}` }));
    await must(wang.run('receiveUnit', { sscc: c2, scan: `]C100${c2}` }));
    const dup = await wang.run('receiveUnit', { sscc: c1, scan: c1 });
    expect(dup.ok ? 'ok' : dup.error.code).toBe('dock.already-received');
    await must(zhou.run('receiveUnit', { sscc: c1, scan: `]C100${c1}` }));

    await wang.engine.syncOnce();
    await zhou.engine.syncOnce();
    await wang.engine.syncOnce();
    expect(await count('dock_receipts')).toBe(2);
    const byUnit = await server.conn.db
      .selectFrom('dock_receipts as r')
      .innerJoin('handling_units as u', 'u.id', 'r.unit_id')
      .select(['u.sscc', 'r.actor'])
      .orderBy('u.position')
      .execute();
    expect(byUnit).toEqual([
      { sscc: c1, actor: 'wang' },
      { sscc: c2, actor: 'wang' },
    ]);
    // Zhou's scan came second: a visible issue carrying when and by whom, nothing lost.
    const issues = await zhou.db.selectFrom('sync_issues').select(['command', 'error_json']).execute();
    expect(issues).toHaveLength(1);
    expect(issues[0]!.command).toBe('receiveUnit');
    expect(JSON.parse(issues[0]!.error_json)).toMatchObject({ code: 'dock.already-received', details: { by: 'wang' } });
    // Everyone converges on the server: stock, the purchase order, the ASN.
    const server$ = server.conn.db;
    for (const db of [server$, wang.db, zhou.db]) {
      const stock = await db
        .selectFrom('stock_balances')
        .select(['qty_available', 'qty_in_transit'])
        .where('item_id', '=', ids.item)
        .where('warehouse_id', '=', ids.whA)
        .execute();
      expect(stock).toEqual([{ qty_available: 100, qty_in_transit: 0 }]);
      const po = await db.selectFrom('orders').select(['status']).where('id', '=', ids.po).executeTakeFirstOrThrow();
      expect(po.status).toBe('received');
      const h = await db.selectFrom('asns').select(['status', 'units_received']).executeTakeFirstOrThrow();
      expect(h).toEqual({ status: 'received', units_received: 2 });
      expect(await count('dock_receipts', db)).toBe(2);
    }
  });
});
