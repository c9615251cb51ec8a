import { sql } from 'kysely';
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
  const out: string[] = [];
  if (source.blocks)
    while (out.length < n) {
      const block = await db
        .selectFrom('number_blocks')
        .selectAll()
        .where('series', '=', prefix)
        .whereRef('next_no', '<=', 'last_no')
        .orderBy('first_no')
        .limit(1)
        .executeTakeFirst();
      if (!block) break;
      const take = Math.min(n - out.length, block.last_no - block.next_no + 1);
      await db
        .updateTable('number_blocks')
        .set({ next_no: block.next_no + take })
        .where('series', '=', prefix)
        .where('first_no', '=', block.first_no)
        .execute();
      for (let i = 0; i < take; i++) out.push(formatDocNumber(prefix, block.next_no + i));
    }
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
