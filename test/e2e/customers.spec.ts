import { expect, test, type Page } from '@playwright/test';
import { E2E_TOKEN } from '../../playwright.config.ts';
import { openApp, screenshot, type Lang } from './helpers.ts';

/**
 * The acceptance path of the foundation, in both languages, through the real web shell, the real
 * desktop core and a real SQLite file: create a customer through the form, find it in the grid,
 * edit it, and get a translated validation error for bad input.
 */
const TEXT = {
  en: {
    nav: 'Customers',
    newTitle: 'New customer',
    editTitle: 'Edit customer',
    code: 'Code',
    name: 'Name',
    email: 'Email',
    creditLimit: 'Credit limit',
    save: 'Save',
    edit: 'Edit',
    saved: 'Saved',
    search: 'Quick search',
    emailError: 'Enter a valid email address, e.g. name@example.com',
    codeError: "Use letters, digits, '.', '_' or '-', starting with a letter or digit",
    fixFields: 'Please correct the highlighted fields.',
    duplicate: 'This code is already in use',
  },
  'zh-CN': {
    nav: '客户',
    newTitle: '新建客户',
    editTitle: '编辑客户',
    code: '编码',
    name: '名称',
    email: '邮箱',
    creditLimit: '信用额度',
    save: '保存',
    edit: '编辑',
    saved: '已保存',
    search: '快速搜索',
    emailError: '请输入有效的邮箱地址，例如 name@example.com',
    codeError: null,
    fixFields: '请修改标红的字段。',
    duplicate: null,
  },
} as const;

async function gridRow(page: Page, text: string) {
  return page.getByRole('grid').getByRole('row').filter({ hasText: text });
}

for (const lang of ['en', 'zh-CN'] as const satisfies readonly Lang[]) {
  const T = TEXT[lang];

  test(`customer: create, find, edit, validation error (${lang})`, async ({ page }) => {
    await openApp(page, lang);
    await page.getByRole('navigation').getByRole('button', { name: T.nav, exact: true }).click();
    await expect(page.locator('h1#screen-title')).toHaveText(T.nav);
    // The demo data set is there on first start.
    await expect(page.getByRole('grid').getByRole('row').nth(5)).toBeVisible();
    await screenshot(page, `customers-${lang}`);

    // Create, keyboard first: Alt+N opens the form, Enter saves.
    const code = `E2E-${lang === 'en' ? 'EN' : 'ZH'}-${Date.now().toString(36).toUpperCase()}`;
    const name = lang === 'en' ? 'Harbour Foods Ltd' : '港湾食品有限公司';
    await page.keyboard.press('Alt+KeyN');
    const form = page.getByRole('dialog', { name: T.newTitle });
    await expect(form).toBeVisible();
    await form.getByLabel(T.code, { exact: true }).fill(code);
    await form.getByLabel(T.name, { exact: true }).fill(name);
    await form.getByLabel(T.creditLimit, { exact: true }).fill('12500.50');
    await form.getByLabel(T.name, { exact: true }).press('Enter');
    await expect(form).toBeHidden();
    await expect(page.getByRole('status').filter({ hasText: T.saved })).toBeVisible();

    // Find it in the grid with the quick search.
    await page.getByLabel(T.search).fill(code);
    const row = await gridRow(page, code);
    await expect(row).toHaveCount(1);
    await expect(row).toContainText(name);
    await expect(row).toContainText('12,500.50');

    // Edit it: a bad email is refused with a translated message under the field.
    await row.click();
    await page.getByRole('button', { name: T.edit, exact: true }).click();
    const edit = page.getByRole('dialog', { name: T.editTitle });
    await expect(edit).toBeVisible();
    await expect(edit.getByLabel(T.code, { exact: true })).toHaveValue(code);
    const email = edit.getByLabel(T.email, { exact: true });
    await email.fill('not-an-email');
    await edit.getByRole('button', { name: T.save, exact: true }).click();
    await expect(email).toHaveAttribute('aria-invalid', 'true');
    const describedBy = await email.getAttribute('aria-describedby');
    expect(describedBy).toBeTruthy();
    await expect(page.locator(`[id="${describedBy?.split(' ')[0]}"]`)).toHaveText(T.emailError);
    await expect(edit.getByRole('alert')).toContainText(T.fixFields);
    await screenshot(page, `customer-form-error-${lang}`);

    // Fix it and save: the new values are in the grid, the version went up.
    await email.fill('orders@harbour.example');
    await edit.getByLabel(T.name, { exact: true }).fill(`${name} 2`);
    await edit.getByRole('button', { name: T.save, exact: true }).click();
    await expect(edit).toBeHidden();
    await expect(row).toContainText(`${name} 2`);
    await expect(row).toContainText('orders@harbour.example');
  });

  test(`items screen (${lang})`, async ({ page }) => {
    await openApp(page, lang);
    const nav = lang === 'en' ? 'Items' : '商品';
    await page.getByRole('navigation').getByRole('button', { name: nav, exact: true }).click();
    await expect(page.locator('h1#screen-title')).toHaveText(nav);
    await expect(page.getByRole('grid').getByRole('row').nth(10)).toBeVisible();
    await screenshot(page, `items-${lang}`);
  });
}

test('a code that is already used is refused by the command, shown under the field', async ({ page }) => {
  await openApp(page, 'en');
  await page.getByRole('navigation').getByRole('button', { name: 'Customers', exact: true }).click();
  const first = page.getByRole('grid').getByRole('row').nth(1);
  await expect(first).toBeVisible();
  const existing = await page.evaluate(async (token) => {
    const res = await fetch('/api/customers.list', {
      method: 'POST',
      headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' },
      body: JSON.stringify({ limit: 1 }),
    });
    const body = (await res.json()) as { ok: boolean; data: { rows: { code: string }[] } };
    return body.data.rows[0]?.code ?? '';
  }, E2E_TOKEN);
  expect(existing).not.toBe('');
  await page.getByRole('button', { name: /^New/ }).click();
  const form = page.getByRole('dialog', { name: 'New customer' });
  await form.getByLabel('Code', { exact: true }).fill(existing);
  await form.getByLabel('Name', { exact: true }).fill('Duplicate');
  await form.getByRole('button', { name: 'Save', exact: true }).click();
  const code = form.getByLabel('Code', { exact: true });
  await expect(code).toHaveAttribute('aria-invalid', 'true');
  await expect(form).toContainText(TEXT.en.duplicate);
  await page.keyboard.press('Escape');
  await expect(form).toBeHidden();
});

test('a malformed code is refused before it leaves the form (translated)', async ({ page }) => {
  await openApp(page, 'en');
  await page.getByRole('navigation').getByRole('button', { name: 'Customers', exact: true }).click();
  await page.keyboard.press('Alt+KeyN');
  const form = page.getByRole('dialog', { name: 'New customer' });
  await form.getByLabel('Code', { exact: true }).fill('bad code!');
  await form.getByLabel('Name', { exact: true }).fill('X');
  await form.getByRole('button', { name: 'Save', exact: true }).click();
  await expect(form).toContainText(TEXT.en.codeError);
  await expect(form).toBeVisible();
});
