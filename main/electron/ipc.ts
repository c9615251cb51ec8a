import { CHANNELS, ipcChannelOf, type Channel } from '../../core/api/contract.ts';
import { AppError, fail, type Result } from '../../core/errors.ts';
import type { AppHost } from '../app/host.ts';
import { isTrustedSender, type SenderInfo, type TrustedSenders } from './policy.ts';

/** The part of an `IpcMainInvokeEvent` the sender check reads. */
export interface InvokeEventLike {
  sender: { id: number };
  senderFrame: { url: string; parent: unknown } | null;
}

/** The part of `ipcMain` we use; main.ts passes Electron's `ipcMain`, so the compiler checks the fit. */
export interface IpcMainLike {
  handle(channel: string, listener: (event: InvokeEventLike, ...args: unknown[]) => Promise<Result<unknown>>): void;
  removeHandler(channel: string): void;
}

/**
 * Reads the sender of an invoke event. A frame that is gone (null, or one whose accessors throw
 * "Render frame was disposed") gives null, which is never trusted.
 */
export function senderInfoOf(event: InvokeEventLike): SenderInfo | null {
  try {
    const frame = event.senderFrame;
    if (frame === null) return null;
    return { webContentsId: event.sender.id, url: frame.url, isMainFrame: frame.parent === null };
  } catch {
    return null;
  }
}

export function forbiddenSender(channel: Channel): Result<never> {
  return fail(new AppError('api.forbidden-sender', `IPC call to ${channel} from an untrusted frame was refused`));
}

/**
 * Registers exactly one `ipcMain.handle('oms:<channel>')` per API channel, nothing else.
 * Each handler checks the sender first, then hands the raw input to `host.handle`, which
 * validates it against the contract. Returns a function that removes the handlers again.
 */
export function registerIpcHandlers(
  ipc: IpcMainLike,
  host: Pick<AppHost, 'handle'>,
  trusted: () => TrustedSenders,
): () => void {
  for (const channel of CHANNELS) {
    ipc.handle(ipcChannelOf(channel), async (event, ...args) => {
      if (!isTrustedSender(senderInfoOf(event), trusted())) return forbiddenSender(channel);
      try {
        return await host.handle(channel, args[0]);
      } catch (err) {
        // host.handle never throws; this keeps the IPC answer a Result even if it ever did.
        return fail(err);
      }
    });
  }
  return () => {
    for (const channel of CHANNELS) ipc.removeHandler(ipcChannelOf(channel));
  };
}
