import { describe, expect, it } from 'vitest';
import { CHANNELS, ipcChannelOf } from '../../core/api/contract.ts';
import { ok, type Result } from '../../core/errors.ts';
import { registerIpcHandlers, senderInfoOf, type InvokeEventLike, type IpcMainLike } from './ipc.ts';

type Listener = (event: InvokeEventLike, ...args: unknown[]) => Promise<Result<unknown>>;

/** A stand-in for ipcMain (Electron is not launchable here); records what gets registered. */
function fakeIpcMain(): IpcMainLike & { handlers: Map<string, Listener> } {
  const handlers = new Map<string, Listener>();
  return {
    handlers,
    handle(channel, listener) {
      if (handlers.has(channel)) throw new Error(`second handler for ${channel}`);
      handlers.set(channel, listener);
    },
    removeHandler(channel) {
      handlers.delete(channel);
    },
  };
}

function recordingHost(): {
  calls: Array<[string, unknown]>;
  handle(ch: string, input: unknown): Promise<Result<unknown>>;
} {
  const calls: Array<[string, unknown]> = [];
  return {
    calls,
    handle(channel, input) {
      calls.push([channel, input]);
      return Promise.resolve(ok({ channel }));
    },
  };
}

const OUR_ID = 3;
const trusted = () => ({ webContentsIds: new Set([OUR_ID]) });
const ourEvent: InvokeEventLike = {
  sender: { id: OUR_ID },
  senderFrame: { url: 'app://oms/index.html', parent: null },
};

describe('registerIpcHandlers', () => {
  it('registers exactly one handler per API channel, on oms:<channel>', () => {
    const ipc = fakeIpcMain();
    registerIpcHandlers(ipc, recordingHost(), trusted);
    expect([...ipc.handlers.keys()].sort()).toEqual(CHANNELS.map(ipcChannelOf).sort());
  });

  it('passes a trusted call to host.handle with the API channel and the raw input', async () => {
    const ipc = fakeIpcMain();
    const host = recordingHost();
    registerIpcHandlers(ipc, host, trusted);
    for (const channel of CHANNELS) {
      const listener = ipc.handlers.get(ipcChannelOf(channel));
      const input = { any: 'thing' };
      await expect(listener?.(ourEvent, input)).resolves.toEqual({ ok: true, data: { channel } });
      expect(host.calls.at(-1)).toEqual([channel, input]);
    }
  });

  it.each<[string, InvokeEventLike]>([
    ['a destroyed frame', { sender: { id: OUR_ID }, senderFrame: null }],
    ['an iframe', { sender: { id: OUR_ID }, senderFrame: { url: 'app://oms/index.html', parent: {} } }],
    ['another webContents', { sender: { id: 99 }, senderFrame: { url: 'app://oms/index.html', parent: null } }],
    ['a foreign page', { sender: { id: OUR_ID }, senderFrame: { url: 'https://evil.example/', parent: null } }],
  ])('refuses %s with api.forbidden-sender without touching the host', async (_name, event) => {
    const ipc = fakeIpcMain();
    const host = recordingHost();
    registerIpcHandlers(ipc, host, trusted);
    const result = await ipc.handlers.get(ipcChannelOf('system.info'))?.(event, {});
    expect(result?.ok).toBe(false);
    if (result && !result.ok) expect(result.error.code).toBe('api.forbidden-sender');
    expect(host.calls).toEqual([]);
  });

  it('answers a Result even if the host throws', async () => {
    const ipc = fakeIpcMain();
    registerIpcHandlers(ipc, { handle: () => Promise.reject(new Error('boom')) }, trusted);
    const result = await ipc.handlers.get(ipcChannelOf('system.info'))?.(ourEvent, {});
    expect(result).toEqual({ ok: false, error: { code: 'system.unexpected', message: 'boom' } });
  });

  it('removes its handlers again', () => {
    const ipc = fakeIpcMain();
    const unregister = registerIpcHandlers(ipc, recordingHost(), trusted);
    unregister();
    expect(ipc.handlers.size).toBe(0);
  });
});

describe('senderInfoOf', () => {
  it('reads the frame the call came from', () => {
    expect(senderInfoOf(ourEvent)).toEqual({ webContentsId: OUR_ID, url: 'app://oms/index.html', isMainFrame: true });
    expect(senderInfoOf({ sender: { id: 1 }, senderFrame: null })).toBeNull();
  });
});

describe('senderInfoOf on a disposed frame', () => {
  it('gives null when the frame accessors throw', () => {
    const event: InvokeEventLike = {
      sender: { id: OUR_ID },
      senderFrame: {
        get url(): string {
          throw new Error('Render frame was disposed before WebFrameMain could be accessed');
        },
        parent: null,
      },
    };
    expect(senderInfoOf(event)).toBeNull();
  });
});
