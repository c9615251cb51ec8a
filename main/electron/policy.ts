import { extname, isAbsolute, relative, resolve, sep } from 'node:path';
import { CONTENT_SECURITY_POLICY } from '../../core/security.ts';

/**
 * The Electron shell's security and start-up policy as plain functions: no `electron` import,
 * so every rule here is unit-tested without the Electron binary (see policy.test.ts).
 * main.ts and ipc.ts only wire these into Electron's hooks. Spec: docs/specs/desktop-shell.md.
 */

/** electron-builder's productName; also the user-data folder name in development. */
export const PRODUCT_NAME = 'Dockside OMS';

/** The renderer is served from our own files through this privileged custom scheme. */
export const APP_SCHEME = 'app';
export const APP_HOST = 'oms';
export const APP_ORIGIN = `${APP_SCHEME}://${APP_HOST}`;
/** The one page the window ever shows. */
export const APP_ENTRY_URL = `${APP_ORIGIN}/index.html`;

/** The one policy of both shells (core/security.ts). */
export function buildCsp(): string {
  return CONTENT_SECURITY_POLICY;
}

/** Headers every response to the window carries (custom protocol and any http(s) response). */
export function securityHeaders(): Record<string, string> {
  return {
    'Content-Security-Policy': buildCsp(),
    'X-Content-Type-Options': 'nosniff',
    'Referrer-Policy': 'no-referrer',
    'Cross-Origin-Opener-Policy': 'same-origin',
  };
}

/**
 * Merges our security headers into a response's headers for `webRequest.onHeadersReceived`,
 * replacing any header of the same name whatever its case (a server cannot loosen the CSP).
 */
export function withSecurityHeaders(
  headers: Readonly<Record<string, string | readonly string[]>> | undefined,
): Record<string, string[]> {
  const ours = securityHeaders();
  const ourNames = new Set(Object.keys(ours).map((name) => name.toLowerCase()));
  const merged: Record<string, string[]> = {};
  for (const [name, value] of Object.entries(headers ?? {})) {
    if (ourNames.has(name.toLowerCase())) continue;
    merged[name] = typeof value === 'string' ? [value] : [...value];
  }
  for (const [name, value] of Object.entries(ours)) merged[name] = [value];
  return merged;
}

/** webPreferences of every window: isolated, sandboxed, no Node, no webview, no insecure content. */
export interface SecureWebPreferences {
  preload: string;
  contextIsolation: true;
  sandbox: true;
  nodeIntegration: false;
  nodeIntegrationInWorker: false;
  nodeIntegrationInSubFrames: false;
  webSecurity: true;
  allowRunningInsecureContent: false;
  webviewTag: false;
  experimentalFeatures: false;
  navigateOnDragDrop: false;
  spellcheck: false;
}

export function secureWebPreferences(preload: string): SecureWebPreferences {
  return {
    preload,
    contextIsolation: true,
    sandbox: true,
    nodeIntegration: false,
    nodeIntegrationInWorker: false,
    nodeIntegrationInSubFrames: false,
    webSecurity: true,
    allowRunningInsecureContent: false,
    webviewTag: false,
    experimentalFeatures: false,
    navigateOnDragDrop: false,
    spellcheck: false,
  };
}

function parseUrl(url: string): URL | null {
  try {
    return new URL(url);
  } catch {
    return null;
  }
}

/** True for a URL on our custom scheme and host (`app://oms/...`). */
export function isAppUrl(url: string): boolean {
  const parsed = parseUrl(url);
  return (
    parsed !== null &&
    parsed.protocol === `${APP_SCHEME}:` &&
    parsed.host === APP_HOST &&
    parsed.username === '' &&
    parsed.password === '' &&
    parsed.port === ''
  );
}

/**
 * The window may only (re)load our own entry page: same scheme, host and path as `appUrl`
 * (any fragment or query). Every other navigation (links, `location =`, drag-and-drop,
 * redirects) is cancelled. In-page routing (history API, hash) does not navigate.
 */
export function isAllowedNavigation(url: string, appUrl: string = APP_ENTRY_URL): boolean {
  const target = parseUrl(url);
  const entry = parseUrl(appUrl);
  if (target === null || entry === null || !isAppUrl(url)) return false;
  const samePath = (p: string): boolean => p === entry.pathname || (entry.pathname === '/index.html' && p === '/');
  return target.protocol === entry.protocol && target.host === entry.host && samePath(target.pathname);
}

/**
 * What `setWindowOpenHandler` hands to the OS browser: only https links (never http, file,
 * javascript, custom schemes or URLs with credentials). `null` means: open nothing.
 */
export function externalUrlToOpen(url: string): string | null {
  const parsed = parseUrl(url);
  if (parsed === null || parsed.protocol !== 'https:' || parsed.username !== '' || parsed.password !== '') return null;
  return parsed.href;
}

/** What ipc.ts knows about the frame that sent an IPC message. */
export interface SenderInfo {
  /** `event.sender.id`: the webContents the message came from. */
  webContentsId: number;
  /** `event.senderFrame.url`. */
  url: string;
  /** `event.senderFrame.parent === null`: the top frame, not an iframe. */
  isMainFrame: boolean;
}

export interface TrustedSenders {
  /** webContents ids of the windows main.ts created (and loaded with our page). */
  webContentsIds: ReadonlySet<number>;
}

/**
 * An IPC call is served only when it comes from the main frame of one of our windows and that
 * frame shows our own page. `null` (the frame is gone or was never known) is never trusted.
 */
export function isTrustedSender(sender: SenderInfo | null, trusted: TrustedSenders): boolean {
  if (sender === null) return false;
  return sender.isMainFrame && trusted.webContentsIds.has(sender.webContentsId) && isAppUrl(sender.url);
}

/**
 * Maps an `app://oms/...` request to a file inside `rendererDir`, or `null` (→ 404) for any
 * other host, an undecodable path, a NUL byte or anything that resolves outside the folder.
 * Paths without an extension are client-side routes and get index.html.
 */
export function resolveAppFile(requestUrl: string, rendererDir: string): string | null {
  if (!isAppUrl(requestUrl)) return null;
  const parsed = parseUrl(requestUrl);
  if (parsed === null) return null;
  let pathname: string;
  try {
    pathname = decodeURIComponent(parsed.pathname);
  } catch {
    return null;
  }
  if (pathname.includes('\0') || pathname.includes('\\')) return null;
  const relativePath = pathname === '/' || extname(pathname) === '' ? 'index.html' : pathname.replace(/^\/+/, '');
  const root = resolve(rendererDir);
  const file = resolve(root, relativePath);
  const rel = relative(root, file);
  if (rel === '' || rel.startsWith(`..${sep}`) || rel === '..' || isAbsolute(rel)) return null;
  return file;
}

const CONTENT_TYPES: Record<string, string> = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.mjs': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.json': 'application/json; charset=utf-8',
  '.svg': 'image/svg+xml',
  '.png': 'image/png',
  '.jpg': 'image/jpeg',
  '.jpeg': 'image/jpeg',
  '.gif': 'image/gif',
  '.webp': 'image/webp',
  '.ico': 'image/x-icon',
  '.woff': 'font/woff',
  '.woff2': 'font/woff2',
  '.ttf': 'font/ttf',
  '.map': 'application/json; charset=utf-8',
  '.txt': 'text/plain; charset=utf-8',
  '.pdf': 'application/pdf',
};

export function contentTypeOf(file: string): string {
  return CONTENT_TYPES[extname(file).toLowerCase()] ?? 'application/octet-stream';
}

/** What the command line and environment say; `null` means "not given". */
export interface ShellArgs {
  /** `--data-dir=<dir>` or OMS_DATA_DIR; otherwise main.ts uses app.getPath('userData'). */
  dataDir: string | null;
  /** `--server-url=<url>` or OMS_SERVER_URL (http/https only). */
  serverUrl: string | null;
  /** `--demo` / `--no-demo`; otherwise main.ts seeds only in an unpackaged (developer) app. */
  seedDemoData: boolean | null;
}

export type ParsedShellArgs = { ok: true; args: ShellArgs } | { ok: false; reason: string };

/**
 * Reads our flags out of Electron's argv (which also holds the binary, the app path and any
 * Chromium switches, all ignored). Accepts `--flag=value` and `--flag value`. Flags win over
 * environment variables; empty values count as not given.
 */
export function parseShellArgs(
  argv: readonly string[],
  env: Readonly<Record<string, string | undefined>>,
): ParsedShellArgs {
  const flags = new Map<string, string>();
  let seedDemoData: boolean | null = null;
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i];
    if (arg === undefined) continue;
    if (arg === '--demo') seedDemoData = true;
    if (arg === '--no-demo') seedDemoData = false;
    for (const name of ['data-dir', 'server-url']) {
      const flag = `--${name}`;
      if (arg.startsWith(`${flag}=`)) flags.set(name, arg.slice(flag.length + 1));
      else if (arg === flag) {
        const next = argv[i + 1];
        if (next === undefined || next.startsWith('--')) return { ok: false, reason: `${flag} needs a value` };
        flags.set(name, next);
        i++;
      }
    }
  }
  const pick = (flag: string, variable: string): string | null => {
    const value = flags.get(flag) ?? env[variable];
    return value === undefined || value.trim() === '' ? null : value.trim();
  };
  const dataDir = pick('data-dir', 'OMS_DATA_DIR');
  const serverUrl = pick('server-url', 'OMS_SERVER_URL');
  if (serverUrl !== null) {
    const parsed = parseUrl(serverUrl);
    if (parsed === null || (parsed.protocol !== 'http:' && parsed.protocol !== 'https:'))
      return { ok: false, reason: `Invalid server URL: ${serverUrl} (expected http:// or https://)` };
  }
  return { ok: true, args: { dataDir, serverUrl, seedDemoData } };
}

/** Windows and Linux quit with their last window; macOS apps stay in the dock. */
export function shouldQuitWhenAllWindowsClosed(platform: NodeJS.Platform): boolean {
  return platform !== 'darwin';
}
