import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CHANNELS } from '../../core/api/contract.ts';
import { createAppHost, type AppHost } from './host.ts';
import { APP_VERSION } from './version.ts';
import { resolveShellOptions } from './options.ts';

describe('app host (desktop core on a real SQLite file)', () => {
  let dir: string;
  let host: AppHost;
  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), 'oms-host-'));
    host = await createAppHost({ dataDir: dir, serverUrl: null, shell: 'web', seedDemoData: true });
  });
  afterAll(async () => {
    await host.close();
    rmSync(dir, { recursive: true, force: true });
  });

  it('answers every channel of the contract with a Result, never a throw', async () => {
    for (const channel of CHANNELS) {
      const result = await host.handle(channel, { nonsense: true });
      expect(typeof result.ok).toBe('boolean');
      if (!result.ok) expect(result.error.code).toMatch(/^[a-z-]+\.[a-z-]+$/);
    }
  });

  it('refuses an unknown channel', async () => {
    expect(await host.handle('fs.readFile', {})).toMatchObject({ ok: false, error: { code: 'api.unknown-channel' } });
    expect(await host.handle('__proto__', {})).toMatchObject({ ok: false, error: { code: 'api.unknown-channel' } });
  });

  it('loads the demo data on first start', async () => {
    const items = await host.handle('items.list', {});
    expect(items.ok && (items.data as { rows: unknown[] }).rows.length).toBeGreaterThan(100);
    const warehouses = await host.handle('warehouses.list', {});
    expect(warehouses.ok && (warehouses.data as { rows: unknown[] }).rows.length).toBe(6);
  });

  it('runs a command through the outbox and reports it as pending sync', async () => {
    const before = await host.handle('sync.status', {});
    const created = await host.handle('customers.create', { code: 'NEW-1', name: '测试客户', creditLimitMinor: 100 });
    expect(created).toMatchObject({ ok: true, data: { code: 'NEW-1', version: 1 } });
    const after = await host.handle('sync.status', {});
    expect(before.ok && after.ok).toBe(true);
    if (before.ok && after.ok)
      expect((after.data as { pendingCommands: number }).pendingCommands).toBe(
        (before.data as { pendingCommands: number }).pendingCommands + 1,
      );
  });

  it('returns field errors in input terms (not wrapped command args)', async () => {
    const result = await host.handle('customers.create', { code: 'X 1', name: '', email: 'nope' });
    expect(result.ok).toBe(false);
    if (result.ok) return;
    expect(result.error.code).toBe('validation.invalid-input');
    expect(result.error.details?.fields?.map((f) => f.path).sort()).toEqual(['code', 'email', 'name']);
  });

  it('keeps its client id across restarts of the same data folder', async () => {
    const info1 = await host.handle('system.info', {});
    const second = await createAppHost({ dataDir: dir, serverUrl: 'https://oms.example.com', shell: 'web' });
    try {
      const info2 = await second.handle('system.info', {});
      expect(info1.ok && info2.ok).toBe(true);
      if (info1.ok && info2.ok) {
        expect((info2.data as { clientId: string }).clientId).toBe((info1.data as { clientId: string }).clientId);
        expect(info2.data).toMatchObject({ serverUrl: 'https://oms.example.com', appVersion: APP_VERSION });
      }
    } finally {
      await second.close();
    }
  });

  it('keeps APP_VERSION in step with package.json', () => {
    const pkg = JSON.parse(readFileSync(new URL('../../package.json', import.meta.url), 'utf8')) as { version: string };
    expect(APP_VERSION).toBe(pkg.version);
  });
});

describe('shell options', () => {
  it('prefers flags over environment over defaults', () => {
    const env = { OMS_DATA_DIR: '/tmp/from-env', OMS_PORT: '7000', OMS_SERVER_URL: 'http://srv:8080' };
    expect(resolveShellOptions({}, env)).toEqual({
      dataDir: '/tmp/from-env',
      port: 7000,
      serverUrl: 'http://srv:8080',
      userName: 'local',
      roles: ['administrator'],
    });
    expect(resolveShellOptions({ 'data-dir': '/tmp/flag', port: '0' }, env)).toMatchObject({
      dataDir: '/tmp/flag',
      port: 0,
    });
    expect(resolveShellOptions({}, {}).port).toBe(5280);
    expect(resolveShellOptions({}, { OMS_USER: ' 王芳 ', OMS_ROLES: 'warehouse-clerk, supervisor,' })).toMatchObject({
      userName: '王芳',
      roles: ['warehouse-clerk', 'supervisor'],
    });
  });

  it('refuses a bad port or server URL with a clear message', () => {
    expect(() => resolveShellOptions({ port: '70000' }, {})).toThrow('Invalid port: 70000');
    expect(() => resolveShellOptions({ 'server-url': 'ftp://x' }, {})).toThrow('Invalid server URL');
  });
});
