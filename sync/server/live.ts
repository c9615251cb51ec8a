import type { IncomingMessage, ServerResponse } from 'node:http';
import { sql } from 'kysely';
import type { OpenedDb } from '../../db/connect.ts';

/**
 * The live channel: Server-Sent Events telling online desktops "the feed moved, pull now".
 * Every server process LISTENs on `oms_feed` (NOTIFY is sent by the transaction that took a
 * feed position, delivered at its commit), so a change committed through any process reaches
 * desktops connected to any other. The event carries only the position; what a desktop may
 * see is decided by its scoped pull.
 */
export class LiveChannel {
  private readonly clients = new Set<ServerResponse>();
  private unlisten: (() => Promise<void>) | undefined;
  private heartbeat: NodeJS.Timeout | undefined;
  private lastSent = 0;

  async start(conn: OpenedDb): Promise<void> {
    const { rows } = await sql<{ schema: string }>`select current_schema() as schema`.execute(conn.db);
    const mine = `${rows[0]?.schema ?? ''}:`;
    // One database may hold several schemas (tenants, test runs): only this schema's positions count.
    if (conn.listen)
      this.unlisten = await conn.listen('oms_feed', (payload) => {
        if (payload.startsWith(mine)) this.publish(Number(payload.slice(mine.length)));
      });
    this.heartbeat = setInterval(() => this.write(': ping\n\n'), 15_000);
    this.heartbeat.unref();
  }

  /** Publishes at once from this process (the NOTIFY arrives a moment later and is deduplicated). */
  publishLocal(seq: number): void {
    this.publish(seq);
  }

  private publish(seq: number): void {
    if (!Number.isFinite(seq) || seq <= this.lastSent) return;
    this.lastSent = seq;
    this.write(`event: feed\ndata: ${JSON.stringify({ seq })}\n\n`);
  }

  private write(chunk: string): void {
    for (const res of this.clients) res.write(chunk);
  }

  attach(req: IncomingMessage, res: ServerResponse): void {
    res.writeHead(200, {
      'content-type': 'text/event-stream; charset=utf-8',
      'cache-control': 'no-store',
      connection: 'keep-alive',
      'x-accel-buffering': 'no',
    });
    res.write(`event: hello\ndata: ${JSON.stringify({ seq: this.lastSent })}\n\n`);
    this.clients.add(res);
    const drop = () => this.clients.delete(res);
    req.on('close', drop);
    res.on('error', drop);
  }

  get connected(): number {
    return this.clients.size;
  }

  closeAll(): void {
    for (const res of this.clients) res.end();
    this.clients.clear();
  }

  async stop(): Promise<void> {
    if (this.heartbeat) clearInterval(this.heartbeat);
    await this.unlisten?.();
  }
}
