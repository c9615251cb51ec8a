import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { z } from 'zod';
import type { syncIssue } from '../../core/api/sync.api.ts';
import { createAppHost, type AppHost } from '../../main/app/host.ts';
import { PASSWORD, startTestServer, type TestServer } from '../../sync/testing/harness.ts';

/** The desktop as the app runs it (createAppHost, channels of the contract) against a real server. */
type Res = { ok: boolean; data?: unknown; error?: unknown };
type Issue = z.output<typeof syncIssue>;
const must = async <T = { id: string }>(p: Promise<Res>) => {
  const r = await p;
  if (!r.ok) throw new Error(`expected ok, got ${JSON.stringify(r)}`);
  return r.data as T;
};

describe('desktop host with a server', () => {
  let server: TestServer;
  const dirs: string[] = [];
  const hosts: AppHost[] = [];
  let warehouse = '';
  let item = '';
  let customer = '';

  const open = async (serverUrl: string, dir = mkdtempSync(join(tmpdir(), 'oms-host-'))) => {
    dirs.push(dir);
    const host = await createAppHost({ dataDir: dir, serverUrl, shell: 'web', syncInBackground: false });
    hosts.push(host);
    return { host, dir };
  };

  beforeAll(async () => {
    server = await startTestServer('postgres');
    await server.createUser('wang', ['warehouse-clerk', 'supervisor']);
    await server.createUser('li', ['warehouse-clerk']);
    warehouse = (await must(server.run('createWarehouse', { code: 'WH-A', name: 'A 仓' }))).id;
    item = (await must(server.run('createItem', { sku: 'SKU-A', name: '货品 A', baseUom: 'EA' }))).id;
    customer = (
      await must(
        server.run('createCustomer', {
          code: 'C-1',
          name: '客户一',
          grade: 'A',
          creditLimitMinor: 1e8,
          currency: 'CNY',
        }),
      )
    ).id;
    await must(server.run('receiveStock', { itemId: item, warehouseId: warehouse, quantity: 5 }));
  }, 60_000);
  afterAll(async () => {
    for (const h of hosts) await h.close();
    await server?.close();
    for (const d of dirs) rmSync(d, { recursive: true, force: true });
  });

  it('refuses commands until someone signs in, then runs them as that clerk', async () => {
    const { host } = await open(server.url);
    expect(await host.handle('auth.session', {})).toMatchObject({ ok: true, data: { mode: 'signed-out' } });
    expect(await host.handle('customers.create', { code: 'C-X', name: 'x' })).toMatchObject({
      ok: false,
      error: { code: 'api.unauthorized' },
    });
    await must(host.handle('auth.signIn', { username: 'wang', password: PASSWORD }));
    expect(await host.handle('auth.session', {})).toMatchObject({
      ok: true,
      data: { mode: 'signed-in', offline: false, user: { username: 'wang' } },
    });
  });

  it('signs in offline with the credentials last verified online, and refuses others with coded errors', async () => {
    const { host, dir } = await open(server.url);
    await must(host.handle('auth.signIn', { username: 'wang', password: PASSWORD }));
    await must(host.handle('auth.signOut', {}));
    // The same desktop, its server gone.
    await host.close();
    hosts.splice(hosts.indexOf(host), 1);
    const { host: offline } = await open('http://127.0.0.1:9', dir);
    expect(await offline.handle('auth.signIn', { username: 'wang', password: 'wrong' })).toMatchObject({
      ok: false,
      error: { code: 'auth.invalid-credentials' },
    });
    expect(await offline.handle('auth.signIn', { username: 'li', password: PASSWORD })).toMatchObject({
      ok: false,
      error: { code: 'auth.offline-unknown-user' },
    });
    expect(await offline.handle('auth.signIn', { username: 'wang', password: PASSWORD })).toMatchObject({
      ok: true,
      data: { mode: 'signed-in', offline: true, user: { username: 'wang' } },
    });
    // Work goes on offline and waits in the outbox.
    await must(offline.handle('customers.create', { code: 'C-OFF', name: '离线客户' }));
    expect(await offline.handle('sync.status', {})).toMatchObject({ ok: true, data: { pendingCommands: 1 } });
    // Its online sign-in waits for the server: offline, not signed out, the command kept.
    expect(await must<{ state: string; pendingCommands: number }>(offline.handle('sync.now', {}))).toMatchObject({
      state: 'offline',
      pendingCommands: 1,
    });
  });

  it('numbers documents from server-issued blocks: two desktops never share a number', async () => {
    const a = (await open(server.url)).host;
    const b = (await open(server.url)).host;
    for (const h of [a, b]) {
      await must(h.handle('auth.signIn', { username: 'wang', password: PASSWORD }));
      await must(h.handle('sync.now', {}));
    }
    const create = (h: AppHost) =>
      must<{ id: string; number: string }>(
        h.handle('orders.create', {
          submit: false,
          order: {
            type: 'sales',
            customerId: customer,
            warehouseId: warehouse,
            lines: [{ itemId: item, quantity: 1, unitPriceMinor: 100, taxRateBp: 0 }],
          },
        }),
      );
    const created = [await create(a), await create(b), await create(a)];
    const numbers = created.map((o) => o.number);
    const firstId = created[0]!.id;
    for (const n of numbers) expect(n).toMatch(/^SO-\d{7}$/);
    expect(new Set(numbers).size).toBe(3);
    // Until the server confirms it, the order shows as provisional; after the sync it does not.
    expect(await a.handle('orders.get', { id: firstId })).toMatchObject({ ok: true, data: { provisional: true } });
    for (const h of [a, b]) await must(h.handle('sync.now', {}));
    expect(await a.handle('orders.get', { id: firstId })).toMatchObject({ ok: true, data: { provisional: false } });
    const onServer = await server.conn.db.selectFrom('orders').select('number').execute();
    expect(onServer.map((o) => o.number).sort()).toEqual([...numbers].sort());
  });

  it('a refused command is a sync issue with its arguments and reason; resend with edited arguments, discard, audited', async () => {
    const a = (await open(server.url)).host;
    const b = (await open(server.url)).host;
    for (const h of [a, b]) {
      await must(h.handle('auth.signIn', { username: 'wang', password: PASSWORD }));
      await must(h.handle('sync.now', {}));
    }
    const reserve = (h: AppHost, demand: string, quantity: number) =>
      h.handle('inventory.reserve', {
        demand: { type: 'sales-order', id: demand },
        lines: [{ demandLine: 1, itemId: item, warehouseId: warehouse, quantity }],
      });
    await must(reserve(a, 'SO-A', 4));
    await must(reserve(b, 'SO-B', 4));
    await must(a.handle('sync.now', {}));
    const status = await must(b.handle('sync.now', {}));
    expect(status).toMatchObject({ rejectedCommands: 1, pendingCommands: 0 });
    const [issue] = (await must<{ rows: Issue[] }>(b.handle('sync.issues', { status: 'open' }))).rows;
    if (!issue) throw new Error('no sync issue');
    expect(issue).toMatchObject({
      command: 'reserveStock',
      status: 'rejected',
      actor: 'wang',
      error: { code: 'inventory.insufficient-stock' },
      args: { demand: { id: 'SO-B' } },
    });

    // Resend for what is left: a new command through the outbox, the issue closed as resent.
    const original = issue.args as { lines: Record<string, unknown>[] };
    const edited = { ...original, lines: [{ ...original.lines[0], quantity: 1 }] };
    const resolved = await must<Issue>(
      b.handle('sync.resolveIssue', { mutationId: issue.mutationId, action: 'resend', args: edited }),
    );
    expect(resolved).toMatchObject({ resolution: 'resent', resolvedBy: 'wang' });
    expect(resolved.resentAs).toBeTruthy();
    expect(await b.handle('sync.resolveIssue', { mutationId: issue.mutationId, action: 'discard' })).toMatchObject({
      ok: false,
      error: { code: 'sync.issue-closed' },
    });
    await must(b.handle('sync.now', {}));
    expect(await b.handle('sync.status', {})).toMatchObject({ data: { rejectedCommands: 0, pendingCommands: 0 } });
    const balance = await server.conn.db.selectFrom('stock_balances').select('qty_reserved').executeTakeFirstOrThrow();
    expect(balance.qty_reserved).toBe(5);

    // Nothing disappears by itself: the resolved list keeps the decision.
    const all = (await must<{ rows: Issue[] }>(b.handle('sync.issues', { status: 'resolved' }))).rows;
    expect(all.map((i) => i.resolution)).toEqual(['resent']);
    expect(await b.handle('sync.resolveIssue', { mutationId: 'nope', action: 'discard' })).toMatchObject({
      ok: false,
      error: { code: 'sync.issue-not-found' },
    });
  });
});
