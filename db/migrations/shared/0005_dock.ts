import { sql, type Kysely } from 'kysely';

/*
 * Shipped migrations are frozen (db/migrations/shipped.json): never edit, add a new one instead.
 * The dock: supplier ASNs (送货单) against purchase orders, the handling units they pack (each
 * with its SSCC), dock appointments, what was scanned in, discrepancies, and label templates.
 * Every dock row carries the supplier and the warehouse, so sync can scope it without a join
 * (a supplier clerk sees its own ASNs, a warehouse clerk those arriving at its warehouses).
 */
export async function up(db: Kysely<unknown>): Promise<void> {
  await sql`alter table suppliers add column asn_tolerance_pct integer not null default 10`.execute(db);

  await db.schema
    .createTable('asns')
    .addColumn('id', 'text', (c) => c.primaryKey().notNull())
    .addColumn('number', 'text', (c) => c.notNull().unique())
    .addColumn('supplier_id', 'text', (c) => c.notNull().references('suppliers.id'))
    .addColumn('warehouse_id', 'text', (c) => c.notNull().references('warehouses.id'))
    .addColumn('order_id', 'text', (c) => c.notNull().references('orders.id'))
    .addColumn('status', 'text', (c) => c.notNull())
    .addColumn('ship_date', 'text', (c) => c.notNull())
    .addColumn('expected_date', 'text')
    .addColumn('carrier_ref', 'text')
    .addColumn('note', 'text')
    .addColumn('unit_count', 'integer', (c) => c.notNull())
    .addColumn('units_received', 'integer', (c) => c.notNull().defaultTo(0))
    .addColumn('qty_announced', 'integer', (c) => c.notNull())
    .addColumn('qty_received', 'integer', (c) => c.notNull().defaultTo(0))
    .addColumn('arrived_at', 'text')
    .addColumn('created_by', 'text', (c) => c.notNull())
    .addColumn('created_at', 'text', (c) => c.notNull())
    .addColumn('updated_at', 'text', (c) => c.notNull())
    .addColumn('version', 'integer', (c) => c.notNull())
    .execute();
  await db.schema.createIndex('asns_order_idx').on('asns').column('order_id').execute();
  await db.schema.createIndex('asns_supplier_idx').on('asns').columns(['supplier_id', 'created_at']).execute();
  await db.schema.createIndex('asns_warehouse_idx').on('asns').columns(['warehouse_id', 'status']).execute();

  await db.schema
    .createTable('asn_lines')
    .addColumn('asn_id', 'text', (c) => c.notNull().references('asns.id').onDelete('cascade'))
    .addColumn('line_no', 'integer', (c) => c.notNull())
    .addColumn('supplier_id', 'text', (c) => c.notNull())
    .addColumn('warehouse_id', 'text', (c) => c.notNull())
    .addColumn('order_line_no', 'integer', (c) => c.notNull())
    .addColumn('item_id', 'text', (c) => c.notNull().references('items.id'))
    .addColumn('quantity', 'integer', (c) => c.notNull())
    .addColumn('lot', 'text', (c) => c.notNull())
    .addColumn('expiry', 'text', (c) => c.notNull())
    .addColumn('qty_received', 'integer', (c) => c.notNull().defaultTo(0))
    .addPrimaryKeyConstraint('asn_lines_pk', ['asn_id', 'line_no'])
    .execute();

  await db.schema
    .createTable('handling_units')
    .addColumn('id', 'text', (c) => c.primaryKey().notNull())
    .addColumn('asn_id', 'text', (c) => c.notNull().references('asns.id').onDelete('cascade'))
    .addColumn('supplier_id', 'text', (c) => c.notNull())
    .addColumn('warehouse_id', 'text', (c) => c.notNull())
    .addColumn('sscc', 'text', (c) => c.notNull().unique())
    .addColumn('kind', 'text', (c) => c.notNull())
    .addColumn('position', 'integer', (c) => c.notNull())
    .addColumn('parent_id', 'text')
    .addColumn('gross_weight_grams', 'integer')
    .addColumn('status', 'text', (c) => c.notNull())
    .addColumn('received_at', 'text')
    .addColumn('received_by', 'text')
    .addColumn('receipt_id', 'text')
    .execute();
  await db.schema.createIndex('handling_units_asn_idx').on('handling_units').columns(['asn_id', 'position']).execute();

  await db.schema
    .createTable('handling_unit_contents')
    .addColumn('unit_id', 'text', (c) => c.notNull().references('handling_units.id').onDelete('cascade'))
    .addColumn('asn_line_no', 'integer', (c) => c.notNull())
    .addColumn('asn_id', 'text', (c) => c.notNull())
    .addColumn('supplier_id', 'text', (c) => c.notNull())
    .addColumn('warehouse_id', 'text', (c) => c.notNull())
    .addColumn('quantity', 'integer', (c) => c.notNull())
    .addPrimaryKeyConstraint('handling_unit_contents_pk', ['unit_id', 'asn_line_no'])
    .execute();

  // One row per accepted scan (a whole unit, or a quantity of one line): the audit of the dock.
  await db.schema
    .createTable('dock_receipts')
    .addColumn('id', 'text', (c) => c.primaryKey().notNull())
    .addColumn('asn_id', 'text', (c) => c.notNull().references('asns.id'))
    .addColumn('supplier_id', 'text', (c) => c.notNull())
    .addColumn('warehouse_id', 'text', (c) => c.notNull())
    .addColumn('unit_id', 'text')
    .addColumn('asn_line_no', 'integer')
    .addColumn('kind', 'text', (c) => c.notNull())
    .addColumn('scan', 'text', (c) => c.notNull())
    .addColumn('quantity', 'integer', (c) => c.notNull())
    .addColumn('actor', 'text', (c) => c.notNull())
    .addColumn('at', 'text', (c) => c.notNull())
    .execute();
  await db.schema.createIndex('dock_receipts_asn_idx').on('dock_receipts').columns(['asn_id', 'at']).execute();

  await db.schema
    .createTable('dock_discrepancies')
    .addColumn('id', 'text', (c) => c.primaryKey().notNull())
    .addColumn('asn_id', 'text', (c) => c.notNull().references('asns.id'))
    .addColumn('supplier_id', 'text', (c) => c.notNull())
    .addColumn('warehouse_id', 'text', (c) => c.notNull())
    .addColumn('asn_line_no', 'integer')
    .addColumn('unit_id', 'text')
    .addColumn('kind', 'text', (c) => c.notNull())
    .addColumn('expected', 'integer', (c) => c.notNull())
    .addColumn('received', 'integer', (c) => c.notNull())
    .addColumn('note', 'text')
    .addColumn('approved_by', 'text')
    .addColumn('actor', 'text', (c) => c.notNull())
    .addColumn('at', 'text', (c) => c.notNull())
    .execute();
  await db.schema.createIndex('dock_discrepancies_asn_idx').on('dock_discrepancies').column('asn_id').execute();

  await db.schema
    .createTable('dock_appointments')
    .addColumn('id', 'text', (c) => c.primaryKey().notNull())
    .addColumn('asn_id', 'text', (c) => c.references('asns.id'))
    .addColumn('supplier_id', 'text', (c) => c.notNull().references('suppliers.id'))
    .addColumn('warehouse_id', 'text', (c) => c.notNull().references('warehouses.id'))
    .addColumn('dock', 'text', (c) => c.notNull())
    .addColumn('slot_start', 'text', (c) => c.notNull())
    .addColumn('slot_end', 'text', (c) => c.notNull())
    .addColumn('status', 'text', (c) => c.notNull())
    .addColumn('note', 'text')
    .addColumn('created_by', 'text', (c) => c.notNull())
    .addColumn('updated_at', 'text', (c) => c.notNull())
    .addColumn('version', 'integer', (c) => c.notNull())
    .execute();
  await db.schema
    .createIndex('dock_appointments_slot_idx')
    .on('dock_appointments')
    .columns(['warehouse_id', 'slot_start'])
    .execute();

  // Templates the administrator made; the built-in GS1 labels live in code and are not rows.
  await db.schema
    .createTable('label_templates')
    .addColumn('id', 'text', (c) => c.primaryKey().notNull())
    .addColumn('name', 'text', (c) => c.notNull())
    .addColumn('body', 'text', (c) => c.notNull())
    .addColumn('active', 'integer', (c) => c.notNull())
    .addColumn('updated_by', 'text', (c) => c.notNull())
    .addColumn('updated_at', 'text', (c) => c.notNull())
    .addColumn('version', 'integer', (c) => c.notNull())
    .execute();
}
