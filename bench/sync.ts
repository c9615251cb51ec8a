import { spawn, spawnSync, type ChildProcessWithoutNullStreams } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { mkdirSync, mkdtempSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { loadavg, tmpdir, userInfo } from 'node:os';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import Database from 'better-sqlite3';
import { sql, type Kysely } from 'kysely';
import pg from 'pg';
import type { CommandContext } from '../commands/define.ts';
import { findCommand } from '../commands/registry.ts';
import { argsFromInput, commandArgs, runCommand, runInTransaction } from '../commands/runner.ts';
import { openPostgres, openSqlite, type OpenedDb } from '../db/connect.ts';
import { migrateToLatest } from '../db/migrate.ts';
import type { DB } from '../db/schema.ts';
import { seedDatabase, todayUtc, type SeedSize } from '../db/seed/seed.ts';
import { SYNCED_TABLES } from '../db/sync.tables.ts';
import { testDatabaseUrl } from '../db/testing/backends.ts';
import { HttpTransport } from '../sync/client/transport.ts';
import type { PullResponse } from '../sync/protocol/index.ts';
import { createSyncServer } from '../sync/server/app.ts';
import { saveUser } from '../sync/server/users.ts';
import { openTestDesktop, PASSWORD, startTestServer, type TestDesktop } from '../sync/testing/harness.ts';
import { pouchReplication } from './pouchdb.ts';
import { mixInput, TimedTransport } from './sync-child.ts';
import { machineFacts, summarize } from './stats.ts';

/**
 * Sync benchmarks (S1–S4, S6 of ../shared/docs/performance.md): a real sync server (fastify on
 * 127.0.0.1, PostgreSQL at 127.0.0.1:5432 in a schema of its own, or embedded PGlite) and real
 * desktops (SQLite files, the command layer, the sync engine over HTTP). Each figure goes with a
 * reference measured in the same run: the same work without sync (S1: the commands run straight
 * on the server database; S2: a raw select of the same rows and a raw SQLite insert of them) or
 * a peer doing the same job (S6: PouchDB replicating through a PouchDB server).
 */

type Row = Record<string, unknown>;
const ms = (n: number) => Math.round(n);
const ratio = (a: number, b: number) => Math.round((a / b) * 100) / 100;
const sleep = (n: number) => new Promise((r) => setTimeout(r, n));
const load = () => loadavg().map((x) => Math.round(x * 100) / 100);
const CHILD = join(import.meta.dirname, 'sync-child.ts');

const ADMIN: CommandContext['actor'] = { userId: null, name: 'admin', roles: ['administrator'] };

/** Runs a command on a server database as an administrator's setup (or the S1 reference). */
async function serverRun(db: Kysely<DB>, name: string, input: unknown): Promise<Row> {
  const def = findCommand(name);
  if (!def) throw new Error(`no command ${name}`);
  const args = await argsFromInput(db, def, input, { device: 'SRV' });
  const { result } = await runCommand(
    db,
    def,
    args,
    { actor: ADMIN, now: new Date().toISOString(), origin: 'server' },
    {
      outbox: false,
    },
  );
  if (!result.ok) throw new Error(`${name} failed: ${JSON.stringify(result.error)}`);
  return result.data as Row;
}

async function must(p: Promise<{ ok: boolean; data?: unknown; error?: unknown }>): Promise<Row> {
  const r = await p;
  if (!r.ok) throw new Error(`expected ok, got ${JSON.stringify(r)}`);
  return r.data as Row;
}

/** A raw pg client (the user defaults as in db/connect.ts: libpq's rule, not $USER only). */
/**
 * The benchmarks run in a PostgreSQL database of their own (created and dropped by the run):
 * LISTEN/NOTIFY is per database, and the test database is shared with other suites' schemas,
 * whose feed notifications would otherwise reach this run's server (see S3 in the results doc).
 */
let benchUrl = testDatabaseUrl();

function pgClient(schema?: string, base = benchUrl): pg.Client {
  const url = new URL(base);
  if (url.username === '') url.username = process.env.PGUSER ?? process.env.USER ?? userInfo().username;
  return new pg.Client({
    connectionString: url.toString(),
    ...(schema ? { options: `-c search_path=${schema}` } : {}),
  });
}

/** A PostgreSQL schema of its own on the test server, migrated for the sync server. */
async function pgSchema(): Promise<{ conn: OpenedDb; schema: string; drop(): Promise<void> }> {
  const schema = `bench_${randomUUID().replaceAll('-', '').slice(0, 16)}`;
  const conn = await openPostgres(benchUrl, { schema });
  await migrateToLatest(conn.db, 'server');
  return {
    conn,
    schema,
    async drop() {
      await sql`drop schema if exists ${sql.id(schema)} cascade`.execute(conn.db);
      await conn.close();
    },
  };
}

/** Spawns a child of bench/sync-child.ts; `lines` yields its JSON output lines. */
function child(mode: string, args: unknown): { proc: ChildProcessWithoutNullStreams; lines: AsyncIterator<Row> } {
  const proc = spawn(process.execPath, ['--import', 'tsx', CHILD, mode, JSON.stringify(args)], {
    stdio: ['pipe', 'pipe', 'pipe'],
  });
  let stderr = '';
  proc.stderr.on('data', (c: Buffer) => {
    stderr += c.toString();
    if (stderr.length > 20_000) stderr = stderr.slice(-10_000);
    // A server's errors are shown as they happen (its process outlives the benchmark step).
    if (mode === 'server') process.stderr.write(c);
  });
  const rl = createInterface({ input: proc.stdout });
  const it = rl[Symbol.asyncIterator]();
  const lines: AsyncIterator<Row> = {
    async next() {
      for (;;) {
        const n = await it.next();
        if (n.done) {
          if (proc.exitCode !== null && proc.exitCode !== 0)
            throw new Error(`${mode} child exited ${proc.exitCode}: ${stderr.slice(-4000)}`);
          return { done: true, value: undefined };
        }
        if (n.value.startsWith('{')) return { done: false, value: JSON.parse(n.value) as Row };
      }
    },
  };
  proc.on('exit', (code, signal) => {
    if (code !== 0 && signal === null) rl.close();
  });
  return { proc, lines };
}

async function nextLine(lines: AsyncIterator<Row>, what: string): Promise<Row> {
  const n = await lines.next();
  if (n.done) throw new Error(`child ended before ${what}`);
  return n.value;
}

/** The sync server on PostgreSQL in child process(es) of its own. */
async function serverProcess(schema: string, processes: number): Promise<{ url: string; close(): Promise<void> }> {
  const { proc, lines } = child('server', { databaseUrl: benchUrl, schema, processes });
  const first = await nextLine(lines, 'the server listened');
  return {
    url: String(first.url),
    close: () =>
      new Promise<void>((resolve) => {
        if (proc.exitCode !== null) return resolve();
        proc.on('exit', () => resolve());
        proc.kill('SIGTERM');
      }),
  };
}

const user = (db: Kysely<DB>, username: string) =>
  saveUser(db, { username, displayName: username, password: PASSWORD, roles: ['administrator'], scopes: [] });

/** A warehouse, items with plenty of stock, and a customer on the server. */
async function baseData(db: Kysely<DB>, items: number) {
  const warehouseId = String((await serverRun(db, 'createWarehouse', { code: 'WH-SH', name: '上海仓' })).id);
  const itemIds: string[] = [];
  for (let i = 0; i < items; i += 1) {
    const id = String(
      (await serverRun(db, 'createItem', { sku: `SKU-${i}`, name: `商品${i}`, baseUom: 'EA', productGroup: 'parts' }))
        .id,
    );
    await serverRun(db, 'receiveStock', { itemId: id, warehouseId, quantity: 1_000_000 });
    itemIds.push(id);
  }
  const customerId = String(
    (
      await serverRun(db, 'createCustomer', {
        code: 'C-KEY',
        name: '大客户',
        grade: 'A',
        creditLimitMinor: 1_000_000_000_000,
        currency: 'CNY',
      })
    ).id,
  );
  return { warehouseId, itemIds, customerId };
}

const idsFor = (base: Awaited<ReturnType<typeof baseData>>, i: number) => ({
  itemId: base.itemIds[i % base.itemIds.length] as string,
  warehouseId: base.warehouseId,
  customerId: base.customerId,
});

/** Pushes and pulls until the desktop has no command left unanswered; returns the rounds. */
async function syncUntilConfirmed(d: TestDesktop, limit = 1000): Promise<number> {
  for (let round = 1; round <= limit; round += 1) {
    await d.engine.syncOnce();
    if ((await d.engine.currentStatus()).pending === 0) return round;
  }
  throw new Error(`outbox still not empty after ${limit} rounds`);
}

async function countRows(db: Kysely<DB>): Promise<Record<string, number>> {
  const out: Record<string, number> = {};
  for (const t of SYNCED_TABLES) {
    const { rows } = await sql<{ n: number | string }>`select count(*) as n from ${sql.table(t.name)}`.execute(db);
    out[t.name] = Number(rows[0]?.n ?? 0);
  }
  return out;
}

const total = (counts: Record<string, number>) => Object.values(counts).reduce((a, b) => a + b, 0);

// ---------------------------------------------------------------------------------------------
// S1: 10,000 commands queued offline, then pushed and confirmed.

async function s1(backend: 'pglite' | 'postgres', n: number): Promise<Row> {
  // The harness opens PostgreSQL at OMS_TEST_DATABASE_URL: this run's own database.
  process.env.OMS_TEST_DATABASE_URL = benchUrl;
  const server = await startTestServer(backend);
  try {
    await server.createUser('clerk', ['administrator']);
    const base = await baseData(server.conn.db, 20);
    const loadBefore = load();

    // Reference: the same commands straight on the server database, one loop, no sync.
    let t = performance.now();
    for (let i = 0; i < n; i += 1) {
      const { name, input } = mixInput(i, 'R', idsFor(base, i));
      await serverRun(server.conn.db, name, input);
    }
    const referenceMs = performance.now() - t;
    // Second reference: the same commands 200 to a transaction (each behind a savepoint), as a
    // batch-per-transaction push would run them: what the per-command commit costs.
    t = performance.now();
    for (let from = 0; from < n; from += 200)
      await server.conn.db.transaction().execute(async (trx) => {
        for (let i = from; i < Math.min(n, from + 200); i += 1) {
          const { name, input } = mixInput(i, 'B', idsFor(base, i));
          const def = findCommand(name);
          if (!def) throw new Error(`no command ${name}`);
          const args = await argsFromInput(trx, def, input, { device: 'SRB' });
          const r = await runInTransaction(trx, def, commandArgs(def, args), {
            actor: ADMIN,
            now: new Date().toISOString(),
            origin: 'server',
          });
          if (!r.ok) throw new Error(`${name} failed: ${JSON.stringify(r.error)}`);
        }
      });
    const batchedMs = performance.now() - t;

    const calls = { push: { n: 0, ms: 0 }, pull: { n: 0, ms: 0 } };
    const transport = new TimedTransport(new HttpTransport(server.url, 120_000), (path, took) => {
      const c = path === '/sync/push' ? calls.push : path === '/sync/pull' ? calls.pull : null;
      if (c) {
        c.n += 1;
        c.ms += took;
      }
    });
    const d = await openTestDesktop(server.url, { engine: { transport } });
    try {
      await d.signIn('clerk');
      await d.engine.syncOnce();
      // Offline: the engine is not running; commands only queue in the outbox.
      t = performance.now();
      for (let i = 0; i < n; i += 1) {
        const { name, input } = mixInput(i, 'D', idsFor(base, i));
        await must(d.run(name, input));
      }
      const queueMs = performance.now() - t;
      const queued = (await d.engine.currentStatus()).pending;
      calls.push = { n: 0, ms: 0 };
      calls.pull = { n: 0, ms: 0 };
      t = performance.now();
      const rounds = await syncUntilConfirmed(d);
      const syncMs = performance.now() - t;
      const { rows } = await sql<{ status: string; n: number | string }>`
        select status, count(*) as n from sync_mutations where client_id = ${d.clientId} group by status`.execute(
        server.conn.db,
      );
      const issues = (await d.db.selectFrom('sync_issues').select('seq').execute()).length;
      const r = {
        backend,
        commands: n,
        mix: 'createCustomer / reserveStock (1 line) / createOrder (draft, 3 lines), in turn',
        queued,
        queueMs: ms(queueMs),
        syncMs: ms(syncMs),
        commandsPerSecond: Math.round(n / (syncMs / 1000)),
        rounds,
        push: { requests: calls.push.n, ms: ms(calls.push.ms) },
        pull: { requests: calls.pull.n, ms: ms(calls.pull.ms) },
        desktopMs: ms(syncMs - calls.push.ms - calls.pull.ms),
        serverResults: Object.fromEntries(rows.map((x) => [x.status, Number(x.n)])),
        syncIssues: issues,
        reference: { what: 'the same commands run on the server database in one loop', ms: ms(referenceMs) },
        ratio: ratio(syncMs, referenceMs),
        referenceBatched: {
          what: 'the same commands on the server database, 200 per transaction (savepoint each)',
          ms: ms(batchedMs),
        },
        loadBefore,
        loadAfter: load(),
      };
      return r;
    } finally {
      await d.close();
    }
  } finally {
    await server.close();
  }
}

// ---------------------------------------------------------------------------------------------
// S2: initial sync of 100,000 orders to a new desktop, and its resume after a kill -9.

const toSqlite = (v: unknown): unknown =>
  typeof v === 'boolean'
    ? v
      ? 1
      : 0
    : v instanceof Date
      ? v.toISOString()
      : v !== null && typeof v === 'object'
        ? JSON.stringify(v)
        : v;

/** Raw reference: every synced row selected from PostgreSQL and inserted into a fresh desktop file. */
async function rawCopy(schema: string, dir: string): Promise<Row> {
  const file = join(dir, 'raw.sqlite');
  const desk = openSqlite(file);
  await migrateToLatest(desk.db, 'desktop');
  await desk.close();
  const client = pgClient(schema);
  await client.connect();
  const lite = new Database(file);
  lite.pragma('journal_mode = WAL');
  lite.pragma('synchronous = NORMAL');
  let selectMs = 0;
  let insertMs = 0;
  let rows = 0;
  try {
    for (const table of SYNCED_TABLES) {
      const local = (lite.prepare(`select name from pragma_table_info(?)`).all(table.name) as { name: string }[]).map(
        (c) => c.name,
      );
      let t = performance.now();
      const res = await client.query({
        text: `select * from ${table.name} order by ${table.pk.join(', ')}`,
        rowMode: 'array',
      });
      selectMs += performance.now() - t;
      const cols = res.fields
        .map((f, i) => ({ name: f.name, i }))
        .filter((c) => local.includes(c.name) && !table.omit?.includes(c.name));
      t = performance.now();
      const insert = lite.prepare(
        `insert or replace into ${table.name} (${cols.map((c) => `"${c.name}"`).join(', ')}) values (${cols.map(() => '?').join(', ')})`,
      );
      lite.transaction(() => {
        for (const r of res.rows as unknown[][]) insert.run(cols.map((c) => toSqlite(r[c.i])));
      })();
      insertMs += performance.now() - t;
      rows += res.rows.length;
    }
  } finally {
    await client.end();
    lite.close();
  }
  return { rows, selectMs: ms(selectMs), insertMs: ms(insertMs), ms: ms(selectMs + insertMs) };
}

async function s2(orders: number, killAfterPages: number): Promise<Row> {
  const pgs = await pgSchema();
  const dir = mkdtempSync(join(tmpdir(), 'oms-bench-s2-'));
  try {
    const size: SeedSize = {
      items: 1000,
      customers: 2000,
      suppliers: 100,
      warehouses: 20,
      locationsPerWarehouse: 10,
      seed: 7,
      asOf: todayUtc(),
      ledgerDays: 365,
      ledgerDensity: 0.05,
      orders,
      ordersInWorker: orders >= 100_000,
    };
    // Seeded before the server starts, so before the capture triggers exist: the snapshot reads tables.
    let t = performance.now();
    const seeded = await seedDatabase(pgs.conn.db, size);
    const seedMs = performance.now() - t;
    await sql`analyze`.execute(pgs.conn.db);

    const srv = await createSyncServer({ conn: pgs.conn });
    const url = await srv.app.listen({ host: '127.0.0.1', port: 0 });
    await user(pgs.conn.db, 'clerk');
    const serverRows = await countRows(pgs.conn.db);
    console.log('S2 seeded', JSON.stringify({ seedMs: ms(seedMs), rows: total(serverRows) }));
    try {
      const reference = await rawCopy(pgs.schema, dir);
      console.log('S2 reference', JSON.stringify(reference));

      // A clean initial sync, page by page.
      const pages: { ms: number; rows: number; table: string; at: number }[] = [];
      const transport = new TimedTransport(new HttpTransport(url, 300_000), (path, took, _b, result, at) => {
        if (path !== '/sync/pull') return;
        const r = result as PullResponse;
        const rows = r.kind === 'resync-required' ? 0 : r.changes.length;
        const table = r.kind === 'resync-required' ? '' : (r.changes[0]?.table ?? '');
        pages.push({ ms: took, rows, table, at });
      });
      mkdirSync(join(dir, 'fresh'));
      const fresh = await openTestDesktop(url, { dir: join(dir, 'fresh'), engine: { transport } });
      let syncMs = 0;
      let desktopRows: Record<string, number> = {};
      let file = 0;
      try {
        await fresh.signIn('clerk');
        t = performance.now();
        await fresh.engine.pullAll();
        syncMs = performance.now() - t;
        desktopRows = await countRows(fresh.db);
        file = statSync(join(dir, 'fresh', 'oms.sqlite')).size;
      } finally {
        await fresh.close({ keepFiles: true });
      }
      const mismatched = Object.keys(serverRows).filter((k) => serverRows[k] !== desktopRows[k]);
      // Time by the table a page starts in (a page may run on into the next tables): from its
      // request to the next page's request, the apply included.
      const byTable: Record<string, { pages: number; rows: number; ms: number }> = {};
      for (const [i, p] of pages.entries()) {
        const end = pages[i + 1]?.at ?? t + syncMs;
        const e = (byTable[p.table || '(end)'] ??= { pages: 0, rows: 0, ms: 0 });
        e.pages += 1;
        e.rows += p.rows;
        e.ms += end - p.at;
      }
      for (const e of Object.values(byTable)) e.ms = ms(e.ms);
      const requestMs = pages.reduce((a, p) => a + p.ms, 0);
      const clean = {
        ms: ms(syncMs),
        rows: total(desktopRows),
        rowsPerSecond: Math.round(total(desktopRows) / (syncMs / 1000)),
        pages: pages.length,
        requestMs: ms(requestMs),
        applyMs: ms(syncMs - requestMs),
        sqliteFileMb: Math.round(file / 2 ** 20),
        equalToServer: mismatched.length === 0,
        mismatched,
        byTable,
      };
      console.log('S2 clean', JSON.stringify(clean));

      // Resume: a desktop process killed (-9) after `killAfterPages` pages, reopened, resumed.
      const resumeDir = join(dir, 'resume');
      mkdirSync(resumeDir);
      const { proc, lines } = child('initial', { url, dir: resumeDir, username: 'clerk' });
      let seen = 0;
      t = performance.now();
      for (;;) {
        const line = await nextLine(lines, `page ${killAfterPages}`);
        if (typeof line.page === 'number') seen = line.page;
        if (seen >= killAfterPages) break;
      }
      proc.kill('SIGKILL');
      await new Promise((r) => proc.once('exit', r));
      const beforeKillMs = performance.now() - t;
      let resumedPages = 0;
      let resumedRows = 0;
      const counting = new TimedTransport(new HttpTransport(url, 300_000), (path, _took, _b, result) => {
        if (path !== '/sync/pull') return;
        resumedPages += 1;
        const r = result as PullResponse;
        if (r.kind !== 'resync-required') resumedRows += r.changes.length;
      });
      const reopened = await openTestDesktop(url, { dir: resumeDir, engine: { transport: counting } });
      let resumeMs = 0;
      let resumedCounts: Record<string, number> = {};
      let snapshotAtReopen: string | null = null;
      try {
        snapshotAtReopen =
          (await reopened.db.selectFrom('sync_state').select('value').where('key', '=', 'snapshot').executeTakeFirst())
            ?.value ?? null;
        t = performance.now();
        await reopened.engine.pullAll();
        resumeMs = performance.now() - t;
        resumedCounts = await countRows(reopened.db);
      } finally {
        await reopened.close();
      }
      const resumeMismatch = Object.keys(serverRows).filter((k) => serverRows[k] !== resumedCounts[k]);
      const resume = {
        killedAfterPages: seen,
        killedAfterMs: ms(beforeKillMs),
        snapshotPositionAtReopen: snapshotAtReopen ? (JSON.parse(snapshotAtReopen) as unknown) : null,
        pagesAfterReopen: resumedPages,
        rowsAfterReopen: resumedRows,
        pagesNotDownloadedAgain: pages.length - resumedPages,
        resumeMs: ms(resumeMs),
        equalToServer: resumeMismatch.length === 0,
        mismatched: resumeMismatch,
      };
      console.log('S2 resume', JSON.stringify(resume));
      return {
        orders,
        size,
        seed: { ms: ms(seedMs), orders: seeded.orders?.orders, lines: seeded.orders?.lines },
        serverRows,
        serverRowsTotal: total(serverRows),
        clean,
        reference: {
          what: 'select * of every synced table (pg, array rows) + prepared inserts into a fresh desktop file',
          ...reference,
        },
        ratio: ratio(syncMs, Number(reference.ms)),
        resume,
      };
    } finally {
      await srv.close();
    }
  } finally {
    rmSync(dir, { recursive: true, force: true });
    await pgs.drop();
  }
}

// ---------------------------------------------------------------------------------------------
// S3: a change on one online desktop visible on another online desktop (live channel).

async function s3(samples: number): Promise<Row> {
  const pgs = await pgSchema();
  const srv = await serverProcess(pgs.schema, 1);
  const desktops: TestDesktop[] = [];
  try {
    await user(pgs.conn.db, 'alice');
    await user(pgs.conn.db, 'bob');
    const a = await openTestDesktop(srv.url, { engine: { live: true } });
    const b = await openTestDesktop(srv.url, { engine: { live: true } });
    desktops.push(a, b);
    await a.signIn('alice');
    await b.signIn('bob');
    await a.engine.syncOnce();
    await b.engine.syncOnce();
    a.engine.start();
    b.engine.start();
    await sleep(1000);
    // B's file read on a connection of its own (WAL: committed rows only), so polling never
    // queues behind B's engine on its connection.
    const reader = new Database(join(b.dir, 'oms.sqlite'), { readonly: true });
    const find = reader.prepare('select 1 from customers where id = ?');
    const latencies: number[] = [];
    try {
      for (let i = 0; i < samples; i += 1) {
        const t0 = performance.now();
        const data = await must(
          a.run('createCustomer', {
            code: `LIVE-${i}`,
            name: `实时客户${i}`,
            grade: 'C',
            creditLimitMinor: 0,
            currency: 'CNY',
          }),
        );
        a.engine.kick();
        const id = String(data.id);
        for (;;) {
          if (find.get(id)) break;
          if (performance.now() - t0 > 30_000) throw new Error(`S3: customer ${id} never reached desktop B`);
          await sleep(1);
        }
        latencies.push(performance.now() - t0);
        await sleep(100 + (i % 5) * 20);
      }
    } finally {
      reader.close();
    }
    return {
      backend: 'postgres',
      server: 'one server process (child), LISTEN/NOTIFY + SSE',
      samples: latencies.length,
      latencyMs: summarize(latencies),
      what: 'command on desktop A (createCustomer) + kick → row present in desktop B file (polled every 1 ms)',
    };
  } finally {
    for (const d of desktops) await d.close();
    await srv.close();
    await pgs.drop();
  }
}

// ---------------------------------------------------------------------------------------------
// S4: 50 desktops pushing and pulling at once.

async function s4(desktops: number, hz: number, durationMs: number, processes: number, workers: number): Promise<Row> {
  const pgs = await pgSchema();
  const srv = await serverProcess(pgs.schema, processes);
  const kids: ReturnType<typeof child>[] = [];
  const dir = mkdtempSync(join(tmpdir(), 'oms-bench-s4-'));
  try {
    const base = await baseData(pgs.conn.db, desktops);
    const users = Array.from({ length: desktops }, (_, i) => `clerk${i}`);
    for (const u of users) await user(pgs.conn.db, u);
    for (let w = 0; w < workers; w += 1) {
      const mine = users.filter((_, i) => i % workers === w);
      const itemIds = base.itemIds.filter((_, i) => i % workers === w);
      kids.push(
        child('load', {
          url: srv.url,
          users: mine,
          hz,
          durationMs,
          drainMs: 60_000,
          warehouseId: base.warehouseId,
          customerId: base.customerId,
          itemIds,
          dir,
        }),
      );
    }
    for (const k of kids) await nextLine(k.lines, 'ready');
    const count = async () =>
      Number(
        (await sql<{ n: number | string }>`select count(*) as n from sync_mutations`.execute(pgs.conn.db)).rows[0]?.n ??
          0,
      );
    const before = await count();
    const loadBefore = load();
    for (const k of kids) k.proc.stdin.write('go\n');
    const t0 = performance.now();
    await sleep(durationMs);
    const inWindow = (await count()) - before;
    const windowMs = performance.now() - t0;
    const results: Row[] = [];
    for (const k of kids) results.push((await nextLine(k.lines, 'result')).result as Row);
    const drainedAll = performance.now() - t0;
    const after = await count();
    const merged = (key: 'push' | 'pull' | 'pushSize') =>
      results.flatMap((r) => (r.inWindow as Record<string, number[]>)[key] ?? []);
    const push = summarize(merged('push'));
    return {
      backend: 'postgres',
      serverProcesses: processes,
      loadProcesses: workers,
      desktops,
      offeredPerSecond: desktops * hz,
      windowMs: ms(windowMs),
      confirmedInWindow: inWindow,
      commandsPerSecond: Math.round(inWindow / (windowMs / 1000)),
      issued: results.reduce((a, r) => a + Number(r.issued), 0),
      // Commands the server had answered when the outboxes were empty or the drain gave up.
      serverMutationsAfterDrain: after - before,
      untilDrainedMs: ms(drainedAll),
      pendingAfterDrain: results.reduce((a, r) => a + Number(r.pendingAfterDrain), 0),
      syncIssues: results.map((r) => r.syncIssues),
      localErrors: results.reduce((a, r) => a + Number(r.localErrors), 0),
      pushMs: push,
      pushSize: summarize(merged('pushSize')),
      pullMs: summarize(merged('pull')),
      generatorLateMs: results.map((r) => r.late),
      loadBefore,
      loadAfter: load(),
    };
  } finally {
    for (const k of kids)
      if (k.proc.exitCode === null) {
        k.proc.kill('SIGKILL');
        await new Promise((r) => k.proc.once('exit', r));
      }
    rmSync(dir, { recursive: true, force: true });
    await srv.close();
    await pgs.drop();
  }
}

// ---------------------------------------------------------------------------------------------
// S6: the same 10,000 records, desktop → server → second desktop, ours vs PouchDB.

async function s6(n: number): Promise<Row> {
  const pgs = await pgSchema();
  const srv = await serverProcess(pgs.schema, 1);
  const dir = mkdtempSync(join(tmpdir(), 'oms-bench-s6-'));
  let ours: Row;
  let records: Row[] = [];
  try {
    await user(pgs.conn.db, 'alice');
    await user(pgs.conn.db, 'bob');
    const a = await openTestDesktop(srv.url);
    const b = await openTestDesktop(srv.url);
    try {
      await a.signIn('alice');
      await b.signIn('bob');
      await a.engine.syncOnce();
      await b.engine.syncOnce();
      let t = performance.now();
      for (let i = 0; i < n; i += 1)
        records.push(
          await must(
            a.run('createCustomer', {
              code: `C${String(i).padStart(6, '0')}`,
              name: `上海客户${i}`,
              grade: 'B',
              creditLimitMinor: 500_000,
              currency: 'CNY',
              contactName: '王伟',
              phone: '13800000000',
            }),
          ),
        );
      const createMs = performance.now() - t;
      t = performance.now();
      const rounds = await syncUntilConfirmed(a);
      const pushMs = performance.now() - t;
      t = performance.now();
      await b.engine.syncOnce();
      const pullMs = performance.now() - t;
      const onB = Number(
        (
          await b.db
            .selectFrom('customers')
            .select((eb) => eb.fn.countAll<number>().as('n'))
            .executeTakeFirstOrThrow()
        ).n,
      );
      ours = {
        records: n,
        createMs: ms(createMs),
        pushMs: ms(pushMs),
        pullMs: ms(pullMs),
        totalMs: ms(pushMs + pullMs),
        rounds,
        customersOnSecondDesktop: onB,
      };
    } finally {
      await a.close();
      await b.close();
    }
  } finally {
    await srv.close();
    await pgs.drop();
  }
  try {
    // The same records (the rows our desktop created) through PouchDB.
    records = records.map((r) => ({ ...r }));
    const pouch = await pouchReplication(records, join(dir, 'default'));
    const pouchBig = await pouchReplication(records, join(dir, 'batch1000'), { batchSize: 1000 });
    return {
      ours: { backend: 'postgres', server: 'one server process (child)', ...ours },
      pouchdb: pouch,
      pouchdbBatch1000: pouchBig,
      speedup: ratio(pouch.totalMs, Number(ours.totalMs)),
      speedupVsBatch1000: ratio(pouchBig.totalMs, Number(ours.totalMs)),
    };
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

// ---------------------------------------------------------------------------------------------

export async function runSync(quick: boolean, only?: readonly string[]): Promise<string> {
  const selected = (id: string) => !only || only.length === 0 || only.includes(id);
  const scale = {
    s1Commands: quick ? 600 : 10_000,
    s2Orders: quick ? 3000 : 100_000,
    s2KillAfterPages: quick ? 3 : 60,
    s3Samples: quick ? 30 : 150,
    s4Desktops: quick ? 10 : 50,
    // Offered load = desktops × hz commands per second; the last step is the target's 1,000/s.
    s4Runs: quick
      ? [{ processes: 2, hz: 5 }]
      : [
          { processes: 2, hz: 2 },
          { processes: 2, hz: 5 },
          { processes: 2, hz: 20 },
          { processes: 1, hz: 20 },
        ],
    s4DurationMs: quick ? 5000 : 20_000,
    s6Records: quick ? 1000 : 10_000,
  };
  const results: Row = {
    when: new Date().toISOString(),
    node: process.version,
    machine: machineFacts(),
    quick,
    only: only ?? null,
    scale,
    loadAverageBefore: load(),
  };
  mkdirSync(join(import.meta.dirname, 'results'), { recursive: true });
  const out = join(import.meta.dirname, 'results', `sync-${Date.now()}.json`);
  // Written after every step, so a failing step keeps the figures before it.
  const report = (key: string, value: unknown) => {
    results[key] = value;
    console.log(key, JSON.stringify(value));
    writeFileSync(out, JSON.stringify(results, null, 2));
  };
  const admin = pgClient(undefined, testDatabaseUrl());
  await admin.connect();
  const dbName = `oms_bench_${randomUUID().replaceAll('-', '').slice(0, 12)}`;
  await admin.query(`create database ${dbName}`);
  const url = new URL(testDatabaseUrl());
  url.pathname = `/${dbName}`;
  benchUrl = url.toString();
  const previousTestUrl = process.env.OMS_TEST_DATABASE_URL;
  const git = (args: string[]) => spawnSync('git', args, { cwd: import.meta.dirname, encoding: 'utf8' }).stdout.trim();
  results['code'] = {
    commit: git(['rev-parse', '--short', 'HEAD']) || 'unknown (not run in a git work tree)',
    dirty: git(['status', '--porcelain', '--untracked-files=no', '--', '../sync', '../db', '../commands'])
      .split('\n')
      .filter((l) => l !== ''),
  };
  try {
    const pgVersion = await (async () => {
      const c = pgClient();
      await c.connect();
      try {
        const v = await c.query<{ server_version: string }>('show server_version');
        const s = await c.query<{ name: string; setting: string }>(
          `select name, setting from pg_settings where name in ('synchronous_commit', 'fsync', 'shared_buffers', 'max_connections')`,
        );
        return {
          version: v.rows[0]?.server_version,
          settings: Object.fromEntries(s.rows.map((r) => [r.name, r.setting])),
        };
      } finally {
        await c.end();
      }
    })();
    report('postgres', pgVersion);

    if (selected('S1')) {
      report('S1_postgres', await s1('postgres', scale.s1Commands));
      report('S1_pglite', await s1('pglite', scale.s1Commands));
    }
    if (selected('S2')) report('S2_initial_sync', await s2(scale.s2Orders, scale.s2KillAfterPages));
    if (selected('S3')) report('S3_live', await s3(scale.s3Samples));
    if (selected('S4')) {
      const runs: Row[] = [];
      for (const { processes, hz } of scale.s4Runs) {
        const r = await s4(scale.s4Desktops, hz, scale.s4DurationMs, processes, 2);
        console.log('S4 run', JSON.stringify(r));
        runs.push(r);
      }
      report('S4_load', runs);
    }
    if (selected('S6')) report('S6_pouchdb', await s6(scale.s6Records));
  } catch (err) {
    // Printed before the database is dropped: dropping it ends idle pool connections, whose
    // error events would otherwise be what the run reports.
    console.error('sync benchmark failed:', err);
    throw err;
  } finally {
    if (previousTestUrl === undefined) delete process.env.OMS_TEST_DATABASE_URL;
    else process.env.OMS_TEST_DATABASE_URL = previousTestUrl;
    await admin.query(`drop database if exists ${dbName} with (force)`);
    await admin.end();
  }

  report('loadAverageAfter', load());
  console.log(`results: ${out}`);
  return out;
}
