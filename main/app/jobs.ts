import type { z } from 'zod';
import type { Contract } from '../../core/api/contract.ts';
import type { CommandContext } from '../../commands/define.ts';
import type { CommandOutcome } from '../../commands/runner.ts';
import type { Database } from '../../db/connect.ts';
import { createOrderImportJobs } from './orderImport.ts';
import type { Printing } from './printing.ts';
import type { DesktopSync } from './sync.ts';

type JobChannel = { [K in keyof Contract]: Contract[K]['kind'] extends 'job' ? K : never }[keyof Contract];
export type JobHandlers = {
  [K in JobChannel]: (input: z.output<Contract[K]['input']>) => Promise<z.output<Contract[K]['output']>>;
};

export interface JobEnv {
  db: Database;
  /** Runs a named command exactly as the API would (validated, one transaction, outbox row). */
  run(command: string, args: unknown): Promise<CommandOutcome>;
  context(): CommandContext;
  /** This desktop's document-number series tag. */
  device: string;
  /** Number from server-issued blocks first (a desktop database). */
  blocks: boolean;
}

/** Long tasks of the desktop core: each job channel of the contract has its handler here. */
export function buildJobHandlers(env: JobEnv, sync: DesktopSync, extra: Printing['jobs']): JobHandlers {
  return {
    ...extra,
    ...createOrderImportJobs(env),
    'sync.resolveIssue': (input) => sync.resolveIssue(input),
    'sync.now': () => sync.syncNow(),
    'sync.setServer': ({ serverUrl }) => sync.setServer(serverUrl),
    'auth.signIn': ({ username, password }) => sync.signIn(username, password),
    'auth.signOut': () => sync.signOut(),
  };
}
