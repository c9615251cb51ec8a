import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openTestDesktop, startTestServer, type TestDesktop, type TestServer } from '../../sync/testing/harness.ts';
import {
  balanceOn,
  countRows,
  expectEqualToServer,
  issuesOf,
  must,
  queryOf,
  reserveInput,
  stockOnServer,
} from './faults.helpers.ts';

const QUEUED = 10_000;

/**
 * A desktop that worked offline for a long time comes back with 10,000 queued commands: all are
 * delivered, each exactly once, and the desktop ends equal to the server. The time is printed
 * (performance.md S1: ≤ 20 s on PostgreSQL, ≥ 200 commands/s on PGlite). One test file per
 * backend (faults.queue.*.test.ts) so the two long runs can use both test workers.
 */
export const queuedCommandsSuite = (backend: 'pglite' | 'postgres') =>
  describe(`10,000 queued commands on ${backend}`, () => {
    let server: TestServer;
    let d: TestDesktop;

    beforeAll(async () => {
      server = await startTestServer(backend);
      await server.createUser('ann', ['administrator']);
    });
    afterAll(async () => {
      await d?.close();
      await server?.close();
    });

    it('are all delivered exactly once on reconnect', async () => {
      const s = await stockOnServer(server, 'QUEUE', QUEUED);
      d = await openTestDesktop(server.url);
      await d.signIn('ann');
      await d.engine.syncOnce();

      let t = performance.now();
      for (let i = 0; i < QUEUED; i++) await must(d.run('reserveStock', reserveInput(s, `SO-Q${i}`, 1)));
      const local = performance.now() - t;
      expect(await countRows(d.db, "select count(*) as n from outbox where status = 'pending'")).toBe(QUEUED);

      t = performance.now();
      await d.engine.pushAll();
      const push = performance.now() - t;
      t = performance.now();
      await d.engine.pullAll();
      const pull = performance.now() - t;
      console.info(
        `[faults] ${backend}: ${QUEUED} queued commands: local ${(local / 1000).toFixed(1)} s, ` +
          `push ${(push / 1000).toFixed(1)} s (${Math.round(QUEUED / (push / 1000))} commands/s), ` +
          `pull to head ${(pull / 1000).toFixed(1)} s`,
      );

      const [counts] = await queryOf(server.conn.db)(
        `select count(*) as n, count(distinct seq) as seqs, min(seq) as lo, max(seq) as hi from sync_mutations
       where client_id = '${d.clientId}' and status = 'applied'`,
      );
      expect([counts!.n, counts!.seqs, counts!.lo, counts!.hi].map(Number)).toEqual([QUEUED, QUEUED, 1, QUEUED]);
      const ledger = await server.conn.db
        .selectFrom('stock_reservations')
        .select((eb) => [
          eb.fn.countAll<number>().as('rows'),
          eb.fn.count<number>('demand_id').distinct().as('demands'),
        ])
        .where('item_id', '=', s.item)
        .executeTakeFirstOrThrow();
      expect([Number(ledger.rows), Number(ledger.demands)]).toEqual([QUEUED, QUEUED]);
      expect(await balanceOn(server.conn.db, s)).toEqual({ available: QUEUED, reserved: QUEUED });
      expect(await issuesOf(d)).toEqual([]);
      await expectEqualToServer(d, server);
    }, 600_000);
  });
