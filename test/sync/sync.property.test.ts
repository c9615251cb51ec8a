import { sql } from 'kysely';
import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  countViolations,
  describePlan,
  planArb,
  runSimulation,
  startSimServer,
  stopSimServer,
  type Plan,
  type RunReport,
  type SimServer,
} from '../../sync/testing/simulation.ts';

/*
 * The randomized sync property (S5, sync/testing/simulation.ts): several real desktops (SQLite
 * files, the sync engine over real HTTP) against a real server, random stock and order commands,
 * random partitions, lost requests and responses, abandoned requests, restarts and kills,
 * duplicate deliveries by raw HTTP, clock skew, feed compaction and concurrent server writes.
 * After healing and syncing until quiet, every run must show:
 *   1. no command lost: each command a desktop accepted is applied on the server exactly once
 *      with its effect present, or is a sync issue with a reason on that desktop;
 *   2. none applied twice: one sync_mutations row per mutation, ledger rows not doubled, and a
 *      duplicate delivery answers the stored result;
 *   3. nothing oversold on the server: no bucket reserves more than it holds or goes below zero,
 *      balances equal a rebuild from the ledgers, no demand line holds more than it asked;
 *   4. every desktop equal to the server on every synced table;
 * and no unexpected error (a server fault, a dead letter, a round refused for no injected reason).
 * Most runs on PostgreSQL, a few on PGlite; SYNC_PROPERTY_SCALE=10 (say) for a longer soak, and
 * `npm run bench -- --suite=sync-faults` for the ≥ 1,000-run benchmark.
 */

const SCALE = Math.max(Number(process.env['SYNC_PROPERTY_SCALE'] ?? 1) || 1, 1);
const RUNS = {
  postgres: { numRuns: 20 * SCALE, maxSteps: 40 },
  pglite: { numRuns: 4 * SCALE, maxSteps: 20 },
} as const;

const DAY = 24 * 3_600_000;
/**
 * A fixed plan with every kind of step, run first on each backend, so every fault is exercised
 * whatever the random plans draw: two desktops reserve the last cables offline (one must be
 * refused), a push answer is lost and the push abandoned, old pushes are delivered again (one
 * racing the engine), a desktop is restarted and killed mid-sync, a refresh answer is lost, the
 * feed is compacted while the server keeps writing through a multi-page download.
 */
const EVERY_FAULT: Plan = {
  desktops: 3,
  pageRows: 4,
  batchSize: 1,
  skews: [0, 365 * DAY, -2 * DAY, 0],
  steps: [
    { s: 'offline', desk: 1 },
    { s: 'offline', desk: 2 },
    {
      s: 'cmd',
      desk: 1,
      cmd: {
        c: 'reserve',
        demand: 1,
        lines: [
          { item: 0, wh: 0, qty: 6 },
          { item: 0, wh: 0, qty: 6 },
        ],
      },
    },
    {
      s: 'cmd',
      desk: 2,
      cmd: {
        c: 'reserve',
        demand: 2,
        lines: [
          { item: 0, wh: 0, qty: 6 },
          { item: 0, wh: 0, qty: 6 },
        ],
      },
    },
    { s: 'cmd', desk: 0, cmd: { c: 'create', customer: 0, wh: 0, lines: [{ item: 1, qty: 2 }], submit: true } },
    { s: 'fault', desk: 0, path: 'push', mode: 'response', skip: 0 },
    { s: 'sync', desks: [0] },
    { s: 'cmd', desk: 0, cmd: { c: 'receive', item: 2, wh: 0, qty: 3, lot: 2 } },
    { s: 'fault', desk: 0, path: 'push', mode: 'abandon', skip: 0 },
    { s: 'sync', desks: [0] },
    { s: 'dup', desk: 0, pick: 0, concurrent: true },
    { s: 'cmd', desk: 0, cmd: { c: 'create', customer: 1, wh: 1, lines: [{ item: 1, qty: 3 }], submit: false } },
    { s: 'sync', desks: [0] },
    { s: 'dup', desk: 0, pick: 1, concurrent: false },
    { s: 'fault', desk: 0, path: 'pull', mode: 'response', skip: 0 },
    { s: 'fault', desk: 0, path: 'pull', mode: 'request', skip: 0 },
    { s: 'sync', desks: [0] },
    { s: 'restart', desk: 0, killMs: null },
    { s: 'cmd', desk: 0, cmd: { c: 'submit', pick: 0, expected: true } },
    { s: 'restart', desk: 0, killMs: 3 },
    { s: 'online', desk: 1 },
    { s: 'restart', desk: 1, killMs: null },
    { s: 'fault', desk: 1, path: 'refresh', mode: 'response', skip: 0 },
    { s: 'sync', desks: [1] },
    { s: 'fault', desk: 1, path: 'push', mode: 'request', skip: 0 },
    { s: 'sync', desks: [1] },
    { s: 'server', item: 1, wh: 1, qty: 4, lot: 0, order: false },
    { s: 'server', item: 1, wh: 1, qty: 1, lot: 0, order: true },
    { s: 'compact' },
    { s: 'fault', desk: 2, path: 'pull', mode: 'race', skip: 12 },
    { s: 'online', desk: 2 },
    { s: 'sync', desks: [1, 2] },
    { s: 'skew', desk: 0, ms: -365 * DAY },
    {
      s: 'bg',
      desk: 0,
      cmds: [
        { c: 'release', pick: 0, part: true },
        { c: 'cancel', pick: 1, expected: false },
      ],
    },
    { s: 'fault', desk: 2, path: 'push', mode: 'race', skip: 0 },
    { s: 'sync', desks: [0, 1, 2] },
  ],
};

const explain = (plan: Plan, r: RunReport) =>
  `${JSON.stringify(countViolations(r.violations))} unexpected ${r.unexpected.length}\n` +
  [...r.violations.map((v) => `${v.kind}: ${v.detail}`), ...r.unexpected].slice(0, 12).join('\n') +
  `\nplan: ${describePlan(plan)}`;

describe.each(['postgres', 'pglite'] as const)('randomized sync faults on %s', (backend) => {
  let sim: SimServer;
  beforeAll(async () => {
    sim = await startSimServer(backend);
  });
  afterAll(async () => {
    if (sim) await stopSimServer(sim);
  });

  it('no command lost or applied twice, nothing oversold, every desktop equal to the server', async () => {
    const { numRuns, maxSteps } = RUNS[backend];
    const totals = { runs: 0, accepted: 0, applied: 0, rejected: 0 };
    const faults: Record<string, number> = {};
    await fc.assert(
      fc.asyncProperty(planArb({ maxSteps }), async (plan) => {
        const r = await runSimulation(sim, plan);
        totals.runs += 1;
        totals.accepted += r.accepted;
        totals.applied += r.applied;
        totals.rejected += r.rejected;
        for (const [k, n] of Object.entries(r.faults)) faults[k] = (faults[k] ?? 0) + n;
        if (r.violations.length > 0 || r.unexpected.length > 0) throw new Error(explain(plan, r));
      }),
      { numRuns, examples: [[EVERY_FAULT]], interruptAfterTimeLimit: 240_000, markInterruptAsFailure: true },
    );
    // The runs did what they claim: commands accepted, applied and refused on the server, and
    // every kind of fault injected (the fixed plan guarantees each one at least once).
    expect(totals.runs).toBeGreaterThanOrEqual(numRuns);
    expect(totals.applied).toBeGreaterThan(0);
    expect(totals.rejected).toBeGreaterThan(0);
    for (const kind of [
      'partition',
      'push-response',
      'push-abandon',
      'push-request',
      'pull-response',
      'pull-request',
      'pull-race',
      'refresh-response',
      'restart',
      'kill',
      'dup',
      'dup-racing',
      'compact',
      'server-order',
      'server-receive',
      'snapshot-page',
    ])
      expect(faults[kind] ?? 0, kind).toBeGreaterThan(0);
  }, 300_000);
});

describe('the judgement of a sync run', () => {
  let sim: SimServer;
  beforeAll(async () => {
    sim = await startSimServer('postgres');
  });
  afterAll(async () => {
    if (sim) await stopSimServer(sim);
  });

  it('catches a lost, a doubled, an oversold, a phantom and a diverged run', async () => {
    const r = await runSimulation(sim, EVERY_FAULT, {
      async beforeJudge(world) {
        const s = world.server.conn.db;
        // lost: a desktop forgets the reason of a refused command.
        for (const d of world.desktops) await d.db.deleteFrom('sync_issues').execute();
        // duplicated: a receipt's movement written twice.
        const receipt = world.accepted.find((a) => a.command === 'receiveStock')!;
        await sql`insert into stock_movements
            select id || ':again', op_id, kind, item_id, warehouse_id, location_id, lot, expiry, owner_id, status,
                   quantity, reason_code, note, doc_type, doc_id, doc_line, actor, created_at
            from stock_movements where op_id = ${String(receipt.args['id'])}`.execute(s);
        // oversold: a bucket reserving more than it holds.
        await sql`update stock_balances set qty_reserved = qty_available + 1
            where item_id = (select min(item_id) from stock_balances)`.execute(s);
        // phantom: the server holds a mutation no desktop sent.
        await sql`insert into sync_mutations (client_id, seq, mutation_id, command, command_version, status, result, feed_seq, user_id)
            select client_id, 9999, ${'00000000-0000-4000-8000-000000000000'}, 'receiveStock', 1, 'applied', '{}'::jsonb, null, user_id
            from sync_clients limit 1`.execute(s);
        // diverged: one desktop's copy of an order differs.
        await world.desktops[2]!.db.updateTable('orders').set({ note: 'changed here only' }).execute();
      },
    });
    const counts = countViolations(r.violations);
    expect(counts.lost, explain(EVERY_FAULT, r)).toBeGreaterThan(0);
    expect(counts.duplicated).toBeGreaterThan(0);
    expect(counts.oversold).toBeGreaterThan(0);
    expect(counts.phantom).toBeGreaterThan(0);
    expect(counts.diverged).toBeGreaterThan(0);
  }, 120_000);
});
