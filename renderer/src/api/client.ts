import { CHANNELS, type Api, type Channel } from '../../../core/api/contract.ts';
import { isErrorCode, type AppErrorData, type Result } from '../../../core/errors.ts';

/**
 * The renderer's only way to data. In Electron the preload exposes `window.oms` (IPC); in a
 * browser (web shell) every channel is `POST /api/<channel>` with a bearer token. Either way a
 * call resolves to a `Result` and never throws.
 */

const TOKEN_KEY = 'oms.token';

/** Reads `#token=…` once, keeps it for this tab, and takes it out of the address bar. */
export function captureToken(): string | null {
  const hash = window.location.hash.startsWith('#') ? window.location.hash.slice(1) : '';
  const params = new URLSearchParams(hash);
  const fromUrl = params.get('token');
  if (fromUrl) {
    try {
      sessionStorage.setItem(TOKEN_KEY, fromUrl);
    } catch {
      // Storage disabled: the token still lives in memory for this page.
    }
    memoryToken = fromUrl;
    params.delete('token');
    const rest = params.toString();
    const url = `${window.location.pathname}${window.location.search}${rest ? `#${rest}` : ''}`;
    window.history.replaceState(window.history.state, '', url);
  }
  return currentToken();
}

let memoryToken: string | null = null;

function currentToken(): string | null {
  if (memoryToken) return memoryToken;
  try {
    memoryToken = sessionStorage.getItem(TOKEN_KEY);
  } catch {
    memoryToken = null;
  }
  return memoryToken;
}

function failure(code: AppErrorData['code'], message: string): Result<never> {
  return { ok: false, error: { code, message } };
}

function isResult(value: unknown): value is Result<unknown> {
  if (typeof value !== 'object' || value === null || !('ok' in value)) return false;
  const v = value as { ok: unknown; error?: unknown };
  if (v.ok === true) return 'data' in value;
  if (v.ok !== false || typeof v.error !== 'object' || v.error === null) return false;
  return isErrorCode((v.error as { code?: unknown }).code);
}

async function post(channel: Channel, input: unknown): Promise<Result<unknown>> {
  const token = currentToken();
  const headers: Record<string, string> = { 'Content-Type': 'application/json', Accept: 'application/json' };
  if (token) headers['Authorization'] = `Bearer ${token}`;
  let response: Response;
  try {
    response = await fetch(`/api/${channel}`, {
      method: 'POST',
      headers,
      body: JSON.stringify(input ?? {}),
      credentials: 'same-origin',
      cache: 'no-store',
    });
  } catch (err) {
    return failure('system.database-unavailable', `Cannot reach the local service: ${String(err)}`);
  }
  let body: unknown;
  try {
    body = await response.json();
  } catch {
    return failure(
      response.status === 401 ? 'api.unauthorized' : 'system.unexpected',
      `Unreadable response (HTTP ${response.status})`,
    );
  }
  if (isResult(body)) return body;
  return failure('system.unexpected', `Unexpected response shape (HTTP ${response.status})`);
}

function httpTransport(): Api {
  const api: Record<string, (input: unknown) => Promise<Result<unknown>>> = {};
  for (const channel of CHANNELS) api[channel] = (input: unknown) => post(channel, input);
  return api as unknown as Api;
}

/** Wraps the preload API so a rejected IPC call also becomes a Result instead of throwing. */
function guarded(inner: Api): Api {
  const api: Record<string, (input: unknown) => Promise<Result<unknown>>> = {};
  const calls = inner as unknown as Record<string, (input: unknown) => Promise<Result<unknown>>>;
  for (const channel of CHANNELS) {
    api[channel] = async (input: unknown) => {
      try {
        const fn = calls[channel];
        if (!fn) return failure('api.unknown-channel', `Channel ${channel} is not exposed`);
        return await fn(input);
      } catch (err) {
        return failure('system.unexpected', String(err));
      }
    };
  }
  return api as unknown as Api;
}

const preload: Api | undefined = typeof window === 'undefined' ? undefined : window.oms;

if (typeof window !== 'undefined' && !preload) captureToken();

export const oms: Api = preload ? guarded(preload) : httpTransport();
