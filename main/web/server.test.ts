import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startWebShell, type WebShell } from './server.ts';
import { isLocalRequest, tokenMatches } from './security.ts';

describe('web shell over real HTTP', () => {
  let dir: string;
  let shell: WebShell;
  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), 'oms-web-'));
    const rendererDir = join(dir, 'renderer');
    mkdirSync(rendererDir);
    writeFileSync(join(rendererDir, 'index.html'), '<!doctype html><title>OMS</title>');
    shell = await startWebShell({ dataDir: join(dir, 'data'), serverUrl: null, port: 0, rendererDir });
  });
  afterAll(async () => {
    await shell.close();
    rmSync(dir, { recursive: true, force: true });
  });

  const call = (channel: string, body: unknown, headers: Record<string, string> = {}) =>
    fetch(`${shell.url}api/${channel}`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', authorization: `Bearer ${shell.token}`, ...headers },
      body: typeof body === 'string' ? body : JSON.stringify(body),
    });

  it('binds to 127.0.0.1 and hands the token once, in the URL fragment', () => {
    expect(shell.url).toMatch(/^http:\/\/127\.0\.0\.1:\d+\/$/);
    expect(shell.launchUrl).toBe(`${shell.url}#token=${shell.token}`);
    expect(shell.token.length).toBeGreaterThanOrEqual(32);
  });

  it('serves the renderer with a strict CSP', async () => {
    const res = await fetch(shell.url);
    expect(res.status).toBe(200);
    expect(res.headers.get('content-security-policy')).toContain("script-src 'self'");
    expect(res.headers.get('x-frame-options')).toBe('DENY');
  });

  it('takes large bodies only for an order file to import', async () => {
    const big = { format: 'csv', content: 'x'.repeat(12 * 1024 * 1024) };
    const normal = await call('customers.create', big);
    expect(normal.status).toBe(413);
    expect(await normal.json()).toMatchObject({ ok: false, error: { code: 'validation.invalid-input' } });
    const file = await call('orders.import.validate', big);
    expect(file.status).not.toBe(413);
    expect(await file.json()).toHaveProperty('ok');
    expect((await call('orders.import.status', {}, { authorization: 'Bearer wrong' })).status).toBe(401);
  });

  it('answers the contract in the Result shape', async () => {
    const res = await call('customers.create', { code: 'W-1', name: '网页客户' });
    expect(res.status).toBe(200);
    expect(await res.json()).toMatchObject({ ok: true, data: { code: 'W-1' } });
    const dup = await call('customers.create', { code: 'W-1', name: 'again' });
    expect(dup.status).toBe(409);
    expect(await dup.json()).toMatchObject({ ok: false, error: { code: 'masterdata.duplicate-code' } });
  });

  it('refuses calls without the launch token', async () => {
    const res = await call('customers.list', {}, { authorization: 'Bearer wrong' });
    expect(res.status).toBe(401);
    expect(await res.json()).toMatchObject({ ok: false, error: { code: 'api.unauthorized' } });
  });

  it('refuses other origins (cross-site pages, DNS rebinding)', async () => {
    const res = await call('customers.list', {}, { origin: 'http://evil.example' });
    expect(res.status).toBe(403);
    expect(await res.json()).toMatchObject({ ok: false, error: { code: 'api.forbidden-sender' } });
  });

  it('answers malformed JSON and unknown channels with coded errors', async () => {
    const bad = await call('customers.list', '{not json');
    expect(bad.status).toBe(400);
    expect(await bad.json()).toMatchObject({ ok: false, error: { code: 'validation.invalid-input' } });
    const unknown = await call('nope.nothing', {});
    expect(unknown.status).toBe(404);
    expect(await unknown.json()).toMatchObject({ ok: false, error: { code: 'api.unknown-channel' } });
  });

  it('checks tokens and hosts exactly', () => {
    expect(tokenMatches('Bearer abc', 'abc')).toBe(true);
    expect(tokenMatches('Bearer abcd', 'abc')).toBe(false);
    expect(tokenMatches(undefined, 'abc')).toBe(false);
    expect(isLocalRequest('127.0.0.1:80', undefined, 80)).toBe(true);
    expect(isLocalRequest('localhost:80', 'http://localhost:80', 80)).toBe(true);
    expect(isLocalRequest('attacker.example:80', undefined, 80)).toBe(false);
    expect(isLocalRequest('127.0.0.1:80', 'null', 80)).toBe(false);
  });
});
