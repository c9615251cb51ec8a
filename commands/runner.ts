import { randomUUID } from 'node:crypto';
import { sql, type Kysely, type Transaction } from 'kysely';
import { AppError, fail, ok, type Result } from '../core/errors.ts';
import { parseInput } from '../core/validation.ts';
import { appendOutbox } from '../db/outbox.queries.ts';
import { beginCapture, endCapture } from '../db/replica.queries.ts';
import { nextDocNumber } from '../db/orders.queries.ts';
import { drawSsccs, numbersLeft } from '../db/numbering.queries.ts';
import type { DB } from '../db/schema.ts';
import type { CommandContext, CommandDef } from './define.ts';
import { findCommand } from './registry.ts';

export interface RunOptions {
  /** Desktop: record the command in the outbox in the same transaction, for sync to deliver. */
  outbox: boolean;
  /**
   * Record before-images for sync's rebase (default: with the outbox). A desktop without a
   * server skips them: its first sync starts from a snapshot that replaces the replica anyway.
   */
  capture?: boolean;
  /** The mutation id to record; the server receives it from the client. */
  mutationId?: string;
  /** A client may run a command version the server still accepts (current or previous). */
  version?: number;
}

export interface CommandOutcome<R = unknown> {
  result: Result<R>;
  /** Set when an outbox row was written. */
  outbox?: { seq: number; mutationId: string };
}

/**
 * Runs one named command in one transaction: validate → load → decide → save (→ outbox row).
 * Anything thrown rolls the whole transaction back, so a rejected command changes nothing.
 * Never throws: failures come back as a coded `Result`.
 */
export async function runCommand(
  db: Kysely<DB>,
  nameOrDef: string | CommandDef,
  rawArgs: unknown,
  ctx: CommandContext,
  options: RunOptions,
): Promise<CommandOutcome> {
  try {
    const def = typeof nameOrDef === 'string' ? findCommand(nameOrDef) : nameOrDef;
    if (!def) throw new AppError('command.unknown', `Unknown command ${String(nameOrDef)}`);
    const args = commandArgs(def, rawArgs, options.version);
    const record = options.outbox && !def.localOnly;
    return await db.transaction().execute(async (trx) => {
      // The undo triggers record what this command changes, so sync can rebase it later.
      const capture = record && (options.capture ?? true);
      if (capture) await beginCapture(trx);
      const data = await def.run(trx, args, ctx);
      if (!record) return { result: ok(data) };
      const mutationId = options.mutationId ?? randomUUID();
      const { seq } = await appendOutbox(trx, {
        mutationId,
        command: def.name,
        commandVersion: def.version,
        args,
        actor: ctx.actor,
        createdAt: ctx.now,
      });
      if (capture) await endCapture(trx);
      return { result: ok(data), outbox: { seq, mutationId } };
    });
  } catch (err) {
    return { result: fail(err) };
  }
}

/**
 * Validates a command's args. A sender one version behind (a desktop not yet updated) is
 * accepted when the command still knows how to upgrade that version's args; anything else is
 * `command.unsupported-version`, which sync turns into "update required", never a rejection.
 */
export function commandArgs(def: CommandDef, rawArgs: unknown, version?: number): unknown {
  if (version === undefined || version === def.version) return parseInput(def.args, rawArgs);
  const previous = def.previous;
  if (previous && version === previous.version)
    return parseInput(def.args, previous.upgrade(parseInput(previous.args, rawArgs)));
  throw new AppError('command.unsupported-version', `${def.name} v${version} is not supported`, {
    command: def.name,
    version,
    supported: previous ? [previous.version, def.version] : [def.version],
  });
}

/**
 * Runs a command inside a transaction the caller owns (the server's push, the desktop's
 * replay), behind a savepoint: a refusal or error undoes the command's writes and nothing else.
 */
export async function runInTransaction(
  trx: Transaction<DB>,
  def: CommandDef,
  args: unknown,
  ctx: CommandContext,
): Promise<Result<unknown>> {
  await sql`savepoint oms_command`.execute(trx);
  try {
    const data = await def.run(trx, args, ctx);
    await sql`release savepoint oms_command`.execute(trx);
    return ok(data);
  } catch (err) {
    await sql`rollback to savepoint oms_command`.execute(trx);
    await sql`release savepoint oms_command`.execute(trx);
    return fail(err);
  }
}

/**
 * Turns an API input into a command's args where the clerk acts: new ids, and a document number
 * from this database's series when the command numbers what it creates. `device` tells this
 * database's series apart from other desktops'.
 */
export async function argsFromInput(
  db: Kysely<DB>,
  def: CommandDef,
  input: unknown,
  env: {
    device: string;
    newId?: () => string;
    blocks?: boolean;
    /** Asks the server for more of a series when this desktop has fewer than `count` left. */
    topUp?: (series: string, count: number) => Promise<void>;
  },
): Promise<unknown> {
  if (!def.fromInput) return input;
  const series = def.numbering?.(input);
  // Online and out of blocks: ask now rather than fall back to the device series.
  if (series && env.blocks && env.topUp && (await numbersLeft(db, series)) < 1)
    await env.topUp(series, 1).catch(() => undefined);
  const number = series
    ? await nextDocNumber(db, series, { device: env.device, blocks: env.blocks ?? false })
    : undefined;
  const ssccs = def.ssccs
    ? await drawSsccs(db, def.ssccs(input), { blocks: env.blocks ?? false, topUp: env.topUp })
    : undefined;
  return def.fromInput(input, env.newId ?? randomUUID, number, ssccs);
}

/** The short tag of a database's document series, from its client id. */
export const deviceTagOf = (clientId: string): string => clientId.replaceAll('-', '').slice(0, 4).toUpperCase();
