import { expect, test, type Page } from '@playwright/test';
import { FakePrinter } from '../printing/fakePrinter.ts';
import { callApi, openApp, runTag, screenshot, type Lang } from './helpers.ts';

/**
 * Printers, the print queue and the ASN dialogs on the dock screen, through the real web shell
 * in Chromium (local profile = administrator, a real SQLite file) and a real TCP listener as the
 * network label printer:
 *
 *  - a printer is added through the form (a bad connection is refused with the translated
 *    print.bad-target text), its test label reaches the listener as ZPL and the queue says printed;
 *  - a reprint needs a reason (refused empty by the field), sends the same bytes again and the
 *    reason lands in the job's audit;
 *  - with the printer switched off the job waits with the refusal shown, and prints by itself
 *    once the printer is back on the same port;
 *  - an ASN is cancelled (reason required), another is closed short after one of its two cartons
 *    was scanned: the dialog lists the short line and the missing carton, the detail the discrepancies.
 */
const TEXT = {
  en: {
    nav: 'Dock (receiving)',
    printersTab: 'Printers',
    asnsTab: 'ASNs',
    printers: 'Printers',
    queue: 'Print queue',
    add: 'Add printer',
    addTitle: 'Add printer',
    name: 'Name',
    tcpKind: 'Network printer (port 9100)',
    address: 'Printer address',
    language: 'Printer language',
    save: 'Save printer',
    saved: (name: string) => `Printer ${name} saved.`,
    badTarget: 'This printer connection is not valid.',
    required: 'Required',
    zpl: 'ZPL (Zebra)',
    testPrint: 'Test print',
    testQueued: (name: string) => `Test label for ${name} is in the print queue.`,
    printed: 'Printed',
    queued: 'Queued',
    reprintAction: 'Reprint',
    reprintTitle: 'Reprint this job?',
    reprintReason: 'Reason for the reprint',
    reprintConfirm: 'Reprint',
    reprintMark: '· reprint',
    reprintQueued: 'The reprint is in the print queue.',
    reason: 'the label was torn in the applicator',
    history: 'History',
    historyTitle: 'Job history',
    close: 'Close',
    unreachable: 'The printer cannot be reached.',
    retryIn: /Next try in \d+ s/,
    remove: 'Remove',
    removeTitle: (name: string) => `Remove printer ${name}?`,
    removed: (name: string) => `Printer ${name} removed.`,
    printerName: 'Dock 1 label printer',
    search: 'ASN, PO or SSCC',
    asnGrid: 'Delivery notes (ASNs)',
    cancelAsn: 'Cancel ASN…',
    cancelTitle: (asn: string) => `Cancel ${asn}`,
    cancelConfirm: 'Cancel the ASN',
    cancelReason: 'Reason',
    cancelText: 'The supplier cannot ship this week',
    cancelled: 'Cancelled',
    receiving: 'Receiving',
    closeAsn: 'Close ASN (record shortages)…',
    closeTitle: (asn: string) => `Close ${asn}`,
    closeConfirm: 'Close the ASN',
    closeExplain: 'These lines are short',
    missingOne: '1 unit was never scanned: it is recorded as missing.',
    closedToast: (asn: string) => `${asn} closed: 1 short line(s), 1 missing unit(s).`,
    closed: 'Closed',
    discrepancies: 'Discrepancies',
    shortage: 'Shortage',
    missingUnit: 'Missing unit',
    carton: 'Carton',
    warehouse: 'Ningbo Port DC',
    supplier: 'Hangzhou Tea Co.',
  },
  'zh-CN': {
    nav: '月台收货',
    printersTab: '打印机',
    asnsTab: '送货单',
    printers: '打印机',
    queue: '打印队列',
    add: '添加打印机',
    addTitle: '添加打印机',
    name: '名称',
    tcpKind: '网络打印机（9100 端口）',
    address: '打印机地址',
    language: '打印机语言',
    save: '保存打印机',
    saved: (name: string) => `打印机 ${name} 已保存。`,
    badTarget: '打印机连接无效。',
    required: '必填',
    zpl: 'ZPL（斑马）',
    testPrint: '打印测试页',
    testQueued: (name: string) => `${name} 的测试标签已加入打印队列。`,
    printed: '已打印',
    queued: '排队中',
    reprintAction: '补打',
    reprintTitle: '补打此任务？',
    reprintReason: '补打原因',
    reprintConfirm: '补打',
    reprintMark: '· 补打',
    reprintQueued: '补打任务已加入打印队列。',
    reason: '贴标机撕坏了标签',
    history: '记录',
    historyTitle: '打印记录',
    close: '关闭',
    unreachable: '无法连接打印机。',
    retryIn: /\d+ 秒后重试/,
    remove: '删除',
    removeTitle: (name: string) => `删除打印机 ${name}？`,
    removed: (name: string) => `打印机 ${name} 已删除。`,
    printerName: '月台 1 号标签机',
    search: '送货单号、采购单号或 SSCC',
    asnGrid: '送货单列表',
    cancelAsn: '取消送货单…',
    cancelTitle: (asn: string) => `取消 ${asn}`,
    cancelConfirm: '取消送货单',
    cancelReason: '原因',
    cancelText: '供应商本周无法发货',
    cancelled: '已取消',
    receiving: '收货中',
    closeAsn: '关闭送货单（记录短少）…',
    closeTitle: (asn: string) => `关闭 ${asn}`,
    closeConfirm: '关闭送货单',
    closeExplain: '以下明细数量不足',
    missingOne: '有 1 件未扫描，将记为缺件。',
    closedToast: (asn: string) => `${asn} 已关闭：短少 1 行，缺件 1 件。`,
    closed: '已关闭',
    discrepancies: '差异',
    shortage: '短少',
    missingUnit: '缺件',
    carton: '箱',
    warehouse: '宁波港仓',
    supplier: '杭州茶叶有限公司',
  },
} as const;

const DOCS = process.env['OMS_SCREENSHOTS'] === 'docs';

async function openDockTab(page: Page, lang: Lang, tab: 'printers' | 'asns'): Promise<void> {
  const T = TEXT[lang];
  await page.getByRole('navigation').getByRole('button', { name: T.nav, exact: true }).click();
  const name = tab === 'printers' ? T.printersTab : T.asnsTab;
  await page.getByRole('tab', { name, exact: true }).click();
  await expect(page.getByRole('tab', { name, exact: true })).toHaveAttribute('aria-selected', 'true');
}

/** The toast has gone, so a screenshot shows the screen and the next toast is the next action's. */
async function toastGone(page: Page): Promise<void> {
  await expect(page.locator('.toast')).toHaveCount(0, { timeout: 6_000 });
}

const isZpl = (job: Buffer | undefined): boolean => {
  const text = job?.toString('latin1').trim() ?? '';
  return text.startsWith('^XA') && text.endsWith('^XZ');
};

interface JobRow {
  id: string;
  printerName: string;
  status: string;
  reprintOf: string | null;
  lastError: string | null;
}

for (const lang of ['zh-CN', 'en'] as const) {
  const T = TEXT[lang];

  test(`printers and the print queue (${lang}): add a TCP printer, test print, reprint with a reason, printer down and back`, async ({
    page,
  }) => {
    test.setTimeout(120_000);
    const printer = await FakePrinter.start();
    try {
      await openApp(page, lang);
      await openDockTab(page, lang, 'printers');
      const printers = page.getByRole('region', { name: T.printers, exact: true });
      const queue = page.getByRole('region', { name: T.queue, exact: true });
      const name = T.printerName;

      await test.step('add the printer: a bad connection and an empty address are refused in the form', async () => {
        await printers.getByRole('button', { name: T.add, exact: true }).click();
        const form = page.getByRole('dialog', { name: T.addTitle, exact: true });
        await expect(form).toBeVisible();
        await form.getByLabel(T.name, { exact: true }).fill(name);
        await expect(form.getByRole('radio', { name: T.tcpKind })).toBeChecked();
        await form.getByLabel(T.language, { exact: true }).selectOption({ label: T.zpl });

        // Empty address: refused by the field, nothing is sent.
        await form.getByRole('button', { name: T.save, exact: true }).click();
        await expect(form.getByLabel(T.address, { exact: true })).toHaveAttribute('aria-invalid', 'true');
        await expect(form.getByText(T.required, { exact: true })).toBeVisible();

        // Another scheme typed into the address: the host refuses it, the dialog stays with the reason.
        await form.getByLabel(T.address, { exact: true }).fill('ftp://x');
        await form.getByRole('button', { name: T.save, exact: true }).click();
        await expect(form.getByRole('alert')).toContainText(T.badTarget);
        await expect(form).toBeVisible();
        const listed = await callApi<{ rows: { name: string }[] }>(page, 'printers.list', {});
        expect(listed.rows.filter((p) => p.name === name)).toHaveLength(0);

        await form.getByLabel(T.address, { exact: true }).fill(`127.0.0.1:${printer.port}`);
        await form.getByRole('button', { name: T.save, exact: true }).click();
        await expect(form).toBeHidden();
        await expect(page.getByRole('status')).toContainText(T.saved(name));
        const row = printers.getByRole('row').filter({ hasText: name });
        await expect(row).toHaveCount(1);
        await expect(row).toContainText(printer.target);
        await expect(row).toContainText(T.zpl);
      });

      const printerRow = printers.getByRole('row').filter({ hasText: name });
      const jobRows = queue.getByRole('row').filter({ hasText: name });

      await test.step('test print: the job is printed and the listener got one ZPL label', async () => {
        await printerRow.getByRole('button', { name: T.testPrint, exact: true }).click();
        await expect(page.getByRole('status')).toContainText(T.testQueued(name));
        await printer.waitForJobs(1);
        expect(isZpl(printer.jobs[0])).toBe(true);
        await expect(jobRows).toHaveCount(1, { timeout: 10_000 });
        await expect(jobRows.first()).toHaveAttribute('data-status', 'done', { timeout: 10_000 });
        await expect(jobRows.first()).toContainText(T.printed);
      });

      await test.step('reprint: refused without a reason, then the same bytes again with the reason audited', async () => {
        await toastGone(page);
        await jobRows.first().getByRole('button', { name: T.reprintAction, exact: true }).click();
        const dialog = page.getByRole('dialog', { name: T.reprintTitle, exact: true });
        await expect(dialog).toBeVisible();
        await dialog.getByRole('button', { name: T.reprintConfirm, exact: true }).click();
        await expect(dialog.getByLabel(T.reprintReason, { exact: true })).toHaveAttribute('aria-invalid', 'true');
        await expect(dialog.getByText(T.required, { exact: true })).toBeVisible();
        if (DOCS) await screenshot(page, `printing-reprint-${lang}`);
        // Nothing was queued by the refused attempt.
        const before = await callApi<{ rows: JobRow[] }>(page, 'printJobs.list', { limit: 200 });
        expect(before.rows.filter((j) => j.printerName === name)).toHaveLength(1);

        await dialog.getByLabel(T.reprintReason, { exact: true }).fill(T.reason);
        await expect(dialog.getByText(T.required, { exact: true })).toHaveCount(0);
        await dialog.getByRole('button', { name: T.reprintConfirm, exact: true }).click();
        await expect(dialog).toBeHidden();
        await expect(page.getByRole('status')).toContainText(T.reprintQueued);
        await printer.waitForJobs(2);
        expect(printer.jobs[1]!.equals(printer.jobs[0]!)).toBe(true);

        await expect(jobRows).toHaveCount(2, { timeout: 10_000 });
        const reprintRow = jobRows.filter({ hasText: T.reprintMark });
        await expect(reprintRow).toHaveCount(1);
        await expect(reprintRow).toHaveAttribute('data-status', 'done', { timeout: 10_000 });

        const after = await callApi<{ rows: JobRow[] }>(page, 'printJobs.list', { limit: 200 });
        const mine = after.rows.filter((j) => j.printerName === name);
        const reprint = mine.find((j) => j.reprintOf !== null)!;
        expect(reprint.reprintOf).toBe(mine.find((j) => j.reprintOf === null)!.id);
        const audit = await callApi<{ rows: { action: string; details: Record<string, unknown> | null }[] }>(
          page,
          'printJobs.audit',
          { jobId: reprint.id },
        );
        expect(audit.rows.find((a) => a.action === 'reprint')?.details).toMatchObject({ reason: T.reason });
        // The clerk sees the same history in the queue: who reprinted, and why.
        await reprintRow.getByRole('button', { name: T.history, exact: true }).click();
        const history = page.getByRole('dialog', { name: T.historyTitle });
        await expect(history.getByRole('row').filter({ hasText: T.reason })).toHaveCount(1);
        await history.getByRole('button', { name: T.close, exact: true }).click();
        await expect(history).toBeHidden();

        await toastGone(page);
        if (DOCS) await screenshot(page, `printing-printers-${lang}`);
      });

      await test.step('printer down: the job waits with the reason, and prints by itself once it is back', async () => {
        await printer.stop();
        await printerRow.getByRole('button', { name: T.testPrint, exact: true }).click();
        await expect(jobRows).toHaveCount(3, { timeout: 10_000 });
        // Newest first: the job just queued.
        const waiting = jobRows.first();
        await expect(waiting).toContainText('ECONNREFUSED', { timeout: 10_000 });
        await expect(waiting).toContainText(T.unreachable);
        await expect(waiting).toHaveAttribute('data-status', /^(queued|sending)$/);
        await expect(waiting).toContainText(T.queued);
        await expect(waiting).toContainText(T.retryIn);
        expect(printer.jobs).toHaveLength(2);

        await printer.start();
        // Retries back off from 2 s (2, 4, 8 …): the next one after the restart finds the printer.
        await printer.waitForJobs(3, 30_000);
        expect(isZpl(printer.jobs[2])).toBe(true);
        await expect(waiting).toHaveAttribute('data-status', 'done', { timeout: 10_000 });
        await expect(waiting).toContainText(T.printed);
        await expect(waiting).not.toContainText('ECONNREFUSED');
      });

      await test.step('remove the printer: its jobs stay in the queue', async () => {
        await toastGone(page);
        await printerRow.getByRole('button', { name: T.remove, exact: true }).click();
        const dialog = page.getByRole('dialog', { name: T.removeTitle(name), exact: true });
        await dialog.getByRole('button', { name: T.remove, exact: true }).click();
        await expect(dialog).toBeHidden();
        await expect(page.getByRole('status')).toContainText(T.removed(name));
        await expect(printerRow).toHaveCount(0);
        await expect(jobRows).toHaveCount(3);
      });
    } finally {
      await printer.stop();
    }
  });

  test(`ASN dialogs (${lang}): cancel needs a reason; closing short lists the short line and the missing carton`, async ({
    page,
  }) => {
    test.setTimeout(90_000);
    const tag = runTag(lang === 'en' ? 'PE' : 'PZ');
    await openApp(page, lang);

    const warehouse = await callApi<{ id: string }>(page, 'warehouses.create', {
      code: `WH-${tag}`,
      name: T.warehouse,
    });
    const supplier = await callApi<{ id: string }>(page, 'suppliers.create', {
      code: `SUP-${tag}`,
      name: T.supplier,
      gs1CompanyPrefix: '6901234',
    });
    const item = await callApi<{ id: string; sku: string }>(page, 'items.create', {
      sku: `TEA-${tag}`,
      name: '龙井茶 250g',
      nameEn: 'Longjing tea 250g',
      baseUom: 'EA',
    });
    const po = await callApi<{ id: string; status: string }>(page, 'orders.create', {
      submit: true,
      order: {
        type: 'purchase',
        supplierId: supplier.id,
        warehouseId: warehouse.id,
        externalRef: `E2E-${tag}`,
        lines: [{ itemId: item.id, quantity: 200, unitPriceMinor: 3_600, taxRateBp: 1300 }],
      },
    });
    expect(po.status).toBe('approved');
    const today = new Date().toISOString().slice(0, 10);
    const newAsn = () =>
      callApi<{ id: string; number: string; ssccs: string[] }>(page, 'asns.create', {
        orderId: po.id,
        supplierId: supplier.id,
        shipDate: today,
        lines: [{ orderLineNo: 1, quantity: 100 }],
        units: [{ contents: [{ line: 1, quantity: 60 }] }, { contents: [{ line: 1, quantity: 40 }] }],
      });
    const toCancel = await newAsn();
    const toClose = await newAsn();
    expect(toClose.ssccs).toHaveLength(2);
    for (const sscc of toClose.ssccs) expect(sscc.slice(1, 8)).toBe('6901234');
    // The first carton (60) is scanned in; the second never arrives.
    await callApi(page, 'dock.receiveUnit', { sscc: toClose.ssccs[0], scan: toClose.ssccs[0] });

    await openDockTab(page, lang, 'asns');
    const status = page.locator('.dock-detail-bar [data-status]');
    const open = async (number: string) => {
      await page.getByLabel(T.search, { exact: true }).fill(number);
      const grid = page.getByRole('region', { name: T.asnGrid, exact: true });
      const row = grid.getByRole('row').filter({ hasText: number });
      await expect(row).toHaveCount(1);
      await row.dblclick();
      await expect(page.getByRole('heading', { level: 2 }).filter({ hasText: number })).toBeVisible();
    };
    const back = async () => {
      await page.keyboard.press('Escape');
      await expect(page.getByLabel(T.search, { exact: true })).toBeVisible();
    };

    await test.step('cancel: refused without a reason, then cancelled with one', async () => {
      await open(toCancel.number);
      await page.getByRole('button', { name: T.cancelAsn, exact: true }).click();
      const dialog = page.getByRole('dialog', { name: T.cancelTitle(toCancel.number), exact: true });
      await dialog.getByRole('button', { name: T.cancelConfirm, exact: true }).click();
      await expect(dialog.getByLabel(T.cancelReason, { exact: true })).toHaveAttribute('aria-invalid', 'true');
      await expect(dialog.getByText(T.required, { exact: true })).toBeVisible();
      const still = await callApi<{ status: string }>(page, 'asns.get', { id: toCancel.id });
      expect(still.status).toBe('open');

      await dialog.getByLabel(T.cancelReason, { exact: true }).fill(T.cancelText);
      await dialog.getByRole('button', { name: T.cancelConfirm, exact: true }).click();
      await expect(dialog).toBeHidden();
      await expect(status).toHaveText(T.cancelled);
      await expect(status).toHaveAttribute('data-status', 'cancelled');
      // A cancelled ASN offers neither cancelling nor closing again.
      await expect(page.getByRole('button', { name: T.cancelAsn, exact: true })).toHaveCount(0);
      await expect(page.getByRole('button', { name: T.closeAsn, exact: true })).toHaveCount(0);
      await back();
    });

    await test.step('close short: the dialog lists the short line and the missing carton', async () => {
      await open(toClose.number);
      await expect(status).toHaveText(T.receiving);
      await page.getByRole('button', { name: T.closeAsn, exact: true }).click();
      const dialog = page.getByRole('dialog', { name: T.closeTitle(toClose.number), exact: true });
      await expect(dialog).toContainText(T.closeExplain);
      const shortRows = dialog.getByRole('row').filter({ hasText: item.sku });
      await expect(shortRows).toHaveCount(1);
      const cells = shortRows.getByRole('cell');
      // SKU, item, announced, received, short.
      await expect(cells.nth(0)).toHaveText(item.sku);
      await expect(cells.nth(2)).toHaveText('100');
      await expect(cells.nth(3)).toHaveText('60');
      await expect(cells.nth(4)).toHaveText('40');
      await expect(dialog.getByText(T.missingOne, { exact: true })).toBeVisible();
      if (DOCS) {
        await toastGone(page);
        await screenshot(page, `dock-close-asn-${lang}`);
      }

      await dialog.getByRole('button', { name: T.closeConfirm, exact: true }).click();
      await expect(dialog).toBeHidden();
      await expect(page.getByRole('status')).toContainText(T.closedToast(toClose.number));
      await expect(status).toHaveText(T.closed);
      const discrepancies = page.getByRole('region', { name: T.discrepancies, exact: true });
      const shortage = discrepancies.getByRole('row').filter({ hasText: T.shortage });
      await expect(shortage).toHaveCount(1);
      await expect(shortage).toContainText(item.sku);
      await expect(shortage.getByRole('cell').nth(2)).toHaveText('100');
      await expect(shortage.getByRole('cell').nth(3)).toHaveText('60');
      const missing = discrepancies.getByRole('row').filter({ hasText: T.missingUnit });
      await expect(missing).toHaveCount(1);
      const sscc = toClose.ssccs[1]!;
      // The carton never scanned, by position and SSCC as on its label.
      await expect(missing).toContainText(`${T.carton} 2`);
      await expect(missing).toContainText(`(00) ${sscc[0]} ${sscc.slice(1, 8)} ${sscc.slice(8, 17)} ${sscc[17]}`);
    });
  });
}
