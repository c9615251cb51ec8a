import { mkdirSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { expect, test, type Page } from '@playwright/test';
import { callApi, openApp, runTag, screenshot, type Lang } from './helpers.ts';

/**
 * The label template editor on the dock screen, through the real web shell (local profile =
 * administrator) and a real SQLite file: duplicate the built-in 4×6 GS1 label, change a text,
 * watch the preview follow, save, reload, and find it again; an invalid value keeps the last good
 * preview and blocks saving; a save over someone else's newer version is refused as a conflict.
 */
const TEXT = {
  en: {
    nav: 'Dock (receiving)',
    tab: 'Label templates',
    builtIn: 'GS1 物流标签 4×6 in',
    duplicateToEdit: 'Duplicate to edit',
    copyOf: (name: string) => `${name} (copy)`,
    text: 'Text',
    x: 'X (from left)',
    save: 'Save template',
    saved: 'saved (version',
    upToDate: 'Up to date',
    invalid: 'The preview shows the last valid version',
    tooWide: 'wider than the label',
    fixFirst: 'Fix them before saving',
    conflict: 'Someone else saved this template meanwhile.',
    reload: 'Load the saved version',
    unsaved: 'Unsaved changes',
  },
  'zh-CN': {
    nav: '月台收货',
    tab: '标签模板',
    builtIn: 'GS1 物流标签 4×6 in',
    duplicateToEdit: '复制后编辑',
    copyOf: (name: string) => `${name}（副本）`,
    text: '文字',
    x: 'X（距左边）',
    save: '保存模板',
    saved: '已保存（第',
    upToDate: '已是最新',
    invalid: '预览显示的是上一个有效版本',
    tooWide: '元素比标签还宽',
    fixFirst: '请先改正再保存',
    conflict: '其他人已在此期间保存了该模板。',
    reload: '载入已保存的版本',
    unsaved: '有未保存的修改',
  },
} as const;

const DOCS = process.env['OMS_SCREENSHOTS'] === 'docs';

async function openLabelTab(page: Page, lang: Lang): Promise<void> {
  const T = TEXT[lang];
  await page.getByRole('navigation').getByRole('button', { name: T.nav, exact: true }).click();
  await page.getByRole('tab', { name: T.tab, exact: true }).click();
  await expect(page.getByTestId('label-templates')).toBeVisible();
  await expect(page.getByTestId('label-preview')).toBeVisible();
}

function templateRow(page: Page, name: string) {
  return page.getByTestId('template-row').filter({ has: page.getByText(name, { exact: true }) });
}

/** The SVG the preview shows, as text. */
async function previewSvg(page: Page): Promise<string> {
  const src = (await page.getByTestId('label-preview').getAttribute('src')) ?? '';
  return decodeURIComponent(src.replace(/^data:image\/svg\+xml;charset=utf-8,/, ''));
}

for (const lang of ['zh-CN', 'en'] as const) {
  const T = TEXT[lang];

  test(`label editor (${lang}): duplicate the 4×6 built-in, change a text, preview follows, save, reload`, async ({
    page,
  }) => {
    const tag = runTag('LBL');
    const name = T.copyOf(T.builtIn);
    await openApp(page, lang);
    await openLabelTab(page, lang);

    // The built-in opens read-only; duplicating gives an editable, unsaved copy.
    await templateRow(page, T.builtIn).getByRole('button').first().click();
    await expect(page.locator('.le-add button').first()).toBeDisabled();
    await page.getByRole('button', { name: T.duplicateToEdit }).click();
    await expect(page.getByTestId('editor-state')).toHaveText(T.unsaved);
    await expect(page.locator('#le-name')).toHaveValue(name);

    await page.getByTestId('element-row').filter({ hasText: 'from-name' }).getByRole('button').first().click();
    const before = await previewSvg(page);
    expect(before).not.toContain(tag);
    await page.getByLabel(T.text, { exact: true }).fill(`${tag} {from.name}`);
    await expect.poll(() => previewSvg(page), { timeout: 10_000 }).toContain(tag);
    await expect(page.getByTestId('preview-status')).toHaveText(T.upToDate);
    if (DOCS) {
      await page.getByTestId('element-props').scrollIntoViewIfNeeded();
      await screenshot(page, `label-editor-${lang}`);
    }

    // An element pushed off the label: the issue is listed, the last good picture stays, saving is refused.
    await page.getByLabel(T.x, { exact: true }).fill('99');
    await expect(page.getByTestId('template-issues')).toContainText(T.invalid);
    await expect(page.getByTestId('template-issues')).toContainText(T.tooWide);
    expect(await previewSvg(page)).toContain(tag);
    await page.getByRole('button', { name: T.save }).click();
    await expect(page.getByTestId('save-error')).toContainText(T.fixFirst);
    // The clerk's text is untouched by the refusal.
    await expect(page.getByLabel(T.text, { exact: true })).toHaveValue(`${tag} {from.name}`);
    await page.getByLabel(T.x, { exact: true }).fill('3');
    await expect(page.getByTestId('template-issues')).toHaveCount(0);

    await page.getByRole('button', { name: T.save }).click();
    await expect(page.locator('.toast')).toContainText(T.saved);
    await expect(page.getByTestId('editor-state')).not.toHaveText(T.unsaved);

    // Reload: the saved copy is listed and opens with the changed text and its preview.
    await page.reload();
    await openLabelTab(page, lang);
    await templateRow(page, name).getByRole('button').first().click();
    await page.getByTestId('element-row').filter({ hasText: 'from-name' }).getByRole('button').first().click();
    await expect(page.getByLabel(T.text, { exact: true })).toHaveValue(`${tag} {from.name}`);
    await expect.poll(() => previewSvg(page), { timeout: 10_000 }).toContain(tag);

    // Someone else saves a newer version meanwhile: this editor's save is refused as a conflict.
    const list = await callApi<{ rows: { id: string; name: string; version: number; template: unknown }[] }>(
      page,
      'labelTemplates.list',
      {},
    );
    const mine = list.rows.filter((r) => r.name === name).sort((a, b) => b.version - a.version)[0]!;
    await callApi(page, 'labelTemplates.save', {
      id: mine.id,
      expectedVersion: mine.version,
      name,
      body: mine.template,
    });
    await page.getByLabel(T.text, { exact: true }).fill(`${tag}-2 {from.name}`);
    await page.getByRole('button', { name: T.save }).click();
    await expect(page.getByTestId('save-conflict')).toContainText(T.conflict);
    await expect(page.getByLabel(T.text, { exact: true })).toHaveValue(`${tag}-2 {from.name}`);
    await page.getByRole('button', { name: T.reload }).click();
    await expect(page.getByTestId('save-conflict')).toHaveCount(0);
    await page.getByTestId('element-row').filter({ hasText: 'from-name' }).getByRole('button').first().click();
    await expect(page.getByLabel(T.text, { exact: true })).toHaveValue(`${tag} {from.name}`);
  });
}

test('the built-in 4×6 GS1 label renders to PNG with the sample carton', async ({ page }) => {
  await openApp(page, 'en');
  const entry = await callApi<{ template: unknown }>(page, 'labelTemplates.get', { id: 'gs1-logistic-4x6' });
  const png = await callApi<{ format: string; content: string }>(page, 'labels.preview', {
    template: entry.template,
    format: 'png',
  });
  expect(png.format).toBe('png');
  const bytes = Buffer.from(png.content, 'base64');
  expect(bytes.subarray(1, 4).toString('latin1')).toBe('PNG');
  if (DOCS) {
    const dir = resolve(import.meta.dirname, '../../docs/screenshots');
    mkdirSync(dir, { recursive: true });
    writeFileSync(join(dir, 'label-gs1-4x6.png'), bytes);
  }
});
