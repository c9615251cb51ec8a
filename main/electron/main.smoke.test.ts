import { execFileSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { Script } from 'node:vm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CHANNELS, ipcChannelOf } from '../../core/api/contract.ts';
import { buildCsp } from './policy.ts';

/**
 * Runs the real bundled main process (dist-electron/main.cjs as the build script writes it)
 * with the real app host and SQLite, but with a recording stand-in for the 'electron' module,
 * since Electron's binary cannot run here. Checks the wiring policy.test.ts cannot see:
 * lifecycle order, window options, the app:// protocol, session hooks, guards and IPC.
 */
const root = resolve(import.meta.dirname, '../..');

type Fn = (...args: unknown[]) => unknown;

interface Recorder {
  calls: string[];
  appListeners: Map<string, Fn[]>;
  privileged: unknown[];
  protocolHandlers: Map<string, Fn>;
  headersListener: Fn | null;
  permissionRequest: Fn | null;
  permissionCheck: Fn | null;
  devicePermission: Fn | null;
  ipcHandlers: Map<string, Fn>;
  windows: FakeWindow[];
  opened: string[];
  errors: string[];
  quitCount: number;
  exitCodes: number[];
  /** What webContents.getPrintersAsync reports (the OS printers). */
  osPrinters: { name: string; displayName: string; description: string; options: Record<string, string> }[];
}

interface FakeWindow {
  options: unknown;
  loaded: string[];
  /** The document each loadFile showed, read when it was loaded. */
  html: string[];
  prints: unknown[];
  closed: boolean;
  webContents: { id: number };
}

function fakeElectron(rec: Recorder, appRoot: string, userData: string): unknown {
  const on = (name: string, fn: Fn): void => {
    rec.appListeners.set(name, [...(rec.appListeners.get(name) ?? []), fn]);
  };
  const app = {
    isPackaged: true,
    getAppPath: () => appRoot,
    getPath: (name: string) => (name === 'userData' ? userData : join(userData, name)),
    setPath: (name: string, value: string) => rec.calls.push(`setPath:${name}=${value}`),
    enableSandbox: () => rec.calls.push('enableSandbox'),
    requestSingleInstanceLock: () => (rec.calls.push('requestSingleInstanceLock'), true),
    whenReady: () => (rec.calls.push('whenReady'), Promise.resolve()),
    isReady: () => true,
    on: (name: string, fn: Fn) => (on(name, fn), app),
    quit: () => void rec.quitCount++,
    exit: (code: number) => void rec.exitCodes.push(code),
  };
  let nextId = 1;
  class BrowserWindow {
    static all: BrowserWindow[] = [];
    static getAllWindows = (): BrowserWindow[] => BrowserWindow.all;
    readonly webContents: { id: number; on: Fn; setWindowOpenHandler: Fn; getPrintersAsync: Fn; print: Fn };
    readonly record: FakeWindow;
    constructor(options: unknown) {
      const id = nextId++;
      const record: FakeWindow = { options, loaded: [], html: [], prints: [], closed: false, webContents: { id } };
      this.record = record;
      this.webContents = {
        id,
        on: () => undefined,
        setWindowOpenHandler: () => undefined,
        getPrintersAsync: () => Promise.resolve(rec.osPrinters),
        // Like Electron: the callback comes later, from the print job's end.
        print: (options: unknown, callback: unknown) => {
          record.prints.push(options);
          setTimeout(() => (callback as (ok: boolean, reason: string) => void)(true, ''), 5);
        },
      };
      rec.windows.push(this.record);
      BrowserWindow.all.push(this);
    }
    on(): void {}
    once(): void {}
    show(): void {}
    isDestroyed(): boolean {
      return this.record.closed;
    }
    close(): void {
      this.record.closed = true;
    }
    loadURL(url: string): Promise<void> {
      this.record.loaded.push(url);
      return Promise.resolve();
    }
    loadFile(file: string): Promise<void> {
      this.record.loaded.push(file);
      this.record.html.push(readFileSync(file, 'utf8'));
      return Promise.resolve();
    }
  }
  return {
    app,
    BrowserWindow,
    dialog: { showErrorBox: (title: string, message: string) => rec.errors.push(`${title}: ${message}`) },
    ipcMain: {
      handle: (channel: string, fn: Fn) => rec.ipcHandlers.set(channel, fn),
      removeHandler: (channel: string) => rec.ipcHandlers.delete(channel),
    },
    protocol: {
      registerSchemesAsPrivileged: (schemes: unknown) => (
        rec.calls.push('registerSchemesAsPrivileged'),
        rec.privileged.push(schemes)
      ),
      handle: (scheme: string, fn: Fn) => rec.protocolHandlers.set(scheme, fn),
    },
    session: {
      defaultSession: {
        webRequest: { onHeadersReceived: (fn: Fn) => (rec.headersListener = fn) },
        setPermissionRequestHandler: (fn: Fn) => (rec.permissionRequest = fn),
        setPermissionCheckHandler: (fn: Fn) => (rec.permissionCheck = fn),
        setDevicePermissionHandler: (fn: Fn) => (rec.devicePermission = fn),
      },
    },
    shell: { openExternal: (url: string) => (rec.opened.push(url), Promise.resolve()) },
  };
}

let work = '';
let rec: Recorder;
let appRoot = '';
let dataDir = '';

async function until(check: () => boolean, what: string): Promise<void> {
  const deadline = Date.now() + 20_000;
  while (!check()) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}; errors: ${rec.errors.join(' | ')}`);
    await new Promise((r) => setTimeout(r, 20));
  }
}

beforeAll(async () => {
  work = mkdtempSync(join(tmpdir(), 'oms-main-'));
  appRoot = join(work, 'app');
  dataDir = join(work, 'data');
  mkdirSync(join(appRoot, 'dist', 'renderer', 'assets'), { recursive: true });
  writeFileSync(join(appRoot, 'dist', 'renderer', 'index.html'), '<!doctype html><title>OMS</title>');
  writeFileSync(join(appRoot, 'dist', 'renderer', 'assets', 'app.js'), 'console.log(1)');
  writeFileSync(join(work, 'secret.txt'), 'secret');
  const outdir = join(appRoot, 'dist-electron');
  execFileSync(process.execPath, ['scripts/build-electron.mjs', `--outdir=${outdir}`, '--no-sourcemap'], {
    cwd: root,
    stdio: 'pipe',
  });

  rec = {
    calls: [],
    appListeners: new Map(),
    privileged: [],
    protocolHandlers: new Map(),
    headersListener: null,
    permissionRequest: null,
    permissionCheck: null,
    devicePermission: null,
    ipcHandlers: new Map(),
    windows: [],
    opened: [],
    errors: [],
    quitCount: 0,
    exitCodes: [],
    osPrinters: [
      { name: 'ZDesigner GK420d', displayName: 'ZDesigner GK420d', description: 'Zebra', options: {} },
      { name: 'HP_LaserJet_M404', displayName: 'HP LaserJet M404 (Office)', description: 'HP', options: {} },
    ],
  };
  const electron = fakeElectron(rec, appRoot, join(work, 'userData'));
  const realRequire = createRequire(join(root, 'package.json'));
  const requireWithFake = (name: string): unknown => (name === 'electron' ? electron : realRequire(name));
  const mainFile = join(outdir, 'main.cjs');
  const wrapper: unknown = new Script(
    `(function (exports, require, module, __filename, __dirname) {${readFileSync(mainFile, 'utf8')}\n})`,
    { filename: mainFile },
  ).runInThisContext();
  if (typeof wrapper !== 'function') throw new Error('bundle did not compile');
  const module = { exports: {} };
  const savedEnv = process.env['OMS_DATA_DIR'];
  const savedFontDir = process.env['OMS_FONT_DIR'];
  process.env['OMS_DATA_DIR'] = dataDir;
  // The bundle finds the label fonts where a packaged app has them (resourcesPath, absent
  // under Node): point it at the repository's copy instead.
  process.env['OMS_FONT_DIR'] = join(root, 'printing', 'fonts');
  try {
    wrapper(module.exports, requireWithFake, module, mainFile, outdir);
    await until(() => rec.windows.length > 0 && rec.ipcHandlers.size > 0, 'the window');
  } finally {
    if (savedEnv === undefined) delete process.env['OMS_DATA_DIR'];
    else process.env['OMS_DATA_DIR'] = savedEnv;
    if (savedFontDir === undefined) delete process.env['OMS_FONT_DIR'];
    else process.env['OMS_FONT_DIR'] = savedFontDir;
  }
}, 120_000);

afterAll(async () => {
  // Quit as Electron would: will-quit closes the host (the database) before the app exits.
  const quits = rec.quitCount;
  for (const fn of rec.appListeners.get('will-quit') ?? []) fn({ preventDefault: () => undefined });
  await until(() => rec.quitCount > quits, 'the host to close').catch(() => undefined);
  if (work) rmSync(work, { recursive: true, force: true });
});

function listener(name: string): Fn {
  const fn = rec.appListeners.get(name)?.[0];
  if (!fn) throw new Error(`no app.on('${name}') listener`);
  return fn;
}

describe('main.cjs under a stand-in Electron', () => {
  it('starts without errors, privileged scheme and sandbox first, lock before ready', () => {
    expect(rec.errors).toEqual([]);
    expect(rec.exitCodes).toEqual([]);
    expect(rec.calls.indexOf('registerSchemesAsPrivileged')).toBeLessThan(rec.calls.indexOf('whenReady'));
    expect(rec.calls.indexOf('enableSandbox')).toBeLessThan(rec.calls.indexOf('whenReady'));
    expect(rec.calls.indexOf('requestSingleInstanceLock')).toBeLessThan(rec.calls.indexOf('whenReady'));
    // OMS_DATA_DIR given: Chromium's profile (and the single-instance lock) live inside it.
    expect(rec.calls).toContain(`setPath:userData=${join(dataDir, 'electron-profile')}`);
    expect(rec.calls.indexOf(`setPath:userData=${join(dataDir, 'electron-profile')}`)).toBeLessThan(
      rec.calls.indexOf('requestSingleInstanceLock'),
    );
    expect(rec.privileged).toEqual([
      [{ scheme: 'app', privileges: { standard: true, secure: true, supportFetchAPI: true, codeCache: true } }],
    ]);
  });

  it('opens one secure window on app://oms/index.html with the bundled preload', () => {
    expect(rec.windows).toHaveLength(1);
    const win = rec.windows[0];
    expect(win?.loaded).toEqual(['app://oms/index.html']);
    expect(win?.options).toMatchObject({
      webPreferences: {
        preload: join(appRoot, 'dist-electron', 'preload.cjs'),
        contextIsolation: true,
        sandbox: true,
        nodeIntegration: false,
        webSecurity: true,
        webviewTag: false,
      },
    });
  });

  it('serves only the renderer folder over app://, with the CSP', async () => {
    const handler = rec.protocolHandlers.get('app');
    if (!handler) throw new Error('no app:// handler');
    const get = async (url: string): Promise<Response> => {
      const res = await handler({ url });
      if (!(res instanceof Response)) throw new Error('handler did not answer a Response');
      return res;
    };
    const index = await get('app://oms/index.html');
    expect(index.status).toBe(200);
    expect(index.headers.get('content-security-policy')).toBe(buildCsp());
    expect(index.headers.get('content-type')).toBe('text/html; charset=utf-8');
    expect(await index.text()).toContain('<title>OMS</title>');
    expect((await get('app://oms/orders/42')).status).toBe(200);
    expect((await get('app://oms/assets/app.js')).headers.get('content-type')).toMatch(/javascript/);
    for (const url of [
      'app://oms/../../secret.txt',
      'app://oms/assets/%2e%2e%2f%2e%2e%2f..%2fsecret.txt',
      'app://evil/index.html',
    ]) {
      const res = await get(url);
      expect(res.status).toBe(404);
      expect(await res.text()).not.toContain('secret');
    }
  });

  it('puts the CSP on every response and denies every permission', async () => {
    let answered: unknown;
    rec.headersListener?.(
      { responseHeaders: { 'Content-Security-Policy': ['default-src *'] } },
      (r: unknown) => (answered = r),
    );
    expect(answered).toEqual({
      responseHeaders: expect.objectContaining({ 'Content-Security-Policy': [buildCsp()] }),
    });
    let granted: unknown = 'unset';
    rec.permissionRequest?.({}, 'media', (ok: unknown) => (granted = ok), {});
    expect(granted).toBe(false);
    expect(rec.permissionCheck?.({}, 'clipboard-read', 'app://oms', {})).toBe(false);
    expect(rec.devicePermission?.({})).toBe(false);
  });

  it('guards every webContents: navigation, redirects, new windows, webviews', () => {
    const handlers = new Map<string, Fn>();
    const guard: { open: Fn | null } = { open: null };
    listener('web-contents-created')(
      {},
      {
        on: (name: string, fn: Fn) => handlers.set(name, fn),
        setWindowOpenHandler: (fn: Fn) => (guard.open = fn),
      },
    );
    const prevented = (name: string, url: string): boolean => {
      let stopped = false;
      handlers.get(name)?.({ url, preventDefault: () => (stopped = true) });
      return stopped;
    };
    expect(prevented('will-frame-navigate', 'https://evil.example/')).toBe(true);
    expect(prevented('will-frame-navigate', 'file:///etc/passwd')).toBe(true);
    expect(prevented('will-frame-navigate', 'app://oms/index.html#/x')).toBe(false);
    expect(prevented('will-redirect', 'https://evil.example/')).toBe(true);
    expect(prevented('will-attach-webview', 'app://oms/index.html')).toBe(true);
    const open = guard.open;
    expect(open?.({ url: 'https://docs.dockside.example/' })).toEqual({ action: 'deny' });
    expect(open?.({ url: 'http://docs.dockside.example/' })).toEqual({ action: 'deny' });
    expect(open?.({ url: 'file:///etc/passwd' })).toEqual({ action: 'deny' });
    expect(rec.opened).toEqual(['https://docs.dockside.example/']);
  });

  it('registers one IPC handler per channel and serves only our main frame, from the real host', async () => {
    expect([...rec.ipcHandlers.keys()].sort()).toEqual(CHANNELS.map(ipcChannelOf).sort());
    const info = rec.ipcHandlers.get(ipcChannelOf('system.info'));
    if (!info) throw new Error('no system.info handler');
    const id = rec.windows[0]?.webContents.id;
    const trusted = { sender: { id }, senderFrame: { url: 'app://oms/index.html', parent: null } };
    await expect(info(trusted, {})).resolves.toMatchObject({ ok: true, data: { shell: 'electron', dataDir } });
    const iframe = { sender: { id }, senderFrame: { url: 'app://oms/index.html', parent: {} } };
    await expect(info(iframe, {})).resolves.toMatchObject({ ok: false, error: { code: 'api.forbidden-sender' } });
    const foreign = { sender: { id }, senderFrame: { url: 'https://evil.example/', parent: null } };
    await expect(info(foreign, {})).resolves.toMatchObject({ ok: false, error: { code: 'api.forbidden-sender' } });
  });

  it('prints os: printer jobs silently on the exact label size, in a hidden window that cannot run script', async () => {
    const main = rec.windows[0]?.webContents.id;
    const trusted = { sender: { id: main }, senderFrame: { url: 'app://oms/index.html', parent: null } };
    const call = async (channel: string, input: unknown): Promise<Record<string, unknown>> => {
      const handler = rec.ipcHandlers.get(ipcChannelOf(channel as Parameters<typeof ipcChannelOf>[0]));
      if (!handler) throw new Error(`no ${channel} handler`);
      const r = (await handler(trusted, input)) as { ok: boolean; data?: Record<string, unknown>; error?: unknown };
      if (!r.ok) throw new Error(`${channel}: ${JSON.stringify(r.error)}`);
      return r.data!;
    };
    const job = async (id: string, done: (status: string) => boolean) => {
      let found: Record<string, unknown> | undefined;
      await until(
        () => {
          void call('printJobs.list', { limit: 50 }).then(
            (r) => {
              found = (r['rows'] as Record<string, unknown>[]).find((row) => row['id'] === id);
            },
            (err: unknown) => rec.errors.push(String(err)),
          );
          return found !== undefined && done(String(found['status']));
        },
        `print job ${id} (${JSON.stringify(found)})`,
      );
      return found!;
    };
    const printer = async (target: string) =>
      call('printers.save', { name: target, target, language: 'zpl', dpi: 203, templateId: 'gs1-logistic-a6' });

    const windowsBefore = rec.windows.length;
    // A display name (what the print dialog shows) is resolved to the OS name Electron needs.
    for (const [target, deviceName] of [
      ['os:ZDesigner GK420d', 'ZDesigner GK420d'],
      ['os:HP LaserJet M404 (Office)', 'HP_LaserJet_M404'],
    ] as const) {
      const p = await printer(target);
      expect(p['language']).toBe('pdf');
      const { jobId } = await call('printers.test', { id: p['id'] });
      const done = await job(String(jobId), (s) => s === 'done' || s === 'failed');
      expect(done).toMatchObject({ status: 'done', format: 'html:105x148', lastError: null });
      const win = rec.windows.at(-1)!;
      expect(win.options).toEqual({
        show: false,
        width: 800,
        height: 1000,
        webPreferences: {
          sandbox: true,
          contextIsolation: true,
          nodeIntegration: false,
          nodeIntegrationInWorker: false,
          nodeIntegrationInSubFrames: false,
          javascript: false,
          webSecurity: true,
          webviewTag: false,
          spellcheck: false,
        },
      });
      expect(win.prints).toEqual([
        {
          silent: true,
          deviceName,
          printBackground: true,
          landscape: false,
          margins: { marginType: 'none' },
          pageSize: { width: 105_000, height: 148_000 },
        },
      ]);
      expect(win.closed).toBe(true);
      expect(win.html).toHaveLength(1);
      expect(win.html[0]).toMatch(/^<!doctype html>/);
      expect(win.html[0]).toContain('@page { size: 105mm 148mm; margin: 0 }');
      // The bundled font travels with the document (the queue stores it without).
      expect(win.html[0]).toContain("@font-face{font-family:'Noto Sans CJK SC'");
    }
    expect(rec.windows.length).toBe(windowsBefore + 2);

    const missing = await printer('os:No Such Printer');
    const { jobId } = await call('printers.test', { id: missing['id'] });
    const failed = await job(String(jobId), (s) => s === 'done' || s === 'failed');
    expect(failed).toMatchObject({ status: 'failed', lastErrorCode: 'print.unreachable' });
    const win = rec.windows.at(-1)!;
    expect(win.prints).toEqual([]);
    expect(win.closed).toBe(true);
  });

  it('quits with the last window except on macOS', () => {
    const before = rec.quitCount;
    listener('window-all-closed')();
    expect(rec.quitCount).toBe(process.platform === 'darwin' ? before : before + 1);
  });
});
