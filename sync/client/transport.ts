import { AppError, type AppErrorData } from '../../core/errors.ts';

/** A failure to reach the server at all (offline, refused, timed out, a proxy's 502…): retry later. */
export class Unreachable extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'Unreachable';
  }
}

export interface Transport {
  post<T>(path: string, body: unknown, token?: string): Promise<T>;
  /** Opens the live channel; resolves when it closes. */
  live(token: string, onEvent: (event: string, data: string) => void, signal: AbortSignal): Promise<void>;
}

/**
 * HTTP to the central server with fetch. A server answer of `{ ok: false, error }` is thrown as
 * that AppError (a verdict: 401s are handled by the caller's refresh); anything that is not an
 * answer from our server is `Unreachable`, which the engine retries with backoff, forever.
 */
export class HttpTransport implements Transport {
  constructor(
    private readonly baseUrl: string,
    private readonly timeoutMs = 30_000,
  ) {}

  async post<T>(path: string, body: unknown, token?: string): Promise<T> {
    let res: Response;
    try {
      res = await fetch(new URL(path, this.baseUrl), {
        method: 'POST',
        headers: {
          'content-type': 'application/json',
          'accept-encoding': 'gzip',
          ...(token ? { authorization: `Bearer ${token}` } : {}),
        },
        body: JSON.stringify(body),
        signal: AbortSignal.timeout(this.timeoutMs),
      });
    } catch (err) {
      throw new Unreachable(err instanceof Error ? err.message : String(err));
    }
    let payload: { ok: boolean; data?: T; error?: AppErrorData };
    try {
      payload = (await res.json()) as typeof payload;
    } catch (err) {
      throw new Unreachable(`HTTP ${res.status}: ${err instanceof Error ? err.message : 'not JSON'}`);
    }
    if (payload.ok) return payload.data as T;
    if (!payload.error || typeof payload.error.code !== 'string') throw new Unreachable(`HTTP ${res.status}`);
    // 5xx from our own server is a fault on its side (crash, database away): retry, not a verdict.
    if (res.status >= 500 && res.status !== 503) throw new Unreachable(`HTTP ${res.status}: ${payload.error.code}`);
    if (res.status === 503) throw new Unreachable(`HTTP 503: ${payload.error.code}`);
    throw new AppError(payload.error.code as AppError['code'], payload.error.message, payload.error.details);
  }

  async live(token: string, onEvent: (event: string, data: string) => void, signal: AbortSignal): Promise<void> {
    let res: Response;
    try {
      res = await fetch(new URL('/sync/live', this.baseUrl), {
        headers: { authorization: `Bearer ${token}`, accept: 'text/event-stream' },
        signal,
      });
    } catch (err) {
      throw new Unreachable(err instanceof Error ? err.message : String(err));
    }
    if (!res.ok || !res.body) throw new Unreachable(`live channel HTTP ${res.status}`);
    const decoder = new TextDecoder();
    let buffer = '';
    try {
      for await (const chunk of res.body as unknown as AsyncIterable<Uint8Array>) {
        buffer += decoder.decode(chunk, { stream: true });
        let end: number;
        while ((end = buffer.indexOf('\n\n')) >= 0) {
          const block = buffer.slice(0, end);
          buffer = buffer.slice(end + 2);
          let event = 'message';
          const data: string[] = [];
          for (const line of block.split('\n')) {
            if (line.startsWith('event:')) event = line.slice(6).trim();
            else if (line.startsWith('data:')) data.push(line.slice(5).trim());
          }
          if (data.length > 0) onEvent(event, data.join('\n'));
        }
      }
    } catch (err) {
      if (signal.aborted) return;
      throw new Unreachable(err instanceof Error ? err.message : String(err));
    }
  }
}
