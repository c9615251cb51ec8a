import { sql, type Kysely } from 'kysely';
import type { Database } from '../../db/connect.ts';
import type { DB } from '../../db/schema.ts';
import type { Access } from '../../core/auth/permissions.ts';
import { AppError } from '../../core/errors.ts';

/**
 * Per-device number ranges: each call hands the desktop a fresh block per series from the
 * server's counter, so desktops working offline number documents without ever colliding, and
 * the server's own numbering (Open API intake) draws from the same counter.
 */
export async function issueNumberBlocks(
  db: Kysely<DB>,
  clientId: string,
  series: readonly string[],
  size: number,
): Promise<{ blocks: { series: string; first: number; last: number }[] }> {
  const blocks: { series: string; first: number; last: number }[] = [];
  await db.transaction().execute(async (trx) => {
    for (const s of series) {
      const { rows } = await sql<{ last_no: number | string }>`
        insert into number_series (series, last_no) values (${s}, ${size})
        on conflict (series) do update set last_no = number_series.last_no + ${size}
        returning last_no`.execute(trx);
      const last = Number(rows[0]!.last_no);
      const first = last - size + 1;
      await sql`insert into number_blocks_issued (series, client_id, first_no, last_no)
        values (${s}, ${clientId}, ${first}, ${last})`.execute(trx);
      blocks.push({ series: s, first, last });
    }
  });
  return { blocks };
}

/** The server's own next number of a series (documents created on the server). */
export async function nextServerNumber(db: Database, series: string): Promise<number> {
  const { rows } = await sql<{ last_no: number | string }>`
    insert into number_series (series, last_no) values (${series}, 1)
    on conflict (series) do update set last_no = number_series.last_no + 1
    returning last_no`.execute(db);
  return Number(rows[0]!.last_no);
}

/**
 * SSCC serial ranges are handed out only for a company prefix some supplier holds, and to a
 * supplier's clerk only for its own: another supplier's serials would let it forge their labels.
 */
export async function assertSeriesAllowed(db: Kysely<DB>, access: Access, series: readonly string[]): Promise<void> {
  for (const s of series) {
    if (!s.startsWith('SSCC-')) continue;
    const prefix = s.slice('SSCC-'.length);
    const owners = await db.selectFrom('suppliers').select('id').where('gs1_company_prefix', '=', prefix).execute();
    const allowed = access.supplier === null ? owners.length > 0 : owners.some((o) => o.id === access.supplier);
    if (!allowed)
      throw new AppError('auth.out-of-scope', `No SSCC range for prefix ${prefix} for this user`, { series: s });
  }
}
