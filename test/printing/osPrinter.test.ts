import { rmSync } from 'node:fs';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import type { PrintJobOut } from '../../core/api/printing.api.ts';
import { AppError } from '../../core/errors.ts';
import type { OpenedDb } from '../../db/connect.ts';
import { jobPayload } from '../../db/printing.queries.ts';
import { createPrinting, registerOsPrinter, type Printing } from '../../main/app/printing.ts';
import { context, openDesktopDb, seedAsn } from './fixtures.ts';

/**
 * The print queue with `os:` printers. Electron's silent printing cannot run here, so the
 * registered handler is a recorder standing in for it (main/electron/osPrint.ts is covered by
 * main.smoke.test.ts, the HTML by printing/labels/html.test.ts in real Chromium).
 */

async function waitForJob(printing: Printing, id: string, ok: (j: PrintJobOut) => boolean): Promise<PrintJobOut> {
  const end = Date.now() + 20_000;
  for (;;) {
    const job = (await printing.queries['printJobs.list']({ limit: 1000 })).rows.find((r) => r.id === id);
    if (!job) throw new Error(`job ${id} not listed`);
    if (ok(job)) return job;
    if (Date.now() > end) throw new Error(`job ${id} still ${job.status} (${job.lastError ?? ''})`);
    await new Promise((r) => setTimeout(r, 30));
  }
}

const settled = (j: PrintJobOut) => j.status === 'done' || j.status === 'failed';

describe('print queue → os: printers (real SQLite, recording handler in place of Electron)', () => {
  let dir: string;
  let conn: OpenedDb;
  let printing: Printing;
  let asn: { asnId: string; unitIds: string[] };
  let unregister: (() => void) | null = null;

  beforeAll(async () => {
    ({ dir, conn } = await openDesktopDb());
    asn = await seedAsn(conn, 2);
    printing = await createPrinting({
      db: conn.db,
      dataDir: dir,
      context: () => context('chen'),
      options: { backoffBaseMs: 100, backoffMaxMs: 400, pollMs: 150 },
    });
  });
  afterEach(() => {
    unregister?.();
    unregister = null;
  });
  afterAll(async () => {
    await printing.close();
    await conn.close();
    rmSync(dir, { recursive: true, force: true });
  });

  const addPrinter = (target: string, templateId: string | null = null) =>
    printing.jobs['printers.save']({ name: target, target, language: 'zpl', dpi: 300, templateId, isDefault: false });

  it('an os: printer is a page printer; it prints the ASN as one HTML job on the exact label size', async () => {
    const calls: { printer: string; html: string; page: { widthMm: number; heightMm: number } }[] = [];
    unregister = registerOsPrinter(async (printer, html, page) => {
      calls.push({ printer, html, page });
    });
    const p = await addPrinter('os:ZDesigner GK420d');
    expect(p.language).toBe('pdf');

    const { jobId, labels } = await printing.jobs['labels.print']({ asnId: asn.asnId, printerId: p.id });
    expect(labels).toBe(2);
    const job = await waitForJob(printing, jobId, settled);
    expect(job).toMatchObject({ status: 'done', format: 'html:101.6x152.4', lastError: null, attempts: 1 });
    expect(calls).toHaveLength(1);
    expect(calls[0]!.printer).toBe('ZDesigner GK420d');
    expect(calls[0]!.page).toEqual({ widthMm: 101.6, heightMm: 152.4 });

    // The queue keeps the document without the ~6 MB of fonts; the printer gets it with them.
    const stored = new TextDecoder().decode(await jobPayload(conn.db, jobId));
    expect(stored).toMatch(/^<!doctype html>/);
    expect(stored).toContain('@page { size: 101.6mm 152.4mm; margin: 0 }');
    expect(stored.match(/<div class="label">/g)).toHaveLength(2);
    expect(stored).not.toContain('@font-face');
    expect(job.bytes).toBeLessThan(200_000);
    expect(calls[0]!.html.replace(/<style>@font-face[^<]*<\/style>/, '<!--oms:label-fonts-->')).toBe(stored);

    // A reprint prints the same document on the same page size.
    const again = await printing.jobs['printJobs.reprint']({ id: jobId, reason: 'Label torn' });
    await waitForJob(printing, again.id, settled);
    expect(calls).toHaveLength(2);
    expect(calls[1]!.page).toEqual({ widthMm: 101.6, heightMm: 152.4 });
    expect(calls[1]!.html).toBe(calls[0]!.html);
  });

  it('a reprint after the printer changed between raw and OS printing goes where the bytes fit', async () => {
    const calls: string[] = [];
    unregister = registerOsPrinter(async (printer) => void calls.push(printer));
    const p = await printing.jobs['printers.save']({
      name: 'Office',
      target: `pdf:${dir}`,
      language: 'pdf',
      dpi: 203,
      templateId: null,
      isDefault: false,
    });
    const { jobId } = await printing.jobs['printers.test']({ id: p.id });
    expect(await waitForJob(printing, jobId, settled)).toMatchObject({ status: 'done', format: 'pdf' });
    await printing.jobs['printers.save']({
      id: p.id,
      name: 'Office',
      target: 'os:Office Laser',
      language: 'pdf',
      dpi: 203,
      templateId: null,
      isDefault: false,
    });
    const again = await printing.jobs['printJobs.reprint']({ id: jobId, reason: 'Lost' });
    expect(again.target).toBe(`pdf:${dir}`);
    expect(await waitForJob(printing, again.id, settled)).toMatchObject({ status: 'done' });
    expect(calls).toEqual([]);
  });

  it("the test print uses the printer's template: A6 pages", async () => {
    const pages: { widthMm: number; heightMm: number }[] = [];
    unregister = registerOsPrinter(async (_printer, _html, page) => void pages.push(page));
    const p = await addPrinter('os:HP LaserJet M404', 'gs1-logistic-a6');
    const { jobId } = await printing.jobs['printers.test']({ id: p.id });
    expect(await waitForJob(printing, jobId, settled)).toMatchObject({ status: 'done', format: 'html:105x148' });
    expect(pages).toEqual([{ widthMm: 105, heightMm: 148 }]);
  });

  it('without the desktop app (web shell, CLI) the job fails at once, permanently, with the reason', async () => {
    const p = await addPrinter('os:Office Printer');
    const { jobId } = await printing.jobs['printers.test']({ id: p.id });
    const job = await waitForJob(printing, jobId, settled);
    expect(job).toMatchObject({
      status: 'failed',
      attempts: 1,
      lastErrorCode: 'print.bad-target',
      nextAttemptAt: null,
    });
    expect(job.lastError).toMatch(/needs the desktop app/);
  });

  it("a printer the OS does not know fails permanently; the driver's failure too, without retrying", async () => {
    let calls = 0;
    unregister = registerOsPrinter(async (printer) => {
      calls += 1;
      if (printer === 'Gone')
        throw new AppError('print.unreachable', 'This computer has no printer named "Gone"', {
          reason: 'no-such-os-printer',
          permanent: true,
        });
      throw new AppError('print.spooler-failed', 'Printing on "Jammed" failed: failed', { permanent: true });
    });
    for (const [name, code] of [
      ['Gone', 'print.unreachable'],
      ['Jammed', 'print.spooler-failed'],
    ] as const) {
      const p = await addPrinter(`os:${name}`);
      const { jobId } = await printing.jobs['printers.test']({ id: p.id });
      const job = await waitForJob(printing, jobId, settled);
      expect(job).toMatchObject({ status: 'failed', attempts: 1, lastErrorCode: code });
    }
    await new Promise((r) => setTimeout(r, 300));
    expect(calls).toBe(2);
  });
});
