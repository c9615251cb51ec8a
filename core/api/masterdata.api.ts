import { z } from 'zod';
import { command, query } from './endpoint.ts';
import * as md from '../masterdata/schemas.ts';

const rowsOf = <T extends z.ZodType>(record: T) => z.object({ rows: z.array(record) });

/** Master data: list/get are local queries; create/update are synced commands. */
export const masterdataApi = {
  'items.list': query(md.listInput, rowsOf(md.itemRecord)),
  'items.get': query(md.byId, md.itemRecord),
  'items.create': command('createItem', md.itemFields, md.itemRecord),
  'items.update': command('updateItem', md.updateOf(md.itemFields), md.itemRecord),

  'warehouses.list': query(md.listInput, rowsOf(md.warehouseRecord)),
  'warehouses.get': query(md.byId, md.warehouseRecord),
  'warehouses.create': command('createWarehouse', md.warehouseFields, md.warehouseRecord),
  'warehouses.update': command('updateWarehouse', md.updateOf(md.warehouseFields), md.warehouseRecord),

  'locations.list': query(z.object({ warehouseId: z.uuid() }), rowsOf(md.locationRecord)),
  'locations.create': command('createLocation', md.locationFields, md.locationRecord),
  'locations.update': command('updateLocation', md.updateOf(md.locationFields), md.locationRecord),

  'customers.list': query(md.listInput, rowsOf(md.customerRecord)),
  'customers.get': query(md.byId, md.customerRecord),
  'customers.create': command('createCustomer', md.customerFields, md.customerRecord),
  'customers.update': command('updateCustomer', md.updateOf(md.customerFields), md.customerRecord),

  'suppliers.list': query(md.listInput, rowsOf(md.supplierRecord)),
  'suppliers.get': query(md.byId, md.supplierRecord),
  'suppliers.create': command('createSupplier', md.supplierFields, md.supplierRecord),
  'suppliers.update': command('updateSupplier', md.updateOf(md.supplierFields), md.supplierRecord),

  'carriers.list': query(md.listInput, rowsOf(md.carrierRecord)),
  'carriers.get': query(md.byId, md.carrierRecord),
  'carriers.create': command('createCarrier', md.carrierFields, md.carrierRecord),
  'carriers.update': command('updateCarrier', md.updateOf(md.carrierFields), md.carrierRecord),

  'salesChannels.list': query(md.listInput, rowsOf(md.salesChannelRecord)),
  'salesChannels.get': query(md.byId, md.salesChannelRecord),
  'salesChannels.create': command('createSalesChannel', md.salesChannelFields, md.salesChannelRecord),
  'salesChannels.update': command('updateSalesChannel', md.updateOf(md.salesChannelFields), md.salesChannelRecord),
} as const;
