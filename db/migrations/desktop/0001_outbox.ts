import { sql, type Kysely } from 'kysely';

/* Shipped migrations are frozen (db/migrations/shipped.json): never edit, add a new one instead. */

export async function up(db: Kysely<unknown>): Promise<void> {
  // The client id lives in the database file, so copying the file keeps its identity and its
  // sequence together; the check pins the table to one row.
  await db.schema
    .createTable('client_meta')
    .addColumn('id', 'integer', (c) =>
      c
        .primaryKey()
        .notNull()
        .check(sql`id = 1`),
    )
    .addColumn('client_id', 'text', (c) => c.notNull())
    .addColumn('last_seq', 'integer', (c) => c.notNull().defaultTo(0))
    .execute();

  // seq is assigned from client_meta.last_seq + 1, not autoincrement, so it stays dense.
  await db.schema
    .createTable('outbox')
    .addColumn('seq', 'integer', (c) => c.primaryKey().notNull())
    .addColumn('mutation_id', 'text', (c) => c.notNull())
    .addColumn('client_id', 'text', (c) => c.notNull())
    .addColumn('command', 'text', (c) => c.notNull())
    .addColumn('command_version', 'integer', (c) => c.notNull())
    .addColumn('args_json', 'text', (c) => c.notNull())
    .addColumn('created_at', 'text', (c) => c.notNull())
    .addColumn('status', 'text', (c) => c.notNull().defaultTo('pending'))
    .addUniqueConstraint('outbox_mutation_id_key', ['mutation_id'])
    .execute();
  await db.schema.createIndex('outbox_status_idx').on('outbox').columns(['status', 'seq']).execute();
}
