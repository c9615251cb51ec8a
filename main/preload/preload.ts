import { contextBridge, ipcRenderer } from 'electron';
import { buildApi } from './api.ts';

/**
 * The sandboxed preload (bundled into dist-electron/preload.cjs by scripts/build-electron.mjs).
 * It exposes `window.oms`, one function per API channel, and nothing else: never ipcRenderer,
 * never a generic send. The main process checks every call's sender (main/electron/ipc.ts).
 */
const api = buildApi((ipcChannel, input): Promise<unknown> => ipcRenderer.invoke(ipcChannel, input));

contextBridge.exposeInMainWorld('oms', api);
