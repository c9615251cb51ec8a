import type { Kysely } from 'kysely';

/*
 * Shipped migrations are frozen (db/migrations/shipped.json): never edit, add a new one instead.
 * Inventory: an append-only movement ledger and reservation ledger, and the balances projected
 * from them. Quantities are integers in the item's base unit. `lot` and `expiry` are '' when an
 * item tracks neither, so the bucket key has no NULLs (their uniqueness differs across backends).
 */
export async function up(db: Kysely<unknown>): Promise<void> {
  await db.schema
    .createTable('stock_movements')
    .addColumn('id', 'text', (c) => c.primaryKey().notNull())
    .addColumn('op_id', 'text', (c) => c.notNull())
    .addColumn('kind', 'text', (c) => c.notNull())
    .addColumn('item_id', 'text', (c) => c.notNull().references('items.id'))
    .addColumn('warehouse_id', 'text', (c) => c.notNull().references('warehouses.id'))
    .addColumn('location_id', 'text', (c) => c.references('locations.id'))
    .addColumn('lot', 'text', (c) => c.notNull())
    .addColumn('expiry', 'text', (c) => c.notNull())
    .addColumn('owner_id', 'text', (c) => c.notNull())
    .addColumn('status', 'text', (c) => c.notNull())
    .addColumn('quantity', 'integer', (c) => c.notNull())
    .addColumn('reason_code', 'text')
    .addColumn('note', 'text')
    .addColumn('doc_type', 'text')
    .addColumn('doc_id', 'text')
    .addColumn('doc_line', 'integer')
    .addColumn('actor', 'text', (c) => c.notNull())
    .addColumn('created_at', 'text', (c) => c.notNull())
    .execute();
  await db.schema
    .createIndex('stock_movements_bucket_idx')
    .on('stock_movements')
    .columns(['item_id', 'warehouse_id', 'lot', 'expiry', 'owner_id', 'created_at'])
    .execute();
  await db.schema.createIndex('stock_movements_op_idx').on('stock_movements').column('op_id').execute();
  await db.schema
    .createIndex('stock_movements_doc_idx')
    .on('stock_movements')
    .columns(['doc_type', 'doc_id'])
    .execute();

  await db.schema
    .createTable('stock_reservations')
    .addColumn('id', 'text', (c) => c.primaryKey().notNull())
    .addColumn('op_id', 'text', (c) => c.notNull())
    .addColumn('demand_type', 'text', (c) => c.notNull())
    .addColumn('demand_id', 'text', (c) => c.notNull())
    .addColumn('demand_line', 'integer', (c) => c.notNull())
    .addColumn('item_id', 'text', (c) => c.notNull().references('items.id'))
    .addColumn('warehouse_id', 'text', (c) => c.notNull().references('warehouses.id'))
    .addColumn('lot', 'text', (c) => c.notNull())
    .addColumn('expiry', 'text', (c) => c.notNull())
    .addColumn('owner_id', 'text', (c) => c.notNull())
    .addColumn('quantity', 'integer', (c) => c.notNull())
    .addColumn('reason_code', 'text')
    .addColumn('actor', 'text', (c) => c.notNull())
    .addColumn('created_at', 'text', (c) => c.notNull())
    .execute();
  await db.schema
    .createIndex('stock_reservations_demand_idx')
    .on('stock_reservations')
    .columns(['demand_type', 'demand_id', 'demand_line'])
    .execute();
  await db.schema
    .createIndex('stock_reservations_bucket_idx')
    .on('stock_reservations')
    .columns(['item_id', 'warehouse_id', 'lot', 'expiry', 'owner_id'])
    .execute();

  // The projection: one row per item × warehouse × lot × expiry × owner, one column per status.
  await db.schema
    .createTable('stock_balances')
    .addColumn('item_id', 'text', (c) => c.notNull().references('items.id'))
    .addColumn('warehouse_id', 'text', (c) => c.notNull().references('warehouses.id'))
    .addColumn('lot', 'text', (c) => c.notNull())
    .addColumn('expiry', 'text', (c) => c.notNull())
    .addColumn('owner_id', 'text', (c) => c.notNull())
    .addColumn('qty_available', 'integer', (c) => c.notNull().defaultTo(0))
    .addColumn('qty_frozen', 'integer', (c) => c.notNull().defaultTo(0))
    .addColumn('qty_quality', 'integer', (c) => c.notNull().defaultTo(0))
    .addColumn('qty_in_transit', 'integer', (c) => c.notNull().defaultTo(0))
    .addColumn('qty_reserved', 'integer', (c) => c.notNull().defaultTo(0))
    .addColumn('received_at', 'text', (c) => c.notNull())
    .addPrimaryKeyConstraint('stock_balances_pkey', ['item_id', 'warehouse_id', 'lot', 'expiry', 'owner_id'])
    .execute();
  await db.schema
    .createIndex('stock_balances_warehouse_idx')
    .on('stock_balances')
    .columns(['warehouse_id', 'item_id'])
    .execute();
  await db.schema.createIndex('stock_balances_lot_idx').on('stock_balances').columns(['lot', 'item_id']).execute();
  await db.schema.createIndex('stock_balances_expiry_idx').on('stock_balances').column('expiry').execute();

  await db.schema
    .createTable('stock_transfers')
    .addColumn('id', 'text', (c) => c.primaryKey().notNull())
    .addColumn('number', 'text', (c) => c.notNull())
    .addColumn('kind', 'text', (c) => c.notNull())
    .addColumn('from_warehouse_id', 'text', (c) => c.notNull().references('warehouses.id'))
    .addColumn('to_warehouse_id', 'text', (c) => c.notNull().references('warehouses.id'))
    .addColumn('status', 'text', (c) => c.notNull())
    .addColumn('proposal_id', 'text')
    .addColumn('note', 'text')
    .addColumn('actor', 'text', (c) => c.notNull())
    .addColumn('shipped_at', 'text', (c) => c.notNull())
    .addColumn('received_at', 'text')
    .addColumn('version', 'integer', (c) => c.notNull().defaultTo(1))
    .addUniqueConstraint('stock_transfers_number_key', ['number'])
    .execute();
  await db.schema
    .createTable('stock_transfer_lines')
    .addColumn('transfer_id', 'text', (c) => c.notNull().references('stock_transfers.id'))
    .addColumn('line_no', 'integer', (c) => c.notNull())
    .addColumn('item_id', 'text', (c) => c.notNull().references('items.id'))
    .addColumn('lot', 'text', (c) => c.notNull())
    .addColumn('expiry', 'text', (c) => c.notNull())
    .addColumn('owner_id', 'text', (c) => c.notNull())
    .addColumn('qty_shipped', 'integer', (c) => c.notNull())
    .addColumn('qty_received', 'integer', (c) => c.notNull().defaultTo(0))
    .addPrimaryKeyConstraint('stock_transfer_lines_pkey', ['transfer_id', 'line_no'])
    .execute();

  await db.schema
    .createTable('replenishment_rules')
    .addColumn('item_id', 'text', (c) => c.notNull().references('items.id'))
    .addColumn('warehouse_id', 'text', (c) => c.notNull().references('warehouses.id'))
    .addColumn('min_qty', 'integer', (c) => c.notNull())
    .addColumn('max_qty', 'integer', (c) => c.notNull())
    .addColumn('safety_stock', 'integer', (c) => c.notNull())
    .addColumn('updated_at', 'text', (c) => c.notNull())
    .addPrimaryKeyConstraint('replenishment_rules_pkey', ['item_id', 'warehouse_id'])
    .execute();
  await db.schema
    .createTable('replenishment_proposals')
    .addColumn('id', 'text', (c) => c.primaryKey().notNull())
    .addColumn('item_id', 'text', (c) => c.notNull().references('items.id'))
    .addColumn('warehouse_id', 'text', (c) => c.notNull().references('warehouses.id'))
    .addColumn('kind', 'text', (c) => c.notNull())
    .addColumn('from_warehouse_id', 'text', (c) => c.references('warehouses.id'))
    .addColumn('quantity', 'integer', (c) => c.notNull())
    .addColumn('reason', 'text', (c) => c.notNull())
    .addColumn('status', 'text', (c) => c.notNull())
    .addColumn('position_qty', 'integer', (c) => c.notNull())
    .addColumn('created_at', 'text', (c) => c.notNull())
    .addColumn('decided_at', 'text')
    .addColumn('decided_by', 'text')
    .addColumn('transfer_id', 'text')
    .execute();
  await db.schema
    .createIndex('replenishment_proposals_open_idx')
    .on('replenishment_proposals')
    .columns(['status', 'item_id', 'warehouse_id'])
    .execute();
}
