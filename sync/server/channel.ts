import { createHash, randomUUID } from 'node:crypto';
import fastifySwagger from '@fastify/swagger';
import type { FastifyError, FastifyInstance, FastifyRequest } from 'fastify';
import {
  createJsonSchemaTransform,
  createJsonSchemaTransformObject,
  hasZodFastifySchemaValidationErrors,
  serializerCompiler,
  validatorCompiler,
  type ZodTypeProvider,
} from 'fastify-type-provider-zod';
import { sql } from 'kysely';
import { z } from 'zod';
import type { ImportIssue } from '../../core/api/orderImport.api.ts';
import { AppError, fail, httpStatusOf, type FieldIssue } from '../../core/errors.ts';
import { CURRENCIES, formatMinor, type Currency } from '../../core/money.ts';
import {
  collectReferences,
  readHeader,
  runToEnd,
  validateImport,
  type ImportLookups,
  type ImportReferences,
  type PlannedOrder,
} from '../../core/orders/import.ts';
import { ORDER_STATUSES } from '../../core/orders/schemas.ts';
import { validate } from '../../core/validation.ts';
import type { CommandContext } from '../../commands/define.ts';
import { createOrder } from '../../commands/orders.commands.ts';
import { commandArgs, runInTransaction } from '../../commands/runner.ts';
import type { Database } from '../../db/connect.ts';
import { loadLookups } from '../../db/orderImport.queries.ts';
import { sealFeed } from '../../db/feed.queries.ts';
import { formatDocNumber } from '../../db/numbering.queries.ts';
import type { ServerContext } from './app.ts';
import { authenticateApiKey, type ApiChannel } from './apiKeys.ts';
import { nextServerNumber } from './numbers.ts';

/*
 * The Open API order intake (issue 5 item 8; spec docs/specs/open-api.md). Online shops, stores
 * and distributors send orders with a per-channel API key; each becomes a sales order of that
 * channel through the desktop's own `createOrder` command (references resolved by the same rules
 * as the CSV/XLSX import, core/orders/import.ts), in one server transaction with its idempotency
 * record, so a retry can never create a second order. The capture triggers put the order into
 * the change feed like any other write: desktops see it on their next pull.
 */

// ---------- wire schemas (validation and the OpenAPI document come from these) ----------
/** The named schemas of the document (a registry of its own: nothing else in the process leaks in). */
const schemas = z.registry<{ id: string }>();
const named = <T extends z.ZodType>(schema: T, id: string): T => {
  schemas.add(schema, { id });
  return schema;
};

const money = z
  .string()
  .trim()
  .max(24)
  .regex(/^\d+(\.\d+)?$/, { error: 'money-format' })
  .describe('Decimal in major units of the order currency, as a string: "12.50" (never a float)');

const channelOrderLine = named(
  z.strictObject({
    sku: z.string().trim().min(1).max(40).optional().describe('Item SKU; give `sku`, `gtin` or both (they must agree)'),
    gtin: z
      .string()
      .trim()
      .regex(/^\d{8,14}$/, { error: 'gtin-invalid' })
      .optional()
      .describe("GTIN-8/12/13/14 of the item or of one of its packaging units (a case's GTIN orders cases)"),
    quantity: z
      .number()
      .int()
      .min(1)
      .max(1_000_000_000)
      .describe('Units of what `sku`/`gtin` names (a packaging GTIN multiplies by its factor)'),
    unitPrice: money.describe('Price of one unit named by `sku`/`gtin`, major units ("12.50")'),
    discount: money.optional().describe('Discount on the whole line, major units; default "0"'),
    taxRate: z.number().min(0).max(100).optional().describe('Tax rate in percent (13 = 13 %); default 0'),
    requestedDate: z.iso.date().optional().describe("This line's requested date, overriding the order's"),
    note: z.string().trim().max(300).optional(),
  }),
  'ChannelOrderLine',
);

export const channelOrderInput = named(
  z.strictObject({
    externalOrderNumber: z
      .string()
      .trim()
      .min(1)
      .max(80)
      .describe("The channel's own order number: one order per channel and number; the default idempotency key"),
    customerCode: z.string().trim().min(1).max(40).describe('Customer code as in Dockside master data'),
    warehouseCode: z
      .string()
      .trim()
      .min(1)
      .max(40)
      .optional()
      .describe('Ship-from warehouse; absent = assigned by the warehouse rules'),
    currency: z.enum(CURRENCIES).optional().describe("Order currency; absent = the customer's currency"),
    requestedDate: z.iso.date().optional().describe('Requested delivery date, YYYY-MM-DD'),
    shipToRegion: z.string().trim().max(60).optional(),
    note: z.string().trim().max(500).optional(),
    submit: z
      .boolean()
      .default(true)
      .describe('Submit for the automatic audit (stock, quota, credit) at once; false leaves a draft'),
    lines: z.array(channelOrderLine).min(1).max(500),
  }),
  'ChannelOrder',
);
export type ChannelOrderInput = z.output<typeof channelOrderInput>;

const fieldIssue = z.object({
  path: z.string(),
  code: z.string(),
  params: z.record(z.string(), z.union([z.string(), z.number()])).optional(),
});

const errorResponse = named(
  z.object({
    ok: z.literal(false),
    error: z.object({
      code: z.string().describe('Stable error code, e.g. `channel.invalid-key`, `validation.invalid-input`'),
      message: z.string().describe('English text for logs; clients act on `code`'),
      details: z
        .looseObject({ fields: z.array(fieldIssue).optional() })
        .optional()
        .describe('`fields`: one entry per bad input field, `path` into the request body'),
    }),
  }),
  'ErrorResponse',
);

const orderStatus = z.enum(ORDER_STATUSES);

const orderCreated = named(
  z.object({
    ok: z.literal(true),
    data: z.object({
      orderId: z.string(),
      number: z.string().describe('Dockside order number, e.g. SO-0001234'),
      externalOrderNumber: z.string(),
      channel: z.string().describe('Code of the sales channel the key belongs to'),
      status: orderStatus.describe('draft, approved, or held (failed the audit; a clerk decides)'),
      createdAt: z.string(),
    }),
  }),
  'OrderCreated',
);

const orderLineState = z.object({
  lineNo: z.number().int(),
  sku: z.string(),
  quantity: z.number().int().describe('Base units ordered'),
  allocated: z.number().int(),
  shipped: z.number().int(),
  cancelled: z.number().int(),
  returned: z.number().int(),
  unitPrice: z.string().describe('Per base unit, major units'),
  discount: z.string(),
  taxRate: z.number(),
  total: z.string(),
  requestedDate: z.string().nullable(),
  promisedDate: z.string().nullable(),
});

const orderState = named(
  z.object({
    ok: z.literal(true),
    data: z.object({
      orderId: z.string(),
      number: z.string(),
      externalOrderNumber: z.string(),
      channel: z.string(),
      status: orderStatus,
      progress: z.number().describe('Percent of the ordered units done (shipped, cancelled)'),
      customerCode: z.string().nullable(),
      warehouseCode: z.string().nullable(),
      currency: z.enum(CURRENCIES),
      net: z.string(),
      tax: z.string(),
      total: z.string(),
      requestedDate: z.string().nullable(),
      promisedDate: z.string().nullable(),
      holdChecks: z.array(z.string()).describe('Audit checks an order on hold failed (stock, quota, credit)'),
      createdAt: z.string(),
      updatedAt: z.string(),
      lines: z.array(orderLineState),
      parts: z
        .array(z.object({ number: z.string(), status: orderStatus, progress: z.number() }))
        .describe('Child orders when the order was split (per warehouse, product group, …)'),
    }),
  }),
  'OrderState',
);

const apiHeaders = z.looseObject({
  'idempotency-key': z
    .string()
    .min(1)
    .max(255)
    .optional()
    .describe("Any unique string per order attempt; absent = the body's `externalOrderNumber` is the key"),
});

// ---------- references: the CSV import's rules over a one-order "sheet" ----------
/** Import column (its English header) → the request field it came from. */
const FIELD_OF: Record<string, { field: string; line: boolean }> = {
  external_ref: { field: 'externalOrderNumber', line: false },
  channel_code: { field: 'channel', line: false },
  customer_code: { field: 'customerCode', line: false },
  warehouse_code: { field: 'warehouseCode', line: false },
  currency: { field: 'currency', line: false },
  requested_date: { field: 'requestedDate', line: false },
  ship_to_region: { field: 'shipToRegion', line: false },
  note: { field: 'note', line: false },
  sku: { field: 'sku', line: true },
  gtin: { field: 'gtin', line: true },
  quantity: { field: 'quantity', line: true },
  unit_price: { field: 'unitPrice', line: true },
  discount: { field: 'discount', line: true },
  tax_rate: { field: 'taxRate', line: true },
  line_requested_date: { field: 'requestedDate', line: true },
  line_note: { field: 'note', line: true },
};
const HEADER = Object.keys(FIELD_OF);

/** One request as the rows of an import sheet (row 2 = line 0): the import then checks it all. */
function toSheet(body: ChannelOrderInput, channelCode: string) {
  const rows = body.lines.map((l, i) => {
    const first = i === 0;
    const cells: Record<string, string> = {
      external_ref: body.externalOrderNumber,
      channel_code: channelCode,
      customer_code: first ? body.customerCode : '',
      warehouse_code: first ? (body.warehouseCode ?? '') : '',
      currency: first ? (body.currency ?? '') : '',
      requested_date: first ? (body.requestedDate ?? '') : '',
      ship_to_region: first ? (body.shipToRegion ?? '') : '',
      note: first ? (body.note ?? '') : '',
      sku: l.sku ?? '',
      gtin: l.gtin ?? '',
      quantity: String(l.quantity),
      unit_price: l.unitPrice,
      discount: l.discount ?? '',
      tax_rate: l.taxRate === undefined ? '' : String(l.taxRate),
      line_requested_date: l.requestedDate ?? '',
      line_note: l.note ?? '',
    };
    return { row: i + 2, cells: HEADER.map((h) => cells[h] ?? '') };
  });
  return { header: HEADER, rows };
}

const REFERENCE_ISSUE = /^(unknown|inactive)-|^item-mismatch$/;

/** The import's issues as request fields, under one coded error. */
function issuesToError(issues: readonly ImportIssue[]): AppError {
  const fields: FieldIssue[] = issues.map((x) => {
    const at = x.column === null ? undefined : FIELD_OF[x.column];
    const path = at === undefined ? '' : at.line ? `lines.${x.row - 2}.${at.field}` : at.field;
    return { path, code: x.code, params: x.params };
  });
  const first = fields[0];
  const where = first ? ` at "${first.path}": ${first.code}` : '';
  if (issues.every((x) => x.code === 'duplicate-external-ref'))
    return new AppError('order.duplicate-external-ref', `This channel already has the order${where}`, {
      number: issues[0]?.params['number'] ?? null,
      fields,
    });
  if (issues.every((x) => REFERENCE_ISSUE.test(x.code) || x.code === 'duplicate-external-ref'))
    return new AppError('order.unknown-reference', `Unknown or inactive reference${where}`, { fields });
  return new AppError('validation.invalid-input', `Invalid input${where}`, { fields });
}

/** Loads what one order names: the import's lookups, the channel always the key's own. */
async function lookupsFor(db: Database, channel: ApiChannel, refs: ImportReferences): Promise<ImportLookups> {
  const all = await loadLookups(db, refs);
  return {
    ...all,
    // A request is always the key's channel: no other channel code can appear.
    channel: (code) => (code === channel.code ? { id: channel.channelId, active: true } : undefined),
  };
}

/** The order a request describes, checked against master data exactly as an imported one. */
async function planOrder(db: Database, channel: ApiChannel, body: ChannelOrderInput): Promise<PlannedOrder> {
  const sheet = toSheet(body, channel.code);
  const header = readHeader(sheet.header);
  const lookups = await lookupsFor(db, channel, collectReferences(sheet.rows, header.columns));
  const { report, orders } = runToEnd(validateImport(sheet, lookups));
  const order = orders[0];
  if (report.issues.length > 0 || !order) throw issuesToError(report.issues);
  return order;
}

// ---------- idempotency ----------
/** JSON with object keys sorted: the same request in another key order hashes the same. */
function canonicalJson(value: unknown): string {
  if (Array.isArray(value)) return `[${value.map(canonicalJson).join(',')}]`;
  if (value !== null && typeof value === 'object') {
    const entries = Object.entries(value as Record<string, unknown>)
      .filter(([, v]) => v !== undefined)
      .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
    return `{${entries.map(([k, v]) => `${JSON.stringify(k)}:${canonicalJson(v)}`).join(',')}}`;
  }
  return JSON.stringify(value);
}

const sha256 = (text: string) => createHash('sha256').update(text, 'utf8').digest('hex');

/** Serialises requests on one key within the transaction (released at commit or rollback). */
const lockKey = (db: Database, key: string) =>
  sql`select pg_advisory_xact_lock(hashtextextended(${key}, 7202))`.execute(db);

/** The server's own numbers come from the counter that also feeds desktops' blocks, in their format. */
export const serverOrderNumber = (n: number): string => formatDocNumber('SO', n);

type Stored = { status: number; body: unknown; replayed: boolean };

// ---------- the document ----------
type OpenApiDocument = {
  paths?: unknown;
  components?: { schemas?: Record<string, unknown> } & Record<string, unknown>;
};

/**
 * Each named schema exists as a request ("…Input") and a response variant; keep the ones the
 * paths use (and what those refer to).
 */
function withoutUnusedSchemas(doc: OpenApiDocument): OpenApiDocument['components'] {
  const all = doc.components?.schemas ?? {};
  const used = new Set<string>();
  const visit = (node: unknown): void => {
    if (Array.isArray(node)) node.forEach(visit);
    else if (node !== null && typeof node === 'object')
      for (const [k, v] of Object.entries(node)) {
        if (k === '$ref' && typeof v === 'string' && v.startsWith('#/components/schemas/')) {
          const name = v.slice('#/components/schemas/'.length);
          if (!used.has(name)) {
            used.add(name);
            visit(all[name]);
          }
        } else visit(v);
      }
  };
  visit(doc.paths);
  const kept = Object.fromEntries(Object.entries(all).filter(([name]) => used.has(name)));
  return { ...doc.components, schemas: kept };
}

// ---------- the plugin ----------
const channels = new WeakMap<FastifyRequest, ApiChannel>();
const channelOf = (req: FastifyRequest): ApiChannel => {
  const c = channels.get(req);
  if (!c) throw new AppError('channel.invalid-key', 'Missing or invalid X-Api-Key');
  return c;
};

/** Turns anything a channel route throws into the product's coded error. */
function toAppError(err: unknown, req: FastifyRequest): AppError {
  if (err instanceof AppError) return err;
  if (hasZodFastifySchemaValidationErrors(err)) {
    // Validate again with core's rules: the same field codes as every other surface.
    const part = (err as FastifyError).validationContext ?? 'body';
    const schema = (req.routeOptions.schema as Record<string, unknown> | undefined)?.[part];
    const input = (req as unknown as Record<string, unknown>)[part];
    const prefix = part === 'body' ? '' : `${part}.`;
    const checked = schema instanceof z.ZodType ? validate(schema, input) : undefined;
    const fields: FieldIssue[] =
      checked && !checked.ok
        ? checked.fields.map((f) => ({ ...f, path: `${prefix}${f.path}` }))
        : err.validation.map((v) => ({
            path: `${prefix}${v.instancePath.slice(1).replaceAll('/', '.')}`,
            code: String(v.keyword).replaceAll('_', '-'),
          }));
    const first = fields[0];
    return new AppError(
      'validation.invalid-input',
      first ? `Invalid input at "${first.path}": ${first.code}` : 'Invalid input',
      { fields },
    );
  }
  const fastifyError = err as Partial<FastifyError>;
  const status = fastifyError.statusCode;
  // Fastify's own refusals of the request (not JSON, wrong content type, too large).
  if (status !== undefined && status >= 400 && status < 500)
    return new AppError('validation.invalid-input', String(fastifyError.message), {
      reason: fastifyError.code ?? null,
    });
  return AppError.from(err);
}

const ERROR_RESPONSES = {
  400: errorResponse.describe(
    'Invalid input (`validation.invalid-input`) or unknown reference (`order.unknown-reference`)',
  ),
  401: errorResponse.describe('Missing, unknown or revoked API key (`channel.invalid-key`)'),
  404: errorResponse.describe('No such order of this channel (`order.not-found`)'),
  409: errorResponse.describe(
    'Same idempotency key with a different body (`channel.idempotency-conflict`), or the channel already has an order with this number (`order.duplicate-external-ref`)',
  ),
  500: errorResponse.describe('Unexpected server error (`system.unexpected`); safe to retry with the same key'),
} as const;

/**
 * The Open API intake as a plugin of the sync server: `POST /api/v1/orders`,
 * `GET /api/v1/orders/{externalRef}` (both with `X-Api-Key`) and the OpenAPI 3.1 document at
 * `GET /openapi.json` (public).
 */
export async function channelApi(app: FastifyInstance, ctx: ServerContext): Promise<void> {
  const { db } = ctx.conn;
  const zodTransform = createJsonSchemaTransform({ schemaRegistry: schemas });
  const zodObject = createJsonSchemaTransformObject({ schemaRegistry: schemas });

  await app.register(fastifySwagger, {
    openapi: {
      openapi: '3.1.0',
      info: {
        title: 'Dockside OMS — channel order intake',
        version: '1.0.0',
        description:
          'Sales channels (online shops, stores, distributors) send orders with a per-channel API key. ' +
          'Each order becomes a Dockside sales order of that channel. Errors are `{ ok: false, error: { code, message, details } }`.',
      },
      components: {
        securitySchemes: {
          apiKey: {
            type: 'apiKey',
            in: 'header',
            name: 'X-Api-Key',
            description: "The channel's key, shown once when an administrator creates it",
          },
        },
      },
      security: [{ apiKey: [] }],
      tags: [{ name: 'orders', description: 'Channel orders' }],
    },
    // Only the channel API is documented; the desktop sync protocol is not a public API.
    transform: (doc) => (doc.url.startsWith('/api/v1/') ? zodTransform(doc) : { schema: { hide: true }, url: doc.url }),
    transformObject: (doc) => {
      const full = zodObject(doc);
      return { ...full, components: withoutUnusedSchemas(full as OpenApiDocument) } as typeof full;
    },
  });

  app.get('/openapi.json', { schema: { hide: true } }, async () => app.swagger());

  await app.register(async (api) => {
    api.setValidatorCompiler(validatorCompiler);
    api.setSerializerCompiler(serializerCompiler);
    api.setErrorHandler((err, req, reply) => {
      const appError = toAppError(err, req);
      if (appError.code === 'system.unexpected') reply.log.error({ err }, 'unexpected error in the channel API');
      return reply.code(httpStatusOf(appError.code)).send(fail(appError));
    });
    // The key is checked before the body is read: a wrong key is 401 whatever it sends.
    api.addHook('onRequest', async (req) => {
      const header = req.headers['x-api-key'];
      channels.set(req, await authenticateApiKey(db, Array.isArray(header) ? header[0] : header));
    });

    const route = api.withTypeProvider<ZodTypeProvider>();

    route.post(
      '/api/v1/orders',
      {
        schema: {
          operationId: 'createOrder',
          tags: ['orders'],
          summary: 'Send a channel order',
          description:
            "Creates a sales order of the key's channel. Idempotent on `Idempotency-Key` (or, without it, on " +
            '`externalOrderNumber`): the same key with the same body answers the stored response (header ' +
            '`Idempotent-Replayed: true`), with another body `409 channel.idempotency-conflict`. A refused request ' +
            'stores nothing: fix it and send it again with the same key.',
          headers: apiHeaders,
          body: channelOrderInput,
          response: {
            201: orderCreated.describe('Created (or the stored answer of an earlier identical request)'),
            ...ERROR_RESPONSES,
          },
        },
      },
      async (req, reply) => {
        const channel = channelOf(req);
        const body = req.body;
        const headerKey = req.headers['idempotency-key'];
        const refKey = `ref:${body.externalOrderNumber}`;
        const idempotencyKey = typeof headerKey === 'string' ? `key:${headerKey}` : refKey;
        const requestHash = sha256(canonicalJson(body));
        let feedSeq: number | null = null;

        const outcome = await db.transaction().execute(async (trx): Promise<Stored> => {
          await lockKey(trx, `${channel.channelId}/${idempotencyKey}`);
          await lockKey(trx, `${channel.channelId}/${refKey}`);
          const { rows } = await sql<{ request_hash: string; status_code: number; response: unknown }>`
            select request_hash, status_code, response from channel_requests
            where channel_id = ${channel.channelId} and idempotency_key = ${idempotencyKey}`.execute(trx);
          const stored = rows[0];
          if (stored) {
            if (stored.request_hash !== requestHash)
              throw new AppError(
                'channel.idempotency-conflict',
                'This idempotency key was used with a different request',
                { idempotencyKey: idempotencyKey.slice(idempotencyKey.indexOf(':') + 1) },
              );
            const response = typeof stored.response === 'string' ? JSON.parse(stored.response) : stored.response;
            return { status: Number(stored.status_code), body: response, replayed: true };
          }

          const planned = await planOrder(trx, channel, body);
          const number = serverOrderNumber(await nextServerNumber(trx, 'SO'));
          // createOrder's own fromInput gives the id; the number is the server's, not a device series.
          const args = commandArgs(
            createOrder,
            createOrder.fromInput!({ submit: body.submit, order: planned.fields }, randomUUID, number),
          );
          const commandCtx: CommandContext = {
            actor: { userId: null, name: `api:${channel.code}`, roles: [] },
            now: ctx.now(),
            origin: 'server',
          };
          const result = await runInTransaction(trx, createOrder, args, commandCtx);
          if (!result.ok) throw new AppError(result.error.code, result.error.message, result.error.details);
          const created = result.data as { id: string; number: string; status: z.infer<typeof orderStatus> };
          const response = {
            ok: true as const,
            data: {
              orderId: created.id,
              number: created.number,
              externalOrderNumber: body.externalOrderNumber,
              channel: channel.code,
              status: created.status,
              createdAt: commandCtx.now,
            },
          };
          // The external order number is always a key too, so a retry without the header replays as well.
          for (const key of new Set([idempotencyKey, refKey]))
            await sql`insert into channel_requests (channel_id, idempotency_key, request_hash, order_id, status_code, response)
              values (${channel.channelId}, ${key}, ${requestHash}, ${created.id}, 201,
                      ${JSON.stringify(response)})`.execute(trx);
          feedSeq = await sealFeed(trx);
          return { status: 201, body: response, replayed: false };
        });

        if (feedSeq !== null) ctx.live.publishLocal(feedSeq);
        if (outcome.replayed) void reply.header('idempotent-replayed', 'true');
        void reply.header('location', `/api/v1/orders/${encodeURIComponent(body.externalOrderNumber)}`);
        return reply.code(201).send(outcome.body as z.infer<typeof orderCreated>);
      },
    );

    route.get(
      '/api/v1/orders/:externalRef',
      {
        schema: {
          operationId: 'getOrder',
          tags: ['orders'],
          summary: "An order of this channel, by the channel's order number",
          description: 'Status, progress and lines. A channel reads its own orders only: any other is 404.',
          params: z.object({ externalRef: z.string().min(1).max(80).describe('`externalOrderNumber`, URL-encoded') }),
          response: {
            200: orderState,
            401: ERROR_RESPONSES[401],
            404: ERROR_RESPONSES[404],
            500: ERROR_RESPONSES[500],
          },
        },
      },
      async (req) => {
        const channel = channelOf(req);
        const ref = req.params.externalRef;
        const order = await db
          .selectFrom('orders as o')
          .leftJoin('customers as c', 'c.id', 'o.customer_id')
          .leftJoin('warehouses as w', 'w.id', 'o.warehouse_id')
          .selectAll('o')
          .select(['c.code as customer_code', 'w.code as warehouse_code'])
          .where('o.channel_id', '=', channel.channelId)
          .where('o.external_ref', '=', ref)
          .executeTakeFirst();
        if (!order) throw new AppError('order.not-found', `This channel has no order ${ref}`, { externalRef: ref });
        const currency = order.currency as Currency;
        const m = (minor: number) => formatMinor(minor, currency);
        const lines = await db
          .selectFrom('order_lines as l')
          .innerJoin('items as i', 'i.id', 'l.item_id')
          .selectAll('l')
          .select('i.sku')
          .where('l.order_id', '=', order.id)
          .orderBy('l.line_no')
          .execute();
        const parts = await db
          .selectFrom('orders')
          .select(['number', 'status', 'progress'])
          .where('parent_id', '=', order.id)
          .orderBy('number')
          .execute();
        return {
          ok: true as const,
          data: {
            orderId: order.id,
            number: order.number,
            externalOrderNumber: ref,
            channel: channel.code,
            status: order.status as z.infer<typeof orderStatus>,
            progress: Number(order.progress),
            customerCode: order.customer_code,
            warehouseCode: order.warehouse_code,
            currency,
            net: m(Number(order.net_minor)),
            tax: m(Number(order.tax_minor)),
            total: m(Number(order.total_minor)),
            requestedDate: order.requested_date,
            promisedDate: order.promised_date,
            holdChecks: order.hold_checks ? order.hold_checks.split(',') : [],
            createdAt: order.created_at,
            updatedAt: order.updated_at,
            lines: lines.map((l) => ({
              lineNo: l.line_no,
              sku: l.sku,
              quantity: l.qty_ordered,
              allocated: l.qty_allocated,
              shipped: l.qty_shipped,
              cancelled: l.qty_cancelled,
              returned: l.qty_returned,
              unitPrice: m(l.unit_price_minor),
              discount: m(l.discount_minor),
              taxRate: l.tax_rate_bp / 100,
              total: m(l.total_minor),
              requestedDate: l.requested_date,
              promisedDate: l.promised_date,
            })),
            parts: parts.map((p) => ({
              number: p.number,
              status: p.status as z.infer<typeof orderStatus>,
              progress: Number(p.progress),
            })),
          },
        };
      },
    );
  });
}
