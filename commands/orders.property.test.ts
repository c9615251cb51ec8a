import { randomUUID } from 'node:crypto';
import { isDeepStrictEqual } from 'node:util';
import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { TRANSITIONS } from '../core/orders/transitions.ts';
import { ORDER_ACTIONS, type OrderType as CoreOrderType } from '../core/orders/schemas.ts';
import type { Backend } from '../db/connect.ts';
import { balanceDifferences } from '../db/inventory.queries.ts';
import { countOutbox } from '../db/outbox.queries.ts';
import { openTestDb } from '../db/testing/backends.ts';
import type { CommandContext } from './define.ts';
import { findCommand } from './registry.ts';
import { argsFromInput, runCommand } from './runner.ts';
import {
  NEVER,
  StockModel,
  autoSplitPlan,
  canAct,
  childLinesOf,
  demandKeyOf,
  keyOf,
  manualSplitPlan,
  openOf,
  pickKey,
  proRataModel,
  closedStatusOfModel,
  progressOfModel,
  receives,
  reserves,
  type CheckCode,
  type Key,
  type MBucket,
  type MLine,
  type MOrder,
  type ModelItem,
  type OrderType,
} from './testing/orderModel.ts';

/*
 * Model-based test of the order centre: random sequences of order commands (sales orders for
 * customers of different grades and credit, held orders force-released with and without the
 * role, shipments, receipts, returns, transfers, cancels, closes, manual and automatic splits,
 * priority allocation, the auto-cancel job) mixed with inventory commands that compete for the
 * same scarce stock (receipts, write-downs, freezing a lot, reservations for other demand).
 * After every command:
 *  1. nothing is oversold: balances = a rebuild from the ledgers, every bucket keeps its
 *     invariants, and every bucket and holder equals the independent model;
 *  2. every line keeps 0 ≤ cancelled ≤ ordered, allocated ≤ ordered − cancelled, shipped ≤
 *     allocated, received ≤ due (or ≤ shipped for transfers), returned ≤ shipped;
 *  3. what a line holds in the reservation ledger is exactly allocated − shipped;
 *  4. the header is the projection of its lines and the status agrees with the quantities;
 *  5. a refused command changed no table and wrote no outbox row;
 *  6. a split's children add up to the parent's open quantity and money, line for line;
 *  7. every status change in order_events is a row of the transition table.
 * The model also predicts whether each command is accepted (and the error code) and the
 * resulting statuses and line quantities.
 */

type Db = Awaited<ReturnType<typeof openTestDb>>['db'];
type Data = Record<string, unknown>;

/** Runs per backend; ORDER_PROPERTY_SCALE=10 (say) multiplies them, ORDER_PROPERTY_STEPS=80 lengthens them. */
const SCALE = Math.max(Number(process.env['ORDER_PROPERTY_SCALE'] ?? 1) || 1, 1);
const RUNS: Record<Backend, { numRuns: number; maxLength: number }> = {
  sqlite: { numRuns: 100 * SCALE, maxLength: 40 },
  pglite: { numRuns: 20 * SCALE, maxLength: 30 },
  postgres: { numRuns: 20 * SCALE, maxLength: 30 },
};

/**
 * Exploration only: operation kinds left out of the sequences, `stranded` to leave out that check,
 * `examples` to leave out the bug examples (comma list), so that a run can look past a reported,
 * still-open bug. Empty by default: everything is checked.
 */
const SKIP = new Set((process.env['ORDER_PROPERTY_SKIP'] ?? '').split(',').filter(Boolean));

const START = Date.parse('2027-01-01T08:00:00.000Z');
const DAY = 86_400_000;
/** Lot/expiry pairs of the lot- and expiry-tracked item; L1 expires within a few days. */
const MILK_PAIRS = [
  ['L1', '2027-01-05'],
  ['L2', '2027-01-20'],
  ['L3', '2027-03-01'],
  ['L1', '2027-01-20'],
] as const;
const CABLE_PAIRS = [
  ['', ''],
  ['C1', ''],
] as const;
const ROLE_SETS: readonly string[][] = [[], ['warehouse-clerk'], ['finance-clerk'], ['supervisor'], ['administrator']];
const WEIGHT_LIMIT = 6000;
const QUOTA = 12;
const COMMITTED = ['approved', 'partially-shipped', 'shipped', 'completed', 'closed'];

// ---------- the generated operations ----------
type Share = { pct: number } | { over: number } | { abs: number };
interface GenLine {
  item: number;
  qty: number;
  price: number;
  discountPct: number;
  taxBp: number;
  lot: number;
}
type Op =
  | {
      kind: 'sell';
      customer: number;
      wh: number | 'none' | 'north';
      lines: GenLine[];
      submit: boolean;
      autoCancel: number | null;
      requested: number | null;
      currency?: string;
    }
  | { kind: 'buy'; wh: number; lines: GenLine[]; submit: boolean; autoCancel: number | null }
  | {
      kind: 'transfer';
      from: number;
      to: 'next' | 'after' | 'same';
      lines: GenLine[];
      submit: boolean;
      autoCancel: number | null;
    }
  | {
      kind: 'returnSales' | 'returnPurchase';
      pick: number;
      wh: number;
      lines: Array<{ line: number; qty: Share }>;
      /** Sales returns: an exchange (a replacement order instead of a refund). */
      exchange?: boolean;
    }
  | { kind: 'submit' | 'recheck' | 'cancel' | 'close' | 'complete' | 'splitAuto'; pick: number }
  | { kind: 'release'; pick: number; roles: number }
  | { kind: 'ship'; pick: number; lines: Array<{ line: number; qty: Share; bad: boolean }> }
  | {
      kind: 'receive';
      pick: number;
      lines: Array<{ line: number; qty: Share; pair: number; drop: 'none' | 'lot' | 'expiry'; quality: boolean }>;
    }
  | { kind: 'splitManual'; pick: number; parts: Array<{ wh: number; lines: Array<{ line: number; qty: Share }> }> }
  | { kind: 'allocate'; only: number | null }
  | { kind: 'progress'; pick: number }
  | { kind: 'promise'; pick: number; line: number; days: number }
  | { kind: 'resolve'; pick: number; action: number; wh: number }
  | { kind: 'jobs'; days: number }
  | { kind: 'stockIn'; item: number; wh: number; pair: number; qty: number }
  | { kind: 'adjustDown'; pick: number; qty: Share }
  | { kind: 'count'; pick: number; delta: number }
  | { kind: 'freeze' | 'unfreeze'; pick: number }
  | { kind: 'reserveOther'; demand: number; item: number; wh: number; qty: number; allowPartial: boolean }
  | { kind: 'releaseOther'; demand: number; qty: Share | null };
interface Step {
  hours: number;
  op: Op;
}

const shareArb: fc.Arbitrary<Share> = fc.oneof(
  { weight: 12, arbitrary: fc.record({ pct: fc.integer({ min: 1, max: 100 }) }) },
  { weight: 1, arbitrary: fc.record({ over: fc.integer({ min: 1, max: 4 }) }) },
  { weight: 1, arbitrary: fc.record({ abs: fc.integer({ min: 1, max: 20 }) }) },
);
const genLineArb = (maxQty: number): fc.Arbitrary<GenLine> =>
  fc.record({
    item: fc.nat(1),
    qty: fc.integer({ min: 1, max: maxQty }),
    price: fc.constantFrom(0, 100, 250, 999, 4000),
    discountPct: fc.constantFrom(0, 0, 0, 10, 50),
    taxBp: fc.constantFrom(0, 600, 1300),
    lot: fc.constantFrom(-1, -1, -1, -1, -1, -1, -1, -1, -1, 0, 1),
  });
const linesArb = (maxQty: number) => fc.array(genLineArb(maxQty), { minLength: 1, maxLength: 3 });
const autoCancelArb = fc.option(fc.nat(4), { nil: null, freq: 3 });
const pickArb = fc.nat(40);
const simple = (kind: 'submit' | 'recheck' | 'cancel' | 'close' | 'complete' | 'splitAuto') =>
  fc.record({ kind: fc.constant(kind), pick: pickArb });

const stockInArb = fc.record({
  kind: fc.constant('stockIn' as const),
  item: fc.nat(1),
  wh: fc.constantFrom(0, 0, 1, 1, 2),
  pair: fc.nat(3),
  qty: fc.integer({ min: 1, max: 40 }),
});
const opArb = fc.oneof(
  {
    weight: 8,
    arbitrary: fc.record({
      kind: fc.constant('sell'),
      customer: fc.constantFrom(0, 0, 1, 1, 2, 3, 4),
      wh: fc.constantFrom<number | 'none' | 'north'>(0, 0, 0, 1, 1, 2, 'none', 'north', 'north'),
      lines: linesArb(8),
      submit: fc.constantFrom(true, true, true, true, false),
      autoCancel: autoCancelArb,
      requested: fc.option(fc.nat(10), { nil: null }),
      // EUR has no exchange rate: submitting such an order is refused (the credit check cannot convert).
      currency: fc.constantFrom('CNY', 'CNY', 'CNY', 'CNY', 'CNY', 'USD', 'USD', 'JPY', 'EUR'),
    }),
  },
  {
    weight: 3,
    arbitrary: fc.record({
      kind: fc.constant('buy'),
      wh: fc.nat(2),
      lines: linesArb(25),
      submit: fc.constantFrom(true, true, true, false),
      autoCancel: autoCancelArb,
    }),
  },
  {
    weight: 3,
    arbitrary: fc.record({
      kind: fc.constant('transfer'),
      from: fc.nat(2),
      to: fc.constantFrom<'next' | 'after' | 'same'>('next', 'next', 'after', 'after', 'after', 'same'),
      lines: linesArb(10),
      submit: fc.constantFrom(true, true, true, false),
      autoCancel: autoCancelArb,
    }),
  },
  ...(['returnSales', 'returnPurchase'] as const).map((kind) => ({
    weight: 3,
    arbitrary: fc.record({
      kind: fc.constant(kind),
      pick: pickArb,
      wh: fc.nat(2),
      lines: fc.array(fc.record({ line: fc.nat(3), qty: shareArb }), { minLength: 1, maxLength: 2 }),
      exchange: fc.constantFrom(false, false, kind === 'returnSales'),
    }),
  })),
  { weight: 2, arbitrary: simple('submit') },
  { weight: 3, arbitrary: simple('recheck') },
  {
    weight: 3,
    arbitrary: fc.record({ kind: fc.constant('release'), pick: pickArb, roles: fc.nat(ROLE_SETS.length - 1) }),
  },
  {
    weight: 9,
    arbitrary: fc.record({
      kind: fc.constant('ship'),
      pick: pickArb,
      lines: fc.array(
        fc.record({ line: fc.nat(3), qty: shareArb, bad: fc.constantFrom(false, false, false, false, false, true) }),
        { minLength: 1, maxLength: 2 },
      ),
    }),
  },
  {
    weight: 5,
    arbitrary: fc.record({
      kind: fc.constant('receive'),
      pick: pickArb,
      lines: fc.array(
        fc.record({
          line: fc.nat(3),
          qty: shareArb,
          pair: fc.nat(3),
          drop: fc.constantFrom<'none' | 'lot' | 'expiry'>(...Array<'none'>(14).fill('none'), 'lot', 'expiry'),
          quality: fc.constantFrom(false, false, false, true),
        }),
        { minLength: 1, maxLength: 2 },
      ),
    }),
  },
  { weight: 2, arbitrary: simple('cancel') },
  { weight: 2, arbitrary: simple('close') },
  { weight: 2, arbitrary: simple('complete') },
  {
    weight: 3,
    arbitrary: fc.record({
      kind: fc.constant('splitManual'),
      pick: pickArb,
      parts: fc.array(
        fc.record({
          wh: fc.constantFrom(-1, -1, 0, 1),
          lines: fc.array(fc.record({ line: fc.nat(3), qty: shareArb }), { minLength: 1, maxLength: 2 }),
        }),
        { minLength: 1, maxLength: 2 },
      ),
    }),
  },
  { weight: 2, arbitrary: simple('splitAuto') },
  {
    weight: 3,
    arbitrary: fc.record({ kind: fc.constant('allocate'), only: fc.option(pickArb, { nil: null }) }),
  },
  { weight: 2, arbitrary: fc.record({ kind: fc.constant('jobs'), days: fc.nat(6) }) },
  { weight: 14, arbitrary: fc.record({ kind: fc.constant('progress'), pick: pickArb }) },
  {
    weight: 1,
    arbitrary: fc.record({ kind: fc.constant('promise'), pick: pickArb, line: fc.nat(4), days: fc.nat(20) }),
  },
  {
    weight: 3,
    arbitrary: fc.record({ kind: fc.constant('resolve'), pick: pickArb, action: fc.nat(9), wh: fc.nat(1) }),
  },
  { weight: 8, arbitrary: stockInArb },
  { weight: 2, arbitrary: fc.record({ kind: fc.constant('adjustDown'), pick: pickArb, qty: shareArb }) },
  {
    weight: 2,
    arbitrary: fc.record({ kind: fc.constant('count'), pick: pickArb, delta: fc.integer({ min: -8, max: 3 }) }),
  },
  { weight: 2, arbitrary: fc.record({ kind: fc.constant('freeze'), pick: pickArb }) },
  { weight: 3, arbitrary: fc.record({ kind: fc.constant('unfreeze'), pick: pickArb }) },
  {
    weight: 2,
    arbitrary: fc.record({
      kind: fc.constant('reserveOther'),
      demand: fc.nat(1),
      item: fc.nat(1),
      wh: fc.nat(2),
      qty: fc.integer({ min: 1, max: 15 }),
      allowPartial: fc.boolean(),
    }),
  },
  {
    weight: 2,
    arbitrary: fc.record({
      kind: fc.constant('releaseOther'),
      demand: fc.nat(1),
      qty: fc.option(shareArb, { nil: null }),
    }),
  },
) as fc.Arbitrary<Op>;

/** A few receipts first (there is something to fight over), then anything. */
const stepsArb = (maxLength: number) =>
  fc
    .tuple(
      fc.array(fc.record({ hours: fc.constant(0), op: stockInArb }), { maxLength: 6 }),
      fc.array(fc.record({ hours: fc.integer({ min: 0, max: 14 }), op: opArb }), {
        minLength: 1,
        maxLength,
        size: 'max',
      }),
    )
    .map(([stock, rest]) => [...stock, ...rest].slice(0, maxLength));

/**
 * Sequences that found bugs, run first on every backend (fast-check `examples`) so that they stay
 * fixed; random sequences reach them only rarely.
 */
const sellOp = (customer: number, wh: number, item: number, qty: number): Op => ({
  kind: 'sell',
  customer,
  wh,
  lines: [{ item, qty, price: 0, discountPct: 0, taxBp: 0, lot: -1 }],
  submit: true,
  autoCancel: null,
  requested: null,
});
const transferOp = (from: number, lines: Array<{ item: number; qty: number; lot: number }>): Op => ({
  kind: 'transfer',
  from,
  to: 'next',
  lines: lines.map((l) => ({ ...l, price: 0, discountPct: 0, taxBp: 0 })),
  submit: true,
  autoCancel: null,
});
const shipOp = (...pct: number[]): Op => ({
  kind: 'ship',
  pick: 0,
  lines: pct.map((p) => ({ line: 0, qty: { pct: p }, bad: false })),
});
const receiveOp = (pct: number): Op => ({
  kind: 'receive',
  pick: 0,
  lines: [{ line: 0, qty: { pct }, pair: 0, drop: 'none', quality: false }],
});
const stockInOp = (item: number, wh: number, pair: number, qty: number): Op => ({
  kind: 'stockIn',
  item,
  wh,
  pair,
  qty,
});
const EXAMPLE_OPS: Op[][] = [
  // A held order's split children were released by anyone: they had no check results of their own.
  [
    sellOp(0, 0, 0, 2),
    { kind: 'splitManual', pick: 0, parts: [{ wh: -1, lines: [{ line: 0, qty: { pct: 1 } }] }] },
    { kind: 'release', pick: 0, roles: 0 },
  ],
  // Freezing (or counting short) a lot released an order's reservations but left the line allocated:
  // the order could then neither ship nor be cancelled.
  [stockInOp(0, 0, 1, 5), sellOp(0, 0, 0, 3), { kind: 'freeze', pick: 0 }, { kind: 'cancel', pick: 0 }],
  [
    stockInOp(1, 0, 0, 5),
    sellOp(0, 0, 1, 3),
    { kind: 'count', pick: 0, delta: -4 },
    shipOp(100),
    { kind: 'cancel', pick: 0 },
  ],
  // allocateOrders took any lot for a line that names one.
  [
    stockInOp(0, 2, 1, 2),
    transferOp(2, [
      { item: 0, qty: 1, lot: 0 },
      { item: 0, qty: 1, lot: -1 },
    ]),
    { kind: 'allocate', only: null },
  ],
  // Two rows of one line in one shipment released the same reservation twice.
  [stockInOp(0, 1, 0, 1), stockInOp(0, 1, 1, 1), transferOp(1, [{ item: 0, qty: 2, lot: -1 }]), shipOp(1, 1)],
  // A closed, partly shipped purchase return was forgotten: more went back than was received.
  [
    stockInOp(1, 0, 0, 40),
    {
      kind: 'buy',
      wh: 0,
      lines: [{ item: 1, qty: 10, price: 100, discountPct: 0, taxBp: 0, lot: -1 }],
      submit: true,
      autoCancel: null,
    },
    receiveOp(100),
    { kind: 'returnPurchase', pick: 0, wh: 0, lines: [{ line: 0, qty: { pct: 100 } }] },
    shipOp(60),
    { kind: 'close', pick: 0 },
    { kind: 'returnPurchase', pick: 0, wh: 0, lines: [{ line: 0, qty: { pct: 100 } }] },
    shipOp(100),
  ],
  // Closing a partly shipped transfer order stranded what was in transit.
  [stockInOp(1, 0, 0, 10), transferOp(0, [{ item: 1, qty: 10, lot: -1 }]), shipOp(40), { kind: 'close', pick: 0 }],
  // A partly received transfer order kept the rest reserved and could no longer ship it.
  [stockInOp(1, 0, 0, 10), transferOp(0, [{ item: 1, qty: 10, lot: -1 }]), shipOp(50), receiveOp(100)],
];
const EXAMPLES: Step[][] = EXAMPLE_OPS.map((ops) => ops.map((op) => ({ hours: 1, op })));

// ---------- the world every run starts from ----------
interface Customer {
  id: string;
  grade: string;
  currency: string;
  /** In the customer's currency. */
  limit: number;
  receivables: number;
  deposits: number;
}
interface World {
  wh: string[];
  whCode: Map<string, string>;
  negative: Set<string>;
  /** milk (lot + expiry, FEFO) and cable (FIFO). */
  items: ModelItem[];
  customers: Customer[];
  supplier: string;
  /** The customer with a monthly quota of QUOTA cables. */
  quotaCustomer: string;
  rates: Array<{ currency: string; validFrom: string; micros: number }>;
  force: Record<CheckCode, { allowed: boolean; roles: readonly string[] }>;
}

interface Model {
  stock: StockModel;
  orders: Map<string, MOrder>;
}

const ctx = (now: string, roles: readonly string[]): CommandContext => ({
  actor: { userId: null, name: 'prop', roles },
  now,
  origin: 'desktop',
});

async function run(db: Db, name: string, input: unknown, now: string, roles: readonly string[] = []) {
  const def = findCommand(name);
  if (!def) throw new Error(`no command ${name}`);
  // Ids and document numbers are made where the clerk acts, as the app does.
  const args = await argsFromInput(db, def, input, { device: 'PROP' });
  return runCommand(db, def, args, ctx(now, roles), { outbox: true });
}

const ORDER_TABLES = [
  'order_fulfilment_lines',
  'order_fulfilments',
  'order_exceptions',
  'order_check_results',
  'order_events',
  'order_lines',
  'orders',
  'stock_transfer_lines',
  'stock_transfers',
  'replenishment_proposals',
  'stock_reservations',
  'stock_movements',
  'stock_balances',
  'outbox',
] as const;

async function snapshot(db: Db) {
  return {
    orders: await db.selectFrom('orders').selectAll().orderBy('id').execute(),
    lines: await db.selectFrom('order_lines').selectAll().orderBy('order_id').orderBy('line_no').execute(),
    events: await db.selectFrom('order_events').selectAll().orderBy('id').execute(),
    checks: await db
      .selectFrom('order_check_results')
      .selectAll()
      .orderBy('order_id')
      .orderBy('run_no')
      .orderBy('check_code')
      .execute(),
    exceptions: await db.selectFrom('order_exceptions').selectAll().orderBy('id').execute(),
    fulfilments: await db.selectFrom('order_fulfilments').selectAll().orderBy('id').execute(),
    fulfilmentLines: await db
      .selectFrom('order_fulfilment_lines')
      .selectAll()
      .orderBy('fulfilment_id')
      .orderBy('line_no')
      .orderBy('lot')
      .orderBy('expiry')
      .execute(),
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
    proposals: await db.selectFrom('replenishment_proposals').selectAll().orderBy('id').execute(),
    outbox: await countOutbox(db),
  };
}
type Snapshot = Awaited<ReturnType<typeof snapshot>>;

type Coverage = Map<string, { ok: number; refused: number }>;

async function runSequence(db: Db, w: World, steps: Step[], coverage: Coverage): Promise<void> {
  for (const t of ORDER_TABLES) await db.deleteFrom(t).execute();
  const m: Model = { stock: new StockModel(), orders: new Map() };
  let before = await snapshot(db);
  let hours = 0;
  for (const [i, step] of steps.entries()) {
    if (SKIP.has(step.op.kind)) continue;
    hours += step.hours;
    const now = new Date(START + hours * 3_600_000).toISOString();
    const where = `step ${i} ${JSON.stringify(step.op)}`;
    const ok = await perform(db, w, m, step.op, now, where, before);
    const after = await snapshot(db);
    const c = coverage.get(executed.kind) ?? { ok: 0, refused: 0 };
    c[ok ? 'ok' : 'refused'] += 1;
    coverage.set(executed.kind, c);
    if (!ok) {
      // (5) A refused command changed nothing, not even the outbox (so there is nothing new to check).
      same(after, before, () => `${where}: a refused command changed something`);
      continue;
    }
    same(after.outbox, before.outbox + 1, () => `${where}: outbox rows`);
    await checkInvariants(db, w, m, after, where);
    before = after;
  }
  if (process.env['ORDER_PROPERTY_VERBOSE'])
    for (const o of m.orders.values()) {
      const k = `~${o.type} ${o.status}${o.lines.some((l) => l.allocated > l.shipped) ? ' (holds)' : ''}`;
      const c = coverage.get(k) ?? { ok: 0, refused: 0 };
      c.ok += 1;
      coverage.set(k, c);
    }
}

const addDays = (date: string, days: number) =>
  new Date(Date.parse(`${date}T00:00:00Z`) + days * DAY).toISOString().slice(0, 10);
const amount = (q: Share, base: number) =>
  'abs' in q
    ? q.abs
    : 'pct' in q
      ? Math.max(Math.ceil((Math.max(base, 0) * q.pct) / 100), 1)
      : Math.max(base, 0) + q.over;
const GRADE_RANK: Record<string, number> = { A: 0, B: 1, C: 2, D: 3 };
const MINOR_DIGITS: Record<string, number> = { CNY: 2, USD: 2, EUR: 2, JPY: 0 };
/** What the exception queue offers for each kind of exception. */
const EXCEPTION_ACTIONS_OF: Record<string, readonly string[]> = {
  'no-warehouse': ['assign-warehouse', 'cancel', 'dismiss'],
  backorder: ['retry', 'cancel', 'dismiss'],
  'auto-cancelled': ['dismiss'],
  jeopardy: ['accept-date', 'cancel', 'dismiss'],
  'return-refused': ['dismiss'],
};
/** The distinct checks an audit reported failed, in check-code order. */
const checksOf = (data: Data) =>
  (['credit', 'quota', 'stock'] as const).filter((c) => (data['failures'] as Data[]).some((f) => f['check'] === c));

/** The kind of operation that really ran (a `progress` step runs another kind). */
const executed = { kind: '' };
const refusals = new Map<string, number>();
const tallyRefusal = (k: string) => refusals.set(k, (refusals.get(k) ?? 0) + 1);

/** Predicts, runs and checks one operation, then brings the model up to date. True when accepted. */
async function perform(
  db: Db,
  w: World,
  m: Model,
  op: Op,
  now: string,
  where: string,
  before: Snapshot,
  /** Set when `progress` picked the order: every order command then acts on it. */
  target?: MOrder,
): Promise<boolean> {
  executed.kind = op.kind;
  const today = now.slice(0, 10);
  const s = m.stock;
  const orders = [...m.orders.values()];
  const itemOf = (id: string) => w.items.find((x) => x.id === id)!;
  const customerOf = (id: string | null) => w.customers.find((c) => c.id === id);

  /** An order the command can act on when there is one (now and then any order), else a stranger. */
  const choose = (pick: number, good: (o: MOrder) => boolean): MOrder | undefined => {
    if (target) return target;
    const g = orders.filter(good);
    const pool = g.length > 0 && pick % 8 !== 7 ? g : orders;
    return pool.length > 0 ? pool[pick % pool.length] : undefined;
  };

  const expectOutcome = async (name: string, input: unknown, refusal: string[] | null, roles: string[] = []) => {
    const out = await run(db, name, input, now, roles);
    const r = out.result;
    if (refusal === null) {
      if (!r.ok) expect.fail(`${where}: expected ok, got ${JSON.stringify(r.error)}`);
      return r.data as Data;
    }
    if (r.ok) expect.fail(`${where}: expected ${refusal.join(' or ')}, got ok ${JSON.stringify(r.data)}`);
    expect(refusal, `${where}: error ${JSON.stringify(r.error)}`).toContain(r.error.code);
    if (process.env['ORDER_PROPERTY_VERBOSE']) tallyRefusal(`!${name} ${r.error.code}`);
    expect(out.outbox).toBeUndefined();
    return null;
  };

  // ----- the model's rules -----
  const reserveLines = (o: MOrder, viaAllocateOrders = false) => {
    let short = 0;
    for (const l of o.lines) {
      const need = openOf(l) - l.allocated;
      if (l.warehouseId === null || need <= 0) continue;
      const it = itemOf(l.itemId);
      const r = s.allocate(
        { itemId: l.itemId, warehouseId: l.warehouseId, lot: l.lot === '' ? undefined : l.lot, ownerId: 'own' },
        need,
        it.fefo,
        today,
        demandKeyOf(o, l.lineNo),
        now,
      );
      l.allocated += r.reserved;
      short += r.shortfall;
    }
    void viaAllocateOrders;
    return short;
  };
  const approve = (o: MOrder) => {
    if (reserves(o.type)) reserveLines(o);
    o.status = 'approved';
  };
  const unbilledOthers = (o: MOrder) =>
    orders.filter(
      (x) =>
        x.id !== o.id &&
        x.type === 'sales' &&
        x.customerId === o.customerId &&
        ['approved', 'partially-shipped', 'shipped'].includes(x.status) &&
        x.lines.some((l) => openOf(l) > 0),
    );
  const rateOn = (currency: string) =>
    w.rates
      .filter((r) => r.currency === currency && r.validFrom <= today)
      .sort((a, b) => (a.validFrom < b.validFrom ? 1 : -1))[0]?.micros ?? null;
  const toCompany = (amount: number, currency: string) =>
    currency === 'CNY'
      ? amount
      : proRataModel(amount * 100, rateOn(currency)!, 10 ** MINOR_DIGITS[currency]! * 1_000_000);
  /** The credit check converts amounts it has no rate for today: the audit is refused. */
  const noRate = (o: MOrder) => {
    const c = customerOf(o.customerId);
    if (!c) return false;
    const needed = [o.currency, c.currency, ...unbilledOthers(o).map((x) => x.currency)];
    return needed.some((cur) => cur !== 'CNY' && rateOn(cur) === null);
  };
  const audit = (o: MOrder): CheckCode[] => {
    const failed = new Set<CheckCode>();
    const taken = new Map<string, number>();
    for (const l of o.lines) {
      // A line that names a lot needs that lot; lines of one item (and lot) draw on one pool.
      const key = `${l.itemId}|${l.warehouseId ?? ''}${l.lot === '' ? '' : `|${l.lot}`}`;
      const before = taken.get(key) ?? 0;
      taken.set(key, before + openOf(l));
      const pool =
        l.warehouseId === null
          ? 0
          : l.lot === ''
            ? s.freeStock(l.itemId, l.warehouseId)
            : s.freeStock(l.itemId, l.warehouseId, l.lot);
      if (l.warehouseId === null || pool - before < openOf(l)) failed.add('stock');
    }
    if (o.customerId === w.quotaCustomer) {
      const cable = w.items[1]!.id;
      const requested = o.lines.filter((l) => l.itemId === cable).reduce((x, l) => x + openOf(l), 0);
      if (requested > 0) {
        const month = o.orderedAt.slice(0, 7);
        const used = orders
          .filter(
            (x) =>
              x.id !== o.id &&
              x.type === 'sales' &&
              x.customerId === o.customerId &&
              COMMITTED.includes(x.status) &&
              x.orderedAt.slice(0, 7) === month,
          )
          .flatMap((x) => x.lines)
          .filter((l) => l.itemId === cable)
          .reduce((x, l) => x + openOf(l), 0);
        if (used + requested > QUOTA) failed.add('quota');
      }
    }
    const c = customerOf(o.customerId);
    if (c) {
      // In the company currency: each currency's open value converted once at today's rate.
      const value = (x: MOrder) => x.lines.reduce((v, l) => v + proRataModel(l.total, openOf(l), l.ordered), 0);
      const byCurrency = new Map<string, number>();
      for (const x of unbilledOthers(o)) byCurrency.set(x.currency, (byCurrency.get(x.currency) ?? 0) + value(x));
      let unbilled = 0;
      for (const [cur, v] of byCurrency) unbilled += toCompany(v, cur);
      const exposure = c.receivables + unbilled + toCompany(value(o), o.currency) - c.deposits;
      if (exposure > toCompany(c.limit, c.currency)) failed.add('credit');
    }
    return (['credit', 'quota', 'stock'] as const).filter((x) => failed.has(x));
  };
  const assignWarehouse = (o: MOrder) => {
    if (o.warehouseId !== null || o.region !== 'north') return;
    const candidates = [w.wh[0]!, w.wh[1]!];
    const score = (wh: string) => {
      let lines = 0;
      let units = 0;
      for (const l of o.lines) {
        const f = s.freeStock(l.itemId, wh);
        if (f >= openOf(l)) lines += 1;
        units += Math.min(Math.max(f, 0), openOf(l));
      }
      return { lines, units };
    };
    let best = candidates[0]!;
    let bestScore = score(best);
    let chosen: string | null = null;
    for (const wh of candidates) {
      const sc = score(wh);
      if (sc.lines === o.lines.length) {
        chosen = wh;
        break;
      }
      if (sc.lines > bestScore.lines || (sc.lines === bestScore.lines && sc.units > bestScore.units)) {
        best = wh;
        bestScore = sc;
      }
    }
    o.warehouseId = chosen ?? best;
    for (const l of o.lines) if (l.warehouseId === null) l.warehouseId = o.warehouseId;
  };
  const submit = (o: MOrder) => {
    if (o.type !== 'sales') return approve(o);
    assignWarehouse(o);
    o.failed = audit(o);
    if (process.env['ORDER_PROPERTY_VERBOSE']) tallyRefusal(`?held for ${o.failed.join('+') || 'nothing'}`);
    if (o.failed.length === 0) approve(o);
    else o.status = 'held';
  };
  /** Releases what each line still holds; cancels what is not done. */
  const cancelRemainder = (o: MOrder) => {
    for (const l of o.lines) {
      const held = l.allocated - l.shipped;
      if (held > 0) releaseDemand(demandKeyOf(o, l.lineNo), held);
      l.cancelled = l.ordered - Math.max(l.shipped, l.received);
      l.allocated = Math.min(l.allocated, l.shipped);
    }
  };
  const releaseDemand = (dk: string, quantity: number) => {
    const plan = s.planRelease(dk, quantity);
    if (!plan) throw new Error(`${where}: the model holds less than ${quantity} for ${dk}`);
    for (const x of plan) s.hold(x.bucket, dk, -x.quantity, now);
  };
  /** Reservations released by the stock side (freeze): the order lines that held them are short again. */
  const unallocate = (dk: string, quantity: number) => {
    const [, id, line] = dk.split('|') as [string, string, string];
    const o = m.orders.get(id);
    const l = o?.lines.find((x) => x.lineNo === Number(line));
    if (l) l.allocated -= quantity;
  };
  const newOrder = (id: string, number: string, f: Partial<MOrder> & { type: OrderType; lines: MLine[] }): MOrder => ({
    id,
    number,
    status: 'draft',
    customerId: null,
    supplierId: null,
    warehouseId: null,
    toWarehouseId: null,
    region: null,
    autoCancelDate: null,
    originalOrderId: null,
    parentId: null,
    orderedAt: today,
    currency: 'CNY',
    failed: [],
    ...f,
  });
  const lineOf = (i: number, g: GenLine, warehouseId: string | null, lotPolicy: 'any' | 'none'): MLine => {
    const it = w.items[g.item]!;
    const lots = it.fefo ? ['L1', 'L2'] : ['C1', 'C1'];
    const net = g.qty * g.price - Math.floor((g.qty * g.price * g.discountPct) / 100);
    const tax = proRataModel(net, g.taxBp, 10_000);
    return {
      lineNo: i + 1,
      itemId: it.id,
      warehouseId,
      ordered: g.qty,
      allocated: 0,
      shipped: 0,
      received: 0,
      returned: 0,
      cancelled: 0,
      unitPrice: g.price,
      discount: Math.floor((g.qty * g.price * g.discountPct) / 100),
      taxBp: g.taxBp,
      net,
      tax,
      total: net + tax,
      lot: lotPolicy === 'any' && g.lot >= 0 ? lots[g.lot]! : '',
      originalLineNo: null,
      parentLineNo: null,
      inTransit: new Map(),
    };
  };
  const inputLine = (l: MLine) => ({
    itemId: l.itemId,
    quantity: l.ordered,
    unitPriceMinor: l.unitPrice,
    discountMinor: l.discount,
    taxRateBp: l.taxBp,
    lot: l.lot,
  });
  const create = async (o: MOrder, order: Data, submitNow: boolean, refusal: string[] | null = null) => {
    const data = await expectOutcome('createOrder', { submit: submitNow, order }, refusal);
    if (!data) return false;
    o.id = String(data['id']);
    o.number = String(data['number']);
    o.lines = o.lines.map((l) => ({ ...l }));
    m.orders.set(o.id, o);
    if (submitNow) submit(o);
    expect(data['status'], `${where}: status after create`).toBe(o.status);
    return true;
  };

  switch (op.kind) {
    case 'sell': {
      const c = w.customers[op.customer]!;
      const wh = typeof op.wh === 'number' ? w.wh[op.wh]! : null;
      const lines = op.lines.map((g, i) => lineOf(i, g, wh, 'any'));
      const o = newOrder('', '', {
        type: 'sales',
        customerId: c.id,
        warehouseId: wh,
        region: op.wh === 'north' ? 'north' : null,
        autoCancelDate: op.autoCancel === null ? null : addDays(today, op.autoCancel),
        currency: op.currency ?? 'CNY',
        lines,
      });
      return create(
        o,
        {
          type: 'sales',
          customerId: c.id,
          warehouseId: wh,
          shipToRegion: o.region,
          autoCancelDate: o.autoCancelDate,
          requestedDate: op.requested === null ? null : addDays(today, op.requested),
          currency: o.currency,
          lines: lines.map(inputLine),
        },
        op.submit,
        op.submit && noRate(o) ? ['order.no-exchange-rate'] : null,
      );
    }

    case 'buy': {
      const wh = w.wh[op.wh]!;
      const lines = op.lines.map((g, i) => lineOf(i, g, wh, 'none'));
      const o = newOrder('', '', {
        type: 'purchase',
        supplierId: w.supplier,
        warehouseId: wh,
        autoCancelDate: op.autoCancel === null ? null : addDays(today, op.autoCancel),
        lines,
      });
      return create(
        o,
        {
          type: 'purchase',
          supplierId: w.supplier,
          warehouseId: wh,
          autoCancelDate: o.autoCancelDate,
          lines: lines.map(inputLine),
        },
        op.submit,
      );
    }

    case 'transfer': {
      const from = w.wh[op.from]!;
      const to = w.wh[op.to === 'same' ? op.from : (op.from + (op.to === 'next' ? 1 : 2)) % 3]!;
      const lines = op.lines.map((g, i) => ({ ...lineOf(i, { ...g, price: 0 }, from, 'any') }));
      const o = newOrder('', '', {
        type: 'transfer',
        warehouseId: from,
        toWarehouseId: to,
        autoCancelDate: op.autoCancel === null ? null : addDays(today, op.autoCancel),
        lines,
      });
      return create(
        o,
        {
          type: 'transfer',
          warehouseId: from,
          toWarehouseId: to,
          autoCancelDate: o.autoCancelDate,
          lines: lines.map(inputLine),
        },
        op.submit,
        from === to ? ['validation.invalid-input'] : null,
      );
    }

    case 'returnSales':
    case 'returnPurchase': {
      const sales = op.kind === 'returnSales';
      const want: OrderType = sales ? 'sales' : 'purchase';
      const doneOf = (l: MLine) => (sales ? l.shipped : l.received);
      /** What other open returns (not cancelled or closed) of the original line still have to bring back. */
      const pending = (orig: MOrder, lineNo: number) =>
        orders
          .filter((x) => x.originalOrderId === orig.id && x.status !== 'cancelled' && x.status !== 'closed')
          .flatMap((x) => x.lines)
          .filter((l) => l.originalLineNo === lineNo)
          // A sales return still has to receive its goods; a purchase return still has to ship them.
          .reduce((v, l) => v + openOf(l) - (sales ? l.received : l.shipped), 0);
      const returnable = (orig: MOrder, l: MLine) => Math.max(0, doneOf(l) - l.returned - pending(orig, l.lineNo));
      const orig = choose(op.pick, (o) => o.type === want && o.lines.some((l) => returnable(o, l) > 0));
      const wh = sales ? w.wh[op.wh]! : (orig?.warehouseId ?? w.wh[0]!);
      const asked = new Map<number, number>();
      const lines: MLine[] = (orig ? op.lines : []).map((r, i) => {
        const good = orig!.lines.filter((l) => returnable(orig!, l) - (asked.get(l.lineNo) ?? 0) > 0);
        const src = (good.length > 0 ? good : orig!.lines)[
          r.line % (good.length > 0 ? good.length : orig!.lines.length)
        ]!;
        const q = amount(r.qty, returnable(orig!, src) - (asked.get(src.lineNo) ?? 0));
        asked.set(src.lineNo, (asked.get(src.lineNo) ?? 0) + q);
        const net = proRataModel(src.net, q, src.ordered);
        const tax = proRataModel(src.tax, q, src.ordered);
        return {
          lineNo: i + 1,
          itemId: src.itemId,
          warehouseId: wh,
          ordered: q,
          allocated: 0,
          shipped: 0,
          received: 0,
          returned: 0,
          cancelled: 0,
          unitPrice: 0,
          discount: 0,
          taxBp: 0,
          net,
          tax,
          total: net + tax,
          lot: '',
          originalLineNo: src.lineNo,
          parentLineNo: null,
          inTransit: new Map(),
        };
      });
      if (lines.length === 0)
        lines.push({ ...lineOf(0, { item: 1, qty: 1, price: 0, discountPct: 0, taxBp: 0, lot: -1 }, wh, 'none') });
      const type: OrderType = sales ? 'sales-return' : 'purchase-return';
      const o = newOrder('', '', {
        type,
        customerId: sales ? (orig?.customerId ?? w.customers[0]!.id) : null,
        supplierId: sales ? null : w.supplier,
        warehouseId: wh,
        originalOrderId: orig?.id ?? randomUUID(),
        currency: orig?.currency ?? 'CNY',
        lines,
      });
      let refusal: string[] | null = null;
      if (!orig) refusal = ['order.not-found'];
      else if (orig.type !== want) refusal = ['order.unknown-reference'];
      else
        for (const [lineNo, q] of asked)
          if (
            q >
            returnable(
              orig,
              orig.lines.find((l) => l.lineNo === lineNo)!,
            )
          ) {
            refusal = ['order.not-returnable'];
            break;
          }
      const exchange = sales && op.exchange === true;
      const created = await create(
        o,
        {
          type,
          customerId: o.customerId,
          supplierId: o.supplierId,
          warehouseId: wh,
          originalOrderId: o.originalOrderId,
          exchange,
          lines: lines.map((l) => ({ itemId: l.itemId, quantity: l.ordered, originalLineNo: l.originalLineNo ?? 1 })),
        },
        true,
        refusal,
      );
      if (created && exchange) {
        // Approving an exchange makes the replacement: a draft sales order for the same units, free.
        const rows = await db
          .selectFrom('orders')
          .select(['id', 'number'])
          .where('related_order_id', '=', o.id)
          .where('type', '=', 'sales')
          .execute();
        expect(rows.length, `${where}: one replacement order`).toBe(1);
        m.orders.set(
          rows[0]!.id,
          newOrder(rows[0]!.id, rows[0]!.number, {
            type: 'sales',
            currency: o.currency,
            customerId: o.customerId,
            warehouseId: wh,
            lines: o.lines.map((l) => ({
              ...l,
              unitPrice: 0,
              discount: 0,
              net: 0,
              tax: 0,
              total: 0,
              originalLineNo: null,
              inTransit: new Map(),
            })),
          }),
        );
      }
      return created;
    }

    case 'submit': {
      const o = choose(op.pick, (x) => x.status === 'draft');
      if (!o) return expectOutcome('submitOrder', { orderId: randomUUID() }, ['order.not-found']).then(Boolean);
      const data = await expectOutcome(
        'submitOrder',
        { orderId: o.id },
        !canAct(o, 'submit')
          ? ['order.invalid-transition']
          : o.type === 'sales' && noRate(o)
            ? ['order.no-exchange-rate']
            : null,
      );
      if (!data) return false;
      submit(o);
      expect([data['status'], checksOf(data)], where).toEqual([o.status, o.type === 'sales' ? o.failed : []]);
      return true;
    }

    case 'recheck': {
      const o = choose(op.pick, (x) => x.status === 'held');
      if (!o) return expectOutcome('recheckOrder', { orderId: randomUUID() }, ['order.not-found']).then(Boolean);
      const data = await expectOutcome(
        'recheckOrder',
        { orderId: o.id },
        !canAct(o, 'recheck') ? ['order.invalid-transition'] : noRate(o) ? ['order.no-exchange-rate'] : null,
      );
      if (!data) return false;
      o.failed = audit(o);
      if (o.failed.length === 0) approve(o);
      expect([data['status'], checksOf(data)], where).toEqual([o.status, o.failed]);
      return true;
    }

    case 'release': {
      const o = choose(op.pick, (x) => x.status === 'held');
      const roles = ROLE_SETS[op.roles]!;
      if (!o)
        return expectOutcome(
          'releaseOrder',
          { orderId: randomUUID(), reason: 'prop' },
          ['order.not-found'],
          roles,
        ).then(Boolean);
      let refusal: string[] | null = canAct(o, 'release') ? null : ['order.invalid-transition'];
      if (!refusal)
        for (const check of o.failed) {
          const f = w.force[check];
          if (!f.allowed) refusal = ['order.force-not-allowed'];
          else if (!f.roles.some((r) => roles.includes(r))) refusal = ['order.role-required'];
          if (refusal) break;
        }
      // Approving needs a warehouse on every sales line (checked after the force rules).
      if (!refusal && o.type === 'sales' && o.lines.some((l) => l.warehouseId === null))
        refusal = ['order.warehouse-required'];
      const data = await expectOutcome('releaseOrder', { orderId: o.id, reason: 'prop' }, refusal, roles);
      if (!data) return false;
      approve(o);
      expect(data['status'], where).toBe('approved');
      return true;
    }

    case 'ship': {
      const o = choose(op.pick, (x) => canAct(x, 'ship') && x.lines.some((l) => l.allocated > l.shipped));
      if (!o)
        return expectOutcome('shipOrder', { orderId: randomUUID(), lines: [{ lineNo: 1, quantity: 1 }] }, [
          'order.not-found',
        ]).then(Boolean);
      const asked = new Map<number, number>();
      let refusal: string[] | null = canAct(o, 'ship') ? null : ['order.invalid-transition'];
      const lines = op.lines.map((r) => {
        const ready = (l: MLine) => l.allocated - l.shipped - (asked.get(l.lineNo) ?? 0);
        const good = o.lines.filter((l) => ready(l) > 0);
        const pool = good.length > 0 ? good : o.lines;
        const l = pool[r.line % pool.length]!;
        const quantity = amount(r.qty, ready(l));
        if (!refusal) {
          if (r.bad) refusal = ['order.unknown-reference'];
          else if (quantity > ready(l)) refusal = ['order.over-ship'];
        }
        asked.set(l.lineNo, (asked.get(l.lineNo) ?? 0) + quantity);
        return { lineNo: r.bad ? 99 : l.lineNo, quantity };
      });
      const data = await expectOutcome('shipOrder', { orderId: o.id, lines }, refusal);
      if (!data) return false;
      for (const r of lines) {
        const l = o.lines.find((x) => x.lineNo === r.lineNo)!;
        const dk = demandKeyOf(o, l.lineNo);
        const plan = s.planRelease(dk, r.quantity);
        if (!plan) throw new Error(`${where}: the model holds less than ${r.quantity} for ${dk}`);
        for (const x of plan) {
          s.hold(x.bucket, dk, -x.quantity, now);
          s.move(x.bucket, 'available', -x.quantity, now);
          if (o.type === 'transfer') {
            s.move({ ...x.bucket, warehouseId: o.toWarehouseId! }, 'inTransit', x.quantity, now);
            const lk = `${x.bucket.lot}|${x.bucket.expiry}`;
            l.inTransit.set(lk, (l.inTransit.get(lk) ?? 0) + x.quantity);
          }
        }
        l.shipped += r.quantity;
        // What goes back to the supplier counts as returned on the purchase order's line.
        if (o.type === 'purchase-return' && o.originalOrderId !== null && l.originalLineNo !== null)
          orders.find((x) => x.id === o.originalOrderId)!.lines.find((x) => x.lineNo === l.originalLineNo)!.returned +=
            r.quantity;
      }
      o.status = progressOfModel(o.type, o.lines)!;
      expect(data['status'], where).toBe(o.status);
      return true;
    }

    case 'receive': {
      const due = (x: MOrder, l: MLine) => (x.type === 'transfer' ? l.shipped : openOf(l)) - l.received;
      const o = choose(op.pick, (x) => canAct(x, 'receive') && x.lines.some((l) => due(x, l) > 0));
      if (!o)
        return expectOutcome('receiveOrder', { orderId: randomUUID(), lines: [{ lineNo: 1, quantity: 1 }] }, [
          'order.not-found',
        ]).then(Boolean);
      const asked = new Map<number, number>();
      let refusal: string[] | null = canAct(o, 'receive') ? null : ['order.invalid-transition'];
      const lines = op.lines.map((r) => {
        const left = (l: MLine) => due(o, l) - (asked.get(l.lineNo) ?? 0);
        const good = o.lines.filter((l) => left(l) > 0);
        const pool = good.length > 0 ? good : o.lines;
        const l = pool[r.line % pool.length]!;
        const quantity = amount(r.qty, left(l));
        const it = itemOf(l.itemId);
        const pairs: ReadonlyArray<readonly [string, string]> = it.fefo ? MILK_PAIRS : CABLE_PAIRS;
        const [pl, pe] = pairs[r.pair % pairs.length]!;
        const lot = r.drop === 'lot' ? '' : pl;
        const expiry = r.drop === 'expiry' ? '' : pe;
        if (!refusal) {
          if (quantity > left(l)) refusal = ['order.over-receipt'];
          else if (o.type !== 'transfer' && it.lotTracked && (lot || l.lot) === '')
            refusal = ['inventory.lot-required'];
          else if (o.type !== 'transfer' && it.fefo && expiry === '') refusal = ['inventory.expiry-required'];
        }
        asked.set(l.lineNo, (asked.get(l.lineNo) ?? 0) + quantity);
        return { lineNo: l.lineNo, quantity, lot, expiry, status: r.quality ? 'quality' : 'available' } as const;
      });
      // One status per transfer line: the lots a receipt line took cannot be told apart afterwards.
      if (o.type === 'transfer')
        for (const [i, r] of lines.entries())
          lines[i] = { ...r, status: lines.find((x) => x.lineNo === r.lineNo)!.status };
      const data = await expectOutcome('receiveOrder', { orderId: o.id, lines }, refusal);
      if (!data) return false;
      if (o.type === 'transfer') {
        // Which lots arrive is the command's choice among what travelled on the line; the model checks it.
        const got = await db
          .selectFrom('order_fulfilment_lines')
          .selectAll()
          .where('fulfilment_id', '=', String(data['fulfilmentId']))
          .execute();
        for (const r of lines) {
          const l = o.lines.find((x) => x.lineNo === r.lineNo)!;
          l.received += r.quantity;
        }
        for (const l of o.lines) {
          const mine = got.filter((g) => g.line_no === l.lineNo);
          expect(
            mine.reduce((v, g) => v + g.quantity, 0),
            `${where}: line ${l.lineNo} received`,
          ).toBe(lines.filter((r) => r.lineNo === l.lineNo).reduce((v, r) => v + r.quantity, 0));
          for (const g of mine) {
            const lk = `${g.lot}|${g.expiry}`;
            expect(g.quantity, `${where}: lot ${lk} arrived beyond what travelled`).toBeLessThanOrEqual(
              l.inTransit.get(lk) ?? 0,
            );
            l.inTransit.set(lk, (l.inTransit.get(lk) ?? 0) - g.quantity);
            const k = { itemId: l.itemId, warehouseId: o.toWarehouseId!, lot: g.lot, expiry: g.expiry, ownerId: 'own' };
            s.move(k, 'inTransit', -g.quantity, now);
            // Every part of one receipt line lands in the status that line asked for.
            const status = lines.find((r) => r.lineNo === l.lineNo)!.status;
            s.move(k, status, g.quantity, now);
          }
        }
      } else {
        const orig = o.originalOrderId ? m.orders.get(o.originalOrderId) : undefined;
        for (const r of lines) {
          const l = o.lines.find((x) => x.lineNo === r.lineNo)!;
          const k = {
            itemId: l.itemId,
            warehouseId: o.warehouseId!,
            lot: r.lot || l.lot,
            expiry: r.expiry,
            ownerId: 'own',
          };
          s.move(k, r.status, r.quantity, now);
          l.received += r.quantity;
          if (orig && l.originalLineNo !== null)
            orig.lines.find((x) => x.lineNo === l.originalLineNo)!.returned += r.quantity;
        }
      }
      o.status = progressOfModel(o.type, o.lines)!;
      expect(data['status'], where).toBe(o.status);
      return true;
    }

    case 'cancel':
    case 'close': {
      const o = choose(op.pick, (x) => canAct(x, op.kind));
      const name = op.kind === 'cancel' ? 'cancelOrder' : 'closeOrder';
      if (!o) return expectOutcome(name, { orderId: randomUUID(), reason: 'prop' }, ['order.not-found']).then(Boolean);
      const data = await expectOutcome(
        name,
        { orderId: o.id, reason: 'prop' },
        canAct(o, op.kind) ? null : ['order.invalid-transition'],
      );
      if (!data) return false;
      cancelRemainder(o);
      o.status = op.kind === 'cancel' ? 'cancelled' : closedStatusOfModel(o.type, o.lines);
      expect(data['status'], where).toBe(o.status);
      return true;
    }

    case 'complete': {
      const o = choose(op.pick, (x) => canAct(x, 'complete'));
      if (!o) return expectOutcome('completeOrder', { orderId: randomUUID() }, ['order.not-found']).then(Boolean);
      const data = await expectOutcome(
        'completeOrder',
        { orderId: o.id },
        canAct(o, 'complete') ? null : ['order.invalid-transition'],
      );
      if (!data) return false;
      o.status = 'completed';
      return true;
    }

    case 'splitManual':
    case 'splitAuto': {
      const o = choose(
        op.pick,
        (x) => x.type === 'sales' && canAct(x, 'split') && x.lines.reduce((v, l) => v + openOf(l), 0) >= 2,
      );
      if (!o)
        return expectOutcome('splitOrder', { orderId: randomUUID(), mode: 'auto' }, ['order.not-found']).then(Boolean);
      const open = o.lines.filter((l) => openOf(l) > 0);
      let plan: ReturnType<typeof manualSplitPlan>;
      let input: Data;
      if (op.kind === 'splitManual') {
        const left = new Map(open.map((l) => [l.lineNo, openOf(l)]));
        const parts = op.parts.map((p) => ({
          warehouseId: p.wh < 0 ? null : w.wh[p.wh]!,
          lines: p.lines.map((r) => {
            const l = open.length > 0 ? open[r.line % open.length]! : o.lines[0]!;
            // Mostly less than what is left, so that a remainder part is made.
            const quantity = amount(r.qty, (left.get(l.lineNo) ?? 0) - 1);
            left.set(l.lineNo, (left.get(l.lineNo) ?? 0) - quantity);
            return { lineNo: l.lineNo, quantity };
          }),
        }));
        input = { orderId: o.id, mode: 'manual', parts };
        plan = manualSplitPlan(
          open.map((l) => ({ lineNo: l.lineNo, quantity: openOf(l) })),
          parts,
          o.warehouseId,
        );
      } else {
        input = { orderId: o.id, mode: 'auto' };
        const candidates = [...new Set([...(o.warehouseId ? [o.warehouseId] : []), w.wh[0]!, w.wh[1]!])];
        const parts = autoSplitPlan(
          open.map((l) => ({ lineNo: l.lineNo, item: itemOf(l.itemId), quantity: openOf(l) })),
          WEIGHT_LIMIT,
          (itemId, quantity) => candidates.find((wh) => s.freeStock(itemId, wh) >= quantity) ?? null,
          o.warehouseId,
        );
        plan = parts.length < 2 ? null : parts;
      }
      const refusal = !canAct(o, 'split')
        ? ['order.invalid-transition']
        : plan === null
          ? ['order.split-invalid']
          : null;
      const data = await expectOutcome('splitOrder', input, refusal);
      if (!data || !plan) return false;
      for (const l of o.lines) {
        const held = l.allocated - l.shipped;
        if (held > 0) releaseDemand(demandKeyOf(o, l.lineNo), held);
        l.allocated = 0;
      }
      const children = (data['children'] as Data[]).map((c) => ({ id: String(c['id']), number: String(c['number']) }));
      expect(children.length, `${where}: children`).toBe(plan.length);
      const childLines = childLinesOf(o, plan);
      for (const [i, part] of plan.entries()) {
        const child = newOrder(children[i]!.id, children[i]!.number, {
          ...o,
          id: children[i]!.id,
          number: children[i]!.number,
          parentId: o.id,
          warehouseId: part.warehouseId ?? o.warehouseId,
          lines: childLines[i]!,
          // A child is held for what its parent was held for: releasing it needs the same rights.
          failed: [...o.failed],
        });
        m.orders.set(child.id, child);
        if (child.status === 'approved') reserveLines(child);
      }
      o.status = 'split';
      expect(data['status'], where).toBe('split');
      return true;
    }

    case 'allocate': {
      const isDemand = (x: MOrder) =>
        reserves(x.type) &&
        (x.status === 'approved' || x.status === 'partially-shipped') &&
        x.lines.some((l) => openOf(l) - l.allocated > 0);
      const only = op.only === null ? undefined : choose(op.only, isDemand);
      const input = only ? { orderIds: [only.id] } : {};
      const data = await expectOutcome('allocateOrders', input, null);
      if (!data) return false;
      // Scarce stock first to the better grade, then the earlier promise, then first come.
      const head = new Map(before.orders.map((x) => [x.id, x]));
      const dbLine = new Map(before.lines.map((x) => [`${x.order_id}|${x.line_no}`, x]));
      const demand = orders
        .filter((x) => isDemand(x) && (!only || x.id === only.id))
        .flatMap((x) =>
          x.lines
            .filter((l) => openOf(l) - l.allocated > 0)
            .map((l) => {
              const h = head.get(x.id)!;
              return {
                o: x,
                l,
                grade: customerOf(x.customerId)?.grade ?? 'D',
                date: dbLine.get(`${x.id}|${l.lineNo}`)!.promised_date ?? h.promised_date ?? h.requested_date,
                createdAt: h.created_at,
              };
            }),
        )
        .sort(
          (a, b) =>
            GRADE_RANK[a.grade]! - GRADE_RANK[b.grade]! ||
            (a.date ?? '9999-12-31').localeCompare(b.date ?? '9999-12-31') ||
            a.createdAt.localeCompare(b.createdAt) ||
            (a.o.id < b.o.id ? -1 : a.o.id > b.o.id ? 1 : 0) ||
            a.l.lineNo - b.l.lineNo,
        );
      const expected = [];
      for (const d of demand) {
        if (d.l.warehouseId === null) continue;
        const r = s.allocate(
          {
            itemId: d.l.itemId,
            warehouseId: d.l.warehouseId,
            // A line that names a lot takes only that lot, whichever command allocates it.
            lot: d.l.lot === '' ? undefined : d.l.lot,
            ownerId: 'own',
          },
          openOf(d.l) - d.l.allocated,
          itemOf(d.l.itemId).fefo,
          today,
          demandKeyOf(d.o, d.l.lineNo),
          now,
        );
        d.l.allocated += r.reserved;
        if (r.reserved > 0) expected.push({ orderId: d.o.id, lineNo: d.l.lineNo, quantity: r.reserved });
      }
      expect(
        (data['allocations'] as Data[]).map((a) => ({
          orderId: a['orderId'],
          lineNo: a['lineNo'],
          quantity: a['quantity'],
        })),
        `${where}: allocations in priority order`,
      ).toEqual(expected);
      return true;
    }

    case 'progress': {
      // One open order takes its natural next step, so that sequences reach the later states.
      const live = orders.filter((x) => !['cancelled', 'closed', 'completed', 'split'].includes(x.status));
      const o = live[op.pick % Math.max(live.length, 1)];
      if (!o)
        return perform(
          db,
          w,
          m,
          { kind: 'stockIn', item: op.pick % 2, wh: 0, pair: op.pick % 4, qty: 20 },
          now,
          where,
          before,
        );
      // All of it, or now and then half (so that orders also sit partly shipped or received).
      const all: Share = { pct: op.pick % 3 === 0 ? 50 : 100 };
      // One row per line that has something to do, each taking all of it.
      const due = o.lines.filter((l) => (o.type === 'transfer' ? l.shipped : openOf(l)) > l.received);
      const ready = o.lines.filter((l) => l.allocated > l.shipped);
      const receive: Op = {
        kind: 'receive',
        pick: 0,
        lines: due.map((_, i) => ({ line: i, qty: all, pair: op.pick + i, drop: 'none', quality: false })),
      };
      const back = (kind: 'returnSales' | 'returnPurchase'): Op => ({
        kind,
        pick: 0,
        wh: op.pick % 2,
        lines: [{ line: op.pick, qty: { pct: 50 } }],
      });
      const next: Op =
        op.pick % 4 === 1 && (o.status === 'partially-shipped' || o.status === 'partially-received')
          ? { kind: 'close', pick: 0 }
          : op.pick % 3 === 1 && o.type === 'sales' && o.lines.some((l) => l.shipped > l.returned)
            ? back('returnSales')
            : op.pick % 3 === 1 && o.type === 'purchase' && o.lines.some((l) => l.received > 0)
              ? back('returnPurchase')
              : o.status === 'draft'
                ? { kind: 'submit', pick: 0 }
                : o.status === 'held'
                  ? op.pick % 2 === 0
                    ? { kind: 'release', pick: 0, roles: 3 }
                    : { kind: 'recheck', pick: 0 }
                  : canAct(o, 'receive') && due.length > 0
                    ? receive
                    : canAct(o, 'ship') && ready.length > 0
                      ? { kind: 'ship', pick: 0, lines: ready.map((_, i) => ({ line: i, qty: all, bad: false })) }
                      : canAct(o, 'complete')
                        ? { kind: 'complete', pick: 0 }
                        : { kind: 'allocate', only: 0 };
      return perform(db, w, m, next, now, `${where} → ${JSON.stringify(next)}`, before, o);
    }

    case 'promise': {
      // A new promise date moves the line in the priority queue; it changes no quantity.
      const o = choose(op.pick, (x) => reserves(x.type) && x.lines.some((l) => openOf(l) > l.allocated));
      const lineNo = op.line < 4 ? (o?.lines[op.line % o.lines.length]?.lineNo ?? 1) : 99;
      const data = await expectOutcome(
        'setPromiseDates',
        { orderId: o?.id ?? randomUUID(), lines: [{ lineNo, promisedDate: addDays(today, op.days) }], reason: 'prop' },
        !o ? ['order.not-found'] : lineNo === 99 ? ['order.unknown-reference'] : null,
      );
      return data !== null;
    }

    case 'resolve': {
      // An open exception (now and then a resolved one, or none at all), mostly with an action of its kind.
      const open = before.exceptions.filter((e) => e.status === 'open');
      const pool = open.length > 0 && op.pick % 8 !== 7 ? open : before.exceptions;
      const e = pool.length > 0 ? pool[op.pick % pool.length] : undefined;
      const allowed = e ? (EXCEPTION_ACTIONS_OF[e.kind] ?? ['dismiss']) : ['dismiss'];
      const action =
        op.action < 8 ? allowed[op.action % allowed.length]! : ['retry', 'assign-warehouse'][op.action - 8]!;
      const o = e ? m.orders.get(e.order_id) : undefined;
      const wh = w.wh[op.wh]!;
      let refusal: string[] | null = null;
      if (!e || !o) refusal = ['order.exception-not-found'];
      else if (e.status !== 'open') refusal = ['order.exception-closed'];
      else if (!allowed.includes(action)) refusal = ['order.action-not-allowed'];
      else if (action === 'cancel' && !canAct(o, 'cancel')) refusal = ['order.invalid-transition'];
      else if (action === 'assign-warehouse' && o.status === 'held' && noRate(o)) refusal = ['order.no-exchange-rate'];
      const data = await expectOutcome(
        'resolveException',
        { exceptionId: e?.id ?? randomUUID(), action, warehouseId: wh },
        refusal,
      );
      if (!data || !o) return false;
      if (action === 'cancel') {
        cancelRemainder(o);
        o.status = 'cancelled';
      } else if (action === 'retry') reserveLines(o);
      else if (action === 'assign-warehouse') {
        o.warehouseId = wh;
        for (const l of o.lines) l.warehouseId = wh;
        if (o.status === 'held') {
          o.failed = audit(o);
          if (o.failed.length === 0) approve(o);
        }
      }
      expect(data['orderStatus'], where).toBe(o.status);
      return true;
    }

    case 'jobs': {
      const asOf = addDays(today, op.days);
      const due = orders
        .filter(
          (x) =>
            x.autoCancelDate !== null &&
            x.autoCancelDate < asOf &&
            ['approved', 'held', 'partially-shipped', 'draft'].includes(x.status),
        )
        .sort((a, b) => (a.id < b.id ? -1 : 1));
      const blocked = due.some((x) => !canAct(x, x.status === 'partially-shipped' ? 'close' : 'cancel'));
      const data = await expectOutcome('runOrderJobs', { asOf }, blocked ? ['order.invalid-transition'] : null);
      if (!data) return false;
      for (const x of due) {
        const closing = x.status === 'partially-shipped';
        cancelRemainder(x);
        x.status = closing ? closedStatusOfModel(x.type, x.lines) : 'cancelled';
      }
      expect(
        (data['cancelled'] as Data[]).map((c) => [c['id'], c['status']]),
        where,
      ).toEqual(due.map((x) => [x.id, x.status]));
      return true;
    }

    case 'stockIn': {
      const it = w.items[op.item]!;
      const pairs: ReadonlyArray<readonly [string, string]> = it.fefo ? MILK_PAIRS : CABLE_PAIRS;
      const [lot, expiry] = pairs[op.pair % pairs.length]!;
      const k: Key = { itemId: it.id, warehouseId: w.wh[op.wh]!, lot, expiry, ownerId: 'own' };
      const data = await expectOutcome('receiveStock', { ...k, quantity: op.qty, status: 'available' }, null);
      if (!data) return false;
      s.move(k, 'available', op.qty, now);
      return true;
    }

    case 'adjustDown': {
      const live = s.live();
      const good = live.filter((b) => s.free(b) > 0);
      const pool = good.length > 0 ? good : live;
      const k: Key =
        pool.length > 0
          ? pickKey(pool[op.pick % pool.length]!)
          : { itemId: w.items[1]!.id, warehouseId: w.wh[0]!, lot: '', expiry: '', ownerId: 'own' };
      const free = s.free(k);
      const qty = amount(op.qty, free);
      let refusal: string[] | null = null;
      if (!w.negative.has(k.warehouseId) && free < qty) {
        const frozen = [...s.buckets.values()]
          .filter(
            (b) =>
              b.itemId === k.itemId && b.warehouseId === k.warehouseId && b.ownerId === k.ownerId && b.lot === k.lot,
          )
          .reduce((v, b) => v + b.frozen, 0);
        refusal = [k.lot !== '' && frozen > 0 ? 'inventory.stock-frozen' : 'inventory.insufficient-stock'];
      }
      const data = await expectOutcome(
        'adjustStock',
        { ...k, quantity: -qty, status: 'available', reasonCode: 'damage' },
        refusal,
      );
      if (!data) return false;
      s.move(k, 'available', -qty, now);
      return true;
    }

    case 'count': {
      // Mostly a bucket somebody holds, so that a shortage takes stock away from an order.
      const live = s.live();
      const good = live.filter((b) => s.reserved(b) > 0);
      const pool = good.length > 0 && op.pick % 4 !== 3 ? good : live;
      if (pool.length === 0)
        return expectOutcome('countStock', { itemId: randomUUID(), warehouseId: w.wh[0]!, countedQuantity: 0 }, [
          'inventory.unknown-reference',
        ]).then(Boolean);
      const k = pickKey(pool[op.pick % pool.length]!);
      const b = { ...s.view(k) };
      const onHand = b.available + b.frozen + b.quality;
      const counted = Math.max(onHand + op.delta, 0);
      const data = await expectOutcome('countStock', { ...k, countedQuantity: counted }, null);
      if (!data) return false;
      const difference = counted - onHand;
      if (difference >= 0) s.move(k, 'available', difference, now);
      else {
        // A shortage comes out of available stock first, then quality hold, then frozen.
        let left = -difference;
        for (const status of ['available', 'quality', 'frozen'] as const) {
          const take = Math.min(left, Math.max(s.view(k)[status], 0));
          if (take > 0) s.move(k, status, -take, now);
          left -= take;
        }
        if (left > 0) s.move(k, 'available', -left, now);
        // What the count took from reserved stock can no longer be promised: newest holder first.
        let excess = s.reserved(k) - s.view(k).available;
        for (const h of s.holdersOf(k)) {
          if (excess <= 0) break;
          const take = Math.min(excess, h.quantity);
          s.hold(k, h.demand, -take, now);
          unallocate(h.demand, take);
          excess -= take;
        }
      }
      return true;
    }

    case 'freeze':
    case 'unfreeze': {
      const freezing = op.kind === 'freeze';
      const lotted = s.live().filter((b) => b.lot !== '');
      const good = lotted.filter((b) => (freezing ? b.available > 0 : b.frozen > 0));
      const pool = good.length > 0 ? good : lotted;
      const k = pool.length > 0 ? pool[op.pick % pool.length]! : { itemId: w.items[0]!.id, lot: 'L9' };
      const matched = [...s.buckets.values()].filter(
        (b) => b.itemId === k.itemId && b.lot === k.lot && (freezing ? b.available > 0 : b.frozen > 0),
      );
      const data = await expectOutcome(
        op.kind === 'freeze' ? 'freezeStock' : 'unfreezeStock',
        { selector: { itemId: k.itemId, lot: k.lot }, reason: 'prop' },
        matched.length === 0 ? ['inventory.nothing-matched'] : null,
      );
      if (!data) return false;
      for (const b of matched.map((x) => ({ ...x }))) {
        if (freezing) {
          // Frozen stock cannot stay promised: its reservations end, and the order lines that held
          // them are short again (unallocated), to be re-planned.
          for (const [dk, q] of [...(s.holds.get(keyOf(b)) ?? new Map<string, number>())]) {
            s.hold(b, dk, -q, now);
            unallocate(dk, q);
          }
          s.move(b, 'frozen', b.available, now);
          s.move(b, 'available', -b.available, now);
        } else {
          s.move(b, 'available', b.frozen, now);
          s.move(b, 'frozen', -b.frozen, now);
        }
      }
      return true;
    }

    case 'reserveOther': {
      const it = w.items[op.item]!;
      const f = { itemId: it.id, warehouseId: w.wh[op.wh]!, ownerId: 'own' };
      const takeable = [...s.buckets.values()]
        .filter(
          (b) =>
            b.itemId === f.itemId &&
            b.warehouseId === f.warehouseId &&
            b.ownerId === 'own' &&
            (!it.fefo || b.expiry === '' || b.expiry >= today),
        )
        .reduce((v, b) => v + Math.max(s.free(b), 0), 0);
      const data = await expectOutcome(
        'reserveStock',
        {
          demand: { type: 'work-order', id: `WO-${op.demand}` },
          allowPartial: op.allowPartial,
          lines: [{ demandLine: 1, ...f, quantity: op.qty }],
        },
        !op.allowPartial && takeable < op.qty ? ['inventory.insufficient-stock'] : null,
      );
      if (!data) return false;
      s.allocate(f, op.qty, it.fefo, today, `work-order|WO-${op.demand}|1`, now);
      return true;
    }

    case 'releaseOther': {
      const dk = `work-order|WO-${op.demand}|1`;
      const held = s.heldBy(dk);
      const qty = op.qty === null ? undefined : amount(op.qty, held);
      const data = await expectOutcome(
        'releaseReservation',
        {
          demand: { type: 'work-order', id: `WO-${op.demand}`, line: 1 },
          ...(qty === undefined ? {} : { quantity: qty }),
        },
        qty !== undefined && qty > held ? ['inventory.over-release'] : null,
      );
      if (!data) return false;
      releaseDemand(dk, qty ?? held);
      return true;
    }
  }
}

// ---------- the invariants, read from the database after every command ----------
const SHIPPING = (t: string) => t === 'sales' || t === 'purchase-return';

/** expect(actual).toEqual(expected), paying for expect (and the message) only when it fails. */
function same(actual: unknown, expected: unknown, msg: () => string): void {
  if (!isDeepStrictEqual(actual, expected)) expect(actual, msg()).toEqual(expected);
}
function holds(ok: boolean, msg: () => string): void {
  if (!ok) expect.fail(msg());
}

/** In transit = what open transfer orders still have to receive; stock is reserved only by orders that can ship. */
function checkStranded(s: Snapshot, linesOf: Map<string, Snapshot['lines']>, where: string): void {
  const travelling = new Map<string, number>();
  for (const o of s.orders)
    if (o.type === 'transfer' && ['partially-shipped', 'shipped', 'partially-received'].includes(o.status))
      for (const l of linesOf.get(o.id) ?? [])
        travelling.set(
          `${l.item_id}|${o.to_warehouse_id}`,
          (travelling.get(`${l.item_id}|${o.to_warehouse_id}`) ?? 0) + l.qty_shipped - l.qty_received,
        );
  const inTransit = new Map<string, number>();
  for (const b of s.balances)
    if (b.qty_in_transit !== 0)
      inTransit.set(
        `${b.item_id}|${b.warehouse_id}`,
        (inTransit.get(`${b.item_id}|${b.warehouse_id}`) ?? 0) + b.qty_in_transit,
      );
  same(
    new Map([...inTransit].filter(([, q]) => q !== 0)),
    new Map([...travelling].filter(([, q]) => q !== 0)),
    () => `${where}: stock in transit (item|warehouse) vs what open transfer orders still have to receive`,
  );
  for (const o of s.orders)
    if ((linesOf.get(o.id) ?? []).some((l) => l.qty_allocated > l.qty_shipped))
      holds(
        canAct({ type: o.type as OrderType, status: o.status }, 'ship'),
        () => `${where}: ${o.type} ${o.number} holds stock but cannot ship it when ${o.status}`,
      );
}

async function checkInvariants(db: Db, w: World, m: Model, s: Snapshot, where: string) {
  // (1) Nothing oversold: the projection is the ledgers', every bucket keeps its invariants.
  same(await balanceDifferences(db), [], () => `${where}: balances differ from the ledgers`);
  for (const b of s.balances) {
    const at = () => `${where}: bucket ${b.lot}/${b.expiry} in ${w.whCode.get(b.warehouse_id)} ${JSON.stringify(b)}`;
    holds(
      Math.min(b.qty_frozen, b.qty_quality, b.qty_in_transit, b.qty_reserved) >= 0,
      () => `${at()}: a status below zero`,
    );
    if (!w.negative.has(b.warehouse_id)) {
      holds(b.qty_available >= 0, () => `${at()}: available below zero`);
      holds(b.qty_reserved <= b.qty_available, () => `${at()}: reserved beyond available`);
    }
  }
  // Who holds what, per bucket and demand line: never below zero.
  const holders = new Map<string, number>();
  const perLine = new Map<string, number>();
  const lotsOf = new Map<string, Set<string>>();
  for (const r of s.reservations) {
    const bk = keyOf({
      itemId: r.item_id,
      warehouseId: r.warehouse_id,
      lot: r.lot,
      expiry: r.expiry,
      ownerId: r.owner_id,
    });
    const dk = `${r.demand_type}|${r.demand_id}|${r.demand_line}`;
    holders.set(`${bk}#${dk}`, (holders.get(`${bk}#${dk}`) ?? 0) + r.quantity);
    perLine.set(dk, (perLine.get(dk) ?? 0) + r.quantity);
    if (r.quantity > 0) lotsOf.set(dk, (lotsOf.get(dk) ?? new Set()).add(r.lot));
  }
  for (const [k, q] of holders) holds(q >= 0, () => `${where}: ${k} holds ${q}, less than zero`);

  // (2)–(4), (6) on every order.
  const linesOf = new Map<string, typeof s.lines>();
  for (const l of s.lines) {
    const list = linesOf.get(l.order_id);
    if (list) list.push(l);
    else linesOf.set(l.order_id, [l]);
  }
  const byId = new Map(s.orders.map((o) => [o.id, o]));
  const returnsOf = new Map<string, typeof s.orders>();
  const childrenOf = new Map<string, typeof s.orders>();
  for (const o of s.orders) {
    if (o.original_order_id) returnsOf.set(o.original_order_id, [...(returnsOf.get(o.original_order_id) ?? []), o]);
    if (o.parent_id) childrenOf.set(o.parent_id, [...(childrenOf.get(o.parent_id) ?? []), o]);
  }
  for (const o of s.orders) {
    const at = () => `${where}: ${o.type} ${o.number} (${o.status})`;
    const lines = linesOf.get(o.id) ?? [];
    const type = o.type as OrderType;
    for (const l of lines) {
      const la = () => `${at()} line ${l.line_no} ${JSON.stringify(l)}`;
      const open = l.qty_ordered - l.qty_cancelled;
      // (2) line quantities
      holds(l.qty_cancelled >= 0 && l.qty_cancelled <= l.qty_ordered, () => `${la()}: 0 ≤ cancelled ≤ ordered broken`);
      holds(
        l.qty_allocated >= 0 && l.qty_allocated <= open,
        () => `${la()}: 0 ≤ allocated ≤ ordered − cancelled broken`,
      );
      holds(Math.min(l.qty_shipped, l.qty_received, l.qty_returned) >= 0, () => `${la()}: a quantity below zero`);
      if (receives(type)) {
        holds(l.qty_allocated === 0 && l.qty_shipped === 0, () => `${la()}: a receipt allocates or ships`);
        holds(l.qty_received <= open, () => `${la()}: received beyond ordered − cancelled`);
      } else {
        holds(l.qty_shipped <= l.qty_allocated, () => `${la()}: shipped beyond allocated`);
        if (type === 'transfer') holds(l.qty_received <= l.qty_shipped, () => `${la()}: received beyond shipped`);
        else holds(l.qty_received === 0, () => `${la()}: a shipment receives`);
      }
      holds(
        l.qty_returned <= (type === 'purchase' ? l.qty_received : l.qty_shipped),
        () => `${la()}: returned beyond what went out`,
      );
      // (3) allocation = the reservation ledger
      const dk = `${type === 'transfer' ? 'transfer' : 'sales-order'}|${o.id}|${l.line_no}`;
      same(
        perLine.get(dk) ?? 0,
        reserves(type) ? l.qty_allocated - l.qty_shipped : 0,
        () => `${la()}: reservations vs allocated − shipped`,
      );
      if (l.lot !== '')
        for (const lot of lotsOf.get(dk) ?? [])
          holds(lot === l.lot, () => `${la()}: reserved lot ${lot}, not the line's`);
      holds(l.total_minor === l.net_minor + l.tax_minor, () => `${la()}: total ≠ net + tax`);
    }
    // (4) the header is the lines' projection
    let due = 0;
    let shipped = 0;
    let received = 0;
    let allocated = 0;
    let net = 0;
    let tax = 0;
    let total = 0;
    let short = false;
    for (const l of lines) {
      due += l.qty_ordered - l.qty_cancelled;
      shipped += l.qty_shipped;
      received += l.qty_received;
      allocated += l.qty_allocated;
      net += l.net_minor;
      tax += l.tax_minor;
      total += l.total_minor;
      if (l.qty_allocated < l.qty_ordered - l.qty_cancelled) short = true;
    }
    const done = SHIPPING(type) ? shipped : received;
    same(
      [o.line_count, o.qty_ordered, o.qty_done, o.progress, o.backordered, o.net_minor, o.tax_minor, o.total_minor],
      [
        lines.length,
        due,
        done,
        due <= 0 ? 0 : Math.min(100, Math.floor(((type === 'transfer' ? received : done) * 100) / due)),
        (SHIPPING(type) || type === 'transfer') && short ? 1 : 0,
        net,
        tax,
        total,
      ],
      () => `${at()}: header [lines, qty, done, progress, backordered, net, tax, total] vs its lines`,
    );
    // The status agrees with the quantities.
    const nothingDone = shipped === 0 && received === 0;
    const statusOk: Record<string, () => boolean> = {
      draft: () => nothingDone && allocated === 0,
      held: () => nothingDone && allocated === 0,
      approved: () => nothingDone,
      split: () => nothingDone && allocated === 0,
      'partially-shipped': () => received === 0 && shipped > 0 && shipped < due,
      shipped: () => received === 0 && shipped === due,
      'partially-received': () => received > 0 && received < due,
      received: () => received === due,
      completed: () => (type === 'transfer' ? received : done) === due,
      // Nothing is left open: every line's due is what it did.
      cancelled: () =>
        lines.every((l) => l.qty_ordered - l.qty_cancelled === (receives(type) ? l.qty_received : l.qty_shipped)),
    };
    statusOk['closed'] = statusOk['cancelled']!;
    holds(
      statusOk[o.status]?.() ?? false,
      () =>
        `${at()}: status vs quantities (due ${due}, allocated ${allocated}, shipped ${shipped}, received ${received})`,
    );
    // (6) a split parent's children add up to it, line for line, units and money.
    if (o.status === 'split') {
      const kids = childrenOf.get(o.id) ?? [];
      holds(kids.length >= 2, () => `${at()}: ${kids.length} children`);
      const kidLines = kids.flatMap((k) => linesOf.get(k.id) ?? []);
      for (const l of lines) {
        let [q, n, t, tt, d] = [0, 0, 0, 0, 0];
        for (const k of kidLines)
          if (k.parent_line_no === l.line_no) {
            holds(k.item_id === l.item_id, () => `${at()}: child line of another item`);
            q += k.qty_ordered;
            n += k.net_minor;
            t += k.tax_minor;
            tt += k.total_minor;
            d += k.discount_minor;
          }
        same(
          [q, n, t, tt, d],
          [l.qty_ordered - l.qty_cancelled, l.net_minor, l.tax_minor, l.total_minor, l.discount_minor],
          () => `${at()} line ${l.line_no}: children [qty, net, tax, total, discount] vs parent`,
        );
      }
      holds(
        kidLines.every((k) => lines.some((l) => l.line_no === k.parent_line_no)),
        () => `${at()}: a child line of no parent line`,
      );
    }
    // Returns: what came back is what the returns received; never more than went out.
    if (type === 'sales' || type === 'purchase') {
      const back = (returnsOf.get(o.id) ?? []).flatMap((x) => linesOf.get(x.id) ?? []);
      for (const l of lines) {
        let came = 0;
        for (const rl of back)
          if (rl.original_line_no === l.line_no) came += type === 'sales' ? rl.qty_received : rl.qty_shipped;
        holds(
          came <= (type === 'sales' ? l.qty_shipped : l.qty_received),
          () => `${at()} line ${l.line_no}: ${came} returned, more than went out ${JSON.stringify(l)}`,
        );
        same(l.qty_returned, came, () => `${at()} line ${l.line_no}: returned vs what the returns moved`);
      }
    }
  }
  // Nothing is stranded: every unit in transit belongs to a transfer order that can still receive
  // it, and reserved stock belongs to an order that can still ship it.
  if (!SKIP.has('stranded')) checkStranded(s, linesOf, where);

  // (7) every status change is a row of the transition table; the pseudo-actions change nothing.
  for (const e of s.events) {
    const o = byId.get(e.order_id)!;
    const at = () => `${where}: event ${e.action} ${e.from_status ?? '∅'} → ${e.to_status} of ${o.type} ${o.number}`;
    if ((ORDER_ACTIONS as readonly string[]).includes(e.action))
      holds(
        TRANSITIONS[o.type as CoreOrderType].some(
          (t) => t.from === e.from_status && t.to === e.to_status && t.action === e.action,
        ),
        () => `${at()}: not in the transition table`,
      );
    else if (e.action === 'create') holds(e.from_status === null, () => `${at()}: a create from a status`);
    else
      holds(
        ['allocate', 'promise', 'assign'].includes(e.action) && e.to_status === e.from_status,
        () => `${at()}: an unknown action, or a pseudo-action that changed the status`,
      );
  }

  // The model: buckets, holders, orders and their lines.
  const stored = new Map(
    s.balances.map((b) => [
      keyOf({ itemId: b.item_id, warehouseId: b.warehouse_id, lot: b.lot, expiry: b.expiry, ownerId: b.owner_id }),
      b,
    ]),
  );
  const st = m.stock;
  for (const key of new Set([...stored.keys(), ...st.buckets.keys()])) {
    const b = stored.get(key);
    const [itemId, warehouseId, lot, expiry, ownerId] = key.split('|') as [string, string, string, string, string];
    const mb: MBucket = st.view({ itemId, warehouseId, lot, expiry, ownerId });
    const actual = b
      ? [b.qty_available, b.qty_frozen, b.qty_quality, b.qty_in_transit, b.qty_reserved, b.received_at]
      : [0, 0, 0, 0, 0, NEVER];
    const model = [mb.available, mb.frozen, mb.quality, mb.inTransit, st.reserved(mb), mb.receivedAt];
    // A bucket the model never saw stock in may exist without a receipt date of its own.
    if (!b && model.slice(0, 5).every((x) => x === 0)) continue;
    same(actual, model, () => `${where}: bucket ${lot}/${expiry} in ${w.whCode.get(warehouseId)} vs the model`);
  }
  const modelHolds = new Map<string, number>();
  for (const [bk, mm] of st.holds) for (const [dk, q] of mm) modelHolds.set(`${bk}#${dk}`, q);
  same(new Map([...holders].filter(([, q]) => q !== 0)), modelHolds, () => `${where}: holders per bucket vs the model`);

  same(s.orders.length, m.orders.size, () => `${where}: orders`);
  for (const mo of m.orders.values()) {
    const o = byId.get(mo.id);
    holds(o !== undefined, () => `${where}: order ${mo.number} missing`);
    const at = () => `${where}: ${mo.type} ${mo.number} vs the model`;
    same([o!.status, o!.warehouse_id, o!.parent_id], [mo.status, mo.warehouseId, mo.parentId], at);
    same(
      (linesOf.get(mo.id) ?? []).map((l) => [
        l.line_no,
        l.item_id,
        l.warehouse_id,
        l.qty_ordered,
        l.qty_cancelled,
        l.qty_allocated,
        l.qty_shipped,
        l.qty_received,
        l.qty_returned,
        l.net_minor,
        l.tax_minor,
        l.total_minor,
        l.lot,
      ]),
      mo.lines.map((l) => [
        l.lineNo,
        l.itemId,
        l.warehouseId,
        l.ordered,
        l.cancelled,
        l.allocated,
        l.shipped,
        l.received,
        l.returned,
        l.net,
        l.tax,
        l.total,
        l.lot,
      ]),
      () =>
        `${at()}: lines [no, item, warehouse, ordered, cancelled, allocated, shipped, received, returned, net, tax, total, lot]`,
    );
  }
}

describe.each(['sqlite', 'pglite', 'postgres'] as const)('order command sequences on %s', (backend) => {
  let t: Awaited<ReturnType<typeof openTestDb>>;
  const world: World = {
    wh: [],
    whCode: new Map(),
    negative: new Set(),
    items: [],
    customers: [],
    supplier: '',
    quotaCustomer: '',
    rates: [
      { currency: 'USD', validFrom: '2026-12-01', micros: 7_100_000 },
      { currency: 'USD', validFrom: '2027-01-08', micros: 7_250_000 },
      { currency: 'JPY', validFrom: '2026-12-01', micros: 48_000 },
    ],
    force: {
      stock: { allowed: true, roles: ['supervisor', 'administrator'] },
      quota: { allowed: false, roles: ['supervisor', 'administrator'] },
      credit: { allowed: true, roles: ['supervisor', 'administrator', 'finance-clerk'] },
    },
  };

  beforeAll(async () => {
    t = await openTestDb(backend, 'desktop');
    const must = async (name: string, input: unknown) => {
      const r = (await run(t.db, name, input, new Date(START).toISOString())).result;
      if (!r.ok) throw new Error(`${name}: ${JSON.stringify(r.error)}`);
      return (r.data as { id: string }).id;
    };
    for (const [code, allowNegativeStock] of [
      ['O-A', false],
      ['O-B', false],
      ['O-N', true],
    ] as const) {
      const id = await must('createWarehouse', { code, name: code, allowNegativeStock });
      world.wh.push(id);
      world.whCode.set(id, code);
      if (allowNegativeStock) world.negative.add(id);
    }
    world.items.push({
      id: await must('createItem', {
        sku: 'O-MILK',
        name: 'milk',
        baseUom: 'EA',
        productGroup: 'dairy',
        lotTracked: true,
        expiryTracked: true,
        weightGrams: 1000,
      }),
      fefo: true,
      lotTracked: true,
      group: 'dairy',
      weight: 1000,
    });
    world.items.push({
      id: await must('createItem', {
        sku: 'O-CABLE',
        name: 'cable',
        baseUom: 'EA',
        productGroup: 'hardware',
        weightGrams: 2500,
      }),
      fefo: false,
      lotTracked: false,
      group: 'hardware',
      weight: 2500,
    });
    for (const [code, grade, currency, limit, receivables, deposits] of [
      ['O-CA', 'A', 'CNY', 10_000_000, 0, 0],
      ['O-CB', 'B', 'CNY', 300_000, 0, 0],
      ['O-CC', 'C', 'CNY', 100_000, 50_000, 10_000],
      ['O-CD', 'D', 'CNY', 0, 0, 0],
      ['O-CE', 'B', 'USD', 30_000, 20_000, 0],
    ] as const) {
      const id = await must('createCustomer', { code, name: code, grade, currency, creditLimitMinor: limit });
      if (receivables > 0 || deposits > 0)
        await must('setCreditPosition', {
          customerId: id,
          openReceivablesMinor: receivables,
          depositsMinor: deposits,
        });
      world.customers.push({ id, grade, currency, limit, receivables, deposits });
    }
    world.supplier = await must('createSupplier', { code: 'O-SUP', name: 'supplier' });
    for (const r of world.rates)
      await must('setExchangeRate', { currency: r.currency, validFrom: r.validFrom, rateMicros: r.micros });
    world.quotaCustomer = world.customers[1]!.id;
    await must('saveQuota', {
      customerId: world.quotaCustomer,
      itemId: world.items[1]!.id,
      period: 'month',
      quantity: QUOTA,
    });
    await must('setCheckSetting', {
      check: 'quota',
      enabled: true,
      forceAllowed: false,
      forceRoles: ['supervisor', 'administrator'],
    });
    await must('saveWarehouseRule', {
      position: 1,
      name: 'north',
      region: 'north',
      warehouseIds: [world.wh[0], world.wh[1]],
      mode: 'availability',
    });
    for (const [position, kind, limit] of [
      [1, 'warehouse', null],
      [2, 'product-group', null],
      [3, 'weight', WEIGHT_LIMIT],
    ] as const)
      await must('saveSplitRule', { position, kind, limit });
  });
  afterAll(async () => {
    await t?.close();
  });

  it(
    'keeps stock unoversold, lines consistent, allocation = reservations, splits conserved, transitions legal',
    async () => {
      const { numRuns } = RUNS[backend];
      const maxLength = Number(process.env['ORDER_PROPERTY_STEPS'] ?? 0) || RUNS[backend].maxLength;
      const coverage: Coverage = new Map();
      await fc.assert(
        fc.asyncProperty(stepsArb(maxLength), (steps) => runSequence(t.db, world, steps, coverage)),
        { numRuns, examples: SKIP.has('examples') ? [] : EXAMPLES.map((e) => [e]) },
      );
      if (process.env['ORDER_PROPERTY_VERBOSE']) console.log(backend, Object.fromEntries(coverage), refusals);
      const kinds = [...coverage.values()];
      expect(kinds.reduce((x, c) => x + c.ok, 0)).toBeGreaterThanOrEqual(numRuns);
      expect(kinds.reduce((x, c) => x + c.refused, 0)).toBeGreaterThan(0);
      if (backend === 'sqlite')
        for (const [kind, c] of coverage)
          if (!SKIP.has(kind) && !kind.startsWith('~')) expect(c.ok, `${kind} never accepted`).toBeGreaterThan(0);
    },
    300_000 * SCALE,
  );
});
