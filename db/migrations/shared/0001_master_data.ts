import { sql, type CreateTableBuilder, type Kysely } from 'kysely';

/*
 * Shipped migrations are frozen (db/migrations/shipped.json): never edit, add a new one instead.
 * Column types are the neutral subset that SQLite, PGlite and PostgreSQL read the same way.
 */

/**
 * The roles as they were when this migration shipped. A literal, not core's ROLES, so that a
 * fresh database built from this file later still gets exactly what older databases got; a role
 * added to core needs its own migration (a test compares the seeded roles with ROLES).
 */
const SEEDED_ROLES: readonly (readonly [code: string, name: string])[] = [
  ['administrator', 'Administrator'],
  ['warehouse-clerk', 'Warehouse clerk'],
  ['supplier-clerk', 'Supplier clerk'],
  ['finance-clerk', 'Finance clerk'],
  ['supervisor', 'Supervisor'],
];

function withMeta<T extends string, C extends string>(
  t: CreateTableBuilder<T, C>,
): CreateTableBuilder<T, C | 'version' | 'created_at' | 'updated_at'> {
  return t
    .addColumn('version', 'integer', (c) => c.notNull().defaultTo(1))
    .addColumn('created_at', 'text', (c) => c.notNull())
    .addColumn('updated_at', 'text', (c) => c.notNull());
}

/** Search lowercases both sides (PostgreSQL's LIKE is case-sensitive), so the index does too. */
async function searchIndexes(db: Kysely<unknown>, table: string, columns: readonly string[]): Promise<void> {
  for (const column of columns)
    await db.schema
      .createIndex(`${table}_${column}_lower_idx`)
      .on(table)
      .expression(sql`lower(${sql.ref(column)})`)
      .execute();
}

export async function up(db: Kysely<unknown>): Promise<void> {
  await db.schema
    .createTable('items')
    .addColumn('id', 'text', (c) => c.primaryKey().notNull())
    .addColumn('sku', 'text', (c) => c.notNull())
    .addColumn('gtin', 'text')
    .addColumn('name', 'text', (c) => c.notNull())
    .addColumn('name_en', 'text')
    .addColumn('base_uom', 'text', (c) => c.notNull())
    .addColumn('product_group', 'text')
    .addColumn('lot_tracked', 'integer', (c) => c.notNull().defaultTo(0))
    .addColumn('expiry_tracked', 'integer', (c) => c.notNull().defaultTo(0))
    .addColumn('shelf_life_days', 'integer')
    .addColumn('weight_grams', 'integer')
    .addColumn('volume_cm3', 'integer')
    .addColumn('active', 'integer', (c) => c.notNull().defaultTo(1))
    .$call(withMeta)
    .addUniqueConstraint('items_sku_key', ['sku'])
    .addUniqueConstraint('items_gtin_key', ['gtin'])
    .execute();
  await searchIndexes(db, 'items', ['sku', 'name']);

  await db.schema
    .createTable('item_uoms')
    .addColumn('item_id', 'text', (c) => c.notNull().references('items.id').onDelete('cascade'))
    .addColumn('position', 'integer', (c) => c.notNull())
    .addColumn('uom', 'text', (c) => c.notNull())
    .addColumn('factor', 'integer', (c) => c.notNull())
    .addColumn('gtin', 'text')
    .addPrimaryKeyConstraint('item_uoms_pkey', ['item_id', 'uom'])
    .addUniqueConstraint('item_uoms_gtin_key', ['gtin'])
    .execute();

  await db.schema
    .createTable('warehouses')
    .addColumn('id', 'text', (c) => c.primaryKey().notNull())
    .addColumn('code', 'text', (c) => c.notNull())
    .addColumn('name', 'text', (c) => c.notNull())
    .addColumn('region', 'text')
    .addColumn('address', 'text')
    .addColumn('allow_negative_stock', 'integer', (c) => c.notNull().defaultTo(0))
    .addColumn('active', 'integer', (c) => c.notNull().defaultTo(1))
    .$call(withMeta)
    .addUniqueConstraint('warehouses_code_key', ['code'])
    .execute();
  await searchIndexes(db, 'warehouses', ['code', 'name']);

  await db.schema
    .createTable('locations')
    .addColumn('id', 'text', (c) => c.primaryKey().notNull())
    .addColumn('warehouse_id', 'text', (c) => c.notNull().references('warehouses.id'))
    .addColumn('code', 'text', (c) => c.notNull())
    .addColumn('kind', 'text', (c) => c.notNull())
    .addColumn('active', 'integer', (c) => c.notNull().defaultTo(1))
    .$call(withMeta)
    .addUniqueConstraint('locations_warehouse_code_key', ['warehouse_id', 'code'])
    .execute();
  await searchIndexes(db, 'locations', ['code']);

  await db.schema
    .createTable('customers')
    .addColumn('id', 'text', (c) => c.primaryKey().notNull())
    .addColumn('code', 'text', (c) => c.notNull())
    .addColumn('name', 'text', (c) => c.notNull())
    .addColumn('grade', 'text', (c) => c.notNull())
    .addColumn('credit_limit_minor', 'bigint', (c) => c.notNull().defaultTo(0))
    .addColumn('currency', 'text', (c) => c.notNull())
    .addColumn('contact_name', 'text')
    .addColumn('phone', 'text')
    .addColumn('email', 'text')
    .addColumn('active', 'integer', (c) => c.notNull().defaultTo(1))
    .$call(withMeta)
    .addUniqueConstraint('customers_code_key', ['code'])
    .execute();
  await searchIndexes(db, 'customers', ['code', 'name']);

  await db.schema
    .createTable('customer_addresses')
    .addColumn('customer_id', 'text', (c) => c.notNull().references('customers.id').onDelete('cascade'))
    .addColumn('position', 'integer', (c) => c.notNull())
    .addColumn('kind', 'text', (c) => c.notNull())
    .addColumn('line1', 'text', (c) => c.notNull())
    .addColumn('city', 'text')
    .addColumn('region', 'text')
    .addColumn('postcode', 'text')
    .addColumn('country', 'text', (c) => c.notNull())
    .addColumn('is_default', 'integer', (c) => c.notNull().defaultTo(0))
    .addPrimaryKeyConstraint('customer_addresses_pkey', ['customer_id', 'position'])
    .execute();

  await db.schema
    .createTable('suppliers')
    .addColumn('id', 'text', (c) => c.primaryKey().notNull())
    .addColumn('code', 'text', (c) => c.notNull())
    .addColumn('name', 'text', (c) => c.notNull())
    .addColumn('grade', 'text', (c) => c.notNull())
    .addColumn('gs1_company_prefix', 'text')
    .addColumn('currency', 'text', (c) => c.notNull())
    .addColumn('contact_name', 'text')
    .addColumn('phone', 'text')
    .addColumn('email', 'text')
    .addColumn('active', 'integer', (c) => c.notNull().defaultTo(1))
    .$call(withMeta)
    .addUniqueConstraint('suppliers_code_key', ['code'])
    .execute();
  await searchIndexes(db, 'suppliers', ['code', 'name']);

  await db.schema
    .createTable('carriers')
    .addColumn('id', 'text', (c) => c.primaryKey().notNull())
    .addColumn('code', 'text', (c) => c.notNull())
    .addColumn('name', 'text', (c) => c.notNull())
    .addColumn('phone', 'text')
    .addColumn('tracking_url_template', 'text')
    .addColumn('active', 'integer', (c) => c.notNull().defaultTo(1))
    .$call(withMeta)
    .addUniqueConstraint('carriers_code_key', ['code'])
    .execute();
  await searchIndexes(db, 'carriers', ['code', 'name']);

  await db.schema
    .createTable('sales_channels')
    .addColumn('id', 'text', (c) => c.primaryKey().notNull())
    .addColumn('code', 'text', (c) => c.notNull())
    .addColumn('name', 'text', (c) => c.notNull())
    .addColumn('kind', 'text', (c) => c.notNull())
    .addColumn('active', 'integer', (c) => c.notNull().defaultTo(1))
    .$call(withMeta)
    .addUniqueConstraint('sales_channels_code_key', ['code'])
    .execute();
  await searchIndexes(db, 'sales_channels', ['code', 'name']);

  await db.schema
    .createTable('roles')
    .addColumn('code', 'text', (c) => c.primaryKey().notNull())
    .addColumn('name', 'text', (c) => c.notNull())
    .execute();

  await db.schema
    .createTable('users')
    .addColumn('id', 'text', (c) => c.primaryKey().notNull())
    .addColumn('username', 'text', (c) => c.notNull())
    .addColumn('display_name', 'text', (c) => c.notNull())
    .addColumn('password_hash', 'text')
    .addColumn('active', 'integer', (c) => c.notNull().defaultTo(1))
    .$call(withMeta)
    .addUniqueConstraint('users_username_key', ['username'])
    .execute();

  await db.schema
    .createTable('user_roles')
    .addColumn('user_id', 'text', (c) => c.notNull().references('users.id').onDelete('cascade'))
    .addColumn('role_code', 'text', (c) => c.notNull().references('roles.code'))
    .addPrimaryKeyConstraint('user_roles_pkey', ['user_id', 'role_code'])
    .execute();

  await db.schema
    .createTable('user_scopes')
    .addColumn('user_id', 'text', (c) => c.notNull().references('users.id').onDelete('cascade'))
    .addColumn('scope_kind', 'text', (c) => c.notNull())
    .addColumn('scope_id', 'text', (c) => c.notNull())
    .addPrimaryKeyConstraint('user_scopes_pkey', ['user_id', 'scope_kind', 'scope_id'])
    .addCheckConstraint('user_scopes_kind_check', sql`scope_kind in ('warehouse', 'supplier', 'owner')`)
    .execute();

  const seed = db as Kysely<{ roles: { code: string; name: string } }>;
  await seed
    .insertInto('roles')
    .values(SEEDED_ROLES.map(([code, name]) => ({ code, name })))
    .execute();
}
