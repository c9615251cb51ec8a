import type { Transaction } from 'kysely';
import { AppError } from '../core/errors.ts';
import type { Database } from './connect.ts';
import type { DB } from './schema.ts';

export interface OutboxEntry {
  seq: number;
  mutationId: string;
  clientId: string;
  command: string;
  commandVersion: number;
  args: unknown;
  createdAt: string;
  status: string;
}

export interface NewOutboxEntry {
  mutationId: string;
  command: string;
  commandVersion: number;
  args: unknown;
  /** Who ran it here: a replay after a rebase runs as the same clerk. */
  actor?: unknown;
  createdAt: string;
}

const META_ID = 1;

/** Gives this database its identity on first use; later calls return the stored one. */
export async function ensureClientId(db: Database, makeId: () => string): Promise<string> {
  await db
    .insertInto('client_meta')
    .values({ id: META_ID, client_id: makeId(), last_seq: 0 })
    .onConflict((oc) => oc.column('id').doNothing())
    .execute();
  const id = await getClientId(db);
  if (id === undefined) throw new AppError('system.unexpected', 'client_meta row missing after insert');
  return id;
}

export async function getClientId(db: Database): Promise<string | undefined> {
  const row = await db.selectFrom('client_meta').select('client_id').where('id', '=', META_ID).executeTakeFirst();
  return row?.client_id;
}

/**
 * Records one command for sync. Takes a transaction so the seq bump, the outbox row and the
 * command's own writes commit or vanish together: a rolled-back command leaves no gap.
 */
export async function appendOutbox(
  trx: Transaction<DB>,
  entry: NewOutboxEntry,
): Promise<{ seq: number; clientId: string }> {
  const meta = await trx
    .updateTable('client_meta')
    .set((eb) => ({ last_seq: eb('last_seq', '+', 1) }))
    .where('id', '=', META_ID)
    .returning(['last_seq', 'client_id'])
    .executeTakeFirst();
  if (!meta) throw new AppError('system.unexpected', 'No client id yet: call ensureClientId when opening the database');
  await trx
    .insertInto('outbox')
    .values({
      seq: meta.last_seq,
      mutation_id: entry.mutationId,
      client_id: meta.client_id,
      command: entry.command,
      command_version: entry.commandVersion,
      args_json: JSON.stringify(entry.args),
      actor_json: entry.actor === undefined ? null : JSON.stringify(entry.actor),
      created_at: entry.createdAt,
    })
    .execute();
  return { seq: meta.last_seq, clientId: meta.client_id };
}

export async function countOutbox(db: Database, status?: string): Promise<number> {
  let query = db.selectFrom('outbox').select((eb) => eb.fn.countAll<number | string>().as('n'));
  if (status !== undefined) query = query.where('status', '=', status);
  const row = await query.executeTakeFirstOrThrow();
  return Number(row.n);
}

/** Keyset page by seq: OFFSET would rescan every earlier row. */
export async function listOutbox(db: Database, options: { afterSeq?: number; limit: number }): Promise<OutboxEntry[]> {
  const rows = await db
    .selectFrom('outbox')
    .selectAll()
    .where('seq', '>', options.afterSeq ?? 0)
    .orderBy('seq')
    .limit(options.limit)
    .execute();
  return rows.map((r) => ({
    seq: r.seq,
    mutationId: r.mutation_id,
    clientId: r.client_id,
    command: r.command,
    commandVersion: r.command_version,
    args: JSON.parse(r.args_json) as unknown,
    createdAt: r.created_at,
    status: r.status,
  }));
}
