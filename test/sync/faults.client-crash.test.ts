import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { PullRequest, SnapshotCursor } from '../../sync/protocol/index.ts';
import { setScopes } from '../../sync/server/users.ts';
import { FaultProxy } from '../../sync/testing/proxy.ts';
import { openTestDesktop, startTestServer, type TestDesktop, type TestServer } from '../../sync/testing/harness.ts';
import {
  alive,
  countRows,
  expectEqualToServer,
  idOf,
  must,
  outboxSeqs,
  reservationsByDemand,
  reserveInput,
  spawnDesktop,
  stockOnServer,
  type Stock,
} from './faults.helpers.ts';

/**
 * The desktop is a separate Node process (sync/testing/desktop-process.ts) killed with SIGKILL:
 * in the middle of a run of commands, while an upload is on the wire, and in the middle of its
 * first sync. The same SQLite file is then reopened here, as the app would after a restart.
 */
describe.each(['pglite', 'postgres'] as const)('desktop killed (server on %s)', (backend) => {
  let server: TestServer;
  let proxy: FaultProxy;
  let s: Stock;
  const dirs: string[] = [];
  const open: TestDesktop[] = [];

  const newDir = () => {
    const dir = mkdtempSync(join(tmpdir(), 'oms-killed-'));
    dirs.push(dir);
    return dir;
  };
  const reopen = async (dir: string, engine: NonNullable<Parameters<typeof openTestDesktop>[1]>['engine'] = {}) => {
    const d = await openTestDesktop(proxy.url, { dir, engine });
    open.push(d);
    return d;
  };
  const byClient = (path: string, clientId: string) =>
    proxy.requests(path, (e) => e.json<{ clientId?: string }>().clientId === clientId);

  beforeAll(async () => {
    server = await startTestServer(backend);
    await server.createUser('alice', ['administrator']);
    s = await stockOnServer(server, 'KILL', 1000);
    proxy = await FaultProxy.start(server.url);
  });
  afterAll(async () => {
    for (const d of open) await d.close({ keepFiles: true });
    await proxy?.close();
    await server?.close();
    for (const dir of dirs) rmSync(dir, { recursive: true, force: true });
  });

  it('killed in the middle of a run of commands: each committed command is in the outbox with its effect, and is delivered exactly once', async () => {
    const dir = newDir();
    const child = await spawnDesktop({
      url: proxy.url,
      dir,
      signIn: { username: 'alice' },
      syncFirst: true,
      commands: [{ name: 'reserveStock', input: reserveInput(s, 'SO-RUN-{i}', 1), count: 200 }],
      pauseMs: 5,
      then: 'nothing',
      stay: true,
    });
    await child.waitFor((e) => e.event === 'committed' && Number(e.n) >= 15, '15 commits');
    await child.kill9();
    expect(alive(child.pid)).toBe(false);
    const reported = Math.max(...child.events.filter((e) => e.event === 'committed').map((e) => Number(e.n)));
    expect(reported).toBeLessThan(200);

    const loginsBefore = proxy.count('/auth/login');
    const d = await reopen(dir);
    // Every command reported as committed survived, with no hole in the sequence; a command
    // that was mid-transaction at the kill left neither an outbox row nor an effect.
    const seqs = await outboxSeqs(d);
    expect(seqs.length).toBeGreaterThanOrEqual(reported);
    expect(seqs).toEqual(Array.from({ length: seqs.length }, (_, i) => i + 1));
    const local = await reservationsByDemand(d.db, s);
    expect(Object.keys(local).length).toBe(seqs.length);
    expect(Object.values(local).every((q) => q === 1)).toBe(true);
    const undone = await countRows(d.db, 'select count(distinct seq) as n from undo_log');
    expect(undone).toBe(seqs.length);

    // The session was kept in the file: the reopened desktop refreshes, it does not sign in.
    await d.engine.syncOnce();
    expect(proxy.count('/auth/login')).toBe(loginsBefore);
    expect(byClient('/sync/push', d.clientId).length).toBeGreaterThan(0);
    expect(
      await countRows(server.conn.db, `select count(*) as n from sync_mutations where client_id = '${d.clientId}'`),
    ).toBe(seqs.length);
    const onServer = await reservationsByDemand(server.conn.db, s);
    for (const [demand, q] of Object.entries(local)) expect(onServer[demand], demand).toBe(q);
    await expectEqualToServer(d, server);
  });

  it('killed while its upload is on the wire (the server committed, the answer never recorded): resent on reopen, answered from the store, nothing twice', async () => {
    const dir = newDir();
    proxy.setRule((r) => (r.path === '/sync/push' ? { kind: 'hold-response' } : undefined));
    let child;
    try {
      child = await spawnDesktop({
        url: proxy.url,
        dir,
        signIn: { username: 'alice' },
        syncFirst: true,
        commands: [{ name: 'reserveStock', input: reserveInput(s, 'SO-WIRE-{i}', 2), count: 5 }],
        then: 'push',
        stay: true,
      });
      const clientId = String(child.events[0]!.clientId);
      const held = await proxy.waitFor(
        () => byClient('/sync/push', clientId).find((e) => e.answered),
        30_000,
        'the server to answer the upload',
      );
      await child.kill9();
      proxy.cut(held.id);
    } finally {
      proxy.setRule(null);
    }
    const d = await reopen(dir);
    expect(await outboxSeqs(d)).toEqual([1, 2, 3, 4, 5]);
    const committed = await countRows(
      server.conn.db,
      `select count(*) as n from sync_mutations where client_id = '${d.clientId}'`,
    );
    expect(committed).toBe(5);

    await d.engine.syncOnce();
    const pushes = byClient('/sync/push', d.clientId);
    expect(pushes.length).toBe(2);
    expect(
      await countRows(server.conn.db, `select count(*) as n from sync_mutations where client_id = '${d.clientId}'`),
    ).toBe(5);
    const onServer = await reservationsByDemand(server.conn.db, s);
    for (let i = 0; i < 5; i++) expect(onServer[`SO-WIRE-${i}`]).toBe(2);
    await expectEqualToServer(d, server);
  });

  it('killed during its first sync: the reopened desktop resumes from its last page instead of starting again', async () => {
    const first: string[] = [];
    for (let i = 0; i < 40; i++)
      first.push(await idOf(server.run('createItem', { sku: `FIRST-${i}`, name: `首次 ${i}`, baseUom: 'EA' })));
    const temp = await server.createUser('temp', ['supervisor'], [{ kind: 'warehouse', id: s.warehouse }]);
    const pageRows = 5;

    // How many pages a whole first sync takes, uninterrupted.
    const baseline = await reopen(newDir(), { pageRows });
    await baseline.signIn('alice');
    await baseline.engine.pullAll();
    const pages = byClient('/sync/pull', baseline.clientId).length;
    expect(pages).toBeGreaterThan(8);
    await expectEqualToServer(baseline, server);

    const dir = newDir();
    proxy.setRule((r) => (r.path === '/sync/pull' ? { kind: 'pass', responseDelayMs: 60 } : undefined));
    let clientId = '';
    try {
      const child = await spawnDesktop({
        url: proxy.url,
        dir,
        signIn: { username: 'alice' },
        pageRows,
        then: 'pull',
        stay: true,
      });
      clientId = String(child.events[0]!.clientId);
      await proxy.waitFor(
        () => byClient('/sync/pull', clientId).filter((e) => e.delivered).length >= 4,
        30_000,
        '4 pages',
      );
      await child.kill9();
    } finally {
      proxy.setRule(null);
    }
    const before = byClient('/sync/pull', clientId).map((e) => e.json<PullRequest>());
    expect(before.length).toBeLessThan(pages);
    // While the desktop is down the server moves on: a row of a page already downloaded changes,
    // a row is deleted, a row is added. The resumed download must still end equal.
    await must(
      server.run('updateItem', {
        id: first[0],
        expectedVersion: 1,
        fields: { sku: 'FIRST-0', name: '改名', baseUom: 'EA' },
      }),
    );
    await setScopes(server.conn.db, temp, []);
    await must(server.run('createItem', { sku: 'FIRST-LATE', name: '后来', baseUom: 'EA' }));

    const d = await reopen(dir, { pageRows });
    const stored = await d.db.selectFrom('sync_state').select(['key', 'value']).execute();
    const state = Object.fromEntries(stored.map((r) => [r.key, r.value]));
    // Mid-snapshot: no cursor yet, a resume position instead, and the rows of the pages done.
    expect(state.cursor).toBeUndefined();
    const resumeAt = JSON.parse(state.snapshot!) as SnapshotCursor;
    expect(resumeAt).not.toBeNull();
    expect(await countRows(d.db, 'select count(*) as n from items')).toBeGreaterThan(0);

    await d.engine.pullAll();
    const after = byClient('/sync/pull', d.clientId)
      .map((e) => e.json<PullRequest>())
      .slice(before.length);
    // The first request after the restart asks for the page after the last one stored.
    expect(after[0]!.snapshot).toEqual(resumeAt);
    // Pages done before the kill are not downloaded again (at most the one in flight is).
    const key = (p: PullRequest) => JSON.stringify([p.cursor, p.snapshot ?? null]);
    const done = new Set(before.slice(0, -1).map(key));
    for (const p of after) expect(done.has(key(p)), key(p)).toBe(false);
    expect(before.length + after.length).toBeLessThanOrEqual(pages + 1);
    await expectEqualToServer(d, server);
  });
});
