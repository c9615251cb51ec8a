import type { z } from 'zod';
import type { orderSummary } from '../../core/api/orders.api.ts';
import { availableToPromise } from '../../core/orders/rules.ts';
import type { CheckCode, OrderStatus, OrderType } from '../../core/orders/schemas.ts';
import { actionsFrom, progressPercent } from '../../core/orders/transitions.ts';
import { isValidGtin } from '../../core/gs1.ts';
import { AppError } from '../../core/errors.ts';
import { exceptionActions } from '../../commands/orders.commands.ts';
import type { Database } from '../../db/connect.ts';
import {
  allRules,
  backordersOf,
  checkResultsOf,
  checkSettings,
  childrenOf,
  eventsOf,
  freeStock,
  fulfilmentsOf,
  getLines,
  getLinesOf,
  getOrder,
  lastCheckRun,
  listExceptions,
  namesFor,
  orderGrid,
  relatedOf,
  safetyStockOf,
  statusCounts,
  supplyOf,
  type OrderRow,
} from '../../db/orders.queries.ts';
import type { QueryHandlers } from './queries.ts';

type Summary = z.output<typeof orderSummary>;
type Names = Awaited<ReturnType<typeof namesFor>>;

const parseJson = (text: string | null): unknown => (text === null ? null : (JSON.parse(text) as unknown));

function toSummary(r: OrderRow, n: Names): Summary {
  const named = (map: Map<string, { code: string; name: string }>, id: string | null) => {
    if (id === null) return null;
    const x = map.get(id);
    return { id, code: x?.code ?? '', name: x?.name ?? '' };
  };
  return {
    id: r.id,
    number: r.number,
    type: r.type as OrderType,
    status: r.status as OrderStatus,
    customer: named(n.customers, r.customer_id),
    supplier: named(n.suppliers, r.supplier_id),
    warehouse: named(n.warehouses, r.warehouse_id),
    toWarehouse: named(n.warehouses, r.to_warehouse_id),
    channel: named(n.channels, r.channel_id),
    carrier: named(n.carriers, r.carrier_id),
    externalRef: r.external_ref,
    currency: r.currency,
    orderedAt: r.ordered_at,
    requestedDate: r.requested_date,
    promisedDate: r.promised_date,
    autoCancelDate: r.auto_cancel_date,
    lineCount: r.line_count,
    qtyOrdered: r.qty_ordered,
    qtyDone: r.qty_done,
    progress: r.progress,
    backordered: r.backordered === 1,
    netMinor: Number(r.net_minor),
    taxMinor: Number(r.tax_minor),
    totalMinor: Number(r.total_minor),
    holdChecks: r.hold_checks ? (r.hold_checks.split(',') as CheckCode[]) : [],
    parentId: r.parent_id,
    originalOrderId: r.original_order_id,
    version: r.version,
  };
}

async function summaries(db: Database, rows: readonly OrderRow[]): Promise<Summary[]> {
  const n = await namesFor(db, rows);
  return rows.map((r) => toSummary(r, n));
}

function exceptionOut(e: Awaited<ReturnType<typeof listExceptions>>[number]) {
  return {
    id: e.id,
    orderId: e.order_id,
    number: e.number,
    orderType: e.type,
    orderStatus: e.order_status,
    customerName: e.customer_name,
    kind: e.kind,
    status: e.status,
    details: parseJson(e.details),
    actions: e.status === 'open' ? [...exceptionActions(e.kind)] : [],
    createdAt: e.created_at,
    resolvedAt: e.resolved_at,
    resolvedBy: e.resolved_by,
    resolution: e.resolution,
    note: e.note,
  };
}

/** Read-only handlers of the order centre (the `orders.*` query channels). */
export function orderQueryHandlers(
  db: Database,
): Pick<
  QueryHandlers,
  | 'orders.list'
  | 'orders.get'
  | 'orders.statusCounts'
  | 'orders.holds'
  | 'orders.exceptions'
  | 'orders.atp'
  | 'orders.itemLookup'
  | 'orders.settings'
> {
  return {
    'orders.list': async (input) => {
      const page = await orderGrid(db, input);
      return { rows: await summaries(db, page.rows), next: page.next };
    },

    'orders.get': async ({ id }) => {
      const r = await getOrder(db, id);
      if (!r) throw new AppError('order.not-found', `No order ${id}`, { id });
      const lines = await getLines(db, id);
      const items = new Map(
        (lines.length === 0
          ? []
          : await db
              .selectFrom('items')
              .select(['id', 'sku', 'name', 'name_en'])
              .where(
                'id',
                'in',
                lines.map((l) => l.item_id),
              )
              .execute()
        ).map((i) => [i.id, i]),
      );
      const parent = r.parent_id ? await getOrder(db, r.parent_id) : undefined;
      const children = await childrenOf(db, id);
      const related = [
        ...(await relatedOf(db, id)),
        ...(r.original_order_id ? [await getOrder(db, r.original_order_id)] : []),
        ...(r.related_order_id ? [await getOrder(db, r.related_order_id)] : []),
      ].filter((x): x is OrderRow => x !== undefined);
      const all = [r, ...(parent ? [parent] : []), ...children, ...related];
      const n = await namesFor(db, all);
      const run = await lastCheckRun(db, id);
      const checks = (await checkResultsOf(db, id, run)).map((c) => ({
        check: c.check_code as CheckCode,
        passed: c.passed === 1,
        failures: parseJson(c.details) as Array<Record<string, string | number | null>>,
        at: c.at,
      }));
      const reservations = await db
        .selectFrom('stock_reservations')
        .select(['demand_line', 'warehouse_id', 'lot', 'expiry'])
        .select((eb) => eb.fn.sum<number>('quantity').as('quantity'))
        .where('demand_id', '=', id)
        .groupBy(['demand_line', 'warehouse_id', 'lot', 'expiry'])
        .execute();
      let childProgress = null;
      if (children.length > 0) {
        const childLines = await getLinesOf(
          db,
          children.map((c) => c.id),
        );
        const prog = childLines.map((l) => ({
          ordered: l.qty_ordered,
          cancelled: l.qty_cancelled,
          shipped: l.qty_shipped,
          received: l.qty_received,
        }));
        childProgress = {
          qtyOrdered: children.reduce((s, c) => s + c.qty_ordered, 0),
          qtyDone: children.reduce((s, c) => s + c.qty_done, 0),
          progress: progressPercent(r.type as OrderType, prog),
        };
      }
      const exceptions = (await listExceptions(db, { orderId: id, limit: 500 })).map(exceptionOut);
      return {
        order: {
          ...toSummary(r, n),
          shipToRegion: r.ship_to_region,
          note: r.note,
          exchange: r.exchange === 1,
          relatedOrderId: r.related_order_id,
          createdBy: r.created_by,
          createdAt: r.created_at,
          updatedAt: r.updated_at,
        },
        lines: lines.map((l) => {
          const it = items.get(l.item_id);
          return {
            lineNo: l.line_no,
            itemId: l.item_id,
            sku: it?.sku ?? '',
            itemName: it?.name ?? '',
            itemNameEn: it?.name_en ?? null,
            warehouseId: l.warehouse_id,
            qtyOrdered: l.qty_ordered,
            qtyAllocated: l.qty_allocated,
            qtyShipped: l.qty_shipped,
            qtyReceived: l.qty_received,
            qtyInvoiced: l.qty_invoiced,
            qtyReturned: l.qty_returned,
            qtyCancelled: l.qty_cancelled,
            unitPriceMinor: Number(l.unit_price_minor),
            discountMinor: Number(l.discount_minor),
            taxRateBp: l.tax_rate_bp,
            netMinor: Number(l.net_minor),
            taxMinor: Number(l.tax_minor),
            totalMinor: Number(l.total_minor),
            requestedDate: l.requested_date,
            promisedDate: l.promised_date,
            promiseSupply: l.promise_supply,
            originalLineNo: l.original_line_no,
            parentLineNo: l.parent_line_no,
            lot: l.lot,
            note: l.note,
          };
        }),
        events: (await eventsOf(db, id)).map((e) => ({
          id: e.id,
          action: e.action,
          fromStatus: e.from_status,
          toStatus: e.to_status,
          actor: e.actor,
          reason: e.reason,
          details: parseJson(e.details),
          at: e.at,
        })),
        checks,
        reservations: reservations
          .map((x) => ({
            lineNo: x.demand_line,
            warehouseId: x.warehouse_id,
            lot: x.lot,
            expiry: x.expiry,
            quantity: Number(x.quantity),
          }))
          .filter((x) => x.quantity > 0),
        fulfilments: (await fulfilmentsOf(db, id)).map((f) => ({
          id: f.id,
          kind: f.kind,
          warehouseId: f.warehouse_id,
          carrierId: f.carrier_id,
          trackingNo: f.tracking_no,
          actor: f.actor,
          at: f.at,
          lines: f.lines.map((l) => ({ lineNo: l.line_no, quantity: l.quantity, lot: l.lot, expiry: l.expiry })),
        })),
        parent: parent ? toSummary(parent, n) : null,
        children: children.map((c) => toSummary(c, n)),
        related: related.map((c) => toSummary(c, n)),
        childProgress,
        exceptions,
        actions: actionsFrom(r.type as OrderType, r.status as OrderStatus),
        provisional: await touchedByPendingCommands(db, id),
      };
    },

    'orders.statusCounts': async ({ type }) => statusCounts(db, type),

    'orders.holds': async ({ limit }) => {
      const page = await orderGrid(db, { type: 'sales', sort: 'orderedAt', dir: 'asc', held: true, limit });
      const rows = await summaries(db, page.rows);
      const out = [];
      for (const s of rows) {
        const run = await lastCheckRun(db, s.id);
        const failures = (await checkResultsOf(db, s.id, run))
          .filter((c) => c.passed === 0)
          .flatMap((c) =>
            (parseJson(c.details) as Array<Record<string, string | number | null>>).map((details) => ({
              check: c.check_code as CheckCode,
              details,
            })),
          );
        out.push({ ...s, failures });
      }
      return { rows: out };
    },

    'orders.exceptions': async (input) => ({ rows: (await listExceptions(db, input)).map(exceptionOut) }),

    'orders.atp': async ({ itemId, quantity, warehouseId, from }) => {
      const day = from ?? new Date().toISOString().slice(0, 10);
      const warehouses = await db
        .selectFrom('warehouses')
        .select(['id', 'code'])
        .where('active', '=', 1)
        .orderBy('code')
        .execute();
      const chosen = warehouseId ? warehouses.filter((w) => w.id === warehouseId) : warehouses;
      const free = await freeStock(db, [itemId]);
      const safety = await safetyStockOf(db, itemId);
      const backorders = await backordersOf(db, itemId);
      const supply = await supplyOf(db, itemId, day);
      return {
        itemId,
        quantity,
        from: day,
        warehouses: chosen.map((w) => {
          const f = Math.max(0, free.get(`${itemId}|${w.id}`) ?? 0);
          const p = availableToPromise(
            {
              free: f,
              safetyStock: safety.get(w.id) ?? 0,
              backorders: backorders.get(w.id) ?? 0,
              supply: supply.filter((s) => s.warehouseId === w.id),
            },
            quantity,
            day,
          );
          return {
            warehouseId: w.id,
            warehouseCode: w.code,
            free: f,
            safetyStock: safety.get(w.id) ?? 0,
            backorders: backorders.get(w.id) ?? 0,
            ...p,
          };
        }),
      };
    },

    'orders.itemLookup': async ({ text, warehouseId, limit }) => {
      const t = text.trim();
      const digits = t.replace(/^\(01\)/, '').replace(/^01(?=\d{14}$)/, '');
      type Hit = {
        row: {
          id: string;
          sku: string;
          gtin: string | null;
          name: string;
          name_en: string | null;
          base_uom: string;
          product_group: string | null;
          lot_tracked: 0 | 1;
          expiry_tracked: 0 | 1;
        };
        by: 'gtin' | 'sku' | 'name';
      };
      const hits: Hit[] = [];
      const base = () =>
        db
          .selectFrom('items')
          .select([
            'id',
            'sku',
            'gtin',
            'name',
            'name_en',
            'base_uom',
            'product_group',
            'lot_tracked',
            'expiry_tracked',
          ])
          .where('active', '=', 1);
      if (/^\d{8,14}$/.test(digits) && isValidGtin(digits)) {
        // A scanned GTIN: the item's own, or a packaging unit's (its GTIN-14 may carry a leading 0).
        const forms = [
          ...new Set([digits, digits.replace(/^0+/, ''), digits.padStart(14, '0'), digits.padStart(13, '0')]),
        ];
        for (const row of await base().where('gtin', 'in', forms).execute()) hits.push({ row, by: 'gtin' });
        if (hits.length === 0) {
          const viaUom = await db.selectFrom('item_uoms').select('item_id').where('gtin', 'in', forms).execute();
          if (viaUom.length > 0)
            for (const row of await base()
              .where(
                'id',
                'in',
                viaUom.map((u) => u.item_id),
              )
              .execute())
              hits.push({ row, by: 'gtin' });
        }
      }
      if (hits.length === 0) {
        const esc = t.toLowerCase().replaceAll(/[\\%_]/g, (c) => `\\${c}`);
        for (const row of await base()
          .where((eb) => eb(eb.fn('lower', ['sku']), 'like', `${esc}%`))
          .orderBy('sku')
          .limit(limit)
          .execute())
          hits.push({ row, by: 'sku' });
        if (hits.length < limit)
          for (const row of await base()
            .where((eb) =>
              eb.or([
                eb(eb.fn('lower', ['name']), 'like', `%${esc}%`),
                eb(eb.fn('lower', ['name_en']), 'like', `%${esc}%`),
              ]),
            )
            .orderBy('sku')
            .limit(limit)
            .execute())
            if (!hits.some((h) => h.row.id === row.id) && hits.length < limit) hits.push({ row, by: 'name' });
      }
      const free = await freeStock(
        db,
        hits.map((h) => h.row.id),
        warehouseId ? [warehouseId] : undefined,
      );
      const freeOf = (id: string) =>
        [...free].filter(([k]) => k.startsWith(`${id}|`)).reduce((s, [, v]) => s + Math.max(0, v), 0);
      return {
        rows: hits.map(({ row, by }) => ({
          id: row.id,
          sku: row.sku,
          gtin: row.gtin,
          name: row.name,
          nameEn: row.name_en,
          baseUom: row.base_uom,
          productGroup: row.product_group,
          lotTracked: row.lot_tracked === 1,
          expiryTracked: row.expiry_tracked === 1,
          free: freeOf(row.id),
          matchedBy: by,
        })),
      };
    },

    'orders.settings': async () => {
      const r = await allRules(db);
      const camel = (row: object) =>
        Object.fromEntries(
          Object.entries(row).map(([k, v]) => [
            k.replaceAll(/_([a-z])/g, (_m, c: string) => c.toUpperCase()),
            k === 'warehouse_ids' ? (JSON.parse(String(v)) as unknown) : k === 'active' ? v === 1 : v,
          ]),
        );
      return {
        checks: (await checkSettings(db)).map((c) => ({ ...c, forceRoles: [...c.forceRoles] })),
        quotas: r.quotas.map(camel),
        warehouseRules: r.warehouse.map(camel),
        carrierRules: r.carrier.map(camel),
        splitRules: r.split.map(camel),
      };
    },
  };
}

/**
 * Whether pending (unconfirmed) commands changed this order or its lines: their before-images
 * are in the desktop's undo_log until the server settles them (db/replica.queries.ts).
 */
async function touchedByPendingCommands(db: Database, orderId: string): Promise<boolean> {
  const key = JSON.stringify([orderId]);
  const row = await db
    .selectFrom('undo_log')
    .select('id')
    .where((eb) =>
      eb.or([
        eb.and([eb('tbl', '=', 'orders'), eb('pk', '=', key)]),
        eb.and([eb('tbl', '=', 'order_lines'), eb('pk', 'like', `${key.slice(0, -1)},%`)]),
      ]),
    )
    .limit(1)
    .executeTakeFirst();
  return row !== undefined;
}
