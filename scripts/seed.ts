import { mkdirSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { parseArgs } from 'node:util';
import { openPglite, openPostgres, openSqlite } from '../db/connect.ts';
import { migrateToLatest } from '../db/migrate.ts';
import { DEMO_SIZE, seedIfEmpty, type SeedSize } from '../db/seed/seed.ts';

/**
 * npm run seed -- [--data-dir DIR | --pglite DIR | --database-url URL] [--items N] [--customers N]
 *                 [--suppliers N] [--warehouses N] [--locations N] [--seed N]
 * Fills an EMPTY database; an existing data set is left alone (it says so).
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
};

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
  else
    console.log(
      `Seeded ${conn.backend} in ${Math.round(performance.now() - started)} ms: ` +
        Object.entries(report)
          .map(([k, n]) => `${n} ${k}`)
          .join(', '),
    );
} finally {
  await conn.close();
}
