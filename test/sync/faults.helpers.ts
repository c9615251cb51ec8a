import { spawn, type ChildProcess } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import { sql, type Kysely } from 'kysely';
import { expect } from 'vitest';
import type { Access } from '../../core/auth/permissions.ts';
import type { CommandContext } from '../../commands/define.ts';
import { findCommand } from '../../commands/registry.ts';
import { argsFromInput, deviceTagOf, runCommand } from '../../commands/runner.ts';
import type { DB } from '../../db/schema.ts';
import { SYNCED_TABLES } from '../../db/sync.tables.ts';
import { PROTOCOL_VERSION, type Mutation, type PushResponse, type Session } from '../../sync/protocol/index.ts';
import { loadPrincipal } from '../../sync/server/auth.ts';
import { visibleOnly } from '../../sync/server/scope.ts';
import type { DesktopScript } from '../../sync/testing/desktop-process.ts';
import { PASSWORD, type TestDesktop, type TestServer } from '../../sync/testing/harness.ts';

export const REPO = join(import.meta.dirname, '..', '..');

type Res = { ok: boolean; data?: unknown; error?: unknown };

export async function must<T = Record<string, unknown>>(p: Promise<Res> | Res): Promise<T> {
  const r = await p;
  if (!r.ok) throw new Error(`expected ok, got ${JSON.stringify(r)}`);
  return r.data as T;
}

export const idOf = async (p: Promise<Res>) => (await must<{ id: string }>(p)).id;

export async function waitUntil<T>(
  probe: () => Promise<T | undefined | null | false> | T | undefined | null | false,
  what: string,
  timeoutMs = 30_000,
): Promise<T> {
  const until = Date.now() + timeoutMs;
  for (;;) {
    const v = await probe();
    if (v) return v;
    if (Date.now() > until) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 20));
  }
}

// ---------------------------------------------------------------- comparing with the server

/** Runs one SQL text and returns its rows (a server in this process, or one behind a route). */
export type Query = (text: string) => Promise<Record<string, unknown>[]>;

export const queryOf =
  (db: Kysely<DB>): Query =>
  async (text) =>
    (await sql.raw<Record<string, unknown>>(text).execute(db)).rows;

/** One value as both databases should agree on it: numbers as numbers, JSON canonical, dates ISO. */
function norm(v: unknown): unknown {
  if (v === null || v === undefined) return null;
  if (typeof v === 'boolean') return v ? 1 : 0;
  if (typeof v === 'bigint') return Number(v);
  if (v instanceof Date) return v.toISOString();
  if (typeof v === 'string') {
    if (/^-?\d+(\.\d+)?$/.test(v) && v.length < 16) return Number(v);
    if (v.startsWith('{') || v.startsWith('[')) {
      try {
        return canonical(JSON.parse(v));
      } catch {
        return v;
      }
    }
    return v;
  }
  if (typeof v === 'object') return canonical(v);
  return v;
}

function canonical(v: unknown): string {
  const sort = (x: unknown): unknown =>
    Array.isArray(x)
      ? x.map(sort)
      : x !== null && typeof x === 'object'
        ? Object.fromEntries(
            Object.keys(x)
              .sort()
              .map((k) => [k, sort((x as Record<string, unknown>)[k])]),
          )
        : x;
  return JSON.stringify(sort(v));
}

const rowText = (row: Record<string, unknown>, cols: readonly string[]) =>
  JSON.stringify(cols.map((c) => [c, norm(row[c])]));

const selectAll = (table: string, pk: readonly string[]) =>
  `select * from "${table}" order by ${pk.map((c) => `"${c}"`).join(', ')}`;

/**
 * Every synced table of the desktop against the server, row by row (the desktop's columns; the
 * server's secrets omitted). With `access`, only what that user may see is expected (the
 * server's own scope rules). Returns readable differences; empty when equal.
 */
export async function differences(
  desktop: Kysely<DB>,
  server: Query,
  options: { serverDb?: Kysely<DB>; access?: Access } = {},
): Promise<string[]> {
  const out: string[] = [];
  const local = queryOf(desktop);
  for (const table of SYNCED_TABLES) {
    const mine = await local(selectAll(table.name, table.pk));
    let theirs = await server(selectAll(table.name, table.pk));
    if (options.access) {
      if (!options.serverDb) throw new Error('a scoped comparison needs the server database');
      const items = theirs.map((row) => ({ table: table.name, row }));
      theirs = (await visibleOnly(options.serverDb, options.access, items)).map((i) => i.row);
    }
    const { rows: info } = await sql<{ name: string }>`select name from pragma_table_info(${table.name})`.execute(
      desktop,
    );
    const cols = info.map((r) => r.name).filter((c) => !(table.omit ?? []).includes(c));
    const a = new Set(mine.map((r) => rowText(r, cols)));
    const b = new Set(theirs.map((r) => rowText(r, cols)));
    const onlyDesktop = [...a].filter((x) => !b.has(x));
    const onlyServer = [...b].filter((x) => !a.has(x));
    if (onlyDesktop.length + onlyServer.length > 0)
      out.push(
        `${table.name}: ${mine.length} rows on the desktop, ${theirs.length} on the server; ` +
          `only on the desktop ${JSON.stringify(onlyDesktop.slice(0, 2))}; only on the server ${JSON.stringify(
            onlyServer.slice(0, 2),
          )}`,
      );
  }
  return out;
}

/** The desktop has nothing pending and holds exactly the server's rows (as `username` may see them). */
export async function expectEqualToServer(d: TestDesktop, server: TestServer, username?: string): Promise<void> {
  expect(await d.db.selectFrom('outbox').select(['seq', 'command', 'status']).execute(), 'outbox empty').toEqual([]);
  let access: Access | undefined;
  if (username) {
    const user = await server.conn.db
      .selectFrom('users')
      .select('id')
      .where('username', '=', username)
      .executeTakeFirstOrThrow();
    access = (await loadPrincipal(server.conn.db, user.id)).access;
  }
  expect(
    await differences(d.db, queryOf(server.conn.db), { serverDb: server.conn.db, ...(access ? { access } : {}) }),
  ).toEqual([]);
}

/** Like expectEqualToServer, for a server reached only through a query function (another process). */
export async function expectNoDifferences(d: TestDesktop, server: Query): Promise<void> {
  expect(await d.db.selectFrom('outbox').select(['seq', 'command', 'status']).execute(), 'outbox empty').toEqual([]);
  expect(await differences(d.db, server)).toEqual([]);
}

// ---------------------------------------------------------------- setup

export interface Stock {
  warehouse: string;
  item: string;
}

/** A warehouse and an item with `quantity` on hand, made on the server by an administrator. */
export async function stockOnServer(server: TestServer, code: string, quantity: number): Promise<Stock> {
  const warehouse = await idOf(server.run('createWarehouse', { code: `W-${code}`, name: `仓库 ${code}` }));
  const item = await idOf(server.run('createItem', { sku: `SKU-${code}`, name: `货品 ${code}`, baseUom: 'EA' }));
  if (quantity > 0) await must(server.run('receiveStock', { itemId: item, warehouseId: warehouse, quantity }));
  return { warehouse, item };
}

export const reserveInput = (s: Stock, demand: string, quantity: number) => ({
  demand: { type: 'sales-order', id: demand },
  lines: [{ demandLine: 1, itemId: s.item, warehouseId: s.warehouse, quantity }],
});

export async function balanceOn(db: Kysely<DB>, s: Stock): Promise<{ available: number; reserved: number }> {
  const rows = await db
    .selectFrom('stock_balances')
    .select(['qty_available', 'qty_reserved'])
    .where('item_id', '=', s.item)
    .where('warehouse_id', '=', s.warehouse)
    .execute();
  return {
    available: rows.reduce((n, r) => n + Number(r.qty_available), 0),
    reserved: rows.reduce((n, r) => n + Number(r.qty_reserved), 0),
  };
}

/** Reservation ledger rows per demand id (a command applied twice would show up twice). */
export async function reservationsByDemand(db: Kysely<DB>, s: Stock): Promise<Record<string, number>> {
  const rows = await db
    .selectFrom('stock_reservations')
    .select(['demand_id', 'quantity'])
    .where('item_id', '=', s.item)
    .execute();
  const out: Record<string, number> = {};
  for (const r of rows) out[r.demand_id] = (out[r.demand_id] ?? 0) + Number(r.quantity);
  return out;
}

export async function countRows(db: Kysely<DB>, text: string): Promise<number> {
  const { rows } = await sql.raw<{ n: number | string }>(text).execute(db);
  return Number(rows[0]?.n ?? 0);
}

export async function outboxSeqs(d: TestDesktop): Promise<number[]> {
  return (await d.db.selectFrom('outbox').select('seq').orderBy('seq').execute()).map((r) => r.seq);
}

export async function issuesOf(
  d: TestDesktop,
): Promise<{ command: string; status: string; code: string; details: unknown }[]> {
  const rows = await d.db.selectFrom('sync_issues').selectAll().orderBy('seq').execute();
  return rows.map((r) => {
    const e = JSON.parse(r.error_json) as { code: string; details?: unknown };
    return { command: r.command, status: r.status, code: e.code, details: e.details ?? null };
  });
}

/** Runs a command on a desktop as its host does, but with the desktop's clock at `now`. */
export async function runAt(d: TestDesktop, now: string, name: string, input: unknown): Promise<Res> {
  const def = findCommand(name);
  if (!def) throw new Error(`no command ${name}`);
  const args = await argsFromInput(d.db, def, input, { device: deviceTagOf(d.clientId) });
  const ctx: CommandContext = { actor: d.actor, now, origin: 'desktop' };
  return (await runCommand(d.db, def, args, ctx, { outbox: true })).result;
}

// ---------------------------------------------------------------- raw HTTP

export interface RawReply<T = unknown> {
  status: number;
  ok: boolean;
  data: T;
  error?: { code: string; message: string; details?: unknown };
}

/** A client that speaks the wire protocol by hand (fetch, no engine). */
export class RawClient {
  token = '';
  readonly clientId = randomUUID();
  constructor(readonly url: string) {}

  async post<T = unknown>(path: string, body: unknown): Promise<RawReply<T>> {
    const res = await fetch(new URL(path, this.url), {
      method: 'POST',
      headers: { 'content-type': 'application/json', ...(this.token ? { authorization: `Bearer ${this.token}` } : {}) },
      body: typeof body === 'string' ? body : JSON.stringify(body),
    });
    const payload = (await res.json()) as { ok: boolean; data: T; error?: RawReply['error'] };
    return {
      status: res.status,
      ok: payload.ok,
      data: payload.data,
      ...(payload.error ? { error: payload.error } : {}),
    };
  }

  async login(username: string, password = PASSWORD): Promise<Session> {
    const r = await this.post<Session>('/auth/login', { username, password, clientId: this.clientId });
    if (!r.ok) throw new Error(`login failed: ${JSON.stringify(r)}`);
    this.token = r.data.accessToken;
    return r.data;
  }

  pushBody(mutations: Mutation[], protocol = PROTOCOL_VERSION): string {
    return JSON.stringify({ protocol, clientId: this.clientId, appVersion: 'raw', mutations });
  }

  push(mutations: Mutation[], protocol = PROTOCOL_VERSION): Promise<RawReply<PushResponse>> {
    return this.post<PushResponse>('/sync/push', this.pushBody(mutations, protocol));
  }
}

/** A mutation as a desktop would send it: the command's args made from an input (ids at the origin). */
export async function mutation(
  db: Kysely<DB>,
  seq: number,
  name: string,
  input: unknown,
  version?: number,
): Promise<Mutation> {
  const def = findCommand(name);
  if (!def) throw new Error(`no command ${name}`);
  return {
    seq,
    mutationId: randomUUID(),
    command: name,
    version: version ?? def.version,
    args: await argsFromInput(db, def, input, { device: 'RAW' }),
    clientTime: new Date().toISOString(),
  };
}

// ---------------------------------------------------------------- processes

export interface Child {
  /** The pid of the process that runs the script (not the npx wrapper). */
  pid: number;
  events: Record<string, unknown>[];
  waitFor(
    pred: (e: Record<string, unknown>) => boolean,
    what: string,
    timeoutMs?: number,
  ): Promise<Record<string, unknown>>;
  /** SIGKILL to the script's process, then waits for the wrapper to end. */
  kill9(): Promise<void>;
  exited: Promise<number | null>;
  stderr(): string;
}

/**
 * Spawns `npx tsx <script> <arg>` and follows its JSON lines on stdout. The script reports its
 * own pid in its first line: npx and tsx each put a process in between, and killing the wrapper
 * would leave the process holding the database alive.
 */
export async function spawnScript(script: string, arg: string, readyTimeoutMs = 60_000): Promise<Child> {
  const proc: ChildProcess = spawn('npx', ['tsx', script, arg], {
    cwd: REPO,
    stdio: ['ignore', 'pipe', 'pipe'],
    env: { ...process.env, NODE_NO_WARNINGS: '1' },
  });
  const events: Record<string, unknown>[] = [];
  let err = '';
  proc.stderr!.on('data', (c: Buffer) => (err += c.toString()));
  createInterface({ input: proc.stdout! }).on('line', (line) => {
    try {
      events.push(JSON.parse(line) as Record<string, unknown>);
    } catch {
      // not one of ours
    }
  });
  const exited = new Promise<number | null>((resolve) => proc.on('exit', (code) => resolve(code)));
  let ended = false;
  void exited.then(() => (ended = true));
  const waitFor: Child['waitFor'] = async (pred, what, timeoutMs = 30_000) =>
    waitUntil(
      () => {
        const failed = events.find((e) => e.event === 'error');
        if (failed) throw new Error(`child failed: ${JSON.stringify(failed)}\n${err}`);
        const found = events.find(pred);
        if (!found && ended) throw new Error(`child ended before ${what}: ${err}`);
        return found;
      },
      what,
      timeoutMs,
    );
  const ready = await waitFor((e) => e.event === 'ready', 'ready', readyTimeoutMs);
  const pid = Number(ready.pid);
  return {
    pid,
    events,
    waitFor,
    exited,
    stderr: () => err,
    async kill9() {
      try {
        process.kill(pid, 'SIGKILL');
      } catch {
        // already gone
      }
      const timer = setTimeout(() => {
        if (!ended && proc.pid) process.kill(proc.pid, 'SIGKILL');
      }, 5000);
      await exited;
      clearTimeout(timer);
    },
  };
}

export const DESKTOP_SCRIPT = join(REPO, 'sync', 'testing', 'desktop-process.ts');

export const spawnDesktop = (script: DesktopScript): Promise<Child> =>
  spawnScript(DESKTOP_SCRIPT, JSON.stringify(script));

/** True while a process with this pid exists. */
export function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}
