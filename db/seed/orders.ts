import { BulkWriter, pushRow } from './bulk.ts';
import SqliteDatabase from 'better-sqlite3';
import { createRequire } from 'node:module';
import { pathToFileURL } from 'node:url';
import { isMainThread, parentPort, Worker, workerData } from 'node:worker_threads';
import { Kysely, SqliteAdapter, SqliteDialect, sql, type Transaction } from 'kysely';
import { allocate, assertBucket, bucketKeyOf, strategyOf, type Bucket } from '../../core/inventory/rules.ts';
import { OWN } from '../../core/inventory/schemas.ts';
import type {
  CarrierRecord,
  CustomerRecord,
  ItemRecord,
  SalesChannelRecord,
  SupplierRecord,
  WarehouseRecord,
} from '../../core/masterdata/schemas.ts';
import { priorityOrder, proRata } from '../../core/orders/rules.ts';
import {
  EXCEPTION_KINDS,
  ORDER_TYPES,
  type CheckCode,
  type ExceptionKind,
  type OrderStatus,
  type OrderType,
} from '../../core/orders/schemas.ts';
import { progressPercent } from '../../core/orders/transitions.ts';
import { applyBucketDeltas, NEVER_RECEIVED } from '../inventory.queries.ts';
import type { DB } from '../schema.ts';
import { createRng, seededUuidV7, type Rng } from './random.ts';
import * as v from './vocabulary.ts';

/*
 * A year of orders over the seeded master data and inventory, written the way the order commands
 * would have left them: every document's lines, its events (one per status reached, with who,
 * when and why), audit-check results of each submit, shipments and receipts, the exception queue,
 * and the list columns of `orders` as the same projection of the lines the commands keep.
 *
 * The story, day by day in time order (ids are time-ordered v7 UUIDs, numbers `SO-26-0001234`):
 * - sales orders from the channels (online shops, stores, distributors, keyed by hand): submitted,
 *   a few held by the stock, quota or credit check (released, rechecked or cancelled), the warehouse
 *   and carrier assigned by the rules, shipped in one or two shipments, completed on delivery; some
 *   cancelled, some split into two children, partially shipped ones closed, e-commerce orders past
 *   their auto-cancel date cancelled by the daily job; a share of completed orders comes back as a
 *   sales return (received, refused or pending), which keeps the original lines' qty_returned;
 * - purchase orders with expected dates (open ones are the supply ATP promises against), received
 *   in one or two receipts; purchase returns of received lines; transfer orders hub → region.
 * - The inventory seed's sales-order reservations (`SO-000123`: cancelled orders through the year,
 *   the last ten days' orders still holding stock) become real sales orders here: their
 *   reservation rows are re-pointed from the placeholder demand to the order's id and line, so
 *   every sales-order reservation belongs to an order line and no bucket changes.
 * - The morning of `asOf`, an allocation run (what `allocateOrders` does: scarce stock to the
 *   better grade, then the earlier promise, FEFO/FIFO per bucket) reserves free stock for every
 *   open approved line; its reservations are written and added to stock_balances.qty_reserved
 *   through the same bucket upsert the inventory commands use, and every touched bucket is
 *   checked (reserved ≤ available).
 * Shipped and received quantities of history leave no stock movements: the inventory seed's
 * ledger already tells the stock's story (it stands for the goods flow), and writing millions of
 * issue movements would change every balance it built. Only allocation touches stock here.
 */

export interface OrderSeedOptions {
  /** The day the data set is "as of" (YYYY-MM-DD); orders cover the `days` days before it. */
  asOf: string;
  days: number;
  seed: number;
  /** Sales orders in all: split children and the inventory seed's adopted demands included. */
  sales: number;
  /**
   * SQLite only: drop the order tables' secondary indexes for the load and build them again
   * after it, inside the same transaction (a failure restores them). Default true: sorting once
   * beats millions of random index inserts (about twice as fast; see docs/benchmarks.md).
   */
  rebuildIndexes?: boolean;
  /**
   * Run the generator in a worker thread while this thread writes (two cores busy). The worker
   * loads this module's TypeScript through tsx (the caller's loader, or `--import tsx`).
   */
  worker?: boolean;
}

export interface OrderWorld {
  items: readonly ItemRecord[];
  customers: readonly CustomerRecord[];
  suppliers: readonly SupplierRecord[];
  warehouses: readonly WarehouseRecord[];
  carriers: readonly CarrierRecord[];
  salesChannels: readonly SalesChannelRecord[];
}

export interface OrderSeedReport {
  orders: number;
  lines: number;
  byType: Record<OrderType, number>;
  byStatus: Record<OrderType, Partial<Record<OrderStatus, number>>>;
  events: number;
  checkResults: number;
  fulfilments: number;
  exceptions: number;
  openExceptions: Partial<Record<ExceptionKind, number>>;
  /** The inventory seed's placeholder demands turned into orders. */
  adopted: { orders: number; open: number; reservationRows: number };
  /** The allocation run on the morning of `asOf`. */
  allocationRun: { lines: number; quantity: number; reservations: number; buckets: number };
  /**
   * generate: the generator's own time (in a worker it overlaps the writing); checkpoint: folding
   * the log into the SQLite file after the commit; total: wall time of seedOrders.
   */
  ms: {
    /** Reading the inventory seed's reservations and the free stock. */
    load: number;
    generate: number;
    write: number;
    /** After the year: exceptions, the run's reservations and balances, re-pointed demands, settings. */
    finish: number;
    indexes: number;
    checkpoint?: number;
    total: number;
    /** CPU time of the whole process (all threads) meanwhile: less sensitive to a busy machine. */
    cpu: number;
  };
}

type OrderRow = DB['orders'];
type LineRow = DB['order_lines'];
type EventRow = DB['order_events'];
type CheckRow = DB['order_check_results'];
type FulfilmentRow = DB['order_fulfilments'];
type FLineRow = DB['order_fulfilment_lines'];
type ExceptionRow = DB['order_exceptions'];
type ReservationRow = DB['stock_reservations'];

const DAY = 86_400_000;
const HOUR = 3_600_000;
const MIN = 60_000;
// Millions of timestamps: formatted from cached day strings (toISOString was a third of the generator).
const dayTexts = new Map<number, string>();
const dayNumbers = new Map<string, number>();
const TWO = Array.from({ length: 100 }, (_, i) => String(i).padStart(2, '0'));
const THREE = Array.from({ length: 1000 }, (_, i) => String(i).padStart(3, '0'));
function dayText(day: number): string {
  let text = dayTexts.get(day);
  if (text === undefined) {
    text = new Date(day * DAY).toISOString().slice(0, 10);
    dayTexts.set(day, text);
    dayNumbers.set(text, day);
  }
  return text;
}
/** The same text as `new Date(ms).toISOString()`. */
function iso(ms: number): string {
  const day = Math.floor(ms / DAY);
  let rest = ms - day * DAY;
  const h = Math.floor(rest / HOUR);
  rest -= h * HOUR;
  const m = Math.floor(rest / MIN);
  rest -= m * MIN;
  const s = Math.floor(rest / 1000);
  return `${dayText(day)}T${TWO[h]}:${TWO[m]}:${TWO[s]}.${THREE[rest - s * 1000]}Z`;
}
const dateOf = (ms: number) => dayText(Math.floor(ms / DAY));
function addDays(date: string, n: number): string {
  let day = dayNumbers.get(date);
  if (day === undefined) {
    day = Math.floor(Date.parse(`${date}T00:00:00.000Z`) / DAY);
    dayNumbers.set(date, day);
  }
  return dayText(day + n);
}
const pad = (n: number, width: number) => String(n).padStart(width, '0');

/**
 * lineAmounts (core/orders/rules.ts) in doubles: every intermediate here stays below 2^53, so the
 * result is the same to the minor unit (the test compares them) without millions of bigints.
 */
function amounts(quantity: number, price: number, discount: number, taxBp: number) {
  const net = quantity * price - discount;
  const n = net * taxBp;
  const q = Math.floor(n / 10_000);
  const tax = 2 * (n - q * 10_000) >= 10_000 ? q + 1 : q;
  return { netMinor: net, taxMinor: tax, totalMinor: net + tax };
}

// ---------- columns, checked against the schema: a missing or unknown column fails to compile ----------
type Complete<T, C extends readonly (keyof T)[]> = Exclude<keyof T, C[number]> extends never ? C : never;
const columnsOf =
  <T>() =>
  <const C extends readonly (keyof T & string)[]>(c: Complete<T, C>): C =>
    c;

const ORDER_COLUMNS = columnsOf<OrderRow>()([
  'id',
  'number',
  'type',
  'status',
  'customer_id',
  'supplier_id',
  'warehouse_id',
  'to_warehouse_id',
  'carrier_id',
  'channel_id',
  'external_ref',
  'currency',
  'ordered_at',
  'requested_date',
  'promised_date',
  'auto_cancel_date',
  'ship_to_region',
  'parent_id',
  'original_order_id',
  'related_order_id',
  'exchange',
  'note',
  'line_count',
  'qty_ordered',
  'qty_done',
  'progress',
  'backordered',
  'net_minor',
  'tax_minor',
  'total_minor',
  'hold_checks',
  'created_by',
  'created_at',
  'updated_at',
  'version',
]);
const LINE_COLUMNS = columnsOf<LineRow>()([
  'order_id',
  'line_no',
  'item_id',
  'warehouse_id',
  'qty_ordered',
  'qty_allocated',
  'qty_shipped',
  'qty_received',
  'qty_invoiced',
  'qty_returned',
  'qty_cancelled',
  'unit_price_minor',
  'discount_minor',
  'tax_rate_bp',
  'net_minor',
  'tax_minor',
  'total_minor',
  'requested_date',
  'promised_date',
  'promise_supply',
  'original_line_no',
  'parent_line_no',
  'lot',
  'note',
]);
const EVENT_COLUMNS = columnsOf<EventRow>()([
  'id',
  'order_id',
  'action',
  'from_status',
  'to_status',
  'actor',
  'reason',
  'details',
  'at',
]);
const CHECK_COLUMNS = columnsOf<CheckRow>()(['order_id', 'run_no', 'check_code', 'passed', 'details', 'at']);
const FULFILMENT_COLUMNS = columnsOf<FulfilmentRow>()([
  'id',
  'order_id',
  'kind',
  'warehouse_id',
  'carrier_id',
  'tracking_no',
  'transfer_id',
  'actor',
  'at',
]);
const FLINE_COLUMNS = columnsOf<FLineRow>()(['fulfilment_id', 'line_no', 'quantity', 'lot', 'expiry']);
const EXCEPTION_COLUMNS = columnsOf<ExceptionRow>()([
  'id',
  'order_id',
  'kind',
  'status',
  'details',
  'created_at',
  'resolved_at',
  'resolved_by',
  'resolution',
  'note',
]);
const RESERVATION_COLUMNS = columnsOf<ReservationRow>()([
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
]);

/** The tables this seed writes in bulk, parents first (foreign keys are checked per statement). */
const ORDER_TABLES = [
  'orders',
  'order_lines',
  'order_events',
  'order_check_results',
  'order_fulfilments',
  'order_fulfilment_lines',
  'order_exceptions',
] as const;

/** The rows a stretch of the year produced, flat in each table's column order (what a worker posts). */
interface Batch {
  orders: unknown[];
  lines: unknown[];
  events: unknown[];
  checks: unknown[];
  fulfilments: unknown[];
  fulfilmentLines: unknown[];
}
const emptyBatch = (): Batch => ({
  orders: [],
  lines: [],
  events: [],
  checks: [],
  fulfilments: [],
  fulfilmentLines: [],
});
const batchValues = (b: Batch) =>
  b.orders.length +
  b.lines.length +
  b.events.length +
  b.checks.length +
  b.fulfilments.length +
  b.fulfilmentLines.length;

async function writeBatch(bulk: BulkWriter, b: Batch): Promise<void> {
  await bulk.insertFlat('orders', ORDER_COLUMNS, b.orders);
  await bulk.insertFlat('order_lines', LINE_COLUMNS, b.lines);
  await bulk.insertFlat('order_events', EVENT_COLUMNS, b.events);
  await bulk.insertFlat('order_check_results', CHECK_COLUMNS, b.checks);
  await bulk.insertFlat('order_fulfilments', FULFILMENT_COLUMNS, b.fulfilments);
  await bulk.insertFlat('order_fulfilment_lines', FLINE_COLUMNS, b.fulfilmentLines);
}

// ---------- the world, as the generator sees it ----------
const PRICE: Record<string, [number, number]> = {
  FOOD: [800, 6_000],
  DAIRY: [500, 3_000],
  BEVERAGE: [300, 2_500],
  HOME: [1_500, 8_000],
  PAPER: [500, 3_000],
  PERSONAL: [1_000, 6_000],
  ELECTRONICS: [2_000, 30_000],
  PACKAGING: [100, 800],
};
/** Company-currency (CNY) units per unit of each currency, × 1e6: the rates' starting points. */
const BASE_RATE: Record<'USD' | 'EUR' | 'HKD', number> = { USD: 7_180_000, EUR: 7_850_000, HKD: 921_000 };

interface ItemInfo {
  id: string;
  group: string;
  grams: number;
  price: number;
  cost: number;
  taxBp: number;
  lot: boolean;
  expiry: boolean;
  shelf: number | null;
  caseQty: number;
}

interface CustInfo {
  id: string;
  code: string;
  grade: string;
  currency: string;
  region: string | null;
  limitMinor: number;
  quota: QuotaInfo | null;
}

interface QuotaInfo {
  id: string;
  itemId: string | null;
  group: string | null;
  period: 'week' | 'month' | 'quarter';
  quantity: number;
}

interface WhInfo {
  id: string;
  region: string;
  hub: boolean;
}

interface ChannelInfo {
  id: string;
  code: string;
  online: boolean;
  share: number;
}

/** A sales order's lines as they leave the shop: what the customer asked for. */
interface LineSpec {
  item: ItemInfo;
  quantity: number;
}

// ---------- documents ----------
/** One order being lived through: rows accumulate as its story unfolds, the header projection at the end. */
class Doc {
  readonly lines: LineRow[] = [];
  readonly events: EventRow[] = [];
  readonly checks: CheckRow[] = [];
  readonly fulfilments: FulfilmentRow[] = [];
  readonly fulfilmentLines: FLineRow[] = [];
  status: OrderStatus = 'draft';
  version = 1;
  lastMs = 0;
  private n = 0;
  checkRun = 0;
  holdChecks: string | null = null;
  /** The time it was approved (promises and allocation priority). */
  approvedMs = 0;

  constructor(
    readonly h: OrderRow,
    readonly type: OrderType,
  ) {}

  get id(): string {
    return this.h.id;
  }

  /** Records a transition (or a same-status event with `to` null); event times strictly increase. */
  event(
    action: string,
    to: OrderStatus | null,
    t: number,
    actor: string,
    extra: { reason?: string | null; details?: unknown } = {},
  ): number {
    const ms = Math.max(t, this.lastMs + 1);
    this.lastMs = ms;
    const create = action === 'create';
    this.events.push({
      id: create ? `${this.h.id}:e0` : `${this.h.id}:e${(this.n += 1)}`,
      order_id: this.h.id,
      action,
      from_status: create ? null : this.status,
      to_status: to ?? this.status,
      actor,
      reason: extra.reason ?? null,
      details: extra.details === undefined ? null : JSON.stringify(extra.details),
      at: iso(ms),
    });
    if (to !== null) this.status = to;
    if (!create) this.version += 1;
    return ms;
  }

  /** One audit run: a row per enabled check (credit, quota, stock), failures in the details. */
  audit(t: number, failures: Partial<Record<CheckCode, unknown[]>>): number {
    this.checkRun += 1;
    const at = iso(Math.max(t, this.lastMs));
    for (const check of ['credit', 'quota', 'stock'] as const) {
      const f = failures[check] ?? [];
      this.checks.push({
        order_id: this.h.id,
        run_no: this.checkRun,
        check_code: check,
        passed: f.length === 0 ? 1 : 0,
        details: f.length === 0 ? '[]' : JSON.stringify(f),
        at,
      });
    }
    return this.checkRun;
  }

  /** Header list columns as the commands project them from the lines (headerFromLines). */
  project(): OrderRow {
    const shipping = this.type === 'sales' || this.type === 'purchase-return';
    let ordered = 0;
    let done = 0;
    let backordered: 0 | 1 = 0;
    let net = 0;
    let tax = 0;
    let total = 0;
    let promised: string | null = null;
    for (const l of this.lines) {
      const open = l.qty_ordered - l.qty_cancelled;
      ordered += open;
      done += shipping ? l.qty_shipped : l.qty_received;
      if ((shipping || this.type === 'transfer') && l.qty_allocated < open) backordered = 1;
      net += l.net_minor;
      tax += l.tax_minor;
      total += l.total_minor;
      if (l.promised_date !== null && (promised === null || l.promised_date > promised)) promised = l.promised_date;
    }
    const progress = progressPercent(
      this.type,
      this.lines.map((l) => ({
        ordered: l.qty_ordered,
        cancelled: l.qty_cancelled,
        shipped: l.qty_shipped,
        received: l.qty_received,
      })),
    );
    return Object.assign(this.h, {
      status: this.status,
      line_count: this.lines.length,
      qty_ordered: ordered,
      qty_done: done,
      progress,
      backordered,
      net_minor: net,
      tax_minor: tax,
      total_minor: total,
      promised_date: promised,
      hold_checks: this.holdChecks,
      updated_at: iso(Math.max(this.lastMs, Date.parse(this.h.created_at))),
      version: this.version,
    });
  }
}

/** What a demand line of the inventory seed held: its rows summed. */
interface Demand {
  demandId: string;
  lines: Array<{
    oldLine: number;
    itemId: string;
    warehouseId: string;
    reserved: number;
    net: number;
  }>;
  firstMs: number;
  cancelledMs: number | null;
}

interface ReturnPlan {
  type: 'sales-return' | 'purchase-return';
  t: number;
  original: Doc;
  lines: Array<{ src: LineRow; quantity: number; item: ItemInfo }>;
  /** Its story, run when it is planned (a sales return's receipts change the original). */
  doc?: Doc;
}

interface Starter {
  t: number;
  seq: number;
  run: (t: number) => void;
}

/** Lines per sales order (mean 3.2: with single-line adopted demands, about three a sales order). */
const LINE_COUNTS = [0.24, 0.24, 0.17, 0.12, 0.08, 0.06, 0.04, 0.03, 0.01, 0.01];
const CANCEL_REASONS = [
  '客户取消 customer cancelled',
  '重复下单 duplicate order',
  '价格调整后重下 re-ordered at the new price',
  '地址无法送达 undeliverable address',
];
const RELEASE_REASONS = [
  '主管批准 approved by supervisor',
  '已收到预付款 prepayment received',
  '大客户特批 key account exception',
];
const CLOSE_REASONS = ['余量不再发货 remainder not shipped', '客户接受部分交货 customer accepted partial delivery'];
const NOTES = ['请尽快发货 please ship asap', '送货前电话联系 call before delivery', '周末不收货 no weekend delivery'];
const SYSTEM = 'system';

class OrderFactory {
  readonly rng: Rng;
  private readonly ids: Rng;
  readonly start: number;
  readonly end: number;
  readonly items: ItemInfo[];
  readonly itemById = new Map<string, ItemInfo>();
  readonly customers: CustInfo[];
  readonly suppliers: string[];
  readonly warehouses: WhInfo[];
  readonly channels: ChannelInfo[];
  readonly carriers: Map<string, string>;
  readonly carrierCodes: Map<string, string>;
  private readonly clerks: string[];
  private readonly supervisors: string[];
  private readonly buyers: string[];
  private readonly staff = new Map<string, string[]>();
  /** Items with free stock per warehouse at the end (what its orders are made of). */
  carried = new Map<string, ItemInfo[]>();
  readonly quotas: QuotaInfo[] = [];
  readonly quotaOwner = new Map<QuotaInfo, CustInfo>();

  /** Rows waiting to be written. */
  batch: Batch = emptyBatch();
  readonly exceptions: ExceptionRow[] = [];
  /** Open documents the allocation run serves; written after it. */
  readonly heldBack: Doc[] = [];
  readonly agenda = new Map<number, ReturnPlan[]>();
  readonly report: OrderSeedReport;
  private readonly numbers = new Map<string, number>();
  private readonly refs = new Map<string, number>();
  private tracking = 0;
  private forcedNoWarehouse = 0;
  private forcedDrafts = 0;

  constructor(
    world: OrderWorld,
    readonly o: OrderSeedOptions,
  ) {
    this.rng = createRng((o.seed * 131 + 0x0bde) >>> 0);
    this.ids = createRng((o.seed * 7919 + 0x51ed) >>> 0);
    this.end = Date.parse(`${o.asOf}T00:00:00.000Z`);
    this.start = this.end - o.days * DAY;
    const rng = this.rng;
    this.items = world.items.map((it) => {
      const [lo, hi] = PRICE[it.productGroup ?? ''] ?? [500, 5_000];
      const price = Math.round(rng.int(lo, hi) / 10) * 10;
      const info: ItemInfo = {
        id: it.id,
        group: it.productGroup ?? '',
        grams: it.weightGrams ?? 500,
        price,
        cost: Math.round(price * (0.55 + rng.next() * 0.15)),
        taxBp: it.productGroup === 'FOOD' || it.productGroup === 'DAIRY' ? 900 : 1300,
        lot: it.lotTracked,
        expiry: it.expiryTracked,
        shelf: it.shelfLifeDays,
        caseQty: it.uoms.find((u) => u.uom === 'CS')?.factor ?? 12,
      };
      this.itemById.set(it.id, info);
      return info;
    });
    this.customers = world.customers.map((c) => ({
      id: c.id,
      code: c.code,
      grade: c.grade,
      currency: c.currency,
      region: c.addresses.find((a) => a.kind === 'shipping')?.region ?? null,
      limitMinor: c.creditLimitMinor,
      quota: null,
    }));
    this.suppliers = world.suppliers.map((s) => s.id);
    const hubs = Math.max(1, Math.round(world.warehouses.length / 5));
    this.warehouses = world.warehouses.map((w, i) => ({ id: w.id, region: w.region ?? '', hub: i < hubs }));
    const shares: Record<string, number> = {
      TMALL: 22,
      JDSHOP: 18,
      WXMINI: 10,
      'STORE-SH': 5,
      DIST: 15,
      OPENAPI: 5,
      MANUAL: 25,
    };
    this.channels = world.salesChannels.map((c) => ({
      id: c.id,
      code: c.code,
      online: ['TMALL', 'JDSHOP', 'WXMINI', 'OPENAPI'].includes(c.code),
      share: shares[c.code] ?? 5,
    }));
    this.carriers = new Map(world.carriers.map((c) => [c.code, c.id]));
    this.carrierCodes = new Map(world.carriers.map((c) => [c.id, c.code]));
    const person = () => `${rng.pick(v.SURNAMES)}${rng.pick(v.GIVEN)}${rng.chance(0.5) ? rng.pick(v.GIVEN) : ''}`;
    this.clerks = Array.from({ length: 8 }, person);
    this.supervisors = Array.from({ length: 2 }, person);
    this.buyers = Array.from({ length: 3 }, person);
    for (const w of this.warehouses) this.staff.set(w.id, Array.from({ length: 2 }, person));
    // A few customers buy under a quota (an item or a product group per period).
    const nQuotas = Math.min(20, Math.max(3, Math.round(this.customers.length / 100)));
    for (let i = 0; i < nQuotas && this.customers.length > 0 && this.items.length > 0; i += 1) {
      const c = this.customers[Math.floor(((i * 7 + 3) % this.customers.length) * 1)] as CustInfo;
      if (c.quota) continue;
      const onItem = rng.chance(0.5);
      const item = this.items[rng.int(0, Math.min(this.items.length, 50) - 1)] as ItemInfo;
      const q: QuotaInfo = {
        id: this.uuid(this.start + rng.int(1, 20) * DAY),
        itemId: onItem ? item.id : null,
        group: onItem ? null : item.group,
        period: rng.pick(['week', 'month', 'month', 'month', 'quarter'] as const),
        quantity: onItem ? rng.int(20, 200) * 10 : rng.int(100, 1000) * 10,
      };
      c.quota = q;
      this.quotas.push(q);
      this.quotaOwner.set(q, c);
    }
    this.report = {
      orders: 0,
      lines: 0,
      byType: Object.fromEntries(ORDER_TYPES.map((t) => [t, 0])) as Record<OrderType, number>,
      byStatus: Object.fromEntries(ORDER_TYPES.map((t) => [t, {}])) as OrderSeedReport['byStatus'],
      events: 0,
      checkResults: 0,
      fulfilments: 0,
      exceptions: 0,
      openExceptions: {},
      adopted: { orders: 0, open: 0, reservationRows: 0 },
      allocationRun: { lines: 0, quantity: 0, reservations: 0, buckets: 0 },
      ms: { load: 0, generate: 0, write: 0, finish: 0, indexes: 0, total: 0, cpu: 0 },
    };
  }

  uuid(ms: number): string {
    return seededUuidV7(this.ids, Math.max(0, Math.floor(ms)));
  }

  // ----- picking -----
  /** Skewed towards the front of the list: a few popular entries, a long tail. */
  skewed<T>(list: readonly T[], power = 1.6): T {
    return list[Math.min(list.length - 1, Math.floor(list.length * this.rng.next() ** power))] as T;
  }
  lineCount(): number {
    let r = this.rng.next();
    for (const [i, p] of LINE_COUNTS.entries()) {
      if (r < p) return i + 1;
      r -= p;
    }
    return 1;
  }
  clerk(): string {
    return this.rng.pick(this.clerks);
  }
  staffOf(warehouseId: string | null): string {
    return this.rng.pick(this.staff.get(warehouseId ?? '') ?? this.clerks);
  }
  /** Between `lo` and `hi` hours after `t`. */
  after(t: number, loHours: number, hiHours: number): number {
    return t + Math.floor((loHours + this.rng.next() * (hiHours - loHours)) * HOUR);
  }
  number(type: OrderType, ms: number): string {
    const prefix = { sales: 'SO', purchase: 'PO', 'sales-return': 'SR', 'purchase-return': 'PR', transfer: 'TO' }[type];
    const series = `${prefix}-${iso(ms).slice(2, 4)}`;
    const n = (this.numbers.get(series) ?? 0) + 1;
    this.numbers.set(series, n);
    return `${series}-${pad(n, 7)}`;
  }
  externalRef(channel: ChannelInfo, ms: number, customer: CustInfo): string | null {
    const n = (this.refs.get(channel.code) ?? 0) + 1;
    this.refs.set(channel.code, n);
    const ymd = dateOf(ms).replaceAll('-', '').slice(2);
    switch (channel.code) {
      case 'TMALL':
        return `4${ymd}${pad(n, 8)}`;
      case 'JDSHOP':
        return `3${pad(n * 7 + 1_000_000, 11)}`;
      case 'WXMINI':
        return `WX${ymd}${pad(n, 6)}`;
      case 'OPENAPI':
        return `API-${pad(n, 8)}`;
      case 'STORE-SH':
        return `POS${ymd}${pad(n, 5)}`;
      case 'DIST':
        return `PO-${customer.code}-${pad(n, 6)}`;
      default:
        return this.rng.chance(0.3) ? `CPO-${customer.code}-${pad(n, 5)}` : null;
    }
  }
  trackingNo(carrierCode: string): string {
    this.tracking += 1;
    const n = pad(this.tracking * 13 + this.rng.int(0, 12), 10);
    return carrierCode === 'SF' ? `SF14${n}` : carrierCode === 'JD' ? `JDVA${n}` : `7${pad(this.tracking, 4)}${n}`;
  }
  salesWarehouse(c: CustInfo): WhInfo {
    const regional = this.warehouses.filter((w) => !w.hub);
    if (regional.length === 0 || this.rng.chance(0.15)) return this.rng.pick(this.warehouses);
    const near = regional.filter((w) => w.region === c.region);
    return this.rng.pick(near.length > 0 ? near : regional);
  }
  carrierFor(channel: ChannelInfo | null, grams: number): [string, string | null] {
    const code =
      channel?.code === 'JDSHOP'
        ? 'JD'
        : grams > 30_000
          ? 'DBL'
          : this.rng.pick(['SF', 'SF', 'ZTO', 'YTO', 'STO', 'EMS']);
    return [code, this.carriers.get(code) ?? null];
  }
  itemsFor(warehouseId: string | null, n: number): ItemInfo[] {
    const pool = (warehouseId ? this.carried.get(warehouseId) : undefined) ?? [];
    const list = pool.length >= n ? pool : this.items;
    const out: ItemInfo[] = [];
    for (let tries = 0; out.length < n && tries < n * 6; tries += 1) {
      const it = this.skewed(list);
      if (!out.includes(it)) out.push(it);
    }
    return out;
  }
  lotOf(item: ItemInfo, ms: number): { lot: string; expiry: string } {
    if (!item.lot) return { lot: '', expiry: '' };
    const made = dateOf(ms - this.rng.int(5, 60) * DAY);
    const lot = `L${made.slice(0, 4)}-${made.slice(5, 7)}${made.slice(8, 10)}-A`;
    return { lot, expiry: item.expiry && item.shelf ? addDays(made, item.shelf) : '' };
  }
  unitPrice(item: ItemInfo, currency: string, grade: string): number {
    const discount = { A: 0.86, B: 0.9, C: 0.95 }[grade] ?? 1;
    const cny = item.price * discount;
    const rate = BASE_RATE[currency as 'USD'];
    return Math.max(1, Math.round(rate ? (cny * 1_000_000) / rate : cny));
  }

  // ----- rows -----
  header(type: OrderType, id: string, t: number, f: Partial<OrderRow>, createdBy: string, numbered = true): OrderRow {
    return {
      id,
      number: numbered ? this.number(type, t) : '',
      type,
      status: 'draft',
      customer_id: null,
      supplier_id: null,
      warehouse_id: null,
      to_warehouse_id: null,
      carrier_id: null,
      channel_id: null,
      external_ref: null,
      currency: 'CNY',
      ordered_at: dateOf(t),
      requested_date: null,
      promised_date: null,
      auto_cancel_date: null,
      ship_to_region: null,
      parent_id: null,
      original_order_id: null,
      related_order_id: null,
      exchange: 0,
      note: null,
      line_count: 0,
      qty_ordered: 0,
      qty_done: 0,
      progress: 0,
      backordered: 0,
      net_minor: 0,
      tax_minor: 0,
      total_minor: 0,
      hold_checks: null,
      created_by: createdBy,
      created_at: iso(t),
      updated_at: iso(t),
      version: 1,
      ...f,
    };
  }
  line(
    orderId: string,
    lineNo: number,
    item: ItemInfo,
    quantity: number,
    price: number,
    warehouseId: string | null,
    requested: string | null,
  ): LineRow {
    const gross = quantity * price;
    const discount = this.rng.chance(0.15) ? Math.round(gross * (0.02 + this.rng.next() * 0.08)) : 0;
    const a = amounts(quantity, price, discount, item.taxBp);
    return {
      order_id: orderId,
      line_no: lineNo,
      item_id: item.id,
      warehouse_id: warehouseId,
      qty_ordered: quantity,
      qty_allocated: 0,
      qty_shipped: 0,
      qty_received: 0,
      qty_invoiced: 0,
      qty_returned: 0,
      qty_cancelled: 0,
      unit_price_minor: price,
      discount_minor: discount,
      tax_rate_bp: item.taxBp,
      net_minor: a.netMinor,
      tax_minor: a.taxMinor,
      total_minor: a.totalMinor,
      requested_date: requested,
      promised_date: null,
      promise_supply: null,
      original_line_no: null,
      parent_line_no: null,
      lot: '',
      note: null,
    };
  }
  quantity(item: ItemInfo): number {
    const r = this.rng.next();
    if (r < 0.6) return this.rng.int(1, 12);
    if (r < 0.9) return item.caseQty * this.rng.int(1, 4);
    return this.rng.int(13, 60);
  }

  exception(
    doc: Doc,
    kind: ExceptionKind,
    t: number,
    details: Record<string, unknown>,
    resolve: { resolution: string; note?: string | null; afterHours?: [number, number] } | null,
  ): ExceptionRow {
    let resolvedMs: number | null = null;
    if (resolve) {
      const [lo, hi] = resolve.afterHours ?? [1, 48];
      resolvedMs = this.after(t, lo, hi);
      // A small backlog nobody got to (never the old ones).
      if (resolvedMs >= this.end || (t > this.end - 30 * DAY && this.rng.chance(0.04))) resolvedMs = null;
    }
    const row: ExceptionRow = {
      id: this.uuid(t),
      order_id: doc.id,
      kind,
      status: resolvedMs === null ? 'open' : 'resolved',
      details: JSON.stringify(details),
      created_at: iso(t),
      resolved_at: resolvedMs === null ? null : iso(resolvedMs),
      resolved_by: resolvedMs === null ? null : this.clerk(),
      resolution: resolvedMs === null ? null : (resolve?.resolution ?? null),
      note: resolvedMs === null ? null : (resolve?.note ?? null),
    };
    this.exceptions.push(row);
    return row;
  }

  shipment(doc: Doc, t: number, quantities: ReadonlyMap<number, number>, kind: 'ship' | 'receive'): string {
    const id = this.uuid(t);
    const warehouseId = (kind === 'receive' && doc.type === 'transfer' ? doc.h.to_warehouse_id : doc.h.warehouse_id)!;
    const carrierCode = this.carrierCodes.get(doc.h.carrier_id ?? '') ?? 'SF';
    doc.fulfilments.push({
      id,
      order_id: doc.id,
      kind,
      warehouse_id: warehouseId,
      carrier_id: kind === 'ship' ? doc.h.carrier_id : null,
      tracking_no: kind === 'ship' && doc.type !== 'transfer' ? this.trackingNo(carrierCode) : null,
      transfer_id: null,
      actor: this.staffOf(warehouseId),
      at: iso(Math.max(t, doc.lastMs + 1)),
    });
    for (const [lineNo, quantity] of quantities) {
      if (quantity <= 0) continue;
      const l = doc.lines[lineNo - 1] as LineRow;
      const item = this.itemById.get(l.item_id) as ItemInfo;
      const { lot, expiry } = l.lot !== '' ? { lot: l.lot, expiry: '' } : this.lotOf(item, t);
      doc.fulfilmentLines.push({ fulfilment_id: id, line_no: lineNo, quantity, lot, expiry });
    }
    return id;
  }

  /** Queues a finished document's rows; open ones wait for the allocation run. */
  emit(doc: Doc): void {
    const b = this.batch;
    pushRow(b.orders, doc.project(), ORDER_COLUMNS);
    for (const l of doc.lines) pushRow(b.lines, l, LINE_COLUMNS);
    for (const e of doc.events) pushRow(b.events, e, EVENT_COLUMNS);
    for (const c of doc.checks) pushRow(b.checks, c, CHECK_COLUMNS);
    for (const f of doc.fulfilments) pushRow(b.fulfilments, f, FULFILMENT_COLUMNS);
    for (const f of doc.fulfilmentLines) pushRow(b.fulfilmentLines, f, FLINE_COLUMNS);
    const r = this.report;
    r.orders += 1;
    r.lines += doc.lines.length;
    r.byType[doc.type] += 1;
    r.byStatus[doc.type][doc.status] = (r.byStatus[doc.type][doc.status] ?? 0) + 1;
    r.events += doc.events.length;
    r.checkResults += doc.checks.length;
    r.fulfilments += doc.fulfilments.length;
  }

  /** Open documents that may hold stock are written after the allocation run. */
  finish(doc: Doc): void {
    const open =
      ((doc.type === 'sales' || doc.type === 'purchase-return') &&
        (doc.status === 'approved' || doc.status === 'partially-shipped')) ||
      (doc.type === 'transfer' && doc.status === 'approved');
    if (open) this.heldBack.push(doc);
    else this.emit(doc);
  }

  // ----- the auto-cancel job -----
  /** The daily job's run that cancels this order (the day after its auto-cancel date). */
  jobTime(doc: Doc): number {
    if (doc.h.auto_cancel_date === null) return Infinity;
    return Date.parse(`${addDays(doc.h.auto_cancel_date, 1)}T01:00:00.000Z`);
  }
  /** True when the job gets to the order before `t` (and has cancelled or closed it). */
  jobFirst(doc: Doc, t: number): boolean {
    const job = this.jobTime(doc);
    if (!(job < t && job < this.end)) return false;
    if (!['approved', 'held', 'partially-shipped', 'draft'].includes(doc.status)) return false;
    const close = doc.status === 'partially-shipped';
    this.cancelRemainder(doc);
    const at = doc.event(close ? 'close' : 'cancel', close ? 'closed' : 'cancelled', job, SYSTEM, {
      reason: `auto-cancel date ${doc.h.auto_cancel_date ?? ''} passed`,
    });
    this.exception(
      doc,
      'auto-cancelled',
      at,
      { autoCancelDate: doc.h.auto_cancel_date },
      {
        resolution: 'dismiss',
        afterHours: [1, 60],
      },
    );
    return true;
  }
  cancelRemainder(doc: Doc): void {
    for (const l of doc.lines) {
      const done = Math.max(l.qty_shipped, l.qty_received);
      l.qty_cancelled = l.qty_ordered - done;
      l.qty_allocated = Math.min(l.qty_allocated, l.qty_shipped);
    }
  }

  // ----- sales -----
  /**
   * One sales order from its channel to its end (or to today): returns how many orders it made
   * (3 when it was split into two children).
   */
  sales(t0: number, allowSplit: boolean): number {
    const rng = this.rng;
    const c = this.skewed(this.customers, 1.5);
    let r = rng.next() * this.channels.reduce((s, x) => s + x.share, 0);
    let channel = this.channels[0] ?? null;
    for (const ch of this.channels) {
      channel = ch;
      r -= ch.share;
      if (r < 0) break;
    }
    const online = channel?.online ?? false;
    const wh = this.salesWarehouse(c);
    const currency =
      c.currency === 'CNY' ? 'CNY' : rng.pick([c.currency, c.currency, c.currency, c.currency, 'EUR', 'HKD']);
    const id = this.uuid(t0);
    const requested = rng.chance(0.3) ? addDays(dateOf(t0), rng.int(2, 10)) : null;
    const creator = online && channel ? `${channel.code.toLowerCase()}-sync` : this.clerk();
    // Now and then no rule finds a warehouse: held, and the queue gets a no-warehouse exception.
    const forced = online && t0 >= this.end - 2 * DAY && this.forcedNoWarehouse < 2;
    const noWarehouse = forced || (online && rng.chance(0.004));
    if (forced) this.forcedNoWarehouse += 1;
    const doc = new Doc(
      this.header(
        'sales',
        id,
        t0,
        {
          customer_id: c.id,
          warehouse_id: online ? null : wh.id,
          channel_id: channel?.id ?? null,
          external_ref: channel ? this.externalRef(channel, t0, c) : null,
          currency,
          requested_date: requested,
          auto_cancel_date: online ? addDays(dateOf(t0), 7) : null,
          ship_to_region: c.region,
          note: rng.chance(0.05) ? rng.pick(NOTES) : null,
        },
        creator,
      ),
      'sales',
    );
    const specs: LineSpec[] = this.itemsFor(wh.id, this.lineCount()).map((item) => ({
      item,
      quantity: this.quantity(item),
    }));
    specs.forEach((s, i) =>
      doc.lines.push(
        this.line(
          id,
          i + 1,
          s.item,
          s.quantity,
          this.unitPrice(s.item, currency, c.grade),
          doc.h.warehouse_id,
          requested,
        ),
      ),
    );
    // Keyed orders name their carrier; the rules assign one to channel orders on submit.
    if (!online) doc.h.carrier_id = this.carrierFor(channel, this.weight(doc))[1];
    doc.event('create', 'draft', t0, creator);

    // A draft cancelled before it was ever submitted.
    if (rng.chance(0.015)) {
      const t = this.after(t0, 0.2, 40);
      if (!this.jobFirst(doc, t) && t < this.end) {
        this.cancelRemainder(doc);
        doc.event('cancel', 'cancelled', t, this.clerk(), { reason: rng.pick(CANCEL_REASONS) });
      }
      this.finish(doc);
      return 1;
    }
    // Keyed drafts wait now and then; the last days always have a couple still open.
    const keepDraft = !online && t0 >= this.end - 2 * DAY && this.forcedDrafts < 2;
    if (keepDraft) this.forcedDrafts += 1;
    const t1 = keepDraft
      ? Infinity
      : online
        ? this.after(t0, 0.01, 0.1)
        : rng.chance(0.015)
          ? this.after(t0, 24, 300)
          : this.after(t0, 0.03, 4);
    if (this.jobFirst(doc, t1) || t1 >= this.end) return this.finished(doc);
    const actor = online ? creator : this.clerk();

    // Submit: the rules pick a warehouse and a carrier, then the audit checks run.
    if (!noWarehouse && (doc.h.warehouse_id === null || doc.h.carrier_id === null)) {
      const carrier = doc.h.carrier_id ?? this.carrierFor(channel, this.weight(doc))[1];
      const ruleId = doc.h.warehouse_id === null ? `region:${wh.region}` : null;
      doc.h.warehouse_id = wh.id;
      doc.h.carrier_id = carrier;
      for (const l of doc.lines) l.warehouse_id = wh.id;
      doc.event('assign', null, t1, actor, { details: { warehouseId: wh.id, carrierId: carrier, ruleId } });
    }
    const failures = noWarehouse ? this.noWarehouseFailures(doc) : rng.chance(0.04) ? this.failures(doc, c) : {};
    const run = doc.audit(t1, failures);
    const missing = noWarehouse
      ? this.exception(
          doc,
          'no-warehouse',
          t1,
          { reason: 'no-rule-matched' },
          forced ? null : { resolution: 'assign-warehouse', afterHours: [0.5, 30] },
        )
      : null;
    const held = Object.keys(failures).length > 0;
    if (!held) {
      this.approve(doc, t1, actor, 'submit', { run });
    } else {
      const checks = (['credit', 'quota', 'stock'] as const).filter((k) => failures[k] !== undefined);
      doc.holdChecks = checks.join(',');
      doc.event('submit', 'held', t1, actor, {
        details: { run, failures: checks.flatMap((k) => (failures[k] ?? []).map((d) => ({ check: k, details: d }))) },
      });
      // The hold is worked off: released by a supervisor, rechecked once the cause went, or cancelled.
      const t2 = missing
        ? missing.resolved_at === null
          ? Infinity
          : Date.parse(missing.resolved_at)
        : rng.chance(0.2)
          ? this.after(t1, 48, 240)
          : this.after(t1, 1, 48);
      if (this.jobFirst(doc, t2)) {
        // The job cancelled it first: the clerk then only dismissed the exception.
        if (missing && missing.resolution !== null) missing.resolution = 'dismiss';
        return this.finished(doc);
      }
      if (t2 >= this.end) return this.finished(doc);
      if (noWarehouse) {
        doc.h.warehouse_id = wh.id;
        for (const l of doc.lines) l.warehouse_id = wh.id;
        doc.event('assign', null, t2, missing?.resolved_by ?? this.clerk(), {
          details: { warehouseId: wh.id, carrierId: doc.h.carrier_id, ruleId: null },
        });
        const run2 = doc.audit(t2, {});
        this.approve(doc, t2, this.clerk(), 'recheck', { run: run2 });
      } else {
        const p = rng.next();
        if (p < 0.6) {
          this.approve(
            doc,
            t2,
            rng.pick(this.supervisors),
            'release',
            { run, forced: checks },
            rng.pick(RELEASE_REASONS),
          );
        } else if (p < 0.85) {
          const run2 = doc.audit(t2, {});
          this.approve(doc, t2, this.clerk(), 'recheck', { run: run2 });
        } else {
          this.cancelRemainder(doc);
          doc.event('cancel', 'cancelled', t2, this.clerk(), { reason: rng.pick(CANCEL_REASONS) });
          return this.finished(doc);
        }
      }
    }
    const ta = doc.approvedMs;

    // Split into two children (by warehouse, or the quantity of a single line).
    if (allowSplit && rng.chance(0.015) && (doc.lines.length > 1 || (doc.lines[0]?.qty_ordered ?? 0) > 1)) {
      const ts = this.after(ta, 0.2, 20);
      if (!this.jobFirst(doc, ts) && ts < this.end) return this.split(doc, ts, c, channel);
    }
    return this.shipping(doc, ta, channel, c);
  }

  private finished(doc: Doc): number {
    this.finish(doc);
    return 1;
  }

  weight(doc: Doc): number {
    return doc.lines.reduce((s, l) => s + (this.itemById.get(l.item_id)?.grams ?? 0) * l.qty_ordered, 0);
  }

  approve(doc: Doc, t: number, actor: string, action: string, details: unknown, reason: string | null = null): void {
    const at = doc.event(action, 'approved', t, actor, { reason, details });
    doc.holdChecks = null;
    doc.approvedMs = at;
    // Allocation promises each line its requested date or today (shortfalls: see the run).
    for (const l of doc.lines) if (l.promised_date === null) l.promised_date = l.requested_date ?? dateOf(at);
  }

  noWarehouseFailures(doc: Doc): Partial<Record<CheckCode, unknown[]>> {
    return {
      stock: doc.lines.map((l) => ({
        lineNo: l.line_no,
        itemId: l.item_id,
        warehouseId: null,
        requested: l.qty_ordered,
        available: 0,
      })),
    };
  }

  failures(doc: Doc, c: CustInfo): Partial<Record<CheckCode, unknown[]>> {
    const rng = this.rng;
    const p = rng.next();
    const total = doc.lines.reduce((s, l) => s + l.total_minor, 0);
    if (p < 0.15 && c.quota) {
      const q = c.quota;
      const requested = doc.lines
        .filter((l) => (q.itemId ? l.item_id === q.itemId : this.itemById.get(l.item_id)?.group === q.group))
        .reduce((s, l) => s + l.qty_ordered, 0);
      if (requested > 0) {
        const used = q.quantity - rng.int(0, Math.max(0, requested - 1));
        return {
          quota: [
            {
              quotaId: q.id,
              itemId: q.itemId,
              productGroup: q.group,
              period: q.period,
              allowance: q.quantity,
              used,
              requested,
              remaining: Math.max(0, q.quantity - used),
            },
          ],
        };
      }
    }
    if (p < 0.6) {
      const limit = c.limitMinor;
      const open = Math.round(limit * (0.8 + rng.next() * 0.3));
      const exposure = Math.max(limit + 1, open + total);
      return {
        credit: [
          {
            limitMinor: limit,
            exposureMinor: exposure,
            overMinor: exposure - limit,
            openReceivablesMinor: open,
            unbilledMinor: Math.max(0, exposure - open - total),
            thisOrderMinor: total,
            depositsMinor: 0,
            currency: 'CNY',
          },
        ],
      };
    }
    const short = doc.lines.slice(0, rng.int(1, Math.min(2, doc.lines.length)));
    return {
      stock: short.map((l) => ({
        lineNo: l.line_no,
        itemId: l.item_id,
        warehouseId: l.warehouse_id,
        requested: l.qty_ordered,
        available: rng.int(0, Math.max(0, l.qty_ordered - 1)),
      })),
    };
  }

  /** Approved → shipped in one or two shipments → completed (or closed, cancelled, auto-cancelled). */
  shipping(doc: Doc, ta: number, channel: ChannelInfo | null, c: CustInfo | null): number {
    const rng = this.rng;
    if (rng.chance(0.012)) {
      const t = this.after(ta, 0.5, 48);
      if (this.jobFirst(doc, t) || t >= this.end) return this.finished(doc);
      this.cancelRemainder(doc);
      doc.event('cancel', 'cancelled', t, this.clerk(), { reason: rng.pick(CANCEL_REASONS) });
      return this.finished(doc);
    }
    const t1 = rng.chance(0.05) ? this.after(ta, 72, 240) : this.after(ta, 1, 72);
    if (this.jobFirst(doc, t1) || t1 >= this.end) return this.finished(doc);
    const partial = rng.chance(0.08);
    const first = new Map<number, number>();
    for (const l of doc.lines) {
      const open = l.qty_ordered - l.qty_cancelled;
      first.set(l.line_no, partial ? Math.floor(open * (rng.next() * 0.9)) : open);
    }
    if (partial && [...first.values()].every((q) => q === 0)) first.set(1, 1);
    if (partial && doc.lines.every((l) => first.get(l.line_no) === l.qty_ordered)) {
      const l = doc.lines[0] as LineRow;
      first.set(1, l.qty_ordered - 1);
    }
    this.ship(doc, t1, first);
    if (doc.status === 'partially-shipped') {
      // The rest follows, or the remainder is closed.
      const closeIt = rng.chance(0.3);
      const t2 = closeIt ? this.after(t1, 72, 288) : this.after(t1, 24, 168);
      if (this.jobFirst(doc, t2) || t2 >= this.end) return this.finished(doc);
      if (closeIt) {
        this.cancelRemainder(doc);
        doc.event('close', 'closed', t2, this.clerk(), { reason: rng.pick(CLOSE_REASONS) });
        this.invoice(doc);
        return this.finished(doc);
      }
      const rest = new Map(doc.lines.map((l) => [l.line_no, l.qty_ordered - l.qty_cancelled - l.qty_shipped]));
      this.ship(doc, t2, rest);
    }
    const tc = this.after(doc.lastMs, 40, 200);
    if (tc >= this.end) return this.finished(doc);
    doc.event('complete', 'completed', tc, this.staffOf(doc.h.warehouse_id));
    this.invoice(doc);
    if (c !== null && rng.chance(0.02)) this.planSalesReturn(doc, tc);
    void channel;
    return this.finished(doc);
  }

  invoice(doc: Doc): void {
    for (const l of doc.lines) l.qty_invoiced = l.qty_shipped;
  }

  ship(doc: Doc, t: number, quantities: ReadonlyMap<number, number>): void {
    const fid = this.shipment(doc, t, quantities, 'ship');
    let shipped = 0;
    let due = 0;
    for (const l of doc.lines) {
      const q = quantities.get(l.line_no) ?? 0;
      l.qty_shipped += q;
      // What ships was allocated first; what is left stays allocated only through the run.
      l.qty_allocated = Math.max(l.qty_allocated, l.qty_shipped);
      shipped += l.qty_shipped;
      due += l.qty_ordered - l.qty_cancelled;
    }
    doc.event('ship', shipped >= due ? 'shipped' : 'partially-shipped', t, this.staffOf(doc.h.warehouse_id), {
      details: { fulfilmentId: fid },
    });
  }

  split(parent: Doc, ts: number, c: CustInfo, channel: ChannelInfo | null): number {
    const rng = this.rng;
    const other = this.warehouses.filter((w) => w.id !== parent.h.warehouse_id);
    const second = other.length > 0 ? rng.pick(other) : null;
    // Parts: [lines for child 1], [lines for child 2] as (parent line, quantity).
    const parts: Array<Array<[LineRow, number]>> = [[], []];
    if (parent.lines.length > 1) {
      const cut = rng.int(1, parent.lines.length - 1);
      parent.lines.forEach((l, i) => parts[i < cut ? 0 : 1]?.push([l, l.qty_ordered]));
    } else {
      const l = parent.lines[0] as LineRow;
      const q = rng.int(1, l.qty_ordered - 1);
      parts[0]?.push([l, q]);
      parts[1]?.push([l, l.qty_ordered - q]);
    }
    const children: Doc[] = [];
    const left = new Map(
      parent.lines.map((l) => [
        l.line_no,
        { units: l.qty_ordered, net: l.net_minor, tax: l.tax_minor, discount: l.discount_minor },
      ]),
    );
    for (const [i, part] of parts.entries()) {
      const childId = this.uuid(ts);
      const warehouseId = i === 1 && parent.lines.length > 1 && second ? second.id : parent.h.warehouse_id;
      const child = new Doc(
        {
          ...parent.h,
          id: childId,
          number: `${parent.h.number}-${i + 1}`,
          warehouse_id: warehouseId,
          parent_id: parent.id,
          external_ref: null,
          created_by: this.clerk(),
          created_at: iso(ts),
          updated_at: iso(ts),
          version: 1,
        },
        'sales',
      );
      child.lastMs = ts;
      part.forEach(([src, q], j) => {
        const m = left.get(src.line_no)!;
        const last = q === m.units;
        const share = last
          ? { net: m.net, tax: m.tax, discount: m.discount }
          : {
              net: proRata(src.net_minor, q, src.qty_ordered),
              tax: proRata(src.tax_minor, q, src.qty_ordered),
              discount: proRata(src.discount_minor, q, src.qty_ordered),
            };
        left.set(src.line_no, {
          units: m.units - q,
          net: m.net - share.net,
          tax: m.tax - share.tax,
          discount: m.discount - share.discount,
        });
        child.lines.push({
          ...src,
          order_id: childId,
          line_no: j + 1,
          warehouse_id: warehouseId,
          qty_ordered: q,
          qty_allocated: 0,
          qty_cancelled: 0,
          discount_minor: share.discount,
          net_minor: share.net,
          tax_minor: share.tax,
          total_minor: share.net + share.tax,
          parent_line_no: src.line_no,
        });
      });
      child.status = 'approved';
      child.event('create', 'approved', ts, child.h.created_by, {
        details: { parentId: parent.id, parentNumber: parent.h.number },
      });
      child.event('allocate', null, ts, child.h.created_by);
      child.approvedMs = ts;
      children.push(child);
    }
    for (const l of parent.lines) l.qty_allocated = 0;
    parent.event('split', 'split', ts, this.clerk(), {
      details: { mode: parent.lines.length > 1 ? 'auto' : 'manual', children: children.map((x) => x.h.number) },
    });
    this.finish(parent);
    for (const child of children) this.shipping(child, ts, channel, c);
    return 3;
  }

  // ----- returns -----
  planSalesReturn(doc: Doc, tc: number): void {
    const t = this.after(tc, 24, 480);
    if (t >= this.end) return;
    const lines = doc.lines.filter((l) => l.qty_shipped > 0).slice(0, this.rng.int(1, 3));
    const plan: ReturnPlan = {
      type: 'sales-return',
      t,
      original: doc,
      lines: lines.map((l) => ({
        src: l,
        quantity: this.rng.int(1, Math.min(l.qty_shipped, 6)),
        item: this.itemById.get(l.item_id) as ItemInfo,
      })),
    };
    // Decided now, so the original's qty_returned and its events are known when it is written.
    this.schedule(plan);
  }

  schedule(plan: ReturnPlan): void {
    const day = Math.floor((plan.t - this.start) / DAY);
    const list = this.agenda.get(day);
    if (list) list.push(plan);
    else this.agenda.set(day, [plan]);
    // The return's receipt updates the original now (see returnDoc): run its story up front.
    plan.doc = this.returnDoc(plan);
  }

  /** A sales or purchase return's whole story; receipts of a sales return count on the original lines. */
  returnDoc(plan: ReturnPlan): Doc {
    const rng = this.rng;
    const o = plan.original;
    const sales = plan.type === 'sales-return';
    const id = this.uuid(plan.t);
    const creator = sales ? this.clerk() : rng.pick(this.buyers);
    const doc = new Doc(
      this.header(
        plan.type,
        id,
        plan.t,
        {
          customer_id: o.h.customer_id,
          supplier_id: o.h.supplier_id,
          warehouse_id: o.h.warehouse_id,
          currency: o.h.currency,
          original_order_id: o.id,
          exchange: sales && rng.chance(0.1) ? 1 : 0,
          note: sales ? rng.pick(['质量问题 quality issue', '发错货 wrong item', '包装破损 damaged box']) : null,
        },
        creator,
        false,
      ),
      plan.type,
    );
    plan.lines.forEach((x, i) => {
      const net = proRata(x.src.net_minor, x.quantity, x.src.qty_ordered);
      const tax = proRata(x.src.tax_minor, x.quantity, x.src.qty_ordered);
      doc.lines.push({
        ...this.line(id, i + 1, x.item, x.quantity, 0, o.h.warehouse_id, null),
        unit_price_minor: 0,
        discount_minor: 0,
        tax_rate_bp: x.src.tax_rate_bp,
        net_minor: net,
        tax_minor: tax,
        total_minor: net + tax,
        original_line_no: x.src.line_no,
      });
    });
    doc.event('create', 'draft', plan.t, creator);
    const ta = this.after(plan.t, 0.05, 6);
    if (ta >= this.end) return doc;
    if (sales) {
      doc.event('submit', 'approved', ta, creator);
      const refused = rng.chance(0.15);
      const tr = this.after(ta, 48, 240);
      if (tr >= this.end) return doc;
      if (refused) {
        // Goods refused at the dock: the return is cancelled and the queue says why.
        this.cancelRemainder(doc);
        const at = doc.event('cancel', 'cancelled', tr, this.staffOf(doc.h.warehouse_id), {
          reason: '拒收：非本公司商品或已使用 refused: not ours or used',
        });
        this.exception(doc, 'return-refused', at, { reason: 'refused-at-dock' }, { resolution: 'dismiss' });
        return doc;
      }
      const partial = doc.lines.length > 1 && rng.chance(0.1);
      const first = new Map(doc.lines.map((l, i) => [l.line_no, partial && i > 0 ? 0 : l.qty_ordered]));
      this.receive(doc, tr, first, o);
      let last = tr;
      if (partial) {
        const t2 = this.after(tr, 24, 240);
        if (t2 >= this.end) return doc;
        this.receive(doc, t2, new Map(doc.lines.map((l) => [l.line_no, l.qty_ordered - l.qty_received])), o);
        last = t2;
      }
      const tc = this.after(last, 2, 72);
      if (tc < this.end) doc.event('complete', 'completed', tc, this.clerk());
      return doc;
    }
    // A purchase return ships the goods back: allocated, shipped, completed. One approved in the
    // last days may still wait for its stock (the allocation run serves it).
    doc.event('submit', 'approved', ta, creator);
    for (const l of doc.lines) l.promised_date = dateOf(ta);
    const ts = this.after(ta, 12, 120);
    if (ts >= this.end || (ta >= this.end - 5 * DAY && rng.chance(0.5))) {
      const short = doc.lines.reduce((s, l) => s + l.qty_ordered, 0);
      this.exception(doc, 'backorder', doc.lastMs, { short }, { resolution: 'dismiss', afterHours: [24, 200] });
      return doc;
    }
    this.ship(doc, ts, new Map(doc.lines.map((l) => [l.line_no, l.qty_ordered])));
    const tc = this.after(ts, 24, 120);
    if (tc < this.end) doc.event('complete', 'completed', tc, creator);
    return doc;
  }

  /** A receipt; a sales return's receipt counts as returned on the original lines (as receiveOrder does). */
  receive(doc: Doc, t: number, quantities: ReadonlyMap<number, number>, o: Doc | null): void {
    const fid = this.shipment(doc, t, quantities, 'receive');
    let received = 0;
    let due = 0;
    for (const l of doc.lines) {
      const q = quantities.get(l.line_no) ?? 0;
      l.qty_received += q;
      received += l.qty_received;
      due += l.qty_ordered - l.qty_cancelled;
      if (o && q > 0 && l.original_line_no !== null) {
        const src = o.lines[l.original_line_no - 1] as LineRow;
        src.qty_returned += q;
      }
    }
    const at = doc.event(
      'receive',
      received >= due ? 'received' : 'partially-received',
      t,
      this.staffOf(doc.type === 'transfer' ? doc.h.to_warehouse_id : doc.h.warehouse_id),
      { details: { fulfilmentId: fid } },
    );
    if (o) o.event('promise', null, at, SYSTEM, { details: { returnId: doc.id } });
  }

  // ----- purchases and transfers -----
  purchase(t0: number): void {
    const rng = this.rng;
    const hubs = this.warehouses.filter((w) => w.hub);
    const wh = hubs.length > 0 && rng.chance(0.8) ? rng.pick(hubs) : rng.pick(this.warehouses);
    const id = this.uuid(t0);
    const buyer = rng.pick(this.buyers);
    const expected = addDays(dateOf(t0), rng.int(7, 25));
    const doc = new Doc(
      this.header(
        'purchase',
        id,
        t0,
        {
          supplier_id: this.suppliers.length > 0 ? this.skewed(this.suppliers, 1.3) : null,
          warehouse_id: wh.id,
          requested_date: expected,
        },
        buyer,
      ),
      'purchase',
    );
    const confirmed = rng.chance(0.7);
    this.itemsFor(wh.id, rng.int(1, 8)).forEach((item, i) => {
      const l = this.line(id, i + 1, item, item.caseQty * rng.int(5, 40), item.cost, wh.id, expected);
      l.promised_date = confirmed ? expected : null;
      doc.lines.push(l);
    });
    doc.event('create', 'draft', t0, buyer);
    if (rng.chance(0.02)) {
      const t = this.after(t0, 1, 48);
      if (t < this.end) {
        this.cancelRemainder(doc);
        doc.event('cancel', 'cancelled', t, buyer, { reason: '供应商无法供货 supplier cannot deliver' });
      }
      return this.finish(doc);
    }
    const ta = this.after(t0, 0.2, 24);
    if (ta >= this.end) return this.finish(doc);
    doc.event('submit', 'approved', ta, buyer);
    if (rng.chance(0.03)) {
      const t = this.after(ta, 24, 240);
      if (t < this.end) {
        this.cancelRemainder(doc);
        doc.event('cancel', 'cancelled', t, buyer, { reason: '采购计划取消 purchase plan cancelled' });
      }
      return this.finish(doc);
    }
    const t1 = Date.parse(`${addDays(expected, rng.int(-2, 4))}T00:00:00.000Z`) + rng.int(1, 9) * HOUR;
    if (t1 < ta || t1 >= this.end) return this.finish(doc);
    const partial = rng.chance(0.15);
    this.receive(
      doc,
      t1,
      new Map(
        doc.lines.map((l) => [
          l.line_no,
          partial ? Math.floor(l.qty_ordered * (0.4 + rng.next() * 0.5)) : l.qty_ordered,
        ]),
      ),
      null,
    );
    if (doc.status === 'partially-received') {
      const closeIt = rng.chance(0.3);
      const t2 = closeIt ? this.after(t1, 120, 360) : this.after(t1, 72, 240);
      if (t2 >= this.end) return this.finish(doc);
      if (closeIt) {
        this.cancelRemainder(doc);
        doc.event('close', 'closed', t2, buyer, { reason: '供应商短交 supplier short-shipped' });
        return this.finish(doc);
      }
      this.receive(doc, t2, new Map(doc.lines.map((l) => [l.line_no, l.qty_ordered - l.qty_received])), null);
    }
    const tc = this.after(doc.lastMs, 24, 120);
    if (tc >= this.end) return this.finish(doc);
    doc.event('complete', 'completed', tc, buyer);
    this.invoiceReceived(doc);
    if (rng.chance(this.o.sales < 20_000 ? 0.25 : 0.07)) {
      const t = this.after(tc, 48, 720);
      if (t < this.end) {
        const lines = doc.lines.slice(0, rng.int(1, 2));
        this.schedule({
          type: 'purchase-return',
          t,
          original: doc,
          lines: lines.map((l) => ({
            src: l,
            quantity: rng.int(1, Math.min(l.qty_received, (this.itemById.get(l.item_id)?.caseQty ?? 12) * 2)),
            item: this.itemById.get(l.item_id) as ItemInfo,
          })),
        });
      }
    }
    this.finish(doc);
  }

  invoiceReceived(doc: Doc): void {
    for (const l of doc.lines) l.qty_invoiced = l.qty_received;
  }

  transfer(t0: number, forceOpen: boolean): void {
    const rng = this.rng;
    const hubs = this.warehouses.filter((w) => w.hub);
    const regional = this.warehouses.filter((w) => !w.hub);
    if (this.warehouses.length < 2) return;
    const from = rng.pick(hubs.length > 0 ? hubs : this.warehouses);
    const to = rng.pick((regional.length > 0 ? regional : this.warehouses).filter((w) => w.id !== from.id));
    const id = this.uuid(t0);
    const planner = rng.pick(this.buyers);
    const doc = new Doc(
      this.header(
        'transfer',
        id,
        t0,
        {
          warehouse_id: from.id,
          to_warehouse_id: to.id,
          requested_date: addDays(dateOf(t0), rng.int(2, 5)),
          carrier_id: this.carriers.get('DBL') ?? null,
        },
        planner,
      ),
      'transfer',
    );
    this.itemsFor(from.id, rng.int(1, 6)).forEach((item, i) =>
      doc.lines.push(this.line(id, i + 1, item, item.caseQty * rng.int(2, 10), 0, from.id, doc.h.requested_date)),
    );
    doc.event('create', 'draft', t0, planner);
    if (rng.chance(0.03)) {
      const t = this.after(t0, 1, 72);
      if (t < this.end) {
        this.cancelRemainder(doc);
        doc.event('cancel', 'cancelled', t, planner, { reason: '门店库存已足 store has enough stock' });
      }
      return this.finish(doc);
    }
    const ta = this.after(t0, 0.1, 24);
    if (ta >= this.end) return this.finish(doc);
    doc.event('submit', 'approved', ta, planner);
    for (const l of doc.lines) l.promised_date = doc.h.requested_date;
    // Shipped only when the truck also arrives before today: nothing stays in transit without stock.
    const ts = this.after(ta, 12, 48);
    const tr = this.after(ts, 24, 72);
    if (forceOpen || tr >= this.end) {
      const short = doc.lines.reduce((s, l) => s + l.qty_ordered, 0);
      this.exception(
        doc,
        'backorder',
        doc.lastMs,
        { short },
        forceOpen ? null : { resolution: 'dismiss', afterHours: [12, 120] },
      );
      return this.finish(doc);
    }
    this.ship(doc, ts, new Map(doc.lines.map((l) => [l.line_no, l.qty_ordered])));
    this.receive(doc, tr, new Map(doc.lines.map((l) => [l.line_no, l.qty_ordered])), null);
    const tc = this.after(tr, 2, 72);
    if (tc < this.end) doc.event('complete', 'completed', tc, planner);
    this.finish(doc);
  }

  // ----- the inventory seed's demands -----
  /**
   * A placeholder demand of the inventory seed as the sales order it stands for: ordered what it
   * reserved, allocated what it still holds (a freeze may have taken some back: backordered),
   * cancelled when its reservations were released as 'order-cancelled'. Some open ones already
   * shipped a first part (more was ordered than is still reserved).
   */
  adopt(d: Demand, tCreate: number, remap: Array<[string, number, string, number]>): void {
    const rng = this.rng;
    const first = d.lines[0]!;
    const wh = this.warehouses.find((w) => w.id === first.warehouseId);
    const near = this.customers.filter((c) => c.region === wh?.region);
    const c = near.length > 0 ? this.skewed(near, 1.3) : this.skewed(this.customers, 1.5);
    // Never an online channel: those carry an auto-cancel date the job would already have applied.
    const offline = this.channels.filter((x) => !x.online);
    const channel = offline.length > 0 ? rng.pick(offline) : null;
    const id = this.uuid(tCreate);
    const creator = this.clerk();
    const currency = c.currency === 'CNY' ? 'CNY' : c.currency;
    const doc = new Doc(
      this.header(
        'sales',
        id,
        tCreate,
        {
          customer_id: c.id,
          warehouse_id: first.warehouseId,
          channel_id: channel?.id ?? null,
          external_ref: channel ? this.externalRef(channel, tCreate, c) : null,
          currency,
          ship_to_region: c.region,
        },
        creator,
      ),
      'sales',
    );
    const open = d.cancelledMs === null;
    const partShipped = open && d.firstMs < this.end - DAY && rng.chance(0.15);
    const extras: number[] = [];
    d.lines.forEach((x, i) => {
      const item = this.itemById.get(x.itemId);
      if (!item) throw new Error(`adopting ${d.demandId}: item ${x.itemId} is not in the world`);
      const extra = partShipped && i === 0 ? rng.int(1, Math.max(1, Math.round(x.reserved / 2))) : 0;
      extras.push(extra);
      const l = this.line(
        id,
        i + 1,
        item,
        x.reserved + extra,
        this.unitPrice(item, currency, c.grade),
        x.warehouseId,
        null,
      );
      l.qty_allocated = x.net + extra;
      doc.lines.push(l);
      remap.push([d.demandId, x.oldLine, id, i + 1]);
    });
    doc.h.carrier_id = this.carrierFor(channel, this.weight(doc))[1];
    doc.event('create', 'draft', tCreate, creator);
    const run = doc.audit(d.firstMs, {});
    this.approve(doc, d.firstMs, creator, 'submit', { run });
    this.report.adopted.orders += 1;
    if (!open) {
      this.cancelRemainder(doc);
      doc.event('cancel', 'cancelled', d.cancelledMs!, this.clerk(), { reason: rng.pick(CANCEL_REASONS) });
      this.finish(doc);
      return;
    }
    this.report.adopted.open += 1;
    if (partShipped) {
      const t = this.after(d.firstMs, 2, Math.max(3, Math.min(120, (this.end - d.firstMs) / HOUR - 1)));
      this.ship(doc, Math.min(t, this.end - HOUR), new Map(extras.map((q, i) => [i + 1, q])));
    }
    this.finish(doc);
  }

  // ----- the morning of asOf -----
  /**
   * Supply in jeopardy: a few open sales lines were promised against a purchase line (short at
   * approval), and the supplier has since moved that date past the promise.
   */
  jeopardy(): void {
    const rng = this.rng;
    const candidates = this.heldBack
      .filter((d) => d.type === 'sales' && d.status === 'approved' && d.approvedMs > this.start + 3 * DAY)
      .sort((a, b) => b.approvedMs - a.approvedMs || (a.id < b.id ? -1 : 1));
    const n = Math.min(candidates.length, 3 + Math.floor(this.o.sales / 100_000));
    for (const doc of candidates.slice(0, n)) {
      const l = doc.lines[0]!;
      const item = this.itemById.get(l.item_id)!;
      const tPo = Math.max(this.start, doc.approvedMs - rng.int(24, 72) * HOUR);
      const expected = addDays(dateOf(doc.approvedMs), rng.int(3, 8));
      const buyer = rng.pick(this.buyers);
      const poId = this.uuid(tPo);
      const po = new Doc(
        this.header(
          'purchase',
          poId,
          tPo,
          {
            supplier_id: this.suppliers.length > 0 ? rng.pick(this.suppliers) : null,
            warehouse_id: l.warehouse_id,
            requested_date: expected,
            note: '加急采购 expedite',
          },
          buyer,
        ),
        'purchase',
      );
      const pl = this.line(poId, 1, item, item.caseQty * rng.int(10, 30), item.cost, l.warehouse_id, expected);
      pl.promised_date = expected;
      po.lines.push(pl);
      po.event('create', 'draft', tPo, buyer);
      po.event('submit', 'approved', Math.min(tPo + HOUR, doc.approvedMs - 1), buyer);
      const promised = l.requested_date !== null && l.requested_date > expected ? l.requested_date : expected;
      l.promised_date = promised;
      l.promise_supply = `purchase:${poId}:1`;
      const slipTo = addDays(promised, rng.int(3, 14));
      const from = Math.max(doc.approvedMs, po.lastMs) + HOUR;
      const at = po.event('promise', null, from + Math.floor(rng.next() * Math.max(0, this.end - from - HOUR)), buyer, {
        reason: '供应商延期 supplier delay',
        details: [{ lineNo: 1, expectedDate: slipTo }],
      });
      pl.promised_date = slipTo;
      this.exception(
        doc,
        'jeopardy',
        at,
        {
          lines: [
            {
              orderId: doc.id,
              number: doc.h.number,
              lineNo: l.line_no,
              promisedDate: promised,
              supplyDate: slipTo,
              supply: po.h.number,
            },
          ],
          supply: po.h.number,
        },
        null,
      );
      this.emit(po);
    }
  }

  /**
   * allocateOrders on the morning of asOf over every open line: scarce stock to the better grade,
   * then the earlier promise, then first come; FEFO/FIFO per bucket. Returns the reservations and
   * the bucket deltas to write.
   */
  allocationRun(balances: Map<string, Bucket[]>): { reservations: ReservationRow[]; deltas: Map<string, Bucket> } {
    const runAt = this.end + 5 * MIN;
    const runId = this.uuid(runAt);
    const grades = new Map(this.customers.map((c) => [c.id, c.grade]));
    const demand = [];
    for (const doc of this.heldBack) {
      const h = doc.project();
      for (const l of doc.lines) {
        const open = l.qty_ordered - l.qty_cancelled - l.qty_allocated;
        if (open <= 0 || l.warehouse_id === null) continue;
        demand.push({
          doc,
          line: l,
          orderId: doc.id,
          lineNo: l.line_no,
          grade: (h.customer_id ? grades.get(h.customer_id) : undefined) ?? 'D',
          promisedDate: l.promised_date ?? h.promised_date ?? h.requested_date,
          createdAt: h.created_at,
          open,
        });
      }
    }
    const reservations: ReservationRow[] = [];
    const deltas = new Map<string, Bucket>();
    const touched = new Set<Doc>();
    let step = 0;
    for (const d of priorityOrder(demand)) {
      step += 1;
      const item = this.itemById.get(d.line.item_id)!;
      const buckets = balances.get(`${d.line.item_id}|${d.line.warehouse_id}`) ?? [];
      const { allocations, shortfall } = allocate(
        buckets,
        d.open,
        strategyOf({ expiryTracked: item.expiry }),
        this.o.asOf,
      );
      const opId = `${runId}:${step}`;
      allocations.forEach(({ bucket, quantity }, k) => {
        const b = bucket as Bucket;
        b.qtyReserved += quantity;
        reservations.push({
          id: `${opId}:r${k + 1}`,
          op_id: opId,
          demand_type: d.doc.type === 'transfer' ? 'transfer' : 'sales-order',
          demand_id: d.orderId,
          demand_line: d.lineNo,
          item_id: b.itemId,
          warehouse_id: b.warehouseId,
          lot: b.lot,
          expiry: b.expiry,
          owner_id: b.ownerId,
          quantity,
          reason_code: null,
          actor: SYSTEM,
          created_at: iso(runAt),
        });
        const key = bucketKeyOf(b);
        const delta = deltas.get(key) ?? { ...b, qtyAvailable: 0, qtyReserved: 0, receivedAt: NEVER_RECEIVED };
        delta.qtyReserved += quantity;
        deltas.set(key, delta);
      });
      const got = d.open - shortfall;
      if (got > 0) {
        d.line.qty_allocated += got;
        touched.add(d.doc);
        this.report.allocationRun.lines += 1;
        this.report.allocationRun.quantity += got;
      }
    }
    let n = 0;
    for (const doc of this.heldBack)
      if (touched.has(doc)) {
        n += 1;
        doc.event('allocate', null, runAt + n, SYSTEM);
      }
    this.report.allocationRun.reservations = reservations.length;
    this.report.allocationRun.buckets = deltas.size;
    return { reservations, deltas };
  }

  /** Exceptions of every kind are in the queue: the latest dismissed one of a kind nobody left open is reopened. */
  keepOneOpen(): void {
    for (const kind of EXCEPTION_KINDS) {
      if (this.exceptions.some((e) => e.kind === kind && e.status === 'open')) continue;
      const dismissed = this.exceptions.filter((e) => e.kind === kind && e.resolution === 'dismiss');
      const last = dismissed.sort((a, b) => (a.created_at < b.created_at ? 1 : -1))[0];
      if (!last) continue;
      last.status = 'open';
      last.resolved_at = null;
      last.resolved_by = null;
      last.resolution = null;
      last.note = null;
    }
    for (const e of this.exceptions)
      if (e.status === 'open')
        this.report.openExceptions[e.kind as ExceptionKind] =
          (this.report.openExceptions[e.kind as ExceptionKind] ?? 0) + 1;
    this.report.exceptions = this.exceptions.length;
  }

  // ----- settings and positions -----
  settings(): {
    credit: DB['customer_credit'][];
    quotas: DB['order_quotas'][];
    warehouseRules: DB['warehouse_rules'][];
    carrierRules: DB['carrier_rules'][];
    splitRules: DB['split_rules'][];
    rates: DB['exchange_rates'][];
  } {
    const rng = this.rng;
    const at = iso(this.end - DAY + 10 * HOUR);
    const since = iso(this.start + 3 * DAY);
    const credit = this.customers.map((c) => {
      const cny = c.currency === 'CNY' ? c.limitMinor : Math.round((c.limitMinor * BASE_RATE.USD) / 1_000_000);
      const over = rng.chance(0.04);
      const share = over ? 1 + rng.next() * 0.25 : rng.next() * 0.6;
      return {
        customer_id: c.id,
        open_receivables_minor: Math.round((cny * share) / 100) * 100,
        // Grade D buys against prepayments.
        deposits_minor: c.grade === 'D' ? rng.int(100, 5_000) * 10_000 : rng.chance(0.1) ? rng.int(1, 50) * 10_000 : 0,
        source: 'finance-import',
        updated_at: at,
      };
    });
    const quotas = this.quotas.map((q, i) => ({
      id: q.id,
      customer_id: this.quotaOwner.get(q)!.id,
      item_id: q.itemId,
      product_group: q.group,
      period: q.period,
      quantity: q.quantity,
      active: (i % 7 === 6 ? 0 : 1) as 0 | 1,
      updated_at: since,
    }));
    const hubs = this.warehouses.filter((w) => w.hub).map((w) => w.id);
    const regional = this.warehouses.filter((w) => !w.hub);
    const regions = [...new Set(regional.map((w) => w.region))].sort();
    const channel = (code: string) => this.channels.find((c) => c.code === code)?.id ?? null;
    const wRule = (position: number, name: string, f: Partial<DB['warehouse_rules']>, ids: string[]) => ({
      id: this.uuid(this.start + position * MIN),
      position,
      name,
      channel_id: null,
      region: null,
      customer_id: null,
      item_id: null,
      product_group: null,
      warehouse_ids: JSON.stringify(ids),
      mode: 'availability',
      active: 1 as const,
      updated_at: since,
      ...f,
    });
    const warehouseRules = [
      ...(channel('TMALL') && hubs.length > 0
        ? [
            wRule(
              5,
              '天猫订单由中心仓发货 Tmall ships from the hubs',
              { channel_id: channel('TMALL'), mode: 'priority' },
              hubs,
            ),
          ]
        : []),
      ...regions.map((region, i) =>
        wRule(10 + i * 10, `${region}就近发货 nearest warehouse`, { region }, [
          ...regional.filter((w) => w.region === region).map((w) => w.id),
          ...hubs,
        ]),
      ),
      wRule(
        900,
        '冷链试点（停用）cold chain pilot (inactive)',
        { product_group: 'DAIRY', active: 0 },
        hubs.slice(0, 1),
      ),
      wRule(1000, '全网兜底 any warehouse', {}, [...regional.map((w) => w.id), ...hubs]),
    ].filter((r) => JSON.parse(r.warehouse_ids).length > 0);
    const cRule = (position: number, name: string, code: string, f: Partial<DB['carrier_rules']>) => ({
      id: this.uuid(this.start + (position + 2000) * MIN),
      position,
      name,
      warehouse_id: null,
      region: null,
      channel_id: null,
      max_weight_grams: null,
      carrier_id: this.carriers.get(code) ?? '',
      active: 1 as const,
      updated_at: since,
      ...f,
    });
    const carrierRules = [
      cRule(5, '京东订单走京东物流 JD orders by JD Logistics', 'JD', { channel_id: channel('JDSHOP') }),
      cRule(10, '华东小件顺丰 small parcels in East China by SF', 'SF', { region: '华东', max_weight_grams: 20_000 }),
      cRule(20, '小件中通 small parcels by ZTO', 'ZTO', { max_weight_grams: 30_000 }),
      cRule(30, '大件德邦 heavy goods by Deppon', 'DBL', {}),
    ].filter((r) => r.carrier_id !== '');
    const splitRules = [
      { kind: 'warehouse', limit: null, active: 1 as const },
      { kind: 'weight', limit: 50_000, active: 1 as const },
      { kind: 'product-group', limit: null, active: 0 as const },
    ].map((r, i) => ({
      id: this.uuid(this.start + (i + 3000) * MIN),
      position: (i + 1) * 10,
      kind: r.kind,
      limit_value: r.limit,
      active: r.active,
      updated_at: since,
    }));
    // Monthly rates for the year (and the month before it), a small random walk around the base.
    const rates: DB['exchange_rates'][] = [];
    for (const [currency, base] of Object.entries(BASE_RATE)) {
      let rate = base;
      const first = new Date(this.start - 31 * DAY);
      for (let m = 0; ; m += 1) {
        const d = new Date(Date.UTC(first.getUTCFullYear(), first.getUTCMonth() + m, 1));
        if (d.getTime() > this.end) break;
        rates.push({ currency, valid_from: d.toISOString().slice(0, 10), rate_micros: rate });
        rate = Math.round(rate * (1 + (rng.next() - 0.5) * 0.02));
      }
    }
    return { credit, quotas, warehouseRules, carrierRules, splitRules, rates };
  }
}

// ---------- the load ----------
interface Loaded {
  demands: Demand[];
  balances: Map<string, Bucket[]>;
  reservationRows: number;
}

/** The inventory seed's sales-order reservations grouped per demand, and the buckets with free own stock. */
async function loadInventory(trx: Transaction<DB>): Promise<Loaded> {
  const rows = await trx
    .selectFrom('stock_reservations')
    .select(['demand_id', 'demand_line', 'item_id', 'warehouse_id', 'quantity', 'reason_code', 'created_at'])
    .where('demand_type', '=', 'sales-order')
    .execute();
  const byDemand = new Map<string, Demand>();
  for (const r of rows) {
    const ms = Date.parse(r.created_at);
    let d = byDemand.get(r.demand_id);
    if (!d) {
      d = { demandId: r.demand_id, lines: [], firstMs: ms, cancelledMs: null };
      byDemand.set(r.demand_id, d);
    }
    d.firstMs = Math.min(d.firstMs, ms);
    if (r.reason_code === 'order-cancelled') d.cancelledMs = Math.max(d.cancelledMs ?? 0, ms);
    let l = d.lines.find((x) => x.oldLine === r.demand_line);
    if (!l) {
      l = { oldLine: r.demand_line, itemId: r.item_id, warehouseId: r.warehouse_id, reserved: 0, net: 0 };
      d.lines.push(l);
    }
    const q = Number(r.quantity);
    if (q > 0) l.reserved += q;
    l.net += q;
  }
  const demands = [...byDemand.values()];
  for (const d of demands) {
    d.lines.sort((a, b) => a.oldLine - b.oldLine);
    // Cancelled means every line was given back; anything still held is an open order.
    if (d.lines.some((l) => l.net > 0)) d.cancelledMs = null;
    else if (d.cancelledMs !== null && d.cancelledMs <= d.firstMs) d.cancelledMs = d.firstMs + 1;
  }
  demands.sort((a, b) => a.firstMs - b.firstMs || (a.demandId < b.demandId ? -1 : 1));

  const buckets = await trx
    .selectFrom('stock_balances')
    .selectAll()
    .where('owner_id', '=', OWN)
    .where((eb) => eb('qty_available', '>', eb.ref('qty_reserved')))
    .execute();
  const balances = new Map<string, Bucket[]>();
  for (const b of buckets) {
    const key = `${b.item_id}|${b.warehouse_id}`;
    const bucket: Bucket = {
      itemId: b.item_id,
      warehouseId: b.warehouse_id,
      lot: b.lot,
      expiry: b.expiry,
      ownerId: b.owner_id,
      qtyAvailable: Number(b.qty_available),
      qtyFrozen: Number(b.qty_frozen),
      qtyQuality: Number(b.qty_quality),
      qtyInTransit: Number(b.qty_in_transit),
      qtyReserved: Number(b.qty_reserved),
      receivedAt: b.received_at,
    };
    const list = balances.get(key);
    if (list) list.push(bucket);
    else balances.set(key, [bucket]);
  }
  return { demands, balances, reservationRows: rows.length };
}

/** Sales orders per day: busier on weekdays, growing over the year; exactly `total` in all. */
function perDay(total: number, days: number, start: number, rng: Rng): number[] {
  const weights = Array.from({ length: days }, (_, d) => {
    const dow = new Date(start + d * DAY).getUTCDay();
    const week = dow === 0 ? 0.6 : dow === 6 ? 0.8 : 1.05;
    return week * (0.85 + (0.3 * d) / Math.max(1, days)) * (0.9 + rng.next() * 0.2);
  });
  const sum = weights.reduce((s, w) => s + w, 0);
  const exact = weights.map((w) => (w / sum) * total);
  const counts = exact.map(Math.floor);
  let left = total - counts.reduce((s, n) => s + n, 0);
  const order = exact.map((x, i) => [x - Math.floor(x), i] as const).sort((a, b) => b[0] - a[0] || a[1] - b[1]);
  for (const [, i] of order) {
    if (left <= 0) break;
    counts[i] = (counts[i] ?? 0) + 1;
    left -= 1;
  }
  return counts;
}

/** What the generator hands over once the year is done, besides its batches. */
interface Final {
  report: OrderSeedReport;
  generateMs: number;
  exceptions: ExceptionRow[];
  reservations: ReservationRow[];
  deltas: Bucket[];
  remap: Array<[string, number, string, number]>;
  settings: ReturnType<OrderFactory['settings']>;
}

/** Values buffered before a batch goes to the writer. */
const BATCH_VALUES = 400_000;

/**
 * The year, day by day in time order, then the morning of asOf. Pure computation over what was
 * loaded: `sink` receives the rows as batches fill. Runs in the caller's thread or in a worker.
 */
async function simulate(
  world: OrderWorld,
  o: OrderSeedOptions,
  loaded: Loaded,
  sink: (b: Batch) => Promise<void>,
): Promise<Final> {
  const started = performance.now();
  let sinking = 0;
  const f = new OrderFactory(world, o);
  const { demands, balances } = loaded;
  f.report.adopted.reservationRows = loaded.reservationRows;
  // Orders are made of what each warehouse stocks, in the factory's (popularity) item order.
  const carried = new Map<string, Set<string>>();
  for (const key of balances.keys()) {
    const [itemId, warehouseId] = key.split('|') as [string, string];
    const set = carried.get(warehouseId) ?? new Set<string>();
    set.add(itemId);
    carried.set(warehouseId, set);
  }
  for (const w of f.warehouses) {
    const set = carried.get(w.id);
    if (set)
      f.carried.set(
        w.id,
        f.items.filter((i) => set.has(i.id)),
      );
  }
  const flush = async (force: boolean) => {
    if (!force && batchValues(f.batch) < BATCH_VALUES) return;
    const b = f.batch;
    f.batch = emptyBatch();
    const t = performance.now();
    await sink(b);
    sinking += performance.now() - t;
  };

  // Budgets: sales (less the adopted demands), purchases, transfers (two kept open at the end).
  const rng = f.rng;
  const salesCounts = perDay(Math.max(0, o.sales - demands.length), o.days, f.start, rng);
  let salesLeft = salesCounts.reduce((sum, n) => sum + n, 0);
  let debt = 0;
  const purchaseRate = Math.max(4, Math.round(o.sales * 0.012)) / o.days;
  const transferRate = Math.max(4, Math.round(o.sales * 0.003)) / o.days;
  let purchaseAcc = 0;
  let transferAcc = 0;
  const remap: Array<[string, number, string, number]> = [];
  let nextDemand = 0;

  for (let day = 0; day < o.days; day += 1) {
    const dayStart = f.start + day * DAY;
    const starters: Starter[] = [];
    let seq = 0;
    const add = (t: number, run: (t: number) => void) => starters.push({ t, seq: seq++, run });
    const within = () => dayStart + Math.floor((0.5 + rng.next() * 13.5) * HOUR);
    for (let k = 0; k < (salesCounts[day] ?? 0); k += 1)
      add(within(), (t) => {
        salesLeft -= 1;
        if (debt > 0) {
          debt -= 1;
          return;
        }
        // A split makes three orders: allowed while enough starts are left to absorb the two extra.
        if (f.sales(t, salesLeft >= debt + 2) === 3) debt += 2;
      });
    while (nextDemand < demands.length && demands[nextDemand]!.firstMs < dayStart + DAY) {
      const d = demands[nextDemand]!;
      nextDemand += 1;
      const tCreate = Math.max(f.start, d.firstMs - rng.int(2, 30) * MIN);
      add(tCreate, (t) => f.adopt(d, t, remap));
    }
    purchaseAcc += purchaseRate;
    for (; purchaseAcc >= 1; purchaseAcc -= 1) add(within(), (t) => f.purchase(t));
    transferAcc += transferRate;
    for (; transferAcc >= 1; transferAcc -= 1) add(within(), (t) => f.transfer(t, false));
    if (day === o.days - 2) for (let k = 0; k < 2; k += 1) add(within(), (t) => f.transfer(t, true));
    for (const plan of f.agenda.get(day) ?? [])
      add(plan.t, () => {
        const doc = plan.doc!;
        doc.h.number = f.number(plan.type, plan.t);
        f.finish(doc);
      });
    f.agenda.delete(day);
    starters.sort((a, b) => a.t - b.t || a.seq - b.seq);
    for (const s of starters) s.run(s.t);
    await flush(false);
  }
  // Demands of the last moments (none should be left, but never drop one).
  for (; nextDemand < demands.length; nextDemand += 1)
    f.adopt(demands[nextDemand]!, demands[nextDemand]!.firstMs - MIN, remap);

  // The morning of asOf: jeopardy on a few promises, then the allocation run over open lines.
  f.jeopardy();
  const { reservations, deltas } = f.allocationRun(balances);
  f.heldBack.sort((a, b) =>
    a.h.created_at < b.h.created_at ? -1 : a.h.created_at > b.h.created_at ? 1 : a.id < b.id ? -1 : 1,
  );
  for (const doc of f.heldBack) f.emit(doc);
  f.keepOneOpen();
  await flush(true);
  return {
    report: f.report,
    generateMs: performance.now() - started - sinking,
    exceptions: f.exceptions,
    reservations,
    deltas: [...deltas.values()],
    remap,
    settings: f.settings(),
  };
}

interface WorkerInput {
  world: OrderWorld;
  options: OrderSeedOptions;
  loaded: Loaded;
  /** [0]: batches the writer has finished. */
  signal: SharedArrayBuffer;
}

/** The generator's side of a worker: post each batch, stay at most a few batches ahead of the writer. */
async function generatorThread(input: WorkerInput): Promise<void> {
  const done = new Int32Array(input.signal);
  let sent = 0;
  const final = await simulate(input.world, input.options, input.loaded, async (b) => {
    parentPort!.postMessage({ batch: b });
    sent += 1;
    for (let seen = Atomics.load(done, 0); sent - seen > 3; seen = Atomics.load(done, 0))
      Atomics.wait(done, 0, seen, 100);
  });
  parentPort!.postMessage({ final });
}

if (!isMainThread && (workerData as { orderSeed?: WorkerInput } | null)?.orderSeed)
  void generatorThread((workerData as { orderSeed: WorkerInput }).orderSeed);

/** Runs the generator in a worker thread while this thread writes its batches: both cores busy. */
function simulateInWorker(
  world: OrderWorld,
  options: OrderSeedOptions,
  loaded: Loaded,
  write: (b: Batch) => Promise<void>,
): Promise<Final> {
  const signal = new SharedArrayBuffer(4);
  const done = new Int32Array(signal);
  // The worker loads this module's TypeScript source: it registers the tsx loader first.
  const tsx = pathToFileURL(createRequire(import.meta.url).resolve('tsx/esm/api')).href.replace(/\.cjs$/, '.mjs');
  const boot = `import(${JSON.stringify(tsx)}).then((t) => { t.register(); return import(${JSON.stringify(import.meta.url)}); })`;
  const worker = new Worker(boot, {
    eval: true,
    workerData: { orderSeed: { world, options, loaded, signal } satisfies WorkerInput },
  });
  return new Promise<Final>((resolve, reject) => {
    let chain = Promise.resolve();
    let settled = false;
    const fail = (err: unknown) => {
      if (settled) return;
      settled = true;
      void worker.terminate();
      reject(err instanceof Error ? err : new Error(String(err)));
    };
    worker.on('message', (m: { batch?: Batch; final?: Final }) => {
      chain = chain
        .then(async () => {
          if (m.batch) {
            await write(m.batch);
            Atomics.add(done, 0, 1);
            Atomics.notify(done, 0);
          } else if (m.final && !settled) {
            settled = true;
            resolve(m.final);
          }
        })
        .catch(fail);
    });
    worker.on('error', fail);
    worker.on('exit', (code) => {
      if (code !== 0) fail(new Error(`the order generator stopped with exit code ${code}`));
    });
  });
}

async function load(
  trx: Transaction<DB>,
  bulk: BulkWriter,
  world: OrderWorld,
  o: OrderSeedOptions,
  sqlite: boolean,
): Promise<OrderSeedReport> {
  const started = performance.now();
  const existing = await trx
    .selectFrom('orders')
    .select((eb) => eb.fn.countAll<number>().as('n'))
    .executeTakeFirstOrThrow();
  if (Number(existing.n) > 0) throw new Error('seedOrders fills an empty order book; this database has orders');
  const loaded = await loadInventory(trx);
  const loadMs = performance.now() - started;

  // SQLite: the order tables' secondary indexes are set aside for the load and built again after
  // it from their stored definitions, in this transaction.
  const indexes =
    sqlite && o.rebuildIndexes !== false
      ? (
          await sql<{ name: string; sql: string }>`select name, sql from sqlite_master
            where type = 'index' and sql is not null and tbl_name in (${sql.join([...ORDER_TABLES])})
            order by name`.execute(trx)
        ).rows
      : [];
  for (const ix of indexes) await sql`drop index ${sql.id(ix.name)}`.execute(trx);

  let writing = 0;
  const write = async (b: Batch) => {
    const t = performance.now();
    await writeBatch(bulk, b);
    writing += performance.now() - t;
  };
  const final = o.worker ? await simulateInWorker(world, o, loaded, write) : await simulate(world, o, loaded, write);
  const r = final.report;

  const t = performance.now();
  const wrote = writing;
  await bulk.insert('order_exceptions', EXCEPTION_COLUMNS, final.exceptions);
  await bulk.insert('stock_reservations', RESERVATION_COLUMNS, final.reservations);
  // The run's reservations on the balances: the inventory commands' own bucket upsert, then their check.
  const entries = final.deltas.map((b) => ({
    id: { itemId: b.itemId, warehouseId: b.warehouseId, lot: b.lot, expiry: b.expiry, ownerId: b.ownerId },
    d: { reserved: b.qtyReserved },
  }));
  for (const b of await applyBucketDeltas(trx, entries)) assertBucket(b, false);

  // The inventory seed's placeholder demands now name their orders.
  if (final.remap.length > 0) {
    await sql`create temp table seed_demand_map (old_id text not null, old_line integer not null,
      new_id text not null, new_line integer not null, primary key (old_id, old_line))`.execute(trx);
    for (let i = 0; i < final.remap.length; i += 2000)
      await sql`insert into seed_demand_map (old_id, old_line, new_id, new_line) values ${sql.join(
        final.remap.slice(i, i + 2000).map(([a, b, c, d]) => sql`(${a}, ${b}, ${c}, ${d})`),
      )}`.execute(trx);
    await sql`update stock_reservations set demand_id = m.new_id, demand_line = m.new_line
      from seed_demand_map m
      where stock_reservations.demand_type = 'sales-order'
        and stock_reservations.demand_id = m.old_id and stock_reservations.demand_line = m.old_line`.execute(trx);
    await sql`drop table seed_demand_map`.execute(trx);
  }

  const s = final.settings;
  await bulk.insert(
    'customer_credit',
    ['customer_id', 'open_receivables_minor', 'deposits_minor', 'source', 'updated_at'],
    s.credit,
  );
  await bulk.insert(
    'order_quotas',
    ['id', 'customer_id', 'item_id', 'product_group', 'period', 'quantity', 'active', 'updated_at'],
    s.quotas,
  );
  await bulk.insert(
    'warehouse_rules',
    [
      'id',
      'position',
      'name',
      'channel_id',
      'region',
      'customer_id',
      'item_id',
      'product_group',
      'warehouse_ids',
      'mode',
      'active',
      'updated_at',
    ],
    s.warehouseRules,
  );
  await bulk.insert(
    'carrier_rules',
    [
      'id',
      'position',
      'name',
      'warehouse_id',
      'region',
      'channel_id',
      'max_weight_grams',
      'carrier_id',
      'active',
      'updated_at',
    ],
    s.carrierRules,
  );
  await bulk.insert('split_rules', ['id', 'position', 'kind', 'limit_value', 'active', 'updated_at'], s.splitRules);
  await bulk.insert('exchange_rates', ['currency', 'valid_from', 'rate_micros'], s.rates);
  const finishMs = performance.now() - t;

  const ti = performance.now();
  for (const ix of indexes) await sql.raw(ix.sql).execute(trx);
  r.ms = {
    load: Math.round(loadMs),
    generate: Math.round(final.generateMs),
    write: Math.round(wrote),
    finish: Math.round(finishMs),
    indexes: Math.round(performance.now() - ti),
    total: Math.round(performance.now() - started),
    cpu: 0,
  };
  return r;
}

/**
 * Writes a year of orders for `world` over the inventory already seeded, in one transaction.
 * Same seed, world, inventory and options → same rows, whether or not the generator runs in a
 * worker. On a SQLite file the rows go through a connection of its own with statements prepared
 * once (kysely prepares every statement anew: a third of the load at a million orders); the
 * caller's connection stays idle meanwhile. After the load the log is checkpointed, so the first
 * command on the desktop does not pay for copying gigabytes.
 */
export async function seedOrders(
  db: Kysely<DB>,
  world: OrderWorld,
  options: OrderSeedOptions,
): Promise<OrderSeedReport> {
  if (options.days < 1) throw new Error('seedOrders needs at least one day');
  const started = performance.now();
  const cpu = process.cpuUsage();
  const cpuMs = () => {
    const u = process.cpuUsage(cpu);
    return Math.round((u.user + u.system) / 1000);
  };
  const sqlite = db.getExecutor().adapter instanceof SqliteAdapter;
  let file = '';
  if (sqlite) {
    const list = await sql<{ name: string; file: string }>`pragma database_list`.execute(db);
    file = list.rows.find((x) => x.name === 'main')?.file ?? '';
  }
  if (!sqlite || file === '') {
    const report = await db
      .transaction()
      .execute((trx) => load(trx, new BulkWriter(trx, null), world, options, sqlite));
    report.ms.cpu = cpuMs();
    return report;
  }
  const raw = new SqliteDatabase(file);
  raw.pragma('busy_timeout = 5000');
  raw.pragma('foreign_keys = ON');
  raw.pragma('synchronous = NORMAL');
  // A large page cache keeps the index builds' sorting in memory (this connection only).
  raw.pragma('cache_size = -262144');
  // Index builds sort with a helper thread.
  raw.pragma('threads = 2');
  const k = new Kysely<DB>({ dialect: new SqliteDialect({ database: raw }) });
  try {
    const report = await k.transaction().execute((trx) => load(trx, new BulkWriter(trx, raw), world, options, true));
    const t = performance.now();
    raw.pragma('wal_checkpoint(TRUNCATE)');
    report.ms.checkpoint = Math.round(performance.now() - t);
    report.ms.total = Math.round(performance.now() - started);
    report.ms.cpu = cpuMs();
    return report;
  } finally {
    await k.destroy();
  }
}
