import { sql } from 'kysely';
import { AppError } from '../core/errors.ts';
import type { PrinterOut, PrintJobOut } from '../core/api/printing.api.ts';
import type { Database } from './connect.ts';
import type { PrintersTable, PrintJobStatus, PrintJobsTable } from './schema.ts';

/*
 * The desktop's printers and print queue (desktop migration 0003). Local tables: nothing here
 * syncs, so plain reads and writes — no command layer, no outbox.
 */

type PrinterRow = Omit<PrintersTable, 'is_default' | 'active'> & { is_default: number; active: number };

const printerOut = (r: PrinterRow): PrinterOut => ({
  id: r.id,
  name: r.name,
  target: r.target,
  language: r.language,
  dpi: r.dpi,
  templateId: r.template_id,
  isDefault: r.is_default === 1,
  active: r.active === 1,
  createdAt: r.created_at,
  updatedAt: r.updated_at,
});

export async function listPrinters(db: Database, options: { includeInactive?: boolean } = {}): Promise<PrinterOut[]> {
  let q = db.selectFrom('printers').selectAll().orderBy('is_default', 'desc').orderBy('name');
  if (!options.includeInactive) q = q.where('active', '=', 1);
  return (await q.execute()).map(printerOut);
}

export async function getPrinter(db: Database, id: string): Promise<PrinterOut> {
  const r = await db.selectFrom('printers').selectAll().where('id', '=', id).executeTakeFirst();
  if (!r) throw new AppError('print.unknown-printer', `No printer ${id}`, { id });
  return printerOut(r);
}

export interface PrinterFields {
  name: string;
  target: string;
  language: PrinterOut['language'];
  dpi: number;
  templateId: string | null;
  isDefault: boolean;
}

/** Creates (`id` new) or updates a printer; at most one printer is the default. */
export async function savePrinter(
  db: Database,
  id: string,
  fields: PrinterFields,
  now: string,
  create: boolean,
): Promise<PrinterOut> {
  const row = {
    name: fields.name,
    target: fields.target,
    language: fields.language,
    dpi: fields.dpi,
    template_id: fields.templateId,
    is_default: fields.isDefault ? (1 as const) : (0 as const),
    updated_at: now,
  };
  if (fields.isDefault) await db.updateTable('printers').set({ is_default: 0 }).where('id', '!=', id).execute();
  if (create)
    await db
      .insertInto('printers')
      .values({ id, ...row, active: 1, created_at: now })
      .execute();
  else {
    const r = await db
      .updateTable('printers')
      .set({ ...row, active: 1 })
      .where('id', '=', id)
      .executeTakeFirst();
    if (r.numUpdatedRows === 0n) throw new AppError('print.unknown-printer', `No printer ${id}`, { id });
  }
  return getPrinter(db, id);
}

/** A printer with jobs keeps them (foreign key, history): it is deactivated instead. */
export async function removePrinter(db: Database, id: string, now: string): Promise<'deleted' | 'deactivated'> {
  await getPrinter(db, id);
  const used = await db.selectFrom('print_jobs').select('id').where('printer_id', '=', id).limit(1).executeTakeFirst();
  if (used) {
    await db.updateTable('printers').set({ active: 0, is_default: 0, updated_at: now }).where('id', '=', id).execute();
    return 'deactivated';
  }
  await db.deleteFrom('printers').where('id', '=', id).execute();
  return 'deleted';
}

// ——— jobs

const jobColumns = [
  'j.id',
  'j.printer_id',
  'p.name as printer_name',
  'j.target',
  'j.document',
  'j.description',
  'j.format',
  'j.status',
  'j.attempts',
  'j.next_attempt_at',
  'j.last_error_code',
  'j.last_error',
  'j.spooler_job_id',
  'j.reprint_of',
  'j.actor',
  'j.created_at',
  'j.updated_at',
  'j.done_at',
] as const;

function jobQuery(db: Database) {
  return (
    db
      .selectFrom('print_jobs as j')
      .innerJoin('printers as p', 'p.id', 'j.printer_id')
      .select(jobColumns)
      // base64 length → byte count without reading the payload out.
      .select(
        sql<number>`(length(j.payload) * 3) / 4 - (case when j.payload like '%==' then 2 when j.payload like '%=' then 1 else 0 end)`.as(
          'bytes',
        ),
      )
  );
}

type JobRow = Awaited<ReturnType<ReturnType<typeof jobQuery>['executeTakeFirstOrThrow']>>;

const jobOut = (r: JobRow): PrintJobOut => ({
  id: r.id,
  printerId: r.printer_id,
  printerName: r.printer_name,
  target: r.target,
  document: r.document,
  description: r.description,
  format: r.format,
  bytes: Number(r.bytes),
  status: r.status,
  attempts: r.attempts,
  nextAttemptAt: r.next_attempt_at,
  lastErrorCode: r.last_error_code,
  lastError: r.last_error,
  spoolerJobId: r.spooler_job_id,
  reprintOf: r.reprint_of,
  actor: r.actor,
  createdAt: r.created_at,
  updatedAt: r.updated_at,
  doneAt: r.done_at,
});

export async function listJobs(
  db: Database,
  filter: { status?: PrintJobStatus | PrintJobStatus[]; printerId?: string; limit: number },
): Promise<PrintJobOut[]> {
  let q = jobQuery(db).orderBy('j.created_at', 'desc').orderBy('j.id', 'desc').limit(filter.limit);
  if (filter.status !== undefined) {
    const statuses = Array.isArray(filter.status) ? filter.status : [filter.status];
    q = q.where('j.status', 'in', statuses.length > 0 ? statuses : ['queued']);
  }
  if (filter.printerId) q = q.where('j.printer_id', '=', filter.printerId);
  return (await q.execute()).map(jobOut);
}

export async function getJob(db: Database, id: string): Promise<PrintJobOut> {
  const r = await jobQuery(db).where('j.id', '=', id).executeTakeFirst();
  if (!r) throw new AppError('print.job-not-found', `No print job ${id}`, { id });
  return jobOut(r);
}

export async function jobPayload(db: Database, id: string): Promise<Uint8Array> {
  const r = await db.selectFrom('print_jobs').select('payload').where('id', '=', id).executeTakeFirst();
  if (!r) throw new AppError('print.job-not-found', `No print job ${id}`, { id });
  return Buffer.from(r.payload, 'base64');
}

export type NewJob = Omit<PrintJobsTable, 'attempts' | 'payload'> & { payload: Uint8Array };

export async function insertJob(db: Database, job: NewJob): Promise<void> {
  await db
    .insertInto('print_jobs')
    .values({ ...job, payload: Buffer.from(job.payload).toString('base64'), attempts: 0 })
    .execute();
}

export type JobPatch = Partial<
  Pick<
    PrintJobsTable,
    'status' | 'next_attempt_at' | 'last_error_code' | 'last_error' | 'spooler_job_id' | 'done_at' | 'updated_at'
  > & { attempts: number }
>;

/** Updates a job only while it is in one of `from` (a cancel racing the worker wins once). */
export async function updateJob(
  db: Database,
  id: string,
  from: readonly PrintJobStatus[],
  patch: JobPatch,
): Promise<boolean> {
  const r = await db
    .updateTable('print_jobs')
    .set(patch)
    .where('id', '=', id)
    .where('status', 'in', [...from])
    .executeTakeFirst();
  return r.numUpdatedRows > 0n;
}

/** Queued jobs, oldest first (the worker keeps each printer's jobs in this order). */
export async function queuedJobs(db: Database, limit: number) {
  return db
    .selectFrom('print_jobs')
    .select(['id', 'printer_id', 'target', 'attempts', 'description', 'next_attempt_at'])
    .where('status', '=', 'queued')
    .orderBy('created_at')
    .orderBy('id')
    .limit(limit)
    .execute();
}

/** The earliest future attempt among queued jobs, so the worker can sleep until then. */
export async function nextAttemptAt(db: Database): Promise<string | null> {
  const r = await db
    .selectFrom('print_jobs')
    .select((eb) => eb.fn.min('next_attempt_at').as('at'))
    .where('status', '=', 'queued')
    .executeTakeFirst();
  return (r?.at as string | null | undefined) ?? null;
}

/** Jobs handed to a spooler and not yet confirmed printed. */
export async function sentJobs(db: Database) {
  return db
    .selectFrom('print_jobs')
    .select(['id', 'target', 'spooler_job_id', 'updated_at'])
    .where('status', '=', 'sent')
    .orderBy('created_at')
    .execute();
}

/** A job interrupted mid-send (crash, close) goes back to the queue: sending again is safe. */
export async function requeueInterrupted(db: Database, now: string): Promise<number> {
  const r = await db
    .updateTable('print_jobs')
    .set({ status: 'queued', next_attempt_at: now, updated_at: now })
    .where('status', '=', 'sending')
    .executeTakeFirst();
  return Number(r.numUpdatedRows);
}

export async function addAudit(
  db: Database,
  row: { id: string; jobId: string; action: string; actor: string; at: string; details?: Record<string, unknown> },
): Promise<void> {
  await db
    .insertInto('print_audit')
    .values({
      id: row.id,
      job_id: row.jobId,
      action: row.action,
      actor: row.actor,
      at: row.at,
      details: row.details ? JSON.stringify(row.details) : null,
    })
    .execute();
}

export async function listAudit(db: Database, jobId: string) {
  const rows = await db
    .selectFrom('print_audit')
    .selectAll()
    .where('job_id', '=', jobId)
    .orderBy('at')
    .orderBy('id')
    .execute();
  return rows.map((r) => ({
    id: r.id,
    jobId: r.job_id,
    action: r.action,
    actor: r.actor,
    at: r.at,
    details: r.details ? (JSON.parse(r.details) as Record<string, unknown>) : null,
  }));
}
