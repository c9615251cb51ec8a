import { randomUUID } from 'node:crypto';
import type { Kysely } from 'kysely';
import { AppError, fail, ok, type Result } from '../core/errors.ts';
import { parseInput } from '../core/validation.ts';
import { appendOutbox } from '../db/outbox.queries.ts';
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
