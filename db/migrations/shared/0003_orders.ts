import { sql, type Kysely } from 'kysely';

/*
 * Shipped migrations are frozen (db/migrations/shipped.json): never edit, add a new one instead.
 * Order centre: documents with lines whose quantities drive progress, their audit trail, the
 * audit-check results, the rules (checks, quotas, warehouse / carrier assignment, splitting),
 * fulfilments (shipments and receipts), the exception queue, credit positions and exchange rates.
 * List columns (sums, progress, hold reasons) on `orders` are a projection of the lines that
 * every command updates in its own transaction, so the order grid can sort and filter on them.
 */
export async function up(db: Kysely<unknown>): Promise<void> {
  await db.schema
    .createTable('orders')
    .addColumn('id', 'text', (c) => c.primaryKey().notNull())
    .addColumn('number', 'text', (c) => c.notNull().unique())
    .addColumn('type', 'text', (c) => c.notNull())
    .addColumn('status', 'text', (c) => c.notNull())
    .addColumn('customer_id', 'text', (c) => c.references('customers.id'))
    .addColumn('supplier_id', 'text', (c) => c.references('suppliers.id'))
    .addColumn('warehouse_id', 'text', (c) => c.references('warehouses.id'))
    .addColumn('to_warehouse_id', 'text', (c) => c.references('warehouses.id'))
    .addColumn('carrier_id', 'text', (c) => c.references('carriers.id'))
    .addColumn('channel_id', 'text', (c) => c.references('sales_channels.id'))
    .addColumn('external_ref', 'text')
    .addColumn('currency', 'text', (c) => c.notNull())
    .addColumn('ordered_at', 'text', (c) => c.notNull())
    .addColumn('requested_date', 'text')
    .addColumn('promised_date', 'text')
    .addColumn('auto_cancel_date', 'text')
    .addColumn('ship_to_region', 'text')
    .addColumn('parent_id', 'text', (c) => c.references('orders.id'))
    .addColumn('original_order_id', 'text', (c) => c.references('orders.id'))
    .addColumn('related_order_id', 'text')
    .addColumn('exchange', 'integer', (c) => c.notNull().defaultTo(0))
    .addColumn('note', 'text')
    .addColumn('line_count', 'integer', (c) => c.notNull())
    .addColumn('qty_ordered', 'integer', (c) => c.notNull())
    .addColumn('qty_done', 'integer', (c) => c.notNull())
    .addColumn('progress', 'integer', (c) => c.notNull())
    .addColumn('backordered', 'integer', (c) => c.notNull().defaultTo(0))
    .addColumn('net_minor', 'bigint', (c) => c.notNull())
    .addColumn('tax_minor', 'bigint', (c) => c.notNull())
    .addColumn('total_minor', 'bigint', (c) => c.notNull())
    .addColumn('hold_checks', 'text')
    .addColumn('created_by', 'text', (c) => c.notNull())
    .addColumn('created_at', 'text', (c) => c.notNull())
    .addColumn('updated_at', 'text', (c) => c.notNull())
    .addColumn('version', 'integer', (c) => c.notNull())
    .execute();
  // Keyset paths of the order grid: (filter columns, sort column, id).
  for (const [name, cols] of [
    ['orders_type_date_idx', ['type', 'ordered_at', 'id']],
    ['orders_type_status_date_idx', ['type', 'status', 'ordered_at', 'id']],
    ['orders_type_number_idx', ['type', 'number']],
    ['orders_type_total_idx', ['type', 'total_minor', 'id']],
    ['orders_type_requested_idx', ['type', 'requested_date', 'id']],
    ['orders_customer_idx', ['customer_id', 'ordered_at']],
    ['orders_external_ref_idx', ['external_ref']],
    ['orders_parent_idx', ['parent_id']],
    ['orders_original_idx', ['original_order_id']],
  ] as const)
    await db.schema
      .createIndex(name)
      .on('orders')
      .columns([...cols])
      .execute();
  // One order per channel and external order number: intake is idempotent on it.
  await db.schema
    .createIndex('orders_channel_ref_uq')
    .unique()
    .on('orders')
    .columns(['channel_id', 'external_ref'])
    .execute();

  await db.schema
    .createTable('order_lines')
    .addColumn('order_id', 'text', (c) => c.notNull().references('orders.id').onDelete('cascade'))
    .addColumn('line_no', 'integer', (c) => c.notNull())
    .addColumn('item_id', 'text', (c) => c.notNull().references('items.id'))
    .addColumn('warehouse_id', 'text', (c) => c.references('warehouses.id'))
    .addColumn('qty_ordered', 'integer', (c) => c.notNull())
    .addColumn('qty_allocated', 'integer', (c) => c.notNull().defaultTo(0))
    .addColumn('qty_shipped', 'integer', (c) => c.notNull().defaultTo(0))
    .addColumn('qty_received', 'integer', (c) => c.notNull().defaultTo(0))
    .addColumn('qty_invoiced', 'integer', (c) => c.notNull().defaultTo(0))
    .addColumn('qty_returned', 'integer', (c) => c.notNull().defaultTo(0))
    .addColumn('qty_cancelled', 'integer', (c) => c.notNull().defaultTo(0))
    .addColumn('unit_price_minor', 'bigint', (c) => c.notNull())
    .addColumn('discount_minor', 'bigint', (c) => c.notNull())
    .addColumn('tax_rate_bp', 'integer', (c) => c.notNull())
    .addColumn('net_minor', 'bigint', (c) => c.notNull())
    .addColumn('tax_minor', 'bigint', (c) => c.notNull())
    .addColumn('total_minor', 'bigint', (c) => c.notNull())
    .addColumn('requested_date', 'text')
    .addColumn('promised_date', 'text')
    .addColumn('promise_supply', 'text')
    .addColumn('original_line_no', 'integer')
    .addColumn('parent_line_no', 'integer')
    .addColumn('lot', 'text', (c) => c.notNull().defaultTo(''))
    .addColumn('note', 'text')
    .addPrimaryKeyConstraint('order_lines_pk', ['order_id', 'line_no'])
    .execute();
  await db.schema.createIndex('order_lines_item_idx').on('order_lines').columns(['item_id', 'warehouse_id']).execute();
  await db.schema.createIndex('order_lines_supply_idx').on('order_lines').column('promise_supply').execute();

  await db.schema
    .createTable('order_events')
    .addColumn('id', 'text', (c) => c.primaryKey().notNull())
    .addColumn('order_id', 'text', (c) => c.notNull().references('orders.id').onDelete('cascade'))
    .addColumn('action', 'text', (c) => c.notNull())
    .addColumn('from_status', 'text')
    .addColumn('to_status', 'text', (c) => c.notNull())
    .addColumn('actor', 'text', (c) => c.notNull())
    .addColumn('reason', 'text')
    .addColumn('details', 'text')
    .addColumn('at', 'text', (c) => c.notNull())
    .execute();
  await db.schema.createIndex('order_events_order_idx').on('order_events').columns(['order_id', 'at']).execute();

  await db.schema
    .createTable('order_check_results')
    .addColumn('order_id', 'text', (c) => c.notNull().references('orders.id').onDelete('cascade'))
    .addColumn('run_no', 'integer', (c) => c.notNull())
    .addColumn('check_code', 'text', (c) => c.notNull())
    .addColumn('passed', 'integer', (c) => c.notNull())
    .addColumn('details', 'text', (c) => c.notNull())
    .addColumn('at', 'text', (c) => c.notNull())
    .addPrimaryKeyConstraint('order_check_results_pk', ['order_id', 'run_no', 'check_code'])
    .execute();

  await db.schema
    .createTable('order_check_settings')
    .addColumn('check_code', 'text', (c) => c.primaryKey().notNull())
    .addColumn('enabled', 'integer', (c) => c.notNull())
    .addColumn('force_allowed', 'integer', (c) => c.notNull())
    .addColumn('force_roles', 'text', (c) => c.notNull())
    .addColumn('updated_at', 'text', (c) => c.notNull())
    .execute();
  await sql`insert into order_check_settings (check_code, enabled, force_allowed, force_roles, updated_at) values
    ('stock', 1, 1, '["supervisor","administrator"]', '1970-01-01T00:00:00.000Z'),
    ('quota', 1, 1, '["supervisor","administrator"]', '1970-01-01T00:00:00.000Z'),
    ('credit', 1, 1, '["supervisor","administrator","finance-clerk"]', '1970-01-01T00:00:00.000Z')`.execute(db);

  await db.schema
    .createTable('order_quotas')
    .addColumn('id', 'text', (c) => c.primaryKey().notNull())
    .addColumn('customer_id', 'text', (c) => c.notNull().references('customers.id'))
    .addColumn('item_id', 'text', (c) => c.references('items.id'))
    .addColumn('product_group', 'text')
    .addColumn('period', 'text', (c) => c.notNull())
    .addColumn('quantity', 'integer', (c) => c.notNull())
    .addColumn('active', 'integer', (c) => c.notNull())
    .addColumn('updated_at', 'text', (c) => c.notNull())
    .execute();
  await db.schema.createIndex('order_quotas_customer_idx').on('order_quotas').column('customer_id').execute();

  await db.schema
    .createTable('warehouse_rules')
    .addColumn('id', 'text', (c) => c.primaryKey().notNull())
    .addColumn('position', 'integer', (c) => c.notNull())
    .addColumn('name', 'text', (c) => c.notNull())
    .addColumn('channel_id', 'text')
    .addColumn('region', 'text')
    .addColumn('customer_id', 'text')
    .addColumn('item_id', 'text')
    .addColumn('product_group', 'text')
    .addColumn('warehouse_ids', 'text', (c) => c.notNull())
    .addColumn('mode', 'text', (c) => c.notNull())
    .addColumn('active', 'integer', (c) => c.notNull())
    .addColumn('updated_at', 'text', (c) => c.notNull())
    .execute();

  await db.schema
    .createTable('carrier_rules')
    .addColumn('id', 'text', (c) => c.primaryKey().notNull())
    .addColumn('position', 'integer', (c) => c.notNull())
    .addColumn('name', 'text', (c) => c.notNull())
    .addColumn('warehouse_id', 'text')
    .addColumn('region', 'text')
    .addColumn('channel_id', 'text')
    .addColumn('max_weight_grams', 'integer')
    .addColumn('carrier_id', 'text', (c) => c.notNull().references('carriers.id'))
    .addColumn('active', 'integer', (c) => c.notNull())
    .addColumn('updated_at', 'text', (c) => c.notNull())
    .execute();

  await db.schema
    .createTable('split_rules')
    .addColumn('id', 'text', (c) => c.primaryKey().notNull())
    .addColumn('position', 'integer', (c) => c.notNull())
    .addColumn('kind', 'text', (c) => c.notNull())
    .addColumn('limit_value', 'integer')
    .addColumn('active', 'integer', (c) => c.notNull())
    .addColumn('updated_at', 'text', (c) => c.notNull())
    .execute();

  await db.schema
    .createTable('order_fulfilments')
    .addColumn('id', 'text', (c) => c.primaryKey().notNull())
    .addColumn('order_id', 'text', (c) => c.notNull().references('orders.id'))
    .addColumn('kind', 'text', (c) => c.notNull())
    .addColumn('warehouse_id', 'text', (c) => c.notNull())
    .addColumn('carrier_id', 'text')
    .addColumn('tracking_no', 'text')
    .addColumn('transfer_id', 'text')
    .addColumn('actor', 'text', (c) => c.notNull())
    .addColumn('at', 'text', (c) => c.notNull())
    .execute();
  await db.schema.createIndex('order_fulfilments_order_idx').on('order_fulfilments').column('order_id').execute();
  await db.schema
    .createTable('order_fulfilment_lines')
    .addColumn('fulfilment_id', 'text', (c) => c.notNull().references('order_fulfilments.id').onDelete('cascade'))
    .addColumn('line_no', 'integer', (c) => c.notNull())
    .addColumn('quantity', 'integer', (c) => c.notNull())
    .addColumn('lot', 'text', (c) => c.notNull())
    .addColumn('expiry', 'text', (c) => c.notNull())
    .addPrimaryKeyConstraint('order_fulfilment_lines_pk', ['fulfilment_id', 'line_no', 'lot', 'expiry'])
    .execute();

  await db.schema
    .createTable('order_exceptions')
    .addColumn('id', 'text', (c) => c.primaryKey().notNull())
    .addColumn('order_id', 'text', (c) => c.notNull().references('orders.id'))
    .addColumn('kind', 'text', (c) => c.notNull())
    .addColumn('status', 'text', (c) => c.notNull())
    .addColumn('details', 'text', (c) => c.notNull())
    .addColumn('created_at', 'text', (c) => c.notNull())
    .addColumn('resolved_at', 'text')
    .addColumn('resolved_by', 'text')
    .addColumn('resolution', 'text')
    .addColumn('note', 'text')
    .execute();
  await db.schema
    .createIndex('order_exceptions_open_idx')
    .on('order_exceptions')
    .columns(['status', 'created_at'])
    .execute();
  await db.schema.createIndex('order_exceptions_order_idx').on('order_exceptions').column('order_id').execute();

  await db.schema
    .createTable('customer_credit')
    .addColumn('customer_id', 'text', (c) => c.primaryKey().notNull().references('customers.id'))
    .addColumn('open_receivables_minor', 'bigint', (c) => c.notNull())
    .addColumn('deposits_minor', 'bigint', (c) => c.notNull())
    .addColumn('source', 'text', (c) => c.notNull())
    .addColumn('updated_at', 'text', (c) => c.notNull())
    .execute();

  await db.schema
    .createTable('exchange_rates')
    .addColumn('currency', 'text', (c) => c.notNull())
    .addColumn('valid_from', 'text', (c) => c.notNull())
    .addColumn('rate_micros', 'bigint', (c) => c.notNull())
    .addPrimaryKeyConstraint('exchange_rates_pk', ['currency', 'valid_from'])
    .execute();

  // Document numbers handed out on this database (a desktop's own, until sync issues ranges).
  await db.schema
    .createTable('doc_counters')
    .addColumn('prefix', 'text', (c) => c.primaryKey().notNull())
    .addColumn('last_no', 'integer', (c) => c.notNull())
    .execute();
}
