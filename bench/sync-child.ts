import cluster from 'node:cluster';
import { mkdtempSync } from 'node:fs';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import { pathToFileURL } from 'node:url';
import { openPostgres } from '../db/connect.ts';
import { createSyncServer } from '../sync/server/app.ts';
import { HttpTransport, type Transport } from '../sync/client/transport.ts';
import { openTestDesktop, type TestDesktop } from '../sync/testing/harness.ts';
import { summarize } from './stats.ts';

/**
 * Child processes of the sync benchmarks (bench/sync.ts), one JSON line of result each:
 *   server   {databaseUrl, schema, processes}  the sync server on PostgreSQL; with processes > 1
 *            a node:cluster of that many server processes sharing one port. Prints {"url"}.
 *   initial  {url, dir, username}  a new desktop's initial sync; prints {"page": n} as each page
 *            arrives, so the parent can kill -9 it mid-transfer (S2's resume).
 *   load     {url, users, hz, …}  S4: several real desktops in this process, each issuing
 *            commands at `hz` and syncing through its engine's own loop and live channel.
 */

/** Wraps the desktop's HTTP transport: times every call and reports what it carried. */
export class TimedTransport implements Transport {
  constructor(
    private readonly inner: Transport,
    private readonly onCall: (path: string, ms: number, body: unknown, result: unknown, at: number) => void,
  ) {}

  async post<T>(path: string, body: unknown, token?: string): Promise<T> {
    const start = performance.now();
    const result = await this.inner.post<T>(path, body, token);
    this.onCall(path, performance.now() - start, body, result, start);
    return result;
  }

  live(token: string, onEvent: (event: string, data: string) => void, signal: AbortSignal): Promise<void> {
    return this.inner.live(token, onEvent, signal);
  }
}

const out = (value: unknown) => console.log(JSON.stringify(value));

async function server(args: { databaseUrl: string; schema: string; processes: number }): Promise<void> {
  if (args.processes > 1 && cluster.isPrimary) {
    const urls: string[] = [];
    for (let i = 0; i < args.processes; i += 1) {
      const worker = cluster.fork();
      worker.on('message', (m: { url?: string }) => {
        if (!m.url) return;
        urls.push(m.url);
        if (urls.length === args.processes) out({ url: urls[0], urls, processes: args.processes });
      });
    }
    process.on('SIGTERM', () => {
      for (const w of Object.values(cluster.workers ?? {})) w?.kill('SIGTERM');
      process.exit(0);
    });
    return;
  }
  const conn = await openPostgres(args.databaseUrl, { schema: args.schema });
  // Errors only, to stderr (stdout carries this process's JSON lines).
  const logger = { level: 'error', stream: process.stderr };
  const srv = await createSyncServer({ conn, logger });
  // In a cluster, listen(0) in every worker shares one port chosen by the primary.
  const url = await srv.app.listen({ host: '127.0.0.1', port: 0 });
  if (cluster.isWorker) process.send?.({ url });
  else out({ url, urls: [url], processes: 1 });
  process.on('SIGTERM', () => {
    void srv
      .close()
      .then(() => conn.close())
      .finally(() => process.exit(0));
  });
}

async function initial(args: { url: string; dir: string; username: string }): Promise<void> {
  let page = 0;
  const transport = new TimedTransport(new HttpTransport(args.url, 120_000), (path) => {
    if (path === '/sync/pull') out({ page: (page += 1) });
  });
  const desktop = await openTestDesktop(args.url, { dir: args.dir, engine: { transport } });
  await desktop.signIn(args.username);
  await desktop.engine.pullAll();
  out({ done: true, pages: page });
  await desktop.close({ keepFiles: true });
}

interface LoadArgs {
  url: string;
  users: string[];
  /** Commands per second each desktop issues. */
  hz: number;
  durationMs: number;
  drainMs: number;
  warehouseId: string;
  customerId: string;
  /** One item per desktop (no two desktops reserve the same stock). */
  itemIds: string[];
  /** Where the desktops' files go (the parent removes it). */
  dir: string;
}

/** The command mix of S1 and S4: a customer, a one-line reservation, a 3-line draft sales order. */
export function mixInput(
  i: number,
  tag: string,
  ids: { itemId: string; warehouseId: string; customerId: string },
): { name: string; input: unknown } {
  switch (i % 3) {
    case 0:
      return {
        name: 'createCustomer',
        input: {
          code: `C-${tag}-${i}`,
          name: `客户${tag}-${i}`,
          grade: 'B',
          creditLimitMinor: 100_000,
          currency: 'CNY',
        },
      };
    case 1:
      return {
        name: 'reserveStock',
        input: {
          demand: { type: 'sales-order', id: `SO-${tag}-${i}` },
          lines: [{ demandLine: 1, itemId: ids.itemId, warehouseId: ids.warehouseId, quantity: 1 }],
        },
      };
    default:
      return {
        name: 'createOrder',
        input: {
          submit: false,
          order: {
            type: 'sales',
            customerId: ids.customerId,
            warehouseId: ids.warehouseId,
            lines: [1, 2, 3].map((n) => ({ itemId: ids.itemId, quantity: n, unitPriceMinor: 1250, taxRateBp: 1300 })),
          },
        },
      };
  }
}

async function load(args: LoadArgs): Promise<void> {
  const push: number[] = [];
  const pushSize: number[] = [];
  const pull: number[] = [];
  let measuring = false;
  let errors = 0;
  const desktops: TestDesktop[] = [];
  for (const [k, user] of args.users.entries()) {
    const transport = new TimedTransport(new HttpTransport(args.url, 60_000), (path, ms, body) => {
      if (!measuring) return;
      if (path === '/sync/push') {
        push.push(ms);
        pushSize.push((body as { mutations: unknown[] }).mutations.length);
      } else if (path === '/sync/pull') pull.push(ms);
    });
    const d = await openTestDesktop(args.url, {
      dir: mkdtempSync(join(args.dir, `desktop-${k}-`)),
      engine: { transport, live: true, backoffMs: { min: 200, max: 2000 } },
    });
    await d.signIn(user);
    await d.engine.syncOnce();
    desktops.push(d);
  }
  out({ ready: true });
  // Wait for the parent's "go", so every worker starts its window at the same moment.
  await new Promise<void>((resolve) => createInterface({ input: process.stdin }).once('line', () => resolve()));
  measuring = true;
  for (const d of desktops) d.engine.start();
  const started = performance.now();
  let issued = 0;
  const lateness: number[] = [];
  await Promise.all(
    desktops.map(async (d, k) => {
      const ids = {
        itemId: args.itemIds[k % args.itemIds.length] as string,
        warehouseId: args.warehouseId,
        customerId: args.customerId,
      };
      const period = 1000 / args.hz;
      // Spread the desktops over one period so their commands do not all land at once.
      let next = started + (period * k) / desktops.length;
      for (let i = 0; ; i += 1) {
        const wait = next - performance.now();
        if (wait > 0) await new Promise((r) => setTimeout(r, wait));
        else lateness.push(-wait);
        if (performance.now() - started >= args.durationMs) return;
        const { name, input } = mixInput(i, args.users[k] as string, ids);
        const r = await d.run(name, input);
        if (!r.ok) errors += 1;
        issued += 1;
        d.engine.kick();
        next += period;
      }
    }),
  );
  const windowMs = performance.now() - started;
  // Raw samples of the window, so the parent can merge the workers' percentiles.
  const inWindow = { push: [...push], pushSize: [...pushSize], pull: [...pull] };
  // Drain: every desktop's outbox empty (bounded).
  const drainStart = performance.now();
  let pending: number;
  for (;;) {
    pending = 0;
    for (const d of desktops) pending += (await d.engine.currentStatus()).pending;
    if (pending === 0 || performance.now() - drainStart > args.drainMs) break;
    for (const d of desktops) d.engine.kick();
    await new Promise((r) => setTimeout(r, 100));
  }
  const drainMs = performance.now() - drainStart;
  measuring = false;
  const issues: Record<string, number> = {};
  for (const d of desktops)
    for (const i of await d.db.selectFrom('sync_issues').select(['command', 'error_json']).execute()) {
      const key = `${i.command}: ${(JSON.parse(i.error_json) as { code: string }).code}`;
      issues[key] = (issues[key] ?? 0) + 1;
    }
  // Reported before closing: closing waits for rounds still in flight, which under overload
  // take minutes; the parent kills this process once it has the line.
  out({
    result: {
      desktops: desktops.length,
      issued,
      localErrors: errors,
      windowMs: Math.round(windowMs),
      inWindow,
      // Commands issued later than their schedule (the load generator itself fell behind).
      late: summarize(lateness),
      drainMs: Math.round(drainMs),
      pendingAfterDrain: pending,
      syncIssues: issues,
    },
  });
  for (const d of desktops) await d.close();
}

// Run as a child (cluster workers run this file again with the same arguments); bench/sync.ts
// imports the helpers above.
if (process.argv[1] && import.meta.url === pathToFileURL(process.argv[1]).href) {
  const [mode, json] = process.argv.slice(2);
  const args = JSON.parse(json ?? '{}') as never;
  if (mode === 'server') await server(args);
  else if (mode === 'initial') await initial(args);
  else if (mode === 'load') await load(args);
  else throw new Error('usage: sync-child.ts server|initial|load JSON');
}
