import { sql, type Kysely } from 'kysely';

/* Shipped migrations are frozen (db/migrations/shipped.json): never edit, add a new one instead. */

/** Desktop-only sync bookkeeping (SQLite). */
export async function up(db: Kysely<unknown>): Promise<void> {
  // While a command runs for the outbox, the undo triggers record before-images under this seq.
  await sql`alter table client_meta add column capture_seq integer`.execute(db);

  // Who ran the command (replayed locally as the same clerk) and what the server answered.
  await sql`alter table outbox add column actor_json text`.execute(db);
  await sql`alter table outbox add column result_json text`.execute(db);
  await sql`alter table outbox add column feed_seq integer`.execute(db);
  await sql`alter table outbox add column attempts integer not null default 0`.execute(db);
  await sql`alter table outbox add column last_error text`.execute(db);

  // Before-images of every row a pending command touched (old is null: the row did not exist).
  await sql`create table undo_log (
    id integer primary key not null,
    seq integer not null,
    tbl text not null,
    pk text not null,
    old text
  )`.execute(db);
  await sql`create index undo_log_seq_idx on undo_log (seq, id)`.execute(db);

  await sql`create table sync_state (key text primary key not null, value text not null)`.execute(db);

  // Rejected and failed commands, kept with their arguments until the clerk decides.
  await sql`create table sync_issues (
    mutation_id text primary key not null,
    seq integer not null,
    command text not null,
    command_version integer not null,
    args_json text not null,
    actor_json text,
    status text not null,
    error_json text not null,
    created_at text not null,
    reported_at text not null,
    resolution text,
    resolved_at text,
    resolved_by text,
    resent_as text
  )`.execute(db);
  await sql`create index sync_issues_open_idx on sync_issues (resolution, seq)`.execute(db);

  // Document-number blocks the server handed this desktop.
  await sql`create table number_blocks (
    series text not null,
    first_no integer not null,
    last_no integer not null,
    next_no integer not null,
    primary key (series, first_no)
  )`.execute(db);

  // Offline sign-in: a local salted slow hash of the password last verified online.
  await sql`create table credentials (
    username text primary key not null,
    user_id text not null,
    display_name text not null,
    roles_json text not null,
    scopes_json text not null,
    salt text not null,
    hash text not null,
    verified_at text not null
  )`.execute(db);
}
