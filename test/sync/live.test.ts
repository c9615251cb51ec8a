import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openTestDesktop, startTestServer, type TestDesktop, type TestServer } from '../../sync/testing/harness.ts';
import { FaultProxy } from '../../sync/testing/proxy.ts';

/*
 * A change committed while a desktop's live channel is still connecting announces itself to
 * nobody: the desktop must pull as soon as the channel greets it, not at its next poll. The
 * live request is held back by a real TCP proxy so the change lands in exactly that gap.
 */
describe('the live channel greets a desktop that connected late', () => {
  let server: TestServer;
  let proxy: FaultProxy;
  const desktops: TestDesktop[] = [];

  beforeAll(async () => {
    server = await startTestServer('pglite');
    await server.createUser('alice', ['administrator']);
    proxy = await FaultProxy.start(server.url);
  }, 120_000);
  afterAll(async () => {
    for (const d of desktops) await d.close();
    await proxy?.close();
    await server?.close();
  });

  it('pulls a change made before its channel opened within seconds, not at the 60 s poll', async () => {
    const a = await openTestDesktop(server.url);
    const b = await openTestDesktop(proxy.url, { engine: { live: true, pollMs: 60_000 } });
    desktops.push(a, b);
    await a.signIn('alice');
    await b.signIn('alice');
    await a.engine.syncOnce();
    // B's live request waits 2 s in the proxy: its first pull is done, its channel not yet open.
    proxy.setRule((r) => (r.path.startsWith('/sync/live') ? { kind: 'pass', delayMs: 2_000 } : undefined));
    b.engine.start();
    const waitFor = async (check: () => Promise<boolean>, ms: number) => {
      const until = Date.now() + ms;
      while (!(await check())) {
        if (Date.now() > until) throw new Error(`not within ${ms} ms`);
        await new Promise((r) => setTimeout(r, 20));
      }
    };
    // B's round is over and its channel request sits in the proxy: the gap is open.
    await waitFor(async () => proxy.log.some((x) => x.path.startsWith('/sync/live')), 10_000);
    const r = await a.run('createCustomer', { code: 'C-GAP', name: '空档客户' });
    expect(r.ok).toBe(true);
    await a.engine.syncOnce();
    const started = Date.now();
    await waitFor(
      async () => !!(await b.db.selectFrom('customers').select('id').where('code', '=', 'C-GAP').executeTakeFirst()),
      10_000,
    );
    expect(Date.now() - started).toBeLessThan(10_000);
    await b.engine.stop();
  });
});
