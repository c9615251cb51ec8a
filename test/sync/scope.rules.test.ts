// Regressions for three scope/permission bugs found while writing test/sync/scope.test.ts:
// a permission entry naming a command that does not exist, a supplier grant ignored without the
// supplier-clerk role, and the push check seeing only the rows a command wrote, not what they were.
import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { findCommand } from '../../commands/registry.ts';
import { PROTOCOL_VERSION } from '../../sync/protocol/index.ts';
import { openTestDesktop, PASSWORD, startTestServer, type TestServer } from '../../sync/testing/harness.ts';

type Res = { ok: boolean; data?: unknown; error?: unknown };
const must = async <T = { id: string }>(p: Promise<Res>) => {
  const r = await p;
  if (!r.ok) throw new Error(JSON.stringify(r));
  return r.data as T;
};

describe.each(['pglite', 'postgres'] as const)('scope rules on %s', (backend) => {
  let server: TestServer;
  const ids: Record<string, string> = {};
  const push = async (username: string, command: string, input: unknown) => {
    const clientId = randomUUID();
    const login = (await (
      await fetch(`${server.url}/auth/login`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ username, password: PASSWORD, clientId }),
      })
    ).json()) as { data: { accessToken: string } };
    const def = findCommand(command)!;
    const args = def.fromInput ? def.fromInput(input, randomUUID) : input;
    const res = (await (
      await fetch(`${server.url}/sync/push`, {
        method: 'POST',
        headers: { 'content-type': 'application/json', authorization: `Bearer ${login.data.accessToken}` },
        body: JSON.stringify({
          protocol: PROTOCOL_VERSION,
          clientId,
          mutations: [{ seq: 1, mutationId: randomUUID(), command, version: def.version, args, clientTime: '' }],
        }),
      })
    ).json()) as { data: { results: { status: string; error?: { code: string } }[] } };
    const result = res.data.results[0];
    if (!result) throw new Error('no result');
    return result;
  };
  beforeAll(async () => {
    server = await startTestServer(backend);
    ids.s1 = (await must(server.run('createSupplier', { code: 'S-1', name: 'a' }))).id;
    ids.s2 = (await must(server.run('createSupplier', { code: 'S-2', name: 'b' }))).id;
    ids.wh = (await must(server.run('createWarehouse', { code: 'A', name: 'a' }))).id;
    ids.item = (await must(server.run('createItem', { sku: 'I', name: 'i', baseUom: 'EA' }))).id;
    ids.cust = (await must(server.run('createCustomer', { code: 'C', name: 'c', creditLimitMinor: 1_000_000 }))).id;
    ids.po2 = (
      await must(
        server.run('createOrder', {
          submit: true,
          order: {
            type: 'purchase',
            supplierId: ids.s2,
            warehouseId: ids.wh,
            lines: [{ itemId: ids.item, quantity: 1 }],
          },
        }),
      )
    ).id;
    await server.createUser('fin', ['finance-clerk']);
    await server.createUser('sv1', ['supervisor'], [{ kind: 'supplier', id: ids.s1! }]);
    await server.createUser('clerkA', ['warehouse-clerk'], [{ kind: 'warehouse', id: ids.wh! }]);
  }, 120_000);
  afterAll(async () => server?.close());

  // core/auth/permissions.ts names `setCustomerCredit`, a command that does not exist; the
  it('lets a finance clerk run setCreditPosition', async () => {
    const r = await push('fin', 'setCreditPosition', {
      customerId: ids.cust,
      openReceivablesMinor: 100,
      depositsMinor: 0,
    });
    expect(r.status).toBe('applied');
  });

  // accessOf ignores a supplier grant unless the user has the supplier-clerk role.
  it('narrows a user with a supplier grant to that supplier whatever the role', async () => {
    const d = await openTestDesktop(server.url);
    await d.signIn('sv1');
    await d.engine.syncOnce();
    const seen = (await d.db.selectFrom('orders').select('id').execute()).map((o) => o.id);
    await d.close();
    expect(seen).not.toContain(ids.po2);
  });

  // runScoped checks after-images only: a row the user could not see may be written into scope.
  it('refuses a write to a row the user could not see before it', async () => {
    const so = await must(
      server.run('createOrder', {
        submit: true, // no warehouse rule matches: held with a no-warehouse exception, warehouse null
        order: { type: 'sales', customerId: ids.cust, lines: [{ itemId: ids.item, quantity: 1 }] },
      }),
    );
    const ex = await server.conn.db.selectFrom('order_exceptions').select('id').where('order_id', '=', so.id).execute();
    const r = await push('clerkA', 'resolveException', {
      exceptionId: ex[0]!.id,
      action: 'assign-warehouse',
      warehouseId: ids.wh,
      note: 'mine now',
    });
    expect(r).toMatchObject({ status: 'rejected', error: { code: 'auth.out-of-scope' } });
  });
});
