import { sql, type Kysely } from 'kysely';

/* Shipped migrations are frozen (db/migrations/shipped.json): never edit, add a new one instead. */

/**
 * The central server's own tables (PostgreSQL / PGlite only): the change feed, per-client push
 * bookkeeping, the dead-letter table, auth and per-device number ranges. The capture triggers
 * that fill the feed are installed at every start from the list of synced tables
 * (db/feed.queries.ts), so a table added later is captured without editing this file.
 */
export async function up(db: Kysely<unknown>): Promise<void> {
  // One row; its row lock serialises feed positions at commit, which keeps the feed gap-free.
  await sql`create table feed_counter (
    id integer primary key check (id = 1),
    last_seq bigint not null,
    floor_seq bigint not null
  )`.execute(db);
  await sql`insert into feed_counter (id, last_seq, floor_seq) values (1, 0, 0)`.execute(db);

  // Row images written by the capture triggers, keyed by the writing transaction.
  await sql`create table change_log (
    id bigserial primary key,
    txid bigint not null,
    tbl text not null,
    pk jsonb not null,
    op char(1) not null check (op in ('U', 'D')),
    row jsonb,
    -- The image before an update or delete: scope checks look at what a write replaced too.
    old_row jsonb
  )`.execute(db);
  await sql`create index change_log_txid_idx on change_log (txid, id)`.execute(db);

  // One feed position per committed writing transaction, assigned in commit order.
  await sql`create table change_tx (
    seq bigint primary key,
    txid bigint not null unique,
    rows integer not null,
    at timestamptz not null default now()
  )`.execute(db);

  await sql`create table sync_clients (
    client_id text primary key,
    user_id text not null references users (id),
    last_seq bigint not null default 0,
    scope_hash text not null default '',
    -- SHA-256 of the desktop's device secret: a client id cannot be taken over by another device.
    secret_hash text,
    app_version text,
    protocol integer,
    created_at timestamptz not null default now(),
    last_seen_at timestamptz not null default now()
  )`.execute(db);

  await sql`create table sync_mutations (
    client_id text not null references sync_clients (client_id),
    seq bigint not null,
    mutation_id text not null unique,
    command text not null,
    command_version integer not null,
    status text not null check (status in ('applied', 'rejected', 'failed')),
    result jsonb,
    feed_seq bigint,
    user_id text not null,
    at timestamptz not null default now(),
    primary key (client_id, seq)
  )`.execute(db);
  // A pull names the desktop's own mutations settled by its page: by feed position.
  await sql`create index sync_mutations_feed_idx on sync_mutations (client_id, feed_seq)`.execute(db);

  // Unexpected failures: kept with the original arguments for a maintainer, never blocking.
  await sql`create table dead_letters (
    id bigserial primary key,
    client_id text not null,
    seq bigint not null,
    mutation_id text not null,
    command text not null,
    command_version integer not null,
    args jsonb not null,
    error jsonb not null,
    user_id text not null,
    at timestamptz not null default now()
  )`.execute(db);

  await sql`create table server_secrets (name text primary key, value text not null)`.execute(db);

  // Refresh tokens are stored as SHA-256 hashes; rotation revokes the one presented.
  await sql`create table refresh_tokens (
    id text primary key,
    user_id text not null references users (id),
    token_hash text not null unique,
    client_id text,
    expires_at timestamptz not null,
    revoked_at timestamptz,
    created_at timestamptz not null default now()
  )`.execute(db);
  await sql`create index refresh_tokens_user_idx on refresh_tokens (user_id)`.execute(db);

  // The server's counter per document series, and the blocks it handed to desktops.
  await sql`create table number_series (series text primary key, last_no bigint not null)`.execute(db);
  await sql`create table number_blocks_issued (
    series text not null,
    client_id text not null,
    first_no bigint not null,
    last_no bigint not null,
    issued_at timestamptz not null default now(),
    primary key (series, first_no)
  )`.execute(db);

  // Open API: per-channel keys (hashed) and idempotent intake.
  await sql`create table api_keys (
    id text primary key,
    channel_id text not null references sales_channels (id),
    name text not null,
    key_hash text not null unique,
    active integer not null default 1,
    created_at timestamptz not null default now(),
    last_used_at timestamptz
  )`.execute(db);
  await sql`create table channel_requests (
    channel_id text not null,
    idempotency_key text not null,
    request_hash text not null,
    order_id text,
    status_code integer not null,
    response jsonb not null,
    at timestamptz not null default now(),
    primary key (channel_id, idempotency_key)
  )`.execute(db);
}
