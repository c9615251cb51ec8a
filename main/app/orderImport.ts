import { AppError } from '../../core/errors.ts';
import type { JobEnv, JobHandlers } from './jobs.ts';

/** Batch order import (CSV / XLSX): validate the whole file, then create orders in chunks. */
export function createOrderImportJobs(
  env: JobEnv,
): Pick<JobHandlers, 'orders.import.validate' | 'orders.import.start' | 'orders.import.status'> {
  void env;
  const notYet = async (): Promise<never> => {
    throw new AppError('system.unexpected', 'Order import is being built');
  };
  return { 'orders.import.validate': notYet, 'orders.import.start': notYet, 'orders.import.status': notYet };
}
