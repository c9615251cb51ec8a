import { z } from 'zod';
import { query } from './endpoint.ts';

export const shellKind = z.enum(['electron', 'web']);

export const systemInfo = z.object({
  appVersion: z.string(),
  shell: shellKind,
  dataDir: z.string(),
  clientId: z.string(),
  serverUrl: z.string().nullable(),
  schemaVersion: z.string(),
});

export const systemApi = {
  'system.info': query(z.object({}).default({}), systemInfo),
} as const;
