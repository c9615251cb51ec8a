import { tablesChecksum } from '../testing/checksum.ts';
import { sql, type Kysely } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { lineAmounts } from '../../core/orders/rules.ts';
import { ORDER_STATUSES, type OrderStatus, type OrderType } from '../../core/orders/schemas.ts';
import { canTransition, progressPercent, progressStatus } from '../../core/orders/transitions.ts';
import { balanceDifferences } from '../inventory.queries.ts';
import { orderGrid } from '../orders.queries.ts';
import type { DB } from '../schema.ts';
import { BACKENDS, openTestDb } from '../testing/backends.ts';
import { seedOrders, type OrderSeedReport } from './orders.ts';
import { buildMasterData, DEMO_SIZE, seedDatabase, seedIfEmpty, type SeedSize } from './seed.ts';

/** Six warehouses (one hub), a year of ledger and 1,500 sales orders over it. */
const SIZE: SeedSize = {
  items: 60,
  customers: 40,
  suppliers: 8,
  warehouses: 6,
  locationsPerWarehouse: 6,
  seed: 23,
  asOf: '2026-06-30',
  ledgerDays: 365,
  ledgerDensity: 1,
  orders: 1500,
};

const TABLES = [
  'orders',
  'order_lines',
  'order_events',
  'order_check_results',
  'order_fulfilments',
  'order_fulfilment_lines',
  'order_exceptions',
  'customer_credit',
  'order_quotas',
  'warehouse_rules',
  'carrier_rules',
  'split_rules',
  'exchange_rates',
  'stock_reservations',
  'stock_balances',
] as const;

const checksum = (db: Kysely<DB>) => tablesChecksum(db, TABLES);

async function seeded(size: SeedSize): Promise<string> {
  const t = await openTestDb('sqlite', 'desktop');
  try {
    await seedDatabase(t.db, size);
    return await checksum(t.db);
  } finally {
    await t.close();
  }
}
let reference: Promise<string> | undefined;

type Order = DB['orders'];
type Line = DB['order_lines'];

const SHIPPING: readonly OrderType[] = ['sales', 'purchase-return'];
/** Line quantity invariants (the rule assertLineInvariants enforces in the commands). */
function lineProblems(type: OrderType, l: Line): string[] {
  const open = l.qty_ordered - l.qty_cancelled;
  const out: string[] = [];
  if (l.qty_ordered <= 0) out.push('ordered ≤ 0');
  if (l.qty_cancelled < 0 || l.qty_cancelled > l.qty_ordered) out.push('cancelled outside 0..ordered');
  if (l.qty_allocated < 0 || l.qty_allocated > open) out.push('allocated outside 0..ordered−cancelled');
  if (l.qty_shipped < 0) out.push('shipped < 0');
  if (type !== 'purchase' && type !== 'sales-return' && l.qty_shipped > l.qty_allocated)
    out.push('shipped > allocated');
  if (l.qty_received < 0) out.push('received < 0');
  if (l.qty_received > (type === 'transfer' ? l.qty_shipped : open)) out.push('received > due');
  if (l.qty_returned < 0 || l.qty_returned > Math.max(l.qty_shipped, l.qty_received)) out.push('returned > done');
  if (l.qty_invoiced < 0 || l.qty_invoiced > Math.max(l.qty_shipped, l.qty_received)) out.push('invoiced > done');
  if (l.net_minor + l.tax_minor !== l.total_minor) out.push('net + tax ≠ total');
  return out;
}

/** What the header's list columns must say, recomputed from the lines independently of the seed. */
function projection(type: OrderType, lines: readonly Line[]) {
  const shipping = SHIPPING.includes(type);
  const open = (l: Line) => l.qty_ordered - l.qty_cancelled;
  const promised = lines.map((l) => l.promised_date).filter((d): d is string => d !== null);
  return {
    line_count: lines.length,
    qty_ordered: lines.reduce((s, l) => s + open(l), 0),
    qty_done: lines.reduce((s, l) => s + (shipping ? l.qty_shipped : l.qty_received), 0),
    progress: progressPercent(
      type,
      lines.map((l) => ({
        ordered: l.qty_ordered,
        cancelled: l.qty_cancelled,
        shipped: l.qty_shipped,
        received: l.qty_received,
      })),
    ),
    backordered: (shipping || type === 'transfer') && lines.some((l) => l.qty_allocated < open(l)) ? 1 : 0,
    net_minor: lines.reduce((s, l) => s + Number(l.net_minor), 0),
    tax_minor: lines.reduce((s, l) => s + Number(l.tax_minor), 0),
    total_minor: lines.reduce((s, l) => s + Number(l.total_minor), 0),
    promised_date: promised.length > 0 ? promised.sort().at(-1) : null,
  };
}

/** Open statuses whose approved lines may hold stock (openDemand in db/orders.queries.ts). */
const HOLDING = new Set<OrderStatus>(['approved', 'partially-shipped']);
const MAY_HOLD: readonly OrderType[] = ['sales', 'transfer', 'purchase-return'];

describe.each(BACKENDS)('order seed on %s', (backend) => {
  let t: Awaited<ReturnType<typeof openTestDb>>;
  let report: OrderSeedReport;
  let orders: Order[];
  let linesOf: Map<string, Line[]>;

  beforeAll(async () => {
    reference ??= seeded(SIZE);
    t = await openTestDb(backend, 'desktop');
    const r = await seedDatabase(t.db, SIZE);
    if (!r.orders) throw new Error('no order report');
    report = r.orders;
    orders = await t.db.selectFrom('orders').selectAll().execute();
    linesOf = new Map();
    for (const l of await t.db.selectFrom('order_lines').selectAll().orderBy('order_id').orderBy('line_no').execute())
      linesOf.set(l.order_id, [...(linesOf.get(l.order_id) ?? []), l]);
  }, 300_000);
  afterAll(async () => {
    await t?.close();
  });

  it('writes the same rows for the same seed, on every backend', async () => {
    expect(report.byType.sales).toBe(SIZE.orders);
    expect(await checksum(t.db)).toBe(await reference);
  });

  it('keeps every line invariant and amounts consistent', () => {
    const bad = [];
    // Priced lines cost what lineAmounts says (split children and returns are pro rata shares).
    for (const o of orders)
      for (const l of linesOf.get(o.id) ?? []) {
        if (Number(l.unit_price_minor) === 0 || l.parent_line_no !== null) continue;
        const a = lineAmounts({
          quantity: l.qty_ordered,
          unitPriceMinor: Number(l.unit_price_minor),
          discountMinor: Number(l.discount_minor),
          taxRateBp: l.tax_rate_bp,
        });
        if (a.netMinor !== Number(l.net_minor) || a.taxMinor !== Number(l.tax_minor))
          bad.push(`${o.number} line ${l.line_no}: amounts`);
      }
    for (const o of orders)
      for (const l of linesOf.get(o.id) ?? [])
        for (const p of lineProblems(o.type as OrderType, l)) bad.push(`${o.number} line ${l.line_no}: ${p}`);
    expect(bad).toEqual([]);
    expect(orders.every((o) => (linesOf.get(o.id)?.length ?? 0) > 0)).toBe(true);
  });

  it('projects the header list columns from the lines, and the status agrees with the quantities', () => {
    const bad = [];
    for (const o of orders) {
      const type = o.type as OrderType;
      const lines = linesOf.get(o.id) ?? [];
      const want = projection(type, lines);
      const have = {
        line_count: o.line_count,
        qty_ordered: o.qty_ordered,
        qty_done: o.qty_done,
        progress: o.progress,
        backordered: o.backordered,
        net_minor: Number(o.net_minor),
        tax_minor: Number(o.tax_minor),
        total_minor: Number(o.total_minor),
        promised_date: o.promised_date,
      };
      if (JSON.stringify(have) !== JSON.stringify(want)) bad.push(`${o.number}: ${JSON.stringify([have, want])}`);
      const reached = progressStatus(
        type,
        lines.map((l) => ({
          ordered: l.qty_ordered,
          cancelled: l.qty_cancelled,
          shipped: l.qty_shipped,
          received: l.qty_received,
        })),
      );
      const s = o.status as OrderStatus;
      const moved = lines.some((l) => l.qty_shipped > 0 || l.qty_received > 0);
      if (['partially-shipped', 'shipped', 'partially-received', 'received'].includes(s) && reached !== s)
        bad.push(`${o.number}: status ${s}, quantities say ${reached}`);
      if (['draft', 'held', 'approved', 'split'].includes(s) && moved) bad.push(`${o.number}: ${s} but moved`);
      if (s === 'completed' && reached !== (SHIPPING.includes(type) ? 'shipped' : 'received'))
        bad.push(`${o.number}: completed, quantities say ${reached}`);
      if (s === 'held' && !o.hold_checks) bad.push(`${o.number}: held without hold checks`);
      // Approval clears them; a held order that was cancelled keeps them (as cancelOrder leaves it).
      if (s !== 'held' && s !== 'cancelled' && o.hold_checks) bad.push(`${o.number}: ${s} with hold checks`);
    }
    expect(bad).toEqual([]);
  });

  it('has an event for each status reached, through the transition table', async () => {
    const events = await t.db.selectFrom('order_events').selectAll().orderBy('order_id').orderBy('at').execute();
    const byOrder = new Map<string, typeof events>();
    for (const e of events) byOrder.set(e.order_id, [...(byOrder.get(e.order_id) ?? []), e]);
    const bad = [];
    const sameStatus = new Set(['create', 'allocate', 'promise', 'assign']);
    for (const o of orders) {
      const list = byOrder.get(o.id) ?? [];
      const type = o.type as OrderType;
      const first = list[0];
      if (!first || first.action !== 'create' || first.from_status !== null) {
        bad.push(`${o.number}: does not start with create`);
        continue;
      }
      if (first.to_status !== (o.parent_id ? 'approved' : 'draft')) bad.push(`${o.number}: created ${first.to_status}`);
      for (let i = 1; i < list.length; i += 1) {
        const e = list[i]!;
        if (e.from_status !== list[i - 1]!.to_status) bad.push(`${o.number}: event ${i} starts from elsewhere`);
        if (e.at <= list[i - 1]!.at) bad.push(`${o.number}: event ${i} not after the one before`);
        if (
          sameStatus.has(e.action)
            ? e.from_status !== e.to_status
            : !canTransition(type, e.from_status as OrderStatus, e.to_status as OrderStatus, e.action as never)
        )
          bad.push(`${o.number}: ${e.action} ${e.from_status} → ${e.to_status} is not allowed`);
      }
      const last = list.at(-1)!;
      if (last.to_status !== o.status) bad.push(`${o.number}: last event says ${last.to_status}, order ${o.status}`);
      if (o.version !== list.length) bad.push(`${o.number}: version ${o.version} after ${list.length} events`);
      if (o.updated_at !== last.at) bad.push(`${o.number}: updated ${o.updated_at}, last event ${last.at}`);
    }
    expect(bad).toEqual([]);
  });

  it('reserves exactly the open allocations, and the balances still equal the ledgers', async () => {
    const held = new Map<string, number>();
    const rows = await t.db
      .selectFrom('stock_reservations')
      .select(['demand_type', 'demand_id', 'demand_line'])
      .select((eb) => eb.fn.sum<number>('quantity').as('q'))
      .groupBy(['demand_type', 'demand_id', 'demand_line'])
      .execute();
    for (const r of rows) held.set(`${r.demand_type}|${r.demand_id}|${r.demand_line}`, Number(r.q));
    const ids = new Set(orders.map((o) => o.id));
    // Every sales-order and transfer reservation belongs to an order line: no placeholders are left.
    expect(rows.filter((r) => !ids.has(r.demand_id)).map((r) => r.demand_id)).toEqual([]);
    const bad = [];
    let open = 0;
    for (const o of orders) {
      const type = o.type as OrderType;
      const demandType = type === 'transfer' ? 'transfer' : 'sales-order';
      for (const l of linesOf.get(o.id) ?? []) {
        const want =
          MAY_HOLD.includes(type) && HOLDING.has(o.status as OrderStatus) ? l.qty_allocated - l.qty_shipped : 0;
        const have = held.get(`${demandType}|${o.id}|${l.line_no}`) ?? 0;
        open += want;
        if (have !== want) bad.push(`${o.number} line ${l.line_no}: reserved ${have}, open allocation ${want}`);
      }
    }
    expect(bad).toEqual([]);
    expect(open).toBeGreaterThan(0);
    expect(report.allocationRun.reservations).toBeGreaterThan(0);
    expect(report.adopted.open).toBeGreaterThan(0);
    expect(await balanceDifferences(t.db)).toEqual([]);
    const broken = await t.db
      .selectFrom('stock_balances')
      .select(['item_id', 'warehouse_id', 'lot'])
      .where((eb) =>
        eb.or([
          eb('qty_available', '<', 0),
          eb('qty_reserved', '<', 0),
          eb('qty_reserved', '>', eb.ref('qty_available')),
        ]),
      )
      .execute();
    expect(broken).toEqual([]);
  });

  it('keeps returned quantities equal to what the returns received', () => {
    const byId = new Map(orders.map((o) => [o.id, o]));
    const received = new Map<string, number>();
    const pending = new Map<string, number>();
    let returns = 0;
    for (const o of orders) {
      if (o.type !== 'sales-return') continue;
      returns += 1;
      expect(byId.get(o.original_order_id ?? '')?.type).toBe('sales');
      for (const l of linesOf.get(o.id) ?? []) {
        const key = `${o.original_order_id}|${l.original_line_no}`;
        received.set(key, (received.get(key) ?? 0) + l.qty_received);
        if (!['cancelled', 'closed'].includes(o.status))
          pending.set(key, (pending.get(key) ?? 0) + l.qty_ordered - l.qty_cancelled - l.qty_received);
      }
    }
    expect(returns).toBeGreaterThan(5);
    const bad = [];
    for (const o of orders) {
      if (o.type !== 'sales') continue;
      for (const l of linesOf.get(o.id) ?? []) {
        const key = `${o.id}|${l.line_no}`;
        if (l.qty_returned !== (received.get(key) ?? 0)) bad.push(`${o.number} line ${l.line_no}: returned`);
        if (l.qty_returned + (pending.get(key) ?? 0) > l.qty_shipped) bad.push(`${o.number} line ${l.line_no}: over`);
      }
    }
    expect(bad).toEqual([]);
    expect(received.size).toBeGreaterThan(0);
  });

  it('splits into children whose lines add up to the parent', () => {
    const children = orders.filter((o) => o.parent_id !== null);
    expect(children.length).toBeGreaterThan(0);
    for (const parent of orders.filter((o) => o.status === 'split')) {
      const mine = children.filter((c) => c.parent_id === parent.id);
      expect(mine.map((c) => c.number).sort()).toEqual([`${parent.number}-1`, `${parent.number}-2`]);
      for (const l of linesOf.get(parent.id) ?? []) {
        const parts = mine.flatMap((c) => (linesOf.get(c.id) ?? []).filter((x) => x.parent_line_no === l.line_no));
        expect(parts.reduce((s, x) => s + x.qty_ordered, 0)).toBe(l.qty_ordered);
        expect(parts.reduce((s, x) => s + Number(x.net_minor), 0)).toBe(Number(l.net_minor));
        expect(parts.reduce((s, x) => s + Number(x.tax_minor), 0)).toBe(Number(l.tax_minor));
      }
    }
  });

  it('shows every status a document type reaches, spread over the year', () => {
    const statuses = (type: OrderType) => new Set(orders.filter((o) => o.type === type).map((o) => o.status));
    // Every status of the sales state machine.
    expect([...statuses('sales')].sort()).toEqual(
      ORDER_STATUSES.filter((s) => s !== 'partially-received' && s !== 'received').sort(),
    );
    for (const s of ['approved', 'completed', 'cancelled'] as const) expect(statuses('purchase')).toContain(s);
    for (const s of ['completed', 'cancelled'] as const) expect(statuses('sales-return')).toContain(s);
    for (const s of ['approved', 'completed'] as const) expect(statuses('transfer')).toContain(s);
    expect(statuses('purchase-return')).toContain('completed');
    // Nothing in transit without stock: transfers never rest shipped or partly received.
    for (const s of ['partially-shipped', 'shipped', 'partially-received'] as const)
      expect(statuses('transfer')).not.toContain(s);
    const months = new Set(orders.filter((o) => o.type === 'sales').map((o) => o.ordered_at.slice(0, 7)));
    expect(months.size).toBeGreaterThanOrEqual(12);
    const open = orders.filter((o) => ['draft', 'held', 'approved', 'partially-shipped'].includes(o.status));
    expect(open.every((o) => o.ordered_at >= '2026-05-01')).toBe(true);
    expect(open.every((o) => o.auto_cancel_date === null || o.auto_cancel_date >= '2026-06-29')).toBe(true);
  });

  it('leaves a few open exceptions of every kind, on orders that fit them', async () => {
    const open = await t.db
      .selectFrom('order_exceptions as e')
      .innerJoin('orders as o', 'o.id', 'e.order_id')
      .select(['e.kind', 'e.details', 'o.type', 'o.status', 'o.warehouse_id'])
      .where('e.status', '=', 'open')
      .execute();
    const kinds = new Set(open.map((e) => e.kind));
    expect([...kinds].sort()).toEqual(['auto-cancelled', 'backorder', 'jeopardy', 'no-warehouse', 'return-refused']);
    for (const e of open) {
      if (e.kind === 'no-warehouse') expect([e.status, e.warehouse_id]).toEqual(['held', null]);
      if (e.kind === 'auto-cancelled') expect(['cancelled', 'closed']).toContain(e.status);
      if (e.kind === 'return-refused') expect([e.type, e.status]).toEqual(['sales-return', 'cancelled']);
      if (e.kind === 'backorder') expect(['transfer', 'purchase-return']).toContain(e.type);
    }
    // A jeopardy: a sales line promised against a purchase line whose date has since moved past it.
    const j = open.find((e) => e.kind === 'jeopardy');
    const [line] = (JSON.parse(j?.details ?? '{}') as { lines: Array<{ orderId: string; lineNo: number }> }).lines;
    const sales = await t.db
      .selectFrom('order_lines')
      .selectAll()
      .where('order_id', '=', line?.orderId ?? '')
      .where('line_no', '=', line?.lineNo ?? 0)
      .executeTakeFirstOrThrow();
    const [, poId, poLine] = (sales.promise_supply ?? '').split(':');
    const supply = await t.db
      .selectFrom('order_lines as l')
      .innerJoin('orders as o', 'o.id', 'l.order_id')
      .select(['o.type', 'o.status', 'l.promised_date', 'l.item_id', 'l.warehouse_id'])
      .where('l.order_id', '=', poId ?? '')
      .where('l.line_no', '=', Number(poLine))
      .executeTakeFirstOrThrow();
    expect([supply.type, supply.status, supply.item_id, supply.warehouse_id]).toEqual([
      'purchase',
      'approved',
      sales.item_id,
      sales.warehouse_id,
    ]);
    expect(String(supply.promised_date) > String(sales.promised_date)).toBe(true);
  });

  it('records the audit checks of every submit, failures on held orders', async () => {
    const checks = await t.db.selectFrom('order_check_results').selectAll().execute();
    const byOrder = new Map<string, typeof checks>();
    for (const c of checks) byOrder.set(c.order_id, [...(byOrder.get(c.order_id) ?? []), c]);
    for (const o of orders.filter((x) => x.type === 'sales' && x.status === 'held')) {
      const mine = byOrder.get(o.id) ?? [];
      const last = Math.max(...mine.map((c) => c.run_no));
      const failed = mine.filter((c) => c.run_no === last && c.passed === 0).map((c) => c.check_code);
      expect(failed.sort().join(',')).toBe(o.hold_checks);
      expect(mine.filter((c) => c.run_no === last).length).toBe(3);
    }
    const submits = await t.db.selectFrom('order_events').select(['order_id']).where('action', '=', 'submit').execute();
    const sales = new Set(orders.filter((o) => o.type === 'sales').map((o) => o.id));
    const submitted = submits.filter((e) => sales.has(e.order_id));
    expect(submitted.length).toBeGreaterThan(SIZE.orders! / 2);
    expect(submitted.filter((e) => (byOrder.get(e.order_id)?.length ?? 0) < 3).map((e) => e.order_id)).toEqual([]);
    // Nothing else was checked: drafts, and orders cancelled before they were submitted.
    expect([...byOrder.keys()].filter((id) => !submitted.some((e) => e.order_id === id))).toEqual([]);
  });

  it('writes positions, quotas, rules and the exchange rates the checks need', async () => {
    const count = async (
      table: 'customer_credit' | 'order_quotas' | 'warehouse_rules' | 'carrier_rules' | 'split_rules',
    ) =>
      Number(
        (
          await t.db
            .selectFrom(table)
            .select((eb) => eb.fn.countAll<number>().as('n'))
            .executeTakeFirstOrThrow()
        ).n,
      );
    expect(await count('customer_credit')).toBe(SIZE.customers);
    expect(await count('order_quotas')).toBeGreaterThanOrEqual(3);
    expect(await count('warehouse_rules')).toBeGreaterThanOrEqual(2);
    expect(await count('carrier_rules')).toBeGreaterThanOrEqual(3);
    expect(await count('split_rules')).toBe(3);
    const rates = await t.db
      .selectFrom('exchange_rates')
      .select('currency')
      .where('valid_from', '<=', SIZE.asOf!)
      .distinct()
      .execute();
    expect(rates.map((r) => r.currency).sort()).toEqual(['EUR', 'HKD', 'USD']);
    const currencies = new Set(orders.map((o) => o.currency));
    expect(currencies.has('CNY') && currencies.size > 1).toBe(true);
  });

  it('pages through the order grid the app shows', async () => {
    const page = await orderGrid(t.db, { type: 'sales', sort: 'orderedAt', dir: 'desc', limit: 50 });
    expect(page.rows).toHaveLength(50);
    expect(page.next).not.toBeNull();
    const found = await orderGrid(t.db, {
      type: 'sales',
      sort: 'number',
      dir: 'asc',
      search: page.rows[0]!.number.slice(0, 8),
      limit: 10,
    });
    expect(found.rows.length).toBeGreaterThan(0);
  });

  if (backend === 'sqlite')
    it('leaves no dangling reference', async () => {
      const r = await sql<Record<string, unknown>>`pragma foreign_key_check`.execute(t.db);
      expect(r.rows).toEqual([]);
    });
});

describe('the order seed', () => {
  it('yields other orders for another seed', async () => {
    expect(await seeded({ ...SIZE, seed: 24 })).not.toBe(await (reference ??= seeded(SIZE)));
  }, 120_000);

  it('writes the same rows when the generator runs in a worker thread', async () => {
    const t = await openTestDb('sqlite', 'desktop');
    try {
      const r = await seedDatabase(t.db, { ...SIZE, ordersInWorker: true });
      expect(r.orders?.byType.sales).toBe(SIZE.orders);
      expect(await checksum(t.db)).toBe(await (reference ??= seeded(SIZE)));
    } finally {
      await t.close();
    }
  }, 120_000);

  it('writes the same rows into live indexes as with the indexes set aside, which come back as they were', async () => {
    const t = await openTestDb('sqlite', 'desktop');
    const indexes = async () =>
      (
        await sql<{ name: string; sql: string }>`select name, sql from sqlite_master
          where type = 'index' and tbl_name like 'order%' order by name`.execute(t.db)
      ).rows;
    try {
      const before = await indexes();
      expect(before.length).toBeGreaterThan(10);
      // Master data and inventory as seedDatabase makes them, then the orders without the index trick.
      await seedDatabase(t.db, { ...SIZE, orders: 0 });
      const since = new Date(Date.parse(`${SIZE.asOf}T00:00:00.000Z`) - 365 * 86_400_000).toISOString();
      const r = await seedOrders(t.db, buildMasterData(SIZE, since), {
        asOf: SIZE.asOf!,
        days: 365,
        seed: SIZE.seed,
        sales: SIZE.orders!,
        rebuildIndexes: false,
      });
      expect(r.ms.indexes).toBeLessThan(1000);
      expect(await checksum(t.db)).toBe(await (reference ??= seeded(SIZE)));
      expect(await indexes()).toEqual(before);
      // And the default load (indexes dropped and rebuilt) leaves them exactly as the migration made them.
      const u = await openTestDb('sqlite', 'desktop');
      try {
        await seedDatabase(u.db, { ...SIZE, orders: 300, ledgerDays: 30 });
        const after = (
          await sql<{ name: string; sql: string }>`select name, sql from sqlite_master
            where type = 'index' and tbl_name like 'order%' order by name`.execute(u.db)
        ).rows;
        expect(after).toEqual(before);
      } finally {
        await u.close();
      }
    } finally {
      await t.close();
    }
  }, 120_000);

  it('gives the demo data set orders on every screen', async () => {
    const t = await openTestDb('sqlite', 'desktop');
    try {
      const r = await seedIfEmpty(t.db);
      expect(r?.orders?.byType.sales).toBe(DEMO_SIZE.orders);
      const statuses = new Set(Object.keys(r?.orders?.byStatus.sales ?? {}));
      for (const s of ['draft', 'held', 'approved', 'partially-shipped', 'shipped', 'completed', 'cancelled'])
        expect(statuses).toContain(s);
      expect(Object.keys(r?.orders?.openExceptions ?? {}).length).toBe(5);
      expect(await balanceDifferences(t.db)).toEqual([]);
    } finally {
      await t.close();
    }
  }, 120_000);
});
