import { PostgresAdapter, sql, type Expression, type ExpressionBuilder, type SqlBool } from 'kysely';
import type { Bucket, BucketId, HeldQuantity } from '../core/inventory/rules.ts';
import type { DemandRef, GridInput, LedgerRow, StockSelector } from '../core/inventory/schemas.ts';
import type { Database } from './connect.ts';
import type {
  DB,
  ReplenishmentProposalsTable,
  StockMovementsTable,
  StockReservationsTable,
  StockTransferLinesTable,
  StockTransfersTable,
} from './schema.ts';

/** A bucket that only ever lost stock has no receipt time; it sorts last in FIFO. */
export const NEVER_RECEIVED = '9999-12-31T23:59:59.999Z';

const KEY = ['item_id', 'warehouse_id', 'lot', 'expiry', 'owner_id'] as const;

type BalanceRowDb = DB['stock_balances'];

function toBucket(r: BalanceRowDb): Bucket {
  return {
    itemId: r.item_id,
    warehouseId: r.warehouse_id,
    lot: r.lot,
    expiry: r.expiry,
    ownerId: r.owner_id,
    qtyAvailable: r.qty_available,
    qtyFrozen: r.qty_frozen,
    qtyQuality: r.qty_quality,
    qtyInTransit: r.qty_in_transit,
    qtyReserved: r.qty_reserved,
    receivedAt: r.received_at,
  };
}

const keyOf = (b: BucketId) => ({
  item_id: b.itemId,
  warehouse_id: b.warehouseId,
  lot: b.lot,
  expiry: b.expiry,
  owner_id: b.ownerId,
});

export async function getBucket(db: Database, id: BucketId): Promise<Bucket | undefined> {
  const k = keyOf(id);
  const row = await db
    .selectFrom('stock_balances')
    .selectAll()
    .where('item_id', '=', k.item_id)
    .where('warehouse_id', '=', k.warehouse_id)
    .where('lot', '=', k.lot)
    .where('expiry', '=', k.expiry)
    .where('owner_id', '=', k.owner_id)
    .executeTakeFirst();
  return row ? toBucket(row) : undefined;
}

/** The buckets of one item in one warehouse (optionally one lot / owner): what allocation chooses from. */
export async function loadBuckets(
  db: Database,
  filter: { itemId: string; warehouseId: string; lot?: string | undefined; ownerId?: string | undefined },
): Promise<Bucket[]> {
  let q = db
    .selectFrom('stock_balances')
    .selectAll()
    .where('item_id', '=', filter.itemId)
    .where('warehouse_id', '=', filter.warehouseId);
  if (filter.lot !== undefined) q = q.where('lot', '=', filter.lot);
  if (filter.ownerId !== undefined) q = q.where('owner_id', '=', filter.ownerId);
  return (await q.execute()).map(toBucket);
}

/** The tracking flags commands need of an item, for many items in one statement. */
export async function itemFlags(
  db: Database,
  ids: readonly string[],
): Promise<Map<string, { lotTracked: boolean; expiryTracked: boolean }>> {
  if (ids.length === 0) return new Map();
  const rows = await db
    .selectFrom('items')
    .select(['id', 'lot_tracked', 'expiry_tracked'])
    .where('id', 'in', [...new Set(ids)])
    .execute();
  return new Map(rows.map((r) => [r.id, { lotTracked: r.lot_tracked === 1, expiryTracked: r.expiry_tracked === 1 }]));
}

export async function warehouseFlags(
  db: Database,
  ids: readonly string[],
): Promise<Map<string, { code: string; allowNegative: boolean }>> {
  if (ids.length === 0) return new Map();
  const rows = await db
    .selectFrom('warehouses')
    .select(['id', 'code', 'allow_negative_stock'])
    .where('id', 'in', [...new Set(ids)])
    .execute();
  return new Map(rows.map((r) => [r.id, { code: r.code, allowNegative: r.allow_negative_stock === 1 }]));
}

/** The buckets of several item × warehouse pairs in one statement (a demand's lines). */
export async function loadBucketsOfPairs(
  db: Database,
  pairs: ReadonlyArray<{ itemId: string; warehouseId: string }>,
): Promise<Bucket[]> {
  if (pairs.length === 0) return [];
  const items = [...new Set(pairs.map((p) => p.itemId))];
  const warehouses = [...new Set(pairs.map((p) => p.warehouseId))];
  const wanted = new Set(pairs.map((p) => `${p.itemId}|${p.warehouseId}`));
  let query = db
    .selectFrom('stock_balances')
    .selectAll()
    .where('item_id', 'in', items)
    .where('warehouse_id', 'in', warehouses);
  // PostgreSQL runs commands concurrently: lock the buckets (in key order, so two commands never
  // wait on each other crosswise) before deciding, so a second reservation sees the first and is
  // refused with what is really left. SQLite has one writer at a time and no FOR UPDATE.
  if (db.getExecutor().adapter instanceof PostgresAdapter)
    query = query
      .orderBy('item_id')
      .orderBy('warehouse_id')
      .orderBy('lot')
      .orderBy('expiry')
      .orderBy('owner_id')
      .forUpdate();
  const rows = await query.execute();
  return rows.filter((r) => wanted.has(`${r.item_id}|${r.warehouse_id}`)).map(toBucket);
}

export interface BucketDelta {
  available?: number;
  frozen?: number;
  quality?: number;
  inTransit?: number;
  reserved?: number;
  /** The time of a movement that brought stock in (keeps the FIFO receipt time). */
  receivedAt?: string;
}

/**
 * Adds deltas to buckets and returns the buckets as now stored. Increments in SQL, not a
 * read-modify-write, so two server transactions on one bucket cannot lose an update; the rows
 * returned are locked by this write, so the caller's invariant check sees the committed truth.
 * One multi-row upsert, each bucket at most once (PostgreSQL refuses to update a row twice in a
 * statement).
 */
export async function applyBucketDeltas(
  db: Database,
  entries: ReadonlyArray<{ id: BucketId; d: BucketDelta }>,
): Promise<Bucket[]> {
  const out: Bucket[] = [];
  // 11 parameters a row; PostgreSQL allows 65,535 a statement.
  for (let i = 0; i < entries.length; i += 1000) {
    const rows = await db
      .insertInto('stock_balances')
      .values(
        entries.slice(i, i + 1000).map(({ id, d }) => ({
          ...keyOf(id),
          qty_available: d.available ?? 0,
          qty_frozen: d.frozen ?? 0,
          qty_quality: d.quality ?? 0,
          qty_in_transit: d.inTransit ?? 0,
          qty_reserved: d.reserved ?? 0,
          received_at: d.receivedAt ?? NEVER_RECEIVED,
        })),
      )
      .onConflict((oc) =>
        oc.columns([...KEY]).doUpdateSet((eb) => ({
          qty_available: eb('stock_balances.qty_available', '+', eb.ref('excluded.qty_available')),
          qty_frozen: eb('stock_balances.qty_frozen', '+', eb.ref('excluded.qty_frozen')),
          qty_quality: eb('stock_balances.qty_quality', '+', eb.ref('excluded.qty_quality')),
          qty_in_transit: eb('stock_balances.qty_in_transit', '+', eb.ref('excluded.qty_in_transit')),
          qty_reserved: eb('stock_balances.qty_reserved', '+', eb.ref('excluded.qty_reserved')),
          received_at: sql<string>`case when excluded.received_at < stock_balances.received_at then excluded.received_at else stock_balances.received_at end`,
        })),
      )
      .returningAll()
      .execute();
    for (const r of rows) out.push(toBucket(r));
  }
  return out;
}

export type NewMovement = StockMovementsTable;
export type NewReservation = StockReservationsTable;

export async function insertMovements(db: Database, rows: readonly NewMovement[]): Promise<void> {
  // Chunked: PostgreSQL allows 65,535 bound parameters per statement and a row binds 18.
  for (let i = 0; i < rows.length; i += 500)
    await db
      .insertInto('stock_movements')
      .values(rows.slice(i, i + 500))
      .execute();
}

export async function insertReservations(db: Database, rows: readonly NewReservation[]): Promise<void> {
  for (let i = 0; i < rows.length; i += 500)
    await db
      .insertInto('stock_reservations')
      .values(rows.slice(i, i + 500))
      .execute();
}

/** What a demand line holds, per bucket (net of releases). */
export async function heldByDemand(db: Database, demand: DemandRef): Promise<HeldQuantity[]> {
  const rows = await db
    .selectFrom('stock_reservations')
    .select([...KEY])
    .select((eb) => [eb.fn.sum<number>('quantity').as('quantity'), eb.fn.max('created_at').as('created_at')])
    .where('demand_type', '=', demand.type)
    .where('demand_id', '=', demand.id)
    .where('demand_line', '=', demand.line)
    .groupBy([...KEY])
    .execute();
  return rows
    .map((r) => ({
      bucket: { itemId: r.item_id, warehouseId: r.warehouse_id, lot: r.lot, expiry: r.expiry, ownerId: r.owner_id },
      quantity: Number(r.quantity),
      createdAt: r.created_at,
    }))
    .filter((h) => h.quantity > 0);
}

/** The demand lines holding a bucket's stock, newest reservation first. */
export async function holdersOfBucket(
  db: Database,
  id: BucketId,
): Promise<Array<{ demand: DemandRef; quantity: number; createdAt: string }>> {
  const k = keyOf(id);
  const rows = await db
    .selectFrom('stock_reservations')
    .select(['demand_type', 'demand_id', 'demand_line'])
    .select((eb) => [eb.fn.sum<number>('quantity').as('quantity'), eb.fn.max('created_at').as('created_at')])
    .where('item_id', '=', k.item_id)
    .where('warehouse_id', '=', k.warehouse_id)
    .where('lot', '=', k.lot)
    .where('expiry', '=', k.expiry)
    .where('owner_id', '=', k.owner_id)
    .groupBy(['demand_type', 'demand_id', 'demand_line'])
    .execute();
  return rows
    .map((r) => ({
      demand: { type: r.demand_type as DemandRef['type'], id: r.demand_id, line: r.demand_line },
      quantity: Number(r.quantity),
      createdAt: r.created_at,
    }))
    .filter((h) => h.quantity > 0)
    .sort((a, b) =>
      a.createdAt !== b.createdAt
        ? a.createdAt < b.createdAt
          ? 1
          : -1
        : `${a.demand.id}|${a.demand.line}` < `${b.demand.id}|${b.demand.line}`
          ? 1
          : -1,
    );
}

/** Buckets a freeze/unfreeze selector matches, across every warehouse unless it names some. */
export async function selectBuckets(db: Database, s: StockSelector, having: 'available' | 'frozen'): Promise<Bucket[]> {
  let q = db.selectFrom('stock_balances').selectAll();
  if (s.itemId) q = q.where('item_id', '=', s.itemId);
  if (s.lot) q = q.where('lot', '=', s.lot);
  if (s.expiryFrom) q = q.where('expiry', '>=', s.expiryFrom).where('expiry', '<>', '');
  if (s.expiryTo) q = q.where('expiry', '<=', s.expiryTo).where('expiry', '<>', '');
  if (s.warehouseIds && s.warehouseIds.length > 0) q = q.where('warehouse_id', 'in', s.warehouseIds);
  if (s.ownerId) q = q.where('owner_id', '=', s.ownerId);
  q = having === 'available' ? q.where('qty_available', '>', 0) : q.where('qty_frozen', '>', 0);
  const rows = await q
    .orderBy('warehouse_id')
    .orderBy('item_id')
    .orderBy('lot')
    .orderBy('expiry')
    .orderBy('owner_id')
    .execute();
  return rows.map(toBucket);
}

/** Every bucket of one lot (item + lot + expiry) holding stock or reservations, in one or all warehouses. */
export async function bucketsOfLot(
  db: Database,
  f: { itemId: string; lot: string; expiry: string; warehouseId?: string | undefined },
): Promise<Bucket[]> {
  let q = db
    .selectFrom('stock_balances')
    .selectAll()
    .where('item_id', '=', f.itemId)
    .where('lot', '=', f.lot)
    .where('expiry', '=', f.expiry)
    .where((eb) =>
      eb.or([
        eb('qty_available', '<>', 0),
        eb('qty_frozen', '<>', 0),
        eb('qty_quality', '<>', 0),
        eb('qty_reserved', '<>', 0),
      ]),
    );
  if (f.warehouseId) q = q.where('warehouse_id', '=', f.warehouseId);
  return (await q.orderBy('warehouse_id').orderBy('owner_id').execute()).map(toBucket);
}

/** Total free / frozen stock of one item in one warehouse (per lot if given), for error messages. */
export async function stockSummary(
  db: Database,
  f: { itemId: string; warehouseId: string; lot?: string | undefined; ownerId?: string | undefined },
): Promise<{ free: number; frozen: number; quality: number }> {
  const buckets = await loadBuckets(db, f);
  return buckets.reduce(
    (acc, b) => ({
      free: acc.free + Math.max(b.qtyAvailable - b.qtyReserved, 0),
      frozen: acc.frozen + b.qtyFrozen,
      quality: acc.quality + b.qtyQuality,
    }),
    { free: 0, frozen: 0, quality: 0 },
  );
}

// ---------- transfers ----------
export async function insertTransfer(
  db: Database,
  header: StockTransfersTable,
  lines: readonly StockTransferLinesTable[],
): Promise<void> {
  await db.insertInto('stock_transfers').values(header).execute();
  await db
    .insertInto('stock_transfer_lines')
    .values([...lines])
    .execute();
}

export async function getTransfer(
  db: Database,
  id: string,
): Promise<{ header: StockTransfersTable; lines: StockTransferLinesTable[] } | undefined> {
  const header = await db.selectFrom('stock_transfers').selectAll().where('id', '=', id).executeTakeFirst();
  if (!header) return undefined;
  const lines = await db
    .selectFrom('stock_transfer_lines')
    .selectAll()
    .where('transfer_id', '=', id)
    .orderBy('line_no')
    .execute();
  return { header, lines };
}

export async function saveTransferReceipt(
  db: Database,
  id: string,
  expectedVersion: number,
  status: string,
  receivedAt: string | null,
  lines: ReadonlyArray<{ lineNo: number; qtyReceived: number }>,
): Promise<boolean> {
  const res = await db
    .updateTable('stock_transfers')
    .set({ status, received_at: receivedAt, version: expectedVersion + 1 })
    .where('id', '=', id)
    .where('version', '=', expectedVersion)
    .executeTakeFirst();
  if (Number(res.numUpdatedRows) !== 1) return false;
  for (const l of lines)
    await db
      .updateTable('stock_transfer_lines')
      .set({ qty_received: l.qtyReceived })
      .where('transfer_id', '=', id)
      .where('line_no', '=', l.lineNo)
      .execute();
  return true;
}

export async function listTransfers(
  db: Database,
  f: { status?: string | undefined; limit: number },
): Promise<
  Array<
    StockTransfersTable & {
      from_code: string;
      to_code: string;
      line_count: number;
      qty_shipped: number;
      qty_received: number;
    }
  >
> {
  let q = db
    .selectFrom('stock_transfers as t')
    .innerJoin('warehouses as wf', 'wf.id', 't.from_warehouse_id')
    .innerJoin('warehouses as wt', 'wt.id', 't.to_warehouse_id')
    .innerJoin('stock_transfer_lines as l', 'l.transfer_id', 't.id')
    .selectAll('t')
    .select((eb) => [
      'wf.code as from_code',
      'wt.code as to_code',
      eb.fn.count<number>('l.line_no').as('line_count'),
      eb.fn.sum<number>('l.qty_shipped').as('qty_shipped'),
      eb.fn.sum<number>('l.qty_received').as('qty_received'),
    ])
    .groupBy([
      't.id',
      't.number',
      't.kind',
      't.from_warehouse_id',
      't.to_warehouse_id',
      't.status',
      't.proposal_id',
      't.note',
      't.actor',
      't.shipped_at',
      't.received_at',
      't.version',
      'wf.code',
      'wt.code',
    ]);
  if (f.status) q = q.where('t.status', '=', f.status);
  const rows = await q.orderBy('t.shipped_at', 'desc').orderBy('t.id', 'desc').limit(f.limit).execute();
  return rows.map((r) => ({
    ...r,
    line_count: Number(r.line_count),
    qty_shipped: Number(r.qty_shipped),
    qty_received: Number(r.qty_received),
  }));
}

// ---------- replenishment ----------
export async function upsertRule(db: Database, r: DB['replenishment_rules']): Promise<void> {
  await db
    .insertInto('replenishment_rules')
    .values(r)
    .onConflict((oc) =>
      oc.columns(['item_id', 'warehouse_id']).doUpdateSet({
        min_qty: r.min_qty,
        max_qty: r.max_qty,
        safety_stock: r.safety_stock,
        updated_at: r.updated_at,
      }),
    )
    .execute();
}

export async function getRule(db: Database, itemId: string, warehouseId: string) {
  return db
    .selectFrom('replenishment_rules')
    .selectAll()
    .where('item_id', '=', itemId)
    .where('warehouse_id', '=', warehouseId)
    .executeTakeFirst();
}

/** Own stock position per item × warehouse: free (available − reserved) and in transit. */
export async function ownPositions(
  db: Database,
  f: { itemIds?: readonly string[]; warehouseIds?: readonly string[] | undefined },
): Promise<Array<{ itemId: string; warehouseId: string; free: number; inTransit: number }>> {
  let q = db
    .selectFrom('stock_balances')
    .select(['item_id', 'warehouse_id'])
    .select((eb) => [
      eb.fn.sum<number>(eb('qty_available', '-', eb.ref('qty_reserved'))).as('free'),
      eb.fn.sum<number>('qty_in_transit').as('in_transit'),
    ])
    .where('owner_id', '=', 'own')
    .groupBy(['item_id', 'warehouse_id']);
  if (f.itemIds) q = f.itemIds.length === 0 ? q.where(sql<SqlBool>`1 = 0`) : q.where('item_id', 'in', f.itemIds);
  if (f.warehouseIds && f.warehouseIds.length > 0) q = q.where('warehouse_id', 'in', f.warehouseIds);
  const rows = await q.execute();
  return rows.map((r) => ({
    itemId: r.item_id,
    warehouseId: r.warehouse_id,
    free: Number(r.free),
    inTransit: Number(r.in_transit),
  }));
}

export async function listRules(db: Database, f: { warehouseIds?: readonly string[] | undefined; itemId?: string }) {
  let q = db.selectFrom('replenishment_rules').selectAll();
  if (f.warehouseIds && f.warehouseIds.length > 0) q = q.where('warehouse_id', 'in', f.warehouseIds);
  if (f.itemId) q = q.where('item_id', '=', f.itemId);
  return q.orderBy('item_id').orderBy('warehouse_id').execute();
}

export async function hasOpenProposal(db: Database, itemId: string, warehouseId: string): Promise<boolean> {
  const row = await db
    .selectFrom('replenishment_proposals')
    .select('id')
    .where('status', '=', 'open')
    .where('item_id', '=', itemId)
    .where('warehouse_id', '=', warehouseId)
    .executeTakeFirst();
  return row !== undefined;
}

export async function insertProposals(db: Database, rows: readonly ReplenishmentProposalsTable[]): Promise<void> {
  if (rows.length > 0)
    await db
      .insertInto('replenishment_proposals')
      .values([...rows])
      .execute();
}

export async function getProposal(db: Database, id: string) {
  return db.selectFrom('replenishment_proposals').selectAll().where('id', '=', id).executeTakeFirst();
}

export async function decideProposal(
  db: Database,
  id: string,
  status: 'confirmed' | 'dismissed',
  by: string,
  at: string,
): Promise<boolean> {
  const res = await db
    .updateTable('replenishment_proposals')
    .set({ status, decided_by: by, decided_at: at })
    .where('id', '=', id)
    .where('status', '=', 'open')
    .executeTakeFirst();
  return Number(res.numUpdatedRows) === 1;
}

export async function linkProposalTransfer(db: Database, proposalId: string, transferId: string): Promise<void> {
  await db
    .updateTable('replenishment_proposals')
    .set({ transfer_id: transferId })
    .where('id', '=', proposalId)
    .execute();
}

export async function listProposals(db: Database, f: { status?: string | undefined; limit: number }) {
  let q = db
    .selectFrom('replenishment_proposals as p')
    .innerJoin('items as i', 'i.id', 'p.item_id')
    .innerJoin('warehouses as w', 'w.id', 'p.warehouse_id')
    .leftJoin('warehouses as wf', 'wf.id', 'p.from_warehouse_id')
    .selectAll('p')
    .select([
      'i.sku',
      'i.name as item_name',
      'i.name_en as item_name_en',
      'w.code as warehouse_code',
      'wf.code as from_code',
    ]);
  if (f.status) q = q.where('p.status', '=', f.status);
  return q.orderBy('p.created_at', 'desc').orderBy('p.id').limit(f.limit).execute();
}

/** Rules whose own position (free + in transit) is below the minimum. */
export async function lowStock(db: Database, f: { warehouseId?: string | undefined; limit: number }) {
  let q = db
    .selectFrom('replenishment_rules as r')
    .innerJoin('items as i', 'i.id', 'r.item_id')
    .innerJoin('warehouses as w', 'w.id', 'r.warehouse_id')
    .leftJoin(
      (eb) =>
        eb
          .selectFrom('stock_balances')
          .select(['item_id', 'warehouse_id'])
          .select((e) => [
            e.fn.sum<number>(e('qty_available', '-', e.ref('qty_reserved'))).as('free'),
            e.fn.sum<number>('qty_in_transit').as('in_transit'),
          ])
          .where('owner_id', '=', 'own')
          .groupBy(['item_id', 'warehouse_id'])
          .as('b'),
      (join) => join.onRef('b.item_id', '=', 'r.item_id').onRef('b.warehouse_id', '=', 'r.warehouse_id'),
    )
    .select([
      'r.item_id',
      'r.warehouse_id',
      'r.min_qty',
      'r.max_qty',
      'r.safety_stock',
      'i.sku',
      'i.name as item_name',
      'i.name_en as item_name_en',
      'w.code as warehouse_code',
    ])
    .select((eb) => [
      eb.fn.coalesce('b.free', sql<number>`0`).as('free'),
      eb.fn.coalesce('b.in_transit', sql<number>`0`).as('in_transit'),
    ])
    .where((eb) =>
      eb(
        eb(eb.fn.coalesce('b.free', sql<number>`0`), '+', eb.fn.coalesce('b.in_transit', sql<number>`0`)),
        '<',
        eb.ref('r.min_qty'),
      ),
    );
  if (f.warehouseId) q = q.where('r.warehouse_id', '=', f.warehouseId);
  const rows = await q.orderBy('i.sku').orderBy('w.code').limit(f.limit).execute();
  return rows.map((r) => ({ ...r, free: Number(r.free), in_transit: Number(r.in_transit) }));
}

// ---------- the network grid ----------
const SUMS = {
  available: 'qty_available',
  frozen: 'qty_frozen',
  quality: 'qty_quality',
  inTransit: 'qty_in_transit',
  reserved: 'qty_reserved',
} as const;

/** Grid rows: balances grouped by the chosen dimensions, in key order, keyset-paged. */
/** `chunk` is how many items a page is built from per step; tests make it small to cross chunk edges. */
export async function inventoryGrid(db: Database, input: GridInput, chunk = 250) {
  const dims = new Set(input.groupBy);
  const byWarehouse = dims.has('warehouse');
  const byLot = dims.has('lot');
  const byOwner = dims.has('owner');

  const escaped = input.search ? input.search.toLowerCase().replaceAll(/[\\%_]/g, (c) => `\\${c}`) : null;
  const search = escaped === null ? null : { prefix: `${escaped}%`, contains: `%${escaped}%` };

  const filtered = () => {
    let q = db
      .selectFrom('stock_balances as b')
      .innerJoin('items as i', 'i.id', 'b.item_id')
      .innerJoin('warehouses as w', 'w.id', 'b.warehouse_id');
    if (input.warehouseId) q = q.where('b.warehouse_id', '=', input.warehouseId);
    if (input.itemId) q = q.where('b.item_id', '=', input.itemId);
    if (input.lot) q = q.where('b.lot', '=', input.lot);
    if (input.ownerId) q = q.where('b.owner_id', '=', input.ownerId);
    if (search)
      q = q.where((eb) =>
        eb.or([
          eb(eb.fn('lower', ['i.sku']), 'like', sql<string>`${search.prefix} escape '\\'`),
          eb(eb.fn('lower', ['i.name']), 'like', sql<string>`${search.contains} escape '\\'`),
          eb(eb.fn('lower', ['b.lot']), 'like', sql<string>`${search.prefix} escape '\\'`),
        ]),
      );
    return q;
  };

  const sums = (eb: ExpressionBuilder<DB & { b: DB['stock_balances'] }, 'b'>) =>
    Object.entries(SUMS).map(([alias, col]) => eb.fn.sum<number>(`b.${col}`).as(alias));
  const notEmpty = (eb: ExpressionBuilder<DB & { b: DB['stock_balances'] }, 'b'>): Expression<SqlBool> => {
    const nonZero = Object.values(SUMS).map((col) => eb(eb.fn.sum(`b.${col}`), '<>', 0));
    const list = input.onlyFrozen ? [eb(eb.fn.sum('b.qty_frozen'), '>', 0)] : nonZero;
    return input.onlyFrozen ? list[0]! : eb.or(list);
  };

  // Keyset: the group key in display order; the cursor is the last row's key as JSON.
  const keyCols = [
    'i.sku',
    'b.item_id',
    ...(byWarehouse ? (['w.code', 'b.warehouse_id'] as const) : []),
    ...(byLot ? (['b.lot', 'b.expiry'] as const) : []),
    ...(byOwner ? (['b.owner_id'] as const) : []),
  ] as const;

  const grouped = () => {
    let q = filtered()
      .select(['b.item_id', 'i.sku', 'i.name as item_name', 'i.name_en as item_name_en', 'i.base_uom'])
      .select((eb) => [
        byWarehouse ? eb.ref('b.warehouse_id').as('warehouse_id') : sql<string | null>`null`.as('warehouse_id'),
        byWarehouse ? eb.ref('w.code').as('warehouse_code') : sql<string | null>`null`.as('warehouse_code'),
        byWarehouse ? eb.ref('w.name').as('warehouse_name') : sql<string | null>`null`.as('warehouse_name'),
        byLot ? eb.ref('b.lot').as('lot') : sql<string | null>`null`.as('lot'),
        byLot ? eb.ref('b.expiry').as('expiry') : sql<string | null>`null`.as('expiry'),
        byOwner ? eb.ref('b.owner_id').as('owner_id') : sql<string | null>`null`.as('owner_id'),
        ...sums(eb),
      ])
      .groupBy(['b.item_id', 'i.sku', 'i.name', 'i.name_en', 'i.base_uom'])
      .having(notEmpty);
    if (byWarehouse) q = q.groupBy(['b.warehouse_id', 'w.code', 'w.name']);
    if (byLot) q = q.groupBy(['b.lot', 'b.expiry']);
    if (byOwner) q = q.groupBy(['b.owner_id']);
    return q;
  };

  let cursor: unknown[] | null = null;
  if (input.after) {
    const values = JSON.parse(input.after) as unknown;
    if (Array.isArray(values) && values.length === keyCols.length && typeof values[0] === 'string') cursor = values;
  }
  /*
   * Grouping every balance and sorting the groups costs a scan of the whole table per page. The
   * page is instead built from the next chunks of items in SKU order (the items' unique index),
   * grouping only their balances, until the page is full: a page costs the same on the first and
   * the thousandth screen, whatever the table's size.
   */
  const CHUNK = chunk;
  const raw: Awaited<ReturnType<ReturnType<typeof grouped>['execute']>> = [];
  let from: { sku: string; id: string; inclusive: boolean } | null = cursor
    ? { sku: String(cursor[0]), id: String(cursor[1]), inclusive: true }
    : null;
  for (;;) {
    let iq = db.selectFrom('items').select(['id', 'sku']).orderBy('sku').orderBy('id').limit(CHUNK);
    if (input.itemId) iq = iq.where('id', '=', input.itemId);
    // With a search, only items that can match are candidates (by SKU, name, or one of their lots).
    if (search)
      iq = iq.where((e) =>
        e.or([
          e(e.fn('lower', ['sku']), 'like', sql<string>`${search.prefix} escape '\\'`),
          e(e.fn('lower', ['name']), 'like', sql<string>`${search.contains} escape '\\'`),
          e(
            'id',
            'in',
            e
              .selectFrom('stock_balances as s')
              .select('s.item_id')
              .where((se) => se(se.fn('lower', ['s.lot']), 'like', sql<string>`${search.prefix} escape '\\'`)),
          ),
        ]),
      );
    if (from)
      iq = iq.where(
        sql<SqlBool>`(${sql.ref('sku')}, ${sql.ref('id')}) ${sql.raw(from.inclusive ? '>=' : '>')} (${from.sku}, ${from.id})`,
      );
    const chunk = await iq.execute();
    if (chunk.length === 0) break;
    let q = grouped().where(
      'b.item_id',
      'in',
      chunk.map((c) => c.id),
    );
    if (cursor) q = q.where(sql<SqlBool>`(${sql.join(keyCols.map((c) => sql.ref(c)))}) > (${sql.join(cursor)})`);
    for (const c of keyCols) q = q.orderBy(sql.ref(c));
    raw.push(...(await q.limit(input.limit - raw.length).execute()));
    const last = chunk.at(-1);
    if (raw.length >= input.limit || chunk.length < CHUNK || !last) break;
    from = { sku: last.sku, id: last.id, inclusive: false };
  }

  const ownerIds = [...new Set(raw.map((r) => r.owner_id).filter((o): o is string => !!o && o !== 'own'))];
  const owners =
    ownerIds.length > 0
      ? new Map(
          (await db.selectFrom('suppliers').select(['id', 'name']).where('id', 'in', ownerIds).execute()).map((s) => [
            s.id,
            s.name,
          ]),
        )
      : new Map<string, string>();

  const rows = raw.map((r) => {
    const available = Number(r.available);
    const frozen = Number(r.frozen);
    const quality = Number(r.quality);
    const reserved = Number(r.reserved);
    const key: unknown[] = [r.sku, r.item_id];
    if (byWarehouse) key.push(r.warehouse_code, r.warehouse_id);
    if (byLot) key.push(r.lot, r.expiry);
    if (byOwner) key.push(r.owner_id);
    return {
      itemId: r.item_id,
      sku: r.sku,
      itemName: r.item_name,
      itemNameEn: r.item_name_en,
      baseUom: r.base_uom,
      warehouseId: r.warehouse_id,
      warehouseCode: r.warehouse_code,
      warehouseName: r.warehouse_name,
      lot: r.lot,
      expiry: r.expiry,
      ownerId: r.owner_id,
      ownerName: r.owner_id && r.owner_id !== 'own' ? (owners.get(r.owner_id) ?? null) : null,
      onHand: available + frozen + quality,
      available: available - reserved,
      reserved,
      inTransit: Number(r.inTransit),
      frozen,
      quality,
      cursor: JSON.stringify(key),
    };
  });

  // Totals and the group count over the whole filter, on the first page only: one scan, no sort.
  let totals = { onHand: 0, available: 0, reserved: 0, inTransit: 0, frozen: 0, quality: 0 };
  let count = rows.length;
  if (!input.after) {
    const groupKey =
      byWarehouse && byLot && byOwner
        ? null
        : sql.join(
            [
              sql.ref('b.item_id'),
              ...(byWarehouse ? [sql.ref('b.warehouse_id')] : []),
              ...(byLot ? [sql.ref('b.lot'), sql.ref('b.expiry')] : []),
              ...(byOwner ? [sql.ref('b.owner_id')] : []),
            ],
            sql` || '|' || `,
          );
    const counted = input.onlyFrozen
      ? sql`b.qty_frozen > 0`
      : sql`(b.qty_available <> 0 or b.qty_frozen <> 0 or b.qty_quality <> 0 or b.qty_in_transit <> 0 or b.qty_reserved <> 0)`;
    // The balances alone, no joins: the search (which needs the item) becomes a list of item ids.
    let tq = db.selectFrom('stock_balances as b');
    if (input.warehouseId) tq = tq.where('b.warehouse_id', '=', input.warehouseId);
    if (input.itemId) tq = tq.where('b.item_id', '=', input.itemId);
    if (input.lot) tq = tq.where('b.lot', '=', input.lot);
    if (input.ownerId) tq = tq.where('b.owner_id', '=', input.ownerId);
    if (search)
      tq = tq.where((eb) =>
        eb.or([
          eb(eb.fn('lower', ['b.lot']), 'like', sql<string>`${search.prefix} escape '\\'`),
          eb(
            'b.item_id',
            'in',
            eb
              .selectFrom('items as i')
              .select('i.id')
              .where((e) =>
                e.or([
                  e(e.fn('lower', ['i.sku']), 'like', sql<string>`${search.prefix} escape '\\'`),
                  e(e.fn('lower', ['i.name']), 'like', sql<string>`${search.contains} escape '\\'`),
                ]),
              ),
          ),
        ]),
      );
    const t = await tq
      .select((eb) => [
        ...sums(eb),
        (groupKey
          ? sql<number>`count(distinct case when ${counted} then ${groupKey} end)`
          : sql<number>`count(case when ${counted} then 1 end)`
        ).as('groups'),
      ])
      .executeTakeFirst();
    if (t) {
      const av = Number(t.available ?? 0);
      const fr = Number(t.frozen ?? 0);
      const ql = Number(t.quality ?? 0);
      const rs = Number(t.reserved ?? 0);
      totals = {
        onHand: av + fr + ql,
        available: av - rs,
        reserved: rs,
        inTransit: Number(t.inTransit ?? 0),
        frozen: fr,
        quality: ql,
      };
      count = Number(t.groups ?? 0);
    }
  }
  return { rows, totals, count };
}

// ---------- drill-down ----------
const FIGURE_STATUSES: Record<string, readonly string[] | null> = {
  onHand: ['available', 'frozen', 'quality'],
  available: ['available'],
  inTransit: ['in_transit'],
  frozen: ['frozen'],
  quality: ['quality'],
  reserved: [],
  all: null,
};

export async function ledgerRows(
  db: Database,
  f: {
    itemId: string;
    warehouseId?: string | undefined;
    lot?: string | undefined;
    expiry?: string | undefined;
    ownerId?: string | undefined;
    figure: string;
    after?: string | undefined;
    limit: number;
  },
): Promise<LedgerRow[]> {
  const statuses = FIGURE_STATUSES[f.figure] ?? null;
  const withReservations = f.figure === 'reserved' || f.figure === 'available' || f.figure === 'all';
  const cursor = f.after ? (JSON.parse(f.after) as [string, string]) : null;
  const out: LedgerRow[] = [];

  if (statuses === null || statuses.length > 0) {
    let q = db
      .selectFrom('stock_movements as m')
      .innerJoin('warehouses as w', 'w.id', 'm.warehouse_id')
      .selectAll('m')
      .select('w.code as warehouse_code')
      .where('m.item_id', '=', f.itemId);
    if (f.warehouseId) q = q.where('m.warehouse_id', '=', f.warehouseId);
    if (f.lot !== undefined) q = q.where('m.lot', '=', f.lot);
    if (f.expiry !== undefined) q = q.where('m.expiry', '=', f.expiry);
    if (f.ownerId !== undefined) q = q.where('m.owner_id', '=', f.ownerId);
    if (statuses) q = q.where('m.status', 'in', statuses);
    if (cursor) q = q.where((eb) => eb(eb.refTuple('m.created_at', 'm.id'), '<', eb.tuple(cursor[0], cursor[1])));
    const rows = await q.orderBy('m.created_at', 'desc').orderBy('m.id', 'desc').limit(f.limit).execute();
    for (const r of rows)
      out.push({
        id: r.id,
        source: 'movement',
        kind: r.kind,
        createdAt: r.created_at,
        warehouseCode: r.warehouse_code,
        lot: r.lot,
        expiry: r.expiry,
        ownerId: r.owner_id,
        status: r.status,
        quantity: r.quantity,
        reasonCode: r.reason_code,
        note: r.note,
        docType: r.doc_type,
        docId: r.doc_id,
        docLine: r.doc_line,
        actor: r.actor,
      });
  }
  if (withReservations) {
    let q = db
      .selectFrom('stock_reservations as r')
      .innerJoin('warehouses as w', 'w.id', 'r.warehouse_id')
      .selectAll('r')
      .select('w.code as warehouse_code')
      .where('r.item_id', '=', f.itemId);
    if (f.warehouseId) q = q.where('r.warehouse_id', '=', f.warehouseId);
    if (f.lot !== undefined) q = q.where('r.lot', '=', f.lot);
    if (f.expiry !== undefined) q = q.where('r.expiry', '=', f.expiry);
    if (f.ownerId !== undefined) q = q.where('r.owner_id', '=', f.ownerId);
    if (cursor) q = q.where((eb) => eb(eb.refTuple('r.created_at', 'r.id'), '<', eb.tuple(cursor[0], cursor[1])));
    const rows = await q.orderBy('r.created_at', 'desc').orderBy('r.id', 'desc').limit(f.limit).execute();
    for (const r of rows)
      out.push({
        id: r.id,
        source: 'reservation',
        kind: r.quantity > 0 ? 'reserve' : 'release',
        createdAt: r.created_at,
        warehouseCode: r.warehouse_code,
        lot: r.lot,
        expiry: r.expiry,
        ownerId: r.owner_id,
        status: 'reserved',
        quantity: r.quantity,
        reasonCode: r.reason_code,
        note: null,
        docType: r.demand_type,
        docId: r.demand_id,
        docLine: r.demand_line,
        actor: r.actor,
      });
  }
  out.sort((a, b) => (a.createdAt !== b.createdAt ? (a.createdAt < b.createdAt ? 1 : -1) : a.id < b.id ? 1 : -1));
  return out.slice(0, f.limit);
}

// ---------- rebuild ----------
/**
 * The balances as the ledgers say they are: one row per bucket that any movement or reservation
 * ever touched, the same shape as stock_balances.
 */
function projectionFromLedgers(db: Database) {
  const moves = db
    .selectFrom('stock_movements')
    .select([...KEY])
    .select((eb) => [
      eb.case().when('status', '=', 'available').then(eb.ref('quantity')).else(0).end().as('a'),
      eb.case().when('status', '=', 'frozen').then(eb.ref('quantity')).else(0).end().as('f'),
      eb.case().when('status', '=', 'quality').then(eb.ref('quantity')).else(0).end().as('q'),
      eb.case().when('status', '=', 'in_transit').then(eb.ref('quantity')).else(0).end().as('t'),
      sql<number>`0`.as('r'),
      eb.case().when('quantity', '>', 0).then(eb.ref('created_at')).end().as('received'),
    ]);
  const holds = db
    .selectFrom('stock_reservations')
    .select([...KEY])
    .select([
      sql<number>`0`.as('a'),
      sql<number>`0`.as('f'),
      sql<number>`0`.as('q'),
      sql<number>`0`.as('t'),
      'quantity as r',
      sql<string | null>`null`.as('received'),
    ]);
  return db
    .selectFrom(moves.unionAll(holds).as('u'))
    .select(['u.item_id', 'u.warehouse_id', 'u.lot', 'u.expiry', 'u.owner_id'])
    .select((eb) => [
      eb.fn.sum<number>('u.a').as('qty_available'),
      eb.fn.sum<number>('u.f').as('qty_frozen'),
      eb.fn.sum<number>('u.q').as('qty_quality'),
      eb.fn.sum<number>('u.t').as('qty_in_transit'),
      eb.fn.sum<number>('u.r').as('qty_reserved'),
      eb.fn.coalesce(eb.fn.min('u.received'), sql<string>`${NEVER_RECEIVED}`).as('received_at'),
    ])
    .groupBy(['u.item_id', 'u.warehouse_id', 'u.lot', 'u.expiry', 'u.owner_id']);
}

/** Buckets whose stored balance differs from the ledgers (both directions), up to `limit`. */
export async function balanceDifferences(db: Database, limit = 100): Promise<Array<Record<string, unknown>>> {
  const ledger = projectionFromLedgers(db);
  const cols = ['qty_available', 'qty_frozen', 'qty_quality', 'qty_in_transit', 'qty_reserved', 'received_at'] as const;
  const diffs = await db
    .selectFrom(ledger.as('l'))
    .fullJoin('stock_balances as b', (j) =>
      j
        .onRef('b.item_id', '=', 'l.item_id')
        .onRef('b.warehouse_id', '=', 'l.warehouse_id')
        .onRef('b.lot', '=', 'l.lot')
        .onRef('b.expiry', '=', 'l.expiry')
        .onRef('b.owner_id', '=', 'l.owner_id'),
    )
    .select([
      'l.item_id as l_item',
      'b.item_id as b_item',
      'l.warehouse_id as l_wh',
      'b.warehouse_id as b_wh',
      'l.lot as l_lot',
      'b.lot as b_lot',
    ])
    .select(cols.map((c) => `l.${c} as l_${c}` as const))
    .select(cols.map((c) => `b.${c} as b_${c}` as const))
    .where((eb) =>
      eb.or([
        eb('l.item_id', 'is', null),
        eb('b.item_id', 'is', null),
        ...cols.map((c) => eb(eb.ref(`l.${c}`), '<>', eb.ref(`b.${c}`))),
      ]),
    )
    .limit(limit)
    .execute();
  return diffs as Array<Record<string, unknown>>;
}

/**
 * Recomputes every balance from the ledgers and replaces the projection with it; reports how many
 * buckets differed from what was stored. Aggregating the ledgers is the expensive part, so it is
 * done once: the old projection is set aside, rebuilt, and compared by key afterwards.
 */
export async function rebuildBalances(db: Database): Promise<{ buckets: number; differences: number }> {
  // A fixed name and no input: nothing here is interpolated from outside.
  await sql`create temporary table stock_balances_before as select * from stock_balances`.execute(db);
  try {
    await db.deleteFrom('stock_balances').execute();
    await db
      .insertInto('stock_balances')
      .columns([...KEY, 'qty_available', 'qty_frozen', 'qty_quality', 'qty_in_transit', 'qty_reserved', 'received_at'])
      .expression(projectionFromLedgers(db))
      .execute();
    // EXCEPT both ways finds changed, added and removed buckets by sorting, not by a nested join.
    const { rows } = await sql<{ n: number | string; buckets: number | string }>`
      select
        (select count(*) from stock_balances) as buckets,
        (select count(*) from (
           select item_id, warehouse_id, lot, expiry, owner_id from (
             select * from stock_balances except select * from stock_balances_before) as added
           union
           select item_id, warehouse_id, lot, expiry, owner_id from (
             select * from stock_balances_before except select * from stock_balances) as removed
         ) as changed) as n`.execute(db);
    return { buckets: Number(rows[0]?.buckets ?? 0), differences: Number(rows[0]?.n ?? 0) };
  } finally {
    await sql`drop table stock_balances_before`.execute(db);
  }
}
