import { addNumberBlocks } from '../../db/numbering.queries.ts';
import { randomUUID } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Kysely } from 'kysely';
import type { ScopeGrant } from '../../core/auth/permissions.ts';
import type { Result } from '../../core/errors.ts';
import type { Role } from '../../core/masterdata/schemas.ts';
import type { CommandContext } from '../../commands/define.ts';
import { findCommand } from '../../commands/registry.ts';
import { argsFromInput, deviceTagOf, runCommand } from '../../commands/runner.ts';
import { openPglite, openPostgres, openSqlite, type OpenedDb } from '../../db/connect.ts';
import { migrateToLatest } from '../../db/migrate.ts';
import { ensureClientId } from '../../db/outbox.queries.ts';
import { installUndoCapture } from '../../db/replica.queries.ts';
import type { DB } from '../../db/schema.ts';
import { testDatabaseUrl } from '../../db/testing/backends.ts';
import { deviceSecret, SyncEngine, type SyncEngineOptions } from '../client/engine.ts';
import { HttpTransport } from '../client/transport.ts';
import type { Session } from '../protocol/index.ts';
import { createSyncServer, type SyncServer, type SyncServerOptions } from '../server/app.ts';
import { saveUser } from '../server/users.ts';

/**
 * Real pieces for sync tests and benchmarks: a real server (fastify on 127.0.0.1, PGlite or
 * the PostgreSQL on 5432 in a schema of its own) and real desktops (SQLite files, the same
 * command layer, the sync engine over HTTP).
 */
export interface TestServer {
  url: string;
  /** The PostgreSQL schema it runs in (join it with startTestServer('postgres', { schema })). */
  schema: string;
  server: SyncServer;
  conn: OpenedDb;
  createUser(username: string, roles: Role[], scopes?: ScopeGrant[], password?: string): Promise<string>;
  /** Runs a command on the server's database directly (an administrator's setup). */
  run(name: string, input: unknown): Promise<Result<unknown>>;
  close(): Promise<void>;
}

export const PASSWORD = 'correct horse battery';

export async function startTestServer(
  backend: 'pglite' | 'postgres',
  options: Partial<SyncServerOptions> & {
    port?: number;
    /** PostgreSQL: join an existing schema (another server process on the same database); it is not dropped on close. */
    schema?: string;
    /** PGlite: a data folder (a server restarted on the same data). */
    dataDir?: string;
  } = {},
): Promise<TestServer> {
  const shared = options.schema !== undefined;
  const schema = options.schema ?? `s_${randomUUID().replaceAll('-', '')}`;
  const conn =
    backend === 'pglite' ? await openPglite(options.dataDir) : await openPostgres(testDatabaseUrl(), { schema });
  const server = await createSyncServer({ conn, ...options });
  const address = await server.app.listen({ host: '127.0.0.1', port: options.port ?? 0 });
  const ctx: CommandContext = {
    actor: { userId: null, name: 'admin', roles: ['administrator'] },
    now: '',
    origin: 'server',
  };
  return {
    url: address,
    server,
    conn,
    schema,
    createUser: (username, roles, scopes = [], password = PASSWORD) =>
      saveUser(conn.db, { username, displayName: username, password, roles, scopes }),
    async run(name, input) {
      const def = findCommand(name);
      if (!def) throw new Error(`no command ${name}`);
      const args = await argsFromInput(conn.db, def, input, { device: 'SRV' });
      return (await runCommand(conn.db, def, args, { ...ctx, now: new Date().toISOString() }, { outbox: false }))
        .result;
    },
    async close() {
      await server.close();
      if (backend === 'postgres' && !shared) {
        const { sql } = await import('kysely');
        await sql`drop schema if exists ${sql.id(schema)} cascade`.execute(conn.db);
      }
      await conn.close();
    },
  };
}

export interface TestDesktop {
  db: Kysely<DB>;
  clientId: string;
  dir: string;
  engine: SyncEngine;
  actor: CommandContext['actor'];
  signIn(username: string, password?: string): Promise<Session>;
  /** Runs a command as the desktop host does: ids and numbers at the origin, outbox row. */
  run(name: string, input: unknown): Promise<Result<unknown>>;
  close(options?: { keepFiles?: boolean }): Promise<void>;
}

export async function openTestDesktop(
  url: string,
  /** `blocks`: number documents and SSCCs from server-issued ranges, as the desktop app does. */
  options: { dir?: string; engine?: Partial<SyncEngineOptions>; blocks?: boolean } = {},
): Promise<TestDesktop> {
  const dir = options.dir ?? mkdtempSync(join(tmpdir(), 'oms-desk-'));
  const conn = openSqlite(join(dir, 'oms.sqlite'));
  await migrateToLatest(conn.db, 'desktop');
  const clientId = await ensureClientId(conn.db, randomUUID);
  await installUndoCapture(conn.db);
  const transport = new HttpTransport(url, 10_000);
  const engine = new SyncEngine({
    db: conn.db,
    clientId,
    transport,
    appVersion: 'test',
    live: false,
    ...options.engine,
  });
  const desktop: TestDesktop = {
    db: conn.db,
    clientId,
    dir,
    engine,
    actor: { userId: null, name: 'local', roles: ['administrator'] },
    async signIn(username, password = PASSWORD) {
      const session = await transport.post<Session>('/auth/login', {
        username,
        password,
        clientId,
        deviceSecret: await deviceSecret(conn.db),
      });
      await engine.adoptSession(session);
      desktop.actor = { userId: session.user.id, name: session.user.displayName, roles: session.user.roles };
      return session;
    },
    async run(name, input) {
      const def = findCommand(name);
      if (!def) throw new Error(`no command ${name}`);
      const args = await argsFromInput(conn.db, def, input, {
        device: deviceTagOf(clientId),
        blocks: options.blocks ?? false,
        topUp: async (series, count) =>
          addNumberBlocks(conn.db, await engine.requestNumberBlocks([series], Math.max(1000, count))),
      });
      const ctx: CommandContext = { actor: desktop.actor, now: new Date().toISOString(), origin: 'desktop' };
      return (await runCommand(conn.db, def, args, ctx, { outbox: true })).result;
    },
    async close(closeOptions = {}) {
      await engine.stop();
      await conn.close();
      if (!closeOptions.keepFiles) rmSync(dir, { recursive: true, force: true });
    },
  };
  return desktop;
}
