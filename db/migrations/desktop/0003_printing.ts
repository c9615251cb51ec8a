import { sql, type Kysely } from 'kysely';

/* Shipped migrations are frozen (db/migrations/shipped.json): never edit, add a new one instead. */

/**
 * Printers belong to one desktop (the dock station's label printer), so they and the print
 * queue are local, never synced. Jobs keep their bytes (base64, the same column type on every
 * backend) until done, so a restart or an outage loses nothing; the audit keeps every submit,
 * retry, cancel and reprint.
 */
export async function up(db: Kysely<unknown>): Promise<void> {
  await sql`create table printers (
    id text primary key not null,
    name text not null,
    target text not null,
    language text not null,
    dpi integer not null,
    template_id text,
    is_default integer not null default 0,
    active integer not null default 1,
    created_at text not null,
    updated_at text not null
  )`.execute(db);

  await sql`create table print_jobs (
    id text primary key not null,
    printer_id text not null references printers(id),
    target text not null,
    document text not null,
    description text not null,
    format text not null,
    payload text not null,
    status text not null,
    attempts integer not null default 0,
    next_attempt_at text,
    last_error_code text,
    last_error text,
    spooler_job_id text,
    reprint_of text,
    actor text not null,
    created_at text not null,
    updated_at text not null,
    done_at text
  )`.execute(db);
  await sql`create index print_jobs_status_idx on print_jobs (status, next_attempt_at)`.execute(db);
  await sql`create index print_jobs_created_idx on print_jobs (created_at)`.execute(db);

  await sql`create table print_audit (
    id text primary key not null,
    job_id text not null,
    action text not null,
    actor text not null,
    at text not null,
    details text
  )`.execute(db);
  await sql`create index print_audit_job_idx on print_audit (job_id, at)`.execute(db);
}
