import type { Role } from '../masterdata/schemas.ts';

/**
 * Which roles may run which command, checked by the server on every push and every Open API
 * call (the desktop asks the same table to grey out what a clerk may not do). The administrator
 * may run everything; a command missing here is administrator-only, so a new command is closed
 * until someone decides who may use it.
 */
const OPERATIONS: readonly Role[] = ['supervisor', 'warehouse-clerk'];
const ORDER_DESK: readonly Role[] = ['supervisor', 'warehouse-clerk', 'finance-clerk'];
const MASTER_DATA: readonly Role[] = ['supervisor'];
/** Suppliers announce their deliveries; a supervisor may do it for them. */
const SUPPLIER_DESK: readonly Role[] = ['supplier-clerk', 'supervisor'];

const BY_COMMAND: Record<string, readonly Role[]> = {
  createItem: MASTER_DATA,
  updateItem: MASTER_DATA,
  createWarehouse: MASTER_DATA,
  updateWarehouse: MASTER_DATA,
  createLocation: MASTER_DATA,
  updateLocation: MASTER_DATA,
  createCustomer: [...MASTER_DATA, 'finance-clerk'],
  updateCustomer: [...MASTER_DATA, 'finance-clerk'],
  createSupplier: MASTER_DATA,
  updateSupplier: MASTER_DATA,
  createCarrier: MASTER_DATA,
  updateCarrier: MASTER_DATA,
  createSalesChannel: MASTER_DATA,
  updateSalesChannel: MASTER_DATA,
  receiveStock: OPERATIONS,
  adjustStock: OPERATIONS,
  countStock: OPERATIONS,
  setQualityStatus: OPERATIONS,
  reserveStock: ORDER_DESK,
  releaseReservation: ORDER_DESK,
  freezeStock: OPERATIONS,
  unfreezeStock: OPERATIONS,
  shipTransfer: OPERATIONS,
  receiveTransfer: OPERATIONS,
  changeLotAttributes: OPERATIONS,
  transferOwnership: ['supervisor'],
  setReplenishmentRule: OPERATIONS,
  proposeReplenishment: OPERATIONS,
  decideProposal: OPERATIONS,
  createOrder: ORDER_DESK,
  importOrders: ORDER_DESK,
  submitOrder: ORDER_DESK,
  recheckOrder: ORDER_DESK,
  releaseOrder: ORDER_DESK,
  cancelOrder: ORDER_DESK,
  closeOrder: ORDER_DESK,
  completeOrder: ORDER_DESK,
  shipOrder: OPERATIONS,
  receiveOrder: OPERATIONS,
  createAsn: SUPPLIER_DESK,
  cancelAsn: SUPPLIER_DESK,
  arriveAsn: OPERATIONS,
  receiveUnit: OPERATIONS,
  receiveQuantity: OPERATIONS,
  closeAsn: OPERATIONS,
  bookAppointment: [...SUPPLIER_DESK, 'warehouse-clerk'],
  setAppointmentStatus: [...SUPPLIER_DESK, 'warehouse-clerk'],
  saveLabelTemplate: ['supervisor'],
  splitOrder: ORDER_DESK,
  allocateOrders: ORDER_DESK,
  runOrderJobs: ['supervisor'],
  setPromiseDates: ORDER_DESK,
  updateSupplyDates: ORDER_DESK,
  resolveException: ORDER_DESK,
  setCheckSetting: ['supervisor'],
  saveQuota: ['supervisor', 'finance-clerk'],
  saveWarehouseRule: ['supervisor'],
  saveCarrierRule: ['supervisor'],
  saveSplitRule: ['supervisor'],
  setCreditPosition: ['supervisor', 'finance-clerk'],
  setExchangeRate: ['supervisor', 'finance-clerk'],
};

export function mayRun(command: string, roles: readonly string[]): boolean {
  if (roles.includes('administrator')) return true;
  const allowed = BY_COMMAND[command];
  return allowed !== undefined && roles.some((r) => (allowed as readonly string[]).includes(r));
}

/** The commands a role list names explicitly (for tests and the admin screen). */
export const commandsWithPermissions = (): string[] => Object.keys(BY_COMMAND);

export type ScopeKind = 'warehouse' | 'supplier' | 'owner';
export interface ScopeGrant {
  kind: ScopeKind;
  id: string;
}

/**
 * What a user may see and change. No warehouse grant means every warehouse (unless the user is
 * a supplier clerk, who sees only its supplier's documents); owner grants narrow stock further.
 */
export interface Access {
  userId: string;
  roles: readonly string[];
  warehouses: ReadonlySet<string> | 'all';
  supplier: string | null;
  owners: ReadonlySet<string> | 'all';
}

export function accessOf(userId: string, roles: readonly string[], scopes: readonly ScopeGrant[]): Access {
  const wh = scopes.filter((s) => s.kind === 'warehouse').map((s) => s.id);
  const owners = scopes.filter((s) => s.kind === 'owner').map((s) => s.id);
  const supplier = scopes.find((s) => s.kind === 'supplier')?.id ?? null;
  // A supplier grant narrows whoever holds it to that supplier, whatever the roles; a supplier
  // clerk without one sees no supplier's documents at all.
  const supplierOnly = supplier !== null || (roles.includes('supplier-clerk') && !roles.includes('administrator'));
  return {
    userId,
    roles,
    warehouses: supplierOnly ? new Set() : wh.length > 0 ? new Set(wh) : 'all',
    supplier: supplierOnly ? (supplier ?? '\u0000none') : null,
    owners: owners.length > 0 ? new Set(owners) : 'all',
  };
}

/** A stable fingerprint of an access: when it changes, a desktop's replica must be rebuilt. */
export function accessHash(a: Access): string {
  const set = (s: ReadonlySet<string> | 'all') => (s === 'all' ? '*' : [...s].sort().join(','));
  return [[...a.roles].sort().join(','), set(a.warehouses), a.supplier ?? '', set(a.owners)].join('|');
}
