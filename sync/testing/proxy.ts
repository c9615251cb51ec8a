import { createServer, connect, type Server, type Socket } from 'node:net';

/**
 * A real TCP proxy in front of the sync server for fault tests: the desktop talks to the proxy
 * over a real socket, the proxy to the server over another. It reads each HTTP request whole
 * (head and body) and then, as a rule decides, passes it on, cuts the connection halfway through
 * the request or halfway through the answer, sends it twice, holds the answer back, or refuses
 * the connection. Every exchange is logged (method, path, body, what was done, the status the
 * server answered, whether the desktop got the answer), so tests can count requests.
 *
 * The proxy rewrites `Connection` to `close`: one request per TCP connection, so cutting a
 * connection cuts exactly one exchange (undici would otherwise reuse sockets between requests).
 */

export interface ProxiedRequest {
  /** 1-based, in arrival order. */
  id: number;
  method: string;
  path: string;
  body: string;
  json<T = Record<string, unknown>>(): T;
}

export type Fault =
  /** Forward; optionally wait before forwarding the request and before delivering the answer. */
  | { kind: 'pass'; delayMs?: number; responseDelayMs?: number }
  /** Forward the head and part of the body, then cut both sides: the server never gets it whole. */
  | { kind: 'drop-request'; fraction?: number }
  /**
   * Forward the request; the server handles it and answers; the desktop gets only the first
   * `bytes` of the answer (default: half of the first chunk), then the connection is cut.
   */
  | { kind: 'drop-response'; bytes?: number }
  /** Send the request to the server twice (at once, or the second after the first answer). */
  | { kind: 'duplicate'; concurrent?: boolean }
  /** Cut the desktop's connection before anything reaches the server. */
  | { kind: 'refuse' }
  /** Forward; keep the server's answer until `release(id)` or `cut(id)`. */
  | { kind: 'hold-response' };

export type Rule = (request: ProxiedRequest) => Fault | undefined;

export interface Exchange {
  id: number;
  method: string;
  path: string;
  body: string;
  fault: Fault['kind'];
  /** Status of the (first) server answer, once it started arriving. */
  status: number | null;
  /** Statuses of every server answer (two for a duplicate). */
  statuses: number[];
  /** The server finished answering (its transaction is committed by then). */
  answered: boolean;
  /** The desktop received the whole answer. */
  delivered: boolean;
  json<T = Record<string, unknown>>(): T;
}

interface Held {
  client: Socket;
  chunks: Buffer[];
  ended: boolean;
  release: () => void;
}

const HEAD_END = Buffer.from('\r\n\r\n');

export class FaultProxy {
  readonly log: Exchange[] = [];
  private rule: Rule = () => undefined;
  private target: { host: string; port: number };
  private server: Server;
  private sockets = new Set<Socket>();
  private refusing = false;
  private held = new Map<number, Held>();
  private nextId = 1;
  url = '';

  private constructor(target: string) {
    this.target = parseTarget(target);
    this.server = createServer((socket) => this.accept(socket));
  }

  /** Starts a proxy on 127.0.0.1 (a free port) in front of `target` (an http://host:port URL). */
  static async start(target: string): Promise<FaultProxy> {
    const proxy = new FaultProxy(target);
    await new Promise<void>((resolve, reject) => {
      proxy.server.once('error', reject);
      proxy.server.listen(0, '127.0.0.1', () => resolve());
    });
    const address = proxy.server.address();
    if (!address || typeof address === 'string') throw new Error('proxy has no TCP address');
    proxy.url = `http://127.0.0.1:${address.port}`;
    return proxy;
  }

  /** Points the proxy at another server (a restarted one); the desktop's URL stays the same. */
  setTarget(target: string): void {
    this.target = parseTarget(target);
  }

  /** Decides what happens to each request from now on (undefined: pass). */
  setRule(rule: Rule | null): void {
    this.rule = rule ?? (() => undefined);
  }

  /** The network is down: every connection is cut at once, open ones included. */
  offline(): void {
    this.refusing = true;
    for (const s of this.sockets) s.destroy();
  }

  online(): void {
    this.refusing = false;
  }

  /** Exchanges whose path is `path` (and that match `where`). */
  requests(path: string, where: (e: Exchange) => boolean = () => true): Exchange[] {
    return this.log.filter((e) => e.path === path && where(e));
  }

  count(path: string): number {
    return this.requests(path).length;
  }

  /** Delivers a held answer to the desktop. */
  release(id: number): void {
    this.held.get(id)?.release();
  }

  /** Cuts the desktop's connection of a held exchange without the answer. */
  cut(id: number): void {
    const h = this.held.get(id);
    if (!h) return;
    this.held.delete(id);
    h.client.destroy();
  }

  async waitFor<T>(find: () => T | undefined | false | null, timeoutMs = 20_000, what = 'condition'): Promise<T> {
    const until = Date.now() + timeoutMs;
    for (;;) {
      const found = find();
      if (found) return found;
      if (Date.now() > until) throw new Error(`proxy: timed out waiting for ${what}`);
      await new Promise((r) => setTimeout(r, 10));
    }
  }

  async close(): Promise<void> {
    for (const s of this.sockets) s.destroy();
    await new Promise<void>((resolve) => this.server.close(() => resolve()));
  }

  // ---------- one connection ----------
  private track(socket: Socket): Socket {
    this.sockets.add(socket);
    socket.on('close', () => this.sockets.delete(socket));
    socket.on('error', () => undefined);
    return socket;
  }

  private accept(client: Socket): void {
    this.track(client);
    if (this.refusing) {
      client.destroy();
      return;
    }
    let buffer = Buffer.alloc(0);
    let done = false;
    const onData = (chunk: Buffer) => {
      if (done) return;
      buffer = Buffer.concat([buffer, chunk]);
      const end = buffer.indexOf(HEAD_END);
      if (end < 0) return;
      const headText = buffer.subarray(0, end).toString('latin1');
      const lines = headText.split('\r\n');
      const [method = '', path = ''] = (lines[0] ?? '').split(' ');
      const length = Number(
        lines.find((l) => l.toLowerCase().startsWith('content-length:'))?.slice('content-length:'.length) ?? 0,
      );
      if (buffer.length < end + 4 + length) return;
      done = true;
      client.off('data', onData);
      const body = buffer.subarray(end + 4, end + 4 + length);
      const head = [...lines.filter((l) => !/^(connection|keep-alive):/i.test(l)), 'connection: close', '', ''].join(
        '\r\n',
      );
      this.handle(client, method, path, Buffer.from(head, 'latin1'), body);
    };
    client.on('data', onData);
  }

  private handle(client: Socket, method: string, path: string, head: Buffer, body: Buffer): void {
    const id = this.nextId++;
    const bodyText = body.toString('utf8');
    const request: ProxiedRequest = {
      id,
      method,
      path,
      body: bodyText,
      json: <T>() => JSON.parse(bodyText) as T,
    };
    const fault: Fault = this.rule(request) ?? { kind: 'pass' };
    const exchange: Exchange = {
      id,
      method,
      path,
      body: bodyText,
      fault: fault.kind,
      status: null,
      statuses: [],
      answered: false,
      delivered: false,
      json: <T>() => JSON.parse(bodyText) as T,
    };
    this.log.push(exchange);

    switch (fault.kind) {
      case 'refuse':
        client.destroy();
        return;
      case 'drop-request': {
        const upstream = this.upstream(client);
        const part = body.subarray(0, Math.floor(body.length * (fault.fraction ?? 0.5)));
        upstream.write(Buffer.concat([head, part]), () => {
          // Give the server a moment to read the partial body, then cut both sides.
          setTimeout(() => {
            upstream.destroy();
            client.destroy();
          }, 20);
        });
        return;
      }
      case 'pass': {
        const go = () => this.forward(client, head, body, exchange, fault.responseDelayMs ?? 0);
        if (fault.delayMs) setTimeout(go, fault.delayMs);
        else go();
        return;
      }
      case 'drop-response':
        this.forward(client, head, body, exchange, 0, fault.bytes ?? -1);
        return;
      case 'hold-response':
        this.forward(client, head, body, exchange, 0, undefined, true);
        return;
      case 'duplicate': {
        const concurrent = fault.concurrent ?? true;
        // The second delivery's answer goes nowhere: the desktop sees the first one only.
        const second = () => {
          const sink = this.track(connect(this.target.port, this.target.host));
          sink.write(Buffer.concat([head, body]));
          let first = true;
          sink.on('data', (chunk: Buffer) => {
            if (first) exchange.statuses.push(statusOf(chunk));
            first = false;
          });
        };
        if (concurrent) second();
        this.forward(client, head, body, exchange, 0, undefined, false, concurrent ? undefined : second);
        return;
      }
    }
  }

  private upstream(client: Socket): Socket {
    const upstream = this.track(connect(this.target.port, this.target.host));
    upstream.on('error', () => client.destroy());
    client.on('close', () => upstream.destroy());
    return upstream;
  }

  /**
   * Sends the request to the server and relays the answer. `cutAfter`: deliver only that many
   * bytes of the answer (-1: half of the first chunk), then cut the desktop's connection while
   * the server's answer is still read to its end. `hold`: keep the answer until released.
   */
  private forward(
    client: Socket,
    head: Buffer,
    body: Buffer,
    exchange: Exchange,
    responseDelayMs: number,
    cutAfter?: number,
    hold = false,
    afterAnswer?: () => void,
  ): void {
    const upstream = this.track(connect(this.target.port, this.target.host));
    upstream.on('error', () => client.destroy());
    const chunks: Buffer[] = [];
    let cut = false;
    let sent = 0;
    let clientGone = false;
    client.on('close', () => {
      clientGone = true;
      // A cut desktop connection (offline, killed desktop) must not abort the server's work
      // half-way through reading the answer; only when nothing was answered yet.
      if (!exchange.answered && !hold && cutAfter === undefined) upstream.destroy();
    });
    upstream.write(Buffer.concat([head, body]));

    const deliver = (chunk: Buffer) => {
      if (cut || clientGone) return;
      if (cutAfter !== undefined) {
        const limit = cutAfter < 0 ? Math.max(1, Math.floor(chunk.length / 2)) : cutAfter;
        const room = limit - sent;
        if (room > 0) client.write(chunk.subarray(0, room));
        sent += Math.min(room, chunk.length);
        if (sent >= limit || cutAfter < 0) {
          cut = true;
          client.destroy();
        }
        return;
      }
      if (responseDelayMs > 0) setTimeout(() => client.write(chunk), responseDelayMs);
      else client.write(chunk);
    };

    const held: Held | undefined = hold
      ? {
          client,
          chunks,
          ended: false,
          release: () => {
            this.held.delete(exchange.id);
            for (const c of chunks) client.write(c);
            if (held!.ended) {
              exchange.delivered = true;
              client.end();
            } else hold = false;
          },
        }
      : undefined;
    if (held) this.held.set(exchange.id, held);

    upstream.on('data', (chunk: Buffer) => {
      if (exchange.status === null) {
        exchange.status = statusOf(chunk);
        exchange.statuses.unshift(exchange.status);
      }
      if (hold) chunks.push(chunk);
      else deliver(chunk);
    });
    upstream.on('end', () => {
      exchange.answered = true;
      if (held && hold) {
        held.ended = true;
        return;
      }
      const finish = () => {
        if (!cut && !clientGone) {
          exchange.delivered = true;
          client.end();
        }
        afterAnswer?.();
      };
      if (responseDelayMs > 0) setTimeout(finish, responseDelayMs);
      else finish();
    });
  }
}

function statusOf(chunk: Buffer): number {
  const match = /^HTTP\/1\.[01] (\d{3})/.exec(chunk.subarray(0, 32).toString('latin1'));
  return match ? Number(match[1]) : 0;
}

function parseTarget(target: string): { host: string; port: number } {
  const u = new URL(target);
  return { host: u.hostname, port: Number(u.port) };
}
