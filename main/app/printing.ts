import { randomUUID } from 'node:crypto';
import type { CommandContext } from '../../commands/define.ts';
import type { PrinterLanguage, PrintJobOut } from '../../core/api/printing.api.ts';
import { AppError } from '../../core/errors.ts';
import { validateTemplate } from '../../core/labels/bind.ts';
import type { LabelData } from '../../core/labels/data.ts';
import { SAMPLE_LABEL_DATA } from '../../core/labels/sample.ts';
import type { Database } from '../../db/connect.ts';
import { labelDataFor } from '../../db/dock.queries.ts';
import { getTemplate } from '../../db/labels.queries.ts';
import {
  addAudit,
  getJob,
  getPrinter,
  insertJob,
  jobPayload,
  listAudit,
  listJobs,
  listPrinters,
  nextAttemptAt,
  queuedJobs,
  removePrinter,
  requeueInterrupted,
  savePrinter,
  sentJobs,
  updateJob,
} from '../../db/printing.queries.ts';
import type { PrintJobStatus } from '../../db/schema.ts';
import { cancelCupsJob, cupsJobState } from '../../printing/transports/cups.ts';
import { renderLabelsHtml } from '../../printing/labels/html.ts';
import { renderLabels } from '../../printing/labels/render.ts';
import { htmlJobFormat, parseHtmlJobFormat } from '../../printing/transports/os.ts';
import {
  isPermanentPrintError,
  MAX_JOB_BYTES,
  parsePrinterTarget,
  sendToPrinter,
} from '../../printing/transports/targets.ts';
import type { JobHandlers } from './jobs.ts';
import type { QueryHandlers } from './queries.ts';

/**
 * The desktop shell installs Electron's silent printing here for `os:` printers
 * (main/electron may not reach into printing/ itself). Without it such jobs fail permanently
 * with reason 'os-printing-needs-desktop-app'.
 */
export { registerOsPrinter, type OsPrinterHandler } from '../../printing/transports/os.ts';

export interface PrintingOptions {
  /** First retry delay; doubles per attempt (2 s, 4 s, 8 s …). */
  backoffBaseMs?: number;
  backoffMaxMs?: number;
  /** How often jobs handed to a spooler are polled. */
  pollMs?: number;
  /** Deadline of one send (connect + write). */
  sendTimeoutMs?: number;
  /** A spooler job it no longer lists after this long is given up as failed. */
  lostAfterMs?: number;
  /** Run the queue worker (default true). */
  worker?: boolean;
}

/** What the desktop's printers and print queue need from the host. */
export interface PrintingEnv {
  db: Database;
  dataDir: string;
  context(): CommandContext;
  options?: PrintingOptions;
}

type PrintingQueryChannel = 'printers.list' | 'printJobs.list' | 'printJobs.audit' | 'labels.render';
type PrintingJobChannel =
  | 'printers.save'
  | 'printers.remove'
  | 'printers.test'
  | 'printJobs.retry'
  | 'printJobs.cancel'
  | 'printJobs.reprint'
  | 'labels.print';

/** Printers configured on this desktop and the persistent print queue (issue 6). */
export interface Printing {
  queries: Pick<QueryHandlers, PrintingQueryChannel>;
  jobs: Pick<JobHandlers, PrintingJobChannel>;
  /** Wakes the worker now (a job was added or retried). */
  kick(): void;
  close(): Promise<void>;
}

/** Template of a printer that names none. */
export const FALLBACK_TEMPLATE = 'gs1-logistic-4x6';

const MIME = { pdf: 'application/pdf', zpl: 'text/plain', tspl: 'application/octet-stream', png: 'image/png' };

/**
 * The printer may have moved (new IP, new queue) since: a reprint goes where it is now, unless
 * it changed between an OS printer (HTML pages) and a raw one (printer language), which could
 * not print the stored bytes.
 */
function reprintTarget(original: string, current: string | null): string {
  if (current === null) return original;
  const isOs = (t: string) => parsePrinterTarget(t).kind === 'os';
  return isOs(current) === isOs(original) ? current : original;
}

export async function createPrinting(env: PrintingEnv): Promise<Printing> {
  const { db } = env;
  const o = {
    backoffBaseMs: env.options?.backoffBaseMs ?? 2_000,
    backoffMaxMs: env.options?.backoffMaxMs ?? 60_000,
    pollMs: env.options?.pollMs ?? 2_000,
    sendTimeoutMs: env.options?.sendTimeoutMs ?? 15_000,
    lostAfterMs: env.options?.lostAfterMs ?? 60_000,
  };

  // Strictly increasing timestamps: jobs queued in the same millisecond keep their order.
  let last = 0;
  const now = (): string => {
    last = Math.max(Date.now(), last + 1);
    return new Date(last).toISOString();
  };
  const actor = () => env.context().actor.name;
  const audit = (jobId: string, action: string, details?: Record<string, unknown>) =>
    addAudit(db, { id: randomUUID(), jobId, action, actor: actor(), at: now(), details });

  async function activePrinter(id: string) {
    const p = await getPrinter(db, id);
    if (!p.active) throw new AppError('print.unknown-printer', `Printer ${p.name} was removed`, { id });
    return p;
  }

  async function enqueue(job: {
    printerId: string;
    target: string;
    document: string;
    description: string;
    format: string;
    payload: Uint8Array;
    reprintOf?: string;
  }): Promise<string> {
    if (job.payload.byteLength > MAX_JOB_BYTES)
      throw new AppError('validation.invalid-input', `Print job of ${job.payload.byteLength} bytes is too large`, {
        fields: [{ path: 'payload', code: 'too-big', params: { max: MAX_JOB_BYTES } }],
      });
    const id = randomUUID();
    const at = now();
    await insertJob(db, {
      id,
      printer_id: job.printerId,
      target: job.target,
      document: job.document,
      description: job.description,
      format: job.format,
      payload: job.payload,
      status: 'queued',
      next_attempt_at: at,
      last_error_code: null,
      last_error: null,
      spooler_job_id: null,
      reprint_of: job.reprintOf ?? null,
      actor: actor(),
      created_at: at,
      updated_at: at,
      done_at: null,
    });
    return id;
  }

  async function templateFor(templateId: string | null | undefined) {
    const entry = await getTemplate(db, templateId ?? FALLBACK_TEMPLATE);
    return validateTemplate(entry.template);
  }

  async function render(
    language: PrinterLanguage | 'png',
    templateId: string | null | undefined,
    data: readonly LabelData[],
    dpi: number,
  ) {
    const template = await templateFor(templateId);
    return renderLabels(template, data, language, { dpi: dpi === 300 ? 300 : 203 });
  }

  /**
   * What a printer gets: its own language, except an OS printer (`os:`), which prints an HTML
   * page per label through the desktop app; its job's format records the exact page size.
   */
  async function printPayload(
    printer: { target: string; language: PrinterLanguage; dpi: number },
    templateId: string | null | undefined,
    data: readonly LabelData[],
  ): Promise<{ payload: Uint8Array; format: string }> {
    if (parsePrinterTarget(printer.target).kind !== 'os')
      return { payload: await render(printer.language, templateId, data, printer.dpi), format: printer.language };
    const template = await templateFor(templateId);
    const html = renderLabelsHtml(template, data, { dpi: printer.dpi === 300 ? 300 : 203, embedFonts: false });
    return {
      payload: new TextEncoder().encode(html),
      format: htmlJobFormat({ widthMm: template.widthMm, heightMm: template.heightMm }),
    };
  }

  // ——— the worker

  let stopped = false;
  let kicked = false;
  let wake: (() => void) | null = null;
  const kick = () => {
    kicked = true;
    wake?.();
  };

  const backoff = (attempts: number) => Math.min(o.backoffMaxMs, o.backoffBaseMs * 2 ** Math.max(0, attempts - 1));

  async function sendOne(job: { id: string; target: string; attempts: number; description: string }): Promise<boolean> {
    const attempts = job.attempts + 1;
    const started = now();
    if (!(await updateJob(db, job.id, ['queued'], { status: 'sending', attempts, updated_at: started }))) return true;
    try {
      const payload = await jobPayload(db, job.id);
      const target = parsePrinterTarget(job.target);
      // An OS printer prints on the page size its job was rendered for (see printPayload).
      const page =
        target.kind === 'os' ? (parseHtmlJobFormat((await getJob(db, job.id)).format) ?? undefined) : undefined;
      const { spoolerJobId } = await sendToPrinter(target, payload, {
        timeoutMs: o.sendTimeoutMs,
        title: job.description,
        page,
      });
      const at = now();
      await updateJob(
        db,
        job.id,
        ['sending'],
        spoolerJobId
          ? { status: 'sent', spooler_job_id: spoolerJobId, last_error: null, last_error_code: null, updated_at: at }
          : { status: 'done', done_at: at, last_error: null, last_error_code: null, updated_at: at },
      );
      return true;
    } catch (err) {
      const e = AppError.from(err);
      const at = now();
      if (isPermanentPrintError(e)) {
        await updateJob(db, job.id, ['sending'], {
          status: 'failed',
          last_error_code: e.code,
          last_error: e.message,
          next_attempt_at: null,
          updated_at: at,
        });
      } else {
        await updateJob(db, job.id, ['sending'], {
          status: 'queued',
          last_error_code: e.code,
          last_error: e.message,
          next_attempt_at: new Date(Date.now() + backoff(attempts)).toISOString(),
          updated_at: at,
        });
      }
      return false;
    }
  }

  async function pollSpooler(): Promise<void> {
    const jobs = await sentJobs(db);
    for (const job of jobs) {
      if (stopped) break;
      const target = parsePrinterTarget(job.target);
      if (target.kind !== 'cups' || !job.spooler_job_id) continue;
      const at = now();
      try {
        const state = await cupsJobState(target.queue, job.spooler_job_id);
        switch (state.state) {
          case 'completed':
            await updateJob(db, job.id, ['sent'], { status: 'done', done_at: at, last_error: null, updated_at: at });
            break;
          case 'failed':
            await updateJob(db, job.id, ['sent'], {
              status: 'failed',
              last_error_code: 'print.spooler-failed',
              last_error: state.message || state.reasons.join(' ') || 'The spooler aborted the job',
              updated_at: at,
            });
            break;
          case 'cancelled':
            await updateJob(db, job.id, ['sent'], {
              status: 'cancelled',
              last_error_code: 'print.spooler-failed',
              last_error: `Cancelled in the spooler (${job.spooler_job_id})`,
              updated_at: at,
            });
            break;
          case 'unknown':
            if (Date.now() - Date.parse(job.updated_at) > o.lostAfterMs)
              await updateJob(db, job.id, ['sent'], {
                status: 'failed',
                last_error_code: 'print.spooler-failed',
                last_error: `The spooler no longer lists job ${job.spooler_job_id}`,
                updated_at: at,
              });
            break;
          default:
            // Still waiting at the spooler: show what it says (e.g. the printer is unreachable).
            await updateJob(db, job.id, ['sent'], {
              last_error: state.message || null,
              last_error_code: state.message ? 'print.unreachable' : null,
            });
        }
      } catch (err) {
        const e = AppError.from(err);
        await updateJob(db, job.id, ['sent'], { last_error_code: e.code, last_error: e.message });
      }
    }
  }

  /** One pass: spooler polls, then due jobs in order; a printer that fails holds its later jobs. */
  async function tick(): Promise<void> {
    await pollSpooler();
    const blocked = new Set<string>();
    const nowMs = Date.now();
    for (const job of await queuedJobs(db, 500)) {
      if (stopped) break;
      if (blocked.has(job.printer_id)) continue;
      if (job.next_attempt_at && Date.parse(job.next_attempt_at) > nowMs) {
        blocked.add(job.printer_id);
        continue;
      }
      if (!(await sendOne(job))) blocked.add(job.printer_id);
    }
  }

  async function loop(): Promise<void> {
    await requeueInterrupted(db, now());
    while (!stopped) {
      kicked = false;
      let waiting: boolean;
      try {
        await tick();
        // Jobs at a spooler (including those just handed over) are polled until they finish.
        waiting = (await sentJobs(db)).length > 0;
      } catch (err) {
        // The queue outlives a bad pass (a locked database, a broken row): try again shortly.
        console.error('print queue:', err);
        waiting = true;
      }
      if (stopped) break;
      if (kicked) continue;
      const next = await nextAttemptAt(db).catch(() => null);
      let delay = 60_000;
      if (next) delay = Math.max(0, Date.parse(next) - Date.now());
      if (waiting) delay = Math.min(delay, o.pollMs);
      await new Promise<void>((resolve) => {
        const timer = setTimeout(resolve, Math.max(10, delay));
        wake = () => {
          clearTimeout(timer);
          resolve();
        };
      });
      wake = null;
    }
  }

  const running = env.options?.worker === false ? requeueInterrupted(db, now()).then(() => {}) : loop();
  await Promise.resolve();

  // ——— channels

  async function changeJob(id: string, from: PrintJobStatus[], patch: Parameters<typeof updateJob>[3], action: string) {
    const job = await getJob(db, id);
    if (!from.includes(job.status))
      throw new AppError('print.job-not-retryable', `Print job ${id} is ${job.status}: cannot ${action} it`, {
        id,
        status: job.status,
        action,
      });
    if (!(await updateJob(db, id, from, { ...patch, updated_at: now() })))
      throw new AppError('print.job-not-retryable', `Print job ${id} changed meanwhile`, { id, action });
    await audit(id, action);
    return getJob(db, id);
  }

  const queries: Printing['queries'] = {
    'printers.list': async (input) => ({ rows: await listPrinters(db, input) }),
    'printJobs.list': async (input) => ({ rows: await listJobs(db, input) }),
    'printJobs.audit': async ({ jobId }) => {
      await getJob(db, jobId);
      return { rows: await listAudit(db, jobId) };
    },
    'labels.render': async ({ asnId, unitIds, templateId, format, dpi }) => {
      const data = await labelDataFor(db, asnId, unitIds);
      const bytes = await render(format, templateId, data, dpi ?? (await templateFor(templateId)).dpi);
      const name = (data[0]?.asnNumber ?? asnId).replace(/[^\p{L}\p{N}._-]+/gu, '-');
      return {
        base64: Buffer.from(bytes).toString('base64'),
        fileName: format === 'png' ? `${name}-label.png` : `${name}-labels.${format}`,
        mime: MIME[format],
        labels: format === 'png' ? 1 : data.length,
      };
    },
  };

  const jobs: Printing['jobs'] = {
    'printers.save': async (input) => {
      // An OS printer is a page printer whatever the form said: it always gets HTML pages.
      if (parsePrinterTarget(input.target).kind === 'os') input = { ...input, language: 'pdf' };
      if (input.templateId) await getTemplate(db, input.templateId);
      const create = input.id === undefined;
      if (!create) await getPrinter(db, input.id!);
      return savePrinter(db, input.id ?? randomUUID(), { ...input, dpi: input.dpi }, now(), create);
    },
    'printers.remove': async ({ id }) => ({ id, removed: await removePrinter(db, id, now()) }),
    'printers.test': async ({ id }) => {
      const p = await activePrinter(id);
      const { payload, format } = await printPayload(p, p.templateId, [SAMPLE_LABEL_DATA]);
      const jobId = await enqueue({
        printerId: p.id,
        target: p.target,
        document: 'test',
        // The queue shows the translated document kind next to it ("测试标签 · <printer>").
        description: p.name,
        format,
        payload,
      });
      await audit(jobId, 'submit', { document: 'test' });
      kick();
      return { jobId };
    },
    'printJobs.retry': async ({ id }) => {
      const job = await changeJob(
        id,
        ['failed', 'queued', 'cancelled'],
        { status: 'queued', next_attempt_at: new Date().toISOString(), last_error: null, last_error_code: null },
        'retry',
      );
      kick();
      return job;
    },
    'printJobs.cancel': async ({ id }) => {
      const job = await changeJob(
        id,
        ['queued', 'failed', 'sending', 'sent'],
        { status: 'cancelled', next_attempt_at: null },
        'cancel',
      );
      // Already at the spooler: withdraw it there too, or it prints when the printer returns.
      if (job.spoolerJobId && job.target.startsWith('cups:')) await cancelCupsJob(job.spoolerJobId);
      return job;
    },
    'printJobs.reprint': async ({ id, reason }) => {
      const original: PrintJobOut = await getJob(db, id);
      const printer = await getPrinter(db, original.printerId);
      const payload = await jobPayload(db, id);
      const jobId = await enqueue({
        printerId: printer.id,
        target: reprintTarget(original.target, printer.active ? printer.target : null),
        document: original.document,
        description: original.description,
        format: original.format,
        payload,
        reprintOf: id,
      });
      await audit(jobId, 'reprint', { reprintOf: id, reason });
      kick();
      return getJob(db, jobId);
    },
    'labels.print': async ({ asnId, unitIds, printerId, templateId }) => {
      const p = await activePrinter(printerId);
      const data = await labelDataFor(db, asnId, unitIds);
      const { payload, format } = await printPayload(p, templateId ?? p.templateId, data);
      const jobId = await enqueue({
        printerId: p.id,
        target: p.target,
        document: 'labels',
        description: `${data[0]?.asnNumber ?? asnId} · ${data.length}`,
        format,
        payload,
      });
      await audit(jobId, 'submit', { document: 'labels', asnId, labels: data.length });
      kick();
      return { jobId, labels: data.length };
    },
  };

  return {
    queries,
    jobs,
    kick,
    close: async () => {
      stopped = true;
      wake?.();
      await running;
    },
  };
}
