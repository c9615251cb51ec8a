import { createHash } from 'node:crypto';
import { createServer, type Server, type Socket } from 'node:net';

/**
 * A network label printer as far as port 9100 goes: a TCP listener on 127.0.0.1 that keeps
 * what each connection sent. `stop()` closes the port (the printer goes away); `start()` on the
 * same instance brings it back on the same port.
 */
export class FakePrinter {
  readonly jobs: Buffer[] = [];
  private server: Server | null = null;
  private sockets = new Set<Socket>();
  private waiters: { count: number; resolve: () => void }[] = [];
  port = 0;

  static async start(port = 0): Promise<FakePrinter> {
    const p = new FakePrinter();
    await p.start(port);
    return p;
  }

  async start(port = this.port): Promise<void> {
    const server = createServer((socket) => {
      this.sockets.add(socket);
      const chunks: Buffer[] = [];
      socket.on('data', (d: Buffer) => chunks.push(d));
      socket.on('end', () => {
        this.jobs.push(Buffer.concat(chunks));
        socket.end();
        this.notify();
      });
      socket.on('close', () => this.sockets.delete(socket));
      socket.on('error', () => {});
    });
    await new Promise<void>((resolve, reject) => {
      server.once('error', reject);
      server.listen(port, '127.0.0.1', () => resolve());
    });
    this.server = server;
    const address = server.address();
    if (address && typeof address === 'object') this.port = address.port;
  }

  get target(): string {
    return `tcp://127.0.0.1:${this.port}`;
  }

  async stop(): Promise<void> {
    const server = this.server;
    this.server = null;
    for (const s of this.sockets) s.destroy();
    if (server) await new Promise<void>((resolve) => server.close(() => resolve()));
  }

  /** Resolves once `count` jobs in total have arrived, or rejects after `timeoutMs`. */
  waitForJobs(count: number, timeoutMs = 20_000): Promise<void> {
    if (this.jobs.length >= count) return Promise.resolve();
    return new Promise((resolve, reject) => {
      const timer = setTimeout(
        () => reject(new Error(`fake printer: ${this.jobs.length} of ${count} jobs after ${timeoutMs} ms`)),
        timeoutMs,
      );
      this.waiters.push({
        count,
        resolve: () => {
          clearTimeout(timer);
          resolve();
        },
      });
    });
  }

  private notify(): void {
    this.waiters = this.waiters.filter((w) => {
      if (this.jobs.length < w.count) return true;
      w.resolve();
      return false;
    });
  }
}

export const sha256 = (b: Uint8Array): string => createHash('sha256').update(b).digest('hex');

/** A port nothing listens on: bound once by the OS, then released. */
export async function closedPort(): Promise<number> {
  const p = await FakePrinter.start();
  const port = p.port;
  await p.stop();
  return port;
}
