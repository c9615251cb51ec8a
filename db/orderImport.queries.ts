import { toGtin14 } from '../core/gs1.ts';
import type { Currency } from '../core/money.ts';
import type { CustomerRef, GtinRef, ImportLookups, ImportReferences, RefRecord } from '../core/orders/import.ts';
import type { Database } from './connect.ts';

/*
 * What an order import names, looked up in a few set-based queries: customers, warehouses,
 * channels, items by SKU and by every stored form of a GTIN, and the orders that already carry
 * an external reference. Shared by the desktop's CSV/XLSX import and the server's Open API intake.
 */

const breathe = () => new Promise<void>((resolve) => setImmediate(resolve));

const BATCH = 500;

async function inBatches<T>(values: Iterable<string>, load: (batch: string[]) => Promise<T[]>): Promise<T[]> {
  const all = [...values];
  const out: T[] = [];
  for (let i = 0; i < all.length; i += BATCH) {
    out.push(...(await load(all.slice(i, i + BATCH))));
    if (i + BATCH < all.length) await breathe();
  }
  return out;
}

/** The stored forms a GTIN-14 may have (GTIN-8, -12, -13 are kept as entered). */
function gtinForms(gtin14: string): string[] {
  const forms = [gtin14];
  if (gtin14.startsWith('0')) forms.push(gtin14.slice(1));
  if (gtin14.startsWith('00')) forms.push(gtin14.slice(2));
  if (gtin14.startsWith('000000')) forms.push(gtin14.slice(6));
  return forms;
}

const refKey = (channelId: string | null, externalRef: string) => `${channelId ?? ''}\u0000${externalRef}`;

/** Loads exactly the master data and existing orders a file names, in batches of 500 values. */
export async function loadLookups(db: Database, refs: ImportReferences): Promise<ImportLookups> {
  const active = (v: number) => v === 1;
  const customers = new Map<string, CustomerRef>();
  for (const r of await inBatches(refs.customers, (b) =>
    db.selectFrom('customers').select(['id', 'code', 'active', 'currency']).where('code', 'in', b).execute(),
  ))
    customers.set(r.code, { id: r.id, active: active(r.active), currency: r.currency as Currency });

  const byCode = async (table: 'warehouses' | 'sales_channels', codes: Set<string>) => {
    const map = new Map<string, RefRecord>();
    for (const r of await inBatches(codes, (b) =>
      db.selectFrom(table).select(['id', 'code', 'active']).where('code', 'in', b).execute(),
    ))
      map.set(r.code, { id: r.id, active: active(r.active) });
    return map;
  };
  const warehouses = await byCode('warehouses', refs.warehouses);
  const channels = await byCode('sales_channels', refs.channels);

  const skus = new Map<string, RefRecord>();
  for (const r of await inBatches(refs.skus, (b) =>
    db.selectFrom('items').select(['id', 'sku', 'active']).where('sku', 'in', b).execute(),
  ))
    skus.set(r.sku, { id: r.id, active: active(r.active) });

  const gtins = new Map<string, GtinRef>();
  const forms = [...refs.gtins].flatMap(gtinForms);
  for (const r of await inBatches(forms, (b) =>
    db.selectFrom('items').select(['id', 'gtin', 'active']).where('gtin', 'in', b).execute(),
  ))
    if (r.gtin !== null) gtins.set(toGtin14(r.gtin), { id: r.id, active: active(r.active), factor: 1 });
  for (const r of await inBatches(forms, (b) =>
    db
      .selectFrom('item_uoms as u')
      .innerJoin('items as i', 'i.id', 'u.item_id')
      .select(['u.item_id', 'u.gtin', 'u.factor', 'i.active'])
      .where('u.gtin', 'in', b)
      .execute(),
  ))
    if (r.gtin !== null) gtins.set(toGtin14(r.gtin), { id: r.item_id, active: active(r.active), factor: r.factor });

  const existing = new Map<string, string>();
  for (const r of await inBatches(refs.externalRefs, (b) =>
    db.selectFrom('orders').select(['channel_id', 'external_ref', 'number']).where('external_ref', 'in', b).execute(),
  ))
    if (r.external_ref !== null) existing.set(refKey(r.channel_id, r.external_ref), r.number);

  return {
    customer: (code) => customers.get(code),
    warehouse: (code) => warehouses.get(code),
    channel: (code) => channels.get(code),
    itemBySku: (sku) => skus.get(sku),
    itemByGtin: (gtin14) => gtins.get(gtin14),
    existingOrder: (channelId, externalRef) => existing.get(refKey(channelId, externalRef)),
  };
}
