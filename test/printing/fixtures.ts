import { randomUUID } from 'node:crypto';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { makeSscc } from '../../core/gs1/build.ts';
import { openSqlite, type OpenedDb } from '../../db/connect.ts';
import { migrateToLatest } from '../../db/migrate.ts';
import { seedIfEmpty } from '../../db/seed/seed.ts';
import type { CommandContext } from '../../commands/define.ts';

export const context = (name = 'tester'): CommandContext => ({
  actor: { userId: null, name, roles: ['administrator'] },
  now: new Date().toISOString(),
  origin: 'desktop',
});

/** A desktop database file (migrated, demo data) in a fresh folder. */
export async function openDesktopDb(
  dir = mkdtempSync(join(tmpdir(), 'oms-print-')),
): Promise<{ dir: string; conn: OpenedDb }> {
  const conn = openSqlite(join(dir, 'oms.sqlite'));
  await migrateToLatest(conn.db, 'desktop');
  await seedIfEmpty(conn.db);
  return { dir, conn };
}

export async function reopenDesktopDb(dir: string): Promise<OpenedDb> {
  const conn = openSqlite(join(dir, 'oms.sqlite'));
  await migrateToLatest(conn.db, 'desktop');
  return conn;
}

/**
 * An ASN of `units` cartons (one item each, lot and expiry) against a demo purchase order, laid
 * down as rows: the printing tests need label data, not the ASN workflow (tested in commands/).
 */
export async function seedAsn(conn: OpenedDb, units: number): Promise<{ asnId: string; unitIds: string[] }> {
  const { db } = conn;
  const po = await db
    .selectFrom('orders')
    .select(['id', 'supplier_id', 'warehouse_id'])
    .where('type', '=', 'purchase')
    .orderBy('number')
    .executeTakeFirstOrThrow();
  const item = await db
    .selectFrom('items')
    .select('id')
    .where('gtin', 'is not', null)
    .orderBy('sku')
    .executeTakeFirstOrThrow();
  const supplier = po.supplier_id!;
  const warehouse = po.warehouse_id!;
  const asnId = randomUUID();
  const now = new Date().toISOString();
  const serialBase = Math.floor(Math.random() * 90_000) * 10_000;
  await db
    .insertInto('asns')
    .values({
      id: asnId,
      number: `ASN-T-${asnId.slice(0, 6)}`,
      supplier_id: supplier,
      warehouse_id: warehouse,
      order_id: po.id,
      status: 'open',
      ship_date: now.slice(0, 10),
      expected_date: null,
      carrier_ref: null,
      note: null,
      unit_count: units,
      qty_announced: units * 12,
      arrived_at: null,
      created_by: 'tester',
      created_at: now,
      updated_at: now,
      version: 1,
    })
    .execute();
  await db
    .insertInto('asn_lines')
    .values({
      asn_id: asnId,
      line_no: 1,
      supplier_id: supplier,
      warehouse_id: warehouse,
      order_line_no: 1,
      item_id: item.id,
      quantity: units * 12,
      lot: 'LOT-A1',
      expiry: '2027-06-30',
    })
    .execute();
  const unitIds: string[] = [];
  for (let i = 0; i < units; i += 200) {
    const chunk = Array.from({ length: Math.min(200, units - i) }, (_, k) => {
      const id = randomUUID();
      unitIds.push(id);
      return {
        id,
        asn_id: asnId,
        supplier_id: supplier,
        warehouse_id: warehouse,
        sscc: makeSscc('6901234', 0, serialBase + i + k + 1),
        kind: 'carton' as const,
        position: i + k + 1,
        parent_id: null,
        gross_weight_grams: 5200,
        status: 'expected' as const,
        received_at: null,
        received_by: null,
        receipt_id: null,
      };
    });
    await db.insertInto('handling_units').values(chunk).execute();
    await db
      .insertInto('handling_unit_contents')
      .values(
        chunk.map((u) => ({
          unit_id: u.id,
          asn_line_no: 1,
          asn_id: asnId,
          supplier_id: supplier,
          warehouse_id: warehouse,
          quantity: 12,
        })),
      )
      .execute();
  }
  return { asnId, unitIds };
}
