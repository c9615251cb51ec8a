import { expect, test } from '@playwright/test';
import { E2E_TOKEN } from '../../playwright.config.ts';
import { openApp } from './helpers.ts';

/**
 * What the renderer can reach, seen from inside the page. Electron's preload is covered by
 * main/preload/preload.test.ts (its bundle run in a bare V8 context); here the same renderer
 * runs in real Chromium through the web shell.
 */
test('the renderer has no Node, no IPC, and no way to run injected script', async ({ page }) => {
  const violations: string[] = [];
  page.on('console', (msg) => {
    if (/Content Security Policy/i.test(msg.text())) violations.push(msg.text());
  });
  const csp = (await page.request.get('/')).headers()['content-security-policy'] ?? '';
  expect(csp).toContain("script-src 'self'");
  expect(csp).not.toContain('unsafe-eval');
  expect(csp).toContain("object-src 'none'");
  await openApp(page, 'en');
  const reach = await page.evaluate(() => {
    const w = window as unknown as Record<string, unknown>;
    return {
      require: typeof w['require'],
      process: typeof w['process'],
      module: typeof w['module'],
      ipcRenderer: typeof w['ipcRenderer'],
      electron: typeof w['electron'],
      Buffer: typeof w['Buffer'],
    };
  });
  expect(reach).toEqual({
    require: 'undefined',
    process: 'undefined',
    module: 'undefined',
    ipcRenderer: 'undefined',
    electron: 'undefined',
    Buffer: 'undefined',
  });

  // An inline script injected into the page does not run.
  await page.evaluate(() => {
    const s = document.createElement('script');
    s.textContent = 'window.__injected = true';
    document.body.appendChild(s);
  });
  expect(await page.evaluate(() => (window as unknown as Record<string, unknown>)['__injected'])).toBeUndefined();
  await expect.poll(() => violations.length).toBeGreaterThan(0);
});

test('the API answers only with the launch token, in the one Result shape', async ({ page, request }) => {
  await openApp(page, 'en');
  const anonymous = await request.post('/api/system.info', { data: {} });
  expect(anonymous.status()).toBe(401);
  expect(await anonymous.json()).toMatchObject({ ok: false, error: { code: 'api.unauthorized' } });

  const wrong = await request.post('/api/system.info', { data: {}, headers: { authorization: 'Bearer nope' } });
  expect(wrong.status()).toBe(401);

  const good = await request.post('/api/system.info', {
    data: {},
    headers: { authorization: `Bearer ${E2E_TOKEN}` },
  });
  expect(good.status()).toBe(200);
  expect(await good.json()).toMatchObject({ ok: true, data: { shell: 'web' } });

  const unknown = await request.post('/api/fs.readFile', {
    data: { path: '/etc/passwd' },
    headers: { authorization: `Bearer ${E2E_TOKEN}` },
  });
  expect(unknown.status()).toBe(404);
  expect(await unknown.json()).toMatchObject({ ok: false, error: { code: 'api.unknown-channel' } });

  const bad = await request.post('/api/customers.create', {
    data: { code: '', name: '' },
    headers: { authorization: `Bearer ${E2E_TOKEN}` },
  });
  expect(bad.status()).toBe(400);
  expect(await bad.json()).toMatchObject({ ok: false, error: { code: 'validation.invalid-input' } });
});
