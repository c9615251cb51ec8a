import { copyFileSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { sql, type Kysely } from 'kysely';
import fc from 'fast-check';
import { AppError } from '../../core/errors.ts';
import type { CommandContext } from '../../commands/define.ts';
import { findCommand } from '../../commands/registry.ts';
import { argsFromInput, deviceTagOf, runCommand } from '../../commands/runner.ts';
import { compactFeed, feedHead } from '../../db/feed.queries.ts';
import { balanceDifferences } from '../../db/inventory.queries.ts';
import { openSqlite } from '../../db/connect.ts';
import { migrateToLatest } from '../../db/migrate.ts';
import type { DB } from '../../db/schema.ts';
import { SYNCED_TABLES } from '../../db/sync.tables.ts';
import { HttpTransport, Unreachable, type Transport } from '../client/transport.ts';
import { openTestDesktop, startTestServer, type TestDesktop, type TestServer } from './harness.ts';

/*
 * The randomized sync simulation (S5): several real desktops (SQLite files, the sync engine over
 * real HTTP) against one real server, random commands on each, and random faults in between:
 * partitions (a desktop offline for some steps), lost requests and lost responses (the server
 * applied, the desktop never heard), requests abandoned by a timeout while the server still
 * works on them, restarts (closed and reopened from its folder, sometimes killed mid-sync),
 * duplicate deliveries (an old push body sent again by raw HTTP, sometimes racing the engine),
 * clock skew (hours to a year either way), feed compaction (desktops must resync) and writes
 * made on the server directly. At the end every partition heals and every desktop syncs until
 * quiet; then the run is judged (see `judge`):
 *   lost       a command a desktop accepted is neither applied on the server with its effect
 *              present nor a sync issue with a reason on that desktop;
 *   duplicated a command's mutation or its ledger rows exist more than once on the server;
 *   oversold   a server bucket reserves more than it holds, a status is negative, the balances
 *              differ from a rebuild from the ledgers, or a demand line holds more than it asked;
 *   diverged   a desktop differs from the server on a synced table;
 *   phantom    the server applied something no desktop accepted, or a refused command left an
 *              effect, or a duplicate delivery answered something other than the stored result;
 *   wedged     the desktops do not get quiet (empty outbox, cursor at the feed head).
 * Used by test/sync/sync.property.test.ts and bench/syncFaults.ts.
 */

// ---------- the plan (generated blind, resolved against each desktop's local state) ----------
export type Cmd =
  | { c: 'receive'; item: number; wh: number; qty: number; lot: number }
  | { c: 'reserve'; demand: number; lines: Array<{ item: number; wh: number; qty: number }> }
  | { c: 'release'; pick: number; part: boolean }
  | { c: 'create'; customer: number; wh: number; lines: Array<{ item: number; qty: number }>; submit: boolean }
  | { c: 'submit'; pick: number; expected: boolean }
  | { c: 'cancel'; pick: number; expected: boolean };

export type FaultPath = 'push' | 'pull' | 'refresh';
/**
 * request: lost on the way; response: the server did it, the answer is lost; abandon: the desktop
 * times out while the server still works on it; race: another writer commits on the server just
 * before the call arrives (between two pages of a download, say).
 */
export type FaultMode = 'request' | 'response' | 'abandon' | 'race';

export type Step =
  | { s: 'cmd'; desk: number; cmd: Cmd }
  /** These desktops sync at the same time (one round each). */
  | { s: 'sync'; desks: number[] }
  /** A sync round in the background while the clerk keeps working on the same desktop. */
  | { s: 'bg'; desk: number; cmds: Cmd[] }
  | { s: 'offline'; desk: number }
  | { s: 'online'; desk: number }
  /**
   * The desktop's call on `path` after `skip` more such calls fails this way; a race instead
   * goes on for `skip` more calls (a server busy with other writers all through a download).
   */
  | { s: 'fault'; desk: number; path: FaultPath; mode: FaultMode; skip: number }
  /** Closed and reopened from its folder; `killMs` set: closed that long into a sync round. */
  | { s: 'restart'; desk: number; killMs: number | null }
  /** An earlier push body of this desktop delivered again by raw HTTP. */
  | { s: 'dup'; desk: number; pick: number; concurrent: boolean }
  | { s: 'skew'; desk: number; ms: number }
  /** An administrator works on the server directly: receives stock, or enters and submits an order. */
  | { s: 'server'; item: number; wh: number; qty: number; lot: number; order: boolean }
  /** The server forgets its feed up to the head: desktops behind it must resync. */
  | { s: 'compact' };

export interface Plan {
  desktops: number;
  /** Pull page size (small: multi-page snapshots and feed pages); null: the engine's default. */
  pageRows: number | null;
  batchSize: number;
  skews: number[];
  steps: Step[];
}

export const MAX_DESKTOPS = 4;
const HOUR = 3_600_000;
const DAY = 24 * HOUR;
export const SKEWS = [0, HOUR, -HOUR, 2 * DAY, -2 * DAY, 365 * DAY, -365 * DAY];
const ITEMS = [
  { sku: 'CABLE', name: '数据线', lotTracked: false },
  { sku: 'GADGET', name: '小工具', lotTracked: false },
  { sku: 'MILK', name: '牛奶', lotTracked: true },
] as const;
/** MILK lots: [lot, days from today to expiry]: one expires tomorrow, one next year. */
const LOTS = [
  ['L-SOON', 1],
  ['L-LATE', 400],
  ['L-MID', 30],
] as const;
const WAREHOUSES = ['W-SH', 'W-BJ'] as const;
const CUSTOMERS = [
  { code: 'C-A', name: '好客户', grade: 'A', creditLimitMinor: 100_000_000 },
  { code: 'C-B', name: '小客户', grade: 'B', creditLimitMinor: 5_000 },
  { code: 'C-C', name: '普通客户', grade: 'C', creditLimitMinor: 100_000_000 },
] as const;
const USERS = ['alice', 'bob', 'chen'] as const;

const deskArb = fc.nat(MAX_DESKTOPS - 1);
const itemArb = fc.nat(ITEMS.length - 1);
const whArb = fc.nat(WAREHOUSES.length - 1);
const lotArb = fc.nat(LOTS.length - 1);

export const cmdArb: fc.Arbitrary<Cmd> = fc.oneof(
  {
    weight: 2,
    arbitrary: fc.record({
      c: fc.constant('receive' as const),
      item: itemArb,
      wh: whArb,
      qty: fc.integer({ min: 1, max: 8 }),
      lot: lotArb,
    }),
  },
  {
    weight: 4,
    arbitrary: fc.record({
      c: fc.constant('reserve' as const),
      demand: fc.nat(4),
      lines: fc.array(fc.record({ item: itemArb, wh: whArb, qty: fc.integer({ min: 1, max: 6 }) }), {
        minLength: 1,
        maxLength: 2,
      }),
    }),
  },
  { weight: 2, arbitrary: fc.record({ c: fc.constant('release' as const), pick: fc.nat(20), part: fc.boolean() }) },
  {
    weight: 3,
    arbitrary: fc.record({
      c: fc.constant('create' as const),
      customer: fc.nat(CUSTOMERS.length - 1),
      wh: whArb,
      lines: fc.array(fc.record({ item: itemArb, qty: fc.integer({ min: 1, max: 6 }) }), {
        minLength: 1,
        maxLength: 2,
      }),
      submit: fc.boolean(),
    }),
  },
  { weight: 3, arbitrary: fc.record({ c: fc.constant('submit' as const), pick: fc.nat(20), expected: fc.boolean() }) },
  { weight: 2, arbitrary: fc.record({ c: fc.constant('cancel' as const), pick: fc.nat(20), expected: fc.boolean() }) },
);

export const stepArb: fc.Arbitrary<Step> = fc.oneof(
  { weight: 16, arbitrary: fc.record({ s: fc.constant('cmd' as const), desk: deskArb, cmd: cmdArb }) },
  {
    weight: 4,
    arbitrary: fc.record({
      s: fc.constant('sync' as const),
      desks: fc.uniqueArray(deskArb, { minLength: 1, maxLength: MAX_DESKTOPS }),
    }),
  },
  {
    weight: 2,
    arbitrary: fc.record({
      s: fc.constant('bg' as const),
      desk: deskArb,
      cmds: fc.array(cmdArb, { minLength: 1, maxLength: 3 }),
    }),
  },
  { weight: 4, arbitrary: fc.record({ s: fc.constant('offline' as const), desk: deskArb }) },
  { weight: 2, arbitrary: fc.record({ s: fc.constant('online' as const), desk: deskArb }) },
  {
    weight: 3,
    arbitrary: fc.record({
      s: fc.constant('fault' as const),
      desk: deskArb,
      path: fc.constantFrom<FaultPath>('push', 'push', 'pull', 'refresh'),
      mode: fc.constantFrom<FaultMode>('request', 'response', 'response', 'abandon', 'race'),
      skip: fc.constantFrom(0, 0, 0, 1, 2, 5, 9),
    }),
  },
  {
    weight: 2,
    arbitrary: fc.record({
      s: fc.constant('restart' as const),
      desk: deskArb,
      killMs: fc.option(fc.integer({ min: 0, max: 25 }), { nil: null }),
    }),
  },
  {
    weight: 2,
    arbitrary: fc.record({ s: fc.constant('dup' as const), desk: deskArb, pick: fc.nat(50), concurrent: fc.boolean() }),
  },
  {
    weight: 1,
    arbitrary: fc.record({ s: fc.constant('skew' as const), desk: deskArb, ms: fc.constantFrom(...SKEWS) }),
  },
  {
    weight: 1,
    arbitrary: fc.record({
      s: fc.constant('server' as const),
      item: itemArb,
      wh: whArb,
      qty: fc.integer({ min: 1, max: 8 }),
      lot: lotArb,
      order: fc.boolean(),
    }),
  },
  { weight: 2, arbitrary: fc.constant({ s: 'compact' as const }) },
);

export const planArb = (options: { minSteps?: number; maxSteps?: number } = {}): fc.Arbitrary<Plan> =>
  fc.record({
    desktops: fc.integer({ min: 2, max: MAX_DESKTOPS }),
    pageRows: fc.constantFrom<number | null>(null, null, 4, 25),
    batchSize: fc.constantFrom(200, 200, 3, 1),
    skews: fc.array(fc.constantFrom(...SKEWS), { minLength: MAX_DESKTOPS, maxLength: MAX_DESKTOPS }),
    steps: fc.array(stepArb, { minLength: options.minSteps ?? 8, maxLength: options.maxSteps ?? 40, size: 'max' }),
  });

// ---------- the server: started once, emptied between runs ----------
export interface SimServer {
  backend: 'pglite' | 'postgres';
  server: TestServer;
  /**
   * Where desktops send their sync calls, alternating: on PostgreSQL a second server process on
   * the same schema (the stateless tier behind a load balancer), on PGlite the one server.
   */
  urls: string[];
  second: TestServer | null;
  /** The master data every run works on (made once). */
  master: Master;
  /** Tables emptied between runs, children before parents (all but migrations, secrets, seeds, users, master data). */
  tables: string[];
  /** A migrated desktop database without a client id, copied for each new desktop. */
  template: string;
}

/** The feed: emptied and restarted at 0 by every reset (see resetSimServer). */
const FEED = new Set(['change_log', 'change_tx', 'feed_counter']);

/** Access tokens live this long, so they expire within runs and the 401 → refresh path is taken. */
export const ACCESS_TTL_SECONDS = 3;

export async function startSimServer(backend: 'pglite' | 'postgres'): Promise<SimServer> {
  const server = await startTestServer(backend, { accessTtlSeconds: ACCESS_TTL_SECONDS });
  for (const u of USERS) await server.createUser(u, ['administrator']);
  const db = server.conn.db;
  const master = await setupMaster(server);
  // A second server process on the same schema (PostgreSQL only).
  const second =
    backend === 'postgres'
      ? await startTestServer('postgres', { schema: server.schema, accessTtlSeconds: ACCESS_TTL_SECONDS })
      : null;
  const urls = [server.url, ...(second ? [second.url] : [])];
  const { rows } = await sql<{ t: string }>`
    select table_name as t from information_schema.tables
    where table_schema = current_schema() and table_type = 'BASE TABLE' order by 1`.execute(db);
  const { rows: refs } = await sql<{ child: string; parent: string }>`
    select c.conrelid::regclass::text as child, c.confrelid::regclass::text as parent
    from pg_constraint c join pg_namespace n on n.oid = c.connamespace
    where c.contype = 'f' and n.nspname = current_schema()`.execute(db);
  const bare = (name: string) => name.replace(/^.*\./, '').replaceAll('"', '');
  // What holds rows now is kept (migrations, seeds, secrets, users, master data); the rest and
  // the feed are emptied before every run.
  const filled = new Set<string>();
  for (const { t } of rows) {
    const { rows: any } = await sql<{ n: number }>`select 1 as n from ${sql.table(t)} limit 1`.execute(db);
    if (any.length > 0) filled.add(t);
  }
  const wanted = rows.map((r) => r.t).filter((t) => !FEED.has(t) && !filled.has(t));
  // Children first: a table goes once no remaining table references it.
  const tables: string[] = [];
  const left = new Set(wanted);
  while (left.size > 0) {
    const next = [...left].filter(
      (t) => !refs.some((r) => bare(r.parent) === t && bare(r.child) !== t && left.has(bare(r.child))),
    );
    if (next.length === 0) throw new Error(`foreign keys form a cycle among ${[...left].join(', ')}`);
    for (const t of next) {
      tables.push(t);
      left.delete(t);
    }
  }
  const dir = mkdtempSync(join(tmpdir(), 'oms-sim-template-'));
  const template = join(dir, 'oms.sqlite');
  const conn = openSqlite(template);
  await migrateToLatest(conn.db, 'desktop');
  await conn.close();
  const sim: SimServer = { backend, server, urls, second, master, tables, template };
  await resetSimServer(sim);
  return sim;
}

/**
 * Empties the server's data (feed, clients, documents, stock) in one transaction, keeping users
 * and seeded rows. The capture triggers log the deletes; the log is emptied before the commit, so
 * the feed seals nothing and starts again at 0.
 */
export async function resetSimServer(sim: SimServer): Promise<void> {
  await sim.server.conn.db.transaction().execute(async (trx) => {
    for (const t of sim.tables) await sql`delete from ${sql.table(t)}`.execute(trx);
    await sql`delete from change_log`.execute(trx);
    await sql`delete from change_tx`.execute(trx);
    await sql`update feed_counter set last_seq = 0, floor_seq = 0 where id = 1`.execute(trx);
  });
}

export async function stopSimServer(sim: SimServer): Promise<void> {
  await sim.second?.close();
  await sim.server.close();
  rmSync(dirname(sim.template), { recursive: true, force: true });
}

// ---------- the report ----------
export type ViolationKind = 'lost' | 'duplicated' | 'oversold' | 'diverged' | 'phantom' | 'wedged';
export interface Violation {
  kind: ViolationKind;
  detail: string;
}

export interface RunReport {
  /** Commands tried on desktops (resolved against local state). */
  commands: number;
  /** Accepted locally (an outbox row): the ones the judgement is about. */
  accepted: number;
  refusedLocally: number;
  applied: number;
  rejected: number;
  failed: number;
  /** Faults injected, by kind. */
  faults: Record<string, number>;
  /** Per command: tried, refused locally, applied, rejected/failed on the server (by error code). */
  byCommand: Record<string, Record<string, number>>;
  /** Errors that are no injected fault: server faults (5xx), refused rounds, local errors, dead letters. */
  unexpected: string[];
  /** Sign-ins a clerk had to repeat because the desktop lost its session. */
  signIns: number;
  rounds: number;
  violations: Violation[];
  ms: number;
}

export const emptyCounts = () => ({ lost: 0, duplicated: 0, oversold: 0, diverged: 0, phantom: 0, wedged: 0 });
export const countViolations = (vs: readonly Violation[]) => {
  const out = emptyCounts();
  for (const v of vs) out[v.kind] += 1;
  return out;
};

// ---------- desktops with a fault-injecting transport ----------
interface SentPush {
  body: unknown;
  token: string | undefined;
}

/** A failure this simulation injected (the engine sees an unreachable server). */
class Injected extends Unreachable {}

/** The real HTTP transport, with partitions and one-shot faults put in front of it. */
class FaultyTransport implements Transport {
  private calls = 0;
  private readonly servers: HttpTransport[];
  constructor(
    urls: readonly string[],
    private readonly desk: SimDesk,
    private readonly inflight: Set<Promise<unknown>>,
    private readonly race: () => Promise<void>,
    private readonly seen: (what: string) => void,
  ) {
    this.servers = urls.map((u) => new HttpTransport(u, 10_000));
  }

  /** The next server process in turn (a round-robin load balancer). */
  private get inner(): HttpTransport {
    this.calls += 1;
    return this.servers[this.calls % this.servers.length]!;
  }

  async post<T>(path: string, body: unknown, token?: string): Promise<T> {
    const d = this.desk;
    if (d.offline) throw new Injected('partitioned');
    if (token) d.token = token;
    if (path === '/sync/push') d.pushes.push({ body: structuredClone(body), token });
    if (path === '/sync/pull' && (body as { cursor: unknown }).cursor === null) this.seen('snapshot-page');
    const kind: FaultPath | null =
      path === '/sync/push' ? 'push' : path === '/sync/pull' ? 'pull' : path === '/auth/refresh' ? 'refresh' : null;
    const at = d.armed.findIndex((f) => f.path === kind);
    if (at < 0) return this.inner.post<T>(path, body, token);
    const armed = d.armed[at]!;
    if (armed.mode === 'race') {
      if (armed.skip > 0) armed.skip -= 1;
      else d.armed.splice(at, 1);
      await this.race();
      return this.inner.post<T>(path, body, token);
    }
    if (armed.skip > 0) {
      armed.skip -= 1;
      return this.inner.post<T>(path, body, token);
    }
    const [fault] = d.armed.splice(at, 1);
    if (fault!.mode === 'request') throw new Injected(`lost request ${path}`);
    if (fault!.mode === 'response') {
      await this.inner.post(path, body, token).catch(() => undefined);
      throw new Injected(`lost response ${path}`);
    }
    // Timed out on the desktop; the server goes on with it.
    const p = this.inner.post(path, body, token).catch(() => undefined);
    this.inflight.add(p);
    void p.finally(() => this.inflight.delete(p));
    throw new Injected(`timed out ${path}`);
  }

  live(): Promise<void> {
    return Promise.resolve();
  }
}

interface SimDesk {
  index: number;
  user: string;
  t: TestDesktop;
  dir: string;
  skew: number;
  offline: boolean;
  armed: Array<{ path: FaultPath; mode: FaultMode; skip: number }>;
  pushes: SentPush[];
  /** The access token of its latest call. */
  token: string | undefined;
  /** How its latest sync round ended. */
  lastSync: string;
  actor: CommandContext['actor'];
}

interface Accepted {
  desk: number;
  clientId: string;
  seq: number;
  mutationId: string;
  command: string;
  args: Record<string, unknown>;
}

interface Master {
  items: string[];
  warehouses: string[];
  customers: string[];
}

interface RunState {
  sim: SimServer;
  plan: Plan;
  master: Master;
  desks: SimDesk[];
  accepted: Accepted[];
  inflight: Set<Promise<unknown>>;
  report: RunReport;
  dupAnswers: Array<{ clientId: string; seq: number; status: string }>;
  violations: Violation[];
  trace: (line: string) => void;
  setupDone: boolean;
}

/** What a run leaves for inspection before it is judged (a test tampers with it to see the judge fail). */
export interface SimWorld {
  server: TestServer;
  desktops: TestDesktop[];
  /** Commands the desktops accepted: where, outbox seq, mutation id, name and args. */
  accepted: ReadonlyArray<Readonly<Accepted>>;
}

export interface RunOptions {
  /** Every step and its outcome, for reproducing a failure. */
  trace?: (line: string) => void;
  beforeJudge?: (world: SimWorld) => Promise<void>;
}

const nowOf = (d: SimDesk) => new Date(Date.now() + d.skew).toISOString();
const isoDay = (offsetDays: number) => new Date(Date.now() + offsetDays * DAY).toISOString().slice(0, 10);
const bump = (r: RunReport, key: string) => {
  r.faults[key] = (r.faults[key] ?? 0) + 1;
};
const tally = (r: RunReport, command: string, key: string) => {
  const c = (r.byCommand[command] ??= {});
  c[key] = (c[key] ?? 0) + 1;
};

/** Opens (or reopens, from its folder) a desktop whose sync calls go through a FaultyTransport. */
async function openDesk(st: RunState, desk: SimDesk): Promise<TestDesktop> {
  const d = desk;
  if (!d.dir) {
    d.dir = mkdtempSync(join(tmpdir(), 'oms-sim-desk-'));
    copyFileSync(st.sim.template, join(d.dir, 'oms.sqlite'));
  }
  // Sign-in goes to the first server process; sync calls to every process in turn.
  const t = await openTestDesktop(st.sim.server.url, {
    dir: d.dir,
    engine: {
      transport: new FaultyTransport(
        st.sim.urls,
        desk,
        st.inflight,
        () => serverWrite(st, { item: 0, wh: 0, qty: 1, lot: 0, order: true }),
        (what) => {
          if (st.setupDone) bump(st.report, what);
        },
      ),
      now: () => nowOf(desk),
      batchSize: st.plan.batchSize,
      ...(st.plan.pageRows ? { pageRows: st.plan.pageRows } : {}),
    },
  });
  desk.t = t;
  desk.dir = t.dir;
  return t;
}

async function must(p: Promise<{ ok: boolean; data?: unknown; error?: unknown }>): Promise<{ id: string }> {
  const r = await p;
  if (!r.ok) throw new Error(`setup command failed: ${JSON.stringify(r)}`);
  return r.data as { id: string };
}

/** Warehouses, items and customers: made once per server and kept from run to run. */
async function setupMaster(server: TestServer): Promise<Master> {
  const warehouses: string[] = [];
  for (const code of WAREHOUSES) warehouses.push((await must(server.run('createWarehouse', { code, name: code }))).id);
  const items: string[] = [];
  for (const it of ITEMS)
    items.push(
      (
        await must(
          server.run('createItem', {
            sku: it.sku,
            name: it.name,
            baseUom: 'EA',
            ...(it.lotTracked ? { lotTracked: true, expiryTracked: true } : {}),
          }),
        )
      ).id,
    );
  const customers: string[] = [];
  for (const c of CUSTOMERS) customers.push((await must(server.run('createCustomer', { ...c, currency: 'CNY' }))).id);
  return { items, warehouses, customers };
}

/** Each run's opening stock: scarce, so desktops compete for it. */
async function openingStock(server: TestServer, master: Master): Promise<void> {
  await must(server.run('receiveStock', receiveInput(master, 0, 0, 20, 0)));
  await must(server.run('receiveStock', receiveInput(master, 1, 0, 10, 0)));
  await must(server.run('receiveStock', receiveInput(master, 1, 1, 10, 0)));
  await must(server.run('receiveStock', receiveInput(master, 2, 0, 6, 0)));
  await must(server.run('receiveStock', receiveInput(master, 2, 0, 6, 1)));
}

function receiveInput(m: Master, item: number, wh: number, qty: number, lot: number) {
  const tracked = ITEMS[item]!.lotTracked;
  const [lotCode, days] = LOTS[lot]!;
  return {
    itemId: m.items[item],
    warehouseId: m.warehouses[wh],
    quantity: qty,
    ...(tracked ? { lot: lotCode, expiry: isoDay(days) } : {}),
  };
}

// ---------- commands on a desktop ----------
/**
 * Runs a command as the desktop host does (ids and number where the clerk acts, one transaction
 * with its outbox row), with the desktop's own (possibly skewed) clock.
 */
async function runOnDesk(st: RunState, d: SimDesk, name: string, input: unknown): Promise<void> {
  const def = findCommand(name);
  if (!def) throw new Error(`no command ${name}`);
  st.report.commands += 1;
  tally(st.report, name, 'tried');
  const db = d.t.db;
  const args = (await argsFromInput(db, def, input, { device: deviceTagOf(d.t.clientId) })) as Record<string, unknown>;
  const ctx: CommandContext = { actor: d.actor, now: nowOf(d), origin: 'desktop' };
  const outcome = await runCommand(db, def, args, ctx, { outbox: true });
  st.trace(
    `  desk ${d.index} ${name} ${outcome.result.ok ? `accepted #${outcome.outbox?.seq}` : `refused ${outcome.result.error.code}`} ${JSON.stringify(args)}`,
  );
  if (!outcome.result.ok || !outcome.outbox) {
    st.report.refusedLocally += 1;
    tally(st.report, name, outcome.result.ok ? 'local-only' : `refused:${outcome.result.error.code}`);
    return;
  }
  st.report.accepted += 1;
  st.accepted.push({
    desk: d.index,
    clientId: d.t.clientId,
    seq: outcome.outbox.seq,
    mutationId: outcome.outbox.mutationId,
    command: name,
    args,
  });
}

type Db = Kysely<DB>;

async function localOrders(db: Db, statuses: readonly string[]) {
  return db
    .selectFrom('orders')
    .select(['id', 'version', 'status'])
    .where('status', 'in', [...statuses])
    .orderBy('number')
    .execute();
}

async function runCmd(st: RunState, d: SimDesk, cmd: Cmd): Promise<void> {
  const m = st.master;
  const db = d.t.db;
  switch (cmd.c) {
    case 'receive':
      return runOnDesk(st, d, 'receiveStock', receiveInput(m, cmd.item, cmd.wh, cmd.qty, cmd.lot));
    case 'reserve':
      return runOnDesk(st, d, 'reserveStock', {
        demand: { type: 'work-order', id: `WO-${cmd.demand}` },
        lines: cmd.lines.map((l, i) => ({
          demandLine: i + 1,
          itemId: m.items[l.item],
          warehouseId: m.warehouses[l.wh],
          quantity: l.qty,
        })),
      });
    case 'release': {
      const held = await db
        .selectFrom('stock_reservations')
        .select(['demand_id', 'demand_line', sql<number>`sum(quantity)`.as('held')])
        .where('demand_type', '=', 'work-order')
        .groupBy(['demand_id', 'demand_line'])
        .having(sql<number>`sum(quantity)`, '>', 0)
        .orderBy('demand_id')
        .orderBy('demand_line')
        .execute();
      const h = held[cmd.pick % Math.max(held.length, 1)];
      if (!h) return;
      const quantity = Number(h.held);
      return runOnDesk(st, d, 'releaseReservation', {
        demand: { type: 'work-order', id: h.demand_id, line: Number(h.demand_line) },
        ...(cmd.part && quantity > 1 ? { quantity: Math.ceil(quantity / 2) } : {}),
      });
    }
    case 'create':
      return runOnDesk(st, d, 'createOrder', {
        submit: cmd.submit,
        order: {
          type: 'sales',
          customerId: m.customers[cmd.customer],
          warehouseId: m.warehouses[cmd.wh],
          lines: cmd.lines.map((l) => ({
            itemId: m.items[l.item],
            quantity: l.qty,
            unitPriceMinor: 1000,
            taxRateBp: 1300,
          })),
        },
      });
    case 'submit':
    case 'cancel': {
      const orders = await localOrders(db, cmd.c === 'submit' ? ['draft'] : ['draft', 'held', 'approved']);
      const o = orders[cmd.pick % Math.max(orders.length, 1)];
      if (!o) return;
      return runOnDesk(st, d, cmd.c === 'submit' ? 'submitOrder' : 'cancelOrder', {
        orderId: o.id,
        ...(cmd.expected ? { expectedVersion: Number(o.version) } : {}),
        ...(cmd.c === 'cancel' ? { reason: 'sim' } : {}),
      });
    }
  }
}

/** One sync round; a network failure or refusal is part of the game, anything else is recorded. */
async function syncDesk(st: RunState, d: SimDesk, again = true): Promise<void> {
  try {
    await d.t.engine.syncOnce();
    d.lastSync = 'ok';
    st.trace(`  desk ${d.index} synced`);
  } catch (err) {
    const message = err instanceof Error ? err.message : String(err);
    d.lastSync = `failed: ${message}`;
    st.trace(`  desk ${d.index} sync failed: ${message}`);
    if (err instanceof Injected) return;
    if (err instanceof AppError && err.code === 'auth.invalid-token' && again) {
      // The desktop lost its session (a refresh answer lost in transit, or killed before it
      // stored the new token): the clerk signs in again, and nothing queued is lost meanwhile.
      st.report.signIns += 1;
      await d.t.signIn(d.user);
      d.t.actor = d.actor;
      return syncDesk(st, d, false);
    }
    // A server fault (HTTP 5xx), a refusal of the round or a local error: the engine would retry
    // forever, but none of them should happen.
    const code = err instanceof AppError ? err.code : err instanceof Unreachable ? 'unreachable' : 'local';
    st.report.unexpected.push(`desk ${d.index} sync: ${code}: ${message.slice(0, 300)}`);
  }
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** Whether a JWT expires within `ms` (its `exp` claim, read without verifying). */
function expiresWithin(token: string, ms: number): boolean {
  try {
    const claims = JSON.parse(Buffer.from(token.split('.')[1] ?? '', 'base64url').toString('utf8')) as { exp?: number };
    return (claims.exp ?? 0) * 1000 < Date.now() + ms;
  } catch {
    return true;
  }
}

async function restartDesk(st: RunState, d: SimDesk, killMs: number | null): Promise<void> {
  let round: Promise<void> | null = null;
  if (killMs !== null) {
    // Killed mid-sync: the database closes under the running round (its SQLite transactions roll back).
    round = d.t.engine.syncOnce().catch(() => undefined);
    await sleep(killMs);
  }
  await d.t.close({ keepFiles: true });
  if (round) await round;
  await openDesk(st, d);
  d.t.actor = d.actor;
}

async function duplicate(st: RunState, d: SimDesk, pick: number, concurrent: boolean): Promise<void> {
  const sent = d.pushes[pick % Math.max(d.pushes.length, 1)];
  if (!sent) return;
  // Tokens are bound to the desktop and short-lived: a replay rides on the desktop's freshest
  // one (a proxy repeating an old body on a live connection), renewed by a round if it expired.
  if (!d.offline && (!d.token || expiresWithin(d.token, 500))) await syncDesk(st, d);
  const token = d.token ?? sent.token;
  if (!token) return;
  const deliver = async () => {
    const url = st.sim.urls[pick % st.sim.urls.length]!;
    const res = await fetch(new URL('/sync/push', url), {
      method: 'POST',
      headers: { 'content-type': 'application/json', authorization: `Bearer ${token}` },
      body: JSON.stringify(sent.body),
    });
    const payload = (await res.json()) as {
      ok: boolean;
      data?: { results: Array<{ seq: number; status: string }> };
      error?: { code: string };
    };
    // A token bound to that desktop: once it expired, no proxy can replay the body any more.
    if (res.status === 401 && payload.error?.code === 'auth.token-expired') {
      bump(st.report, 'dup-expired');
      return;
    }
    bump(st.report, concurrent ? 'dup-racing' : 'dup');
    if (res.status !== 200 || !payload.ok || !payload.data) {
      st.violations.push({
        kind: 'phantom',
        detail: `duplicate push of desk ${d.index} answered HTTP ${res.status}: ${JSON.stringify(payload).slice(0, 300)}`,
      });
      return;
    }
    const clientId = (sent.body as { clientId: string }).clientId;
    for (const r of payload.data.results) st.dupAnswers.push({ clientId, seq: r.seq, status: r.status });
  };
  if (concurrent) await Promise.all([deliver(), d.offline ? Promise.resolve() : syncDesk(st, d)]);
  else await deliver();
}

async function runStep(st: RunState, step: Step): Promise<void> {
  const n = st.plan.desktops;
  const deskOf = (i: number) => st.desks[i % n]!;
  switch (step.s) {
    case 'cmd':
      return runCmd(st, deskOf(step.desk), step.cmd);
    case 'sync': {
      const desks = [...new Set(step.desks.map((i) => i % n))].map((i) => st.desks[i]!);
      await Promise.all(desks.map((d) => syncDesk(st, d)));
      return;
    }
    case 'bg': {
      const d = deskOf(step.desk);
      const round = syncDesk(st, d);
      for (const c of step.cmds) await runCmd(st, d, c);
      await round;
      return;
    }
    case 'offline':
      deskOf(step.desk).offline = true;
      bump(st.report, 'partition');
      return;
    case 'online':
      deskOf(step.desk).offline = false;
      return;
    case 'fault':
      deskOf(step.desk).armed.push({ path: step.path, mode: step.mode, skip: step.skip });
      bump(st.report, `${step.path}-${step.mode}`);
      return;
    case 'restart':
      bump(st.report, step.killMs === null ? 'restart' : 'kill');
      return restartDesk(st, deskOf(step.desk), step.killMs);
    case 'dup':
      return duplicate(st, deskOf(step.desk), step.pick, step.concurrent);
    case 'skew':
      deskOf(step.desk).skew = step.ms;
      return;
    case 'server':
      return serverWrite(st, step);
    case 'compact': {
      bump(st.report, 'compact');
      const head = await feedHead(st.sim.server.conn.db);
      await compactFeed(st.sim.server.conn.db, head.last);
      return;
    }
  }
}

/** An administrator's command on the server's database (not through any desktop). */
async function serverWrite(
  st: RunState,
  w: { item: number; wh: number; qty: number; lot: number; order: boolean },
): Promise<void> {
  bump(st.report, w.order ? 'server-order' : 'server-receive');
  const r = w.order
    ? await st.sim.server.run('createOrder', {
        submit: true,
        order: {
          type: 'sales',
          customerId: st.master.customers[0],
          warehouseId: st.master.warehouses[w.wh],
          lines: [{ itemId: st.master.items[w.item], quantity: w.qty, unitPriceMinor: 1000, taxRateBp: 1300 }],
        },
      })
    : await st.sim.server.run('receiveStock', receiveInput(st.master, w.item, w.wh, w.qty, w.lot));
  st.trace(`  server ${w.order ? 'createOrder' : 'receiveStock'}: ${r.ok ? 'ok' : JSON.stringify(r.error)}`);
  if (!r.ok) st.report.unexpected.push(`server write refused: ${JSON.stringify(r.error)}`);
}

// ---------- healing ----------
async function quiet(st: RunState): Promise<string[]> {
  const head = await feedHead(st.sim.server.conn.db);
  const problems: string[] = [];
  for (const d of st.desks) {
    const outbox = await d.t.db.selectFrom('outbox').select(['seq', 'status', 'last_error']).execute();
    const state = await d.t.db.selectFrom('sync_state').select(['key', 'value']).execute();
    const cursor = state.find((s) => s.key === 'cursor')?.value ?? null;
    const snapshot = state.find((s) => s.key === 'snapshot')?.value ?? null;
    if (outbox.length > 0)
      problems.push(`desk ${d.index}: ${outbox.length} outbox rows left (${JSON.stringify(outbox.slice(0, 3))})`);
    if (cursor !== String(head.last) || snapshot !== null)
      problems.push(`desk ${d.index}: cursor ${cursor} snapshot ${snapshot} vs head ${head.last}`);
  }
  return problems;
}

async function heal(st: RunState): Promise<void> {
  for (const d of st.desks) {
    d.offline = false;
    d.armed = [];
  }
  while (st.inflight.size > 0) await Promise.all([...st.inflight]);
  let problems: string[] = [];
  for (let round = 1; round <= 8; round++) {
    st.report.rounds = round;
    for (const d of st.desks) await syncDesk(st, d);
    problems = await quiet(st);
    if (problems.length === 0) return;
  }
  for (const p of problems) {
    const desk = st.desks[Number(/^desk (\d+)/.exec(p)?.[1])];
    st.violations.push({ kind: 'wedged', detail: `${p}; its last sync: ${desk?.lastSync ?? '?'}` });
  }
}

// ---------- the judgement ----------
type Row = Record<string, unknown>;

const norm = (v: unknown): unknown => {
  if (typeof v === 'bigint') return Number(v);
  if (typeof v === 'boolean') return v ? 1 : 0;
  if (v instanceof Date) return v.toISOString();
  if (v !== null && typeof v === 'object') return JSON.stringify(v);
  return v;
};

async function serverRows(db: Db, table: string): Promise<Row[]> {
  const t = SYNCED_TABLES.find((x) => x.name === table)!;
  const { rows } = await sql<Row>`select * from ${sql.table(table)}`.execute(db);
  return rows.map((r) => {
    const out: Row = {};
    for (const [k, v] of Object.entries(r)) if (!t.omit?.includes(k)) out[k] = norm(v);
    return out;
  });
}

async function deskRows(db: Db, table: string): Promise<Row[]> {
  const { rows } = await sql<Row>`select * from ${sql.table(table)}`.execute(db);
  return rows.map((r) => Object.fromEntries(Object.entries(r).map(([k, v]) => [k, norm(v)])));
}

const keyOfRow = (pk: readonly string[], r: Row) => JSON.stringify(pk.map((c) => r[c]));

async function judge(st: RunState): Promise<void> {
  const sdb = st.sim.server.conn.db;
  const v = (kind: ViolationKind, detail: string) => st.violations.push({ kind, detail });

  // --- (1) nothing lost, (2) nothing applied twice ---
  const { rows: mutations } = await sql<{
    client_id: string;
    seq: string | number;
    mutation_id: string;
    command: string;
    status: string;
    result: { ok: boolean; data?: Row; error?: { code: string } };
  }>`select client_id, seq, mutation_id, command, status, result from sync_mutations`.execute(sdb);
  const byMutation = new Map<string, typeof mutations>();
  for (const m of mutations) byMutation.set(m.mutation_id, [...(byMutation.get(m.mutation_id) ?? []), m]);
  const countBy = async (table: 'stock_movements' | 'stock_reservations') => {
    const { rows } = await sql<{ op_id: string; n: string | number; q: string | number }>`
      select op_id, count(*) as n, sum(quantity) as q from ${sql.table(table)} group by op_id`.execute(sdb);
    return new Map(rows.map((r) => [r.op_id, { n: Number(r.n), q: Number(r.q) }]));
  };
  const movements = await countBy('stock_movements');
  const reservations = await countBy('stock_reservations');
  const { rows: eventRows } = await sql<{ id: string; order_id: string; to_status: string }>`
    select id, order_id, to_status from order_events`.execute(sdb);
  const events = new Map(eventRows.map((e) => [e.id, e]));
  const eventsOfOp = new Map<string, number>();
  for (const e of eventRows) {
    const op = e.id.slice(0, e.id.lastIndexOf(':'));
    eventsOfOp.set(op, (eventsOfOp.get(op) ?? 0) + 1);
  }
  const { rows: orderRows } = await sql<{ id: string; number: string; status: string }>`
    select id, number, status from orders`.execute(sdb);
  const orders = new Map(orderRows.map((o) => [o.id, o]));
  const { rows: lineCounts } = await sql<{ order_id: string; n: string | number }>`
    select order_id, count(*) as n from order_lines group by order_id`.execute(sdb);
  const linesOf = new Map(lineCounts.map((r) => [r.order_id, Number(r.n)]));

  const acceptedIds = new Set(st.accepted.map((a) => a.mutationId));
  for (const a of st.accepted) {
    const at = `desk ${a.desk} #${a.seq} ${a.command} ${a.mutationId}`;
    const rows = byMutation.get(a.mutationId) ?? [];
    if (rows.length > 1) v('duplicated', `${at}: ${rows.length} sync_mutations rows`);
    const m = rows[0];
    if (!m) {
      v('lost', `${at}: never reached the server`);
      continue;
    }
    if (m.client_id !== a.clientId || Number(m.seq) !== a.seq)
      v('phantom', `${at}: stored as ${m.client_id} #${m.seq}`);
    const opId = String(a.args['id']);
    const mv = movements.get(opId);
    const rs = reservations.get(opId);
    if (m.status !== 'applied') {
      if (m.status === 'rejected') st.report.rejected += 1;
      else st.report.failed += 1;
      tally(st.report, a.command, `${m.status}:${m.result.error?.code ?? '?'}`);
      if (m.status === 'failed') st.report.unexpected.push(`${at}: dead-lettered: ${JSON.stringify(m.result.error)}`);
      const desk = st.desks[a.desk]!;
      const issue = await desk.t.db
        .selectFrom('sync_issues')
        .select(['status', 'error_json'])
        .where('mutation_id', '=', a.mutationId)
        .executeTakeFirst();
      const code = issue ? (JSON.parse(issue.error_json) as { code?: string }).code : undefined;
      if (!issue || issue.status !== m.status || !code)
        v(
          'lost',
          `${at}: ${m.status} on the server (${JSON.stringify(m.result.error)}) but no sync issue with a reason`,
        );
      if (mv || rs || eventsOfOp.has(opId) || (a.command === 'createOrder' && orders.has(opId)))
        v('phantom', `${at}: ${m.status} on the server but its effect is there`);
      continue;
    }
    st.report.applied += 1;
    tally(st.report, a.command, 'applied');
    const data = (m.result.data ?? {}) as Row;
    // The effect is there, exactly once.
    switch (a.command) {
      case 'receiveStock':
        if (!mv) v('lost', `${at}: applied but no movement`);
        else if (mv.n !== 1 || mv.q !== Number(a.args['quantity']))
          v('duplicated', `${at}: ${mv.n} movements of ${mv.q} for a receipt of ${String(a.args['quantity'])}`);
        break;
      case 'reserveStock': {
        const lines = (data['lines'] ?? []) as Array<{ allocations: unknown[]; reserved: number }>;
        const n = lines.reduce((s, l) => s + l.allocations.length, 0);
        const q = lines.reduce((s, l) => s + l.reserved, 0);
        if (!rs) v('lost', `${at}: applied but no reservation`);
        else if (rs.n !== n || rs.q !== q)
          v('duplicated', `${at}: ${rs.n} rows / ${rs.q} reserved, expected ${n} / ${q}`);
        break;
      }
      case 'releaseReservation': {
        const released = Number(data['released'] ?? 0);
        const q = rs?.q ?? 0;
        if (q !== -released)
          v(q === 0 ? 'lost' : 'duplicated', `${at}: ledger released ${-q}, the command ${released}`);
        break;
      }
      case 'createOrder': {
        const o = orders.get(opId);
        const want = (a.args['order'] as { lines: unknown[] }).lines.length;
        if (!o || !events.has(`${opId}:e0`)) v('lost', `${at}: applied but no order`);
        else if (o.number !== a.args['number'] || linesOf.get(opId) !== want)
          v(
            'duplicated',
            `${at}: order ${o.number} with ${linesOf.get(opId)} lines, expected ${String(a.args['number'])} / ${want}`,
          );
        if (a.args['submit'] && !events.has(`${opId}:e1`)) v('lost', `${at}: created but not submitted`);
        break;
      }
      case 'submitOrder':
        if (!events.has(`${opId}:e1`)) v('lost', `${at}: applied but no submit event`);
        break;
      case 'cancelOrder': {
        const e = events.get(`${opId}:e1`);
        const o = orders.get(String(a.args['orderId']));
        if (!e || e.to_status !== 'cancelled' || o?.status !== 'cancelled')
          v('lost', `${at}: applied but the order is ${o?.status}`);
        break;
      }
    }
  }
  for (const m of mutations)
    if (!acceptedIds.has(m.mutation_id))
      v('phantom', `server ran ${m.command} ${m.mutation_id} (${m.client_id} #${m.seq}) that no desktop accepted`);
  // A desktop's sync issues are refusals the server really stored (never an applied command).
  for (const d of st.desks)
    for (const issue of await d.t.db.selectFrom('sync_issues').select(['mutation_id', 'status', 'command']).execute()) {
      const m = byMutation.get(issue.mutation_id)?.[0];
      if (!m || m.status !== issue.status)
        v(
          'phantom',
          `desk ${d.index} lists ${issue.command} ${issue.mutation_id} as ${issue.status}, the server says ${m?.status}`,
        );
    }
  // A duplicate delivery answered the stored result.
  const stored = new Map(mutations.map((m) => [`${m.client_id}#${Number(m.seq)}`, m.status]));
  for (const d of st.dupAnswers)
    if (stored.get(`${d.clientId}#${d.seq}`) !== d.status)
      v(
        'phantom',
        `duplicate of ${d.clientId} #${d.seq} answered ${d.status}, stored ${stored.get(`${d.clientId}#${d.seq}`)}`,
      );

  // --- (3) nothing oversold on the server ---
  const { rows: balances } = await sql<Row>`select * from stock_balances`.execute(sdb);
  for (const raw of balances) {
    const b = Object.fromEntries(Object.entries(raw).map(([k, x]) => [k, typeof x === 'string' ? x : Number(x)]));
    const at = `bucket ${String(b['item_id']).slice(0, 8)}/${String(b['warehouse_id']).slice(0, 8)}/${String(b['lot'])}`;
    const q = (k: string) => Number(b[k]);
    if (Math.min(q('qty_available'), q('qty_frozen'), q('qty_quality'), q('qty_in_transit'), q('qty_reserved')) < 0)
      v('oversold', `${at}: a status below zero ${JSON.stringify(b)}`);
    if (q('qty_reserved') > q('qty_available'))
      v('oversold', `${at}: reserved ${q('qty_reserved')} > available ${q('qty_available')}`);
  }
  for (const diff of await balanceDifferences(sdb))
    v('oversold', `balances differ from the ledgers: ${JSON.stringify(diff)}`);
  // Per demand line: never below zero; a sales order line holds exactly what it has allocated.
  const { rows: holds } = await sql<{
    demand_type: string;
    demand_id: string;
    demand_line: number;
    held: string | number;
  }>`
    select demand_type, demand_id, demand_line, sum(quantity) as held from stock_reservations
    group by demand_type, demand_id, demand_line`.execute(sdb);
  const { rows: lines } = await sql<{
    order_id: string;
    line_no: number;
    qty_ordered: number;
    qty_allocated: number;
    qty_shipped: number;
  }>`
    select order_id, line_no, qty_ordered, qty_allocated, qty_shipped from order_lines`.execute(sdb);
  const heldBy = new Map(
    holds.map((h) => [`${h.demand_type}|${h.demand_id}|${Number(h.demand_line)}`, Number(h.held)]),
  );
  for (const [k, held] of heldBy) if (held < 0) v('oversold', `${k} holds ${held}`);
  for (const l of lines) {
    const held = heldBy.get(`sales-order|${l.order_id}|${Number(l.line_no)}`) ?? 0;
    const alloc = Number(l.qty_allocated) - Number(l.qty_shipped);
    if (held !== alloc) v('oversold', `order ${l.order_id} line ${l.line_no}: holds ${held}, allocated ${alloc}`);
    if (Number(l.qty_allocated) > Number(l.qty_ordered))
      v('oversold', `order ${l.order_id} line ${l.line_no}: allocated ${l.qty_allocated} of ${l.qty_ordered}`);
  }
  // A work order line never holds more than the reservations applied for it asked.
  const asked = new Map<string, number>();
  for (const a of st.accepted) {
    if (a.command !== 'reserveStock' || byMutation.get(a.mutationId)?.[0]?.status !== 'applied') continue;
    const demand = a.args['demand'] as { type: string; id: string };
    for (const l of a.args['lines'] as Array<{ demandLine: number; quantity: number }>) {
      const k = `${demand.type}|${demand.id}|${l.demandLine}`;
      asked.set(k, (asked.get(k) ?? 0) + l.quantity);
    }
  }
  for (const [k, held] of heldBy)
    if (k.startsWith('work-order|') && held > (asked.get(k) ?? 0))
      v('oversold', `${k} holds ${held}, asked ${asked.get(k) ?? 0}`);

  // --- (4) every desktop equals the server ---
  for (const table of SYNCED_TABLES) {
    const server = await serverRows(sdb, table.name);
    const want = new Map(server.map((r) => [keyOfRow(table.pk, r), r]));
    for (const d of st.desks) {
      const have = new Map((await deskRows(d.t.db, table.name)).map((r) => [keyOfRow(table.pk, r), r]));
      const diffs: string[] = [];
      for (const [k, r] of want) {
        const mine = have.get(k);
        if (!mine) diffs.push(`missing ${k}`);
        else {
          const cols = Object.keys(r).filter((c) => mine[c] !== r[c]);
          if (cols.length > 0)
            diffs.push(
              `${k}: ${cols.map((c) => `${c} ${JSON.stringify(mine[c])} vs ${JSON.stringify(r[c])}`).join(', ')}`,
            );
        }
      }
      for (const k of have.keys()) if (!want.has(k)) diffs.push(`extra ${k}`);
      if (diffs.length > 0)
        v(
          'diverged',
          `desk ${d.index} ${table.name}: ${diffs.length} rows differ, e.g. ${diffs.slice(0, 3).join('; ')}`,
        );
    }
  }
}

// ---------- one run ----------
/** Runs one plan on an emptied server and judges it. Always closes its desktops. */
export async function runSimulation(sim: SimServer, plan: Plan, options: RunOptions = {}): Promise<RunReport> {
  const started = performance.now();
  const trace = options.trace ?? (() => undefined);
  trace('setup: reset');
  await resetSimServer(sim);
  trace('setup: opening stock');
  const master = sim.master;
  await openingStock(sim.server, master);
  const report: RunReport = {
    commands: 0,
    accepted: 0,
    refusedLocally: 0,
    applied: 0,
    rejected: 0,
    failed: 0,
    faults: {},
    byCommand: {},
    unexpected: [],
    signIns: 0,
    rounds: 0,
    violations: [],
    ms: 0,
  };
  const st: RunState = {
    sim,
    plan,
    master,
    desks: [],
    accepted: [],
    inflight: new Set(),
    report,
    dupAnswers: [],
    violations: report.violations,
    trace,
    setupDone: false,
  };
  try {
    trace('setup: desktops');
    for (let i = 0; i < plan.desktops; i++) {
      // `t` is set by openDesk (the transport needs the desk before the desktop exists).
      const d = {
        index: i,
        user: USERS[i % USERS.length]!,
        dir: '',
        skew: plan.skews[i] ?? 0,
        offline: false,
        armed: [],
        pushes: [],
        token: undefined,
        lastSync: 'never',
        actor: { userId: null, name: 'local', roles: ['administrator'] },
      } as Omit<SimDesk, 't'> as SimDesk;
      st.desks.push(d);
      await openDesk(st, d);
    }
    trace('setup: sign-in');
    await Promise.all(
      st.desks.map(async (d) => {
        await d.t.signIn(d.user);
        d.actor = d.t.actor;
      }),
    );
    // The first download, so the clerk has something to work on.
    trace('setup: first sync');
    await Promise.all(st.desks.map((d) => d.t.engine.syncOnce()));
    st.setupDone = true;
    for (const [i, step] of plan.steps.entries()) {
      st.trace(`step ${i}: ${JSON.stringify(step)}`);
      await runStep(st, step);
    }
    st.trace('heal');
    await heal(st);
    await options.beforeJudge?.({ server: sim.server, desktops: st.desks.map((d) => d.t), accepted: st.accepted });
    await judge(st);
  } finally {
    while (st.inflight.size > 0) await Promise.all([...st.inflight]);
    for (const d of st.desks) await d.t?.close().catch(() => undefined);
  }
  report.ms = Math.round(performance.now() - started);
  return report;
}

/** A short, readable description of a plan (for failure messages and the bench's examples). */
export const describePlan = (plan: Plan): string =>
  JSON.stringify({ ...plan, steps: plan.steps.map((s) => JSON.stringify(s)) }, null, 1);
