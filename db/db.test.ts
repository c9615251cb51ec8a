import { randomUUID } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import fc from 'fast-check';
import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { AppError } from '../core/errors.ts';
import { ROLES } from '../core/masterdata/schemas.ts';
import { openSqlite, type OpenedDb } from './connect.ts';
import {
  findIdByCode,
  findItemIdByGtin,
  getMaster,
  insertMaster,
  listMaster,
  updateMaster,
  type MasterEntity,
  type MasterRecords,
} from './masterdata.queries.ts';
import { migrateToLatest } from './migrate.ts';
import { appendOutbox, countOutbox, ensureClientId, getClientId, listOutbox } from './outbox.queries.ts';
import snapshot from './schema.snapshot.json' with { type: 'json' };
import { BACKENDS, openTestDb } from './testing/backends.ts';
import { introspectSchema } from './testing/introspect.ts';

const BIG_MONEY = 9_007_199_254_740_000; // above 2^31 and 2^32: catches int4 columns and lossy drivers
const T0 = '2026-11-22T07:20:16.123Z';
const T1 = '2026-11-22T08:00:00.000Z';

const meta0 = { version: 1, created_at: T0, updated_at: T0 };
const meta = () => ({ id: randomUUID(), version: 1, createdAt: T0, updatedAt: T0 });

/** One record per entity, with booleans both ways, nulls, Chinese text and child rows. */
function fixtures(tag: string, warehouseId: string) {
  return {
    warehouses: {
      ...meta(),
      code: `WH-${tag}`,
      name: `上海仓库 ${tag}`,
      region: '华东',
      address: null,
      allowNegativeStock: true,
      active: true,
    },
    locations: { ...meta(), warehouseId, code: `A-01-${tag}`, kind: 'dock', active: false },
    items: {
      ...meta(),
      sku: `SKU-${tag}`,
      gtin: `690${tag.padStart(10, '0')}`,
      name: `绿茶 ${tag}`,
      nameEn: null,
      baseUom: 'EA',
      uoms: [
        { uom: 'CTN', factor: 24, gtin: `691${tag.padStart(10, '0')}` },
        { uom: 'BOX', factor: 6, gtin: null },
      ],
      productGroup: '饮料',
      lotTracked: true,
      expiryTracked: false,
      shelfLifeDays: 365,
      weightGrams: null,
      volumeCm3: 1_999_999_999,
      active: true,
    },
    customers: {
      ...meta(),
      code: `CUS-${tag}`,
      name: `北京客户 ${tag}`,
      grade: 'A',
      creditLimitMinor: BIG_MONEY,
      currency: 'CNY',
      contactName: '王伟',
      phone: '+86 10 1234 5678',
      email: null,
      addresses: [
        {
          kind: 'shipping',
          line1: '朝阳区建国路 1 号',
          city: '北京',
          region: null,
          postcode: '100020',
          country: 'CN',
          isDefault: true,
        },
        {
          kind: 'billing',
          line1: 'PO Box 9',
          city: null,
          region: null,
          postcode: null,
          country: 'HK',
          isDefault: false,
        },
      ],
      active: true,
    },
    suppliers: {
      ...meta(),
      code: `SUP-${tag}`,
      name: `供应商 ${tag}`,
      grade: 'B',
      gs1CompanyPrefix: '6901234',
      asnTolerancePct: 5,
      currency: 'USD',
      contactName: null,
      phone: null,
      email: 'sales@example.com',
      active: true,
    },
    carriers: {
      ...meta(),
      code: `CAR-${tag}`,
      name: `顺丰 ${tag}`,
      phone: null,
      trackingUrlTemplate: 'https://example.com/t/{tracking}',
      active: true,
    },
    salesChannels: { ...meta(), code: `CH-${tag}`, name: `天猫 ${tag}`, kind: 'online-shop', active: true },
  } satisfies { [E in MasterEntity]: MasterRecords[E] };
}

/** A changed copy of every field a clerk can edit, children included. */
function edited<E extends MasterEntity>(entity: E, r: MasterRecords[E]): MasterRecords[E] {
  const base = { ...r, version: r.version + 1, updatedAt: T1 };
  const changes: { [K in MasterEntity]: (x: MasterRecords[K]) => MasterRecords[K] } = {
    warehouses: (x) => ({ ...x, name: x.name + ' 改', allowNegativeStock: false, address: '浦东新区' }),
    locations: (x) => ({ ...x, kind: 'storage', active: true }),
    items: (x) => ({ ...x, nameEn: 'Green tea', lotTracked: false, uoms: [{ uom: 'PAL', factor: 480, gtin: null }] }),
    customers: (x) => ({ ...x, creditLimitMinor: 1, addresses: x.addresses.slice(1), email: 'a@b.cn' }),
    suppliers: (x) => ({ ...x, gs1CompanyPrefix: null, grade: 'D' }),
    carriers: (x) => ({ ...x, phone: '95338', active: false }),
    salesChannels: (x) => ({ ...x, kind: 'manual' }),
  };
  return changes[entity](base);
}

/** The fixture item's carton GTIN; every fixture item has one. */
function unitGtin(item: MasterRecords['items']): string {
  const gtin = item.uoms[0]?.gtin;
  if (!gtin) throw new Error('fixture item without a unit GTIN');
  return gtin;
}

const ENTITIES = ['warehouses', 'locations', 'items', 'customers', 'suppliers', 'carriers', 'salesChannels'] as const;

async function expectAppError(promise: Promise<unknown>, code: string): Promise<void> {
  const err: unknown = await promise.then(
    () => undefined,
    (e: unknown) => e,
  );
  expect(err).toBeInstanceOf(AppError);
  expect((err as AppError).code).toBe(code);
}

describe.each(BACKENDS)('data layer on %s', (backend) => {
  let t: OpenedDb;
  let warehouseId: string;
  let n = 0;
  /** Each test writes its own codes, so tests share one database (PGlite is slow to open). */
  const tag = () => String(++n) + randomUUID().slice(0, 4);

  beforeAll(async () => {
    t = await openTestDb(backend, 'desktop');
    const wh = fixtures('base', '').warehouses;
    await insertMaster(t.db, 'warehouses', wh);
    warehouseId = wh.id;
  });
  afterAll(async () => {
    await t?.close();
  });

  it('migrations are idempotent and seed the roles of core', async () => {
    const version = await migrateToLatest(t.db, 'desktop');
    expect(version).toBe('shared/0005_dock desktop/0003_printing');
    expect(await migrateToLatest(t.db, 'desktop')).toBe(version);
    const roles = await t.db.selectFrom('roles').select('code').orderBy('code').execute();
    expect(roles.map((r) => r.code)).toEqual([...ROLES].sort());
  });

  it('matches the committed schema snapshot', async () => {
    const shape = await introspectSchema(t.db, backend);
    const hint = 'Schema changed: if intended, run `npx tsx db/scripts/update-snapshot.ts` and commit';
    expect(shape.tables, hint).toEqual(snapshot.tables);
    expect(shape.indexes, hint).toEqual(backend === 'sqlite' ? snapshot.indexes.sqlite : snapshot.indexes.postgres);
  });

  it.each(ENTITIES)('round-trips %s through insert, get, list and update', async (entity) => {
    const record = fixtures(tag(), warehouseId)[entity];
    await insertMaster(t.db, entity, record);
    expect(await getMaster(t.db, entity, record.id)).toEqual(record);

    const listed = await listMaster(t.db, entity, { includeInactive: true, warehouseId });
    expect(listed.find((r) => r.id === record.id)).toEqual(record);

    const next = edited(entity, record);
    expect(await updateMaster(t.db, entity, next, record.version)).toBe(true);
    expect(await getMaster(t.db, entity, record.id)).toEqual(next);
  });

  it('returns undefined for unknown ids and codes', async () => {
    expect(await getMaster(t.db, 'items', randomUUID())).toBeUndefined();
    expect(await findIdByCode(t.db, 'customers', 'NOPE')).toBeUndefined();
    expect(await findItemIdByGtin(t.db, '0000000000000')).toBeUndefined();
  });

  it('keeps money above 2^31 exact and refuses values a number cannot hold', async () => {
    const c = fixtures(tag(), warehouseId).customers;
    await insertMaster(t.db, 'customers', { ...c, creditLimitMinor: Number.MAX_SAFE_INTEGER });
    expect((await getMaster(t.db, 'customers', c.id))?.creditLimitMinor).toBe(Number.MAX_SAFE_INTEGER);
    await sql`update customers set credit_limit_minor = credit_limit_minor + 1 where id = ${c.id}`.execute(t.db);
    await expect(getMaster(t.db, 'customers', c.id)).rejects.toThrow(/MAX_SAFE_INTEGER/);
    await sql`update customers set credit_limit_minor = 0 where id = ${c.id}`.execute(t.db);
  });

  it('finds ids by code, by per-warehouse location code and by either kind of GTIN', async () => {
    const f = fixtures(tag(), warehouseId);
    await insertMaster(t.db, 'items', f.items);
    await insertMaster(t.db, 'locations', f.locations);
    expect(await findIdByCode(t.db, 'items', f.items.sku)).toBe(f.items.id);
    expect(await findIdByCode(t.db, 'locations', f.locations.code, { warehouseId })).toBe(f.locations.id);
    expect(await findIdByCode(t.db, 'locations', f.locations.code, { warehouseId: randomUUID() })).toBeUndefined();
    await expectAppError(findIdByCode(t.db, 'locations', f.locations.code), 'validation.invalid-input');
    expect(await findItemIdByGtin(t.db, f.items.gtin)).toBe(f.items.id);
    expect(await findItemIdByGtin(t.db, unitGtin(f.items))).toBe(f.items.id);
  });

  it('rejects duplicate codes, SKUs and GTINs and changes nothing', async () => {
    const a = fixtures(tag(), warehouseId);
    const b = fixtures(tag(), warehouseId);
    await insertMaster(t.db, 'items', a.items);
    await insertMaster(t.db, 'customers', a.customers);

    await expectAppError(
      insertMaster(t.db, 'customers', { ...b.customers, code: a.customers.code }),
      'masterdata.duplicate-code',
    );
    await expectAppError(insertMaster(t.db, 'items', { ...b.items, sku: a.items.sku }), 'masterdata.duplicate-code');
    // Item GTIN against another item's unit GTIN, and the other way round: no one index covers these.
    await expectAppError(
      insertMaster(t.db, 'items', { ...b.items, gtin: unitGtin(a.items) }),
      'masterdata.duplicate-gtin',
    );
    await expectAppError(
      insertMaster(t.db, 'items', { ...b.items, uoms: [{ uom: 'CTN', factor: 2, gtin: a.items.gtin }] }),
      'masterdata.duplicate-gtin',
    );
    await expectAppError(
      insertMaster(t.db, 'items', { ...b.items, uoms: [{ uom: 'CTN', factor: 2, gtin: b.items.gtin }] }),
      'masterdata.duplicate-gtin',
    );
    expect(await getMaster(t.db, 'items', b.items.id)).toBeUndefined();
    expect(await getMaster(t.db, 'customers', b.customers.id)).toBeUndefined();

    // The same location code is fine in another warehouse, not twice in one.
    const wh2 = b.warehouses;
    await insertMaster(t.db, 'warehouses', wh2);
    await insertMaster(t.db, 'locations', { ...a.locations });
    await insertMaster(t.db, 'locations', { ...b.locations, code: a.locations.code, warehouseId: wh2.id });
    await expectAppError(
      insertMaster(t.db, 'locations', {
        ...meta(),
        warehouseId,
        code: a.locations.code,
        kind: 'storage',
        active: true,
      }),
      'masterdata.duplicate-code',
    );
    await expectAppError(
      insertMaster(t.db, 'locations', {
        ...meta(),
        warehouseId: randomUUID(),
        code: 'X',
        kind: 'storage',
        active: true,
      }),
      'masterdata.invalid-reference',
    );
  });

  it('an item may keep its own GTINs when it is updated', async () => {
    const f = fixtures(tag(), warehouseId).items;
    await insertMaster(t.db, 'items', f);
    const next = { ...f, name: 'renamed', version: 2, updatedAt: T1 };
    expect(await updateMaster(t.db, 'items', next, 1)).toBe(true);
    expect(await getMaster(t.db, 'items', f.id)).toEqual(next);
  });

  it('a stale version returns false and changes nothing, children included', async () => {
    const c = fixtures(tag(), warehouseId).customers;
    await insertMaster(t.db, 'customers', c);
    const stale = { ...c, name: 'stale', addresses: [], version: 3, updatedAt: T1 };
    expect(await updateMaster(t.db, 'customers', stale, 2)).toBe(false);
    expect(await getMaster(t.db, 'customers', c.id)).toEqual(c);
    expect(await updateMaster(t.db, 'customers', { ...stale, id: randomUUID() }, 1)).toBe(false);
  });

  it('searches by code prefix and name, case-insensitively, honouring active and limits', async () => {
    const tg = tag();
    const f = fixtures(tg, warehouseId);
    await insertMaster(t.db, 'items', f.items);
    await insertMaster(t.db, 'items', { ...fixtures(tag(), warehouseId).items, sku: `ZZ%-${tg}`, active: false });
    const ids = async (search: string, includeInactive = false) =>
      (await listMaster(t.db, 'items', { search, includeInactive })).map((r) => r.id);

    expect(await ids(`sku-${tg}`)).toEqual([f.items.id]);
    expect(await ids(`绿茶 ${tg}`)).toEqual([f.items.id]);
    expect(await ids(unitGtin(f.items))).toEqual([f.items.id]);
    expect(await ids(`zz%-${tg}`)).toEqual([]);
    expect(await ids(`zz%-${tg}`, true)).toHaveLength(1);
    // % and _ are literal characters in a search, not wildcards.
    expect(await ids(`zz_-${tg}`, true)).toEqual([]);
    expect(await listMaster(t.db, 'items', { limit: 1 })).toHaveLength(1);

    const all = await listMaster(t.db, 'items', { includeInactive: true });
    const skus = all.map((r) => r.sku);
    expect(skus).toEqual([...skus].sort());

    const locs = await listMaster(t.db, 'locations', { warehouseId: randomUUID(), includeInactive: true });
    expect(locs).toEqual([]);
  });

  it('round-trips any printable text exactly', async () => {
    // NUL is excluded: PostgreSQL text cannot hold it while SQLite can (core should refuse it).
    const text = fc.string({ unit: 'grapheme', minLength: 1, maxLength: 40 }).filter((s) => !s.includes('\u0000'));
    await fc.assert(
      fc.asyncProperty(text, text, async (name, phone) => {
        const c = { ...fixtures(tag(), warehouseId).carriers, name, phone };
        await insertMaster(t.db, 'carriers', c);
        expect(await getMaster(t.db, 'carriers', c.id)).toEqual(c);
      }),
      { numRuns: 25 },
    );
  });

  it('links users to seeded roles and to scopes of the three kinds only', async () => {
    const userId = randomUUID();
    await t.db
      .insertInto('users')
      .values({ id: userId, username: `u${tag()}`, display_name: '李娜', password_hash: null, active: 1, ...meta0 })
      .execute();
    await t.db.insertInto('user_roles').values({ user_id: userId, role_code: 'warehouse-clerk' }).execute();
    await t.db
      .insertInto('user_scopes')
      .values({ user_id: userId, scope_kind: 'warehouse', scope_id: warehouseId })
      .execute();
    await expect(
      t.db.insertInto('user_roles').values({ user_id: userId, role_code: 'no-such-role' }).execute(),
    ).rejects.toThrow();
    await expect(
      sql`insert into user_scopes (user_id, scope_kind, scope_id) values (${userId}, ${'planet'}, ${'x'})`.execute(
        t.db,
      ),
    ).rejects.toThrow();
  });

  it('assigns dense outbox seqs, and a rolled-back command leaves no gap', async () => {
    const clientId = await getClientId(t.db);
    expect(clientId).toBeDefined();
    const start = await countOutbox(t.db);
    const seqs: number[] = [];
    for (let i = 0; i < 30; i++) {
      const out = await t.db.transaction().execute((trx) =>
        appendOutbox(trx, {
          mutationId: randomUUID(),
          command: 'createItem',
          commandVersion: 1,
          args: { i, 名: '茶' },
          createdAt: T0,
        }),
      );
      expect(out.clientId).toBe(clientId);
      seqs.push(out.seq);
      if (i === 10)
        await t.db
          .transaction()
          .execute(async (trx) => {
            await appendOutbox(trx, {
              mutationId: randomUUID(),
              command: 'x',
              commandVersion: 1,
              args: {},
              createdAt: T0,
            });
            throw new Error('rollback');
          })
          .catch(() => undefined);
    }
    expect(seqs).toEqual(Array.from({ length: 30 }, (_, i) => start + i + 1));
    expect(await countOutbox(t.db)).toBe(start + 30);
    expect(await countOutbox(t.db, 'pending')).toBe(start + 30);
    expect(await countOutbox(t.db, 'rejected')).toBe(0);

    const page = await listOutbox(t.db, { afterSeq: start + 5, limit: 3 });
    expect(page.map((e) => e.seq)).toEqual([start + 6, start + 7, start + 8]);
    expect(page[0]).toMatchObject({
      command: 'createItem',
      commandVersion: 1,
      args: { i: 5, 名: '茶' },
      status: 'pending',
      clientId,
    });

    const dupId = page[0]?.mutationId ?? '';
    await expect(
      t.db
        .transaction()
        .execute((trx) =>
          appendOutbox(trx, { mutationId: dupId, command: 'x', commandVersion: 1, args: {}, createdAt: T0 }),
        ),
    ).rejects.toThrow();
    expect(await countOutbox(t.db)).toBe(start + 30);
  });
});

describe('server target', () => {
  it('has no desktop tables, and migrating it again is a no-op', async () => {
    const t = await openTestDb('postgres', 'server');
    try {
      const names = (await t.db.introspection.getTables()).map((x) => x.name);
      expect(names).toContain('items');
      expect(names).not.toContain('outbox');
      expect(names).not.toContain('client_meta');
      expect(names).toContain('change_log');
      expect(await migrateToLatest(t.db, 'server')).toBe('shared/0005_dock server/0001_sync');
    } finally {
      await t.close();
    }
  });
});

describe('SQLite file', () => {
  const dir = mkdtempSync(join(tmpdir(), 'oms-reopen-'));
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it('keeps its client id and continues its outbox seq after reopening', async () => {
    const file = join(dir, 'oms.sqlite');
    const append = (conn: OpenedDb) =>
      conn.db
        .transaction()
        .execute((trx) =>
          appendOutbox(trx, { mutationId: randomUUID(), command: 'c', commandVersion: 1, args: null, createdAt: T0 }),
        );

    const first = openSqlite(file);
    await migrateToLatest(first.db, 'desktop');
    expect(await getClientId(first.db)).toBeUndefined();
    const clientId = await ensureClientId(first.db, () => 'client-a');
    expect(clientId).toBe('client-a');
    for (let i = 0; i < 5; i++) await append(first);
    await first.close();

    const second = openSqlite(file);
    try {
      await migrateToLatest(second.db, 'desktop');
      expect(await ensureClientId(second.db, () => 'client-b')).toBe('client-a');
      expect(await append(second)).toEqual({ seq: 6, clientId: 'client-a' });
      expect((await listOutbox(second.db, { limit: 100 })).map((e) => e.seq)).toEqual([1, 2, 3, 4, 5, 6]);
    } finally {
      await second.close();
    }
  });
});

describe('PostgreSQL schemas', () => {
  it('migrates a schema while another schema of the same database is already migrated', async () => {
    const first = await openTestDb('postgres', 'desktop');
    try {
      const second = await openTestDb('postgres', 'desktop');
      try {
        expect(await getClientId(second.db)).not.toBe(await getClientId(first.db));
        const f = fixtures('schemas', '');
        await insertMaster(second.db, 'carriers', f.carriers);
        expect(await getMaster(first.db, 'carriers', f.carriers.id)).toBeUndefined();
      } finally {
        await second.close();
      }
    } finally {
      await first.close();
    }
  });
});
