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

/** What the status bar shows; the sync issue fills `online` and `lastSyncAt` for real. */
export const syncStatus = z.object({
  serverConfigured: z.boolean(),
  online: z.boolean(),
  pendingCommands: z.number().int(),
  rejectedCommands: z.number().int(),
  lastSyncAt: z.string().nullable(),
});

export const systemApi = {
  'system.info': query(z.object({}).default({}), systemInfo),
  'sync.status': query(z.object({}).default({}), syncStatus),
} as const;
