import { randomUUID } from 'node:crypto';
import { userInfo } from 'node:os';
import { sql } from 'kysely';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { testDatabaseUrl } from '../../db/testing/backends.ts';
import { openTestDesktop, startTestServer, type TestDesktop, type TestServer } from '../../sync/testing/harness.ts';
import { feedHead } from '../../db/feed.queries.ts';
import { PROTOCOL_VERSION, type PullResponse } from '../../sync/protocol/index.ts';
import { expectEqualToServer, mutation, RawClient } from './faults.helpers.ts';

const WRITERS = 6;
const PER_WRITER = 30;
const PUSHERS = 2;
const PER_PUSHER = 15;

/**
 * The feed is gap-free under concurrent writers on PostgreSQL: several connections commit in
 * random order (each takes its transaction id at its first write and then waits a random time
 * before committing) while a reader lists the feed again and again and a desktop pulls. No
 * position may ever appear below one already seen; `change_log.id`, a plain auto-increment
 * assigned at the write, serves as the control that does commit out of order in the same run.
 */
describe('gap-free feed with concurrent writers on postgres', () => {
  let server: TestServer;
  let d: TestDesktop;
  const clients: pg.Client[] = [];

  beforeAll(async () => {
    server = await startTestServer('postgres');
    await server.createUser('ann', ['administrator']);
    const { rows } = await sql<{ s: string }>`select current_schema() as s`.execute(server.conn.db);
    for (let i = 0; i < WRITERS; i++) {
      const url = new URL(testDatabaseUrl());
      // As db/connect.ts does: libpq's default user when the URL and the environment name none.
      if (!url.username) url.username = process.env.PGUSER || process.env.USER || userInfo().username;
      const c = new pg.Client({ connectionString: url.toString(), options: `-c search_path=${rows[0]!.s}` });
      await c.connect();
      clients.push(c);
    }
    d = await openTestDesktop(server.url, { engine: { pageRows: 7 } });
    await d.signIn('ann');
    await d.engine.syncOnce();
  });
  afterAll(async () => {
    for (const c of clients) await c.end();
    await d?.close();
    await server?.close();
  });

  it('never shows a new position below one already seen, while transactions commit out of order', async () => {
    let running = true;
    const watch = (column: string, table: string) => {
      const seen = new Set<number>();
      let max = 0;
      const late: number[] = [];
      return {
        late,
        seen,
        async read() {
          const { rows } = await sql
            .raw<{ v: number | string }>(`select ${column} as v from ${table}`)
            .execute(server.conn.db);
          const fresh = rows.map((r) => Number(r.v)).filter((v) => !seen.has(v));
          for (const v of fresh) if (v < max) late.push(v);
          for (const v of fresh) seen.add(v);
          max = Math.max(max, ...fresh);
        },
      };
    };
    const feed = watch('seq', 'change_tx');
    const control = watch('id', 'change_log');
    let reads = 0;
    const reader = (async () => {
      while (running) {
        // One snapshot of both, so the control and the feed are judged on the same reads.
        await feed.read();
        await control.read();
        reads += 1;
      }
    })();
    const puller = (async () => {
      while (running) await d.engine.pullAll();
    })();
    // A second puller by hand, one small page per request, remembering every carrier it was sent.
    const raw = new RawClient(server.url);
    await raw.login('ann');
    let cursor = (await feedHead(server.conn.db)).last;
    const received = new Set<string>();
    let pulls = 0;
    const pullPage = async () => {
      const r = await raw.post<PullResponse>('/sync/pull', {
        protocol: PROTOCOL_VERSION,
        clientId: raw.clientId,
        cursor,
        limit: 5,
      });
      if (r.data.kind !== 'changes') throw new Error(`expected changes, got ${JSON.stringify(r.data)}`);
      for (const c of r.data.changes) if (c.table === 'carriers' && c.row) received.add(String(c.row.code));
      cursor = r.data.cursor;
      pulls += 1;
      return r.data.more;
    };
    const handPuller = (async () => {
      while (running) await pullPage();
    })();

    const writers = clients.map(async (c, w) => {
      for (let i = 0; i < PER_WRITER; i++) {
        await c.query('begin');
        const now = new Date().toISOString();
        await c.query('insert into carriers (id, code, name, created_at, updated_at) values ($1, $2, $3, $4, $4)', [
          randomUUID(),
          `CR-${w}-${i}`,
          `承运 ${w}-${i}`,
          now,
        ]);
        await c.query('select pg_sleep($1)', [Math.random() * 0.03]);
        await c.query('commit');
      }
    });
    const pushers = Array.from({ length: PUSHERS }, async (_, p) => {
      const raw = new RawClient(server.url);
      await raw.login('ann');
      for (let i = 1; i <= PER_PUSHER; i++) {
        const m = await mutation(server.conn.db, i, 'createCarrier', { code: `CR-P${p}-${i}`, name: `推送 ${p}-${i}` });
        const r = await raw.push([m]);
        expect(r.data.results[0]?.status).toBe('applied');
      }
    });
    try {
      await Promise.all([...writers, ...pushers]);
    } finally {
      running = false;
      await reader;
      await puller;
      await handPuller;
    }
    while (await pullPage());
    await feed.read();
    await control.read();
    await d.engine.pullAll();

    const total = WRITERS * PER_WRITER + PUSHERS * PER_PUSHER;
    expect(reads).toBeGreaterThan(20);
    expect(pulls).toBeGreaterThan(20);
    // The writers did commit out of order: the auto-increment shows late arrivals below its max...
    expect(control.late.length, 'commits out of order (control)').toBeGreaterThan(0);
    // ...and the feed never does, and stays dense.
    expect(feed.late).toEqual([]);
    const seqs = [...feed.seen].sort((a, b) => a - b);
    expect(seqs).toEqual(Array.from({ length: seqs.length }, (_, i) => i + 1));
    expect(
      Number(
        (await sql<{ n: string }>`select count(*) as n from carriers where code like 'CR-%'`.execute(server.conn.db))
          .rows[0]!.n,
      ),
    ).toBe(total);
    // The pullers that pulled all along missed nothing.
    const { rows: codes } = await sql<{ code: string }>`select code from carriers where code like 'CR-%'`.execute(
      server.conn.db,
    );
    expect([...received].sort()).toEqual(codes.map((r) => r.code).sort());
    await expectEqualToServer(d, server);
  });
});
