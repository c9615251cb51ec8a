import { PostgresAdapter, sql, type Kysely } from 'kysely';
import { Migrator, type Migration, type MigrationProvider } from 'kysely/migration';
import * as shared0001 from './migrations/shared/0001_master_data.ts';
import * as shared0002 from './migrations/shared/0002_inventory.ts';
import * as shared0003 from './migrations/shared/0003_orders.ts';
import * as shared0004 from './migrations/shared/0004_order_grid_indexes.ts';
import * as shared0005 from './migrations/shared/0005_dock.ts';
import * as desktop0003 from './migrations/desktop/0003_printing.ts';
import * as desktop0001 from './migrations/desktop/0001_outbox.ts';
import * as desktop0002 from './migrations/desktop/0002_sync.ts';
import * as server0001 from './migrations/server/0001_sync.ts';

export interface NamedMigration {
  name: string;
  migration: Migration;
}

/*
 * Listed by hand, never discovered from the folder: a bundled Electron app has no migrations
 * directory to scan, and the order of a list is reviewable. Append only; see shipped.json.
 */
export const sharedMigrations: readonly NamedMigration[] = [
  { name: '0001_master_data', migration: shared0001 },
  { name: '0002_inventory', migration: shared0002 },
  { name: '0003_orders', migration: shared0003 },
  { name: '0004_order_grid_indexes', migration: shared0004 },
  { name: '0005_dock', migration: shared0005 },
];
export const desktopMigrations: readonly NamedMigration[] = [
  { name: '0001_outbox', migration: desktop0001 },
  { name: '0002_sync', migration: desktop0002 },
  { name: '0003_printing', migration: desktop0003 },
];
export const serverMigrations: readonly NamedMigration[] = [{ name: '0001_sync', migration: server0001 }];

/** `shared`: the shared tables alone (tests of the shared schema on PostgreSQL). */
export type MigrationTarget = 'desktop' | 'server' | 'shared';

async function currentSchema<T>(db: Kysely<T>): Promise<string> {
  const { rows } = await sql<{ schema: string }>`select current_schema() as schema`.execute(db);
  const schema = rows[0]?.schema;
  if (!schema) throw new Error('PostgreSQL search_path names no existing schema');
  return schema;
}

class ListProvider implements MigrationProvider {
  constructor(private readonly list: readonly NamedMigration[]) {}
  async getMigrations(): Promise<Record<string, Migration>> {
    return Object.fromEntries(this.list.map((m) => [m.name, m.migration]));
  }
}

/*
 * Each list keeps its own bookkeeping table: both start at 0001, and one table would make the
 * Migrator see the desktop list's names as interleaved with (or missing from) the shared list.
 */
const LISTS = {
  shared: {
    name: 'shared',
    list: sharedMigrations,
    table: 'kysely_migration_shared',
    lock: 'kysely_migration_lock_shared',
  },
  desktop: {
    name: 'desktop',
    list: desktopMigrations,
    table: 'kysely_migration_desktop',
    lock: 'kysely_migration_lock_desktop',
  },
  server: {
    name: 'server',
    list: serverMigrations,
    table: 'kysely_migration_server',
    lock: 'kysely_migration_lock_server',
  },
} as const;

/**
 * Brings the database up to the newest migration of each list the target uses and returns the
 * schema version it is now at, e.g. "shared/0001_master_data desktop/0001_outbox".
 */
export async function migrateToLatest<T>(db: Kysely<T>, target: MigrationTarget): Promise<string> {
  const parts =
    target === 'desktop'
      ? [LISTS.shared, LISTS.desktop]
      : target === 'server'
        ? [LISTS.shared, LISTS.server]
        : [LISTS.shared];
  const version: string[] = [];
  // Kysely's Migrator looks for its tables in every schema unless told one; with several schemas
  // in one database (tests, tenants) it would find another schema's table and skip creating its own.
  const migrationTableSchema =
    db.getExecutor().adapter instanceof PostgresAdapter ? await currentSchema(db) : undefined;
  for (const part of parts) {
    const migrator = new Migrator({
      db,
      provider: new ListProvider(part.list),
      migrationTableName: part.table,
      migrationLockTableName: part.lock,
      migrationTableSchema,
    });
    let { error, results } = await migrator.migrateToLatest();
    // Kysely's Migrator reads the catalog of every schema of the database before it starts; a
    // schema another tenant (or test run) drops at that moment makes the read fail with
    // invalid_schema_name (or, for a table dropped there, an undefined column or table), though
    // nothing of ours is wrong. Nothing ran yet: read again.
    for (let attempt = 1; attempt < 5 && isOtherSchemaDropped(error, results, migrationTableSchema); attempt++) {
      await new Promise((r) => setTimeout(r, 50 * attempt));
      ({ error, results } = await migrator.migrateToLatest());
    }
    if (error !== undefined) {
      const failed = results?.find((r) => r.status === 'Error')?.migrationName ?? '(before any migration)';
      throw new Error(`Migration ${failed} failed: ${error instanceof Error ? error.message : String(error)}`, {
        cause: error,
      });
    }
    const last = part.list.at(-1);
    if (last) version.push(`${part.name}/${last.name}`);
  }
  return version.join(' ');
}

function isOtherSchemaDropped(
  error: unknown,
  results: readonly { status: string }[] | undefined,
  ours: string | undefined,
): boolean {
  if (error === undefined || results?.some((r) => r.status !== 'NotExecuted')) return false;
  const e = error as { code?: unknown; message?: unknown; routine?: unknown };
  if (e.code === '3F000') return !(ours !== undefined && String(e.message).includes(`"${ours}"`));
  // The same read racing a table dropped elsewhere: pg_get_serial_sequence on a column or table
  // that went away meanwhile (undefined_column / undefined_table / "relation with OID").
  return (
    e.routine === 'pg_get_serial_sequence' ||
    ((e.code === '42703' || e.code === '42P01' || e.code === 'XX000') && /OID|does not exist/.test(String(e.message)))
  );
}
