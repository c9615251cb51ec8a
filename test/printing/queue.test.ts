import { rmSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { PrintJobOut } from '../../core/api/printing.api.ts';
import { AppError } from '../../core/errors.ts';
import type { OpenedDb } from '../../db/connect.ts';
import { jobPayload } from '../../db/printing.queries.ts';
import { createPrinting, type Printing, type PrintingOptions } from '../../main/app/printing.ts';
import { createRawQueue, ensureCups } from './cups.ts';
import { closedPort, FakePrinter, sha256 } from './fakePrinter.ts';
import { context, openDesktopDb, reopenDesktopDb, seedAsn } from './fixtures.ts';

const FAST: PrintingOptions = { backoffBaseMs: 100, backoffMaxMs: 400, pollMs: 150, sendTimeoutMs: 3_000 };

async function rejected(p: Promise<unknown>): Promise<AppError> {
  try {
    await p;
  } catch (err) {
    expect(err).toBeInstanceOf(AppError);
    return err as AppError;
  }
  throw new Error('expected a rejection');
}

async function waitForJob(
  printing: Printing,
  id: string,
  ok: (j: PrintJobOut) => boolean,
  timeoutMs = 20_000,
): Promise<PrintJobOut> {
  const end = Date.now() + timeoutMs;
  for (;;) {
    const { rows } = await printing.queries['printJobs.list']({ limit: 1000 });
    const job = rows.find((r) => r.id === id);
    if (!job) throw new Error(`job ${id} not listed`);
    if (ok(job)) return job;
    if (Date.now() > end) throw new Error(`job ${id} still ${job.status} (${job.lastError ?? ''})`);
    await new Promise((r) => setTimeout(r, 50));
  }
}

describe('print queue (real SQLite, real TCP listener, real CUPS)', () => {
  let dir: string;
  let conn: OpenedDb;
  let printing: Printing;
  let printer: FakePrinter;
  let asn: { asnId: string; unitIds: string[] };
  let bigAsn: { asnId: string; unitIds: string[] };

  const open = (c: OpenedDb, options: PrintingOptions = FAST) =>
    createPrinting({ db: c.db, dataDir: dir, context: () => context('chen'), options });

  beforeAll(async () => {
    ({ dir, conn } = await openDesktopDb());
    asn = await seedAsn(conn, 2);
    bigAsn = await seedAsn(conn, 1000);
    printer = await FakePrinter.start();
    printing = await open(conn);
  });
  afterAll(async () => {
    await printing.close();
    await printer.stop();
    await conn.close();
    rmSync(dir, { recursive: true, force: true });
  });

  const addPrinter = (target: string, language: 'zpl' | 'tspl' | 'pdf' = 'zpl', name = `P ${target}`) =>
    printing.jobs['printers.save']({ name, target, language, dpi: 203, templateId: null, isDefault: false });

  it('saves, lists, updates and removes printers; refuses bad targets and unknown printers', async () => {
    const p = await addPrinter(printer.target, 'zpl', 'Dock 1 Zebra');
    expect(p).toMatchObject({ name: 'Dock 1 Zebra', language: 'zpl', dpi: 203, active: true, isDefault: false });
    const updated = await printing.jobs['printers.save']({
      id: p.id,
      name: 'Dock 1 Zebra',
      target: printer.target,
      language: 'zpl',
      dpi: 300,
      templateId: 'gs1-logistic-a6',
      isDefault: true,
    });
    expect(updated).toMatchObject({ dpi: 300, templateId: 'gs1-logistic-a6', isDefault: true });
    const other = await printing.jobs['printers.save']({
      name: 'Office',
      target: `pdf:${dir}`,
      language: 'pdf',
      dpi: 203,
      templateId: null,
      isDefault: true,
    });
    const { rows } = await printing.queries['printers.list']({});
    // Only one default: the newest.
    expect(rows.filter((r) => r.isDefault).map((r) => r.id)).toEqual([other.id]);

    const bad = await rejected(addPrinter('http://printer'));
    expect(bad.code).toBe('print.bad-target');
    const fields = { name: 'X', target: printer.target, language: 'zpl' as const, dpi: 203 as const, isDefault: false };
    const badTemplate = await rejected(
      printing.jobs['printers.save']({ ...fields, templateId: 'no-such-template', id: p.id }),
    );
    expect(badTemplate.code).toBe('label.unknown-template');
    expect((await rejected(printing.jobs['printers.save']({ ...fields, templateId: null, id: 'nope' }))).code).toBe(
      'print.unknown-printer',
    );
    expect((await rejected(printing.jobs['printers.test']({ id: 'nope' }))).code).toBe('print.unknown-printer');
    expect((await rejected(printing.jobs['printers.remove']({ id: 'nope' }))).code).toBe('print.unknown-printer');

    expect(await printing.jobs['printers.remove']({ id: other.id })).toEqual({ id: other.id, removed: 'deleted' });
    expect((await printing.queries['printers.list']({})).rows.map((r) => r.id)).not.toContain(other.id);
  });

  it('prints an ASN as ONE job of 1,000 ZPL labels: bytes arrive intact', async () => {
    const p = await addPrinter(printer.target);
    const before = printer.jobs.length;
    const { jobId, labels } = await printing.jobs['labels.print']({ asnId: bigAsn.asnId, printerId: p.id });
    expect(labels).toBe(1000);
    const job = await waitForJob(printing, jobId, (j) => j.status === 'done', 60_000);
    expect(job).toMatchObject({ attempts: 1, actor: 'chen', document: 'labels', format: 'zpl', lastError: null });
    await printer.waitForJobs(before + 1);
    const sent = printer.jobs[before]!;
    const payload = await jobPayload(conn.db, jobId);
    expect(sha256(sent)).toBe(sha256(payload));
    expect(job.bytes).toBe(payload.byteLength);
    const text = sent.toString('latin1');
    expect(text.match(/\^XA/g)).toHaveLength(1000);
    // The same labels through labels.render: identical bytes.
    const rendered = await printing.queries['labels.render']({
      asnId: bigAsn.asnId,
      templateId: 'gs1-logistic-4x6',
      format: 'zpl',
      dpi: 203,
    });
    expect(sha256(Buffer.from(rendered.base64, 'base64'))).toBe(sha256(sent));
    expect(rendered).toMatchObject({ mime: 'text/plain', labels: 1000 });
  });

  it('prints a selection of units, renders a PDF and a PNG to download', async () => {
    const p = await addPrinter(printer.target, 'tspl');
    const { labels, jobId } = await printing.jobs['labels.print']({
      asnId: asn.asnId,
      unitIds: [asn.unitIds[1]!],
      printerId: p.id,
    });
    expect(labels).toBe(1);
    await waitForJob(printing, jobId, (j) => j.status === 'done');
    const pdf = await printing.queries['labels.render']({
      asnId: asn.asnId,
      templateId: 'gs1-logistic-a6',
      format: 'pdf',
    });
    expect(Buffer.from(pdf.base64, 'base64').subarray(0, 5).toString()).toBe('%PDF-');
    expect(pdf).toMatchObject({ mime: 'application/pdf', labels: 2 });
    expect(pdf.fileName).toMatch(/^ASN-T-.*-labels\.pdf$/);
    const png = await printing.queries['labels.render']({
      asnId: asn.asnId,
      templateId: 'gs1-logistic-a6',
      format: 'png',
    });
    expect(Buffer.from(png.base64, 'base64').subarray(1, 4).toString()).toBe('PNG');
    expect((await rejected(printing.jobs['labels.print']({ asnId: 'nope', printerId: p.id }))).code).toBe(
      'dock.asn-not-found',
    );
    expect(
      (await rejected(printing.queries['labels.render']({ asnId: asn.asnId, templateId: 'nope', format: 'pdf' }))).code,
    ).toBe('label.unknown-template');
  });

  it('an unreachable printer keeps the job queued with the reason, and it prints by itself when the printer returns', async () => {
    const port = await closedPort();
    const p = await addPrinter(`tcp://127.0.0.1:${port}`);
    const { jobId } = await printing.jobs['printers.test']({ id: p.id });
    const waiting = await waitForJob(printing, jobId, (j) => j.attempts >= 2 && j.status === 'queued');
    expect(waiting).toMatchObject({ status: 'queued', lastErrorCode: 'print.unreachable', document: 'test' });
    expect(waiting.lastError).toMatch(/ECONNREFUSED/);
    expect(waiting.nextAttemptAt).not.toBeNull();

    const back = await FakePrinter.start(port);
    try {
      const done = await waitForJob(printing, jobId, (j) => j.status === 'done');
      expect(done.lastError).toBeNull();
      await back.waitForJobs(1);
      expect(sha256(back.jobs[0]!)).toBe(sha256(await jobPayload(conn.db, jobId)));
      expect(back.jobs[0]!.toString('latin1')).toMatch(/^\^XA|\^XA/);
    } finally {
      await back.stop();
    }
  });

  it('a permanent error fails the job with its reason; retry, cancel and reprint follow the rules', async () => {
    const p = await addPrinter(`pdf:${dir}/missing-folder-is-retried/../file-in-the-way/x.pdf`, 'pdf');
    // Make "file-in-the-way" a file: writing below it is ENOTDIR, which no retry can cure.
    const { writeFileSync } = await import('node:fs');
    writeFileSync(`${dir}/file-in-the-way`, 'x');
    const { jobId } = await printing.jobs['printers.test']({ id: p.id });
    const failed = await waitForJob(printing, jobId, (j) => j.status === 'failed');
    expect(failed).toMatchObject({ lastErrorCode: 'print.unreachable', attempts: 1 });
    expect(failed.lastError).toMatch(/ENOTDIR/);

    const retried = await printing.jobs['printJobs.retry']({ id: jobId });
    expect(retried.status).toBe('queued');
    await waitForJob(printing, jobId, (j) => j.status === 'failed' && j.attempts === 2);
    const cancelled = await printing.jobs['printJobs.cancel']({ id: jobId });
    expect(cancelled.status).toBe('cancelled');

    const good = await addPrinter(printer.target);
    const { jobId: doneId } = await printing.jobs['printers.test']({ id: good.id });
    await waitForJob(printing, doneId, (j) => j.status === 'done');
    const notRetryable = await rejected(printing.jobs['printJobs.retry']({ id: doneId }));
    expect(notRetryable.code).toBe('print.job-not-retryable');
    expect(notRetryable.details).toMatchObject({ status: 'done' });
    expect((await rejected(printing.jobs['printJobs.cancel']({ id: doneId }))).code).toBe('print.job-not-retryable');
    expect((await rejected(printing.jobs['printJobs.retry']({ id: 'nope' }))).code).toBe('print.job-not-found');
    expect((await rejected(printing.jobs['printJobs.reprint']({ id: 'nope', reason: 'x' }))).code).toBe(
      'print.job-not-found',
    );
    expect((await rejected(printing.queries['printJobs.audit']({ jobId: 'nope' }))).code).toBe('print.job-not-found');

    const before = printer.jobs.length;
    const reprint = await printing.jobs['printJobs.reprint']({ id: doneId, reason: 'label torn at the dock' });
    expect(reprint).toMatchObject({ reprintOf: doneId, actor: 'chen' });
    expect(reprint.id).not.toBe(doneId);
    await waitForJob(printing, reprint.id, (j) => j.status === 'done');
    await printer.waitForJobs(before + 1);
    expect(sha256(printer.jobs[before]!)).toBe(sha256(await jobPayload(conn.db, doneId)));
    const audit = await printing.queries['printJobs.audit']({ jobId: reprint.id });
    expect(audit.rows).toEqual([
      expect.objectContaining({
        action: 'reprint',
        actor: 'chen',
        details: { reprintOf: doneId, reason: 'label torn at the dock' },
      }),
    ]);
    const failedAudit = await printing.queries['printJobs.audit']({ jobId });
    expect(failedAudit.rows.map((r) => r.action)).toEqual(['submit', 'retry', 'cancel']);

    const list = await printing.queries['printJobs.list']({ status: 'cancelled', limit: 50 });
    expect(list.rows.map((r) => r.id)).toContain(jobId);
    expect(list.rows.every((r) => r.status === 'cancelled')).toBe(true);
    const recent = await printing.queries['printJobs.list']({ limit: 3 });
    expect(recent.rows[0]!.id).toBe(reprint.id);
  });

  it('survives a restart: a job queued while the printer is down is still there and prints after reopening', async () => {
    const port = await closedPort();
    const p = await addPrinter(`tcp://127.0.0.1:${port}`);
    const { jobId } = await printing.jobs['labels.print']({ asnId: asn.asnId, printerId: p.id });
    await waitForJob(printing, jobId, (j) => j.attempts >= 1 && j.status === 'queued');
    await printing.close();
    await conn.close();

    const back = await FakePrinter.start(port);
    try {
      conn = await reopenDesktopDb(dir);
      printing = await open(conn);
      const done = await waitForJob(printing, jobId, (j) => j.status === 'done');
      expect(done.attempts).toBeGreaterThanOrEqual(2);
      await back.waitForJobs(1);
      expect(sha256(back.jobs[0]!)).toBe(sha256(await jobPayload(conn.db, jobId)));
    } finally {
      await back.stop();
    }
  });

  it('a job interrupted while sending goes back to the queue at start', async () => {
    const p = await addPrinter(printer.target);
    await printing.close();
    const paused = await open(conn, { ...FAST, worker: false });
    const { jobId } = await paused.jobs['printers.test']({ id: p.id });
    await conn.db.updateTable('print_jobs').set({ status: 'sending', attempts: 1 }).where('id', '=', jobId).execute();
    await paused.close();
    printing = await open(conn);
    const done = await waitForJob(printing, jobId, (j) => j.status === 'done');
    expect(done.attempts).toBe(2);
  });

  it("keeps each printer's jobs in order while one waits for its printer", async () => {
    const port = await closedPort();
    const down = await addPrinter(`tcp://127.0.0.1:${port}`);
    const up = await addPrinter(printer.target);
    const first = (await printing.jobs['printers.test']({ id: down.id })).jobId;
    const second = (await printing.jobs['labels.print']({ asnId: asn.asnId, printerId: down.id })).jobId;
    const other = (await printing.jobs['printers.test']({ id: up.id })).jobId;
    // The live printer is not held up by the dead one.
    await waitForJob(printing, other, (j) => j.status === 'done');
    await waitForJob(printing, first, (j) => j.attempts >= 2 && j.status === 'queued');
    const behind = (await printing.queries['printJobs.list']({ printerId: down.id, limit: 10 })).rows.find(
      (r) => r.id === second,
    )!;
    expect(behind).toMatchObject({ status: 'queued', attempts: 0 });
    const back = await FakePrinter.start(port);
    try {
      await waitForJob(printing, second, (j) => j.status === 'done');
      await back.waitForJobs(2);
      expect(sha256(back.jobs[0]!)).toBe(sha256(await jobPayload(conn.db, first)));
      expect(sha256(back.jobs[1]!)).toBe(sha256(await jobPayload(conn.db, second)));
    } finally {
      await back.stop();
    }
  });

  describe('through CUPS', () => {
    beforeAll(() => ensureCups());

    it('a raw CUPS queue: bytes arrive intact and the spooler job is polled to done', async () => {
      const queue = await createRawQueue(printer.port);
      try {
        const p = await addPrinter(`cups:${queue.name}`);
        const before = printer.jobs.length;
        const { jobId } = await printing.jobs['labels.print']({ asnId: asn.asnId, printerId: p.id });
        const done = await waitForJob(printing, jobId, (j) => j.status === 'done');
        expect(done.spoolerJobId).toMatch(new RegExp(`^${queue.name}-\\d+$`));
        await printer.waitForJobs(before + 1);
        expect(sha256(printer.jobs[before]!)).toBe(sha256(await jobPayload(conn.db, jobId)));
      } finally {
        queue.remove();
      }
    });

    it("a CUPS queue whose printer is down: the job stays sent with the spooler's reason, and cancel withdraws it", async () => {
      const port = await closedPort();
      const queue = await createRawQueue(port);
      try {
        const p = await addPrinter(`cups:${queue.name}`);
        const { jobId } = await printing.jobs['printers.test']({ id: p.id });
        const sent = await waitForJob(printing, jobId, (j) => j.status === 'sent' && j.lastError !== null);
        expect(sent.lastError).toMatch(/unavailable|not responding|unable|connect/i);
        expect(sent.doneAt).toBeNull();
        const cancelled = await printing.jobs['printJobs.cancel']({ id: jobId });
        expect(cancelled.status).toBe('cancelled');
      } finally {
        queue.remove();
      }
    });

    it('an unknown CUPS queue fails the job at once (no retry can help)', async () => {
      const p = await addPrinter('cups:OMS_NO_SUCH_QUEUE');
      const { jobId } = await printing.jobs['printers.test']({ id: p.id });
      const failed = await waitForJob(printing, jobId, (j) => j.status === 'failed');
      expect(failed).toMatchObject({ lastErrorCode: 'print.spooler-failed', attempts: 1 });
    });
  });
});
