import { sql, type Kysely, type Selectable, type SelectQueryBuilder, type Transaction } from 'kysely';
import { AppError } from '../core/errors.ts';
import type {
  CarrierRecord,
  CustomerRecord,
  ItemRecord,
  ListInput,
  LocationRecord,
  SalesChannelRecord,
  SupplierRecord,
  WarehouseRecord,
} from '../core/masterdata/schemas.ts';
import type { Database } from './connect.ts';
import type { Bool01, DB } from './schema.ts';

export type MasterEntity =
  'items' | 'warehouses' | 'locations' | 'customers' | 'suppliers' | 'carriers' | 'salesChannels';

export interface MasterRecords {
  items: ItemRecord;
  warehouses: WarehouseRecord;
  locations: LocationRecord;
  customers: CustomerRecord;
  suppliers: SupplierRecord;
  carriers: CarrierRecord;
  salesChannels: SalesChannelRecord;
}

type MasterTable = 'items' | 'warehouses' | 'locations' | 'customers' | 'suppliers' | 'carriers' | 'sales_channels';
type ChildTable = 'item_uoms' | 'customer_addresses';

const b01 = (v: boolean): Bool01 => (v ? 1 : 0);
const bool = (v: number): boolean => v === 1;
/**
 * How one entity maps between its camelCase record and its snake_case rows. Typed per table here;
 * the functions below are written once against the shape all master tables share.
 */
interface Spec<R, T extends MasterTable, C extends ChildTable> {
  table: T;
  /** The business key: unique per table (per warehouse for locations). */
  codeColumn: keyof DB[T] & string;
  scopeColumn?: keyof DB[T] & string;
  /** Matched as a case-insensitive prefix (codes, GTINs: scanned or typed from the start). */
  prefixColumns: readonly (keyof DB[T] & string)[];
  /** Matched anywhere (names: clerks type a word from the middle). */
  containsColumns: readonly (keyof DB[T] & string)[];
  child?: {
    table: C;
    parentColumn: keyof DB[C] & string;
    prefixColumns: readonly (keyof DB[C] & string)[];
    rows(record: R): Selectable<DB[C]>[];
  };
  toRow(record: R): Selectable<DB[T]>;
  fromRow(row: Selectable<DB[T]>, children: Selectable<DB[C]>[]): R;
}

const spec = <R, T extends MasterTable, C extends ChildTable = never>(s: Spec<R, T, C>) => s;

/*
 * Mappers spell the four meta fields out instead of spreading a helper's result: on Node 20 an
 * object literal that starts with a spread was measured ~50x slower, and lists map 10,000 rows.
 */

const SPECS = {
  items: spec<ItemRecord, 'items', 'item_uoms'>({
    table: 'items',
    codeColumn: 'sku',
    prefixColumns: ['sku', 'gtin'],
    containsColumns: ['name', 'name_en'],
    child: {
      table: 'item_uoms',
      parentColumn: 'item_id',
      prefixColumns: ['gtin'],
      rows: (r) =>
        r.uoms.map((u, position) => ({ item_id: r.id, position, uom: u.uom, factor: u.factor, gtin: u.gtin })),
    },
    toRow: (r) => ({
      id: r.id,
      version: r.version,
      created_at: r.createdAt,
      updated_at: r.updatedAt,
      sku: r.sku,
      gtin: r.gtin,
      name: r.name,
      name_en: r.nameEn,
      base_uom: r.baseUom,
      product_group: r.productGroup,
      lot_tracked: b01(r.lotTracked),
      expiry_tracked: b01(r.expiryTracked),
      shelf_life_days: r.shelfLifeDays,
      weight_grams: r.weightGrams,
      volume_cm3: r.volumeCm3,
      active: b01(r.active),
    }),
    fromRow: (row, uoms) => ({
      id: row.id,
      version: row.version,
      createdAt: row.created_at,
      updatedAt: row.updated_at,
      sku: row.sku,
      gtin: row.gtin,
      name: row.name,
      nameEn: row.name_en,
      baseUom: row.base_uom,
      uoms: uoms.map((u) => ({ uom: u.uom, factor: u.factor, gtin: u.gtin })),
      productGroup: row.product_group,
      lotTracked: bool(row.lot_tracked),
      expiryTracked: bool(row.expiry_tracked),
      shelfLifeDays: row.shelf_life_days,
      weightGrams: row.weight_grams,
      volumeCm3: row.volume_cm3,
      active: bool(row.active),
    }),
  }),
  warehouses: spec<WarehouseRecord, 'warehouses'>({
    table: 'warehouses',
    codeColumn: 'code',
    prefixColumns: ['code'],
    containsColumns: ['name'],
    toRow: (r) => ({
      id: r.id,
      version: r.version,
      created_at: r.createdAt,
      updated_at: r.updatedAt,
      code: r.code,
      name: r.name,
      region: r.region,
      address: r.address,
      allow_negative_stock: b01(r.allowNegativeStock),
      active: b01(r.active),
    }),
    fromRow: (row) => ({
      id: row.id,
      version: row.version,
      createdAt: row.created_at,
      updatedAt: row.updated_at,
      code: row.code,
      name: row.name,
      region: row.region,
      address: row.address,
      allowNegativeStock: bool(row.allow_negative_stock),
      active: bool(row.active),
    }),
  }),
  locations: spec<LocationRecord, 'locations'>({
    table: 'locations',
    codeColumn: 'code',
    scopeColumn: 'warehouse_id',
    prefixColumns: ['code'],
    containsColumns: [],
    toRow: (r) => ({
      id: r.id,
      version: r.version,
      created_at: r.createdAt,
      updated_at: r.updatedAt,
      warehouse_id: r.warehouseId,
      code: r.code,
      kind: r.kind,
      active: b01(r.active),
    }),
    fromRow: (row) => ({
      id: row.id,
      version: row.version,
      createdAt: row.created_at,
      updatedAt: row.updated_at,
      warehouseId: row.warehouse_id,
      code: row.code,
      kind: row.kind,
      active: bool(row.active),
    }),
  }),
  customers: spec<CustomerRecord, 'customers', 'customer_addresses'>({
    table: 'customers',
    codeColumn: 'code',
    prefixColumns: ['code'],
    containsColumns: ['name'],
    child: {
      table: 'customer_addresses',
      parentColumn: 'customer_id',
      prefixColumns: [],
      rows: (r) =>
        r.addresses.map((a, position) => ({
          customer_id: r.id,
          position,
          kind: a.kind,
          line1: a.line1,
          city: a.city,
          region: a.region,
          postcode: a.postcode,
          country: a.country,
          is_default: b01(a.isDefault),
        })),
    },
    toRow: (r) => ({
      id: r.id,
      version: r.version,
      created_at: r.createdAt,
      updated_at: r.updatedAt,
      code: r.code,
      name: r.name,
      grade: r.grade,
      credit_limit_minor: r.creditLimitMinor,
      currency: r.currency,
      contact_name: r.contactName,
      phone: r.phone,
      email: r.email,
      active: b01(r.active),
    }),
    fromRow: (row, addresses) => ({
      id: row.id,
      version: row.version,
      createdAt: row.created_at,
      updatedAt: row.updated_at,
      code: row.code,
      name: row.name,
      grade: row.grade,
      creditLimitMinor: row.credit_limit_minor,
      currency: row.currency,
      contactName: row.contact_name,
      phone: row.phone,
      email: row.email,
      addresses: addresses.map((a) => ({
        kind: a.kind,
        line1: a.line1,
        city: a.city,
        region: a.region,
        postcode: a.postcode,
        country: a.country,
        isDefault: bool(a.is_default),
      })),
      active: bool(row.active),
    }),
  }),
  suppliers: spec<SupplierRecord, 'suppliers'>({
    table: 'suppliers',
    codeColumn: 'code',
    prefixColumns: ['code'],
    containsColumns: ['name'],
    toRow: (r) => ({
      id: r.id,
      version: r.version,
      created_at: r.createdAt,
      updated_at: r.updatedAt,
      code: r.code,
      name: r.name,
      grade: r.grade,
      gs1_company_prefix: r.gs1CompanyPrefix,
      asn_tolerance_pct: r.asnTolerancePct,
      currency: r.currency,
      contact_name: r.contactName,
      phone: r.phone,
      email: r.email,
      active: b01(r.active),
    }),
    fromRow: (row) => ({
      id: row.id,
      version: row.version,
      createdAt: row.created_at,
      updatedAt: row.updated_at,
      code: row.code,
      name: row.name,
      grade: row.grade,
      gs1CompanyPrefix: row.gs1_company_prefix,
      asnTolerancePct: row.asn_tolerance_pct,
      currency: row.currency,
      contactName: row.contact_name,
      phone: row.phone,
      email: row.email,
      active: bool(row.active),
    }),
  }),
  carriers: spec<CarrierRecord, 'carriers'>({
    table: 'carriers',
    codeColumn: 'code',
    prefixColumns: ['code'],
    containsColumns: ['name'],
    toRow: (r) => ({
      id: r.id,
      version: r.version,
      created_at: r.createdAt,
      updated_at: r.updatedAt,
      code: r.code,
      name: r.name,
      phone: r.phone,
      tracking_url_template: r.trackingUrlTemplate,
      active: b01(r.active),
    }),
    fromRow: (row) => ({
      id: row.id,
      version: row.version,
      createdAt: row.created_at,
      updatedAt: row.updated_at,
      code: row.code,
      name: row.name,
      phone: row.phone,
      trackingUrlTemplate: row.tracking_url_template,
      active: bool(row.active),
    }),
  }),
  salesChannels: spec<SalesChannelRecord, 'sales_channels'>({
    table: 'sales_channels',
    codeColumn: 'code',
    prefixColumns: ['code'],
    containsColumns: ['name'],
    toRow: (r) => ({
      id: r.id,
      version: r.version,
      created_at: r.createdAt,
      updated_at: r.updatedAt,
      code: r.code,
      name: r.name,
      kind: r.kind,
      active: b01(r.active),
    }),
    fromRow: (row) => ({
      id: row.id,
      version: row.version,
      createdAt: row.created_at,
      updatedAt: row.updated_at,
      code: row.code,
      name: row.name,
      kind: row.kind,
      active: bool(row.active),
    }),
  }),
} satisfies {
  [E in MasterEntity]: { toRow(record: MasterRecords[E]): unknown; fromRow(...args: never[]): MasterRecords[E] };
};

/*
 * The shared engine sees every master table through this one loose shape; the typed specs above
 * are the only place a column is named, so the cast at the boundary loses no checking there.
 */
type LooseRow = Record<string, unknown>;
type LooseDB = Record<string, LooseRow>;
interface LooseSpec {
  table: string;
  codeColumn: string;
  scopeColumn?: string;
  prefixColumns: readonly string[];
  containsColumns: readonly string[];
  child?: { table: string; parentColumn: string; prefixColumns: readonly string[]; rows(record: unknown): LooseRow[] };
  toRow(record: unknown): LooseRow;
  fromRow(row: LooseRow, children: LooseRow[]): unknown;
}

const specOf = (entity: MasterEntity): LooseSpec => SPECS[entity] as unknown as LooseSpec;
const loose = (db: Database): Kysely<LooseDB> => db as unknown as Kysely<LooseDB>;

/** Inserts and child replacement must land together; join the caller's transaction if there is one. */
async function inTransaction<T>(db: Database, fn: (trx: Kysely<LooseDB>) => Promise<T>): Promise<T> {
  if (db.isTransaction) return fn(loose(db));
  return db.transaction().execute((trx: Transaction<DB>) => fn(loose(trx)));
}

const LIKE_ESCAPE = '!';
const likeLiteral = (s: string) => s.toLowerCase().replace(/[!%_]/g, (c) => LIKE_ESCAPE + c);
/** lower() on both sides: SQLite's LIKE ignores ASCII case, PostgreSQL's does not. */
const ilike = (column: string, pattern: string) =>
  sql<boolean>`lower(${sql.ref(column)}) like ${pattern} escape ${sql.lit(LIKE_ESCAPE)}`;

/**
 * The parents whose children to load: a short id list, or the parent query itself as a subquery,
 * which for a long list beats thousands of bound ids (and SQLite's bound-parameter limit).
 */
type ParentFilter = readonly string[] | SelectQueryBuilder<LooseDB, string, { id: unknown }>;

async function loadChildren(
  db: Kysely<LooseDB>,
  s: LooseSpec,
  parents: ParentFilter,
): Promise<Map<string, LooseRow[]>> {
  const byParent = new Map<string, LooseRow[]>();
  const child = s.child;
  if (!child) return byParent;
  const rows = await db.selectFrom(child.table).selectAll().where(child.parentColumn, 'in', parents).execute();
  for (const row of rows) {
    const parent = String(row[child.parentColumn]);
    const list = byParent.get(parent);
    if (list) list.push(row);
    else byParent.set(parent, [row]);
  }
  // Sorted here rather than by the query: the primary key is (parent, uom), so ORDER BY position
  // would make the engine sort every child row; each parent has only a handful.
  for (const list of byParent.values()) list.sort((a, b) => Number(a.position) - Number(b.position));
  return byParent;
}

async function hydrate<E extends MasterEntity>(
  db: Kysely<LooseDB>,
  entity: E,
  rows: LooseRow[],
  parents: ParentFilter,
): Promise<MasterRecords[E][]> {
  const s = specOf(entity);
  const children = rows.length === 0 ? new Map<string, LooseRow[]>() : await loadChildren(db, s, parents);
  return rows.map((row) => s.fromRow(row, children.get(String(row.id)) ?? []) as MasterRecords[E]);
}

export async function listMaster<E extends MasterEntity>(
  db: Database,
  entity: E,
  input: ListInput & { warehouseId?: string },
): Promise<MasterRecords[E][]> {
  const s = specOf(entity);
  const q = loose(db);
  let query = q.selectFrom(s.table).selectAll(s.table);
  if (!input.includeInactive) query = query.where(`${s.table}.active`, '=', 1);
  if (input.warehouseId !== undefined && s.scopeColumn)
    query = query.where(`${s.table}.${s.scopeColumn}`, '=', input.warehouseId);
  const search = input.search?.trim();
  if (search) {
    const prefix = `${likeLiteral(search)}%`;
    const contains = `%${likeLiteral(search)}%`;
    const child = s.child;
    query = query.where((eb) =>
      eb.or([
        ...s.prefixColumns.map((c) => ilike(`${s.table}.${c}`, prefix)),
        ...s.containsColumns.map((c) => ilike(`${s.table}.${c}`, contains)),
        ...(child && child.prefixColumns.length > 0
          ? [
              eb.exists(
                eb
                  .selectFrom(child.table)
                  .select(sql.lit(1).as('one'))
                  .whereRef(`${child.table}.${child.parentColumn}`, '=', `${s.table}.id`)
                  .where((c) => c.or(child.prefixColumns.map((col) => ilike(`${child.table}.${col}`, prefix)))),
              ),
            ]
          : []),
      ]),
    );
  }
  const page = query
    .orderBy(`${s.table}.${s.codeColumn}`)
    .orderBy(`${s.table}.id`)
    .limit(input.limit ?? 10_000);
  const rows = await page.execute();
  return hydrate(q, entity, rows, page.clearSelect().select(`${s.table}.id`));
}

export async function getMaster<E extends MasterEntity>(
  db: Database,
  entity: E,
  id: string,
): Promise<MasterRecords[E] | undefined> {
  const s = specOf(entity);
  const q = loose(db);
  const row = await q.selectFrom(s.table).selectAll().where('id', '=', id).executeTakeFirst();
  if (!row) return undefined;
  const [record] = await hydrate(q, entity, [row], [id]);
  return record;
}

export async function findIdByCode(
  db: Database,
  entity: MasterEntity,
  code: string,
  scope?: { warehouseId: string },
): Promise<string | undefined> {
  const s = specOf(entity);
  let query = loose(db).selectFrom(s.table).select('id').where(s.codeColumn, '=', code);
  if (s.scopeColumn) {
    if (!scope)
      throw new AppError('validation.invalid-input', `${entity} codes are unique per warehouse: pass a scope`);
    query = query.where(s.scopeColumn, '=', scope.warehouseId);
  }
  const row = await query.executeTakeFirst();
  return row === undefined ? undefined : String(row.id);
}

export async function findItemIdByGtin(db: Database, gtin: string): Promise<string | undefined> {
  const own = await db.selectFrom('items').select('id').where('gtin', '=', gtin).executeTakeFirst();
  if (own) return own.id;
  const unit = await db.selectFrom('item_uoms').select('item_id').where('gtin', '=', gtin).executeTakeFirst();
  return unit?.item_id;
}

/** A GTIN identifies one item across items.gtin and item_uoms.gtin; no single index spans both. */
async function assertGtinsFree(db: Database, record: ItemRecord): Promise<void> {
  const gtins = [record.gtin, ...record.uoms.map((u) => u.gtin)].filter((g): g is string => g !== null);
  const seen = new Set<string>();
  for (const gtin of gtins) {
    const owner = await findItemIdByGtin(db, gtin);
    if (seen.has(gtin) || (owner !== undefined && owner !== record.id))
      throw new AppError('masterdata.duplicate-gtin', `GTIN ${gtin} is already used`, { value: gtin });
    seen.add(gtin);
  }
}

interface DriverError {
  code?: unknown;
  constraint?: unknown;
  message?: unknown;
}

/** Constraint failures become the coded errors callers already handle; the rest pass through. */
function translateWriteError(err: unknown, entity: MasterEntity): unknown {
  if (typeof err !== 'object' || err === null) return err;
  const { code, constraint, message } = err as DriverError;
  const text = `${typeof constraint === 'string' ? constraint : ''} ${typeof message === 'string' ? message : ''}`;
  if (code === '23505' || code === 'SQLITE_CONSTRAINT_UNIQUE' || code === 'SQLITE_CONSTRAINT_PRIMARYKEY') {
    const dup = /gtin/i.test(text) ? 'masterdata.duplicate-gtin' : 'masterdata.duplicate-code';
    return new AppError(dup, `Duplicate value in ${entity}: ${String(message)}`, { cause: String(message) });
  }
  if (code === '23503' || code === 'SQLITE_CONSTRAINT_FOREIGNKEY')
    return new AppError('masterdata.invalid-reference', `Invalid reference in ${entity}: ${String(message)}`);
  return err;
}

async function writeChildren(trx: Kysely<LooseDB>, s: LooseSpec, record: unknown, id: string): Promise<void> {
  const child = s.child;
  if (!child) return;
  await trx.deleteFrom(child.table).where(child.parentColumn, '=', id).execute();
  const rows = child.rows(record);
  if (rows.length > 0) await trx.insertInto(child.table).values(rows).execute();
}

export async function insertMaster<E extends MasterEntity>(
  db: Database,
  entity: E,
  record: MasterRecords[E],
): Promise<void> {
  const s = specOf(entity);
  await inTransaction(db, async (trx) => {
    if (entity === 'items') await assertGtinsFree(trx as unknown as Database, record as ItemRecord);
    try {
      await trx.insertInto(s.table).values(s.toRow(record)).execute();
      await writeChildren(trx, s, record, record.id);
    } catch (err) {
      throw translateWriteError(err, entity);
    }
  });
}

/**
 * Saves `record` (whose version is already the new one) only if the stored version is still
 * `expectedVersion`; false means someone else saved first and nothing was written.
 */
export async function updateMaster<E extends MasterEntity>(
  db: Database,
  entity: E,
  record: MasterRecords[E],
  expectedVersion: number,
): Promise<boolean> {
  const s = specOf(entity);
  return inTransaction(db, async (trx) => {
    if (entity === 'items') await assertGtinsFree(trx as unknown as Database, record as ItemRecord);
    const { id: _id, created_at: _created, ...changes } = s.toRow(record);
    try {
      const result = await trx
        .updateTable(s.table)
        .set(changes)
        .where('id', '=', record.id)
        .where('version', '=', expectedVersion)
        .executeTakeFirst();
      if (result.numUpdatedRows === 0n) return false;
      await writeChildren(trx, s, record, record.id);
      return true;
    } catch (err) {
      throw translateWriteError(err, entity);
    }
  });
}
