import { ORDER_STATUSES, type OrderStatus, type OrderType } from '../../../core/orders/schemas.ts';

/**
 * The order list's filters and sort, and the saved views built from them. Views live in this
 * desktop's localStorage (one list per document type): a name, the filters, the sort and the
 * grid's column state (order, widths, hidden columns).
 */

export const SORT_KEYS = [
  'number',
  'orderedAt',
  'requestedDate',
  'promisedDate',
  'totalMinor',
  'progress',
  'status',
  'externalRef',
] as const;
export type SortKey = (typeof SORT_KEYS)[number];
export const isSortKey = (value: unknown): value is SortKey =>
  typeof value === 'string' && (SORT_KEYS as readonly string[]).includes(value);

export interface Sort {
  key: SortKey;
  dir: 'asc' | 'desc';
}
export const DEFAULT_SORT: Sort = { key: 'orderedAt', dir: 'desc' };

export interface Filters {
  statuses: OrderStatus[];
  dateFrom: string;
  dateTo: string;
  /** Customer (sales, sales returns) or nothing; the picked party's label is kept for display. */
  customerId: string;
  customerLabel: string;
  warehouseId: string;
  held: boolean;
  backordered: boolean;
  search: string;
}

export const EMPTY_FILTERS: Filters = {
  statuses: [],
  dateFrom: '',
  dateTo: '',
  customerId: '',
  customerLabel: '',
  warehouseId: '',
  held: false,
  backordered: false,
  search: '',
};

/** ag-grid column state, kept opaque: what `getColumnState()` gave, handed back to `applyColumnState`. */
export type ColumnState = Array<Record<string, unknown> & { colId: string }>;

export interface SavedView {
  id: string;
  name: string;
  filters: Filters;
  sort: Sort;
  columns: ColumnState;
}

const BACKORDER_STATUSES: OrderStatus[] = ['approved', 'partially-shipped'];
const ISO_DATE = /^\d{4}-\d{2}-\d{2}$/;
const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/** The `orders.list` filter arguments of these filters: empty ones left out. */
export function listArgs(f: Filters) {
  const search = f.search.trim();
  // The backend flags every unallocated order; a backorder is an approved order still short.
  const statuses = f.backordered && f.statuses.length === 0 ? BACKORDER_STATUSES : f.statuses;
  return {
    ...(statuses.length > 0 ? { statuses } : {}),
    ...(ISO_DATE.test(f.dateFrom) ? { dateFrom: f.dateFrom } : {}),
    ...(ISO_DATE.test(f.dateTo) ? { dateTo: f.dateTo } : {}),
    ...(UUID.test(f.customerId) ? { customerId: f.customerId } : {}),
    ...(UUID.test(f.warehouseId) ? { warehouseId: f.warehouseId } : {}),
    ...(f.held ? { held: true } : {}),
    ...(f.backordered ? { backordered: true } : {}),
    ...(search ? { search: search.slice(0, 80) } : {}),
  };
}

/** How many filters differ from none (for the "Clear filters (n)" button). */
export function activeFilterCount(f: Filters): number {
  return Object.keys(listArgs({ ...f, backordered: false })).length + (f.backordered ? 1 : 0);
}

const str = (v: unknown): string => (typeof v === 'string' ? v : '');

/** Reads back what was stored, dropping anything a newer or older version left that no longer fits. */
export function sanitizeFilters(raw: unknown): Filters {
  const r = (typeof raw === 'object' && raw !== null ? raw : {}) as Record<string, unknown>;
  const statuses = Array.isArray(r['statuses'])
    ? r['statuses'].filter((s): s is OrderStatus => (ORDER_STATUSES as readonly unknown[]).includes(s))
    : [];
  return {
    statuses: [...new Set(statuses)],
    dateFrom: ISO_DATE.test(str(r['dateFrom'])) ? str(r['dateFrom']) : '',
    dateTo: ISO_DATE.test(str(r['dateTo'])) ? str(r['dateTo']) : '',
    customerId: UUID.test(str(r['customerId'])) ? str(r['customerId']) : '',
    customerLabel: UUID.test(str(r['customerId'])) ? str(r['customerLabel']).slice(0, 200) : '',
    warehouseId: UUID.test(str(r['warehouseId'])) ? str(r['warehouseId']) : '',
    held: r['held'] === true,
    backordered: r['backordered'] === true,
    search: str(r['search']).slice(0, 80),
  };
}

function sanitizeView(raw: unknown): SavedView | null {
  if (typeof raw !== 'object' || raw === null) return null;
  const r = raw as Record<string, unknown>;
  const name = str(r['name']).trim();
  const id = str(r['id']);
  if (!name || !id) return null;
  const s = (typeof r['sort'] === 'object' && r['sort'] !== null ? r['sort'] : {}) as Record<string, unknown>;
  const sort: Sort = isSortKey(s['key'])
    ? { key: s['key'], dir: s['dir'] === 'asc' ? 'asc' : 'desc' }
    : { ...DEFAULT_SORT };
  const columns = Array.isArray(r['columns'])
    ? (r['columns'].filter(
        (c) => typeof c === 'object' && c !== null && typeof (c as { colId?: unknown }).colId === 'string',
      ) as ColumnState)
    : [];
  return { id, name: name.slice(0, 60), filters: sanitizeFilters(r['filters']), sort, columns };
}

/** Where views are kept: one key per document type. */
export const storageKey = (type: OrderType): string => `oms.orders.views.${type}`;

export interface KeyValueStore {
  getItem(key: string): string | null;
  setItem(key: string, value: string): void;
}

function defaultStore(): KeyValueStore | null {
  try {
    return typeof localStorage === 'undefined' ? null : localStorage;
  } catch {
    return null;
  }
}

export function loadViews(type: OrderType, store: KeyValueStore | null = defaultStore()): SavedView[] {
  if (!store) return [];
  try {
    const parsed = JSON.parse(store.getItem(storageKey(type)) ?? '[]') as unknown;
    if (!Array.isArray(parsed)) return [];
    return parsed.map(sanitizeView).filter((v): v is SavedView => v !== null);
  } catch {
    return [];
  }
}

function writeViews(type: OrderType, views: readonly SavedView[], store: KeyValueStore | null): void {
  if (!store) return;
  try {
    store.setItem(storageKey(type), JSON.stringify(views));
  } catch {
    // Storage full or disabled: the view lasts for this session only.
  }
}

/**
 * Saves a view under its name: a view with the same name (case and spaces ignored) is replaced,
 * keeping its id; a new name is added. Returns the list as stored, sorted by name.
 */
export function saveView(
  type: OrderType,
  view: Omit<SavedView, 'id'> & { id?: string },
  newId: () => string,
  store: KeyValueStore | null = defaultStore(),
): { views: SavedView[]; saved: SavedView } {
  const views = loadViews(type, store);
  const key = view.name.trim().toLowerCase();
  const existing = views.find((v) => v.name.trim().toLowerCase() === key);
  const saved: SavedView = {
    id: existing?.id ?? view.id ?? newId(),
    name: view.name.trim().slice(0, 60),
    filters: sanitizeFilters(view.filters),
    sort: view.sort,
    columns: view.columns,
  };
  const next = [...views.filter((v) => v.id !== saved.id), saved].sort((a, b) => a.name.localeCompare(b.name));
  writeViews(type, next, store);
  return { views: next, saved };
}

export function deleteView(type: OrderType, id: string, store: KeyValueStore | null = defaultStore()): SavedView[] {
  const next = loadViews(type, store).filter((v) => v.id !== id);
  writeViews(type, next, store);
  return next;
}
