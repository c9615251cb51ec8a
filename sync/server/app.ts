import fastifyCompress from '@fastify/compress';
import fastify, { type FastifyInstance, type FastifyReply, type FastifyRequest } from 'fastify';
import { sql } from 'kysely';
import { AppError, fail, httpStatusOf, isErrorCode, ok } from '../../core/errors.ts';
import { parseInput } from '../../core/validation.ts';
import type { OpenedDb } from '../../db/connect.ts';
import { installFeedCapture } from '../../db/feed.queries.ts';
import { migrateToLatest } from '../../db/migrate.ts';
import {
  loginRequestSchema,
  numberBlockRequestSchema,
  pullRequestSchema,
  pushRequestSchema,
  refreshRequestSchema,
  SUPPORTED_PROTOCOLS,
  type Session,
} from '../protocol/index.ts';
import {
  assertClientAccess,
  bindClient,
  checkCredentials,
  consumeRefreshToken,
  issueAccessToken,
  issueRefreshToken,
  loadPrincipal,
  revokeRefreshToken,
  serverId as readServerId,
  signingKey,
  verifyAccessToken,
  type AuthSettings,
  type Principal,
} from './auth.ts';
import { LiveChannel } from './live.ts';
import { assertSeriesAllowed, issueNumberBlocks } from './numbers.ts';
import { processPull } from './pull.ts';
import { processPush, registerClient } from './push.ts';

export interface SyncServerOptions {
  conn: OpenedDb;
  /** Pino logger settings; false in tests. */
  logger?: boolean | { level: string };
  accessTtlSeconds?: number;
  refreshTtlSeconds?: number;
  refreshReuseGraceSeconds?: number;
  /** Server clock for command contexts (tests). */
  now?: () => string;
  /** Extra routes (the Open API intake) registered on the same instance. */
  plugins?: ((app: FastifyInstance, ctx: ServerContext) => Promise<void>)[];
}

export interface ServerContext {
  conn: OpenedDb;
  auth: AuthSettings;
  serverId: string;
  live: LiveChannel;
  now: () => string;
}

export interface SyncServer {
  app: FastifyInstance;
  ctx: ServerContext;
  close(): Promise<void>;
}

const statusOf = (code: string) => (isErrorCode(code) ? httpStatusOf(code) : 500);

/** fastify's own refusals of a request (unparseable JSON, a body too large, a bad content type). */
const isClientError = (err: unknown): boolean => {
  const status = (err as { statusCode?: unknown }).statusCode;
  return typeof status === 'number' && status >= 400 && status < 500;
};

/**
 * The central server: a stateless HTTP tier over one PostgreSQL (or an embedded PGlite). Every
 * process may serve every request; the only shared state is the database (feed positions are
 * assigned under a row lock, the live channel fans out through LISTEN/NOTIFY).
 */
export async function createSyncServer(options: SyncServerOptions): Promise<SyncServer> {
  const { conn } = options;
  const { db } = conn;
  await migrateToLatest(db, 'server');
  await installFeedCapture(db);
  const auth: AuthSettings = {
    key: await signingKey(db),
    accessTtlSeconds: options.accessTtlSeconds ?? 900,
    refreshTtlSeconds: options.refreshTtlSeconds ?? 30 * 24 * 3600,
    refreshReuseGraceSeconds: options.refreshReuseGraceSeconds ?? 60,
  };
  const serverId = await readServerId(db);
  const live = new LiveChannel();
  await live.start(conn);
  const now = options.now ?? (() => new Date().toISOString());
  const ctx: ServerContext = { conn, auth, serverId, live, now };

  const app = fastify({
    logger: options.logger ?? false,
    // Offline desktops send up to 1,000 commands per batch; an import command carries its rows.
    bodyLimit: 64 * 1024 * 1024,
  });
  // Level 1: snapshot pages are large and the CPU is shared with PostgreSQL; the ratio barely moves.
  await app.register(fastifyCompress, {
    global: true,
    threshold: 1024,
    encodings: ['gzip', 'deflate'],
    zlibOptions: { level: 1 },
  });

  app.setErrorHandler((err, _req, reply) => {
    const appError =
      err instanceof AppError
        ? err
        : (err as { validation?: unknown }).validation
          ? new AppError('validation.invalid-input', String((err as Error).message))
          : isClientError(err)
            ? new AppError('validation.invalid-input', String((err as Error).message))
            : AppError.from(err);
    if (appError.code === 'system.unexpected') reply.log.error({ err }, 'unexpected error');
    void reply.code(statusOf(appError.code)).send(fail(appError));
  });

  const claimsOf = (req: FastifyRequest) => verifyAccessToken(auth, req.headers.authorization);
  const principalOf = async (req: FastifyRequest): Promise<Principal> =>
    loadPrincipal(db, (await claimsOf(req)).userId);
  /** The principal, allowed to act for this desktop (device-bound sessions). */
  const principalFor = async (req: FastifyRequest, clientId: string): Promise<Principal> => {
    const claims = await claimsOf(req);
    await assertClientAccess(db, claims, clientId);
    return loadPrincipal(db, claims.userId);
  };

  const checkProtocol = (protocol: number) => {
    if (!SUPPORTED_PROTOCOLS.includes(protocol))
      throw new AppError('sync.update-required', `Protocol ${protocol} is not supported`, {
        supported: [...SUPPORTED_PROTOCOLS],
      });
  };

  const session = async (userId: string, clientId: string | null): Promise<Session> => {
    const principal = await loadPrincipal(db, userId);
    return {
      accessToken: await issueAccessToken(auth, userId, clientId),
      refreshToken: await issueRefreshToken(db, auth, userId, clientId),
      expiresIn: auth.accessTtlSeconds,
      user: principal.user,
    };
  };

  app.get('/health', async () => ok({ status: 'up', serverId }));
  app.get('/ready', async (_req, reply) => {
    try {
      await sql`select 1 from feed_counter`.execute(db);
      return ok({ status: 'ready', serverId });
    } catch (err) {
      return reply.code(503).send(fail(new AppError('system.database-unavailable', String(err))));
    }
  });

  app.post('/auth/login', async (req) => {
    const body = parseInput(loginRequestSchema, req.body);
    const userId = await checkCredentials(db, body.username, body.password);
    // Bound to the device only when it proves itself with its secret.
    const bound = body.clientId && body.deviceSecret ? body.clientId : null;
    if (bound && body.deviceSecret) await bindClient(db, bound, userId, body.deviceSecret);
    return ok(await session(userId, bound));
  });
  app.post('/auth/refresh', async (req) => {
    const body = parseInput(refreshRequestSchema, req.body);
    const { userId, clientId } = await consumeRefreshToken(db, body.refreshToken, auth.refreshReuseGraceSeconds);
    return ok(await session(userId, clientId));
  });
  app.post('/auth/logout', async (req) => {
    const body = parseInput(refreshRequestSchema, req.body);
    await revokeRefreshToken(db, body.refreshToken);
    return ok(null);
  });
  app.get('/auth/me', async (req) => ok((await principalOf(req)).user));

  app.post('/sync/push', async (req) => {
    const body = parseInput(pushRequestSchema, req.body);
    const principal = await principalFor(req, body.clientId);
    checkProtocol(body.protocol);
    const response = await processPush(db, principal, body, {
      now,
      onCommitted: (seq) => live.publishLocal(seq),
    });
    return ok(response);
  });

  app.post('/sync/pull', async (req) => {
    const body = parseInput(pullRequestSchema, req.body);
    const principal = await principalFor(req, body.clientId);
    checkProtocol(body.protocol);
    await registerClient(db, body.clientId, principal, { protocol: body.protocol });
    return ok(await processPull(db, principal, body, serverId));
  });

  app.post('/sync/numbers', async (req) => {
    const body = parseInput(numberBlockRequestSchema, req.body);
    const principal = await principalFor(req, body.clientId);
    await registerClient(db, body.clientId, principal, { protocol: SUPPORTED_PROTOCOLS.at(-1)! });
    await assertSeriesAllowed(db, principal.access, body.series);
    return ok(await issueNumberBlocks(db, body.clientId, body.series, body.size ?? 1000));
  });

  app.get('/sync/live', async (req: FastifyRequest, reply: FastifyReply) => {
    await principalOf(req);
    reply.hijack();
    live.attach(req.raw, reply.raw);
  });

  for (const plugin of options.plugins ?? []) await plugin(app, ctx);

  return {
    app,
    ctx,
    close: async () => {
      live.closeAll();
      await app.close();
      await live.stop();
    },
  };
}
