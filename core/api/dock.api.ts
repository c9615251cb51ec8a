import type { Endpoint } from './endpoint.ts';

/** dock channels (issue 6). */
export const dockApi = {} as const satisfies Record<string, Endpoint>;
