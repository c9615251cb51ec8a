import type { z } from 'zod';
import type { Contract } from '../../core/api/contract.ts';
import type { Database } from '../../db/connect.ts';
import { getMaster, listMaster, type MasterEntity } from '../../db/masterdata.queries.ts';
import { AppError } from '../../core/errors.ts';
import {
  inventoryGrid,
  ledgerRows,
  listProposals,
  listRules,
  listTransfers,
  lowStock,
  selectBuckets,
} from '../../db/inventory.queries.ts';
import { loadTransferRecord } from '../../commands/inventory.commands.ts';
import { dockQueryHandlers } from './dockQueries.ts';
import { labelQueryHandlers } from './labels.ts';
import { orderQueryHandlers } from './orderQueries.ts';
import type { Printing } from './printing.ts';
import type { DesktopSync } from './sync.ts';

type QueryChannel = { [K in keyof Contract]: Contract[K]['kind'] extends 'query' ? K : never }[keyof Contract];
export type QueryHandlers = {
  [K in QueryChannel]: (input: z.output<Contract[K]['input']>) => Promise<z.output<Contract[K]['output']>>;
};

export interface QueryEnv {
  db: Database;
  info: z.output<Contract['system.info']['output']>;
  sync: DesktopSync;
  /** Handlers of other areas (printing) built by their own modules. */
  extra: Printing['queries'];
}

async function mustGet<E extends MasterEntity>(db: Database, entity: E, id: string) {
  const record = await getMaster(db, entity, id);
  if (!record) throw new AppError('masterdata.not-found', `No ${entity} with id ${id}`, { id });
  return record;
}

/** Read-only handlers: one per query channel of the contract, checked by the compiler. */
export function buildQueryHandlers({ db, info, sync, extra }: QueryEnv): QueryHandlers {
  return {
    ...extra,
    ...dockQueryHandlers(db),
    ...labelQueryHandlers(db),
    ...orderQueryHandlers(db),
    'system.info': async () => info,
    'sync.status': () => sync.status(),
    'sync.issues': ({ status }) => sync.issues(status),
    'sync.settings': async () => sync.settings(),
    'auth.session': async () => sync.session(),
    'items.list': async (input) => ({ rows: await listMaster(db, 'items', input) }),
    'items.get': ({ id }) => mustGet(db, 'items', id),
    'warehouses.list': async (input) => ({ rows: await listMaster(db, 'warehouses', input) }),
    'warehouses.get': ({ id }) => mustGet(db, 'warehouses', id),
    'locations.list': async ({ warehouseId }) => ({
      rows: await listMaster(db, 'locations', { warehouseId, includeInactive: true }),
    }),
    'customers.list': async (input) => ({ rows: await listMaster(db, 'customers', input) }),
    'customers.get': ({ id }) => mustGet(db, 'customers', id),
    'suppliers.list': async (input) => ({ rows: await listMaster(db, 'suppliers', input) }),
    'suppliers.get': ({ id }) => mustGet(db, 'suppliers', id),
    'carriers.list': async (input) => ({ rows: await listMaster(db, 'carriers', input) }),
    'carriers.get': ({ id }) => mustGet(db, 'carriers', id),
    'salesChannels.list': async (input) => ({ rows: await listMaster(db, 'salesChannels', input) }),
    'salesChannels.get': ({ id }) => mustGet(db, 'salesChannels', id),

    'inventory.grid': (input) => inventoryGrid(db, input),
    'inventory.ledger': async (input) => ({ rows: await ledgerRows(db, input) }),
    'inventory.freezePreview': async ({ selector, mode }) => {
      const buckets = await selectBuckets(db, selector, mode === 'freeze' ? 'available' : 'frozen');
      const items = new Map<string, { sku: string; name: string }>();
      const warehouses = new Map<string, { code: string; buckets: number; quantity: number; reserved: number }>();
      const rows = [];
      for (const b of buckets) {
        let item = items.get(b.itemId);
        if (!item) {
          const rec = await getMaster(db, 'items', b.itemId);
          item = { sku: rec?.sku ?? b.itemId, name: rec?.name ?? '' };
          items.set(b.itemId, item);
        }
        let w = warehouses.get(b.warehouseId);
        if (!w) {
          const rec = await getMaster(db, 'warehouses', b.warehouseId);
          w = { code: rec?.code ?? b.warehouseId, buckets: 0, quantity: 0, reserved: 0 };
          warehouses.set(b.warehouseId, w);
        }
        const quantity = mode === 'freeze' ? b.qtyAvailable : b.qtyFrozen;
        const reserved = mode === 'freeze' ? b.qtyReserved : 0;
        w.buckets += 1;
        w.quantity += quantity;
        w.reserved += reserved;
        rows.push({
          itemId: b.itemId,
          sku: item.sku,
          itemName: item.name,
          warehouseId: b.warehouseId,
          warehouseCode: w.code,
          lot: b.lot,
          expiry: b.expiry,
          ownerId: b.ownerId,
          quantity,
          reserved,
        });
      }
      const perWarehouse = [...warehouses.entries()]
        .map(([warehouseId, w]) => ({
          warehouseId,
          warehouseCode: w.code,
          buckets: w.buckets,
          quantity: w.quantity,
          releasedReservations: w.reserved,
        }))
        .sort((a, b) => (a.warehouseCode < b.warehouseCode ? -1 : 1));
      return { warehouses: perWarehouse, rows, total: rows.reduce((s, r) => s + r.quantity, 0) };
    },
    'inventory.transfers': async ({ status, limit }) => ({
      rows: (await listTransfers(db, { status, limit })).map((t) => ({
        id: t.id,
        number: t.number,
        fromWarehouseId: t.from_warehouse_id,
        toWarehouseId: t.to_warehouse_id,
        fromCode: t.from_code,
        toCode: t.to_code,
        status: t.status as 'in_transit' | 'partially_received' | 'received',
        shippedAt: t.shipped_at,
        receivedAt: t.received_at,
        note: t.note,
        proposalId: t.proposal_id,
        version: t.version,
        lineCount: t.line_count,
        qtyShipped: t.qty_shipped,
        qtyReceived: t.qty_received,
      })),
    }),
    'inventory.transfer': ({ id }) => loadTransferRecord(db, id),
    'inventory.rules': async ({ itemId, warehouseId }) => ({
      rows: (
        await listRules(db, { ...(itemId ? { itemId } : {}), warehouseIds: warehouseId ? [warehouseId] : undefined })
      ).map((r) => ({
        itemId: r.item_id,
        warehouseId: r.warehouse_id,
        minQty: r.min_qty,
        maxQty: r.max_qty,
        safetyStock: r.safety_stock,
        updatedAt: r.updated_at,
      })),
    }),
    'inventory.proposals': async ({ status, limit }) => ({
      rows: (await listProposals(db, { status, limit })).map((p) => ({
        id: p.id,
        itemId: p.item_id,
        sku: p.sku,
        itemName: p.item_name,
        itemNameEn: p.item_name_en,
        warehouseId: p.warehouse_id,
        warehouseCode: p.warehouse_code,
        kind: p.kind as 'transfer' | 'purchase',
        fromWarehouseId: p.from_warehouse_id,
        fromCode: p.from_code,
        quantity: p.quantity,
        reason: p.reason as 'min-max' | 'stock-out',
        status: p.status as 'open' | 'confirmed' | 'dismissed',
        positionQty: p.position_qty,
        createdAt: p.created_at,
        decidedAt: p.decided_at,
        decidedBy: p.decided_by,
        transferId: p.transfer_id,
      })),
    }),
    'inventory.lowStock': async ({ warehouseId, limit }) => ({
      rows: (await lowStock(db, { warehouseId, limit })).map((r) => ({
        itemId: r.item_id,
        sku: r.sku,
        itemName: r.item_name,
        itemNameEn: r.item_name_en,
        warehouseId: r.warehouse_id,
        warehouseCode: r.warehouse_code,
        free: r.free,
        inTransit: r.in_transit,
        minQty: r.min_qty,
        maxQty: r.max_qty,
        safetyStock: r.safety_stock,
      })),
    }),
  };
}
