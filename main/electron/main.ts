import { readFile } from 'node:fs/promises';
import { existsSync } from 'node:fs';
import { join, resolve } from 'node:path';
import {
  app,
  BrowserWindow,
  dialog,
  ipcMain,
  protocol,
  session,
  shell,
  type Session,
  type WebContents,
} from 'electron';
import { createAppHost, type AppHost } from '../app/host.ts';
import { localProfile } from '../app/options.ts';
import { registerOsPrinter } from '../app/printing.ts';
import { registerIpcHandlers } from './ipc.ts';
import { printHtmlSilently } from './osPrint.ts';
import {
  APP_ENTRY_URL,
  APP_SCHEME,
  contentTypeOf,
  externalUrlToOpen,
  isAllowedNavigation,
  parseShellArgs,
  PRODUCT_NAME,
  resolveAppFile,
  secureWebPreferences,
  securityHeaders,
  shouldQuitWhenAllWindowsClosed,
  withSecurityHeaders,
  type ShellArgs,
} from './policy.ts';

/**
 * Electron main process: lifecycle, one secure window, the app:// protocol serving our own
 * renderer files, and the IPC adapter over the app host. Every rule lives in policy.ts (tested
 * without the binary); this file only wires them in. Spec: docs/specs/desktop-shell.md.
 */

// Must happen before `ready`: app:// behaves like a secure, standard origin ('self' in the CSP).
protocol.registerSchemesAsPrivileged([
  { scheme: APP_SCHEME, privileges: { standard: true, secure: true, supportFetchAPI: true, codeCache: true } },
]);
// Every renderer is sandboxed, whatever a window's options say.
app.enableSandbox();

/** Packaged: resources/app.asar; development: the repository root (where package.json is). */
const appRoot = app.getAppPath();
const rendererDir = join(appRoot, 'dist', 'renderer');
const preloadPath = join(appRoot, 'dist-electron', 'preload.cjs');

/** webContents ids of our own windows: the only IPC senders ipc.ts serves. */
const trustedWebContentsIds = new Set<number>();

function fatal(title: string, message: string): void {
  console.error(`Dockside OMS: ${title}: ${message}`);
  if (app.isReady()) dialog.showErrorBox(title, message);
  app.exit(1);
}

/** Navigation, new windows and webviews: applied to every webContents that is ever created. */
function guardWebContents(contents: WebContents): void {
  contents.on('will-frame-navigate', (event) => {
    if (!isAllowedNavigation(event.url, APP_ENTRY_URL)) event.preventDefault();
  });
  contents.on('will-redirect', (event) => {
    if (!isAllowedNavigation(event.url, APP_ENTRY_URL)) event.preventDefault();
  });
  contents.on('will-attach-webview', (event) => event.preventDefault());
  contents.setWindowOpenHandler(({ url }) => {
    const external = externalUrlToOpen(url);
    if (external !== null) void shell.openExternal(external);
    return { action: 'deny' };
  });
}

function hardenSession(ses: Session): void {
  ses.webRequest.onHeadersReceived((details, callback) => {
    callback({ responseHeaders: withSecurityHeaders(details.responseHeaders) });
  });
  ses.setPermissionRequestHandler((_contents, _permission, callback) => callback(false));
  ses.setPermissionCheckHandler(() => false);
  ses.setDevicePermissionHandler(() => false);
}

/** Serves app://oms/... from dist/renderer only (policy.resolveAppFile refuses everything else). */
function serveRenderer(): void {
  protocol.handle(APP_SCHEME, async (request) => {
    const file = resolveAppFile(request.url, rendererDir);
    if (file === null) return new Response('Not found', { status: 404, headers: securityHeaders() });
    try {
      const body = await readFile(file);
      return new Response(new Uint8Array(body), {
        status: 200,
        headers: { ...securityHeaders(), 'Content-Type': contentTypeOf(file) },
      });
    } catch {
      return new Response('Not found', { status: 404, headers: securityHeaders() });
    }
  });
}

function createWindow(): BrowserWindow {
  const win = new BrowserWindow({
    width: 1440,
    height: 900,
    minWidth: 1024,
    minHeight: 640,
    show: false,
    title: 'Dockside OMS',
    backgroundColor: '#ffffff',
    webPreferences: secureWebPreferences(preloadPath),
  });
  const id = win.webContents.id;
  trustedWebContentsIds.add(id);
  win.on('closed', () => trustedWebContentsIds.delete(id));
  win.once('ready-to-show', () => win.show());
  void win.loadURL(APP_ENTRY_URL).catch((err: unknown) => {
    fatal('The window could not load', err instanceof Error ? err.message : String(err));
  });
  return win;
}

async function start(args: ShellArgs): Promise<void> {
  await app.whenReady();
  if (!existsSync(join(rendererDir, 'index.html'))) {
    fatal('The renderer is not built', `${rendererDir}/index.html is missing: run "npm run build".`);
    return;
  }
  if (!existsSync(preloadPath)) {
    fatal('The preload is not built', `${preloadPath} is missing: run "npm run build:electron".`);
    return;
  }

  // Before the host starts its print queue, which may resend os: jobs left from the last run.
  registerOsPrinter(printHtmlSilently);

  const dataDir = resolve(args.dataDir ?? app.getPath('userData'));
  let host: AppHost;
  try {
    host = await createAppHost({
      dataDir,
      serverUrl: args.serverUrl,
      shell: 'electron',
      seedDemoData: args.seedDemoData ?? !app.isPackaged,
      // The bundle cannot find the label fonts next to its code (no import.meta.url in CommonJS):
      // packaged they ship as resources (electron-builder.yml extraResources), unpackaged they
      // are in the source tree. (`resourcesPath` is Electron's; absent under plain Node in tests.)
      ...fontDirOf(),
      ...localProfile(process.env),
    });
  } catch (err) {
    fatal('The local database could not be opened', err instanceof Error ? err.message : String(err));
    return;
  }

  let hostClosed = false;
  app.on('will-quit', (event) => {
    if (hostClosed) return;
    event.preventDefault();
    void host
      .close()
      .catch((err: unknown) => console.error('Dockside OMS: closing the database failed:', err))
      .finally(() => {
        hostClosed = true;
        app.quit();
      });
  });

  hardenSession(session.defaultSession);
  serveRenderer();
  registerIpcHandlers(ipcMain, host, () => ({ webContentsIds: trustedWebContentsIds }));
  createWindow();

  app.on('activate', () => {
    if (BrowserWindow.getAllWindows().length === 0) createWindow();
  });
  console.log(`Dockside OMS: Electron shell started (data: ${dataDir})`);
}

function main(): void {
  const parsed = parseShellArgs(process.argv, process.env);
  if (!parsed.ok) {
    fatal('Invalid command line', parsed.reason);
    return;
  }
  // With an explicit data folder, Chromium's profile lives inside it too, so the single-instance
  // lock (kept in userData) guards that database: two data folders can run side by side.
  if (parsed.args.dataDir !== null) app.setPath('userData', join(resolve(parsed.args.dataDir), 'electron-profile'));
  // Otherwise the same folder in development as in the installed app (whose name comes from
  // electron-builder's productName; `electron .` would use package.json's "dockside-oms").
  else app.setPath('userData', join(app.getPath('appData'), PRODUCT_NAME));
  if (!app.requestSingleInstanceLock()) {
    console.log('Dockside OMS is already running with this data folder; focusing it.');
    app.quit();
    return;
  }
  app.on('second-instance', () => {
    const win = BrowserWindow.getAllWindows()[0];
    if (win === undefined) return;
    if (win.isMinimized()) win.restore();
    win.focus();
  });
  app.on('web-contents-created', (_event, contents) => guardWebContents(contents));
  app.on('window-all-closed', () => {
    if (shouldQuitWhenAllWindowsClosed(process.platform)) app.quit();
  });
  void start(parsed.args).catch((err: unknown) =>
    fatal('Start-up failed', err instanceof Error ? err.message : String(err)),
  );
}

main();

function fontDirOf(): { fontDir?: string } {
  const dir =
    app.isPackaged && typeof process.resourcesPath === 'string'
      ? join(process.resourcesPath, 'fonts')
      : join(app.getAppPath(), 'printing', 'fonts');
  return existsSync(dir) ? { fontDir: dir } : {};
}
