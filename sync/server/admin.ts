import { parseArgs } from 'node:util';
import { openPglite, openPostgres, type OpenedDb } from '../../db/connect.ts';
import { migrateToLatest } from '../../db/migrate.ts';
import { installFeedCapture } from '../../db/feed.queries.ts';
import { ROLES, type Role } from '../../core/masterdata/schemas.ts';
import type { ScopeGrant } from '../../core/auth/permissions.ts';
import { createApiKey, listApiKeys, revokeApiKey } from './apiKeys.ts';
import { saveUser } from './users.ts';
import { join, resolve } from 'node:path';

/**
 * `npm run server:admin -- <command>`: administration of the central server's database
 * (the same PGlite folder or DATABASE_URL as `npm run server`; stop a PGlite server first, it
 * allows one process).
 *
 *   user --username U --name "Display" --password P --roles warehouse-clerk[,supervisor]
 *        [--warehouse WH-CODE]... [--supplier SUP-CODE] [--owner OWNER-ID]
 *   apikey-create --channel CHANNEL-CODE --name "Shop A"      (prints the key once)
 *   apikey-list [--channel CHANNEL-CODE]
 *   apikey-revoke --id KEY-ID
 */
const { values, positionals } = parseArgs({
  allowPositionals: true,
  options: {
    'data-dir': { type: 'string' },
    username: { type: 'string' },
    name: { type: 'string' },
    password: { type: 'string' },
    roles: { type: 'string' },
    warehouse: { type: 'string', multiple: true },
    supplier: { type: 'string' },
    owner: { type: 'string', multiple: true },
    channel: { type: 'string' },
    id: { type: 'string' },
  },
});

function fail(message: string): never {
  console.error(message);
  process.exit(2);
}

async function open(): Promise<OpenedDb> {
  const url = process.env['DATABASE_URL'];
  if (url) return openPostgres(url);
  const dir = resolve(values['data-dir'] ?? process.env['OMS_SERVER_DATA_DIR'] ?? join('.data', 'server'));
  return openPglite(join(dir, 'pglite'));
}

const conn = await open();
try {
  await migrateToLatest(conn.db, 'server');
  // So what this changes reaches desktops through the feed like any other write.
  await installFeedCapture(conn.db);
  const db = conn.db;
  const idOf = async (table: 'warehouses' | 'suppliers' | 'sales_channels', code: string) => {
    const row = await db.selectFrom(table).select('id').where('code', '=', code).executeTakeFirst();
    return row?.id ?? fail(`No ${table} with code ${code}`);
  };
  switch (positionals[0]) {
    case 'user': {
      const { username, password } = values;
      if (!username || !password) fail('user needs --username and --password');
      const roles = (values.roles ?? '').split(',').filter((r) => r !== '');
      const unknown = roles.filter((r) => !(ROLES as readonly string[]).includes(r));
      if (roles.length === 0 || unknown.length > 0) fail(`--roles must name some of: ${ROLES.join(', ')}`);
      const scopes: ScopeGrant[] = [];
      for (const code of values.warehouse ?? []) scopes.push({ kind: 'warehouse', id: await idOf('warehouses', code) });
      if (values.supplier) scopes.push({ kind: 'supplier', id: await idOf('suppliers', values.supplier) });
      for (const id of values.owner ?? []) scopes.push({ kind: 'owner', id });
      const id = await saveUser(db, {
        username,
        displayName: values.name ?? username,
        password,
        roles: roles as Role[],
        scopes,
      });
      console.log(JSON.stringify({ id, username, roles, scopes }));
      break;
    }
    case 'apikey-create': {
      if (!values.channel || !values.name) fail('apikey-create needs --channel and --name');
      const key = await createApiKey(db, {
        channelId: await idOf('sales_channels', values.channel),
        name: values.name,
      });
      console.log(JSON.stringify(key));
      break;
    }
    case 'apikey-list': {
      const channelId = values.channel ? await idOf('sales_channels', values.channel) : undefined;
      console.log(JSON.stringify(await listApiKeys(db, channelId), null, 2));
      break;
    }
    case 'apikey-revoke': {
      if (!values.id) fail('apikey-revoke needs --id');
      console.log(JSON.stringify({ revoked: await revokeApiKey(db, values.id) }));
      break;
    }
    default:
      fail(
        'usage: npm run server:admin -- user|apikey-create|apikey-list|apikey-revoke [options] (see sync/server/admin.ts)',
      );
  }
} finally {
  await conn.close();
}
