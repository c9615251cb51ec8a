import { createHash } from 'node:crypto';
import type { Kysely } from 'kysely';
import type { DB } from '../schema.ts';

/**
 * A digest of every row of the given tables, rows ordered canonically in JS (collations differ
 * between backends) and values compared as text: two databases seeded alike hash alike.
 */
export async function tablesChecksum(db: Kysely<DB>, tables: readonly (keyof DB)[]): Promise<string> {
  const hash = createHash('sha256');
  for (const table of tables) {
    const rows = (await db.selectFrom(table).selectAll().execute()) as Array<Record<string, unknown>>;
    const lines = rows.map((r) =>
      JSON.stringify(
        Object.keys(r)
          .sort()
          .map((k) => [k, r[k] === null || r[k] === undefined ? null : String(r[k])]),
      ),
    );
    lines.sort();
    hash.update(`${table}:${lines.length}\n${lines.join('\n')}\n`);
  }
  return hash.digest('hex');
}
