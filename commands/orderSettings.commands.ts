import { AppError } from '../core/errors.ts';
import * as o from '../core/orders/schemas.ts';
import type { Database } from '../db/connect.ts';
import { getMaster, type MasterEntity } from '../db/masterdata.queries.ts';
import { saveCheckSetting, saveCredit, saveRate, saveRuleRow } from '../db/orders.queries.ts';
import { defineCommand } from './define.ts';

/*
 * Order-centre settings an administrator keeps: which audit checks run and who may force them,
 * quotas, warehouse / carrier / split rules, credit positions and exchange rates. Rules are
 * never deleted (orders' histories name them): `active: false` retires one.
 */

const newIdFirst = (input: unknown, newId: () => string) => ({ id: newId(), ...(input as object) });
const flag = (b: boolean) => (b ? (1 as const) : (0 as const));

async function mustExist(trx: Database, entity: MasterEntity, id: string | null, path: string): Promise<void> {
  if (id !== null && !(await getMaster(trx, entity, id)))
    throw new AppError('order.unknown-reference', `No ${entity} ${id}`, {
      fields: [{ path, code: 'unknown-reference' }],
    });
}

export const setCheckSetting = defineCommand({
  name: 'setCheckSetting',
  version: 1,
  args: o.checkSettingFields,
  async run(trx, a, ctx) {
    await saveCheckSetting(trx, a, ctx.now);
    return a;
  },
});

export const saveQuota = defineCommand({
  name: 'saveQuota',
  version: 1,
  args: o.quotaFields,
  fromInput: newIdFirst,
  async run(trx, a, ctx) {
    await mustExist(trx, 'customers', a.customerId, 'customerId');
    await mustExist(trx, 'items', a.itemId, 'itemId');
    await saveRuleRow(trx, 'order_quotas', {
      id: a.id,
      customer_id: a.customerId,
      item_id: a.itemId,
      product_group: a.productGroup,
      period: a.period,
      quantity: a.quantity,
      active: flag(a.active),
      updated_at: ctx.now,
    });
    return { id: a.id };
  },
});

export const saveWarehouseRule = defineCommand({
  name: 'saveWarehouseRule',
  version: 1,
  args: o.warehouseRuleFields,
  fromInput: newIdFirst,
  async run(trx, a, ctx) {
    for (const [i, w] of a.warehouseIds.entries()) await mustExist(trx, 'warehouses', w, `warehouseIds.${i}`);
    await mustExist(trx, 'salesChannels', a.channelId, 'channelId');
    await mustExist(trx, 'customers', a.customerId, 'customerId');
    await mustExist(trx, 'items', a.itemId, 'itemId');
    await saveRuleRow(trx, 'warehouse_rules', {
      id: a.id,
      position: a.position,
      name: a.name,
      channel_id: a.channelId,
      region: a.region,
      customer_id: a.customerId,
      item_id: a.itemId,
      product_group: a.productGroup,
      warehouse_ids: JSON.stringify(a.warehouseIds),
      mode: a.mode,
      active: flag(a.active),
      updated_at: ctx.now,
    });
    return { id: a.id };
  },
});

export const saveCarrierRule = defineCommand({
  name: 'saveCarrierRule',
  version: 1,
  args: o.carrierRuleFields,
  fromInput: newIdFirst,
  async run(trx, a, ctx) {
    await mustExist(trx, 'carriers', a.carrierId, 'carrierId');
    await mustExist(trx, 'warehouses', a.warehouseId, 'warehouseId');
    await mustExist(trx, 'salesChannels', a.channelId, 'channelId');
    await saveRuleRow(trx, 'carrier_rules', {
      id: a.id,
      position: a.position,
      name: a.name,
      warehouse_id: a.warehouseId,
      region: a.region,
      channel_id: a.channelId,
      max_weight_grams: a.maxWeightGrams,
      carrier_id: a.carrierId,
      active: flag(a.active),
      updated_at: ctx.now,
    });
    return { id: a.id };
  },
});

export const saveSplitRule = defineCommand({
  name: 'saveSplitRule',
  version: 1,
  args: o.splitRuleFields,
  fromInput: newIdFirst,
  async run(trx, a, ctx) {
    if ((a.kind === 'weight' || a.kind === 'volume') && a.limit === null)
      throw new AppError('validation.invalid-input', 'A weight or volume rule needs a limit', {
        fields: [{ path: 'limit', code: 'required' }],
      });
    await saveRuleRow(trx, 'split_rules', {
      id: a.id,
      position: a.position,
      kind: a.kind,
      limit_value: a.limit,
      active: flag(a.active),
      updated_at: ctx.now,
    });
    return { id: a.id };
  },
});

/** Until settlement posts vouchers, open receivables and deposits come from finance (imported or keyed). */
export const setCreditPosition = defineCommand({
  name: 'setCreditPosition',
  version: 1,
  args: o.creditPositionFields,
  async run(trx, a, ctx) {
    await mustExist(trx, 'customers', a.customerId, 'customerId');
    await saveCredit(trx, {
      customer_id: a.customerId,
      open_receivables_minor: a.openReceivablesMinor,
      deposits_minor: a.depositsMinor,
      source: a.source,
      updated_at: ctx.now,
    });
    return a;
  },
});

export const setExchangeRate = defineCommand({
  name: 'setExchangeRate',
  version: 1,
  args: o.exchangeRateFields,
  async run(trx, a) {
    await saveRate(trx, { currency: a.currency, valid_from: a.validFrom, rate_micros: a.rateMicros });
    return a;
  },
});
