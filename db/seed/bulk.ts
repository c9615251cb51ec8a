import type SqliteDatabase from 'better-sqlite3';
import { CompiledQuery, type Kysely } from 'kysely';
import type { DB } from '../schema.ts';

type Table = keyof DB;

/**
 * Multi-row inserts compiled once per table and row count by kysely (the dialect's quoting and
 * placeholders). On SQLite the statement is prepared once on the raw connection and re-run with
 * fresh parameters; elsewhere kysely executes it. ~16,000 parameters a statement.
 */
export class BulkWriter {
  private readonly texts = new Map<string, string>();
  private readonly prepared = new Map<string, SqliteDatabase.Statement>();

  constructor(
    private readonly db: Kysely<DB>,
    private readonly raw: SqliteDatabase.Database | null,
  ) {}

  private text(table: Table, columns: readonly string[], n: number): string {
    const key = `${table}|${n}`;
    let text = this.texts.get(key);
    if (text === undefined) {
      const row = Object.fromEntries(columns.map((c) => [c, null]));
      const compiled = this.db
        .insertInto(table)
        .values(Array.from({ length: n }, () => ({ ...row })) as never)
        .compile();
      if (compiled.parameters.length !== n * columns.length)
        throw new Error(`bulk insert into ${table}: ${compiled.parameters.length} parameters compiled`);
      text = compiled.sql;
      this.texts.set(key, text);
    }
    return text;
  }

  /** Rows given as one flat array of values in `columns` order. */
  async insertFlat(table: Table, columns: readonly string[], flat: readonly unknown[]): Promise<void> {
    const width = columns.length;
    const per = Math.floor(16_000 / width);
    const total = flat.length / width;
    for (let at = 0; at < total;) {
      // Full statements, then the rest in power-of-two pieces: a few statement texts per table,
      // each compiled and prepared once.
      const left = total - at;
      const n = left >= per ? per : 2 ** Math.floor(Math.log2(left));
      const values = flat.slice(at * width, (at + n) * width);
      const text = this.text(table, columns, n);
      if (this.raw) {
        let st = this.prepared.get(text);
        if (!st) {
          st = this.raw.prepare(text);
          this.prepared.set(text, st);
        }
        st.run(values);
      } else await this.db.executeQuery(CompiledQuery.raw(text, values));
      at += n;
    }
  }

  async insert<T extends object>(table: Table, columns: readonly (keyof T & string)[], rows: readonly T[]) {
    const flat: unknown[] = [];
    for (const r of rows) pushRow(flat, r, columns);
    await this.insertFlat(table, columns, flat);
  }
}

export function pushRow<T extends object>(flat: unknown[], row: T, columns: readonly (keyof T & string)[]): void {
  for (const c of columns) flat.push(row[c]);
}
