import { randomUUID } from 'node:crypto';
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { contract, isChannel, type Channel } from '../../core/api/contract.ts';
import { AppError, fail, ok, type Result } from '../../core/errors.ts';
import { parseInput } from '../../core/validation.ts';
import { findCommand } from '../../commands/registry.ts';
import { argsFromInput, deviceTagOf, runCommand } from '../../commands/runner.ts';
import { checkpointWhenIdle, openSqlite } from '../../db/connect.ts';
import { migrateToLatest } from '../../db/migrate.ts';
import { ensureClientId } from '../../db/outbox.queries.ts';
import { installUndoCapture } from '../../db/replica.queries.ts';
import { seedIfEmpty } from '../../db/seed/seed.ts';
import { buildJobHandlers, type JobHandlers } from './jobs.ts';
import { buildQueryHandlers, type QueryHandlers } from './queries.ts';
import { setFontDirectory } from '../../printing/fonts/cjk.ts';
import { createPrinting } from './printing.ts';
import { DesktopSync } from './sync.ts';
import { APP_VERSION } from './version.ts';

export interface AppHostOptions {
  dataDir: string;
  serverUrl: string | null;
  shell: 'electron' | 'web';
  /** Fill an empty database with the demo data set (first start of `npm start`). */
  seedDemoData?: boolean;
  /**
   * Who works at this desktop until sign-in arrives with the sync issue: a local profile whose
   * roles decide what it may force. The server re-checks every role when the command syncs.
   */
  userName?: string;
  roles?: readonly string[];
  /** Run the sync loop and live channel (default true; tests may drive sync by hand). */
  syncInBackground?: boolean;
  /** Where the label fonts are when they are not next to the code (a packaged app's resources). */
  fontDir?: string;
}

export interface AppHost {
  /** Validates channel and input against the contract and runs it. Never throws. */
  handle(channel: string, input: unknown): Promise<Result<unknown>>;
  close(): Promise<void>;
}

export const DATABASE_FILE = 'oms.sqlite';

/**
 * The desktop core: one local SQLite database, the command layer and the query handlers.
 * Electron's IPC and the web shell's HTTP routes are both thin adapters over `handle`.
 */
export async function createAppHost(options: AppHostOptions): Promise<AppHost> {
  mkdirSync(options.dataDir, { recursive: true });
  if (options.fontDir) setFontDirectory(options.fontDir);
  const conn = openSqlite(join(options.dataDir, DATABASE_FILE));
  const { db } = conn;
  const schemaVersion = await migrateToLatest(db, 'desktop');
  const clientId = await ensureClientId(db, randomUUID);
  await installUndoCapture(db);
  const device = deviceTagOf(clientId);
  const localActor = { userId: null, name: options.userName ?? 'local', roles: options.roles ?? ['administrator'] };
  const sync = new DesktopSync({
    db,
    clientId,
    serverUrl: options.serverUrl,
    appVersion: APP_VERSION,
    localActor,
    background: options.syncInBackground ?? true,
  });
  await sync.start();
  // Demo data only for a desktop on its own: with a server, the replica comes from the server.
  if (options.seedDemoData && !sync.usesBlocks) await seedIfEmpty(db);

  const context = () => ({ actor: sync.actor(), now: new Date().toISOString(), origin: 'desktop' as const });
  const printing = await createPrinting({ db, dataDir: options.dataDir, context });
  const queries: QueryHandlers = buildQueryHandlers({
    db,
    info: {
      appVersion: APP_VERSION,
      shell: options.shell,
      dataDir: options.dataDir,
      clientId,
      serverUrl: options.serverUrl,
      schemaVersion,
    },
    sync,
    extra: printing.queries,
  });

  const jobs: JobHandlers = buildJobHandlers(
    {
      db,
      device,
      get blocks() {
        return sync.usesBlocks;
      },
      context,
      run: async (name, args) => {
        const outcome = await runCommand(db, name, args, context(), { outbox: true, capture: sync.usesBlocks });
        if (outcome.outbox) sync.changed();
        return outcome;
      },
    },
    sync,
    printing.jobs,
  );

  let lastActivity = Date.now();
  const stopCheckpoints = checkpointWhenIdle(db, () => lastActivity);

  async function handle(channel: string, input: unknown): Promise<Result<unknown>> {
    lastActivity = Date.now();
    try {
      if (!isChannel(channel)) throw new AppError('api.unknown-channel', `Unknown channel ${channel}`);
      return await dispatch(channel, input);
    } catch (err) {
      return fail(err);
    }
  }

  async function dispatch(channel: Channel, input: unknown): Promise<Result<unknown>> {
    const endpoint = contract[channel];
    if (endpoint.kind === 'query') {
      const parsed: unknown = parseInput(endpoint.input, input);
      // The contract pairs each query channel with its handler; the compiler checks the map.
      const handler = queries[channel as keyof QueryHandlers] as (i: unknown) => Promise<unknown>;
      return ok(await handler(parsed));
    }
    if (endpoint.kind === 'job') {
      const parsed: unknown = parseInput(endpoint.input, input);
      const handler = jobs[channel as keyof JobHandlers] as (i: unknown) => Promise<unknown>;
      return ok(await handler(parsed));
    }
    const def = endpoint.command ? findCommand(endpoint.command) : undefined;
    if (!def) throw new AppError('command.unknown', `No command behind ${channel}`);
    // Validate the API input first so errors point at the clerk's fields, not at wrapped args.
    const parsed: unknown = parseInput(endpoint.input, input);
    const ctx = context();
    const args = await argsFromInput(db, def, parsed, {
      device,
      blocks: sync.usesBlocks,
      topUp: (series, count) => sync.topUp(series, count),
    });
    const { result, outbox } = await runCommand(db, def, args, ctx, { outbox: true, capture: sync.usesBlocks });
    if (outbox) sync.changed();
    return result;
  }

  return {
    handle,
    close: async () => {
      stopCheckpoints();
      await printing.close();
      await sync.close();
      await conn.close();
    },
  };
}
