import { z } from 'zod';
import { AppError } from '../core/errors.ts';
import type { Currency } from '../core/money.ts';
import {
  assertForceRelease,
  availableToPromise,
  chooseCarrier,
  chooseWarehouse,
  convertMinor,
  creditCheck,
  lineAmounts,
  periodBounds,
  planAutoSplit,
  planManualSplit,
  priorityOrder,
  proRata,
  quotaCheck,
  returnable,
  stockCheck,
  type CheckFailure,
  type QuotaUse,
  type SplitPart,
} from '../core/orders/rules.ts';
import * as o from '../core/orders/schemas.ts';
import type { CheckCode, OrderAction, OrderStatus, OrderType } from '../core/orders/schemas.ts';
import {
  assertCanAct,
  assertTransition,
  closeTarget,
  progressPercent,
  progressStatus,
} from '../core/orders/transitions.ts';
import type { Database } from '../db/connect.ts';
import {
  NUMBER_PREFIX,
  checkSettings,
  carrierRules,
  closeException,
  creditOf,
  dependentLines,
  findByExternalRef,
  freeStock,
  freeOfLot,
  getException,
  getLines,
  getOrder,
  insertCheckResults,
  insertEvent,
  insertException,
  insertFulfilment,
  insertOrder,
  itemsOf,
  lastCheckRun,
  checkResultsOf,
  openDemand,
  openExceptionsOf,
  pendingReturns,
  quotasOf,
  quotaUsed,
  rateOn,
  shippedLotsOf,
  splitRules,
  supplyOf,
  backordersOf,
  safetyStockOf,
  unbilledOf,
  updateLine,
  updateOrder,
  warehouseRules,
  type LinePatch,
  type LineRow,
  type OrderRow,
} from '../db/orders.queries.ts';
import { getMaster } from '../db/masterdata.queries.ts';
import { releaseInto, reserveInto, shipReservedInto, StockWriter } from './inventory.commands.ts';
import { defineCommand, type CommandContext } from './define.ts';

/*
 * Order-centre commands. An order and the stock it reserves, ships or receives change in one
 * transaction; every status change goes through the transition table and leaves an event with
 * who, when and why. Line quantities are the truth; header progress is derived from them.
 * Ids of everything a command creates derive from ids in its args (made once where the clerk
 * acts), so the server's re-run writes the same rows.
 */

export const COMPANY_CURRENCY: Currency = 'CNY';
const opId = { id: z.uuid() };
const withId = (input: unknown, newId: () => string) => ({ ...(input as object), id: newId() });
const today = (ctx: CommandContext) => ctx.now.slice(0, 10);

// ---------- loading and saving ----------
interface Loaded {
  order: OrderRow;
  lines: LineRow[];
}

async function mustOrder(trx: Database, orderId: string, expectedVersion?: number): Promise<Loaded> {
  const order = await getOrder(trx, orderId);
  if (!order) throw new AppError('order.not-found', `No order ${orderId}`, { id: orderId });
  if (expectedVersion !== undefined && order.version !== expectedVersion)
    throw new AppError('order.version-conflict', `Order ${order.number} was changed meanwhile`, {
      id: orderId,
      expected: expectedVersion,
      actual: order.version,
    });
  return { order, lines: await getLines(trx, orderId) };
}

const typeOf = (r: OrderRow) => r.type as OrderType;
const statusOf = (r: OrderRow) => r.status as OrderStatus;
const open = (l: LineRow) => l.qty_ordered - l.qty_cancelled;
const progressOf = (lines: readonly LineRow[]) =>
  lines.map((l) => ({
    ordered: l.qty_ordered,
    cancelled: l.qty_cancelled,
    shipped: l.qty_shipped,
    received: l.qty_received,
  }));

/** The header columns that are a projection of the lines. */
function headerFromLines(type: OrderType, lines: readonly LineRow[]) {
  const sum = (f: (l: LineRow) => number) => lines.reduce((s, l) => s + f(l), 0);
  const shipping = type === 'sales' || type === 'purchase-return';
  const promised = lines.map((l) => l.promised_date).filter((d): d is string => d !== null);
  return {
    line_count: lines.length,
    qty_ordered: sum(open),
    qty_done: sum((l) => (shipping ? l.qty_shipped : l.qty_received)),
    progress: progressPercent(type, progressOf(lines)),
    backordered:
      (shipping || type === 'transfer') && lines.some((l) => l.qty_allocated < open(l)) ? (1 as const) : (0 as const),
    net_minor: sum((l) => l.net_minor),
    tax_minor: sum((l) => l.tax_minor),
    total_minor: sum((l) => l.total_minor),
    promised_date: promised.length > 0 ? promised.sort()[promised.length - 1]! : null,
  };
}

/**
 * Moves an order to a new status through the transition table and records it; with a `null`
 * target the status stays and only the event and projection are written (e.g. an allocation).
 */
async function transition(
  trx: Database,
  ctx: CommandContext,
  eventId: string,
  l: Loaded,
  action: OrderAction | 'create' | 'allocate' | 'promise' | 'assign',
  to: OrderStatus | null,
  extra: { reason?: string | null; details?: unknown; patch?: Partial<OrderRow> } = {},
): Promise<OrderRow> {
  const from = statusOf(l.order);
  const target = to ?? from;
  if (to !== null && action !== 'create' && action !== 'allocate' && action !== 'promise' && action !== 'assign')
    assertTransition(typeOf(l.order), from, to, action);
  const patch = { ...headerFromLines(typeOf(l.order), l.lines), ...extra.patch, status: target, updated_at: ctx.now };
  if (action !== 'create' && !(await updateOrder(trx, l.order.id, l.order.version, patch)))
    throw new AppError('order.version-conflict', `Order ${l.order.number} was changed meanwhile`, { id: l.order.id });
  await insertEvent(trx, {
    id: eventId,
    order_id: l.order.id,
    action,
    from_status: action === 'create' ? null : from,
    to_status: target,
    actor: ctx.actor.name,
    reason: extra.reason ?? null,
    details: extra.details === undefined ? null : JSON.stringify(extra.details),
    at: ctx.now,
  });
  const next = { ...l.order, ...patch, version: action === 'create' ? l.order.version : l.order.version + 1 };
  l.order = next;
  return next;
}

async function patchLines(trx: Database, l: Loaded, patches: Map<number, LinePatch>): Promise<void> {
  for (const [lineNo, patch] of patches) {
    await updateLine(trx, l.order.id, lineNo, patch);
    l.lines = l.lines.map((x) => (x.line_no === lineNo ? { ...x, ...patch } : x));
  }
}

/** Line quantity invariants every command leaves intact (the property tests check them too). */
export function assertLineInvariants(type: OrderType, lines: readonly LineRow[]): void {
  for (const l of lines) {
    const bad =
      l.qty_cancelled < 0 ||
      l.qty_cancelled > l.qty_ordered ||
      l.qty_allocated < 0 ||
      l.qty_allocated > open(l) ||
      l.qty_shipped < 0 ||
      (type !== 'purchase' && type !== 'sales-return' && l.qty_shipped > l.qty_allocated) ||
      l.qty_received < 0 ||
      l.qty_received > (type === 'transfer' ? l.qty_shipped : open(l)) ||
      l.qty_returned > Math.max(l.qty_shipped, l.qty_received);
    if (bad)
      throw new AppError('system.unexpected', `Line ${l.line_no} quantities are inconsistent`, { line: l.line_no });
  }
}

// ---------- references ----------
const unknownRef = (path: string, message: string) =>
  new AppError('order.unknown-reference', message, { fields: [{ path, code: 'unknown-reference' }] });

async function checkReferences(trx: Database, a: o.OrderFields) {
  const refs: Array<[string, 'customers' | 'suppliers' | 'warehouses' | 'carriers' | 'salesChannels', string | null]> =
    [
      ['customerId', 'customers', a.customerId],
      ['supplierId', 'suppliers', a.supplierId],
      ['warehouseId', 'warehouses', a.warehouseId],
      ['toWarehouseId', 'warehouses', a.toWarehouseId],
      ['carrierId', 'carriers', a.carrierId],
      ['channelId', 'salesChannels', a.channelId],
    ];
  for (const [path, entity, id] of refs)
    if (id !== null && !(await getMaster(trx, entity, id))) throw unknownRef(path, `No ${entity} ${id}`);
  const items = await itemsOf(
    trx,
    a.lines.map((l) => l.itemId),
  );
  a.lines.forEach((l, i) => {
    if (!items.has(l.itemId)) throw unknownRef(`lines.${i}.itemId`, `No item ${l.itemId}`);
  });
  return items;
}

// ---------- create ----------
export const createOrderArgs = z.object({
  id: z.uuid(),
  number: z.string().trim().min(1).max(40),
  /** Submit straight after saving (keyboard entry's "save and submit"). */
  submit: z.boolean().default(false),
  order: o.orderFields,
});
export type CreateOrderArgs = z.output<typeof createOrderArgs>;

/** Creates one order (and submits it when asked); shared by createOrder and importOrders. */
export async function createOrderInto(trx: Database, a: CreateOrderArgs, ctx: CommandContext): Promise<OrderRow> {
  const f = a.order;
  await checkReferences(trx, f);
  if (f.externalRef !== null) {
    const dup = await findByExternalRef(trx, f.channelId, f.externalRef);
    if (dup)
      throw new AppError('order.duplicate-external-ref', `External reference ${f.externalRef} is order ${dup.number}`, {
        externalRef: f.externalRef,
        orderId: dup.id,
        number: dup.number,
        fields: [{ path: 'externalRef', code: 'duplicate-external-ref' }],
      });
  }
  let original: Loaded | null = null;
  if (f.originalOrderId !== null) {
    original = await mustOrder(trx, f.originalOrderId);
    const want = f.type === 'sales-return' ? 'sales' : f.type === 'purchase-return' ? 'purchase' : null;
    if (typeOf(original.order) !== want)
      throw unknownRef('originalOrderId', `Order ${original.order.number} is not a ${want ?? 'returnable'} order`);
  }
  const lines: LineRow[] = f.lines.map((l, i) => {
    let amounts = lineAmounts(l);
    if (original && l.originalLineNo !== null) {
      const src = original.lines.find((x) => x.line_no === l.originalLineNo);
      if (!src || src.item_id !== l.itemId)
        throw unknownRef(
          `lines.${i}.originalLineNo`,
          `Line ${l.originalLineNo} of ${original.order.number} is not this item`,
        );
      // A refund is the original line's money for the units given back (pro rata, exact).
      amounts = {
        netMinor: proRata(src.net_minor, l.quantity, src.qty_ordered),
        taxMinor: proRata(src.tax_minor, l.quantity, src.qty_ordered),
        totalMinor: 0,
      };
      amounts.totalMinor = amounts.netMinor + amounts.taxMinor;
    }
    return {
      order_id: a.id,
      line_no: i + 1,
      item_id: l.itemId,
      warehouse_id: f.warehouseId,
      qty_ordered: l.quantity,
      qty_allocated: 0,
      qty_shipped: 0,
      qty_received: 0,
      qty_invoiced: 0,
      qty_returned: 0,
      qty_cancelled: 0,
      unit_price_minor: original ? 0 : l.unitPriceMinor,
      discount_minor: original ? 0 : l.discountMinor,
      tax_rate_bp: l.taxRateBp,
      net_minor: amounts.netMinor,
      tax_minor: amounts.taxMinor,
      total_minor: amounts.totalMinor,
      requested_date: l.requestedDate ?? f.requestedDate,
      promised_date: null,
      promise_supply: null,
      original_line_no: l.originalLineNo,
      parent_line_no: null,
      lot: l.lot,
      note: l.note,
    };
  });
  if (original) await assertReturnable(trx, a.id, original, lines);
  const header: OrderRow = {
    id: a.id,
    number: a.number,
    type: f.type,
    status: 'draft',
    customer_id: f.customerId,
    supplier_id: f.supplierId,
    warehouse_id: f.warehouseId,
    to_warehouse_id: f.toWarehouseId,
    carrier_id: f.carrierId,
    channel_id: f.channelId,
    external_ref: f.externalRef,
    currency: original ? original.order.currency : f.currency,
    ordered_at: today(ctx),
    requested_date: f.requestedDate,
    auto_cancel_date: f.autoCancelDate,
    ship_to_region: f.shipToRegion,
    parent_id: null,
    original_order_id: f.originalOrderId,
    related_order_id: null,
    exchange: f.exchange ? 1 : 0,
    note: f.note,
    ...headerFromLines(f.type, lines),
    hold_checks: null,
    created_by: ctx.actor.name,
    created_at: ctx.now,
    updated_at: ctx.now,
    version: 1,
  };
  await insertOrder(trx, header, lines);
  const l: Loaded = { order: header, lines };
  await transition(trx, ctx, `${a.id}:e0`, l, 'create', 'draft');
  if (a.submit) await submitInto(trx, ctx, a.id, l);
  return l.order;
}

async function assertReturnable(trx: Database, returnId: string, original: Loaded, lines: readonly LineRow[]) {
  const isSales = typeOf(original.order) === 'sales';
  const want = new Map<number, number>();
  for (const l of lines) want.set(l.original_line_no!, (want.get(l.original_line_no!) ?? 0) + l.qty_ordered);
  for (const [lineNo, qty] of want) {
    const src = original.lines.find((x) => x.line_no === lineNo)!;
    const pending = await pendingReturns(trx, original.order.id, lineNo, returnId);
    const can = returnable({ done: isSales ? src.qty_shipped : src.qty_received, returned: src.qty_returned }, pending);
    if (qty > can)
      throw new AppError('order.not-returnable', `Line ${lineNo} of ${original.order.number}: ${can} can be returned`, {
        lineNo,
        requested: qty,
        returnable: can,
      });
  }
}

export const createOrder = defineCommand({
  name: 'createOrder',
  version: 1,
  args: createOrderArgs,
  numbering: (input) => NUMBER_PREFIX[(input as { order?: { type?: OrderType } }).order?.type ?? 'sales'] ?? 'SO',
  fromInput: (input, newId, number) => ({ ...(input as object), id: newId(), number }),
  async run(trx, a, ctx) {
    const order = await createOrderInto(trx, a, ctx);
    return { id: order.id, number: order.number, status: order.status };
  },
});

export const importOrders = defineCommand({
  name: 'importOrders',
  version: 1,
  args: z.object({ importId: z.uuid(), orders: z.array(createOrderArgs).min(1).max(2000) }),
  async run(trx, a, ctx) {
    const created = [];
    for (const [i, one] of a.orders.entries()) {
      try {
        const order = await createOrderInto(trx, one, ctx);
        created.push({ id: order.id, number: order.number, status: order.status });
      } catch (err) {
        // The whole chunk is refused: say which order of it failed.
        const e = AppError.from(err);
        throw new AppError(e.code, `Order ${i + 1} of the chunk: ${e.message}`, { ...e.details, index: i });
      }
    }
    return { importId: a.importId, created };
  },
});

// ---------- submit, audit checks, release ----------
interface Audit {
  failures: CheckFailure[];
  run: number;
  ran: CheckCode[];
}

/** Runs every enabled check and stores each result under a new run number. */
async function audit(trx: Database, ctx: CommandContext, l: Loaded): Promise<Audit> {
  const settings = (await checkSettings(trx)).filter((s) => s.enabled);
  const failures: CheckFailure[] = [];
  const ran: CheckCode[] = [];
  const order = l.order;
  for (const s of settings) {
    ran.push(s.check);
    if (s.check === 'stock') {
      const free = await freeStock(
        trx,
        l.lines.map((x) => x.item_id),
      );
      // Several lines of one item (and lot) in one warehouse draw on the same stock.
      const taken = new Map<string, number>();
      const needs = [];
      for (const x of l.lines) {
        const key = `${x.item_id}|${x.warehouse_id ?? ''}`;
        const lotKey = `${key}|${x.lot}`;
        const pool =
          x.lot === '' || x.warehouse_id === null
            ? (free.get(key) ?? 0)
            : await freeOfLot(trx, x.item_id, x.warehouse_id, x.lot);
        const before = taken.get(x.lot === '' ? key : lotKey) ?? 0;
        taken.set(x.lot === '' ? key : lotKey, before + open(x));
        needs.push({
          lineNo: x.line_no,
          itemId: x.item_id,
          warehouseId: x.warehouse_id,
          requested: open(x),
          free: pool - before,
        });
      }
      failures.push(...stockCheck(needs));
    } else if (s.check === 'quota' && order.customer_id) {
      const quotas = await quotasOf(trx, order.customer_id);
      if (quotas.length === 0) continue;
      const items = await itemsOf(
        trx,
        l.lines.map((x) => x.item_id),
      );
      const uses: QuotaUse[] = [];
      for (const q of quotas) {
        const requested = l.lines
          .filter((x) =>
            q.item_id !== null ? x.item_id === q.item_id : items.get(x.item_id)?.product_group === q.product_group,
          )
          .reduce((sum, x) => sum + open(x), 0);
        if (requested === 0) continue;
        const period = q.period as o.QuotaPeriod;
        const bounds = periodBounds(period, order.ordered_at);
        const used = await quotaUsed(
          trx,
          { customerId: order.customer_id, itemId: q.item_id, productGroup: q.product_group, ...bounds },
          order.id,
        );
        uses.push({
          quotaId: q.id,
          itemId: q.item_id,
          productGroup: q.product_group,
          period,
          allowance: q.quantity,
          used,
          requested,
        });
      }
      failures.push(...quotaCheck(uses));
    } else if (s.check === 'credit' && order.customer_id) {
      failures.push(...(await creditFailures(trx, order, l.lines, today(ctx))));
    }
  }
  const run = (await lastCheckRun(trx, order.id)) + 1;
  await insertCheckResults(
    trx,
    ran.map((check) => {
      const mine = failures.filter((f) => f.check === check);
      return {
        order_id: order.id,
        run_no: run,
        check_code: check,
        passed: mine.length === 0 ? 1 : 0,
        details: JSON.stringify(mine.map((f) => f.details)),
        at: ctx.now,
      };
    }),
  );
  return { failures, run, ran };
}

/** The credit check in the company currency: every amount converted at the rate valid today. */
async function creditFailures(trx: Database, order: OrderRow, lines: readonly LineRow[], date: string) {
  const customer = await getMaster(trx, 'customers', order.customer_id!);
  if (!customer) return [];
  const toCompany = async (amountMinor: number, currency: string) => {
    if (currency === COMPANY_CURRENCY) return amountMinor;
    const rate = await rateOn(trx, currency, date);
    if (rate === null)
      throw new AppError('order.no-exchange-rate', `No ${currency} exchange rate on ${date}`, { currency, date });
    return convertMinor(amountMinor, currency as Currency, COMPANY_CURRENCY, rate);
  };
  const credit = await creditOf(trx, order.customer_id!);
  let unbilled = 0;
  for (const u of await unbilledOf(trx, order.customer_id!, order.id))
    unbilled += await toCompany(u.totalMinor, u.currency);
  const thisOrder = await toCompany(
    lines.reduce((s, x) => s + proRata(x.total_minor, open(x), x.qty_ordered), 0),
    order.currency,
  );
  return creditCheck({
    limitMinor: await toCompany(customer.creditLimitMinor, customer.currency),
    openReceivablesMinor: credit ? Number(credit.open_receivables_minor) : 0,
    depositsMinor: credit ? Number(credit.deposits_minor) : 0,
    unbilledMinor: unbilled,
    thisOrderMinor: thisOrder,
    currency: COMPANY_CURRENCY,
  });
}

/** Assigns a warehouse (by the rules) to a sales order without one, and a carrier by the carrier rules. */
async function assign(trx: Database, ctx: CommandContext, eventId: string, l: Loaded): Promise<void> {
  const items = await itemsOf(
    trx,
    l.lines.map((x) => x.item_id),
  );
  let warehouseId = l.order.warehouse_id;
  let ruleId: string | null = null;
  if (warehouseId === null) {
    const rules = await warehouseRules(trx);
    const candidates = [...new Set(rules.flatMap((r) => r.warehouseIds))];
    const free = await freeStock(
      trx,
      l.lines.map((x) => x.item_id),
      candidates,
    );
    const choice = chooseWarehouse(
      rules,
      {
        channelId: l.order.channel_id,
        region: l.order.ship_to_region,
        customerId: l.order.customer_id,
        lines: l.lines.map((x) => ({
          itemId: x.item_id,
          productGroup: items.get(x.item_id)?.product_group ?? null,
          quantity: open(x),
        })),
      },
      (itemId, w) => free.get(`${itemId}|${w}`) ?? 0,
    );
    if (choice) {
      warehouseId = choice.warehouseId;
      ruleId = choice.ruleId;
    }
  }
  let carrierId = l.order.carrier_id;
  if (carrierId === null && warehouseId !== null) {
    const weight = l.lines.reduce((s, x) => s + (items.get(x.item_id)?.weight_grams ?? 0) * open(x), 0);
    carrierId =
      chooseCarrier(await carrierRules(trx), {
        warehouseId,
        region: l.order.ship_to_region,
        channelId: l.order.channel_id,
        weightGrams: weight,
      })?.carrierId ?? null;
  }
  if (warehouseId === l.order.warehouse_id && carrierId === l.order.carrier_id) return;
  const patches = new Map<number, LinePatch>();
  for (const x of l.lines) if (x.warehouse_id === null) patches.set(x.line_no, { warehouse_id: warehouseId });
  await patchLines(trx, l, patches);
  await transition(trx, ctx, eventId, l, 'assign', null, {
    details: { warehouseId, carrierId, ruleId },
    patch: { warehouse_id: warehouseId, carrier_id: carrierId },
  });
}

/**
 * Reserves what an approved order's lines still need (partial allowed: the rest is a backorder)
 * and promises each line a date from ATP. Returns how much stayed short.
 */
async function allocateOrder(
  trx: Database,
  ctx: CommandContext,
  opId: string,
  l: Loaded,
  w: StockWriter,
): Promise<number> {
  const type = typeOf(l.order);
  const demandType = type === 'transfer' ? 'transfer' : 'sales-order';
  const need = l.lines.filter((x) => x.warehouse_id !== null && open(x) - x.qty_allocated > 0);
  if (need.length === 0) return 0;
  const { lines } = await reserveInto(trx, w, ctx, {
    demand: { type: demandType, id: l.order.id },
    lines: need.map((x) => ({
      demandLine: x.line_no,
      itemId: x.item_id,
      warehouseId: x.warehouse_id!,
      quantity: open(x) - x.qty_allocated,
      lot: x.lot === '' ? undefined : x.lot,
      ownerId: o.OWN,
    })),
    allowPartial: true,
  });
  const patches = new Map<number, LinePatch>();
  let short = 0;
  for (const r of lines) {
    const x = l.lines.find((y) => y.line_no === r.demandLine)!;
    const patch: LinePatch = { qty_allocated: x.qty_allocated + r.reserved };
    short += r.shortfall;
    if (type === 'sales' && x.promised_date === null) {
      if (r.shortfall === 0) patch.promised_date = x.requested_date ?? today(ctx);
      else {
        const p = await promiseFor(trx, x.item_id, x.warehouse_id!, r.shortfall, today(ctx), l.order.id);
        if (p.date !== null) {
          patch.promised_date = x.requested_date && x.requested_date > p.date ? x.requested_date : p.date;
          patch.promise_supply = p.dependsOn;
        }
      }
    }
    patches.set(r.demandLine, patch);
  }
  await patchLines(trx, l, patches);
  return short;
}

/** ATP for one item in one warehouse: the earliest date `quantity` more can be promised. */
export async function promiseFor(
  trx: Database,
  itemId: string,
  warehouseId: string,
  quantity: number,
  from: string,
  forOrderId: string,
) {
  const free = (await freeStock(trx, [itemId], [warehouseId])).get(`${itemId}|${warehouseId}`) ?? 0;
  const safety = (await safetyStockOf(trx, itemId)).get(warehouseId) ?? 0;
  const supply = (await supplyOf(trx, itemId, from)).filter((s) => s.warehouseId === warehouseId);
  // Demand already queued here goes first; the order being promised is not in that queue.
  const backorders = (await backordersOf(trx, itemId, forOrderId)).get(warehouseId) ?? 0;
  return availableToPromise({ free: Math.max(0, free), safetyStock: safety, backorders, supply }, quantity, from);
}

async function approve(
  trx: Database,
  ctx: CommandContext,
  opId: string,
  l: Loaded,
  action: OrderAction,
  reason: string | null,
  details: unknown,
) {
  const w = new StockWriter(opId, ctx);
  const type = typeOf(l.order);
  const missing = l.lines.find((x) => x.warehouse_id === null);
  if (type === 'sales' && missing)
    throw new AppError('order.warehouse-required', `Line ${missing.line_no} has no warehouse: assign one first`, {
      lineNo: missing.line_no,
      fields: [{ path: 'warehouseId', code: 'required' }],
    });
  let short = 0;
  if (type === 'sales' || type === 'transfer' || type === 'purchase-return')
    short = await allocateOrder(trx, ctx, opId, l, w);
  await w.flush(trx);
  await transition(trx, ctx, `${opId}:e1`, l, action, 'approved', {
    reason,
    details,
    patch: { hold_checks: null },
  });
  if (short > 0 && type !== 'sales') await raiseException(trx, ctx, `${opId}:x1`, l.order.id, 'backorder', { short });
  return short;
}

async function raiseException(
  trx: Database,
  ctx: CommandContext,
  id: string,
  orderId: string,
  kind: o.ExceptionKind,
  details: Record<string, unknown>,
): Promise<void> {
  // One open exception of a kind per order: a repeat refreshes nothing and adds no noise.
  if ((await openExceptionsOf(trx, orderId, kind)).length > 0) return;
  await insertException(trx, {
    id,
    order_id: orderId,
    kind,
    status: 'open',
    details: JSON.stringify(details),
    created_at: ctx.now,
    resolved_at: null,
    resolved_by: null,
    resolution: null,
    note: null,
  });
}

async function submitInto(trx: Database, ctx: CommandContext, opId: string, l: Loaded) {
  assertCanAct(typeOf(l.order), statusOf(l.order), 'submit');
  if (typeOf(l.order) !== 'sales') {
    await approve(trx, ctx, opId, l, 'submit', null, undefined);
    if (typeOf(l.order) === 'sales-return' && l.order.exchange === 1) await createReplacement(trx, ctx, opId, l);
    return { status: l.order.status, failures: [] as CheckFailure[] };
  }
  await assign(trx, ctx, `${opId}:ea`, l);
  const { failures, run } = await audit(trx, ctx, l);
  if (l.order.warehouse_id === null)
    await raiseException(trx, ctx, `${opId}:x0`, l.order.id, 'no-warehouse', { reason: 'no-rule-matched' });
  if (failures.length === 0) {
    await approve(trx, ctx, opId, l, 'submit', null, { run });
  } else {
    await transition(trx, ctx, `${opId}:e1`, l, 'submit', 'held', {
      details: { run, failures },
      patch: { hold_checks: [...new Set(failures.map((f) => f.check))].join(',') },
    });
  }
  return { status: l.order.status, failures };
}

/**
 * An exchange (换货): approving the return creates the replacement sales order, in draft, for the
 * same items and quantities at no charge, linked both ways; the clerk submits it like any order.
 */
async function createReplacement(trx: Database, ctx: CommandContext, opId: string, ret: Loaded): Promise<void> {
  const id = childIdOf(opId, 0);
  const lines: LineRow[] = ret.lines.map((x) => ({
    ...x,
    order_id: id,
    qty_allocated: 0,
    qty_shipped: 0,
    qty_received: 0,
    qty_invoiced: 0,
    qty_returned: 0,
    qty_cancelled: 0,
    unit_price_minor: 0,
    discount_minor: 0,
    net_minor: 0,
    tax_minor: 0,
    total_minor: 0,
    promised_date: null,
    promise_supply: null,
    original_line_no: null,
  }));
  const header: OrderRow = {
    ...ret.order,
    id,
    number: `${ret.order.number}-X`,
    type: 'sales',
    status: 'draft',
    external_ref: null,
    original_order_id: null,
    related_order_id: ret.order.id,
    exchange: 0,
    ...headerFromLines('sales', lines),
    hold_checks: null,
    created_by: ctx.actor.name,
    created_at: ctx.now,
    updated_at: ctx.now,
    version: 1,
  };
  await insertOrder(trx, header, lines);
  await transition(trx, ctx, `${id}:e0`, { order: header, lines }, 'create', 'draft', {
    details: { exchangeFor: ret.order.id, returnNumber: ret.order.number },
  });
  await transition(trx, ctx, `${opId}:ex`, ret, 'assign', null, {
    details: { replacement: header.number },
    patch: { related_order_id: id },
  });
}

export const submitOrder = defineCommand({
  name: 'submitOrder',
  version: 1,
  args: o.submitOrderFields.extend(opId),
  fromInput: withId,
  async run(trx, a, ctx) {
    const l = await mustOrder(trx, a.orderId, a.expectedVersion);
    return submitInto(trx, ctx, a.id, l);
  },
});

export const recheckOrder = defineCommand({
  name: 'recheckOrder',
  version: 1,
  args: o.recheckOrderFields.extend(opId),
  fromInput: withId,
  async run(trx, a, ctx) {
    const l = await mustOrder(trx, a.orderId, a.expectedVersion);
    assertCanAct(typeOf(l.order), statusOf(l.order), 'recheck');
    const { failures, run } = await audit(trx, ctx, l);
    if (failures.length === 0) await approve(trx, ctx, a.id, l, 'recheck', null, { run });
    else
      await transition(trx, ctx, `${a.id}:e1`, l, 'recheck', 'held', {
        details: { run, failures },
        patch: { hold_checks: [...new Set(failures.map((f) => f.check))].join(',') },
      });
    return { status: l.order.status, failures };
  },
});

/** Force-release of a held order: the role and the rule of every failed check must allow it. */
export const releaseOrder = defineCommand({
  name: 'releaseOrder',
  version: 1,
  args: o.releaseOrderFields.extend(opId),
  fromInput: withId,
  async run(trx, a, ctx) {
    const l = await mustOrder(trx, a.orderId, a.expectedVersion);
    assertCanAct(typeOf(l.order), statusOf(l.order), 'release');
    const run = await lastCheckRun(trx, l.order.id);
    const failed = (await checkResultsOf(trx, l.order.id, run))
      .filter((r) => r.passed === 0)
      .map((r) => ({ check: r.check_code as CheckCode, details: {} }));
    assertForceRelease(failed, await checkSettings(trx), ctx.actor.roles ?? []);
    const short = await approve(trx, ctx, a.id, l, 'release', a.reason, { run, forced: failed.map((f) => f.check) });
    return { status: l.order.status, backordered: short };
  },
});

// ---------- cancel, close, complete ----------
async function cancelRemainder(trx: Database, ctx: CommandContext, opId: string, l: Loaded, reason: string) {
  const w = new StockWriter(opId, ctx);
  const patches = new Map<number, LinePatch>();
  const demandType = typeOf(l.order) === 'transfer' ? 'transfer' : 'sales-order';
  for (const x of l.lines) {
    const done = Math.max(x.qty_shipped, x.qty_received);
    const held = x.qty_allocated - x.qty_shipped;
    if (held > 0) await releaseInto(trx, w, { type: demandType, id: l.order.id, line: x.line_no }, held, 'cancelled');
    patches.set(x.line_no, {
      qty_cancelled: x.qty_ordered - done,
      qty_allocated: Math.min(x.qty_allocated, x.qty_shipped),
    });
  }
  await w.flush(trx);
  await patchLines(trx, l, patches);
  void reason;
}

export const cancelOrder = defineCommand({
  name: 'cancelOrder',
  version: 1,
  args: o.cancelOrderFields.extend(opId),
  fromInput: withId,
  async run(trx, a, ctx) {
    const l = await mustOrder(trx, a.orderId, a.expectedVersion);
    assertCanAct(typeOf(l.order), statusOf(l.order), 'cancel');
    await cancelRemainder(trx, ctx, a.id, l, a.reason);
    await transition(trx, ctx, `${a.id}:e1`, l, 'cancel', 'cancelled', { reason: a.reason });
    return { status: l.order.status };
  },
});

export const closeOrder = defineCommand({
  name: 'closeOrder',
  version: 1,
  args: o.closeOrderFields.extend(opId),
  fromInput: withId,
  async run(trx, a, ctx) {
    const l = await mustOrder(trx, a.orderId, a.expectedVersion);
    assertCanAct(typeOf(l.order), statusOf(l.order), 'close');
    await cancelRemainder(trx, ctx, a.id, l, a.reason);
    await transition(trx, ctx, `${a.id}:e1`, l, 'close', closeTarget(typeOf(l.order), progressOf(l.lines)), {
      reason: a.reason,
    });
    return { status: l.order.status };
  },
});

export const completeOrder = defineCommand({
  name: 'completeOrder',
  version: 1,
  args: o.completeOrderFields.extend(opId),
  fromInput: withId,
  async run(trx, a, ctx) {
    const l = await mustOrder(trx, a.orderId, a.expectedVersion);
    await transition(trx, ctx, `${a.id}:e1`, l, 'complete', 'completed', { reason: a.note });
    return { status: l.order.status };
  },
});

// ---------- ship and receive ----------
export const shipOrder = defineCommand({
  name: 'shipOrder',
  version: 1,
  args: o.shipOrderFields.extend(opId),
  fromInput: withId,
  async run(trx, a, ctx) {
    const l = await mustOrder(trx, a.orderId, a.expectedVersion);
    const type = typeOf(l.order);
    assertCanAct(type, statusOf(l.order), 'ship');
    const w = new StockWriter(a.id, ctx);
    const patches = new Map<number, LinePatch>();
    const fLines = [];
    const demandType = type === 'transfer' ? 'transfer' : 'sales-order';
    // Two rows for one line ship as one: the reservations of a line are consumed once.
    const rows = new Map<number, { i: number; lineNo: number; quantity: number }>();
    for (const [i, r] of a.lines.entries()) {
      const e = rows.get(r.lineNo);
      if (e) e.quantity += r.quantity;
      else rows.set(r.lineNo, { i, lineNo: r.lineNo, quantity: r.quantity });
    }
    for (const { i, ...s } of rows.values()) {
      const x = l.lines.find((y) => y.line_no === s.lineNo);
      if (!x) throw unknownRef(`lines.${i}.lineNo`, `No line ${s.lineNo}`);
      const shippedBefore = patches.get(s.lineNo)?.qty_shipped ?? x.qty_shipped;
      const ready = x.qty_allocated - shippedBefore;
      if (s.quantity > ready)
        throw new AppError(
          'order.over-ship',
          `Line ${s.lineNo}: ${ready} allocated and not shipped, ${s.quantity} asked`,
          {
            lineNo: s.lineNo,
            requested: s.quantity,
            ready,
            fields: [{ path: `lines.${i}.quantity`, code: 'over-ship' }],
          },
        );
      const lots = await shipReservedInto(
        trx,
        w,
        { type: demandType, id: l.order.id, line: x.line_no },
        s.quantity,
        { type: `${type}-order`, id: l.order.id, line: x.line_no },
        type === 'transfer' ? l.order.to_warehouse_id! : undefined,
      );
      for (const lot of lots)
        fLines.push({
          fulfilment_id: a.id,
          line_no: x.line_no,
          quantity: lot.quantity,
          lot: lot.lot,
          expiry: lot.expiry,
        });
      patches.set(s.lineNo, { qty_shipped: shippedBefore + s.quantity });
    }
    await w.flush(trx);
    await insertFulfilment(
      trx,
      {
        id: a.id,
        order_id: l.order.id,
        kind: 'ship',
        warehouse_id: l.order.warehouse_id!,
        carrier_id: a.carrierId ?? l.order.carrier_id,
        tracking_no: a.trackingNo,
        transfer_id: null,
        actor: ctx.actor.name,
        at: ctx.now,
      },
      mergeLots(fLines),
    );
    await patchLines(trx, l, patches);
    assertLineInvariants(type, l.lines);
    // Goods sent back to the supplier count as returned on the purchase order's line.
    if (type === 'purchase-return' && l.order.original_order_id) {
      const original = await mustOrder(trx, l.order.original_order_id);
      const back = new Map<number, LinePatch>();
      for (const s of rows.values()) {
        const x = l.lines.find((y) => y.line_no === s.lineNo)!;
        if (x.original_line_no === null) continue;
        const src = original.lines.find((y) => y.line_no === x.original_line_no)!;
        back.set(src.line_no, { qty_returned: (back.get(src.line_no)?.qty_returned ?? src.qty_returned) + s.quantity });
      }
      await patchLines(trx, original, back);
      assertLineInvariants('purchase', original.lines);
      await transition(trx, ctx, `${a.id}:e2`, original, 'promise', null, { details: { returnId: l.order.id } });
    }
    const to = progressStatus(type, progressOf(l.lines))!;
    await transition(trx, ctx, `${a.id}:e1`, l, 'ship', to, { details: { fulfilmentId: a.id } });
    return { status: l.order.status, fulfilmentId: a.id };
  },
});

function mergeLots<T extends { line_no: number; lot: string; expiry: string; quantity: number }>(
  rows: readonly T[],
): T[] {
  const m = new Map<string, T>();
  for (const r of rows) {
    const k = `${r.line_no}|${r.lot}|${r.expiry}`;
    const e = m.get(k);
    if (e) e.quantity += r.quantity;
    else m.set(k, { ...r });
  }
  return [...m.values()];
}

/** The header of a receive fulfilment: who received into which warehouse, when. */
const receiptOf = (id: string, orderId: string, warehouseId: string, ctx: CommandContext) => ({
  id,
  order_id: orderId,
  kind: 'receive' as const,
  warehouse_id: warehouseId,
  carrier_id: null,
  tracking_no: null,
  transfer_id: null,
  actor: ctx.actor.name,
  at: ctx.now,
});

export const receiveOrder = defineCommand({
  name: 'receiveOrder',
  version: 1,
  args: o.receiveOrderFields.extend(opId),
  fromInput: withId,
  async run(trx, a, ctx) {
    const l = await mustOrder(trx, a.orderId, a.expectedVersion);
    const type = typeOf(l.order);
    assertCanAct(type, statusOf(l.order), 'receive');
    const warehouseId = type === 'transfer' ? l.order.to_warehouse_id! : l.order.warehouse_id!;
    const items = await itemsOf(
      trx,
      l.lines.map((x) => x.item_id),
    );
    const w = new StockWriter(a.id, ctx);
    const patches = new Map<number, LinePatch>();
    const fLines = [];
    const original = l.order.original_order_id ? await mustOrder(trx, l.order.original_order_id) : null;
    const originalPatches = new Map<number, LinePatch>();
    const doc = (line: number) => ({ type: `${type}-order`, id: l.order.id, line });
    for (const [i, r] of a.lines.entries()) {
      const x = l.lines.find((y) => y.line_no === r.lineNo);
      if (!x) throw unknownRef(`lines.${i}.lineNo`, `No line ${r.lineNo}`);
      const before = patches.get(r.lineNo)?.qty_received ?? x.qty_received;
      const due = (type === 'transfer' ? x.qty_shipped : open(x)) - before;
      if (r.quantity > due)
        throw new AppError('order.over-receipt', `Line ${r.lineNo}: ${due} due, ${r.quantity} received`, {
          lineNo: r.lineNo,
          requested: r.quantity,
          due,
          fields: [{ path: `lines.${i}.quantity`, code: 'over-receipt' }],
        });
      if (type === 'transfer') {
        // What arrives is what travelled: the lots shipped on this line, oldest first.
        let left = r.quantity;
        for (const lot of await shippedLotsOf(trx, l.order.id, x.line_no)) {
          const received = fLines
            .filter((f) => f.line_no === x.line_no && f.lot === lot.lot && f.expiry === lot.expiry)
            .reduce((s, f) => s + f.quantity, 0);
          const take = Math.min(left, lot.quantity - received);
          if (take <= 0) continue;
          const id = { itemId: x.item_id, warehouseId, lot: lot.lot, expiry: lot.expiry, ownerId: o.OWN };
          w.move(id, 'in_transit', -take, { kind: 'transfer-in', doc: doc(x.line_no) });
          w.move(id, r.status, take, { kind: 'transfer-in', doc: doc(x.line_no) });
          fLines.push({ fulfilment_id: a.id, line_no: x.line_no, quantity: take, lot: lot.lot, expiry: lot.expiry });
          left -= take;
          if (left === 0) break;
        }
      } else {
        const item = items.get(x.item_id)!;
        const lot = r.lot || x.lot;
        if (item.lot_tracked === 1 && lot === '')
          throw new AppError('inventory.lot-required', 'This item is lot-tracked: give the lot', {
            fields: [{ path: `lines.${i}.lot`, code: 'lot-required' }],
          });
        if (item.expiry_tracked === 1 && r.expiry === '')
          throw new AppError('inventory.expiry-required', 'This item tracks expiry: give the expiry date', {
            fields: [{ path: `lines.${i}.expiry`, code: 'expiry-required' }],
          });
        const ownerId = o.OWN;
        const id = { itemId: x.item_id, warehouseId, lot, expiry: r.expiry, ownerId };
        w.move(id, r.status, r.quantity, { kind: type === 'sales-return' ? 'return' : 'receive', doc: doc(x.line_no) });
        fLines.push({ fulfilment_id: a.id, line_no: x.line_no, quantity: r.quantity, lot, expiry: r.expiry });
        if (original && x.original_line_no !== null) {
          const src = original.lines.find((y) => y.line_no === x.original_line_no)!;
          const prev = originalPatches.get(src.line_no)?.qty_returned ?? src.qty_returned;
          originalPatches.set(src.line_no, { qty_returned: prev + r.quantity });
        }
      }
      patches.set(r.lineNo, { qty_received: before + r.quantity });
    }
    await w.flush(trx);
    await insertFulfilment(trx, receiptOf(a.id, l.order.id, warehouseId, ctx), mergeLots(fLines));
    await patchLines(trx, l, patches);
    assertLineInvariants(type, l.lines);
    if (original) {
      await patchLines(trx, original, originalPatches);
      assertLineInvariants(typeOf(original.order), original.lines);
      await transition(trx, ctx, `${a.id}:e2`, original, 'promise', null, { details: { returnId: l.order.id } });
    }
    const to = progressStatus(type, progressOf(l.lines))!;
    await transition(trx, ctx, `${a.id}:e1`, l, 'receive', to, { details: { fulfilmentId: a.id } });
    return { status: l.order.status, fulfilmentId: a.id };
  },
});

/**
 * The purchase-order side of a dock receipt (issue 6): the lines' received quantities, a receive
 * fulfilment and the order's progress event, in the caller's transaction. The caller moves the
 * stock (the dock receives out of in-transit). Quantities above a line's due amount are the
 * caller's discrepancy: they are refused here, so the caller passes only what the order expects.
 */
export async function receivePurchaseInto(
  trx: Database,
  ctx: CommandContext,
  opId: string,
  orderId: string,
  lines: readonly { lineNo: number; quantity: number; lot: string; expiry: string }[],
): Promise<{ status: OrderStatus; due: Map<number, number> }> {
  const l = await mustOrder(trx, orderId);
  const type = typeOf(l.order);
  assertCanAct(type, statusOf(l.order), 'receive');
  const patches = new Map<number, LinePatch>();
  const fLines = [];
  for (const r of lines) {
    const x = l.lines.find((y) => y.line_no === r.lineNo);
    if (!x) throw unknownRef('lineNo', `No line ${r.lineNo}`);
    const before = patches.get(r.lineNo)?.qty_received ?? x.qty_received;
    if (r.quantity > open(x) - before)
      throw new AppError('order.over-receipt', `Line ${r.lineNo}: ${open(x) - before} due, ${r.quantity} received`, {
        lineNo: r.lineNo,
        requested: r.quantity,
        due: open(x) - before,
      });
    patches.set(r.lineNo, { qty_received: before + r.quantity });
    fLines.push({ fulfilment_id: opId, line_no: r.lineNo, quantity: r.quantity, lot: r.lot, expiry: r.expiry });
  }
  await insertFulfilment(trx, receiptOf(opId, l.order.id, l.order.warehouse_id!, ctx), mergeLots(fLines));
  await patchLines(trx, l, patches);
  assertLineInvariants(type, l.lines);
  const to = progressStatus(type, progressOf(l.lines))!;
  await transition(trx, ctx, `${opId}:e1`, l, 'receive', to, { details: { fulfilmentId: opId, source: 'dock' } });
  return { status: statusOf(l.order), due: new Map(l.lines.map((x) => [x.line_no, open(x) - x.qty_received])) };
}

// ---------- splitting ----------
export const splitOrder = defineCommand({
  name: 'splitOrder',
  version: 1,
  args: z.intersection(
    o.splitOrderFields,
    z.object({ ...opId, numbers: z.array(z.string().min(1).max(40)).max(200).default([]) }),
  ),
  fromInput: withId,
  async run(trx, a, ctx) {
    const l = await mustOrder(trx, a.orderId, a.expectedVersion);
    const type = typeOf(l.order);
    assertCanAct(type, statusOf(l.order), 'split');
    if (l.lines.some((x) => x.qty_shipped > 0 || x.qty_received > 0))
      throw new AppError('order.split-invalid', 'An order that has shipped cannot be split', { id: l.order.id });
    const lines = l.lines.filter((x) => open(x) > 0);
    const items = await itemsOf(
      trx,
      lines.map((x) => x.item_id),
    );
    let parts: SplitPart[];
    if (a.mode === 'manual') {
      parts = planManualSplit(
        lines.map((x) => ({ lineNo: x.line_no, quantity: open(x) })),
        a.parts,
        l.order.warehouse_id,
      );
    } else {
      const rules = (await splitRules(trx)).map((r) => ({ kind: r.kind as o.SplitRuleKind, limit: r.limit_value }));
      if (rules.length === 0) throw new AppError('order.split-invalid', 'No active split rule', { rules: 0 });
      const wRules = await warehouseRules(trx);
      const candidates = [
        ...new Set([...(l.order.warehouse_id ? [l.order.warehouse_id] : []), ...wRules.flatMap((r) => r.warehouseIds)]),
      ];
      const free = await freeStock(
        trx,
        lines.map((x) => x.item_id),
        candidates,
      );
      parts = planAutoSplit(
        lines.map((x) => {
          const it = items.get(x.item_id);
          return {
            lineNo: x.line_no,
            itemId: x.item_id,
            quantity: open(x),
            productGroup: it?.product_group ?? null,
            weightGrams: it?.weight_grams ?? null,
            volumeCm3: it?.volume_cm3 ?? null,
          };
        }),
        rules,
        (line) => candidates.find((w) => (free.get(`${line.itemId}|${w}`) ?? 0) >= line.quantity) ?? null,
        l.order.warehouse_id,
      );
      if (parts.length < 2)
        throw new AppError('order.split-invalid', 'The rules keep this order in one piece', { parts: 1 });
    }
    const heldResults =
      statusOf(l.order) === 'held' ? await checkResultsOf(trx, l.order.id, await lastCheckRun(trx, l.order.id)) : [];
    // The parent's reservations end; each child reserves for itself in its own warehouse.
    const w = new StockWriter(a.id, ctx);
    for (const x of l.lines) {
      const held = x.qty_allocated - x.qty_shipped;
      if (held > 0)
        await releaseInto(
          trx,
          w,
          { type: type === 'transfer' ? 'transfer' : 'sales-order', id: l.order.id, line: x.line_no },
          held,
          'split',
        );
    }
    await w.flush(trx);
    await patchLines(trx, l, new Map(l.lines.map((x) => [x.line_no, { qty_allocated: 0 }])));
    const children = [];
    // Money follows the units pro rata; the last part of a line takes what rounding left, so the
    // children's amounts add up to the parent's to the minor unit.
    const unitsLeft = new Map(lines.map((x) => [x.line_no, open(x)]));
    const moneyLeft = new Map(
      lines.map((x) => [x.line_no, { net: x.net_minor, tax: x.tax_minor, discount: x.discount_minor }]),
    );
    const share = (lineNo: number, qty: number) => {
      const src = l.lines.find((x) => x.line_no === lineNo)!;
      const left = moneyLeft.get(lineNo)!;
      const units = unitsLeft.get(lineNo)!;
      const last = qty === units;
      const part = last
        ? { ...left }
        : {
            net: proRata(src.net_minor, qty, open(src)),
            tax: proRata(src.tax_minor, qty, open(src)),
            discount: proRata(src.discount_minor, qty, open(src)),
          };
      unitsLeft.set(lineNo, units - qty);
      moneyLeft.set(lineNo, {
        net: left.net - part.net,
        tax: left.tax - part.tax,
        discount: left.discount - part.discount,
      });
      return part;
    };
    for (const [i, part] of parts.entries()) {
      const childId = childIdOf(a.id, i);
      const number = a.numbers[i] ?? `${l.order.number}-${i + 1}`;
      const childLines: LineRow[] = part.lines.map((pl, j) => {
        const src = l.lines.find((x) => x.line_no === pl.lineNo)!;
        const m = share(pl.lineNo, pl.quantity);
        const amounts = { net_minor: m.net, tax_minor: m.tax };
        return {
          ...src,
          order_id: childId,
          line_no: j + 1,
          warehouse_id: part.warehouseId ?? src.warehouse_id,
          qty_ordered: pl.quantity,
          qty_allocated: 0,
          qty_cancelled: 0,
          discount_minor: m.discount,
          ...amounts,
          total_minor: amounts.net_minor + amounts.tax_minor,
          parent_line_no: src.line_no,
        };
      });
      const header: OrderRow = {
        ...l.order,
        id: childId,
        number,
        status: statusOf(l.order),
        warehouse_id: part.warehouseId ?? l.order.warehouse_id,
        parent_id: l.order.id,
        external_ref: null,
        ...headerFromLines(type, childLines),
        created_by: ctx.actor.name,
        created_at: ctx.now,
        updated_at: ctx.now,
        version: 1,
      };
      await insertOrder(trx, header, childLines);
      const cl: Loaded = { order: header, lines: childLines };
      await transition(trx, ctx, `${childId}:e0`, cl, 'create', header.status as OrderStatus, {
        details: { parentId: l.order.id, parentNumber: l.order.number },
      });
      // A held parent's children are held for the same failed checks: releasing one needs the same rights.
      if (header.status === 'held')
        await insertCheckResults(
          trx,
          heldResults.map((r) => ({ ...r, order_id: childId, run_no: 1, at: ctx.now })),
        );
      if (header.status === 'approved') {
        const cw = new StockWriter(`${childId}:a`, ctx);
        await allocateOrder(trx, ctx, `${childId}:a`, cl, cw);
        await cw.flush(trx);
        await transition(trx, ctx, `${childId}:e1`, cl, 'allocate', null);
      }
      children.push({ id: childId, number, status: cl.order.status, lines: childLines.length });
    }
    await transition(trx, ctx, `${a.id}:e1`, l, 'split', 'split', {
      details: { mode: a.mode, children: children.map((c) => c.number) },
    });
    return { status: l.order.status, children };
  },
});

/** A child order's id: derived from the split's operation id, so a re-run makes the same children. */
function childIdOf(opId: string, index: number): string {
  const hex = opId.replaceAll('-', '');
  const tail = (parseInt(hex.slice(-4), 16) + index + 1) % 0x10000;
  const h = `${hex.slice(0, 28)}${tail.toString(16).padStart(4, '0')}`;
  return `${h.slice(0, 8)}-${h.slice(8, 12)}-${h.slice(12, 16)}-${h.slice(16, 20)}-${h.slice(20)}`;
}

// ---------- priority allocation and jobs ----------
/**
 * Allocates free stock to open demand, scarce stock first to the better customer grade, then
 * the earlier promise date: the run that turns backorders into allocations when stock arrives.
 */
export const allocateOrders = defineCommand({
  name: 'allocateOrders',
  version: 1,
  args: o.allocateOrdersFields.extend(opId),
  fromInput: withId,
  async run(trx, a, ctx) {
    const demand = await openDemand(trx, { orderIds: a.orderIds, itemIds: a.itemIds });
    const ordered = priorityOrder(
      demand.map((d) => ({
        ...d,
        orderId: d.order_id,
        lineNo: d.line_no,
        grade: d.grade ?? 'D',
        promisedDate: d.promised_date ?? d.header_promised ?? d.requested_date,
        createdAt: d.created_at,
        open: Number(d.open),
      })),
    );
    const loaded = new Map<string, Loaded>();
    const allocations = [];
    let step = 0;
    for (const d of ordered) {
      if (d.warehouse_id === null) continue;
      let l = loaded.get(d.orderId);
      if (!l) {
        l = await mustOrder(trx, d.orderId);
        loaded.set(d.orderId, l);
      }
      // One writer per line, flushed at once: the next line must see this line's reservation.
      const w = new StockWriter(`${a.id}:${(step += 1)}`, ctx);
      const { lines } = await reserveInto(trx, w, ctx, {
        demand: { type: d.type === 'transfer' ? 'transfer' : 'sales-order', id: d.orderId },
        lines: [
          {
            demandLine: d.lineNo,
            itemId: d.item_id,
            warehouseId: d.warehouse_id,
            quantity: d.open,
            lot: d.lot === '' ? undefined : d.lot,
            ownerId: o.OWN,
          },
        ],
        allowPartial: true,
      });
      await w.flush(trx);
      const got = lines[0]!.reserved;
      if (got === 0) continue;
      const x = l.lines.find((y) => y.line_no === d.lineNo)!;
      await patchLines(trx, l, new Map([[d.lineNo, { qty_allocated: x.qty_allocated + got }]]));
      allocations.push({ orderId: d.orderId, lineNo: d.lineNo, grade: d.grade, quantity: got });
    }
    let n = 0;
    for (const l of loaded.values()) {
      if (!allocations.some((x) => x.orderId === l.order.id)) continue;
      assertLineInvariants(typeOf(l.order), l.lines);
      await transition(trx, ctx, `${a.id}:e${(n += 1)}`, l, 'allocate', null);
    }
    return { allocations };
  },
});

/** Daily order jobs: cancels what passed its auto-cancel date unshipped. */
export const runOrderJobs = defineCommand({
  name: 'runOrderJobs',
  version: 1,
  args: o.runOrderJobsFields.extend(opId),
  fromInput: withId,
  async run(trx, a, ctx) {
    const due = await trx
      .selectFrom('orders')
      .select(['id'])
      .where('auto_cancel_date', '<', a.asOf)
      .where('status', 'in', ['approved', 'held', 'partially-shipped', 'draft'])
      .orderBy('id')
      .execute();
    const cancelled = [];
    for (const [i, d] of due.entries()) {
      const l = await mustOrder(trx, d.id);
      const type = typeOf(l.order);
      const action = statusOf(l.order) === 'partially-shipped' ? 'close' : 'cancel';
      assertCanAct(type, statusOf(l.order), action);
      await cancelRemainder(trx, ctx, `${a.id}:c${i}`, l, 'auto-cancel');
      const to = action === 'close' ? closeTarget(type, progressOf(l.lines)) : 'cancelled';
      await transition(trx, ctx, `${a.id}:e${i}`, l, action, to, {
        reason: `auto-cancel date ${l.order.auto_cancel_date ?? ''} passed`,
      });
      await raiseException(trx, ctx, `${a.id}:x${i}`, l.order.id, 'auto-cancelled', {
        autoCancelDate: l.order.auto_cancel_date,
      });
      cancelled.push({ id: l.order.id, number: l.order.number, status: l.order.status });
    }
    return { cancelled };
  },
});

// ---------- promises and jeopardy ----------
export const setPromiseDates = defineCommand({
  name: 'setPromiseDates',
  version: 1,
  args: o.setPromiseFields.extend(opId),
  fromInput: withId,
  async run(trx, a, ctx) {
    const l = await mustOrder(trx, a.orderId, a.expectedVersion);
    const patches = new Map<number, LinePatch>();
    for (const [i, p] of a.lines.entries()) {
      if (!l.lines.some((x) => x.line_no === p.lineNo)) throw unknownRef(`lines.${i}.lineNo`, `No line ${p.lineNo}`);
      patches.set(p.lineNo, { promised_date: p.promisedDate, promise_supply: null });
    }
    await patchLines(trx, l, patches);
    await transition(trx, ctx, `${a.id}:e1`, l, 'promise', null, { reason: a.reason, details: a.lines });
    return { status: l.order.status, promisedDate: l.order.promised_date };
  },
});

/**
 * A purchase (or transfer) line's expected date changes. Every sales line whose promise depends
 * on that supply and is now earlier than it raises a jeopardy exception on its order.
 */
export const updateSupplyDates = defineCommand({
  name: 'updateSupplyDates',
  version: 1,
  args: o.updateSupplyDateFields.extend(opId),
  fromInput: withId,
  async run(trx, a, ctx) {
    const l = await mustOrder(trx, a.orderId, a.expectedVersion);
    const type = typeOf(l.order);
    if (type !== 'purchase' && type !== 'transfer')
      throw new AppError('order.action-not-allowed', 'Only purchase and transfer orders are supply', { type });
    const patches = new Map<number, LinePatch>();
    const jeopardy = [];
    for (const [i, p] of a.lines.entries()) {
      if (!l.lines.some((x) => x.line_no === p.lineNo)) throw unknownRef(`lines.${i}.lineNo`, `No line ${p.lineNo}`);
      patches.set(p.lineNo, { promised_date: p.expectedDate });
      for (const d of await dependentLines(trx, `${type}:${l.order.id}:${p.lineNo}`))
        if (d.promised_date !== null && d.promised_date < p.expectedDate)
          jeopardy.push({
            orderId: d.order_id,
            number: d.number,
            lineNo: d.line_no,
            promisedDate: d.promised_date,
            supplyDate: p.expectedDate,
            supply: l.order.number,
          });
    }
    await patchLines(trx, l, patches);
    await transition(trx, ctx, `${a.id}:e1`, l, 'promise', null, { reason: a.reason, details: a.lines });
    const byOrder = new Map<string, typeof jeopardy>();
    for (const j of jeopardy) byOrder.set(j.orderId, [...(byOrder.get(j.orderId) ?? []), j]);
    let n = 0;
    for (const [orderId, lines] of byOrder)
      await raiseException(trx, ctx, `${a.id}:x${(n += 1)}`, orderId, 'jeopardy', { lines, supply: l.order.number });
    return { jeopardy };
  },
});

// ---------- the exception queue ----------
const ACTIONS_OF: Record<o.ExceptionKind, readonly o.ExceptionAction[]> = {
  'no-warehouse': ['assign-warehouse', 'cancel', 'dismiss'],
  backorder: ['retry', 'cancel', 'dismiss'],
  'auto-cancelled': ['dismiss'],
  jeopardy: ['accept-date', 'cancel', 'dismiss'],
  'return-refused': ['dismiss'],
};
export const exceptionActions = (kind: string): readonly o.ExceptionAction[] =>
  ACTIONS_OF[kind as o.ExceptionKind] ?? ['dismiss'];

export const resolveException = defineCommand({
  name: 'resolveException',
  version: 1,
  args: o.resolveExceptionFields.extend(opId),
  fromInput: withId,
  async run(trx, a, ctx) {
    const e = await getException(trx, a.exceptionId);
    if (!e) throw new AppError('order.exception-not-found', `No exception ${a.exceptionId}`, { id: a.exceptionId });
    if (e.status !== 'open')
      throw new AppError('order.exception-closed', 'This exception is already resolved', { id: e.id });
    if (!exceptionActions(e.kind).includes(a.action))
      throw new AppError('order.action-not-allowed', `${a.action} does not apply to a ${e.kind} exception`, {
        kind: e.kind,
        action: a.action,
        allowed: exceptionActions(e.kind).join(', '),
      });
    const l = await mustOrder(trx, e.order_id);
    if (a.action === 'cancel') {
      assertCanAct(typeOf(l.order), statusOf(l.order), 'cancel');
      await cancelRemainder(trx, ctx, a.id, l, a.note ?? e.kind);
      await transition(trx, ctx, `${a.id}:e1`, l, 'cancel', 'cancelled', { reason: a.note ?? `exception ${e.kind}` });
    } else if (a.action === 'assign-warehouse') {
      if (a.warehouseId === null || !(await getMaster(trx, 'warehouses', a.warehouseId)))
        throw unknownRef('warehouseId', 'Choose a warehouse');
      await patchLines(trx, l, new Map(l.lines.map((x) => [x.line_no, { warehouse_id: a.warehouseId }])));
      await transition(trx, ctx, `${a.id}:ea`, l, 'assign', null, {
        patch: { warehouse_id: a.warehouseId },
        reason: a.note,
      });
      if (statusOf(l.order) === 'held') {
        const { failures, run } = await audit(trx, ctx, l);
        if (failures.length === 0) await approve(trx, ctx, a.id, l, 'recheck', null, { run });
      }
    } else if (a.action === 'retry') {
      const w = new StockWriter(a.id, ctx);
      await allocateOrder(trx, ctx, a.id, l, w);
      await w.flush(trx);
      await transition(trx, ctx, `${a.id}:e1`, l, 'allocate', null, { reason: a.note });
    } else if (a.action === 'accept-date') {
      const details = JSON.parse(e.details) as { lines: Array<{ lineNo: number; supplyDate: string }> };
      await patchLines(trx, l, new Map(details.lines.map((x) => [x.lineNo, { promised_date: x.supplyDate }])));
      await transition(trx, ctx, `${a.id}:e1`, l, 'promise', null, {
        reason: a.note ?? 'supply date accepted',
        details: details.lines,
      });
    }
    await closeException(trx, e.id, {
      resolvedAt: ctx.now,
      resolvedBy: ctx.actor.name,
      resolution: a.action,
      note: a.note,
    });
    return { exceptionId: e.id, action: a.action, orderStatus: l.order.status };
  },
});
