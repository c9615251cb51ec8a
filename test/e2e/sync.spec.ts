import { mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { expect, test, type Browser, type Locator, type Page } from '@playwright/test';
import { E2E_TOKEN } from '../../playwright.config.ts';
import { callApi, runTag, screenshot, type Lang } from './helpers.ts';
import { freePort, Link, Proc } from './processes.ts';

/**
 * Sync through the UI: a real central server (`sync/server/main.ts --demo` on PGlite) and two
 * real desktops (web shells with their own SQLite files), each in its own browser context.
 * Desktop A (陈主管 Chen, zh-CN) reaches the server through a small HTTP relay this test
 * controls, so it can really go offline (connections cut) and come back; desktop B (Admin, en)
 * talks to the server directly.
 *
 *  - both sign in (the sign-in screen; a wrong password is refused in words);
 *  - A goes offline, types a sales order and ships it, ships an order B cancels meanwhile,
 *    cancels an order B ships meanwhile, and reserves 8 of 10 units B reserves 6 of;
 *  - A comes back: B sees A's new order within seconds; A's three refused changes are in its
 *    sync issues with the reason (the available quantity), who and when and the arguments;
 *  - A resolves them there: edit and resend (an invalid edit is refused by field first),
 *    accept the server version, discard; the resolved list shows who decided what and when;
 *  - A signs in offline with the credentials it last verified online;
 *  - B's settings show the server, the client id and the account; pointed at a relay that
 *    speaks for an outdated app, B says "update required" and keeps its work.
 */

const ROOT = resolve(import.meta.dirname, '../..');
const PASSWORD = 'dockside-demo';

test.describe.configure({ mode: 'serial' });

interface Desktop {
  name: string;
  url: string;
  proc: Proc;
  page: Page;
  lang: Lang;
}

const TEXT = {
  en: {
    signIn: 'Sign in',
    user: 'User name',
    password: 'Password',
    wrong: 'User name or password is wrong.',
    offlineHint: /sign in offline with the user name and password last verified on this desktop/,
    online: 'Online',
    offline: 'Offline',
    updateRequired: 'Update required',
    syncNow: 'Sync now',
    pending: 'Pending upload',
    issuesNav: /^Sync issues/,
    issuesTitle: 'Sync issues',
    toDecide: 'Sync issues to decide',
    resolvedTable: 'Resolved sync issues',
    resolvedFilter: 'Resolved',
    settings: 'Settings',
    serverUrl: 'Server URL',
    saveServer: 'Save server',
    clientId: "This desktop's client id",
    orders: 'Orders',
    search: 'Quick search',
  },
  'zh-CN': {
    signIn: '登录',
    user: '用户名',
    password: '密码',
    wrong: '用户名或密码错误。',
    offlineHint: /离线登录/,
    online: '在线',
    offline: '离线',
    updateRequired: '需要更新',
    syncNow: '立即同步',
    pending: '待上传',
    issuesNav: /^同步问题/,
    issuesTitle: '同步问题',
    toDecide: '待处理的同步问题',
    resolvedTable: '已处理的同步问题',
    resolvedFilter: '已处理',
    settings: '设置',
    serverUrl: '服务器地址',
    saveServer: '保存服务器',
    clientId: '本机客户端 ID',
    orders: '订单中心',
    search: '快速搜索',
  },
} as const;

const other = (lang: Lang): Lang => (lang === 'en' ? 'zh-CN' : 'en');

async function setLanguage(page: Page, lang: Lang): Promise<void> {
  await page.locator('#language-select').selectOption(lang);
  await expect(page.locator('html')).toHaveAttribute('lang', lang);
}

/** The same view in both languages (the desktop's own first), then back to its language. */
async function shootBoth(d: Desktop, name: string, ready?: (lang: Lang) => Promise<void>): Promise<void> {
  // A toast says what just happened in the language it happened in: let it go first.
  await expect(d.page.locator('.toast')).toHaveCount(0, { timeout: 6_000 });
  for (const lang of [d.lang, other(d.lang)]) {
    await setLanguage(d.page, lang);
    await ready?.(lang);
    await screenshot(d.page, `${name}-${lang}`);
  }
  await setLanguage(d.page, d.lang);
}

const connection = (page: Page): Locator => page.getByTestId('status-connection');
const pendingCount = async (page: Page): Promise<number> =>
  Number((await page.getByTestId('status-pending').locator('strong').textContent()) ?? 'NaN');

async function syncNow(d: Desktop): Promise<void> {
  await d.page.getByRole('contentinfo').getByRole('button', { name: TEXT[d.lang].syncNow }).click();
}

interface SyncStatus {
  state: string;
  pendingCommands: number;
  rejectedCommands: number;
}
const statusOf = (d: Desktop) => callApi<SyncStatus>(d.page, 'sync.status', {});

async function signIn(d: Desktop, username: string): Promise<void> {
  const T = TEXT[d.lang];
  const form = d.page.getByRole('form', { name: T.signIn });
  await form.getByLabel(T.user).fill(username);
  await form.getByLabel(T.password).fill(PASSWORD);
  await form.getByLabel(T.password).press('Enter');
  await expect(d.page.getByRole('navigation')).toBeVisible();
}

interface Order {
  id: string;
  number: string;
  version: number;
  status: string;
}
const orderOf = async (d: Desktop, id: string): Promise<Order> =>
  (await callApi<{ order: Order }>(d.page, 'orders.get', { id })).order;

let server: Proc;
let linkA: Link;
let oldApp: Link;
let a: Desktop;
let b: Desktop;
let serverUrl = '';
const dirs: string[] = [];

async function openDesktop(browser: Browser, name: string, url: string, lang: Lang): Promise<Desktop> {
  const port = await freePort();
  const dir = mkdtempSync(join(tmpdir(), `oms-e2e-sync-${name}-`));
  dirs.push(dir);
  const proc = new Proc(
    `desktop ${name}`,
    ['main/web/cli.ts', `--port=${port}`, `--data-dir=${dir}`, `--server-url=${url}`],
    { OMS_WEB_TOKEN: E2E_TOKEN },
  );
  const base = `http://127.0.0.1:${port}`;
  await proc.waitFor(`${base}/`, 60_000);
  const context = await browser.newContext({ baseURL: base, viewport: { width: 1440, height: 900 } });
  const page = await context.newPage();
  await page.goto(`/#token=${E2E_TOKEN}&lang=${lang}`);
  await expect(page.locator('html')).toHaveAttribute('lang', lang);
  return { name, url: base, proc, page, lang };
}

test.beforeAll(async ({ browser }) => {
  test.setTimeout(240_000);
  const port = await freePort();
  const dataDir = mkdtempSync(join(tmpdir(), 'oms-e2e-sync-server-'));
  dirs.push(dataDir);
  serverUrl = `http://127.0.0.1:${port}`;
  server = new Proc('server', ['sync/server/main.ts', '--demo', '--quiet', `--data-dir=${dataDir}`, `--port=${port}`]);
  await server.waitFor(`${serverUrl}/ready`, 180_000);
  linkA = await new Link(new URL(serverUrl)).start();
  oldApp = await new Link(new URL(serverUrl)).start();
  oldApp.set('old-app');
  [a, b] = await Promise.all([
    openDesktop(browser, 'A', linkA.url, 'zh-CN'),
    openDesktop(browser, 'B', serverUrl, 'en'),
  ]);
});

test.afterAll(async () => {
  await a?.page.context().close();
  await b?.page.context().close();
  await Promise.all([a?.proc.stop(), b?.proc.stop()]);
  await linkA?.close();
  await oldApp?.close();
  await server?.stop();
  for (const dir of dirs) rmSync(dir, { recursive: true, force: true });
});

test('two desktops on one server: offline work, live updates, sync issues resolved there, settings', async () => {
  test.setTimeout(360_000);
  const TA = TEXT[a.lang];
  const TB = TEXT[b.lang];
  const tag = runTag('S');

  await test.step('sign in on both desktops (a wrong password is refused)', async () => {
    for (const d of [a, b]) {
      const T = TEXT[d.lang];
      await expect(d.page.getByRole('heading', { name: T.signIn, level: 1 })).toBeVisible();
      await expect(connection(d.page)).toHaveAttribute('data-state', 'signed-out');
      await expect(d.page.getByRole('form', { name: T.signIn })).toContainText(T.offlineHint);
    }
    await shootBoth(a, 'sync-sign-in');
    const form = a.page.getByRole('form', { name: TA.signIn });
    await form.getByLabel(TA.user).fill('chen');
    await form.getByLabel(TA.password).fill('not-the-password');
    await form.getByLabel(TA.password).press('Enter');
    await expect(form.getByRole('alert')).toHaveText(TA.wrong);
    await signIn(a, 'chen');
    // A wrong server address can be corrected before signing in; nonsense is refused in words.
    await b.page.getByRole('button', { name: 'Wrong server? Change the server address' }).click();
    await b.page.getByLabel(TB.serverUrl).fill('not a server');
    await b.page.getByLabel(TB.serverUrl).press('Enter');
    await expect(b.page.locator('.signin-server-form').getByRole('alert')).toBeVisible();
    await b.page.locator('.signin-server-form').getByRole('button', { name: 'Cancel' }).click();
    await signIn(b, 'admin');
    await expect(a.page.getByRole('button', { name: /陈主管 Chen/ })).toBeVisible();
    // The initial download finishes and both desktops are online.
    for (const d of [a, b])
      await expect(connection(d.page)).toHaveAttribute('data-state', 'online', { timeout: 60_000 });
  });

  // ---- master data, stock and three approved orders, made on A while online ----
  const warehouses = (await callApi<{ rows: { id: string; code: string }[] }>(a.page, 'warehouses.list', {})).rows
    .slice()
    .sort((x, y) => x.code.localeCompare(y.code));
  const home = warehouses[0]!;
  const customer = await callApi<{ id: string; code: string }>(a.page, 'customers.create', {
    code: `SYNC-${tag}`,
    name: '同步测试贸易有限公司',
    grade: 'A',
    creditLimitMinor: 500_000_000,
  });
  const item = await callApi<{ id: string; sku: string }>(a.page, 'items.create', {
    sku: `TEA-${tag}`,
    name: '乌龙茶 500g',
    nameEn: 'Oolong tea 500g',
    baseUom: 'EA',
  });
  const scarce = await callApi<{ id: string; sku: string }>(a.page, 'items.create', {
    sku: `LAST-${tag}`,
    name: '限量礼盒',
    nameEn: 'Limited gift box',
    baseUom: 'EA',
  });
  for (const [it, quantity] of [
    [item, 200],
    [scarce, 10],
  ] as const)
    await callApi(a.page, 'inventory.receive', {
      itemId: it.id,
      warehouseId: home.id,
      lot: '',
      expiry: '',
      quantity,
      doc: { type: 'receipt', id: `E2E-${it.sku}` },
      note: 'e2e sync',
    });
  const order = (ref: string) =>
    callApi<Order>(a.page, 'orders.create', {
      submit: true,
      order: {
        type: 'sales',
        customerId: customer.id,
        warehouseId: home.id,
        externalRef: ref,
        lines: [{ itemId: item.id, quantity: 10, unitPriceMinor: 4_800, taxRateBp: 1300 }],
      },
    });
  const x = await order(`X-${tag}`);
  const z = await order(`Z-${tag}`);

  await test.step('B receives what A made online', async () => {
    await expect.poll(async () => (await statusOf(a)).pendingCommands, { timeout: 30_000 }).toBe(0);
    await expect
      .poll(async () => (await orderOf(b, z.id).catch(() => null))?.status, { timeout: 30_000 })
      .toBe('approved');
    await expect(connection(b.page)).toHaveAttribute('data-state', 'online');
  });

  let newNumber = '';
  await test.step('A goes offline and works on: a new order typed and shipped, two edits, a reservation', async () => {
    linkA.set('down');
    await syncNow(a);
    await expect(connection(a.page)).toHaveAttribute('data-state', 'offline', { timeout: 30_000 });
    await expect(connection(a.page)).toHaveText(TA.offline);

    // A sales order typed with the keyboard, as in the order centre's own test.
    await a.page.getByRole('navigation').getByRole('button', { name: TA.orders, exact: true }).click();
    await a.page.keyboard.press('Alt+KeyN');
    const entry = a.page.getByRole('dialog', { name: '新建销售订单' });
    await expect(entry).toBeVisible();
    const typeEnter = async (text: string) => {
      if (text) await a.page.keyboard.type(text);
      await a.page.keyboard.press('Enter');
    };
    await expect(entry.getByRole('combobox', { name: '客户' })).toBeFocused();
    await typeEnter(customer.code);
    const warehouse = entry.getByLabel('仓库', { exact: true });
    await expect(warehouse).toBeFocused();
    await a.page.keyboard.type(home.code); // a closed select's type-ahead
    await expect(warehouse).toHaveValue(home.id);
    for (const text of ['', '', `N-${tag}`, '', '']) await typeEnter(text);
    await expect(entry.getByRole('combobox', { name: '第 1 行商品' })).toBeFocused();
    await typeEnter(item.sku);
    await expect(entry.getByLabel('第 1 行数量')).toBeFocused();
    for (const text of ['6', '48', '', '13']) await typeEnter(text);
    await expect(entry.getByRole('combobox', { name: '第 2 行商品' })).toBeFocused();
    await typeEnter('');
    await expect(entry.getByRole('button', { name: /^保存并提交/ })).toBeFocused();
    await a.page.keyboard.press('Control+Enter');
    await expect(entry).toBeHidden();
    newNumber = ((await a.page.locator('#ord-detail-title .mono').textContent()) ?? '').trim();
    expect(newNumber).toMatch(/^SO-/);

    // ...and shipped in full, still offline.
    await a.page.getByRole('button', { name: '发货…' }).click();
    const ship = a.page.getByRole('dialog', { name: `发货 ${newNumber}` });
    await ship.getByRole('textbox').last().press('Enter');
    await expect(ship).toBeHidden();
    await expect(a.page.locator('.ord-detail-bar')).toContainText('已发货');
    // Not confirmed by the server yet: the order says so.
    await expect(a.page.getByTestId('order-provisional')).toHaveText('待确认（尚未同步到服务器）');

    // Two edits of orders B is about to change too, and 8 of the last 10 gift boxes.
    const ax = await orderOf(a, x.id);
    await callApi(a.page, 'orders.ship', {
      orderId: x.id,
      expectedVersion: ax.version,
      lines: [{ lineNo: 1, quantity: 4 }],
    });
    const az = await orderOf(a, z.id);
    await callApi(a.page, 'orders.cancel', { orderId: z.id, expectedVersion: az.version, reason: '客户取消' });
    await callApi(a.page, 'inventory.reserve', {
      demand: { type: 'sales-order', id: `GIFT-A-${tag}` },
      lines: [{ demandLine: 1, itemId: scarce.id, warehouseId: home.id, quantity: 8 }],
    });
    await expect(a.page.getByTestId('status-pending')).toContainText(TA.pending);
    await expect.poll(() => pendingCount(a.page)).toBeGreaterThanOrEqual(5);
    await expect(connection(a.page)).toHaveAttribute('data-state', 'offline');
    await shootBoth(a, 'sync-status-offline');
    await shootBar(a, 'sync-status-offline-bar');
  });

  await test.step('meanwhile B, online, cancels X, ships Z and reserves 6 gift boxes', async () => {
    const bx = await orderOf(b, x.id);
    await callApi(b.page, 'orders.cancel', { orderId: x.id, expectedVersion: bx.version, reason: 'customer called' });
    const bz = await orderOf(b, z.id);
    await callApi(b.page, 'orders.ship', {
      orderId: z.id,
      expectedVersion: bz.version,
      lines: [{ lineNo: 1, quantity: 3 }],
    });
    await callApi(b.page, 'inventory.reserve', {
      demand: { type: 'sales-order', id: `GIFT-B-${tag}` },
      lines: [{ demandLine: 1, itemId: scarce.id, warehouseId: home.id, quantity: 6 }],
    });
    await expect.poll(async () => (await statusOf(b)).pendingCommands, { timeout: 30_000 }).toBe(0);
    // B watches its sales list for A's new order.
    await b.page.getByRole('navigation').getByRole('button', { name: TB.orders, exact: true }).click();
    await b.page.getByLabel(TB.search).fill(newNumber);
    await expect(b.page.getByRole('grid').getByRole('row').filter({ hasText: newNumber })).toHaveCount(0);
    await expect(connection(b.page)).toHaveAttribute('data-state', 'online');
    await expect(connection(b.page)).toHaveText(TB.online);
    await shootBar(b, 'sync-status-online');
  });

  await test.step('A comes back: B sees the new order within seconds; three refusals become sync issues', async () => {
    linkA.set('up');
    await syncNow(a);
    await expect(connection(a.page)).toHaveAttribute('data-state', 'online', { timeout: 30_000 });
    await expect(b.page.getByRole('grid').getByRole('row').filter({ hasText: newNumber })).toHaveCount(1, {
      timeout: 10_000,
    });
    await expect(a.page.getByTestId('status-rejected')).toContainText('3');
    await expect(a.page.getByRole('navigation').getByRole('button', { name: TA.issuesNav })).toContainText('3');
    await expect.poll(() => pendingCount(a.page)).toBe(0);
    await shootBar(a, 'sync-status-issues');
  });

  await test.step('the sync issues screen: reason with the figures, who, when, the arguments', async () => {
    await a.page.getByTestId('status-rejected').click();
    await expect(a.page.locator('h1#screen-title')).toHaveText(TA.issuesTitle);
    const table = a.page.getByRole('table', { name: TA.toDecide });
    await expect(table.getByRole('row')).toHaveCount(4);
    const reserve = table.getByRole('row').filter({ hasText: '库存预占' });
    await expect(reserve).toContainText('库存不足：需要 8，可用 4');
    await expect(reserve).toContainText('陈主管 Chen');
    const shipRow = table.getByRole('row').filter({ hasText: '订单发货' });
    await expect(shipRow).toContainText(x.number);
    await expect(shipRow).toContainText('服务器上已是第');
    await expect(table.getByRole('row').filter({ hasText: '取消订单' })).toBeVisible();
    await reserve.getByText('查看参数').click();
    await expect(reserve.locator('.sync-args pre.json')).toContainText('"quantity": 8');
    await shootBoth(a, 'sync-issues');
  });

  await test.step('edit and resend: a bad edit is refused by field, then 4 boxes go through', async () => {
    const table = a.page.getByRole('table', { name: TA.toDecide });
    const reserve = table.getByRole('row').filter({ hasText: '库存预占' });
    await reserve.getByRole('button', { name: '编辑并重发…' }).click();
    const dialog = a.page.getByRole('dialog', { name: `编辑并重发：库存预占 GIFT-A-${tag}` });
    const editor = dialog.getByLabel('参数（JSON）');
    await expect(editor).toBeFocused();
    const original = await editor.inputValue();
    // Broken JSON is caught before anything is sent.
    await editor.fill(original.replace('"quantity": 8', '"quantity": 8,,'));
    await dialog.getByRole('button', { name: '重发', exact: true }).click();
    await expect(dialog.getByRole('alert')).toContainText('JSON 格式有误');
    // A quantity the command refuses: the desktop's own check answers by field.
    await editor.fill(original.replace('"quantity": 8', '"quantity": 0'));
    await editor.press('Control+Enter');
    await expect(dialog.getByRole('alert')).toContainText('lines.0.quantity');
    await shootBoth(a, 'sync-resend');
    await editor.fill(original.replace('"quantity": 8', '"quantity": 4'));
    await editor.press('Control+Enter');
    await expect(dialog).toBeHidden();
    await expect(table.getByRole('row')).toHaveCount(3);
  });

  await test.step('accept the server version, and discard: each confirmed', async () => {
    const table = a.page.getByRole('table', { name: TA.toDecide });
    await table
      .getByRole('row')
      .filter({ hasText: '订单发货' })
      .getByRole('button', { name: '接受服务器版本…' })
      .click();
    const accept = a.page.getByRole('dialog', { name: `接受服务器版本：订单发货 ${x.number}` });
    await expect(accept).toContainText('您的更改不会生效');
    await shootBoth(a, 'sync-accept-server');
    await accept.getByRole('button', { name: '接受服务器版本', exact: true }).click();
    await expect(accept).toBeHidden();
    await table.getByRole('row').filter({ hasText: '取消订单' }).getByRole('button', { name: '放弃…' }).click();
    const discard = a.page.getByRole('dialog', { name: `放弃：取消订单 ${z.number}` });
    await discard.getByRole('button', { name: '放弃此更改' }).press('Enter');
    await expect(discard).toBeHidden();
    await expect(a.page.getByText('没有同步问题：本机的所有更改都已被服务器接受。')).toBeVisible();

    // The resolved list: what was decided, by whom, when.
    await a.page.getByText(TA.resolvedFilter, { exact: true }).click();
    const done = a.page.getByRole('table', { name: TA.resolvedTable });
    await expect(done.getByRole('row')).toHaveCount(4);
    await expect(done.getByRole('row').filter({ hasText: '库存预占' })).toContainText('已重发');
    await expect(done.getByRole('row').filter({ hasText: '订单发货' })).toContainText('已接受服务器版本');
    await expect(done.getByRole('row').filter({ hasText: '取消订单' })).toContainText('已放弃');
    for (const row of await done.getByRole('row').all())
      if (await row.locator('td').count()) await expect(row).toContainText('陈主管 Chen');
    await shootBoth(a, 'sync-issues-resolved');

    // The resent reservation is accepted: nothing open, nothing pending, all ten boxes reserved.
    await syncNow(a);
    await expect.poll(async () => (await statusOf(a)).rejectedCommands, { timeout: 30_000 }).toBe(0);
    await expect.poll(async () => (await statusOf(a)).pendingCommands, { timeout: 30_000 }).toBe(0);
  });

  await test.step('settings on B: server, client id, account; an outdated app says "update required"', async () => {
    await b.page.getByRole('navigation').getByRole('button', { name: TB.settings, exact: true }).click();
    const url = b.page.getByLabel(TB.serverUrl);
    await expect(url).toHaveValue(serverUrl);
    const settings = await callApi<{ clientId: string }>(b.page, 'sync.settings', {});
    await expect(b.page.getByText(TB.clientId)).toBeVisible();
    await expect(b.page.getByTestId('settings-client-id')).toHaveText(settings.clientId);
    await expect(b.page.getByRole('region', { name: 'Account' })).toContainText('admin');
    await shootBoth(b, 'sync-settings');
    // Not a URL: refused in words, nothing changes.
    await url.fill('not a url');
    await b.page.getByRole('button', { name: TB.saveServer }).click();
    await expect(b.page.locator('.settings-screen').getByRole('alert')).toBeVisible();
    await expect
      .poll(async () => (await callApi<{ serverUrl: string }>(b.page, 'sync.settings', {})).serverUrl)
      .toBe(serverUrl);
    // Through a relay that speaks for an outdated app: the server refuses the protocol.
    await url.fill(oldApp.url);
    await b.page.getByRole('button', { name: TB.saveServer }).click();
    await expect
      .poll(
        async () => {
          const st = await callApi<SyncStatus & { lastError: unknown }>(b.page, 'sync.status', {});
          return `${st.state} ${JSON.stringify(st.lastError)}`;
        },
        { timeout: 30_000 },
      )
      .toMatch(/^update-required /);
    await expect(connection(b.page)).toHaveAttribute('data-state', 'update-required');
    await expect(connection(b.page)).toHaveText(TB.updateRequired);
    await expect(b.page.getByTestId('update-required')).toBeVisible();
    await shootBoth(b, 'sync-update-required');
    await shootBar(b, 'sync-status-update-required');
    // Back on the real server, B syncs again.
    await url.fill(serverUrl);
    await b.page.getByRole('button', { name: TB.saveServer }).click();
    await expect(connection(b.page)).toHaveAttribute('data-state', 'online', { timeout: 30_000 });
    await expect(b.page.getByTestId('update-required')).toBeHidden();
  });
});

/**
 * Offline sign-in: signed out while the server cannot be reached, A signs in again with the
 * password this desktop last verified online; when the server is back, the desktop signs in
 * to it by itself and syncs again.
 */
test('offline sign-in with the credentials last verified online, then back online by itself', async () => {
  test.setTimeout(120_000);
  const TA = TEXT[a.lang];
  await a.page.getByRole('navigation').getByRole('button', { name: TA.orders, exact: true }).click();
  linkA.set('down');
  await syncNow(a);
  await expect(connection(a.page)).toHaveAttribute('data-state', 'offline', { timeout: 30_000 });
  await a.page.getByRole('button', { name: /账号：陈主管 Chen/ }).click();
  const panel = a.page.getByRole('region', { name: '账号' });
  await expect(panel).toContainText('chen');
  await expect(panel).toContainText('主管');
  await shootBoth(a, 'sync-user-menu', async () => {
    await expect(a.page.locator('.user-panel')).toBeVisible();
  });
  await panel.getByRole('button', { name: '退出登录' }).click();
  await expect(a.page.getByRole('heading', { name: TA.signIn, level: 1 })).toBeVisible();
  await signIn(a, 'chen');
  await expect(a.page.getByTestId('offline-sign-in')).toContainText('已使用本机上次联网验证的凭据登录');
  await expect(a.page.locator('.user-offline')).toHaveText('离线');
  await shootBoth(a, 'sync-offline-sign-in');
  // Signed in offline, the status bar says offline (not "signed out").
  await expect(connection(a.page)).toHaveAttribute('data-state', 'offline');
  // Back online, the desktop signs in to the server by itself and syncs again.
  linkA.set('up');
  await syncNow(a);
  await expect.poll(async () => (await statusOf(a)).state, { timeout: 30_000 }).toBe('online');
  await expect(connection(a.page)).toHaveAttribute('data-state', 'online');
  await expect(a.page.getByTestId('offline-sign-in')).toBeHidden();
});

/** The status bar alone, in both languages (readable at its real size). */
async function shootBar(d: Desktop, name: string): Promise<void> {
  const dir =
    process.env['OMS_SCREENSHOTS'] === 'docs'
      ? resolve(ROOT, 'docs/screenshots')
      : resolve(ROOT, 'test-results/screenshots');
  mkdirSync(dir, { recursive: true });
  for (const lang of [d.lang, other(d.lang)]) {
    await setLanguage(d.page, lang);
    await d.page.evaluate(() => document.fonts.ready);
    await d.page.getByRole('contentinfo').screenshot({ path: join(dir, `${name}-${lang}.png`) });
  }
  await setLanguage(d.page, d.lang);
}
