import { sql, type Kysely } from 'kysely';
import type { Backend } from '../connect.ts';

export interface ColumnShape {
  name: string;
  type: string;
  nullable: boolean;
  hasDefault: boolean;
}

export interface SchemaShape {
  /** Same on every backend: the migrations are written to be dialect-neutral. */
  tables: Record<string, ColumnShape[]>;
  /** Index definitions as each engine reports them, so they differ per engine family. */
  indexes: string[];
}

/** Engines spell the same neutral types differently; compare the meaning, not the spelling. */
const TYPE_NAMES: Record<string, string> = {
  int4: 'integer',
  integer: 'integer',
  int8: 'bigint',
  bigint: 'bigint',
  text: 'text',
};
const normaliseType = (t: string) => TYPE_NAMES[t.toLowerCase()] ?? t.toLowerCase();

/** Our migration bookkeeping tables (kysely_migration_*) are kysely's business, not the model's. */
const isModelTable = (name: string) => !name.startsWith('kysely_');

export async function introspectSchema<T>(db: Kysely<T>, backend: Backend): Promise<SchemaShape> {
  const engineFamily = backend === 'sqlite' ? 'sqlite' : 'postgres';
  let schemaName: string | undefined;
  if (engineFamily === 'postgres') {
    const { rows } = await sql<{ s: string }>`select current_schema() as s`.execute(db);
    schemaName = rows[0]?.s;
  }
  const metas = await db.introspection.getTables();
  const tables: Record<string, ColumnShape[]> = {};
  for (const t of metas
    .filter((m) => !m.isView && isModelTable(m.name) && (schemaName === undefined || m.schema === schemaName))
    .sort((a, b) => a.name.localeCompare(b.name))) {
    tables[t.name] = t.columns
      .map((c) => ({
        name: c.name,
        type: normaliseType(c.dataType),
        nullable: c.isNullable,
        hasDefault: c.hasDefaultValue,
      }))
      .sort((a, b) => a.name.localeCompare(b.name));
  }

  let indexes: string[];
  if (engineFamily === 'sqlite') {
    // Indexes made for table constraints have no SQL text of their own; describe them by columns.
    const { rows } = await sql<{ name: string; tbl_name: string; sql: string | null; cols: string | null }>`
      select m.name, m.tbl_name, m.sql,
             (select group_concat(ii.name, ', ') from pragma_index_info(m.name) ii) as cols
      from sqlite_master m where m.type = 'index' order by m.name`.execute(db);
    indexes = rows
      .filter((r) => isModelTable(r.tbl_name))
      .map((r) => `${r.tbl_name}: ${r.sql ?? `UNIQUE (${r.cols ?? '?'}) from a table constraint`}`);
  } else {
    const { rows } = await sql<{ indexname: string; tablename: string; indexdef: string }>`
      select indexname, tablename, indexdef from pg_indexes where schemaname = current_schema()`.execute(db);
    indexes = rows
      .filter((r) => isModelTable(r.tablename))
      // The test schema name is random; drop it so the text is stable.
      .map((r) => `${r.tablename}: ${r.indexdef.replace(/ ON \S+\./, ' ON ')}`);
  }
  return { tables, indexes: indexes.sort() };
}

export type SchemaSnapshot = { tables: SchemaShape['tables']; indexes: { sqlite: string[]; postgres: string[] } };
