import { randomBytes } from 'node:crypto';
import { existsSync } from 'node:fs';
import { resolve } from 'node:path';
import fastify, { type FastifyInstance, type FastifyReply, type FastifyRequest } from 'fastify';
import fastifyStatic from '@fastify/static';
import { AppError, fail, httpStatusOf, isErrorCode, type Result } from '../../core/errors.ts';
import { createAppHost, type AppHost } from '../app/host.ts';
import { isLocalRequest, SECURITY_HEADERS, tokenMatches } from './security.ts';

export interface WebShellOptions {
  dataDir: string;
  serverUrl: string | null;
  /** 0 picks a free port. */
  port: number;
  /** Fixed token for tests; otherwise a fresh random one per launch. */
  token?: string;
  rendererDir?: string;
  seedDemoData?: boolean;
  userName?: string;
  roles?: readonly string[];
}

export interface WebShell {
  url: string;
  /** The URL a browser opens: carries the per-launch token once, in the fragment. */
  launchUrl: string;
  port: number;
  token: string;
  host: AppHost;
  close(): Promise<void>;
}

export const DEFAULT_RENDERER_DIR = resolve(import.meta.dirname, '../../dist/renderer');

function statusOf(result: Result<unknown>): number {
  return result.ok ? 200 : isErrorCode(result.error.code) ? httpStatusOf(result.error.code) : 500;
}

/**
 * The web shell: the same renderer and the same desktop core as Electron, over HTTP on
 * 127.0.0.1 only, guarded by a per-launch token. Used in browsers and by the end-to-end tests.
 */
export async function startWebShell(options: WebShellOptions): Promise<WebShell> {
  const rendererDir = options.rendererDir ?? DEFAULT_RENDERER_DIR;
  if (!existsSync(resolve(rendererDir, 'index.html')))
    throw new Error(`The renderer is not built (${rendererDir}/index.html missing): run "npm run build:renderer"`);

  const token = options.token ?? randomBytes(24).toString('base64url');
  const host = await createAppHost({
    dataDir: options.dataDir,
    serverUrl: options.serverUrl,
    shell: 'web',
    seedDemoData: options.seedDemoData ?? false,
    ...(options.userName ? { userName: options.userName } : {}),
    ...(options.roles ? { roles: options.roles } : {}),
  });

  const app: FastifyInstance = fastify({ logger: false, bodyLimit: 10 * 1024 * 1024 });
  let port = options.port;

  app.addHook('onSend', async (_req, reply) => {
    for (const [k, v] of Object.entries(SECURITY_HEADERS)) reply.header(k, v);
  });

  app.addHook('onRequest', async (req, reply) => {
    if (!isLocalRequest(req.headers.host, req.headers.origin, port)) {
      await reply.code(403).send(fail(new AppError('api.forbidden-sender', 'Requests must come from this app')));
    }
  });

  await app.register(fastifyStatic, { root: rendererDir, index: 'index.html' });

  const api = async (channel: string, req: FastifyRequest, reply: FastifyReply) => {
    if (!tokenMatches(req.headers.authorization, token)) {
      return reply.code(401).send(fail(new AppError('api.unauthorized', 'Missing or wrong app token')));
    }
    const result = await host.handle(channel, req.body ?? {});
    return reply.code(statusOf(result)).send(result);
  };
  app.post<{ Params: { channel: string } }>('/api/:channel', (req, reply) => api(req.params.channel, req, reply));
  // An order file to import is the one large body: 100,000 orders of CSV are ~20 MB.
  app.post<{ Params: { op: string } }>('/api/orders.import.:op', { bodyLimit: 256 * 1024 * 1024 }, (req, reply) =>
    api(`orders.import.${req.params.op}`, req, reply),
  );

  // Malformed JSON and oversize bodies still answer in the one Result shape.
  app.setErrorHandler(async (err: { statusCode?: number; message: string }, _req, reply) => {
    const status = err.statusCode ?? 500;
    const error =
      status < 500
        ? new AppError('validation.invalid-input', err.message)
        : new AppError('system.unexpected', err.message);
    return reply.code(status).send(fail(error));
  });

  const address = await app.listen({ host: '127.0.0.1', port: options.port });
  port = new URL(address).port ? Number(new URL(address).port) : options.port;
  const url = `http://127.0.0.1:${port}/`;

  return {
    url,
    launchUrl: `${url}#token=${token}`,
    port,
    token,
    host,
    async close() {
      await app.close();
      await host.close();
    },
  };
}
