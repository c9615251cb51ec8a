import type { CommandContext } from '../../commands/define.ts';
import type { Database } from '../../db/connect.ts';
import type { JobHandlers } from './jobs.ts';
import type { QueryHandlers } from './queries.ts';

/** What the desktop's printers and print queue need from the host. */
export interface PrintingEnv {
  db: Database;
  dataDir: string;
  context(): CommandContext;
}

type PrintingQueryChannel = never;
type PrintingJobChannel = never;

/** Printers configured on this desktop and the persistent print queue (issue 6). */
export interface Printing {
  queries: Pick<QueryHandlers, PrintingQueryChannel>;
  jobs: Pick<JobHandlers, PrintingJobChannel>;
  close(): Promise<void>;
}

export async function createPrinting(_env: PrintingEnv): Promise<Printing> {
  await Promise.resolve();
  return { queries: {}, jobs: {}, close: async () => {} };
}
