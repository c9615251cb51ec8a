import type { Kysely } from 'kysely';
import { gs1CheckDigit } from '../../core/gs1.ts';
import type {
  CarrierRecord,
  CustomerRecord,
  ItemRecord,
  LocationRecord,
  SalesChannelRecord,
  SupplierRecord,
  WarehouseRecord,
} from '../../core/masterdata/schemas.ts';
import { insertMaster, listMaster } from '../masterdata.queries.ts';
import type { DB } from '../schema.ts';
import { seedInventory, type InventorySeedReport } from './inventory.ts';
import { seedOrders, type OrderSeedReport } from './orders.ts';
import { createRng, seededUuid, type Rng } from './random.ts';
import * as v from './vocabulary.ts';

export interface SeedSize {
  items: number;
  customers: number;
  suppliers: number;
  warehouses: number;
  locationsPerWarehouse: number;
  seed: number;
  /** Days of inventory ledger, ending the day before `asOf`; 0 seeds no stock. Default 365. */
  ledgerDays?: number;
  /** How busy the ledger is: 1 ≈ 440 movements per item a year at 20 warehouses. Default 1. */
  ledgerDensity?: number;
  /** The day the data set is "as of" (YYYY-MM-DD, UTC): today unless given. */
  asOf?: string;
  /**
   * Sales orders over the same year (db/seed/orders.ts), with purchase, transfer and return orders
   * in proportion; absent or 0 seeds no orders.
   */
  orders?: number;
  /** Generate the orders in a worker thread while this one writes them (large sets; needs tsx). */
  ordersInWorker?: boolean;
}

/** What `npm start` loads into an empty database: enough to click through every screen. */
export const DEMO_SIZE: SeedSize = {
  items: 200,
  customers: 120,
  suppliers: 30,
  warehouses: 6,
  locationsPerWarehouse: 12,
  seed: 20261122,
  orders: 3000,
};

export interface SeedReport {
  items: number;
  customers: number;
  suppliers: number;
  warehouses: number;
  locations: number;
  carriers: number;
  salesChannels: number;
  inventory?: InventorySeedReport;
  orders?: OrderSeedReport;
}

const pad = (n: number, width: number) => String(n).padStart(width, '0');

/** A GTIN-13 under the demo company prefix 6901234 (China's GS1 range), with its check digit. */
export function demoGtin13(companyPrefix: string, itemRef: number): string {
  const body = `${companyPrefix}${pad(itemRef, 12 - companyPrefix.length)}`;
  return `${body}${gs1CheckDigit(body)}`;
}

/** The case-level GTIN-14: indicator digit 1 + the unit's GTIN-13 body + a new check digit. */
export function caseGtin14(gtin13: string): string {
  const body = `1${gtin13.slice(0, 12)}`;
  return `${body}${gs1CheckDigit(body)}`;
}

function personName(rng: Rng): string {
  return `${rng.pick(v.SURNAMES)}${rng.pick(v.GIVEN)}${rng.chance(0.5) ? rng.pick(v.GIVEN) : ''}`;
}

function mobile(rng: Rng): string {
  return `1${rng.pick(['38', '39', '58', '86', '77', '35'])}${pad(rng.int(0, 99_999_999), 8)}`;
}

export function buildMasterData(size: SeedSize, now = new Date().toISOString()) {
  const rng = createRng(size.seed);
  // Ids come from their own stream so the names above stay what they were for a given seed.
  const ids = createRng((size.seed ^ 0x5bd1e995) >>> 0);
  const meta = (at: string) => ({ id: seededUuid(ids), version: 1, createdAt: at, updatedAt: at });
  const warehouses: WarehouseRecord[] = [];
  const locations: LocationRecord[] = [];
  for (let i = 0; i < size.warehouses; i += 1) {
    const [city, cityEn, region] = v.CITIES[i % v.CITIES.length] ?? v.CITIES[0];
    const district = v.DISTRICTS[i % v.DISTRICTS.length] ?? '';
    const round = Math.floor(i / v.CITIES.length);
    const wh: WarehouseRecord = {
      ...meta(now),
      code: `WH-${cityEn
        .replace(/[^A-Za-z]/g, '')
        .slice(0, 3)
        .toUpperCase()}${round > 0 ? round + 1 : ''}${pad(i + 1, 2)}`,
      name: `${city}${district}${round > 0 ? `${round + 1}号` : ''}仓`,
      region,
      address: `${city}市${district}区物流园${rng.int(1, 88)}号`,
      allowNegativeStock: false,
      active: true,
    };
    warehouses.push(wh);
    const kinds = ['dock', 'dock', 'staging', 'quality', 'returns'] as const;
    for (let l = 0; l < size.locationsPerWarehouse; l += 1) {
      const kind = kinds[l] ?? 'storage';
      locations.push({
        ...meta(now),
        warehouseId: wh.id,
        code:
          kind === 'storage'
            ? `A-${pad(Math.floor(l / 4) + 1, 2)}-${pad((l % 4) + 1, 2)}`
            : `${kind.toUpperCase()}-${pad(l + 1, 2)}`,
        kind,
        active: true,
      });
    }
  }

  const items: ItemRecord[] = [];
  for (let i = 0; i < size.items; i += 1) {
    const product = v.PRODUCTS[i % v.PRODUCTS.length] ?? v.PRODUCTS[0];
    const [variantZh, variantEn] = v.VARIANTS[Math.floor(i / v.PRODUCTS.length) % v.VARIANTS.length] ?? v.VARIANTS[0];
    const caseQty = rng.pick([6, 12, 24, 48]);
    const itemRef = i + 1;
    items.push({
      ...meta(now),
      sku: `SKU-${pad(itemRef, 6)}`,
      gtin: demoGtin13('6901234', itemRef),
      name: `${product.zh}（${variantZh}）`,
      nameEn: `${product.en} (${variantEn})`,
      baseUom: 'EA',
      uoms: [
        { uom: 'CS', factor: caseQty, gtin: caseGtin14(demoGtin13('6901234', itemRef)) },
        { uom: 'PL', factor: caseQty * rng.pick([40, 60, 80]), gtin: null },
      ],
      productGroup: product.group,
      lotTracked: product.lot,
      expiryTracked: product.shelfLife !== null,
      shelfLifeDays: product.shelfLife,
      weightGrams: product.grams,
      volumeCm3: Math.round((product.grams * rng.int(9, 14)) / 10),
      active: rng.chance(0.97),
    });
  }

  const customers: CustomerRecord[] = [];
  for (let i = 0; i < size.customers; i += 1) {
    const [city, , region] = rng.pick(v.CITIES);
    const [word] = rng.pick(v.COMPANY_WORDS);
    const grade = rng.pick(['A', 'B', 'B', 'C', 'C', 'C', 'D'] as const);
    const creditYuan = { A: 2_000_000, B: 500_000, C: 100_000, D: 0 }[grade];
    customers.push({
      ...meta(now),
      code: `C${pad(i + 1, 5)}`,
      name: `${city}${word}${rng.pick(v.CUSTOMER_TYPES)}`,
      grade,
      creditLimitMinor: creditYuan * 100,
      currency: rng.chance(0.9) ? 'CNY' : 'USD',
      contactName: personName(rng),
      phone: mobile(rng),
      email: rng.chance(0.6) ? `buyer${i + 1}@example.com` : null,
      addresses: [
        {
          kind: 'billing',
          line1: `${city}市${rng.pick(v.DISTRICTS)}区人民路${rng.int(1, 999)}号`,
          city,
          region,
          postcode: pad(rng.int(100000, 850000), 6),
          country: 'CN',
          isDefault: true,
        },
        {
          kind: 'shipping',
          line1: `${city}市${rng.pick(v.DISTRICTS)}区仓储路${rng.int(1, 300)}号`,
          city,
          region,
          postcode: pad(rng.int(100000, 850000), 6),
          country: 'CN',
          isDefault: true,
        },
      ],
      active: rng.chance(0.96),
    });
  }

  const suppliers: SupplierRecord[] = [];
  for (let i = 0; i < size.suppliers; i += 1) {
    const [city] = rng.pick(v.CITIES);
    const [word] = rng.pick(v.COMPANY_WORDS);
    suppliers.push({
      ...meta(now),
      code: `S${pad(i + 1, 4)}`,
      name: `${city}${word}${rng.pick(v.SUPPLIER_TYPES)}`,
      grade: rng.pick(['A', 'B', 'C'] as const),
      gs1CompanyPrefix: `69${pad(10_000 + i, 5)}`,
      asnTolerancePct: 10,
      currency: 'CNY',
      contactName: personName(rng),
      phone: mobile(rng),
      email: `sales${i + 1}@supplier.example.com`,
      active: true,
    });
  }

  const carriers: CarrierRecord[] = v.CARRIERS.map(([code, name, phone, tracking]) => ({
    ...meta(now),
    code,
    name,
    phone,
    trackingUrlTemplate: tracking,
    active: true,
  }));
  const salesChannels: SalesChannelRecord[] = v.CHANNELS.map(([code, name, kind]) => ({
    ...meta(now),
    code,
    name,
    kind,
    active: true,
  }));
  return { warehouses, locations, items, customers, suppliers, carriers, salesChannels };
}

export type MasterDataSet = ReturnType<typeof buildMasterData>;

/** Writes a generated data set directly (it stands for data downloaded from the server: no outbox). */
export async function seedMasterData(
  db: Kysely<DB>,
  size: SeedSize,
  data: MasterDataSet = buildMasterData(size),
): Promise<SeedReport> {
  await db.transaction().execute(async (trx) => {
    for (const r of data.warehouses) await insertMaster(trx, 'warehouses', r);
    for (const r of data.locations) await insertMaster(trx, 'locations', r);
    for (const r of data.items) await insertMaster(trx, 'items', r);
    for (const r of data.customers) await insertMaster(trx, 'customers', r);
    for (const r of data.suppliers) await insertMaster(trx, 'suppliers', r);
    for (const r of data.carriers) await insertMaster(trx, 'carriers', r);
    for (const r of data.salesChannels) await insertMaster(trx, 'salesChannels', r);
  });
  return {
    items: data.items.length,
    customers: data.customers.length,
    suppliers: data.suppliers.length,
    warehouses: data.warehouses.length,
    locations: data.locations.length,
    carriers: data.carriers.length,
    salesChannels: data.salesChannels.length,
  };
}

export const todayUtc = (): string => new Date().toISOString().slice(0, 10);

/**
 * Master data, then a year of inventory ledger over it (db/seed/inventory.ts). The records are
 * dated from the first day of the ledger, as if the system went live then.
 */
export async function seedDatabase(db: Kysely<DB>, size: SeedSize): Promise<SeedReport> {
  const asOf = size.asOf ?? todayUtc();
  const days = size.ledgerDays ?? 365;
  const since = new Date(Date.parse(`${asOf}T00:00:00.000Z`) - days * 86_400_000).toISOString();
  const data = buildMasterData(size, since);
  const report = await seedMasterData(db, size, data);
  if (days === 0 || (size.ledgerDensity ?? 1) <= 0) return withOrders(db, size, data, asOf, report);
  const inventory = await seedInventory(db, data, {
    asOf,
    days,
    density: size.ledgerDensity ?? 1,
    seed: size.seed,
  });
  return withOrders(db, size, data, asOf, { ...report, inventory });
}

/** Orders over the master data and inventory when the size asks for them (a year without a ledger too). */
async function withOrders(
  db: Kysely<DB>,
  size: SeedSize,
  data: MasterDataSet,
  asOf: string,
  report: SeedReport,
): Promise<SeedReport> {
  if (!size.orders) return report;
  const orders = await seedOrders(db, data, {
    asOf,
    days: size.ledgerDays || 365,
    seed: size.seed,
    sales: size.orders,
    worker: size.ordersInWorker ?? false,
  });
  return { ...report, orders };
}

/** Loads the demo set on a first start only; an existing database is never touched. */
export async function seedIfEmpty(db: Kysely<DB>, size: SeedSize = DEMO_SIZE): Promise<SeedReport | null> {
  const existing = await listMaster(db, 'warehouses', { includeInactive: true, limit: 1 });
  if (existing.length > 0) return null;
  return seedDatabase(db, size);
}
