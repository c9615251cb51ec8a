import { tablesChecksum } from '../testing/checksum.ts';
import { sql, type Kysely } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { assertBucket, type Bucket } from '../../core/inventory/rules.ts';
import { MOVEMENT_KINDS, STOCK_STATUSES } from '../../core/inventory/schemas.ts';
import { balanceDifferences, listProposals, lowStock, NEVER_RECEIVED } from '../inventory.queries.ts';
import type { DB } from '../schema.ts';
import { BACKENDS, openTestDb } from '../testing/backends.ts';
import { DEMO_SIZE, seedDatabase, seedIfEmpty, type SeedReport, type SeedSize } from './seed.ts';

/** A small world: one distribution centre, four regional warehouses, a year of ledger. */
const SMALL: SeedSize = {
  items: 40,
  customers: 5,
  suppliers: 6,
  warehouses: 5,
  locationsPerWarehouse: 6,
  seed: 11,
  asOf: '2026-06-30',
  ledgerDays: 365,
  ledgerDensity: 1,
};

const TABLES = {
  stock_movements: 'id',
  stock_reservations: 'id',
  stock_transfers: 'id',
  stock_transfer_lines: 'transfer_id',
  replenishment_rules: 'item_id',
  replenishment_proposals: 'id',
} as const;

const ledgerChecksum = (db: Kysely<DB>) => tablesChecksum(db, Object.keys(TABLES) as Array<keyof typeof TABLES>);

async function seededChecksum(size: SeedSize): Promise<string> {
  const t = await openTestDb('sqlite', 'desktop');
  try {
    await seedDatabase(t.db, size);
    return await ledgerChecksum(t.db);
  } finally {
    await t.close();
  }
}

let reference: Promise<string> | undefined;

/** Replays both ledgers operation by operation in time order, checking each touched bucket after each. */
async function replayInTimeOrder(db: Kysely<DB>): Promise<{ ops: number; violations: string[] }> {
  const moves = await db.selectFrom('stock_movements').selectAll().execute();
  const holds = await db.selectFrom('stock_reservations').selectAll().execute();
  type Row = { op: string; at: string; key: string; status: string; quantity: number };
  const rows: Row[] = [
    ...moves.map((m) => ({
      op: m.op_id,
      at: m.created_at,
      key: `${m.item_id}|${m.warehouse_id}|${m.lot}|${m.expiry}|${m.owner_id}`,
      status: m.status,
      quantity: Number(m.quantity),
    })),
    ...holds.map((r) => ({
      op: r.op_id,
      at: r.created_at,
      key: `${r.item_id}|${r.warehouse_id}|${r.lot}|${r.expiry}|${r.owner_id}`,
      status: 'reserved',
      quantity: Number(r.quantity),
    })),
  ];
  const ops = new Map<string, Row[]>();
  for (const r of rows) ops.set(r.op, [...(ops.get(r.op) ?? []), r]);
  const order = [...ops.values()].sort((a, b) => ((a[0] as Row).at < (b[0] as Row).at ? -1 : 1));
  const buckets = new Map<string, Bucket>();
  const violations: string[] = [];
  for (const op of order) {
    const ats = new Set(op.map((r) => r.at));
    if (ats.size !== 1) violations.push(`op ${op[0]?.op} spans ${ats.size} times`);
    const touched = new Set<Bucket>();
    for (const r of op) {
      let b = buckets.get(r.key);
      if (!b) {
        const [itemId = '', warehouseId = '', lot = '', expiry = '', ownerId = ''] = r.key.split('|');
        b = {
          itemId,
          warehouseId,
          lot,
          expiry,
          ownerId,
          qtyAvailable: 0,
          qtyFrozen: 0,
          qtyQuality: 0,
          qtyInTransit: 0,
          qtyReserved: 0,
          receivedAt: NEVER_RECEIVED,
        };
        buckets.set(r.key, b);
      }
      if (r.status === 'available') b.qtyAvailable += r.quantity;
      else if (r.status === 'frozen') b.qtyFrozen += r.quantity;
      else if (r.status === 'quality') b.qtyQuality += r.quantity;
      else if (r.status === 'in_transit') b.qtyInTransit += r.quantity;
      else b.qtyReserved += r.quantity;
      touched.add(b);
    }
    for (const b of touched)
      try {
        assertBucket(b, false);
      } catch (err) {
        violations.push(`${op[0]?.at} ${b.lot}: ${(err as Error).message}`);
      }
  }
  return { ops: order.length, violations };
}

describe.each(BACKENDS)('inventory seed on %s', (backend) => {
  let t: Awaited<ReturnType<typeof openTestDb>>;
  let report: SeedReport;

  beforeAll(async () => {
    reference ??= seededChecksum(SMALL);
    t = await openTestDb(backend, 'desktop');
    report = await seedDatabase(t.db, SMALL);
  });
  afterAll(async () => {
    await t?.close();
  });

  it('writes the same ledger for the same seed, on every backend', async () => {
    expect(report.inventory?.movements).toBeGreaterThan(3000);
    expect(await ledgerChecksum(t.db)).toBe(await reference);
  });

  it('projects balances equal to the ledgers', async () => {
    expect(await balanceDifferences(t.db)).toEqual([]);
    const n = await t.db
      .selectFrom('stock_balances')
      .select((eb) => eb.fn.countAll<number>().as('n'))
      .executeTakeFirstOrThrow();
    expect(Number(n.n)).toBe(report.inventory?.buckets);
  });

  it('keeps the invariants: no negative status, reserved covered by available', async () => {
    const bad = await t.db
      .selectFrom('stock_balances')
      .selectAll()
      .where((eb) =>
        eb.or([
          eb('qty_available', '<', 0),
          eb('qty_frozen', '<', 0),
          eb('qty_quality', '<', 0),
          eb('qty_in_transit', '<', 0),
          eb('qty_reserved', '<', 0),
          eb('qty_reserved', '>', eb.ref('qty_available')),
        ]),
      )
      .execute();
    expect(bad).toEqual([]);
  });

  it('never goes negative replayed in time order', async () => {
    const { ops, violations } = await replayInTimeOrder(t.db);
    expect(ops).toBeGreaterThan(1000);
    expect(violations).toEqual([]);
  });

  it('has a lot with free stock in three or more warehouses, the one it reports', async () => {
    const lots = await t.db
      .selectFrom('stock_balances as b')
      .innerJoin('items as i', 'i.id', 'b.item_id')
      .select(['i.sku', 'b.lot'])
      .select((eb) => eb.fn.count<number>('b.warehouse_id').distinct().as('warehouses'))
      .where('b.lot', '<>', '')
      .where('b.owner_id', '=', 'own')
      .where((eb) => eb('b.qty_available', '>', eb.ref('b.qty_reserved')))
      .groupBy(['i.sku', 'b.lot'])
      .having((eb) => eb.fn.count('b.warehouse_id').distinct(), '>=', 3)
      .execute();
    const network = report.inventory?.networkLot;
    expect(network).not.toBeNull();
    expect(lots.map((l) => `${l.sku} ${l.lot}`)).toContain(`${network?.sku} ${network?.lot}`);
    expect(network?.warehouses.length).toBeGreaterThanOrEqual(3);
  });

  it('shows every figure: frozen, quality hold, in transit, reserved, consignment', async () => {
    const s = await t.db
      .selectFrom('stock_balances')
      .select((eb) => [
        eb.fn.sum<number>('qty_frozen').as('frozen'),
        eb.fn.sum<number>('qty_quality').as('quality'),
        eb.fn.sum<number>('qty_in_transit').as('inTransit'),
        eb.fn.sum<number>('qty_reserved').as('reserved'),
      ])
      .executeTakeFirstOrThrow();
    for (const v of Object.values(s)) expect(Number(v)).toBeGreaterThan(0);
    const consigned = await t.db
      .selectFrom('stock_balances')
      .select('owner_id')
      .where('owner_id', '<>', 'own')
      .where('qty_available', '>', 0)
      .execute();
    expect(consigned.length).toBeGreaterThan(0);
    const kinds = await t.db.selectFrom('stock_movements').select('kind').distinct().execute();
    // Shipments, returns and the dock's movements belong to documents: the inventory seed makes every other kind.
    const orderKinds = ['ship', 'return', 'dock-arrive', 'dock-short'];
    expect(kinds.map((k) => k.kind).sort()).toEqual(MOVEMENT_KINDS.filter((k) => !orderKinds.includes(k)).sort());
    const statuses = await t.db.selectFrom('stock_movements').select('status').distinct().execute();
    expect(statuses.map((k) => k.status).sort()).toEqual([...STOCK_STATUSES].sort());
  });

  it('agrees with its transfer documents: what is on the road is in transit', async () => {
    const open = await t.db
      .selectFrom('stock_transfer_lines as l')
      .innerJoin('stock_transfers as h', 'h.id', 'l.transfer_id')
      .select((eb) => eb.fn.sum<number>(eb('l.qty_shipped', '-', eb.ref('l.qty_received'))).as('q'))
      .executeTakeFirstOrThrow();
    const transit = await t.db
      .selectFrom('stock_balances')
      .select((eb) => eb.fn.sum<number>('qty_in_transit').as('q'))
      .executeTakeFirstOrThrow();
    expect(Number(open.q)).toBe(Number(transit.q));
    const statuses = await t.db.selectFrom('stock_transfers').select('status').distinct().execute();
    expect(statuses.map((s) => s.status)).toContain('in_transit');
    expect(statuses.map((s) => s.status)).toContain('received');
  });

  it('lists rules below minimum and open proposals', async () => {
    expect((await lowStock(t.db, { limit: 1000 })).length).toBe(report.inventory?.rulesBelowMin);
    expect(report.inventory?.rulesBelowMin).toBeGreaterThan(0);
    const proposals = await listProposals(t.db, { status: 'open', limit: 100 });
    expect(proposals.length).toBeGreaterThanOrEqual(2);
  });
});

describe('the demo data set (npm start, first run)', () => {
  let t: Awaited<ReturnType<typeof openTestDb>>;
  let report: SeedReport | null;

  beforeAll(async () => {
    t = await openTestDb('sqlite', 'desktop');
    report = await seedIfEmpty(t.db);
  });
  afterAll(async () => {
    await t?.close();
  });

  it('holds stock in several warehouses per item, ending yesterday', async () => {
    const inv = report?.inventory;
    expect(inv?.movements).toBeGreaterThan(20_000);
    const perItem = await t.db
      .selectFrom('stock_balances')
      .select('item_id')
      .select((eb) => eb.fn.count<number>('warehouse_id').distinct().as('n'))
      .where('qty_available', '>', 0)
      .groupBy('item_id')
      .execute();
    expect(perItem.length).toBeGreaterThan(DEMO_SIZE.items * 0.9);
    expect(perItem.filter((r) => Number(r.n) >= 3).length).toBeGreaterThan(DEMO_SIZE.items / 2);
    const last = await t.db
      .selectFrom('stock_movements')
      .select((eb) => eb.fn.max('created_at').as('at'))
      .executeTakeFirstOrThrow();
    expect(String(last.at) < new Date().toISOString().slice(0, 10)).toBe(true);
  });

  it('has what the inventory screens and the end-to-end tests need', async () => {
    const inv = report?.inventory;
    expect(inv?.networkLot?.warehouses.length).toBeGreaterThanOrEqual(3);
    expect(inv?.frozenLot).not.toBeNull();
    expect(inv?.rulesBelowMin).toBeGreaterThan(0);
    expect(inv?.proposalsOpen).toBeGreaterThanOrEqual(2);
    expect(inv?.transfersOpen).toBeGreaterThan(0);
    expect(inv?.openDemandLines).toBeGreaterThan(0);
    expect(await balanceDifferences(t.db)).toEqual([]);
  });

  it('is loaded once: a second start leaves the database alone', async () => {
    expect(await seedIfEmpty(t.db)).toBeNull();
  });

  it('yields another ledger for another seed', async () => {
    expect(await seededChecksum({ ...SMALL, seed: 12 })).not.toBe(await (reference ??= seededChecksum(SMALL)));
  });
});

// What the seed changes on the connection for its load must be as it was afterwards.
describe('the seed on SQLite', () => {
  it('restores the page cache size and the ledger indexes after loading', async () => {
    const t = await openTestDb('sqlite', 'desktop');
    const cacheSize = async () =>
      (await sql<{ cache_size: number }>`pragma cache_size`.execute(t.db)).rows[0]?.cache_size;
    const indexes = async () =>
      (
        await sql<{ name: string; sql: string }>`select name, sql from sqlite_master
          where type = 'index' and tbl_name like 'stock%' order by name`.execute(t.db)
      ).rows;
    try {
      const before = { cache: await cacheSize(), indexes: await indexes() };
      expect(before.indexes.length).toBeGreaterThan(3);
      await seedDatabase(t.db, { ...SMALL, items: 10 });
      expect({ cache: await cacheSize(), indexes: await indexes() }).toEqual(before);
    } finally {
      await t.close();
    }
  });
});
