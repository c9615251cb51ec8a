import type { Endpoint } from './endpoint.ts';

/** labels channels (issue 6). */
export const labelsApi = {} as const satisfies Record<string, Endpoint>;
