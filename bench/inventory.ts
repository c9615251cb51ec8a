import { spawnSync } from 'node:child_process';
import { createHash, randomUUID } from 'node:crypto';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { runCommand } from '../commands/runner.ts';
import { createAppHost, DATABASE_FILE } from '../main/app/host.ts';
import { inventoryGrid } from '../db/inventory.queries.ts';
import { todayUtc, type SeedReport, type SeedSize } from '../db/seed/seed.ts';
import { gridInput, type GridInput } from '../core/inventory/schemas.ts';
import { capturingKysely, machineFacts, ratio, sample as sampleRuns, summarize, time } from './stats.ts';
import { rawReserve, type RawBucket } from './rawReserve.ts';

/**
 * Inventory benchmarks (I1–I3) on a SQLite database seeded at full scale: 5,000 items, 20
 * warehouses, 2,000 customers and a year of inventory ledger. Each figure goes with a reference
 * measured in the same run on raw better-sqlite3 doing the same work.
 */
const SIZE: SeedSize = {
  items: 5000,
  customers: 2000,
  suppliers: 300,
  warehouses: 20,
  locationsPerWarehouse: 20,
  seed: 7,
  ledgerDays: 365,
  ledgerDensity: 1,
};

type Row = Record<string, unknown>;

const sample = (fn: () => Promise<unknown> | unknown, rounds: number, budgetMs: number, min = 3) =>
  sampleRuns(fn, rounds, budgetMs, min);

function balancesChecksum(raw: Database.Database): { rows: number; sha256: string } {
  const hash = createHash('sha256');
  let rows = 0;
  for (const r of raw
    .prepare(
      `select item_id, warehouse_id, lot, expiry, owner_id, qty_available, qty_frozen, qty_quality,
              qty_in_transit, qty_reserved, received_at
         from stock_balances order by item_id, warehouse_id, lot, expiry, owner_id`,
    )
    .raw()
    .iterate()) {
    hash.update((r as unknown[]).join('|'));
    hash.update('\n');
    rows += 1;
  }
  return { rows, sha256: hash.digest('hex') };
}

const PROJECTION = `
  select item_id, warehouse_id, lot, expiry, owner_id,
         sum(a) as qty_available, sum(f) as qty_frozen, sum(q) as qty_quality, sum(t) as qty_in_transit,
         sum(r) as qty_reserved, coalesce(min(received), '9999-12-31T23:59:59.999Z') as received_at
    from (
      select item_id, warehouse_id, lot, expiry, owner_id,
             case when status = 'available' then quantity else 0 end as a,
             case when status = 'frozen' then quantity else 0 end as f,
             case when status = 'quality' then quantity else 0 end as q,
             case when status = 'in_transit' then quantity else 0 end as t,
             0 as r,
             case when quantity > 0 then created_at end as received
        from stock_movements
      union all
      select item_id, warehouse_id, lot, expiry, owner_id, 0, 0, 0, 0, quantity, null from stock_reservations
    ) u
   group by item_id, warehouse_id, lot, expiry, owner_id`;

const COLS = ['qty_available', 'qty_frozen', 'qty_quality', 'qty_in_transit', 'qty_reserved', 'received_at'];
const DIFFERENCES = `
  select count(*) as n from (${PROJECTION}) l
    full join stock_balances b
      on b.item_id = l.item_id and b.warehouse_id = l.warehouse_id and b.lot = l.lot
     and b.expiry = l.expiry and b.owner_id = l.owner_id
   where l.item_id is null or b.item_id is null or ${COLS.map((c) => `l.${c} <> b.${c}`).join(' or ')}`;

export async function runInventory(quick: boolean, only?: readonly string[]): Promise<string> {
  const selected = (id: string) => !only || only.length === 0 || only.includes(id);
  const size: SeedSize = { ...SIZE, asOf: todayUtc(), ledgerDensity: quick ? 0.1 : 1 };
  const ROUNDS = { reserve: quick ? 100 : 600, rebuild: quick ? 1 : 2, grid: quick ? 5 : 20 };
  const dir = mkdtempSync(join(tmpdir(), 'oms-bench-inv-'));
  const file = join(dir, DATABASE_FILE);
  const results: Row = {
    when: new Date().toISOString(),
    node: process.version,
    machine: machineFacts(),
    quick,
    only: only ?? null,
    size,
    rounds: ROUNDS,
  };
  const report = (key: string, value: unknown) => {
    results[key] = value;
    console.log(key, JSON.stringify(value));
  };

  try {
    // --- seed: master data + a year of ledger, rows in bulk, balances by rebuildBalances(); in a
    // child process, so the measurements below start from a heap without the generator's garbage.
    const child = spawnSync(
      process.execPath,
      ['--import', 'tsx', join(import.meta.dirname, 'seed-child.ts'), file, JSON.stringify(size)],
      { encoding: 'utf8', maxBuffer: 1 << 24 },
    );
    if (child.status !== 0) throw new Error(`seeding failed: ${child.stderr}`);
    const { ms: seedMs, report: seeded } = JSON.parse(child.stdout.trim().split('\n').at(-1) ?? '{}') as {
      ms: number;
      report: SeedReport;
    };
    const inv = seeded.inventory;
    report('seed', {
      ms: seedMs,
      movements: inv?.movements,
      reservations: inv?.reservations,
      buckets: inv?.buckets,
      transfers: inv?.transfers,
      movementsByKind: inv?.movementsByKind,
      phases: inv?.ms,
      ledgerRowsPerSecond: Math.round(((inv?.movements ?? 0) + (inv?.reservations ?? 0)) / (seedMs / 1000)),
    });

    const host = await createAppHost({ dataDir: dir, serverUrl: null, shell: 'web' });
    const raw = new Database(file);
    raw.pragma('journal_mode = WAL');
    raw.pragma('synchronous = NORMAL');
    raw.pragma('foreign_keys = ON');
    const capture = capturingKysely(file);

    try {
      if (selected('I1')) {
        // ---------- I1: reserve a 10-line demand ----------
        const today = todayUtc();
        const candidates = raw
          .prepare(
            `select b.warehouse_id as w, b.item_id as i, sum(b.qty_available - b.qty_reserved) as free
             from stock_balances b join items it on it.id = b.item_id
            where b.owner_id = 'own' and (b.expiry = '' or b.expiry >= ?)
            group by b.warehouse_id, b.item_id
           having free >= 60
            order by b.warehouse_id, b.item_id`,
          )
          .all(today) as Array<{ w: string; i: string; free: number }>;
        const byWarehouse = new Map<string, string[]>();
        for (const c of candidates) byWarehouse.set(c.w, [...(byWarehouse.get(c.w) ?? []), c.i]);
        const warehouses = [...byWarehouse.keys()].filter((w) => (byWarehouse.get(w) ?? []).length >= 10);
        const demands = Array.from({ length: ROUNDS.reserve }, (_, n) => {
          const w = warehouses[n % warehouses.length] as string;
          const items = byWarehouse.get(w) as string[];
          const start = (n * 37) % items.length;
          return Array.from({ length: 10 }, (_, k) => ({
            demandLine: k + 1,
            itemId: items[(start + k * 11) % items.length] as string,
            warehouseId: w,
            quantity: 1 + ((n + k) % 3),
          }));
        });

        // Reference: the same allocation by hand-written statements, one transaction per demand.
        const q = {
          item: raw.prepare('select id, expiry_tracked from items where id = ?'),
          warehouse: raw.prepare('select id, allow_negative_stock from warehouses where id = ?'),
          buckets: raw.prepare(
            `select * from stock_balances where item_id = ? and warehouse_id = ? and owner_id = 'own'`,
          ),
          insert: raw.prepare(
            `insert into stock_reservations (id, op_id, demand_type, demand_id, demand_line, item_id, warehouse_id,
             lot, expiry, owner_id, quantity, reason_code, actor, created_at)
           values (?, ?, 'sales-order', ?, ?, ?, ?, ?, ?, ?, ?, null, 'bench', ?)`,
          ),
          update: raw.prepare(
            `update stock_balances set qty_reserved = qty_reserved + ?
            where item_id = ? and warehouse_id = ? and lot = ? and expiry = ? and owner_id = ?
           returning qty_available, qty_reserved`,
          ),
          seq: raw.prepare('update client_meta set last_seq = last_seq + 1 where id = 1 returning last_seq, client_id'),
          outbox: raw.prepare(
            `insert into outbox (seq, mutation_id, client_id, command, command_version, args_json, created_at, status)
           values (?, ?, ?, 'reserveStock', 1, ?, ?, 'pending')`,
          ),
        };
        const reserveRaw = raw.transaction((demandId: string, lines: (typeof demands)[number]) => {
          const now = new Date().toISOString();
          const day = now.slice(0, 10);
          const op = randomUUID();
          let r = 0;
          for (const line of lines) {
            const item = q.item.get(line.itemId) as { expiry_tracked: number } | undefined;
            if (!item || !q.warehouse.get(line.warehouseId)) throw new Error('unknown reference');
            rawReserve(
              q.buckets.all(line.itemId, line.warehouseId) as RawBucket[],
              line.quantity,
              item.expiry_tracked === 1,
              day,
              (b, take) => {
                r += 1;
                q.insert.run(
                  `${op}:r${r}`,
                  op,
                  demandId,
                  line.demandLine,
                  b.item_id,
                  b.warehouse_id,
                  b.lot,
                  b.expiry,
                  b.owner_id,
                  take,
                  now,
                );
                return q.update.get(take, b.item_id, b.warehouse_id, b.lot, b.expiry, b.owner_id) as RawBucket;
              },
            );
          }
          const meta = q.seq.get() as { last_seq: number; client_id: string };
          q.outbox.run(meta.last_seq, randomUUID(), meta.client_id, JSON.stringify({ demandId, lines }), now);
        });

        const apiTimes: number[] = [];
        const rawTimes: number[] = [];
        // In blocks, not interleaved: a write on one connection makes SQLite drop the other's page
        // cache, which would tax both sides with cold reads that neither has on its own.
        const api = async (n: number, lines: (typeof demands)[number]) => {
          const r = await host.handle('inventory.reserve', {
            demand: { type: 'sales-order', id: `BENCH-API-${n}` },
            lines,
          });
          if (!r.ok) throw new Error(`${r.error.code}: ${r.error.message}`);
        };
        const block = Math.max(1, Math.floor(demands.length / 4));
        for (let from = 0; from < demands.length; from += block) {
          const part = [...demands.entries()].slice(from, from + block);
          for (const [n, lines] of part) apiTimes.push(await time(() => api(n, lines)));
          for (const [n, lines] of part) rawTimes.push(await time(() => reserveRaw(`BENCH-RAW-${n}`, lines)));
        }
        // How many statements one 10-line reserve runs through the command layer.
        capture.statements.length = 0;
        const probe = await runCommand(
          capture.db,
          'reserveStock',
          {
            id: randomUUID(),
            demand: { type: 'sales-order', id: 'BENCH-PROBE' },
            lines: demands[0],
            allowPartial: false,
          },
          { actor: { userId: null, name: 'bench' }, now: new Date().toISOString(), origin: 'desktop' },
          { outbox: true },
        );
        if (!probe.result.ok) throw new Error(probe.result.error.message);
        const i1 = { api: summarize(apiTimes), rawSql: summarize(rawTimes) };
        report('I1_reserve_10_lines', {
          ...i1,
          ratioP50: ratio(i1.api.p50, i1.rawSql.p50),
          ratioP95: ratio(i1.api.p95, i1.rawSql.p95),
          targetP95Ms: 2,
          met: i1.api.p95 <= 2,
          statementsPerDemand: capture.statements.length,
        });
      }

      // Before each benchmark the WAL is folded into the database file, so neither connection reads
      // through pages the other (or the previous benchmark) left in the log.
      const checkpoint = () => raw.pragma('wal_checkpoint(TRUNCATE)');

      if (selected('I2')) {
        // ---------- I2: rebuild all balances from the year of ledger ----------
        checkpoint();
        const before = balancesChecksum(raw);
        const verifyApi: number[] = [];
        const rebuildApi: number[] = [];
        const verifyRaw: number[] = [];
        const rebuildRaw: number[] = [];
        const rawRebuild = raw.transaction(() => {
          raw.prepare('delete from stock_balances').run();
          raw
            .prepare(
              `insert into stock_balances (item_id, warehouse_id, lot, expiry, owner_id, ${COLS.join(', ')}) ${PROJECTION}`,
            )
            .run();
        });
        const rawDifferences = raw.prepare(DIFFERENCES);
        const checks: Row[] = [];
        for (let k = 0; k < ROUNDS.rebuild; k += 1) {
          let out: { buckets: number; differences: number } | undefined;
          verifyApi.push(
            await time(async () => {
              const r = await host.handle('inventory.rebuild', { verifyOnly: true });
              if (!r.ok) throw new Error(r.error.message);
              out = r.data as typeof out;
            }),
          );
          checks.push({ api: 'verifyOnly', ...out });
          rebuildApi.push(
            await time(async () => {
              const r = await host.handle('inventory.rebuild', {});
              if (!r.ok) throw new Error(r.error.message);
              out = r.data as typeof out;
            }),
          );
          const afterApi = balancesChecksum(raw);
          checks.push({ api: 'rebuild', ...out, identical: afterApi.sha256 === before.sha256, rows: afterApi.rows });
          let n = -1;
          verifyRaw.push(await time(() => (n = Number((rawDifferences.get() as { n: number }).n))));
          rebuildRaw.push(await time(() => rawRebuild()));
          const afterRaw = balancesChecksum(raw);
          checks.push({ raw: 'rebuild', differencesBefore: n, identical: afterRaw.sha256 === before.sha256 });
        }
        capture.statements.length = 0;
        await runCommand(
          capture.db,
          'rebuildStockBalances',
          { verifyOnly: true },
          { actor: { userId: null, name: 'bench' }, now: new Date().toISOString(), origin: 'desktop' },
          { outbox: false },
        );
        const verifySql = capture.statements.find((s) => /full join/i.test(s.sql));
        const i2 = {
          apiRebuild: summarize(rebuildApi),
          apiVerifyOnly: summarize(verifyApi),
          rawRebuild: summarize(rebuildRaw),
          rawVerify: summarize(verifyRaw),
        };
        const p50 = (s: { p50: number }) => s.p50;
        report('I2_rebuild_balances', {
          ledgerRows: Number(
            (
              raw
                .prepare(
                  'select (select count(*) from stock_movements) + (select count(*) from stock_reservations) as n',
                )
                .get() as { n: number }
            ).n,
          ),
          buckets: before.rows,
          checksumBefore: before.sha256,
          checks,
          ...i2,
          // The command also counts the buckets that differed; the raw reference only rebuilds.
          ratioRebuildP50: ratio(p50(i2.apiRebuild), p50(i2.rawRebuild)),
          ratioRebuildVsRawVerifyPlusRebuildP50: ratio(p50(i2.apiRebuild), p50(i2.rawRebuild) + p50(i2.rawVerify)),
          ratioVerifyP50: ratio(p50(i2.apiVerifyOnly), p50(i2.rawVerify)),
          targetMs: 10_000,
          met: i2.apiRebuild.p50 <= 10_000 && checks.every((c) => c['identical'] !== false && c['differences'] !== 1),
          plan: {
            rebuild: raw.prepare(`explain query plan ${PROJECTION}`).all(),
            verify: verifySql
              ? raw.prepare(`explain query plan ${verifySql.sql}`).all(...(verifySql.parameters as unknown[]))
              : null,
          },
        });
      }

      if (selected('I3')) {
        // ---------- I3: inventory grid pages ----------
        checkpoint();
        const grid: Row = {};
        const variants: Array<{ name: string; input: Partial<GridInput> }> = [
          { name: 'default_first', input: {} },
          { name: 'default_deep', input: {} },
          { name: 'item_first', input: { groupBy: ['item'] } },
          { name: 'item_deep', input: { groupBy: ['item'] } },
        ];
        for (const v of variants) {
          let input: Partial<GridInput> = { ...v.input, limit: 200 };
          if (v.name.endsWith('deep')) {
            // The cursor of the row in the middle of the list, as paging there would leave it.
            const byItem = v.input.groupBy?.length === 1;
            const nonZero = ['qty_available', 'qty_frozen', 'qty_quality', 'qty_in_transit', 'qty_reserved'];
            const middle = byItem
              ? `select i.sku, b.item_id from stock_balances b join items i on i.id = b.item_id
                group by b.item_id, i.sku having ${nonZero.map((c) => `sum(b.${c}) <> 0`).join(' or ')}
                order by i.sku, b.item_id limit 1 offset ?`
              : `select i.sku, b.item_id, w.code, b.warehouse_id, b.lot, b.expiry, b.owner_id
                 from stock_balances b join items i on i.id = b.item_id join warehouses w on w.id = b.warehouse_id
                where ${nonZero.map((c) => `b.${c} <> 0`).join(' or ')}
                order by i.sku, b.item_id, w.code, b.warehouse_id, b.lot, b.expiry, b.owner_id limit 1 offset ?`;
            const total = (await inventoryGrid(capture.db, gridInput.parse({ ...input, limit: 1 }))).count;
            const key = raw
              .prepare(middle)
              .raw()
              .get(Math.floor(total / 2)) as unknown[] | undefined;
            input = { ...input, after: JSON.stringify(key) };
          }
          const parsed = gridInput.parse(input);
          capture.statements.length = 0;
          const sampleOut = await inventoryGrid(capture.db, parsed);
          const statements = capture.statements.map((s) => ({ sql: s.sql, parameters: [...s.parameters] }));
          const prepared = statements.map((s) => raw.prepare(s.sql));
          const apiTimes = await sample(
            async () => {
              const r = await host.handle('inventory.grid', input);
              if (!r.ok) throw new Error(r.error.message);
            },
            ROUNDS.grid,
            quick ? 2_000 : 6_000,
          );
          const rawTimes = await sample(
            () => prepared.map((p, k) => p.all(...(statements[k]?.parameters ?? []))),
            ROUNDS.grid,
            quick ? 2_000 : 6_000,
          );
          const api = summarize(apiTimes);
          const rawSql = summarize(rawTimes);
          grid[v.name] = {
            rows: sampleOut.rows.length,
            groups: sampleOut.count,
            statements: statements.length,
            api,
            rawSql,
            ratioP50: ratio(api.p50, rawSql.p50),
            plan: statements.map((s, k) => ({
              sql: s.sql.replace(/\s+/g, ' ').slice(0, 160),
              // This statement alone on raw better-sqlite3 (median of three).
              ms: summarize(
                [0, 1, 2].map(() => {
                  const t0 = performance.now();
                  prepared[k]?.all(...s.parameters);
                  return performance.now() - t0;
                }),
              ).p50,
              plan: (raw.prepare(`explain query plan ${s.sql}`).all(...s.parameters) as Array<{ detail: string }>).map(
                (p) => p.detail,
              ),
            })),
          };
          console.log(`I3 ${v.name}`, JSON.stringify({ api, rawSql, rows: sampleOut.rows.length }));
        }
        results['I3_inventory_grid'] = grid;
      }
    } finally {
      raw.close();
      await capture.close();
      await host.close();
    }
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }

  mkdirSync(join(import.meta.dirname, 'results'), { recursive: true });
  const out = join(import.meta.dirname, 'results', `inventory-${Date.now()}.json`);
  writeFileSync(out, JSON.stringify(results, null, 2));
  console.log(`results: ${out}`);
  return out;
}
