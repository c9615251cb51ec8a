import { randomBytes, randomUUID } from 'node:crypto';
import { mkdirSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { parseArgs } from 'node:util';
import { sql } from 'kysely';
import { openPglite, openPostgres, type OpenedDb } from '../../db/connect.ts';
import { migrateToLatest } from '../../db/migrate.ts';
import { seedIfEmpty } from '../../db/seed/seed.ts';
import type { Role } from '../../core/masterdata/schemas.ts';
import { createSyncServer } from './app.ts';
import { channelApi } from './channel.ts';
import { findCommand } from '../../commands/registry.ts';
import { runCommand } from '../../commands/runner.ts';
import { formatDocNumber } from '../../db/numbering.queries.ts';
import { nextServerNumber } from './numbers.ts';
import { saveUser } from './users.ts';

/**
 * `npm run server`: the central server. PGlite in a data folder by default (zero setup);
 * `DATABASE_URL=postgres://…` for PostgreSQL, where any number of these processes may run side
 * by side behind a load balancer. JSON logs on stdout (pino), /health and /ready, graceful
 * shutdown on SIGINT/SIGTERM (in-flight requests finish, live channels close, database closes).
 */
const { values } = parseArgs({
  options: {
    port: { type: 'string' },
    host: { type: 'string' },
    'data-dir': { type: 'string' },
    demo: { type: 'boolean' },
    quiet: { type: 'boolean' },
  },
});

const env = process.env;
const port = Number(values.port ?? env['OMS_SERVER_PORT'] ?? 5290);
const host = values.host ?? env['OMS_SERVER_HOST'] ?? '127.0.0.1';
const databaseUrl = env['DATABASE_URL'];
// A server keeps its data where it is started unless told otherwise (a service's working folder).
const dataDir = resolve(values['data-dir'] ?? env['OMS_SERVER_DATA_DIR'] ?? join('.data', 'server'));

export const DEMO_PASSWORD = 'dockside-demo';

async function open(): Promise<OpenedDb> {
  if (databaseUrl) return openPostgres(databaseUrl);
  mkdirSync(dataDir, { recursive: true });
  return openPglite(join(dataDir, 'pglite'));
}

/** The first start makes an administrator; its password is printed once (or taken from OMS_ADMIN_PASSWORD). */
async function bootstrapAdmin(conn: OpenedDb): Promise<void> {
  const { rows } = await sql<{
    n: number | string;
  }>`select count(*) as n from users where password_hash is not null`.execute(conn.db);
  if (Number(rows[0]?.n ?? 0) > 0) return;
  const password = env['OMS_ADMIN_PASSWORD'] ?? randomBytes(9).toString('base64url');
  await saveUser(conn.db, { username: 'admin', displayName: 'Administrator', password, roles: ['administrator'] });
  if (!env['OMS_ADMIN_PASSWORD']) console.log(`Dockside OMS server: created user "admin" with password ${password}`);
}

/** Demo data and one user per role, all with the demo password (never for production). */
async function seedDemo(conn: OpenedDb): Promise<void> {
  const report = await seedIfEmpty(conn.db);
  const warehouse = await conn.db.selectFrom('warehouses').select(['id', 'code']).orderBy('code').executeTakeFirst();
  const supplier = await conn.db.selectFrom('suppliers').select(['id', 'code']).orderBy('code').executeTakeFirst();
  const demo: {
    username: string;
    displayName: string;
    roles: Role[];
    scopes?: { kind: 'warehouse' | 'supplier'; id: string }[];
  }[] = [
    { username: 'admin', displayName: '管理员 Admin', roles: ['administrator'] },
    { username: 'chen', displayName: '陈主管 Chen', roles: ['supervisor'] },
    {
      username: 'wang',
      displayName: '王仓管 Wang',
      roles: ['warehouse-clerk'],
      ...(warehouse ? { scopes: [{ kind: 'warehouse' as const, id: warehouse.id }] } : {}),
    },
    {
      username: 'li',
      displayName: '李供应 Li',
      roles: ['supplier-clerk'],
      ...(supplier ? { scopes: [{ kind: 'supplier' as const, id: supplier.id }] } : {}),
    },
    { username: 'zhao', displayName: '赵财务 Zhao', roles: ['finance-clerk'] },
  ];
  if (report || !(await conn.db.selectFrom('users').select('id').where('username', '=', 'wang').executeTakeFirst())) {
    for (const u of demo) await saveUser(conn.db, { ...u, password: DEMO_PASSWORD });
    if (warehouse && supplier) await demoPurchaseOrder(conn, supplier.id, warehouse.id);
  }
  console.log(
    `Dockside OMS server: demo users ${demo.map((u) => u.username).join(', ')} — password "${DEMO_PASSWORD}"`,
  );
}

/**
 * An approved purchase order of li's supplier into wang's warehouse, so the demo's supplier clerk
 * has something to announce (ASN) and the warehouse clerk something to scan in.
 */
async function demoPurchaseOrder(conn: OpenedDb, supplierId: string, warehouseId: string): Promise<void> {
  const items = await conn.db
    .selectFrom('items')
    .select('id')
    .where('active', '=', 1)
    .where('gtin', 'is not', null)
    .where('lot_tracked', '=', 0)
    .orderBy('sku')
    .limit(2)
    .execute();
  if (items.length === 0) return;
  const def = findCommand('createOrder')!;
  const input = {
    submit: true,
    order: {
      type: 'purchase',
      supplierId,
      warehouseId,
      note: 'Demo: announce it as li, receive it as wang',
      lines: items.map((i) => ({ itemId: i.id, quantity: 120, unitPriceMinor: 1500 })),
    },
  };
  const ctx = { actor: { userId: null, name: 'demo', roles: ['administrator'] }, now: new Date().toISOString() };
  // Numbered from the server's own PO series, as the Open API numbers what the server creates.
  const number = formatDocNumber('PO', await nextServerNumber(conn.db, 'PO'));
  const args = def.fromInput!(input, randomUUID, number);
  await runCommand(conn.db, def, args, { ...ctx, origin: 'server' }, { outbox: false });
}

const conn = await open();
await migrateToLatest(conn.db, 'server');
const server = await createSyncServer({
  conn,
  logger: values.quiet ? false : { level: env['LOG_LEVEL'] ?? 'info' },
  plugins: [channelApi],
});
if (values.demo) await seedDemo(conn);
else await bootstrapAdmin(conn);
const address = await server.app.listen({ host, port });
console.log(`Dockside OMS server: listening at ${address} on ${databaseUrl ? 'PostgreSQL' : `PGlite (${dataDir})`}`);

let closing = false;
for (const signal of ['SIGINT', 'SIGTERM'] as const)
  process.on(signal, () => {
    if (closing) return;
    closing = true;
    void server
      .close()
      .then(() => conn.close())
      .then(() => process.exit(0));
  });
