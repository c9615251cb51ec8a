import { expect, test, type Locator, type Page } from '@playwright/test';
import { E2E_TOKEN } from '../../playwright.config.ts';
import { openApp, screenshot, type Lang } from './helpers.ts';

/**
 * The Inventory centre in both languages, through the real web shell and a real SQLite file:
 * the network grid, the drill-down from a figure to its ledger rows, freezing a lot held in
 * several warehouses through the dialog (with its preview) and unfreezing it again, transfers,
 * and replenishment. Each test receives its own lot through the API first, so it does not depend
 * on the demo data and the two languages do not touch each other's stock.
 */
const TEXT = {
  en: {
    nav: 'Inventory',
    tabs: { stock: 'Stock', transfers: 'Transfers', replenishment: 'Replenishment' },
    search: 'Quick search',
    onlyFrozen: 'Only frozen',
    freezeButton: 'Freeze…',
    freezeTitle: 'Freeze or unfreeze stock',
    ledgerTitle: /^On hand · SKU-\S+: movements$/,
    previewTable: 'Preview by warehouse',
    item: 'Item (SKU)',
    lot: 'Lot',
    reason: 'Reason',
    unfreezeRadio: 'Unfreeze',
    confirmUnfreeze: 'Unfreeze',
    frozenToast: (qty: string) => `Frozen ${qty}:`,
    unfrozenToast: (qty: string) => `Unfrozen ${qty}:`,
    receipt: 'Receipt',
    freezeKind: 'Freeze',
    newTransfer: 'New transfer',
    from: 'From warehouse',
    to: 'To warehouse',
    sku: 'SKU',
    quantity: 'Quantity',
    lotOptional: 'Lot (optional)',
    ship: 'Ship',
    receive: 'Receive…',
    receiveTitle: /^Receive transfer TR-/,
    receiveLine: /^Receive quantity, line 1/,
    confirmReceive: 'Receive',
    shippedToast: 'shipped',
    partToast: 'the rest is still in transit',
    partly: 'Partly received',
    warehouse: 'Warehouse',
    minimum: 'Minimum',
    maximum: 'Maximum',
    safety: 'Safety stock',
    saveRule: 'Save rule',
    ruleSaved: 'Rule saved',
    run: 'Run replenishment',
    low: 'Below minimum',
    proposals: 'Proposals',
    show: 'Show',
    dismissOf: (sku: string) => `Dismiss proposal for ${sku}`,
    dismissed: 'dismissed',
  },
  'zh-CN': {
    nav: '库存中心',
    tabs: { stock: '库存', transfers: '调拨', replenishment: '补货' },
    search: '快速搜索',
    onlyFrozen: '仅看冻结',
    freezeButton: '冻结…',
    freezeTitle: '冻结 / 解冻库存',
    ledgerTitle: /^在库 · SKU-\S+：库存流水$/,
    previewTable: '按仓库预览',
    item: '商品（SKU）',
    lot: '批次',
    reason: '原因',
    unfreezeRadio: '解冻',
    confirmUnfreeze: '解冻',
    frozenToast: (qty: string) => `已冻结 ${qty}：`,
    unfrozenToast: (qty: string) => `已解冻 ${qty}：`,
    receipt: '入库',
    freezeKind: '冻结',
    newTransfer: '新建调拨',
    from: '调出仓库',
    to: '调入仓库',
    sku: 'SKU',
    quantity: '数量',
    lotOptional: '批次（可选）',
    ship: '发出',
    receive: '收货…',
    receiveTitle: /^调拨收货 TR-/,
    receiveLine: /^第 1 行/,
    confirmReceive: '收货',
    shippedToast: '已发出',
    partToast: '其余仍在途',
    partly: '部分收货',
    warehouse: '仓库',
    minimum: '下限',
    maximum: '上限',
    safety: '安全库存',
    saveRule: '保存规则',
    ruleSaved: '补货规则',
    run: '运行补货',
    low: '低于下限',
    proposals: '补货建议',
    show: '显示',
    dismissOf: (sku: string) => `忽略 ${sku} 在`,
    dismissed: '已忽略',
  },
} as const;

interface Warehouse {
  id: string;
  code: string;
  name: string;
}
interface Item {
  id: string;
  sku: string;
  lotTracked: boolean;
  expiryTracked: boolean;
  active: boolean;
}

/** One API call through the web shell, as the renderer makes it; fails the test on an error. */
async function api<T>(page: Page, channel: string, input: unknown): Promise<T> {
  const body = await page.evaluate(
    async ({ channel, input, token }) => {
      const res = await fetch(`/api/${channel}`, {
        method: 'POST',
        headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' },
        body: JSON.stringify(input),
      });
      return (await res.json()) as { ok: boolean; data?: unknown; error?: unknown };
    },
    { channel, input, token: E2E_TOKEN },
  );
  if (!body.ok) throw new Error(`${channel} failed: ${JSON.stringify(body.error)}`);
  return body.data as T;
}

interface Setup {
  item: Item;
  lot: string;
  warehouses: Warehouse[];
  quantities: number[];
}

/**
 * A fresh lot of a lot-tracked item, received into three warehouses (120, 80 and 60, the last
 * two receipts in one warehouse split over two documents so the ledger has more than one row).
 */
async function receiveLot(page: Page, lang: Lang, tag: string): Promise<Setup> {
  const warehouses = (await api<{ rows: Warehouse[] }>(page, 'warehouses.list', {})).rows
    .slice()
    .sort((a, b) => a.code.localeCompare(b.code))
    .slice(0, 3);
  expect(warehouses).toHaveLength(3);
  const items = (await api<{ rows: Item[] }>(page, 'items.list', { limit: 200 })).rows;
  // One item per language and test, so nothing else they do touches its balances.
  const tracked = items.filter((i) => i.lotTracked && i.active);
  // Well past the first screen of the grid, so the screenshots show the demo data.
  const pick = tracked[(lang === 'en' ? 30 : 37) + (tag === 'freeze' ? 0 : tag === 'transfer' ? 2 : 4)];
  expect(pick).toBeDefined();
  const item = pick as Item;
  const lot = `E2E${lang === 'en' ? 'EN' : 'ZH'}${tag.slice(0, 2).toUpperCase()}${Date.now().toString(36).toUpperCase()}`;
  const expiry = item.expiryTracked ? '2031-06-30' : '';
  const quantities = [120, 80, 60];
  for (const [i, w] of warehouses.entries()) {
    const qty = quantities[i] ?? 0;
    const parts = i === 0 ? [70, 50] : [qty];
    for (const [k, part] of parts.entries())
      await api(page, 'inventory.receive', {
        itemId: item.id,
        warehouseId: w.id,
        lot,
        expiry,
        quantity: part,
        doc: { type: 'receipt', id: `E2E-${lot}-${i}${k}` },
        note: 'e2e',
      });
  }
  return { item, lot, warehouses, quantities };
}

/** Data rows of the stock grid showing this text (the header and the pinned totals never do). */
const stockRows = (page: Page, text: string | RegExp): Locator =>
  page.getByRole('grid').getByRole('row').filter({ hasText: text });
/** One figure of a grid row; ag-grid's column id is the figure's name. */
const figure = (row: Locator, name: string): Locator => row.locator(`[role="gridcell"][col-id="${name}"]`);

for (const lang of ['en', 'zh-CN'] as const satisfies readonly Lang[]) {
  const T = TEXT[lang];

  test(`inventory: grid, drill-down, freeze a lot across warehouses and unfreeze it (${lang})`, async ({ page }) => {
    await openApp(page, lang);
    const { item, lot, warehouses, quantities } = await receiveLot(page, lang, 'freeze');
    const total = quantities.reduce((s, q) => s + q, 0);

    await page.getByRole('navigation').getByRole('button', { name: T.nav, exact: true }).click();
    await expect(page.locator('h1#screen-title')).toHaveText(T.nav);
    await expect(page.getByRole('tablist')).toBeVisible();
    // The network grid pages through inventory.grid: rows are there, with the totals row pinned.
    await expect(stockRows(page, /SKU-/).first()).toBeVisible();
    await expect(stockRows(page, /SKU-/).nth(1)).toBeVisible();
    await screenshot(page, `inventory-grid-${lang}`);

    // Narrow to the lot: one row per warehouse.
    await page.getByLabel(T.search).fill(lot);
    // Every row on screen is the lot's once the (debounced) search has run.
    await expect(stockRows(page, /SKU-/)).toHaveCount(3);
    await expect(stockRows(page, lot)).toHaveCount(3);
    for (const [i, w] of warehouses.entries()) {
      const row = stockRows(page, lot).filter({ hasText: w.code });
      await expect(row).toContainText(item.sku);
      await expect(figure(row, 'onHand')).toHaveText(String(quantities[i]));
      await expect(figure(row, 'available')).toHaveText(String(quantities[i]));
    }

    // Drill down from "On hand" of the first warehouse: the receipts behind it.
    const first = stockRows(page, lot).filter({ hasText: warehouses[0]?.code ?? '' });
    await figure(first, 'onHand').click();
    const ledger = page.getByRole('dialog', { name: T.ledgerTitle });
    await expect(ledger).toBeVisible();
    const ledgerRows = ledger.getByRole('row').filter({ hasText: lot });
    await expect(ledgerRows).toHaveCount(2);
    await expect(ledgerRows.first()).toContainText(T.receipt);
    await expect(ledger).toContainText('+70');
    await expect(ledger).toContainText('+50');
    await screenshot(page, `inventory-ledger-${lang}`);
    await page.keyboard.press('Escape');
    await expect(ledger).toBeHidden();

    // Keyboard: Esc gives the focus back to the figure; arrows move, Enter drills down.
    await figure(first, 'available').click();
    await expect(page.getByRole('dialog')).toBeVisible();
    await page.keyboard.press('Escape');
    await expect(page.getByRole('dialog')).toBeHidden();
    await expect(figure(first, 'available')).toBeFocused();
    await page.keyboard.press('ArrowLeft');
    await expect(figure(first, 'onHand')).toBeFocused();
    await page.keyboard.press('Enter');
    await expect(ledger).toBeVisible();
    await page.keyboard.press('Escape');
    await expect(ledger).toBeHidden();

    // Freeze the lot in every warehouse: the selected row's item and lot fill the dialog, the
    // preview lists the three warehouses with their quantities.
    await first.getByRole('gridcell').first().click();
    await page.getByRole('button', { name: T.freezeButton }).click();
    const dialog = page.getByRole('dialog', { name: T.freezeTitle });
    await expect(dialog).toBeVisible();
    await expect(dialog.getByLabel(T.item, { exact: true })).toHaveValue(item.sku);
    await expect(dialog.getByLabel(T.lot, { exact: true })).toHaveValue(lot);
    const preview = dialog.getByRole('table', { name: T.previewTable });
    await expect(preview).toBeVisible();
    for (const [i, w] of warehouses.entries()) {
      const line = preview.getByRole('row').filter({ hasText: w.code });
      await expect(line).toContainText(String(quantities[i]));
    }
    await expect(preview.getByRole('row').last()).toContainText(String(total));
    const reason = dialog.getByLabel(T.reason, { exact: true });
    await reason.fill(lang === 'en' ? 'Customer complaint: seal defect' : '客户投诉：封口不良');
    await screenshot(page, `inventory-freeze-${lang}`);
    await reason.press('Enter');
    await expect(dialog).toBeHidden();
    await expect(page.getByRole('status').filter({ hasText: T.frozenToast(String(total)) })).toBeVisible();

    // The grid shows the lot frozen, also through the "only frozen" filter.
    await page.getByLabel(T.onlyFrozen).check();
    await expect(stockRows(page, lot)).toHaveCount(3);
    for (const [i, w] of warehouses.entries()) {
      const row = stockRows(page, lot).filter({ hasText: w.code });
      await expect(figure(row, 'frozen')).toHaveText(String(quantities[i]));
      await expect(figure(row, 'available')).toHaveText('0');
      await expect(figure(row, 'onHand')).toHaveText(String(quantities[i]));
    }
    // The freeze is in the ledger behind the Frozen figure.
    await figure(stockRows(page, lot).filter({ hasText: warehouses[1]?.code ?? '' }), 'frozen').click();
    const frozenLedger = page.getByRole('dialog');
    await expect(frozenLedger.getByRole('row').filter({ hasText: T.freezeKind })).not.toHaveCount(0);
    await page.keyboard.press('Escape');
    await expect(frozenLedger).toBeHidden();

    // Unfreeze it again (keyboard: Escape/Enter, radio by label).
    await page.getByRole('button', { name: T.freezeButton }).click();
    await expect(dialog).toBeVisible();
    await dialog.getByLabel(T.lot, { exact: true }).fill(lot);
    await dialog.getByRole('radio', { name: T.unfreezeRadio }).check();
    for (const w of warehouses) await expect(preview.getByRole('row').filter({ hasText: w.code })).toBeVisible();
    await dialog.getByLabel(T.reason, { exact: true }).fill(lang === 'en' ? 'Cleared by QA' : '质检放行');
    await dialog.getByRole('button', { name: T.confirmUnfreeze, exact: true }).click();
    await expect(dialog).toBeHidden();
    await expect(page.getByRole('status').filter({ hasText: T.unfrozenToast(String(total)) })).toBeVisible();
    await expect(stockRows(page, lot)).toHaveCount(0);
    await page.getByLabel(T.onlyFrozen).uncheck();
    await expect(stockRows(page, lot)).toHaveCount(3);
    for (const [i, w] of warehouses.entries()) {
      const row = stockRows(page, lot).filter({ hasText: w.code });
      await expect(figure(row, 'available')).toHaveText(String(quantities[i]));
      await expect(figure(row, 'frozen')).toHaveText('0');
    }
  });

  test(`inventory: ship a transfer and receive part of it (${lang})`, async ({ page }) => {
    await openApp(page, lang);
    const { item, lot, warehouses } = await receiveLot(page, lang, 'transfer');
    const [from, to] = warehouses as [Warehouse, Warehouse, Warehouse];
    await page.getByRole('navigation').getByRole('button', { name: T.nav, exact: true }).click();
    await page.getByRole('tab', { name: T.tabs.transfers }).click();
    await expect(page.getByRole('tab', { name: T.tabs.transfers })).toHaveAttribute('aria-selected', 'true');

    await page.keyboard.press('Alt+KeyN');
    const form = page.getByRole('dialog', { name: T.newTransfer });
    await expect(form).toBeVisible();
    await form.getByLabel(T.from, { exact: true }).selectOption({ label: `${from.code} · ${from.name}` });
    await form.getByLabel(T.to, { exact: true }).selectOption({ label: `${to.code} · ${to.name}` });
    await form.getByLabel(T.sku, { exact: true }).fill(item.sku.toLowerCase());
    await form.getByLabel(T.quantity, { exact: true }).fill('40');
    await form.getByLabel(T.lotOptional, { exact: true }).fill(lot);
    await form.getByLabel(T.lotOptional, { exact: true }).press('Enter');
    await expect(form).toBeHidden();
    await expect(page.getByRole('status').filter({ hasText: T.shippedToast })).toBeVisible();

    // The new transfer is selected in the list: receive 15 of the 40.
    await page.getByRole('button', { name: T.receive }).click();
    const receive = page.getByRole('dialog', { name: T.receiveTitle });
    await expect(receive).toBeVisible();
    await expect(receive).toContainText(`${from.code} → ${to.code}`);
    const qty = receive.getByLabel(T.receiveLine);
    await expect(qty).toHaveValue('40');
    await qty.fill('15');
    await qty.press('Enter');
    await expect(receive).toBeHidden();
    await expect(page.getByRole('status').filter({ hasText: T.partToast })).toBeVisible();
    // The received transfer stays selected in the list.
    const row = page.getByRole('grid').getByRole('row', { selected: true });
    await expect(row).toContainText(T.partly);
    await expect(row).toContainText(from.code);
    await expect(row).toContainText('15');

    // The stock grid shows 25 still in transit at the receiving warehouse.
    await page.getByRole('tab', { name: T.tabs.stock }).click();
    await page.getByLabel(T.search).fill(lot);
    await expect(stockRows(page, /SKU-/)).toHaveCount(3);
    const dest = stockRows(page, lot).filter({ hasText: to.code });
    await expect(figure(dest, 'inTransit')).toHaveText('25');
    await expect(figure(stockRows(page, lot).filter({ hasText: from.code }), 'onHand')).toHaveText('80');
  });

  test(`inventory: replenishment rule, low stock and proposals (${lang})`, async ({ page }) => {
    await openApp(page, lang);
    const { item, warehouses } = await receiveLot(page, lang, 'replenish');
    const target = warehouses[2] as Warehouse;
    await page.getByRole('navigation').getByRole('button', { name: T.nav, exact: true }).click();
    await page.getByRole('tab', { name: T.tabs.replenishment }).click();

    // A rule above what the warehouse holds (our 60, plus whatever the demo data put there): it
    // shows up as below minimum.
    const grid = await api<{ rows: { available: number; inTransit: number }[] }>(page, 'inventory.grid', {
      groupBy: ['item', 'warehouse'],
      itemId: item.id,
      warehouseId: target.id,
    });
    const position = grid.rows.reduce((s, r) => s + r.available + r.inTransit, 0);
    const min = position + 100;
    const rule = page.getByRole('form', { name: lang === 'en' ? 'Replenishment rule' : '补货规则' });
    await rule.getByLabel(T.item, { exact: true }).fill(item.sku);
    await rule.getByLabel(T.warehouse, { exact: true }).selectOption({ label: `${target.code} · ${target.name}` });
    await rule.getByLabel(T.minimum, { exact: true }).fill(String(min));
    await rule.getByLabel(T.maximum, { exact: true }).fill(String(min + 200));
    await rule.getByLabel(T.safety, { exact: true }).fill('20');
    await rule.getByLabel(T.safety, { exact: true }).press('Enter');
    await expect(page.getByRole('status').filter({ hasText: T.ruleSaved })).toBeVisible();

    // Only this warehouse, so the demo data's own rules do not crowd the lists.
    await page
      .getByRole('group', { name: lang === 'en' ? 'Replenishment filters' : '补货筛选' })
      .getByLabel(T.warehouse, { exact: true })
      .selectOption({ label: `${target.code} · ${target.name}` });
    const low = page.getByRole('region', { name: T.low });
    const lowRow = low.getByRole('row').filter({ hasText: item.sku });
    await expect(lowRow).toHaveCount(1);
    await expect(lowRow).toContainText(target.code);

    await page.getByRole('button', { name: T.run }).click();
    const proposals = page.getByRole('region', { name: T.proposals });
    const mine = proposals.getByRole('row').filter({ hasText: item.sku });
    await expect(mine.first()).toBeVisible();
    await expect(mine.first()).toContainText(target.code);
    await screenshot(page, `inventory-replenishment-${lang}`);

    // Dismiss it: it leaves the open list.
    await mine
      .first()
      .getByRole('button', { name: new RegExp(`^${T.dismissOf(item.sku)}`) })
      .click();
    await expect(page.getByRole('status').filter({ hasText: T.dismissed })).toBeVisible();
    await expect(mine).toHaveCount(0);
  });
}
