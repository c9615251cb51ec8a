import type { ClientFn, Endpoint } from './endpoint.ts';
import { dockApi } from './dock.api.ts';
import { inventoryApi } from './inventory.api.ts';
import { labelsApi } from './labels.api.ts';
import { masterdataApi } from './masterdata.api.ts';
import { orderImportApi } from './orderImport.api.ts';
import { ordersApi } from './orders.api.ts';
import { printingApi } from './printing.api.ts';
import { syncApi } from './sync.api.ts';
import { systemApi } from './system.api.ts';

/**
 * The whole app API: the only thing the renderer can call. Electron IPC and the web shell's
 * HTTP transport both implement exactly this, so the renderer never knows which one it has.
 * To add a feature area: write `<area>.api.ts` and spread it here.
 */
export const contract = {
  ...systemApi,
  ...syncApi,
  ...masterdataApi,
  ...inventoryApi,
  ...ordersApi,
  ...orderImportApi,
  ...dockApi,
  ...labelsApi,
  ...printingApi,
} as const satisfies Record<string, Endpoint>;

export type Contract = typeof contract;
export type Channel = keyof Contract;
export type Api = { [K in Channel]: ClientFn<Contract[K]> };

export const CHANNELS = Object.keys(contract) as Channel[];

export function isChannel(value: unknown): value is Channel {
  return typeof value === 'string' && Object.hasOwn(contract, value);
}

/** The IPC channel name an API channel travels on in Electron. */
export const ipcChannelOf = (channel: Channel): string => `oms:${channel}`;
