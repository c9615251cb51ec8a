import { cpus, totalmem } from 'node:os';
import Database from 'better-sqlite3';
import { Kysely, SqliteDialect } from 'kysely';
import type { DB } from '../db/schema.ts';
/** Percentiles over measured samples (milliseconds). */
export function summarize(samples: number[]) {
  const sorted = [...samples].sort((a, b) => a - b);
  const at = (q: number) => sorted[Math.min(sorted.length - 1, Math.floor(q * sorted.length))] ?? NaN;
  const round = (n: number) => Math.round(n * 1000) / 1000;
  return {
    n: sorted.length,
    p50: round(at(0.5)),
    p90: round(at(0.9)),
    p95: round(at(0.95)),
    p99: round(at(0.99)),
    max: round(sorted.at(-1) ?? NaN),
  };
}

export async function time<T>(fn: () => Promise<T> | T): Promise<number> {
  const start = performance.now();
  await fn();
  return performance.now() - start;
}

/** a / b to one decimal: how many times the reference a figure is. */
export const ratio = (a: number, b: number): number => Math.round((a / b) * 10) / 10;

/** Runs `fn` `rounds` times, or fewer when one run is slow: at most `budgetMs` of samples (≥ min). */
export async function sample(
  fn: () => Promise<unknown> | unknown,
  rounds: number,
  budgetMs: number,
  min: number,
): Promise<number[]> {
  const out: number[] = [];
  let spent = 0;
  while (out.length < rounds && (out.length < min || spent < budgetMs)) {
    const ms = await time(fn);
    out.push(ms);
    spent += ms;
  }
  return out;
}

/** SQL statements a kysely instance runs, with their parameters (to count, EXPLAIN and replay raw). */
export function capturingKysely(file: string) {
  const statements: Array<{ sql: string; parameters: readonly unknown[] }> = [];
  const database = new Database(file);
  const db = new Kysely<DB>({
    dialect: new SqliteDialect({ database }),
    log: (e) => {
      if (e.level === 'query') statements.push({ sql: e.query.sql, parameters: e.query.parameters });
    },
  });
  return { db, statements, close: () => db.destroy() };
}

/** The machine a result was measured on (recorded with every result file). */
export const machineFacts = () => ({
  cpus: cpus().length,
  model: cpus()[0]?.model ?? '',
  memoryGb: Math.round(totalmem() / 2 ** 30),
});
