import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openTestDb } from '../db/testing/backends.ts';
import type { CommandContext } from './define.ts';
import { findCommand } from './registry.ts';
import { runCommand } from './runner.ts';

/**
 * The server runs commands concurrently on PostgreSQL: two reservations racing for the last units
 * must end with one reserved and the other refused as insufficient stock with what was left,
 * never a misleading "negative stock" or an oversell.
 */
const ctx: CommandContext = {
  actor: { userId: null, name: 'test' },
  now: '2026-11-25T08:00:00.000Z',
  origin: 'server',
};

describe('concurrent reservations on postgres', () => {
  let t: Awaited<ReturnType<typeof openTestDb>>;
  let warehouse = '';
  const run = async (name: string, input: unknown) => {
    const def = findCommand(name)!;
    const args = def.fromInput ? def.fromInput(input, randomUUID) : input;
    return (await runCommand(t.db, def, args, ctx, { outbox: false })).result;
  };

  beforeAll(async () => {
    t = await openTestDb('postgres', 'shared');
    warehouse = ((await run('createWarehouse', { code: 'WH-C', name: '并发仓' })) as { data: { id: string } }).data.id;
  });
  afterAll(async () => t?.close());

  it('one of two racing reservations wins, the other is refused with the quantity left', async () => {
    for (let round = 0; round < 10; round++) {
      // A fresh item each round: every race starts from exactly ten on hand.
      const created = (await run('createItem', { sku: `RACE-${round}`, name: '抢购', baseUom: 'EA' })) as {
        data: { id: string };
      };
      const id = created.data.id;
      expect(await run('receiveStock', { itemId: id, warehouseId: warehouse, quantity: 10 })).toMatchObject({
        ok: true,
      });
      const reserve = (demand: string) =>
        run('reserveStock', {
          demand: { type: 'sales-order', id: demand },
          lines: [{ demandLine: 1, itemId: id, warehouseId: warehouse, quantity: 6 }],
        });
      const results = await Promise.all([reserve(`R${round}-a`), reserve(`R${round}-b`)]);
      expect(results.filter((r) => r.ok)).toHaveLength(1);
      const refused = results.find((r) => !r.ok) as { ok: false; error: { code: string; details?: unknown } };
      expect(refused.error.code).toBe('inventory.insufficient-stock');
      expect(refused.error.details).toMatchObject({ available: 4, requested: 6 });
    }
  });
});
