import { sql, type Kysely } from 'kysely';
import type { AppErrorData } from '../../core/errors.ts';
import type { CommandContext } from '../../commands/define.ts';
import { findCommand } from '../../commands/registry.ts';
import { commandArgs, runInTransaction } from '../../commands/runner.ts';
import {
  applyChanges,
  beginCapture,
  endCapture,
  revertCommands,
  touchedKeys,
  wipeReplica,
} from '../../db/replica.queries.ts';
import type { Database } from '../../db/connect.ts';
import type { DB } from '../../db/schema.ts';
import { rowKey } from '../../db/sync.tables.ts';
import type { Change, MutationResult, WireError } from '../protocol/index.ts';

/**
 * Rebase on the desktop: local state = server state + pending commands. Given what the server
 * says (changed rows, commands it settled), in one SQLite transaction:
 *   1. pick the pending commands to take back out: every settled one, and every one that
 *      touched a row the server changed or a row an earlier picked command touched;
 *   2. revert them newest first (undo_log before-images);
 *   3. lay the server's rows down;
 *   4. drop the settled ones (a refusal becomes a sync issue with its arguments and reason);
 *   5. replay the rest in order on top, recording their before-images again.
 * Commands not picked touch none of those rows, so they stay as they are: the cost follows the
 * rows affected, not the length of the outbox.
 */

export interface PendingCommand {
  seq: number;
  mutationId: string;
  command: string;
  version: number;
  args: unknown;
  actor: CommandContext['actor'];
  createdAt: string;
  /** pending: not yet answered; applied: the server ran it, its effect is on the way in the feed. */
  status: string;
}

export interface Settlement {
  seq: number;
  status: MutationResult['status'];
  error?: WireError | AppErrorData;
  data?: unknown;
}

export interface RebaseInput {
  changes: readonly Change[];
  /** Commands the server has settled whose local effect must now give way to server state. */
  settled: readonly Settlement[];
  /** A snapshot's first page: empty the replica (outbox kept) before laying rows down. */
  reset?: boolean;
  /** During a snapshot nothing is replayed until the last page. */
  replay?: boolean;
  /** Stored with the rows, in the same transaction (cursor, snapshot position). */
  state?: Record<string, string | null>;
}

export interface RebaseReport {
  reverted: number;
  replayed: number;
  replayFailed: number;
  settled: number;
  applied: number;
}

const LOCAL_ACTOR: CommandContext['actor'] = { userId: null, name: 'local', roles: [] };

export async function pendingCommands(db: Database): Promise<PendingCommand[]> {
  const rows = await db
    .selectFrom('outbox')
    .select(['seq', 'mutation_id', 'command', 'command_version', 'args_json', 'actor_json', 'created_at', 'status'])
    .orderBy('seq')
    .execute();
  return rows.map((r) => ({
    seq: r.seq,
    mutationId: r.mutation_id,
    command: r.command,
    version: r.command_version,
    args: JSON.parse(r.args_json) as unknown,
    actor: r.actor_json ? (JSON.parse(r.actor_json) as CommandContext['actor']) : LOCAL_ACTOR,
    createdAt: r.created_at,
    status: r.status,
  }));
}

/**
 * Runs sync's own writes with SQLite's foreign-key enforcement off, on one reserved connection
 * (so no clerk's command runs in between without it). The server checked every reference; a
 * snapshot lays tables down in key order (a split order's child may come before its parent), and
 * a scoped replica holds rows whose parents it may never see.
 */
async function withoutForeignKeys<T>(db: Kysely<DB>, work: (db: Kysely<DB>) => Promise<T>): Promise<T> {
  return db.connection().execute(async (conn) => {
    await sql`pragma foreign_keys = off`.execute(conn);
    try {
      return await work(conn);
    } finally {
      await sql`pragma foreign_keys = on`.execute(conn);
    }
  });
}

export async function rebase(db: Kysely<DB>, input: RebaseInput, now: () => string): Promise<RebaseReport> {
  return withoutForeignKeys(db, (conn) => rebaseIn(conn, input, now));
}

async function rebaseIn(db: Kysely<DB>, input: RebaseInput, now: () => string): Promise<RebaseReport> {
  return db.transaction().execute(async (trx) => {
    await sql`update client_meta set capture_seq = null where id = 1`.execute(trx);
    const pending = await pendingCommands(trx);
    const settled = new Map(input.settled.map((s) => [s.seq, s]));
    const touched = await touchedKeys(
      trx,
      pending.map((p) => p.seq),
    );

    let picked: PendingCommand[];
    if (input.reset) {
      picked = pending;
    } else {
      const rows = new Set(input.changes.map((c) => rowKey(c.table, c.pk)));
      picked = [];
      for (const p of pending) {
        const keys = touched.get(p.seq) ?? new Set<string>();
        let hit = settled.has(p.seq);
        if (!hit)
          for (const k of keys)
            if (rows.has(k)) {
              hit = true;
              break;
            }
        if (!hit) continue;
        picked.push(p);
        for (const k of keys) rows.add(k);
      }
    }

    const reverted = await revertCommands(
      trx,
      picked.map((p) => p.seq),
    );
    if (input.reset) await wipeReplica(trx);
    await applyChanges(trx, input.changes);

    let settledCount = 0;
    for (const p of pending) {
      const s = settled.get(p.seq);
      if (!s) continue;
      settledCount += 1;
      if (s.status !== 'applied')
        await trx
          .insertInto('sync_issues')
          .values({
            mutation_id: p.mutationId,
            seq: p.seq,
            command: p.command,
            command_version: p.version,
            args_json: JSON.stringify(p.args),
            actor_json: JSON.stringify(p.actor),
            status: s.status,
            error_json: JSON.stringify(s.error ?? { code: 'system.unexpected', message: 'No reason given' }),
            created_at: p.createdAt,
            reported_at: now(),
          })
          .onConflict((oc) => oc.column('mutation_id').doNothing())
          .execute();
      await trx.deleteFrom('outbox').where('seq', '=', p.seq).execute();
    }

    let replayed = 0;
    let replayFailed = 0;
    if (input.replay !== false)
      for (const p of picked) {
        // The server already ran it: its effect arrives with a later page of this pull, so
        // replaying it here would only be undone again (and cost a replay per page).
        if (settled.has(p.seq) || p.status === 'applied') continue;
        const ok = await replay(trx, p, now);
        if (ok) replayed += 1;
        else replayFailed += 1;
      }

    for (const [key, value] of Object.entries(input.state ?? {}))
      if (value === null) await trx.deleteFrom('sync_state').where('key', '=', key).execute();
      else
        await trx
          .insertInto('sync_state')
          .values({ key, value })
          .onConflict((oc) => oc.column('key').doUpdateSet({ value }))
          .execute();

    return { reverted, replayed, replayFailed, settled: settledCount, applied: input.changes.length };
  });
}

/**
 * Runs a pending command again on the current local state, recording its before-images under
 * its own seq. A command that no longer fits locally (the stock it took is gone) leaves no
 * effect and stays pending: the server's verdict decides, and a refusal reaches sync issues.
 */
async function replay(
  trx: Parameters<typeof runInTransaction>[0],
  p: PendingCommand,
  now: () => string,
): Promise<boolean> {
  const def = findCommand(p.command);
  if (!def) return false;
  let args: unknown;
  try {
    args = commandArgs(def, p.args, p.version);
  } catch {
    return false;
  }
  await beginCapture(trx, p.seq);
  const result = await runInTransaction(trx, def, args, { actor: p.actor, now: now(), origin: 'desktop' });
  await endCapture(trx);
  await trx
    .updateTable('outbox')
    .set({ last_error: result.ok ? null : JSON.stringify(result.error) })
    .where('seq', '=', p.seq)
    .execute();
  return result.ok;
}

/** Replays every pending command (the end of a snapshot, when the replica was rebuilt). */
export async function replayAll(db: Kysely<DB>, now: () => string): Promise<number> {
  return withoutForeignKeys(db, (conn) => replayAllIn(conn, now));
}

async function replayAllIn(db: Kysely<DB>, now: () => string): Promise<number> {
  return db.transaction().execute(async (trx) => {
    let n = 0;
    for (const p of await pendingCommands(trx)) if (p.status !== 'applied' && (await replay(trx, p, now))) n += 1;
    return n;
  });
}
