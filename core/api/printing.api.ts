import { z } from 'zod';
import { job, query, type Endpoint } from './endpoint.ts';

export const PRINTER_LANGUAGES = ['zpl', 'tspl', 'pdf'] as const;
export type PrinterLanguage = (typeof PRINTER_LANGUAGES)[number];
export const PRINT_JOB_STATUSES = ['queued', 'sending', 'sent', 'done', 'failed', 'cancelled'] as const;
export type PrintJobStatusOut = (typeof PRINT_JOB_STATUSES)[number];
export const LABEL_RENDER_FORMATS = ['pdf', 'zpl', 'tspl', 'png'] as const;

const dpi = z.union([z.literal(203), z.literal(300)]);
const id = z.string().min(1).max(64);

export const printerOut = z.object({
  id: z.string(),
  name: z.string(),
  /** tcp://host:port, cups:QUEUE or pdf:/path (file or folder). */
  target: z.string(),
  language: z.enum(PRINTER_LANGUAGES),
  dpi: z.number().int(),
  /** Template used when a print does not name one. */
  templateId: z.string().nullable(),
  isDefault: z.boolean(),
  active: z.boolean(),
  createdAt: z.string(),
  updatedAt: z.string(),
});
export type PrinterOut = z.output<typeof printerOut>;

export const printJobOut = z.object({
  id: z.string(),
  printerId: z.string(),
  printerName: z.string(),
  target: z.string(),
  /** What was printed: 'labels', 'test', 'file'. */
  document: z.string(),
  description: z.string(),
  format: z.string(),
  bytes: z.number().int(),
  status: z.enum(PRINT_JOB_STATUSES),
  attempts: z.number().int(),
  nextAttemptAt: z.string().nullable(),
  lastErrorCode: z.string().nullable(),
  lastError: z.string().nullable(),
  spoolerJobId: z.string().nullable(),
  reprintOf: z.string().nullable(),
  actor: z.string(),
  createdAt: z.string(),
  updatedAt: z.string(),
  doneAt: z.string().nullable(),
});
export type PrintJobOut = z.output<typeof printJobOut>;

export const printAuditOut = z.object({
  id: z.string(),
  jobId: z.string(),
  /** submit, retry, cancel, reprint, done, failed */
  action: z.string(),
  actor: z.string(),
  at: z.string(),
  details: z.record(z.string(), z.unknown()).nullable(),
});
export type PrintAuditOut = z.output<typeof printAuditOut>;

const savePrinterInput = z.object({
  /** Absent: a new printer. */
  id: id.optional(),
  name: z.string().trim().min(1).max(80),
  target: z.string().trim().min(1).max(300),
  language: z.enum(PRINTER_LANGUAGES),
  dpi: dpi.default(203),
  templateId: id.nullable().default(null),
  isDefault: z.boolean().default(false),
});

const unitSelection = {
  asnId: id,
  /** Absent: every handling unit of the ASN. */
  unitIds: z.array(id).max(5000).optional(),
};

/**
 * This desktop's printers and its persistent print queue. Local side effects, not business
 * commands (nothing syncs): changes are `job` channels, reads are `query` channels.
 */
export const printingApi = {
  'printers.list': query(
    z.object({ includeInactive: z.boolean().optional() }),
    z.object({ rows: z.array(printerOut) }),
  ),
  'printers.save': job(savePrinterInput, printerOut),
  /** Deactivates a printer that has jobs (they keep their history), deletes one that has none. */
  'printers.remove': job(z.object({ id }), z.object({ id: z.string(), removed: z.enum(['deleted', 'deactivated']) })),
  /** Queues a test label in the printer's own language. */
  'printers.test': job(z.object({ id }), z.object({ jobId: z.string() })),

  /** Most recent first. */
  'printJobs.list': query(
    z.object({
      status: z.union([z.enum(PRINT_JOB_STATUSES), z.array(z.enum(PRINT_JOB_STATUSES))]).optional(),
      printerId: id.optional(),
      limit: z.number().int().min(1).max(1000).default(200),
    }),
    z.object({ rows: z.array(printJobOut) }),
  ),
  'printJobs.audit': query(z.object({ jobId: id }), z.object({ rows: z.array(printAuditOut) })),
  /** A failed or waiting job is tried again now. */
  'printJobs.retry': job(z.object({ id }), printJobOut),
  'printJobs.cancel': job(z.object({ id }), printJobOut),
  /** A new job with the same bytes (`reprintOf` set); the reason lands in the audit. */
  'printJobs.reprint': job(z.object({ id, reason: z.string().trim().min(1).max(200) }), printJobOut),

  /** Renders the ASN's labels in the printer's language and dpi and queues ONE job. */
  'labels.print': job(
    z.object({ ...unitSelection, printerId: id, templateId: id.optional() }),
    z.object({ jobId: z.string(), labels: z.number().int() }),
  ),
  /** The labels as a file to download or open (PDF for office printers, ZPL/TSPL, PNG preview). */
  'labels.render': query(
    z.object({ ...unitSelection, templateId: id, format: z.enum(LABEL_RENDER_FORMATS), dpi: dpi.optional() }),
    z.object({ base64: z.string(), fileName: z.string(), mime: z.string(), labels: z.number().int() }),
  ),
} as const satisfies Record<string, Endpoint>;
