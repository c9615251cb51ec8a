import { z } from 'zod';
import { command, query } from './endpoint.ts';
import { CHECKS, EXCEPTION_ACTIONS, ORDER_ACTIONS, ORDER_STATUSES, ORDER_TYPES } from '../orders/schemas.ts';
import * as o from '../orders/schemas.ts';

const named = z.object({ id: z.string(), code: z.string(), name: z.string() }).nullable();

export const orderSummary = z.object({
  id: z.string(),
  number: z.string(),
  type: z.enum(ORDER_TYPES),
  status: z.enum(ORDER_STATUSES),
  customer: named,
  supplier: named,
  warehouse: named,
  toWarehouse: named,
  channel: named,
  carrier: named,
  externalRef: z.string().nullable(),
  currency: z.string(),
  orderedAt: z.string(),
  requestedDate: z.string().nullable(),
  promisedDate: z.string().nullable(),
  autoCancelDate: z.string().nullable(),
  lineCount: z.number(),
  qtyOrdered: z.number(),
  qtyDone: z.number(),
  progress: z.number(),
  backordered: z.boolean(),
  netMinor: z.number(),
  taxMinor: z.number(),
  totalMinor: z.number(),
  holdChecks: z.array(z.enum(CHECKS)),
  parentId: z.string().nullable(),
  originalOrderId: z.string().nullable(),
  version: z.number(),
});
export type OrderSummary = z.output<typeof orderSummary>;

export const orderLineRecord = z.object({
  lineNo: z.number(),
  itemId: z.string(),
  sku: z.string(),
  itemName: z.string(),
  itemNameEn: z.string().nullable(),
  warehouseId: z.string().nullable(),
  qtyOrdered: z.number(),
  qtyAllocated: z.number(),
  qtyShipped: z.number(),
  qtyReceived: z.number(),
  qtyInvoiced: z.number(),
  qtyReturned: z.number(),
  qtyCancelled: z.number(),
  unitPriceMinor: z.number(),
  discountMinor: z.number(),
  taxRateBp: z.number(),
  netMinor: z.number(),
  taxMinor: z.number(),
  totalMinor: z.number(),
  requestedDate: z.string().nullable(),
  promisedDate: z.string().nullable(),
  promiseSupply: z.string().nullable(),
  originalLineNo: z.number().nullable(),
  parentLineNo: z.number().nullable(),
  lot: z.string(),
  note: z.string().nullable(),
});

export const orderEvent = z.object({
  id: z.string(),
  action: z.string(),
  fromStatus: z.string().nullable(),
  toStatus: z.string(),
  actor: z.string(),
  reason: z.string().nullable(),
  details: z.unknown(),
  at: z.string(),
});

export const checkResult = z.object({
  check: z.enum(CHECKS),
  passed: z.boolean(),
  failures: z.array(z.record(z.string(), z.union([z.string(), z.number(), z.null()]))),
  at: z.string(),
});

export const exceptionRecord = z.object({
  id: z.string(),
  orderId: z.string(),
  number: z.string(),
  orderType: z.string(),
  orderStatus: z.string(),
  customerName: z.string().nullable(),
  kind: z.string(),
  status: z.string(),
  details: z.unknown(),
  actions: z.array(z.enum(EXCEPTION_ACTIONS)),
  createdAt: z.string(),
  resolvedAt: z.string().nullable(),
  resolvedBy: z.string().nullable(),
  resolution: z.string().nullable(),
  note: z.string().nullable(),
});

export const orderDetail = z.object({
  order: orderSummary.extend({
    shipToRegion: z.string().nullable(),
    note: z.string().nullable(),
    exchange: z.boolean(),
    relatedOrderId: z.string().nullable(),
    createdBy: z.string(),
    createdAt: z.string(),
    updatedAt: z.string(),
  }),
  lines: z.array(orderLineRecord),
  events: z.array(orderEvent),
  checks: z.array(checkResult),
  reservations: z.array(
    z.object({
      lineNo: z.number(),
      warehouseId: z.string(),
      lot: z.string(),
      expiry: z.string(),
      quantity: z.number(),
    }),
  ),
  fulfilments: z.array(
    z.object({
      id: z.string(),
      kind: z.string(),
      warehouseId: z.string(),
      carrierId: z.string().nullable(),
      trackingNo: z.string().nullable(),
      actor: z.string(),
      at: z.string(),
      lines: z.array(z.object({ lineNo: z.number(), quantity: z.number(), lot: z.string(), expiry: z.string() })),
    }),
  ),
  parent: orderSummary.nullable(),
  children: z.array(orderSummary),
  related: z.array(orderSummary),
  /** Combined progress of a split order's children (the parent's own lines stop moving). */
  childProgress: z.object({ qtyOrdered: z.number(), qtyDone: z.number(), progress: z.number() }).nullable(),
  exceptions: z.array(exceptionRecord),
  actions: z.array(z.enum(ORDER_ACTIONS)),
  /**
   * Changed here by commands the server has not confirmed yet (offline work, reservations
   * included): what the clerk sees is provisional until sync settles it.
   */
  provisional: z.boolean(),
});
export type OrderDetail = z.output<typeof orderDetail>;

export const orderListInput = z.object({
  type: z.enum(ORDER_TYPES).default('sales'),
  sort: z
    .enum(['number', 'orderedAt', 'requestedDate', 'promisedDate', 'totalMinor', 'progress', 'status', 'externalRef'])
    .default('orderedAt'),
  dir: z.enum(['asc', 'desc']).default('desc'),
  statuses: z.array(z.enum(ORDER_STATUSES)).max(ORDER_STATUSES.length).optional(),
  dateFrom: o.optionalIsoDate,
  dateTo: o.optionalIsoDate,
  customerId: z.uuid().optional(),
  warehouseId: z.uuid().optional(),
  channelId: z.uuid().optional(),
  held: z.boolean().optional(),
  backordered: z.boolean().optional(),
  parentId: z.uuid().optional(),
  search: z.string().trim().max(80).optional(),
  after: z.string().max(400).optional(),
  limit: z.number().int().min(1).max(500).default(100),
});
export type OrderListInput = z.input<typeof orderListInput>;

export const atpOutput = z.object({
  itemId: z.string(),
  quantity: z.number(),
  from: z.string(),
  warehouses: z.array(
    z.object({
      warehouseId: z.string(),
      warehouseCode: z.string(),
      free: z.number(),
      safetyStock: z.number(),
      backorders: z.number(),
      onHandAtp: z.number(),
      date: z.string().nullable(),
      dependsOn: z.string().nullable(),
      profile: z.array(z.object({ date: z.string(), supply: z.number(), cumulative: z.number() })),
    }),
  ),
});

export const itemHit = z.object({
  id: z.string(),
  sku: z.string(),
  gtin: z.string().nullable(),
  name: z.string(),
  nameEn: z.string().nullable(),
  baseUom: z.string(),
  productGroup: z.string().nullable(),
  lotTracked: z.boolean(),
  expiryTracked: z.boolean(),
  free: z.number(),
  matchedBy: z.enum(['gtin', 'sku', 'name']),
});

export const orderSettings = z.object({
  checks: z.array(
    z.object({
      check: z.enum(CHECKS),
      enabled: z.boolean(),
      forceAllowed: z.boolean(),
      forceRoles: z.array(z.string()),
    }),
  ),
  quotas: z.array(z.record(z.string(), z.unknown())),
  warehouseRules: z.array(z.record(z.string(), z.unknown())),
  carrierRules: z.array(z.record(z.string(), z.unknown())),
  splitRules: z.array(z.record(z.string(), z.unknown())),
});

const status = z.object({ status: z.enum(ORDER_STATUSES) });
const failures = z.array(
  z.object({ check: z.enum(CHECKS), details: z.record(z.string(), z.union([z.string(), z.number(), z.null()])) }),
);
const idOut = z.object({ id: z.string() });

/** Order centre: lists and detail are local queries; every change is a synced command. */
export const ordersApi = {
  'orders.list': query(orderListInput, z.object({ rows: z.array(orderSummary), next: z.string().nullable() })),
  'orders.get': query(z.object({ id: z.uuid() }), orderDetail),
  'orders.statusCounts': query(
    z.object({ type: z.enum(ORDER_TYPES).default('sales') }),
    z.record(z.string(), z.number()),
  ),
  'orders.holds': query(
    z.object({ limit: z.number().int().min(1).max(500).default(200) }).default({ limit: 200 }),
    z.object({ rows: z.array(orderSummary.extend({ failures })) }),
  ),
  'orders.exceptions': query(
    z
      .object({
        status: z.enum(['open', 'resolved']).default('open'),
        kind: z.enum(o.EXCEPTION_KINDS).optional(),
        limit: z.number().int().min(1).max(500).default(200),
      })
      .default({ status: 'open', limit: 200 }),
    z.object({ rows: z.array(exceptionRecord) }),
  ),
  'orders.atp': query(
    z.object({
      itemId: z.uuid(),
      quantity: z.number().int().min(1).max(1_000_000_000),
      warehouseId: z.uuid().optional(),
      from: o.optionalIsoDate,
    }),
    atpOutput,
  ),
  'orders.itemLookup': query(
    z.object({
      text: z.string().trim().min(1).max(80),
      warehouseId: z.uuid().optional(),
      limit: z.number().int().min(1).max(50).default(10),
    }),
    z.object({ rows: z.array(itemHit) }),
  ),
  'orders.settings': query(z.object({}).default({}), orderSettings),

  'orders.create': command(
    'createOrder',
    z.object({ submit: z.boolean().default(false), order: o.orderFields }),
    z.object({ id: z.string(), number: z.string(), status: z.enum(ORDER_STATUSES) }),
  ),
  'orders.submit': command('submitOrder', o.submitOrderFields, status.extend({ failures })),
  'orders.recheck': command('recheckOrder', o.recheckOrderFields, status.extend({ failures })),
  'orders.release': command('releaseOrder', o.releaseOrderFields, status.extend({ backordered: z.number() })),
  'orders.cancel': command('cancelOrder', o.cancelOrderFields, status),
  'orders.close': command('closeOrder', o.closeOrderFields, status),
  'orders.complete': command('completeOrder', o.completeOrderFields, status),
  'orders.split': command(
    'splitOrder',
    o.splitOrderFields,
    status.extend({
      children: z.array(z.object({ id: z.string(), number: z.string(), status: z.string(), lines: z.number() })),
    }),
  ),
  'orders.ship': command('shipOrder', o.shipOrderFields, status.extend({ fulfilmentId: z.string() })),
  'orders.receive': command('receiveOrder', o.receiveOrderFields, status.extend({ fulfilmentId: z.string() })),
  'orders.allocate': command(
    'allocateOrders',
    o.allocateOrdersFields.default({}),
    z.object({
      allocations: z.array(
        z.object({ orderId: z.string(), lineNo: z.number(), grade: z.string(), quantity: z.number() }),
      ),
    }),
  ),
  'orders.runJobs': command(
    'runOrderJobs',
    o.runOrderJobsFields,
    z.object({ cancelled: z.array(z.object({ id: z.string(), number: z.string(), status: z.string() })) }),
  ),
  'orders.setPromise': command(
    'setPromiseDates',
    o.setPromiseFields,
    status.extend({ promisedDate: z.string().nullable() }),
  ),
  'orders.updateSupplyDates': command(
    'updateSupplyDates',
    o.updateSupplyDateFields,
    z.object({ jeopardy: z.array(z.record(z.string(), z.unknown())) }),
  ),
  'orders.resolveException': command(
    'resolveException',
    o.resolveExceptionFields,
    z.object({ exceptionId: z.string(), action: z.enum(EXCEPTION_ACTIONS), orderStatus: z.string() }),
  ),
  'orders.setCheck': command('setCheckSetting', o.checkSettingFields, o.checkSettingFields),
  'orders.saveQuota': command(
    'saveQuota',
    o.quotaBase
      .omit({ id: true })
      .extend({ id: z.uuid().optional() })
      .refine(o.oneQuotaTarget, { path: ['itemId'], params: { code: 'item-or-group' } }),
    idOut,
  ),
  'orders.saveWarehouseRule': command(
    'saveWarehouseRule',
    o.warehouseRuleFields.omit({ id: true }).extend({ id: z.uuid().optional() }),
    idOut,
  ),
  'orders.saveCarrierRule': command(
    'saveCarrierRule',
    o.carrierRuleFields.omit({ id: true }).extend({ id: z.uuid().optional() }),
    idOut,
  ),
  'orders.saveSplitRule': command(
    'saveSplitRule',
    o.splitRuleFields.omit({ id: true }).extend({ id: z.uuid().optional() }),
    idOut,
  ),
  'orders.setCredit': command('setCreditPosition', o.creditPositionFields, o.creditPositionFields),
  'orders.setRate': command('setExchangeRate', o.exchangeRateFields, o.exchangeRateFields),
} as const;
