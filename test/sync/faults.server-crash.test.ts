import { randomUUID } from 'node:crypto';
import { createRequire } from 'node:module';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openPostgres, type OpenedDb } from '../../db/connect.ts';
import { testDatabaseUrl } from '../../db/testing/backends.ts';
import { FaultProxy } from '../../sync/testing/proxy.ts';
import { openTestDesktop, type TestDesktop } from '../../sync/testing/harness.ts';
import {
  alive,
  expectNoDifferences,
  must,
  outboxSeqs,
  REPO,
  reserveInput,
  spawnScript,
  waitUntil,
  type Child,
  type Query,
  type Stock,
} from './faults.helpers.ts';

/**
 * The server process is killed with SIGKILL (a real crash: no shutdown, the database sees its
 * connections drop, PGlite's data directory is left as it was) and a new server process is
 * started on the same PostgreSQL schema or the same PGlite data directory. The desktop talks
 * to whichever server runs through a proxy, so its URL never changes.
 *
 * The server process is this file's own script (written to a temporary directory): the real
 * `createSyncServer` with test routes to run SQL and commands, and a crash switch in the
 * server's clock (`now` is read as a mutation starts running, inside its transaction).
 */
const KYSELY = createRequire(join(REPO, 'package.json')).resolve('kysely');
const SCRIPT = `
import { sql } from '${KYSELY}';
import { openPglite, openPostgres } from '${REPO}/db/connect.ts';
import { createSyncServer } from '${REPO}/sync/server/app.ts';
import { saveUser } from '${REPO}/sync/server/users.ts';
import { findCommand } from '${REPO}/commands/registry.ts';
import { argsFromInput, runCommand } from '${REPO}/commands/runner.ts';

const cfg = JSON.parse(process.argv[2]);
const conn = cfg.backend === 'pglite' ? await openPglite(cfg.dataDir) : await openPostgres(cfg.url, { schema: cfg.schema });
let crashAt = 0;
const server = await createSyncServer({
  conn,
  now: () => {
    if (crashAt > 0 && --crashAt === 0) process.kill(process.pid, 'SIGKILL');
    return new Date().toISOString();
  },
  plugins: [
    async (app) => {
      app.post('/__test/sql', async (req) => ({ ok: true, data: (await sql.raw(req.body.text).execute(conn.db)).rows }));
      app.post('/__test/crash-at', async (req) => {
        crashAt = req.body.n;
        return { ok: true, data: null };
      });
      app.post('/__test/user', async (req) => ({ ok: true, data: await saveUser(conn.db, req.body) }));
      app.post('/__test/run', async (req) => {
        const def = findCommand(req.body.name);
        const args = await argsFromInput(conn.db, def, req.body.input, { device: 'SRV' });
        const ctx = { actor: { userId: null, name: 'admin', roles: ['administrator'] }, now: new Date().toISOString(), origin: 'server' };
        return (await runCommand(conn.db, def, args, ctx, { outbox: false })).result;
      });
    },
  ],
});
const url = await server.app.listen({ host: '127.0.0.1', port: 0 });
process.stdout.write(JSON.stringify({ event: 'ready', pid: process.pid, url }) + '\\n');
process.on('SIGTERM', () => {
  server.close().then(() => conn.close()).then(() => process.exit(0));
});
`;

const dense = (n: number) => Array.from({ length: n }, (_, i) => i + 1);

interface ServerProcess {
  child: Child;
  url: string;
  post<T>(path: string, body: unknown): Promise<T>;
  query: Query;
}

describe.each(['pglite', 'postgres'] as const)('server crash on %s', (backend) => {
  const work = mkdtempSync(join(tmpdir(), 'oms-crash-'));
  const scriptFile = join(work, 'server.mts');
  const cfg = {
    backend,
    dataDir: join(work, 'pgdata'),
    url: testDatabaseUrl(),
    schema: `s_crash_${randomUUID().replaceAll('-', '')}`,
  };
  let pg: OpenedDb | undefined;
  let srv: ServerProcess;
  let proxy: FaultProxy;
  let d: TestDesktop;
  let s: Stock;

  const startServer = async (): Promise<ServerProcess> => {
    const child = await spawnScript(scriptFile, JSON.stringify(cfg), 90_000);
    const url = String(child.events[0]!.url);
    const post = async <T>(path: string, body: unknown): Promise<T> => {
      const res = await fetch(new URL(path, url), {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify(body),
      });
      const payload = (await res.json()) as { ok: boolean; data: T; error?: unknown };
      if (!payload.ok) throw new Error(`${path}: ${JSON.stringify(payload)}`);
      return payload.data;
    };
    return { child, url, post, query: (text) => post('/__test/sql', { text }) };
  };
  const restart = async () => {
    srv = await startServer();
    proxy.setTarget(srv.url);
  };
  const serverMutations = async () =>
    (await srv.query(`select seq, status from sync_mutations where client_id = '${d.clientId}' order by seq`)).map(
      (r) => [Number(r.seq), r.status],
    );
  const serverReservations = async () =>
    Object.fromEntries(
      (
        await srv.query(
          `select demand_id, sum(quantity) as q from stock_reservations where item_id = '${s.item}' group by demand_id order by demand_id`,
        )
      ).map((r) => [r.demand_id, Number(r.q)]),
    );
  const feed = async () => (await srv.query(`select seq from change_tx order by seq`)).map((r) => Number(r.seq));

  beforeAll(async () => {
    writeFileSync(scriptFile, SCRIPT);
    if (backend === 'postgres') pg = await openPostgres(cfg.url, { schema: cfg.schema });
    srv = await startServer();
    await srv.post('/__test/user', {
      username: 'alice',
      displayName: 'Alice',
      password: 'pw-crash-test',
      roles: ['administrator'],
    });
    const run = (name: string, input: unknown) => srv.post<{ id: string }>('/__test/run', { name, input });
    const warehouse = (await run('createWarehouse', { code: 'W-C', name: '崩溃仓' })).id;
    const item = (await run('createItem', { sku: 'CRASH', name: '崩溃', baseUom: 'EA' })).id;
    await run('receiveStock', { itemId: item, warehouseId: warehouse, quantity: 100 });
    s = { warehouse, item };
    proxy = await FaultProxy.start(srv.url);
    d = await openTestDesktop(proxy.url);
    await d.signIn('alice', 'pw-crash-test');
    await d.engine.syncOnce();
  }, 180_000);

  afterAll(async () => {
    await d?.close();
    await proxy?.close();
    if (srv && alive(srv.child.pid)) await srv.child.kill9();
    if (pg) {
      await sql`drop schema if exists ${sql.id(cfg.schema)} cascade`.execute(pg.db);
      await pg.close();
    }
    rmSync(work, { recursive: true, force: true });
  });

  it('killed as the second command of a batch starts: the group commits together, so nothing of it survives, and the retry delivers all once', async () => {
    for (let i = 1; i <= 3; i++) await must(d.run('reserveStock', reserveInput(s, `SO-K${i}`, i)));
    await srv.post('/__test/crash-at', { n: 2 });
    const pid = srv.child.pid;
    await expect(d.engine.syncOnce()).rejects.toThrow();
    await srv.child.exited;
    expect(alive(pid)).toBe(false);
    expect(await outboxSeqs(d)).toEqual([1, 2, 3]);

    await restart();
    // The mutations of a push are committed as one group (effects, results and the client's seq
    // together): killed in the middle, the group left nothing at all — no half-stored batch.
    expect(await serverMutations()).toEqual([]);
    expect(await serverReservations()).toEqual({});

    await d.engine.syncOnce();
    expect(await serverMutations()).toEqual([
      [1, 'applied'],
      [2, 'applied'],
      [3, 'applied'],
    ]);
    expect(await serverReservations()).toEqual({ 'SO-K1': 1, 'SO-K2': 2, 'SO-K3': 3 });
    await expectNoDifferences(d, srv.query);
  });

  it("killed while a group's effects and feed position are written but not committed: none of it survives, the feed stays dense", async () => {
    const before = await feed();
    for (let i = 1; i <= 2; i++) await must(d.run('reserveStock', reserveInput(s, `SO-S${i}`, 10)));
    const [first, second] = await outboxSeqs(d);
    // Stall the group's transaction after its effects, change log and feed seal, just
    // before its result row is stored and it commits.
    await srv.query(`create or replace function oms_test_stall() returns trigger language plpgsql as $$
      begin perform pg_sleep(${backend === 'pglite' ? 60 : 3}); return null; end $$`);
    await srv.query(`create trigger oms_test_stall after insert on sync_mutations for each row
      when (new.client_id = '${d.clientId}' and new.seq = ${second}) execute function oms_test_stall()`);

    const pushing = d.engine.pushAll();
    pushing.catch(() => undefined);
    if (backend === 'postgres') {
      await waitUntil(
        async () =>
          Number(
            (
              await sql<{ n: string }>`select count(*) as n from pg_stat_activity where wait_event = 'PgSleep'
                and query like '%sync_mutations%'`.execute(pg!.db)
            ).rows[0]!.n,
          ) > 0,
        'the push transaction to stall before its commit',
      );
    } else {
      // PGlite sleeps on the server's only thread: once it stops answering, it is in the stall.
      await waitUntil(async () => {
        try {
          await fetch(new URL('/health', srv.url), { signal: AbortSignal.timeout(300) });
          return false;
        } catch {
          return true;
        }
      }, 'the push transaction to stall before its commit');
    }
    await srv.child.kill9();
    await expect(pushing).rejects.toThrow();
    expect(await outboxSeqs(d)).toEqual([first, second]);

    await restart();
    await srv.query(`drop trigger if exists oms_test_stall on sync_mutations`);
    // Both commands were in the stalled group's transaction: neither survives.
    const mutations = await serverMutations();
    expect(mutations.map(([seq]) => seq)).not.toContain(second);
    expect(mutations.map(([seq]) => seq)).not.toContain(first);
    expect(await serverReservations()).not.toHaveProperty('SO-S1');
    expect(await serverReservations()).not.toHaveProperty('SO-S2');
    // The feed position the stalled transaction had taken was never committed: no hole, no ghost.
    const afterCrash = await feed();
    expect(afterCrash).toEqual(dense(afterCrash.length));
    expect(afterCrash.length).toBe(before.length);

    await d.engine.syncOnce();
    expect(await serverReservations()).toMatchObject({ 'SO-S1': 10, 'SO-S2': 10 });
    const all = await feed();
    expect(all).toEqual(dense(all.length));
    await expectNoDifferences(d, srv.query);
  });

  it('killed after committing a whole batch, before the answer reached the desktop: the retry gets the stored results, nothing applies twice', async () => {
    const seqsBefore = (await serverMutations()).length;
    for (let i = 1; i <= 3; i++) await must(d.run('reserveStock', reserveInput(s, `SO-A${i}`, 1)));
    proxy.setRule((r) => (r.path === '/sync/push' ? { kind: 'hold-response' } : undefined));
    const pushing = d.engine.pushAll();
    pushing.catch(() => undefined);
    const held = await proxy.waitFor(
      () => proxy.requests('/sync/push').find((e) => e.fault === 'hold-response' && e.answered),
      30_000,
      'the server to answer the push',
    );
    proxy.setRule(null);
    await srv.child.kill9();
    proxy.cut(held.id);
    await expect(pushing).rejects.toThrow();
    expect((await outboxSeqs(d)).length).toBe(3);

    await restart();
    const committed = await serverMutations();
    expect(committed.length).toBe(seqsBefore + 3);
    const reservations = await serverReservations();
    expect([reservations['SO-A1'], reservations['SO-A2'], reservations['SO-A3']]).toEqual([1, 1, 1]);

    await d.engine.syncOnce();
    expect(await serverMutations()).toEqual(committed);
    expect(await serverReservations()).toEqual(reservations);
    await expectNoDifferences(d, srv.query);
  });
});
