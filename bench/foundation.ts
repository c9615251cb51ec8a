import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { randomUUID } from 'node:crypto';
import Database from 'better-sqlite3';
import { createAppHost, DATABASE_FILE } from '../main/app/host.ts';
import { seedMasterData, type SeedSize } from '../db/seed/seed.ts';
import { openSqlite } from '../db/connect.ts';
import { migrateToLatest } from '../db/migrate.ts';
import { summarize, time } from './stats.ts';

/**
 * Foundation benchmarks. Every figure is set against a reference measured in the same run
 * (raw better-sqlite3 doing the same work), because these machines are shared and noisy.
 */
export async function runFoundation(quick: boolean): Promise<string> {
  const SIZE: SeedSize = {
    items: 5000,
    customers: 2000,
    suppliers: 300,
    warehouses: 20,
    locationsPerWarehouse: 20,
    seed: 7,
  };
  const ROUNDS = quick ? 200 : 2000;

  const dir = mkdtempSync(join(tmpdir(), 'oms-bench-'));
  const results: Record<string, unknown> = {
    when: new Date().toISOString(),
    node: process.version,
    size: SIZE,
    rounds: ROUNDS,
  };

  try {
    // --- seed: the generator writing master data through the dialect-neutral queries
    const seedConn = openSqlite(join(dir, DATABASE_FILE));
    await migrateToLatest(seedConn.db, 'desktop');
    const seedMs = await time(() => seedMasterData(seedConn.db, SIZE));
    await seedConn.close();
    const seedRows =
      SIZE.items * 3 + SIZE.customers * 3 + SIZE.suppliers + SIZE.warehouses * (1 + SIZE.locationsPerWarehouse);
    results['seed'] = { ms: Math.round(seedMs), rows: seedRows, rowsPerSecond: Math.round(seedRows / (seedMs / 1000)) };

    const host = await createAppHost({ dataDir: dir, serverUrl: null, shell: 'web' });
    const raw = new Database(join(dir, DATABASE_FILE));
    raw.pragma('journal_mode = WAL');
    raw.pragma('synchronous = NORMAL');

    // --- B1: create a customer through the app API (validate, command, transaction, outbox row)
    const api: number[] = [];
    for (let i = 0; i < ROUNDS; i += 1) {
      api.push(
        await time(async () => {
          const r = await host.handle('customers.create', {
            code: `BENCH-${i}`,
            name: `基准客户${i}`,
            creditLimitMinor: 100_000,
          });
          if (!r.ok) throw new Error(r.error.message);
        }),
      );
    }
    // Reference: the same rows written by hand-written SQL in one transaction each.
    const insertCustomer = raw.prepare(
      `insert into customers (id, code, name, grade, credit_limit_minor, currency, contact_name, phone, email, active, version, created_at, updated_at)
     values (?, ?, ?, 'C', 100000, 'CNY', null, null, null, 1, 1, ?, ?)`,
    );
    const insertOutbox = raw.prepare(
      `insert into outbox (seq, mutation_id, client_id, command, command_version, args_json, created_at, status)
     values (?, ?, 'bench', 'createCustomer', 1, ?, ?, 'pending')`,
    );
    const seqBase = 10_000_000;
    const rawTx = raw.transaction((i: number) => {
      const now = new Date().toISOString();
      const exists = raw.prepare('select id from customers where code = ?').get(`RAW-${i}`);
      if (exists) throw new Error('dup');
      insertCustomer.run(randomUUID(), `RAW-${i}`, `基准客户${i}`, now, now);
      insertOutbox.run(seqBase + i, randomUUID(), JSON.stringify({ code: `RAW-${i}` }), now);
    });
    const rawTimes: number[] = [];
    for (let i = 0; i < ROUNDS; i += 1) rawTimes.push(await time(() => rawTx(i)));
    const b1 = { api: summarize(api), rawSql: summarize(rawTimes) };
    results['B1_create_customer'] = { ...b1, ratioP50: Math.round((b1.api.p50 / b1.rawSql.p50) * 10) / 10 };

    // --- B2: list all 5,000 items (with units) through the app API vs the raw SQL
    const listApi: number[] = [];
    const listRaw: number[] = [];
    const rawItems = raw.prepare('select * from items where active = 1 order by sku limit 10000');
    const rawUoms = raw.prepare('select * from item_uoms order by item_id, uom');
    for (let i = 0; i < (quick ? 10 : 40); i += 1) {
      listApi.push(
        await time(async () => {
          const r = await host.handle('items.list', {});
          if (!r.ok) throw new Error(r.error.message);
        }),
      );
      listRaw.push(await time(() => [rawItems.all(), rawUoms.all()]));
    }
    const b2 = { api: summarize(listApi), rawSql: summarize(listRaw) };
    results['B2_list_items'] = { ...b2, ratioP50: Math.round((b2.api.p50 / b2.rawSql.p50) * 10) / 10 };

    raw.close();
    await host.close();
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }

  mkdirSync(join(import.meta.dirname, 'results'), { recursive: true });
  const file = join(import.meta.dirname, 'results', `foundation-${Date.now()}.json`);
  writeFileSync(file, JSON.stringify(results, null, 2));
  console.log(JSON.stringify(results, null, 2));
  console.log(`results: ${file}`);
  return file;
}
