import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { BACKENDS, openTestDb } from '../db/testing/backends.ts';
import { listMaster } from '../db/masterdata.queries.ts';
import { countOutbox, listOutbox } from '../db/outbox.queries.ts';
import type { CommandContext } from './define.ts';
import { runCommand } from './runner.ts';
import { findCommand } from './registry.ts';

const ctx = (now = '2026-11-22T08:00:00.000Z'): CommandContext => ({
  actor: { userId: null, name: 'test' },
  now,
  origin: 'desktop',
});

let idCounter = 0;
const newId = () => `00000000-0000-4000-8000-${String(++idCounter).padStart(12, '0')}`;

/** What the app host does for a create endpoint: assign the id at the origin, then run. */
function createArgs(command: string, fields: unknown) {
  const def = findCommand(command);
  if (!def?.fromInput) throw new Error(`no create command ${command}`);
  return def.fromInput(fields, newId);
}

describe.each(BACKENDS)('master-data commands on %s', (backend) => {
  let t: Awaited<ReturnType<typeof openTestDb>>;
  beforeAll(async () => {
    t = await openTestDb(backend, 'desktop');
  });
  afterAll(async () => {
    await t?.close();
  });

  it('creates a customer and records the outbox row in the same transaction', async () => {
    const before = await countOutbox(t.db);
    const args = createArgs('createCustomer', { code: 'C-100', name: '上海华联超市', creditLimitMinor: 500_000_00 });
    const out = await runCommand(t.db, 'createCustomer', args, ctx(), { outbox: true });
    expect(out.result).toMatchObject({ ok: true, data: { code: 'C-100', name: '上海华联超市', version: 1 } });
    expect(out.outbox?.seq).toBe(before + 1);
    const [row] = await listOutbox(t.db, { afterSeq: before, limit: 10 });
    expect(row).toMatchObject({ command: 'createCustomer', commandVersion: 1, mutationId: out.outbox?.mutationId });
    expect(row?.args).toEqual(JSON.parse(JSON.stringify(parsedArgs('createCustomer', args))));
  });

  it('refuses a duplicate code with a field-level code and changes nothing', async () => {
    const outboxBefore = await countOutbox(t.db);
    const rowsBefore = await listMaster(t.db, 'customers', { includeInactive: true });
    const out = await runCommand(
      t.db,
      'createCustomer',
      createArgs('createCustomer', { code: 'C-100', name: 'x' }),
      ctx(),
      {
        outbox: true,
      },
    );
    expect(out.result).toMatchObject({
      ok: false,
      error: { code: 'masterdata.duplicate-code', details: { fields: [{ path: 'code', code: 'duplicate-code' }] } },
    });
    expect(out.outbox).toBeUndefined();
    expect(await countOutbox(t.db)).toBe(outboxBefore);
    expect(await listMaster(t.db, 'customers', { includeInactive: true })).toEqual(rowsBefore);
  });

  it('validates arguments at the boundary', async () => {
    const outboxBefore = await countOutbox(t.db);
    const out = await runCommand(t.db, 'createCustomer', { id: 'not-a-uuid', fields: { code: '' } }, ctx(), {
      outbox: true,
    });
    expect(out.result.ok).toBe(false);
    if (out.result.ok) return;
    expect(out.result.error.code).toBe('validation.invalid-input');
    expect(out.result.error.details?.fields?.map((f) => f.path)).toEqual(
      expect.arrayContaining(['id', 'fields.code', 'fields.name']),
    );
    expect(await countOutbox(t.db)).toBe(outboxBefore);
  });

  it('updates with optimistic locking', async () => {
    const created = await runCommand(
      t.db,
      'createSupplier',
      createArgs('createSupplier', { code: 'S-1', name: '广州恒通食品有限公司', gs1CompanyPrefix: '6901234' }),
      ctx(),
      { outbox: true },
    );
    if (!created.result.ok) throw new Error(created.result.error.message);
    const supplier = created.result.data as { id: string; version: number };
    const fields = { code: 'S-1', name: '广州恒通食品', gs1CompanyPrefix: '6901234', grade: 'A' };
    const updated = await runCommand(
      t.db,
      'updateSupplier',
      { id: supplier.id, expectedVersion: 1, fields },
      ctx('2026-11-22T09:00:00.000Z'),
      { outbox: true },
    );
    expect(updated.result).toMatchObject({
      ok: true,
      data: { name: '广州恒通食品', grade: 'A', version: 2, updatedAt: '2026-11-22T09:00:00.000Z' },
    });
    const stale = await runCommand(t.db, 'updateSupplier', { id: supplier.id, expectedVersion: 1, fields }, ctx(), {
      outbox: true,
    });
    expect(stale.result).toMatchObject({ ok: false, error: { code: 'masterdata.version-conflict' } });
    const missing = await runCommand(t.db, 'updateSupplier', { id: newId(), expectedVersion: 1, fields }, ctx(), {
      outbox: true,
    });
    expect(missing.result).toMatchObject({ ok: false, error: { code: 'masterdata.not-found' } });
  });

  it('keeps GTINs unique across items and their units', async () => {
    const a = await runCommand(
      t.db,
      'createItem',
      createArgs('createItem', {
        sku: 'SKU-A',
        name: '纯牛奶',
        baseUom: 'EA',
        gtin: '6901234000016',
        uoms: [{ uom: 'CS', factor: 12, gtin: '16901234000013' }],
      }),
      ctx(),
      { outbox: true },
    );
    expect(a.result.ok).toBe(true);
    const b = await runCommand(
      t.db,
      'createItem',
      createArgs('createItem', {
        sku: 'SKU-B',
        name: 'x',
        baseUom: 'EA',
        uoms: [{ uom: 'CS', factor: 6, gtin: '6901234000016' }],
      }),
      ctx(),
      { outbox: true },
    );
    expect(b.result).toMatchObject({
      ok: false,
      error: { code: 'masterdata.duplicate-gtin', details: { fields: [{ path: 'uoms.0.gtin' }] } },
    });
  });

  it('refuses a location in a warehouse that does not exist', async () => {
    const out = await runCommand(
      t.db,
      'createLocation',
      createArgs('createLocation', { warehouseId: newId(), code: 'A-01' }),
      ctx(),
      { outbox: true },
    );
    expect(out.result).toMatchObject({ ok: false, error: { code: 'masterdata.invalid-reference' } });
  });

  it('refuses unknown commands and unsupported versions', async () => {
    expect((await runCommand(t.db, 'dropEverything', {}, ctx(), { outbox: true })).result).toMatchObject({
      ok: false,
      error: { code: 'command.unknown' },
    });
    expect((await runCommand(t.db, 'createCustomer', {}, ctx(), { outbox: true, version: 99 })).result).toMatchObject({
      ok: false,
      error: { code: 'command.unsupported-version' },
    });
  });

  it('replays the desktop outbox on a server database to the same records', async () => {
    const server = await openTestDb('sqlite', 'shared');
    try {
      for (const row of await listOutbox(t.db, { limit: 1000 })) {
        await runCommand(server.db, row.command, row.args, ctx(row.createdAt), {
          outbox: false,
          version: row.commandVersion,
          mutationId: row.mutationId,
        });
      }
      expect(await listMaster(server.db, 'customers', { includeInactive: true })).toEqual(
        await listMaster(t.db, 'customers', { includeInactive: true }),
      );
      expect(await listMaster(server.db, 'items', { includeInactive: true })).toEqual(
        await listMaster(t.db, 'items', { includeInactive: true }),
      );
    } finally {
      await server.close();
    }
  });

  it('property: a rejected command changes nothing and the outbox stays dense', async () => {
    let run = 0;
    const op = fc.oneof(
      fc.record({
        kind: fc.constant('create' as const),
        code: fc.constantFrom('K1', 'K2', 'K3', 'bad code'),
        n: fc.nat(9),
      }),
      fc.record({
        kind: fc.constant('update' as const),
        pick: fc.nat(5),
        stale: fc.boolean(),
        name: fc.string({ maxLength: 3 }),
      }),
    );
    await fc.assert(
      fc.asyncProperty(fc.array(op, { minLength: 1, maxLength: 12 }), async (ops) => {
        // Each run works on its own codes in the shared database, so runs cannot see each other.
        const prefix = `R${(run += 1)}-`;
        const mine = async () =>
          (await listMaster(t.db, 'carriers', { includeInactive: true })).filter((c) => c.code.startsWith(prefix));
        const firstSeq = (await listOutbox(t.db, { limit: 100_000 })).at(-1)?.seq ?? 0;
        let accepted = 0;
        for (const o of ops) {
          const before = await mine();
          let out;
          if (o.kind === 'create') {
            const code = o.code === 'bad code' ? `${prefix} bad` : `${prefix}${o.code}`;
            out = await runCommand(
              t.db,
              'createCarrier',
              createArgs('createCarrier', { code, name: `承运商${o.n}` }),
              ctx(),
              {
                outbox: true,
              },
            );
          } else {
            const target = before[o.pick % Math.max(before.length, 1)];
            if (!target) continue;
            const expectedVersion = o.stale ? target.version + 1 : target.version;
            out = await runCommand(
              t.db,
              'updateCarrier',
              { id: target.id, expectedVersion, fields: { code: target.code, name: o.name } },
              ctx(),
              { outbox: true },
            );
          }
          if (out.result.ok) accepted += 1;
          else expect(await mine()).toEqual(before);
          const seqs = (await listOutbox(t.db, { afterSeq: firstSeq, limit: 100_000 })).map((r) => r.seq);
          expect(seqs).toEqual(Array.from({ length: accepted }, (_, i) => firstSeq + i + 1));
        }
      }),
      { numRuns: backend === 'sqlite' ? 60 : 8 },
    );
  });
});

function parsedArgs(command: string, args: unknown) {
  const def = findCommand(command);
  if (!def) throw new Error('unknown');
  return def.args.parse(args);
}
