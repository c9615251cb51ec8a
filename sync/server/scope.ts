import { sql } from 'kysely';
import type { Access } from '../../core/auth/permissions.ts';
import type { Database } from '../../db/connect.ts';

/**
 * Row-level scoping, one rule per synced table, used on every path: what a pull or snapshot
 * returns, and which rows a pushed command may write (a command whose writes include a row
 * the user could not see is refused as `auth.out-of-scope`).
 */
type Row = Record<string, unknown>;
interface Parents {
  orders: Map<string, Row>;
  transfers: Map<string, Row>;
  fulfilments: Map<string, Row>;
}

const str = (v: unknown): string | null => (typeof v === 'string' ? v : null);

const inSet = (set: ReadonlySet<string> | 'all', id: string | null): boolean =>
  set === 'all' ? true : id !== null && set.has(id);

const notSupplier = (a: Access) => a.supplier === null;
const warehouse = (a: Access, id: unknown) => notSupplier(a) && inSet(a.warehouses, str(id));
const stock = (a: Access, r: Row) => warehouse(a, r.warehouse_id) && inSet(a.owners, str(r.owner_id));

/** Dock rows carry their supplier and warehouse: a supplier sees its own, a warehouse clerk its docks'. */
const dock = (a: Access, r: Row) =>
  a.supplier !== null ? str(r.supplier_id) === a.supplier : inSet(a.warehouses, str(r.warehouse_id));

const PURCHASE_TYPES = new Set(['purchase', 'purchase-return']);

function orderVisible(a: Access, o: Row | undefined): boolean {
  if (!o) return a.supplier === null && a.warehouses === 'all';
  if (a.supplier !== null) return str(o.supplier_id) === a.supplier && PURCHASE_TYPES.has(String(o.type));
  if (a.warehouses === 'all') return true;
  return inSet(a.warehouses, str(o.warehouse_id)) || inSet(a.warehouses, str(o.to_warehouse_id));
}

function transferVisible(a: Access, t: Row | undefined): boolean {
  if (!t) return notSupplier(a) && a.warehouses === 'all';
  return warehouse(a, t.from_warehouse_id) || warehouse(a, t.to_warehouse_id);
}

const RULES: Record<string, (a: Access, r: Row, p: Parents) => boolean> = {
  items: () => true,
  item_uoms: () => true,
  warehouses: () => true,
  locations: () => true,
  carriers: () => true,
  roles: () => true,
  exchange_rates: () => true,
  order_check_settings: () => true,
  split_rules: () => true,
  customers: notSupplier,
  customer_addresses: notSupplier,
  sales_channels: notSupplier,
  customer_credit: notSupplier,
  order_quotas: notSupplier,
  warehouse_rules: notSupplier,
  carrier_rules: notSupplier,
  suppliers: (a, r) => a.supplier === null || r.id === a.supplier,
  users: (a, r) => a.supplier === null || r.id === a.userId,
  user_roles: (a, r) => a.roles.includes('administrator') || r.user_id === a.userId,
  user_scopes: (a, r) => a.roles.includes('administrator') || r.user_id === a.userId,
  stock_movements: stock,
  stock_reservations: stock,
  stock_balances: stock,
  replenishment_rules: (a, r) => warehouse(a, r.warehouse_id),
  replenishment_proposals: (a, r) => warehouse(a, r.warehouse_id),
  stock_transfers: (a, r) => transferVisible(a, r),
  stock_transfer_lines: (a, r, p) => transferVisible(a, p.transfers.get(String(r.transfer_id))),
  orders: (a, r) => orderVisible(a, r),
  order_lines: (a, r, p) => orderVisible(a, p.orders.get(String(r.order_id))),
  order_events: (a, r, p) => orderVisible(a, p.orders.get(String(r.order_id))),
  order_check_results: (a, r, p) => orderVisible(a, p.orders.get(String(r.order_id))),
  order_exceptions: (a, r, p) => orderVisible(a, p.orders.get(String(r.order_id))),
  order_fulfilments: (a, r, p) => orderVisible(a, p.orders.get(String(r.order_id))),
  label_templates: () => true,
  asns: dock,
  asn_lines: dock,
  handling_units: dock,
  handling_unit_contents: dock,
  dock_receipts: dock,
  dock_discrepancies: dock,
  dock_appointments: dock,
  order_fulfilment_lines: (a, r, p) => {
    const f = p.fulfilments.get(String(r.fulfilment_id));
    return f !== undefined && orderVisible(a, p.orders.get(String(f.order_id)));
  },
};

const ORDER_CHILDREN = new Set([
  'order_lines',
  'order_events',
  'order_check_results',
  'order_exceptions',
  'order_fulfilments',
]);

async function byIds(db: Database, table: string, cols: string[], ids: Set<string>): Promise<Map<string, Row>> {
  const out = new Map<string, Row>();
  if (ids.size === 0) return out;
  const list = [...ids];
  for (let i = 0; i < list.length; i += 1000) {
    const chunk = list.slice(i, i + 1000);
    const { rows } = await sql<Row>`select ${sql.join(['id', ...cols].map((c) => sql.ref(c)))}
      from ${sql.table(table)} where id in (${sql.join(chunk)})`.execute(db);
    for (const r of rows) out.set(String(r.id), r);
  }
  return out;
}

/** Loads the parent rows the child rules need, in a few statements per page. */
async function loadParents(db: Database, items: readonly { table: string; row: Row }[]): Promise<Parents> {
  const orderIds = new Set<string>();
  const transferIds = new Set<string>();
  const fulfilmentIds = new Set<string>();
  const local = {
    orders: new Map<string, Row>(),
    transfers: new Map<string, Row>(),
    fulfilments: new Map<string, Row>(),
  };
  for (const { table, row } of items) {
    if (ORDER_CHILDREN.has(table)) orderIds.add(String(row.order_id));
    else if (table === 'stock_transfer_lines') transferIds.add(String(row.transfer_id));
    else if (table === 'order_fulfilment_lines') fulfilmentIds.add(String(row.fulfilment_id));
    // A parent in the same page is already known, as the row the page carries.
    else if (table === 'orders') local.orders.set(String(row.id), row);
    else if (table === 'stock_transfers') local.transfers.set(String(row.id), row);
    else if (table === 'order_fulfilments') local.fulfilments.set(String(row.id), row);
  }
  for (const id of local.fulfilments.keys()) fulfilmentIds.delete(id);
  const fulfilments = await byIds(db, 'order_fulfilments', ['order_id'], fulfilmentIds);
  for (const [id, r] of local.fulfilments) fulfilments.set(id, r);
  for (const f of fulfilments.values()) orderIds.add(String(f.order_id));
  for (const id of local.orders.keys()) orderIds.delete(id);
  for (const id of local.transfers.keys()) transferIds.delete(id);
  const orders = await byIds(db, 'orders', ['type', 'warehouse_id', 'to_warehouse_id', 'supplier_id'], orderIds);
  for (const [id, r] of local.orders) orders.set(id, r);
  const transfers = await byIds(db, 'stock_transfers', ['from_warehouse_id', 'to_warehouse_id'], transferIds);
  for (const [id, r] of local.transfers) transfers.set(id, r);
  return { orders, transfers, fulfilments };
}

/** Keeps the rows the user may see. Deletes (row null) pass: a key alone reveals nothing. */
export async function visibleOnly<T extends { table: string; row: Row | null }>(
  db: Database,
  access: Access,
  items: readonly T[],
): Promise<T[]> {
  if (access.roles.includes('administrator') && access.warehouses === 'all' && access.owners === 'all')
    return [...items];
  const withRows = items.filter((i): i is T & { row: Row } => i.row !== null);
  const parents = await loadParents(db, withRows);
  return items.filter((i) => {
    if (i.row === null) return true;
    const rule = RULES[i.table];
    return rule !== undefined && rule(access, i.row, parents);
  });
}

/**
 * Feed changes the user may see: an upsert by its new image, a delete by the image it removed
 * (so a supplier's desktop never even learns the keys of another supplier's deleted rows).
 */
export async function visibleChanges<T extends { table: string; row: Row | null; old: Row | null }>(
  db: Database,
  access: Access,
  changes: readonly T[],
): Promise<T[]> {
  const probes = changes.map((c) => ({ table: c.table, row: c.row ?? c.old, change: c }));
  return (await visibleOnly(db, access, probes)).map((p) => p.change);
}

/** The rows among `items` the user may not see (empty: the write is within scope). */
export async function outOfScope(
  db: Database,
  access: Access,
  items: readonly { table: string; row: Row | null }[],
): Promise<{ table: string; row: Row | null }[]> {
  const visible = new Set(await visibleOnly(db, access, items));
  return items.filter((i) => !visible.has(i));
}
