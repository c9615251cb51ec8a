import { randomUUID } from 'node:crypto';

import Papa from 'papaparse';
import readXlsxFile, { type Sheet } from 'read-excel-file/node';
import type { ImportReport, ImportStatus } from '../../core/api/orderImport.api.ts';
import { AppError } from '../../core/errors.ts';
import {
  collectReferences,
  emptyReferences,
  isOrderHeader,
  MAX_IMPORT_ROWS,
  MAX_REPORTED_ISSUES,
  normalizeHeader,
  readHeader,
  validateImport,
  type ImportSheet,
  type ImportValidation,
  type PlannedOrder,
  type SheetRow,
} from '../../core/orders/import.ts';
import type { CreateOrderArgs } from '../../commands/orders.commands.ts';
import type { Database } from '../../db/connect.ts';
import { drawNumbers } from '../../db/numbering.queries.ts';
import { loadLookups } from '../../db/orderImport.queries.ts';
import { NUMBER_PREFIX } from '../../db/orders.queries.ts';
import type { JobEnv, JobHandlers } from './jobs.ts';

/*
 * Batch order import (CSV / XLSX), the desktop core's half: read the file, load the master data
 * it names with a few set-based queries, validate it with core/orders/import.ts, then create the
 * orders through the `importOrders` command in chunks, in the background, with progress.
 *
 * The event loop is never held for long: the CSV parser is fed in slices, validation is a
 * generator paused every few milliseconds, and each chunk of orders (one transaction, synchronous
 * on better-sqlite3) is sized from the time the previous chunks took so that it stays well under
 * 100 ms. Between any two of these steps the loop runs (`setImmediate`), so IPC/HTTP requests,
 * status polls and the clerk's other commands go on during an import.
 */

export interface OrderImportOptions {
  /** Data rows a file may hold (core's MAX_IMPORT_ROWS). */
  maxRows?: number;
  /** What one chunk of orders may hold the event loop for; chunk sizes follow from measured times. */
  chunkTargetMs?: number;
  /** Orders in the first chunk, before any time was measured. */
  firstChunk?: number;
  /** How long a parse or validation slice may run before it lets the event loop go. */
  sliceMs?: number;
  /** Finished jobs kept for `orders.import.status`. */
  keepJobs?: number;
}

type FileInput = { format: 'csv' | 'xlsx'; content: string; fileName: string };
type Mode = ImportStatus['mode'];

const MAX_CHUNK = 2000; // the importOrders command's own limit
const MIN_CHUNK = 5;

const breathe = () => new Promise<void>((resolve) => setImmediate(resolve));

/** Lets the event loop run whenever the current slice has taken `sliceMs`. */
class Slicer {
  private since = performance.now();
  constructor(private readonly sliceMs: number) {}
  async tick(): Promise<void> {
    if (performance.now() - this.since < this.sliceMs) return;
    await breathe();
    this.since = performance.now();
  }
  async pause(): Promise<void> {
    await breathe();
    this.since = performance.now();
  }
}

const invalidFile = (reason: string, message: string, details: Record<string, unknown> = {}) =>
  new AppError('order.import-invalid', message, { reason, ...details });

// ---------- reading files ----------
const DELIMITERS = [',', ';', '\t'] as const;

/** The delimiter of a CSV: the one its header line uses most (Excel writes `;` in some locales). */
function detectDelimiter(content: string): string {
  const end = content.indexOf('\n');
  const firstLine = end === -1 ? content : content.slice(0, end);
  let best: string = ',';
  let bestCount = 0;
  for (const d of DELIMITERS) {
    const count = firstLine.split(d).length - 1;
    if (count > bestCount) [best, bestCount] = [d, count];
  }
  return best;
}

const CSV_SLICE = 128 * 1024;

/**
 * Parses CSV text with papaparse, a slice at a time with a pause after each, so a 30 MB file never
 * holds the event loop for more than a few milliseconds. Row numbers are record numbers (what a
 * spreadsheet shows when it opens the file), blank lines included.
 */
export async function readCsv(content: string, maxRows: number = MAX_IMPORT_ROWS): Promise<ImportSheet> {
  if (content.includes('\uFFFD'))
    throw invalidFile('encoding', 'The file is not UTF-8 text: save it as "CSV UTF-8" and import it again');
  const records: string[][] = [];
  /** Non-blank records so far (the header included): blank lines do not count against the limit. */
  let filled = 0;
  let tooMany = false;
  let malformed: { row: number; code: string; message: string } | null = null;
  await new Promise<void>((resolve) => {
    Papa.parse<string[]>(content, {
      delimiter: detectDelimiter(content),
      skipEmptyLines: false,
      chunkSize: CSV_SLICE,
      chunk: (result: Papa.ParseResult<string[]>, parser: Papa.Parser) => {
        // Only a quote that never closes makes a file unreadable; stray quotes inside a field are text.
        const quotes = result.errors.find((e) => e.type === 'Quotes');
        if (quotes && malformed === null)
          malformed = { row: records.length + (quotes.row ?? 0) + 1, code: quotes.code, message: quotes.message };
        for (const record of result.data) {
          if (!isBlankRecord(record)) filled += 1;
          if (filled > maxRows + 1) {
            tooMany = true;
            break;
          }
          records.push(record);
        }
        if (tooMany || malformed !== null) {
          parser.abort();
          return;
        }
        parser.pause();
        setImmediate(() => parser.resume());
      },
      complete: () => resolve(),
    });
  });
  if (malformed !== null) {
    const m: { row: number; code: string; message: string } = malformed;
    throw invalidFile('csv-malformed', `The CSV cannot be read from row ${m.row}: ${m.message}`, {
      csvCode: m.code,
      row: m.row,
    });
  }
  if (tooMany) throw invalidFile('too-many-rows', `The file has more than ${maxRows} rows`, { max: maxRows });
  // A final line break leaves an empty record behind.
  while (records.length > 0 && isBlankRecord(records[records.length - 1] ?? [])) records.pop();
  return toSheet(records);
}

const isBlankRecord = (record: readonly string[]) => record.every((c) => c.trim() === '');

function toSheet(records: readonly (readonly string[])[]): ImportSheet {
  const [header, ...rest] = records;
  if (!header || records.every(isBlankRecord)) throw invalidFile('empty', 'The file is empty');
  const rows: SheetRow[] = rest.map((cells, i) => ({ row: i + 2, cells }));
  return { header, rows };
}

/** Sheet names that mark the order sheet of a workbook (compared normalised). */
const ORDER_SHEET_NAMES = new Set(['orders', 'order', 'sales_orders', '订单', '销售订单', '订单导入']);

type XlsxCell = string | number | boolean | Date | null | undefined;

/** Cell text as the import reads it: numbers exactly as stored, dates as YYYY-MM-DD. */
function cellText(value: XlsxCell): string {
  if (value === null || value === undefined) return '';
  if (value instanceof Date) return Number.isNaN(value.getTime()) ? '' : value.toISOString().slice(0, 10);
  if (typeof value === 'boolean') return value ? 'TRUE' : 'FALSE';
  return String(value);
}

/**
 * Reads an XLSX workbook (base64) with read-excel-file. The order sheet is the one named
 * `orders` / `订单` (and a few variants), else the first sheet whose first row names a known
 * column; a workbook without such a sheet is refused (`no-order-sheet`).
 */
export async function readXlsx(base64: string, maxRows: number = MAX_IMPORT_ROWS): Promise<ImportSheet> {
  const bytes = Buffer.from(base64, 'base64');
  if (bytes.length === 0) throw invalidFile('empty', 'The file is empty');
  let sheets: Sheet<string>[];
  try {
    // Numbers stay the text the file stores, so "12.30" is converted to minor units exactly.
    sheets = await readXlsxFile<string>(bytes, { parseNumber: (text) => text, trim: false });
  } catch (err) {
    throw invalidFile('not-xlsx', `The file is not an XLSX workbook: ${(err as Error).message}`);
  }
  const firstRow = (s: Sheet<string>) => (s.data[0] ?? []).map((c) => cellText(c as XlsxCell));
  const sheet =
    sheets.find((s) => ORDER_SHEET_NAMES.has(normalizeHeader(s.sheet))) ??
    sheets.find((s) => isOrderHeader(firstRow(s)));
  if (!sheet)
    throw invalidFile('no-order-sheet', 'No sheet of the workbook has order columns', {
      sheets: sheets.map((s) => s.sheet),
    });
  const cells: string[][] = [];
  let filled = 0;
  for (const row of sheet.data) {
    const texts = row.map((c) => cellText(c as XlsxCell));
    if (!isBlankRecord(texts)) filled += 1;
    if (filled > maxRows + 1)
      throw invalidFile('too-many-rows', `The file has more than ${maxRows} rows`, { max: maxRows });
    cells.push(texts);
    if (cells.length % 5_000 === 0) await breathe();
  }
  while (cells.length > 0 && isBlankRecord(cells[cells.length - 1] ?? [])) cells.pop();
  return toSheet(cells);
}

async function readFile(input: FileInput, maxRows: number): Promise<ImportSheet> {
  return input.format === 'csv' ? readCsv(input.content, maxRows) : readXlsx(input.content, maxRows);
}

/** Reads, looks up and validates a whole file without holding the event loop. */
export async function validateFile(
  db: Database,
  input: FileInput,
  options: { maxRows: number; sliceMs: number },
): Promise<ImportValidation> {
  const sheet = await readFile(input, options.maxRows);
  const slicer = new Slicer(options.sliceMs);
  await slicer.pause();
  const header = readHeader(sheet.header);
  const refs = emptyReferences();
  if (header.issues.length === 0)
    for (let i = 0; i < sheet.rows.length; i += 5_000) {
      collectReferences(sheet.rows.slice(i, i + 5_000), header.columns, refs);
      await slicer.tick();
    }
  const lookups = await loadLookups(db, refs);
  await slicer.pause();
  const steps = validateImport(sheet, lookups, { yieldEvery: 200 });
  for (;;) {
    const next = steps.next();
    if (next.done) return next.value;
    await slicer.tick();
  }
}

// ---------- the job ----------
interface Job {
  status: ImportStatus;
}

/** A refusal of one order of a chunk (not of the database or the code): that order can be left out. */
const ORDER_LEVEL_REFUSALS = new Set(['order.duplicate-external-ref', 'order.unknown-reference']);

/** `order.duplicate-external-ref` → `duplicate-external-ref`: the field code the report uses. */
const issueCodeOf = (code: string) => code.slice(code.indexOf('.') + 1);

/** Batch order import (CSV / XLSX): validate the whole file, then create orders in chunks. */
export function createOrderImportJobs(
  env: JobEnv,
  options: OrderImportOptions = {},
): Pick<JobHandlers, 'orders.import.validate' | 'orders.import.start' | 'orders.import.status'> {
  const maxRows = options.maxRows ?? MAX_IMPORT_ROWS;
  const chunkTargetMs = options.chunkTargetMs ?? 25;
  const sliceMs = options.sliceMs ?? 20;
  const keepJobs = options.keepJobs ?? 20;
  const jobs = new Map<string, Job>();

  const forget = () => {
    const finished = [...jobs.values()].filter((j) => j.status.finishedAt !== null);
    for (const j of finished.slice(0, Math.max(0, finished.length - keepJobs))) jobs.delete(j.status.importId);
  };

  const finish = (job: Job, state: 'done' | 'refused' | 'failed', error: AppError | null = null) => {
    job.status.state = state;
    job.status.finishedAt = new Date().toISOString();
    if (error) job.status.error = { code: error.code, message: error.message };
    forget();
  };

  /** Records a refusal met while creating (valid-rows mode): the order is left out, the report says why. */
  const refuseOrder = (job: Job, order: PlannedOrder, code: string, details: Record<string, unknown>) => {
    const report = job.status.report as ImportReport;
    const params: Record<string, string | number> = {};
    if (typeof details['number'] === 'string') params['number'] = details['number'];
    report.issues.push({ row: order.rows[0] ?? 0, column: null, code: issueCodeOf(code), params });
    report.issues.sort((a, b) => a.row - b.row);
    if (report.issues.length > MAX_REPORTED_ISSUES) {
      report.issues.length = MAX_REPORTED_ISSUES;
      report.truncated = true;
    }
    report.validOrders -= 1;
    report.invalidOrders += 1;
    report.validRows -= 1;
    report.invalidRows += 1;
  };

  async function create(job: Job, orders: PlannedOrder[]): Promise<void> {
    const importId = job.status.importId;
    let size = Math.min(options.firstChunk ?? 10, MAX_CHUNK);
    /** Time per order, smoothed but quick to rise: one slow chunk shrinks the next at once. */
    let perOrder = 0;
    let at = 0;
    while (at < orders.length) {
      const chunk = orders.slice(at, at + size);
      const numbers = await drawNumbers(env.db, NUMBER_PREFIX.sales, chunk.length, {
        device: env.device,
        blocks: env.blocks,
      });
      await breathe();
      let pending = chunk.map((o, i) => ({
        planned: o,
        args: { id: randomUUID(), number: numbers[i] as string, submit: false, order: o.fields } as CreateOrderArgs,
      }));
      const started = performance.now();
      for (;;) {
        if (pending.length === 0) break;
        const outcome = await env.run('importOrders', { importId, orders: pending.map((p) => p.args) });
        if (outcome.result.ok) {
          job.status.createdOrders += pending.length;
          break;
        }
        const error = outcome.result.error;
        const index = error.details?.['index'];
        const refused = typeof index === 'number' ? pending[index] : undefined;
        if (job.status.mode === 'valid-rows' && refused && ORDER_LEVEL_REFUSALS.has(error.code)) {
          // Someone created one of these orders since validation (e.g. the same file twice): leave it out.
          refuseOrder(job, refused.planned, error.code, error.details ?? {});
          pending = pending.filter((p) => p !== refused);
          await breathe();
          continue;
        }
        const row = refused?.planned.rows[0];
        throw new AppError(
          error.code,
          `${error.message}${row !== undefined ? ` (row ${row})` : ''}; ${job.status.createdOrders} orders were created before it`,
          { ...error.details, row: row ?? null, createdOrders: job.status.createdOrders },
        );
      }
      const ms = performance.now() - started;
      job.status.processedOrders += chunk.length;
      at += chunk.length;
      // Size the next chunk from this one's time per order, to stay near the target stall.
      const measured = ms / chunk.length;
      perOrder = perOrder === 0 ? measured : Math.max(measured, 0.8 * perOrder + 0.2 * measured);
      size = Math.max(MIN_CHUNK, Math.min(MAX_CHUNK, Math.floor(chunkTargetMs / Math.max(perOrder, 0.005))));
      await breathe();
    }
  }

  async function run(job: Job, input: FileInput): Promise<void> {
    const validation = await validateFile(env.db, input, { maxRows, sliceMs });
    const { report } = validation;
    job.status.report = report;
    const importable = validation.orders;
    if (
      validation.headerInvalid ||
      importable.length === 0 ||
      (job.status.mode === 'all-or-nothing' && report.invalidRows > 0)
    ) {
      job.status.totalOrders = job.status.mode === 'all-or-nothing' ? report.orders : importable.length;
      finish(job, 'refused');
      return;
    }
    job.status.totalOrders = importable.length;
    job.status.state = 'importing';
    await create(job, importable);
    finish(job, 'done');
  }

  return {
    'orders.import.validate': async (input) => (await validateFile(env.db, input, { maxRows, sliceMs })).report,

    'orders.import.start': async (input) => {
      const importId = randomUUID();
      const job: Job = {
        status: {
          importId,
          state: 'validating',
          mode: input.mode as Mode,
          totalOrders: 0,
          processedOrders: 0,
          createdOrders: 0,
          report: null,
          error: null,
          startedAt: new Date().toISOString(),
          finishedAt: null,
        },
      };
      jobs.set(importId, job);
      // In the background: the caller polls orders.import.status.
      void run(job, input).catch((err: unknown) => finish(job, 'failed', AppError.from(err)));
      return { importId };
    },

    'orders.import.status': async ({ importId }) => {
      const job = jobs.get(importId);
      if (!job) throw new AppError('order.not-found', `No import ${importId}`, { importId });
      return structuredClone(job.status);
    },
  };
}
