import { BulkWriter } from './bulk.ts';
import { SqliteAdapter, sql, type Kysely } from 'kysely';
import {
  allocate,
  assertBucket,
  bucketKeyOf,
  freeOf,
  planReplenishment,
  strategyOf,
  type Bucket,
  type SurplusSource,
} from '../../core/inventory/rules.ts';
import { OWN, type AdjustReason, type MovementKind, type StockStatus } from '../../core/inventory/schemas.ts';
import type { ItemRecord, LocationRecord, SupplierRecord, WarehouseRecord } from '../../core/masterdata/schemas.ts';
import { NEVER_RECEIVED, rebuildBalances } from '../inventory.queries.ts';
import type { DB } from '../schema.ts';
import { createRng, seededUuidV7, type Rng } from './random.ts';
import * as v from './vocabulary.ts';

/*
 * A year of inventory ledger for the seeded items and warehouses, written the way the commands
 * would have written it (same movement kinds, statuses, reason codes, id scheme and ordering), in
 * bulk, then projected into stock_balances by rebuildBalances().
 *
 * The story, simulated day by day in time order over an in-memory copy of the balances:
 * - go-live stock-take on the first day (kind 'count' from zero: the opening balances);
 * - purchase receipts at the distribution centres (the first fifth of the warehouses), each a new
 *   lot `L2026-0317-A` with expiry = receipt date + shelf life; some into quality hold first;
 *   a few direct deliveries to regional warehouses; consignment stock owned by a supplier for a
 *   few items, taken into own stock now and then ('ownership');
 * - weekly transfer trucks from each centre to each regional warehouse ('transfer-out' →
 *   in transit → 'transfer-in' one to three days later), and occasional rebalancing between
 *   regional warehouses; the last days' trucks are still on the road;
 * - cycle counts (mostly confirming the book), small adjustments (damage, samples, loss, found,
 *   corrections, scrap), quality holds released or scrapped, write-off of expired lots;
 * - a supplier recall: a lot frozen across every warehouse and released two weeks later; a second
 *   recall days before the end that is still frozen; one lot's expiry corrected ('lot-change');
 * - sales-order reservations: cancelled orders reserve and release during the year, the last ten
 *   days' orders (`SO-000123`) still hold stock.
 * There is no sales issue: the ledger has no movement kind for a shipment yet (the order and dock
 * centres add it), so stock leaves only by write-offs and counts, and mostly moves between
 * warehouses. Every allocation uses the commands' own rules (core/inventory/rules.ts: FEFO/FIFO,
 * free = available − reserved), and every touched bucket is checked against the same invariants
 * after each operation, so the balances never go negative in time order.
 */

export interface LedgerOptions {
  /** The day the data set is "as of" (YYYY-MM-DD); the ledger covers the `days` days before it. */
  asOf: string;
  days: number;
  /** 1 ≈ 440 movements per item a year with 20 warehouses; scales every activity's frequency. */
  density: number;
  seed: number;
}

export interface InventoryWorld {
  items: readonly ItemRecord[];
  warehouses: readonly WarehouseRecord[];
  locations: readonly LocationRecord[];
  suppliers: readonly SupplierRecord[];
}

export interface InventorySeedReport {
  movements: number;
  movementsByKind: Partial<Record<MovementKind, number>>;
  reservations: number;
  /** Demand lines still holding stock at the end. */
  openDemandLines: number;
  buckets: number;
  transfers: number;
  transfersOpen: number;
  rules: number;
  rulesBelowMin: number;
  proposalsOpen: number;
  /** A lot with free available stock in three or more warehouses (never frozen by the seed). */
  networkLot: { sku: string; lot: string; expiry: string; warehouses: string[] } | null;
  /** The lot of the recall that is still frozen at the end. */
  frozenLot: { sku: string; lot: string } | null;
  ms: { simulate: number; write: number; rebuild: number };
}

const DAY = 86_400_000;
export const addDays = (date: string, n: number): string =>
  new Date(Date.parse(`${date}T00:00:00.000Z`) + n * DAY).toISOString().slice(0, 10);

/** Roughly how many movements `seedInventory` writes at density 1 (for `--movements=N`). */
export function estimateMovements(items: number, warehouses: number, days = 365): number {
  const hubs = Math.max(1, Math.round(warehouses / 5));
  const regionals = Math.max(0, warehouses - hubs);
  const pairsPerItem = (hubs > 1 ? 1.35 : 1) + Math.max(Math.min(2, regionals), 0.375 * regionals);
  return Math.round(items * 0.97 * pairsPerItem * 61 * (days / 365));
}

// ---------- bulk writing ----------
const MOVEMENT_COLUMNS = [
  'id',
  'op_id',
  'kind',
  'item_id',
  'warehouse_id',
  'location_id',
  'lot',
  'expiry',
  'owner_id',
  'status',
  'quantity',
  'reason_code',
  'note',
  'doc_type',
  'doc_id',
  'doc_line',
  'actor',
  'created_at',
] as const;
const RESERVATION_COLUMNS = [
  'id',
  'op_id',
  'demand_type',
  'demand_id',
  'demand_line',
  'item_id',
  'warehouse_id',
  'lot',
  'expiry',
  'owner_id',
  'quantity',
  'reason_code',
  'actor',
  'created_at',
] as const;

// ---------- the simulated world ----------
interface SimBucket extends Bucket {
  pair: Pair;
  /** In its pair's `live` list (holds or held something since it was last pruned). */
  live: boolean;
}

interface Pair {
  item: ItemRecord;
  itemIndex: number;
  warehouse: number;
  hub: boolean;
  /** The centre that replenishes a regional pair. */
  source: Pair | null;
  live: SimBucket[];
  buckets: Map<string, SimBucket>;
  /** Free own stock (available − reserved) over the pair's buckets. */
  freeOwn: number;
  caseQty: number;
  nextReplenish: number;
}

interface Hold {
  demandId: string;
  line: number;
  bucket: SimBucket;
  quantity: number;
  createdAt: string;
}

interface TransferLine {
  lineNo: number;
  bucket: SimBucket;
  shipped: number;
  received: number;
}

interface TransferDoc {
  id: string;
  number: string;
  from: number;
  to: number;
  shippedAt: string;
  receivedAt: string | null;
  status: 'in_transit' | 'partially_received' | 'received';
  actor: string;
  lines: TransferLine[];
  proposalId: string | null;
}

interface Op {
  id: string;
  at: string;
  actor: string;
  m: number;
  r: number;
  touched: Set<SimBucket>;
}

interface Extra {
  kind: MovementKind;
  location?: string | null;
  reason?: string | null;
  note?: string | null;
  doc?: { type: string; id: string; line: number | null } | null;
}

interface Ev {
  t: number;
  seq: number;
  run: (t: number) => void;
}

const pad = (n: number, width: number) => String(n).padStart(width, '0');
const lotLetters = (n: number): string =>
  n < 26 ? String.fromCharCode(65 + n) : lotLetters(Math.floor(n / 26) - 1) + String.fromCharCode(65 + (n % 26));

class Simulation {
  readonly rng: Rng;
  readonly start: number;
  private readonly W: number;
  readonly pairs = new Map<number, Pair>();
  readonly pairList: Pair[] = [];
  private readonly lots = new Map<string, SimBucket[]>();
  private readonly expiring = new Map<string, SimBucket[]>();
  private readonly holdsByBucket = new Map<SimBucket, Hold[]>();
  readonly holdsByDemand = new Map<string, Hold[]>();
  readonly transfers: TransferDoc[] = [];
  private readonly agenda: Ev[][];
  private seq = 0;
  private lastMs = 0;
  private today = -1;
  private readonly lotSeq = new Map<string, number>();
  private po = 0;
  private so = 0;
  private readonly clerks: string[][];
  readonly docks: (string | null)[];
  readonly staging: (string | null)[];
  readonly storage: string[][];
  readonly hubs: number[];
  readonly consignment = new Map<Pair, string>();
  readonly protectedLots = new Set<string>();

  moves: unknown[] = [];
  holds: unknown[] = [];
  movementCount = 0;
  reservationCount = 0;
  readonly byKind: Partial<Record<MovementKind, number>> = {};
  networkLot: InventorySeedReport['networkLot'] = null;
  frozenLot: InventorySeedReport['frozenLot'] = null;

  constructor(
    readonly world: InventoryWorld,
    readonly o: LedgerOptions,
  ) {
    this.rng = createRng((o.seed * 31 + 0x1e3) >>> 0);
    this.start = Date.parse(`${o.asOf}T00:00:00.000Z`) - o.days * DAY;
    this.W = world.warehouses.length;
    this.agenda = Array.from({ length: o.days }, () => []);
    const byWarehouse = (kind: string) =>
      world.warehouses.map(
        (w) => world.locations.find((l) => l.warehouseId === w.id && l.kind === kind && l.active)?.id ?? null,
      );
    this.docks = byWarehouse('dock');
    this.staging = byWarehouse('staging');
    this.storage = world.warehouses.map((w) =>
      world.locations.filter((l) => l.warehouseId === w.id && l.kind === 'storage' && l.active).map((l) => l.id),
    );
    this.clerks = world.warehouses.map(() =>
      Array.from(
        { length: 3 },
        () =>
          `${this.rng.pick(v.SURNAMES)}${this.rng.pick(v.GIVEN)}${this.rng.chance(0.5) ? this.rng.pick(v.GIVEN) : ''}`,
      ),
    );
    const hubCount = Math.max(1, Math.round(this.W / 5));
    this.hubs = Array.from({ length: Math.min(hubCount, this.W) }, (_, i) => i);
  }

  // ----- time -----
  dateOf(day: number): string {
    return new Date(this.start + day * DAY).toISOString().slice(0, 10);
  }
  /** Schedules `run` at a random time of `day` between the hours given (UTC; +8 h is China time). */
  at(day: number, run: (t: number) => void, fromHour = 0.5, toHour = 11.5): void {
    if (day <= this.today) day = this.today + 1;
    if (day < 0 || day >= this.o.days) return;
    const t = this.start + day * DAY + Math.floor((fromHour + this.rng.next() * (toHour - fromHour)) * 3_600_000);
    this.agenda[day]?.push({ t, seq: this.seq++, run });
  }
  interval(meanDays: number): number {
    const mean = meanDays / this.o.density;
    return Math.max(1, Math.round(mean * (0.6 + this.rng.next() * 0.8)));
  }
  runDay(day: number): void {
    this.today = day;
    const events = this.agenda[day] ?? [];
    this.agenda[day] = [];
    events.sort((a, b) => a.t - b.t || a.seq - b.seq);
    for (const e of events) e.run(e.t);
  }

  // ----- operations -----
  op(t: number, warehouse: number): Op {
    const ms = Math.max(t, this.lastMs + 1);
    this.lastMs = ms;
    const actor = this.rng.pick(this.clerks[warehouse] ?? ['local']);
    return { id: seededUuidV7(this.rng, ms), at: new Date(ms).toISOString(), actor, m: 0, r: 0, touched: new Set() };
  }
  finish(op: Op): void {
    for (const b of op.touched) assertBucket(b, false);
  }

  pair(itemIndex: number, warehouse: number): Pair {
    const key = itemIndex * this.W + warehouse;
    let p = this.pairs.get(key);
    if (!p) {
      const item = this.world.items[itemIndex] as ItemRecord;
      p = {
        item,
        itemIndex,
        warehouse,
        hub: this.hubs.includes(warehouse),
        source: null,
        live: [],
        buckets: new Map(),
        freeOwn: 0,
        caseQty: item.uoms.find((u) => u.uom === 'CS')?.factor ?? 12,
        nextReplenish: 0,
      };
      this.pairs.set(key, p);
      this.pairList.push(p);
    }
    return p;
  }

  bucket(p: Pair, lot: string, expiry: string, ownerId: string = OWN): SimBucket {
    const key = ownerId === OWN ? `${lot}|${expiry}` : `${lot}|${expiry}|${ownerId}`;
    let b = p.buckets.get(key);
    if (!b) {
      b = {
        itemId: p.item.id,
        warehouseId: (this.world.warehouses[p.warehouse] as WarehouseRecord).id,
        lot,
        expiry,
        ownerId,
        qtyAvailable: 0,
        qtyFrozen: 0,
        qtyQuality: 0,
        qtyInTransit: 0,
        qtyReserved: 0,
        receivedAt: NEVER_RECEIVED,
        pair: p,
        live: false,
      };
      p.buckets.set(key, b);
      if (lot !== '') {
        const lk = `${p.itemIndex}|${lot}`;
        const list = this.lots.get(lk);
        if (list) list.push(b);
        else this.lots.set(lk, [b]);
      }
      if (expiry !== '') {
        const list = this.expiring.get(expiry);
        if (list) list.push(b);
        else this.expiring.set(expiry, [b]);
      }
    }
    if (!b.live) {
      b.live = true;
      p.live.push(b);
    }
    return b;
  }

  move(op: Op, b: SimBucket, status: StockStatus, quantity: number, x: Extra): void {
    op.m += 1;
    this.moves.push(
      `${op.id}:m${op.m}`,
      op.id,
      x.kind,
      b.itemId,
      b.warehouseId,
      x.location ?? null,
      b.lot,
      b.expiry,
      b.ownerId,
      status,
      quantity,
      x.reason ?? null,
      x.note ?? null,
      x.doc?.type ?? null,
      x.doc?.id ?? null,
      x.doc?.line ?? null,
      op.actor,
      op.at,
    );
    this.movementCount += 1;
    this.byKind[x.kind] = (this.byKind[x.kind] ?? 0) + 1;
    if (status === 'available') {
      b.qtyAvailable += quantity;
      if (b.ownerId === OWN) b.pair.freeOwn += quantity;
    } else if (status === 'frozen') b.qtyFrozen += quantity;
    else if (status === 'quality') b.qtyQuality += quantity;
    else b.qtyInTransit += quantity;
    if (quantity > 0 && op.at < b.receivedAt) b.receivedAt = op.at;
    if (!b.live) this.bucket(b.pair, b.lot, b.expiry, b.ownerId);
    op.touched.add(b);
  }

  reserve(op: Op, b: SimBucket, demandId: string, line: number, quantity: number, reason: string | null): void {
    op.r += 1;
    this.holds.push(
      `${op.id}:r${op.r}`,
      op.id,
      'sales-order',
      demandId,
      line,
      b.itemId,
      b.warehouseId,
      b.lot,
      b.expiry,
      b.ownerId,
      quantity,
      reason,
      op.actor,
      op.at,
    );
    this.reservationCount += 1;
    b.qtyReserved += quantity;
    if (b.ownerId === OWN) b.pair.freeOwn -= quantity;
    op.touched.add(b);
    if (quantity > 0) {
      const h: Hold = { demandId, line, bucket: b, quantity, createdAt: op.at };
      const byBucket = this.holdsByBucket.get(b);
      if (byBucket) byBucket.push(h);
      else this.holdsByBucket.set(b, [h]);
      const dk = `${demandId}|${line}`;
      const byDemand = this.holdsByDemand.get(dk);
      if (byDemand) byDemand.push(h);
      else this.holdsByDemand.set(dk, [h]);
    }
  }

  /** Own buckets of a pair with free stock, as allocation sees them. */
  ownFree(p: Pair): SimBucket[] {
    return p.live.filter((b) => b.ownerId === OWN && freeOf(b) > 0);
  }
  prune(p: Pair, above = 8): void {
    if (p.live.length < above) return;
    const keep: SimBucket[] = [];
    for (const b of p.live) {
      if (b.qtyAvailable || b.qtyFrozen || b.qtyQuality || b.qtyInTransit || b.qtyReserved) keep.push(b);
      else b.live = false;
    }
    p.live = keep;
  }
  freeOfPair(p: Pair): number {
    return p.freeOwn;
  }

  newLot(p: Pair, date: string): { lot: string; expiry: string } {
    if (!p.item.lotTracked) return { lot: '', expiry: '' };
    const key = `${p.itemIndex}|${date}`;
    const n = this.lotSeq.get(key) ?? 0;
    this.lotSeq.set(key, n + 1);
    const lot = `L${date.slice(0, 4)}-${date.slice(5, 7)}${date.slice(8, 10)}-${lotLetters(n)}`;
    const expiry = p.item.expiryTracked && p.item.shelfLifeDays ? addDays(date, p.item.shelfLifeDays) : '';
    return { lot, expiry };
  }

  // ----- activities -----
  receive(
    t: number,
    p: Pair,
    quantity: number,
    opts: { lot?: { lot: string; expiry: string }; owner?: string; quality?: boolean } = {},
  ): SimBucket {
    const op = this.op(t, p.warehouse);
    const date = op.at.slice(0, 10);
    const { lot, expiry } = opts.lot ?? this.newLot(p, date);
    const owner = opts.owner ?? OWN;
    const b = this.bucket(p, lot, expiry, owner);
    this.po += 1;
    const doc =
      owner === OWN
        ? { type: 'purchase-order', id: `PO-${date.slice(0, 4)}-${pad(this.po, 6)}`, line: 1 }
        : { type: 'consignment-note', id: `CN-${date.slice(0, 4)}-${pad(this.po, 6)}`, line: 1 };
    this.move(op, b, opts.quality ? 'quality' : 'available', quantity, {
      kind: 'receive',
      location: this.docks[p.warehouse] ?? null,
      doc,
    });
    this.finish(op);
    if (opts.quality) {
      const day = Math.floor((t - this.start) / DAY);
      this.at(day + this.rng.int(1, 5), (t2) => this.releaseQuality(t2, b, quantity, 0.1));
    }
    return b;
  }

  releaseQuality(t: number, b: SimBucket, quantity: number, scrapChance: number): void {
    let q = Math.min(quantity, b.qtyQuality);
    if (q <= 0) return;
    if (this.rng.chance(scrapChance)) {
      const scrap = Math.max(1, Math.floor(q * (0.1 + this.rng.next() * 0.4)));
      const op = this.op(t, b.pair.warehouse);
      this.move(op, b, 'quality', -scrap, { kind: 'adjust', reason: 'scrap', note: '质检不合格 QC failed' });
      this.finish(op);
      q -= scrap;
      if (q <= 0) return;
    }
    const op = this.op(t, b.pair.warehouse);
    this.move(op, b, 'available', q, { kind: 'quality', note: '质检放行 QC released' });
    this.move(op, b, 'quality', -q, { kind: 'quality', note: '质检放行 QC released' });
    this.finish(op);
  }

  holdQuality(t: number, p: Pair): void {
    const candidates = this.ownFree(p);
    if (candidates.length === 0) return;
    const b = this.rng.pick(candidates);
    const q = Math.max(1, Math.floor(freeOf(b) * (0.05 + this.rng.next() * 0.25)));
    const op = this.op(t, p.warehouse);
    this.move(op, b, 'available', -q, { kind: 'quality', note: '包装破损待检 damaged packaging' });
    this.move(op, b, 'quality', q, { kind: 'quality', note: '包装破损待检 damaged packaging' });
    this.finish(op);
    const day = Math.floor((t - this.start) / DAY);
    this.at(day + this.rng.int(2, 10), (t2) => this.releaseQuality(t2, b, q, 0.2));
  }

  count(t: number, p: Pair): void {
    const counted = p.live.filter((b) => b.qtyAvailable + b.qtyFrozen + b.qtyQuality > 0).slice(0, 3);
    for (const b of counted) {
      const r = this.rng.next();
      const free = freeOf(b);
      let diff = 0;
      if (r < 0.08 && free > 0) diff = -Math.min(free, this.rng.int(1, Math.max(1, Math.ceil(p.caseQty / 2))));
      else if (r < 0.12) diff = this.rng.int(1, Math.max(1, Math.ceil(p.caseQty / 3)));
      const op = this.op(t, p.warehouse);
      const loc = this.storage[p.warehouse] ?? [];
      this.move(op, b, 'available', diff, {
        kind: 'count',
        location: loc.length > 0 ? this.rng.pick(loc) : null,
        reason: 'cycle-count',
      });
      this.finish(op);
    }
  }

  adjust(t: number, p: Pair): void {
    const candidates = this.ownFree(p);
    if (candidates.length === 0) return;
    const b = this.rng.pick(candidates);
    const reason = this.rng.pick<AdjustReason>([
      'damage',
      'damage',
      'damage',
      'sample',
      'sample',
      'loss',
      'found',
      'correction',
      'correction',
      'scrap',
    ]);
    const small = this.rng.int(1, Math.max(1, Math.ceil(p.caseQty / 2)));
    const up = reason === 'found' || (reason === 'correction' && this.rng.chance(0.4));
    const q = up ? small : -Math.min(small, freeOf(b));
    if (q === 0) return;
    const notes: Record<AdjustReason, string> = {
      damage: '叉车损坏 forklift damage',
      loss: '盘亏 missing',
      found: '盘盈 found on shelf',
      expired: '过期报废 expired',
      sample: '客户样品 customer samples',
      correction: '录入更正 entry correction',
      scrap: '报废 scrapped',
    };
    const op = this.op(t, p.warehouse);
    this.move(op, b, 'available', q, { kind: 'adjust', reason, note: notes[reason] });
    this.finish(op);
  }

  writeOffExpired(t: number, date: string): void {
    for (const b of this.expiring.get(date) ?? []) {
      const free = freeOf(b);
      if (free <= 0 || !this.rng.chance(0.85) || this.protectedLots.has(`${b.pair.itemIndex}|${b.lot}`)) continue;
      const op = this.op(t, b.pair.warehouse);
      this.move(op, b, 'available', -free, { kind: 'adjust', reason: 'expired', note: '过期报废 expired' });
      this.finish(op);
    }
  }

  /** One truck: due pairs' quantities taken FEFO/FIFO from `from`, one transfer document. */
  ship(t: number, from: number, to: number, requests: ReadonlyArray<{ source: Pair; quantity: number }>): void {
    const op = this.op(t, from);
    const today = op.at.slice(0, 10);
    const doc: TransferDoc = {
      id: op.id,
      number: `TR-${op.id.replaceAll('-', '').slice(0, 12).toUpperCase()}`,
      from,
      to,
      shippedAt: op.at,
      receivedAt: null,
      status: 'in_transit',
      actor: op.actor,
      lines: [],
      proposalId: null,
    };
    for (const { source, quantity } of requests) {
      if (doc.lines.length >= 480) break;
      this.prune(source, 16);
      const { allocations } = allocate(this.ownFree(source), quantity, strategyOf(source.item), today);
      const dest = this.pair(source.itemIndex, to);
      for (const { bucket, quantity: q } of allocations) {
        const b = bucket as SimBucket;
        const lineNo = doc.lines.length + 1;
        const x = { kind: 'transfer-out' as const, doc: { type: 'transfer', id: doc.id, line: lineNo } };
        const d = this.bucket(dest, b.lot, b.expiry, b.ownerId);
        this.move(op, b, 'available', -q, x);
        this.move(op, d, 'in_transit', q, x);
        doc.lines.push({ lineNo, bucket: d, shipped: q, received: 0 });
      }
    }
    if (doc.lines.length === 0) return;
    this.finish(op);
    this.transfers.push(doc);
    const day = Math.floor((t - this.start) / DAY);
    const arrive = day + this.rng.int(1, 3);
    // Now and then one line of a late truck is short-shipped and received later than the rest.
    const partial = doc.lines.length > 1 && arrive >= this.o.days - 6 && this.rng.chance(0.25);
    this.at(arrive, (t2) => this.receiveTransfer(t2, doc, partial ? doc.lines.slice(0, -1) : doc.lines));
  }

  receiveTransfer(t: number, doc: TransferDoc, lines: readonly TransferLine[]): void {
    const op = this.op(t, doc.to);
    for (const l of lines) {
      const q = l.shipped - l.received;
      if (q <= 0) continue;
      const x = { kind: 'transfer-in' as const, doc: { type: 'transfer', id: doc.id, line: l.lineNo } };
      this.move(op, l.bucket, 'in_transit', -q, x);
      this.move(op, l.bucket, 'available', q, { ...x, location: this.staging[doc.to] ?? null });
      l.received += q;
    }
    this.finish(op);
    const complete = doc.lines.every((l) => l.received >= l.shipped);
    doc.status = complete ? 'received' : 'partially_received';
    doc.receivedAt = complete ? op.at : null;
  }

  /** A sales order reserving stock in one warehouse (FEFO/FIFO per line, as reserveStock does). */
  reserveOrder(t: number, warehouse: number, lines: ReadonlyArray<{ pair: Pair; quantity: number }>): string | null {
    const op = this.op(t, warehouse);
    const today = op.at.slice(0, 10);
    this.so += 1;
    const demandId = `SO-${pad(this.so, 6)}`;
    let lineNo = 0;
    for (const { pair, quantity } of lines) {
      lineNo += 1;
      const { allocations } = allocate(this.ownFree(pair), quantity, strategyOf(pair.item), today);
      for (const { bucket, quantity: q } of allocations)
        this.reserve(op, bucket as SimBucket, demandId, lineNo, q, null);
    }
    if (op.r === 0) return null;
    this.finish(op);
    return demandId;
  }

  /** Cancels an order: one releaseReservation per line (newest reservation first). */
  cancelOrder(t: number, demandId: string, lines: number): void {
    for (let line = 1; line <= lines; line += 1) {
      const held = (this.holdsByDemand.get(`${demandId}|${line}`) ?? []).filter((h) => h.quantity > 0);
      if (held.length === 0) continue;
      const op = this.op(t, held[0]?.bucket.pair.warehouse ?? 0);
      for (const h of [...held].reverse()) {
        this.reserve(op, h.bucket, demandId, line, -h.quantity, 'order-cancelled');
        h.quantity = 0;
      }
      this.finish(op);
    }
  }

  /** Frees `quantity` of a bucket's reservations, newest first (what a freeze does). */
  releaseFromBucket(op: Op, b: SimBucket, quantity: number, reason: string): void {
    let left = quantity;
    const holders = (this.holdsByBucket.get(b) ?? []).filter((h) => h.quantity > 0);
    holders.sort((x, y) => (x.createdAt < y.createdAt ? 1 : x.createdAt > y.createdAt ? -1 : 0));
    for (const h of holders) {
      if (left <= 0) break;
      const take = Math.min(left, h.quantity);
      this.reserve(op, b, h.demandId, h.line, -take, reason);
      h.quantity -= take;
      left -= take;
    }
  }

  freeze(t: number, itemIndex: number, lot: string, reason: string): number {
    const buckets = (this.lots.get(`${itemIndex}|${lot}`) ?? []).filter((b) => b.qtyAvailable > 0);
    if (buckets.length === 0) return 0;
    const op = this.op(t, buckets[0]?.pair.warehouse ?? 0);
    const sorted = [...buckets].sort((a, b) => (bucketKeyOf(a) < bucketKeyOf(b) ? -1 : 1));
    for (const b of sorted) {
      if (b.qtyReserved > 0) this.releaseFromBucket(op, b, b.qtyReserved, 'frozen');
      const q = b.qtyAvailable;
      this.move(op, b, 'available', -q, { kind: 'freeze', reason: 'freeze', note: reason });
      this.move(op, b, 'frozen', q, { kind: 'freeze', reason: 'freeze', note: reason });
    }
    this.finish(op);
    return new Set(sorted.map((b) => b.warehouseId)).size;
  }

  unfreeze(t: number, itemIndex: number, lot: string, reason: string): void {
    const buckets = (this.lots.get(`${itemIndex}|${lot}`) ?? []).filter((b) => b.qtyFrozen > 0);
    if (buckets.length === 0) return;
    const op = this.op(t, buckets[0]?.pair.warehouse ?? 0);
    for (const b of buckets) {
      const q = b.qtyFrozen;
      this.move(op, b, 'frozen', -q, { kind: 'unfreeze', reason: 'unfreeze', note: reason });
      this.move(op, b, 'available', q, { kind: 'unfreeze', reason: 'unfreeze', note: reason });
    }
    this.finish(op);
  }

  /** The network lot if it still has free stock in three warehouses, else another lot that has. */
  checkNetworkLot(): InventorySeedReport['networkLot'] {
    const frozen = this.frozenLot;
    const describe = (itemIndex: number, lot: string) => {
      const list = (this.lots.get(`${itemIndex}|${lot}`) ?? []).filter((b) => b.ownerId === OWN && freeOf(b) > 0);
      const codes = [...new Set(list.map((b) => (this.world.warehouses[b.pair.warehouse] as WarehouseRecord).code))];
      const item = this.world.items[itemIndex] as ItemRecord;
      if (codes.length < 3 || (frozen && frozen.sku === item.sku && frozen.lot === lot)) return null;
      return { sku: item.sku, lot, expiry: list[0]?.expiry ?? '', warehouses: codes.sort() };
    };
    const n = this.networkLot;
    if (n) {
      const index = this.world.items.findIndex((i) => i.sku === n.sku);
      const again = describe(index, n.lot);
      if (again) return again;
    }
    for (const { itemIndex, lot } of this.spreadLots(3, (i) => i.lotTracked)) {
      const found = describe(itemIndex, lot);
      if (found) return found;
    }
    return null;
  }

  /** Whether any bucket matches (for the end-of-year guarantees). */
  anyBucket(test: (b: SimBucket) => boolean): boolean {
    for (const p of this.pairList) for (const b of p.buckets.values()) if (test(b)) return true;
    return false;
  }

  /** Lots with free own stock in at least `min` warehouses, in a seeded order. */
  spreadLots(min: number, filter: (item: ItemRecord) => boolean): Array<{ itemIndex: number; lot: string }> {
    const out: Array<{ itemIndex: number; lot: string }> = [];
    for (const [key, list] of this.lots) {
      const [index, lot] = key.split('|') as [string, string];
      const itemIndex = Number(index);
      if (this.protectedLots.has(key) || !filter(this.world.items[itemIndex] as ItemRecord)) continue;
      const warehouses = new Set(list.filter((b) => b.ownerId === OWN && freeOf(b) > 0).map((b) => b.warehouseId));
      if (warehouses.size >= min) out.push({ itemIndex, lot });
    }
    return out;
  }

  /** Corrects one lot's expiry in every warehouse holding it (changeLotAttributes). */
  changeLot(t: number): void {
    const candidates = this.spreadLots(2, (i) => i.expiryTracked).filter(({ itemIndex, lot }) =>
      (this.lots.get(`${itemIndex}|${lot}`) ?? []).every((b) => b.qtyInTransit === 0 && b.qtyReserved === 0),
    );
    if (candidates.length === 0) return;
    const { itemIndex, lot } = this.rng.pick(candidates);
    const buckets = (this.lots.get(`${itemIndex}|${lot}`) ?? []).filter(
      (b) => b.qtyAvailable !== 0 || b.qtyFrozen !== 0 || b.qtyQuality !== 0,
    );
    const op = this.op(t, buckets[0]?.pair.warehouse ?? 0);
    const note = '供应商更正保质期 expiry corrected per supplier certificate';
    for (const b of [...buckets].sort((x, y) => (x.warehouseId < y.warehouseId ? -1 : 1))) {
      const to = this.bucket(b.pair, b.lot, addDays(b.expiry, 30), b.ownerId);
      for (const status of ['available', 'frozen', 'quality'] as const) {
        const q = status === 'available' ? b.qtyAvailable : status === 'frozen' ? b.qtyFrozen : b.qtyQuality;
        if (q === 0) continue;
        this.move(op, b, status, -q, { kind: 'lot-change', reason: 'lot-change', note });
        this.move(op, to, status, q, { kind: 'lot-change', reason: 'lot-change', note });
      }
    }
    this.finish(op);
  }

  takeOwnership(t: number, p: Pair, supplierId: string): void {
    const candidates = p.live.filter((b) => b.ownerId === supplierId && freeOf(b) > 0);
    if (candidates.length === 0) return;
    const b = this.rng.pick(candidates);
    const q = Math.max(1, Math.floor(freeOf(b) * (0.3 + this.rng.next() * 0.4)));
    const op = this.op(t, p.warehouse);
    const x = { kind: 'ownership' as const, reason: 'ownership', note: '寄售转自有 consignment used' };
    this.move(op, b, 'available', -q, x);
    this.move(op, this.bucket(p, b.lot, b.expiry, OWN), 'available', q, x);
    this.finish(op);
  }
}

// ---------- the year ----------
function plan(sim: Simulation): void {
  const { rng, world, o } = sim;
  const W = world.warehouses.length;
  const regionals = world.warehouses.map((_, i) => i).filter((i) => !sim.hubs.includes(i));
  const days = o.days;
  const dens = o.density;

  // Which warehouses stock which item: one or two centres, a share of the regional warehouses.
  const stocked: Pair[] = [];
  world.items.forEach((item, itemIndex) => {
    if (!item.active) return;
    const hubs = rng.chance(0.35) && sim.hubs.length > 1 ? 2 : 1;
    const first = rng.int(0, sim.hubs.length - 1);
    const itemHubs = Array.from({ length: hubs }, (_, k) => sim.hubs[(first + k) % sim.hubs.length] as number);
    for (const h of itemHubs) stocked.push(sim.pair(itemIndex, h));
    const share = 0.25 + rng.next() * 0.25;
    const k = Math.min(regionals.length, Math.max(Math.min(2, regionals.length), Math.round(share * regionals.length)));
    const offset = rng.int(0, Math.max(0, regionals.length - 1));
    for (let j = 0; j < k; j += 1) {
      const r = regionals[(offset + j * 3) % regionals.length] as number;
      const p = sim.pair(itemIndex, r);
      if (p.source) continue;
      const home = sim.hubs[r % sim.hubs.length] as number;
      p.source = sim.pair(itemIndex, itemHubs.includes(home) ? home : (itemHubs[0] as number));
      stocked.push(p);
    }
  });

  // Consignment: a few items have a supplier's stock in one of their warehouses.
  for (const p of stocked)
    if (rng.chance(0.04) && world.suppliers.length > 0)
      sim.consignment.set(p, (world.suppliers[p.itemIndex % world.suppliers.length] as SupplierRecord).id);

  const before = (n: number) => addDays(sim.dateOf(0), -n);
  // Day 0: go-live stock-take, the opening balances (counted from nothing into one or two lots).
  for (const p of stocked) {
    const lots = p.item.lotTracked ? rng.int(1, 2) : 1;
    sim.at(0, (t) => {
      for (let l = 0; l < lots; l += 1) {
        const received = before(rng.int(10, 60));
        const lot = p.item.lotTracked
          ? `L${received.slice(0, 4)}-${received.slice(5, 7)}${received.slice(8, 10)}-${lotLetters(l + 7)}`
          : '';
        const expiry = p.item.expiryTracked && p.item.shelfLifeDays ? addDays(received, p.item.shelfLifeDays) : '';
        if (expiry !== '' && expiry <= sim.dateOf(3)) continue;
        const op = sim.op(t, p.warehouse);
        const b = sim.bucket(p, lot, expiry);
        const q = p.caseQty * rng.int(p.hub ? 20 : 4, p.hub ? 60 : 15);
        sim.move(op, b, 'available', q, { kind: 'count', reason: 'cycle-count', note: '上线盘点 go-live stock-take' });
        sim.finish(op);
      }
    });
  }

  const repeat = (first: number, mean: number, fn: (t: number, day: number) => void) => {
    const step = (day: number) =>
      sim.at(day, (t) => {
        fn(t, day);
        step(day + sim.interval(mean));
      });
    step(first);
  };

  for (const p of stocked) {
    // Purchase receipts: centres every three weeks, a tenth of regional pairs by direct delivery.
    if (p.hub || rng.chance(0.1)) {
      const mean = p.hub ? 21 : 45;
      repeat(rng.int(1, Math.max(1, Math.round(mean / dens))), mean, (t) =>
        sim.receive(t, p, p.caseQty * (p.hub ? rng.int(30, 90) : rng.int(5, 20)), { quality: rng.chance(0.05) }),
      );
    }
    const supplier = sim.consignment.get(p);
    if (supplier) {
      repeat(rng.int(1, 30), 45, (t) => sim.receive(t, p, p.caseQty * rng.int(5, 25), { owner: supplier }));
      repeat(rng.int(10, 40), 30, (t) => sim.takeOwnership(t, p, supplier));
    }
    repeat(rng.int(5, Math.max(5, Math.round(120 / dens))), 120, (t) => {
      sim.count(t, p);
      sim.prune(p);
    });
    repeat(rng.int(1, Math.max(1, Math.round(200 / dens))), 200, (t) => sim.adjust(t, p));
    repeat(rng.int(1, Math.max(1, Math.round(600 / dens))), 600, (t) => sim.holdQuality(t, p));
    if (!p.hub) {
      p.nextReplenish = rng.int(3, Math.max(3, Math.round(42 / dens)));
      // A cancelled order: reserved, released a few days later.
      repeat(rng.int(1, Math.max(1, Math.round(150 / dens))), 150, (t, day) => {
        const free = sim.freeOfPair(p);
        if (free <= 0) return;
        const id = sim.reserveOrder(t, p.warehouse, [
          { pair: p, quantity: Math.max(1, Math.floor(free * (0.05 + rng.next() * 0.2))) },
        ]);
        if (id) sim.at(day + rng.int(1, 6), (t2) => sim.cancelOrder(t2, id, 1));
      });
    }
  }

  // Regional rebalancing between warehouses that stock the same item.
  const byItem = new Map<number, Pair[]>();
  for (const p of stocked) if (!p.hub) byItem.set(p.itemIndex, [...(byItem.get(p.itemIndex) ?? []), p]);
  for (const list of byItem.values()) {
    if (list.length < 2) continue;
    for (const p of list)
      repeat(rng.int(10, Math.max(10, Math.round(240 / dens))), 240, (t) => {
        const free = sim.freeOfPair(p);
        if (free < p.caseQty * 2) return;
        const to = rng.pick(list.filter((q) => q !== p));
        sim.ship(t, p.warehouse, to.warehouse, [{ source: p, quantity: Math.floor(free * (0.2 + rng.next() * 0.3)) }]);
      });
  }

  // Weekly trucks from each centre to each regional warehouse (twice a week when busier).
  const lanes = new Map<string, { from: number; to: number; pairs: Pair[] }>();
  for (const p of stocked)
    if (p.source) {
      const key = `${p.source.warehouse}|${p.warehouse}`;
      const lane = lanes.get(key) ?? { from: p.source.warehouse, to: p.warehouse, pairs: [] };
      lane.pairs.push(p);
      lanes.set(key, lane);
    }
  for (const lane of lanes.values()) {
    const weekday = rng.int(0, 6);
    const perWeek = Math.max(1, Math.min(7, Math.round(dens)));
    for (let day = 1; day < days; day += 1) {
      const phase = (day - weekday + 7 * 100) % 7;
      if (phase % Math.floor(7 / perWeek) !== 0 || phase >= perWeek * Math.floor(7 / perWeek)) continue;
      sim.at(
        day,
        (t) => {
          const due = lane.pairs.filter((p) => p.nextReplenish <= day);
          const requests = [];
          for (const p of due) {
            p.nextReplenish = day + sim.interval(42);
            const source = p.source as Pair;
            const quantity = Math.min(p.caseQty * rng.int(6, 20), sim.freeOfPair(source));
            if (quantity > 0) requests.push({ source, quantity });
          }
          if (requests.length > 0) sim.ship(t, lane.from, lane.to, requests);
        },
        1,
        4,
      );
    }
  }

  // Expired lots are written off two days after their expiry (most of them).
  for (let day = 0; day < days; day += 1)
    sim.at(day, (t) => sim.writeOffExpired(t, addDays(sim.dateOf(day), -2)), 0.1, 0.2);

  // A supplier recall mid-year: frozen everywhere, released two weeks later.
  const spread = (item: ItemRecord) => item.lotTracked;
  if (days >= 30) {
    sim.at(Math.floor(days * 0.55), (t) => {
      const lots = sim.spreadLots(3, spread);
      if (lots.length === 0) return;
      const { itemIndex, lot } = rng.pick(lots);
      if (sim.freeze(t, itemIndex, lot, `供应商召回 supplier recall ${lot}`) === 0) return;
      sim.at(Math.floor(days * 0.55) + rng.int(7, 14), (t2) =>
        sim.unfreeze(t2, itemIndex, lot, '召回解除 recall cleared after inspection'),
      );
    });
    sim.at(Math.floor(days * 0.4), (t) => sim.changeLot(t));
  }

  // The network lot: one supplier lot delivered to three warehouses, three weeks before the end.
  const networkDay = Math.max(0, days - Math.min(21, Math.max(1, Math.floor(days / 3))));
  const candidates = [...byItem.entries()]
    .map(([itemIndex, list]) => ({ itemIndex, list }))
    .filter(
      ({ itemIndex, list }) =>
        list.length + 1 >= 3 &&
        (world.items[itemIndex] as ItemRecord).lotTracked &&
        ((world.items[itemIndex] as ItemRecord).shelfLifeDays ?? 9999) >= 180,
    );
  const network = candidates[0];
  if (network && W >= 3) {
    const item = world.items[network.itemIndex] as ItemRecord;
    const source = network.list[0]?.source as Pair;
    const targets = [source, ...network.list].slice(0, Math.max(3, Math.min(5, network.list.length + 1)));
    sim.at(networkDay, (t) => {
      const lot = sim.newLot(source, sim.dateOf(networkDay));
      sim.protectedLots.add(`${network.itemIndex}|${lot.lot}`);
      for (const p of targets) sim.receive(t, p, p.caseQty * rng.int(40, 80), { lot });
      sim.networkLot = {
        sku: item.sku,
        lot: lot.lot,
        expiry: lot.expiry,
        warehouses: targets.map((p) => (world.warehouses[p.warehouse] as WarehouseRecord).code),
      };
    });
  }

  // Sales orders of the last ten days still hold their stock.
  const orderDays = Math.min(10, days);
  const byWarehouse = new Map<number, Pair[]>();
  for (const p of stocked) byWarehouse.set(p.warehouse, [...(byWarehouse.get(p.warehouse) ?? []), p]);
  const perDay = Math.max(3, Math.round((stocked.length * dens) / 30));
  for (let day = days - orderDays; day < days; day += 1)
    for (let n = 0; n < perDay; n += 1)
      sim.at(day, (t) => {
        const w = rng.pick([...byWarehouse.keys()]);
        const list = byWarehouse.get(w) ?? [];
        const lines: Array<{ pair: Pair; quantity: number }> = [];
        const count = rng.int(1, Math.min(8, list.length));
        const start = rng.int(0, list.length - 1);
        for (let k = 0; k < count; k += 1) {
          const p = list[(start + k * 7) % list.length] as Pair;
          if (lines.some((l) => l.pair === p)) continue;
          const free = sim.freeOfPair(p);
          if (free <= 0) continue;
          lines.push({ pair: p, quantity: Math.max(1, Math.min(free, Math.floor(free * (0.02 + rng.next() * 0.12)))) });
        }
        if (lines.length > 0) sim.reserveOrder(t, w, lines);
      });

  // The recall still open at the end (released reservations on it are part of the freeze).
  const recall = (t: number, min: number) => {
    const lots = sim.spreadLots(min, spread);
    if (lots.length === 0) return;
    const { itemIndex, lot } = rng.pick(lots);
    if (sim.freeze(t, itemIndex, lot, `供应商召回 supplier recall ${lot}`) > 0)
      sim.frozenLot = { sku: (world.items[itemIndex] as ItemRecord).sku, lot };
  };
  if (days >= 5) sim.at(days - 3, (t) => recall(t, 2));

  // However small the world: something in transit, on hold, reserved and frozen at the end.
  sim.at(
    days - 1,
    (t) => {
      if (!sim.anyBucket((b) => b.qtyInTransit > 0))
        for (const lane of lanes.values()) {
          const p = lane.pairs.find((q) => sim.freeOfPair(q.source as Pair) > 0);
          if (!p) continue;
          const source = p.source as Pair;
          sim.ship(t, lane.from, lane.to, [{ source, quantity: Math.min(p.caseQty * 2, sim.freeOfPair(source)) }]);
          break;
        }
      if (!sim.anyBucket((b) => b.qtyQuality > 0)) {
        const p = stocked.find((q) => sim.freeOfPair(q) > 1);
        if (p) sim.holdQuality(t, p);
      }
      if (!sim.anyBucket((b) => b.qtyReserved > 0)) {
        const p = stocked.find((q) => sim.freeOfPair(q) > 1);
        if (p) sim.reserveOrder(t, p.warehouse, [{ pair: p, quantity: 1 }]);
      }
      if (!sim.frozenLot) recall(t, 1);
    },
    11.6,
    11.9,
  );
}

/** Rules for a share of the stocked pairs, some already below their minimum; a couple of open proposals. */
function rulesAndProposals(sim: Simulation, asOfMs: number) {
  const { rng, world } = sim;
  const rules: unknown[] = [];
  const ruleOf = new Map<Pair, { min: number; max: number; safety: number }>();
  const position = (p: Pair) =>
    p.live.reduce((s, b) => s + (b.ownerId === OWN ? b.qtyAvailable - b.qtyReserved + b.qtyInTransit : 0), 0);
  const updated = new Date(sim.start + 20 * DAY + rng.int(0, 40) * DAY).toISOString();
  let below = 0;
  for (const p of sim.pairList) {
    if (!rng.chance(0.35)) continue;
    const pos = position(p);
    const cs = p.caseQty;
    let min: number;
    if (rng.chance(0.12) || (below === 0 && pos > 0)) {
      min = Math.ceil((pos + cs * rng.int(2, 10)) / cs) * cs;
      below += 1;
    } else min = Math.floor((pos * (0.15 + rng.next() * 0.45)) / cs) * cs;
    const max = min + cs * rng.int(5, 30);
    const safety = Math.floor((min * rng.next() * 0.4) / cs) * cs;
    ruleOf.set(p, { min, max, safety });
    rules.push(p.item.id, (world.warehouses[p.warehouse] as WarehouseRecord).id, min, max, safety, updated);
  }

  // The nightly job ran for a warehouse or two: open proposals for their rules below minimum.
  const proposals: unknown[] = [];
  const jobAt = new Date(asOfMs - DAY + 16 * 3_600_000).toISOString();
  const jobId = seededUuidV7(rng, asOfMs - DAY + 16 * 3_600_000);
  const belowMin = [...ruleOf.entries()].filter(([p, r]) => position(p) < r.min);
  const warehouses = [...new Set(belowMin.map(([p]) => p.warehouse))];
  const chosen = new Set<number>();
  let n = 0;
  for (const w of warehouses) {
    if (n >= 2 && chosen.size >= 1) break;
    chosen.add(w);
    for (const [p, r] of belowMin.filter(([q]) => q.warehouse === w)) {
      const sources: SurplusSource[] = sim.pairList
        .filter((q) => q.itemIndex === p.itemIndex && q !== p)
        .map((q) => ({
          warehouseId: (world.warehouses[q.warehouse] as WarehouseRecord).id,
          free: q.live.reduce((s, b) => s + (b.ownerId === OWN ? b.qtyAvailable - b.qtyReserved : 0), 0),
          keep: ruleOf.get(q)?.min ?? 0,
        }));
      const pos = position(p);
      const plans = planReplenishment(
        {
          itemId: p.item.id,
          warehouseId: (world.warehouses[p.warehouse] as WarehouseRecord).id,
          minQty: r.min,
          maxQty: r.max,
          safetyStock: r.safety,
        },
        pos,
        sources,
      );
      for (const pl of plans) {
        n += 1;
        proposals.push(
          `${jobId}:p${n}`,
          p.item.id,
          (world.warehouses[p.warehouse] as WarehouseRecord).id,
          pl.kind,
          pl.fromWarehouseId,
          pl.quantity,
          'min-max',
          'open',
          pos,
          jobAt,
          null,
          null,
          null,
        );
      }
    }
  }
  return { rules, proposals, rulesBelowMin: belowMin.length, proposalsOpen: n };
}

/**
 * Writes the ledgers (movements, reservations, transfers, rules, proposals) for `world` and
 * projects the balances, all in one transaction. Same seed, world and options → same rows.
 */
export async function seedInventory(
  db: Kysely<DB>,
  world: InventoryWorld,
  options: LedgerOptions,
): Promise<InventorySeedReport> {
  const started = performance.now();
  const sim = new Simulation(world, options);
  plan(sim);
  const ms = { simulate: 0, write: 0, rebuild: 0 };
  const sqlite = db.getExecutor().adapter instanceof SqliteAdapter;
  // A large page cache keeps the random inserts into the bucket index off the disk; restored after.
  let cacheSize: number | null = null;
  if (sqlite) {
    const r = await sql<{ cache_size: number }>`pragma cache_size`.execute(db);
    cacheSize = Number(r.rows[0]?.cache_size ?? -2000);
    await sql`pragma cache_size = -262144`.execute(db);
  }
  try {
    return await db.transaction().execute(async (trx) => {
      const bulk = new BulkWriter(trx, null);
      let writing = 0;
      const flush = async (force: boolean) => {
        if (!force && sim.moves.length < 10_000 * MOVEMENT_COLUMNS.length) return;
        const t = performance.now();
        const moves = sim.moves;
        const holds = sim.holds;
        sim.moves = [];
        sim.holds = [];
        await bulk.insertFlat('stock_movements', MOVEMENT_COLUMNS, moves);
        await bulk.insertFlat('stock_reservations', RESERVATION_COLUMNS, holds);
        writing += performance.now() - t;
      };
      // SQLite: the ledgers' secondary indexes are dropped for the load and built again after it
      // from their own stored definitions (sorting once beats millions of random index inserts).
      const indexes = sqlite
        ? (
            await sql<{ name: string; sql: string }>`select name, sql from sqlite_master
              where type = 'index' and tbl_name in ('stock_movements', 'stock_reservations') and sql is not null
              order by name`.execute(trx)
          ).rows
        : [];
      for (const ix of indexes) await sql`drop index ${sql.id(ix.name)}`.execute(trx);
      for (let day = 0; day < options.days; day += 1) {
        sim.runDay(day);
        await flush(false);
      }
      await flush(true);
      const ti = performance.now();
      for (const ix of indexes) await sql.raw(ix.sql).execute(trx);
      writing += performance.now() - ti;

      const t = performance.now();
      const headers: unknown[] = [];
      const lines: unknown[] = [];
      for (const d of sim.transfers) {
        headers.push(
          d.id,
          d.number,
          'transfer',
          (world.warehouses[d.from] as WarehouseRecord).id,
          (world.warehouses[d.to] as WarehouseRecord).id,
          d.status,
          d.proposalId,
          null,
          d.actor,
          d.shippedAt,
          d.receivedAt,
          1,
        );
        for (const l of d.lines)
          lines.push(
            d.id,
            l.lineNo,
            l.bucket.itemId,
            l.bucket.lot,
            l.bucket.expiry,
            l.bucket.ownerId,
            l.shipped,
            l.received,
          );
      }
      await bulk.insertFlat(
        'stock_transfers',
        [
          'id',
          'number',
          'kind',
          'from_warehouse_id',
          'to_warehouse_id',
          'status',
          'proposal_id',
          'note',
          'actor',
          'shipped_at',
          'received_at',
          'version',
        ],
        headers,
      );
      await bulk.insertFlat(
        'stock_transfer_lines',
        ['transfer_id', 'line_no', 'item_id', 'lot', 'expiry', 'owner_id', 'qty_shipped', 'qty_received'],
        lines,
      );
      const asOfMs = Date.parse(`${options.asOf}T00:00:00.000Z`);
      const rp = rulesAndProposals(sim, asOfMs);
      await bulk.insertFlat(
        'replenishment_rules',
        ['item_id', 'warehouse_id', 'min_qty', 'max_qty', 'safety_stock', 'updated_at'],
        rp.rules,
      );
      await bulk.insertFlat(
        'replenishment_proposals',
        [
          'id',
          'item_id',
          'warehouse_id',
          'kind',
          'from_warehouse_id',
          'quantity',
          'reason',
          'status',
          'position_qty',
          'created_at',
          'decided_at',
          'decided_by',
          'transfer_id',
        ],
        rp.proposals,
      );
      ms.write = Math.round(writing + performance.now() - t);
      const r0 = performance.now();
      const { buckets } = await rebuildBalances(trx);
      ms.rebuild = Math.round(performance.now() - r0);
      ms.simulate = Math.round(performance.now() - started - ms.write - ms.rebuild);

      const network = sim.checkNetworkLot();
      const openDemand = new Set<string>();
      for (const [k, hs] of sim.holdsByDemand) if (hs.some((h) => h.quantity > 0)) openDemand.add(k);
      return {
        movements: sim.movementCount,
        movementsByKind: sim.byKind,
        reservations: sim.reservationCount,
        openDemandLines: openDemand.size,
        buckets,
        transfers: sim.transfers.length,
        transfersOpen: sim.transfers.filter((d) => d.status !== 'received').length,
        rules: rp.rules.length / 6,
        rulesBelowMin: rp.rulesBelowMin,
        proposalsOpen: rp.proposalsOpen,
        networkLot: network,
        frozenLot: sim.frozenLot,
        ms,
      };
    });
  } finally {
    if (cacheSize !== null) await sql.raw(`pragma cache_size = ${cacheSize}`).execute(db);
  }
}
