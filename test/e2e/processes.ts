import { spawn, type ChildProcess } from 'node:child_process';
import http from 'node:http';
import net from 'node:net';
import { resolve } from 'node:path';

/**
 * The processes and network of the multi-desktop end-to-end tests (sync, dock): a real central
 * server and web-shell desktops as child processes, and a relay between a desktop and the
 * server that the test can cut to take that desktop offline.
 */
const ROOT = resolve(import.meta.dirname, '../..');

/** A free TCP port on 127.0.0.1. */
export async function freePort(): Promise<number> {
  return new Promise((done, fail) => {
    const s = net.createServer();
    s.once('error', fail);
    s.listen(0, '127.0.0.1', () => {
      const { port } = s.address() as net.AddressInfo;
      s.close(() => done(port));
    });
  });
}

/** A child process of this test, with its output kept for the failure message. */
export class Proc {
  readonly child: ChildProcess;
  output = '';
  constructor(name: string, args: string[], env: Record<string, string> = {}) {
    this.child = spawn(process.execPath, ['--import', 'tsx', ...args], {
      cwd: ROOT,
      env: { ...process.env, ...env },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    const keep = (chunk: Buffer) => {
      this.output = `${this.output}${chunk.toString()}`.slice(-20_000);
    };
    this.child.stdout?.on('data', keep);
    this.child.stderr?.on('data', keep);
    this.child.on('exit', (code) => {
      this.output += `\n[${name} exited with ${code}]`;
    });
  }

  async waitFor(url: string, timeoutMs: number): Promise<void> {
    const until = Date.now() + timeoutMs;
    while (Date.now() < until) {
      if (this.child.exitCode !== null) throw new Error(`process exited:\n${this.output}`);
      try {
        const res = await fetch(url);
        if (res.ok) return;
      } catch {
        // not up yet
      }
      await new Promise((r) => setTimeout(r, 250));
    }
    throw new Error(`${url} did not answer in ${timeoutMs} ms:\n${this.output}`);
  }

  async stop(): Promise<void> {
    if (this.child.exitCode !== null) return;
    const exited = new Promise((r) => this.child.once('exit', r));
    this.child.kill('SIGTERM');
    const timer = setTimeout(() => this.child.kill('SIGKILL'), 10_000);
    await exited;
    clearTimeout(timer);
  }
}

export type LinkMode = 'up' | 'down' | 'old-app';

/**
 * The network between a desktop and the server, as far as this test needs it: "up" relays
 * every request (the live channel streams through), "down" cuts every open connection and
 * drops new ones (the desktop sees the server unreachable), "old-app" relays but sets the sync
 * protocol version of each request to one the server no longer supports (an outdated app).
 */
export class Link {
  mode: LinkMode = 'up';
  private readonly sockets = new Set<net.Socket>();
  private readonly server: http.Server;
  url = '';

  constructor(private readonly target: URL) {
    this.server = http.createServer((req, res) => this.relay(req, res));
    this.server.on('connection', (socket) => {
      if (this.mode === 'down') {
        socket.destroy();
        return;
      }
      this.sockets.add(socket);
      socket.on('close', () => this.sockets.delete(socket));
    });
  }

  async start(): Promise<this> {
    const port = await freePort();
    await new Promise<void>((r) => this.server.listen(port, '127.0.0.1', r));
    this.url = `http://127.0.0.1:${port}`;
    return this;
  }

  set(mode: LinkMode): void {
    this.mode = mode;
    if (mode === 'down') for (const s of this.sockets) s.destroy();
  }

  private relay(req: http.IncomingMessage, res: http.ServerResponse): void {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      if (this.mode === 'down') return void req.socket.destroy();
      let body = Buffer.concat(chunks);
      if (this.mode === 'old-app' && body.length > 0) {
        try {
          const json = JSON.parse(body.toString('utf8')) as Record<string, unknown>;
          if (typeof json['protocol'] === 'number') {
            json['protocol'] = 0;
            body = Buffer.from(JSON.stringify(json));
          }
        } catch {
          // not JSON: relayed as it is
        }
      }
      const headers = { ...req.headers, host: this.target.host, 'content-length': String(body.length) };
      const upstream = http.request(
        // A fresh upstream connection per request: no pooled socket the server may have closed.
        {
          host: this.target.hostname,
          port: this.target.port,
          method: req.method,
          path: req.url,
          headers,
          agent: false,
        },
        (answer) => {
          res.writeHead(answer.statusCode ?? 502, answer.headers);
          answer.pipe(res);
        },
      );
      upstream.on('error', () => res.destroy());
      upstream.end(body);
    });
  }

  async close(): Promise<void> {
    this.set('down');
    await new Promise((r) => this.server.close(r));
  }
}
