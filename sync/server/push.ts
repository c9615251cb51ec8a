import { sql, type Kysely } from 'kysely';
import { mayRun } from '../../core/auth/permissions.ts';
import { AppError, type AppErrorData } from '../../core/errors.ts';
import type { CommandContext } from '../../commands/define.ts';
import { findCommand } from '../../commands/registry.ts';
import { commandArgs, runInTransaction } from '../../commands/runner.ts';
import { sealFeed, tagFeedTransaction } from '../../db/feed.queries.ts';
import type { DB } from '../../db/schema.ts';
import type { Mutation, MutationResult, PushRequest, PushResponse } from '../protocol/index.ts';
import type { Principal } from './auth.ts';
import { outOfScope } from './scope.ts';

/** Errors that are a verdict on the command, not a fault: stored as a rejection. */
const isBusinessRefusal = (e: AppErrorData) =>
  e.code !== 'system.unexpected' && e.code !== 'system.database-unavailable';

export interface PushOptions {
  now?: () => string;
  /** Called after each committed mutation that changed rows (the live channel). */
  onCommitted?: (feedSeq: number) => void;
}

/** Registers a desktop on its first contact; a client id belongs to one user for good. */
export async function registerClient(
  db: Kysely<DB>,
  clientId: string,
  principal: Principal,
  meta: { appVersion?: string; protocol: number },
): Promise<void> {
  await sql`insert into sync_clients (client_id, user_id, app_version, protocol)
    values (${clientId}, ${principal.user.id}, ${meta.appVersion ?? null}, ${meta.protocol})
    on conflict (client_id) do update set last_seen_at = now(), app_version = excluded.app_version,
      protocol = excluded.protocol, user_id = excluded.user_id`.execute(db);
}

/**
 * Runs a batch in order, one server transaction per mutation: a seq already seen answers its
 * stored result; a gap stops the batch; otherwise the command runs authoritatively and its
 * result and the client's new seq are stored with its effect. A business refusal is a result
 * that advances the seq; an unexpected error goes to the dead-letter table and advances too,
 * so nothing behind it ever waits on it.
 */
export async function processPush(
  db: Kysely<DB>,
  principal: Principal,
  request: PushRequest,
  options: PushOptions = {},
): Promise<PushResponse> {
  const results: MutationResult[] = [];
  await registerClient(db, request.clientId, principal, { appVersion: request.appVersion, protocol: request.protocol });
  let lastSeq = await clientLastSeq(db, request.clientId);
  for (const m of request.mutations) {
    const outcome = await processOne(db, principal, request.clientId, m, options);
    if ('stopped' in outcome) return { results, stopped: outcome.stopped, lastSeq: outcome.lastSeq };
    results.push(outcome.result);
    lastSeq = Math.max(lastSeq, m.seq);
    if (outcome.result.feedSeq !== null) options.onCommitted?.(outcome.result.feedSeq);
  }
  return { results, lastSeq };
}

async function clientLastSeq(db: Kysely<DB>, clientId: string): Promise<number> {
  const { rows } = await sql<{
    last_seq: number | string;
  }>`select last_seq from sync_clients where client_id = ${clientId}`.execute(db);
  return Number(rows[0]?.last_seq ?? 0);
}

type OneOutcome = { result: MutationResult } | { stopped: NonNullable<PushResponse['stopped']>; lastSeq: number };

async function processOne(
  db: Kysely<DB>,
  principal: Principal,
  clientId: string,
  m: Mutation,
  options: PushOptions,
): Promise<OneOutcome> {
  return db.transaction().execute(async (trx): Promise<OneOutcome> => {
    // The row lock serialises two deliveries of the same client (a retry racing the original).
    const { rows } = await sql<{ last_seq: number | string }>`
      select last_seq from sync_clients where client_id = ${clientId} for update`.execute(trx);
    const last = Number(rows[0]?.last_seq ?? 0);
    if (m.seq <= last) {
      const stored = await storedResult(trx, clientId, m);
      // Another command under the same seq: the desktop lost part of its history (an old copy of
      // its file). Never answer it with that other command's result: tell it where to go on.
      if (stored.mutationId !== m.mutationId)
        return { stopped: { seq: m.seq, reason: 'seq-reused', expectedSeq: last + 1 }, lastSeq: last };
      return { result: stored };
    }
    if (m.seq !== last + 1) return { stopped: { seq: m.seq, reason: 'gap', expectedSeq: last + 1 }, lastSeq: last };

    const def = findCommand(m.command);
    let args: unknown;
    let verdict: { ok: true; data: unknown } | { ok: false; error: AppErrorData };
    try {
      if (!def) throw new AppError('command.unknown', `Unknown command ${m.command}`);
      args = commandArgs(def, m.args, m.version);
    } catch (err) {
      const error = AppError.from(err);
      // A version this server cannot run: pause the client (it must update), change nothing.
      if (error.code === 'command.unsupported-version')
        return { stopped: { seq: m.seq, reason: 'update-required', expectedSeq: m.seq }, lastSeq: last };
      verdict = { ok: false, error: error.toJSON() };
    }
    verdict ??= { ok: true, data: undefined };

    if (verdict.ok && def) {
      if (!mayRun(def.name, principal.user.roles)) {
        verdict = { ok: false, error: new AppError('auth.forbidden', `Role may not run ${def.name}`).toJSON() };
      } else {
        const ctx: CommandContext = {
          actor: { userId: principal.user.id, name: principal.user.displayName, roles: principal.user.roles },
          now: options.now?.() ?? new Date().toISOString(),
          origin: 'server',
        };
        await tagFeedTransaction(trx, clientId, m.seq);
        verdict = await runScoped(trx, principal, def, args, ctx);
      }
    }

    let status: MutationResult['status'] = 'applied';
    if (!verdict.ok) status = isBusinessRefusal(verdict.error) ? 'rejected' : 'failed';
    if (status === 'failed' && !verdict.ok)
      await sql`insert into dead_letters (client_id, seq, mutation_id, command, command_version, args, error, user_id)
        values (${clientId}, ${m.seq}, ${m.mutationId}, ${m.command}, ${m.version}, ${JSON.stringify(m.args ?? null)},
                ${JSON.stringify(verdict.error)}, ${principal.user.id})`.execute(trx);
    const feedSeq = status === 'applied' ? await sealFeed(trx) : null;
    const stored = verdict.ok ? { ok: true, data: verdict.data ?? null } : { ok: false, error: verdict.error };
    await sql`insert into sync_mutations (client_id, seq, mutation_id, command, command_version, status, result, feed_seq, user_id)
      values (${clientId}, ${m.seq}, ${m.mutationId}, ${m.command}, ${m.version}, ${status}, ${JSON.stringify(stored)},
              ${feedSeq}, ${principal.user.id})`.execute(trx);
    await sql`update sync_clients set last_seq = ${m.seq}, last_seen_at = now() where client_id = ${clientId}`.execute(
      trx,
    );
    return { result: toResult(m, status, stored, feedSeq) };
  });
}

/** Runs the command and refuses it, undoing its writes, when it wrote a row out of the user's scope. */
async function runScoped(
  trx: Parameters<typeof runInTransaction>[0],
  principal: Principal,
  def: NonNullable<ReturnType<typeof findCommand>>,
  args: unknown,
  ctx: CommandContext,
): Promise<{ ok: true; data: unknown } | { ok: false; error: AppErrorData }> {
  await sql`savepoint oms_scope`.execute(trx);
  const result = await runInTransaction(trx, def, args, ctx);
  if (!result.ok) {
    await sql`release savepoint oms_scope`.execute(trx);
    return result;
  }
  const { rows } = await sql<{
    tbl: string;
    row: Record<string, unknown> | null;
    old_row: Record<string, unknown> | null;
  }>`
    select tbl, row, old_row from change_log where txid = txid_current() order by id`.execute(trx);
  // Both what the command wrote and what it replaced or deleted must be the user's: moving a
  // row into one's scope from outside it, or deleting someone else's, is as out of scope as
  // writing it there.
  const images = rows.flatMap((r) => [
    ...(r.row ? [{ table: r.tbl, row: r.row }] : []),
    ...(r.old_row ? [{ table: r.tbl, row: r.old_row }] : []),
  ]);
  const outside = await outOfScope(trx, principal.access, images);
  if (outside.length > 0) {
    await sql`rollback to savepoint oms_scope`.execute(trx);
    await sql`release savepoint oms_scope`.execute(trx);
    return {
      ok: false,
      error: new AppError('auth.out-of-scope', `${def.name} would change rows outside the user's access`, {
        tables: [...new Set(outside.map((o) => o.table))],
      }).toJSON(),
    };
  }
  await sql`release savepoint oms_scope`.execute(trx);
  return result;
}

function toResult(
  m: Mutation,
  status: MutationResult['status'],
  stored: { ok: boolean; data?: unknown; error?: AppErrorData },
  feedSeq: number | null,
): MutationResult {
  return stored.ok
    ? { seq: m.seq, mutationId: m.mutationId, status, data: stored.data, feedSeq }
    : { seq: m.seq, mutationId: m.mutationId, status, error: stored.error, feedSeq };
}

async function storedResult(
  trx: Parameters<typeof runInTransaction>[0],
  clientId: string,
  m: Mutation,
): Promise<MutationResult> {
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
