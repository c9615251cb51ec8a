import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { compactFeed, feedHead } from '../../db/feed.queries.ts';
import type { SyncStatus } from '../../sync/client/engine.ts';
import type { PullRequest } from '../../sync/protocol/index.ts';
import { setScopes } from '../../sync/server/users.ts';
import { FaultProxy } from '../../sync/testing/proxy.ts';
import { openTestDesktop, startTestServer, type TestDesktop, type TestServer } from '../../sync/testing/harness.ts';
import {
  balanceOn,
  countRows,
  expectEqualToServer,
  idOf,
  issuesOf,
  must,
  outboxSeqs,
  reservationsByDemand,
  reserveInput,
  stockOnServer,
  waitUntil,
} from './faults.helpers.ts';

/**
 * Time and access passing while a desktop is offline: its access token expires (the server
 * issues one-second tokens here), its refresh token expires, its user loses a warehouse, and the
 * server compacts its change log past the desktop's cursor.
 */
describe.each(['pglite', 'postgres'] as const)('offline for long on %s', (backend) => {
  let server: TestServer;
  let proxy: FaultProxy;
  const desktops: TestDesktop[] = [];

  const desktop = async (user: string, states: SyncStatus[] = []) => {
    const d = await openTestDesktop(proxy.url, {
      engine: { backoffMs: { min: 20, max: 100 }, onStatus: (st) => states.push(st) },
    });
    desktops.push(d);
    await d.signIn(user);
    await d.engine.syncOnce();
    return d;
  };
  const mutationsOf = (clientId: string) =>
    countRows(server.conn.db, `select count(*) as n from sync_mutations where client_id = '${clientId}'`);
  const byClient = (path: string, clientId: string, afterId = 0) =>
    proxy.requests(path, (e) => e.id > afterId && e.json<{ clientId?: string }>().clientId === clientId);
  const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

  beforeAll(async () => {
    server = await startTestServer(backend, { accessTtlSeconds: 1 });
    await server.createUser('ann', ['administrator']);
    await server.createUser('ben', ['administrator']);
    proxy = await FaultProxy.start(server.url);
  });
  afterAll(async () => {
    proxy?.online();
    for (const d of desktops) await d.close();
    await proxy?.close();
    await server?.close();
  });

  it('the access token expires while offline: back online, the desktop refreshes and pushes; nothing dropped, no new sign-in', async () => {
    const s = await stockOnServer(server, 'TTL', 50);
    const states: SyncStatus[] = [];
    const d = await desktop('ann', states);
    const mark = proxy.log.length;
    proxy.offline();
    for (let i = 1; i <= 3; i++) await must(d.run('reserveStock', reserveInput(s, `SO-TTL${i}`, i)));
    d.engine.start();
    try {
      await sleep(1600);
      // It kept trying while offline, counted nothing against the commands, and waits.
      expect(states.some((st) => st.state === 'offline' && st.lastError?.code === 'sync.server-unreachable')).toBe(
        true,
      );
      expect(await outboxSeqs(d)).toEqual([1, 2, 3]);
      proxy.online();
      await waitUntil(async () => (await outboxSeqs(d)).length === 0 && states.at(-1)?.state === 'online', 'delivery');
    } finally {
      await d.engine.stop();
      proxy.online();
    }
    const pushes = byClient('/sync/push', d.clientId, mark);
    const answered = pushes.filter((e) => e.status !== null);
    // The first push that reached the server was refused as expired; after a refresh it went through.
    expect(answered[0]!.status).toBe(401);
    expect(answered.at(-1)!.status).toBe(200);
    expect(proxy.requests('/auth/refresh', (e) => e.id > mark && e.delivered).length).toBeGreaterThanOrEqual(1);
    expect(proxy.requests('/auth/login', (e) => e.id > mark)).toEqual([]);
    expect(await mutationsOf(d.clientId)).toBe(3);
    expect(await reservationsByDemand(server.conn.db, s)).toEqual({ 'SO-TTL1': 1, 'SO-TTL2': 2, 'SO-TTL3': 3 });
    expect(await issuesOf(d)).toEqual([]);
    await expectEqualToServer(d, server);
  });

  it('the refresh token expired too: the engine says signed-out, keeps every command, does not loop; signing in again delivers them', async () => {
    const s = await stockOnServer(server, 'REFRESH', 50);
    const states: SyncStatus[] = [];
    const d = await desktop('ben', states);
    proxy.offline();
    for (let i = 1; i <= 2; i++) await must(d.run('reserveStock', reserveInput(s, `SO-RF${i}`, 1)));
    // A month offline: the refresh token's lifetime ran out (moved into the past on the server).
    await sql`update refresh_tokens set expires_at = now() - interval '1 minute'
      where client_id = ${d.clientId} and revoked_at is null`.execute(server.conn.db);
    await sleep(1100);
    proxy.online();
    const mark = proxy.log.length;
    d.engine.start();
    try {
      await waitUntil(() => states.at(-1)?.state === 'signed-out', 'signed-out');
      expect(states.at(-1)!.lastError?.code).toBe('auth.invalid-token');
      const refreshes = proxy.requests('/auth/refresh', (e) => e.id > mark).length;
      await sleep(400);
      // No 401 loop: the engine waits for the clerk instead of retrying the dead session.
      expect(proxy.requests('/auth/refresh', (e) => e.id > mark).length).toBe(refreshes);
      expect(states.at(-1)!.state).toBe('signed-out');
      expect(await outboxSeqs(d)).toEqual([1, 2]);
      expect(await issuesOf(d)).toEqual([]);
      expect(await mutationsOf(d.clientId)).toBe(0);

      await d.signIn('ben');
      d.engine.kick();
      await waitUntil(async () => (await outboxSeqs(d)).length === 0 && states.at(-1)?.state === 'online', 'delivery');
    } finally {
      await d.engine.stop();
    }
    expect(await mutationsOf(d.clientId)).toBe(2);
    expect(await reservationsByDemand(server.conn.db, s)).toEqual({ 'SO-RF1': 1, 'SO-RF2': 1 });
    await expectEqualToServer(d, server);
  });

  // FAILS today (bug reported to the sync owner): the server revokes the presented refresh token
  // before the answer is delivered (sync/server/auth.ts consumeRefreshToken) and refuses it when
  // the desktop tries again, so one lost answer signs the desktop out (work kept, new sign-in needed).
  it('the answer to a token refresh is lost on the way back: the desktop still gets through without a new sign-in', async () => {
    const s = await stockOnServer(server, 'LOSTREFRESH', 50);
    const states: SyncStatus[] = [];
    const d = await desktop('ann', states);
    for (let i = 1; i <= 2; i++) await must(d.run('reserveStock', reserveInput(s, `SO-LR${i}`, 1)));
    await sleep(1100);
    const mark = proxy.log.length;
    // The server rotates the refresh token; the new one never arrives.
    let cut = false;
    proxy.setRule((r) => {
      if (r.path !== '/auth/refresh' || cut) return undefined;
      cut = true;
      return { kind: 'drop-response' };
    });
    d.engine.start();
    try {
      await waitUntil(
        async () => (await outboxSeqs(d)).length === 0 || states.at(-1)?.state === 'signed-out',
        'delivery or sign-out',
      );
    } finally {
      await d.engine.stop();
      proxy.setRule(null);
    }
    expect(proxy.requests('/auth/refresh', (e) => e.id > mark)[0]).toMatchObject({ answered: true, delivered: false });
    expect(states.map((st) => st.state)).not.toContain('signed-out');
    expect(await outboxSeqs(d)).toEqual([]);
    expect(proxy.requests('/auth/login', (e) => e.id > mark)).toEqual([]);
    expect(await reservationsByDemand(server.conn.db, s)).toEqual({ 'SO-LR1': 1, 'SO-LR2': 1 });
  });

  it('a user loses a warehouse while offline: the pending command there is refused auth.out-of-scope and listed, the replica is rebuilt to the new scope', async () => {
    const w1 = await stockOnServer(server, 'SCOPE1', 20);
    const w2 = await stockOnServer(server, 'SCOPE2', 20);
    const other = await stockOnServer(server, 'SCOPE3', 20);
    const clerk = await server.createUser(
      'clerk',
      ['warehouse-clerk'],
      [
        { kind: 'warehouse', id: w1.warehouse },
        { kind: 'warehouse', id: w2.warehouse },
      ],
    );
    const d = await desktop('clerk');
    const warehousesWithStock = async () =>
      (await d.db.selectFrom('stock_balances').select('warehouse_id').distinct().execute())
        .map((r) => r.warehouse_id)
        .sort();
    expect(await warehousesWithStock()).toEqual([w1.warehouse, w2.warehouse].sort());
    expect(await balanceOn(d.db, other)).toEqual({ available: 0, reserved: 0 });
    await expectEqualToServer(d, server, 'clerk');

    await must(d.run('reserveStock', reserveInput(w2, 'SO-LOST', 4)));
    await must(d.run('reserveStock', reserveInput(w1, 'SO-KEPT', 3)));
    await setScopes(server.conn.db, clerk, [{ kind: 'warehouse', id: w1.warehouse }]);

    const mark = proxy.log.length;
    await d.engine.syncOnce();
    expect(await issuesOf(d)).toMatchObject([
      { command: 'reserveStock', status: 'rejected', code: 'auth.out-of-scope' },
    ]);
    const issue = await d.db.selectFrom('sync_issues').select('args_json').executeTakeFirstOrThrow();
    expect(JSON.parse(issue.args_json)).toMatchObject({ demand: { id: 'SO-LOST' } });
    expect(await reservationsByDemand(server.conn.db, w2)).toEqual({});
    expect(await reservationsByDemand(server.conn.db, w1)).toEqual({ 'SO-KEPT': 3 });
    // The replica was downloaded again for the new access (not patched from the feed).
    const pulls = byClient('/sync/pull', d.clientId, mark).map((e) => e.json<PullRequest>());
    expect(pulls.some((p) => p.cursor === null && !p.snapshot)).toBe(true);
    expect(await warehousesWithStock()).toEqual([w1.warehouse]);
    await expectEqualToServer(d, server, 'clerk');
  });

  it('a user loses a warehouse while offline and the download runs before the upload: same outcome, nothing lost', async () => {
    const w1 = await stockOnServer(server, 'PULLFIRST1', 20);
    const w2 = await stockOnServer(server, 'PULLFIRST2', 20);
    const clerk = await server.createUser(
      'clerk2',
      ['warehouse-clerk'],
      [
        { kind: 'warehouse', id: w1.warehouse },
        { kind: 'warehouse', id: w2.warehouse },
      ],
    );
    const d = await desktop('clerk2');
    await must(d.run('reserveStock', reserveInput(w2, 'SO-LOST2', 4)));
    await must(d.run('reserveStock', reserveInput(w1, 'SO-KEPT2', 3)));
    await setScopes(server.conn.db, clerk, [{ kind: 'warehouse', id: w1.warehouse }]);

    await d.engine.pullAll();
    // Rebuilt for the new access, with both commands still pending; the one in W1 shown on top.
    expect(await outboxSeqs(d)).toEqual([1, 2]);
    expect(await balanceOn(d.db, w2)).toEqual({ available: 0, reserved: 0 });
    expect(await balanceOn(d.db, w1)).toEqual({ available: 20, reserved: 3 });

    await d.engine.syncOnce();
    expect(await issuesOf(d)).toMatchObject([{ command: 'reserveStock', code: 'auth.out-of-scope' }]);
    expect(await reservationsByDemand(server.conn.db, w1)).toEqual({ 'SO-KEPT2': 3 });
    expect(await reservationsByDemand(server.conn.db, w2)).toEqual({});
    await expectEqualToServer(d, server, 'clerk2');
  });

  it('offline longer than the change log is kept: a snapshot replaces the replica, pending commands are kept, shown on top, then delivered once', async () => {
    const s = await stockOnServer(server, 'COMPACT', 30);
    const d = await desktop('ann');
    const cursorBefore = (await d.engine.currentStatus()).cursor!;
    await must(d.run('reserveStock', reserveInput(s, 'SO-OLD', 2)));
    await must(d.run('createCarrier', { code: 'CR-OFFLINE', name: '离线承运' }));

    // Meanwhile the server moves on and forgets the feed past the desktop's cursor.
    await must(
      server.run('adjustStock', { itemId: s.item, warehouseId: s.warehouse, quantity: 5, reasonCode: 'found' }),
    );
    const newItem = await idOf(server.run('createItem', { sku: 'AFTER-COMPACT', name: '压缩后', baseUom: 'EA' }));
    const head = await feedHead(server.conn.db);
    await compactFeed(server.conn.db, head.last);
    expect((await feedHead(server.conn.db)).floor).toBeGreaterThan(cursorBefore);

    const mark = proxy.log.length;
    // Downloads go first and do not wait for the outbox.
    await d.engine.pullAll();
    const pulls = byClient('/sync/pull', d.clientId, mark).map((e) => e.json<PullRequest>());
    expect(pulls[0]!.cursor).toBe(cursorBefore);
    expect(pulls.some((p) => p.cursor === null)).toBe(true);
    expect(await outboxSeqs(d)).toEqual([1, 2]);
    expect(await countRows(d.db, `select count(*) as n from items where id = '${newItem}'`)).toBe(1);
    // Server state with the pending commands on top.
    expect(await balanceOn(d.db, s)).toEqual({ available: 35, reserved: 2 });
    expect(await countRows(d.db, `select count(*) as n from carriers where code = 'CR-OFFLINE'`)).toBe(1);
    expect((await d.engine.currentStatus()).cursor).toBe(head.last);

    await d.engine.syncOnce();
    expect(await mutationsOf(d.clientId)).toBe(2);
    expect(await reservationsByDemand(server.conn.db, s)).toEqual({ 'SO-OLD': 2 });
    expect(await countRows(server.conn.db, `select count(*) as n from carriers where code = 'CR-OFFLINE'`)).toBe(1);
    expect(await issuesOf(d)).toEqual([]);
    await expectEqualToServer(d, server);
  });
});
