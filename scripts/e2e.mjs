#!/usr/bin/env node
// Runs the Playwright end-to-end suite against the web shell in a real Chromium.
// Finds a Chromium (OMS_CHROMIUM, the system's, or Playwright's own); if none is there it
// installs one: Debian's package when running as root with apt, otherwise Playwright's download.
import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { join, dirname } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const candidates = [
  process.env.OMS_CHROMIUM,
  '/usr/bin/chromium',
  '/usr/bin/chromium-browser',
  '/usr/bin/google-chrome',
  '/Applications/Google Chrome.app/Contents/MacOS/Google Chrome',
].filter(Boolean);

function run(cmd, args, extraEnv = {}) {
  const r = spawnSync(cmd, args, { cwd: root, stdio: 'inherit', env: { ...process.env, ...extraEnv } });
  return r.status ?? 1;
}

async function playwrightOwnChromium() {
  const { chromium } = await import('@playwright/test');
  const path = chromium.executablePath();
  return path && existsSync(path) ? path : null;
}

let browser = candidates.find((p) => existsSync(p)) ?? (await playwrightOwnChromium());
if (!browser) {
  const isRoot = process.getuid?.() === 0;
  if (isRoot && existsSync('/usr/bin/apt-get')) {
    console.log('No Chromium found: installing Debian chromium (apt-get)…');
    run('apt-get', ['update', '-qq']);
    run('apt-get', ['install', '-y', '-qq', 'chromium']);
    browser = existsSync('/usr/bin/chromium') ? '/usr/bin/chromium' : null;
  }
  if (!browser) {
    console.log("No Chromium found: downloading Playwright's Chromium…");
    if (run(process.execPath, [join(root, 'node_modules/@playwright/test/cli.js'), 'install', 'chromium']) !== 0) {
      console.error('Could not get a Chromium. Install one (e.g. apt-get install chromium) or set OMS_CHROMIUM.');
      process.exit(1);
    }
    browser = await playwrightOwnChromium();
  }
}

console.log(`End-to-end tests in ${browser ?? "Playwright's Chromium"}`);
if (run(process.execPath, [join(root, 'node_modules/vite/bin/vite.js'), 'build', '--logLevel', 'warn']) !== 0)
  process.exit(1);
const env = browser && candidates.includes(browser) ? { OMS_CHROMIUM: browser } : {};
process.exit(
  run(process.execPath, [join(root, 'node_modules/@playwright/test/cli.js'), 'test', ...process.argv.slice(2)], env),
);
