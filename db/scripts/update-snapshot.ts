/*
 * Regenerates db/schema.snapshot.json from freshly migrated SQLite and PostgreSQL databases.
 * Run on purpose after adding a migration:  npx tsx db/scripts/update-snapshot.ts
 * (PostgreSQL from OMS_TEST_DATABASE_URL, default postgres://127.0.0.1:5432/test).
 */
import { writeFileSync } from 'node:fs';
import { isDeepStrictEqual } from 'node:util';
import { openTestDb } from '../testing/backends.ts';
import { introspectSchema, type SchemaSnapshot } from '../testing/introspect.ts';

const SNAPSHOT = new URL('../schema.snapshot.json', import.meta.url);

async function shapeOf(backend: 'sqlite' | 'postgres') {
  const t = await openTestDb(backend, 'desktop');
  try {
    return await introspectSchema(t.db, backend);
  } finally {
    await t.close();
  }
}

async function main(): Promise<void> {
  const lite = await shapeOf('sqlite');
  const pg = await shapeOf('postgres');
  if (!isDeepStrictEqual(lite.tables, pg.tables))
    throw new Error('SQLite and PostgreSQL columns differ: a migration used a dialect-specific type');
  const snapshot: SchemaSnapshot = { tables: lite.tables, indexes: { sqlite: lite.indexes, postgres: pg.indexes } };
  writeFileSync(SNAPSHOT, JSON.stringify(snapshot, null, 2) + '\n');
  console.log(`Wrote ${SNAPSHOT.pathname}`);
}

main().catch((err: unknown) => {
  console.error(err);
  process.exitCode = 1;
});
