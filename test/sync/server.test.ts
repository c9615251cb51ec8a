import { randomUUID } from 'node:crypto';
import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  openTestDesktop,
  PASSWORD,
  startTestServer,
  type TestDesktop,
  type TestServer,
} from '../../sync/testing/harness.ts';

const must = async <T = Record<string, unknown>>(p: Promise<{ ok: boolean; data?: unknown; error?: unknown }>) => {
  const r = await p;
  if (!r.ok) throw new Error(`expected ok, got ${JSON.stringify(r)}`);
  return r.data as T;
};

const post = async (url: string, path: string, body: unknown, token?: string) => {
  const res = await fetch(new URL(path, url), {
    method: 'POST',
    headers: { 'content-type': 'application/json', ...(token ? { authorization: `Bearer ${token}` } : {}) },
    body: JSON.stringify(body),
  });
  return {
    status: res.status,
    body: (await res.json()) as {
      ok: boolean;
      data?: { accessToken?: string; refreshToken?: string };
      error?: unknown;
    },
  };
};

async function until(check: () => Promise<boolean>, ms: number): Promise<number> {
  const t0 = Date.now();
  while (Date.now() - t0 < ms) {
    if (await check()) return Date.now() - t0;
    await new Promise((r) => setTimeout(r, 20));
  }
  throw new Error(`not within ${ms} ms`);
}

describe('two server processes on one PostgreSQL', () => {
  let s1: TestServer;
  let s2: TestServer;
  const desktops: TestDesktop[] = [];
  let warehouse = '';
  let item = '';

  beforeAll(async () => {
    s1 = await startTestServer('postgres');
    s2 = await startTestServer('postgres', { schema: s1.schema });
    await s1.createUser('alice', ['administrator']);
    warehouse = (await must<{ id: string }>(s1.run('createWarehouse', { code: 'WH-1', name: '一号仓' }))).id;
    item = (await must<{ id: string }>(s1.run('createItem', { sku: 'SKU-1', name: '货品一', baseUom: 'EA' }))).id;
    await must(s1.run('receiveStock', { itemId: item, warehouseId: warehouse, quantity: 1000 }));
  }, 60_000);
  afterAll(async () => {
    for (const d of desktops) await d.close();
    await s2?.close();
    await s1?.close();
  });

  it('answers health and readiness with the same server id', async () => {
    const h1 = (await (await fetch(new URL('/health', s1.url))).json()) as { data: { serverId: string } };
    const r2 = (await (await fetch(new URL('/ready', s2.url))).json()) as { data: { serverId: string } };
    expect(h1.data.serverId).toBe(r2.data.serverId);
  });

  it('a change pushed through one process reaches a desktop connected to the other over the live channel', async () => {
    const a = await openTestDesktop(s1.url);
    const b = await openTestDesktop(s2.url, { engine: { live: true, pollMs: 60_000 } });
    desktops.push(a, b);
    await a.signIn('alice');
    await b.signIn('alice');
    await a.engine.syncOnce();
    b.engine.start();
    await until(async () => (await b.db.selectFrom('items').select('id').execute()).length === 1, 10_000);
    await must(a.run('createCustomer', { code: 'C-LIVE', name: '实时客户' }));
    await a.engine.syncOnce();
    const ms = await until(
      async () => !!(await b.db.selectFrom('customers').select('id').where('code', '=', 'C-LIVE').executeTakeFirst()),
      // B polls only every 60 s: arriving well within that is the live channel (S3 measures latency).
      15_000,
    );
    expect(ms).toBeLessThan(15_000);
    await b.engine.stop();
  });

  it('concurrent pushes through both processes: every command once, feed positions dense and in commit order', async () => {
    const many: TestDesktop[] = [];
    for (let i = 0; i < 6; i++) {
      const d = await openTestDesktop(i % 2 === 0 ? s1.url : s2.url);
      desktops.push(d);
      many.push(d);
      await d.signIn('alice');
      await d.engine.syncOnce();
    }
    for (const [i, d] of many.entries())
      for (let k = 0; k < 15; k++)
        await must(
          d.run('reserveStock', {
            demand: { type: 'sales-order', id: `D${i}-${k}` },
            lines: [{ demandLine: 1, itemId: item, warehouseId: warehouse, quantity: 1 }],
          }),
        );
    await Promise.all(many.map((d) => d.engine.syncOnce()));
    await Promise.all(many.map((d) => d.engine.syncOnce()));

    const { rows } = await sql<{ seq: string | number }>`select seq from change_tx order by seq`.execute(s1.conn.db);
    const seqs = rows.map((r) => Number(r.seq));
    expect(seqs).toEqual(seqs.map((_, i) => seqs[0]! + i));
    const applied = await sql<{ n: string | number }>`
      select count(*) as n from sync_mutations where command = 'reserveStock' and status = 'applied'`.execute(
      s1.conn.db,
    );
    expect(Number(applied.rows[0]!.n)).toBe(90);
    const reserved = await s1.conn.db.selectFrom('stock_balances').select('qty_reserved').executeTakeFirstOrThrow();
    expect(reserved.qty_reserved).toBe(90);
    for (const d of many) {
      expect(await d.db.selectFrom('outbox').selectAll().execute()).toEqual([]);
      const local = await d.db.selectFrom('stock_balances').select('qty_reserved').executeTakeFirstOrThrow();
      expect(local.qty_reserved).toBe(90);
    }
  }, 60_000);
});

describe('auth', () => {
  let server: TestServer;
  beforeAll(async () => {
    server = await startTestServer('postgres', { accessTtlSeconds: 1, refreshReuseGraceSeconds: 1 });
    await server.createUser('alice', ['warehouse-clerk']);
  }, 30_000);
  afterAll(async () => server?.close());

  it('refuses a wrong password and an unknown user alike, with a coded error', async () => {
    const wrong = await post(server.url, '/auth/login', { username: 'alice', password: 'nope' });
    const unknown = await post(server.url, '/auth/login', { username: 'mallory', password: 'nope' });
    expect(wrong).toMatchObject({ status: 401, body: { ok: false, error: { code: 'auth.invalid-credentials' } } });
    expect(unknown).toEqual(wrong);
  });

  it('stores only a salted slow hash', async () => {
    const user = await server.conn.db
      .selectFrom('users')
      .select('password_hash')
      .where('username', '=', 'alice')
      .executeTakeFirstOrThrow();
    expect(user.password_hash).toMatch(/^scrypt\$16384\$8\$1\$/);
    expect(user.password_hash).not.toContain(PASSWORD);
  });

  it('access tokens expire; refresh tokens rotate, a just-rotated one still works (lost answer), later it is refused', async () => {
    const login = await post(server.url, '/auth/login', { username: 'alice', password: PASSWORD });
    const { accessToken, refreshToken } = login.body.data as { accessToken: string; refreshToken: string };
    expect(
      (await fetch(new URL('/auth/me', server.url), { headers: { authorization: `Bearer ${accessToken}` } })).status,
    ).toBe(200);
    await new Promise((r) => setTimeout(r, 2100));
    const expired = await fetch(new URL('/auth/me', server.url), {
      headers: { authorization: `Bearer ${accessToken}` },
    });
    expect(expired.status).toBe(401);
    expect(((await expired.json()) as { error: { code: string } }).error.code).toBe('auth.token-expired');
    const refreshed = await post(server.url, '/auth/refresh', { refreshToken });
    expect(refreshed.status).toBe(200);
    expect((await post(server.url, '/auth/refresh', { refreshToken })).status).toBe(200);
    await new Promise((r) => setTimeout(r, 2100));
    const reused = await post(server.url, '/auth/refresh', { refreshToken });
    expect(reused).toMatchObject({ status: 401, body: { error: { code: 'auth.invalid-token' } } });
  });

  it('a role may not run what its permissions do not list: the push is a stored rejection, not an error', async () => {
    const d = await openTestDesktop(server.url);
    try {
      await d.signIn('alice');
      await d.engine.syncOnce();
      await must(d.run('createWarehouse', { code: 'WH-X', name: '越权仓' }));
      await d.engine.syncOnce();
      const issues = await d.db.selectFrom('sync_issues').selectAll().execute();
      expect(issues.map((i) => [i.command, JSON.parse(i.error_json).code])).toEqual([
        ['createWarehouse', 'auth.forbidden'],
      ]);
      expect(await d.db.selectFrom('warehouses').selectAll().execute()).toEqual([]);
      expect(await server.conn.db.selectFrom('warehouses').selectAll().execute()).toEqual([]);
    } finally {
      await d.close();
    }
  }, 30_000);
});

describe('device-bound sessions', () => {
  let server: TestServer;
  beforeAll(async () => {
    server = await startTestServer('postgres');
    await server.createUser('alice', ['warehouse-clerk']);
  }, 30_000);
  afterAll(async () => server?.close());

  it('binds a client id to the device that signed in with it: another device or session cannot act for it', async () => {
    const clientId = randomUUID();
    const login = (deviceSecret: string) =>
      post(server.url, '/auth/login', { username: 'alice', password: PASSWORD, clientId, deviceSecret });
    const first = await login('a'.repeat(32));
    expect(first.status).toBe(200);
    expect((await login('a'.repeat(32))).status).toBe(200);
    expect(await login('b'.repeat(32))).toMatchObject({ status: 403, body: { error: { code: 'auth.forbidden' } } });
    const pull = (token: string, forClient: string) =>
      post(server.url, '/sync/pull', { protocol: 1, clientId: forClient, cursor: null }, token);
    const token = first.body.data?.accessToken as string;
    expect((await pull(token, clientId)).status).toBe(200);
    expect(await pull(token, randomUUID())).toMatchObject({ status: 403, body: { error: { code: 'auth.forbidden' } } });
    // A session opened without a device may not act for a device-bound client either.
    const unbound = await post(server.url, '/auth/login', { username: 'alice', password: PASSWORD });
    expect(await pull(unbound.body.data?.accessToken as string, clientId)).toMatchObject({ status: 403 });
  });
});

describe('live channel with two schemas in one database', () => {
  let busy: TestServer;
  let quiet: TestServer;
  const desktops: TestDesktop[] = [];
  beforeAll(async () => {
    busy = await startTestServer('postgres');
    quiet = await startTestServer('postgres');
    await quiet.createUser('alice', ['administrator']);
  }, 60_000);
  afterAll(async () => {
    for (const d of desktops) await d.close();
    await busy?.close();
    await quiet?.close();
  });

  it("another schema's busier feed does not silence this server's live events (NOTIFY is per database)", async () => {
    const a = await openTestDesktop(quiet.url);
    const b = await openTestDesktop(quiet.url, { engine: { live: true, pollMs: 60_000 } });
    desktops.push(a, b);
    await a.signIn('alice');
    await b.signIn('alice');
    await a.engine.syncOnce();
    b.engine.start();
    // The other schema's positions run far ahead of this one's.
    for (let i = 0; i < 30; i++) await must(busy.run('createCustomer', { code: `B-${i}`, name: `忙 ${i}` }));
    await must(a.run('createCustomer', { code: 'C-QUIET', name: '安静的客户' }));
    await a.engine.syncOnce();
    // B polls only every 60 s: arriving well within that is its own server's live event.
    await until(
      async () => !!(await b.db.selectFrom('customers').select('id').where('code', '=', 'C-QUIET').executeTakeFirst()),
      15_000,
    );
    expect(await b.db.selectFrom('customers').select('code').where('code', 'like', 'B-%').execute()).toEqual([]);
    await b.engine.stop();
  }, 60_000);
});

describe('deadlocks between concurrent groups', () => {
  let server: TestServer;
  const desktops: TestDesktop[] = [];
  let warehouse = '';
  const items: string[] = [];
  beforeAll(async () => {
    server = await startTestServer('postgres');
    await server.createUser('alice', ['administrator']);
    warehouse = (await must<{ id: string }>(server.run('createWarehouse', { code: 'WH-D', name: '死锁仓' }))).id;
    for (const sku of ['X', 'Y']) {
      const id = (await must<{ id: string }>(server.run('createItem', { sku, name: sku, baseUom: 'EA' }))).id;
      items.push(id);
      await must(server.run('receiveStock', { itemId: id, warehouseId: warehouse, quantity: 100_000 }));
    }
  }, 60_000);
  afterAll(async () => {
    for (const d of desktops) await d.close();
    await server?.close();
  });

  it('are retried, never stored as failures: two desktops locking the same buckets in opposite order', async () => {
    const [a, b] = [await openTestDesktop(server.url), await openTestDesktop(server.url)];
    desktops.push(a, b);
    for (const d of [a, b]) {
      await d.signIn('alice');
      await d.engine.syncOnce();
    }
    const reserve = (d: TestDesktop, demand: string, item: string) =>
      must(
        d.run('reserveStock', {
          demand: { type: 'sales-order', id: demand },
          lines: [{ demandLine: 1, itemId: item, warehouseId: warehouse, quantity: 1 }],
        }),
      );
    for (let round = 0; round < 8; round++) {
      for (let k = 0; k < 10; k++) {
        await reserve(a, `A-${round}-${k}`, items[k % 2]!);
        await reserve(b, `B-${round}-${k}`, items[(k + 1) % 2]!);
      }
      await Promise.all([a.engine.syncOnce(), b.engine.syncOnce()]);
    }
    await Promise.all([a.engine.syncOnce(), b.engine.syncOnce()]);
    const statuses = await sql<{ status: string; n: string | number }>`
      select status, count(*) as n from sync_mutations group by status`.execute(server.conn.db);
    expect(statuses.rows.map((r) => [r.status, Number(r.n)])).toEqual([['applied', 160]]);
    const dead = await sql<{ n: string | number }>`select count(*) as n from dead_letters`.execute(server.conn.db);
    expect(Number(dead.rows[0]!.n)).toBe(0);
    for (const d of [a, b]) expect(await d.db.selectFrom('sync_issues').selectAll().execute()).toEqual([]);
  }, 120_000);
});
