import { AppError } from '../errors.ts';
import type { StockStatus } from './schemas.ts';

/**
 * Pure inventory decisions. Commands load buckets, these functions decide what moves, the
 * commands write the ledger rows and the projected balances.
 */

export interface BucketId {
  itemId: string;
  warehouseId: string;
  lot: string;
  expiry: string;
  ownerId: string;
}

/** One row of the balance projection: a quantity per stock status, plus what is reserved. */
export interface Bucket extends BucketId {
  qtyAvailable: number;
  qtyFrozen: number;
  qtyQuality: number;
  qtyInTransit: number;
  qtyReserved: number;
  /** When stock first came into the bucket: the FIFO order. */
  receivedAt: string;
}

export type Strategy = 'FEFO' | 'FIFO';

const COLUMN = {
  available: 'qtyAvailable',
  frozen: 'qtyFrozen',
  quality: 'qtyQuality',
  in_transit: 'qtyInTransit',
} as const satisfies Record<StockStatus, keyof Bucket>;

export const bucketKeyOf = (b: BucketId): string => `${b.itemId}|${b.warehouseId}|${b.lot}|${b.expiry}|${b.ownerId}`;

export function emptyBucket(id: BucketId, receivedAt: string): Bucket {
  return {
    ...id,
    qtyAvailable: 0,
    qtyFrozen: 0,
    qtyQuality: 0,
    qtyInTransit: 0,
    qtyReserved: 0,
    receivedAt,
  };
}

/** What can still be reserved, picked or moved: available stock nobody has reserved. */
export const freeOf = (b: Bucket): number => b.qtyAvailable - b.qtyReserved;
export const onHandOf = (b: Pick<Bucket, 'qtyAvailable' | 'qtyFrozen' | 'qtyQuality'>): number =>
  b.qtyAvailable + b.qtyFrozen + b.qtyQuality;

export function withMovement(b: Bucket, status: StockStatus, quantity: number, at: string): Bucket {
  const column = COLUMN[status];
  return {
    ...b,
    [column]: b[column] + quantity,
    receivedAt: quantity > 0 && at < b.receivedAt ? at : b.receivedAt,
  };
}

export const withReserved = (b: Bucket, quantity: number): Bucket => ({ ...b, qtyReserved: b.qtyReserved + quantity });

/**
 * The invariants every saved bucket keeps: no status goes below zero, and reserved stock is
 * covered by available stock (on hand − frozen − quality hold). Only a warehouse that allows
 * negative stock lets the available quantity (and so the free quantity) go below zero.
 */
export function assertBucket(b: Bucket, allowNegative: boolean): void {
  const fail = (what: string) =>
    new AppError('inventory.negative-stock', `${what} would go below zero`, {
      itemId: b.itemId,
      warehouseId: b.warehouseId,
      lot: b.lot,
      expiry: b.expiry,
      ownerId: b.ownerId,
      available: b.qtyAvailable,
      reserved: b.qtyReserved,
      frozen: b.qtyFrozen,
      quality: b.qtyQuality,
      inTransit: b.qtyInTransit,
    });
  if (b.qtyFrozen < 0) throw fail('Frozen stock');
  if (b.qtyQuality < 0) throw fail('Quality-hold stock');
  if (b.qtyInTransit < 0) throw fail('In-transit stock');
  if (b.qtyReserved < 0) throw fail('Reserved stock');
  if (!allowNegative && freeOf(b) < 0) throw fail('Available stock');
}

export const strategyOf = (item: { expiryTracked: boolean }): Strategy => (item.expiryTracked ? 'FEFO' : 'FIFO');

/**
 * The order stock is taken in. FEFO: earliest expiry first, expired stock never (it is not
 * sellable); FIFO: earliest received first. Ties break on the key so every backend agrees.
 */
export function pickOrder(buckets: readonly Bucket[], strategy: Strategy, today: string): Bucket[] {
  const usable = strategy === 'FEFO' ? buckets.filter((b) => b.expiry === '' || b.expiry >= today) : [...buckets];
  return usable.sort((a, b) => {
    if (strategy === 'FEFO' && a.expiry !== b.expiry) {
      if (a.expiry === '') return 1;
      if (b.expiry === '') return -1;
      return a.expiry < b.expiry ? -1 : 1;
    }
    if (a.receivedAt !== b.receivedAt) return a.receivedAt < b.receivedAt ? -1 : 1;
    const ka = bucketKeyOf(a);
    const kb = bucketKeyOf(b);
    return ka < kb ? -1 : ka > kb ? 1 : 0;
  });
}

export interface Allocation {
  bucket: Bucket;
  quantity: number;
}

/** Takes `quantity` from the free stock of the buckets, in the strategy's order. */
export function allocate(
  buckets: readonly Bucket[],
  quantity: number,
  strategy: Strategy,
  today: string,
): { allocations: Allocation[]; shortfall: number } {
  const allocations: Allocation[] = [];
  let left = quantity;
  for (const bucket of pickOrder(buckets, strategy, today)) {
    if (left === 0) break;
    const take = Math.min(left, freeOf(bucket));
    if (take <= 0) continue;
    allocations.push({ bucket, quantity: take });
    left -= take;
  }
  return { allocations, shortfall: left };
}

export interface HeldQuantity {
  bucket: BucketId;
  quantity: number;
  createdAt: string;
}

/** Releases reservations newest first (the opposite of how they were taken). */
export function planRelease(held: readonly HeldQuantity[], quantity: number | undefined): HeldQuantity[] {
  const total = held.reduce((s, h) => s + h.quantity, 0);
  const want = quantity ?? total;
  if (want > total)
    throw new AppError('inventory.over-release', `Only ${total} is reserved; cannot release ${want}`, {
      reserved: total,
      requested: want,
    });
  const order = [...held].sort((a, b) =>
    a.createdAt !== b.createdAt
      ? a.createdAt < b.createdAt
        ? 1
        : -1
      : bucketKeyOf(a.bucket) < bucketKeyOf(b.bucket)
        ? 1
        : -1,
  );
  const out: HeldQuantity[] = [];
  let left = want;
  for (const h of order) {
    if (left === 0) break;
    const take = Math.min(left, h.quantity);
    if (take > 0) out.push({ ...h, quantity: take });
    left -= take;
  }
  return out;
}

// ---------- replenishment ----------
export interface ReplenishmentRule {
  itemId: string;
  warehouseId: string;
  minQty: number;
  maxQty: number;
  safetyStock: number;
}

export interface SurplusSource {
  warehouseId: string;
  /** Free own stock there. */
  free: number;
  /** What that warehouse keeps for itself (its own min, or its safety stock, or 0). */
  keep: number;
}

export interface ProposalPlan {
  kind: 'transfer' | 'purchase';
  fromWarehouseId: string | null;
  quantity: number;
}

/**
 * Min/max: when the position (free + in transit) falls below the minimum, order up to the
 * maximum — from warehouses with surplus first (largest surplus first), the rest as a purchase.
 * `extra` is demand that could not be met (a stock-out), added on top.
 */
export function planReplenishment(
  rule: ReplenishmentRule | null,
  position: number,
  sources: readonly SurplusSource[],
  extra = 0,
): ProposalPlan[] {
  const target = rule ? rule.maxQty : 0;
  const trigger = rule ? position < rule.minQty : false;
  const need = Math.max(trigger ? target - position : 0, 0) + extra;
  if (need <= 0) return [];
  const plans: ProposalPlan[] = [];
  let left = need;
  const bySurplus = sources
    .map((s) => ({ ...s, surplus: s.free - s.keep }))
    .filter((s) => s.surplus > 0)
    .sort((a, b) => b.surplus - a.surplus || (a.warehouseId < b.warehouseId ? -1 : 1));
  for (const s of bySurplus) {
    if (left === 0) break;
    const take = Math.min(left, s.surplus);
    plans.push({ kind: 'transfer', fromWarehouseId: s.warehouseId, quantity: take });
    left -= take;
  }
  if (left > 0) plans.push({ kind: 'purchase', fromWarehouseId: null, quantity: left });
  return plans;
}
