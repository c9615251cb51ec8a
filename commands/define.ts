import type { Transaction } from 'kysely';
import type { z } from 'zod';
import type { DB } from '../db/schema.ts';

/** Who runs a command and when. Clock values are for display and audit only, never ordering. */
export interface CommandContext {
  /** `roles` decide what a user may force (e.g. releasing a held order); none when absent. */
  actor: { userId: string | null; name: string; roles?: readonly string[] };
  now: string;
  origin: 'desktop' | 'server';
}

/**
 * A named business command: validated args → load → decide (pure core rule) → save, inside the
 * one transaction the runner opens. The same definition runs optimistically on the desktop and
 * authoritatively on the server, so everything that must be identical on both (generated ids)
 * is part of the args, produced once by `fromInput` where the clerk acts.
 */
export interface CommandDef<S extends z.ZodType = z.ZodType, R = unknown> {
  name: string;
  version: number;
  args: S;
  /** Local maintenance (e.g. rebuilding a projection): runs in a transaction but is never synced. */
  localOnly?: boolean;
  /**
   * Builds the args from an API input at the origin (e.g. assigns new ids, and the document
   * number drawn from the series `numbering` names).
   */
  fromInput?: (input: unknown, newId: () => string, number?: string, ssccs?: readonly string[]) => unknown;
  /** The document series a new record of this command is numbered in (e.g. 'sales'). */
  numbering?: (input: unknown) => string;
  /**
   * How many SSCCs (handling-unit serials) a new record needs and whose company prefix they
   * carry: drawn from this desktop's server-issued serial ranges, so they are unique forever.
   */
  ssccs?: (input: unknown) => { supplierId: string; count: number };
  run(trx: Transaction<DB>, args: z.output<S>, ctx: CommandContext): Promise<R>;
  /**
   * The version before this one, still accepted from desktops not yet updated: its args schema
   * and how to turn its args into this version's. The server accepts the current and previous.
   */
  previous?: { version: number; args: z.ZodType; upgrade(args: unknown): unknown };
}

export const defineCommand = <S extends z.ZodType, R>(def: CommandDef<S, R>): CommandDef<S, R> => def;
