import { z } from 'zod';
import { AppError } from '../core/errors.ts';
import * as md from '../core/masterdata/schemas.ts';
import { assertNoConflict, gtinsOf, newRecord, updatedRecord } from '../core/masterdata/rules.ts';
import type { Database } from '../db/connect.ts';
import {
  findIdByCode,
  findItemIdByGtin,
  getMaster,
  insertMaster,
  updateMaster,
  type MasterEntity,
  type MasterRecords,
} from '../db/masterdata.queries.ts';
import { defineCommand } from './define.ts';

type Fields<E extends MasterEntity> = Omit<MasterRecords[E], 'id' | 'version' | 'createdAt' | 'updatedAt'>;

/** The uniqueness and reference checks of one entity: the "load" half of its commands. */
interface EntityChecks<E extends MasterEntity> {
  codeOf(fields: Fields<E>): { path: string; value: string };
  scopeOf?(fields: Fields<E>): { warehouseId: string };
  extra?(db: Database, fields: Fields<E>, selfId: string): Promise<void>;
}

async function checkFields<E extends MasterEntity>(
  db: Database,
  entity: E,
  checks: EntityChecks<E>,
  fields: Fields<E>,
  selfId: string,
): Promise<void> {
  const { path, value } = checks.codeOf(fields);
  const scope = checks.scopeOf?.(fields);
  const existing = await findIdByCode(db, entity, value, scope);
  assertNoConflict(existing, selfId, 'masterdata.duplicate-code', path, value);
  await checks.extra?.(db, fields, selfId);
}

/** create<Entity> and update<Entity>, written once for every master table. */
function masterCommands<E extends MasterEntity, S extends z.ZodType<Fields<E>>>(
  entity: E,
  names: { create: string; update: string },
  fields: S,
  checks: EntityChecks<E>,
) {
  // zod cannot compute an object's output type while `S` is generic; the shapes are stated here
  // and still checked at run time by the schemas themselves.
  const createArgs = z.object({ id: z.uuid(), fields }) as z.ZodType as z.ZodType<{ id: string; fields: Fields<E> }>;
  const updateArgs = md.updateOf(fields) as z.ZodType as z.ZodType<{
    id: string;
    expectedVersion: number;
    fields: Fields<E>;
  }>;
  const create = defineCommand({
    name: names.create,
    version: 1,
    args: createArgs,
    fromInput: (input, newId) => ({ id: newId(), fields: input }),
    async run(trx, args, ctx) {
      const values = args.fields;
      await checkFields(trx, entity, checks, values, args.id);
      const record = newRecord(args.id, values, ctx.now) as MasterRecords[E];
      await insertMaster(trx, entity, record);
      return record;
    },
  });
  const update = defineCommand({
    name: names.update,
    version: 1,
    args: updateArgs,
    async run(trx, args, ctx) {
      const values = args.fields;
      const current = await getMaster(trx, entity, args.id);
      const record = updatedRecord<Fields<E>, MasterRecords[E]>(
        current,
        args.id,
        values,
        args.expectedVersion,
        ctx.now,
      );
      await checkFields(trx, entity, checks, values, args.id);
      const saved = await updateMaster(trx, entity, record, args.expectedVersion);
      if (!saved)
        throw new AppError('masterdata.version-conflict', `Record ${args.id} changed while saving`, { id: args.id });
      return record;
    },
  });
  return [create, update] as const;
}

const byCode = { codeOf: (f: { code: string }) => ({ path: 'code', value: f.code }) };

export const [createItem, updateItem] = masterCommands(
  'items',
  { create: 'createItem', update: 'updateItem' },
  md.itemFields,
  {
    codeOf: (f) => ({ path: 'sku', value: f.sku }),
    async extra(db, f, selfId) {
      for (const { path, gtin } of gtinsOf(f))
        assertNoConflict(await findItemIdByGtin(db, gtin), selfId, 'masterdata.duplicate-gtin', path, gtin);
    },
  },
);

export const [createWarehouse, updateWarehouse] = masterCommands(
  'warehouses',
  { create: 'createWarehouse', update: 'updateWarehouse' },
  md.warehouseFields,
  byCode,
);

export const [createLocation, updateLocation] = masterCommands(
  'locations',
  { create: 'createLocation', update: 'updateLocation' },
  md.locationFields,
  {
    ...byCode,
    scopeOf: (f) => ({ warehouseId: f.warehouseId }),
    async extra(db, f) {
      if (!(await getMaster(db, 'warehouses', f.warehouseId)))
        throw new AppError('masterdata.invalid-reference', `Warehouse ${f.warehouseId} does not exist`, {
          fields: [{ path: 'warehouseId', code: 'invalid-reference' }],
        });
    },
  },
);

export const [createCustomer, updateCustomer] = masterCommands(
  'customers',
  { create: 'createCustomer', update: 'updateCustomer' },
  md.customerFields,
  byCode,
);

export const [createSupplier, updateSupplier] = masterCommands(
  'suppliers',
  { create: 'createSupplier', update: 'updateSupplier' },
  md.supplierFields,
  byCode,
);

export const [createCarrier, updateCarrier] = masterCommands(
  'carriers',
  { create: 'createCarrier', update: 'updateCarrier' },
  md.carrierFields,
  byCode,
);

export const [createSalesChannel, updateSalesChannel] = masterCommands(
  'salesChannels',
  { create: 'createSalesChannel', update: 'updateSalesChannel' },
  md.salesChannelFields,
  byCode,
);
