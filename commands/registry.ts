import type { CommandDef } from './define.ts';
import * as dock from './dock.commands.ts';
import * as inventory from './inventory.commands.ts';
import * as masterdata from './masterdata.commands.ts';
import * as orderSettings from './orderSettings.commands.ts';
import * as orders from './orders.commands.ts';

/**
 * Every command the product has, listed explicitly (no registration by side-effect import).
 * The desktop and the server look commands up here by name.
 */
const all: CommandDef[] = [
  masterdata.createItem,
  masterdata.updateItem,
  masterdata.createWarehouse,
  masterdata.updateWarehouse,
  masterdata.createLocation,
  masterdata.updateLocation,
  masterdata.createCustomer,
  masterdata.updateCustomer,
  masterdata.createSupplier,
  masterdata.updateSupplier,
  masterdata.createCarrier,
  masterdata.updateCarrier,
  masterdata.createSalesChannel,
  masterdata.updateSalesChannel,
  inventory.receiveStock,
  inventory.adjustStock,
  inventory.countStock,
  inventory.setQualityStatus,
  inventory.reserveStock,
  inventory.releaseReservation,
  inventory.freezeStock,
  inventory.unfreezeStock,
  inventory.shipTransfer,
  inventory.receiveTransfer,
  inventory.changeLotAttributes,
  inventory.transferOwnership,
  inventory.setReplenishmentRule,
  inventory.proposeReplenishment,
  inventory.decideProposal,
  inventory.rebuildStockBalances,
  orders.createOrder,
  orders.importOrders,
  orders.submitOrder,
  orders.recheckOrder,
  orders.releaseOrder,
  orders.cancelOrder,
  orders.closeOrder,
  orders.completeOrder,
  orders.shipOrder,
  orders.receiveOrder,
  orders.splitOrder,
  orders.allocateOrders,
  orders.runOrderJobs,
  orders.setPromiseDates,
  orders.updateSupplyDates,
  orders.resolveException,
  dock.createAsn,
  dock.cancelAsn,
  dock.arriveAsn,
  dock.receiveUnit,
  dock.receiveQuantity,
  dock.closeAsn,
  dock.bookAppointment,
  dock.setAppointmentStatus,
  dock.saveLabelTemplate,
  orderSettings.setCheckSetting,
  orderSettings.saveQuota,
  orderSettings.saveWarehouseRule,
  orderSettings.saveCarrierRule,
  orderSettings.saveSplitRule,
  orderSettings.setCreditPosition,
  orderSettings.setExchangeRate,
] as CommandDef[];

export const commandsByName: ReadonlyMap<string, CommandDef> = new Map(all.map((c) => [c.name, c]));

export function findCommand(name: string): CommandDef | undefined {
  return commandsByName.get(name);
}
