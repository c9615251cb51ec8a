/*
 * Dockside OMS data model — one schema for SQLite (desktop), PGlite and PostgreSQL (server).
 *  - Ids: text UUIDs chosen by the caller (desktops create rows offline). Booleans: integer 0/1.
 *    Timestamps: ISO-8601 UTC text. Money: bigint minor units, read as a JS number (throws > 2^53).
 *  - Master tables carry `version` (optimistic lock, starts at 1), `created_at`, `updated_at`.
 *  - items (sku, gtin unique) + item_uoms (pk item_id+uom, ordered by position); a GTIN is unique
 *    across items.gtin and item_uoms.gtin (unique index on each, cross-table check in queries).
 *  - warehouses (code unique) + locations (FK warehouse_id, code unique per warehouse).
 *  - customers (code unique, credit_limit_minor bigint) + customer_addresses (pk customer_id+position).
 *  - suppliers, carriers, sales_channels: code unique. roles (code pk, seeded with core's ROLES),
 *    users (username unique), user_roles, user_scopes (scope_kind warehouse|supplier|owner).
 *  - lower(code|sku) and lower(name) indexes for search; child rows cascade with their parent.
 *  - Desktop only: client_meta (one row: client_id, last_seq) and outbox (seq = last_seq + 1, dense,
 *    never reused; mutation_id unique; status default 'pending').
 *  - orders + order_lines (qty_* columns drive progress; list columns on orders are a projection of
 *    the lines kept by every order command), order_events (audit of every transition),
 *    order_check_results, rule tables (checks, quotas, warehouse/carrier/split rules),
 *    order_fulfilments (+ lines), order_exceptions, customer_credit, exchange_rates, doc_counters.
 *  - Migrations: explicit lists in db/migrate.ts; shipped files frozen by SHA-256 (shipped.json);
 *    schema.snapshot.json is the introspected result on SQLite and PostgreSQL.
 */
import type { Generated } from 'kysely';
import type { Currency } from '../core/money.ts';
import type { ADDRESS_KINDS, CHANNEL_KINDS, LOCATION_KINDS } from '../core/masterdata/schemas.ts';

/** SQLite has no boolean type; 0/1 keeps the same column on every backend. */
export type Bool01 = 0 | 1;
type Grade = 'A' | 'B' | 'C' | 'D';

interface MasterMeta {
  id: string;
  version: number;
  created_at: string;
  updated_at: string;
}

export interface ItemsTable extends MasterMeta {
  sku: string;
  gtin: string | null;
  name: string;
  name_en: string | null;
  base_uom: string;
  product_group: string | null;
  lot_tracked: Bool01;
  expiry_tracked: Bool01;
  shelf_life_days: number | null;
  weight_grams: number | null;
  volume_cm3: number | null;
  active: Bool01;
}

export interface ItemUomsTable {
  item_id: string;
  position: number;
  uom: string;
  factor: number;
  gtin: string | null;
}

export interface WarehousesTable extends MasterMeta {
  code: string;
  name: string;
  region: string | null;
  address: string | null;
  allow_negative_stock: Bool01;
  active: Bool01;
}

export interface LocationsTable extends MasterMeta {
  warehouse_id: string;
  code: string;
  kind: (typeof LOCATION_KINDS)[number];
  active: Bool01;
}

export interface CustomersTable extends MasterMeta {
  code: string;
  name: string;
  grade: Grade;
  credit_limit_minor: number;
  currency: Currency;
  contact_name: string | null;
  phone: string | null;
  email: string | null;
  active: Bool01;
}

export interface CustomerAddressesTable {
  customer_id: string;
  position: number;
  kind: (typeof ADDRESS_KINDS)[number];
  line1: string;
  city: string | null;
  region: string | null;
  postcode: string | null;
  country: string;
  is_default: Bool01;
}

export interface SuppliersTable extends MasterMeta {
  code: string;
  name: string;
  grade: Grade;
  gs1_company_prefix: string | null;
  /** How far above the open quantity of a purchase line its ASNs may go, in percent. */
  asn_tolerance_pct: Generated<number>;
  currency: Currency;
  contact_name: string | null;
  phone: string | null;
  email: string | null;
  active: Bool01;
}

export interface CarriersTable extends MasterMeta {
  code: string;
  name: string;
  phone: string | null;
  tracking_url_template: string | null;
  active: Bool01;
}

export interface SalesChannelsTable extends MasterMeta {
  code: string;
  name: string;
  kind: (typeof CHANNEL_KINDS)[number];
  active: Bool01;
}

export interface RolesTable {
  code: string;
  name: string;
}

export interface UsersTable extends MasterMeta {
  username: string;
  display_name: string;
  password_hash: string | null;
  active: Bool01;
}

export interface UserRolesTable {
  user_id: string;
  role_code: string;
}

export type ScopeKind = 'warehouse' | 'supplier' | 'owner';

export interface UserScopesTable {
  user_id: string;
  scope_kind: ScopeKind;
  scope_id: string;
}

export interface ClientMetaTable {
  id: number;
  client_id: string;
  last_seq: number;
  capture_seq: number | null;
}

export interface OutboxTable {
  seq: number;
  mutation_id: string;
  client_id: string;
  command: string;
  command_version: number;
  args_json: string;
  created_at: string;
  status: Generated<string>;
  actor_json: string | null;
  result_json: string | null;
  feed_seq: number | null;
  attempts: Generated<number>;
  last_error: string | null;
}

// ---------- desktop sync bookkeeping (desktop/0002_sync) ----------
export interface UndoLogTable {
  id: Generated<number>;
  seq: number;
  tbl: string;
  pk: string;
  old: string | null;
}

export interface SyncStateTable {
  key: string;
  value: string;
}

export interface SyncIssuesTable {
  mutation_id: string;
  seq: number;
  command: string;
  command_version: number;
  args_json: string;
  actor_json: string | null;
  status: string;
  error_json: string;
  created_at: string;
  reported_at: string;
  resolution: string | null;
  resolved_at: string | null;
  resolved_by: string | null;
  resent_as: string | null;
}

export interface NumberBlocksTable {
  series: string;
  first_no: number;
  last_no: number;
  next_no: number;
}

export interface CredentialsTable {
  username: string;
  user_id: string;
  display_name: string;
  roles_json: string;
  scopes_json: string;
  salt: string;
  hash: string;
  verified_at: string;
}

// ---------- inventory (shared/0002_inventory) ----------
export interface StockMovementsTable {
  id: string;
  op_id: string;
  kind: string;
  item_id: string;
  warehouse_id: string;
  location_id: string | null;
  lot: string;
  expiry: string;
  owner_id: string;
  status: string;
  quantity: number;
  reason_code: string | null;
  note: string | null;
  doc_type: string | null;
  doc_id: string | null;
  doc_line: number | null;
  actor: string;
  created_at: string;
}

export interface StockReservationsTable {
  id: string;
  op_id: string;
  demand_type: string;
  demand_id: string;
  demand_line: number;
  item_id: string;
  warehouse_id: string;
  lot: string;
  expiry: string;
  owner_id: string;
  quantity: number;
  reason_code: string | null;
  actor: string;
  created_at: string;
}

export interface StockBalancesTable {
  item_id: string;
  warehouse_id: string;
  lot: string;
  expiry: string;
  owner_id: string;
  qty_available: number;
  qty_frozen: number;
  qty_quality: number;
  qty_in_transit: number;
  qty_reserved: number;
  received_at: string;
}

export interface StockTransfersTable {
  id: string;
  number: string;
  kind: string;
  from_warehouse_id: string;
  to_warehouse_id: string;
  status: string;
  proposal_id: string | null;
  note: string | null;
  actor: string;
  shipped_at: string;
  received_at: string | null;
  version: number;
}

export interface StockTransferLinesTable {
  transfer_id: string;
  line_no: number;
  item_id: string;
  lot: string;
  expiry: string;
  owner_id: string;
  qty_shipped: number;
  qty_received: number;
}

export interface ReplenishmentRulesTable {
  item_id: string;
  warehouse_id: string;
  min_qty: number;
  max_qty: number;
  safety_stock: number;
  updated_at: string;
}

export interface ReplenishmentProposalsTable {
  id: string;
  item_id: string;
  warehouse_id: string;
  kind: string;
  from_warehouse_id: string | null;
  quantity: number;
  reason: string;
  status: string;
  position_qty: number;
  created_at: string;
  decided_at: string | null;
  decided_by: string | null;
  transfer_id: string | null;
}

// ---------- orders (shared/0003_orders) ----------
export interface OrdersTable {
  id: string;
  number: string;
  type: string;
  status: string;
  customer_id: string | null;
  supplier_id: string | null;
  warehouse_id: string | null;
  to_warehouse_id: string | null;
  carrier_id: string | null;
  channel_id: string | null;
  external_ref: string | null;
  currency: string;
  ordered_at: string;
  requested_date: string | null;
  promised_date: string | null;
  auto_cancel_date: string | null;
  ship_to_region: string | null;
  parent_id: string | null;
  original_order_id: string | null;
  related_order_id: string | null;
  exchange: Bool01;
  note: string | null;
  line_count: number;
  qty_ordered: number;
  qty_done: number;
  progress: number;
  backordered: Bool01;
  net_minor: number;
  tax_minor: number;
  total_minor: number;
  hold_checks: string | null;
  created_by: string;
  created_at: string;
  updated_at: string;
  version: number;
}

export interface OrderLinesTable {
  order_id: string;
  line_no: number;
  item_id: string;
  warehouse_id: string | null;
  qty_ordered: number;
  qty_allocated: number;
  qty_shipped: number;
  qty_received: number;
  qty_invoiced: number;
  qty_returned: number;
  qty_cancelled: number;
  unit_price_minor: number;
  discount_minor: number;
  tax_rate_bp: number;
  net_minor: number;
  tax_minor: number;
  total_minor: number;
  requested_date: string | null;
  promised_date: string | null;
  promise_supply: string | null;
  original_line_no: number | null;
  parent_line_no: number | null;
  lot: string;
  note: string | null;
}

export interface OrderEventsTable {
  id: string;
  order_id: string;
  action: string;
  from_status: string | null;
  to_status: string;
  actor: string;
  reason: string | null;
  details: string | null;
  at: string;
}

export interface OrderCheckResultsTable {
  order_id: string;
  run_no: number;
  check_code: string;
  passed: Bool01;
  details: string;
  at: string;
}

export interface OrderCheckSettingsTable {
  check_code: string;
  enabled: Bool01;
  force_allowed: Bool01;
  force_roles: string;
  updated_at: string;
}

export interface OrderQuotasTable {
  id: string;
  customer_id: string;
  item_id: string | null;
  product_group: string | null;
  period: string;
  quantity: number;
  active: Bool01;
  updated_at: string;
}

export interface WarehouseRulesTable {
  id: string;
  position: number;
  name: string;
  channel_id: string | null;
  region: string | null;
  customer_id: string | null;
  item_id: string | null;
  product_group: string | null;
  warehouse_ids: string;
  mode: string;
  active: Bool01;
  updated_at: string;
}

export interface CarrierRulesTable {
  id: string;
  position: number;
  name: string;
  warehouse_id: string | null;
  region: string | null;
  channel_id: string | null;
  max_weight_grams: number | null;
  carrier_id: string;
  active: Bool01;
  updated_at: string;
}

export interface SplitRulesTable {
  id: string;
  position: number;
  kind: string;
  limit_value: number | null;
  active: Bool01;
  updated_at: string;
}

export interface OrderFulfilmentsTable {
  id: string;
  order_id: string;
  kind: string;
  warehouse_id: string;
  carrier_id: string | null;
  tracking_no: string | null;
  transfer_id: string | null;
  actor: string;
  at: string;
}

export interface OrderFulfilmentLinesTable {
  fulfilment_id: string;
  line_no: number;
  quantity: number;
  lot: string;
  expiry: string;
}

export interface OrderExceptionsTable {
  id: string;
  order_id: string;
  kind: string;
  status: string;
  details: string;
  created_at: string;
  resolved_at: string | null;
  resolved_by: string | null;
  resolution: string | null;
  note: string | null;
}

export interface CustomerCreditTable {
  customer_id: string;
  open_receivables_minor: number;
  deposits_minor: number;
  source: string;
  updated_at: string;
}

export interface ExchangeRatesTable {
  currency: string;
  valid_from: string;
  rate_micros: number;
}

export interface DocCountersTable {
  prefix: string;
  last_no: number;
}

// ---------- dock (issue 6) ----------
export type AsnStatus = 'open' | 'arrived' | 'receiving' | 'received' | 'closed' | 'cancelled';

export interface AsnsTable {
  id: string;
  number: string;
  supplier_id: string;
  warehouse_id: string;
  order_id: string;
  status: AsnStatus;
  ship_date: string;
  expected_date: string | null;
  carrier_ref: string | null;
  note: string | null;
  unit_count: number;
  units_received: Generated<number>;
  qty_announced: number;
  qty_received: Generated<number>;
  arrived_at: string | null;
  created_by: string;
  created_at: string;
  updated_at: string;
  version: number;
}

export interface AsnLinesTable {
  asn_id: string;
  line_no: number;
  supplier_id: string;
  warehouse_id: string;
  order_line_no: number;
  item_id: string;
  quantity: number;
  lot: string;
  expiry: string;
  qty_received: Generated<number>;
}

export interface HandlingUnitsTable {
  id: string;
  asn_id: string;
  supplier_id: string;
  warehouse_id: string;
  sscc: string;
  kind: 'carton' | 'pallet';
  position: number;
  parent_id: string | null;
  gross_weight_grams: number | null;
  status: 'expected' | 'received';
  received_at: string | null;
  received_by: string | null;
  receipt_id: string | null;
}

export interface HandlingUnitContentsTable {
  unit_id: string;
  asn_line_no: number;
  asn_id: string;
  supplier_id: string;
  warehouse_id: string;
  quantity: number;
}

export interface DockReceiptsTable {
  id: string;
  asn_id: string;
  supplier_id: string;
  warehouse_id: string;
  unit_id: string | null;
  asn_line_no: number | null;
  kind: 'unit' | 'quantity';
  scan: string;
  quantity: number;
  actor: string;
  at: string;
}

export interface DockDiscrepanciesTable {
  id: string;
  asn_id: string;
  supplier_id: string;
  warehouse_id: string;
  asn_line_no: number | null;
  unit_id: string | null;
  kind: 'shortage' | 'overage' | 'damaged' | 'missing-unit';
  expected: number;
  received: number;
  note: string | null;
  approved_by: string | null;
  actor: string;
  at: string;
}

export type AppointmentStatus = 'requested' | 'confirmed' | 'arrived' | 'completed' | 'no_show' | 'cancelled';

export interface DockAppointmentsTable {
  id: string;
  asn_id: string | null;
  supplier_id: string;
  warehouse_id: string;
  dock: string;
  slot_start: string;
  slot_end: string;
  status: AppointmentStatus;
  note: string | null;
  created_by: string;
  updated_at: string;
  version: number;
}

export interface LabelTemplatesTable {
  id: string;
  name: string;
  /** The template model as JSON (core/labels/template.ts). */
  body: string;
  active: Bool01;
  updated_by: string;
  updated_at: string;
  version: number;
}

// ---------- printing (desktop only) ----------
export interface PrintersTable {
  id: string;
  name: string;
  /** tcp://host:port, cups:QUEUE or pdf:/path/file.pdf */
  target: string;
  language: 'zpl' | 'tspl' | 'pdf';
  dpi: number;
  template_id: string | null;
  is_default: Generated<Bool01>;
  active: Generated<Bool01>;
  created_at: string;
  updated_at: string;
}

export type PrintJobStatus = 'queued' | 'sending' | 'sent' | 'done' | 'failed' | 'cancelled';

export interface PrintJobsTable {
  id: string;
  printer_id: string;
  target: string;
  document: string;
  description: string;
  format: string;
  /** The bytes to send, base64. */
  payload: string;
  status: PrintJobStatus;
  attempts: Generated<number>;
  next_attempt_at: string | null;
  last_error_code: string | null;
  last_error: string | null;
  spooler_job_id: string | null;
  reprint_of: string | null;
  actor: string;
  created_at: string;
  updated_at: string;
  done_at: string | null;
}

export interface PrintAuditTable {
  id: string;
  job_id: string;
  action: string;
  actor: string;
  at: string;
  details: string | null;
}

export interface DB {
  asns: AsnsTable;
  asn_lines: AsnLinesTable;
  handling_units: HandlingUnitsTable;
  handling_unit_contents: HandlingUnitContentsTable;
  dock_receipts: DockReceiptsTable;
  dock_discrepancies: DockDiscrepanciesTable;
  dock_appointments: DockAppointmentsTable;
  label_templates: LabelTemplatesTable;
  printers: PrintersTable;
  print_jobs: PrintJobsTable;
  print_audit: PrintAuditTable;
  items: ItemsTable;
  item_uoms: ItemUomsTable;
  warehouses: WarehousesTable;
  locations: LocationsTable;
  customers: CustomersTable;
  customer_addresses: CustomerAddressesTable;
  suppliers: SuppliersTable;
  carriers: CarriersTable;
  sales_channels: SalesChannelsTable;
  roles: RolesTable;
  users: UsersTable;
  user_roles: UserRolesTable;
  user_scopes: UserScopesTable;
  client_meta: ClientMetaTable;
  outbox: OutboxTable;
  undo_log: UndoLogTable;
  sync_state: SyncStateTable;
  sync_issues: SyncIssuesTable;
  number_blocks: NumberBlocksTable;
  credentials: CredentialsTable;
  stock_movements: StockMovementsTable;
  stock_reservations: StockReservationsTable;
  stock_balances: StockBalancesTable;
  stock_transfers: StockTransfersTable;
  stock_transfer_lines: StockTransferLinesTable;
  replenishment_rules: ReplenishmentRulesTable;
  replenishment_proposals: ReplenishmentProposalsTable;
  orders: OrdersTable;
  order_lines: OrderLinesTable;
  order_events: OrderEventsTable;
  order_check_results: OrderCheckResultsTable;
  order_check_settings: OrderCheckSettingsTable;
  order_quotas: OrderQuotasTable;
  warehouse_rules: WarehouseRulesTable;
  carrier_rules: CarrierRulesTable;
  split_rules: SplitRulesTable;
  order_fulfilments: OrderFulfilmentsTable;
  order_fulfilment_lines: OrderFulfilmentLinesTable;
  order_exceptions: OrderExceptionsTable;
  customer_credit: CustomerCreditTable;
  exchange_rates: ExchangeRatesTable;
  doc_counters: DocCountersTable;
}
