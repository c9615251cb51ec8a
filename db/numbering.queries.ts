import { sql } from 'kysely';
import { AppError } from '../core/errors.ts';
import { ssccOf, ssccSeries } from '../core/dock/rules.ts';
import type { Database } from './connect.ts';

/**
 * Document numbers. A desktop that has synced numbers from blocks the server handed it
 * (`SO-0001001`): blocks never overlap, so desktops working offline never collide. Before its
 * first block (a desktop never online, or one that used every number offline) it falls back to
 * its own device series (`SO-3F2A-000001`), unique by the device tag.
 */
export const formatDocNumber = (series: string, n: number): string => `${series}-${String(n).padStart(7, '0')}`;

export interface NumberSource {
  /** Draw from server-issued blocks first (desktop databases only). */
  blocks: boolean;
  /** This database's device tag, for the fallback series. */
  device: string;
}

export async function drawNumbers(db: Database, prefix: string, n: number, source: NumberSource): Promise<string[]> {
  const out = source.blocks ? (await takeFromBlocks(db, prefix, n)).map((no) => formatDocNumber(prefix, no)) : [];
  const rest = n - out.length;
  if (rest > 0) {
    const series = `${prefix}-${source.device}`;
    const row = await db
      .insertInto('doc_counters')
      .values({ prefix: series, last_no: rest })
      .onConflict((oc) => oc.column('prefix').doUpdateSet({ last_no: sql`doc_counters.last_no + ${rest}` }))
      .returning('last_no')
      .executeTakeFirstOrThrow();
    const first = row.last_no - rest + 1;
    for (let i = 0; i < rest; i++) out.push(`${series}-${String(first + i).padStart(6, '0')}`);
  }
  return out;
}

/** Up to `n` numbers from this desktop's blocks of a series, oldest block first. */
async function takeFromBlocks(db: Database, series: string, n: number): Promise<number[]> {
  const out: number[] = [];
  while (out.length < n) {
    const block = await db
      .selectFrom('number_blocks')
      .selectAll()
      .where('series', '=', series)
      .whereRef('next_no', '<=', 'last_no')
      .orderBy('first_no')
      .limit(1)
      .executeTakeFirst();
    if (!block) break;
    const take = Math.min(n - out.length, block.last_no - block.next_no + 1);
    await db
      .updateTable('number_blocks')
      .set({ next_no: block.next_no + take })
      .where('series', '=', series)
      .where('first_no', '=', block.first_no)
      .execute();
    for (let i = 0; i < take; i++) out.push(block.next_no + i);
  }
  return out;
}

/** Numbers left in this desktop's blocks of a series. */
export async function numbersLeft(db: Database, series: string): Promise<number> {
  const row = await db
    .selectFrom('number_blocks')
    .select(sql<number>`coalesce(sum(last_no - next_no + 1), 0)`.as('n'))
    .where('series', '=', series)
    .whereRef('next_no', '<=', 'last_no')
    .executeTakeFirstOrThrow();
  return Number(row.n);
}

export async function addNumberBlocks(
  db: Database,
  blocks: readonly { series: string; first: number; last: number }[],
): Promise<void> {
  for (const b of blocks)
    await db
      .insertInto('number_blocks')
      .values({ series: b.series, first_no: b.first, last_no: b.last, next_no: b.first })
      .onConflict((oc) => oc.columns(['series', 'first_no']).doNothing())
      .execute();
}

/**
 * SSCCs for `count` new handling units of a supplier. With a server, serials come only from the
 * ranges it issued to this desktop (asked for on the spot when online and short): two desktops
 * can never print the same SSCC, even offline. A desktop without a server is the only database,
 * so its own counter is unique. Never falls back to guessing: no range left is a coded refusal.
 */
export async function drawSsccs(
  db: Database,
  want: { supplierId: string; count: number },
  source: { blocks: boolean; topUp?: (series: string, count: number) => Promise<void> },
): Promise<string[]> {
  const supplier = await db
    .selectFrom('suppliers')
    .select(['code', 'gs1_company_prefix'])
    .where('id', '=', want.supplierId)
    .executeTakeFirst();
  if (!supplier) throw new AppError('masterdata.invalid-reference', `No supplier ${want.supplierId}`);
  const prefix = supplier.gs1_company_prefix;
  if (!prefix)
    throw new AppError('dock.no-company-prefix', `Supplier ${supplier.code} has no GS1 company prefix`, {
      supplier: supplier.code,
    });
  const series = ssccSeries(prefix);
  if (!source.blocks) {
    const row = await db
      .insertInto('doc_counters')
      .values({ prefix: series, last_no: want.count })
      .onConflict((oc) => oc.column('prefix').doUpdateSet({ last_no: sql`doc_counters.last_no + ${want.count}` }))
      .returning('last_no')
      .executeTakeFirstOrThrow();
    const first = row.last_no - want.count + 1;
    return Array.from({ length: want.count }, (_, i) => ssccOf(prefix, first + i));
  }
  if ((await numbersLeft(db, series)) < want.count && source.topUp)
    await source.topUp(series, want.count).catch(() => undefined);
  const left = await numbersLeft(db, series);
  if (left < want.count)
    throw new AppError(
      'dock.no-sscc-range',
      `${left} SSCC serials left for prefix ${prefix}, ${want.count} needed: connect to the server once to get a range`,
      { companyPrefix: prefix, left, needed: want.count },
    );
  return (await takeFromBlocks(db, series, want.count)).map((no) => ssccOf(prefix, no));
}
