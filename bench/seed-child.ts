import { openSqlite } from '../db/connect.ts';
import { migrateToLatest } from '../db/migrate.ts';
import { seedDatabase, type SeedSize } from '../db/seed/seed.ts';

/**
 * Seeds one SQLite file in a process of its own and prints the report as JSON on the last line,
 * so the benchmarks after it run in a process without the generator's garbage in its heap.
 * tsx bench/seed-child.ts FILE SIZE_JSON
 */
const [file, sizeJson] = process.argv.slice(2);
if (!file || !sizeJson) throw new Error('usage: seed-child.ts FILE SIZE_JSON');
const size = JSON.parse(sizeJson) as SeedSize;
const conn = openSqlite(file);
try {
  await migrateToLatest(conn.db, 'desktop');
  const started = performance.now();
  const report = await seedDatabase(conn.db, size);
  console.log(JSON.stringify({ ms: Math.round(performance.now() - started), report }));
} finally {
  await conn.close();
}
