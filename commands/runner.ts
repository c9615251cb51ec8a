import { randomUUID } from 'node:crypto';
import type { Kysely } from 'kysely';
import { AppError, fail, ok, type Result } from '../core/errors.ts';
import { parseInput } from '../core/validation.ts';
import { appendOutbox } from '../db/outbox.queries.ts';
import { nextDocNumber } from '../db/orders.queries.ts';
import type { DB } from '../db/schema.ts';
import type { CommandContext, CommandDef } from './define.ts';
import { findCommand } from './registry.ts';

export interface RunOptions {
  /** Desktop: record the command in the outbox in the same transaction, for sync to deliver. */
  outbox: boolean;
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
    if (options.version !== undefined && options.version !== def.version)
      throw new AppError('command.unsupported-version', `${def.name} v${options.version} is not supported`, {
        supported: [def.version],
      });
    const args = parseInput(def.args, rawArgs);
    return await db.transaction().execute(async (trx) => {
      const data = await def.run(trx, args, ctx);
      if (!options.outbox || def.localOnly) return { result: ok(data) };
      const mutationId = options.mutationId ?? randomUUID();
      const { seq } = await appendOutbox(trx, {
        mutationId,
        command: def.name,
        commandVersion: def.version,
        args,
        createdAt: ctx.now,
      });
      return { result: ok(data), outbox: { seq, mutationId } };
    });
  } catch (err) {
    return { result: fail(err) };
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
  env: { device: string; newId?: () => string },
): Promise<unknown> {
  if (!def.fromInput) return input;
  const number = def.numbering ? await nextDocNumber(db, def.numbering(input), env.device) : undefined;
  return def.fromInput(input, env.newId ?? randomUUID, number);
}

/** The short tag of a database's document series, from its client id. */
export const deviceTagOf = (clientId: string): string => clientId.replaceAll('-', '').slice(0, 4).toUpperCase();
