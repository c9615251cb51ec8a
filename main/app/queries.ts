import type { z } from 'zod';
import type { Contract } from '../../core/api/contract.ts';
import type { Database } from '../../db/connect.ts';
import { getMaster, listMaster, type MasterEntity } from '../../db/masterdata.queries.ts';
import { countOutbox } from '../../db/outbox.queries.ts';
import { AppError } from '../../core/errors.ts';

type QueryChannel = { [K in keyof Contract]: Contract[K]['kind'] extends 'query' ? K : never }[keyof Contract];
export type QueryHandlers = {
  [K in QueryChannel]: (input: z.output<Contract[K]['input']>) => Promise<z.output<Contract[K]['output']>>;
};

export interface QueryEnv {
  db: Database;
  info: z.output<Contract['system.info']['output']>;
}

async function mustGet<E extends MasterEntity>(db: Database, entity: E, id: string) {
  const record = await getMaster(db, entity, id);
  if (!record) throw new AppError('masterdata.not-found', `No ${entity} with id ${id}`, { id });
  return record;
}

/** Read-only handlers: one per query channel of the contract, checked by the compiler. */
export function buildQueryHandlers({ db, info }: QueryEnv): QueryHandlers {
  return {
    'system.info': async () => info,
    'sync.status': async () => ({
      serverConfigured: info.serverUrl !== null,
      online: false,
      pendingCommands: await countOutbox(db, 'pending'),
      rejectedCommands: await countOutbox(db, 'rejected'),
      lastSyncAt: null,
    }),
    'items.list': async (input) => ({ rows: await listMaster(db, 'items', input) }),
    'items.get': ({ id }) => mustGet(db, 'items', id),
    'warehouses.list': async (input) => ({ rows: await listMaster(db, 'warehouses', input) }),
    'warehouses.get': ({ id }) => mustGet(db, 'warehouses', id),
    'locations.list': async ({ warehouseId }) => ({
      rows: await listMaster(db, 'locations', { warehouseId, includeInactive: true }),
    }),
    'customers.list': async (input) => ({ rows: await listMaster(db, 'customers', input) }),
    'customers.get': ({ id }) => mustGet(db, 'customers', id),
    'suppliers.list': async (input) => ({ rows: await listMaster(db, 'suppliers', input) }),
    'suppliers.get': ({ id }) => mustGet(db, 'suppliers', id),
    'carriers.list': async (input) => ({ rows: await listMaster(db, 'carriers', input) }),
    'carriers.get': ({ id }) => mustGet(db, 'carriers', id),
    'salesChannels.list': async (input) => ({ rows: await listMaster(db, 'salesChannels', input) }),
    'salesChannels.get': ({ id }) => mustGet(db, 'salesChannels', id),
  };
}
