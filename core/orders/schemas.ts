import { z } from 'zod';
import { CURRENCIES } from '../money.ts';
import { ROLES } from '../masterdata/schemas.ts';
import { isoDate, OWN, quantity } from '../inventory/schemas.ts';

/**
 * Order-centre arguments, shared by forms, the API boundary, import and the commands.
 * Quantities are integers in the item's base unit; money is integer minor units of the order's
 * currency; tax rates are basis points (13 % = 1300).
 */

export const ORDER_TYPES = ['sales', 'purchase', 'sales-return', 'purchase-return', 'transfer'] as const;
export type OrderType = (typeof ORDER_TYPES)[number];

export const ORDER_STATUSES = [
  'draft',
  'held',
  'approved',
  'partially-shipped',
  'shipped',
  'partially-received',
  'received',
  'completed',
  'closed',
  'split',
  'cancelled',
] as const;
export type OrderStatus = (typeof ORDER_STATUSES)[number];

export const ORDER_ACTIONS = [
  'submit',
  'recheck',
  'release',
  'split',
  'ship',
  'receive',
  'complete',
  'close',
  'cancel',
] as const;
export type OrderAction = (typeof ORDER_ACTIONS)[number];

export const CHECKS = ['stock', 'quota', 'credit'] as const;
export type CheckCode = (typeof CHECKS)[number];

export const QUOTA_PERIODS = ['week', 'month', 'quarter', 'year'] as const;
export type QuotaPeriod = (typeof QUOTA_PERIODS)[number];

export const EXCEPTION_KINDS = ['no-warehouse', 'backorder', 'auto-cancelled', 'jeopardy', 'return-refused'] as const;
export type ExceptionKind = (typeof EXCEPTION_KINDS)[number];
export const EXCEPTION_ACTIONS = ['retry', 'assign-warehouse', 'accept-date', 'cancel', 'dismiss'] as const;
export type ExceptionAction = (typeof EXCEPTION_ACTIONS)[number];

export const SPLIT_RULE_KINDS = ['warehouse', 'product-group', 'weight', 'volume'] as const;
export type SplitRuleKind = (typeof SPLIT_RULE_KINDS)[number];

/** The line quantities progress is made of; every document type uses the ones that apply. */
export const LINE_QUANTITIES = [
  'ordered',
  'allocated',
  'shipped',
  'received',
  'invoiced',
  'returned',
  'cancelled',
] as const;

const text = (max: number) =>
  z
    .string()
    .trim()
    .max(max)
    .transform((v) => (v === '' ? null : v))
    .nullable()
    .default(null);
const optionalDate = z
  .union([z.literal(''), isoDate])
  .nullable()
  .default(null)
  .transform((v) => (v === '' ? null : v));
/** An optional YYYY-MM-DD filter (absent, not empty, when unused). */
export const optionalIsoDate = isoDate.optional();
export const reason = z.string().trim().min(1).max(300);
/** A price or discount per line: non-negative minor units, capped so quantity × price stays exact. */
export const priceMinor = z.number().int().min(0).max(10_000_000_000);
export const taxRateBp = z.number().int().min(0).max(10_000);

export const orderLineInput = z.object({
  itemId: z.uuid(),
  quantity,
  unitPriceMinor: priceMinor.default(0),
  /** Discount on the whole line, in minor units. */
  discountMinor: priceMinor.default(0),
  taxRateBp: taxRateBp.default(0),
  requestedDate: optionalDate,
  /** Returns: the line of the original order this line gives back. */
  originalLineNo: z.number().int().min(1).max(100_000).nullable().default(null),
  /** Returns and receipts into a named lot. */
  lot: z.string().trim().max(40).default(''),
  note: text(300),
});
export type OrderLineInput = z.output<typeof orderLineInput>;

export const orderFields = z
  .object({
    type: z.enum(ORDER_TYPES),
    customerId: z.uuid().nullable().default(null),
    supplierId: z.uuid().nullable().default(null),
    /** Ship-from (sales, purchase return, transfer) or receive-into (purchase, sales return). */
    warehouseId: z.uuid().nullable().default(null),
    toWarehouseId: z.uuid().nullable().default(null),
    carrierId: z.uuid().nullable().default(null),
    channelId: z.uuid().nullable().default(null),
    externalRef: text(80),
    currency: z.enum(CURRENCIES).default('CNY'),
    requestedDate: optionalDate,
    autoCancelDate: optionalDate,
    shipToRegion: text(60),
    originalOrderId: z.uuid().nullable().default(null),
    /** Sales returns: send replacement goods instead of a refund (创建换货单). */
    exchange: z.boolean().default(false),
    note: text(500),
    lines: z.array(orderLineInput).min(1).max(500),
  })
  .superRefine((o, ctx) => {
    const need = (field: 'customerId' | 'supplierId' | 'warehouseId' | 'toWarehouseId' | 'originalOrderId') => {
      if (o[field] === null) ctx.addIssue({ code: 'custom', path: [field], params: { code: 'required' } });
    };
    if (o.type === 'sales' || o.type === 'sales-return') need('customerId');
    if (o.type === 'purchase' || o.type === 'purchase-return') need('supplierId');
    if (o.type !== 'sales') need('warehouseId');
    if (o.type === 'transfer') {
      need('toWarehouseId');
      if (o.toWarehouseId !== null && o.toWarehouseId === o.warehouseId)
        ctx.addIssue({ code: 'custom', path: ['toWarehouseId'], params: { code: 'same-warehouse' } });
    }
    if (o.type === 'sales-return' || o.type === 'purchase-return') {
      need('originalOrderId');
      o.lines.forEach((l, i) => {
        if (l.originalLineNo === null)
          ctx.addIssue({ code: 'custom', path: ['lines', i, 'originalLineNo'], params: { code: 'required' } });
      });
    }
    if (o.exchange && o.type !== 'sales-return')
      ctx.addIssue({ code: 'custom', path: ['exchange'], params: { code: 'exchange-only-returns' } });
    o.lines.forEach((l, i) => {
      if (l.discountMinor > l.unitPriceMinor * l.quantity)
        ctx.addIssue({ code: 'custom', path: ['lines', i, 'discountMinor'], params: { code: 'discount-too-big' } });
    });
  });
export type OrderFields = z.output<typeof orderFields>;

const orderRef = { orderId: z.uuid(), expectedVersion: z.number().int().min(1).optional() };

export const submitOrderFields = z.object(orderRef);
export const recheckOrderFields = z.object(orderRef);
export const releaseOrderFields = z.object({ ...orderRef, reason });
export const cancelOrderFields = z.object({ ...orderRef, reason });
export const closeOrderFields = z.object({ ...orderRef, reason });
export const completeOrderFields = z.object({ ...orderRef, note: text(300) });
export const setPromiseFields = z.object({
  ...orderRef,
  lines: z
    .array(z.object({ lineNo: z.number().int().min(1), promisedDate: isoDate }))
    .min(1)
    .max(500),
  reason,
});

export const splitOrderFields = z.discriminatedUnion('mode', [
  z.object({
    ...orderRef,
    mode: z.literal('manual'),
    /** Each part becomes a child order; what no part takes stays in the last (remainder) child. */
    parts: z
      .array(
        z.object({
          lines: z
            .array(z.object({ lineNo: z.number().int().min(1), quantity }))
            .min(1)
            .max(500),
          warehouseId: z.uuid().nullable().default(null),
        }),
      )
      .min(1)
      .max(50),
  }),
  z.object({ ...orderRef, mode: z.literal('auto') }),
]);

export const shipOrderFields = z.object({
  ...orderRef,
  carrierId: z.uuid().nullable().default(null),
  trackingNo: text(60),
  lines: z
    .array(z.object({ lineNo: z.number().int().min(1), quantity }))
    .min(1)
    .max(500),
});

export const receiveOrderFields = z.object({
  ...orderRef,
  lines: z
    .array(
      z.object({
        lineNo: z.number().int().min(1),
        quantity,
        lot: z.string().trim().max(40).default(''),
        expiry: z.union([z.literal(''), isoDate]).default(''),
        /** Returned goods usually go to quality hold until inspected. */
        status: z.enum(['available', 'quality']).default('available'),
      }),
    )
    .min(1)
    .max(500),
});

export const allocateOrdersFields = z.object({
  /** Only these orders; every order with open demand when left out. */
  orderIds: z.array(z.uuid()).min(1).max(10_000).optional(),
  itemIds: z.array(z.uuid()).min(1).max(10_000).optional(),
});

export const runOrderJobsFields = z.object({ asOf: isoDate });

export const resolveExceptionFields = z.object({
  exceptionId: z.string().trim().min(1).max(80),
  action: z.enum(EXCEPTION_ACTIONS),
  warehouseId: z.uuid().nullable().default(null),
  note: text(300),
});

export const updateSupplyDateFields = z.object({
  ...orderRef,
  lines: z
    .array(z.object({ lineNo: z.number().int().min(1), expectedDate: isoDate }))
    .min(1)
    .max(500),
  reason,
});

// ---------- settings ----------
export const checkSettingFields = z.object({
  check: z.enum(CHECKS),
  enabled: z.boolean(),
  forceAllowed: z.boolean(),
  forceRoles: z.array(z.enum(ROLES)).max(ROLES.length).default(['supervisor', 'administrator']),
});

export const quotaBase = z.object({
  id: z.uuid(),
  customerId: z.uuid(),
  itemId: z.uuid().nullable().default(null),
  productGroup: text(40),
  period: z.enum(QUOTA_PERIODS),
  quantity: z.number().int().min(0).max(1_000_000_000),
  active: z.boolean().default(true),
});
/** A quota is on one item or one product group, never both or neither. */
export const oneQuotaTarget = (q: { itemId: string | null; productGroup: string | null }) =>
  (q.itemId === null) !== (q.productGroup === null);
export const quotaFields = quotaBase.refine(oneQuotaTarget, { path: ['itemId'], params: { code: 'item-or-group' } });

const nullableUuid = z.uuid().nullable().default(null);
export const warehouseRuleFields = z.object({
  id: z.uuid(),
  position: z.number().int().min(0).max(10_000),
  name: z.string().trim().min(1).max(100),
  channelId: nullableUuid,
  region: text(60),
  customerId: nullableUuid,
  itemId: nullableUuid,
  productGroup: text(40),
  /** Candidate warehouses in priority order. */
  warehouseIds: z.array(z.uuid()).min(1).max(50),
  /** 'availability': the first candidate that can serve every line; 'priority': always the first. */
  mode: z.enum(['availability', 'priority']).default('availability'),
  active: z.boolean().default(true),
});

export const carrierRuleFields = z.object({
  id: z.uuid(),
  position: z.number().int().min(0).max(10_000),
  name: z.string().trim().min(1).max(100),
  warehouseId: nullableUuid,
  region: text(60),
  channelId: nullableUuid,
  maxWeightGrams: z.number().int().min(1).max(2_000_000_000).nullable().default(null),
  carrierId: z.uuid(),
  active: z.boolean().default(true),
});

export const splitRuleFields = z.object({
  id: z.uuid(),
  position: z.number().int().min(0).max(10_000),
  kind: z.enum(SPLIT_RULE_KINDS),
  /** Grams for 'weight', cm³ for 'volume'; unused otherwise. */
  limit: z.number().int().min(1).max(2_000_000_000).nullable().default(null),
  active: z.boolean().default(true),
});

export const creditPositionFields = z.object({
  customerId: z.uuid(),
  openReceivablesMinor: z.number().int().min(0).max(Number.MAX_SAFE_INTEGER),
  depositsMinor: z.number().int().min(0).max(Number.MAX_SAFE_INTEGER),
  source: z.string().trim().min(1).max(60).default('manual'),
});

export const exchangeRateFields = z.object({
  currency: z.enum(CURRENCIES),
  validFrom: isoDate,
  /** Company-currency units per one unit of `currency`, × 1,000,000 (major units). */
  rateMicros: z.number().int().min(1).max(1_000_000_000_000),
});

export { OWN };
