import { randomUUID } from 'node:crypto';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import net from 'node:net';
import { tmpdir, userInfo } from 'node:os';
import { join } from 'node:path';
import { expect, test, type Browser, type Page } from '@playwright/test';
import pg from 'pg';
import { E2E_TOKEN } from '../../playwright.config.ts';
import { callApi, runTag, screenshot, type Lang } from './helpers.ts';
import { freePort, Link, Proc } from './processes.ts';

/**
 * The dock end to end (issue 6), through the web shell in Chromium: a real central server
 * (`sync/server/main.ts --demo` on PostgreSQL, in a schema of its own so the test can count rows
 * while it runs) and three real desktops (web shells with their own SQLite files):
 *
 *  - admin (en) makes a purchase order for the first supplier, delivered to the first warehouse;
 *  - li, that supplier's clerk (zh-CN), announces it on an ASN packed in two cartons (the form's
 *    "split into cartons of" helper), downloads the labels as PDF and prints them as ZPL to a fake
 *    network printer (a TCP listener here) — both SSCCs arrive in the ZPL;
 *  - wang, the warehouse clerk (zh-CN), goes OFFLINE (the relay between his desktop and the
 *    server is cut) and scans both cartons the way a keyboard-wedge scanner types (fast keys,
 *    GS as Ctrl+] and as a real ASCII 29): green feedback, stock and PO progress move; a rescan is
 *    refused in amber with when and by whom;
 *  - wang reconnects: the server holds exactly one receipt per carton.
 *
 * Process, relay and sign-in helpers are small copies of test/e2e/sync.spec.ts's (not shared:
 * that file is not this one's to change).
 */

const PASSWORD = 'dockside-demo';
const GS = '\x1d';
const PG_URL = process.env['OMS_TEST_DATABASE_URL'] ?? `postgres://${userInfo().username}@127.0.0.1:5432/test`;

test.describe.configure({ mode: 'serial' });

/** A network label printer as far as the test needs one: it keeps every job it is sent. */
class FakePrinter {
  readonly jobs: Buffer[] = [];
  private readonly server = net.createServer((socket) => {
    const chunks: Buffer[] = [];
    socket.on('data', (c: Buffer) => chunks.push(c));
    socket.on('end', () => {
      this.jobs.push(Buffer.concat(chunks));
      socket.end();
    });
    socket.on('error', () => undefined);
  });
  port = 0;

  async start(): Promise<this> {
    await new Promise<void>((r) => this.server.listen(0, '127.0.0.1', r));
    this.port = (this.server.address() as net.AddressInfo).port;
    return this;
  }

  async close(): Promise<void> {
    await new Promise((r) => this.server.close(r));
  }
}

interface Desktop {
  name: string;
  proc: Proc;
  page: Page;
  lang: Lang;
}

const other = (lang: Lang): Lang => (lang === 'en' ? 'zh-CN' : 'en');

async function setLanguage(page: Page, lang: Lang): Promise<void> {
  await page.locator('#language-select').selectOption(lang);
  await expect(page.locator('html')).toHaveAttribute('lang', lang);
}

/** The same view in both languages (the desktop's own first), then back to its language. */
async function shootBoth(d: Desktop, name: string): Promise<void> {
  await expect(d.page.locator('.toast')).toHaveCount(0, { timeout: 6_000 });
  for (const lang of [d.lang, other(d.lang)]) {
    await setLanguage(d.page, lang);
    await screenshot(d.page, `${name}-${lang}`);
  }
  await setLanguage(d.page, d.lang);
}

const SIGN_IN = {
  en: { form: 'Sign in', user: 'User name', password: 'Password', dock: 'Dock (receiving)', syncNow: 'Sync now' },
  'zh-CN': { form: '登录', user: '用户名', password: '密码', dock: '月台收货', syncNow: '立即同步' },
} as const;

async function openDesktop(browser: Browser, name: string, serverUrl: string, lang: Lang, dirs: string[]) {
  const port = await freePort();
  const dir = mkdtempSync(join(tmpdir(), `oms-e2e-dock-${name}-`));
  dirs.push(dir);
  const proc = new Proc(
    `desktop ${name}`,
    ['main/web/cli.ts', `--port=${port}`, `--data-dir=${dir}`, `--server-url=${serverUrl}`],
    { OMS_WEB_TOKEN: E2E_TOKEN },
  );
  const base = `http://127.0.0.1:${port}`;
  await proc.waitFor(`${base}/`, 60_000);
  const context = await browser.newContext({
    baseURL: base,
    viewport: { width: 1440, height: 900 },
    acceptDownloads: true,
  });
  const page = await context.newPage();
  await page.goto(`/#token=${E2E_TOKEN}&lang=${lang}`);
  await expect(page.locator('html')).toHaveAttribute('lang', lang);
  return { name, proc, page, lang } satisfies Desktop;
}

async function signIn(d: Desktop, username: string): Promise<void> {
  const T = SIGN_IN[d.lang];
  const form = d.page.getByRole('form', { name: T.form });
  await form.getByLabel(T.user).fill(username);
  await form.getByLabel(T.password).fill(PASSWORD);
  await form.getByLabel(T.password).press('Enter');
  await expect(d.page.getByRole('navigation')).toBeVisible();
  await expect(d.page.getByTestId('status-connection')).toHaveAttribute('data-state', 'online', { timeout: 90_000 });
}

interface SyncStatus {
  state: string;
  pendingCommands: number;
  rejectedCommands: number;
}
const statusOf = (d: Desktop) => callApi<SyncStatus>(d.page, 'sync.status', {});

/** Asks for a sync round and waits until this desktop has nothing left to upload. */
async function settle(d: Desktop): Promise<void> {
  await callApi(d.page, 'sync.now', {}).catch(() => undefined);
  await expect.poll(async () => (await statusOf(d)).pendingCommands, { timeout: 30_000 }).toBe(0);
}

/** What a keyboard-wedge scanner does: keys as fast as the browser takes them, then Enter. */
async function scanKeys(page: Page, parts: readonly (string | { gs: 'ctrl' | 'char' })[]): Promise<void> {
  for (const part of parts) {
    if (typeof part === 'string') await page.keyboard.type(part);
    else if (part.gs === 'ctrl') await page.keyboard.press('Control+BracketRight');
    // A real ASCII 29 has no key of its own: it arrives as text, as some wedges send it.
    else await page.keyboard.insertText(GS);
  }
  await page.keyboard.press('Enter');
}

let server: Proc;
let link: Link;
let printer: FakePrinter;
let admin: Desktop;
let li: Desktop;
let wang: Desktop;
let pool: pg.Pool;
const schema = `e2e_dock_${randomUUID().replaceAll('-', '').slice(0, 12)}`;
const dirs: string[] = [];

test.beforeAll(async ({ browser }) => {
  test.setTimeout(300_000);
  pool = new pg.Pool({ connectionString: PG_URL, max: 2 });
  await pool.query(`create schema ${schema}`);
  const port = await freePort();
  const serverUrl = `http://127.0.0.1:${port}`;
  const url = new URL(PG_URL);
  url.searchParams.set('options', `-c search_path=${schema}`);
  server = new Proc('server', ['sync/server/main.ts', '--demo', '--quiet', `--port=${port}`], {
    DATABASE_URL: url.toString(),
  });
  await server.waitFor(`${serverUrl}/ready`, 180_000);
  link = await new Link(new URL(serverUrl)).start();
  printer = await new FakePrinter().start();
  [admin, li, wang] = await Promise.all([
    openDesktop(browser, 'admin', serverUrl, 'en', dirs),
    openDesktop(browser, 'li', serverUrl, 'zh-CN', dirs),
    openDesktop(browser, 'wang', link.url, 'zh-CN', dirs),
  ]);
  await Promise.all([signIn(admin, 'admin'), signIn(li, 'li'), signIn(wang, 'wang')]);
});

test.afterAll(async () => {
  for (const d of [admin, li, wang]) await d?.page.context().close();
  await Promise.all([admin, li, wang].map((d) => d?.proc.stop()));
  await link?.close();
  await printer?.close();
  await server?.stop();
  await pool?.query(`drop schema if exists ${schema} cascade`);
  await pool?.end();
  for (const dir of dirs) rmSync(dir, { recursive: true, force: true });
});

interface Named {
  id: string;
  code: string;
  name: string;
  version: number;
  gs1CompanyPrefix?: string | null;
}

test('a supplier announces and labels two cartons; the warehouse, offline, scans them in once', async () => {
  test.setTimeout(300_000);
  const tag = runTag('D');

  // ---- admin: a purchase order of li's supplier (the first by code) for wang's warehouse ----
  const byCode = (rows: Named[]) => rows.slice().sort((a, b) => a.code.localeCompare(b.code));
  const supplier = byCode((await callApi<{ rows: Named[] }>(admin.page, 'suppliers.list', {})).rows)[0]!;
  const warehouse = byCode((await callApi<{ rows: Named[] }>(admin.page, 'warehouses.list', {})).rows)[0]!;
  if (!supplier.gs1CompanyPrefix)
    await callApi(admin.page, 'suppliers.update', {
      id: supplier.id,
      expectedVersion: supplier.version,
      fields: { ...supplier, gs1CompanyPrefix: '6912345' },
    });
  const item = await callApi<{ id: string; sku: string }>(admin.page, 'items.create', {
    sku: `TEA-${tag}`,
    name: '龙井茶 250g',
    nameEn: 'Longjing tea 250g',
    baseUom: 'EA',
  });
  const po = await callApi<{ id: string; number: string; status: string }>(admin.page, 'orders.create', {
    submit: true,
    order: {
      type: 'purchase',
      supplierId: supplier.id,
      warehouseId: warehouse.id,
      externalRef: `E2E-${tag}`,
      lines: [{ itemId: item.id, quantity: 100, unitPriceMinor: 3_600, taxRateBp: 1300 }],
    },
  });
  expect(po.status).toBe('approved');
  await settle(admin);

  const stockOf = async (d: Desktop) => {
    const g = await callApi<{ totals: { onHand: number; inTransit: number } }>(d.page, 'inventory.grid', {
      itemId: item.id,
      warehouseId: warehouse.id,
    });
    return g.totals;
  };
  const poOf = async (d: Desktop) =>
    (await callApi<{ order: { status: string } }>(d.page, 'orders.get', { id: po.id })).order.status;

  let asn = { id: '', number: '', ssccs: [] as string[] };

  await test.step('li announces the delivery: 100 split into cartons of 50', async () => {
    await expect
      .poll(
        async () => {
          await callApi(li.page, 'sync.now', {}).catch(() => undefined);
          const r = await callApi<{ rows: { orderId: string }[] }>(li.page, 'dock.purchaseLines', {});
          return r.rows.some((l) => l.orderId === po.id);
        },
        { timeout: 30_000 },
      )
      .toBe(true);
    const page = li.page;
    await page.getByRole('navigation').getByRole('button', { name: SIGN_IN['zh-CN'].dock, exact: true }).click();
    // A supplier clerk has no receiving tab.
    await expect(page.getByRole('tab', { name: '收货', exact: true })).toHaveCount(0);
    await expect(page.getByRole('tab', { name: '送货单' })).toHaveAttribute('aria-selected', 'true');
    await page.getByRole('button', { name: '新建送货单' }).click();
    const form = page.getByRole('dialog', { name: '新建送货单（ASN）' });
    await expect(form).toBeVisible();
    await form.getByLabel('未结采购单').selectOption(po.id);
    const row = form.locator('tr[data-line="1"]');
    await expect(row).toContainText(item.sku);
    await form.getByLabel(`${item.sku} 的发货数量`).fill('100');
    // Nothing packed yet: refused on the line before anything is sent.
    await form.getByRole('button', { name: '创建送货单' }).click();
    await expect(row.locator('.field-error')).toContainText('已装箱 0');
    await form.getByLabel(`${item.sku} 每箱数量`).fill('50');
    await form.getByLabel(`${item.sku} 每箱数量`).press('Enter');
    await expect(form.getByTestId('packed-1')).toHaveText('100/100');
    await expect(form.locator('table.asn-units tbody tr')).toHaveCount(2);
    await expect(row.locator('.field-error')).toHaveCount(0);
    await shootBoth(li, 'dock-asn-form');
    await form.getByRole('button', { name: '创建送货单' }).click();
    const done = page.getByTestId('asn-created');
    await expect(done).toBeVisible();
    const number = ((await done.getByTestId('asn-created-number').textContent()) ?? '').trim();
    expect(number).toMatch(/^ASN-\d{7}$/);
    const ssccs = await done.locator('[data-sscc]').evaluateAll((els) => els.map((e) => e.getAttribute('data-sscc')!));
    expect(ssccs).toHaveLength(2);
    for (const s of ssccs) expect(s).toMatch(/^\d{18}$/);
    await page.getByRole('button', { name: '打开送货单' }).click();
    await expect(page.locator('#asn-detail-title')).toContainText(number);
    const units = page.getByTestId('asn-units');
    await expect(units.locator('[data-sscc]')).toHaveCount(2);
    // The SSCC reads as on the label: (00) extension, company prefix, serial, check digit.
    await expect(units.locator('[data-sscc]').first()).toHaveText(/^\(00\) \d \d{7,} \d+ \d$/);
    const list = await callApi<{ rows: { id: string; number: string }[] }>(li.page, 'asns.list', { search: number });
    asn = { id: list.rows.find((r) => r.number === number)!.id, number, ssccs };
    await shootBoth(li, 'dock-asn-detail');
  });

  await test.step('li books a dock slot for it; a supplier may only cancel it', async () => {
    const page = li.page;
    await page.getByRole('tab', { name: '预约' }).click();
    await page.getByRole('button', { name: '预约时段' }).click();
    const book = page.getByRole('dialog', { name: '预约月台' });
    await expect(book.getByLabel('供应商')).toBeDisabled();
    await book.getByLabel('仓库').selectOption(warehouse.id);
    await book.getByLabel('送货单').selectOption(asn.id);
    await book.getByRole('textbox', { name: '月台' }).fill('D3');
    await book.getByRole('textbox', { name: '月台' }).press('Enter');
    await expect(book).toBeHidden();
    const row = page
      .getByRole('table', { name: /的预约$/ })
      .getByRole('row')
      .filter({ hasText: asn.number });
    await expect(row).toContainText('D3');
    await expect(row).toContainText('已申请');
    await expect(row.getByRole('button')).toHaveText(['取消']);
    await page.getByRole('tab', { name: '送货单' }).click();
    await page.getByRole('grid').getByText(asn.number).dblclick();
    await expect(page.locator('#asn-detail-title')).toContainText(asn.number);
  });

  await test.step('li prints the labels: a PDF to download and ZPL to the network printer', async () => {
    const page = li.page;
    // PDF: the download button renders every label of the ASN.
    const [download] = await Promise.all([
      page.waitForEvent('download'),
      page.getByRole('button', { name: '下载 PDF' }).click(),
    ]);
    expect(download.suggestedFilename()).toMatch(/\.pdf$/);
    const pdf = readFileSync((await download.path())!);
    expect(pdf.subarray(0, 5).toString('latin1')).toBe('%PDF-');
    // ZPL: the fake printer configured on this desktop, the ASN's labels printed to it from the ASN.
    const saved = await callApi<{ id: string }>(page, 'printers.save', {
      name: `Zebra ${tag}`,
      target: `tcp://127.0.0.1:${printer.port}`,
      language: 'zpl',
      dpi: 203,
    });
    await page.getByRole('button', { name: '打印标签…' }).click();
    const dialog = page.getByRole('dialog', { name: '打印标签' });
    await dialog.getByLabel('打印机').selectOption(saved.id);
    await dialog.getByRole('button', { name: '打印', exact: true }).click();
    await expect(dialog).toBeHidden();
    await expect.poll(() => printer.jobs.length, { timeout: 30_000 }).toBe(1);
    const zpl = printer.jobs[0]!.toString('latin1');
    // One job: the text bitmaps downloaded once (~DG), then one ^XA…^XZ label per carton.
    expect(zpl).toMatch(/^\s*(~DG|~DU|\^XA)/);
    expect(zpl.trimEnd()).toMatch(/\^XZ$/);
    expect(zpl.match(/\^XA/g)?.length).toBe(2);
    for (const s of asn.ssccs) expect(zpl).toContain(s);
    await settle(li);
  });

  const before = { stock: { onHand: 0, inTransit: 0 } };

  await test.step('wang has the ASN, then goes offline', async () => {
    await expect
      .poll(
        async () => {
          await callApi(wang.page, 'sync.now', {}).catch(() => undefined);
          const r = await callApi<{ rows: { id: string }[] }>(wang.page, 'asns.list', { search: asn.number });
          return r.rows.length;
        },
        { timeout: 30_000 },
      )
      .toBe(1);
    before.stock = await stockOf(wang);
    link.set('down');
    await wang.page.getByRole('contentinfo').getByRole('button', { name: SIGN_IN['zh-CN'].syncNow }).click();
    await expect(wang.page.getByTestId('status-connection')).toHaveAttribute('data-state', 'offline', {
      timeout: 30_000,
    });
  });

  await test.step('offline, wang scans both cartons as a wedge scanner types them', async () => {
    const page = wang.page;
    await page.getByRole('navigation').getByRole('button', { name: SIGN_IN['zh-CN'].dock, exact: true }).click();
    await expect(page.getByRole('tab', { name: '收货', exact: true })).toHaveAttribute('aria-selected', 'true');
    const field = page.getByTestId('dock-scan');
    await expect(field).toBeFocused();
    const feedback = page.getByTestId('dock-feedback');
    const [c1, c2] = asn.ssccs as [string, string];

    // Carton 1: the FNC1 in first position sent as GS, by Ctrl+].
    await scanKeys(page, [{ gs: 'ctrl' }, `00${c1}`]);
    await expect(feedback).toHaveAttribute('data-tone', 'ok');
    await expect(feedback).toContainText(`${asn.number} 第 1/2 箱已收货`);
    await expect(feedback).toContainText(`50 × ${item.sku}`);
    await expect(page.getByTestId('dock-units')).toHaveText('1/2');
    await expect(page.getByTestId('dock-po-progress')).toHaveAttribute('data-value', '50');
    await expect(field).toBeFocused();
    await expect(field).toHaveValue('');

    // Carton 2: symbology identifier and a real GS character.
    await scanKeys(page, [']C1', { gs: 'char' }, `00${c2}`]);
    await expect(feedback).toContainText(`${asn.number} 第 2/2 箱已收货`);
    await expect(page.getByTestId('dock-units')).toHaveText('2/2');
    await expect(page.getByTestId('dock-po-progress')).toHaveAttribute('data-value', '100');
    const log = page.getByTestId('dock-log').locator('li');
    await expect(log).toHaveCount(2);
    // Told apart from typing by its rhythm.
    await expect(log.first()).toContainText('扫描枪');
    // The GS it carried is shown, not swallowed.
    await expect(log.first().locator('.scan-log-scan')).toHaveText(`]C1GS00${c2}`);
    await expect(log.first().locator('.gs-mark')).toHaveCount(1);
    await shootBoth(wang, 'dock-receive-ok');

    // Stock and the purchase order moved, here on the desktop, offline.
    const after = await stockOf(wang);
    expect(after.onHand).toBe(before.stock.onHand + 100);
    expect(await poOf(wang)).toBe('received');

    // The same carton again: refused in amber, with when and by whom.
    await scanKeys(page, [`00${c1}`]);
    await expect(feedback).toHaveAttribute('data-tone', 'dup');
    await expect(feedback).toContainText(/已于 \d{2}:\d{2} 由 王仓管 Wang 收货/);
    await expect(log).toHaveCount(3);
    expect((await stockOf(wang)).onHand).toBe(before.stock.onHand + 100);
    await shootBoth(wang, 'dock-receive-duplicate');

    // Typed by hand (slowly) it is still taken on Enter, and marked as typed.
    await field.pressSequentially(`00${c2}`, { delay: 60 });
    await page.keyboard.press('Enter');
    await expect(log).toHaveCount(4);
    await expect(log.first()).toContainText('手工输入');
    await expect(feedback).toHaveAttribute('data-tone', 'dup');

    // A misread check digit: the GS1 parser's refusal, in red, in words.
    await scanKeys(page, [`00${c1.slice(0, 17)}${(Number(c1[17]) + 1) % 10}`]);
    await expect(feedback).toHaveAttribute('data-tone', 'error');
    await expect(feedback).toContainText('校验码错误');
  });

  await test.step('wang reconnects: the server has exactly one receipt per carton', async () => {
    expect((await statusOf(wang)).pendingCommands).toBeGreaterThanOrEqual(2);
    link.set('up');
    await wang.page.getByRole('contentinfo').getByRole('button', { name: SIGN_IN['zh-CN'].syncNow }).click();
    await expect(wang.page.getByTestId('status-connection')).toHaveAttribute('data-state', 'online', {
      timeout: 30_000,
    });
    await settle(wang);
    expect((await statusOf(wang)).rejectedCommands).toBe(0);
    const { rows } = await pool.query<{ sscc: string; n: string; actor: string }>(
      `select u.sscc, count(r.id) as n, min(r.actor) as actor
         from ${schema}.handling_units u left join ${schema}.dock_receipts r on r.unit_id = u.id
        where u.asn_id = $1 group by u.sscc, u.position order by u.position`,
      [asn.id],
    );
    expect(rows.map((r) => [r.sscc, r.n])).toEqual([
      [asn.ssccs[0], '1'],
      [asn.ssccs[1], '1'],
    ]);
    for (const r of rows) expect(r.actor).toMatch(/wang/i);
    const total = await pool.query<{ n: string }>(
      `select count(*) as n from ${schema}.dock_receipts where asn_id = $1`,
      [asn.id],
    );
    expect(total.rows[0]!.n).toBe('2');
    // The server's stock and purchase order agree with what wang saw offline.
    const po$ = await pool.query<{ status: string }>(`select status from ${schema}.orders where id = $1`, [po.id]);
    expect(po$.rows[0]!.status).toBe('received');
    await expect.poll(async () => poOf(li), { timeout: 30_000 }).toBe('received');
  });
});
