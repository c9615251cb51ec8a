import { z } from 'zod';
import { command, query } from './endpoint.ts';
import * as inv from '../inventory/schemas.ts';

const bucketOut = z.object({
  itemId: z.string(),
  warehouseId: z.string(),
  lot: z.string(),
  expiry: z.string(),
  ownerId: z.string(),
  qtyAvailable: z.number(),
  qtyFrozen: z.number(),
  qtyQuality: z.number(),
  qtyInTransit: z.number(),
  qtyReserved: z.number(),
  receivedAt: z.string(),
});

export const warehouseReport = z.object({
  warehouseId: z.string(),
  warehouseCode: z.string(),
  buckets: z.number(),
  quantity: z.number(),
  releasedReservations: z.number(),
});

const opResult = z.object({ opId: z.string(), movements: z.number(), buckets: z.array(bucketOut) });

const reserveResult = z.object({
  opId: z.string(),
  lines: z.array(
    z.object({
      demandLine: z.number(),
      itemId: z.string(),
      warehouseId: z.string(),
      requested: z.number(),
      reserved: z.number(),
      shortfall: z.number(),
      strategy: z.enum(['FEFO', 'FIFO']),
      allocations: z.array(
        z.object({ lot: z.string(), expiry: z.string(), ownerId: z.string(), quantity: z.number() }),
      ),
    }),
  ),
  proposals: z.array(z.string()),
});

const freezeResult = z.object({ opId: z.string(), warehouses: z.array(warehouseReport), total: z.number() });

export const transferRecord = z.object({
  id: z.string(),
  number: z.string(),
  fromWarehouseId: z.string(),
  toWarehouseId: z.string(),
  fromCode: z.string(),
  toCode: z.string(),
  status: z.enum(['in_transit', 'partially_received', 'received']),
  shippedAt: z.string(),
  receivedAt: z.string().nullable(),
  note: z.string().nullable(),
  proposalId: z.string().nullable(),
  lines: z.array(
    z.object({
      lineNo: z.number(),
      itemId: z.string(),
      sku: z.string(),
      itemName: z.string(),
      lot: z.string(),
      expiry: z.string(),
      ownerId: z.string(),
      qtyShipped: z.number(),
      qtyReceived: z.number(),
    }),
  ),
  version: z.number(),
});

export const transferSummary = transferRecord.omit({ lines: true }).extend({
  lineCount: z.number(),
  qtyShipped: z.number(),
  qtyReceived: z.number(),
});

export const ruleRecord = z.object({
  itemId: z.string(),
  warehouseId: z.string(),
  minQty: z.number(),
  maxQty: z.number(),
  safetyStock: z.number(),
  updatedAt: z.string(),
});

export const proposalRecord = z.object({
  id: z.string(),
  itemId: z.string(),
  sku: z.string(),
  itemName: z.string(),
  itemNameEn: z.string().nullable(),
  warehouseId: z.string(),
  warehouseCode: z.string(),
  kind: z.enum(['transfer', 'purchase']),
  fromWarehouseId: z.string().nullable(),
  fromCode: z.string().nullable(),
  quantity: z.number(),
  reason: z.enum(['min-max', 'stock-out']),
  status: z.enum(['open', 'confirmed', 'dismissed']),
  positionQty: z.number(),
  createdAt: z.string(),
  decidedAt: z.string().nullable(),
  decidedBy: z.string().nullable(),
  transferId: z.string().nullable(),
});

export const lowStockRow = z.object({
  itemId: z.string(),
  sku: z.string(),
  itemName: z.string(),
  itemNameEn: z.string().nullable(),
  warehouseId: z.string(),
  warehouseCode: z.string(),
  free: z.number(),
  inTransit: z.number(),
  minQty: z.number(),
  maxQty: z.number(),
  safetyStock: z.number(),
});

export const freezePreview = z.object({
  warehouses: z.array(warehouseReport),
  rows: z.array(
    z.object({
      itemId: z.string(),
      sku: z.string(),
      itemName: z.string(),
      warehouseId: z.string(),
      warehouseCode: z.string(),
      lot: z.string(),
      expiry: z.string(),
      ownerId: z.string(),
      quantity: z.number(),
      reserved: z.number(),
    }),
  ),
  total: z.number(),
});

const rows = <T extends z.ZodType>(r: T) => z.object({ rows: z.array(r) });
const limitInput = z.object({
  status: z.string().max(40).optional(),
  limit: z.number().int().min(1).max(1000).default(200),
});

/** Inventory centre: the network grid and its drill-down are local queries; every change is a synced command. */
export const inventoryApi = {
  'inventory.grid': query(inv.gridInput, inv.gridOutput),
  'inventory.ledger': query(inv.ledgerInput, rows(inv.ledgerRow)),
  'inventory.freezePreview': query(
    z.object({ selector: inv.stockSelector, mode: z.enum(['freeze', 'unfreeze']) }),
    freezePreview,
  ),
  'inventory.transfers': query(limitInput.default({ limit: 200 }), rows(transferSummary)),
  'inventory.transfer': query(z.object({ id: z.uuid() }), transferRecord),
  'inventory.rules': query(
    z.object({ itemId: z.uuid().optional(), warehouseId: z.uuid().optional() }).default({}),
    rows(ruleRecord),
  ),
  'inventory.proposals': query(limitInput.default({ limit: 200 }), rows(proposalRecord)),
  'inventory.lowStock': query(
    z
      .object({ warehouseId: z.uuid().optional(), limit: z.number().int().min(1).max(1000).default(200) })
      .default({ limit: 200 }),
    rows(lowStockRow),
  ),

  'inventory.receive': command('receiveStock', inv.receiveStockFields, opResult),
  'inventory.adjust': command('adjustStock', inv.adjustStockFields, opResult),
  'inventory.count': command(
    'countStock',
    inv.countStockFields,
    opResult.extend({ difference: z.number(), releasedReservations: z.number() }),
  ),
  'inventory.quality': command('setQualityStatus', inv.qualityStatusFields, opResult),
  'inventory.reserve': command('reserveStock', inv.reserveStockFields, reserveResult),
  'inventory.release': command(
    'releaseReservation',
    inv.releaseReservationFields,
    z.object({ opId: z.string(), released: z.number() }),
  ),
  'inventory.freeze': command('freezeStock', inv.freezeStockFields, freezeResult),
  'inventory.unfreeze': command('unfreezeStock', inv.freezeStockFields, freezeResult),
  'inventory.shipTransfer': command('shipTransfer', inv.shipTransferFields, transferRecord),
  'inventory.receiveTransfer': command('receiveTransfer', inv.receiveTransferFields, transferRecord),
  'inventory.changeLot': command('changeLotAttributes', inv.changeLotFields, freezeResult),
  'inventory.transferOwnership': command('transferOwnership', inv.ownershipTransferFields, opResult),
  'inventory.setRule': command('setReplenishmentRule', inv.replenishmentRuleFields, ruleRecord),
  'inventory.propose': command(
    'proposeReplenishment',
    inv.proposeReplenishmentFields,
    z.object({ opId: z.string(), proposals: z.array(z.string()) }),
  ),
  'inventory.decideProposal': command(
    'decideProposal',
    inv.decideProposalFields,
    proposalRecord.pick({ id: true, status: true }),
  ),
  'inventory.rebuild': command(
    'rebuildStockBalances',
    z.object({ verifyOnly: z.boolean().default(false) }),
    z.object({ buckets: z.number(), differences: z.number() }),
  ),
} as const;
