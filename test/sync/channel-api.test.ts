import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { gs1CheckDigit } from '../../core/gs1.ts';
import { createApiKey, listApiKeys, revokeApiKey, hashApiKey } from '../../sync/server/apiKeys.ts';
import { channelApi } from '../../sync/server/channel.ts';
import { openTestDesktop, startTestServer, type TestDesktop, type TestServer } from '../../sync/testing/harness.ts';

/*
 * The Open API order intake over real HTTP (fetch) against the real server on PGlite and on
 * PostgreSQL, with a real desktop pulling what the API created.
 */

const must = async <T = Record<string, unknown>>(p: Promise<{ ok: boolean; data?: unknown; error?: unknown }>) => {
  const r = await p;
  if (!r.ok) throw new Error(`expected ok, got ${JSON.stringify(r)}`);
  return r.data as T;
};

const withCheckDigit = (digits: string) => `${digits}${gs1CheckDigit(digits)}`;
const CASE_GTIN = withCheckDigit('1690123400001'); // GTIN-14 of a case of 12
const EACH_GTIN = withCheckDigit('690123400001'); // GTIN-13 of one unit

interface Answer {
  status: number;
  headers: Headers;
  body: {
    ok: boolean;
    data?: Record<string, unknown>;
    error?: {
      code: string;
      message: string;
      details?: { fields?: { path: string; code: string }[] } & Record<string, unknown>;
    };
  };
}

describe.each(['pglite', 'postgres'] as const)('channel order API on %s', (backend) => {
  let server: TestServer;
  let desktop: TestDesktop;
  let tmallKey = '';
  let jdKey = '';
  let tmall = '';
  let jd = '';
  let customer = '';
  let milk = '';

  const call = async (
    method: 'GET' | 'POST',
    path: string,
    options: { key?: string | null; body?: unknown; raw?: string; headers?: Record<string, string> } = {},
  ): Promise<Answer> => {
    const headers: Record<string, string> = { ...options.headers };
    const key = options.key === undefined ? tmallKey : options.key;
    if (key !== null) headers['x-api-key'] = key;
    let payload: string | undefined;
    if (options.raw !== undefined || options.body !== undefined) {
      headers['content-type'] = 'application/json';
      payload = options.raw ?? JSON.stringify(options.body);
    }
    const res = await fetch(`${server.url}${path}`, { method, headers, body: payload });
    return { status: res.status, headers: res.headers, body: (await res.json()) as Answer['body'] };
  };
  const post = (body: unknown, options: { key?: string | null; idempotencyKey?: string } = {}) =>
    call('POST', '/api/v1/orders', {
      key: options.key,
      body,
      headers: options.idempotencyKey ? { 'idempotency-key': options.idempotencyKey } : {},
    });

  const order = (ref: string, extra: Record<string, unknown> = {}) => ({
    externalOrderNumber: ref,
    customerCode: 'C-WEB',
    warehouseCode: 'WH-SH',
    requestedDate: '2026-12-01',
    lines: [
      { sku: 'MILK', quantity: 3, unitPrice: '12.50', taxRate: 13 },
      { gtin: CASE_GTIN, quantity: 1, unitPrice: '120.00', discount: '6.00', note: 'one case' },
    ],
    ...extra,
  });
  const ordersWithRef = async (ref: string) =>
    server.conn.db.selectFrom('orders').selectAll().where('external_ref', '=', ref).execute();

  beforeAll(async () => {
    server = await startTestServer(backend, { plugins: [channelApi] });
    await server.createUser('alice', ['administrator']);
    const warehouse = (await must<{ id: string }>(server.run('createWarehouse', { code: 'WH-SH', name: '上海仓' }))).id;
    milk = (
      await must<{ id: string }>(
        server.run('createItem', {
          sku: 'MILK',
          gtin: EACH_GTIN,
          name: '纯牛奶',
          baseUom: 'EA',
          uoms: [{ uom: 'CS', factor: 12, gtin: CASE_GTIN }],
        }),
      )
    ).id;
    await must(server.run('createItem', { sku: 'OLD', name: '停售品', baseUom: 'EA', active: false }));
    await must(server.run('receiveStock', { itemId: milk, warehouseId: warehouse, quantity: 1000 }));
    customer = (
      await must<{ id: string }>(
        server.run('createCustomer', { code: 'C-WEB', name: '天猫旗舰店客户', creditLimitMinor: 100_000_000 }),
      )
    ).id;
    tmall = (
      await must<{ id: string }>(server.run('createSalesChannel', { code: 'TMALL', name: '天猫', kind: 'online-shop' }))
    ).id;
    jd = (
      await must<{ id: string }>(server.run('createSalesChannel', { code: 'JD', name: '京东', kind: 'online-shop' }))
    ).id;
    tmallKey = (await createApiKey(server.conn.db, { channelId: tmall, name: 'shop connector' })).key;
    jdKey = (await createApiKey(server.conn.db, { channelId: jd, name: 'jd connector' })).key;
    desktop = await openTestDesktop(server.url);
    await desktop.signIn('alice');
  }, 120_000);
  afterAll(async () => {
    await desktop?.close();
    await server?.close();
  });

  it('keeps only a hash of a key, shown once', async () => {
    const keys = await listApiKeys(server.conn.db, tmall);
    expect(keys).toEqual([expect.objectContaining({ channelId: tmall, name: 'shop connector', active: true })]);
    const { rows } = await sql<{ key_hash: string }>`select key_hash from api_keys where channel_id = ${tmall}`.execute(
      server.conn.db,
    );
    expect(rows.map((r) => r.key_hash)).toEqual([hashApiKey(tmallKey)]);
    expect(JSON.stringify(rows)).not.toContain(tmallKey);
  });

  it('creates a sales order of the key’s channel that a desktop sees after sync', async () => {
    const res = await post(order('TM-1001'));
    expect(res.status).toBe(201);
    expect(res.headers.get('idempotent-replayed')).toBeNull();
    expect(res.headers.get('location')).toBe('/api/v1/orders/TM-1001');
    expect(res.body).toMatchObject({
      ok: true,
      data: { externalOrderNumber: 'TM-1001', channel: 'TMALL', status: 'approved' },
    });
    const number = String(res.body.data?.number);
    expect(number).toMatch(/^SO-\d{7}$/);

    await desktop.engine.syncOnce();
    const local = await desktop.db.selectFrom('orders').selectAll().where('number', '=', number).execute();
    expect(local).toHaveLength(1);
    expect(local[0]).toMatchObject({
      type: 'sales',
      channel_id: tmall,
      customer_id: customer,
      external_ref: 'TM-1001',
      requested_date: '2026-12-01',
      created_by: 'api:TMALL',
    });
    const lines = await desktop.db
      .selectFrom('order_lines')
      .select(['line_no', 'item_id', 'qty_ordered', 'unit_price_minor', 'discount_minor', 'tax_rate_bp', 'note'])
      .where('order_id', '=', local[0]!.id)
      .orderBy('line_no')
      .execute();
    // The case GTIN orders 12 units at 120.00 / 12 each.
    expect(lines).toEqual([
      {
        line_no: 1,
        item_id: milk,
        qty_ordered: 3,
        unit_price_minor: 1250,
        discount_minor: 0,
        tax_rate_bp: 1300,
        note: null,
      },
      {
        line_no: 2,
        item_id: milk,
        qty_ordered: 12,
        unit_price_minor: 1000,
        discount_minor: 600,
        tax_rate_bp: 0,
        note: 'one case',
      },
    ]);

    const state = await call('GET', '/api/v1/orders/TM-1001');
    expect(state.status).toBe(200);
    expect(state.body.data).toMatchObject({
      number,
      status: 'approved',
      channel: 'TMALL',
      customerCode: 'C-WEB',
      warehouseCode: 'WH-SH',
      currency: 'CNY',
      lines: [
        { lineNo: 1, sku: 'MILK', quantity: 3, unitPrice: '12.50', taxRate: 13 },
        { lineNo: 2, sku: 'MILK', quantity: 12, unitPrice: '10.00', discount: '6.00' },
      ],
      parts: [],
    });
  });

  it('resolves an item by its own GTIN-13 and refuses a case price that does not divide into units', async () => {
    const res = await post(order('TM-1101', { lines: [{ gtin: EACH_GTIN, quantity: 2, unitPrice: '1.00' }] }));
    expect(res.status).toBe(201);
    const [created] = await ordersWithRef('TM-1101');
    const lines = await server.conn.db
      .selectFrom('order_lines')
      .select(['item_id', 'qty_ordered'])
      .where('order_id', '=', created!.id)
      .execute();
    expect(lines).toEqual([{ item_id: milk, qty_ordered: 2 }]);
    // 1.00 for a case of 12 is not a whole number of fen per unit.
    const odd = await post(order('TM-1102', { lines: [{ gtin: CASE_GTIN, quantity: 1, unitPrice: '1.00' }] }));
    expect(odd.status).toBe(400);
    expect(odd.body.error).toMatchObject({
      code: 'validation.invalid-input',
      details: { fields: [{ path: 'lines.0.unitPrice', code: 'price-not-divisible', params: { factor: 12 } }] },
    });
  });

  it('answers a retry with the same key and body with the stored response, creating nothing', async () => {
    const first = await post(order('TM-2001'), { idempotencyKey: 'retry-1' });
    expect(first.status).toBe(201);
    // The same body with its keys in another order is the same request.
    const reordered = Object.fromEntries(Object.entries(order('TM-2001')).reverse());
    const again = await post(reordered, { idempotencyKey: 'retry-1' });
    expect(again.status).toBe(201);
    expect(again.headers.get('idempotent-replayed')).toBe('true');
    expect(again.body).toEqual(first.body);
    expect(await ordersWithRef('TM-2001')).toHaveLength(1);

    // Without a header the external order number is the key.
    const byRef = await post(order('TM-2002'));
    const byRefAgain = await post(order('TM-2002'));
    expect(byRefAgain.status).toBe(201);
    expect(byRefAgain.headers.get('idempotent-replayed')).toBe('true');
    expect(byRefAgain.body).toEqual(byRef.body);
    expect(await ordersWithRef('TM-2002')).toHaveLength(1);
  });

  it('creates one order when the same request arrives several times at once', async () => {
    const answers = await Promise.all(Array.from({ length: 6 }, () => post(order('TM-3001'))));
    expect(answers.map((a) => a.status)).toEqual(Array(6).fill(201));
    expect(new Set(answers.map((a) => a.body.data?.orderId)).size).toBe(1);
    expect(answers.filter((a) => a.headers.get('idempotent-replayed') === null)).toHaveLength(1);
    expect(await ordersWithRef('TM-3001')).toHaveLength(1);
  });

  it('refuses the same key with a different body (409) and changes nothing', async () => {
    const first = await post(order('TM-4001'), { idempotencyKey: 'conflict-1' });
    expect(first.status).toBe(201);
    const before = await server.conn.db.selectFrom('orders').select('id').execute();
    const changed = order('TM-4001', { note: 'please hurry' });
    const res = await post(changed, { idempotencyKey: 'conflict-1' });
    expect(res.status).toBe(409);
    expect(res.body).toMatchObject({
      ok: false,
      error: { code: 'channel.idempotency-conflict', details: { idempotencyKey: 'conflict-1' } },
    });
    // Without a header: another body under the same external order number.
    const byRef = await post(order('TM-4001', { lines: [{ sku: 'MILK', quantity: 99, unitPrice: '1.00' }] }));
    expect(byRef.status).toBe(409);
    expect(byRef.body.error?.code).toBe('channel.idempotency-conflict');
    expect(await server.conn.db.selectFrom('orders').select('id').execute()).toHaveLength(before.length);
    const [stored] = await ordersWithRef('TM-4001');
    expect(stored?.note).toBeNull();
  });

  it('refuses a second order with the same external number under another key (409 duplicate)', async () => {
    await post(order('TM-5001'), { idempotencyKey: 'dup-a' });
    const res = await post(order('TM-5001'), { idempotencyKey: 'dup-b' });
    expect(res.status).toBe(409);
    expect(res.body.error).toMatchObject({
      code: 'order.duplicate-external-ref',
      details: { fields: [{ path: 'externalOrderNumber', code: 'duplicate-external-ref' }] },
    });
    expect(await ordersWithRef('TM-5001')).toHaveLength(1);
  });

  it('refuses a missing, unknown or revoked key with 401 channel.invalid-key, whatever the body', async () => {
    for (const key of [null, 'nope', `dsk_${'x'.repeat(43)}`]) {
      const res = await post(order('TM-6001'), { key });
      expect(res.status).toBe(401);
      expect(res.body).toMatchObject({ ok: false, error: { code: 'channel.invalid-key' } });
    }
    const bad = await post({ nonsense: true }, { key: 'nope' });
    expect(bad.status).toBe(401);
    const get = await call('GET', '/api/v1/orders/TM-1001', { key: null });
    expect(get.status).toBe(401);

    const temp = await createApiKey(server.conn.db, { channelId: tmall, name: 'temporary' });
    expect((await post(order('TM-6002'), { key: temp.key })).status).toBe(201);
    expect(await revokeApiKey(server.conn.db, temp.id)).toBe(true);
    expect(await revokeApiKey(server.conn.db, temp.id)).toBe(false);
    const revoked = await post(order('TM-6003'), { key: temp.key });
    expect(revoked.status).toBe(401);
    expect(revoked.body.error?.code).toBe('channel.invalid-key');
    expect(await ordersWithRef('TM-6001')).toHaveLength(0);
    expect(await ordersWithRef('TM-6003')).toHaveLength(0);
  });

  it('refuses a bad payload with 400 validation.invalid-input and the field paths', async () => {
    const res = await post({
      externalOrderNumber: 'TM-7001',
      lines: [
        { sku: 'MILK', quantity: 0, unitPrice: '12.50' },
        { sku: 'MILK', quantity: 'two', unitPrice: '1,5' },
      ],
      requestedDate: '2026-13-45',
      colour: 'red',
    });
    expect(res.status).toBe(400);
    expect(res.body.ok).toBe(false);
    expect(res.body.error?.code).toBe('validation.invalid-input');
    const fields = res.body.error?.details?.fields ?? [];
    expect(fields).toEqual(
      expect.arrayContaining([
        expect.objectContaining({ path: 'customerCode', code: 'required' }),
        expect.objectContaining({ path: 'lines.0.quantity', code: 'too-small' }),
        expect.objectContaining({ path: 'lines.1.quantity', code: 'invalid-type' }),
        expect.objectContaining({ path: 'lines.1.unitPrice', code: 'money-format' }),
        expect.objectContaining({ path: 'requestedDate', code: 'invalid-format' }),
        expect.objectContaining({ path: '', code: 'unrecognized-keys' }),
      ]),
    );

    // Rules only the import's checks know: the currency's decimals, a line with neither SKU nor GTIN.
    const jpy = await post(
      order('TM-7002', {
        currency: 'JPY',
        lines: [
          { quantity: 1, unitPrice: '100' },
          { sku: 'MILK', quantity: 1, unitPrice: '1.5' },
        ],
      }),
    );
    expect(jpy.status).toBe(400);
    expect(jpy.body.error?.code).toBe('validation.invalid-input');
    expect(jpy.body.error?.details?.fields).toEqual(
      expect.arrayContaining([
        expect.objectContaining({ path: 'lines.0.sku', code: 'required' }),
        expect.objectContaining({ path: 'lines.1.unitPrice', code: 'money-format' }),
      ]),
    );

    const notJson = await call('POST', '/api/v1/orders', { raw: '{"externalOrderNumber": ' });
    expect(notJson.status).toBe(400);
    expect(notJson.body.error?.code).toBe('validation.invalid-input');
    expect(await ordersWithRef('TM-7001')).toHaveLength(0);
    expect(await ordersWithRef('TM-7002')).toHaveLength(0);
  });

  it('refuses an unknown SKU, an unknown GTIN, an inactive item and an unknown customer with coded field errors', async () => {
    const res = await post(
      order('TM-8001', {
        customerCode: 'C-NOBODY',
        lines: [
          { sku: 'MILK', quantity: 1, unitPrice: '1.00' },
          { sku: 'NO-SUCH-SKU', quantity: 1, unitPrice: '1.00' },
          { gtin: withCheckDigit('690999999999'), quantity: 1, unitPrice: '1.00' },
          { sku: 'OLD', quantity: 1, unitPrice: '1.00' },
        ],
      }),
      { idempotencyKey: 'unknown-1' },
    );
    expect(res.status).toBe(400);
    expect(res.body.error?.code).toBe('order.unknown-reference');
    expect(res.body.error?.details?.fields).toEqual([
      { path: 'customerCode', code: 'unknown-customer', params: { code: 'C-NOBODY' } },
      { path: 'lines.1.sku', code: 'unknown-item', params: { code: 'NO-SUCH-SKU' } },
      { path: 'lines.2.gtin', code: 'unknown-item', params: { code: `0${withCheckDigit('690999999999')}` } },
      { path: 'lines.3.sku', code: 'inactive-item', params: { code: 'OLD' } },
    ]);
    expect(await ordersWithRef('TM-8001')).toHaveLength(0);
    // A refusal stores nothing: the corrected request goes through under the same key.
    const fixed = await post(order('TM-8001'), { idempotencyKey: 'unknown-1' });
    expect(fixed.status).toBe(201);
    expect(fixed.headers.get('idempotent-replayed')).toBeNull();
  });

  it('lets a channel read only its own orders', async () => {
    const mine = await post(order('JD-9001'), { key: jdKey });
    expect(mine.status).toBe(201);
    expect((await call('GET', '/api/v1/orders/JD-9001', { key: jdKey })).status).toBe(200);
    // TMALL's key cannot see JD's order, and JD's cannot see TMALL's.
    const other = await call('GET', '/api/v1/orders/JD-9001', { key: tmallKey });
    expect(other.status).toBe(404);
    expect(other.body.error?.code).toBe('order.not-found');
    expect((await call('GET', '/api/v1/orders/TM-1001', { key: jdKey })).status).toBe(404);
    // The same external number in two channels is two orders.
    expect((await post(order('JD-9001'), { key: tmallKey })).status).toBe(201);
    const both = await ordersWithRef('JD-9001');
    expect(both.map((o) => o.channel_id).sort()).toEqual([jd, tmall].sort());
    expect((await call('GET', `/api/v1/orders/${encodeURIComponent('TM 404/x')}`)).status).toBe(404);
  });

  it('serves an OpenAPI 3.1 document of the channel API with its schemas and security scheme', async () => {
    const res = await fetch(`${server.url}/openapi.json`);
    expect(res.status).toBe(200);
    const doc = (await res.json()) as {
      openapi: string;
      info: { title: string; version: string };
      paths: Record<
        string,
        Record<
          string,
          {
            operationId?: string;
            responses: Record<string, unknown>;
            requestBody?: unknown;
            parameters?: { name: string; in: string }[];
          }
        >
      >;
      components: { schemas: Record<string, unknown>; securitySchemes: Record<string, unknown> };
      security: unknown[];
    };
    expect(doc.openapi).toBe('3.1.0');
    expect(doc.info.title).toBeTruthy();
    expect(Object.keys(doc.paths).sort()).toEqual(['/api/v1/orders', '/api/v1/orders/{externalRef}']);
    const create = doc.paths['/api/v1/orders']?.post;
    const read = doc.paths['/api/v1/orders/{externalRef}']?.get;
    expect(create?.operationId).toBe('createOrder');
    expect(read?.operationId).toBe('getOrder');
    expect(Object.keys(create?.responses ?? {}).sort()).toEqual(['201', '400', '401', '404', '409', '500']);
    expect(Object.keys(read?.responses ?? {}).sort()).toEqual(['200', '401', '404', '500']);
    expect(create?.requestBody).toBeDefined();
    expect(create?.parameters).toEqual(
      expect.arrayContaining([expect.objectContaining({ name: 'idempotency-key', in: 'header' })]),
    );
    expect(read?.parameters).toEqual([expect.objectContaining({ name: 'externalRef', in: 'path' })]);
    expect(doc.components.securitySchemes).toEqual({
      apiKey: expect.objectContaining({ type: 'apiKey', in: 'header', name: 'X-Api-Key' }),
    });
    expect(doc.security).toEqual([{ apiKey: [] }]);
    expect(Object.keys(doc.components.schemas).sort()).toEqual([
      'ChannelOrderInput',
      'ChannelOrderLineInput',
      'ErrorResponse',
      'OrderCreated',
      'OrderState',
    ]);
    const input = doc.components.schemas['ChannelOrderInput'] as {
      required: string[];
      properties: Record<string, unknown>;
    };
    expect(input.required).toEqual(expect.arrayContaining(['externalOrderNumber', 'customerCode', 'lines']));

    // Every $ref points at a schema the document has.
    const refs: string[] = [];
    const walk = (node: unknown) => {
      if (Array.isArray(node)) node.forEach(walk);
      else if (node !== null && typeof node === 'object')
        for (const [k, v] of Object.entries(node)) {
          if (k === '$ref' && typeof v === 'string') refs.push(v);
          else walk(v);
        }
    };
    walk(doc);
    expect(refs.length).toBeGreaterThan(0);
    for (const ref of refs) {
      expect(ref).toMatch(/^#\/components\/schemas\//);
      expect(doc.components.schemas).toHaveProperty([ref.slice('#/components/schemas/'.length)]);
    }
  });
});
