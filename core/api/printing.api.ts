import type { Endpoint } from './endpoint.ts';

/** printing channels (issue 6). */
export const printingApi = {} as const satisfies Record<string, Endpoint>;
