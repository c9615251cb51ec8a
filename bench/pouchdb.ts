import { spawn } from 'node:child_process';
import { mkdirSync } from 'node:fs';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { createRequire } from 'node:module';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';

/**
 * S6's peer: PouchDB replicating through a PouchDB server. The server is express-pouchdb (the
 * CouchDB-compatible HTTP layer pouchdb-server is built on) over PouchDB's LevelDB adapter on
 * disk, in a process of its own like ours; the two "desktops" are PouchDB databases on disk
 * (LevelDB), replicating with PouchDB's own replicator and its default settings.
 *
 * tsx bench/pouchdb.ts serve DIR   (the server process; prints {"url": …} when listening)
 */

interface PouchInfo {
  doc_count: number;
  update_seq: number | string;
}
interface ReplicationResult {
  ok: boolean;
  docs_written: number;
  docs_read: number;
}
export interface PouchDatabase {
  put(doc: Record<string, unknown>): Promise<unknown>;
  info(): Promise<PouchInfo>;
  close(): Promise<void>;
  replicate: {
    to(target: PouchDatabase | string, options?: Record<string, unknown>): Promise<ReplicationResult>;
    from(source: PouchDatabase | string, options?: Record<string, unknown>): Promise<ReplicationResult>;
  };
}
type PouchConstructor = (new (name: string, options?: Record<string, unknown>) => PouchDatabase) & {
  defaults(options: Record<string, unknown>): PouchConstructor;
};

const require = createRequire(import.meta.url);
/** PouchDB ships CommonJS without types; the few calls used here are typed above. */
export const loadPouchDB = (): PouchConstructor => require('pouchdb') as PouchConstructor;

/** Starts the PouchDB server in a child process; data under `dir`. */
export async function startPouchServer(dir: string): Promise<{ url: string; close(): Promise<void> }> {
  mkdirSync(dir, { recursive: true });
  const child = spawn(process.execPath, ['--import', 'tsx', import.meta.filename, 'serve', dir], {
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let stderr = '';
  child.stderr.on('data', (c: Buffer) => (stderr += c.toString()));
  const url = await new Promise<string>((resolve, reject) => {
    let out = '';
    child.stdout.on('data', (c: Buffer) => {
      out += c.toString();
      const line = out.split('\n').find((l) => l.startsWith('{'));
      if (line) resolve((JSON.parse(line) as { url: string }).url);
    });
    child.on('exit', (code) => reject(new Error(`PouchDB server exited (${code}): ${stderr}`)));
  });
  return {
    url,
    close: () =>
      new Promise<void>((resolve) => {
        if (child.exitCode !== null) return resolve();
        child.on('exit', () => resolve());
        child.kill('SIGTERM');
      }),
  };
}

export interface PouchFigures {
  docs: number;
  /** Creating the records one by one in the first local database. */
  createMs: number;
  /** First local database → server. */
  pushMs: number;
  /** Server → second local database. */
  pullMs: number;
  totalMs: number;
  docsWritten: { push: number; pull: number };
  secondDocCount: number;
  batchSize: number;
}

/**
 * The same records created one by one in a local PouchDB, replicated to the server, and
 * replicated down to a second local PouchDB that already replicated once (empty) before.
 */
export async function pouchReplication(
  records: readonly Record<string, unknown>[],
  dir: string,
  options: { batchSize?: number } = {},
): Promise<PouchFigures> {
  const PouchDB = loadPouchDB();
  const server = await startPouchServer(join(dir, 'server'));
  const a = new PouchDB(join(dir, 'desktop-a'));
  const b = new PouchDB(join(dir, 'desktop-b'));
  const remoteUrl = `${server.url}/oms`;
  const replication = options.batchSize ? { batch_size: options.batchSize } : {};
  try {
    // Both desktops are known to the server before the work starts (as ours are signed in and synced).
    await a.replicate.to(remoteUrl, replication);
    await b.replicate.from(remoteUrl, replication);
    let t = performance.now();
    for (const r of records) await a.put({ _id: String(r.id), ...r });
    const createMs = performance.now() - t;
    t = performance.now();
    const pushed = await a.replicate.to(remoteUrl, replication);
    const pushMs = performance.now() - t;
    t = performance.now();
    const pulled = await b.replicate.from(remoteUrl, replication);
    const pullMs = performance.now() - t;
    const info = await b.info();
    return {
      docs: records.length,
      createMs: Math.round(createMs),
      pushMs: Math.round(pushMs),
      pullMs: Math.round(pullMs),
      totalMs: Math.round(pushMs + pullMs),
      docsWritten: { push: pushed.docs_written, pull: pulled.docs_written },
      secondDocCount: info.doc_count,
      batchSize: options.batchSize ?? 100,
    };
  } finally {
    await a.close();
    await b.close();
    await server.close();
  }
}

async function serve(dir: string): Promise<void> {
  const PouchDB = loadPouchDB().defaults({ prefix: `${dir}/` });
  const expressPouchDB = require('express-pouchdb') as (
    pouch: PouchConstructor,
    options: Record<string, unknown>,
  ) => Parameters<typeof createServer>[1];
  const app = expressPouchDB(PouchDB, { mode: 'minimumForPouchDB' });
  const server = createServer(app);
  server.listen(0, '127.0.0.1', () => {
    const { port } = server.address() as AddressInfo;
    console.log(JSON.stringify({ url: `http://127.0.0.1:${port}` }));
  });
  process.on('SIGTERM', () => process.exit(0));
}

if (process.argv[1] && import.meta.url === pathToFileURL(process.argv[1]).href && process.argv[2] === 'serve') {
  const dir = process.argv[3];
  if (!dir) throw new Error('usage: pouchdb.ts serve DIR');
  await serve(dir);
}
