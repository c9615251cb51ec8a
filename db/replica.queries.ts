import { CompiledQuery, sql, type Kysely } from 'kysely';
import type { Database } from './connect.ts';
import type { DB } from './schema.ts';
import { SYNCED_TABLES, rowKey, syncedTable, type SyncedTable } from './sync.tables.ts';

/**
 * The desktop's replica of the server tables (SQLite). Local state = server state + pending
 * commands: while a command runs for the outbox, triggers record the before-image of every
 * synced row it touches in `undo_log` under its outbox seq, so sync can take the command's
 * effect back out, lay the server's rows down, and run the command again on top.
 */

/** Columns per table: every desktop database of this app version has the same migrations. */
const columnsCache = new Map<string, string[]>();

async function columnsOf(db: Database, table: string): Promise<string[]> {
  const cached = columnsCache.get(table);
  if (cached) return cached;
  const { rows } = await sql<{ name: string }>`select name from pragma_table_info(${table})`.execute(db);
  const cols = rows.map((r) => r.name);
  columnsCache.set(table, cols);
  return cols;
}

const q = (name: string) => `"${name.replaceAll('"', '""')}"`;

/** (Re)creates the undo triggers; run at every open so they always match the current columns. */
export async function installUndoCapture(db: Kysely<DB>): Promise<void> {
  await db.transaction().execute(async (trx) => {
    for (const table of SYNCED_TABLES) {
      const cols = await columnsOf(trx, table.name);
      const seq = `(select capture_seq from client_meta where id = 1)`;
      const when = `when ${seq} is not null`;
      const key = (alias: string) => `json_array(${table.pk.map((c) => `${alias}.${q(c)}`).join(', ')})`;
      const image = `json_object(${cols.map((c) => `'${c}', old.${q(c)}`).join(', ')})`;
      const t = q(table.name);
      const name = (op: string) => q(`undo_${table.name}_${op}`);
      const log = (pk: string, old: string) =>
        `insert into undo_log (seq, tbl, pk, old) values (${seq}, '${table.name}', ${pk}, ${old});`;
      for (const op of ['i', 'u', 'd']) await sql.raw(`drop trigger if exists ${name(op)}`).execute(trx);
      await sql
        .raw(`create trigger ${name('i')} after insert on ${t} ${when} begin ${log(key('new'), 'null')} end`)
        .execute(trx);
      // An update that changes the key also "creates" the new key: record that it did not exist.
      await sql
        .raw(
          `create trigger ${name('u')} after update on ${t} ${when} begin ${log(key('old'), image)} ` +
            `insert into undo_log (seq, tbl, pk, old) select ${seq}, '${table.name}', ${key('new')}, null ` +
            `where ${key('new')} <> ${key('old')}; end`,
        )
        .execute(trx);
      await sql
        .raw(`create trigger ${name('d')} after delete on ${t} ${when} begin ${log(key('old'), image)} end`)
        .execute(trx);
    }
  });
}

/** Starts recording before-images under `seq` (inside the command's transaction). */
export async function beginCapture(trx: Database, seq?: number): Promise<void> {
  if (seq === undefined) await sql`update client_meta set capture_seq = last_seq + 1 where id = 1`.execute(trx);
  else await sql`update client_meta set capture_seq = ${seq} where id = 1`.execute(trx);
}

export async function endCapture(trx: Database): Promise<void> {
  await sql`update client_meta set capture_seq = null where id = 1`.execute(trx);
}

/** The row keys (`table:[pk…]`) each given pending command touched. */
export async function touchedKeys(db: Database, seqs: readonly number[]): Promise<Map<number, Set<string>>> {
  const out = new Map<number, Set<string>>(seqs.map((s) => [s, new Set<string>()]));
  if (seqs.length === 0) return out;
  const { rows } = await sql<{ seq: number; tbl: string; pk: string }>`
    select distinct seq, tbl, pk from undo_log where seq >= ${Math.min(...seqs)} and seq <= ${Math.max(...seqs)}`.execute(
    db,
  );
  for (const r of rows) out.get(r.seq)?.add(`${r.tbl}:${r.pk}`);
  return out;
}

/** Takes the effects of the given commands back out (newest first) and forgets their images. */
/**
 * Which of these rows (single-column keys) pending commands of this desktop changed: work the
 * server has not confirmed yet, shown as provisional.
 */
export async function pendingIds(db: Database, table: string, ids: readonly string[]): Promise<Set<string>> {
  if (ids.length === 0) return new Set();
  const rows = await db
    .selectFrom('undo_log')
    .select('pk')
    .where('tbl', '=', table)
    .where(
      'pk',
      'in',
      ids.map((id) => JSON.stringify([id])),
    )
    .execute();
  return new Set(rows.map((r) => (JSON.parse(r.pk) as string[])[0]!));
}

export async function revertCommands(trx: Database, seqs: readonly number[]): Promise<number> {
  if (seqs.length === 0) return 0;
  const { rows } = await sql<{ id: number; tbl: string; pk: string; old: string | null }>`
    select id, tbl, pk, old from undo_log where seq in (${sql.join([...seqs])}) order by id desc`.execute(trx);
  for (const r of rows) {
    const table = syncedTable(r.tbl);
    if (!table) continue;
    const pk = JSON.parse(r.pk) as unknown[];
    if (r.old === null) await deleteByKey(trx, table, pk);
    else await upsertRows(trx, table, [JSON.parse(r.old) as Record<string, unknown>]);
  }
  await sql`delete from undo_log where seq in (${sql.join([...seqs])})`.execute(trx);
  return rows.length;
}

/** Drops the before-images of commands the server has settled (their effect is server state now). */
export async function forgetUndo(trx: Database, seqs: readonly number[]): Promise<void> {
  if (seqs.length === 0) return;
  await sql`delete from undo_log where seq in (${sql.join([...seqs])})`.execute(trx);
}

/** Rows of one table, written whole: insert, or update every column of the existing row. */
export async function upsertRows(
  trx: Database,
  table: SyncedTable,
  rows: readonly Record<string, unknown>[],
): Promise<void> {
  if (rows.length === 0) return;
  const local = await columnsOf(trx, table.name);
  // Columns the server has and this desktop does not yet (a newer server) are ignored.
  const cols = local.filter((c) => c in rows[0]!);
  const nonKey = cols.filter((c) => !table.pk.includes(c));
  const update =
    nonKey.length === 0 ? 'do nothing' : `do update set ${nonKey.map((c) => `${q(c)} = excluded.${q(c)}`).join(', ')}`;
  // SQLite allows 32,766 bound parameters; stay well below.
  const perStatement = Math.max(1, Math.floor(2000 / cols.length));
  for (let i = 0; i < rows.length; i += perStatement) {
    const chunk = rows.slice(i, i + perStatement);
    const params: unknown[] = [];
    for (const r of chunk) for (const c of cols) params.push(toSqlite(r[c]));
    // The statement text is built once per shape and run as is: building it from kysely's
    // fragments cost more than SQLite's own work on a snapshot page.
    await trx.executeQuery(CompiledQuery.raw(upsertText(table, cols, update, chunk.length), params));
  }
}

const upsertTexts = new Map<string, string>();

function upsertText(table: SyncedTable, cols: readonly string[], update: string, n: number): string {
  const key = `${table.name}|${cols.join(',')}|${n}`;
  let text = upsertTexts.get(key);
  if (!text) {
    const tuple = `(${cols.map(() => '?').join(', ')})`;
    text =
      `insert into ${q(table.name)} (${cols.map(q).join(', ')}) values ${Array.from({ length: n }, () => tuple).join(', ')} ` +
      `on conflict (${table.pk.map(q).join(', ')}) ${update}`;
    upsertTexts.set(key, text);
  }
  return text;
}

const toSqlite = (v: unknown): unknown =>
  typeof v === 'boolean' ? (v ? 1 : 0) : v !== null && typeof v === 'object' ? JSON.stringify(v) : v;

export interface ReplicaChange {
  table: string;
  pk: unknown[];
  row: Record<string, unknown> | null;
}

/**
 * Lays server changes down in feed order. Consecutive upserts of one table go in one statement;
 * a delete ends the run so the order of a delete and a re-insert of the same key is kept.
 */
export async function applyChanges(trx: Database, changes: readonly ReplicaChange[]): Promise<Set<string>> {
  const keys = new Set<string>();
  let run: { table: SyncedTable; rows: Record<string, unknown>[]; keys: Set<string> } | null = null;
  const flush = async () => {
    if (run) await upsertRows(trx, run.table, run.rows);
    run = null;
  };
  for (const change of changes) {
    const table = syncedTable(change.table);
    if (!table) continue;
    const key = rowKey(table.name, change.pk);
    keys.add(key);
    if (change.row === null) {
      await flush();
      await deleteByKey(trx, table, change.pk);
      continue;
    }
    // The same key twice in one statement would make "on conflict" update a row it just inserted.
    if (run && (run.table !== table || run.keys.has(key))) await flush();
    run ??= { table, rows: [], keys: new Set() };
    run.rows.push(change.row);
    run.keys.add(key);
  }
  await flush();
  return keys;
}

export async function deleteByKey(trx: Database, table: SyncedTable, pk: readonly unknown[]): Promise<void> {
  const where = sql.join(
    table.pk.map((c, i) => sql`${sql.ref(c)} = ${pk[i] as string | number}`),
    sql` and `,
  );
  await sql`delete from ${sql.table(table.name)} where ${where}`.execute(trx);
}

/** Empties every replicated table (children first) for a resync; the outbox stays. */
export async function wipeReplica(trx: Database): Promise<void> {
  for (const table of [...SYNCED_TABLES].reverse()) await sql`delete from ${sql.table(table.name)}`.execute(trx);
  await sql`delete from undo_log`.execute(trx);
}
