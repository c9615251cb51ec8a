import { z } from 'zod';

/**
 * Inventory arguments and records, shared by forms, the API boundary and the commands.
 * Quantities are integers in the item's base unit. `lot` and `expiry` are '' when not tracked.
 */

export const STOCK_STATUSES = ['available', 'frozen', 'quality', 'in_transit'] as const;
export type StockStatus = (typeof STOCK_STATUSES)[number];

/** Stock the company owns; any other owner is a supplier id (consignment stock, kept apart). */
export const OWN = 'own';
export const ownerId = z.union([z.literal(OWN), z.uuid()]);

export const ADJUST_REASONS = ['damage', 'loss', 'found', 'expired', 'sample', 'correction', 'scrap'] as const;
export type AdjustReason = (typeof ADJUST_REASONS)[number];

export const DEMAND_TYPES = ['sales-order', 'transfer', 'work-order'] as const;

export const MOVEMENT_KINDS = [
  'receive',
  'adjust',
  'count',
  'freeze',
  'unfreeze',
  'quality',
  'transfer-out',
  'transfer-in',
  'lot-change',
  'ownership',
  'ship',
  'return',
  /** An ASN checked in at the dock: its goods are in transit until scanned in. */
  'dock-arrive',
  /** An ASN closed short: what never arrived leaves in-transit. */
  'dock-short',
] as const;
export type MovementKind = (typeof MOVEMENT_KINDS)[number];

export const quantity = z.number().int().min(1).max(1_000_000_000);
export const signedQuantity = z
  .number()
  .int()
  .min(-1_000_000_000)
  .max(1_000_000_000)
  .refine((q) => q !== 0, { params: { code: 'not-zero' } });
export const lot = z
  .string()
  .trim()
  .max(40)
  .regex(/^[A-Za-z0-9._/-]*$/, { error: 'lot-format' })
  .default('');
/** A calendar date, YYYY-MM-DD, or '' for none. */
export const isoDate = z.iso.date({ error: 'date-format' });
export const expiry = z.union([z.literal(''), isoDate]).default('');
const reasonNote = z.string().trim().max(300).optional();

export const bucketKey = z.object({
  itemId: z.uuid(),
  warehouseId: z.uuid(),
  lot,
  expiry,
  ownerId: ownerId.default(OWN),
});
export type BucketKey = z.output<typeof bucketKey>;

export const demandRef = z.object({
  type: z.enum(DEMAND_TYPES),
  id: z.string().trim().min(1).max(64),
  line: z.number().int().min(0).max(100_000).default(0),
});
export type DemandRef = z.output<typeof demandRef>;

export const sourceDoc = z
  .object({
    type: z.string().trim().min(1).max(40),
    id: z.string().trim().min(1).max(64),
    line: z.number().int().min(0).max(100_000).nullable().default(null),
  })
  .nullable()
  .default(null);

// ---------- commands ----------
export const receiveStockFields = z.object({
  itemId: z.uuid(),
  warehouseId: z.uuid(),
  locationId: z.uuid().nullable().default(null),
  lot,
  expiry,
  ownerId: ownerId.default(OWN),
  quantity,
  status: z.enum(['available', 'quality']).default('available'),
  doc: sourceDoc,
  note: reasonNote,
});

export const adjustStockFields = bucketKey.extend({
  locationId: z.uuid().nullable().default(null),
  quantity: signedQuantity,
  status: z.enum(['available', 'quality', 'frozen']).default('available'),
  reasonCode: z.enum(ADJUST_REASONS),
  note: reasonNote,
});

export const countStockFields = bucketKey.extend({
  locationId: z.uuid().nullable().default(null),
  /** The physical quantity counted in the bucket (available + frozen + quality hold). */
  countedQuantity: z.number().int().min(0).max(1_000_000_000),
  note: reasonNote,
});

export const qualityStatusFields = bucketKey.extend({
  quantity,
  /** 'hold' moves available → quality hold; 'release' moves it back. */
  direction: z.enum(['hold', 'release']),
  note: reasonNote,
});

export const reserveLine = z.object({
  itemId: z.uuid(),
  warehouseId: z.uuid(),
  quantity,
  /** Reserve this lot only (otherwise the item's strategy chooses: FEFO or FIFO). */
  lot: z.string().trim().max(40).optional(),
  ownerId: ownerId.default(OWN),
});
export const reserveStockFields = z.object({
  demand: demandRef.omit({ line: true }),
  lines: z
    .array(reserveLine.extend({ demandLine: z.number().int().min(0).max(100_000) }))
    .min(1)
    .max(500),
  /** Reserve what there is and report the shortfall, instead of refusing the whole demand. */
  allowPartial: z.boolean().default(false),
});

export const releaseReservationFields = z.object({
  demand: demandRef,
  /** How much to release; all of it when left out. */
  quantity: quantity.optional(),
  reason: z.string().trim().max(40).default('release'),
});

/** Which stock a freeze or unfreeze touches: a lot, an expiry range, or both. */
export const stockSelector = z
  .object({
    itemId: z.uuid().optional(),
    lot: z.string().trim().max(40).optional(),
    expiryFrom: isoDate.optional(),
    expiryTo: isoDate.optional(),
    /** Limit to these warehouses; every warehouse when left out (an empty list is refused, not "all"). */
    warehouseIds: z.array(z.uuid()).min(1).max(500).optional(),
    ownerId: ownerId.optional(),
  })
  .superRefine((s, ctx) => {
    if (!s.lot && !s.expiryFrom && !s.expiryTo)
      ctx.addIssue({ code: 'custom', path: ['lot'], params: { code: 'lot-or-expiry-required' } });
    if (s.expiryFrom && s.expiryTo && s.expiryFrom > s.expiryTo)
      ctx.addIssue({ code: 'custom', path: ['expiryTo'], params: { code: 'date-range' } });
  });
export type StockSelector = z.output<typeof stockSelector>;

export const freezeStockFields = z.object({
  selector: stockSelector,
  reason: z.string().trim().min(1).max(300),
});

export const shipTransferFields = z.object({
  fromWarehouseId: z.uuid(),
  toWarehouseId: z.uuid(),
  lines: z
    .array(
      z.object({
        itemId: z.uuid(),
        quantity,
        lot: z.string().trim().max(40).optional(),
        ownerId: ownerId.default(OWN),
      }),
    )
    .min(1)
    .max(500),
  proposalId: z.string().max(100).nullable().default(null),
  note: reasonNote,
});

export const receiveTransferFields = z.object({
  transferId: z.uuid(),
  lines: z
    .array(z.object({ lineNo: z.number().int().min(1), quantity }))
    .min(1)
    .max(500),
  locationId: z.uuid().nullable().default(null),
});

export const changeLotFields = z.object({
  itemId: z.uuid(),
  lot: z.string().trim().max(40),
  expiry,
  newLot: lot,
  newExpiry: expiry,
  /** One warehouse, or every warehouse holding the lot when left out. */
  warehouseId: z.uuid().optional(),
  reason: z.string().trim().min(1).max(300),
});

export const ownershipTransferFields = bucketKey.extend({
  toOwnerId: ownerId,
  quantity,
  reason: z.string().trim().min(1).max(300),
});

export const replenishmentRuleFields = z
  .object({
    itemId: z.uuid(),
    warehouseId: z.uuid(),
    minQty: z.number().int().min(0).max(1_000_000_000),
    maxQty: z.number().int().min(0).max(1_000_000_000),
    safetyStock: z.number().int().min(0).max(1_000_000_000).default(0),
  })
  .superRefine((r, ctx) => {
    if (r.maxQty < r.minQty) ctx.addIssue({ code: 'custom', path: ['maxQty'], params: { code: 'max-below-min' } });
    if (r.safetyStock > r.minQty)
      ctx.addIssue({ code: 'custom', path: ['safetyStock'], params: { code: 'safety-above-min' } });
  });

export const proposeReplenishmentFields = z.object({
  warehouseIds: z.array(z.uuid()).min(1).max(500).optional(),
});

export const decideProposalFields = z.object({
  proposalId: z.string().min(1).max(100),
  decision: z.enum(['confirm', 'dismiss']),
});

// ---------- records ----------
export const balanceRow = z.object({
  itemId: z.string(),
  sku: z.string(),
  itemName: z.string(),
  itemNameEn: z.string().nullable(),
  baseUom: z.string(),
  warehouseId: z.string().nullable(),
  warehouseCode: z.string().nullable(),
  warehouseName: z.string().nullable(),
  lot: z.string().nullable(),
  expiry: z.string().nullable(),
  ownerId: z.string().nullable(),
  ownerName: z.string().nullable(),
  onHand: z.number(),
  available: z.number(),
  reserved: z.number(),
  inTransit: z.number(),
  frozen: z.number(),
  quality: z.number(),
});
export type BalanceRow = z.output<typeof balanceRow>;

export const GROUP_BY = ['item', 'warehouse', 'lot', 'owner'] as const;
export type GroupBy = (typeof GROUP_BY)[number];

export const gridInput = z.object({
  /** Dimensions to show; the item is always one. */
  groupBy: z.array(z.enum(GROUP_BY)).max(4).default(['item', 'warehouse', 'lot', 'owner']),
  search: z.string().trim().max(100).optional(),
  warehouseId: z.uuid().optional(),
  itemId: z.uuid().optional(),
  lot: z.string().trim().max(40).optional(),
  ownerId: ownerId.optional(),
  onlyFrozen: z.boolean().optional(),
  /** Keyset cursor: the `cursor` of the last row of the previous page. */
  after: z.string().max(400).optional(),
  limit: z.number().int().min(1).max(1000).default(200),
});
export type GridInput = z.output<typeof gridInput>;

export const gridOutput = z.object({
  rows: z.array(balanceRow.extend({ cursor: z.string() })),
  totals: balanceRow.pick({
    onHand: true,
    available: true,
    reserved: true,
    inTransit: true,
    frozen: true,
    quality: true,
  }),
  count: z.number(),
});

export const ledgerInput = z.object({
  itemId: z.uuid(),
  warehouseId: z.uuid().optional(),
  lot: z.string().max(40).optional(),
  expiry: z.string().max(10).optional(),
  ownerId: z.string().max(40).optional(),
  /** Which figure was drilled into: movements of these statuses, or the reservation ledger. */
  figure: z.enum(['onHand', 'available', 'reserved', 'inTransit', 'frozen', 'quality', 'all']).default('all'),
  after: z.string().max(200).optional(),
  limit: z.number().int().min(1).max(1000).default(200),
});

export const ledgerRow = z.object({
  id: z.string(),
  source: z.enum(['movement', 'reservation']),
  kind: z.string(),
  createdAt: z.string(),
  warehouseCode: z.string(),
  lot: z.string(),
  expiry: z.string(),
  ownerId: z.string(),
  status: z.string(),
  quantity: z.number(),
  reasonCode: z.string().nullable(),
  note: z.string().nullable(),
  docType: z.string().nullable(),
  docId: z.string().nullable(),
  docLine: z.number().nullable(),
  actor: z.string(),
});
export type LedgerRow = z.output<typeof ledgerRow>;
