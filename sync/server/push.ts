import { sql, type Kysely, type Transaction } from 'kysely';
import { mayRun, type Access } from '../../core/auth/permissions.ts';
import { AppError, type AppErrorData } from '../../core/errors.ts';
import type { CommandContext, CommandDef } from '../../commands/define.ts';
import { findCommand } from '../../commands/registry.ts';
import { commandArgs } from '../../commands/runner.ts';
import { sealFeed } from '../../db/feed.queries.ts';
import type { DB } from '../../db/schema.ts';
import type { Mutation, MutationResult, PushRequest, PushResponse } from '../protocol/index.ts';
import type { Principal } from './auth.ts';
import { outOfScope } from './scope.ts';

/** Errors that are a verdict on the command, not a fault: stored as a rejection. */
const isBusinessRefusal = (e: AppErrorData) =>
  e.code !== 'system.unexpected' && e.code !== 'system.database-unavailable';

/**
 * Mutations committed together (group commit): each one's effect, result and the client's new
 * seq are still in the same transaction, and a crash loses the whole group or none of it, but
 * the commit — most of a command's cost on PostgreSQL — and the feed position are paid once per
 * group instead of once per command.
 */
export const PUSH_GROUP = 100;

export interface PushOptions {
  now?: () => string;
  /** Called after each committed group that changed rows (the live channel). */
  onCommitted?: (feedSeq: number) => void;
  /** Mutations per server transaction (tests use 1 to see per-command commits). */
  group?: number;
}

/** Registers a desktop on its first contact (the row its pushes lock). */
export async function registerClient(
  db: Kysely<DB>,
  clientId: string,
  principal: Principal,
  meta: { appVersion?: string; protocol: number },
): Promise<void> {
  await sql`insert into sync_clients (client_id, user_id, app_version, protocol)
    values (${clientId}, ${principal.user.id}, ${meta.appVersion ?? null}, ${meta.protocol})
    on conflict (client_id) do update set last_seen_at = now(),
      app_version = coalesce(excluded.app_version, sync_clients.app_version),
      protocol = excluded.protocol, user_id = excluded.user_id
    -- Every push and pull passes here: write (and flush WAL) only when something changed, or
    -- to refresh last_seen_at once a minute.
    where (excluded.app_version is not null and sync_clients.app_version is distinct from excluded.app_version)
       or sync_clients.protocol is distinct from excluded.protocol
       or sync_clients.user_id <> excluded.user_id
       or sync_clients.last_seen_at < now() - interval '1 minute'`.execute(db);
}

/**
 * Runs a batch in order: a seq already seen answers its stored result; a gap or a seq reused by
 * another command stops the batch; otherwise the command runs authoritatively behind a
 * savepoint and its result and the client's new seq are stored with its effect. A business
 * refusal is a result that advances the seq; an unexpected error goes to the dead-letter table
 * and advances too, so nothing behind it ever waits on it.
 */
export async function processPush(
  db: Kysely<DB>,
  principal: Principal,
  request: PushRequest,
  options: PushOptions = {},
): Promise<PushResponse> {
  await registerClient(db, request.clientId, principal, { appVersion: request.appVersion, protocol: request.protocol });
  const results: MutationResult[] = [];
  const size = Math.max(1, options.group ?? PUSH_GROUP);
  let lastSeq = 0;
  const run = (group: readonly Mutation[]) =>
    db.transaction().execute((trx) => processGroup(trx, principal, request.clientId, group, options));
  for (let i = 0; i < request.mutations.length || i === 0; i += size) {
    const group = request.mutations.slice(i, i + size);
    let outcomes: GroupOutcome[];
    try {
      outcomes = [await run(group)];
    } catch (err) {
      if (!isTransient(err)) throw err;
      // A deadlock or serialisation failure is the database's, not the command's: the group is
      // rolled back whole and run again one command per transaction (holding no lock of one
      // command while the next takes its own), each retried a few times.
      outcomes = [];
      for (const m of group) {
        const outcome = await retryTransient(() => run([m]));
        outcomes.push(outcome);
        if (outcome.stopped) break;
      }
    }
    for (const outcome of outcomes) {
      results.push(...outcome.results);
      lastSeq = outcome.lastSeq;
      if (outcome.feedSeq !== null) options.onCommitted?.(outcome.feedSeq);
      if (outcome.stopped) return { results, stopped: outcome.stopped, lastSeq };
    }
    if (group.length === 0) break;
  }
  return { results, lastSeq };
}

/** PostgreSQL's deadlock_detected and serialization_failure: transient, retried, never a verdict. */
const TRANSIENT = new Set(['40P01', '40001']);
const isTransient = (err: unknown): boolean => TRANSIENT.has(String((err as { code?: unknown } | null)?.code ?? ''));

async function retryTransient<T>(work: () => Promise<T>, attempts = 5): Promise<T> {
  for (let i = 1; ; i++) {
    try {
      return await work();
    } catch (err) {
      if (!isTransient(err) || i >= attempts) throw err;
      await new Promise((r) => setTimeout(r, 10 * i + Math.random() * 20));
    }
  }
}

interface GroupOutcome {
  results: MutationResult[];
  stopped?: NonNullable<PushResponse['stopped']>;
  lastSeq: number;
  feedSeq: number | null;
}

interface Verdict {
  status: MutationResult['status'];
  stored: { ok: boolean; data?: unknown; error?: AppErrorData };
}

async function processGroup(
  trx: Transaction<DB>,
  principal: Principal,
  clientId: string,
  group: readonly Mutation[],
  options: PushOptions,
): Promise<GroupOutcome> {
  // The row lock serialises two deliveries of the same client (a retry racing the original).
  const { rows } = await sql<{ last_seq: number | string }>`
    select last_seq from sync_clients where client_id = ${clientId} for update`.execute(trx);
  const first = Number(rows[0]?.last_seq ?? 0);
  let last = first;
  const results: MutationResult[] = [];
  const fresh: { m: Mutation; verdict: Verdict; index: number }[] = [];
  let stopped: GroupOutcome['stopped'];
  const unrestricted = isUnrestricted(principal.access);
  let changeLogSeen = 0;

  for (const m of group) {
    if (m.seq <= last) {
      const stored = await storedResult(trx, clientId, m);
      // Another command under the same seq: the desktop lost part of its history (an old copy of
      // its file). Never answer it with that other command's result: tell it where to go on.
      if (stored.mutationId !== m.mutationId) {
        stopped = { seq: m.seq, reason: 'seq-reused', expectedSeq: last + 1 };
        break;
      }
      results.push(stored);
      continue;
    }
    if (m.seq !== last + 1) {
      stopped = { seq: m.seq, reason: 'gap', expectedSeq: last + 1 };
      break;
    }
    const def = findCommand(m.command);
    let verdict: Verdict;
    let args: unknown;
    try {
      if (!def) throw new AppError('command.unknown', `Unknown command ${m.command}`);
      args = commandArgs(def, m.args, m.version);
      verdict = { status: 'applied', stored: { ok: true } };
    } catch (err) {
      const error = AppError.from(err);
      // A version this server cannot run: pause the client (it must update), change nothing.
      if (error.code === 'command.unsupported-version') {
        stopped = { seq: m.seq, reason: 'update-required', expectedSeq: m.seq };
        break;
      }
      verdict = { status: 'rejected', stored: { ok: false, error: error.toJSON() } };
    }
    if (verdict.stored.ok && def) {
      if (!mayRun(def.name, principal.user.roles)) {
        verdict = {
          status: 'rejected',
          stored: { ok: false, error: new AppError('auth.forbidden', `Role may not run ${def.name}`).toJSON() },
        };
      } else {
        const ctx: CommandContext = {
          actor: { userId: principal.user.id, name: principal.user.displayName, roles: principal.user.roles },
          now: options.now?.() ?? new Date().toISOString(),
          origin: 'server',
        };
        const run = await runScoped(trx, principal.access, unrestricted, def, args, ctx, changeLogSeen);
        changeLogSeen = run.changeLogSeen;
        verdict = run.result.ok
          ? { status: 'applied', stored: { ok: true, data: run.result.data ?? null } }
          : {
              status: isBusinessRefusal(run.result.error) ? 'rejected' : 'failed',
              stored: { ok: false, error: run.result.error },
            };
      }
    }
    if (verdict.status === 'failed')
      await sql`insert into dead_letters (client_id, seq, mutation_id, command, command_version, args, error, user_id)
        values (${clientId}, ${m.seq}, ${m.mutationId}, ${m.command}, ${m.version}, ${JSON.stringify(m.args ?? null)},
                ${JSON.stringify(verdict.stored.error)}, ${principal.user.id})`.execute(trx);
    fresh.push({ m, verdict, index: results.length });
    results.push(toResult(m, verdict.status, verdict.stored, null));
    last = m.seq;
  }

  // One feed position for everything this group changed (null when it changed nothing).
  const feedSeq = fresh.some((f) => f.verdict.status === 'applied') ? await sealFeed(trx) : null;
  if (fresh.length > 0) {
    const values = fresh.map(({ m, verdict }) => {
      const seq = verdict.status === 'applied' ? feedSeq : null;
      return sql`(${clientId}, ${m.seq}, ${m.mutationId}, ${m.command}, ${m.version}, ${verdict.status},
        ${JSON.stringify(verdict.stored)}, ${seq}, ${principal.user.id})`;
    });
    await sql`insert into sync_mutations (client_id, seq, mutation_id, command, command_version, status, result, feed_seq, user_id)
      values ${sql.join(values)}`.execute(trx);
    await sql`update sync_clients set last_seq = ${last}, last_seen_at = now() where client_id = ${clientId}`.execute(
      trx,
    );
    for (const { m, verdict, index } of fresh)
      results[index] = toResult(m, verdict.status, verdict.stored, verdict.status === 'applied' ? feedSeq : null);
  }
  return { results, lastSeq: last, feedSeq, ...(stopped ? { stopped } : {}) };
}

const isUnrestricted = (a: Access) =>
  a.roles.includes('administrator') && a.warehouses === 'all' && a.owners === 'all' && a.supplier === null;

/**
 * Runs the command behind one savepoint and refuses it, undoing its writes, when it wrote,
 * replaced or deleted a row outside the user's access. `changeLogSeen` is the last change_log
 * id of this transaction already checked (earlier commands of the group).
 */
async function runScoped(
  trx: Transaction<DB>,
  access: Access,
  unrestricted: boolean,
  def: CommandDef,
  args: unknown,
  ctx: CommandContext,
  changeLogSeen: number,
): Promise<{ result: { ok: true; data: unknown } | { ok: false; error: AppErrorData }; changeLogSeen: number }> {
  await sql`savepoint oms_command`.execute(trx);
  let data: unknown;
  try {
    data = await def.run(trx, args, ctx);
  } catch (err) {
    // The database's own trouble aborts the whole group, to be retried: never a stored verdict.
    if (isTransient(err)) throw err;
    await sql`rollback to savepoint oms_command`.execute(trx);
    await sql`release savepoint oms_command`.execute(trx);
    return { result: { ok: false, error: AppError.from(err).toJSON() }, changeLogSeen };
  }
  // Nothing is out of reach for an unrestricted administrator: skip reading the images.
  if (!unrestricted) {
    const { rows } = await sql<{
      id: number | string;
      tbl: string;
      row: Record<string, unknown> | null;
      old_row: Record<string, unknown> | null;
    }>`select id, tbl, row, old_row from change_log
       where txid = txid_current() and id > ${changeLogSeen} order by id`.execute(trx);
    const images = rows.flatMap((r) => [
      ...(r.row ? [{ table: r.tbl, row: r.row }] : []),
      ...(r.old_row ? [{ table: r.tbl, row: r.old_row }] : []),
    ]);
    // Both what the command wrote and what it replaced or deleted must be the user's: moving a
    // row into one's scope from outside it, or deleting someone else's, is as out of scope as
    // writing it there.
    const outside = await outOfScope(trx, access, images);
    if (outside.length > 0) {
      await sql`rollback to savepoint oms_command`.execute(trx);
      await sql`release savepoint oms_command`.execute(trx);
      return {
        result: {
          ok: false,
          error: new AppError('auth.out-of-scope', `${def.name} would change rows outside the user's access`, {
            tables: [...new Set(outside.map((o) => o.table))],
          }).toJSON(),
        },
        changeLogSeen,
      };
    }
    const lastRow = rows.at(-1);
    if (lastRow) changeLogSeen = Number(lastRow.id);
  }
  await sql`release savepoint oms_command`.execute(trx);
  return { result: { ok: true, data }, changeLogSeen };
}

function toResult(
  m: Mutation,
  status: MutationResult['status'],
  stored: { ok: boolean; data?: unknown; error?: AppErrorData },
  feedSeq: number | null,
): MutationResult {
  return stored.ok
    ? { seq: m.seq, mutationId: m.mutationId, status, data: stored.data ?? null, feedSeq }
    : { seq: m.seq, mutationId: m.mutationId, status, ...(stored.error ? { error: stored.error } : {}), feedSeq };
}

async function storedResult(trx: Transaction<DB>, clientId: string, m: Mutation): Promise<MutationResult> {
  const { rows } = await sql<{
    mutation_id: string;
    status: MutationResult['status'];
    result: { ok: boolean; data?: unknown; error?: AppErrorData };
    feed_seq: number | string | null;
  }>`select mutation_id, status, result, feed_seq from sync_mutations where client_id = ${clientId} and seq = ${m.seq}`.execute(
    trx,
  );
  const row = rows[0];
  if (!row) throw new AppError('system.unexpected', `No stored result for ${clientId} #${m.seq}`);
  return toResult(
    { ...m, mutationId: row.mutation_id },
    row.status,
    row.result,
    row.feed_seq === null ? null : Number(row.feed_seq),
  );
}
