import { sql, type Kysely } from 'kysely';
import type { Database } from './connect.ts';
import type { DB } from './schema.ts';
import { SYNCED_TABLES, syncedTable } from './sync.tables.ts';

/**
 * The server's change feed (PostgreSQL / PGlite). Row triggers on every synced table copy the
 * row image into `change_log` under the writing transaction's id; the transaction's feed
 * position is assigned at its end under the `feed_counter` row lock, which is held to commit, so
 * positions are handed out in commit order: a pull that has seen position N can never later
 * find a new transaction below N (no gaps). `sealFeed` assigns it explicitly (the push path wants
 * the number); a deferred constraint trigger assigns it at commit for every other write path.
 */
export async function installFeedCapture(db: Kysely<DB>): Promise<void> {
  await db.transaction().execute(async (trx) => {
    // Several server processes may start at once against one database.
    await sql`select pg_advisory_xact_lock(7201)`.execute(trx);
    await sql`
      create or replace function oms_capture() returns trigger language plpgsql as $$
      declare
        src jsonb;
        old_src jsonb;
        k jsonb := '[]'::jsonb;
        old_k jsonb := '[]'::jsonb;
        i integer;
      begin
        if TG_OP = 'DELETE' then src := to_jsonb(OLD); else src := to_jsonb(NEW); end if;
        for i in 0 .. TG_NARGS - 1 loop
          k := k || jsonb_build_array(src -> TG_ARGV[i]);
        end loop;
        if TG_OP = 'UPDATE' then
          old_src := to_jsonb(OLD);
          for i in 0 .. TG_NARGS - 1 loop
            old_k := old_k || jsonb_build_array(old_src -> TG_ARGV[i]);
          end loop;
          if old_k <> k then
            insert into change_log (txid, tbl, pk, op, row, old_row)
            values (txid_current(), TG_TABLE_NAME, old_k, 'D', null, old_src);
          end if;
        end if;
        insert into change_log (txid, tbl, pk, op, row, old_row)
        values (txid_current(), TG_TABLE_NAME, k,
                case when TG_OP = 'DELETE' then 'D' else 'U' end,
                case when TG_OP = 'DELETE' then null else src end,
                case when TG_OP = 'INSERT' then null else to_jsonb(OLD) end);
        return null;
      end $$`.execute(trx);
    await sql`
      create or replace function oms_feed_seal() returns bigint language plpgsql as $$
      declare
        s bigint;
        n integer;
      begin
        select seq into s from change_tx where txid = txid_current();
        if found then return s; end if;
        select count(*) into n from change_log where txid = txid_current();
        if n = 0 then return null; end if;
        update feed_counter set last_seq = last_seq + 1 where id = 1 returning last_seq into s;
        insert into change_tx (seq, txid, rows) values (s, txid_current(), n);
        -- NOTIFY is per database: the schema tells servers of other schemas (tenants) to ignore it.
        perform pg_notify('oms_feed', current_schema() || ':' || s::text);
        return s;
      end $$`.execute(trx);
    await sql`
      create or replace function oms_feed_commit() returns trigger language plpgsql as $$
      begin
        perform oms_feed_seal();
        return null;
      end $$`.execute(trx);
    await sql`drop trigger if exists change_log_commit on change_log`.execute(trx);
    await sql`create constraint trigger change_log_commit after insert on change_log
      deferrable initially deferred for each row execute function oms_feed_commit()`.execute(trx);
    for (const table of SYNCED_TABLES) {
      const name = `${table.name}_capture`;
      await sql`drop trigger if exists ${sql.id(name)} on ${sql.id(table.name)}`.execute(trx);
      const args = sql.join(table.pk.map((c) => sql.lit(c)));
      await sql`create trigger ${sql.id(name)} after insert or update or delete on ${sql.id(table.name)}
        for each row execute function oms_capture(${args})`.execute(trx);
    }
  });
}

/** Assigns this transaction its feed position now (null when it changed no synced row). */
export async function sealFeed(db: Database): Promise<number | null> {
  const { rows } = await sql<{ seq: number | string | null }>`select oms_feed_seal() as seq`.execute(db);
  const seq = rows[0]?.seq;
  return seq === null || seq === undefined ? null : Number(seq);
}

export interface FeedChange {
  /** Feed position of the transaction that made the change. */
  seq: number;
  table: string;
  pk: unknown[];
  /** Null for a delete. */
  row: Record<string, unknown> | null;
  /** The row before an update or delete (never sent: scope decisions only). */
  old: Record<string, unknown> | null;
}

export interface FeedHead {
  last: number;
  floor: number;
}

/** This client's applied mutations whose effects are at feed positions (after, through]. */
export async function mutationsSettledIn(
  db: Database,
  clientId: string,
  after: number,
  through: number,
): Promise<number[]> {
  if (through <= after) return [];
  const { rows } = await sql<{ seq: number | string }>`
    select seq from sync_mutations
    where client_id = ${clientId} and status = 'applied' and feed_seq > ${after} and feed_seq <= ${through}`.execute(
    db,
  );
  return rows.map((r) => Number(r.seq));
}

export async function feedHead(db: Database): Promise<FeedHead> {
  const row = await sql<{ last_seq: number | string; floor_seq: number | string }>`
    select last_seq, floor_seq from feed_counter where id = 1`.execute(db);
  const r = row.rows[0];
  if (!r) throw new Error('feed_counter row missing: run the server migrations');
  return { last: Number(r.last_seq), floor: Number(r.floor_seq) };
}

/**
 * The changes of whole transactions after `after`, up to about `rowBudget` rows (a transaction
 * is never split across pages, so a page never shows half of a command).
 */
export async function readFeed(
  db: Database,
  after: number,
  rowBudget: number,
): Promise<{ changes: FeedChange[]; through: number }> {
  const txs = await sql<{ seq: number | string; rows: number }>`
    select seq, rows from change_tx where seq > ${after} order by seq limit ${Math.max(1, rowBudget)}`.execute(db);
  if (txs.rows.length === 0) return { changes: [], through: after };
  let through = Number(txs.rows[0]!.seq);
  let budget = rowBudget - txs.rows[0]!.rows;
  for (const tx of txs.rows.slice(1)) {
    if (budget - tx.rows < 0) break;
    budget -= tx.rows;
    through = Number(tx.seq);
  }
  const { rows } = await sql<{
    seq: number | string;
    tbl: string;
    pk: unknown[];
    op: string;
    row: unknown;
    old_row: unknown;
  }>`
    select t.seq, c.tbl, c.pk, c.op, c.row, c.old_row
    from change_tx t join change_log c on c.txid = t.txid
    where t.seq > ${after} and t.seq <= ${through}
    order by t.seq, c.id`.execute(db);
  const changes = rows.map((r) => ({
    seq: Number(r.seq),
    table: r.tbl,
    pk: r.pk,
    row: r.op === 'D' ? null : stripOmitted(r.tbl, r.row as Record<string, unknown>),
    old: (r.old_row as Record<string, unknown> | null) ?? null,
  }));
  return { changes, through };
}

function stripOmitted(table: string, row: Record<string, unknown>): Record<string, unknown> {
  const omit = syncedTable(table)?.omit;
  if (!omit) return row;
  const copy = { ...row };
  for (const c of omit) delete copy[c];
  return copy;
}

/** One page of a table's current rows in primary-key order (initial sync and resync). */
export async function readTablePage(
  db: Database,
  tableName: string,
  after: unknown[] | null,
  limit: number,
): Promise<Record<string, unknown>[]> {
  const table = syncedTable(tableName);
  if (!table) throw new Error(`Not a synced table: ${tableName}`);
  const cols = sql.join(table.pk.map((c) => sql.ref(c)));
  const where = after === null ? sql`true` : sql`(${cols}) > (${sql.join(after.map((v) => sql`${v}`))})`;
  const { rows } = await sql<Record<string, unknown>>`
    select * from ${sql.table(table.name)} where ${where} order by ${cols} limit ${limit}`.execute(db);
  return rows.map((r) => stripOmitted(table.name, r));
}

/** Forgets feed positions at or below `seq`; clients with an older cursor must resync. */
export async function compactFeed(db: Kysely<DB>, seq: number): Promise<number> {
  return db.transaction().execute(async (trx) => {
    await sql`delete from change_log where txid in (select txid from change_tx where seq <= ${seq})`.execute(trx);
    const res = await sql`delete from change_tx where seq <= ${seq}`.execute(trx);
    await sql`update feed_counter set floor_seq = greatest(floor_seq, ${seq}) where id = 1`.execute(trx);
    return Number(res.numAffectedRows ?? 0);
  });
}
