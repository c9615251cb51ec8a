import { mkdirSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { expect, type Page } from '@playwright/test';
import { E2E_TOKEN } from '../../playwright.config.ts';

export type Lang = 'en' | 'zh-CN';

/**
 * Screenshots go to test-results/screenshots; `OMS_SCREENSHOTS=docs npm run test:e2e` writes the
 * ones the README shows into docs/screenshots instead.
 */
const SCREENSHOT_DIR =
  process.env['OMS_SCREENSHOTS'] === 'docs'
    ? resolve(import.meta.dirname, '../../docs/screenshots')
    : resolve(import.meta.dirname, '../../test-results/screenshots');

/** Opens the web shell the way its launch URL does: the per-launch token and a language in the fragment. */
export async function openApp(page: Page, lang: Lang): Promise<void> {
  await page.goto(`/#token=${E2E_TOKEN}&lang=${lang}`);
  await expect(page.getByRole('navigation')).toBeVisible();
  // The token and language leave the address bar once read.
  await expect.poll(() => new URL(page.url()).hash).toBe('');
  await expect(page.locator('html')).toHaveAttribute('lang', lang);
}

export async function screenshot(page: Page, name: string): Promise<void> {
  mkdirSync(SCREENSHOT_DIR, { recursive: true });
  // Let fonts and the grid settle so the picture shows what a clerk sees.
  await page.evaluate(() => document.fonts.ready);
  await page.screenshot({ path: join(SCREENSHOT_DIR, `${name}.png`), fullPage: false });
}

/** One API call through the web shell, as the renderer makes it; fails the test on an error. */
export async function callApi<T>(page: Page, channel: string, input: unknown): Promise<T> {
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

/** A short tag unique to this run, for codes and references the test creates. */
export function runTag(prefix: string): string {
  return `${prefix}${Date.now().toString(36).toUpperCase()}${Math.floor(Math.random() * 36 ** 2)
    .toString(36)
    .toUpperCase()}`;
}
