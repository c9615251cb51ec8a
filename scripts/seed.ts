import { mkdirSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { parseArgs } from 'node:util';
import { openPglite, openPostgres, openSqlite } from '../db/connect.ts';
import { migrateToLatest } from '../db/migrate.ts';
import { estimateMovements } from '../db/seed/inventory.ts';
import { DEMO_SIZE, seedIfEmpty, todayUtc, type SeedSize } from '../db/seed/seed.ts';

/**
 * npm run seed -- [--data-dir DIR | --pglite DIR | --database-url URL] [--items N] [--customers N]
 *                 [--suppliers N] [--warehouses N] [--locations N] [--seed N]
 *                 [--ledger-days N] [--movements N | --density X] [--as-of YYYY-MM-DD] [--orders N]
 * Fills an EMPTY database; an existing data set is left alone (it says so).
 * The inventory ledger covers --ledger-days (365) days before --as-of (today); --movements sizes it
 * (about that many ledger rows; 0 = no stock at all), --density scales it directly (1 by default).
 * --orders gives the year that many sales orders (db/seed/orders.ts) with purchase, transfer and
 * return orders in proportion: 0 for none, the demo set's 3,000 by default.
 */
const { values } = parseArgs({
  options: {
    'data-dir': { type: 'string' },
    pglite: { type: 'string' },
    'database-url': { type: 'string' },
    items: { type: 'string' },
    customers: { type: 'string' },
    suppliers: { type: 'string' },
    warehouses: { type: 'string' },
    locations: { type: 'string' },
    seed: { type: 'string' },
    'ledger-days': { type: 'string' },
    movements: { type: 'string' },
    density: { type: 'string' },
    'as-of': { type: 'string' },
    orders: { type: 'string' },
  },
});

function count(name: keyof typeof values, fallback: number, max: number): number {
  const text = values[name];
  if (text === undefined) return fallback;
  const n = Number(text);
  if (!Number.isInteger(n) || n < 0 || n > max) {
    console.error(`--${name} must be a whole number from 0 to ${max} (got "${String(text)}")`);
    process.exit(2);
  }
  return n;
}

const size: SeedSize = {
  items: count('items', DEMO_SIZE.items, 1_000_000),
  customers: count('customers', DEMO_SIZE.customers, 1_000_000),
  suppliers: count('suppliers', DEMO_SIZE.suppliers, 100_000),
  warehouses: count('warehouses', DEMO_SIZE.warehouses, 999),
  locationsPerWarehouse: count('locations', DEMO_SIZE.locationsPerWarehouse, 10_000),
  seed: count('seed', DEMO_SIZE.seed, 2 ** 31),
  ledgerDays: count('ledger-days', 365, 3650),
  orders: count('orders', DEMO_SIZE.orders ?? 0, 10_000_000),
};
// Large order books are generated in a worker thread while this one writes (this script runs under tsx).
size.ordersInWorker = (size.orders ?? 0) >= 100_000;

const asOf = values['as-of'] ?? todayUtc();
if (!/^\d{4}-\d{2}-\d{2}$/.test(asOf) || Number.isNaN(Date.parse(asOf))) {
  console.error(`--as-of must be a date YYYY-MM-DD (got "${asOf}")`);
  process.exit(2);
}
size.asOf = asOf;
if (values.movements !== undefined && values.density !== undefined) {
  console.error('Give --movements or --density, not both');
  process.exit(2);
}
if (values.density !== undefined) {
  const d = Number(values.density);
  if (!Number.isFinite(d) || d < 0 || d > 100) {
    console.error(`--density must be a number from 0 to 100 (got "${values.density}")`);
    process.exit(2);
  }
  size.ledgerDensity = d;
}
if (values.movements !== undefined) {
  const wanted = count('movements', 0, 100_000_000);
  const estimate = estimateMovements(size.items, size.warehouses, size.ledgerDays);
  size.ledgerDensity = wanted === 0 || estimate === 0 ? 0 : wanted / estimate;
}

async function open() {
  if (values['database-url']) return { conn: await openPostgres(values['database-url']), target: 'server' as const };
  if (values.pglite) return { conn: await openPglite(resolve(values.pglite)), target: 'server' as const };
  const { resolveShellOptions } = await import('../main/app/options.ts');
  const dir = resolveShellOptions({ 'data-dir': values['data-dir'] }, process.env).dataDir;
  mkdirSync(dir, { recursive: true });
  return { conn: openSqlite(join(dir, 'oms.sqlite')), target: 'desktop' as const, dir };
}

const { conn, target } = await open();
try {
  await migrateToLatest(conn.db, target);
  const started = performance.now();
  const report = await seedIfEmpty(conn.db, size);
  if (report === null) console.log('The database already holds data; nothing was seeded.');
  else {
    const { inventory, orders, ...master } = report;
    console.log(
      `Seeded ${conn.backend} in ${Math.round(performance.now() - started)} ms: ` +
        Object.entries(master)
          .map(([k, n]) => `${n} ${k}`)
          .join(', '),
    );
    if (inventory) {
      const kinds = Object.entries(inventory.movementsByKind)
        .map(([k, n]) => `${k} ${n}`)
        .join(', ');
      console.log(
        `Inventory as of ${asOf}: ${inventory.movements} movements (${kinds}), ${inventory.reservations} ` +
          `reservation rows (${inventory.openDemandLines} open demand lines), ${inventory.buckets} buckets, ` +
          `${inventory.transfers} transfers (${inventory.transfersOpen} open), ${inventory.rules} rules ` +
          `(${inventory.rulesBelowMin} below min), ${inventory.proposalsOpen} open proposals; ` +
          `simulate ${inventory.ms.simulate} ms, write ${inventory.ms.write} ms, rebuild ${inventory.ms.rebuild} ms`,
      );
      if (inventory.networkLot)
        console.log(
          `Lot ${inventory.networkLot.lot} of ${inventory.networkLot.sku} is in ${inventory.networkLot.warehouses.join(', ')}` +
            (inventory.frozenLot
              ? `; lot ${inventory.frozenLot.lot} of ${inventory.frozenLot.sku} is frozen (recall)`
              : ''),
        );
    }
    if (orders) {
      const statuses = Object.entries(orders.byStatus.sales)
        .map(([k, n]) => `${k} ${n}`)
        .join(', ');
      const open = Object.entries(orders.openExceptions)
        .map(([k, n]) => `${k} ${n}`)
        .join(', ');
      console.log(
        `Orders: ${orders.orders} (${Object.entries(orders.byType)
          .map(([k, n]) => `${k} ${n}`)
          .join(', ')}) with ${orders.lines} lines, ${orders.events} events, ${orders.checkResults} check ` +
          `results, ${orders.fulfilments} shipments and receipts; sales by status: ${statuses}; open ` +
          `exceptions: ${open}; ${orders.adopted.orders} orders from the inventory's reservations, allocation ` +
          `run ${orders.allocationRun.lines} lines; generate ${orders.ms.generate} ms, write ${orders.ms.write} ms, ` +
          `indexes ${orders.ms.indexes} ms, in all ${orders.ms.total} ms`,
      );
    }
  }
} finally {
  await conn.close();
}
