import { randomUUID } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { sql } from 'kysely';
import { openPglite, openPostgres, openSqlite, type Backend, type OpenedDb } from '../connect.ts';
import { migrateToLatest, type MigrationTarget } from '../migrate.ts';
import { ensureClientId } from '../outbox.queries.ts';

export const BACKENDS = ['sqlite', 'pglite', 'postgres'] as const satisfies readonly Backend[];

export const testDatabaseUrl = (): string => process.env.OMS_TEST_DATABASE_URL ?? 'postgres://127.0.0.1:5432/test';

/** Hides the user name and password, if any, so the message can be printed. */
const redact = (url: string) => url.replace(/\/\/[^@/]*@/, '//***@');

async function openTestPostgres(): Promise<OpenedDb> {
  const url = testDatabaseUrl();
  // One schema per opened database lets test files run in parallel against one server.
  const schema = `t_${randomUUID().replaceAll('-', '')}`;
  let conn: OpenedDb;
  try {
    conn = await openPostgres(url, { schema });
  } catch (err) {
    // Never skip: a silently skipped backend is how PostgreSQL-only bugs reach the server.
    throw new Error(
      `Cannot use PostgreSQL at ${redact(url)} (${err instanceof Error ? err.message : String(err)}). ` +
        'Start it with: pg_ctlcluster --skip-systemctl-redirect $(ls /etc/postgresql) main start ' +
        '(or set OMS_TEST_DATABASE_URL).',
      { cause: err },
    );
  }
  return {
    ...conn,
    async close() {
      try {
        await sql`drop schema if exists ${sql.id(schema)} cascade`.execute(conn.db);
      } finally {
        await conn.close();
      }
    },
  };
}

function openTestSqlite(): OpenedDb {
  // A real file, not :memory:, so WAL and reopen behave as on a desktop.
  const dir = mkdtempSync(join(tmpdir(), 'oms-db-'));
  const conn = openSqlite(join(dir, 'oms.sqlite'));
  return {
    ...conn,
    async close() {
      try {
        await conn.close();
      } finally {
        rmSync(dir, { recursive: true, force: true });
      }
    },
  };
}

/** Opens an empty database and migrates it. PGlite costs ~5 s and ~1 GB: open one per test file. */
export async function openTestDb(backend: Backend, target: MigrationTarget): Promise<OpenedDb> {
  const conn =
    backend === 'sqlite' ? openTestSqlite() : backend === 'pglite' ? await openPglite() : await openTestPostgres();
  try {
    await migrateToLatest(conn.db, target);
    // The desktop host gives every database its client id when it opens it; tests start the same way.
    if (target === 'desktop') await ensureClientId(conn.db, randomUUID);
  } catch (err) {
    await conn.close();
    throw err;
  }
  return conn;
}
