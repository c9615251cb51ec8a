import { randomUUID } from 'node:crypto';
import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ADJUST_REASONS } from '../core/inventory/schemas.ts';
import type { Backend } from '../db/connect.ts';
import { balanceDifferences } from '../db/inventory.queries.ts';
import { countOutbox } from '../db/outbox.queries.ts';
import { openTestDb } from '../db/testing/backends.ts';
import type { CommandContext } from './define.ts';
import { findCommand } from './registry.ts';
import { runCommand } from './runner.ts';

/*
 * Model-based test of the inventory commands: random sequences of every stock-changing command
 * run against a real database, next to a small independent model of what the stock should be.
 * After every command: the model predicted whether it would be accepted (and the error code),
 * the stored balances equal both the ledgers and the model, no invariant is broken, nothing is
 * oversold, and a refused command left every inventory table and the outbox exactly as it was.
 */

type Db = Awaited<ReturnType<typeof openTestDb>>['db'];
type Data = Record<string, unknown>;

/** Runs per backend; INVENTORY_PROPERTY_SCALE=10 (say) multiplies them for a longer soak. */
const SCALE = Math.max(Number(process.env['INVENTORY_PROPERTY_SCALE'] ?? 1) || 1, 1);
const RUNS: Record<Backend, { numRuns: number; maxLength: number }> = {
  sqlite: { numRuns: 150 * SCALE, maxLength: 60 },
  pglite: { numRuns: 30 * SCALE, maxLength: 50 },
  postgres: { numRuns: 30 * SCALE, maxLength: 50 },
};

const NEVER = '9999-12-31T23:59:59.999Z';
const START = Date.parse('2027-01-01T08:00:00.000Z');
/** Lot/expiry pairs of the lot- and expiry-tracked item; the first expires within a few steps. */
const MILK_PAIRS = [
  ['L1', '2027-01-05'],
  ['L2', '2027-01-20'],
  ['L3', '2027-03-01'],
  ['L1', '2027-01-20'],
  ['L4', '2027-02-10'],
] as const;
const CABLE_PAIRS = [
  ['', ''],
  ['C1', ''],
] as const;

// ---------- the generated operations ----------
/**
 * Operations are generated blind and resolved against the model when they run: a target is
 * either one of the buckets that hold something (`existing`, preferring ones the command can
 * act on) or a fresh bucket; a quantity is absolute, a share of what is there, or just beyond it.
 */
type Target = { existing: number } | { item: number; wh: number; pair: number; supplier: boolean };
type Qty = { abs: number } | { pct: number } | { over: number };
type Choice = 'next' | 'after' | 'same';
interface FreezeOp {
  kind: 'freeze' | 'unfreeze';
  t: Target;
  lot: boolean;
  expiry: 'none' | 'exact' | 'from' | 'to' | 'range' | 'bad-range';
  item: boolean;
  wh: boolean;
  owner: boolean;
}
type Op =
  | { kind: 'receive'; t: Target; qty: number; quality: boolean; drop: 'none' | 'lot' | 'expiry' }
  | { kind: 'adjust'; t: Target; sign: 1 | -1; qty: Qty; status: 'available' | 'frozen' | 'quality'; reason: number }
  | { kind: 'count'; t: Target; counted: { abs: number } | { delta: number } }
  | { kind: 'quality'; t: Target; qty: Qty; direction: 'hold' | 'release' }
  | {
      kind: 'reserve';
      demand: number;
      allowPartial: boolean;
      lines: Array<{ demandLine: number; t: Target; useLot: boolean; qty: Qty }>;
    }
  | { kind: 'release'; demand: { existing: number } | { id: number; line: number }; qty: Qty | null }
  | FreezeOp
  | { kind: 'ship'; to: Choice; lines: Array<{ t: Target; useLot: boolean; qty: Qty }> }
  | {
      kind: 'receiveTransfer';
      pick: number;
      lines: Array<{ line: number; mode: 'open' | 'part' | 'bad-line' | number }>;
    }
  | { kind: 'changeLot'; t: Target; newPair: number | 'same'; allWarehouses: boolean }
  | { kind: 'ownership'; t: Target; qty: Qty; same: boolean }
  | { kind: 'rebuild'; verifyOnly: boolean };
interface Step {
  hours: number;
  op: Op;
}

const supplierArb = fc.constantFrom(false, false, false, true);
const freshArb = fc.record({ item: fc.nat(1), wh: fc.nat(2), pair: fc.nat(4), supplier: supplierArb });
const targetArb: fc.Arbitrary<Target> = fc.oneof(
  { weight: 3, arbitrary: fc.record({ existing: fc.nat(60) }) },
  { weight: 1, arbitrary: freshArb },
);
const qtyArb: fc.Arbitrary<Qty> = fc.oneof(
  { weight: 5, arbitrary: fc.record({ pct: fc.integer({ min: 1, max: 100 }) }) },
  { weight: 1, arbitrary: fc.record({ abs: fc.integer({ min: 1, max: 30 }) }) },
  { weight: 1, arbitrary: fc.record({ over: fc.integer({ min: 1, max: 5 }) }) },
);
/** Mostly what is there, so that shipments go out and can be received. */
const shipQtyArb: fc.Arbitrary<Qty> = fc.oneof(
  { weight: 8, arbitrary: fc.record({ pct: fc.integer({ min: 1, max: 100 }) }) },
  { weight: 1, arbitrary: fc.record({ abs: fc.integer({ min: 1, max: 30 }) }) },
  { weight: 1, arbitrary: fc.record({ over: fc.integer({ min: 1, max: 5 }) }) },
);
const freezeArb = (kind: 'freeze' | 'unfreeze') =>
  fc.record({
    kind: fc.constant(kind),
    t: targetArb,
    lot: fc.constantFrom(true, true, false),
    expiry: fc.constantFrom('none', 'none', 'exact', 'exact', 'from', 'to', 'range', 'range', 'bad-range'),
    item: fc.boolean(),
    wh: fc.constantFrom(false, false, true),
    owner: fc.constantFrom(false, false, true),
  });
const opArb = fc.oneof(
  {
    weight: 8,
    arbitrary: fc.record({
      kind: fc.constant('receive'),
      t: freshArb,
      qty: fc.integer({ min: 1, max: 40 }),
      quality: fc.constantFrom(false, false, false, true),
      drop: fc.constantFrom('none', 'none', 'none', 'none', 'none', 'none', 'lot', 'expiry'),
    }),
  },
  {
    weight: 3,
    arbitrary: fc.record({
      kind: fc.constant('adjust'),
      t: targetArb,
      sign: fc.constantFrom(1, -1),
      qty: qtyArb,
      status: fc.constantFrom('available', 'available', 'available', 'available', 'frozen', 'quality'),
      reason: fc.nat(ADJUST_REASONS.length - 1),
    }),
  },
  {
    weight: 2,
    arbitrary: fc.record({
      kind: fc.constant('count'),
      t: targetArb,
      counted: fc.oneof(
        fc.record({ abs: fc.integer({ min: 0, max: 60 }) }),
        fc.record({ delta: fc.integer({ min: -15, max: 10 }) }),
      ),
    }),
  },
  {
    weight: 2,
    arbitrary: fc.record({
      kind: fc.constant('quality'),
      t: targetArb,
      qty: qtyArb,
      direction: fc.constantFrom('hold', 'release'),
    }),
  },
  {
    weight: 5,
    arbitrary: fc.record({
      kind: fc.constant('reserve'),
      demand: fc.nat(3),
      allowPartial: fc.boolean(),
      lines: fc.array(fc.record({ demandLine: fc.nat(2), t: targetArb, useLot: fc.boolean(), qty: qtyArb }), {
        minLength: 1,
        maxLength: 3,
      }),
    }),
  },
  {
    weight: 3,
    arbitrary: fc.record({
      kind: fc.constant('release'),
      demand: fc.oneof(
        { weight: 3, arbitrary: fc.record({ existing: fc.nat(20) }) },
        { weight: 1, arbitrary: fc.record({ id: fc.nat(3), line: fc.nat(2) }) },
      ),
      qty: fc.option(qtyArb, { nil: null }),
    }),
  },
  { weight: 2, arbitrary: freezeArb('freeze') },
  { weight: 2, arbitrary: freezeArb('unfreeze') },
  {
    weight: 4,
    arbitrary: fc.record({
      kind: fc.constant('ship'),
      to: fc.constantFrom('next', 'next', 'next', 'after', 'after', 'after', 'same'),
      lines: fc.array(fc.record({ t: targetArb, useLot: fc.boolean(), qty: shipQtyArb }), {
        minLength: 1,
        maxLength: 2,
        size: 'xsmall',
      }),
    }),
  },
  {
    weight: 2,
    arbitrary: fc.record({
      kind: fc.constant('receiveTransfer'),
      pick: fc.nat(20),
      lines: fc.array(
        fc.record({
          line: fc.nat(5),
          mode: fc.oneof(
            { weight: 4, arbitrary: fc.constantFrom('open', 'part') },
            { weight: 1, arbitrary: fc.integer({ min: 1, max: 25 }) },
            { weight: 1, arbitrary: fc.constant('bad-line') },
          ),
        }),
        { minLength: 1, maxLength: 2 },
      ),
    }),
  },
  {
    weight: 2,
    arbitrary: fc.record({
      kind: fc.constant('changeLot'),
      t: targetArb,
      newPair: fc.oneof({ weight: 9, arbitrary: fc.nat(3) }, { weight: 1, arbitrary: fc.constant('same' as const) }),
      allWarehouses: fc.boolean(),
    }),
  },
  {
    weight: 2,
    arbitrary: fc.record({
      kind: fc.constant('ownership'),
      t: targetArb,
      qty: qtyArb,
      same: fc.constantFrom(false, false, false, false, true),
    }),
  },
  { weight: 1, arbitrary: fc.record({ kind: fc.constant('rebuild'), verifyOnly: fc.boolean() }) },
) as fc.Arbitrary<Op>;
const stepsArb = (maxLength: number) =>
  fc.array(fc.record({ hours: fc.integer({ min: 0, max: 14 }), op: opArb }), {
    minLength: 1,
    maxLength,
    size: 'max',
  });

// ---------- the independent model ----------
interface Key {
  itemId: string;
  warehouseId: string;
  lot: string;
  expiry: string;
  ownerId: string;
}
interface MBucket extends Key {
  available: number;
  frozen: number;
  quality: number;
  inTransit: number;
  receivedAt: string;
}
type Status = 'available' | 'frozen' | 'quality' | 'inTransit';
interface MTransfer {
  id: string;
  to: string;
  status: string;
  lines: Array<Key & { lineNo: number; shipped: number; received: number }>;
}

const keyOf = (k: Key) => `${k.itemId}|${k.warehouseId}|${k.lot}|${k.expiry}|${k.ownerId}`;
const demandKey = (id: string, line: number) => `sales-order|${id}|${line}`;

class Model {
  readonly buckets = new Map<string, MBucket>();
  /** bucket key → demand key → quantity held. */
  readonly holds = new Map<string, Map<string, number>>();
  /** bucket key#demand key → when a reservation row last touched that pair. */
  readonly lastAt = new Map<string, string>();
  /** demand key → everything reserveStock was ever asked for on that line. */
  readonly requested = new Map<string, number>();
  readonly transfers: MTransfer[] = [];
  /** item|warehouse with an open stock-out proposal. */
  readonly openStockOuts = new Set<string>();

  view(k: Key): MBucket {
    return (
      this.buckets.get(keyOf(k)) ?? {
        ...pickKey(k),
        available: 0,
        frozen: 0,
        quality: 0,
        inTransit: 0,
        receivedAt: NEVER,
      }
    );
  }
  reserved(k: Key): number {
    let s = 0;
    for (const q of this.holds.get(keyOf(k))?.values() ?? []) s += q;
    return s;
  }
  free(k: Key): number {
    return this.view(k).available - this.reserved(k);
  }
  move(k: Key, status: Status, q: number, now: string): void {
    const b = this.view(k);
    b[status] += q;
    if (q > 0 && now < b.receivedAt) b.receivedAt = now;
    this.buckets.set(keyOf(k), b);
  }
  hold(k: Key, demand: string, q: number, now: string): void {
    const key = keyOf(k);
    this.lastAt.set(`${key}#${demand}`, now);
    const m = this.holds.get(key) ?? new Map<string, number>();
    const next = (m.get(demand) ?? 0) + q;
    if (next === 0) m.delete(demand);
    else m.set(demand, next);
    if (m.size === 0) this.holds.delete(key);
    else this.holds.set(key, m);
  }
  heldByDemand(demand: string): number {
    let s = 0;
    for (const m of this.holds.values()) s += m.get(demand) ?? 0;
    return s;
  }
  /** Buckets with something in them or promised from them, in key order. */
  live(): MBucket[] {
    return [...this.buckets.values()]
      .filter((b) => b.available !== 0 || b.frozen !== 0 || b.quality !== 0 || this.reserved(b) !== 0)
      .sort((a, b) => (keyOf(a) < keyOf(b) ? -1 : 1));
  }
}

const pickKey = (k: Key): Key => ({
  itemId: k.itemId,
  warehouseId: k.warehouseId,
  lot: k.lot,
  expiry: k.expiry,
  ownerId: k.ownerId,
});

/** The documented order: FEFO by expiry ('' last), then first receipt, then the bucket key. */
function before(a: MBucket, b: MBucket, fefo: boolean): number {
  if (fefo && a.expiry !== b.expiry) {
    if (a.expiry === '') return 1;
    if (b.expiry === '') return -1;
    return a.expiry < b.expiry ? -1 : 1;
  }
  if (a.receivedAt !== b.receivedAt) return a.receivedAt < b.receivedAt ? -1 : 1;
  return keyOf(a) < keyOf(b) ? -1 : 1;
}

/** What the model says an allocation takes; `used` is what earlier lines of the same command took. */
function modelAllocate(
  m: Model,
  used: Map<string, number>,
  f: { itemId: string; warehouseId: string; lot?: string | undefined; ownerId: string },
  quantity: number,
  fefo: boolean,
  today: string,
): { allocations: Array<{ bucket: MBucket; quantity: number }>; shortfall: number } {
  const candidates = [...m.buckets.values()]
    .filter(
      (b) =>
        b.itemId === f.itemId &&
        b.warehouseId === f.warehouseId &&
        b.ownerId === f.ownerId &&
        (f.lot === undefined || b.lot === f.lot) &&
        (!fefo || b.expiry === '' || b.expiry >= today),
    )
    .sort((a, b) => before(a, b, fefo));
  const allocations = [];
  let left = quantity;
  for (const b of candidates) {
    if (left === 0) break;
    const take = Math.min(left, m.free(b) - (used.get(keyOf(b)) ?? 0));
    if (take <= 0) continue;
    allocations.push({ bucket: b, quantity: take });
    used.set(keyOf(b), (used.get(keyOf(b)) ?? 0) + take);
    left -= take;
  }
  return { allocations, shortfall: left };
}

/** The error `insufficient()` gives, as the model sees the stock. */
function insufficientCode(m: Model, f: { itemId: string; warehouseId: string; lot?: string; ownerId: string }) {
  let frozen = 0;
  for (const b of m.buckets.values())
    if (
      b.itemId === f.itemId &&
      b.warehouseId === f.warehouseId &&
      b.ownerId === f.ownerId &&
      (f.lot === undefined || b.lot === f.lot)
    )
      frozen += b.frozen;
  return f.lot !== undefined && f.lot !== '' && frozen > 0 ? 'inventory.stock-frozen' : 'inventory.insufficient-stock';
}

// ---------- the database side ----------
const ctx = (now: string): CommandContext => ({ actor: { userId: null, name: 'prop' }, now, origin: 'desktop' });

async function run(db: Db, name: string, input: unknown, now: string) {
  const def = findCommand(name);
  if (!def) throw new Error(`no command ${name}`);
  const args = def.fromInput ? def.fromInput(input, randomUUID) : input;
  return runCommand(db, def, args, ctx(now), { outbox: true });
}

async function snapshot(db: Db) {
  return {
    movements: await db.selectFrom('stock_movements').selectAll().orderBy('id').execute(),
    reservations: await db.selectFrom('stock_reservations').selectAll().orderBy('id').execute(),
    balances: await db
      .selectFrom('stock_balances')
      .selectAll()
      .orderBy('item_id')
      .orderBy('warehouse_id')
      .orderBy('lot')
      .orderBy('expiry')
      .orderBy('owner_id')
      .execute(),
    transfers: await db.selectFrom('stock_transfers').selectAll().orderBy('id').execute(),
    transferLines: await db
      .selectFrom('stock_transfer_lines')
      .selectAll()
      .orderBy('transfer_id')
      .orderBy('line_no')
      .execute(),
    proposals: await db.selectFrom('replenishment_proposals').selectAll().orderBy('id').execute(),
    outbox: await countOutbox(db),
  };
}
type Snapshot = Awaited<ReturnType<typeof snapshot>>;

const INVENTORY_TABLES = [
  'stock_transfer_lines',
  'stock_transfers',
  'replenishment_proposals',
  'replenishment_rules',
  'stock_reservations',
  'stock_movements',
  'stock_balances',
  'outbox',
] as const;

interface World {
  wh: string[];
  whCode: Map<string, string>;
  negative: Set<string>;
  milk: string;
  cable: string;
  supplier: string;
}

/** How often each kind of command was accepted and refused: proof the sequences reach both paths. */
type Coverage = Map<string, { ok: number; refused: number }>;

/** Runs one generated sequence from empty inventory tables, checking everything after each step. */
async function runSequence(db: Db, w: World, steps: Step[], coverage: Coverage): Promise<void> {
  for (const t of INVENTORY_TABLES) await db.deleteFrom(t).execute();
  const m = new Model();
  let before = await snapshot(db);
  let hours = 0;
  for (const [i, step] of steps.entries()) {
    hours += step.hours;
    const now = new Date(START + hours * 3_600_000).toISOString();
    const where = `step ${i} ${JSON.stringify(step.op)}`;
    const outcome = await perform(db, w, m, step.op, now, where);
    const after = await snapshot(db);
    const c = coverage.get(step.op.kind) ?? { ok: 0, refused: 0 };
    c[outcome.ok ? 'ok' : 'refused'] += 1;
    coverage.set(step.op.kind, c);
    if (!outcome.ok) {
      // (3) A refused command changed nothing, not even the outbox.
      expect(after, `${where}: a refused command changed something`).toEqual(before);
    } else {
      expect(after.outbox, `${where}: outbox rows`).toBe(before.outbox + (outcome.localOnly ? 0 : 1));
    }
    await checkInvariants(db, w, m, after, where);
    before = after;
  }
}

type Outcome = { ok: boolean; localOnly?: boolean };

/** Predicts, runs and checks one operation, then brings the model up to date. */
async function perform(db: Db, w: World, m: Model, op: Op, now: string, where: string): Promise<Outcome> {
  const today = now.slice(0, 10);
  const itemOf = (i: number) => (i === 0 ? w.milk : w.cable);
  const isMilk = (k: Key) => k.itemId === w.milk;
  const fresh = (t: { item: number; wh: number; pair: number; supplier: boolean }): Key => {
    const pairs = t.item === 0 ? MILK_PAIRS : CABLE_PAIRS;
    const [lot, expiry] = pairs[t.pair % pairs.length]!;
    return { itemId: itemOf(t.item), warehouseId: w.wh[t.wh]!, lot, expiry, ownerId: t.supplier ? w.supplier : 'own' };
  };
  /** A bucket: an existing one the command can act on if there is one, else any existing, else a fresh one. */
  const resolve = (t: Target, prefer: (b: MBucket) => boolean = () => true): Key => {
    if (!('existing' in t)) return fresh(t);
    const live = m.live();
    const good = live.filter(prefer);
    const from = good.length > 0 ? good : live;
    return from.length > 0
      ? pickKey(from[t.existing % from.length]!)
      : fresh({ item: 1, wh: 0, pair: 0, supplier: false });
  };
  const amount = (q: Qty, base: number) =>
    'abs' in q
      ? q.abs
      : 'pct' in q
        ? Math.max(Math.ceil((Math.max(base, 0) * q.pct) / 100), 1)
        : Math.max(base, 0) + q.over;
  const hasFree = (b: MBucket) => m.free(b) > 0;
  /** Free stock an allocation may take (FEFO never takes expired stock). */
  const takeable = (b: MBucket) => hasFree(b) && (!isMilk(b) || b.expiry >= today);

  /** Runs the command and checks that it was accepted or refused exactly as predicted. */
  const expectOutcome = async (name: string, input: unknown, refusal: string[] | null, details?: Data) => {
    const out = await run(db, name, input, now);
    const r = out.result;
    if (refusal === null) {
      if (!r.ok) expect.fail(`${where}: expected ok, got ${JSON.stringify(r.error)}`);
      return r.data as Data;
    }
    if (r.ok) expect.fail(`${where}: expected ${refusal.join(' or ')}, got ok ${JSON.stringify(r.data)}`);
    expect(refusal, `${where}: error ${JSON.stringify(r.error)}`).toContain(r.error.code);
    if (details) expect(r.error.details, `${where}: error details`).toMatchObject(details);
    expect(out.outbox).toBeUndefined();
    return null;
  };
  const trackingRefusal = (k: Key) =>
    isMilk(k) && k.lot === ''
      ? ['inventory.lot-required']
      : isMilk(k) && k.expiry === ''
        ? ['inventory.expiry-required']
        : null;
  const byCode = (report: Map<string, Data>) =>
    [...report.values()].sort((a, b) => (String(a['warehouseCode']) < String(b['warehouseCode']) ? -1 : 1));
  const tally = (report: Map<string, Data>, warehouseId: string, quantity: number, released: number) => {
    const code = w.whCode.get(warehouseId)!;
    const r = report.get(code) ?? {
      warehouseId,
      warehouseCode: code,
      buckets: 0,
      quantity: 0,
      releasedReservations: 0,
    };
    r['buckets'] = Number(r['buckets']) + 1;
    r['quantity'] = Number(r['quantity']) + quantity;
    r['releasedReservations'] = Number(r['releasedReservations']) + released;
    report.set(code, r);
  };

  switch (op.kind) {
    case 'receive': {
      const k = resolve(op.t);
      const key = { ...k, lot: op.drop === 'lot' ? '' : k.lot, expiry: op.drop === 'expiry' ? '' : k.expiry };
      const status = op.quality ? 'quality' : 'available';
      const data = await expectOutcome('receiveStock', { ...key, quantity: op.qty, status }, trackingRefusal(key));
      if (!data) return { ok: false };
      m.move(key, status, op.qty, now);
      return { ok: true };
    }

    case 'adjust': {
      const k = resolve(op.t, (b) => (op.sign > 0 ? true : op.status === 'available' ? hasFree(b) : b[op.status] > 0));
      const b = m.view(k);
      const base = op.status === 'available' ? m.free(k) : b[op.status];
      const qty = op.sign * amount(op.qty, op.sign > 0 ? 10 : base);
      let refusal: string[] | null = null;
      if (qty > 0) refusal = trackingRefusal(k);
      else if (op.status === 'available' && !w.negative.has(k.warehouseId) && m.free(k) < -qty)
        refusal = [insufficientCode(m, k)];
      else if (op.status !== 'available' && b[op.status] < -qty) refusal = ['inventory.negative-stock'];
      const data = await expectOutcome(
        'adjustStock',
        { ...k, quantity: qty, status: op.status, reasonCode: ADJUST_REASONS[op.reason] },
        refusal,
        op.status === 'available' ? { requested: -qty, available: Math.max(m.free(k), 0) } : undefined,
      );
      if (!data) return { ok: false };
      m.move(k, op.status, qty, now);
      return { ok: true };
    }

    case 'count': {
      const k = resolve(op.t);
      const b = m.view(k);
      const onHand = b.available + b.frozen + b.quality;
      const counted = 'abs' in op.counted ? op.counted.abs : Math.max(onHand + op.counted.delta, 0);
      const difference = counted - onHand;
      const data = await expectOutcome(
        'countStock',
        { ...k, countedQuantity: counted },
        difference > 0 ? trackingRefusal(k) : null,
      );
      if (!data) return { ok: false };
      expect(data['difference'], where).toBe(difference);
      if (difference >= 0) m.move(k, 'available', difference, now);
      else {
        // A shortage takes available stock first, then quality hold, then frozen.
        let left = -difference;
        for (const status of ['available', 'quality', 'frozen'] as const) {
          const take = Math.min(left, Math.max(m.view(k)[status], 0));
          if (take > 0) m.move(k, status, -take, now);
          left -= take;
        }
        expect(left, where).toBe(0);
      }
      // What the shortage uncovered of the reserved stock is released, and reported.
      const reserved = m.reserved(k);
      const excess = difference < 0 ? Math.min(Math.max(reserved - m.view(k).available, 0), reserved) : 0;
      expect(data['releasedReservations'], `${where}: released by the count`).toBe(excess);
      await applyReleases(db, m, String(data['opId']), excess, where, (row) => keyOf(row) === keyOf(k));
      return { ok: true };
    }

    case 'quality': {
      const hold = op.direction === 'hold';
      const k = resolve(op.t, (b) => (hold ? hasFree(b) : b.quality > 0));
      const qty = amount(op.qty, hold ? m.free(k) : m.view(k).quality);
      const refusal = hold
        ? m.free(k) < qty
          ? [insufficientCode(m, k)]
          : null
        : m.view(k).quality < qty
          ? ['inventory.negative-stock']
          : null;
      const data = await expectOutcome(
        'setQualityStatus',
        { ...k, quantity: qty, direction: op.direction },
        refusal,
        hold ? { requested: qty, available: Math.max(m.free(k), 0) } : undefined,
      );
      if (!data) return { ok: false };
      m.move(k, 'available', hold ? -qty : qty, now);
      m.move(k, 'quality', hold ? qty : -qty, now);
      return { ok: true };
    }

    case 'reserve': {
      const demandId = `SO-${op.demand}`;
      const used = new Map<string, number>();
      const expected = [];
      let refusal: string[] | null = null;
      let details: Data | undefined;
      const lines = op.lines.map((l) => {
        const k = resolve(l.t, takeable);
        return {
          demandLine: l.demandLine,
          itemId: k.itemId,
          warehouseId: k.warehouseId,
          quantity: amount(l.qty, m.free(k)),
          ownerId: k.ownerId,
          ...(l.useLot ? { lot: k.lot } : {}),
        };
      });
      for (const line of lines) {
        const fefo = line.itemId === w.milk;
        const a = modelAllocate(m, used, line, line.quantity, fefo, today);
        if (a.shortfall > 0 && !op.allowPartial) {
          // The refusal names what could really be had: not expired, not taken by an earlier line.
          refusal = [insufficientCode(m, line)];
          details = { requested: line.quantity, available: line.quantity - a.shortfall };
          break;
        }
        expected.push({ line, fefo, ...a });
      }
      const input = { demand: { type: 'sales-order', id: demandId }, allowPartial: op.allowPartial, lines };
      const data = await expectOutcome('reserveStock', input, refusal, details);
      if (!data) return { ok: false };
      expect(
        (data['lines'] as Data[]).map((l) => [
          l['demandLine'],
          l['requested'],
          l['reserved'],
          l['shortfall'],
          l['strategy'],
          l['allocations'],
        ]),
        `${where}: reservation lines`,
      ).toEqual(
        expected.map((e) => [
          e.line.demandLine,
          e.line.quantity,
          e.line.quantity - e.shortfall,
          e.shortfall,
          e.fefo ? 'FEFO' : 'FIFO',
          e.allocations.map((x) => ({
            lot: x.bucket.lot,
            expiry: x.bucket.expiry,
            ownerId: x.bucket.ownerId,
            quantity: x.quantity,
          })),
        ]),
      );
      const shortfalls = new Map<string, number>();
      for (const e of expected) {
        const dk = demandKey(demandId, e.line.demandLine);
        m.requested.set(dk, (m.requested.get(dk) ?? 0) + e.line.quantity);
        for (const x of e.allocations) m.hold(x.bucket, dk, x.quantity, now);
        const sk = `${e.line.itemId}|${e.line.warehouseId}`;
        if (e.shortfall > 0) shortfalls.set(sk, (shortfalls.get(sk) ?? 0) + e.shortfall);
      }
      // A stock-out opens proposals per item × warehouse (unless one is open) for the whole shortfall.
      const proposals = await db
        .selectFrom('replenishment_proposals')
        .select(['id', 'item_id', 'warehouse_id', 'quantity', 'reason', 'status'])
        .where('id', 'in', ['', ...(data['proposals'] as string[])])
        .execute();
      const proposed = new Map<string, number>();
      for (const p of proposals) {
        expect([p.reason, p.status], where).toEqual(['stock-out', 'open']);
        const sk = `${p.item_id}|${p.warehouse_id}`;
        proposed.set(sk, (proposed.get(sk) ?? 0) + p.quantity);
      }
      const expectedProposals = new Map([...shortfalls].filter(([sk]) => !m.openStockOuts.has(sk)));
      expect(proposed, `${where}: stock-out proposals cover the shortfall`).toEqual(expectedProposals);
      for (const sk of expectedProposals.keys()) m.openStockOuts.add(sk);
      return { ok: true };
    }

    case 'release': {
      // A demand line that holds stock, if any does; else any line.
      let demand: { type: string; id: string; line: number };
      if ('existing' in op.demand) {
        const lines = [...new Set([...m.holds.values()].flatMap((h) => [...h.keys()]))].sort();
        const dk = lines.length > 0 ? lines[op.demand.existing % lines.length]! : 'sales-order|SO-0|0';
        const [type, id, line] = dk.split('|') as [string, string, string];
        demand = { type, id, line: Number(line) };
      } else demand = { type: 'sales-order', id: `SO-${op.demand.id}`, line: op.demand.line };
      const dk = demandKey(demand.id, demand.line);
      const held = m.heldByDemand(dk);
      const qty = op.qty === null ? undefined : amount(op.qty, held);
      const data = await expectOutcome(
        'releaseReservation',
        { demand, ...(qty === undefined ? {} : { quantity: qty }) },
        qty !== undefined && qty > held ? ['inventory.over-release'] : null,
      );
      if (!data) return { ok: false };
      expect(data['released'], where).toBe(qty ?? held);
      // Newest reservation first (ties: the bucket key, descending).
      const plan = new Map<string, number>();
      let left = qty ?? held;
      const holders = [...m.holds]
        .filter(([, h]) => (h.get(dk) ?? 0) > 0)
        .map(([bk, h]) => ({ bk, q: h.get(dk)!, at: m.lastAt.get(`${bk}#${dk}`)! }))
        .sort((a, b) => (a.at !== b.at ? (a.at < b.at ? 1 : -1) : a.bk < b.bk ? 1 : -1));
      for (const h of holders) {
        const take = Math.min(left, h.q);
        if (take > 0) plan.set(h.bk, take);
        left -= take;
      }
      const released = await applyReleases(db, m, String(data['opId']), qty ?? held, where, () => true, dk);
      expect(released, `${where}: released newest first`).toEqual(plan);
      return { ok: true };
    }

    case 'freeze':
    case 'unfreeze': {
      const freezing = op.kind === 'freeze';
      // A selector names a lot or an expiry: take them from a bucket that has one.
      const named = (b: Key) => b.lot !== '' || b.expiry !== '';
      let k = resolve(op.t, (b) => (freezing ? b.available > 0 : b.frozen > 0) && named(b));
      if (!named(k)) k = resolve(op.t, named);
      const lot = op.lot && k.lot !== '' ? k.lot : undefined;
      const e = k.expiry === '' ? 'none' : op.expiry;
      const from = { exact: k.expiry, from: k.expiry, range: '2027-01-01', 'bad-range': '2027-12-31' }[e as string];
      const to = { exact: k.expiry, to: k.expiry, range: '2027-12-31', 'bad-range': '2027-01-01' }[e as string];
      const selector = {
        ...(op.item ? { itemId: k.itemId } : {}),
        ...(lot === undefined ? {} : { lot }),
        ...(from === undefined ? {} : { expiryFrom: from }),
        ...(to === undefined ? {} : { expiryTo: to }),
        ...(op.wh ? { warehouseIds: [k.warehouseId] } : {}),
        ...(op.owner ? { ownerId: k.ownerId } : {}),
      };
      const matched = [...m.buckets.values()]
        .filter(
          (b) =>
            (!op.item || b.itemId === k.itemId) &&
            (lot === undefined || b.lot === lot) &&
            (from === undefined || (b.expiry !== '' && b.expiry >= from)) &&
            (to === undefined || (b.expiry !== '' && b.expiry <= to)) &&
            (!op.wh || b.warehouseId === k.warehouseId) &&
            (!op.owner || b.ownerId === k.ownerId) &&
            (freezing ? b.available > 0 : b.frozen > 0),
        )
        .map((b) => ({ ...b }));
      const refusal =
        (!lot && !from && !to) || (from && to && from > to)
          ? ['validation.invalid-input']
          : matched.length === 0
            ? ['inventory.nothing-matched']
            : null;
      const data = await expectOutcome(
        freezing ? 'freezeStock' : 'unfreezeStock',
        { selector, reason: 'prop' },
        refusal,
      );
      if (!data) return { ok: false };
      const report = new Map<string, Data>();
      for (const b of matched) {
        if (freezing) {
          // Frozen stock cannot stay promised: every reservation on it is released.
          tally(report, b.warehouseId, b.available, m.reserved(b));
          m.holds.delete(keyOf(b));
          m.move(b, 'frozen', b.available, now);
          m.move(b, 'available', -b.available, now);
        } else {
          tally(report, b.warehouseId, b.frozen, 0);
          m.move(b, 'available', b.frozen, now);
          m.move(b, 'frozen', -b.frozen, now);
        }
      }
      expect(data['warehouses'], `${where}: ${op.kind} report`).toEqual(byCode(report));
      expect(data['total'], where).toBe(matched.reduce((x, b) => x + (freezing ? b.available : b.frozen), 0));
      return { ok: true };
    }

    case 'ship': {
      const first = resolve(op.lines[0]!.t, takeable);
      const from = first.warehouseId;
      const fromIdx = w.wh.indexOf(from);
      const to = w.wh[op.to === 'same' ? fromIdx : (fromIdx + (op.to === 'next' ? 1 : 2)) % 3]!;
      const used = new Map<string, number>();
      const shipped: Array<Key & { qty: number }> = [];
      let refusal: string[] | null = from === to ? ['inventory.same-warehouse'] : null;
      let details: Data | undefined;
      const lines = op.lines.map((l, i) => {
        const k = i === 0 ? first : resolve(l.t, (b) => b.warehouseId === from && takeable(b));
        const at = { ...k, warehouseId: from };
        return {
          itemId: k.itemId,
          quantity: amount(l.qty, m.free(at)),
          ownerId: k.ownerId,
          ...(l.useLot ? { lot: k.lot } : {}),
        };
      });
      if (!refusal)
        for (const line of lines) {
          const f = { ...line, warehouseId: from };
          const a = modelAllocate(m, used, f, line.quantity, line.itemId === w.milk, today);
          if (a.shortfall > 0) {
            refusal = [insufficientCode(m, f)];
            details = { requested: line.quantity, available: line.quantity - a.shortfall };
            break;
          }
          for (const x of a.allocations) shipped.push({ ...pickKey(x.bucket), qty: x.quantity });
        }
      const data = await expectOutcome(
        'shipTransfer',
        { fromWarehouseId: from, toWarehouseId: to, lines },
        refusal,
        details,
      );
      if (!data) return { ok: false };
      expect(data['status'], where).toBe('in_transit');
      expect(
        (data['lines'] as Data[]).map((l) => [
          l['lineNo'],
          l['itemId'],
          l['lot'],
          l['expiry'],
          l['ownerId'],
          l['qtyShipped'],
          l['qtyReceived'],
        ]),
        `${where}: shipped lines`,
      ).toEqual(shipped.map((l, n) => [n + 1, l.itemId, l.lot, l.expiry, l.ownerId, l.qty, 0]));
      const t: MTransfer = { id: String(data['id']), to, status: 'in_transit', lines: [] };
      for (const [n, l] of shipped.entries()) {
        m.move(l, 'available', -l.qty, now);
        m.move({ ...l, warehouseId: to }, 'inTransit', l.qty, now);
        t.lines.push({ ...pickKey(l), warehouseId: to, lineNo: n + 1, shipped: l.qty, received: 0 });
      }
      m.transfers.push(t);
      return { ok: true };
    }

    case 'receiveTransfer': {
      // Prefer transfers still open; sometimes one that is closed.
      const open = m.transfers.filter((x) => x.status !== 'received');
      const pool = open.length > 0 && op.pick % 5 !== 0 ? open : m.transfers;
      const t = pool.length > 0 ? pool[op.pick % pool.length] : undefined;
      const got = new Map(t?.lines.map((l) => [l.lineNo, l.received]) ?? []);
      let refusal: string[] | null = !t
        ? ['inventory.transfer-not-found']
        : t.status === 'received'
          ? ['inventory.transfer-closed']
          : null;
      const lines = op.lines.map((r) => {
        const line = t?.lines[r.line % Math.max(t.lines.length, 1)];
        const lineNo = r.mode === 'bad-line' || !line ? 99 : line.lineNo;
        const left = line ? line.shipped - (got.get(line.lineNo) ?? 0) : 0;
        const quantity =
          r.mode === 'open'
            ? Math.max(left, 1)
            : r.mode === 'part'
              ? Math.max(Math.ceil(left / 2), 1)
              : r.mode === 'bad-line'
                ? 1
                : r.mode;
        if (!refusal) {
          if (lineNo === 99) refusal = ['inventory.unknown-reference'];
          else if (quantity > left) refusal = ['inventory.over-receipt'];
          else got.set(lineNo, (got.get(lineNo) ?? 0) + quantity);
        }
        return { lineNo, quantity };
      });
      const data = await expectOutcome('receiveTransfer', { transferId: t?.id ?? randomUUID(), lines }, refusal);
      if (!data || !t) return { ok: false };
      for (const r of lines) {
        const line = t.lines.find((l) => l.lineNo === r.lineNo)!;
        m.move(line, 'inTransit', -r.quantity, now);
        m.move(line, 'available', r.quantity, now);
        line.received += r.quantity;
      }
      t.status = t.lines.every((l) => l.received >= l.shipped) ? 'received' : 'partially_received';
      expect(data['status'], where).toBe(t.status);
      expect(
        (data['lines'] as Data[]).map((l) => [l['lineNo'], l['qtyShipped'], l['qtyReceived']]),
        where,
      ).toEqual(t.lines.map((l) => [l.lineNo, l.shipped, l.received]));
      return { ok: true };
    }

    case 'changeLot': {
      const k = resolve(op.t);
      // Another of the item's lot/expiry pairs (or, rarely, the same one: nothing to change).
      const pairs: ReadonlyArray<readonly [string, string]> = isMilk(k) ? MILK_PAIRS : CABLE_PAIRS;
      const current = pairs.findIndex(([l, e]) => l === k.lot && e === k.expiry);
      const [newLot, newExpiry] =
        op.newPair === 'same'
          ? [k.lot, k.expiry]
          : pairs[(current + 1 + (op.newPair % (pairs.length - 1))) % pairs.length]!;
      const warehouseId = op.allWarehouses ? undefined : k.warehouseId;
      const matched = [...m.buckets.values()]
        .filter(
          (b) =>
            b.itemId === k.itemId &&
            b.lot === k.lot &&
            b.expiry === k.expiry &&
            (warehouseId === undefined || b.warehouseId === warehouseId) &&
            (b.available !== 0 || b.frozen !== 0 || b.quality !== 0 || m.reserved(b) !== 0),
        )
        .map((b) => ({ ...b }));
      const refusal =
        k.lot === newLot && k.expiry === newExpiry
          ? ['validation.invalid-input']
          : matched.length === 0
            ? ['inventory.nothing-matched']
            : null;
      const input = {
        itemId: k.itemId,
        lot: k.lot,
        expiry: k.expiry,
        newLot,
        newExpiry,
        reason: 'prop',
        ...(warehouseId ? { warehouseId } : {}),
      };
      const data = await expectOutcome('changeLotAttributes', input, refusal);
      if (!data) return { ok: false };
      const report = new Map<string, Data>();
      for (const b of matched) {
        // Every status moves, and the reservations move with the stock.
        const dest = { ...pickKey(b), lot: newLot, expiry: newExpiry };
        for (const status of ['available', 'frozen', 'quality'] as const) {
          if (b[status] === 0) continue;
          m.move(b, status, -b[status], now);
          m.move(dest, status, b[status], now);
        }
        const held = [...(m.holds.get(keyOf(b)) ?? new Map<string, number>())];
        for (const [dk, q] of held) {
          m.hold(b, dk, -q, now);
          m.hold(dest, dk, q, now);
        }
        tally(
          report,
          b.warehouseId,
          b.available + b.frozen + b.quality,
          held.reduce((s, [, q]) => s + q, 0),
        );
      }
      expect(data['warehouses'], `${where}: lot change report`).toEqual(byCode(report));
      return { ok: true };
    }

    case 'ownership': {
      const k = resolve(op.t, hasFree);
      const toOwner = op.same ? k.ownerId : k.ownerId === 'own' ? w.supplier : 'own';
      const qty = amount(op.qty, m.free(k));
      const refusal =
        toOwner === k.ownerId ? ['inventory.same-owner'] : m.free(k) < qty ? [insufficientCode(m, k)] : null;
      const data = await expectOutcome(
        'transferOwnership',
        { ...k, toOwnerId: toOwner, quantity: qty, reason: 'prop' },
        refusal,
        toOwner === k.ownerId ? undefined : { requested: qty, available: Math.max(m.free(k), 0) },
      );
      if (!data) return { ok: false };
      m.move(k, 'available', -qty, now);
      m.move({ ...k, ownerId: toOwner }, 'available', qty, now);
      return { ok: true };
    }

    case 'rebuild': {
      const balances = (await snapshot(db)).balances;
      const data = await expectOutcome('rebuildStockBalances', { verifyOnly: op.verifyOnly }, null);
      expect([data?.['differences'], data?.['buckets']], where).toEqual([0, balances.length]);
      // Rebuilding a correct projection reproduces it exactly.
      expect((await snapshot(db)).balances, where).toEqual(balances);
      return { ok: true, localOnly: true };
    }
  }
}

/**
 * Applies the reservation releases one command wrote to the model, after checking them: only
 * releases, only where the filter allows, the expected total, and no holder below zero.
 */
async function applyReleases(
  db: Db,
  m: Model,
  opId: string,
  total: number,
  where: string,
  bucketOk: (k: Key) => boolean,
  demand?: string,
) {
  const rows = await db.selectFrom('stock_reservations').selectAll().where('op_id', '=', opId).execute();
  let sum = 0;
  const released = new Map<string, number>();
  for (const r of rows) {
    const k = { itemId: r.item_id, warehouseId: r.warehouse_id, lot: r.lot, expiry: r.expiry, ownerId: r.owner_id };
    const dk = `${r.demand_type}|${r.demand_id}|${r.demand_line}`;
    expect(r.quantity, `${where}: a release row`).toBeLessThan(0);
    expect(bucketOk(k), `${where}: released from the wrong bucket`).toBe(true);
    if (demand) expect(dk, `${where}: released the wrong demand`).toBe(demand);
    expect(m.holds.get(keyOf(k))?.get(dk) ?? 0, `${where}: released more than ${dk} held`).toBeGreaterThanOrEqual(
      -r.quantity,
    );
    m.hold(k, dk, r.quantity, r.created_at);
    released.set(keyOf(k), (released.get(keyOf(k)) ?? 0) - r.quantity);
    sum -= r.quantity;
  }
  expect(sum, `${where}: released in total`).toBe(total);
  return released;
}

/** (1) ledgers = balances, (2) invariants, (4) the model, and nothing oversold. */
async function checkInvariants(db: Db, w: World, m: Model, s: Snapshot, where: string) {
  expect(await balanceDifferences(db), `${where}: balances differ from the ledgers`).toEqual([]);

  for (const b of s.balances) {
    const at = `${where}: bucket ${b.lot}/${b.expiry}/${b.owner_id} in ${w.whCode.get(b.warehouse_id)}`;
    expect(
      Math.min(b.qty_frozen, b.qty_quality, b.qty_in_transit, b.qty_reserved),
      `${at}: a status below zero`,
    ).toBeGreaterThanOrEqual(0);
    if (!w.negative.has(b.warehouse_id))
      expect(b.qty_reserved, `${at}: reserved beyond available`).toBeLessThanOrEqual(b.qty_available);
  }

  // The stored balances are what the model says, bucket for bucket.
  const stored = new Map(
    s.balances.map((b) => [
      keyOf({ itemId: b.item_id, warehouseId: b.warehouse_id, lot: b.lot, expiry: b.expiry, ownerId: b.owner_id }),
      b,
    ]),
  );
  const keys = new Set([...stored.keys(), ...m.buckets.keys(), ...m.holds.keys()]);
  for (const key of keys) {
    const b = stored.get(key);
    const [itemId, warehouseId, lot, expiry, ownerId] = key.split('|') as [string, string, string, string, string];
    const mb = m.view({ itemId, warehouseId, lot, expiry, ownerId });
    const actual = b
      ? [b.qty_available, b.qty_frozen, b.qty_quality, b.qty_in_transit, b.qty_reserved, b.received_at]
      : [0, 0, 0, 0, 0, NEVER];
    expect(actual, `${where}: bucket ${lot}/${expiry}/${ownerId} in ${w.whCode.get(warehouseId)} vs the model`).toEqual(
      [mb.available, mb.frozen, mb.quality, mb.inTransit, m.reserved(mb), mb.receivedAt],
    );
  }

  // Who holds what, per bucket and demand line; never more than a line asked for.
  const holds = new Map<string, number>();
  const perLine = new Map<string, number>();
  for (const r of s.reservations) {
    const k = `${keyOf({ itemId: r.item_id, warehouseId: r.warehouse_id, lot: r.lot, expiry: r.expiry, ownerId: r.owner_id })}#${r.demand_type}|${r.demand_id}|${r.demand_line}`;
    holds.set(k, (holds.get(k) ?? 0) + r.quantity);
    const dk = `${r.demand_type}|${r.demand_id}|${r.demand_line}`;
    perLine.set(dk, (perLine.get(dk) ?? 0) + r.quantity);
  }
  const modelHolds = new Map<string, number>();
  for (const [bk, mm] of m.holds) for (const [dk, q] of mm) modelHolds.set(`${bk}#${dk}`, q);
  expect(new Map([...holds].filter(([, q]) => q !== 0)), `${where}: holders per bucket`).toEqual(modelHolds);
  for (const [dk, q] of perLine) {
    expect(q, `${where}: ${dk} holds less than zero`).toBeGreaterThanOrEqual(0);
    expect(q, `${where}: ${dk} oversold`).toBeLessThanOrEqual(m.requested.get(dk) ?? 0);
  }

  // On hand everywhere = every movement that is not in transit; in transit = the in-transit ones.
  const onHand = s.balances.reduce((x, b) => x + b.qty_available + b.qty_frozen + b.qty_quality, 0);
  const inTransit = s.balances.reduce((x, b) => x + b.qty_in_transit, 0);
  const moved = s.movements.filter((r) => r.status !== 'in_transit').reduce((x, r) => x + r.quantity, 0);
  const moving = s.movements.filter((r) => r.status === 'in_transit').reduce((x, r) => x + r.quantity, 0);
  expect([onHand, inTransit], `${where}: totals vs movements`).toEqual([moved, moving]);
  const modelOnHand = [...m.buckets.values()].reduce((x, b) => x + b.available + b.frozen + b.quality, 0);
  expect(onHand, `${where}: total on hand vs the model`).toBe(modelOnHand);

  // Transfers: what is in transit at each destination is what was shipped and not yet received.
  for (const t of m.transfers) {
    const rows = s.transferLines.filter((l) => l.transfer_id === t.id);
    expect(
      rows.map((l) => [l.line_no, l.qty_shipped, l.qty_received]),
      where,
    ).toEqual(t.lines.map((l) => [l.lineNo, l.shipped, l.received]));
  }
  const open = new Set(s.proposals.filter((p) => p.status === 'open').map((p) => `${p.item_id}|${p.warehouse_id}`));
  expect(open, `${where}: open stock-out proposals`).toEqual(m.openStockOuts);
}

describe.each(['sqlite', 'pglite', 'postgres'] as const)('inventory command sequences on %s', (backend) => {
  let t: Awaited<ReturnType<typeof openTestDb>>;
  const world: World = { wh: [], whCode: new Map(), negative: new Set(), milk: '', cable: '', supplier: '' };

  beforeAll(async () => {
    t = await openTestDb(backend, 'desktop');
    const must = async (name: string, input: unknown) => {
      const r = (await run(t.db, name, input, new Date(START).toISOString())).result;
      if (!r.ok) throw new Error(`${name}: ${JSON.stringify(r.error)}`);
      return (r.data as { id: string }).id;
    };
    for (const [code, allowNegativeStock] of [
      ['P-A', false],
      ['P-B', false],
      ['P-N', true],
    ] as const) {
      const id = await must('createWarehouse', { code, name: code, allowNegativeStock });
      world.wh.push(id);
      world.whCode.set(id, code);
      if (allowNegativeStock) world.negative.add(id);
    }
    world.milk = await must('createItem', {
      sku: 'P-MILK',
      name: 'milk',
      baseUom: 'EA',
      lotTracked: true,
      expiryTracked: true,
    });
    world.cable = await must('createItem', { sku: 'P-CABLE', name: 'cable', baseUom: 'EA' });
    world.supplier = await must('createSupplier', { code: 'P-SUP', name: 'consignor' });
  });
  afterAll(async () => {
    await t?.close();
  });

  it(
    'keeps balances = ledgers = model, every invariant, and refused commands without a trace',
    async () => {
      const { numRuns, maxLength } = RUNS[backend];
      const coverage: Coverage = new Map();
      await fc.assert(
        fc.asyncProperty(stepsArb(maxLength), (steps) => runSequence(t.db, world, steps, coverage)),
        { numRuns },
      );
      // Not vacuous: the sequences reached both the accepted and the refused path of every command.
      const kinds = [...coverage.values()];
      expect(kinds.reduce((x, c) => x + c.ok, 0)).toBeGreaterThanOrEqual(numRuns);
      expect(kinds.reduce((x, c) => x + c.refused, 0)).toBeGreaterThan(0);
      if (backend === 'sqlite')
        for (const kind of [
          'receive',
          'adjust',
          'count',
          'quality',
          'reserve',
          'release',
          'freeze',
          'unfreeze',
          'ship',
          'receiveTransfer',
          'changeLot',
          'ownership',
          'rebuild',
        ]) {
          const c = coverage.get(kind) ?? { ok: 0, refused: 0 };
          expect(c.ok, `${kind} never accepted`).toBeGreaterThan(0);
          if (kind !== 'count' && kind !== 'rebuild') expect(c.refused, `${kind} never refused`).toBeGreaterThan(0);
        }
    },
    180_000 * SCALE,
  );
});
