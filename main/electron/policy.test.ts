import { join, resolve } from 'node:path';
import { describe, expect, it } from 'vitest';
import { CONTENT_SECURITY_POLICY } from '../web/security.ts';
import {
  APP_ENTRY_URL,
  buildCsp,
  contentTypeOf,
  externalUrlToOpen,
  isAllowedNavigation,
  isAppUrl,
  isTrustedSender,
  parseShellArgs,
  resolveAppFile,
  secureWebPreferences,
  shouldQuitWhenAllWindowsClosed,
  withSecurityHeaders,
  type SenderInfo,
} from './policy.ts';

describe('buildCsp', () => {
  it('is the strict policy, identical to the web shell', () => {
    const csp = buildCsp();
    expect(csp).toBe(
      "default-src 'self'; script-src 'self'; style-src 'self' 'unsafe-inline'; img-src 'self' data:; " +
        "font-src 'self' data:; connect-src 'self'; object-src 'none'; base-uri 'none'; " +
        "frame-ancestors 'none'; form-action 'none'",
    );
    expect(csp).toBe(CONTENT_SECURITY_POLICY);
    expect(csp).not.toMatch(/unsafe-eval|\*|http:|https:/);
  });
});

describe('withSecurityHeaders', () => {
  it('adds the CSP and replaces a looser one whatever its case', () => {
    const merged = withSecurityHeaders({
      'content-security-policy': ['default-src *'],
      'X-Content-Type-Options': 'whatever',
      'Content-Type': ['text/html'],
    });
    expect(merged['Content-Security-Policy']).toEqual([buildCsp()]);
    expect(merged['content-security-policy']).toBeUndefined();
    expect(merged['X-Content-Type-Options']).toEqual(['nosniff']);
    expect(merged['Content-Type']).toEqual(['text/html']);
  });

  it('works without incoming headers', () => {
    expect(withSecurityHeaders(undefined)['Content-Security-Policy']).toEqual([buildCsp()]);
  });
});

describe('secureWebPreferences', () => {
  it('isolates and sandboxes the renderer with no Node and no webview', () => {
    const prefs = secureWebPreferences('/app/dist-electron/preload.cjs');
    expect(prefs).toMatchObject({
      preload: '/app/dist-electron/preload.cjs',
      contextIsolation: true,
      sandbox: true,
      nodeIntegration: false,
      nodeIntegrationInWorker: false,
      nodeIntegrationInSubFrames: false,
      webSecurity: true,
      allowRunningInsecureContent: false,
      webviewTag: false,
    });
    expect(Object.keys(prefs)).not.toContain('enableRemoteModule');
  });
});

describe('isAllowedNavigation', () => {
  it('allows only our own entry page', () => {
    expect(isAllowedNavigation(APP_ENTRY_URL)).toBe(true);
    expect(isAllowedNavigation('app://oms/index.html#/orders/42')).toBe(true);
    expect(isAllowedNavigation('app://oms/')).toBe(true);
    expect(isAllowedNavigation('app://oms/index.html?x=1')).toBe(true);
  });

  it.each([
    'https://example.com/',
    'http://127.0.0.1:5280/',
    'file:///etc/passwd',
    'file:///app/dist/renderer/index.html',
    'app://evil/index.html',
    'app://oms/other.html',
    'app://oms/assets/x.js',
    'app://oms:81/index.html',
    'app://user@oms/index.html',
    'APP://other/index.html',
    'javascript:alert(1)',
    'data:text/html,<script>1</script>',
    'about:blank',
    'chrome://gpu',
    'devtools://devtools/bundled/inspector.html',
    'not a url',
    '',
  ])('blocks %s', (url) => {
    expect(isAllowedNavigation(url)).toBe(false);
  });
});

describe('externalUrlToOpen', () => {
  it('hands only https links to the OS browser', () => {
    expect(externalUrlToOpen('https://dockside.example/help')).toBe('https://dockside.example/help');
    for (const url of [
      'http://dockside.example/',
      'file:///C:/Windows/system32/calc.exe',
      'javascript:alert(1)',
      'smb://host/share',
      'ms-msdt:/id',
      'app://oms/index.html',
      'https://user:pw@dockside.example/',
      'nonsense',
    ])
      expect(externalUrlToOpen(url)).toBeNull();
  });
});

describe('isTrustedSender', () => {
  const trusted = { webContentsIds: new Set([7]) };
  const ours: SenderInfo = { webContentsId: 7, url: 'app://oms/index.html#/items', isMainFrame: true };

  it('trusts the main frame of our window showing our page', () => {
    expect(isTrustedSender(ours, trusted)).toBe(true);
  });

  it('refuses a missing frame, a sub-frame, another window and a foreign page', () => {
    expect(isTrustedSender(null, trusted)).toBe(false);
    expect(isTrustedSender({ ...ours, isMainFrame: false }, trusted)).toBe(false);
    expect(isTrustedSender({ ...ours, webContentsId: 8 }, trusted)).toBe(false);
    expect(isTrustedSender({ ...ours, url: 'https://evil.example/' }, trusted)).toBe(false);
    expect(isTrustedSender({ ...ours, url: 'file:///tmp/x.html' }, trusted)).toBe(false);
    expect(isTrustedSender({ ...ours, url: 'app://other/index.html' }, trusted)).toBe(false);
    expect(isTrustedSender({ ...ours, url: '' }, trusted)).toBe(false);
    expect(isTrustedSender(ours, { webContentsIds: new Set() })).toBe(false);
  });
});

describe('resolveAppFile', () => {
  const dir = resolve('/srv/app/dist/renderer');

  it('maps app://oms paths into the renderer folder', () => {
    expect(resolveAppFile('app://oms/index.html', dir)).toBe(join(dir, 'index.html'));
    expect(resolveAppFile('app://oms/', dir)).toBe(join(dir, 'index.html'));
    expect(resolveAppFile('app://oms/assets/index-abc.js', dir)).toBe(join(dir, 'assets', 'index-abc.js'));
    expect(resolveAppFile('app://oms/orders/42', dir)).toBe(join(dir, 'index.html'));
    expect(resolveAppFile('app://oms/assets/a%20b.css?v=1#x', dir)).toBe(join(dir, 'assets', 'a b.css'));
  });

  it.each([
    'app://oms/assets/%2e%2e%2f%2e%2e%2fsecret.txt',
    'app://oms/assets/..%5c..%5csecret.txt',
    'app://oms/a%00.js',
    'app://oms/%E0%A4%A.js',
    'app://other/index.html',
    'file:///srv/app/dist/renderer/index.html',
    'https://oms/index.html',
  ])('refuses %s', (url) => {
    expect(resolveAppFile(url, dir)).toBeNull();
  });

  it('clamps dot segments at the root, as URL parsing does', () => {
    expect(resolveAppFile('app://oms/../../etc/passwd.txt', dir)).toBe(join(dir, 'etc', 'passwd.txt'));
    expect(resolveAppFile('app://oms/%2e%2e/%2e%2e/etc/passwd.txt', dir)).toBe(join(dir, 'etc', 'passwd.txt'));
  });

  it('never resolves outside the folder', () => {
    for (const p of ['..', '../x.js', '....//x.js', '.%2e/x.js', 'assets/../../x.js']) {
      const file = resolveAppFile(`app://oms/${p}`, dir);
      if (file !== null) expect(file.startsWith(dir)).toBe(true);
    }
  });
});

describe('contentTypeOf', () => {
  it('knows the renderer assets', () => {
    expect(contentTypeOf('/x/index.html')).toBe('text/html; charset=utf-8');
    expect(contentTypeOf('/x/a.JS')).toBe('text/javascript; charset=utf-8');
    expect(contentTypeOf('/x/a.woff2')).toBe('font/woff2');
    expect(contentTypeOf('/x/a.bin')).toBe('application/octet-stream');
  });
});

describe('isAppUrl', () => {
  it('matches only app://oms', () => {
    expect(isAppUrl('app://oms/x')).toBe(true);
    expect(isAppUrl('app://omsx/x')).toBe(false);
    expect(isAppUrl('app:oms/x')).toBe(false);
  });
});

describe('parseShellArgs', () => {
  const argv = ['/opt/Dockside OMS/dockside-oms', '.'];

  it('defaults to nothing given', () => {
    expect(parseShellArgs(argv, {})).toEqual({
      ok: true,
      args: { dataDir: null, serverUrl: null, seedDemoData: null },
    });
  });

  it('reads flags in both forms and lets them win over the environment', () => {
    const env = { OMS_DATA_DIR: '/env/data', OMS_SERVER_URL: 'https://env.example' };
    expect(
      parseShellArgs([...argv, '--data-dir=/flag/data', '--server-url', 'http://127.0.0.1:8080', '--no-demo'], env),
    ).toEqual({ ok: true, args: { dataDir: '/flag/data', serverUrl: 'http://127.0.0.1:8080', seedDemoData: false } });
    expect(parseShellArgs([...argv, '--demo'], env)).toEqual({
      ok: true,
      args: { dataDir: '/env/data', serverUrl: 'https://env.example', seedDemoData: true },
    });
  });

  it('ignores Chromium switches and empty values', () => {
    expect(
      parseShellArgs([...argv, '--enable-logging', '--data-dir=', '--inspect=9229'], { OMS_SERVER_URL: ' ' }),
    ).toEqual({
      ok: true,
      args: { dataDir: null, serverUrl: null, seedDemoData: null },
    });
  });

  it('refuses a server URL that is not http(s) and a flag without a value', () => {
    const bad = parseShellArgs([...argv, '--server-url=file:///etc/passwd'], {});
    expect(bad.ok).toBe(false);
    if (!bad.ok) expect(bad.reason).toMatch(/Invalid server URL/);
    expect(parseShellArgs([], { OMS_SERVER_URL: 'not a url' }).ok).toBe(false);
    expect(parseShellArgs([...argv, '--data-dir'], {})).toEqual({ ok: false, reason: '--data-dir needs a value' });
    expect(parseShellArgs([...argv, '--data-dir', '--no-demo'], {}).ok).toBe(false);
  });
});

describe('shouldQuitWhenAllWindowsClosed', () => {
  it('quits except on macOS', () => {
    expect(shouldQuitWhenAllWindowsClosed('win32')).toBe(true);
    expect(shouldQuitWhenAllWindowsClosed('linux')).toBe(true);
    expect(shouldQuitWhenAllWindowsClosed('darwin')).toBe(false);
  });
});
