import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { AppError } from '../errors.ts';
import {
  allocate,
  assertBucket,
  bucketKeyOf,
  emptyBucket,
  freeOf,
  onHandOf,
  pickOrder,
  planRelease,
  planReplenishment,
  strategyOf,
  withMovement,
  withReserved,
  type Bucket,
  type HeldQuantity,
  type ReplenishmentRule,
  type Strategy,
  type SurplusSource,
} from './rules.ts';

/*
 * The pure inventory rules, checked against definitions written out here independently of the
 * implementation: what may be taken, in which order, and how much.
 */

const TODAY = '2027-01-10';
const EXPIRIES = ['', '2026-12-31', '2027-01-09', '2027-01-10', '2027-01-11', '2027-02-01', '2027-06-30'];
const RECEIVED = [
  '2026-12-01T08:00:00.000Z',
  '2026-12-05T09:30:00.000Z',
  '2027-01-02T10:00:00.000Z',
  '9999-12-31T23:59:59.999Z',
];
const LOTS = ['', 'A', 'B', 'C'];
const OWNERS = ['own', '7f1c6a1e-54f4-4a47-9d1c-2f1a3e5b6c7d'];

const bucketArb = (opts: { minAvailable?: number } = {}): fc.Arbitrary<Bucket> =>
  fc.record({
    itemId: fc.constant('item-1'),
    warehouseId: fc.constantFrom('wh-a', 'wh-b'),
    lot: fc.constantFrom(...LOTS),
    expiry: fc.constantFrom(...EXPIRIES),
    ownerId: fc.constantFrom(...OWNERS),
    qtyAvailable: fc.integer({ min: opts.minAvailable ?? -10, max: 40 }),
    qtyFrozen: fc.integer({ min: 0, max: 10 }),
    qtyQuality: fc.integer({ min: 0, max: 10 }),
    qtyInTransit: fc.integer({ min: 0, max: 10 }),
    qtyReserved: fc.integer({ min: 0, max: 40 }),
    receivedAt: fc.constantFrom(...RECEIVED),
  });

/** Distinct buckets (a bucket key is unique in the projection). */
const bucketsArb = fc.uniqueArray(bucketArb(), { selector: bucketKeyOf, maxLength: 12 });

const usable = (b: Bucket, strategy: Strategy, today: string) =>
  strategy === 'FIFO' || b.expiry === '' || b.expiry >= today;

/** The documented order, written independently: FEFO by expiry ('' last), then receipt, then key. */
function before(a: Bucket, b: Bucket, strategy: Strategy): boolean {
  if (strategy === 'FEFO' && a.expiry !== b.expiry) {
    if (a.expiry === '') return false;
    if (b.expiry === '') return true;
    return a.expiry < b.expiry;
  }
  if (a.receivedAt !== b.receivedAt) return a.receivedAt < b.receivedAt;
  return bucketKeyOf(a) < bucketKeyOf(b);
}

describe('allocate', () => {
  const strategies = fc.constantFrom<Strategy>('FEFO', 'FIFO');

  it('never takes more than a bucket has free, and takes requested − shortfall in total', () => {
    fc.assert(
      fc.property(bucketsArb, fc.integer({ min: 0, max: 150 }), strategies, (buckets, quantity, strategy) => {
        const copy = structuredClone(buckets);
        const { allocations, shortfall } = allocate(buckets, quantity, strategy, TODAY);
        expect(buckets).toEqual(copy); // pure: the input is not changed
        const keys = allocations.map((a) => bucketKeyOf(a.bucket));
        expect(new Set(keys).size).toBe(keys.length);
        for (const a of allocations) {
          expect(Number.isInteger(a.quantity)).toBe(true);
          expect(a.quantity).toBeGreaterThan(0);
          const source = buckets.find((b) => bucketKeyOf(b) === bucketKeyOf(a.bucket));
          expect(source).toBeDefined();
          expect(a.quantity).toBeLessThanOrEqual(freeOf(source!));
        }
        const taken = allocations.reduce((s, a) => s + a.quantity, 0);
        expect(taken).toBe(quantity - shortfall);
        // It takes everything it can: the shortfall is exactly what the usable free stock lacks.
        const usableFree = buckets
          .filter((b) => usable(b, strategy, TODAY))
          .reduce((s, b) => s + Math.max(freeOf(b), 0), 0);
        expect(shortfall).toBe(Math.max(quantity - usableFree, 0));
      }),
      { numRuns: 500 },
    );
  });

  it('takes buckets in strategy order: an earlier bucket is used up before a later one is touched', () => {
    fc.assert(
      fc.property(bucketsArb, fc.integer({ min: 1, max: 150 }), strategies, (buckets, quantity, strategy) => {
        const { allocations } = allocate(buckets, quantity, strategy, TODAY);
        const takenOf = new Map(allocations.map((a) => [bucketKeyOf(a.bucket), a.quantity]));
        // The allocations come out in order.
        for (let i = 1; i < allocations.length; i++)
          expect(before(allocations[i - 1]!.bucket, allocations[i]!.bucket, strategy)).toBe(true);
        for (const a of allocations)
          for (const b of buckets) {
            if (!usable(b, strategy, TODAY) || freeOf(b) <= 0) continue;
            // Every usable bucket with free stock that comes before an allocated one is emptied.
            if (before(b, a.bucket, strategy)) expect(takenOf.get(bucketKeyOf(b))).toBe(freeOf(b));
          }
      }),
      { numRuns: 500 },
    );
  });

  it('FEFO never takes expired stock (stock expiring today is still sellable); FIFO ignores expiry', () => {
    fc.assert(
      fc.property(bucketsArb, fc.integer({ min: 1, max: 150 }), (buckets, quantity) => {
        const { allocations } = allocate(buckets, quantity, 'FEFO', TODAY);
        for (const a of allocations) expect(a.bucket.expiry === '' || a.bucket.expiry >= TODAY).toBe(true);
      }),
      { numRuns: 300 },
    );
    const b = (expiry: string, receivedAt: string, qty: number): Bucket => ({
      ...emptyBucket({ itemId: 'i', warehouseId: 'w', lot: `L-${expiry}`, expiry, ownerId: 'own' }, receivedAt),
      qtyAvailable: qty,
    });
    const stock = [
      b('2027-02-01', RECEIVED[0]!, 5),
      b('2027-01-09', RECEIVED[0]!, 5), // expired yesterday
      b('2027-01-10', RECEIVED[2]!, 3), // expires today
      b('', RECEIVED[1]!, 10),
      b('2027-01-11', RECEIVED[1]!, 4),
    ];
    const fefo = allocate(stock, 20, 'FEFO', TODAY);
    expect(fefo.allocations.map((a) => [a.bucket.expiry, a.quantity])).toEqual([
      ['2027-01-10', 3],
      ['2027-01-11', 4],
      ['2027-02-01', 5],
      ['', 8],
    ]);
    expect(fefo.shortfall).toBe(0);
    expect(allocate(stock, 30, 'FEFO', TODAY).shortfall).toBe(8);
    // FIFO: by first receipt, expired or not; ties on the key.
    const fifo = allocate(stock, 27, 'FIFO', TODAY);
    expect(fifo.allocations.map((a) => [a.bucket.lot, a.quantity])).toEqual([
      ['L-2027-01-09', 5],
      ['L-2027-02-01', 5],
      ['L-2027-01-11', 4], // same receipt as 'L-': the key decides ('L-2…' < 'L-|…')
      ['L-', 10],
      ['L-2027-01-10', 3],
    ]);
  });

  it('skips reserved stock and buckets that went negative', () => {
    const base = emptyBucket({ itemId: 'i', warehouseId: 'w', lot: 'A', expiry: '', ownerId: 'own' }, RECEIVED[0]!);
    const reserved = { ...base, qtyAvailable: 10, qtyReserved: 10 };
    const negative = { ...base, lot: 'B', qtyAvailable: -4, receivedAt: RECEIVED[1]! };
    const some = { ...base, lot: 'C', qtyAvailable: 6, qtyReserved: 2, receivedAt: RECEIVED[2]! };
    const out = allocate([reserved, negative, some], 10, 'FIFO', TODAY);
    expect(out.allocations.map((a) => [a.bucket.lot, a.quantity])).toEqual([['C', 4]]);
    expect(out.shortfall).toBe(6);
    expect(allocate([], 3, 'FEFO', TODAY)).toEqual({ allocations: [], shortfall: 3 });
    expect(allocate([some], 0, 'FEFO', TODAY)).toEqual({ allocations: [], shortfall: 0 });
  });

  it('pickOrder agrees with the documented order and drops only expired stock under FEFO', () => {
    fc.assert(
      fc.property(bucketsArb, strategies, (buckets, strategy) => {
        const ordered = pickOrder(buckets, strategy, TODAY);
        expect(ordered.length).toBe(buckets.filter((b) => usable(b, strategy, TODAY)).length);
        for (let i = 1; i < ordered.length; i++) expect(before(ordered[i - 1]!, ordered[i]!, strategy)).toBe(true);
      }),
      { numRuns: 300 },
    );
    expect(strategyOf({ expiryTracked: true })).toBe('FEFO');
    expect(strategyOf({ expiryTracked: false })).toBe('FIFO');
  });
});

describe('planRelease', () => {
  const heldArb = fc.uniqueArray(
    fc.record({
      bucket: fc.record({
        itemId: fc.constant('item-1'),
        warehouseId: fc.constantFrom('wh-a', 'wh-b'),
        lot: fc.constantFrom(...LOTS),
        expiry: fc.constantFrom('', '2027-02-01'),
        ownerId: fc.constantFrom(...OWNERS),
      }),
      quantity: fc.integer({ min: 1, max: 30 }),
      createdAt: fc.constantFrom(...RECEIVED.slice(0, 3)),
    }),
    { selector: (h) => bucketKeyOf(h.bucket), maxLength: 8 },
  );
  const total = (hs: readonly HeldQuantity[]) => hs.reduce((s, h) => s + h.quantity, 0);
  /** Newest reservation first; ties on the key, descending. */
  const newer = (a: HeldQuantity, b: HeldQuantity) =>
    a.createdAt !== b.createdAt ? a.createdAt > b.createdAt : bucketKeyOf(a.bucket) > bucketKeyOf(b.bucket);

  it('releases exactly what is asked, never more than a bucket holds, newest first', () => {
    fc.assert(
      fc.property(
        heldArb.chain((held) =>
          fc.tuple(
            fc.constant(held),
            fc.option(fc.integer({ min: 1, max: Math.max(total(held), 1) }), { nil: undefined }),
          ),
        ),
        ([held, quantity]) => {
          fc.pre(quantity === undefined || quantity <= total(held));
          const copy = structuredClone(held);
          const plan = planRelease(held, quantity);
          expect(held).toEqual(copy);
          expect(total(plan)).toBe(quantity ?? total(held));
          const releasedOf = new Map(plan.map((p) => [bucketKeyOf(p.bucket), p.quantity]));
          expect(releasedOf.size).toBe(plan.length);
          for (const p of plan) {
            const h = held.find((x) => bucketKeyOf(x.bucket) === bucketKeyOf(p.bucket))!;
            expect(p.quantity).toBeGreaterThan(0);
            expect(p.quantity).toBeLessThanOrEqual(h.quantity);
          }
          // An older reservation is touched only once every newer one is fully released.
          for (const older of held)
            if ((releasedOf.get(bucketKeyOf(older.bucket)) ?? 0) > 0)
              for (const n of held.filter((x) => newer(x, older)))
                expect(releasedOf.get(bucketKeyOf(n.bucket))).toBe(n.quantity);
          // And the plan lists them in that order.
          for (let i = 1; i < plan.length; i++) expect(newer(plan[i - 1]!, plan[i]!)).toBe(true);
        },
      ),
      { numRuns: 500 },
    );
  });

  it('refuses to release more than is held, naming both quantities', () => {
    fc.assert(
      fc.property(heldArb, fc.integer({ min: 1, max: 50 }), (held, extra) => {
        const want = total(held) + extra;
        let caught: unknown;
        try {
          planRelease(held, want);
        } catch (err) {
          caught = err;
        }
        expect(caught).toBeInstanceOf(AppError);
        expect(caught).toMatchObject({
          code: 'inventory.over-release',
          details: { reserved: total(held), requested: want },
        });
      }),
      { numRuns: 200 },
    );
    expect(planRelease([], undefined)).toEqual([]);
  });

  it('releases the newest reservation first in a worked example', () => {
    const bucket = (lot: string) => ({ itemId: 'i', warehouseId: 'w', lot, expiry: '', ownerId: 'own' });
    const held: HeldQuantity[] = [
      { bucket: bucket('OLD'), quantity: 5, createdAt: RECEIVED[0]! },
      { bucket: bucket('NEW'), quantity: 3, createdAt: RECEIVED[2]! },
      { bucket: bucket('MID'), quantity: 4, createdAt: RECEIVED[1]! },
    ];
    expect(planRelease(held, 6).map((h) => [h.bucket.lot, h.quantity])).toEqual([
      ['NEW', 3],
      ['MID', 3],
    ]);
  });
});

describe('planReplenishment', () => {
  const ruleArb: fc.Arbitrary<ReplenishmentRule | null> = fc.option(
    fc
      .tuple(fc.integer({ min: 0, max: 100 }), fc.integer({ min: 0, max: 100 }), fc.integer({ min: 0, max: 100 }))
      .map(([a, b, c]) => {
        const [minQty, maxQty] = a <= b ? [a, b] : [b, a];
        return { itemId: 'i', warehouseId: 'here', minQty, maxQty, safetyStock: Math.min(c, minQty) };
      }),
    { nil: null },
  );
  const sourcesArb: fc.Arbitrary<SurplusSource[]> = fc.uniqueArray(
    fc.record({
      warehouseId: fc.constantFrom('wh-1', 'wh-2', 'wh-3', 'wh-4', 'wh-5'),
      free: fc.integer({ min: -20, max: 80 }),
      keep: fc.integer({ min: 0, max: 40 }),
    }),
    { selector: (s) => s.warehouseId, maxLength: 5 },
  );

  it('plans exactly the need: surplus transfers (largest first, never beyond a surplus) and a purchase for the rest', () => {
    fc.assert(
      fc.property(
        ruleArb,
        fc.integer({ min: -30, max: 150 }),
        sourcesArb,
        fc.integer({ min: 0, max: 60 }),
        (rule, position, sources, extra) => {
          const plans = planReplenishment(rule, position, sources, extra);
          const need = (rule && position < rule.minQty ? Math.max(rule.maxQty - position, 0) : 0) + extra;
          expect(plans.reduce((s, p) => s + p.quantity, 0)).toBe(need);
          if (need === 0) expect(plans).toEqual([]);
          const transfers = plans.filter((p) => p.kind === 'transfer');
          const purchases = plans.filter((p) => p.kind === 'purchase');
          const surplusOf = new Map(sources.map((s) => [s.warehouseId, s.free - s.keep]));
          for (const t of transfers) {
            expect(t.quantity).toBeGreaterThan(0);
            expect(t.quantity).toBeLessThanOrEqual(surplusOf.get(t.fromWarehouseId!)!);
          }
          expect(new Set(transfers.map((t) => t.fromWarehouseId)).size).toBe(transfers.length);
          // Largest surplus first.
          for (let i = 1; i < transfers.length; i++)
            expect(surplusOf.get(transfers[i - 1]!.fromWarehouseId!)!).toBeGreaterThanOrEqual(
              surplusOf.get(transfers[i]!.fromWarehouseId!)!,
            );
          // A purchase only for what the surplus cannot cover, once, last.
          const totalSurplus = [...surplusOf.values()].reduce((s, x) => s + Math.max(x, 0), 0);
          expect(purchases.length).toBe(need > totalSurplus ? 1 : 0);
          if (purchases.length === 1) {
            expect(plans.at(-1)).toEqual({ kind: 'purchase', fromWarehouseId: null, quantity: need - totalSurplus });
            expect(transfers.length).toBe([...surplusOf.values()].filter((x) => x > 0).length);
          }
        },
      ),
      { numRuns: 500 },
    );
  });

  it('proposes nothing while the position is at or above the minimum, and orders up to the maximum below it', () => {
    const rule = { itemId: 'i', warehouseId: 'here', minQty: 20, maxQty: 60, safetyStock: 5 };
    expect(planReplenishment(rule, 20, [])).toEqual([]);
    expect(planReplenishment(null, 0, [{ warehouseId: 'x', free: 50, keep: 0 }])).toEqual([]);
    expect(
      planReplenishment(rule, 5, [
        { warehouseId: 'a', free: 30, keep: 20 },
        { warehouseId: 'b', free: 40, keep: 10 },
      ]),
    ).toEqual([
      { kind: 'transfer', fromWarehouseId: 'b', quantity: 30 },
      { kind: 'transfer', fromWarehouseId: 'a', quantity: 10 },
      { kind: 'purchase', fromWarehouseId: null, quantity: 15 },
    ]);
    // A stock-out adds its shortfall on top, with or without a rule.
    expect(planReplenishment(null, 0, [{ warehouseId: 'a', free: 4, keep: 0 }], 7)).toEqual([
      { kind: 'transfer', fromWarehouseId: 'a', quantity: 4 },
      { kind: 'purchase', fromWarehouseId: null, quantity: 3 },
    ]);
  });
});

describe('assertBucket', () => {
  it('throws inventory.negative-stock exactly when an invariant breaks', () => {
    fc.assert(
      fc.property(
        fc.record({
          itemId: fc.constant('i'),
          warehouseId: fc.constant('w'),
          lot: fc.constant('A'),
          expiry: fc.constant(''),
          ownerId: fc.constant('own'),
          qtyAvailable: fc.integer({ min: -5, max: 5 }),
          qtyFrozen: fc.integer({ min: -2, max: 3 }),
          qtyQuality: fc.integer({ min: -2, max: 3 }),
          qtyInTransit: fc.integer({ min: -2, max: 3 }),
          qtyReserved: fc.integer({ min: -2, max: 5 }),
          receivedAt: fc.constant(RECEIVED[0]!),
        }),
        fc.boolean(),
        (b, allowNegative) => {
          const broken =
            b.qtyFrozen < 0 ||
            b.qtyQuality < 0 ||
            b.qtyInTransit < 0 ||
            b.qtyReserved < 0 ||
            (!allowNegative && b.qtyReserved > b.qtyAvailable);
          let caught: unknown;
          try {
            assertBucket(b, allowNegative);
          } catch (err) {
            caught = err;
          }
          if (!broken) expect(caught).toBeUndefined();
          else
            expect(caught).toMatchObject({
              code: 'inventory.negative-stock',
              details: { itemId: 'i', warehouseId: 'w', lot: 'A', available: b.qtyAvailable, reserved: b.qtyReserved },
            });
        },
      ),
      { numRuns: 1000 },
    );
  });

  it('lets a warehouse that allows negative stock go below zero in available only', () => {
    const b = { ...emptyBucket({ itemId: 'i', warehouseId: 'w', lot: '', expiry: '', ownerId: 'own' }, RECEIVED[0]!) };
    expect(() => assertBucket({ ...b, qtyAvailable: -3 }, true)).not.toThrow();
    expect(() => assertBucket({ ...b, qtyAvailable: -3 }, false)).toThrow(AppError);
    expect(() => assertBucket({ ...b, qtyAvailable: 2, qtyReserved: 3 }, false)).toThrow(/Available stock/);
    expect(() => assertBucket({ ...b, qtyFrozen: -1 }, true)).toThrow(/Frozen stock/);
    expect(() => assertBucket({ ...b, qtyQuality: -1 }, true)).toThrow(/Quality-hold stock/);
    expect(() => assertBucket({ ...b, qtyInTransit: -1 }, true)).toThrow(/In-transit stock/);
    expect(() => assertBucket({ ...b, qtyReserved: -1 }, true)).toThrow(/Reserved stock/);
  });
});

describe('bucket arithmetic', () => {
  it('withMovement adds to one status and keeps the earliest receipt; withReserved adds to reserved', () => {
    fc.assert(
      fc.property(
        bucketArb({ minAvailable: 0 }),
        fc.constantFrom('available', 'frozen', 'quality', 'in_transit' as const),
        fc.integer({ min: -20, max: 20 }),
        fc.constantFrom(...RECEIVED),
        (b, status, q, at) => {
          const after = withMovement(b, status, q, at);
          const col = {
            available: 'qtyAvailable',
            frozen: 'qtyFrozen',
            quality: 'qtyQuality',
            in_transit: 'qtyInTransit',
          }[status] as 'qtyAvailable';
          expect(after[col]).toBe(b[col] + q);
          expect(onHandOf(after) - onHandOf(b)).toBe(status === 'in_transit' ? 0 : q);
          expect(after.receivedAt).toBe(q > 0 && at < b.receivedAt ? at : b.receivedAt);
          expect(withReserved(b, q).qtyReserved).toBe(b.qtyReserved + q);
          expect(freeOf(withReserved(b, q))).toBe(freeOf(b) - q);
        },
      ),
    );
  });
});
