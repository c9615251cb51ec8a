import { drawNumbers, type NumberSource } from './numbering.queries.ts';
import { sql, type Insertable, type SqlBool } from 'kysely';
import type { CheckSetting } from '../core/orders/rules.ts';
import type { CheckCode, OrderStatus, OrderType } from '../core/orders/schemas.ts';
import type { Database } from './connect.ts';
import type { DB, OrderLinesTable, OrdersTable } from './schema.ts';

/* Reads and writes of the order centre; every function runs alone or inside a command's transaction. */

export type OrderRow = OrdersTable;
export type LineRow = OrderLinesTable;

// ---------- numbering ----------
export const NUMBER_PREFIX: Record<OrderType, string> = {
  sales: 'SO',
  purchase: 'PO',
  'sales-return': 'SR',
  'purchase-return': 'PR',
  transfer: 'TO',
};

/**
 * The next document number of a series on this database: `SO-<device>-000042`. The device tag
 * keeps two desktops apart until the server hands out number ranges (the sync issue).
 */
/** The next number of a series (see db/numbering.queries.ts for where numbers come from). */
export async function nextDocNumber(db: Database, prefix: string, source: NumberSource): Promise<string> {
  return (await drawNumbers(db, prefix, 1, source))[0]!;
}

// ---------- documents ----------
export async function insertOrder(db: Database, header: OrderRow, lines: readonly LineRow[]): Promise<void> {
  await db.insertInto('orders').values(header).execute();
  // Chunked so a 500-line order stays under SQLite's bound-parameter limit.
  for (let i = 0; i < lines.length; i += 100)
    await db
      .insertInto('order_lines')
      .values(lines.slice(i, i + 100))
      .execute();
}

export async function getOrder(db: Database, id: string): Promise<OrderRow | undefined> {
  return db.selectFrom('orders').selectAll().where('id', '=', id).executeTakeFirst();
}

export async function getLines(db: Database, orderId: string): Promise<LineRow[]> {
  return db.selectFrom('order_lines').selectAll().where('order_id', '=', orderId).orderBy('line_no').execute();
}

export async function getLinesOf(db: Database, orderIds: readonly string[]): Promise<LineRow[]> {
  if (orderIds.length === 0) return [];
  return db
    .selectFrom('order_lines')
    .selectAll()
    .where('order_id', 'in', orderIds)
    .orderBy('order_id')
    .orderBy('line_no')
    .execute();
}

export async function findByExternalRef(
  db: Database,
  channelId: string | null,
  externalRef: string,
): Promise<OrderRow | undefined> {
  let q = db.selectFrom('orders').selectAll().where('external_ref', '=', externalRef);
  q = channelId === null ? q.where('channel_id', 'is', null) : q.where('channel_id', '=', channelId);
  return q.executeTakeFirst();
}

/** Saves header changes and bumps the version; false when someone else changed the order first. */
export async function updateOrder(
  db: Database,
  id: string,
  version: number,
  patch: Partial<Omit<OrderRow, 'id' | 'version'>>,
): Promise<boolean> {
  const r = await db
    .updateTable('orders')
    .set({ ...patch, version: version + 1 })
    .where('id', '=', id)
    .where('version', '=', version)
    .executeTakeFirst();
  return Number(r.numUpdatedRows) === 1;
}

export type LinePatch = Partial<
  Pick<
    LineRow,
    | 'qty_allocated'
    | 'qty_shipped'
    | 'qty_received'
    | 'qty_invoiced'
    | 'qty_returned'
    | 'qty_cancelled'
    | 'warehouse_id'
    | 'promised_date'
    | 'promise_supply'
    | 'requested_date'
  >
>;

export async function updateLine(db: Database, orderId: string, lineNo: number, patch: LinePatch): Promise<void> {
  await db
    .updateTable('order_lines')
    .set(patch)
    .where('order_id', '=', orderId)
    .where('line_no', '=', lineNo)
    .execute();
}

export async function insertEvent(db: Database, e: DB['order_events']): Promise<void> {
  await db.insertInto('order_events').values(e).execute();
}

export async function eventsOf(db: Database, orderId: string) {
  return db
    .selectFrom('order_events')
    .selectAll()
    .where('order_id', '=', orderId)
    .orderBy('at')
    .orderBy('id')
    .execute();
}

export async function childrenOf(db: Database, parentId: string): Promise<OrderRow[]> {
  return db.selectFrom('orders').selectAll().where('parent_id', '=', parentId).orderBy('number').execute();
}

export async function relatedOf(db: Database, id: string): Promise<OrderRow[]> {
  return db
    .selectFrom('orders')
    .selectAll()
    .where((eb) => eb.or([eb('original_order_id', '=', id), eb('related_order_id', '=', id)]))
    .orderBy('number')
    .execute();
}

/**
 * Stock taken away from orders by the inventory side (a freeze or a count shortage releases the
 * reservations on that stock): the order lines that held it are allocated less, their orders
 * backordered, and each order's history says why. Demand that is not an order is left alone.
 */
export async function deallocate(
  db: Database,
  released: ReadonlyArray<{ type: string; id: string; line: number; quantity: number }>,
  e: { opId: string; actor: string; at: string; reason: string },
): Promise<void> {
  const byOrder = new Map<string, Array<{ line: number; quantity: number }>>();
  for (const r of released) {
    if (r.type !== 'sales-order' && r.type !== 'transfer') continue;
    byOrder.set(r.id, [...(byOrder.get(r.id) ?? []), { line: r.line, quantity: r.quantity }]);
  }
  let n = 0;
  for (const [orderId, lines] of byOrder) {
    const order = await getOrder(db, orderId);
    if (!order) continue;
    for (const l of lines)
      await db
        .updateTable('order_lines')
        .set((eb) => ({ qty_allocated: eb('qty_allocated', '-', l.quantity) }))
        .where('order_id', '=', orderId)
        .where('line_no', '=', l.line)
        .execute();
    await db
      .updateTable('orders')
      .set({ backordered: 1, version: order.version + 1, updated_at: e.at })
      .where('id', '=', orderId)
      .execute();
    await insertEvent(db, {
      id: `${e.opId}:d${(n += 1)}`,
      order_id: orderId,
      action: 'allocate',
      from_status: order.status,
      to_status: order.status,
      actor: e.actor,
      reason: e.reason,
      details: JSON.stringify({ released: lines }),
      at: e.at,
    });
  }
}

// ---------- checks ----------
export async function checkSettings(db: Database): Promise<CheckSetting[]> {
  const rows = await db.selectFrom('order_check_settings').selectAll().orderBy('check_code').execute();
  return rows.map((r) => ({
    check: r.check_code as CheckCode,
    enabled: r.enabled === 1,
    forceAllowed: r.force_allowed === 1,
    forceRoles: JSON.parse(r.force_roles) as string[],
  }));
}

export async function saveCheckSetting(db: Database, s: CheckSetting, now: string): Promise<void> {
  await db
    .updateTable('order_check_settings')
    .set({
      enabled: s.enabled ? 1 : 0,
      force_allowed: s.forceAllowed ? 1 : 0,
      force_roles: JSON.stringify(s.forceRoles),
      updated_at: now,
    })
    .where('check_code', '=', s.check)
    .execute();
}

export async function lastCheckRun(db: Database, orderId: string): Promise<number> {
  const r = await db
    .selectFrom('order_check_results')
    .select((eb) => eb.fn.max('run_no').as('run'))
    .where('order_id', '=', orderId)
    .executeTakeFirst();
  return Number(r?.run ?? 0);
}

export async function insertCheckResults(db: Database, rows: readonly DB['order_check_results'][]): Promise<void> {
  if (rows.length > 0)
    await db
      .insertInto('order_check_results')
      .values([...rows])
      .execute();
}

export async function checkResultsOf(db: Database, orderId: string, runNo: number) {
  return db
    .selectFrom('order_check_results')
    .selectAll()
    .where('order_id', '=', orderId)
    .where('run_no', '=', runNo)
    .orderBy('check_code')
    .execute();
}

export async function quotasOf(db: Database, customerId: string) {
  return db
    .selectFrom('order_quotas')
    .selectAll()
    .where('customer_id', '=', customerId)
    .where('active', '=', 1)
    .execute();
}

/** Statuses whose quantities count against quotas and credit: approved and on their way. */
export const COMMITTED: readonly OrderStatus[] = ['approved', 'partially-shipped', 'shipped', 'completed', 'closed'];

/** Quantity a customer already has under a quota in a period (approved orders, less cancelled). */
export async function quotaUsed(
  db: Database,
  q: { customerId: string; itemId: string | null; productGroup: string | null; from: string; to: string },
  excludeOrderId: string,
): Promise<number> {
  let s = db
    .selectFrom('order_lines as l')
    .innerJoin('orders as o', 'o.id', 'l.order_id')
    .select((eb) => eb.fn.sum<number>(eb('l.qty_ordered', '-', eb.ref('l.qty_cancelled'))).as('used'))
    .where('o.type', '=', 'sales')
    .where('o.customer_id', '=', q.customerId)
    .where('o.status', 'in', COMMITTED)
    .where('o.ordered_at', '>=', q.from)
    .where('o.ordered_at', '<=', q.to)
    .where('o.id', '<>', excludeOrderId);
  if (q.itemId !== null) s = s.where('l.item_id', '=', q.itemId);
  else
    s = s.where('l.item_id', 'in', (eb) =>
      eb.selectFrom('items').select('id').where('product_group', '=', q.productGroup),
    );
  const r = await s.executeTakeFirst();
  return Number(r?.used ?? 0);
}

export async function creditOf(db: Database, customerId: string) {
  return db.selectFrom('customer_credit').selectAll().where('customer_id', '=', customerId).executeTakeFirst();
}

export async function saveCredit(db: Database, row: DB['customer_credit']): Promise<void> {
  await db
    .insertInto('customer_credit')
    .values(row)
    .onConflict((oc) =>
      oc.column('customer_id').doUpdateSet({
        open_receivables_minor: row.open_receivables_minor,
        deposits_minor: row.deposits_minor,
        source: row.source,
        updated_at: row.updated_at,
      }),
    )
    .execute();
}

/**
 * Approved-but-unbilled value of a customer's orders per currency: each line's total pro rata
 * for what is neither cancelled nor invoiced yet.
 */
export async function unbilledOf(
  db: Database,
  customerId: string,
  excludeOrderId: string,
): Promise<Array<{ currency: string; totalMinor: number }>> {
  /*
   * Summed in SQL, per currency: a line's open share is total × open / ordered rounded half up
   * (the same as proRata for these non-negative figures); a wholly open line is its total.
   */
  const open = sql<number>`(${sql.ref('l.qty_ordered')} - ${sql.ref('l.qty_cancelled')} - ${sql.ref('l.qty_invoiced')})`;
  const share = sql<number>`case when ${open} = ${sql.ref('l.qty_ordered')} then ${sql.ref('l.total_minor')}
    else (2 * ${sql.ref('l.total_minor')} * ${open} + ${sql.ref('l.qty_ordered')}) / (2 * ${sql.ref('l.qty_ordered')}) end`;
  const rows = await db
    .selectFrom('order_lines as l')
    .innerJoin('orders as o', 'o.id', 'l.order_id')
    .select('o.currency')
    .select((eb) => eb.fn.sum<number>(share).as('total'))
    // `type || ''` keeps the planner on the customer's index: the type-and-status index would
    // walk every approved order of every customer (21 ms of a 23 ms order create at 1M orders).
    .where(sql<string>`${sql.ref('o.type')} || ''`, '=', 'sales')
    .where('o.customer_id', '=', customerId)
    .where('o.status', 'in', ['approved', 'partially-shipped', 'shipped'])
    .where('o.id', '<>', excludeOrderId)
    .where((eb) => eb(eb('l.qty_ordered', '-', eb.ref('l.qty_cancelled')), '>', eb.ref('l.qty_invoiced')))
    .groupBy('o.currency')
    .execute();
  return rows.map((r) => ({ currency: r.currency, totalMinor: Number(r.total) }));
}

/** The rate valid on a date: the latest one from on or before it. */
export async function rateOn(db: Database, currency: string, date: string): Promise<number | null> {
  const r = await db
    .selectFrom('exchange_rates')
    .select('rate_micros')
    .where('currency', '=', currency)
    .where('valid_from', '<=', date)
    .orderBy('valid_from', 'desc')
    .limit(1)
    .executeTakeFirst();
  return r ? Number(r.rate_micros) : null;
}

export async function saveRate(db: Database, row: DB['exchange_rates']): Promise<void> {
  await db
    .insertInto('exchange_rates')
    .values(row)
    .onConflict((oc) => oc.columns(['currency', 'valid_from']).doUpdateSet({ rate_micros: row.rate_micros }))
    .execute();
}

// ---------- stock facts ----------
/** Free own stock (available − reserved) per item × warehouse for the given pairs. */
export async function freeStock(
  db: Database,
  itemIds: readonly string[],
  warehouseIds?: readonly string[],
): Promise<Map<string, number>> {
  const out = new Map<string, number>();
  if (itemIds.length === 0) return out;
  let q = db
    .selectFrom('stock_balances')
    .select(['item_id', 'warehouse_id'])
    .select((eb) => eb.fn.sum<number>(eb('qty_available', '-', eb.ref('qty_reserved'))).as('free'))
    .where('owner_id', '=', 'own')
    .where('item_id', 'in', [...new Set(itemIds)])
    .groupBy(['item_id', 'warehouse_id']);
  if (warehouseIds && warehouseIds.length > 0) q = q.where('warehouse_id', 'in', [...new Set(warehouseIds)]);
  for (const r of await q.execute()) out.set(`${r.item_id}|${r.warehouse_id}`, Number(r.free));
  return out;
}

/** Free own stock of one lot of an item in a warehouse. */
export async function freeOfLot(db: Database, itemId: string, warehouseId: string, lot: string): Promise<number> {
  const r = await db
    .selectFrom('stock_balances')
    .select((eb) => eb.fn.sum<number>(eb('qty_available', '-', eb.ref('qty_reserved'))).as('free'))
    .where('owner_id', '=', 'own')
    .where('item_id', '=', itemId)
    .where('warehouse_id', '=', warehouseId)
    .where('lot', '=', lot)
    .executeTakeFirst();
  return Number(r?.free ?? 0);
}

export async function itemsOf(db: Database, ids: readonly string[]) {
  if (ids.length === 0) return new Map<string, DB['items']>();
  const rows = await db
    .selectFrom('items')
    .selectAll()
    .where('id', 'in', [...new Set(ids)])
    .execute();
  return new Map(rows.map((r) => [r.id, r]));
}

export async function safetyStockOf(db: Database, itemId: string): Promise<Map<string, number>> {
  const rows = await db
    .selectFrom('replenishment_rules')
    .select(['warehouse_id', 'safety_stock'])
    .where('item_id', '=', itemId)
    .execute();
  return new Map(rows.map((r) => [r.warehouse_id, r.safety_stock]));
}

/** Dated supply of an item: open purchase lines by expected date, transfer orders and transfers in transit. */
export async function supplyOf(db: Database, itemId: string, fallbackDate: string) {
  const purchases = await db
    .selectFrom('order_lines as l')
    .innerJoin('orders as o', 'o.id', 'l.order_id')
    .select(['o.id', 'o.number', 'o.warehouse_id', 'o.requested_date as header_date', 'l.line_no'])
    .select(['l.promised_date', 'l.requested_date', 'l.qty_ordered', 'l.qty_cancelled', 'l.qty_received'])
    .where('o.type', '=', 'purchase')
    .where('o.status', 'in', ['approved', 'partially-received'])
    .where('l.item_id', '=', itemId)
    .execute();
  const transfers = await db
    .selectFrom('order_lines as l')
    .innerJoin('orders as o', 'o.id', 'l.order_id')
    .select([
      'o.id',
      'o.number',
      'o.to_warehouse_id',
      'o.requested_date',
      'l.line_no',
      'l.qty_shipped',
      'l.qty_received',
    ])
    .where('o.type', '=', 'transfer')
    .where('o.status', 'in', ['partially-shipped', 'shipped', 'partially-received'])
    .where('l.item_id', '=', itemId)
    .execute();
  const adhoc = await db
    .selectFrom('stock_transfer_lines as l')
    .innerJoin('stock_transfers as t', 't.id', 'l.transfer_id')
    .select(['t.id', 't.number', 't.to_warehouse_id', 't.shipped_at'])
    .select((eb) => eb.fn.sum<number>(eb('l.qty_shipped', '-', eb.ref('l.qty_received'))).as('open'))
    .where('t.status', '<>', 'received')
    .where('l.item_id', '=', itemId)
    .groupBy(['t.id', 't.number', 't.to_warehouse_id', 't.shipped_at'])
    .execute();
  const out: Array<{ warehouseId: string; date: string; quantity: number; ref: string; label: string }> = [];
  for (const p of purchases) {
    const open = p.qty_ordered - p.qty_cancelled - p.qty_received;
    if (open > 0 && p.warehouse_id)
      out.push({
        warehouseId: p.warehouse_id,
        date: p.promised_date ?? p.requested_date ?? p.header_date ?? fallbackDate,
        quantity: open,
        ref: `purchase:${p.id}:${p.line_no}`,
        label: p.number,
      });
  }
  for (const t of transfers) {
    const open = t.qty_shipped - t.qty_received;
    if (open > 0 && t.to_warehouse_id)
      out.push({
        warehouseId: t.to_warehouse_id,
        date: t.requested_date ?? fallbackDate,
        quantity: open,
        ref: `transfer:${t.id}:${t.line_no}`,
        label: t.number,
      });
  }
  for (const t of adhoc) {
    const open = Number(t.open);
    // Ad-hoc transfers carry no arrival date: the next day is assumed.
    const next = new Date(Date.parse(`${t.shipped_at.slice(0, 10)}T00:00:00Z`) + 86_400_000).toISOString().slice(0, 10);
    if (open > 0)
      out.push({
        warehouseId: t.to_warehouse_id,
        date: next,
        quantity: open,
        ref: `stock-transfer:${t.id}`,
        label: t.number,
      });
  }
  return out;
}

/** Approved sales demand not yet allocated, per warehouse (what a new promise must queue behind). */
export async function backordersOf(
  db: Database,
  itemId: string,
  excludeOrderId?: string,
): Promise<Map<string, number>> {
  const rows = await db
    .selectFrom('order_lines as l')
    .innerJoin('orders as o', 'o.id', 'l.order_id')
    .select('l.warehouse_id')
    .select((eb) =>
      eb.fn
        .sum<number>(eb(eb('l.qty_ordered', '-', eb.ref('l.qty_cancelled')), '-', eb.ref('l.qty_allocated')))
        .as('open'),
    )
    .where('o.type', '=', 'sales')
    .where('o.status', 'in', ['approved', 'partially-shipped'])
    .where('l.item_id', '=', itemId)
    .where('o.id', '<>', excludeOrderId ?? '')
    .groupBy('l.warehouse_id')
    .execute();
  const m = new Map<string, number>();
  for (const r of rows) if (r.warehouse_id) m.set(r.warehouse_id, Number(r.open));
  return m;
}

/** Open allocation demand of approved sales and transfer orders, for a priority allocation run. */
export async function openDemand(db: Database, f: { orderIds?: readonly string[]; itemIds?: readonly string[] }) {
  let q = db
    .selectFrom('order_lines as l')
    .innerJoin('orders as o', 'o.id', 'l.order_id')
    .leftJoin('customers as c', 'c.id', 'o.customer_id')
    .select(['o.id as order_id', 'o.type', 'o.created_at', 'o.promised_date as header_promised', 'o.requested_date'])
    .select(['l.line_no', 'l.item_id', 'l.warehouse_id', 'l.lot', 'l.promised_date', 'c.grade'])
    .select((eb) =>
      eb(
        eb(eb('l.qty_ordered', '-', eb.ref('l.qty_cancelled')), '-', eb.ref('l.qty_allocated')),
        '+',
        sql<number>`0`,
      ).as('open'),
    )
    .where('o.type', 'in', ['sales', 'transfer', 'purchase-return'])
    .where('o.status', 'in', ['approved', 'partially-shipped'])
    .where((eb) => eb(eb(eb('l.qty_ordered', '-', eb.ref('l.qty_cancelled')), '-', eb.ref('l.qty_allocated')), '>', 0));
  if (f.orderIds) q = q.where('o.id', 'in', f.orderIds);
  if (f.itemIds) q = q.where('l.item_id', 'in', f.itemIds);
  return q.execute();
}

// ---------- rules ----------
type RuleTable = 'order_quotas' | 'warehouse_rules' | 'carrier_rules' | 'split_rules';

/** Inserts a rule or replaces every column of the one with its id. */
export async function saveRuleRow<T extends RuleTable>(
  db: Database,
  table: T,
  row: Insertable<DB[T]> & { id: string },
) {
  const { id: _id, ...rest } = row;
  // The four tables share the `id` key; kysely cannot type a conflict target over a table union.
  await db
    .insertInto(table)
    .values(row as never)
    .onConflict((oc) => oc.column('id' as never).doUpdateSet(rest as never))
    .execute();
}

export async function warehouseRules(db: Database) {
  const rows = await db.selectFrom('warehouse_rules').selectAll().where('active', '=', 1).orderBy('position').execute();
  return rows.map((r) => ({
    id: r.id,
    position: r.position,
    name: r.name,
    channelId: r.channel_id,
    region: r.region,
    customerId: r.customer_id,
    itemId: r.item_id,
    productGroup: r.product_group,
    warehouseIds: JSON.parse(r.warehouse_ids) as string[],
    mode: r.mode as 'availability' | 'priority',
  }));
}

export async function carrierRules(db: Database) {
  const rows = await db.selectFrom('carrier_rules').selectAll().where('active', '=', 1).orderBy('position').execute();
  return rows.map((r) => ({
    id: r.id,
    position: r.position,
    name: r.name,
    warehouseId: r.warehouse_id,
    region: r.region,
    channelId: r.channel_id,
    maxWeightGrams: r.max_weight_grams,
    carrierId: r.carrier_id,
  }));
}

export async function splitRules(db: Database) {
  return db.selectFrom('split_rules').selectAll().where('active', '=', 1).orderBy('position').execute();
}

export async function allRules(db: Database) {
  return {
    warehouse: await db.selectFrom('warehouse_rules').selectAll().orderBy('position').execute(),
    carrier: await db.selectFrom('carrier_rules').selectAll().orderBy('position').execute(),
    split: await db.selectFrom('split_rules').selectAll().orderBy('position').execute(),
    quotas: await db.selectFrom('order_quotas').selectAll().orderBy('customer_id').execute(),
  };
}

// ---------- fulfilments ----------
export async function insertFulfilment(
  db: Database,
  f: DB['order_fulfilments'],
  lines: readonly DB['order_fulfilment_lines'][],
): Promise<void> {
  await db.insertInto('order_fulfilments').values(f).execute();
  if (lines.length > 0)
    await db
      .insertInto('order_fulfilment_lines')
      .values([...lines])
      .execute();
}

export async function fulfilmentsOf(db: Database, orderId: string) {
  const heads = await db
    .selectFrom('order_fulfilments')
    .selectAll()
    .where('order_id', '=', orderId)
    .orderBy('at')
    .orderBy('id')
    .execute();
  const lines =
    heads.length === 0
      ? []
      : await db
          .selectFrom('order_fulfilment_lines')
          .selectAll()
          .where(
            'fulfilment_id',
            'in',
            heads.map((h) => h.id),
          )
          .execute();
  return heads.map((h) => ({ ...h, lines: lines.filter((l) => l.fulfilment_id === h.id) }));
}

/** Units per lot that a line shipped and (for transfers) has not received yet. */
export async function shippedLotsOf(db: Database, orderId: string, lineNo: number) {
  const rows = await db
    .selectFrom('order_fulfilment_lines as l')
    .innerJoin('order_fulfilments as f', 'f.id', 'l.fulfilment_id')
    .select(['f.kind', 'l.lot', 'l.expiry', 'l.quantity', 'f.at'])
    .where('f.order_id', '=', orderId)
    .where('l.line_no', '=', lineNo)
    .orderBy('f.at')
    .execute();
  const lots = new Map<string, { lot: string; expiry: string; quantity: number }>();
  for (const r of rows) {
    const k = `${r.lot}|${r.expiry}`;
    const e = lots.get(k) ?? { lot: r.lot, expiry: r.expiry, quantity: 0 };
    e.quantity += r.kind === 'ship' ? r.quantity : -r.quantity;
    lots.set(k, e);
  }
  return [...lots.values()].filter((l) => l.quantity > 0);
}

// ---------- returns ----------
/** Quantity already on open (not cancelled, not yet received) returns of an original line. */
export async function pendingReturns(db: Database, originalOrderId: string, lineNo: number, excludeOrderId: string) {
  const r = await db
    .selectFrom('order_lines as l')
    .innerJoin('orders as o', 'o.id', 'l.order_id')
    .select((eb) =>
      eb.fn
        // What a return has not yet moved: received back (sales) or shipped back (purchase).
        .sum<number>(
          eb(
            eb('l.qty_ordered', '-', eb.ref('l.qty_cancelled')),
            '-',
            sql<number>`case when ${sql.ref('o.type')} = 'purchase-return' then ${sql.ref('l.qty_shipped')} else ${sql.ref('l.qty_received')} end`,
          ),
        )
        .as('pending'),
    )
    .where('o.original_order_id', '=', originalOrderId)
    .where('o.status', 'not in', ['cancelled', 'closed'])
    .where('o.id', '<>', excludeOrderId)
    .where('l.original_line_no', '=', lineNo)
    .executeTakeFirst();
  return Number(r?.pending ?? 0);
}

// ---------- exceptions ----------
export async function insertException(db: Database, e: DB['order_exceptions']): Promise<void> {
  await db.insertInto('order_exceptions').values(e).execute();
}

export async function getException(db: Database, id: string) {
  return db.selectFrom('order_exceptions').selectAll().where('id', '=', id).executeTakeFirst();
}

export async function openExceptionsOf(db: Database, orderId: string, kind?: string) {
  let q = db.selectFrom('order_exceptions').selectAll().where('order_id', '=', orderId).where('status', '=', 'open');
  if (kind) q = q.where('kind', '=', kind);
  return q.execute();
}

export async function closeException(
  db: Database,
  id: string,
  r: { resolvedAt: string; resolvedBy: string; resolution: string; note: string | null },
): Promise<void> {
  await db
    .updateTable('order_exceptions')
    .set({
      status: 'resolved',
      resolved_at: r.resolvedAt,
      resolved_by: r.resolvedBy,
      resolution: r.resolution,
      note: r.note,
    })
    .where('id', '=', id)
    .execute();
}

export async function listExceptions(
  db: Database,
  f: { status?: 'open' | 'resolved' | undefined; kind?: string | undefined; orderId?: string; limit: number },
) {
  let q = db
    .selectFrom('order_exceptions as e')
    .innerJoin('orders as o', 'o.id', 'e.order_id')
    .leftJoin('customers as c', 'c.id', 'o.customer_id')
    .selectAll('e')
    .select(['o.number', 'o.type', 'o.status as order_status', 'c.name as customer_name']);
  if (f.status) q = q.where('e.status', '=', f.status);
  if (f.orderId) q = q.where('e.order_id', '=', f.orderId);
  if (f.kind) q = q.where('e.kind', '=', f.kind);
  return q.orderBy('e.created_at', 'desc').orderBy('e.id').limit(f.limit).execute();
}

/** Sales lines whose promise depends on a supply (for jeopardy alerts when the supply slips). */
export async function dependentLines(db: Database, supplyRef: string) {
  return db
    .selectFrom('order_lines as l')
    .innerJoin('orders as o', 'o.id', 'l.order_id')
    .select(['o.id as order_id', 'o.number', 'l.line_no', 'l.promised_date', 'l.qty_ordered', 'l.qty_shipped'])
    .where('l.promise_supply', '=', supplyRef)
    .where('o.status', 'in', ['approved', 'partially-shipped', 'held'])
    .execute();
}

// ---------- the order grid ----------
export const SORTABLE = {
  number: 'number',
  orderedAt: 'ordered_at',
  requestedDate: 'requested_date',
  promisedDate: 'promised_date',
  totalMinor: 'total_minor',
  progress: 'progress',
  status: 'status',
  externalRef: 'external_ref',
} as const satisfies Record<string, keyof OrderRow>;
export type SortKey = keyof typeof SORTABLE;

export interface OrderGridQuery {
  type: OrderType;
  sort: SortKey;
  dir: 'asc' | 'desc';
  statuses?: readonly string[] | undefined;
  dateFrom?: string | undefined;
  dateTo?: string | undefined;
  customerId?: string | undefined;
  warehouseId?: string | undefined;
  channelId?: string | undefined;
  held?: boolean | undefined;
  backordered?: boolean | undefined;
  parentId?: string | undefined;
  /** Prefix of the order number, the external reference, or a customer's code or name. */
  search?: string | undefined;
  after?: string | undefined;
  limit: number;
}

const escapeLike = (s: string) => s.replaceAll(/[\\%_]/g, (c) => `\\${c}`);

/**
 * One keyset page of the order list: sorted on one column then id, filtered server-side; the
 * cursor is the last row's (sort value, id). Nullable sort columns sort as '' so the keyset
 * comparison stays total. Never OFFSET: page 10,000 costs what page 1 costs.
 */
export async function orderGrid(db: Database, f: OrderGridQuery) {
  const col = SORTABLE[f.sort];
  const nullable = col === 'requested_date' || col === 'promised_date' || col === 'external_ref';
  const sortExpr = nullable ? sql<string>`coalesce(${sql.ref(`o.${col}`)}, '')` : sql.ref(`o.${col}`);
  let q = db.selectFrom('orders as o').where('o.type', '=', f.type);
  if (f.statuses && f.statuses.length > 0) q = q.where('o.status', 'in', f.statuses);
  if (f.dateFrom) q = q.where('o.ordered_at', '>=', f.dateFrom);
  if (f.dateTo) q = q.where('o.ordered_at', '<=', f.dateTo);
  if (f.customerId) q = q.where('o.customer_id', '=', f.customerId);
  if (f.warehouseId) q = q.where('o.warehouse_id', '=', f.warehouseId);
  if (f.channelId) q = q.where('o.channel_id', '=', f.channelId);
  if (f.held) q = q.where('o.status', '=', 'held');
  if (f.backordered) q = q.where('o.backordered', '=', 1);
  if (f.parentId) q = q.where('o.parent_id', '=', f.parentId);
  if (f.search) {
    const s = f.search.trim();
    const lower = `${escapeLike(s.toLowerCase())}%`;
    /*
     * Number and external reference: a prefix as typed or in capitals, as a range on the column
     * (the index serves it on every backend, where LIKE would scan on SQLite) that LIKE then
     * confirms (a range alone could admit neighbours under a non-C collation).
     */
    const prefixOf = (col: 'number' | 'external_ref', p: string) =>
      sql<SqlBool>`(${sql.ref(col)} >= ${p} and ${sql.ref(col)} < ${`${p}\u{10FFFF}`} and ${sql.ref(col)} like ${`${escapeLike(p)}%`} escape '\\')`;
    const variants = [...new Set([s, s.toUpperCase()])];
    /*
     * The candidates are a union of index searches (number range, external-ref range, the
     * matching customers' orders), so a selective search never scans the whole order table; the
     * page is then sorted and keyset-paged among them.
     */
    const branches = [
      ...variants.flatMap((v) =>
        (['number', 'external_ref'] as const).map((col) =>
          db.selectFrom('orders').select('id').where(prefixOf(col, v)),
        ),
      ),
      db
        .selectFrom('orders')
        .select('id')
        .where('customer_id', 'in', (eb) =>
          eb
            .selectFrom('customers as c')
            .select('c.id')
            .where((ce) =>
              ce.or([
                ce(ce.fn('lower', ['c.code']), 'like', sql<string>`${lower} escape '\\'`),
                ce(ce.fn('lower', ['c.name']), 'like', sql<string>`${lower} escape '\\'`),
              ]),
            ),
        ),
    ];
    const [first, ...rest] = branches;
    const candidates = rest.reduce((u, b) => u.union(b), first!);
    q = q.where('o.id', 'in', candidates);
  }
  if (f.after) {
    const parsed = JSON.parse(f.after) as unknown;
    if (Array.isArray(parsed) && parsed.length === 2) {
      const [v, id] = parsed as [string | number, string];
      const op = sql.raw(f.dir === 'asc' ? '>' : '<');
      q = q.where(sql<SqlBool>`(${sortExpr}, ${sql.ref('o.id')}) ${op} (${v}, ${id})`);
    }
  }
  const rows = await q
    .selectAll('o')
    .select(sortExpr.as('sort_value'))
    .orderBy(sortExpr, f.dir)
    .orderBy('o.id', f.dir)
    .limit(f.limit + 1)
    .execute();
  const more = rows.length > f.limit;
  const page = more ? rows.slice(0, f.limit) : rows;
  const last = page[page.length - 1];
  return { rows: page, next: more && last ? JSON.stringify([last.sort_value, last.id]) : null };
}

/** Names and codes for a page of orders, one statement per table. */
export async function namesFor(db: Database, rows: readonly OrderRow[]) {
  const ids = (pick: (r: OrderRow) => string | null) => [
    ...new Set(rows.map(pick).filter((x): x is string => x !== null)),
  ];
  const customers = ids((r) => r.customer_id);
  const suppliers = ids((r) => r.supplier_id);
  const warehouses = [...new Set([...ids((r) => r.warehouse_id), ...ids((r) => r.to_warehouse_id)])];
  const channels = ids((r) => r.channel_id);
  const carriers = ids((r) => r.carrier_id);
  const pick = async (
    table: 'customers' | 'suppliers' | 'warehouses' | 'sales_channels' | 'carriers',
    list: string[],
  ) =>
    list.length === 0
      ? new Map<string, { code: string; name: string }>()
      : new Map(
          (await db.selectFrom(table).select(['id', 'code', 'name']).where('id', 'in', list).execute()).map((r) => [
            r.id,
            { code: r.code, name: r.name },
          ]),
        );
  return {
    customers: await pick('customers', customers),
    suppliers: await pick('suppliers', suppliers),
    warehouses: await pick('warehouses', warehouses),
    channels: await pick('sales_channels', channels),
    carriers: await pick('carriers', carriers),
  };
}

/** Counts per status of one document type (the list's status tabs). */
export async function statusCounts(db: Database, type: OrderType): Promise<Record<string, number>> {
  const rows = await db
    .selectFrom('orders')
    .select(['status'])
    .select((eb) => eb.fn.countAll<number>().as('n'))
    .where('type', '=', type)
    .groupBy('status')
    .execute();
  return Object.fromEntries(rows.map((r) => [r.status, Number(r.n)]));
}
