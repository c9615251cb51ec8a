import { PGlite } from '@electric-sql/pglite';
import SqliteDatabase from 'better-sqlite3';
import {
  Kysely,
  PGliteDialect,
  PostgresDialect,
  SqliteDialect,
  sql,
  type KyselyPlugin,
  type PluginTransformQueryArgs,
  type PluginTransformResultArgs,
  type QueryResult,
  type RootOperationNode,
  type Transaction,
  type UnknownRow,
} from 'kysely';
import { userInfo } from 'node:os';
import pg from 'pg';
import type { DB } from './schema.ts';

export type Backend = 'sqlite' | 'pglite' | 'postgres';

export interface OpenedDb {
  db: Kysely<DB>;
  backend: Backend;
  close(): Promise<void>;
  /** PostgreSQL / PGlite: LISTEN on a channel; resolves to an unsubscribe function. */
  listen?(channel: string, onPayload: (payload: string) => void): Promise<() => Promise<void>>;
}

/** What query functions take, so the same function runs alone or inside a caller's transaction. */
export type Database = Kysely<DB> | Transaction<DB>;

const INT8_OID = 20;

/** int8 arrives as text; a number is what records hold, but never a silently rounded one. */
export function parseInt8(text: string): number {
  return bigintToNumber(BigInt(text));
}

/** Synchronous: better-sqlite3 opens the file at once, and the app host opens it before anything else. */
/**
 * better-sqlite3 would round integers above 2^53 silently; reading them as BigInt and converting
 * here gives SQLite the same "exact number or an error" rule as int8 on PostgreSQL.
 */
class SafeIntegerPlugin implements KyselyPlugin {
  transformQuery(args: PluginTransformQueryArgs): RootOperationNode {
    return args.node;
  }
  async transformResult(args: PluginTransformResultArgs): Promise<QueryResult<UnknownRow>> {
    for (const row of args.result.rows) {
      for (const key in row) {
        const value = row[key];
        if (typeof value === 'bigint') row[key] = bigintToNumber(value);
      }
    }
    return args.result;
  }
}

function bigintToNumber(value: bigint): number {
  if (value > BigInt(Number.MAX_SAFE_INTEGER) || value < BigInt(Number.MIN_SAFE_INTEGER))
    throw new RangeError(`Integer value ${value} is beyond Number.MAX_SAFE_INTEGER`);
  return Number(value);
}

const STATEMENT_CACHE_SIZE = 1000;

/**
 * Kysely asks better-sqlite3 to prepare every statement anew, and preparing costs more than
 * running most of ours (35–180 µs on this schema). A statement is reusable once it has run, and
 * kysely runs one query at a time per connection, so the same SQL text gets the same prepared
 * statement. The cache is dropped whole when full (the product has a few hundred distinct texts).
 */
export function withStatementCache(database: SqliteDatabase.Database): {
  prepare: (sql: string) => SqliteDatabase.Statement;
  close: () => void;
} {
  const cache = new Map<string, SqliteDatabase.Statement>();
  return {
    prepare(text: string) {
      let stmt = cache.get(text);
      if (!stmt) {
        if (cache.size >= STATEMENT_CACHE_SIZE) cache.clear();
        stmt = database.prepare(text);
        cache.set(text, stmt);
      }
      return stmt;
    },
    close() {
      cache.clear();
      database.close();
    },
  };
}

export function openSqlite(file: string): OpenedDb {
  const database = new SqliteDatabase(file);
  database.defaultSafeIntegers(true);
  database.pragma('journal_mode = WAL');
  database.pragma('foreign_keys = ON');
  // Another process (a second window, a backup tool) may hold the write lock briefly.
  database.pragma('busy_timeout = 5000');
  // Safe with WAL: a power cut may lose the last commits but never corrupts the file.
  database.pragma('synchronous = NORMAL');
  // A checkpoint inside a commit stalls that command (9–15 ms measured every ~1,000 pages, i.e.
  // every ~27 reservations). Let the log grow to ~16 MB instead; the app host checkpoints when
  // the clerk is idle (checkpointWhenIdle), so a command rarely pays for it.
  database.pragma('wal_autocheckpoint = 4000');
  const db = new Kysely<DB>({
    dialect: new SqliteDialect({ database: withStatementCache(database) }),
    plugins: [new SafeIntegerPlugin()],
  });
  return { db, backend: 'sqlite', close: () => db.destroy() };
}

/**
 * Moves the SQLite write-ahead log into the database file while nothing else is happening.
 * PASSIVE never waits for readers or writers; what it cannot copy now it copies next time.
 */
export function checkpointWhenIdle(db: Kysely<DB>, lastActivity: () => number, everyMs = 5000): () => void {
  const timer = setInterval(() => {
    if (Date.now() - lastActivity() < everyMs) return;
    sql`pragma wal_checkpoint(PASSIVE)`.execute(db).catch(() => undefined);
  }, everyMs);
  timer.unref();
  return () => clearInterval(timer);
}

export async function openPglite(dataDir?: string): Promise<OpenedDb> {
  const pglite = await PGlite.create(dataDir, { parsers: { [INT8_OID]: parseInt8 } });
  const db = new Kysely<DB>({ dialect: new PGliteDialect({ pglite }) });
  return {
    db,
    backend: 'pglite',
    close: () => db.destroy(),
    listen: async (channel, onPayload) => pglite.listen(channel, onPayload),
  };
}

/**
 * libpq falls back to the operating-system user when a URL names none; node-postgres uses $USER,
 * which services and containers often lack. Do what psql does so one URL works for both.
 */
function withDefaultUser(url: string): string {
  if (process.env.PGUSER || process.env.USER) return url;
  let parsed: URL;
  try {
    parsed = new URL(url);
  } catch {
    return url;
  }
  if (parsed.username !== '') return url;
  parsed.username = userInfo().username;
  return parsed.toString();
}

const SCHEMA_NAME = /^[a-z_][a-z0-9_]{0,62}$/;

export async function openPostgres(url: string, options: { schema?: string } = {}): Promise<OpenedDb> {
  const { schema } = options;
  // The name goes into the connection's startup options, where it cannot be a bound parameter.
  if (schema !== undefined && !SCHEMA_NAME.test(schema)) throw new Error(`Invalid schema name: ${schema}`);
  const pool = new pg.Pool({
    connectionString: withDefaultUser(url),
    // Set at connection startup so every pooled connection, including ones opened later, agrees.
    ...(schema === undefined ? {} : { options: `-c search_path=${schema}` }),
    types: {
      getTypeParser: ((oid: number, format?: 'text' | 'binary') =>
        oid === INT8_OID && format !== 'binary'
          ? parseInt8
          : pg.types.getTypeParser(oid, format)) as typeof pg.types.getTypeParser,
    },
  });
  const db = new Kysely<DB>({ dialect: new PostgresDialect({ pool }) });
  try {
    if (schema !== undefined) await sql`create schema if not exists ${sql.id(schema)}`.execute(db);
  } catch (err) {
    await db.destroy();
    throw err;
  }
  const listen = async (channel: string, onPayload: (payload: string) => void) => {
    // A dedicated connection: a pooled one would be handed to queries and lose the LISTEN.
    const client = new pg.Client({
      connectionString: withDefaultUser(url),
      ...(schema === undefined ? {} : { options: `-c search_path=${schema}` }),
    });
    await client.connect();
    client.on('notification', (msg) => {
      if (msg.channel === channel) onPayload(msg.payload ?? '');
    });
    // Errors on an idle listener (server restart) must not crash the process; the caller polls too.
    client.on('error', () => undefined);
    await client.query(`listen ${JSON.stringify(channel)}`);
    return async () => {
      await client.end().catch(() => undefined);
    };
  };
  return { db, backend: 'postgres', close: () => db.destroy(), listen };
}
