import { z } from 'zod';
import { job } from './endpoint.ts';

export const IMPORT_FORMATS = ['csv', 'xlsx'] as const;
export const IMPORT_MODES = ['all-or-nothing', 'valid-rows'] as const;

/** One problem with one cell of the file: the row as the clerk sees it (1 = the header row). */
export const importIssue = z.object({
  row: z.number().int(),
  column: z.string().nullable(),
  code: z.string(),
  params: z.record(z.string(), z.union([z.string(), z.number()])).default({}),
});
export type ImportIssue = z.output<typeof importIssue>;

export const importReport = z.object({
  rows: z.number().int(),
  orders: z.number().int(),
  validOrders: z.number().int(),
  invalidOrders: z.number().int(),
  validRows: z.number().int(),
  invalidRows: z.number().int(),
  issues: z.array(importIssue),
  /** More issues than the report lists (the first ones are kept). */
  truncated: z.boolean(),
});
export type ImportReport = z.output<typeof importReport>;

const fileInput = z.object({
  format: z.enum(IMPORT_FORMATS),
  /** CSV text, or an XLSX workbook as base64. */
  content: z.string().min(1).max(200_000_000),
  fileName: z.string().trim().max(260).default(''),
});

export const importStatus = z.object({
  importId: z.string(),
  state: z.enum(['validating', 'importing', 'done', 'refused', 'failed']),
  mode: z.enum(IMPORT_MODES),
  totalOrders: z.number().int(),
  processedOrders: z.number().int(),
  createdOrders: z.number().int(),
  report: importReport.nullable(),
  error: z.object({ code: z.string(), message: z.string() }).nullable(),
  startedAt: z.string(),
  finishedAt: z.string().nullable(),
});
export type ImportStatus = z.output<typeof importStatus>;

/**
 * Batch order import: the desktop core parses and validates the whole file (a row-by-row report),
 * then creates the orders in chunks through the `importOrders` command, reporting progress.
 */
export const orderImportApi = {
  'orders.import.validate': job(fileInput, importReport),
  'orders.import.start': job(fileInput.extend({ mode: z.enum(IMPORT_MODES) }), z.object({ importId: z.string() })),
  'orders.import.status': job(z.object({ importId: z.string().min(1).max(64) }), importStatus),
} as const;
