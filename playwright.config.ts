import { execFileSync } from 'node:child_process';
import { existsSync, mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { defineConfig } from '@playwright/test';

// Workers re-read this file: the first evaluation picks the data dir and port, the rest inherit them.
process.env['OMS_E2E_DATA_DIR'] ??= mkdtempSync(join(tmpdir(), 'oms-e2e-'));
// A port the OS says is free right now (a random pick once landed on PostgreSQL's 5432 in CI).
process.env['OMS_E2E_PORT'] ??= execFileSync(
  process.execPath,
  [
    '-e',
    "const s=require('net').createServer().listen(0,'127.0.0.1',()=>{process.stdout.write(String(s.address().port));s.close()})",
  ],
  { encoding: 'utf8' },
).trim();
export const E2E_TOKEN = 'e2e-launch-token';
const port = process.env['OMS_E2E_PORT'];
// scripts/e2e.mjs chooses (or installs) a Chromium and passes it on; a direct `npx playwright test`
// still finds Debian's instead of failing on Playwright's own, which cannot be downloaded here.
const executablePath =
  process.env['OMS_CHROMIUM'] || ['/usr/bin/chromium', '/usr/bin/chromium-browser'].find((p) => existsSync(p));

export default defineConfig({
  testDir: 'test/e2e',
  fullyParallel: false,
  workers: 1,
  retries: 0,
  reporter: [['list']],
  timeout: 60_000,
  use: {
    baseURL: `http://127.0.0.1:${port}`,
    viewport: { width: 1440, height: 900 },
    launchOptions: {
      ...(executablePath ? { executablePath } : {}),
      args: [
        '--no-sandbox',
        '--disable-gpu',
        '--disable-background-networking',
        '--disable-component-update',
        '--disable-sync',
        '--no-first-run',
      ],
    },
  },
  webServer: {
    command: `node --import tsx main/web/cli.ts --port=${port} --data-dir=${process.env['OMS_E2E_DATA_DIR']}`,
    url: `http://127.0.0.1:${port}/`,
    env: { OMS_WEB_TOKEN: E2E_TOKEN },
    reuseExistingServer: false,
    timeout: 60_000,
    stdout: 'pipe',
  },
});
