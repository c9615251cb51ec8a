import { CHANNELS, ipcChannelOf, type Api } from '../../core/api/contract.ts';

/** Sends one API call to the main process and resolves with its answer (a `Result`). */
export type Invoke = (ipcChannel: string, input: unknown) => Promise<unknown>;

/**
 * Builds `window.oms`: exactly one function per channel of the contract, each forwarding its
 * single argument on `oms:<channel>`. No generic send, no access to ipcRenderer itself.
 * No electron import here, so this is unit-tested directly; preload.ts wires it to ipcRenderer.
 */
export function buildApi(invoke: Invoke): Api {
  const api: Record<string, (input: unknown) => Promise<unknown>> = {};
  for (const channel of CHANNELS) {
    const ipcChannel = ipcChannelOf(channel);
    api[channel] = (input: unknown) => invoke(ipcChannel, input);
  }
  // Keys come from CHANNELS and every value forwards to the main process, which validates the
  // input and answers a Result<output> for that channel: the shape the Api type describes.
  return Object.freeze(api) as Api;
}
