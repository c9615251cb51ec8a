import { z } from 'zod';
import { AppError } from '../core/errors.ts';
import {
  allocate,
  assertBucket,
  bucketKeyOf,
  emptyBucket,
  freeOf,
  planReplenishment,
  planRelease,
  strategyOf,
  withReserved,
  type Bucket,
  type BucketId,
  type SurplusSource,
} from '../core/inventory/rules.ts';
import * as inv from '../core/inventory/schemas.ts';
import type { DemandRef, MovementKind, StockStatus } from '../core/inventory/schemas.ts';
import type { Database } from '../db/connect.ts';
import {
  applyBucketDeltas,
  balanceDifferences,
  bucketsOfLot,
  decideProposal as saveDecision,
  getBucket,
  getProposal,
  getRule,
  getTransfer,
  hasOpenProposal,
  holdersOfBucket,
  heldByDemand,
  insertMovements,
  insertProposals,
  insertReservations,
  insertTransfer,
  itemFlags,
  linkProposalTransfer,
  listRules,
  loadBuckets,
  loadBucketsOfPairs,
  ownPositions,
  rebuildBalances,
  saveTransferReceipt,
  selectBuckets,
  stockSummary,
  upsertRule,
  warehouseFlags,
  type BucketDelta,
  type NewMovement,
  type NewReservation,
} from '../db/inventory.queries.ts';
import { getMaster } from '../db/masterdata.queries.ts';
import { deallocate } from '../db/orders.queries.ts';
import type { ReplenishmentProposalsTable, StockTransferLinesTable } from '../db/schema.ts';
import { defineCommand, type CommandContext } from './define.ts';

/*
 * Inventory commands. Each writes ledger rows (movements, reservations) and applies the same
 * quantities to the balance projection in its one transaction; every touched bucket is checked
 * against the invariants after the write, so a command that would break one is rolled back whole.
 * Ids of ledger rows derive from the operation id in the args, so the server's re-run of a
 * desktop command writes the same rows.
 */

/** The operation id: made where the clerk acts, so the server's re-run writes the same ledger row ids. */
const opId = { id: z.uuid() };
const fromInput = (input: unknown, newId: () => string) => ({ ...(input as object), id: newId() });

const DELTA_FIELD = {
  available: 'available',
  frozen: 'frozen',
  quality: 'quality',
  in_transit: 'inTransit',
} as const satisfies Record<StockStatus, keyof BucketDelta>;

interface MoveExtra {
  kind: MovementKind;
  locationId?: string | null;
  reasonCode?: string | null;
  note?: string | null | undefined;
  doc?: { type: string; id: string; line: number | null } | null;
}

/**
 * Collects one command's ledger rows and bucket deltas, then writes and checks them together.
 * Order commands use it too, so an order and the stock it moves change in one transaction.
 */
export class StockWriter {
  private readonly movements: NewMovement[] = [];
  private readonly reservations: NewReservation[] = [];
  private readonly deltas = new Map<string, { id: BucketId; d: BucketDelta }>();
  /** Reservations of other demand released because their stock went away (freeze, count shortage). */
  private readonly takenFrom: Array<DemandRef & { quantity: number; reason: string }> = [];

  constructor(
    private readonly opId: string,
    private readonly ctx: CommandContext,
  ) {}

  get movementCount(): number {
    return this.movements.length;
  }

  private delta(id: BucketId): BucketDelta {
    const key = bucketKeyOf(id);
    let entry = this.deltas.get(key);
    if (!entry) {
      entry = { id: { ...id }, d: {} };
      this.deltas.set(key, entry);
    }
    return entry.d;
  }

  move(id: BucketId, status: StockStatus, quantity: number, extra: MoveExtra): void {
    this.movements.push({
      id: `${this.opId}:m${this.movements.length + 1}`,
      op_id: this.opId,
      kind: extra.kind,
      item_id: id.itemId,
      warehouse_id: id.warehouseId,
      location_id: extra.locationId ?? null,
      lot: id.lot,
      expiry: id.expiry,
      owner_id: id.ownerId,
      status,
      quantity,
      reason_code: extra.reasonCode ?? null,
      note: extra.note ?? null,
      doc_type: extra.doc?.type ?? null,
      doc_id: extra.doc?.id ?? null,
      doc_line: extra.doc?.line ?? null,
      actor: this.ctx.actor.name,
      created_at: this.ctx.now,
    });
    const d = this.delta(id);
    const field = DELTA_FIELD[status];
    d[field] = (d[field] ?? 0) + quantity;
    if (quantity > 0 && (d.receivedAt === undefined || this.ctx.now < d.receivedAt)) d.receivedAt = this.ctx.now;
  }

  reserve(id: BucketId, demand: DemandRef, quantity: number, reason: string | null): void {
    this.reservations.push({
      id: `${this.opId}:r${this.reservations.length + 1}`,
      op_id: this.opId,
      demand_type: demand.type,
      demand_id: demand.id,
      demand_line: demand.line,
      item_id: id.itemId,
      warehouse_id: id.warehouseId,
      lot: id.lot,
      expiry: id.expiry,
      owner_id: id.ownerId,
      quantity,
      reason_code: reason,
      actor: this.ctx.actor.name,
      created_at: this.ctx.now,
    });
    const d = this.delta(id);
    d.reserved = (d.reserved ?? 0) + quantity;
  }

  /** Releases another demand's reservation because its stock is gone; the demand is told on flush. */
  takeFrom(id: BucketId, demand: DemandRef, quantity: number, reason: string): void {
    this.reserve(id, demand, -quantity, reason);
    this.takenFrom.push({ ...demand, quantity, reason });
  }

  /** Writes everything and checks every touched bucket; returns the buckets as stored. */
  async flush(trx: Database): Promise<Bucket[]> {
    if (this.movements.length > 0) await insertMovements(trx, this.movements);
    if (this.reservations.length > 0) await insertReservations(trx, this.reservations);
    const entries = [...this.deltas.values()];
    const buckets = await applyBucketDeltas(trx, entries);
    const flags = await warehouseFlags(
      trx,
      entries.map((e) => e.id.warehouseId),
    );
    for (const bucket of buckets) assertBucket(bucket, flags.get(bucket.warehouseId)?.allowNegative ?? false);
    if (this.takenFrom.length > 0)
      await deallocate(trx, this.takenFrom, {
        opId: this.opId,
        actor: this.ctx.actor.name,
        at: this.ctx.now,
        reason: this.takenFrom[0]!.reason,
      });
    return buckets;
  }
}

const today = (ctx: CommandContext) => ctx.now.slice(0, 10);
const fieldError = (code: 'inventory.unknown-reference', path: string, message: string) =>
  new AppError(code, message, { fields: [{ path, code: 'unknown-reference' }] });

async function mustItem(trx: Database, itemId: string, path = 'itemId') {
  const item = (await itemFlags(trx, [itemId])).get(itemId);
  if (!item) throw fieldError('inventory.unknown-reference', path, `No item ${itemId}`);
  return item;
}

async function mustWarehouse(trx: Database, warehouseId: string, path = 'warehouseId') {
  const w = (await warehouseFlags(trx, [warehouseId])).get(warehouseId);
  if (!w) throw fieldError('inventory.unknown-reference', path, `No warehouse ${warehouseId}`);
  return w;
}

async function mustOwner(trx: Database, ownerId: string, path = 'ownerId') {
  if (ownerId === inv.OWN) return;
  if (!(await getMaster(trx, 'suppliers', ownerId)))
    throw fieldError('inventory.unknown-reference', path, `No supplier ${ownerId} to own stock`);
}

async function mustLocation(trx: Database, locationId: string | null, warehouseId: string) {
  if (locationId === null) return;
  const loc = await getMaster(trx, 'locations', locationId);
  if (!loc || loc.warehouseId !== warehouseId)
    throw fieldError('inventory.unknown-reference', 'locationId', `No location ${locationId} in that warehouse`);
}

/** A lot-tracked item needs a lot, an expiry-tracked one an expiry date. */
function assertTracking(
  item: { lotTracked: boolean; expiryTracked: boolean },
  lot: string,
  expiry: string,
  prefix = '',
) {
  // The field the clerk typed in: `lot`, or with a prefix `newLot`.
  const path = (field: 'lot' | 'expiry') => (prefix ? `${prefix}${field[0]!.toUpperCase()}${field.slice(1)}` : field);
  if (item.lotTracked && lot === '')
    throw new AppError('inventory.lot-required', 'This item is lot-tracked: give the lot', {
      fields: [{ path: path('lot'), code: 'lot-required' }],
    });
  if (item.expiryTracked && expiry === '')
    throw new AppError('inventory.expiry-required', 'This item tracks expiry: give the expiry date', {
      fields: [{ path: path('expiry'), code: 'expiry-required' }],
    });
}

/**
 * The refusal when stock is short. `free` is what the command could actually use (the bucket it
 * checked, or what allocation found: not expired, not taken by an earlier line); frozen and
 * quality-hold stock are summarised over the item (and lot) in the warehouse.
 */
async function insufficient(
  trx: Database,
  f: { itemId: string; warehouseId: string; lot?: string | undefined; ownerId?: string },
  requested: number,
  free: number,
): Promise<AppError> {
  const s = await stockSummary(trx, f);
  const available = Math.max(free, 0);
  const details = {
    itemId: f.itemId,
    warehouseId: f.warehouseId,
    lot: f.lot ?? '',
    requested,
    available,
    frozen: s.frozen,
    quality: s.quality,
  };
  if (f.lot !== undefined && f.lot !== '' && s.frozen > 0 && available < requested)
    return new AppError(
      'inventory.stock-frozen',
      `Lot ${f.lot}: ${s.frozen} frozen, ${available} available, ${requested} requested`,
      details,
    );
  return new AppError('inventory.insufficient-stock', `${available} available, ${requested} requested`, details);
}

// ---------- receive, adjust, count, quality ----------
export const receiveStock = defineCommand({
  name: 'receiveStock',
  version: 1,
  args: inv.receiveStockFields.extend(opId),
  fromInput,
  async run(trx, a, ctx) {
    const item = await mustItem(trx, a.itemId);
    await mustWarehouse(trx, a.warehouseId);
    await mustLocation(trx, a.locationId, a.warehouseId);
    await mustOwner(trx, a.ownerId);
    assertTracking(item, a.lot, a.expiry);
    const w = new StockWriter(a.id, ctx);
    const id = { itemId: a.itemId, warehouseId: a.warehouseId, lot: a.lot, expiry: a.expiry, ownerId: a.ownerId };
    w.move(id, a.status, a.quantity, { kind: 'receive', locationId: a.locationId, doc: a.doc, note: a.note });
    const buckets = await w.flush(trx);
    return { opId: a.id, movements: w.movementCount, buckets };
  },
});

export const adjustStock = defineCommand({
  name: 'adjustStock',
  version: 1,
  args: inv.adjustStockFields.extend(opId),
  fromInput,
  async run(trx, a, ctx) {
    const item = await mustItem(trx, a.itemId);
    await mustWarehouse(trx, a.warehouseId);
    await mustLocation(trx, a.locationId, a.warehouseId);
    await mustOwner(trx, a.ownerId);
    if (a.quantity > 0) assertTracking(item, a.lot, a.expiry);
    const id = { itemId: a.itemId, warehouseId: a.warehouseId, lot: a.lot, expiry: a.expiry, ownerId: a.ownerId };
    if (a.quantity < 0 && a.status === 'available') {
      const b = await getBucket(trx, id);
      const free = b ? freeOf(b) : 0;
      const allow = (await mustWarehouse(trx, a.warehouseId)).allowNegative;
      if (!allow && free < -a.quantity) throw await insufficient(trx, { ...id, lot: a.lot }, -a.quantity, free);
    }
    const w = new StockWriter(a.id, ctx);
    w.move(id, a.status, a.quantity, {
      kind: 'adjust',
      locationId: a.locationId,
      reasonCode: a.reasonCode,
      note: a.note,
    });
    const buckets = await w.flush(trx);
    return { opId: a.id, movements: w.movementCount, buckets };
  },
});

/** Releases reservations on a bucket, newest first, until `quantity` is freed. */
async function releaseFromBucket(trx: Database, w: StockWriter, id: BucketId, quantity: number, reason: string) {
  let left = quantity;
  for (const h of await holdersOfBucket(trx, id)) {
    if (left <= 0) break;
    const take = Math.min(left, h.quantity);
    w.takeFrom(id, h.demand, take, reason);
    left -= take;
  }
  return quantity - Math.max(left, 0);
}

export const countStock = defineCommand({
  name: 'countStock',
  version: 1,
  args: inv.countStockFields.extend(opId),
  fromInput,
  async run(trx, a, ctx) {
    const item = await mustItem(trx, a.itemId);
    await mustWarehouse(trx, a.warehouseId);
    await mustLocation(trx, a.locationId, a.warehouseId);
    await mustOwner(trx, a.ownerId);
    const id = { itemId: a.itemId, warehouseId: a.warehouseId, lot: a.lot, expiry: a.expiry, ownerId: a.ownerId };
    const b = (await getBucket(trx, id)) ?? emptyBucket(id, ctx.now);
    const onHand = b.qtyAvailable + b.qtyFrozen + b.qtyQuality;
    const difference = a.countedQuantity - onHand;
    if (difference > 0) assertTracking(item, a.lot, a.expiry);
    const w = new StockWriter(a.id, ctx);
    const extra = { kind: 'count' as const, locationId: a.locationId, reasonCode: 'cycle-count', note: a.note };
    let released = 0;
    if (difference >= 0) {
      // A count that confirms the book is recorded too: it is the baseline the next count starts from.
      w.move(id, 'available', difference, extra);
    } else {
      // A shortage comes out of available stock first, then quality hold, then frozen.
      let left = -difference;
      for (const [status, have] of [
        ['available', Math.max(b.qtyAvailable, 0)],
        ['quality', b.qtyQuality],
        ['frozen', b.qtyFrozen],
      ] as const) {
        const take = Math.min(left, have);
        if (take > 0) w.move(id, status, -take, extra);
        left -= take;
      }
      if (left > 0) w.move(id, 'available', -left, extra);
      // What the count took from reserved stock can no longer be promised.
      const availableAfter = b.qtyAvailable - Math.min(-difference, Math.max(b.qtyAvailable, 0)) - Math.max(left, 0);
      const excess = b.qtyReserved - availableAfter;
      if (excess > 0) released = await releaseFromBucket(trx, w, id, excess, 'count-shortage');
    }
    const buckets = await w.flush(trx);
    return { opId: a.id, movements: w.movementCount, buckets, difference, releasedReservations: released };
  },
});

export const setQualityStatus = defineCommand({
  name: 'setQualityStatus',
  version: 1,
  args: inv.qualityStatusFields.extend(opId),
  fromInput,
  async run(trx, a, ctx) {
    await mustItem(trx, a.itemId);
    await mustWarehouse(trx, a.warehouseId);
    const id = { itemId: a.itemId, warehouseId: a.warehouseId, lot: a.lot, expiry: a.expiry, ownerId: a.ownerId };
    const b = await getBucket(trx, id);
    if (a.direction === 'hold' && (!b || freeOf(b) < a.quantity))
      throw await insufficient(trx, { ...id, lot: a.lot }, a.quantity, b ? freeOf(b) : 0);
    const w = new StockWriter(a.id, ctx);
    const sign = a.direction === 'hold' ? 1 : -1;
    w.move(id, 'available', -sign * a.quantity, { kind: 'quality', note: a.note });
    w.move(id, 'quality', sign * a.quantity, { kind: 'quality', note: a.note });
    const buckets = await w.flush(trx);
    return { opId: a.id, movements: w.movementCount, buckets };
  },
});

// ---------- reservations ----------
/** Open stock-out proposals for demand that could not be met (one open proposal per item × warehouse). */
async function stockOutProposals(
  trx: Database,
  opId: string,
  ctx: CommandContext,
  shortfalls: ReadonlyArray<{ itemId: string; warehouseId: string; shortfall: number }>,
): Promise<string[]> {
  const rows: ReplenishmentProposalsTable[] = [];
  const seen = new Set<string>();
  // Several lines short of one item in one warehouse make one proposal for their total shortfall.
  const shortOf = new Map<string, number>();
  for (const s of shortfalls) {
    const key = `${s.itemId}|${s.warehouseId}`;
    shortOf.set(key, (shortOf.get(key) ?? 0) + s.shortfall);
  }
  for (const s of shortfalls) {
    const key = `${s.itemId}|${s.warehouseId}`;
    if (seen.has(key) || (await hasOpenProposal(trx, s.itemId, s.warehouseId))) continue;
    seen.add(key);
    const rule = await getRule(trx, s.itemId, s.warehouseId);
    const positions = await ownPositions(trx, { itemIds: [s.itemId] });
    const here = positions.find((p) => p.warehouseId === s.warehouseId);
    const position = (here?.free ?? 0) + (here?.inTransit ?? 0);
    const rules = await listRules(trx, { itemId: s.itemId });
    const sources: SurplusSource[] = positions
      .filter((p) => p.warehouseId !== s.warehouseId)
      .map((p) => ({
        warehouseId: p.warehouseId,
        free: p.free,
        keep: rules.find((r) => r.warehouse_id === p.warehouseId)?.min_qty ?? 0,
      }));
    const plans = planReplenishment(
      rule
        ? {
            itemId: s.itemId,
            warehouseId: s.warehouseId,
            minQty: rule.min_qty,
            maxQty: rule.max_qty,
            safetyStock: rule.safety_stock,
          }
        : null,
      position,
      sources,
      shortOf.get(key) ?? s.shortfall,
    );
    for (const p of plans)
      rows.push({
        id: `${opId}:p${rows.length + 1}`,
        item_id: s.itemId,
        warehouse_id: s.warehouseId,
        kind: p.kind,
        from_warehouse_id: p.fromWarehouseId,
        quantity: p.quantity,
        reason: 'stock-out',
        status: 'open',
        position_qty: position,
        created_at: ctx.now,
        decided_at: null,
        decided_by: null,
        transfer_id: null,
      });
  }
  await insertProposals(trx, rows);
  return rows.map((r) => r.id);
}

export interface ReserveRequest {
  demand: { type: DemandRef['type']; id: string };
  lines: ReadonlyArray<{
    demandLine: number;
    itemId: string;
    warehouseId: string;
    quantity: number;
    lot?: string | undefined;
    ownerId: string;
  }>;
  allowPartial: boolean;
}

/**
 * Reserves stock for demand lines into a writer (FEFO for expiry-tracked items, FIFO otherwise).
 * Refuses a short line unless `allowPartial`; reports each line's shortfall.
 */
export async function reserveInto(trx: Database, w: StockWriter, ctx: CommandContext, a: ReserveRequest) {
  // Buckets as this command leaves them, so two lines of one demand never take the same stock twice.
  const state = new Map<string, Bucket>();
  const lines = [];
  const shortfalls: Array<{ itemId: string; warehouseId: string; shortfall: number }> = [];
  // One statement each for the items, the warehouses and the stock of every line.
  const items = await itemFlags(
    trx,
    a.lines.map((l) => l.itemId),
  );
  const warehouses = await warehouseFlags(
    trx,
    a.lines.map((l) => l.warehouseId),
  );
  const stock = await loadBucketsOfPairs(trx, a.lines);
  for (const [i, line] of a.lines.entries()) {
    const item = items.get(line.itemId);
    if (!item) throw fieldError('inventory.unknown-reference', `lines.${i}.itemId`, `No item ${line.itemId}`);
    if (!warehouses.has(line.warehouseId))
      throw fieldError('inventory.unknown-reference', `lines.${i}.warehouseId`, `No warehouse ${line.warehouseId}`);
    const buckets = stock
      .filter(
        (b) =>
          b.itemId === line.itemId &&
          b.warehouseId === line.warehouseId &&
          b.ownerId === line.ownerId &&
          (line.lot === undefined || b.lot === line.lot),
      )
      .map((b) => state.get(bucketKeyOf(b)) ?? b);
    const strategy = strategyOf(item);
    const { allocations, shortfall } = allocate(buckets, line.quantity, strategy, today(ctx));
    if (shortfall > 0 && !a.allowPartial)
      throw await insufficient(
        trx,
        { itemId: line.itemId, warehouseId: line.warehouseId, lot: line.lot, ownerId: line.ownerId },
        line.quantity,
        line.quantity - shortfall,
      );
    const demand = { type: a.demand.type, id: a.demand.id, line: line.demandLine };
    for (const { bucket, quantity } of allocations) {
      w.reserve(bucket, demand, quantity, null);
      state.set(bucketKeyOf(bucket), withReserved(bucket, quantity));
    }
    if (shortfall > 0) shortfalls.push({ itemId: line.itemId, warehouseId: line.warehouseId, shortfall });
    lines.push({
      demandLine: line.demandLine,
      itemId: line.itemId,
      warehouseId: line.warehouseId,
      requested: line.quantity,
      reserved: line.quantity - shortfall,
      shortfall,
      strategy,
      allocations: allocations.map(({ bucket, quantity }) => ({
        lot: bucket.lot,
        expiry: bucket.expiry,
        ownerId: bucket.ownerId,
        quantity,
      })),
    });
  }
  return { lines, shortfalls };
}

export const reserveStock = defineCommand({
  name: 'reserveStock',
  version: 1,
  args: inv.reserveStockFields.extend(opId),
  fromInput,
  async run(trx, a, ctx) {
    const w = new StockWriter(a.id, ctx);
    const { lines, shortfalls } = await reserveInto(trx, w, ctx, a);
    await w.flush(trx);
    const proposals = shortfalls.length > 0 ? await stockOutProposals(trx, a.id, ctx, shortfalls) : [];
    return { opId: a.id, lines, proposals };
  },
});

/** Releases (part of) what a demand line holds, newest reservation first; returns the quantity released. */
export async function releaseInto(
  trx: Database,
  w: StockWriter,
  demand: DemandRef,
  quantity: number | undefined,
  reason: string,
): Promise<number> {
  const plan = planRelease(await heldByDemand(trx, demand), quantity);
  for (const h of plan) w.reserve(h.bucket, demand, -h.quantity, reason);
  return plan.reduce((s, h) => s + h.quantity, 0);
}

/**
 * Ships what a demand line holds: the reserved stock leaves the warehouse (out of available) and
 * the reservation is consumed. With `toWarehouseId` it travels on as in-transit stock there (a
 * transfer order); otherwise it is gone (a `ship` movement). Returns the lots shipped.
 */
export async function shipReservedInto(
  trx: Database,
  w: StockWriter,
  demand: DemandRef,
  quantity: number,
  doc: { type: string; id: string; line: number },
  toWarehouseId?: string,
): Promise<Array<{ lot: string; expiry: string; quantity: number }>> {
  const plan = planRelease(await heldByDemand(trx, demand), quantity);
  for (const h of plan) {
    w.reserve(h.bucket, demand, -h.quantity, 'shipped');
    const kind = toWarehouseId === undefined ? 'ship' : 'transfer-out';
    w.move(h.bucket, 'available', -h.quantity, { kind, doc });
    if (toWarehouseId !== undefined)
      w.move({ ...h.bucket, warehouseId: toWarehouseId }, 'in_transit', h.quantity, { kind, doc });
  }
  return plan.map((h) => ({ lot: h.bucket.lot, expiry: h.bucket.expiry, quantity: h.quantity }));
}

export const releaseReservation = defineCommand({
  name: 'releaseReservation',
  version: 1,
  args: inv.releaseReservationFields.extend(opId),
  fromInput,
  async run(trx, a, ctx) {
    const w = new StockWriter(a.id, ctx);
    const released = await releaseInto(trx, w, a.demand, a.quantity, a.reason);
    await w.flush(trx);
    return { opId: a.id, released };
  },
});

// ---------- freeze / unfreeze across the network ----------
interface WarehouseTally {
  buckets: number;
  quantity: number;
  releasedReservations: number;
}

/** Counts one bucket a network-wide command touched into its warehouse's line of the report. */
function tally(map: Map<string, WarehouseTally>, warehouseId: string, quantity: number, released: number): void {
  const t = map.get(warehouseId) ?? { buckets: 0, quantity: 0, releasedReservations: 0 };
  t.buckets += 1;
  t.quantity += quantity;
  t.releasedReservations += released;
  map.set(warehouseId, t);
}

/** What a network-wide command (freeze, unfreeze, lot change) reports: per warehouse, by code. */
async function networkReport(trx: Database, opId: string, m: Map<string, WarehouseTally>) {
  const codes = await warehouseFlags(trx, [...m.keys()]);
  const warehouses = [...m.entries()]
    .map(([warehouseId, t]) => ({ warehouseId, warehouseCode: codes.get(warehouseId)?.code ?? warehouseId, ...t }))
    .sort((a, b) => (a.warehouseCode < b.warehouseCode ? -1 : a.warehouseCode > b.warehouseCode ? 1 : 0));
  return { opId, warehouses, total: warehouses.reduce((s, x) => s + x.quantity, 0) };
}

function nothingMatched(mode: string): AppError {
  return new AppError('inventory.nothing-matched', `No stock matches; nothing to ${mode}`, {
    fields: [{ path: 'selector.lot', code: 'nothing-matched' }],
  });
}

/**
 * Freezes every available unit the selector matches, in every warehouse it names (all by default).
 * Frozen stock cannot be promised, so reservations on it are released and reported: the order
 * centre sees those lines as unallocated and re-plans them.
 */
export const freezeStock = defineCommand({
  name: 'freezeStock',
  version: 1,
  args: inv.freezeStockFields.extend(opId),
  fromInput,
  async run(trx, a, ctx) {
    const buckets = await selectBuckets(trx, a.selector, 'available');
    if (buckets.length === 0) throw nothingMatched('freeze');
    const w = new StockWriter(a.id, ctx);
    const perWarehouse = new Map<string, WarehouseTally>();
    for (const b of buckets) {
      const released = b.qtyReserved > 0 ? await releaseFromBucket(trx, w, b, b.qtyReserved, 'frozen') : 0;
      w.move(b, 'available', -b.qtyAvailable, { kind: 'freeze', reasonCode: 'freeze', note: a.reason });
      w.move(b, 'frozen', b.qtyAvailable, { kind: 'freeze', reasonCode: 'freeze', note: a.reason });
      tally(perWarehouse, b.warehouseId, b.qtyAvailable, released);
    }
    await w.flush(trx);
    return networkReport(trx, a.id, perWarehouse);
  },
});

export const unfreezeStock = defineCommand({
  name: 'unfreezeStock',
  version: 1,
  args: inv.freezeStockFields.extend(opId),
  fromInput,
  async run(trx, a, ctx) {
    const buckets = await selectBuckets(trx, a.selector, 'frozen');
    if (buckets.length === 0) throw nothingMatched('unfreeze');
    const w = new StockWriter(a.id, ctx);
    const perWarehouse = new Map<string, WarehouseTally>();
    for (const b of buckets) {
      w.move(b, 'frozen', -b.qtyFrozen, { kind: 'unfreeze', reasonCode: 'unfreeze', note: a.reason });
      w.move(b, 'available', b.qtyFrozen, { kind: 'unfreeze', reasonCode: 'unfreeze', note: a.reason });
      tally(perWarehouse, b.warehouseId, b.qtyFrozen, 0);
    }
    await w.flush(trx);
    return networkReport(trx, a.id, perWarehouse);
  },
});

// ---------- transfers ----------
export async function loadTransferRecord(trx: Database, id: string) {
  const t = await getTransfer(trx, id);
  if (!t) throw new AppError('inventory.transfer-not-found', `No transfer ${id}`, { id });
  const from = await getMaster(trx, 'warehouses', t.header.from_warehouse_id);
  const to = await getMaster(trx, 'warehouses', t.header.to_warehouse_id);
  const lines = [];
  for (const l of t.lines) {
    const item = await getMaster(trx, 'items', l.item_id);
    lines.push({
      lineNo: l.line_no,
      itemId: l.item_id,
      sku: item?.sku ?? l.item_id,
      itemName: item?.name ?? '',
      lot: l.lot,
      expiry: l.expiry,
      ownerId: l.owner_id,
      qtyShipped: l.qty_shipped,
      qtyReceived: l.qty_received,
    });
  }
  return {
    id: t.header.id,
    number: t.header.number,
    fromWarehouseId: t.header.from_warehouse_id,
    toWarehouseId: t.header.to_warehouse_id,
    fromCode: from?.code ?? '',
    toCode: to?.code ?? '',
    status: t.header.status as 'in_transit' | 'partially_received' | 'received',
    shippedAt: t.header.shipped_at,
    receivedAt: t.header.received_at,
    note: t.header.note,
    proposalId: t.header.proposal_id,
    lines,
    version: t.header.version,
  };
}

/**
 * Ships stock from one warehouse to another: it leaves the source's available stock and appears
 * as in transit at the destination (same lot, expiry and owner) until received there.
 */
export const shipTransfer = defineCommand({
  name: 'shipTransfer',
  version: 1,
  args: inv.shipTransferFields.extend(opId),
  fromInput,
  async run(trx, a, ctx) {
    if (a.fromWarehouseId === a.toWarehouseId)
      throw new AppError('inventory.same-warehouse', 'A transfer needs two different warehouses', {
        fields: [{ path: 'toWarehouseId', code: 'same-warehouse' }],
      });
    await mustWarehouse(trx, a.fromWarehouseId, 'fromWarehouseId');
    await mustWarehouse(trx, a.toWarehouseId, 'toWarehouseId');
    if (a.proposalId !== null) {
      const p = await getProposal(trx, a.proposalId);
      if (!p) throw new AppError('inventory.proposal-not-found', `No proposal ${a.proposalId}`, { id: a.proposalId });
      await linkProposalTransfer(trx, a.proposalId, a.id);
    }
    const number = `TR-${a.id.replaceAll('-', '').slice(0, 12).toUpperCase()}`;
    const doc = { type: 'transfer', id: a.id, line: null };
    const w = new StockWriter(a.id, ctx);
    const state = new Map<string, Bucket>();
    const lines: StockTransferLinesTable[] = [];
    for (const [i, line] of a.lines.entries()) {
      const item = await mustItem(trx, line.itemId, `lines.${i}.itemId`);
      const loaded = await loadBuckets(trx, {
        itemId: line.itemId,
        warehouseId: a.fromWarehouseId,
        lot: line.lot,
        ownerId: line.ownerId,
      });
      const { allocations, shortfall } = allocate(
        loaded.map((b) => state.get(bucketKeyOf(b)) ?? b),
        line.quantity,
        strategyOf(item),
        today(ctx),
      );
      if (shortfall > 0)
        throw await insufficient(
          trx,
          { itemId: line.itemId, warehouseId: a.fromWarehouseId, lot: line.lot, ownerId: line.ownerId },
          line.quantity,
          line.quantity - shortfall,
        );
      for (const { bucket, quantity } of allocations) {
        const lineNo = lines.length + 1;
        const lineDoc = { ...doc, line: lineNo };
        w.move(bucket, 'available', -quantity, { kind: 'transfer-out', doc: lineDoc, note: a.note });
        w.move({ ...bucket, warehouseId: a.toWarehouseId }, 'in_transit', quantity, {
          kind: 'transfer-out',
          doc: lineDoc,
          note: a.note,
        });
        state.set(bucketKeyOf(bucket), { ...bucket, qtyAvailable: bucket.qtyAvailable - quantity });
        lines.push({
          transfer_id: a.id,
          line_no: lineNo,
          item_id: line.itemId,
          lot: bucket.lot,
          expiry: bucket.expiry,
          owner_id: bucket.ownerId,
          qty_shipped: quantity,
          qty_received: 0,
        });
      }
    }
    await insertTransfer(
      trx,
      {
        id: a.id,
        number,
        kind: 'transfer',
        from_warehouse_id: a.fromWarehouseId,
        to_warehouse_id: a.toWarehouseId,
        status: 'in_transit',
        proposal_id: a.proposalId,
        note: a.note ?? null,
        actor: ctx.actor.name,
        shipped_at: ctx.now,
        received_at: null,
        version: 1,
      },
      lines,
    );
    await w.flush(trx);
    return loadTransferRecord(trx, a.id);
  },
});

export const receiveTransfer = defineCommand({
  name: 'receiveTransfer',
  version: 1,
  args: inv.receiveTransferFields.extend(opId),
  fromInput,
  async run(trx, a, ctx) {
    const t = await getTransfer(trx, a.transferId);
    if (!t) throw new AppError('inventory.transfer-not-found', `No transfer ${a.transferId}`, { id: a.transferId });
    if (t.header.status === 'received')
      throw new AppError('inventory.transfer-closed', `Transfer ${t.header.number} is fully received`, {
        number: t.header.number,
      });
    await mustLocation(trx, a.locationId, t.header.to_warehouse_id);
    const w = new StockWriter(a.id, ctx);
    const received = new Map(t.lines.map((l) => [l.line_no, l.qty_received]));
    for (const [i, r] of a.lines.entries()) {
      const line = t.lines.find((l) => l.line_no === r.lineNo);
      if (!line)
        throw new AppError('inventory.unknown-reference', `Transfer has no line ${r.lineNo}`, {
          fields: [{ path: `lines.${i}.lineNo`, code: 'unknown-reference' }],
        });
      const open = line.qty_shipped - (received.get(r.lineNo) ?? 0);
      if (r.quantity > open)
        throw new AppError(
          'inventory.over-receipt',
          `Line ${r.lineNo}: ${open} still in transit, ${r.quantity} received`,
          {
            fields: [{ path: `lines.${i}.quantity`, code: 'over-receipt' }],
            open,
            requested: r.quantity,
          },
        );
      const id = {
        itemId: line.item_id,
        warehouseId: t.header.to_warehouse_id,
        lot: line.lot,
        expiry: line.expiry,
        ownerId: line.owner_id,
      };
      const doc = { type: 'transfer', id: t.header.id, line: line.line_no };
      w.move(id, 'in_transit', -r.quantity, { kind: 'transfer-in', doc });
      w.move(id, 'available', r.quantity, { kind: 'transfer-in', doc, locationId: a.locationId });
      received.set(r.lineNo, (received.get(r.lineNo) ?? 0) + r.quantity);
    }
    const complete = t.lines.every((l) => (received.get(l.line_no) ?? 0) >= l.qty_shipped);
    const saved = await saveTransferReceipt(
      trx,
      t.header.id,
      t.header.version,
      complete ? 'received' : 'partially_received',
      complete ? ctx.now : null,
      [...received.entries()].map(([lineNo, qtyReceived]) => ({ lineNo, qtyReceived })),
    );
    if (!saved)
      throw new AppError('inventory.transfer-closed', `Transfer ${t.header.number} changed while receiving`, {
        number: t.header.number,
      });
    await w.flush(trx);
    return loadTransferRecord(trx, t.header.id);
  },
});

// ---------- lot attributes and ownership ----------
/**
 * Corrects a lot's attributes (its code or expiry) as a transfer between buckets in each
 * warehouse holding it: every status moves, and reservations move with the stock.
 */
export const changeLotAttributes = defineCommand({
  name: 'changeLotAttributes',
  version: 1,
  args: inv.changeLotFields.extend(opId),
  fromInput,
  async run(trx, a, ctx) {
    const item = await mustItem(trx, a.itemId);
    if (a.newLot === a.lot && a.newExpiry === a.expiry)
      throw new AppError('validation.invalid-input', 'Nothing to change', {
        fields: [{ path: 'newExpiry', code: 'unchanged' }],
      });
    assertTracking(item, a.newLot, a.newExpiry, 'new');
    const buckets = await bucketsOfLot(trx, {
      itemId: a.itemId,
      lot: a.lot,
      expiry: a.expiry,
      warehouseId: a.warehouseId,
    });
    if (buckets.length === 0) throw nothingMatched('change');
    const w = new StockWriter(a.id, ctx);
    const perWarehouse = new Map<string, WarehouseTally>();
    const extra = { kind: 'lot-change' as const, reasonCode: 'lot-change', note: a.reason };
    for (const b of buckets) {
      const to = { ...b, lot: a.newLot, expiry: a.newExpiry };
      for (const [status, q] of [
        ['available', b.qtyAvailable],
        ['frozen', b.qtyFrozen],
        ['quality', b.qtyQuality],
      ] as const) {
        if (q === 0) continue;
        w.move(b, status, -q, extra);
        w.move(to, status, q, extra);
      }
      let moved = 0;
      for (const h of await holdersOfBucket(trx, b)) {
        w.reserve(b, h.demand, -h.quantity, 'lot-change');
        w.reserve(to, h.demand, h.quantity, 'lot-change');
        moved += h.quantity;
      }
      tally(perWarehouse, b.warehouseId, b.qtyAvailable + b.qtyFrozen + b.qtyQuality, moved);
    }
    await w.flush(trx);
    return networkReport(trx, a.id, perWarehouse);
  },
});

export const transferOwnership = defineCommand({
  name: 'transferOwnership',
  version: 1,
  args: inv.ownershipTransferFields.extend(opId),
  fromInput,
  async run(trx, a, ctx) {
    await mustItem(trx, a.itemId);
    await mustWarehouse(trx, a.warehouseId);
    await mustOwner(trx, a.ownerId);
    await mustOwner(trx, a.toOwnerId, 'toOwnerId');
    if (a.ownerId === a.toOwnerId)
      throw new AppError('inventory.same-owner', 'The stock already belongs to that owner', {
        fields: [{ path: 'toOwnerId', code: 'same-owner' }],
      });
    const id = { itemId: a.itemId, warehouseId: a.warehouseId, lot: a.lot, expiry: a.expiry, ownerId: a.ownerId };
    const b = await getBucket(trx, id);
    if (!b || freeOf(b) < a.quantity)
      throw await insufficient(trx, { ...id, lot: a.lot }, a.quantity, b ? freeOf(b) : 0);
    const w = new StockWriter(a.id, ctx);
    const extra = { kind: 'ownership' as const, reasonCode: 'ownership', note: a.reason };
    w.move(id, 'available', -a.quantity, extra);
    w.move({ ...id, ownerId: a.toOwnerId }, 'available', a.quantity, extra);
    const buckets = await w.flush(trx);
    return { opId: a.id, movements: w.movementCount, buckets };
  },
});

// ---------- replenishment ----------
export const setReplenishmentRule = defineCommand({
  name: 'setReplenishmentRule',
  version: 1,
  args: inv.replenishmentRuleFields,
  async run(trx, a, ctx) {
    await mustItem(trx, a.itemId);
    await mustWarehouse(trx, a.warehouseId);
    await upsertRule(trx, {
      item_id: a.itemId,
      warehouse_id: a.warehouseId,
      min_qty: a.minQty,
      max_qty: a.maxQty,
      safety_stock: a.safetyStock,
      updated_at: ctx.now,
    });
    return { ...a, updatedAt: ctx.now };
  },
});

/**
 * The replenishment job: for every min/max rule whose own position (free + in transit) is below
 * its minimum and that has no open proposal, propose transfers from warehouses with surplus and a
 * purchase for the rest. Proposals wait for a clerk to confirm or dismiss them.
 */
export const proposeReplenishment = defineCommand({
  name: 'proposeReplenishment',
  version: 1,
  args: inv.proposeReplenishmentFields.extend(opId),
  fromInput,
  async run(trx, a, ctx) {
    const rules = await listRules(trx, { warehouseIds: a.warehouseIds });
    const itemIds = [...new Set(rules.map((r) => r.item_id))];
    const positions = await ownPositions(trx, { itemIds });
    const allRules = await listRules(trx, {});
    const minOf = new Map(allRules.map((r) => [`${r.item_id}|${r.warehouse_id}`, r.min_qty]));
    const posOf = new Map<string, (typeof positions)[number][]>();
    for (const p of positions) posOf.set(p.itemId, [...(posOf.get(p.itemId) ?? []), p]);
    const rows: ReplenishmentProposalsTable[] = [];
    for (const r of rules) {
      if (await hasOpenProposal(trx, r.item_id, r.warehouse_id)) continue;
      const ps = posOf.get(r.item_id) ?? [];
      const here = ps.find((p) => p.warehouseId === r.warehouse_id);
      const position = (here?.free ?? 0) + (here?.inTransit ?? 0);
      const sources = ps
        .filter((p) => p.warehouseId !== r.warehouse_id)
        .map((p) => ({
          warehouseId: p.warehouseId,
          free: p.free,
          keep: minOf.get(`${r.item_id}|${p.warehouseId}`) ?? 0,
        }));
      const plans = planReplenishment(
        {
          itemId: r.item_id,
          warehouseId: r.warehouse_id,
          minQty: r.min_qty,
          maxQty: r.max_qty,
          safetyStock: r.safety_stock,
        },
        position,
        sources,
      );
      for (const p of plans)
        rows.push({
          id: `${a.id}:p${rows.length + 1}`,
          item_id: r.item_id,
          warehouse_id: r.warehouse_id,
          kind: p.kind,
          from_warehouse_id: p.fromWarehouseId,
          quantity: p.quantity,
          reason: 'min-max',
          status: 'open',
          position_qty: position,
          created_at: ctx.now,
          decided_at: null,
          decided_by: null,
          transfer_id: null,
        });
    }
    await insertProposals(trx, rows);
    return { opId: a.id, proposals: rows.map((r) => r.id) };
  },
});

export const decideProposal = defineCommand({
  name: 'decideProposal',
  version: 1,
  args: inv.decideProposalFields,
  async run(trx, a, ctx) {
    const p = await getProposal(trx, a.proposalId);
    if (!p) throw new AppError('inventory.proposal-not-found', `No proposal ${a.proposalId}`, { id: a.proposalId });
    const status = a.decision === 'confirm' ? 'confirmed' : 'dismissed';
    if (!(await saveDecision(trx, a.proposalId, status, ctx.actor.name, ctx.now)))
      throw new AppError('inventory.proposal-closed', `Proposal is already ${p.status}`, { status: p.status });
    return { id: a.proposalId, status: status as 'confirmed' | 'dismissed' };
  },
});

// ---------- maintenance ----------
/**
 * Recomputes every balance from the two ledgers. Local maintenance, never synced: each database
 * rebuilds its own projection. `verifyOnly` reports the differences without writing.
 */
export const rebuildStockBalances = defineCommand({
  name: 'rebuildStockBalances',
  version: 1,
  localOnly: true,
  args: z.object({ verifyOnly: z.boolean().default(false) }),
  async run(trx, a) {
    if (!a.verifyOnly) return rebuildBalances(trx);
    const differences = (await balanceDifferences(trx, 1_000_000)).length;
    const n = await trx
      .selectFrom('stock_balances')
      .select((eb) => eb.fn.countAll<number>().as('n'))
      .executeTakeFirstOrThrow();
    return { buckets: Number(n.n), differences };
  },
});
