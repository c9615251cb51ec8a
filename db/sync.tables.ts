/**
 * The tables the server replicates to desktops, parents before children (the order an initial
 * sync downloads them in), with their primary keys. A row travels as its full image keyed by
 * its primary key values in this order; deletes travel as the key alone (a tombstone).
 *
 * Not replicated: `doc_counters` (each database numbers its own documents), the desktop's
 * outbox / sync bookkeeping and the server's feed, auth and sync tables.
 */
export interface SyncedTable {
  name: string;
  pk: readonly string[];
  /** Columns the server never sends (secrets). */
  omit?: readonly string[];
}

export const SYNCED_TABLES: readonly SyncedTable[] = [
  { name: 'items', pk: ['id'] },
  { name: 'item_uoms', pk: ['item_id', 'uom'] },
  { name: 'warehouses', pk: ['id'] },
  { name: 'locations', pk: ['id'] },
  { name: 'customers', pk: ['id'] },
  { name: 'customer_addresses', pk: ['customer_id', 'position'] },
  { name: 'suppliers', pk: ['id'] },
  { name: 'carriers', pk: ['id'] },
  { name: 'sales_channels', pk: ['id'] },
  { name: 'roles', pk: ['code'] },
  { name: 'users', pk: ['id'], omit: ['password_hash'] },
  { name: 'user_roles', pk: ['user_id', 'role_code'] },
  { name: 'user_scopes', pk: ['user_id', 'scope_kind', 'scope_id'] },
  { name: 'exchange_rates', pk: ['currency', 'valid_from'] },
  { name: 'customer_credit', pk: ['customer_id'] },
  { name: 'order_check_settings', pk: ['check_code'] },
  { name: 'order_quotas', pk: ['id'] },
  { name: 'warehouse_rules', pk: ['id'] },
  { name: 'carrier_rules', pk: ['id'] },
  { name: 'split_rules', pk: ['id'] },
  { name: 'stock_transfers', pk: ['id'] },
  { name: 'stock_transfer_lines', pk: ['transfer_id', 'line_no'] },
  { name: 'stock_movements', pk: ['id'] },
  { name: 'stock_reservations', pk: ['id'] },
  { name: 'stock_balances', pk: ['item_id', 'warehouse_id', 'lot', 'expiry', 'owner_id'] },
  { name: 'replenishment_rules', pk: ['item_id', 'warehouse_id'] },
  { name: 'replenishment_proposals', pk: ['id'] },
  { name: 'orders', pk: ['id'] },
  { name: 'order_lines', pk: ['order_id', 'line_no'] },
  { name: 'order_events', pk: ['id'] },
  { name: 'order_check_results', pk: ['order_id', 'run_no', 'check_code'] },
  { name: 'order_fulfilments', pk: ['id'] },
  { name: 'order_fulfilment_lines', pk: ['fulfilment_id', 'line_no', 'lot', 'expiry'] },
  { name: 'order_exceptions', pk: ['id'] },
  { name: 'label_templates', pk: ['id'] },
  { name: 'asns', pk: ['id'] },
  { name: 'asn_lines', pk: ['asn_id', 'line_no'] },
  { name: 'handling_units', pk: ['id'] },
  { name: 'handling_unit_contents', pk: ['unit_id', 'asn_line_no'] },
  { name: 'dock_receipts', pk: ['id'] },
  { name: 'dock_discrepancies', pk: ['id'] },
  { name: 'dock_appointments', pk: ['id'] },
];

const BY_NAME = new Map(SYNCED_TABLES.map((t) => [t.name, t]));

export const syncedTable = (name: string): SyncedTable | undefined => BY_NAME.get(name);

/** A row's key as one comparable string: the JSON array of its primary-key values. */
export const rowKey = (table: string, pk: readonly unknown[]): string => `${table}:${JSON.stringify(pk)}`;
